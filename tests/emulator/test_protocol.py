"""The emulator's protocol behaviour through botocore and signed raw requests:
authentication errors per protocol, AssumeRole rules and issued sessions,
Organizations access and pagination errors, IAM filters/paging/encoding, EC2
regions and filters, response shapes compared element by element with the
reference samples, HTTPS, --latency-ms, STS JSON, and scenario validation."""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from emutest import (AKID, BASIC, SCENARIOS, SECRET, Emulator, amz_date, check,  # noqa: E402
                     check_eq, client, finish, signed_request)

import botocore.exceptions  # noqa: E402

SHAPES = os.path.join(SCENARIOS, "aws-shapes")
STS_BODY = b"Action=GetCallerIdentity&Version=2011-06-15"
GAAD = b"Action=GetAccountAuthorizationDetails&Version=2010-05-08"
ORG_HDRS = {"X-Amz-Target": "AWSOrganizationsV20161128.ListRoots",
            "Content-Type": "application/x-amz-json-1.1"}
EXPIRED = ("ASIAEXPIREDEXAMPLE", "expiredSecretKeyEXAMPLEEXAMPLEEXAMPLE12",
           "FwoGZXIvYXdzEXPIREDEXAMPLETOKEN")


def code_of(service, body):
    if service == "organizations":
        return json.loads(body)["__type"]
    root = ET.fromstring(body)
    el = root.find(".//{*}Code")
    return (el if el is not None else root.find(".//Code")).text


def message_of(service, body):
    if service == "organizations":
        obj = json.loads(body)
        return obj.get("Message", obj.get("message"))
    root = ET.fromstring(body)
    el = root.find(".//{*}Message")
    return (el if el is not None else root.find(".//Message")).text


def call_error(fn, **kw):
    """(code, message, HTTP status) of a botocore ClientError, or None if it succeeded."""
    try:
        fn(**kw)
    except botocore.exceptions.ClientError as e:
        return (e.response["Error"]["Code"], e.response["Error"]["Message"],
                e.response["ResponseMetadata"]["HTTPStatusCode"])
    return None


def load_scenario():
    with open(BASIC, encoding="utf-8") as f:
        return json.load(f)


