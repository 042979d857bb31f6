#include "config.h"

#include "policy/eval.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "policy/match.h"
#include "policy/pvar.h"

/*
 * Services whose resources AWS Organizations resource control policies
 * govern (AWS Organizations User Guide, "Resource control policies", list of
 * supported services). IAM is not on it: RCPs never restrict iam:PassRole on
 * a role; STS is, so they matter for sts:AssumeRole into a role.
 */
static const char *const eval_rcp_services[] = {
	"s3", "sts", "kms", "sqs", "secretsmanager",
	"cognito-identity", "logs", "dynamodb", "ecr", "aoss",
};

bool
eval_rcp_service(const char *svc, size_t len)
{
	for (size_t i = 0; i < sizeof(eval_rcp_services) / sizeof(eval_rcp_services[0]); i++)
		if (strlen(eval_rcp_services[i]) == len && strncasecmp(eval_rcp_services[i], svc, len) == 0)
			return true;
	return false;
}

const char *
eval_layer_name(enum eval_layer l)
{
	static const char *const names[] = {
		"scp", "rcp", "boundary", "identity", "session", "endpoint", "resource",
	};

	return l < EVAL_LAYER_COUNT ? names[l] : "none";
}

const char *
eval_outcome_name(enum eval_outcome o)
{
	switch (o) {
	case EVAL_OUT_NOT_APPLICABLE: return "not-applicable";
	case EVAL_OUT_ALLOW: return "allow";
	case EVAL_OUT_DENY: return "deny";
	case EVAL_OUT_NO_ALLOW: return "no-allow";
	case EVAL_OUT_CONDITIONAL: return "conditional";
	}
	return "?";
}

const char *
eval_decision_name(enum eval_decision d)
{
	switch (d) {
	case EVAL_ALLOWED: return "allowed";
	case EVAL_DENIED: return "denied";
	case EVAL_CONDITIONAL: return "conditional";
	}
	return "?";
}

void
eval_state_init(struct eval_state *st)
{
	arena_init(&st->arena, 64u * 1024u, 256u * 1024u * 1024u);
}

void
eval_state_free(struct eval_state *st)
{
	arena_free(&st->arena);
}

/*
 * How a statement's Principal matched the caller, weakest first (a statement
 * naming several principals counts as its strongest match). Within one
 * account AWS's "Policy evaluation for requests within a single account"
 * (How AWS enforcement code logic evaluates requests, "Resource-based
 * policies") lists which grants an implicit deny in a permissions boundary
 * or a session policy does not limit, by the principal the policy names:
 *
 *  ACCOUNT   the account: "delegates authority to the account", so an
 *            identity-based policy must grant too.
 *  DIRECT    "*" alone, or the role behind a session ("Resource-based
 *            policies that grant permissions to an IAM role ARN are limited
 *            by an implicit deny in a permissions boundary or session
 *            policy"): grants, limited by the boundary and session policy.
 *            "*" alone is in none of the cases the page lists as not
 *            limited, so it stays limited.
 *  WILDARN   "*" with an aws:PrincipalArn condition: "Permissions boundaries
 *            and session policies do not limit permissions granted using
 *            the aws:PrincipalArn condition key with a wildcard(*) in the
 *            Principal element, unless the identity-based policies contain
 *            an explicit deny" (an explicit deny denies in any case).
 *  EXACT     the caller's own ARN: an IAM user ARN ("not limited by an
 *            implicit deny in an identity-based policy or permissions
 *            boundary"), a role session ARN or an AWS STS federated user
 *            ARN ("grant permissions directly to the session. Permissions
 *            granted directly to a session are not limited by an implicit
 *            deny in an identity-based policy, a permissions boundary, or
 *            session policy").
 */
enum eval_pmatch {
	EVAL_PM_NONE, EVAL_PM_ACCOUNT, EVAL_PM_DIRECT, EVAL_PM_WILDARN, EVAL_PM_EXACT, EVAL_PM_COUNT
};

