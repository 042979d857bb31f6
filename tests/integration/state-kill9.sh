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

# A random delay of 20..399 ms, as a sleep(1) argument.
delay() {
	r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
	printf '0.%03d' $((20 + r % 380))
}

i=0
while [ "$i" -lt "$ROUNDS" ]; do
	i=$((i + 1))
	"$TOOL" write "$dir" 2>"$tmp/writer.err" &
	pid=$!
	sleep "$(delay)"
	if ! kill -9 "$pid" 2>/dev/null; then
		echo "FAIL: round $i: the writer had already exited:"
		sed 's/^/  /' "$tmp/writer.err"
		fails=$((fails + 1))
	fi
	wait "$pid" 2>/dev/null
	pid=
	ls -a "$dir" | grep -q '^\.edges-.*\.tmp$' && leftovers=$((leftovers + 1))
	if ! "$TOOL" check "$dir" >"$tmp/check.out" 2>"$tmp/check.err"; then
		echo "FAIL: round $i: the state directory does not load cleanly:"
		sed 's/^/  /' "$tmp/check.err"
		fails=$((fails + 1))
		continue
	fi
	seq=$(sed -n 's/^seq \([0-9]*\) .*/\1/p' "$tmp/check.out")
	[ "$seq" -le "$last" ] && stalls=$((stalls + 1))
	last=$seq
done

# The test proves nothing if the writer never got a save in: most rounds
# must have advanced the state.
if [ "$stalls" -gt $((ROUNDS / 2)) ]; then
	echo "FAIL: the writer advanced the state in only $((ROUNDS - stalls)) of $ROUNDS rounds"
	fails=$((fails + 1))
fi
echo "state-kill9: $ROUNDS kills, $last saves survived, $leftovers kills left a temp file," \
    "$stalls rounds without a new save; $fails failures"
[ "$fails" -eq 0 ]
