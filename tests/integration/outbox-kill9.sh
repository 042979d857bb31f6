#!/bin/sh
# kill -9 of the alert sender (alert-tool run: enqueue a run's alerts, then
# deliver them: outbox writes, per-sink marks, removals, webhook POSTs,
# syslog sends), TRIES times (default 50).
#
# Where the kills land is not left to chance. alert-tool is built with the
# save hooks of src/util/fileio.c: every step of every atomic save is
# traced (PRA_TEST_SAVE_TRACE), and the sender can be made to stop itself
# (PRA_TEST_SAVE_STOP=N:STEP) at one step of its Nth save. Three tries in
# four stop it inside a save (after creating the temp file, after writing
# it, after its fsync, or after the rename but before the directory fsync)
# and kill -9 it there; the fourth lets it run on from the end of a save in
# the first half of the run and kills it up to 10 ms later, wherever it is
# (a POST, a send, a removal, a save).
#
# After every kill: kill -9 hit a live sender; the trace says where (the
# writes completed before it, and whether it landed mid-save); every save
# went through its steps in order; the outbox holds only complete, valid
# entries, every entry whose rename was traced is there (so the outbox
# exists and is not empty when it must not be), and a save killed before
# its rename left its temp file and not the target. A recovery run then
# delivers everything and leaves the outbox empty, temp files included.
# At the end: at least three kills in four landed mid-save; every alert
# reached the webhook and syslog under one id, nothing else arrived, and
# the re-deliveries (a kill between a delivery and its record) number at
# most one per kill. KILL9_SEED=N replays a failure.
set -u
. "$top_srcdir/tests/integration/alert-lib.sh"
TRIES=${KILL9_TRIES:-50}
PER=20
printf 'kill9-secret\n' >"$tmp/secret"
recv_start W --secret-file "$tmp/secret" --delay-ms 2
syslog_start "$tmp/log.sock" "$tmp/lines"
mkdir "$tmp/st"
pid=

