#!/bin/sh
# No change without its alert (issue 12, point 1), against the emulator:
#   1. a daemon with a webhook and syslog audits (baseline); a manual
#      --audit-now on the same state then sees a change, queues its alerts
#      in the daemon's outbox and delivers them; the daemon's next audit
#      sees another change; every change reaches both sinks exactly once,
#      with the same ids in both, and the manual run's alerts are never
#      delivered again by the daemon;
#   2. a manual run while another process holds the outbox's lock, then
#      the state directory's, says whom it waits for, then finishes when
#      the lock is free;
#   3. --no-alerts reports the change but queues nothing and saves
#      nothing: the next run still raises it;
#   4. the one-shot unit's ExecStart= command line (read from
#      systemd/passrole-auditd-oneshot.service), run here, delivers to a
#      webhook; exit status 2 (changes) is in its SuccessExitStatus=;
#   5. a state directory owned by another user is refused with the fix
#      (when the test runs as root, which can make one).
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
. "$top_srcdir/tests/emulator/emu.sh"
. "$top_srcdir/tests/integration/alert-lib.sh"
bin="$top_builddir/passrole-auditd"
base="$top_srcdir/tests/data/scenarios/e2e-base.json"
changed="$top_srcdir/tests/data/scenarios/e2e-changed.json"
unit="$top_srcdir/systemd/passrole-auditd-oneshot.service"
pid=
lpid=
fail() {
	echo "FAIL: $*"
	echo "--- daemon log"; cat "$tmp/log" 2>/dev/null
	echo "--- manual runs"; cat "$tmp/manual.err" 2>/dev/null
	echo "--- syslog"; cat "$tmp/lines" 2>/dev/null
	exit 1
}
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	emu_stop
	alert_cleanup
}
emu_start "$base" || fail "emulator did not start"
trap cleanup EXIT INT TERM

recv_start W
recv_start O
syslog_start "$tmp/log.sock" "$tmp/lines"
: >"$tmp/lines"

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
wait_count() {
	i=0
	while [ "$(count "$1" "$2")" -lt "$3" ]; do
		i=$((i + 1))
		[ $i -le 600 ] || return 1
		sleep 0.1
	done
}
wait_count "$tmp/notes" '^listening$' 1 || fail "the notification listener did not start"

# conf FILE STATE_DIR WEBHOOK_URL
conf() {
	cat >"$1" <<CONF
state_dir = "$2";
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
daemon = { interval = 600; jitter = 0; };
alerts = {
  # One alert per change, which this test counts (alerts grouped by
  # cause are check_group's and daemon-e2e.sh's).
  group_by = "edge";
  syslog = { socket = "$tmp/log.sock"; facility = "local3"; };
  webhooks = ( { name = "recv"; url = "$3"; max_attempts = 1; timeout = 5; } );
};
CONF
	chmod 600 "$1"
}
conf "$tmp/d.conf" "$tmp/state" "$URL_W"
mkdir -m 700 "$tmp/state"

IDLE='^STATUS=.*next audit in [0-9]+ s$'
jobs_done=0
start_daemon() {
	env NOTIFY_SOCKET="$tmp/notify" "$bin" -f -c "$tmp/d.conf" 2>>"$tmp/log" &
	pid=$!
	jobs_done=$((jobs_done + 1))
	wait_count "$tmp/notes" "$IDLE" "$jobs_done" || fail "the audit at start did not end"
}
daemon_audit() {
	kill -USR1 "$pid"
	jobs_done=$((jobs_done + 1))
	wait_count "$tmp/notes" "$IDLE" "$jobs_done" || fail "the SIGUSR1 audit did not end"
}
last_status() { grep -E "$IDLE" "$tmp/notes" | tail -n 1; }
outbox_n() { n=$(ls "$1/outbox" 2>/dev/null | grep -c '\.json$'); echo "${n:-0}"; }
# manual WANT_RC ARGS...: --audit-now with the daemon's config.
manual() {
	want=$1; shift
	echo "--- $*" >>"$tmp/manual.err"
	"$bin" --audit-now -c "$tmp/d.conf" "$@" >"$tmp/manual.out" 2>"$tmp/manual.1"
	rc=$?
	cat "$tmp/manual.1" >>"$tmp/manual.err"
	[ "$rc" -eq "$want" ] || fail "--audit-now $*: exit $rc, wanted $want"
}

