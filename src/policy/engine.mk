# Policy parsing, matching, variables, evaluation chain and explanations.
libpra_policy_a_SOURCES += \
	src/policy/arena.c src/policy/arena.h \
	src/policy/strhead.c src/policy/strhead.h \
	src/policy/policy.c src/policy/policy.h \
	src/policy/ctx.c src/policy/ctx.h \
	src/policy/pvar.c src/policy/pvar.h \
	src/policy/formula.c src/policy/formula.h \
	src/policy/eval.c src/policy/eval.h \
	src/policy/explain.c src/policy/explain.h \
	src/policy/evalcmd.c src/policy/evalcmd.h

check_PROGRAMS += tests/unit/check_policy
tests_unit_check_policy_SOURCES = tests/unit/check_policy.c
tests_unit_check_policy_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_policy_LDADD = $(CHECK_LDADD_ALL)
TESTS += tests/unit/check_policy

check_PROGRAMS += tests/unit/check_eval
tests_unit_check_eval_SOURCES = tests/unit/check_eval.c
tests_unit_check_eval_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_eval_LDADD = $(CHECK_LDADD_ALL)
TESTS += tests/unit/check_eval

TESTS += tests/integration/policy-tricky.sh tests/integration/policy-evalcmd.sh \
	tests/integration/policy-fastpath.sh
EXTRA_DIST += tests/integration/policy-tricky.sh tests/integration/policy-evalcmd.sh \
	tests/integration/policy-fastpath.sh \
	tests/data/policy

dist_man_MANS += man/passrole-auditd-eval.5

# Benchmark: decisions per second for a realistic principal (make bench).
check_PROGRAMS += tests/bench/policy-bench
tests_bench_policy_bench_SOURCES = tests/bench/policy-bench.c
tests_bench_policy_bench_LDADD = $(PRA_LIBS) $(DEPS_LIBS)
PRA_BENCHES += tests/bench/policy-bench.sh
EXTRA_DIST += tests/bench/policy-bench.sh tests/bench/policy-bench-gen.py
