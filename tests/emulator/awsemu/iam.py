"""IAM: GetAccountAuthorizationDetails (query protocol, 2010-05-08).

Answers for the caller's account. Items are paged across the four lists in
the order users, groups, roles, policies; the page size is the smaller of
MaxItems (default 100) and the scenario's page_sizes.iam. AWS managed
policies are listed when the account attaches them or uses them as a
permissions boundary (what real accounts show); attachment and boundary
counts are computed from the account.
"""

from . import paging
from .docenc import encode_document
from .errors import AwsError, validation_error
from .scenario import GAAD_KINDS
from .wire import Items


def member_list(params, name):
    """Values of Name.member.1..N in index order."""
    prefix = f"{name}.member."
    found = []
    for k, v in params.items():
        if k.startswith(prefix) and k[len(prefix):].isdigit():
            found.append((int(k[len(prefix):]), v))
    return [v for _, v in sorted(found)]


def _policy_names(scenario, account):
    names = {p["arn"]: p["name"] for p in account["policies"]}
    names.update({a: p["name"] for a, p in scenario.aws_managed_policies.items()})
    return names


def _attached(arns, names):
    return Items([[("PolicyName", names[a]), ("PolicyArn", a)] for a in arns])


def _inline(policies, enc):
    return Items([[("PolicyName", p["name"]),
                   ("PolicyDocument", encode_document(p["document"], enc))] for p in policies])


def _boundary(arn):
    if arn is None:
        return None
    return [("PermissionsBoundaryType", "PermissionsBoundaryPolicy"),
            ("PermissionsBoundaryArn", arn)]


def _tags(tags):
    return Items([[("Key", k), ("Value", v)] for k, v in tags.items()])


def _user(u, names, enc):
    return [("Path", u["path"]), ("UserName", u["name"]), ("UserId", u["id"]), ("Arn", u["arn"]),
            ("CreateDate", u["create_date"]), ("UserPolicyList", _inline(u["inline_policies"], enc)),
            ("GroupList", Items(u["groups"])),
            ("AttachedManagedPolicies", _attached(u["attached_policies"], names)),
            ("PermissionsBoundary", _boundary(u["permissions_boundary"])),
            ("Tags", _tags(u["tags"]))]


def _group(g, names, enc):
    return [("Path", g["path"]), ("GroupName", g["name"]), ("GroupId", g["id"]), ("Arn", g["arn"]),
            ("CreateDate", g["create_date"]),
            ("GroupPolicyList", _inline(g["inline_policies"], enc)),
            ("AttachedManagedPolicies", _attached(g["attached_policies"], names))]


def _role(r, names, enc):
    trust = encode_document(r["trust_policy"], enc)
    basic = [("Path", r["path"]), ("RoleName", r["name"]), ("RoleId", r["id"]), ("Arn", r["arn"]),
             ("CreateDate", r["create_date"]), ("AssumeRolePolicyDocument", trust)]
    profiles = Items([[("Path", p["path"]), ("InstanceProfileName", p["name"]),
                       ("InstanceProfileId", p["id"]), ("Arn", p["arn"]),
                       ("CreateDate", p["create_date"]), ("Roles", Items([basic]))]
                      for p in r["instance_profiles"]])
    last = []
    if r["last_used"] is not None:
        last = [("LastUsedDate", r["last_used"]["date"]), ("Region", r["last_used"]["region"])]
    return basic + [("InstanceProfileList", profiles),
                    ("RolePolicyList", _inline(r["inline_policies"], enc)),
                    ("AttachedManagedPolicies", _attached(r["attached_policies"], names)),
                    ("PermissionsBoundary", _boundary(r["permissions_boundary"])),
                    ("Tags", _tags(r["tags"])), ("RoleLastUsed", last)]


def _usage(account):
    """{policy ARN: (attachment count, permissions-boundary use count)} in `account`."""
    counts = {}
    for e in account["users"] + account["groups"] + account["roles"]:
        for arn in e["attached_policies"]:
            a, b = counts.get(arn, (0, 0))
            counts[arn] = (a + 1, b)
        if e.get("permissions_boundary"):
            a, b = counts.get(e["permissions_boundary"], (0, 0))
            counts[e["permissions_boundary"]] = (a, b + 1)
    return counts


