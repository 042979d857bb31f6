/*
 * The JSON form of an edge set: what the state directory holds, what
 * --baseline reads and --write-edges writes, and what the JSON report
 * embeds for each edge.
 *
 * Schema (version EDGE_FORMAT_VERSION = 2), every key always present:
 *
 *   { "format": "passrole-auditd-edges", "version": 2,
 *     "taken_at": "2026-11-23T11:00:00Z", "source": "live" | "offline:DIR",
 *     "org_note": string | null,
 *     "accounts": [ { "id", "audited": bool, "why": string | null,
 *                     "org_unknown": bool, "known_at": time | null } ],
 *     "privileged": [ { "role_arn", "account", "reasons": [string] } ],
 *     "edges": [ { "principal_arn", "principal_type": "user" | "role",
 *                  "account", "role_arn", "services": [string],
 *                  "no_service": bool, "conditional": bool,
 *                  "conditions": string | null,
 *                  "path": [ { "kind": "assume" | "pass" | "update", "arn",
 *                              "via_service": string | null } ],
 *                  "reason": string | null,
 *                  "caveats": [ { "endpoint_id", "region", "service_name",
 *                                 "message" } ],
 *                  "usable": "yes" | "no" | "conditional" | "unknown",
 *                  "uses": [ { "service", "usable",
 *                              "actions": [string] | null,
 *                              "refused": [string] | null } ],
 *                  "alternatives": [ { "usable", "path": [hop] } ] } ] }
 *
 * Version 1 (no usable, uses, alternatives) is still read; its edges'
 * usability is then unknown (EDGE_USABLE_UNKNOWN) and written as
 * "unknown" should such a set be written again.
 *
 * Writing is deterministic: the same set gives the same bytes (keys in the
 * order above, arrays in the set's order; sort the set first so that equal
 * sets give equal bytes). Reading is strict: unknown or repeated keys, a
 * wrong type, a missing key, an unknown version or two edges with the same
 * (principal, role) are errors naming the JSON path ("edges[3].services[1]").
 */
#ifndef PRA_AUDIT_EDGEJSON_H
#define PRA_AUDIT_EDGEJSON_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <time.h>

#include "audit/edge.h"
#include "util/buf.h"
#include "util/err.h"

#define EDGEJSON_FORMAT "passrole-auditd-edges"
/* Largest edge file read: far above any real organization's set. */
#define EDGEJSON_MAX_BYTES ((size_t)256 << 20)

/* The set as a cJSON tree the caller owns (cJSON_Delete); NULL on ENOMEM. */
cJSON *edgejson_build(const struct edge_set *s, struct err *e);
/* One edge / one privileged role as an object (as in "edges" above). */
cJSON *edgejson_edge(const struct edge *ed, struct err *e);
cJSON *edgejson_privileged(const struct edge_privileged *p, struct err *e);
cJSON *edgejson_account(const struct edge_account *ac, struct err *e);

/* Append the set's JSON text (formatted, ending in a newline) to out.
 * 0, or -1 with e set. */
int edgejson_write(const struct edge_set *s, struct buf *out, struct err *e);

/* Parse text (len bytes, need not be NUL-terminated) into a new sorted set.
 * name prefixes every error ("/var/lib/x/edges-7.json: edges[2].role_arn:
 * missing"). NULL with e set on any error. */
struct edge_set *edgejson_parse(const char *text, size_t len, const char *name,
    struct err *e);

/* Read and parse a file (bounded by EDGEJSON_MAX_BYTES). */
struct edge_set *edgejson_read_file(const char *path, struct err *e);

/*
 * The parts of edgejson_parse, for a reader that takes a large file apart
 * (edgestream.h) and must apply the same rules. edgejson_read_head reads
 * a root object holding every top-level key (with the accounts, and
 * privileged and edges arrays that may be empty) into s;
 * edgejson_read_privileged and edgejson_read_edge read one element, path
 * naming it in messages ("edges[7]"); on -1 the element may be partly
 * filled (clear it); version is the file's (1 to EDGE_FORMAT_VERSION).
 * edgejson_check_unique: s sorted, no (principal, role)
 * or privileged role twice. 0 or -1 with e, "NAME: PATH: what".
 */
int edgejson_read_head(const cJSON *root, const char *name, struct edge_set *s,
    struct err *e);
int edgejson_read_privileged(const cJSON *o, int version, const char *name, const char *path,
    struct edge_privileged *out, struct err *e);
int edgejson_read_edge(const cJSON *o, int version, const char *name, const char *path,
    struct edge *out, struct err *e);
int edgejson_check_unique(const struct edge_set *s, const char *name, struct err *e);

/* "2026-11-23T11:00:00Z"; buf must hold 21 bytes. */
void edgejson_time(time_t t, char buf[21]);

#endif
