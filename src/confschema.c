#include "config.h"

#include "confschema.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/secret.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const type_names[] = {
	[CONFSCHEMA_GROUP] = "group",
	[CONFSCHEMA_STRING] = "string",
	[CONFSCHEMA_INT] = "int",
	[CONFSCHEMA_BOOL] = "bool",
	[CONFSCHEMA_ENUM] = "enum",
	[CONFSCHEMA_STRLIST] = "list of strings",
	[CONFSCHEMA_GROUPLIST] = "list of groups",
};

const char *
confschema_type_name(enum confschema_type t)
{
	if ((size_t)t >= sizeof(type_names) / sizeof(type_names[0]))
		return "unknown";
	return type_names[t];
}

/* ---- problems ---------------------------------------------------------- */

void
confdiag_add(struct confdiag *d, const char *file, unsigned line,
    const char *path, const char *fmt, ...)
{
	char what[512], msg[1024];
	char loc[CONFSCHEMA_PATH_MAX + 32];
	va_list ap;
	char **grown;
	size_t cap;

	if (d == NULL)
		return;
	if (d->n >= CONFSCHEMA_DIAG_MAX) {
		d->dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(loc, sizeof(loc), "%u:", line);
	else
		loc[0] = '\0';
	snprintf(msg, sizeof(msg), "%s:%s %s%s%s", file != NULL ? file : "<config>",
	    loc, path != NULL ? path : "", path != NULL ? ": " : "", what);

	if (d->n == d->cap) {
		cap = d->cap == 0 ? 8 : d->cap * 2;
		grown = realloc(d->msgs, cap * sizeof(*grown));
		if (grown == NULL) {
			d->dropped++;
			return;
		}
		d->msgs = grown;
		d->cap = cap;
	}
	if ((d->msgs[d->n] = strdup(msg)) == NULL) {
		d->dropped++;
		return;
	}
	d->n++;
}

size_t
confdiag_count(const struct confdiag *d)
{
	return d == NULL ? 0 : d->n + d->dropped;
}

void
confdiag_free(struct confdiag *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++)
		free(d->msgs[i]);
	free(d->msgs);
	d->msgs = NULL;
	d->n = d->cap = d->dropped = 0;
}

/* ---- lookups and suggestions ------------------------------------------- */

const struct confschema_entry *
confschema_find(const struct confschema *s, const char *path)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->entries[i].path, path) == 0)
			return &s->entries[i];
	return NULL;
}

size_t
confschema_edit_distance(const char *a, const char *b, size_t limit)
{
	/* Setting names are short; anything longer than this is not a typo
	 * of one, and the fixed rows keep this free of allocation. */
	enum { MAXLEN = 64 };
	size_t prev[MAXLEN + 1], cur[MAXLEN + 1];
	size_t la = strlen(a), lb = strlen(b), i, j, best;

	if (la > MAXLEN || lb > MAXLEN)
		return limit + 1;
	if ((la > lb ? la - lb : lb - la) > limit)
		return limit + 1;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		best = cur[0];
		for (j = 1; j <= lb; j++) {
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);

			cur[j] = del < ins ? del : ins;
			if (sub < cur[j])
				cur[j] = sub;
			if (cur[j] < best)
				best = cur[j];
		}
		if (best > limit)
			return limit + 1;
		memcpy(prev, cur, (lb + 1) * sizeof(prev[0]));
	}
	return prev[lb] > limit ? limit + 1 : prev[lb];
}

/* Length of the parent part of a dotted path ("a.b.c" -> 3, "a" -> 0). */
static size_t
parent_len(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot == NULL ? 0 : (size_t)(dot - path);
}

static const char *
last_name(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot == NULL ? path : dot + 1;
}

const struct confschema_entry *
confschema_suggest(const struct confschema *s, const char *path)
{
	const struct confschema_entry *best = NULL;
	size_t plen = parent_len(path), i, d, bestd = SIZE_MAX;
	const char *name = last_name(path);

	for (i = 0; i < s->n; i++) {
		const char *cand = s->entries[i].path;

		if (parent_len(cand) != plen || strncmp(cand, path, plen) != 0)
			continue;
		if (strcasecmp(last_name(cand), name) == 0)
			return &s->entries[i];
		d = confschema_edit_distance(last_name(cand), name, 2);
		if (d <= 2 && d < bestd) {
			bestd = d;
			best = &s->entries[i];
		}
	}
	if (best != NULL)
		return best;
	/* Right name, wrong group: "region" at the top instead of in aws. */
	for (i = 0; i < s->n; i++)
		if (strcasecmp(last_name(s->entries[i].path), name) == 0)
			return &s->entries[i];
	return NULL;
}

/* ---- fields ------------------------------------------------------------- */

static void *
field(void *base, const struct confschema_entry *en)
{
	return (char *)base + en->offset;
}

static const void *
cfield(const void *base, const struct confschema_entry *en)
{
	return (const char *)base + en->offset;
}

static void
free_string(const struct confschema_entry *en, char **p)
{
	if (en->flags & CONFSCHEMA_SECRET)
		secret_free(*p);
	else
		free(*p);
	*p = NULL;
}

