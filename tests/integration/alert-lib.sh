# Shared by the alert shell tests (sourced): loopback webhook and syslog
# receivers started and stopped by the test, and a temporary directory.
: "${top_srcdir:?}" "${top_builddir:?}"
PYTHON3=${PYTHON3:-python3}
TOOL="$top_builddir/tests/tools/alert-tool"
tmp=$(mktemp -d) || exit 1
RECV_PIDS=""
fail() { echo "FAIL: $*"; exit 1; }
alert_cleanup() {
	for p in $RECV_PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap alert_cleanup EXIT INT TERM

# recv_start NAME [receiver options]: starts a webhook receiver; sets
# URL_<NAME> (the /hook URL) and CTL_<NAME> (its base URL).
recv_start() {
	name=$1; shift
	rm -f "$tmp/port-$name"
	"$PYTHON3" "$top_srcdir/tests/tools/webhook_receiver.py" --port-file "$tmp/port-$name" \
		--log "$tmp/log-$name.jsonl" "$@" &
	RECV_PIDS="$RECV_PIDS $!"
	i=0
	while [ ! -s "$tmp/port-$name" ]; do
		i=$((i + 1)); [ $i -gt 150 ] && fail "receiver $name did not start"
		sleep 0.1
	done
	port=$(cat "$tmp/port-$name")
	eval "URL_$name=http://127.0.0.1:$port/hook; CTL_$name=http://127.0.0.1:$port"
}

# ctl_get BASE PATH / ctl_post BASE PATH JSON
ctl_get() {
	"$PYTHON3" -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())' "$1$2"
}
ctl_post() {
	"$PYTHON3" -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(), method="POST")).read()' "$1$2" "$3"
}
# summary_field BASE FIELD
summary_field() {
	ctl_get "$1" /_ctl/summary | "$PYTHON3" -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}

# syslog_start SOCKET OUT: a unix datagram receiver appending lines to OUT.
syslog_start() {
	rm -f "$tmp/syslog-ready"
	"$PYTHON3" "$top_srcdir/tests/tools/syslog_receiver.py" --socket "$1" --out "$2" \
		--ready "$tmp/syslog-ready" &
	SYSLOG_PID=$!
	RECV_PIDS="$RECV_PIDS $SYSLOG_PID"
	i=0
	while [ ! -s "$tmp/syslog-ready" ]; do
		i=$((i + 1)); [ $i -gt 150 ] && fail "syslog receiver did not start"
		sleep 0.1
	done
}
syslog_stop() {
	kill "$SYSLOG_PID" 2>/dev/null; wait "$SYSLOG_PID" 2>/dev/null
}
