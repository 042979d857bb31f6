"""Fault injection: queued faults and the AWS errors they turn into.

A fault matches by operation ('*' = any) and optional service, and is used up
after `count` matching calls; the oldest matching fault wins. Faults act
before signature verification so a raw, unsigned client can observe them.
"""

import threading

from .errors import AwsError

KINDS = ("throttle", "http500", "http503", "reset", "slow", "truncate", "malformed",
         "expired_token", "access_denied", "retry_after", "status")
SERVICES = ("sts", "iam", "ec2", "organizations")

# Per service: (code, status) of its own throttling, internal and unavailable errors.
THROTTLE = {"iam": ("Throttling", 400), "sts": ("Throttling", 400),
            "ec2": ("RequestLimitExceeded", 503), "organizations": ("TooManyRequestsException", 400)}
THROTTLE_MSG = {"Throttling": "Rate exceeded", "RequestLimitExceeded": "Request limit exceeded.",
                "TooManyRequestsException": "You have sent too many requests in too short a period "
                "of time. The quota helps protect against denial-of-service attacks. Try again later."}
INTERNAL = {"iam": "ServiceFailure", "sts": "InternalFailure", "ec2": "InternalError",
            "organizations": "ServiceException"}
UNAVAILABLE = {"iam": "ServiceUnavailable", "sts": "ServiceUnavailable", "ec2": "Unavailable",
               "organizations": "ServiceUnavailableException"}


class FaultSpecError(Exception):
    pass


def _int(spec, key, default, lo, hi):
    v = spec.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise FaultSpecError(f"'{key}' must be an integer from {lo} to {hi}")
    return v


def validate(spec):
    """A checked copy of a fault request body; FaultSpecError names the bad member."""
    if not isinstance(spec, dict):
        raise FaultSpecError("the fault must be a JSON object")
    allowed = {"operation", "service", "kind", "count", "delay_ms", "message", "status",
               "code", "seconds"}
    for k in spec:
        if k not in allowed:
            raise FaultSpecError(f"unknown member '{k}'")
    op = spec.get("operation")
    if not isinstance(op, str) or not op:
        raise FaultSpecError("'operation' must be an operation name or \"*\"")
    svc = spec.get("service")
    if svc is not None and svc not in SERVICES:
        raise FaultSpecError(f"'service' must be one of {', '.join(SERVICES)}")
    kind = spec.get("kind")
    if kind not in KINDS:
        raise FaultSpecError(f"'kind' must be one of {', '.join(KINDS)}")
    f = {"operation": op, "service": svc, "kind": kind,
         "count": _int(spec, "count", 1, 1, 1000000)}
    if kind == "slow":
        f["delay_ms"] = _int(spec, "delay_ms", 1000, 0, 600000)
    if kind == "retry_after":
        f["status"] = _int(spec, "status", 503, 100, 599)
        if f["status"] not in (429, 503):
            raise FaultSpecError("retry_after 'status' must be 429 or 503")
        f["seconds"] = _int(spec, "seconds", 1, 0, 86400)
    if kind == "status":
        f["status"] = _int(spec, "status", None, 100, 599) if "status" in spec else None
        if f["status"] is None:
            raise FaultSpecError("kind 'status' needs 'status'")
        if not isinstance(spec.get("code"), str) or not spec["code"]:
            raise FaultSpecError("kind 'status' needs 'code' (a string)")
        f["code"] = spec["code"]
    if "message" in spec:
        if not isinstance(spec["message"], str):
            raise FaultSpecError("'message' must be a string")
        f["message"] = spec["message"]
    return f


class FaultQueue:
    def __init__(self):
        self._lock = threading.Lock()
        self._faults = []

    def add(self, fault):
        with self._lock:
            self._faults.append(dict(fault))

    def clear(self):
        with self._lock:
            self._faults.clear()

    def pending(self):
        with self._lock:
            return [dict(f) for f in self._faults]

    def take(self, service, operation):
        """Use one count of the oldest fault matching this call; return it or None."""
        with self._lock:
            for f in self._faults:
                if f["operation"] not in ("*", operation):
                    continue
                if f["service"] is not None and f["service"] != service:
                    continue
                f["count"] -= 1
                if f["count"] <= 0:
                    self._faults.remove(f)
                return dict(f)
        return None


def fault_error(fault, service, operation, caller_arn):
    """The AwsError an error-kind fault answers with (None for non-error kinds)."""
    kind = fault["kind"]
    svc = service if service in THROTTLE else "sts"
    if kind == "throttle":
        code, status = THROTTLE[svc]
        return AwsError(code, fault.get("message", THROTTLE_MSG[code]), status)
    if kind == "http500":
        return AwsError(INTERNAL[svc], fault.get("message", "We encountered an internal error. "
                        "Please try again."), 500, sender=False)
    if kind == "http503":
        return AwsError(UNAVAILABLE[svc], fault.get("message", "Service is unavailable. "
                        "Please try again later."), 503, sender=False)
    if kind == "retry_after":
        headers = {"Retry-After": str(fault["seconds"])}
        if fault["status"] == 429:
            code = THROTTLE[svc][0]
            return AwsError(code, fault.get("message", THROTTLE_MSG[code]), 429, headers=headers)
        return AwsError(UNAVAILABLE[svc], fault.get("message", "Service is unavailable. "
                        "Please try again later."), 503, sender=False, headers=headers)
    if kind == "expired_token":
        if svc == "organizations":
            return AwsError("ExpiredTokenException", "The security token included in the "
                            "request is expired", 400, lower_message=True)
        if svc == "ec2":
            return AwsError("RequestExpired", "Request has expired.", 400)
        return AwsError("ExpiredToken", "The security token included in the request is expired",
                        403 if svc == "iam" else 400)
    if kind == "access_denied":
        who = caller_arn or "anonymous"
        action = f"{service}:{operation}"
        msg = fault.get("message", f"User: {who} is not authorized to perform: {action} on "
                        f"resource: * because no identity-based policy allows the {action} action")
        if svc == "organizations":
            return AwsError("AccessDeniedException", msg, 400)
        if svc == "ec2":
            if "message" not in fault:
                msg = f"You are not authorized to perform this operation. {msg}"
            return AwsError("UnauthorizedOperation", msg, 403)
        return AwsError("AccessDenied", msg, 403)
    if kind == "status":
        st = fault["status"]
        return AwsError(fault["code"], fault.get("message", fault["code"]), st, sender=st < 500)
    return None
