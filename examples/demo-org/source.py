#!/usr/bin/env python3
"""The demo organization: one source for the emulator scenario and the
offline dumps under examples/demo-org/ (see README.md there).

    python3 source.py OUT.json [--changed]

writes the emulator scenario; --changed writes the same organization after
the one policy change the demo makes (the org-wide baseline policy loses its
PassRole deny), so that a second audit shows a diff.

Every story the demo tells is a role, user or policy below, named after it.
All ids, keys and account numbers are fictitious.
"""

import json
import sys

MGMT = "111122223333"
PROD = "210987654321"
SANDBOX = "345678901234"
ROOT = "r-demo"
OU_WORKLOADS = "ou-demo-wkl00001"
OU_PROD = "ou-demo-prd00002"
OU_SANDBOX = "ou-demo-sbx00003"
EXTERNAL_ID = "passrole-auditd-demo"
AUDIT_ROLE = "PassroleAuditRole"
REGIONS = ["eu-west-1", "us-east-1"]


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource="*", sid=None, condition=None):
    s = {"Effect": "Allow", "Action": action, "Resource": resource}
    if sid:
        s = {"Sid": sid, **s}
    if condition:
        s["Condition"] = condition
    return s


def deny(action, resource="*", sid=None, condition=None):
    s = allow(action, resource, sid, condition)
    s["Effect"] = "Deny"
    return s


def trust(*services, aws=None, condition=None):
    principal = {}
    if services:
        principal["Service"] = list(services) if len(services) > 1 else services[0]
    if aws:
        principal["AWS"] = aws
    s = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        s["Condition"] = condition
    return doc(s)


def arn(account, kind, name, path="/"):
    return f"arn:aws:iam::{account}:{kind}{path}{name}"


AWS_MANAGED = [
    {"name": "AdministratorAccess", "id": "ANPAIWMBCKSKIEE64ZLYK",
     "description": "Provides full access to AWS services and resources.",
     "create_date": "2015-02-06T18:39:46Z",
     "document": doc(allow("*"))},
    {"name": "SecurityAudit", "id": "ANPAIX2T3QCXHR2OGGCTO",
     "description": "Read security configuration metadata.",
     "create_date": "2015-02-06T18:41:01Z",
     "document": doc(allow(["iam:Get*", "iam:List*", "iam:GenerateCredentialReport",
                            "organizations:Describe*", "organizations:List*",
                            "ec2:Describe*"]))},
]


