#!/usr/bin/python3
"""Cross-check our SigV4 signer with botocore's on random requests.

A fixed-seed generator makes requests with awkward paths, queries, headers
and bodies; each is signed by botocore.auth.SigV4Auth (the signer the AWS CLI
and boto3 use) and by tests/tools/sigv4-sign (our signer), and the
Authorization headers must be identical. A second pass signs with a wrong
secret on our side and must see every signature differ, so the comparison
itself is proven able to fail.

Where botocore deliberately departs from the AWS rules our signer follows
(the AWS SigV4 test suites and the "Create a canonical request" page of the
IAM User Guide, docs.aws.amazon.com/IAM/latest/UserGuide/
create-signed-request.html), the generator stays inside what both define
identically; each restriction is explained where it is applied:
  R1 paths ending in a "." or ".." segment,
  R2 queries: botocore re-encodes only params, not a query in the URL;
     empty query components,
  R3 header whitespace other than space and tab,
  R4 the Date header,
  R5 headers botocore never signs (User-Agent, Expect, X-Amzn-Trace-Id).
"""
import datetime
import hashlib
import json
import os
import random
import subprocess
import sys
import types
from unittest import mock

try:
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError as exc:  # python3-botocore is a listed dependency
    print(f"sigv4-botocore: botocore not importable: {exc}", file=sys.stderr)
    sys.exit(99)

SEED = 0x5147
COUNT = 400
SERVICES = ["sts", "iam", "ec2", "organizations", "lambda"]
REGIONS = ["us-east-1", "eu-west-3", "ap-southeast-2", "us-gov-west-1",
           "cn-north-1", "me-central-1"]

UNRESERVED = "ABCXYZabcxyz0189-._~"
# '/' '?' '#' are structure in a path, so they only appear %-encoded there.
RESERVED_PATH = ":@!$&'()*+,;=[]"
RESERVED_QUERY = ":@!$&'()*+,;=/?#[]%"
UNICODE = ["\u00e9", "\u00fc", "\u65e5\u672c", "\u0416", "\U0001F600", "\u00a7"]
ESCAPES = ["%20", "%2F", "%41", "%25", "%7e", "%C3%A9", "%3D"]

# R3: our signer folds runs of space, tab, CR and LF (the SigV4 "Trimall"
# rule on HTTP field values, where only SP and HTAB are legal whitespace,
# RFC 9110 section 5.5); botocore uses Python's str.split(), which also
# splits on \v, \f, \x1c-\x1f, U+0085, U+00A0 and the U+2000 spaces
# (auth.py SigV4Auth._header_value). None of those can appear in a valid
# header value, so values hold only SP and HTAB as whitespace.
HEADER_WS = [" ", "  ", "\t", " \t ", "   "]
HEADER_TEXT = ("ABCxyz0123-_.:/;=,+*()@!?\"'[]{}<>%&$#~^|`\\" +
               "\u00e9\u00fc\u0416")


def pick_text(rng, alphabet, parts, lo, hi):
    out = []
    for _ in range(rng.randint(lo, hi)):
        kind = rng.random()
        if kind < 0.55:
            out.append(rng.choice(alphabet))
        else:
            out.append(rng.choice(parts))
    return "".join(out)


def gen_segment(rng):
    kind = rng.random()
    if kind < 0.35:
        return pick_text(rng, UNRESERVED, [" ", "A"], 1, 8)
    if kind < 0.55:
        return pick_text(rng, UNRESERVED + RESERVED_PATH, [" "], 1, 8)
    if kind < 0.70:
        return pick_text(rng, UNRESERVED, UNICODE, 1, 6)
    if kind < 0.85:
        return pick_text(rng, UNRESERVED, ESCAPES, 1, 6)
    if kind < 0.93:
        return rng.choice([".", ".."])
    return ""  # an empty segment: a run of slashes


def gen_path(rng):
    if rng.random() < 0.1:
        return "/"
    segs = [gen_segment(rng) for _ in range(rng.randint(1, 6))]
    # R1: botocore's remove_dot_segments (utils.py) keeps a trailing slash
    # only when the raw path ends in '/', so "/a/b/.." becomes "/a" where
    # RFC 3986 section 5.2.4 (which the AWS page cites for normalisation, and
    # our signer follows) gives "/a/". Never end on a dot segment.
    while segs and segs[-1] in (".", ".."):
        segs.append(gen_segment(rng) or "x")
    path = "/" + "/".join(segs)
    if rng.random() < 0.2:
        path += "/"
    return path


