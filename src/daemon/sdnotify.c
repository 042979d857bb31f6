#include "config.h"

#include "daemon/sdnotify.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
sdnotify_close(struct sdnotify *n)
{
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
	n->addrlen = 0;
	n->watchdog_usec = 0;
}

static int
parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

int
sdnotify_open_at(struct sdnotify *n, const char *sock, const char *wd_usec,
    const char *wd_pid, struct err *e)
{
	size_t len;
	uint64_t v, pid;

	memset(n, 0, sizeof(*n));
	n->fd = -1;
	if (sock == NULL || sock[0] == '\0')
		return 0;
	len = strlen(sock);
	/* A path, or '@' for the abstract namespace (a leading NUL byte, and
	 * the length counts exactly the name: no terminating NUL). */
	if ((sock[0] != '/' && sock[0] != '@') || len < 2 ||
	    len >= sizeof(n->addr.sun_path)) {
		err_set(e, "NOTIFY_SOCKET: not an absolute socket path or an "
		    "@abstract name of at most %zu bytes",
		    sizeof(n->addr.sun_path) - 1);
		return -1;
	}
	n->addr.sun_family = AF_UNIX;
	memcpy(n->addr.sun_path, sock, len);
	if (sock[0] == '@') {
		n->addr.sun_path[0] = '\0';
		n->addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	} else {
		n->addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
		    len + 1);
	}
	if (wd_usec != NULL && wd_usec[0] != '\0') {
		if (parse_u64(wd_usec, &v) != 0 || v == 0) {
			err_set(e, "WATCHDOG_USEC: \"%.32s\" is not a positive number "
			    "of microseconds", wd_usec);
			return -1;
		}
		/* The watchdog is meant for the process systemd started; a
		 * variable inherited by another one is not for it. */
		if (wd_pid == NULL || wd_pid[0] == '\0' ||
		    (parse_u64(wd_pid, &pid) == 0 && pid == (uint64_t)getpid()))
			n->watchdog_usec = v;
	}
	n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (n->fd < 0) {
		err_set(e, "NOTIFY_SOCKET: socket: %s", strerror(errno));
		n->watchdog_usec = 0;
		return -1;
	}
	return 0;
}

int
sdnotify_open(struct sdnotify *n, struct err *e)
{
	char sock[sizeof(n->addr.sun_path) + 1] = "", usec[32] = "", pid[32] = "";
	const char *v;
	int rc;

	/* Copied before unsetenv() frees them. Longer values are kept too
	 * long on purpose, so that open_at rejects them. */
	if ((v = getenv("NOTIFY_SOCKET")) != NULL)
		snprintf(sock, sizeof(sock), "%s", v);
	if ((v = getenv("WATCHDOG_USEC")) != NULL)
		snprintf(usec, sizeof(usec), "%s", v);
	if ((v = getenv("WATCHDOG_PID")) != NULL)
		snprintf(pid, sizeof(pid), "%s", v);
	rc = sdnotify_open_at(n, sock[0] != '\0' ? sock : NULL, usec, pid, e);
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	return rc;
}

bool
sdnotify_enabled(const struct sdnotify *n)
{
	return n->fd >= 0;
}

uint64_t
sdnotify_watchdog_interval_usec(const struct sdnotify *n)
{
	return n->fd >= 0 ? n->watchdog_usec / 2 : 0;
}

int
sdnotify_send(struct sdnotify *n, const char *msg, struct err *e)
{
	size_t len = strlen(msg);
	ssize_t r;

	if (n->fd < 0)
		return 0;
	/* Never wait for the manager: the main loop must stay responsive,
	 * and a lost STATUS= is better than a stuck daemon. */
	do
		r = sendto(n->fd, msg, len, MSG_NOSIGNAL | MSG_DONTWAIT,
		    (const struct sockaddr *)&n->addr, n->addrlen);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		err_set(e, "systemd notification \"%.40s\": %s", msg, strerror(errno));
		return -1;
	}
	if ((size_t)r != len) {
		err_set(e, "systemd notification \"%.40s\": short send", msg);
		return -1;
	}
	return 0;
}

int
sdnotify_status(struct sdnotify *n, const char *text, struct err *e)
{
	char msg[sizeof("STATUS=") + SDNOTIFY_STATUS_MAX];
	size_t i, off = sizeof("STATUS=") - 1;

	memcpy(msg, "STATUS=", off);
	for (i = 0; text[i] != '\0' && i < SDNOTIFY_STATUS_MAX; i++) {
		unsigned char ch = (unsigned char)text[i];

		msg[off + i] = (ch < 0x20 || ch == 0x7f) ? ' ' : (char)ch;
	}
	msg[off + i] = '\0';
	return sdnotify_send(n, msg, e);
}
