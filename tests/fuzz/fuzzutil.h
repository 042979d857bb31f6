/*
 * Helpers shared by the fuzz targets whose parser reads files or a
 * directory (the offline dumps, the config, the outbox, --eval-batch): one
 * private scratch directory per fuzzing process, made at the first call and
 * emptied between inputs, and the log sent to /dev/null at debug level so
 * that the messages are still formatted (and scrubbed) without flooding the
 * fuzzer's output, and large inputs written compactly (fuzz_expand).
 * Header-only: each target is one translation unit.
 */
#ifndef PRA_FUZZUTIL_H
#define PRA_FUZZUTIL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

/* The log, quiet but complete: every message is still built. */
static inline void
fuzz_quiet_log(void)
{
	static FILE *devnull;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	log_set_stream(devnull);
	log_set_level(LOG_LVL_DEBUG);
}

/* The scratch directory, made once and removed at exit: in $TMPDIR, else
 * in /dev/shm when there is one (a file system in memory: on ext4, files
 * rewritten in place are flushed to disk at close), else in /tmp. */
static char fuzz_dir_path[4096];

static inline int
fuzz_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	/* The parser under test may have left a file read-only or a folder
	 * without write permission: make it removable first. */
	if (flag == FTW_DP || flag == FTW_D)
		chmod(path, 0700);
	return remove(path) != 0 && errno != ENOENT ? -1 : 0;
}

/* Remove dir and everything in it, then make it again, empty. */
static inline void
fuzz_empty_dir(const char *dir)
{
	if (nftw(dir, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0 && errno != ENOENT)
		abort();
	if (mkdir(dir, 0700) != 0)
		abort();
}

static inline void
fuzz_dir_cleanup(void)
{
	if (fuzz_dir_path[0] != '\0')
		nftw(fuzz_dir_path, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static inline const char *
fuzz_dir(void)
{
	if (fuzz_dir_path[0] == '\0') {
		const char *tmp = getenv("TMPDIR");
		struct stat st;

		if (tmp == NULL || tmp[0] == '\0')
			tmp = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
			    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
		snprintf(fuzz_dir_path, sizeof(fuzz_dir_path), "%s/pra-fuzz-XXXXXX", tmp);
		if (mkdtemp(fuzz_dir_path) == NULL)
			abort();
		atexit(fuzz_dir_cleanup);
	}
	return fuzz_dir_path;
}

/* Write len bytes to path, a new file (mode 0600): an old one is removed
 * first rather than truncated, which ext4 would flush at close. -1 when
 * path cannot be a file (a folder is in the way, or its parent is a file),
 * which the fuzzer's own paths may cause; anything else aborts. */
static inline int
fuzz_write_file(const char *path, const void *data, size_t len)
{
	const char *p = data;
	int fd;

	if (unlink(path) != 0 && errno != ENOENT && errno != ENOTDIR && errno != EISDIR)
		abort();
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		if (errno == ENOTDIR || errno == EISDIR || errno == EEXIST || errno == ENOENT)
			return -1;
		abort();
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n <= 0)
			abort();
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) != 0)
		abort();
	return 0;
}

/*
 * Inputs larger than libFuzzer's -max_len, to reach the parsers' size
 * limits (1 MiB ini and outbox files, 8 MiB --eval-batch lines): an input
 * "\0REPEAT N\n" followed by UNIT stands for UNIT repeated to exactly N
 * bytes (N at most FUZZ_EXPAND_MAX; an empty UNIT gives N spaces). Anything
 * else stands for itself. *out is malloc'd for an expansion (the caller
 * frees it) and NULL otherwise, when *data is the input itself.
 */
#define FUZZ_EXPAND_MAX ((size_t)9 << 20)
#define FUZZ_EXPAND_TAG "\0REPEAT "

static inline void
fuzz_expand(const uint8_t **data, size_t *size, uint8_t **out)
{
	const size_t tag = sizeof(FUZZ_EXPAND_TAG) - 1;
	const uint8_t *p = *data, *unit;
	size_t n = 0, i, ulen;

	*out = NULL;
	if (*size < tag + 2 || memcmp(p, FUZZ_EXPAND_TAG, tag) != 0)
		return;
	for (i = tag; i < *size && p[i] >= '0' && p[i] <= '9' && n <= FUZZ_EXPAND_MAX; i++)
		n = n * 10 + (size_t)(p[i] - '0');
	if (i == tag || i >= *size || p[i] != '\n' || n > FUZZ_EXPAND_MAX)
		return;
	unit = p + i + 1;
	ulen = *size - i - 1;
	if ((*out = malloc(n > 0 ? n : 1)) == NULL)
		abort();
	for (i = 0; i < n; i++)
		(*out)[i] = ulen > 0 ? unit[i % ulen] : ' ';
	*data = *out;
	*size = n;
}

#endif
