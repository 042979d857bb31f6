/*
 * Transitive paths, breadth first: the edges found at depth d - 1 are the
 * frontier of depth d, so every edge is reached first by a shortest path.
 */
#include "config.h"

#include "audit/paths.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/formula.h"

#define PATHS_TEXT_MAX (1u << 20)
/* Roles whose hops are evaluated together: enough to build each
 * principal's contexts once for many roles, few enough that their marks
 * (this many bytes per principal) stay small. */
#define PATHS_CHUNK 32

enum { HOP_NONE = 0, HOP_ASSUME, HOP_PASS };

/* How principal P can act as role S. */
struct paths_hop {
	size_t p;		/* P's principal index */
	unsigned char kind;
	bool conditional;
	const char *via;	/* HOP_PASS: the service (in a compiled policy) */
	char *conditions;	/* open constraints of the hop, or NULL */
	char *reason;		/* what allows the hop */
};

/* The principals that can act as one role (never HOP_NONE), in principal
 * order, computed the first time the role is on the frontier. */
struct paths_role {
	bool done, queued;
	struct paths_hop *hops;
	size_t n, cap;
};

/* One (principal, role) pair to evaluate, and what to try. */
struct paths_pair {
	size_t p, s;
	bool assume, pass;
};

/*
 * The index: which principals a role's trust policy can admit, so that a
 * hop is evaluated only for the (principal, role) pairs that can succeed
 * rather than for every principal of the account. Per account, owned by
 * paths_extend.
 */
struct paths_ix {
	size_t np;
	size_t *slots;		/* principal ARN hash -> index + 1 (0: empty) */
	size_t mask;
	char (*acct)[13];	/* each principal's account, as ctx reads it */
	bool *any_arn;		/* the index cannot place it: a candidate for every role */
	unsigned char *mark;	/* per role of a chunk, one per principal */
	struct paths_role *roles;	/* the cache, by the role's principal index */
	size_t *queue;		/* roles first on this depth's frontier */
	size_t nqueue;
	/* The context of the principal whose pairs are being evaluated: its
	 * part is built once, each request only adds its own. */
	struct ctx c;
	struct buf text;	/* scratch for hop and edge texts: allocated once */
};

static size_t
paths_hash(const char *s)
{
	uint64_t h = 14695981039346656037u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return (size_t)(h ^ (h >> 32));
}

static void
paths_ix_free(struct paths_ix *ix)
{
	for (size_t i = 0; ix->roles != NULL && i < ix->np; i++) {
		struct paths_role *r = &ix->roles[i];

		for (size_t k = 0; k < r->n; k++)
			free(r->hops[k].conditions), free(r->hops[k].reason);
		free(r->hops);
	}
	free(ix->roles);
	free(ix->slots);
	free(ix->acct);
	free(ix->any_arn);
	free(ix->mark);
	free(ix->queue);
	buf_free(&ix->text);
	free(ix);
}

static struct paths_ix *
paths_ix_new(const struct aud_account *a, struct err *e)
{
	size_t np = a->nprincipals, cap = 16;
	struct paths_ix *ix = calloc(1, sizeof(*ix));

	while (cap < 2 * np)
		cap *= 2;
	if (ix == NULL)
		goto oom;
	ix->np = np;
	ix->mask = cap - 1;
	buf_init(&ix->text, PATHS_TEXT_MAX);
	ix->slots = calloc(cap, sizeof(*ix->slots));
	ix->acct = calloc(np ? np : 1, sizeof(*ix->acct));
	ix->any_arn = calloc(np ? np : 1, sizeof(*ix->any_arn));
	ix->mark = calloc(np ? np : 1, PATHS_CHUNK);
	ix->roles = calloc(np ? np : 1, sizeof(*ix->roles));
	ix->queue = calloc(np ? np : 1, sizeof(*ix->queue));
	if (ix->slots == NULL || ix->acct == NULL || ix->any_arn == NULL || ix->mark == NULL ||
	    ix->roles == NULL || ix->queue == NULL)
		goto oom;
	for (size_t i = 0; i < np; i++) {
		const char *arn = a->principals[i].arn;
		size_t k;

		/* The account and kind exactly as the evaluator reads them
		 * from the ARN (eval_principal_one compares these). A role ARN
		 * in a trust policy also names that role's sessions, so a
		 * session principal, or an ARN the evaluator refuses (its
		 * requests then fail as they always did), is a candidate for
		 * every role. */
		if (arn == NULL || ctx_init_principal(&ix->c, arn, NULL) < 0) {
			ix->any_arn[i] = true;
			continue;
		}
		memcpy(ix->acct[i], ix->c.account, sizeof(ix->acct[i]));
		ix->any_arn[i] = ix->c.kind == CTX_PRINCIPAL_SESSION;
		for (k = paths_hash(arn) & ix->mask; ix->slots[k] != 0; k = (k + 1) & ix->mask)
			;
		ix->slots[k] = i + 1;
	}
	return ix;
oom:
	if (ix != NULL)
		paths_ix_free(ix);
	err_set(e, "out of memory");
	return NULL;
}

