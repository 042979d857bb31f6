#!/bin/sh
# Install the pinned differential-test oracle (@cloud-copilot/iam-simulate,
# tests/diff/package-lock.json) into DIR/node_modules with `npm ci`, unless
# it is already there at the locked versions. Used by run.sh and the
# iam-simulate benchmark. Usage: install.sh SRCDIR DIR
set -eu
src=$1 dir=$2
mkdir -p "$dir"
stamp="$dir/node_modules/.pra-lock-stamp"
if [ -f "$stamp" ] && cmp -s "$stamp" "$src/package-lock.json"; then
	exit 0
fi
if [ "$(cd "$src" && pwd)" != "$(cd "$dir" && pwd)" ]; then
	cp "$src/package.json" "$src/package-lock.json" "$dir/"
	chmod u+w "$dir/package.json" "$dir/package-lock.json"
fi
# npm ci removes node_modules first and installs exactly the lock file.
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
cp "$src/package-lock.json" "$stamp"
