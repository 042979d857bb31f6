#!/bin/sh
# kill -9 of the daemon inside the writes of its audit, TRIES times
# (default 50): the snapshot save, the outbox writes of alert_enqueue, the
# state save, the per-sink marks of the delivery round; then SIGTERM.
#
# The organization is e2e-base.json plus users k0..k5, each holding
# PassDeployRole (two edges: to app-deployer, and through it to
# OrganizationAccountAccessRole) or not. Each daemon start audits once; the
# scenario moves to its next version (one to three users toggled) only
# after a run saved the state, so a run that was killed is repeated on the
# same organization against the same saved state, as after a real crash.
#
# Where the kills land is not left to chance. The daemon under test is
# tests/tools/passrole-auditd-hooked, the program built with the save hooks
# of src/util/fileio.c: every step of every atomic save is traced
# (PRA_TEST_SAVE_TRACE), and the daemon stops itself (PRA_TEST_SAVE_STOP=
# N:STEP) at one step of its Nth save. Four tries in five stop it inside a
# save (temp file created, written, fsynced, or renamed but the directory
# not fsynced) and kill -9 it there; the fifth resumes it at the end of a
# save and kills it up to 50 ms later, wherever it is (a POST, a send, an
# idle loop). N is drawn below the number of saves the run must make
# (snapshot, state, a mark per queued alert no sink has, and for a new
# version two per alert it raises), so every stop is reached.
#
# After every kill: kill -9 hit the live daemon and it died of it; it was
# where it was asked to stop; every save went through its steps in order;
# each state file and outbox entry is complete and valid JSON; the state
# numbers are exactly what the trace says was renamed (none saved without a
# trace, none lost after it); every outbox entry renamed is there; a save
# killed before its rename left its temp file and not its target; and the
# next start loads it all (a state that does not load fails the audit,
# which would raise an audit-failed alert: none may arrive). Asserted at
# the end: at least 3/4 of the kills landed mid-save, and at least one
# save completed per kill.
# Then SIGTERM at random points of TERMS (default 30) more runs: each exits
# 0, and a run that says "nothing saved" must not have saved; what it queued
# stays queued and arrives. After a last clean run: no temp file is left
# in the state directory or the outbox; for every pair of consecutive saved
# versions, each change has reached the webhook and syslog under exactly
# one id, and nothing else has — grouped by cause (alerts.group_by's
# default): one alert per toggled user, its cause the PassDeployRole
# attachment on that user, listing its two edges; the same
# id may arrive again (a kill or a stop between the POST and its record),
# at most once per kill or SIGTERM.
# DAEMON_KILL9_SEED=N replays the scenario versions, the stops and delays.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
. "$top_srcdir/tests/emulator/emu.sh"
. "$top_srcdir/tests/integration/alert-lib.sh"
# Kills run the hooked build; SIGTERM and clean runs the program itself.
hooked="$top_builddir/tests/tools/passrole-auditd-hooked"
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
	# A daemon left stopped by a failed check would outlive the test.
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	emu_stop
	alert_cleanup
}

# The scenario versions and the plan of the tries, from the seed.
mkdir "$tmp/v"
"$PYTHON3" - "$top_srcdir/tests/data/scenarios/e2e-base.json" "$tmp" $((TRIES + TERMS)) "$SEED" "$TERMS" <<'PY'
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
# Per try: for a kill, "stop STEP FRACTION" or "run done FRACTION DELAY"
# (FRACTION picks N among the saves the run must make); for a SIGTERM, a
# delay as a fraction of the measured length of a run.
nkill = tries - int(sys.argv[5])
with open(d + "/plan", "w") as f:
    for t in range(1, tries + 1):
        if t > nkill:
            f.write("term %.3f\n" % rng.uniform(0.05, 1.5))
        elif t % 5:
            f.write("stop %s %.4f\n" % (rng.choice(["created", "written", "synced", "renamed"]),
                                         rng.random()))
        else:
            f.write("run done %.4f %.3f\n" % (rng.random(), rng.uniform(0, 0.05)))