static void
free_strlist(const struct confschema_entry *en, struct confschema_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (en->flags & CONFSCHEMA_SECRET)
			secret_free(l->items[i]);
		else
			free(l->items[i]);
	}
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

static void **
list_field(void *base, const struct confschema_entry *en)
{
	return (void **)field(base, en);
}

static size_t *
count_field(void *base, const struct confschema_entry *en)
{
	return (size_t *)(void *)((char *)base + en->count_offset);
}

/* Free n elements of a list of groups (each freed as its own struct). */
static void
free_elems(const struct confschema_entry *en, void *elems, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		confschema_free(en->sub, (char *)elems + i * en->elem_size);
	free(elems);
}

static void
free_grouplist(const struct confschema_entry *en, void *base)
{
	void **p = list_field(base, en);
	size_t *n = count_field(base, en);

	free_elems(en, *p, *n);
	*p = NULL;
	*n = 0;
}

static int
enum_index(const struct confschema_entry *en, const char *v)
{
	int i;

	for (i = 0; en->values[i] != NULL; i++)
		if (strcmp(en->values[i], v) == 0)
			return i;
	return -1;
}

/* Parse a decimal default; the table is code, but a typo in it must be
 * caught by the self-check rather than become a silent zero. */
static int
parse_ll(const char *s, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return (errno != 0 || end == s || *end != '\0') ? -1 : 0;
}

int
confschema_defaults(const struct confschema *s, void *out, struct err *e)
{
	size_t i;
	long long v;
	int idx;

	for (i = 0; i < s->n; i++) {
		const struct confschema_entry *en = &s->entries[i];

		switch (en->type) {
		case CONFSCHEMA_GROUP:
			break;
		case CONFSCHEMA_STRING: {
			char **p = field(out, en);

			free_string(en, p);
			if (en->def != NULL && (*p = strdup(en->def)) == NULL) {
				err_set(e, "%s: out of memory", en->path);
				return -1;
			}
			break;
		}
		case CONFSCHEMA_INT:
			if (en->def == NULL || parse_ll(en->def, &v) != 0 ||
			    v < en->min || v > en->max) {
				err_set(e, "%s: bad default in the schema", en->path);
				return -1;
			}
			*(int *)field(out, en) = (int)v;
			break;
		case CONFSCHEMA_BOOL:
			if (en->def == NULL ||
			    (strcmp(en->def, "true") != 0 && strcmp(en->def, "false") != 0)) {
				err_set(e, "%s: bad default in the schema", en->path);
				return -1;
			}
			*(bool *)field(out, en) = strcmp(en->def, "true") == 0;
			break;
		case CONFSCHEMA_ENUM:
			if (en->def == NULL || (idx = enum_index(en, en->def)) < 0) {
				err_set(e, "%s: bad default in the schema", en->path);
				return -1;
			}
			*(int *)field(out, en) = idx;
			break;
		case CONFSCHEMA_STRLIST:
			/* Lists default to empty; a table that says otherwise is
			 * asking for something the engine does not do. */
			if (en->def != NULL) {
				err_set(e, "%s: list defaults are not supported", en->path);
				return -1;
			}
			free_strlist(en, field(out, en));
			break;
		case CONFSCHEMA_GROUPLIST:
			if (en->def != NULL) {
				err_set(e, "%s: list defaults are not supported", en->path);
				return -1;
			}
			free_grouplist(en, out);
			break;
		}
	}
	return 0;
}

void
confschema_free(const struct confschema *s, void *out)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		const struct confschema_entry *en = &s->entries[i];

		if (en->type == CONFSCHEMA_STRING)
			free_string(en, field(out, en));
		else if (en->type == CONFSCHEMA_STRLIST)
			free_strlist(en, field(out, en));
		else if (en->type == CONFSCHEMA_GROUPLIST)
			free_grouplist(en, out);
	}
}

/* prefix: "" for the top table, "path.[]." for an element's table, so that
 * a mistake deep in a sub-table is named by its full path. */
