/*
 * The snapshot's JSON form: what the daemon keeps in its state directory
 * and what `snapshot-tool` prints. Versioned by "format_version"
 * (SNAPSHOT_FORMAT_VERSION); a reader refuses a newer version instead of
 * guessing what its new fields mean.
 *
 * Shape (version 1). Every part that can fail carries "complete" and, when
 * it is false, "why". Policy documents are JSON *strings* holding the text
 * AWS holds, so they round-trip byte for byte. Nullable fields are written
 * as null and may be omitted on input; the others are required.
 *
 *   { "format_version": 1, "taken_at": "2026-11-23T11:07:41Z",
 *     "partition": "aws"|null, "source": "live"|"offline:DIR"|null,
 *     "org": { "mode": "present"|"none"|"unknown", "complete": B, "why": S?,
 *              "id": S?, "management_account": S?, "root_id": S?,
 *              "scp_enabled": B, "rcp_enabled": B,
 *              "ous": [{"id", "name"?, "parent_id"}],
 *              "policies": [{"id", "arn"?, "name"?,
 *                            "type": "SERVICE_CONTROL_POLICY"|"RESOURCE_CONTROL_POLICY",
 *                            "aws_managed": B, "content": S?, "targets": [S]}] },
 *     "accounts": [{ "id", "name"?, "email"?, "status"?, "parent_id"?,
 *                    "is_management": B, "access": {"complete": B, "why": S?},
 *                    "iam": { "complete": B, "why": S?,
 *                             "users": [{"arn", "name", "id"?, "path"?, "groups": [S],
 *                                        "inline_policies": [{"name", "document"}],
 *                                        "attached": [S], "boundary_arn": S?,
 *                                        "tags": [{"key", "value"}]}],
 *                             "groups": [{"arn", "name", "id"?, "path"?,
 *                                         "inline_policies", "attached"}],
 *                             "roles": [{"arn", "name", "id"?, "path"?, "trust_policy": S?,
 *                                        "inline_policies", "attached", "boundary_arn"?,
 *                                        "tags", "instance_profiles": [S],
 *                                        "last_used"?, "last_used_region"?,
 *                                        "service_linked": B}],
 *                             "policies": [{"arn", "name"?, "id"?, "path"?,
 *                                           "default_version"?, "document"?,
 *                                           "aws_managed": B, "attachment_count": N}] },
 *                    "regions": [{ "name", "complete": B, "why": S?,
 *                                  "endpoints": [{"id", "type"?, "service_name"?,
 *                                                 "vpc_id"?, "state"?, "policy"?}] }] }] }
 *
 * Output is deterministic: two-space indentation, members in the order
 * above, and accounts, users, groups, roles, managed policies, regions,
 * endpoints, OUs and organization policies in snapshot_sort() order
 * whether or not the caller sorted (the writer sorts a view, never the
 * snapshot). Lists inside an entry (group names, attached ARNs, tags,
 * targets...) keep the model's order.
 */
#ifndef PRA_COLLECT_SNAPJSON_H
#define PRA_COLLECT_SNAPJSON_H

#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "collect/snapshot.h"
#include "util/buf.h"
#include "util/err.h"

/* snapjson_load's bound when max is 0: an organization of a few hundred
 * accounts, each with every AWS managed policy it uses, stays well below. */
#define SNAPJSON_MAX_DEFAULT ((size_t)512 * 1024 * 1024)

/*
 * Append the JSON form of s to out (bounded by out->max), or write it to f.
 * 0, or -1 with e set: a required field is NULL in the model (the message
 * names its JSON path: "accounts[1].iam.roles[0].arn: missing in the
 * snapshot"), out's bound is reached, or a write failed.
 */
int snapjson_write(const struct snapshot *s, struct buf *out, struct err *e);
int snapjson_fwrite(const struct snapshot *s, FILE *f, struct err *e);

/*
 * Parse text[0..len) (NUL termination not needed) into a new snapshot,
 * stored in *out (which the caller frees with snapshot_free). Strict:
 * every required member present with its type, enums spelled exactly, no
 * duplicate members, no duplicate account ids; members it does not know
 * are ignored (a later writer may add some). -1 with e naming the JSON
 * path ("accounts[2].iam.roles[5].arn: missing") or, for a syntax error,
 * the line and column; *out is then NULL.
 */
int snapjson_read(const char *text, size_t len, struct snapshot **out, struct err *e);

/* One account's text, as snapjson_account_text wrote it, into *out
 * (zeroed first; the caller frees it with snap_account_clear), sorted as
 * snapshot_sort_account sorts. 0, or -1 with e naming the JSON path. */
int snapjson_parse_account(const char *text, size_t len, struct snap_account *out,
    struct err *e);

/*
 * The two halves of snapjson_read, for a reader that takes a large file
 * apart (snapfile.h): the head (format_version, taken_at, partition,
 * source, org) of root, whose "accounts" is not looked at, into a new
 * snapshot *out; and one element of "accounts" (index i, for the JSON
 * path of messages) into zeroed *a, which is partly filled on -1 (clear
 * it). 0, or -1 with e, in snapjson_read's words.
 */
int snapjson_read_head(const cJSON *root, struct snapshot **out, struct err *e);
int snapjson_read_account(const cJSON *el, size_t i, struct snap_account *a, struct err *e);

/*
 * Write s to path atomically: a temporary file in the same directory,
 * fsync, rename over path, fsync of the directory. Readers see the old file
 * or the new one, never a part. The file is created mode 0600 (snapshots
 * name every principal and policy of the organization). 0 or -1 with e.
 */
int snapjson_save(const struct snapshot *s, const char *path, struct err *e);

/* Read path (at most max bytes; 0 means SNAPJSON_MAX_DEFAULT) with
 * snapjson_read. Errors start with the path. */
int snapjson_load(const char *path, size_t max, struct snapshot **out, struct err *e);

/*
 * The same file written one account at a time, so that a snapshot larger
 * than memory can be saved: open (a temporary file beside path, 0600),
 * then each account in id order (text: its snapjson_account_text, or NULL
 * to have it written here), then commit (fsync, rename over path, fsync of
 * the directory) or abort (the temporary file is removed). shell gives
 * the head (organization, partition, source); its taken_at is the one at
 * commit. The bytes are those snapjson_write gives for the whole
 * snapshot. Each call is 0, or -1 with e; commit and abort free st.
 */
struct snapjson_stream;
struct snapjson_stream *snapjson_stream_open(const char *path, struct err *e);
int snapjson_stream_account(struct snapjson_stream *st, const struct snapshot *shell,
    const struct snap_account *a, const char *text, size_t len, struct err *e);
int snapjson_stream_commit(struct snapjson_stream *st, const struct snapshot *shell,
    struct err *e);
void snapjson_stream_abort(struct snapjson_stream *st);

/* One account's text as it stands in "accounts" (with its leading newline
 * and indentation), appended to out: what the stream writes, and what an
 * account's fingerprint is computed over. 0, or -1 with e. */
int snapjson_account_text(const struct snap_account *a, struct buf *out, struct err *e);

#endif
