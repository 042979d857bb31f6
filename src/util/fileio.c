#include "config.h"

#include "util/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef PRA_TEST_HOOKS
#include <signal.h>

/*
 * Compiled only into the test binaries (tests/tools/): the kill -9 tests
 * must know where their kills landed, and land some inside a save.
 * PRA_TEST_SAVE_TRACE=FILE appends "PID N STEP NAME" at every step of every
 * save (N counts this process's saves from 1); PRA_TEST_SAVE_STOP=N:STEP
 * stops the process (SIGSTOP) at that step of save N, for the test to kill.
 * A trace that cannot be written aborts: a silent hook would let the test
 * believe its kills missed.
 */
static atomic_ulong hook_saves;

static void
save_hook(unsigned long n, const char *step, const char *name)
{
	const char *trace = getenv("PRA_TEST_SAVE_TRACE"), *stop = getenv("PRA_TEST_SAVE_STOP");
	char line[512], want[64];
	int fd, len;

	if (trace != NULL && *trace != '\0') {
		len = snprintf(line, sizeof(line), "%ld %lu %s %s\n", (long)getpid(), n, step,
		    name);
		fd = open(trace, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0 || len < 0 || (size_t)len >= sizeof(line) ||
		    fileio_write_all(fd, line, (size_t)len) != 0)
			abort();
		if (close(fd) != 0)
			abort();
	}
	if (stop != NULL) {
		snprintf(want, sizeof(want), "%lu:%s", n, step);
		if (strcmp(stop, want) == 0)
			raise(SIGSTOP);
	}
}
#define SAVE_HOOK(step) save_hook(hook_n, step, name)
#else
#define SAVE_HOOK(step) ((void)0)
#endif

unsigned long
fileio_hook_begin(const char *name)
{
#ifdef PRA_TEST_HOOKS
	unsigned long n = atomic_fetch_add(&hook_saves, 1) + 1;

	save_hook(n, "begin", name);
	return n;
#else
	(void)name;
	return 0;
#endif
}

void
fileio_hook_step(unsigned long n, const char *step, const char *name)
{
#ifdef PRA_TEST_HOOKS
	save_hook(n, step, name);
#else
	(void)n, (void)step, (void)name;
#endif
}

int
fileio_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int
fileio_read(int dirfd, const char *path, int flags, size_t max, struct buf *out,
    struct err *e)
{
	int fd, rc = -1, saved;
	struct stat st;
	char chunk[65536];
	ssize_t n;

	buf_reset(out);
	/* O_NONBLOCK: opening a FIFO would otherwise wait for a writer before
	 * the check below could refuse it. It changes nothing for the regular
	 * files read after that check. */
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
	    ((flags & FILEIO_NOFOLLOW) ? O_NOFOLLOW : 0));
	if (fd < 0) {
		saved = errno;
		err_set(e, "%s: cannot open: %s", path, strerror(saved));
		errno = saved;
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		err_set(e, "%s: cannot read: %s", path, strerror(errno));
		goto out;
	}
	/* A FIFO or a device may block or never end; a directory is a
	 * misnamed path. */
	if (!S_ISREG(st.st_mode)) {
		err_set(e, "%s: not a regular file", path);
		errno = EINVAL;
		goto out;
	}
	if ((uintmax_t)st.st_size > max) {
		err_set(e, "%s: %jd bytes, more than the limit of %zu", path,
		    (intmax_t)st.st_size, max);
		errno = EFBIG;
		goto out;
	}
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_set(e, "%s: cannot read: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (out->len + (size_t)n > max) {
			err_set(e, "%s: more than the limit of %zu bytes", path, max);
			errno = EFBIG;
			goto out;
		}
		if (buf_append(out, chunk, (size_t)n) != 0) {
			if (errno == EFBIG)
				err_set(e, "%s: more than the limit of %zu bytes", path,
				    out->max);
			else
				err_set(e, "%s: out of memory", path);
			goto out;
		}
	}
	rc = 0;
out:
	saved = errno;
	close(fd);
	if (rc != 0)
		buf_reset(out);
	errno = saved;
	return rc;
}

