/*
 * The audit: from a snapshot to the edge set (privileged roles, effective
 * iam:PassRole edges with their services, conditions, reasons, VPC endpoint
 * caveats and transitive paths), and the layer-by-layer explanation of one
 * principal/role pair.
 *
 * Every policy document is compiled once per account; each principal and
 * each privileged role of the same account is evaluated through the whole
 * chain (SCP levels root -> OUs -> account, RCPs where AWS applies them, the
 * permissions boundary, identity policies, explicit denies). See
 * docs/iam-evaluation.md and passrole-auditd-privileged(7).
 */
#ifndef PRA_AUDIT_AUDIT_H
#define PRA_AUDIT_AUDIT_H

#include <stdbool.h>
#include <stdio.h>

#include "audit/edge.h"
#include "collect/snapshot.h"
#include "conf.h"
#include "util/err.h"

/* The edge set of a snapshot (sorted). cfg may be NULL: auto_privileged,
 * max_depth 3, nothing configured. Accounts whose snapshot parts are
 * incomplete (or whose policies cannot be evaluated) are listed with
 * audited = false and why, without edges. NULL with e set on failure. */
struct edge_set *audit_snapshot(const struct snapshot *s, const struct config_audit *cfg,
    struct err *e);

/* The same set without edges: the accounts (audited or why not), the org
 * note and the privileged roles, as audit_snapshot gives them, without
 * the cost of evaluating every principal against them (--list-privileged).
 * NULL with e set on failure. */
struct edge_set *audit_privileged(const struct snapshot *s, const struct config_audit *cfg,
    struct err *e);

/*
 * The same, one account at a time: the organization's SCPs and RCPs are
 * compiled once per context (from shell, which holds the organization and
 * must outlive the context; its accounts are not read), and each
 * audit_account call audits one account (which need not be in shell) into
 * a new sorted set holding that account only. NULL with e.
 */
struct audit_ctx;
struct audit_ctx *audit_ctx_new(const struct snapshot *shell, const struct config_audit *cfg,
    struct err *e);
struct edge_set *audit_account(struct audit_ctx *c, const struct snap_account *sa,
    struct err *e);
void audit_ctx_free(struct audit_ctx *c);

/* Explain one pair (principal and role by ARN or name; a name must be
 * unique across the snapshot's accounts): every layer with its policies and
 * statements, the AccessDenied sentence AWS would give, the services, the
 * endpoint caveats and the indirect paths. service: a known
 * iam:PassedToService, or NULL for any. Text, or one JSON object with json.
 * 0, or -1 with e set (unknown or ambiguous name, ...). */
int audit_explain(const struct snapshot *s, const struct config_audit *cfg,
    const char *principal, const char *role, const char *service /* may be NULL */,
    bool json, FILE *out, struct err *e);

#endif
