/*
 * The syslog sink: one datagram per alert to a unix socket (default
 * /dev/log, which journald and rsyslog read), written by us rather than by
 * syslog(3) so that the ident, the facility and the socket are per sink and
 * a missing or full socket is reported instead of blocking or being dropped
 * silently.
 *
 * Format: the RFC 3164 local form that glibc's syslog() also sends and that
 * journald parses (PRIORITY, SYSLOG_FACILITY, SYSLOG_IDENTIFIER, SYSLOG_PID):
 *   <PRI>Mmm dd hh:mm:ss IDENT[PID]: passrole-auditd alert: kind=... id=...
 * PRI = facility * 8 + severity (log_level error 3, warning 4, notice 5,
 * info 6, debug 7). The message is alert_format_kv()'s key=value line.
 *
 * The socket is non-blocking: a missing socket, a full receive queue or any
 * send error fails the delivery (the alert stays queued) rather than waiting.
 */
#ifndef PRA_ALERT_SYSLOG_SINK_H
#define PRA_ALERT_SYSLOG_SINK_H

#include "alert/alert.h"
#include "util/err.h"

#define SYSLOG_SINK_DEFAULT_SOCKET "/dev/log"
/* Datagrams are cut at this size (the line ends in " truncated=1"). */
#define SYSLOG_SINK_MAX_DATAGRAM 8192

struct syslog_sink;

/* Facility names: kern user mail daemon auth syslog lpr news uucp cron
 * authpriv ftp local0..local7. -1 for an unknown one. */
int syslog_sink_facility(const char *name);

/* ident NULL: "passrole-auditd-alert"; facility NULL: "authpriv"; socket NULL or
 * "": /dev/log. NULL with e for an unknown facility or ENOMEM. */
struct syslog_sink *syslog_sink_new(const char *ident, const char *facility,
    const char *socket_path, struct err *e);
void syslog_sink_free(struct syslog_sink *s);

/* Send one alert. 0 when the socket took the datagram; -1 with e. */
int syslog_sink_send(struct syslog_sink *s, const struct alert *a, struct err *e);
/* Send one free-form line at a severity (the outbox overflow alert). */
int syslog_sink_send_line(struct syslog_sink *s, enum log_level sev, const char *line,
    struct err *e);

/* The datagram that would be sent (tests); owned by the caller. */
char *syslog_sink_format(const struct syslog_sink *s, enum log_level sev, const char *line,
    time_t now);

#endif
