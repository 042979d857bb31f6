#!/bin/sh
# The bundled demo organization (examples/demo-org) end to end: the exact
# edges, reasons and caveats of every story source.py tells, the --explain
# sentences, and the diff after the one change the demo makes; through the
# offline dumps AND live through the emulator, which must agree. Also: the
# committed scenarios are what source.py writes, and the committed dumps
# hold what the scenarios hold (offline_load of each dump equals the
# snapshot of the live run).
#
# Expected, derived from source.py with AWS's rules
# (/work/shared/docs/iam-evaluation.md); accounts: Management 111122223333
# (SCPs do not apply; no roles), Prod Apps 210987654321 under OU Workloads >
# Prod (FullAWSAccess at every level, Guardrails deny LeaveOrganization
# only), Sandbox 345678901234 under OU Sandbox (SCP SandboxNoPassRole denies
# iam:PassRole). RCPs do not apply to iam:PassRole.
#
# Privileged (5): AdminInstanceRole (AdministratorAccess), BedrockAgentRole
# (iam:PassRole on *, lambda:*), Developer (lambda:UpdateFunctionCode; its
# PassRole is denied by OrgBaseline), EventBridgeInvokeRole (only the tag
# privileged=true of the demo config: invoking Lambda and Step Functions is
# no escalation), SandboxAdminRole (AdministratorAccess; the SCP only takes
# PassRole away). Not: CloudFormationServiceRole, OpsEngineer, BuildRole
# (boundary), OrderProcessorLambda, PassroleAuditRole (SecurityAudit).
#
# Edges (all in 210987654321; services = trust policy ∩ iam:PassedToService):
#   Developer: none. OrgBaseline's explicit Deny iam:PassRole (an
#     identity-based policy) beats DeveloperAccess's PassAnyRole.
#   CloudFormationServiceRole -> BedrockAgentRole [bedrock], direct
#     (PassAgentRole), and nothing more: Bedrock uses the agent role only
#     for its own calls, so BedrockAgentRole's PassRole is no path.
#   BedrockAgentRole (PassRole on *) and AdminInstanceRole (admin) -> each
#     other privileged role but themselves, direct.
#   OpsEngineer -> AdminInstanceRole [ec2] only (PassToEC2Only's
#     iam:PassedToService = ec2 ∩ trust {ec2, ssm}), direct; and through EC2
#     acting with AdminInstanceRole -> BedrockAgentRole, Developer,
#     EventBridgeInvokeRole.
#   BuildRole: none (BuildBoundary allows no iam:PassRole).
#   OrderProcessorLambda -> EventBridgeInvokeRole [events], direct
#     (PassInvokeRole).
#   intern (PassRole on *) -> AdminInstanceRole [ec2, ssm], BedrockAgentRole,
#     Developer [none], EventBridgeInvokeRole: the classic escalation.
#   Every edge to EventBridgeInvokeRole for events.amazonaws.com carries the
#     caveat of vpce-0demo0events00001 (eu-west-1 EventBridge endpoint whose
#     policy allows only events:*): "no VPC endpoint policy allows".
#   Sandbox: none (SCP explicit deny), management account: none.
# 16 edges. After the change (OrgBaseline loses its PassRole deny) exactly
# three are gained: Developer -> AdminInstanceRole [ec2, ssm],
# BedrockAgentRole [bedrock], EventBridgeInvokeRole [events] (with the
# caveat); exit status 2; each caused by OrgBaseline's new document, and by
# nothing else (verified: that document put back, the edge is gone).
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
. "$top_srcdir/tests/emulator/emu.sh"
BIN="$top_builddir/passrole-auditd"
TOOL="$top_builddir/tests/tools/snapshot-tool"
PY=${PYTHON3:-/usr/bin/python3}
DEMO="$top_srcdir/examples/demo-org"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pra-demo.XXXXXX") || exit 1
fails=0
passes=0
ok() { passes=$((passes + 1)); }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

emu_start "$DEMO/scenario.json" || { echo "FAIL: the emulator did not start"; rm -rf "$tmp"; exit 1; }
trap 'emu_stop; rm -rf "$tmp"' EXIT INT TERM
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE

