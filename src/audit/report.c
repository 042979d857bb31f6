/*
 * Audit reports: text table and JSON. See report.h.
 */
#include "config.h"

#include "audit/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "audit/edgejson.h"
#include "util/buf.h"
#include "util/strutil.h"

/* ---- text ---- */

/*
 * Names and texts come from AWS and from policy documents (condition
 * values): a control character in one must not reach a terminal or a log
 * as itself. T(s) is s, or a copy with every control byte as \xNN (and a
 * backslash as \\), in one of a few buffers reused in turn: valid until
 * the same number of later calls, enough for one line's arguments.
 */
#define T_RING 8

static const char *
T(const char *s)
{
	static struct buf ring[T_RING];
	static unsigned next;
	struct buf *b;
	const char *p;

	if (s == NULL)
		return NULL;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			break;
	if (*p == '\0')
		return s;
	b = &ring[next++ % T_RING];
	buf_reset(b);
	for (p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		int rc = c < 0x20 || c == 0x7f ? buf_printf(b, "\\x%02x", c) :
		    c == '\\' ? buf_puts(b, "\\\\") : buf_putc(b, (char)c);

		if (rc != 0)
			return "(unprintable text)";
	}
	return buf_cstr(b);
}

#define TBL_COLS 6

/* A table of strings, printed with every column as wide as its widest
 * cell so that it reads as a table in a terminal and in a log. */
struct table {
	size_t ncols;
	char **cells;		/* row-major, owned */
	size_t nrows;
};

static int
table_add(struct table *t, char *const *row)
{
	char **g = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(*g));

	if (g == NULL)
		return -1;
	t->cells = g;
	for (size_t c = 0; c < t->ncols; c++)
		g[t->nrows * t->ncols + c] = row[c];
	t->nrows++;
	return 0;
}

static void
table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
}

static void
table_print(FILE *out, const struct table *t, const char *indent)
{
	size_t w[TBL_COLS] = { 0 };

	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			size_t l = strlen(t->cells[r * t->ncols + c]);

			if (l > w[c])
				w[c] = l;
		}
	for (size_t r = 0; r < t->nrows; r++) {
		fputs(indent, out);
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];

			if (c + 1 < t->ncols)
				fprintf(out, "%-*s  ", (int)w[c], T(s));
			else
				fprintf(out, "%s\n", T(s));
		}
	}
}

static char *
services_text(const struct edge *ed)
{
	struct buf b;

	buf_init(&b, 0);
	if (ed->nservices == 0)
		buf_puts(&b, ed->no_service ? "none (no service can use it)" : "none");
	for (size_t i = 0; i < ed->nservices; i++)
		buf_printf(&b, "%s%s", i > 0 ? "," : "", ed->services[i]);
	return buf_steal(&b);
}

static char *
path_text(const struct edge *ed)
{
	struct buf b;

	buf_init(&b, 0);
	if (ed->npath == 0)
		buf_puts(&b, "direct");
	for (size_t i = 0; i < ed->npath; i++) {
		buf_printf(&b, "%s%s %s", i > 0 ? " -> " : "", ed->path[i].kind,
		    ed->path[i].arn);
		if (ed->path[i].via_service != NULL)
			buf_printf(&b, " via %s", ed->path[i].via_service);
	}
	return buf_steal(&b);
}

static char *
caveats_text(const struct edge *ed)
{
	struct buf b;

	buf_init(&b, 0);
	if (ed->ncaveats == 0)
		buf_puts(&b, "-");
	for (size_t i = 0; i < ed->ncaveats; i++)
		buf_printf(&b, "%sdenied through %s (%s)", i > 0 ? "; " : "",
		    ed->caveats[i].endpoint_id, ed->caveats[i].service_name);
	return buf_steal(&b);
}

static int
edge_row(struct table *t, const struct edge *ed)
{
	char *row[TBL_COLS] = {
		strdup(ed->principal_arn != NULL ? ed->principal_arn : "?"),
		strdup(ed->role_arn != NULL ? ed->role_arn : "?"),
		services_text(ed),
		strdup(ed->conditional && ed->conditions != NULL ? ed->conditions : "-"),
		path_text(ed),
		caveats_text(ed),
	};

	bool ok = true;

	for (size_t c = 0; c < TBL_COLS; c++)
		ok = ok && row[c] != NULL;
	if (!ok || table_add(t, row) != 0) {
		for (size_t k = 0; k < TBL_COLS; k++)
			free(row[k]);
		return -1;
	}
	return 0;
}