struct eval_run_state {
	struct eval_state *st;
	const struct ctx *c;
	bool oom;
	/* Record the statements that matched (eval_run, for explanations).
	 * eval_decide leaves the lists empty, and may then skip a statement
	 * whose result can no longer change the layer's formulas. */
	bool explain;
	bool has_boundary;	/* the principal has a permissions boundary */
};

/* Inlined into the statement loop: it runs for every candidate statement,
 * and a call costs more than the two masked compares it usually is. */
static inline bool
eval_action_match(const struct policy_action *a, const struct ctx *c)
{
	switch (a->kind) {
	case POLICY_ACT_ANY:
		return true;
	case POLICY_ACT_EXACT:
		return strhead_equal(&a->head, &c->action_head, c->action_lc, c->action_len);
	case POLICY_ACT_PREFIX:
		return strhead_prefix(&a->head, &c->action_head, c->action_lc, c->action_len);
	case POLICY_ACT_GLOB:
		break;
	}
	return strhead_prefix(&a->head, &c->action_head, c->action_lc, c->action_len) &&
	    match_glob_n(a->pat, a->len, c->action_lc, c->action_len, false);
}

static inline bool
eval_actions(const struct policy_stmt *s, const struct ctx *c)
{
	bool m = false;

	for (size_t i = 0; i < s->nactions && !m; i++)
		m = eval_action_match(&s->actions[i], c);
	return s->not_action ? !m : m;
}

/* A role ARN in a policy (possibly with a path) names the sessions of that
 * role: compare partition/account prefix and the role name. */
static bool
eval_role_names_session(const char *policy_arn, const struct ctx *c)
{
	const char *pr = strstr(policy_arn, ":role/");
	const char *cr = strstr(c->role_arn, ":role/");
	const char *pname, *cname;

	if (pr == NULL || cr == NULL || pr - policy_arn != cr - c->role_arn ||
	    strncmp(policy_arn, c->role_arn, (size_t)(pr - policy_arn)) != 0)
		return false;
	pname = strrchr(pr, '/') + 1;
	cname = strrchr(cr, '/') + 1;
	return strcmp(pname, cname) == 0;
}

static enum eval_pmatch
eval_principal_one(const struct policy_principal *p, const struct ctx *c)
{
	switch (p->type) {
	case POLICY_PRINCIPAL_ANY:
		return EVAL_PM_DIRECT;
	case POLICY_PRINCIPAL_ACCOUNT:
		return c->account[0] != '\0' && strcmp(p->value, c->account) == 0 ?
		    EVAL_PM_ACCOUNT : EVAL_PM_NONE;
	case POLICY_PRINCIPAL_ARN:
		if (strcmp(p->value, c->principal) == 0)
			return EVAL_PM_EXACT;
		if (c->kind == CTX_PRINCIPAL_SESSION && c->role_arn[0] != '\0' &&
		    eval_role_names_session(p->value, c))
			return EVAL_PM_DIRECT;
		return EVAL_PM_NONE;
	case POLICY_PRINCIPAL_SERVICE:
	case POLICY_PRINCIPAL_FEDERATED:
	case POLICY_PRINCIPAL_CANONICAL:
		return strcmp(p->value, c->principal) == 0 ? EVAL_PM_EXACT : EVAL_PM_NONE;
	}
	return EVAL_PM_NONE;
}

static enum eval_pmatch
eval_principals(const struct policy_stmt *s, const struct ctx *c)
{
	enum eval_pmatch best = EVAL_PM_NONE;

	if (!s->has_principal)
		return EVAL_PM_DIRECT;
	for (size_t i = 0; i < s->nprincipals; i++) {
		enum eval_pmatch m = eval_principal_one(&s->principals[i], c);

		if (m > best)
			best = m;
	}
	if (s->not_principal)
		return best == EVAL_PM_NONE ? EVAL_PM_DIRECT : EVAL_PM_NONE;
	/* "*" matches every caller, so best is at least DIRECT here. */
	if (s->wildcard_principal_arn && best < EVAL_PM_WILDARN)
		return EVAL_PM_WILDARN;
	return best;
}