# -- authentication ---------------------------------------------------------
def test_auth(emu):
    cases = [("sts", STS_BODY, {}, "us-east-1"), ("iam", GAAD, {}, "us-east-1"),
             ("organizations", b"{}", ORG_HDRS, "us-east-1"),
             ("ec2", b"Action=DescribeVpcEndpoints&Version=2016-11-15", {}, "eu-west-1")]
    want = {  # unknown key, bad signature, skew, expired session
        "sts": [(403, "InvalidClientTokenId"), (403, "SignatureDoesNotMatch"),
                (403, "SignatureDoesNotMatch"), (400, "ExpiredToken")],
        "iam": [(403, "InvalidClientTokenId"), (403, "SignatureDoesNotMatch"),
                (403, "SignatureDoesNotMatch"), (403, "ExpiredToken")],
        "organizations": [(400, "UnrecognizedClientException"), (400, "InvalidSignatureException"),
                          (400, "InvalidSignatureException"), (400, "ExpiredTokenException")],
        "ec2": [(401, "AuthFailure"), (401, "AuthFailure"), (400, "RequestExpired"),
                (400, "RequestExpired")],
    }
    for service, body, hdrs, region in cases:
        ok = signed_request(emu, service, body, region=region, headers=hdrs)
        check_eq(ok[0], 200, f"{service}: a correctly signed request succeeds")
        got = []
        st, _, b = signed_request(emu, service, body, region=region, headers=hdrs, akid="AKIDNOSUCHKEY")
        got.append((st, code_of(service, b)))
        st, _, b = signed_request(emu, service, body, region=region, headers=hdrs,
                                  secret=SECRET.replace("K", "k"))
        got.append((st, code_of(service, b)))
        st, _, b = signed_request(emu, service, body, region=region, headers=hdrs,
                                  amz_date=amz_date(-16 * 60))
        got.append((st, code_of(service, b)))
        skew_msg = message_of(service, b)
        st, _, b = signed_request(emu, service, body, region=region, headers=hdrs,
                                  akid=EXPIRED[0], secret=EXPIRED[1], token=EXPIRED[2])
        got.append((st, code_of(service, b)))
        check_eq(got, want[service], f"{service}: unknown key, bad signature, skew, expired token")
        if service != "ec2":
            check(skew_msg.startswith("Signature expired: ") and "- 15 min.)" in skew_msg,
                  f"{service}: skew message: {skew_msg}")
    st, _, b = signed_request(emu, "sts", STS_BODY, amz_date=amz_date(16 * 60))
    check("not yet current" in message_of("sts", b), "a date 16 min ahead: not yet current")
    st, _, _ = signed_request(emu, "sts", STS_BODY, amz_date=amz_date(-10 * 60))
    check_eq(st, 200, "10 min of skew is accepted")
    st, _, b = signed_request(emu, "sts", STS_BODY, akid=EXPIRED[0], secret=EXPIRED[1])
    check_eq((st, code_of("sts", b)), (403, "InvalidClientTokenId"),
             "a session key without its token: InvalidClientTokenId")
    st, _, b = signed_request(emu, "sts", STS_BODY, token="stray-token")
    check_eq((st, code_of("sts", b)), (403, "InvalidClientTokenId"),
             "a long-term key with a token: InvalidClientTokenId")

    # Tampering after signing: body, a signed header, the claimed payload hash.
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials

    def send(mutate):
        req = botocore.awsrequest.AWSRequest(
            method="POST", url=f"http://127.0.0.1:{emu.port}/", data=STS_BODY,
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                     "X-Amz-Content-SHA256": __import__("hashlib").sha256(STS_BODY).hexdigest()})
        botocore.auth.SigV4Auth(botocore.credentials.Credentials(AKID, SECRET), "sts",
                                "us-east-1").add_auth(req)
        headers, body = dict(req.headers), STS_BODY
        headers, body = mutate(headers, body)
        c = emu.conn()
        c.request("POST", "/", body=body, headers=headers)
        r = c.getresponse()
        out = r.status, r.read()
        c.close()
        return out

    check_eq(send(lambda h, b: (h, b))[0], 200, "signed with X-Amz-Content-SHA256: accepted")
    st, b = send(lambda h, b: (h, b.replace(b"2011", b"2012")))
    check_eq((st, code_of("sts", b)), (403, "SignatureDoesNotMatch"), "body changed after signing")
    st, b = send(lambda h, b: ({**h, "X-Amz-Date": amz_date(-60)}, b))
    check_eq(st, 403, "signed X-Amz-Date changed after signing")
    st, b = send(lambda h, b: ({**h, "Authorization": h["Authorization"].replace(
        "Credential=", "Credentail=")}, b))
    check_eq((st, code_of("sts", b)), (400, "IncompleteSignature"), "malformed Authorization")
    st, b = send(lambda h, b: ({k: v for k, v in h.items() if k != "Authorization"}, b))
    check_eq((st, code_of("sts", b)), (403, "MissingAuthenticationToken"), "no Authorization")

    # GET with the parameters in the query string, signed by botocore.
    req = botocore.awsrequest.AWSRequest(
        method="GET", url=f"http://127.0.0.1:{emu.port}/?Action=GetCallerIdentity&Version=2011-06-15")
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(AKID, SECRET), "sts",
                            "us-east-1").add_auth(req)
    c = emu.conn()
    c.request("GET", "/?Action=GetCallerIdentity&Version=2011-06-15", headers=dict(req.headers))
    r = c.getresponse()
    check_eq((r.status, b"user/auditor" in r.read()), (200, True), "signed GET with a query string")
    c.close()