# check_alerts CTL WANT [SYSLOG]: the receiver's deliveries are WANT's
# "kind principal role" lines, each once; with SYSLOG, its alert lines
# carry exactly the same ids.
check_alerts() {
	ctl_get "$1" /_ctl/summary >"$tmp/summary"
	ctl_get "$1" /_ctl/deliveries >"$tmp/deliveries"
	"$PYTHON3" - "$2" "$tmp/summary" "$tmp/deliveries" "${3:-}" <<'PY'
import collections, json, re, sys
want = collections.Counter(tuple(l.split()) for l in open(sys.argv[1]) if l.strip())
s = json.load(open(sys.argv[2]))
dl = json.load(open(sys.argv[3]))
assert s["duplicates"] == 0, "re-deliveries: %d" % s["duplicates"]
got = collections.Counter((d["body"]["kind"], d["body"].get("principal", "-"),
                           d["body"].get("role", "-")) for d in dl)
for d in dl:
    if d["body"]["kind"] == "baseline":
        b = d["body"]
        assert sum(b["counts"].values()) == 6, b["counts"]
        assert b["risk"] == max((e["risk"] for e in b["edges"]),
                                key=["info", "low", "medium", "high", "critical"].index), b
        assert len(b["edges"]) == 6 and b["reason"].startswith("first audit: 6 edges ("), b
assert got == want, "webhook: got %s, wanted %s" % (sorted(got.items()), sorted(want.items()))
ids = [d["id"] for d in dl]
assert len(ids) == len(set(ids)), "an id twice at the webhook"
if sys.argv[4]:
    sl = []
    for l in open(sys.argv[4]):
        m = re.search(r"passrole-auditd alert: kind=\S+ severity=\S+ id=([0-9a-f]{64}) ", l)
        assert m, "syslog line without an alert id: " + l
        sl.append(m.group(1))
    assert len(sl) == len(set(sl)), "a syslog line twice"
    assert sorted(sl) == sorted(ids), "syslog ids differ from the webhook's"
PY
}

ACI="arn:aws:iam::111122223333:user/automation/ci-deployer"
ABOB="arn:aws:iam::111122223333:user/automation/bob"
DEP="arn:aws:iam::111122223333:role/deploy/app-deployer"
OAA="arn:aws:iam::111122223333:role/OrganizationAccountAccessRole"

# 1. The daemon's baseline: one summary alert; a manual run sees the change
# and alerts it.
start_daemon
last_status | grep -q '(baseline); complete; 1 alert queued' || fail "baseline: $(last_status)"
echo "baseline - -" >"$tmp/want"
sleep 0.3
check_alerts "$CTL_W" "$tmp/want" "$tmp/lines" || fail "the baseline alert"
emu_scenario "$changed" || fail "scenario change"
manual 2
grep -q 'alerts: 4 queued, 8 delivered (alert, sink), 0 still queued' "$tmp/manual.1" ||
	fail "the manual run's alert summary"
cat >>"$tmp/want" <<W
gained $ABOB $DEP
gained $ABOB $OAA
lost $ACI $DEP
lost $ACI $OAA
W
check_alerts "$CTL_W" "$tmp/want" "$tmp/lines" || fail "alerts after the manual run"
[ "$(outbox_n "$tmp/state")" = 0 ] || fail "the outbox is not empty after the manual run"
# The daemon's next audit: nothing new (the manual run saved), and it does
# not deliver the manual run's alerts again.
daemon_audit
last_status | grep -q ': 6 edges, 0 gained, 0 lost, 0 changed, 0 privileged role changes; complete; 0 alerts queued' ||
	fail "the daemon's audit after the manual run: $(last_status)"
# Back: the daemon sees the reverse change.
emu_scenario "$base" || fail "scenario change"
daemon_audit
last_status | grep -q '2 gained, 2 lost.*; 4 alerts queued' || fail "the daemon's change: $(last_status)"
cat >>"$tmp/want" <<W
gained $ACI $DEP
gained $ACI $OAA
lost $ABOB $DEP
lost $ABOB $OAA
W
sleep 0.3
check_alerts "$CTL_W" "$tmp/want" "$tmp/lines" || fail "alerts after the daemon's audit"

# 2. The daemon idle, another process holds the outbox's lock for 2 s: the
# manual run says it waits, then queues and delivers.
emu_scenario "$changed" || fail "scenario change"
"$PYTHON3" -c '
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.flock(fd, fcntl.LOCK_EX)
os.pwrite(fd, b"%d 999\n" % os.getpid(), 0)
open(sys.argv[2], "w").write("held\n")
time.sleep(2)
' "$tmp/state/outbox/.lock" "$tmp/held" &
hpid=$!
i=0; while [ ! -s "$tmp/held" ]; do i=$((i + 1)); [ $i -le 100 ] || fail "no lock holder"; sleep 0.1; done
manual 2
wait "$hpid"
grep -q "the alert outbox $tmp/state/outbox is locked by process $hpid (another run is queueing or delivering alerts); waiting up to" "$tmp/manual.1" ||
	fail "the wait for the outbox lock is not announced"
grep -q 'alerts: 4 queued, 8 delivered' "$tmp/manual.1" || fail "the run after the wait"
cat >>"$tmp/want" <<W
gained $ABOB $DEP
gained $ABOB $OAA
lost $ACI $DEP
lost $ACI $OAA
W
check_alerts "$CTL_W" "$tmp/want" "$tmp/lines" || fail "alerts after the lock wait"

