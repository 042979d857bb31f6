/*
 * Alerts: one record per cause of the changes an audit found (group.h,
 * alerts.group_by = "cause") or per change (an edge gained, lost or
 * changed; a role that became privileged or stopped being so), and one per
 * audit that failed or left accounts unaudited. Records are queued in the
 * durable outbox (outbox.h) before any delivery and handed to the sinks
 * (syslog_sink.h, webhook.h) from there, so an alert survives a restart and
 * an outage of its receivers.
 *
 * ---------------------------------------------------------------------------
 * The daemon's API (the only calls the daemon needs):
 *
 *   struct alert_ctx *ax = alert_open(cfg, cfg->state_dir, &e);
 *       once at start, and again after a SIGHUP swapped the config in (close
 *       the old one first). Creates STATE_DIR/outbox, reloads what a previous
 *       run left there (corrupt entries are moved to outbox/corrupt), reads
 *       header values and HMAC secrets from their files if the config loader
 *       has not already done so.
 *
 *   alert_enqueue(ax, &run, diff, &st, &e);
 *       after each audit, BEFORE the new edge set is saved as the state: a
 *       crash between the two then re-runs the audit and re-enqueues; the
 *       records of one run have the same ids, so nothing is queued twice.
 *       run.status says whether the audit succeeded; diff may be NULL when it
 *       failed. Returns 0 once every record that passes the filters is on
 *       disk (or refused because the outbox is full: that is alerted to syslog
 *       and counted in st.refused).
 *
 *   alert_deliver_pending(ax, stop, &dst, &e);
 *       after each audit, and on a timer (alert_retry_delay_s()) while it
 *       returned a positive number: delivers queued alerts to every sink in
 *       queue order and returns how many remain queued (0: the outbox is
 *       empty), or -1 when the outbox itself failed (e). A sink that fails
 *       stops for this round and keeps its alerts; the other sinks go on.
 *       Blocks at most for the webhooks' timeouts and retry backoff, or
 *       until *stop is set.
 *
 *   With daemon.h's hooks: configure = alert_open() a new context for the
 *   new config (on failure keep the old one), then alert_close() the old;
 *   run_audit = the audit, alert_enqueue(), then the state save; deliver =
 *   alert_deliver_pending(ax, stop, NULL, e) with *retry_s =
 *   alert_retry_delay_s(ax); close = alert_close().
 *
 *   alert_close(ax);
 *       on exit; pending alerts stay in the outbox for the next start.
 * ---------------------------------------------------------------------------
 *
 * The JSON form of an alert (the body of a "json" webhook, and what the
 * outbox stores under "alert"); fields that do not apply are absent:
 *
 *   {
 *     "schema": "passrole-auditd.alert/1",
 *     "id": "<64 hex>",        stable: SHA-256 over kind, key, content, run
 *     "kind": "gained" | "lost" | "changed" | "privileged-added" |
 *             "privileged-removed" | "audit-failed" | "audit-incomplete" |
 *             "baseline" | "accepted-expired" | "accepted-unmatched" |
 *             "cause" (the changes one cause explains: group.h, which
 *             documents its members and its id),
 *     "severity": "error" | "warning" | "notice" | "info" | "debug",
 *     "risk": "critical" | "high" | "medium" | "low" | "info",  (risk.h)
 *     "timestamp": "2026-11-23T11:00:00Z",   when the audit ran (UTC)
 *     "run": "<the audit run's identity>",
 *     "account": "111122223333",             the principal's (or role's) account
 *     "principal": "arn:aws:iam::...:user/alice",
 *     "principal_type": "user" | "role",
 *     "role": "arn:aws:iam::...:role/Admin",
 *     "services": ["lambda.amazonaws.com", ...],   may be empty
 *     "no_service": true,                    only when no service trusts the role
 *     "path": "direct" | "assume <arn> > pass <arn> via <service> > ...",
 *     "conditions": "aws:RequestedRegion StringEquals eu-west-1",
 *     "reason": "one line: what grants it, or why the audit failed",
 *     "change": "services +lambda.amazonaws.com; path now direct",  (changed)
 *     "not_audited": [{"account": "...", "why": "..."}]   (audit-incomplete)
 *     "counts": {"critical": 1, "high": 0, ...},  (baseline: edges by risk)
 *     "edges": [{"principal": "...", "role": "...", "risk": "critical"}]
 *                                            (baseline: the most severe, at most 10)
 *   }
 *
 * For "lost" the edge fields describe the edge that was lost; for
 * "changed" they describe the new edge.
 *
 * The id is hex(SHA-256(P("passrole-auditd alert id 1") P(kind) P(run)
 * P(account) P(principal) P(role) P(path) P(conditions) P(no_service ? "1" :
 * "0") P(change) P(reason) P(service)... P(na.account) P(na.why)...)) where
 * P(s) is s's length as 8 bytes big-endian followed by s, and an absent
 * field is the length 0xffffffffffffffff alone; a baseline alert has
 * "baseline" in place of the run (a baseline run repeated after a crash is
 * identified by its time, and must not raise a second summary of the same
 * edges). So the same change found by
 * the same run always has the same id (re-enqueue and re-delivery keep it),
 * and two different changes or two runs never share one.
 */
