#!/usr/bin/env python3
"""Unix datagram syslog receiver for the alert tests: binds --socket and
appends every datagram it receives, as one line, to --out (flushed at
once). Writes --ready when bound. Stops on SIGTERM."""
import argparse
import os
import signal
import socket
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--socket", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ready", required=True)
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        os.unlink(a.socket)
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(a.socket)
    with open(a.ready, "w") as f:
        f.write("ready\n")
    with open(a.out, "ab") as out:
        while True:
            data = s.recv(65536)
            out.write(data.replace(b"\n", b" ") + b"\n")
            out.flush()


if __name__ == "__main__":
    sys.exit(main())
