/*
 * Edge sets: ownership and order. See edge.h.
 */
#include "config.h"

#include "audit/edge.h"
#include "util/strutil.h"

#include <stdlib.h>
#include <string.h>

struct edge_set *
edge_set_new(struct err *e)
{
	struct edge_set *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	s->format_version = EDGE_FORMAT_VERSION;
	return s;
}

void
edge_clear(struct edge *ed)
{
	free(ed->principal_arn), free(ed->principal_type), free(ed->account);
	free(ed->role_arn);
	strutil_freev(ed->services, ed->nservices);
	free(ed->conditions);
	for (size_t i = 0; i < ed->npath; i++)
		free(ed->path[i].kind), free(ed->path[i].arn), free(ed->path[i].via_service);
	free(ed->path);
	free(ed->reason);
	for (size_t i = 0; i < ed->ncaveats; i++) {
		struct edge_caveat *c = &ed->caveats[i];

		free(c->endpoint_id), free(c->region), free(c->service_name), free(c->message);
	}
	free(ed->caveats);
	memset(ed, 0, sizeof(*ed));
}

void
edge_set_free(struct edge_set *s)
{
	if (s == NULL)
		return;
	free(s->source);
	free(s->org_note);
	for (size_t i = 0; i < s->naccounts; i++)
		free(s->accounts[i].id), free(s->accounts[i].why);
	free(s->accounts);
	for (size_t i = 0; i < s->nprivileged; i++) {
		free(s->privileged[i].role_arn), free(s->privileged[i].account);
		strutil_freev(s->privileged[i].reasons, s->privileged[i].nreasons);
	}
	free(s->privileged);
	for (size_t i = 0; i < s->nedges; i++)
		edge_clear(&s->edges[i]);
	free(s->edges);
	free(s);
}

static int
cmp_strp(const void *x, const void *y)
{
	return strutil_cmp(*(char *const *)x, *(char *const *)y);
}

static int
cmp_account(const void *x, const void *y)
{
	return strutil_cmp(((const struct edge_account *)x)->id, ((const struct edge_account *)y)->id);
}

static int
cmp_priv(const void *x, const void *y)
{
	return strutil_cmp(((const struct edge_privileged *)x)->role_arn,
	    ((const struct edge_privileged *)y)->role_arn);
}

static int
cmp_caveat(const void *x, const void *y)
{
	const struct edge_caveat *a = x, *b = y;
	int c = strutil_cmp(a->endpoint_id, b->endpoint_id);

	return c != 0 ? c : strutil_cmp(a->region, b->region);
}

static int
cmp_key(const char *p, const char *r, const struct edge *b)
{
	int c = strutil_cmp(p, b->principal_arn);

	return c != 0 ? c : strutil_cmp(r, b->role_arn);
}

static int
cmp_edge(const void *x, const void *y)
{
	const struct edge *a = x;

	return cmp_key(a->principal_arn, a->role_arn, y);
}

void
edge_set_sort(struct edge_set *s)
{
	if (s->naccounts > 1)
		qsort(s->accounts, s->naccounts, sizeof(*s->accounts), cmp_account);
	if (s->nprivileged > 1)
		qsort(s->privileged, s->nprivileged, sizeof(*s->privileged), cmp_priv);
	for (size_t i = 0; i < s->nedges; i++) {
		struct edge *ed = &s->edges[i];

		if (ed->nservices > 1)
			qsort(ed->services, ed->nservices, sizeof(*ed->services), cmp_strp);
		if (ed->ncaveats > 1)
			qsort(ed->caveats, ed->ncaveats, sizeof(*ed->caveats), cmp_caveat);
	}
	if (s->nedges > 1)
		qsort(s->edges, s->nedges, sizeof(*s->edges), cmp_edge);
}

const struct edge *
edge_set_find(const struct edge_set *s, const char *principal, const char *role)
{
	size_t lo = 0, hi = s->nedges;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_key(principal, role, &s->edges[mid]);

		if (c == 0)
			return &s->edges[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct edge_account *
edge_set_account(const struct edge_set *s, const char *id)
{
	for (size_t i = 0; i < s->naccounts; i++)
		if (strutil_cmp(s->accounts[i].id, id) == 0)
			return &s->accounts[i];
	return NULL;
}