/* One account's edges (a table, then the reasons), into a spool. */
static int
edges_table(FILE *out, const struct edge_set *s, bool first)
{
	static char *const head[TBL_COLS] = { "PRINCIPAL", "ROLE", "SERVICES", "CONDITIONS",
		"PATH", "CAVEATS" };
	struct table t = { TBL_COLS, NULL, 0 };
	char *h[TBL_COLS];
	int rc = -1;

	if (!first)
		fputc('\n', out);
	for (size_t c = 0; c < TBL_COLS; c++)
		h[c] = strdup(head[c]);
	for (size_t c = 0; c < TBL_COLS; c++)
		if (h[c] == NULL) {
			for (size_t k = 0; k < TBL_COLS; k++)
				free(h[k]);
			return -1;
		}
	if (table_add(&t, h) != 0) {
		for (size_t k = 0; k < TBL_COLS; k++)
			free(h[k]);
		return -1;
	}
	for (size_t i = 0; i < s->nedges; i++)
		if (edge_row(&t, &s->edges[i]) != 0)
			goto out;
	table_print(out, &t, "");
	/* The reasons are long sentences: under the table, one per edge. */
	for (size_t i = 0; i < s->nedges; i++) {
		const struct edge *ed = &s->edges[i];

		if (ed->reason != NULL)
			fprintf(out, "  %s -> %s: %s\n", T(ed->principal_arn), T(ed->role_arn),
			    T(ed->reason));
		for (size_t k = 0; k < ed->ncaveats; k++)
			fprintf(out, "  %s -> %s: %s\n", T(ed->principal_arn), T(ed->role_arn),
			    T(ed->caveats[k].message));
	}
	rc = 0;
out:
	table_free(&t);
	return rc;
}

/* max_reasons 0: all. An administrator role has a reason per
 * escalation action; the audit report shows the first few, and
 * --list-privileged (whose subject they are) all of them. */
static void
privileged_lines(FILE *out, const struct edge_set *s, size_t max_reasons)
{
	for (size_t i = 0; i < s->nprivileged; i++) {
		const struct edge_privileged *p = &s->privileged[i];
		size_t shown = max_reasons == 0 || p->nreasons <= max_reasons + 1 ?
		    p->nreasons : max_reasons;

		fprintf(out, "  %s\n", T(p->role_arn));
		for (size_t k = 0; k < shown; k++)
			fprintf(out, "      %s\n", T(p->reasons[k]));
		if (shown < p->nreasons)
			fprintf(out, "      ... and %zu more (--list-privileged lists them)\n",
			    p->nreasons - shown);
	}
}

static void
not_audited_text(FILE *out, const struct audit_result *r)
{
	const struct edge_diff *d = &r->diff;

	if (d->nnot_audited == 0)
		return;
	fprintf(out, "\nNot audited (not compared, never reported as lost): %zu\n",
	    d->nnot_audited);
	for (size_t i = 0; i < d->nnot_audited; i++) {
		const struct diff_not_audited *n = &d->not_audited[i];

		if (n->previous)
			fprintf(out, "  %s: this run is its baseline; previous run: %s\n",
			    T(n->account), T(n->why));
		else
			fprintf(out, "  %s: %s\n", T(n->account), T(n->why));
	}
}

/* One cause of a change, under it: "cause: managed-policy OrgBaseline
 * (arn:...) in 210987654321: v1 -> v2 [verified]". */
static void
cause_line(FILE *out, const struct diff_cause *c)
{
	const char *ref = c->arn != NULL ? c->arn : c->id;

	fprintf(out, "           cause: %s", T(c->kind));
	if (c->name != NULL)
		fprintf(out, " %s", T(c->name));
	if (ref != NULL && strutil_cmp(ref, c->name) != 0)
		fprintf(out, " (%s)", T(ref));
	if (c->on != NULL)
		fprintf(out, " on %s", T(c->on));
	if (c->account != NULL)
		fprintf(out, " in %s", T(c->account));
	fprintf(out, ": %s -> %s [%s]\n", c->before != NULL ? T(c->before) : "none",
	    c->after != NULL ? T(c->after) : "none", !c->verified ? "not verified" :
	    c->jointly ? "verified jointly" : "verified");
}

