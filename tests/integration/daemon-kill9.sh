#!/bin/sh
# kill -9 of the real daemon at random points of its audit, TRIES times
# (default 50): during the collection, the outbox writes of alert_enqueue,
# the state save, the delivery round (per-sink marks, removals, POSTs).
#
# The organization is e2e-base.json plus users k0..k5, each holding
# PassDeployRole (two edges: to app-deployer, and through it to
# OrganizationAccountAccessRole) or not. Each daemon start audits once; the
# scenario moves to its next version (one to three users toggled) only
# after a run saved the state, so a run that was killed is repeated on the
# same organization against the same saved state, as after a real crash.
#
# After every kill: each state file and each outbox entry is complete and
# valid JSON (never a half file; a leftover temp file is allowed), and the
# next start loads them (a state that does not load fails the audit, which
# would raise an audit-failed alert: none may arrive). At the end, after a
# clean run: for every pair of consecutive saved versions, each change (two
# alerts per toggled user) has reached the webhook and syslog under exactly
# one id (a change seen twice under two ids is a duplicate the receiver
# cannot drop); the same id may arrive more than once (a kill between the
# POST and its record), and those re-deliveries are counted.
# Then SIGTERM at random points of TERMS (default 30) more runs: each exits
# 0, and a run that says "nothing saved" must not have saved; what it queued
# stays queued and arrives (the same final check covers these runs).
# DAEMON_KILL9_SEED=N replays the scenario versions and kill delays.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
. "$top_srcdir/tests/emulator/emu.sh"
. "$top_srcdir/tests/integration/alert-lib.sh"
bin="$top_builddir/passrole-auditd"
TRIES=${DAEMON_KILL9_TRIES:-50}
TERMS=${DAEMON_KILL9_TERMS:-30}
SEED=${DAEMON_KILL9_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "daemon-kill9: seed $SEED (DAEMON_KILL9_SEED=$SEED replays it)"
pid=
fail() {
	echo "FAIL: $* (seed $SEED)"
	echo "--- daemon log (last 40 lines)"; tail -n 40 "$tmp/log" 2>/dev/null
	exit 1
}
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	emu_stop
	alert_cleanup
}

# The scenario versions and the kill delays (fractions of the measured
# length of a run), from the seed.
mkdir "$tmp/v"
"$PYTHON3" - "$top_srcdir/tests/data/scenarios/e2e-base.json" "$tmp" $((TRIES + TERMS)) "$SEED" <<'PY'
import copy, json, random, sys
base, d, tries, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)
s = json.load(open(base))
users = s["accounts"]["111122223333"]["iam"]["users"]
on = [False] * 6
for v in range(tries + 2):
    if v > 0:
        for i in rng.sample(range(6), rng.randint(1, 3)):
            on[i] = not on[i]
    t = copy.deepcopy(s)
    tu = t["accounts"]["111122223333"]["iam"]["users"]
    for i in range(6):
        tu.append({"name": "k%d" % i, "path": "/e2e/", "id": "AIDAEXAMPLEKILL00000%d" % i,
                   "attached_policies": ["arn:aws:iam::111122223333:policy/PassDeployRole"]
                   if on[i] else []})
    json.dump(t, open("%s/v/%d.json" % (d, v), "w"))
    open("%s/v/%d.on" % (d, v), "w").write(" ".join(str(i) for i in range(6) if on[i]) + "\n")
# Kill delays as fractions of the current estimate of when a run saves
# (see below): some anywhere in the run, most around the save.
open(d + "/delays", "w").write("".join("%.3f\n" % (rng.uniform(0.05, 1.5) if rng.random() < 0.2
                                                  else rng.uniform(0.75, 1.25))
                                         for _ in range(tries)))
PY
[ -s "$tmp/delays" ] || fail "no scenario versions"

emu_start "$tmp/v/0.json" || fail "emulator did not start"
trap cleanup EXIT INT TERM
printf 'kill9-daemon-secret\n' >"$tmp/secret"
chmod 600 "$tmp/secret"
# A short delay per POST: kills also land between "the receiver has it" and
# "the daemon recorded it".
recv_start W --secret-file "$tmp/secret" --delay-ms 15
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
audit = { state_keep = 1000; };
daemon = { interval = 600; jitter = 0; };
alerts = {
  syslog = { socket = "$tmp/log.sock"; };
  webhooks = ( { name = "recv"; url = "$URL_W"; hmac_secret_file = "$tmp/secret";
    max_attempts = 3; timeout = 5; } );
};
CONF
chmod 600 "$tmp/d.conf"
mkdir -m 700 "$tmp/state"

