#include "config.h"

#include "collect/snapfile.h"

#include <stdlib.h>
#include <string.h>

#include "collect/snapjson.h"
#include "util/buf.h"
#include "util/jsonstream.h"

/* Where one account's text is. */
struct sf_account {
	char *id;
	uint64_t at;
	size_t len;
	size_t index;		/* in the file's "accounts" */
	size_t line;
};

struct snapfile {
	struct jsonstream *js;
	struct snapshot *shell;
	struct sf_account *acc;
	size_t n, next;
	struct buf part;
};

static int
cmp_acc(const void *x, const void *y)
{
	return strcmp(((const struct sf_account *)x)->id, ((const struct sf_account *)y)->id);
}

/* The shell's stub of a, which snapshot_move_account would leave. */
static int
add_stub(struct snapshot *shell, const struct snap_account *a, struct err *e)
{
	struct snap_account st;

	memset(&st, 0, sizeof(st));
	st.is_management = a->is_management;
	if ((st.id = strdup(a->id)) == NULL ||
	    (a->name != NULL && (st.name = strdup(a->name)) == NULL) ||
	    (a->parent_id != NULL && (st.parent_id = strdup(a->parent_id)) == NULL)) {
		snap_account_clear(&st);
		err_set(e, "out of memory");
		return -1;
	}
	return snapshot_add_account(shell, &st, e);
}

/* Each element of "accounts": checked, its stub kept, its place noted. */
static int
index_accounts(struct snapfile *f, struct snapshot *stubs, struct err *e)
{
	const char *name = jsonstream_name(f->js);
	size_t cap = 0, len;
	uint64_t at;
	cJSON *el = NULL;
	int r;

	if (jsonstream_array_begin(f->js, e) != 0)
		return -1;
	while ((r = jsonstream_element(f->js, &el, &at, &len, e)) == 1) {
		struct snap_account a;
		struct sf_account *x;

		memset(&a, 0, sizeof(a));
		if (snapjson_read_account(el, f->n, &a, e) != 0) {
			snap_account_clear(&a);
			cJSON_Delete(el);
			err_prefix(e, "%s", name);
			return -1;
		}
		cJSON_Delete(el);
		el = NULL;
		if (f->n == cap) {
			size_t nc = cap != 0 ? cap * 2 : 64;
			struct sf_account *g = realloc(f->acc, nc * sizeof(*g));

			if (g == NULL) {
				snap_account_clear(&a);
				err_set(e, "out of memory");
				return -1;
			}
			f->acc = g;
			cap = nc;
		}
		x = &f->acc[f->n];
		memset(x, 0, sizeof(*x));
		x->at = at;
		x->len = len;
		x->index = f->n;
		x->line = jsonstream_value_line(f->js);
		if ((x->id = strdup(a.id)) == NULL) {
			snap_account_clear(&a);
			err_set(e, "out of memory");
			return -1;
		}
		f->n++;
		r = add_stub(stubs, &a, e);
		snap_account_clear(&a);
		if (r != 0)
			return -1;
	}
	return r;
}

struct snapfile *
snapfile_open(const char *path, struct err *e)
{
	struct snapfile *f = calloc(1, sizeof(*f));
	struct snapshot *stubs = NULL;
	cJSON *root = NULL;
	bool have_accounts = false;
	char *key = NULL;
	int r;

	if (f == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	buf_init(&f->part, SNAPFILE_MAX_ACCOUNT);
	if ((f->js = jsonstream_open(path, SNAPFILE_MAX_BYTES, SNAPFILE_MAX_ACCOUNT, e)) == NULL ||
	    jsonstream_object_begin(f->js, e) != 0)
		goto fail;
	if ((root = cJSON_CreateObject()) == NULL || (stubs = snapshot_new(e)) == NULL)
		goto oom;
	/* The head (small) is gathered into one object for
	 * snapjson_read_head; the accounts are checked one by one as they
	 * pass. Keys given twice stay twice, for its "duplicate member". */
	while ((r = jsonstream_key(f->js, &key, e)) == 1) {
		if (strcmp(key, "accounts") == 0) {
			if (have_accounts) {
				err_set(e, "%s: accounts: duplicate member", path);
				goto fail;
			}
			have_accounts = true;
			if (index_accounts(f, stubs, e) != 0)
				goto fail;
		} else if (jsonstream_add_value(f->js, root, key, e) != 0) {
			goto fail;
		}
		free(key);
		key = NULL;
	}
	if (r < 0)
		goto fail;
	if (!have_accounts) {
		err_set(e, "%s: accounts: missing", path);
		goto fail;
	}
	if (snapjson_read_head(root, &f->shell, e) != 0) {
		err_prefix(e, "%s", path);
		goto fail;
	}
	/* The stubs join the head; one id twice would make
	 * snapshot_find_account answer for one of them only. */
	for (size_t i = 0; i < stubs->naccounts; i++)
		if (snapshot_add_account(f->shell, &stubs->accounts[i], e) != 0)
			goto fail;
	stubs->naccounts = 0;
	snapshot_sort(f->shell);
	if (f->n > 1)
		qsort(f->acc, f->n, sizeof(*f->acc), cmp_acc);
	for (size_t i = 1; i < f->n; i++)
		if (strcmp(f->acc[i].id, f->acc[i - 1].id) == 0) {
			size_t a = f->acc[i].index, b = f->acc[i - 1].index;

			err_set(e, "%s: accounts[%zu].id: %s also appears at accounts[%zu]", path,
			    a > b ? a : b, f->acc[i].id, a > b ? b : a);
			goto fail;
		}
	snapshot_free(stubs);
	cJSON_Delete(root);
	return f;
oom:
	err_set(e, "out of memory reading %s", path);
fail:
	free(key);
	cJSON_Delete(root);
	snapshot_free(stubs);
	snapfile_close(f);
	return NULL;
}

const struct snapshot *
snapfile_shell(const struct snapfile *f)
{
	return f->shell;
}

int
snapfile_next(struct snapfile *f, struct snap_account *out, struct err *e)
{
	const struct sf_account *x;
	const char *name = jsonstream_name(f->js);
	cJSON *el;
	int rc;

	memset(out, 0, sizeof(*out));
	if (f->next >= f->n)
		return 0;
	x = &f->acc[f->next++];
	if (jsonstream_read_at(f->js, x->at, x->len, &f->part, e) != 0)
		return -1;
	if ((el = jsonstream_parse_part(f->js, f->part.data, f->part.len, x->line, e)) == NULL) {
		err_prefix(e, "%s changed while it was read", name);
		return -1;
	}
	rc = snapjson_read_account(el, x->index, out, e);
	cJSON_Delete(el);
	if (rc != 0 || strcmp(out->id, x->id) != 0) {
		if (rc == 0)
			err_set(e, "accounts[%zu]: not the account it was", x->index);
		snap_account_clear(out);
		memset(out, 0, sizeof(*out));
		err_prefix(e, "%s changed while it was read", name);
		return -1;
	}
	snapshot_sort_account(out);
	return 1;
}

void
snapfile_close(struct snapfile *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->n; i++)
		free(f->acc[i].id);
	free(f->acc);
	snapshot_free(f->shell);
	jsonstream_close(f->js);
	buf_free(&f->part);
	free(f);
}
