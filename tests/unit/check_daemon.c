/*
 * Unit tests of the daemon's loop, with fake audit and delivery hooks: the
 * audit at start, the interval, SIGUSR1, SIGHUP with a good and a bad
 * config, SIGTERM during a slow audit, delivery retries, and the systemd
 * notifications in order. Each test runs in its own process (Check's fork
 * mode): the daemon blocks signals and takes them with sigtimedwait, and a
 * driver thread, with every signal blocked too, sends them to the process.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "conf.h"
#include "daemon/daemon.h"
#include "daemon/sdnotify.h"
#include "log.h"
#include "checkmain.h"

/* Upper bound on any wait in a test, so a broken loop fails, not hangs. */
#define WAIT_MS 10000

struct fake {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int audits;
	int configures;
	int delivers;
	int state_writes;
	int concurrency_seen[16];	/* cfg->collect.concurrency per audit */
	long long audit_start_ms[16];
	bool slow;			/* audits run until stopped */
	bool audit_running;
	bool saw_stop;
	int fail_configure_at;		/* 1-based call to fail; 0: never */
	long deliver_pending[8];	/* what deliver returns, per call */
	unsigned deliver_retry_s;
};

static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
fake_configure(void *ctx, const struct config *cfg, struct err *e)
{
	struct fake *f = ctx;
	int rc = 0;

	pthread_mutex_lock(&f->mu);
	f->configures++;
	if (f->configures == f->fail_configure_at) {
		err_set(e, "the fake refuses this config");
		rc = -1;
	}
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	return rc;
}

static int
fake_audit(void *ctx, const struct config *cfg,
    const volatile sig_atomic_t *stop, char *summary, size_t len)
{
	struct fake *f = ctx;
	int n;
	long long until = mono_ms() + WAIT_MS;

	pthread_mutex_lock(&f->mu);
	n = f->audits;
	if (n < 16) {
		f->concurrency_seen[n] = cfg->collect.concurrency;
		f->audit_start_ms[n] = mono_ms();
	}
	f->audit_running = true;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);

	/* A slow audit checks the stop flag between its steps, like the
	 * real one between API calls. */
	while (f->slow && !*stop && mono_ms() < until)
		usleep(2000);

	pthread_mutex_lock(&f->mu);
	if (*stop) {
		f->saw_stop = true;
		snprintf(summary, len, "audit %d stopped", n + 1);
	} else {
		f->state_writes++;
		snprintf(summary, len, "audit %d: 3 edges, 1 gained", n + 1);
	}
	f->audits++;
	f->audit_running = false;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	return *stop ? -1 : 0;
}

static long
fake_deliver(void *ctx, const struct config *cfg,
    const volatile sig_atomic_t *stop, unsigned *retry_s, struct err *e)
{
	struct fake *f = ctx;
	long pending;

	pthread_mutex_lock(&f->mu);
	pending = f->delivers < 8 ? f->deliver_pending[f->delivers] : 0;
	f->delivers++;
	*retry_s = f->deliver_retry_s;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	return pending;
}

static struct fake F;
static char notes_all[65536];
static size_t notes_used;
static char *notifications(void);
static int notify_fd = -1;
static struct sdnotify N;
static char tmpdir[64], cfgpath[128];

static void
setup(void)
{
	char name[64];
	struct sockaddr_un a;
	socklen_t len;
	struct err e;
	const char *base = getenv("TMPDIR");

	memset(&F, 0, sizeof(F));
	notes_all[0] = '\0';
	notes_used = 0;
	pthread_mutex_init(&F.mu, NULL);
	pthread_cond_init(&F.cv, NULL);
	snprintf(tmpdir, sizeof(tmpdir), "%s/dmntestXXXXXX",
	    base != NULL && strlen(base) < 40 ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(cfgpath, sizeof(cfgpath), "%s/d.conf", tmpdir);

	/* systemd's end of the notification socket. */
	snprintf(name, sizeof(name), "@pra-daemon-test-%ld", (long)getpid());
	notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(notify_fd, 0);
	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	memcpy(a.sun_path + 1, name + 1, strlen(name) - 1);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(name));
	ck_assert_int_eq(bind(notify_fd, (struct sockaddr *)&a, len), 0);
	ck_assert_int_eq(sdnotify_open_at(&N, name, NULL, NULL, &e), 0);
}

