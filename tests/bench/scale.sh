#!/bin/sh
# make bench: the audit of a large organization (issue 11, "Scale"), read
# offline from a dump that tests/bench/scale-gen.py writes: N accounts of
# P principals each (see the generator for the shape), about 10 PassRole
# edges per principal.
#
# For each size NxP (SCALE_SIZES, default "10x1000 100x1000"; SCALE_FULL=1
# adds 1000x1000) it prints `name value` lines, with the target and PASS or
# MISS beside the figures that have one:
#
#   scale_accounts, scale_principals   N and N*P
#   scale_gen_s, scale_dump_mib        generating the dump: wall time, disk use
#   scale_edges                        edges of the first run (its JSON report)
#   scale_edges_per_principal
#   scale_complete                     the first run's "complete"
#   scale_cpu_s                        user+sys CPU of the first run (fresh
#                                      state directory); at 100x1000 the
#                                      target is <= 12x that of 10x1000
#   scale_peak_rss_mib                 its peak RSS; at 100x1000 <= 1.5x that
#                                      of 10x1000, at 1000x1000 <= 1 GiB
#   scale_state_bytes_per_edge         bytes in the state directory after the
#                                      first run / edges; <= 300
#   scale_rerun_cpu_ratio              CPU of a re-run on the same dump and
#                                      state / first run; <= 0.10
#   scale_change_cpu_ratio             CPU of a run after one customer managed
#                                      policy of one account changed
#                                      (scale-gen.py --change) / first run
#   scale_change_exit                  that run's exit status (2: it saw the
#                                      change)
#
# Each run is `passrole-auditd --audit-now --input DUMP --state-dir STATE
# --format json --changes-only` (and one re-run without --changes-only, for
# scale_report_cpu_s) under nice -n 10, measured with getrusage(RUSAGE_CHILDREN)
# of a Python parent that counts the report's edges as it streams by; exit
# status 0, 2 and 3 are runs that worked, anything else stops the bench with
# the run's standard error. Targets are reported, not asserted.
#
# The binary is $top_builddir/passrole-auditd (SCALE_BIN overrides it); a
# sanitizer build is not measured (configure without --enable-sanitizers).
# The dumps and state directories go to a temporary directory under
# SCALE_TMPDIR (default TMPDIR or /tmp), removed at the end: 100x1000 takes
# about 70 MB of dump (scale_dump_mib) plus the state the binary keeps,
# three runs of it; 1000x1000 ten times that.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
PY=${PYTHON3:-python3}
BIN=${SCALE_BIN:-$top_builddir/passrole-auditd}
SIZES=${SCALE_SIZES:-"10x1000 100x1000"}
if [ "${SCALE_FULL:-0}" = 1 ] && [ -z "${SCALE_SIZES:-}" ]; then
	SIZES="$SIZES 1000x1000"
fi
GEN="$top_srcdir/tests/bench/scale-gen.py"

if [ ! -x "$BIN" ]; then
	echo "scale: $BIN: no such program (run make first)" >&2
	exit 1
fi
# A sanitizer build links the ASan runtime: its figures would say nothing.
if grep -q __asan_init "$BIN"; then
	echo "scale: $BIN is a sanitizer build; configure without --enable-sanitizers (or set SCALE_BIN) to measure it" >&2
	echo "scale_skipped sanitizer-build"
	exit 0
fi

