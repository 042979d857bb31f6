#!/bin/sh
# Names from AWS are untrusted text (issue 14, F4). On the demo
# organization's dump, with its user "intern" renamed:
#   - to a name with ESC, CR and LF: the audit runs, the text report shows
#     them as \xNN (never raw), the JSON and JSON Lines reports are valid
#     and keep the name exactly;
#   - to bytes that are not UTF-8, or to a name with \u0000 (which a JSON
#     reader would cut the ARN at): the dump is refused, naming the file,
#     its line and column, and nothing is reported.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
BIN="$top_builddir/passrole-auditd"
PY=${PYTHON3:-python3}
DUMP="$top_srcdir/examples/demo-org/dump"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pra-untrusted.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
passes=0
ok() { passes=$((passes + 1)); }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
printf 'log_level = "warning";\n' >"$tmp/pra.conf"

# rename HOW: a copy of the dump in $tmp/d with intern's name and ARN
# changed; HOW is a Python expression of the new name, as raw bytes
# written into the file's JSON text.
rename() {
	rm -rf "$tmp/d"
	cp -r "$DUMP" "$tmp/d"
	chmod -R u+w "$tmp/d"
	"$PY" - "$tmp/d/210987654321/iam.json" "$1" <<'PY'
import sys
f, how = sys.argv[1], sys.argv[2]
b = open(f, "rb").read()
new = eval(how)
assert b.count(b"user/intern") >= 1
b = b.replace(b'"UserName": "intern"', b'"UserName": "' + new + b'"')
b = b.replace(b"user/intern", b"user/" + new)
open(f, "wb").write(b)
PY
}

run() {	# run NAME FORMAT
	"$BIN" -c "$tmp/pra.conf" --audit-now --no-state --input "$tmp/d" --format "$2" \
		>"$tmp/$1.out" 2>"$tmp/$1.err"
	echo $?
}

# 1. Control characters: shown escaped in text, kept exactly in JSON.
rename 'b"in\\u001b[31mtern\\r\\nX"'
rc=$(run text text)
[ "$rc" -eq 0 ] && ok || fail "text report: exit $rc: $(cat "$tmp/text.err")"
if LC_ALL=C grep -q "$(printf '\033')" "$tmp/text.out" ||
    LC_ALL=C grep -q "$(printf '\r')" "$tmp/text.out"; then
	fail "a raw ESC or CR in the text report"
else ok; fi
grep -q 'user/in\\x1b\[31mtern\\x0d\\x0aX' "$tmp/text.out" && ok ||
	fail "the escaped name is not in the text report: $(grep -a intern "$tmp/text.out" | head -3)"
rc=$(run json json)
[ "$rc" -eq 0 ] && ok || fail "json report: exit $rc"
rc=$(run jsonl jsonl)
[ "$rc" -eq 0 ] && ok || fail "jsonl report: exit $rc"
"$PY" - "$tmp/json.out" "$tmp/jsonl.out" <<'PY' && ok || fail "JSON reports"
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
want = "arn:aws:iam::210987654321:user/in\x1b[31mtern\r\nX"
assert want in {e["principal_arn"] for e in r["edges"]}, [e["principal_arn"] for e in r["edges"]]
lines = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
assert want in {o.get("principal_arn") for o in lines}
PY

# 2. Not UTF-8: refused, naming the file and where.
rename 'b"in\xfftern"'
rc=$(run badutf8 json)
[ "$rc" -eq 1 ] && ok || fail "bytes that are not UTF-8: exit $rc, wanted 1"
grep -q '210987654321/iam.json: line [0-9]*, column [0-9]*: bytes that are not UTF-8' "$tmp/badutf8.err" && ok ||
	fail "not named: $(cat "$tmp/badutf8.err")"
[ ! -s "$tmp/badutf8.out" ] && ok || fail "a report was printed for a refused dump"

# 3. \u0000: refused, not read as a shorter ARN.
rename 'b"in\\u0000tern"'
rc=$(run nul json)
[ "$rc" -eq 1 ] && ok || fail "\\u0000: exit $rc, wanted 1"
grep -q '210987654321/iam.json: line [0-9]*, column [0-9]*: a \\u0000 (NUL) in a string' "$tmp/nul.err" && ok ||
	fail "not named: $(cat "$tmp/nul.err")"

echo "untrusted-text: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
