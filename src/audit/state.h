/*
 * The state directory: what past audits found, so that each run can say
 * what changed since the last one, and reuse what did not change.
 *
 * Layout (all in the one directory, mode 0700, files 0600):
 *   gen-0000000042/         one saved run (a generation); the highest
 *                           number is the current one
 *     run.json              the run: when, from where, and each account's
 *                           record (audited or why not, SCPs known, when
 *                           its edges were seen, the fingerprint of its
 *                           audit inputs — fingerprint.h)
 *     ACCOUNT.edges.json    that account's privileged roles and edges in
 *                           the compact form (edgepack.h)
 *     ACCOUNT.inputs.json   the account's snapshot part those edges were
 *                           computed from (for the causes of the next
 *                           run's changes; hard-linked like the edges)
 *     org.inputs.json       the organization part (tree, SCPs, RCPs)
 *   .gen-0000000043.tmp/    a save in progress; a leftover one is a save
 *                           that was killed before its rename, removed by
 *                           the next save
 *   edges-0000000041.json   a whole edge set as version 1 wrote it
 *                           (edgejson.h): read as a saved run, and pruned
 *                           like one
 *   edges.lock              flock()ed while a run loads, diffs and saves
 *   snapshot.json           the snapshot the last stateful run audited
 *                           (run.c; written beside, not inside, a
 *                           generation)
 * Other files in the directory (the daemon's outbox, ...) are left alone.
 *
 * A save is one rename: each account's file is written into the temporary
 * directory (O_EXCL, fsync) — or, for an account whose edges did not
 * change, hard-linked from the previous generation, whose files never
 * change once renamed into place — then run.json, an fsync of the
 * directory, the rename of the directory to its number and an fsync of
 * the state directory; then all but the newest keep runs and any leftover
 * temporary file are removed. A crash at any point leaves either the old
 * newest run or the new one, each complete. "Highest number wins" can
 * never point at a half-written run, because numbered names only appear
 * by rename after fsync.
 *
 * A current run that cannot be read or parsed is an error naming the file
 * (and the JSON path): the run stops before it saves, so the damaged run
 * and the older good ones stay as they are for the operator to inspect
 * (move the damaged one aside to fall back to the previous one).
 *
 * Ownership: struct state owns its descriptors and path; state_close()
 * releases the lock and both. A struct state_run owns its strings.
 */
#ifndef PRA_AUDIT_STATE_H
#define PRA_AUDIT_STATE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "audit/edge.h"
#include "audit/edgestream.h"
#include "audit/fingerprint.h"
#include "util/buf.h"
#include "util/err.h"

struct state;

/* Open (creating it, 0700, if missing; its parent must exist) the state
 * directory. NULL with e set. */
struct state *state_open(const char *dir, struct err *e);
void state_close(struct state *st);

/* A state directory (sb: its stat) must belong to this process's user:
 * anything written into another user's would be unreadable to it. 0, or
 * -1 with e saying how to fix it (run as the owner, or chown -R). */
struct stat;
int state_owner_check(const char *dir, const struct stat *sb, struct err *e);

/* Take the directory's lock, waiting up to wait_s seconds (0: try once) for
 * another run to finish; *stop set (may be NULL) abandons the wait. 0, or
 * -1 with e naming who holds it ("... is locked by process 1234"). */
int state_lock(struct state *st, int wait_s, const volatile sig_atomic_t *stop,
    struct err *e);
void state_unlock(struct state *st);

struct state_account {
	char *id;
	bool audited;
	char *why;		/* NULL when audited */
	bool org_unknown;
	/* When its edges were last computed; 0: by this run. */
	time_t known_at;
	/* Of the inputs its edges were computed from; "" unknown. */
	char fingerprint[FINGERPRINT_HEX];
	size_t nedges;		/* edges in its file */
	size_t nprivileged;	/* privileged roles in its file */
};

/* A saved run: run.json, or a version 1 edge file (set then holds it). */
struct state_run {
	uint64_t seq;
	time_t taken_at;
	char *source;
	char *org_note;
	struct state_account *accounts;	/* sorted by id */
	size_t naccounts;
	struct edge_set *set;	/* version 1 only */
	/* --baseline: the file, read account by account (edgestream.h) */
	struct edgestream *file;
};

/* The current run into *out (NULL, and 0, when there is none); -1 with
 * e when it cannot be read. Needs the lock. */
int state_current(struct state *st, struct state_run **out, struct err *e);
/* A whole edge set (--baseline, version 1 files) as a saved run, taking s
 * (freed on failure too). NULL with e. */
struct state_run *state_run_from_set(struct edge_set *s, uint64_t seq, struct err *e);
/* A version 1 edge file (--baseline) as a saved run read one account at a
 * time: checked whole here, its entries kept on disk. NULL with e. */
