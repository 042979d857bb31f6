"""Helpers for the emulator's own tests: start/stop it, call its control API,
make botocore clients. Imported by tests/emulator/test_*.py only."""

import http.client
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.environ.get("top_srcdir") or os.path.dirname(os.path.dirname(HERE))
EMULATOR = os.path.join(TOP, "tests", "emulator", "emulator.py")
SCENARIOS = os.path.join(TOP, "tests", "data", "scenarios")
BASIC = os.path.join(SCENARIOS, "basic.json")
PYTHON = os.environ.get("PYTHON3") or "/usr/bin/python3"

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

failures = []


def check(cond, what):
    """Record a failed expectation (and keep going, to report them all)."""
    if cond:
        print(f"ok - {what}")
    else:
        print(f"FAIL - {what}")
        failures.append(what)


def check_eq(got, want, what):
    if got == want:
        print(f"ok - {what}")
    else:
        print(f"FAIL - {what}\n   got:  {got!r}\n   want: {want!r}")
        failures.append(what)


def finish():
    if failures:
        print(f"{len(failures)} check(s) failed:")
        for f in failures:
            print(f"  - {f}")
        sys.exit(1)
    print("all checks passed")
    sys.exit(0)


class Emulator:
    """An emulator process on a free loopback port; use as a context manager."""

    def __init__(self, scenario=BASIC, args=(), scheme="http"):
        self.dir = tempfile.mkdtemp(prefix="emutest.")
        self.port_file = os.path.join(self.dir, "port")
        self.scheme = scheme
        self.started = time.monotonic()
        # stderr to a file, not a pipe nobody reads: a chatty emulator must not block.
        self.stderr_path = os.path.join(self.dir, "stderr")
        with open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(
                [PYTHON, EMULATOR, "--scenario", scenario, "--port-file", self.port_file,
                 "--log", os.path.join(self.dir, "log"), *args],
                stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.monotonic() + 10
        while not os.path.exists(self.port_file):
            if self.proc.poll() is not None:
                with open(self.stderr_path, "rb") as f:
                    msg = f.read().decode(errors="replace")
                self.stop()
                raise RuntimeError("emulator exited: " + msg)
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("emulator did not write its port file within 10 s")
            time.sleep(0.01)
        self.startup_seconds = time.monotonic() - self.started
        with open(self.port_file) as f:
            self.port = int(f.read())
        self.url = f"{scheme}://127.0.0.1:{self.port}"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not os.path.isdir(self.dir):
            return
        with open(self.stderr_path, "rb") as f:
            err = f.read().decode(errors="replace")
        if err.strip():
            # Emulator tracebacks belong in the test log.
            print("# emulator stderr:\n# " + err.strip().replace("\n", "\n# "))
            check("Traceback" not in err, "the emulator printed no traceback")
        for name in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, name))
        os.rmdir(self.dir)

    def conn(self):
        if self.scheme == "https":
            import ssl
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE  # loopback test endpoint with a throwaway cert
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=30, context=ctx)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def control(self, method, path, body=None):
        c = self.conn()
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        c.request(method, path, body=data, headers={"Content-Type": "application/json"})
        r = c.getresponse()
        out = r.status, json.loads(r.read() or b"null")
        c.close()
        return out

    def fault(self, **spec):
        status, body = self.control("POST", "/_emu/fault", spec)
        if status != 200:
            raise RuntimeError(f"fault refused: {body}")

    def requests(self):
        return self.control("GET", "/_emu/requests")[1]

    def reset(self):
        self.control("POST", "/_emu/reset", b"")


def client(emu, service, region="us-east-1", akid=AKID, secret=SECRET, token=None, **cfg):
    """A botocore client for the emulator (no retries unless asked)."""
    import botocore.config
    import botocore.session
    s = botocore.session.Session()
    s.set_credentials(akid, secret, token)
    config = botocore.config.Config(retries={"max_attempts": cfg.pop("attempts", 1),
                                             "mode": "standard"}, **cfg)
    return s.create_client(service, region_name=region, endpoint_url=emu.url, config=config,
                           verify=False)


def signed_request(emu, service, body, region="us-east-1", akid=AKID, secret=SECRET,
                   token=None, headers=None, amz_date=None, method="POST", path="/"):
    """Sign `body` with botocore's SigV4Auth and send it with http.client.

    Returns (status, lower-case header dict, body bytes). `amz_date`
    overrides the signing time (YYYYMMDDTHHMMSSZ) for skew tests.
    """
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials
    hdrs = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    hdrs.update(headers or {})
    url = f"http://127.0.0.1:{emu.port}{path}"
    req = botocore.awsrequest.AWSRequest(method=method, url=url, data=body, headers=hdrs)
    creds = botocore.credentials.Credentials(akid, secret, token)
    signer = botocore.auth.SigV4Auth(creds, service, region)
    if amz_date is None:
        signer.add_auth(req)
    else:
        # Sign as of another time: the same steps as add_auth with a fixed clock.
        req.context["timestamp"] = amz_date
        req.headers["X-Amz-Date"] = amz_date
        if token:
            req.headers["X-Amz-Security-Token"] = token
        canonical = signer.canonical_request(req)
        sig = signer.signature(signer.string_to_sign(req, canonical), req)
        signer._inject_signature_to_request(req, sig)
    prepared = req.prepare()
    c = emu.conn()
    c.request(method, path, body=prepared.body, headers=dict(prepared.headers))
    r = c.getresponse()
    out = r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    c.close()
    return out


def amz_date(offset_seconds=0):
    import datetime
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=offset_seconds)
    return t.strftime("%Y%m%dT%H%M%SZ")
