/*
 * Mode bodies. The parts these modes need (AWS transport, policy engine,
 * audit) are built on other branches; each function below is replaced when
 * its part is merged. Until then the mode fails clearly instead of
 * pretending to work.
 */
#include "config.h"

#include "modes.h"

#include <stdio.h>
#include <string.h>

#include "aws/sts.h"
#include "awsconf.h"
#include "log.h"
#include "policy/evalcmd.h"
#include "daemon/daemon.h"

static int
not_yet(const char *what)
{
	log_error("%s is not available in this build yet", what);
	return CLI_EXIT_ERROR;
}

/*
 * The daemon's work until the audit (audit/run.h) and the alerts
 * (alert/alert.h) are merged: each scheduled audit fails, saying so, and
 * there is nothing to deliver. The loop, the signals, the reloads and the
 * systemd protocol are real; at merge these hooks are replaced by ones that
 * call audit_run() and the alert outbox.
 */
static int
daemon_audit_unavailable(void *ctx, const struct config *cfg,
    const volatile sig_atomic_t *stop, char *summary, size_t len)
{
	snprintf(summary, len, "audit failed: the audit is not available in "
	    "this build yet");
	return -1;
}

int
mode_daemon(const struct config *cfg, const struct cli_opts *opts)
{
	static const struct daemon_hooks hooks = {
		.run_audit = daemon_audit_unavailable,
	};
	struct daemon_opts o;

	memset(&o, 0, sizeof(o));
	o.config_path = opts->config_path;
	o.config_path_given = opts->config_path_given;
	o.verbosity = opts->verbosity;
	return daemon_run(cfg, &o, &hooks);
}

int
mode_audit_now(const struct config *cfg, const struct cli_opts *opts)
{
	return not_yet("--audit-now");
}

int
mode_whoami(const struct config *cfg, const struct cli_opts *opts)
{
	struct aws_client_opts o;
	struct awsconf_creds cr;
	struct err e;
	int rc = CLI_EXIT_ERROR;

	err_clear(&e);
	awsconf_client_opts(cfg, &o);
	if (awsconf_creds_new(cfg, &cr, &e) != 0) {
		log_error("%s", e.msg);
		return CLI_EXIT_ERROR;
	}
	if (aws_whoami(&o, cr.client, stdout, &e) != 0)
		log_error("%s", e.msg);
	else
		rc = CLI_EXIT_OK;
	awsconf_creds_free(&cr);
	return rc;
}

/* The decision is the output, not the exit status: a denied request is a
 * successful evaluation. Only unreadable or invalid input fails. */
static int
mode_run_eval(const struct cli_opts *opts, bool batch)
{
	struct err e;
	bool json = batch || opts->format == CLI_FORMAT_JSON;

	err_clear(&e);
	if (evalcmd_run(opts->mode_arg, batch, json, stdout, &e) != 0) {
		fflush(stdout);
		log_error("%s", e.msg);
		return CLI_EXIT_ERROR;
	}
	return CLI_EXIT_OK;
}

int
mode_eval(const struct config *cfg, const struct cli_opts *opts)
{
	return mode_run_eval(opts, false);
}

int
mode_eval_batch(const struct config *cfg, const struct cli_opts *opts)
{
	return mode_run_eval(opts, true);
}