#ifndef PRA_ALERT_ALERT_H
#define PRA_ALERT_ALERT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "alert/risk.h"
#include "audit/diff.h"
#include "conf.h"
#include "log.h"
#include "util/err.h"

#define ALERT_SCHEMA "passrole-auditd.alert/1"
#define ALERT_ID_LEN 64

enum alert_kind {
	ALERT_GAINED = 0,
	ALERT_LOST,
	ALERT_CHANGED,
	ALERT_PRIV_ADDED,
	ALERT_PRIV_REMOVED,
	ALERT_AUDIT_FAILED,
	ALERT_AUDIT_INCOMPLETE,
	ALERT_BASELINE,			/* the first run's summary */
	ALERT_ACCEPTED_EXPIRED,		/* an accepted-edges entry is past its date */
	ALERT_ACCEPTED_UNMATCHED,	/* an accepted-edges entry matches no edge */
	ALERT_CAUSE,		/* the changes one cause (set) explains: group.h */
	ALERT_KIND_COUNT
};

struct alert_not_audited {
	char *account;
	char *why;
};

/* One of the most severe edges a baseline alert names. */
struct alert_brief {
	char *principal;
	char *role;
	enum alert_risk risk;
};
struct alert_group;

/* One alert. Owns every string in it; alert_free() releases them. */
struct alert {
	enum alert_kind kind;
	enum log_level severity;
	char id[ALERT_ID_LEN + 1];
	char *run;
	time_t timestamp;
	char *account;
	char *principal;
	char *principal_type;
	char *role;
	char **services;
	size_t nservices;
	bool no_service;
	char *path;
	char *conditions;
	char *reason;
	char *change;
	struct alert_not_audited *not_audited;
	size_t nnot_audited;
	enum alert_risk risk;		/* risk.h's table */
	/* ALERT_BASELINE: edges by risk, and the most severe. */
	bool has_counts;
	size_t counts[RISK_COUNT];
	struct alert_brief *top;
	size_t ntop;
	/* ALERT_CAUSE: the cause and the changes it explains (group.h);
	 * owned, NULL for the other kinds. */
	struct alert_group *group;
};

/* "gained", "privileged-added", ...; NULL for an unknown kind. */
const char *alert_kind_name(enum alert_kind k);
int alert_kind_parse(const char *name, enum alert_kind *out);
/* The severity the config gives a kind (alerts.syslog.<kind>). */
enum log_level alert_kind_severity(const struct config_alerts *c, enum alert_kind k);

void alert_free(struct alert *a);
void alert_array_free(struct alert *a, size_t n);

/* How the audit run went, and its identity. */
enum alert_run_status { ALERT_RUN_OK = 0, ALERT_RUN_FAILED };

struct alert_run {
	/* Identity of the run, the same if the same audit is enqueued again
	 * (e.g. the new edge set's taken_at and source). Required. */
	const char *id;
	time_t at;			/* when the audit ran */
	enum alert_run_status status;
	const char *failure;		/* ALERT_RUN_FAILED: one line, why */
	/* What the run saw beyond its diff (roles' classes, the baseline's
	 * counts); borrowed, may be NULL: every role is then taken as
	 * privileged but not admin-equivalent, and a baseline raises no
	 * summary. */
	struct risk_view *view;
	/* The previous run's time, 0 for none: an accepted entry's expiry
	 * is alerted by the run that first sees it past. */
	time_t prev_at;
};

