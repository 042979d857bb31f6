/*
 * The snapshot's JSON form (shape and rules in snapjson.h).
 *
 * The writer streams: it never builds a cJSON tree, because a large
 * organization's snapshot holds every policy document of every account and
 * a tree plus its printed copy would need several times the memory of the
 * text. The reader parses with cJSON (bounded by the caller's length and
 * cJSON's nesting limit) and walks the tree with a running JSON path, so
 * every complaint says where it is.
 */
#include "config.h"

#include "collect/snapjson.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/fileio.h"
#include "util/jsonutil.h"
#include "util/strutil.h"

/* A JSON path being built as the writer or reader descends. Our keys are
 * short and fixed; indexes are numbers, so 512 bytes only overflow for
 * absurd depths, and then the path is cut rather than lost. */
#define PATH_MAX_LEN 512

struct jpath {
	char s[PATH_MAX_LEN];
	size_t len;
};

static size_t
path_key(struct jpath *p, const char *key)
{
	size_t old = p->len;

	p->len = strutil_path_key(p->s, sizeof(p->s), p->len, key);
	return old;
}

static size_t
path_idx(struct jpath *p, size_t i)
{
	size_t old = p->len;

	p->len = strutil_path_idx(p->s, sizeof(p->s), p->len, i);
	return old;
}

static void
path_pop(struct jpath *p, size_t old)
{
	p->len = old;
	p->s[old] = '\0';
}

static const char *
path_str(const struct jpath *p)
{
	return p->len == 0 ? "(top level)" : p->s;
}

static const char *const org_modes[] = {
	[SNAP_ORG_PRESENT] = "present",
	[SNAP_ORG_NONE] = "none",
	[SNAP_ORG_UNKNOWN] = "unknown",
};

static const char *const org_policy_types[] = {
	[SNAP_SCP] = "SERVICE_CONTROL_POLICY",
	[SNAP_RCP] = "RESOURCE_CONTROL_POLICY",
};

/* ---------------------------------------------------------------- time */

/* taken_at is written as ISO 8601 UTC to the second: readable in a report
 * and exact, unlike a JSON number that readers may turn into a double. */
static int
time_format(time_t t, char out[32])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year < -1900 || tm.tm_year > 9999 - 1900)
		return -1;
	/* Not strftime: %Y does not pad years below 1000 to four digits, and
	 * the reader accepts exactly four. */
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return 0;
}

static int
time_parse(const char *s, time_t *out)
{
	struct tm tm, back;
	time_t t;

	if (strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[19] != 'Z')
		return -1;
	for (int i = 0; i < 19; i++)
		if (i != 4 && i != 7 && i != 10 && i != 13 && i != 16 &&
		    (s[i] < '0' || s[i] > '9'))
			return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = atoi(s) - 1900;
	tm.tm_mon = atoi(s + 5) - 1;
	tm.tm_mday = atoi(s + 8);
	tm.tm_hour = atoi(s + 11);
	tm.tm_min = atoi(s + 14);
	tm.tm_sec = atoi(s + 17);
	back = tm;
	t = timegm(&tm);
	/* timegm normalises 2024-02-30 to March 1st: refuse what moved. */
	if (tm.tm_year != back.tm_year || tm.tm_mon != back.tm_mon ||
	    tm.tm_mday != back.tm_mday || tm.tm_hour != back.tm_hour ||
	    tm.tm_min != back.tm_min || tm.tm_sec != back.tm_sec)
		return -1;
	*out = t;
	return 0;
}

/* -------------------------------------------------------------- writer */

struct w {
	struct buf *out;	/* one of out and f */
	FILE *f;
	struct err *e;
	struct jpath path;
	int depth;
	bool first[32];		/* per open level: nothing written in it yet */
	bool failed;
	/* Inside an account: no line breaks or indentation. An account is
	 * kept twice in the state (snapshot.json and the generation's
	 * inputs) and fingerprinted on every run; its layout cost 39 % of its
	 * bytes. Each account still starts on a line of its own. */
	bool compact;
};

static void
w_raw(struct w *w, const char *p, size_t n)
{
	if (w->failed || n == 0)
		return;
	if (w->out != NULL) {
		if (buf_append(w->out, p, n) != 0) {
			if (errno == EFBIG)
				err_set(w->e, "snapshot JSON: larger than %zu bytes", w->out->max);
			else
				err_set(w->e, "snapshot JSON: out of memory");
			w->failed = true;
		}
	} else if (fwrite(p, 1, n, w->f) != n) {
		err_set(w->e, "snapshot JSON: write failed: %s", strerror(errno));
		w->failed = true;
	}
}

static void
w_lit(struct w *w, const char *s)
{
	w_raw(w, s, strlen(s));
}

static void
w_newline(struct w *w)
{
	static const char spaces[] = "                                                                ";
	size_t n = (size_t)w->depth * 2;

	if (w->compact)
		return;
	w_raw(w, "\n", 1);
	while (n > 0) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		w_raw(w, spaces, k);
		n -= k;
	}
}

/* Before each array element or object member. */
static void
w_item(struct w *w)
{
	if (!w->first[w->depth])
		w_raw(w, ",", 1);
	w->first[w->depth] = false;
	w_newline(w);
}

static void
w_open(struct w *w, char c)
{
	w_raw(w, &c, 1);
	/* The shape is fixed and shallow (at most 7 levels). */
	w->depth++;
	w->first[w->depth] = true;
}

static void
w_close(struct w *w, char c)
{
	bool empty = w->first[w->depth];

	w->depth--;
	if (!empty)
		w_newline(w);
	w_raw(w, &c, 1);
}

/* A JSON string: quote, backslash and control characters escaped; every
 * other byte as is (the model holds UTF-8 from AWS; cJSON reads bytes back
 * unchanged, so even a stray invalid byte round-trips). */
static void
w_string(struct w *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;

	w_raw(w, "\"", 1);
	for (const char *p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		char esc[7];
		size_t elen = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		w_raw(w, run, (size_t)(p - run));
		run = p + 1;
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			elen = 6;
		}
		w_raw(w, esc, elen);
	}
	w_raw(w, run, strlen(run));
	w_raw(w, "\"", 1);
}

static void
w_key(struct w *w, const char *key)
{
	w_item(w);
	w_string(w, key);
	w_raw(w, ": ", w->compact ? 1 : 2);
}

/* A string member; NULL is written as null when nullable, else it is a
 * model the reader would refuse, so the write fails naming the field. */
static void
w_kstr(struct w *w, const char *key, const char *v, bool nullable)
{
	if (w->failed)
		return;
	if (v == NULL && !nullable) {
		size_t old = path_key(&w->path, key);

		err_set(w->e, "%s: missing in the snapshot", path_str(&w->path));
		path_pop(&w->path, old);
		w->failed = true;
		return;
	}
	w_key(w, key);
	if (v == NULL)
		w_lit(w, "null");
	else
		w_string(w, v);
}

static void
w_kbool(struct w *w, const char *key, bool v)
{
	w_key(w, key);
	w_lit(w, v ? "true" : "false");
}

