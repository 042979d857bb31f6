#!/bin/sh
# The CloudFormation template of the member-account role
# (etc/cloudformation/member-role.json) says what the shipped IAM documents
# say: its role policy is etc/iam-policy-member-role.json and its trust
# policy is etc/iam-trust-member-role.json with the two placeholders as the
# template's parameters. The trust policy names no account of its own, only
# placeholders; the template's parameters accept what they must (an auditor
# role ARN, an ExternalId the config accepts) and refuse a wildcard.
# iam-policy-actions.sh proves the policies grant what the code calls.
set -u
: "${top_srcdir:?}"
PY=${PYTHON3:-/usr/bin/python3}
exec "$PY" - "$top_srcdir" <<'PYEOF'
import json, re, sys
top = sys.argv[1]
fails, passes = [], 0

def check(cond, msg):
    global passes
    if cond:
        passes += 1
    else:
        fails.append(msg)

def load(rel):
    with open(f"{top}/{rel}") as f:
        return json.load(f)

tpl = load("etc/cloudformation/member-role.json")
member = load("etc/iam-policy-member-role.json")
trust_text = open(f"{top}/etc/iam-trust-member-role.json").read()
trust = json.loads(trust_text)
auditor = load("etc/iam-policy-auditor.json")

check(tpl.get("AWSTemplateFormatVersion") == "2010-09-09", "template: no AWSTemplateFormatVersion 2010-09-09")
params = tpl.get("Parameters", {})
res = tpl.get("Resources", {})
roles = [r for r in res.values() if r.get("Type") == "AWS::IAM::Role"]
check(len(res) == 1 and len(roles) == 1, f"template: one resource, an AWS::IAM::Role (has {sorted(res)})")
props = roles[0]["Properties"] if roles else {}

# The role policy is the shipped one, word for word.
pols = props.get("Policies", [])
check(len(pols) == 1, f"template: {len(pols)} inline policies, want 1")
check(not props.get("ManagedPolicyArns"), "template: managed policies attached")
if pols:
    check(pols[0].get("PolicyDocument") == member,
          "template: role policy differs from etc/iam-policy-member-role.json")

# The trust policy is the shipped one with the placeholders as parameters.
holders = sorted(set(re.findall(r"REPLACE_WITH_[A-Z_]+", trust_text)))
check(holders == ["REPLACE_WITH_AUDITOR_PRINCIPAL_ARN", "REPLACE_WITH_EXTERNAL_ID"],
      f"trust policy placeholders are {holders}")
check(re.search(r"[0-9]{12}", trust_text) is None, "trust policy names an account id")
def fill(node):
    if isinstance(node, dict):
        return {k: fill(v) for k, v in node.items()}
    if isinstance(node, list):
        return [fill(v) for v in node]
    if node == "REPLACE_WITH_AUDITOR_PRINCIPAL_ARN":
        return {"Ref": "AuditorPrincipalArn"}
    if node == "REPLACE_WITH_EXTERNAL_ID":
        return {"Ref": "ExternalId"}
    return node
check(props.get("AssumeRolePolicyDocument") == fill(trust),
      "template: trust policy differs from etc/iam-trust-member-role.json")
st = trust["Statement"]
check(len(st) == 1 and st[0]["Effect"] == "Allow" and st[0]["Action"] == "sts:AssumeRole"
      and list(st[0]["Principal"]) == ["AWS"]
      and st[0]["Condition"] == {"StringEquals": {"sts:ExternalId": "REPLACE_WITH_EXTERNAL_ID"}},
      "trust policy: not one Allow of sts:AssumeRole to one AWS principal with the ExternalId")

# Every Ref names a parameter; every parameter is used.
refs = set()
def walk(node):
    if isinstance(node, dict):
        if "Ref" in node:
            refs.add(node["Ref"])
        for v in node.values():
            walk(v)
    elif isinstance(node, list):
        for v in node:
            walk(v)
walk(res)
check(refs == set(params), f"template: refs {sorted(refs)} != parameters {sorted(params)}")
ext = params.get("ExternalId", {})
check(ext.get("NoEcho") is True, "template: ExternalId is not NoEcho")
check("Default" not in ext and "Default" not in params.get("AuditorPrincipalArn", {}),
      "template: the principal or the ExternalId has a default")

# The default role name is the one the auditor policy may assume.
name = params.get("RoleName", {}).get("Default", "")
assume = [s["Resource"] for s in auditor["Statement"] if s.get("Action") == "sts:AssumeRole"]
check(assume == [f"arn:aws:iam::*:role/{name}"], f"auditor policy assumes {assume}, template names {name}")

# The parameters' patterns (CloudFormation: the whole value must match).
def accepts(p, v):
    pat = params.get(p, {}).get("AllowedPattern")
    return pat is not None and re.fullmatch(pat.strip("^$"), v) is not None
for v in ("arn:aws:iam::111122223333:role/passrole-auditd",
          "arn:aws-us-gov:iam::111122223333:role/ops/passrole-auditd",
          "arn:aws:iam::111122223333:user/auditor"):
    check(accepts("AuditorPrincipalArn", v), f"AuditorPrincipalArn refuses {v}")
for v in ("*", "111122223333", "arn:aws:iam::*:role/x", "arn:aws:iam::111122223333:root"):
    check(not accepts("AuditorPrincipalArn", v), f"AuditorPrincipalArn accepts {v}")
for v in ("test-ext/42", "a+b=c,d.e@f:g_h-i"):
    check(accepts("ExternalId", v), f"ExternalId refuses {v}")
for v in ("has space", "semi;colon"):
    check(not accepts("ExternalId", v), f"ExternalId accepts {v}")

for f in fails:
    print("FAIL:", f)
print(f"iam-cloudformation: {passes} passed, {len(fails)} failed")
sys.exit(1 if fails else 0)
PYEOF
