/*
 * Whole-file I/O the layers share: writing through short writes, reading a
 * file with a bound, and the atomic save every durable file uses (state,
 * outbox, snapshots): a temporary file in the same directory, created
 * O_EXCL with mode 0600, written, fsynced, renamed over the target, and the
 * directory fsynced, so a crash leaves the old file or the new one, never a
 * part of either.
 */
#ifndef PRA_UTIL_FILEIO_H
#define PRA_UTIL_FILEIO_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

/* fileio_read flags */
#define FILEIO_NOFOLLOW 0x1	/* refuse a symbolic link as the last component */

/* Write all of p[0..n) to fd, through short writes and EINTR. 0, or -1 with
 * errno set. */
int fileio_write_all(int fd, const void *p, size_t n);

/*
 * Read the whole regular file path (relative to dirfd; AT_FDCWD for none)
 * into out, replacing its content, refusing one of more than max bytes
 * (checked before reading and again on what is read, since the file may
 * grow meanwhile).
 * 0, or -1 with e naming path ("PATH: cannot open: ...", "PATH: not a
 * regular file", "PATH: more than the limit of N bytes", "PATH: cannot
 * read: ...") and errno set: ENOENT for a missing file (so a caller can
 * tell it from a bad one), EINVAL for one that is not a regular file,
 * EFBIG over the bound. out is left empty on failure.
 */
int fileio_read(int dirfd, const char *path, int flags, size_t max, struct buf *out,
    struct err *e);

/* Writes the new content to fd; 0, or -1 with e set. */
typedef int (*fileio_fill_fn)(int fd, const void *arg, struct err *e);

/*
 * Replace name in the directory dirfd (called dirname in messages)
 * atomically: remove a leftover tmp, create tmp (O_EXCL, O_NOFOLLOW, mode
 * 0600 whatever the umask), let fill write it, fsync, close, rename it to
 * name, fsync the directory. The caller picks tmp so that its own clean-up
 * recognises leftovers of a crash; it must not be in use by anyone else.
 * 0, or -1 with e set ("DIR/TMP: cannot write: ...", or fill's message) and
 * no tmp left behind. A failure of the last fsync means name is complete
 * but its rename may not survive a crash.
 */
int fileio_save_at(int dirfd, const char *dirname, const char *name, const char *tmp,
    fileio_fill_fn fill, const void *arg, struct err *e);

/* fileio_save_at with data[0..len) as the content. */
int fileio_save_data_at(int dirfd, const char *dirname, const char *name, const char *tmp,
    const void *data, size_t len, struct err *e);

/*
 * fileio_save_at for a path: the temporary file is "BASE.tmp.PID.N" next to
 * it (N counts this process's saves). Every message, fill's included,
 * starts with path.
 */
int fileio_save(const char *path, fileio_fill_fn fill, const void *arg, struct err *e);
int fileio_save_data(const char *path, const void *data, size_t len, struct err *e);

/*
 * The kill -9 tests' trace of a save that does not go through fileio_save
 * (a state generation, the streamed snapshot): a number for the save and
 * its "begin", then each step ("created", "written", "synced", "renamed",
 * "done"), as fileio_save traces its own. No-ops unless this file is built
 * with PRA_TEST_HOOKS (the test binaries only).
 */
unsigned long fileio_hook_begin(const char *name);
void fileio_hook_step(unsigned long n, const char *step, const char *name);

#endif