# -- STS ----------------------------------------------------------------------
def test_sts(emu):
    emu.reset()
    sts = client(emu, "sts")
    st, hdrs, b = signed_request(emu, "sts", STS_BODY, headers={"Accept": "application/json"})
    obj = json.loads(b)
    check_eq(obj["GetCallerIdentityResponse"]["GetCallerIdentityResult"],
             {"Arn": "arn:aws:iam::111122223333:user/auditor", "UserId": "AIDAEXAMPLEAUDITOR001",
              "Account": "111122223333"}, "STS honours Accept: application/json")

    role = "arn:aws:iam::111122223333:role/OrganizationAccountAccessRole"
    r = sts.assume_role(RoleArn=role, RoleSessionName="ops@example.com", DurationSeconds=7200)
    exp = r["Credentials"]["Expiration"]
    left = exp.timestamp() - time.time()
    check(7100 < left <= 7200, f"DurationSeconds 7200 honoured ({left:.0f} s left)")
    check_eq(r["AssumedRoleUser"]["AssumedRoleId"], "AROAEXAMPLEORGACCESS1:ops@example.com",
             "AssumedRoleId is ROLEID:SESSION")
    check_eq(call_error(sts.assume_role, RoleArn=role, RoleSessionName="x2",
                        DurationSeconds=7201)[:1], ("ValidationError",),
             "DurationSeconds above the role's MaxSessionDuration: ValidationError")
    unchecked = client(emu, "sts", parameter_validation=False)
    for bad, why in (("a", "too short"), ("has space", "bad character")):
        check_eq(call_error(unchecked.assume_role, RoleArn=role, RoleSessionName=bad)[0],
                 "ValidationError", f"RoleSessionName {why}: ValidationError")
    e = call_error(sts.assume_role, RoleArn="arn:aws:iam::111122223333:role/nope",
                   RoleSessionName="s1")
    check_eq(e and (e[0], e[2]), ("AccessDenied", 403), "unknown role: AccessDenied 403")
    check("User: arn:aws:iam::111122223333:user/auditor is not authorized to perform: "
          "sts:AssumeRole on resource: arn:aws:iam::111122223333:role/nope" in (e or ("", ""))[1],
          "AccessDenied message names caller, action and role")
    e = call_error(sts.assume_role, RoleArn="arn:aws:iam::111122223333:role/service-role/lambda-basic",
                   RoleSessionName="s1")
    check_eq(e and e[0], "AccessDenied", "a service-only trust policy refuses users")
    audit = "arn:aws:iam::444455556666:role/AuditRole"
    e = call_error(sts.assume_role, RoleArn=audit, RoleSessionName="s1", ExternalId="wrong")
    check_eq(e and e[0], "AccessDenied", "wrong ExternalId: AccessDenied")

    # Sessions: the role's identity everywhere, chaining limits, expiry.
    c = r["Credentials"]
    sess = dict(akid=c["AccessKeyId"], secret=c["SecretAccessKey"], token=c["SessionToken"])
    who = client(emu, "sts", **sess).get_caller_identity()
    check_eq(who["Arn"], "arn:aws:sts::111122223333:assumed-role/OrganizationAccountAccessRole/"
             "ops@example.com", "session credentials act as the role")
    sts2 = client(emu, "sts", **sess)
    e = call_error(sts2.assume_role, RoleArn=audit, RoleSessionName="chain",
                   ExternalId="audit+2024/q1", DurationSeconds=7200)
    check_eq(e and e[0], "ValidationError", "role chaining: at most one hour")
    r2 = sts2.assume_role(RoleArn=audit, RoleSessionName="chain", ExternalId="audit+2024/q1")
    c2 = r2["Credentials"]
    sess2 = dict(akid=c2["AccessKeyId"], secret=c2["SecretAccessKey"], token=c2["SessionToken"])
    g = client(emu, "iam", **sess2).get_account_authorization_details()
    check_eq([x["RoleName"] for x in g["RoleDetailList"]], ["AuditRole"],
             "IAM answers for the assumed role's account (444455556666)")
    e = call_error(client(emu, "organizations", **sess2).list_roots)
    check_eq(e and e[0], "AccessDeniedException", "member-account session: AccessDeniedException")
    e = call_error(client(emu, "sts", akid=c2["AccessKeyId"], secret=c2["SecretAccessKey"],
                          token="wrong").get_caller_identity)
    check_eq(e and e[0], "InvalidClientTokenId", "issued key with a wrong token")

    log = emu.requests()
    check(all(x["signature_valid"] for x in log if x["service"] == "sts"
              and x["error_code"] != "InvalidClientTokenId"), "botocore's STS calls all verified")


