#!/bin/sh
# scripts/install-deps installs what building, running and the demo need by
# default, and the test tools only with --test; scripts/demo asks for the
# former, scripts/check (CI) for the latter; the Debian package's
# Build-Depends are all in the default set. The lists are read from what
# the script would install on a machine with nothing (a dpkg-query that
# finds no package, a non-root id, so nothing is installed).
set -u
: "${top_srcdir:?}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pra-deps.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
passes=0
ok() { passes=$((passes + 1)); }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

mkdir "$tmp/bin"
printf '#!/bin/sh\nexit 1\n' >"$tmp/bin/dpkg-query"
printf '#!/bin/sh\necho 1000\n' >"$tmp/bin/id"
chmod 755 "$tmp/bin"/*
# Nothing else on PATH: no node or npm found beside the packages either.
for t in sed grep tr; do ln -s "$(command -v "$t")" "$tmp/bin/$t"; done
# wanted [--test]: the packages install-deps would install, one a line.
wanted() {
	PATH="$tmp/bin" /bin/sh "$top_srcdir/scripts/install-deps" "$@" 2>&1 >/dev/null |
		sed -n 's/^install-deps: missing: *\(.*\); run as root.*/\1/p' | tr ' ' '\n' | sed '/^$/d' | sort
}
wanted >"$tmp/default"
wanted --test >"$tmp/test"
[ -s "$tmp/default" ] && ok || fail "install-deps listed nothing"
for p in gcc libcurl4-openssl-dev libssl-dev libcjson-dev libconfig-dev libexpat1-dev check \
	python3-botocore; do
	grep -qx "$p" "$tmp/default" && ok || fail "default set lacks $p"
done
for p in clang valgrind nodejs npm awscli debhelper lintian mandoc; do
	grep -qx "$p" "$tmp/default" && fail "default set has the test tool $p" || ok
	grep -qx "$p" "$tmp/test" && ok || fail "--test set lacks $p"
done
comm -23 "$tmp/default" "$tmp/test" >"$tmp/lost"
[ ! -s "$tmp/lost" ] && ok || fail "--test drops: $(cat "$tmp/lost")"
PATH="$tmp/bin" /bin/sh "$top_srcdir/scripts/install-deps" --bogus >/dev/null 2>&1
[ $? -eq 64 ] && ok || fail "a bad option is not a usage error"

# Build-Depends of debian/control (debhelper-compat aside) are in the default set.
sed -n '/^Build-Depends:/,/^[A-Z]/p' "$top_srcdir/debian/control" | sed '$d' |
	sed 's/^Build-Depends://' | tr ',' '\n' | sed 's/(.*//; s/^[[:space:]]*//; s/[[:space:]]*$//' |
	sed '/^$/d; /^debhelper-compat$/d' >"$tmp/bdeps"
[ -s "$tmp/bdeps" ] && ok || fail "no Build-Depends read"
while read -r p; do
	grep -qx "$p" "$tmp/default" && ok || fail "Build-Depends $p is not in install-deps' default set"
done <"$tmp/bdeps"

grep -qE '^[[:space:]]*(sudo )?scripts/install-deps --test$' "$top_srcdir/scripts/check" && ok ||
	fail "scripts/check does not install the test tools"
grep -E '^[[:space:]]*(sudo )?scripts/install-deps' "$top_srcdir/scripts/demo" | grep -q -- '--test' &&
	fail "scripts/demo installs the test tools" || ok

echo "install-deps: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
