/*
 * Organizations: orgjson on fixture objects (the shapes the API and the AWS
 * CLI return, bad ones included), and collect_org against the emulator.
 */
#include "config.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/credprov.h"
#include "collect/collect.h"
#include "collect/collect_org.h"
#include "collect/orgjson.h"
#include "collect/snapshot.h"
#include "util/err.h"

#include "collect_emu.h"
#include "checkmain.h"

static cJSON *
parse(const char *text)
{
	cJSON *j = cJSON_Parse(text);

	ck_assert_msg(j != NULL, "fixture does not parse: %s", text);
	return j;
}

/* A file of tests/data (rel to it) as a cJSON object. */
static cJSON *
parse_file(const char *rel)
{
	char *text = testdata_read(rel, NULL);
	cJSON *j = parse(text);

	free(text);
	return j;
}

/* Expect rc -1 and the error message to contain want. */
#define ck_fails_with(rc, e, want) do {						\
	ck_assert_int_eq((rc), -1);						\
	ck_assert_msg(strstr((e).msg, (want)) != NULL, "error '%s' lacks '%s'",	\
	    (e).msg, (want));							\
} while (0)

START_TEST(test_describe_organization)
{
	struct snap_org org = { 0 };
	struct err e;
	cJSON *j;

	j = parse("{\"Organization\":{\"Id\":\"o-a1b2c3d4e5\",\"Arn\":\"arn:x\","
	    "\"FeatureSet\":\"ALL\",\"MasterAccountId\":\"111122223333\","
	    "\"SomethingNew\":{\"x\":1}}}");
	ck_assert_int_eq(orgjson_describe_organization(j, &org, &e), 0);
	ck_assert_str_eq(org.id, "o-a1b2c3d4e5");
	ck_assert_str_eq(org.management_account, "111122223333");
	cJSON_Delete(j);

	j = parse("{\"Organization\":{\"Id\":\"o-a1b2c3d4e5\"}}");
	ck_fails_with(orgjson_describe_organization(j, &org, &e), e,
	    "organizations:DescribeOrganization: Organization.MasterAccountId: missing");
	cJSON_Delete(j);
	j = parse("{\"Organization\":{\"Id\":7,\"MasterAccountId\":\"111122223333\"}}");
	ck_fails_with(orgjson_describe_organization(j, &org, &e), e,
	    "organizations:DescribeOrganization: Organization.Id: not a string");
	cJSON_Delete(j);
	j = parse("{\"Organization\":{\"Id\":\"o-1\",\"MasterAccountId\":\"12345\"}}");
	ck_fails_with(orgjson_describe_organization(j, &org, &e), e,
	    "Organization.MasterAccountId: '12345' is not a 12-digit account id");
	cJSON_Delete(j);
	j = parse("{\"Org\":{}}");
	ck_fails_with(orgjson_describe_organization(j, &org, &e), e,
	    "organizations:DescribeOrganization: Organization: missing");
	cJSON_Delete(j);
	/* A failed read leaves what was there. */
	ck_assert_str_eq(org.id, "o-a1b2c3d4e5");
	snap_org_clear(&org);
}
END_TEST

START_TEST(test_list_roots_fixture)
{
	struct snap_org org = { 0 };
	struct err e;
	cJSON *j = parse_file("scenarios/aws-shapes/ListRoots.response.json");

	ck_assert_int_eq(orgjson_list_roots(j, &org, &e), 0);
	ck_assert_str_eq(org.root_id, "r-a1b2");
	ck_assert(org.scp_enabled);
	ck_assert(org.rcp_enabled);
	/* The same root again (a second page, a second dump): an org has one. */
	ck_fails_with(orgjson_list_roots(j, &org, &e), e,
	    "organizations:ListRoots: Roots[0]: a second root (r-a1b2)");
	cJSON_Delete(j);
	snap_org_clear(&org);
}
END_TEST

