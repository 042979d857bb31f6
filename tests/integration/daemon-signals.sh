#!/bin/sh
# The real daemon in the foreground, as systemd runs it (Type=notify, with
# a notification socket the test listens on): READY=1 and a STATUS= after
# the audit at start; SIGHUP with a good config swaps it in (RELOADING=1,
# READY=1); SIGHUP with a broken config logs its problems and keeps the
# config in force (the next schedule still follows it); SIGUSR1 audits at
# once; SIGTERM exits 0 after STOPPING=1.
set -u
: "${top_srcdir:?}" "${top_builddir:?}" "${PYTHON3:?}"
. "$top_srcdir/tests/emulator/emu.sh"
bin="$top_builddir/passrole-auditd"
tmp=$(mktemp -d) || exit 1
pid=
lpid=
fail() { echo "FAIL: $*"; echo "--- daemon log"; cat "$tmp/log" 2>/dev/null
	echo "--- notifications"; cat "$tmp/notes" 2>/dev/null; exit 1; }
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	[ -n "$lpid" ] && kill "$lpid" 2>/dev/null
	emu_stop
	rm -rf "$tmp"
}
emu_start "$top_srcdir/tests/data/scenarios/basic.json" || fail "emulator did not start"
trap cleanup EXIT INT TERM

# systemd's end: every datagram on the socket as one line ("|" for "\n").
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

# Wait (up to 15 s) until file $1 has a line matching the regex $2.
wait_line() {
	i=0
	while ! grep -qE "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 150 ] || return 1
		sleep 0.1
	done
}
count() { grep -cE "$2" "$1" 2>/dev/null || true; }

wait_line "$tmp/notes" '^listening$' || fail "the notification listener did not start"

config() {
	cat >"$tmp/d.conf.new" <<CONF
state_dir = "$tmp/state";
aws = {
  credentials = { source = "static"; access_key_id = "AKIAIOSFODNN7EXAMPLE";
    secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"; };
  endpoints = { sts = "$EMU_URL"; iam = "$EMU_URL"; organizations = "$EMU_URL";
    ec2 = "$EMU_URL"; };
  retry = { max_attempts = 1; };
};
alerts = { syslog = { enabled = false; }; };
$1
CONF
	chmod 600 "$tmp/d.conf.new"
	mv "$tmp/d.conf.new" "$tmp/d.conf"
}
mkdir -p "$tmp/state"
config 'daemon = { interval = 600; jitter = 0; };'

NOTIFY_SOCKET="$tmp/notify" "$bin" -f -c "$tmp/d.conf" 2>"$tmp/log" &
pid=$!

wait_line "$tmp/notes" '^READY=1$' || fail "no READY=1"
# The first audit ran (it may fail in a build without the audit, but it
# ran and reported) and the next is an interval away.
wait_line "$tmp/notes" '^STATUS=.*next audit in (59[0-9]|600) s$' ||
	fail "no STATUS= after the audit at start"
head -2 "$tmp/notes" | tail -1 | grep -qx 'READY=1' || fail "READY=1 is not the first notification"

# A good config: swapped in.
config 'daemon = { interval = 900; jitter = 0; };'
kill -HUP "$pid"
wait_line "$tmp/log" 'configuration reloaded from' || fail "good config not reloaded"
wait_line "$tmp/notes" '^RELOADING=1\|MONOTONIC_USEC=[0-9]+$' || fail "no RELOADING=1"
[ "$(count "$tmp/notes" '^READY=1$')" -ge 2 ] || fail "no READY=1 after the reload"

# A broken config: its problems are logged and the running one stays.
config 'daemon = { interval = 30; jitter = 0; }; bogus = 1;'
kill -HUP "$pid"
wait_line "$tmp/log" 'invalid configuration \(2 problems\); keeping the previous one' ||
	fail "broken config not rejected"
grep -q 'd.conf:1[0-9]: daemon.interval: 30 is out of range 60..604800' "$tmp/log" ||
	fail "the problem is not named with its file and line"
grep -q "bogus: unknown setting" "$tmp/log" || fail "the second problem is not reported"
kill -0 "$pid" 2>/dev/null || fail "the daemon died on a broken config"

# A config libconfig's scanner ends the process on (exit(2), "input in
# flex scanner failed"): a NUL cuts the @include name to "inc", a
# directory. Refused at its file and line like any broken one.
mkdir "$tmp/inc"
config 'daemon = { interval = 30; jitter = 0; };'
printf '@include "inc\000.conf"\n' >>"$tmp/d.conf"
kill -HUP "$pid"
wait_line "$tmp/log" 'd.conf:11: a NUL byte \(not a text file\)' ||
	fail "a config with a NUL in an @include name not refused"
wait_line "$tmp/log" 'invalid configuration \(1 problem\); keeping the previous one' ||
	fail "the config with a NUL is not reported as refused"
# And one naming the directory through an escape the old check skipped.
mkdir "$tmp/in\"c"
config '@include "in\"c"'
kill -HUP "$pid"
wait_line "$tmp/log" 'd.conf:10: @include ".*/in"c": not a regular file' ||
	fail "an @include of a directory not refused"
sleep 0.2
kill -0 "$pid" 2>/dev/null || fail "the daemon died on a config libconfig exits on"

# SIGUSR1: an audit now; the schedule after it follows the kept config
# (900 s), not the first one (600) nor the rejected one (30).
before=$(count "$tmp/notes" '^STATUS=auditing$')
kill -USR1 "$pid"
i=0
while [ "$(count "$tmp/notes" '^STATUS=auditing$')" -le "$before" ]; do
	i=$((i + 1)); [ $i -le 150 ] || fail "SIGUSR1 did not start an audit"; sleep 0.1
done
wait_line "$tmp/notes" '^STATUS=.*next audit in (89[0-9]|900) s$' ||
	fail "the schedule does not follow the kept config"

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
[ "$rc" -eq 0 ] || fail "exit status $rc after SIGTERM"
wait_line "$tmp/notes" '^STOPPING=1$' || fail "no STOPPING=1"
grep -q 'SIGTERM: stopping' "$tmp/log" || fail "the stop is not logged"
echo "daemon-signals: ok"
