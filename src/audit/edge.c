/*
 * Edge sets: ownership and order. See edge.h.
 */
#include "config.h"

#include "audit/edge.h"
#include "util/strutil.h"

#include <malloc.h>
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
	for (size_t i = 0; i < ed->nuses; i++)
		free(ed->uses[i].service), free(ed->uses[i].actions), free(ed->uses[i].refused);
	free(ed->uses);
	for (size_t i = 0; i < ed->nalts; i++) {
		for (size_t k = 0; k < ed->alts[i].npath; k++) {
			struct edge_hop *h = &ed->alts[i].path[k];

			free(h->kind), free(h->arn), free(h->via_service);
		}
		free(ed->alts[i].path);
	}
	free(ed->alts);
	memset(ed, 0, sizeof(*ed));
}

static const char *const edge_usable_names[] = { "unknown", "no", "conditional", "yes" };

const char *
edge_usable_name(enum edge_usable u)
{
	return (unsigned)u < 4 ? edge_usable_names[u] : "unknown";
}

int
edge_usable_parse(const char *s, enum edge_usable *u)
{
	for (unsigned i = 0; i < 4; i++)
		if (strcmp(s, edge_usable_names[i]) == 0) {
			*u = (enum edge_usable)i;
			return 0;
		}
	return -1;
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
cmp_use(const void *x, const void *y)
{
	return strutil_cmp(((const struct edge_use *)x)->service,
	    ((const struct edge_use *)y)->service);
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
		if (ed->nuses > 1)
			qsort(ed->uses, ed->nuses, sizeof(*ed->uses), cmp_use);
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

/* ---- copies ---- */

static int
dup_str(const char *s, char **out)
{
	*out = NULL;
	if (s == NULL)
		return 0;
	*out = strdup(s);
	return *out != NULL ? 0 : -1;
}

static int
dup_strv(char *const *v, size_t n, char ***out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	if (n == 0)
		return 0;
	*out = calloc(n, sizeof(**out));
	if (*out == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (dup_str(v[i], &(*out)[i]) != 0)
			return -1;
		*nout = i + 1;
	}
	return 0;
}

/* A deep copy into *d (zeroed); on -1, *d holds what was copied and is
 * freed with edge_clear. */
static int
dup_path(const struct edge_hop *s, size_t n, struct edge_hop **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	if (n == 0)
		return 0;
	if ((*out = calloc(n, sizeof(**out))) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		*nout = i + 1;
		if (dup_str(s[i].kind, &(*out)[i].kind) != 0 ||
		    dup_str(s[i].arn, &(*out)[i].arn) != 0 ||
		    dup_str(s[i].via_service, &(*out)[i].via_service) != 0)
			return -1;
	}
	return 0;
}

int
edge_copy(struct edge *d, const struct edge *s)
{
	d->no_service = s->no_service;
	d->conditional = s->conditional;
	d->usable = s->usable;
	if (s->nuses > 0) {
		if ((d->uses = calloc(s->nuses, sizeof(*d->uses))) == NULL)
			return -1;
		for (size_t i = 0; i < s->nuses; i++) {
			d->nuses = i + 1;
			d->uses[i].usable = s->uses[i].usable;
			if (dup_str(s->uses[i].service, &d->uses[i].service) != 0 ||
			    dup_str(s->uses[i].actions, &d->uses[i].actions) != 0 ||
			    dup_str(s->uses[i].refused, &d->uses[i].refused) != 0)
				return -1;
		}
	}
	if (s->nalts > 0) {
		if ((d->alts = calloc(s->nalts, sizeof(*d->alts))) == NULL)
			return -1;
		for (size_t i = 0; i < s->nalts; i++) {
			d->nalts = i + 1;
			d->alts[i].usable = s->alts[i].usable;
			if (dup_path(s->alts[i].path, s->alts[i].npath, &d->alts[i].path,
			    &d->alts[i].npath) != 0)
				return -1;
		}
	}
	if (dup_str(s->principal_arn, &d->principal_arn) != 0 ||
	    dup_str(s->principal_type, &d->principal_type) != 0 ||
	    dup_str(s->account, &d->account) != 0 ||
	    dup_str(s->role_arn, &d->role_arn) != 0 ||
	    dup_strv(s->services, s->nservices, &d->services, &d->nservices) != 0 ||
	    dup_str(s->conditions, &d->conditions) != 0 ||
	    dup_str(s->reason, &d->reason) != 0)
		return -1;
	if (s->npath > 0) {
		d->path = calloc(s->npath, sizeof(*d->path));
		if (d->path == NULL)
			return -1;
		for (size_t i = 0; i < s->npath; i++) {
			d->npath = i + 1;
			if (dup_str(s->path[i].kind, &d->path[i].kind) != 0 ||
			    dup_str(s->path[i].arn, &d->path[i].arn) != 0 ||
			    dup_str(s->path[i].via_service, &d->path[i].via_service) != 0)
				return -1;
		}
	}
	if (s->ncaveats > 0) {
		d->caveats = calloc(s->ncaveats, sizeof(*d->caveats));
		if (d->caveats == NULL)
			return -1;
		for (size_t i = 0; i < s->ncaveats; i++) {
			const struct edge_caveat *c = &s->caveats[i];
			struct edge_caveat *dc = &d->caveats[i];

			d->ncaveats = i + 1;
			if (dup_str(c->endpoint_id, &dc->endpoint_id) != 0 ||
			    dup_str(c->region, &dc->region) != 0 ||
			    dup_str(c->service_name, &dc->service_name) != 0 ||
			    dup_str(c->message, &dc->message) != 0)
				return -1;
		}
	}
	return 0;
}

int
edge_privileged_copy(struct edge_privileged *d, const struct edge_privileged *s)
{
	return dup_str(s->role_arn, &d->role_arn) != 0 ||
	    dup_str(s->account, &d->account) != 0 ||
	    dup_strv(s->reasons, s->nreasons, &d->reasons, &d->nreasons) != 0 ? -1 : 0;
}

void
edge_privileged_clear(struct edge_privileged *p)
{
	free(p->role_arn);
	free(p->account);
	for (size_t i = 0; i < p->nreasons; i++)
		free(p->reasons[i]);
	free(p->reasons);
	memset(p, 0, sizeof(*p));
}

/* Growing the new set's arrays one element at a time: the element is
 * zeroed and counted before it is filled, so edge_set_free can always
 * release a half-copied set. The array doubles when full; what it holds
 * is asked of the allocator (malloc_usable_size), not kept beside it,
 * since other readers (edgejson, edgepack) allocate these arrays to their
 * exact size. */
static void *
grow(void **arr, size_t *n, size_t size)
{
	char *g = *arr;

	if (g == NULL || malloc_usable_size(g) / size < *n + 1) {
		size_t cap = *n < 4 ? 8 : *n * 2;

		if ((g = realloc(*arr, cap * size)) == NULL)
			return NULL;
	}
	*arr = g;
	memset(g + *n * size, 0, size);
	return g + (*n)++ * size;
}

int
edge_set_add_edge(struct edge_set *d, const struct edge *s)
{
	struct edge *ed = grow((void **)&d->edges, &d->nedges, sizeof(*d->edges));

	return ed != NULL ? edge_copy(ed, s) : -1;
}

int
edge_set_add_privileged(struct edge_set *d, const struct edge_privileged *s)
{
	struct edge_privileged *p = grow((void **)&d->privileged, &d->nprivileged,
	    sizeof(*d->privileged));

	return p != NULL ? edge_privileged_copy(p, s) : -1;
}

int
edge_set_add_account(struct edge_set *d, const struct edge_account *s, time_t known_at)
{
	struct edge_account *a = grow((void **)&d->accounts, &d->naccounts,
	    sizeof(*d->accounts));

	if (a == NULL)
		return -1;
	a->audited = s->audited;
	a->org_unknown = s->org_unknown;
	a->known_at = known_at;
	return dup_str(s->id, &a->id) != 0 || dup_str(s->why, &a->why) != 0 ? -1 : 0;
}

int
edge_set_move_entries(struct edge_set *d, struct edge_set *s)
{
	/* Both arrays are grown before either is filled, so that a failure
	 * leaves both sets' entries as they were. */
	if (s->nedges > 0) {
		struct edge *g = realloc(d->edges, (d->nedges + s->nedges) * sizeof(*g));

		if (g == NULL)
			return -1;
		d->edges = g;
	}
	if (s->nprivileged > 0) {
		struct edge_privileged *g = realloc(d->privileged,
		    (d->nprivileged + s->nprivileged) * sizeof(*g));

		if (g == NULL)
			return -1;
		d->privileged = g;
	}
	if (s->nedges > 0)
		memcpy(&d->edges[d->nedges], s->edges, s->nedges * sizeof(*s->edges));
	if (s->nprivileged > 0)
		memcpy(&d->privileged[d->nprivileged], s->privileged,
		    s->nprivileged * sizeof(*s->privileged));
	d->nedges += s->nedges;
	d->nprivileged += s->nprivileged;
	free(s->edges);
	free(s->privileged);
	s->edges = NULL;
	s->privileged = NULL;
	s->nedges = s->nprivileged = 0;
	return 0;
}
