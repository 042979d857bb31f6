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
#   Developer: no pass of its own. OrgBaseline's explicit Deny iam:PassRole
#     (an identity-based policy) beats DeveloperAccess's PassAnyRole; see
#     below for what it reaches without passing.
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
# Usable (issue 13): every edge but those to Developer (no service) and
#   BedrockAgentRole -> AdminInstanceRole (no ec2:RunInstances, no SSM
#   runbook): that pair is the demo's usable/unusable pair beside intern ->
#   AdminInstanceRole (usable through EC2: the role is in an instance
#   profile). An edge whose direct pass is unusable takes a usable path
#   instead: intern -> BedrockAgentRole and -> EventBridgeInvokeRole through
#   EC2 acting with AdminInstanceRole; BedrockAgentRole ->
#   EventBridgeInvokeRole through Lambda acting with OrderProcessorLambda.
#   Developer (issue 13, existing resources): ec2:* lets it change a stopped
#     instance's user data, so through an instance that may run with
#     AdminInstanceRole (the role is in an instance profile; the snapshot
#     shows no instance) -> BedrockAgentRole, EventBridgeInvokeRole,
#     usable conditional.
# 18 edges. After the change (OrgBaseline loses its PassRole deny) one is
# gained, Developer -> AdminInstanceRole [ec2, ssm] directly, and two
# change: Developer -> BedrockAgentRole [bedrock] and EventBridgeInvokeRole
# [events] (with the caveat) now through EC2 acting with AdminInstanceRole,
# usable yes; exit status 2.
# Each of the three changes is caused by OrgBaseline's new document, and by
# nothing else (verified: that document put back, the old answer returns).
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
# The runs that save a state alert; this machine may have no /dev/log, so
# the alerts go nowhere (alerts-manual.sh tests their delivery).
NOSINK='alerts = { syslog = { enabled = false; }; };'
{ cat "$DEMO/passrole-auditd.conf"; echo "$NOSINK"; } >"$tmp/offline.conf"
printf '%s' 'demoSecretKeyEXAMPLEEXAMPLEEXAMPLE000001' >"$tmp/secret"
{
	cat "$DEMO/passrole-auditd.conf"
	echo "$NOSINK"
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
awk -f "$top_srcdir/tests/tools/conf-flatten.awk" "$tmp/out" |
	grep -q '^audit.privileged_tags = \["privileged=true"\];$' && ok ||
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
UPDPATH = [("update", ADM, EC2)]
WANT = {
    "role/AdminInstanceRole": each(skip=ADM),
    "role/BedrockAgentRole": dict(each(skip=AG),
                                  **{EVR: ([EV], [("pass", "role/OrderProcessorLambda", "lambda.amazonaws.com")])}),
    "role/CloudFormationServiceRole": {AG: ([BR], [])},
    "role/OpsEngineer": {ADM: ([EC2], []), AG: ([BR], EC2PATH), DEV: ([], EC2PATH),
                         EVR: ([EV], EC2PATH)},
    "role/OrderProcessorLambda": {EVR: ([EV], [])},
    "user/intern": dict(each(), **{AG: ([BR], EC2PATH), EVR: ([EV], EC2PATH)}),
    # Before the change: through an instance that may run with
    # AdminInstanceRole (ec2:* lets it change a stopped instance's user
    # data), which the snapshot does not show: conditional.
    "role/Developer": {AG: ([BR], UPDPATH), EVR: ([EV], UPDPATH)},
}
# After the change: passes of its own.
DEV_AFTER = {ADM: ([EC2, SSM], []), AG: ([BR], EC2PATH), EVR: ([EV], EC2PATH)}
# Usable: every edge but these (no service can use Developer; the agent
# role has no ec2:RunInstances nor an SSM runbook to run).
UNUSABLE = {("role/AdminInstanceRole", DEV), ("role/BedrockAgentRole", DEV),
            ("role/BedrockAgentRole", ADM), ("role/OpsEngineer", DEV), ("user/intern", DEV),
            ("role/Developer", DEV)}
CONDITIONAL = {("role/Developer", AG), ("role/Developer", EVR)}
WANT_SET = {(p, k) for p, roles in WANT.items() for k in roles}
CHANGES = [("changed", "role/Developer", AG), ("changed", "role/Developer", EVR),
           ("gained", "role/Developer", ADM)]
def after_change():
    WANT["role/Developer"] = DEV_AFTER
    CONDITIONAL.clear()
def check_edges(want):
    assert set(E) == want, "edge set: missing %s, extra %s" % (sorted(want - set(E)), sorted(set(E) - want))
    for (p, k), e in E.items():
        svc, path = WANT.get(p, {}).get(k) or (SERVICES[k], [])
        assert e["services"] == svc and e["no_service"] == (svc == []), (p, k, e["services"])
        assert not e["conditional"] and e["conditions"] is None, (p, k, e["conditions"])
        got = [(h["kind"], short(h["arn"]), h["via_service"]) for h in e["path"]]
        assert got == path, (p, k, got)
        assert e["usable"] == ("no" if (p, k) in UNUSABLE else
            "conditional" if (p, k) in CONDITIONAL else "yes"), (p, k, e["usable"])
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
assert msg.startswith("User: arn:aws:sts::210987654321:assumed-role/OrderProcessorLambda/SESSION is not authorized to perform: "
    "iam:PassRole on resource: " + P + "role/EventBridgeInvokeRole because no VPC endpoint "
    "policy allows the iam:PassRole action"), msg
assert "the other policies allow it, so this endpoint policy is the only reason" in msg, msg
priv = {short(p["role_arn"]): p["reasons"] for p in r["privileged"]}
assert sorted(priv) == sorted([ADM, AG, DEV, EVR,
    "arn:aws:iam::345678901234:role/SandboxAdminRole"]), sorted(priv)
assert priv[EVR] == ["config: tag privileged=true"], priv[EVR]
assert "auto: allows * on *" in priv[ADM], priv[ADM]
assert "auto: allows iam:PassRole on *" in priv[AG], priv[AG]
U = lambda p, k: [(u["service"], u["usable"], u["actions"], u["refused"]) for u in E[(p, k)]["uses"]]
assert U("user/intern", ADM) == [(EC2, "yes", ["ec2:RunInstances"], None),
    (SSM, "no", ["ssm:CreateDocument", "ssm:StartAutomationExecution"],
     ["ssm:CreateDocument", "ssm:StartAutomationExecution"])], U("user/intern", ADM)
assert U("role/BedrockAgentRole", ADM)[0] == (EC2, "no", ["ec2:RunInstances"],
    ["ec2:RunInstances"]), U("role/BedrockAgentRole", ADM)
assert [(a["usable"], a["path"]) for a in E[("user/intern", AG)]["alternatives"]] == \
    [("no", [])], E[("user/intern", AG)]["alternatives"]
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
grep -qx 'Summary' "$tmp/text" && ok || fail "no summary"
# Each principal's line with its account and role in front (the text
# groups them under "Account ID" and "  role/NAME" headings), joined to
# the lines under it: "210987654321 role/X | user/y  services | caveat...".
COLUMNS=200 "$BIN" -c "$tmp/offline.conf" --audit-now --input "$DEMO/dump" --no-state >"$tmp/text" 2>"$tmp/err"
awk '/^Account [0-9]+:/ { a = $2; sub(/:$/, "", a); next }
	/^  [^ ]/ { if (l != "") print l; l = ""; r = $1; next }
	/^    [^ ]/ && a != "" { if (l != "") print l; l = a " " r " | " substr($0, 5); next }
	/^     / && l != "" { t = $0; sub(/^ +/, "", t); l = l " | " t; next }
	{ if (l != "") print l; l = "" } END { if (l != "") print l }' "$tmp/text" >"$tmp/edges"
grep -qE '^210987654321 role/EventBridgeInvokeRole \| role/OrderProcessorLambda +events.amazonaws.com( \| usable: [^|]+)? \| caveat: denied through vpce-0demo0events00001 \(com.amazonaws.eu-west-1.events\)$' "$tmp/edges" &&
	ok || fail "no OrderProcessorLambda line with its caveat: $(grep OrderProcessorLambda "$tmp/edges")"
grep -qE '^210987654321 role/AdminInstanceRole \| user/intern +ec2.amazonaws.com, ssm.amazonaws.com( \| usable: [^|]+)?$' "$tmp/edges" &&
	ok || fail "no intern -> AdminInstanceRole line: $(cat "$tmp/edges")"
if grep -qE '^(210987654321 [^ ]+ \| role/BuildRole|345678901234 [^ ]+ \| ([a-z]+/Sandbox|user/sandbox-admin)) ' "$tmp/edges"; then
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
has dev "message: User: arn:aws:sts::210987654321:assumed-role/Developer/SESSION is not authorized to perform: iam:PassRole on resource: $P:role/AdminInstanceRole with an explicit deny in an identity-based policy"
has dev "  Deny  by policy \"OrgBaseline\" (managed policy $P:policy/OrgBaseline attached to role Developer) statement NoPassRoleForHumans"
has dev "no path: neither directly nor through a role it can assume or pass (depth 3)"
# AdminInstanceRole trusts EC2 and SSM: the denial is not the trust policy's.
grep -q 'none the role trusts' "$tmp/dev.txt" && fail "dev: blames the trust policy" || ok
explain build offline "$P:role/BuildRole" "$P:role/AdminInstanceRole" --input "$DEMO/dump"
has build "decision: denied (implicit deny, boundary)"
has build "message: User: arn:aws:sts::210987654321:assumed-role/BuildRole/SESSION is not authorized to perform: iam:PassRole on resource: $P:role/AdminInstanceRole because no permissions boundary allows the iam:PassRole action"
explain sbx offline "$S:user/sandbox-admin" "$S:role/SandboxAdminRole" --input "$DEMO/dump"
has sbx "decision: denied (explicit deny, scp)"
has sbx "message: User: $S:user/sandbox-admin is not authorized to perform: iam:PassRole on resource: $S:role/SandboxAdminRole with an explicit deny in a service control policy"
has sbx "  Deny  by policy \"SandboxNoPassRole\" (SCP p-demonopassrole attached to ou-demo-sbx00003) level 1 statement DenyPassRole"
explain evb offline "$P:role/OrderProcessorLambda" "$P:role/EventBridgeInvokeRole" --input "$DEMO/dump"
has evb "role is privileged: config: tag privileged=true"
has evb "decision: conditional"
has evb "allowed only when: iam:PassedToService in {events.amazonaws.com}"
has evb "useful toward services: events.amazonaws.com"
has evb "endpoint caveat: User: arn:aws:sts::210987654321:assumed-role/OrderProcessorLambda/SESSION is not authorized to perform: iam:PassRole on resource: $P:role/EventBridgeInvokeRole because no VPC endpoint policy allows the iam:PassRole action (when the call to events.amazonaws.com goes through vpce-0demo0events00001, com.amazonaws.eu-west-1.events in eu-west-1: the other policies allow it, so this endpoint policy is the only reason the request fails)"
explain ops offline "$P:role/OpsEngineer" "$P:role/AdminInstanceRole" --service ssm.amazonaws.com --input "$DEMO/dump"
has ops "decision: denied (implicit deny, identity)"

# 3. Offline, after the change: the Developer gains AdminInstanceRole, and
# its two possible paths become passes of its own (usable now yes).
audit off2 2 offline --input "$DEMO/dump-changed" --state-dir "$tmp/state-off"
check off2 "
assert r['complete'] and not r['baseline'] and r['saved'] == 2, (r['complete'], r['baseline'], r['saved'])
assert K == CHANGES, K
for c in r['changes']:
    assert c['new'] == E[(short(c['principal_arn']), short(c['role_arn']))], c
    assert (c['old'] is None) == (c['kind'] == 'gained'), c
    if c['kind'] == 'changed':
        assert c['what'] == 'usable now yes; path now pass ' + P + 'role/AdminInstanceRole via ec2.amazonaws.com', c['what']
after_change()
check_edges(WANT_SET | {('role/Developer', ADM)})
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
# Wide text, so that each cause is on one line.
COLUMNS=1000
export COLUMNS
for f in text jsonl; do
	"$BIN" -c "$tmp/offline.conf" --audit-now --input "$DEMO/dump" --state-dir "$tmp/state-$f" \
		--format $f >/dev/null 2>"$tmp/err" && ok || fail "$f baseline: $(cat "$tmp/err")"
	"$BIN" -c "$tmp/offline.conf" --audit-now --input "$DEMO/dump-changed" --state-dir "$tmp/state-$f" \
		--format $f >"$tmp/changed.$f" 2>"$tmp/err"
	[ $? -eq 2 ] && ok || fail "$f after the change: $(cat "$tmp/err")"
done
unset COLUMNS
# Three changes (one gained, two changed), each with that cause under it.
[ "$(grep -cE '^  (gained|changed) +210987654321 role/Developer -> ' "$tmp/changed.text")" -eq 3 ] &&
	[ "$(grep -A3 -E '^  (gained|changed) +210987654321 role/Developer -> ' "$tmp/changed.text" |
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
has dev2 "usable for ec2.amazonaws.com: yes"
has dev2 "  with ec2:RunInstances: yes"
has dev2 "  usable: yes (ec2.amazonaws.com yes with ec2:RunInstances; ssm.amazonaws.com no, refused ssm:CreateDocument ssm:StartAutomationExecution)"

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
check live2 "assert K == CHANGES, K"
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