# -- Organizations --------------------------------------------------------------
def test_organizations(emu):
    org = client(emu, "organizations")
    member = client(emu, "organizations", akid="AKIDMEMBEREXAMPLE",
                    secret="memberSecretKeyEXAMPLEEXAMPLEEXAMPLE1234")
    check_eq(member.describe_organization()["Organization"]["MasterAccountId"], "111122223333",
             "members may DescribeOrganization")
    e = call_error(member.list_accounts)
    check_eq(e and (e[0], e[2]), ("AccessDeniedException", 400), "members may not ListAccounts")

    p1 = org.list_accounts(MaxResults=3)
    check(len(p1["Accounts"]) == 2 and "NextToken" in p1,
          "MaxResults 3 is capped by the scenario page size 2")
    p2 = org.list_accounts(NextToken=p1["NextToken"])
    check_eq([a["Id"] for a in p1["Accounts"] + p2["Accounts"]],
             ["111122223333", "444455556666", "123456789012", "777788889999"],
             "ListAccounts over two pages, scenario order")
    check_eq(p2["Accounts"][1]["Status"], "SUSPENDED", "account status")
    err = None
    try:
        org.list_roots(NextToken=p1["NextToken"])
    except botocore.exceptions.ClientError as ex:
        err = ex.response
    check(err is not None and err["Error"]["Code"] == "InvalidInputException"
          and err.get("Reason") == "INVALID_PAGINATION_TOKEN",
          "a token from another call: InvalidInputException INVALID_PAGINATION_TOKEN")
    e = call_error(org.list_accounts, NextToken="garbage")
    check_eq(e and e[0], "InvalidInputException", "garbage token refused")
    e = call_error(org.list_accounts, MaxResults=21)
    check_eq(e and e[0], "InvalidInputException", "MaxResults 21 refused")

    check_eq(org.list_parents(ChildId="123456789012")["Parents"],
             [{"Id": "ou-a1b2-prd00004", "Type": "ORGANIZATIONAL_UNIT"}], "ListParents account")
    check_eq(org.list_parents(ChildId="ou-a1b2-prd00004")["Parents"],
             [{"Id": "ou-a1b2-wkl00002", "Type": "ORGANIZATIONAL_UNIT"}], "ListParents nested OU")
    check_eq(org.list_parents(ChildId="ou-a1b2-wkl00002")["Parents"],
             [{"Id": "r-a1b2", "Type": "ROOT"}], "ListParents top OU")
    kids = []
    for page in org.get_paginator("list_children").paginate(ParentId="r-a1b2",
                                                             ChildType="ORGANIZATIONAL_UNIT"):
        kids += [c["Id"] for c in page["Children"]]
    check_eq(kids, ["ou-a1b2-sec00001", "ou-a1b2-wkl00002", "ou-a1b2-sbx00003"], "ListChildren OUs")
    check_eq([c["Id"] for c in org.list_children(ParentId="r-a1b2", ChildType="ACCOUNT")["Children"]],
             ["111122223333"], "ListChildren accounts")
    pols = org.list_policies_for_target(TargetId="ou-a1b2-prd00004",
                                        Filter="SERVICE_CONTROL_POLICY")["Policies"]
    check_eq([p["Id"] for p in pols], ["p-FullAWSAccess", "p-scp0nopass"],
             "ListPoliciesForTarget SCPs on an OU")
    pols = org.list_policies_for_target(TargetId="ou-a1b2-wkl00002",
                                        Filter="RESOURCE_CONTROL_POLICY")["Policies"]
    check_eq([p["Id"] for p in pols], ["p-RCPFullAWSAccess", "p-rcp0perim1"],
             "ListPoliciesForTarget RCPs")
    rcp = org.describe_policy(PolicyId="p-rcp0perim1")["Policy"]
    check_eq((rcp["PolicySummary"]["Type"], rcp["PolicySummary"]["Arn"]),
             ("RESOURCE_CONTROL_POLICY", "arn:aws:organizations::111122223333:policy/o-a1b2c3d4e5/"
              "resource_control_policy/p-rcp0perim1"), "RCP summary and ARN")
    fa = org.describe_policy(PolicyId="p-FullAWSAccess")["Policy"]["PolicySummary"]
    check_eq(fa["Arn"], "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
             "AWS managed policy ARN")
    for fn, kw, code in ((org.describe_policy, {"PolicyId": "p-nope"}, "PolicyNotFoundException"),
                         (org.list_accounts_for_parent, {"ParentId": "ou-nope"},
                          "ParentNotFoundException"),
                         (org.list_parents, {"ChildId": "999999999999"}, "ChildNotFoundException"),
                         (org.list_policies_for_target, {"TargetId": "ou-x",
                                                         "Filter": "SERVICE_CONTROL_POLICY"},
                          "TargetNotFoundException"),
                         (org.list_policies, {"Filter": "NOT_A_TYPE"}, "InvalidInputException")):
        e = call_error(fn, **kw)
        check_eq(e and e[0], code, f"{fn.__name__} {kw}: {code}")

    sc = load_scenario()
    del sc["organization"]
    emu.control("POST", "/_emu/scenario", sc)
    e = call_error(org.list_roots)
    check_eq(e and e[0], "AWSOrganizationsNotInUseException", "no organization in the scenario")
    emu.control("POST", "/_emu/scenario", load_scenario())


# -- IAM ------------------------------------------------------------------------
def gaad_raw(emu, extra=b""):
    st, _, b = signed_request(emu, "iam", GAAD + extra)
    return st, b


