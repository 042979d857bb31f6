/*
 * Organizations, live: the calls of collect_org.h through aws_client_json,
 * read with orgjson.
 */
#include "config.h"

#include "collect/collect_org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collect.h"
#include "collect/orgjson.h"
#include "log.h"

/* A list that pages this often is not an answer but a loop. */
#define ORG_MAX_PAGES 100000

/* Outcome of one step: the part failed (recorded), or out of memory. */
enum { STEP_OK = 0, STEP_FAILED = 1, STEP_FATAL = -1 };

struct orgrun {
	struct aws_client *c;
	struct snapshot *s;
	int page_size;
	const volatile sig_atomic_t *stop;
	struct err *e;
};

typedef int (*page_fn)(const cJSON *resp, void *arg, struct err *e);

void
collect_part_reset(struct snap_part *p)
{
	free(p->why);
	p->why = NULL;
	p->complete = false;
}

/* Record why the org part is incomplete. */
static int
org_fail(struct orgrun *r, const char *why)
{
	if (snap_part_fail(&r->s->org.part, "%s", why) != 0) {
		err_set(r->e, "out of memory");
		return STEP_FATAL;
	}
	return STEP_FAILED;
}

static bool
stopped(const struct orgrun *r)
{
	return r->stop != NULL && *r->stop != 0;
}

/*
 * One call, every page: {key: val} plus MaxResults and NextToken, each
 * answer handed to fn. api_code (may be NULL) receives the AWS error code of
 * a failed call, so the caller can tell "not in an organization" from the
 * rest.
 */
static int
org_paged(struct orgrun *r, const char *op, const char *key, const char *val, page_fn fn,
    void *arg, char *api_code, size_t codelen)
{
	struct awserr ae;
	struct err ce;
	cJSON *req = NULL, *resp = NULL;
	const char *tok;
	char *prev = NULL, api[128];
	int rc = STEP_FATAL, pages;

	if (api_code != NULL && codelen > 0)
		api_code[0] = '\0';
	for (pages = 0;; pages++) {
		if (stopped(r)) {
			rc = org_fail(r, "interrupted");
			goto out;
		}
		if (pages == ORG_MAX_PAGES) {
			err_set(&ce, "organizations:%s: more than %d pages; giving up", op,
			    ORG_MAX_PAGES);
			rc = org_fail(r, ce.msg);
			goto out;
		}
		if ((req = cJSON_CreateObject()) == NULL ||
		    (key != NULL && cJSON_AddStringToObject(req, key, val) == NULL) ||
		    (r->page_size > 0 && cJSON_AddNumberToObject(req, "MaxResults",
		    r->page_size < ORG_MAX_RESULTS ? r->page_size : ORG_MAX_RESULTS) == NULL) ||
		    (prev != NULL && cJSON_AddStringToObject(req, "NextToken", prev) == NULL)) {
			err_set(r->e, "out of memory");
			goto out;
		}
		err_clear(&ce);
		if (aws_client_json(r->c, AWS_SVC_ORGANIZATIONS, op, req, &resp, &ae, &ce) != 0) {
			if (api_code != NULL)
				snprintf(api_code, codelen, "%s", ae.code);
			if (ae.flags & AWSERR_THROTTLE)
				err_prefix(&ce, "throttled out after %u attempts",
				    aws_client_last_attempts(r->c));
			rc = org_fail(r, ce.msg);
			goto out;
		}
		cJSON_Delete(req);
		req = NULL;
		err_clear(&ce);
		snprintf(api, sizeof(api), "organizations:%s", op);
		if (fn(resp, arg, &ce) != 0 || orgjson_next_token(resp, api, &tok, &ce) != 0) {
			rc = org_fail(r, ce.msg);
			goto out;
		}
		if (tok == NULL)
			break;
		/* A server repeating its token would page forever. */
		if (prev != NULL && strcmp(prev, tok) == 0) {
			err_set(&ce, "organizations:%s: NextToken repeats the previous one", op);
			rc = org_fail(r, ce.msg);
			goto out;
		}
		free(prev);
		if ((prev = strdup(tok)) == NULL) {
			err_set(r->e, "out of memory");
			goto out;
		}
		cJSON_Delete(resp);
		resp = NULL;
	}
	rc = STEP_OK;
out:
	free(prev);
	cJSON_Delete(req);
	cJSON_Delete(resp);
	return rc;
}

