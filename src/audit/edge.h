/*
 * The audit's answer as data: the privileged roles and the effective
 * PassRole edges (principal -> privileged role -> services), with what each
 * rests on. audit.c produces an edge set from a snapshot; state.c stores it,
 * diff.c compares two, report.c prints one, the alerts are made from diffs.
 *
 * Ownership: struct edge_set owns every string and array reachable from it
 * (each malloc'd on its own); edge_set_free() releases them. Arrays are kept
 * sorted (edge_set_sort) so that two sets compare and print
 * deterministically.
 */
#ifndef PRA_AUDIT_EDGE_H
#define PRA_AUDIT_EDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util/err.h"

/* 2: edges carry usable, uses and alternatives (version 1 is still read:
 * its edges' usability is unknown). */
#define EDGE_FORMAT_VERSION 2

/* Why a role is privileged: "config: name DeployAdmin*", "config: tag
 * tier=admin", "auto: allows * on *", "auto: allows iam:PassRole on *". */
struct edge_privileged {
	char *role_arn;
	char *account;
	char **reasons;
	size_t nreasons;
};

/* A VPC endpoint whose policy would deny this PassRole when the calling
 * service's API is reached through it. */
struct edge_caveat {
	char *endpoint_id;	/* vpce-... */
	char *region;
	char *service_name;	/* com.amazonaws.eu-west-1.events */
	char *message;		/* the AccessDenied sentence */
};

/* One hop of an indirect path: "assume" (the principal can sts:AssumeRole
 * into arn) or "pass" (it can pass arn to via_service, which then acts with
 * arn's permissions). */
struct edge_hop {
	char *kind;		/* "assume" | "pass" */
	char *arn;		/* the role acted as next */
	char *via_service;	/* for "pass": "cloudformation.amazonaws.com" */
};

/* Whether the caller can make a service act with the passed role: every
 * action of one of the service's sets (sinks.def) evaluated through the
 * same chain as the PassRole. UNKNOWN only in state written before the
 * audit knew (edgepack v1/v2, edge files of format 1): diff.c does not
 * report a change from it. Ordered: a larger value is more usable. */
enum edge_usable {
	EDGE_USABLE_UNKNOWN,
	EDGE_USABLE_NO,
	EDGE_USABLE_CONDITIONAL,
	EDGE_USABLE_YES,
};

/* One service of the edge: how usable, and the actions that make it so. */
struct edge_use {
	char *service;		/* as in services[] */
	enum edge_usable usable;
	/* The action set (space-separated) that makes it so; for NO the set
	 * that came closest, or NULL when sinks.def knows no set for the
	 * service. */
	char *actions;
	char *refused;		/* NO: the actions of that set refused, or NULL */
};

/* Another way to the same role, kept for the report (audit.max_alternatives). */
struct edge_alt {
	struct edge_hop *path;	/* empty: the direct pass */
	size_t npath;
	enum edge_usable usable;
};

struct edge {
	/* The key: at most one edge per (principal, role). When there are
	 * several ways: the most usable, then the direct one, then the
	 * shortest path, then the lexically first. */
	char *principal_arn;
	char *principal_type;	/* "user" | "role" */
	char *account;
	char *role_arn;
	/* Services the role can be passed to: the trust policy's
	 * Principal.Service values that an iam:PassedToService constraint (if
	 * any) admits. Sorted. Empty with no_service set: no service trusts
	 * the role ("no service can use it"). */
	char **services;
	size_t nservices;
	bool no_service;
	/* "allowed" or "conditional"; for conditional, the open constraints
	 * as text ("aws:RequestedRegion StringEquals eu-west-1"). */
	bool conditional;
	char *conditions;	/* NULL when not conditional */
	struct edge_hop *path;	/* empty for a direct edge */
	size_t npath;
	/* One line: the statement(s) that grant and the layers that limit,
	 * e.g. "allowed by DevOps (managed, Sid PassDeploy); limited by
	 * boundary DevBoundary". */
	char *reason;
	struct edge_caveat *caveats;
	size_t ncaveats;
	/* The best of uses[] (NO when there is no service). */
	enum edge_usable usable;
	struct edge_use *uses;	/* one per service of the path's last pass, sorted */
	size_t nuses;
	struct edge_alt *alts;	/* best first; at most audit.max_alternatives */
	size_t nalts;
};

/* "yes", "no", "conditional", "unknown"; and back (-1 if none of these). */
const char *edge_usable_name(enum edge_usable u);
int edge_usable_parse(const char *s, enum edge_usable *u);

/* Which accounts were audited: an account whose snapshot parts were
 * incomplete has audited = false and why; its edges are not in the set and
 * must not be diffed ("not audited"). */
struct edge_account {
	char *id;
	bool audited;
	char *why;		/* NULL when audited */
	/* The SCPs/RCPs could not be read: results in this account are
	 * single-account mode results. */
	bool org_unknown;
	/* When this account's edges were last audited: 0 means by the run
	 * that made this set. The saved state carries the last known edges of
	 * an account a run could not audit (state.c), with the time they were
	 * seen, so that a later complete run diffs against them. */
	time_t known_at;
};

struct edge_set {
	int format_version;	/* EDGE_FORMAT_VERSION */
	time_t taken_at;
	char *source;		/* snapshot source: "live", "offline:DIR" */
	char *org_note;		/* "single-account mode: ..." or NULL */
	struct edge_account *accounts;
	size_t naccounts;
	struct edge_privileged *privileged;
	size_t nprivileged;
	struct edge *edges;
	size_t nedges;
};

struct edge_set *edge_set_new(struct err *e);
void edge_set_free(struct edge_set *s);
void edge_clear(struct edge *ed);
/* Deep copies into zeroed *d; on -1 (ENOMEM) *d holds what was copied
 * and is released with edge_clear / edge_privileged_clear. */
int edge_copy(struct edge *d, const struct edge *s);
int edge_privileged_copy(struct edge_privileged *d, const struct edge_privileged *s);
void edge_privileged_clear(struct edge_privileged *p);

/* Append a deep copy to d (an account with known_at as given). The new
 * element is zeroed and counted before it is filled, so edge_set_free can
 * always release a half-copied set. 0, or -1 on ENOMEM. */
int edge_set_add_edge(struct edge_set *d, const struct edge *s);
int edge_set_add_privileged(struct edge_set *d, const struct edge_privileged *s);
int edge_set_add_account(struct edge_set *d, const struct edge_account *s, time_t known_at);
/* Move s's edges and privileged roles to the end of d with one
 * reallocation each (adding one at a time reallocates each time); s keeps
 * its head and accounts and is left with no entries. 0, or -1 on ENOMEM
 * with both sets as they were. */
int edge_set_move_entries(struct edge_set *d, struct edge_set *s);
/* Sort accounts by id, privileged by role ARN, edges by (principal, role),
 * each edge's services and caveats. */
void edge_set_sort(struct edge_set *s);
/* Binary search in a sorted set; NULL when absent. */
const struct edge *edge_set_find(const struct edge_set *s, const char *principal,
    const char *role);
const struct edge_account *edge_set_account(const struct edge_set *s, const char *id);

#endif
