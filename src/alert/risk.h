/*
 * Severity by risk: how dangerous an edge is, from what the passed role
 * can do and whether a service can use it, as the table in
 * passrole-auditd(8) (SEVERITY) says:
 *
 *   critical  the role is administrator-equivalent (auto: allows * or iam:*
 *             on *, unconditionally) and a service can use it, with no
 *             condition left open on the edge
 *   high      administrator-equivalent with conditions left open; or another
 *             privileged role a service can use unconditionally
 *   medium    another privileged role, conditions left open
 *   low       no service can use the role (no trust policy admits one)
 *   info      an edge lost, a role no longer privileged
 *
 * An alert's syslog severity follows (risk_log_level): critical and high
 * "error" (critical is sent with syslog priority crit), medium "warning",
 * low "notice", info "info"; alerts.min_severity and the webhooks'
 * min_severity filter on that.
 *
 * struct risk_view gathers, account by account as the audit streams them,
 * what the alerts need beyond the diff: the class of every privileged role
 * (for the risk of a gained or changed edge) and, for the first run's
 * baseline alert, the count of edges by risk and the most severe ones.
 * Owns everything in it; risk_view_free() releases it.
 */
#ifndef PRA_ALERT_RISK_H
#define PRA_ALERT_RISK_H

#include <stdbool.h>
#include <stddef.h>

#include "accepted.h"
#include "audit/edge.h"
#include "log.h"
#include "util/err.h"

enum alert_risk { RISK_INFO = 0, RISK_LOW, RISK_MEDIUM, RISK_HIGH, RISK_CRITICAL, RISK_COUNT };

enum risk_role_class {
	RISK_ROLE_PRIVILEGED = 0,	/* privileged, not known to be admin-equivalent */
	RISK_ROLE_ADMIN,		/* auto: allows * or iam:* on *, unconditionally */
};

/* Edges the baseline alert names, most severe first. */
#define RISK_TOP_MAX 10

/* "critical" ... "info"; NULL for an unknown value. */
const char *risk_name(enum alert_risk r);
int risk_parse(const char *s, enum alert_risk *out);
enum log_level risk_log_level(enum alert_risk r);

enum risk_role_class risk_classify(const struct edge_privileged *p);
/* The risk of an edge that exists (gained, changed, or in a baseline). */
enum alert_risk risk_of_edge(const struct edge *ed, enum risk_role_class cls);

struct risk_role {
	char *arn;
	enum risk_role_class cls;
};

struct risk_view {
	struct risk_role *roles;	/* sorted by arn once risk_view_sort ran */
	size_t nroles, caproles;
	bool sorted;
	size_t counts[RISK_COUNT];	/* edges seen, by risk */
	size_t nedges;
	struct edge top[RISK_TOP_MAX];	/* copies, most severe first */
	enum alert_risk top_risk[RISK_TOP_MAX];
	size_t ntop;
	/* Accepted edges (set acc and now before the first account): they
	 * are counted apart, never among the counts and the most severe,
	 * and matched[i] counts the edges entry i accepts. */
	const struct accepted_list *acc;
	time_t now;
	size_t *matched;		/* acc->n counters, owned */
	size_t accepted;		/* edges accepted */
	bool incomplete;		/* an account was not audited */
};

/* Take one account's privileged roles and edges (cur as audit_run's sink
 * gets it). 0, or -1 with e (ENOMEM). */
int risk_view_account(struct risk_view *v, const struct edge_set *cur, struct err *e);
/* The class of a role (privileged when unknown: a role only appears in an
 * edge when it is privileged). v may be NULL. */
enum risk_role_class risk_view_role(struct risk_view *v, const char *role_arn);
void risk_view_free(struct risk_view *v);

#endif
