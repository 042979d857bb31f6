/*
 * The state directory: the edge sets of past audits, so that each run can
 * say what changed since the last one.
 *
 * Layout (all in the one directory, mode 0700, files 0600):
 *   edges-0000000042.json   one edge set per saved run (edgejson.h); the
 *                           highest number is the current one
 *   edges.lock              flock()ed while a run loads, diffs and saves
 *   .edges-*.tmp            a save in progress; a leftover one is a save
 *                           that was killed before its rename, and is
 *                           removed by the next save
 * Other files in the directory (the daemon's outbox, ...) are left alone.
 *
 * Why no "current" pointer file: the rename of the new edges file is the
 * single atomic step that makes a save visible; a pointer would need a
 * second one and could disagree with the files. "Highest number wins" can
 * never point at a half-written file, because numbered names only appear
 * by rename after fsync.
 *
 * A save: write .edges-N.tmp (O_EXCL, 0600), fsync it, rename it to
 * edges-N.json, fsync the directory; then remove all but the newest keep
 * files and the leftover temp files, and fsync the directory again. A
 * crash at any point leaves either the old newest file or the new one,
 * each complete.
 *
 * A current file that cannot be read or parsed is an error naming the file
 * (and the JSON path): the run stops before it saves, so the damaged file
 * and the older good ones stay as they are for the operator to inspect
 * (move the damaged file aside to fall back to the previous one).
 *
 * Ownership: struct state owns its descriptors and path; state_close()
 * releases the lock and both.
 */
#ifndef PRA_AUDIT_STATE_H
#define PRA_AUDIT_STATE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "audit/edge.h"
#include "util/err.h"

struct state;

/* Open (creating it, 0700, if missing; its parent must exist) the state
 * directory. NULL with e set. */
struct state *state_open(const char *dir, struct err *e);
void state_close(struct state *st);

/* Take the directory's lock, waiting up to wait_s seconds (0: try once) for
 * another run to finish; *stop set (may be NULL) abandons the wait. 0, or
 * -1 with e naming who holds it ("... is locked by process 1234"). */
int state_lock(struct state *st, int wait_s, const volatile sig_atomic_t *stop,
    struct err *e);
void state_unlock(struct state *st);

/* The current (newest) edge set into *out and its number into *seq (both
 * may be 0/NULL when the directory holds none: *out = NULL, return 0).
 * -1 with e when the newest file cannot be read or parsed. Needs the
 * lock. */
int state_load(struct state *st, struct edge_set **out, uint64_t *seq, struct err *e);

/* Save s as the next number, then keep only the newest keep (>= 1) files.
 * *seq (may be NULL) gets the number. Needs the lock. 0, or -1 with e;
 * on -1 the files that were there are untouched. */
int state_save(struct state *st, const struct edge_set *s, int keep, uint64_t *seq,
    struct err *e);

/* The numbers of the edge files present, ascending (caller frees *seqs).
 * 0 or -1. For tests and diagnostics. */
int state_list(struct state *st, uint64_t **seqs, size_t *n, struct err *e);

/* The path of edge file seq, in buf (of size n). */
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
