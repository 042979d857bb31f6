/*
 * Edge sets to and from JSON. See edgejson.h for the schema.
 */
#include "config.h"

#include "audit/edgejson.h"

#include "util/jsonutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/jsonutil.h"
#include "util/fileio.h"

void
edgejson_time(time_t t, char buf[21])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, 21, "1970-01-01T00:00:00Z");
}

/* ---- writing ---- */

/* The add helpers record a failure in *ok and let the caller check once:
 * building a tree is a long series of calls that can each only fail for
 * lack of memory. */
static void
add_str(cJSON *o, const char *k, const char *v, bool *ok)
{
	if (*ok && (v != NULL ? cJSON_AddStringToObject(o, k, v) :
	    cJSON_AddNullToObject(o, k)) == NULL)
		*ok = false;
}

static void
add_bool(cJSON *o, const char *k, bool v, bool *ok)
{
	if (*ok && cJSON_AddBoolToObject(o, k, v) == NULL)
		*ok = false;
}

static void
add_strv(cJSON *o, const char *k, char *const *v, size_t n, bool *ok)
{
	cJSON *a;

	if (!*ok)
		return;
	a = cJSON_AddArrayToObject(o, k);
	if (a == NULL) {
		*ok = false;
		return;
	}
	for (size_t i = 0; i < n && *ok; i++) {
		cJSON *s = cJSON_CreateString(v[i] != NULL ? v[i] : "");

		if (s == NULL || !cJSON_AddItemToArray(a, s)) {
			cJSON_Delete(s);
			*ok = false;
		}
	}
}

static void
add_time(cJSON *o, const char *k, time_t t, bool *ok)
{
	char b[21];

	if (t == 0) {
		add_str(o, k, NULL, ok);
		return;
	}
	edgejson_time(t, b);
	add_str(o, k, b, ok);
}

/* Append item to array a, or free it; false when either failed. */
static bool
push(cJSON *a, cJSON *item)
{
	if (a == NULL || item == NULL || !cJSON_AddItemToArray(a, item)) {
		cJSON_Delete(item);
		return false;
	}
	return true;
}

/* A space-separated action list as a JSON array of strings (null for
 * NULL). */
static void
add_words(cJSON *o, const char *k, const char *words, bool *ok)
{
	cJSON *a;

	if (!*ok)
		return;
	if (words == NULL) {
		*ok = cJSON_AddNullToObject(o, k) != NULL;
		return;
	}
	if ((a = cJSON_AddArrayToObject(o, k)) == NULL) {
		*ok = false;
		return;
	}
	for (const char *w = words; *w != '\0' && *ok;) {
		size_t n = strcspn(w, " ");
		char *one = strndup(w, n);
		cJSON *it = one != NULL ? cJSON_CreateString(one) : NULL;

		free(one);
		*ok = push(a, it);
		w += n;
		while (*w == ' ')
			w++;
	}
}

static cJSON *
path_json(const struct edge_hop *path, size_t npath)
{
	cJSON *a = cJSON_CreateArray();
	bool ok = a != NULL;

	for (size_t i = 0; i < npath && ok; i++) {
		cJSON *h = cJSON_CreateObject();
		bool hok = h != NULL;

		add_str(h, "kind", path[i].kind, &hok);
		add_str(h, "arn", path[i].arn, &hok);
		add_str(h, "via_service", path[i].via_service, &hok);
		if (!hok) {
			cJSON_Delete(h);
			h = NULL;
		}
		ok = push(a, h);
	}
	if (!ok) {
		cJSON_Delete(a);
		return NULL;
	}
	return a;
}

