/*
 * One audit run, one account at a time. See run.h for the rules.
 */
#include "config.h"

#include "audit/run.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/audit.h"
#include "audit/cause.h"
#include "audit/edgejson.h"
#include "audit/edgestream.h"
#include "audit/fingerprint.h"
#include "audit/state.h"
#include "collect/collect.h"
#include "collect/offline.h"
#include "collect/snapfile.h"
#include "collect/snapjson.h"
#include "log.h"
#include "util/buf.h"
#include "util/strutil.h"

/* An account's snapshot text is at most this large (a few thousand
 * principals with their policies stay far below). */
#define RUN_ACCOUNT_TEXT_MAX ((size_t)512 << 20)

static bool
stopped(const volatile sig_atomic_t *stop, struct err *e)
{
	if (stop == NULL || !*stop)
		return false;
	err_set(e, "interrupted; nothing was saved");
	return true;
}

struct snapshot *
audit_run_snapshot(const struct config *cfg, const struct audit_run_opts *o,
    const volatile sig_atomic_t *stop, struct err *e)
{
	struct snapshot *s;

	if (o->input_dir != NULL) {
		struct stat sb;

		/* A file is a snapshot the daemon saved (snapshot.json), so a
		 * finding can be explained later without fetching again; a
		 * folder is a dump of AWS CLI outputs. */
		if (stat(o->input_dir, &sb) == 0 && S_ISREG(sb.st_mode)) {
			s = NULL;
			if (snapjson_load(o->input_dir, 0, &s, e) != 0)
				return NULL;
			return s;
		}
		s = offline_load(o->input_dir, e);
		if (s == NULL)
			err_prefix(e, "offline input %s", o->input_dir);
		return s;
	}
	if (o->base == NULL) {
		err_set(e, "internal error: a live audit without credentials");
		return NULL;
	}
	return collect_snapshot(cfg, o->base, stop, e);
}

void
audit_result_free(struct audit_result *r)
{
	if (r == NULL)
		return;
	diff_free(&r->diff);
	edge_set_free(r->cur);
	memset(r, 0, sizeof(*r));
}

bool
audit_result_changed(const struct audit_result *r)
{
	return r->diff.n > 0;
}

/* ------------------------------------------------------------ sources */

/*
 * Where accounts come from: a dump read one account at a time, a whole
 * snapshot (live, or snapshot.json) whose accounts are moved out one at a
 * time so that each is freed once audited, or (audit_run_edges) an edge
 * set computed already.
 */
struct src {
	struct offline_src *off;
	struct snapfile *file;
	struct collect_stream *live;
	struct snapshot *whole;
	size_t next;
	struct edge_set *preset;
};

static const struct snapshot *
src_shell(const struct src *s)
{
	return s->off != NULL ? offline_shell(s->off) : s->file != NULL ?
	    snapfile_shell(s->file) : s->live != NULL ? collect_stream_shell(s->live) :
	    s->whole;
}

static int
src_open(struct src *s, const struct config *cfg, const struct audit_run_opts *o,
    const volatile sig_atomic_t *stop, struct err *e)
{
	struct stat sb;

	memset(s, 0, sizeof(*s));
	if (o->input_dir != NULL && !(stat(o->input_dir, &sb) == 0 && S_ISREG(sb.st_mode))) {
		s->off = offline_open(o->input_dir, e);
		if (s->off == NULL) {
			err_prefix(e, "offline input %s", o->input_dir);
			return -1;
		}
		return 0;
	}
	if (o->input_dir != NULL) {
		/* A snapshot.json: read one account at a time too. */
		s->file = snapfile_open(o->input_dir, e);
		return s->file != NULL ? 0 : -1;
	}
	if (o->base != NULL) {
		s->live = collect_stream_open(cfg, o->base, stop, e);
		return s->live != NULL ? 0 : -1;
	}
	s->whole = audit_run_snapshot(cfg, o, stop, e);
	return s->whole != NULL ? 0 : -1;
}

