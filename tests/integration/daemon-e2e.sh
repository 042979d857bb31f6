#!/bin/sh
# The real daemon (passrole-auditd -f) against the emulator, with a loopback
# webhook receiver (HMAC checked by the receiver, in Python), a unix datagram
# syslog receiver and a systemd notification socket, all started here:
#   1. the audit at start is a baseline of a fully audited organization
#      (tests/data/scenarios/e2e-base.json): no alert at all, nor for a
#      second audit with nothing changed;
#   2. a policy change (e2e-changed.json) then SIGUSR1: exactly one webhook
#      delivery and one syslog line per cause (alerts.group_by's default:
#      bob created, two edges gained; PassDeployRole detached from
#      ci-deployer, two lost), the same ids in both, signatures valid;
#   3. the webhook answers 500: syslog still gets the new alerts, the
#      webhook's stay queued; SIGTERM during a slow audit (every AWS call
#      delayed) exits 0 at once, with the state files byte-identical, no new
#      one, and the queued alerts untouched; WATCHDOG=1 keeps coming while
#      the audit is stalled;
#   4. restarted while the webhook still fails (its audit at start adds
#      alerts), stopped with alerts pending, restarted, the webhook answers
#      200 again: every alert arrives exactly once (no re-delivery at all);
#   5. the demo organization with an account that cannot be audited
#      (basic.json): its baseline, and each audit after it, raises exactly
#      one alert, audit-incomplete, naming that account;
#   6. no secret (AWS key, external id, HMAC secrets, webhook URLs of more
#      than 2,000 bytes, user:password@) nor a piece of one in any output,
#      at default verbosity, -v and -v -v.
# SIGHUP with a broken config is daemon-signals.sh's.
# Audits are started with SIGUSR1: daemon.interval cannot go below 60 s, and
# the test need not wait for it.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
. "$top_srcdir/tests/emulator/emu.sh"
. "$top_srcdir/tests/integration/alert-lib.sh"
bin="$top_builddir/passrole-auditd"
base="$top_srcdir/tests/data/scenarios/e2e-base.json"
changed="$top_srcdir/tests/data/scenarios/e2e-changed.json"
pid=
lpid=
fail() {
	echo "FAIL: $*"
	echo "--- daemon log"; cat "$tmp/log" 2>/dev/null
	echo "--- notifications"; cat "$tmp/notes" 2>/dev/null
	echo "--- syslog"; cat "$tmp/lines" 2>/dev/null
	exit 1
}
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	[ -n "$lpid" ] && kill "$lpid" 2>/dev/null
	emu_stop
	alert_cleanup
}
emu_start "$base" || fail "emulator did not start"
trap cleanup EXIT INT TERM

printf 'e2e-hmac-secret-7f3a\n' >"$tmp/secret"
chmod 600 "$tmp/secret"
recv_start W --secret-file "$tmp/secret"
syslog_start "$tmp/log.sock" "$tmp/lines"
: >"$tmp/lines"

# systemd's end of the notification socket: one line per datagram.
cat >"$tmp/listen.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as out:
    print("listening", file=out, flush=True)
    while True:
        m = s.recv(4096).decode("utf-8", "replace")
        print(m.replace("\n", "|"), file=out, flush=True)
PY
"$PYTHON3" "$tmp/listen.py" "$tmp/notify" "$tmp/notes" &
lpid=$!
RECV_PIDS="$RECV_PIDS $lpid"

count() { n=$(grep -cE "$2" "$1" 2>/dev/null); echo "${n:-0}"; }
# wait_count FILE REGEX N: until FILE has N lines matching (up to 60 s).
wait_count() {
	i=0
	while [ "$(count "$1" "$2")" -lt "$3" ]; do
		i=$((i + 1))
		[ $i -le 600 ] || return 1
		sleep 0.1
	done
}
wait_count "$tmp/notes" '^listening$' 1 || fail "the notification listener did not start"

