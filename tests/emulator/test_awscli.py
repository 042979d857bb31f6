"""The emulator against Debian's AWS CLI: if the real client parses, paginates and
decodes what the emulator sends into the scenario's values, the wire formats are
real. Expected values come from the raw scenario JSON, not from emulator code.

Runs the CLI calls in parallel (each one costs about a second of start-up).
"""

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from emutest import AKID, BASIC, SECRET, Emulator, check, check_eq, finish  # noqa: E402

AWS = "/usr/bin/aws" if os.path.exists("/usr/bin/aws") else shutil.which("aws")


def doc(value):
    """A scenario document (object or JSON text) as a Python value."""
    return value if isinstance(value, dict) else json.loads(value)


def run_aws(emu, home, args, akid=AKID, secret=SECRET, token=None, region="us-east-1"):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"HOME": home, "AWS_CONFIG_FILE": "/dev/null",
                "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_ACCESS_KEY_ID": akid,
                "AWS_SECRET_ACCESS_KEY": secret, "AWS_DEFAULT_REGION": region,
                "AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": "", "AWS_MAX_ATTEMPTS": "1",
                "AWS_RETRY_MODE": "standard"})
    if token:
        env["AWS_SESSION_TOKEN"] = token
    p = subprocess.run([AWS, "--endpoint-url", emu.url, "--output", "json", *args], env=env,
                       capture_output=True, text=True, timeout=60)
    out = json.loads(p.stdout) if p.returncode == 0 and p.stdout.strip() else None
    return p.returncode, out, p.stderr


