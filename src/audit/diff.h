/*
 * What changed between two edge sets: gained, lost and changed edges, and
 * privileged roles added or removed. Accounts that were not audited in
 * either run are not compared (their edges are neither gained nor lost):
 * they are listed as not audited, so that a fetch failure never reads as a
 * lost PassRole.
 *
 * Ownership: a struct edge_diff borrows the edges and privileged entries
 * of the two sets it was computed from (they must outlive it) and owns its
 * arrays and the "what" strings; diff_free() releases those.
 */
#ifndef PRA_AUDIT_DIFF_H
#define PRA_AUDIT_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "audit/edge.h"
#include "util/err.h"

enum diff_kind {
	DIFF_GAINED,		/* new edge (principal, role) */
	DIFF_LOST,		/* edge gone, account audited both times */
	DIFF_CHANGED,		/* same key; services, conditions or path differ */
	DIFF_PRIV_ADDED,	/* role became privileged */
	DIFF_PRIV_REMOVED,
};

/*
 * One input change behind an entry (cause.h finds them): what changed
 * (kind: "managed-policy", "inline-policy", "scp", "rcp", "boundary",
 * "trust-policy", "endpoint-policy", "policy-attachment",
 * "org-policy-attachment", "group-membership", "user", "group", "role",
 * "endpoint", "tags", "account-parent", "ou-parent", "role-privileged"),
 * where (account; name; arn or id; on: the principal, OU or account an
 * attachment, membership, boundary or inline policy belongs to), and
 * before/after (a version id, a document's fingerprint "sha256:...", an
 * ARN or id, "attached"/"detached", "present"/"absent"; NULL: none).
 * verified: putting this input back as it was (with the other causes of
 * the entry marked jointly, when jointly is set) gives the previous
 * answer for the entry. Owns its strings.
 */
struct diff_cause {
	char *kind;
	char *account;
	char *name;
	char *arn;
	char *id;
	char *on;
	char *before;
	char *after;
	bool verified;
	bool jointly;
};

struct diff_entry {
	enum diff_kind kind;
	const struct edge *old_edge;	/* NULL for GAINED and PRIV_* */
	const struct edge *new_edge;	/* NULL for LOST and PRIV_* */
	const struct edge_privileged *old_priv;	/* PRIV_REMOVED */
	const struct edge_privileged *new_priv;	/* PRIV_ADDED */
	/* For CHANGED: "services +lambda.amazonaws.com -ec2.amazonaws.com;
	 * conditions now none; path now direct". NULL otherwise. */
	char *what;
	/* Why (cause.h): owned; none with causes_note saying why none are
	 * known (a static sentence, or NULL when causes were not looked
	 * for). */
	struct diff_cause *causes;
	size_t ncauses;
	const char *causes_note;
};

struct diff_not_audited {
	const char *account;	/* borrowed */
	const char *why;	/* borrowed */
	/* true: it was the previous run that did not audit it (or it was not
	 * in its scope); this run's edges there are a baseline. */
	bool previous;
};

struct edge_diff {
	/* No previous set: this run is the baseline; entries is empty. */
	bool baseline;
	/* Made by diff_absorb: the entries own copies of their edges and
	 * privileged roles, and not_audited its strings. */
	bool owned;
	struct diff_entry *entries;	/* in (principal, role) order, PRIV_* last */
	size_t n;
	struct diff_not_audited *not_audited;
	size_t nnot_audited;
};

/* old may be NULL (baseline). 0, or -1 with e set (ENOMEM). */
int diff_compute(const struct edge_set *old, const struct edge_set *cur,
    struct edge_diff *out, struct err *e);
void diff_free(struct edge_diff *d);

/*
 * A run's diff, one account at a time: each account's diff (computed from
 * that account's previous and current sets, which are then freed) is
 * moved into run, which takes copies of what the entries borrow (run's
 * baseline is the caller's to set). When every account is in,
 * diff_finish puts the privileged-role entries last, as diff_compute
 * orders them. 0, or -1 with e (ENOMEM; run keeps what it had).
 */
int diff_absorb(struct edge_diff *run, struct edge_diff *acct, struct err *e);
int diff_finish(struct edge_diff *run, struct err *e);
const char *diff_kind_name(enum diff_kind k);	/* "gained", "lost", ... */

/* Two edges with the same key: does nothing the diff tracks differ? */
bool diff_edge_same(const struct edge *a, const struct edge *b);

void diff_cause_clear(struct diff_cause *c);
/* Deep copy into zeroed *d; -1 on ENOMEM (*d then holds what was copied,
 * released with diff_cause_clear). */
int diff_cause_copy(struct diff_cause *d, const struct diff_cause *s);

#endif
