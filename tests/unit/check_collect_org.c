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

#include "collect/orgjson.h"
#include "collect/snapshot.h"
#include "util/err.h"

static cJSON *
parse(const char *text)
{
	cJSON *j = cJSON_Parse(text);

	ck_assert_msg(j != NULL, "fixture does not parse: %s", text);
	return j;
}

/* Read a file of tests/data under top_srcdir into a cJSON object. */
static cJSON *
parse_file(const char *rel)
{
	const char *top = getenv("top_srcdir");
	char path[1024];
	FILE *fp;
	char *buf;
	long n;
	cJSON *j;

	snprintf(path, sizeof(path), "%s/%s", top != NULL ? top : ".", rel);
	fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	ck_assert_int_ge(n, 0);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	j = parse(buf);
	free(buf);
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
	cJSON *j = parse_file("tests/data/scenarios/aws-shapes/ListRoots.response.json");

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
	    "tests/data/scenarios/aws-shapes/ListOrganizationalUnitsForParent.page1.response.json");

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
	cJSON *j = parse_file("tests/data/scenarios/aws-shapes/ListAccounts.page1.response.json");

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

	j = parse_file("tests/data/scenarios/aws-shapes/DescribePolicy.scp.response.json");
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
	j = parse_file("tests/data/scenarios/aws-shapes/ListTargetsForPolicy.response.json");
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
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(orgjson_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
