/* Alert records: built from a diff, filtered, identified, serialised. */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "alert/alert.h"
#include "alert/group.h"
#include "util/buf.h"

/* Bounds on what a record read back from the outbox may hold: an entry is
 * our own file, but a damaged one must not make us allocate without end. */
#define ALERT_FIELD_MAX 65536
#define ALERT_LIST_MAX 4096
#define ALERT_KV_MAX (256 * 1024)
/* What a built record keeps (longer text is cut): with these, an entry
 * stays well under OUTBOX_ENTRY_MAX_BYTES (1 MiB) whatever the diff holds. */
#define ALERT_TEXT_CAP (16 * 1024)	/* reason, conditions, change, path, ARNs */
#define ALERT_ITEM_CAP 256		/* a service name, an account id */
#define ALERT_WHY_CAP 512		/* why an account was not audited */
#define ALERT_LIST_CAP 512		/* services, accounts not audited */

static const char *const kind_names[ALERT_KIND_COUNT] = {
	"gained", "lost", "changed", "privileged-added", "privileged-removed",
	"audit-failed", "audit-incomplete", "baseline", "accepted-expired",
	"accepted-unmatched", "cause",
};

const char *
alert_kind_name(enum alert_kind k)
{
	if ((unsigned)k >= ALERT_KIND_COUNT)
		return NULL;
	return kind_names[k];
}

int
alert_kind_parse(const char *name, enum alert_kind *out)
{
	unsigned i;

	for (i = 0; name != NULL && i < ALERT_KIND_COUNT; i++) {
		if (strcmp(name, kind_names[i]) == 0) {
			*out = (enum alert_kind)i;
			return 0;
		}
	}
	return -1;
}

enum log_level
alert_kind_severity(const struct config_alerts *c, enum alert_kind k)
{
	switch (k) {
	case ALERT_GAINED: return c->syslog.gained;
	case ALERT_LOST: return c->syslog.lost;
	case ALERT_CHANGED: return c->syslog.changed;
	case ALERT_PRIV_ADDED:
	case ALERT_PRIV_REMOVED: return c->syslog.privileged;
	case ALERT_BASELINE: return c->syslog.gained;
	case ALERT_ACCEPTED_EXPIRED:
	case ALERT_ACCEPTED_UNMATCHED: return c->syslog.changed;
	default: return c->syslog.failed;
	}
}

void
alert_free(struct alert *a)
{
	size_t i;

	if (a == NULL)
		return;
	free(a->run);
	free(a->account);
	free(a->principal);
	free(a->principal_type);
	free(a->role);
	for (i = 0; i < a->nservices; i++)
		free(a->services[i]);
	free(a->services);
	free(a->path);
	free(a->conditions);
	free(a->reason);
	free(a->change);
	for (i = 0; i < a->nnot_audited; i++) {
		free(a->not_audited[i].account);
		free(a->not_audited[i].why);
	}
	free(a->not_audited);
	for (i = 0; i < a->ntop; i++) {
		free(a->top[i].principal);
		free(a->top[i].role);
	}
	free(a->top);
	alert_group_free(a->group);
	memset(a, 0, sizeof(*a));
}

void
alert_array_free(struct alert *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		alert_free(&a[i]);
	free(a);
}

/* strdup that keeps NULL as NULL and cuts at max bytes (on a UTF-8
 * boundary, "..." appended), so that a record always fits in an outbox
 * entry and reads back; *ok goes false on ENOMEM. */
static char *
dup_cap(const char *s, size_t max, bool *ok)
{
	size_t n;
	char *r;

	if (s == NULL)
		return NULL;
	n = strlen(s);
	if (n <= max) {
		if ((r = strdup(s)) == NULL)
			*ok = false;
		return r;
	}
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	if ((r = malloc(n + 4)) == NULL) {
		*ok = false;
		return NULL;
	}
	memcpy(r, s, n);
	memcpy(r + n, "...", 4);
	return r;
}

static char *
dup_opt(const char *s, bool *ok)
{
	return dup_cap(s, ALERT_TEXT_CAP, ok);
}