# 0. The committed scenarios are source.py's output.
"$PY" "$DEMO/source.py" "$tmp/scenario.json" &&
	"$PY" "$DEMO/source.py" "$tmp/scenario-changed.json" --changed || fail "source.py failed"
for f in scenario.json scenario-changed.json; do
	cmp -s "$tmp/$f" "$DEMO/$f" && ok ||
		fail "examples/demo-org/$f is not what source.py writes: run examples/demo-org/make-dumps.sh"
done

# The demo config, private (it holds the ExternalId), and its live variant:
# the same plus the emulator's endpoints and the scenario's auditor keys.
cp "$DEMO/passrole-auditd.conf" "$tmp/offline.conf"
printf '%s' 'demoSecretKeyEXAMPLEEXAMPLEEXAMPLE000001' >"$tmp/secret"
{
	cat "$DEMO/passrole-auditd.conf"
	cat <<CONF
aws = {
  region = "eu-west-1";
  credentials = { source = "static"; access_key_id = "AKIADEMOAUDITOR00001";
    secret_access_key_file = "$tmp/secret"; };
  endpoints = { sts = "$EMU_URL"; iam = "$EMU_URL"; organizations = "$EMU_URL";
    ec2 = "$EMU_URL"; };
  retry = { max_attempts = 2; base_delay_ms = 10; max_delay_ms = 20; };
};
CONF
} >"$tmp/live.conf"
chmod 600 "$tmp/offline.conf" "$tmp/live.conf" "$tmp/secret"
for c in offline live; do
	"$BIN" -c "$tmp/$c.conf" --check-config >"$tmp/out" 2>"$tmp/err" && [ ! -s "$tmp/err" ] && ok ||
		fail "--check-config of the $c config: $(cat "$tmp/err")"
done
grep -q '^audit.privileged_tags = \["privileged=true"\];$' "$tmp/out" && ok ||
	fail "privileged_tags not in the effective config"

# audit NAME WANT_RC CONF ARGS...: the JSON report in $tmp/NAME.json
audit() {
	name=$1 want=$2 conf=$3
	shift 3
	"$BIN" -c "$tmp/$conf.conf" --audit-now --format json "$@" >"$tmp/$name.json" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok; else
		fail "$name: --audit-now $*: exit $rc, wanted $want"
		sed 's/^/  stderr: /' "$tmp/err"
	fi
	[ ! -s "$tmp/err" ] && ok || fail "$name: stderr: $(cat "$tmp/err")"
}

