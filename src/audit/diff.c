/*
 * Diff of two edge sets. See diff.h.
 *
 * Both sets must be sorted (edge_set_sort): the edges and the privileged
 * roles are walked side by side in key order.
 *
 * An account's edges are compared only when both runs audited it with the
 * same knowledge of the organization policies; every other account is
 * listed as not audited, with the reason, and none of its edges count as
 * gained or lost:
 *   - not audited this run (its snapshot parts were incomplete);
 *   - not audited, or not in scope, in the previous run (this run is its
 *     baseline: "previous" is set);
 *   - in the previous run but not in this one;
 *   - SCPs/RCPs readable in one run and not in the other: single-account
 *     results would show every SCP-denied edge as gained (or lost).
 */
#include "config.h"

#include "audit/diff.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/strutil.h"

static const char WHY_NOT_BEFORE[] = "not in the previous run";
static const char WHY_GONE_SCOPE[] =
    "not in this run (it left the organization or the configured scope)";
static const char WHY_GONE_ORG[] =
    "not listed in this run (the organization could not be read)";
static const char WHY_ORG_NOW[] =
    "organization policies (SCPs, RCPs) could not be read in this run; not compared";
static const char WHY_ORG_BEFORE[] =
    "organization policies (SCPs, RCPs) could not be read in the previous run; "
    "not compared";

const char *
diff_kind_name(enum diff_kind k)
{
	switch (k) {
	case DIFF_GAINED: return "gained";
	case DIFF_LOST: return "lost";
	case DIFF_CHANGED: return "changed";
	case DIFF_PRIV_ADDED: return "privileged-added";
	case DIFF_PRIV_REMOVED: return "privileged-removed";
	}
	return "?";
}

void
diff_cause_clear(struct diff_cause *c)
{
	free(c->kind), free(c->account), free(c->name), free(c->arn), free(c->id);
	free(c->on), free(c->before), free(c->after);
	memset(c, 0, sizeof(*c));
}

static int
copy_str(char **d, const char *s)
{
	*d = NULL;
	return s == NULL || (*d = strdup(s)) != NULL ? 0 : -1;
}

int
diff_cause_copy(struct diff_cause *d, const struct diff_cause *s)
{
	d->verified = s->verified;
	d->jointly = s->jointly;
	return copy_str(&d->kind, s->kind) | copy_str(&d->account, s->account) |
	    copy_str(&d->name, s->name) | copy_str(&d->arn, s->arn) | copy_str(&d->id, s->id) |
	    copy_str(&d->on, s->on) | copy_str(&d->before, s->before) |
	    copy_str(&d->after, s->after);
}

static void
entry_causes_free(struct diff_entry *en)
{
	for (size_t k = 0; k < en->ncauses; k++)
		diff_cause_clear(&en->causes[k]);
	free(en->causes);
	en->causes = NULL;
	en->ncauses = 0;
}

void
diff_free(struct edge_diff *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++) {
		struct diff_entry *en = &d->entries[i];

		free(en->what);
		entry_causes_free(en);
		if (!d->owned)
			continue;
		/* Owned copies: the const is the borrowing view's. */
		if (en->old_edge != NULL)
			edge_clear((struct edge *)en->old_edge), free((void *)en->old_edge);
		if (en->new_edge != NULL)
			edge_clear((struct edge *)en->new_edge), free((void *)en->new_edge);
		if (en->old_priv != NULL)
			edge_privileged_clear((struct edge_privileged *)en->old_priv),
			    free((void *)en->old_priv);
		if (en->new_priv != NULL)
			edge_privileged_clear((struct edge_privileged *)en->new_priv),
			    free((void *)en->new_priv);
	}
	free(d->entries);
	for (size_t i = 0; d->owned && i < d->nnot_audited; i++)
		free((void *)d->not_audited[i].account), free((void *)d->not_audited[i].why);
	free(d->not_audited);
	memset(d, 0, sizeof(*d));
}

static const struct edge *
own_edge(const struct edge *s, bool *oom)
{
	struct edge *d;

	if (s == NULL)
		return NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		*oom = true;
		return NULL;
	}
	if (edge_copy(d, s) != 0) {
		edge_clear(d);
		free(d);
		*oom = true;
		return NULL;
	}
	return d;
}

