/*
 * offline_load on hand-made dumps: a complete one read field by field; parts
 * that failed (.error files), files that are missing, one-page lists and
 * unentered accounts each make exactly their part incomplete, saying why; the
 * organization modes; and malformed files fail naming the file and JSON path.
 * (tests/integration/offline-dump.sh loads real aws-dump output.)
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/offline.h"
#include "collect/snapjson.h"
#include "collect/snapshot.h"
#include "util/err.h"

#include "checkmain.h"

static char dir[64];

/* Write DIR/rel (parents created); ' in text becomes " so JSON reads. */
static void
put(const char *rel, const char *text)
{
	char path[512], *p, *t = strdup(text);
	FILE *f;

	ck_assert_ptr_nonnull(t);
	for (p = t; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (p = path + strlen(dir) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		ck_assert(mkdir(path, 0700) == 0 || errno == EEXIST);
		*p = '/';
	}
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(t, f);
	ck_assert_int_eq(fclose(f), 0);
	free(t);
}

static void
rm(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	ck_assert_int_eq(unlink(path), 0);
}

static void
rm_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char sub[1024];

	if (d == NULL) {
		unlink(path);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		rm_tree(sub);
	}
	closedir(d);
	rmdir(path);
}

static void
setup(void)
{
	strcpy(dir, "/tmp/check_offline.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	rm_tree(dir);
}

#define MGMT "111122223333"
#define MEMBER "444455556666"

/* A small organization dumped whole: root r-ab12 with SCPs enabled and RCPs
 * enabled, OU ou-ab12-aaaa1111 under it, the management account under the
 * root and the member under the OU, one SCP and one RCP. */
static void
good_org(void)
{
	put("org/describe-organization.json", "{'Organization': {'Id': 'o-abcdef1234', "
	    "'MasterAccountId': '" MGMT "', 'FeatureSet': 'ALL'}}");
	put("org/list-roots.json", "{'Roots': [{'Id': 'r-ab12', 'Name': 'Root', 'PolicyTypes': ["
	    "{'Type': 'SERVICE_CONTROL_POLICY', 'Status': 'ENABLED'},"
	    "{'Type': 'RESOURCE_CONTROL_POLICY', 'Status': 'ENABLED'}]}]}");
	put("org/ous/r-ab12.json", "{'OrganizationalUnits': [{'Id': 'ou-ab12-aaaa1111', "
	    "'Name': 'Workloads'}]}");
	put("org/ous/ou-ab12-aaaa1111.json", "{'OrganizationalUnits': []}");
	put("org/accounts/r-ab12.json", "{'Accounts': [{'Id': '" MGMT "', 'Name': 'Mgmt', "
	    "'Email': 'm@example.com', 'Status': 'ACTIVE', 'JoinedTimestamp': "
	    "'2020-01-01T00:00:00+00:00'}]}");
	put("org/accounts/ou-ab12-aaaa1111.json", "{'Accounts': [{'Id': '" MEMBER "', "
	    "'Name': 'Member', 'Status': 'ACTIVE'}]}");
	put("org/policies/SERVICE_CONTROL_POLICY.json", "{'Policies': [{'Id': 'p-scp1', "
	    "'Arn': 'arn:aws:organizations::" MGMT ":policy/o-abcdef1234/service_control_policy/p-scp1', "
	    "'Name': 'Guard', 'Type': 'SERVICE_CONTROL_POLICY', 'AwsManaged': false}]}");
	put("org/policy/p-scp1.json", "{'Policy': {'PolicySummary': {'Id': 'p-scp1', "
	    "'Type': 'SERVICE_CONTROL_POLICY'}, 'Content': '{\\'Version\\':\\'2012-10-17\\'}'}}");
	put("org/targets/p-scp1.json", "{'Targets': [{'TargetId': 'ou-ab12-aaaa1111', "
	    "'Type': 'ORGANIZATIONAL_UNIT'}, {'TargetId': '" MEMBER "', 'Type': 'ACCOUNT'}]}");
	put("org/policies/RESOURCE_CONTROL_POLICY.json", "{'Policies': [{'Id': 'p-RCPFullAWSAccess', "
	    "'Name': 'RCPFullAWSAccess', 'Type': 'RESOURCE_CONTROL_POLICY', 'AwsManaged': true}]}");
	put("org/policy/p-RCPFullAWSAccess.json", "{'Policy': {'PolicySummary': "
	    "{'Id': 'p-RCPFullAWSAccess'}, 'Content': '{}'}}");
	put("org/targets/p-RCPFullAWSAccess.json", "{'Targets': [{'TargetId': 'r-ab12'}]}");
}

/* IAM as the CLI prints it: documents decoded into objects, dates +00:00. */
#define GOOD_IAM \
	"{'UserDetailList': [{'Path': '/', 'UserName': 'alice', 'UserId': 'AIDAALICE', " \
	"  'Arn': 'arn:aws:iam::" MGMT ":user/alice', 'CreateDate': '2021-03-04T10:11:12+00:00'," \
	"  'UserPolicyList': [{'PolicyName': 'Keys', 'PolicyDocument': {'Version': '2012-10-17', " \
	"    'Statement': [{'Effect': 'Allow', 'Action': 'iam:CreateAccessKey', 'Resource': '*'}]}}]," \
	"  'GroupList': ['Admins'], 'AttachedManagedPolicies': [{'PolicyName': 'ReadOnlyAccess', " \
	"    'PolicyArn': 'arn:aws:iam::aws:policy/ReadOnlyAccess'}]," \
	"  'PermissionsBoundary': {'PermissionsBoundaryType': 'Policy', " \
	"    'PermissionsBoundaryArn': 'arn:aws:iam::" MGMT ":policy/Bound'}," \
	"  'Tags': [{'Key': 'team', 'Value': 'a&b'}, {'Key': 'empty', 'Value': ''}]}]," \
	" 'GroupDetailList': [{'Path': '/', 'GroupName': 'Admins', 'GroupId': 'AGPAADMINS', " \
	"  'Arn': 'arn:aws:iam::" MGMT ":group/Admins', 'GroupPolicyList': [], " \
	"  'AttachedManagedPolicies': []}]," \
	" 'RoleDetailList': [{'Path': '/deploy/', 'RoleName': 'app', 'RoleId': 'AROAAPP', " \
	"  'Arn': 'arn:aws:iam::" MGMT ":role/deploy/app', " \
	"  'AssumeRolePolicyDocument': {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', " \
	"    'Principal': {'Service': 'lambda.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]}," \
	"  'InstanceProfileList': [{'InstanceProfileName': 'app', " \
	"    'Arn': 'arn:aws:iam::" MGMT ":instance-profile/deploy/app', 'Roles': []}]," \
	"  'RolePolicyList': [{'PolicyName': 'Raw', 'PolicyDocument': " \
	"    '%7B%22Version%22%3A%222012-10-17%22%7D'}]," \
	"  'AttachedManagedPolicies': [], 'Tags': [], " \
	"  'RoleLastUsed': {'LastUsedDate': '2024-06-30T23:59:01+00:00', 'Region': 'eu-west-1'}}," \
	"  {'Path': '/aws-service-role/support.amazonaws.com/', 'RoleName': 'AWSServiceRoleForSupport', " \
	"  'Arn': 'arn:aws:iam::" MGMT ":role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport', " \
	"  'AssumeRolePolicyDocument': {'Version': '2012-10-17'}, 'RoleLastUsed': {}, " \
	"  'PermissionsBoundary': {}}]," \
	" 'Policies': [{'PolicyName': 'ReadOnlyAccess', 'PolicyId': 'ANPARO', " \
	"  'Arn': 'arn:aws:iam::aws:policy/ReadOnlyAccess', 'Path': '/', 'DefaultVersionId': 'v2', " \
	"  'AttachmentCount': 1, 'PolicyVersionList': [" \
	"   {'Document': {'Version': '2012-10-17', 'Statement': []}, 'VersionId': 'v1', 'IsDefaultVersion': false}," \
	"   {'Document': {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 'ec2:Describe*', " \
	"     'Resource': '*'}]}, 'VersionId': 'v2', 'IsDefaultVersion': true}]}," \
	"  {'PolicyName': 'Bound', 'Arn': 'arn:aws:iam::" MGMT ":policy/Bound', 'DefaultVersionId': 'v1'," \
	"   'AttachmentCount': 0, 'PolicyVersionList': [{'Document': {'Statement': []}, 'VersionId': 'v1'}]}]}"

#define EMPTY_IAM "{'UserDetailList': [], 'GroupDetailList': [], 'RoleDetailList': [], 'Policies': []}"

static void
good_accounts(void)
{
	put(MGMT "/iam.json", GOOD_IAM);
	put(MGMT "/vpc-endpoints/eu-west-1.json", "{'VpcEndpoints': [{'VpcEndpointId': 'vpce-2', "
	    "'VpcEndpointType': 'Interface', 'VpcId': 'vpc-1', 'ServiceName': 'com.amazonaws.eu-west-1.sts', "
	    "'State': 'available', 'PolicyDocument': '{\\n  \\'Statement\\': []\\n}', 'Tags': []},"
	    "{'VpcEndpointId': 'vpce-1', 'VpcEndpointType': 'Gateway', 'VpcId': 'vpc-1', "
	    "'ServiceName': 'com.amazonaws.eu-west-1.s3', 'State': 'pendingAcceptance'}]}");
	put(MGMT "/vpc-endpoints/us-east-1.json", "{'VpcEndpoints': []}");
	put(MEMBER "/iam.json", EMPTY_IAM);
	put(MEMBER "/vpc-endpoints/eu-west-1.json", "{'VpcEndpoints': []}");
	put(MEMBER "/vpc-endpoints/us-east-1.json", "{'VpcEndpoints': []}");
	put("aws-dump.json", "{'dump_version': 1, 'taken_at': '2026-11-23T11:07:41Z', "
	    "'partition': 'aws', 'caller': 'arn:aws:iam::" MGMT ":user/x', "
	    "'regions': ['eu-west-1', 'us-east-1'], 'future': {'ignored': true}}");
}

static struct snapshot *
load_ok(void)
{
	struct err e = {{0}};
	struct snapshot *s = offline_load(dir, &e);

	ck_assert_msg(s != NULL, "offline_load: %s", e.msg);
	return s;
}

static const struct snap_region *
region(const struct snap_account *a, const char *name)
{
	for (size_t i = 0; i < a->nregions; i++)
		if (strcmp(a->regions[i].name, name) == 0)
			return &a->regions[i];
	ck_abort_msg("no region %s in %s", name, a->id);
	return NULL;
}

static const struct snap_account *
account(const struct snapshot *s, const char *id)
{
	const struct snap_account *a = snapshot_find_account(s, id);

	ck_assert_msg(a != NULL, "no account %s", id);
	return a;
}

/* why must contain each of the NULL-terminated needles; %D stands for dir. */
static void
assert_why(const struct snap_part *p, ...)
{
	va_list ap;
	const char *n;

	ck_assert_msg(!p->complete, "part complete, expected incomplete");
	ck_assert_ptr_nonnull(p->why);
	va_start(ap, p);
	while ((n = va_arg(ap, const char *)) != NULL) {
		char want[512];
		const char *d = strstr(n, "%D");

		if (d != NULL)
			snprintf(want, sizeof(want), "%.*s%s%s", (int)(d - n), n, dir, d + 2);
		else
			snprintf(want, sizeof(want), "%s", n);
		ck_assert_msg(strstr(p->why, want) != NULL, "why \"%s\" lacks \"%s\"", p->why, want);
	}
	va_end(ap);
}

/* ------------------------------------------------------------ complete */

START_TEST(test_complete_dump)
{
	struct snapshot *s;
	const struct snap_account *a;
	const struct snap_role *r;
	const struct snap_region *rg;
	char src[128];

	good_org();
	good_accounts();
	s = load_ok();
	ck_assert_msg(snapshot_complete(s), "a complete dump reads complete");
	snprintf(src, sizeof(src), "offline:%s", dir);
	ck_assert_str_eq(s->source, src);
	ck_assert_str_eq(s->partition, "aws");
	ck_assert(s->taken_at == 1795432061);	/* 2026-11-23T11:07:41Z */
	ck_assert_int_eq(s->org.mode, SNAP_ORG_PRESENT);
	ck_assert_str_eq(s->org.id, "o-abcdef1234");
	ck_assert_str_eq(s->org.management_account, MGMT);
	ck_assert_str_eq(s->org.root_id, "r-ab12");
	ck_assert(s->org.scp_enabled && s->org.rcp_enabled);
	ck_assert_uint_eq(s->org.nous, 1);
	ck_assert_str_eq(s->org.ous[0].parent_id, "r-ab12");
	ck_assert_uint_eq(s->org.npolicies, 2);
	/* Sorted by id: "p-RCP..." < "p-scp1". */
	ck_assert_str_eq(s->org.policies[0].id, "p-RCPFullAWSAccess");
	ck_assert(s->org.policies[0].aws_managed);
	ck_assert_int_eq(s->org.policies[0].type, SNAP_RCP);
	ck_assert_str_eq(s->org.policies[0].targets[0], "r-ab12");
	ck_assert_str_eq(s->org.policies[1].content, "{\"Version\":\"2012-10-17\"}");
	ck_assert_uint_eq(s->org.policies[1].ntargets, 2);
	ck_assert_str_eq(s->org.policies[1].targets[1], MEMBER);

	ck_assert_uint_eq(s->naccounts, 2);
	a = account(s, MGMT);
	ck_assert(a->is_management);
	ck_assert_str_eq(a->parent_id, "r-ab12");
	ck_assert_str_eq(a->email, "m@example.com");
	ck_assert_uint_eq(a->iam.nusers, 1);
	ck_assert_str_eq(a->iam.users[0].groups[0], "Admins");
	ck_assert_str_eq(a->iam.users[0].attached[0], "arn:aws:iam::aws:policy/ReadOnlyAccess");
	ck_assert_str_eq(a->iam.users[0].boundary_arn, "arn:aws:iam::" MGMT ":policy/Bound");
	ck_assert_str_eq(a->iam.users[0].inline_policies[0].document,
	    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
	    "\"Action\":\"iam:CreateAccessKey\",\"Resource\":\"*\"}]}");
	ck_assert_str_eq(a->iam.users[0].tags[0].value, "a&b");
	ck_assert_str_eq(a->iam.users[0].tags[1].value, "");
	ck_assert_str_eq(a->iam.groups[0].id, "AGPAADMINS");
	r = snapshot_find_role(a, "arn:aws:iam::" MGMT ":role/deploy/app");
	ck_assert_ptr_nonnull(r);
	ck_assert(!r->service_linked);
	ck_assert_str_eq(r->last_used, "2024-06-30T23:59:01Z");
	ck_assert_str_eq(r->last_used_region, "eu-west-1");
	ck_assert_str_eq(r->instance_profiles[0], "arn:aws:iam::" MGMT ":instance-profile/deploy/app");
	/* A percent-encoded string document is decoded. */
	ck_assert_str_eq(r->inline_policies[0].document, "{\"Version\":\"2012-10-17\"}");
	ck_assert_str_eq(r->trust_policy, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}");
	r = &a->iam.roles[0];	/* the service-linked one sorts first */
	ck_assert(r->service_linked);
	ck_assert_ptr_null(r->last_used);
	ck_assert_ptr_null(r->boundary_arn);	/* {} is no boundary */
	ck_assert_uint_eq(a->iam.npolicies, 2);
	ck_assert_str_eq(a->iam.policies[1].arn, "arn:aws:iam::aws:policy/ReadOnlyAccess");
	ck_assert(a->iam.policies[1].aws_managed);
	ck_assert_int_eq(a->iam.policies[1].attachment_count, 1);
	ck_assert_str_eq(a->iam.policies[1].default_version, "v2");
	ck_assert(strstr(a->iam.policies[1].document, "ec2:Describe*") != NULL);
	ck_assert(!a->iam.policies[0].aws_managed);
	ck_assert_ptr_null(a->iam.policies[0].id);
	/* No IsDefaultVersion: DefaultVersionId decides. */
	ck_assert_str_eq(a->iam.policies[0].document, "{\"Statement\":[]}");
	ck_assert_uint_eq(a->nregions, 2);
	rg = region(a, "eu-west-1");
	ck_assert_uint_eq(rg->nendpoints, 2);
	ck_assert_str_eq(rg->endpoints[0].id, "vpce-1");
	ck_assert_ptr_null(rg->endpoints[0].policy);	/* none: full access */
	ck_assert_str_eq(rg->endpoints[0].state, "pendingAcceptance");
	ck_assert_str_eq(rg->endpoints[1].policy, "{\n  \"Statement\": []\n}");
	ck_assert_str_eq(rg->endpoints[1].type, "Interface");
	a = account(s, MEMBER);
	ck_assert(!a->is_management);
	ck_assert_str_eq(a->parent_id, "ou-ab12-aaaa1111");
	ck_assert_str_eq(a->name, "Member");
	snapshot_free(s);
}
END_TEST

/* The offline model survives the snapshot's JSON form unchanged. */
START_TEST(test_complete_dump_roundtrips)
{
	struct snapshot *s, *b = NULL;
	struct buf one = BUF_INIT, two = BUF_INIT;
	struct err e = {{0}};

	good_org();
	good_accounts();
	s = load_ok();
	ck_assert_int_eq(snapjson_write(s, &one, &e), 0);
	ck_assert_msg(snapjson_read(one.data, one.len, &b, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(snapjson_write(b, &two, &e), 0);
	ck_assert_str_eq(buf_cstr(&one), buf_cstr(&two));
	buf_free(&one);
	buf_free(&two);
	snapshot_free(s);
	snapshot_free(b);
}
END_TEST

/* Without aws-dump.json: regions from the files, taken_at from the newest
 * file, partition from the ARNs. */
START_TEST(test_without_dump_info)
{
	struct snapshot *s;
	char path[256];
	struct timespec ts[2] = {{1700000000, 0}, {1700000000, 0}};

	put(MGMT "/iam.json", "{'UserDetailList': [], 'GroupDetailList': [], 'Policies': [], "
	    "'RoleDetailList': [{'RoleName': 'r', 'Arn': 'arn:aws-cn:iam::" MGMT ":role/r', "
	    "'AssumeRolePolicyDocument': '{}'}]}");
	put(MGMT "/vpc-endpoints/cn-north-1.json", "{'VpcEndpoints': []}");
	put(MGMT "/vpc-endpoints/cn-north-1.json.tmp", "half a fi");
	snprintf(path, sizeof(path), "%s/" MGMT "/iam.json", dir);
	ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
	snprintf(path, sizeof(path), "%s/" MGMT "/vpc-endpoints/cn-north-1.json", dir);
	ts[0].tv_sec = ts[1].tv_sec = 1600000000;
	ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
	s = load_ok();
	ck_assert_str_eq(s->partition, "aws-cn");
	ck_assert(s->taken_at == 1700000000);
	ck_assert_uint_eq(s->naccounts, 1);
	ck_assert_uint_eq(s->accounts[0].nregions, 1);
	ck_assert_str_eq(s->accounts[0].regions[0].name, "cn-north-1");
	ck_assert(s->accounts[0].regions[0].part.complete);
	ck_assert_ptr_null(s->accounts[0].parent_id);
	ck_assert(s->accounts[0].access.complete && s->accounts[0].iam.part.complete);
	/* No org/ folder: unknown, never "no SCPs". */
	ck_assert_int_eq(s->org.mode, SNAP_ORG_UNKNOWN);
	assert_why(&s->org.part, "no organization data in %D (no org/ folder)", NULL);
	ck_assert(!snapshot_complete(s));
	snapshot_free(s);
}
END_TEST

/* ---------------------------------------------------------- incomplete */

START_TEST(test_org_not_in_use)
{
	struct snapshot *s;

	put("org/describe-organization.error", "\nAn error occurred "
	    "(AWSOrganizationsNotInUseException) when calling the DescribeOrganization operation: "
	    "Your account is not a member of an organization.\n");
	put(MGMT "/iam.json", EMPTY_IAM);
	s = load_ok();
	ck_assert_int_eq(s->org.mode, SNAP_ORG_NONE);
	ck_assert(s->org.part.complete);
	ck_assert(snapshot_complete(s));
	snapshot_free(s);
}
END_TEST

START_TEST(test_org_denied)
{
	struct snapshot *s;

	put("org/describe-organization.error", "\n\nAn error occurred (AccessDeniedException)\r\n"
	    "\twhen calling the DescribeOrganization operation: \x01You do not have permissions\n\n");
	s = load_ok();
	ck_assert_int_eq(s->org.mode, SNAP_ORG_UNKNOWN);
	/* One line: blanks collapsed, control bytes dropped, file named. */
	assert_why(&s->org.part, "%D/org/describe-organization.error: An error occurred "
	    "(AccessDeniedException) when calling the DescribeOrganization operation: You do not "
	    "have permissions", NULL);
	ck_assert_int_eq(s->org.part.why[strlen(s->org.part.why) - 1], 's');
	snapshot_free(s);

	rm("org/describe-organization.error");
	s = load_ok();
	ck_assert_int_eq(s->org.mode, SNAP_ORG_UNKNOWN);
	assert_why(&s->org.part, "missing %D/org/describe-organization.json", NULL);
	snapshot_free(s);
}
END_TEST

/* Each org failure alone, so the (first) reason can be checked. */
struct org_fault {
	const char *remove;	/* file removed from the good dump, or NULL */
	const char *put_rel;	/* file added (or replaced) */
	const char *put_text;
	const char *why;	/* expected in org.part.why (%D = dir) */
};

static const struct org_fault org_faults[] = {
	{"org/ous/ou-ab12-aaaa1111.json", NULL, NULL,
	    "missing %D/org/ous/ou-ab12-aaaa1111.json"},
	{"org/accounts/ou-ab12-aaaa1111.json", "org/accounts/ou-ab12-aaaa1111.error",
	    "An error occurred (TooManyRequestsException) when calling the ListAccountsForParent "
	    "operation (reached max retries: 4): AWS Organizations can't complete your request",
	    "%D/org/accounts/ou-ab12-aaaa1111.error: An error occurred (TooManyRequestsException)"},
	{"org/list-roots.json", "org/list-roots.error", "AccessDenied",
	    "%D/org/list-roots.error: AccessDenied"},
	{"org/policies/RESOURCE_CONTROL_POLICY.json", "org/policies/RESOURCE_CONTROL_POLICY.error",
	    "boom", "%D/org/policies/RESOURCE_CONTROL_POLICY.error: boom"},
	{"org/targets/p-scp1.json", NULL, NULL, "missing %D/org/targets/p-scp1.json"},
	{"org/policy/p-scp1.json", NULL, NULL, "missing %D/org/policy/p-scp1.json"},
	{NULL, "org/ous/r-ab12.json", "{'OrganizationalUnits': [{'Id': 'ou-ab12-aaaa1111', "
	    "'Name': 'Workloads'}], 'NextToken': 'abc+/='}",
	    "%D/org/ous/r-ab12.json holds only the first page (NextToken present)"},
	{NULL, "org/list-roots.json", "{'Roots': []}", "org/list-roots.json lists no root"},
};

START_TEST(test_org_incomplete)
{
	const struct org_fault *f = &org_faults[_i];
	struct snapshot *s;

	good_org();
	good_accounts();
	if (f->remove != NULL)
		rm(f->remove);
	if (f->put_rel != NULL)
		put(f->put_rel, f->put_text);
	s = load_ok();
	ck_assert_int_eq(s->org.mode, SNAP_ORG_PRESENT);
	assert_why(&s->org.part, f->why, NULL);
	/* The accounts' own parts are not touched by an org failure. */
	ck_assert(account(s, MGMT)->iam.part.complete);
	snapshot_free(s);
}
END_TEST

/* A policy type not enabled is not in force: its list is not needed. */
START_TEST(test_disabled_type_not_needed)
{
	struct snapshot *s;

	good_org();
	good_accounts();
	put("org/list-roots.json", "{'Roots': [{'Id': 'r-ab12', 'PolicyTypes': ["
	    "{'Type': 'SERVICE_CONTROL_POLICY', 'Status': 'ENABLED'},"
	    "{'Type': 'RESOURCE_CONTROL_POLICY', 'Status': 'PENDING_ENABLE'}]}]}");
	rm("org/policies/RESOURCE_CONTROL_POLICY.json");
	put("org/policies/RESOURCE_CONTROL_POLICY.error", "PolicyTypeNotEnabledException");
	s = load_ok();
	ck_assert(s->org.part.complete);
	ck_assert(!s->org.rcp_enabled);
	ck_assert_uint_eq(s->org.npolicies, 1);
	snapshot_free(s);
	/* Enabled again: now the same failure matters. */
	good_org();
	rm("org/policies/RESOURCE_CONTROL_POLICY.json");
	s = load_ok();
	assert_why(&s->org.part, "RESOURCE_CONTROL_POLICY.error: PolicyTypeNotEnabledException",
	    NULL);
	snapshot_free(s);
}
END_TEST

START_TEST(test_account_parts)
{
	struct snapshot *s;
	const struct snap_account *a;
	char path[256];

	/* The member: AssumeRole refused. */
	good_org();
	put(MGMT "/iam.error", "An error occurred (AccessDenied) when calling the "
	    "GetAccountAuthorizationDetails operation: denied by an SCP");
	put(MGMT "/vpc-endpoints/eu-west-1.error", "An error occurred (UnauthorizedOperation)");
	/* us-east-1 is in aws-dump.json but has no file. */
	put("aws-dump.json", "{'dump_version': 1, 'regions': ['eu-west-1', 'us-east-1']}");
	put(MEMBER "/access.error", "An error occurred (AccessDenied) when calling the "
	    "AssumeRole operation: not authorized");
	s = load_ok();
	a = account(s, MGMT);
	ck_assert(a->access.complete);
	assert_why(&a->iam.part, "%D/" MGMT "/iam.error: An error occurred (AccessDenied)",
	    "denied by an SCP", NULL);
	assert_why(&region(a, "eu-west-1")->part, "%D/" MGMT "/vpc-endpoints/eu-west-1.error: "
	    "An error occurred (UnauthorizedOperation)", NULL);
	assert_why(&region(a, "us-east-1")->part, "missing %D/" MGMT
	    "/vpc-endpoints/us-east-1.json", NULL);
	a = account(s, MEMBER);
	assert_why(&a->access, "%D/" MEMBER "/access.error: An error occurred (AccessDenied) when "
	    "calling the AssumeRole operation: not authorized", NULL);
	assert_why(&a->iam.part, "not fetched: the account could not be entered", "AssumeRole",
	    NULL);
	ck_assert_uint_eq(a->nregions, 2);
	assert_why(&region(a, "us-east-1")->part, "could not be entered", NULL);
	ck_assert(s->org.part.complete);
	snapshot_free(s);

	/* The member not dumped at all; the management account's IAM one page. */
	rm(MEMBER "/access.error");
	snprintf(path, sizeof(path), "%s/" MEMBER, dir);
	ck_assert_int_eq(rmdir(path), 0);
	rm(MGMT "/iam.error");
	put(MGMT "/iam.json", "{'UserDetailList': [], 'GroupDetailList': [], 'RoleDetailList': [], "
	    "'Policies': [], 'IsTruncated': true, 'Marker': 'm'}");
	s = load_ok();
	a = account(s, MEMBER);
	assert_why(&a->access, "not in the dump (no folder %D/" MEMBER ")", NULL);
	assert_why(&a->iam.part, "not in the dump", NULL);
	assert_why(&region(a, "eu-west-1")->part, "not in the dump", NULL);
	assert_why(&account(s, MGMT)->iam.part, "%D/" MGMT "/iam.json holds only the first page",
	    NULL);
	snapshot_free(s);

	rm(MGMT "/iam.json");
	s = load_ok();
	assert_why(&account(s, MGMT)->iam.part, "missing %D/" MGMT "/iam.json", NULL);
	snapshot_free(s);
}
END_TEST

/* --------------------------------------------------------------- errors */

struct bad_file {
	const char *rel;
	const char *text;
	const char *want;	/* the whole error, %D = dir */
};

static const struct bad_file bad_files[] = {
	{MGMT "/iam.json", "{'UserDetailList': [], 'GroupDetailList': [], 'Policies': [], "
	    "'RoleDetailList': [{'RoleName': 'a', 'Arn': 'arn:aws:iam::" MGMT ":role/a', "
	    "'AssumeRolePolicyDocument': '{}'}, {'RoleName': 'b', 'AssumeRolePolicyDocument': '{}'}]}",
	    "%D/" MGMT "/iam.json: iam:GetAccountAuthorizationDetails: RoleDetailList[1].Arn: missing"},
	{MGMT "/iam.json", "{'UserDetailList': [], 'GroupDetailList': [], 'RoleDetailList': []}",
	    "%D/" MGMT "/iam.json: iam:GetAccountAuthorizationDetails: Policies: missing"},
	{MGMT "/iam.json", "{'UserDetailList': [{'UserName': 'u', 'Arn': 'arn:x', "
	    "'Tags': [{'Key': 5}]}], 'GroupDetailList': [], 'RoleDetailList': [], 'Policies': []}",
	    "%D/" MGMT "/iam.json: iam:GetAccountAuthorizationDetails: UserDetailList[0].Tags[0].Key: "
	    "not a string"},
	{MGMT "/iam.json", "{'UserDetailList': [], 'GroupDetailList': [{'GroupName': 'g', "
	    "'Arn': 'arn:g', 'GroupPolicyList': [{'PolicyName': 'p', 'PolicyDocument': '%7B%ZZ'}]}], "
	    "'RoleDetailList': [], 'Policies': []}",
	    "%D/" MGMT "/iam.json: iam:GetAccountAuthorizationDetails: "
	    "GroupDetailList[0].GroupPolicyList[0].PolicyDocument: "},
	{MGMT "/iam.json", "{'UserDetailList': [], 'GroupDetailList': [], 'RoleDetailList': [], "
	    "'Policies': [{'PolicyName': 'p', 'Arn': 'arn:p', 'AttachmentCount': '3', "
	    "'PolicyVersionList': []}]}",
	    "%D/" MGMT "/iam.json: iam:GetAccountAuthorizationDetails: Policies[0].AttachmentCount: "
	    "not a count"},
	{MGMT "/iam.json", "{'UserDetailList': [], 'GroupDetailList': [], 'RoleDetailList': [], "
	    "'Policies': [{'PolicyName': 'p', 'Arn': 'arn:p', 'PolicyVersionList': ["
	    "{'VersionId': 'v1', 'Document': {}}]}]}",
	    "%D/" MGMT "/iam.json: iam:GetAccountAuthorizationDetails: Policies[0]: "
	    "PolicyVersionList: no default version"},
	{MGMT "/iam.json", "{'UserDetailList': [], 'GroupDetailList': [], 'RoleDetailList': [], "
	    "'Policies': [{'PolicyName': 'p', 'Arn': 'arn:p', 'DefaultVersionId': 'v2', "
	    "'PolicyVersionList': [{'VersionId': 'v1', 'IsDefaultVersion': true, 'Document': {}}]}]}",
	    "%D/" MGMT "/iam.json: iam:GetAccountAuthorizationDetails: Policies[0].PolicyVersionList[0]: "
	    "marked IsDefaultVersion but DefaultVersionId is v2"},
	{MGMT "/iam.json", "{'UserDetailList': [\n  {'UserName': }]}",
	    "%D/" MGMT "/iam.json: not valid JSON (line 2, column 16)"},
	{MGMT "/iam.json", "[]",
	    "%D/" MGMT "/iam.json: iam:GetAccountAuthorizationDetails: the output is not a JSON object"},
	/* Text after the value: the file is not one CLI output; it used to
	 * load, and the audit said "complete". */
	{MGMT "/iam.json", "{'UserDetailList': [], 'GroupDetailList': [], 'RoleDetailList': [], "
	    "'Policies': []}\n{'UserDetailList': []}\n",
	    "%D/" MGMT "/iam.json: not valid JSON: text after the value (line 2, column 1)"},
	{"org/list-roots.json", "{'Roots': []} \n\t x",
	    "%D/org/list-roots.json: not valid JSON: text after the value (line 2, column 3)"},
	{MGMT "/vpc-endpoints/eu-west-1.json", "{'VpcEndpoints': [{'VpcEndpointId': 7}]}",
	    "%D/" MGMT "/vpc-endpoints/eu-west-1.json: ec2:DescribeVpcEndpoints: "
	    "VpcEndpoints[0].VpcEndpointId: not a string"},
	{MGMT "/vpc-endpoints/eu-west-1.json", "{'VpcEndpoints': [{'VpcEndpointId': 'vpce-1', "
	    "'VpcEndpointType': 'Gateway', 'ServiceName': 's', 'PolicyDocument': 12}]}",
	    "%D/" MGMT "/vpc-endpoints/eu-west-1.json: ec2:DescribeVpcEndpoints: "
	    "VpcEndpoints[0].PolicyDocument: not a policy document (a JSON object or string)"},
	{"org/accounts/r-ab12.json", "{'Accounts': [{'Id': '12'}]}",
	    "%D/org/accounts/r-ab12.json: organizations:ListAccountsForParent: Accounts[0].Id: "
	    "'12' is not a 12-digit account id"},
	{"org/ous/r-ab12.json", "{'OrganizationalUnits': [{'Id': '../../etc'}]}",
	    "%D/org: OU id '../../etc' cannot name a file of the dump"},
	{"org/policy/p-scp1.json", "{'Policy': {'PolicySummary': {'Id': 'p-RCPFullAWSAccess', "
	    "'Type': 'RESOURCE_CONTROL_POLICY'}, 'Content': '{}'}}",
	    "%D/org/policy/p-scp1.json: organizations:DescribePolicy: Policy.PolicySummary.Id: "
	    "p-RCPFullAWSAccess, but the file is named for p-scp1"},
	{"org/list-roots.json", "{'Roots': 3}",
	    "%D/org/list-roots.json: organizations:ListRoots: Roots: not an array"},
	{"aws-dump.json", "{'dump_version': 2}",
	    "%D/aws-dump.json: aws-dump: dump_version: 2 is not 1, the version this program reads"},
	{"aws-dump.json", "{'dump_version': 1, 'taken_at': 'yesterday'}",
	    "%D/aws-dump.json: aws-dump: taken_at: \"yesterday\" is not like 2026-11-23T11:07:41Z"},
	{"aws-dump.json", "{'dump_version': 1, 'regions': ['eu-west-1', '../x']}",
	    "%D/aws-dump.json: aws-dump: regions: not a list of region names"},
};

START_TEST(test_bad_file)
{
	const struct bad_file *b = &bad_files[_i];
	struct err e = {{0}};
	char want[1024];
	const char *d = strstr(b->want, "%D");

	good_org();
	good_accounts();
	put(b->rel, b->text);
	snprintf(want, sizeof(want), "%.*s%s%s", (int)(d - b->want), b->want, dir, d + 2);
	ck_assert_ptr_null(offline_load(dir, &e));
	ck_assert_msg(strncmp(e.msg, want, strlen(want)) == 0, "got \"%s\"\nwant \"%s\"",
	    e.msg, want);
}
END_TEST

START_TEST(test_bounds_and_dir)
{
	struct err e = {{0}};
	char path[256];
	int fd;

	good_org();
	good_accounts();
	/* A sparse file one byte over the bound: refused before reading. */
	snprintf(path, sizeof(path), "%s/" MGMT "/iam.json", dir);
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)OFFLINE_FILE_MAX + 1), 0);
	close(fd);
	ck_assert_ptr_null(offline_load(dir, &e));
	ck_assert(strstr(e.msg, path) == e.msg);
	ck_assert(strstr(e.msg, "more than the limit") != NULL);

	snprintf(path, sizeof(path), "%s/nothing-here", dir);
	ck_assert_ptr_null(offline_load(path, &e));
	ck_assert(strstr(e.msg, "not a directory") != NULL);
}
END_TEST

static Suite *
offline_suite(void)
{
	Suite *s = suite_create("offline");
	TCase *tc = tcase_create("load");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_complete_dump);
	tcase_add_test(tc, test_complete_dump_roundtrips);
	tcase_add_test(tc, test_without_dump_info);
	tcase_add_test(tc, test_org_not_in_use);
	tcase_add_test(tc, test_org_denied);
	tcase_add_loop_test(tc, test_org_incomplete, 0,
	    (int)(sizeof(org_faults) / sizeof(org_faults[0])));
	tcase_add_test(tc, test_disabled_type_not_needed);
	tcase_add_test(tc, test_account_parts);
	tcase_add_loop_test(tc, test_bad_file, 0, (int)(sizeof(bad_files) / sizeof(bad_files[0])));
	tcase_add_test(tc, test_bounds_and_dir);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_main(offline_suite());
}
