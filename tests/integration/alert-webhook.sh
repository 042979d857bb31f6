#!/bin/sh
# Webhook alerts end to end through the durable outbox (alert-tool drives
# the alert API as the daemon does): a receiver that answers 500 for a while
# then 200 gets every alert exactly once, in queue order, across restarts
# of the delivering process; the receiver checks the HMAC independently
# (python3 hmac) and a receiver with another secret rejects every request;
# a dead webhook neither blocks nor duplicates a live one; static headers
# come from files and never reach the output; the Slack format has text and
# blocks.
set -u
. "$top_srcdir/tests/integration/alert-lib.sh"
fix="$top_srcdir/tests/data/alerts/basic.json"
printf 'hmac-shared-secret-0123\n' >"$tmp/secret"
printf 'other-secret\n' >"$tmp/other"
printf 'Bearer tok-SECRET-VALUE-42\n' >"$tmp/token"
order='gained lost changed privileged-added privileged-removed audit-incomplete'

kinds_of() {	# LOGFILE: kinds of the accepted deliveries, in arrival order
	"$PYTHON3" -c 'import json, sys
print(" ".join(json.loads(l)["body"]["kind"] for l in open(sys.argv[1])))' "$1"
}

# 1. 500 for 7 requests, then 200; three "restarts" of the sender.
recv_start A --secret-file "$tmp/secret" --fail 7
mkdir "$tmp/s1"
common="--state $tmp/s1 --no-syslog --attempts 2 --backoff-ms 5"
"$TOOL" $common --secret-file "$tmp/secret" --header "Authorization=$tmp/token" \
	--webhook a="$URL_A" run "$fix" >"$tmp/out1" 2>"$tmp/err1"
[ $? -eq 3 ] || fail "first run should leave alerts queued: $(cat "$tmp/out1" "$tmp/err1")"
grep -q 'queued=6 ' "$tmp/out1" || fail "6 alerts queued: $(cat "$tmp/out1")"
[ "$("$TOOL" --state "$tmp/s1" --no-syslog pending)" = 6 ] || fail "6 pending after the 1st run"
for n in 2 3; do
	"$TOOL" $common --secret-file "$tmp/secret" --header "Authorization=$tmp/token" \
		--webhook a="$URL_A" deliver >"$tmp/out$n" 2>"$tmp/err$n"
	[ $? -eq 3 ] || fail "run $n should leave alerts queued"
done
[ "$(summary_field "$CTL_A" accepted)" = 0 ] || fail "nothing accepted yet"
"$TOOL" $common --secret-file "$tmp/secret" --header "Authorization=$tmp/token" \
	--webhook a="$URL_A" run "$fix" --rounds 5 >"$tmp/out4" 2>"$tmp/err4" ||
	fail "4th run did not empty the outbox: $(cat "$tmp/out4" "$tmp/err4")"
grep -q 'already enqueued' "$tmp/out4" || fail "the run was enqueued again"
[ "$(summary_field "$CTL_A" failed_answers)" = 7 ] || fail "7 answers of 500 expected"
[ "$(summary_field "$CTL_A" accepted)" = 6 ] || fail "accepted != 6: $(ctl_get "$CTL_A" /_ctl/summary)"
[ "$(summary_field "$CTL_A" unique)" = 6 ] || fail "unique != 6"
[ "$(summary_field "$CTL_A" bad)" = 0 ] || fail "bad requests: $(ctl_get "$CTL_A" /_ctl/summary)"
[ "$(kinds_of "$tmp/log-A.jsonl")" = "$order" ] || fail "order: $(kinds_of "$tmp/log-A.jsonl")"
[ -z "$(ls "$tmp/s1/outbox")" ] || fail "outbox not empty"
"$PYTHON3" - "$tmp/log-A.jsonl" <<'PY' || fail "headers"
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    h = r["headers"]
    assert h.get("Authorization") == "Bearer tok-SECRET-VALUE-42", h
    assert h["X-Passrole-Auditd-Alert-Id"] == r["body"]["id"]
    assert h["X-Passrole-Auditd-Signature"].startswith("sha256=")
PY
if grep -q 'tok-SECRET\|hmac-shared' "$tmp"/out* "$tmp"/err*; then fail "a secret in the output"; fi
# Nothing more arrives when the outbox is empty and the run is done.
"$TOOL" $common --secret-file "$tmp/secret" --webhook a="$URL_A" run "$fix" >/dev/null 2>&1 ||
	fail "idle run failed"
[ "$(summary_field "$CTL_A" accepted)" = 6 ] || fail "a re-delivery after the outbox emptied"