cJSON *
edgejson_edge(const struct edge *ed, struct err *e)
{
	cJSON *o = cJSON_CreateObject(), *a;
	bool ok = o != NULL;

	add_str(o, "principal_arn", ed->principal_arn, &ok);
	add_str(o, "principal_type", ed->principal_type, &ok);
	add_str(o, "account", ed->account, &ok);
	add_str(o, "role_arn", ed->role_arn, &ok);
	add_strv(o, "services", ed->services, ed->nservices, &ok);
	add_bool(o, "no_service", ed->no_service, &ok);
	add_bool(o, "conditional", ed->conditional, &ok);
	add_str(o, "conditions", ed->conditions, &ok);
	if (ok) {
		a = path_json(ed->path, ed->npath);
		ok = a != NULL && cJSON_AddItemToObject(o, "path", a);
		if (!ok)
			cJSON_Delete(a);
	}
	add_str(o, "reason", ed->reason, &ok);
	a = ok ? cJSON_AddArrayToObject(o, "caveats") : NULL;
	ok = ok && a != NULL;
	for (size_t i = 0; i < ed->ncaveats && ok; i++) {
		const struct edge_caveat *c = &ed->caveats[i];
		cJSON *co = cJSON_CreateObject();
		bool cok = co != NULL;

		add_str(co, "endpoint_id", c->endpoint_id, &cok);
		add_str(co, "region", c->region, &cok);
		add_str(co, "service_name", c->service_name, &cok);
		add_str(co, "message", c->message, &cok);
		if (!cok) {
			cJSON_Delete(co);
			co = NULL;
		}
		ok = push(a, co);
	}
	add_str(o, "usable", edge_usable_name(ed->usable), &ok);
	a = ok ? cJSON_AddArrayToObject(o, "uses") : NULL;
	ok = ok && a != NULL;
	for (size_t i = 0; i < ed->nuses && ok; i++) {
		const struct edge_use *u = &ed->uses[i];
		cJSON *uo = cJSON_CreateObject();
		bool uok = uo != NULL;

		add_str(uo, "service", u->service, &uok);
		add_str(uo, "usable", edge_usable_name(u->usable), &uok);
		add_words(uo, "actions", u->actions, &uok);
		add_words(uo, "refused", u->refused, &uok);
		if (!uok) {
			cJSON_Delete(uo);
			uo = NULL;
		}
		ok = push(a, uo);
	}
	a = ok ? cJSON_AddArrayToObject(o, "alternatives") : NULL;
	ok = ok && a != NULL;
	for (size_t i = 0; i < ed->nalts && ok; i++) {
		cJSON *ao = cJSON_CreateObject(), *pa;
		bool aok = ao != NULL;

		add_str(ao, "usable", edge_usable_name(ed->alts[i].usable), &aok);
		if (aok) {
			pa = path_json(ed->alts[i].path, ed->alts[i].npath);
			aok = pa != NULL && cJSON_AddItemToObject(ao, "path", pa);
			if (!aok)
				cJSON_Delete(pa);
		}
		if (!aok) {
			cJSON_Delete(ao);
			ao = NULL;
		}
		ok = push(a, ao);
	}
	if (!ok) {
		cJSON_Delete(o);
		err_set(e, "out of memory building the JSON of an edge");
		return NULL;
	}
	return o;
}

cJSON *
edgejson_privileged(const struct edge_privileged *p, struct err *e)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL;

	add_str(o, "role_arn", p->role_arn, &ok);
	add_str(o, "account", p->account, &ok);
	add_strv(o, "reasons", p->reasons, p->nreasons, &ok);
	if (!ok) {
		cJSON_Delete(o);
		err_set(e, "out of memory building the JSON of a privileged role");
		return NULL;
	}
	return o;
}

cJSON *
edgejson_account(const struct edge_account *ac, struct err *e)
{
	cJSON *ao = cJSON_CreateObject();
	bool ok = ao != NULL;

	add_str(ao, "id", ac->id, &ok);
	add_bool(ao, "audited", ac->audited, &ok);
	add_str(ao, "why", ac->why, &ok);
	add_bool(ao, "org_unknown", ac->org_unknown, &ok);
	add_time(ao, "known_at", ac->known_at, &ok);
	if (!ok) {
		cJSON_Delete(ao);
		err_set(e, "out of memory building the JSON of an account");
		return NULL;
	}
	return ao;
}

cJSON *
edgejson_build(const struct edge_set *s, struct err *e)
{
	cJSON *o = cJSON_CreateObject(), *a;
	bool ok = o != NULL;

	add_str(o, "format", EDGEJSON_FORMAT, &ok);
	if (ok && cJSON_AddNumberToObject(o, "version", EDGE_FORMAT_VERSION) == NULL)
		ok = false;
	{
		char b[21];

		/* Always a time, even 0: taken_at is not optional. */
		edgejson_time(s->taken_at, b);
		add_str(o, "taken_at", b, &ok);
	}
	add_str(o, "source", s->source, &ok);
	add_str(o, "org_note", s->org_note, &ok);
	a = ok ? cJSON_AddArrayToObject(o, "accounts") : NULL;
	ok = ok && a != NULL;
	for (size_t i = 0; i < s->naccounts && ok; i++)
		ok = push(a, edgejson_account(&s->accounts[i], NULL));
	a = ok ? cJSON_AddArrayToObject(o, "privileged") : NULL;
	ok = ok && a != NULL;
	for (size_t i = 0; i < s->nprivileged && ok; i++)
		ok = push(a, edgejson_privileged(&s->privileged[i], NULL));
	a = ok ? cJSON_AddArrayToObject(o, "edges") : NULL;
	ok = ok && a != NULL;
	for (size_t i = 0; i < s->nedges && ok; i++)
		ok = push(a, edgejson_edge(&s->edges[i], NULL));
	if (!ok) {
		cJSON_Delete(o);
		err_set(e, "out of memory building the JSON of the edge set");
		return NULL;
	}
	return o;
}

