# src/alert: alerts made from audit diffs, the durable outbox, and the
# syslog and webhook sinks (issue 7).
noinst_LIBRARIES += libpra_alert.a
PRA_LIBS += libpra_alert.a
libpra_alert_a_SOURCES = \
	src/alert/alert.c src/alert/alert.h \
	src/alert/outbox.c src/alert/outbox.h \
	src/alert/syslog_sink.c src/alert/syslog_sink.h \
	src/alert/webhook.c src/alert/webhook.h \
	src/alert/deliver.c
