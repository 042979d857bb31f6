#include "config.h"

#include "daemon/daemon.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"

/* "never" for a timer. */
#define NEVER UINT64_MAX
/* With nothing due, wake up now and then anyway: cheap, and it bounds the
 * damage of a clock surprise. */
#define IDLE_WAKE_MS (60u * 60u * 1000u)

/* Set by the handlers; read by the main loop only. The handlers exist so
 * that a signal ignored when the program started (nohup) is caught again;
 * while the loop runs, these signals are blocked and taken by sigtimedwait,
 * which sets the same flags. */
static volatile sig_atomic_t sig_stop, sig_reload, sig_audit;

static void
on_signal(int sig)
{
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		sig_stop = 1;
		break;
	case SIGHUP:
		sig_reload = 1;
		break;
	case SIGUSR1:
		sig_audit = 1;
		break;
	default:
		break;
	}
}

enum job_kind { JOB_NONE = 0, JOB_AUDIT, JOB_DELIVER };

/* One piece of work for the worker thread; the main thread reads the
 * results only after `done` is set (release/acquire). */
struct job {
	enum job_kind kind;
	const struct daemon_hooks *h;
	const struct config *cfg;
	const volatile sig_atomic_t *stop;
	pthread_t main_thread;
	atomic_bool done;
	/* results */
	int audit_rc;
	char summary[DAEMON_SUMMARY_MAX];
	long pending;			/* -1: delivery failed, see e */
	bool delivered;			/* false: a stop skipped the round */
	unsigned retry_s;
	struct err e;
};

struct daemon {
	const struct daemon_opts *o;
	const struct daemon_hooks *h;
	struct sdnotify own_notify, *notify;
	const struct config *cur;
	struct config *owned;		/* cur, when a reload made it */
	sigset_t waitset;
	/* The audit must be able to see a stop requested while it runs; it
	 * is written by the main thread and only read by the worker. */
	volatile sig_atomic_t stop;
	bool stopping;

	pthread_t worker;
	bool busy;
	struct job job;

	bool audit_now;			/* SIGUSR1, or the start */
	bool reload_pending;
	uint64_t next_audit_ms, last_audit_ms;
	uint64_t next_deliver_ms;
	uint64_t next_watchdog_ms, watchdog_ms;
	unsigned long audits;
	char last_summary[DAEMON_SUMMARY_MAX];
	/* Alerts queued after the last round; -1: unknown, because a stop
	 * skipped the round after an audit that may have queued some. */
	long pending;
};

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t
interval_ms(const struct daemon *d)
{
	return d->o->interval_ms != 0 ? d->o->interval_ms :
	    (uint64_t)d->cur->daemon.interval * 1000u;
}

/* A uniform delay in [0, jitter]: many daemons started together (a fleet
 * rebooted at once) should not all call AWS in the same second. */
static uint64_t
jitter_ms(const struct daemon *d)
{
	uint64_t max = d->o->jitter_ms != 0 ? d->o->jitter_ms :
	    (uint64_t)d->cur->daemon.jitter * 1000u;
	uint32_t r;

	if (max == 0)
		return 0;
	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
		r = (uint32_t)now_ms() * 2654435761u;
	return (uint64_t)r % (max + 1);
}

static void
notify(struct daemon *d, const char *msg)
{
	struct err e;

	if (sdnotify_send(d->notify, msg, &e) != 0)
		log_warn("%s", e.msg);
}

