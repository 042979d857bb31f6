# emu.sh - POSIX sh helpers to run the loopback AWS emulator in a test.
#
#   . "$top_srcdir/tests/emulator/emu.sh"
#   emu_start "$top_srcdir/tests/data/scenarios/basic.json" [--latency-ms 5 ...]
#   ... use $EMU_URL / $EMU_PORT ...
#   emu_fault '{"operation":"GetCallerIdentity","kind":"throttle","count":2}'
#   emu_requests            # prints the JSON request log
#   emu_reset               # clears faults and the log
#   emu_scenario FILE       # replaces the scenario
#   emu_stop                # also run automatically on exit
#
# emu_start installs `trap emu_stop EXIT` (and on INT/TERM/HUP). A test with
# its own cleanup should set its trap after emu_start and call emu_stop in it.
# With --tls-cert/--tls-key EMU_URL is https://; the control calls then skip
# certificate checks (loopback test endpoint only).
# Needs: $top_srcdir, curl; $PYTHON3 (default /usr/bin/python3).

EMU_PID=
EMU_DIR=
EMU_PORT=
EMU_URL=
EMU_CURL_TLS=

emu_start() {
	_emu_scenario=$1
	shift
	if [ -n "$EMU_PID" ]; then
		echo "emu_start: the emulator is already running (pid $EMU_PID)" >&2
		return 1
	fi
	EMU_DIR=$(mktemp -d "${TMPDIR:-/tmp}/emu.XXXXXX") || return 1
	_emu_scheme=http
	EMU_CURL_TLS=
	for _emu_a in "$@"; do
		if [ "$_emu_a" = "--tls-cert" ]; then
			_emu_scheme=https
			EMU_CURL_TLS=-k
		fi
	done
	"${PYTHON3:-/usr/bin/python3}" "$top_srcdir/tests/emulator/emulator.py" \
		--scenario "$_emu_scenario" --port-file "$EMU_DIR/port" \
		--log "$EMU_DIR/log" "$@" 2>"$EMU_DIR/stderr" &
	EMU_PID=$!
	trap emu_stop EXIT
	trap 'emu_stop; exit 130' INT
	trap 'emu_stop; exit 143' TERM
	trap 'emu_stop; exit 129' HUP
	_emu_i=0
	while [ ! -s "$EMU_DIR/port" ]; do
		if ! kill -0 "$EMU_PID" 2>/dev/null; then
			echo "emu_start: the emulator exited" >&2
			EMU_PID=
			emu_stop
			return 1
		fi
		_emu_i=$((_emu_i + 1))
		if [ "$_emu_i" -gt 500 ]; then
			echo "emu_start: no port file after 10 s" >&2
			emu_stop
			return 1
		fi
		sleep 0.02
	done
	EMU_PORT=$(cat "$EMU_DIR/port")
	EMU_URL="$_emu_scheme://127.0.0.1:$EMU_PORT"
	export EMU_PORT EMU_URL
}

emu_stop() {
	if [ -n "$EMU_PID" ]; then
		kill -TERM "$EMU_PID" 2>/dev/null
		wait "$EMU_PID" 2>/dev/null
		EMU_PID=
	fi
	if [ -n "$EMU_DIR" ]; then
		# Emulator tracebacks belong in the test log.
		if [ -s "$EMU_DIR/stderr" ]; then
			echo "emulator stderr:" >&2
			cat "$EMU_DIR/stderr" >&2
		fi
		rm -rf "$EMU_DIR"
		EMU_DIR=
	fi
	return 0
}

# _emu_call METHOD PATH [curl args...]: a control request; fails on HTTP errors
# and prints the emulator's error body.
_emu_call() {
	_emu_m=$1
	_emu_p=$2
	shift 2
	_emu_out=$(curl -sS $EMU_CURL_TLS -X "$_emu_m" -w '\n%{http_code}' "$@" "$EMU_URL$_emu_p") || return 1
	_emu_code=$(printf '%s\n' "$_emu_out" | tail -n 1)
	printf '%s\n' "$_emu_out" | sed '$d'
	case $_emu_code in
	2*) return 0 ;;
	*) echo "emulator: $_emu_m $_emu_p -> HTTP $_emu_code" >&2; return 1 ;;
	esac
}

# _emu_quiet: run a control request, show its body only when it failed.
_emu_quiet() {
	_emu_body=$(_emu_call "$@") || { printf '%s\n' "$_emu_body" >&2; return 1; }
}

emu_fault() { _emu_quiet POST /_emu/fault -H 'Content-Type: application/json' --data-binary "$1"; }
emu_requests() { _emu_call GET /_emu/requests; }
emu_reset() { _emu_quiet POST /_emu/reset; }
emu_scenario() { _emu_quiet POST /_emu/scenario -H 'Content-Type: application/json' --data-binary "@$1"; }