static const struct edge_privileged *
own_priv(const struct edge_privileged *s, bool *oom)
{
	struct edge_privileged *d;

	if (s == NULL)
		return NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		*oom = true;
		return NULL;
	}
	if (edge_privileged_copy(d, s) != 0) {
		edge_privileged_clear(d);
		free(d);
		*oom = true;
		return NULL;
	}
	return d;
}

int
diff_absorb(struct edge_diff *run, struct edge_diff *acct, struct err *e)
{
	bool oom = false;

	run->owned = true;
	if (acct->n > 0) {
		struct diff_entry *g = realloc(run->entries, (run->n + acct->n) * sizeof(*g));

		if (g == NULL)
			goto oom;
		run->entries = g;
		for (size_t i = 0; i < acct->n; i++) {
			struct diff_entry *d = &run->entries[run->n++];
			const struct diff_entry *s = &acct->entries[i];

			memset(d, 0, sizeof(*d));
			d->kind = s->kind;
			d->what = s->what;
			acct->entries[i].what = NULL;
			/* The causes are the entry's own: moved, not copied. */
			d->causes = s->causes;
			d->ncauses = s->ncauses;
			d->causes_note = s->causes_note;
			acct->entries[i].causes = NULL;
			acct->entries[i].ncauses = 0;
			d->old_edge = own_edge(s->old_edge, &oom);
			d->new_edge = own_edge(s->new_edge, &oom);
			d->old_priv = own_priv(s->old_priv, &oom);
			d->new_priv = own_priv(s->new_priv, &oom);
			if (oom)
				goto oom;
		}
	}
	if (acct->nnot_audited > 0) {
		struct diff_not_audited *g = realloc(run->not_audited,
		    (run->nnot_audited + acct->nnot_audited) * sizeof(*g));

		if (g == NULL)
			goto oom;
		run->not_audited = g;
		for (size_t i = 0; i < acct->nnot_audited; i++) {
			struct diff_not_audited *d = &run->not_audited[run->nnot_audited];
			const struct diff_not_audited *s = &acct->not_audited[i];

			d->previous = s->previous;
			d->account = strdup(s->account);
			d->why = strdup(s->why);
			if (d->account == NULL || d->why == NULL) {
				free((void *)d->account), free((void *)d->why);
				goto oom;
			}
			run->nnot_audited++;
		}
	}
	return 0;
oom:
	err_set(e, "out of memory keeping the run's changes");
	return -1;
}

static bool
is_priv(enum diff_kind k)
{
	return k == DIFF_PRIV_ADDED || k == DIFF_PRIV_REMOVED;
}

