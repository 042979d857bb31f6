/*
 * Causes: which input changes explain an account's changes (diff.h).
 *
 * The previous run's inputs of the account (its snapshot part and the
 * organization, as the state keeps them: state_read_inputs) are compared
 * with this run's, giving a list of atomic input changes — a managed
 * policy's default version, an inline, group, trust, SCP, RCP or VPC
 * endpoint policy document, a policy attached or detached (to a user,
 * group, role, OU, root or account), a group membership, a permissions
 * boundary set or cleared, a user, group, role or endpoint created or
 * deleted, tags, the account or an OU moved in the organization. Only the
 * organization changes that bear on the account (its parent chain, then
 * or now) are listed.
 *
 * Each change is then *verified* by counterfactual: the account is
 * audited again on this run's inputs with that one change put back as it
 * was; an entry whose previous answer comes back (a gained edge absent, a
 * lost one present, a changed one as it was, a role's classification as
 * it was) gets that change as a verified cause. An entry no single change
 * explains gets the smallest set found (by removing changes one by one
 * from all of them while the previous answer still comes back) marked
 * jointly; when even all of them together do not give it back (the audit
 * settings or the program changed too), every change is listed
 * unverified. A role whose privileged classification changed is also
 * named (kind "role-privileged") as a cause of its edges' changes.
 *
 * Cost: one audit of the account per input change (at most
 * CAUSE_MAX_DELTAS changes are evaluated, then CAUSE_EVAL_BUDGET audits
 * for the joint sets), and only for accounts whose inputs changed and
 * whose edges did: an account without changes costs nothing here.
 */
#ifndef PRA_AUDIT_CAUSE_H
#define PRA_AUDIT_CAUSE_H

#include "audit/audit.h"
#include "audit/diff.h"
#include "collect/snapshot.h"
#include "conf.h"
#include "util/err.h"

#define CAUSE_MAX_DELTAS 64
#define CAUSE_EVAL_BUDGET 64

/* Notes an entry carries when it has no causes. */
extern const char CAUSE_NOTE_NOT_KEPT[];	/* the previous inputs are not kept */
extern const char CAUSE_NOTE_NO_INPUT[];	/* no input changed */
extern const char CAUSE_NOTE_TOO_MANY[];	/* too many changes to verify */
extern const char CAUSE_NOTE_FAILED[];	/* finding them failed (logged) */

/*
 * Fill the causes of d's entries (one account's diff). prev_shell and
 * prev: the previous run's organization and account; shell and cur: this
 * run's (cur may differ from what ctx audited only in being sorted: the
 * same inputs). ctx: this run's audit context (its shell is shell), used
 * for counterfactuals that keep the organization. 0, or -1 with e.
 */
int cause_explain(struct audit_ctx *ctx, const struct config_audit *cfg,
    const struct snapshot *prev_shell, const struct snap_account *prev,
    const struct snapshot *shell, const struct snap_account *cur, struct edge_diff *d,
    struct err *e);

/* Give every entry of d without causes the note. */
void cause_note_all(struct edge_diff *d, const char *note);
/* Drop every cause of d's entries. */
void cause_clear_all(struct edge_diff *d);

#endif