static const struct formula *
eval_opaque(struct eval_run_state *rs, const char *what, const char *pat)
{
	struct formula_atom at = { 0 };
	size_t n = strlen(what) + strlen(pat) + 4;
	char *t = arena_alloc(&rs->st->arena, n);

	if (t == NULL)
		return NULL;
	memcpy(t, what, strlen(what));
	t[strlen(what)] = ' ';
	t[strlen(what) + 1] = '"';
	memcpy(t + strlen(what) + 2, pat, strlen(pat));
	t[n - 2] = '"';
	t[n - 1] = '\0';
	at.text = t;
	return formula_atom(&rs->st->arena, &at);
}

/* match_arn() with the pattern split at compile time and the request's ARN
 * split once per request. */
static bool
eval_arn(const struct policy_resource *r, const struct ctx *c)
{
	if (!r->split || !c->res_split)
		return match_arn(r->pat, c->resource);
	if (r->nlead > 0 &&
	    !strhead_prefix(&r->lead, &c->resource_head, c->resource, c->resource_len))
		return false;
	for (unsigned k = 0; k < r->ncheck; k++) {
		const unsigned i = r->check[k];
		const struct policy_arn_part *pp = &r->parts[i];

		switch (pp->kind) {
		case POLICY_PART_ANY:
			break;
		case POLICY_PART_LIT:
			if (!strhead_equal(&pp->head, &c->res_head[i], c->res_part[i], c->res_len[i]))
				return false;
			break;
		case POLICY_PART_PREFIX:
			if (!strhead_prefix(&pp->head, &c->res_head[i], c->res_part[i], c->res_len[i]))
				return false;
			break;
		case POLICY_PART_GLOB:
			if (!match_glob_n(pp->s, pp->len, c->res_part[i], c->res_len[i], false))
				return false;
			break;
		}
	}
	return true;
}

static const struct formula *
eval_resources(struct eval_run_state *rs, const struct policy *p, const struct policy_stmt *s)
{
	const struct formula *m = formula_false();
	const struct ctx *c = rs->c;

	/* A resource the caller chooses: the statement applies when the
	 * caller can pick a resource it covers for an Allow (some ARN both
	 * match), or cannot avoid it for a Deny (it matches every ARN the
	 * request's pattern stands for); NotResource swaps the two. */
	bool some = c->res_open && ((s->effect == POLICY_ALLOW) != s->not_resource);

	if (!s->has_resource)
		return formula_true();
	for (size_t i = 0; i < s->nresources && !formula_is_true(m); i++) {
		const struct policy_resource *r = &s->resources[i];

		if (r->any) {
			m = formula_true();
		} else if (r->has_var && p->vars) {
			switch (pvar_subst(c, r->pat, true, rs->st->scratch, sizeof(rs->st->scratch))) {
			case PVAR_OK:
				if (some ? match_arn_overlap(rs->st->scratch, c->resource) :
				    match_arn(rs->st->scratch, c->resource))
					m = formula_true();
				break;
			case PVAR_UNKNOWN:
				m = formula_or(&rs->st->arena, m, eval_opaque(rs, "resource matches", r->pat));
				break;
			case PVAR_ABSENT:
			case PVAR_TOOLONG:
				break;
			}
		} else if (some ? match_arn_overlap(r->pat, c->resource) :
		    c->res_open ? match_arn(r->pat, c->resource) : eval_arn(r, c)) {
			m = formula_true();
		}
		if (m == NULL)
			return NULL;
	}
	return s->not_resource ? formula_not(&rs->st->arena, m) : m;
}

static bool
eval_op_is_glob(enum condop_kind k)
{
	return k == CONDOP_STRING_LIKE || k == CONDOP_STRING_NOT_LIKE || k == CONDOP_ARN_LIKE ||
	    k == CONDOP_ARN_NOT_LIKE || k == CONDOP_ARN_EQUALS || k == CONDOP_ARN_NOT_EQUALS;
}

