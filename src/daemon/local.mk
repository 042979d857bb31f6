# src/daemon: the audit loop, signals, config reload and the systemd
# notification protocol (issue 7).
noinst_LIBRARIES += libpra_daemon.a
PRA_LIBS += libpra_daemon.a
libpra_daemon_a_SOURCES = \
	src/daemon/daemon.c src/daemon/daemon.h \
	src/daemon/sdnotify.c src/daemon/sdnotify.h

check_PROGRAMS += tests/unit/check_sdnotify tests/unit/check_daemon
tests_unit_check_sdnotify_SOURCES = tests/unit/check_sdnotify.c
tests_unit_check_sdnotify_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_sdnotify_LDADD = $(CHECK_LDADD_ALL)
tests_unit_check_daemon_SOURCES = tests/unit/check_daemon.c
tests_unit_check_daemon_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_daemon_LDADD = $(CHECK_LDADD_ALL) -lpthread
TESTS += tests/unit/check_sdnotify tests/unit/check_daemon

# The real daemon under signals, with a notification socket (issue 7).
TESTS += tests/integration/daemon-signals.sh
EXTRA_DIST += tests/integration/daemon-signals.sh

# The real daemon end to end against the emulator, a webhook receiver and a
# syslog socket: alerts exactly once, SIGTERM mid-audit, outages and restarts;
# and kill -9 during audits (issue 7, Proof).
TESTS += tests/integration/daemon-e2e.sh tests/integration/daemon-kill9.sh
EXTRA_DIST += tests/integration/daemon-e2e.sh tests/integration/daemon-kill9.sh \
	tests/data/scenarios/e2e-base.json tests/data/scenarios/e2e-changed.json

# No change without its alert: a manual --audit-now between the daemon's
# audits, the outbox lock, --no-alerts, the one-shot unit (issue 12).
TESTS += tests/integration/alerts-manual.sh
EXTRA_DIST += tests/integration/alerts-manual.sh
