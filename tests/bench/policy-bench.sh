#!/bin/sh
# Evaluation speed for a realistic principal: 10 identity policies x 10
# statements, a permissions boundary, 3 SCP levels, conditions (target:
# >= 1,000,000 decisions/s on one core in a build without sanitizers).
# decisions_per_sec is eval_decide(), the audit's path; for instruction
# counts independent of the machine's load, run policy-bench -n N under
# valgrind --tool=callgrind.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}" "${PYTHON3:=python3}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
"$PYTHON3" "$top_srcdir/tests/bench/policy-bench-gen.py" 64 >"$tmp/mix.jsonl"
"$top_builddir/tests/bench/policy-bench" "$tmp/mix.jsonl" 1.0
# The explaining path (eval_run, match lists for reports), for comparison.
"$top_builddir/tests/bench/policy-bench" --explain "$tmp/mix.jsonl" 1.0 | grep '^explain_'