static void
notify_status(struct daemon *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
notify_status(struct daemon *d, const char *fmt, ...)
{
	char text[SDNOTIFY_STATUS_MAX];
	struct err e;
	va_list ap;

	if (!sdnotify_enabled(d->notify))
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (sdnotify_status(d->notify, text, &e) != 0)
		log_warn("%s", e.msg);
}

/* The state between audits, as systemctl status shows it. */
static void
status_idle(struct daemon *d)
{
	uint64_t now = now_ms();
	uint64_t next = d->next_audit_ms > now ? (d->next_audit_ms - now) / 1000u : 0;

	if (d->audits == 0)
		notify_status(d, "waiting for the first audit");
	else if (d->pending > 0)
		notify_status(d, "%s; %ld alert%s queued; next audit in %" PRIu64 " s",
		    d->last_summary, d->pending, d->pending == 1 ? "" : "s", next);
	else
		notify_status(d, "%s; next audit in %" PRIu64 " s", d->last_summary,
		    next);
}

/* ---- the worker -------------------------------------------------------- */

static void *
worker_main(void *arg)
{
	struct job *j = arg;
	const struct daemon_hooks *h = j->h;

	if (j->kind == JOB_AUDIT) {
		j->summary[0] = '\0';
		j->audit_rc = h->run_audit(h->ctx, j->cfg, j->stop, j->summary,
		    sizeof(j->summary));
		if (j->summary[0] == '\0')
			snprintf(j->summary, sizeof(j->summary), "audit %s",
			    j->audit_rc == 0 ? "done" : "failed");
	}
	/* Alerts go out right after the audit that raised them; a stop
	 * leaves them queued for the next start. */
	j->pending = 0;
	j->retry_s = 0;
	if (h->deliver != NULL && !*j->stop) {
		j->pending = h->deliver(h->ctx, j->cfg, j->stop, &j->retry_s, &j->e);
		j->delivered = true;
	}
	atomic_store_explicit(&j->done, true, memory_order_release);
	/* Wake the main loop; SIGUSR2 is blocked there and taken by
	 * sigtimedwait. */
	pthread_kill(j->main_thread, SIGUSR2);
	return NULL;
}

static int
start_job(struct daemon *d, enum job_kind kind)
{
	int rc;

	memset(&d->job, 0, sizeof(d->job));
	d->job.kind = kind;
	d->job.h = d->h;
	d->job.cfg = d->cur;
	d->job.stop = &d->stop;
	d->job.main_thread = pthread_self();
	atomic_init(&d->job.done, false);
	err_clear(&d->job.e);
	if ((rc = pthread_create(&d->worker, NULL, worker_main, &d->job)) != 0) {
		log_error("cannot start the %s: %s", kind == JOB_AUDIT ?
		    "audit" : "alert delivery", strerror(rc));
		return -1;
	}
	d->busy = true;
	return 0;
}

static void
finish_job(struct daemon *d)
{
	uint64_t now;

	pthread_join(d->worker, NULL);
	d->busy = false;
	now = now_ms();
	if (d->job.kind == JOB_AUDIT) {
		d->audits++;
		snprintf(d->last_summary, sizeof(d->last_summary), "%s",
		    d->job.summary);
		/* An audit abandoned because the daemon stops is no error. */
		if (d->job.audit_rc == 0 || d->stopping)
			log_notice("%s", d->job.summary);
		else
			log_error("%s", d->job.summary);
	}
	if (!d->job.delivered) {
		/* What was queued still is, plus what the audit queued. */
		if (d->h->deliver != NULL)
			d->pending = -1;
	} else if (d->job.pending < 0) {
		log_error("alert delivery: %s", d->job.e.msg);
		/* The queue failed, not a receiver: try again, not too often. */
		d->next_deliver_ms = now + 60u * 1000u;
	} else if (d->job.pending > 0) {
		d->pending = d->job.pending;
		d->next_deliver_ms = now + (uint64_t)(d->job.retry_s > 0 ?
		    d->job.retry_s : 30u) * 1000u;
	} else {
		d->pending = 0;
		d->next_deliver_ms = NEVER;
	}
	if (!d->stopping)
		status_idle(d);
}

/* ---- reload -------------------------------------------------------------- */

static void
report_problems(const char *path, const struct confdiag *diag)
{
	size_t i;

	for (i = 0; i < diag->n; i++)
		log_error("%s", diag->msgs[i]);
	if (diag->dropped > 0)
		log_error("... and %zu more problems", diag->dropped);
	log_error("%s: invalid configuration (%zu problem%s); keeping the "
	    "previous one", path, confdiag_count(diag),
	    confdiag_count(diag) == 1 ? "" : "s");
}

/*
 * Read the config again. A config that does not load, or that the hooks
 * cannot use, changes nothing: the daemon goes on with the one it has, so
 * that a typo made at 3 a.m. does not stop the auditing.
 */
static void
reload(struct daemon *d)
{
	struct confdiag diag = CONFDIAG_INIT;
	struct config *nc;
	struct timespec ts;
	struct err e;
	char msg[64];
	const char *path = d->o->config_path;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%" PRIu64,
	    (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u);
	notify(d, msg);
	log_notice("reloading the configuration from %s", path);
	if ((nc = calloc(1, sizeof(*nc))) == NULL) {
		log_error("cannot reload the configuration: out of memory");
		goto ready;
	}
	if (!d->o->config_path_given && access(path, F_OK) != 0 &&
	    errno == ENOENT) {
		log_notice("%s does not exist; using the default settings", path);
		if (config_defaults(nc, &e) != 0) {
			log_error("%s; keeping the previous configuration", e.msg);
			goto reject;
		}
	} else if (config_load(nc, path, &diag) != 0) {
		report_problems(path, &diag);
		goto reject;
	}
	err_clear(&e);
	if (d->h->configure != NULL && d->h->configure(d->h->ctx, nc, &e) != 0) {
		log_error("%s: %s; keeping the previous configuration", path, e.msg);
		goto reject;
	}
	if (d->owned != NULL) {
		config_free(d->owned);
		free(d->owned);
	}
	d->owned = nc;
	d->cur = nc;
	nc = NULL;
	log_set_level(cli_log_level(d->cur->log_level, d->o->verbosity));
	/* A new interval applies from the last audit's start. */
	if (d->audits > 0 && !d->audit_now)
		d->next_audit_ms = d->last_audit_ms + interval_ms(d) + jitter_ms(d);
	log_notice("configuration reloaded from %s", path);
reject:
	if (nc != NULL) {
		config_free(nc);
		free(nc);
	}
ready:
	confdiag_free(&diag);
	notify(d, "READY=1");
	status_idle(d);
}

/* ---- the loop ------------------------------------------------------------ */

static void
take_signal(struct daemon *d, int sig)
{
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		if (d->stopping)
			break;
		log_notice("%s: stopping%s", sig == SIGTERM ? "SIGTERM" : "SIGINT",
		    d->busy ? "; abandoning the running work" : "");
		d->stopping = true;
		d->stop = 1;
		notify(d, "STOPPING=1");
		break;
	case SIGHUP:
		d->reload_pending = true;
		if (d->busy)
			log_notice("SIGHUP: the configuration is reloaded when the "
			    "running work ends");
		break;
	case SIGUSR1:
		log_notice("SIGUSR1: audit requested%s", d->busy ?
		    "; it starts when the running work ends" : "");
		d->audit_now = true;
		break;
	default:
		break;		/* SIGUSR2: the worker is done, checked below */
	}
}