static int
selfcheck(const struct confschema *s, const char *prefix, struct err *e)
{
	char why[256], sub[CONFSCHEMA_PATH_MAX];
	size_t i, j, plen;

	for (i = 0; i < s->n; i++) {
		const struct confschema_entry *en = &s->entries[i];
		bool parent_ok;

		if (en->path == NULL || en->path[0] == '\0' ||
		    strlen(prefix) + strlen(en->path) >= CONFSCHEMA_PATH_MAX) {
			err_set(e, "schema entry %s%zu: bad path", prefix, i);
			return -1;
		}
		if (en->doc == NULL || en->doc[0] == '\0') {
			err_set(e, "%s%s: no documentation", prefix, en->path);
			return -1;
		}
		plen = parent_len(en->path);
		parent_ok = plen == 0;
		for (j = 0; j < i; j++) {
			if (strcmp(s->entries[j].path, en->path) == 0) {
				err_set(e, "%s%s: listed twice", prefix, en->path);
				return -1;
			}
			if (plen > 0 && s->entries[j].type == CONFSCHEMA_GROUP &&
			    strlen(s->entries[j].path) == plen &&
			    strncmp(s->entries[j].path, en->path, plen) == 0)
				parent_ok = true;
		}
		if (!parent_ok) {
			err_set(e, "%s%s: its group is not listed before it", prefix, en->path);
			return -1;
		}
		if (en->type == CONFSCHEMA_INT &&
		    (en->min > en->max || en->min < INT_MIN || en->max > INT_MAX)) {
			err_set(e, "%s%s: bad range", prefix, en->path);
			return -1;
		}
		if (en->type == CONFSCHEMA_ENUM &&
		    (en->values == NULL || en->values[0] == NULL)) {
			err_set(e, "%s%s: enum without values", prefix, en->path);
			return -1;
		}
		if (en->type == CONFSCHEMA_STRING && en->def != NULL &&
		    en->check != NULL && en->check(en->def, why, sizeof(why)) != 0) {
			err_set(e, "%s%s: default fails its own check: %s", prefix,
			    en->path, why);
			return -1;
		}
		if ((en->flags & CONFSCHEMA_REQUIRED) && en->def != NULL) {
			err_set(e, "%s%s: a required setting cannot have a default",
			    prefix, en->path);
			return -1;
		}
		if (en->type == CONFSCHEMA_GROUPLIST) {
			if (en->sub == NULL || en->elem_size == 0 ||
			    en->min < 0 || en->max < en->min ||
			    en->max > CONFSCHEMA_LIST_MAX) {
				err_set(e, "%s%s: list of groups without its element "
				    "table, size or a good range", prefix, en->path);
				return -1;
			}
			snprintf(sub, sizeof(sub), "%s%s.[].", prefix, en->path);
			if (selfcheck(en->sub, sub, e) != 0)
				return -1;
		}
	}
	return 0;
}

int
confschema_selfcheck(const struct confschema *s, struct err *e)
{
	return selfcheck(s, "", e);
}

/* ---- validation ---------------------------------------------------------- */

const char *
confschema_setting_file(const config_setting_t *st, const char *fallback,
    char *buf, size_t buflen)
{
	const char *f = st != NULL ? config_setting_source_file(st) : NULL;
	const char *dir;
	int n;

	if (f == NULL)
		return fallback;
	/* The top file is recorded as given; included ones as written in the
	 * @include, which libconfig 1.5 resolved against include_dir. */
	if (f[0] == '/' || (fallback != NULL && strcmp(f, fallback) == 0))
		return f;
	dir = st->config != NULL ? config_get_include_dir(st->config) : NULL;
	if (dir == NULL)
		return f;
	n = snprintf(buf, buflen, "%s/%s", dir, f);
	return (n < 0 || (size_t)n >= buflen) ? f : buf;
}

static unsigned
setting_line(const config_setting_t *st)
{
	return st != NULL ? config_setting_source_line(st) : 0;
}

const config_setting_t *
confschema_locate(const config_t *lc, const char *path, bool *exact)
{
	char buf[CONFSCHEMA_PATH_MAX];
	const config_setting_t *st;
	size_t len;

	*exact = false;
	if ((st = config_lookup(lc, path)) != NULL) {
		*exact = true;
		return st;
	}
	len = strlen(path);
	if (len >= sizeof(buf))
		return config_root_setting(lc);
	memcpy(buf, path, len + 1);
	while ((len = parent_len(buf)) > 0) {
		buf[len] = '\0';
		if ((st = config_lookup(lc, buf)) != NULL &&
		    config_setting_is_group(st))
			return st;
	}
	return config_root_setting(lc);
}

static const char *
lc_type_name(const config_setting_t *st)
{
	switch (config_setting_type(st)) {
	case CONFIG_TYPE_GROUP: return "a group";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64: return "an integer";
	case CONFIG_TYPE_FLOAT: return "a float";
	case CONFIG_TYPE_STRING: return "a string";
	case CONFIG_TYPE_BOOL: return "a boolean";
	case CONFIG_TYPE_ARRAY: return "an array";
	case CONFIG_TYPE_LIST: return "a list";
	default: return "an unknown type";
	}
}

static const char *
want_name(enum confschema_type t)
{
	switch (t) {
	case CONFSCHEMA_GROUP: return "a group { ... }";
	case CONFSCHEMA_INT: return "an integer";
	case CONFSCHEMA_BOOL: return "true or false";
	case CONFSCHEMA_STRLIST: return "a list of strings";
	case CONFSCHEMA_GROUPLIST: return "a list of groups ( { ... }, ... )";
	case CONFSCHEMA_STRING:
	case CONFSCHEMA_ENUM:
	default: return "a string";
	}
}

/*
 * One table applied to one struct. Inside a list of groups the table is the
 * element's and out the element; paths stay whole for the messages
 * ("alerts.webhooks.[0].url") and the table is searched with the part after
 * the first base_len bytes ("url").
 */
/* A config file is read again only to check integers against their text;
 * config files are bounded smaller than this where they are loaded. */
#define CONFSCHEMA_SOURCE_MAX (4 * 1024 * 1024)

/* The last config file read by integer_literal_differs(); owned by
 * confschema_apply(). */