/* The next account into *out (the caller clears it): 1, 0 at the end, -1. */
static int
src_next(struct src *s, struct snap_account *out, struct err *e)
{
	struct snap_account *a;

	if (s->off != NULL) {
		int r = offline_next(s->off, out, e);

		if (r < 0)
			err_prefix(e, "offline input");
		return r;
	}
	if (s->file != NULL)
		return snapfile_next(s->file, out, e);
	if (s->live != NULL)
		return collect_stream_next(s->live, out, e);
	memset(out, 0, sizeof(*out));
	if (s->next >= s->whole->naccounts)
		return 0;
	/* Moved out, and a stub left with the id and parent (the shell's
	 * lookups); the account is freed once audited. */
	a = &s->whole->accounts[s->next++];
	return snapshot_move_account(a, out, e) != 0 ? -1 : 1;
}

static void
src_close(struct src *s)
{
	offline_close(s->off);
	snapfile_close(s->file);
	collect_stream_close(s->live);
	snapshot_free(s->whole);
	edge_set_free(s->preset);
	memset(s, 0, sizeof(*s));
}

/* ---------------------------------------------------------------- run */

struct run {
	const struct config *cfg;
	const struct audit_run_opts *o;
	const volatile sig_atomic_t *stop;
	struct audit_result *out;
	struct state *st;
	struct state_run *prev;		/* the run compared with, or NULL */
	struct state_txn *txn;		/* NULL: nothing is saved */
	struct snapjson_stream *snap;	/* NULL: no snapshot is saved */
	struct edgestream_writer *written;	/* --write-edges */
	size_t prev_next;		/* prev's accounts handled so far */
	bool any_audited;
	bool snap_complete;
	/* For the causes: this run's shell and audit context (borrowed),
	 * and the previous run's organization (owned; read on first need). */
	const struct snapshot *shell;
	struct audit_ctx *ctx;
	struct snapshot *prev_org;
	bool prev_org_read;
};

/* A set with the run's head (and no accounts yet). */
static struct edge_set *
head_set(const struct edge_set *h, time_t taken_at, struct err *e)
{
	struct edge_set *s = edge_set_new(e);

	if (s == NULL)
		return NULL;
	s->taken_at = taken_at;
	if ((h->source != NULL && (s->source = strdup(h->source)) == NULL) ||
	    (h->org_note != NULL && (s->org_note = strdup(h->org_note)) == NULL)) {
		err_set(e, "out of memory");
		edge_set_free(s);
		return NULL;
	}
	return s;
}

static int
push_account(struct edge_set *s, const char *id, bool audited, const char *why,
    bool org_unknown, time_t known_at, struct err *e)
{
	struct edge_account a = {
		.id = (char *)id, .audited = audited, .why = (char *)why,
		.org_unknown = org_unknown,
	};

	if (edge_set_add_account(s, &a, known_at) != 0) {
		err_set(e, "out of memory");
		return -1;
	}
	return 0;
}

/* The previous run's view of one account (its record and edges), or of
 * none (pa NULL): what diff_compute and state_merge compare with. */
static struct edge_set *
prev_set(struct run *R, const struct state_account *pa, struct err *e)
{
	struct edge_set *s = edge_set_new(e);

	if (s == NULL)
		return NULL;
	s->taken_at = R->prev->taken_at;
	if ((R->prev->source != NULL && (s->source = strdup(R->prev->source)) == NULL) ||
	    (R->prev->org_note != NULL && (s->org_note = strdup(R->prev->org_note)) == NULL)) {
		err_set(e, "out of memory");
		goto fail;
	}
	if (pa != NULL) {
		if (push_account(s, pa->id, pa->audited, pa->why, pa->org_unknown, pa->known_at,
		    e) != 0 || state_account_edges(R->st, R->prev, pa->id, s, e) != 0)
			goto fail;
		edge_set_sort(s);
	}
	return s;
fail:
	edge_set_free(s);
	return NULL;
}

/* Append the merged set's entries to the --write-edges file. */
static int
keep_written(struct run *R, const struct edge_set *m, struct err *e)
{
	return edgestream_writer_add(R->written, m, e);
}

/* A previous account this run does not list: it left the organization or
 * the scope (its edges are dropped, and it is listed as not audited, never
 * as lost), unless this run could not read the organization and so does
 * not know the account list: then its last known edges are carried. */