/* ---- reading ---- */

struct rd {
	const char *name;	/* file name for messages */
	struct err *e;
	int version;		/* of the file being read */
};

static int
bad(struct rd *r, const char *path, const char *what)
{
	err_set(r->e, "%s: %s: %s", r->name, path[0] != '\0' ? path : "(top level)", what);
	return -1;
}

/* obj must be an object holding exactly the keys listed, each once. */
static int
keys_exact(struct rd *r, const cJSON *obj, const char *path, const char *const *keys)
{
	char p[512];

	if (!cJSON_IsObject(obj))
		return bad(r, path, "not an object");
	for (const cJSON *it = obj->child; it != NULL; it = it->next) {
		bool known = false;

		for (size_t i = 0; keys[i] != NULL && !known; i++)
			known = strcmp(it->string, keys[i]) == 0;
		snprintf(p, sizeof(p), "%s%s%s", path, path[0] != '\0' ? "." : "", it->string);
		if (!known)
			return bad(r, p, "unknown key");
		for (const cJSON *b = it->next; b != NULL; b = b->next)
			if (strcmp(b->string, it->string) == 0)
				return bad(r, p, "given twice");
	}
	for (size_t i = 0; keys[i] != NULL; i++)
		if (cJSON_GetObjectItemCaseSensitive(obj, keys[i]) == NULL) {
			snprintf(p, sizeof(p), "%s%s%s", path, path[0] != '\0' ? "." : "",
			    keys[i]);
			return bad(r, p, "missing");
		}
	return 0;
}

static void
subpath(char *p, size_t n, const char *path, const char *key)
{
	snprintf(p, n, "%s%s%s", path, path[0] != '\0' ? "." : "", key);
}

/* How get_str/get_strv accept a value. Identifiers (ARNs, ids, kinds)
 * must not be empty; free text (reasons, messages) may be, since the
 * writer writes whatever the audit said and every file it writes must
 * read back. */
#define STR_ID		0
#define STR_NULL	1	/* or null */
#define STR_TEXT	2	/* may be empty */

/* A string into a fresh copy in *out (NULL for an accepted null). */
static int
get_str(struct rd *r, const cJSON *obj, const char *path, const char *key,
    int how, char **out)
{
	bool nullable = (how & STR_NULL) != 0;

	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[512];

	subpath(p, sizeof(p), path, key);
	if (cJSON_IsNull(v) && nullable) {
		*out = NULL;
		return 0;
	}
	if (!cJSON_IsString(v))
		return bad(r, p, nullable ? "not a string or null" : "not a string");
	if (v->valuestring[0] == '\0' && (how & STR_TEXT) == 0)
		return bad(r, p, "empty string");
	*out = strdup(v->valuestring);
	if (*out == NULL)
		return bad(r, p, "out of memory");
	return 0;
}

static int
get_bool(struct rd *r, const cJSON *obj, const char *path, const char *key, bool *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[512];

	if (!cJSON_IsBool(v)) {
		subpath(p, sizeof(p), path, key);
		return bad(r, p, "not true or false");
	}
	*out = cJSON_IsTrue(v);
	return 0;
}

static int
parse_time(struct rd *r, const char *p, const char *s, time_t *out)
{
	struct tm tm;
	const char *end;
	char back[21];

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return bad(r, p, "not a time of the form 2026-01-31T23:59:59Z");
	*out = timegm(&tm);
	/* strptime accepts out-of-range fields that timegm normalises
	 * (02-30); the canonical text must read back the same. */
	edgejson_time(*out, back);
	if (*out < 0 || strcmp(back, s) != 0)
		return bad(r, p, "not a valid UTC time");
	return 0;
}