PY
[ -s "$tmp/plan" ] || fail "no scenario versions"

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
  # The first-run summary is alerts-manual.sh's; here a baseline is silent.
  on_baseline = "none";
  syslog = { socket = "$tmp/log.sock"; };
  webhooks = ( { name = "recv"; url = "$URL_W"; hmac_secret_file = "$tmp/secret";
    max_attempts = 3; timeout = 5; } );
};
CONF
chmod 600 "$tmp/d.conf"
mkdir -m 700 "$tmp/state"

# check.py STATE [ON1 ON2]: every state file and outbox entry complete and
# valid; prints the newest state number (0: none), the number of temp files
# left (snapshot, edges, outbox), of queued alerts no sink has yet, and
# with two versions' .on files, of the users toggled between them.
# check.py STATE TRACE PID STEP N BEFORE PRE: after a kill, also checks the
# trace of the killed daemon against the directory (see the top); prints
# the newest state number, 1 if the kill landed mid-save (between creating
# a temp file and the end of its save) or 0, and the saves completed
# before it. STEP is "-" for a kill that was not a stop; PRE lists the
# outbox before the run.
cat >"$tmp/check.py" <<'PY'
import json, os, re, sys
d = sys.argv[1]
EDGES = re.compile(r"^gen-(\d{10})$")
ENTRY = re.compile(r"^(\d{20})-([0-9a-f]{64})\.json$")
newest = tmps = unsent = 0
listing = os.listdir(d)
for n in listing:
    m = EDGES.match(n)
    if m:
        g = os.path.join(d, n)
        run = json.load(open(os.path.join(g, "run.json")))
        assert run["format"] == "passrole-auditd-state" and "accounts" in run, n
        # The edges of each account, and the inputs they rest on (each
        # audited account's, and the organization's), whole.
        ids = [a["id"] for a in run["accounts"]]
        assert sorted(os.listdir(g)) == sorted(["run.json", "org.inputs.json"] +
            [i + ".edges.json" for i in ids] + [i + ".inputs.json" for i in ids]), n
        for f in ["org.inputs.json"] + [i + ".inputs.json" for i in ids]:
            assert isinstance(json.load(open(os.path.join(g, f))), dict), (n, f)
        for a in run["accounts"]:
            doc = json.load(open(os.path.join(g, a["id"] + ".edges.json")))
            assert doc["format"] == "passrole-auditd-account-edges" and len(doc["edges"]) == a["edges"], (n, a)
        newest = max(newest, int(m.group(1)))
    elif n == "snapshot.json":
        doc = json.load(open(os.path.join(d, n)))
        assert isinstance(doc, dict) and doc, n
    elif re.match(r"^snapshot\.json\.tmp\.", n) or re.match(r"^\.gen-\d{10}\.(tmp|old)$", n):
        tmps += 1
    elif n not in ("edges.lock", "outbox"):
        sys.exit("stray file in the state directory: " + n)
ob = os.path.join(d, "outbox")
oblist = os.listdir(ob) if os.path.isdir(ob) else None
for n in oblist or []:
    if n.startswith(".tmp-"):
        tmps += 1
        continue
    if n == ".lock":	# the outbox's lock file (outbox.h), not an entry
        continue
    assert n != "corrupt", "a corrupt outbox entry was set aside: %s" % os.listdir(os.path.join(ob, n))
    m = ENTRY.match(n)
    assert m, "stray outbox file " + n
    doc = json.load(open(os.path.join(ob, n)))
    assert doc["seq"] == int(m.group(1)) and doc["alert"]["id"] == m.group(2), n
    unsent += not doc["delivered"]
if len(sys.argv) == 2:
    print(newest, tmps, unsent)
    sys.exit(0)
if len(sys.argv) == 4:
    # The users toggled between two versions' .on files, as a last field.
    a, b = (set(open(f).read().split()) for f in sys.argv[2:4])
    print(newest, tmps, unsent, len(a ^ b))
    sys.exit(0)

trace, pid, want_step, want_n, before = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
# Entries queued before the run: their saves here are marks.
pre = set(open(sys.argv[7]).read().split())
ORDER = ["begin", "created", "written", "synced", "renamed", "done"]
MID = ORDER[1:5]
saves = {}
for l in open(trace):
    f = l.split()
    if f[0] == pid:
        saves.setdefault(int(f[1]), [f[3], []])[1].append(f[2])