static void
take_flags(struct daemon *d)
{
	if (sig_stop) {
		sig_stop = 0;
		take_signal(d, SIGTERM);
	}
	if (sig_reload) {
		sig_reload = 0;
		take_signal(d, SIGHUP);
	}
	if (sig_audit) {
		sig_audit = 0;
		take_signal(d, SIGUSR1);
	}
}

static uint64_t
min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Wait for a signal or for the earliest timer that matters now. */
static void
wait_event(struct daemon *d)
{
	uint64_t now = now_ms(), due = now + IDLE_WAKE_MS, left;
	struct timespec ts;
	siginfo_t si;
	int sig;

	if (!d->busy && !d->stopping)
		due = min_u64(due, min_u64(d->next_audit_ms, d->next_deliver_ms));
	due = min_u64(due, d->next_watchdog_ms);
	left = due > now ? due - now : 0;
	ts.tv_sec = (time_t)(left / 1000u);
	ts.tv_nsec = (long)(left % 1000u) * 1000000L;
	sig = sigtimedwait(&d->waitset, &si, &ts);
	if (sig > 0)
		take_signal(d, sig);
	else if (sig < 0 && errno != EAGAIN && errno != EINTR)
		log_warn("sigtimedwait: %s", strerror(errno));
	take_flags(d);
}

static void
watchdog(struct daemon *d)
{
	uint64_t now = now_ms();

	if (d->watchdog_ms == 0 || now < d->next_watchdog_ms)
		return;
	notify(d, "WATCHDOG=1");
	d->next_watchdog_ms = now + d->watchdog_ms;
}

