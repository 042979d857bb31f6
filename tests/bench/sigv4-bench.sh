#!/bin/sh
# SigV4 signing throughput and the payload-hash rate (tests/bench/sigv4_bench.c).
# Build with ./configure without --enable-sanitizers for meaningful figures.
set -eu
exec "${top_builddir:-.}/tests/bench/sigv4_bench"
