/*
 * Audit speed: a synthetic account of 2,000 principals (1,000 users in
 * groups, 950 workload roles, 50 privileged roles) with permissions
 * boundaries, four SCP levels (root, two OUs, the account), conditions on
 * iam:PassedToService, aws:RequestedRegion and principal tags, VPC endpoints
 * and transitive paths. Prints audit_principals, audit_edges, audit_cpu_s
 * (the audit alone, user + system), audit_peak_rss_mib (whole process) and
 * list_privileged_cpu_s (audit_privileged, what --list-privileged runs).
 * Target: audit_cpu_s < 1 in a build without sanitizers.
 *
 * With AUDIT_BENCH_EDGES=FILE set it also writes the edge set there (to
 * compare two builds' results on the bench's snapshots).
 *
 * "audit-bench gen ACCOUNTS USERS ROLES ADMIN_PCT" audits a generated
 * snapshot instead (tests/unit/snapgen.h, seed 1, with an organization):
 * trust policies naming specific roles and users, the account root, "*",
 * services, so that the cost of transitive paths shows as it scales.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "audit/audit.h"
#include "audit/edgejson.h"
#include "util/fileio.h"
#include "../unit/snapbuild.h"
#include "../unit/snapgen.h"

#define ACCT "123456789012"

static double
cpu_now(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static struct snapshot *
build(void)
{
	struct snapshot *s = sb_new();
	struct snap_account *a;
	char doc[2048], name[64], trust[512];
	const char *admin, *bnd, *appbase, *base[20];

	sb_org(s, "o-bench", "r-root", "999999999999");
	sb_ou(s, "ou-workloads", "Workloads", "r-root");
	sb_ou(s, "ou-prod", "Prod", "ou-workloads");
	sb_org_policy(s, SNAP_SCP, "p-regions", "RegionGuard", "{\"Version\":\"2012-10-17\","
	    "\"Statement\":[{\"Sid\":\"Regions\",\"Effect\":\"Deny\",\"NotAction\":[\"iam:*\","
	    "\"sts:*\",\"organizations:*\"],\"Resource\":\"*\",\"Condition\":{\"StringNotEquals\":"
	    "{\"aws:RequestedRegion\":[\"eu-west-1\",\"us-east-1\"]}}},{\"Sid\":\"Tagged\",\"Effect\":"
	    "\"Deny\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":"
	    "{\"aws:PrincipalTag/quarantine\":\"true\"}}}]}", "r-root", (char *)NULL);
	sb_org_policy(s, SNAP_SCP, "p-noorg", "NoOrgChanges", "{\"Version\":\"2012-10-17\","
	    "\"Statement\":[{\"Effect\":\"Deny\",\"Action\":[\"organizations:*\",\"account:*\"],"
	    "\"Resource\":\"*\"}]}", "ou-workloads", (char *)NULL);
	sb_org_policy(s, SNAP_SCP, "p-mfa", "MfaForIam", "{\"Version\":\"2012-10-17\","
	    "\"Statement\":[{\"Effect\":\"Deny\",\"Action\":[\"iam:CreateUser\",\"iam:DeleteUser\"],"
	    "\"Resource\":\"*\",\"Condition\":{\"BoolIfExists\":{\"aws:MultiFactorAuthPresent\":"
	    "\"false\"}}}]}", "ou-prod", (char *)NULL);
	a = sb_account(s, ACCT, "ou-prod");
	admin = sb_policy(a, "AdministratorAccess", "{\"Version\":\"2012-10-17\",\"Statement\":[{"
	    "\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}", true);
	bnd = sb_policy(a, "UserBoundary", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":"
	    "\"Work\",\"Effect\":\"Allow\",\"Action\":[\"s3:*\",\"ec2:*\",\"lambda:*\",\"logs:*\","
	    "\"iam:PassRole\",\"iam:Get*\",\"iam:List*\",\"sts:AssumeRole\"],\"Resource\":\"*\"},"
	    "{\"Sid\":\"NoProdPass\",\"Effect\":\"Deny\",\"Action\":\"iam:PassRole\",\"Resource\":"
	    "\"arn:aws:iam::*:role/prod-*\"}]}", false);
	appbase = sb_policy(a, "AppBase", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Action\":[\"logs:CreateLogStream\",\"logs:PutLogEvents\",\"s3:GetObject\","
	    "\"dynamodb:Query\",\"sqs:ReceiveMessage\"],\"Resource\":\"*\"}]}", false);
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "Base%02d", i);
		snprintf(doc, sizeof(doc), "{\"Version\":\"2012-10-17\",\"Statement\":["
		    "{\"Sid\":\"S3\",\"Effect\":\"Allow\",\"Action\":[\"s3:Get*\",\"s3:List*\"],"
		    "\"Resource\":\"arn:aws:s3:::team-%02d-*\"},"
		    "{\"Sid\":\"Ec2\",\"Effect\":\"Allow\",\"Action\":\"ec2:Describe*\",\"Resource\":\"*\"},"
		    "{\"Sid\":\"Own\",\"Effect\":\"Allow\",\"Action\":\"iam:Get*\",\"Resource\":"
		    "\"arn:aws:iam::*:user/${aws:username}\"},"
		    "{\"Sid\":\"Region\",\"Effect\":\"Allow\",\"Action\":\"lambda:Invoke*\",\"Resource\":\"*\","
		    "\"Condition\":{\"StringEquals\":{\"aws:RequestedRegion\":\"eu-west-1\"}}},"
		    "{\"Sid\":\"NoKeys\",\"Effect\":\"Deny\",\"Action\":\"iam:CreateAccessKey\","
		    "\"Resource\":\"*\"}]}", i);
		base[i] = sb_policy(a, name, doc, false);
	}
	for (int g = 0; g < 10; g++) {
		struct snap_group *gr;

		snprintf(name, sizeof(name), "group%d", g);
		gr = sb_group(a, name);
		sb_group_attach(gr, base[(g * 3) % 20]);
		snprintf(doc, sizeof(doc), "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
		    "\"Allow\",\"Action\":\"cloudwatch:Get*\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":"
		    "{\"aws:PrincipalTag/team\":\"t%d\"}}}]}", g);
		sb_group_inline(gr, "Metrics", doc);
	}
	for (int i = 0; i < 1000; i++) {
		struct snap_user *u;

		snprintf(name, sizeof(name), "user%04d", i);
		u = sb_user(a, name);
		snprintf(name, sizeof(name), "t%d", i % 10);
		sb_user_tag(u, "team", name);
		sb_user_attach(u, base[i % 20]);
		snprintf(name, sizeof(name), "group%d", i % 10);
		sb_user_group(u, name);
		snprintf(name, sizeof(name), "group%d", (i + 3) % 10);
		sb_user_group(u, name);
		if (i % 4 == 0)
			sb_user_boundary(u, bnd);
		if (i % 10 == 0)
			sb_user_inline(u, "PassPriv", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":"
			    "\"ToEc2\",\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":"
			    "\"arn:aws:iam::123456789012:role/priv-*\",\"Condition\":{\"StringEquals\":"
			    "{\"iam:PassedToService\":\"ec2.amazonaws.com\"}}}]}");
		else if (i % 10 == 1)
			sb_user_inline(u, "PassApp", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":"
			    "\"App\",\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":"
			    "\"arn:aws:iam::123456789012:role/app-*\"}]}");
		else if (i % 10 == 2)
			sb_user_inline(u, "AssumeApp", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":"
			    "\"App\",\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Resource\":"
			    "\"arn:aws:iam::123456789012:role/app-*\",\"Condition\":{\"Bool\":"
			    "{\"aws:MultiFactorAuthPresent\":\"true\"}}}]}");
	}
	for (int i = 0; i < 950; i++) {
		struct snap_role *r;
		const char *t;

		if (i % 3 == 0) {
			snprintf(trust, sizeof(trust), "{\"Version\":\"2012-10-17\",\"Statement\":[{"
			    "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::%s:root\"},"
			    "\"Action\":\"sts:AssumeRole\"}]}", ACCT);
			t = trust;
		} else {
			t = sb_trust_services(trust, sizeof(trust), i % 3 == 1 ?
			    "cloudformation.amazonaws.com" : "lambda.amazonaws.com", (char *)NULL);
		}
		snprintf(name, sizeof(name), "app-%03d", i);
		r = sb_role(a, name, NULL, t);
		sb_role_attach(r, appbase);
		if (i % 50 == 0)
			sb_role_inline(r, "Deploy", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":"
			    "\"PassPriv\",\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":"
			    "\"arn:aws:iam::123456789012:role/priv-*\"}]}");
	}
	for (int i = 0; i < 50; i++) {
		struct snap_role *r;

		snprintf(name, sizeof(name), "priv-%02d", i);
		r = sb_role(a, name, NULL, sb_trust_services(trust, sizeof(trust), "ec2.amazonaws.com",
		    "lambda.amazonaws.com", (char *)NULL));
		sb_role_attach(r, admin);
		sb_role_tag(r, "tier", "admin");
	}
	sb_endpoint(a, "eu-west-1", "vpce-ec2", "ec2", "{\"Statement\":[{\"Effect\":\"Allow\","
	    "\"Principal\":\"*\",\"Action\":\"ec2:*\",\"Resource\":\"*\"}]}");
	sb_endpoint(a, "eu-west-1", "vpce-lambda", "lambda", NULL);
	sb_endpoint(a, "us-east-1", "vpce-ec2b", "ec2", "{\"Statement\":[{\"Effect\":\"Allow\","
	    "\"Principal\":\"*\",\"Action\":[\"ec2:*\",\"iam:PassRole\"],\"Resource\":\"*\"}]}");
	snapshot_sort(s);
	return s;
}

static int
write_edges(const struct edge_set *set, const char *path)
{
	struct buf b;
	struct err e;
	int rc = -1;

	buf_init(&b, 0);
	if (edgejson_write(set, &b, &e) < 0 || fileio_save_data(path, buf_cstr(&b), b.len, &e) < 0)
		fprintf(stderr, "audit-bench: %s: %s\n", path, e.msg);
	else
		rc = 0;
	buf_free(&b);
	return rc;
}

static int
arg_int(const char *s, int min)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end != '\0' || v < min || v > 1000000) {
		fprintf(stderr, "audit-bench: \"%s\" is not a number >= %d\n", s, min);
		exit(2);
	}
	return (int)v;
}

int
main(int argc, char **argv)
{
	struct snapshot *s;
	struct config_audit cfg;
	struct edge_set *set;
	struct err e;
	struct rusage ru;
	double t0, t1;
	size_t np = 0, indirect = 0, caveats = 0;

	if (argc == 6 && strcmp(argv[1], "gen") == 0) {
		struct sg_params gp = { 1, arg_int(argv[2], 1), arg_int(argv[3], 0),
		    arg_int(argv[4], 1), arg_int(argv[5], 0), true };

		s = sg_generate(&gp);
	} else if (argc == 1) {
		s = build();
	} else {
		fprintf(stderr, "usage: audit-bench [gen ACCOUNTS USERS ROLES ADMIN_PCT]\n");
		return 2;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.auto_privileged = true;
	cfg.max_depth = 3;
	cfg.max_alternatives = 3;
	for (size_t i = 0; i < s->naccounts; i++)
		np += s->accounts[i].iam.nusers + s->accounts[i].iam.nroles;
	t0 = cpu_now();
	set = audit_snapshot(s, &cfg, &e);
	t1 = cpu_now();
	if (set == NULL) {
		fprintf(stderr, "audit-bench: %s\n", e.msg);
		snapshot_free(s);
		return 1;
	}
	for (size_t i = 0; i < set->nedges; i++) {
		indirect += set->edges[i].npath > 0;
		caveats += set->edges[i].ncaveats;
	}
	getrusage(RUSAGE_SELF, &ru);
	if (getenv("AUDIT_BENCH_EDGES") != NULL && write_edges(set, getenv("AUDIT_BENCH_EDGES")) < 0) {
		edge_set_free(set);
		snapshot_free(s);
		return 1;
	}
	printf("audit_principals: %zu\n", np);
	printf("audit_privileged: %zu\n", set->nprivileged);
	printf("audit_edges: %zu\n", set->nedges);
	printf("audit_edges_indirect: %zu\n", indirect);
	printf("audit_caveats: %zu\n", caveats);
	printf("audit_cpu_s: %.3f\n", t1 - t0);
	printf("audit_peak_rss_mib: %.1f\n", (double)ru.ru_maxrss / 1024.0);
	edge_set_free(set);
	/* What --list-privileged costs: the classification alone. */
	t0 = cpu_now();
	set = audit_privileged(s, &cfg, &e);
	t1 = cpu_now();
	if (set == NULL) {
		fprintf(stderr, "audit-bench: %s\n", e.msg);
		snapshot_free(s);
		return 1;
	}
	printf("list_privileged_cpu_s: %.3f\n", t1 - t0);
	edge_set_free(set);
	snapshot_free(s);
	return 0;
}