def main():
    if AWS is None:
        print("SKIP: no aws CLI")
        sys.exit(77)
    with open(BASIC, encoding="utf-8") as f:
        sc = json.load(f)
    acct = sc["accounts"]["111122223333"]
    org = sc["organization"]
    home = tempfile.mkdtemp(prefix="emu-awscli.")
    try:
        with Emulator() as emu:
            calls = {
                "whoami": (["sts", "get-caller-identity"], {}),
                "gaad": (["iam", "get-account-authorization-details"], {}),
                "roots": (["organizations", "list-roots"], {}),
                "ous": (["organizations", "list-organizational-units-for-parent",
                         "--parent-id", "r-a1b2"], {}),
                "accts": (["organizations", "list-accounts-for-parent",
                           "--parent-id", "ou-a1b2-prd00004"], {}),
                "scps": (["organizations", "list-policies", "--filter",
                          "SERVICE_CONTROL_POLICY"], {}),
                "rcps": (["organizations", "list-policies", "--filter",
                          "RESOURCE_CONTROL_POLICY"], {}),
                "desc": (["organizations", "describe-policy", "--policy-id", "p-scp0guard1"], {}),
                "targets": (["organizations", "list-targets-for-policy", "--policy-id",
                             "p-FullAWSAccess"], {}),
                "vpce_eu": (["ec2", "describe-vpc-endpoints"], {"region": "eu-west-1"}),
                "vpce_us": (["ec2", "describe-vpc-endpoints"], {"region": "us-east-1"}),
                "assume": (["sts", "assume-role", "--role-arn",
                            "arn:aws:iam::444455556666:role/AuditRole", "--role-session-name",
                            "cli-audit", "--external-id", "audit+2024/q1",
                            "--duration-seconds", "900"], {}),
                "assume_noext": (["sts", "assume-role", "--role-arn",
                                  "arn:aws:iam::444455556666:role/AuditRole",
                                  "--role-session-name", "cli-audit"], {}),
                "badsecret": (["sts", "get-caller-identity"], {"secret": SECRET[:-1] + "X"}),
            }
            with ThreadPoolExecutor(max_workers=4) as pool:
                futs = {k: pool.submit(run_aws, emu, home, a, **kw) for k, (a, kw) in calls.items()}
                res = {k: f.result() for k, f in futs.items()}
            for k, (rc, _, err) in res.items():
                if k not in ("assume_noext", "badsecret"):
                    check(rc == 0, f"aws {' '.join(calls[k][0][:2])} ({k}) succeeds"
                          + ("" if rc == 0 else f": {err.strip()[-300:]}"))

            # sts get-caller-identity
            who = res["whoami"][1] or {}
            check_eq(who, {"UserId": "AIDAEXAMPLEAUDITOR001", "Account": "111122223333",
                           "Arn": "arn:aws:iam::111122223333:user/auditor"},
                     "get-caller-identity names the scenario's auditor")

            # iam get-account-authorization-details: the CLI must have assembled all pages
            g = res["gaad"][1] or {}
            users = {u["UserName"]: u for u in g.get("UserDetailList", [])}
            groups = {x["GroupName"]: x for x in g.get("GroupDetailList", [])}
            roles = {r["RoleName"]: r for r in g.get("RoleDetailList", [])}
            pols = {p["Arn"]: p for p in g.get("Policies", [])}
            check_eq(sorted(users), sorted(u["name"] for u in acct["iam"]["users"]), "all users")
            check_eq(sorted(groups), sorted(x["name"] for x in acct["iam"]["groups"]), "all groups")
            check_eq(sorted(roles), sorted(r["name"] for r in acct["iam"]["roles"]), "all roles")
            used = set()
            for e in acct["iam"]["users"] + acct["iam"]["groups"] + acct["iam"]["roles"]:
                used.update(e.get("attached_policies", []))
                if e.get("permissions_boundary"):
                    used.add(e["permissions_boundary"])
            want_pols = {f"arn:aws:iam::111122223333:policy{p.get('path', '/')}{p['name']}"
                         for p in acct["iam"]["policies"]}
            want_pols |= {f"arn:aws:iam::aws:policy{p.get('path', '/')}{p['name']}"
                          for p in sc["aws_managed_policies"]} & used
            check_eq(sorted(pols), sorted(want_pols), "local and in-use AWS managed policies")
            total = len(users) + len(groups) + len(roles) + len(pols)
            pages = [r for r in emu.requests() if r["operation"] == "GetAccountAuthorizationDetails"]
            check_eq(len(pages), math.ceil(total / sc["page_sizes"]["iam"]),
                     f"the CLI followed every Marker ({total} entities, page size "
                     f"{sc['page_sizes']['iam']})")
            check(all(r["params"].get("Marker", "").startswith("+/+/") for r in pages[1:]),
                  "markers with + / = came back intact through form encoding")
            for u in acct["iam"]["users"]:
                got = users.get(u["name"], {})
                for pname, pdoc in u.get("inline_policies", {}).items():
                    d = next((p["PolicyDocument"] for p in got.get("UserPolicyList", [])
                              if p["PolicyName"] == pname), None)
                    check_eq(d, doc(pdoc), f"user {u['name']} inline {pname} decoded")
                check_eq(got.get("GroupList", []), u.get("groups", []), f"user {u['name']} groups")
                check_eq({t["Key"]: t["Value"] for t in got.get("Tags", [])}, u.get("tags", {}),
                         f"user {u['name']} tags (XML-escaped & survives)")
                check_eq((got.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn"),
                         u.get("permissions_boundary"), f"user {u['name']} boundary")
            for x in acct["iam"]["groups"]:
                got = groups.get(x["name"], {})
                for pname, pdoc in x.get("inline_policies", {}).items():
                    d = next((p["PolicyDocument"] for p in got.get("GroupPolicyList", [])
                              if p["PolicyName"] == pname), None)
                    check_eq(d, doc(pdoc), f"group {x['name']} inline {pname} decoded")
            for r in acct["iam"]["roles"]:
                got = roles.get(r["name"], {})
                check_eq(got.get("AssumeRolePolicyDocument"), doc(r["trust_policy"]),
                         f"role {r['name']} trust policy decoded")
                check_eq(got.get("Arn"), f"arn:aws:iam::111122223333:role{r.get('path', '/')}"
                         f"{r['name']}", f"role {r['name']} ARN with path")
                check_eq(sorted(p["PolicyArn"] for p in got.get("AttachedManagedPolicies", [])),
                         sorted(r.get("attached_policies", [])), f"role {r['name']} attachments")
                for pname, pdoc in r.get("inline_policies", {}).items():
                    d = next((p["PolicyDocument"] for p in got.get("RolePolicyList", [])
                              if p["PolicyName"] == pname), None)
                    check_eq(d, doc(pdoc), f"role {r['name']} inline {pname} decoded "
                             "(& < > space in a resource)")
                lu = r.get("last_used")
                if lu:
                    check(got.get("RoleLastUsed", {}).get("Region") == lu["region"]
                          and got["RoleLastUsed"].get("LastUsedDate", "").startswith(lu["date"][:19]),
                          f"role {r['name']} RoleLastUsed")
                else:
                    check_eq(got.get("RoleLastUsed"), {}, f"role {r['name']} empty RoleLastUsed")
                ips = got.get("InstanceProfileList", [])
                check_eq([i["InstanceProfileName"] for i in ips],
                         [i["name"] for i in r.get("instance_profiles", [])],
                         f"role {r['name']} instance profiles")
                for i in ips:
                    check_eq([x["RoleName"] for x in i.get("Roles", [])], [r["name"]],
                             f"instance profile {i['InstanceProfileName']} lists its role")
            for p in acct["iam"]["policies"]:
                got = pols.get(f"arn:aws:iam::111122223333:policy{p.get('path', '/')}{p['name']}", {})
                versions = p.get("versions") or [{"id": "v1", "document": p["document"],
                                                  "default": True}]
                want = {v.get("id"): (doc(v["document"]), bool(v.get("default")))
                        for v in versions}
                have = {v["VersionId"]: (v["Document"], v["IsDefaultVersion"])
                        for v in got.get("PolicyVersionList", [])}
                check_eq(have, want, f"policy {p['name']} versions, documents, default flag")
                check_eq(got.get("Description"), p.get("description"),
                         f"policy {p['name']} description (UTF-8, &)")
            boundary = pols.get("arn:aws:iam::111122223333:policy/DeveloperBoundary", {})
            check_eq(boundary.get("PermissionsBoundaryUsageCount"),
                     sum(1 for e in acct["iam"]["users"] + acct["iam"]["roles"]
                         if e.get("permissions_boundary") == boundary.get("Arn")),
                     "boundary usage count")
            admin = pols.get("arn:aws:iam::aws:policy/AdministratorAccess", {})
            check_eq(admin.get("AttachmentCount"), 3, "AdministratorAccess attachment count")

            # organizations
            roots = (res["roots"][1] or {}).get("Roots", [])
            check_eq([(r["Id"], [t["Type"] for t in r["PolicyTypes"]]) for r in roots],
                     [("r-a1b2", [t["type"] for t in org["root"]["policy_types"]])],
                     "list-roots with RESOURCE_CONTROL_POLICY among the policy types")
            check_eq([o["Id"] for o in (res["ous"][1] or {}).get("OrganizationalUnits", [])],
                     [o["id"] for o in org["ous"] if o.get("parent", "r-a1b2") == "r-a1b2"],
                     "list-organizational-units-for-parent across pages")
            accts = (res["accts"][1] or {}).get("Accounts", [])
            check_eq([(a["Id"], a["Email"]) for a in accts],
                     [(a["id"], a["email"]) for a in org["accounts"]
                      if a.get("parent") == "ou-a1b2-prd00004"], "list-accounts-for-parent")
            check(all(isinstance(a.get("JoinedTimestamp"), str) for a in accts),
                  "JoinedTimestamp (epoch number) parsed as a timestamp by the CLI")
            for key, ptype in (("scps", "SERVICE_CONTROL_POLICY"), ("rcps", "RESOURCE_CONTROL_POLICY")):
                check_eq([(p["Id"], p["AwsManaged"]) for p in (res[key][1] or {}).get("Policies", [])],
                         [(p["id"], p.get("aws_managed", False)) for p in org["policies"]
                          if p["type"] == ptype], f"list-policies --filter {ptype}")
            dp = (res["desc"][1] or {}).get("Policy", {})
            want = next(p for p in org["policies"] if p["id"] == "p-scp0guard1")
            check(isinstance(dp.get("Content"), str), "describe-policy Content is a JSON string")
            check_eq(json.loads(dp.get("Content", "null")), doc(want["content"]),
                     "describe-policy Content parses to the SCP")
            check_eq(dp.get("PolicySummary", {}).get("Name"), want["name"], "describe-policy name")
            fa = next(p for p in org["policies"] if p["id"] == "p-FullAWSAccess")
            tg = (res["targets"][1] or {}).get("Targets", [])
            check_eq([t["TargetId"] for t in tg], fa["targets"],
                     f"list-targets-for-policy: all {len(fa['targets'])} targets across pages")
            check_eq({t["Type"] for t in tg}, {"ROOT", "ORGANIZATIONAL_UNIT", "ACCOUNT"},
                     "target types")

            # ec2
            for key, region in (("vpce_eu", "eu-west-1"), ("vpce_us", "us-east-1")):
                eps = (res[key][1] or {}).get("VpcEndpoints", [])
                want = acct["vpc_endpoints"][region]
                check_eq([e["VpcEndpointId"] for e in eps], [e["id"] for e in want],
                         f"describe-vpc-endpoints in {region} (all pages)")
                for e, w in zip(eps, want):
                    check_eq(json.loads(e.get("PolicyDocument", "null")), doc(w["policy"]),
                             f"{w['id']} policy document")
                    check_eq(e.get("State"), w.get("state", "available"), f"{w['id']} state")
            eu = (res["vpce_eu"][1] or {}).get("VpcEndpoints", [])
            check_eq([t for e in eu for t in e.get("Tags", [])],
                     [{"Key": "Name", "Value": "s3-gateway & logging"}], "EC2 tags (escaped &)")
            check_eq([g["GroupName"] for e in eu for g in e.get("Groups", [])],
                     ["vpce-sts", "default"], "EC2 security groups")

            # sts assume-role and using the issued credentials
            ar = res["assume"][1] or {}
            creds = ar.get("Credentials", {})
            check(creds.get("AccessKeyId", "").startswith("ASIA") and creds.get("SessionToken"),
                  "assume-role issued an ASIA key with a session token")
            check_eq(ar.get("AssumedRoleUser", {}).get("Arn"),
                     "arn:aws:sts::444455556666:assumed-role/AuditRole/cli-audit",
                     "assumed-role ARN")
            rc, who2, err = run_aws(emu, home, ["sts", "get-caller-identity"],
                                    akid=creds.get("AccessKeyId", "x"),
                                    secret=creds.get("SecretAccessKey", "x"),
                                    token=creds.get("SessionToken"))
            check_eq((rc, (who2 or {}).get("Arn"), (who2 or {}).get("UserId")),
                     (0, "arn:aws:sts::444455556666:assumed-role/AuditRole/cli-audit",
                      "AROAEXAMPLEAUDIT00001:cli-audit"),
                     "the issued credentials work as the role session" + (f": {err}" if rc else ""))
            rc, _, err = res["assume_noext"]
            check(rc != 0 and "AccessDenied" in err, "assume-role without the ExternalId: AccessDenied")

            rc, _, err = res["badsecret"]
            check(rc != 0 and "SignatureDoesNotMatch" in err,
                  "a wrong secret gets SignatureDoesNotMatch through the CLI")

            log = emu.requests()
            bad = [r for r in log if not r["signature_valid"]]
            check_eq(len(bad), 1, "exactly one request (the wrong secret) has signature_valid=false")
            check(all(r["status"] == 200 for r in log if r["signature_valid"]
                      and r["error_code"] is None), "every valid request answered 200")
            check(len(log) >= len(calls) + 1, f"{len(log)} requests recorded")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    finish()


if __name__ == "__main__":
    main()