static void
w_kint(struct w *w, const char *key, long long v)
{
	char num[24];
	size_t k = sizeof(num);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	/* By hand: numbers are written for every policy of every account. */
	w_key(w, key);
	do
		num[--k] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		num[--k] = '-';
	w_raw(w, num + k, sizeof(num) - k);
}

static void
w_strv(struct w *w, const char *key, char *const *v, size_t n)
{
	size_t old = path_key(&w->path, key);

	w_key(w, key);
	w_open(w, '[');
	for (size_t i = 0; i < n && !w->failed; i++) {
		if (v[i] == NULL) {
			size_t o2 = path_idx(&w->path, i);

			err_set(w->e, "%s: null string in the snapshot", path_str(&w->path));
			path_pop(&w->path, o2);
			w->failed = true;
			break;
		}
		w_item(w);
		w_string(w, v[i]);
	}
	w_close(w, ']');
	path_pop(&w->path, old);
}

static void
w_part(struct w *w, const struct snap_part *p)
{
	w_kbool(w, "complete", p->complete);
	/* A complete part never carries a reason (the reader refuses one);
	 * an incomplete one may lack it only after ENOMEM in snap_part_fail. */
	if (!p->complete)
		w_kstr(w, "why", p->why, true);
}

/* An order for an array of n elements of size elsize by the string at
 * keyoff in each (NULL first, then strcmp, ties by position): the order
 * snapshot_sort() gives, computed on a side array so the writer can take
 * a const snapshot. */
struct okey {
	const char *key;
	size_t idx;
};

static int
okey_cmp(const void *x, const void *y)
{
	const struct okey *a = x, *b = y;

	if (a->key == NULL || b->key == NULL) {
		if ((a->key == NULL) != (b->key == NULL))
			return a->key == NULL ? -1 : 1;
	} else {
		int c = strcmp(a->key, b->key);

		if (c != 0)
			return c;
	}
	return (a->idx > b->idx) - (a->idx < b->idx);
}

static size_t *
w_order(struct w *w, const void *base, size_t n, size_t elsize, size_t keyoff)
{
	struct okey *k = NULL;
	size_t *idx = NULL;

	if (w->failed)
		return NULL;
	k = calloc(n == 0 ? 1 : n, sizeof(*k));
	idx = calloc(n == 0 ? 1 : n, sizeof(*idx));
	if (k == NULL || idx == NULL) {
		free(k);
		free(idx);
		err_set(w->e, "snapshot JSON: out of memory");
		w->failed = true;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		memcpy(&k[i].key, (const char *)base + i * elsize + keyoff, sizeof(k[i].key));
		k[i].idx = i;
	}
	if (n > 1)
		qsort(k, n, sizeof(*k), okey_cmp);
	for (size_t i = 0; i < n; i++)
		idx[i] = k[i].idx;
	free(k);
	return idx;
}

#define W_ORDER(w, arr, n, type, field) \
	w_order((w), (arr), (n), sizeof(type), offsetof(type, field))

static void
w_inline(struct w *w, const struct snap_inline_policy *p, size_t n)
{
	size_t old = path_key(&w->path, "inline_policies");

	w_key(w, "inline_policies");
	w_open(w, '[');
	for (size_t i = 0; i < n && !w->failed; i++) {
		size_t o2 = path_idx(&w->path, i);

		w_item(w);
		w_open(w, '{');
		w_kstr(w, "name", p[i].name, false);
		w_kstr(w, "document", p[i].document, false);
		w_close(w, '}');
		path_pop(&w->path, o2);
	}
	w_close(w, ']');
	path_pop(&w->path, old);
}

static void
w_tags(struct w *w, const struct snap_tag *t, size_t n)
{
	size_t old = path_key(&w->path, "tags");

	w_key(w, "tags");
	w_open(w, '[');
	for (size_t i = 0; i < n && !w->failed; i++) {
		size_t o2 = path_idx(&w->path, i);

		w_item(w);
		w_open(w, '{');
		w_kstr(w, "key", t[i].key, false);
		w_kstr(w, "value", t[i].value, false);
		w_close(w, '}');
		path_pop(&w->path, o2);
	}
	w_close(w, ']');
	path_pop(&w->path, old);
}

/* Open "key": [ and return the sorted order of its n elements (NULL on
 * failure, then the caller writes nothing more). */
static size_t *
w_sorted_array(struct w *w, const char *key, const void *base, size_t n, size_t elsize,
    size_t keyoff)
{
	size_t *ord = w_order(w, base, n, elsize, keyoff);

	w_key(w, key);
	w_open(w, '[');
	return ord;
}

static void
w_iam(struct w *w, const struct snap_iam *iam)
{
	size_t *ord, old, o2;

	w_part(w, &iam->part);

	old = path_key(&w->path, "users");
	ord = w_sorted_array(w, "users", iam->users, iam->nusers, sizeof(*iam->users),
	    offsetof(struct snap_user, arn));
	for (size_t k = 0; ord != NULL && k < iam->nusers && !w->failed; k++) {
		const struct snap_user *u = &iam->users[ord[k]];

		o2 = path_idx(&w->path, k);
		w_item(w);
		w_open(w, '{');
		w_kstr(w, "arn", u->arn, false);
		w_kstr(w, "name", u->name, false);
		w_kstr(w, "id", u->id, true);
		w_kstr(w, "path", u->path, true);
		w_strv(w, "groups", u->groups, u->ngroups);
		w_inline(w, u->inline_policies, u->ninline);
		w_strv(w, "attached", u->attached, u->nattached);
		w_kstr(w, "boundary_arn", u->boundary_arn, true);
		w_tags(w, u->tags, u->ntags);
		w_close(w, '}');
		path_pop(&w->path, o2);
	}
	free(ord);
	w_close(w, ']');
	path_pop(&w->path, old);

	old = path_key(&w->path, "groups");
	ord = w_sorted_array(w, "groups", iam->groups, iam->ngroups, sizeof(*iam->groups),
	    offsetof(struct snap_group, arn));
	for (size_t k = 0; ord != NULL && k < iam->ngroups && !w->failed; k++) {
		const struct snap_group *g = &iam->groups[ord[k]];

		o2 = path_idx(&w->path, k);
		w_item(w);
		w_open(w, '{');
		w_kstr(w, "arn", g->arn, false);
		w_kstr(w, "name", g->name, false);
		w_kstr(w, "id", g->id, true);
		w_kstr(w, "path", g->path, true);
		w_inline(w, g->inline_policies, g->ninline);
		w_strv(w, "attached", g->attached, g->nattached);
		w_close(w, '}');
		path_pop(&w->path, o2);
	}
	free(ord);
	w_close(w, ']');
	path_pop(&w->path, old);

	old = path_key(&w->path, "roles");
	ord = w_sorted_array(w, "roles", iam->roles, iam->nroles, sizeof(*iam->roles),
	    offsetof(struct snap_role, arn));
	for (size_t k = 0; ord != NULL && k < iam->nroles && !w->failed; k++) {
		const struct snap_role *r = &iam->roles[ord[k]];

		o2 = path_idx(&w->path, k);
		w_item(w);
		w_open(w, '{');
		w_kstr(w, "arn", r->arn, false);
		w_kstr(w, "name", r->name, false);
		w_kstr(w, "id", r->id, true);
		w_kstr(w, "path", r->path, true);
		w_kstr(w, "trust_policy", r->trust_policy, true);
		w_inline(w, r->inline_policies, r->ninline);
		w_strv(w, "attached", r->attached, r->nattached);
		w_kstr(w, "boundary_arn", r->boundary_arn, true);
		w_tags(w, r->tags, r->ntags);
		w_strv(w, "instance_profiles", r->instance_profiles, r->ninstance_profiles);
		w_kstr(w, "last_used", r->last_used, true);
		w_kstr(w, "last_used_region", r->last_used_region, true);
		w_kbool(w, "service_linked", r->service_linked);
		w_close(w, '}');
		path_pop(&w->path, o2);
	}
	free(ord);
	w_close(w, ']');
	path_pop(&w->path, old);

	old = path_key(&w->path, "policies");
	ord = w_sorted_array(w, "policies", iam->policies, iam->npolicies,
	    sizeof(*iam->policies), offsetof(struct snap_managed_policy, arn));
	for (size_t k = 0; ord != NULL && k < iam->npolicies && !w->failed; k++) {
		const struct snap_managed_policy *m = &iam->policies[ord[k]];

		o2 = path_idx(&w->path, k);
		w_item(w);
		w_open(w, '{');
		w_kstr(w, "arn", m->arn, false);
		w_kstr(w, "name", m->name, true);
		w_kstr(w, "id", m->id, true);
		w_kstr(w, "path", m->path, true);
		w_kstr(w, "default_version", m->default_version, true);
		w_kstr(w, "document", m->document, true);
		w_kbool(w, "aws_managed", m->aws_managed);
		w_kint(w, "attachment_count", m->attachment_count);
		w_close(w, '}');
		path_pop(&w->path, o2);
	}
	free(ord);
	w_close(w, ']');
	path_pop(&w->path, old);
}

