#!/usr/bin/env python3
"""Loopback mock of the EC2 instance metadata service (IMDSv2), the ECS/EKS
container credentials endpoint and STS AssumeRoleWithWebIdentity, for the
credential chain tests. Standard library only; listens on 127.0.0.1.

    mock_metadata.py --port-file PATH [--data DIR]

Control (JSON bodies):
  POST /_mock/config    merge keys into the behaviour (see DEFAULTS)
  GET  /_mock/requests  every request so far: method, path, headers, body
  POST /_mock/reset     defaults again, empty request log, tokens forgotten
  POST /_mock/replay    {"file": PATH}: answer from a smithy-rs recorded
                        http-traffic.json instead: each recorded response is
                        used once, for the first request with its method and
                        path; an unmatched request gets 599
"""
import argparse
import json
import os
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEFAULTS = {
    "token_status": 200,          # status of PUT /latest/api/token
    "token_delay_ms": 0,          # delay before answering the token PUT
    "require_token": True,        # IMDSv2: GETs without a valid token get 401
    "role": "imds-assume-role-test",  # null: 404 on the role list
    "imds_credentials": None,     # JSON object; None: the recorded sample
    "revoke_tokens": False,       # every token issued so far answers 401
    "ecs_auth": None,             # required Authorization value, None: none
    "ecs_status": 200,
    "ecs_credentials": None,      # JSON object; None: the recorded sample
    "sts_status": 200,
    "sts_body": None,             # raw XML; None: a success for the role
}

STATE_LOCK = threading.Lock()


class State:
    def __init__(self, data_dir):
        self.data_dir = data_dir
        self.reset()

    def reset(self):
        self.cfg = dict(DEFAULTS)
        self.requests = []
        self.tokens = {}
        self.serial = 0
        self.replay = None

    def sample(self, name):
        with open(os.path.join(self.data_dir, name), "rb") as f:
            return f.read()