# check NAME PYTHON: assertions on report $tmp/NAME.json as r, with E (edges
# by short principal and role names), K (changes) and the expected sets.
check() {
	if "$PY" - "$tmp/$1.json" "$2" <<'PY'; then ok; else fails=$((fails + 1)); fi
import json, sys
r = json.load(open(sys.argv[1]))
P = "arn:aws:iam::210987654321:"
def short(arn):
    return arn[len(P):] if arn and arn.startswith(P) else arn
E = {(short(e["principal_arn"]), short(e["role_arn"])): e for e in r["edges"]}
K = sorted((c["kind"], short(c["principal_arn"]), short(c["role_arn"])) for c in r["changes"])
EC2, SSM, BR, EV = "ec2.amazonaws.com", "ssm.amazonaws.com", "bedrock.amazonaws.com", "events.amazonaws.com"
ADM, AG, DEV, EVR = "role/AdminInstanceRole", "role/BedrockAgentRole", "role/Developer", "role/EventBridgeInvokeRole"
SERVICES = {ADM: [EC2, SSM], AG: [BR], DEV: [], EVR: [EV]}
# principal -> {role: (services, path as [(kind, short arn, via)])}
def each(skip=None):
    """Every privileged role of Prod Apps but skip, directly, to every service it trusts."""
    return {k: (v, []) for k, v in SERVICES.items() if k != skip}
EC2PATH = [("pass", ADM, EC2)]
WANT = {
    "role/AdminInstanceRole": each(skip=ADM),
    "role/BedrockAgentRole": each(skip=AG),
    "role/CloudFormationServiceRole": {AG: ([BR], [])},
    "role/OpsEngineer": {ADM: ([EC2], []), AG: ([BR], EC2PATH), DEV: ([], EC2PATH),
                         EVR: ([EV], EC2PATH)},
    "role/OrderProcessorLambda": {EVR: ([EV], [])},
    "user/intern": each(),
}
WANT_SET = {(p, k) for p, roles in WANT.items() for k in roles}
GAINED = [("gained", "role/Developer", ADM), ("gained", "role/Developer", AG),
          ("gained", "role/Developer", EVR)]
def check_edges(want):
    assert set(E) == want, "edge set: missing %s, extra %s" % (sorted(want - set(E)), sorted(set(E) - want))
    for (p, k), e in E.items():
        svc, path = WANT.get(p, {}).get(k) or (SERVICES[k], [])
        assert e["services"] == svc and e["no_service"] == (svc == []), (p, k, e["services"])
        assert not e["conditional"] and e["conditions"] is None, (p, k, e["conditions"])
        got = [(h["kind"], short(h["arn"]), h["via_service"]) for h in e["path"]]
        assert got == path, (p, k, got)
        cav = [(c["endpoint_id"], c["region"], c["service_name"]) for c in e["caveats"]]
        want_cav = [("vpce-0demo0events00001", "eu-west-1", "com.amazonaws.eu-west-1.events")] \
            if k == EVR else []
        assert cav == want_cav, (p, k, cav)
        for c in e["caveats"]:
            assert "because no VPC endpoint policy allows the iam:PassRole action" in c["message"], c
try:
    exec(sys.argv[2])
except AssertionError as ex:
    print("FAIL:", ex)
    sys.exit(1)
PY
}

BASELINE_CHECKS='
assert r["format"] == "passrole-auditd-audit" and r["complete"], (r["format"], r["complete"])
assert sorted(a["id"] for a in r["accounts"] if a["audited"] and not a["org_unknown"]) == \
    ["111122223333", "210987654321", "345678901234"], r["accounts"]
assert r["not_audited"] == [] and r["org_note"] is None, (r["not_audited"], r["org_note"])
check_edges(WANT_SET)
R = lambda p, k: E[(p, k)]["reason"]
assert "Sid PassInstanceRole" in R("user/intern", ADM) and "inline policy of user intern" in R("user/intern", ADM)
assert "Sid PassToEC2Only" in R("role/OpsEngineer", ADM) and \
    "when iam:PassedToService in {ec2.amazonaws.com}" in R("role/OpsEngineer", ADM), R("role/OpsEngineer", ADM)
assert "Sid PassInvokeRole" in R("role/OrderProcessorLambda", EVR) and \
    "when iam:PassedToService in {events.amazonaws.com}" in R("role/OrderProcessorLambda", EVR)
assert "Sid PassAgentRole" in R("role/CloudFormationServiceRole", AG)
assert "AdministratorAccess" in R("role/AdminInstanceRole", AG)
msg = E[("role/OrderProcessorLambda", EVR)]["caveats"][0]["message"]
assert msg.startswith("User: " + P + "role/OrderProcessorLambda is not authorized to perform: "
    "iam:PassRole on resource: " + P + "role/EventBridgeInvokeRole because no VPC endpoint "
    "policy allows the iam:PassRole action"), msg
assert "the other policies allow it, so this endpoint policy is the only reason" in msg, msg
priv = {short(p["role_arn"]): p["reasons"] for p in r["privileged"]}
assert sorted(priv) == sorted([ADM, AG, DEV, EVR,
    "arn:aws:iam::345678901234:role/SandboxAdminRole"]), sorted(priv)
assert priv[EVR] == ["config: tag privileged=true"], priv[EVR]
assert "auto: allows * on *" in priv[ADM], priv[ADM]
assert "auto: allows iam:PassRole on *" in priv[AG], priv[AG]
'

