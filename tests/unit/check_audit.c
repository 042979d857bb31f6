/*
 * The audit on snapshots built in memory: the seed stories of issue 6,
 * conditional and no-service edges, incomplete accounts, unknown
 * organizations, transitive paths and their depth limit, privileged
 * classification and exclusions, explanations, and the man page against
 * privesc.def.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include <stdint.h>

#include "audit/audit.h"
#include "audit/audit_int.h"
#include "audit/privileged.h"
#include "audit/sinks.h"
#include "snapbuild.h"
#include "checkmain.h"

#define A1 "111111111111"
#define ARN(acct, what) "arn:aws:iam::" acct ":" what

static const char doc_admin[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
    "\"Resource\":\"*\"}]}";
static const char doc_pass_all[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"PassAll\",\"Effect\":\"Allow\","
    "\"Action\":\"iam:PassRole\",\"Resource\":\"*\"}]}";

static char trust_buf[8][512];

static const char *
trust(int slot, const char *svc)
{
	return sb_trust_services(trust_buf[slot], sizeof(trust_buf[slot]), svc, (char *)NULL);
}

static const char *
trust_account(int slot, const char *acct)
{
	snprintf(trust_buf[slot], sizeof(trust_buf[slot]), "{\"Version\":\"2012-10-17\","
	    "\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::%s:root\"},"
	    "\"Action\":\"sts:AssumeRole\"}]}", acct);
	return trust_buf[slot];
}

static const char *
pass_one(char *buf, size_t cap, const char *sid, const char *role_arn)
{
	snprintf(buf, cap, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"%s\","
	    "\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"%s\"}]}", sid,
	    role_arn);
	return buf;
}

/* An identity policy that allows the first action set of sinks.def for
 * service svc, on every resource: with a PassRole to svc, a usable edge. */
static const char *
use_doc(char *buf, size_t cap, const char *svc)
{
	char acts[SINK_MAX_ACTIONS][128];
	size_t o, n = 0;

	for (size_t k = 0; k < sink_count() && n == 0; k++)
		if (strcmp(sink_get(k)->trust, svc) == 0)
			n = sink_actions(sink_get(k), acts, sizeof(acts[0]));
	ck_assert_msg(n > 0, "no action set for %s", svc);
	o = (size_t)snprintf(buf, cap, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":"
	    "\"Use\",\"Effect\":\"Allow\",\"Action\":[");
	for (size_t i = 0; i < n && o < cap; i++)
		o += (size_t)snprintf(buf + o, cap - o, "%s\"%s\"", i > 0 ? "," : "", acts[i]);
	if (o < cap)
		snprintf(buf + o, cap - o, "],\"Resource\":\"*\"}]}");
	return buf;
}

/* A config with nothing listed. */
static struct config_audit
cfg_plain(void)
{
	struct config_audit c;

	memset(&c, 0, sizeof(c));
	c.auto_privileged = true;
	c.max_depth = 3;
	c.max_alternatives = 3;
	return c;
}

static char *one_item[8];

static struct confschema_strlist
list1(int slot, const char *s)
{
	struct confschema_strlist l;

	one_item[slot] = (char *)s;
	l.items = &one_item[slot];
	l.n = 1;
	return l;
}

static struct edge_set *
run(const struct snapshot *s, const struct config_audit *c)
{
	struct err e = { "" };
	struct edge_set *set = audit_snapshot(s, c, &e);

	ck_assert_msg(set != NULL, "audit_snapshot: %s", e.msg);
	return set;
}

static const struct edge_privileged *
priv_of(const struct edge_set *set, const char *arn)
{
	for (size_t i = 0; i < set->nprivileged; i++)
		if (strcmp(set->privileged[i].role_arn, arn) == 0)
			return &set->privileged[i];
	return NULL;
}

static bool
has_reason(const struct edge_privileged *p, const char *r)
{
	for (size_t i = 0; p != NULL && i < p->nreasons; i++)
		if (strcmp(p->reasons[i], r) == 0)
			return true;
	return false;
}

static char *
explain(const struct snapshot *s, const struct config_audit *c, const char *p, const char *r,
    const char *svc, bool json, int want_rc, struct err *e)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc;

	ck_assert_ptr_nonnull(f);
	rc = audit_explain(s, c, p, r, svc, json, f, e);
	fclose(f);
	ck_assert_msg(rc == want_rc, "audit_explain rc %d (%s)", rc, e->msg);
	return text;
}

/* Seed: the developer role's PassRole is denied by an org-wide managed
 * policy, yet the CloudFormation service role can still pass the agent
 * role. */