def gen_query_text(rng, allow_empty):
    kind = rng.random()
    if allow_empty and kind < 0.1:
        return ""
    if kind < 0.4:
        return pick_text(rng, UNRESERVED, ["-"], 1, 8)
    if kind < 0.7:
        return pick_text(rng, UNRESERVED + RESERVED_QUERY, [" ", "+"], 1, 10)
    if kind < 0.85:
        return pick_text(rng, UNRESERVED, UNICODE + [" "], 1, 6)
    # Text that looks escaped: it must be sent escaped again to mean itself.
    return pick_text(rng, UNRESERVED, ESCAPES + ["%", "%zz", "+"], 1, 6)


def gen_params(rng):
    params = []
    keys = []
    for _ in range(rng.randint(0, 7)):
        if keys and rng.random() < 0.25:
            key = rng.choice(keys)  # a repeated key
        else:
            key = gen_query_text(rng, allow_empty=rng.random() < 0.05)
            keys.append(key)
        # An empty bare key would be an empty component (R2).
        bare = key != "" and rng.random() < 0.15
        params.append((key, "" if bare else gen_query_text(rng, True), bare))
    return params


def encode_component(rng, text, is_key):
    """Write text as a query component our signer must read back as text.

    Our signer decodes %XX (never '+', which AWS reads as a literal plus and
    botocore encodes as %2B) and encodes the result canonically, so any mix of
    raw and escaped characters is valid input as long as the characters with
    a meaning in a query are escaped."""
    out = []
    for ch in text:
        must = ch in "&#% " or (is_key and ch == "=")
        r = rng.random()
        if must or r < 0.3:
            out.append("".join(f"%{b:02X}" if rng.random() < 0.7 else f"%{b:02x}"
                               for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


def encode_query(rng, params):
    parts = []
    for key, value, bare in params:
        k = encode_component(rng, key, True)
        if bare:
            parts.append(k)
        else:
            parts.append(k + "=" + encode_component(rng, value, False))
    # R2: botocore only canonicalises a query given as params
    # (auth.py _canonical_query_string_params quotes each key and value);
    # a query in the URL is sorted but signed as written
    # (_canonical_query_string_url), which is correct only for the
    # already-canonical queries its serialisers produce. So botocore gets
    # params, and we get the raw text. Empty components ("a=1&&b") are not
    # generated: there botocore's URL path signs an "=" entry while our
    # signer skips them, and the AWS page does not define them.
    return "&".join(parts)


def gen_header_value(rng):
    kind = rng.random()
    if kind < 0.1:
        return ""
    if kind < 0.15:
        return rng.choice(HEADER_WS)
    words = [pick_text(rng, HEADER_TEXT, ["abc"], 1, 6)
             for _ in range(rng.randint(1, 4))]
    value = "".join(w + rng.choice(HEADER_WS) for w in words[:-1]) + words[-1]
    if rng.random() < 0.4:
        value = rng.choice(HEADER_WS) + value
    if rng.random() < 0.4:
        value = value + rng.choice(HEADER_WS)
    return value


def mixed_case(rng, name):
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in name)


def gen_body(rng):
    kind = rng.random()
    if kind < 0.3:
        return b"", None
    if kind < 0.55:
        return (b"Action=GetCallerIdentity&Version=2011-06-15&Name=a%20b+c",
                "application/x-www-form-urlencoded; charset=utf-8")
    if kind < 0.8:
        doc = {"RoleName": "r\u00e9le", "n": rng.randint(0, 10 ** 9),
               "Policy": {"Effect": "Allow", "Action": "iam:PassRole"}}
        return json.dumps(doc).encode("utf-8"), "application/x-amz-json-1.1"
    return bytes(rng.randrange(256) for _ in range(rng.randint(1, 200))), \
        "application/octet-stream"


def gen_credentials(rng):
    akid = "AKIA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
                            for _ in range(16))
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    secret = "".join(rng.choice(alphabet) for _ in range(40))
    token = None
    if rng.random() < 0.5:
        token = "".join(rng.choice(alphabet) for _ in range(rng.randint(100, 400)))
        token += "=" * rng.randint(0, 2)
    return akid, secret, token