static int
pg_describe_org(const cJSON *resp, void *arg, struct err *e)
{
	return orgjson_describe_organization(resp, arg, e);
}

static int
pg_roots(const cJSON *resp, void *arg, struct err *e)
{
	return orgjson_list_roots(resp, arg, e);
}

struct parent_arg {
	struct snapshot *s;
	const char *parent;
};

static int
pg_child_ous(const cJSON *resp, void *arg, struct err *e)
{
	struct parent_arg *p = arg;

	return orgjson_list_ous(resp, p->parent, &p->s->org, e);
}

static int
pg_accounts(const cJSON *resp, void *arg, struct err *e)
{
	struct parent_arg *p = arg;

	return orgjson_list_accounts(resp, p->parent, p->s, e);
}

struct type_arg {
	struct snap_org *org;
	enum snap_org_policy_type type;
};

static int
pg_policies(const cJSON *resp, void *arg, struct err *e)
{
	struct type_arg *t = arg;

	return orgjson_list_policies(resp, t->type, t->org, e);
}

struct policy_arg {
	struct snap_org *org;
	const char *id;
};

static int
pg_describe_policy(const cJSON *resp, void *arg, struct err *e)
{
	struct policy_arg *p = arg;
	struct snap_org_policy *got;

	if (orgjson_describe_policy(resp, p->org, &got, e) != 0)
		return -1;
	if (strcmp(got->id, p->id) != 0) {
		err_set(e, "organizations:DescribePolicy: Policy.PolicySummary.Id: %s, asked for %s",
		    got->id, p->id);
		return -1;
	}
	return 0;
}

static int
pg_targets(const cJSON *resp, void *arg, struct err *e)
{
	struct policy_arg *p = arg;
	struct snap_org_policy *pol = orgjson_find_policy(p->org, p->id);

	if (pol == NULL) {
		err_set(e, "organizations:ListTargetsForPolicy: policy %s vanished", p->id);
		return -1;
	}
	return orgjson_list_targets(resp, pol, e);
}

/* Depth of an OU below the root (1 for a child of the root). */
static int
ou_depth(const struct snap_org *org, size_t i)
{
	int d = 1;
	const char *parent = org->ous[i].parent_id;

	while (parent != NULL && org->root_id != NULL && strcmp(parent, org->root_id) != 0 &&
	    d <= ORG_MAX_OU_DEPTH + 1) {
		const struct snap_ou *up = NULL;

		for (size_t k = 0; k < org->nous; k++)
			if (strcmp(org->ous[k].id, parent) == 0)
				up = &org->ous[k];
		if (up == NULL)
			break;
		parent = up->parent_id;
		d++;
	}
	return d;
}

/*
 * The tree, breadth first: the root, then each OU as it is found (org->ous
 * grows behind the cursor). For each parent, its OUs then its accounts.
 */
static int
walk_tree(struct orgrun *r)
{
	struct snap_org *org = &r->s->org;
	struct parent_arg pa = { r->s, NULL };
	size_t next = 0;
	int rc;

	pa.parent = org->root_id;
	for (;;) {
		size_t before = org->nous;

		rc = org_paged(r, "ListOrganizationalUnitsForParent", "ParentId", pa.parent,
		    pg_child_ous, &pa, NULL, 0);
		if (rc != STEP_OK)
			return rc;
		for (size_t i = before; i < org->nous; i++) {
			if (ou_depth(org, i) > ORG_MAX_OU_DEPTH) {
				struct err de;

				err_set(&de, "organizations:ListOrganizationalUnitsForParent: OU %s "
				    "is more than %d levels below the root; the tree is not read "
				    "below it", org->ous[i].id, ORG_MAX_OU_DEPTH);
				return org_fail(r, de.msg);
			}
		}
		rc = org_paged(r, "ListAccountsForParent", "ParentId", pa.parent, pg_accounts, &pa,
		    NULL, 0);
		if (rc != STEP_OK)
			return rc;
		if (next == org->nous)
			break;
		pa.parent = org->ous[next++].id;
	}
	return STEP_OK;
}

