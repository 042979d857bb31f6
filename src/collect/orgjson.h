/*
 * Organizations answers (JSON 1.1 response objects, which the AWS CLI prints
 * unchanged) turned into snapshot entries. Pure functions: no I/O, shared by
 * the live collector (collect_org.c) and the offline loader of AWS CLI dumps.
 *
 * Every function reads one response object and adds what it holds to the
 * model. Required fields missing or of the wrong type are errors naming the
 * API and the JSON field ("organizations:ListAccountsForParent:
 * Accounts[2].Id: missing"); unknown fields are ignored, and a JSON null is
 * read as absent. On error nothing half-read is left behind: an entry is
 * added only once all its fields were read.
 */
#ifndef PRA_COLLECT_ORGJSON_H
#define PRA_COLLECT_ORGJSON_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "collect/snapshot.h"
#include "util/err.h"

/* Policy type names as Organizations spells them. */
#define ORGJSON_SCP "SERVICE_CONTROL_POLICY"
#define ORGJSON_RCP "RESOURCE_CONTROL_POLICY"

const char *orgjson_policy_type_name(enum snap_org_policy_type t);
/* 0 with *t set, or -1 for any other type (tag, backup, AI policies). */
int orgjson_policy_type_parse(const char *name, enum snap_org_policy_type *t);

/*
 * The NextToken of a list answer: *token points into resp (valid while resp
 * is), NULL when the answer is the last page (absent, null or ""). -1 when
 * it is not a string. api names the call in the error.
 */
int orgjson_next_token(const cJSON *resp, const char *api, const char **token, struct err *e);

/* DescribeOrganization: Organization.Id and Organization.MasterAccountId
 * (both required) into org->id and org->management_account (replaced). */
int orgjson_describe_organization(const cJSON *resp, struct snap_org *org, struct err *e);

/*
 * One page of ListRoots: Roots[].Id (required) into org->root_id, and
 * PolicyTypes[] (Type, Status) into scp_enabled/rcp_enabled (a type counts
 * as enabled only with Status "ENABLED"). An organization has exactly one
 * root: a second one (in this page or after an earlier page set root_id) is
 * an error.
 */
int orgjson_list_roots(const cJSON *resp, struct snap_org *org, struct err *e);

/*
 * One page of ListOrganizationalUnitsForParent(parent_id): each
 * OrganizationalUnits[] entry (Id required, Name optional) appended to
 * org->ous with parent_id. An OU id already in org->ous is an error (a cycle
 * or a repeated page would otherwise make the tree walk loop).
 */
int orgjson_list_ous(const cJSON *resp, const char *parent_id, struct snap_org *org,
    struct err *e);

/*
 * One page of ListAccountsForParent(parent_id) (or ListAccounts with
 * parent_id NULL): each Accounts[] entry (Id required, 12 digits; Name,
 * Email, Status optional) added to s as a snap_account with parent_id and
 * is_management (Id == s->org.management_account); its access, iam and
 * region parts are left "not fetched" (incomplete). An id already in s is
 * an error.
 */
int orgjson_list_accounts(const cJSON *resp, const char *parent_id, struct snapshot *s,
    struct err *e);

/*
 * One page of ListPolicies(Filter=type): each Policies[] entry (Id
 * required; Arn, Name, AwsManaged optional; Type, when present, must be
 * the filter's) appended to org->policies with no content and no targets.
 * An id already present is an error.
 */
int orgjson_list_policies(const cJSON *resp, enum snap_org_policy_type type,
    struct snap_org *org, struct err *e);

/*
 * DescribePolicy: Policy.Content (required, a string) stored as the content
 * of the policy with id Policy.PolicySummary.Id (required). A policy not yet
 * in org->policies is added from the summary (Type required then, and must
 * be an SCP or RCP type). *out (may be NULL) is set to the entry.
 */
int orgjson_describe_policy(const cJSON *resp, struct snap_org *org,
    struct snap_org_policy **out, struct err *e);

/* One page of ListTargetsForPolicy: Targets[].TargetId (required) appended
 * to p->targets (ids already there are skipped). */
int orgjson_list_targets(const cJSON *resp, struct snap_org_policy *p, struct err *e);

/* The org policy with this id, or NULL. */
struct snap_org_policy *orgjson_find_policy(const struct snap_org *org, const char *id);

#endif