def test_iam(emu):
    iam = client(emu, "iam")
    r = iam.get_account_authorization_details(Filter=["Role"], MaxItems=2)
    check_eq(([x["RoleName"] for x in r["RoleDetailList"]], r["UserDetailList"], r["Policies"],
              r["IsTruncated"]),
             (["app-deployer", "lambda-basic"], [], [], True), "Filter Role, MaxItems 2")
    r = iam.get_account_authorization_details(Filter=["Role"], Marker=r["Marker"])
    check_eq(([x["RoleName"] for x in r["RoleDetailList"]], r["IsTruncated"], "Marker" in r),
             (["OrganizationAccountAccessRole"], False, False), "last page: no Marker")
    names = []
    for page in iam.get_paginator("get_account_authorization_details").paginate(
            Filter=["AWSManagedPolicy"], PaginationConfig={"PageSize": 1}):
        check(len(page["Policies"]) <= 1, "MaxItems 1 pages hold one item")
        names += [p["PolicyName"] for p in page["Policies"]]
    check_eq(names, ["AdministratorAccess", "ReadOnlyAccess", "SecurityAudit",
                     "AWSLambdaBasicExecutionRole"], "AWSManagedPolicy filter, MaxItems 1 paging")
    r = iam.get_account_authorization_details(Filter=["LocalManagedPolicy", "Group"])
    check_eq(([p["PolicyName"] for p in r["Policies"]], [g["GroupName"] for g in r["GroupDetailList"]]),
             (["DeveloperBoundary"], ["Admins", "Developers"]), "two filters together")
    st, b = gaad_raw(emu, b"&Filter.member.1=Bogus")
    check_eq((st, code_of("iam", b)), (400, "ValidationError"), "unknown filter: ValidationError")
    st, b = gaad_raw(emu, b"&MaxItems=0")
    check_eq((st, code_of("iam", b)), (400, "ValidationError"), "MaxItems 0: ValidationError")
    st, b = gaad_raw(emu, b"&MaxItems=1001")
    check_eq((st, code_of("iam", b)), (400, "ValidationError"), "MaxItems 1001: ValidationError")
    st, b = gaad_raw(emu, b"&Marker=bm90LWEtbWFya2Vy")
    check_eq((st, code_of("iam", b)), (400, "ValidationError"), "forged Marker: ValidationError")

    st, b = gaad_raw(emu, b"&Filter.member.1=Group")
    text = b.decode()
    docs = re.findall(r"<(?:PolicyDocument|Document|AssumeRolePolicyDocument)>([^<]*)<", text)
    check(docs and all(re.fullmatch(r"[A-Za-z0-9_.~%-]*", d) for d in docs),
          "documents use only unreserved characters and %XX")
    check("%0A%20%20%20%20%22Version%22%3A%20%222012-10-17%22" in text
          and "%22Resource%22%3A%20%22%2A%22" in text, "newline %0A, space %20, '*' as %2A")

    sc = load_scenario()
    sc["iam_document_encoding"] = "rfc3986-literal-star"
    sc["accounts"]["111122223333"]["iam"]["groups"][1]["inline_policies"] = {
        "Unicode": "{\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\","
                   "\"Condition\":{\"StringEquals\":{\"aws:PrincipalTag/équipe\":\"a+b c\"}}}]}"}
    emu.control("POST", "/_emu/scenario", sc)
    st, b = gaad_raw(emu, b"&Filter.member.1=Group")
    text = b.decode()
    check("%22Action%22%3A%22*%22" in text and "%2A" not in text,
          "rfc3986-literal-star keeps '*' literal throughout")
    check("%C3%A9quipe" in text and "a%2Bb%20c" in text, "UTF-8 é as %C3%A9, '+' as %2B")
    dev = next(g for g in client(emu, "iam").get_account_authorization_details(
        Filter=["Group"])["GroupDetailList"] if g["GroupName"] == "Developers")
    check_eq(dev["GroupPolicyList"][0]["PolicyDocument"]["Statement"][0]["Condition"],
             {"StringEquals": {"aws:PrincipalTag/équipe": "a+b c"}}, "botocore decodes it back")

    sc["iam_document_encoding"] = "none"
    emu.control("POST", "/_emu/scenario", sc)
    st, b = gaad_raw(emu, b"&Filter.member.1=Group")
    text = b.decode()
    check("<PolicyDocument>{\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\"" in text
          and "équipe\":\"a+b c\"" in text and "%" not in text,
          "none sends documents as plain JSON text")

    sc = load_scenario()
    sc["credentials"][0]["deny"] = {"iam:GetAccount*":
                                    "with an explicit deny in a service control policy"}
    emu.control("POST", "/_emu/scenario", sc)
    e = call_error(iam.get_account_authorization_details)
    check(e is not None and e[0] == "AccessDenied" and e[2] == 403 and e[1].endswith(
        "iam:GetAccountAuthorizationDetails on resource: * with an explicit deny in a service "
        "control policy"), f"scenario deny: AccessDenied with the reason ({e})")
    emu.control("POST", "/_emu/scenario", load_scenario())