struct srccache {
	char path[PATH_MAX];
	struct buf text;
	bool loaded;	/* path holds the file of text (or one that did not read) */
};

struct walk {
	const struct confschema *s;
	const char *file;
	void *out;
	struct confdiag *d;
	size_t problems;
	size_t base_len;
	struct srccache *src;
};

static void
problem(struct walk *w, const config_setting_t *st, const char *path,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
problem(struct walk *w, const config_setting_t *st, const char *path,
    const char *fmt, ...)
{
	char what[512], fbuf[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	confdiag_add(w->d, confschema_setting_file(st, w->file, fbuf, sizeof(fbuf)),
	    setting_line(st), path, "%s", what);
	w->problems++;
}

static void
join_values(const struct confschema_entry *en, char *out, size_t outlen)
{
	size_t i, used = 0;
	int n;

	out[0] = '\0';
	for (i = 0; en->values[i] != NULL; i++) {
		n = snprintf(out + used, outlen - used, "%s%s", i ? ", " : "",
		    en->values[i]);
		if (n < 0 || (size_t)n >= outlen - used)
			return;
		used += (size_t)n;
	}
}

/* A string value: bounded length, no control characters (they have no place
 * in paths, URLs or names and would forge lines wherever the value is
 * printed). Secrets are never quoted back. */
static const char *
string_value(struct walk *w, const config_setting_t *st, const char *path,
    const struct confschema_entry *en)
{
	const char *v = config_setting_get_string(st);
	const unsigned char *p;

	if (v == NULL)
		return NULL;
	if (strlen(v) > CONFSCHEMA_STRING_MAX) {
		problem(w, st, path, "value is longer than %d bytes",
		    CONFSCHEMA_STRING_MAX);
		return NULL;
	}
	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			problem(w, st, path, "value contains a control character");
			return NULL;
		}
	}
	return v;
}

static void
store_string(struct walk *w, const config_setting_t *st, const char *path,
    const struct confschema_entry *en)
{
	char why[256];
	const char *v;
	char **p = field(w->out, en);
	char *copy;

	if (config_setting_type(st) != CONFIG_TYPE_STRING) {
		problem(w, st, path, "expected a string, got %s", lc_type_name(st));
		return;
	}
	if ((v = string_value(w, st, path, en)) == NULL)
		return;
	if (en->check != NULL && en->check(v, why, sizeof(why)) != 0) {
		if (en->flags & CONFSCHEMA_SECRET)
			problem(w, st, path, "%s", why);
		else
			problem(w, st, path, "\"%s\": %s", v, why);
		return;
	}
	copy = (en->flags & CONFSCHEMA_SECRET) ? secret_strdup(v) : strdup(v);
	if (copy == NULL) {
		problem(w, st, path, "out of memory");
		return;
	}
	free_string(en, p);
	*p = copy;
}

/* The text of line (from 1) of text, its length in *len; NULL if none. */
static const char *
text_line(const struct buf *text, unsigned line, size_t *len)
{
	const char *p = buf_cstr(text), *end = p + text->len, *nl;

	for (; line > 1 && p < end; line--) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return NULL;
		p = nl + 1;
	}
	if (line != 1 || p > end)
		return NULL;
	nl = memchr(p, '\n', (size_t)(end - p));
	*len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
	return p;
}

/* The length of the integer literal at p (libconfig's forms: [-+]digits,
 * 0x hex, an optional L or LL), 0 if there is none; its value in *v, and
 * *fits false when it does not fit a long long. */
static size_t
parse_literal(const char *p, const char *end, long long *v, bool *fits)
{
	char tmp[64];
	size_t n = 0;
	int base = 10;

	if (p < end && (*p == '-' || *p == '+'))
		n++;
	if (p + n + 1 < end && p[n] == '0' && (p[n + 1] == 'x' || p[n + 1] == 'X')) {
		base = 16;
		n += 2;
	}
	while (p + n < end && (base == 16 ? isxdigit((unsigned char)p[n]) :
	    isdigit((unsigned char)p[n])))
		n++;
	if (n == 0 || !isxdigit((unsigned char)p[n - 1]) || n >= sizeof(tmp))
		return 0;
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	errno = 0;
	if (base == 16) {
		unsigned long long u = strtoull(tmp, NULL, 16);

		*fits = errno == 0 && u <= LLONG_MAX;
		*v = (long long)u;
	} else {
		*v = strtoll(tmp, NULL, 10);
		*fits = errno == 0;
	}
	while (p + n < end && p[n] == 'L' && n < sizeof(tmp))
		n++;
	return n;
}

/*
 * libconfig 1.5 stores an integer without an L suffix in an int, and one
 * out of a long long's range saturated, without a word: 4294967356 reads
 * as 60 and 99999999999999999999 as -1. So the value read is checked
 * against its text on the setting's line ("name = literal"). True, with
 * the literal in lit, when that text says another number than v; false
 * when it says v or cannot be found.
 */