static int
prev_only(struct run *R, const struct state_account *pa, struct err *e)
{
	struct edge_set *old = NULL, *cur = NULL;
	struct edge_diff d;
	int rc = -1;

	memset(&d, 0, sizeof(d));
	if (!pa->audited)
		return 0;
	if ((old = edge_set_new(e)) == NULL || (cur = head_set(R->out->cur, 0, e)) == NULL ||
	    push_account(old, pa->id, true, NULL, pa->org_unknown, pa->known_at, e) != 0)
		goto out;
	if (diff_compute(old, cur, &d, e) != 0 || diff_absorb(&R->out->diff, &d, e) != 0)
		goto out;
	if (R->out->cur->org_note != NULL) {
		time_t known = pa->known_at != 0 ? pa->known_at : R->prev->taken_at;

		if (R->txn != NULL && state_txn_keep(R->txn, pa, known, e) != 0)
			goto out;
		if (R->written != NULL) {
			struct edge_set *m = prev_set(R, pa, e);

			if (m == NULL)
				goto out;
			m->accounts[0].known_at = known;
			rc = keep_written(R, m, e);
			edge_set_free(m);
			if (rc != 0)
				goto out;
			rc = -1;
		}
	}
	rc = 0;
out:
	diff_free(&d);
	edge_set_free(old);
	edge_set_free(cur);
	return rc;
}

/* Previous accounts ordered before id (all of them for NULL) that this
 * run did not list. */
static int
prev_until(struct run *R, const char *id, struct err *e)
{
	while (R->prev != NULL && R->prev_next < R->prev->naccounts) {
		const struct state_account *pa = &R->prev->accounts[R->prev_next];
		int c = id != NULL ? strcmp(pa->id, id) : -1;

		if (c > 0)
			break;
		R->prev_next++;
		if (c < 0 && prev_only(R, pa, e) != 0)
			return -1;
	}
	return 0;
}

/* The previous run's organization, read once; NULL when it kept none. */
static const struct snapshot *
prev_org(struct run *R, struct err *e, int *rc)
{
	struct buf b;
	int r;

	*rc = 0;
	if (R->prev_org_read)
		return R->prev_org;
	R->prev_org_read = true;
	buf_init(&b, RUN_ACCOUNT_TEXT_MAX);
	r = state_read_inputs(R->st, R->prev, NULL, &b, e);
	if (r == 1 && snapjson_read(buf_cstr(&b), b.len, &R->prev_org, e) != 0) {
		err_prefix(e, "the previous run's organization inputs");
		r = -1;
	}
	buf_free(&b);
	if (r < 0)
		*rc = -1;
	return R->prev_org;
}

/*
 * The causes of an account's changes d (cause.h): its previous inputs
 * (pa's) against this run's (text, the account's snapshot part).
 * Entries get a note instead when the previous inputs are not kept.
 */
static int
run_causes(struct run *R, const struct state_account *pa, const char *text, size_t len,
    struct edge_diff *d, struct err *e)
{
	struct snap_account prev, cur;
	const struct snapshot *po;
	struct buf b;
	int rc = -1, r;

	memset(&prev, 0, sizeof(prev));
	memset(&cur, 0, sizeof(cur));
	buf_init(&b, RUN_ACCOUNT_TEXT_MAX);
	/* Against --baseline's edge file there are no inputs to compare. */
	if (R->st == NULL) {
		rc = 0;
		goto out;
	}
	/* A carried record's edges rest on an older run's inputs than the
	 * organization kept beside them. */
	if (pa == NULL || pa->known_at != 0 || text == NULL) {
		cause_note_all(d, CAUSE_NOTE_NOT_KEPT);
		rc = 0;
		goto out;
	}
	if ((po = prev_org(R, e, &r)) == NULL && r != 0)
		goto out;
	if (po == NULL || (r = state_read_inputs(R->st, R->prev, pa->id, &b, e)) == 0) {
		cause_note_all(d, CAUSE_NOTE_NOT_KEPT);
		rc = 0;
		goto out;
	}
	if (r < 0 || snapjson_parse_account(buf_cstr(&b), b.len, &prev, e) != 0 ||
	    snapjson_parse_account(text, len, &cur, e) != 0 ||
	    cause_explain(R->ctx, &R->cfg->audit, po, &prev, R->shell, &cur, d, e) != 0) {
		/* The changes stand without their causes: an audit is not
		 * failed for want of an explanation. */
		log_warn("account %s: the causes of its changes could not be found: %s",
		    pa->id, e != NULL ? e->msg : "?");
		cause_clear_all(d);
		cause_note_all(d, CAUSE_NOTE_FAILED);
	}
	rc = 0;
out:
	snap_account_clear(&prev);
	snap_account_clear(&cur);
	buf_free(&b);
	return rc;
}

