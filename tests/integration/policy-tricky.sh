#!/bin/sh
# Every tricky case of docs/iam-evaluation.md (tests/data/policy/tricky):
# run pra-eval on the request and compare the result with its "expect" block
# (decision, deny kind, layer, message substring, constraints substring,
# useful services).
set -u
: "${top_srcdir:?}" "${top_builddir:?}" "${PYTHON3:=python3}"
dir="$top_srcdir/tests/data/policy/tricky"
bin="$top_builddir/tests/tools/pra-eval"
fail=0 n=0
for f in "$dir"/*.json; do
	n=$((n + 1))
	out=$("$bin" --format json "$f" 2>&1) || { echo "FAIL $f: pra-eval: $out"; fail=$((fail + 1)); continue; }
	if ! printf '%s\n' "$out" | "$PYTHON3" -c '
import json, sys
case = json.load(open(sys.argv[1]))
exp = case["expect"]
got = json.loads(sys.stdin.read())
bad = []
for k in ("decision", "deny", "layer"):
    if k in exp and got.get(k) != exp[k]:
        bad.append("%s: expected %r, got %r" % (k, exp[k], got.get(k)))
for k in ("message", "constraints"):
    if k in exp and (got.get(k) is None or exp[k] not in got[k]):
        bad.append("%s: expected to contain %r, got %r" % (k, exp[k], got.get(k)))
if "services" in exp and sorted(got.get("services") or []) != sorted(exp["services"]):
    bad.append("services: expected %r, got %r" % (exp["services"], got.get("services")))
if exp.get("decision") == "denied" and not got.get("message", "").startswith("User: " + case["request"]["principal"] + " is not authorized to perform: " + case["request"]["action"]):
    bad.append("message does not start as AWS words it: %r" % got.get("message"))
if bad:
    print("\n".join(bad))
    sys.exit(1)
' "$f"; then
		echo "FAIL $f"
		fail=$((fail + 1))
	fi
done
echo "policy-tricky: $((n - fail))/$n cases as expected"
[ "$n" -ge 27 ] || { echo "too few cases ($n)"; exit 1; }
[ "$fail" -eq 0 ]