static void
w_regions(struct w *w, const struct snap_account *a)
{
	size_t old = path_key(&w->path, "regions");
	size_t *ord = w_sorted_array(w, "regions", a->regions, a->nregions,
	    sizeof(*a->regions), offsetof(struct snap_region, name));

	for (size_t k = 0; ord != NULL && k < a->nregions && !w->failed; k++) {
		const struct snap_region *r = &a->regions[ord[k]];
		size_t o2 = path_idx(&w->path, k), o3;
		size_t *eord;

		w_item(w);
		w_open(w, '{');
		w_kstr(w, "name", r->name, false);
		w_part(w, &r->part);
		o3 = path_key(&w->path, "endpoints");
		eord = w_sorted_array(w, "endpoints", r->endpoints, r->nendpoints,
		    sizeof(*r->endpoints), offsetof(struct snap_endpoint, id));
		for (size_t j = 0; eord != NULL && j < r->nendpoints && !w->failed; j++) {
			const struct snap_endpoint *ep = &r->endpoints[eord[j]];
			size_t o4 = path_idx(&w->path, j);

			w_item(w);
			w_open(w, '{');
			w_kstr(w, "id", ep->id, false);
			w_kstr(w, "type", ep->type, true);
			w_kstr(w, "service_name", ep->service_name, true);
			w_kstr(w, "vpc_id", ep->vpc_id, true);
			w_kstr(w, "state", ep->state, true);
			w_kstr(w, "policy", ep->policy, true);
			w_close(w, '}');
			path_pop(&w->path, o4);
		}
		free(eord);
		w_close(w, ']');
		path_pop(&w->path, o3);
		w_close(w, '}');
		path_pop(&w->path, o2);
	}
	free(ord);
	w_close(w, ']');
	path_pop(&w->path, old);
}

static void
w_org(struct w *w, const struct snap_org *o)
{
	size_t old = path_key(&w->path, "org"), o2, *ord;

	w_key(w, "org");
	w_open(w, '{');
	if ((unsigned)o->mode >= sizeof(org_modes) / sizeof(org_modes[0])) {
		err_set(w->e, "org.mode: invalid value %d in the snapshot", (int)o->mode);
		w->failed = true;
	} else {
		w_kstr(w, "mode", org_modes[o->mode], false);
	}
	w_part(w, &o->part);
	w_kstr(w, "id", o->id, true);
	w_kstr(w, "management_account", o->management_account, true);
	w_kstr(w, "root_id", o->root_id, true);
	w_kbool(w, "scp_enabled", o->scp_enabled);
	w_kbool(w, "rcp_enabled", o->rcp_enabled);

	o2 = path_key(&w->path, "ous");
	ord = w_sorted_array(w, "ous", o->ous, o->nous, sizeof(*o->ous),
	    offsetof(struct snap_ou, id));
	for (size_t k = 0; ord != NULL && k < o->nous && !w->failed; k++) {
		const struct snap_ou *ou = &o->ous[ord[k]];
		size_t o3 = path_idx(&w->path, k);

		w_item(w);
		w_open(w, '{');
		w_kstr(w, "id", ou->id, false);
		w_kstr(w, "name", ou->name, true);
		w_kstr(w, "parent_id", ou->parent_id, false);
		w_close(w, '}');
		path_pop(&w->path, o3);
	}
	free(ord);
	w_close(w, ']');
	path_pop(&w->path, o2);

	o2 = path_key(&w->path, "policies");
	ord = w_sorted_array(w, "policies", o->policies, o->npolicies, sizeof(*o->policies),
	    offsetof(struct snap_org_policy, id));
	for (size_t k = 0; ord != NULL && k < o->npolicies && !w->failed; k++) {
		const struct snap_org_policy *p = &o->policies[ord[k]];
		size_t o3 = path_idx(&w->path, k);

		w_item(w);
		w_open(w, '{');
		w_kstr(w, "id", p->id, false);
		w_kstr(w, "arn", p->arn, true);
		w_kstr(w, "name", p->name, true);
		if ((unsigned)p->type >= sizeof(org_policy_types) / sizeof(org_policy_types[0])) {
			err_set(w->e, "%s.type: invalid value %d in the snapshot",
			    path_str(&w->path), (int)p->type);
			w->failed = true;
		} else {
			w_kstr(w, "type", org_policy_types[p->type], false);
		}
		w_kbool(w, "aws_managed", p->aws_managed);
		w_kstr(w, "content", p->content, true);
		w_strv(w, "targets", p->targets, p->ntargets);
		w_close(w, '}');
		path_pop(&w->path, o3);
	}
	free(ord);
	w_close(w, ']');
	path_pop(&w->path, o2);

	w_close(w, '}');
	path_pop(&w->path, old);
}

