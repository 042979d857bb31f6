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
 *     "accounts": [ { "id", "audited", "why", "org_unknown", "known_at" } ],
 *     "privileged": [ { "role_arn", "account", "reasons": [string] } ],
 *     "edges": [ edge, as in edgejson.h ],
 *     "changes": [ { "kind": "gained" | "lost" | "changed" |
 *                     "privileged-added" | "privileged-removed",
 *                    "principal_arn": string | null (null for privileged-*),
 *                    "role_arn": string, "what": string | null,
 *                    "old": edge | privileged | null,
 *                    "new": edge | privileged | null } ],
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

/* The whole result of a run. 0, or -1 with e (a write error). */
int report_audit(FILE *out, const struct audit_result *r, bool json, struct err *e);

/* The privileged roles of s and why (--list-privileged). JSON: { "format":
 * "passrole-auditd-privileged", "version": 1, "taken_at", "source",
 * "org_note", "accounts": [...], "privileged": [...] }. */
int report_privileged(FILE *out, const struct edge_set *s, bool json, struct err *e);

#endif