static int
get_time(struct rd *r, const cJSON *obj, const char *path, const char *key,
    bool nullable, time_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[512];

	subpath(p, sizeof(p), path, key);
	if (nullable && cJSON_IsNull(v)) {
		*out = 0;
		return 0;
	}
	if (!cJSON_IsString(v))
		return bad(r, p, nullable ? "not a time string or null" : "not a time string");
	return parse_time(r, p, v->valuestring, out);
}

static int
get_array(struct rd *r, const cJSON *obj, const char *path, const char *key,
    const cJSON **out, size_t *n)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[512];

	if (!cJSON_IsArray(v)) {
		subpath(p, sizeof(p), path, key);
		return bad(r, p, "not an array");
	}
	*out = v;
	*n = (size_t)cJSON_GetArraySize(v);
	return 0;
}

/* calloc of n elements; n == 0 gives NULL and succeeds. */
static int
alloc_array(struct rd *r, const char *p, void **out, size_t n, size_t size)
{
	*out = NULL;
	if (n == 0)
		return 0;
	*out = calloc(n, size);
	return *out != NULL ? 0 : bad(r, p, "out of memory");
}

/* Strings of an array, sorted input not required; duplicates refused. */
static int
get_strv(struct rd *r, const cJSON *obj, const char *path, const char *key, int how,
    char ***out, size_t *nout)
{
	const cJSON *a, *it;
	size_t n, i = 0;
	char p[512], ip[560];

	*out = NULL;
	*nout = 0;
	if (get_array(r, obj, path, key, &a, &n) != 0)
		return -1;
	subpath(p, sizeof(p), path, key);
	if (alloc_array(r, p, (void **)out, n, sizeof(char *)) != 0)
		return -1;
	cJSON_ArrayForEach(it, a) {
		snprintf(ip, sizeof(ip), "%s[%zu]", p, i);
		if (!cJSON_IsString(it))
			return bad(r, ip, "not a string");
		if (it->valuestring[0] == '\0' && (how & STR_TEXT) == 0)
			return bad(r, ip, "empty string");
		for (size_t j = 0; j < i; j++)
			if (strcmp((*out)[j], it->valuestring) == 0)
				return bad(r, ip, "given twice");
		(*out)[i] = strdup(it->valuestring);
		if ((*out)[i] == NULL)
			return bad(r, ip, "out of memory");
		*nout = ++i;
	}
	return 0;
}

static const char *const k_top[] = { "format", "version", "taken_at", "source", "org_note",
	"accounts", "privileged", "edges", NULL };
static const char *const k_account[] = { "id", "audited", "why", "org_unknown", "known_at",
	NULL };
static const char *const k_priv[] = { "role_arn", "account", "reasons", NULL };
static const char *const k_edge_v1[] = { "principal_arn", "principal_type", "account",
	"role_arn", "services", "no_service", "conditional", "conditions", "path", "reason",
	"caveats", NULL };
static const char *const k_edge[] = { "principal_arn", "principal_type", "account", "role_arn",
	"services", "no_service", "conditional", "conditions", "path", "reason", "caveats",
	"usable", "uses", "alternatives", NULL };
static const char *const k_use[] = { "service", "usable", "actions", "refused", NULL };
static const char *const k_alt[] = { "usable", "path", NULL };
static const char *const k_hop[] = { "kind", "arn", "via_service", NULL };
static const char *const k_caveat[] = { "endpoint_id", "region", "service_name", "message",
	NULL };

static int
read_account(struct rd *r, const cJSON *o, const char *p, struct edge_account *ac)
{
	if (keys_exact(r, o, p, k_account) != 0 ||
	    get_str(r, o, p, "id", STR_ID, &ac->id) != 0 ||
	    get_bool(r, o, p, "audited", &ac->audited) != 0 ||
	    get_str(r, o, p, "why", STR_NULL | STR_TEXT, &ac->why) != 0 ||
	    get_bool(r, o, p, "org_unknown", &ac->org_unknown) != 0 ||
	    get_time(r, o, p, "known_at", true, &ac->known_at) != 0)
		return -1;
	/* why says why an account was not audited, and only then. */
	if (ac->audited != (ac->why == NULL)) {
		char wp[560];

		subpath(wp, sizeof(wp), p, "why");
		return bad(r, wp, ac->audited ? "must be null for an audited account" :
		    "must say why the account was not audited");
	}
	return 0;
}