/* Everything before the accounts' elements, "accounts": [ included. */
static void
w_head(struct w *w, const struct snapshot *s, const char *when)
{
	w_open(w, '{');
	/* Always the version this code writes: the model's field says what
	 * was read, but the text below is version SNAPSHOT_FORMAT_VERSION. */
	w_kint(w, "format_version", SNAPSHOT_FORMAT_VERSION);
	w_kstr(w, "taken_at", when, false);
	w_kstr(w, "partition", s->partition, true);
	w_kstr(w, "source", s->source, true);
	w_org(w, &s->org);
}

/* One element of "accounts" (the caller has pushed its index). */
static void
w_account(struct w *w, const struct snap_account *a)
{
	size_t o3;

	w_item(w);
	w_open(w, '{');
	w->compact = true;
	w_kstr(w, "id", a->id, false);
	w_kstr(w, "name", a->name, true);
	w_kstr(w, "email", a->email, true);
	w_kstr(w, "status", a->status, true);
	w_kstr(w, "parent_id", a->parent_id, true);
	w_kbool(w, "is_management", a->is_management);
	w_key(w, "access");
	w_open(w, '{');
	o3 = path_key(&w->path, "access");
	w_part(w, &a->access);
	path_pop(&w->path, o3);
	w_close(w, '}');
	w_key(w, "iam");
	w_open(w, '{');
	o3 = path_key(&w->path, "iam");
	w_iam(w, &a->iam);
	path_pop(&w->path, o3);
	w_close(w, '}');
	w_regions(w, a);
	w_close(w, '}');
	w->compact = false;
}

static int
w_snapshot(struct w *w, const struct snapshot *s)
{
	char when[32];
	size_t old, *ord;

	if (time_format(s->taken_at, when) != 0) {
		err_set(w->e, "taken_at: %lld is outside the years 0000-9999",
		    (long long)s->taken_at);
		return -1;
	}
	w_head(w, s, when);
	old = path_key(&w->path, "accounts");
	ord = w_sorted_array(w, "accounts", s->accounts, s->naccounts, sizeof(*s->accounts),
	    offsetof(struct snap_account, id));
	for (size_t k = 0; ord != NULL && k < s->naccounts && !w->failed; k++) {
		size_t o2 = path_idx(&w->path, k);

		w_account(w, &s->accounts[ord[k]]);
		path_pop(&w->path, o2);
	}
	free(ord);
	w_close(w, ']');
	path_pop(&w->path, old);
	w_close(w, '}');
	w_raw(w, "\n", 1);
	return w->failed ? -1 : 0;
}

int
snapjson_write(const struct snapshot *s, struct buf *out, struct err *e)
{
	struct w w;

	memset(&w, 0, sizeof(w));
	w.out = out;
	w.e = e;
	return w_snapshot(&w, s);
}

