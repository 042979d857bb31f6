#!/bin/sh
# Decisions per second of the engine and of iam-simulate on the same
# realistic request mix (tests/bench/gen-mix.js): prints the engine
# benchmark's decisions_per_sec line and iam_simulate_decisions_per_sec.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
node "$top_srcdir/tests/bench/gen-mix.js" 512 >"$tmp/mix.jsonl"
"$top_builddir/tests/bench/policy-bench" "$tmp/mix.jsonl" 1.0
sh "$top_srcdir/tests/diff/install.sh" "$top_srcdir/tests/diff" "$top_builddir/tests/diff"
DIFF_NODE_DIR="$top_builddir/tests/diff" node "$top_srcdir/tests/bench/iam-simulate-bench.js" "$tmp/mix.jsonl" 2
