"""Percent-encoding of IAM policy documents as GetAccountAuthorizationDetails sends them.

RFC 3986: every byte of the UTF-8 text except the unreserved set
A-Z a-z 0-9 - _ . ~ becomes %XX (space %20, newline %0A, '+' %2B, 'é'
%C3%A9). AWS has been seen sending '*' both as %2A and literally; the
scenario's `iam_document_encoding` picks one for the whole scenario:
"rfc3986" (default, '*' -> %2A) or "rfc3986-literal-star". "none" sends the
JSON text as is (XML-escaped only), as some emulators do, for clients that
must decode defensively.
"""

from urllib.parse import quote


def encode_document(text, mode="rfc3986"):
    if mode == "none":
        return text
    safe = "*" if mode == "rfc3986-literal-star" else ""
    return quote(text.encode("utf-8"), safe=safe)