START_TEST(test_list_roots_policy_types)
{
	struct snap_org org = { 0 };
	struct err e;
	cJSON *j;

	/* Pending types are not in force; an absent list means none. */
	j = parse("{\"Roots\":[{\"Id\":\"r-1\",\"PolicyTypes\":["
	    "{\"Type\":\"SERVICE_CONTROL_POLICY\",\"Status\":\"PENDING_ENABLE\"},"
	    "{\"Type\":\"RESOURCE_CONTROL_POLICY\",\"Status\":\"ENABLED\"},"
	    "{\"Type\":\"TAG_POLICY\",\"Status\":\"ENABLED\"}]}]}");
	ck_assert_int_eq(orgjson_list_roots(j, &org, &e), 0);
	ck_assert(!org.scp_enabled);
	ck_assert(org.rcp_enabled);
	cJSON_Delete(j);
	snap_org_clear(&org);

	j = parse("{\"Roots\":[{\"Id\":\"r-1\"}]}");
	ck_assert_int_eq(orgjson_list_roots(j, &org, &e), 0);
	ck_assert(!org.scp_enabled && !org.rcp_enabled);
	cJSON_Delete(j);
	snap_org_clear(&org);

	j = parse("{\"Roots\":[{\"Id\":\"r-1\",\"PolicyTypes\":[{\"Type\":\"X\"}]}]}");
	ck_fails_with(orgjson_list_roots(j, &org, &e), e,
	    "organizations:ListRoots: Roots[0].PolicyTypes[0].Status: missing");
	ck_assert_ptr_null(org.root_id);
	cJSON_Delete(j);
	j = parse("{\"Roots\":[{\"Name\":\"Root\"}]}");
	ck_fails_with(orgjson_list_roots(j, &org, &e), e, "organizations:ListRoots: Roots[0].Id: missing");
	cJSON_Delete(j);
	j = parse("{\"Roots\":{}}");
	ck_fails_with(orgjson_list_roots(j, &org, &e), e, "organizations:ListRoots: Roots: not an array");
	cJSON_Delete(j);
	j = parse("{}");
	ck_fails_with(orgjson_list_roots(j, &org, &e), e, "organizations:ListRoots: Roots: missing");
	cJSON_Delete(j);
	j = parse("[]");
	ck_fails_with(orgjson_list_roots(j, &org, &e), e, "not a JSON object");
	cJSON_Delete(j);
	snap_org_clear(&org);
}
END_TEST

START_TEST(test_list_ous)
{
	struct snap_org org = { 0 };
	struct err e;
	const char *tok;
	cJSON *j = parse_file(
	    "scenarios/aws-shapes/ListOrganizationalUnitsForParent.page1.response.json");

	ck_assert_int_eq(orgjson_list_ous(j, "r-a1b2", &org, &e), 0);
	ck_assert_uint_eq(org.nous, 2);
	ck_assert_str_eq(org.ous[0].id, "ou-a1b2-sec00001");
	ck_assert_str_eq(org.ous[0].name, "Security");
	ck_assert_str_eq(org.ous[0].parent_id, "r-a1b2");
	ck_assert_str_eq(org.ous[1].id, "ou-a1b2-wkl00002");
	ck_assert_int_eq(orgjson_next_token(j, "organizations:ListOrganizationalUnitsForParent",
	    &tok, &e), 0);
	ck_assert_ptr_nonnull(tok);
	ck_assert(strncmp(tok, "AAEAASnb", 8) == 0);
	/* Listed again: a loop in the tree, refused. */
	ck_fails_with(orgjson_list_ous(j, "ou-a1b2-wkl00002", &org, &e), e,
	    "OrganizationalUnits[0].Id: OU ou-a1b2-sec00001 is listed twice");
	ck_assert_uint_eq(org.nous, 2);
	cJSON_Delete(j);

	j = parse("{\"OrganizationalUnits\":[{\"Id\":\"ou-x-1\"},{\"Name\":\"n\"}]}");
	ck_fails_with(orgjson_list_ous(j, "r-1", &org, &e), e,
	    "organizations:ListOrganizationalUnitsForParent: OrganizationalUnits[1].Id: missing");
	cJSON_Delete(j);
	j = parse("{\"OrganizationalUnits\":[]}");
	ck_assert_int_eq(orgjson_list_ous(j, "r-1", &org, &e), 0);
	ck_assert_int_eq(orgjson_next_token(j, "x", &tok, &e), 0);
	ck_assert_ptr_null(tok);
	cJSON_Delete(j);
	j = parse("{\"OrganizationalUnits\":[],\"NextToken\":5}");
	ck_fails_with(orgjson_next_token(j, "organizations:ListRoots", &tok, &e), e,
	    "organizations:ListRoots: NextToken: not a string");
	cJSON_Delete(j);
	j = parse("{\"OrganizationalUnits\":[],\"NextToken\":null}");
	ck_assert_int_eq(orgjson_next_token(j, "x", &tok, &e), 0);
	ck_assert_ptr_null(tok);
	cJSON_Delete(j);
	snap_org_clear(&org);
}
END_TEST

