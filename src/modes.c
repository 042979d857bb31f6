/*
 * Mode bodies. The parts these modes need (AWS transport, policy engine,
 * audit) are built on other branches; each function below is replaced when
 * its part is merged. Until then the mode fails clearly instead of
 * pretending to work.
 */
#include "config.h"

#include "modes.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "audit/audit.h"
#include "audit/report.h"
#include "audit/run.h"
#include "aws/sts.h"
#include "collect/awsconf.h"
#include "log.h"
#include "evalcmd.h"
#include "daemon/daemon.h"
#include "alert/alert.h"
#include "accepted.h"

/*
 * The daemon's work, behind daemon.h's hooks: audit_run() with a credential
 * chain kept across audits (so its cache is reused), and the alert outbox.
 * Both are made again from a config a SIGHUP loaded, and replace the old
 * ones only when both could be made.
 */
struct daemon_work {
	struct awsconf_creds cr;
	bool have_creds;
	struct alert_ctx *ax;
};

static void
work_release(struct daemon_work *w)
{
	alert_close(w->ax);
	w->ax = NULL;
	if (w->have_creds)
		awsconf_creds_free(&w->cr);
	w->have_creds = false;
}

static int
work_configure(void *ctx, const struct config *cfg, struct err *e)
{
	struct daemon_work *w = ctx;
	struct awsconf_creds cr;
	struct alert_ctx *ax;

	if ((ax = alert_open(cfg, cfg->state_dir, e)) == NULL)
		return -1;
	if (awsconf_creds_new(cfg, &cr, e) != 0) {
		alert_close(ax);
		return -1;
	}
	work_release(w);
	w->ax = ax;
	w->cr = cr;
	w->have_creds = true;
	return 0;
}

