"""Rendering of responses and errors in the three AWS wire protocols.

query (IAM, STS): <OpResponse xmlns=NS><OpResult>..</OpResult>
    <ResponseMetadata><RequestId/></ResponseMetadata>, lists of <member>.
ec2: <?xml?> declaration, <OpResponse xmlns=NS><requestId/>.. with lower-camel
    names and lists of <item>; no Result wrapper.
json (Organizations, JSON 1.1): compact JSON object.

XML content is built from (name, value) pairs so element order is the
handler's order, as AWS's is. Values: str, int, bool, None (element omitted),
a list of pairs (nested element; empty list gives <X/>) or Items.
"""

import json
from xml.sax.saxutils import escape

QUERY_NS = {
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
}
EC2_NS = "http://ec2.amazonaws.com/doc/2016-11-15/"

PROTOCOL = {"iam": "query", "sts": "query", "ec2": "ec2", "organizations": "json"}

CONTENT_TYPE = {
    "query": "text/xml",
    "ec2": "text/xml;charset=UTF-8",
    "json": "application/x-amz-json-1.1",
}


class Items:
    """An XML list: <name><member>..</member></name> (query) or <item> (ec2)."""

    def __init__(self, values):
        self.values = list(values)


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def _render(name, value, tag, indent, level, out):
    pad = " " * (indent * level)
    if value is None:
        return
    if isinstance(value, Items):
        if not value.values:
            out.append(f"{pad}<{name}/>")
            return
        out.append(f"{pad}<{name}>")
        for v in value.values:
            _render(tag, v, tag, indent, level + 1, out)
        out.append(f"{pad}</{name}>")
    elif isinstance(value, list):
        if not value:
            out.append(f"{pad}<{name}/>")
            return
        out.append(f"{pad}<{name}>")
        for child_name, child in value:
            _render(child_name, child, tag, indent, level + 1, out)
        out.append(f"{pad}</{name}>")
    else:
        out.append(f"{pad}<{name}>{_text(value)}</{name}>")


def query_response(service, op, result, request_id):
    """Body of a successful query-protocol answer; `result` is a pair list."""
    out = [f'<{op}Response xmlns="{QUERY_NS[service]}">']
    _render(f"{op}Result", result, "member", 2, 1, out)
    out.append("  <ResponseMetadata>")
    out.append(f"    <RequestId>{request_id}</RequestId>")
    out.append("  </ResponseMetadata>")
    out.append(f"</{op}Response>")
    return ("\n".join(out) + "\n").encode("utf-8")


def ec2_response(op, body, request_id):
    """Body of a successful EC2 answer; `body` is a pair list."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<{op}Response xmlns="{EC2_NS}">',
           f"    <requestId>{request_id}</requestId>"]
    for name, value in body:
        _render(name, value, "item", 4, 1, out)
    out.append(f"</{op}Response>")
    return ("\n".join(out) + "\n").encode("utf-8")


def json_response(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def error_body(service, err, request_id):
    """(body bytes, extra headers) of an AwsError in `service`'s protocol."""
    proto = PROTOCOL.get(service, "query")
    headers = dict(err.headers)
    if proto == "json":
        key = "message" if err.lower_message else "Message"
        obj = {"__type": err.code, key: err.message}
        obj.update(err.extra)
        headers["x-amzn-ErrorType"] = err.code
        return json_response(obj), headers
    if proto == "ec2":
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f"<Response><Errors><Error><Code>{escape(err.code)}</Code>"
                f"<Message>{escape(err.message)}</Message></Error></Errors>"
                f"<RequestID>{request_id}</RequestID></Response>\n")
        return body.encode("utf-8"), headers
    ns = QUERY_NS.get(service, QUERY_NS["sts"])
    kind = "Sender" if err.sender else "Receiver"
    body = (f'<ErrorResponse xmlns="{ns}">\n'
            "  <Error>\n"
            f"    <Type>{kind}</Type>\n"
            f"    <Code>{escape(err.code)}</Code>\n"
            f"    <Message>{escape(err.message)}</Message>\n"
            "  </Error>\n"
            f"  <RequestId>{request_id}</RequestId>\n"
            "</ErrorResponse>\n")
    return body.encode("utf-8"), headers


def malformed_body(service, op):
    """A 200 body that starts like the real answer but does not parse."""
    proto = PROTOCOL.get(service, "query")
    if proto == "json":
        return b'{"Roots":[{"Id":"r-a1b2","Name":"Root",,}'
    if proto == "ec2":
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<{op}Response xmlns="{EC2_NS}">\n'
                "    <requestId>00000000-0000-4000-8000-000000000000</requestId>\n"
                "    <vpcEndpointSet><item></vpcEndpointSet>\n").encode("utf-8")
    ns = QUERY_NS.get(service, QUERY_NS["sts"])
    return (f'<{op}Response xmlns="{ns}">\n  <{op}Result>\n'
            f"    <Arn>arn:aws:iam::111122223333:user/x</Account>\n"
            f"</{op}Response>\n").encode("utf-8")


def _to_json(value):
    if isinstance(value, Items):
        return [_to_json(v) for v in value.values]
    if isinstance(value, list):
        return {k: _to_json(v) for k, v in value if v is not None}
    return value


def query_json_response(op, result, request_id):
    """STS's answer to `Accept: application/json`: the XML tree as nested objects."""
    return json_response({f"{op}Response": {f"{op}Result": _to_json(result),
                                            "ResponseMetadata": {"RequestId": request_id}}})
