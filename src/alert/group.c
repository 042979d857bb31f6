/* Alerts grouped by cause. See group.h. */
#include "config.h"

#include "alert/group.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "util/buf.h"
#include "util/strutil.h"

/* Bounds on what an outbox entry read back may hold (our own file, but
 * a damaged one must not make us allocate without end). */
#define GROUP_FIELD_MAX 65536

void
alert_group_free(struct alert_group *g)
{
	if (g == NULL)
		return;
	for (size_t i = 0; i < g->ncauses; i++)
		diff_cause_clear(&g->causes[i]);
	free(g->causes);
	free(g->note);
	for (size_t i = 0; i < g->nitems; i++) {
		struct alert_item *it = &g->items[i];

		free(it->change), free(it->account), free(it->principal), free(it->role);
		for (size_t k = 0; k < it->nservices; k++)
			free(it->services[k]);
		free(it->services);
	}
	free(g->items);
	free(g);
}

/* ---------------------------------------------------------------- keys */

static int
key_str(struct buf *b, const char *s)
{
	/* Length-prefixed, NULL apart from "": no two cause sets share a key. */
	if (s == NULL)
		return buf_puts(b, "-;");
	return buf_printf(b, "%zu:%s;", strlen(s), s);
}

/* The grouping key of an entry: its causes (all their fields) or, with
 * none, the note saying why. */