/* One account: cur (taken) holds this run's results for it, computed
 * from inputs with fingerprint fp (NULL: unknown) whose snapshot part is
 * text (NULL: none, an edge set computed already). */
static int
run_account(struct run *R, struct edge_set *cur, const char *fp, const char *text,
    size_t len, struct err *e)
{
	const struct edge_account *ca = &cur->accounts[0];
	const struct state_account *pa;
	struct edge_set *old = NULL, *merged = NULL;
	struct edge_diff d;
	time_t known_at = 0;
	int rc = -1;

	memset(&d, 0, sizeof(d));
	if (prev_until(R, ca->id, e) != 0)
		goto out;
	pa = R->prev != NULL ? state_run_account(R->prev, ca->id) : NULL;
	if (R->prev != NULL && (old = prev_set(R, pa, e)) == NULL)
		goto out;
	if (diff_compute(old, cur, &d, e) != 0)
		goto out;
	if (d.n > 0 && R->shell != NULL && run_causes(R, pa, text, len, &d, e) != 0)
		goto out;
	if ((merged = state_merge(old, cur, e)) == NULL)
		goto out;
	/* The saved view: this run's edges, or the last known ones it keeps
	 * (state_merge), with when they were seen. */
	if (merged->naccounts == 1)
		known_at = merged->accounts[0].known_at;
	if (ca->audited)
		R->any_audited = true;
	if (R->txn != NULL && merged->naccounts == 1 && state_txn_put(R->txn,
	    &merged->accounts[0], known_at != 0 && pa != NULL ? pa->fingerprint :
	    ca->audited ? fp : NULL, merged, e) != 0)
		goto out;
	/* The inputs beside the edges: this run's, or those of the last
	 * known edges it carries. */
	if (R->txn != NULL && merged->naccounts == 1) {
		if (known_at != 0 && pa != NULL) {
			if (state_txn_link_inputs(R->txn, ca->id, e) < 0)
				goto out;
		} else if (ca->audited && text != NULL &&
		    state_txn_put_inputs(R->txn, ca->id, text, len, e) != 0) {
			goto out;
		}
	}
	if (R->written != NULL && keep_written(R, merged, e) != 0)
		goto out;
	if (push_account(R->out->cur, ca->id, ca->audited, ca->why, ca->org_unknown, known_at,
	    e) != 0)
		goto out;
	cur->accounts[0].known_at = known_at;
	if (R->o->sink != NULL && R->o->sink->account != NULL &&
	    R->o->sink->account(R->o->sink->ctx, cur, e) != 0)
		goto out;
	if (diff_absorb(&R->out->diff, &d, e) != 0)
		goto out;
	R->out->nedges += cur->nedges;
	R->out->nprivileged += cur->nprivileged;
	if (ca->audited)
		R->out->audited++;
	if (!ca->audited || ca->org_unknown)
		R->out->complete = false;
	rc = 0;
out:
	diff_free(&d);
	edge_set_free(old);
	edge_set_free(merged);
	edge_set_free(cur);
	return rc;
}

/* The previous record of an account whose saved edges can be reused for
 * inputs with fingerprint fp, or NULL. */
static const struct state_account *
reusable(const struct run *R, const struct snap_account *sa, const char *fp)
{
	const struct state_account *pa;

	if (R->prev == NULL || R->prev->set != NULL || R->prev->file != NULL)
		return NULL;
	pa = state_run_account(R->prev, sa->id);
	/* A carried record (known_at set) rests on an older run's inputs,
	 * and one without a fingerprint on unknown ones. */
	if (pa == NULL || !pa->audited || pa->known_at != 0 || strcmp(pa->fingerprint, fp) != 0)
		return NULL;
	return pa;
}

/*
 * An account whose inputs did not change: nothing to evaluate and nothing
 * to diff (the same inputs give the same edges). Its files are linked into
 * the new generation; its edges are read back only when a report or
 * --write-edges wants them.
 */
static int
run_reused(struct run *R, const struct state_account *pa, const char *text, size_t len,
    struct err *e)
{
	struct edge_set *cur = NULL;
	bool want = (R->o->sink != NULL && R->o->sink->account != NULL &&
	    R->o->sink->entries) || R->written != NULL;
	int rc = -1;

