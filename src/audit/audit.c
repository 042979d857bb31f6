/*
 * audit_snapshot(): privileged roles, direct PassRole edges with services,
 * conditions, reasons and VPC endpoint caveats; transitive paths come from
 * paths.c.
 */
#include "config.h"

#include "audit/audit.h"

#include <stdlib.h>
#include <string.h>

#include "audit/audit_int.h"
#include "audit/paths.h"
#include "audit/privileged.h"
#include "audit/sinks.h"
#include "audit/usable.h"
#include "policy/explain.h"
#include "policy/formula.h"

#define AUD_TEXT_MAX (1u << 20)

char *
aud_strdup(const char *s, bool *oom)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		*oom = true;
	return d;
}

struct aud_edge *
aud_edges_push(struct aud_edges *E, struct err *e)
{
	if (E->n == E->cap) {
		size_t cap = E->cap ? E->cap * 2 : 64;
		struct aud_edge *n = cap > E->cap ? reallocarray(E->v, cap, sizeof(*n)) : NULL;

		if (n == NULL) {
			err_set(e, "out of memory");
			return NULL;
		}
		E->v = n;
		E->cap = cap;
	}
	memset(&E->v[E->n], 0, sizeof(E->v[E->n]));
	return &E->v[E->n++];
}

int
aud_edges_grid(struct aud_edges *E, size_t nprincipals, size_t npriv, struct err *e)
{
	size_t cells;

	/* Counts come from the snapshot; a product that wraps would make a
	 * small grid that aud_direct() then writes past. */
	if (__builtin_mul_overflow(nprincipals, npriv, &cells)) {
		err_set(e, "%zu principals by %zu privileged roles: too many edges "
		    "to track", nprincipals, npriv);
		return -1;
	}
	if ((E->grid = reallocarray(NULL, cells, sizeof(*E->grid))) == NULL) {
		err_set(e, "out of memory for %zu principals by %zu privileged roles",
		    nprincipals, npriv);
		return -1;
	}
	for (size_t i = 0; i < cells; i++)
		E->grid[i] = -1;
	return 0;
}

void
aud_edges_free(struct aud_edges *E)
{
	for (size_t i = 0; i < E->n; i++)
		edge_clear(&E->v[i].ed);
	free(E->v);
	free(E->grid);
	memset(E, 0, sizeof(*E));
}

int
aud_endpoint_message(const struct eval_result *r, const struct ctx *c,
    const struct aud_endpoint *ae, const char *service, struct buf *out)
{
	int rc = explain_message(r, c, out);

	/* In pieces: one caveat per direct edge and endpoint, and a printf
	 * formats its text twice. */
	rc |= buf_puts(out, " (when the call to ") | aud_put_str(out, service) |
	    buf_puts(out, " goes through ") | aud_put_str(out, ae->ep->id) | buf_puts(out, ", ") |
	    aud_put_str(out, ae->ep->service_name) | buf_puts(out, " in ") |
	    aud_put_str(out, ae->region) | buf_puts(out, ": the other policies allow it, so this "
	    "endpoint policy is the only reason the request fails)");
	return rc != 0 ? -1 : 0;
}

static int
aud_cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Endpoint caveats of a direct edge: every endpoint of the account whose
 * service carries the PassRole to one of the edge's services and whose
 * policy would refuse it. */