static const struct formula *
eval_cond(struct eval_run_state *rs, const struct policy *p, const struct policy_cond *pc)
{
	const struct ctx_key *k = ctx_get_hashed(rs->c, pc->key, pc->keylen, pc->keyhash);
	struct formula_atom at = { .cond = pc, .vals = pc->vals, .nvals = pc->nvals,
	    .compiled = pc->compiled };

	if (pc->has_var && p->vars) {
		const char **vals = arena_alloc(&rs->st->arena, pc->nvals * sizeof(*vals) + 1);
		size_t nv = 0;
		bool glob = eval_op_is_glob(pc->op.kind);

		if (vals == NULL)
			return NULL;
		at.compiled = NULL;
		for (size_t i = 0; i < pc->nvals; i++) {
			switch (pvar_subst(rs->c, pc->vals[i], glob, rs->st->scratch,
			    sizeof(rs->st->scratch))) {
			case PVAR_OK:
				vals[nv] = arena_strdup(&rs->st->arena, rs->st->scratch);
				if (vals[nv++] == NULL)
					return NULL;
				break;
			case PVAR_UNKNOWN:
				/* Keep the raw text: the constraint names the variable. */
				vals[nv++] = pc->vals[i];
				at.unresolved = true;
				break;
			case PVAR_ABSENT:
			case PVAR_TOOLONG:
				/* this value can match nothing */
				break;
			}
		}
		at.vals = vals;
		at.nvals = nv;
	}
	if (!at.unresolved && (k == NULL || k->state == CTX_KNOWN)) {
		bool present = k != NULL;
		const char *const *req = present ? k->vals : NULL;
		size_t nreq = present ? k->nvals : 0;

		if (at.compiled != NULL && present && nreq == 1 && req != NULL && req[0] != NULL)
			return formula_bool(condop_eval_one(&pc->op, at.compiled, req[0], k->len0,
			    k->hash0));
		if (at.compiled != NULL)
			return formula_bool(condop_eval(&pc->op, at.compiled, present, req, nreq));
		return formula_bool(condop_eval_strings(&pc->op, at.vals, at.nvals, present, req, nreq));
	}
	return formula_atom(&rs->st->arena, &at);
}

static const struct formula *
eval_stmt(struct eval_run_state *rs, const struct policy *p, const struct policy_stmt *s,
    enum eval_pmatch *pm)
{
	const struct formula *f;

	if (s->always) {
		*pm = EVAL_PM_DIRECT;
		return formula_true();
	}
	*pm = EVAL_PM_NONE;
	if (!eval_actions(s, rs->c))
		return formula_false();
	*pm = eval_principals(s, rs->c);
	/* AWS: a Deny with NotPrincipal always denies a principal that has a
	 * permissions boundary, whatever the NotPrincipal element lists. */
	if (s->not_principal && s->effect == POLICY_DENY && rs->has_boundary)
		*pm = EVAL_PM_DIRECT;
	if (*pm == EVAL_PM_NONE)
		return formula_false();
	f = eval_resources(rs, p, s);
	for (size_t i = 0; i < s->nconds && f != NULL && !formula_is_false(f); i++)
		f = formula_and(&rs->st->arena, f, eval_cond(rs, p, &s->conds[i]));
	return f;
}

/* Allow formulas of a resource layer split by how the principal matched. */
struct eval_res_allow {
	const struct formula *by[EVAL_PM_COUNT];	/* [EVAL_PM_NONE] unused */
};

static int
eval_layer_policies(struct eval_run_state *rs, struct eval_layer_out *lo,
    const struct eval_policy *pols, size_t n, size_t level, const struct formula **allow,
    struct eval_res_allow *ra)
{
	const struct formula *a = formula_false();
	const unsigned bucket = rs->c->bucket;