# Every state file and outbox entry complete and valid; prints the newest
# state number (0: none).
check_dir() {
	"$PYTHON3" - "$tmp/state" <<'PY'
import json, os, re, sys
d = sys.argv[1]
newest = snaptmp = 0
for n in os.listdir(d):
    m = re.match(r"^gen-(\d{10})$", n)
    if m:
        g = os.path.join(d, n)
        run = json.load(open(os.path.join(g, "run.json")))
        assert run["format"] == "passrole-auditd-state" and "accounts" in run, n
        for a in run["accounts"]:
            doc = json.load(open(os.path.join(g, a["id"] + ".edges.json")))
            assert doc["format"] == "passrole-auditd-account-edges" and "edges" in doc, (n, a)
        newest = max(newest, int(m.group(1)))
    elif n == "snapshot.json":
        doc = json.load(open(os.path.join(d, n)))
        assert isinstance(doc, dict) and doc, n
    elif re.match(r"^snapshot\.json\.tmp\.", n):
        snaptmp += 1
    elif n not in ("edges.lock", "outbox") and not re.match(r"^\.gen-.*\.tmp$", n):
        sys.exit("stray file in the state directory: " + n)
ob = os.path.join(d, "outbox")
if os.path.isdir(ob):
    if os.path.isdir(os.path.join(ob, "corrupt")):
        sys.exit("a corrupt outbox entry was set aside: %s" % os.listdir(os.path.join(ob, "corrupt")))
    for n in os.listdir(ob):
        if n.startswith(".tmp-"):
            continue
        m = re.match(r"^(\d{20})-([0-9a-f]{64})\.json$", n)
        assert m, "stray outbox file " + n
        doc = json.load(open(os.path.join(ob, n)))
        assert doc["seq"] == int(m.group(1)) and doc["alert"]["id"] == m.group(2), n
open(os.path.join(os.path.dirname(d), "snaptmp"), "w").write("%d\n" % snaptmp)
print(newest)
PY
}

# One daemon start. run_daemon KILL DELAY: kill -9 after DELAY (a sleep(1)
# argument); run_daemon TERM DELAY: SIGTERM DELAY after it has started (a
# signal before the handlers exist is no test), and it must exit 0;
# run_daemon "": wait for the end of its audit and delivery round, and
# stop it cleanly.
run_daemon() {
	: >"$tmp/run.log"
	"$bin" -f -c "$tmp/d.conf" 2>"$tmp/run.log" &
	pid=$!
	if [ "$1" = KILL ]; then
		sleep "$2"
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	elif [ "$1" = TERM ]; then
		i=0
		until grep -q 'notice: started' "$tmp/run.log"; do
			i=$((i + 1)); [ $i -le 3000 ] || fail "the daemon did not start"
			sleep 0.01
		done
		sleep "$2"
		kill -TERM "$pid"
		wait "$pid" || fail "try $t: exit status $? after SIGTERM"
	else
		i=0
		until grep -q 'notice: audit ' "$tmp/run.log" &&
		    [ -z "$(ls "$tmp/state/outbox" | grep '\.json$')" ]; do
			i=$((i + 1)); [ $i -le 3000 ] || fail "the clean run did not finish"
			sleep 0.02
		done
		kill -TERM "$pid"
		wait "$pid" || fail "exit status $? after SIGTERM"
	fi
	pid=
	cat "$tmp/run.log" >>"$tmp/log"
}

# The baseline (version 0), then the same again, clean and timed: a first
# estimate of when a run saves. It is then adjusted after every kill, up
# when the kill came before the save, down when after, so that the kills
# gather where the run writes (alert_enqueue, the save, the first
# deliveries), whatever the machine's speed.
run_daemon ""
[ "$(check_dir)" = 1 ] || fail "the baseline was not saved"
t0=$(date +%s%N)
run_daemon ""
est_ms=$((($(date +%s%N) - t0) / 1000000))
[ "$(check_dir)" = 2 ] || fail "the second clean run was not saved"
echo "2 0" >"$tmp/saved"
v=0
advance=1
killed_before_save=0
killed_after_save=0
termed_before_save=0
termed_after_save=0
t=1
while [ $t -le $((TRIES + TERMS)) ]; do
	sig=KILL
	if [ $t -eq $((TRIES + 1)) ]; then
		# Then SIGTERM at random points, timed from the start message.
		est_ms=$((est_ms * 3 / 4))
	fi
	[ $t -gt "$TRIES" ] && sig=TERM
	if [ $advance -eq 1 ]; then
		v=$((v + 1))
		emu_scenario "$tmp/v/$v.json" || fail "scenario $v"
	fi
	before=$(tail -n 1 "$tmp/saved" | cut -d' ' -f1)
	f=$(sed -n "${t}p" "$tmp/delays")
	run_daemon $sig "$(awk -v f="$f" -v ms="$est_ms" 'BEGIN { printf "%.3f", f * ms / 1000 }')"
	newest=$(check_dir) || fail "try $t: the state directory is damaged after SIG$sig"
	if [ "$newest" -gt "$before" ]; then
		[ "$newest" -eq $((before + 1)) ] || fail "try $t: state $before -> $newest in one run"
		# A stopped audit says it saved nothing: then it must not have.
		if grep -q 'nothing saved' "$tmp/run.log"; then
			fail "try $t: the log says nothing was saved, but state $newest was: $(grep 'audit' "$tmp/run.log" | tail -n 2)"
		fi
		echo "$newest $v" >>"$tmp/saved"
		advance=1
		if [ $sig = KILL ]; then killed_after_save=$((killed_after_save + 1))
		else termed_after_save=$((termed_after_save + 1)); fi
		est_ms=$((est_ms * 9 / 10))
	else
		advance=0
		if [ $sig = KILL ]; then killed_before_save=$((killed_before_save + 1))
		else termed_before_save=$((termed_before_save + 1)); fi
		est_ms=$((est_ms * 11 / 10 + 1))
	fi
	t=$((t + 1))