static char *
path_text(const struct edge *ed)
{
	struct buf b;
	size_t i;
	int rc = 0;

	if (ed->npath == 0)
		return strdup("direct");
	buf_init(&b, 0);
	for (i = 0; i < ed->npath && rc == 0; i++) {
		const struct edge_hop *h = &ed->path[i];

		rc = buf_printf(&b, "%s%s %s", i > 0 ? " > " : "", h->kind != NULL ? h->kind : "?",
		    h->arn != NULL ? h->arn : "?");
		if (rc == 0 && h->via_service != NULL && h->via_service[0] != '\0')
			rc = buf_printf(&b, " via %s", h->via_service);
	}
	if (rc != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

static int
fill_edge(struct alert *a, const struct edge *ed)
{
	char *p;
	bool ok = true;
	size_t i;

	a->account = dup_opt(ed->account, &ok);
	a->principal = dup_opt(ed->principal_arn, &ok);
	a->principal_type = dup_opt(ed->principal_type, &ok);
	a->role = dup_opt(ed->role_arn, &ok);
	a->conditions = ed->conditional ? dup_opt(ed->conditions != NULL ? ed->conditions : "",
	    &ok) : NULL;
	a->reason = dup_opt(ed->reason, &ok);
	a->no_service = ed->no_service;
	if ((p = path_text(ed)) == NULL)
		ok = false;
	a->path = dup_opt(p, &ok);
	free(p);
	if (ed->nservices > 0) {
		size_t n = ed->nservices < ALERT_LIST_CAP ? ed->nservices : ALERT_LIST_CAP;

		if ((a->services = calloc(n, sizeof(char *))) == NULL)
			return -1;
		for (i = 0; i < n; i++) {
			a->services[i] = dup_cap(ed->services[i], ALERT_ITEM_CAP, &ok);
			a->nservices++;
		}
	}
	return ok ? 0 : -1;
}

static int
fill_priv(struct alert *a, const struct edge_privileged *p, bool added)
{
	struct buf b;
	bool ok = true;
	size_t i;
	int rc = 0;

	a->account = dup_opt(p->account, &ok);
	a->role = dup_opt(p->role_arn, &ok);
	buf_init(&b, 0);
	rc = buf_puts(&b, added ? "now privileged: " : "no longer privileged");
	for (i = 0; added && i < p->nreasons && rc == 0; i++)
		rc = buf_printf(&b, "%s%s", i > 0 ? "; " : "", p->reasons[i]);
	if (rc != 0) {
		buf_free(&b);
		return -1;
	}
	a->reason = dup_opt(buf_cstr(&b), &ok);
	buf_free(&b);
	return ok && a->reason != NULL ? 0 : -1;
}

/* Length-prefixed so that ("ab","c") and ("a","bc") never hash alike. */
static int
id_part(EVP_MD_CTX *md, const char *s)
{
	uint64_t len = s != NULL ? strlen(s) : UINT64_MAX;
	unsigned char lb[8];
	int i;

	for (i = 0; i < 8; i++)
		lb[i] = (unsigned char)(len >> (56 - 8 * i));
	if (EVP_DigestUpdate(md, lb, sizeof(lb)) != 1)
		return -1;
	if (s != NULL && EVP_DigestUpdate(md, s, strlen(s)) != 1)
		return -1;
	return 0;
}

/* The content that makes a record what it is, for the id. */
static int
compute_id(struct alert *a)
{
	EVP_MD_CTX *md;
	unsigned char h[32];
	unsigned hl = 0;
	size_t i;
	int rc = -1;

	if ((md = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		goto out;
	if (id_part(md, "passrole-auditd alert id 1") != 0 ||
	    id_part(md, alert_kind_name(a->kind)) != 0 ||
	    id_part(md, a->kind == ALERT_BASELINE ? "baseline" : a->run) != 0 ||
	    id_part(md, a->account) != 0 || id_part(md, a->principal) != 0 ||
	    id_part(md, a->role) != 0 || id_part(md, a->path) != 0 ||
	    id_part(md, a->conditions) != 0 || id_part(md, a->no_service ? "1" : "0") != 0 ||
	    id_part(md, a->change) != 0 || id_part(md, a->reason) != 0)
		goto out;
	for (i = 0; i < a->nservices; i++)
		if (id_part(md, a->services[i]) != 0)
			goto out;
	for (i = 0; i < a->nnot_audited; i++)
		if (id_part(md, a->not_audited[i].account) != 0 ||
		    id_part(md, a->not_audited[i].why) != 0)
			goto out;
	if (EVP_DigestFinal_ex(md, h, &hl) != 1 || hl != sizeof(h))
		goto out;
	for (i = 0; i < sizeof(h); i++)
		snprintf(a->id + 2 * i, 3, "%02x", h[i]);
	rc = 0;
out:
	EVP_MD_CTX_free(md);
	return rc;
}

static bool
match_any(const struct confschema_strlist *l, const char *s)
{
	size_t i;

	if (s == NULL)
		return false;
	for (i = 0; i < l->n; i++)
		if (fnmatch(l->items[i], s, 0) == 0)
			return true;
	return false;
}

bool
alert_filter_pass(const struct config_alerts *c, const struct alert *a)
{
	size_t i;

	/* log_level: lower is more severe. */
	if (a->severity > c->min_severity)
		return false;
	/* Its changes passed the filters before they were grouped. */
	if (a->kind == ALERT_CAUSE)
		return true;
	if (c->accounts.n > 0) {
		if (a->kind == ALERT_AUDIT_INCOMPLETE) {
			bool any = false;

			for (i = 0; i < a->nnot_audited && !any; i++)
				any = match_any(&c->accounts, a->not_audited[i].account);
			if (!any)
				return false;
		} else if (a->kind != ALERT_AUDIT_FAILED && a->kind != ALERT_BASELINE &&
		    a->kind != ALERT_ACCEPTED_EXPIRED && a->kind != ALERT_ACCEPTED_UNMATCHED &&
		    !match_any(&c->accounts, a->account)) {
			return false;
		}
	}
	/* An accepted entry's role is a pattern, not a role. */
	if (c->roles.n > 0 && a->role != NULL && a->kind != ALERT_ACCEPTED_EXPIRED &&
	    a->kind != ALERT_ACCEPTED_UNMATCHED) {
		const char *slash = strrchr(a->role, '/');

		if (!match_any(&c->roles, a->role) &&
		    !(slash != NULL && match_any(&c->roles, slash + 1)))
			return false;
	}
	return true;
}

/* The risk of the kinds that carry no edge of their own (risk.h). */
static enum alert_risk
kind_risk(enum alert_kind k)
{
	switch (k) {
	case ALERT_AUDIT_FAILED: return RISK_HIGH;
	case ALERT_AUDIT_INCOMPLETE:
	case ALERT_ACCEPTED_EXPIRED: return RISK_MEDIUM;
	case ALERT_PRIV_ADDED:
	case ALERT_ACCEPTED_UNMATCHED: return RISK_LOW;
	default: return RISK_INFO;
	}
}

/* Once a's risk is known: its severity, by risk or by kind. */
static void
set_risk(struct alert *a, const struct config_alerts *c, enum alert_risk r)
{
	a->risk = r;
	a->severity = c->severity_by == CONFIG_SEVERITY_KIND ? alert_kind_severity(c, a->kind) :
	    risk_log_level(r);
}

static int
common(struct alert *a, const struct config_alerts *c, const struct alert_run *run,
    enum alert_kind k)
{
	a->kind = k;
	set_risk(a, c, kind_risk(k));
	a->timestamp = run->at;
	return (a->run = strdup(run->id)) != NULL ? 0 : -1;
}

/* The first run's one alert: the edges' counts by risk and the most
 * severe, so that what is already dangerous is sent somewhere. */
static int
fill_baseline(struct alert *a, const struct config_alerts *c, const struct risk_view *v)
{
	struct buf b;
	enum alert_risk worst = RISK_INFO;
	size_t i;
	int r, rc;

	a->has_counts = true;
	for (r = RISK_COUNT - 1; r >= 0; r--) {
		a->counts[r] = v->counts[r];
		if (v->counts[r] > 0 && worst == RISK_INFO && r > RISK_INFO)
			worst = (enum alert_risk)r;
	}
	set_risk(a, c, worst);
	if (v->ntop > 0 && (a->top = calloc(v->ntop, sizeof(*a->top))) == NULL)
		return -1;
	buf_init(&b, 0);
	rc = buf_printf(&b, "first audit: %zu edge%s (", v->nedges, v->nedges == 1 ? "" : "s");
	for (r = RISK_COUNT - 1; r >= 0 && rc == 0; r--)
		rc = buf_printf(&b, "%s%s %zu", r < RISK_COUNT - 1 ? ", " : "",
		    risk_name((enum alert_risk)r), v->counts[r]);
	if (rc == 0)
		rc = buf_puts(&b, ")");
	for (i = 0; i < v->ntop && rc == 0; i++) {
		bool ok = true;

		a->top[i].principal = dup_cap(v->top[i].principal_arn, ALERT_TEXT_CAP, &ok);
		a->top[i].role = dup_cap(v->top[i].role_arn, ALERT_TEXT_CAP, &ok);
		a->top[i].risk = v->top_risk[i];
		a->ntop++;
		if (!ok || a->top[i].principal == NULL || a->top[i].role == NULL)
			rc = -1;
		else
			rc = buf_printf(&b, "%s%s -> %s (%s)", i == 0 ? "; most severe: " : "; ",
			    a->top[i].principal, a->top[i].role, risk_name(a->top[i].risk));
	}
	if (rc != 0) {
		buf_free(&b);
		return -1;
	}
	a->reason = dup_opt(buf_cstr(&b), &(bool){ true });
	buf_free(&b);
	return a->reason != NULL ? 0 : -1;
}

/* An accepted edge is never alerted, whether gained, changed or lost. */
static bool
edge_accepted(const struct alert_run *run, const struct diff_entry *de)
{
	const struct edge *ed = de->kind == DIFF_LOST ? de->old_edge : de->new_edge;

	if (run->view == NULL || run->view->acc == NULL || ed == NULL ||
	    de->kind > DIFF_CHANGED)
		return false;
	return accepted_match(run->view->acc, ed->principal_arn, ed->role_arn, ed->services,
	    ed->nservices, run->at, NULL) != NULL;
}

/* Whether an edge en accepted went away (lost, or changed so that it no
 * longer matches) in this run. */
static bool
entry_lost(const struct accepted_entry *en, const struct edge_diff *d)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct edge *o = d->entries[i].old_edge;

		if ((d->entries[i].kind == DIFF_LOST || d->entries[i].kind == DIFF_CHANGED) &&
		    o != NULL && accepted_entry_matches(en, o->principal_arn, o->role_arn,
		    o->services, o->nservices))
			return true;
	}
	return false;
}

static int
fill_accepted(struct alert *a, const struct config_alerts *c, const struct alert_run *run,
    enum alert_kind k, const struct accepted_entry *en, const char *file)
{
	struct buf b;
	bool ok = true;

	if (common(a, c, run, k) != 0)
		return -1;
	a->principal = dup_opt(en->principal, &ok);
	a->role = dup_opt(en->role, &ok);
	buf_init(&b, 0);
	if (buf_printf(&b, "%s:%u: accepted by %s until %s (%s): %s", file, en->line,
	    en->accepted_by, en->expires, en->reason, k == ALERT_ACCEPTED_EXPIRED ?
	    "the acceptance has expired; its edges alert again" :
	    "the entry matches no edge any more; remove it or fix its patterns") != 0) {
		buf_free(&b);
		return -1;
	}
	a->reason = dup_opt(buf_cstr(&b), &ok);
	buf_free(&b);
	return ok && a->reason != NULL && compute_id(a) == 0 ? 0 : -1;
}

int
alert_build(const struct config_alerts *c, const struct alert_run *run,
    const struct edge_diff *d, struct alert **out, size_t *n, struct err *e)
{
	struct alert *v = NULL;
	size_t cap, nv = 0, i, nthis;
	bool *skip = NULL;	/* d's entries an accepted entry covers */
	int rc = -1;

	*out = NULL;
	*n = 0;
	if (run == NULL || run->id == NULL || run->id[0] == '\0') {
		err_set(e, "alert_build: the audit run has no identity");
		return -1;
	}
	cap = (d != NULL ? d->n : 0) + 3 +
	    (run->view != NULL && run->view->acc != NULL ? run->view->acc->n : 0);
	if ((v = calloc(cap, sizeof(*v))) == NULL)
		goto nomem;
	if (run->status == ALERT_RUN_FAILED) {
		struct alert *a = &v[nv++];

		if (common(a, c, run, ALERT_AUDIT_FAILED) != 0 ||
		    (a->reason = strdup(run->failure != NULL ? run->failure : "audit failed")) == NULL ||
		    compute_id(a) != 0)
			goto nomem;
	}
	for (i = 0; d != NULL && i < d->n; i++) {
		const struct diff_entry *de = &d->entries[i];
		struct alert *a;
		bool ok = true;
		int frc = -1;

		if ((unsigned)de->kind > DIFF_PRIV_REMOVED) {
			err_set(e, "alert_build: diff entry %zu has unknown kind %d", i, (int)de->kind);
			goto out;
		}
		if ((de->kind == DIFF_GAINED && de->new_edge == NULL) ||
		    (de->kind == DIFF_LOST && de->old_edge == NULL) ||
		    (de->kind == DIFF_CHANGED && de->new_edge == NULL) ||
		    (de->kind == DIFF_PRIV_ADDED && de->new_priv == NULL) ||
		    (de->kind == DIFF_PRIV_REMOVED && de->old_priv == NULL)) {
			/* diff_kind_name() lives in diff.c, which alert does not need. */
			err_set(e, "alert_build: diff entry %zu (kind %d) lacks its edge or role", i,
			    (int)de->kind);
			goto out;
		}
		/* An accepted edge raises nothing; its slot stays (empty) so
		 * that v's change alerts line up with d's entries. */
		a = &v[nv++];
		if (edge_accepted(run, de)) {
			if (skip == NULL && (skip = calloc(d->n, sizeof(*skip))) == NULL)
				goto nomem;
			skip[i] = true;
			continue;
		}
		switch (de->kind) {
		case DIFF_GAINED:
			if (common(a, c, run, ALERT_GAINED) == 0)
				frc = fill_edge(a, de->new_edge);
			set_risk(a, c, risk_of_edge(de->new_edge,
			    risk_view_role(run->view, de->new_edge->role_arn)));
			break;
		case DIFF_LOST:
			if (common(a, c, run, ALERT_LOST) == 0)
				frc = fill_edge(a, de->old_edge);
			break;
		case DIFF_CHANGED:
			if (common(a, c, run, ALERT_CHANGED) == 0) {
				frc = fill_edge(a, de->new_edge);
				a->change = dup_opt(de->what, &ok);
			}
			set_risk(a, c, risk_of_edge(de->new_edge,
			    risk_view_role(run->view, de->new_edge->role_arn)));
			break;
		case DIFF_PRIV_ADDED:
			if (common(a, c, run, ALERT_PRIV_ADDED) == 0)
				frc = fill_priv(a, de->new_priv, true);
			break;
		case DIFF_PRIV_REMOVED:
			if (common(a, c, run, ALERT_PRIV_REMOVED) == 0)
				frc = fill_priv(a, de->old_priv, false);
			break;
		}
		if (frc != 0 || !ok || compute_id(a) != 0)
			goto nomem;
	}
	if (c->group_by == CONFIG_GROUP_CAUSE && d != NULL && d->n > 0) {
		struct alert *g = NULL;
		size_t ng = 0, base = nv - d->n;

		if (alert_group_build(c, run, d, v + base, skip, &g, &ng, e) != 0)
			goto out;
		for (i = base; i < nv; i++)
			alert_free(&v[i]);
		nv = base;
		for (i = 0; i < ng; i++)
			v[nv++] = g[i];
		free(g);
	} else if (skip != NULL) {
		/* One alert per change: the accepted ones' empty slots go. */
		size_t base = nv - d->n, k = base;

		for (i = 0; i < d->n; i++)
			if (!skip[i])
				v[k++] = v[base + i];
		nv = k;
	}
	if (d != NULL && d->baseline && run->status == ALERT_RUN_OK && run->view != NULL &&
	    c->on_baseline == CONFIG_BASELINE_SUMMARY) {
		struct alert *a = &v[nv++];

		if (common(a, c, run, ALERT_BASELINE) != 0 || fill_baseline(a, c, run->view) != 0 ||
		    compute_id(a) != 0)
			goto nomem;
	}
	for (i = 0; d != NULL && run->status == ALERT_RUN_OK && run->view != NULL &&
	    run->view->acc != NULL && i < run->view->acc->n; i++) {
		const struct accepted_entry *en = &run->view->acc->v[i];
		enum alert_kind k;

		if (accepted_expired(en, run->at)) {
			/* Alerted by the run that first sees it past its date. */
			if (run->prev_at != 0 && accepted_expired(en, run->prev_at))
				continue;
			k = ALERT_ACCEPTED_EXPIRED;
		} else if (run->view->matched == NULL || run->view->matched[i] == 0) {
			/* "No longer": it matched an edge this run lost or
			 * changed (or this is the first run). An account not
			 * audited may hold its edges: no verdict then. */
			if (run->view->incomplete || !(d->baseline || entry_lost(en, d)))
				continue;
			k = ALERT_ACCEPTED_UNMATCHED;
		} else {
			continue;
		}
		if (fill_accepted(&v[nv++], c, run, k, en, run->view->acc->path) != 0)
			goto nomem;
	}
	/* Only accounts this run could not audit make it incomplete; those
	 * the previous run missed (previous) were audited now and are merely
	 * not compared, which the report says. */
	nthis = 0;
	for (i = 0; d != NULL && i < d->nnot_audited; i++)
		if (!d->not_audited[i].previous)
			nthis++;
	if (nthis > 0) {
		struct alert *a = &v[nv++];
		struct buf b;
		size_t nna, j;
		int brc = 0;

		if (common(a, c, run, ALERT_AUDIT_INCOMPLETE) != 0)
			goto nomem;
		nna = nthis < ALERT_LIST_CAP ? nthis : ALERT_LIST_CAP;
		if ((a->not_audited = calloc(nna, sizeof(*a->not_audited))) == NULL)
			goto nomem;
		buf_init(&b, 0);
		brc = buf_printf(&b, "%zu account%s not audited:", nthis, nthis == 1 ? "" : "s");
		for (i = 0, j = 0; j < d->nnot_audited && i < nna; j++) {
			const struct diff_not_audited *na = &d->not_audited[j];
			bool ok = true;

			if (na->previous)
				continue;
			a->not_audited[i].account = dup_cap(na->account != NULL ?
			    na->account : "?", ALERT_ITEM_CAP, &ok);
			a->not_audited[i].why = dup_cap(na->why != NULL ?
			    na->why : "unknown", ALERT_WHY_CAP, &ok);
			a->nnot_audited++;
			if (!ok)
				brc = -1;
			/* The reason lists the first few; the array has them all. */
			if (brc == 0 && i < 10)
				brc = buf_printf(&b, "%s %s (%s)", i > 0 ? ";" : "",
				    a->not_audited[i].account, a->not_audited[i].why);
			i++;
		}
		if (brc == 0 && nthis > 10)
			brc = buf_printf(&b, "; and %zu more", nthis - 10);
		if (brc != 0) {
			buf_free(&b);
			goto nomem;
		}
		a->reason = buf_steal(&b);
		if (a->reason == NULL || compute_id(a) != 0)
			goto nomem;
	}
	/* Filter last, so that an id never depends on the filters. */
	for (i = 0; i < nv;) {
		if (alert_filter_pass(c, &v[i])) {
			i++;
			continue;
		}
		alert_free(&v[i]);
		memmove(&v[i], &v[i + 1], (nv - i - 1) * sizeof(*v));
		nv--;
	}
	*out = v;
	*n = nv;
	v = NULL;
	nv = 0;
	rc = 0;
	goto out;
nomem:
	err_set(e, "alert_build: out of memory");
out:
	free(skip);
	alert_array_free(v, nv);
	return rc;
}

static void
iso_time(time_t t, char *out, size_t len)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, len, "1970-01-01T00:00:00Z");
}

