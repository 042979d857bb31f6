# Differential tests against @cloud-copilot/iam-simulate, fuzzing and policy benchmarks.
#
# tests/diff/run.sh needs node and npm (scripts/install-deps) and installs the
# pinned oracle (package-lock.json) into the build tree's tests/diff.
TESTS += tests/diff/run.sh tests/diff/regress.sh
EXTRA_DIST += tests/diff/run.sh tests/diff/regress.sh tests/diff/install.sh \
	tests/diff/gen.js tests/diff/oracle.js tests/diff/compare.js tests/diff/unknown.js \
	tests/diff/package.json tests/diff/package-lock.json tests/diff/README.md \
	tests/data/diff

clean-local: clean-local-diff
clean-local-diff:
	-rm -rf tests/diff/out tests/diff/node_modules
	-test "$(srcdir)" = . || rm -f tests/diff/package.json tests/diff/package-lock.json
.PHONY: clean-local-diff

# libFuzzer targets (tests/fuzz/build.sh builds them with clang, outside
# automake, from the sources they need); run.sh fuzzes each for FUZZ_SECONDS.
TESTS += tests/fuzz/run.sh
EXTRA_DIST += tests/fuzz/run.sh tests/fuzz/build.sh tests/fuzz/fuzz_policy.c \
	tests/fuzz/fuzz_eval.c tests/fuzz/iam.dict tests/fuzz/corpus

clean-local-diff: clean-local-fuzz
clean-local-fuzz:
	-rm -rf tests/fuzz/obj tests/fuzz/work-policy tests/fuzz/work-eval tests/fuzz/artifacts
	-rm -f tests/fuzz/fuzz_policy tests/fuzz/fuzz_eval tests/fuzz/fuzz_policy.log tests/fuzz/fuzz_eval.log
.PHONY: clean-local-fuzz

# make bench: the engine and iam-simulate on the same generated PassRole mix.
PRA_BENCHES += tests/bench/policy-mix.sh
EXTRA_DIST += tests/bench/policy-mix.sh tests/bench/gen-mix.js tests/bench/iam-simulate-bench.js