/* Mark the principals whose ARN is exactly s (there may be several). */
static void
paths_mark_arn(struct paths_ix *ix, const struct aud_account *a, const char *s,
    unsigned char *mark)
{
	for (size_t k = paths_hash(s) & ix->mask; ix->slots[k] != 0; k = (k + 1) & ix->mask)
		if (strcmp(a->principals[ix->slots[k] - 1].arn, s) == 0)
			mark[ix->slots[k] - 1] = 1;
}

/*
 * Which principals the trust policy of role s can admit to sts:AssumeRole
 * (mark, one byte per principal, or *all), and whether it trusts a service that acts with a
 * passed role (*acts). Only an Allow statement admits, and only the
 * principals its Principal element matches (eval_principal_one): an ARN (or
 * a service, federated or canonical name) matches the principal of exactly
 * that ARN, an account every principal of that account. "*", NotPrincipal
 * or no Principal at all can match anyone. Conditions only narrow a
 * statement, so they need not be read; nor the actions: a statement that
 * cannot grant sts:AssumeRole only adds candidates the evaluation refuses.
 */
static void
paths_admits(struct paths_ix *ix, const struct aud_account *a, const struct aud_principal *s,
    unsigned char *mark, bool *all, bool *acts)
{
	const struct policy *tp = s->trust->policy;

	*all = false;
	*acts = false;
	memset(mark, 0, ix->np);
	for (size_t k = 0; k < tp->nstmts; k++) {
		const struct policy_stmt *st = &tp->stmts[k];

		if (st->effect != POLICY_ALLOW)
			continue;
		if (!st->has_principal || st->not_principal) {
			*all = true;
			continue;
		}
		for (size_t j = 0; j < st->nprincipals; j++) {
			const struct policy_principal *pr = &st->principals[j];

			switch (pr->type) {
			case POLICY_PRINCIPAL_ANY:
				*all = true;
				break;
			case POLICY_PRINCIPAL_ACCOUNT:
				for (size_t i = 0; i < ix->np; i++)
					if (ix->acct[i][0] != '\0' && strcmp(ix->acct[i], pr->value) == 0)
						mark[i] = 1;
				break;
			case POLICY_PRINCIPAL_SERVICE:
				*acts = *acts || aud_service_acts(pr->value);
				paths_mark_arn(ix, a, pr->value, mark);
				break;
			case POLICY_PRINCIPAL_ARN:
			case POLICY_PRINCIPAL_FEDERATED:
			case POLICY_PRINCIPAL_CANONICAL:
				paths_mark_arn(ix, a, pr->value, mark);
				break;
			}
		}
	}
}

/* The hop's conditions and reason, built in b (scratch). */
static int
paths_hop_text(const struct aud_account *a, struct eval_state *st,
    const struct eval_request *rq, struct eval_result *res, const char *const *svc,
    size_t nsvc, struct paths_hop *h, struct buf *b, struct err *e)
{
	bool cond = false, oom = false;

	buf_reset(b);
	if (aud_conditions(&st->arena, res->constraints, svc, nsvc, &cond, b) < 0)
		goto toolong;
	h->conditional = cond;
	if (cond && (h->conditions = aud_strdup(buf_cstr(b), &oom)) == NULL)
		goto oom;
	if (eval_run(st, rq, res, e) < 0)
		return -1;
	buf_reset(b);
	if (aud_reason(res, b) < 0)
		goto toolong;
	if ((h->reason = aud_strdup(buf_cstr(b), &oom)) == NULL)
		goto oom;
	return 0;
toolong:
	err_set(e, "account %s: path explanation too long", a->sa->id);
	return -1;
oom:
	err_set(e, "out of memory");
	return -1;
}

/* How the pair's principal can act as its role: by sts:AssumeRole when
 * the trust policy can admit it, else by passing the role to a service
 * that acts with it. ix->c holds the principal's part of the requests
 * (base: its key count). */
