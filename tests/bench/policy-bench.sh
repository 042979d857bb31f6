#!/bin/sh
# Evaluation speed for a realistic principal: 10 identity policies x 10
# statements, a permissions boundary, 3 SCP levels, conditions (target:
# >= 1,000,000 decisions/s on one core in a build without sanitizers).
# decisions_per_sec is eval_decide(), the audit's path; for instruction
# counts independent of the machine's load, run policy-bench -n N under
# valgrind --tool=callgrind.
#
# Also: the PassRole decisions of the mix whose iam:PassedToService is
# unknown (they build and decide an open constraint), and one principal with
# 16 and with 256 such PassRole statements: the constraint is an OR of that
# many atoms, and the two rates show how building it scales (linearly: the
# 256 rate is about 1/16 of the 16 rate, not 1/256).
set -eu
: "${top_srcdir:?}" "${top_builddir:?}" "${PYTHON3:=python3}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
gen="$top_srcdir/tests/bench/policy-bench-gen.py"
bench="$top_builddir/tests/bench/policy-bench"
"$PYTHON3" "$gen" 64 >"$tmp/mix.jsonl"
"$bench" "$tmp/mix.jsonl" 1.0
# The explaining path (eval_run, match lists for reports), for comparison.
"$bench" --explain "$tmp/mix.jsonl" 1.0 | grep '^explain_'
"$PYTHON3" "$gen" 64 unknown >"$tmp/unknown.jsonl"
"$bench" "$tmp/unknown.jsonl" 0.5 | sed -n 's/^decisions_per_sec:/passrole_unknown_service_decisions_per_sec:/p'
for n in 16 256; do
	"$PYTHON3" "$gen" 8 chain "$n" >"$tmp/chain.jsonl"
	"$bench" "$tmp/chain.jsonl" 0.5 | sed -n "s/^decisions_per_sec:/passrole_unknown_service_${n}_statements_decisions_per_sec:/p"
done
