#!/bin/sh
# Emulator start-up and per-call figures (see tests/emulator/bench_emulator.py).
set -eu
exec "${PYTHON3:-/usr/bin/python3}" "$top_srcdir/tests/emulator/bench_emulator.py"