int
aud_caveats(const struct aud_account *a, const struct aud_principal *p,
    const struct aud_principal *r, struct edge *ed, struct eval_state *st, struct ctx *c,
    size_t base, struct buf *msg, struct err *e)
{
	struct eval_request rq;
	struct eval_result res;
	bool oom = false;
	int rc = -1;

	for (size_t i = 0; i < a->nendpoints; i++) {
		const struct aud_endpoint *ae = &a->endpoints[i];
		const char *const *svc = NULL;
		const char *pv;
		struct edge_caveat *cv, *n;

		if (ae->policy == NULL)
			continue;
		for (size_t k = 0; k < ed->nservices && svc == NULL; k++) {
			const char *epn = aud_service_endpoint(ed->services[k]);

			if (epn != NULL && strcmp(epn, ae->service) == 0)
				svc = (const char *const *)&ed->services[k];
		}
		if (svc == NULL)
			continue;
		pv = sink_passed_to(*svc);
		if (aud_ctx_target(a, c, base, "iam:PassRole", r->arn, r, &pv, e) < 0)
			goto out;
		aud_rq_fill(a, p, c, r, ae->policy, &rq);
		if (eval_decide(st, &rq, &res, e) < 0)
			goto out;
		if (res.decision != EVAL_DENIED)
			continue;
		buf_reset(msg);
		if (aud_endpoint_message(&res, c, ae, *svc, msg) < 0) {
			err_set(e, "endpoint caveat of %s: message too long", ae->ep->id);
			goto out;
		}
		n = reallocarray(ed->caveats, ed->ncaveats + 1, sizeof(*n));
		if (n == NULL) {
			err_set(e, "out of memory");
			goto out;
		}
		ed->caveats = n;
		cv = &ed->caveats[ed->ncaveats++];
		cv->endpoint_id = aud_strdup(ae->ep->id, &oom);
		cv->region = aud_strdup(ae->region, &oom);
		cv->service_name = aud_strdup(ae->ep->service_name, &oom);
		cv->message = aud_strdup(buf_cstr(msg), &oom);
		if (oom) {
			err_set(e, "out of memory");
			goto out;
		}
	}
	rc = 0;
out:
	return rc;
}

/* Fill a direct edge from a decision (res from eval_decide on rq, whose
 * context is c with p's part in its first base keys: the caveats then
 * reuse it, so rq is spent afterwards). b: scratch text, kept by the
 * caller across edges so that its memory is allocated once rather than
 * per edge. */
static int
aud_fill_edge(const struct aud_account *a, size_t pi, const struct aud_principal *r,
    struct eval_state *st, const struct eval_request *rq, struct ctx *c, size_t base,
    struct eval_result *res, struct edge *ed, struct usable_cache *uc, struct buf *b,
    struct err *e)
{
	const struct aud_principal *p = &a->principals[pi];
	bool oom = false, cond = false;
	int rc = -1;

	buf_reset(b);
	ed->principal_arn = aud_strdup(p->arn, &oom);
	ed->principal_type = aud_strdup(p->type == AUD_USER ? "user" : "role", &oom);
	ed->account = aud_strdup(a->sa->id, &oom);
	ed->role_arn = aud_strdup(r->arn, &oom);
	if (oom)
		goto oom;
	if (res->nservices > 0) {
		ed->services = calloc(res->nservices, sizeof(*ed->services));
		if (ed->services == NULL)
			goto oom;
		for (size_t i = 0; i < res->nservices; i++)
			ed->services[ed->nservices++] = aud_strdup(res->services[i], &oom);
		if (oom)
			goto oom;
		qsort(ed->services, ed->nservices, sizeof(*ed->services), aud_cmp_str);
	}
	ed->no_service = ed->nservices == 0;
	/* Per-service conditions in the services' sorted order, so that the
	 * text does not change with the order of the trust policy. */
	if (aud_conditions(&st->arena, res->constraints, (const char *const *)ed->services,
	    ed->nservices, &cond, b) < 0) {
		err_set(e, "%s -> %s: conditions too long to render", p->arn, r->arn);
		goto out;
	}
	ed->conditional = cond;
	if (cond && (ed->conditions = aud_strdup(buf_cstr(b), &oom)) == NULL)
		goto oom;
	/* The explanation: the same request again, recording matches. */
	if (eval_run(st, rq, res, e) < 0)
		goto out;
	buf_reset(b);
	if (aud_reason(res, b) < 0) {
		err_set(e, "%s -> %s: reason too long", p->arn, r->arn);
		goto out;
	}
	if ((ed->reason = aud_strdup(buf_cstr(b), &oom)) == NULL)
		goto oom;
	if (aud_caveats(a, p, r, ed, st, c, base, b, e) < 0)
		goto out;
	/* Last: its requests reuse the evaluator's arena that res lives in. */
	if (usable_edge(a, pi, r, ed, uc, st, c, base, e) < 0)
		goto out;
	rc = 0;
	goto out;
oom:
	err_set(e, "out of memory");
out:
	return rc;
}

/* Direct edges: every principal against every privileged role. */
int
aud_direct(const struct aud_account *a, const struct priv_list *pl, struct aud_edges *E,
    struct eval_state *st, struct err *e)
{
	struct ctx c;
	struct eval_request rq;
	struct eval_result res;
	struct buf text;
	struct usable_cache uc;
	int rc = -1;

