"""HTTP(S) server: reads requests, routes AWS calls and control calls.

One port serves every service. An AWS call goes through: classify (service
from the SigV4 scope or X-Amz-Target, operation from Action or the target),
the fixed --latency-ms delay, fault injection, authentication, the caller's
scenario `deny` list, the service's operation, and rendering in the
service's protocol. Every AWS call is appended to the request log.
"""

import fnmatch
import io
import json
import socket
import ssl
import struct
import sys
import threading
import time
import traceback
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from . import auth, control, ec2, faults, iam, organizations, sts, wire
from .errors import AwsError
from .reqlog import RequestLog

MAX_BODY = 8 * 1024 * 1024
ORG_TARGET = "AWSOrganizationsV20161128."
VERSIONS = {"2010-05-08": "iam", "2011-06-15": "sts", "2016-11-15": "ec2"}
SERVICES = {"sts": sts.OPERATIONS, "iam": iam.OPERATIONS, "ec2": ec2.OPERATIONS,
            "organizations": organizations.OPERATIONS}


class State:
    """Everything the handlers share; the scenario is swapped as a whole."""

    def __init__(self, scenario, latency_ms=0, log_file=None):
        self.scenario = scenario
        self.latency_ms = latency_ms
        self.faults = faults.FaultQueue()
        self.requests = RequestLog()
        self.sessions = auth.Sessions()
        self.log_file = log_file
        self._log_lock = threading.Lock()

    def replace_scenario(self, scenario):
        self.scenario = scenario
        # Issued sessions belong to roles of the old scenario.
        self.sessions.clear()

    def log(self, line):
        if self.log_file is None:
            return
        with self._log_lock:
            self.log_file.write(line + "\n")
            self.log_file.flush()


class Request:
    """A received request: method, host, path, decoded params, header pairs, body."""

    def __init__(self, method, target, headers, body):
        parts = urlsplit(target)
        self.method = method
        self.path = parts.path or "/"
        self.query = parts.query
        self.headers = [(k, v) for k, v in headers.items()]
        self._lower = {}
        for k, v in self.headers:
            self._lower.setdefault(k.lower(), v)
        self.body = body
        self.params = parse_qsl(self.query, keep_blank_values=True)

    def header(self, name):
        return self._lower.get(name.lower())


class Context:
    """What an operation handler sees."""

    def __init__(self, state, scenario, service, operation, params, region, caller, request):
        self.scenario = scenario
        self.sessions = state.sessions
        self.service = service
        self.operation = operation
        self.params = params
        self.region = region
        self.caller = caller
        self.request = request