static bool
integer_literal_differs(struct walk *w, const config_setting_t *st, long long v,
    char *lit, size_t litlen)
{
	const char *name = config_setting_name(st), *file, *line, *end, *p;
	char fbuf[PATH_MAX];
	struct err e;
	size_t len, nlen;
	bool differs = false;

	if (name == NULL || w->src == NULL || setting_line(st) == 0)
		return false;
	file = confschema_setting_file(st, w->file, fbuf, sizeof(fbuf));
	if (file == NULL)
		return false;
	if (!w->src->loaded || strcmp(w->src->path, file) != 0) {
		snprintf(w->src->path, sizeof(w->src->path), "%s", file);
		w->src->loaded = true;
		buf_free_secret(&w->src->text);
		if (fileio_read(AT_FDCWD, file, 0, CONFSCHEMA_SOURCE_MAX, &w->src->text,
		    &e) != 0)
			return false;
	}
	if ((line = text_line(&w->src->text, setting_line(st), &len)) == NULL)
		return false;
	end = line + len;
	nlen = strlen(name);
	/* Several settings of that name may share the line: the value is
	 * taken at its word if any of them says it. */
	for (p = line; (p = memmem(p, (size_t)(end - p), name, nlen)) != NULL; p += nlen) {
		const char *q = p + nlen;
		long long lv;
		bool fits;
		size_t n;

		if (p > line && (isalnum((unsigned char)p[-1]) || p[-1] == '_' ||
		    p[-1] == '-' || p[-1] == '*'))
			continue;
		q += strspn(q, " \t");
		if (q >= end || (*q != '=' && *q != ':'))
			continue;
		q++;
		q += strspn(q, " \t");
		if ((n = parse_literal(q, end, &lv, &fits)) == 0)
			continue;
		if (fits && lv == v)
			return false;
		if (!differs)
			snprintf(lit, litlen, "%.*s", (int)n, q);
		differs = true;
	}
	return differs;
}

static void
store_int(struct walk *w, const config_setting_t *st, const char *path,
    const struct confschema_entry *en)
{
	char lit[64];
	long long v;

	if (config_setting_type(st) != CONFIG_TYPE_INT &&
	    config_setting_type(st) != CONFIG_TYPE_INT64) {
		problem(w, st, path, "expected an integer, got %s", lc_type_name(st));
		return;
	}
	v = config_setting_get_int64(st);
	if (integer_literal_differs(w, st, v, lit, sizeof(lit))) {
		problem(w, st, path, "%s is out of range %lld..%lld", lit, en->min,
		    en->max);
		return;
	}
	if (v < en->min || v > en->max) {
		problem(w, st, path, "%lld is out of range %lld..%lld", v, en->min,
		    en->max);
		return;
	}
	*(int *)field(w->out, en) = (int)v;
}

static void
store_enum(struct walk *w, const config_setting_t *st, const char *path,
    const struct confschema_entry *en)
{
	char allowed[512];
	const char *v;
	int idx, i;

	if (config_setting_type(st) != CONFIG_TYPE_STRING) {
		problem(w, st, path, "expected a string, got %s", lc_type_name(st));
		return;
	}
	if ((v = string_value(w, st, path, en)) == NULL)
		return;
	if ((idx = enum_index(en, v)) < 0) {
		join_values(en, allowed, sizeof(allowed));
		for (i = 0; en->values[i] != NULL; i++)
			if (strcasecmp(en->values[i], v) == 0)
				break;
		if (en->values[i] != NULL)
			problem(w, st, path, "\"%s\" is not one of %s; did you mean \"%s\"?",
			    v, allowed, en->values[i]);
		else
			problem(w, st, path, "\"%s\" is not one of %s", v, allowed);
		return;
	}
	*(int *)field(w->out, en) = idx;
}

static void
store_strlist(struct walk *w, const config_setting_t *st, const char *path,
    const struct confschema_entry *en)
{
	struct confschema_strlist tmp = { NULL, 0 };
	char why[256];
	int len, i;
	bool bad = false;

	if (config_setting_type(st) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(st) != CONFIG_TYPE_LIST) {
		problem(w, st, path, "expected a list of strings, got %s",
		    lc_type_name(st));
		return;
	}
	len = config_setting_length(st);
	if (len > CONFSCHEMA_LIST_MAX) {
		problem(w, st, path, "more than %d elements", CONFSCHEMA_LIST_MAX);
		return;
	}
	if (len > 0 && (tmp.items = calloc((size_t)len, sizeof(*tmp.items))) == NULL) {
		problem(w, st, path, "out of memory");
		return;
	}
	for (i = 0; i < len; i++) {
		const config_setting_t *el = config_setting_get_elem(st, (unsigned)i);
		char elpath[CONFSCHEMA_PATH_MAX + 16];
		const char *v;

		snprintf(elpath, sizeof(elpath), "%s[%d]", path, i);
		if (config_setting_type(el) != CONFIG_TYPE_STRING) {
			problem(w, el, elpath, "expected a string, got %s",
			    lc_type_name(el));
			bad = true;
			continue;
		}
		if ((v = string_value(w, el, elpath, en)) == NULL) {
			bad = true;
			continue;
		}
		if (en->check != NULL && en->check(v, why, sizeof(why)) != 0) {
			problem(w, el, elpath, "\"%s\": %s", v, why);
			bad = true;
			continue;
		}
		if ((tmp.items[tmp.n] = strdup(v)) == NULL) {
			problem(w, el, elpath, "out of memory");
			bad = true;
			continue;
		}
		tmp.n++;
	}
	if (bad) {
		free_strlist(en, &tmp);
		return;
	}
	free_strlist(en, field(w->out, en));
	*(struct confschema_strlist *)field(w->out, en) = tmp;
}

