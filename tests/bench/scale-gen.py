#!/usr/bin/env python3
"""A synthetic organization as an offline dump (the layout of
`passrole-auditd --input DIR`, README "Offline input"), for the scale
benchmark (tests/bench/scale.sh) and its correctness check
(tests/integration/scale-gen.sh).

    scale-gen.py --accounts N --principals P [--seed S] --out DIR
    scale-gen.py --accounts N --principals P [--seed S] --out DIR --change

The first form writes a new dump into DIR (created; it must not exist or be
empty). The second rewrites, in a dump the first form wrote with the same N,
P and seed, the one file a single policy edit touches: the default version
of one customer managed policy of one account gets a new document (its
PassRole grant widens from the app-svc-* roles to every app-* role), and
aws-dump.json a later taken_at, as a new dump of that organization would.
It prints the changed file's path.

The organization: the management account at the root and the others in a
3-level OU tree (3 x 2 x 2 OUs), 7 SCPs and 2 RCPs (AWS's FullAWSAccess and
RCPFullAWSAccess everywhere, the others at the root, OUs and some
accounts, three of them PassRole denies with conditions), RCPs enabled on
the root. Every account has P principals, half users and half roles: 5% of
the roles administrator-equivalent (AdministratorAccess or an inline *:*),
deploy and team roles that pass app-* roles to services, roles that trust
other roles of the account (assume-then-pass paths), workload roles
trusting lambda, ec2, ecs-tasks, cloudformation, codebuild and glue; 12 base
and 6 other customer managed policies and 4 AWS managed ones, 10 groups with
inline policies, permissions boundaries on about 30% of the principals. One
account in three has VPC endpoints with policies in its first region.

Everything is a function of (N, P, seed): the same arguments always write
the same bytes. Files are written one at a time as they are built, so a
large organization never sits in memory whole. Python 3 standard library
only.
"""

import argparse
import json
import os
import random
import sys

REGIONS = ["eu-west-1", "us-east-1"]
ORG_ID = "o-scale00bench"
ROOT = "r-sc01"
ACCOUNT_BASE = 400000000000
MGMT = f"{ACCOUNT_BASE:012d}"
CREATED = "2024-01-01T00:00:00Z"
TAKEN_AT = "2026-11-23T12:00:00Z"
CHANGED_AT = "2026-11-23T13:00:00Z"
# Services a role trusts; all of them act with a passed role (services.def).
SERVICES = ["lambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com",
            "cloudformation.amazonaws.com", "codebuild.amazonaws.com", "glue.amazonaws.com"]

# The JSON the CLI prints, without its indentation: the reader does not
# care, and the C encoder keeps a 100-account dump under a minute.
dumps = json.JSONEncoder(ensure_ascii=True, check_circular=False).encode


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def stmt(effect, action, resource="*", sid=None, condition=None, not_action=False,
         not_resource=False):
    s = {}
    if sid:
        s["Sid"] = sid
    s["Effect"] = effect
    s["NotAction" if not_action else "Action"] = action
    s["NotResource" if not_resource else "Resource"] = resource
    if condition:
        s["Condition"] = condition
    return s


def allow(action, resource="*", **kw):
    return stmt("Allow", action, resource, **kw)


def deny(action, resource="*", **kw):
    return stmt("Deny", action, resource, **kw)