	for (size_t i = 0; i < n; i++) {
		const struct policy *p = pols[i].policy;
		const uint16_t *cand = p->bucket_stmts + p->bucket_start[bucket];
		const uint16_t *cend = p->bucket_stmts + p->bucket_start[bucket + 1];

		for (; cand < cend; cand++) {
			const struct policy_stmt *s = &p->stmts[*cand];
			enum eval_pmatch pm;
			const struct formula *f;
			struct eval_match *m;

			/* OR with TRUE stays TRUE: once some statement certainly
			 * allows (denies), further Allow (Deny) statements cannot
			 * change the layer's formulas, only its list of matches. */
			if (!rs->explain && (s->effect == POLICY_DENY ? formula_is_true(lo->deny) :
			    ra == NULL && formula_is_true(a)))
				continue;
			f = eval_stmt(rs, p, s, &pm);
			if (f == NULL)
				return -1;
			if (formula_is_false(f))
				continue;
			if (rs->explain) {
				m = arena_alloc(&rs->st->arena, sizeof(*m));
				if (m == NULL)
					return -1;
				m->policy = &pols[i];
				m->stmt = s;
				m->level = level;
				m->when = f;
				m->next = NULL;
				*lo->tail = m;
				lo->tail = &m->next;
			}
			if (s->effect == POLICY_DENY) {
				lo->deny = formula_or(&rs->st->arena, lo->deny, f);
				if (lo->deny == NULL)
					return -1;
				continue;
			}
			a = formula_or(&rs->st->arena, a, f);
			if (a == NULL)
				return -1;
			if (ra != NULL) {
				const struct formula **slot = &ra->by[pm];

				*slot = formula_or(&rs->st->arena, *slot, f);
				if (*slot == NULL)
					return -1;
			}
		}
	}
	*allow = a;
	return 0;
}

static void
eval_layer_init(struct eval_layer_out *lo)
{
	lo->outcome = EVAL_OUT_NOT_APPLICABLE;
	lo->allow = formula_false();
	lo->deny = formula_false();
	lo->matches = NULL;
	lo->tail = &lo->matches;
}

/* Outcome of a layer from its (combined) allow and deny formulas. */
static enum eval_outcome
eval_outcome_of(const struct formula *allow, const struct formula *deny)
{
	if (formula_is_true(deny))
		return EVAL_OUT_DENY;
	if (formula_is_false(deny) && formula_is_true(allow))
		return EVAL_OUT_ALLOW;
	if (formula_is_false(deny) && formula_is_false(allow))
		return EVAL_OUT_NO_ALLOW;
	return EVAL_OUT_CONDITIONAL;
}

static int
eval_levels(struct eval_run_state *rs, struct eval_layer_out *lo, const struct eval_level *lv,
    size_t n)
{
	bool no_allow = false;

	lo->allow = formula_true();
	for (size_t i = 0; i < n; i++) {
		const struct formula *a;

		if (eval_layer_policies(rs, lo, lv[i].policies, lv[i].n, i, &a, NULL) < 0)
			return -1;
		/* Every level must allow on its own. */
		if (formula_is_false(a))
			no_allow = true;
		lo->allow = formula_and(&rs->st->arena, lo->allow, a);
		if (lo->allow == NULL)
			return -1;
	}
	lo->outcome = eval_outcome_of(lo->allow, lo->deny);
	if (no_allow && lo->outcome != EVAL_OUT_DENY)
		lo->outcome = EVAL_OUT_NO_ALLOW;
	return 0;
}


/* Services a trust policy lets assume the role (Allow statements with a
 * Service principal whose action covers sts:AssumeRole). */
static void
eval_trusted_services(const struct eval_request *rq, struct eval_result *res)
{
	struct ctx probe;

	/* Only the action fields of the probe are used. */
	res->nservices = 0;
	if (ctx_init(&probe, "*", "sts:AssumeRole", "*", NULL) < 0)
		return;
	for (size_t i = 0; i < rq->nresource; i++) {
		const struct policy *p = rq->resource[i].policy;

		for (size_t j = 0; j < p->nstmts; j++) {
			const struct policy_stmt *s = &p->stmts[j];

			if (s->effect != POLICY_ALLOW || s->not_principal || !eval_actions(s, &probe))
				continue;
			for (size_t k = 0; k < s->nprincipals; k++) {
				bool dup = false;

				if (s->principals[k].type != POLICY_PRINCIPAL_SERVICE)
					continue;
				for (size_t x = 0; x < res->nservices; x++)
					dup |= strcmp(res->services[x], s->principals[k].value) == 0;
				if (!dup && res->nservices < EVAL_MAX_SERVICES)
					res->services[res->nservices++] = s->principals[k].value;
			}
		}
	}
}

