"""STS: GetCallerIdentity and AssumeRole (query protocol, 2011-06-15)."""

import re

from . import trust
from .errors import AwsError, validation_error

_SESSION_RE = re.compile(r"^[\w+=,.@-]{2,64}$")
_ROLE_ARN_RE = re.compile(r"^arn:(aws|aws-cn|aws-us-gov):iam::([0-9]{12}):role(/.*)$")


def get_caller_identity(ctx):
    c = ctx.caller
    return [("Arn", c["arn"]), ("UserId", c["user_id"]), ("Account", c["account"])]


def _denied(ctx, role_arn):
    return AwsError("AccessDenied", f"User: {ctx.caller['arn']} is not authorized to perform: "
                    f"sts:AssumeRole on resource: {role_arn}", 403)


def assume_role(ctx):
    p = ctx.params
    role_arn = p.get("RoleArn")
    if not role_arn:
        raise validation_error("roleArn", "null", "Member must not be null")
    session = p.get("RoleSessionName")
    if not session:
        raise validation_error("roleSessionName", "null", "Member must not be null")
    if not _SESSION_RE.match(session):
        raise validation_error("roleSessionName", session,
                               "Member must satisfy regular expression pattern: [\\w+=,.@-]* "
                               "and have length between 2 and 64")
    duration = 3600
    if "DurationSeconds" in p:
        try:
            duration = int(p["DurationSeconds"])
        except ValueError:
            raise AwsError("MalformedInput", f"Invalid DurationSeconds '{p['DurationSeconds']}'") from None
        if duration < 900:
            raise validation_error("durationSeconds", duration,
                                   "Member must have value greater than or equal to 900")
        if duration > 43200:
            raise validation_error("durationSeconds", duration,
                                   "Member must have value less than or equal to 43200")
    external_id = p.get("ExternalId")
    m = _ROLE_ARN_RE.match(role_arn)
    if not m:
        raise validation_error("roleArn", role_arn, "Member must have length greater than or "
                               "equal to 20 and be a role ARN")
    acct = ctx.scenario.accounts.get(m.group(2))
    role = next((r for r in acct["roles"] if r["arn"] == role_arn), None) if acct else None
    if role is None:
        raise _denied(ctx, role_arn)
    org = ctx.scenario.organization
    org_id = None
    if org is not None and ctx.caller["account"] in org["nodes"]:
        org_id = org["id"]
    if not trust.may_assume(role["trust_policy"], ctx.caller, external_id, session, org_id):
        raise _denied(ctx, role_arn)
    if ctx.caller["kind"] == "assumed-role" and duration > 3600:
        raise AwsError("ValidationError", "The requested DurationSeconds exceeds the 1 hour "
                       "session limit for roles assumed by role chaining.")
    if duration > role["max_session_duration"]:
        raise AwsError("ValidationError", "The requested DurationSeconds exceeds the "
                       "MaxSessionDuration set for this role.")
    account = m.group(2)
    arn = ctx.scenario.arn("sts", account, f"assumed-role/{role['name']}/{session}")
    user_id = f"{role['id']}:{session}"
    cred = ctx.sessions.issue(arn, account, user_id, role, duration, ctx.scenario.partition)
    return [
        ("AssumedRoleUser", [("AssumedRoleId", user_id), ("Arn", arn)]),
        ("Credentials", [("AccessKeyId", cred["access_key_id"]),
                         ("SecretAccessKey", cred["secret_access_key"]),
                         ("SessionToken", cred["session_token"]),
                         ("Expiration", cred["expiration"].strftime("%Y-%m-%dT%H:%M:%SZ"))]),
    ]


OPERATIONS = {"GetCallerIdentity": get_caller_identity, "AssumeRole": assume_role}
