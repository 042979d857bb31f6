/*
 * Audit reports: the streaming, the filters and the JSON forms; the text
 * layout is reporttext.c's. See report.h.
 */
#include "config.h"

#include "audit/report.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "accepted.h"
#include "audit/edgejson.h"
#include "audit/reporttext.h"
#include "util/buf.h"

/* ---- filters ---- */

static bool
match_any(const char *const *pats, size_t n, const char *s)
{
	if (n == 0)
		return true;
	for (size_t i = 0; s != NULL && i < n; i++)
		if (fnmatch(pats[i], s, 0) == 0)
			return true;
	return false;
}

/* An ARN's patterns match the whole ARN or its name, after the last '/'. */
static bool
match_arn(const char *const *pats, size_t n, const char *arn)
{
	const char *name;

	if (n == 0)
		return true;
	if (arn == NULL)
		return false;
	name = strrchr(arn, '/');
	return match_any(pats, n, arn) || (name != NULL && match_any(pats, n, name + 1));
}

bool
report_filter_active(const struct report_filter *f)
{
	return f->naccounts + f->nroles + f->nprincipals > 0;
}

bool
report_filter_account(const struct report_filter *f, const char *id)
{
	return match_any(f->accounts, f->naccounts, id);
}

bool
report_filter_edge(const struct report_filter *f, const struct edge *ed)
{
	return match_any(f->accounts, f->naccounts, ed->account) &&
	    match_arn(f->roles, f->nroles, ed->role_arn) &&
	    match_arn(f->principals, f->nprincipals, ed->principal_arn);
}

bool
report_filter_privileged(const struct report_filter *f, const struct edge_privileged *p)
{
	return f->nprincipals == 0 && match_any(f->accounts, f->naccounts, p->account) &&
	    match_arn(f->roles, f->nroles, p->role_arn);
}

bool
report_filter_change(const struct report_filter *f, const struct diff_entry *en)
{
	const struct edge *ed = en->new_edge != NULL ? en->new_edge : en->old_edge;
	const struct edge_privileged *p = en->new_priv != NULL ? en->new_priv : en->old_priv;

	return ed != NULL ? report_filter_edge(f, ed) : p != NULL && report_filter_privileged(f, p);
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
	struct report_view view;
	FILE *edges, *priv;	/* spools (text and JSON) */
	size_t nedges, npriv;	/* written to them (JSON separators) */
	struct reporttext_tally tally;	/* text: what was shown */
	struct audit_sink sink;
	const struct accepted_list *acc;	/* borrowed, may be NULL */
	time_t now;
};

/* The accepted entry an edge falls under, as JSON; NULL when none (or
 * ENOMEM, which then shows as not accepted rather than failing). */
