# Differential tests against @cloud-copilot/iam-simulate and policy benchmarks
# (the fuzz targets are in tests/fuzz/local.mk).
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

# make bench: the engine and iam-simulate on the same generated PassRole mix.
PRA_BENCHES += tests/bench/policy-mix.sh
EXTRA_DIST += tests/bench/policy-mix.sh tests/bench/gen-mix.js tests/bench/iam-simulate-bench.js