def _classify(req):
    """(service, operation, params dict, protocol error or None) of an AWS call."""
    target = req.header("x-amz-target")
    if target is not None:
        if not target.startswith(ORG_TARGET):
            return "organizations", target, {}, AwsError(
                "UnknownOperationException", f"Unknown target {target}", 400)
        op = target[len(ORG_TARGET):]
        try:
            params = json.loads(req.body.decode("utf-8")) if req.body.strip() else {}
        except (UnicodeDecodeError, ValueError):
            return "organizations", op, {}, AwsError("SerializationException",
                                                     "Start of structure or map found where not expected.")
        if not isinstance(params, dict):
            return "organizations", op, {}, AwsError("SerializationException",
                                                     "Start of structure or map expected.")
        return "organizations", op, params, None
    pairs = list(req.params)
    ctype = (req.header("content-type") or "").lower()
    if req.method == "POST" and (ctype.startswith("application/x-www-form-urlencoded") or not ctype):
        try:
            pairs += parse_qsl(req.body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            pass
    params = dict(pairs)
    service = None
    authz = req.header("authorization") or ""
    if "Credential=" in authz:
        scope = authz.split("Credential=", 1)[1].split(",", 1)[0].split("/")
        if len(scope) == 5:
            service = scope[3]
    if service is None:
        service = VERSIONS.get(params.get("Version", ""), "sts")
    op = params.get("Action", "")
    if service not in SERVICES:
        return "sts", op, params, AwsError("InvalidAction", f"The service '{service}' is not "
                                           "emulated here (sts, iam, ec2, organizations)")
    if not op:
        return service, op, params, AwsError("MissingAction", "Missing Action")
    return service, op, params, None


def _caller_identity(caller):
    return None if caller is None else {k: caller.get(k) for k in ("arn", "account", "user_id")}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "AmazonWebServices"
    sys_version = ""
    timeout = 60

    def setup(self):
        self._tls_failed = False
        # Headers and body go out in separate writes; without TCP_NODELAY
        # Nagle's algorithm and delayed ACKs add ~40 ms to every answer.
        try:
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(10)
            try:
                self.request.do_handshake()
            except (ssl.SSLError, OSError):
                self._tls_failed = True
        super().setup()

    def handle(self):
        if self._tls_failed:
            self.close_connection = True
            return
        super().handle()

    def version_string(self):
        return self.server_version

    def log_message(self, fmt, *args):
        self.server.state.log("%s - %s" % (self.address_string(), fmt % args))

    # -- I/O ---------------------------------------------------------------
    def _read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if te == "chunked":
            chunks, total = [], 0
            while True:
                line = self.rfile.readline(1024)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    raise ValueError("body too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY:
            raise ValueError("body too large")
        return self.rfile.read(length) if length else b""

    def _send(self, status, body, ctype, headers=None, request_id=None, truncate=False):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if request_id:
            self.send_header("x-amzn-RequestId", request_id)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if truncate:
            self.send_header("Connection", "close")
        self.end_headers()
        if truncate:
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.wfile.write(body)

    def _reset(self):
        """Close with an RST and no answer: SO_LINGER with a zero timeout."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        try:
            self.connection.close()
        except OSError:
            pass
        # The handler flushes and closes wfile after we return: give it a
        # harmless stand-in for the closed socket.
        self.wfile = io.BytesIO()

    def send_json(self, status, obj):
        self._send(status, json.dumps(obj).encode("utf-8"), "application/json")

    # -- dispatch ----------------------------------------------------------
    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def _dispatch(self, method):
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            self.send_json(413, {"error": "unreadable or too large request body"})
            return
        req = Request(method, self.path, self.headers, body)
        if req.path.startswith("/_emu/"):
            control.handle(self, req)
            return
        self._aws(req)

    def _aws(self, req):
        state = self.server.state
        scenario = state.scenario
        request_id = str(uuid.uuid4())
        service, op, params, perr = _classify(req)
        entry = {"service": service, "operation": op, "params": params,
                 "headers": {k.lower(): v for k, v in req.headers},
                 "method": req.method, "path": req.path, "region": None,
                 "access_key_id": None, "signature_valid": False, "status": None,
                 "fault": None, "error_code": None, "request_id": request_id,
                 "time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
        if state.latency_ms:
            time.sleep(state.latency_ms / 1000.0)
        try:
            res = auth.authenticate(req, service, scenario, state.sessions)
        except Exception as e:  # an emulator bug: answer 500 and say so on stderr
            print(f"emulator: internal error authenticating {service}:{op}: {e!r}", file=sys.stderr)
            traceback.print_exc()
            res = auth.AuthResult()
            res.error = AwsError("InternalFailure", f"emulator bug: {e!r}", 500, sender=False)
        entry["access_key_id"] = res.access_key_id
        entry["signature_valid"] = res.signature_valid
        entry["region"] = res.region or "us-east-1"
        proto = wire.PROTOCOL[service]

        fault = state.faults.take(service, op)
        if fault is not None:
            entry["fault"] = fault["kind"]
            if fault["kind"] == "slow":
                time.sleep(fault["delay_ms"] / 1000.0)
                fault = None
        try:
            if fault is not None and fault["kind"] == "reset":
                state.requests.append(entry)
                self._reset()
                return
            if fault is not None and fault["kind"] == "malformed":
                entry["status"] = 200
                state.requests.append(entry)
                self._send(200, wire.malformed_body(service, op), wire.CONTENT_TYPE[proto],
                           request_id=request_id)
                return
            err = fault and faults.fault_error(fault, service, op,
                                               res.caller["arn"] if res.caller else None)
            if err:
                raise err
            if perr:
                raise perr
            if res.error:
                raise res.error
            status, body, ctype, headers = self._operation(req, scenario, service, op, params,
                                                           res, request_id)
        except AwsError as e:
            status = e.status
            body, headers = wire.error_body(service, e, request_id)
            ctype = wire.CONTENT_TYPE[proto]
            entry["error_code"] = e.code
        except Exception as e:  # a handler bug must not kill the connection thread silently
            print(f"emulator: internal error in {service}:{op}: {e!r}", file=sys.stderr)
            traceback.print_exc()
            status = 500
            body, headers = wire.error_body(service, AwsError(
                "InternalFailure", f"emulator bug: {e!r}", 500, sender=False), request_id)
            ctype = wire.CONTENT_TYPE[proto]
            entry["error_code"] = "InternalFailure"
        entry["status"] = status
        state.requests.append(entry)
        state.log(json.dumps({k: entry[k] for k in ("seq", "service", "operation", "status",
                                                    "error_code", "fault", "signature_valid")}))
        truncate = fault is not None and fault["kind"] == "truncate"
        self._send(status, body, ctype, headers, request_id, truncate=truncate)

    def _operation(self, req, scenario, service, op, params, res, request_id):
        handlers = SERVICES[service]
        proto = wire.PROTOCOL[service]
        if op not in handlers:
            if proto == "json":
                raise AwsError("UnknownOperationException", f"Unknown operation {op}")
            raise AwsError("InvalidAction", f"The action {op} is not valid for this web service.")
        action = f"{service}:{op}"
        for pattern, reason in res.caller["deny"].items():
            if _action_matches(pattern, action):
                raise _deny_error(service, res.caller["arn"], action, reason)
        # The scenario this request authenticated against, even if a
        # POST /_emu/scenario lands meanwhile.
        ctx = Context(self.server.state, scenario, service, op, params, res.region or "us-east-1",
                      res.caller, req)
        result = handlers[op](ctx)
        if proto == "json":
            return 200, wire.json_response(result), wire.CONTENT_TYPE[proto], {}
        if proto == "ec2":
            return 200, wire.ec2_response(op, result, request_id), wire.CONTENT_TYPE[proto], {}
        if service == "sts" and "application/json" in (req.header("accept") or ""):
            return 200, wire.query_json_response(op, result, request_id), "application/json", {}
        return 200, wire.query_response(service, op, result, request_id), wire.CONTENT_TYPE[proto], {}


def _action_matches(pattern, action):
    return fnmatch.fnmatchcase(action.lower(), pattern.lower().replace("[", "[[]"))


def _deny_error(service, arn, action, reason):
    msg = f"User: {arn} is not authorized to perform: {action} on resource: * {reason}"
    if service == "organizations":
        return AwsError("AccessDeniedException", msg, 400)
    if service == "ec2":
        return AwsError("UnauthorizedOperation", f"You are not authorized to perform this "
                        f"operation. {msg}", 403)
    return AwsError("AccessDenied", msg, 403)


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, state, tls_context=None):
        super().__init__(address, Handler)
        self.state = state
        if tls_context is not None:
            # The handshake runs in the connection's thread (Handler.setup), so
            # a client that never finishes it cannot stall accept().
            self.socket = tls_context.wrap_socket(self.socket, server_side=True,
                                                  do_handshake_on_connect=False)

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, ssl.SSLError, socket.timeout)):
            return
        super().handle_error(request, client_address)

    def stop_soon(self):
        """Stop serve_forever from any thread, including a signal handler."""
        threading.Thread(target=self.shutdown, daemon=True).start()
