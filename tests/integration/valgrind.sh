#!/bin/sh
# The program under valgrind (memcheck), as HACKING.md promises: any
# memory error or definite leak fails. Covered: --audit-now on the demo
# organization's dumps (a baseline, then the change, exit 2), on the saved
# snapshot.json with --write-edges, and with that file as --baseline, --explain
# (a denial and an allowed path), --list-privileged, --eval on every tricky
# case of tests/data/policy/tricky and --eval-batch on all of them, and one
# daemon cycle against the emulator whose webhook fails (the alerts stay
# queued), ended by SIGTERM.
#
# valgrind cannot run an ASan build: with --enable-sanitizers, check builds
# tests/valgrind/passrole-auditd-plain from the same sources without the
# sanitizer flags (tests/local.mk); otherwise the program itself is used.
# Without valgrind the test is skipped, visibly, and fails under CI=true.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
if ! command -v valgrind >/dev/null 2>&1; then
	if [ "${CI:-}" = true ]; then
		echo "FAIL: valgrind is not installed (scripts/install-deps installs it)"
		exit 1
	fi
	echo "SKIP: valgrind is not installed"
	exit 77
fi
. "$top_srcdir/tests/emulator/emu.sh"
. "$top_srcdir/tests/integration/alert-lib.sh"
bin="$top_builddir/tests/valgrind/passrole-auditd-plain"
if [ ! -x "$bin" ]; then
	bin="$top_builddir/passrole-auditd"
	if grep -q __asan_init "$bin"; then
		fail "$bin is an ASan build and tests/valgrind/passrole-auditd-plain was not built"
	fi
fi
DEMO="$top_srcdir/examples/demo-org"
TRICKY="$top_srcdir/tests/data/policy/tricky"
pid=
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	emu_stop
	alert_cleanup
}
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE
# 99: the exit status valgrind gives when it found an error (a definite
# leak counts as one); the program itself never exits 99.
VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
	--show-leak-kinds=definite --num-callers=30"
runs=0

# vg NAME WANT_RC ARGS...: the program under valgrind; its exit status must
# be WANT_RC and valgrind must report nothing (its report: $tmp/NAME.vg).
vg() {
	name=$1 want=$2
	shift 2
	$VG --log-file="$tmp/$name.vg" "$bin" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	vg_check "$name" "$rc" "$want"
}
vg_check() {
	runs=$((runs + 1))
	if [ "$2" -eq 99 ] || [ -s "$tmp/$1.vg" ]; then
		echo "--- valgrind ($1, exit $2):"; cat "$tmp/$1.vg"
		fail "$1: valgrind found errors or a definite leak"
	fi
	[ "$2" -eq "$3" ] || fail "$1: exit $2, wanted $3: $(cat "$tmp/$1.err")"
}

# 1. The demo dumps: a baseline, then the change.
cp "$DEMO/passrole-auditd.conf" "$tmp/demo.conf"
vg audit-base 0 -c "$tmp/demo.conf" --audit-now --format json --input "$DEMO/dump" \
	--state-dir "$tmp/state-demo"
vg audit-change 2 -c "$tmp/demo.conf" --audit-now --input "$DEMO/dump-changed" \
	--state-dir "$tmp/state-demo"
grep -q 'Developer' "$tmp/audit-change.out" || fail "the change is not reported: $(cat "$tmp/audit-change.out")"
# The streamed files: the saved snapshot (the change's) as input, its
# edges written as a version 1 file, and that file as the baseline of the
# dump before the change.
vg audit-snapfile 0 -c "$tmp/demo.conf" --audit-now --input "$tmp/state-demo/snapshot.json" \
	--no-state --write-edges "$tmp/edges-v1.json"
vg audit-baseline 2 -c "$tmp/demo.conf" --audit-now --input "$DEMO/dump" \
	--baseline "$tmp/edges-v1.json" --format jsonl
grep -q '"type":"change"' "$tmp/audit-baseline.out" || fail "--baseline: no change: $(cat "$tmp/audit-baseline.out")"

# 2. --explain: a denial and an allowed path through EC2.
P=arn:aws:iam::210987654321
vg explain-deny 0 -c "$tmp/demo.conf" --explain "$P:role/Developer" "$P:role/AdminInstanceRole" \
	--input "$DEMO/dump"
grep -q '^decision: denied' "$tmp/explain-deny.out" || fail "explain: $(cat "$tmp/explain-deny.out")"
vg explain-allow 0 -c "$tmp/demo.conf" --explain "$P:user/intern" "$P:role/AdminInstanceRole" \
	--input "$DEMO/dump" --format json
grep -q 'allowed' "$tmp/explain-allow.out" || fail "explain: $(cat "$tmp/explain-allow.out")"

