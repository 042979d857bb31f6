/*
 * Transitive PassRole paths: a principal that can sts:AssumeRole into role
 * S (S's trust policy and the principal's own chain both allow it), or that
 * can pass S to a service that then acts with S (services.def, acts =
 * true) and make it act with S (usable.c: a pass hop the principal cannot
 * use is none), inherits S's edges, up to max_depth hops. One edge per
 * (principal, role), ranked: the most usable (yes, conditional, no), then
 * the direct one, then the shortest path, then the lexically first (hop by
 * hop: kind, role ARN, service); up to max_alts others are kept with it as
 * alternatives, in the same order.
 */
#ifndef PRA_AUDIT_PATHS_H
#define PRA_AUDIT_PATHS_H

#include "audit/audit_int.h"
#include "audit/privileged.h"

/* Add the indirect edges to E (which holds the direct ones, depth 0). */
int paths_extend(const struct aud_account *a, const struct priv_list *pl, struct aud_edges *E,
    int max_depth, int max_alts, struct eval_state *st, struct err *e);

#endif