static void walk_group(struct walk *w, const config_setting_t *grp,
    const char *prefix);

/* Settings an element must have, reported at the element's own line. */
static void
check_required(struct walk *w, const config_setting_t *grp, const char *prefix)
{
	char path[CONFSCHEMA_PATH_MAX * 2 + 2];
	size_t i;

	for (i = 0; i < w->s->n; i++) {
		const struct confschema_entry *en = &w->s->entries[i];

		if (!(en->flags & CONFSCHEMA_REQUIRED) ||
		    config_setting_lookup((config_setting_t *)grp, en->path) != NULL)
			continue;
		/* Both parts are below CONFSCHEMA_PATH_MAX (selfcheck, walk). */
		snprintf(path, sizeof(path), "%.*s.%.*s", CONFSCHEMA_PATH_MAX, prefix,
		    CONFSCHEMA_PATH_MAX, en->path);
		problem(w, grp, path, "required setting is missing");
	}
}

/*
 * The elements are built in a new array, defaults first, and replace the
 * old list only when every one of them is valid: a half-read list is worse
 * than none, since a webhook with a rejected URL would silently not exist.
 */
static void
store_grouplist(struct walk *w, const config_setting_t *st, const char *path,
    const struct confschema_entry *en)
{
	char elpath[CONFSCHEMA_PATH_MAX + 16];
	struct err e;
	long long max = en->max > 0 ? en->max : CONFSCHEMA_LIST_MAX;
	size_t before = w->problems, n = 0;
	char *elems = NULL;
	int len, i;

	if (config_setting_type(st) != CONFIG_TYPE_LIST) {
		problem(w, st, path, "expected %s, got %s", want_name(en->type),
		    lc_type_name(st));
		return;
	}
	len = config_setting_length(st);
	if (len < en->min || len > max) {
		problem(w, st, path, "%d elements; allowed %lld..%lld", len, en->min,
		    max);
		return;
	}
	if (len > 0 && (elems = calloc((size_t)len, en->elem_size)) == NULL) {
		problem(w, st, path, "out of memory");
		return;
	}
	for (i = 0; i < len; i++) {
		const config_setting_t *el = config_setting_get_elem(st, (unsigned)i);
		void *elem = elems + (size_t)i * en->elem_size;
		struct walk sub = { en->sub, w->file, elem, w->d, 0, 0, w->src };
		int k;

		k = snprintf(elpath, sizeof(elpath), "%s.[%d]", path, i);
		if (k < 0 || (size_t)k >= CONFSCHEMA_PATH_MAX) {
			problem(w, el, NULL, "setting name too long");
			continue;
		}
		if (!config_setting_is_group(el)) {
			problem(w, el, elpath, "expected a group { ... }, got %s",
			    lc_type_name(el));
			continue;
		}
		n = (size_t)i + 1;
		if (confschema_defaults(en->sub, elem, &e) != 0) {
			problem(w, el, elpath, "%s", e.msg);
			continue;
		}
		sub.base_len = (size_t)k + 1;
		walk_group(&sub, el, elpath);
		check_required(&sub, el, elpath);
		w->problems += sub.problems;
	}
	if (w->problems != before) {
		free_elems(en, elems, n);
		return;
	}
	free_grouplist(en, w->out);
	*list_field(w->out, en) = elems;
	*count_field(w->out, en) = (size_t)len;
}

static void
walk_setting(struct walk *w, const config_setting_t *st, const char *path)
{
	const char *rel = path + w->base_len;
	const struct confschema_entry *en = confschema_find(w->s, rel);
	const struct confschema_entry *sug;

	if (en == NULL) {
		if ((sug = confschema_suggest(w->s, rel)) != NULL)
			problem(w, st, path, "unknown setting; did you mean '%.*s%s'?",
			    (int)w->base_len, path, sug->path);
		else
			problem(w, st, path, "unknown setting");
		return;
	}
	switch (en->type) {
	case CONFSCHEMA_GROUP:
		if (!config_setting_is_group(st)) {
			problem(w, st, path, "expected a group { ... }, got %s",
			    lc_type_name(st));
			return;
		}
		walk_group(w, st, path);
		break;
	case CONFSCHEMA_STRING:
		store_string(w, st, path, en);
		break;
	case CONFSCHEMA_INT:
		store_int(w, st, path, en);
		break;
	case CONFSCHEMA_BOOL:
		if (config_setting_type(st) != CONFIG_TYPE_BOOL) {
			problem(w, st, path, "expected %s, got %s", want_name(en->type),
			    lc_type_name(st));
			return;
		}
		*(bool *)field(w->out, en) = config_setting_get_bool(st) != 0;
		break;
	case CONFSCHEMA_ENUM:
		store_enum(w, st, path, en);
		break;
	case CONFSCHEMA_STRLIST:
		store_strlist(w, st, path, en);
		break;
	case CONFSCHEMA_GROUPLIST:
		store_grouplist(w, st, path, en);
		break;
	}
}