# --list-privileged on the same dump.
vg list-privileged 0 -c "$tmp/demo.conf" --list-privileged --input "$DEMO/dump" --format json
grep -q 'AdminInstanceRole' "$tmp/list-privileged.out" || fail "list-privileged: $(cat "$tmp/list-privileged.out")"

# 3. --eval on every tricky case, two at a time (the machine has two cores),
# and all of them again through one --eval-batch.
: >"$tmp/none.conf"
: >"$tmp/evals"
n=0
for f in "$TRICKY"/*.json; do
	name=eval-$(basename "$f" .json)
	( $VG --log-file="$tmp/$name.vg" "$bin" -c "$tmp/none.conf" --eval "$f" --format json \
		>"$tmp/$name.out" 2>"$tmp/$name.err"; echo $? >"$tmp/$name.rc" ) &
	echo "$name" >>"$tmp/evals"
	n=$((n + 1))
	if [ $((n % 2)) -eq 0 ]; then wait; fi
done
wait
[ "$n" -ge 20 ] || fail "only $n tricky cases in $TRICKY"
for name in $(cat "$tmp/evals"); do
	vg_check "$name" "$(cat "$tmp/$name.rc")" 0
	grep -q '"decision"' "$tmp/$name.out" || fail "$name: no decision: $(cat "$tmp/$name.out")"
done
for f in "$TRICKY"/*.json; do
	"$PYTHON3" -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))))' "$f"
done >"$tmp/tricky.jsonl"
vg eval-batch 0 -c "$tmp/none.conf" --eval-batch "$tmp/tricky.jsonl"
[ "$(grep -c '"decision"' "$tmp/eval-batch.out")" -eq "$n" ] ||
	fail "eval-batch: $(grep -c '"decision"' "$tmp/eval-batch.out") decisions for $n requests"

# 4. One daemon cycle: a baseline by the program (not under valgrind), a
# changed organization, then the daemon under valgrind audits it, its
# webhook answers 500 to everything (the alerts stay queued, the delivery
# round backs off), and SIGTERM stops it.
emu_start "$top_srcdir/tests/data/scenarios/e2e-base.json" || fail "emulator did not start"
trap cleanup EXIT INT TERM
printf 'valgrind-secret\n' >"$tmp/secret"
chmod 600 "$tmp/secret"
recv_start W --secret-file "$tmp/secret" --fail 1000000
syslog_start "$tmp/log.sock" "$tmp/lines"
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
daemon = { interval = 600; jitter = 0; };
alerts = {
  # The first-run summary is alerts-manual.sh's; here a baseline is silent.
  on_baseline = "none";
  syslog = { socket = "$tmp/log.sock"; };
  webhooks = ( { name = "recv"; url = "$URL_W"; hmac_secret_file = "$tmp/secret";
    max_attempts = 2; timeout = 5; } );
};
CONF
chmod 600 "$tmp/d.conf"
mkdir -m 700 "$tmp/state"
"$top_builddir/passrole-auditd" -c "$tmp/d.conf" --audit-now >"$tmp/base.out" 2>"$tmp/base.err" ||
	fail "the baseline: $(cat "$tmp/base.err")"
emu_scenario "$top_srcdir/tests/data/scenarios/e2e-changed.json" || fail "scenario change"
$VG --log-file="$tmp/daemon.vg" "$bin" -f -c "$tmp/d.conf" >"$tmp/daemon.out" 2>"$tmp/daemon.err" &
pid=$!
i=0
until grep -q 'notice: audit ' "$tmp/daemon.err" && [ "$(summary_field "$CTL_W" failed_answers)" -gt 0 ]; do
	i=$((i + 1)); [ $i -le 1200 ] || fail "the daemon under valgrind did not finish its audit: $(tail -n 5 "$tmp/daemon.err")"
	kill -0 "$pid" 2>/dev/null || fail "the daemon exited: $(tail -n 5 "$tmp/daemon.err")"
	sleep 0.1
done
kill -TERM "$pid" || fail "SIGTERM: the daemon was not running"
wait "$pid"
rc=$?
pid=
vg_check daemon "$rc" 0
grep -q 'stopped; queued alerts stay' "$tmp/daemon.err" || fail "no alerts stayed queued: $(tail -n 5 "$tmp/daemon.err")"
[ -n "$(ls "$tmp/state/outbox" | grep '\.json$')" ] || fail "the outbox is empty after a failing webhook"
[ "$(summary_field "$CTL_W" accepted)" = 0 ] || fail "the failing webhook accepted an alert"
grep -q 'passrole-auditd alert: ' "$tmp/lines" || fail "nothing reached syslog"
echo "valgrind: $runs runs of $(basename "$bin") clean (no error, no definite leak)"
