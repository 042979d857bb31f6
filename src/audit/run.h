/*
 * One audit run, end to end, one account at a time: the organization
 * (tree, SCPs, RCPs) is read and compiled once; then each account is read
 * (from the dump, the saved snapshot or the live fetch), fingerprinted,
 * audited — or, when its fingerprint equals the one saved with its edges,
 * its saved edges are reused without evaluation —, diffed against its
 * previous edges, saved into the new generation, handed to the sink (the
 * report) and freed before the next is taken. Used by --audit-now and by
 * the daemon's loop.
 *
 * Rules:
 *   - An interrupted run (*stop set at any check point) or a failed one
 *     writes no state: -1 with e, and nothing in the state directory has
 *     changed.
 *   - The state directory's lock (state.h) is held for the whole run, so
 *     that two runs (the daemon and a manual one) serialize rather than
 *     interleave; lock_wait_s says how long a run waits for another.
 *   - A run is saved when it audited at least one account; what is saved
 *     for an account is state_merge(prev, cur) of that account: an account
 *     this run could not audit keeps its last known edges (state.h
 *     explains why).
 *   - A run that saw nothing (no account audited) saves nothing: neither
 *     edges nor the snapshot; it would teach the state nothing.
 *   - Memory: one account's snapshot part and edges at a time, plus the
 *     organization, the run's account records and its changes (the diff
 *     keeps copies of the edges that changed, for the report's changes
 *     and the alerts). A live fetch keeps at most collect.concurrency
 *     accounts fetched ahead of the audit; an offline dump is read one
 *     account at a time; a saved snapshot.json is read whole.
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

/* Receives the run as it is produced: the streaming report writers
 * (report.h). account: one account's results, in account id order — cur
 * holds this run's privileged roles and edges there (none when it was not
 * audited) and its record in cur->accounts[0] (known_at: when the edges
 * the state keeps for it were seen, 0 for this run). finish: once, at the
 * end, with the whole result (its diff complete). Either may be NULL;
 * failing (-1 with e) fails the run before it saves. */
struct audit_sink {
	int (*account)(void *ctx, const struct edge_set *cur, struct err *e);
	/* false: account needs only the records and counts (cur holds no
	 * privileged roles and edges of an account whose saved ones were
	 * reused; they are not even read). */
	bool entries;
	int (*finish)(void *ctx, const struct audit_result *r, struct err *e);
	void *ctx;
};

struct audit_run_opts {
	/* Offline: a directory of AWS CLI dumps (read one account at a
	 * time), or a snapshot.json file. NULL: live, through
	 * collect_snapshot with base (borrowed; the caller builds it from the
	 * config with awsconf_creds_new, and may keep it across runs so that
	 * its credential cache is reused). */
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
	/* Read the state and diff against it, but save nothing (--no-alerts:
	 * a run whose changes are not alerted must not consume them; the
	 * next run that saves raises them). before_save is not called. */
	bool no_save;
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
	/* Where the results go as they are produced; NULL: nowhere (the
	 * daemon: alerts come from the diff). */
	const struct audit_sink *sink;
};

struct audit_result {
	/* The run's head (taken_at, source, org_note) and its account
	 * records, in id order; no edges and no privileged roles: those went
	 * to the sink account by account. Owned. */
	struct edge_set *cur;
	size_t nedges, nprivileged;	/* this run's, all accounts */
	/* A previous run was compared with: when it was taken, and its
	 * number in the state directory (0: it came from --baseline). */
	bool has_prev;
	time_t prev_taken_at;
	uint64_t prev_seq;
	/* Owns its entries' edges (diff_absorb). */
	struct edge_diff diff;
	/* Every listed account audited with the organization policies read,
	 * and (live or offline) every snapshot part complete. */
	bool complete;
	bool saved;			/* a new generation was written */
	uint64_t seq;			/* its number, when saved */
	/* Accounts audited, and of them reused: their fingerprint was the
	 * one saved with their edges, so they were not evaluated. */
	size_t audited, reused;
	size_t state_bytes;		/* account files written or linked */
};

/*
 * The full run. 0 with *out filled (free with audit_result_free), or -1
 * with e set and *out empty. Whether anything changed is
 * audit_result_changed(out); whether it saw everything, out->complete.
 */
int audit_run(const struct config *cfg, const struct audit_run_opts *o,
    const volatile sig_atomic_t *stop, struct audit_result *out, struct err *e);

/* The whole snapshot, as audit_run reads it (for --explain and
 * --list-privileged). NULL with e. */
struct snapshot *audit_run_snapshot(const struct config *cfg, const struct audit_run_opts *o,
    const volatile sig_atomic_t *stop, struct err *e);

/* The same run from an edge set already computed (no snapshot: nothing
 * is fingerprinted, reused or saved as snapshot.json): cur is taken
 * (freed on error too). */
int audit_run_edges(const struct config *cfg, const struct audit_run_opts *o,
    struct edge_set *cur, const volatile sig_atomic_t *stop, struct audit_result *out,
    struct err *e);

/* Any gained, lost, changed edge or privileged role added or removed. */
bool audit_result_changed(const struct audit_result *r);

void audit_result_free(struct audit_result *r);

#endif
