/* util/fileio: writes through short writes and EINTR, the read bound and
 * its refusals, and the atomic save (mode, replacement, no temporary left
 * on any failure, messages naming the path). */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/fileio.h"
#include "checkmain.h"

static char dir[64];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_fileio_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
put(const char *path, const char *text, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, n), (ssize_t)n);
	close(fd);
}

/* Entries of dir, "." and ".." left out. */
static int
count_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* ------------------------------------------------------------- write_all */

static volatile sig_atomic_t alarms;

static void
on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* A pipe with a slow reader and a timer firing every millisecond without
 * SA_RESTART: the writer's write(2) calls return short or fail with EINTR,
 * and every byte must still arrive once, in order. */
START_TEST(test_write_all_interrupted)
{
	enum { TOTAL = 1 << 20 };
	struct sigaction sa;
	struct itimerval it = { { 0, 1000 }, { 0, 1000 } }, off = { { 0, 0 }, { 0, 0 } };
	unsigned char *data = malloc(TOTAL);
	int p[2], status;
	pid_t pid;
	size_t i;

	ck_assert_ptr_nonnull(data);
	for (i = 0; i < TOTAL; i++)
		data[i] = (unsigned char)(i * 7 + i / 251);
	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		unsigned char chunk[4096];
		size_t got = 0;
		ssize_t n;
		struct timespec nap = { 0, 200 * 1000 };

		close(p[1]);
		while ((n = read(p[0], chunk, sizeof(chunk))) > 0) {
			if (got + (size_t)n > TOTAL || memcmp(chunk, data + got, (size_t)n) != 0)
				_exit(2);
			got += (size_t)n;
			nanosleep(&nap, NULL);
		}
		_exit(got == TOTAL ? 0 : 3);
	}
	close(p[0]);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = 0;	/* no SA_RESTART: interrupted writes come back */
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	alarms = 0;
	ck_assert_int_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
	ck_assert_int_eq(fileio_write_all(p[1], data, TOTAL), 0);
	ck_assert_int_eq(setitimer(ITIMER_REAL, &off, NULL), 0);
	close(p[1]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "the reader got other bytes than were written (status %d)", status);
	ck_assert_int_gt(alarms, 0);
	free(data);
}
END_TEST

START_TEST(test_write_all_error)
{
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	errno = 0;
	ck_assert_int_eq(fileio_write_all(p[1], "x", 1), -1);
	ck_assert_int_eq(errno, EPIPE);
	close(p[1]);
}
END_TEST

/* ------------------------------------------------------------------ read */

