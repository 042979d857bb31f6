/*
 * One account's edges in the compact, interned form (edgepack.h).
 */
#include "config.h"

#include "audit/edgepack.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonutil.h"

/* ------------------------------------------------------------- writing */

/* Open addressing from string to its index in the table; the table's
 * strings are borrowed from the set being written. */
struct intern {
	const char **v;		/* index -> string */
	size_t n, cap;
	uint32_t *slots;	/* hash slot -> index + 1, 0 empty */
	size_t nslots;
};

static uint64_t
intern_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int
intern_grow(struct intern *t)
{
	size_t ns = t->nslots ? t->nslots * 2 : 256;
	uint32_t *slots = calloc(ns, sizeof(*slots));

	if (slots == NULL)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		size_t k = (size_t)intern_hash(t->v[i]) & (ns - 1);

		while (slots[k] != 0)
			k = (k + 1) & (ns - 1);
		slots[k] = (uint32_t)(i + 1);
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = ns;
	return 0;
}

/* The index of s (added when new), or -1 on ENOMEM. */
static long
intern_put(struct intern *t, const char *s)
{
	size_t k;

	if ((t->n + 1) * 2 > t->nslots && intern_grow(t) != 0)
		return -1;
	k = (size_t)intern_hash(s) & (t->nslots - 1);
	while (t->slots[k] != 0) {
		size_t i = t->slots[k] - 1;

		if (strcmp(t->v[i], s) == 0)
			return (long)i;
		k = (k + 1) & (t->nslots - 1);
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		const char **v = realloc(t->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n] = s;
	t->slots[k] = (uint32_t)(t->n + 1);
	return (long)t->n++;
}

static void
intern_free(struct intern *t)
{
	free(t->v);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

/* A number for string s (NULL: JSON null), appended to a; false on ENOMEM. */
static bool
put_ref(struct intern *t, cJSON *a, const char *s)
{
	cJSON *v;
	long i;

	if (s == NULL) {
		v = cJSON_CreateNull();
	} else {
		if ((i = intern_put(t, s)) < 0)
			return false;
		v = cJSON_CreateNumber((double)i);
	}
	return v != NULL && cJSON_AddItemToArray(a, v);
}

static cJSON *
arr_in(cJSON *parent)
{
	cJSON *a = cJSON_CreateArray();

	if (a != NULL && !cJSON_AddItemToArray(parent, a)) {
		cJSON_Delete(a);
		return NULL;
	}
	return a;
}

static const char edgepack_usable[] = "?ncy";	/* by enum edge_usable */

static bool
put_usable(cJSON *a, enum edge_usable u)
{
	char c[2] = { edgepack_usable[(unsigned)u < 4 ? u : 0], '\0' };

	return cJSON_AddItemToArray(a, cJSON_CreateString(c));
}

static bool
put_path(struct intern *t, cJSON *a, const struct edge_hop *path, size_t npath)
{
	bool ok = true;
	cJSON *h;

	for (size_t i = 0; ok && i < npath; i++) {
		const struct edge_hop *hp = &path[i];

		ok = (h = arr_in(a)) != NULL &&
		    cJSON_AddItemToArray(h, cJSON_CreateString(
		    hp->kind == NULL || strcmp(hp->kind, "assume") == 0 ? "a" :
		    strcmp(hp->kind, "update") == 0 ? "u" : "p")) &&
		    put_ref(t, h, hp->arn) && put_ref(t, h, hp->via_service);
	}
	return ok;
}

static bool
put_edge(struct intern *t, cJSON *edges, const struct edge *ed)
{
	cJSON *row = arr_in(edges), *a, *h;
	bool ok = row != NULL;

	ok = ok && put_ref(t, row, ed->principal_arn);
	ok = ok && cJSON_AddItemToArray(row, cJSON_CreateString(
	    ed->principal_type != NULL && strcmp(ed->principal_type, "user") == 0 ? "u" : "r"));
	ok = ok && put_ref(t, row, ed->role_arn);
	ok = ok && (a = arr_in(row)) != NULL;
	for (size_t i = 0; ok && i < ed->nservices; i++)
		ok = put_ref(t, a, ed->services[i]);
	ok = ok && cJSON_AddItemToArray(row, cJSON_CreateNumber(ed->no_service ? 1 : 0));
	ok = ok && put_ref(t, row, ed->conditional ? ed->conditions : NULL);
	ok = ok && put_ref(t, row, ed->reason);
	ok = ok && (a = arr_in(row)) != NULL && put_path(t, a, ed->path, ed->npath);
	ok = ok && (a = arr_in(row)) != NULL;
	for (size_t i = 0; ok && i < ed->ncaveats; i++) {
		const struct edge_caveat *cv = &ed->caveats[i];

		ok = (h = arr_in(a)) != NULL && put_ref(t, h, cv->endpoint_id) &&
		    put_ref(t, h, cv->region) && put_ref(t, h, cv->service_name) &&
		    put_ref(t, h, cv->message);
	}
	ok = ok && put_usable(row, ed->usable);
	ok = ok && (a = arr_in(row)) != NULL;
	for (size_t i = 0; ok && i < ed->nuses; i++) {
		const struct edge_use *u = &ed->uses[i];

		ok = (h = arr_in(a)) != NULL && put_ref(t, h, u->service) &&
		    put_usable(h, u->usable) && put_ref(t, h, u->actions) &&
		    put_ref(t, h, u->refused);
	}
	ok = ok && (a = arr_in(row)) != NULL;
	for (size_t i = 0; ok && i < ed->nalts; i++) {
		cJSON *pa;

		ok = (h = arr_in(a)) != NULL && put_usable(h, ed->alts[i].usable) &&
		    (pa = arr_in(h)) != NULL &&
		    put_path(t, pa, ed->alts[i].path, ed->alts[i].npath);
	}
	return ok;
}

int
edgepack_write(const struct edge_set *s, const char *account, struct buf *out,
    struct err *e)
{
	struct intern t = { 0 };
	cJSON *root = cJSON_CreateObject(), *strs = NULL, *priv, *edges, *row, *a;
	char *text = NULL;
	bool ok = root != NULL;
	int rc = -1;

	ok = ok && cJSON_AddStringToObject(root, "format", EDGEPACK_FORMAT) != NULL;
	ok = ok && cJSON_AddNumberToObject(root, "version", EDGEPACK_VERSION) != NULL;
	ok = ok && cJSON_AddStringToObject(root, "account", account) != NULL;
	/* "strings" is filled last but keeps its place at the top, so that a
	 * reader sees the table before the indexes. */
	ok = ok && (strs = cJSON_AddArrayToObject(root, "strings")) != NULL;
	ok = ok && (priv = cJSON_AddArrayToObject(root, "privileged")) != NULL;
	for (size_t i = 0; ok && i < s->nprivileged; i++) {
		const struct edge_privileged *p = &s->privileged[i];

		if (p->account == NULL || strcmp(p->account, account) != 0)
			continue;
		ok = (row = arr_in(priv)) != NULL && put_ref(&t, row, p->role_arn) &&
		    (a = arr_in(row)) != NULL;
		for (size_t k = 0; ok && k < p->nreasons; k++)
			ok = put_ref(&t, a, p->reasons[k]);
	}
	ok = ok && (edges = cJSON_AddArrayToObject(root, "edges")) != NULL;
	for (size_t i = 0; ok && i < s->nedges; i++) {
		const struct edge *ed = &s->edges[i];

		if (ed->account == NULL || strcmp(ed->account, account) != 0)
			continue;
		ok = put_edge(&t, edges, ed);
	}
	for (size_t i = 0; ok && i < t.n; i++)
		ok = cJSON_AddItemToArray(strs, cJSON_CreateString(t.v[i]));
	if (!ok || (text = cJSON_PrintUnformatted(root)) == NULL) {
		err_set(e, "account %s: out of memory writing its edges", account);
		goto out;
	}
	if (buf_puts(out, text) != 0 || buf_putc(out, '\n') != 0) {
		err_set(e, "account %s: its edges exceed the limit of %zu bytes", account,
		    out->max);
		goto out;
	}
	rc = 0;
out:
	free(text);
	cJSON_Delete(root);
	intern_free(&t);
	return rc;
}

/* ------------------------------------------------------------- reading */

struct rd {
	const char *name;
	struct err *e;
	int version;		/* 2: edges without usability; 3: with */
	const cJSON *strs;
	size_t nstrs;
	const cJSON **tab;	/* index -> string item */
	bool failed;
};

static void rd_bad(struct rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
rd_bad(struct rd *r, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	if (r->failed)
		return;
	r->failed = true;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	err_set(r->e, "%s: %s", r->name, what);
}

/* The array at path with exactly n elements (n = SIZE_MAX: any). */
static const cJSON *
rd_arr(struct rd *r, const cJSON *v, size_t n, const char *path)
{
	if (!cJSON_IsArray(v)) {
		rd_bad(r, "%s: must be an array, got %s", path, jsonutil_type(v));
		return NULL;
	}
	if (n != SIZE_MAX && (size_t)cJSON_GetArraySize(v) != n) {
		rd_bad(r, "%s: must have %zu elements, has %d", path, n, cJSON_GetArraySize(v));
		return NULL;
	}
	return v;
}

/* How a reference may be (as the version 1 reader has them, so that every
 * set the state holds can be written in that form too). */
#define REF_NULL 1	/* null allowed */
#define REF_ID 2	/* an identifier: not empty */

/* A string reference: an index into the table, or null when allowed.
 * *out is a copy the caller owns (NULL for null). */
static int
rd_ref(struct rd *r, const cJSON *v, int how, const char *path, char **out)
{
	double d;
	size_t i;

	*out = NULL;
	if ((how & REF_NULL) != 0 && cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v)) {
		rd_bad(r, "%s: must be a string index, got %s", path, jsonutil_type(v));
		return -1;
	}
	d = v->valuedouble;
	if (!(d >= 0 && d < (double)r->nstrs) || d != (double)(size_t)d) {
		rd_bad(r, "%s: string index %g out of range (0..%zu)", path, d,
		    r->nstrs > 0 ? r->nstrs - 1 : 0);
		return -1;
	}
	i = (size_t)d;
	if ((how & REF_ID) != 0 && r->tab[i]->valuestring[0] == '\0') {
		rd_bad(r, "%s: an empty string", path);
		return -1;
	}
	if ((*out = strdup(r->tab[i]->valuestring)) == NULL) {
		rd_bad(r, "out of memory");
		return -1;
	}
	return 0;
}

/* A list of references, each given once. */
static int
rd_refv(struct rd *r, const cJSON *v, int how, const char *path, char ***out, size_t *n)
{
	const cJSON *it;
	char p[96];
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (rd_arr(r, v, SIZE_MAX, path) == NULL)
		return -1;
	if (cJSON_GetArraySize(v) == 0)
		return 0;
	if ((*out = calloc((size_t)cJSON_GetArraySize(v), sizeof(**out))) == NULL) {
		rd_bad(r, "out of memory");
		return -1;
	}
	cJSON_ArrayForEach(it, v) {
		snprintf(p, sizeof(p), "%s[%zu]", path, k);
		if (rd_ref(r, it, how & REF_ID, p, &(*out)[k]) != 0)
			return -1;
		*n = ++k;
		for (size_t j = 0; j + 1 < k; j++)
			if (strcmp((*out)[j], (*out)[k - 1]) == 0) {
				rd_bad(r, "%s: given twice", p);
				return -1;
			}
	}
	return 0;
}

static int
rd_flag(struct rd *r, const cJSON *v, const char *path, const char *yes, const char *no,
    bool *out)
{
	if (cJSON_IsString(v) && strcmp(v->valuestring, yes) == 0)
		*out = true;
	else if (cJSON_IsString(v) && strcmp(v->valuestring, no) == 0)
		*out = false;
	else {
		rd_bad(r, "%s: must be \"%s\" or \"%s\"", path, yes, no);
		return -1;
	}
	return 0;
}

static int
rd_usable(struct rd *r, const cJSON *v, const char *path, enum edge_usable *u)
{
	const char *c;

	if (!cJSON_IsString(v) || strlen(v->valuestring) != 1 ||
	    (c = strchr(edgepack_usable, v->valuestring[0])) == NULL) {
		rd_bad(r, "%s: must be one of \"y\", \"n\", \"c\", \"?\"", path);
		return -1;
	}
	*u = (enum edge_usable)(c - edgepack_usable);
	return 0;
}

/* A path: [ [ "a" | "p", arn, via_service | null ] ]. */
static int
rd_path(struct rd *r, const cJSON *v, const char *path, struct edge_hop **out, size_t *n)
{
	const cJSON *it;
	char p[160];
	size_t k = 0;
	bool pass = false;

	if (rd_arr(r, v, SIZE_MAX, path) == NULL)
		return -1;
	if (cJSON_GetArraySize(v) > 0 &&
	    (*out = calloc((size_t)cJSON_GetArraySize(v), sizeof(**out))) == NULL) {
		rd_bad(r, "out of memory");
		return -1;
	}
	cJSON_ArrayForEach(it, v) {
		const cJSON *h[3], *x;
		size_t j = 0;
		struct edge_hop *hp = &(*out)[k];

		snprintf(p, sizeof(p), "%s[%zu]", path, k);
		if (rd_arr(r, it, 3, p) == NULL)
			return -1;
		cJSON_ArrayForEach(x, it)
			h[j++] = x;
		*n = ++k;
		/* "u" (version 3): through an existing resource. */
		if (r->version >= 3 && cJSON_IsString(h[0]) && strcmp(h[0]->valuestring, "u") == 0) {
			pass = true;
			hp->kind = strdup("update");
		} else if (rd_flag(r, h[0], p, "p", "a", &pass) != 0) {
			return -1;
		} else {
			hp->kind = strdup(pass ? "pass" : "assume");
		}
		if (hp->kind == NULL) {
			rd_bad(r, "out of memory");
			return -1;
		}
		if (rd_ref(r, h[1], REF_ID, p, &hp->arn) != 0 ||
		    rd_ref(r, h[2], pass ? REF_ID : REF_NULL, p, &hp->via_service) != 0)
			return -1;
		if (!pass && hp->via_service != NULL) {
			rd_bad(r, "%s: an \"assume\" hop names no service", p);
			return -1;
		}
	}
	return 0;
}

/* Version 3's last three fields: usable, uses, alternatives. */
static int
rd_usability(struct rd *r, const cJSON *const *f, const char *path, struct edge *ed)
{
	const cJSON *it;
	char p[160];
	size_t k = 0;

	snprintf(p, sizeof(p), "%s[9]", path);
	if (rd_usable(r, f[9], p, &ed->usable) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s[10]", path);
	if (rd_arr(r, f[10], SIZE_MAX, p) == NULL)
		return -1;
	if (cJSON_GetArraySize(f[10]) > 0 &&
	    (ed->uses = calloc((size_t)cJSON_GetArraySize(f[10]), sizeof(*ed->uses))) == NULL) {
		rd_bad(r, "out of memory");
		return -1;
	}
	cJSON_ArrayForEach(it, f[10]) {
		const cJSON *h[4] = { NULL, NULL, NULL, NULL }, *x;
		size_t j = 0;
		struct edge_use *u = &ed->uses[k];

		snprintf(p, sizeof(p), "%s[10][%zu]", path, k);
		if (rd_arr(r, it, 4, p) == NULL)
			return -1;
		cJSON_ArrayForEach(x, it)
			h[j++] = x;
		ed->nuses = ++k;
		if (rd_ref(r, h[0], REF_ID, p, &u->service) != 0 ||
		    rd_usable(r, h[1], p, &u->usable) != 0 ||
		    rd_ref(r, h[2], REF_NULL | REF_ID, p, &u->actions) != 0 ||
		    rd_ref(r, h[3], REF_NULL | REF_ID, p, &u->refused) != 0)
			return -1;
	}
	snprintf(p, sizeof(p), "%s[11]", path);
	if (rd_arr(r, f[11], SIZE_MAX, p) == NULL)
		return -1;
	if (cJSON_GetArraySize(f[11]) > 0 &&
	    (ed->alts = calloc((size_t)cJSON_GetArraySize(f[11]), sizeof(*ed->alts))) == NULL) {
		rd_bad(r, "out of memory");
		return -1;
	}
	k = 0;
	cJSON_ArrayForEach(it, f[11]) {
		const cJSON *h[2] = { NULL, NULL }, *x;
		size_t j = 0;
		struct edge_alt *al = &ed->alts[k];

		snprintf(p, sizeof(p), "%s[11][%zu]", path, k);
		if (rd_arr(r, it, 2, p) == NULL)
			return -1;
		cJSON_ArrayForEach(x, it)
			h[j++] = x;
		ed->nalts = ++k;
		if (rd_usable(r, h[0], p, &al->usable) != 0)
			return -1;
		snprintf(p, sizeof(p), "%s[11][%zu][1]", path, k - 1);
		if (rd_path(r, h[1], p, &al->path, &al->npath) != 0)
			return -1;
	}
	return 0;
}

static int
rd_edge(struct rd *r, const cJSON *row, const char *path, const char *account,
    struct edge *ed)
{
	const cJSON *f[12] = { NULL }, *it;
	char p[128];
	size_t k = 0, nf = r->version >= 3 ? 12 : 9;
	bool user = false;

	if (rd_arr(r, row, nf, path) == NULL)
		return -1;
	cJSON_ArrayForEach(it, row)
		f[k++] = it;
#define P(i) (snprintf(p, sizeof(p), "%s[%d]", path, i), p)
	if (rd_ref(r, f[0], REF_ID, P(0), &ed->principal_arn) != 0 ||
	    rd_flag(r, f[1], P(1), "u", "r", &user) != 0 ||
	    (ed->principal_type = strdup(user ? "user" : "role")) == NULL ||
	    (ed->account = strdup(account)) == NULL ||
	    rd_ref(r, f[2], REF_ID, P(2), &ed->role_arn) != 0 ||
	    rd_refv(r, f[3], REF_ID, P(3), &ed->services, &ed->nservices) != 0)
		goto fail;
	if (!cJSON_IsNumber(f[4]) || (f[4]->valuedouble != 0 && f[4]->valuedouble != 1)) {
		rd_bad(r, "%s: must be 0 or 1", P(4));
		return -1;
	}
	ed->no_service = f[4]->valuedouble == 1;
	if (ed->no_service && ed->nservices > 0) {
		rd_bad(r, "%s: 1 (no service) although services are listed", P(4));
		return -1;
	}
	if (rd_ref(r, f[5], REF_NULL, P(5), &ed->conditions) != 0 ||
	    rd_ref(r, f[6], REF_NULL, P(6), &ed->reason) != 0 ||
	    rd_arr(r, f[7], SIZE_MAX, P(7)) == NULL || rd_arr(r, f[8], SIZE_MAX, P(8)) == NULL)
		goto fail;
	ed->conditional = ed->conditions != NULL;
	if (rd_path(r, f[7], P(7), &ed->path, &ed->npath) != 0)
		goto fail;
	if (cJSON_GetArraySize(f[8]) > 0 &&
	    (ed->caveats = calloc((size_t)cJSON_GetArraySize(f[8]), sizeof(*ed->caveats))) == NULL)
		goto oom;
	k = 0;
	cJSON_ArrayForEach(it, f[8]) {
		const cJSON *h[4], *x;
		size_t j = 0;
		struct edge_caveat *cv = &ed->caveats[k];

		snprintf(p, sizeof(p), "%s[8][%zu]", path, k);
		if (rd_arr(r, it, 4, p) == NULL)
			return -1;
		cJSON_ArrayForEach(x, it)
			h[j++] = x;
		ed->ncaveats = ++k;
		if (rd_ref(r, h[0], REF_ID, p, &cv->endpoint_id) != 0 ||
		    rd_ref(r, h[1], REF_ID, p, &cv->region) != 0 ||
		    rd_ref(r, h[2], REF_ID, p, &cv->service_name) != 0 ||
		    rd_ref(r, h[3], 0, p, &cv->message) != 0)
			goto fail;
	}
	/* Version 2 files predate usability: it stays unknown. */
	if (r->version >= 3 && rd_usability(r, f, path, ed) != 0)
		goto fail;
#undef P
	return 0;
oom:
	rd_bad(r, "out of memory");
fail:
	if (!r->failed)
		rd_bad(r, "%s: out of memory", path);
	return -1;
}

static int
cmp_edge_key(const struct edge *a, const struct edge *b)
{
	int c = strcmp(a->principal_arn, b->principal_arn);

	return c != 0 ? c : strcmp(a->role_arn, b->role_arn);
}

static const cJSON *
rd_member(struct rd *r, const cJSON *root, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);

	if (v == NULL)
		rd_bad(r, "%s: missing", key);
	return v;
}

int
edgepack_parse(const char *text, size_t len, const char *name, const char *account,
    struct edge_set *s, struct err *e)
{
	struct rd r = { .name = name, .e = e };
	size_t boff;
	const char *bad = jsonutil_bad_text(text, len, &boff);
	cJSON *root = bad == NULL ? cJSON_ParseWithLength(text, len) : NULL;
	const cJSON *v, *it, *priv, *edges;
	struct edge_privileged *np = NULL;
	struct edge *ne = NULL;
	size_t npriv = 0, nedges = 0, k;
	char p[96];
	int rc = -1;

	if (bad != NULL) {
		rd_bad(&r, "byte %zu: %s", boff, bad);
		goto out;
	}
	if (root == NULL || !cJSON_IsObject(root)) {
		rd_bad(&r, "not a JSON object (damaged or not an account edge file)");
		goto out;
	}
	if ((v = rd_member(&r, root, "format")) == NULL)
		goto out;
	if (!cJSON_IsString(v) || strcmp(v->valuestring, EDGEPACK_FORMAT) != 0) {
		rd_bad(&r, "format: must be \"%s\"", EDGEPACK_FORMAT);
		goto out;
	}
	if ((v = rd_member(&r, root, "version")) == NULL)
		goto out;
	if (!cJSON_IsNumber(v) || (v->valuedouble != 2 && v->valuedouble != EDGEPACK_VERSION)) {
		rd_bad(&r, "version: must be 2 or %d (written by another version of "
		    "passrole-auditd?)", EDGEPACK_VERSION);
		goto out;
	}
	r.version = (int)v->valuedouble;
	if ((v = rd_member(&r, root, "account")) == NULL)
		goto out;
	if (!cJSON_IsString(v) || strcmp(v->valuestring, account) != 0) {
		rd_bad(&r, "account: must be \"%s\"", account);
		goto out;
	}
	if ((r.strs = rd_member(&r, root, "strings")) == NULL ||
	    rd_arr(&r, r.strs, SIZE_MAX, "strings") == NULL ||
	    (priv = rd_member(&r, root, "privileged")) == NULL ||
	    rd_arr(&r, priv, SIZE_MAX, "privileged") == NULL ||
	    (edges = rd_member(&r, root, "edges")) == NULL ||
	    rd_arr(&r, edges, SIZE_MAX, "edges") == NULL)
		goto out;
	r.nstrs = (size_t)cJSON_GetArraySize(r.strs);
	if (r.nstrs > 0 && (r.tab = calloc(r.nstrs, sizeof(*r.tab))) == NULL) {
		rd_bad(&r, "out of memory");
		goto out;
	}
	k = 0;
	cJSON_ArrayForEach(it, r.strs) {
		if (!cJSON_IsString(it)) {
			rd_bad(&r, "strings[%zu]: must be a string, got %s", k, jsonutil_type(it));
			goto out;
		}
		r.tab[k++] = it;
	}
	npriv = (size_t)cJSON_GetArraySize(priv);
	nedges = (size_t)cJSON_GetArraySize(edges);
	if ((npriv > 0 && (np = calloc(npriv, sizeof(*np))) == NULL) ||
	    (nedges > 0 && (ne = calloc(nedges, sizeof(*ne))) == NULL)) {
		rd_bad(&r, "out of memory");
		goto out;
	}
	k = 0;
	cJSON_ArrayForEach(it, priv) {
		const cJSON *f0, *f1;

		snprintf(p, sizeof(p), "privileged[%zu]", k);
		if (rd_arr(&r, it, 2, p) == NULL)
			goto out;
		f0 = it->child;
		f1 = f0->next;
		if (rd_ref(&r, f0, REF_ID, p, &np[k].role_arn) != 0 ||
		    (np[k].account = strdup(account)) == NULL ||
		    rd_refv(&r, f1, 0, p, &np[k].reasons, &np[k].nreasons) != 0) {
			rd_bad(&r, "%s: out of memory", p);
			goto out;
		}
		if (k > 0 && strcmp(np[k - 1].role_arn, np[k].role_arn) >= 0) {
			rd_bad(&r, "%s: privileged roles out of order or repeated", p);
			goto out;
		}
		k++;
	}
	k = 0;
	cJSON_ArrayForEach(it, edges) {
		snprintf(p, sizeof(p), "edges[%zu]", k);
		if (rd_edge(&r, it, p, account, &ne[k]) != 0)
			goto out;
		if (k > 0 && cmp_edge_key(&ne[k - 1], &ne[k]) >= 0) {
			rd_bad(&r, "%s: edges out of order or repeated (principal, role)", p);
			goto out;
		}
		k++;
	}
	{
		struct edge_set part;

		memset(&part, 0, sizeof(part));
		part.privileged = np;
		part.nprivileged = npriv;
		part.edges = ne;
		part.nedges = nedges;
		if (edge_set_move_entries(s, &part) != 0) {
			rd_bad(&r, "out of memory");
			goto out;
		}
		np = NULL;
		ne = NULL;
		npriv = nedges = 0;
	}
	rc = 0;
out:
	for (size_t i = 0; i < npriv; i++)
		edge_privileged_clear(&np[i]);
	free(np);
	for (size_t i = 0; i < nedges; i++)
		edge_clear(&ne[i]);
	free(ne);
	free(r.tab);
	cJSON_Delete(root);
	return rc;
}
