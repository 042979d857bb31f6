#include "config.h"

#include "audit/edgestream.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/edgejson.h"
#include "util/buf.h"
#include "util/fileio.h"
#include "util/jsonstream.h"
#include "util/strutil.h"

/* A range grows while its entries follow each other, up to this many
 * bytes: what one edgestream_account step holds in memory at once. */
#define ES_RANGE_MAX ((uint64_t)1 << 20)

/* Consecutive entries of one account in one array. */
struct es_range {
	char *account;
	bool edges;		/* else privileged */
	uint64_t start, end;	/* bytes [start, end) of the file */
	size_t first;		/* index of the first entry in its array */
	size_t count;
	size_t line;		/* where it starts */
};

struct edgestream {
	struct jsonstream *js;
	int version;		/* the file's, 1 to EDGE_FORMAT_VERSION */
	struct edge_set *head;
	struct es_range *r;
	size_t n, cap;
	struct buf part, wrap;
};

/* ---------------------------------------------------------- reading */

static int
add_range(struct edgestream *es, const char *account, bool edges, uint64_t at, size_t len,
    size_t index, size_t line, struct err *e)
{
	struct es_range *last = es->n > 0 ? &es->r[es->n - 1] : NULL;

	if (last != NULL && last->edges == edges && strcmp(last->account, account) == 0 &&
	    last->first + last->count == index && at + len - last->start <= ES_RANGE_MAX) {
		last->end = at + len;
		last->count++;
		return 0;
	}
	if (es->n == es->cap) {
		size_t cap = es->cap != 0 ? es->cap * 2 : 64;
		struct es_range *p = realloc(es->r, cap * sizeof(*p));

		if (p == NULL)
			goto oom;
		es->r = p;
		es->cap = cap;
	}
	last = &es->r[es->n];
	memset(last, 0, sizeof(*last));
	if ((last->account = strdup(account)) == NULL)
		goto oom;
	last->edges = edges;
	last->start = at;
	last->end = at + len;
	last->first = index;
	last->count = 1;
	last->line = line;
	es->n++;
	return 0;
oom:
	err_set(e, "out of memory indexing %s", jsonstream_name(es->js));
	return -1;
}

/* Each entry of the array "privileged" or "edges" the reader is at:
 * checked, and its place noted under its account. */
static int
index_array(struct edgestream *es, bool edges, struct err *e)
{
	const char *name = jsonstream_name(es->js);
	size_t i = 0, len;
	uint64_t at;
	cJSON *o = NULL;
	char p[64];
	int r, rc = -1;

	if (jsonstream_array_begin(es->js, e) != 0)
		return -1;
	while ((r = jsonstream_element(es->js, &o, &at, &len, e)) == 1) {
		size_t line = jsonstream_value_line(es->js);
		struct edge_privileged pr;
		struct edge ed;

		snprintf(p, sizeof(p), "%s[%zu]", edges ? "edges" : "privileged", i);
		if (edges) {
			memset(&ed, 0, sizeof(ed));
			r = edgejson_read_edge(o, es->version, name, p, &ed, e);
			if (r == 0)
				r = add_range(es, ed.account, true, at, len, i, line, e);
			edge_clear(&ed);
		} else {
			memset(&pr, 0, sizeof(pr));
			r = edgejson_read_privileged(o, es->version, name, p, &pr, e);
			if (r == 0)
				r = add_range(es, pr.account, false, at, len, i, line, e);
			edge_privileged_clear(&pr);
		}
		cJSON_Delete(o);
		o = NULL;
		if (r != 0)
			goto out;
		i++;
	}
	if (r < 0)
		goto out;
	rc = 0;
out:
	cJSON_Delete(o);
	return rc;
}

static int
cmp_range(const void *x, const void *y)
{
	const struct es_range *a = x, *b = y;
	int c = strcmp(a->account, b->account);

	if (c != 0)
		return c;
	if (a->edges != b->edges)
		return a->edges ? 1 : -1;
	return a->start < b->start ? -1 : a->start > b->start;
}

/*
 * The file's "version", which decides how its entries read (version 2
 * edges say how usable they are), found before the entries are checked:
 * written first by every writer, but a file edited by hand may have it
 * anywhere, so the values before it are passed over. 0 when it is
 * missing or not a version this program reads: the head check then says
 * why, as edgejson_parse would.
 */