static int
read_priv(struct rd *r, const cJSON *o, const char *p, struct edge_privileged *pr)
{
	return keys_exact(r, o, p, k_priv) != 0 ||
	    get_str(r, o, p, "role_arn", STR_ID, &pr->role_arn) != 0 ||
	    get_str(r, o, p, "account", STR_ID, &pr->account) != 0 ||
	    get_strv(r, o, p, "reasons", STR_TEXT, &pr->reasons, &pr->nreasons) != 0 ? -1 : 0;
}

/* "yes" | "no" | "conditional", or "unknown" for an edge carried over from
 * a version 1 file (the state keeps an unaudited account's last edges). */
static int
get_usable(struct rd *r, const cJSON *obj, const char *path, enum edge_usable *u)
{
	char *s = NULL, p[560];
	int rc;

	if (get_str(r, obj, path, "usable", STR_ID, &s) != 0)
		return -1;
	rc = edge_usable_parse(s, u);
	free(s);
	if (rc != 0) {
		subpath(p, sizeof(p), path, "usable");
		return bad(r, p, "not \"yes\", \"no\", \"conditional\" or \"unknown\"");
	}
	return 0;
}

/* A JSON array of action names (or null) as one space-separated string. */
static int
get_words(struct rd *r, const cJSON *obj, const char *path, const char *key, char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char **w = NULL;
	size_t n = 0, len = 0;
	char p[560];
	int rc = -1;

	*out = NULL;
	if (cJSON_IsNull(v))
		return 0;
	if (get_strv(r, obj, path, key, STR_ID, &w, &n) != 0)
		goto out;
	subpath(p, sizeof(p), path, key);
	for (size_t i = 0; i < n; i++) {
		if (strchr(w[i], ' ') != NULL) {
			bad(r, p, "an action name holds a space");
			goto out;
		}
		len += strlen(w[i]) + 1;
	}
	if (n == 0) {
		bad(r, p, "empty: null when there is no action");
		goto out;
	}
	if ((*out = malloc(len)) == NULL) {
		bad(r, p, "out of memory");
		goto out;
	}
	(*out)[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			strcat(*out, " ");
		strcat(*out, w[i]);
	}
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(w[i]);
	free(w);
	return rc;
}

static int
read_path(struct rd *r, const cJSON *o, const char *p, struct edge_hop **path, size_t *npath)
{
	const cJSON *a, *it;
	size_t n, i;
	char ap[560], ip[600], fp[640];

	if (get_array(r, o, p, "path", &a, &n) != 0)
		return -1;
	subpath(ap, sizeof(ap), p, "path");
	if (alloc_array(r, ap, (void **)path, n, sizeof(**path)) != 0)
		return -1;
	i = 0;
	cJSON_ArrayForEach(it, a) {
		struct edge_hop *h = &(*path)[i];

		snprintf(ip, sizeof(ip), "%s[%zu]", ap, i);
		*npath = ++i;
		if (keys_exact(r, it, ip, k_hop) != 0 ||
		    get_str(r, it, ip, "kind", STR_ID, &h->kind) != 0 ||
		    get_str(r, it, ip, "arn", STR_ID, &h->arn) != 0 ||
		    get_str(r, it, ip, "via_service", STR_NULL, &h->via_service) != 0)
			return -1;
		/* "update" (version 2): through an existing resource. */
		if (strcmp(h->kind, "assume") != 0 && strcmp(h->kind, "pass") != 0 &&
		    (r->version < 2 || strcmp(h->kind, "update") != 0)) {
			subpath(fp, sizeof(fp), ip, "kind");
			return bad(r, fp, r->version < 2 ? "not \"assume\" or \"pass\"" :
			    "not \"assume\", \"pass\" or \"update\"");
		}
		if ((strcmp(h->kind, "assume") != 0) != (h->via_service != NULL)) {
			subpath(fp, sizeof(fp), ip, "via_service");
			return bad(r, fp, h->via_service == NULL ? "missing for a \"pass\" hop" :
			    "must be null for an \"assume\" hop");
		}
	}
	return 0;
}

