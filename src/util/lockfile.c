/* flock with a bounded, announced wait. */
#include "config.h"

#include "util/lockfile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

long
lockfile_holder(int fd)
{
	char b[32];
	ssize_t n = pread(fd, b, sizeof(b) - 1, 0);

	if (n <= 0)
		return 0;
	b[n] = '\0';
	return strtol(b, NULL, 10);
}

int
lockfile_take(int fd, const char *what, const char *doing, int wait_s,
    const volatile sig_atomic_t *stop, struct err *e)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	long tries = (long)wait_s * 10, holder;
	bool announced = false;

	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			break;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			err_set(e, "%s: cannot lock: %s", what, strerror(errno));
			return -1;
		}
		if (stop != NULL && *stop) {
			err_set(e, "interrupted while waiting for the lock of %s", what);
			return -1;
		}
		holder = lockfile_holder(fd);
		if (tries-- <= 0) {
			if (holder > 0)
				err_set(e, "%s is locked by process %ld (%s); gave up after %d s",
				    what, holder, doing, wait_s);
			else
				err_set(e, "%s is locked by another process (%s); gave up "
				    "after %d s", what, doing, wait_s);
			return -1;
		}
		/* Said once: a run that seems stuck is waiting, and for whom. */
		if (!announced && wait_s > 0) {
			if (holder > 0)
				log_notice("%s is locked by process %ld (%s); waiting up to %d s",
				    what, holder, doing, wait_s);
			else
				log_notice("%s is locked by another process (%s); waiting up "
				    "to %d s", what, doing, wait_s);
			announced = true;
		}
		nanosleep(&tick, NULL);
	}
	if (announced)
		log_notice("%s: lock taken", what);
	return 0;
}
