#!/bin/sh
# The shipped systemd units: `systemd-analyze verify` finds nothing to say
# about them (with ExecStart= pointing at the built binary, since the
# installed path need not exist here, and the man pages they name on a
# MANPATH of the source tree's), and the services' exposure, as
# `systemd-analyze security --offline=yes` scores it, is at most 2.0.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
bin="$top_builddir/passrole-auditd"
units="passrole-auditd.service passrole-auditd-oneshot.service passrole-auditd-oneshot.timer"
fails=0
passes=0
ok() { passes=$((passes + 1)); }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "FAIL: systemd-analyze not found: run scripts/install-deps (Debian package systemd)"
	exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pra-units.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
for page in "$top_srcdir"/man/*.[0-9]; do
	mkdir -p "$tmp/man/man${page##*.}"
	cp "$page" "$tmp/man/man${page##*.}/"
done
abs_bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

for u in $units; do
	src="$top_srcdir/systemd/$u"
	[ -f "$src" ] || { fail "$u is missing"; continue; }
	grep -q '^ExecStart=/usr/sbin/passrole-auditd\( \|$\)' "$src" ||
		case $u in *.timer) ;; *) fail "$u: ExecStart= is not /usr/sbin/passrole-auditd" ;; esac
	sed "s|/usr/sbin/passrole-auditd|$abs_bin|" "$src" >"$tmp/$u"
done

# verify exits 0 on many problems it only warns about: any output fails.
# shellcheck disable=SC2086
out=$(cd "$tmp" && MANPATH="$tmp/man" systemd-analyze verify $units 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && [ -z "$out" ]; then ok; else
	fail "systemd-analyze verify (exit $rc):"; echo "$out"; fi

for u in passrole-auditd.service passrole-auditd-oneshot.service; do
	score=$(systemd-analyze security --offline=yes "$tmp/$u" 2>&1 |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	if [ -z "$score" ]; then fail "$u: no exposure score"; continue; fi
	echo "$u: exposure $score"
	# --threshold counts tenths: 20 is 2.0.
	if systemd-analyze security --offline=yes --threshold=20 "$tmp/$u" >/dev/null 2>&1 &&
		awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'; then ok; else
		fail "$u: exposure $score is above 2.0"; fi
done

# The daemon is Type=notify, reloads with SIGHUP, and has a watchdog; the
# oneshot runs --audit-now and counts "changes found" as success.
grep -qx 'Type=notify' "$top_srcdir/systemd/passrole-auditd.service" && ok || fail "not Type=notify"
grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' "$top_srcdir/systemd/passrole-auditd.service" && ok ||
	fail "no ExecReload with SIGHUP"
grep -q '^WatchdogSec=' "$top_srcdir/systemd/passrole-auditd.service" && ok || fail "no WatchdogSec="
grep -qx 'SuccessExitStatus=2' "$top_srcdir/systemd/passrole-auditd-oneshot.service" && ok ||
	fail "oneshot: exit status 2 is not a success"

echo "systemd-units: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
