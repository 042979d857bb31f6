#!/usr/bin/env python3
"""Loopback HTTPS proxy for the proxy test: CONNECT only, like the proxies
security teams put between servers and the internet.

Listens on 127.0.0.1 (a free port, written to --port-file). Each CONNECT
HOST:PORT is answered by a tunnel to 127.0.0.1:PORT (--to), whatever HOST
is, so a test can name a host that resolves nowhere and still reach its own
loopback servers, and be sure that a request that arrived went through here.
Every request line is appended to --log as "CONNECT HOST:PORT" (or the
method and target of anything else, which is refused with 405), followed by
" auth=ok", " auth=missing" or " auth=wrong" when --auth USER:PASSWORD asks
for Basic proxy authentication (407 without it). The password is never
logged. Nothing but 127.0.0.1 is ever connected to.
"""
import argparse
import base64
import os
import select
import socket
import socketserver
import sys
import threading


class Handler(socketserver.BaseRequestHandler):
    def log(self, line):
        with self.server.log_lock, open(self.server.log_path, "a") as f:
            f.write(line + "\n")

    def answer(self, status):
        self.request.sendall(f"HTTP/1.1 {status}\r\nContent-Length: 0\r\n"
                             "Connection: close\r\n".encode()
                             + (b'Proxy-Authenticate: Basic realm="test"\r\n'
                                if status.startswith("407") else b"") + b"\r\n")

    def handle(self):
        sock = self.request
        sock.settimeout(10)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = sock.recv(4096)
            if not chunk or len(head) > 65536:
                return
            head += chunk
        lines = head.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        method, target = (parts + ["", ""])[:2]
        headers = {}
        for h in lines[1:]:
            k, _, v = h.partition(":")
            headers[k.strip().lower()] = v.strip()
        line = f"{method} {target}"
        auth = ""
        if self.server.auth is not None:
            got = headers.get("proxy-authorization", "")
            want = "Basic " + base64.b64encode(self.server.auth.encode()).decode()
            auth = " auth=ok" if got == want else " auth=missing" if not got else " auth=wrong"
        self.log(line + auth)
        if method != "CONNECT":
            self.answer("405 Method Not Allowed")
            return
        if auth and auth != " auth=ok":
            self.answer("407 Proxy Authentication Required")
            return
        port = target.rsplit(":", 1)[-1]
        try:
            up = socket.create_connection((self.server.to, int(port)), timeout=10)
        except (OSError, ValueError):
            self.answer("502 Bad Gateway")
            return
        sock.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        self.relay(sock, up)

    @staticmethod
    def relay(a, b):
        a.settimeout(None)
        b.settimeout(None)
        try:
            while True:
                r, _, _ = select.select([a, b], [], [], 30)
                if not r:
                    return
                for s in r:
                    data = s.recv(65536)
                    if not data:
                        return
                    (b if s is a else a).sendall(data)
        except OSError:
            return
        finally:
            b.close()


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--auth", help="USER:PASSWORD required as Basic proxy authentication")
    ap.add_argument("--to", default="127.0.0.1", choices=["127.0.0.1"])
    a = ap.parse_args()
    srv = Server(("127.0.0.1", 0), Handler)
    srv.log_path = a.log
    srv.log_lock = threading.Lock()
    srv.auth = a.auth
    srv.to = a.to
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