static void
walk_group(struct walk *w, const config_setting_t *grp, const char *prefix)
{
	char path[CONFSCHEMA_PATH_MAX];
	int i, len = config_setting_length(grp);

	for (i = 0; i < len; i++) {
		const config_setting_t *st = config_setting_get_elem(grp, (unsigned)i);
		const char *name = config_setting_name(st);
		int n;

		if (name == NULL)
			continue;
		n = prefix[0] != '\0' ?
		    snprintf(path, sizeof(path), "%s.%s", prefix, name) :
		    snprintf(path, sizeof(path), "%s", name);
		if (n < 0 || (size_t)n >= sizeof(path)) {
			problem(w, st, NULL, "setting name too long");
			continue;
		}
		walk_setting(w, st, path);
	}
}

size_t
confschema_apply(const struct confschema *s, const config_t *lc,
    const char *file, void *out, struct confdiag *d)
{
	struct srccache src = { "", BUF_INIT, false };
	struct walk w = { s, file, out, d, 0, 0, &src };
	const config_setting_t *root = config_root_setting(lc);
	size_t i;

	if (root == NULL)
		return 0;
	walk_group(&w, root, "");
	/* It may hold secrets. */
	buf_free_secret(&src.text);
	for (i = 0; i < s->n; i++) {
		const struct confschema_entry *en = &s->entries[i];
		const config_setting_t *at;
		bool exact;

		if (!(en->flags & CONFSCHEMA_REQUIRED))
			continue;
		at = confschema_locate(lc, en->path, &exact);
		if (exact)
			continue;
		/* Point at the group that should hold it, or at the file. */
		problem(&w, at == root ? NULL : at, en->path,
		    "required setting is missing");
	}
	return w.problems;
}

/* ---- printing ------------------------------------------------------------ */

static int
print_quoted(FILE *fp, const char *s)
{
	const unsigned char *p;

	if (fputc('"', fp) == EOF)
		return -1;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		int rc;

		switch (*p) {
		case '"': rc = fputs("\\\"", fp); break;
		case '\\': rc = fputs("\\\\", fp); break;
		case '\n': rc = fputs("\\n", fp); break;
		case '\t': rc = fputs("\\t", fp); break;
		case '\r': rc = fputs("\\r", fp); break;
		case '\f': rc = fputs("\\f", fp); break;
		default:
			rc = (*p < 0x20 || *p == 0x7f) ?
			    fprintf(fp, "\\x%02x", *p) : fputc(*p, fp);
			break;
		}
		if (rc == EOF || rc < 0)
			return -1;
	}
	return fputc('"', fp) == EOF ? -1 : 0;
}

/*
 * The settings as libconfig text that reads back as the same settings:
 * groups nested as name = { ... }; and lists of groups as name = ( { ... } );
 * a dotted name is not valid libconfig. A secret is never printed: its line
 * is a comment saying it is set, so the text cannot be fed back with a
 * placeholder standing in for the secret (a required one then fails
 * validation by its name). An unset string is a comment too.
 */

/* The last component of path if path is directly inside group ("" for
 * the top level), else NULL. */
static const char *
child_leaf(const char *path, const char *group)
{
	size_t n = strlen(group);
	const char *leaf = path;

	if (n > 0) {
		if (strncmp(path, group, n) != 0 || path[n] != '.')
			return NULL;
		leaf = path + n + 1;
	}
	return strchr(leaf, '.') == NULL ? leaf : NULL;
}

static int print_level(const struct confschema *s, const void *in, const char *group,
    int depth, FILE *fp);

static int
print_grouplist(const struct confschema_entry *en, const char *leaf, const void *in,
    int depth, FILE *fp)
{
	const char *elems = *(void *const *)cfield(in, en);
	size_t n = *(const size_t *)(const void *)((const char *)in +
	    en->count_offset), i;

	if (fprintf(fp, "%*s%s = (%s\n", depth * 2, "", leaf, n == 0 ? " );" : "") < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (fprintf(fp, "%*s{\n", (depth + 1) * 2, "") < 0 ||
		    print_level(en->sub, elems + i * en->elem_size, "", depth + 2, fp) != 0 ||
		    fprintf(fp, "%*s}%s\n", (depth + 1) * 2, "", i + 1 < n ? "," : "") < 0)
			return -1;
	}
	if (n > 0 && fprintf(fp, "%*s);\n", depth * 2, "") < 0)
		return -1;
	return 0;
}