	if (usable_cache_init(&uc, e) < 0)
		return -1;
	buf_init(&text, AUD_TEXT_MAX);
	for (size_t i = 0; i < a->nprincipals; i++) {
		const struct aud_principal *p = &a->principals[i];
		size_t base;

		if (!p->may_pass)
			continue;
		/* The principal's part of the context, once for every role. */
		if (aud_ctx_principal(a, p, &c, e) < 0)
			goto fail;
		base = c.nkeys;
		for (size_t j = 0; j < pl->n; j++) {
			const struct aud_principal *r = &a->principals[pl->v[j].principal];
			struct aud_edge *ae;

			/* Passing oneself gains nothing. */
			if (pl->v[j].principal == i)
				continue;
			if (aud_ctx_target(a, &c, base, "iam:PassRole", r->arn, r, NULL, e) < 0)
				goto fail;
			aud_rq_fill(a, p, &c, r, NULL, &rq);
			if (eval_decide(st, &rq, &res, e) < 0)
				goto fail;
			if (res.decision == EVAL_DENIED)
				continue;
			if ((ae = aud_edges_push(E, e)) == NULL)
				goto out;
			ae->p = i;
			ae->r = j;
			ae->depth = 0;
			E->grid[i * E->npriv + j] = (long)(E->n - 1);
			if (aud_fill_edge(a, i, r, st, &rq, &c, base, &res, &ae->ed, &uc, &text, e) < 0)
				goto fail;
		}
	}
	rc = 0;
	goto out;
fail:
	err_prefix(e, "account %s", a->sa->id);
out:
	usable_cache_free(&uc);
	buf_free(&text);
	return rc;
}

/* Move an account's results into the set. */
static int
aud_collect(struct edge_set *set, const struct aud_account *a, struct priv_list *pl,
    struct aud_edges *E, struct err *e)
{
	struct edge_privileged *np;
	struct edge *ne;

	if (pl->n > 0) {
		np = reallocarray(set->privileged, set->nprivileged + pl->n, sizeof(*np));
		if (np == NULL)
			goto oom;
		set->privileged = np;
		for (size_t i = 0; i < pl->n; i++) {
			struct edge_privileged *ep = &set->privileged[set->nprivileged];
			bool oom = false;

			memset(ep, 0, sizeof(*ep));
			ep->role_arn = aud_strdup(a->principals[pl->v[i].principal].arn, &oom);
			ep->account = aud_strdup(a->sa->id, &oom);
			ep->reasons = pl->v[i].reasons;
			ep->nreasons = pl->v[i].nreasons;
			pl->v[i].reasons = NULL;
			pl->v[i].nreasons = 0;
			set->nprivileged++;
			if (oom)
				goto oom;
		}
	}
	if (E->n > 0) {
		ne = reallocarray(set->edges, set->nedges + E->n, sizeof(*ne));
		if (ne == NULL)
			goto oom;
		set->edges = ne;
		for (size_t i = 0; i < E->n; i++) {
			if (E->v[i].dead)
				continue;
			set->edges[set->nedges++] = E->v[i].ed;
			memset(&E->v[i].ed, 0, sizeof(E->v[i].ed));
		}
	}
	return 0;
oom:
	err_set(e, "out of memory");
	return -1;
}

/* One account into set: its entry, its privileged roles and, with edges,
 * its direct and indirect edges. */
static int
aud_one_account(struct edge_set *set, const struct snapshot *s, const struct snap_account *sa,
    const struct config_audit *cfg, bool edges, struct aud_org *org, struct eval_state *st,
    struct err *e)
{
	struct aud_account a;
	struct priv_list pl = { 0 };
	struct aud_edges E = { 0 };
	struct edge_account *ea, *na;
	bool oom = false;
	int rc = -1;