static int
paths_hop(const struct aud_account *a, struct paths_ix *ix, const struct paths_pair *pp,
    size_t base, struct eval_state *st, struct paths_hop *h, struct err *e)
{
	const struct aud_principal *p = &a->principals[pp->p], *s = &a->principals[pp->s];
	struct eval_request rq;
	struct eval_result res;

	memset(h, 0, sizeof(*h));
	h->p = pp->p;
	h->kind = HOP_NONE;
	if (pp->assume) {
		if (aud_ctx_target(a, &ix->c, base, "sts:AssumeRole", s->arn, s, NULL, e) < 0)
			return -1;
		aud_rq_fill(a, p, &ix->c, s, NULL, &rq);
		if (eval_decide(st, &rq, &res, e) < 0)
			return -1;
		if (res.decision != EVAL_DENIED) {
			h->kind = HOP_ASSUME;
			return paths_hop_text(a, st, &rq, &res, NULL, 0, h, &ix->text, e);
		}
	}
	if (!pp->pass)
		return 0;
	if (aud_ctx_target(a, &ix->c, base, "iam:PassRole", s->arn, s, NULL, e) < 0)
		return -1;
	aud_rq_fill(a, p, &ix->c, s, NULL, &rq);
	if (eval_decide(st, &rq, &res, e) < 0)
		return -1;
	if (res.decision == EVAL_DENIED)
		return 0;
	for (size_t k = 0; k < res.nservices; k++)
		if (aud_service_acts(res.services[k]) &&
		    (h->via == NULL || strcmp(res.services[k], h->via) < 0))
			h->via = res.services[k];
	if (h->via == NULL)
		return 0;
	h->kind = HOP_PASS;
	return paths_hop_text(a, st, &rq, &res, &h->via, 1, h, &ix->text, e);
}

static int
paths_hop_cmp(const char *kind, const char *arn, const char *via, const struct edge_hop *y)
{
	int c = strcmp(kind, y->kind);

	if (c == 0)
		c = strcmp(arn, y->arn);
	if (c == 0)
		c = strcmp(via != NULL ? via : "", y->via_service != NULL ? y->via_service : "");
	return c;
}

/* Lexical order of the candidate path (hop h to s, then via's path) and
 * the existing edge's path of the same length, without building it. */
static int
paths_cmp_candidate(const struct paths_hop *h, const struct aud_principal *s,
    const struct edge *via, const struct edge *cur)
{
	int c = paths_hop_cmp(h->kind == HOP_ASSUME ? "assume" : "pass", s->arn, h->via,
	    &cur->path[0]);

	for (size_t i = 0; c == 0 && i < via->npath && i + 1 < cur->npath; i++)
		c = paths_hop_cmp(via->path[i].kind, via->path[i].arn, via->path[i].via_service,
		    &cur->path[i + 1]);
	return c;
}

static char *
paths_join(const char *a, const char *b, const char *sep)
{
	size_t la = a != NULL ? strlen(a) : 0, lb = b != NULL ? strlen(b) : 0;
	char *s;

	if (la == 0 && lb == 0)
		return NULL;
	s = malloc(la + lb + strlen(sep) + 1);
	if (s == NULL)
		return NULL;
	s[0] = '\0';
	if (la > 0)
		strcat(s, a);
	if (la > 0 && lb > 0)
		strcat(s, sep);
	if (lb > 0)
		strcat(s, b);
	return s;
}

/* The indirect edge P -> (hop) -> S's edge `via` into out; b: scratch. */
static int
paths_build(const struct aud_account *a, size_t pi, const struct paths_hop *h,
    const struct aud_principal *s, const struct edge *via, struct edge *out, struct buf *b,
    struct err *e)
{
	const struct aud_principal *p = &a->principals[pi];
	bool oom = false;
	int rc;