int
diff_finish(struct edge_diff *run, struct err *e)
{
	struct diff_entry *v;
	size_t k = 0;

	if (run->n < 2)
		return 0;
	if ((v = malloc(run->n * sizeof(*v))) == NULL) {
		err_set(e, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < run->n; i++)
		if (!is_priv(run->entries[i].kind))
			v[k++] = run->entries[i];
	for (size_t i = 0; i < run->n; i++)
		if (is_priv(run->entries[i].kind))
			v[k++] = run->entries[i];
	free(run->entries);
	run->entries = v;
	return 0;
}

static bool
comparable(const struct edge_set *old, const struct edge_set *cur, const char *account)
{
	const struct edge_account *o, *c;

	if (account == NULL)
		return false;
	o = edge_set_account(old, account);
	c = edge_set_account(cur, account);
	return o != NULL && c != NULL && o->audited && c->audited &&
	    o->org_unknown == c->org_unknown;
}

static struct diff_entry *
new_entry(struct edge_diff *d, enum diff_kind k)
{
	struct diff_entry *g = realloc(d->entries, (d->n + 1) * sizeof(*g));

	if (g == NULL)
		return NULL;
	d->entries = g;
	memset(&g[d->n], 0, sizeof(*g));
	g[d->n].kind = k;
	return &g[d->n++];
}

static int
not_audited(struct edge_diff *d, const char *account, const char *why, bool previous)
{
	struct diff_not_audited *g = realloc(d->not_audited,
	    (d->nnot_audited + 1) * sizeof(*g));

	if (g == NULL)
		return -1;
	d->not_audited = g;
	g[d->nnot_audited].account = account;
	g[d->nnot_audited].why = why != NULL ? why : "not audited";
	g[d->nnot_audited].previous = previous;
	d->nnot_audited++;
	return 0;
}

static int
list_not_audited(struct edge_diff *d, const struct edge_set *old, const struct edge_set *cur)
{
	for (size_t i = 0; i < cur->naccounts; i++) {
		const struct edge_account *c = &cur->accounts[i];
		const struct edge_account *o = old != NULL ? edge_set_account(old, c->id) : NULL;
		int rc = 0;

		if (!c->audited)
			rc = not_audited(d, c->id, c->why, false);
		else if (old == NULL)
			continue;
		else if (o == NULL)
			rc = not_audited(d, c->id, WHY_NOT_BEFORE, true);
		else if (!o->audited)
			rc = not_audited(d, c->id, o->why, true);
		else if (c->org_unknown && !o->org_unknown)
			rc = not_audited(d, c->id, WHY_ORG_NOW, false);
		else if (!c->org_unknown && o->org_unknown)
			rc = not_audited(d, c->id, WHY_ORG_BEFORE, true);
		if (rc != 0)
			return -1;
	}
	for (size_t i = 0; old != NULL && i < old->naccounts; i++) {
		const struct edge_account *o = &old->accounts[i];

		if (edge_set_account(cur, o->id) == NULL && o->audited &&
		    not_audited(d, o->id, cur->org_note != NULL ? WHY_GONE_ORG :
		    WHY_GONE_SCOPE, false) != 0)
			return -1;
	}
	return 0;
}

static int
cmp_edges(const struct edge *a, const struct edge *b)
{
	int c = strutil_cmp(a->principal_arn, b->principal_arn);

	return c != 0 ? c : strutil_cmp(a->role_arn, b->role_arn);
}

static int
sep(struct buf *b)
{
	return b->len > 0 ? buf_puts(b, "; ") : 0;
}

static int
path_text(struct buf *b, const struct edge *ed)
{
	if (ed->npath == 0)
		return buf_puts(b, "direct");
	for (size_t i = 0; i < ed->npath; i++) {
		const struct edge_hop *h = &ed->path[i];

		if (buf_printf(b, "%s%s %s", i > 0 ? " -> " : "", h->kind, h->arn) != 0)
			return -1;
		if (h->via_service != NULL && buf_printf(b, " via %s", h->via_service) != 0)
			return -1;
	}
	return 0;
}

static bool
same_path(const struct edge *a, const struct edge *b)
{
	if (a->npath != b->npath)
		return false;
	for (size_t i = 0; i < a->npath; i++)
		if (strutil_cmp(a->path[i].kind, b->path[i].kind) != 0 ||
		    strutil_cmp(a->path[i].arn, b->path[i].arn) != 0 ||
		    strutil_cmp(a->path[i].via_service, b->path[i].via_service) != 0)
			return false;
	return true;
}

/* What differs between two edges with the same key, in words; an empty
 * buffer when nothing the diff tracks differs (the reason and the
 * caveats are reported, not diffed: rewording a policy is not a change of
 * who can pass what). */
static int
what_changed(struct buf *b, const struct edge *o, const struct edge *c)
{
	size_t i = 0, j = 0;
	bool svc = false;

	/* Both service lists are sorted: walk them side by side. */
	while (i < o->nservices || j < c->nservices) {
		int k = i >= o->nservices ? 1 : j >= c->nservices ? -1 :
		    strcmp(o->services[i], c->services[j]);

		if (k == 0) {
			i++, j++;
			continue;
		}
		if (!svc && (sep(b) != 0 || buf_puts(b, "services") != 0))
			return -1;
		svc = true;
		if (buf_printf(b, " %c%s", k < 0 ? '-' : '+',
		    k < 0 ? o->services[i++] : c->services[j++]) != 0)
			return -1;
	}
	if (o->no_service != c->no_service && (sep(b) != 0 ||
	    buf_puts(b, c->no_service ? "no service can use the role now" :
	    "a service can use the role now") != 0))
		return -1;
	/* State written before usability was known says nothing about it:
	 * the first audit after an upgrade is no change. */
	if (o->usable != c->usable && o->usable != EDGE_USABLE_UNKNOWN &&
	    c->usable != EDGE_USABLE_UNKNOWN && (sep(b) != 0 ||
	    buf_printf(b, "usable now %s", edge_usable_name(c->usable)) != 0))
		return -1;
	if (o->conditional != c->conditional || strutil_cmp(o->conditions, c->conditions) != 0) {
		if (sep(b) != 0)
			return -1;
		if (c->conditional ? buf_printf(b, "conditions now %s",
		    c->conditions != NULL ? c->conditions : "(unstated)") :
		    buf_puts(b, "conditions now none"))
			return -1;
	}
	if (!same_path(o, c) && (sep(b) != 0 || buf_puts(b, "path now ") != 0 ||
	    path_text(b, c) != 0))
		return -1;
	return 0;
}

bool
diff_edge_same(const struct edge *a, const struct edge *b)
{
	struct buf w;
	bool same;

	buf_init(&w, 0);
	same = what_changed(&w, a, b) == 0 && w.len == 0;
	buf_free(&w);
	return same;
}

static int
diff_edges(struct edge_diff *d, const struct edge_set *old, const struct edge_set *cur)
{
	size_t i = 0, j = 0;
	struct buf b;
	int rc = -1;

	buf_init(&b, 0);
	while (i < old->nedges || j < cur->nedges) {
		const struct edge *o = i < old->nedges ? &old->edges[i] : NULL;
		const struct edge *c = j < cur->nedges ? &cur->edges[j] : NULL;
		int k = o == NULL ? 1 : c == NULL ? -1 : cmp_edges(o, c);
		struct diff_entry *en;

		if (k < 0) {
			i++;
			if (!comparable(old, cur, o->account))
				continue;
			if ((en = new_entry(d, DIFF_LOST)) == NULL)
				goto out;
			en->old_edge = o;
		} else if (k > 0) {
			j++;
			if (!comparable(old, cur, c->account))
				continue;
			if ((en = new_entry(d, DIFF_GAINED)) == NULL)
				goto out;
			en->new_edge = c;
		} else {
			i++, j++;
			if (!comparable(old, cur, c->account))
				continue;
			buf_reset(&b);
			if (what_changed(&b, o, c) != 0)
				goto out;
			if (b.len == 0)
				continue;
			if ((en = new_entry(d, DIFF_CHANGED)) == NULL)
				goto out;
			en->old_edge = o;
			en->new_edge = c;
			if ((en->what = buf_steal(&b)) == NULL)
				goto out;
		}
	}
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

static int
diff_privileged(struct edge_diff *d, const struct edge_set *old, const struct edge_set *cur)
{
	size_t i = 0, j = 0;

	while (i < old->nprivileged || j < cur->nprivileged) {
		const struct edge_privileged *o = i < old->nprivileged ? &old->privileged[i] : NULL;
		const struct edge_privileged *c = j < cur->nprivileged ? &cur->privileged[j] : NULL;
		int k = o == NULL ? 1 : c == NULL ? -1 : strutil_cmp(o->role_arn, c->role_arn);
		struct diff_entry *en;

		if (k == 0) {
			i++, j++;
		} else if (k < 0) {
			i++;
			if (!comparable(old, cur, o->account))
				continue;
			if ((en = new_entry(d, DIFF_PRIV_REMOVED)) == NULL)
				return -1;
			en->old_priv = o;
		} else {
			j++;
			if (!comparable(old, cur, c->account))
				continue;
			if ((en = new_entry(d, DIFF_PRIV_ADDED)) == NULL)
				return -1;
			en->new_priv = c;
		}
	}
	return 0;
}

int
diff_compute(const struct edge_set *old, const struct edge_set *cur, struct edge_diff *out,
    struct err *e)
{
	memset(out, 0, sizeof(*out));
	out->baseline = old == NULL;
	if (list_not_audited(out, old, cur) != 0 ||
	    (old != NULL && (diff_edges(out, old, cur) != 0 ||
	    diff_privileged(out, old, cur) != 0))) {
		diff_free(out);
		err_set(e, "out of memory computing the diff");
		return -1;
	}
	return 0;
}