	if (prev_until(R, pa->id, e) != 0)
		goto out;
	if ((cur = head_set(R->out->cur, R->out->cur->taken_at, e)) == NULL ||
	    push_account(cur, pa->id, true, NULL, pa->org_unknown, 0, e) != 0)
		goto out;
	if (want) {
		if (state_account_edges(R->st, R->prev, pa->id, cur, e) != 0)
			goto out;
		edge_set_sort(cur);
	}
	R->any_audited = true;
	if (R->txn != NULL && state_txn_keep(R->txn, pa, 0, e) != 0)
		goto out;
	/* The inputs too: linked like the edges; written only when the
	 * previous generation predates them. */
	if (R->txn != NULL) {
		int r = state_txn_link_inputs(R->txn, pa->id, e);

		if (r < 0 || (r == 0 && state_txn_put_inputs(R->txn, pa->id, text, len, e) != 0))
			goto out;
	}
	if (R->written != NULL && keep_written(R, cur, e) != 0)
		goto out;
	if (push_account(R->out->cur, pa->id, true, NULL, pa->org_unknown, 0, e) != 0)
		goto out;
	if (R->o->sink != NULL && R->o->sink->account != NULL &&
	    R->o->sink->account(R->o->sink->ctx, cur, e) != 0)
		goto out;
	R->out->nedges += want ? cur->nedges : pa->nedges;
	R->out->nprivileged += want ? cur->nprivileged : pa->nprivileged;
	R->out->audited++;
	R->out->reused++;
	if (pa->org_unknown)
		R->out->complete = false;
	rc = 0;
out:
	edge_set_free(cur);
	return rc;
}

static bool
account_complete(const struct snap_account *a)
{
	if (!a->access.complete || !a->iam.part.complete)
		return false;
	for (size_t i = 0; i < a->nregions; i++)
		if (!a->regions[i].part.complete)
			return false;
	return true;
}

/* Every account the source gives, audited or reused. */
static int
run_accounts(struct run *R, struct src *S, struct err *e)
{
	const struct snapshot *shell = src_shell(S);
	struct audit_ctx *ctx = NULL;
	struct snap_account a;
	struct buf text;
	char fp[FINGERPRINT_HEX];
	int r, rc = -1;

	memset(&a, 0, sizeof(a));
	buf_init(&text, RUN_ACCOUNT_TEXT_MAX);
	if ((ctx = audit_ctx_new(shell, &R->cfg->audit, e)) == NULL)
		goto out;
	R->shell = shell;
	R->ctx = ctx;
	while ((r = src_next(S, &a, e)) == 1) {
		const struct state_account *pa;
		struct edge_set *cur;

		if (stopped(R->stop, e))
			goto out;
		buf_reset(&text);
		if (snapjson_account_text(&a, &text, e) != 0 ||
		    fingerprint_account(shell, &a, text.data, text.len, &R->cfg->audit, fp, e) != 0) {
			err_prefix(e, "account %s", a.id);
			goto out;
		}
		if (!account_complete(&a))
			R->snap_complete = false;
		if ((pa = reusable(R, &a, fp)) != NULL) {
			if (run_reused(R, pa, text.data, text.len, e) != 0)
				goto out;
		} else {
			if ((cur = audit_account(ctx, &a, e)) == NULL)
				goto out;
			/* audit_account gives the shell's head; the run's is
			 * the one it reports. */
			cur->taken_at = R->out->cur->taken_at;
			if (run_account(R, cur, fp, text.data, text.len, e) != 0)
				goto out;
		}
		if (R->snap != NULL && snapjson_stream_account(R->snap, shell, &a, text.data,
		    text.len, e) != 0)
			goto out;
		snap_account_clear(&a);
		memset(&a, 0, sizeof(a));
	}
	if (r < 0)
		goto out;
	rc = 0;
out:
	snap_account_clear(&a);
	buf_free(&text);
	R->ctx = NULL;
	audit_ctx_free(ctx);
	return rc;
}