assert saves, "no save traced before the kill: the hook is not in the binary"
last = max(saves)
for n, (name, steps) in sorted(saves.items()):
    full = ORDER if n != last else ORDER[:len(steps)]
    assert steps == full, "save %d of %s went %s, not %s" % (n, name, steps, full)
lname, lsteps = saves[last]
if want_step != "-":
    assert (last, lsteps[-1]) == (int(want_n), want_step), \
        "stopped at save %d %s, wanted %s %s" % (last, lsteps[-1], want_n, want_step)
# The state numbers are what the trace renamed: one more, or none.
renamed = [int(EDGES.match(nm).group(1)) for nm, st in saves.values()
           if EDGES.match(nm) and "renamed" in st]
# A kill that was not a stop may have come after a rename but before its
# trace line: after "synced", the state may be one more.
racy = want_step == "-" and lsteps[-1] == "synced"
if renamed:
    assert renamed == [before + 1] and newest == before + 1, \
        "renamed state %s, the directory's newest is %d (was %d)" % (renamed, newest, before)
elif racy and EDGES.match(lname):
    assert int(EDGES.match(lname).group(1)) == before + 1 and newest in (before, before + 1), \
        "killed around the rename of %s, the directory's newest is %d (was %d)" % (
            lname, newest, before)
else:
    assert newest == before, "state %d saved without a traced save (was %d)" % (newest, before)
# Entries this run renamed into the outbox and did not mark since are
# there: nothing removes an entry before its first mark.
names = [nm for nm, _ in saves.values() if ENTRY.match(nm)]
new = lambda nm: ENTRY.match(nm) and nm not in pre and names.count(nm) == 1
for nm, st in saves.values():
    if new(nm) and "renamed" in st:
        assert oblist and nm in oblist, "renamed %s is not in the outbox (%s)" % (
            nm, "missing" if oblist is None else "%d entries" % len(oblist))
# A save stopped before its rename left its temp file, not its target.
if lsteps[-1] in ("created", "written", "synced") and not racy:
    m = EDGES.match(lname)
    if m:
        assert lname not in listing, "%s is there before its rename" % lname
        assert ".gen-%s.tmp" % m.group(1) in listing, "no temp directory for " + lname
    elif lname == "snapshot.json":
        assert any(x.startswith("snapshot.json.tmp.%s." % pid) for x in listing), \
            "no temp file for snapshot.json"
    elif new(lname):
        assert lname not in oblist, "%s is in the outbox before its rename" % lname
        assert any(x.startswith(".tmp-" + lname + ".") for x in oblist), "no temp file for " + lname
print(newest, 1 if lsteps[-1] in MID else 0, sum(1 for _, st in saves.values() if st[-1] == "done"))
PY
check_dir() {
	r=$("$PYTHON3" "$tmp/check.py" "$tmp/state") || return 1
	echo "${r%% *}"
}

# The number of saves a run must make at least: the snapshot, the state, a
# mark for each queued alert that no sink has yet; and when the version is
# new, a write and a mark for each of its alerts (one per toggled user: its
# two edges are grouped under their cause).
min_saves() {
	vs=$(tail -n 1 "$tmp/saved" | cut -d' ' -f2)
	r=$("$PYTHON3" "$tmp/check.py" "$tmp/state" "$tmp/v/$vs.on" "$tmp/v/$v.on") ||
		fail "try $t: the state directory before the run"
	set -- $r
	if [ "$advance" -eq 1 ]; then
		echo $((2 + $3 + 2 * $4))
	else
		echo $((2 + $3))
	fi
}