work=$(mktemp -d "${SCALE_TMPDIR:-${TMPDIR:-/tmp}}/scale-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
# Only what the run needs: no system config file, whatever it says.
printf 'log_level = "warning";\n' >"$work/pra.conf"

# measure NAME DUMP STATE|- [FLAGS...] (-: --no-state): run one audit; prints "cpu_s
# maxrss_kib edges complete rc" or fails naming the run and showing its
# standard error. The edges are the report's "counts" (so that a
# --changes-only run, which lists none, still says how many there are).
measure() {
	m_name=$1 m_dump=$2 m_state=$3
	shift 3
	if [ "$m_state" = - ]; then
		set -- --no-state "$@"
	else
		set -- --state-dir "$m_state" "$@"
	fi
	"$PY" - "$m_name" "$work/$m_name.err" nice -n 10 "$BIN" -c "$work/pra.conf" --audit-now \
		--input "$m_dump" --format json "$@" <<'PYEOF'
import re, resource, subprocess, sys

name, errpath, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
# Every edge object of the report, and only they, has this member (the
# first run is a baseline: no "changes" entries carry old or new edges).
token = b'"principal_type"'
edges, tail, head = 0, b"", b""
with open(errpath, "wb") as err:
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err)
    while True:
        chunk = p.stdout.read(1 << 20)
        if not chunk:
            break
        if len(head) < 4096:
            head += chunk[:4096]
        data = tail + chunk
        edges += data.count(token)
        # Keep what could be the start of a token cut by the chunk edge;
        # it cannot hold a whole token, so nothing is counted twice.
        tail = data[-(len(token) - 1):]
    rc = p.wait()
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
if rc not in (0, 2, 3):
    sys.stderr.write(f"scale: run {name} failed with exit status {rc}: {' '.join(cmd)}\n")
    sys.stderr.write(open(errpath, errors="replace").read()[-4000:])
    sys.exit(1)
m = re.search(rb'"complete":\s*(true|false)', head)
complete = m.group(1).decode() if m else "unknown"
# A report that lists the edges is counted above; one that does not
# (--changes-only) says how many in its counts.
m = re.search(rb'"counts":\s*\{[^}]*"edges":\s*(\d+)', head)
if m and not re.search(rb'"scope":\s*"all"', head):
    edges = int(m.group(1))
print(f"{ru.ru_utime + ru.ru_stime:.3f} {ru.ru_maxrss} {edges} {complete} {rc}")
PYEOF
}

# verdict VALUE LIMIT: PASS or MISS
verdict() {
	awk -v v="$1" -v l="$2" 'BEGIN { print (v + 0 <= l + 0) ? "PASS" : "MISS" }'
}

