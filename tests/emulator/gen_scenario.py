#!/usr/bin/python3
"""Write a large, deterministic scenario for benchmarks and scale tests.

    gen_scenario.py [--accounts N] [--users N] [--roles N] [--policies N] [--ous N]
                    [--iam-page-size N] [--seed S] > big.json

Account 1 is 111122223333 with the contract's credentials (AKIDEXAMPLE, user
auditor) and the management account of an organization whose other accounts
are spread over --ous OUs. Every account gets --users users, --roles roles
(one in five privileged: AdministratorAccess, trusted by a service) and
--policies local managed policies, some of which allow iam:PassRole on role
paths for chosen services, so a PassRole audit has real work to do.
"""

import argparse
import json
import random
import sys

SERVICES = ["lambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com",
            "glue.amazonaws.com", "sagemaker.amazonaws.com", "cloudformation.amazonaws.com"]
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
READONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def account_id(i):
    return "111122223333" if i == 0 else f"{200000000000 + i * 1111:012d}"


def policy_doc(rng, acct, i):
    statements = [{"Sid": f"Work{i}", "Effect": "Allow",
                   "Action": rng.sample(["s3:GetObject", "s3:PutObject", "dynamodb:Query",
                                         "sqs:SendMessage", "logs:PutLogEvents", "kms:Decrypt"], 3),
                   "Resource": "*"}]
    if i % 3 == 0:
        stmt = {"Sid": f"Pass{i}", "Effect": "Allow", "Action": "iam:PassRole",
                "Resource": f"arn:aws:iam::{acct}:role/team{i % 7}/*"}
        if i % 2 == 0:
            stmt["Condition"] = {"StringEquals": {"iam:PassedToService": rng.choice(SERVICES)}}
        statements.append(stmt)
    if i % 11 == 0:
        statements.append({"Effect": "Deny", "Action": "iam:PassRole",
                           "Resource": f"arn:aws:iam::{acct}:role/team{i % 7}/admin-*"})
    return {"Version": "2012-10-17", "Statement": statements}


def build(args):
    rng = random.Random(args.seed)
    accounts = {}
    org_accounts = []
    ous = [{"id": f"ou-a1b2-gen{n:05d}", "name": f"Unit {n}"} for n in range(args.ous)]
    for a in range(args.accounts):
        acct = account_id(a)
        policies = [{"name": f"app-policy-{i}", "path": f"/team{i % 7}/",
                     "document": policy_doc(rng, acct, i)} for i in range(args.policies)]
        local = [f"arn:aws:iam::{acct}:policy/team{i % 7}/app-policy-{i}"
                 for i in range(args.policies)]
        roles = []
        for i in range(args.roles):
            privileged = i % 5 == 0
            name = f"admin-{i}" if privileged else f"app-{i}"
            roles.append({
                "name": name, "path": f"/team{i % 7}/",
                "trust_policy": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Action": "sts:AssumeRole",
                    "Principal": {"Service": rng.choice(SERVICES)}}]},
                "attached_policies": [ADMIN] if privileged else rng.sample(local, min(2, len(local))),
                "tags": {"team": f"team{i % 7}"}})
        users = []
        if a == 0:
            users.append({"name": "auditor", "id": "AIDAEXAMPLEAUDITOR001",
                          "attached_policies": [READONLY]})
        for i in range(args.users):
            users.append({"name": f"user-{i}", "attached_policies": rng.sample(local, min(3, len(local))),
                          "inline_policies": {"own": policy_doc(rng, acct, i + 1)}})
        accounts[acct] = {"name": f"Account {a}", "iam": {"users": users, "roles": roles,
                                                          "policies": policies}}
        org_accounts.append({"id": acct, "name": f"Account {a}",
                             "email": f"aws+{acct}@example.com",
                             "parent": ous[a % len(ous)]["id"] if ous and a else "r-a1b2"})
    return {
        "description": f"generated: {args.accounts} accounts x ({args.users} users, {args.roles} "
                       f"roles, {args.policies} policies), seed {args.seed}",
        "page_sizes": {"iam": args.iam_page_size, "organizations": 20, "ec2": 1000},
        "aws_managed_policies": [
            {"name": "AdministratorAccess", "document": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"}]}},
            {"name": "ReadOnlyAccess", "document": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"}]}}],
        "accounts": accounts,
        "credentials": [{"access_key_id": "AKIDEXAMPLE",
                         "secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                         "principal": "arn:aws:iam::111122223333:user/auditor"}],
        "organization": {
            "id": "o-a1b2c3d4e5", "management_account": "111122223333", "ous": ous,
            "accounts": org_accounts,
            "policies": [{"id": "p-FullAWSAccess", "name": "FullAWSAccess", "aws_managed": True,
                          "content": {"Version": "2012-10-17", "Statement": [
                              {"Effect": "Allow", "Action": "*", "Resource": "*"}]},
                          "targets": ["r-a1b2"] + [o["id"] for o in ous]
                          + [a["id"] for a in org_accounts]}]},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--accounts", type=int, default=1)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--roles", type=int, default=200)
    ap.add_argument("--policies", type=int, default=50)
    ap.add_argument("--ous", type=int, default=3)
    ap.add_argument("--iam-page-size", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if min(args.accounts, args.iam_page_size) < 1 or min(args.users, args.roles, args.policies,
                                                         args.ous) < 0:
        ap.error("counts must not be negative; --accounts and --iam-page-size at least 1")
    json.dump(build(args), sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