# 1. Offline baseline: exit 0, the exact edges.
audit off1 0 offline --input "$DEMO/dump" --state-dir "$tmp/state-off"
check off1 "$BASELINE_CHECKS
assert r['baseline'] and r['saved'] == 1 and K == [], (r['baseline'], r['saved'], K)
assert priv[DEV] == ['auto: allows lambda:UpdateFunctionCode on *'], priv[DEV]
"

# The same as the human table: header, the endpoint caveat in its column.
"$BIN" -c "$tmp/offline.conf" --audit-now --input "$DEMO/dump" --no-state >"$tmp/text" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && ok || fail "text --audit-now: exit $rc: $(cat "$tmp/err")"
grep -qE '^PRINCIPAL +ROLE +SERVICES +CONDITIONS +PATH +CAVEATS$' "$tmp/text" && ok || fail "no table header"
grep -qE '^arn:aws:iam::210987654321:role/OrderProcessorLambda +arn:aws:iam::210987654321:role/EventBridgeInvokeRole +events.amazonaws.com +- +direct +denied through vpce-0demo0events00001 \(com.amazonaws.eu-west-1.events\)$' "$tmp/text" &&
	ok || fail "no OrderProcessorLambda line with its caveat: $(grep OrderProcessorLambda "$tmp/text")"
grep -qE '^arn:aws:iam::210987654321:user/intern +arn:aws:iam::210987654321:role/AdminInstanceRole +ec2.amazonaws.com,ssm.amazonaws.com +- +direct +-$' "$tmp/text" &&
	ok || fail "no intern -> AdminInstanceRole line"
if grep -qE '^arn:aws:iam::(210987654321:role/(Developer|BuildRole)|345678901234:[a-z]+/Sandbox|345678901234:user/sandbox-admin) ' "$tmp/text"; then
	fail "an edge for a principal that has none"
else ok; fi

# --list-privileged: the same five roles as the report, with the same reasons.
"$BIN" -c "$tmp/offline.conf" --list-privileged --input "$DEMO/dump" --format json >"$tmp/priv.json" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] && ok || fail "--list-privileged: exit $rc: $(cat "$tmp/err")"
"$PY" - "$tmp/priv.json" "$tmp/off1.json" <<'PY' && ok || fail "--list-privileged differs from the report"
import json, sys
a, b = (json.load(open(f))["privileged"] for f in sys.argv[1:3])
sys.exit(0 if a == b and len(a) == 5 else 1)
PY

# 2. --explain, in AWS's words.
P=arn:aws:iam::210987654321
S=arn:aws:iam::345678901234
# explain NAME CONF ARGS...: the text in $tmp/NAME.txt, exit 0
explain() {
	name=$1 conf=$2
	shift 2
	"$BIN" -c "$tmp/$conf.conf" --explain "$@" >"$tmp/$name.txt" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] && ok || fail "--explain $*: exit $rc: $(cat "$tmp/err")"
}
# has NAME LINE: the explanation holds this exact line
has() {
	grep -qxF "$2" "$tmp/$1.txt" && ok || { fail "$1: no line '$2'"; sed 's/^/  /' "$tmp/$1.txt"; }
}
explain dev offline "$P:role/Developer" "$P:role/AdminInstanceRole" --input "$DEMO/dump"
has dev "decision: denied (explicit deny, identity)"
has dev "message: User: $P:role/Developer is not authorized to perform: iam:PassRole on resource: $P:role/AdminInstanceRole with an explicit deny in an identity-based policy"
has dev "  Deny  by policy \"OrgBaseline\" (managed policy $P:policy/OrgBaseline attached to role Developer) statement NoPassRoleForHumans"
has dev "no path: neither directly nor through a role it can assume or pass (depth 3)"
# AdminInstanceRole trusts EC2 and SSM: the denial is not the trust policy's.
grep -q 'none the role trusts' "$tmp/dev.txt" && fail "dev: blames the trust policy" || ok
explain build offline "$P:role/BuildRole" "$P:role/AdminInstanceRole" --input "$DEMO/dump"
has build "decision: denied (implicit deny, boundary)"
has build "message: User: $P:role/BuildRole is not authorized to perform: iam:PassRole on resource: $P:role/AdminInstanceRole because no permissions boundary allows the iam:PassRole action"
explain sbx offline "$S:user/sandbox-admin" "$S:role/SandboxAdminRole" --input "$DEMO/dump"
has sbx "decision: denied (explicit deny, scp)"
has sbx "message: User: $S:user/sandbox-admin is not authorized to perform: iam:PassRole on resource: $S:role/SandboxAdminRole with an explicit deny in a service control policy"
has sbx "  Deny  by policy \"SandboxNoPassRole\" (SCP p-demonopassrole attached to ou-demo-sbx00003) level 1 statement DenyPassRole"
explain evb offline "$P:role/OrderProcessorLambda" "$P:role/EventBridgeInvokeRole" --input "$DEMO/dump"
has evb "role is privileged: config: tag privileged=true"
has evb "decision: conditional"
has evb "allowed only when: iam:PassedToService in {events.amazonaws.com}"
has evb "useful toward services: events.amazonaws.com"
has evb "endpoint caveat: User: $P:role/OrderProcessorLambda is not authorized to perform: iam:PassRole on resource: $P:role/EventBridgeInvokeRole because no VPC endpoint policy allows the iam:PassRole action (when the call to events.amazonaws.com goes through vpce-0demo0events00001, com.amazonaws.eu-west-1.events in eu-west-1: the other policies allow it, so this endpoint policy is the only reason the request fails)"
explain ops offline "$P:role/OpsEngineer" "$P:role/AdminInstanceRole" --service ssm.amazonaws.com --input "$DEMO/dump"
has ops "decision: denied (implicit deny, identity)"

