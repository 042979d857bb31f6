# tests/emulator: the loopback AWS emulator used by integration tests.