static int
parse_iso_time(const char *s, time_t *out)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || (end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) == NULL || *end != '\0')
		return -1;
	*out = timegm(&tm);
	return 0;
}

static bool
add_str(cJSON *o, const char *k, const char *v)
{
	return v == NULL || cJSON_AddStringToObject(o, k, v) != NULL;
}

cJSON *
alert_to_json(const struct alert *a)
{
	cJSON *o, *arr;
	char ts[32];
	size_t i;
	bool ok;

	if ((o = cJSON_CreateObject()) == NULL)
		return NULL;
	iso_time(a->timestamp, ts, sizeof(ts));
	ok = add_str(o, "schema", ALERT_SCHEMA) && add_str(o, "id", a->id) &&
	    add_str(o, "kind", alert_kind_name(a->kind)) &&
	    add_str(o, "severity", log_level_name(a->severity)) && add_str(o, "timestamp", ts) &&
	    add_str(o, "run", a->run) && add_str(o, "account", a->account) &&
	    add_str(o, "principal", a->principal) &&
	    add_str(o, "principal_type", a->principal_type) && add_str(o, "role", a->role);
	if (ok && a->principal != NULL) {
		if ((arr = cJSON_AddArrayToObject(o, "services")) == NULL)
			ok = false;
		for (i = 0; ok && i < a->nservices; i++) {
			cJSON *s = cJSON_CreateString(a->services[i]);

			ok = s != NULL && cJSON_AddItemToArray(arr, s);
		}
		if (ok && a->no_service)
			ok = cJSON_AddTrueToObject(o, "no_service") != NULL;
	}
	ok = ok && add_str(o, "path", a->path) && add_str(o, "conditions", a->conditions) &&
	    add_str(o, "reason", a->reason) && add_str(o, "change", a->change);
	if (ok && a->group != NULL)
		ok = alert_group_to_json(a, o);
	if (ok && a->kind == ALERT_AUDIT_INCOMPLETE) {
		if ((arr = cJSON_AddArrayToObject(o, "not_audited")) == NULL)
			ok = false;
		for (i = 0; ok && i < a->nnot_audited; i++) {
			cJSON *n = cJSON_CreateObject();

			ok = n != NULL && cJSON_AddItemToArray(arr, n) &&
			    add_str(n, "account", a->not_audited[i].account) &&
			    add_str(n, "why", a->not_audited[i].why);
		}
	}
	if (ok)
		ok = add_str(o, "risk", risk_name(a->risk));
	if (ok && a->has_counts) {
		cJSON *cn = cJSON_AddObjectToObject(o, "counts");

		ok = cn != NULL;
		for (i = RISK_COUNT; ok && i-- > 0;)
			ok = cJSON_AddNumberToObject(cn, risk_name((enum alert_risk)i),
			    (double)a->counts[i]) != NULL;
		if (ok && (arr = cJSON_AddArrayToObject(o, "edges")) == NULL)
			ok = false;
		for (i = 0; ok && i < a->ntop; i++) {
			cJSON *n = cJSON_CreateObject();

			ok = n != NULL && cJSON_AddItemToArray(arr, n) &&
			    add_str(n, "principal", a->top[i].principal) &&
			    add_str(n, "role", a->top[i].role) &&
			    add_str(n, "risk", risk_name(a->top[i].risk));
		}
	}
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* An optional string member: absent is fine, present must be a bounded string. */
static int
get_str(const cJSON *j, const char *k, char **out, bool required, struct err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k);

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v)) {
		if (required) {
			err_set(e, "alert JSON: \"%s\" is missing", k);
			return -1;
		}
		return 0;
	}
	if (!cJSON_IsString(v) || v->valuestring == NULL) {
		err_set(e, "alert JSON: \"%s\" is not a string", k);
		return -1;
	}
	if (strlen(v->valuestring) > ALERT_FIELD_MAX) {
		err_set(e, "alert JSON: \"%s\" is longer than %d bytes", k, ALERT_FIELD_MAX);
		return -1;
	}
	if ((*out = strdup(v->valuestring)) == NULL) {
		err_set(e, "alert JSON: out of memory");
		return -1;
	}
	return 0;
}

