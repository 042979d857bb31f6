#!/bin/sh
# Crash safety of the state directory: a writer saving edge sets in a loop
# is killed with SIGKILL at random moments, ROUNDS times; after every kill
# the directory must load cleanly, and every numbered edge file in it must
# be complete and hold what the writer made for its number. A killed save
# may leave a temp file behind (counted below), never a half file.
set -u
: "${top_builddir:?}"
TOOL="$top_builddir/tests/tools/state-writer"
ROUNDS=${ROUNDS:-60}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pra-kill9.XXXXXX") || exit 1
pid=
cleanup() {
	if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
dir="$tmp/state"
fails=0
leftovers=0
last=0
stalls=0

# A random delay of 0..299 ms, as a sleep(1) argument.
delay() {
	r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
	printf '0.%03d' $((r % 300))
}

# The newest saved run's number, 0 when none.
newest() {
	n=$(ls "$dir" 2>/dev/null | sed -n 's/^gen-0*\([0-9][0-9]*\)$/\1/p' |
	    sort -n | tail -n 1)
	echo "${n:-0}"
}

i=0
while [ "$i" -lt "$ROUNDS" ]; do
	i=$((i + 1))
	before=$(newest)
	"$TOOL" write "$dir" 2>"$tmp/writer.err" &
	pid=$!
	# Kill at a random moment of the save loop, not during the start-up
	# (on a loaded machine that can take longer than any fixed delay):
	# wait for this round's first save, then a random delay.
	waited=0
	while [ "$(newest)" -le "$before" ] && [ "$waited" -lt 1500 ]; do
		sleep 0.02
		waited=$((waited + 1))
	done
	[ "$waited" -ge 1500 ] && stalls=$((stalls + 1))
	sleep "$(delay)"
	if ! kill -9 "$pid" 2>/dev/null; then
		echo "FAIL: round $i: the writer had already exited:"
		sed 's/^/  /' "$tmp/writer.err"
		fails=$((fails + 1))
	fi
	wait "$pid" 2>/dev/null
	pid=
	ls -a "$dir" | grep -q '^\.gen-.*\.tmp$' && leftovers=$((leftovers + 1))
	if ! "$TOOL" check "$dir" >"$tmp/check.out" 2>"$tmp/check.err"; then
		echo "FAIL: round $i: the state directory does not load cleanly:"
		sed 's/^/  /' "$tmp/check.err"
		fails=$((fails + 1))
		continue
	fi
	last=$(sed -n 's/^seq \([0-9]*\) .*/\1/p' "$tmp/check.out")
done

# The test proves nothing if the writer never got a save in.
if [ "$stalls" -gt 0 ]; then
	echo "FAIL: in $stalls rounds the writer made no save within 30 s"
	fails=$((fails + 1))
fi
echo "state-kill9: $ROUNDS kills, $last saves in all, $leftovers kills left a temp file;" \
    "$fails failures"
[ "$fails" -eq 0 ]
