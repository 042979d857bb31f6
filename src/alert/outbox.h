/*
 * The durable outbox: alerts waiting for delivery, one file per alert in
 * STATE_DIR/outbox, so that an alert survives a crash, a restart and a
 * receiver that is down for hours.
 *
 * Layout: STATE_DIR/outbox/<seq, 20 digits>-<alert id>.json holding
 *   {"outbox": 1, "seq": N, "alert": {...alert.h's JSON...},
 *    "delivered": ["syslog", "webhook:secops", ...]}
 * The sequence number orders the queue (delivery goes oldest first); the
 * "delivered" list is per sink, so a sink that accepted an alert is never
 * sent it again and a dead sink neither blocks nor duplicates the others.
 *
 * Every write is a new file: write a temporary ".tmp-..." file, fsync it,
 * rename it over the entry, fsync the directory. A crash leaves either the
 * old entry or the new one, never half of one; leftover temporary files are
 * removed at the next open. An entry that cannot be read back (bad name, not
 * JSON, wrong shape, id mismatch) is moved to STATE_DIR/outbox/corrupt/ with
 * an error in the log: the daemon goes on with the others.
 *
 * Bounded: at most `max` entries. When full, outbox_add() refuses the new
 * alert (it returns OUTBOX_FULL) and keeps the old ones: the oldest alerts
 * are the first evidence of a change and must not be evicted by a flood of
 * later ones (which an attacker able to change IAM could cause on purpose).
 * The caller alerts the refusal to syslog; see deliver.c.
 *
 * Locking: STATE_DIR/outbox/.lock is flock()ed by whoever reads or changes
 * the queue (outbox_lock/outbox_unlock), so that the daemon and a manual
 * --audit-now on the same state queue and deliver in turn, never both at
 * once (two deliverers would send the same alert twice). The in-memory
 * index is read again at lock time when another process changed the
 * queue since (see outbox_lock).
 *
 * Ownership: struct outbox owns its entries and their delivered lists.
 * Not thread-safe.
 */
#ifndef PRA_ALERT_OUTBOX_H
#define PRA_ALERT_OUTBOX_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "util/err.h"

#define OUTBOX_FORMAT 1
#define OUTBOX_DEFAULT_MAX 10000
#define OUTBOX_ENTRY_MAX_BYTES (1024 * 1024)
#define OUTBOX_SINK_NAME_MAX 128
/* Sinks one entry's "delivered" list may name (the reader refuses more). */
#define OUTBOX_DELIVERED_MAX 1024
#define OUTBOX_NAME_LEN (20 + 1 + 64 + 5)	/* seq-id.json */
/* Seconds the alerts wait for another process's lock (alert.h). */
#define OUTBOX_LOCK_WAIT_S 120

struct outbox_entry {
	unsigned long long seq;
	char id[65];
	char name[OUTBOX_NAME_LEN + 1];
	char **delivered;	/* sink names, owned */
	size_t ndelivered;
};

struct outbox {
	char *dir;		/* STATE_DIR/outbox, owned */
	int dirfd;
	size_t max;
	struct outbox_entry *v;	/* in seq order */
	size_t n, cap;
	unsigned long long next_seq;
	size_t quarantined;	/* entries moved to corrupt/ since open */
	int lockfd;		/* STATE_DIR/outbox/.lock */
	bool locked;
	bool scanned;		/* the index was read at least once */
	unsigned long long gen;	/* the lock file's generation the index matches */
	int (*check)(const cJSON *alert, const char *id, struct err *e);
};

/* Validates an entry's "alert" object when the outbox is opened; 0 when it
 * is acceptable, else -1 with e. */
typedef int (*outbox_check_fn)(const cJSON *alert, const char *id, struct err *e);

/* Open (creating STATE_DIR/outbox, mode 0700) and load the queue; when
 * another process holds the lock, the queue is loaded by the first
 * outbox_lock instead (open never waits). max 0: OUTBOX_DEFAULT_MAX.
 * check may be NULL. NULL with e on failure. */
struct outbox *outbox_open(const char *state_dir, size_t max, outbox_check_fn check,
    struct err *e);
void outbox_close(struct outbox *ob);

/* Take the outbox's lock, waiting up to wait_s seconds (announced in the
 * log; stop, may be NULL, ends the wait), and read the queue again if
 * another process changed it since this one last held the lock. 0, or -1
 * with e naming the holder ("... is locked by process 1234 (...); gave up
 * after 120 s"). Idempotent while held. */
int outbox_lock(struct outbox *ob, int wait_s, const volatile sig_atomic_t *stop,
    struct err *e);
void outbox_unlock(struct outbox *ob);

/* Index of the entry with this id, or -1. */
long outbox_find(const struct outbox *ob, const char *id);
bool outbox_entry_delivered(const struct outbox_entry *en, const char *sink);

enum outbox_add_result {
	OUTBOX_ADDED = 0,
	OUTBOX_ALREADY = 1,	/* an entry with this id is queued: not written again */
	OUTBOX_FULL = 2,	/* max entries queued: refused */
};

/* Queue alert (a copy is written) under id. Returns an enum outbox_add_result,
 * or -1 with e when it could not be written (nothing is queued then). */
int outbox_add(struct outbox *ob, const char *id, const cJSON *alert, struct err *e);

/* The "alert" object of entry i, read from its file; cJSON_Delete it.
 * NULL with e when the file cannot be read or parsed. */
cJSON *outbox_read_alert(struct outbox *ob, size_t i, struct err *e);

/* Record that sink accepted entry i (rewrites the entry). 0, or -1 with e,
 * also when the entry already lists OUTBOX_DELIVERED_MAX sinks or sink is
 * longer than OUTBOX_SINK_NAME_MAX: what is written must read back. */
int outbox_mark_delivered(struct outbox *ob, size_t i, const char *sink, struct err *e);

/* Remove entry i (every sink has it). 0, or -1 with e. */
int outbox_remove(struct outbox *ob, size_t i, struct err *e);

/* Move entry i to corrupt/ and drop it from the queue, logging why at error
 * level. Never fails: when the move fails the file is left in place (and
 * still skipped until the next open). */
void outbox_quarantine(struct outbox *ob, size_t i, const char *why);

#endif
