#!/bin/sh
# The account-at-a-time, incremental audit (issue 11), on an organization
# from the scale benchmark's generator (3 accounts x 40 principals):
#   - an unchanged re-run reuses every account's saved edges (the summary
#     line of --format jsonl says how many) and reports exactly the edges
#     of the first run;
#   - one changed policy in one account re-audits that account only, and
#     the result equals an audit of the changed dump from scratch;
#   - a changed audit setting or a changed SCP re-audits what it touches;
#   - the JSON report is one valid document with the same edges as the
#     JSON Lines one; every JSON Lines line is an object with a type;
#   - a saved run is a generation directory: the account files of an
#     unchanged account are hard links to the previous run's, and the state
#     stays small per edge.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
BIN="$top_builddir/passrole-auditd"
PY=${PYTHON3:-python3}
GEN="$top_srcdir/tests/bench/scale-gen.py"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pra-incremental.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
passes=0

ok() { passes=$((passes + 1)); }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

printf 'log_level = "warning";\n' >"$tmp/pra.conf"

# run NAME WANT_RC FORMAT [ARGS...]: the report of the dump in $tmp/NAME.FORMAT
run() {
	name=$1 want=$2 fmt=$3
	shift 3
	"$BIN" -c "$tmp/pra.conf" --audit-now --input "$tmp/dump" --format "$fmt" "$@" \
		>"$tmp/$name.$fmt" 2>"$tmp/$name.err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok; else
		fail "run $name: exit $rc, wanted $want"
		sed 's/^/  stderr: /' "$tmp/$name.err"
	fi
}

# check PYTHON: assertions over the JSON Lines reports loaded as L[name]
# (lists of objects) and summary S[name], for the names given after it.
check() {
	code=$1
	shift
	if "$PY" - "$tmp" "$@" >"$tmp/check.out" 2>&1 <<PY
import json, sys
t = sys.argv[1]
L, S, E = {}, {}, {}
for n in sys.argv[2:]:
    L[n] = [json.loads(l) for l in open("%s/%s.jsonl" % (t, n))]
    for o in L[n]:
        assert isinstance(o, dict) and o.get("type") in ("account", "privileged", "edge", "change", "summary"), o
    assert L[n][-1]["type"] == "summary", L[n][-1]
    S[n] = L[n][-1]
    E[n] = sorted(json.dumps({k: v for k, v in o.items() if k != "type"}, sort_keys=True)
                  for o in L[n] if o["type"] == "edge")
    assert S[n]["scope"] != "all" or S[n]["edges"] == len(E[n]), (S[n]["edges"], len(E[n]))
$code
PY
	then ok; else fail "$(cat "$tmp/check.out")"; fi
}

if "$PY" "$GEN" --accounts 3 --principals 40 --seed 3 --out "$tmp/dump" >/dev/null 2>"$tmp/gen.err"
then ok; else fail "scale-gen.py: $(cat "$tmp/gen.err")"; fi

# 1. The baseline, then an unchanged re-run: every account reused.
run first 0 jsonl --state-dir "$tmp/state"
run again 0 jsonl --state-dir "$tmp/state"
check "
assert S['first']['baseline'] and S['first']['reused'] == 0 and S['first']['complete'], S['first']
assert S['first']['edges'] > 20, S['first']['edges']
assert S['again']['reused'] == 3 and not S['again']['baseline'] and S['again']['changes'] == 0, S['again']
assert E['first'] == E['again']
assert [o['id'] for o in L['again'] if o['type'] == 'account'] == sorted(['400000000000', '400000000001', '400000000002'])
" first again