START_TEST(test_list_accounts)
{
	struct snapshot *s = snapshot_new(NULL);
	struct snap_account *a;
	struct err e;
	cJSON *j = parse_file("scenarios/aws-shapes/ListAccounts.page1.response.json");

	ck_assert_ptr_nonnull(s);
	s->org.management_account = strdup("111122223333");
	ck_assert_int_eq(orgjson_list_accounts(j, "ou-a1b2-sec00001", s, &e), 0);
	ck_assert_uint_eq(s->naccounts, 3);
	a = snapshot_find_account(s, "777788889999");
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->name, "Legacy (suspended)");
	ck_assert_str_eq(a->email, "aws-legacy+old@example.com");
	ck_assert_str_eq(a->status, "SUSPENDED");
	ck_assert_str_eq(a->parent_id, "ou-a1b2-sec00001");
	ck_assert(!a->is_management);
	/* Not fetched yet: unknown, never empty. */
	ck_assert(!a->access.complete && a->access.why != NULL);
	ck_assert(!a->iam.part.complete);
	ck_assert(snapshot_find_account(s, "111122223333")->is_management);
	ck_fails_with(orgjson_list_accounts(j, "r-1", s, &e), e,
	    "organizations:ListAccountsForParent: Accounts[0].Id: account 111122223333 is listed twice");
	cJSON_Delete(j);

	j = parse("{\"Accounts\":[{\"Id\":\"12345678901\"}]}");
	ck_fails_with(orgjson_list_accounts(j, "r-1", s, &e), e,
	    "Accounts[0].Id: '12345678901' is not a 12-digit account id");
	cJSON_Delete(j);
	j = parse("{\"Accounts\":[{\"Id\":\"123456789012\",\"Name\":[]}]}");
	ck_fails_with(orgjson_list_accounts(j, "r-1", s, &e), e,
	    "organizations:ListAccountsForParent: Accounts[0].Name: not a string");
	cJSON_Delete(j);
	j = parse("{\"Accounts\":[{\"Email\":\"x@example.com\"}]}");
	ck_fails_with(orgjson_list_accounts(j, NULL, s, &e), e,
	    "organizations:ListAccounts: Accounts[0].Id: missing");
	cJSON_Delete(j);
	/* Optional fields null or absent, unknown ones ignored. */
	j = parse("{\"Accounts\":[{\"Id\":\"123456789012\",\"Name\":null,\"Tags\":[1,2]}],"
	    "\"Extra\":true}");
	ck_assert_int_eq(orgjson_list_accounts(j, "r-1", s, &e), 0);
	a = snapshot_find_account(s, "123456789012");
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_null(a->name);
	ck_assert_ptr_null(a->email);
	cJSON_Delete(j);
	ck_assert_uint_eq(s->naccounts, 4);
	snapshot_free(s);
}
END_TEST

