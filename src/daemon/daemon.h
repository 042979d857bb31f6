/*
 * The daemon: audits at start, then every daemon.interval (plus a random
 * part of daemon.jitter), and at once on SIGUSR1; delivers the alerts left
 * queued on a retry timer; re-reads the config on SIGHUP; stops on SIGTERM
 * or SIGINT. It never forks: under systemd it is Type=notify and tells the
 * manager READY=1, STATUS=, WATCHDOG=1, RELOADING=1 and STOPPING=1.
 *
 * Threads: the main thread only waits for signals and timers and never
 * blocks on I/O, so that it can always answer the watchdog and a stop
 * request. An audit, or a round of alert delivery, runs in one worker
 * thread at a time. The config the worker uses is never changed under it:
 * a SIGHUP that arrives during an audit is applied when the audit ends.
 *
 * The work itself goes through struct daemon_hooks, so that the loop can
 * be tested with fakes and knows nothing of how an audit is made.
 */
#ifndef PRA_DAEMON_DAEMON_H
#define PRA_DAEMON_DAEMON_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "daemon/sdnotify.h"
#include "util/err.h"

/* Room for the one-line summary of an audit (for STATUS= and the log). */
#define DAEMON_SUMMARY_MAX 256

struct daemon_hooks {
	void *ctx;
	/*
	 * Prepare what depends on the config (the alert outbox and sinks):
	 * once before the first audit, and after a SIGHUP loaded a valid new
	 * config, before it replaces the old one (the worker is idle then).
	 * 0; or -1 with e, and then the new config is rejected: the hook must
	 * leave what it had for the old config working. NULL: nothing to do.
	 */
	int (*configure)(void *ctx, const struct config *cfg, struct err *e);
	/*
	 * One audit, with its alerts queued (worker thread). Returns soon
	 * after *stop becomes nonzero, having written no state. 0 when the
	 * audit ran, -1 when it failed or was stopped; either way summary
	 * gets one line saying what happened.
	 */
	int (*run_audit)(void *ctx, const struct config *cfg,
	    const volatile sig_atomic_t *stop, char *summary, size_t len);
	/*
	 * Deliver queued alerts (worker thread): the number still queued,
	 * with *retry_s the seconds to wait before the next try when it is
	 * positive; -1 with e when the queue itself failed. NULL: no alerts.
	 */
	long (*deliver)(void *ctx, const struct config *cfg,
	    const volatile sig_atomic_t *stop, unsigned *retry_s, struct err *e);
	/* At exit, after the worker stopped. NULL: nothing to do. */
	void (*close)(void *ctx);
};

struct daemon_opts {
	const char *config_path;	/* re-read on SIGHUP */
	/* false: a missing config_path means the defaults on reload too, as
	 * it did at start (the default path need not exist). */
	bool config_path_given;
	int verbosity;			/* -v/-q steps, applied to a new log_level */
	/* 0: daemon.interval and daemon.jitter (seconds) of the config in
	 * force. Tests set milliseconds here to run the loop quickly. */
	unsigned interval_ms, jitter_ms;
	/* NULL: open it from the environment (sdnotify_open). */
	struct sdnotify *notify;
};

/*
 * Run until SIGTERM or SIGINT. cfg is borrowed for as long as no SIGHUP
 * replaced it; a reloaded config is the daemon's and freed by it. Returns
 * an enum cli_exit code: CLI_EXIT_OK after a clean stop, CLI_EXIT_ERROR
 * when it could not start.
 */
int daemon_run(const struct config *cfg, const struct daemon_opts *o,
    const struct daemon_hooks *h);

#endif