static cJSON *
accepted_json(const struct report *rp, const struct edge *ed)
{
	const struct accepted_entry *en = accepted_match(rp->acc, ed->principal_arn,
	    ed->role_arn, ed->services, ed->nservices, rp->now, NULL);
	cJSON *o;

	if (en == NULL || (o = cJSON_CreateObject()) == NULL)
		return NULL;
	if (cJSON_AddStringToObject(o, "reason", en->reason) == NULL ||
	    cJSON_AddStringToObject(o, "accepted_by", en->accepted_by) == NULL ||
	    cJSON_AddStringToObject(o, "expires", en->expires) == NULL ||
	    cJSON_AddStringToObject(o, "entry", rp->acc->path) == NULL ||
	    cJSON_AddNumberToObject(o, "line", en->line) == NULL) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* An edge's JSON with "accepted" when an entry accepts it. */
static cJSON *
edge_json_acc(const struct report *rp, const struct edge *ed)
{
	cJSON *o = edgejson_edge(ed, NULL), *a;

	if (o != NULL && (a = accepted_json(rp, ed)) != NULL)
		cJSON_AddItemToObject(o, "accepted", a);
	return o;
}

/* Text: one line per accepted edge, after the account's edges. */
static int
accepted_lines(const struct report *rp, FILE *out, const struct edge_set *s)
{
	struct buf b;
	int rc = 0;

	buf_init(&b, 0);
	for (size_t i = 0; rp->acc != NULL && rc == 0 && i < s->nedges; i++) {
		const struct edge *ed = &s->edges[i];
		const struct accepted_entry *en = accepted_match(rp->acc, ed->principal_arn,
		    ed->role_arn, ed->services, ed->nservices, rp->now, NULL);

		if (en == NULL)
			continue;
		buf_reset(&b);
		rc = buf_printf(&b, "%s -> %s: accepted by %s until %s: %s (%s:%u)",
		    ed->principal_arn, ed->role_arn, en->accepted_by, en->expires, en->reason,
		    rp->acc->path, en->line);
		if (rc == 0)
			rc = reporttext_note(out, rp->view.width, 2, buf_cstr(&b));
	}
	buf_free(&b);
	return rc;
}

void
report_set_accepted(struct report *rp, const struct accepted_list *acc, time_t now)
{
	rp->acc = acc;
	rp->now = now;
}

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

/* The entries of s that the filter shows, as shallow copies (the strings
 * stay s's) in arrays one owns: free them with view_free. */
static int
view_of(const struct report_filter *f, const struct edge_set *s, struct edge_set *one)
{
	*one = *s;
	one->accounts = NULL;
	one->edges = NULL;
	one->privileged = NULL;
	one->naccounts = one->nedges = one->nprivileged = 0;
	if ((s->naccounts > 0 && (one->accounts = calloc(s->naccounts,
	    sizeof(*one->accounts))) == NULL) ||
	    (s->nedges > 0 && (one->edges = calloc(s->nedges, sizeof(*one->edges))) == NULL) ||
	    (s->nprivileged > 0 && (one->privileged = calloc(s->nprivileged,
	    sizeof(*one->privileged))) == NULL))
		return -1;
	for (size_t i = 0; i < s->naccounts; i++)
		if (report_filter_account(f, s->accounts[i].id))
			one->accounts[one->naccounts++] = s->accounts[i];
	for (size_t i = 0; i < s->nedges; i++)
		if (report_filter_edge(f, &s->edges[i]))
			one->edges[one->nedges++] = s->edges[i];
	for (size_t i = 0; i < s->nprivileged; i++)
		if (report_filter_privileged(f, &s->privileged[i]))
			one->privileged[one->nprivileged++] = s->privileged[i];
	return 0;
}

static void
view_free(struct edge_set *one)
{
	free(one->accounts);
	free(one->edges);
	free(one->privileged);
}

static int
rep_account_shown(struct report *rp, const struct edge_set *s, struct err *e)
{
	if (rp->scope != REPORT_ALL) {
		/* The records only: with JSON Lines each account's line; the
		 * text's summary counts what a filter lets through. */
		for (size_t i = 0; rp->fmt == REPORT_JSONL && rp->scope == REPORT_CHANGES &&
		    i < s->naccounts; i++)
			if (put_line(rp->out, typed("account", account_json(&s->accounts[i])), "",
			    e) != 0 || fputc('\n', rp->out) == EOF)
				goto werr;
		if (rp->fmt == REPORT_TEXT && rp->sink.entries &&
		    reporttext_count(&rp->tally, s) != 0) {
			err_set(e, "out of memory formatting the report");
			return -1;
		}
		return ferror(rp->out) ? -1 : 0;
	}
	switch (rp->fmt) {
	case REPORT_TEXT:
		if (reporttext_account(rp->edges, rp->priv, s, &rp->view, &rp->tally) != 0 ||
		    accepted_lines(rp, rp->edges, s) != 0) {
			err_set(e, "cannot write the report spool: %s", errno != 0 ?
			    strerror(errno) : "out of memory");
			return -1;
		}
		break;
	case REPORT_JSON:
		for (size_t i = 0; i < s->nprivileged; i++)
			if (put_line(rp->priv, edgejson_privileged(&s->privileged[i], NULL),
			    rp->npriv + i > 0 ? ",\n    " : "    ", e) != 0)
				return -1;
		for (size_t i = 0; i < s->nedges; i++)
			if (put_line(rp->edges, edge_json_acc(rp, &s->edges[i]),
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
			if (put_line(rp->out, typed("edge", edge_json_acc(rp, &s->edges[i])), "",
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

static int
rep_account(void *ctx, const struct edge_set *s, struct err *e)
{
	struct report *rp = ctx;
	struct edge_set one;
	int rc;

	if (view_of(&rp->view.filter, s, &one) != 0) {
		view_free(&one);
		err_set(e, "out of memory formatting the report");
		return -1;
	}
	rc = rep_account_shown(rp, &one, e);
	view_free(&one);
	return rc;
}

/* Append what spool holds to out. */
int
report_copy_spool(FILE *out, FILE *spool, struct err *e)
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
	struct reporttext_end x = { r, rp->scope, &rp->view, rp->sink.entries ? &rp->tally :
		NULL, rp->edges, rp->priv };

	return reporttext_finish(rp->out, &x, e);
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

/* The patterns of an active filter, or null. */
static cJSON *
filter_json(const struct report_filter *f)
{
	const struct {
		const char *key;
		const char *const *p;
		size_t n;
	} lists[] = { { "accounts", f->accounts, f->naccounts },
		{ "roles", f->roles, f->nroles }, { "principals", f->principals, f->nprincipals } };
	cJSON *o;
	bool ok;

	if (!report_filter_active(f))
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	ok = o != NULL;
	for (size_t i = 0; ok && i < sizeof(lists) / sizeof(lists[0]); i++) {
		cJSON *a = cJSON_CreateArray();

		ok = add(o, lists[i].key, a);
		for (size_t k = 0; ok && k < lists[i].n; k++) {
			cJSON *v = cJSON_CreateString(lists[i].p[k]);

			ok = v != NULL && cJSON_AddItemToArray(a, v);
			if (!ok)
				cJSON_Delete(v);
		}
	}
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
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
	const struct report_filter *f = &rp->view.filter;
	FILE *out = rp->out;
	size_t n = 0;

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
	    member(out, "counts", counts_json(r), e) != 0 ||
	    member(out, "filter", filter_json(f), e) != 0)
		return -1;
	fputs(",\n  \"accounts\": [", out);
	for (size_t i = 0; i < s->naccounts; i++)
		if (report_filter_account(f, s->accounts[i].id) && put_line(out,
		    account_json(&s->accounts[i]), n++ > 0 ? ",\n    " : "\n    ", e) != 0)
			return -1;
	fputs(n > 0 ? "\n  ],\n  \"privileged\": [" : "],\n  \"privileged\": [", out);
	if (rp->npriv > 0 && (fputc('\n', out) == EOF || report_copy_spool(out, rp->priv, e) != 0 ||
	    fputs("\n  ", out) == EOF))
		return -1;
	fputs("],\n  \"edges\": [", out);
	if (rp->nedges > 0 && (fputc('\n', out) == EOF || report_copy_spool(out, rp->edges, e) != 0 ||
	    fputs("\n  ", out) == EOF))
		return -1;
	fputs("],\n  \"changes\": [", out);
	n = 0;
	for (size_t i = 0; rp->scope != REPORT_SUMMARY && i < r->diff.n; i++)
		if (report_filter_change(f, &r->diff.entries[i]) && put_line(out,
		    change_json(&r->diff.entries[i]), n++ > 0 ? ",\n    " : "\n    ", e) != 0)
			return -1;
	fputs(n > 0 ? "\n  ],\n  \"not_audited\": [" : "],\n  \"not_audited\": [", out);
	n = 0;
	for (size_t i = 0; i < r->diff.nnot_audited; i++)
		if (report_filter_account(f, r->diff.not_audited[i].account) && put_line(out,
		    not_audited_json(&r->diff.not_audited[i]), n++ > 0 ? ",\n    " : "\n    ",
		    e) != 0)
			return -1;
	fputs(n > 0 ? "\n  ]\n}\n" : "]\n}\n", out);
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
		if (report_filter_change(&rp->view.filter, &r->diff.entries[i]) &&
		    (put_line(out, typed("change", change_json(&r->diff.entries[i])), "", e) != 0 ||
		    fputc('\n', out) == EOF))
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
	ok = ok && add(o, "filter", filter_json(&rp->view.filter));
	ok = ok && add(o, "not_audited", a = cJSON_CreateArray());
	for (size_t i = 0; ok && i < r->diff.nnot_audited; i++) {
		cJSON *c;

		if (!report_filter_account(&rp->view.filter, r->diff.not_audited[i].account))
			continue;
		c = not_audited_json(&r->diff.not_audited[i]);

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
	rp->view.width = fmt == REPORT_TEXT ? reporttext_width(out) : 0;
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

void
report_set_view(struct report *rp, const struct report_view *v)
{
	rp->view = *v;
	if (rp->fmt == REPORT_TEXT && rp->view.width == 0)
		rp->view.width = reporttext_width(rp->out);
	if (rp->view.width != 0 && rp->view.width < REPORTTEXT_MIN_WIDTH)
		rp->view.width = REPORTTEXT_MIN_WIDTH;
	if (rp->view.width > REPORTTEXT_MAX_WIDTH)
		rp->view.width = REPORTTEXT_MAX_WIDTH;
	/* A filtered --summary or --changes-only counts the entries it
	 * shows, so it needs them even where the saved ones are reused. */
	rp->sink.entries = rp->scope == REPORT_ALL || report_filter_active(&rp->view.filter);
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
    enum report_format fmt, const struct report_view *v, struct err *e)
{
	struct report *rp = report_new(out, fmt, REPORT_ALL, e);
	struct audit_result whole = *r;
	int rc = -1;

	if (rp == NULL)
		return -1;
	if (v != NULL)
		report_set_view(rp, v);
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

	if (!json)
		return reporttext_privileged(out, s, reporttext_width(out), e);
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