SEED=${KILL9_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "outbox-kill9: seed $SEED"
fail() { echo "FAIL: $* (seed $SEED)"; exit 1; }
# A sender left stopped by a failed check would outlive the test.
cleanup() {
	if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
	alert_cleanup
}
trap cleanup EXIT INT TERM
"$PYTHON3" - "$tmp" "$TRIES" "$PER" <<'PY'
import json, sys
d, tries, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for t in range(0, tries + 1):
    ents = [{"kind": "gained", "new": {
        "principal": "arn:aws:iam::111111111111:user/u%d" % i, "principal_type": "user",
        "account": "111111111111", "role": "arn:aws:iam::111111111111:role/Admin",
        "services": ["lambda.amazonaws.com"], "reason": "allowed by P%d" % i}}
        for i in range(per)]
    with open("%s/fix-%d.json" % (d, t), "w") as f:
        json.dump({"run": "kill-%d" % t, "at": "2026-11-23T10:00:00Z", "entries": ents}, f)
PY

# after_kill PID MODE N STEP: checks the trace of the killed sender and the
# outbox (see above); prints "MID WRITES": 1 when the kill landed between
# the creation of a temp file and the end of its save, and the number of
# saves completed before the kill.
cat >"$tmp/after_kill.py" <<'PY'
import json, os, re, sys
trace, pid, d, mode, want_n, want_step = sys.argv[1:7]
ob = os.path.join(d, "outbox")
ORDER = ["begin", "created", "written", "synced", "renamed", "done"]
MID = ORDER[1:5]
ENTRY = re.compile(r"^(\d{20})-([0-9a-f]{64})\.json$")
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
if mode == "stop":
    assert (last, lsteps[-1]) == (int(want_n), want_step), \
        "stopped at save %d %s, wanted %s %s" % (last, lsteps[-1], want_n, want_step)
entries = [(n, name, steps) for n, (name, steps) in sorted(saves.items()) if ENTRY.match(name)]
names = [name for _, name, _ in entries]
resaved = len(set(names)) != len(names)
listing = sorted(os.listdir(ob)) if os.path.isdir(ob) else None
renamed = [name for _, name, steps in entries if "renamed" in steps]
if renamed:
    assert listing, "outbox %s after %d entries were renamed into it" % (
        "missing" if listing is None else "empty", len(renamed))
if not resaved:
    # Before the first mark nothing is removed: every renamed entry is there.
    lost = [n for n in renamed if n not in listing]
    assert not lost, "renamed but not in the outbox: %s" % lost[:3]
# A save killed before its rename left its temp file, not its target. A
# free-running kill may have come after the rename but before its trace
# line: after "synced", one of the two.
if ENTRY.match(lname) and lsteps[-1] in ("created", "written", "synced") and names.count(lname) == 1:
    there = lname in listing
    tmp = any(x.startswith(".tmp-" + lname + ".") for x in listing)
    if mode == "stop" or lsteps[-1] != "synced":
        assert not there, "%s is in the outbox before its rename" % lname
        assert tmp, "no temp file for %s killed at %s" % (lname, lsteps[-1])
    else:
        assert there != tmp, "%s killed around its rename: target %s, temp file %s" % (
            lname, there, tmp)
for n in listing or []:
    # .lock: the outbox's lock file (outbox.h), not an entry.
    if n.startswith(".tmp-") or n == ".lock":
        continue
    assert n != "corrupt", "a corrupt entry was set aside: %s" % os.listdir(os.path.join(ob, n))
    m = ENTRY.match(n)
    assert m, "stray file %s" % n
    doc = json.load(open(os.path.join(ob, n)))
    assert doc["outbox"] == 1 and doc["seq"] == int(m.group(1)), n
    assert doc["alert"]["id"] == m.group(2), n
    assert doc["alert"]["schema"] == "passrole-auditd.alert/1", n
    assert isinstance(doc["delivered"], list), n
print(1 if lsteps[-1] in MID else 0, sum(1 for _, s in saves.values() if s[-1] == "done"))
PY

# wait_stopped PID N STEP: until the sender stopped (nothing else stops
# it), then it must have stopped at that step. Polled without forks but
# sleep, not to slow the sender down on a loaded machine.
wait_stopped() {
	i=0
	while :; do
		st=
		read -r st <"/proc/$1/stat" 2>/dev/null
		st=${st##*) }
		[ "${st%% *}" = T ] && break
		i=$((i + 1))
		[ $i -le 1500 ] || fail "try $t: the sender never stopped at save $2 $3: $(tail -n 3 "$tmp/trace")"
		kill -0 "$1" 2>/dev/null || fail "try $t: the sender exited before save $2 $3"
		sleep 0.02
	done
	grep -q "^$1 $2 $3 " "$tmp/trace" ||
		fail "try $t: the sender stopped, but not at save $2 $3: $(tail -n 2 "$tmp/trace")"
}

opts="--state $tmp/st --syslog-socket $tmp/log.sock --attempts 3 --backoff-ms 2 --secret-file $tmp/secret --webhook w=$URL_W"

# A clean traced run (kill-0) counts the saves of a run: the range the
# stops are drawn from.
PRA_TEST_SAVE_TRACE="$tmp/trace" "$TOOL" $opts run "$tmp/fix-0.json" --rounds 50 --round-ms 5 \
	>"$tmp/out" 2>&1 || fail "the clean run: $(cat "$tmp/out")"
SAVES=$(grep -c ' done ' "$tmp/trace")
[ "$SAVES" -gt "$PER" ] || fail "a run of $PER alerts traced only $SAVES saves"
[ -z "$(ls -A "$tmp/st/outbox" | grep -vx .lock)" ] || fail "outbox not empty after the clean run"

"$PYTHON3" - "$SEED" "$TRIES" "$SAVES" >"$tmp/plan" <<'PY'
import random, sys
rng = random.Random(int(sys.argv[1]))
saves = int(sys.argv[3])
for t in range(1, int(sys.argv[2]) + 1):
    if t % 4:
        print("stop", rng.randint(1, saves), rng.choice(["created", "written", "synced", "renamed"]))
    else:
        # In the first half of the run, so that at least 20 fsynced saves
        # and as many deliveries are still to come when the kill arrives.
        print("run", rng.randint(1, saves // 2), "done", "%.3f" % rng.uniform(0, 0.01))
PY

kills=0
mid=0
writes=0
t=1
while [ $t -le "$TRIES" ]; do
	set -- $(sed -n "${t}p" "$tmp/plan")
	mode=$1 n=$2 step=$3 delay=${4:-0}
	: >"$tmp/trace"
	PRA_TEST_SAVE_TRACE="$tmp/trace" PRA_TEST_SAVE_STOP="$n:$step" \
		"$TOOL" $opts run "$tmp/fix-$t.json" --rounds 50 --round-ms 5 >/dev/null 2>&1 &
	pid=$!
	wait_stopped "$pid" "$n" "$step"
	if [ "$mode" = run ]; then
		kill -CONT "$pid" || fail "try $t: SIGCONT"
		sleep "$delay"
	fi
	kill -9 "$pid" || fail "try $t: kill -9 $pid failed: the sender was not running"
	wait "$pid" 2>/dev/null
	rc=$?
	killed=$pid
	pid=
	[ $rc -eq 137 ] || fail "try $t: the sender exited $rc, not by the kill"
	kills=$((kills + 1))
	r=$("$PYTHON3" "$tmp/after_kill.py" "$tmp/trace" "$killed" "$tmp/st" "$mode" "$n" "$step") ||
		fail "try $t ($mode at save $n $step): the outbox after kill -9"
	set -- $r
	[ $# -eq 2 ] || fail "try $t: the trace check printed '$r'"
	mid=$((mid + $1))
	writes=$((writes + $2))
	"$TOOL" $opts run "$tmp/fix-$t.json" --rounds 50 --round-ms 5 >"$tmp/out" 2>"$tmp/err" ||
		fail "try $t: recovery run: $(cat "$tmp/out" "$tmp/err")"
	[ -z "$(ls -A "$tmp/st/outbox" | grep -vx .lock)" ] || fail "try $t: outbox not empty after recovery: $(ls -A "$tmp/st/outbox")"
	t=$((t + 1))
done
# Three in four kills were stopped inside a save; anything less means the
# stops did not happen where they were asked for.
[ $((mid * 4)) -ge $((kills * 3)) ] ||
	fail "only $mid of $kills kills landed inside a save"
[ "$writes" -ge "$kills" ] || fail "only $writes saves completed before $kills kills"

sleep 0.3
ctl_get "$CTL_W" /_ctl/summary >"$tmp/summary"
"$PYTHON3" - "$tmp/log-W.jsonl" "$tmp/lines" "$TRIES" "$PER" "$kills" "$tmp/summary" <<'PY' || fail "deliveries"
import json, re, sys
log, lines, tries, per, kills, summ = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
s = json.load(open(summ))
assert s["bad"] == 0, s["bad_reasons"]
want = {("kill-%d" % t, "arn:aws:iam::111111111111:user/u%d" % i)
        for t in range(0, tries + 1) for i in range(per)}
got, ids_of = {}, {}
for l in open(log):
    r = json.loads(l)
    key = (r["body"]["run"], r["body"]["principal"])
    got[key] = got.get(key, 0) + 1
    ids_of.setdefault(key, set()).add(r["id"])
missing = want - set(got)
assert not missing, "webhook lost %d alerts, e.g. %s" % (len(missing), sorted(missing)[:3])
assert set(got) == want, "webhook got alerts nobody raised: %s" % sorted(set(got) - want)[:3]
# A re-delivery carries the same id: one id per alert, however many times.
two = [k for k, v in ids_of.items() if len(v) != 1]
assert not two, "%d alerts arrived under two ids, e.g. %s" % (len(two), two[:2])
assert s["unique"] == len(want), (s["unique"], len(want))
wh_dups = sum(got.values()) - len(want)
sl, sl_ids = {}, set()
for l in open(lines):
    m = re.search(r" id=([0-9a-f]{64}) .* principal=(\S+) .* run=(\S+) ", l)
    if m:
        sl[(m.group(3), m.group(2))] = sl.get((m.group(3), m.group(2)), 0) + 1
        sl_ids.add(m.group(1))
missing = want - set(sl)
assert not missing, "syslog lost %d alerts, e.g. %s" % (len(missing), sorted(missing)[:3])
assert set(sl) == want, "syslog got alerts nobody raised: %s" % sorted(set(sl) - want)[:3]
wh_ids = {i for v in ids_of.values() for i in v}
assert sl_ids == wh_ids, "syslog and webhook ids differ: %d and %d" % (len(sl_ids), len(wh_ids))
sl_dups = sum(sl.values()) - len(want)
# Deliveries are sequential: a kill interrupts at most one between the
# sink's acceptance and its record on disk.
assert wh_dups + sl_dups <= kills, "%d webhook and %d syslog re-deliveries for %d kills" % (
    wh_dups, sl_dups, kills)
print("outbox-kill9: alerts=%d webhook_redeliveries=%d syslog_redeliveries=%d" % (
    len(want), wh_dups, sl_dups))
PY
echo "outbox-kill9: $kills kills, $mid inside a save, $writes saves completed before them ($SAVES in a run)"
echo "outbox-kill9: ok"