/* Version 2: usable, uses, alternatives. */
static int
read_usable(struct rd *r, const cJSON *o, const char *p, struct edge *ed)
{
	const cJSON *a, *it;
	size_t n, i;
	char ap[560], ip[600];

	if (get_usable(r, o, p, &ed->usable) != 0 || get_array(r, o, p, "uses", &a, &n) != 0)
		return -1;
	subpath(ap, sizeof(ap), p, "uses");
	if (alloc_array(r, ap, (void **)&ed->uses, n, sizeof(*ed->uses)) != 0)
		return -1;
	i = 0;
	cJSON_ArrayForEach(it, a) {
		struct edge_use *u = &ed->uses[i];

		snprintf(ip, sizeof(ip), "%s[%zu]", ap, i);
		ed->nuses = ++i;
		if (keys_exact(r, it, ip, k_use) != 0 ||
		    get_str(r, it, ip, "service", STR_ID, &u->service) != 0 ||
		    get_usable(r, it, ip, &u->usable) != 0 ||
		    get_words(r, it, ip, "actions", &u->actions) != 0 ||
		    get_words(r, it, ip, "refused", &u->refused) != 0)
			return -1;
	}
	if (get_array(r, o, p, "alternatives", &a, &n) != 0)
		return -1;
	subpath(ap, sizeof(ap), p, "alternatives");
	if (alloc_array(r, ap, (void **)&ed->alts, n, sizeof(*ed->alts)) != 0)
		return -1;
	i = 0;
	cJSON_ArrayForEach(it, a) {
		struct edge_alt *al = &ed->alts[i];

		snprintf(ip, sizeof(ip), "%s[%zu]", ap, i);
		ed->nalts = ++i;
		if (keys_exact(r, it, ip, k_alt) != 0 || get_usable(r, it, ip, &al->usable) != 0 ||
		    read_path(r, it, ip, &al->path, &al->npath) != 0)
			return -1;
	}
	return 0;
}

static int
read_edge(struct rd *r, const cJSON *o, const char *p, struct edge *ed)
{
	const cJSON *a, *it;
	size_t n, i;
	char ap[560], ip[600], fp[640];

	if (keys_exact(r, o, p, r->version >= 2 ? k_edge : k_edge_v1) != 0 ||
	    get_str(r, o, p, "principal_arn", STR_ID, &ed->principal_arn) != 0 ||
	    get_str(r, o, p, "principal_type", STR_ID, &ed->principal_type) != 0 ||
	    get_str(r, o, p, "account", STR_ID, &ed->account) != 0 ||
	    get_str(r, o, p, "role_arn", STR_ID, &ed->role_arn) != 0 ||
	    get_strv(r, o, p, "services", STR_ID, &ed->services, &ed->nservices) != 0 ||
	    get_bool(r, o, p, "no_service", &ed->no_service) != 0 ||
	    get_bool(r, o, p, "conditional", &ed->conditional) != 0 ||
	    get_str(r, o, p, "conditions", STR_NULL | STR_TEXT, &ed->conditions) != 0 ||
	    get_str(r, o, p, "reason", STR_NULL | STR_TEXT, &ed->reason) != 0)
		return -1;
	if (strcmp(ed->principal_type, "user") != 0 && strcmp(ed->principal_type, "role") != 0) {
		subpath(fp, sizeof(fp), p, "principal_type");
		return bad(r, fp, "not \"user\" or \"role\"");
	}
	if (ed->conditional != (ed->conditions != NULL)) {
		subpath(fp, sizeof(fp), p, "conditions");
		return bad(r, fp, ed->conditional ? "must say the conditions of a "
		    "conditional edge" : "must be null when conditional is false");
	}
	if (ed->no_service && ed->nservices != 0) {
		subpath(fp, sizeof(fp), p, "no_service");
		return bad(r, fp, "true although services are listed");
	}

	if (read_path(r, o, p, &ed->path, &ed->npath) != 0)
		return -1;

	if (get_array(r, o, p, "caveats", &a, &n) != 0)
		return -1;
	subpath(ap, sizeof(ap), p, "caveats");
	if (alloc_array(r, ap, (void **)&ed->caveats, n, sizeof(*ed->caveats)) != 0)
		return -1;
	i = 0;
	cJSON_ArrayForEach(it, a) {
		struct edge_caveat *c = &ed->caveats[i];

		snprintf(ip, sizeof(ip), "%s[%zu]", ap, i);
		ed->ncaveats = ++i;
		if (keys_exact(r, it, ip, k_caveat) != 0 ||
		    get_str(r, it, ip, "endpoint_id", STR_ID, &c->endpoint_id) != 0 ||
		    get_str(r, it, ip, "region", STR_ID, &c->region) != 0 ||
		    get_str(r, it, ip, "service_name", STR_ID, &c->service_name) != 0 ||
		    get_str(r, it, ip, "message", STR_TEXT, &c->message) != 0)
			return -1;
	}
	/* Version 1 files predate usability: it stays unknown. */
	return r->version >= 2 ? read_usable(r, o, p, ed) : 0;
}

