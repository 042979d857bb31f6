/*
 * Building edge sets by hand for the state, diff and edge JSON tests.
 * Every allocation failure fails the test (ck_assert). Pointers returned
 * into a set's arrays are valid until the next addition to that array.
 */
#ifndef PRA_TESTS_EDGE_TESTLIB_H
#define PRA_TESTS_EDGE_TESTLIB_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/edge.h"

static inline void *
tl_grow(void *arr, size_t *n, size_t size)
{
	char *g = realloc(arr, (*n + 1) * size);

	ck_assert_ptr_nonnull(g);
	memset(g + *n * size, 0, size);
	(*n)++;
	return g;
}

static inline char *
tl_dup(const char *s)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	ck_assert_ptr_nonnull(d);
	return d;
}

/* a b c d concatenated (NULL parts are skipped), in a new string. */
static inline char *
tl_cat(const char *a, const char *b, const char *c, const char *d)
{
	const char *parts[] = { a, b, c, d };
	char buf[512] = "";

	for (size_t i = 0; i < 4; i++)
		if (parts[i] != NULL)
			strncat(buf, parts[i], sizeof(buf) - strlen(buf) - 1);
	return tl_dup(buf);
}

static inline struct edge_set *
tl_set(time_t taken_at, const char *source)
{
	struct edge_set *s = edge_set_new(NULL);

	ck_assert_ptr_nonnull(s);
	s->taken_at = taken_at;
	s->source = tl_dup(source);
	return s;
}

static inline struct edge_account *
tl_account(struct edge_set *s, const char *id, bool audited, const char *why,
    bool org_unknown)
{
	struct edge_account *a;

	s->accounts = tl_grow(s->accounts, &s->naccounts, sizeof(*s->accounts));
	a = &s->accounts[s->naccounts - 1];
	a->id = tl_dup(id);
	a->audited = audited;
	a->why = tl_dup(why);
	a->org_unknown = org_unknown;
	return a;
}

/* An edge principal -> role in account; principal "user/alice" or
 * "role/Dev", role a role name. services: comma-separated, or "" for
 * none (no_service set). */
static inline struct edge *
tl_edge(struct edge_set *s, const char *account, const char *principal, const char *role,
    const char *services)
{
	struct edge *ed;
	char *copy, *tok, *save = NULL;
	char acct[64];

	snprintf(acct, sizeof(acct), "%s", account);
	s->edges = tl_grow(s->edges, &s->nedges, sizeof(*s->edges));
	ed = &s->edges[s->nedges - 1];
	ed->account = tl_dup(account);
	ed->principal_arn = tl_cat("arn:aws:iam::", acct, ":", principal);
	ed->principal_type = tl_dup(strncmp(principal, "user/", 5) == 0 ? "user" : "role");
	ed->role_arn = tl_cat("arn:aws:iam::", acct, ":role/", role);
	ed->reason = tl_dup("allowed by PassPolicy (inline, Sid Pass)");
	copy = tl_dup(services);
	for (tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		ed->services = tl_grow(ed->services, &ed->nservices, sizeof(*ed->services));
		ed->services[ed->nservices - 1] = tl_dup(tok);
	}
	free(copy);
	ed->no_service = ed->nservices == 0;
	return ed;
}

static inline void
tl_cond(struct edge *ed, const char *conditions)
{
	free(ed->conditions);
	ed->conditional = conditions != NULL;
	ed->conditions = tl_dup(conditions);
}

static inline void
tl_hop(struct edge *ed, const char *kind, const char *arn, const char *via)
{
	struct edge_hop *h;

	ed->path = tl_grow(ed->path, &ed->npath, sizeof(*ed->path));
	h = &ed->path[ed->npath - 1];
	h->kind = tl_dup(kind);
	h->arn = tl_dup(arn);
	h->via_service = tl_dup(via);
}

static inline void
tl_caveat(struct edge *ed, const char *vpce, const char *region, const char *service)
{
	struct edge_caveat *c;

	ed->caveats = tl_grow(ed->caveats, &ed->ncaveats, sizeof(*ed->caveats));
	c = &ed->caveats[ed->ncaveats - 1];
	c->endpoint_id = tl_dup(vpce);
	c->region = tl_dup(region);
	c->service_name = tl_dup(service);
	c->message = tl_cat("denied when the call goes through ", vpce, " for ", service);
}

/* A service's usability (actions, refused: space-separated or NULL); the
 * edge's usable becomes the best of its uses. */
static inline void
tl_use(struct edge *ed, const char *service, enum edge_usable u, const char *actions,
    const char *refused)
{
	struct edge_use *x;

	ed->uses = tl_grow(ed->uses, &ed->nuses, sizeof(*ed->uses));
	x = &ed->uses[ed->nuses - 1];
	x->service = tl_dup(service);
	x->usable = u;
	x->actions = tl_dup(actions);
	x->refused = tl_dup(refused);
	if (u > ed->usable)
		ed->usable = u;
}

/* An alternative of one hop (kind NULL: the direct pass). */
static inline void
tl_alt(struct edge *ed, enum edge_usable u, const char *kind, const char *arn, const char *via)
{
	struct edge_alt *a;

	ed->alts = tl_grow(ed->alts, &ed->nalts, sizeof(*ed->alts));
	a = &ed->alts[ed->nalts - 1];
	a->usable = u;
	if (kind != NULL) {
		a->path = tl_grow(a->path, &a->npath, sizeof(*a->path));
		a->path[0].kind = tl_dup(kind);
		a->path[0].arn = tl_dup(arn);
		a->path[0].via_service = tl_dup(via);
	}
}

static inline struct edge_privileged *
tl_priv(struct edge_set *s, const char *account, const char *role, const char *reason)
{
	struct edge_privileged *p;
	char acct[64];

	snprintf(acct, sizeof(acct), "%s", account);
	s->privileged = tl_grow(s->privileged, &s->nprivileged, sizeof(*s->privileged));
	p = &s->privileged[s->nprivileged - 1];
	p->account = tl_dup(account);
	p->role_arn = tl_cat("arn:aws:iam::", acct, ":role/", role);
	p->reasons = tl_grow(p->reasons, &p->nreasons, sizeof(*p->reasons));
	p->reasons[0] = tl_dup(reason);
	return p;
}

#endif
