/*
 * The audit's output for people (reporttext.h: a summary, the changes,
 * the edges grouped by role, the privileged roles and the accounts not
 * audited, fitted to the terminal's width) and for programs
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
 *     "filter": null | { "accounts", "roles", "principals" },  (patterns)
 *     "accounts": [ { "id", "audited", "why", "org_unknown", "known_at" } ],
 *     "privileged": [ { "role_arn", "account", "reasons": [string] } ],
 *     "edges": [ edge, as in edgejson.h; an edge an accepted entry
 *                covers (report_set_accepted) also has "accepted":
 *                { "reason", "accepted_by", "expires", "entry", "line" },
 *                an addition within version 1 ],
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
 *    "scope", "filter", "not_audited": [...]}         (last)
 */
struct report;
struct report *report_new(FILE *out, enum report_format fmt, enum report_scope scope,
    struct err *e);
const struct audit_sink *report_sink(struct report *rp);
void report_free(struct report *rp);

/*
 * What the report shows, in every format. The filters are glob patterns
 * (fnmatch(3), no flags: '*' also matches '/'); a list matches when any
 * of its patterns does, an empty list always. An account pattern is
 * matched against the 12-digit id; a role or principal pattern against
 * the whole ARN and against the name (the part after the last '/').
 * They apply to the output only: the run audits, diffs and saves every
 * account, so that a filtered look never makes the state forget the
 * others. A privileged role has no principal: with principals given, no
 * privileged role (nor a change of one) is shown. JSON gains "filter":
 * null, or { "accounts", "roles", "principals" } (arrays of the patterns);
 * "counts" stay the whole run's, the arrays hold what matches.
 * Pointers are borrowed and must outlive the report.
 */
struct report_filter {
	const char *const *accounts;
	size_t naccounts;
	const char *const *roles;
	size_t nroles;
	const char *const *principals;
	size_t nprincipals;
};

struct report_view {
	/* Text: the line width; 0 picks reporttext_width(out) ($COLUMNS,
	 * else the terminal's width, else 100). */
	unsigned width;
	/* Text: each edge's reason and each caveat's sentence (-v). */
	bool reasons;
	struct report_filter filter;
};

/* Before the run: v is copied (its patterns are borrowed). */
void report_set_view(struct report *rp, const struct report_view *v);

/* A whole result at once: all holds every account's edges (r->cur only
 * the head); v may be NULL (defaults). 0, or -1 with e (a write error). */
int report_audit(FILE *out, const struct edge_set *all, const struct audit_result *r,
    enum report_format fmt, const struct report_view *v, struct err *e);

/* Whether the filter shows an edge, a privileged role, an account, a
 * change. */
bool report_filter_active(const struct report_filter *f);
bool report_filter_edge(const struct report_filter *f, const struct edge *ed);
bool report_filter_privileged(const struct report_filter *f, const struct edge_privileged *p);
bool report_filter_account(const struct report_filter *f, const char *id);
bool report_filter_change(const struct report_filter *f, const struct diff_entry *en);

/* The privileged roles of s and why (--list-privileged). JSON: { "format":
 * "passrole-auditd-privileged", "version": 1, "taken_at", "source",
 * "org_note", "accounts": [...], "privileged": [...] }. */
int report_privileged(FILE *out, const struct edge_set *s, bool json, struct err *e);

/* Mark the edges an accepted entry (accepted.h) covers at time now: text
 * lines "P -> R: accepted by X until DATE: REASON (FILE:LINE)" under the
 * account's edges, and "accepted": {"reason", "accepted_by", "expires",
 * "entry", "line"} in each such edge's JSON. acc NULL: none. */
struct accepted_list;
void report_set_accepted(struct report *rp, const struct accepted_list *acc, time_t now);

#endif
