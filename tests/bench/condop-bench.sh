#!/bin/sh
# Condition operator throughput: condop_evals_per_sec and
# condop_eval_strings_per_sec over a realistic mix (tests/bench/condop_bench.c).
# Build with ./configure without --enable-sanitizers for meaningful figures.
set -eu
exec "${top_builddir:-.}/tests/bench/condop_bench"