def _policy(p, usage, enc):
    attachments, boundaries = usage.get(p["arn"], (0, 0))
    versions = Items([[("Document", encode_document(v["document"], enc)),
                       ("VersionId", v["id"]), ("IsDefaultVersion", v["default"]),
                       ("CreateDate", v["create_date"])] for v in p["versions"]])
    return [("PolicyName", p["name"]), ("PolicyId", p["id"]), ("Arn", p["arn"]),
            ("Path", p["path"]), ("DefaultVersionId", p["default_version"]),
            ("AttachmentCount", attachments), ("PermissionsBoundaryUsageCount", boundaries),
            ("IsAttachable", p["is_attachable"]), ("Description", p["description"]),
            ("CreateDate", p["create_date"]), ("UpdateDate", p["update_date"]),
            ("PolicyVersionList", versions)]


def _aws_policies_in_use(scenario, account):
    used = set()
    for e in account["users"] + account["groups"] + account["roles"]:
        used.update(e["attached_policies"])
        if e.get("permissions_boundary"):
            used.add(e["permissions_boundary"])
    return [p for a, p in scenario.aws_managed_policies.items() if a in used]


def get_account_authorization_details(ctx):
    p = ctx.params
    scenario = ctx.scenario
    filters = member_list(p, "Filter")
    for f in filters:
        if f not in GAAD_KINDS:
            raise validation_error("filter", f"[{', '.join(filters)}]",
                                   "Member must satisfy constraint: [Member must satisfy enum "
                                   "value set: [LocalManagedPolicy, Role, AWSManagedPolicy, "
                                   "User, Group]]")
    kinds = set(filters) if filters else set(GAAD_KINDS)
    max_items = 100
    if "MaxItems" in p:
        try:
            max_items = int(p["MaxItems"])
        except ValueError:
            raise AwsError("MalformedInput", f"Invalid MaxItems '{p['MaxItems']}'") from None
        if max_items < 1:
            raise validation_error("maxItems", max_items,
                                   "Member must have value greater than or equal to 1")
        if max_items > 1000:
            raise validation_error("maxItems", max_items,
                                   "Member must have value less than or equal to 1000")
    size = min(max_items, scenario.page_sizes["iam"])
    account = scenario.accounts.get(ctx.caller["account"]) or {
        "users": [], "groups": [], "roles": [], "policies": []}
    enc = scenario.iam_document_encoding
    names = _policy_names(scenario, account)

    usage = _usage(account)
    # (list tag, entity); only the page's entities are rendered.
    items = []
    if "User" in kinds:
        items += [("U", u) for u in account["users"]]
    if "Group" in kinds:
        items += [("G", g) for g in account["groups"]]
    if "Role" in kinds:
        items += [("R", r) for r in account["roles"]]
    if "LocalManagedPolicy" in kinds:
        items += [("P", x) for x in account["policies"]]
    if "AWSManagedPolicy" in kinds:
        items += [("P", x) for x in _aws_policies_in_use(scenario, account)]
    render = {"U": lambda e: _user(e, names, enc), "G": lambda e: _group(e, names, enc),
              "R": lambda e: _role(e, names, enc), "P": lambda e: _policy(e, usage, enc)}

    context = f"GAAD|{ctx.caller['account']}|{','.join(sorted(kinds))}"
    offset = 0
    if p.get("Marker"):
        offset = paging.read_token(context, p["Marker"])
        if offset is None or offset > len(items):
            raise validation_error("marker", p["Marker"], "Member must be a marker returned by "
                                   "a previous call with the same parameters")
    chunk, nxt = paging.page(items, offset, size)
    result = [("IsTruncated", nxt is not None)]
    if nxt is not None:
        result.append(("Marker", paging.make_token(context, nxt)))
    for tag, name in (("U", "UserDetailList"), ("G", "GroupDetailList"),
                      ("R", "RoleDetailList"), ("P", "Policies")):
        result.append((name, Items([render[t](e) for t, e in chunk if t == tag])))
    return result


OPERATIONS = {"GetAccountAuthorizationDetails": get_account_authorization_details}
