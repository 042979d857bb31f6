"""Organizations (JSON 1.1, AWSOrganizationsV20161128).

Who may call: an account outside the scenario's organization (or a scenario
without one) gets AWSOrganizationsNotInUseException; member accounts may
call DescribeOrganization only; everything else needs the management
account or a delegated administrator, else AccessDeniedException.
List calls page with NextToken/MaxResults (1..20); the page size is the
smaller of MaxResults and the scenario's page_sizes.organizations.
"""

import json

from . import paging
from .errors import AwsError
from .scenario import ORG_POLICY_TYPES

MAX_RESULTS = 20


def _invalid(reason, message):
    return AwsError("InvalidInputException", message, extra={"Reason": reason})


def _org(ctx, member_ok=False):
    org = ctx.scenario.organization
    acct = ctx.caller["account"]
    if org is None or acct not in org["nodes"] or org["nodes"][acct][0] != "ACCOUNT":
        raise AwsError("AWSOrganizationsNotInUseException",
                       "Your account isn't a member of an organization. To make this request, "
                       "you must use the credentials of an account that belongs to an "
                       "organization.")
    if not member_ok and acct != org["management_account"] and acct not in org["delegated_admins"]:
        raise AwsError("AccessDeniedException",
                       "You don't have permissions to access this resource.")
    return org


def _required(ctx, name):
    v = ctx.params.get(name)
    if v is None or v == "":
        raise _invalid("INPUT_REQUIRED", f"You must specify a value for {name}.")
    if not isinstance(v, str):
        raise AwsError("SerializationException", f"Expected a string for {name}")
    return v


def _paged(ctx, key, items):
    """The response object for a list call: {key: page[, NextToken]}."""
    p = ctx.params
    size = ctx.scenario.page_sizes["organizations"]
    if "MaxResults" in p:
        mr = p["MaxResults"]
        if isinstance(mr, bool) or not isinstance(mr, int):
            raise AwsError("SerializationException", "Expected an integer for MaxResults")
        if mr < 1:
            raise _invalid("MIN_VALUE_EXCEEDED", "You provided a value that is smaller than "
                           "the minimum allowed for MaxResults.")
        if mr > MAX_RESULTS:
            raise _invalid("MAX_VALUE_EXCEEDED", "You provided a value that exceeds the "
                           f"maximum allowed for MaxResults ({MAX_RESULTS}).")
        size = min(size, mr)
    fixed = {k: v for k, v in p.items() if k not in ("NextToken", "MaxResults")}
    context = f"{ctx.operation}|{ctx.caller['account']}|{json.dumps(fixed, sort_keys=True)}"
    offset = 0
    if p.get("NextToken") is not None:
        tok = p["NextToken"]
        offset = paging.read_token(context, tok) if isinstance(tok, str) else None
        if offset is None or offset > len(items):
            raise _invalid("INVALID_PAGINATION_TOKEN", "The provided pagination token is invalid.")
    chunk, nxt = paging.page(items, offset, size)
    out = {key: chunk}
    if nxt is not None:
        out["NextToken"] = paging.make_token(context, nxt)
    return out


def _parent(org, ctx, name="ParentId"):
    pid = _required(ctx, name)
    node = org["nodes"].get(pid)
    if node is None or node[0] == "ACCOUNT":
        raise AwsError("ParentNotFoundException",
                       "We can't find a root or OU with the ParentId that you specified.")
    return pid


def _account(a):
    return {"Id": a["id"], "Arn": a["arn"], "Email": a["email"], "Name": a["name"],
            "Status": a["status"], "State": a["state"], "JoinedMethod": a["joined_method"],
            "JoinedTimestamp": a["joined_timestamp"]}


def _summary(p):
    return {"Id": p["id"], "Arn": p["arn"], "Name": p["name"], "Description": p["description"],
            "Type": p["type"], "AwsManaged": p["aws_managed"]}


def _filter(ctx):
    f = _required(ctx, "Filter")
    if f not in ORG_POLICY_TYPES:
        raise _invalid("INVALID_ENUM", f"You specified an invalid value: {f}.")
    return f


def _policy(org, ctx):
    pid = _required(ctx, "PolicyId")
    pol = next((p for p in org["policies"] if p["id"] == pid), None)
    if pol is None:
        raise AwsError("PolicyNotFoundException",
                       "We can't find a policy with the PolicyId that you specified.")
    return pol


