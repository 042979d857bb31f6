"""Scenario loading and validation (format documented in ../README.md).

A scenario is checked completely on load: every error names the JSON path
(`$.accounts.111122223333.iam.roles[2].trust_policy`), so a broken test
fixture fails with a sentence rather than a KeyError mid-request. The result
is a read-only model with defaults filled in and indexes for lookups;
replacing the scenario swaps the whole object.
"""

import hashlib
import base64
import json
import re
from datetime import datetime, timezone

ACCOUNT_RE = re.compile(r"^[0-9]{12}$")
ARN_RE = re.compile(r"^arn:(aws|aws-cn|aws-us-gov):(iam|sts)::([0-9]{12}):(.+)$")
GAAD_KINDS = ("User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy")
ORG_POLICY_TYPES = ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY",
                    "TAG_POLICY", "BACKUP_POLICY", "AISERVICES_OPT_OUT_POLICY")
DEFAULT_DATE = "2024-01-01T00:00:00Z"


class ScenarioError(Exception):
    """A scenario that cannot be used; the message names file and JSON path."""


def _fail(path, msg):
    raise ScenarioError(f"{path}: {msg}")


def _type_name(t):
    return {str: "a string", int: "an integer", bool: "true or false",
            dict: "an object", list: "an array"}.get(t, t.__name__)


def _get(obj, key, path, typ, default=None, required=False):
    """obj[key] checked against `typ` (a type or tuple of types)."""
    if key not in obj or obj[key] is None:
        if required:
            _fail(path, f"missing required member '{key}'")
        return default
    value = obj[key]
    types = typ if isinstance(typ, tuple) else (typ,)
    # bool is an int in Python; a count given as true is a fixture bug.
    if isinstance(value, bool) and bool not in types:
        _fail(f"{path}.{key}", f"expected {' or '.join(_type_name(t) for t in types)}")
    if not isinstance(value, types):
        _fail(f"{path}.{key}", f"expected {' or '.join(_type_name(t) for t in types)}")
    return value


def _check_keys(obj, path, allowed):
    for k in obj:
        if k not in allowed:
            _fail(path, f"unknown member '{k}' (allowed: {', '.join(sorted(allowed))})")


def _obj(value, path):
    if not isinstance(value, dict):
        _fail(path, "expected an object")
    return value


def _timestamp(obj, key, path, default=DEFAULT_DATE):
    value = _get(obj, key, path, str, default)
    if value is None:
        return None
    try:
        parse_time(value)
    except ValueError:
        _fail(f"{path}.{key}", f"'{value}' is not an ISO 8601 UTC time like 2024-05-20T08:15:30Z")
    return value


def parse_time(text):
    """ISO 8601 UTC ('Z' or +00:00, optional fraction) -> aware datetime."""
    t = text.strip()
    if t.endswith("Z"):
        t = t[:-1] + "+00:00"
    dt = datetime.fromisoformat(t)
    if dt.tzinfo is None:
        raise ValueError("no time zone")
    return dt.astimezone(timezone.utc)


def generated_id(prefix, seed):
    """A stable AWS-looking unique id (AIDA..., AROA...) for entities without one."""
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return prefix + base64.b32encode(digest).decode("ascii")[:17]


def _document(obj, key, path, required=False):
    """A policy document: a JSON object (serialised by the emulator) or a string sent verbatim."""
    value = _get(obj, key, path, (dict, str), required=required)
    if isinstance(value, dict):
        # Pretty-printed like a console upload: exercises %0A/%20 decoding.
        return json.dumps(value, indent=4, ensure_ascii=False)
    return value


def _inline_policies(obj, path):
    pols = _get(obj, "inline_policies", path, dict, {})
    out = []
    for name, doc in pols.items():
        out.append({"name": name, "document": _document(pols, name, f"{path}.inline_policies", True)})
    return out


def _string_list(obj, key, path):
    values = _get(obj, key, path, list, [])
    for i, v in enumerate(values):
        if not isinstance(v, str):
            _fail(f"{path}.{key}[{i}]", "expected a string")
    return list(values)


def _tags(obj, path):
    tags = _get(obj, "tags", path, dict, {})
    for k, v in tags.items():
        if not isinstance(v, str):
            _fail(f"{path}.tags.{k}", "expected a string")
    return dict(tags)