START_TEST(test_policies_describe_targets)
{
	struct snap_org org = { 0 };
	struct snap_org_policy *p;
	struct err e;
	cJSON *j;

	j = parse("{\"Policies\":[{\"Id\":\"p-FullAWSAccess\",\"Arn\":\"arn:aws:organizations::"
	    "aws:policy/service_control_policy/p-FullAWSAccess\",\"Name\":\"FullAWSAccess\","
	    "\"Type\":\"SERVICE_CONTROL_POLICY\",\"AwsManaged\":true,\"Description\":\"d\"},"
	    "{\"Id\":\"p-scp0guard1\",\"Name\":\"Guardrails\",\"AwsManaged\":false}]}");
	ck_assert_int_eq(orgjson_list_policies(j, SNAP_SCP, &org, &e), 0);
	ck_assert_uint_eq(org.npolicies, 2);
	ck_assert(org.policies[0].aws_managed);
	ck_assert_int_eq(org.policies[1].type, SNAP_SCP);
	ck_assert_ptr_null(org.policies[1].content);
	ck_fails_with(orgjson_list_policies(j, SNAP_SCP, &org, &e), e,
	    "organizations:ListPolicies: Policies[0].Id: policy p-FullAWSAccess is listed twice");
	cJSON_Delete(j);
	j = parse("{\"Policies\":[{\"Id\":\"p-r1\",\"Type\":\"SERVICE_CONTROL_POLICY\"}]}");
	ck_fails_with(orgjson_list_policies(j, SNAP_RCP, &org, &e), e,
	    "Policies[0].Type: SERVICE_CONTROL_POLICY in a list filtered on RESOURCE_CONTROL_POLICY");
	cJSON_Delete(j);
	j = parse("{\"Policies\":[{\"Id\":\"p-r1\",\"AwsManaged\":\"yes\"}]}");
	ck_fails_with(orgjson_list_policies(j, SNAP_RCP, &org, &e), e,
	    "organizations:ListPolicies: Policies[0].AwsManaged: not a boolean");
	cJSON_Delete(j);
	ck_assert_uint_eq(org.npolicies, 2);

	j = parse_file("scenarios/aws-shapes/DescribePolicy.scp.response.json");
	ck_assert_int_eq(orgjson_describe_policy(j, &org, &p, &e), 0);
	ck_assert_ptr_eq(p, &org.policies[1]);
	ck_assert_ptr_nonnull(strstr(p->content, "\"DenyLeaveOrg\""));
	cJSON_Delete(j);
	/* A policy not listed before (an offline dump): added from its summary. */
	j = parse("{\"Policy\":{\"PolicySummary\":{\"Id\":\"p-rcp1\",\"Type\":"
	    "\"RESOURCE_CONTROL_POLICY\"},\"Content\":\"{}\"}}");
	ck_assert_int_eq(orgjson_describe_policy(j, &org, &p, &e), 0);
	ck_assert_uint_eq(org.npolicies, 3);
	ck_assert_int_eq(p->type, SNAP_RCP);
	ck_assert_str_eq(p->content, "{}");
	cJSON_Delete(j);
	j = parse("{\"Policy\":{\"PolicySummary\":{\"Id\":\"p-new\"},\"Content\":\"{}\"}}");
	ck_fails_with(orgjson_describe_policy(j, &org, &p, &e), e,
	    "organizations:DescribePolicy: Policy.PolicySummary.Type: missing");
	cJSON_Delete(j);
	j = parse("{\"Policy\":{\"PolicySummary\":{\"Id\":\"p-new\",\"Type\":\"TAG_POLICY\"},"
	    "\"Content\":\"{}\"}}");
	ck_fails_with(orgjson_describe_policy(j, &org, &p, &e), e,
	    "Policy.PolicySummary.Type: 'TAG_POLICY' is not");
	cJSON_Delete(j);
	j = parse("{\"Policy\":{\"PolicySummary\":{\"Id\":\"p-rcp1\"}}}");
	ck_fails_with(orgjson_describe_policy(j, &org, &p, &e), e,
	    "organizations:DescribePolicy: Policy.Content: missing");
	cJSON_Delete(j);
	j = parse("{\"Policy\":{\"Content\":\"{}\"}}");
	ck_fails_with(orgjson_describe_policy(j, &org, &p, &e), e,
	    "organizations:DescribePolicy: Policy.PolicySummary: missing");
	cJSON_Delete(j);
	ck_assert_uint_eq(org.npolicies, 3);

	p = orgjson_find_policy(&org, "p-scp0guard1");
	ck_assert_ptr_nonnull(p);
	j = parse_file("scenarios/aws-shapes/ListTargetsForPolicy.response.json");
	ck_assert_int_eq(orgjson_list_targets(j, p, &e), 0);
	ck_assert_int_eq(orgjson_list_targets(j, p, &e), 0);	/* no duplicates */
	ck_assert_uint_eq(p->ntargets, 3);
	ck_assert_str_eq(p->targets[0], "r-a1b2");
	ck_assert_str_eq(p->targets[2], "123456789012");
	cJSON_Delete(j);
	j = parse("{\"Targets\":[{\"Arn\":\"a\",\"Type\":\"ROOT\"}]}");
	ck_fails_with(orgjson_list_targets(j, p, &e), e,
	    "organizations:ListTargetsForPolicy: Targets[0].TargetId: missing");
	cJSON_Delete(j);
	ck_assert_ptr_null(orgjson_find_policy(&org, "p-none"));
	snap_org_clear(&org);
}
END_TEST

START_TEST(test_policy_type_names)
{
	enum snap_org_policy_type t;

	ck_assert_int_eq(orgjson_policy_type_parse("RESOURCE_CONTROL_POLICY", &t), 0);
	ck_assert_int_eq(t, SNAP_RCP);
	ck_assert_str_eq(orgjson_policy_type_name(t), "RESOURCE_CONTROL_POLICY");
	ck_assert_int_eq(orgjson_policy_type_parse("SERVICE_CONTROL_POLICY", &t), 0);
	ck_assert_int_eq(t, SNAP_SCP);
	ck_assert_int_eq(orgjson_policy_type_parse("BACKUP_POLICY", &t), -1);
	ck_assert_int_eq(orgjson_policy_type_parse(NULL, &t), -1);
}
END_TEST