def audit_role():
    """The read-only role the daemon assumes in each member account."""
    return {"name": AUDIT_ROLE, "id": "AROADEMOAUDITROLE0001",
            "trust_policy": trust(aws=f"arn:aws:iam::{MGMT}:root",
                                  condition={"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}),
            "attached_policies": ["arn:aws:iam::aws:policy/SecurityAudit"]}


def management():
    return {"name": "Management", "iam": {
        "users": [
            {"name": "auditor", "id": "AIDADEMOAUDITOR00001",
             "attached_policies": ["arn:aws:iam::aws:policy/SecurityAudit"],
             "inline_policies": {"AssumeAuditRole": doc(
                 allow("sts:AssumeRole", f"arn:aws:iam::*:role/{AUDIT_ROLE}", sid="AssumeAuditRole"))}},
        ],
    }}


def prod(changed):
    baseline = [deny("iam:PassRole", sid="NoPassRoleForHumans")]
    baseline.append(deny(["organizations:*", "account:*"], sid="NoOrgChanges"))
    if changed:
        # The change the demo makes: someone "simplifies" the baseline and
        # drops the PassRole deny. The developer role gains edges.
        baseline = baseline[1:]
    return {"name": "Prod Apps", "iam": {
        "policies": [
            {"name": "OrgBaseline", "id": "ANPADEMOORGBASELINE01",
             "description": "Org-wide guardrails attached to every human role",
             "document": doc(*baseline)},
            {"name": "DeveloperAccess", "id": "ANPADEMODEVACCESS0001",
             "description": "What developers need to ship",
             "document": doc(allow(["cloudformation:*", "lambda:*", "ec2:*", "s3:*", "logs:*"],
                                   sid="ShipThings"),
                             allow("iam:PassRole", "*", sid="PassAnyRole"))},
            {"name": "BuildBoundary", "id": "ANPADEMOBUILDBOUND01",
             "description": "Boundary for CI builds: artifacts and logs only",
             "document": doc(allow(["s3:*", "logs:*", "codebuild:*"], sid="ArtifactsAndLogs"))},
        ],
        "users": [
            # The classic escalation: an intern who may start instances and
            # pass any role to them.
            {"name": "intern", "id": "AIDADEMOINTERN000001",
             "inline_policies": {"LaunchInstances": doc(
                 allow(["ec2:RunInstances", "ec2:Describe*", "iam:ListInstanceProfiles"],
                       sid="LaunchInstances"),
                 allow("iam:PassRole", "*", sid="PassInstanceRole"))},
             "tags": {"team": "interns"}},
        ],
        "roles": [
            # Explicit deny in the org-wide managed policy beats the allow.
            {"name": "Developer", "id": "AROADEMODEVELOPER001",
             "trust_policy": trust(aws=f"arn:aws:iam::{MGMT}:root"),
             "attached_policies": [arn(PROD, "policy", "OrgBaseline"),
                                   arn(PROD, "policy", "DeveloperAccess")]},
            # ... while the CloudFormation service role can still pass the
            # agent role.
            {"name": "CloudFormationServiceRole", "id": "AROADEMOCFNSERVICE01",
             "trust_policy": trust("cloudformation.amazonaws.com"),
             "inline_policies": {"DeployAgents": doc(
                 allow(["bedrock:*", "cloudformation:*"], sid="ManageAgents"),
                 allow("iam:PassRole", arn(PROD, "role", "BedrockAgentRole"), sid="PassAgentRole"))}},
            {"name": "BedrockAgentRole", "id": "AROADEMOBEDROCKAGNT1",
             "trust_policy": trust("bedrock.amazonaws.com"),
             "inline_policies": {"AgentTools": doc(
                 allow(["iam:PassRole", "lambda:*", "s3:*"], sid="AgentTools"))}},
            # Admin-capable, passable only to EC2.
            {"name": "AdminInstanceRole", "id": "AROADEMOADMININST001",
             "trust_policy": trust("ec2.amazonaws.com", "ssm.amazonaws.com"),
             "attached_policies": ["arn:aws:iam::aws:policy/AdministratorAccess"],
             "instance_profiles": [{"name": "AdminInstanceRole", "id": "AIPADEMOADMININST01"}]},
            {"name": "OpsEngineer", "id": "AROADEMOOPSENGINEER1",
             "trust_policy": trust(aws=f"arn:aws:iam::{MGMT}:root"),
             "inline_policies": {"RunAdminInstances": doc(
                 allow(["ec2:*", "ssm:*"], sid="Operate"),
                 allow("iam:PassRole", arn(PROD, "role", "AdminInstanceRole"), sid="PassToEC2Only",
                       condition={"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}))}},
            # A boundary that removes PassRole.
            {"name": "BuildRole", "id": "AROADEMOBUILDROLE001",
             "trust_policy": trust("codebuild.amazonaws.com"),
             "permissions_boundary": arn(PROD, "policy", "BuildBoundary"),
             "inline_policies": {"Build": doc(
                 allow(["s3:*", "logs:*"], sid="Artifacts"),
                 allow("iam:PassRole", "*", sid="PassAnything"))}},
            # A Lambda workload that passes a role to EventBridge, from a VPC
            # whose EventBridge endpoint allows only events:*.
            {"name": "OrderProcessorLambda", "id": "AROADEMOORDERPROC001",
             "trust_policy": trust("lambda.amazonaws.com"),
             "inline_policies": {"ScheduleTargets": doc(
                 allow(["events:PutRule", "events:PutTargets"], sid="Schedule"),
                 allow("iam:PassRole", arn(PROD, "role", "EventBridgeInvokeRole"), sid="PassInvokeRole",
                       condition={"StringEquals": {"iam:PassedToService": "events.amazonaws.com"}}))}},
            {"name": "EventBridgeInvokeRole", "id": "AROADEMOEVBINVOKE001",
             "trust_policy": trust("events.amazonaws.com"),
             "inline_policies": {"Invoke": doc(allow(["lambda:InvokeFunction", "states:StartExecution"],
                                                     sid="Invoke"))},
             "tags": {"privileged": "true"}},
            audit_role(),
        ],
    }, "vpc_endpoints": {
        "eu-west-1": [
            {"id": "vpce-0demo0events00001", "type": "Interface", "vpc_id": "vpc-0demo0orders00001",
             "service_name": "com.amazonaws.eu-west-1.events",
             "policy": doc({"Effect": "Allow", "Principal": "*", "Action": "events:*",
                            "Resource": "*"})},
            {"id": "vpce-0demo0s3gw000001", "type": "Gateway", "vpc_id": "vpc-0demo0orders00001",
             "service_name": "com.amazonaws.eu-west-1.s3"},
        ],
        "us-east-1": [],
    }}


def sandbox():
    return {"name": "Sandbox", "iam": {
        "users": [
            {"name": "sandbox-admin", "id": "AIDADEMOSANDBOXADM01",
             "attached_policies": ["arn:aws:iam::aws:policy/AdministratorAccess"]},
        ],
        "roles": [
            {"name": "SandboxAdminRole", "id": "AROADEMOSANDBOXADM01",
             "trust_policy": trust("ec2.amazonaws.com"),
             "attached_policies": ["arn:aws:iam::aws:policy/AdministratorAccess"]},
            audit_role(),
        ],
    }}


def organization():
    full = doc(allow("*"))
    return {
        "id": "o-demo123456",
        "management_account": MGMT,
        "root": {"id": ROOT, "policy_types": [
            {"type": "SERVICE_CONTROL_POLICY", "status": "ENABLED"},
            {"type": "RESOURCE_CONTROL_POLICY", "status": "ENABLED"}]},
        "ous": [
            {"id": OU_WORKLOADS, "name": "Workloads"},
            {"id": OU_PROD, "name": "Prod", "parent": OU_WORKLOADS},
            {"id": OU_SANDBOX, "name": "Sandbox"},
        ],
        "accounts": [
            {"id": MGMT, "name": "Management", "email": "aws-mgmt@example.com"},
            {"id": PROD, "name": "Prod Apps", "email": "aws-prod@example.com", "parent": OU_PROD},
            {"id": SANDBOX, "name": "Sandbox", "email": "aws-sandbox@example.com", "parent": OU_SANDBOX},
        ],
        "policies": [
            {"id": "p-FullAWSAccess", "name": "FullAWSAccess", "type": "SERVICE_CONTROL_POLICY",
             "aws_managed": True, "description": "Allows access to every operation", "content": full,
             "targets": [ROOT, OU_WORKLOADS, OU_PROD, OU_SANDBOX, MGMT, PROD, SANDBOX]},
            {"id": "p-demoguardrails", "name": "Guardrails", "type": "SERVICE_CONTROL_POLICY",
             "description": "No leaving the organization",
             "content": doc(deny("organizations:LeaveOrganization", sid="DenyLeaveOrg")),
             "targets": [ROOT]},
            # An SCP that denies PassRole below one OU.
            {"id": "p-demonopassrole", "name": "SandboxNoPassRole", "type": "SERVICE_CONTROL_POLICY",
             "description": "Sandboxes may not hand roles to services",
             "content": doc(deny("iam:PassRole", sid="DenyPassRole")),
             "targets": [OU_SANDBOX]},
            {"id": "p-RCPFullAWSAccess", "name": "RCPFullAWSAccess", "type": "RESOURCE_CONTROL_POLICY",
             "aws_managed": True, "description": "Allows access to every operation",
             "content": {"Version": "2012-10-17", "Statement": [
                 {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]},
             "targets": [ROOT, OU_WORKLOADS, OU_PROD, OU_SANDBOX, MGMT, PROD, SANDBOX]},
            {"id": "p-demorcpdatafence", "name": "DataPerimeter", "type": "RESOURCE_CONTROL_POLICY",
             "description": "Only the organization reads its buckets",
             "content": {"Version": "2012-10-17", "Statement": [
                 {"Sid": "OrgOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                  "Resource": "*",
                  "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-demo123456"},
                                "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}]},
             "targets": [OU_WORKLOADS]},
        ],
    }


def scenario(changed):
    return {
        "description": "passrole-auditd demo organization"
                       + (" after the baseline change" if changed else ""),
        "page_sizes": {"iam": 5, "organizations": 2, "ec2": 5},
        "aws_managed_policies": AWS_MANAGED,
        "accounts": {MGMT: management(), PROD: prod(changed), SANDBOX: sandbox()},
        "credentials": [
            {"access_key_id": "AKIADEMOAUDITOR00001",
             "secret_access_key": "demoSecretKeyEXAMPLEEXAMPLEEXAMPLE000001",
             "principal": f"arn:aws:iam::{MGMT}:user/auditor"},
        ],
        "organization": organization(),
    }


def main(argv):
    if len(argv) < 2 or len(argv) > 3 or (len(argv) == 3 and argv[2] != "--changed"):
        sys.stderr.write("usage: source.py OUT.json [--changed]\n")
        return 64
    with open(argv[1], "w") as f:
        json.dump(scenario(len(argv) == 3), f, indent=1, sort_keys=True)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