static void
work_summary(const struct audit_result *r, const struct alert_enqueue_stats *st,
    char *out, size_t len)
{
	size_t n[5] = { 0, 0, 0, 0, 0 }, i;
	char when[32];
	struct tm tm;

	for (i = 0; i < r->diff.n; i++)
		if ((size_t)r->diff.entries[i].kind < 5)
			n[r->diff.entries[i].kind]++;
	gmtime_r(&r->cur->taken_at, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(out, len, "audit of %s: %zu edge%s, %zu gained, %zu lost, "
	    "%zu changed, %zu privileged role change%s%s; %s; %zu alert%s queued",
	    when, r->nedges, r->nedges == 1 ? "" : "s",
	    n[DIFF_GAINED], n[DIFF_LOST], n[DIFF_CHANGED],
	    n[DIFF_PRIV_ADDED] + n[DIFF_PRIV_REMOVED],
	    n[DIFF_PRIV_ADDED] + n[DIFF_PRIV_REMOVED] == 1 ? "" : "s",
	    r->diff.baseline ? " (baseline)" : "",
	    r->complete ? "complete" : "incomplete", st->queued,
	    st->queued == 1 ? "" : "s");
}

/* The run's alerts, queued from audit_run's before_save hook: before the
 * state that records the run is saved (see audit/run.h). */
/*
 * What the alerts need from the run beyond its diff (alert/risk.h): a sink
 * in front of the report's (or alone, in the daemon) that takes each
 * account's privileged roles and edges as they stream by.
 */
struct view_sink {
	struct risk_view view;
	const struct audit_sink *inner;	/* the report's, or NULL */
	struct audit_sink self;
};

static int
view_account(void *ctx, const struct edge_set *cur, struct err *e)
{
	struct view_sink *vs = ctx;

	if (risk_view_account(&vs->view, cur, e) != 0)
		return -1;
	return vs->inner != NULL && vs->inner->account != NULL ?
	    vs->inner->account(vs->inner->ctx, cur, e) : 0;
}

static int
view_finish(void *ctx, const struct audit_result *r, struct err *e)
{
	struct view_sink *vs = ctx;

	return vs->inner != NULL && vs->inner->finish != NULL ?
	    vs->inner->finish(vs->inner->ctx, r, e) : 0;
}

/* vs in front of inner (may be NULL); the run's sink is then &vs->self. */
static void
view_sink_init(struct view_sink *vs, const struct config *cfg, const struct audit_sink *inner)
{
	memset(vs, 0, sizeof(*vs));
	vs->inner = inner;
	vs->self.account = view_account;
	vs->self.finish = view_finish;
	vs->view.acc = cfg->audit.accepted;
	vs->view.now = time(NULL);
	/* Saved edges reused unchanged raise no alert: the view needs only
	 * the accounts that were audited, which always carry theirs; but
	 * whether an accepted entry still matches an edge needs them all. */
	vs->self.entries = (inner != NULL && inner->entries) || vs->view.acc != NULL;
	vs->self.ctx = vs;
}

/* Said at every run: an entry that accepts nothing is likely a typo or a
 * leftover (alerted only when it stops matching, see alert.h). */
static void
view_warn_unmatched(const struct risk_view *v)
{
	for (size_t i = 0; v->acc != NULL && !v->incomplete && i < v->acc->n; i++)
		if ((v->matched == NULL || v->matched[i] == 0) &&
		    !accepted_expired(&v->acc->v[i], v->now))
			log_warn("%s:%u: this accepted entry matches no edge", v->acc->path,
			    v->acc->v[i].line);
}

struct work_enqueue {
	struct daemon_work *w;
	struct risk_view *view;		/* borrowed, may be NULL */
	/* --audit-now opens w->ax here, once the run has its state directory
	 * (a run that fails before must not create it). */
	const struct config *cfg;
	const char *state_dir;
	struct alert_enqueue_stats st;
	bool queued;
	bool enqueue_failed;	/* the outbox refused: no "audit failed" either */
};

/* The same run always gets the same id, so alerts queued again after a
 * crash keep theirs. */
static void
work_run_id(time_t at, const char *what, char *out, size_t len)
{
	char when[32];
	struct tm tm;

	gmtime_r(&at, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(out, len, "%s-%s", when, what);
}

static bool
work_any_audited(const struct edge_set *s)
{
	for (size_t i = 0; i < s->naccounts; i++)
		if (s->accounts[i].audited)
			return true;
	return false;
}

static int
work_enqueue_run(void *ctx, const struct audit_result *r, struct err *e)
{
	struct work_enqueue *q = ctx;
	struct alert_run run;
	const char *src = r->cur->source != NULL ? r->cur->source : "live";
	char runid[192], when[32];
	struct tm tm;

	memset(&run, 0, sizeof(run));
	if (q->w->ax == NULL && (q->w->ax = alert_open(q->cfg, q->state_dir, e)) == NULL) {
		err_prefix(e, "alerts not queued, state not saved");
		return -1;
	}
	/*
	 * A run that is saved is identified by the saved set it diffs
	 * against, not by its own time: killed between this enqueue and the
	 * save, it is repeated by the next start against the same set, and
	 * the alerts it raises again must keep their ids (the receivers drop
	 * them); and two runs within one second against two different sets
	 * (SIGUSR1) must not share ids. A baseline, or a run that saves
	 * nothing (no account audited), is identified by its time.
	 */
	if (r->has_prev && r->prev_seq > 0 && work_any_audited(r->cur)) {
		gmtime_r(&r->prev_taken_at, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		snprintf(runid, sizeof(runid), "%s-since-%llu-%s", src,
		    (unsigned long long)r->prev_seq, when);
	} else {
		work_run_id(r->cur->taken_at, src, runid, sizeof(runid));
	}
	run.id = runid;
	run.at = r->cur->taken_at;
	run.status = ALERT_RUN_OK;
	run.view = q->view;
	run.prev_at = r->has_prev ? r->prev_taken_at : 0;
	if (alert_enqueue(q->w->ax, &run, &r->diff, &q->st, e) != 0) {
		err_prefix(e, "alerts not queued, state not saved");
		q->enqueue_failed = true;
		return -1;
	}
	q->queued = true;
	return 0;
}

static int
work_audit(void *ctx, const struct config *cfg,
    const volatile sig_atomic_t *stop, char *summary, size_t len)
{
	struct daemon_work *w = ctx;
	struct audit_run_opts ro;
	struct audit_result r;
	struct alert_run run;
	struct alert_enqueue_stats fst;
	struct work_enqueue q;
	struct view_sink vs;
	struct err e, ae;
	char runid[96];
	time_t now = time(NULL);
	int rc;

	memset(&ro, 0, sizeof(ro));
	memset(&r, 0, sizeof(r));
	memset(&q, 0, sizeof(q));
	memset(&fst, 0, sizeof(fst));
	err_clear(&e);
	err_clear(&ae);
	q.w = w;
	view_sink_init(&vs, cfg, NULL);
	q.view = &vs.view;
	ro.base = w->cr.client;
	ro.lock_wait_s = 60;
	ro.before_save = work_enqueue_run;
	ro.before_save_ctx = &q;
	ro.sink = &vs.self;
	rc = audit_run(cfg, &ro, stop, &r, &e);
	if (rc == 0)
		view_warn_unmatched(&vs.view);
	risk_view_free(&vs.view);
	if (rc != 0 && *stop) {
		/* Not a failure to alert about: the daemon is stopping. A run
		 * that got past its last check point saved, and says so below. */
		snprintf(summary, len, "audit stopped; nothing saved");
		audit_result_free(&r);
		return -1;
	}
	if (rc != 0) {
		memset(&run, 0, sizeof(run));
		work_run_id(now, "failed", runid, sizeof(runid));
		run.id = runid;
		run.at = now;
		run.status = ALERT_RUN_FAILED;
		run.failure = e.msg;
		if (alert_enqueue(w->ax, &run, NULL, &fst, &ae) != 0)
			log_error("alerts: %s", ae.msg);
		snprintf(summary, len, "audit failed: %s", e.msg);
	} else {
		work_summary(&r, &q.st, summary, len);
	}
	audit_result_free(&r);
	/* A run's account-sized allocations are freed by now; hand the pages
	 * back so that the daemon idles at its idle size, not at the size of
	 * the largest account it has audited. */
	malloc_trim(0);
	return rc;
}

static long
work_deliver(void *ctx, const struct config *cfg,
    const volatile sig_atomic_t *stop, unsigned *retry_s, struct err *e)
{
	struct daemon_work *w = ctx;
	struct alert_deliver_stats st;
	int n;

	memset(&st, 0, sizeof(st));
	n = alert_deliver_pending(w->ax, stop, &st, e);
	*retry_s = alert_retry_delay_s(w->ax);
	return n;
}

static void
work_close(void *ctx)
{
	work_release(ctx);
}

int
mode_daemon(const struct config *cfg, const struct cli_opts *opts)
{
	struct daemon_work w;
	struct daemon_hooks hooks = {
		&w, work_configure, work_audit, work_deliver, work_close,
	};
	struct daemon_opts o;

	memset(&w, 0, sizeof(w));
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

/* What --audit-now did with its alerts, in one line on stderr (the report
 * is on stdout). */
static void
audit_now_alert_summary(const struct work_enqueue *q, const struct alert_deliver_stats *ds,
    bool delivered)
{
	if (!delivered) {
		log_warn("alerts: %zu queued; %zu still queued in the outbox for the next "
		    "run or the daemon", q->st.queued, ds->pending);
		return;
	}
	/* Quiet when all went out: what is left over is what needs saying. */
	log_msg(ds->pending > 0 ? LOG_LVL_WARN : LOG_LVL_INFO, "alerts: %zu queued, %zu "
	    "delivered (alert, sink), %zu still queued%s", q->st.queued, ds->delivered,
	    ds->pending, ds->pending > 0 ? " for the next run or the daemon" : "");
}

/* w->ax, opened now if the run did not, when the state directory exists
 * (what an earlier run left queued is delivered even when this one saw
 * nothing new; a directory that does not exist is not created). */
static bool
alert_ctx_existing(struct daemon_work *w, const struct config *cfg, const char *sdir)
{
	struct stat sb;
	struct err e;

	if (w->ax != NULL)
		return true;
	if (sdir == NULL || stat(sdir, &sb) != 0)
		return false;
	err_clear(&e);
	if ((w->ax = alert_open(cfg, sdir, &e)) == NULL) {
		log_error("alerts: %s", e.msg);
		return false;
	}
	return true;
}

/* Queue an "audit failed" alert as the daemon does, so that a timer's
 * failing runs are not silent. */
static void
audit_now_failed_alert(struct alert_ctx *ax, const char *why)
{
	struct alert_run run;
	struct alert_enqueue_stats st;
	char runid[96];
	time_t now = time(NULL);
	struct err ae;

	memset(&run, 0, sizeof(run));
	err_clear(&ae);
	work_run_id(now, "failed", runid, sizeof(runid));
	run.id = runid;
	run.at = now;
	run.status = ALERT_RUN_FAILED;
	run.failure = why;
	if (alert_enqueue(ax, &run, NULL, &st, &ae) != 0)
		log_error("alerts: %s", ae.msg);
}

int
mode_audit_now(const struct config *cfg, const struct cli_opts *opts)
{
	struct audit_run_opts ro;
	struct audit_result r;
	struct awsconf_creds cr;
	struct report *rp = NULL;
	struct daemon_work w;
	struct work_enqueue q;
	struct alert_deliver_stats ds;
	struct view_sink vs;
	bool have_creds = false, use_state, alerting, delivered = false;
	const char *sdir;
	struct err e;
	int rc = CLI_EXIT_ERROR;

	memset(&r, 0, sizeof(r));
	memset(&w, 0, sizeof(w));
	memset(&q, 0, sizeof(q));
	memset(&ds, 0, sizeof(ds));
	memset(&vs, 0, sizeof(vs));
	err_clear(&e);
	if (catch_stop_signals() != 0 || audit_opts(cfg, opts, &ro, &cr, &have_creds) != 0)
		goto out;
	use_state = !opts->no_state && opts->baseline == NULL;
	/*
	 * A run that saves the state consumes what changed since the last
	 * one: it queues the alerts first, in the daemon's outbox and under
	 * the daemon's ids, exactly as the daemon does. --no-alerts saves
	 * nothing instead, so the changes stay for the next run to alert.
	 */
	alerting = use_state && !opts->no_alerts;
	ro.no_save = use_state && opts->no_alerts;
	sdir = opts->state_dir != NULL ? opts->state_dir : cfg->state_dir;
	if (alerting) {
		q.w = &w;
		q.cfg = cfg;
		q.state_dir = sdir;
		ro.before_save = work_enqueue_run;
		ro.before_save_ctx = &q;
	}
	/* The report is written as the accounts are audited. */
	if ((rp = report_new(stdout, opts->format == CLI_FORMAT_JSON ? REPORT_JSON :
	    opts->format == CLI_FORMAT_JSONL ? REPORT_JSONL : REPORT_TEXT,
	    opts->summary ? REPORT_SUMMARY : opts->changes_only ? REPORT_CHANGES : REPORT_ALL,
	    &e)) == NULL) {
		log_error("%s", e.msg);
		goto out;
	}
	report_set_view(rp, &(struct report_view){ 0, opts->verbosity > 0, {
		opts->accounts, opts->naccounts, opts->roles, opts->nroles,
		opts->principals, opts->nprincipals } });
	report_set_accepted(rp, cfg->audit.accepted, time(NULL));
	ro.sink = report_sink(rp);
	if (alerting) {
		view_sink_init(&vs, cfg, ro.sink);
		q.view = &vs.view;
		ro.sink = &vs.self;
	}
	if (audit_run(cfg, &ro, &audit_stop, &r, &e) != 0) {
		log_error("audit failed: %s", e.msg);
		if (alerting && !audit_stop && !q.queued && !q.enqueue_failed &&
		    alert_ctx_existing(&w, cfg, sdir))
			audit_now_failed_alert(w.ax, e.msg);
		goto deliver;
	}
	if (alerting)
		view_warn_unmatched(&vs.view);
	if (!r.complete)
		log_warn("the audit is incomplete (%zu account(s) not audited or not "
		    "compared%s); see the report", r.diff.nnot_audited,
		    r.cur->org_note != NULL ? ", organization policies unknown" : "");
	/* Precedence (cli.h): error, then changes, then incomplete. */
	rc = audit_result_changed(&r) ? CLI_EXIT_CHANGES :
	    !r.complete ? CLI_EXIT_INCOMPLETE : CLI_EXIT_OK;
deliver:
	/* The sinks' own retry limits bound this; what they refuse stays
	 * queued for the next run or the daemon, and is no failure of the
	 * audit. Not tried when the outbox refused this run's alerts: that
	 * would wait for the same lock again. */
	if (alerting && !audit_stop && !q.enqueue_failed &&
	    alert_ctx_existing(&w, cfg, sdir)) {
		err_clear(&e);
		if (alert_deliver_pending(w.ax, &audit_stop, &ds, &e) < 0)
			log_warn("alerts not delivered now: %s", e.msg);
		else
			delivered = true;
		audit_now_alert_summary(&q, &ds, delivered);
	}
out:
	report_free(rp);
	audit_result_free(&r);
	risk_view_free(&vs.view);
	alert_close(w.ax);
	if (have_creds)
		awsconf_creds_free(&cr);
	return rc;
}

/* The snapshot --explain and --list-privileged look at: offline, or live
 * with the config's credentials (*have_creds: cr must be freed). NULL after
 * logging why. */
static struct snapshot *
mode_snapshot(const struct config *cfg, const struct cli_opts *opts,
    struct awsconf_creds *cr, bool *have_creds)
{
	struct audit_run_opts ro;
	struct snapshot *snap;
	struct err e;

	err_clear(&e);
	if (catch_stop_signals() != 0 || audit_opts(cfg, opts, &ro, cr, have_creds) != 0)
		return NULL;
	snap = audit_run_snapshot(cfg, &ro, &audit_stop, &e);
	if (snap == NULL)
		log_error("%s", e.msg);
	return snap;
}

int
mode_explain(const struct config *cfg, const struct cli_opts *opts)
{
	struct awsconf_creds cr;
	struct snapshot *snap;
	bool have_creds = false;
	struct err e;
	int rc = CLI_EXIT_ERROR;

	err_clear(&e);
	snap = mode_snapshot(cfg, opts, &cr, &have_creds);
	if (snap == NULL)
		goto out;
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
	struct awsconf_creds cr;
	struct snapshot *snap;
	struct edge_set *set = NULL;
	bool have_creds = false, complete;
	struct err e;
	int rc = CLI_EXIT_ERROR;

	err_clear(&e);
	snap = mode_snapshot(cfg, opts, &cr, &have_creds);
	if (snap == NULL)
		goto out;
	if ((set = audit_privileged(snap, &cfg->audit, &e)) == NULL) {
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