# The same with the state directory's lock: the run says whom it waits for.
emu_scenario "$base" || fail "scenario change"
rm -f "$tmp/held"
"$PYTHON3" -c '
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.flock(fd, fcntl.LOCK_EX)
os.pwrite(fd, b"%d\n" % os.getpid(), 0)
open(sys.argv[2], "w").write("held\n")
time.sleep(2)
' "$tmp/state/edges.lock" "$tmp/held" &
hpid=$!
i=0; while [ ! -s "$tmp/held" ]; do i=$((i + 1)); [ $i -le 100 ] || fail "no lock holder"; sleep 0.1; done
manual 2
wait "$hpid"
grep -q "state directory $tmp/state is locked by process $hpid (another audit is running or saving its results); waiting up to 60 s" "$tmp/manual.1" ||
	fail "the wait for the state lock is not announced"
cat >>"$tmp/want" <<W
gained $ACI $DEP
gained $ACI $OAA
lost $ABOB $DEP
lost $ABOB $OAA
W
check_alerts "$CTL_W" "$tmp/want" "$tmp/lines" || fail "alerts after the state lock wait"
emu_scenario "$changed" || fail "scenario change"
daemon_audit
last_status | grep -q '2 gained, 2 lost.*; 4 alerts queued' || fail "the daemon after the lock wait: $(last_status)"
cat >>"$tmp/want" <<W
gained $ABOB $DEP
gained $ABOB $OAA
lost $ACI $DEP
lost $ACI $OAA
W
sleep 0.3
check_alerts "$CTL_W" "$tmp/want" "$tmp/lines" || fail "the daemon's alerts after the lock wait"

# 3. --no-alerts: the report shows the change, nothing is queued or saved;
# the daemon's next audit alerts it.
emu_scenario "$base" || fail "scenario change"
gens=$(ls -d "$tmp/state"/gen-* | wc -l)
manual 2 --no-alerts
[ "$(ls -d "$tmp/state"/gen-* | wc -l)" = "$gens" ] || fail "--no-alerts saved the state"
[ "$(outbox_n "$tmp/state")" = 0 ] || fail "--no-alerts queued alerts"
grep -q "${ABOB##*:}" "$tmp/manual.out" || fail "--no-alerts did not report the change"
grep -q 'is left as it was (not saved)' "$tmp/manual.1" || fail "--no-alerts does not say it saved nothing"
daemon_audit
last_status | grep -q '2 gained, 2 lost.*; 4 alerts queued' || fail "the change after --no-alerts: $(last_status)"
cat >>"$tmp/want" <<W
gained $ACI $DEP
gained $ACI $OAA
lost $ABOB $DEP
lost $ABOB $OAA
W
sleep 0.3
check_alerts "$CTL_W" "$tmp/want" "$tmp/lines" || fail "alerts after --no-alerts"
kill -TERM "$pid"; wait "$pid"; pid=

# 4. The one-shot unit's command line, on its own state, with a webhook.
line=$(sed -n 's/^ExecStart=//p' "$unit")
[ -n "$line" ] || fail "no ExecStart= in $unit"
set -- $line
[ "$1" = /usr/sbin/passrole-auditd ] || fail "ExecStart= runs $1"
shift
ok_rcs=$(sed -n 's/^SuccessExitStatus=//p' "$unit")
conf "$tmp/o.conf" "$tmp/ostate" "$URL_O"
mkdir -m 700 "$tmp/ostate"
oneshot() {
	"$bin" "$@" -c "$tmp/o.conf" >/dev/null 2>>"$tmp/manual.err"
	orc=$?
	[ "$orc" -eq 0 ] || case " $ok_rcs " in *" $orc "*) ;; *) fail "one-shot exit $orc" ;; esac
}
emu_scenario "$changed" || fail "scenario change"
oneshot "$@"
emu_scenario "$base" || fail "scenario change"
oneshot "$@"
[ "$orc" = 2 ] || fail "the one-shot run did not report changes (exit $orc)"
cat >"$tmp/want-o" <<W
baseline - -
gained $ACI $DEP
gained $ACI $OAA
lost $ABOB $DEP
lost $ABOB $OAA
W
check_alerts "$CTL_O" "$tmp/want-o" || fail "the one-shot unit's alerts"

# 5. A state directory of another user.
if [ "$(id -u)" = 0 ]; then
	chown -R 4242 "$tmp/ostate"
	"$bin" --audit-now -c "$tmp/o.conf" >/dev/null 2>"$tmp/owner.err"
	rc=$?
	[ "$rc" = 1 ] || fail "another user's state directory: exit $rc"
	grep -q "state directory $tmp/ostate is owned by uid 4242, and this process runs as uid 0: run it as the owner .*chown -R 0 $tmp/ostate" "$tmp/owner.err" ||
		fail "the ownership message: $(cat "$tmp/owner.err")"
	[ -z "$(find "$tmp/ostate" -user 0)" ] || fail "root wrote into another user's state"
fi
echo "alerts-manual: ok"