/* --- collect_org against the emulator ------------------------------------ */

#define AUDITOR_KEY "AKIDORGAUDITOR", "orgAuditorSecretKeyEXAMPLEEXAMPLEEXAMPL"
#define MEMBER_KEY "AKIDORGMEMBER", "orgMemberSecretKeyEXAMPLEEXAMPLEEXAMPLE"
#define STANDALONE_KEY "AKIDORGSTANDALONE", "orgStandaloneSecretKeyEXAMPLEEXAMPLEEX"

/* A static provider that claims it can refresh and counts invalidations:
 * after ExpiredToken the client refreshes once and retries once. */
struct refreshing {
	struct aws_creds_provider base;
	struct aws_creds_provider *inner;
	int invalidations;
};

static int
refreshing_get(struct aws_creds_provider *self, struct aws_credentials *out, struct err *e)
{
	struct refreshing *r = self->ctx;

	return r->inner->get(r->inner, out, e);
}

static void
refreshing_invalidate(struct aws_creds_provider *self)
{
	((struct refreshing *)self->ctx)->invalidations++;
}

static void
no_sleep(void *ctx, unsigned ms)
{
	(void)ctx;
	(void)ms;
}

struct fixture {
	struct aws_creds_provider *prov;
	struct refreshing ref;
	struct aws_client *c;
	struct snapshot *s;
	struct err e;
};

static void
fx_open(struct fixture *f, const char *akid, const char *secret, unsigned attempts,
    bool refresh)
{
	struct aws_client_opts o;

	memset(f, 0, sizeof(*f));
	f->prov = aws_creds_static_new(akid, secret, NULL, &f->e);
	ck_assert_ptr_nonnull(f->prov);
	f->ref.base.name = "refreshing test provider";
	f->ref.base.get = refreshing_get;
	f->ref.base.invalidate = refreshing_invalidate;
	f->ref.base.ctx = &f->ref;
	f->ref.base.can_refresh = true;
	f->ref.inner = f->prov;
	aws_client_opts_init(&o);
	o.region = "eu-west-1";
	for (int i = 0; i < AWS_SVC_COUNT; i++)
		o.endpoint_override[i] = emu.url;
	o.retry_max_attempts = attempts;
	f->c = aws_client_new(&o, refresh ? &f->ref.base : f->prov, &f->e);
	ck_assert_msg(f->c != NULL, "%s", f->e.msg);
	aws_client_set_sleep(f->c, no_sleep, NULL);
	f->s = snapshot_new(&f->e);
	ck_assert_ptr_nonnull(f->s);
}

static void
fx_close(struct fixture *f)
{
	snapshot_free(f->s);
	aws_client_free(f->c);
	aws_creds_provider_free(f->prov);
}

static bool
has_target(const struct snap_org_policy *p, const char *id)
{
	for (size_t i = 0; i < p->ntargets; i++)
		if (strcmp(p->targets[i], id) == 0)
			return true;
	return false;
}