# The generation of the re-run shares the first run's account files.
for f in "$tmp"/state/gen-0000000002/*.edges.json; do
	b=$(basename "$f")
	if [ "$(stat -c %i "$f")" = "$(stat -c %i "$tmp/state/gen-0000000001/$b")" ]; then ok; else
		fail "$b of an unchanged account was rewritten, not linked"
	fi
done
# Compact: the account files take less than the same edges in the version
# 1 form (--write-edges, one entry a line). (Bytes per edge are measured
# at scale by tests/bench/scale.sh; here the privileged roles' reasons
# weigh more than 56 edges.)
"$BIN" -c "$tmp/pra.conf" --audit-now --input "$tmp/dump" --no-state \
	--write-edges "$tmp/v1.json" >/dev/null 2>"$tmp/v1.err" || fail "--write-edges: $(cat "$tmp/v1.err")"
"$PY" - "$tmp/state/gen-0000000001" "$tmp/v1.json" <<'PY' >"$tmp/bpe" 2>&1 && ok || fail "state size: $(cat "$tmp/bpe")"
import json, os, sys
g = sys.argv[1]
b = sum(os.path.getsize(os.path.join(g, f)) for f in os.listdir(g) if f.endswith(".edges.json"))
v1 = os.path.getsize(sys.argv[2])
n = len(json.load(open(sys.argv[2]))["edges"])
assert n > 0
assert b < v1, (b, v1, n)
PY

# --changes-only and --summary list no edges, and do not even read an
# unchanged account's saved ones, but count them.
run again_changes 0 jsonl --state-dir "$tmp/state" --changes-only
check "
s = S['again_changes']
assert s['scope'] == 'changes' and s['reused'] == 3 and s['edges'] == S['first']['edges'], s
assert s['privileged'] == S['first']['privileged'], s
assert [o['type'] for o in L['again_changes']] == ['account'] * 3 + ['summary'], L['again_changes']
" first again_changes
run again_summary 0 json --state-dir "$tmp/state" --summary
"$PY" - "$tmp/again_summary.json" "$tmp/first.jsonl" <<'PY' && ok || fail "--summary JSON"
import json, sys
r = json.load(open(sys.argv[1]))
f = json.loads(open(sys.argv[2]).read().splitlines()[-1])
assert r["scope"] == "summary" and r["edges"] == [] and r["privileged"] == [] and r["changes"] == [], r
c = r["counts"]
assert c["edges"] == f["edges"] and c["privileged"] == f["privileged"] and c["reused"] == 3, (c, f)
PY

# 2. The JSON form of an unchanged run: one valid document, same edges.
run again_json 0 json --state-dir "$tmp/state"
"$PY" - "$tmp/again_json.json" "$tmp/again.jsonl" <<'PY' && ok || fail "JSON and JSON Lines differ"
import json, sys
r = json.load(open(sys.argv[1]))
l = [json.loads(x) for x in open(sys.argv[2])]
assert r["format"] == "passrole-auditd-audit" and r["version"] == 1 and r["saved"] == 5, r["saved"]
assert r["scope"] == "all" and r["counts"]["edges"] == len(r["edges"]), r["counts"]
a = sorted(json.dumps(e, sort_keys=True) for e in r["edges"])
b = sorted(json.dumps({k: v for k, v in o.items() if k != "type"}, sort_keys=True) for o in l if o["type"] == "edge")
assert a == b
assert len(r["privileged"]) == len([o for o in l if o["type"] == "privileged"])
assert [x["id"] for x in r["accounts"]] == [o["id"] for o in l if o["type"] == "account"]
PY

# 3. One policy changed in one account: that account alone is audited
# again, and the result is what an audit from scratch gives.
if "$PY" "$GEN" --accounts 3 --principals 40 --seed 3 --out "$tmp/dump" --change >/dev/null \
    2>"$tmp/gen.err"; then ok; else fail "scale-gen.py --change: $(cat "$tmp/gen.err")"; fi
run changed 2 jsonl --state-dir "$tmp/state"
run scratch 0 jsonl --no-state
check "
assert S['changed']['reused'] == 2, S['changed']
ch = [o for o in L['changed'] if o['type'] == 'change']
assert ch and len({(c['old'] or c['new'])['account'] for c in ch}) == 1, ch
assert E['changed'] == E['scratch']
" changed scratch

# 4. The audit settings are part of every account's inputs.
printf 'log_level = "warning";\naudit = { privileged_roles = [ "app-*" ]; };\n' >"$tmp/pra.conf"
run settings 2 jsonl --state-dir "$tmp/state"
run settings_scratch 0 jsonl --no-state
check "
assert S['settings']['reused'] == 0, S['settings']
assert E['settings'] == E['settings_scratch']
" settings settings_scratch

# 5. An SCP attached to one account changes: that account is audited
# again; an SCP change above every account re-audits all.
"$PY" - "$tmp/dump" >"$tmp/scp.out" 2>&1 <<'PY' && ok || fail "editing an SCP: $(cat "$tmp/scp.out")"
import glob, json, os, sys
d = sys.argv[1]
for f in sorted(glob.glob(os.path.join(d, "org", "policy", "*.json"))):
    doc = json.load(open(f))
    p = doc["Policy"]
    if p["PolicySummary"].get("AwsManaged"):
        continue
    c = json.loads(p["Content"])
    c["Statement"].append({"Sid": "TestAdded", "Effect": "Deny", "Action": "iam:PassRole",
                           "Resource": "arn:aws:iam::*:role/never-*"})
    p["Content"] = json.dumps(c)
    json.dump(doc, open(f, "w"))
    print(os.path.basename(f))
    break
PY
run scp 0 jsonl --state-dir "$tmp/state"
run scp_scratch 0 jsonl --no-state
check "
assert S['scp']['reused'] < 3, S['scp']
assert E['scp'] == E['scp_scratch']
" scp scp_scratch

echo "incremental: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
