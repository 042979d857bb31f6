"""Loopback AWS emulator for passrole-auditd's tests (see ../README.md)."""