/*
 * The records for one run, filtered by the config (min_severity, accounts,
 * roles), in the diff's order, then "audit incomplete" (if accounts were not
 * audited), or just "audit failed". d may be NULL for a failed run. *out
 * (owned by the caller, alert_array_free) may be NULL when *n is 0.
 * 0, or -1 with e.
 */
int alert_build(const struct config_alerts *c, const struct alert_run *run,
    const struct edge_diff *d, struct alert **out, size_t *n, struct err *e);

/* Whether the config's filters let a alert through (severity, accounts,
 * roles; patterns with * and ?; a role pattern matches the ARN or the
 * role's name). */
bool alert_filter_pass(const struct config_alerts *c, const struct alert *a);

/* The JSON form (documented above). cJSON_Delete the result; NULL on ENOMEM. */
cJSON *alert_to_json(const struct alert *a);
/* Read it back, checking the schema, the kind, the id and the types; 0, or
 * -1 with e naming the field. */
int alert_from_json(const cJSON *j, struct alert *out, struct err *e);

/* One line of key=value fields (syslog): "kind=gained severity=warning
 * id=... account=... principal=... role=... services=a,b path=direct
 * conditions=\"...\" reason=\"...\"". Values with a space, '"', '=' or
 * '\\' are double-quoted with '"' and '\\' escaped; control characters
 * become spaces. Owned by the caller; NULL on ENOMEM. */
char *alert_format_kv(const struct alert *a);

/* A short human sentence: "alice gained PassRole to Admin (lambda...)". */
char *alert_format_summary(const struct alert *a);

/* ---- the daemon's API (see the comment at the top) ---- */

struct alert_ctx;

struct alert_enqueue_stats {
	size_t raised;		/* records that passed alerts.min_severity/accounts/roles */
	size_t queued;		/* newly written to the outbox */
	size_t already;		/* already queued (same id): not written again */
	size_t refused;		/* outbox full: alerted to syslog, not queued */
};

struct alert_deliver_stats {
	size_t delivered;	/* (alert, sink) deliveries accepted this round */
	size_t failed_sinks;	/* sinks that stopped on a failure this round */
	size_t removed;		/* alerts every sink has accepted, removed */
	size_t pending;		/* alerts still queued */
};

/* Implemented in deliver.c. cfg must outlive the context (the daemon keeps the config it opened with
 * until alert_close). state_dir: STATE_DIR. */
struct alert_ctx *alert_open(const struct config *cfg, const char *state_dir, struct err *e);
int alert_enqueue(struct alert_ctx *ax, const struct alert_run *run, const struct edge_diff *d,
    struct alert_enqueue_stats *st, struct err *e);
/* stop (may be NULL): when it becomes nonzero the round ends at the next
 * alert or retry (within about 100 ms plus one request's timeout), leaving
 * the rest queued. */
int alert_deliver_pending(struct alert_ctx *ax, const volatile sig_atomic_t *stop,
    struct alert_deliver_stats *st, struct err *e);
/* Seconds alert_enqueue and alert_deliver_pending wait for the outbox's
 * lock held by another process (default OUTBOX_LOCK_WAIT_S, 120). */
void alert_ctx_set_lock_wait(struct alert_ctx *ax, int wait_s);
/* Alerts queued now (as of this process's last look). */
size_t alert_pending(const struct alert_ctx *ax);
/* Seconds the daemon should wait before the next alert_deliver_pending()
 * while alerts are pending: grows with consecutive failed rounds (30 s,
 * doubling, capped at 15 min), back to the minimum after progress. */
unsigned alert_retry_delay_s(const struct alert_ctx *ax);
void alert_close(struct alert_ctx *ax);

/* Tests: replace the webhooks' backoff sleep (default: retry_sleep_real). */
void alert_ctx_set_sleep(struct alert_ctx *ax, void (*sleep_fn)(void *ctx, unsigned ms),
    void *sleep_ctx);
/* Tests: the webhooks' backoff scale (default 500 ms base, 30 s cap). */
void alert_ctx_set_backoff(struct alert_ctx *ax, unsigned base_ms, unsigned max_ms);

#endif