# 3. Offline, after the change: exactly the Developer's three edges gained.
audit off2 2 offline --input "$DEMO/dump-changed" --state-dir "$tmp/state-off"
check off2 "
assert r['complete'] and not r['baseline'] and r['saved'] == 2, (r['complete'], r['baseline'], r['saved'])
assert K == GAINED, K
for c in r['changes']:
    assert c['old'] is None and c['new'] == E[(short(c['principal_arn']), short(c['role_arn']))], c
check_edges(WANT_SET | {(g[1], g[2]) for g in GAINED})
assert 'Sid PassAnyRole' in E[('role/Developer', ADM)]['reason'], E[('role/Developer', ADM)]['reason']
priv = {short(p['role_arn']): p['reasons'] for p in r['privileged']}
assert 'auto: allows iam:PassRole on *' in priv[DEV], priv[DEV]
"
# Their cause, verified: OrgBaseline's document (its deny gone), and only
# that; the same in the JSON, JSON Lines and text reports.
check off2 "
for c in r['changes']:
    assert len(c['causes']) == 1 and c['causes_note'] is None, c
    x = c['causes'][0]
    assert (x['kind'], x['name'], x['arn'], x['account'], x['on'], x['verified'], x['jointly']) == \
        ('managed-policy', 'OrgBaseline', P + 'policy/OrgBaseline', '210987654321', None, True, False), x
    assert x['before'].startswith('sha256:') and x['after'].startswith('sha256:') and \
        x['before'] != x['after'], x
    assert x == r['changes'][0]['causes'][0], (x, r['changes'][0]['causes'][0])
open('$tmp/cause.want', 'w').write('           cause: managed-policy OrgBaseline (%spolicy/OrgBaseline) '
    'in 210987654321: %s -> %s [verified]\\n' % (P, x['before'], x['after']))
"
for f in text jsonl; do
	"$BIN" -c "$tmp/offline.conf" --audit-now --input "$DEMO/dump" --state-dir "$tmp/state-$f" \
		--format $f >/dev/null 2>"$tmp/err" && ok || fail "$f baseline: $(cat "$tmp/err")"
	"$BIN" -c "$tmp/offline.conf" --audit-now --input "$DEMO/dump-changed" --state-dir "$tmp/state-$f" \
		--format $f >"$tmp/changed.$f" 2>"$tmp/err"
	[ $? -eq 2 ] && ok || fail "$f after the change: $(cat "$tmp/err")"