def gen_case(rng):
    method = rng.choice(["GET", "POST", "PUT"])
    service = rng.choice(SERVICES)
    region = rng.choice(REGIONS)
    host = f"{service}.{region}.amazonaws.com"
    if rng.random() < 0.15:
        host += ":8443"
    when = rng.randint(946684800, 2145916799)  # 2000 .. 2037
    amz_date = datetime.datetime.fromtimestamp(when, datetime.timezone.utc) \
        .strftime("%Y%m%dT%H%M%SZ")
    akid, secret, token = gen_credentials(rng)
    params = gen_params(rng)
    body, ctype = gen_body(rng)

    headers = []  # (name, value) for botocore, in order
    explicit_host = rng.random() < 0.8
    if explicit_host:
        headers.append((mixed_case(rng, "host"), host))
    if ctype is not None:
        headers.append((mixed_case(rng, "content-type"), ctype))
    if rng.random() < 0.3:
        headers.append(("Content-Length", str(len(body))))
    for _ in range(rng.randint(0, 4)):
        name = rng.choice(["X-Custom-Thing", "x-amz-meta-Owner", "X-Amz-Target",
                           "Accept", "x_under_score", "X-Trace-7"])
        headers.append((mixed_case(rng, name), gen_header_value(rng)))
    if rng.random() < 0.3:  # duplicate names, differently cased
        name = rng.choice(["X-Dup", "x-amz-meta-list"])
        for _ in range(rng.randint(2, 3)):
            headers.append((mixed_case(rng, name), gen_header_value(rng)))
    if rng.random() < 0.2:
        # botocore replaces X-Amz-Date with its own clock; ours keeps a
        # given one. With the same time both sign the same value.
        headers.append((mixed_case(rng, "x-amz-date"), amz_date))
    if token is not None and rng.random() < 0.2:
        headers.append(("X-Amz-Security-Token", token))
    # R5: botocore never signs these (auth.py SIGNED_HEADERS_BLACKLIST,
    # because proxies rewrite them); our signer signs what it is given, so
    # our side is not given them.
    for name, value in [("User-Agent", "Boto3/1.26 Python/3.11 sigv4x"),
                        ("Expect", "100-continue"),
                        ("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793")]:
        if rng.random() < 0.2:
            headers.append((name, value))
    # R4 is met by never generating a Date header: botocore then signs Date
    # instead of X-Amz-Date (auth.py _set_necessary_date_headers); AWS takes
    # either, and the daemon always sends X-Amz-Date.

    flags = []
    if rng.random() < 0.2:
        # X-Amz-Content-SHA256: botocore signs the header when present;
        # ours adds it itself with SIGV4_SIGN_BODY. Half the cases give our
        # side the header instead, which it must sign as it is.
        digest = hashlib.sha256(body).hexdigest()
        headers.append(("X-Amz-Content-SHA256", digest))
        if rng.random() < 0.5:
            flags.append("sign_body")

    return {
        "method": method, "service": service, "region": region, "host": host,
        "explicit_host": explicit_host, "when": when, "amz_date": amz_date,
        "akid": akid, "secret": secret, "token": token,
        "path": gen_path(rng), "params": params,
        "query": encode_query(rng, params), "body": body, "headers": headers,
        "flags": flags,
    }


class FixedClock(datetime.datetime):
    """botocore takes its signing time from datetime.datetime.utcnow()
    (auth.py SigV4Auth.add_auth); this stands in for it."""
    fixed = None

    @classmethod
    def utcnow(cls):
        return cls.fixed


class RecordingSigV4Auth(botocore.auth.SigV4Auth):
    """botocore's signer, keeping the canonical request it signed."""
    last_creq = None

    def canonical_request(self, request):
        self.last_creq = super().canonical_request(request)
        return self.last_creq


