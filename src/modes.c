/*
 * Mode bodies. The parts these modes need (AWS transport, policy engine,
 * audit) are built on other branches; each function below is replaced when
 * its part is merged. Until then the mode fails clearly instead of
 * pretending to work.
 */
#include "config.h"

#include "modes.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/report.h"
#include "audit/run.h"
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

/* Set by SIGINT/SIGTERM during an audit mode: the run stops at its next
 * check point and writes no state. */
static volatile sig_atomic_t audit_stop;

static void
on_stop_signal(int sig)
{
	(void)sig;
	audit_stop = 1;
}

static int
catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0) {
		log_error("cannot install the signal handlers: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* The run options from the command line; live runs get the config's
 * credential chain in *cr (the caller frees it with awsconf_creds_free
 * when *have_creds). */
static int
audit_opts(const struct config *cfg, const struct cli_opts *opts,
    struct audit_run_opts *ro, struct awsconf_creds *cr, bool *have_creds)
{
	struct err e;

	memset(ro, 0, sizeof(*ro));
	*have_creds = false;
	ro->input_dir = opts->input_dir;
	ro->state_dir = opts->state_dir;
	ro->no_state = opts->no_state;
	ro->baseline = opts->baseline;
	ro->write_edges = opts->write_edges;
	/* A daemon run saving at the same moment takes well under a minute. */
	ro->lock_wait_s = 60;
	if (opts->input_dir != NULL)
		return 0;
	err_clear(&e);
	if (awsconf_creds_new(cfg, cr, &e) != 0) {
		log_error("%s", e.msg);
		return -1;
	}
	*have_creds = true;
	ro->base = cr->client;
	return 0;
}

int
mode_audit_now(const struct config *cfg, const struct cli_opts *opts)
{
	struct audit_run_opts ro;
	struct audit_result r;
	struct awsconf_creds cr;
	bool have_creds = false;
	struct err e;
	int rc = CLI_EXIT_ERROR;

	memset(&r, 0, sizeof(r));
	err_clear(&e);
	if (catch_stop_signals() != 0 || audit_opts(cfg, opts, &ro, &cr, &have_creds) != 0)
		goto out;
	if (audit_run(cfg, &ro, &audit_stop, &r, &e) != 0) {
		log_error("audit failed: %s", e.msg);
		goto out;
	}
	if (report_audit(stdout, &r, opts->format == CLI_FORMAT_JSON, &e) != 0) {
		log_error("%s", e.msg);
		goto out;
	}
	if (!r.complete)
		log_warn("the audit is incomplete (%zu account(s) not audited or not "
		    "compared%s); see the report", r.diff.nnot_audited,
		    r.cur->org_note != NULL ? ", organization policies unknown" : "");
	/* Precedence (cli.h): error, then changes, then incomplete. */
	rc = audit_result_changed(&r) ? CLI_EXIT_CHANGES :
	    !r.complete ? CLI_EXIT_INCOMPLETE : CLI_EXIT_OK;
out:
	audit_result_free(&r);
	if (have_creds)
		awsconf_creds_free(&cr);
	return rc;
}

int
mode_explain(const struct config *cfg, const struct cli_opts *opts)
{
	struct audit_run_opts ro;
	struct awsconf_creds cr;
	struct snapshot *snap = NULL;
	bool have_creds = false;
	struct err e;
	int rc = CLI_EXIT_ERROR;

	err_clear(&e);
	if (catch_stop_signals() != 0 || audit_opts(cfg, opts, &ro, &cr, &have_creds) != 0)
		goto out;
	snap = audit_run_snapshot(cfg, &ro, &audit_stop, &e);
	if (snap == NULL) {
		log_error("%s", e.msg);
		goto out;
	}
	if (!snapshot_complete(snap))
		log_warn("the snapshot is incomplete; the explanation says which parts "
		    "it could not see");
	/* Like --eval: a denied pass is a successful explanation. */
	if (audit_explain(snap, &cfg->audit, opts->explain_principal, opts->explain_role,
	    opts->explain_service, opts->format == CLI_FORMAT_JSON, stdout, &e) != 0) {
		fflush(stdout);
		log_error("%s", e.msg);
		goto out;
	}
	if (fflush(stdout) != 0) {
		log_error("cannot write the explanation: %s", strerror(errno));
		goto out;
	}
	rc = CLI_EXIT_OK;
out:
	snapshot_free(snap);
	if (have_creds)
		awsconf_creds_free(&cr);
	return rc;
}

int
mode_list_privileged(const struct config *cfg, const struct cli_opts *opts)
{
	struct audit_run_opts ro;
	struct awsconf_creds cr;
	struct snapshot *snap = NULL;
	struct edge_set *set = NULL;
	bool have_creds = false, complete;
	struct err e;
	int rc = CLI_EXIT_ERROR;

	err_clear(&e);
	if (catch_stop_signals() != 0 || audit_opts(cfg, opts, &ro, &cr, &have_creds) != 0)
		goto out;
	snap = audit_run_snapshot(cfg, &ro, &audit_stop, &e);
	if (snap == NULL || (set = audit_snapshot(snap, &cfg->audit, &e)) == NULL) {
		log_error("%s", e.msg);
		goto out;
	}
	edge_set_sort(set);
	if (report_privileged(stdout, set, opts->format == CLI_FORMAT_JSON, &e) != 0) {
		log_error("%s", e.msg);
		goto out;
	}
	complete = snapshot_complete(snap) && set->org_note == NULL;
	for (size_t i = 0; i < set->naccounts; i++)
		complete = complete && set->accounts[i].audited && !set->accounts[i].org_unknown;
	rc = complete ? CLI_EXIT_OK : CLI_EXIT_INCOMPLETE;
out:
	edge_set_free(set);
	snapshot_free(snap);
	if (have_creds)
		awsconf_creds_free(&cr);
	return rc;
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
