/*
 * The systemd notification protocol, without libsystemd: one datagram per
 * message ("READY=1", "STATUS=...", "WATCHDOG=1", "STOPPING=1",
 * "RELOADING=1") to the AF_UNIX socket named by $NOTIFY_SOCKET, a path or,
 * with a leading '@', a name in the abstract namespace. The watchdog
 * interval comes from $WATCHDOG_USEC, when $WATCHDOG_PID (if set) is this
 * process.
 *
 * Without $NOTIFY_SOCKET (not started by systemd, or Type= is not notify)
 * every send is a successful no-op, so callers need not care.
 */
#ifndef PRA_DAEMON_SDNOTIFY_H
#define PRA_DAEMON_SDNOTIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "util/err.h"

/* A STATUS= line is shown by systemctl status; longer text is cut. */
#define SDNOTIFY_STATUS_MAX 512

struct sdnotify {
	int fd;				/* -1: notifications are off */
	struct sockaddr_un addr;
	socklen_t addrlen;
	uint64_t watchdog_usec;		/* 0: no watchdog */
};

/*
 * Read $NOTIFY_SOCKET, $WATCHDOG_USEC and $WATCHDOG_PID, then remove them
 * from the environment so that a child (a credential_process) cannot talk
 * to systemd in the daemon's name. Call before any thread starts. 0 (also
 * when notifications are off), or -1 with e for a variable that is set but
 * unusable; n is then off.
 */
int sdnotify_open(struct sdnotify *n, struct err *e);

/* The same from explicit values (tests; NULL socket: off). */
int sdnotify_open_at(struct sdnotify *n, const char *socket,
    const char *watchdog_usec, const char *watchdog_pid, struct err *e);

bool sdnotify_enabled(const struct sdnotify *n);

/* Microseconds between two WATCHDOG=1: half of $WATCHDOG_USEC, as
 * systemd advises; 0 when there is no watchdog. */
uint64_t sdnotify_watchdog_interval_usec(const struct sdnotify *n);

/* Send msg as one datagram ("READY=1", or several lines). 0, or -1 with
 * e. A no-op returning 0 when notifications are off. */
int sdnotify_send(struct sdnotify *n, const char *msg, struct err *e);

/* "STATUS=text", with line breaks in text made spaces and the text cut at
 * SDNOTIFY_STATUS_MAX bytes. */
int sdnotify_status(struct sdnotify *n, const char *text, struct err *e);

void sdnotify_close(struct sdnotify *n);

#endif
