/*
 * The audit's working model of one account, shared by audit.c (edges and
 * endpoint caveats), privileged.c (classification), paths.c (transitive
 * paths) and auditexplain.c.
 *
 * Every policy document of the account is compiled once here (managed
 * policies, inline policies, trust policies, boundaries, the SCP/RCP levels
 * above the account, endpoint policies); requests only point at the
 * compiled forms. Ownership: struct aud_account owns its compiled policies
 * (pols[]) and everything in its arena; the snapshot it was built from must
 * outlive it (strings are borrowed from it).
 */
#ifndef PRA_AUDIT_AUDIT_INT_H
#define PRA_AUDIT_AUDIT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "audit/edge.h"
#include "collect/snapshot.h"
#include "conf.h"
#include "policy/arena.h"
#include "policy/ctx.h"
#include "policy/eval.h"
#include "policy/policy.h"
#include "util/buf.h"
#include "util/err.h"

/* SCP levels: the root, OUs below it and the account itself. AWS allows
 * five OU levels; the bound only stops a broken tree. */
#define AUD_MAX_LEVELS 16

enum aud_ptype { AUD_USER, AUD_ROLE };

struct aud_principal {
	enum aud_ptype type;
	const char *arn, *name, *id;
	const struct snap_tag *tags;
	size_t ntags;
	struct eval_policy *identity;	/* in the account arena */
	size_t nidentity;
	const struct eval_policy *boundary;	/* NULL: none */
	bool service_linked;
	const struct snap_role *role;	/* AUD_ROLE: the role */
	const struct eval_policy *trust;	/* AUD_ROLE: its trust policy or NULL */
	/* AUD_ROLE: its ARN as a request's resource, read once (in the
	 * arena); NULL when the ARN cannot be one (requests then fail). */
	const struct ctx_resource *res;
	/* Some identity Allow statement names iam:PassRole / sts:AssumeRole
	 * (or a pattern covering it): without one the request is denied, so
	 * the audit skips it. Only grants can be missing: nothing else can
	 * allow PassRole, and an AssumeRole without one needs a trust policy
	 * naming the principal itself (trust_names). */
	bool may_pass, may_assume;
	bool trust_names;	/* the trust policy names ARNs or "*" */
	/* AUD_ROLE: the caller as AWS names it in an AccessDenied message, a
	 * session of the role: arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION
	 * (AUD_SESSION_NAME stands for whatever session name the caller
	 * chose); NULL for a user (named by its ARN). */
	const char *caller;
};

/* The session name messages use for a role caller: a stated placeholder,
 * since a session's name is the caller's choice. */
#define AUD_SESSION_NAME "SESSION"

struct aud_endpoint {
	const char *region;
	const struct snap_endpoint *ep;
	const char *service;	/* the part after com.amazonaws.REGION. */
	const struct eval_policy *policy;	/* NULL: no policy, full access */
};

/* A condition key some policy of the account mentions. */
enum aud_key_class {
	AUD_KEY_DERIVED,	/* ctx_finish() sets it from the principal ARN */
	AUD_KEY_PRINCIPAL_TAG,	/* aws:PrincipalTag/K: the principal's tag K */
	AUD_KEY_RESOURCE_TAG,	/* aws:/iam:ResourceTag/K: the target role's tag K */
	AUD_KEY_ORG_ID,
	AUD_KEY_ORG_PATHS,
	AUD_KEY_ACCOUNT,	/* aws:ResourceAccount */
	AUD_KEY_FALSE,		/* aws:PrincipalIsAWSService */
	AUD_KEY_USERID,
	AUD_KEY_ABSENT,		/* never in a request of an IAM principal */
	AUD_KEY_PASSED_TO,	/* iam:PassedToService */
	AUD_KEY_GLOBAL,		/* another aws: key: present, value unknown */
	AUD_KEY_SERVICE,	/* svc:key: unknown in requests for svc actions */
};

struct aud_key {
	const char *name;	/* in the account arena */
	size_t len;
	enum aud_key_class cls;
	const char *sub;	/* the tag key for the *_TAG classes */
	size_t sublen;
	size_t svclen;		/* AUD_KEY_SERVICE: length of the service prefix */
};

/* The organization's SCPs and RCPs, compiled once per audit and shared by
 * the accounts (compiled on first use; owns them). */
struct aud_org {
	const struct snapshot *snap;
	struct policy **compiled;	/* per s->org.policies index */
	char **why;			/* compile error, or NULL */
	bool *tried;
};

int aud_org_init(struct aud_org *o, const struct snapshot *s, struct err *e);
void aud_org_free(struct aud_org *o);

struct aud_account {
	const struct snapshot *snap;
	struct aud_org *org;
	const struct snap_account *sa;
	struct arena arena;
	struct policy **pols;	/* owned */
	size_t npols, cappols;
	/* compiled managed policies, indexed like sa->iam.policies; NULL when
	 * the document did not compile (ok == false then) */
	struct eval_policy *managed;
	/* each group's policies, compiled once for all its members */
	struct eval_policy **group_pols;	/* per sa->iam.groups index */
	size_t *group_npols;
	bool *group_done;
	struct aud_principal *principals;	/* users first, then roles */
	size_t nprincipals, nusers;
	struct eval_level scp[AUD_MAX_LEVELS];
	size_t nscp;
	struct eval_level rcp[AUD_MAX_LEVELS];
	size_t nrcp;
	const char *level_ids[AUD_MAX_LEVELS];	/* root, OUs, account */
	size_t nlevels;
	struct aud_endpoint *endpoints;
	size_t nendpoints;
	struct aud_key *keys;
	size_t nkeys;
	const struct aud_key **rtags;	/* the AUD_KEY_RESOURCE_TAG keys */
	size_t nrtags;
	const struct aud_key **svckeys;	/* the AUD_KEY_SERVICE keys */
	size_t nsvckeys;
	const struct aud_key *passed_key;	/* the AUD_KEY_PASSED_TO key, or NULL */
	const char *org_id;	/* NULL outside an organization or unknown */
	const char *org_paths;	/* "o-x/r-x/ou-x/", or NULL */
	bool org_unknown;
	/* false: the account cannot be audited; why says why (in the arena) */
	bool ok;
	const char *why;
};