/* The whole org-nested tree, as the scenario defines it. */
static void
assert_org_nested(const struct snapshot *s)
{
	const struct snap_org *o = &s->org;
	const struct snap_org_policy *p;
	const struct snap_account *a;
	const char *chain[8];
	struct err e;

	ck_assert_int_eq(o->mode, SNAP_ORG_PRESENT);
	ck_assert_str_eq(o->id, "o-a1b2c3d4e5");
	ck_assert_str_eq(o->management_account, "111122223333");
	ck_assert_str_eq(o->root_id, "r-a1b2");
	ck_assert(o->scp_enabled && o->rcp_enabled);
	ck_assert_uint_eq(o->nous, 5);
	ck_assert_str_eq(snapshot_find_ou(s, "ou-a1b2-pci00004")->parent_id, "ou-a1b2-prd00003");
	ck_assert_str_eq(snapshot_find_ou(s, "ou-a1b2-dev00005")->name, "Dev");
	ck_assert_uint_eq(s->naccounts, 7);
	a = snapshot_find_account(s, "222233334444");
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(a->name, "PCI Payments");
	ck_assert_str_eq(a->email, "aws+222233334444@example.com");
	ck_assert_int_eq(snapshot_parent_chain(s, a, chain, 8, &e), 4);
	ck_assert_str_eq(chain[0], "r-a1b2");
	ck_assert_str_eq(chain[1], "ou-a1b2-wkl00002");
	ck_assert_str_eq(chain[2], "ou-a1b2-prd00003");
	ck_assert_str_eq(chain[3], "ou-a1b2-pci00004");
	ck_assert(snapshot_find_account(s, "111122223333")->is_management);
	ck_assert(!a->is_management);
	ck_assert_str_eq(snapshot_find_account(s, "777788889999")->status, "SUSPENDED");
	ck_assert_uint_eq(o->npolicies, 6);
	p = orgjson_find_policy(o, "p-scp0pci003");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->type, SNAP_SCP);
	ck_assert(!p->aws_managed);
	ck_assert_str_eq(p->name, "PciNoPassAdmin");
	ck_assert_str_has(p->content, "arn:aws:iam::*:role/admin/*");
	ck_assert_uint_eq(p->ntargets, 2);
	ck_assert(has_target(p, "ou-a1b2-pci00004") && has_target(p, "222233334444"));
	p = orgjson_find_policy(o, "p-rcp0prod01");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->type, SNAP_RCP);
	ck_assert_uint_eq(p->ntargets, 1);
	ck_assert_str_eq(p->targets[0], "ou-a1b2-prd00003");
	p = orgjson_find_policy(o, "p-FullAWSAccess");
	ck_assert(p->aws_managed);
	/* root, 5 OUs, 7 accounts */
	ck_assert_uint_eq(p->ntargets, 13);
	ck_assert(orgjson_find_policy(o, "p-rcpfullaws")->type == SNAP_RCP);
}

START_TEST(test_org_nested_paginated)
{
	struct fixture f;

	emu_scenario("org-nested");
	fx_open(&f, AUDITOR_KEY, 3, false);
	ck_assert_int_eq(collect_org(f.c, f.s, 1, &f.e), 0);
	ck_assert_msg(f.s->org.part.complete, "%s", f.s->org.part.why);
	ck_assert_ptr_null(f.s->org.part.why);
	assert_org_nested(f.s);
	/* Every list call paged: MaxResults 1 sent, and continued with NextToken
	 * (page size 1: FullAWSAccess and RCPFullAWSAccess have 13 targets, 12
	 * pages after the first each; PciNoPassAdmin 2, one more page). */
	ck_assert_int_eq(emu_count("ListTargetsForPolicy", 200, "NextToken"), 12 + 12 + 1);
	ck_assert_int_eq(emu_count("ListTargetsForPolicy", 200, NULL),
	    emu_count("ListTargetsForPolicy", 200, "MaxResults"));
	ck_assert_int_gt(emu_count("ListOrganizationalUnitsForParent", 200, "NextToken"), 0);
	ck_assert_int_gt(emu_count("ListAccountsForParent", 200, "NextToken"), 0);
	ck_assert_int_gt(emu_count("ListPolicies", 200, "NextToken"), 0);
	ck_assert_int_eq(emu_count("ListRoots", 200, NULL), 1);
	ck_assert_int_eq(emu_count("DescribePolicy", 200, NULL), 6);
	ck_assert_int_eq(emu_count(NULL, 0, NULL), emu_count(NULL, 200, NULL));
	fx_close(&f);
}
END_TEST

START_TEST(test_org_default_page_size)
{
	struct fixture f;

	/* page_size 0: no MaxResults, the service's pages. A page_size above
	 * Organizations' 20 is sent as 20 (the emulator refuses more). */
	emu_scenario("org-nested");
	fx_open(&f, AUDITOR_KEY, 3, false);
	ck_assert_int_eq(collect_org(f.c, f.s, 0, &f.e), 0);
	ck_assert_msg(f.s->org.part.complete, "%s", f.s->org.part.why);
	ck_assert_int_eq(emu_count(NULL, 0, "MaxResults"), 0);
	fx_close(&f);
	fx_open(&f, AUDITOR_KEY, 3, false);
	ck_assert_int_eq(collect_org(f.c, f.s, 1000, &f.e), 0);
	ck_assert_msg(f.s->org.part.complete, "%s", f.s->org.part.why);
	assert_org_nested(f.s);
	fx_close(&f);
}
END_TEST