STATE = None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def _send(self, status, body=b"", ctype="text/plain", headers=None):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def _record(self, body):
        with STATE_LOCK:
            STATE.requests.append({
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace"),
            })

    def _control(self, body):
        if self.path == "/_mock/config" and self.command == "POST":
            with STATE_LOCK:
                STATE.cfg.update(json.loads(body or b"{}"))
            return self._send(200, "{}", "application/json")
        if self.path == "/_mock/requests":
            with STATE_LOCK:
                out = json.dumps(STATE.requests)
            return self._send(200, out, "application/json")
        if self.path == "/_mock/reset" and self.command == "POST":
            with STATE_LOCK:
                STATE.reset()
            return self._send(200, "{}", "application/json")
        if self.path == "/_mock/replay" and self.command == "POST":
            exchanges = load_replay(json.loads(body)["file"])
            with STATE_LOCK:
                STATE.replay = exchanges
            return self._send(200, "{}", "application/json")
        return self._send(404, "unknown control path")

    def _token_ok(self):
        tok = self.headers.get("X-aws-ec2-metadata-token")
        with STATE_LOCK:
            cfg = STATE.cfg
            if tok is None:
                return not cfg["require_token"]
            exp = STATE.tokens.get(tok)
            if exp is None or cfg["revoke_tokens"]:
                return False
            return time.time() < exp

    def _imds(self, body):
        cfg = STATE.cfg
        if self.path == "/latest/api/token":
            if self.command != "PUT":
                return self._send(405, "")
            if cfg["token_delay_ms"]:
                time.sleep(cfg["token_delay_ms"] / 1000.0)
            if cfg["token_status"] != 200:
                return self._send(cfg["token_status"], "", "text/xml")
            ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
            if ttl is None or not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
                return self._send(400, "")
            with STATE_LOCK:
                STATE.serial += 1
                tok = "mocktoken-%d==" % STATE.serial
                STATE.tokens[tok] = time.time() + int(ttl)
                STATE.cfg["revoke_tokens"] = False
            return self._send(200, tok, headers={"X-aws-ec2-metadata-token-ttl-seconds": ttl})
        if not self._token_ok():
            return self._send(401, "")
        base = "/latest/meta-data/iam/security-credentials/"
        if self.path == base:
            if cfg["role"] is None:
                return self._send(404, STATE.sample(
                    "imds/security-credentials.list.404-no-role.response.html"), "text/html")
            return self._send(200, cfg["role"])
        if self.path == base + str(cfg["role"]):
            if cfg["imds_credentials"] is not None:
                return self._send(200, json.dumps(cfg["imds_credentials"]))
            return self._send(200, STATE.sample("imds/security-credentials.role.response.json"))
        return self._send(404, "")

    def _ecs(self):
        cfg = STATE.cfg
        if cfg["ecs_auth"] is not None and self.headers.get("Authorization") != cfg["ecs_auth"]:
            return self._send(401, '{"code":"AccessDenied","message":"bad token"}',
                              "application/json")
        if cfg["ecs_status"] != 200:
            return self._send(cfg["ecs_status"], '{"code":"Busy","message":"try later"}',
                              "application/json")
        if cfg["ecs_credentials"] is not None:
            return self._send(200, json.dumps(cfg["ecs_credentials"]), "application/json")
        return self._send(200, STATE.sample("ecs/container-credentials.response.json"),
                          "application/json")

    def _sts(self, body):
        cfg = STATE.cfg
        params = urllib.parse.parse_qs(body.decode(), keep_blank_values=True)
        if cfg["sts_body"] is not None:
            return self._send(cfg["sts_status"], cfg["sts_body"], "text/xml")
        action = params.get("Action", [""])[0]
        role = params.get("RoleArn", [""])[0]
        sess = params.get("RoleSessionName", [""])[0]
        xml = ("<%sResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><%sResult>"
               "<Credentials><AccessKeyId>ASIAWEBIDENTITY</AccessKeyId>"
               "<SecretAccessKey>webidentitysecretkey0123456789</SecretAccessKey>"
               "<SessionToken>webidentitysessiontoken0123456789</SessionToken>"
               "<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>"
               "<AssumedRoleUser><Arn>%s/%s</Arn></AssumedRoleUser>"
               "</%sResult></%sResponse>") % (action, action, role, sess, action, action)
        return self._send(cfg["sts_status"], xml, "text/xml")

    def _replay(self):
        with STATE_LOCK:
            for ex in STATE.replay:
                if not ex["used"] and ex["method"] == self.command and ex["path"] == self.path:
                    ex["used"] = True
                    break
            else:
                ex = None
        if ex is None:
            return self._send(599, "no recorded exchange for %s %s" % (self.command, self.path))
        hdrs = {k: v[0] for k, v in ex["headers"].items()
                if k.lower() not in ("content-length", "connection", "content-type", "date",
                                     "server")}
        ctype = ex["headers"].get("content-type", ["text/plain"])[0]
        return self._send(ex["status"], ex["body"], ctype, hdrs)

    def _dispatch(self):
        body = self._body()
        if self.path.startswith("/_mock/"):
            return self._control(body)
        self._record(body)
        if STATE.replay is not None:
            return self._replay()
        if self.path.startswith("/latest/"):
            return self._imds(body)
        if self.path.startswith("/ecs/") or self.path.startswith("/v2/credentials"):
            return self._ecs()
        if self.path == "/" and self.command == "POST":
            return self._sts(body)
        return self._send(404, "")

    do_GET = do_PUT = do_POST = _dispatch


def load_replay(path):
    """Requests and responses of a recorded traffic file, in order."""
    with open(path) as f:
        events = json.load(f)["events"]
    conns = {}
    order = []
    for ev in events:
        cid = ev["connection_id"]
        act = ev["action"]
        if cid not in conns:
            conns[cid] = {"method": None, "path": None, "status": None, "headers": {},
                          "body": "", "used": False}
            order.append(cid)
        ex = conns[cid]
        if "Request" in act:
            req = act["Request"]["request"]
            ex["method"] = req["method"]
            ex["path"] = urllib.parse.urlsplit(req["uri"]).path or "/"
        elif "Response" in act:
            resp = act["Response"]["response"]["Ok"]
            ex["status"] = resp["status"]
            ex["headers"] = {k.lower(): v for k, v in resp["headers"].items()}
        elif "Data" in act and act["Data"]["direction"] == "Response":
            ex["body"] += act["Data"]["data"]["Utf8"]
    return [conns[c] for c in order if conns[c]["status"] is not None]


def main():
    global STATE
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--data", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                   "..", "data", "credentials"))
    args = ap.parse_args()
    STATE = State(args.data)
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, args.port_file)

    def stop(*_):
        threading.Thread(target=srv.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    srv.serve_forever()
    srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