	if (aud_account_build(&a, s, sa, org, e) < 0)
		goto out;
	na = reallocarray(set->accounts, set->naccounts + 1, sizeof(*na));
	if (na == NULL) {
		err_set(e, "out of memory");
		goto out;
	}
	set->accounts = na;
	ea = &set->accounts[set->naccounts++];
	memset(ea, 0, sizeof(*ea));
	ea->id = aud_strdup(sa->id, &oom);
	ea->audited = a.ok;
	ea->why = a.ok ? NULL : aud_strdup(a.why, &oom);
	ea->org_unknown = a.org_unknown;
	if (oom) {
		err_set(e, "out of memory");
		goto out;
	}
	if (!a.ok) {
		rc = 0;
		goto out;
	}
	if (priv_classify(&a, cfg, st, &pl, e) < 0)
		goto out;
	E.npriv = pl.n;
	if (edges && a.nprincipals > 0 && pl.n > 0) {
		if (aud_edges_grid(&E, a.nprincipals, pl.n, e) < 0) {
			err_prefix(e, "account %s", sa->id);
			goto out;
		}
		if (aud_direct(&a, &pl, &E, st, e) < 0)
			goto out;
		if (paths_extend(&a, &pl, &E, cfg != NULL ? cfg->max_depth : 3,
		    cfg != NULL ? cfg->max_alternatives : 3, st, e) < 0) {
			err_prefix(e, "account %s", sa->id);
			goto out;
		}
	}
	if (aud_collect(set, &a, &pl, &E, e) < 0)
		goto out;
	rc = 0;
out:
	aud_edges_free(&E);
	priv_list_free(&pl);
	aud_account_free(&a);
	return rc;
}

/* The run-level facts of a set made from snapshot s. */
static int
aud_set_head(struct edge_set *set, const struct snapshot *s, struct err *e)
{
	bool oom = false;

	set->taken_at = s->taken_at;
	set->source = aud_strdup(s->source, &oom);
	if (s->org.mode == SNAP_ORG_UNKNOWN) {
		struct buf b;

		buf_init(&b, 8192);
		buf_printf(&b, "single-account mode: SCPs and RCPs could not be read (%s); results "
		    "assume no SCP or RCP restricts these accounts", s->org.part.why != NULL ?
		    s->org.part.why : "Organizations not read");
		set->org_note = aud_strdup(buf_cstr(&b), &oom);
		buf_free(&b);
	}
	if (oom) {
		err_set(e, "out of memory");
		return -1;
	}
	return 0;
}

static struct edge_set *
aud_run(const struct snapshot *s, const struct config_audit *cfg, bool edges, struct err *e)
{
	struct edge_set *set = edge_set_new(e);
	struct eval_state st;
	struct aud_org org;

	if (set == NULL)
		return NULL;
	if (aud_org_init(&org, s, e) < 0) {
		edge_set_free(set);
		return NULL;
	}
	eval_state_init(&st);
	if (aud_set_head(set, s, e) != 0)
		goto fail;
	for (size_t i = 0; i < s->naccounts; i++)
		if (aud_one_account(set, s, &s->accounts[i], cfg, edges, &org, &st, e) < 0)
			goto fail;
	eval_state_free(&st);
	aud_org_free(&org);
	edge_set_sort(set);
	return set;
fail:
	eval_state_free(&st);
	aud_org_free(&org);
	edge_set_free(set);
	return NULL;
}

struct edge_set *
audit_snapshot(const struct snapshot *s, const struct config_audit *cfg, struct err *e)
{
	return aud_run(s, cfg, true, e);
}

struct edge_set *
audit_privileged(const struct snapshot *s, const struct config_audit *cfg, struct err *e)
{
	return aud_run(s, cfg, false, e);
}

struct audit_ctx {
	const struct snapshot *shell;
	const struct config_audit *cfg;
	struct aud_org org;
	struct eval_state st;
};

struct audit_ctx *
audit_ctx_new(const struct snapshot *shell, const struct config_audit *cfg, struct err *e)
{
	struct audit_ctx *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	if (aud_org_init(&c->org, shell, e) < 0) {
		free(c);
		return NULL;
	}
	c->shell = shell;
	c->cfg = cfg;
	eval_state_init(&c->st);
	return c;
}

void
audit_ctx_free(struct audit_ctx *c)
{
	if (c == NULL)
		return;
	eval_state_free(&c->st);
	aud_org_free(&c->org);
	free(c);
}

struct edge_set *
audit_account(struct audit_ctx *c, const struct snap_account *sa, struct err *e)
{
	struct edge_set *set = edge_set_new(e);

	if (set == NULL)
		return NULL;
	if (aud_set_head(set, c->shell, e) != 0 ||
	    aud_one_account(set, c->shell, sa, c->cfg, true, &c->org, &c->st, e) < 0) {
		edge_set_free(set);
		return NULL;
	}
	edge_set_sort(set);
	/* The evaluator's arena grows with the largest request seen; an
	 * account's worth is released here, not held across the org. */
	eval_state_free(&c->st);
	eval_state_init(&c->st);
	return set;
}
