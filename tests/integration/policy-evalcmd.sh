#!/bin/sh
# pra-eval as the differential tester and users run it: text and JSON for one
# request, JSON Lines in batch, and bad input named by file, line and path.
set -u
: "${top_srcdir:?}" "${top_builddir:?}" "${PYTHON3:=python3}"
bin="$top_builddir/tests/tools/pra-eval"
data="$top_srcdir/tests/data/policy"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

# text output names the decision, the AWS message and each layer
"$bin" "$data/tricky/11-boundary-ec2.json" >"$tmp/t.txt" 2>&1 || fail "text run: $(cat "$tmp/t.txt")"
grep -q '^decision: denied (implicit deny, boundary)$' "$tmp/t.txt" || fail "text decision: $(cat "$tmp/t.txt")"
grep -q 'because no permissions boundary allows the iam:PassRole action$' "$tmp/t.txt" || fail "text message"
grep -q '^  Allow by policy "PassAll" (user alice inline) statement Pass$' "$tmp/t.txt" || fail "text statement"

# the same in JSON (both option spellings)
"$bin" --format json "$data/tricky/09-passedtoservice.json" >"$tmp/j1" || fail "json run"
"$bin" --format=json "$data/tricky/09-passedtoservice.json" >"$tmp/j2" || fail "json run 2"
cmp -s "$tmp/j1" "$tmp/j2" || fail "--format json and --format=json differ"
"$PYTHON3" -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["decision"] == "conditional", r
assert r["constraints"] == "iam:PassedToService in {ec2.amazonaws.com}", r
assert [l["layer"] for l in r["layers"]] == ["scp", "rcp", "boundary", "identity", "session", "endpoint", "resource"], r
' "$tmp/j1" || fail "json content"

# batch: every tricky case on one line each gives one result per line, in order
for f in "$data"/tricky/*.json; do
	"$PYTHON3" -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' "$f"
done >"$tmp/all.jsonl"
"$bin" --batch "$tmp/all.jsonl" >"$tmp/all.out" || fail "batch run"
[ "$(wc -l <"$tmp/all.out")" -eq "$(wc -l <"$tmp/all.jsonl")" ] || fail "batch line count"
"$PYTHON3" -c '
import json, sys
ins = [json.loads(l) for l in open(sys.argv[1])]
outs = [json.loads(l) for l in open(sys.argv[2])]
for i, o in zip(ins, outs):
    assert i["name"] == o["name"], (i["name"], o["name"])
    assert i["expect"]["decision"] == o["decision"], (i["name"], o)
' "$tmp/all.jsonl" "$tmp/all.out" || fail "batch results"

# bad input: named by line and JSON path, other lines still evaluated
{ head -n 1 "$tmp/all.jsonl"; echo '{"request":{"principal":"p","action":"iam:PassRole","resource":"r","context":{"k":{}}}}'; echo 'not json'; } >"$tmp/bad.jsonl"
if "$bin" --batch "$tmp/bad.jsonl" >"$tmp/bad.out" 2>"$tmp/bad.err"; then fail "bad batch accepted"; fi
grep -q "bad.jsonl:2: request.context.k: must be a string, number, boolean or an array of them, got an object" "$tmp/bad.err" || fail "bad line 2 message: $(cat "$tmp/bad.err")"
[ "$(wc -l <"$tmp/bad.out")" -eq 3 ] || fail "bad batch output lines"
grep -q '"line":3,"error":".*bad.jsonl:3: not valid JSON' "$tmp/bad.out" || fail "bad line 3: $(cat "$tmp/bad.out")"

# a bad single file names the file and the path inside the policy
printf '%s' '{"request":{"principal":"arn:aws:iam::1:user/a","action":"iam:PassRole","resource":"r"},"policies":{"identity":[{"name":"DevBoundary","document":{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"allow","Action":"*","Resource":"*"}]}}]}}' >"$tmp/one.json"
if "$bin" "$tmp/one.json" >/dev/null 2>"$tmp/one.err"; then fail "bad policy accepted"; fi
grep -q 'one.json: policies.identity\[0\].document: policy "DevBoundary": Statement\[1\].Effect: must be "Allow" or "Deny", got "allow"' "$tmp/one.err" || fail "bad policy message: $(cat "$tmp/one.err")"
"$bin" --nope x >/dev/null 2>&1 && fail "unknown option accepted"
"$bin" "$tmp/missing.json" >/dev/null 2>&1 && fail "missing file accepted"
echo "policy-evalcmd: ok"