done
# A clean run delivers what is queued, and saves the last version if the
# last kill came before its save.
run_daemon ""
newest=$(check_dir) || fail "the state directory after the clean run"
before=$(tail -n 1 "$tmp/saved" | cut -d' ' -f1)
[ "$newest" -gt "$before" ] && echo "$newest $v" >>"$tmp/saved"
sleep 0.3
if grep -q 'audit failed' "$tmp/log"; then fail "an audit failed: $(grep 'audit failed' "$tmp/log" | head -n 3)"; fi

ctl_get "$CTL_W" /_ctl/deliveries >"$tmp/deliveries"
ctl_get "$CTL_W" /_ctl/summary >"$tmp/summary"
"$PYTHON3" - "$tmp" "$killed_before_save" "$killed_after_save" "$termed_before_save" "$termed_after_save" <<'PY' || fail "deliveries"
import collections, json, re, sys
d = sys.argv[1]
M = "arn:aws:iam::111122223333:"
ROLES = (M + "role/deploy/app-deployer", M + "role/OrganizationAccountAccessRole")
on = lambda v: set(open("%s/v/%s.on" % (d, v)).read().split())
saved = [l.split() for l in open(d + "/saved")]
want = collections.Counter()
for (s1, v1), (s2, v2) in zip(saved, saved[1:]):
    assert int(s2) == int(s1) + 1, (s1, s2)
    a, b = on(v1), on(v2)
    for k in b - a:
        for r in ROLES:
            want[("gained", M + "user/e2e/k" + k, r)] += 1
    for k in a - b:
        for r in ROLES:
            want[("lost", M + "user/e2e/k" + k, r)] += 1
s = json.load(open(d + "/summary"))
assert s["bad"] == 0, s["bad_reasons"]
dl = json.load(open(d + "/deliveries"))
first = {}
for x in dl:
    first.setdefault(x["id"], x["body"])
got = collections.Counter((b["kind"], b["principal"], b["role"]) for b in first.values())
if got != want:
    extra, missing = got - want, want - got
    sys.exit("webhook: %d change(s) under more than one id or not a change, e.g. %s; "
             "%d lost, e.g. %s" % (sum(extra.values()), sorted(extra)[:2],
                                   sum(missing.values()), sorted(missing)[:2]))
sl = collections.Counter()
for l in open(d + "/lines"):
    m = re.search(r"passrole-auditd alert: kind=\S+ severity=\S+ id=([0-9a-f]{64}) ", l)
    if m:
        sl[m.group(1)] += 1
assert set(sl) == set(first), "syslog: %d ids missing, %d not delivered to the webhook" % (
    len(set(first) - set(sl)), len(set(sl) - set(first)))
print("daemon-kill9: %d kill -9 (%d before the run's save, %d after), %d SIGTERM (%d before, "
      "%d after), %d saved versions, %d alerts, webhook re-deliveries %d, syslog "
      "re-deliveries %d" % (
          int(sys.argv[2]) + int(sys.argv[3]), int(sys.argv[2]), int(sys.argv[3]),
          int(sys.argv[4]) + int(sys.argv[5]), int(sys.argv[4]), int(sys.argv[5]),
          len(saved), len(first), len(dl) - len(first), sum(sl.values()) - len(sl)))
PY
echo "daemon-kill9: $(cat "$tmp/snaptmp") leftover snapshot.json temp files in the state directory"
echo "daemon-kill9: ok"
