/*
 * The audit's model of one account: every policy compiled once, each
 * principal's layers as eval_policy lists, the SCP/RCP levels above the
 * account, its VPC endpoints, and the request contexts built from them.
 */
#include "config.h"

#include "audit/audit_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/formula.h"
#include "policy/match.h"
#include "policy/pvar.h"
#include "policy/explain.h"
#include "audit/sinks.h"

static const struct {
	const char *principal, *endpoint;
	bool acts;
} aud_services[] = {
#define AUD_SERVICE(p, ep, acts) { p, ep, acts },
#include "audit/services.def"
#undef AUD_SERVICE
};

#define AUD_NSERVICES (sizeof(aud_services) / sizeof(aud_services[0]))

const char *
aud_service_endpoint(const char *sp)
{
	for (size_t i = 0; i < AUD_NSERVICES; i++)
		if (strcmp(aud_services[i].principal, sp) == 0)
			return aud_services[i].endpoint;
	return NULL;
}

bool
aud_service_acts(const char *sp)
{
	for (size_t i = 0; i < AUD_NSERVICES; i++)
		if (strcmp(aud_services[i].principal, sp) == 0)
			return aud_services[i].acts;
	return false;
}

size_t
aud_service_count(void)
{
	return AUD_NSERVICES;
}

const char *
aud_service_principal(size_t i)
{
	return i < AUD_NSERVICES ? aud_services[i].principal : NULL;
}