static int
print_value(const struct confschema_entry *en, const char *leaf, const void *in,
    int depth, FILE *fp)
{
	bool secret = (en->flags & CONFSCHEMA_SECRET) != 0;
	int ind = depth * 2, rc = 0;
	size_t j;

	switch (en->type) {
	case CONFSCHEMA_GROUP:
	case CONFSCHEMA_GROUPLIST:
		break;
	case CONFSCHEMA_STRING: {
		const char *v = *(char *const *)cfield(in, en);

		if (v == NULL)
			return fprintf(fp, "%*s# %s is not set\n", ind, "", leaf) < 0 ? -1 : 0;
		if (secret)
			return fprintf(fp, "%*s# %s is set: a secret, not shown\n", ind, "",
			    leaf) < 0 ? -1 : 0;
		rc = fprintf(fp, "%*s%s = ", ind, "", leaf) < 0 ? -1 : 0;
		if (rc == 0)
			rc = print_quoted(fp, v);
		break;
	}
	case CONFSCHEMA_INT:
		return fprintf(fp, "%*s%s = %d;\n", ind, "", leaf,
		    *(const int *)cfield(in, en)) < 0 ? -1 : 0;
	case CONFSCHEMA_BOOL:
		return fprintf(fp, "%*s%s = %s;\n", ind, "", leaf,
		    *(const bool *)cfield(in, en) ? "true" : "false") < 0 ? -1 : 0;
	case CONFSCHEMA_ENUM:
		rc = fprintf(fp, "%*s%s = ", ind, "", leaf) < 0 ? -1 : 0;
		if (rc == 0)
			rc = print_quoted(fp, en->values[*(const int *)cfield(in, en)]);
		break;
	case CONFSCHEMA_STRLIST: {
		const struct confschema_strlist *l = cfield(in, en);

		if (secret && l->n > 0)
			return fprintf(fp, "%*s# %s is set: a secret, not shown\n", ind, "",
			    leaf) < 0 ? -1 : 0;
		rc = fprintf(fp, "%*s%s = [", ind, "", leaf) < 0 ? -1 : 0;
		for (j = 0; rc == 0 && j < l->n; j++) {
			if (j > 0)
				rc = fputs(", ", fp) == EOF ? -1 : 0;
			if (rc == 0)
				rc = print_quoted(fp, l->items[j]);
		}
		if (rc == 0)
			rc = fputc(']', fp) == EOF ? -1 : 0;
		break;
	}
	}
	if (rc == 0)
		rc = fputs(";\n", fp) == EOF ? -1 : 0;
	return rc;
}

/* Every entry of s directly inside group, in the table's order; a
 * group's own settings follow its line, nested. selfcheck() makes sure
 * every dotted path's parent is a group of the table, so nothing is
 * left out. */
static int
print_level(const struct confschema *s, const void *in, const char *group, int depth,
    FILE *fp)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct confschema_entry *en = &s->entries[i];
		const char *leaf = child_leaf(en->path, group);
		int rc;

		if (leaf == NULL)
			continue;
		if (en->type == CONFSCHEMA_GROUP)
			rc = fprintf(fp, "%*s%s = {\n", depth * 2, "", leaf) < 0 ||
			    print_level(s, in, en->path, depth + 1, fp) != 0 ||
			    fprintf(fp, "%*s};\n", depth * 2, "") < 0 ? -1 : 0;
		else if (en->type == CONFSCHEMA_GROUPLIST)
			rc = print_grouplist(en, leaf, in, depth, fp);
		else
			rc = print_value(en, leaf, in, depth, fp);
		if (rc != 0)
			return -1;
	}
	return 0;
}

int
confschema_print(const struct confschema *s, const void *in, FILE *fp)
{
	if (print_level(s, in, "", 0, fp) != 0)
		return -1;
	return fflush(fp) == EOF ? -1 : 0;
}

static int
dump(const struct confschema *s, const char *prefix, FILE *fp)
{
	char range[512], sub[CONFSCHEMA_PATH_MAX + 8];
	size_t i;

	for (i = 0; i < s->n; i++) {
		const struct confschema_entry *en = &s->entries[i];

		range[0] = '\0';
		if (en->type == CONFSCHEMA_INT)
			snprintf(range, sizeof(range), "%lld..%lld", en->min, en->max);
		else if (en->type == CONFSCHEMA_ENUM)
			join_values(en, range, sizeof(range));
		else if (en->type == CONFSCHEMA_GROUPLIST)
			snprintf(range, sizeof(range), "%lld..%lld", en->min,
			    en->max > 0 ? en->max : CONFSCHEMA_LIST_MAX);
		if (fprintf(fp, "%s%s\t%s\t%s\t%s\t%s%s%s\t%s\n", prefix, en->path,
		    confschema_type_name(en->type), range,
		    en->def != NULL ? en->def : "",
		    (en->flags & CONFSCHEMA_SECRET) ? "secret" : "",
		    (en->flags & CONFSCHEMA_SECRET) &&
		    (en->flags & CONFSCHEMA_REQUIRED) ? "," : "",
		    (en->flags & CONFSCHEMA_REQUIRED) ? "required" : "",
		    en->doc) < 0)
			return -1;
		if (en->type == CONFSCHEMA_GROUPLIST) {
			snprintf(sub, sizeof(sub), "%s%s.[].", prefix, en->path);
			if (dump(en->sub, sub, fp) != 0)
				return -1;
		}
	}
	return 0;
}

int
confschema_dump(const struct confschema *s, FILE *fp)
{
	if (dump(s, "", fp) != 0)
		return -1;
	return fflush(fp) == EOF ? -1 : 0;
}