int
alert_from_json(const cJSON *j, struct alert *out, struct err *e)
{
	struct alert a;
	char *tmp = NULL, *id = NULL;
	const cJSON *v, *it;
	size_t n;
	int rc = -1;

	memset(&a, 0, sizeof(a));
	memset(out, 0, sizeof(*out));
	if (!cJSON_IsObject(j)) {
		err_set(e, "alert JSON: not an object");
		return -1;
	}
	if (get_str(j, "schema", &tmp, true, e) != 0)
		goto out;
	if (strcmp(tmp, ALERT_SCHEMA) != 0) {
		err_set(e, "alert JSON: schema is not %s", ALERT_SCHEMA);
		goto out;
	}
	free(tmp);
	if (get_str(j, "kind", &tmp, true, e) != 0)
		goto out;
	if (alert_kind_parse(tmp, &a.kind) != 0) {
		err_set(e, "alert JSON: unknown kind");
		goto out;
	}
	free(tmp);
	if (get_str(j, "severity", &tmp, true, e) != 0)
		goto out;
	if (log_level_parse(tmp, &a.severity) != 0) {
		err_set(e, "alert JSON: unknown severity");
		goto out;
	}
	free(tmp);
	if (get_str(j, "timestamp", &tmp, true, e) != 0)
		goto out;
	if (parse_iso_time(tmp, &a.timestamp) != 0) {
		err_set(e, "alert JSON: timestamp is not YYYY-MM-DDTHH:MM:SSZ");
		goto out;
	}
	free(tmp);
	tmp = NULL;
	if (get_str(j, "id", &id, true, e) != 0 || get_str(j, "run", &a.run, true, e) != 0 ||
	    get_str(j, "account", &a.account, false, e) != 0 ||
	    get_str(j, "principal", &a.principal, false, e) != 0 ||
	    get_str(j, "principal_type", &a.principal_type, false, e) != 0 ||
	    get_str(j, "role", &a.role, false, e) != 0 ||
	    get_str(j, "path", &a.path, false, e) != 0 ||
	    get_str(j, "conditions", &a.conditions, false, e) != 0 ||
	    get_str(j, "reason", &a.reason, false, e) != 0 ||
	    get_str(j, "change", &a.change, false, e) != 0)
		goto out;
	if (strlen(id) != ALERT_ID_LEN || strspn(id, "0123456789abcdef") != ALERT_ID_LEN) {
		err_set(e, "alert JSON: id is not 64 lowercase hex digits");
		goto out;
	}
	memcpy(a.id, id, ALERT_ID_LEN + 1);
	v = cJSON_GetObjectItemCaseSensitive(j, "no_service");
	a.no_service = cJSON_IsTrue(v);
	if ((v = cJSON_GetObjectItemCaseSensitive(j, "services")) != NULL) {
		n = (size_t)cJSON_GetArraySize(v);
		if (!cJSON_IsArray(v) || n > ALERT_LIST_MAX) {
			err_set(e, "alert JSON: \"services\" is not an array of at most %d strings",
			    ALERT_LIST_MAX);
			goto out;
		}
		if (n > 0 && (a.services = calloc(n, sizeof(char *))) == NULL)
			goto nomem;
		cJSON_ArrayForEach(it, v) {
			if (!cJSON_IsString(it) || strlen(it->valuestring) > ALERT_FIELD_MAX) {
				err_set(e, "alert JSON: services[%zu] is not a string", a.nservices);
				goto out;
			}
			if ((a.services[a.nservices] = strdup(it->valuestring)) == NULL)
				goto nomem;
			a.nservices++;
		}
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(j, "not_audited")) != NULL) {
		n = (size_t)cJSON_GetArraySize(v);
		if (!cJSON_IsArray(v) || n > ALERT_LIST_MAX) {
			err_set(e, "alert JSON: \"not_audited\" is not an array of at most %d objects",
			    ALERT_LIST_MAX);
			goto out;
		}
		if (n > 0 && (a.not_audited = calloc(n, sizeof(*a.not_audited))) == NULL)
			goto nomem;
		cJSON_ArrayForEach(it, v) {
			struct alert_not_audited *na = &a.not_audited[a.nnot_audited];

			a.nnot_audited++;
			if (get_str(it, "account", &na->account, true, e) != 0 ||
			    get_str(it, "why", &na->why, true, e) != 0) {
				err_prefix(e, "not_audited[%zu]", a.nnot_audited - 1);
				goto out;
			}
		}
	}
	/* Entries queued before risks existed have none: the one their
	 * severity stands for. */
	a.risk = a.severity == LOG_LVL_ERROR ? RISK_HIGH : a.severity == LOG_LVL_WARN ?
	    RISK_MEDIUM : a.severity == LOG_LVL_NOTICE ? RISK_LOW : RISK_INFO;
	if (get_str(j, "risk", &tmp, false, e) != 0)
		goto out;
	if (tmp != NULL && risk_parse(tmp, &a.risk) != 0) {
		err_set(e, "alert JSON: unknown risk");
		goto out;
	}
	free(tmp);
	tmp = NULL;
	/* "counts" and "edges" are a baseline's here; a cause alert's own
	 * (group.h) are read by alert_group_from_json. */
	if (a.kind == ALERT_BASELINE &&
	    (v = cJSON_GetObjectItemCaseSensitive(j, "counts")) != NULL) {
		if (!cJSON_IsObject(v)) {
			err_set(e, "alert JSON: \"counts\" is not an object");
			goto out;
		}
		a.has_counts = true;
		for (n = 0; n < RISK_COUNT; n++) {
			it = cJSON_GetObjectItemCaseSensitive(v, risk_name((enum alert_risk)n));
			if (!cJSON_IsNumber(it) || it->valuedouble < 0 || it->valuedouble > 1e15) {
				err_set(e, "alert JSON: counts.%s is not a count",
				    risk_name((enum alert_risk)n));
				goto out;
			}
			a.counts[n] = (size_t)it->valuedouble;
		}
	}
	if (a.kind == ALERT_BASELINE &&
	    (v = cJSON_GetObjectItemCaseSensitive(j, "edges")) != NULL) {
		n = (size_t)cJSON_GetArraySize(v);
		if (!cJSON_IsArray(v) || n > ALERT_LIST_MAX) {
			err_set(e, "alert JSON: \"edges\" is not an array of at most %d objects",
			    ALERT_LIST_MAX);
			goto out;
		}
		if (n > 0 && (a.top = calloc(n, sizeof(*a.top))) == NULL)
			goto nomem;
		cJSON_ArrayForEach(it, v) {
			struct alert_brief *br = &a.top[a.ntop];

			a.ntop++;
			if (get_str(it, "principal", &br->principal, true, e) != 0 ||
			    get_str(it, "role", &br->role, true, e) != 0 ||
			    get_str(it, "risk", &tmp, true, e) != 0 ||
			    risk_parse(tmp, &br->risk) != 0) {
				if (tmp != NULL)
					err_set(e, "unknown risk");
				err_prefix(e, "edges[%zu]", a.ntop - 1);
				goto out;
			}
			free(tmp);
			tmp = NULL;
		}
	}
	if (a.kind == ALERT_CAUSE && alert_group_from_json(j, &a, e) != 0)
		goto out;
	*out = a;
	memset(&a, 0, sizeof(a));
	rc = 0;
	goto out;
