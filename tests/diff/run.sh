#!/bin/sh
# Differential test of the policy engine against @cloud-copilot/iam-simulate.
#
# Generates DIFF_CASES random valid cases (default 10000) from DIFF_SEED
# (default 1) with gen.js, which also records iam-simulate's verdict for each;
# evaluates all of them with one pra-eval --batch process; compares with
# compare.js. Disagreements are printed with the path of their case file
# (under tests/diff/out/ in the build tree); those that a documented
# oracle difference (tests/data/diff/known-differences.json) explains are
# classified and counted, any other one fails the test. Then checks that the
# comparison notices flipped verdicts, and that results with unknown keys
# are sound (unknown.js, DIFF_UNKNOWN_CASES cases, default 1000).
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
src="$top_srcdir/tests/diff"
dir="$top_builddir/tests/diff"
cases=${DIFF_CASES:-10000}
seed=${DIFF_SEED:-1}

case "$cases$seed" in
*[!0-9]*) echo "diff: DIFF_CASES and DIFF_SEED must be numbers"; exit 1 ;;
esac
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "diff: node and npm are needed (Debian packages nodejs npm; scripts/install-deps)"
	exit 77
fi
sh "$src/install.sh" "$src" "$dir" || { echo "diff: npm ci of tests/diff/package-lock.json failed"; exit 1; }
export DIFF_NODE_DIR="$dir"

out="$dir/out"
rm -rf "$out"
mkdir -p "$out"
node "$src/gen.js" --seed "$seed" --count "$cases" --cases "$out/cases.jsonl" --oracle "$out/oracle.jsonl" ||
	{ echo "diff: gen.js failed"; exit 1; }
# One pra-eval process for every case: it streams the batch, so the number
# of cases is not limited by a file size.
"$top_builddir/tests/tools/pra-eval" --batch "$out/cases.jsonl" >"$out/engine.jsonl" 2>"$out/engine.err"
rc=$?
if [ "$rc" -ne 0 ]; then
	# Bad input lines are reported in engine.jsonl and compared as errors.
	echo "diff: pra-eval exited $rc: $(head -c 500 "$out/engine.err")"
fi
node "$src/compare.js" --cases "$out/cases.jsonl" --oracle "$out/oracle.jsonl" \
	--ours "$out/engine.jsonl" --known "$top_srcdir/tests/data/diff/known-differences.json" \
	--outdir "$out" ${DIFF_MINIMIZE:+--minimize "$top_builddir/tests/tools/pra-eval"}
rc=$?
[ "$rc" -eq 0 ] || exit "$rc"

# The comparison itself must be able to fail: flip the engine's verdict on
# the first 50 cases (allowed <-> implicit deny, explicit -> allowed) and
# expect compare.js to report unexplained disagreements.
if [ "$cases" -lt 50 ]; then
	echo "diff: DIFF_CASES must be at least 50 (the self-check flips 50 verdicts)"
	exit 1
fi
head -n 50 "$out/cases.jsonl" >"$out/self-cases.jsonl"
head -n 50 "$out/oracle.jsonl" >"$out/self-oracle.jsonl"
head -n 50 "$out/engine.jsonl" | node -e '
let t = ""; process.stdin.on("data", (d) => { t += d; }).on("end", () => {
	for (const l of t.split("\n").filter(Boolean)) {
		const r = JSON.parse(l);
		if (r.decision === "allowed") Object.assign(r, { decision: "denied", deny: "implicit", layer: "identity" });
		else Object.assign(r, { decision: "allowed", deny: null, layer: null });
		console.log(JSON.stringify(r));
	}
});' >"$out/self-engine.jsonl"
if node "$src/compare.js" --cases "$out/self-cases.jsonl" --oracle "$out/self-oracle.jsonl" \
	--ours "$out/self-engine.jsonl" --known "$top_srcdir/tests/data/diff/known-differences.json" \
	--outdir "$out/self" >"$out/self.log" 2>&1; then
	echo "diff: self-check failed: 50 flipped verdicts went unnoticed"
	exit 1
fi
echo "diff: self-check: $(grep -c '^DISAGREE' "$out/self.log")/50 flipped verdicts reported"

# Three-valued soundness: with some condition keys unknown, a definite
# answer must hold for every instantiation of them (unknown.js).
node "$src/unknown.js" --seed "$seed" --count "${DIFF_UNKNOWN_CASES:-1000}" \
	--pra-eval "$top_builddir/tests/tools/pra-eval" --outdir "$out/unknown"