def botocore_sign(case):
    url = f"https://{case['host']}{case['path']}"
    req = AWSRequest(method=case["method"], url=url,
                     params=[(k, v) for k, v, _ in case["params"]],
                     data=case["body"])
    for name, value in case["headers"]:
        req.headers[name] = value  # HTTPHeaders appends: duplicates stay
    creds = Credentials(case["akid"], case["secret"], case["token"])
    signer = RecordingSigV4Auth(creds, case["service"], case["region"])
    FixedClock.fixed = datetime.datetime.utcfromtimestamp(case["when"])
    with mock.patch.object(botocore.auth, "datetime",
                           types.SimpleNamespace(datetime=FixedClock)):
        signer.add_auth(req)
    if req.headers.get("X-Amz-Date") != case["amz_date"]:
        # A botocore that reads its clock another way would compare
        # signatures of different times: say so instead of reporting noise.
        raise SystemExit("sigv4-botocore: could not fix botocore's signing time "
                         f"(it signed {req.headers.get('X-Amz-Date')}, "
                         f"wanted {case['amz_date']})")
    return req.headers["Authorization"], signer.last_creq


def our_request(case, secret):
    headers = [[n, v] for n, v in case["headers"]
               if n.lower() not in botocore.auth.SIGNED_HEADERS_BLACKLIST and
               not (n.lower() == "x-amz-content-sha256" and "sign_body" in case["flags"])]
    if not case["explicit_host"]:
        # botocore takes Host from the URL, leaving out a default port.
        headers.insert(0, ["Host", case["host"]])
    line = {
        "method": case["method"], "path": case["path"], "query": case["query"],
        "headers": headers, "access_key_id": case["akid"],
        "secret_access_key": secret, "region": case["region"],
        "service": case["service"], "time": case["when"], "flags": case["flags"],
    }
    try:
        line["body"] = case["body"].decode("utf-8")
    except UnicodeDecodeError:
        line["body_hex"] = case["body"].hex()
    if case["token"] is not None:
        line["session_token"] = case["token"]
    return json.dumps(line)


def run_ours(lines):
    tool = os.path.join(os.environ.get("top_builddir", "."), "tests", "tools", "sigv4-sign")
    proc = subprocess.run([tool], input="\n".join(lines) + "\n", capture_output=True,
                          text=True, timeout=120, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"sigv4-botocore: sigv4-sign failed with status {proc.returncode}")
    out = [json.loads(l) for l in proc.stdout.splitlines()]
    if len(out) != len(lines):
        raise SystemExit(f"sigv4-botocore: {len(lines)} requests but {len(out)} answers")
    return out


def main():
    rng = random.Random(SEED)
    cases = [gen_case(rng) for _ in range(COUNT)]
    theirs = [botocore_sign(c) for c in cases]
    ours = run_ours([our_request(c, c["secret"]) for c in cases])

    differ = 0
    for i, (case, (auth, creq), mine) in enumerate(zip(cases, theirs, ours)):
        if mine["authorization"] == auth:
            continue
        differ += 1
        if differ <= 3:
            print(f"case {i} differs: {case['method']} {case['path']!r} "
                  f"query {case['query']!r}")
            print(f"  botocore: {auth}\n  ours:     {mine['authorization']}")
            print("  botocore canonical request:\n    " + creq.replace("\n", "\n    "))
            print("  our canonical request:\n    " +
                  mine["canonical_request"].replace("\n", "\n    "))
    print(f"sigv4-botocore: {len(cases)} compared, {differ} differ")

    # The self-check: a wrong secret on our side must show as a difference.
    probe = cases[:25]
    wrong = run_ours([our_request(c, c["secret"][:-1] + ("A" if c["secret"][-1] != "A" else "B"))
                      for c in probe])
    caught = sum(1 for (auth, _), mine in zip(theirs, wrong)
                 if mine["authorization"] != auth)
    print(f"sigv4-botocore self-check: wrong secret, {caught} of {len(probe)} differ")

    stats = {
        "with token": sum(1 for c in cases if c["token"]),
        "with query": sum(1 for c in cases if c["params"]),
        "with body": sum(1 for c in cases if c["body"]),
        "dot segments": sum(1 for c in cases if "/." in c["path"]),
        "duplicate headers": sum(1 for c in cases
                                 if len({n.lower() for n, _ in c["headers"]}) <
                                 len(c["headers"])),
    }
    print("sigv4-botocore coverage: " + ", ".join(f"{k} {v}" for k, v in stats.items()))

    if len(cases) < 300 or differ != 0 or caught != len(probe):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