/* 1-based line of byte offset off, for a syntax error. */
static size_t
line_of(const char *text, size_t off)
{
	size_t line = 1;

	for (size_t i = 0; i < off; i++)
		line += text[i] == '\n';
	return line;
}

static int
read_top(struct rd *r, const cJSON *root, struct edge_set *s)
{
	const cJSON *v, *a, *it;
	char *fmt = NULL;
	size_t n, i;
	char p[64];
	int rc;

	if (keys_exact(r, root, "", k_top) != 0)
		return -1;
	rc = get_str(r, root, "", "format", STR_ID, &fmt);
	if (rc == 0 && strcmp(fmt, EDGEJSON_FORMAT) != 0)
		rc = bad(r, "format", "not \"" EDGEJSON_FORMAT "\"");
	free(fmt);
	if (rc != 0)
		return -1;
	v = cJSON_GetObjectItemCaseSensitive(root, "version");
	if (!cJSON_IsNumber(v) || v->valuedouble != (double)(int)v->valuedouble)
		return bad(r, "version", "not an integer");
	if (v->valueint < 1 || v->valueint > EDGE_FORMAT_VERSION) {
		char m[128];

		snprintf(m, sizeof(m), "version %d is not supported (this program reads "
		    "versions 1 to %d)", v->valueint, EDGE_FORMAT_VERSION);
		return bad(r, "version", m);
	}
	r->version = v->valueint;
	s->format_version = EDGE_FORMAT_VERSION;
	if (get_time(r, root, "", "taken_at", false, &s->taken_at) != 0 ||
	    get_str(r, root, "", "source", STR_TEXT, &s->source) != 0 ||
	    get_str(r, root, "", "org_note", STR_NULL | STR_TEXT, &s->org_note) != 0)
		return -1;

	if (get_array(r, root, "", "accounts", &a, &n) != 0 ||
	    alloc_array(r, "accounts", (void **)&s->accounts, n, sizeof(*s->accounts)) != 0)
		return -1;
	i = 0;
	cJSON_ArrayForEach(it, a) {
		snprintf(p, sizeof(p), "accounts[%zu]", i);
		s->naccounts = ++i;
		if (read_account(r, it, p, &s->accounts[i - 1]) != 0)
			return -1;
		for (size_t j = 0; j + 1 < i; j++)
			if (strcmp(s->accounts[j].id, s->accounts[i - 1].id) == 0)
				return bad(r, p, "the same account id is listed twice");
	}

	if (get_array(r, root, "", "privileged", &a, &n) != 0 ||
	    alloc_array(r, "privileged", (void **)&s->privileged, n,
	    sizeof(*s->privileged)) != 0)
		return -1;
	i = 0;
	cJSON_ArrayForEach(it, a) {
		snprintf(p, sizeof(p), "privileged[%zu]", i);
		s->nprivileged = ++i;
		if (read_priv(r, it, p, &s->privileged[i - 1]) != 0)
			return -1;
	}

	if (get_array(r, root, "", "edges", &a, &n) != 0 ||
	    alloc_array(r, "edges", (void **)&s->edges, n, sizeof(*s->edges)) != 0)
		return -1;
	i = 0;
	cJSON_ArrayForEach(it, a) {
		snprintf(p, sizeof(p), "edges[%zu]", i);
		s->nedges = ++i;
		if (read_edge(r, it, p, &s->edges[i - 1]) != 0)
			return -1;
	}
	return 0;
}

/* After sorting, equal keys are neighbours: a set with two edges for one
 * (principal, role) or two entries for one role breaks edge_set_find. */
static int
check_unique(struct rd *r, const struct edge_set *s)
{
	char m[1200];

	for (size_t i = 1; i < s->nedges; i++)
		if (strcmp(s->edges[i].principal_arn, s->edges[i - 1].principal_arn) == 0 &&
		    strcmp(s->edges[i].role_arn, s->edges[i - 1].role_arn) == 0) {
			snprintf(m, sizeof(m), "two edges for %s -> %s",
			    s->edges[i].principal_arn, s->edges[i].role_arn);
			return bad(r, "edges", m);
		}
	for (size_t i = 1; i < s->nprivileged; i++)
		if (strcmp(s->privileged[i].role_arn, s->privileged[i - 1].role_arn) == 0) {
			snprintf(m, sizeof(m), "%s is listed twice", s->privileged[i].role_arn);
			return bad(r, "privileged", m);
		}
	return 0;
}