/* audit_run_edges: each account of a computed set. */
static int
run_preset(struct run *R, struct edge_set *all, struct err *e)
{
	for (size_t i = 0; i < all->naccounts; i++) {
		const struct edge_account *ea = &all->accounts[i];
		struct edge_set *cur;

		if ((cur = head_set(all, all->taken_at, e)) == NULL)
			return -1;
		if (push_account(cur, ea->id, ea->audited, ea->why, ea->org_unknown, 0, e) != 0)
			goto fail;
		for (size_t k = 0; k < all->nedges; k++)
			if (strutil_cmp(all->edges[k].account, ea->id) == 0 &&
			    edge_set_add_edge(cur, &all->edges[k]) != 0)
				goto oom;
		for (size_t k = 0; k < all->nprivileged; k++)
			if (strutil_cmp(all->privileged[k].account, ea->id) == 0 &&
			    edge_set_add_privileged(cur, &all->privileged[k]) != 0)
				goto oom;
		edge_set_sort(cur);
		if (run_account(R, cur, NULL, NULL, 0, e) != 0)
			return -1;
		continue;
oom:
		err_set(e, "out of memory");
fail:
		edge_set_free(cur);
		return -1;
	}
	return 0;
}

static int
path_in(char *out, size_t n, const char *dir, const char *name, struct err *e)
{
	int k = snprintf(out, n, "%s/%s", dir, name);

	if (k < 0 || (size_t)k >= n) {
		err_set(e, "%s: state directory name too long", dir);
		return -1;
	}
	return 0;
}

/* The organization's part of the inputs (cause.h), linked from the
 * previous generation when it did not change. */
static int
save_org_inputs(struct run *R, const struct snapshot *shell, struct err *e)
{
	struct snapshot view = *shell;
	struct buf now, before;
	int rc = -1, r;

	/* Without the accounts, and without what differs every run. */
	view.naccounts = 0;
	view.accounts = NULL;
	view.taken_at = 0;
	view.source = NULL;
	buf_init(&now, RUN_ACCOUNT_TEXT_MAX);
	buf_init(&before, RUN_ACCOUNT_TEXT_MAX);
	if (snapjson_write(&view, &now, e) != 0) {
		err_prefix(e, "the organization's inputs");
		goto out;
	}
	if ((r = state_read_inputs(R->st, R->prev, NULL, &before, e)) < 0)
		goto out;
	if (r == 1 && before.len == now.len && memcmp(before.data, now.data, now.len) == 0) {
		if ((r = state_txn_link_inputs(R->txn, NULL, e)) < 0)
			goto out;
		if (r == 1) {
			rc = 0;
			goto out;
		}
	}
	rc = state_txn_put_inputs(R->txn, NULL, buf_cstr(&now), now.len, e);
out:
	buf_free(&now);
	buf_free(&before);
	return rc;
}