static char *
entry_key(const struct diff_entry *en)
{
	struct buf b;
	int rc = 0;

	buf_init(&b, 0);
	for (size_t i = 0; i < en->ncauses && rc == 0; i++) {
		const struct diff_cause *c = &en->causes[i];

		rc = key_str(&b, c->kind) | key_str(&b, c->account) | key_str(&b, c->name) |
		    key_str(&b, c->arn) | key_str(&b, c->id) | key_str(&b, c->on) |
		    key_str(&b, c->before) | key_str(&b, c->after) |
		    buf_printf(&b, "%d%d|", c->verified, c->jointly);
	}
	if (rc == 0 && en->ncauses == 0)
		rc = buf_puts(&b, "note|") | key_str(&b, en->causes_note != NULL ?
		    en->causes_note : "causes not looked for");
	if (rc != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

static int
id_part(EVP_MD_CTX *md, const char *s)
{
	uint64_t len = s != NULL ? strlen(s) : UINT64_MAX;
	unsigned char lb[8];

	for (int i = 0; i < 8; i++)
		lb[i] = (unsigned char)(len >> (56 - 8 * i));
	if (EVP_DigestUpdate(md, lb, sizeof(lb)) != 1)
		return -1;
	return s != NULL && EVP_DigestUpdate(md, s, strlen(s)) != 1 ? -1 : 0;
}

static int
group_id(struct alert *a)
{
	const struct alert_group *g = a->group;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char h[32];
	unsigned hl = 0;
	int rc = -1;

	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
	    id_part(md, "passrole-auditd grouped alert id 1") != 0 || id_part(md, a->run) != 0)
		goto out;
	for (size_t i = 0; i < g->ncauses; i++) {
		const struct diff_cause *c = &g->causes[i];

		if (id_part(md, c->kind) != 0 || id_part(md, c->account) != 0 ||
		    id_part(md, c->name) != 0 || id_part(md, c->arn) != 0 ||
		    id_part(md, c->id) != 0 || id_part(md, c->on) != 0 ||
		    id_part(md, c->before) != 0 || id_part(md, c->after) != 0 ||
		    id_part(md, c->verified ? "1" : "0") != 0 ||
		    id_part(md, c->jointly ? "1" : "0") != 0)
			goto out;
	}
	if (id_part(md, g->note) != 0 || EVP_DigestFinal_ex(md, h, &hl) != 1 || hl != sizeof(h))
		goto out;
	for (size_t i = 0; i < sizeof(h); i++)
		snprintf(a->id + 2 * i, 3, "%02x", h[i]);
	rc = 0;
out:
	EVP_MD_CTX_free(md);
	return rc;
}

/* --------------------------------------------------------------- texts */

static int
cause_text(struct buf *b, const struct diff_cause *c)
{
	const char *ref = c->arn != NULL ? c->arn : c->id;
	int rc = buf_puts(b, c->kind != NULL ? c->kind : "?");

	if (rc == 0 && c->name != NULL)
		rc = buf_printf(b, " %s", c->name);
	if (rc == 0 && ref != NULL && strutil_cmp(ref, c->name) != 0)
		rc = buf_printf(b, " (%s)", ref);
	if (rc == 0 && c->on != NULL)
		rc = buf_printf(b, " on %s", c->on);
	if (rc == 0 && c->account != NULL)
		rc = buf_printf(b, " in %s", c->account);
	if (rc == 0)
		rc = buf_printf(b, ": %s -> %s", c->before != NULL ? c->before : "none",
		    c->after != NULL ? c->after : "none");
	if (rc == 0 && !c->verified)
		rc = buf_puts(b, " (not verified)");
	return rc;
}

/* change: the causes in one line. */
static char *
change_line(const struct alert_group *g)
{
	struct buf b;
	int rc = 0;

	buf_init(&b, 0);
	if (g->ncauses == 0)
		rc = buf_printf(&b, "cause unknown: %s", g->note != NULL ? g->note : "not known");
	for (size_t i = 0; i < g->ncauses && i < ALERT_GROUP_TEXT_CAUSES && rc == 0; i++) {
		if (i > 0)
			rc = buf_puts(&b, g->causes[i].jointly ? " together with " : "; and ");
		if (rc == 0)
			rc = cause_text(&b, &g->causes[i]);
	}
	if (rc == 0 && g->ncauses > ALERT_GROUP_TEXT_CAUSES)
		rc = buf_printf(&b, "; and %zu more causes", g->ncauses - ALERT_GROUP_TEXT_CAUSES);
	if (rc != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

static const char *const count_names[5] = {
	"gained", "lost", "changed", "privileged-added", "privileged-removed",
};

static int
counts_text(struct buf *b, const struct alert_group *g)
{
	int rc = 0;
	bool any = false;

	for (int k = 0; k < 5 && rc == 0; k++) {
		if (g->counts[k] == 0)
			continue;
		if (k < 3)
			rc = buf_printf(b, "%s%zu edge%s %s", any ? ", " : "", g->counts[k],
			    g->counts[k] == 1 ? "" : "s", count_names[k]);
		else
			rc = buf_printf(b, "%s%zu role%s %s", any ? ", " : "", g->counts[k],
			    g->counts[k] == 1 ? "" : "s", k == 3 ? "now privileged" :
			    "no longer privileged");
		any = true;
	}
	if (rc == 0)
		rc = buf_printf(b, " in %zu account%s", g->naccounts, g->naccounts == 1 ? "" : "s");
	return rc;
}

static const char *
tail(const char *arn)
{
	const char *s = arn != NULL ? strrchr(arn, ':') : NULL;

	return s != NULL ? s + 1 : arn != NULL ? arn : "?";
}

/* reason: the counts and the first few changes, bounded. */
static char *
reason_line(const struct alert_group *g)
{
	struct buf b;
	size_t total = g->nitems + g->omitted, shown = 0;
	int rc;

	buf_init(&b, 0);
	rc = counts_text(&b, g);
	for (size_t i = 0; i < g->nitems && shown < ALERT_GROUP_TEXT_ITEMS && rc == 0; i++) {
		const struct alert_item *it = &g->items[i];

		rc = buf_printf(&b, "%s %s ", shown == 0 ? ":" : ";", it->change);
		if (rc == 0 && it->principal != NULL)
			rc = buf_printf(&b, "%s -> ", tail(it->principal));
		if (rc == 0)
			rc = buf_printf(&b, "%s (%s)", tail(it->role), it->account != NULL ?
			    it->account : "?");
		shown++;
	}
	if (rc == 0 && total > shown)
		rc = buf_printf(&b, "; and %zu more", total - shown);
	if (rc != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

char *
alert_group_summary(const struct alert *a)
{
	const struct alert_group *g = a->group;
	const struct diff_cause *c = g != NULL && g->ncauses > 0 ? &g->causes[0] : NULL;
	struct buf b;
	int rc;

	buf_init(&b, 0);
	if (g == NULL)
		rc = buf_puts(&b, "PassRole changes");
	else if (c == NULL)
		rc = buf_puts(&b, "PassRole changes of unknown cause");
	else
		rc = buf_printf(&b, "%s (%s%s%s) changed%s", c->name != NULL ? c->name :
		    c->id != NULL ? c->id : c->arn != NULL ? c->arn : "?", c->kind,
		    c->account != NULL ? ", " : "", c->account != NULL ? c->account : "",
		    g->ncauses > 1 ? " (with other changes)" : "");
	if (rc == 0 && g != NULL)
		rc = buf_puts(&b, ": ") | counts_text(&b, g);
	if (rc != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* ------------------------------------------------------------- building */

struct grp {
	char *key;
	size_t first;		/* index of its first entry */
	struct alert a;
	char **accounts;	/* distinct, borrowed from items */
	size_t naccounts;
};

static int
add_item(struct grp *G, struct alert *src, enum diff_kind k)
{
	struct alert_group *g = G->a.group;
	struct alert_item *it;
	bool seen = false;

	g->counts[k]++;
	for (size_t i = 0; i < G->naccounts && !seen; i++)
		seen = strutil_cmp(G->accounts[i], src->account) == 0;
	if (!seen && src->account != NULL) {
		char **v = realloc(G->accounts, (G->naccounts + 1) * sizeof(*v));

		if (v == NULL)
			return -1;
		G->accounts = v;
		/* The item keeps the string (or the edge alert, until freed). */
		v[G->naccounts++] = src->account;
	}
	g->naccounts = G->naccounts;
	if (g->nitems >= ALERT_GROUP_ITEMS_MAX) {
		g->omitted++;
		return 0;
	}
	if ((it = realloc(g->items, (g->nitems + 1) * sizeof(*it))) == NULL)
		return -1;
	g->items = it;
	it = &g->items[g->nitems++];
	memset(it, 0, sizeof(*it));
	if ((it->change = strdup(count_names[k])) == NULL)
		return -1;
	/* Moved out of the edge's alert, which is freed next. */
	it->account = src->account, src->account = NULL;
	it->principal = src->principal, src->principal = NULL;
	it->role = src->role, src->role = NULL;
	it->services = src->services, src->services = NULL;
	it->nservices = src->nservices, src->nservices = 0;
	return 0;
}

static int
new_group(struct grp *G, const struct config_alerts *c, const struct alert_run *run,
    const struct diff_entry *en, char *key, size_t first)
{
	struct alert_group *g;
	size_t n = en->ncauses < ALERT_GROUP_CAUSES_MAX ? en->ncauses : ALERT_GROUP_CAUSES_MAX;

	memset(G, 0, sizeof(*G));
	G->key = key;
	G->first = first;
	G->a.kind = ALERT_CAUSE;
	G->a.timestamp = run->at;
	G->a.severity = LOG_LVL_DEBUG;
	(void)c;
	if ((G->a.run = strdup(run->id)) == NULL ||
	    (G->a.group = g = calloc(1, sizeof(*g))) == NULL)
		return -1;
	if (n > 0 && (g->causes = calloc(n, sizeof(*g->causes))) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		g->ncauses++;
		if (diff_cause_copy(&g->causes[i], &en->causes[i]) != 0)
			return -1;
	}
	if (n == 0 && (g->note = strdup(en->causes_note != NULL ? en->causes_note :
	    "causes not looked for")) == NULL)
		return -1;
	return 0;
}

static void
grp_free(struct grp *G)
{
	free(G->key);
	free(G->accounts);
	alert_free(&G->a);
}

int
alert_group_build(const struct config_alerts *c, const struct alert_run *run,
    const struct edge_diff *d, struct alert *edges, const bool *skip, struct alert **out,
    size_t *n, struct err *e)
{
	struct grp *G = NULL;
	struct alert *v = NULL;
	/* The output in order: a group at its first change (slot k + 1), or
	 * an edge's own alert (slot -(i + 1)). */
	long *slot = NULL;
	size_t ng = 0, ns = 0;
	int rc = -1;

	*out = NULL;
	*n = 0;
	if (d->n > 0 && (slot = calloc(d->n, sizeof(*slot))) == NULL)
		goto oom;
	for (size_t i = 0; i < d->n; i++) {
		const struct diff_entry *en = &d->entries[i];
		struct alert *src = &edges[i];
		char *key;
		size_t k;

		if (skip != NULL && skip[i])
			continue;
		/* Causes never looked for (a diff against --baseline, a
		 * fixture): nothing to group by, the change is its own alert. */
		if (en->ncauses == 0 && en->causes_note == NULL) {
			slot[ns++] = -(long)i - 1;
			continue;
		}
		if (!alert_filter_pass(c, src))
			continue;
		if ((key = entry_key(en)) == NULL)
			goto oom;
		for (k = 0; k < ng; k++)
			if (strcmp(G[k].key, key) == 0)
				break;
		if (k == ng) {
			struct grp *g2 = realloc(G, (ng + 1) * sizeof(*G));

			if (g2 == NULL) {
				free(key);
				goto oom;
			}
			G = g2;
			slot[ns++] = (long)ng + 1;
			if (new_group(&G[ng++], c, run, en, key, i) != 0)
				goto oom;
		} else {
			free(key);
		}
		/* The most severe of its changes. */
		if (src->severity < G[k].a.severity)
			G[k].a.severity = src->severity;
		if (add_item(&G[k], src, en->kind) != 0)
			goto oom;
	}
	if (ns > 0 && (v = calloc(ns, sizeof(*v))) == NULL)
		goto oom;
	for (size_t k = 0; k < ng; k++) {
		struct alert *a = &G[k].a;

		if (G[k].naccounts == 1 && (a->account = strdup(G[k].accounts[0])) == NULL)
			goto oom;
		if ((a->change = change_line(a->group)) == NULL ||
		    (a->reason = reason_line(a->group)) == NULL || group_id(a) != 0)
			goto oom;
	}
	for (size_t k = 0; k < ns; k++) {
		struct alert *from = slot[k] > 0 ? &G[slot[k] - 1].a : &edges[-slot[k] - 1];

		v[k] = *from;
		memset(from, 0, sizeof(*from));
	}
	*out = v;
	*n = ns;
	v = NULL;
	rc = 0;
	goto out;
oom:
	err_set(e, "alert_build: out of memory grouping the alerts by cause");
out:
	free(v);
	free(slot);
	for (size_t k = 0; k < ng; k++)
		grp_free(&G[k]);
	free(G);
	return rc;
}

/* ---------------------------------------------------------------- JSON */

static bool
add_opt(cJSON *o, const char *k, const char *v)
{
	return (v != NULL ? cJSON_AddStringToObject(o, k, v) :
	    cJSON_AddNullToObject(o, k)) != NULL;
}

bool
alert_group_to_json(const struct alert *a, cJSON *o)
{
	const struct alert_group *g = a->group;
	cJSON *arr, *x;
	bool ok;

	if (g == NULL)
		return true;
	ok = (arr = cJSON_AddArrayToObject(o, "causes")) != NULL;
	for (size_t i = 0; ok && i < g->ncauses; i++) {
		const struct diff_cause *c = &g->causes[i];

		ok = (x = cJSON_CreateObject()) != NULL && cJSON_AddItemToArray(arr, x) &&
		    add_opt(x, "kind", c->kind) && add_opt(x, "account", c->account) &&
		    add_opt(x, "name", c->name) && add_opt(x, "arn", c->arn) &&
		    add_opt(x, "id", c->id) && add_opt(x, "on", c->on) &&
		    add_opt(x, "before", c->before) && add_opt(x, "after", c->after) &&
		    cJSON_AddBoolToObject(x, "verified", c->verified) != NULL &&
		    cJSON_AddBoolToObject(x, "jointly", c->jointly) != NULL;
	}
	if (ok && g->note != NULL)
		ok = cJSON_AddStringToObject(o, "causes_note", g->note) != NULL;
	ok = ok && (x = cJSON_AddObjectToObject(o, "counts")) != NULL;
	for (int k = 0; ok && k < 5; k++)
		ok = cJSON_AddNumberToObject(x, count_names[k], (double)g->counts[k]) != NULL;
	ok = ok && cJSON_AddNumberToObject(x, "accounts", (double)g->naccounts) != NULL;
	ok = ok && (arr = cJSON_AddArrayToObject(o, "edges")) != NULL;
	for (size_t i = 0; ok && i < g->nitems; i++) {
		const struct alert_item *it = &g->items[i];
		cJSON *svc;

		ok = (x = cJSON_CreateObject()) != NULL && cJSON_AddItemToArray(arr, x) &&
		    add_opt(x, "change", it->change) && add_opt(x, "account", it->account) &&
		    add_opt(x, "principal", it->principal) && add_opt(x, "role", it->role) &&
		    (svc = cJSON_AddArrayToObject(x, "services")) != NULL;
		for (size_t k = 0; ok && k < it->nservices; k++) {
			cJSON *s = cJSON_CreateString(it->services[k]);

			ok = s != NULL && cJSON_AddItemToArray(svc, s);
		}
	}
	return ok && cJSON_AddNumberToObject(o, "edges_omitted", (double)g->omitted) != NULL;
}

/* An optional string member (null or absent: NULL). */
static int
rd_str(const cJSON *o, const char *k, char **out, const char *where, struct err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v) || strlen(v->valuestring) > GROUP_FIELD_MAX) {
		err_set(e, "alert JSON: %s.%s is not a string of at most %d bytes", where, k,
		    GROUP_FIELD_MAX);
		return -1;
	}
	if ((*out = strdup(v->valuestring)) == NULL) {
		err_set(e, "alert JSON: out of memory");
		return -1;
	}
	return 0;
}

static int
rd_count(const cJSON *o, const char *k, size_t *out, struct err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1e12) {
		err_set(e, "alert JSON: counts.%s is not a count", k);
		return -1;
	}
	*out = (size_t)v->valuedouble;
	return 0;
}

/* An array member of at most max objects; NULL with e when not. */
static const cJSON *
rd_array(const cJSON *j, const char *k, int max, struct err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k);

	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > max) {
		err_set(e, "alert JSON: \"%s\" is not an array of at most %d entries", k, max);
		return NULL;
	}
	return v;
}

int
alert_group_from_json(const cJSON *j, struct alert *a, struct err *e)
{
	struct alert_group *g = calloc(1, sizeof(*g));
	const cJSON *arr, *it, *counts;
	size_t n;

	if (g == NULL) {
		err_set(e, "alert JSON: out of memory");
		return -1;
	}
	a->group = g;
	if ((arr = rd_array(j, "causes", ALERT_GROUP_CAUSES_MAX, e)) == NULL)
		return -1;
	n = (size_t)cJSON_GetArraySize(arr);
	if (n > 0 && (g->causes = calloc(n, sizeof(*g->causes))) == NULL)
		goto oom;
	cJSON_ArrayForEach(it, arr) {
		struct diff_cause *c = &g->causes[g->ncauses++];

		if (!cJSON_IsObject(it) || rd_str(it, "kind", &c->kind, "causes[]", e) != 0 ||
		    rd_str(it, "account", &c->account, "causes[]", e) != 0 ||
		    rd_str(it, "name", &c->name, "causes[]", e) != 0 ||
		    rd_str(it, "arn", &c->arn, "causes[]", e) != 0 ||
		    rd_str(it, "id", &c->id, "causes[]", e) != 0 ||
		    rd_str(it, "on", &c->on, "causes[]", e) != 0 ||
		    rd_str(it, "before", &c->before, "causes[]", e) != 0 ||
		    rd_str(it, "after", &c->after, "causes[]", e) != 0 || c->kind == NULL) {
			if (c->kind == NULL)
				err_set(e, "alert JSON: causes[%zu] has no kind", g->ncauses - 1);
			return -1;
		}
		c->verified = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "verified"));
		c->jointly = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "jointly"));
	}
	if (rd_str(j, "causes_note", &g->note, "alert", e) != 0)
		return -1;
	counts = cJSON_GetObjectItemCaseSensitive(j, "counts");
	if (!cJSON_IsObject(counts)) {
		err_set(e, "alert JSON: \"counts\" is not an object");
		return -1;
	}
	for (int k = 0; k < 5; k++)
		if (rd_count(counts, count_names[k], &g->counts[k], e) != 0)
			return -1;
	if (rd_count(counts, "accounts", &g->naccounts, e) != 0 ||
	    rd_count(j, "edges_omitted", &g->omitted, e) != 0)
		return -1;
	if ((arr = rd_array(j, "edges", ALERT_GROUP_ITEMS_MAX, e)) == NULL)
		return -1;
	n = (size_t)cJSON_GetArraySize(arr);
	if (n > 0 && (g->items = calloc(n, sizeof(*g->items))) == NULL)
		goto oom;
	cJSON_ArrayForEach(it, arr) {
		struct alert_item *x = &g->items[g->nitems++];
		const cJSON *svc, *s;

		if (!cJSON_IsObject(it) || rd_str(it, "change", &x->change, "edges[]", e) != 0 ||
		    rd_str(it, "account", &x->account, "edges[]", e) != 0 ||
		    rd_str(it, "principal", &x->principal, "edges[]", e) != 0 ||
		    rd_str(it, "role", &x->role, "edges[]", e) != 0)
			return -1;
		if ((svc = rd_array(it, "services", 4096, e)) == NULL)
			return -1;
		n = (size_t)cJSON_GetArraySize(svc);
		if (n > 0 && (x->services = calloc(n, sizeof(char *))) == NULL)
			goto oom;
		cJSON_ArrayForEach(s, svc) {
			if (!cJSON_IsString(s) || strlen(s->valuestring) > GROUP_FIELD_MAX) {
				err_set(e, "alert JSON: edges[].services[] is not a string");
				return -1;
			}
			if ((x->services[x->nservices] = strdup(s->valuestring)) == NULL)
				goto oom;
			x->nservices++;
		}
	}
	return 0;
oom:
	err_set(e, "alert JSON: out of memory");
	return -1;
}