struct state_run *state_run_from_file(const char *path, struct err *e);
void state_run_free(struct state_run *r);
/* An account's record in r; NULL when r does not list it. */
const struct state_account *state_run_account(const struct state_run *r, const char *id);
/* Append account id's privileged roles and edges in r to into. 0 or -1. */
int state_account_edges(struct state *st, const struct state_run *r, const char *id,
    struct edge_set *into, struct err *e);

/*
 * A save, account by account: state_begin (prev: the current run, or NULL
 * when no account will be kept from it), then for each account either
 * state_txn_put (its record ea, the fingerprint of its inputs or NULL, and
 * a set holding its entries) or state_txn_keep (the previous run's files
 * and record, known_at as given), then state_txn_commit (keep >= 1 runs
 * are kept) or state_txn_abort. Commit and abort free t; on any failure
 * nothing that was there is changed. Needs the lock.
 */
struct state_txn;
struct state_txn *state_begin(struct state *st, const struct state_run *prev, struct err *e);
int state_txn_put(struct state_txn *t, const struct edge_account *ea, const char *fp,
    const struct edge_set *s, struct err *e);
int state_txn_keep(struct state_txn *t, const struct state_account *pa, time_t known_at,
    struct err *e);
int state_txn_commit(struct state_txn *t, time_t taken_at, const char *source,
    const char *org_note, int keep, uint64_t *seq, struct err *e);
void state_txn_abort(struct state_txn *t);
/*
 * The inputs a generation's edges were computed from, kept so that the
 * next run can tell which input change caused which edge change
 * (cause.h): ACCOUNT.inputs.json (the account's snapshot part, as
 * snapjson_account_text writes it) and org.inputs.json (the organization:
 * a snapshot JSON without accounts), for id NULL. put writes one into the
 * new generation; link shares the previous generation's (1, or 0 when it
 * has none: it predates inputs, or is a version 1 file); read gives
 * generation r's into out (bounded by out->max): 1, 0 when it has none.
 * -1 with e on failure. Inputs files are not counted in state_txn_bytes.
 */
int state_txn_put_inputs(struct state_txn *t, const char *id, const char *text, size_t len,
    struct err *e);
int state_txn_link_inputs(struct state_txn *t, const char *id, struct err *e);
int state_read_inputs(struct state *st, const struct state_run *r, const char *id,
    struct buf *out, struct err *e);
/* Bytes of the account files so far (written and linked): for the
 * benchmark's bytes per edge. */
size_t state_txn_bytes(const struct state_txn *t);

/* The current (newest) edge set into *out and its number into *seq (both
 * may be 0/NULL when the directory holds none: *out = NULL, return 0).
 * -1 with e when the newest file cannot be read or parsed. Needs the
 * lock. */
int state_load(struct state *st, struct edge_set **out, uint64_t *seq, struct err *e);

/* Saved run seq (current or older) as one whole set. 0 or -1 with e. */
int state_load_seq(struct state *st, uint64_t seq, struct edge_set **out, struct err *e);

/* Save s as the next number, then keep only the newest keep (>= 1) files.
 * *seq (may be NULL) gets the number. Needs the lock. 0, or -1 with e;
 * on -1 the files that were there are untouched. */
int state_save(struct state *st, const struct edge_set *s, int keep, uint64_t *seq,
    struct err *e);

/* The numbers of the edge files present, ascending (caller frees *seqs).
 * 0 or -1. For tests and diagnostics. */
int state_list(struct state *st, uint64_t **seqs, size_t *n, struct err *e);

/* The path of saved run seq (its generation directory), in buf. */
void state_file_name(const struct state *st, uint64_t seq, char *buf, size_t n);

/*
 * What a run saves: cur, plus, for every account cur could not audit, the
 * last known edges and privileged roles of that account from prev (with
 * known_at saying when they were seen), so that the next complete run
 * diffs against what was last known rather than against nothing. The
 * same holds for an account audited in single-account mode (SCPs unknown)
 * whose previous edges were computed with the SCPs: the better-known
 * edges are kept.
 *
 * Accounts in prev that cur does not list are dropped (they left the
 * organization or the configured scope) unless cur is in single-account
 * mode (cur->org_note set): then the account list itself is unknown and
 * they are carried too.
 *
 * A new sorted set the caller owns; prev may be NULL. NULL with e on ENOMEM.
 */
struct edge_set *state_merge(const struct edge_set *prev, const struct edge_set *cur,
    struct err *e);

/* Write s to path atomically (temp file in the same directory, fsync,
 * rename, fsync of the directory), mode 0600. For --write-edges. */
int state_write_file(const char *path, const struct edge_set *s, struct err *e);

#endif
