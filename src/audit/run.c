/*
 * One audit run. See run.h for the rules.
 */
#include "config.h"

#include "audit/run.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/audit.h"
#include "collect/offline.h"
#include "collect/snapjson.h"
#include "audit/edgejson.h"
#include "audit/state.h"
#include "collect/collect.h"
#include "log.h"

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
	edge_set_free(r->prev);
	snapshot_free(r->snap);
	memset(r, 0, sizeof(*r));
}

bool
audit_result_changed(const struct audit_result *r)
{
	return r->diff.n > 0;
}

/* Every listed account audited, with the organization policies read. */
static bool
set_complete(const struct edge_set *s)
{
	if (s->naccounts == 0 || s->org_note != NULL)
		return false;
	for (size_t i = 0; i < s->naccounts; i++)
		if (!s->accounts[i].audited || s->accounts[i].org_unknown)
			return false;
	return true;
}

static bool
any_audited(const struct edge_set *s)
{
	for (size_t i = 0; i < s->naccounts; i++)
		if (s->accounts[i].audited)
			return true;
	return false;
}

/*
 * The snapshot a stateful run audited goes to STATE_DIR/snapshot.json
 * (atomically, 0600), whether or not it was complete: it is what the last
 * findings rest on, and --input takes it back for --explain or
 * --list-privileged without fetching again. Written under the state lock
 * after the last stop check and before the edge set, so that saved edges
 * never rest on an older snapshot than the one beside them and a stopped
 * run changes nothing.
 */
static int
save_snapshot(const struct config *cfg, const struct audit_run_opts *o,
    const struct snapshot *snap, struct err *e)
{
	const char *dir = o->state_dir != NULL ? o->state_dir : cfg->state_dir;
	char path[PATH_MAX];
	int n;

	if (snap == NULL || dir == NULL || dir[0] == '\0')
		return 0;
	n = snprintf(path, sizeof(path), "%s/snapshot.json", dir);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		err_set(e, "%s: state directory name too long", dir);
		return -1;
	}
	return snapjson_save(snap, path, e);
}

static int run_edges(const struct config *cfg, const struct audit_run_opts *o,
    struct edge_set *cur, const struct snapshot *snap, const volatile sig_atomic_t *stop,
    struct audit_result *out, struct err *e);

int
audit_run_edges(const struct config *cfg, const struct audit_run_opts *o,
    struct edge_set *cur, const volatile sig_atomic_t *stop, struct audit_result *out,
    struct err *e)
{
	return run_edges(cfg, o, cur, NULL, stop, out, e);
}

static int
run_edges(const struct config *cfg, const struct audit_run_opts *o,
    struct edge_set *cur, const struct snapshot *snap, const volatile sig_atomic_t *stop,
    struct audit_result *out, struct err *e)
{
	const char *dir = o->state_dir != NULL ? o->state_dir : cfg->state_dir;
	bool use_state = !o->no_state && o->baseline == NULL;
	struct edge_set *merged = NULL;
	struct state *st = NULL;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->cur = cur;
	edge_set_sort(cur);
	out->complete = set_complete(cur);
	if (stopped(stop, e))
		goto out;
	if (o->baseline != NULL) {
		out->prev = edgejson_read_file(o->baseline, e);
		if (out->prev == NULL) {
			err_prefix(e, "--baseline");
			goto out;
		}
	} else if (use_state) {
		if (dir == NULL || dir[0] == '\0') {
			err_set(e, "no state directory is configured (state_dir)");
			goto out;
		}
		st = state_open(dir, e);
		if (st == NULL || state_lock(st, o->lock_wait_s, stop, e) != 0 ||
		    state_load(st, &out->prev, &out->prev_seq, e) != 0)
			goto out;
	}
	if (diff_compute(out->prev, cur, &out->diff, e) != 0)
		goto out;
	if ((use_state || o->write_edges != NULL) && any_audited(cur)) {
		merged = state_merge(out->prev, cur, e);
		if (merged == NULL)
			goto out;
	}
	/* The last check point before anything is written. */
	if (stopped(stop, e))
		goto out;
	if (use_state && save_snapshot(cfg, o, snap, e) != 0)
		goto out;
	if (use_state && o->before_save != NULL && o->before_save(o->before_save_ctx, out, e) != 0)
		goto out;
	if (use_state && merged != NULL) {
		if (state_save(st, merged, cfg->audit.state_keep, &out->seq, e) != 0)
			goto out;
		out->saved = true;
		log_info("saved the edge set as number %llu in %s",
		    (unsigned long long)out->seq, dir);
	} else if (use_state) {
		log_warn("no account could be audited; the saved state is left as it was");
	}
	if (o->write_edges != NULL) {
		if (merged == NULL) {
			err_set(e, "--write-edges %s: no account could be audited; the file "
			    "is not written", o->write_edges);
			goto out;
		}
		if (state_write_file(o->write_edges, merged, e) != 0)
			goto out;
	}
	rc = 0;
out:
	edge_set_free(merged);
	state_close(st);
	if (rc != 0)
		audit_result_free(out);
	return rc;
}

/* Every part of the snapshot complete, as the collectors recorded it. */
int
audit_run(const struct config *cfg, const struct audit_run_opts *o,
    const volatile sig_atomic_t *stop, struct audit_result *out, struct err *e)
{
	struct snapshot *snap;
	struct edge_set *cur;
	bool snap_complete;

	memset(out, 0, sizeof(*out));
	snap = audit_run_snapshot(cfg, o, stop, e);
	if (snap == NULL)
		return -1;
	if (stopped(stop, e)) {
		snapshot_free(snap);
		return -1;
	}
	cur = audit_snapshot(snap, &cfg->audit, e);
	if (cur == NULL) {
		snapshot_free(snap);
		return -1;
	}
	snap_complete = snapshot_complete(snap);
	if (run_edges(cfg, o, cur, snap, stop, out, e) != 0) {
		snapshot_free(snap);
		return -1;
	}
	out->snap = snap;
	out->complete = out->complete && snap_complete;
	return 0;
}