	memset(out, 0, sizeof(*out));
	out->principal_arn = aud_strdup(p->arn, &oom);
	out->principal_type = aud_strdup(p->type == AUD_USER ? "user" : "role", &oom);
	out->account = aud_strdup(via->account, &oom);
	out->role_arn = aud_strdup(via->role_arn, &oom);
	if (via->nservices > 0 && (out->services = calloc(via->nservices,
	    sizeof(*out->services))) == NULL)
		oom = true;
	for (size_t i = 0; !oom && i < via->nservices; i++)
		out->services[out->nservices++] = aud_strdup(via->services[i], &oom);
	out->no_service = via->no_service;
	out->conditional = h->conditional || via->conditional;
	if (out->conditional) {
		char *hc = NULL;

		if (h->conditions != NULL) {
			hc = paths_join("to act as ", s->name, "");
			char *t = hc != NULL ? paths_join(hc, h->conditions, ": ") : NULL;

			free(hc);
			hc = t;
			oom |= hc == NULL;
		}
		out->conditions = paths_join(hc, via->conditions, "; ");
		free(hc);
		oom |= out->conditions == NULL;
	}
	out->path = calloc(via->npath + 1, sizeof(*out->path));
	if (out->path == NULL)
		oom = true;
	if (!oom) {
		out->path[0].kind = aud_strdup(h->kind == HOP_ASSUME ? "assume" : "pass", &oom);
		out->path[0].arn = aud_strdup(s->arn, &oom);
		out->path[0].via_service = aud_strdup(h->via, &oom);
		out->npath = 1;
		for (size_t i = 0; i < via->npath; i++) {
			out->path[i + 1].kind = aud_strdup(via->path[i].kind, &oom);
			out->path[i + 1].arn = aud_strdup(via->path[i].arn, &oom);
			out->path[i + 1].via_service = aud_strdup(via->path[i].via_service, &oom);
			out->npath++;
		}
	}
	for (size_t i = 0; !oom && i < via->ncaveats; i++) {
		struct edge_caveat *cv = realloc(out->caveats, (out->ncaveats + 1) * sizeof(*cv));

		if (cv == NULL) {
			oom = true;
			break;
		}
		out->caveats = cv;
		cv = &out->caveats[out->ncaveats++];
		cv->endpoint_id = aud_strdup(via->caveats[i].endpoint_id, &oom);
		cv->region = aud_strdup(via->caveats[i].region, &oom);
		cv->service_name = aud_strdup(via->caveats[i].service_name, &oom);
		cv->message = aud_strdup(via->caveats[i].message, &oom);
	}
	/* Pieces rather than one printf: the reasons nest and grow long, and
	 * formatting them twice (size, then text) was the bulk of the time. */
	buf_reset(b);
	if (h->kind == HOP_ASSUME)
		rc = buf_puts(b, "can assume role ") | buf_puts(b, s->name) | buf_puts(b, " (");
	else
		rc = buf_puts(b, "can pass role ") | buf_puts(b, s->name) | buf_puts(b, " to ") |
		    buf_puts(b, h->via) | buf_puts(b, ", which acts with it (");
	rc |= buf_puts(b, h->reason) | buf_puts(b, "); as ") | buf_puts(b, s->name) |
	    buf_puts(b, ": ") | buf_puts(b, via->reason);
	if (rc != 0) {
		edge_clear(out);
		err_set(e, "account %s: path explanation too long", a->sa->id);
		return -1;
	}
	out->reason = aud_strdup(buf_cstr(b), &oom);
	if (oom) {
		edge_clear(out);
		err_set(e, "out of memory");
		return -1;
	}
	return 0;
}

static int
paths_role_push(struct paths_role *r, const struct paths_hop *h, struct err *e)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		struct paths_hop *n = realloc(r->hops, cap * sizeof(*n));

		if (n == NULL) {
			err_set(e, "out of memory");
			return -1;
		}
		r->hops = n;
		r->cap = cap;
	}
	r->hops[r->n++] = *h;
	return 0;
}

/*
 * The hops of queued roles [from, to), principal by principal so that each
 * principal's context is built once for all these roles (each role's
 * hops then come out in principal order). A pair is evaluated only when it
 * can succeed: assume when the trust policy can admit the principal and
 * either the principal's own policies may allow sts:AssumeRole or the
 * trust policy names principals (which grants without them); pass when the
 * principal may pass roles and the trust policy names a service that acts
 * with the role.
 */
static int
paths_eval_chunk(const struct aud_account *a, struct paths_ix *ix, size_t from, size_t to,
    struct eval_state *st, struct err *e)
{
	bool all[PATHS_CHUNK], acts[PATHS_CHUNK];
	size_t n = to - from;

