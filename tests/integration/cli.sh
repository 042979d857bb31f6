#!/bin/sh
# The program's command line as a user meets it: help, version, usage
# errors and their exit code, --check-config on good and broken files, and
# the -q/-v log level.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
BIN="$top_builddir/passrole-auditd"
SAMPLE="$top_srcdir/etc/passrole-auditd.conf"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pra-cli.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
passes=0

ok() { passes=$((passes + 1)); }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# run EXPECTED_RC ARGS...: output in $tmp/out and $tmp/err
run() {
	want=$1
	shift
	"$BIN" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok; else
		fail "passrole-auditd $*: exit $rc, wanted $want"
		sed 's/^/  stderr: /' "$tmp/err"
	fi
}
has() {	# has FILE TEXT
	if grep -qF -- "$2" "$1"; then ok; else fail "$1 lacks: $2"; fi
}
lacks() {
	if grep -qF -- "$2" "$1"; then fail "$1 has: $2"; else ok; fi
}

# --help: every option, one line each, and every exit code.
run 0 --help
for opt in "-c, --config FILE" "-f, --foreground" "-v, --verbose" "-q, --quiet" \
    "--audit-now" "--check-config" "--whoami" "--eval FILE" "--eval-batch FILE" \
    "--format text|json" "--help" "--version" "--explain PRINCIPAL ROLE" \
    "--list-privileged" "--input DIR" "--service S" "--state-dir DIR" "--no-state" \
    "--baseline FILE" "--write-edges FILE"; do
	has "$tmp/out" "$opt"
done
for code in 0 1 2 3 64; do
	if grep -qE "^ +$code  " "$tmp/out"; then ok; else fail "--help lacks exit code $code"; fi
done
[ -s "$tmp/err" ] && fail "--help wrote to stderr"

run 0 --version
if grep -qxE 'passrole-auditd [0-9]+\.[0-9]+\.[0-9]+' "$tmp/out"; then ok; else
	fail "--version printed: $(cat "$tmp/out")"; fi

# Usage errors: exit 64, one line naming the problem, then the hint.
usage() {	# usage MESSAGE ARGS...
	msg=$1
	shift
	run 64 "$@"
	has "$tmp/err" "passrole-auditd: $msg"
	has "$tmp/err" "Try 'passrole-auditd --help' for more information."
	[ "$(wc -l <"$tmp/err")" -eq 2 ] || fail "$*: usage error is not two lines"
	[ -s "$tmp/out" ] && fail "$*: usage error wrote to stdout"
}
usage "unrecognized option '--bogus'" --bogus
usage "invalid option -- 'z'" -z
usage "option '--config' requires an argument" --config
usage "option '--eval' requires an argument" --eval
usage "--whoami and --audit-now cannot be used together" --whoami --audit-now
usage "--check-config and --eval-batch cannot be used together" --check-config --eval-batch x
usage "--format: 'yaml' is not one of text, json" --format yaml --whoami
usage "unexpected argument 'extra'" -f extra
usage "--explain needs a principal and a role" --explain alice
usage "--service applies only to --explain" --audit-now --service lambda.amazonaws.com
usage "--input applies only to --audit-now, --explain and --list-privileged" --whoami --input d
usage "--state-dir cannot be used with --no-state" --audit-now --no-state --state-dir /s
usage "--baseline applies only to --audit-now" --list-privileged --baseline b.json

cp "$SAMPLE" "$tmp/sample.conf"
chmod 600 "$tmp/sample.conf"

# The audit modes on input that cannot be read: exit 1, naming it, and
# nothing written to the state directory.
for mode in --audit-now --list-privileged "--explain alice Admin"; do
	# shellcheck disable=SC2086
	run 1 $mode --input "$tmp/no-such-dump" -c "$tmp/sample.conf"
	has "$tmp/err" "$tmp/no-such-dump"
done
run 1 --audit-now --input "$tmp/no-such-dump" --state-dir "$tmp/state" -c "$tmp/sample.conf"
if [ -e "$tmp/state" ]; then fail "a failed audit created its state directory"; else ok; fi

# --check-config on the sample: valid, and every setting is printed,
# nested as libconfig groups (conf-flatten.awk names each by its path).
FLATTEN="$top_srcdir/tests/tools/conf-flatten.awk"
run 0 --check-config -c "$tmp/sample.conf"
awk -f "$FLATTEN" "$tmp/out" >"$tmp/flat" && ok || fail "--check-config's output does not flatten"
"$BIN" --dump-schema | while IFS='	' read -r path type _rest; do
	[ "$type" = group ] && continue
	# A list of groups prints its elements: those of an empty list's
	# elements are not printed.
	case $path in *'[]'*) continue ;; esac
	grep -qE "^($path = .*;|# $path is not set|# $path is set: a secret, not shown|$path = \(( \);)?)\$" \
	    "$tmp/flat" || echo "$path"
done >"$tmp/missing"
if [ -s "$tmp/missing" ]; then fail "--check-config did not print: $(cat "$tmp/missing")"; else ok; fi
# No dotted name: libconfig would refuse one.
if grep -E '^ *[a-z0-9_]+\.[a-z0-9_.[]' "$tmp/out"; then fail "--check-config printed a dotted name"; else ok; fi

