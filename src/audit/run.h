/*
 * One audit run, end to end: take a snapshot (live or offline), compute the
 * edge set, load the previous one, diff, save. Used by --audit-now and by
 * the daemon's loop; this signature is stable.
 *
 * Rules:
 *   - An interrupted run (*stop set at any check point) or a failed one
 *     writes no state: -1 with e, and nothing in the state directory has
 *     changed.
 *   - The state is loaded, diffed and saved under the state directory's
 *     lock (state.h), taken after the snapshot and the evaluation, so that
 *     a long fetch does not block another run, and two runs cannot
 *     interleave their load and save.
 *   - A run is saved when it audited at least one account; what is saved
 *     is state_merge(prev, cur): accounts this run could not audit keep
 *     their last known edges (state.h explains why).
 *   - A run that saw nothing (no account audited) saves nothing: it would
 *     teach the state nothing.
 */
#ifndef PRA_AUDIT_RUN_H
#define PRA_AUDIT_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "audit/diff.h"
#include "audit/edge.h"
#include "aws/credprov.h"
#include "collect/snapshot.h"
#include "conf.h"
#include "util/err.h"

struct audit_result;

struct audit_run_opts {
	/* Offline: a directory of AWS CLI dumps (offline_load). NULL: live,
	 * through collect_snapshot with base (borrowed; the caller builds it
	 * from the config with awsconf_creds_new, and may keep it across
	 * runs so that its credential cache is reused). */
	const char *input_dir;
	struct aws_creds_provider *base;
	/* The state directory; NULL: cfg->state_dir. */
	const char *state_dir;
	/* Neither load nor save any state: every run is a baseline unless
	 * baseline is set. For CI jobs and one-off looks at a dump. */
	bool no_state;
	/* Diff against this edge file (edgejson.h) instead of the state;
	 * implies no_state. NULL: none. */
	const char *baseline;
	/* Also write what would be saved (this run merged with the previous
	 * set) to this file, atomically. NULL: no. */
	const char *write_edges;
	/* Seconds to wait for the state lock; 0 = try once. */
	int lock_wait_s;
	/* Called once the diff is known and before the state is saved (only
	 * when a state is used). The daemon queues the run's alerts here: a
	 * crash between the two then repeats alerts with the same ids, which
	 * receivers drop, and never loses them. A failure (-1 with e) leaves
	 * the state unsaved and fails the run, so the next run diffs against
	 * the same previous set and raises the same changes again. NULL: none. */
	int (*before_save)(void *ctx, const struct audit_result *r, struct err *e);
	void *before_save_ctx;
};

struct audit_result {
	struct snapshot *snap;		/* owned; NULL from audit_run_edges */
	struct edge_set *prev;		/* owned; NULL: no previous set (baseline) */
	/* The number of the saved set prev was loaded from; 0 when prev
	 * did not come from the state directory. */
	uint64_t prev_seq;
	struct edge_set *cur;		/* owned; this run's edges, sorted */
	struct edge_diff diff;		/* borrows prev and cur */
	/* Every listed account audited with the organization policies read,
	 * and (live or offline) every snapshot part complete. */
	bool complete;
	bool saved;			/* a new state file was written */
	uint64_t seq;			/* its number, when saved */
};

/*
 * The full run. 0 with *out filled (free with audit_result_free), or -1
 * with e set and *out empty. Whether anything changed is
 * audit_result_changed(out); whether it saw everything, out->complete.
 */
int audit_run(const struct config *cfg, const struct audit_run_opts *o,
    const volatile sig_atomic_t *stop, struct audit_result *out, struct err *e);

/* The snapshot only, as audit_run takes it (for --explain and
 * --list-privileged). NULL with e. */
struct snapshot *audit_run_snapshot(const struct config *cfg, const struct audit_run_opts *o,
    const volatile sig_atomic_t *stop, struct err *e);

/* The second half of audit_run, from an edge set already computed: cur is
 * taken (freed on error too). */
int audit_run_edges(const struct config *cfg, const struct audit_run_opts *o,
    struct edge_set *cur, const volatile sig_atomic_t *stop, struct audit_result *out,
    struct err *e);

/* Any gained, lost, changed edge or privileged role added or removed. */
bool audit_result_changed(const struct audit_result *r);

void audit_result_free(struct audit_result *r);

#endif
