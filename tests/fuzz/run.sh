#!/bin/sh
# Build the fuzz targets and run each for FUZZ_SECONDS (default 20) from the
# seed corpus with the dictionary, leak detection on and a 2 GB RSS limit.
# Any crash, leak, timeout or RSS overflow fails the test; the reproducer is
# left in tests/fuzz/artifacts/ of the build tree. For a longer run:
#   FUZZ_SECONDS=3600 make check TESTS=tests/fuzz/run.sh
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
secs=${FUZZ_SECONDS:-20}
src="$top_srcdir/tests/fuzz"
out="$top_builddir/tests/fuzz"

if ! command -v "${CLANG:-clang}" >/dev/null 2>&1; then
	echo "fuzz: clang is needed (Debian packages clang libclang-rt-14-dev; scripts/install-deps)"
	exit 77
fi
sh "$src/build.sh" "$out" || { echo "fuzz: build failed"; exit 1; }

rc=0
for t in policy eval gaad; do
	dict="$src/iam.dict"
	[ -f "$src/$t.dict" ] && dict="$src/$t.dict"
	work="$out/work-$t"
	rm -rf "$work"
	mkdir -p "$work/corpus" "$out/artifacts"
	cp "$src/corpus/$t"/* "$work/corpus/"
	chmod -R u+w "$work/corpus"  # a distcheck source tree is read-only
	# abort_on_error: ASan reports end in abort(), which libFuzzer turns
	# into a crash artifact.
	ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:allocator_may_return_null=1" \
	UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
	"$out/fuzz_$t" -max_total_time="$secs" -rss_limit_mb=2048 -detect_leaks=1 -timeout=10 \
		-max_len=16384 -dict="$dict" -artifact_prefix="$out/artifacts/$t-" \
		-print_final_stats=1 "$work/corpus" >"$out/fuzz_$t.log" 2>&1
	r=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz_$t.log")
	cov=$(grep -o 'cov: [0-9]*' "$out/fuzz_$t.log" | tail -1)
	echo "fuzz_$t: ${secs}s, ${runs:-?} runs, ${cov:-no coverage line}, exit $r"
	if [ "$r" -ne 0 ]; then
		grep -E 'ERROR|SUMMARY|Test unit written|==[0-9]+==' "$out/fuzz_$t.log" | head -20
		rc=1
	fi
done
exit $rc
