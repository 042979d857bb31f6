#!/bin/sh
# `make install` puts everything under the prefix it is given: the daemon in
# sbin (a section 8 program), the units in PREFIX/lib/systemd/system with
# ExecStart= naming the installed daemon, the sample config, the man pages,
# the README, scripts/aws-dump and the IAM documents with the CloudFormation
# template; every installed path the man pages name (written for
# --prefix=/usr) is there; `make uninstall` removes every file again.
# The prefix and the directories below it are given on make's command line,
# and DESTDIR is a scratch directory: nothing is written outside it, even as
# root and whatever this tree was configured with.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pra-install.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
passes=0
ok() { passes=$((passes + 1)); }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

dest=$tmp/dest
p=/opt/pra-test
# The harness's make flags (jobserver) mean nothing to this make.
run_make() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -s -C "$top_builddir" \
		DESTDIR="$dest" prefix="$p" exec_prefix="$p" sbindir="$p/sbin" bindir="$p/bin" \
		datarootdir="$p/share" sysconfdir="$p/etc" localstatedir="$p/var" "$@" \
		>"$tmp/make.log" 2>&1
}
if ! run_make install; then
	echo "FAIL: make install:"; cat "$tmp/make.log"; exit 1
fi
# Everything under DESTDIR/PREFIX: a unit directory that ignored the prefix
# would show up as DESTDIR/lib/systemd/system.
outside=$(cd "$dest" && find . -type f | grep -v "^\.$p/" || true)
if [ -z "$outside" ]; then ok; else fail "installed outside the prefix: $outside"; fi

root=$dest$p
want_file() {
	if [ -f "$root/$1" ]; then ok; else fail "not installed: PREFIX/$1"; fi
}
want_file sbin/passrole-auditd
[ -x "$root/sbin/passrole-auditd" ] && ok || fail "PREFIX/sbin/passrole-auditd is not executable"
[ ! -e "$root/bin/passrole-auditd" ] && ok || fail "the daemon is installed in bin/"
for u in passrole-auditd.service passrole-auditd-oneshot.service passrole-auditd-oneshot.timer; do
	want_file "lib/systemd/system/$u"
done
for u in passrole-auditd.service passrole-auditd-oneshot.service; do
	if grep -q "^ExecStart=$p/sbin/passrole-auditd\( \|\$\)" "$root/lib/systemd/system/$u"; then ok; else
		fail "$u: ExecStart= is not $p/sbin/passrole-auditd"; fi
done
want_file etc/passrole-auditd/passrole-auditd.conf
want_file share/man/man8/passrole-auditd.8
want_file share/man/man5/passrole-auditd.conf.5
want_file share/doc/passrole-auditd/README.md
want_file share/passrole-auditd/aws-dump
[ -x "$root/share/passrole-auditd/aws-dump" ] && ok || fail "aws-dump is not executable"
for f in iam/iam-policy-auditor.json iam/iam-policy-member-role.json \
	iam/iam-trust-member-role.json cloudformation/member-role.json; do
	want_file "share/passrole-auditd/$f"
done

# The installed paths the man pages name, as a --prefix=/usr build puts
# them, exist in this install (with /usr as PREFIX).
for page in "$top_srcdir"/man/*.[0-9]; do
	sed 's/\\//g' "$page" | grep -oE '/usr/(s?bin|share/(doc/)?passrole-auditd)[A-Za-z0-9._/-]*' |
		sed 's/[.,]$//'
done | sort -u >"$tmp/named"
[ -s "$tmp/named" ] && ok || fail "the man pages name no installed path"
while read -r path; do
	rel=${path#/usr/}
	if [ -e "$root/$rel" ]; then ok; else fail "a man page names $path, which make install does not write"; fi
done <"$tmp/named"

if ! run_make uninstall; then
	echo "FAIL: make uninstall:"; cat "$tmp/make.log"; fails=$((fails + 1))
fi
left=$(cd "$dest" && find . -type f)
if [ -z "$left" ]; then ok; else fail "left after make uninstall: $left"; fi

echo "install-layout: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