static int
eval_services(struct eval_run_state *rs, const struct eval_request *rq, struct eval_result *res)
{
	const struct ctx_key *k = ctx_get_str(rs->c, "iam:PassedToService");
	size_t kept = 0;

	res->has_services = true;
	eval_trusted_services(rq, res);
	for (size_t i = 0; i < res->nservices; i++) {
		const char *svc = res->services[i];
		const char *pv = rq->passed_to_of != NULL ? rq->passed_to_of(svc) : svc;
		const struct formula *f = res->constraints;
		bool useful;

		if (k != NULL && k->state == CTX_KNOWN) {
			useful = !formula_is_false(f) && k->nvals == 1 && strcmp(k->vals[0], pv) == 0;
		} else {
			f = formula_assign(&rs->st->arena, f, "iam:PassedToService", pv);
			if (f == NULL)
				return -1;
			f = formula_decide(&rs->st->arena, f);
			useful = !formula_is_false(f);
		}
		if (useful)
			res->services[kept++] = svc;
	}
	res->nservices = kept;
	return 0;
}

static int
eval_chain(struct eval_state *st, const struct eval_request *rq, struct eval_result *res,
    bool explain, struct err *e)
{
	struct eval_run_state rs = { st, rq->ctx, false, explain, rq->boundary != NULL };
	const struct ctx *c = rq->ctx;
	struct arena *ar = &st->arena;
	struct eval_res_allow ra = { { formula_false(), formula_false(), formula_false(),
	    formula_false(), formula_false() } };
	const struct formula *allowed = formula_true(), *grant, *lift_boundary, *lift_session;
	bool scp_on = rq->nscp > 0 && !rq->is_management_account &&
	    !rq->principal_is_service_linked_role;
	bool rcp_on = rq->nrcp > 0 && !rq->is_management_account &&
	    !rq->principal_is_service_linked_role && eval_rcp_service(c->action_lc, c->svc_len);
	bool passrole = c->is_passrole;
	bool assume = c->is_assume_role;
	const struct formula *gate[EVAL_LAYER_COUNT];
	static const enum eval_layer explicit_order[] = {
		EVAL_LAYER_SCP, EVAL_LAYER_RCP, EVAL_LAYER_ENDPOINT, EVAL_LAYER_BOUNDARY,
		EVAL_LAYER_SESSION, EVAL_LAYER_IDENTITY, EVAL_LAYER_RESOURCE,
	};
	static const enum eval_layer implicit_order[] = {
		EVAL_LAYER_SCP, EVAL_LAYER_RCP, EVAL_LAYER_ENDPOINT, EVAL_LAYER_RESOURCE,
		EVAL_LAYER_IDENTITY, EVAL_LAYER_BOUNDARY, EVAL_LAYER_SESSION,
	};

	arena_reset(ar);
	res->decision = EVAL_DENIED;
	res->deny = EVAL_DENY_IMPLICIT;
	res->layer = EVAL_LAYER_NONE;
	res->has_services = false;
	res->nservices = 0;
	res->note = NULL;
	for (int l = 0; l < EVAL_LAYER_COUNT; l++) {
		eval_layer_init(&res->layers[l]);
		gate[l] = formula_true();
	}

	if (scp_on) {
		if (eval_levels(&rs, &res->layers[EVAL_LAYER_SCP], rq->scp, rq->nscp) < 0)
			goto oom;
		gate[EVAL_LAYER_SCP] = res->layers[EVAL_LAYER_SCP].allow;
	}
	if (rcp_on) {
		if (eval_levels(&rs, &res->layers[EVAL_LAYER_RCP], rq->rcp, rq->nrcp) < 0)
			goto oom;
		gate[EVAL_LAYER_RCP] = res->layers[EVAL_LAYER_RCP].allow;
	}
	if (rq->endpoint != NULL) {
		struct eval_layer_out *lo = &res->layers[EVAL_LAYER_ENDPOINT];

		if (eval_layer_policies(&rs, lo, rq->endpoint, 1, 0, &lo->allow, NULL) < 0)
			goto oom;
		lo->outcome = eval_outcome_of(lo->allow, lo->deny);
		gate[EVAL_LAYER_ENDPOINT] = lo->allow;
	}
	if (rq->nresource > 0 && !passrole) {
		struct eval_layer_out *lo = &res->layers[EVAL_LAYER_RESOURCE];

		if (eval_layer_policies(&rs, lo, rq->resource, rq->nresource, 0, &lo->allow, &ra) < 0)
			goto oom;
		lo->outcome = eval_outcome_of(lo->allow, lo->deny);
		/* The role trust policy must allow AssumeRole in any case. */
		if (assume)
			gate[EVAL_LAYER_RESOURCE] = lo->allow;
	} else if (assume) {
		/* No trust policy given: nothing can assume the role. */
		gate[EVAL_LAYER_RESOURCE] = formula_false();
		res->layers[EVAL_LAYER_RESOURCE].outcome = EVAL_OUT_NO_ALLOW;
	}
	{
		struct eval_layer_out *lo = &res->layers[EVAL_LAYER_IDENTITY];

		if (eval_layer_policies(&rs, lo, rq->identity, rq->nidentity, 0, &lo->allow, NULL) < 0)
			goto oom;
		if (c->kind == CTX_PRINCIPAL_GROUP) {
			/* Groups hold policies for their users but never make a
			 * request themselves. */
			lo->allow = formula_false();
			res->note = "an IAM group is not a principal: its policies apply to its member users, "
			    "never to the group itself";
		}
		if (c->kind == CTX_PRINCIPAL_ROOT) {
			/* No policy can be attached to the root user, and by default
			 * it may do anything: only SCPs (and RCPs) restrict it. */
			lo->allow = formula_true();
			res->note = "the account root user has full access unless a service control "
			    "policy denies it";
		}
		lo->outcome = eval_outcome_of(lo->allow, lo->deny);
	}
	/* Resource-based grants the boundary's and the session policy's
	 * implicit deny do not limit (enum eval_pmatch). A role ARN caller
	 * stands for its sessions: only the wildcard form reaches it. */
	lift_boundary = lift_session = ra.by[EVAL_PM_WILDARN];
	if (rq->nresource > 0 && !formula_is_false(ra.by[EVAL_PM_EXACT])) {
		if (c->kind == CTX_PRINCIPAL_USER || c->kind == CTX_PRINCIPAL_SESSION ||
		    c->kind == CTX_PRINCIPAL_FEDERATED)
			lift_boundary = formula_or(ar, lift_boundary, ra.by[EVAL_PM_EXACT]);
		if (c->kind == CTX_PRINCIPAL_SESSION || c->kind == CTX_PRINCIPAL_FEDERATED)
			lift_session = formula_or(ar, lift_session, ra.by[EVAL_PM_EXACT]);
		if (lift_boundary == NULL || lift_session == NULL)
			goto oom;
	}
	if (rq->boundary != NULL) {
		struct eval_layer_out *lo = &res->layers[EVAL_LAYER_BOUNDARY];

		if (eval_layer_policies(&rs, lo, rq->boundary, 1, 0, &lo->allow, NULL) < 0)
			goto oom;
		lo->outcome = eval_outcome_of(lo->allow, lo->deny);
		gate[EVAL_LAYER_BOUNDARY] = formula_or(ar, lo->allow, lift_boundary);
	}
	if (rq->has_session) {
		struct eval_layer_out *lo = &res->layers[EVAL_LAYER_SESSION];

		if (eval_layer_policies(&rs, lo, rq->session, rq->nsession, 0, &lo->allow, NULL) < 0)
			goto oom;
		lo->outcome = eval_outcome_of(lo->allow, lo->deny);
		gate[EVAL_LAYER_SESSION] = formula_or(ar, lo->allow, lift_session);
	}

	/* Grant: an identity policy, or in the same account a resource-based
	 * policy naming the principal (an account principal delegates to
	 * IAM, so it needs the identity policy too). */
	grant = formula_or(ar, res->layers[EVAL_LAYER_IDENTITY].allow,
	    formula_or(ar, ra.by[EVAL_PM_DIRECT], formula_or(ar, ra.by[EVAL_PM_WILDARN], ra.by[EVAL_PM_EXACT])));
	if (c->kind == CTX_PRINCIPAL_GROUP)
		grant = formula_false();
	gate[EVAL_LAYER_IDENTITY] = grant;

	/* Once allowed is FALSE it stays FALSE; a gate left NULL by an
	 * exhausted arena must still fail the evaluation as before. */
	for (int l = 0; l < EVAL_LAYER_COUNT; l++)
		if (gate[l] == NULL)
			goto oom;
	for (int l = 0; l < EVAL_LAYER_COUNT && allowed != NULL && !formula_is_false(allowed); l++) {
		allowed = formula_and(ar, allowed, formula_not(ar, res->layers[l].deny));
		allowed = formula_and(ar, allowed, gate[l]);
	}
	if (allowed == NULL)
		goto oom;
	if (!formula_is_const(allowed))
		allowed = formula_decide(ar, allowed);
	res->constraints = allowed;

	if (formula_is_true(allowed)) {
		res->decision = EVAL_ALLOWED;
		res->deny = EVAL_DENY_NONE;
	} else if (!formula_is_false(allowed)) {
		res->decision = EVAL_CONDITIONAL;
		res->deny = EVAL_DENY_NONE;
	} else {
		res->decision = EVAL_DENIED;
		/* A deny that certainly applies, else one that may, else the
		 * first gate that does not allow. */
		for (size_t i = 0; i < 7 && res->layer == EVAL_LAYER_NONE; i++)
			if (formula_is_true(res->layers[explicit_order[i]].deny)) {
				res->deny = EVAL_DENY_EXPLICIT;
				res->layer = explicit_order[i];
			}
		for (size_t i = 0; i < 7 && res->layer == EVAL_LAYER_NONE; i++)
			if (formula_is_false(gate[implicit_order[i]])) {
				res->deny = EVAL_DENY_IMPLICIT;
				res->layer = implicit_order[i];
			}
		for (size_t i = 0; i < 7 && res->layer == EVAL_LAYER_NONE; i++)
			if (!formula_is_false(res->layers[explicit_order[i]].deny)) {
				res->deny = EVAL_DENY_EXPLICIT;
				res->layer = explicit_order[i];
			}
		for (size_t i = 0; i < 7 && res->layer == EVAL_LAYER_NONE; i++)
			if (!formula_is_true(gate[implicit_order[i]])) {
				res->deny = EVAL_DENY_IMPLICIT;
				res->layer = implicit_order[i];
			}
		if (res->layer == EVAL_LAYER_NONE) {
			res->deny = EVAL_DENY_IMPLICIT;
			res->layer = EVAL_LAYER_IDENTITY;
		}
	}
	if (passrole && rq->nresource > 0 && eval_services(&rs, rq, res) < 0)
		goto oom;
	return 0;
oom:
	err_set(e, "evaluation of %s on %s: out of memory (evaluation arena exhausted)",
	    c->action, c->resource);
	return -1;
}

int
eval_run(struct eval_state *st, const struct eval_request *rq, struct eval_result *res,
    struct err *e)
{
	return eval_chain(st, rq, res, true, e);
}

int
eval_decide(struct eval_state *st, const struct eval_request *rq, struct eval_result *res,
    struct err *e)
{
	return eval_chain(st, rq, res, false, e);
}
