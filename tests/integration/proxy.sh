#!/bin/sh
# HTTPS proxies (aws.proxy, alerts.webhooks.[].proxy, and libcurl's
# https_proxy from the environment), against a loopback CONNECT proxy
# (tests/tools/connect_proxy.py) that wants Basic authentication and
# tunnels every host name to 127.0.0.1. The AWS endpoints and the webhook
# are named by host names that resolve nowhere, so a request can only arrive
# through the proxy; the proxy's log shows that it did. The emulator and the
# webhook receiver serve HTTPS with a certificate for those names, trusted
# through aws.ca_bundle and the webhook's ca_bundle: TLS is verified end to
# end through the tunnel. The proxy password never appears in any output,
# --check-config masks the setting, and a proxy URL that would send a
# password in clear over a network is refused without being quoted.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
PY=${PYTHON3:-/usr/bin/python3}
bin="$top_builddir/passrole-auditd"
tool="$top_builddir/tests/tools/alert-tool"
. "$top_srcdir/tests/emulator/emu.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pra-proxy.XXXXXX") || exit 1
PROXY_PID=
RECV_PID=
cleanup() {
	emu_stop
	for p in $PROXY_PID $RECV_PID; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
fails=0
passes=0
ok() { passes=$((passes + 1)); }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE \
	AWS_SHARED_CREDENTIALS_FILE AWS_CONFIG_FILE AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
	AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN \
	https_proxy HTTPS_PROXY http_proxy HTTP_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
export AWS_EC2_METADATA_DISABLED=true HOME="$tmp"

PW='proxy-Pa55word-7Qx'
AUTH="pra-user:$PW"
if ! openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" \
	-days 1 -subj /CN=proxytest -addext \
	'subjectAltName=DNS:aws.proxytest.invalid,DNS:hooks.proxytest.invalid' >/dev/null 2>&1; then
	echo "FAIL: openssl req"; exit 1
fi
emu_start "$top_srcdir/tests/data/scenarios/basic.json" \
	--tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem" || { echo "FAIL: emulator"; exit 1; }
trap cleanup EXIT
wait_port() {	# FILE
	i=0
	while [ ! -s "$1" ]; do
		i=$((i + 1)); [ $i -gt 150 ] && { echo "FAIL: no $1"; exit 1; }
		sleep 0.1
	done
}
"$PY" "$top_srcdir/tests/tools/connect_proxy.py" --port-file "$tmp/proxy-port" \
	--log "$tmp/proxy.log" --auth "$AUTH" &
PROXY_PID=$!
wait_port "$tmp/proxy-port"
PPORT=$(cat "$tmp/proxy-port")
: >"$tmp/proxy.log"

SECRET='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
printf '%s\n' "$SECRET" >"$tmp/secret"
AWSURL="https://aws.proxytest.invalid:$EMU_PORT"
# conf NAME [aws.proxy]: a config for the emulator under its made-up name.
conf() {
	{
		echo "aws = { region = \"us-east-1\"; ca_bundle = \"$tmp/cert.pem\";"
		[ $# -gt 1 ] && echo "  proxy = \"$2\";"
		echo "  credentials = { source = \"static\"; access_key_id = \"AKIAIOSFODNN7EXAMPLE\";"
		echo "    secret_access_key_file = \"$tmp/secret\"; };"
		echo "  endpoints = { sts = \"$AWSURL\"; iam = \"$AWSURL\"; organizations = \"$AWSURL\"; ec2 = \"$AWSURL\"; };"
		echo "  retry = { max_attempts = 1; }; connect_timeout = 5; request_timeout = 20; };"
	} >"$tmp/$1.conf"
	chmod 600 "$tmp/$1.conf" "$tmp/secret"
}
no_pw() {	# FILE...: the proxy password is in none of them
	if grep -l -- "$PW" "$@" >/dev/null 2>&1; then fail "$what: the proxy password is in the output"; else ok; fi
}
connects() {	# HOST:PORT: how many CONNECTs with good credentials the proxy saw
	grep -c "^CONNECT $1 auth=ok\$" "$tmp/proxy.log"
}

# 1. No proxy: the made-up name resolves nowhere, nothing reaches the proxy.
what="no proxy"
conf direct
"$bin" -c "$tmp/direct.conf" --whoami >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] && ok || fail "$what: --whoami exit $rc, want 1: $(cat "$tmp/out" "$tmp/err")"
[ ! -s "$tmp/proxy.log" ] && ok || fail "$what: the proxy saw: $(cat "$tmp/proxy.log")"

# 2. aws.proxy: --whoami goes through the proxy, TLS verified end to end.
what="aws.proxy whoami"
conf viaproxy "http://$AUTH@127.0.0.1:$PPORT"
"$bin" -c "$tmp/viaproxy.conf" -v --whoami >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && ok || fail "$what: exit $rc: $(cat "$tmp/out" "$tmp/err")"
grep -q '^Arn: *arn:aws:iam::111122223333:user/auditor$' "$tmp/out" && ok ||
	fail "$what: no identity: $(cat "$tmp/out")"
[ "$(connects "aws.proxytest.invalid:$EMU_PORT")" -ge 1 ] && ok ||
	fail "$what: no CONNECT in the proxy log: $(cat "$tmp/proxy.log")"
no_pw "$tmp/out" "$tmp/err"

# 3. A whole audit (IAM and EC2 through the collectors' parallel transfers).
what="aws.proxy audit"
: >"$tmp/proxy.log"
"$bin" -c "$tmp/viaproxy.conf" -v --audit-now --no-state >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && ok || fail "$what: exit $rc: $(tail -5 "$tmp/err")"
grep -q '^Audit of .*: complete$' "$tmp/out" && ok || fail "$what: not complete: $(head -3 "$tmp/out")"
n=$(connects "aws.proxytest.invalid:$EMU_PORT")
[ "$n" -ge 2 ] && ok || fail "$what: $n CONNECTs, want 2 or more"
no_pw "$tmp/out" "$tmp/err"
emu_requests >"$tmp/requests.json"
"$PY" -c 'import json, sys
ops = {r["service"] + ":" + r["operation"] for r in json.load(open(sys.argv[1]))}
sys.exit(0 if {"iam:GetAccountAuthorizationDetails", "ec2:DescribeVpcEndpoints"} <= ops else 1)' \
	"$tmp/requests.json" && ok || fail "$what: the emulator did not get the IAM and EC2 calls"

# 4. A wrong proxy password: refused by the proxy, and not in the message.
what="wrong proxy password"
: >"$tmp/proxy.log"
conf badpw "http://pra-user:$PW-not@127.0.0.1:$PPORT"
"$bin" -c "$tmp/badpw.conf" -v --whoami >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] && ok || fail "$what: exit $rc, want 1"
grep -q "^CONNECT aws.proxytest.invalid:$EMU_PORT auth=wrong\$" "$tmp/proxy.log" && ok ||
	fail "$what: the proxy saw: $(cat "$tmp/proxy.log")"