static void
causes_text(FILE *out, const struct diff_entry *en)
{
	for (size_t k = 0; k < en->ncauses; k++)
		cause_line(out, &en->causes[k]);
	if (en->ncauses == 0 && en->causes_note != NULL)
		fprintf(out, "           cause: unknown (%s)\n", en->causes_note);
}

static void
changes_text(FILE *out, const struct audit_result *r)
{
	const struct edge_diff *d = &r->diff;
	char when[21];

	if (d->baseline) {
		fprintf(out, "\nChanges: none (baseline: no previous edge set to compare "
		    "with)\n");
		return;
	}
	edgejson_time(r->prev_taken_at, when);
	if (d->n == 0) {
		fprintf(out, "\nChanges since %s: none\n", when);
		return;
	}
	fprintf(out, "\nChanges since %s: %zu\n", when, d->n);
	for (size_t i = 0; i < d->n; i++) {
		const struct diff_entry *en = &d->entries[i];
		const struct edge *ed = en->new_edge != NULL ? en->new_edge : en->old_edge;
		char *svc;

		switch (en->kind) {
		case DIFF_GAINED:
		case DIFF_LOST:
			svc = services_text(ed);
			fprintf(out, "  %-8s %s -> %s (services: %s)\n", diff_kind_name(en->kind),
			    T(ed->principal_arn), T(ed->role_arn), T(svc != NULL ? svc : "?"));
			free(svc);
			break;
		case DIFF_CHANGED:
			fprintf(out, "  %-8s %s -> %s: %s\n", "changed", T(ed->principal_arn),
			    T(ed->role_arn), T(en->what != NULL ? en->what : ""));
			break;
		case DIFF_PRIV_ADDED:
			fprintf(out, "  %-8s %s is now privileged%s%s\n", "role",
			    T(en->new_priv->role_arn), en->new_priv->nreasons > 0 ? ": " : "",
			    en->new_priv->nreasons > 0 ? T(en->new_priv->reasons[0]) : "");
			break;
		case DIFF_PRIV_REMOVED:
			fprintf(out, "  %-8s %s is no longer privileged\n", "role",
			    T(en->old_priv->role_arn));
			break;
		}
		causes_text(out, en);
	}
}

