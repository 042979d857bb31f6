# src/alert: alerts made from audit diffs, the durable outbox, and the
# syslog and webhook sinks (issue 7).
noinst_LIBRARIES += libpra_alert.a
PRA_LIBS += libpra_alert.a
libpra_alert_a_SOURCES = \
	src/alert/alert.c src/alert/alert.h \
	src/alert/risk.c src/alert/risk.h \
	src/alert/group.c src/alert/group.h \
	src/alert/outbox.c src/alert/outbox.h \
	src/alert/syslog_sink.c src/alert/syslog_sink.h \
	src/alert/webhook.c src/alert/webhook.h \
	src/alert/deliver.c

# alert-tool: enqueue a run's alerts from a JSON diff fixture and deliver
# them, as the daemon does, for the shell tests. Its own copy of fileio.c
# carries the save hooks outbox-kill9.sh traces and stops at (see fileio.c);
# the archive's copy is then never linked in.
check_PROGRAMS += tests/tools/alert-tool
tests_tools_alert_tool_SOURCES = tests/tools/alert-tool.c src/util/fileio.c
tests_tools_alert_tool_CPPFLAGS = $(AM_CPPFLAGS) -DPRA_TEST_HOOKS
tests_tools_alert_tool_LDADD = $(PRA_LIBS) $(DEPS_LIBS)

check_PROGRAMS += tests/unit/check_alert tests/unit/check_outbox
tests_unit_check_alert_SOURCES = tests/unit/check_alert.c
tests_unit_check_alert_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_alert_LDADD = $(CHECK_LDADD_ALL)
tests_unit_check_outbox_SOURCES = tests/unit/check_outbox.c tests/unit/testserver.c tests/unit/testserver.h
tests_unit_check_outbox_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_outbox_LDADD = $(CHECK_LDADD_ALL)
TESTS += tests/unit/check_alert tests/unit/check_outbox

ALERT_SHELL_TESTS = \
	tests/integration/alert-webhook.sh \
	tests/integration/syslog-sink.sh \
	tests/integration/outbox-kill9.sh
TESTS += $(ALERT_SHELL_TESTS)
EXTRA_DIST += $(ALERT_SHELL_TESTS) \
	tests/tools/webhook_receiver.py tests/tools/syslog_receiver.py \
	tests/integration/alert-lib.sh \
	tests/data/alerts/README.md tests/data/alerts/basic.json tests/data/alerts/failed.json

# HTTPS proxies (aws.proxy, alerts.webhooks.[].proxy, https_proxy) through a
# loopback CONNECT proxy: the AWS calls and a webhook.
TESTS += tests/integration/proxy.sh
EXTRA_DIST += tests/integration/proxy.sh tests/tools/connect_proxy.py

# Accepted edges: malformed, matched, expired, unmatched (issue 12).
TESTS += tests/integration/accepted.sh
EXTRA_DIST += tests/integration/accepted.sh
# Alerts grouped by cause (issue 12).
check_PROGRAMS += tests/unit/check_group
tests_unit_check_group_SOURCES = tests/unit/check_group.c
tests_unit_check_group_CFLAGS = $(CHECK_CFLAGS_ALL)
tests_unit_check_group_LDADD = $(CHECK_LDADD_ALL)
TESTS += tests/unit/check_group