START_TEST(test_org_standalone_is_none)
{
	struct fixture f;

	emu_scenario("org-standalone");
	fx_open(&f, STANDALONE_KEY, 3, false);
	ck_assert_int_eq(collect_org(f.c, f.s, 1, &f.e), 0);
	/* Known: no organization, so no SCPs: complete, not unknown. */
	ck_assert_int_eq(f.s->org.mode, SNAP_ORG_NONE);
	ck_assert(f.s->org.part.complete);
	ck_assert_uint_eq(f.s->naccounts, 0);
	ck_assert_uint_eq(f.s->org.npolicies, 0);
	ck_assert_int_eq(emu_count(NULL, 0, NULL), 1);
	fx_close(&f);
}
END_TEST

START_TEST(test_org_member_denied_is_unknown)
{
	struct fixture f;

	emu_scenario("org-nested");
	fx_open(&f, MEMBER_KEY, 3, false);
	ck_assert_int_eq(collect_org(f.c, f.s, 1, &f.e), 0);
	ck_assert_int_eq(f.s->org.mode, SNAP_ORG_UNKNOWN);
	ck_assert(!f.s->org.part.complete);
	ck_assert_str_has(f.s->org.part.why, "organizations:ListRoots");
	ck_assert_str_has(f.s->org.part.why, "AccessDeniedException");
	/* What could be read stays: the org exists, its SCPs are unknown. */
	ck_assert_str_eq(f.s->org.id, "o-a1b2c3d4e5");
	ck_assert_uint_eq(f.s->naccounts, 0);
	fx_close(&f);
}
END_TEST

START_TEST(test_org_throttling_storm)
{
	struct fixture f;

	/* A storm the retries ride out: complete. */
	emu_scenario("org-nested");
	emu_fault("{\"operation\":\"*\",\"service\":\"organizations\",\"kind\":\"throttle\","
	    "\"count\":2}");
	emu_fault("{\"operation\":\"ListAccountsForParent\",\"kind\":\"throttle\",\"count\":2}");
	fx_open(&f, AUDITOR_KEY, 3, false);
	ck_assert_int_eq(collect_org(f.c, f.s, 1, &f.e), 0);
	ck_assert_msg(f.s->org.part.complete, "%s", f.s->org.part.why);
	assert_org_nested(f.s);
	ck_assert_int_eq(emu_count(NULL, 400, NULL), 4);
	fx_close(&f);

	/* One that outlasts them, in the middle of the tree walk: PRESENT
	 * (the root is known), incomplete, the reason says throttled out. */
	emu_scenario("org-nested");
	emu_fault("{\"operation\":\"ListAccountsForParent\",\"kind\":\"throttle\",\"count\":1000}");
	fx_open(&f, AUDITOR_KEY, 3, false);
	ck_assert_int_eq(collect_org(f.c, f.s, 1, &f.e), 0);
	ck_assert_int_eq(f.s->org.mode, SNAP_ORG_PRESENT);
	ck_assert(!f.s->org.part.complete);
	ck_assert_str_has(f.s->org.part.why, "throttled out after 3 attempts");
	ck_assert_str_has(f.s->org.part.why, "organizations:ListAccountsForParent");
	ck_assert_str_has(f.s->org.part.why, "TooManyRequestsException");
	/* The walk stopped there; the policies were still read. */
	ck_assert_int_eq(emu_count("ListAccountsForParent", 0, NULL), 3);
	ck_assert_uint_eq(f.s->org.npolicies, 6);
	fx_close(&f);

	/* On the first call: unknown, single-account mode. */
	emu_scenario("org-nested");
	emu_fault("{\"operation\":\"*\",\"kind\":\"throttle\",\"count\":1000}");
	fx_open(&f, AUDITOR_KEY, 2, false);
	ck_assert_int_eq(collect_org(f.c, f.s, 1, &f.e), 0);
	ck_assert_int_eq(f.s->org.mode, SNAP_ORG_UNKNOWN);
	ck_assert_str_has(f.s->org.part.why, "throttled out after 2 attempts");
	ck_assert_str_has(f.s->org.part.why, "organizations:DescribeOrganization");
	fx_close(&f);
}
END_TEST

