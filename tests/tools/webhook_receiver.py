#!/usr/bin/env python3
"""Loopback webhook receiver for the alert tests.

Listens on 127.0.0.1 (a free port, written to --port-file), accepts POSTs
of passrole-auditd alerts and records them. It verifies what a real
receiver should verify, independently of the C code:

  * X-Passrole-Auditd-Signature == "sha256=" + hex(HMAC-SHA256(secret,
    X-Passrole-Auditd-Timestamp + "." + body)), compared in constant time,
    with the timestamp within --max-skew seconds of now;
  * X-Passrole-Auditd-Alert-Id is 64 hex digits and, for the json format,
    equals the body's "id";
  * the body is JSON.

A request that fails a check is answered 401 (and counted as bad). It can be
told to answer 500 to the next N requests (--fail N, or POST /_ctl/fail
{"n": N}) and to wait --delay-ms before answering (after recording), which
the kill -9 test uses to stop the sender between "receiver has it" and
"sender recorded it".

Control (GET): /_ctl/summary -> {"posts", "accepted", "unique", "duplicates",
"bad", "failed_answers", "ids": [unique ids in first-arrival order]};
/_ctl/deliveries -> every accepted delivery. Accepted deliveries are also
appended to --log as JSON lines (id, timestamp, body) when given.
With --tls-cert/--tls-key it serves HTTPS (the proxy test).
"""
import argparse
import hashlib
import hmac
import json
import os
import ssl
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

ID_RE = re.compile(r"^[0-9a-f]{64}$")


class State:
    def __init__(self, secret, fail, delay_ms, max_skew, log):
        self.lock = threading.Lock()
        self.secret = secret
        self.fail = fail
        self.delay_ms = delay_ms
        self.max_skew = max_skew
        self.log = log
        self.posts = 0
        self.failed_answers = 0
        self.bad = []
        self.deliveries = []
        self.ids = []
        self.seen = set()


class Handler(BaseHTTPRequestHandler):
    server_version = "webhook-receiver"

    def log_message(self, fmt, *args):  # keep test output clean
        pass

    def _json(self, code, obj):
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass        # the sender was killed (outbox-kill9.sh): expected

    def do_GET(self):
        st = self.server.st
        with st.lock:
            if self.path == "/_ctl/summary":
                self._json(200, {
                    "posts": st.posts,
                    "accepted": len(st.deliveries),
                    "unique": len(st.ids),
                    "duplicates": len(st.deliveries) - len(st.ids),
                    "bad": len(st.bad),
                    "bad_reasons": st.bad[:10],
                    "failed_answers": st.failed_answers,
                    "ids": st.ids,
                })
            elif self.path == "/_ctl/deliveries":
                self._json(200, st.deliveries)
            else:
                self._json(404, {"error": "no such path"})

    def _check(self, body):
        st = self.server.st
        aid = self.headers.get("X-Passrole-Auditd-Alert-Id", "")
        if not ID_RE.match(aid):
            return None, "alert id header missing or not 64 hex digits"
        try:
            doc = json.loads(body)
        except ValueError:
            return None, "body is not JSON"
        if "blocks" not in doc and doc.get("id") != aid:
            return None, "body id differs from the header"
        if st.secret is not None:
            ts = self.headers.get("X-Passrole-Auditd-Timestamp", "")
            sig = self.headers.get("X-Passrole-Auditd-Signature", "")
            if not ts.isdigit():
                return None, "timestamp header missing"
            if abs(time.time() - int(ts)) > st.max_skew:
                return None, "timestamp outside the replay window"
            want = "sha256=" + hmac.new(st.secret, ts.encode() + b"." + body,
                                        hashlib.sha256).hexdigest()
            if not hmac.compare_digest(want, sig):
                return None, "signature mismatch"
        return (aid, doc), None

    def do_POST(self):
        st = self.server.st
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        if self.path == "/_ctl/fail":
            with st.lock:
                st.fail = int(json.loads(body or b"{}").get("n", 0))
            self._json(200, {"fail": st.fail})
            return
        with st.lock:
            st.posts += 1
            if st.fail > 0:
                st.fail -= 1
                st.failed_answers += 1
                self._json(500, {"error": "told to fail"})
                return
            ok, why = self._check(body)
            if ok is None:
                st.bad.append(why)
                self._json(401, {"error": why})
                return
            aid, doc = ok
            rec = {"id": aid, "ts": self.headers.get("X-Passrole-Auditd-Timestamp"),
                   "headers": {k: v for k, v in self.headers.items()
                               if k.lower().startswith("x-") or k.lower() == "authorization"},
                   "body": doc}
            st.deliveries.append(rec)
            if aid not in st.seen:
                st.seen.add(aid)
                st.ids.append(aid)
            if st.log is not None:
                st.log.write(json.dumps(rec) + "\n")
                st.log.flush()
            delay = st.delay_ms
        if delay > 0:
            time.sleep(delay / 1000.0)
        self._json(200, {"ok": True})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--secret-file")
    ap.add_argument("--fail", type=int, default=0)
    ap.add_argument("--delay-ms", type=int, default=0)
    ap.add_argument("--max-skew", type=int, default=300)
    ap.add_argument("--log")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    a = ap.parse_args()
    secret = None
    if a.secret_file:
        with open(a.secret_file, "rb") as f:
            secret = f.read().rstrip(b"\r\n")
    log = open(a.log, "a") if a.log else None
    srv = HTTPServer(("127.0.0.1", 0), Handler)
    srv.st = State(secret, a.fail, a.delay_ms, a.max_skew, log)
    if a.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, a.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
