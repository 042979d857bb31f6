"""SigV4 verification of incoming requests, computed by botocore.

The request is rebuilt as a botocore AWSRequest from what came over the
wire; botocore's own SigV4Auth then computes the signature for the scope
and X-Amz-Date the client claimed. Only the headers the client listed in
SignedHeaders are used (a client may sign fewer headers than botocore
would), and the payload hash is always computed from the received body, as
AWS does for these services.
"""

import hashlib
import hmac
import re
from datetime import datetime, timezone

# Imported lazily on first use: botocore's import is most of the startup time
# and the port file should appear as soon as the socket listens.
_botocore = None

_AUTH_RE = re.compile(r"^AWS4-HMAC-SHA256\s+(.*)$", re.S)
_SCOPE_RE = re.compile(r"^([^/]+)/([0-9]{8})/([^/]+)/([^/]+)/aws4_request$")
SKEW_SECONDS = 15 * 60


class AuthHeaderError(Exception):
    """The Authorization header cannot be parsed (IncompleteSignature)."""


class Authorization:
    """The parts of an `Authorization: AWS4-HMAC-SHA256 ...` header."""

    def __init__(self, value):
        m = _AUTH_RE.match(value.strip())
        if not m:
            raise AuthHeaderError("Authorization header must start with AWS4-HMAC-SHA256")
        fields = {}
        for part in m.group(1).split(","):
            key, sep, val = part.strip().partition("=")
            if sep:
                fields[key] = val
        for need in ("Credential", "SignedHeaders", "Signature"):
            if need not in fields:
                raise AuthHeaderError(
                    f"Authorization header requires '{need}' parameter. "
                    f"Authorization={value.strip()}")
        sm = _SCOPE_RE.match(fields["Credential"])
        if not sm:
            raise AuthHeaderError(
                f"Credential should be scoped to a valid region, not '{fields['Credential']}'. ")
        self.access_key_id, self.date, self.region, self.service = sm.groups()
        self.signed_headers = [h for h in fields["SignedHeaders"].split(";") if h]
        self.signature = fields["Signature"]


def _load_botocore():
    global _botocore
    if _botocore is None:
        import botocore.auth
        import botocore.awsrequest
        import botocore.credentials

        class _ClaimedHeadersSigV4(botocore.auth.SigV4Auth):
            """SigV4Auth that signs exactly the headers the client listed."""

            def __init__(self, credentials, service, region, signed):
                super().__init__(credentials, service, region)
                self._signed = signed

            def headers_to_sign(self, request):
                hmap = botocore.awsrequest.HTTPHeaders()
                for name in self._signed:
                    for value in request.headers.get_all(name) or []:
                        hmap[name] = value
                return hmap

        _botocore = (botocore, _ClaimedHeadersSigV4)
    return _botocore


def warm_up():
    """Import botocore now (from a background thread) so the first request is fast."""
    _load_botocore()


def expected_signature(auth, secret, token, method, host, path, params, headers, body, amz_date):
    """Hex signature botocore computes for this request and credential scope.

    `params` is the decoded query string as (name, value) pairs; `headers`
    the received (name, value) pairs.
    """
    botocore, signer_cls = _load_botocore()
    url = f"http://{host}{path}"
    req = botocore.awsrequest.AWSRequest(method=method, url=url, data=body,
                                         params=list(params))
    # HTTPHeaders is an email.message.Message: assignment appends, so a
    # repeated header keeps all its values for the canonical form.
    hdrs = botocore.awsrequest.HTTPHeaders()
    for name, value in headers:
        hdrs[name] = value
    req.headers = hdrs
    req.context["timestamp"] = amz_date
    creds = botocore.credentials.Credentials(auth.access_key_id, secret, token)
    signer = signer_cls(creds, auth.service, auth.region, auth.signed_headers)
    canonical = signer.canonical_request(req)
    # An X-Amz-Content-SHA256 header replaces the body hash in botocore's
    # canonical request; AWS hashes the body it got, so a lying header fails.
    claimed = req.headers.get("X-Amz-Content-SHA256")
    if claimed is not None and claimed != hashlib.sha256(body or b"").hexdigest():
        return None
    string_to_sign = signer.string_to_sign(req, canonical)
    return signer.signature(string_to_sign, req)


def signature_matches(expected, given):
    if expected is None:
        return False
    return hmac.compare_digest(expected.encode("ascii"), given.encode("ascii", "replace"))


def parse_amz_date(value):
    """X-Amz-Date (20240520T081530Z) -> aware datetime, or None if malformed."""
    try:
        return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return None


def skew_message(amz_date, when, now):
    """The 'Signature expired' sentence AWS sends when the clock is off by > 15 min."""
    fmt = "%Y%m%dT%H%M%SZ"
    if when < now:
        limit = datetime.fromtimestamp(now.timestamp() - SKEW_SECONDS, timezone.utc)
        return (f"Signature expired: {amz_date} is now earlier than {limit.strftime(fmt)} "
                f"({now.strftime(fmt)} - 15 min.)")
    limit = datetime.fromtimestamp(now.timestamp() + SKEW_SECONDS, timezone.utc)
    return (f"Signature not yet current: {amz_date} is still later than {limit.strftime(fmt)} "
            f"({now.strftime(fmt)} + 15 min.)")
