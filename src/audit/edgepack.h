/*
 * The compact form of one account's edges, as the state directory keeps
 * them (state.h): every string (ARNs, services, reasons, conditions,
 * caveat messages) is stored once in a table and referred to by index, so
 * that a principal's ARN and a reason shared by many edges cost their
 * bytes once. Unformatted JSON, so it stays readable with jq.
 *
 * Schema (version EDGEPACK_VERSION = 3), every key always present:
 *   { "format": "passrole-auditd-account-edges", "version": 3,
 *     "account": "111122223333",
 *     "strings": [ string ],
 *     "privileged": [ [ role_arn, [ reason ] ] ],
 *     "edges": [ [ principal_arn, "u" | "r", role_arn, [ service ],
 *                  no_service (0 | 1), conditions | null, reason | null,
 *                  [ [ "a" | "p" | "u", arn, via_service | null ] ],
 *                  [ [ endpoint_id, region, service_name, message ] ],
 *                  usable ("y" | "n" | "c" | "?"),
 *                  [ [ service, usable, actions | null, refused | null ] ],
 *                  [ [ usable, [ hop as above ] ] ] ] ] }
 * where every name above is an index into "strings". Edges are in
 * (principal, role) order and unique; privileged roles in ARN order. A
 * reader refuses an index out of range, a wrong type or arity, a
 * duplicate edge, or an account other than the one expected, naming the
 * file and the JSON path ("edges[3][5]").
 *
 * Version 2 (the first nine fields of an edge) is still read: its edges'
 * usability is unknown ("?"); actions are space-separated, as struct
 * edge_use keeps them.
 *
 * Only the account's privileged roles and edges are stored; whether the
 * account was audited, and when, is the run's record (state.c's run.json).
 */
#ifndef PRA_AUDIT_EDGEPACK_H
#define PRA_AUDIT_EDGEPACK_H

#include <stddef.h>

#include "audit/edge.h"
#include "util/buf.h"
#include "util/err.h"

#define EDGEPACK_FORMAT "passrole-auditd-account-edges"
#define EDGEPACK_VERSION 3
/* Largest account file read: a million edges of one account stay below. */
#define EDGEPACK_MAX_BYTES ((size_t)512 << 20)

/* Append the compact form of the privileged roles and edges of account
 * to out (s may hold other accounts; only account's entries are written,
 * in sorted order: sort s first). 0, or -1 with e. */
int edgepack_write(const struct edge_set *s, const char *account, struct buf *out,
    struct err *e);

/* Parse text[0..len) and append its privileged roles and edges to s
 * (which keeps its other content; s is not re-sorted). account: the id
 * the file must be of. name prefixes errors. 0, or -1 with e (s then
 * holds what it held before). */
int edgepack_parse(const char *text, size_t len, const char *name, const char *account,
    struct edge_set *s, struct err *e);

#endif