def describe_organization(ctx):
    org = _org(ctx, member_ok=True)
    mgmt = org["nodes"][org["management_account"]][1]
    return {"Organization": {
        "Id": org["id"], "Arn": org["arn"], "FeatureSet": org["feature_set"],
        "MasterAccountArn": mgmt["arn"], "MasterAccountId": mgmt["id"],
        "MasterAccountEmail": org["management_email"],
        "AvailablePolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]}}


def list_roots(ctx):
    org = _org(ctx)
    r = org["root"]
    return _paged(ctx, "Roots", [{"Id": r["id"], "Arn": r["arn"], "Name": r["name"],
                                  "PolicyTypes": r["policy_types"]}])


def list_organizational_units_for_parent(ctx):
    org = _org(ctx)
    pid = _parent(org, ctx)
    return _paged(ctx, "OrganizationalUnits", [{"Id": o["id"], "Arn": o["arn"], "Name": o["name"]}
                                               for o in org["ous"] if o["parent"] == pid])


def list_accounts_for_parent(ctx):
    org = _org(ctx)
    pid = _parent(org, ctx)
    return _paged(ctx, "Accounts", [_account(a) for a in org["accounts"] if a["parent"] == pid])


def list_accounts(ctx):
    org = _org(ctx)
    return _paged(ctx, "Accounts", [_account(a) for a in org["accounts"]])


def list_children(ctx):
    org = _org(ctx)
    pid = _parent(org, ctx)
    ctype = _required(ctx, "ChildType")
    if ctype == "ACCOUNT":
        kids = [{"Id": a["id"], "Type": "ACCOUNT"} for a in org["accounts"] if a["parent"] == pid]
    elif ctype == "ORGANIZATIONAL_UNIT":
        kids = [{"Id": o["id"], "Type": "ORGANIZATIONAL_UNIT"} for o in org["ous"]
                if o["parent"] == pid]
    else:
        raise _invalid("INVALID_ENUM", f"You specified an invalid value: {ctype}.")
    return _paged(ctx, "Children", kids)


def list_parents(ctx):
    org = _org(ctx)
    cid = _required(ctx, "ChildId")
    node = org["nodes"].get(cid)
    if node is None or node[0] == "ROOT":
        raise AwsError("ChildNotFoundException", "We can't find an organizational unit (OU) or "
                       "AWS account with the ChildId that you specified.")
    parent = node[1]["parent"]
    return _paged(ctx, "Parents", [{"Id": parent, "Type": org["nodes"][parent][0]}])


def list_policies(ctx):
    org = _org(ctx)
    f = _filter(ctx)
    return _paged(ctx, "Policies", [_summary(p) for p in org["policies"] if p["type"] == f])


def list_policies_for_target(ctx):
    org = _org(ctx)
    tid = _required(ctx, "TargetId")
    f = _filter(ctx)
    if tid not in org["nodes"]:
        raise AwsError("TargetNotFoundException", "We can't find a root, OU, account, or email "
                       "address with the TargetId that you specified.")
    return _paged(ctx, "Policies", [_summary(p) for p in org["policies"]
                                    if p["type"] == f and tid in p["targets"]])


def list_targets_for_policy(ctx):
    org = _org(ctx)
    pol = _policy(org, ctx)
    targets = []
    for t in pol["targets"]:
        kind, node = org["nodes"][t]
        targets.append({"TargetId": t, "Arn": node["arn"], "Name": node["name"], "Type": kind})
    return _paged(ctx, "Targets", targets)


def describe_policy(ctx):
    org = _org(ctx)
    pol = _policy(org, ctx)
    return {"Policy": {"PolicySummary": _summary(pol), "Content": pol["content"]}}


OPERATIONS = {
    "DescribeOrganization": describe_organization,
    "ListRoots": list_roots,
    "ListOrganizationalUnitsForParent": list_organizational_units_for_parent,
    "ListAccountsForParent": list_accounts_for_parent,
    "ListAccounts": list_accounts,
    "ListChildren": list_children,
    "ListParents": list_parents,
    "ListPolicies": list_policies,
    "ListPoliciesForTarget": list_policies_for_target,
    "ListTargetsForPolicy": list_targets_for_policy,
    "DescribePolicy": describe_policy,
}
