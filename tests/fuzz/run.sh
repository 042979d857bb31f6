#!/bin/sh
# Build the fuzz targets, replay each one's seed corpus and fuzz it for
# FUZZ_SECONDS (default 4, so that the 16 targets stay near 90 s in all) with
# its dictionary, leak detection on and a 2 GB RSS limit; then run once each
# input of limits/TARGET/, those that reach the parser's size and count
# limits (too slow to be fuzzed from: a 1 MiB file
# per execution). Any crash, leak, timeout or RSS overflow fails the test; the
# reproducer is left in tests/fuzz/artifacts/ of the build tree. One line per
# target: seconds, executions, final coverage, exit status.
#   make fuzz FUZZ_SECONDS=600                 all targets, longer
#   make fuzz FUZZ_TARGETS="ini conf" FUZZ_RUNS=1000000    some, to a count
# FUZZ_OUT: where to build and work (default tests/fuzz of the build tree).
# Without clang the test is skipped, except in CI (CI=true), where that is a
# failure: the fuzz targets must not silently stop running there.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
secs=${FUZZ_SECONDS:-4}
# FUZZ_LEAKS=0: leak detection off while fuzzing (limits/ keep it, and so
# do make check's short runs, which use the default). For long runs of a target whose library leaks on
# most inputs (conf: libconfig 1.5, see lsan.supp), where each leak makes
# LeakSanitizer scan the heap and the run goes 6x slower.
leaks=${FUZZ_LEAKS:-1}
src="$top_srcdir/tests/fuzz"
out=${FUZZ_OUT:-"$top_builddir/tests/fuzz"}
FUZZ_TARGETS=${FUZZ_TARGETS:-$(cat "$top_srcdir/tests/fuzz/targets")}
export FUZZ_TARGETS

if ! command -v "${CLANG:-clang}" >/dev/null 2>&1; then
	echo "fuzz: clang is needed (Debian packages clang libclang-rt-14-dev; scripts/install-deps)"
	[ "${CI:-}" = true ] && { echo "fuzz: CI=true: failing instead of skipping"; exit 1; }
	exit 77
fi
sh "$src/build.sh" "$out" || { echo "fuzz: build failed"; exit 1; }

rc=0
for t in $FUZZ_TARGETS; do
	# -max_len: above each parser's own size limits where libFuzzer can get
	# there (larger ones are reached by "\0REPEAT N" seeds, fuzzutil.h).
	case $t in
	policy|eval) dict=iam.dict; maxlen=16384 ;;
	gaad|snapjson) dict=$t.dict; maxlen=16384 ;;
	snapfile) dict=snapjson.dict; maxlen=16384 ;;
	orgjson|jsonproto) dict=org.dict; maxlen=16384 ;;
	offline) dict=org.dict; maxlen=131072 ;;
	ec2|awserr) dict=xml.dict; maxlen=16384 ;;
	sts) dict=xml.dict; maxlen=70000 ;;
	creds) dict=creds.dict; maxlen=70000 ;;
	ini) dict=ini.dict; maxlen=65536 ;;
	conf) dict=conf.dict; maxlen=65536 ;;
	edgejson|edgepack|state|edgestream) dict=edges.dict; maxlen=16384 ;;
	outbox) dict=outbox.dict; maxlen=65536 ;;
	evalbatch) dict=iam.dict; maxlen=200000 ;;
	*) echo "fuzz: unknown target $t"; rc=1; continue ;;
	esac
	work="$out/work-$t"
	rm -rf "$work"
	mkdir -p "$work/corpus" "$out/artifacts"
	cp "$src/corpus/$t"/* "$work/corpus/"
	chmod -R u+w "$work/corpus"  # a distcheck source tree is read-only
	runs_opt=
	[ -n "${FUZZ_RUNS:-}" ] && runs_opt="-runs=$FUZZ_RUNS"
	# abort_on_error: ASan reports end in abort(), which libFuzzer turns
	# into a crash artifact.
	start=$(date +%s)
	# shellcheck disable=SC2086
	ASAN_OPTIONS="detect_leaks=$leaks:abort_on_error=1:allocator_may_return_null=1" \
	LSAN_OPTIONS="suppressions=$src/lsan.supp" \
	UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
	"$out/fuzz_$t" -max_total_time="$secs" $runs_opt -rss_limit_mb=2048 -malloc_limit_mb=2048 \
		-detect_leaks=$leaks -timeout=20 -max_len="$maxlen" -dict="$src/$dict" \
		-artifact_prefix="$out/artifacts/$t-" -print_final_stats=1 \
		"$work/corpus" >"$out/fuzz_$t.log" 2>&1
	r=$?
	took=$(($(date +%s) - start))
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz_$t.log")
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$out/fuzz_$t.log" | tail -1)
	limits=
	# Given files (never an empty list: that would fuzz without end),
	# libFuzzer runs each once.
	set -- "$src/limits/$t"/*
	if [ "$r" -eq 0 ] && [ -f "$1" ]; then
		ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:allocator_may_return_null=1" \
		LSAN_OPTIONS="suppressions=$src/lsan.supp" \
		UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
		"$out/fuzz_$t" -rss_limit_mb=2048 -malloc_limit_mb=2048 -detect_leaks=1 \
			-timeout=60 "$@" >"$out/fuzz_$t.limits.log" 2>&1
		r=$?
		limits=", $# limit inputs"
		[ "$r" -eq 0 ] || cat "$out/fuzz_$t.limits.log" >>"$out/fuzz_$t.log"
	fi
	echo "fuzz_$t: ${took}s, ${runs:-?} runs, ${cov:-no coverage line}${limits}, exit $r"
	if [ "$r" -ne 0 ]; then
		grep -E 'ERROR|SUMMARY|Test unit written|==[0-9]+==|Running:' "$out/fuzz_$t.log" | tail -20
		rc=1
	fi
done
exit $rc