int
snapjson_fwrite(const struct snapshot *s, FILE *f, struct err *e)
{
	struct w w;

	memset(&w, 0, sizeof(w));
	w.f = f;
	w.e = e;
	if (w_snapshot(&w, s) != 0)
		return -1;
	if (fflush(f) != 0 || ferror(f)) {
		err_set(e, "snapshot JSON: write failed: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* -------------------------------------------------------------- reader */

struct rd {
	struct err *e;
	struct jpath path;
	bool failed;
};

static void
rd_fail(struct rd *r, const char *fmt, const char *arg)
{
	char what[256];

	if (r->failed)
		return;
	/* fmt is one of this file's literals with at most one %s. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(what, sizeof(what), fmt, arg != NULL ? arg : "");
#pragma GCC diagnostic pop
	err_set(r->e, "%s: %s", path_str(&r->path), what);
	r->failed = true;
}

/* The member key of obj, NULL when absent; a key present twice is an
 * error (which of the two was meant cannot be told). */
static const cJSON *
rd_member(struct rd *r, const cJSON *obj, const char *key)
{
	const cJSON *found = NULL;

	for (const cJSON *c = obj->child; c != NULL; c = c->next) {
		if (c->string == NULL || strcmp(c->string, key) != 0)
			continue;
		if (found != NULL) {
			size_t old = path_key(&r->path, key);

			rd_fail(r, "duplicate member", NULL);
			path_pop(&r->path, old);
			return NULL;
		}
		found = c;
	}
	return found;
}

/* Look up key in obj, push it on the path; the caller pops. Returns the
 * value, or NULL when absent (after reporting "missing" if required). */
static const cJSON *
rd_get(struct rd *r, const cJSON *obj, const char *key, bool required, size_t *old)
{
	const cJSON *v = rd_member(r, obj, key);

	*old = path_key(&r->path, key);
	if (v == NULL && required)
		rd_fail(r, "missing", NULL);
	return v;
}

static int
rd_str(struct rd *r, const cJSON *obj, const char *key, bool nullable, char **out)
{
	size_t old;
	const cJSON *v = rd_get(r, obj, key, !nullable, &old);

	if (r->failed)
		goto out;
	if (v == NULL || (nullable && cJSON_IsNull(v)))
		goto out;
	if (!cJSON_IsString(v) || v->valuestring == NULL) {
		rd_fail(r, nullable ? "expected a string or null, got %s" : "expected a string, got %s",
		    jsonutil_type(v));
		goto out;
	}
	*out = strdup(v->valuestring);
	if (*out == NULL)
		rd_fail(r, "out of memory", NULL);
out:
	path_pop(&r->path, old);
	return r->failed ? -1 : 0;
}

static int
rd_bool(struct rd *r, const cJSON *obj, const char *key, bool *out)
{
	size_t old;
	const cJSON *v = rd_get(r, obj, key, true, &old);

	if (!r->failed && !cJSON_IsBool(v))
		rd_fail(r, "expected true or false, got %s", jsonutil_type(v));
	if (!r->failed)
		*out = cJSON_IsTrue(v);
	path_pop(&r->path, old);
	return r->failed ? -1 : 0;
}

static int
rd_int(struct rd *r, const cJSON *obj, const char *key, long long min, long long max,
    long long *out)
{
	size_t old;
	const cJSON *v = rd_get(r, obj, key, true, &old);

	if (r->failed)
		goto out;
	if (!cJSON_IsNumber(v)) {
		rd_fail(r, "expected an integer, got %s", jsonutil_type(v));
		goto out;
	}
	/* NaN fails both comparisons; fractions fail the round trip. */
	if (!(v->valuedouble >= (double)min && v->valuedouble <= (double)max) ||
	    (double)(long long)v->valuedouble != v->valuedouble) {
		char range[96];

		snprintf(range, sizeof(range), "%lld to %lld", min, max);
		rd_fail(r, "expected an integer from %s", range);
		goto out;
	}
	*out = (long long)v->valuedouble;
out:
	path_pop(&r->path, old);
	return r->failed ? -1 : 0;
}

/* A required member of the given cJSON type (cJSON_Array / cJSON_Object). */
static const cJSON *
rd_typed(struct rd *r, const cJSON *obj, const char *key, int type, size_t *old)
{
	const cJSON *v = rd_get(r, obj, key, true, old);

	if (r->failed)
		return NULL;
	if ((v->type & 0xff) != type) {
		rd_fail(r, type == cJSON_Array ? "expected an array, got %s" :
		    "expected an object, got %s", jsonutil_type(v));
		return NULL;
	}
	return v;
}

/* Push the next element on the model array (owned by it from now on, so a
 * later failure is cleaned up by the owner's clear function). */
static void *
rd_push(struct rd *r, void **arr, size_t *n, size_t elsize)
{
	void *p;

	if (r->failed)
		return NULL;
	p = snap_push(arr, n, elsize, NULL);
	if (p == NULL)
		rd_fail(r, "out of memory", NULL);
	return p;
}

/* Iterate the elements of an array value, checking each is an object. */
#define RD_EACH_OBJECT(r, arr, el, i, old)					\
	for (const cJSON *el = (arr) != NULL ? (arr)->child : NULL; el != NULL && !(r)->failed; \
	    el = el->next, path_pop(&(r)->path, old), (i)++)			\
		if ((old = path_idx(&(r)->path, (i))), !cJSON_IsObject(el)) {	\
			rd_fail((r), "expected an object, got %s", jsonutil_type(el)); \
		} else

static int
rd_strv(struct rd *r, const cJSON *obj, const char *key, char ***v, size_t *n)
{
	size_t old, i = 0;
	const cJSON *arr = rd_typed(r, obj, key, cJSON_Array, &old);

	for (const cJSON *el = arr != NULL ? arr->child : NULL; el != NULL && !r->failed;
	    el = el->next, i++) {
		size_t o2 = path_idx(&r->path, i);
		char **slot;

		if (!cJSON_IsString(el) || el->valuestring == NULL) {
			rd_fail(r, "expected a string, got %s", jsonutil_type(el));
		} else if ((slot = rd_push(r, (void **)v, n, sizeof(**v))) != NULL) {
			*slot = strdup(el->valuestring);
			if (*slot == NULL)
				rd_fail(r, "out of memory", NULL);
		}
		path_pop(&r->path, o2);
	}
	path_pop(&r->path, old);
	return r->failed ? -1 : 0;
}

static int
rd_part(struct rd *r, const cJSON *obj, struct snap_part *p)
{
	bool complete = false;
	char *why = NULL;

	if (rd_bool(r, obj, "complete", &complete) != 0 || rd_str(r, obj, "why", true, &why) != 0)
		goto out;
	if (complete && why != NULL) {
		size_t old = path_key(&r->path, "why");

		rd_fail(r, "a complete part has no reason", NULL);
		path_pop(&r->path, old);
		goto out;
	}
	free(p->why);
	p->complete = complete;
	p->why = why;
	why = NULL;
out:
	free(why);
	return r->failed ? -1 : 0;
}

static void
rd_inline(struct rd *r, const cJSON *obj, struct snap_inline_policy **v, size_t *n)
{
	size_t old, o2, i = 0;
	const cJSON *arr = rd_typed(r, obj, "inline_policies", cJSON_Array, &old);

	RD_EACH_OBJECT(r, arr, el, i, o2) {
		struct snap_inline_policy *p = rd_push(r, (void **)v, n, sizeof(*p));

		if (p == NULL)
			continue;
		rd_str(r, el, "name", false, &p->name);
		rd_str(r, el, "document", false, &p->document);
	}
	path_pop(&r->path, old);
}

static void
rd_tags(struct rd *r, const cJSON *obj, struct snap_tag **v, size_t *n)
{
	size_t old, o2, i = 0;
	const cJSON *arr = rd_typed(r, obj, "tags", cJSON_Array, &old);

	RD_EACH_OBJECT(r, arr, el, i, o2) {
		struct snap_tag *t = rd_push(r, (void **)v, n, sizeof(*t));

		if (t == NULL)
			continue;
		rd_str(r, el, "key", false, &t->key);
		rd_str(r, el, "value", false, &t->value);
	}
	path_pop(&r->path, old);
}

static void
rd_iam(struct rd *r, const cJSON *obj, struct snap_iam *iam)
{
	size_t old, o2, i;
	const cJSON *arr;

	rd_part(r, obj, &iam->part);

	i = 0;
	arr = rd_typed(r, obj, "users", cJSON_Array, &old);
	RD_EACH_OBJECT(r, arr, el, i, o2) {
		struct snap_user *u = rd_push(r, (void **)&iam->users, &iam->nusers, sizeof(*u));

		if (u == NULL)
			continue;
		rd_str(r, el, "arn", false, &u->arn);
		rd_str(r, el, "name", false, &u->name);
		rd_str(r, el, "id", true, &u->id);
		rd_str(r, el, "path", true, &u->path);
		rd_strv(r, el, "groups", &u->groups, &u->ngroups);
		rd_inline(r, el, &u->inline_policies, &u->ninline);
		rd_strv(r, el, "attached", &u->attached, &u->nattached);
		rd_str(r, el, "boundary_arn", true, &u->boundary_arn);
		rd_tags(r, el, &u->tags, &u->ntags);
	}
	path_pop(&r->path, old);

	i = 0;
	arr = rd_typed(r, obj, "groups", cJSON_Array, &old);
	RD_EACH_OBJECT(r, arr, el, i, o2) {
		struct snap_group *g = rd_push(r, (void **)&iam->groups, &iam->ngroups, sizeof(*g));

		if (g == NULL)
			continue;
		rd_str(r, el, "arn", false, &g->arn);
		rd_str(r, el, "name", false, &g->name);
		rd_str(r, el, "id", true, &g->id);
		rd_str(r, el, "path", true, &g->path);
		rd_inline(r, el, &g->inline_policies, &g->ninline);
		rd_strv(r, el, "attached", &g->attached, &g->nattached);
	}
	path_pop(&r->path, old);

	i = 0;
	arr = rd_typed(r, obj, "roles", cJSON_Array, &old);
	RD_EACH_OBJECT(r, arr, el, i, o2) {
		struct snap_role *ro = rd_push(r, (void **)&iam->roles, &iam->nroles, sizeof(*ro));

		if (ro == NULL)
			continue;
		rd_str(r, el, "arn", false, &ro->arn);
		rd_str(r, el, "name", false, &ro->name);
		rd_str(r, el, "id", true, &ro->id);
		rd_str(r, el, "path", true, &ro->path);
		rd_str(r, el, "trust_policy", true, &ro->trust_policy);
		rd_inline(r, el, &ro->inline_policies, &ro->ninline);
		rd_strv(r, el, "attached", &ro->attached, &ro->nattached);
		rd_str(r, el, "boundary_arn", true, &ro->boundary_arn);
		rd_tags(r, el, &ro->tags, &ro->ntags);
		rd_strv(r, el, "instance_profiles", &ro->instance_profiles,
		    &ro->ninstance_profiles);
		rd_str(r, el, "last_used", true, &ro->last_used);
		rd_str(r, el, "last_used_region", true, &ro->last_used_region);
		rd_bool(r, el, "service_linked", &ro->service_linked);
	}
	path_pop(&r->path, old);

	i = 0;
	arr = rd_typed(r, obj, "policies", cJSON_Array, &old);
	RD_EACH_OBJECT(r, arr, el, i, o2) {
		struct snap_managed_policy *m = rd_push(r, (void **)&iam->policies,
		    &iam->npolicies, sizeof(*m));
		long long count = 0;

		if (m == NULL)
			continue;
		rd_str(r, el, "arn", false, &m->arn);
		rd_str(r, el, "name", true, &m->name);
		rd_str(r, el, "id", true, &m->id);
		rd_str(r, el, "path", true, &m->path);
		rd_str(r, el, "default_version", true, &m->default_version);
		rd_str(r, el, "document", true, &m->document);
		rd_bool(r, el, "aws_managed", &m->aws_managed);
		if (rd_int(r, el, "attachment_count", 0, INT_MAX, &count) == 0)
			m->attachment_count = (int)count;
	}
	path_pop(&r->path, old);
}

static void
rd_regions(struct rd *r, const cJSON *obj, struct snap_account *a)
{
	size_t old, o2, i = 0;
	const cJSON *arr = rd_typed(r, obj, "regions", cJSON_Array, &old);

	RD_EACH_OBJECT(r, arr, el, i, o2) {
		struct snap_region *rg = rd_push(r, (void **)&a->regions, &a->nregions,
		    sizeof(*rg));
		size_t o3, o4, j = 0;
		const cJSON *eps;

		if (rg == NULL)
			continue;
		rd_str(r, el, "name", false, &rg->name);
		rd_part(r, el, &rg->part);
		eps = rd_typed(r, el, "endpoints", cJSON_Array, &o3);
		RD_EACH_OBJECT(r, eps, ep_el, j, o4) {
			struct snap_endpoint *ep = rd_push(r, (void **)&rg->endpoints,
			    &rg->nendpoints, sizeof(*ep));

			if (ep == NULL)
				continue;
			rd_str(r, ep_el, "id", false, &ep->id);
			rd_str(r, ep_el, "type", true, &ep->type);
			rd_str(r, ep_el, "service_name", true, &ep->service_name);
			rd_str(r, ep_el, "vpc_id", true, &ep->vpc_id);
			rd_str(r, ep_el, "state", true, &ep->state);
			rd_str(r, ep_el, "policy", true, &ep->policy);
		}
		path_pop(&r->path, o3);
	}
	path_pop(&r->path, old);
}

static int
rd_enum(struct rd *r, const cJSON *obj, const char *key, const char *const *names,
    size_t nnames, int *out)
{
	char *v = NULL;

	if (rd_str(r, obj, key, false, &v) != 0)
		return -1;
	for (size_t i = 0; i < nnames; i++)
		if (strcmp(v, names[i]) == 0) {
			*out = (int)i;
			free(v);
			return 0;
		}
	{
		size_t old = path_key(&r->path, key);
		char list[160] = "";

		for (size_t i = 0; i < nnames; i++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s\"%s\"",
			    i == 0 ? "" : i + 1 == nnames ? " or " : ", ", names[i]);
		rd_fail(r, "expected %s", list);
		path_pop(&r->path, old);
	}
	free(v);
	return -1;
}

static void
rd_org(struct rd *r, const cJSON *root, struct snap_org *o)
{
	size_t old, o2, o3, i;
	const cJSON *obj = rd_typed(r, root, "org", cJSON_Object, &old);
	const cJSON *arr;
	int mode = 0;

	if (obj == NULL)
		goto out;
	if (rd_enum(r, obj, "mode", org_modes, 3, &mode) == 0)
		o->mode = (enum snap_org_mode)mode;
	rd_part(r, obj, &o->part);
	rd_str(r, obj, "id", true, &o->id);
	rd_str(r, obj, "management_account", true, &o->management_account);
	rd_str(r, obj, "root_id", true, &o->root_id);
	rd_bool(r, obj, "scp_enabled", &o->scp_enabled);
	rd_bool(r, obj, "rcp_enabled", &o->rcp_enabled);

	i = 0;
	arr = rd_typed(r, obj, "ous", cJSON_Array, &o2);
	RD_EACH_OBJECT(r, arr, el, i, o3) {
		struct snap_ou *ou = rd_push(r, (void **)&o->ous, &o->nous, sizeof(*ou));

		if (ou == NULL)
			continue;
		rd_str(r, el, "id", false, &ou->id);
		rd_str(r, el, "name", true, &ou->name);
		rd_str(r, el, "parent_id", false, &ou->parent_id);
	}
	path_pop(&r->path, o2);

	i = 0;
	arr = rd_typed(r, obj, "policies", cJSON_Array, &o2);
	RD_EACH_OBJECT(r, arr, el, i, o3) {
		struct snap_org_policy *p = rd_push(r, (void **)&o->policies, &o->npolicies,
		    sizeof(*p));
		int type = 0;

		if (p == NULL)
			continue;
		rd_str(r, el, "id", false, &p->id);
		rd_str(r, el, "arn", true, &p->arn);
		rd_str(r, el, "name", true, &p->name);
		if (rd_enum(r, el, "type", org_policy_types, 2, &type) == 0)
			p->type = (enum snap_org_policy_type)type;
		rd_bool(r, el, "aws_managed", &p->aws_managed);
		rd_str(r, el, "content", true, &p->content);
		rd_strv(r, el, "targets", &p->targets, &p->ntargets);
	}
	path_pop(&r->path, o2);
out:
	path_pop(&r->path, old);
}

static void
rd_account(struct rd *r, const cJSON *el, struct snap_account *a)
{
	size_t old;
	const cJSON *obj;

	rd_str(r, el, "id", false, &a->id);
	rd_str(r, el, "name", true, &a->name);
	rd_str(r, el, "email", true, &a->email);
	rd_str(r, el, "status", true, &a->status);
	rd_str(r, el, "parent_id", true, &a->parent_id);
	rd_bool(r, el, "is_management", &a->is_management);
	obj = rd_typed(r, el, "access", cJSON_Object, &old);
	if (obj != NULL)
		rd_part(r, obj, &a->access);
	path_pop(&r->path, old);
	obj = rd_typed(r, el, "iam", cJSON_Object, &old);
	if (obj != NULL)
		rd_iam(r, obj, &a->iam);
	path_pop(&r->path, old);
	rd_regions(r, el, a);
}

/* Two accounts with one id would make snapshot_find_account answer for
 * only one of them. */
static void
rd_unique_accounts(struct rd *r, const struct snapshot *s)
{
	struct okey *k;

	if (s->naccounts < 2)
		return;
	k = calloc(s->naccounts, sizeof(*k));
	if (k == NULL) {
		rd_fail(r, "out of memory", NULL);
		return;
	}
	for (size_t i = 0; i < s->naccounts; i++)
		k[i].key = s->accounts[i].id, k[i].idx = i;
	qsort(k, s->naccounts, sizeof(*k), okey_cmp);
	for (size_t i = 1; i < s->naccounts; i++)
		if (strcmp(k[i].key, k[i - 1].key) == 0) {
			err_set(r->e, "accounts[%zu].id: %s also appears at accounts[%zu]",
			    k[i].idx, k[i].key, k[i - 1].idx);
			r->failed = true;
			break;
		}
	free(k);
}

/* Line and column (1-based) of byte offset off, for syntax errors. */
static void
text_position(const char *text, size_t len, size_t off, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (text[i] == '\n')
			(*line)++, *col = 1;
		else
			(*col)++;
	}
}

int
snapjson_read_head(const cJSON *root, struct snapshot **out, struct err *e)
{
	struct rd rd, *r = &rd;
	struct snapshot *s = NULL;
	long long version = 0;
	char *when = NULL;

	*out = NULL;
	memset(&rd, 0, sizeof(rd));
	rd.e = e;
	if (!cJSON_IsObject(root)) {
		err_set(e, "snapshot JSON: expected an object at the top level, got %s",
		    jsonutil_type(root));
		goto fail;
	}
	/* The version first: a newer layout may have moved everything else. */
	if (rd_int(r, root, "format_version", 1, INT_MAX, &version) != 0)
		goto fail;
	if (version > SNAPSHOT_FORMAT_VERSION) {
		err_set(e, "format_version: %lld is newer than this program reads (%d); "
		    "the snapshot was written by a newer passrole-auditd", version,
		    SNAPSHOT_FORMAT_VERSION);
		goto fail;
	}
	s = snapshot_new(e);
	if (s == NULL)
		goto fail;
	s->format_version = (int)version;
	if (rd_str(r, root, "taken_at", false, &when) != 0)
		goto fail;
	if (time_parse(when, &s->taken_at) != 0) {
		err_set(e, "taken_at: \"%.40s\" is not a UTC time like 2024-05-20T08:15:30Z", when);
		goto fail;
	}
	rd_str(r, root, "partition", true, &s->partition);
	rd_str(r, root, "source", true, &s->source);
	rd_org(r, root, &s->org);

	if (r->failed)
		goto fail;
	free(when);
	*out = s;
	return 0;
fail:
	free(when);
	snapshot_free(s);
	return -1;
}

int
snapjson_read_account(const cJSON *el, size_t i, struct snap_account *a, struct err *e)
{
	struct rd r;

	memset(&r, 0, sizeof(r));
	r.e = e;
	path_key(&r.path, "accounts");
	path_idx(&r.path, i);
	if (!cJSON_IsObject(el))
		rd_fail(&r, "expected an object, got %s", jsonutil_type(el));
	else
		rd_account(&r, el, a);
	return r.failed ? -1 : 0;
}

int
snapjson_read(const char *text, size_t len, struct snapshot **out, struct err *e)
{
	struct rd r;
	struct snapshot *s = NULL;
	cJSON *root = NULL;
	const char *end = NULL;
	size_t old, o2, i = 0, line, col;
	const char *bad;
	const cJSON *arr;

	*out = NULL;
	memset(&r, 0, sizeof(r));
	r.e = e;
	if ((bad = jsonutil_bad_text(text, len, &i)) != NULL) {
		text_position(text, len, i, &line, &col);
		err_set(e, "snapshot JSON: line %zu, column %zu: %s", line, col, bad);
		return -1;
	}
	root = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (root == NULL) {
		size_t off = end != NULL && end >= text && end <= text + len ?
		    (size_t)(end - text) : len;

		text_position(text, len, off, &line, &col);
		/* cJSON reports running out of text at the last byte, so a
		 * failure there is most likely a cut file. */
		if (off + 1 >= len)
			err_set(e, "snapshot JSON: syntax error at the end of the text "
			    "(line %zu, column %zu): truncated?", line, col);
		else
			err_set(e, "snapshot JSON: syntax error at line %zu, column %zu",
			    line, col);
		goto fail;
	}
	while (end < text + len && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r'))
		end++;
	if (end != text + len) {
		text_position(text, len, (size_t)(end - text), &line, &col);
		err_set(e, "snapshot JSON: unexpected text after the top-level object at line %zu, "
		    "column %zu", line, col);
		goto fail;
	}
	if (snapjson_read_head(root, &s, e) != 0)
		goto fail;
	r.failed = false;
	arr = rd_typed(&r, root, "accounts", cJSON_Array, &old);
	RD_EACH_OBJECT(&r, arr, el, i, o2) {
		struct snap_account a;

		memset(&a, 0, sizeof(a));
		rd_account(&r, el, &a);
		if (r.failed)
			snap_account_clear(&a);
		else if (snapshot_add_account(s, &a, NULL) != 0)
			rd_fail(&r, "out of memory", NULL);
	}
	path_pop(&r.path, old);
	if (!r.failed)
		rd_unique_accounts(&r, s);
	if (r.failed)
		goto fail;
	cJSON_Delete(root);
	*out = s;
	return 0;
fail:
	cJSON_Delete(root);
	snapshot_free(s);
	return -1;
}

int
snapjson_parse_account(const char *text, size_t len, struct snap_account *out,
    struct err *e)
{
	struct rd r;
	cJSON *root = NULL;
	const char *end = NULL;
	size_t i = 0, line, col;
	const char *bad;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	r.e = e;
	if ((bad = jsonutil_bad_text(text, len, &i)) != NULL) {
		text_position(text, len, i, &line, &col);
		err_set(e, "account JSON: line %zu, column %zu: %s", line, col, bad);
		return -1;
	}
	root = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (root == NULL || !cJSON_IsObject(root)) {
		err_set(e, "account JSON: not one account object");
		goto out;
	}
	while (end < text + len && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r'))
		end++;
	if (end != text + len) {
		err_set(e, "account JSON: unexpected text after the account object");
		goto out;
	}
	path_key(&r.path, "account");
	rd_account(&r, root, out);
	if (r.failed) {
		snap_account_clear(out);
		memset(out, 0, sizeof(*out));
		goto out;
	}
	snapshot_sort_account(out);
	rc = 0;
out:
	cJSON_Delete(root);
	return rc;
}

/* ---------------------------------------------------------------- files */

int
snapjson_load(const char *path, size_t max, struct snapshot **out, struct err *e)
{
	struct buf b = BUF_INIT;
	int rc = -1;

	*out = NULL;
	if (max == 0)
		max = SNAPJSON_MAX_DEFAULT;
	if (fileio_read(AT_FDCWD, path, 0, max, &b, e) != 0)
		goto out;
	if (snapjson_read(buf_cstr(&b), b.len, out, e) != 0) {
		err_prefix(e, "%s", path);
		goto out;
	}
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

static int
fill_snapshot(int fd, const void *arg, struct err *e)
{
	FILE *f;
	int dfd, rc;

	/* The stream gets its own descriptor: fclose must not close the one
	 * fileio_save still fsyncs. */
	if ((dfd = dup(fd)) < 0 || (f = fdopen(dfd, "w")) == NULL) {
		err_set(e, "%s", strerror(errno));
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	rc = snapjson_fwrite(arg, f, e);
	if (fclose(f) != 0 && rc == 0) {
		err_set(e, "close: %s", strerror(errno));
		rc = -1;
	}
	return rc;
}

int
snapjson_save(const struct snapshot *s, const char *path, struct err *e)
{
	return fileio_save(path, fill_snapshot, s, e);
}

/* ------------------------------------------------------------ streaming */

/*
 * The writer's state between calls: the same struct w as a whole write,
 * so that the bytes are the same; the accounts' level stays open.
 */
struct snapjson_stream {
	struct w w;
	char *path, *tmp;
	int fd;
	FILE *f;
	long when_at;		/* file offset of taken_at's text, for the end */
	bool head;
	char last[64];		/* the previous account id: order is checked */
};

int
snapjson_account_text(const struct snap_account *a, struct buf *out, struct err *e)
{
	struct w w;

	memset(&w, 0, sizeof(w));
	w.out = out;
	w.e = e;
	/* At the depth of "accounts" elements, so that the text is the bytes
	 * a whole write gives (and the fingerprint of an account does not
	 * depend on how it was written). */
	w.depth = 2;
	w.first[2] = true;
	path_key(&w.path, "accounts");
	w_account(&w, a);
	return w.failed ? -1 : 0;
}

void
snapjson_stream_abort(struct snapjson_stream *st)
{
	if (st == NULL)
		return;
	if (st->f != NULL)
		fclose(st->f);
	if (st->tmp != NULL)
		unlink(st->tmp);
	free(st->path);
	free(st->tmp);
	free(st);
}

struct snapjson_stream *
snapjson_stream_open(const char *path, struct err *e)
{
	struct snapjson_stream *st = calloc(1, sizeof(*st));
	int fd;

	if (st == NULL || (st->path = strdup(path)) == NULL ||
	    asprintf(&st->tmp, "%s.tmp.%ld.stream", path, (long)getpid()) < 0) {
		if (st != NULL)
			st->tmp = NULL;
		err_set(e, "out of memory");
		snapjson_stream_abort(st);
		return NULL;
	}
	/* A leftover of a killed run of this pid is ours to replace. */
	unlink(st->tmp);
	fd = open(st->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || (st->f = fdopen(fd, "w")) == NULL) {
		err_set(e, "%s: cannot create: %s", st->tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(st->tmp);
		st->tmp = NULL;
		snapjson_stream_abort(st);
		return NULL;
	}
	st->w.f = st->f;
	return st;
}

/* The head once the shell is known; taken_at is rewritten in place at the
 * end (its text has a fixed width). */
static int
stream_head(struct snapjson_stream *st, const struct snapshot *shell, struct err *e)
{
	char when[32];

	st->w.e = e;
	if (time_format(shell->taken_at, when) != 0) {
		err_set(e, "taken_at: %lld is outside the years 0000-9999",
		    (long long)shell->taken_at);
		return -1;
	}
	w_open(&st->w, '{');
	w_kint(&st->w, "format_version", SNAPSHOT_FORMAT_VERSION);
	w_key(&st->w, "taken_at");
	if (fflush(st->f) != 0 || (st->when_at = ftell(st->f)) < 0) {
		err_set(e, "%s: write failed: %s", st->tmp, strerror(errno));
		return -1;
	}
	w_string(&st->w, when);
	w_kstr(&st->w, "partition", shell->partition, true);
	w_kstr(&st->w, "source", shell->source, true);
	w_org(&st->w, &shell->org);
	w_key(&st->w, "accounts");
	w_open(&st->w, '[');
	path_key(&st->w.path, "accounts");
	st->head = true;
	return st->w.failed ? -1 : 0;
}

int
snapjson_stream_account(struct snapjson_stream *st, const struct snapshot *shell,
    const struct snap_account *a, const char *text, size_t len, struct err *e)
{
	st->w.e = e;
	if (!st->head && stream_head(st, shell, e) != 0)
		return -1;
	if (a->id == NULL || strcmp(a->id, st->last) <= 0) {
		err_set(e, "internal error: snapshot accounts out of order (%s)",
		    a->id != NULL ? a->id : "no id");
		return -1;
	}
	snprintf(st->last, sizeof(st->last), "%s", a->id);
	if (text != NULL) {
		/* The caller's snapjson_account_text: the same bytes w_account
		 * would write here. */
		if (!st->w.first[st->w.depth])
			w_raw(&st->w, ",", 1);
		st->w.first[st->w.depth] = false;
		w_raw(&st->w, text, len);
	} else {
		w_account(&st->w, a);
	}
	return st->w.failed ? -1 : 0;
}

int
snapjson_stream_commit(struct snapjson_stream *st, const struct snapshot *shell,
    struct err *e)
{
	char when[32], *dir = NULL, *slash;
	unsigned long hook = 0;
	int fd, rc = -1;

	st->w.e = e;
	if (!st->head && stream_head(st, shell, e) != 0)
		goto out;
	/* Traced as one save from here (see fileio_hook_begin). */
	hook = fileio_hook_begin("snapshot.json");
	fileio_hook_step(hook, "created", "snapshot.json");
	w_close(&st->w, ']');
	w_close(&st->w, '}');
	w_raw(&st->w, "\n", 1);
	if (st->w.failed)
		goto out;
	if (time_format(shell->taken_at, when) != 0) {
		err_set(e, "taken_at: %lld is outside the years 0000-9999",
		    (long long)shell->taken_at);
		goto out;
	}
	if (fflush(st->f) != 0 || fseek(st->f, st->when_at, SEEK_SET) != 0 ||
	    fprintf(st->f, "\"%s\"", when) < 0 || fflush(st->f) != 0) {
		err_set(e, "%s: write failed: %s", st->tmp, strerror(errno));
		goto out;
	}
	fileio_hook_step(hook, "written", "snapshot.json");
	if (fsync(fileno(st->f)) != 0) {
		err_set(e, "%s: write failed: %s", st->tmp, strerror(errno));
		goto out;
	}
	if (fclose(st->f) != 0) {
		st->f = NULL;
		err_set(e, "%s: write failed: %s", st->tmp, strerror(errno));
		goto out;
	}
	st->f = NULL;
	fileio_hook_step(hook, "synced", "snapshot.json");
	if (rename(st->tmp, st->path) != 0) {
		err_set(e, "%s: cannot rename to %s: %s", st->tmp, st->path, strerror(errno));
		goto out;
	}
	fileio_hook_step(hook, "renamed", "snapshot.json");
	free(st->tmp);
	st->tmp = NULL;
	if ((dir = strdup(st->path)) == NULL) {
		err_set(e, "out of memory");
		goto out;
	}
	slash = strrchr(dir, '/');
	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0) {
		err_set(e, "%s: fsync: %s", dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	close(fd);
	fileio_hook_step(hook, "done", "snapshot.json");
	rc = 0;
out:
	free(dir);
	snapjson_stream_abort(st);
	return rc;
}
