#!/bin/sh
# emu.sh, the library every shell integration test uses: start on a free port,
# faults, request log, reset, scenario replacement, and the exit trap that
# stops the emulator (checked from a child shell that exits without emu_stop).
set -u
: "${top_srcdir:?}"
. "$top_srcdir/tests/emulator/emu.sh"

fails=0
ok() { echo "ok - $1"; }
bad() { echo "FAIL - $1"; fails=$((fails + 1)); }
expect() { # expect DESCRIPTION COMMAND...: the command must succeed
	_d=$1
	shift
	if "$@"; then ok "$_d"; else bad "$_d"; fi
}

scenario="$top_srcdir/tests/data/scenarios/basic.json"
emu_start "$scenario" || { echo "FAIL - emu_start"; exit 1; }
expect "EMU_URL is loopback http with EMU_PORT" test "$EMU_URL" = "http://127.0.0.1:$EMU_PORT"
expect "health" sh -c "curl -sf '$EMU_URL/_emu/health' | grep -q '\"ok\": true'"

sts_call() {
	curl -s -o /dev/null -w '%{http_code}' -X POST \
		-H 'Content-Type: application/x-www-form-urlencoded' \
		-d 'Action=GetCallerIdentity&Version=2011-06-15' "$EMU_URL/"
}
expect "emu_fault queues a fault" emu_fault '{"operation":"GetCallerIdentity","kind":"http503","count":2}'
expect "first faulted call: 503" test "$(sts_call)" = 503
expect "second faulted call: 503" test "$(sts_call)" = 503
expect "then unsigned: 403 MissingAuthenticationToken" test "$(sts_call)" = 403
if emu_fault '{"operation":"X","kind":"nope"}' 2>/dev/null; then
	bad "emu_fault fails on a refused fault"
else
	ok "emu_fault fails on a refused fault"
fi
tmp=$(mktemp -d)
emu_requests >"$tmp/log.json"
if "${PYTHON3:-/usr/bin/python3}" - "$tmp/log.json" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
assert [e["status"] for e in log] == [503, 503, 403], log
assert [e["fault"] for e in log] == ["http503", "http503", None], log
PY
then ok "emu_requests prints the log"; else bad "emu_requests prints the log"; fi
expect "emu_reset" emu_reset
expect "log empty after reset" test "$(emu_requests)" = "[]"

"${PYTHON3:-/usr/bin/python3}" - "$scenario" "$tmp/s.json" <<'PY'
import json, sys
sc = json.load(open(sys.argv[1]))
del sc["organization"]
json.dump(sc, open(sys.argv[2], "w"))
PY
expect "emu_scenario replaces the scenario" emu_scenario "$tmp/s.json"
echo '{"accounts": {}, "credentials": [{"access_key_id": "A"}]}' >"$tmp/bad.json"
if emu_scenario "$tmp/bad.json" 2>"$tmp/err"; then
	bad "emu_scenario refuses a bad scenario"
else
	expect "emu_scenario refuses a bad scenario, naming the path" grep -q 'credentials\[0\]' "$tmp/err"
fi

pid=$EMU_PID
emu_stop
expect "emu_stop stops the emulator" sh -c "! kill -0 $pid 2>/dev/null"

# A test that exits without emu_stop: the EXIT trap must stop the emulator.
sh -c '. "$top_srcdir/tests/emulator/emu.sh"; emu_start "$1" || exit 1; echo "$EMU_PID" >"$2"; exit 0' \
	sh "$scenario" "$tmp/pid"
child=$(cat "$tmp/pid")
sleep 0.2
expect "the exit trap stopped the child's emulator" sh -c "! kill -0 $child 2>/dev/null"
rm -rf "$tmp"

[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all checks passed"