static void
teardown(void)
{
	char cmd[128];

	sdnotify_close(&N);
	close(notify_fd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Every notification received so far, each on its own line ("|" between
 * the lines of one message). Called while the daemon runs too, to drain
 * the socket: its queue is short (net.unix.max_dgram_qlen). */

static char *
notifications(void)
{
	char *all = notes_all;
	char buf[1024];
	size_t used = notes_used;
	ssize_t n;

	while ((n = recv(notify_fd, buf, sizeof(buf) - 1, MSG_DONTWAIT)) > 0) {
		ssize_t i;

		buf[n] = '\0';
		for (i = 0; i < n; i++)
			if (buf[i] == '\n')
				buf[i] = '|';
		used += (size_t)snprintf(all + used, sizeof(notes_all) - used, "%s\n", buf);
		if (used >= sizeof(notes_all))
			break;
	}
	notes_used = used < sizeof(notes_all) ? used : sizeof(notes_all) - 1;
	return all;
}

/* Wait until pred(F) holds, or fail the test; drains the notification
 * socket meanwhile. */
static void
wait_for(bool (*pred)(const struct fake *, int), int arg, const char *what)
{
	long long until = mono_ms() + WAIT_MS;
	struct timespec ts;
	bool ok;

	for (;;) {
		notifications();
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 20 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&F.mu);
		if (!(ok = pred(&F, arg)))
			pthread_cond_timedwait(&F.cv, &F.mu, &ts);
		ok = pred(&F, arg);
		pthread_mutex_unlock(&F.mu);
		if (ok)
			return;
		if (mono_ms() > until)
			ck_abort_msg("timed out waiting for %s", what);
	}
}

static bool audits_done(const struct fake *f, int n) { return f->audits >= n; }
static bool configured(const struct fake *f, int n) { return f->configures >= n; }
static bool running(const struct fake *f, int n) { return f->audit_running; }
static bool delivered(const struct fake *f, int n) { return f->delivers >= n; }

/* The driver: a script of steps run next to the daemon. */
typedef void (*script_fn)(void);

static void *
driver_main(void *arg)
{
	script_fn script = (script_fn)(uintptr_t)arg;
	sigset_t all;

	/* Signals sent to the process must reach the daemon's sigtimedwait,
	 * not this thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	script();
	return NULL;
}

static const struct daemon_hooks hooks = {
	&F, fake_configure, fake_audit, fake_deliver, NULL,
};

/* Run the daemon with cfg until the script has it stop; its exit code. */
static int
run_daemon(const struct config *cfg, unsigned interval_ms, script_fn script)
{
	struct daemon_opts o;
	pthread_t drv;
	int rc;

	memset(&o, 0, sizeof(o));
	o.config_path = cfgpath;
	o.config_path_given = true;
	o.interval_ms = interval_ms;
	o.notify = &N;
	ck_assert_int_eq(pthread_create(&drv, NULL, driver_main,
	    (void *)(uintptr_t)script), 0);
	rc = daemon_run(cfg, &o, &hooks);
	pthread_join(drv, NULL);
	return rc;
}

static void
config_for_test(struct config *c)
{
	struct err e;

	ck_assert_int_eq(config_defaults(c, &e), 0);
	c->daemon.jitter = 0;
}

static void
write_config(const char *text)
{
	char tmp[160];
	FILE *fp;

	/* Renamed into place: the daemon must never read half a file. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", cfgpath);
	fp = fopen(tmp, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_ge(fputs(text, fp), 0);
	ck_assert_int_eq(fclose(fp), 0);
	chmod(tmp, 0600);
	ck_assert_int_eq(rename(tmp, cfgpath), 0);
}

/* ---- tests ----------------------------------------------------------- */

static void
script_three_audits(void)
{
	wait_for(delivered, 3, "three audits and their delivery rounds");
	kill(getpid(), SIGTERM);
}

START_TEST(test_audit_at_start_then_every_interval)
{
	struct config c;
	char *notes;
	long long t0 = mono_ms();

	config_for_test(&c);
	ck_assert_int_eq(run_daemon(&c, 400, script_three_audits), CLI_EXIT_OK);
	ck_assert_int_ge(F.audits, 3);
	ck_assert_int_eq(F.configures, 1);
	/* The first at once; the next ones an interval apart. The fake sees
	 * each start a thread start later than the daemon scheduled it, so
	 * the gaps are measured with that much slack (valgrind is slow). */
	ck_assert_int_lt(F.audit_start_ms[0] - t0, 300);
	ck_assert_int_ge(F.audit_start_ms[1] - F.audit_start_ms[0], 300);
	ck_assert_int_ge(F.audit_start_ms[2] - F.audit_start_ms[1], 300);
	/* Each audit is followed by a delivery round. */
	ck_assert_int_ge(F.delivers, 3);
	/* READY=1 before anything else; the status names each audit done.
	 * The SIGTERM may come before the third audit's status is sent (the
	 * stop is seen as soon as its delivery round starts), so the second
	 * one is the last the test can count on. */
	notes = notifications();
	ck_assert_ptr_eq(strstr(notes, "READY=1\n"), notes);
	ck_assert_ptr_nonnull(strstr(notes, "STATUS=auditing\n"));
	ck_assert_ptr_nonnull(strstr(notes, "STATUS=audit 2: 3 edges, 1 gained; "
	    "next audit in 0 s\n"));
	config_free(&c);
}
END_TEST

static void
script_usr1(void)
{
	wait_for(audits_done, 1, "the audit at start");
	kill(getpid(), SIGUSR1);
	wait_for(audits_done, 2, "the audit SIGUSR1 asked for");
	kill(getpid(), SIGTERM);
}

START_TEST(test_sigusr1_audits_now)
{
	struct config c;

	config_for_test(&c);
	/* An hour's interval: only SIGUSR1 can bring a second audit. */
	ck_assert_int_eq(run_daemon(&c, 3600 * 1000, script_usr1), CLI_EXIT_OK);
	ck_assert_int_eq(F.audits, 2);
	config_free(&c);
}
END_TEST

static void
script_reload(void)
{
	wait_for(audits_done, 1, "the audit at start");
	write_config("collect = { concurrency = 3; };\n");
	kill(getpid(), SIGHUP);
	wait_for(configured, 2, "the new config to be configured");
	kill(getpid(), SIGUSR1);
	wait_for(audits_done, 2, "an audit with the new config");
	/* A broken config: rejected, the running one stays. SIGHUP is taken
	 * before SIGUSR1 (lower signals first), and a reload is done before
	 * the next audit starts. */
	write_config("collect = { concurrency = 3; };\ndaemon = { interval = 1; };\n");
	kill(getpid(), SIGHUP);
	kill(getpid(), SIGUSR1);
	wait_for(audits_done, 3, "an audit after the rejected reload");
	kill(getpid(), SIGTERM);
}

START_TEST(test_sighup_good_then_bad_config)
{
	struct config c;
	struct confdiag d = CONFDIAG_INIT;
	char *log = NULL, *notes;
	size_t n = 0;
	FILE *fp;

	write_config("collect = { concurrency = 5; };\n");
	ck_assert_int_eq(config_load(&c, cfgpath, &d), 0);
	c.daemon.jitter = 0;
	fp = open_memstream(&log, &n);
	log_set_stream(fp);
	ck_assert_int_eq(run_daemon(&c, 3600 * 1000, script_reload), CLI_EXIT_OK);
	log_set_stream(NULL);
	fclose(fp);
	ck_assert_int_eq(F.audits, 3);
	ck_assert_int_eq(F.concurrency_seen[0], 5);
	ck_assert_int_eq(F.concurrency_seen[1], 3);
	ck_assert_int_eq(F.concurrency_seen[2], 3);
	/* The bad file was never handed to the hooks. */
	ck_assert_int_eq(F.configures, 2);
	ck_assert_ptr_nonnull(strstr(log, "daemon.interval: 1 is out of range "
	    "60..604800"));
	ck_assert_ptr_nonnull(strstr(log, "invalid configuration (1 problem); "
	    "keeping the previous one"));
	/* Two reloads, each RELOADING=1 then READY=1. */
	notes = notifications();
	ck_assert_ptr_nonnull(strstr(notes, "READY=1\n"));
	{
		const char *p = notes;
		int reloads = 0;

		while ((p = strstr(p, "RELOADING=1|MONOTONIC_USEC=")) != NULL) {
			const char *ready = strstr(p, "\nREADY=1\n");

			ck_assert_ptr_nonnull(ready);
			reloads++;
			p = ready;
		}
		ck_assert_int_eq(reloads, 2);
	}
	free(log);
	config_free(&c);
	confdiag_free(&d);
}
END_TEST

static void
script_refused(void)
{
	wait_for(audits_done, 1, "the audit at start");
	write_config("collect = { concurrency = 9; };\n");
	kill(getpid(), SIGHUP);
	wait_for(configured, 2, "the new config to be offered");
	kill(getpid(), SIGUSR1);
	wait_for(audits_done, 2, "an audit after the refusal");
	kill(getpid(), SIGTERM);
}

/* A config the hooks cannot use (say its outbox cannot be opened) is
 * rejected like an invalid one. */
START_TEST(test_reload_refused_by_hooks_keeps_old)
{
	struct config c;

	config_for_test(&c);
	c.collect.concurrency = 4;
	F.fail_configure_at = 2;
	ck_assert_int_eq(run_daemon(&c, 3600 * 1000, script_refused), CLI_EXIT_OK);
	ck_assert_int_eq(F.concurrency_seen[0], 4);
	ck_assert_int_eq(F.concurrency_seen[1], 4);
	config_free(&c);
}
END_TEST

static void
script_term_mid_audit(void)
{
	wait_for(running, 0, "the slow audit to start");
	kill(getpid(), SIGTERM);
}

START_TEST(test_sigterm_abandons_slow_audit)
{
	struct config c;
	long long t0;
	char *notes, *stopping;

	config_for_test(&c);
	F.slow = true;
	t0 = mono_ms();
	ck_assert_int_eq(run_daemon(&c, 3600 * 1000, script_term_mid_audit),
	    CLI_EXIT_OK);
	/* The audit saw the stop flag and wrote nothing; no delivery round
	 * ran after the stop (queued alerts wait for the next start). */
	ck_assert(F.saw_stop);
	ck_assert_int_eq(F.state_writes, 0);
	ck_assert_int_eq(F.delivers, 0);
	ck_assert_int_lt(mono_ms() - t0, WAIT_MS);
	/* READY=1 first, STOPPING=1 sent, and nothing after it but the
	 * status of the stop. */
	notes = notifications();
	ck_assert_ptr_eq(strstr(notes, "READY=1\n"), notes);
	stopping = strstr(notes, "STOPPING=1\n");
	ck_assert_ptr_nonnull(stopping);
	ck_assert_str_eq(stopping, "STOPPING=1\n");
	config_free(&c);
}
END_TEST

static void
script_wait_deliveries(void)
{
	wait_for(delivered, 2, "the retried delivery");
	kill(getpid(), SIGINT);
}

START_TEST(test_delivery_retried_while_pending)
{
	struct config c;
	long long t0 = mono_ms();

	config_for_test(&c);
	F.deliver_pending[0] = 2;	/* after the audit: two still queued */
	F.deliver_pending[1] = 0;
	F.deliver_retry_s = 1;
	ck_assert_int_eq(run_daemon(&c, 3600 * 1000, script_wait_deliveries),
	    CLI_EXIT_OK);
	ck_assert_int_eq(F.audits, 1);
	ck_assert_int_eq(F.delivers, 2);
	/* The retry waited for retry_s. */
	ck_assert_int_ge(mono_ms() - t0, 1000);
	config_free(&c);
}
END_TEST

START_TEST(test_configure_failure_at_start)
{
	struct config c;
	struct daemon_opts o;

	config_for_test(&c);
	F.fail_configure_at = 1;
	memset(&o, 0, sizeof(o));
	o.config_path = cfgpath;
	o.notify = &N;
	ck_assert_int_eq(daemon_run(&c, &o, &hooks), CLI_EXIT_ERROR);
	ck_assert_int_eq(F.audits, 0);
	/* Never said it was ready. */
	ck_assert_ptr_null(strstr(notifications(), "READY=1"));
	config_free(&c);
}
END_TEST

static void
script_watchdog(void)
{
	int i;

	wait_for(running, 0, "the slow audit to start");
	for (i = 0; i < 8; i++) {
		usleep(50 * 1000);
		notifications();
	}
	kill(getpid(), SIGTERM);
}

/* The main loop answers the watchdog while an audit runs. */
START_TEST(test_watchdog_during_audit)
{
	char name[64];
	struct config c;
	struct err e;
	const char *p;
	int pings = 0;

	config_for_test(&c);
	F.slow = true;
	sdnotify_close(&N);
	snprintf(name, sizeof(name), "@pra-daemon-test-%ld", (long)getpid());
	ck_assert_int_eq(sdnotify_open_at(&N, name, "100000", NULL, &e), 0);
	ck_assert_int_eq(run_daemon(&c, 3600 * 1000, script_watchdog), CLI_EXIT_OK);
	for (p = notifications(); (p = strstr(p, "WATCHDOG=1\n")) != NULL; p++)
		pings++;
	/* 50 ms apart over 400+ ms of audit. */
	ck_assert_int_ge(pings, 4);
	config_free(&c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("daemon");
	TCase *tc = tcase_create("loop");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_audit_at_start_then_every_interval);
	tcase_add_test(tc, test_sigusr1_audits_now);
	tcase_add_test(tc, test_sighup_good_then_bad_config);
	tcase_add_test(tc, test_reload_refused_by_hooks_keeps_old);
	tcase_add_test(tc, test_sigterm_abandons_slow_audit);
	tcase_add_test(tc, test_delivery_retried_while_pending);
	tcase_add_test(tc, test_configure_failure_at_start);
	tcase_add_test(tc, test_watchdog_during_audit);
	suite_add_tcase(s, tc);
	return check_main(s);
}
