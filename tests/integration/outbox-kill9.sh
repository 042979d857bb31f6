#!/bin/sh
# kill -9 at random points while alerts are enqueued and delivered (outbox
# writes, per-sink marks, removals, webhook POSTs, syslog sends), 50 times:
# after every kill the outbox holds only complete, valid entries (never a
# corrupt one), and the restarted sender delivers everything; at the end
# every alert has reached both sinks (webhook and syslog), and anything
# received twice was a re-delivery with the same id. Prints how many kills
# hit a running sender and how many re-deliveries happened.
set -u
. "$top_srcdir/tests/integration/alert-lib.sh"
TRIES=${KILL9_TRIES:-50}
PER=20
printf 'kill9-secret\n' >"$tmp/secret"
recv_start W --secret-file "$tmp/secret" --delay-ms 2
syslog_start "$tmp/log.sock" "$tmp/lines"
mkdir "$tmp/st"

# Fixtures (a run of $PER gained edges each) and the kill delays, in
# seconds, from a seed that is printed (KILL9_SEED=N replays a failure).
SEED=${KILL9_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "outbox-kill9: seed $SEED"
"$PYTHON3" - "$tmp" "$TRIES" "$PER" "$SEED" <<'PY'
import json, random, sys
d, tries, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(int(sys.argv[4]))
delays = []
for t in range(1, tries + 1):
    ents = [{"kind": "gained", "new": {
        "principal": "arn:aws:iam::111111111111:user/u%d" % i, "principal_type": "user",
        "account": "111111111111", "role": "arn:aws:iam::111111111111:role/Admin",
        "services": ["lambda.amazonaws.com"], "reason": "allowed by P%d" % i}}
        for i in range(per)]
    with open("%s/fix-%d.json" % (d, t), "w") as f:
        json.dump({"run": "kill-%d" % t, "at": "2026-11-23T10:00:00Z", "entries": ents}, f)
    delays.append("%.3f" % (random.uniform(0, 0.25)))
open(d + "/delays", "w").write("\n".join(delays) + "\n")
PY

check_outbox() {	# every committed entry is complete and valid
	"$PYTHON3" - "$1" <<'PY'
import json, os, re, sys
d = sys.argv[1]
if not os.path.isdir(d):
    sys.exit(0)             # killed before the outbox was created: nothing committed
if os.path.isdir(os.path.join(d, "corrupt")):
    sys.exit("a corrupt entry was set aside: %s" % os.listdir(os.path.join(d, "corrupt")))
for n in os.listdir(d):
    if n.startswith(".tmp-"):
        continue            # an uncommitted write; removed at the next open
    m = re.match(r"^(\d{20})-([0-9a-f]{64})\.json$", n)
    if not m:
        sys.exit("stray file %s" % n)
    doc = json.load(open(os.path.join(d, n)))
    assert doc["outbox"] == 1 and doc["seq"] == int(m.group(1)), n
    assert doc["alert"]["id"] == m.group(2), n
    assert doc["alert"]["schema"] == "passrole-auditd.alert/1", n
    assert isinstance(doc["delivered"], list), n
PY
}

opts="--state $tmp/st --syslog-socket $tmp/log.sock --attempts 3 --backoff-ms 2 --secret-file $tmp/secret --webhook w=$URL_W"
killed=0
t=1
while [ $t -le "$TRIES" ]; do
	delay=$(sed -n "${t}p" "$tmp/delays")
	"$TOOL" $opts run "$tmp/fix-$t.json" --rounds 50 --round-ms 5 >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
	wait "$pid" 2>/dev/null
	check_outbox "$tmp/st/outbox" || fail "try $t: outbox damaged after kill -9"
	"$TOOL" $opts run "$tmp/fix-$t.json" --rounds 50 --round-ms 5 >"$tmp/out" 2>"$tmp/err" ||
		fail "try $t: recovery run: $(cat "$tmp/out" "$tmp/err")"
	[ -z "$(ls -A "$tmp/st/outbox")" ] || fail "try $t: outbox not empty: $(ls -A "$tmp/st/outbox")"
	t=$((t + 1))
done
sleep 0.3
ctl_get "$CTL_W" /_ctl/summary >"$tmp/summary"
"$PYTHON3" - "$tmp/log-W.jsonl" "$tmp/lines" "$TRIES" "$PER" "$killed" "$tmp/summary" <<'PY' || fail "deliveries"
import json, re, sys
log, lines, tries, per, killed, summ = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
s = json.load(open(summ))
assert s["bad"] == 0, s["bad_reasons"]
want = {("kill-%d" % t, "arn:aws:iam::111111111111:user/u%d" % i)
        for t in range(1, tries + 1) for i in range(per)}
got, ids_of = {}, {}
for l in open(log):
    r = json.loads(l)
    key = (r["body"]["run"], r["body"]["principal"])
    got[key] = got.get(key, 0) + 1
    ids_of.setdefault(key, set()).add(r["id"])
missing = want - set(got)
assert not missing, "webhook lost %d alerts, e.g. %s" % (len(missing), sorted(missing)[:3])
assert set(got) == want, set(got) - want
# A re-delivery carries the same id: one id per alert, however many times.
assert all(len(v) == 1 for v in ids_of.values())
assert s["unique"] == len(want), (s["unique"], len(want))
wh_dups = sum(got.values()) - len(want)
sl = {}
for l in open(lines):
    m = re.search(r" id=([0-9a-f]{64}) .* principal=(\S+) .* run=(\S+) ", l)
    if m:
        sl[(m.group(3), m.group(2))] = sl.get((m.group(3), m.group(2)), 0) + 1
missing = want - set(sl)
assert not missing, "syslog lost %d alerts, e.g. %s" % (len(missing), sorted(missing)[:3])
sl_dups = sum(sl.values()) - len(want)
print("outbox-kill9: tries=%d killed_while_running=%d alerts=%d webhook_redeliveries=%d "
      "syslog_redeliveries=%d" % (tries, killed, len(want), wh_dups, sl_dups))
PY
echo "outbox-kill9: ok"