ref_cpu="" ref_rss=""
for size in $SIZES; do
	n=${size%%x*} p=${size#*x}
	case "$size" in
	[0-9]*x[0-9]*) ;;
	*) n=x ;;
	esac
	case "$n$p" in
	*[!0-9]*) echo "scale: SCALE_SIZES: \"$size\" is not NxP" >&2; exit 1 ;;
	esac
	dump="$work/dump-$size" state="$work/state-$size"

	t0=$(date +%s.%N)
	nice -n 10 "$PY" "$GEN" --accounts "$n" --principals "$p" --seed 1 --out "$dump"
	t1=$(date +%s.%N)
	dump_kib=$(du -sk "$dump" | cut -f1)

	# The audit's own cost, as the daemon and a job that wants the
	# changes run it (--changes-only): what the ratios compare. The
	# cost of listing every edge is measured apart (scale_report_cpu_s).
	out=$(measure "first-$size" "$dump" "$state" --changes-only)
	set -- $out
	cpu=$1 rss_kib=$2 edges=$3 complete=$4
	state_bytes=$("$PY" -c 'import os, sys
print(sum(os.lstat(os.path.join(d, f)).st_size for d, _, fs in os.walk(sys.argv[1]) for f in fs))' "$state")
	out=$(measure "rerun-$size" "$dump" "$state" --changes-only)
	set -- $out
	rerun_cpu=$1
	out=$(measure "report-$size" "$dump" "$state")
	set -- $out
	report_cpu=$1 report_rss_kib=$2 report_edges=$3
	"$PY" "$GEN" --accounts "$n" --principals "$p" --seed 1 --out "$dump" --change >/dev/null
	out=$(measure "change-$size" "$dump" "$state" --changes-only)
	set -- $out
	change_cpu=$1 change_rc=$5
	# The version 1 edge file, written and read back account by account.
	v1="$work/v1-$size.json"
	out=$(measure "write-$size" "$dump" - --changes-only --write-edges "$v1")
	set -- $out
	write_cpu=$1 write_rss_kib=$2
	v1_bytes=$(stat -c %s "$v1")
	out=$(measure "baseline-$size" "$dump" - --changes-only --baseline "$v1")
	set -- $out
	baseline_cpu=$1 baseline_rss_kib=$2 baseline_rc=$5
	rm -f "$v1"
	[ "$baseline_rc" = 0 ] || { echo "scale: --baseline of the same dump's --write-edges found changes (exit $baseline_rc)" >&2; exit 1; }

	rss_mib=$(awk -v k="$rss_kib" 'BEGIN { printf "%.1f", k / 1024 }')
	cpu_target="" rss_target=""
	if [ "$size" = 10x1000 ]; then
		ref_cpu=$cpu ref_rss=$rss_mib
	elif [ "$size" = 100x1000 ] && [ -n "$ref_cpu" ]; then
		lim=$(awk -v r="$ref_cpu" 'BEGIN { printf "%.2f", 12 * r }')
		cpu_target=" target<=$lim(12x10x1000) $(verdict "$cpu" "$lim")"
		lim=$(awk -v r="$ref_rss" 'BEGIN { printf "%.1f", 1.5 * r }')
		rss_target=" target<=$lim(1.5x10x1000) $(verdict "$rss_mib" "$lim")"
	elif [ "$size" = 1000x1000 ]; then
		rss_target=" target<=1024 $(verdict "$rss_mib" 1024)"
	fi
	echo "scale_accounts $n"
	echo "scale_principals $((n * p))"
	awk -v t0="$t0" -v t1="$t1" -v k="$dump_kib" 'BEGIN {
		printf "scale_gen_s %.1f\nscale_dump_mib %.1f\n", t1 - t0, k / 1024 }'
	echo "scale_edges $edges"
	awk -v e="$edges" -v n="$((n * p))" 'BEGIN { printf "scale_edges_per_principal %.2f\n", e / n }'
	echo "scale_complete $complete"
	echo "scale_cpu_s $cpu$cpu_target"
	echo "scale_peak_rss_mib $rss_mib$rss_target"
	if [ "$edges" -gt 0 ]; then
		bpe=$(awk -v b="$state_bytes" -v e="$edges" 'BEGIN { printf "%.0f", b / e }')
		echo "scale_state_bytes_per_edge $bpe target<=300 $(verdict "$bpe" 300)"
	else
		echo "scale_state_bytes_per_edge n/a (no edges)"
	fi
	ratio=$(awk -v f="$cpu" -v r="$rerun_cpu" 'BEGIN { printf "%.3f", (f > 0 ? r / f : 0) }')
	echo "scale_rerun_cpu_ratio $ratio target<=0.10 $(verdict "$ratio" 0.10)"
	awk -v f="$cpu" -v c="$change_cpu" 'BEGIN {
		printf "scale_change_cpu_ratio %.3f\n", (f > 0 ? c / f : 0) }'
	echo "scale_change_exit $change_rc"
	echo "scale_report_cpu_s $report_cpu (an unchanged re-run listing all $report_edges edges in JSON)"
	awk -v k="$report_rss_kib" 'BEGIN { printf "scale_report_peak_rss_mib %.1f\n", k / 1024 }'
	[ "$report_edges" = "$edges" ] || { echo "scale: the full report lists $report_edges edges, the counts say $edges" >&2; exit 1; }
	awk -v c="$write_cpu" -v k="$write_rss_kib" -v b="$v1_bytes" 'BEGIN {
		printf "scale_write_edges_cpu_s %.3f\nscale_write_edges_peak_rss_mib %.1f (a %.1f MiB file)\n", c, k / 1024, b / 1048576 }'
	awk -v c="$baseline_cpu" -v k="$baseline_rss_kib" 'BEGIN {
		printf "scale_baseline_cpu_s %.3f\nscale_baseline_peak_rss_mib %.1f\n", c, k / 1024 }'
	rm -rf "$dump" "$state"
done
