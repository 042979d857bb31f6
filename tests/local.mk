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
include tests/sigv4x.mk

# scale: the benchmark of a large organization read offline (issue 11), its
# dump generator, and the check that keeps the generator working.
PRA_BENCHES += tests/bench/scale.sh
EXTRA_DIST += tests/bench/scale.sh tests/bench/scale-gen.py
TESTS += tests/integration/scale-gen.sh tests/integration/incremental.sh
EXTRA_DIST += tests/integration/scale-gen.sh tests/integration/incremental.sh