START_TEST(test_org_expired_token_mid_pagination)
{
	struct fixture f;

	/* Credentials that cannot be refreshed: the part stops there. */
	emu_scenario("org-nested");
	fault_after("ListTargetsForPolicy", 4, "expired_token", 1);
	fx_open(&f, AUDITOR_KEY, 3, false);
	ck_assert_int_eq(collect_org(f.c, f.s, 1, &f.e), 0);
	ck_assert_int_eq(f.s->org.mode, SNAP_ORG_PRESENT);
	ck_assert(!f.s->org.part.complete);
	ck_assert_str_has(f.s->org.part.why, "organizations:ListTargetsForPolicy");
	ck_assert_str_has(f.s->org.part.why, "ExpiredTokenException");
	/* The refused call was a continuation page (4 calls passed: a first
	 * page and three more). */
	ck_assert_int_eq(emu_count("ListTargetsForPolicy", 400, "NextToken"), 1);
	fx_close(&f);

	/* A refreshing provider: refreshed once, the pagination goes on. */
	emu_scenario("org-nested");
	fault_after("ListTargetsForPolicy", 4, "expired_token", 1);
	fx_open(&f, AUDITOR_KEY, 3, true);
	ck_assert_int_eq(collect_org(f.c, f.s, 1, &f.e), 0);
	ck_assert_msg(f.s->org.part.complete, "%s", f.s->org.part.why);
	ck_assert_int_eq(f.ref.invalidations, 1);
	assert_org_nested(f.s);
	fx_close(&f);
}
END_TEST

START_TEST(test_org_truncated_body)
{
	struct fixture f;

	/* Cut once in the middle of a paginated list: retried, complete. */
	emu_scenario("org-nested");
	fault_after("ListOrganizationalUnitsForParent", 2, "truncate", 1);
	fx_open(&f, AUDITOR_KEY, 3, false);
	ck_assert_int_eq(collect_org(f.c, f.s, 1, &f.e), 0);
	ck_assert_msg(f.s->org.part.complete, "%s", f.s->org.part.why);
	assert_org_nested(f.s);
	fx_close(&f);

	/* Cut every time: incomplete, and the reason names the call. */
	emu_scenario("org-nested");
	fault_after("DescribePolicy", 1, "truncate", 100);
	fx_open(&f, AUDITOR_KEY, 2, false);
	ck_assert_int_eq(collect_org(f.c, f.s, 1, &f.e), 0);
	ck_assert_int_eq(f.s->org.mode, SNAP_ORG_PRESENT);
	ck_assert(!f.s->org.part.complete);
	ck_assert_str_has(f.s->org.part.why, "organizations:DescribePolicy");
	fx_close(&f);

	/* A body that is not JSON: not retried, named. */
	emu_scenario("org-nested");
	emu_fault("{\"operation\":\"ListRoots\",\"kind\":\"malformed\"}");
	fx_open(&f, AUDITOR_KEY, 3, false);
	ck_assert_int_eq(collect_org(f.c, f.s, 1, &f.e), 0);
	ck_assert_int_eq(f.s->org.mode, SNAP_ORG_UNKNOWN);
	ck_assert_str_has(f.s->org.part.why, "ListRoots");
	ck_assert_str_has(f.s->org.part.why, "MalformedResponse");
	fx_close(&f);
}
END_TEST

START_TEST(test_org_stop_flag)
{
	struct fixture f;
	volatile sig_atomic_t stop = 1;

	emu_scenario("org-nested");
	fx_open(&f, AUDITOR_KEY, 3, false);
	ck_assert_int_eq(collect_org_run(f.c, f.s, 1, &stop, &f.e), 0);
	ck_assert(!f.s->org.part.complete);
	ck_assert_str_eq(f.s->org.part.why, "interrupted");
	ck_assert_int_eq(emu_count(NULL, 0, NULL), 0);
	fx_close(&f);
}
END_TEST

static Suite *
orgjson_suite(void)
{
	Suite *s = suite_create("collect_org");
	TCase *tc = tcase_create("orgjson");

	tcase_add_test(tc, test_describe_organization);
	tcase_add_test(tc, test_list_roots_fixture);
	tcase_add_test(tc, test_list_roots_policy_types);
	tcase_add_test(tc, test_list_ous);
	tcase_add_test(tc, test_list_accounts);
	tcase_add_test(tc, test_policies_describe_targets);
	tcase_add_test(tc, test_policy_type_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("emulator");
	tcase_add_unchecked_fixture(tc, emu_up, emu_down);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_org_nested_paginated);
	tcase_add_test(tc, test_org_default_page_size);
	tcase_add_test(tc, test_org_standalone_is_none);
	tcase_add_test(tc, test_org_member_denied_is_unknown);
	tcase_add_test(tc, test_org_throttling_storm);
	tcase_add_test(tc, test_org_expired_token_mid_pagination);
	tcase_add_test(tc, test_org_truncated_body);
	tcase_add_test(tc, test_org_stop_flag);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_main(orgjson_suite());
}