# wait_stopped N STEP: until the daemon stopped (nothing else stops it),
# then it must have stopped at that step. Polled without forks but sleep,
# not to slow the daemon down on a loaded machine.
wait_stopped() {
	i=0
	while :; do
		st=
		read -r st <"/proc/$pid/stat" 2>/dev/null
		st=${st##*) }
		[ "${st%% *}" = T ] && break
		i=$((i + 1))
		[ $i -le 1200 ] || fail "try $t: the daemon never stopped at save $1 $2"
		kill -0 "$pid" 2>/dev/null || fail "try $t: the daemon exited before save $1 $2"
		if [ $((i % 20)) -eq 0 ] && grep -q 'notice: audit ' "$tmp/run.log"; then
			fail "try $t: the daemon finished its round before save $1 $2: $(tail -n 3 "$tmp/trace")"
		fi
		sleep 0.025
	done
	grep -q "^$pid $1 $2 " "$tmp/trace" ||
		fail "try $t: the daemon stopped, but not at save $1 $2: $(tail -n 2 "$tmp/trace")"
}

# One daemon start. run_daemon KILL N STEP [DELAY]: stop at that step of
# save N and kill -9 there, or (STEP done) resume and kill -9 DELAY later;
# run_daemon TERM DELAY: SIGTERM DELAY after it has started (a signal
# before the handlers exist is no test), and it must exit 0; run_daemon "":
# wait for the end of its audit and delivery round, and stop it cleanly.
run_daemon() {
	: >"$tmp/run.log"
	: >"$tmp/trace"
	if [ "$1" = KILL ]; then
		PRA_TEST_SAVE_TRACE="$tmp/trace" PRA_TEST_SAVE_STOP="$2:$3" \
			"$hooked" -f -c "$tmp/d.conf" 2>"$tmp/run.log" &
	else
		"$bin" -f -c "$tmp/d.conf" 2>"$tmp/run.log" &
	fi
	pid=$!
	if [ "$1" = KILL ]; then
		wait_stopped "$2" "$3"
		if [ "$3" = done ]; then
			kill -CONT "$pid" || fail "try $t: SIGCONT"
			sleep "$4"
		fi
		kill -9 "$pid" || fail "try $t: kill -9 $pid failed: the daemon was not running"
		wait "$pid" 2>/dev/null
		rc=$?
		[ $rc -eq 137 ] || fail "try $t: the daemon exited $rc, not by the kill"
		killed=$pid
	elif [ "$1" = TERM ]; then
		i=0
		until grep -q 'notice: started' "$tmp/run.log"; do
			i=$((i + 1)); [ $i -le 3000 ] || fail "the daemon did not start"
			sleep 0.01
		done
		sleep "$2"
		kill -TERM "$pid" || fail "try $t: SIGTERM $pid failed: the daemon was not running"
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

# The baseline (version 0), then the same again, clean and timed: the
# length of a run, which the SIGTERM delays are fractions of.
run_daemon ""
[ "$(check_dir)" = 1 ] || fail "the baseline was not saved"
t0=$(date +%s%N)
run_daemon ""
est_ms=$((($(date +%s%N) - t0) / 1000000))
[ "$(check_dir)" = 2 ] || fail "the second clean run was not saved"
echo "2 0" >"$tmp/saved"
v=0
advance=1
kills=0
mid=0
writes=0
terms=0
t=1
while [ $t -le $((TRIES + TERMS)) ]; do
	set -- $(sed -n "${t}p" "$tmp/plan")
	sig=KILL
	[ "$1" = term ] && sig=TERM
	if [ $advance -eq 1 ]; then
		v=$((v + 1))
		emu_scenario "$tmp/v/$v.json" || fail "scenario $v"
	fi
	before=$(tail -n 1 "$tmp/saved" | cut -d' ' -f1)
	if [ $sig = KILL ]; then
		step=$2
		m=$(min_saves) || fail "try $t: the saves the run must make"
		n=$(awk -v f="$3" -v m="$m" 'BEGIN { printf "%d", 1 + f * m }')
		ls "$tmp/state/outbox" >"$tmp/pre"
		run_daemon KILL "$n" "$step" "${4:-0}"
		kills=$((kills + 1))
		[ "$step" = done ] && step=-
		r=$("$PYTHON3" "$tmp/check.py" "$tmp/state" "$tmp/trace" "$killed" "$step" "$n" "$before" "$tmp/pre") ||
			fail "try $t (kill -9 at save $n ${step}): the state directory after the kill"
		set -- $r
		[ $# -eq 3 ] || fail "try $t: the check printed '$r'"
		newest=$1
		mid=$(($mid + $2))
		writes=$((writes + $3))
	else
		run_daemon TERM "$(awk -v f="$2" -v ms="$est_ms" 'BEGIN { printf "%.3f", f * ms / 1000 }')"
		terms=$((terms + 1))
		newest=$(check_dir) || fail "try $t: the state directory is damaged after SIGTERM"
	fi
	if [ "$newest" -gt "$before" ]; then
		[ "$newest" -eq $((before + 1)) ] || fail "try $t: state $before -> $newest in one run"
		# A stopped audit says it saved nothing: then it must not have.
		if grep -q 'nothing saved' "$tmp/run.log"; then
			fail "try $t: the log says nothing was saved, but state $newest was: $(grep 'audit' "$tmp/run.log" | tail -n 2)"
		fi
		echo "$newest $v" >>"$tmp/saved"
		advance=1
	else
		advance=0
	fi
	t=$((t + 1))
done
# Four in five kills were stops inside a save; fewer landed there only if
# the stops were not where they were asked for.
[ $((mid * 4)) -ge $((kills * 3)) ] || fail "only $mid of $kills kills landed inside a save"
[ "$writes" -ge "$kills" ] || fail "only $writes saves completed before $kills kills"

# A clean run delivers what is queued, saves (every audit saves), and so
# removes every temp file a kill left.
run_daemon ""
r=$("$PYTHON3" "$tmp/check.py" "$tmp/state") || fail "the state directory after the clean run"
set -- $r
newest=$1
before=$(tail -n 1 "$tmp/saved" | cut -d' ' -f1)
[ "$newest" -eq $((before + 1)) ] || fail "the clean run did not save: state $before -> $newest"
echo "$newest $v" >>"$tmp/saved"
[ "$2" -eq 0 ] || fail "$2 temp file(s) left after the clean run: $(cd "$tmp/state" && ls -a . outbox | grep -E '^(\.gen-|snapshot\.json\.tmp|\.tmp-)')"
[ -z "$(ls -A "$tmp/state/outbox" | grep -vx .lock)" ] || fail "the outbox is not empty after the clean run"
sleep 0.3
if grep -q 'audit failed' "$tmp/log"; then fail "an audit failed: $(grep 'audit failed' "$tmp/log" | head -n 3)"; fi

ctl_get "$CTL_W" /_ctl/deliveries >"$tmp/deliveries"
ctl_get "$CTL_W" /_ctl/summary >"$tmp/summary"
"$PYTHON3" - "$tmp" "$kills" "$terms" <<'PY' || fail "deliveries"
import collections, json, re, sys
d, kills, terms = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
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
got = collections.Counter()
for b in first.values():
    # One alert per cause: the attachment of PassDeployRole on one user,
    # with that user's two edges.
    assert b["kind"] == "cause", b["kind"]
    c = b["causes"]
    assert len(c) == 1 and c[0]["kind"] == "policy-attachment" and c[0]["verified"] and \
        c[0]["arn"] == M + "policy/PassDeployRole", c
    assert len(b["edges"]) == 2 and b["edges_omitted"] == 0, b["edges"]
    for x in b["edges"]:
        assert x["principal"] == c[0]["on"], (x["principal"], c[0]["on"])
        got[(x["change"], x["principal"], x["role"])] += 1
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
wh_dups, sl_dups = len(dl) - len(first), sum(sl.values()) - len(sl)
# Deliveries are sequential: a kill or a stop interrupts at most one
# between a sink's acceptance and its record.
assert wh_dups + sl_dups <= kills + terms, "%d webhook and %d syslog re-deliveries for %d " \
    "kills and %d SIGTERMs" % (wh_dups, sl_dups, kills, terms)
print("daemon-kill9: %d saved versions, %d alerts, webhook re-deliveries %d, syslog "
      "re-deliveries %d" % (len(saved), len(first), wh_dups, sl_dups))
PY
echo "daemon-kill9: $kills kill -9 ($mid inside a save, $writes saves completed before them), $terms SIGTERM"
echo "daemon-kill9: ok"
