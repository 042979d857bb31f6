/*
 * Usable edges: can a principal that may pass role R to a service also make
 * that service act with R? Each action of the service's action sets
 * (sinks.def) is a request of the principal, evaluated through the same
 * chain as the PassRole (SCPs, RCPs, boundary, identity policies and their
 * conditions), on a resource the caller chooses (ctx_resource_open). A set
 * is as usable as its least usable action; a service as its most usable
 * set; an edge as its most usable service.
 *
 * The answers depend on the principal and the set only (the role enters
 * through AUD_NEEDS_PROFILE alone), so they are kept per principal in a
 * cache and reused for every role it may pass.
 */
#ifndef PRA_AUDIT_USABLE_H
#define PRA_AUDIT_USABLE_H

#include "audit/audit_int.h"

struct usable_cache {
	size_t principal;	/* the principal the answers are for, or SIZE_MAX */
	signed char *set;	/* per sinks.def set: -1 not yet asked, else edge_usable */
	unsigned char *refused;	/* per set: bit k set when its action k is refused */
	size_t nsets;
};

int usable_cache_init(struct usable_cache *u, struct err *e);
void usable_cache_free(struct usable_cache *u);

/*
 * How usable passing role r to service svc is for principal pi; *use (if
 * not NULL, zeroed) receives its service, actions and refused actions
 * (owned by the caller: edge_clear releases them as part of an edge). c
 * holds pi's part of the requests in its first base keys; it is reused for
 * the action requests (what follows base is spent), and so is the
 * evaluator's arena: a result computed before is invalid afterwards.
 */
int usable_service(const struct aud_account *a, size_t pi, const struct aud_principal *r,
    const char *svc, struct usable_cache *uc, struct eval_state *st, struct ctx *c,
    size_t base, enum edge_usable *out, struct edge_use *use, struct err *e);

/*
 * How usable an existing resource of service svc that runs with role r is
 * to principal pi (the AUD_EXISTING sets of sinks.def; the resource itself
 * is not in the snapshot): *out the best set's answer, *actions its
 * actions (static), NULL when none. As usable_service otherwise.
 */
int usable_existing(const struct aud_account *a, size_t pi, const struct aud_principal *r,
    const char *svc, struct usable_cache *uc, struct eval_state *st, struct ctx *c,
    size_t base, enum edge_usable *out, const char **actions, struct err *e);

/* ed->uses (one per ed->services) and ed->usable, as usable_service. */
int usable_edge(const struct aud_account *a, size_t pi, const struct aud_principal *r,
    struct edge *ed, struct usable_cache *uc, struct eval_state *st, struct ctx *c,
    size_t base, struct err *e);

/*
 * For --explain: one line per service and action set, each action with its
 * decision and, when refused, the sentence AWS would give:
 *   usable for lambda.amazonaws.com: yes (lambda:CreateFunction + lambda:InvokeFunction)
 *     lambda:CreateFunction: allowed by ...
 * c as for usable_service.
 */
int usable_explain(const struct aud_account *a, size_t pi, const struct aud_principal *r,
    const char *const *services, size_t nservices, struct eval_state *st, struct ctx *c,
    size_t base, struct buf *out, struct err *e);

#endif
