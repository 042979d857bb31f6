#!/bin/sh
# Cross-check our SigV4 signer with curl's (--aws-sigv4, curl 7.88 here).
#
# curl sends each request to a loopback listener that records what arrived:
# method, target, headers in order, body. For every recorded request we take
# the X-Amz-Date curl used and the headers its SignedHeaders list names, sign
# the identical request with tests/tools/sigv4-sign, and compare the
# Authorization headers. A second pass with a wrong secret on our side must
# differ everywhere, so the comparison is proven able to fail.
#
# What curl 7.88.1 (Debian 12) can be compared on, read from its behaviour
# and `curl --help all` / man curl (--aws-sigv4 provider1:provider2:region:service,
# credentials from --user):
#  - it signs the path exactly as it sends it: no second encoding of %XX and
#    no dot-segment removal. That is the S3 rule, so requests whose path holds
#    an escape are signed on our side with single_encode_path (with the IAM
#    and STS rule we sign "/a%2520b" where curl signs "/a%20b"). curl's URL
#    parser removes "." and ".." before signing; with --path-as-is it keeps
#    and signs them, matched by our no_normalize_path.
#  - it signs the query exactly as written. Tried and found to differ from
#    the AWS rules (and so from botocore and us), hence left out:
#    unsorted parameters ("b=1&a=2" is not sorted), a bare key ("a" is not
#    given "="), a literal "+" (not encoded as %2B), lower-case escapes
#    ("%2f" is not made "%2F"). Queries here are written canonically, which is
#    what every AWS SDK sends.
#  - headers: it signs Host, X-Amz-Date and the -H headers (trimmed, runs of
#    spaces folded, as AWS says) but not the Content-Type it adds itself for
#    -d; we sign what its SignedHeaders list names. Also found to differ and
#    left out: a repeated header name is listed twice in SignedHeaders
#    ("x-dup;x-dup") instead of once with the values comma-joined, and an
#    empty header sent with -H "X-Empty;" leaves a stray ";" at the end of
#    SignedHeaders.
#  - it has no option for a session token in 7.88; a token can only be sent as
#    a plain -H "X-Amz-Security-Token: ..." header, which curl then signs like
#    any other header. One case does that.
#  - it does not add X-Amz-Content-Sha256 for provider "amz".
set -u

PY=${PYTHON3:-python3}
TOOL=${top_builddir:-.}/tests/tools/sigv4-sign
AKID=AKIDCURLEXAMPLE
SECRET='wJalrXUtnFEMI/K7MDENG+bPxRfiCYCURLKEY'

if ! command -v curl >/dev/null 2>&1 || ! curl --help all 2>/dev/null | grep -q -- --aws-sigv4; then
	echo "sigv4-curl: curl with --aws-sigv4 (7.75 or later) is required" >&2
	exit 99
fi

tmp=$(mktemp -d) || exit 99
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# The listener: port 0 picks a free port, written to a file once bound.
cat >"$tmp/listen.py" <<'EOF'
import http.server
import json
import os
import sys


