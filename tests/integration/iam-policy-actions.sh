#!/bin/sh
# The IAM policies shipped in etc/ grant exactly what the collector calls.
#
# A full collect run (tests/bench/fetch-run: collect_snapshot()) over the
# org-nested scenario, rebuilt so that the daemon runs as the role
# passrole-auditd with etc/iam-policy-auditor.json and every member account
# has the role PassroleAuditor with etc/iam-policy-member-role.json and the
# trust policy etc/iam-trust-member-role.json. From the emulator's request
# log:
#   - the actions called with the daemon's credentials equal the actions
#     iam-policy-auditor.json allows (sts:GetCallerIdentity aside: AWS never
#     requires a permission for it);
#   - the actions called in member sessions equal those of
#     iam-policy-member-role.json;
#   - every sts:AssumeRole names a role the auditor policy's Resource covers;
#   - no policy grants a wildcard action;
# and the trust policy admits the daemon with the ExternalId only.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
PY=${PYTHON3:-/usr/bin/python3}
. "$top_srcdir/tests/emulator/emu.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/iam-policy.XXXXXX")
cleanup() { emu_stop; rm -rf "$work"; }
trap cleanup EXIT
EXTID='test-ext/42'

"$PY" - "$top_srcdir" "$EXTID" >"$work/scenario.json" <<'PYEOF'
import json, sys
top, extid = sys.argv[1], sys.argv[2]
def load(rel):
    return json.load(open(f"{top}/{rel}"))
scen = load("tests/data/scenarios/org-nested.json")
auditor = load("etc/iam-policy-auditor.json")
member = load("etc/iam-policy-member-role.json")
mgmt = scen["organization"]["management_account"]
# The shipped trust policy holds placeholders, filled in as an operator would.
trust = json.loads(open(f"{top}/etc/iam-trust-member-role.json").read()
                   .replace("REPLACE_WITH_AUDITOR_PRINCIPAL_ARN",
                            f"arn:aws:iam::{mgmt}:role/passrole-auditd")
                   .replace("REPLACE_WITH_EXTERNAL_ID", extid))
for c in scen["credentials"]:
    if c["access_key_id"] == "AKIDORGAUDITOR":
        c["principal"] = f"arn:aws:sts::{mgmt}:assumed-role/passrole-auditd/daemon"
for acct, body in scen["accounts"].items():
    iam = body["iam"]
    iam["roles"] = [r for r in iam["roles"] if r["name"] != "OrgAuditRole"]
    if acct == mgmt:
        iam["policies"].append({"name": "PassroleAuditdAuditor", "document": auditor})
        iam["roles"].append({"name": "passrole-auditd", "trust_policy": {
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"Service": "ec2.amazonaws.com"}}]},
            "attached_policies": [f"arn:aws:iam::{mgmt}:policy/PassroleAuditdAuditor"]})
    else:
        iam["roles"].append({"name": "PassroleAuditor", "trust_policy": trust,
                             "inline_policies": {"passrole-auditd": member}})
json.dump(scen, sys.stdout, indent=1)
PYEOF

emu_start "$work/scenario.json"
run() {
	"$top_builddir/tests/bench/fetch-run" --url "$EMU_URL" --akid AKIDORGAUDITOR \
		--secret orgAuditorSecretKeyEXAMPLEEXAMPLEEXAMPL --regions eu-west-1,us-east-1 \
		--member-role PassroleAuditor --page-size 1 --concurrency 4 "$@"
}
run --external-id "$EXTID" >"$work/run.out"
if ! grep -qx 'complete: yes' "$work/run.out" || ! grep -qx 'accounts: 6' "$work/run.out"; then
	echo "FAIL: the collect run is not complete:"
	cat "$work/run.out"
	exit 1
fi
emu_requests >"$work/requests.json"

"$PY" - "$top_srcdir" "$work/requests.json" <<'PYEOF'
import fnmatch, json, sys
top, log = sys.argv[1], json.load(open(sys.argv[2]))
fail = []

def granted(rel):
    actions, assume = set(), []
    for st in json.load(open(f"{top}/{rel}"))["Statement"]:
        if st["Effect"] != "Allow":
            continue
        acts = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        for a in acts:
            if "*" in a or "?" in a:
                fail.append(f"{rel}: wildcard action {a}")
            actions.add(a)
            if a == "sts:AssumeRole":
                res = st["Resource"]
                assume += res if isinstance(res, list) else [res]
    return actions, assume

auditor, assume_res = granted("etc/iam-policy-auditor.json")
member, _ = granted("etc/iam-policy-member-role.json")
called_auditor, called_member = set(), set()
for r in log:
    action = f"{r['service']}:{r['operation']}"
    if r["status"] != 200:
        fail.append(f"{action} answered {r['status']} {r['error_code']}")
    if r["access_key_id"] == "AKIDORGAUDITOR":
        if action != "sts:GetCallerIdentity":
            called_auditor.add(action)
        if action == "sts:AssumeRole":
            arn = r["params"]["RoleArn"]
            if not any(fnmatch.fnmatchcase(arn, p) for p in assume_res):
                fail.append(f"sts:AssumeRole on {arn}, not covered by {assume_res}")
    else:
        called_member.add(action)
for who, called, allowed in (("auditor", called_auditor, auditor),
                             ("member role", called_member, member)):
    for a in sorted(called - allowed):
        fail.append(f"{who}: the code calls {a}, the policy does not grant it")
    for a in sorted(allowed - called):
        fail.append(f"{who}: the policy grants {a}, the code never calls it")
for f in fail:
    print("FAIL:", f)
print(f"auditor actions: {len(called_auditor)}, member-role actions: {len(called_member)}")
sys.exit(1 if fail else 0)
PYEOF

# The trust policy: a wrong ExternalId is refused in every member account.
emu_reset
run --external-id wrong >"$work/wrong.out"
n=$(grep -c '^incomplete: access .*sts:AssumeRole.*AccessDenied' "$work/wrong.out" || true)
if [ "$n" != 5 ]; then
	echo "FAIL: with a wrong ExternalId, $n of 5 member accounts refused:"
	cat "$work/wrong.out"
	exit 1
fi
echo "PASS: etc/iam-*.json grant exactly the actions the collector calls"
