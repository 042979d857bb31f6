#!/bin/sh
# The scale benchmark's generator (tests/bench/scale-gen.py) on a small
# organization of 3 accounts x 50 principals, so that it cannot rot between
# two `make bench` runs: it writes the same bytes for the same arguments, the
# dump it writes is audited completely (exit 0, "complete": true, valid
# JSON) with edges in every account, through the parts of the shape the
# benchmark relies on (transitive paths, VPC endpoint caveats, the
# administrator-equivalent roles privileged), and its --change edit is a
# change the next audit reports.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
BIN="$top_builddir/passrole-auditd"
PY=${PYTHON3:-python3}
GEN="$top_srcdir/tests/bench/scale-gen.py"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pra-scale-gen.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
passes=0

ok() { passes=$((passes + 1)); }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

printf 'log_level = "warning";\n' >"$tmp/pra.conf"

# audit NAME WANT_RC: the report of the dump in $tmp/NAME.json
audit() {
	"$BIN" -c "$tmp/pra.conf" --audit-now --input "$tmp/dump" --state-dir "$tmp/state" \
		--format json >"$tmp/$1.json" 2>"$tmp/$1.err"
	rc=$?
	if [ "$rc" -eq "$2" ]; then ok; else
		fail "audit $1: exit $rc, wanted $2"
		sed 's/^/  stderr: /' "$tmp/$1.err"
	fi
}

gen() {	# gen DIR [--change]
	out=$1
	shift
	if "$PY" "$GEN" --accounts 3 --principals 50 --seed 7 --out "$out" "$@" >"$tmp/gen.out" \
	    2>"$tmp/gen.err"; then ok; else
		fail "scale-gen.py --out $out $*: $(cat "$tmp/gen.err")"
	fi
}

gen "$tmp/dump"
gen "$tmp/again"
if diff -r "$tmp/dump" "$tmp/again" >"$tmp/diff"; then ok; else
	fail "two dumps with the same arguments differ: $(head -5 "$tmp/diff")"
fi
for f in aws-dump.json org/describe-organization.json org/list-roots.json \
    org/policies/SERVICE_CONTROL_POLICY.json org/policies/RESOURCE_CONTROL_POLICY.json \
    400000000000/iam.json 400000000002/vpc-endpoints/us-east-1.json; do
	if [ -s "$tmp/dump/$f" ]; then ok; else fail "no $f in the dump"; fi
done
# A second dump into a directory that is not empty is refused.
if "$PY" "$GEN" --accounts 3 --principals 50 --out "$tmp/dump" >/dev/null 2>&1; then
	fail "scale-gen.py wrote into a directory that was not empty"
else ok; fi

audit first 0
if "$PY" -m json.tool "$tmp/first.json" >/dev/null 2>"$tmp/jerr"; then ok; else
	fail "the first report is not JSON: $(cat "$tmp/jerr")"
fi
if "$PY" - "$tmp/first.json" >"$tmp/check" 2>&1 <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
E = r["edges"]
assert r["complete"] is True and r["not_audited"] == [], (r["complete"], r["not_audited"])
accounts = sorted(a["id"] for a in r["accounts"] if a["audited"])
assert accounts == ["400000000000", "400000000001", "400000000002"], accounts
assert E, "no edges"
assert sorted({e["account"] for e in E}) == accounts, "an account without edges"
assert any(e["path"] for e in E), "no transitive (assume or pass) path"
assert any(e["caveats"] for e in E), "no VPC endpoint caveat"
assert any(e["principal_type"] == "user" for e in E) and \
    any(e["principal_type"] == "role" for e in E), "edges from only one kind of principal"
priv = {p["role_arn"].split("/")[-1] for p in r["privileged"]}
assert any(n.startswith(("app-admin-", "ops-admin-")) for n in priv), sorted(priv)
PYEOF
then ok; else fail "the first audit: $(cat "$tmp/check")"; fi

# The same dump again: nothing changed.
audit rerun 0
if grep -q '"changes":[[:space:]]*\[\]' "$tmp/rerun.json"; then ok; else
	fail "the re-run of the same dump reports changes"
fi
# One policy of one account edited: the audit sees it.
gen "$tmp/dump" --change
if grep -qx "$tmp/dump/400000000001/iam.json" "$tmp/gen.out"; then ok; else
	fail "--change did not name the file it rewrote: $(cat "$tmp/gen.out")"
fi
audit change 2
if "$PY" - "$tmp/change.json" >"$tmp/check" 2>&1 <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
C = r["changes"]
assert r["complete"] is True and C, (r["complete"], C)
assert {c["role_arn"].split(":")[4] for c in C} == {"400000000001"}, C
assert any(c["kind"] == "gained" for c in C), [c["kind"] for c in C]
PYEOF
then ok; else fail "the audit after --change: $(cat "$tmp/check")"; fi

echo "scale-gen: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