def write(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(dumps(obj))
        f.write("\n")
    os.replace(tmp, path)


# ------------------------------------------------------------ organization

L1 = ["Workloads", "Sandbox", "Infrastructure"]
L2 = ["Prod", "NonProd"]
L3 = ["TeamA", "TeamB"]


def ou_tree():
    """[(id, name, parent, level)] in breadth-first order."""
    ous, n = [], 0
    for n1 in L1:
        n += 1
        id1 = f"ou-sc01-{n:08x}"
        ous.append((id1, n1, ROOT, 1))
    for id1, n1, _, _ in list(ous):
        for n2 in L2:
            n += 1
            ous.append((f"ou-sc01-{n:08x}", f"{n1}-{n2}", id1, 2))
    for id2, n2, _, lvl in list(ous):
        if lvl != 2:
            continue
        for n3 in L3:
            n += 1
            ous.append((f"ou-sc01-{n:08x}", f"{n2}-{n3}", id2, 3))
    return ous


def account_parent(i, ous):
    """Where account i sits: the management account at the root, most at
    the third level, some higher up."""
    if i == 0:
        return ROOT
    lvl1 = [o for o in ous if o[3] == 1]
    lvl2 = [o for o in ous if o[3] == 2]
    lvl3 = [o for o in ous if o[3] == 3]
    if i % 25 == 0:
        return lvl1[i // 25 % len(lvl1)][0]
    if i % 10 == 0:
        return lvl2[i // 10 % len(lvl2)][0]
    return lvl3[i % len(lvl3)][0]


def account_id(i):
    return f"{ACCOUNT_BASE + i:012d}"


def org_arn(kind, rest):
    return f"arn:aws:organizations::{MGMT}:{kind}/{ORG_ID}/{rest}"


SCP = "SERVICE_CONTROL_POLICY"
RCP = "RESOURCE_CONTROL_POLICY"


def org_policies():
    """[(id, name, type, aws_managed, description, document)]"""
    org_id = ORG_ID
    return [
        ("p-FullAWSAccess", "FullAWSAccess", SCP, True, "Allows access to every operation",
         doc(allow("*"))),
        ("p-scguardrails", "Guardrails", SCP, False, "No leaving the organization",
         doc(deny(["organizations:LeaveOrganization", "account:CloseAccount"], sid="NoLeave"),
             deny(["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"], sid="KeepTrails"))),
        ("p-scregionlock", "RegionLock", SCP, False, "Workloads stay in two regions",
         doc(deny(["iam:*", "sts:*", "organizations:*", "support:*", "route53:*"],
                  not_action=True, sid="TwoRegions",
                  condition={"StringNotEquals": {"aws:RequestedRegion": REGIONS}}))),
        ("p-scnopassglue", "ProdNoGlue", SCP, False, "Production does not hand roles to Glue",
         doc(deny("iam:PassRole", sid="NoGlue",
                  condition={"StringEquals": {"iam:PassedToService": "glue.amazonaws.com"}}))),
        ("p-scsbxpassrole", "SandboxPassRole", SCP, False,
         "Only deploy roles hand roles to EC2 and Glue in sandboxes",
         doc(deny("iam:PassRole", sid="DeployRolesOnly",
                  condition={"StringEquals": {"iam:PassedToService": [
                                 "ec2.amazonaws.com", "glue.amazonaws.com"]},
                             "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/deploy-*"}}))),
        ("p-scnoiamusers", "NoIAMUsers", SCP, False, "No new IAM users or access keys",
         doc(deny(["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile"],
                  sid="NoUsers"))),
        ("p-scprotectadmin", "ProtectOpsAdmin", SCP, False,
         "Only the platform team passes the ops-admin roles",
         doc(deny("iam:PassRole", "arn:aws:iam::*:role/ops-admin-*", sid="PlatformOnly",
                  condition={"StringNotEquals": {"aws:PrincipalTag/team": "platform"}}))),
        ("p-RCPFullAWSAccess", "RCPFullAWSAccess", RCP, True, "Allows access to every operation",
         {"Version": "2012-10-17",
          "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}),
        ("p-scperimeter", "DataPerimeter", RCP, False, "Only the organization gets in",
         {"Version": "2012-10-17", "Statement": [
             {"Sid": "OrgOnly", "Effect": "Deny", "Principal": "*",
              "Action": ["s3:*", "sts:AssumeRole", "kms:*"], "Resource": "*",
              "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": org_id},
                            "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}]}),
    ]


def policy_arn(pid, ptype, managed):
    kind = "service_control_policy" if ptype == SCP else "resource_control_policy"
    if managed:
        return f"arn:aws:organizations::aws:policy/{kind}/{pid}"
    return org_arn("policy", f"{kind}/{pid}")


def policy_targets(pid, ous, naccounts):
    """[(target id, type)] the policy is attached to."""
    every = [(ROOT, "ROOT")] + [(o[0], "ORGANIZATIONAL_UNIT") for o in ous] + \
        [(account_id(i), "ACCOUNT") for i in range(naccounts)]
    by_name = {o[1]: o[0] for o in ous}
    if pid in ("p-FullAWSAccess", "p-RCPFullAWSAccess"):
        return every
    if pid in ("p-scguardrails", "p-scperimeter"):
        return [(ROOT, "ROOT")]
    if pid == "p-scregionlock":
        return [(by_name["Workloads"], "ORGANIZATIONAL_UNIT")]
    if pid == "p-scnopassglue":
        return [(o[0], "ORGANIZATIONAL_UNIT") for o in ous if o[1].endswith("-Prod")]
    if pid == "p-scsbxpassrole":
        return [(by_name["Sandbox"], "ORGANIZATIONAL_UNIT")]
    if pid == "p-scnoiamusers":
        return [(by_name["Infrastructure"], "ORGANIZATIONAL_UNIT")] + \
            [(account_id(i), "ACCOUNT") for i in range(1, naccounts) if i % 7 == 0]
    if pid == "p-scprotectadmin":
        return [(o[0], "ORGANIZATIONAL_UNIT") for o in ous if o[1].endswith("-TeamB")] + \
            [(account_id(i), "ACCOUNT") for i in range(1, naccounts) if i % 5 == 0]
    raise ValueError(pid)


def target_arn(tid, ttype):
    if ttype == "ROOT":
        return org_arn("root", tid)
    if ttype == "ORGANIZATIONAL_UNIT":
        return org_arn("ou", tid)
    return org_arn("account", tid)


def write_org(out, naccounts):
    ous = ou_tree()
    ou_name = {ROOT: "Root", **{o[0]: o[1] for o in ous}}
    acct_names = {account_id(i): ("Management" if i == 0 else f"Account {i:04d}")
                  for i in range(naccounts)}
    write(f"{out}/org/describe-organization.json", {"Organization": {
        "Id": ORG_ID, "Arn": f"arn:aws:organizations::{MGMT}:organization/{ORG_ID}",
        "FeatureSet": "ALL",
        "MasterAccountArn": org_arn("account", MGMT),
        "MasterAccountId": MGMT, "MasterAccountEmail": "aws-mgmt@example.com",
        "AvailablePolicyTypes": [{"Type": SCP, "Status": "ENABLED"}]}})
    write(f"{out}/org/list-roots.json", {"Roots": [{
        "Id": ROOT, "Arn": org_arn("root", ROOT), "Name": "Root",
        "PolicyTypes": [{"Type": SCP, "Status": "ENABLED"},
                        {"Type": RCP, "Status": "ENABLED"}]}]})
    children = {ROOT: []}
    for oid, _, parent, _ in ous:
        children.setdefault(parent, []).append(oid)
        children.setdefault(oid, [])
    accounts = {p: [] for p in children}
    for i in range(naccounts):
        accounts[account_parent(i, ous)].append(i)
    for parent in children:
        write(f"{out}/org/ous/{parent}.json", {"OrganizationalUnits": [
            {"Id": c, "Arn": org_arn("ou", c), "Name": ou_name[c]} for c in children[parent]]})
        write(f"{out}/org/accounts/{parent}.json", {"Accounts": [
            {"Id": account_id(i), "Arn": org_arn("account", account_id(i)),
             "Email": f"aws-{account_id(i)}@example.com", "Name": acct_names[account_id(i)],
             "Status": "ACTIVE", "State": "ACTIVE", "JoinedMethod": "CREATED",
             "JoinedTimestamp": 1704067200.0} for i in accounts[parent]]})
    pols = org_policies()
    for ptype in (SCP, RCP):
        write(f"{out}/org/policies/{ptype}.json", {"Policies": [
            {"Id": pid, "Arn": policy_arn(pid, t, m), "Name": name, "Description": desc,
             "Type": t, "AwsManaged": m} for pid, name, t, m, desc, _ in pols if t == ptype]})
    for pid, name, t, m, desc, document in pols:
        write(f"{out}/org/policy/{pid}.json", {"Policy": {
            "PolicySummary": {"Id": pid, "Arn": policy_arn(pid, t, m), "Name": name,
                              "Description": desc, "Type": t, "AwsManaged": m},
            "Content": json.dumps(document, indent=2, sort_keys=True)}})
        targets = policy_targets(pid, ous, naccounts)
        write(f"{out}/org/targets/{pid}.json", {"Targets": [
            {"TargetId": tid, "Arn": target_arn(tid, tt),
             "Name": acct_names.get(tid) or ou_name[tid], "Type": tt}
            for tid, tt in targets]})


# ------------------------------------------------------------------ account

AWS_MANAGED = {
    "AdministratorAccess": ("ANPAIWMBCKSKIEE64ZLYK", "Provides full access to AWS services and resources.",
                            doc(allow("*"))),
    "PowerUserAccess": ("ANPAJYRXTHIB4FOVS3ZXS", "Provides full access to AWS services and resources, but does not allow management of Users and groups.",
                        doc(allow(["iam:*", "organizations:*", "account:*"], not_action=True),
                            allow(["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole",
                                   "iam:ListRoles", "organizations:DescribeOrganization",
                                   "account:ListRegions", "account:GetAccountInformation"]))),
    "ReadOnlyAccess": ("ANPAILL3HVNFSB6DCOWYQ", "Provides read-only access to AWS services and resources.",
                       doc(allow(sorted(f"{svc}:{verb}*" for svc in (
                           "acm", "apigateway", "autoscaling", "cloudformation", "cloudfront",
                           "cloudtrail", "cloudwatch", "codebuild", "codecommit", "codepipeline",
                           "dynamodb", "ec2", "ecr", "ecs", "eks", "elasticloadbalancing",
                           "events", "glue", "iam", "kms", "lambda", "logs", "rds", "route53",
                           "s3", "sns", "sqs", "ssm", "states", "sts")
                           for verb in ("Describe", "Get", "List"))))),
    "IAMFullAccess": ("ANPAI7XKCFMBPM3QQRRVQ", "Provides full access to IAM via the AWS Management Console.",
                      doc(allow(["iam:*", "organizations:DescribeAccount",
                                 "organizations:DescribeOrganization",
                                 "organizations:DescribeOrganizationalUnit",
                                 "organizations:DescribePolicy",
                                 "organizations:ListChildren", "organizations:ListParents",
                                 "organizations:ListPoliciesForTarget", "organizations:ListRoots",
                                 "organizations:ListPolicies", "organizations:ListTargetsForPolicy"]))),
}

BASE_SERVICES = ["s3", "dynamodb", "sqs", "sns", "logs", "kms", "ssm", "secretsmanager",
                 "ecr", "cloudwatch", "xray", "events"]


def customer_policies(acct):
    """{name: (description, document)}: 12 base policies, then 6 others."""
    role = f"arn:aws:iam::{acct}:role"
    pols = {}
    for k, svc in enumerate(BASE_SERVICES):
        pols[f"base-{k:02d}-{svc}"] = (
            f"Baseline {svc} access", doc(
                allow([f"{svc}:Get*", f"{svc}:List*", f"{svc}:Describe*"], sid="Read"),
                allow([f"{svc}:Put*", f"{svc}:Update*"],
                      f"arn:aws:{svc}:*:{acct}:app-*", sid="WriteApp"),
                deny(f"{svc}:Delete*", sid="NoDelete",
                     condition={"StringNotEquals": {"aws:PrincipalTag/team": "platform"}})))
    pols["deploy-pass-app"] = ("Deploy pipelines hand app roles to compute services", doc(
        allow("iam:PassRole", f"{role}/app-*", sid="PassAppRoles",
              condition={"StringEquals": {"iam:PassedToService": [
                  "lambda.amazonaws.com", "ecs-tasks.amazonaws.com",
                  "cloudformation.amazonaws.com", "codebuild.amazonaws.com"]}}),
        allow(["lambda:CreateFunction", "lambda:InvokeFunction", "lambda:Get*", "ecs:RunTask",
               "ecs:Describe*", "cloudformation:CreateStack", "cloudformation:Describe*",
               "codebuild:StartBuild"], sid="Deploy")))
    pols["svc-pass-workers"] = ("Services hand worker roles on", doc(
        allow("iam:PassRole", f"{role}/app-svc-*", sid="PassWorkers",
              condition={"StringLike": {"iam:PassedToService": "*.amazonaws.com"}}),
        allow(["states:StartExecution", "lambda:InvokeFunction"], sid="Invoke")))
    pols["ci-assume-deploy"] = ("CI enters the deploy roles", doc(
        allow("sts:AssumeRole", f"{role}/deploy-*", sid="EnterDeploy"),
        allow(["codebuild:StartBuild", "codepipeline:StartPipelineExecution"], sid="Start")))
    pols["data-access"] = ("Data jobs", doc(
        allow(["glue:StartJobRun", "glue:Get*", "athena:*", "s3:GetObject", "s3:PutObject"],
              sid="Data"),
        allow("iam:PassRole", f"{role}/app-glue-*", sid="PassGlue",
              condition={"StringEquals": {"iam:PassedToService": "glue.amazonaws.com"}})))
    pols["boundary-std"] = ("Standard permissions boundary", doc(
        allow("*", sid="Everything"),
        deny(["iam:CreateUser", "iam:CreateAccessKey", "iam:DeleteRolePermissionsBoundary",
              "iam:DeleteUserPermissionsBoundary", "organizations:*"], sid="NoEscape")))
    pols["boundary-app"] = ("Boundary of application principals", doc(
        allow(["s3:*", "dynamodb:*", "sqs:*", "logs:*", "lambda:*", "ecs:*", "sts:AssumeRole"],
              sid="AppServices"),
        allow("iam:PassRole", [f"{role}/app-svc-*", f"{role}/app-glue-*"], sid="PassWorkersOnly")))
    return pols


def changed_document(acct):
    """svc-pass-workers after the edit --change makes: it now passes every
    app-* role, the administrator-equivalent app-admin-* ones included."""
    role = f"arn:aws:iam::{acct}:role"
    return doc(
        allow("iam:PassRole", f"{role}/app-*", sid="PassWorkers",
              condition={"StringLike": {"iam:PassedToService": "*.amazonaws.com"}}),
        allow(["states:StartExecution", "lambda:InvokeFunction"], sid="Invoke"))


GROUPS = [
    # name, inline policies {name: document-maker}, attached managed names
    ("Ops", lambda a: {"ops-pass": doc(allow("iam:PassRole", sid="PassAny"),
                                       allow(["ec2:*", "ssm:*"], sid="Operate"))},
     ["ReadOnlyAccess"]),
    ("Developers", lambda a: {"dev-pass": doc(
        allow("iam:PassRole", f"arn:aws:iam::{a}:role/app-*", sid="PassApp",
              condition={"StringEquals": {"iam:PassedToService": [
                  "lambda.amazonaws.com", "ecs-tasks.amazonaws.com"]}}),
        allow(["lambda:*", "ecs:*", "logs:*"], sid="Build"))},
     ["base-00-s3", "base-04-logs"]),
    ("CI", lambda a: {"ci": doc(allow("sts:AssumeRole", f"arn:aws:iam::{a}:role/deploy-*",
                                      sid="EnterDeploy"))}, []),
    ("ReadOnly", lambda a: {"ro": doc(allow(["cloudwatch:Get*", "logs:Get*"], sid="Watch"))},
     ["ReadOnlyAccess"]),
    ("Data", lambda a: {"data": doc(allow(["athena:*", "glue:Get*"], sid="Query"))},
     ["data-access"]),
    ("Security", lambda a: {"sec": doc(allow(["securityhub:*", "guardduty:*", "access-analyzer:*"],
                                             sid="Audit"))}, ["ReadOnlyAccess"]),
    ("Billing", lambda a: {"billing": doc(allow(["aws-portal:*", "ce:*", "budgets:*"],
                                                sid="Costs"))}, []),
    ("Support", lambda a: {"support": doc(allow("support:*", sid="Tickets"))}, []),
    ("Network", lambda a: {"net": doc(allow(["ec2:*Vpc*", "ec2:*Subnet*", "route53:*"],
                                            sid="Network"),
                                      deny("ec2:DeleteVpc", sid="KeepVpcs"))}, []),
    ("Interns", lambda a: {"interns": doc(
        allow(["ec2:RunInstances", "ec2:Describe*"], sid="Launch"),
        allow("iam:PassRole", f"arn:aws:iam::{a}:role/app-svc-*", sid="PassWorkers"))},
     ["base-03-sns"]),
]


def trust(services=(), aws=(), condition=None):
    principal = {}
    if services:
        principal["Service"] = services[0] if len(services) == 1 else list(services)
    if aws:
        principal["AWS"] = aws[0] if len(aws) == 1 else list(aws)
    s = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        s["Condition"] = condition
    return doc(s)


def attached(names, acct):
    return [{"PolicyName": n,
             "PolicyArn": (f"arn:aws:iam::aws:policy/{n}" if n in AWS_MANAGED
                           else f"arn:aws:iam::{acct}:policy/{n}")} for n in names]


def boundary(name, acct):
    return {"PermissionsBoundaryType": "PermissionsBoundaryPolicy",
            "PermissionsBoundaryArn": f"arn:aws:iam::{acct}:policy/{name}"}


def uid(prefix, acct_index, n):
    return f"{prefix}{acct_index:06X}{n:010X}"


def plan_account(i, nprincipals, seed):
    """Who is who in account i: deterministic in (i, nprincipals, seed)."""
    rng = random.Random(f"{seed}:{i}")
    nusers = nprincipals // 2
    nroles = nprincipals - nusers
    nadmin = max(1, round(nroles * 0.05))
    # Role kinds, in proportions of the roles; the rest are workload roles.
    kinds = ["admin"] * nadmin
    for kind, share in (("deploy", 0.06), ("team", 0.12), ("breakglass", 0.03),
                        ("glue", 0.04), ("platform", 0.02)):
        kinds += [kind] * max(1, round(nroles * share))
    kinds += ["worker"] * (nroles - len(kinds))
    kinds = kinds[:nroles]
    rng.shuffle(kinds)
    ukinds = []
    for kind, share in (("ops", 0.08), ("dev", 0.24), ("ci", 0.10), ("readonly", 0.20),
                        ("data", 0.08), ("intern", 0.07)):
        ukinds += [kind] * round(nusers * share)
    ukinds += ["misc"] * (nusers - len(ukinds))
    ukinds = ukinds[:nusers]
    rng.shuffle(ukinds)
    return rng, kinds, ukinds


def build_account(i, nprincipals, seed, change=False):
    acct = account_id(i)
    rng, kinds, ukinds = plan_account(i, nprincipals, seed)
    arn = f"arn:aws:iam::{acct}"
    base_names = [f"base-{k:02d}-{svc}" for k, svc in enumerate(BASE_SERVICES)]
    count = {}

    def name(kind):
        count[kind] = count.get(kind, 0) + 1
        return count[kind]

    # Role names first: trust policies name other roles of the account.
    role_names = []
    for kind in kinds:
        n = name(kind)
        if kind == "admin":
            role_names.append(f"app-admin-{n:04d}" if n % 2 else f"ops-admin-{n:04d}")
        elif kind == "worker":
            role_names.append(f"app-svc-{n:04d}")
        elif kind == "glue":
            role_names.append(f"app-glue-{n:04d}")
        else:
            role_names.append(f"{kind}-{n:04d}")
    teams = [r for r in role_names if r.startswith("team-")]
    deploys = [r for r in role_names if r.startswith("deploy-")]

    users = []
    for n, kind in enumerate(ukinds):
        groups = {"ops": ["Ops"], "dev": ["Developers"], "ci": ["CI"],
                  "readonly": ["ReadOnly"], "data": ["Data", "ReadOnly"],
                  "intern": ["Interns"], "misc": []}[kind]
        if kind == "misc":
            groups = [rng.choice(["Security", "Billing", "Support", "Network"])]
        managed = rng.sample(base_names, rng.randint(1, 3))
        inline = []
        if rng.random() < 0.3:
            inline.append({"PolicyName": "own-tools", "PolicyDocument": doc(
                allow([f"{rng.choice(BASE_SERVICES)}:*"], sid="Tools"))})
        u = {"Path": "/", "UserName": f"user-{n + 1:05d}", "UserId": uid("AIDA", i, n),
             "Arn": f"{arn}:user/user-{n + 1:05d}", "CreateDate": CREATED,
             "UserPolicyList": inline, "GroupList": groups,
             "AttachedManagedPolicies": attached(managed, acct),
             "Tags": [{"Key": "team", "Value": "platform" if kind == "ops" and n % 2 == 0
                       else "apps"}]}
        if rng.random() < 0.3:
            u["PermissionsBoundary"] = boundary(
                "boundary-app" if kind in ("dev", "intern") and rng.random() < 0.5
                else "boundary-std", acct)
        users.append(u)

    roles = []
    for n, (kind, rname) in enumerate(zip(kinds, role_names)):
        managed = rng.sample(base_names, rng.randint(1, 4))
        inline = []
        svc = rng.choice(SERVICES)
        extra = []
        aws = []
        if kind == "admin":
            # The first is reached through the endpoints that do not let
            # PassRole through (ENDPOINTS), whatever the draw: every
            # organization, however small, has endpoint caveats.
            if rname == "app-admin-0001":
                svc = "ecs-tasks.amazonaws.com"
                extra = ["codebuild.amazonaws.com"]
            if rng.random() < 0.5:
                managed.append("AdministratorAccess")
            else:
                inline.append({"PolicyName": "admin", "PolicyDocument": doc(allow("*:*"))})
            # Some are also entered from a team role: assume, then pass.
            if teams and rng.random() < 0.3:
                aws = [f"{arn}:role/{rng.choice(teams)}"]
        elif kind == "deploy":
            svc = rng.choice(["codebuild.amazonaws.com", "cloudformation.amazonaws.com"])
            managed.append("deploy-pass-app")
        elif kind == "team":
            svc = None
            aws = [f"{arn}:root"]
            managed.append(rng.choice(["ReadOnlyAccess", "data-access", "svc-pass-workers"]))
            if rng.random() < 0.25:
                managed.append("deploy-pass-app")
        elif kind == "breakglass":
            svc = None
            aws = ([f"{arn}:role/{t}" for t in sorted(rng.sample(teams, min(2, len(teams))))]
                   if teams else [f"{arn}:root"])
            managed.append("IAMFullAccess" if rng.random() < 0.3 else "PowerUserAccess")
        elif kind == "platform":
            svc = "cloudformation.amazonaws.com"
            aws = [f"{arn}:role/{rng.choice(deploys)}"] if deploys else []
            managed.append("svc-pass-workers")
        elif kind == "glue":
            svc = "glue.amazonaws.com"
            managed.append("data-access")
        else:  # worker
            if rng.random() < 0.1:
                managed.append("svc-pass-workers")
        r = {"Path": "/", "RoleName": rname, "RoleId": uid("AROA", i, n),
             "Arn": f"{arn}:role/{rname}", "CreateDate": CREATED,
             "AssumeRolePolicyDocument": trust([svc] + extra if svc else (), aws),
             "InstanceProfileList": [], "RolePolicyList": inline,
             "AttachedManagedPolicies": attached(managed, acct),
             "Tags": [{"Key": "team", "Value": "platform" if kind in ("platform", "breakglass")
                       else "apps"}],
             "RoleLastUsed": {}}
        if kind != "admin" and rng.random() < 0.3:
            r["PermissionsBoundary"] = boundary(
                "boundary-app" if kind == "worker" else "boundary-std", acct)
        roles.append(r)

    groups = []
    for n, (gname, inline, managed) in enumerate(GROUPS):
        groups.append({"Path": "/", "GroupName": gname, "GroupId": uid("AGPA", i, n),
                       "Arn": f"{arn}:group/{gname}", "CreateDate": CREATED,
                       "GroupPolicyList": [{"PolicyName": pn, "PolicyDocument": d}
                                           for pn, d in inline(acct).items()],
                       "AttachedManagedPolicies": attached(managed, acct)})

    policies = []
    for n, (pname, (desc, document)) in enumerate(customer_policies(acct).items()):
        versions = [{"Document": document, "VersionId": "v1", "IsDefaultVersion": True,
                     "CreateDate": CREATED}]
        if change and pname == "svc-pass-workers":
            # An edit is a new default version; the CLI lists it first.
            versions[0]["IsDefaultVersion"] = False
            versions.insert(0, {"Document": changed_document(acct), "VersionId": "v2",
                                "IsDefaultVersion": True, "CreateDate": CHANGED_AT})
        policies.append({
            "PolicyName": pname, "PolicyId": uid("ANPA", i, n), "Arn": f"{arn}:policy/{pname}",
            "Path": "/", "DefaultVersionId": versions[0]["VersionId"], "AttachmentCount": 1,
            "PermissionsBoundaryUsageCount": 1 if pname.startswith("boundary-") else 0,
            "IsAttachable": True, "Description": desc, "CreateDate": CREATED,
            "UpdateDate": versions[0]["CreateDate"], "PolicyVersionList": versions})
    for pname, (pid, desc, document) in AWS_MANAGED.items():
        policies.append({
            "PolicyName": pname, "PolicyId": pid, "Arn": f"arn:aws:iam::aws:policy/{pname}",
            "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 1,
            "PermissionsBoundaryUsageCount": 0, "IsAttachable": True, "Description": desc,
            "CreateDate": "2015-02-06T18:39:46Z", "UpdateDate": "2015-02-06T18:39:46Z",
            "PolicyVersionList": [{"Document": document, "VersionId": "v1",
                                   "IsDefaultVersion": True, "CreateDate": "2015-02-06T18:39:46Z"}]})
    return {"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles,
            "Policies": policies}


ENDPOINTS = [
    # endpoint service, policy statements
    ("lambda", [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
                 "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}}]),
    ("ecs", [{"Effect": "Allow", "Principal": "*", "Action": "ecs:*", "Resource": "*"}]),
    ("cloudformation", [{"Effect": "Allow", "Principal": "*",
                         "Action": ["cloudformation:*", "iam:PassRole"], "Resource": "*"}]),
    ("codebuild", [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
                   {"Effect": "Deny", "Principal": "*", "Action": "iam:PassRole",
                    "Resource": "*", "Condition": {"ArnLike": {
                        "aws:PrincipalArn": "arn:aws:iam::*:user/*"}}}]),
    ("sts", [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",
              "Resource": "*"}]),
]


def endpoints(i, region):
    acct = account_id(i)
    if i % 3 != 0 or region != REGIONS[0]:
        return {"VpcEndpoints": []}
    out = []
    for n, (svc, statements) in enumerate(ENDPOINTS):
        out.append({
            "VpcEndpointId": f"vpce-0{i:08x}{n:08x}", "VpcEndpointType": "Interface",
            "VpcId": f"vpc-0{i:016x}", "ServiceName": f"com.amazonaws.{region}.{svc}",
            "State": "available",
            "PolicyDocument": json.dumps({"Version": "2012-10-17", "Statement": statements},
                                         indent=2),
            "RouteTableIds": [], "SubnetIds": [], "Groups": [], "IpAddressType": "ipv4",
            "DnsOptions": {"DnsRecordIpType": "ipv4"}, "PrivateDnsEnabled": True,
            "RequesterManaged": False, "NetworkInterfaceIds": [], "DnsEntries": [],
            "CreationTimestamp": "2024-01-01T00:00:00.000Z", "Tags": [], "OwnerId": acct})
    return {"VpcEndpoints": out}


def dump_header(taken_at):
    return {"dump_version": 1, "taken_at": taken_at, "partition": "aws",
            "caller": f"arn:aws:iam::{MGMT}:user/auditor", "regions": REGIONS}


def changed_account(naccounts):
    return 1 if naccounts > 1 else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--accounts", type=int, required=True)
    ap.add_argument("--principals", type=int, required=True,
                    help="principals per account (half users, half roles)")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--out", required=True)
    ap.add_argument("--change", action="store_true",
                    help="edit one customer managed policy in an existing dump")
    a = ap.parse_args()
    if a.accounts < 1 or a.principals < 20:
        ap.error("at least 1 account and 20 principals")
    if a.change:
        if not os.path.isfile(f"{a.out}/aws-dump.json"):
            sys.exit(f"scale-gen: {a.out}: no dump to change (aws-dump.json missing)")
        i = changed_account(a.accounts)
        path = f"{a.out}/{account_id(i)}/iam.json"
        write(path, build_account(i, a.principals, a.seed, change=True))
        write(f"{a.out}/aws-dump.json", dump_header(CHANGED_AT))
        print(path)
        return
    if os.path.exists(a.out) and os.listdir(a.out):
        sys.exit(f"scale-gen: {a.out}: exists and is not empty")
    os.makedirs(a.out, mode=0o700, exist_ok=True)
    write(f"{a.out}/aws-dump.json", dump_header(TAKEN_AT))
    write_org(a.out, a.accounts)
    for i in range(a.accounts):
        write(f"{a.out}/{account_id(i)}/iam.json", build_account(i, a.principals, a.seed))
        for region in REGIONS:
            write(f"{a.out}/{account_id(i)}/vpc-endpoints/{region}.json", endpoints(i, region))


if __name__ == "__main__":
    main()
