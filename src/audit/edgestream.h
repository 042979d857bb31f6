/*
 * The version 1 edge file (edgejson.h's schema) one account at a time:
 * --write-edges writes it and --baseline reads it at any size, with
 * memory bounded by the largest account, not by the organization.
 *
 * Reading: edgestream_open reads the whole file once, checking every
 * element by edgejson's rules (so a bad file is refused before the run
 * starts, naming FILE: PATH), and keeps only the header, the accounts and
 * an index: for each account, the byte ranges of its privileged roles and
 * edges. edgestream_account then reads back one account's entries from
 * those ranges. Entries need not be grouped by account (a file edited by
 * hand still reads), but a file written here or by edgejson_write is, and
 * then the index holds about two ranges per account.
 *
 * Writing: entries are appended account by account to unlinked temporary
 * files beside the target, each checked by the reader's rules first; the
 * commit writes the header, the accounts and those entries into the
 * target by fileio_save (temp + fsync + rename), so a reader sees the old
 * file or the new one. Entries are written one per line, in the order
 * given: give accounts in id order and each account's set sorted
 * (edge_set_sort) for a file equal runs write equally.
 *
 * Ownership: each struct owns its files and copies; edgestream_head's set
 * belongs to the reader.
 */
#ifndef PRA_AUDIT_EDGESTREAM_H
#define PRA_AUDIT_EDGESTREAM_H

#include <stdint.h>

#include "audit/edge.h"
#include "util/err.h"

/* Largest file read, and largest single entry in it. */
#define EDGESTREAM_MAX_BYTES ((uint64_t)64 << 30)
#define EDGESTREAM_MAX_ENTRY ((size_t)16 << 20)

struct edgestream;

/* NULL with e ("FILE:LINE: ..." for syntax, "FILE: edges[3].role_arn:
 * missing" for the schema). */
struct edgestream *edgestream_open(const char *path, struct err *e);
void edgestream_close(struct edgestream *es);
/* The path given to edgestream_open, for messages. */
const char *edgestream_name(const struct edgestream *es);
/* taken_at, source, org_note and the accounts (sorted by id); no edges. */
const struct edge_set *edgestream_head(const struct edgestream *es);
/* Entries of account id (its edges' and privileged roles' "account"). */
size_t edgestream_count_edges(const struct edgestream *es, const char *id);
size_t edgestream_count_privileged(const struct edgestream *es, const char *id);
/* Append account id's privileged roles and edges to into (neither sorted
 * nor checked for duplicates across calls). 0 or -1 with e. */
int edgestream_account(struct edgestream *es, const char *id, struct edge_set *into,
    struct err *e);

struct edgestream_writer;

/* The file to replace at commit. NULL with e. */
struct edgestream_writer *edgestream_writer_open(const char *path, struct err *e);
/* Append s's accounts (with their known_at), privileged roles and edges.
 * s sorted; accounts across calls in increasing id order. 0 or -1. */
int edgestream_writer_add(struct edgestream_writer *w, const struct edge_set *s,
    struct err *e);
/* Write the file with head's taken_at, source and org_note, replacing
 * path atomically; frees w. 0 or -1 (path unchanged). */
int edgestream_writer_commit(struct edgestream_writer *w, const struct edge_set *head,
    struct err *e);
void edgestream_writer_abort(struct edgestream_writer *w);

#endif
