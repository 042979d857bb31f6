#!/bin/sh
# The program's --eval and --eval-batch modes reach the policy engine: the
# decision is printed (a deny is still exit 0), JSON on request, and bad input
# fails with exit 1 and a message naming the file.
set -u
: "${top_srcdir:?}" "${top_builddir:?}" "${PYTHON3:=python3}"
bin="$top_builddir/passrole-auditd"
data="$top_srcdir/tests/data/policy/tricky"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }
# No config file is needed to evaluate a request file.
cfg="$tmp/none.conf"
: >"$cfg"

"$bin" -c "$cfg" --eval "$data/25-scp-deny-beats-admin.json" >"$tmp/out" 2>"$tmp/err" ||
	fail "--eval exit $?: $(cat "$tmp/err")"
grep -q '^decision: denied (explicit deny, scp)$' "$tmp/out" || fail "decision: $(cat "$tmp/out")"
grep -q 'with an explicit deny in a service control policy' "$tmp/out" || fail "AWS wording: $(cat "$tmp/out")"

"$bin" -c "$cfg" --eval "$data/09-passedtoservice.json" --format json >"$tmp/j" || fail "--format json"
"$PYTHON3" -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["decision"] == "conditional", r
assert r["constraints"] == "iam:PassedToService in {ec2.amazonaws.com}", r
' "$tmp/j" || fail "json result: $(cat "$tmp/j")"

for f in "$data"/01-iam-star.json "$data"/11-boundary-ec2.json; do
	"$PYTHON3" -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' "$f"
done >"$tmp/two.jsonl"
"$bin" -c "$cfg" --eval-batch "$tmp/two.jsonl" >"$tmp/b" || fail "--eval-batch"
"$PYTHON3" -c '
import json, sys
a, b = [json.loads(l) for l in open(sys.argv[1])]
assert a["decision"] == "allowed", a
assert b["decision"] == "denied" and b["deny"] == "implicit" and b["layer"] == "boundary", b
' "$tmp/b" || fail "batch results: $(cat "$tmp/b")"

printf '{"request": {"action": "iam:PassRole"}}\n' >"$tmp/bad.json"
"$bin" -c "$cfg" --eval "$tmp/bad.json" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] || fail "bad request: exit $rc, want 1"
grep -q "bad.json" "$tmp/err" || fail "bad request message does not name the file: $(cat "$tmp/err")"
grep -q "principal" "$tmp/err" || fail "bad request message does not name the field: $(cat "$tmp/err")"

"$bin" -c "$cfg" --eval "$tmp/missing.json" >/dev/null 2>&1
[ $? -eq 1 ] || fail "missing file must exit 1"
# A line that never ends is refused once it passes 8 MiB, at once: it used
# to be read to its end, which /dev/zero never reaches.
timeout 20 "$bin" -c "$cfg" --eval-batch /dev/zero >"$tmp/z" 2>"$tmp/err"
rc=$?
[ "$rc" -ne 124 ] || fail "--eval-batch /dev/zero still running after 20 s"
[ "$rc" -eq 1 ] || fail "--eval-batch /dev/zero: exit $rc, want 1"
grep -q '/dev/zero:1: line longer than 8388608 bytes (8 MiB)' "$tmp/err" ||
	fail "the endless line is not named: $(cat "$tmp/err")"
echo "eval-cli: ok"
