/*
 * The audit's output for people (an aligned table, then the changes, the
 * accounts not audited and the organization note) and for programs
 * (--format json, schema below and in passrole-auditd(8), AUDIT OUTPUT).
 *
 * JSON (version 1), every key always present:
 *   { "format": "passrole-auditd-audit", "version": 1,
 *     "taken_at": time, "source": string,
 *     "complete": bool,          every account audited, org policies read
 *     "baseline": bool,          no previous set: "changes" is empty
 *     "previous_taken_at": time | null,
 *     "saved": number | null,    the state file number written
 *     "org_note": string | null,
 *     "scope": "all" | "changes" | "summary",   what is listed below
 *     "counts": { "accounts", "audited", "reused", "privileged", "edges",
 *                 "changes" },
 *     "accounts": [ { "id", "audited", "why", "org_unknown", "known_at" } ],
 *     "privileged": [ { "role_arn", "account", "reasons": [string] } ],
 *     "edges": [ edge, as in edgejson.h ],
 *     "changes": [ { "kind": "gained" | "lost" | "changed" |
 *                     "privileged-added" | "privileged-removed",
 *                    "principal_arn": string | null (null for privileged-*),
 *                    "role_arn": string, "what": string | null,
 *                    "old": edge | privileged | null,
 *                    "new": edge | privileged | null,
 *                    "causes": [ { "kind", "account", "name", "arn", "id",
 *                                  "on", "before", "after" (string | null),
 *                                  "verified": bool, "jointly": bool } ],
 *                    "causes_note": string | null } ],
 *   (causes: diff.h's struct diff_cause, cause.h; an added field, so the
 *   version stays 1: readers of version 1 ignore members they do not know.)
 *     "not_audited": [ { "account", "why", "previous": bool } ] }
 * Times are UTC, "2026-11-23T11:00:00Z".
 */
#ifndef PRA_AUDIT_REPORT_H
#define PRA_AUDIT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "audit/run.h"
#include "util/err.h"

#define REPORT_FORMAT "passrole-auditd-audit"
#define REPORT_VERSION 1

enum report_format { REPORT_TEXT, REPORT_JSON, REPORT_JSONL };

/* What the report lists: everything; the changes and the counts
 * (--changes-only); the counts only (--summary). The latter two leave
 * "privileged" and "edges" empty, and "scope" and "counts" say so; an
 * unchanged account's saved edges are then not even read. */
enum report_scope { REPORT_ALL, REPORT_CHANGES, REPORT_SUMMARY };

/*
 * A report written as the run produces it (run.h's audit_sink): pass
 * report_sink(rp) as the run's sink, then report_free. Text and JSON keep
 * each account's edges and privileged roles in spool files (tmpfile(),
 * unlinked) until the end, when the head, the sections and the changes
 * are written in the order above; JSON Lines writes each line as it comes:
 *   {"type": "account", "id", "audited", "why", "org_unknown", "known_at"}
 *   {"type": "privileged", ...as in "privileged"}
 *   {"type": "edge", ...as in "edges"}
 *   {"type": "change", ...as in "changes"}          (after every account)
 *   {"type": "summary", "format", "version", "taken_at", "source",
 *    "complete", "baseline", "previous_taken_at", "saved", "org_note",
 *    "accounts", "privileged", "edges", "changes", "reused": counts,
 *    "not_audited": [...]}                            (last)
 */
struct report;
struct report *report_new(FILE *out, enum report_format fmt, enum report_scope scope,
    struct err *e);
const struct audit_sink *report_sink(struct report *rp);
void report_free(struct report *rp);

/* A whole result at once: all holds every account's edges (r->cur only
 * the head). 0, or -1 with e (a write error). */
int report_audit(FILE *out, const struct edge_set *all, const struct audit_result *r,
    enum report_format fmt, struct err *e);

/* The privileged roles of s and why (--list-privileged). JSON: { "format":
 * "passrole-auditd-privileged", "version": 1, "taken_at", "source",
 * "org_note", "accounts": [...], "privileged": [...] }. */
int report_privileged(FILE *out, const struct edge_set *s, bool json, struct err *e);

#endif
