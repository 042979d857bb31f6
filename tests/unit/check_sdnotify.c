/* Unit tests of the systemd notification protocol, against a test socket. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/sdnotify.h"
#include "checkmain.h"

static char tmpdir[64];

static void
setup(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/sdntestXXXXXX",
	    base != NULL && strlen(base) < 40 ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* A datagram socket bound to name ('@' for the abstract namespace), as
 * systemd's would be. */
static int
listener(const char *name)
{
	struct sockaddr_un a;
	socklen_t len;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	memcpy(a.sun_path, name, strlen(name));
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(name));
	if (name[0] == '@')
		a.sun_path[0] = '\0';
	else
		len++;
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, len), 0);
	return fd;
}

/* The next datagram, or "" when none is waiting. */
static void
recv_msg(int fd, char *buf, size_t len)
{
	ssize_t n = recv(fd, buf, len - 1, MSG_DONTWAIT);

	buf[n > 0 ? n : 0] = '\0';
}

START_TEST(test_off_without_socket)
{
	struct sdnotify n;
	struct err e;

	ck_assert_int_eq(sdnotify_open_at(&n, NULL, "1000000", NULL, &e), 0);
	ck_assert(!sdnotify_enabled(&n));
	ck_assert_uint_eq(sdnotify_watchdog_interval_usec(&n), 0);
	ck_assert_int_eq(sdnotify_send(&n, "READY=1", &e), 0);
	ck_assert_int_eq(sdnotify_status(&n, "x", &e), 0);
	sdnotify_close(&n);
}
END_TEST

