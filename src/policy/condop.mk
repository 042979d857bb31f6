# Condition operators of the policy language.
libpra_policy_a_SOURCES += src/policy/condop.c src/policy/condop.h

# The operator table. Linked with malloc/calloc/realloc wrapped so the test
# can prove that evaluation never allocates (see test_eval_never_allocates).
check_PROGRAMS += tests/unit/check_condop
tests_unit_check_condop_SOURCES = tests/unit/check_condop.c
tests_unit_check_condop_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_condop_LDFLAGS = $(AM_LDFLAGS) -Wl,--wrap=malloc -Wl,--wrap=calloc -Wl,--wrap=realloc
tests_unit_check_condop_LDADD = $(CHECK_LDADD_ALL)
TESTS += tests/unit/check_condop

# make bench: condition evaluations per second over a realistic mix.
check_PROGRAMS += tests/bench/condop_bench
tests_bench_condop_bench_SOURCES = tests/bench/condop_bench.c
tests_bench_condop_bench_LDADD = $(PRA_LIBS) $(DEPS_LIBS)
EXTRA_DIST += tests/bench/condop-bench.sh
PRA_BENCHES += tests/bench/condop-bench.sh