nomem:
	err_set(e, "alert JSON: out of memory");
out:
	free(tmp);
	free(id);
	alert_free(&a);
	return rc;
}

/* key=value with the quoting rule of alert.h. */
static int
kv(struct buf *b, const char *k, const char *v)
{
	const char *p;
	bool quote = v[0] == '\0';
	int rc;

	for (p = v; *p != '\0' && !quote; p++)
		if (*p == ' ' || *p == '"' || *p == '=' || *p == '\\' ||
		    (unsigned char)*p < 0x20 || *p == 0x7f)
			quote = true;
	if ((rc = buf_printf(b, "%s%s=", b->len > 0 ? " " : "", k)) != 0)
		return rc;
	if (!quote)
		return buf_puts(b, v);
	if ((rc = buf_putc(b, '"')) != 0)
		return rc;
	for (p = v; *p != '\0' && rc == 0; p++) {
		if (*p == '"' || *p == '\\')
			rc = buf_putc(b, '\\') == 0 ? buf_putc(b, *p) : -1;
		else if ((unsigned char)*p < 0x20 || *p == 0x7f)
			rc = buf_putc(b, ' ');
		else
			rc = buf_putc(b, *p);
	}
	return rc == 0 ? buf_putc(b, '"') : rc;
}

char *
alert_format_kv(const struct alert *a)
{
	struct buf b, l;
	char ts[32];
	size_t i;
	int rc;

	buf_init(&b, ALERT_KV_MAX);
	buf_init(&l, ALERT_KV_MAX);
	iso_time(a->timestamp, ts, sizeof(ts));
	rc = kv(&b, "kind", alert_kind_name(a->kind));
	if (rc == 0)
		rc = kv(&b, "severity", log_level_name(a->severity));
	if (rc == 0)
		rc = kv(&b, "id", a->id);
	if (rc == 0)
		rc = kv(&b, "risk", risk_name(a->risk));
	if (rc == 0 && a->account != NULL)
		rc = kv(&b, "account", a->account);
	if (rc == 0 && a->principal != NULL)
		rc = kv(&b, "principal", a->principal);
	if (rc == 0 && a->role != NULL)
		rc = kv(&b, "role", a->role);
	if (rc == 0 && a->principal != NULL) {
		for (i = 0; i < a->nservices && rc == 0; i++)
			rc = buf_printf(&l, "%s%s", i > 0 ? "," : "", a->services[i]);
		if (rc == 0)
			rc = kv(&b, "services", a->no_service ? "none" : buf_cstr(&l));
	}
	if (rc == 0 && a->path != NULL)
		rc = kv(&b, "path", a->path);
	if (rc == 0 && a->conditions != NULL)
		rc = kv(&b, "conditions", a->conditions);
	if (rc == 0 && a->change != NULL)
		rc = kv(&b, "change", a->change);
	if (rc == 0 && a->nnot_audited > 0) {
		buf_reset(&l);
		for (i = 0; i < a->nnot_audited && rc == 0; i++)
			rc = buf_printf(&l, "%s%s", i > 0 ? "," : "", a->not_audited[i].account);
		if (rc == 0)
			rc = kv(&b, "not_audited", buf_cstr(&l));
	}
	if (rc == 0 && a->reason != NULL)
		rc = kv(&b, "reason", a->reason);
	if (rc == 0)
		rc = kv(&b, "run", a->run);
	if (rc == 0)
		rc = kv(&b, "time", ts);
	buf_free(&l);
	if (rc != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}

static const char *
tail(const char *arn)
{
	const char *s;

	if (arn == NULL)
		return "?";
	s = strrchr(arn, '/');
	return s != NULL ? s + 1 : arn;
}

char *
alert_format_summary(const struct alert *a)
{
	struct buf b;
	size_t i;
	int rc = 0;

	buf_init(&b, ALERT_KV_MAX);
	switch (a->kind) {
	case ALERT_GAINED:
	case ALERT_LOST:
	case ALERT_CHANGED:
		rc = buf_printf(&b, "%s %s %s iam:PassRole to %s (account %s)",
		    a->principal_type != NULL ? a->principal_type : "principal", tail(a->principal),
		    a->kind == ALERT_GAINED ? "gained" : a->kind == ALERT_LOST ? "lost" :
		    "changed", tail(a->role), a->account != NULL ? a->account : "?");
		if (rc == 0 && a->nservices > 0) {
			rc = buf_puts(&b, " for ");
			for (i = 0; i < a->nservices && rc == 0; i++)
				rc = buf_printf(&b, "%s%s", i > 0 ? ", " : "", a->services[i]);
		}
		break;
	case ALERT_PRIV_ADDED:
	case ALERT_PRIV_REMOVED:
		rc = buf_printf(&b, "role %s (account %s) %s", tail(a->role),
		    a->account != NULL ? a->account : "?",
		    a->kind == ALERT_PRIV_ADDED ? "became privileged" : "is no longer privileged");
		break;
	case ALERT_AUDIT_FAILED:
		rc = buf_puts(&b, "PassRole audit failed");
		break;
	case ALERT_BASELINE:
		rc = buf_printf(&b, "PassRole baseline: %zu critical, %zu high, %zu medium, "
		    "%zu low edges", a->counts[RISK_CRITICAL], a->counts[RISK_HIGH],
		    a->counts[RISK_MEDIUM], a->counts[RISK_LOW]);
		break;
	case ALERT_ACCEPTED_EXPIRED:
	case ALERT_ACCEPTED_UNMATCHED:
		rc = buf_printf(&b, "accepted PassRole entry %s: %s",
		    a->kind == ALERT_ACCEPTED_EXPIRED ? "expired" : "matches no edge",
		    a->reason != NULL ? a->reason : "");
		break;
	case ALERT_CAUSE:
		buf_free(&b);
		return alert_group_summary(a);
	default:
		rc = buf_printf(&b, "PassRole audit incomplete: %zu account%s not audited",
		    a->nnot_audited, a->nnot_audited == 1 ? "" : "s");
		break;
	}
	if (rc != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b);
}