# -- EC2 ------------------------------------------------------------------------
def test_ec2(emu):
    eu = client(emu, "ec2", region="eu-west-1")
    r = eu.describe_vpc_endpoints(VpcEndpointIds=["vpce-0a1b2c3d4e5f60002"])
    check_eq([e["VpcEndpointId"] for e in r["VpcEndpoints"]], ["vpce-0a1b2c3d4e5f60002"],
             "VpcEndpointId filter")
    check_eq(r["VpcEndpoints"][0]["DnsEntries"][0]["HostedZoneId"], "Z2EXAMPLE7BEXA", "DNS entries")
    e = call_error(eu.describe_vpc_endpoints, VpcEndpointIds=["vpce-0000000000000dead"])
    check_eq(e and e[:2], ("InvalidVpcEndpointId.NotFound",
                           "The Vpc Endpoint Id 'vpce-0000000000000dead' does not exist"),
             "unknown endpoint id")
    r = eu.describe_vpc_endpoints(Filters=[{"Name": "vpc-endpoint-type", "Values": ["Interface"]}])
    check_eq([e["VpcEndpointId"] for e in r["VpcEndpoints"]],
             ["vpce-0a1b2c3d4e5f60002", "vpce-0a1b2c3d4e5f60003"], "vpc-endpoint-type filter")
    r = eu.describe_vpc_endpoints(Filters=[{"Name": "tag:Name", "Values": ["s3-gateway & logging"]}])
    check_eq(len(r["VpcEndpoints"]), 1, "tag filter")
    e = call_error(eu.describe_vpc_endpoints, NextToken="nope")
    check_eq(e and e[0], "InvalidPaginationToken", "bad NextToken")
    r = client(emu, "ec2", region="ap-south-1").describe_vpc_endpoints()
    check_eq(r["VpcEndpoints"], [], "a region without endpoints answers an empty set")
    st, hdrs, b = signed_request(emu, "ec2", b"Action=DescribeVpcEndpoints&Version=2016-11-15"
                                 b"&MaxResults=1", region="eu-west-1")
    text = b.decode()
    check(text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<DescribeVpcEndpointsResponse '
                          'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">')
          and "<requestId>" in text and "<nextToken>" in text,
          "EC2: XML declaration, namespace, requestId, nextToken")
    check_eq(hdrs.get("content-type"), "text/xml;charset=UTF-8", "EC2 content type")
    pd = ET.fromstring(b).find(".//{*}policyDocument").text
    check(pd.startswith("{") and '"Principal": "*"' in pd, "policyDocument is plain JSON text")


# -- shapes against the reference samples ------------------------------------------
def xml_paths(data):
    root = ET.fromstring(data)
    out = set()

    def walk(el, prefix):
        tag = el.tag.split("}")[-1]
        path = f"{prefix}/{tag}"
        out.add(path)
        for child in el:
            walk(child, path)
    walk(root, "")
    return out


def json_paths(obj, prefix=""):
    out = set()
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.add(f"{prefix}.{k}")
            out |= json_paths(v, f"{prefix}.{k}")
    elif isinstance(obj, list):
        for v in obj:
            out |= json_paths(v, prefix + "[]")
    return out


def sample(name):
    with open(os.path.join(SHAPES, name), "rb") as f:
        return f.read()


def compare_shapes(got, want, what, allowed_extra=()):
    missing = sorted(want - got)
    extra = sorted(p for p in got - want if not any(p.startswith(a) for a in allowed_extra))
    check(not missing and not extra, f"shape of {what} matches the sample"
          + (f"; missing {missing}" if missing else "") + (f"; extra {extra}" if extra else ""))