/* A formatted string in the account arena; NULL when out of memory. */
static const char *
aud_fmt(struct aud_account *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static const char *
aud_fmt(struct aud_account *a, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (s = arena_alloc(&a->arena, (size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* Mark the account as not auditable (the first reason stays). */
static int
aud_fail(struct aud_account *a, const char *why, struct err *e)
{
	if (!a->ok)
		return 0;
	a->ok = false;
	a->why = arena_strdup(&a->arena, why);
	if (a->why == NULL) {
		err_set(e, "account %s: out of memory", a->sa->id);
		return -1;
	}
	return 0;
}

static int
aud_own(struct aud_account *a, struct policy *p, struct err *e)
{
	if (a->npols == a->cappols) {
		size_t cap = a->cappols ? a->cappols * 2 : 32;
		struct policy **n = realloc(a->pols, cap * sizeof(*n));

		if (n == NULL) {
			err_set(e, "account %s: out of memory", a->sa->id);
			return -1;
		}
		a->pols = n;
		a->cappols = cap;
	}
	a->pols[a->npols++] = p;
	return 0;
}

/* Compile a document; NULL with the account marked not auditable (and rc
 * 0) when AWS's text does not compile, rc -1 on out of memory. */
static struct policy *
aud_compile(struct aud_account *a, const char *text, const char *name, enum policy_kind kind,
    const char *what, int *rc, struct err *e)
{
	struct err pe;
	struct policy *p;
	char why[ERR_MSG_MAX + 256];

	*rc = 0;
	if (text == NULL) {
		snprintf(why, sizeof(why), "%s has no document in the snapshot", what);
		*rc = aud_fail(a, why, e);
		return NULL;
	}
	p = policy_parse_text(text, strlen(text), name, kind, &pe);
	if (p == NULL) {
		snprintf(why, sizeof(why), "%s cannot be evaluated: %s", what, pe.msg);
		*rc = aud_fail(a, why, e);
		return NULL;
	}
	if (aud_own(a, p, e) < 0) {
		policy_free(p);
		*rc = -1;
		return NULL;
	}
	return p;
}

/* The compiled managed policy of an ARN (compiled on first use). */
static const struct policy *
aud_managed(struct aud_account *a, const char *arn, const char *user, int *rc, struct err *e)
{
	const struct snap_managed_policy *mp = snapshot_find_policy(a->sa, arn);
	struct eval_policy *ep;
	char what[1024];

	*rc = 0;
	if (mp == NULL) {
		snprintf(what, sizeof(what), "managed policy %s (used by %s) is not in the snapshot",
		    arn, user);
		*rc = aud_fail(a, what, e);
		return NULL;
	}
	ep = &a->managed[mp - a->sa->iam.policies];
	if (ep->policy == NULL) {
		snprintf(what, sizeof(what), "managed policy %s", arn);
		ep->policy = aud_compile(a, mp->document, mp->name, POLICY_KIND_IDENTITY, what, rc, e);
	}
	return ep->policy;
}

struct aud_list {
	struct eval_policy *v;
	size_t n, cap;
};

static int
aud_list_add(struct aud_account *a, struct aud_list *l, const struct policy *p,
    const char *name, const char *source, struct err *e)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct eval_policy *n = arena_alloc(&a->arena, cap * sizeof(*n));

		if (n == NULL) {
			err_set(e, "account %s: out of memory", a->sa->id);
			return -1;
		}
		if (l->n > 0)
			memcpy(n, l->v, l->n * sizeof(*n));
		l->v = n;
		l->cap = cap;
	}
	if (source == NULL) {
		err_set(e, "account %s: out of memory", a->sa->id);
		return -1;
	}
	l->v[l->n].policy = p;
	l->v[l->n].name = name;
	l->v[l->n].source = source;
	l->n++;
	return 0;
}

/* Could some Allow statement of the list apply to the action (lower case)? */
static bool
aud_may_allow(const struct eval_policy *v, size_t n, const char *action)
{
	for (size_t i = 0; i < n; i++) {
		const struct policy *p = v[i].policy;

		for (size_t k = 0; k < p->nstmts; k++) {
			const struct policy_stmt *st = &p->stmts[k];
			bool m = false;

			if (st->effect != POLICY_ALLOW)
				continue;
			for (size_t j = 0; j < st->nactions && !m; j++)
				m = match_glob(st->actions[j].pat, action, true);
			if (st->not_action ? !m : m)
				return true;
		}
	}
	return false;
}

static bool
aud_trust_names(const struct policy *p)
{
	for (size_t k = 0; k < p->nstmts; k++) {
		const struct policy_stmt *st = &p->stmts[k];

		if (st->effect != POLICY_ALLOW)
			continue;
		if (st->not_principal)
			return true;
		for (size_t j = 0; j < st->nprincipals; j++)
			if (st->principals[j].type == POLICY_PRINCIPAL_ARN ||
			    st->principals[j].type == POLICY_PRINCIPAL_ANY)
				return true;
	}
	return false;
}

/* Inline and attached policies of one holder ("user alice", "group devs"). */
static int
aud_holder(struct aud_account *a, struct aud_list *l, const char *holder,
    const struct snap_inline_policy *inl, size_t ninl, char *const *att, size_t natt,
    struct err *e)
{
	int rc;

	for (size_t i = 0; i < ninl; i++) {
		char what[1024];
		struct policy *p;

		snprintf(what, sizeof(what), "inline policy %s of %s", inl[i].name, holder);
		p = aud_compile(a, inl[i].document, inl[i].name, POLICY_KIND_IDENTITY, what, &rc, e);
		if (p == NULL)
			return rc;
		if (aud_list_add(a, l, p, inl[i].name, aud_fmt(a, "inline policy of %s", holder),
		    e) < 0)
			return -1;
	}
	for (size_t i = 0; i < natt; i++) {
		const struct policy *p = aud_managed(a, att[i], holder, &rc, e);

		if (p == NULL)
			return rc;
		if (aud_list_add(a, l, p, snapshot_find_policy(a->sa, att[i])->name,
		    aud_fmt(a, "managed policy %s attached to %s", att[i], holder), e) < 0)
			return -1;
	}
	return 0;
}

static int
aud_boundary(struct aud_account *a, struct aud_principal *p, const char *arn,
    const char *holder, struct err *e)
{
	struct eval_policy *ep;
	const struct policy *pol;
	int rc;

	if (arn == NULL)
		return 0;
	pol = aud_managed(a, arn, holder, &rc, e);
	if (pol == NULL)
		return rc;
	ep = arena_zalloc(&a->arena, sizeof(*ep));
	if (ep == NULL) {
		err_set(e, "account %s: out of memory", a->sa->id);
		return -1;
	}
	ep->policy = pol;
	ep->name = snapshot_find_policy(a->sa, arn)->name;
	ep->source = aud_fmt(a, "permissions boundary %s of %s", arn, holder);
	if (ep->source == NULL) {
		err_set(e, "account %s: out of memory", a->sa->id);
		return -1;
	}
	p->boundary = ep;
	return 0;
}

static int
aud_user(struct aud_account *a, const struct snap_user *u, struct aud_principal *p,
    struct err *e)
{
	struct aud_list l = { 0 };
	const char *holder = aud_fmt(a, "user %s", u->name);

	if (holder == NULL) {
		err_set(e, "account %s: out of memory", a->sa->id);
		return -1;
	}
	p->type = AUD_USER;
	p->arn = u->arn;
	p->name = u->name;
	p->id = u->id;
	p->tags = u->tags;
	p->ntags = u->ntags;
	if (aud_holder(a, &l, holder, u->inline_policies, u->ninline, u->attached, u->nattached,
	    e) < 0)
		return -1;
	for (size_t i = 0; i < u->ngroups && a->ok; i++) {
		const struct snap_group *g = snapshot_find_group(a->sa, u->groups[i]);
		size_t gi;

		if (g == NULL) {
			char why[512];

			snprintf(why, sizeof(why), "group %s of user %s is not in the snapshot",
			    u->groups[i], u->name);
			return aud_fail(a, why, e);
		}
		/* A group's policies are compiled once, for its first member. */
		gi = (size_t)(g - a->sa->iam.groups);
		if (!a->group_done[gi]) {
			struct aud_list gl = { 0 };
			const char *gh = aud_fmt(a, "group %s", g->name);

			if (gh == NULL) {
				err_set(e, "account %s: out of memory", a->sa->id);
				return -1;
			}
			if (aud_holder(a, &gl, gh, g->inline_policies, g->ninline, g->attached,
			    g->nattached, e) < 0)
				return -1;
			if (!a->ok)
				return 0;
			a->group_pols[gi] = gl.v;
			a->group_npols[gi] = gl.n;
			a->group_done[gi] = true;
		}
		for (size_t k = 0; k < a->group_npols[gi]; k++) {
			const struct eval_policy *gp = &a->group_pols[gi][k];

			if (aud_list_add(a, &l, gp->policy, gp->name, gp->source, e) < 0)
				return -1;
		}
	}
	p->identity = l.v;
	p->nidentity = l.n;
	p->may_pass = aud_may_allow(l.v, l.n, "iam:passrole");
	p->may_assume = aud_may_allow(l.v, l.n, "sts:assumerole");
	return a->ok ? aud_boundary(a, p, u->boundary_arn, holder, e) : 0;
}

static int
aud_role(struct aud_account *a, const struct snap_role *r, struct aud_principal *p,
    struct err *e)
{
	struct aud_list l = { 0 };
	const char *holder = aud_fmt(a, "role %s", r->name);
	struct eval_policy *tp;
	char what[1024];
	int rc;

	if (holder == NULL) {
		err_set(e, "account %s: out of memory", a->sa->id);
		return -1;
	}
	p->type = AUD_ROLE;
	p->arn = r->arn;
	p->name = r->name;
	p->id = r->id;
	p->tags = r->tags;
	p->ntags = r->ntags;
	p->role = r;
	p->service_linked = r->service_linked;
	if (r->arn != NULL && r->name != NULL && strncmp(r->arn, "arn:", 4) == 0) {
		const char *part = r->arn + 4;
		int plen = (int)strcspn(part, ":");

		p->caller = aud_fmt(a, "arn:%.*s:sts::%s:assumed-role/%s/%s", plen, part, a->sa->id,
		    r->name, AUD_SESSION_NAME);
		if (p->caller == NULL) {
			err_set(e, "account %s: out of memory", a->sa->id);
			return -1;
		}
	}
	{
		struct ctx_resource *res = arena_alloc(&a->arena, sizeof(*res));

		if (res == NULL) {
			err_set(e, "account %s: out of memory", a->sa->id);
			return -1;
		}
		/* An ARN that is no resource keeps res NULL: each request
		 * about the role then reports it as it always did. */
		if (r->arn != NULL && ctx_resource_load(res, r->arn, NULL) == 0)
			p->res = res;
	}
	if (aud_holder(a, &l, holder, r->inline_policies, r->ninline, r->attached, r->nattached,
	    e) < 0)
		return -1;
	p->identity = l.v;
	p->nidentity = l.n;
	p->may_pass = aud_may_allow(l.v, l.n, "iam:passrole");
	p->may_assume = aud_may_allow(l.v, l.n, "sts:assumerole");
	if (!a->ok || aud_boundary(a, p, r->boundary_arn, holder, e) < 0 || !a->ok)
		return a->ok ? -1 : 0;
	if (r->trust_policy == NULL)
		return 0;
	snprintf(what, sizeof(what), "trust policy of role %s", r->name);
	tp = arena_zalloc(&a->arena, sizeof(*tp));
	if (tp == NULL) {
		err_set(e, "account %s: out of memory", a->sa->id);
		return -1;
	}
	tp->policy = aud_compile(a, r->trust_policy, r->name, POLICY_KIND_RESOURCE, what, &rc, e);
	if (tp->policy == NULL)
		return rc;
	tp->name = aud_fmt(a, "trust policy of %s", r->name);
	tp->source = r->arn;
	if (tp->name == NULL) {
		err_set(e, "account %s: out of memory", a->sa->id);
		return -1;
	}
	p->trust = tp;
	p->trust_names = aud_trust_names(tp->policy);
	return 0;
}

int
aud_org_init(struct aud_org *o, const struct snapshot *s, struct err *e)
{
	size_t n = s->org.npolicies ? s->org.npolicies : 1;

	memset(o, 0, sizeof(*o));
	o->snap = s;
	o->compiled = calloc(n, sizeof(*o->compiled));
	o->why = calloc(n, sizeof(*o->why));
	o->tried = calloc(n, sizeof(*o->tried));
	if (o->compiled == NULL || o->why == NULL || o->tried == NULL) {
		aud_org_free(o);
		err_set(e, "out of memory");
		return -1;
	}
	return 0;
}

void
aud_org_free(struct aud_org *o)
{
	for (size_t i = 0; o->compiled != NULL && i < o->snap->org.npolicies; i++) {
		policy_free(o->compiled[i]);
		free(o->why[i]);
	}
	free(o->compiled);
	free(o->why);
	free(o->tried);
	memset(o, 0, sizeof(*o));
}

/* An org policy compiled once for the whole audit. NULL with *rc 0 and
 * the account marked not auditable when it does not compile. */
static const struct policy *
aud_org_policy(struct aud_account *a, size_t i, int *rc, struct err *e)
{
	struct aud_org *o = a->org;
	const struct snap_org_policy *op = &a->snap->org.policies[i];
	char why[ERR_MSG_MAX + 256];

	*rc = 0;
	if (!o->tried[i]) {
		struct err pe;

		o->tried[i] = true;
		if (op->content == NULL) {
			snprintf(why, sizeof(why), "%s %s (%s) has no document in the snapshot",
			    op->type == SNAP_SCP ? "service control policy" : "resource control policy",
			    op->name, op->id);
		} else {
			o->compiled[i] = policy_parse_text(op->content, strlen(op->content), op->name,
			    op->type == SNAP_SCP ? POLICY_KIND_IDENTITY : POLICY_KIND_RESOURCE, &pe);
			if (o->compiled[i] == NULL)
				snprintf(why, sizeof(why), "%s %s (%s) cannot be evaluated: %s",
				    op->type == SNAP_SCP ? "service control policy" :
				    "resource control policy", op->name, op->id, pe.msg);
		}
		if (o->compiled[i] == NULL && (o->why[i] = strdup(why)) == NULL) {
			err_set(e, "out of memory");
			*rc = -1;
			return NULL;
		}
	}
	if (o->compiled[i] == NULL)
		*rc = aud_fail(a, o->why[i], e);
	return o->compiled[i];
}

/* The SCP or RCP levels: every level from the root down must allow. */
static int
aud_org_levels(struct aud_account *a, enum snap_org_policy_type type, struct eval_level *lv,
    struct err *e)
{
	const struct snap_org *o = &a->snap->org;

	for (size_t l = 0; l < a->nlevels; l++) {
		struct aud_list pl = { 0 };

		for (size_t i = 0; i < o->npolicies; i++) {
			const struct snap_org_policy *op = &o->policies[i];
			bool attached = false;
			const struct policy *p;
			int rc;

			if (op->type != type)
				continue;
			for (size_t t = 0; t < op->ntargets && !attached; t++)
				attached = strcmp(op->targets[t], a->level_ids[l]) == 0;
			if (!attached)
				continue;
			p = aud_org_policy(a, i, &rc, e);
			if (p == NULL)
				return rc;
			if (aud_list_add(a, &pl, p, op->name, aud_fmt(a, "%s %s attached to %s",
			    type == SNAP_SCP ? "SCP" : "RCP", op->id, a->level_ids[l]), e) < 0)
				return -1;
		}
		lv[l].policies = pl.v;
		lv[l].n = pl.n;
	}
	return 0;
}

static int
aud_org(struct aud_account *a, struct err *e)
{
	const struct snapshot *s = a->snap;
	const struct snap_org *o = &s->org;
	const char *ids[AUD_MAX_LEVELS];
	struct err ce;
	struct buf paths;
	int n;

	switch (o->mode) {
	case SNAP_ORG_NONE:
		return 0;
	case SNAP_ORG_UNKNOWN:
		a->org_unknown = true;
		return 0;
	case SNAP_ORG_PRESENT:
		break;
	}
	if (!o->part.complete) {
		char why[1024];

		snprintf(why, sizeof(why), "the organization (SCPs, RCPs, tree) is incomplete: %s",
		    o->part.why != NULL ? o->part.why : "no reason recorded");
		return aud_fail(a, why, e);
	}
	a->org_id = o->id;
	n = snapshot_parent_chain(s, a->sa, ids, AUD_MAX_LEVELS - 1, &ce);
	if (n < 0) {
		char why[ERR_MSG_MAX + 64];

		snprintf(why, sizeof(why), "SCP levels unknown: %s", ce.msg);
		return aud_fail(a, why, e);
	}
	buf_init(&paths, 64u * 1024u);
	buf_printf(&paths, "%s/", o->id != NULL ? o->id : "");
	for (int i = 0; i < n; i++) {
		a->level_ids[i] = ids[i];
		buf_printf(&paths, "%s/", ids[i]);
	}
	a->level_ids[n] = a->sa->id;
	a->nlevels = (size_t)n + 1;
	a->org_paths = arena_strdup(&a->arena, buf_cstr(&paths));
	buf_free(&paths);
	if (a->org_paths == NULL) {
		err_set(e, "account %s: out of memory", a->sa->id);
		return -1;
	}
	if (o->scp_enabled) {
		if (aud_org_levels(a, SNAP_SCP, a->scp, e) < 0)
			return -1;
		a->nscp = a->nlevels;
	}
	if (o->rcp_enabled && a->ok) {
		if (aud_org_levels(a, SNAP_RCP, a->rcp, e) < 0)
			return -1;
		a->nrcp = a->nlevels;
	}
	return 0;
}

static int
aud_endpoints(struct aud_account *a, struct err *e)
{
	size_t n = 0, k = 0;

	for (size_t r = 0; r < a->sa->nregions; r++)
		n += a->sa->regions[r].nendpoints;
	if (n == 0)
		return 0;
	a->endpoints = arena_zalloc(&a->arena, n * sizeof(*a->endpoints));
	if (a->endpoints == NULL) {
		err_set(e, "account %s: out of memory", a->sa->id);
		return -1;
	}
	for (size_t r = 0; r < a->sa->nregions; r++) {
		const struct snap_region *rg = &a->sa->regions[r];

		for (size_t i = 0; i < rg->nendpoints; i++) {
			const struct snap_endpoint *ep = &rg->endpoints[i];
			struct aud_endpoint *ae = &a->endpoints[k];
			const char *sn = ep->service_name, *svc;
			size_t rl = strlen(rg->name);

			/* A deleted or refused endpoint carries no traffic. */
			if (sn == NULL || (ep->state != NULL && (strcasecmp(ep->state, "deleted") == 0 ||
			    strcasecmp(ep->state, "deleting") == 0 || strcasecmp(ep->state, "rejected") == 0 ||
			    strcasecmp(ep->state, "failed") == 0 || strcasecmp(ep->state, "expired") == 0)))
				continue;
			if (strncmp(sn, "com.amazonaws.", 14) != 0 || strncmp(sn + 14, rg->name, rl) != 0 ||
			    sn[14 + rl] != '.')
				continue;
			svc = sn + 14 + rl + 1;
			ae->region = rg->name;
			ae->ep = ep;
			ae->service = svc;
			if (ep->policy != NULL) {
				struct eval_policy *pp = arena_zalloc(&a->arena, sizeof(*pp));
				char what[512];
				int rc;

				if (pp == NULL) {
					err_set(e, "account %s: out of memory", a->sa->id);
					return -1;
				}
				snprintf(what, sizeof(what), "policy of VPC endpoint %s", ep->id);
				pp->policy = aud_compile(a, ep->policy, ep->id, POLICY_KIND_ENDPOINT, what, &rc,
				    e);
				if (pp->policy == NULL)
					return rc;
				pp->name = ep->id;
				pp->source = aud_fmt(a, "VPC endpoint policy of %s (%s) in %s", ep->id, sn,
				    rg->name);
				ae->policy = pp;
			}
			k++;
		}
	}
	a->nendpoints = k;
	return 0;
}

static bool
aud_prefix(const struct aud_key *k, const char *pfx)
{
	size_t n = strlen(pfx);

	return k->len > n && strncasecmp(k->name, pfx, n) == 0;
}

static bool
aud_is(const struct aud_key *k, const char *name)
{
	return k->len == strlen(name) && strncasecmp(k->name, name, k->len) == 0;
}

/* What a key is in the requests of this account's principals, decided once
 * rather than by name compares in every request. */
static void
aud_key_classify(struct aud_key *k)
{
	const char *colon = memchr(k->name, ':', k->len);

	k->sub = NULL;
	k->sublen = 0;
	k->svclen = 0;
	if (aud_is(k, "aws:PrincipalArn") || aud_is(k, "aws:PrincipalAccount") ||
	    aud_is(k, "aws:PrincipalType") || aud_is(k, "aws:username")) {
		k->cls = AUD_KEY_DERIVED;
	} else if (aud_prefix(k, "aws:PrincipalTag/")) {
		k->cls = AUD_KEY_PRINCIPAL_TAG;
		k->sub = k->name + 17;
		k->sublen = k->len - 17;
	} else if (aud_prefix(k, "aws:ResourceTag/") || aud_prefix(k, "iam:ResourceTag/")) {
		k->cls = AUD_KEY_RESOURCE_TAG;
		k->sub = k->name + 16;
		k->sublen = k->len - 16;
	} else if (aud_is(k, "aws:PrincipalOrgID") || aud_is(k, "aws:ResourceOrgID")) {
		k->cls = AUD_KEY_ORG_ID;
	} else if (aud_is(k, "aws:PrincipalOrgPaths") || aud_is(k, "aws:ResourceOrgPaths")) {
		k->cls = AUD_KEY_ORG_PATHS;
	} else if (aud_is(k, "aws:ResourceAccount")) {
		k->cls = AUD_KEY_ACCOUNT;
	} else if (aud_is(k, "aws:PrincipalIsAWSService")) {
		k->cls = AUD_KEY_FALSE;
	} else if (aud_is(k, "aws:userid")) {
		k->cls = AUD_KEY_USERID;
	} else if (aud_is(k, "aws:PrincipalServiceName") ||
	    aud_is(k, "aws:PrincipalServiceNamesList")) {
		/* the caller is an IAM principal, not a service */
		k->cls = AUD_KEY_ABSENT;
	} else if (aud_is(k, "iam:PassedToService")) {
		k->cls = AUD_KEY_PASSED_TO;
	} else if (aud_prefix(k, "aws:")) {
		k->cls = AUD_KEY_GLOBAL;
	} else if (colon != NULL) {
		k->cls = AUD_KEY_SERVICE;
		k->svclen = (size_t)(colon - k->name);
	} else {
		k->cls = AUD_KEY_ABSENT;
	}
}

struct aud_keyset {
	struct aud_account *a;
	size_t cap;
	bool oom;
};

static void
aud_key_add(void *arg, const char *key, size_t len)
{
	struct aud_keyset *ks = arg;
	struct aud_account *a = ks->a;

	for (size_t i = 0; i < a->nkeys; i++)
		if (a->keys[i].len == len && strncasecmp(a->keys[i].name, key, len) == 0)
			return;
	if (a->nkeys == ks->cap) {
		size_t cap = ks->cap ? ks->cap * 2 : 16;
		struct aud_key *n = arena_alloc(&a->arena, cap * sizeof(*n));

		if (n == NULL) {
			ks->oom = true;
			return;
		}
		if (a->nkeys > 0)
			memcpy(n, a->keys, a->nkeys * sizeof(*n));
		a->keys = n;
		ks->cap = cap;
	}
	a->keys[a->nkeys].name = arena_strndup(&a->arena, key, len);
	if (a->keys[a->nkeys].name == NULL) {
		ks->oom = true;
		return;
	}
	a->keys[a->nkeys].len = len;
	aud_key_classify(&a->keys[a->nkeys++]);
}

static void
aud_keys_of(struct aud_keyset *ks, const struct policy *p)
{
	for (size_t s = 0; s < p->nstmts; s++) {
		const struct policy_stmt *st = &p->stmts[s];

		for (size_t c = 0; c < st->nconds; c++) {
			aud_key_add(ks, st->conds[c].key, st->conds[c].keylen);
			if (p->vars && st->conds[c].has_var)
				for (size_t v = 0; v < st->conds[c].nvals; v++)
					pvar_each_key(st->conds[c].vals[v], aud_key_add, ks);
		}
		for (size_t r = 0; p->vars && r < st->nresources; r++)
			if (st->resources[r].has_var)
				pvar_each_key(st->resources[r].pat, aud_key_add, ks);
	}
}

/* Every condition key and policy variable any policy of the account's
 * requests mentions: its own (a->pols) and the org policies of its levels,
 * which the org cache owns. */
static int
aud_keys(struct aud_account *a, struct err *e)
{
	struct aud_keyset ks = { a, 0, false };

	for (size_t i = 0; i < a->npols; i++)
		aud_keys_of(&ks, a->pols[i]);
	for (size_t l = 0; l < a->nscp; l++)
		for (size_t k = 0; k < a->scp[l].n; k++)
			aud_keys_of(&ks, a->scp[l].policies[k].policy);
	for (size_t l = 0; l < a->nrcp; l++)
		for (size_t k = 0; k < a->rcp[l].n; k++)
			aud_keys_of(&ks, a->rcp[l].policies[k].policy);
	if (ks.oom) {
		err_set(e, "account %s: out of memory", a->sa->id);
		return -1;
	}
	/* The keys that depend on the request, set by aud_ctx_target. */
	a->rtags = arena_alloc(&a->arena, (a->nkeys ? a->nkeys : 1) * sizeof(*a->rtags));
	a->svckeys = arena_alloc(&a->arena, (a->nkeys ? a->nkeys : 1) * sizeof(*a->svckeys));
	if (a->rtags == NULL || a->svckeys == NULL) {
		err_set(e, "account %s: out of memory", a->sa->id);
		return -1;
	}
	for (size_t i = 0; i < a->nkeys; i++) {
		if (a->keys[i].cls == AUD_KEY_RESOURCE_TAG)
			a->rtags[a->nrtags++] = &a->keys[i];
		if (a->keys[i].cls == AUD_KEY_SERVICE)
			a->svckeys[a->nsvckeys++] = &a->keys[i];
		if (a->keys[i].cls == AUD_KEY_PASSED_TO)
			a->passed_key = &a->keys[i];
	}
	/* The derived keys and iam:PassedToService need room too. */
	if (a->nkeys + 8 > CTX_MAX_KEYS) {
		char why[256];

		snprintf(why, sizeof(why), "its policies use %zu distinct condition keys; the "
		    "evaluator handles at most %d per request", a->nkeys, CTX_MAX_KEYS - 8);
		return aud_fail(a, why, e);
	}
	return 0;
}

static int
aud_completeness(struct aud_account *a, struct err *e)
{
	const struct snap_account *sa = a->sa;
	char why[2048];

	if (!sa->access.complete) {
		snprintf(why, sizeof(why), "the account could not be read: %s",
		    sa->access.why != NULL ? sa->access.why : "no reason recorded");
		return aud_fail(a, why, e);
	}
	if (!sa->iam.part.complete) {
		snprintf(why, sizeof(why), "IAM data incomplete: %s",
		    sa->iam.part.why != NULL ? sa->iam.part.why : "no reason recorded");
		return aud_fail(a, why, e);
	}
	for (size_t i = 0; i < sa->nregions; i++)
		if (!sa->regions[i].part.complete) {
			snprintf(why, sizeof(why), "VPC endpoints of %s incomplete: %s",
			    sa->regions[i].name, sa->regions[i].part.why != NULL ?
			    sa->regions[i].part.why : "no reason recorded");
			return aud_fail(a, why, e);
		}
	return 0;
}

int
aud_account_build(struct aud_account *a, const struct snapshot *s,
    const struct snap_account *sa, struct aud_org *org, struct err *e)
{
	const struct snap_iam *iam = &sa->iam;
	size_t n;

	memset(a, 0, sizeof(*a));
	a->snap = s;
	a->sa = sa;
	a->org = org;
	a->ok = true;
	arena_init(&a->arena, 64u * 1024u, 0);
	if (aud_completeness(a, e) < 0 || !a->ok)
		return a->ok ? -1 : 0;
	if (aud_org(a, e) < 0 || !a->ok)
		return a->ok ? -1 : 0;
	a->managed = arena_zalloc(&a->arena, (iam->npolicies ? iam->npolicies : 1) *
	    sizeof(*a->managed));
	n = iam->nusers + iam->nroles;
	a->principals = arena_zalloc(&a->arena, (n ? n : 1) * sizeof(*a->principals));
	n = iam->ngroups ? iam->ngroups : 1;
	a->group_pols = arena_zalloc(&a->arena, n * sizeof(*a->group_pols));
	a->group_npols = arena_zalloc(&a->arena, n * sizeof(*a->group_npols));
	a->group_done = arena_zalloc(&a->arena, n * sizeof(*a->group_done));
	if (a->managed == NULL || a->principals == NULL || a->group_pols == NULL ||
	    a->group_npols == NULL || a->group_done == NULL) {
		err_set(e, "account %s: out of memory", sa->id);
		return -1;
	}
	for (size_t i = 0; i < iam->nusers && a->ok; i++)
		if (aud_user(a, &iam->users[i], &a->principals[a->nprincipals++], e) < 0)
			return -1;
	a->nusers = iam->nusers;
	for (size_t i = 0; i < iam->nroles && a->ok; i++)
		if (aud_role(a, &iam->roles[i], &a->principals[a->nprincipals++], e) < 0)
			return -1;
	if (!a->ok)
		return 0;
	if (aud_endpoints(a, e) < 0)
		return -1;
	if (!a->ok)
		return 0;
	return aud_keys(a, e);
}

void
aud_account_free(struct aud_account *a)
{
	for (size_t i = 0; i < a->npols; i++)
		policy_free(a->pols[i]);
	free(a->pols);
	arena_free(&a->arena);
	memset(a, 0, sizeof(*a));
}

long
aud_find_principal(const struct aud_account *a, const char *arn)
{
	for (size_t i = 0; i < a->nprincipals; i++)
		if (strcmp(a->principals[i].arn, arn) == 0)
			return (long)i;
	return -1;
}

static const struct snap_tag *
aud_tag(const struct snap_tag *tags, size_t n, const char *key, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(tags[i].key) == len && strncasecmp(tags[i].key, key, len) == 0)
			return &tags[i];
	return NULL;
}

int
aud_ctx_principal(const struct aud_account *a, const struct aud_principal *p, struct ctx *c,
    struct err *e)
{
	static const char *const no[] = { "false" };

	if (ctx_init_principal(c, p->arn, e) < 0)
		return -1;
	c->caller = p->caller;
	for (size_t i = 0; i < a->nkeys; i++) {
		const struct aud_key *k = &a->keys[i];
		const char *const *vals = NULL;
		const struct snap_tag *t;
		bool unknown = false;

		switch (k->cls) {
		case AUD_KEY_DERIVED:
		case AUD_KEY_ABSENT:
		/* the request's: aud_ctx_target */
		case AUD_KEY_RESOURCE_TAG:
		case AUD_KEY_PASSED_TO:
		case AUD_KEY_SERVICE:
			continue;
		case AUD_KEY_PRINCIPAL_TAG:
			t = aud_tag(p->tags, p->ntags, k->sub, k->sublen);
			if (t != NULL)
				vals = (const char *const *)&t->value;
			break;
		case AUD_KEY_ORG_ID:
			if (a->org_id != NULL)
				vals = &a->org_id;
			unknown = a->org_unknown;
			break;
		case AUD_KEY_ORG_PATHS:
			if (a->org_paths != NULL)
				vals = &a->org_paths;
			unknown = a->org_unknown;
			break;
		case AUD_KEY_ACCOUNT:
			vals = (const char *const *)&a->sa->id;
			break;
		case AUD_KEY_FALSE:
			vals = no;
			break;
		case AUD_KEY_USERID:
			/* a role session's id is ROLEID:session, not known ahead */
			if (p->type == AUD_USER && p->id != NULL)
				vals = (const char *const *)&p->id;
			else
				unknown = true;
			break;
		case AUD_KEY_GLOBAL:
			unknown = true;
			break;
		}
		if (vals != NULL) {
			if (ctx_set(c, k->name, vals, 1, e) < 0)
				return -1;
		} else if (unknown && ctx_set_unknown(c, k->name, e) < 0) {
			return -1;
		}
	}
	/* The derived keys are the principal's: no request key can name one. */
	return ctx_finish(c, e);
}

int
aud_ctx_target(const struct aud_account *a, struct ctx *c, size_t base, const char *action,
    const char *resource, const struct aud_principal *target, const char *const *passed_to,
    struct err *e)
{
	ctx_truncate(c, base);
	if (ctx_set_action(c, action, e) < 0)
		return -1;
	if (target != NULL && target->res != NULL && resource == target->arn)
		ctx_use_resource(c, target->res);
	else if (ctx_set_resource(c, resource, e) < 0)
		return -1;
	if (passed_to != NULL && *passed_to != NULL) {
		if (ctx_set(c, "iam:PassedToService", passed_to, 1, e) < 0)
			return -1;
	} else if (a->passed_key != NULL && c->is_passrole &&
	    ctx_set_unknown(c, a->passed_key->name, e) < 0) {
		/* only a PassRole check carries it */
		return -1;
	}
	/* A service's key is present, value unknown, in a request for an
	 * action of that service; not in the request at all otherwise. */
	for (size_t i = 0; i < a->nsvckeys; i++) {
		const struct aud_key *k = a->svckeys[i];

		if (k->svclen == c->svc_len && strncasecmp(k->name, action, c->svc_len) == 0 &&
		    ctx_set_unknown(c, k->name, e) < 0)
			return -1;
	}
	for (size_t i = 0; i < a->nrtags; i++) {
		const struct aud_key *k = a->rtags[i];
		const struct snap_tag *t;

		if (target == NULL) {
			if (ctx_set_unknown(c, k->name, e) < 0)
				return -1;
			continue;
		}
		t = aud_tag(target->tags, target->ntags, k->sub, k->sublen);
		if (t != NULL && ctx_set(c, k->name, (const char *const *)&t->value, 1, e) < 0)
			return -1;
	}
	return 0;
}

void
aud_rq_fill(const struct aud_account *a, const struct aud_principal *p, const struct ctx *c,
    const struct aud_principal *target, const struct eval_policy *endpoint,
    struct eval_request *rq)
{
	memset(rq, 0, sizeof(*rq));
	rq->ctx = c;
	rq->is_management_account = a->sa->is_management;
	rq->principal_is_service_linked_role = p->service_linked;
	rq->identity = p->identity;
	rq->nidentity = p->nidentity;
	rq->boundary = p->boundary;
	rq->scp = a->scp;
	rq->nscp = a->nscp;
	rq->rcp = a->rcp;
	rq->nrcp = a->nrcp;
	rq->endpoint = endpoint;
	rq->passed_to_of = sink_passed_to;
	if (target != NULL && target->trust != NULL) {
		rq->resource = target->trust;
		rq->nresource = 1;
	}
}

int
aud_request(const struct aud_account *a, const struct aud_principal *p, const char *action,
    const char *resource, const struct aud_principal *target, const char *const *passed_to,
    const struct eval_policy *endpoint, struct ctx *c, struct eval_request *rq,
    struct err *e)
{
	if (aud_ctx_principal(a, p, c, e) < 0 ||
	    aud_ctx_target(a, c, c->nkeys, action, resource, target, passed_to, e) < 0)
		return -1;
	aud_rq_fill(a, p, c, target, endpoint, rq);
	return 0;
}

int
aud_put_str(struct buf *out, const char *s)
{
	return buf_puts(out, s != NULL ? s : "(null)");
}

/* "Name (source, Sid X)" of a match. In pieces: a printf of these long
 * strings (measuring, then writing) was most of the cost of a reason. */
static int
aud_put_match(const struct eval_match *m, struct buf *out)
{
	char label[256];
	int rc;

	policy_stmt_label(m->stmt, label, sizeof(label));
	rc = aud_put_str(out, m->policy->name) | buf_puts(out, " (");
	if (m->policy->source != NULL)
		rc |= buf_puts(out, m->policy->source) | buf_puts(out, ", ");
	rc |= buf_puts(out, label[0] == '#' ? "statement " : "Sid ") | buf_puts(out, label) |
	    buf_putc(out, ')');
	return rc != 0 ? -1 : 0;
}

int
aud_reason(const struct eval_result *r, struct buf *out)
{
	static const enum eval_layer order[] = {
		EVAL_LAYER_SCP, EVAL_LAYER_RCP, EVAL_LAYER_BOUNDARY, EVAL_LAYER_ENDPOINT,
		EVAL_LAYER_IDENTITY,
	};
	const struct eval_layer_out *id = &r->layers[EVAL_LAYER_IDENTITY];
	bool first = true, lim = false;
	int rc = 0;

	rc |= buf_puts(out, "allowed by ");
	for (const struct eval_match *m = id->matches; m != NULL; m = m->next) {
		if (m->stmt->effect != POLICY_ALLOW)
			continue;
		rc |= buf_puts(out, first ? "" : "; ");
		rc |= aud_put_match(m, out);
		if (!formula_is_true(m->when)) {
			rc |= buf_puts(out, " when ");
			rc |= formula_render(m->when, out);
		}
		first = false;
	}
	if (first)
		rc |= buf_puts(out, "no identity-based policy");
	if (r->layers[EVAL_LAYER_BOUNDARY].outcome != EVAL_OUT_NOT_APPLICABLE) {
		const struct eval_match *m = r->layers[EVAL_LAYER_BOUNDARY].matches;

		for (; m != NULL && m->stmt->effect != POLICY_ALLOW; m = m->next)
			;
		if (m != NULL) {
			rc |= buf_puts(out, "; within permissions boundary ");
			rc |= aud_put_match(m, out);
		}
	}
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const struct eval_layer_out *lo = &r->layers[order[i]];

		for (const struct eval_match *m = lo->matches; m != NULL; m = m->next) {
			bool deny = m->stmt->effect == POLICY_DENY;

			/* Unconditional allows are the gates passing; identity
			 * allows are the grants, listed above. */
			if (!deny && (formula_is_true(m->when) || order[i] == EVAL_LAYER_IDENTITY))
				continue;
			rc |= buf_puts(out, lim ? "; " : "; limited by ");
			lim = true;
			rc |= buf_printf(out, "%s in %s ", deny ? "Deny" : "Allow",
			    explain_layer_phrase(order[i], NULL));
			rc |= aud_put_match(m, out);
			rc |= buf_puts(out, deny ? " when " : " only when ");
			rc |= formula_render(m->when, out);
		}
	}
	return rc != 0 ? -1 : 0;
}

/* Literal values an iam:PassedToService atom of f compares with. */
static void
aud_pts_values(const struct formula *f, const char **vals, size_t *n, size_t max)
{
	switch (f->kind) {
	case FORMULA_TRUE:
	case FORMULA_FALSE:
		return;
	case FORMULA_NOT:
		aud_pts_values(f->u.neg, vals, n, max);
		return;
	case FORMULA_AND:
	case FORMULA_OR:
		aud_pts_values(f->u.bin.a, vals, n, max);
		aud_pts_values(f->u.bin.b, vals, n, max);
		return;
	case FORMULA_ATOM:
		break;
	}
	if (f->u.atom.cond == NULL || strcasecmp(f->u.atom.cond->key, "iam:PassedToService") != 0)
		return;
	for (size_t i = 0; i < f->u.atom.nvals && *n < max; i++)
		vals[(*n)++] = f->u.atom.vals[i];
}

int
aud_conditions(struct arena *ar, const struct formula *f, const char *const *services,
    size_t nservices, bool *conditional, struct buf *out)
{
	const struct formula *g[EVAL_MAX_SERVICES];
	bool same = true;
	int rc = 0;

	*conditional = false;
	if (nservices == 0) {
		/* No service to reflect it: the constraint without
		 * iam:PassedToService is what holds for some value of it
		 * (absent, an unlisted value, or one of the listed ones). */
		const char *cand[34] = { NULL, "\x02unlisted.amazonaws.com" };
		size_t nc = 2;
		const struct formula *x = formula_false();

		aud_pts_values(f, cand, &nc, 34);
		for (size_t i = 0; i < nc && x != NULL; i++)
			x = formula_or(ar, x, formula_assign(ar, f, "iam:PassedToService", cand[i]));
		if (x == NULL)
			return -1;
		x = formula_decide(ar, x);
		if (formula_is_true(x))
			return 0;
		*conditional = true;
		return formula_render(x, out);
	}
	for (size_t i = 0; i < nservices && i < EVAL_MAX_SERVICES; i++) {
		g[i] = formula_assign(ar, f, "iam:PassedToService", sink_passed_to(services[i]));
		if (g[i] == NULL)
			return -1;
		g[i] = formula_decide(ar, g[i]);
		if (!formula_is_true(g[i]))
			*conditional = true;
		if (i > 0 && !formula_equal(g[i], g[0]))
			same = false;
	}
	if (!*conditional)
		return 0;
	if (same)
		return formula_render(g[0], out);
	for (size_t i = 0; i < nservices && i < EVAL_MAX_SERVICES; i++) {
		rc |= buf_printf(out, "%sfor %s: ", i > 0 ? "; " : "", services[i]);
		rc |= formula_is_true(g[i]) ? buf_puts(out, "always") : formula_render(g[i], out);
	}
	return rc != 0 ? -1 : 0;
}