class Recorder(http.server.BaseHTTPRequestHandler):
    def record(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n > 0 else b""
        rec = {"method": self.command, "target": self.path,
               "headers": list(self.headers.items()), "body_hex": body.hex()}
        with open(sys.argv[2], "a", encoding="utf-8") as f:
            f.write(json.dumps(rec) + "\n")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PUT = do_DELETE = record

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
with open(sys.argv[1] + ".tmp", "w", encoding="utf-8") as f:
    f.write(str(server.server_address[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
server.serve_forever()
EOF
"$PY" "$tmp/listen.py" "$tmp/port" "$tmp/recorded.jsonl" &
pid=$!
i=0
while [ ! -s "$tmp/port" ]; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
		echo "sigv4-curl: the listener did not start" >&2
		exit 99
	fi
	sleep 0.05
done
port=$(cat "$tmp/port")
# Every byte value, NUL included, 16 times over.
"$PY" -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 16)' >"$tmp/binary" || exit 99
base="http://127.0.0.1:$port"

# One curl request: region service flags description -- curl arguments.
# The cases file keeps region, service and our flags in request order.
fails=0
send() {
	region=$1 service=$2 flags=$3 what=$4
	shift 5
	printf '%s\t%s\t%s\t%s\n' "$region" "$service" "$flags" "$what" >>"$tmp/cases.tsv"
	if ! curl -sS -o /dev/null --max-time 10 --aws-sigv4 "aws:amz:$region:$service" \
	    --user "$AKID:$SECRET" "$@"; then
		echo "sigv4-curl: curl failed on: $what" >&2
		fails=$((fails + 1))
	fi
}

send us-east-1 iam - "GET with a canonical query" -- \
	"$base/?Action=ListUsers&MaxItems=10&Version=2010-05-08"
send us-east-1 iam - "GET with repeated keys and an empty value" -- \
	"$base/?Action=ListRoles&Marker=&PathPrefix=%2Fservice-role%2F&Tag=a&Tag=b&Version=2010-05-08"
send us-east-1 iam - "GET with reserved and unicode bytes escaped in the query" -- \
	"$base/?Action=GetRole&RoleName=r%C3%A9le%20%2B%26%3D%25&Version=2010-05-08"
send eu-west-1 sts - "POST with a form body (curl's Content-Type unsigned)" -- \
	-d "Action=GetCallerIdentity&Version=2011-06-15" "$base/"
send eu-west-1 sts - "POST with a form body and a signed Content-Type" -- \
	-H "Content-Type: application/x-www-form-urlencoded; charset=utf-8" \
	-d "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fx&RoleSessionName=s&Version=2011-06-15" \
	"$base/"
send us-east-1 organizations - "POST JSON with X-Amz-Target and custom headers" -- \
	-H "Content-Type: application/x-amz-json-1.1" \
	-H "X-Amz-Target: AWSOrganizationsV20161128.ListAccounts" \
	-H "X-Custom-Header: some value" \
	-d '{"MaxResults":20}' "$base/"
send ap-southeast-2 ec2 - "session token as a plain header" -- \
	-H "X-Amz-Security-Token: FQoGZXIvYXdzEPT//////////wEaDEXAMPLETOKEN+/=" \
	"$base/?Action=DescribeVpcEndpoints&Version=2016-11-15"
send us-west-2 lambda - "PUT with a binary body" -- \
	-X PUT -H "Content-Type: application/octet-stream" \
	--data-binary "@$tmp/binary" "$base/2015-03-31/functions/f/code"
send us-west-2 lambda - "unreserved characters in the path" -- \
	"$base/2015-03-31/functions/my-func_1.0~x/policy"
send us-east-1 iam "single_encode_path,no_normalize_path" "escapes in the path (S3 rules: encoded once)" -- \
	"$base/a%20b/c%3Ad/%C3%A9t%C3%A9/x"
send us-east-1 iam "single_encode_path,no_normalize_path" "a space in the path, escaped by curl's URL parser" -- \
	"$base/with%20space/and%2Bplus"
send us-east-1 iam - "runs of whitespace in a header value" -- \
	-H "X-Custom:   a    b   " "$base/?Action=ListUsers&Version=2010-05-08"
send us-east-1 iam - "dot segments, removed by curl's URL parser" -- \
	"$base/a/./b/../c/"
send us-east-1 iam no_normalize_path "dot segments kept by --path-as-is (S3 rule)" -- \
	--path-as-is "$base/a/./b/../c"
send eu-central-1 sts - "DELETE without a body" -- \
	-X DELETE "$base/resource/42"

if [ "$fails" -ne 0 ]; then
	echo "sigv4-curl: $fails curl requests failed" >&2
	exit 1
fi

# Compare: our signature of each recorded request against curl's.
"$PY" - "$tmp/recorded.jsonl" "$tmp/cases.tsv" "$TOOL" "$AKID" "$SECRET" <<'EOF'
import calendar
import json
import re
import subprocess
import sys
import time

recorded_path, cases_path, tool, akid, secret = sys.argv[1:6]
with open(recorded_path, encoding="utf-8") as f:
    recorded = [json.loads(line) for line in f]
with open(cases_path, encoding="utf-8") as f:
    cases = [line.rstrip("\n").split("\t") for line in f]
if len(recorded) != len(cases):
    sys.exit(f"sigv4-curl: sent {len(cases)} requests, the listener saw {len(recorded)}")

AUTH = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                  r"SignedHeaders=([a-z0-9;_-]+), Signature=([0-9a-f]{64})$")


def describe(rec, case, key):
    region, service, flags, _ = case
    headers = dict((n.lower(), v) for n, v in rec["headers"])
    m = AUTH.match(headers.get("authorization", ""))
    if m is None:
        sys.exit(f"sigv4-curl: curl sent no SigV4 Authorization for {case[3]}: {rec['headers']}")
    if (m.group(1), m.group(3), m.group(4)) != (akid, region, service):
        sys.exit(f"sigv4-curl: curl's credential scope {m.group(0)} is not {akid}/{region}/{service}")
    signed = m.group(5).split(";")
    amz_date = headers["x-amz-date"]
    when = calendar.timegm(time.strptime(amz_date, "%Y%m%dT%H%M%SZ"))
    path, _, query = rec["target"].partition("?")
    line = {
        "method": rec["method"], "path": path, "query": query,
        # Exactly the headers curl signed, as they arrived, in order.
        "headers": [[n, v] for n, v in rec["headers"] if n.lower() in signed],
        "body_hex": rec["body_hex"], "access_key_id": akid,
        "secret_access_key": key, "region": region, "service": service,
        "time": when, "flags": [] if flags == "-" else flags.split(","),
    }
    return json.dumps(line), headers["authorization"]


def sign(lines):
    proc = subprocess.run([tool], input="\n".join(lines) + "\n", capture_output=True,
                          text=True, timeout=60, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        sys.exit(f"sigv4-curl: sigv4-sign failed with status {proc.returncode}")
    return [json.loads(l) for l in proc.stdout.splitlines()]


pairs = [describe(r, c, secret) for r, c in zip(recorded, cases)]
ours = sign([p[0] for p in pairs])
differ = 0
for case, (line, theirs), mine in zip(cases, pairs, ours):
    if mine["authorization"] != theirs:
        differ += 1
        print(f"differs: {case[3]}\n  curl: {theirs}\n  ours: {mine['authorization']}")
        print("  our canonical request:\n    " + mine["canonical_request"].replace("\n", "\n    "))
print(f"sigv4-curl: {len(pairs)} compared, {differ} differ")

wrong_key = secret[:-1] + ("A" if secret[-1] != "A" else "B")
wrong = sign([describe(r, c, wrong_key)[0] for r, c in zip(recorded, cases)])
caught = sum(1 for (_, theirs), mine in zip(pairs, wrong) if mine["authorization"] != theirs)
print(f"sigv4-curl self-check: wrong secret, {caught} of {len(pairs)} differ")
sys.exit(0 if differ == 0 and caught == len(pairs) and pairs else 1)
EOF