START_TEST(test_path_socket)
{
	char path[128], buf[1024];
	struct sdnotify n;
	struct err e;
	int fd;

	snprintf(path, sizeof(path), "%s/notify", tmpdir);
	fd = listener(path);
	ck_assert_int_eq(sdnotify_open_at(&n, path, NULL, NULL, &e), 0);
	ck_assert(sdnotify_enabled(&n));
	ck_assert_int_eq(sdnotify_send(&n, "READY=1", &e), 0);
	ck_assert_int_eq(sdnotify_send(&n, "RELOADING=1\nMONOTONIC_USEC=5", &e), 0);
	recv_msg(fd, buf, sizeof(buf));
	ck_assert_str_eq(buf, "READY=1");
	recv_msg(fd, buf, sizeof(buf));
	ck_assert_str_eq(buf, "RELOADING=1\nMONOTONIC_USEC=5");
	recv_msg(fd, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	sdnotify_close(&n);
	close(fd);
}
END_TEST

START_TEST(test_abstract_socket)
{
	char name[64], buf[256];
	struct sdnotify n;
	struct err e;
	int fd;

	snprintf(name, sizeof(name), "@pra-sdnotify-test-%ld", (long)getpid());
	fd = listener(name);
	ck_assert_int_eq(sdnotify_open_at(&n, name, NULL, NULL, &e), 0);
	ck_assert_int_eq(sdnotify_send(&n, "STOPPING=1", &e), 0);
	recv_msg(fd, buf, sizeof(buf));
	ck_assert_str_eq(buf, "STOPPING=1");
	sdnotify_close(&n);
	close(fd);
}
END_TEST

START_TEST(test_status_is_one_line_and_bounded)
{
	char name[64], buf[2048], longtext[SDNOTIFY_STATUS_MAX + 100];
	struct sdnotify n;
	struct err e;
	int fd;

	snprintf(name, sizeof(name), "@pra-sdnotify-st-%ld", (long)getpid());
	fd = listener(name);
	ck_assert_int_eq(sdnotify_open_at(&n, name, NULL, NULL, &e), 0);
	/* A line break would start a new assignment: WATCHDOG=trigger. */
	ck_assert_int_eq(sdnotify_status(&n, "3 gained\nWATCHDOG=trigger", &e), 0);
	recv_msg(fd, buf, sizeof(buf));
	ck_assert_str_eq(buf, "STATUS=3 gained WATCHDOG=trigger");
	memset(longtext, 'x', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	ck_assert_int_eq(sdnotify_status(&n, longtext, &e), 0);
	recv_msg(fd, buf, sizeof(buf));
	ck_assert_uint_eq(strlen(buf), strlen("STATUS=") + SDNOTIFY_STATUS_MAX);
	sdnotify_close(&n);
	close(fd);
}
END_TEST

START_TEST(test_watchdog)
{
	char pid[32], other[32], path[128];
	struct sdnotify n;
	struct err e;

	snprintf(path, sizeof(path), "%s/wd", tmpdir);
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	snprintf(other, sizeof(other), "%ld", (long)getpid() + 1);
	ck_assert_int_eq(sdnotify_open_at(&n, path, "3000000", pid, &e), 0);
	ck_assert_uint_eq(sdnotify_watchdog_interval_usec(&n), 1500000);
	sdnotify_close(&n);
	/* No WATCHDOG_PID: the variable is for this process. */
	ck_assert_int_eq(sdnotify_open_at(&n, path, "1000", NULL, &e), 0);
	ck_assert_uint_eq(sdnotify_watchdog_interval_usec(&n), 500);
	sdnotify_close(&n);
	/* Another process's watchdog is not ours. */
	ck_assert_int_eq(sdnotify_open_at(&n, path, "3000000", other, &e), 0);
	ck_assert(sdnotify_enabled(&n));
	ck_assert_uint_eq(sdnotify_watchdog_interval_usec(&n), 0);
	sdnotify_close(&n);
	ck_assert_int_eq(sdnotify_open_at(&n, path, "soon", NULL, &e), -1);
	ck_assert_str_eq(e.msg, "WATCHDOG_USEC: \"soon\" is not a positive number "
	    "of microseconds");
	ck_assert(!sdnotify_enabled(&n));
	ck_assert_int_eq(sdnotify_open_at(&n, path, "0", NULL, &e), -1);
}
END_TEST

START_TEST(test_bad_socket_names)
{
	char longname[200];
	struct sdnotify n;
	struct err e;

	ck_assert_int_eq(sdnotify_open_at(&n, "relative/sock", NULL, NULL, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "NOTIFY_SOCKET: not an absolute"));
	ck_assert(!sdnotify_enabled(&n));
	ck_assert_int_eq(sdnotify_open_at(&n, "@", NULL, NULL, &e), -1);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[0] = '/';
	longname[sizeof(longname) - 1] = '\0';
	ck_assert_int_eq(sdnotify_open_at(&n, longname, NULL, NULL, &e), -1);
}
END_TEST

START_TEST(test_send_to_nobody_fails)
{
	char path[128];
	struct sdnotify n;
	struct err e;

	snprintf(path, sizeof(path), "%s/absent", tmpdir);
	ck_assert_int_eq(sdnotify_open_at(&n, path, NULL, NULL, &e), 0);
	ck_assert_int_eq(sdnotify_send(&n, "READY=1", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "systemd notification \"READY=1\": "));
	sdnotify_close(&n);
}
END_TEST

/* From the environment, which is then cleaned for the daemon's children. */
START_TEST(test_from_environment)
{
	char path[128], pid[32], buf[64];
	struct sdnotify n;
	struct err e;
	int fd;

	snprintf(path, sizeof(path), "%s/env", tmpdir);
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	fd = listener(path);
	ck_assert_int_eq(setenv("NOTIFY_SOCKET", path, 1), 0);
	ck_assert_int_eq(setenv("WATCHDOG_USEC", "4000000", 1), 0);
	ck_assert_int_eq(setenv("WATCHDOG_PID", pid, 1), 0);
	ck_assert_int_eq(sdnotify_open(&n, &e), 0);
	ck_assert_ptr_null(getenv("NOTIFY_SOCKET"));
	ck_assert_ptr_null(getenv("WATCHDOG_USEC"));
	ck_assert_ptr_null(getenv("WATCHDOG_PID"));
	ck_assert_uint_eq(sdnotify_watchdog_interval_usec(&n), 2000000);
	ck_assert_int_eq(sdnotify_send(&n, "WATCHDOG=1", &e), 0);
	recv_msg(fd, buf, sizeof(buf));
	ck_assert_str_eq(buf, "WATCHDOG=1");
	sdnotify_close(&n);
	close(fd);
	/* Nothing set: off, and not an error. */
	ck_assert_int_eq(sdnotify_open(&n, &e), 0);
	ck_assert(!sdnotify_enabled(&n));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sdnotify");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_off_without_socket);
	tcase_add_test(tc, test_path_socket);
	tcase_add_test(tc, test_abstract_socket);
	tcase_add_test(tc, test_status_is_one_line_and_bounded);
	tcase_add_test(tc, test_watchdog);
	tcase_add_test(tc, test_bad_socket_names);
	tcase_add_test(tc, test_send_to_nobody_fails);
	tcase_add_test(tc, test_from_environment);
	suite_add_tcase(s, tc);
	return check_main(s);
}