no_pw "$tmp/out" "$tmp/err"

# 5. --check-config masks the proxy; a password in clear to a remote proxy,
# a missing port and another scheme are refused without quoting the URL.
what="check-config"
"$bin" -c "$tmp/viaproxy.conf" --check-config >"$tmp/out" 2>"$tmp/err" && ok ||
	fail "$what: rejected: $(cat "$tmp/err")"
awk -f "$top_srcdir/tests/tools/conf-flatten.awk" "$tmp/out" | grep -qxF '# aws.proxy is set: a secret, not shown' &&
	ok || fail "$what: aws.proxy not printed as a masked secret"
no_pw "$tmp/out" "$tmp/err"
for bad in "http://pra-user:$PW@proxy.example.com:3128" "http://proxy.example.com" \
	"socks5://proxy.example.com:1080" "https://proxy.example.com:3128/path$PW"; do
	conf refused "$bad"
	what="refused $bad"
	if "$bin" -c "$tmp/refused.conf" --check-config >"$tmp/out" 2>"$tmp/err"; then
		fail "$what: accepted"
	else
		grep -q 'aws.proxy: ' "$tmp/err" && ok || fail "$what: no message: $(cat "$tmp/err")"
		no_pw "$tmp/out" "$tmp/err"
	fi
done
for good in "https://pra-user:$PW@proxy.example.com:3128" "http://proxy.example.com:3128/" \
	"http://[::1]:3128"; do
	conf accepted "$good"
	"$bin" -c "$tmp/accepted.conf" --check-config >"$tmp/out" 2>"$tmp/err" && ok ||
		fail "accepted $good: rejected: $(cat "$tmp/err")"
done

# 6. No aws.proxy, https_proxy in the environment: libcurl's own rules.
what="https_proxy"
: >"$tmp/proxy.log"
https_proxy="http://$AUTH@127.0.0.1:$PPORT" "$bin" -c "$tmp/direct.conf" --whoami \
	>"$tmp/out" 2>"$tmp/err" && ok || fail "$what: $(cat "$tmp/err")"
[ "$(connects "aws.proxytest.invalid:$EMU_PORT")" -ge 1 ] && ok || fail "$what: no CONNECT"
no_pw "$tmp/out" "$tmp/err"

# 7. A webhook through the proxy, delivered to an HTTPS receiver.
"$PY" "$top_srcdir/tests/tools/webhook_receiver.py" --port-file "$tmp/recv-port" \
	--log "$tmp/recv.jsonl" --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem" &
RECV_PID=$!
wait_port "$tmp/recv-port"
RPORT=$(cat "$tmp/recv-port")
HOOK="https://hooks.proxytest.invalid:$RPORT/hook"
fix="$top_srcdir/tests/data/alerts/basic.json"
what="webhook without proxy"
mkdir "$tmp/s0" "$tmp/s1"
: >"$tmp/proxy.log"
"$tool" --state "$tmp/s0" --no-syslog --attempts 1 --ca-bundle "$tmp/cert.pem" \
	--webhook a="$HOOK" run "$fix" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 3 ] && ok || fail "$what: exit $rc, want 3 (queued): $(cat "$tmp/out" "$tmp/err")"
[ ! -s "$tmp/recv.jsonl" ] && ok || fail "$what: the receiver got something"
what="webhook proxy"
"$tool" --state "$tmp/s1" --no-syslog --attempts 1 --proxy "http://$AUTH@127.0.0.1:$PPORT" \
	--ca-bundle "$tmp/cert.pem" --webhook a="$HOOK" run "$fix" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && ok || fail "$what: exit $rc: $(cat "$tmp/out" "$tmp/err")"
n=$(wc -l <"$tmp/recv.jsonl" 2>/dev/null || echo 0)
[ "$n" -eq 6 ] && ok || fail "$what: the receiver got $n alerts, want 6"
[ "$(connects "hooks.proxytest.invalid:$RPORT")" -ge 1 ] && ok ||
	fail "$what: no CONNECT in the proxy log: $(cat "$tmp/proxy.log")"
no_pw "$tmp/out" "$tmp/err" "$tmp/s1"/* "$tmp/s1"/*/* 2>/dev/null

echo "proxy: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