static int
scan_version(const char *path)
{
	struct jsonstream *js = jsonstream_open(path, EDGESTREAM_MAX_BYTES, 64, NULL);
	char *key = NULL;
	cJSON *v = NULL;
	int version = 0;

	if (js == NULL || jsonstream_object_begin(js, NULL) != 0)
		goto out;
	while (jsonstream_key(js, &key, NULL) == 1) {
		if (strcmp(key, "version") == 0) {
			if (jsonstream_value(js, &v, NULL) == 0 && cJSON_IsNumber(v) &&
			    v->valuedouble >= 1 && v->valuedouble <= EDGE_FORMAT_VERSION &&
			    v->valuedouble == (double)(int)v->valuedouble)
				version = v->valueint;
			break;
		}
		if (jsonstream_skip(js, NULL) != 0)
			break;
		free(key);
		key = NULL;
	}
out:
	free(key);
	cJSON_Delete(v);
	jsonstream_close(js);
	return version;
}

struct edgestream *
edgestream_open(const char *path, struct err *e)
{
	struct edgestream *es = calloc(1, sizeof(*es));
	cJSON *root = NULL;
	char *key = NULL;
	int r;

	if (es == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	buf_init(&es->part, EDGESTREAM_MAX_ENTRY + ES_RANGE_MAX);
	buf_init(&es->wrap, EDGESTREAM_MAX_ENTRY + ES_RANGE_MAX + 2);
	es->version = scan_version(path);
	if ((es->js = jsonstream_open(path, EDGESTREAM_MAX_BYTES, EDGESTREAM_MAX_ENTRY,
	    e)) == NULL || jsonstream_object_begin(es->js, e) != 0)
		goto fail;
	if ((root = cJSON_CreateObject()) == NULL)
		goto oom;
	/*
	 * The header and the accounts (small) are gathered into one object
	 * that edgejson_read_head checks as edgejson_parse checks a whole
	 * file; the two large arrays are checked entry by entry as they pass
	 * and stand in it as empty arrays.
	 */
	while ((r = jsonstream_key(es->js, &key, e)) == 1) {
		bool edges = strcmp(key, "edges") == 0;

		if (cJSON_GetObjectItemCaseSensitive(root, key) != NULL) {
			err_set(e, "%s: %s: given twice", path, key);
			goto fail;
		}
		if (edges || strcmp(key, "privileged") == 0) {
			if (cJSON_AddArrayToObject(root, key) == NULL)
				goto oom;
			/* Without a version to read them by, the head check
			 * below says what is wrong. */
			if (es->version == 0 ? jsonstream_skip(es->js, e) != 0 :
			    index_array(es, edges, e) != 0)
				goto fail;
		} else if (jsonstream_add_value(es->js, root, key, e) != 0) {
			goto fail;
		}
		free(key);
		key = NULL;
	}
	if (r < 0)
		goto fail;
	if ((es->head = edge_set_new(e)) == NULL ||
	    edgejson_read_head(root, path, es->head, e) != 0)
		goto fail;
	if (es->version == 0) {
		/* The head check found the version good after all: the file
		 * changed between the two reads. */
		err_set(e, "%s changed while it was read", path);
		goto fail;
	}
	edge_set_sort(es->head);
	if (es->n > 1)
		qsort(es->r, es->n, sizeof(*es->r), cmp_range);
	cJSON_Delete(root);
	return es;
oom:
	err_set(e, "out of memory reading %s", path);
fail:
	free(key);
	cJSON_Delete(root);
	edgestream_close(es);
	return NULL;
}

void
edgestream_close(struct edgestream *es)
{
	if (es == NULL)
		return;
	for (size_t i = 0; i < es->n; i++)
		free(es->r[i].account);
	free(es->r);
	edge_set_free(es->head);
	jsonstream_close(es->js);
	buf_free(&es->part);
	buf_free(&es->wrap);
	free(es);
}

const char *
edgestream_name(const struct edgestream *es)
{
	return jsonstream_name(es->js);
}

const struct edge_set *
edgestream_head(const struct edgestream *es)
{
	return es->head;
}

/* The first range of account id, or es->n. */
static size_t
first_range(const struct edgestream *es, const char *id)
{
	size_t lo = 0, hi = es->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(es->r[mid].account, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static size_t
count(const struct edgestream *es, const char *id, bool edges)
{
	size_t n = 0;

	for (size_t i = first_range(es, id); i < es->n && strcmp(es->r[i].account, id) == 0; i++)
		if (es->r[i].edges == edges)
			n += es->r[i].count;
	return n;
}

size_t
edgestream_count_edges(const struct edgestream *es, const char *id)
{
	return count(es, id, true);
}

size_t
edgestream_count_privileged(const struct edgestream *es, const char *id)
{
	return count(es, id, false);
}

/* One range's entries, added to into in one step. They were checked when
 * the file was opened; a failure here means the file changed since. */
static int
read_range(struct edgestream *es, const struct es_range *rg, struct edge_set *into,
    struct err *e)
{
	const char *name = jsonstream_name(es->js);
	struct edge_set part;
	cJSON *arr = NULL, *it;
	size_t k = rg->first;
	char p[64];
	int rc = -1;

	memset(&part, 0, sizeof(part));
	if (jsonstream_read_at(es->js, rg->start, (size_t)(rg->end - rg->start), &es->part,
	    e) != 0)
		return -1;
	/* The entries with the separators between them: an array's inside. */
	buf_reset(&es->wrap);
	if (buf_putc(&es->wrap, '[') != 0 ||
	    buf_append(&es->wrap, es->part.data, es->part.len) != 0 ||
	    buf_putc(&es->wrap, ']') != 0) {
		err_set(e, "out of memory reading %s", name);
		return -1;
	}
	if ((arr = jsonstream_parse_part(es->js, es->wrap.data, es->wrap.len, rg->line,
	    e)) == NULL)
		goto changed;
	if (!cJSON_IsArray(arr) || (size_t)cJSON_GetArraySize(arr) != rg->count)
		goto changed;
	if (rg->edges ? (part.edges = calloc(rg->count, sizeof(*part.edges))) == NULL :
	    (part.privileged = calloc(rg->count, sizeof(*part.privileged))) == NULL)
		goto oom;
	cJSON_ArrayForEach(it, arr) {
		snprintf(p, sizeof(p), "%s[%zu]", rg->edges ? "edges" : "privileged", k++);
		if (rg->edges) {
			struct edge *ed = &part.edges[part.nedges++];

			if (edgejson_read_edge(it, es->version, name, p, ed, e) != 0 ||
			    strcmp(ed->account, rg->account) != 0)
				goto changed;
		} else {
			struct edge_privileged *pr = &part.privileged[part.nprivileged++];

			if (edgejson_read_privileged(it, es->version, name, p, pr, e) != 0 ||
			    strcmp(pr->account, rg->account) != 0)
				goto changed;
		}
	}
	if (edge_set_move_entries(into, &part) != 0)
		goto oom;
	rc = 0;
	goto out;
changed:
	err_prefix(e, "%s changed while it was read", name);
	goto out;
oom:
	err_set(e, "out of memory reading %s", name);
out:
	for (size_t i = 0; i < part.nedges; i++)
		edge_clear(&part.edges[i]);
	for (size_t i = 0; i < part.nprivileged; i++)
		edge_privileged_clear(&part.privileged[i]);
	free(part.edges);
	free(part.privileged);
	cJSON_Delete(arr);
	return rc;
}

int
edgestream_account(struct edgestream *es, const char *id, struct edge_set *into,
    struct err *e)
{
	for (size_t i = first_range(es, id); i < es->n && strcmp(es->r[i].account, id) == 0; i++)
		if (read_range(es, &es->r[i], into, e) != 0)
			return -1;
	return 0;
}

/* ---------------------------------------------------------- writing */

enum { W_PRIV, W_EDGES };

struct edgestream_writer {
	char *path;
	int fd[2];		/* unlinked temporary files */
	struct buf out[2];	/* what is not yet written to them */
	size_t n[2];
	struct edge_set *head;	/* the accounts */
};

#define ES_WBUF (256u << 10)

static int
w_flush(struct edgestream_writer *w, int k, struct err *e)
{
	if (w->out[k].len > 0 && fileio_write_all(w->fd[k], w->out[k].data, w->out[k].len) != 0) {
		err_set(e, "--write-edges %s: cannot write a temporary file: %s", w->path,
		    strerror(errno));
		return -1;
	}
	buf_reset(&w->out[k]);
	return 0;
}

struct edgestream_writer *
edgestream_writer_open(const char *path, struct err *e)
{
	struct edgestream_writer *w = calloc(1, sizeof(*w));
	char *tmpl = NULL;

	if (w == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	w->fd[0] = w->fd[1] = -1;
	if ((w->path = strdup(path)) == NULL || (w->head = edge_set_new(e)) == NULL)
		goto oom;
	/* Beside the target: the space the file will take is there, and
	 * /tmp may be small. */
	for (int k = 0; k < 2; k++) {
		buf_init(&w->out[k], 0);
		if (asprintf(&tmpl, "%s.part.XXXXXX", path) < 0) {
			tmpl = NULL;
			goto oom;
		}
		if ((w->fd[k] = mkostemp(tmpl, O_CLOEXEC)) < 0) {
			err_set(e, "--write-edges %s: cannot create a temporary file beside it: %s",
			    path, strerror(errno));
			goto fail;
		}
		unlink(tmpl);
		free(tmpl);
		tmpl = NULL;
	}
	return w;
oom:
	err_set(e, "out of memory");
fail:
	free(tmpl);
	edgestream_writer_abort(w);
	return NULL;
}

void
edgestream_writer_abort(struct edgestream_writer *w)
{
	if (w == NULL)
		return;
	for (int k = 0; k < 2; k++) {
		if (w->fd[k] >= 0)
			close(w->fd[k]);
		buf_free(&w->out[k]);
	}
	edge_set_free(w->head);
	free(w->path);
	free(w);
}

/* One entry: checked by the reader's rules (a set that breaks them would
 * be written and then refused by the next --baseline), then appended. */
static int
w_entry(struct edgestream_writer *w, int k, cJSON *o, struct err *e)
{
	char p[64], *text = NULL;
	int rc = -1;

	if (o == NULL) {
		err_set(e, "out of memory");
		return -1;
	}
	snprintf(p, sizeof(p), "%s[%zu]", k == W_EDGES ? "edges" : "privileged", w->n[k]);
	if (k == W_EDGES) {
		struct edge ed;

		memset(&ed, 0, sizeof(ed));
		rc = edgejson_read_edge(o, EDGE_FORMAT_VERSION, "edge set to save", p, &ed, e);
		edge_clear(&ed);
	} else {
		struct edge_privileged pr;

		memset(&pr, 0, sizeof(pr));
		rc = edgejson_read_privileged(o, EDGE_FORMAT_VERSION, "edge set to save", p, &pr,
		    e);
		edge_privileged_clear(&pr);
	}
	if (rc != 0) {
		err_prefix(e, "internal error: not saved");
		goto out;
	}
	rc = -1;
	if ((text = cJSON_PrintUnformatted(o)) == NULL) {
		err_set(e, "out of memory");
		goto out;
	}
	if ((w->n[k] > 0 && buf_puts(&w->out[k], ",\n") != 0) ||
	    buf_puts(&w->out[k], "\t\t") != 0 || buf_puts(&w->out[k], text) != 0) {
		err_set(e, "out of memory");
		goto out;
	}
	w->n[k]++;
	if (w->out[k].len >= ES_WBUF && w_flush(w, k, e) != 0)
		goto out;
	rc = 0;
out:
	free(text);
	cJSON_Delete(o);
	return rc;
}

int
edgestream_writer_add(struct edgestream_writer *w, const struct edge_set *s, struct err *e)
{
	for (size_t i = 0; i < s->naccounts; i++) {
		const struct edge_account *a = &s->accounts[i];
		const struct edge_set *h = w->head;

		if (h->naccounts > 0 && strutil_cmp(h->accounts[h->naccounts - 1].id, a->id) >= 0) {
			err_set(e, "internal error: --write-edges: accounts out of order (%s after %s)",
			    a->id != NULL ? a->id : "no id", h->accounts[h->naccounts - 1].id);
			return -1;
		}
		if (edge_set_add_account(w->head, a, a->known_at) != 0) {
			err_set(e, "out of memory");
			return -1;
		}
	}
	for (size_t i = 0; i < s->nprivileged; i++) {
		if (i > 0 && strutil_cmp(s->privileged[i - 1].role_arn,
		    s->privileged[i].role_arn) >= 0) {
			err_set(e, "internal error: not saved: privileged role %s out of order "
			    "or twice", s->privileged[i].role_arn);
			return -1;
		}
		if (w_entry(w, W_PRIV, edgejson_privileged(&s->privileged[i], NULL), e) != 0)
			return -1;
	}
	for (size_t i = 0; i < s->nedges; i++) {
		const struct edge *a = &s->edges[i];

		if (i > 0) {
			const struct edge *b = &s->edges[i - 1];
			int c = strutil_cmp(b->principal_arn, a->principal_arn);

			if (c > 0 || (c == 0 && strutil_cmp(b->role_arn, a->role_arn) >= 0)) {
				err_set(e, "internal error: not saved: edge %s -> %s out of "
				    "order or twice", a->principal_arn, a->role_arn);
				return -1;
			}
		}
		if (w_entry(w, W_EDGES, edgejson_edge(a, NULL), e) != 0)
			return -1;
	}
	return 0;
}

struct fill {
	struct edgestream_writer *w;
	const cJSON *root;
};

static int
put(int fd, const char *s, size_t n, struct err *e)
{
	if (fileio_write_all(fd, s, n) != 0) {
		err_set(e, "%s", strerror(errno));
		return -1;
	}
	return 0;
}

static int
puts_fd(int fd, const char *s, struct err *e)
{
	return put(fd, s, strlen(s), e);
}

/* A temporary file's whole content, copied to fd. */
static int
copy_part(int from, int fd, struct err *e)
{
	static char chunk[1 << 16];
	off_t at = 0;
	ssize_t n;

	for (;;) {
		n = pread(from, chunk, sizeof(chunk), at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_set(e, "reading back a temporary file: %s", strerror(errno));
			return -1;
		}
		if (n == 0)
			return 0;
		if (put(fd, chunk, (size_t)n, e) != 0)
			return -1;
		at += n;
	}
}

/* The file: the header's keys one per line, each account on its line,
 * then the two parts. */
static int
fill(int fd, const void *arg, struct err *e)
{
	const struct fill *f = arg;
	const cJSON *it;
	int rc;

	if (puts_fd(fd, "{\n", e) != 0)
		return -1;
	for (it = f->root->child; it != NULL; it = it->next) {
		char *text = NULL;
		int k = strcmp(it->string, "privileged") == 0 ? W_PRIV :
		    strcmp(it->string, "edges") == 0 ? W_EDGES : -1;

		/* edgejson_build's keys: plain ASCII names, nothing to escape. */
		if (puts_fd(fd, "\t\"", e) != 0 || puts_fd(fd, it->string, e) != 0 ||
		    puts_fd(fd, "\": ", e) != 0)
			return -1;
		if (k >= 0) {
			if (puts_fd(fd, "[\n", e) != 0 || copy_part(f->w->fd[k], fd, e) != 0 ||
			    puts_fd(fd, f->w->n[k] > 0 ? "\n\t]" : "\t]", e) != 0)
				return -1;
		} else if (cJSON_IsArray(it)) {
			const cJSON *a;

			if (puts_fd(fd, "[", e) != 0)
				return -1;
			for (a = it->child; a != NULL; a = a->next) {
				if ((text = cJSON_PrintUnformatted(a)) == NULL) {
					err_set(e, "out of memory");
					return -1;
				}
				rc = puts_fd(fd, "\n\t\t", e) != 0 || puts_fd(fd, text, e) != 0 ||
				    puts_fd(fd, a->next != NULL ? "," : "\n\t", e) != 0 ? -1 : 0;
				free(text);
				if (rc != 0)
					return -1;
			}
			if (puts_fd(fd, "]", e) != 0)
				return -1;
		} else {
			if ((text = cJSON_PrintUnformatted(it)) == NULL) {
				err_set(e, "out of memory");
				return -1;
			}
			rc = puts_fd(fd, text, e);
			free(text);
			if (rc != 0)
				return -1;
		}
		if (puts_fd(fd, it->next != NULL ? ",\n" : "\n", e) != 0)
			return -1;
	}
	return puts_fd(fd, "}\n", e);
}

int
edgestream_writer_commit(struct edgestream_writer *w, const struct edge_set *head,
    struct err *e)
{
	struct edge_set *check = NULL;
	struct fill f;
	cJSON *root = NULL;
	int rc = -1;

	if (w_flush(w, W_PRIV, e) != 0 || w_flush(w, W_EDGES, e) != 0)
		goto out;
	w->head->taken_at = head->taken_at;
	free(w->head->source);
	free(w->head->org_note);
	w->head->source = w->head->org_note = NULL;
	if ((head->source != NULL && (w->head->source = strdup(head->source)) == NULL) ||
	    (head->org_note != NULL && (w->head->org_note = strdup(head->org_note)) == NULL)) {
		err_set(e, "out of memory");
		goto out;
	}
	/* The header and accounts, with empty arrays where the parts go,
	 * checked as the reader will check them. */
	if ((root = edgejson_build(w->head, e)) == NULL || (check = edge_set_new(e)) == NULL)
		goto out;
	if (edgejson_read_head(root, "edge set to save", check, e) != 0) {
		err_prefix(e, "internal error: not saved");
		goto out;
	}
	f.w = w;
	f.root = root;
	rc = fileio_save(w->path, fill, &f, e);
out:
	edge_set_free(check);
	cJSON_Delete(root);
	edgestream_writer_abort(w);
	return rc;
}