cat >"$tmp/d.conf" <<CONF
state_dir = "$tmp/state";
aws = {
  region = "eu-west-1";
  credentials = { source = "static"; access_key_id = "AKIAIOSFODNN7EXAMPLE";
    secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"; };
  endpoints = { sts = "$EMU_URL"; iam = "$EMU_URL"; organizations = "$EMU_URL";
    ec2 = "$EMU_URL"; };
  retry = { max_attempts = 2; base_delay_ms = 10; max_delay_ms = 20; };
};
collect = { member_role = "AuditRole"; external_id = "audit+2024/q1";
  regions = [ "eu-west-1", "us-east-1" ]; };
audit = { state_keep = 100; };
daemon = { interval = 600; jitter = 0; };
alerts = {
  # The first-run summary is alerts-manual.sh's; here a baseline is silent.
  on_baseline = "none";
  syslog = { socket = "$tmp/log.sock"; ident = "pra-e2e"; facility = "local3"; };
  webhooks = ( { name = "recv"; url = "$URL_W"; hmac_secret_file = "$tmp/secret";
    max_attempts = 1; timeout = 5; } );
};
CONF
chmod 600 "$tmp/d.conf"
mkdir -m 700 "$tmp/state"

# A job (an audit and its delivery round) is over when the daemon says
# when the next audit is.
IDLE='^STATUS=.*next audit in [0-9]+ s$'
jobs_done=0
start_daemon() {
	env NOTIFY_SOCKET="$tmp/notify" "$@" "$bin" -f -c "$tmp/d.conf" 2>>"$tmp/log" &
	pid=$!
	jobs_done=$((jobs_done + 1))
	wait_count "$tmp/notes" "$IDLE" "$jobs_done" || fail "the audit at start did not end"
}
audit_now() {
	kill -USR1 "$pid"
	jobs_done=$((jobs_done + 1))
	wait_count "$tmp/notes" "$IDLE" "$jobs_done" || fail "the SIGUSR1 audit did not end"
}
stop_daemon() {
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	pid=
	[ "$rc" -eq 0 ] || fail "exit status $rc after SIGTERM"
}
alert_lines() { count "$tmp/lines" 'pra-e2e\[[0-9]+\]: passrole-auditd alert: '; }
outbox_n() { n=$(ls "$tmp/state/outbox" 2>/dev/null | grep -c '\.json$'); echo "${n:-0}"; }
last_status() { grep -E "$IDLE" "$tmp/notes" | tail -n 1; }

# What the receiver accepted and syslog got, against the expected changes
# (kind principal role, one per line in $1): each exactly once, the same
# ids in both, no re-delivery, no bad signature.
check_alerts() {
	ctl_get "$CTL_W" /_ctl/summary >"$tmp/summary"
	ctl_get "$CTL_W" /_ctl/deliveries >"$tmp/deliveries"
	"$PYTHON3" - "$1" "$tmp/summary" "$tmp/deliveries" "$tmp/lines" <<'PY'
import collections, json, re, sys
want = collections.Counter(tuple(l.split()) for l in open(sys.argv[1]) if l.strip())
s = json.load(open(sys.argv[2]))
dl = json.load(open(sys.argv[3]))
assert s["bad"] == 0, s["bad_reasons"]
assert s["duplicates"] == 0, "re-deliveries: %d" % s["duplicates"]
for d in dl:
    sig = d["headers"]["X-Passrole-Auditd-Signature"]
    assert sig.startswith("sha256=") and len(sig) == 71, sig
# One alert per cause, listing its changes.
got = collections.Counter()
for d in dl:
    b = d["body"]
    assert b["kind"] == "cause" and len(b["causes"]) == 1 and b["causes"][0]["verified"], b
    assert b["edges_omitted"] == 0 and len(b["edges"]) == 2, b["edges"]
    for x in b["edges"]:
        got[(x["change"], x["principal"], x["role"])] += 1
assert got == want, "webhook: got %s, wanted %s" % (sorted(got.items()), sorted(want.items()))
ids = [d["id"] for d in dl]
sl = []
for l in open(sys.argv[4]):
    m = re.search(r"passrole-auditd alert: kind=\S+ severity=\S+ id=([0-9a-f]{64}) ", l)
    assert m, "syslog line without an alert id: " + l
    sl.append(m.group(1))
assert len(sl) == len(set(sl)), "a syslog line twice"
assert sorted(sl) == sorted(ids), "syslog ids differ from the webhook's"
PY
}

# 1. The baseline, then no change: no alert anywhere.
start_daemon WATCHDOG_USEC=400000
grep -q 'audit of .*: 6 edges, 0 gained, 0 lost, 0 changed, 0 privileged role changes (baseline); complete; 0 alerts queued' "$tmp/log" ||
	fail "the baseline audit's summary"
audit_now
last_status | grep -q ': 6 edges, 0 gained, 0 lost, 0 changed, 0 privileged role changes; complete; 0 alerts queued; next' ||
	fail "the second audit's status: $(last_status)"
[ "$(summary_field "$CTL_W" posts)" = 0 ] || fail "the receiver got a request without a change"
sleep 0.3
[ "$(alert_lines)" = 0 ] || fail "a syslog line without a change"
[ -e "$tmp/state/gen-0000000002/run.json" ] || fail "two audits, two saved runs"

# 2. A policy change: two edges lost, two gained; one delivery and one
# syslog line per cause (two).
ACI="arn:aws:iam::111122223333:user/automation/ci-deployer"
ABOB="arn:aws:iam::111122223333:user/automation/bob"
DEP="arn:aws:iam::111122223333:role/deploy/app-deployer"
OAA="arn:aws:iam::111122223333:role/OrganizationAccountAccessRole"
emu_scenario "$changed" || fail "scenario change"
audit_now
last_status | grep -q ': 6 edges, 2 gained, 2 lost, 0 changed, 0 privileged role changes; complete; 2 alerts queued; next' ||
	fail "the change's status: $(last_status)"
cat >"$tmp/want" <<W
gained $ABOB $DEP
gained $ABOB $OAA
lost $ACI $DEP
lost $ACI $OAA
W
sleep 0.3
check_alerts "$tmp/want" || fail "alerts after the change"
[ "$(outbox_n)" = 0 ] || fail "the outbox is not empty"
# Nothing changed since: nothing more.
audit_now
sleep 0.3
check_alerts "$tmp/want" || fail "alerts after an audit with no change"

# 3. The webhook fails; the scenario goes back: two new alerts (four
# changes), in syslog at once, queued for the webhook.
ctl_post "$CTL_W" /_ctl/fail '{"n": 1000000}'
emu_scenario "$base" || fail "scenario change"
audit_now
last_status | grep -q '2 gained, 2 lost.*; 2 alerts queued; next' ||
	fail "the status with queued alerts: $(last_status)"
cat >>"$tmp/want2" <<W
gained $ACI $DEP
gained $ACI $OAA
lost $ABOB $DEP
lost $ABOB $OAA
W
sleep 0.3
[ "$(alert_lines)" = 4 ] || fail "syslog did not get the new alerts: $(alert_lines) lines"
[ "$(summary_field "$CTL_W" accepted)" = 2 ] || fail "accepted while failing"
[ "$(summary_field "$CTL_W" failed_answers)" -ge 1 ] || fail "the webhook was not tried"
[ "$(outbox_n)" = 2 ] || fail "two alerts should be queued, not $(outbox_n)"

# SIGTERM during a slow audit of a changed scenario.
emu_scenario "$changed" || fail "scenario change"
ls -la "$tmp/state" | grep -v ' \.$\| \.\.$' >"$tmp/state-ls"
(cd "$tmp/state" && sha256sum gen-*/* outbox/*.json) >"$tmp/state-sums"
emu_fault '{"operation": "*", "kind": "slow", "delay_ms": 400, "count": 100000}' ||
	fail "slow fault"
emu_reqs() { emu_requests | "$PYTHON3" -c 'import json, sys; print(len(json.load(sys.stdin)))'; }
r0=$(emu_reqs)
wd0=$(count "$tmp/notes" '^WATCHDOG=1$')
a0=$(count "$tmp/notes" '^STATUS=auditing$')
kill -USR1 "$pid"
wait_count "$tmp/notes" '^STATUS=auditing$' $((a0 + 1)) || fail "the slow audit did not start"
i=0
while [ "$(emu_reqs)" -lt $((r0 + 2)) ]; do
	i=$((i + 1)); [ $i -le 300 ] || fail "the slow audit made no request"; sleep 0.1
done
sleep 1
[ "$(count "$tmp/notes" '^WATCHDOG=1$')" -ge $((wd0 + 3)) ] ||
	fail "WATCHDOG=1 stopped during the audit ($wd0 before, $(count "$tmp/notes" '^WATCHDOG=1$') now)"
t0=$(date +%s)
stop_daemon
[ $(($(date +%s) - t0)) -le 10 ] || fail "SIGTERM took more than 10 s during the audit"
emu_reset || fail "emu_reset"
grep -q 'SIGTERM: stopping; abandoning the running work' "$tmp/log" || fail "the stop is not logged"
grep -q 'audit stopped; nothing saved' "$tmp/log" || fail "the abandoned audit is not logged"
grep -q 'stopped; queued alerts stay in the outbox for the next start' "$tmp/log" ||
	fail "the pending alerts are not mentioned at the stop"
wait_count "$tmp/notes" '^STOPPING=1$' 1 || fail "no STOPPING=1"
ls -la "$tmp/state" | grep -v ' \.$\| \.\.$' >"$tmp/state-ls2"
(cd "$tmp/state" && sha256sum gen-*/* outbox/*.json) >"$tmp/state-sums2"
cmp -s "$tmp/state-sums" "$tmp/state-sums2" ||
	fail "the state or the outbox changed: $(diff "$tmp/state-sums" "$tmp/state-sums2")"
cmp -s "$tmp/state-ls" "$tmp/state-ls2" ||
	fail "files appeared or went: $(diff "$tmp/state-ls" "$tmp/state-ls2")"

# 4. Restart with the webhook still failing: the audit at start queues two
# more (bob gained, ci-deployer lost, against the saved state); stop with
# four pending; restart; the webhook comes back; SIGUSR1 delivers all.
start_daemon
last_status | grep -q '2 gained, 2 lost.*; 4 alerts queued; next' ||
	fail "the status after the restart: $(last_status)"
stop_daemon
[ "$(outbox_n)" = 4 ] || fail "four alerts should be queued at the stop, not $(outbox_n)"
start_daemon
last_status | grep -q '0 gained, 0 lost.*; 4 alerts queued; next' ||
	fail "the status after the second restart: $(last_status)"
[ "$(summary_field "$CTL_W" failed_answers)" -ge 3 ] || fail "fewer failed rounds than expected"
ctl_post "$CTL_W" /_ctl/fail '{"n": 0}'
audit_now
last_status | grep -q 'complete; 0 alerts queued; next audit in' ||
	fail "the outbox is not empty: $(last_status)"
stop_daemon
[ "$(outbox_n)" = 0 ] || fail "the outbox is not empty: $(outbox_n)"
cat "$tmp/want" "$tmp/want2" >"$tmp/want3"
cat >>"$tmp/want3" <<W
gained $ABOB $DEP
gained $ABOB $OAA
lost $ACI $DEP
lost $ACI $OAA
W
sleep 0.3
check_alerts "$tmp/want3" || fail "alerts after the outage and the restarts"

# 5. The demo organization as it is (basic.json: 123456789012 has no
# AuditRole): its baseline raises exactly one alert, audit-incomplete
# naming that account, and so does each later audit (a new id each time).
emu_scenario "$top_srcdir/tests/data/scenarios/basic.json" || fail "scenario change"
sed -e "s|$tmp/state|$tmp/state2|" "$tmp/d.conf" >"$tmp/d2.conf"
chmod 600 "$tmp/d2.conf"
mkdir -m 700 "$tmp/state2"
ctl_get "$CTL_W" /_ctl/summary >"$tmp/sum-before"
env NOTIFY_SOCKET="$tmp/notify" "$bin" -f -c "$tmp/d2.conf" 2>>"$tmp/log" &
pid=$!
jobs_done=$((jobs_done + 1))
wait_count "$tmp/notes" "$IDLE" "$jobs_done" || fail "the basic.json baseline did not end"
last_status | grep -q '(baseline); incomplete; 1 alert queued; next audit in' ||
	fail "the basic.json baseline's status: $(last_status)"
audit_now
last_status | grep -q ': 6 edges, 0 gained, 0 lost, 0 changed, 0 privileged role changes; incomplete; 1 alert queued; next audit in' ||
	fail "the second basic.json audit's status: $(last_status)"
stop_daemon
ctl_get "$CTL_W" /_ctl/deliveries >"$tmp/deliveries"
# After the six of sections 2 to 4 (two causes each time).
"$PYTHON3" - "$tmp/deliveries" 6 <<'PY' || fail "the basic.json alerts"
import json, sys
dl = json.load(open(sys.argv[1]))[int(sys.argv[2]):]
assert [d["body"]["kind"] for d in dl] == ["audit-incomplete"] * 2, [d["body"]["kind"] for d in dl]
for d in dl:
    assert [n["account"] for n in d["body"]["not_audited"]] == ["123456789012"], d["body"]
assert dl[0]["id"] != dl[1]["id"]
PY

# 6. No secret in any output, at every verbosity (default, -v, -v -v),
# with two webhook URLs of more than 2,000 bytes whose token is near the
# end: one delivered to, one to a port nothing listens on (so transport
# errors are logged about it), and a URL holding user:password@ (refused,
# on SIGHUP and by --check-config). Each output is searched for every
# secret whole and for distinctive pieces of it: a message that cut a
# secret would show only a piece, which a whole-secret scrubber misses.
pad=$(head -c 2100 /dev/zero | tr '\0' q)
dead_port=$("$PYTHON3" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url_live="$URL_W/$pad/TOKENe2eLive9Qx4"
url_dead="http://127.0.0.1:$dead_port/hook/$pad/TOKENe2eDead7Wz2"
url_userinfo="http://ops:pw-e2eUserK5m@127.0.0.1:$dead_port/hook/$pad/TOKENe2eUser3Rt8"
[ ${#url_live} -gt 2000 ] && [ ${#url_dead} -gt 2000 ] || fail "the webhook URLs are not long"
# conf6 STATE_DIR URL_OF_THE_SECOND_WEBHOOK
conf6() {
	cat <<CONF
state_dir = "$1";
aws = {
  region = "eu-west-1";
  credentials = { source = "static"; access_key_id = "AKIAIOSFODNN7EXAMPLE";
    secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"; };
  endpoints = { sts = "$EMU_URL"; iam = "$EMU_URL"; organizations = "$EMU_URL";
    ec2 = "$EMU_URL"; };
  retry = { max_attempts = 2; base_delay_ms = 10; max_delay_ms = 20; };
};
collect = { member_role = "AuditRole"; external_id = "audit+2024/q1";
  regions = [ "eu-west-1" ]; };
daemon = { interval = 600; jitter = 0; };
alerts = {
  # The first-run summary is alerts-manual.sh's; here a baseline is silent.
  on_baseline = "none";
  syslog = { socket = "$tmp/log.sock"; ident = "pra-e2e"; facility = "local3"; };
  webhooks = (
    { name = "live"; url = "$url_live"; hmac_secret_file = "$tmp/secret";
      max_attempts = 1; timeout = 5; },
    { name = "dead"; url = "$2"; hmac_secret = "e2e-hmac-inline-c41d";
      max_attempts = 1; timeout = 5; } );
};
CONF
}
"$PYTHON3" "$tmp/listen.py" "$tmp/notify6" "$tmp/notes6" &
RECV_PIDS="$RECV_PIDS $!"
wait_count "$tmp/notes6" '^listening$' 1 || fail "the second notification listener did not start"
posts0=$(summary_field "$CTL_W" accepted)
for n in 0 1 2; do
	case $n in 0) v= ;; 1) v=-v ;; 2) v="-v -v" ;; esac
	o="$tmp/out6-$n"
	mkdir -m 700 "$tmp/state6-$n"
	conf6 "$tmp/state6-$n" "$url_dead" >"$o.conf"
	chmod 600 "$o.conf"
	idle=$(count "$tmp/notes6" "$IDLE")
	# shellcheck disable=SC2086
	env NOTIFY_SOCKET="$tmp/notify6" "$bin" -f $v -c "$o.conf" 2>"$o.log" &
	pid=$!
	wait_count "$tmp/notes6" "$IDLE" $((idle + 1)) || fail "the audit at start ($v) did not end"
	kill -USR1 "$pid"
	wait_count "$tmp/notes6" "$IDLE" $((idle + 2)) || fail "the SIGUSR1 audit ($v) did not end"
	conf6 "$tmp/state6-$n" "$url_userinfo" >"$o.conf.new"
	chmod 600 "$o.conf.new"
	mv "$o.conf.new" "$o.conf"
	kill -HUP "$pid"
	wait_count "$o.log" 'invalid configuration \(1 problem\); keeping the previous one' 1 ||
		fail "the URL with user information ($v) was not refused"
	grep -q 'alerts.webhooks.\[1\].url: must not contain user information' "$o.log" ||
		fail "the refused URL's problem ($v) is not named"
	stop_daemon
	# shellcheck disable=SC2086
	"$bin" $v --check-config -c "$o.conf" >"$o.cc-bad" 2>&1 && fail "--check-config $v accepted user:password@"
	conf6 "$tmp/state6-$n" "$url_dead" >"$o.conf"
	# shellcheck disable=SC2086
	"$bin" $v --check-config -c "$o.conf" >"$o.cc-out" 2>"$o.cc-err" || fail "--check-config $v"
	awk -f "$top_srcdir/tests/tools/conf-flatten.awk" "$o.cc-out" >"$o.cc-flat" || fail "--check-config $v: output does not flatten"
	grep -qxF '# alerts.webhooks[0].url is set: a secret, not shown' "$o.cc-flat" || fail "--check-config $v: the URL is not masked"
	grep -qxF '# alerts.webhooks[1].url is set: a secret, not shown' "$o.cc-flat" || fail "--check-config $v: the URL is not masked"
done
grep -q 'webhook dead: http://127.0.0.1:[0-9]*: cannot connect' "$tmp/out6-2.log" ||
	fail "at -v -v, the failing webhook's transport error is not logged"
[ "$(summary_field "$CTL_W" accepted)" -ge $((posts0 + 6)) ] ||
	fail "the live webhook did not get the alerts of each verbosity"

# Every output of the whole test: the daemons' stderr, syslog, --check-config.
for f in "$tmp/log" "$tmp/lines" "$tmp"/out6-*.log "$tmp"/out6-*.cc-*; do
	[ -f "$f" ] || fail "no output file $f"
	for secret in wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY wJalrXUtnFEMI bPxRfiCY \
	    audit+2024/q1 audit+2024 e2e-hmac-secret-7f3a hmac-secret-7f3a \
	    e2e-hmac-inline-c41d hmac-inline "$url_live" "$url_dead" "$url_userinfo" \
	    TOKENe2e Live9Qx4 Dead7Wz2 User3Rt8 pw-e2eUserK5m pw-e2e qqqqqqqq /hook/q; do
		if grep -qF -- "$secret" "$f"; then
			fail "$(basename "$f") holds a secret or a piece of one: $(echo "$secret" | cut -c1-60)"
		fi
	done
done
echo "daemon-e2e: ok ($(summary_field "$CTL_W" accepted) deliveries, $(summary_field "$CTL_W" failed_answers) answers of 500, $(alert_lines) syslog lines)"
