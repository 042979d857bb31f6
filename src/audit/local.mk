# src/audit: privileged roles, PassRole edges, state and diff (issue 6).
noinst_LIBRARIES += libpra_audit.a
PRA_LIBS += libpra_audit.a
libpra_audit_a_SOURCES = \
	src/audit/edge.c src/audit/edge.h

# ---- helper "state": edge JSON, state directory, diff, report, audit run ----
libpra_audit_a_SOURCES += \
	src/audit/edgejson.c src/audit/edgejson.h \
	src/audit/edgestream.c src/audit/edgestream.h \
	src/audit/edgepack.c src/audit/edgepack.h \
	src/audit/fingerprint.c src/audit/fingerprint.h \
	src/audit/state.c src/audit/state.h \
	src/audit/diff.c src/audit/diff.h \
	src/audit/report.c src/audit/report.h \
	src/audit/reporttext.c src/audit/reporttext.h \
	src/audit/run.c src/audit/run.h

# Unit tests of the above; edge_testlib.h builds edge sets by hand.
check_PROGRAMS += tests/unit/check_edgejson tests/unit/check_diff tests/unit/check_state \
	tests/unit/check_report
TESTS += tests/unit/check_edgejson tests/unit/check_diff tests/unit/check_state \
	tests/unit/check_report
EXTRA_DIST += tests/unit/edge_testlib.h
tests_unit_check_edgejson_SOURCES = tests/unit/check_edgejson.c
tests_unit_check_edgejson_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_edgejson_LDADD = $(CHECK_LDADD_ALL)
tests_unit_check_diff_SOURCES = tests/unit/check_diff.c
tests_unit_check_diff_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_diff_LDADD = $(CHECK_LDADD_ALL)
tests_unit_check_state_SOURCES = tests/unit/check_state.c
tests_unit_check_state_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_state_LDADD = $(CHECK_LDADD_ALL)
tests_unit_check_report_SOURCES = tests/unit/check_report.c
tests_unit_check_report_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_report_LDADD = $(CHECK_LDADD_ALL)

# Crash safety: a writer killed with SIGKILL at random moments, >= 50 times.
check_PROGRAMS += tests/tools/state-writer
tests_tools_state_writer_SOURCES = tests/tools/state-writer.c
tests_tools_state_writer_LDADD = $(PRA_LIBS) $(DEPS_LIBS)
TESTS += tests/integration/state-kill9.sh
EXTRA_DIST += tests/integration/state-kill9.sh

# --audit-now, --list-privileged, --explain against the emulator's demo
# organization; skips (77) until the audit and the collectors are merged.
TESTS += tests/integration/audit-now.sh
EXTRA_DIST += tests/integration/audit-now.sh
# ---- end helper "state" ----

# --- audit helper: evaluation (privileged roles, edges, endpoint caveats,
# transitive paths, explain), its data files, tests and benchmark ---
libpra_audit_a_SOURCES += \
	src/audit/audit.c src/audit/audit.h src/audit/audit_int.h \
	src/audit/model.c src/audit/privileged.c src/audit/privileged.h \
	src/audit/paths.c src/audit/paths.h src/audit/auditexplain.c \
	src/audit/privesc.def src/audit/services.def \
	src/audit/sinks.c src/audit/sinks.h src/audit/sinks.def \
	src/audit/usable.c src/audit/usable.h
dist_man_MANS += man/passrole-auditd-privileged.7

check_PROGRAMS += tests/unit/check_audit
tests_unit_check_audit_SOURCES = tests/unit/check_audit.c tests/unit/snapbuild.c \
	tests/unit/snapbuild.h
tests_unit_check_audit_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_audit_LDADD = $(CHECK_LDADD_ALL)
TESTS += tests/unit/check_audit

# The sinks data file against services.def and the pathfinding.cloud
# catalogue (tests/data/passrole-paths, Apache-2.0, notice in its README).
check_PROGRAMS += tests/unit/check_sinks
tests_unit_check_sinks_SOURCES = tests/unit/check_sinks.c
tests_unit_check_sinks_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_sinks_LDADD = $(CHECK_LDADD_ALL)
TESTS += tests/unit/check_sinks
EXTRA_DIST += tests/data/passrole-paths

# Generated snapshots against golden edge files (tests/data/audit-gen).
check_PROGRAMS += tests/unit/check_auditgen
tests_unit_check_auditgen_SOURCES = tests/unit/check_auditgen.c tests/unit/snapbuild.c \
	tests/unit/snapbuild.h tests/unit/snapgen.c tests/unit/snapgen.h
tests_unit_check_auditgen_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_auditgen_LDADD = $(CHECK_LDADD_ALL)
TESTS += tests/unit/check_auditgen
EXTRA_DIST += tests/data/audit-gen

check_PROGRAMS += tests/bench/audit-bench
tests_bench_audit_bench_SOURCES = tests/bench/audit-bench.c tests/unit/snapbuild.c \
	tests/unit/snapbuild.h tests/unit/snapgen.c tests/unit/snapgen.h
tests_bench_audit_bench_LDADD = $(PRA_LIBS) $(DEPS_LIBS)
PRA_BENCHES += tests/bench/audit.sh
EXTRA_DIST += tests/bench/audit.sh
# The daemon's resident size between audits.
check_PROGRAMS += tests/bench/daemon-rss
tests_bench_daemon_rss_SOURCES = tests/bench/daemon-rss.c
tests_bench_daemon_rss_LDADD = $(PRA_LIBS) $(DEPS_LIBS)
PRA_BENCHES += tests/bench/daemon-rss.sh
EXTRA_DIST += tests/bench/daemon-rss.sh
# --- end audit helper ---

# --- demo helper: the bundled demo organization (examples/demo-org), its
# config, the quick-start script and their end-to-end test ---
TESTS += tests/integration/demo.sh
EXTRA_DIST += tests/integration/demo.sh examples/demo-org
dist_noinst_SCRIPTS += scripts/demo
# --- end demo helper ---

# --- causes (issue 12): which input change explains each change ---
libpra_audit_a_SOURCES += src/audit/cause.c src/audit/cause.h
check_PROGRAMS += tests/unit/check_cause
tests_unit_check_cause_SOURCES = tests/unit/check_cause.c tests/unit/snapbuild.c \
	tests/unit/snapbuild.h
tests_unit_check_cause_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_cause_LDADD = $(CHECK_LDADD_ALL)
TESTS += tests/unit/check_cause
# --- end causes ---