START_TEST(test_read_bound)
{
	struct buf b = BUF_INIT;
	struct err e;
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/f", dir);
	put(path, "0123456789", 10);
	ck_assert_msg(fileio_read(AT_FDCWD, path, 0, 10, &b, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(b.len, 10);
	ck_assert_str_eq(buf_cstr(&b), "0123456789");

	/* One byte over: refused, naming the path; what was read is dropped. */
	errno = 0;
	ck_assert_int_eq(fileio_read(AT_FDCWD, path, 0, 9, &b, &e), -1);
	ck_assert_int_eq(errno, EFBIG);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_msg(strstr(e.msg, path) == e.msg, "%s", e.msg);
	ck_assert_msg(strstr(e.msg, "more than the limit of 9") != NULL, "%s", e.msg);

	/* Empty is a valid file, and a string. */
	put(path, "", 0);
	ck_assert_int_eq(fileio_read(AT_FDCWD, path, 0, 9, &b, &e), 0);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(buf_cstr(&b), "");

	/* Relative to a directory descriptor. */
	put(path, "abc", 3);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fileio_read(fd, "f", FILEIO_NOFOLLOW, 3, &b, &e), 0);
	ck_assert_str_eq(buf_cstr(&b), "abc");
	close(fd);
	buf_free(&b);
}
END_TEST

/* The bound of the caller's buffer counts as well as max. */
START_TEST(test_read_buf_bound)
{
	struct buf b;
	struct err e;
	char path[128];

	snprintf(path, sizeof(path), "%s/f", dir);
	put(path, "0123456789", 10);
	buf_init(&b, 4);
	errno = 0;
	ck_assert_int_eq(fileio_read(AT_FDCWD, path, 0, 100, &b, &e), -1);
	ck_assert_int_eq(errno, EFBIG);
	ck_assert_msg(strstr(e.msg, "more than the limit of 4 bytes") != NULL, "%s", e.msg);
	buf_free(&b);
}
END_TEST

START_TEST(test_read_refusals)
{
	struct buf b = BUF_INIT;
	struct err e;
	char path[128], link[128];

	/* Missing: ENOENT left for the caller. */
	snprintf(path, sizeof(path), "%s/absent", dir);
	errno = 0;
	ck_assert_int_eq(fileio_read(AT_FDCWD, path, 0, 100, &b, &e), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_msg(strstr(e.msg, path) == e.msg, "%s", e.msg);
	ck_assert_msg(strstr(e.msg, ": cannot open: No such file") != NULL, "%s", e.msg);

	/* A directory (or a FIFO) is not read. */
	errno = 0;
	ck_assert_int_eq(fileio_read(AT_FDCWD, dir, 0, 100, &b, &e), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_msg(strstr(e.msg, dir) == e.msg, "%s", e.msg);
	ck_assert_msg(strstr(e.msg, "not a regular file") != NULL, "%s", e.msg);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(fileio_read(AT_FDCWD, path, 0, 100, &b, &e), -1);
	ck_assert_msg(strstr(e.msg, "not a regular file") != NULL, "%s", e.msg);

	/* A link is followed unless FILEIO_NOFOLLOW. */
	snprintf(path, sizeof(path), "%s/target", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	put(path, "x", 1);
	ck_assert_int_eq(symlink(path, link), 0);
	ck_assert_int_eq(fileio_read(AT_FDCWD, link, 0, 100, &b, &e), 0);
	ck_assert_str_eq(buf_cstr(&b), "x");
	errno = 0;
	ck_assert_int_eq(fileio_read(AT_FDCWD, link, FILEIO_NOFOLLOW, 100, &b, &e), -1);
	ck_assert_int_eq(errno, ELOOP);
	ck_assert_msg(strstr(e.msg, link) == e.msg, "%s", e.msg);
	ck_assert_uint_eq(b.len, 0);
	buf_free(&b);
}
END_TEST

/* ------------------------------------------------------------------ save */

static int
fill_fail(int fd, const void *arg, struct err *e)
{
	(void)arg;
	ck_assert_int_eq(write(fd, "part", 4), 4);
	err_set(e, "the writer gave up");
	return -1;
}

/* Writes "peeked" after checking that the file being written is named
 * "out.json.tmp.*" in dir: the prefix state.c's clean-up of leftovers
 * removes. */
static int
fill_peek(int fd, const void *arg, struct err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int found = 0;

	(void)arg;
	(void)e;
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "out.json.tmp.", 13) == 0)
			found++;
	closedir(d);
	ck_assert_int_eq(found, 1);
	ck_assert_int_eq(fileio_write_all(fd, "peeked", 6), 0);
	return 0;
}

START_TEST(test_save_temp_name)
{
	struct err e;
	struct buf b = BUF_INIT;
	char path[128];

	snprintf(path, sizeof(path), "%s/out.json", dir);
	ck_assert_msg(fileio_save(path, fill_peek, NULL, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(fileio_read(AT_FDCWD, path, 0, 100, &b, &e), 0);
	ck_assert_str_eq(buf_cstr(&b), "peeked");
	ck_assert_int_eq(count_entries(), 1);
	buf_free(&b);
}
END_TEST

START_TEST(test_save_mode_and_replace)
{
	struct err e;
	struct buf b = BUF_INIT;
	char path[128];
	struct stat st;
	mode_t old;

	snprintf(path, sizeof(path), "%s/out.json", dir);
	put(path, "an older and longer content", 27);
	ck_assert_int_eq(chmod(path, 0644), 0);
	/* Mode 0600 whatever the umask: one that would open it up, and one
	 * that would lock the owner out. */
	old = umask(0);
	ck_assert_msg(fileio_save_data(path, "new", 3, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	umask(0277);
	ck_assert_msg(fileio_save_data(path, "newer", 5, &e) == 0, "%s", e.msg);
	umask(old);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(fileio_read(AT_FDCWD, path, 0, 100, &b, &e), 0);
	ck_assert_str_eq(buf_cstr(&b), "newer");
	ck_assert_int_eq(count_entries(), 1);
	buf_free(&b);
}
END_TEST

START_TEST(test_save_failures_leave_nothing)
{
	struct err e;
	struct buf b = BUF_INIT;
	char path[128], sub[128], name[160];
	int dfd;

	snprintf(path, sizeof(path), "%s/out.json", dir);
	put(path, "old", 3);

	/* The writer fails: the old file stays, no temporary is left, the
	 * message starts with the path and keeps the writer's words. */
	ck_assert_int_eq(fileio_save(path, fill_fail, NULL, &e), -1);
	ck_assert_msg(strstr(e.msg, path) == e.msg, "%s", e.msg);
	ck_assert_msg(strstr(e.msg, "the writer gave up") != NULL, "%s", e.msg);
	ck_assert_int_eq(count_entries(), 1);
	ck_assert_int_eq(fileio_read(AT_FDCWD, path, 0, 100, &b, &e), 0);
	ck_assert_str_eq(buf_cstr(&b), "old");

	/* The rename fails (the target is a non-empty directory). */
	snprintf(sub, sizeof(sub), "%s/busy", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	snprintf(name, sizeof(name), "%s/x", sub);
	put(name, "x", 1);
	ck_assert_int_eq(fileio_save_data(sub, "new", 3, &e), -1);
	ck_assert_msg(strstr(e.msg, sub) == e.msg, "%s", e.msg);
	ck_assert_msg(strstr(e.msg, "cannot rename to busy") != NULL, "%s", e.msg);
	ck_assert_int_eq(count_entries(), 2);

	/* No such directory. */
	snprintf(name, sizeof(name), "%s/no/such/out.json", dir);
	ck_assert_int_eq(fileio_save_data(name, "new", 3, &e), -1);
	ck_assert_msg(strstr(e.msg, name) == e.msg, "%s", e.msg);
	ck_assert_msg(strstr(e.msg, "No such file or directory") != NULL, "%s", e.msg);

	/* The temporary name is taken by a link: it is replaced, not followed. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(dfd, 0);
	ck_assert_int_eq(symlinkat(path, dfd, ".tmp-link"), 0);
	ck_assert_msg(fileio_save_data_at(dfd, dir, "at.json", ".tmp-link", "at", 2, &e) == 0,
	    "%s", e.msg);
	ck_assert_int_eq(fileio_read(dfd, "at.json", FILEIO_NOFOLLOW, 100, &b, &e), 0);
	ck_assert_str_eq(buf_cstr(&b), "at");
	ck_assert_int_eq(fileio_read(AT_FDCWD, path, 0, 100, &b, &e), 0);
	ck_assert_str_eq(buf_cstr(&b), "old");
	ck_assert_int_eq(count_entries(), 3);	/* out.json, busy, at.json */

	/* A failing writer through the descriptor form: its message as is. */
	ck_assert_int_eq(fileio_save_at(dfd, dir, "at.json", ".tmp-at", fill_fail, NULL, &e),
	    -1);
	ck_assert_str_eq(e.msg, "the writer gave up");
	ck_assert_int_eq(count_entries(), 3);
	close(dfd);
	buf_free(&b);
}
END_TEST

/* A temporary that cannot be created is named as dir/tmp: here the
 * directory was removed after it was opened (this fails for root too). */
START_TEST(test_save_create_error)
{
	struct err e;
	char sub[128], want[256];
	int dfd;

	snprintf(sub, sizeof(sub), "%s/gone", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	dfd = open(sub, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(dfd, 0);
	ck_assert_int_eq(rmdir(sub), 0);
	ck_assert_int_eq(fileio_save_data_at(dfd, sub, "f", ".f.tmp", "x", 1, &e), -1);
	snprintf(want, sizeof(want), "%s/.f.tmp: cannot create: No such file or directory", sub);
	ck_assert_str_eq(e.msg, want);
	close(dfd);
}
END_TEST

static Suite *
fileio_suite(void)
{
	Suite *s = suite_create("fileio");
	TCase *tc = tcase_create("fileio");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_write_all_interrupted);
	tcase_add_test(tc, test_write_all_error);
	tcase_add_test(tc, test_read_bound);
	tcase_add_test(tc, test_read_buf_bound);
	tcase_add_test(tc, test_read_refusals);
	tcase_add_test(tc, test_save_mode_and_replace);
	tcase_add_test(tc, test_save_temp_name);
	tcase_add_test(tc, test_save_failures_leave_nothing);
	tcase_add_test(tc, test_save_create_error);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_main(fileio_suite());
}