# 2. A receiver with another secret rejects the signature (401): nothing is
# accepted and everything stays queued.
recv_start B --secret-file "$tmp/other"
mkdir "$tmp/s2"
"$TOOL" --state "$tmp/s2" --no-syslog --attempts 1 --secret-file "$tmp/secret" \
	--webhook b="$URL_B" run "$fix" >/dev/null 2>"$tmp/errB"
[ $? -eq 3 ] || fail "a rejected signature must keep alerts queued"
[ "$(summary_field "$CTL_B" bad)" -ge 1 ] || fail "the receiver accepted a wrong signature"
[ "$(summary_field "$CTL_B" accepted)" = 0 ] || fail "accepted with a wrong secret"
grep -q 'HTTP 401' "$tmp/errB" || fail "no 401 in the log: $(cat "$tmp/errB")"

# 3. Two webhooks, one dead (answers 500 to everything): the live one gets
# all six at once; when the dead one comes back it gets all six, the live
# one nothing more.
recv_start D --secret-file "$tmp/secret" --fail 100000
recv_start L --secret-file "$tmp/secret"
mkdir "$tmp/s3"
two="--state $tmp/s3 --no-syslog --attempts 2 --backoff-ms 5 --secret-file $tmp/secret --webhook dead=$URL_D --secret-file $tmp/secret --webhook live=$URL_L"
"$TOOL" $two run "$fix" >/dev/null 2>&1
[ $? -eq 3 ] || fail "the dead webhook's alerts must stay queued"
[ "$(summary_field "$CTL_L" accepted)" = 6 ] || fail "the live webhook was blocked by the dead one"
[ "$(summary_field "$CTL_D" posts)" = 2 ] || fail "the dead webhook was tried past its first failure"
"$TOOL" $two deliver >/dev/null 2>&1
[ "$(summary_field "$CTL_L" accepted)" = 6 ] || fail "the live webhook got duplicates"
ctl_post "$CTL_D" /_ctl/fail '{"n": 0}'
"$TOOL" $two deliver >/dev/null 2>&1 || fail "delivery to the revived webhook failed"
[ "$(summary_field "$CTL_D" accepted)" = 6 ] || fail "the revived webhook did not get all six"
[ "$(summary_field "$CTL_D" unique)" = 6 ] || fail "duplicates to the revived webhook"
[ "$(summary_field "$CTL_L" accepted)" = 6 ] || fail "the live webhook got duplicates"
[ "$(kinds_of "$tmp/log-D.jsonl")" = "$order" ] || fail "order after revival: $(kinds_of "$tmp/log-D.jsonl")"
# Same fixture, same run, fresh state: the same ids (stable across processes).
ctl_get "$CTL_L" /_ctl/summary >"$tmp/sumL"
ctl_get "$CTL_A" /_ctl/summary >"$tmp/sumA"
"$PYTHON3" -c 'import json, sys
a, b = (json.load(open(p))["ids"] for p in sys.argv[1:])
assert a == b, (a, b)' "$tmp/sumA" "$tmp/sumL" || fail "ids differ between two processes"

# 4. Slack format: text and blocks, the id in the header.
recv_start S --secret-file "$tmp/secret"
mkdir "$tmp/s4"
"$TOOL" --state "$tmp/s4" --no-syslog --format slack --secret-file "$tmp/secret" \
	--webhook s="$URL_S" run "$fix" >/dev/null 2>&1 || fail "slack delivery"
"$PYTHON3" - "$tmp/log-S.jsonl" <<'PY' || fail "slack body"
import json, sys
rs = [json.loads(l) for l in open(sys.argv[1])]
assert len(rs) == 6, len(rs)
g = rs[0]["body"]
# High risk (passrole-auditd(8), SEVERITY): a privileged role a service can use unconditionally.
assert g["text"].startswith("[passrole-auditd error] user alice gained iam:PassRole to DeployAdmin"), g["text"]
assert g["blocks"][0]["type"] == "section" and g["blocks"][0]["text"]["type"] == "mrkdwn"
fields = {f["text"].split("\n")[0]: f["text"].split("\n", 1)[1] for f in g["blocks"][1]["fields"]}
assert fields["*Principal*"] == "arn:aws:iam::111111111111:user/alice", fields
assert fields["*Services*"] == "cloudformation.amazonaws.com, lambda.amazonaws.com"
assert len(g["blocks"][1]["fields"]) <= 10
assert rs[0]["id"] in g["blocks"][-1]["elements"][0]["text"]
assert all(r["body"]["blocks"][-1]["type"] == "context" for r in rs)
PY
echo "alert-webhook: ok"