static int
install_handlers(struct daemon *d, sigset_t *oldmask)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2 };
	struct sigaction sa;
	size_t i;
	int rc;

	sigemptyset(&d->waitset);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&d->waitset, sigs[i]);
	/* Blocked before the first thread exists, so the worker inherits the
	 * mask and every one of these signals comes to the main loop. */
	if ((rc = pthread_sigmask(SIG_BLOCK, &d->waitset, oldmask)) != 0) {
		log_error("cannot block signals: %s", strerror(rc));
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigaction(sigs[i], &sa, NULL) != 0) {
			log_error("cannot install a signal handler: %s", strerror(errno));
			return -1;
		}
	}
	/* A webhook receiver that closes early must not kill the daemon. */
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) != 0) {
		log_error("cannot ignore SIGPIPE: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int
daemon_run(const struct config *cfg, const struct daemon_opts *o,
    const struct daemon_hooks *h)
{
	struct daemon *d;
	sigset_t oldmask;
	struct err e;
	bool mask_set = false, configured = false;
	uint64_t now;
	int rc = CLI_EXIT_ERROR;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		log_error("cannot start the daemon: out of memory");
		return CLI_EXIT_ERROR;
	}
	d->o = o;
	d->h = h;
	d->cur = cfg;
	d->own_notify.fd = -1;
	sig_stop = sig_reload = sig_audit = 0;
	err_clear(&e);
	if (o->notify != NULL) {
		d->notify = o->notify;
	} else {
		d->notify = &d->own_notify;
		if (sdnotify_open(d->notify, &e) != 0)
			log_warn("%s; not notifying systemd", e.msg);
	}
	if (install_handlers(d, &oldmask) != 0)
		goto out;
	mask_set = true;
	if (h->configure != NULL && h->configure(h->ctx, d->cur, &e) != 0) {
		log_error("%s", e.msg);
		goto out;
	}
	configured = true;

	now = now_ms();
	if (sdnotify_watchdog_interval_usec(d->notify) > 0) {
		d->watchdog_ms = sdnotify_watchdog_interval_usec(d->notify) / 1000u;
		if (d->watchdog_ms == 0)
			d->watchdog_ms = 1;
	}
	d->next_watchdog_ms = d->watchdog_ms > 0 ? now : NEVER;
	d->next_audit_ms = now;
	d->next_deliver_ms = NEVER;
	d->audit_now = true;		/* the audit at start */
	log_notice("started: an audit every %" PRIu64 " s, plus up to %" PRIu64
	    " s of jitter", interval_ms(d) / 1000u,
	    (o->jitter_ms != 0 ? o->jitter_ms :
	    (uint64_t)d->cur->daemon.jitter * 1000u) / 1000u);
	notify(d, "READY=1");

	for (;;) {
		watchdog(d);
		if (d->busy && atomic_load_explicit(&d->job.done,
		    memory_order_acquire))
			finish_job(d);
		if (d->stopping) {
			if (!d->busy)
				break;
		} else if (!d->busy) {
			now = now_ms();
			if (d->reload_pending) {
				d->reload_pending = false;
				reload(d);
			}
			if (d->audit_now || now >= d->next_audit_ms) {
				d->audit_now = false;
				d->last_audit_ms = now;
				d->next_audit_ms = now + interval_ms(d) + jitter_ms(d);
				/* A delivery round is part of the audit's job. */
				d->next_deliver_ms = NEVER;
				if (start_job(d, JOB_AUDIT) == 0)
					notify_status(d, "auditing");
			} else if (now >= d->next_deliver_ms) {
				d->next_deliver_ms = NEVER;
				if (h->deliver != NULL && start_job(d, JOB_DELIVER) == 0)
					notify_status(d, "delivering %ld queued alert%s",
					    d->pending, d->pending == 1 ? "" : "s");
			}
		}
		wait_event(d);
	}
	log_notice("stopped%s", d->pending != 0 ? "; queued alerts stay in the "
	    "outbox for the next start" : "");
	rc = CLI_EXIT_OK;
out:
	if (configured && h->close != NULL)
		h->close(h->ctx);
	if (mask_set)
		pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
	if (d->owned != NULL) {
		config_free(d->owned);
		free(d->owned);
	}
	if (d->notify == &d->own_notify)
		sdnotify_close(&d->own_notify);
	free(d);
	return rc;
}
