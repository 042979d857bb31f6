"""Who is calling: credential lookup and the SigV4/token/expiry checks.

Errors follow each protocol's vocabulary (see the README table):
query InvalidClientTokenId / SignatureDoesNotMatch / ExpiredToken,
JSON UnrecognizedClientException / InvalidSignatureException /
ExpiredTokenException, EC2 AuthFailure / RequestExpired.
"""

import secrets
import string
import threading
from datetime import datetime, timedelta, timezone

from . import sigv4
from .errors import AwsError

SIG_MISMATCH = ("The request signature we calculated does not match the signature you "
                "provided. Check your AWS Secret Access Key and signing method. Consult "
                "the service documentation for details.")
BAD_TOKEN = "The security token included in the request is invalid."
EXPIRED = "The security token included in the request is expired"
EC2_AUTH = "AWS was not able to validate the provided access credentials"


def _err(service, what, message=None):
    """The error for an authentication failure `what` in `service`'s protocol."""
    if what == "skew":
        if service == "ec2":
            return AwsError("RequestExpired", "Request has expired.", 400)
        what = "signature"
    if service == "organizations":
        code, msg = {"missing": ("MissingAuthenticationTokenException", "Missing Authentication Token"),
                     "incomplete": ("IncompleteSignatureException", message),
                     "key": ("UnrecognizedClientException", BAD_TOKEN),
                     "signature": ("InvalidSignatureException", message or SIG_MISMATCH),
                     "expired": ("ExpiredTokenException", EXPIRED)}[what]
        return AwsError(code, msg, 400, lower_message=True)
    if service == "ec2":
        if what == "expired":
            return AwsError("RequestExpired", "Request has expired.", 400)
        if what == "incomplete":
            return AwsError("IncompleteSignature", message, 400)
        return AwsError("AuthFailure", EC2_AUTH, 401)
    code, msg, status = {"missing": ("MissingAuthenticationToken",
                                     "Request is missing Authentication Token", 403),
                         "incomplete": ("IncompleteSignature", message, 400),
                         "key": ("InvalidClientTokenId", BAD_TOKEN, 403),
                         "signature": ("SignatureDoesNotMatch", message or SIG_MISMATCH, 403),
                         "expired": ("ExpiredToken", EXPIRED, 403 if service == "iam" else 400)}[what]
    return AwsError(code, msg, status)


class Sessions:
    """Temporary credentials issued by AssumeRole, valid until they expire."""

    def __init__(self):
        self._lock = threading.Lock()
        self._creds = {}

    def issue(self, arn, account, user_id, role, duration, partition):
        alphabet = string.ascii_uppercase + string.digits
        akid = "ASIA" + "".join(secrets.choice(alphabet) for _ in range(16))
        cred = {"access_key_id": akid,
                "secret_access_key": secrets.token_urlsafe(30)[:40],
                "session_token": "IQoJb3JpZ2luX2VjE" + secrets.token_urlsafe(180),
                "expiration": datetime.now(timezone.utc).replace(microsecond=0)
                + timedelta(seconds=duration),
                "arn": arn, "account": account, "user_id": user_id, "kind": "assumed-role",
                "role_arn": role["arn"], "deny": dict(role["deny"]), "partition": partition}
        with self._lock:
            self._creds[akid] = cred
        return cred

    def get(self, akid):
        with self._lock:
            return self._creds.get(akid)

    def clear(self):
        with self._lock:
            self._creds.clear()


def lookup(scenario, sessions, akid):
    cred = scenario.credentials.get(akid)
    if cred is not None:
        cred = dict(cred, partition=scenario.partition)
        if cred["kind"] == "assumed-role":
            _, role_name, _ = cred["arn"].split(":", 5)[5].split("/")
            acct = scenario.accounts.get(cred["account"])
            role = next((r for r in acct["roles"] if r["name"] == role_name), None) if acct else None
            cred["role_arn"] = role["arn"] if role else scenario.arn(
                "iam", cred["account"], f"role/{role_name}")
        return cred
    return sessions.get(akid)


class AuthResult:
    """Outcome of authenticating one request.

    `caller` is the credential dict when authentication succeeded; `error`
    the AwsError otherwise. `signature_valid` is reported in the request log
    even when another check failed first.
    """

    def __init__(self):
        self.caller = None
        self.error = None
        self.access_key_id = None
        self.signature_valid = False
        self.region = None


def authenticate(req, service, scenario, sessions, now=None):
    """Check the request's SigV4 Authorization; fill an AuthResult.

    `req` has method, host, path, params (decoded pairs), headers (pairs),
    body, and a header(name) accessor.
    """
    res = AuthResult()
    now = now or datetime.now(timezone.utc)
    value = req.header("authorization")
    if value is None:
        res.error = _err(service, "missing")
        return res
    try:
        auth = sigv4.Authorization(value)
    except sigv4.AuthHeaderError as e:
        res.error = _err(service, "incomplete", str(e))
        return res
    res.access_key_id = auth.access_key_id
    res.region = auth.region
    cred = lookup(scenario, sessions, auth.access_key_id)
    amz_date = req.header("x-amz-date")
    when = sigv4.parse_amz_date(amz_date)
    if cred is not None and when is not None:
        token = req.header("x-amz-security-token")
        expected = sigv4.expected_signature(auth, cred["secret_access_key"], token, req.method,
                                            req.header("host") or "localhost", req.path,
                                            req.params, req.headers, req.body, amz_date)
        res.signature_valid = sigv4.signature_matches(expected, auth.signature)
    if cred is None:
        res.error = _err(service, "key")
        return res
    token = req.header("x-amz-security-token")
    if cred["session_token"] is not None and token != cred["session_token"]:
        res.error = _err(service, "key")
        return res
    if cred["session_token"] is None and token is not None:
        res.error = _err(service, "key")
        return res
    if when is None:
        res.error = _err(service, "incomplete",
                         "Authorization header requires existence of either a 'X-Amz-Date' "
                         "or a 'Date' header.")
        return res
    if auth.date != amz_date[:8]:
        res.signature_valid = False
        res.error = _err(service, "signature",
                         f"Date in Credential scope does not match YYYYMMDD from ISO-8601 "
                         f"version of date from HTTP: '{auth.date}' != '{amz_date[:8]}', from "
                         f"ISO-8601 string '{amz_date}'.")
        return res
    if abs((now - when).total_seconds()) > sigv4.SKEW_SECONDS:
        res.error = _err(service, "skew", sigv4.skew_message(amz_date, when, now))
        return res
    if not res.signature_valid:
        res.error = _err(service, "signature")
        return res
    if cred["expiration"] is not None and cred["expiration"] <= now:
        res.error = _err(service, "expired")
        return res
    res.caller = cred
    return res