def test_shapes(emu):
    # One page holds everything, as in the samples.
    sc = load_scenario()
    sc["page_sizes"] = {"iam": 100, "organizations": 20, "ec2": 1000}
    emu.control("POST", "/_emu/scenario", sc)
    # Like the samples' first pages: truncated, so with Marker/NextToken.
    st, _, b = signed_request(emu, "iam", GAAD + b"&MaxItems=13")
    compare_shapes(xml_paths(b), xml_paths(sample("GetAccountAuthorizationDetails.synthetic.page1.xml")),
                   "GetAccountAuthorizationDetails")
    st, _, b = signed_request(emu, "ec2", b"Action=DescribeVpcEndpoints&Version=2016-11-15"
                              b"&MaxResults=2", region="eu-west-1")
    compare_shapes(xml_paths(b), xml_paths(sample("DescribeVpcEndpoints.synthetic.page1.xml")),
                   "DescribeVpcEndpoints")
    st, _, b = signed_request(emu, "sts", b"Action=AssumeRole&Version=2011-06-15&RoleArn="
                              b"arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2FOrganizationAccountAccessRole"
                              b"&RoleSessionName=shape")
    compare_shapes(xml_paths(b), xml_paths(sample("AssumeRole.recorded-traffic.xml")), "AssumeRole")
    for op, body, name in (("ListRoots", {}, "ListRoots.response.json"),
                           ("DescribePolicy", {"PolicyId": "p-scp0guard1"},
                            "DescribePolicy.scp.response.json"),
                           ("ListAccounts", {"MaxResults": 3}, "ListAccounts.page1.response.json"),
                           ("ListTargetsForPolicy", {"PolicyId": "p-scp0guard1"},
                            "ListTargetsForPolicy.response.json"),
                           ("ListOrganizationalUnitsForParent", {"ParentId": "r-a1b2",
                                                                 "MaxResults": 2},
                            "ListOrganizationalUnitsForParent.page1.response.json")):
        st, hdrs, b = signed_request(emu, "organizations", json.dumps(body).encode(), headers={
            "X-Amz-Target": f"AWSOrganizationsV20161128.{op}",
            "Content-Type": "application/x-amz-json-1.1"})
        compare_shapes(json_paths(json.loads(b)), json_paths(json.loads(sample(name))), op)
        check_eq(hdrs.get("content-type"), "application/x-amz-json-1.1", f"{op} content type")
    for kind_service, name, body, hdrs in (
            ("iam", "iam.Throttling.xml", GAAD, {}),
            ("ec2", "ec2.RequestLimitExceeded.xml",
             b"Action=DescribeVpcEndpoints&Version=2016-11-15", {}),
            ("organizations", "organizations.TooManyRequestsException.json", b"{}", ORG_HDRS)):
        emu.fault(operation="*", kind="throttle")
        st, _, b = signed_request(emu, kind_service, body, headers=hdrs)
        if kind_service == "organizations":
            got, want = json.loads(b), json.loads(sample(name))
            check_eq(got, want, "TooManyRequestsException body equals the sample")
        else:
            compare_shapes(xml_paths(b), xml_paths(sample(name)), f"{kind_service} throttling error")
            check_eq(code_of(kind_service, b), code_of(kind_service, sample(name)),
                     f"{kind_service} throttling code")
    st, _, b = signed_request(emu, "sts", STS_BODY, akid="AKIDNOSUCHKEY")
    want = sample("sts.InvalidClientTokenId.xml")
    compare_shapes(xml_paths(b), xml_paths(want), "InvalidClientTokenId error")
    check_eq(message_of("sts", b), message_of("sts", want), "InvalidClientTokenId message")
    st, _, b = signed_request(emu, "organizations", b'{"NextToken":"x"}', headers={
        "X-Amz-Target": "AWSOrganizationsV20161128.ListAccounts",
        "Content-Type": "application/x-amz-json-1.1"})
    check_eq(json.loads(b), json.loads(sample("organizations.InvalidInputException.pagination.json")),
             "invalid pagination token body equals the sample")


# -- HTTPS and latency ---------------------------------------------------------------
def test_tls_and_latency():
    d = tempfile.mkdtemp(prefix="emutls.")
    cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    p = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", key, "-out", cert], capture_output=True)
    if p.returncode != 0:
        check(False, f"openssl could not make a test certificate: {p.stderr.decode()[-200:]}")
        return
    try:
        with Emulator(args=["--tls-cert", cert, "--tls-key", key], scheme="https") as emu:
            import socket
            # A client that connects and never handshakes must not block others.
            idle = socket.create_connection(("127.0.0.1", emu.port))
            import botocore.session
            s = botocore.session.Session()
            s.set_credentials(AKID, SECRET)
            sts = s.create_client("sts", region_name="us-east-1", endpoint_url=emu.url,
                                  verify=cert)
            check_eq(sts.get_caller_identity()["Account"], "111122223333",
                     "HTTPS with certificate verification against the test cert")
            idle.close()
            check_eq(emu.requests()[0]["signature_valid"], True, "signature verified over TLS")
    finally:
        for f in os.listdir(d):
            os.unlink(os.path.join(d, f))
        os.rmdir(d)
    with Emulator(args=["--latency-ms", "250"]) as emu:
        sts = client(emu, "sts")
        sts.get_caller_identity()
        t0 = time.monotonic()
        sts.get_caller_identity()
        took = time.monotonic() - t0
        check(took >= 0.25, f"--latency-ms 250 delays each call ({took:.3f} s)")
        t0 = time.monotonic()
        emu.control("GET", "/_emu/health")
        check(time.monotonic() - t0 < 0.25, "control calls are not delayed")