static int
finish(FILE *out, struct err *e)
{
	if (fflush(out) != 0 || ferror(out)) {
		err_set(e, "cannot write the report: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- JSON ---- */

static bool
add(cJSON *o, const char *k, cJSON *v)
{
	if (v == NULL)
		return false;
	if (!cJSON_AddItemToObject(o, k, v)) {
		cJSON_Delete(v);
		return false;
	}
	return true;
}

static cJSON *
str_or_null(const char *s)
{
	return s != NULL ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *
time_or_null(time_t t)
{
	char b[21];

	if (t == 0)
		return cJSON_CreateNull();
	edgejson_time(t, b);
	return cJSON_CreateString(b);
}

/* Copy the named arrays of the edge set's own JSON into o, so that the
 * report and the state file describe accounts, roles and edges alike. */
static bool
add_set_arrays(cJSON *o, const struct edge_set *s, const char *const *names)
{
	cJSON *full = edgejson_build(s, NULL);
	bool ok = full != NULL;

	for (size_t i = 0; ok && names[i] != NULL; i++)
		ok = add(o, names[i], cJSON_DetachItemFromObjectCaseSensitive(full, names[i]));
	cJSON_Delete(full);
	return ok;
}

static cJSON *
cause_json(const struct diff_cause *c)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL;

	ok = ok && add(o, "kind", str_or_null(c->kind));
	ok = ok && add(o, "account", str_or_null(c->account));
	ok = ok && add(o, "name", str_or_null(c->name));
	ok = ok && add(o, "arn", str_or_null(c->arn));
	ok = ok && add(o, "id", str_or_null(c->id));
	ok = ok && add(o, "on", str_or_null(c->on));
	ok = ok && add(o, "before", str_or_null(c->before));
	ok = ok && add(o, "after", str_or_null(c->after));
	ok = ok && add(o, "verified", cJSON_CreateBool(c->verified));
	ok = ok && add(o, "jointly", cJSON_CreateBool(c->jointly));
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static cJSON *
change_json(const struct diff_entry *en)
{
	cJSON *o = cJSON_CreateObject();
	const struct edge *ed = en->new_edge != NULL ? en->new_edge : en->old_edge;
	bool priv = en->kind == DIFF_PRIV_ADDED || en->kind == DIFF_PRIV_REMOVED;
	const struct edge_privileged *p = en->new_priv != NULL ? en->new_priv : en->old_priv;
	cJSON *causes;
	bool ok = o != NULL;

	ok = ok && add(o, "kind", cJSON_CreateString(diff_kind_name(en->kind)));
	ok = ok && add(o, "principal_arn", str_or_null(priv ? NULL : ed->principal_arn));
	ok = ok && add(o, "role_arn", str_or_null(priv ? p->role_arn : ed->role_arn));
	ok = ok && add(o, "what", str_or_null(en->what));
	if (priv) {
		ok = ok && add(o, "old", en->old_priv != NULL ?
		    edgejson_privileged(en->old_priv, NULL) : cJSON_CreateNull());
		ok = ok && add(o, "new", en->new_priv != NULL ?
		    edgejson_privileged(en->new_priv, NULL) : cJSON_CreateNull());
	} else {
		ok = ok && add(o, "old", en->old_edge != NULL ?
		    edgejson_edge(en->old_edge, NULL) : cJSON_CreateNull());
		ok = ok && add(o, "new", en->new_edge != NULL ?
		    edgejson_edge(en->new_edge, NULL) : cJSON_CreateNull());
	}
	ok = ok && add(o, "causes", causes = cJSON_CreateArray());
	for (size_t k = 0; ok && k < en->ncauses; k++)
		ok = cJSON_AddItemToArray(causes, cause_json(&en->causes[k]));
	ok = ok && add(o, "causes_note", str_or_null(en->causes_note));
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int
print_json(FILE *out, cJSON *o, bool ok, struct err *e)
{
	char *text = ok ? cJSON_Print(o) : NULL;
	int rc = -1;

	if (text == NULL) {
		err_set(e, "out of memory formatting the report");
		goto out;
	}
	fputs(text, out);
	fputc('\n', out);
	rc = finish(out, e);
out:
	free(text);
	cJSON_Delete(o);
	return rc;
}

/* ---- streaming ---- */

/*
 * The report is written as the run produces it: each account's edges and
 * privileged roles go to the output (JSON Lines) or to spool files
 * (tmpfile(): on disk, unlinked) as they come, and at the end the head,
 * the spooled sections and the changes are written in the report's order.
 * Memory holds one account's entries at a time, never the report.
 */
struct report {
	FILE *out;
	enum report_format fmt;
	enum report_scope scope;
	FILE *edges, *priv;	/* spools (text and JSON) */
	size_t nedges, npriv;
	struct audit_sink sink;
};

/* One JSON value on one line, into f. */
static int
put_line(FILE *f, cJSON *o, const char *sep, struct err *e)
{
	char *text = o != NULL ? cJSON_PrintUnformatted(o) : NULL;
	int rc = -1;

	if (text == NULL) {
		err_set(e, "out of memory formatting the report");
		goto out;
	}
	if (fputs(sep, f) < 0 || fputs(text, f) < 0) {
		err_set(e, "cannot write the report: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(text);
	cJSON_Delete(o);
	return rc;
}

/* o with "type": t as its first member (JSON Lines); o is taken. */
static cJSON *
typed(const char *t, cJSON *o)
{
	cJSON *n = cJSON_CreateObject(), *it;

	if (n == NULL || o == NULL || !add(n, "type", cJSON_CreateString(t))) {
		cJSON_Delete(n);
		cJSON_Delete(o);
		return NULL;
	}
	while ((it = o->child) != NULL) {
		cJSON_DetachItemViaPointer(o, it);
		cJSON_AddItemToObject(n, it->string, it);
	}
	cJSON_Delete(o);
	return n;
}

static cJSON *
account_json(const struct edge_account *a)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL;

	ok = ok && add(o, "id", cJSON_CreateString(a->id));
	ok = ok && add(o, "audited", cJSON_CreateBool(a->audited));
	ok = ok && add(o, "why", str_or_null(a->why));
	ok = ok && add(o, "org_unknown", cJSON_CreateBool(a->org_unknown));
	ok = ok && add(o, "known_at", time_or_null(a->known_at));
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static cJSON *
not_audited_json(const struct diff_not_audited *n)
{
	cJSON *c = cJSON_CreateObject();

	if (c == NULL || !add(c, "account", cJSON_CreateString(n->account)) ||
	    !add(c, "why", cJSON_CreateString(n->why)) ||
	    !add(c, "previous", cJSON_CreateBool(n->previous))) {
		cJSON_Delete(c);
		return NULL;
	}
	return c;
}

static int
rep_account(void *ctx, const struct edge_set *s, struct err *e)
{
	struct report *rp = ctx;

	if (rp->scope != REPORT_ALL) {
		/* The records only: with JSON Lines each account's line. */
		for (size_t i = 0; rp->fmt == REPORT_JSONL && rp->scope == REPORT_CHANGES &&
		    i < s->naccounts; i++)
			if (put_line(rp->out, typed("account", account_json(&s->accounts[i])), "",
			    e) != 0 || fputc('\n', rp->out) == EOF)
				goto werr;
		return ferror(rp->out) ? -1 : 0;
	}
	switch (rp->fmt) {
	case REPORT_TEXT:
		if (s->nedges > 0 && edges_table(rp->edges, s, rp->nedges == 0) != 0) {
			err_set(e, "out of memory formatting the report");
			return -1;
		}
		privileged_lines(rp->priv, s, 3);
		break;
	case REPORT_JSON:
		for (size_t i = 0; i < s->nprivileged; i++)
			if (put_line(rp->priv, edgejson_privileged(&s->privileged[i], NULL),
			    rp->npriv + i > 0 ? ",\n    " : "    ", e) != 0)
				return -1;
		for (size_t i = 0; i < s->nedges; i++)
			if (put_line(rp->edges, edgejson_edge(&s->edges[i], NULL),
			    rp->nedges + i > 0 ? ",\n    " : "    ", e) != 0)
				return -1;
		break;
	case REPORT_JSONL:
		for (size_t i = 0; i < s->naccounts; i++)
			if (put_line(rp->out, typed("account", account_json(&s->accounts[i])), "",
			    e) != 0 || fputc('\n', rp->out) == EOF)
				goto werr;
		for (size_t i = 0; i < s->nprivileged; i++)
			if (put_line(rp->out, typed("privileged", edgejson_privileged(
			    &s->privileged[i], NULL)), "", e) != 0 || fputc('\n', rp->out) == EOF)
				goto werr;
		for (size_t i = 0; i < s->nedges; i++)
			if (put_line(rp->out, typed("edge", edgejson_edge(&s->edges[i], NULL)), "",
			    e) != 0 || fputc('\n', rp->out) == EOF)
				goto werr;
		break;
	}
	rp->nedges += s->nedges;
	rp->npriv += s->nprivileged;
	return ferror(rp->out) || (rp->edges != NULL && ferror(rp->edges)) ||
	    (rp->priv != NULL && ferror(rp->priv)) ? -1 : 0;
werr:
	if (e != NULL && e->msg[0] == '\0')
		err_set(e, "cannot write the report: %s", strerror(errno));
	return -1;
}

/* Append what spool holds to out. */
static int
copy_spool(FILE *out, FILE *spool, struct err *e)
{
	char b[65536];
	size_t n;

	if (fflush(spool) != 0 || fseek(spool, 0, SEEK_SET) != 0) {
		err_set(e, "report spool: %s", strerror(errno));
		return -1;
	}
	while ((n = fread(b, 1, sizeof(b), spool)) > 0)
		if (fwrite(b, 1, n, out) != n) {
			err_set(e, "cannot write the report: %s", strerror(errno));
			return -1;
		}
	if (ferror(spool)) {
		err_set(e, "report spool: read failed");
		return -1;
	}
	return 0;
}

static int
finish_text(struct report *rp, const struct audit_result *r, struct err *e)
{
	const struct edge_set *s = r->cur;
	FILE *out = rp->out;
	char when[21];

	edgejson_time(s->taken_at, when);
	fprintf(out, "Audit of %s at %s: %s\n", T(s->source != NULL ? s->source : "?"), when,
	    r->complete ? "complete" : "INCOMPLETE (see below)");
	if (s->org_note != NULL)
		fprintf(out, "Note: %s\n", T(s->org_note));
	fputc('\n', out);
	fprintf(out, "PassRole edges to privileged roles: %zu\n", r->nedges);
	if (copy_spool(out, rp->edges, e) != 0)
		return -1;
	fputc('\n', out);
	fprintf(out, "Privileged roles: %zu\n", r->nprivileged);
	if (copy_spool(out, rp->priv, e) != 0)
		return -1;
	if (rp->scope != REPORT_ALL)
		fprintf(out, "(%s: %zu of %zu audited accounts unchanged since the last run, "
		    "not evaluated again)\n", rp->scope == REPORT_SUMMARY ? "--summary" :
		    "--changes-only", r->reused, r->audited);
	if (rp->scope != REPORT_SUMMARY)
		changes_text(out, r);
	else
		fprintf(out, "\nChanges: %zu%s\n", r->diff.n, r->diff.baseline ?
		    " (baseline)" : "");
	not_audited_text(out, r);
	if (r->saved)
		fprintf(out, "\nSaved as edge set %llu.\n", (unsigned long long)r->seq);
	return finish(out, e);
}

/* "key": value, as one member of the top level. */
static int
member(FILE *out, const char *key, cJSON *v, struct err *e)
{
	if (fprintf(out, ",\n  \"%s\": ", key) < 0) {
		cJSON_Delete(v);
		err_set(e, "cannot write the report: %s", strerror(errno));
		return -1;
	}
	return put_line(out, v, "", e);
}

/* The run's counts: what --summary and --changes-only still report. */
static cJSON *
counts_json(const struct audit_result *r)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL || !add(o, "accounts", cJSON_CreateNumber((double)r->cur->naccounts)) ||
	    !add(o, "audited", cJSON_CreateNumber((double)r->audited)) ||
	    !add(o, "reused", cJSON_CreateNumber((double)r->reused)) ||
	    !add(o, "privileged", cJSON_CreateNumber((double)r->nprivileged)) ||
	    !add(o, "edges", cJSON_CreateNumber((double)r->nedges)) ||
	    !add(o, "changes", cJSON_CreateNumber((double)r->diff.n))) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int
finish_json(struct report *rp, const struct audit_result *r, struct err *e)
{
	const struct edge_set *s = r->cur;
	FILE *out = rp->out;

	fprintf(out, "{\n  \"format\": \"%s\"", REPORT_FORMAT);
	fprintf(out, ",\n  \"version\": %d", REPORT_VERSION);
	if (member(out, "taken_at", time_or_null(s->taken_at), e) != 0 ||
	    member(out, "source", str_or_null(s->source), e) != 0 ||
	    member(out, "complete", cJSON_CreateBool(r->complete), e) != 0 ||
	    member(out, "baseline", cJSON_CreateBool(r->diff.baseline), e) != 0 ||
	    member(out, "previous_taken_at", time_or_null(r->has_prev ? r->prev_taken_at :
	    0), e) != 0 ||
	    member(out, "saved", r->saved ? cJSON_CreateNumber((double)r->seq) :
	    cJSON_CreateNull(), e) != 0 ||
	    member(out, "org_note", str_or_null(s->org_note), e) != 0 ||
	    member(out, "scope", cJSON_CreateString(rp->scope == REPORT_ALL ? "all" :
	    rp->scope == REPORT_CHANGES ? "changes" : "summary"), e) != 0 ||
	    member(out, "counts", counts_json(r), e) != 0)
		return -1;
	fputs(",\n  \"accounts\": [", out);
	for (size_t i = 0; i < s->naccounts; i++)
		if (put_line(out, account_json(&s->accounts[i]), i > 0 ? ",\n    " : "\n    ",
		    e) != 0)
			return -1;
	fputs(s->naccounts > 0 ? "\n  ],\n  \"privileged\": [" : "],\n  \"privileged\": [", out);
	if (rp->npriv > 0 && (fputc('\n', out) == EOF || copy_spool(out, rp->priv, e) != 0 ||
	    fputs("\n  ", out) == EOF))
		return -1;
	fputs("],\n  \"edges\": [", out);
	if (rp->nedges > 0 && (fputc('\n', out) == EOF || copy_spool(out, rp->edges, e) != 0 ||
	    fputs("\n  ", out) == EOF))
		return -1;
	fputs("],\n  \"changes\": [", out);
	for (size_t i = 0; rp->scope != REPORT_SUMMARY && i < r->diff.n; i++)
		if (put_line(out, change_json(&r->diff.entries[i]), i > 0 ? ",\n    " :
		    "\n    ", e) != 0)
			return -1;
	fputs(r->diff.n > 0 && rp->scope != REPORT_SUMMARY ? "\n  ],\n  \"not_audited\": [" :
	    "],\n  \"not_audited\": [", out);
	for (size_t i = 0; i < r->diff.nnot_audited; i++)
		if (put_line(out, not_audited_json(&r->diff.not_audited[i]), i > 0 ?
		    ",\n    " : "\n    ", e) != 0)
			return -1;
	fputs(r->diff.nnot_audited > 0 ? "\n  ]\n}\n" : "]\n}\n", out);
	return finish(out, e);
}

static int
finish_jsonl(struct report *rp, const struct audit_result *r, struct err *e)
{
	const struct edge_set *s = r->cur;
	FILE *out = rp->out;
	cJSON *o, *a;
	bool ok;

	for (size_t i = 0; rp->scope != REPORT_SUMMARY && i < r->diff.n; i++)
		if (put_line(out, typed("change", change_json(&r->diff.entries[i])), "", e) != 0 ||
		    fputc('\n', out) == EOF)
			return -1;
	o = cJSON_CreateObject();
	ok = o != NULL;
	ok = ok && add(o, "type", cJSON_CreateString("summary"));
	ok = ok && add(o, "format", cJSON_CreateString(REPORT_FORMAT));
	ok = ok && add(o, "version", cJSON_CreateNumber(REPORT_VERSION));
	ok = ok && add(o, "taken_at", time_or_null(s->taken_at));
	ok = ok && add(o, "source", str_or_null(s->source));
	ok = ok && add(o, "complete", cJSON_CreateBool(r->complete));
	ok = ok && add(o, "baseline", cJSON_CreateBool(r->diff.baseline));
	ok = ok && add(o, "previous_taken_at", time_or_null(r->has_prev ? r->prev_taken_at : 0));
	ok = ok && add(o, "saved", r->saved ? cJSON_CreateNumber((double)r->seq) :
	    cJSON_CreateNull());
	ok = ok && add(o, "org_note", str_or_null(s->org_note));
	ok = ok && add(o, "accounts", cJSON_CreateNumber((double)s->naccounts));
	ok = ok && add(o, "privileged", cJSON_CreateNumber((double)r->nprivileged));
	ok = ok && add(o, "edges", cJSON_CreateNumber((double)r->nedges));
	ok = ok && add(o, "changes", cJSON_CreateNumber((double)r->diff.n));
	ok = ok && add(o, "audited", cJSON_CreateNumber((double)r->audited));
	ok = ok && add(o, "reused", cJSON_CreateNumber((double)r->reused));
	ok = ok && add(o, "scope", cJSON_CreateString(rp->scope == REPORT_ALL ? "all" :
	    rp->scope == REPORT_CHANGES ? "changes" : "summary"));
	ok = ok && add(o, "not_audited", a = cJSON_CreateArray());
	for (size_t i = 0; ok && i < r->diff.nnot_audited; i++) {
		cJSON *c = not_audited_json(&r->diff.not_audited[i]);

		ok = c != NULL && cJSON_AddItemToArray(a, c);
		if (!ok)
			cJSON_Delete(c);
	}
	if (!ok) {
		cJSON_Delete(o);
		err_set(e, "out of memory formatting the report");
		return -1;
	}
	if (put_line(out, o, "", e) != 0 || fputc('\n', out) == EOF)
		return -1;
	return finish(out, e);
}

static int
rep_finish(void *ctx, const struct audit_result *r, struct err *e)
{
	struct report *rp = ctx;

	switch (rp->fmt) {
	case REPORT_TEXT:
		return finish_text(rp, r, e);
	case REPORT_JSON:
		return finish_json(rp, r, e);
	case REPORT_JSONL:
		return finish_jsonl(rp, r, e);
	}
	return -1;
}

struct report *
report_new(FILE *out, enum report_format fmt, enum report_scope scope, struct err *e)
{
	struct report *rp = calloc(1, sizeof(*rp));

	if (rp == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	rp->out = out;
	rp->fmt = fmt;
	rp->scope = scope;
	if (fmt != REPORT_JSONL && ((rp->edges = tmpfile()) == NULL ||
	    (rp->priv = tmpfile()) == NULL)) {
		err_set(e, "report: cannot create a spool file: %s", strerror(errno));
		report_free(rp);
		return NULL;
	}
	rp->sink.account = rep_account;
	rp->sink.entries = scope == REPORT_ALL;
	rp->sink.finish = rep_finish;
	rp->sink.ctx = rp;
	return rp;
}

const struct audit_sink *
report_sink(struct report *rp)
{
	return &rp->sink;
}

void
report_free(struct report *rp)
{
	if (rp == NULL)
		return;
	if (rp->edges != NULL)
		fclose(rp->edges);
	if (rp->priv != NULL)
		fclose(rp->priv);
	free(rp);
}

int
report_audit(FILE *out, const struct edge_set *all, const struct audit_result *r,
    enum report_format fmt, struct err *e)
{
	struct report *rp = report_new(out, fmt, REPORT_ALL, e);
	struct audit_result whole = *r;
	int rc = -1;

	if (rp == NULL)
		return -1;
	whole.nedges = all->nedges;
	whole.nprivileged = all->nprivileged;
	/* One account at a time, as a run hands them over. */
	for (size_t i = 0; i < all->naccounts; i++) {
		struct edge_set one = *all;
		size_t ne = 0, np = 0, j = 0, k = 0;
		struct edge *ev = NULL;
		struct edge_privileged *pv = NULL;

		for (size_t x = 0; x < all->nedges; x++)
			ne += strcmp(all->edges[x].account, all->accounts[i].id) == 0;
		for (size_t x = 0; x < all->nprivileged; x++)
			np += strcmp(all->privileged[x].account, all->accounts[i].id) == 0;
		if ((ne > 0 && (ev = calloc(ne, sizeof(*ev))) == NULL) ||
		    (np > 0 && (pv = calloc(np, sizeof(*pv))) == NULL)) {
			free(ev);
			err_set(e, "out of memory");
			goto out;
		}
		/* Shallow views: the entries stay all's. */
		for (size_t x = 0; x < all->nedges; x++)
			if (strcmp(all->edges[x].account, all->accounts[i].id) == 0)
				ev[j++] = all->edges[x];
		for (size_t x = 0; x < all->nprivileged; x++)
			if (strcmp(all->privileged[x].account, all->accounts[i].id) == 0)
				pv[k++] = all->privileged[x];
		one.accounts = &all->accounts[i];
		one.naccounts = 1;
		one.edges = ev;
		one.nedges = ne;
		one.privileged = pv;
		one.nprivileged = np;
		k = (size_t)rep_account(rp, &one, e);
		free(ev);
		free(pv);
		if (k != 0)
			goto out;
	}
	rc = rep_finish(rp, &whole, e);
out:
	report_free(rp);
	return rc;
}

int
report_privileged(FILE *out, const struct edge_set *s, bool json, struct err *e)
{
	static const char *const arrays[] = { "accounts", "privileged", NULL };
	cJSON *o;
	bool ok;
	char when[21];

	if (!json) {
		edgejson_time(s->taken_at, when);
		fprintf(out, "Privileged roles in %s at %s\n", T(s->source != NULL ? s->source : "?"),
		    when);
		if (s->org_note != NULL)
			fprintf(out, "Note: %s\n", T(s->org_note));
		for (size_t i = 0; i < s->naccounts; i++)
			if (!s->accounts[i].audited)
				fprintf(out, "Not audited: %s: %s\n", T(s->accounts[i].id),
				    T(s->accounts[i].why != NULL ? s->accounts[i].why : "?"));
		fputc('\n', out);
		fprintf(out, "Privileged roles: %zu\n", s->nprivileged);
		privileged_lines(out, s, 0);
		return finish(out, e);
	}
	o = cJSON_CreateObject();
	ok = o != NULL;
	ok = ok && add(o, "format", cJSON_CreateString("passrole-auditd-privileged"));
	ok = ok && add(o, "version", cJSON_CreateNumber(REPORT_VERSION));
	ok = ok && add(o, "taken_at", time_or_null(s->taken_at));
	ok = ok && add(o, "source", str_or_null(s->source));
	ok = ok && add(o, "org_note", str_or_null(s->org_note));
	ok = ok && add_set_arrays(o, s, arrays);
	return print_json(out, o, ok, e);
}
