#!/usr/bin/env python3
"""Write a realistic mix of evaluation requests (CONTRACT-EVAL.md format, one
per line) for tests/bench/policy-bench: a principal with 10 identity policies
of 10 statements each over several services, a permissions boundary, three
SCP levels with guardrail denies carrying conditions, and PassRole/AssumeRole/
other requests with known, absent and unknown context keys."""
import json
import random
import sys

rnd = random.Random(20261123)
ACCT = "111122223333"
SERVICES = ["ec2", "s3", "lambda", "dynamodb", "sqs", "sns", "logs", "cloudwatch", "kms", "iam"]
VERBS = ["Get*", "List*", "Describe*", "Put*", "Create*", "Delete*", "Update*", "Tag*"]
PASS_TO = ["ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "glue.amazonaws.com"]


def stmt(i, j):
    svc = SERVICES[(i + j) % len(SERVICES)]
    s = {"Sid": "S%d%d" % (i, j), "Effect": "Allow",
         "Action": ["%s:%s" % (svc, rnd.choice(VERBS)), "%s:%s" % (svc, rnd.choice(VERBS))],
         "Resource": "arn:aws:%s:*:%s:*" % (svc, ACCT)}
    if j % 3 == 0:
        s["Condition"] = {"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}}
    if svc == "iam" and j % 2 == 0:
        s["Action"] = "iam:PassRole"
        s["Resource"] = "arn:aws:iam::%s:role/app-*" % ACCT
        s["Condition"] = {"StringEquals": {"iam:PassedToService": rnd.sample(PASS_TO, 2)}}
    if j == 9:
        s["Effect"] = "Deny"
        s["Action"] = "%s:Delete*" % svc
        s["Condition"] = {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
    return s


identity = [{"name": "arn:aws:iam::%s:policy/team-%d" % (ACCT, i), "source": "attached to role app",
             "document": {"Version": "2012-10-17", "Statement": [stmt(i, j) for j in range(10)]}}
            for i in range(10)]
boundary = {"name": "arn:aws:iam::%s:policy/Boundary" % ACCT, "document": {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "NotAction": ["organizations:*", "account:*"], "Resource": "*"},
    {"Effect": "Deny", "Action": "iam:PassRole", "Resource": "arn:aws:iam::*:role/admin-*"}]}}
full = {"name": "FullAWSAccess", "document": {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]}}
region = {"name": "RegionGuard", "document": {"Version": "2012-10-17", "Statement": [
    {"Sid": "DenyOtherRegions", "Effect": "Deny", "NotAction": ["iam:*", "sts:*", "organizations:*"],
     "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}}}]}}
platform = {"name": "PlatformOnlyPassesAdmin", "document": {"Version": "2012-10-17", "Statement": [
    {"Sid": "OnlyPlatform", "Effect": "Deny", "Action": "iam:PassRole",
     "Resource": "arn:aws:iam::*:role/platform-*",
     "Condition": {"StringNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Platform*"}}}]}}
scp = [[full], [full, region], [full, platform]]

out = sys.stdout
n = int(sys.argv[1]) if len(sys.argv) > 1 else 64
# "unknown": only the PassRole requests whose iam:PassedToService is unknown
# (the decision that builds and decides an open constraint);
# "chain N": one principal whose N PassRole statements each allow two
# services, iam:PassedToService unknown: the constraint is an OR of N atoms,
# so its cost per decision shows how constraint building scales.
mode = sys.argv[2] if len(sys.argv) > 2 else "mix"
if mode == "chain":
    m = int(sys.argv[3])
    st = [{"Sid": "P%d" % i, "Effect": "Allow", "Action": "iam:PassRole",
           "Resource": "arn:aws:iam::%s:role/app-*" % ACCT,
           "Condition": {"StringEquals": {"iam:PassedToService": [
               "svc%d.amazonaws.com" % i, "svc%d.amazonaws.com" % (i + 1)]}}} for i in range(m)]
    pols = [{"name": "p%d" % k, "document": {"Version": "2012-10-17", "Statement": st[k::4]}}
            for k in range(4) if st[k::4]]
    for k in range(n):
        out.write(json.dumps({"name": "chain-%d" % k, "request": {
            "principal": "arn:aws:sts::%s:assumed-role/app/session-%d" % (ACCT, k), "action": "iam:PassRole",
            "resource": "arn:aws:iam::%s:role/app-%d" % (ACCT, k), "unknown": ["iam:PassedToService"]},
            "policies": {"identity": pols}}, separators=(",", ":")) + "\n")
    sys.exit(0)
for k in range(n):
    kind = k % 4
    ctx = {"aws:RequestedRegion": rnd.choice(["eu-west-1", "us-east-1", "ap-south-1"])}
    unknown = []
    if kind == 0:
        action, res = "iam:PassRole", "arn:aws:iam::%s:role/app-%d" % (ACCT, k)
        ctx["iam:PassedToService"] = rnd.choice(PASS_TO)
    elif kind == 1:
        action, res = "iam:PassRole", "arn:aws:iam::%s:role/%s-%d" % (ACCT, rnd.choice(["app", "platform", "admin"]), k)
        unknown = ["iam:PassedToService", "aws:MultiFactorAuthPresent"]
    elif kind == 2:
        svc = rnd.choice(SERVICES[:8])
        action, res = "%s:DeleteThing" % svc, "arn:aws:%s:eu-west-1:%s:thing/%d" % (svc, ACCT, k)
    else:
        svc = rnd.choice(SERVICES[:8])
        action, res = "%s:GetThing" % svc, "arn:aws:%s:eu-west-1:%s:thing/%d" % (svc, ACCT, k)
        ctx["aws:MultiFactorAuthPresent"] = True
    req = {"name": "bench-%d" % k,
           "request": {"principal": "arn:aws:sts::%s:assumed-role/app/session-%d" % (ACCT, k),
                       "action": action, "resource": res, "context": ctx, "unknown": unknown},
           "policies": {"identity": identity, "boundary": boundary, "scp": scp}}
    # every request is generated (the same random stream), some written
    if mode != "unknown" or kind == 1:
        out.write(json.dumps(req, separators=(",", ":")) + "\n")