int
fileio_save_at(int dirfd, const char *dirname, const char *name, const char *tmp,
    fileio_fill_fn fill, const void *arg, struct err *e)
{
	int fd = -1, rc = -1;
	bool created = false;
#ifdef PRA_TEST_HOOKS
	unsigned long hook_n = atomic_fetch_add(&hook_saves, 1) + 1;
#endif

	SAVE_HOOK("begin");
	/* Left by a save that was killed before its rename. */
	if (unlinkat(dirfd, tmp, 0) != 0 && errno != ENOENT) {
		err_set(e, "%s/%s: cannot remove: %s", dirname, tmp, strerror(errno));
		return -1;
	}
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		err_set(e, "%s/%s: cannot create: %s", dirname, tmp, strerror(errno));
		goto out;
	}
	created = true;
	SAVE_HOOK("created");
	/* The umask may have taken bits away; the owner must be able to
	 * read it back, and nobody else may (it can name every role). */
	if (fchmod(fd, 0600) != 0) {
		err_set(e, "%s/%s: cannot write: %s", dirname, tmp, strerror(errno));
		goto out;
	}
	if (fill(fd, arg, e) != 0)
		goto out;
	SAVE_HOOK("written");
	if (fsync(fd) != 0) {
		err_set(e, "%s/%s: cannot write: %s", dirname, tmp, strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		err_set(e, "%s/%s: cannot write: %s", dirname, tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	SAVE_HOOK("synced");
	if (renameat(dirfd, tmp, dirfd, name) != 0) {
		err_set(e, "%s/%s: cannot rename to %s: %s", dirname, tmp, name,
		    strerror(errno));
		goto out;
	}
	created = false;
	SAVE_HOOK("renamed");
	/* Without this the rename itself may be lost on a crash: the file is
	 * complete either way, but the save is not durable. */
	if (fsync(dirfd) != 0) {
		err_set(e, "%s: fsync after saving %s: %s", dirname, name, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (created)
		unlinkat(dirfd, tmp, 0);
	SAVE_HOOK(rc == 0 ? "done" : "failed");
	return rc;
}

struct data {
	const void *p;
	size_t n;
	const char *dirname, *tmp;
};

static int
fill_data(int fd, const void *arg, struct err *e)
{
	const struct data *d = arg;

	if (fileio_write_all(fd, d->p, d->n) != 0) {
		err_set(e, "%s/%s: cannot write: %s", d->dirname, d->tmp, strerror(errno));
		return -1;
	}
	return 0;
}

int
fileio_save_data_at(int dirfd, const char *dirname, const char *name, const char *tmp,
    const void *data, size_t len, struct err *e)
{
	struct data d = { data, len, dirname, tmp };

	return fileio_save_at(dirfd, dirname, name, tmp, fill_data, &d, e);
}

static atomic_ulong saves;

static int
save(const char *path, fileio_fill_fn fill, const void *arg, const void *data, size_t len,
    struct err *e)
{
	const char *slash = strrchr(path, '/'), *base;
	char *dir = NULL, *tmp = NULL;
	int dirfd = -1, rc = -1;

	base = slash != NULL ? slash + 1 : path;
	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	/* pid and a count: unique among the processes and threads writing
	 * now, so removing a leftover of that name can only hit a dead one.
	 * The "BASE.tmp." prefix is what a clean-up of leftovers looks for
	 * (state.c for snapshot.json). */
	if (dir == NULL || asprintf(&tmp, "%s.tmp.%ld.%lu", base, (long)getpid(),
	    atomic_fetch_add(&saves, 1)) < 0) {
		tmp = NULL;
		err_set(e, "%s: out of memory", path);
		goto out;
	}
	if (*base == '\0') {
		err_set(e, "%s: not a file name", path);
		goto out;
	}
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		err_set(e, "%s: cannot open the directory %s: %s", path, dir, strerror(errno));
		goto out;
	}
	if ((fill != NULL ? fileio_save_at(dirfd, dir, base, tmp, fill, arg, e) :
	    fileio_save_data_at(dirfd, dir, base, tmp, data, len, e)) != 0) {
		err_prefix(e, "%s", path);
		goto out;
	}
	rc = 0;
out:
	if (dirfd >= 0)
		close(dirfd);
	free(tmp);
	free(dir);
	return rc;
}

int
fileio_save(const char *path, fileio_fill_fn fill, const void *arg, struct err *e)
{
	return save(path, fill, arg, NULL, 0, e);
}

int
fileio_save_data(const char *path, const void *data, size_t len, struct err *e)
{
	return save(path, NULL, NULL, data, len, e);
}