# -- the standalone scenario --------------------------------------------------------
def test_standalone():
    kw = dict(akid="AKIDSTANDALONE", secret="standaloneSecretKeyEXAMPLEEXAMPLEEXAMPL")
    with Emulator(os.path.join(SCENARIOS, "standalone.json")) as emu:
        e = call_error(client(emu, "organizations", **kw).describe_organization)
        check_eq(e and (e[0], e[2]), ("AWSOrganizationsNotInUseException", 400),
                 "standalone: no organization")
        e = call_error(client(emu, "ec2", region="eu-west-1", **kw).describe_vpc_endpoints)
        check_eq(e and (e[0], e[2]), ("UnauthorizedOperation", 403), "standalone: EC2 denied")
        st, _, b = signed_request(emu, "iam", GAAD + b"&Filter.member.1=LocalManagedPolicy", **kw)
        check(b'%22Resource%22%3A%20%22*%22' in b, "standalone: literal '*' in documents")
        sts = client(emu, "sts", **kw)
        r = sts.assume_role(RoleArn="arn:aws:iam::555566667777:role/break-glass",
                            RoleSessionName="glass", ExternalId="glass")
        check_eq(r["AssumedRoleUser"]["Arn"],
                 "arn:aws:sts::555566667777:assumed-role/break-glass/glass",
                 "standalone: a trust policy naming the user ARN")


# -- scenario validation ----------------------------------------------------------
def test_scenario_validation():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from awsemu.scenario import Scenario, ScenarioError, load_file
    for name in sorted(os.listdir(SCENARIOS)):
        if name.endswith(".json"):
            try:
                load_file(os.path.join(SCENARIOS, name))
                ok = True
            except ScenarioError as e:
                ok = str(e)
            check_eq(ok, True, f"shipped scenario {name} is valid")

    gen = subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                       "gen_scenario.py"), "--accounts", "3",
                          "--roles", "20", "--users", "5", "--policies", "12", "--ous", "2"],
                         capture_output=True, check=True)
    big = Scenario(json.loads(gen.stdout), "generated")
    check_eq((len(big.accounts), sum(len(a["roles"]) for a in big.accounts.values()),
              len(big.organization["accounts"])), (3, 60, 3),
             "gen_scenario.py writes a valid scenario of the requested size")

    def broken(mutate, want):
        sc = load_scenario()
        mutate(sc)
        try:
            Scenario(sc, "t.json")
            msg = None
        except ScenarioError as e:
            msg = str(e)
        check(msg is not None and msg.startswith("t.json: ") and want in msg,
              f"refused: {msg}")

    a = "111122223333"
    broken(lambda s: s["accounts"][a]["iam"]["users"][1].update(groups=["Nope"]),
           f"$.accounts.{a}.iam.users[1].groups[0]: no group 'Nope'")
    broken(lambda s: s["accounts"][a]["iam"]["roles"][0].pop("trust_policy"),
           f"$.accounts.{a}.iam.roles[0]: missing required member 'trust_policy'")
    broken(lambda s: s["accounts"][a]["iam"]["roles"][0].update(attached_policies=[
        "arn:aws:iam::aws:policy/Nope"]), f"$.accounts.{a}.iam.roles[0].attached_policies[0]")
    broken(lambda s: s["accounts"][a]["iam"]["users"][0].update(nmae="x"),
           f"$.accounts.{a}.iam.users[0]: unknown member 'nmae'")
    broken(lambda s: s["page_sizes"].update(iam=0), "$.page_sizes.iam: must be at least 1")
    broken(lambda s: s["page_sizes"].update(iam=True), "$.page_sizes.iam: expected an integer")
    broken(lambda s: s["credentials"][0].update(principal="arn:aws:s3:::bucket"),
           "$.credentials[0].principal")
    broken(lambda s: s["organization"]["policies"][1]["targets"].append("ou-ghost"),
           "$.organization.policies[1].targets[3]: no root, OU or account 'ou-ghost'")
    broken(lambda s: s["organization"].update(management_account="999999999999"),
           "$.organization.management_account")
    broken(lambda s: s["organization"]["ous"][0].update(parent="ou-a1b2-prd00004") or
           s["organization"]["ous"][3].update(parent="ou-a1b2-sec00001") or
           s["organization"]["ous"][1].update(parent="ou-a1b2-prd00004"), "cycle")
    broken(lambda s: s["accounts"][a]["vpc_endpoints"]["eu-west-1"][0].update(type="Tunnel"),
           f"$.accounts.{a}.vpc_endpoints.eu-west-1[0].type")
    broken(lambda s: s["accounts"][a]["iam"]["users"][0].update(create_date="yesterday"),
           f"$.accounts.{a}.iam.users[0].create_date")


def main():
    with Emulator() as emu:
        test_auth(emu)
        test_sts(emu)
        test_organizations(emu)
        test_iam(emu)
        test_ec2(emu)
        test_shapes(emu)
    test_tls_and_latency()
    test_standalone()
    test_scenario_validation()
    finish()


if __name__ == "__main__":
    main()
