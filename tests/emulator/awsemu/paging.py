"""Opaque pagination tokens (IAM Marker, EC2/Organizations NextToken).

A token carries the offset of the next item and a hash of what it was issued
for (operation, account, filters), so a client that replays a token against a
different call gets the service's invalid-token error as from AWS. Tokens are
base64 that always contains '+', '/' and '=': a client that forgets to
percent-encode them in a form body or JSON-escape them fails visibly.
"""

import base64
import hashlib
import json

_MAGIC = b"\xfb\xff\xbf"  # base64-encodes to "+/+/"


def _bind(context):
    return hashlib.sha256(context.encode("utf-8")).hexdigest()[:12]


def make_token(context, offset):
    payload = json.dumps({"o": offset, "c": _bind(context)}, separators=(",", ":")).encode()
    while (len(_MAGIC) + len(payload)) % 3 != 1:  # length % 3 == 1 gives "==" padding
        payload += b" "
    return base64.b64encode(_MAGIC + payload).decode("ascii")


def read_token(context, token):
    """Offset encoded in `token`, or None if it is not one issued for `context`."""
    try:
        raw = base64.b64decode(token.encode("ascii"), validate=True)
        if not raw.startswith(_MAGIC):
            return None
        obj = json.loads(raw[len(_MAGIC):].decode("utf-8"))
        if obj.get("c") != _bind(context) or not isinstance(obj.get("o"), int) or obj["o"] < 0:
            return None
        return obj["o"]
    except (ValueError, UnicodeError, AttributeError):
        return None


def page(items, offset, size):
    """(items on this page, offset of the next page or None)."""
    chunk = items[offset:offset + size]
    nxt = offset + size if offset + size < len(items) else None
    return chunk, nxt
