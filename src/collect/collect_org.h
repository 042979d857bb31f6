/*
 * The live Organizations collector (collect_org() of collect.h), with the
 * stop flag the orchestration passes down.
 *
 * Calls, each paginated with NextToken (MaxResults = page_size, at most 20,
 * when page_size is non-zero): DescribeOrganization; ListRoots; from the
 * root down, ListOrganizationalUnitsForParent and ListAccountsForParent for
 * the root and every OU (at most ORG_MAX_OU_DEPTH levels below the root, as
 * AWS allows); then for each policy type enabled on the root (SCP, RCP):
 * ListPolicies(Filter), and per policy DescribePolicy and
 * ListTargetsForPolicy.
 *
 * Modes: DescribeOrganization answering AWSOrganizationsNotInUseException is
 * SNAP_ORG_NONE (complete: no SCPs, no RCPs); any other failure of it or of
 * ListRoots (AccessDenied for a member account, throttled out, ...) is
 * SNAP_ORG_UNKNOWN with the reason. Once the root is known the mode is
 * SNAP_ORG_PRESENT; a later failure leaves what was read and marks the part
 * incomplete with the first failure's reason (the tree walk and each policy
 * type stop at their first failure: the rest is unknown, not empty).
 */
#ifndef PRA_COLLECT_COLLECT_ORG_H
#define PRA_COLLECT_COLLECT_ORG_H

#include <signal.h>

#include "aws/client.h"
#include "collect/snapshot.h"
#include "util/err.h"

/* Levels of OUs below the root that AWS allows. */
#define ORG_MAX_OU_DEPTH 5
/* The largest MaxResults Organizations accepts. */
#define ORG_MAX_RESULTS 20

/* collect_org() with a stop flag (NULL: none): when *stop becomes non-zero
 * the next call is not made and the part is marked incomplete
 * ("interrupted"). Returns 0 whatever the part's completeness; -1 only on
 * out-of-memory. */
int collect_org_run(struct aws_client *c, struct snapshot *s, int page_size,
    const volatile sig_atomic_t *stop, struct err *e);

/*
 * collect_org_run() in two halves, so that the policies can be read while
 * the accounts are fetched: the tree (DescribeOrganization, ListRoots, OUs
 * and accounts; decides the mode) and then the policies (SCPs, RCPs, their
 * targets). After the tree alone a PRESENT org's part is undecided
 * (incomplete, why NULL, unless the walk failed): collect_org_policies()
 * must follow; it touches only s->org. Same returns as collect_org_run().
 */
int collect_org_tree(struct aws_client *c, struct snapshot *s, int page_size,
    const volatile sig_atomic_t *stop, struct err *e);
int collect_org_policies(struct aws_client *c, struct snapshot *s, int page_size,
    const volatile sig_atomic_t *stop, struct err *e);

/* The part reset to "being fetched": incomplete, no reason yet (a part
 * keeps its first reason, so "not fetched" must go before fetching). */
void collect_part_reset(struct snap_part *p);

#endif