static int
fetch_policies(struct orgrun *r, enum snap_org_policy_type type)
{
	struct snap_org *org = &r->s->org;
	struct type_arg ta = { org, type };
	size_t before = org->npolicies, n;
	int rc;

	rc = org_paged(r, "ListPolicies", "Filter", orgjson_policy_type_name(type), pg_policies,
	    &ta, NULL, 0);
	if (rc != STEP_OK)
		return rc;
	n = org->npolicies;
	for (size_t i = before; i < n; i++) {
		/* ids copied: the array may move while DescribePolicy adds. */
		char *id = strdup(org->policies[i].id);
		struct policy_arg pa = { org, id };

		if (id == NULL) {
			err_set(r->e, "out of memory");
			return STEP_FATAL;
		}
		rc = org_paged(r, "DescribePolicy", "PolicyId", id, pg_describe_policy, &pa, NULL, 0);
		if (rc == STEP_OK)
			rc = org_paged(r, "ListTargetsForPolicy", "PolicyId", id, pg_targets, &pa,
			    NULL, 0);
		free(id);
		if (rc != STEP_OK)
			return rc;
	}
	return STEP_OK;
}

/* DescribeOrganization, ListRoots, the tree: decides the mode. */
static int
org_tree(struct orgrun *r)
{
	struct snapshot *s = r->s;
	char code[AWSERR_CODE_MAX];
	int rc;

	snap_org_clear(&s->org);
	s->org.mode = SNAP_ORG_UNKNOWN;
	rc = org_paged(r, "DescribeOrganization", NULL, NULL, pg_describe_org, &s->org, code,
	    sizeof(code));
	if (rc == STEP_FATAL)
		return -1;
	if (rc == STEP_FAILED) {
		if (strcmp(code, "AWSOrganizationsNotInUseException") == 0) {
			/* Known: no organization, so no SCPs and no RCPs. */
			s->org.mode = SNAP_ORG_NONE;
			snap_part_ok(&s->org.part);
			log_info("organizations: the account is not in an organization");
		} else {
			log_warn("organizations: cannot be read, single-account mode: %s",
			    s->org.part.why);
		}
		return 0;
	}
	rc = org_paged(r, "ListRoots", NULL, NULL, pg_roots, &s->org, NULL, 0);
	if (rc == STEP_OK && s->org.root_id == NULL)
		rc = org_fail(r, "organizations:ListRoots: Roots: empty; the organization has no root");
	if (rc == STEP_FATAL)
		return -1;
	if (rc == STEP_FAILED) {
		log_warn("organizations: organization %s found but its tree cannot be read, "
		    "single-account mode: %s", s->org.id, s->org.part.why);
		return 0;
	}
	s->org.mode = SNAP_ORG_PRESENT;
	/* The walk stops at its first failure; the policies are still read. */
	return walk_tree(r) == STEP_FATAL ? -1 : 0;
}

/* SCPs then RCPs (each stops at its own first failure), then the verdict. */
static int
org_policies(struct orgrun *r)
{
	struct snapshot *s = r->s;

	if (s->org.mode != SNAP_ORG_PRESENT)
		return 0;
	if (s->org.scp_enabled && !stopped(r) && fetch_policies(r, SNAP_SCP) == STEP_FATAL)
		return -1;
	if (s->org.rcp_enabled && !stopped(r) && fetch_policies(r, SNAP_RCP) == STEP_FATAL)
		return -1;
	if (stopped(r) && org_fail(r, "interrupted") == STEP_FATAL)
		return -1;
	if (s->org.part.why == NULL)
		snap_part_ok(&s->org.part);
	log_info("organizations: %s, %zu OUs, %zu policies%s%s", s->org.id, s->org.nous,
	    s->org.npolicies, s->org.part.complete ? "" : "; incomplete: ",
	    s->org.part.complete ? "" : s->org.part.why);
	return 0;
}

int
collect_org_tree(struct aws_client *c, struct snapshot *s, int page_size,
    const volatile sig_atomic_t *stop, struct err *e)
{
	struct orgrun r = { c, s, page_size, stop, e };

	return org_tree(&r);
}

int
collect_org_policies(struct aws_client *c, struct snapshot *s, int page_size,
    const volatile sig_atomic_t *stop, struct err *e)
{
	struct orgrun r = { c, s, page_size, stop, e };

	return org_policies(&r);
}

int
collect_org_run(struct aws_client *c, struct snapshot *s, int page_size,
    const volatile sig_atomic_t *stop, struct err *e)
{
	struct orgrun r = { c, s, page_size, stop, e };

	if (org_tree(&r) != 0)
		return -1;
	return org_policies(&r);
}

int
collect_org(struct aws_client *c, struct snapshot *s, int page_size, struct err *e)
{
	return collect_org_run(c, s, page_size, NULL, e);
}