	for (size_t c = 0; c < n; c++)
		paths_admits(ix, a, &a->principals[ix->queue[from + c]], ix->mark + c * ix->np,
		    &all[c], &acts[c]);
	for (size_t pi = 0; pi < ix->np; pi++) {
		const struct aud_principal *p = &a->principals[pi];
		size_t base = 0;
		bool have = false;

		for (size_t c = 0; c < n; c++) {
			size_t si = ix->queue[from + c];
			const struct aud_principal *s = &a->principals[si];
			struct paths_pair pp = { pi, si, false, false };
			struct paths_hop h;

			if (pi == si)
				continue;
			pp.assume = (all[c] || ix->mark[c * ix->np + pi] || ix->any_arn[pi]) &&
			    (p->may_assume || s->trust_names);
			pp.pass = acts[c] && p->may_pass;
			if (!pp.assume && !pp.pass)
				continue;
			if (!have) {
				if (aud_ctx_principal(a, p, &ix->c, e) < 0)
					return -1;
				base = ix->c.nkeys;
				have = true;
			}
			if (paths_hop(a, ix, &pp, base, st, &h, e) < 0 ||
			    (h.kind != HOP_NONE && paths_role_push(&ix->roles[si], &h, e) < 0)) {
				free(h.conditions);
				free(h.reason);
				return -1;
			}
		}
	}
	return 0;
}

/* The hops of every queued role, then the queue emptied. */
static int
paths_eval_queue(const struct aud_account *a, struct paths_ix *ix, struct eval_state *st,
    struct err *e)
{
	for (size_t q = 0; q < ix->nqueue; q += PATHS_CHUNK) {
		size_t to = ix->nqueue - q > PATHS_CHUNK ? q + PATHS_CHUNK : ix->nqueue;

		if (paths_eval_chunk(a, ix, q, to, st, e) < 0)
			return -1;
	}
	for (size_t q = 0; q < ix->nqueue; q++) {
		ix->roles[ix->queue[q]].done = true;
		ix->roles[ix->queue[q]].queued = false;
	}
	ix->nqueue = 0;
	return 0;
}

int
paths_extend(const struct aud_account *a, const struct priv_list *pl, struct aud_edges *E,
    int max_depth, struct eval_state *st, struct err *e)
{
	struct paths_ix *ix = NULL;
	size_t start = 0, end = E->n;
	int rc = -1;

	if (max_depth < 1 || end == 0)
		return 0;
	if ((ix = paths_ix_new(a, e)) == NULL)
		return -1;
	for (int d = 1; d <= max_depth && start < end; d++) {
		/* The roles this depth reaches for the first time, evaluated
		 * together before the frontier is walked. */
		for (size_t fi = start; fi < end; fi++) {
			size_t si = E->v[fi].p;
			const struct aud_principal *s = &a->principals[si];

			if (s->type != AUD_ROLE || s->service_linked || s->trust == NULL ||
			    ix->roles[si].done || ix->roles[si].queued)
				continue;
			ix->roles[si].queued = true;
			ix->queue[ix->nqueue++] = si;
		}
		if (paths_eval_queue(a, ix, st, e) < 0)
			goto out;
		for (size_t fi = start; fi < end; fi++) {
			size_t si = E->v[fi].p;
			const struct aud_principal *s = &a->principals[si];
			const struct paths_role *c = &ix->roles[si];

			if (s->type != AUD_ROLE || s->service_linked || s->trust == NULL)
				continue;
			for (size_t k = 0; k < c->n; k++) {
				const struct paths_hop *h = &c->hops[k];
				size_t pi = h->p, r = E->v[fi].r;
				long cur;
				struct edge ne;

				if (pl->v[r].principal == pi)
					continue;
				cur = E->grid[pi * E->npriv + r];
				if (cur >= 0 && E->v[cur].depth < (size_t)d)
					continue;
				if (cur >= 0 && paths_cmp_candidate(h, s, &E->v[fi].ed, &E->v[cur].ed) >= 0)
					continue;
				if (paths_build(a, pi, h, s, &E->v[fi].ed, &ne, &ix->text, e) < 0)
					goto out;
				if (cur >= 0) {
					edge_clear(&E->v[cur].ed);
					E->v[cur].ed = ne;
					continue;
				}
				{
					struct aud_edge *ae = aud_edges_push(E, e);

					if (ae == NULL) {
						edge_clear(&ne);
						goto out;
					}
					ae->p = pi;
					ae->r = r;
					ae->depth = (size_t)d;
					ae->ed = ne;
					E->grid[pi * E->npriv + r] = (long)(E->n - 1);
				}
			}
		}
		start = end;
		end = E->n;
	}
	rc = 0;
out:
	paths_ix_free(ix);
	return rc;
}
