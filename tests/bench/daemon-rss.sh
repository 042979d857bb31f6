#!/bin/sh
# make bench: the daemon's resident size after an audit (issue 11, point
# 6). tests/bench/daemon-rss runs audit_run() on a generated organization
# (scale-gen.py, DAEMON_RSS_SIZE accounts x principals, default 20x1000)
# three times with one state directory, as the daemon's work function
# does (the same call, then malloc_trim): a first audit, an unchanged one,
# one with a policy changed in one account.
#
# Prints, in MiB: daemon_rss_idle_mib (before the first audit),
# daemon_rss_peak_mib, daemon_rss_after_mib (the largest of the three
# after their trim) with the target after <= idle + 10% of (peak - idle):
# what a run takes is handed back. Measure in a build configured without
# --enable-sanitizers.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
PY=${PYTHON3:-python3}
BIN="$top_builddir/tests/bench/daemon-rss"
SIZE=${DAEMON_RSS_SIZE:-20x1000}
n=${SIZE%%x*} p=${SIZE#*x}

if grep -q __asan_init "$BIN" 2>/dev/null; then
	echo "daemon-rss: a sanitizer build; configure without --enable-sanitizers to measure"
	echo "daemon_rss_skipped sanitizer-build"
	exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/daemon-rss.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
printf 'log_level = "warning";\n' >"$work/pra.conf"
"$PY" "$top_srcdir/tests/bench/scale-gen.py" --accounts "$n" --principals "$p" --seed 1 \
	--out "$work/dump"
cp -r "$work/dump" "$work/dump-changed"
"$PY" "$top_srcdir/tests/bench/scale-gen.py" --accounts "$n" --principals "$p" --seed 1 \
	--out "$work/dump-changed" --change >/dev/null
mkdir -m 700 "$work/state"
"$BIN" "$work/pra.conf" "$work/dump" "$work/state" 3 "$work/dump-changed" >"$work/out"
cat "$work/out"
awk '
/^daemon_rss_idle_kib/ { idle = $2 }
/^daemon_rss_peak_kib/ { peak = $2 }
/^daemon_rss_after_[0-9]+_kib/ { if ($2 > after) after = $2 }
END {
	lim = idle + 0.10 * (peak - idle)
	printf "daemon_rss_idle_mib %.1f\n", idle / 1024
	printf "daemon_rss_peak_mib %.1f\n", peak / 1024
	printf "daemon_rss_after_mib %.1f target<=%.1f(idle+10%%) %s\n", after / 1024, lim / 1024,
	    after <= lim ? "PASS" : "MISS"
}' "$work/out"
