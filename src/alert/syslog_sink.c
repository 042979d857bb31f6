/* The syslog sink: RFC 3164 datagrams to a unix socket, never blocking. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "alert/syslog_sink.h"
#include "util/buf.h"

struct syslog_sink {
	char *ident;
	int facility;
	char *socket_path;
};

static const struct {
	const char *name;
	int code;
} facilities[] = {
	{ "kern", 0 }, { "user", 1 }, { "mail", 2 }, { "daemon", 3 }, { "auth", 4 },
	{ "syslog", 5 }, { "lpr", 6 }, { "news", 7 }, { "uucp", 8 }, { "cron", 9 },
	{ "authpriv", 10 }, { "ftp", 11 }, { "local0", 16 }, { "local1", 17 },
	{ "local2", 18 }, { "local3", 19 }, { "local4", 20 }, { "local5", 21 },
	{ "local6", 22 }, { "local7", 23 },
};

int
syslog_sink_facility(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcmp(name, facilities[i].name) == 0)
			return facilities[i].code;
	return -1;
}

static int
severity_code(enum log_level l)
{
	switch (l) {
	case LOG_LVL_ERROR: return 3;
	case LOG_LVL_WARN: return 4;
	case LOG_LVL_NOTICE: return 5;
	case LOG_LVL_INFO: return 6;
	default: return 7;
	}
}

void
syslog_sink_free(struct syslog_sink *s)
{
	if (s == NULL)
		return;
	free(s->ident);
	free(s->socket_path);
	free(s);
}

struct syslog_sink *
syslog_sink_new(const char *ident, const char *facility, const char *socket_path,
    struct err *e)
{
	struct syslog_sink *s;
	struct sockaddr_un sun;

	if (facility == NULL)
		facility = "authpriv";
	if (ident == NULL || ident[0] == '\0')
		ident = "passrole-auditd-alert";
	if (socket_path == NULL || socket_path[0] == '\0')
		socket_path = SYSLOG_SINK_DEFAULT_SOCKET;
	if (syslog_sink_facility(facility) < 0) {
		err_set(e, "alerts.syslog.facility: unknown facility \"%s\"", facility);
		return NULL;
	}
	if (strlen(socket_path) >= sizeof(sun.sun_path)) {
		err_set(e, "alerts.syslog.socket: path longer than %zu bytes",
		    sizeof(sun.sun_path) - 1);
		return NULL;
	}
	if (strlen(ident) > 48 || strpbrk(ident, " :[]\n") != NULL) {
		err_set(e, "alerts.syslog.ident: at most 48 characters, no space, ':' or brackets");
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->ident = strdup(ident)) == NULL || (s->socket_path = strdup(socket_path)) == NULL) {
		syslog_sink_free(s);
		err_set(e, "syslog sink: out of memory");
		return NULL;
	}
	s->facility = syslog_sink_facility(facility);
	return s;
}

char *
syslog_sink_format(const struct syslog_sink *s, enum log_level sev, const char *line,
    time_t now)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
		"Aug", "Sep", "Oct", "Nov", "Dec" };
	struct buf b;
	struct tm tm;
	const char *suffix = " truncated=1";
	size_t room;

	/* Local time without a year is what RFC 3164 and glibc use. */
	if (localtime_r(&now, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	buf_init(&b, 0);
	if (buf_printf(&b, "<%d>%s %2d %02d:%02d:%02d %s[%ld]: ",
	    s->facility * 8 + severity_code(sev), mon[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, s->ident, (long)getpid()) != 0)
		goto fail;
	room = SYSLOG_SINK_MAX_DATAGRAM - b.len;
	if (strlen(line) <= room) {
		if (buf_puts(&b, line) != 0)
			goto fail;
	} else if (buf_append(&b, line, room - strlen(suffix)) != 0 ||
	    buf_puts(&b, suffix) != 0) {
		goto fail;
	}
	return buf_steal(&b);
fail:
	buf_free(&b);
	return NULL;
}

int
syslog_sink_send_line(struct syslog_sink *s, enum log_level sev, const char *line,
    struct err *e)
{
	struct sockaddr_un sun;
	char *msg;
	int fd = -1, rc = -1;
	ssize_t w;

	if ((msg = syslog_sink_format(s, sev, line, time(NULL))) == NULL) {
		err_set(e, "syslog sink: out of memory");
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, s->socket_path, strlen(s->socket_path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
		err_set(e, "syslog sink: socket: %s", strerror(errno));
		goto out;
	}
	do {
		w = sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sun,
		    sizeof(sun));
	} while (w < 0 && errno == EINTR);
	if (w < 0) {
		err_set(e, "syslog sink: send to %s: %s", s->socket_path, strerror(errno));
		goto out;
	}
	if ((size_t)w != strlen(msg)) {
		err_set(e, "syslog sink: send to %s: short write", s->socket_path);
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(msg);
	return rc;
}

int
syslog_sink_send(struct syslog_sink *s, const struct alert *a, struct err *e)
{
	struct buf b;
	char *kv;
	int rc = -1;

	if ((kv = alert_format_kv(a)) == NULL) {
		err_set(e, "syslog sink: out of memory");
		return -1;
	}
	buf_init(&b, 0);
	if (buf_printf(&b, "passrole-auditd alert: %s", kv) != 0) {
		err_set(e, "syslog sink: out of memory");
		goto out;
	}
	rc = syslog_sink_send_line(s, a->severity, buf_cstr(&b), e);
out:
	buf_free(&b);
	free(kv);
	return rc;
}
