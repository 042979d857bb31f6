/*
 * Live collection: fill a snapshot from AWS through the request layer.
 *
 * Conventions for every collect_* fetcher: it fills one part of the
 * snapshot and records in that part's struct snap_part whether it is
 * complete and, if not, why (the API, the AWS error code and message, or
 * "throttled out after N attempts"). It returns 0 when it ran, whatever the
 * part's completeness; -1 with e set only when it cannot go on at all (out
 * of memory, a bug). An AWS failure is never an empty result.
 */
#ifndef PRA_COLLECT_COLLECT_H
#define PRA_COLLECT_COLLECT_H

#include <signal.h>
#include <stdbool.h>

#include "aws/client.h"
#include "aws/credprov.h"
#include "collect/snapshot.h"
#include "conf.h"
#include "util/err.h"

/* iam:GetAccountAuthorizationDetails, every page, every entity filter,
 * into iam (which must be empty). page_size 0: the API default. */
int collect_iam(struct aws_client *c, struct snap_iam *iam, int page_size, struct err *e);

/* ec2:DescribeVpcEndpoints in the client's region, every page, into r
 * (r->name is set by the caller). */
int collect_endpoints(struct aws_client *c, struct snap_region *r, int page_size,
    struct err *e);

/* The organization (DescribeOrganization, ListRoots, the OU tree,
 * ListAccountsForParent everywhere, ListPolicies by type, DescribePolicy,
 * ListTargetsForPolicy) into s->org, and one snap_account per account
 * (id, name, email, status, parent_id, is_management; parts not fetched).
 * Sets s->org.mode: PRESENT, NONE (not in an organization) or UNKNOWN. */
int collect_org(struct aws_client *c, struct snapshot *s, int page_size, struct err *e);

/*
 * The whole snapshot per cfg->collect: the organization (unless off), then
 * every selected account in parallel (cfg->collect.concurrency at once):
 * the daemon's own account with base, member accounts through
 * sts:AssumeRole into cfg->collect.member_role; IAM once per account and
 * VPC endpoints in every region of cfg->collect.regions. *stop set
 * (a signal) abandons the run: NULL with e "interrupted". NULL with e set
 * only when no snapshot can be made at all (the caller's own identity
 * cannot be read); failures of parts are recorded in the snapshot.
 */
struct snapshot *collect_snapshot(const struct config *cfg, struct aws_creds_provider *base,
    const volatile sig_atomic_t *stop, struct err *e);

/*
 * The same, one account at a time (run.c): open reads who the collector
 * is, the organization (tree, SCPs, RCPs) and the account selection, and
 * starts the worker pool on the first collect.concurrency accounts; the
 * shell is that snapshot (organization, and each account as a stub).
 * next waits for the next account in id order to be fetched, moves it
 * into *out (the caller clears it) and lets the pool start another, so
 * that at most collect.concurrency accounts are in memory: 1, 0 at the
 * end, -1 with e (fatal error, interrupted). close stops and joins.
 */
struct collect_stream;
struct collect_stream *collect_stream_open(const struct config *cfg,
    struct aws_creds_provider *base, const volatile sig_atomic_t *stop, struct err *e);
const struct snapshot *collect_stream_shell(const struct collect_stream *cs);
int collect_stream_next(struct collect_stream *cs, struct snap_account *out, struct err *e);
void collect_stream_close(struct collect_stream *cs);

#endif