done
[ "$(grep -A1 -E '^  gained +arn:aws:iam::210987654321:role/Developer -> ' "$tmp/changed.text" |
	grep -cxF -f "$tmp/cause.want")" -eq 3 ] && ok ||
	{ fail "the text report does not name OrgBaseline under each change:"; sed -n '/^Changes/,$p' "$tmp/changed.text"; }
"$PY" - "$tmp/changed.jsonl" "$tmp/off2.json" <<'PY' && ok || fail "JSON Lines causes differ from the JSON report's"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
got = [l["causes"] for l in lines if l["type"] == "change"]
want = [c["causes"] for c in json.load(open(sys.argv[2]))["changes"]]
sys.exit(0 if got == want and len(got) == 3 else 1)
PY
explain dev2 offline "$P:role/Developer" "$P:role/AdminInstanceRole" --input "$DEMO/dump-changed"
has dev2 "decision: allowed"
has dev2 "useful toward services: ec2.amazonaws.com ssm.amazonaws.com"

# 4. Live, through the emulator (scenario.json, then scenario-changed.json):
# the same reports as offline, apart from where the snapshot came from.
audit live1 0 live --state-dir "$tmp/state-live"
cp "$tmp/state-live/snapshot.json" "$tmp/snap-live-dump.json" || fail "no snapshot.json saved"
emu_scenario "$DEMO/scenario-changed.json" || fail "emu_scenario scenario-changed.json"
audit live2 2 live --state-dir "$tmp/state-live"
cp "$tmp/state-live/snapshot.json" "$tmp/snap-live-dump-changed.json" || fail "no snapshot.json saved"
check live1 "$BASELINE_CHECKS
assert r['baseline'] and K == [] and r['source'] != json.load(open('$tmp/off1.json'))['source']
"
check live2 "assert K == GAINED, K"
"$PY" - "$tmp" <<'PY' && ok || fail "offline and live reports differ"
import json, sys
t = sys.argv[1]
for a, b in (("off1", "live1"), ("off2", "live2")):
    x, y = (json.load(open("%s/%s.json" % (t, n))) for n in (a, b))
    for k in ("edges", "privileged", "changes", "accounts", "complete", "not_audited"):
        if x[k] != y[k]:
            print("FAIL: %s and %s differ in %s" % (a, b, k))
            sys.exit(1)
PY
emu_scenario "$DEMO/scenario.json" || fail "emu_scenario scenario.json"
explain evb-live live "$P:role/OrderProcessorLambda" "$P:role/EventBridgeInvokeRole"
cmp -s "$tmp/evb.txt" "$tmp/evb-live.txt" && ok || fail "--explain differs live and offline"

# 5. The committed dumps hold what the scenarios hold: offline_load of each
# dump equals the snapshot the live runs above took of the emulator serving
# its scenario (which the state directory keeps), apart from its time and
# source; policy documents compared as JSON (the CLI and the API lay them
# out differently).
for dump in dump dump-changed; do
	"$TOOL" offline "$DEMO/$dump" >"$tmp/snap-off-$dump.json" || fail "snapshot-tool offline $dump"
	"$PY" - "$tmp/snap-off-$dump.json" "$tmp/snap-live-$dump.json" <<'PY' && ok ||
import json, sys
def norm(v):
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items()}
    if isinstance(v, list):
        return [norm(x) for x in v]
    if isinstance(v, str) and v.startswith("{"):
        try:
            return json.loads(v)
        except ValueError:
            pass
    return v
off, live = (norm(json.load(open(f))) for f in sys.argv[1:3])
for snap in (off, live):
    del snap["taken_at"], snap["source"]
bad = sorted(k for k in set(off) | set(live) if off.get(k) != live.get(k))
bad += sorted("account " + a["id"] for a, b in zip(off["accounts"], live["accounts"]) if a != b)
if bad or len(off["accounts"]) != 3:
    print("FAIL: differs in", bad)
    sys.exit(1)
PY
		fail "examples/demo-org/$dump is not what the emulator serves from its scenario: run examples/demo-org/make-dumps.sh"
done

echo "demo: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
