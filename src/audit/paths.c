/*
 * Transitive paths, breadth first: the edges found at depth d - 1 are the
 * frontier of depth d, so every edge is reached first by a shortest path.
 */
#include "config.h"

#include "audit/paths.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit/usable.h"
#include "policy/formula.h"

#define PATHS_TEXT_MAX (1u << 20)
/* Roles whose hops are evaluated together: enough to build each
 * principal's contexts once for many roles, few enough that their marks
 * (this many bytes per principal) stay small. */
#define PATHS_CHUNK 32

enum { HOP_NONE = 0, HOP_ASSUME, HOP_PASS, HOP_UPDATE };

static const char *const paths_kind[] = { "none", "assume", "pass", "update" };

/* How principal P can act as role S. */
struct paths_hop {
	size_t p;		/* P's principal index */
	unsigned char kind;
	bool conditional;
	const char *via;	/* HOP_PASS: the service (in a compiled policy) */
	char *conditions;	/* open constraints of the hop, or NULL */
	char *reason;		/* what allows the hop */
	/* HOP_PASS: how usable via is for P (never NO: no hop then);
	 * HOP_ASSUME: YES. */
	enum edge_usable usable;
	/* HOP_PASS: the endpoint caveats of the PassRole to via. */
	struct edge_caveat *caveats;
	size_t ncaveats;
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
	bool update;	/* through a resource of an acting service holding S */
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
	struct usable_cache uc;	/* the pass hops' service actions, per principal */
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
paths_hop_free(struct paths_hop *h)
{
	free(h->conditions);
	free(h->reason);
	for (size_t i = 0; i < h->ncaveats; i++) {
		struct edge_caveat *c = &h->caveats[i];

		free(c->endpoint_id), free(c->region), free(c->service_name), free(c->message);
	}
	free(h->caveats);
}

static void
paths_ix_free(struct paths_ix *ix)
{
	for (size_t i = 0; ix->roles != NULL && i < ix->np; i++) {
		struct paths_role *r = &ix->roles[i];

		for (size_t k = 0; k < r->n; k++)
			paths_hop_free(&r->hops[k]);
		free(r->hops);
	}
	free(ix->roles);
	free(ix->slots);
	free(ix->acct);
	free(ix->any_arn);
	free(ix->mark);
	free(ix->queue);
	buf_free(&ix->text);
	usable_cache_free(&ix->uc);
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
	if (usable_cache_init(&ix->uc, NULL) < 0)
		goto oom;
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

/*
 * The pair's principal acting as role S through a resource that already
 * runs with S (sinks.def AUD_EXISTING: update a function's code, start a
 * build, send a command to an instance, ...): possible where S trusts a
 * service that acts and the principal holds one of its sets. The snapshot
 * does not list such resources, so the hop is at best conditional.
 */
static int
paths_update(const struct aud_account *a, struct paths_ix *ix, const struct paths_pair *pp,
    size_t base, struct eval_state *st, struct paths_hop *h, struct err *e)
{
	const struct aud_principal *s = &a->principals[pp->s];
	const struct policy *tp = s->trust->policy;
	const char *acts = NULL;
	enum edge_usable best = EDGE_USABLE_NO;
	bool oom = false;
	struct buf *b = &ix->text;

	for (size_t k = 0; k < tp->nstmts; k++) {
		const struct policy_stmt *stm = &tp->stmts[k];

		if (stm->effect != POLICY_ALLOW || stm->not_principal)
			continue;
		for (size_t j = 0; j < stm->nprincipals; j++) {
			const char *svc = stm->principals[j].value, *sa;
			enum edge_usable u;

			if (stm->principals[j].type != POLICY_PRINCIPAL_SERVICE ||
			    !aud_service_acts(svc))
				continue;
			if (usable_existing(a, pp->p, s, svc, &ix->uc, st, &ix->c, base, &u, &sa,
			    e) < 0)
				return -1;
			if (u == EDGE_USABLE_NO)
				continue;
			if (h->via == NULL || u > best || (u == best && strcmp(svc, h->via) < 0)) {
				h->via = svc;
				best = u;
				acts = sa;
			}
		}
	}
	if (h->via == NULL)
		return 0;
	h->kind = HOP_UPDATE;
	h->usable = EDGE_USABLE_CONDITIONAL;
	buf_reset(b);
	if (buf_puts(b, acts) != 0 || buf_puts(b, best == EDGE_USABLE_YES ? " allowed" :
	    " allowed under conditions") != 0) {
		err_set(e, "account %s: path explanation too long", a->sa->id);
		return -1;
	}
	if ((h->reason = aud_strdup(buf_cstr(b), &oom)) == NULL) {
		err_set(e, "out of memory");
		return -1;
	}
	return 0;
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
	const char *acting[EVAL_MAX_SERVICES];
	size_t nacting = 0;

	memset(h, 0, sizeof(*h));
	h->p = pp->p;
	h->kind = HOP_NONE;
	h->usable = EDGE_USABLE_YES;
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
		return pp->update ? paths_update(a, ix, pp, base, st, h, e) : 0;
	if (aud_ctx_target(a, &ix->c, base, "iam:PassRole", s->arn, s, NULL, e) < 0)
		return -1;
	aud_rq_fill(a, p, &ix->c, s, NULL, &rq);
	if (eval_decide(st, &rq, &res, e) < 0)
		return -1;
	if (res.decision == EVAL_DENIED)
		return pp->update ? paths_update(a, ix, pp, base, st, h, e) : 0;
	/* The services that act, kept before their usability is asked (its
	 * requests reuse the arena the result lives in; the names live in the
	 * compiled trust policy). */
	for (size_t k = 0; k < res.nservices; k++)
		if (aud_service_acts(res.services[k]))
			acting[nacting++] = res.services[k];
	/* The most usable acting service, then the lexically first: a pass
	 * the principal cannot make the service act on is no hop. */
	for (size_t k = 0; k < nacting; k++) {
		enum edge_usable u;

		if (usable_service(a, pp->p, s, acting[k], &ix->uc, st, &ix->c, base, &u, NULL,
		    e) < 0)
			return -1;
		if (u == EDGE_USABLE_NO)
			continue;
		if (h->via == NULL || u > h->usable ||
		    (u == h->usable && strcmp(acting[k], h->via) < 0)) {
			h->via = acting[k];
			h->usable = u;
		}
	}
	if (h->via == NULL)
		return pp->update ? paths_update(a, ix, pp, base, st, h, e) : 0;
	h->kind = HOP_PASS;
	if (aud_ctx_target(a, &ix->c, base, "iam:PassRole", s->arn, s, NULL, e) < 0)
		return -1;
	aud_rq_fill(a, p, &ix->c, s, NULL, &rq);
	if (eval_decide(st, &rq, &res, e) < 0 ||
	    paths_hop_text(a, st, &rq, &res, &h->via, 1, h, &ix->text, e) < 0)
		return -1;
	/* The endpoint caveats of this hop's PassRole, as a direct edge of
	 * P to S through via would carry them. */
	{
		struct edge one;
		char *svc = (char *)h->via;
		int rc;

		memset(&one, 0, sizeof(one));
		one.services = &svc;
		one.nservices = 1;
		rc = aud_caveats(a, p, s, &one, st, &ix->c, base, &ix->text, e);
		h->caveats = one.caveats;
		h->ncaveats = one.ncaveats;
		return rc;
	}
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
	int c = paths_hop_cmp(paths_kind[h->kind], s->arn, h->via,
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

/* Is part one of the "; "-separated parts of list, or the text after one
 * of their "...: " prefixes ("to act as X: part")? */
static bool
paths_has_part(const char *list, const char *part)
{
	size_t n = strlen(part);

	for (const char *p = list; p != NULL && *p != '\0';) {
		const char *end = strstr(p, "; ");
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		const char *colon = memchr(p, ':', len);

		if ((len == n && memcmp(p, part, n) == 0) ||
		    (colon != NULL && strncmp(p, "to act as ", 10) == 0 && colon[1] == ' ' &&
		    (size_t)(p + len - (colon + 2)) == n && memcmp(colon + 2, part, n) == 0))
			return true;
		p = end != NULL ? end + 2 : NULL;
	}
	return false;
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

		/* The same constraint on every hop (an SCP's region condition)
		 * is said once. */
		if (h->conditions != NULL && !paths_has_part(via->conditions, h->conditions)) {
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
		out->path[0].kind = aud_strdup(paths_kind[h->kind], &oom);
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
	/* The caveats of every hop: this one's PassRole, then the rest of
	 * the path's. */
	for (size_t i = 0; !oom && i < h->ncaveats + via->ncaveats; i++) {
		const struct edge_caveat *from = i < h->ncaveats ? &h->caveats[i] :
		    &via->caveats[i - h->ncaveats];
		struct edge_caveat *cv = realloc(out->caveats, (out->ncaveats + 1) * sizeof(*cv));

		if (cv == NULL) {
			oom = true;
			break;
		}
		out->caveats = cv;
		cv = &out->caveats[out->ncaveats++];
		memset(cv, 0, sizeof(*cv));
		cv->endpoint_id = aud_strdup(from->endpoint_id, &oom);
		cv->region = aud_strdup(from->region, &oom);
		cv->service_name = aud_strdup(from->service_name, &oom);
		cv->message = aud_strdup(from->message, &oom);
	}
	/* Usable as its least usable hop; the services are the last pass's. */
	out->usable = h->usable < via->usable ? h->usable : via->usable;
	if (!oom && via->nuses > 0) {
		if ((out->uses = calloc(via->nuses, sizeof(*out->uses))) == NULL)
			oom = true;
		for (size_t i = 0; !oom && i < via->nuses; i++) {
			out->nuses = i + 1;
			out->uses[i].usable = via->uses[i].usable;
			out->uses[i].service = aud_strdup(via->uses[i].service, &oom);
			out->uses[i].actions = aud_strdup(via->uses[i].actions, &oom);
			out->uses[i].refused = aud_strdup(via->uses[i].refused, &oom);
		}
	}
	/* Pieces rather than one printf: the reasons nest and grow long, and
	 * formatting them twice (size, then text) was the bulk of the time. */
	buf_reset(b);
	if (h->kind == HOP_ASSUME)
		rc = buf_puts(b, "can assume role ") | buf_puts(b, s->name) | buf_puts(b, " (");
	else if (h->kind == HOP_UPDATE)
		rc = buf_puts(b, "may act as role ") | buf_puts(b, s->name) |
		    buf_puts(b, " through an existing resource of ") | buf_puts(b, h->via) |
		    buf_puts(b, " that runs with it, which the snapshot does not show (");
	else
		rc = buf_puts(b, "can pass role ") | buf_puts(b, s->name) | buf_puts(b, " to ") |
		    buf_puts(b, h->via) | buf_puts(b, h->usable == EDGE_USABLE_YES ?
		    ", which acts with it (" : ", which may act with it (");
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
			struct paths_pair pp = { pi, si, false, false, false };
			struct paths_hop h;

			if (pi == si)
				continue;
			pp.assume = (all[c] || ix->mark[c * ix->np + pi] || ix->any_arn[pi]) &&
			    (p->may_assume || s->trust_names);
			pp.pass = acts[c] && p->may_pass;
			pp.update = acts[c];
			if (!pp.assume && !pp.pass && !pp.update)
				continue;
			if (!have) {
				if (aud_ctx_principal(a, p, &ix->c, e) < 0)
					return -1;
				base = ix->c.nkeys;
				have = true;
			}
			if (paths_hop(a, ix, &pp, base, st, &h, e) < 0 ||
			    (h.kind != HOP_NONE && paths_role_push(&ix->roles[si], &h, e) < 0)) {
				paths_hop_free(&h);
				return -1;
			}
			if (h.kind == HOP_NONE)
				paths_hop_free(&h);
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

/* Lexical order of two paths of the same length, hop by hop. */
static int
paths_cmp_path(const struct edge_hop *x, size_t nx, const struct edge_hop *y, size_t ny)
{
	int c = 0;

	for (size_t i = 0; c == 0 && i < nx && i < ny; i++)
		c = paths_hop_cmp(x[i].kind, x[i].arn, x[i].via_service, &y[i]);
	return c != 0 ? c : (nx > ny) - (nx < ny);
}

/* Does alternative (u, path) rank before alt? */
static bool
paths_alt_before(enum edge_usable u, const struct edge_hop *path, size_t npath,
    const struct edge_alt *alt)
{
	if (u != alt->usable)
		return u > alt->usable;
	if (npath != alt->npath)
		return npath < alt->npath;
	return paths_cmp_path(path, npath, alt->path, alt->npath) < 0;
}

static void
paths_free_path(struct edge_hop *path, size_t npath)
{
	for (size_t i = 0; i < npath; i++)
		free(path[i].kind), free(path[i].arn), free(path[i].via_service);
	free(path);
}

/* Keep (u, path) among ed's alternatives when it ranks among the max best;
 * path is taken over (freed when not kept). */
static int
paths_alt_add(struct edge *ed, struct edge_hop *path, size_t npath, enum edge_usable u,
    int max, struct err *e)
{
	size_t at = 0;
	struct edge_alt *n;

	while (at < ed->nalts && !paths_alt_before(u, path, npath, &ed->alts[at]))
		at++;
	if (max <= 0 || at >= (size_t)max) {
		paths_free_path(path, npath);
		return 0;
	}
	if (ed->nalts == (size_t)max) {
		struct edge_alt *last = &ed->alts[--ed->nalts];

		paths_free_path(last->path, last->npath);
	}
	if ((n = realloc(ed->alts, (ed->nalts + 1) * sizeof(*n))) == NULL) {
		paths_free_path(path, npath);
		err_set(e, "out of memory");
		return -1;
	}
	ed->alts = n;
	memmove(&n[at + 1], &n[at], (ed->nalts - at) * sizeof(*n));
	n[at].path = path;
	n[at].npath = npath;
	n[at].usable = u;
	ed->nalts++;
	return 0;
}

/* The path hop h to s then via's path, as a new array; NULL on ENOMEM. */
static struct edge_hop *
paths_candidate_path(const struct paths_hop *h, const struct aud_principal *s,
    const struct edge *via)
{
	struct edge_hop *p = calloc(via->npath + 1, sizeof(*p));
	bool oom = false;

	if (p == NULL)
		return NULL;
	p[0].kind = aud_strdup(paths_kind[h->kind], &oom);
	p[0].arn = aud_strdup(s->arn, &oom);
	p[0].via_service = aud_strdup(h->via, &oom);
	for (size_t i = 0; i < via->npath; i++) {
		p[i + 1].kind = aud_strdup(via->path[i].kind, &oom);
		p[i + 1].arn = aud_strdup(via->path[i].arn, &oom);
		p[i + 1].via_service = aud_strdup(via->path[i].via_service, &oom);
	}
	if (oom) {
		paths_free_path(p, via->npath + 1);
		return NULL;
	}
	return p;
}

/* Does the candidate (usable u, np hops: hop h to s, then via's path)
 * rank before alternative alt, as paths_alt_before would say once the
 * candidate's path is built? */
static bool
paths_cand_before_alt(enum edge_usable u, size_t np, const struct paths_hop *h,
    const struct aud_principal *s, const struct edge *via, const struct edge_alt *alt)
{
	int c;

	if (u != alt->usable)
		return u > alt->usable;
	if (np != alt->npath)
		return np < alt->npath;
	c = paths_hop_cmp(paths_kind[h->kind], s->arn, h->via, &alt->path[0]);
	for (size_t i = 0; c == 0 && i < via->npath; i++)
		c = paths_hop_cmp(via->path[i].kind, via->path[i].arn, via->path[i].via_service,
		    &alt->path[i + 1]);
	return c < 0;
}

/* Does the candidate (usable u, depth d: hop h to s, then via) rank before
 * the pair's current edge? Most usable first, then shortest (a direct
 * edge first of all), then lexically first. */
static bool
paths_better(enum edge_usable u, size_t d, const struct paths_hop *h,
    const struct aud_principal *s, const struct edge *via, const struct aud_edge *cur)
{
	if (u != cur->ed.usable)
		return u > cur->ed.usable;
	if (d != cur->depth)
		return d < cur->depth;
	return paths_cmp_candidate(h, s, via, &cur->ed) < 0;
}

/* A candidate for pair slot cur (or a new pair when cur < 0): it replaces
 * the current edge when it ranks before it (which then becomes one of its
 * alternatives), else it may be one of the current edge's alternatives. */
static int
paths_offer(const struct aud_account *a, struct aud_edges *E, size_t fi,
    const struct paths_hop *h, const struct aud_principal *s, size_t d, int max_alts,
    struct buf *text, struct err *e)
{
	size_t pi = h->p, r = E->v[fi].r;
	long cur = E->grid[pi * E->npriv + r];
	enum edge_usable u = h->usable < E->v[fi].ed.usable ? h->usable : E->v[fi].ed.usable;
	struct aud_edge *ae;
	struct edge ne;

	if (cur >= 0 && !paths_better(u, d, h, s, &E->v[fi].ed, &E->v[cur])) {
		struct edge_hop *path;

		const struct edge *ce = &E->v[cur].ed;
		size_t np = E->v[fi].ed.npath + 1;

		/* Most candidates lose to the kept alternatives: decided before
		 * their path is copied. */
		if (max_alts <= 0 || (ce->nalts == (size_t)max_alts &&
		    !paths_cand_before_alt(u, np, h, s, &E->v[fi].ed, &ce->alts[ce->nalts - 1])))
			return 0;
		if ((path = paths_candidate_path(h, s, &E->v[fi].ed)) == NULL) {
			err_set(e, "out of memory");
			return -1;
		}
		return paths_alt_add(&E->v[cur].ed, path, E->v[fi].ed.npath + 1, u, max_alts, e);
	}
	if (paths_build(a, pi, h, s, &E->v[fi].ed, &ne, text, e) < 0)
		return -1;
	if (cur >= 0) {
		struct edge *old = &E->v[cur].ed;

		/* The replaced edge's alternatives, and itself, move over. */
		ne.alts = old->alts;
		ne.nalts = old->nalts;
		old->alts = NULL;
		old->nalts = 0;
		if (paths_alt_add(&ne, old->path, old->npath, old->usable, max_alts, e) < 0) {
			old->path = NULL;
			old->npath = 0;
			edge_clear(&ne);
			return -1;
		}
		old->path = NULL;
		old->npath = 0;
		/* Same depth: not walked yet, replaced where it is. From an
		 * earlier depth: it was walked; the new edge must be walked at
		 * this depth's turn, so it goes to the end. */
		if (E->v[cur].depth == d) {
			edge_clear(old);
			*old = ne;
			return 0;
		}
		E->v[cur].dead = true;
	}
	if ((ae = aud_edges_push(E, e)) == NULL) {
		edge_clear(&ne);
		return -1;
	}
	ae->p = pi;
	ae->r = r;
	ae->depth = d;
	ae->ed = ne;
	E->grid[pi * E->npriv + r] = (long)(E->n - 1);
	return 0;
}

int
paths_extend(const struct aud_account *a, const struct priv_list *pl, struct aud_edges *E,
    int max_depth, int max_alts, struct eval_state *st, struct err *e)
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

			if (E->v[fi].dead || s->type != AUD_ROLE || s->service_linked ||
			    s->trust == NULL || ix->roles[si].done || ix->roles[si].queued)
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

			/* A replaced edge: its better successor is walked in its
			 * own turn. */
			if (E->v[fi].dead || s->type != AUD_ROLE || s->service_linked ||
			    s->trust == NULL)
				continue;
			for (size_t k = 0; k < c->n; k++) {
				const struct paths_hop *h = &c->hops[k];

				if (pl->v[E->v[fi].r].principal == h->p)
					continue;
				if (paths_offer(a, E, fi, h, s, (size_t)d, max_alts, &ix->text, e) < 0)
					goto out;
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