static int
run_main(const struct config *cfg, const struct audit_run_opts *o, struct src *S,
    const volatile sig_atomic_t *stop, struct audit_result *out, struct err *e)
{
	const char *dir = o->state_dir != NULL ? o->state_dir : cfg->state_dir;
	bool use_state = !o->no_state && o->baseline == NULL;
	const struct snapshot *shell = S->preset == NULL ? src_shell(S) : NULL;
	char snappath[PATH_MAX];
	struct run R;
	int rc = -1;

	memset(&R, 0, sizeof(R));
	memset(out, 0, sizeof(*out));
	R.cfg = cfg;
	R.o = o;
	R.stop = stop;
	R.out = out;
	R.snap_complete = true;
	out->complete = true;
	out->diff.owned = true;
	if (shell != NULL) {
		/* The head as audit_snapshot makes it (org_note). */
		struct snapshot head = *shell;
		struct edge_set *h;

		head.naccounts = 0;
		head.accounts = NULL;
		if ((h = audit_snapshot(&head, &cfg->audit, e)) == NULL)
			goto out;
		out->cur = h;
	} else if ((out->cur = head_set(S->preset, S->preset->taken_at, e)) == NULL) {
		goto out;
	}
	if (out->cur->org_note != NULL)
		out->complete = false;
	if (stopped(stop, e))
		goto out;
	if (o->baseline != NULL) {
		if ((R.prev = state_run_from_file(o->baseline, e)) == NULL) {
			err_prefix(e, "--baseline");
			goto out;
		}
	} else if (use_state) {
		if (dir == NULL || dir[0] == '\0') {
			err_set(e, "no state directory is configured (state_dir)");
			goto out;
		}
		R.st = state_open(dir, e);
		if (R.st == NULL || state_lock(R.st, o->lock_wait_s, stop, e) != 0 ||
		    state_current(R.st, &R.prev, e) != 0)
			goto out;
		if ((R.txn = state_begin(R.st, R.prev, e)) == NULL)
			goto out;
		if (shell != NULL) {
			if (path_in(snappath, sizeof(snappath), dir, "snapshot.json", e) != 0 ||
			    (R.snap = snapjson_stream_open(snappath, e)) == NULL)
				goto out;
		}
	}
	if (o->write_edges != NULL && (R.written = edgestream_writer_open(o->write_edges, e)) == NULL)
		goto out;
	if (R.prev != NULL) {
		out->has_prev = true;
		out->prev_taken_at = R.prev->taken_at;
		out->prev_seq = R.prev->seq;
	}
	out->diff.baseline = R.prev == NULL;
	if ((S->preset != NULL ? run_preset(&R, S->preset, e) : run_accounts(&R, S, e)) != 0 ||
	    prev_until(&R, NULL, e) != 0 || diff_finish(&out->diff, e) != 0)
		goto out;
	if (shell != NULL) {
		/* Final once every account was read (offline: the newest
		 * file's time, the partition of the first ARN). */
		out->cur->taken_at = shell->taken_at;
		out->complete = out->complete && R.snap_complete && shell->org.part.complete;
	}
	if (out->cur->naccounts == 0)
		out->complete = false;
	out->diff.baseline = R.prev == NULL;
	/* The last check point before anything is written. */
	if (stopped(stop, e))
		goto out;
	if (use_state && !o->no_save && o->before_save != NULL &&
	    o->before_save(o->before_save_ctx, out, e) != 0)
		goto out;
	if (use_state && o->no_save) {
		log_notice("the state in %s is left as it was (not saved): the next run that "
		    "saves compares with the same previous audit", dir);
	} else if (use_state && R.any_audited) {
		/* The snapshot first, so that saved edges never rest on an
		 * older snapshot than the one beside them. */
		if (R.snap != NULL) {
			struct snapjson_stream *sn = R.snap;

			R.snap = NULL;
			if (snapjson_stream_commit(sn, shell, e) != 0)
				goto out;
		}
		if (shell != NULL && save_org_inputs(&R, shell, e) != 0)
			goto out;
		out->state_bytes = state_txn_bytes(R.txn);
		if (state_txn_commit(R.txn, out->cur->taken_at, out->cur->source,
		    out->cur->org_note, cfg->audit.state_keep, &out->seq, e) != 0) {
			R.txn = NULL;
			goto out;
		}
		R.txn = NULL;
		out->saved = true;
		log_info("saved the audit as number %llu in %s (%zu of %zu audited accounts "
		    "reused unchanged)", (unsigned long long)out->seq, dir, out->reused,
		    out->audited);
	} else if (use_state) {
		log_warn("no account could be audited; the saved state is left as it was");
	}
	if (o->write_edges != NULL) {
		if (!R.any_audited) {
			err_set(e, "--write-edges %s: no account could be audited; the file "
			    "is not written", o->write_edges);
			goto out;
		}
		struct edgestream_writer *w = R.written;

		R.written = NULL;
		if (edgestream_writer_commit(w, out->cur, e) != 0)
			goto out;
	}
	if (o->sink != NULL && o->sink->finish != NULL &&
	    o->sink->finish(o->sink->ctx, out, e) != 0)
		goto out;
	rc = 0;
out:
	snapjson_stream_abort(R.snap);
	snapshot_free(R.prev_org);
	state_txn_abort(R.txn);
	edgestream_writer_abort(R.written);
	state_run_free(R.prev);
	state_close(R.st);
	if (rc != 0)
		audit_result_free(out);
	return rc;
}

int
audit_run_edges(const struct config *cfg, const struct audit_run_opts *o,
    struct edge_set *cur, const volatile sig_atomic_t *stop, struct audit_result *out,
    struct err *e)
{
	struct src S;
	int rc;

	memset(&S, 0, sizeof(S));
	edge_set_sort(cur);
	S.preset = cur;
	rc = run_main(cfg, o, &S, stop, out, e);
	src_close(&S);
	return rc;
}

int
audit_run(const struct config *cfg, const struct audit_run_opts *o,
    const volatile sig_atomic_t *stop, struct audit_result *out, struct err *e)
{
	struct src S;
	int rc;

	memset(out, 0, sizeof(*out));
	if (src_open(&S, cfg, o, stop, e) != 0)
		return -1;
	rc = run_main(cfg, o, &S, stop, out, e);
	src_close(&S);
	return rc;
}
