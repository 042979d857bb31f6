/*
 * Transitive paths, breadth first: the edges found at depth d - 1 are the
 * frontier of depth d, so every edge is reached first by a shortest path.
 */
#include "config.h"

#include "audit/paths.h"

#include <stdlib.h>
#include <string.h>

#include "policy/formula.h"

#define PATHS_TEXT_MAX (1u << 20)

enum { HOP_UNKNOWN = 0, HOP_NONE, HOP_ASSUME, HOP_PASS };

/* How principal P can act as role S (computed once per pair). */
struct paths_hop {
	unsigned char kind;
	bool conditional;
	const char *via;	/* HOP_PASS: the service (in a compiled policy) */
	char *conditions;	/* open constraints of the hop, or NULL */
	char *reason;		/* what allows the hop */
};

struct paths_cache {
	size_t s;		/* the role acted as */
	struct paths_hop *hops;	/* one per principal */
};

static int
paths_hop_text(const struct aud_account *a, struct eval_state *st,
    const struct eval_request *rq, struct eval_result *res, const char *const *svc,
    size_t nsvc, struct paths_hop *h, struct err *e)
{
	struct buf b;
	bool cond = false, oom = false;
	int rc = -1;

	buf_init(&b, PATHS_TEXT_MAX);
	if (aud_conditions(&st->arena, res->constraints, svc, nsvc, &cond, &b) < 0)
		goto toolong;
	h->conditional = cond;
	if (cond && (h->conditions = aud_strdup(buf_cstr(&b), &oom)) == NULL)
		goto oom;
	if (eval_run(st, rq, res, e) < 0)
		goto out;
	buf_reset(&b);
	if (aud_reason(res, &b) < 0)
		goto toolong;
	if ((h->reason = aud_strdup(buf_cstr(&b), &oom)) == NULL)
		goto oom;
	rc = 0;
	goto out;
toolong:
	err_set(e, "account %s: path explanation too long", a->sa->id);
	goto out;
oom:
	err_set(e, "out of memory");
out:
	buf_free(&b);
	return rc;
}

static int
paths_hop(const struct aud_account *a, size_t pi, size_t si, struct eval_state *st,
    struct paths_hop *h, struct err *e)
{
	const struct aud_principal *p = &a->principals[pi], *s = &a->principals[si];
	struct ctx c;
	struct eval_request rq;
	struct eval_result res;

	h->kind = HOP_NONE;
	if (pi == si || s->type != AUD_ROLE || s->trust == NULL)
		return 0;
	if (p->may_assume || s->trust_names) {
		if (aud_request(a, p, "sts:AssumeRole", s->arn, s, NULL, NULL, &c, &rq, e) < 0 ||
		    eval_decide(st, &rq, &res, e) < 0)
			return -1;
		if (res.decision != EVAL_DENIED) {
			h->kind = HOP_ASSUME;
			return paths_hop_text(a, st, &rq, &res, NULL, 0, h, e);
		}
	}
	if (!p->may_pass)
		return 0;
	if (aud_request(a, p, "iam:PassRole", s->arn, s, NULL, NULL, &c, &rq, e) < 0 ||
	    eval_decide(st, &rq, &res, e) < 0)
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
	return paths_hop_text(a, st, &rq, &res, &h->via, 1, h, e);
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

/* The indirect edge P -> (hop) -> S's edge `via` into out. */
static int
paths_build(const struct aud_account *a, size_t pi, const struct paths_hop *h,
    const struct aud_principal *s, const struct edge *via, struct edge *out, struct err *e)
{
	const struct aud_principal *p = &a->principals[pi];
	bool oom = false;
	struct buf b;

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
	buf_init(&b, PATHS_TEXT_MAX);
	if (h->kind == HOP_ASSUME)
		buf_printf(&b, "can assume role %s (%s); as %s: %s", s->name, h->reason, s->name,
		    via->reason);
	else
		buf_printf(&b, "can pass role %s to %s, which acts with it (%s); as %s: %s",
		    s->name, h->via, h->reason, s->name, via->reason);
	out->reason = aud_strdup(buf_cstr(&b), &oom);
	buf_free(&b);
	if (oom) {
		edge_clear(out);
		err_set(e, "out of memory");
		return -1;
	}
	return 0;
}

static void
paths_cache_free(struct paths_cache *pc, size_t n, size_t np)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; pc[i].hops != NULL && k < np; k++)
			free(pc[i].hops[k].conditions), free(pc[i].hops[k].reason);
		free(pc[i].hops);
	}
	free(pc);
}

int
paths_extend(const struct aud_account *a, const struct priv_list *pl, struct aud_edges *E,
    int max_depth, struct eval_state *st, struct err *e)
{
	struct paths_cache *pc = NULL;
	size_t npc = 0, start = 0, end = E->n, np = a->nprincipals;
	int rc = -1;

	(void)pl;
	for (int d = 1; d <= max_depth && start < end; d++) {
		for (size_t fi = start; fi < end; fi++) {
			size_t si = E->v[fi].p;
			const struct aud_principal *s = &a->principals[si];
			struct paths_cache *c = NULL;

			if (s->type != AUD_ROLE || s->service_linked || s->trust == NULL)
				continue;
			for (size_t k = 0; k < npc && c == NULL; k++)
				if (pc[k].s == si)
					c = &pc[k];
			if (c == NULL) {
				struct paths_cache *n = realloc(pc, (npc + 1) * sizeof(*n));

				if (n == NULL) {
					err_set(e, "out of memory");
					goto out;
				}
				pc = n;
				c = &pc[npc++];
				c->s = si;
				c->hops = calloc(np, sizeof(*c->hops));
				if (c->hops == NULL) {
					err_set(e, "out of memory");
					goto out;
				}
			}
			for (size_t pi = 0; pi < np; pi++) {
				struct paths_hop *h = &c->hops[pi];
				size_t r = E->v[fi].r;
				long cur;
				struct edge ne;

				if (h->kind == HOP_UNKNOWN && paths_hop(a, pi, si, st, h, e) < 0)
					goto out;
				if (h->kind == HOP_NONE || pl->v[r].principal == pi)
					continue;
				cur = E->grid[pi * E->npriv + r];
				if (cur >= 0 && E->v[cur].depth < (size_t)d)
					continue;
				if (cur >= 0 && paths_cmp_candidate(h, s, &E->v[fi].ed, &E->v[cur].ed) >= 0)
					continue;
				if (paths_build(a, pi, h, s, &E->v[fi].ed, &ne, e) < 0)
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
	paths_cache_free(pc, npc, np);
	return rc;
}