/* Build the model. Returns 0 with a->ok telling whether the account can be
 * audited (why otherwise); -1 only on a hard failure (out of memory) with
 * e set. Free with aud_account_free() in every case. */
int aud_account_build(struct aud_account *a, const struct snapshot *s,
    const struct snap_account *sa, struct aud_org *org, struct err *e);
void aud_account_free(struct aud_account *a);

/* The principal index of an ARN, or -1. */
long aud_find_principal(const struct aud_account *a, const char *arn);

/*
 * A request of principal p: action on resource, with the known context
 * (principal ARN/account/tags/org, the target role's tags when target is
 * given) and every other aws:, and action-service, key that a policy of the
 * account mentions declared unknown. passed_to: where a known
 * iam:PassedToService value is kept (the ctx points at it: it must outlive
 * the request), or NULL for unknown. The ctx must stay where
 * it is while rq is used (rq points at it).
 */
int aud_request(const struct aud_account *a, const struct aud_principal *p, const char *action,
    const char *resource, const struct aud_principal *target, const char *const *passed_to,
    const struct eval_policy *endpoint, struct ctx *c, struct eval_request *rq,
    struct err *e);

/*
 * aud_request in three steps, so that the work that depends only on the
 * principal (its keys, the org's, the derived ones) is done once for its
 * many requests: aud_ctx_principal sets up c for p; then, before each
 * request, aud_ctx_target (base: the c->nkeys that aud_ctx_principal
 * left) drops the previous request's keys and sets the action, the
 * resource, the target's tag keys, iam:PassedToService (passed_to as in
 * aud_request) and the action's service keys; aud_rq_fill points rq at c
 * and the policies. The result is the request aud_request builds.
 */
int aud_ctx_principal(const struct aud_account *a, const struct aud_principal *p, struct ctx *c,
    struct err *e);
int aud_ctx_target(const struct aud_account *a, struct ctx *c, size_t base, const char *action,
    const char *resource, const struct aud_principal *target, const char *const *passed_to,
    struct err *e);
void aud_rq_fill(const struct aud_account *a, const struct aud_principal *p, const struct ctx *c,
    const struct aud_principal *target, const struct eval_policy *endpoint,
    struct eval_request *rq);

/* Services (data file services.def): the endpoint service a service
 * principal's API is reached through, and whether the service then acts
 * with the passed role's permissions for the caller. */
const char *aud_service_endpoint(const char *service_principal);
bool aud_service_acts(const char *service_principal);
size_t aud_service_count(void);
const char *aud_service_principal(size_t i);

/* buf_puts of s, or of "(null)" as printf would print it. */
int aud_put_str(struct buf *out, const char *s);

/* "allowed by X (managed policy, attached to user u, Sid S); limited by
 * ..." from an explained result. */
int aud_reason(const struct eval_result *r, struct buf *out);

/* The open constraints of a PassRole result once iam:PassedToService is
 * set to each of services (or eliminated when nservices == 0): TRUE when
 * nothing else is open. Text in out when not TRUE. */
int aud_conditions(struct arena *ar, const struct formula *f, const char *const *services,
    size_t nservices, bool *conditional, struct buf *out);

/* The edges of one account while they are computed: grid[p * npriv + r]
 * is the index of the edge from principal p to privileged role r, or -1. */
struct aud_edge {
	size_t p, r;		/* principal index, index in the privileged list */
	size_t depth;		/* number of hops */
	/* A better path to the same pair replaced it (paths.c): it is no
	 * longer in the grid and stays out of the set. */
	bool dead;
	struct edge ed;		/* owned until moved into the edge set */
};

struct aud_edges {
	struct aud_edge *v;
	size_t n, cap;
	long *grid;
	size_t npriv;
};

/* A new zeroed edge at the end (grid not updated); NULL on ENOMEM. */
struct aud_edge *aud_edges_push(struct aud_edges *E, struct err *e);
/* E->grid for nprincipals × npriv, every cell -1; -1 with e set when
 * out of memory or when the size does not fit a size_t. */
int aud_edges_grid(struct aud_edges *E, size_t nprincipals, size_t npriv, struct err *e);
void aud_edges_free(struct aud_edges *E);

struct priv_list;
/* The direct edges of every principal to every role of pl (grid set). */
int aud_direct(const struct aud_account *a, const struct priv_list *pl, struct aud_edges *E,
    struct eval_state *st, struct err *e);

/* The VPC endpoint caveats of p passing r to ed's services, appended to
 * ed->caveats. c holds p's part in its first base keys (what follows is
 * spent), msg is scratch. */
int aud_caveats(const struct aud_account *a, const struct aud_principal *p,
    const struct aud_principal *r, struct edge *ed, struct eval_state *st, struct ctx *c,
    size_t base, struct buf *msg, struct err *e);

/* malloc'd copy; NULL in, NULL out; *oom set on failure. */
char *aud_strdup(const char *s, bool *oom);

/* The AccessDenied sentence for the endpoint layer, with what it means for
 * the edge. 0, or -1 (too long / ENOMEM). */
int aud_endpoint_message(const struct eval_result *r, const struct ctx *c,
    const struct aud_endpoint *ae, const char *service, struct buf *out);

#endif