START_TEST(test_seed_cfn_service_role)
{
	struct snapshot *s = sb_new();
	struct snap_account *a;
	struct snap_role *r;
	struct config_audit c = cfg_plain();
	struct edge_set *set;
	const struct edge *ed;
	const char *dev, *guard;
	char buf[512];

	sb_org(s, "o-1", "r-1", "999999999999");
	a = sb_account(s, A1, "r-1");
	dev = sb_policy(a, "DevAccess", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":"
	    "\"Dev\",\"Effect\":\"Allow\",\"Action\":[\"iam:PassRole\",\"cloudformation:*\"],"
	    "\"Resource\":\"*\"}]}", false);
	guard = sb_policy(a, "OrgGuardrails", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":"
	    "\"NoPassRole\",\"Effect\":\"Deny\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\"}]}",
	    false);
	r = sb_role(a, "Developer", NULL, trust_account(0, A1));
	sb_role_attach(r, dev);
	sb_role_attach(r, guard);
	r = sb_role(a, "CfnServiceRole", NULL, trust(1, "cloudformation.amazonaws.com"));
	sb_role_inline(r, "CfnPass", pass_one(buf, sizeof(buf), "PassAgent",
	    ARN(A1, "role/AgentRole")));
	sb_role(a, "AgentRole", NULL, trust(2, "bedrock.amazonaws.com"));
	c.privileged_roles = list1(0, "AgentRole");
	set = run(s, &c);

	ck_assert_uint_eq(set->nprivileged, 1);
	ck_assert_str_eq(set->privileged[0].role_arn, ARN(A1, "role/AgentRole"));
	ck_assert_uint_eq(set->privileged[0].nreasons, 1);
	ck_assert_str_eq(set->privileged[0].reasons[0], "config: name AgentRole");
	/* Issue 13, point 2: the Developer cannot pass, but its
	 * cloudformation:* reaches the service role through a stack that
	 * already runs with it (UpdateStack): possible, as the snapshot shows
	 * no stack, so the hop is conditional; the edge is not usable, as the
	 * service role holds no bedrock:CreateAgent. */
	ed = edge_set_find(set, ARN(A1, "role/Developer"), ARN(A1, "role/AgentRole"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_uint_eq(ed->npath, 1);
	ck_assert_str_eq(ed->path[0].kind, "update");
	ck_assert_str_eq(ed->path[0].arn, ARN(A1, "role/CfnServiceRole"));
	ck_assert_str_eq(ed->path[0].via_service, "cloudformation.amazonaws.com");
	ck_assert_int_eq(ed->usable, EDGE_USABLE_NO);
	ck_assert_str_eq(ed->reason, "may act as role CfnServiceRole through an existing resource "
	    "of cloudformation.amazonaws.com that runs with it, which the snapshot does not show "
	    "(cloudformation:UpdateStack allowed); as CfnServiceRole: allowed by CfnPass (inline "
	    "policy of role CfnServiceRole, Sid PassAgent)");
	ed = edge_set_find(set, ARN(A1, "role/CfnServiceRole"), ARN(A1, "role/AgentRole"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_str_eq(ed->principal_type, "role");
	ck_assert_str_eq(ed->account, A1);
	ck_assert_uint_eq(ed->nservices, 1);
	ck_assert_str_eq(ed->services[0], "bedrock.amazonaws.com");
	ck_assert(!ed->no_service && !ed->conditional && ed->conditions == NULL);
	ck_assert_uint_eq(ed->npath, 0);
	ck_assert_str_eq(ed->reason, "allowed by CfnPass (inline policy of role CfnServiceRole, "
	    "Sid PassAgent)");
	ck_assert_uint_eq(set->nedges, 2);
	edge_set_free(set);

	{
		struct err e = { "" };
		char *t = explain(s, &c, "Developer", "AgentRole", NULL, false, 0, &e);

		ck_assert_msg(strstr(t, "User: arn:aws:sts::111111111111:assumed-role/Developer/SESSION is not "
		    "authorized to perform: iam:PassRole on resource: arn:aws:iam::111111111111:"
		    "role/AgentRole with an explicit deny in an identity-based policy") != NULL, "%s", t);
		ck_assert_msg(strstr(t, "Deny  by policy \"OrgGuardrails\" (managed policy "
		    "arn:aws:iam::111111111111:policy/OrgGuardrails attached to role Developer) "
		    "statement NoPassRole") != NULL, "%s", t);
		free(t);
	}
	snapshot_free(s);
}
END_TEST

/* Passing a role to Bedrock is no path to that role's own edges: Bedrock
 * uses an agent's service role only for its own calls (models, the action
 * groups' schemas in S3, knowledge bases, guardrails), never for calls the
 * caller chooses. The same role passed to Lambda, whose code the caller
 * writes, is a path. (The demo's CloudFormationServiceRole inherited
 * BedrockAgentRole's edges through Bedrock.) */
START_TEST(test_bedrock_does_not_act)
{
	struct snapshot *s = sb_new();
	struct snap_account *a = sb_account(s, A1, NULL);
	struct snap_role *r;
	struct config_audit c = cfg_plain();
	struct edge_set *set;
	const struct edge *ed;
	const char *admin = sb_policy(a, "AdministratorAccess", doc_admin, true);
	char buf[512];

	r = sb_role(a, "AdminRole", NULL, trust(0, "ec2.amazonaws.com"));
	sb_role_attach(r, admin);
	r = sb_role(a, "AgentRole", NULL, trust(1, "bedrock.amazonaws.com"));
	sb_role_inline(r, "AgentTools", doc_pass_all);
	r = sb_role(a, "FunctionRole", NULL, trust(2, "lambda.amazonaws.com"));
	sb_role_inline(r, "Tools", doc_pass_all);
	r = sb_role(a, "CfnServiceRole", NULL, trust(3, "cloudformation.amazonaws.com"));
	sb_role_inline(r, "CfnPass", pass_one(buf, sizeof(buf), "PassAgent",
	    ARN(A1, "role/AgentRole")));
	r = sb_role(a, "Deployer", NULL, trust(4, "cloudformation.amazonaws.com"));
	sb_role_inline(r, "Pass", pass_one(buf, sizeof(buf), "PassFunction",
	    ARN(A1, "role/FunctionRole")));
	sb_role_inline(r, "Use", use_doc(buf, sizeof(buf), "lambda.amazonaws.com"));
	set = run(s, &c);
	ck_assert_ptr_nonnull(edge_set_find(set, ARN(A1, "role/CfnServiceRole"),
	    ARN(A1, "role/AgentRole")));
	ck_assert_ptr_null(edge_set_find(set, ARN(A1, "role/CfnServiceRole"),
	    ARN(A1, "role/AdminRole")));
	ed = edge_set_find(set, ARN(A1, "role/Deployer"), ARN(A1, "role/AdminRole"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_uint_eq(ed->npath, 1);
	ck_assert_str_eq(ed->path[0].via_service, "lambda.amazonaws.com");
	edge_set_free(set);
	snapshot_free(s);
}
END_TEST

/* EventBridge Scheduler's universal targets and Systems Manager Automation
 * runbooks call what the caller chooses with the passed role, Bedrock
 * AgentCore's code interpreters and App Runner's instances run the
 * caller's code with it: passing a role to them is a transitive path. An
 * EventBridge rule, or App Runner's access role (it only pulls images), is
 * not. */
START_TEST(test_scheduler_and_ssm_act)
{
	static const char *const via[] = { "scheduler.amazonaws.com", "ssm.amazonaws.com",
	    "bedrock-agentcore.amazonaws.com", "tasks.apprunner.amazonaws.com",
	    "events.amazonaws.com", "build.apprunner.amazonaws.com" };
	char buf[512];

	for (size_t i = 0; i < sizeof(via) / sizeof(via[0]); i++) {
		struct snapshot *s = sb_new();
		struct snap_account *a = sb_account(s, A1, NULL);
		struct snap_role *r;
		struct config_audit c = cfg_plain();
		struct edge_set *set;
		const struct edge *ed;
		const char *admin = sb_policy(a, "AdministratorAccess", doc_admin, true);

		r = sb_role(a, "AdminRole", NULL, trust(0, "ec2.amazonaws.com"));
		sb_role_attach(r, admin);
		r = sb_role(a, "Carrier", NULL, trust(1, via[i]));
		sb_role_inline(r, "Tools", doc_pass_all);
		r = sb_role(a, "Ops", NULL, trust(2, "cloudformation.amazonaws.com"));
		sb_role_inline(r, "Pass", pass_one(buf, sizeof(buf), "PassCarrier",
		    ARN(A1, "role/Carrier")));
		sb_role_inline(r, "Use", use_doc(buf, sizeof(buf), via[i]));
		set = run(s, &c);
		ed = edge_set_find(set, ARN(A1, "role/Ops"), ARN(A1, "role/AdminRole"));
		if (i < 4) {
			ck_assert_msg(ed != NULL, "no path through %s", via[i]);
			ck_assert_uint_eq(ed->npath, 1);
			ck_assert_str_eq(ed->path[0].via_service, via[i]);
		} else {
			ck_assert_msg(ed == NULL, "a path through %s", via[i]);
		}
		edge_set_free(set);
		snapshot_free(s);
	}
}
END_TEST

/* App Runner: an instance role trusts tasks.apprunner.amazonaws.com, but
 * the PassRole check of apprunner:CreateService carries
 * iam:PassedToService apprunner.amazonaws.com (sinks.def). A grant scoped
 * to that value reaches the role; one scoped to the trust principal does
 * not, as in AWS. */
START_TEST(test_apprunner_passed_to)
{
	static const char *const scope[] = { "apprunner.amazonaws.com",
	    "tasks.apprunner.amazonaws.com" };

	for (size_t i = 0; i < 2; i++) {
		struct snapshot *s = sb_new();
		struct snap_account *a = sb_account(s, A1, NULL);
		struct snap_role *r;
		struct snap_user *u;
		struct config_audit c = cfg_plain();
		struct edge_set *set;
		const struct edge *ed;
		const char *admin = sb_policy(a, "AdministratorAccess", doc_admin, true);
		char doc[1024];
		struct err e = { "" };
		char *t;

		r = sb_role(a, "AppInstance", NULL, trust(0, "tasks.apprunner.amazonaws.com"));
		sb_role_attach(r, admin);
		u = sb_user(a, "web");
		/* The condition goes on the PassRole alone: the CreateService
		 * request carries no iam:PassedToService. */
		snprintf(doc, sizeof(doc), "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":"
		    "\"Run\",\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\","
		    "\"Resource\":\"*\",\"Condition\":{\"StringEquals\":"
		    "{\"iam:PassedToService\":\"%s\"}}},{\"Effect\":\"Allow\",\"Action\":"
		    "\"apprunner:CreateService\",\"Resource\":\"*\"}]}", scope[i]);
		sb_user_inline(u, "Run", doc);
		set = run(s, &c);
		ed = edge_set_find(set, ARN(A1, "user/web"), ARN(A1, "role/AppInstance"));
		ck_assert_ptr_nonnull(ed);
		if (i == 0) {
			ck_assert_uint_eq(ed->nservices, 1);
			ck_assert_str_eq(ed->services[0], "tasks.apprunner.amazonaws.com");
			ck_assert(!ed->no_service && !ed->conditional);
			ck_assert_int_eq(ed->usable, EDGE_USABLE_YES);
			ck_assert_str_eq(ed->uses[0].actions, "apprunner:CreateService");
		} else {
			ck_assert_uint_eq(ed->nservices, 0);
			ck_assert(ed->no_service);
			ck_assert_int_eq(ed->usable, EDGE_USABLE_NO);
		}
		edge_set_free(set);
		t = explain(s, &c, "web", "AppInstance", "apprunner.amazonaws.com", false, 0, &e);
		ck_assert_msg((strstr(t, "useful toward services: tasks.apprunner.amazonaws.com") != NULL) == (i == 0),
		    "%s", t);
		free(t);
		snapshot_free(s);
	}
}
END_TEST

/* Issue 13, point 1: an edge says whether the principal can make a
 * service act with the role. PassRole alone is unusable; the service's
 * actions through a group make it usable; an SCP that denies one of them
 * makes it unusable again; a condition on them makes it conditional. The
 * actions are asked on a resource the caller chooses: a grant on some
 * functions is enough, a deny on some of them is not. */
START_TEST(test_usable_edges)
{
	struct snapshot *s = sb_new();
	struct snap_account *a;
	struct snap_role *r;
	struct snap_user *u;
	struct snap_group *g;
	struct config_audit c = cfg_plain();
	struct edge_set *set;
	const struct edge *ed;
	const char *admin;
	char buf[1024];
	struct err e = { "" };
	char *t;

	sb_org(s, "o-1", "r-1", "999999999999");
	a = sb_account(s, A1, "r-1");
	admin = sb_policy(a, "AdministratorAccess", doc_admin, true);
	r = sb_role(a, "Admin", NULL, trust(0, "lambda.amazonaws.com"));
	sb_role_attach(r, admin);
	/* PassRole without lambda:CreateFunction */
	u = sb_user(a, "passonly");
	sb_user_inline(u, "P", doc_pass_all);
	/* the lambda actions through a group */
	g = sb_group(a, "Builders");
	sb_group_inline(g, "Fn", use_doc(buf, sizeof(buf), "lambda.amazonaws.com"));
	u = sb_user(a, "grouped");
	sb_user_inline(u, "P", doc_pass_all);
	sb_user_group(u, "Builders");
	/* the same, but an SCP on this user's path denies CreateFunction:
	 * a second account under its own SCP */
	u = sb_user(a, "named");
	sb_user_inline(u, "P", doc_pass_all);
	sb_user_inline(u, "Fn", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
	    "\"Action\":[\"lambda:CreateFunction\",\"lambda:InvokeFunction\"],\"Resource\":"
	    "\"arn:aws:lambda:eu-west-1:111111111111:function:app-*\"},{\"Effect\":\"Deny\","
	    "\"Action\":\"lambda:*\",\"Resource\":\"arn:aws:lambda:*:*:function:prod-*\"}]}");
	u = sb_user(a, "regional");
	sb_user_inline(u, "P", doc_pass_all);
	sb_user_inline(u, "Fn", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"InEu\","
	    "\"Effect\":\"Allow\",\"Action\":[\"lambda:CreateFunction\",\"lambda:InvokeFunction\"],"
	    "\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:RequestedRegion\":"
	    "\"eu-west-1\"}}}]}");
	{
		struct snap_account *b = sb_account(s, "222222222222", "r-1");
		const char *adm2 = sb_policy(b, "AdministratorAccess", doc_admin, true);
		struct snap_group *g2;

		r = sb_role(b, "Admin", NULL, trust(1, "lambda.amazonaws.com"));
		sb_role_attach(r, adm2);
		g2 = sb_group(b, "Builders");
		sb_group_inline(g2, "Fn", use_doc(buf, sizeof(buf), "lambda.amazonaws.com"));
		u = sb_user(b, "denied");
		sb_user_inline(u, "P", doc_pass_all);
		sb_user_group(u, "Builders");
		sb_org_policy(s, SNAP_SCP, "p-nolambda", "NoNewFunctions", "{\"Version\":"
		    "\"2012-10-17\",\"Statement\":[{\"Sid\":\"NoCreate\",\"Effect\":\"Deny\","
		    "\"Action\":\"lambda:CreateFunction\",\"Resource\":\"*\"}]}", "222222222222",
		    (char *)NULL);
	}
	set = run(s, &c);

	ed = edge_set_find(set, ARN(A1, "user/passonly"), ARN(A1, "role/Admin"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_int_eq(ed->usable, EDGE_USABLE_NO);
	ck_assert_uint_eq(ed->nuses, 1);
	ck_assert_str_eq(ed->uses[0].service, "lambda.amazonaws.com");
	ck_assert_int_eq(ed->uses[0].usable, EDGE_USABLE_NO);
	ck_assert_str_eq(ed->uses[0].actions, "lambda:CreateFunction lambda:InvokeFunction");
	ck_assert_str_eq(ed->uses[0].refused, "lambda:CreateFunction lambda:InvokeFunction");

	ed = edge_set_find(set, ARN(A1, "user/grouped"), ARN(A1, "role/Admin"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_int_eq(ed->usable, EDGE_USABLE_YES);
	ck_assert_str_eq(ed->uses[0].actions, "lambda:CreateFunction lambda:InvokeFunction");
	ck_assert_ptr_null(ed->uses[0].refused);

	ed = edge_set_find(set, ARN("222222222222", "user/denied"), ARN("222222222222", "role/Admin"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_int_eq(ed->usable, EDGE_USABLE_NO);
	ck_assert_str_eq(ed->uses[0].refused, "lambda:CreateFunction");

	ed = edge_set_find(set, ARN(A1, "user/named"), ARN(A1, "role/Admin"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_int_eq(ed->usable, EDGE_USABLE_YES);

	ed = edge_set_find(set, ARN(A1, "user/regional"), ARN(A1, "role/Admin"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_int_eq(ed->usable, EDGE_USABLE_CONDITIONAL);
	ck_assert_int_eq(ed->uses[0].usable, EDGE_USABLE_CONDITIONAL);
	edge_set_free(set);

	t = explain(s, &c, "passonly", ARN(A1, "role/Admin"), NULL, false, 0, &e);
	ck_assert_msg(strstr(t, "usable for lambda.amazonaws.com: no\n"
	    "  with lambda:CreateFunction + lambda:InvokeFunction: no\n"
	    "    lambda:CreateFunction: denied: User: arn:aws:iam::111111111111:user/passonly is "
	    "not authorized to perform: lambda:CreateFunction on resource: "
	    "arn:aws:lambda:*:111111111111:function:* because no identity-based policy allows "
	    "the lambda:CreateFunction action\n") != NULL, "%s", t);
	ck_assert_msg(strstr(t, "edge: direct; allowed by P (inline policy of user passonly, "
	    "Sid PassAll)\n  usable: no (lambda.amazonaws.com no, refused lambda:CreateFunction "
	    "lambda:InvokeFunction)\n") != NULL, "%s", t);
	free(t);
	t = explain(s, &c, "grouped", ARN(A1, "role/Admin"), NULL, false, 0, &e);
	ck_assert_msg(strstr(t, "usable for lambda.amazonaws.com: yes\n"
	    "  with lambda:CreateFunction + lambda:InvokeFunction: yes\n"
	    "    lambda:CreateFunction: allowed\n    lambda:InvokeFunction: allowed\n") != NULL,
	    "%s", t);
	ck_assert_msg(strstr(t, "  usable: yes (lambda.amazonaws.com yes with "
	    "lambda:CreateFunction lambda:InvokeFunction)\n") != NULL, "%s", t);
	free(t);
	t = explain(s, &c, "denied", ARN("222222222222", "role/Admin"), NULL, false, 0, &e);
	ck_assert_msg(strstr(t, "    lambda:CreateFunction: denied: User: arn:aws:iam::"
	    "222222222222:user/denied is not authorized to perform: lambda:CreateFunction on "
	    "resource: arn:aws:lambda:*:222222222222:function:* with an explicit deny in a "
	    "service control policy\n") != NULL, "%s", t);
	free(t);
	t = explain(s, &c, "regional", ARN(A1, "role/Admin"), NULL, false, 0, &e);
	ck_assert_msg(strstr(t, "    lambda:CreateFunction: conditional when aws:RequestedRegion "
	    "in {eu-west-1}\n") != NULL, "%s", t);
	free(t);
	snapshot_free(s);
}
END_TEST

/* Issue 13, point 2 of the gaps: a principal that may pass Admin only to a
 * service Admin does not trust gets the direct edge "no service can use
 * it"; its two-hop path (pass FnRole to Lambda, whose code passes Admin to
 * CodeBuild) is usable and is the edge, with the direct one kept as an
 * alternative, and the VPC endpoint caveat of the first hop on it. */
START_TEST(test_hidden_two_hop)
{
	struct snapshot *s = sb_new();
	struct snap_account *a = sb_account(s, A1, NULL);
	struct snap_role *r;
	struct snap_user *u;
	struct config_audit c = cfg_plain();
	struct edge_set *set;
	const struct edge *ed;
	const char *admin = sb_policy(a, "AdministratorAccess", doc_admin, true);
	char buf[1024];
	struct err e = { "" };
	char *t;

	r = sb_role(a, "Admin", NULL, trust(0, "codebuild.amazonaws.com"));
	sb_role_attach(r, admin);
	r = sb_role(a, "FnRole", NULL, trust(1, "lambda.amazonaws.com"));
	sb_role_inline(r, "Pass", pass_one(buf, sizeof(buf), "PassAdmin", ARN(A1, "role/Admin")));
	sb_role_inline(r, "Use", use_doc(buf, sizeof(buf), "codebuild.amazonaws.com"));
	u = sb_user(a, "dev");
	sb_user_inline(u, "ToLambda", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":"
	    "\"PassToLambda\",\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\","
	    "\"Condition\":{\"StringEquals\":{\"iam:PassedToService\":\"lambda.amazonaws.com\"}}}]}");
	sb_user_inline(u, "Use", use_doc(buf, sizeof(buf), "lambda.amazonaws.com"));
	sb_endpoint(a, "eu-west-1", "vpce-0lambda", "lambda", "{\"Version\":\"2012-10-17\","
	    "\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\","
	    "\"Resource\":\"*\"},{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":"
	    "\"iam:PassRole\",\"Resource\":\"*\"}]}");
	set = run(s, &c);
	ed = edge_set_find(set, ARN(A1, "user/dev"), ARN(A1, "role/Admin"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_uint_eq(ed->npath, 1);
	ck_assert_str_eq(ed->path[0].kind, "pass");
	ck_assert_str_eq(ed->path[0].arn, ARN(A1, "role/FnRole"));
	ck_assert_str_eq(ed->path[0].via_service, "lambda.amazonaws.com");
	ck_assert_int_eq(ed->usable, EDGE_USABLE_YES);
	ck_assert_uint_eq(ed->nservices, 1);
	ck_assert_str_eq(ed->services[0], "codebuild.amazonaws.com");
	ck_assert_str_eq(ed->uses[0].actions, "codebuild:CreateProject codebuild:StartBuild");
	ck_assert_uint_eq(ed->nalts, 1);
	ck_assert_uint_eq(ed->alts[0].npath, 0);
	ck_assert_int_eq(ed->alts[0].usable, EDGE_USABLE_NO);
	/* the caveat of the first hop (dev passing FnRole to Lambda through
	 * vpce-0lambda) */
	ck_assert_uint_eq(ed->ncaveats, 1);
	ck_assert_str_eq(ed->caveats[0].endpoint_id, "vpce-0lambda");
	ck_assert_msg(strstr(ed->caveats[0].message, "role/FnRole") != NULL, "%s",
	    ed->caveats[0].message);
	/* FnRole's own edge is usable (CodeBuild actions) */
	ed = edge_set_find(set, ARN(A1, "role/FnRole"), ARN(A1, "role/Admin"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_int_eq(ed->usable, EDGE_USABLE_YES);
	edge_set_free(set);

	t = explain(s, &c, "dev", "Admin", NULL, false, 0, &e);
	ck_assert_msg(strstr(t, "no service can use it: the role's trust policy trusts no service "
	    "this pass may go to\n") != NULL, "%s", t);
	ck_assert_msg(strstr(t, "indirect path: pass arn:aws:iam::111111111111:role/FnRole via "
	    "lambda.amazonaws.com\n") != NULL, "%s", t);
	ck_assert_msg(strstr(t, "  usable: yes (codebuild.amazonaws.com yes with "
	    "codebuild:CreateProject codebuild:StartBuild)\n  other path: direct (usable: no)\n")
	    != NULL, "%s", t);
	free(t);

	/* Without the Lambda actions the pass hop is no hop: only the
	 * unusable direct edge is left. */
	u = sb_user(a, "dev2");
	sb_user_inline(u, "ToLambda", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":"
	    "\"PassToLambda\",\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\","
	    "\"Condition\":{\"StringEquals\":{\"iam:PassedToService\":\"lambda.amazonaws.com\"}}}]}");
	sb_user_inline(u, "Use", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Action\":\"lambda:CreateFunction\",\"Resource\":\"*\"}]}");
	set = run(s, &c);
	ed = edge_set_find(set, ARN(A1, "user/dev2"), ARN(A1, "role/Admin"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_uint_eq(ed->npath, 0);
	ck_assert(ed->no_service);
	ck_assert_int_eq(ed->usable, EDGE_USABLE_NO);
	edge_set_free(set);
	snapshot_free(s);
}
END_TEST

/* Bedrock AgentCore both ways: the code interpreter's three actions make
 * the edge usable, CreateCodeInterpreter alone does not. */
START_TEST(test_agentcore_usable)
{
	struct snapshot *s = sb_new();
	struct snap_account *a = sb_account(s, A1, NULL);
	struct snap_role *r;
	struct snap_user *u;
	struct config_audit c = cfg_plain();
	struct edge_set *set;
	const struct edge *ed;
	const char *admin = sb_policy(a, "AdministratorAccess", doc_admin, true);
	char buf[1024];

	r = sb_role(a, "Interp", NULL, trust(0, "bedrock-agentcore.amazonaws.com"));
	sb_role_attach(r, admin);
	u = sb_user(a, "full");
	sb_user_inline(u, "P", doc_pass_all);
	sb_user_inline(u, "U", use_doc(buf, sizeof(buf), "bedrock-agentcore.amazonaws.com"));
	u = sb_user(a, "create");
	sb_user_inline(u, "P", doc_pass_all);
	sb_user_inline(u, "U", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
	    "\"Action\":\"bedrock-agentcore:CreateCodeInterpreter\",\"Resource\":\"*\"}]}");
	set = run(s, &c);
	ed = edge_set_find(set, ARN(A1, "user/full"), ARN(A1, "role/Interp"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_int_eq(ed->usable, EDGE_USABLE_YES);
	ck_assert_str_eq(ed->uses[0].service, "bedrock-agentcore.amazonaws.com");
	ed = edge_set_find(set, ARN(A1, "user/create"), ARN(A1, "role/Interp"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_int_eq(ed->usable, EDGE_USABLE_NO);
	ck_assert_str_eq(ed->uses[0].refused, "bedrock-agentcore:StartCodeInterpreterSession "
	    "bedrock-agentcore:InvokeCodeInterpreter");
	edge_set_free(set);
	snapshot_free(s);
}
END_TEST

/* Issue 13, point 5: conditions are printed simplified (no "not (k not in
 * {...})") and once, not once per hop: an SCP that limits every action to
 * one region is the same constraint on the assume hop and on the pass. */
START_TEST(test_conditions_said_once)
{
	struct snapshot *s = sb_new();
	struct snap_account *a;
	struct snap_role *r;
	struct snap_user *u;
	struct config_audit c = cfg_plain();
	struct edge_set *set;
	const struct edge *ed;
	const char *admin;
	char buf[512];

	sb_org(s, "o-1", "r-1", "999999999999");
	sb_org_policy(s, SNAP_SCP, "p-region", "OnlyEu", "{\"Version\":\"2012-10-17\","
	    "\"Statement\":[{\"Sid\":\"Eu\",\"Effect\":\"Deny\",\"Action\":\"*\","
	    "\"Resource\":\"*\",\"Condition\":{\"StringNotEquals\":{\"aws:RequestedRegion\":"
	    "\"eu-west-1\"}}}]}", A1, (char *)NULL);
	a = sb_account(s, A1, "r-1");
	admin = sb_policy(a, "AdministratorAccess", doc_admin, true);
	r = sb_role(a, "Admin", NULL, trust(0, "ec2.amazonaws.com"));
	sb_role_attach(r, admin);
	r = sb_role(a, "Deployer", NULL, trust_account(1, A1));
	sb_role_inline(r, "D", pass_one(buf, sizeof(buf), "PassAdmin", ARN(A1, "role/Admin")));
	u = sb_user(a, "alice");
	sb_user_inline(u, "A", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Action\":\"sts:AssumeRole\",\"Resource\":"
	    "\"arn:aws:iam::111111111111:role/Deployer\"}]}");
	set = run(s, &c);
	ed = edge_set_find(set, ARN(A1, "role/Deployer"), ARN(A1, "role/Admin"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_str_eq(ed->conditions, "aws:RequestedRegion in {eu-west-1}");
	ed = edge_set_find(set, ARN(A1, "user/alice"), ARN(A1, "role/Admin"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_uint_eq(ed->npath, 1);
	ck_assert_str_eq(ed->conditions, "aws:RequestedRegion in {eu-west-1}");
	/* Passing oneself is no edge, and --explain says why. */
	ck_assert_ptr_null(edge_set_find(set, ARN(A1, "role/Admin"), ARN(A1, "role/Admin")));
	edge_set_free(set);
	{
		struct err e = { "" };
		char *t = explain(s, &c, "Admin", "Admin", NULL, false, 0, &e);

		ck_assert_msg(strstr(t, "no edge: a role that passes itself lets a service act "
		    "with the permissions it already has; the audit skips the pair\n") != NULL,
		    "%s", t);
		free(t);
	}
	snapshot_free(s);
}
END_TEST

/* Issue 13, point 2: a principal that can change a resource already
 * running with a role reaches that role without any PassRole: new code for
 * a function (lambda:UpdateFunctionCode), a command to an instance
 * (ssm:SendCommand, only for a role in an instance profile: no instance
 * can run with one that is in none). The snapshot does not show the
 * function or the instance: the hop is possible, so conditional. */
START_TEST(test_existing_resource_hops)
{
	struct snapshot *s = sb_new();
	struct snap_account *a = sb_account(s, A1, NULL);
	struct snap_role *r;
	struct snap_user *u;
	struct config_audit c = cfg_plain();
	struct edge_set *set;
	const struct edge *ed;
	const char *admin = sb_policy(a, "AdministratorAccess", doc_admin, true);
	char buf[1024];
	struct err e = { "" };
	char *t;

	r = sb_role(a, "Admin", NULL, trust(0, "codebuild.amazonaws.com"));
	sb_role_attach(r, admin);
	r = sb_role(a, "FnRole", NULL, trust(1, "lambda.amazonaws.com"));
	sb_role_inline(r, "Pass", pass_one(buf, sizeof(buf), "PassAdmin", ARN(A1, "role/Admin")));
	sb_role_inline(r, "Use", use_doc(buf, sizeof(buf), "codebuild.amazonaws.com"));
	r = sb_role(a, "InstRole", NULL, trust(2, "ec2.amazonaws.com"));
	sb_role_inline(r, "Pass", pass_one(buf, sizeof(buf), "PassAdmin", ARN(A1, "role/Admin")));
	sb_role_inline(r, "Use", use_doc(buf, sizeof(buf), "codebuild.amazonaws.com"));
	u = sb_user(a, "coder");
	sb_user_inline(u, "Code", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Action\":\"lambda:UpdateFunctionCode\",\"Resource\":"
	    "\"arn:aws:lambda:eu-west-1:111111111111:function:orders-*\"}]}");
	u = sb_user(a, "operator");
	sb_user_inline(u, "Run", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Action\":\"ssm:SendCommand\",\"Resource\":\"*\"}]}");
	set = run(s, &c);
	ed = edge_set_find(set, ARN(A1, "user/coder"), ARN(A1, "role/Admin"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_uint_eq(ed->npath, 1);
	ck_assert_str_eq(ed->path[0].kind, "update");
	ck_assert_str_eq(ed->path[0].arn, ARN(A1, "role/FnRole"));
	ck_assert_str_eq(ed->path[0].via_service, "lambda.amazonaws.com");
	ck_assert_int_eq(ed->usable, EDGE_USABLE_CONDITIONAL);
	ck_assert_str_eq(ed->services[0], "codebuild.amazonaws.com");
	/* InstRole is in no instance profile: no command reaches it */
	ck_assert_ptr_null(edge_set_find(set, ARN(A1, "user/operator"), ARN(A1, "role/Admin")));
	edge_set_free(set);
	t = explain(s, &c, "coder", "Admin", NULL, false, 0, &e);
	ck_assert_msg(strstr(t, "indirect path: update arn:aws:iam::111111111111:role/FnRole via "
	    "lambda.amazonaws.com\n  may act as role FnRole through an existing resource of "
	    "lambda.amazonaws.com that runs with it, which the snapshot does not show "
	    "(lambda:UpdateFunctionCode allowed); as FnRole: ") != NULL, "%s", t);
	ck_assert_msg(strstr(t, "  usable: conditional") != NULL, "%s", t);
	free(t);

	/* In an instance profile, the instance may exist. */
	{
		struct snap_account *sa = sb_acct(s, A1);

		for (size_t i = 0; i < sa->iam.nroles; i++)
			if (strcmp(sa->iam.roles[i].name, "InstRole") == 0) {
				sa->iam.roles[i].instance_profiles = calloc(1, sizeof(char *));
				ck_assert_ptr_nonnull(sa->iam.roles[i].instance_profiles);
				sa->iam.roles[i].instance_profiles[0] =
				    strdup(ARN(A1, "instance-profile/Inst"));
				sa->iam.roles[i].ninstance_profiles = 1;
			}
	}
	set = run(s, &c);
	ed = edge_set_find(set, ARN(A1, "user/operator"), ARN(A1, "role/Admin"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_str_eq(ed->path[0].kind, "update");
	ck_assert_str_eq(ed->path[0].via_service, "ec2.amazonaws.com");
	ck_assert_int_eq(ed->usable, EDGE_USABLE_CONDITIONAL);
	edge_set_free(set);
	snapshot_free(s);
}
END_TEST

/* Seed: an admin-capable role that can be passed only to EC2. */
START_TEST(test_seed_admin_only_ec2)
{
	struct snapshot *s = sb_new();
	struct snap_account *a = sb_account(s, A1, NULL);
	struct snap_role *r;
	struct snap_user *u;
	struct config_audit c = cfg_plain();
	struct edge_set *set;
	const struct edge *ed;
	const struct edge_privileged *p;
	const char *admin = sb_policy(a, "AdministratorAccess", doc_admin, true);

	r = sb_role(a, "AdminRole", NULL, sb_trust_services(trust_buf[0], sizeof(trust_buf[0]),
	    "ec2.amazonaws.com", "lambda.amazonaws.com", (char *)NULL));
	sb_role_attach(r, admin);
	u = sb_user(a, "ops");
	sb_user_inline(u, "OpsPass", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":"
	    "\"ToEc2\",\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":"
	    "\"arn:aws:iam::111111111111:role/AdminRole\",\"Condition\":{\"StringEquals\":"
	    "{\"iam:PassedToService\":\"ec2.amazonaws.com\"}}}]}");
	set = run(s, &c);
	ed = edge_set_find(set, ARN(A1, "user/ops"), ARN(A1, "role/AdminRole"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_str_eq(ed->principal_type, "user");
	ck_assert_uint_eq(ed->nservices, 1);
	ck_assert_str_eq(ed->services[0], "ec2.amazonaws.com");
	ck_assert(!ed->conditional);
	ck_assert_ptr_null(ed->conditions);
	ck_assert_str_eq(ed->reason, "allowed by OpsPass (inline policy of user ops, Sid ToEc2) "
	    "when iam:PassedToService in {ec2.amazonaws.com}");
	p = priv_of(set, ARN(A1, "role/AdminRole"));
	ck_assert_ptr_nonnull(p);
	/* AdministratorAccess allows every entry of privesc.def. */
	ck_assert_uint_eq(p->nreasons, priv_entry_count());
	ck_assert_str_eq(p->reasons[0], "auto: allows * on *");
	ck_assert_str_eq(p->reasons[2], "auto: allows iam:PassRole on *");
	ck_assert_uint_eq(set->nprivileged, 1);
	ck_assert_uint_eq(set->nedges, 1);
	ck_assert_uint_eq(set->naccounts, 1);
	ck_assert(set->accounts[0].audited && !set->accounts[0].org_unknown);
	ck_assert_ptr_null(set->org_note);
	edge_set_free(set);
	snapshot_free(s);
}
END_TEST

/* Seed: a permissions boundary removes PassRole. */
START_TEST(test_seed_boundary)
{
	struct snapshot *s = sb_new();
	struct snap_account *a = sb_account(s, A1, NULL);
	struct snap_role *r;
	struct snap_user *u;
	struct config_audit c = cfg_plain();
	struct edge_set *set;
	const char *admin = sb_policy(a, "AdministratorAccess", doc_admin, true);
	const char *bnd = sb_policy(a, "DevBoundary", "{\"Version\":\"2012-10-17\",\"Statement\":"
	    "[{\"Sid\":\"Ec2S3\",\"Effect\":\"Allow\",\"Action\":[\"ec2:*\",\"s3:*\"],\"Resource\":"
	    "\"*\"}]}", false);
	struct err e = { "" };
	char *t;

	r = sb_role(a, "AdminRole", NULL, trust(0, "ec2.amazonaws.com"));
	sb_role_attach(r, admin);
	u = sb_user(a, "dev");
	sb_user_inline(u, "DevPass", doc_pass_all);
	sb_user_boundary(u, bnd);
	u = sb_user(a, "dev2");
	sb_user_inline(u, "DevPass", doc_pass_all);
	set = run(s, &c);
	ck_assert_ptr_null(edge_set_find(set, ARN(A1, "user/dev"), ARN(A1, "role/AdminRole")));
	ck_assert_ptr_nonnull(edge_set_find(set, ARN(A1, "user/dev2"), ARN(A1, "role/AdminRole")));
	ck_assert_uint_eq(set->nedges, 1);
	edge_set_free(set);
	t = explain(s, &c, ARN(A1, "user/dev"), "AdminRole", NULL, false, 0, &e);
	ck_assert_msg(strstr(t, "because no permissions boundary allows the iam:PassRole action")
	    != NULL, "%s", t);
	ck_assert_msg(strstr(t, "boundary (permissions boundary): no-allow") != NULL, "%s", t);
	free(t);
	snapshot_free(s);
}
END_TEST

/* A denied pass is useful toward no service, but not because of the role's
 * trust policy: the explanation must not blame it (the demo's Developer ->
 * AdminInstanceRole, denied by OrgBaseline, said "none the role trusts" of a
 * role that trusts EC2). A role that trusts no service still says so. */
START_TEST(test_explain_denied_services)
{
	struct snapshot *s = sb_new();
	struct snap_account *a = sb_account(s, A1, NULL);
	struct snap_role *r;
	struct snap_user *u;
	struct config_audit c = cfg_plain();
	const char *admin = sb_policy(a, "AdministratorAccess", doc_admin, true);
	struct err e = { "" };
	char *t;

	r = sb_role(a, "AdminRole", NULL, trust(0, "ec2.amazonaws.com"));
	sb_role_attach(r, admin);
	r = sb_role(a, "NoServiceRole", NULL, trust_account(1, A1));
	sb_role_attach(r, admin);
	u = sb_user(a, "dev");
	sb_user_inline(u, "DevPass", doc_pass_all);
	sb_user_inline(u, "NoPass", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":"
	    "\"NoPassRole\",\"Effect\":\"Deny\",\"Action\":\"iam:PassRole\",\"Resource\":"
	    "\"*\"}]}");
	u = sb_user(a, "ops");
	sb_user_inline(u, "OpsPass", doc_pass_all);
	t = explain(s, &c, ARN(A1, "user/dev"), "AdminRole", NULL, false, 0, &e);
	ck_assert_msg(strstr(t, "with an explicit deny in an identity-based policy") != NULL, "%s", t);
	ck_assert_msg(strstr(t, "none the role trusts") == NULL, "%s", t);
	ck_assert_msg(strstr(t, "useful toward services") == NULL, "%s", t);
	free(t);
	t = explain(s, &c, ARN(A1, "user/ops"), "NoServiceRole", NULL, false, 0, &e);
	ck_assert_msg(strstr(t, "decision: allowed") != NULL, "%s", t);
	ck_assert_msg(strstr(t, "useful toward services: (none the role trusts)") != NULL, "%s", t);
	free(t);
	t = explain(s, &c, ARN(A1, "user/ops"), "AdminRole", NULL, false, 0, &e);
	ck_assert_msg(strstr(t, "useful toward services: ec2.amazonaws.com\n") != NULL, "%s", t);
	free(t);
	snapshot_free(s);
}
END_TEST

/* Seed: an SCP denies PassRole below one OU only. */
START_TEST(test_seed_scp_ou)
{
	struct snapshot *s = sb_new();
	struct config_audit c = cfg_plain();
	struct edge_set *set;
	const char *ids[] = { "222222222222", "333333333333", "999999999999" };
	const struct edge *ed;
	struct err e = { "" };
	char *t;

	sb_org(s, "o-1", "r-1", "999999999999");
	sb_ou(s, "ou-sandbox", "Sandbox", "r-1");
	sb_ou(s, "ou-prod", "Prod", "r-1");
	sb_org_policy(s, SNAP_SCP, "p-nopass", "DenyPassRole", "{\"Version\":\"2012-10-17\","
	    "\"Statement\":[{\"Sid\":\"NoPass\",\"Effect\":\"Deny\",\"Action\":\"iam:PassRole\","
	    "\"Resource\":\"*\"}]}", "ou-sandbox", "999999999999", (char *)NULL);
	/* Prod: PassRole only in eu-west-1 (a key the audit cannot know). */
	sb_org_policy(s, SNAP_SCP, "p-region", "PassInEu", "{\"Version\":\"2012-10-17\","
	    "\"Statement\":[{\"Sid\":\"Eu\",\"Effect\":\"Deny\",\"Action\":\"iam:PassRole\","
	    "\"Resource\":\"*\",\"Condition\":{\"StringNotEquals\":{\"aws:RequestedRegion\":"
	    "\"eu-west-1\"}}}]}", "ou-prod", (char *)NULL);
	for (int i = 0; i < 3; i++) {
		struct snap_account *a = sb_account(s, ids[i], i == 0 ? "ou-sandbox" : i == 1 ?
		    "ou-prod" : "r-1");
		const char *admin = sb_policy(a, "AdministratorAccess", doc_admin, true);
		struct snap_role *r = sb_role(a, "Admin", NULL, trust(0, "ec2.amazonaws.com"));
		struct snap_user *u;

		sb_role_attach(r, admin);
		u = sb_user(a, "dev");
		sb_user_inline(u, "DevPass", doc_pass_all);
	}
	set = run(s, &c);
	ck_assert_ptr_null(edge_set_find(set, ARN("222222222222", "user/dev"),
	    ARN("222222222222", "role/Admin")));
	ed = edge_set_find(set, ARN("333333333333", "user/dev"), ARN("333333333333", "role/Admin"));
	ck_assert_ptr_nonnull(ed);
	ck_assert(ed->conditional);
	ck_assert_str_eq(ed->conditions, "aws:RequestedRegion in {eu-west-1}");
	ck_assert_str_eq(ed->reason, "allowed by DevPass (inline policy of user dev, Sid PassAll); "
	    "limited by Deny in service control policy PassInEu (SCP p-region attached to ou-prod, "
	    "Sid Eu) when aws:RequestedRegion not in {eu-west-1}");
	/* The management account is not restricted by SCPs. */
	ck_assert_ptr_nonnull(edge_set_find(set, ARN("999999999999", "user/dev"),
	    ARN("999999999999", "role/Admin")));
	/* The SCP also takes iam:PassRole from the admin role's effective
	 * permissions in the sandbox account. */
	ck_assert(!has_reason(priv_of(set, ARN("222222222222", "role/Admin")),
	    "auto: allows iam:PassRole on *"));
	ck_assert(has_reason(priv_of(set, ARN("222222222222", "role/Admin")),
	    "auto: allows iam:CreatePolicyVersion on *"));
	ck_assert(has_reason(priv_of(set, ARN("333333333333", "role/Admin")),
	    "auto: allows iam:PassRole on * (conditionally)"));
	edge_set_free(set);
	t = explain(s, &c, ARN("222222222222", "user/dev"), ARN("222222222222", "role/Admin"), NULL,
	    false, 0, &e);
	ck_assert_msg(strstr(t, "with an explicit deny in a service control policy") != NULL, "%s",
	    t);
	ck_assert_msg(strstr(t, "Deny  by policy \"DenyPassRole\" (SCP p-nopass attached to "
	    "ou-sandbox) level 1 statement NoPass") != NULL, "%s", t);
	free(t);
	snapshot_free(s);
}
END_TEST

/* Seed: a Lambda workload whose EventBridge calls go through an endpoint
 * whose policy allows only events:*. */
START_TEST(test_seed_eventbridge_endpoint)
{
	struct snapshot *s = sb_new();
	struct snap_account *a = sb_account(s, A1, NULL);
	struct snap_role *r;
	struct config_audit c = cfg_plain();
	struct edge_set *set;
	const struct edge *ed;
	char buf[512];
	struct err e = { "" };
	char *t;

	r = sb_role(a, "EventTarget", NULL, trust(0, "events.amazonaws.com"));
	sb_role_tag(r, "tier", "admin");
	r = sb_role(a, "LambdaWorker", NULL, trust(1, "lambda.amazonaws.com"));
	sb_role_inline(r, "Worker", pass_one(buf, sizeof(buf), "PassTarget",
	    ARN(A1, "role/EventTarget")));
	sb_endpoint(a, "eu-west-1", "vpce-0events", "events", "{\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Principal\":\"*\",\"Action\":\"events:*\",\"Resource\":\"*\"}]}");
	sb_endpoint(a, "us-east-1", "vpce-1events", "events", "{\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Principal\":\"*\",\"Action\":[\"events:*\",\"iam:PassRole\"],"
	    "\"Resource\":\"*\"}]}");
	sb_endpoint(a, "us-east-1", "vpce-2events", "events", NULL);
	sb_endpoint(a, "eu-west-1", "vpce-3lambda", "lambda", "{\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Principal\":\"*\",\"Action\":\"lambda:*\",\"Resource\":\"*\"}]}");
	c.privileged_tags = list1(0, "tier=admin");
	set = run(s, &c);
	ck_assert_uint_eq(set->nprivileged, 1);
	ck_assert_str_eq(set->privileged[0].reasons[0], "config: tag tier=admin");
	ed = edge_set_find(set, ARN(A1, "role/LambdaWorker"), ARN(A1, "role/EventTarget"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_uint_eq(ed->nservices, 1);
	ck_assert_str_eq(ed->services[0], "events.amazonaws.com");
	ck_assert_uint_eq(ed->ncaveats, 1);
	ck_assert_str_eq(ed->caveats[0].endpoint_id, "vpce-0events");
	ck_assert_str_eq(ed->caveats[0].region, "eu-west-1");
	ck_assert_str_eq(ed->caveats[0].service_name, "com.amazonaws.eu-west-1.events");
	ck_assert_str_eq(ed->caveats[0].message, "User: arn:aws:sts::111111111111:assumed-role/LambdaWorker/SESSION "
	    "is not authorized to perform: iam:PassRole on resource: arn:aws:iam::111111111111:"
	    "role/EventTarget because no VPC endpoint policy allows the iam:PassRole action (when "
	    "the call to events.amazonaws.com goes through vpce-0events, "
	    "com.amazonaws.eu-west-1.events in eu-west-1: the other policies allow it, so this "
	    "endpoint policy is the only reason the request fails)");
	edge_set_free(set);

	/* The explanation gives it for any role, privileged or not. */
	c.privileged_tags.n = 0;
	t = explain(s, &c, "LambdaWorker", "EventTarget", "events.amazonaws.com", false, 0, &e);
	ck_assert_msg(strstr(t, "endpoint caveat: User: arn:aws:sts::111111111111:assumed-role/LambdaWorker/SESSION "
	    "is not authorized to perform: iam:PassRole on resource: arn:aws:iam::111111111111:"
	    "role/EventTarget because no VPC endpoint policy allows the iam:PassRole action")
	    != NULL, "%s", t);
	ck_assert_msg(strstr(t, "decision: allowed") != NULL, "%s", t);
	ck_assert_msg(strstr(t, "vpce-1events") == NULL, "%s", t);
	free(t);
	t = explain(s, &c, "LambdaWorker", "EventTarget", NULL, true, 0, &e);
	{
		cJSON *o = cJSON_Parse(t), *cv;

		ck_assert_ptr_nonnull(o);
		ck_assert_str_eq(cJSON_GetObjectItem(o, "decision")->valuestring, "allowed");
		cv = cJSON_GetObjectItem(o, "caveats");
		ck_assert_int_eq(cJSON_GetArraySize(cv), 1);
		ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(cv, 0), "endpoint_id")
		    ->valuestring, "vpce-0events");
		ck_assert(cJSON_IsNull(cJSON_GetObjectItem(o, "privileged")));
		cJSON_Delete(o);
	}
	free(t);
	snapshot_free(s);
}
END_TEST

/* Seed: a limited user who can pass an AdministratorAccess role to EC2. */
START_TEST(test_seed_classic_escalation)
{
	struct snapshot *s = sb_new();
	struct snap_account *a = sb_account(s, A1, NULL);
	struct snap_role *r;
	struct snap_user *u;
	struct config_audit c = cfg_plain();
	struct edge_set *set;
	const struct edge *ed;
	const char *admin = sb_policy(a, "AdministratorAccess", doc_admin, true);

	r = sb_role(a, "AdminInstanceRole", NULL, trust(0, "ec2.amazonaws.com"));
	sb_role_attach(r, admin);
	u = sb_user(a, "intern");
	sb_user_inline(u, "InternPolicy", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":"
	    "\"Run\",\"Effect\":\"Allow\",\"Action\":[\"ec2:RunInstances\",\"ec2:Describe*\"],"
	    "\"Resource\":\"*\"},{\"Sid\":\"PassInstanceRole\",\"Effect\":\"Allow\",\"Action\":"
	    "\"iam:PassRole\",\"Resource\":\"arn:aws:iam::111111111111:role/AdminInstance*\"}]}");
	set = run(s, &c);
	ed = edge_set_find(set, ARN(A1, "user/intern"), ARN(A1, "role/AdminInstanceRole"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_uint_eq(ed->nservices, 1);
	ck_assert_str_eq(ed->services[0], "ec2.amazonaws.com");
	ck_assert(!ed->conditional);
	ck_assert_str_eq(ed->reason, "allowed by InternPolicy (inline policy of user intern, Sid "
	    "PassInstanceRole)");
	/* The intern itself is not privileged: it has no escalation action. */
	ck_assert_uint_eq(set->nprivileged, 1);
	ck_assert_uint_eq(set->nedges, 1);
	edge_set_free(set);
	snapshot_free(s);
}
END_TEST

START_TEST(test_conditional_and_no_service)
{
	struct snapshot *s = sb_new();
	struct snap_account *a = sb_account(s, A1, NULL);
	struct snap_user *u;
	struct config_audit c = cfg_plain();
	struct edge_set *set;
	const struct edge *ed;

	sb_role(a, "Admin", NULL, sb_trust_services(trust_buf[0], sizeof(trust_buf[0]),
	    "ec2.amazonaws.com", "lambda.amazonaws.com", (char *)NULL));
	sb_role(a, "Orphan", NULL, trust_account(1, A1));
	u = sb_user(a, "regional");
	sb_user_inline(u, "P", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
	    "\"Action\":\"iam:PassRole\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":"
	    "{\"aws:RequestedRegion\":\"eu-west-1\"}}}]}");
	u = sb_user(a, "mixed");
	/* ec2 freely; lambda only with MFA */
	sb_user_inline(u, "P", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
	    "\"Action\":\"iam:PassRole\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":"
	    "{\"iam:PassedToService\":\"ec2.amazonaws.com\"}}},{\"Effect\":\"Allow\",\"Action\":"
	    "\"iam:PassRole\",\"Resource\":\"*\",\"Condition\":{\"Bool\":"
	    "{\"aws:MultiFactorAuthPresent\":\"true\"}}}]}");
	u = sb_user(a, "team");
	sb_user_tag(u, "team", "blue");
	/* A deny on a tag the user does not have, and an allow on one it has:
	 * both are known, nothing stays open. */
	sb_user_inline(u, "P", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
	    "\"Action\":\"iam:PassRole\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":"
	    "{\"aws:PrincipalTag/team\":\"blue\"}}},{\"Effect\":\"Deny\",\"Action\":\"iam:PassRole\","
	    "\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalTag/frozen\":"
	    "\"yes\"}}}]}");
	c.privileged_roles = list1(0, "Admin");
	c.privileged_roles.items = one_item;
	one_item[1] = "Orphan";
	c.privileged_roles.n = 2;
	set = run(s, &c);

	ed = edge_set_find(set, ARN(A1, "user/regional"), ARN(A1, "role/Admin"));
	ck_assert_ptr_nonnull(ed);
	ck_assert(ed->conditional);
	ck_assert_str_eq(ed->conditions, "aws:RequestedRegion in {eu-west-1}");
	ck_assert_uint_eq(ed->nservices, 2);
	ck_assert_str_eq(ed->services[0], "ec2.amazonaws.com");
	ck_assert_str_eq(ed->services[1], "lambda.amazonaws.com");

	ed = edge_set_find(set, ARN(A1, "user/mixed"), ARN(A1, "role/Admin"));
	ck_assert_ptr_nonnull(ed);
	ck_assert(ed->conditional);
	ck_assert_str_eq(ed->conditions, "for ec2.amazonaws.com: always; for lambda.amazonaws.com: "
	    "aws:MultiFactorAuthPresent is true");
	ck_assert_uint_eq(ed->nservices, 2);

	ed = edge_set_find(set, ARN(A1, "user/team"), ARN(A1, "role/Admin"));
	ck_assert_ptr_nonnull(ed);
	ck_assert(!ed->conditional);

	/* No service trusts Orphan. */
	ed = edge_set_find(set, ARN(A1, "user/team"), ARN(A1, "role/Orphan"));
	ck_assert_ptr_nonnull(ed);
	ck_assert(ed->no_service);
	ck_assert_uint_eq(ed->nservices, 0);
	ck_assert(!ed->conditional);
	ed = edge_set_find(set, ARN(A1, "user/regional"), ARN(A1, "role/Orphan"));
	ck_assert_ptr_nonnull(ed);
	ck_assert(ed->no_service && ed->conditional);
	ck_assert_str_eq(ed->conditions, "aws:RequestedRegion in {eu-west-1}");
	edge_set_free(set);
	snapshot_free(s);
}
END_TEST

START_TEST(test_incomplete_accounts)
{
	struct snapshot *s = sb_new();
	struct snap_account *a;
	struct config_audit c = cfg_plain();
	struct edge_set *set;
	const struct edge_account *ea;
	const char *ids[] = { "111111111111", "222222222222", "333333333333", "444444444444",
		"555555555555" };

	for (int i = 0; i < 5; i++) {
		struct snap_user *u;
		struct snap_role *r;
		const char *admin;

		a = sb_account(s, ids[i], NULL);
		admin = sb_policy(a, "AdministratorAccess", doc_admin, true);
		r = sb_role(a, "Admin", NULL, trust(0, "ec2.amazonaws.com"));
		sb_role_attach(r, admin);
		u = sb_user(a, "dev");
		sb_user_inline(u, "P", doc_pass_all);
		sb_endpoint(a, "eu-west-1", "vpce-1", "ec2", NULL);
	}
	snap_part_fail(&sb_acct(s, ids[1])->access, "sts:AssumeRole: AccessDenied");
	snap_part_fail(&sb_acct(s, ids[2])->iam.part, "throttled out after 5 attempts");
	snap_part_fail(&sb_acct(s, ids[3])->regions[0].part, "ec2:DescribeVpcEndpoints: "
	    "UnauthorizedOperation");
	/* A managed policy attached but missing from the snapshot. */
	sb_role_attach(&sb_acct(s, ids[4])->iam.roles[0], "arn:aws:iam::aws:policy/Missing");
	set = run(s, &c);
	ck_assert_uint_eq(set->naccounts, 5);
	ck_assert(set->accounts[0].audited);
	ea = edge_set_account(set, ids[1]);
	ck_assert(!ea->audited);
	ck_assert_str_eq(ea->why, "the account could not be read: sts:AssumeRole: AccessDenied");
	ea = edge_set_account(set, ids[2]);
	ck_assert_str_eq(ea->why, "IAM data incomplete: throttled out after 5 attempts");
	ea = edge_set_account(set, ids[3]);
	ck_assert_str_eq(ea->why, "VPC endpoints of eu-west-1 incomplete: "
	    "ec2:DescribeVpcEndpoints: UnauthorizedOperation");
	ea = edge_set_account(set, ids[4]);
	ck_assert(!ea->audited);
	ck_assert_str_eq(ea->why, "managed policy arn:aws:iam::aws:policy/Missing (used by role "
	    "Admin) is not in the snapshot");
	/* Only the complete account has edges and privileged roles. */
	ck_assert_uint_eq(set->nedges, 1);
	ck_assert_str_eq(set->edges[0].account, ids[0]);
	ck_assert_uint_eq(set->nprivileged, 1);
	edge_set_free(set);
	snapshot_free(s);
}
END_TEST

/* A document the engine cannot evaluate makes its account "not audited",
 * never "no edges". */
START_TEST(test_uncompilable_policies)
{
	struct snapshot *s = sb_new();
	struct config_audit c = cfg_plain();
	struct edge_set *set;
	const struct edge_account *ea;
	struct snap_user *u;

	sb_org(s, "o-1", "r-1", "999999999999");
	sb_org_policy(s, SNAP_SCP, "p-bad", "Broken", "{\"Statement\":5}", "222222222222",
	    (char *)NULL);
	sb_account(s, A1, "r-1");
	u = sb_user(sb_acct(s, A1), "dev");
	sb_user_inline(u, "Bad", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
	    "\"Maybe\",\"Action\":\"*\",\"Resource\":\"*\"}]}");
	sb_account(s, "222222222222", "r-1");
	sb_account(s, "333333333333", "r-1");
	set = run(s, &c);
	ea = edge_set_account(set, A1);
	ck_assert(!ea->audited);
	ck_assert_msg(strncmp(ea->why, "inline policy Bad of user dev cannot be evaluated: ",
	    51) == 0, "%s", ea->why);
	ea = edge_set_account(set, "222222222222");
	ck_assert(!ea->audited);
	ck_assert_msg(strncmp(ea->why, "service control policy Broken (p-bad) cannot be evaluated: ",
	    59) == 0, "%s", ea->why);
	ck_assert(edge_set_account(set, "333333333333")->audited);
	edge_set_free(set);
	snapshot_free(s);
}
END_TEST

START_TEST(test_org_unknown_and_incomplete)
{
	struct snapshot *s = sb_new();
	struct snap_account *a = sb_account(s, A1, NULL);
	struct snap_role *r;
	struct snap_user *u;
	struct config_audit c = cfg_plain();
	struct edge_set *set;
	const char *admin = sb_policy(a, "AdministratorAccess", doc_admin, true);
	struct err e = { "" };
	char *t;

	r = sb_role(a, "Admin", NULL, trust(0, "ec2.amazonaws.com"));
	sb_role_attach(r, admin);
	u = sb_user(a, "dev");
	sb_user_inline(u, "P", doc_pass_all);
	s->org.mode = SNAP_ORG_UNKNOWN;
	snap_part_fail(&s->org.part, "AccessDenied from organizations:DescribeOrganization");
	set = run(s, &c);
	ck_assert_str_eq(set->org_note, "single-account mode: SCPs and RCPs could not be read "
	    "(AccessDenied from organizations:DescribeOrganization); results assume no SCP or RCP "
	    "restricts these accounts");
	ck_assert(set->accounts[0].audited && set->accounts[0].org_unknown);
	ck_assert_ptr_nonnull(edge_set_find(set, ARN(A1, "user/dev"), ARN(A1, "role/Admin")));
	edge_set_free(set);
	t = explain(s, &c, "dev", "Admin", NULL, false, 0, &e);
	ck_assert_msg(strstr(t, "note: single-account mode: SCPs and RCPs could not be read") !=
	    NULL, "%s", t);
	free(t);

	/* An organization that answered only in part: nothing is audited. */
	s->org.mode = SNAP_ORG_PRESENT;
	free(s->org.part.why);
	s->org.part.why = NULL;
	snap_part_fail(&s->org.part, "organizations:ListPoliciesForTarget throttled");
	set = run(s, &c);
	ck_assert(!set->accounts[0].audited);
	ck_assert_str_eq(set->accounts[0].why, "the organization (SCPs, RCPs, tree) is incomplete: "
	    "organizations:ListPoliciesForTarget throttled");
	ck_assert_uint_eq(set->nedges, 0);
	edge_set_free(set);
	snapshot_free(s);
}
END_TEST

/* alice -assume-> Deployer -pass-> Admin; bob -pass(cfn)-> CfnRole -pass-> Admin;
 * carol -assume-> R1 -assume-> R2 -assume-> R3 -pass-> Admin. */
static struct snapshot *
paths_snapshot_in(struct snapshot *s, const char *parent)
{
	struct snap_account *a = sb_account(s, A1, parent);
	struct snap_role *r;
	struct snap_user *u;
	char buf[512];
	const char *admin = sb_policy(a, "AdministratorAccess", doc_admin, true);
	static const char assume_fmt[] = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":"
	    "\"Hop\",\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Resource\":"
	    "\"arn:aws:iam::111111111111:role/%s\"}]}";

	r = sb_role(a, "Admin", NULL, trust(0, "ec2.amazonaws.com"));
	sb_role_attach(r, admin);
	r = sb_role(a, "Deployer", NULL, trust_account(1, A1));
	sb_role_inline(r, "D", pass_one(buf, sizeof(buf), "PassAdmin", ARN(A1, "role/Admin")));
	r = sb_role(a, "CfnRole", NULL, trust(2, "cloudformation.amazonaws.com"));
	sb_role_inline(r, "C", pass_one(buf, sizeof(buf), "PassAdmin", ARN(A1, "role/Admin")));
	r = sb_role(a, "R3", NULL, trust_account(1, A1));
	sb_role_inline(r, "D", pass_one(buf, sizeof(buf), "PassAdmin", ARN(A1, "role/Admin")));
	r = sb_role(a, "R2", NULL, trust_account(1, A1));
	snprintf(buf, sizeof(buf), assume_fmt, "R3");
	sb_role_inline(r, "H", buf);
	r = sb_role(a, "R1", NULL, trust_account(1, A1));
	snprintf(buf, sizeof(buf), assume_fmt, "R2");
	sb_role_inline(r, "H", buf);
	u = sb_user(a, "alice");
	snprintf(buf, sizeof(buf), assume_fmt, "Deployer");
	sb_user_inline(u, "A", buf);
	u = sb_user(a, "bob");
	sb_user_inline(u, "B", pass_one(buf, sizeof(buf), "PassCfn", ARN(A1, "role/CfnRole")));
	sb_user_inline(u, "Use", use_doc(buf, sizeof(buf), "cloudformation.amazonaws.com"));
	u = sb_user(a, "carol");
	snprintf(buf, sizeof(buf), assume_fmt, "R1");
	sb_user_inline(u, "C", buf);
	/* dave can pass Admin directly and assume Deployer: direct wins */
	u = sb_user(a, "dave");
	sb_user_inline(u, "D", pass_one(buf, sizeof(buf), "Direct", ARN(A1, "role/Admin")));
	snprintf(buf, sizeof(buf), assume_fmt, "Deployer");
	sb_user_inline(u, "E", buf);
	/* EventBridge does not run the caller's code: no path through it */
	r = sb_role(a, "EvRole", NULL, trust(3, "events.amazonaws.com"));
	sb_role_inline(r, "E", pass_one(buf, sizeof(buf), "PassAdmin", ARN(A1, "role/Admin")));
	u = sb_user(a, "erin");
	sb_user_inline(u, "E", pass_one(buf, sizeof(buf), "PassEv", ARN(A1, "role/EvRole")));
	sb_user_inline(u, "Use", use_doc(buf, sizeof(buf), "events.amazonaws.com"));
	/* two paths of one hop: the lexically first role wins */
	r = sb_role(a, "Zeta", NULL, trust_account(1, A1));
	sb_role_inline(r, "Z", pass_one(buf, sizeof(buf), "PassAdmin", ARN(A1, "role/Admin")));
	r = sb_role(a, "Alpha", NULL, trust_account(1, A1));
	sb_role_inline(r, "Z", pass_one(buf, sizeof(buf), "PassAdmin", ARN(A1, "role/Admin")));
	u = sb_user(a, "frank");
	sb_user_inline(u, "F", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
	    "\"Action\":\"sts:AssumeRole\",\"Resource\":[\"arn:aws:iam::111111111111:role/Zeta\","
	    "\"arn:aws:iam::111111111111:role/Alpha\"]}]}");
	/* a hop that needs MFA makes the inherited edge conditional */
	u = sb_user(a, "gina");
	sb_user_inline(u, "G", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Mfa\","
	    "\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Resource\":"
	    "\"arn:aws:iam::111111111111:role/Deployer\",\"Condition\":{\"Bool\":"
	    "{\"aws:MultiFactorAuthPresent\":\"true\"}}}]}");
	return s;
}

static struct snapshot *
paths_snapshot(void)
{
	return paths_snapshot_in(sb_new(), NULL);
}

START_TEST(test_paths)
{
	struct snapshot *s = paths_snapshot();
	struct config_audit c = cfg_plain();
	struct edge_set *set;
	const struct edge *ed;
	struct err e = { "" };
	char *t;

	set = run(s, &c);
	ed = edge_set_find(set, ARN(A1, "user/alice"), ARN(A1, "role/Admin"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_uint_eq(ed->npath, 1);
	ck_assert_str_eq(ed->path[0].kind, "assume");
	ck_assert_str_eq(ed->path[0].arn, ARN(A1, "role/Deployer"));
	ck_assert_ptr_null(ed->path[0].via_service);
	ck_assert_uint_eq(ed->nservices, 1);
	ck_assert_str_eq(ed->services[0], "ec2.amazonaws.com");
	ck_assert_str_eq(ed->reason, "can assume role Deployer (allowed by A (inline policy of user "
	    "alice, Sid Hop)); as Deployer: allowed by D (inline policy of role Deployer, Sid "
	    "PassAdmin)");

	ed = edge_set_find(set, ARN(A1, "user/bob"), ARN(A1, "role/Admin"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_uint_eq(ed->npath, 1);
	ck_assert_str_eq(ed->path[0].kind, "pass");
	ck_assert_str_eq(ed->path[0].arn, ARN(A1, "role/CfnRole"));
	ck_assert_str_eq(ed->path[0].via_service, "cloudformation.amazonaws.com");

	ed = edge_set_find(set, ARN(A1, "user/carol"), ARN(A1, "role/Admin"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_uint_eq(ed->npath, 3);
	ck_assert_str_eq(ed->path[0].arn, ARN(A1, "role/R1"));
	ck_assert_str_eq(ed->path[1].arn, ARN(A1, "role/R2"));
	ck_assert_str_eq(ed->path[2].arn, ARN(A1, "role/R3"));

	ed = edge_set_find(set, ARN(A1, "user/dave"), ARN(A1, "role/Admin"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_uint_eq(ed->npath, 0);
	ck_assert_str_eq(ed->reason, "allowed by D (inline policy of user dave, Sid Direct)");

	ck_assert_ptr_nonnull(edge_set_find(set, ARN(A1, "role/EvRole"), ARN(A1, "role/Admin")));
	ck_assert_ptr_null(edge_set_find(set, ARN(A1, "user/erin"), ARN(A1, "role/Admin")));

	ed = edge_set_find(set, ARN(A1, "user/frank"), ARN(A1, "role/Admin"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_uint_eq(ed->npath, 1);
	ck_assert_str_eq(ed->path[0].arn, ARN(A1, "role/Alpha"));

	ed = edge_set_find(set, ARN(A1, "user/gina"), ARN(A1, "role/Admin"));
	ck_assert_ptr_nonnull(ed);
	ck_assert(ed->conditional);
	ck_assert_str_eq(ed->conditions, "to act as Deployer: aws:MultiFactorAuthPresent is true");
	ck_assert_str_eq(ed->path[0].arn, ARN(A1, "role/Deployer"));
	edge_set_free(set);

	t = explain(s, &c, "carol", "Admin", NULL, false, 0, &e);
	ck_assert_msg(strstr(t, "indirect path: assume arn:aws:iam::111111111111:role/R1, assume "
	    "arn:aws:iam::111111111111:role/R2, assume arn:aws:iam::111111111111:role/R3") != NULL,
	    "%s", t);
	free(t);

	/* Depth 2: carol's three hops are out of reach, alice's one is not. */
	c.max_depth = 2;
	set = run(s, &c);
	ck_assert_ptr_null(edge_set_find(set, ARN(A1, "user/carol"), ARN(A1, "role/Admin")));
	ck_assert_ptr_nonnull(edge_set_find(set, ARN(A1, "user/alice"), ARN(A1, "role/Admin")));
	ed = edge_set_find(set, ARN(A1, "role/R1"), ARN(A1, "role/Admin"));
	ck_assert_ptr_nonnull(ed);
	ck_assert_uint_eq(ed->npath, 2);
	edge_set_free(set);
	/* Depth 0: direct edges only. */
	c.max_depth = 0;
	set = run(s, &c);
	for (size_t i = 0; i < set->nedges; i++)
		ck_assert_uint_eq(set->edges[i].npath, 0);
	ck_assert_ptr_null(edge_set_find(set, ARN(A1, "user/alice"), ARN(A1, "role/Admin")));
	edge_set_free(set);
	snapshot_free(s);
}
END_TEST

/* RCPs apply to sts:AssumeRole (STS is a supported service) but not to
 * iam:PassRole (IAM is not). */
START_TEST(test_rcp_scope)
{
	struct snapshot *s = sb_new();
	struct config_audit c = cfg_plain();
	struct edge_set *set;
	static const char rcp_full[] = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}";

	sb_org(s, "o-1", "r-1", "999999999999");
	s->org.rcp_enabled = true;
	sb_org_policy(s, SNAP_RCP, "p-rcpfull", "RCPFullAWSAccess", rcp_full, "r-1", A1,
	    (char *)NULL);
	sb_org_policy(s, SNAP_RCP, "p-rcpdeny", "NoAssumeNoPass", "{\"Version\":\"2012-10-17\","
	    "\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":"
	    "[\"sts:AssumeRole\",\"iam:PassRole\"],\"Resource\":\"*\"}]}", "r-1", (char *)NULL);
	paths_snapshot_in(s, "r-1");
	set = run(s, &c);
	ck_assert_ptr_null(edge_set_find(set, ARN(A1, "user/alice"), ARN(A1, "role/Admin")));
	ck_assert_ptr_null(edge_set_find(set, ARN(A1, "user/carol"), ARN(A1, "role/Admin")));
	ck_assert_ptr_nonnull(edge_set_find(set, ARN(A1, "user/bob"), ARN(A1, "role/Admin")));
	ck_assert_ptr_nonnull(edge_set_find(set, ARN(A1, "user/dave"), ARN(A1, "role/Admin")));
	ck_assert_ptr_nonnull(edge_set_find(set, ARN(A1, "role/Deployer"), ARN(A1, "role/Admin")));
	edge_set_free(set);
	snapshot_free(s);
}
END_TEST

START_TEST(test_privileged_classification)
{
	struct snapshot *s = sb_new();
	struct snap_account *a;
	struct snap_role *r;
	struct config_audit c = cfg_plain();
	struct edge_set *set;
	const struct edge_privileged *p;
	char *pats[] = { "Deploy*", "arn:aws:iam::*:role/ops/*", "/admin/" };
	char *excl[] = { "BreakGlass" };
	const char *admin, *bnd;

	sb_org(s, "o-1", "r-1", "999999999999");
	sb_org_policy(s, SNAP_SCP, "p-noiam", "NoIamWrites", "{\"Version\":\"2012-10-17\","
	    "\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"iam:*\",\"Resource\":\"*\"}]}",
	    "222222222222", (char *)NULL);
	a = sb_account(s, A1, "r-1");
	admin = sb_policy(a, "AdministratorAccess", doc_admin, true);
	bnd = sb_policy(a, "S3Only", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}", false);
	sb_role(a, "DeployApp", NULL, trust(0, "ec2.amazonaws.com"));
	sb_role(a, "Runner", "/ops/", trust(0, "ec2.amazonaws.com"));
	sb_role(a, "Keeper", "/admin/", trust(0, "ec2.amazonaws.com"));
	r = sb_role(a, "BreakGlass", NULL, trust(0, "ec2.amazonaws.com"));
	sb_role_attach(r, admin);
	r = sb_role(a, "Bounded", NULL, trust(0, "ec2.amazonaws.com"));
	sb_role_attach(r, admin);
	sb_role_boundary(r, bnd);
	r = sb_role(a, "PolicyWriter", NULL, trust(0, "ec2.amazonaws.com"));
	sb_role_inline(r, "W", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
	    "\"Action\":[\"iam:CreatePolicyVersion\",\"iam:PutRolePolicy\"],\"Resource\":\"*\","
	    "\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"}}}]}");
	r = sb_role(a, "NarrowPass", NULL, trust(0, "ec2.amazonaws.com"));
	sb_role_inline(r, "N", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
	    "\"Action\":\"iam:PassRole\",\"Resource\":\"arn:aws:iam::111111111111:role/app-*\"}]}");
	r = sb_role(a, "PowerUser", NULL, trust(0, "ec2.amazonaws.com"));
	sb_role_inline(r, "PU", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
	    "\"NotAction\":[\"iam:*\",\"organizations:*\"],\"Resource\":\"*\"}]}");
	sb_role(a, "AWSServiceRoleForX", "/aws-service-role/x.amazonaws.com/",
	    trust(0, "x.amazonaws.com"));
	a = sb_account(s, "222222222222", "r-1");
	admin = sb_policy(a, "AdministratorAccess", doc_admin, true);
	r = sb_role(a, "Admin", NULL, trust(0, "ec2.amazonaws.com"));
	sb_role_attach(r, admin);

	c.privileged_roles.items = pats;
	c.privileged_roles.n = 3;
	c.privileged_exclude.items = excl;
	c.privileged_exclude.n = 1;
	c.privileged_tags = list1(0, "none=*");
	set = run(s, &c);

	p = priv_of(set, ARN(A1, "role/DeployApp"));
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->nreasons, 1);
	ck_assert_str_eq(p->reasons[0], "config: name Deploy*");
	p = priv_of(set, ARN(A1, "role/ops/Runner"));
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->reasons[0], "config: arn arn:aws:iam::*:role/ops/*");
	p = priv_of(set, ARN(A1, "role/admin/Keeper"));
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->reasons[0], "config: path /admin/");
	ck_assert_ptr_null(priv_of(set, ARN(A1, "role/BreakGlass")));
	ck_assert_ptr_null(priv_of(set, ARN(A1, "role/Bounded")));
	ck_assert_ptr_null(priv_of(set, ARN(A1, "role/NarrowPass")));
	/* NotAction iam:*: not administrator-equivalent, but still able to
	 * take over functions, endpoints and roles that trust the account. */
	p = priv_of(set, ARN(A1, "role/PowerUser"));
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->nreasons, 3);
	ck_assert_str_eq(p->reasons[0], "auto: allows sts:AssumeRole on *");
	ck_assert_str_eq(p->reasons[1], "auto: allows lambda:UpdateFunctionCode on *");
	ck_assert_str_eq(p->reasons[2], "auto: allows glue:UpdateDevEndpoint on *");
	ck_assert_ptr_null(priv_of(set, ARN(A1, "role/aws-service-role/x.amazonaws.com/"
	    "AWSServiceRoleForX")));
	p = priv_of(set, ARN(A1, "role/PolicyWriter"));
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->nreasons, 2);
	ck_assert_str_eq(p->reasons[0], "auto: allows iam:CreatePolicyVersion on * (conditionally)");
	ck_assert_str_eq(p->reasons[1], "auto: allows iam:PutRolePolicy on * (conditionally)");
	/* The SCP on account 222222222222 leaves only the non-IAM entries. */
	p = priv_of(set, ARN("222222222222", "role/Admin"));
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->nreasons, 3);
	ck_assert_str_eq(p->reasons[0], "auto: allows sts:AssumeRole on *");
	ck_assert_str_eq(p->reasons[1], "auto: allows lambda:UpdateFunctionCode on *");
	ck_assert_str_eq(p->reasons[2], "auto: allows glue:UpdateDevEndpoint on *");
	ck_assert_uint_eq(set->nprivileged, 6);
	edge_set_free(set);

	/* auto_privileged off: only the configured ones. */
	c.auto_privileged = false;
	set = run(s, &c);
	ck_assert_uint_eq(set->nprivileged, 3);
	edge_set_free(set);
	snapshot_free(s);
}
END_TEST

START_TEST(test_explain_errors)
{
	struct snapshot *s = sb_new();
	struct config_audit c = cfg_plain();
	struct err e = { "" };
	char *t;

	for (int i = 0; i < 2; i++) {
		struct snap_account *a = sb_account(s, i == 0 ? A1 : "222222222222", NULL);

		sb_user(a, "dev");
		sb_role(a, i == 0 ? "Admin" : "Other", NULL, trust(0, "ec2.amazonaws.com"));
	}
	t = explain(s, &c, "dev", "Admin", NULL, false, -1, &e);
	free(t);
	ck_assert_msg(strstr(e.msg, "principal \"dev\" is ambiguous: it names "
	    "arn:aws:iam::111111111111:user/dev and arn:aws:iam::222222222222:user/dev") != NULL,
	    "%s", e.msg);
	t = explain(s, &c, ARN(A1, "user/dev"), "Nobody", NULL, false, -1, &e);
	free(t);
	ck_assert_str_eq(e.msg, "role \"Nobody\": no IAM role with that ARN or name in the snapshot");
	t = explain(s, &c, ARN(A1, "user/dev"), "Other", NULL, false, -1, &e);
	free(t);
	ck_assert_msg(strstr(e.msg, "a role cannot be passed to another account") != NULL, "%s",
	    e.msg);
	t = explain(s, &c, ARN(A1, "user/dev"), "Admin", NULL, false, 0, &e);
	ck_assert_msg(strstr(t, "because no identity-based policy allows the iam:PassRole action")
	    != NULL, "%s", t);
	free(t);
	snapshot_free(s);
}
END_TEST

/* The man page lists exactly privesc.def's entries, in order. */
START_TEST(test_man_page_matches_table)
{
	const char *top = getenv("top_srcdir");
	char path[4096], line[1024];
	FILE *f;
	size_t n = 0;
	bool in = false, after_tp = false;

	snprintf(path, sizeof(path), "%s/man/passrole-auditd-privileged.7", top != NULL ? top : ".");
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, ".SH ", 4) == 0) {
			in = strcmp(line, ".SH AUTOMATIC CLASSIFICATION") == 0;
			continue;
		}
		if (!in)
			continue;
		if (after_tp) {
			ck_assert_msg(strncmp(line, ".B ", 3) == 0, "after .TP: %s", line);
			ck_assert_msg(n < priv_entry_count(), "man page lists more than privesc.def: %s",
			    line);
			ck_assert_str_eq(line + 3, priv_entry_action(n));
			n++;
		}
		after_tp = strcmp(line, ".TP") == 0;
	}
	fclose(f);
	ck_assert_uint_eq(n, priv_entry_count());
}
END_TEST

/* The man page's SERVICES section lists exactly services.def. */
static const char *const def_services[] = {
#define AUD_SERVICE(p, ep, acts) p,
#include "audit/services.def"
#undef AUD_SERVICE
};

START_TEST(test_man_page_services)
{
	const char *top = getenv("top_srcdir");
	char path[4096], line[1024];
	FILE *f;
	size_t n = 0, ndef = sizeof(def_services) / sizeof(def_services[0]);
	bool in = false, after_tp = false;

	snprintf(path, sizeof(path), "%s/man/passrole-auditd-privileged.7", top != NULL ? top : ".");
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, ".SH ", 4) == 0) {
			in = strcmp(line, ".SH SERVICES") == 0;
			continue;
		}
		if (in && after_tp) {
			ck_assert_msg(n < ndef, "man page lists more than services.def: %s", line);
			ck_assert_str_eq(line + 3, def_services[n]);
			n++;
		}
		after_tp = in && strcmp(line, ".TP") == 0;
	}
	fclose(f);
	ck_assert_uint_eq(n, ndef);
}
END_TEST

/* The grid of an account's edges is principals × privileged roles, both
 * counted from the snapshot: a product that wraps must be refused, not
 * make a small grid that the edges are then written past. */
START_TEST(test_edge_grid_size_checked)
{
	struct aud_edges E = { 0 };
	struct err e = { "" };

	ck_assert_int_eq(aud_edges_grid(&E, SIZE_MAX / 2 + 1, 2, &e), -1);
	ck_assert_ptr_null(E.grid);
	ck_assert_msg(strstr(e.msg, "principals by 2 privileged roles: too many edges") != NULL,
	    "%s", e.msg);
	ck_assert_int_eq(aud_edges_grid(&E, (SIZE_MAX >> 4) + 2, 16, &e), -1);
	ck_assert_ptr_null(E.grid);
	ck_assert_int_eq(aud_edges_grid(&E, 3, 4, &e), 0);
	for (size_t i = 0; i < 12; i++)
		ck_assert_int_eq(E.grid[i], -1);
	aud_edges_free(&E);
}
END_TEST

static Suite *
audit_suite(void)
{
	Suite *s = suite_create("audit");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_seed_cfn_service_role);
	tcase_add_test(tc, test_bedrock_does_not_act);
	tcase_add_test(tc, test_scheduler_and_ssm_act);
	tcase_add_test(tc, test_seed_admin_only_ec2);
	tcase_add_test(tc, test_seed_boundary);
	tcase_add_test(tc, test_explain_denied_services);
	tcase_add_test(tc, test_apprunner_passed_to);
	tcase_add_test(tc, test_usable_edges);
	tcase_add_test(tc, test_hidden_two_hop);
	tcase_add_test(tc, test_agentcore_usable);
	tcase_add_test(tc, test_conditions_said_once);
	tcase_add_test(tc, test_existing_resource_hops);
	tcase_add_test(tc, test_seed_scp_ou);
	tcase_add_test(tc, test_seed_eventbridge_endpoint);
	tcase_add_test(tc, test_seed_classic_escalation);
	tcase_add_test(tc, test_conditional_and_no_service);
	tcase_add_test(tc, test_incomplete_accounts);
	tcase_add_test(tc, test_uncompilable_policies);
	tcase_add_test(tc, test_org_unknown_and_incomplete);
	tcase_add_test(tc, test_paths);
	tcase_add_test(tc, test_rcp_scope);
	tcase_add_test(tc, test_privileged_classification);
	tcase_add_test(tc, test_explain_errors);
	tcase_add_test(tc, test_man_page_matches_table);
	tcase_add_test(tc, test_man_page_services);
	tcase_add_test(tc, test_edge_grid_size_checked);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_main(audit_suite());
}
