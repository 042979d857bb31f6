# tests: unit tests of the core modules and the shared test helpers.
# The main() every Check suite shares (header-only).
EXTRA_DIST += tests/unit/checkmain.h
check_PROGRAMS += tests/unit/check_core
tests_unit_check_core_SOURCES = tests/unit/check_core.c
tests_unit_check_core_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_core_LDADD = $(CHECK_LDADD_ALL)
TESTS += tests/unit/check_core

check_PROGRAMS += tests/unit/check_match
tests_unit_check_match_SOURCES = tests/unit/check_match.c
tests_unit_check_match_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_match_LDADD = $(CHECK_LDADD_ALL)
TESTS += tests/unit/check_match

# cli: the command line and the config schema.
check_PROGRAMS += tests/unit/check_cli
tests_unit_check_cli_SOURCES = tests/unit/check_cli.c
tests_unit_check_cli_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_cli_LDADD = $(CHECK_LDADD_ALL)
TESTS += tests/unit/check_cli

check_PROGRAMS += tests/unit/check_config
tests_unit_check_config_SOURCES = tests/unit/check_config.c
tests_unit_check_config_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_config_LDADD = $(CHECK_LDADD_ALL)
TESTS += tests/unit/check_config

TESTS += tests/integration/cli.sh tests/integration/config-docs.sh
EXTRA_DIST += tests/integration/cli.sh tests/integration/config-docs.sh
EXTRA_DIST += tests/tools/conf-flatten.awk
include tests/sigv4x.mk

# scale: the benchmark of a large organization read offline (issue 11), its
# dump generator, and the check that keeps the generator working.
PRA_BENCHES += tests/bench/scale.sh
EXTRA_DIST += tests/bench/scale.sh tests/bench/scale-gen.py
TESTS += tests/integration/scale-gen.sh tests/integration/incremental.sh tests/integration/untrusted-text.sh
EXTRA_DIST += tests/integration/scale-gen.sh tests/integration/incremental.sh tests/integration/untrusted-text.sh

# valgrind.sh: the program's modes and one daemon cycle under valgrind,
# which cannot run an ASan build. With --enable-sanitizers, check also
# builds a plain copy of the program from the same sources, without the
# sanitizer flags (AM_CFLAGS and AM_LDFLAGS are replaced, not added to);
# otherwise valgrind.sh runs the program itself. A new library's sources
# belong in this list too.
if SANITIZERS
check_PROGRAMS += tests/valgrind/passrole-auditd-plain
tests_valgrind_passrole_auditd_plain_SOURCES = $(passrole_auditd_SOURCES) \
	$(libpra_daemon_a_SOURCES) $(libpra_alert_a_SOURCES) $(libpra_audit_a_SOURCES) \
	$(libpra_collect_a_SOURCES) $(libpra_policy_a_SOURCES) $(libpra_aws_a_SOURCES) \
	$(libpra_core_a_SOURCES)
tests_valgrind_passrole_auditd_plain_CFLAGS = $(WARN_CFLAGS) \
	$(CURL_CFLAGS) $(CRYPTO_CFLAGS) $(CJSON_CFLAGS) $(LIBCONFIG_CFLAGS) $(EXPAT_CFLAGS)
tests_valgrind_passrole_auditd_plain_LDFLAGS =
tests_valgrind_passrole_auditd_plain_LDADD = $(DEPS_LIBS)
endif
TESTS += tests/integration/valgrind.sh
EXTRA_DIST += tests/integration/valgrind.sh
