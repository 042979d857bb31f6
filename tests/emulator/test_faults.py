"""Fault injection and the control API, observed with raw clients (http.client and
plain sockets): every fault kind's status, code, headers, truncation and reset;
faults used up after `count`; the request log; reset; scenario replacement;
shutdown; the port file."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from emutest import (AKID, BASIC, SECRET, EMULATOR, PYTHON, Emulator, check, check_eq,  # noqa: E402
                     finish, signed_request)

BODIES = {
    "sts": ("GetCallerIdentity", b"Action=GetCallerIdentity&Version=2011-06-15", {}),
    "iam": ("GetAccountAuthorizationDetails",
            b"Action=GetAccountAuthorizationDetails&Version=2010-05-08", {}),
    "ec2": ("DescribeVpcEndpoints", b"Action=DescribeVpcEndpoints&Version=2016-11-15", {}),
    "organizations": ("ListRoots", b"{}", {
        "X-Amz-Target": "AWSOrganizationsV20161128.ListRoots",
        "Content-Type": "application/x-amz-json-1.1"}),
}


def raw(emu, service):
    """An unsigned call with http.client: (status, headers, body)."""
    _, body, extra = BODIES[service]
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    headers.update(extra)
    c = emu.conn()
    c.request("POST", "/", body=body, headers=headers)
    r = c.getresponse()
    out = r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    c.close()
    return out


def signed(emu, service, region="us-east-1"):
    _, body, extra = BODIES[service]
    return signed_request(emu, service, body, region=region, headers=extra)


def error_code(service, body):
    if service == "organizations":
        return json.loads(body)["__type"]
    root = ET.fromstring(body)
    el = root.find(".//{*}Code")
    if el is None:
        el = root.find(".//Code")
    return el.text


def raw_socket_exchange(emu, service, sign=False):
    """Send one request on a plain socket; return (bytes received, how it ended)."""
    _, body, extra = BODIES[service]
    headers = {"Host": f"127.0.0.1:{emu.port}",
               "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    headers.update(extra)
    if sign:
        import botocore.auth
        import botocore.awsrequest
        import botocore.credentials
        req = botocore.awsrequest.AWSRequest(method="POST", url=f"http://127.0.0.1:{emu.port}/",
                                             data=body, headers=headers)
        botocore.auth.SigV4Auth(botocore.credentials.Credentials(AKID, SECRET), service,
                                "us-east-1").add_auth(req)
        headers = dict(req.headers)
    head = ["POST / HTTP/1.1", f"Content-Length: {len(body)}"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    s = socket.create_connection(("127.0.0.1", emu.port), timeout=10)
    s.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)
    got = b""
    ending = "eof"
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
    except ConnectionResetError:
        ending = "reset"
    except socket.timeout:
        ending = "timeout"
    s.close()
    return got, ending


def test_error_kinds(emu):
    expect = {
        "throttle": {"sts": (400, "Throttling"), "iam": (400, "Throttling"),
                     "ec2": (503, "RequestLimitExceeded"),
                     "organizations": (400, "TooManyRequestsException")},
        "http500": {"sts": (500, "InternalFailure"), "iam": (500, "ServiceFailure"),
                    "ec2": (500, "InternalError"), "organizations": (500, "ServiceException")},
        "http503": {"sts": (503, "ServiceUnavailable"), "iam": (503, "ServiceUnavailable"),
                    "ec2": (503, "Unavailable"),
                    "organizations": (503, "ServiceUnavailableException")},
        "expired_token": {"sts": (400, "ExpiredToken"), "iam": (403, "ExpiredToken"),
                          "ec2": (400, "RequestExpired"),
                          "organizations": (400, "ExpiredTokenException")},
        "access_denied": {"sts": (403, "AccessDenied"), "iam": (403, "AccessDenied"),
                          "ec2": (403, "UnauthorizedOperation"),
                          "organizations": (400, "AccessDeniedException")},
    }
    for kind, per_service in expect.items():
        for service, (status, code) in per_service.items():
            op = BODIES[service][0]
            emu.fault(operation=op, kind=kind)
            st, hdrs, body = raw(emu, service)
            check_eq((st, error_code(service, body)), (status, code),
                     f"{kind} on {service}: HTTP {status} {code}")
            if service == "organizations":
                check_eq(hdrs.get("content-type"), "application/x-amz-json-1.1",
                         f"{kind} on organizations: JSON 1.1 content type")
            # Used up: the next call is the ordinary (signed) answer.
            st2, _, _ = signed(emu, service)
            check_eq(st2, 200, f"{kind} on {service}: gone after one use")


def test_count_and_matching(emu):
    emu.fault(operation="GetCallerIdentity", kind="throttle", count=3)
    got = [raw(emu, "sts")[0] for _ in range(3)]
    check_eq(got, [400, 400, 400], "count=3 applies three times")
    check_eq(signed(emu, "sts")[0], 200, "and not a fourth time")
    check_eq(emu.control("GET", "/_emu/faults")[1], [], "no faults left queued")

    emu.fault(operation="*", service="iam", kind="http500", count=1)
    check_eq(signed(emu, "sts")[0], 200, "service=iam fault leaves sts alone")
    check_eq(signed(emu, "iam")[0], 500, "service=iam, operation=* hits IAM")
    emu.fault(operation="ListRoots", kind="http503")
    check_eq(signed(emu, "organizations", region="us-east-1")[0], 503, "operation match")

    emu.fault(operation="GetCallerIdentity", kind="throttle")
    emu.fault(operation="*", kind="http500")
    st, _, body = raw(emu, "sts")
    check_eq(error_code("sts", body), "Throttling", "oldest matching fault first")
    check_eq(raw(emu, "sts")[0], 500, "then the next one")

    emu.fault(operation="GetCallerIdentity", kind="throttle", count=5)
    emu.reset()
    check_eq(signed(emu, "sts")[0], 200, "reset clears queued faults")
    check_eq(len(emu.requests()), 1, "reset clears the request log")

    for bad, why in (({"operation": "X", "kind": "nope"}, "unknown kind"),
                     ({"kind": "throttle"}, "no operation"),
                     ({"operation": "X", "kind": "throttle", "count": 0}, "count 0"),
                     ({"operation": "X", "kind": "status", "status": 418}, "status without code"),
                     ({"operation": "X", "kind": "retry_after", "status": 500}, "retry_after 500"),
                     ({"operation": "X", "kind": "throttle", "service": "s3"}, "unknown service"),
                     ({"operation": "X", "kind": "throttle", "colour": 1}, "unknown member")):
        st, body = emu.control("POST", "/_emu/fault", bad)
        check(st == 400 and "error" in body, f"fault refused: {why} ({body.get('error')})")


def test_other_kinds(emu):
    emu.fault(operation="GetCallerIdentity", kind="access_denied", message="custom <denial> & co")
    st, _, body = raw(emu, "sts")
    msg = ET.fromstring(body).find(".//{*}Message").text
    check_eq((st, msg), (403, "custom <denial> & co"), "access_denied with a message (escaped)")

    for status, code in ((429, "Throttling"), (503, "ServiceUnavailable")):
        emu.fault(operation="GetCallerIdentity", kind="retry_after", status=status, seconds=7)
        st, hdrs, body = raw(emu, "sts")
        check_eq((st, hdrs.get("retry-after"), error_code("sts", body)), (status, "7", code),
                 f"retry_after {status}: Retry-After: 7")
    emu.fault(operation="ListRoots", kind="retry_after", status=429, seconds=2)
    st, hdrs, body = raw(emu, "organizations")
    check_eq((st, hdrs.get("retry-after"), error_code("organizations", body)),
             (429, "2", "TooManyRequestsException"), "retry_after 429 on organizations")

    emu.fault(operation="GetAccountAuthorizationDetails", kind="status", status=418,
              code="Teapot", message="short and stout")
    st, _, body = raw(emu, "iam")
    root = ET.fromstring(body)
    check_eq((st, error_code("iam", body), root.find(".//{*}Message").text,
              root.find(".//{*}Type").text), (418, "Teapot", "short and stout", "Sender"),
             "status: any status/code/message")
    emu.fault(operation="DescribeVpcEndpoints", kind="status", status=502, code="BadGateway")
    st, _, body = raw(emu, "ec2")
    check_eq((st, ET.fromstring(body).find("Errors/Error/Code").text,
              ET.fromstring(body).find("RequestID") is not None),
             (502, "BadGateway", True), "status on EC2: <Response><Errors>..<RequestID>")

    emu.fault(operation="GetCallerIdentity", kind="slow", delay_ms=400)
    t0 = time.monotonic()
    st = signed(emu, "sts")[0]
    took = time.monotonic() - t0
    check(st == 200 and took >= 0.4, f"slow: normal answer after {took:.2f}s (>= 0.4)")

    for service in ("sts", "organizations", "ec2"):
        emu.fault(operation=BODIES[service][0], kind="malformed")
        st, hdrs, body = raw(emu, service)
        try:
            if service == "organizations":
                json.loads(body)
            else:
                ET.fromstring(body)
            parsed = True
        except (ValueError, ET.ParseError):
            parsed = False
        check(st == 200 and not parsed and int(hdrs["content-length"]) == len(body),
              f"malformed on {service}: 200, complete body, does not parse")

    for service in ("sts", "iam"):
        emu.fault(operation=BODIES[service][0], kind="truncate")
        got, ending = raw_socket_exchange(emu, service, sign=service == "iam")
        head, _, body = got.partition(b"\r\n\r\n")
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        check(head.startswith(b"HTTP/1.1 ") and length > 0 and len(body) == length // 2
              and ending == "eof",
              f"truncate on {service}: {len(body)} of {length} body bytes, then close")

    emu.fault(operation="GetCallerIdentity", kind="reset")
    got, ending = raw_socket_exchange(emu, "sts")
    check(got == b"" and ending in ("reset", "eof"), f"reset: no answer, connection {ending}")
    c = emu.conn()
    emu.fault(operation="GetCallerIdentity", kind="reset")
    try:
        c.request("POST", "/", body=BODIES["sts"][1])
        c.getresponse()
        outcome = "answered"
    except (ConnectionError, OSError, Exception) as e:  # http.client raises RemoteDisconnected
        outcome = type(e).__name__
    c.close()
    check(outcome != "answered", f"reset seen by http.client as {outcome}")
    check_eq(signed(emu, "sts")[0], 200, "the server carries on after a reset")


def test_request_log(emu):
    emu.reset()
    signed(emu, "sts")
    raw(emu, "organizations")
    emu.fault(operation="DescribeVpcEndpoints", kind="throttle")
    signed(emu, "ec2", region="eu-west-1")
    log = emu.requests()
    check_eq([e["seq"] for e in log], [1, 2, 3], "seq numbers from 1")
    e1, e2, e3 = log
    want_keys = {"seq", "service", "operation", "params", "headers", "access_key_id",
                 "signature_valid", "status", "fault"}
    check(all(want_keys <= set(e) for e in log), "entries carry the contract's fields")
    check_eq((e1["service"], e1["operation"], e1["params"], e1["access_key_id"],
              e1["signature_valid"], e1["status"], e1["fault"]),
             ("sts", "GetCallerIdentity", {"Action": "GetCallerIdentity", "Version": "2011-06-15"},
              AKID, True, 200, None), "signed STS call logged")
    check(all(k == k.lower() for k in e1["headers"]) and "authorization" in e1["headers"]
          and "x-amz-date" in e1["headers"], "headers have lower-case names")
    check_eq((e2["service"], e2["operation"], e2["params"], e2["access_key_id"],
              e2["signature_valid"], e2["status"]),
             ("organizations", "ListRoots", {}, None, False, 400), "unsigned JSON call logged")
    check_eq((e3["service"], e3["region"], e3["status"], e3["fault"], e3["signature_valid"]),
             ("ec2", "eu-west-1", 503, "throttle", True), "faulted EC2 call logged")


def test_scenario_replacement(emu):
    with open(BASIC, encoding="utf-8") as f:
        sc = json.load(f)
    sc["credentials"][0]["principal"] = "arn:aws:iam::111122223333:user/ci-deployer"
    st, body = emu.control("POST", "/_emu/scenario", sc)
    check_eq(st, 200, "scenario replaced")
    st, _, body = signed(emu, "sts")
    check("<Arn>arn:aws:iam::111122223333:user/automation/ci-deployer</Arn>" not in body.decode()
          and "user/ci-deployer" in body.decode(), "the new scenario answers")
    bad = dict(sc)
    bad["organization"] = dict(sc["organization"], ous=[{"id": "ou-x", "name": "X",
                                                         "parent": "ou-missing"}])
    st, body = emu.control("POST", "/_emu/scenario", bad)
    check(st == 400 and "$.organization.ous[0].parent" in body.get("error", ""),
          f"bad scenario refused naming the JSON path: {body.get('error')}")
    st, body = emu.control("POST", "/_emu/scenario", b"{not json")
    check(st == 400 and "invalid JSON" in body.get("error", ""), "non-JSON scenario refused")
    st, _, body = signed(emu, "sts")
    check("user/ci-deployer" in body.decode(), "a refused scenario leaves the current one")


def test_hostile_input(emu):
    """Garbage must get an error answer (or a closed connection), never a traceback."""
    def send_raw(data):
        s = socket.create_connection(("127.0.0.1", emu.port), timeout=5)
        s.sendall(data)
        try:
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        got = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
        except (ConnectionResetError, socket.timeout):
            pass
        s.close()
        return got

    def status(got):
        line = got.split(b"\r\n", 1)[0]
        return int(line.split()[1]) if line.startswith(b"HTTP/") else None

    org = (b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AWSOrganizationsV20161128.ListRoots\r\n"
           b"Content-Type: application/x-amz-json-1.1\r\nContent-Length: %d\r\n\r\n")
    cases = [
        ("binary garbage", b"\x00\xff\xfe garbage\r\n\r\n", (400, None)),
        ("huge Content-Length", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n",
         (413,)),
        ("non-numeric Content-Length", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n",
         (413,)),
        ("bad chunk size", b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
         (413,)),
        ("non-JSON Organizations body", org % 5 + b"{{{{{", (400,)),
        ("JSON array body", org % 2 + b"[]", (400,)),
        ("invalid UTF-8 form", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n\xff\xfe\xfd\xfc",
         (400, 403)),
        ("unknown target", b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: Nope.Op\r\nContent-Length: 0\r\n\r\n",
         (400,)),
        ("Authorization nonsense", b"POST / HTTP/1.1\r\nHost: x\r\nAuthorization: AWS4-HMAC-SHA256 "
         b"Credential=a/b/c/sts/aws4_request, SignedHeaders=;;;, Signature=\xff\r\nContent-Length: 0"
         b"\r\n\r\n", (400, 403)),
        ("chunked body", b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
         b"2b\r\nAction=GetCallerIdentity&Version=2011-06-15\r\n0\r\n\r\n", (403,)),
    ]
    for what, data, statuses in cases:
        got = send_raw(data)
        check(status(got) in statuses, f"hostile input, {what}: HTTP {status(got)}")
    check_eq(signed(emu, "sts")[0], 200, "still serving after hostile input")


def test_process_lifecycle():
    with Emulator() as emu:
        names = sorted(os.listdir(emu.dir))
        check_eq(names, ["log", "port", "stderr"], "only the port file, log and stderr (no temp file left)")
        with open(emu.port_file) as f:
            check_eq(f.read(), f"{emu.port}\n", "port file holds the port and a newline")
        print(f"# startup: {emu.startup_seconds:.3f} s to the port file")
        check_eq(emu.control("GET", "/_emu/health"), (200, {"ok": True}), "health")
        check_eq(emu.control("GET", "/_emu/nope")[0], 404, "unknown control endpoint: 404")
        st, _ = emu.control("POST", "/_emu/shutdown", b"")
        try:
            rc = emu.proc.wait(10)
        except subprocess.TimeoutExpired:
            rc = None
        check_eq((st, rc), (200, 0), "POST /_emu/shutdown answers and exits 0")
    with Emulator() as emu:
        emu.proc.send_signal(signal.SIGTERM)
        check_eq(emu.proc.wait(10), 0, "SIGTERM: exit 0")
    with Emulator() as emu:
        emu.proc.send_signal(signal.SIGINT)
        check_eq(emu.proc.wait(10), 0, "SIGINT: exit 0")

    # The port file is replaced by rename, never rewritten in place: a reader
    # polling for it sees nothing or the whole number.
    sys.path.insert(0, os.path.dirname(EMULATOR))
    import emulator
    import tempfile
    d = tempfile.mkdtemp()
    p = os.path.join(d, "port")
    with open(p, "w") as f:
        f.write("stale")
    before = os.stat(p).st_ino
    emulator.write_port_file(p, 4242)
    with open(p) as f:
        content = f.read()
    check(os.stat(p).st_ino != before and content == "4242\n" and os.listdir(d) == ["port"],
          "write_port_file renames a complete temp file over the old one")
    os.unlink(p)
    os.rmdir(d)

    bad = subprocess.run([PYTHON, EMULATOR, "--scenario", "/nonexistent.json", "--port-file",
                          "/tmp/never"], capture_output=True, text=True)
    check(bad.returncode == 2 and "/nonexistent.json" in bad.stderr,
          "missing scenario: exit 2 naming the file")
    bad = subprocess.run([PYTHON, EMULATOR, "--scenario", BASIC, "--port-file", "/tmp/never",
                          "--host", "0.0.0.0"], capture_output=True, text=True)
    check(bad.returncode == 2, "non-loopback --host refused")


def main():
    with Emulator() as emu:
        test_error_kinds(emu)
        test_count_and_matching(emu)
        test_other_kinds(emu)
        test_request_log(emu)
        test_scenario_replacement(emu)
        test_hostile_input(emu)
    test_process_lifecycle()
    finish()


if __name__ == "__main__":
    main()
