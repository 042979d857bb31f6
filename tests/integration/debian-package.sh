#!/bin/sh
# The Debian package: `dpkg-buildpackage -us -uc -b` in a scratch copy of the
# distributed sources (make distdir) builds a .deb that holds the daemon in
# /usr/sbin, its configuration as a conffile, the units in the directory
# dh_installsystemd reads, installed disabled (so not started), the man
# pages, the README, aws-dump, the IAM files and the CloudFormation template;
# lintian finds no error in it. The package's own `make check` is skipped
# (DEB_BUILD_OPTIONS=nocheck): it is the suite this test belongs to, and it
# would double CI's time.
#
# Needs dpkg-buildpackage, debhelper and lintian (scripts/install-deps
# --test installs them); without them the test is skipped, except under
# CI=true, where it fails.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
missing=""
command -v dpkg-buildpackage >/dev/null 2>&1 || missing="$missing dpkg-dev"
command -v dh >/dev/null 2>&1 || missing="$missing debhelper"
command -v lintian >/dev/null 2>&1 || missing="$missing lintian"
if [ -n "$missing" ]; then
	if [ "${CI:-}" = true ]; then
		echo "FAIL: missing:$missing (scripts/install-deps --test installs them)"
		exit 1
	fi
	echo "SKIP: missing:$missing (scripts/install-deps --test installs them)"
	exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pra-deb.XXXXXX") || exit 1
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT INT TERM
fails=0
passes=0
ok() { passes=$((passes + 1)); }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

src=$tmp/passrole-auditd
if ! env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -s -C "$top_builddir" \
	distdir distdir="$src" >"$tmp/distdir.log" 2>&1; then
	echo "FAIL: make distdir:"; cat "$tmp/distdir.log"; exit 1
fi
# Two jobs: the machine is shared. The build's own flags, not this
# tree's configure options (sanitizers), apply.
if ! (cd "$src" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u CFLAGS -u LDFLAGS \
	DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1; then
	echo "FAIL: dpkg-buildpackage:"; tail -40 "$tmp/build.log"; exit 1
fi
set -- "$tmp"/passrole-auditd_*.deb
deb=$1
[ $# -eq 1 ] && [ -f "$deb" ] && ok || { echo "FAIL: no single .deb: $*"; exit 1; }
echo "built $(basename "$deb")"

dpkg-deb -c "$deb" | awk '{ print $NF }' | sed 's|^\./|/|' >"$tmp/contents"
for f in /usr/sbin/passrole-auditd /etc/passrole-auditd/passrole-auditd.conf \
	/usr/share/man/man8/passrole-auditd.8.gz /usr/share/man/man5/passrole-auditd.conf.5.gz \
	/usr/share/man/man5/passrole-auditd-eval.5.gz /usr/share/man/man7/passrole-auditd-deploy.7.gz \
	/usr/share/man/man7/passrole-auditd-privileged.7.gz \
	/usr/share/doc/passrole-auditd/README.md /usr/share/doc/passrole-auditd/copyright \
	/usr/share/passrole-auditd/aws-dump \
	/usr/share/passrole-auditd/iam/iam-policy-auditor.json \
	/usr/share/passrole-auditd/iam/iam-policy-member-role.json \
	/usr/share/passrole-auditd/iam/iam-trust-member-role.json \
	/usr/share/passrole-auditd/cloudformation/member-role.json; do
	grep -qxF "$f" "$tmp/contents" && ok || fail "$f is not in the package"
done
for u in passrole-auditd.service passrole-auditd-oneshot.service passrole-auditd-oneshot.timer; do
	grep -qE "^(/usr)?/lib/systemd/system/$u\$" "$tmp/contents" && ok || fail "unit $u is not in the package"
done
grep -q '^/usr/bin/passrole-auditd$' "$tmp/contents" && fail "the daemon is in /usr/bin" || ok
dpkg-deb -c "$deb" | grep -q '^-rwxr-xr-x .* \./usr/share/passrole-auditd/aws-dump$' && ok ||
	fail "aws-dump is not executable"
mkdir "$tmp/x"
dpkg-deb -x "$deb" "$tmp/x"
grep -q '^ExecStart=/usr/sbin/passrole-auditd$' "$tmp/x"/*lib/systemd/system/passrole-auditd.service && ok ||
	fail "the unit does not run /usr/sbin/passrole-auditd"

dpkg-deb -I "$deb" >"$tmp/info"
grep -qx ' Package: passrole-auditd' "$tmp/info" && ok || fail "dpkg-deb -I: no Package line"
grep -q '^ Depends: .*libcurl4' "$tmp/info" && ok || fail "Depends lacks libcurl4: $(grep Depends "$tmp/info")"
dpkg-deb -e "$deb" "$tmp/control"
grep -qx '/etc/passrole-auditd/passrole-auditd.conf' "$tmp/control/conffiles" 2>/dev/null && ok ||
	fail "the config is not a conffile"
# Units are registered, not enabled (dh_installsystemd --no-enable: an
# upgrade re-enables only what the administrator had enabled), so a fresh
# install starts nothing: deb-systemd-invoke starts only enabled units.
for u in passrole-auditd.service passrole-auditd-oneshot.timer; do
	grep -q "deb-systemd-helper update-state '$u'" "$tmp/control/postinst" 2>/dev/null && ok ||
		fail "postinst does not register $u"
	grep -q "deb-systemd-helper debian-installed '$u'" "$tmp/control/postinst" && ok ||
		fail "postinst may enable $u on a fresh install"
done
grep -q 'was-enabled defaults to true' "$tmp/control/postinst" && fail "postinst enables units on install" || ok

# lintian: no error (warnings and notes are printed for the log).
lintian --fail-on error --tag-display-limit 0 "$tmp"/passrole-auditd_*.changes >"$tmp/lintian" 2>&1
rc=$?
cat "$tmp/lintian"
if [ "$rc" -eq 0 ] && ! grep -q '^E: ' "$tmp/lintian"; then ok; else fail "lintian reports errors (exit $rc)"; fi

echo "debian-package: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