int
edgejson_read_head(const cJSON *root, const char *name, struct edge_set *s, struct err *e)
{
	struct rd r = { name, e, 0 };

	return read_top(&r, root, s);
}

int
edgejson_read_privileged(const cJSON *o, int version, const char *name, const char *path,
    struct edge_privileged *out, struct err *e)
{
	struct rd r = { name, e, version };

	return read_priv(&r, o, path, out);
}

int
edgejson_read_edge(const cJSON *o, int version, const char *name, const char *path,
    struct edge *out, struct err *e)
{
	struct rd r = { name, e, version };

	return read_edge(&r, o, path, out);
}

int
edgejson_check_unique(const struct edge_set *s, const char *name, struct err *e)
{
	struct rd r = { name, e, 0 };

	return check_unique(&r, s);
}

struct edge_set *
edgejson_parse(const char *text, size_t len, const char *name, struct err *e)
{
	struct rd r = { name, e, 0 };
	struct edge_set *s = NULL;
	const char *end = NULL, *bad;
	size_t boff;
	cJSON *root;

	if (len > EDGEJSON_MAX_BYTES) {
		err_set(e, "%s: larger than %zu MiB", name, EDGEJSON_MAX_BYTES >> 20);
		return NULL;
	}
	if ((bad = jsonutil_bad_text(text, len, &boff)) != NULL) {
		err_set(e, "%s:%zu: %s", name, line_of(text, boff), bad);
		return NULL;
	}
	root = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (root == NULL) {
		size_t off = end != NULL && end >= text && end <= text + len ?
		    (size_t)(end - text) : 0;

		err_set(e, "%s:%zu: not valid JSON (%s)", name, line_of(text, off),
		    len == 0 ? "the file is empty" : "syntax error");
		return NULL;
	}
	for (const char *c = end; c != NULL && c < text + len; c++)
		if (*c != ' ' && *c != '\n' && *c != '\t' && *c != '\r') {
			err_set(e, "%s:%zu: text after the JSON document", name,
			    line_of(text, (size_t)(c - text)));
			goto fail;
		}
	s = edge_set_new(e);
	if (s == NULL)
		goto fail;
	if (read_top(&r, root, s) != 0)
		goto fail;
	edge_set_sort(s);
	if (check_unique(&r, s) != 0)
		goto fail;
	cJSON_Delete(root);
	return s;
fail:
	edge_set_free(s);
	cJSON_Delete(root);
	return NULL;
}

/*
 * The tree is read back with the reader's checks before any text is
 * produced: a set that breaks the model (a conditional edge without its
 * conditions, two edges for one pair, an empty ARN) would otherwise be
 * saved, fail to load on the next run, and stop every later save.
 */
int
edgejson_write(const struct edge_set *s, struct buf *out, struct err *e)
{
	cJSON *o = edgejson_build(s, e);
	struct edge_set *check = NULL;
	struct rd r = { "edge set to save", e, 0 };
	char *text = NULL;
	int rc = -1;

	if (o == NULL)
		return -1;
	check = edge_set_new(e);
	if (check == NULL)
		goto out;
	if (read_top(&r, o, check) != 0) {
		err_prefix(e, "internal error: not saved");
		goto out;
	}
	edge_set_sort(check);
	if (check_unique(&r, check) != 0) {
		err_prefix(e, "internal error: not saved");
		goto out;
	}
	text = cJSON_Print(o);
	if (text == NULL) {
		err_set(e, "out of memory printing the edge set");
		goto out;
	}
	if (buf_puts(out, text) != 0 || buf_putc(out, '\n') != 0) {
		err_set(e, "edge set JSON: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(text);
	edge_set_free(check);
	cJSON_Delete(o);
	return rc;
}

struct edge_set *
edgejson_read_file(const char *path, struct err *e)
{
	struct edge_set *s = NULL;
	struct buf b;

	buf_init(&b, EDGEJSON_MAX_BYTES);
	if (fileio_read(AT_FDCWD, path, FILEIO_NOFOLLOW, EDGEJSON_MAX_BYTES, &b, e) == 0)
		s = edgejson_parse(buf_cstr(&b), b.len, path, e);
	buf_free(&b);
	return s;
}