# Its output is a config: fed back, the same settings (secrets aside: see
# check_config's round trip), a list of groups and its elements included.
printf 'Bearer x\n' >"$tmp/rt.token"
chmod 600 "$tmp/rt.token"
cat >"$tmp/rt.conf" <<CONF
log_level = "notice";
aws = { region = "eu-west-2"; retry = { max_attempts = 9; }; };
collect = { member_role = "Auditor"; accounts_exclude = ["111111111111"]; };
alerts = { webhooks = (
  { name = "a"; url = "https://hooks.example.com/a"; headers = ( { name = "X-A"; value_file = "$tmp/rt.token"; } ); },
  { name = "b"; url = "https://hooks.example.com/b"; format = "slack"; }
); };
CONF
chmod 600 "$tmp/rt.conf"
run 0 --check-config -c "$tmp/rt.conf"
# The two URLs are secrets: printed as comments, given again here.
awk 'BEGIN { n = 0 } /# url is set: a secret, not shown$/ { sub(/# url is set: a secret, not shown$/,
	"url = \"https://hooks.example.com/" (n++ == 0 ? "a" : "b") "\";") } { print }' \
	"$tmp/out" >"$tmp/rt2.conf"
grep -v '^#' "$tmp/out" >"$tmp/rt.first"
chmod 600 "$tmp/rt2.conf"
run 0 --check-config -c "$tmp/rt2.conf"
grep -v '^#' "$tmp/out" >"$tmp/rt.second"
if cmp -s "$tmp/rt.first" "$tmp/rt.second"; then ok; else
	fail "--check-config's output, fed back, gives other settings:"; diff "$tmp/rt.first" "$tmp/rt.second"; fi
has "$tmp/out" '      name = "b";'
has "$tmp/out" "          value_file = \"$tmp/rt.token\";"

# A broken config: exit 1, every problem as FILE:LINE: path: message.
cat >"$tmp/bad.conf" <<'CONF'
log_level = "chatty";
aws = {
  regoin = "eu-west-1";
  retry = { max_attempts = 99; };
};
CONF
run 1 --check-config -c "$tmp/bad.conf"
has "$tmp/err" "$tmp/bad.conf:1: log_level: \"chatty\" is not one of error, warning, notice, info, debug"
has "$tmp/err" "$tmp/bad.conf:3: aws.regoin: unknown setting; did you mean 'aws.region'?"
has "$tmp/err" "$tmp/bad.conf:4: aws.retry.max_attempts: 99 is out of range 1..20"
has "$tmp/err" "invalid configuration (3 problems)"
[ -s "$tmp/out" ] && fail "a broken config printed settings"

printf 'aws = {\n  region = "us-east-1"\n' >"$tmp/syntax.conf"
run 1 --check-config -c "$tmp/syntax.conf"
if grep -qE "$tmp/syntax.conf:[0-9]+: syntax error" "$tmp/err"; then ok; else
	fail "parse error not reported as FILE:LINE"; sed 's/^/  /' "$tmp/err"; fi

run 1 --check-config -c "$tmp/absent.conf"
has "$tmp/err" "$tmp/absent.conf: cannot read: No such file or directory"

# A NUL in an @include name cut it to a directory, which made libconfig
# exit(2) in the middle of --check-config: 2 says "changes found".
mkdir "$tmp/inc"
printf 'log_level = "info";\n@include "inc\000.conf"\n' >"$tmp/nul.conf"
run 1 --check-config -c "$tmp/nul.conf"
has "$tmp/err" "$tmp/nul.conf:2: a NUL byte (not a text file)"
printf '@include "in\\"c"\n' >"$tmp/esc.conf"
mkdir "$tmp/in\"c"
run 1 --check-config -c "$tmp/esc.conf"
has "$tmp/err" "$tmp/esc.conf:1: @include \"$tmp/in\"c\": not a regular file"
[ -s "$tmp/out" ] && fail "a config naming a directory printed settings"

# Every mode validates the config before it runs.
run 1 --whoami -c "$tmp/bad.conf"
has "$tmp/err" "$tmp/bad.conf:1: log_level"

# Secrets are masked; -q and -v move the log level (the permission warning
# is at "warning": shown by default and at -qq, hidden at -qqq).
cat >"$tmp/secret.conf" <<'CONF'
aws = { credentials = {
  access_key_id = "AKIAIOSFODNN7EXAMPLE";
  secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
}; };
CONF
chmod 644 "$tmp/secret.conf"
run 0 --check-config -c "$tmp/secret.conf"
has "$tmp/out" '    # secret_access_key is set: a secret, not shown'
lacks "$tmp/out" "wJalrXUtnFEMI"
lacks "$tmp/err" "wJalrXUtnFEMI"
has "$tmp/err" "readable by group or others"
run 0 --check-config -qq -c "$tmp/secret.conf"
has "$tmp/err" "readable by group or others"
run 0 --check-config -qqq -c "$tmp/secret.conf"
lacks "$tmp/err" "readable by group or others"
printf 'log_level = "error";\n' >>"$tmp/secret.conf"
run 0 --check-config -v -c "$tmp/secret.conf"
has "$tmp/out" 'log_level = "error";'

echo "cli: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
