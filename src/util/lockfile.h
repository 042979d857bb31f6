/*
 * An exclusive lock on an open file (flock), shared by the state directory
 * and the alert outbox, so that a daemon and a manual run serialize: the
 * one that comes second says once who it waits for (the holder writes its
 * pid at the start of the file), and gives up after a bounded wait with a
 * message naming the holder.
 */
#ifndef PRA_UTIL_LOCKFILE_H
#define PRA_UTIL_LOCKFILE_H

#include <signal.h>

#include "util/err.h"

/*
 * Take the lock on fd (what: "state directory /var/lib/x", for messages;
 * doing: what the holder is likely doing, "an audit is saving its
 * results"). wait_s: seconds to wait (0: try once); stop (may be NULL)
 * ends the wait early. 0 with the lock held, or -1 with e: "state
 * directory X is locked by process 1234 (an audit ...); gave up after 60 s".
 */
int lockfile_take(int fd, const char *what, const char *doing, int wait_s,
    const volatile sig_atomic_t *stop, struct err *e);

/* The pid written at the start of the file, or 0. */
long lockfile_holder(int fd);

#endif
