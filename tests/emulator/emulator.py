#!/usr/bin/python3
"""Loopback AWS emulator for passrole-auditd's integration tests.

    emulator.py --scenario FILE.json --port-file PATH [--host 127.0.0.1] [--port 0]
                [--log FILE] [--tls-cert CERT.pem --tls-key KEY.pem] [--latency-ms N]

Serves STS, IAM, EC2 and Organizations on one port until SIGTERM/SIGINT or
POST /_emu/shutdown. See README.md in this directory.
"""

import argparse
import os
import signal
import ssl
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from awsemu import sigv4  # noqa: E402
from awsemu.scenario import ScenarioError, load_file  # noqa: E402
from awsemu.server import EmulatorServer, State  # noqa: E402


def write_port_file(path, port):
    """Write the port so a reader never sees a partial file: temp file + rename."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".port.", dir=directory)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def main(argv=None):
    ap = argparse.ArgumentParser(description="Loopback AWS emulator (STS, IAM, EC2, Organizations)")
    ap.add_argument("--scenario", required=True, help="scenario JSON file")
    ap.add_argument("--port-file", required=True, help="file that receives the port when ready")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0 (default) picks a free port")
    ap.add_argument("--log", help="append a line per request to this file")
    ap.add_argument("--tls-cert", help="PEM certificate: serve HTTPS")
    ap.add_argument("--tls-key", help="PEM private key for --tls-cert")
    ap.add_argument("--latency-ms", type=int, default=0, help="fixed delay per AWS call")
    args = ap.parse_args(argv)

    if args.host not in ("127.0.0.1", "::1", "localhost"):
        ap.error("the emulator only listens on loopback addresses")
    if bool(args.tls_cert) != bool(args.tls_key):
        ap.error("--tls-cert and --tls-key go together")
    if args.latency_ms < 0:
        ap.error("--latency-ms must not be negative")
    try:
        scenario = load_file(args.scenario)
    except ScenarioError as e:
        print(f"emulator: {e}", file=sys.stderr)
        return 2

    tls = None
    if args.tls_cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        try:
            tls.load_cert_chain(args.tls_cert, args.tls_key)
        except (OSError, ssl.SSLError) as e:
            print(f"emulator: cannot load {args.tls_cert}/{args.tls_key}: {e}", file=sys.stderr)
            return 2

    log_file = open(args.log, "a", encoding="utf-8") if args.log else None
    state = State(scenario, args.latency_ms, log_file)
    try:
        server = EmulatorServer((args.host, args.port), state, tls)
    except OSError as e:
        print(f"emulator: cannot listen on {args.host}:{args.port}: {e.strerror}", file=sys.stderr)
        return 2

    def stop(signum, frame):
        server.stop_soon()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # botocore loads in the background: the port file appears at once and the
    # first signed request waits for the import only if it arrives earlier.
    threading.Thread(target=sigv4.warm_up, daemon=True).start()
    write_port_file(args.port_file, server.server_address[1])
    state.log(f"listening on {args.host}:{server.server_address[1]}"
              f"{' (TLS)' if tls else ''}; scenario {args.scenario}")
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()
        if log_file:
            log_file.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