def _iam_path(obj, path):
    p = _get(obj, "path", path, str, "/")
    if not (p.startswith("/") and p.endswith("/")):
        _fail(f"{path}.path", f"'{p}' must begin and end with '/'")
    return p


def _deny(obj, path):
    """Actions the emulator refuses for this principal, with the reason clause."""
    deny = _get(obj, "deny", path, dict, {})
    for action, reason in deny.items():
        if not isinstance(reason, str):
            _fail(f"{path}.deny.{action}", "expected a string (the reason, e.g. 'with an explicit deny in a service control policy')")
    return dict(deny)


class Scenario:
    """A validated scenario. Attributes are plain dicts/lists; treat as read-only."""

    def __init__(self, data, source="scenario"):
        self.source = source
        root = "$"
        try:
            self._load(_obj(data, root))
        except ScenarioError as e:
            raise ScenarioError(f"{source}: {e}") from None

    # -- top level -------------------------------------------------------
    def _load(self, d):
        _check_keys(d, "$", {"description", "partition", "page_sizes", "iam_document_encoding",
                             "accounts", "aws_managed_policies", "credentials", "organization"})
        self.description = _get(d, "description", "$", str, "")
        self.partition = _get(d, "partition", "$", str, "aws")
        if self.partition not in ("aws", "aws-cn", "aws-us-gov"):
            _fail("$.partition", f"unknown partition '{self.partition}'")
        ps = _get(d, "page_sizes", "$", dict, {})
        _check_keys(ps, "$.page_sizes", {"iam", "organizations", "ec2"})
        self.page_sizes = {}
        for svc, default in (("iam", 100), ("organizations", 20), ("ec2", 1000)):
            n = _get(ps, svc, "$.page_sizes", int, default)
            if n < 1:
                _fail(f"$.page_sizes.{svc}", "must be at least 1")
            self.page_sizes[svc] = n
        enc = _get(d, "iam_document_encoding", "$", str, "rfc3986")
        if enc not in ("rfc3986", "rfc3986-literal-star", "none"):
            _fail("$.iam_document_encoding",
                  f"'{enc}' is not 'rfc3986', 'rfc3986-literal-star' or 'none'")
        self.iam_document_encoding = enc

        self.aws_managed_policies = {}
        for i, p in enumerate(_get(d, "aws_managed_policies", "$", list, [])):
            pol = self._managed_policy(_obj(p, f"$.aws_managed_policies[{i}]"),
                                       f"$.aws_managed_policies[{i}]", "aws")
            if pol["arn"] in self.aws_managed_policies:
                _fail(f"$.aws_managed_policies[{i}]", f"duplicate policy {pol['arn']}")
            self.aws_managed_policies[pol["arn"]] = pol

        self.accounts = {}
        accounts = _get(d, "accounts", "$", dict, required=True)
        for acct, body in accounts.items():
            path = f"$.accounts.{acct}"
            if not ACCOUNT_RE.match(acct):
                _fail(path, "account ids are 12 digits")
            self.accounts[acct] = self._account(acct, _obj(body, path), path)

        self.credentials = {}
        creds = _get(d, "credentials", "$", list, required=True)
        for i, c in enumerate(creds):
            cred = self._credential(_obj(c, f"$.credentials[{i}]"), f"$.credentials[{i}]")
            if cred["access_key_id"] in self.credentials:
                _fail(f"$.credentials[{i}].access_key_id", "duplicate access key id")
            self.credentials[cred["access_key_id"]] = cred

        org = _get(d, "organization", "$", dict)
        self.organization = self._organization(org, "$.organization") if org is not None else None

    def arn(self, service, account, resource):
        return f"arn:{self.partition}:{service}::{account}:{resource}"

    # -- IAM ---------------------------------------------------------------
    def _managed_policy(self, p, path, owner):
        _check_keys(p, path, {"name", "path", "id", "description", "create_date", "update_date",
                              "is_attachable", "document", "versions"})
        name = _get(p, "name", path, str, required=True)
        ppath = _iam_path(p, path)
        arn = self.arn("iam", owner, f"policy{ppath}{name}")
        versions = []
        if "versions" in p:
            if "document" in p:
                _fail(path, "give either 'document' or 'versions', not both")
            vlist = _get(p, "versions", path, list, required=True)
            if not vlist:
                _fail(f"{path}.versions", "needs at least one version")
            for i, v in enumerate(vlist):
                vp = f"{path}.versions[{i}]"
                _obj(v, vp)
                _check_keys(v, vp, {"id", "document", "create_date", "default"})
                versions.append({
                    "id": _get(v, "id", vp, str, f"v{i + 1}"),
                    "document": _document(v, "document", vp, True),
                    "create_date": _timestamp(v, "create_date", vp),
                    "default": _get(v, "default", vp, bool, False),
                })
            defaults = [v for v in versions if v["default"]]
            if len(defaults) > 1:
                _fail(f"{path}.versions", "more than one version has \"default\": true")
            if not defaults:
                versions[0]["default"] = True
        else:
            versions.append({"id": "v1", "document": _document(p, "document", path, True),
                             "create_date": _timestamp(p, "create_date", path), "default": True})
        default_id = next(v["id"] for v in versions if v["default"])
        return {
            "name": name, "path": ppath, "arn": arn,
            "id": _get(p, "id", path, str, generated_id("ANPA", arn)),
            "description": _get(p, "description", path, str),
            "create_date": _timestamp(p, "create_date", path),
            "update_date": _timestamp(p, "update_date", path,
                                      max(v["create_date"] for v in versions)),
            "is_attachable": _get(p, "is_attachable", path, bool, True),
            "default_version": default_id,
            "versions": versions,
            "aws_managed": owner == "aws",
        }

    def _account(self, acct, a, path):
        _check_keys(a, path, {"name", "iam", "vpc_endpoints"})
        account = {"id": acct, "name": _get(a, "name", path, str, f"account-{acct}"),
                   "users": [], "groups": [], "roles": [], "policies": [], "vpc_endpoints": {}}
        iam = _get(a, "iam", path, dict, {})
        ipath = f"{path}.iam"
        _check_keys(iam, ipath, {"users", "groups", "roles", "policies"})
        local = {}
        for i, p in enumerate(_get(iam, "policies", ipath, list, [])):
            pol = self._managed_policy(_obj(p, f"{ipath}.policies[{i}]"), f"{ipath}.policies[{i}]", acct)
            if pol["arn"] in local:
                _fail(f"{ipath}.policies[{i}]", f"duplicate policy {pol['arn']}")
            local[pol["arn"]] = pol
        account["policies"] = list(local.values())
        known = dict(self.aws_managed_policies)
        known.update(local)

        def policy_refs(obj, opath):
            arns = _string_list(obj, "attached_policies", opath)
            for j, parn in enumerate(arns):
                if parn not in known:
                    _fail(f"{opath}.attached_policies[{j}]",
                          f"{parn} is neither in this account's iam.policies nor in aws_managed_policies")
            pb = _get(obj, "permissions_boundary", opath, str)
            if pb is not None and pb not in known:
                _fail(f"{opath}.permissions_boundary",
                      f"{pb} is neither in this account's iam.policies nor in aws_managed_policies")
            return arns, pb

        for i, g in enumerate(_get(iam, "groups", ipath, list, [])):
            gp = f"{ipath}.groups[{i}]"
            _obj(g, gp)
            _check_keys(g, gp, {"name", "path", "id", "create_date", "inline_policies", "attached_policies"})
            name = _get(g, "name", gp, str, required=True)
            gpath = _iam_path(g, gp)
            arn = self.arn("iam", acct, f"group{gpath}{name}")
            attached, _ = policy_refs(g, gp)
            if "permissions_boundary" in g:
                _fail(gp, "groups have no permissions boundary")
            account["groups"].append({
                "name": name, "path": gpath, "arn": arn,
                "id": _get(g, "id", gp, str, generated_id("AGPA", arn)),
                "create_date": _timestamp(g, "create_date", gp),
                "inline_policies": _inline_policies(g, gp), "attached_policies": attached})
        group_names = {g["name"] for g in account["groups"]}

        for i, u in enumerate(_get(iam, "users", ipath, list, [])):
            up = f"{ipath}.users[{i}]"
            _obj(u, up)
            _check_keys(u, up, {"name", "path", "id", "create_date", "groups", "inline_policies",
                                "attached_policies", "permissions_boundary", "tags"})
            name = _get(u, "name", up, str, required=True)
            upath = _iam_path(u, up)
            arn = self.arn("iam", acct, f"user{upath}{name}")
            groups = _string_list(u, "groups", up)
            for j, gname in enumerate(groups):
                if gname not in group_names:
                    _fail(f"{up}.groups[{j}]", f"no group '{gname}' in this account")
            attached, pb = policy_refs(u, up)
            account["users"].append({
                "name": name, "path": upath, "arn": arn,
                "id": _get(u, "id", up, str, generated_id("AIDA", arn)),
                "create_date": _timestamp(u, "create_date", up),
                "groups": groups, "inline_policies": _inline_policies(u, up),
                "attached_policies": attached, "permissions_boundary": pb, "tags": _tags(u, up)})

        for i, r in enumerate(_get(iam, "roles", ipath, list, [])):
            rp = f"{ipath}.roles[{i}]"
            _obj(r, rp)
            _check_keys(r, rp, {"name", "path", "id", "create_date", "description", "trust_policy",
                                "inline_policies", "attached_policies", "permissions_boundary", "tags",
                                "instance_profiles", "last_used", "max_session_duration", "deny"})
            name = _get(r, "name", rp, str, required=True)
            rpath = _iam_path(r, rp)
            arn = self.arn("iam", acct, f"role{rpath}{name}")
            attached, pb = policy_refs(r, rp)
            profiles = []
            for j, ip in enumerate(_get(r, "instance_profiles", rp, list, [])):
                pp = f"{rp}.instance_profiles[{j}]"
                _obj(ip, pp)
                _check_keys(ip, pp, {"name", "path", "id", "create_date"})
                pname = _get(ip, "name", pp, str, required=True)
                ppath = _iam_path(ip, pp)
                parn = self.arn("iam", acct, f"instance-profile{ppath}{pname}")
                profiles.append({"name": pname, "path": ppath, "arn": parn,
                                 "id": _get(ip, "id", pp, str, generated_id("AIPA", parn)),
                                 "create_date": _timestamp(ip, "create_date", pp)})
            last = _get(r, "last_used", rp, dict)
            last_used = None
            if last is not None:
                _check_keys(last, f"{rp}.last_used", {"date", "region"})
                last_used = {"date": _timestamp(last, "date", f"{rp}.last_used", None),
                             "region": _get(last, "region", f"{rp}.last_used", str)}
            msd = _get(r, "max_session_duration", rp, int, 3600)
            if not 3600 <= msd <= 43200:
                _fail(f"{rp}.max_session_duration", "must be between 3600 and 43200 seconds")
            account["roles"].append({
                "name": name, "path": rpath, "arn": arn,
                "id": _get(r, "id", rp, str, generated_id("AROA", arn)),
                "create_date": _timestamp(r, "create_date", rp),
                "description": _get(r, "description", rp, str),
                "trust_policy": _document(r, "trust_policy", rp, True),
                "inline_policies": _inline_policies(r, rp), "attached_policies": attached,
                "permissions_boundary": pb, "tags": _tags(r, rp), "instance_profiles": profiles,
                "last_used": last_used, "max_session_duration": msd, "deny": _deny(r, rp)})

        for kind in ("users", "groups", "roles"):
            seen = set()
            for i, e in enumerate(account[kind]):
                if e["name"].lower() in seen:
                    _fail(f"{ipath}.{kind}[{i}].name", f"duplicate name '{e['name']}' (IAM names are case-insensitive)")
                seen.add(e["name"].lower())

        veps = _get(a, "vpc_endpoints", path, dict, {})
        for region, eps in veps.items():
            vp = f"{path}.vpc_endpoints.{region}"
            if not isinstance(eps, list):
                _fail(vp, "expected an array of endpoints")
            account["vpc_endpoints"][region] = [
                self._vpc_endpoint(acct, region, _obj(e, f"{vp}[{i}]"), f"{vp}[{i}]")
                for i, e in enumerate(eps)]
        return account

    # -- EC2 ---------------------------------------------------------------
    def _vpc_endpoint(self, acct, region, e, path):
        _check_keys(e, path, {"id", "type", "vpc_id", "service_name", "state", "policy",
                              "route_table_ids", "subnet_ids", "groups", "private_dns_enabled",
                              "requester_managed", "network_interface_ids", "dns_entries",
                              "creation_timestamp", "tags", "owner_id"})
        etype = _get(e, "type", path, str, "Gateway")
        if etype not in ("Gateway", "Interface", "GatewayLoadBalancer"):
            _fail(f"{path}.type", f"'{etype}' is not Gateway, Interface or GatewayLoadBalancer")
        groups = []
        for i, g in enumerate(_get(e, "groups", path, list, [])):
            gp = f"{path}.groups[{i}]"
            _obj(g, gp)
            _check_keys(g, gp, {"id", "name"})
            groups.append({"id": _get(g, "id", gp, str, required=True),
                           "name": _get(g, "name", gp, str, required=True)})
        dns = []
        for i, g in enumerate(_get(e, "dns_entries", path, list, [])):
            gp = f"{path}.dns_entries[{i}]"
            _obj(g, gp)
            _check_keys(g, gp, {"dns_name", "hosted_zone_id"})
            dns.append({"dns_name": _get(g, "dns_name", gp, str, required=True),
                        "hosted_zone_id": _get(g, "hosted_zone_id", gp, str, required=True)})
        policy = e.get("policy")
        if isinstance(policy, dict):
            policy = json.dumps(policy, indent=2)
        elif policy is not None and not isinstance(policy, str):
            _fail(f"{path}.policy", "expected an object or a string")
        return {
            "id": _get(e, "id", path, str, required=True), "type": etype,
            "vpc_id": _get(e, "vpc_id", path, str, "vpc-0123456789abcdef0"),
            "service_name": _get(e, "service_name", path, str, f"com.amazonaws.{region}.s3"),
            "state": _get(e, "state", path, str, "available"), "policy": policy,
            "route_table_ids": _string_list(e, "route_table_ids", path),
            "subnet_ids": _string_list(e, "subnet_ids", path), "groups": groups,
            "private_dns_enabled": _get(e, "private_dns_enabled", path, bool, etype == "Interface"),
            "requester_managed": _get(e, "requester_managed", path, bool, False),
            "network_interface_ids": _string_list(e, "network_interface_ids", path),
            "dns_entries": dns,
            "creation_timestamp": _timestamp(e, "creation_timestamp", path, "2024-01-01T00:00:00.000Z"),
            "tags": _tags(e, path), "owner_id": _get(e, "owner_id", path, str, acct)}

    # -- credentials -------------------------------------------------------
    def _credential(self, c, path):
        _check_keys(c, path, {"access_key_id", "secret_access_key", "session_token", "expiration",
                              "principal", "user_id", "deny"})
        akid = _get(c, "access_key_id", path, str, required=True)
        principal = _get(c, "principal", path, str, required=True)
        m = ARN_RE.match(principal)
        if not m:
            _fail(f"{path}.principal", f"'{principal}' is not an IAM user, root or sts assumed-role ARN")
        service, account, resource = m.group(2), m.group(3), m.group(4)
        user_id = _get(c, "user_id", path, str)
        kind = None
        role = None
        if service == "iam" and resource == "root":
            kind = "root"
            user_id = user_id or account
        elif service == "iam" and resource.startswith("user/"):
            kind = "user"
            acct = self.accounts.get(account)
            user = next((u for u in acct["users"] if u["arn"] == principal), None) if acct else None
            user_id = user_id or (user["id"] if user else generated_id("AIDA", principal))
        elif service == "sts" and resource.startswith("assumed-role/") and resource.count("/") == 2:
            kind = "assumed-role"
            _, role_name, session = resource.split("/")
            acct = self.accounts.get(account)
            role = next((r for r in acct["roles"] if r["name"] == role_name), None) if acct else None
            role_id = role["id"] if role else generated_id("AROA", f"{account}:{role_name}")
            user_id = user_id or f"{role_id}:{session}"
        else:
            _fail(f"{path}.principal", f"'{principal}' is not an IAM user, root or sts assumed-role ARN")
        token = _get(c, "session_token", path, str)
        expiration = _timestamp(c, "expiration", path, None)
        if expiration is not None and token is None:
            _fail(f"{path}.expiration", "only temporary credentials (with a session_token) expire")
        deny = _deny(c, path)
        if role is not None:
            deny = {**role["deny"], **deny}
        return {"access_key_id": akid,
                "secret_access_key": _get(c, "secret_access_key", path, str, required=True),
                "session_token": token,
                "expiration": parse_time(expiration) if expiration else None,
                "arn": principal, "account": account, "user_id": user_id, "kind": kind,
                "deny": deny}

    # -- Organizations -----------------------------------------------------
    def _organization(self, o, path):
        _check_keys(o, path, {"id", "feature_set", "management_account", "management_email",
                              "delegated_admins", "root", "ous", "accounts", "policies"})
        oid = _get(o, "id", path, str, required=True)
        if not re.match(r"^o-[a-z0-9]{10,32}$", oid):
            _fail(f"{path}.id", f"'{oid}' is not an organization id like o-a1b2c3d4e5")
        mgmt = _get(o, "management_account", path, str, required=True)
        org = {"id": oid, "feature_set": _get(o, "feature_set", path, str, "ALL"),
               "management_account": mgmt,
               "delegated_admins": _string_list(o, "delegated_admins", path),
               "ous": [], "accounts": [], "policies": []}
        org["arn"] = f"arn:{self.partition}:organizations::{mgmt}:organization/{oid}"
        rt = _get(o, "root", path, dict, {})
        rp = f"{path}.root"
        _check_keys(rt, rp, {"id", "name", "policy_types"})
        ptypes = []
        for i, t in enumerate(_get(rt, "policy_types", rp, list,
                                   [{"type": "SERVICE_CONTROL_POLICY", "status": "ENABLED"},
                                    {"type": "RESOURCE_CONTROL_POLICY", "status": "ENABLED"}])):
            tp = f"{rp}.policy_types[{i}]"
            _obj(t, tp)
            _check_keys(t, tp, {"type", "status"})
            ty = _get(t, "type", tp, str, required=True)
            if ty not in ORG_POLICY_TYPES:
                _fail(f"{tp}.type", f"'{ty}' is not one of {', '.join(ORG_POLICY_TYPES)}")
            st = _get(t, "status", tp, str, "ENABLED")
            if st not in ("ENABLED", "PENDING_ENABLE", "PENDING_DISABLE"):
                _fail(f"{tp}.status", f"'{st}' is not ENABLED, PENDING_ENABLE or PENDING_DISABLE")
            ptypes.append({"Type": ty, "Status": st})
        rid = _get(rt, "id", rp, str, "r-" + oid[2:6])
        org["root"] = {"id": rid, "name": _get(rt, "name", rp, str, "Root"), "policy_types": ptypes,
                       "arn": f"arn:{self.partition}:organizations::{mgmt}:root/{oid}/{rid}"}
        nodes = {rid: ("ROOT", org["root"])}

        ous = _get(o, "ous", path, list, [])
        for i, u in enumerate(ous):
            up = f"{path}.ous[{i}]"
            _obj(u, up)
            _check_keys(u, up, {"id", "name", "parent"})
            ouid = _get(u, "id", up, str, required=True)
            if not ouid.startswith("ou-"):
                _fail(f"{up}.id", f"'{ouid}' is not an OU id like ou-a1b2-sec00001")
            if ouid in nodes:
                _fail(f"{up}.id", f"duplicate id '{ouid}'")
            ou = {"id": ouid, "name": _get(u, "name", up, str, required=True),
                  "parent": _get(u, "parent", up, str, rid),
                  "arn": f"arn:{self.partition}:organizations::{mgmt}:ou/{oid}/{ouid}"}
            nodes[ouid] = ("ORGANIZATIONAL_UNIT", ou)
            org["ous"].append(ou)
        for i, ou in enumerate(org["ous"]):
            if ou["parent"] not in nodes or nodes[ou["parent"]][0] == "ACCOUNT":
                _fail(f"{path}.ous[{i}].parent", f"no root or OU '{ou['parent']}'")
        # A parent chain that loops would hang every ListParents walk.
        for i, ou in enumerate(org["ous"]):
            seen, cur = set(), ou["id"]
            while cur != rid:
                if cur in seen:
                    _fail(f"{path}.ous[{i}].parent", "the OU parents form a cycle")
                seen.add(cur)
                cur = nodes[cur][1]["parent"]

        accts = _get(o, "accounts", path, list, required=True)
        for i, a in enumerate(accts):
            ap = f"{path}.accounts[{i}]"
            _obj(a, ap)
            _check_keys(a, ap, {"id", "name", "email", "status", "state", "joined_method",
                                "joined_timestamp", "parent"})
            aid = _get(a, "id", ap, str, required=True)
            if not ACCOUNT_RE.match(aid):
                _fail(f"{ap}.id", "account ids are 12 digits")
            if aid in nodes:
                _fail(f"{ap}.id", f"duplicate id '{aid}'")
            status = _get(a, "status", ap, str, "ACTIVE")
            parent = _get(a, "parent", ap, str, rid)
            if parent not in nodes or nodes[parent][0] == "ACCOUNT":
                _fail(f"{ap}.parent", f"no root or OU '{parent}'")
            acc = {"id": aid,
                   "name": _get(a, "name", ap, str,
                                self.accounts[aid]["name"] if aid in self.accounts else f"account-{aid}"),
                   "email": _get(a, "email", ap, str, f"aws+{aid}@example.com"),
                   "status": status, "state": _get(a, "state", ap, str, status),
                   "joined_method": _get(a, "joined_method", ap, str, "CREATED"),
                   "joined_timestamp": _get(a, "joined_timestamp", ap, (int, float), 1704067200.0),
                   "parent": parent,
                   "arn": f"arn:{self.partition}:organizations::{mgmt}:account/{oid}/{aid}"}
            nodes[aid] = ("ACCOUNT", acc)
            org["accounts"].append(acc)
        if mgmt not in nodes or nodes[mgmt][0] != "ACCOUNT":
            _fail(f"{path}.management_account", f"{mgmt} is not among the organization's accounts")
        for i, d in enumerate(org["delegated_admins"]):
            if d not in nodes or nodes[d][0] != "ACCOUNT":
                _fail(f"{path}.delegated_admins[{i}]", f"{d} is not among the organization's accounts")
        org["management_email"] = _get(o, "management_email", path, str, nodes[mgmt][1]["email"])

        for i, p in enumerate(_get(o, "policies", path, list, [])):
            pp = f"{path}.policies[{i}]"
            _obj(p, pp)
            _check_keys(p, pp, {"id", "name", "description", "type", "aws_managed", "content", "targets"})
            pid = _get(p, "id", pp, str, required=True)
            if not pid.startswith("p-"):
                _fail(f"{pp}.id", f"'{pid}' is not a policy id like p-FullAWSAccess")
            if any(x["id"] == pid for x in org["policies"]):
                _fail(f"{pp}.id", f"duplicate policy id '{pid}'")
            ptype = _get(p, "type", pp, str, "SERVICE_CONTROL_POLICY")
            if ptype not in ORG_POLICY_TYPES:
                _fail(f"{pp}.type", f"'{ptype}' is not one of {', '.join(ORG_POLICY_TYPES)}")
            aws_managed = _get(p, "aws_managed", pp, bool, False)
            content = _get(p, "content", pp, (dict, str), required=True)
            if isinstance(content, dict):
                content = json.dumps(content, indent=2)
            targets = _string_list(p, "targets", pp)
            for j, t in enumerate(targets):
                if t not in nodes:
                    _fail(f"{pp}.targets[{j}]", f"no root, OU or account '{t}'")
            low = ptype.lower()
            arn = (f"arn:{self.partition}:organizations::aws:policy/{low}/{pid}" if aws_managed else
                   f"arn:{self.partition}:organizations::{mgmt}:policy/{oid}/{low}/{pid}")
            org["policies"].append({"id": pid, "arn": arn, "type": ptype, "aws_managed": aws_managed,
                                    "name": _get(p, "name", pp, str, required=True),
                                    "description": _get(p, "description", pp, str, ""),
                                    "content": content, "targets": targets})
        org["nodes"] = nodes
        return org


def load_file(path):
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise ScenarioError(f"{path}: cannot read: {e.strerror}") from None
    return load_bytes(raw, path)


def load_bytes(raw, source):
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ScenarioError(f"{source}: not UTF-8") from None
    except json.JSONDecodeError as e:
        raise ScenarioError(f"{source}:{e.lineno}:{e.colno}: invalid JSON: {e.msg}") from None
    return Scenario(data, source)
