# src/audit: privileged roles, PassRole edges, state and diff (issue 6).
noinst_LIBRARIES += libpra_audit.a
PRA_LIBS += libpra_audit.a
libpra_audit_a_SOURCES = \
	src/audit/edge.c src/audit/edge.h

# --- audit helper: evaluation (privileged roles, edges, endpoint caveats,
# transitive paths, explain), its data files, tests and benchmark ---
libpra_audit_a_SOURCES += \
	src/audit/audit.c src/audit/audit.h src/audit/audit_int.h \
	src/audit/model.c src/audit/privileged.c src/audit/privileged.h \
	src/audit/paths.c src/audit/paths.h src/audit/auditexplain.c \
	src/audit/privesc.def src/audit/services.def
dist_man_MANS += man/passrole-auditd-privileged.7

check_PROGRAMS += tests/unit/check_audit
tests_unit_check_audit_SOURCES = tests/unit/check_audit.c tests/unit/snapbuild.c \
	tests/unit/snapbuild.h
tests_unit_check_audit_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_audit_LDADD = $(CHECK_LDADD_ALL)
TESTS += tests/unit/check_audit

check_PROGRAMS += tests/bench/audit-bench
tests_bench_audit_bench_SOURCES = tests/bench/audit-bench.c tests/unit/snapbuild.c \
	tests/unit/snapbuild.h
tests_bench_audit_bench_LDADD = $(PRA_LIBS) $(DEPS_LIBS)
PRA_BENCHES += tests/bench/audit.sh
EXTRA_DIST += tests/bench/audit.sh
# --- end audit helper ---
