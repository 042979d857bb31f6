/* Policy parsing (accept/reject with exact messages), matching, policy
 * variables and formulas (src/policy/policy.c, pvar.c, formula.c). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/condop.h"
#include "policy/ctx.h"
#include "policy/eval.h"
#include "policy/formula.h"
#include "policy/match.h"
#include "policy/policy.h"
#include "policy/pvar.h"

#include "checkmain.h"

#define U "arn:aws:iam::111122223333:user/alice"
#define R "arn:aws:iam::111122223333:role/Admin"

static struct policy *
parse(const char *json, enum policy_kind kind, struct err *e)
{
	return policy_parse_text(json, strlen(json), "P", kind, e);
}

static void
reject(const char *json, enum policy_kind kind, const char *msg)
{
	struct err e = { "" };
	struct policy *p = parse(json, kind, &e);

	ck_assert_msg(p == NULL, "accepted: %s", json);
	ck_assert_str_eq(e.msg, msg);
}

START_TEST(test_accept_shapes)
{
	struct err e = { "" };
	struct policy *p;

	/* Statement object, string values, no Version, no Sid */
	p = parse("{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\"}}",
	    POLICY_KIND_IDENTITY, &e);
	ck_assert_msg(p != NULL, "%s", e.msg);
	ck_assert_uint_eq(p->nstmts, 1);
	ck_assert(!p->vars);
	ck_assert_uint_eq(p->stmts[0].actions[0].svc_len, 3);
	ck_assert_str_eq(p->stmts[0].actions[0].pat, "iam:passrole");
	policy_free(p);
	/* arrays, 2008 version, conditions with number/bool/array values */
	p = parse("{\"Version\":\"2008-10-17\",\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Deny\","
	    "\"NotAction\":[\"s3:*\",\"ec2:Run*\"],\"NotResource\":[\"arn:aws:s3:::b\"],"
	    "\"Condition\":{\"Bool\":{\"aws:SecureTransport\":false},"
	    "\"StringEquals\":{\"aws:PrincipalTag/team\":[\"a\",\"b\"]},"
	    "\"NumericLessThan\":{\"s3:max-keys\":10}}}]}", POLICY_KIND_IDENTITY, &e);
	ck_assert_msg(p != NULL, "%s", e.msg);
	ck_assert(p->stmts[0].not_action && p->stmts[0].not_resource);
	ck_assert_uint_eq(p->stmts[0].nconds, 3);
	ck_assert_str_eq(p->stmts[0].conds[0].vals[0], "false");
	ck_assert_str_eq(p->stmts[0].conds[2].vals[0], "10");
	ck_assert_uint_eq(p->stmts[0].actions[0].svc_len, 2);
	policy_free(p);
	/* trust policy: principals of every type, no Resource */
	p = parse("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
	    "{\"AWS\":[\"111122223333\",\"arn:aws:iam::444455556666:root\",\"arn:aws:iam::111122223333:role/R\",\"*\"],"
	    "\"Service\":\"ec2.amazonaws.com\",\"Federated\":\"cognito-identity.amazonaws.com\"},"
	    "\"Action\":\"sts:AssumeRole\"}]}", POLICY_KIND_RESOURCE, &e);
	ck_assert_msg(p != NULL, "%s", e.msg);
	ck_assert_uint_eq(p->stmts[0].nprincipals, 6);
	ck_assert_int_eq(p->stmts[0].principals[0].type, POLICY_PRINCIPAL_ACCOUNT);
	ck_assert_int_eq(p->stmts[0].principals[1].type, POLICY_PRINCIPAL_ACCOUNT);
	ck_assert_str_eq(p->stmts[0].principals[1].value, "444455556666");
	ck_assert_int_eq(p->stmts[0].principals[2].type, POLICY_PRINCIPAL_ARN);
	ck_assert_int_eq(p->stmts[0].principals[3].type, POLICY_PRINCIPAL_ANY);
	ck_assert_int_eq(p->stmts[0].principals[4].type, POLICY_PRINCIPAL_SERVICE);
	ck_assert_int_eq(p->stmts[0].principals[5].type, POLICY_PRINCIPAL_FEDERATED);
	ck_assert(!p->stmts[0].has_resource);
	policy_free(p);
	/* 2012 marks variables */
	p = parse("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iam:*\","
	    "\"Resource\":\"arn:aws:iam::*:role/${aws:username}\"}]}", POLICY_KIND_IDENTITY, &e);
	ck_assert_msg(p != NULL, "%s", e.msg);
	ck_assert(p->stmts[0].resources[0].has_var);
	policy_free(p);
}
END_TEST

START_TEST(test_reject_messages)
{
	reject("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"},"
	    "{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"},{\"Effect\":\"allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
	    POLICY_KIND_IDENTITY,
	    "policy \"P\": Statement[2].Effect: must be \"Allow\" or \"Deny\", got \"allow\"");
	reject("{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"NotAction\":\"s3:*\",\"Resource\":\"*\"}}",
	    POLICY_KIND_IDENTITY,
	    "policy \"P\": Statement.NotAction: a statement cannot have both Action and NotAction");
	reject("{\"Statement\":[{\"Effect\":\"Allow\",\"Resource\":\"*\"}]}", POLICY_KIND_IDENTITY,
	    "policy \"P\": Statement[0].Action: missing (a statement needs Action or NotAction)");
	reject("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"NotResource\":\"*\"}]}",
	    POLICY_KIND_IDENTITY,
	    "policy \"P\": Statement[0].NotResource: a statement cannot have both Resource and NotResource");
	reject("{\"Statement\":[],\"Foo\":1}", POLICY_KIND_IDENTITY,
	    "policy \"P\": Foo: unknown top-level element (expected Version, Id, Statement)");
	reject("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Actions\":\"x\"}]}",
	    POLICY_KIND_IDENTITY,
	    "policy \"P\": Statement[0].Actions: unknown statement element (expected Sid, Effect, "
	    "Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition)");
	reject("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"iam:PassRole\",3],\"Resource\":\"*\"}]}",
	    POLICY_KIND_IDENTITY, "policy \"P\": Statement[0].Action[1]: must be a string, got a number");
	reject("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"PassRole\",\"Resource\":\"*\"}]}",
	    POLICY_KIND_IDENTITY,
	    "policy \"P\": Statement[0].Action: \"PassRole\" is not an action (expected service:Action)");
	reject("{\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"},"
	    "{\"Sid\":\"A\",\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}]}", POLICY_KIND_IDENTITY,
	    "policy \"P\": Statement[1].Sid: duplicate Sid \"A\" (also Statement[0]); Sids must be unique");
	{
		/* resource-based policies of other services may repeat a Sid */
		struct err e2 = { "" };
		struct policy *p2 = parse("{\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Principal\":\"*\","
		    "\"Action\":\"sqs:*\"},{\"Sid\":\"A\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"sqs:*\"}]}",
		    POLICY_KIND_RESOURCE, &e2);

		ck_assert_msg(p2 != NULL, "%s", e2.msg);
		policy_free(p2);
	}
	reject("{\"Version\":\"2012-10-18\",\"Statement\":[]}", POLICY_KIND_IDENTITY,
	    "policy \"P\": Version: must be \"2012-10-17\" or \"2008-10-17\"");
	reject("{\"Statement\":[]}", POLICY_KIND_IDENTITY, "policy \"P\": Statement: must not be empty");
	reject("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
	    POLICY_KIND_IDENTITY,
	    "policy \"P\": Statement[0].Principal: not allowed in an identity-based policy");
	reject("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\"}]}", POLICY_KIND_RESOURCE,
	    "policy \"P\": Statement[0].Principal: missing (a resource-based policy statement needs "
	    "Principal or NotPrincipal)");
	reject("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Aws\":\"*\"},\"Action\":\"*\"}]}",
	    POLICY_KIND_RESOURCE,
	    "policy \"P\": Statement[0].Principal: unknown principal type \"Aws\" (expected AWS, Service, "
	    "Federated or CanonicalUser)");
	reject("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\","
	    "\"Condition\":{\"StringEquals\":{\"k\":{\"x\":1}}}}]}", POLICY_KIND_IDENTITY,
	    "policy \"P\": Statement[0].Condition.StringEquals.k: must be a string, number or boolean, "
	    "got an object");
	reject("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Effect\":\"Deny\"}]}",
	    POLICY_KIND_IDENTITY, "policy \"P\": Statement[0]: duplicate key \"Effect\"");
	reject("[1]", POLICY_KIND_IDENTITY, "policy \"P\": document must be a JSON object, got an array");
	reject("{\"Statement\":", POLICY_KIND_IDENTITY, "policy \"P\": not valid JSON (at byte 12)");
}
END_TEST

START_TEST(test_reject_unknown_operator)
{
	struct err e = { "" };
	struct policy *p = parse("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\","
	    "\"Condition\":{\"StringEqualz\":{\"k\":\"v\"}}}]}", POLICY_KIND_IDENTITY, &e);

	ck_assert(p == NULL);
	/* the operator's own wording comes from condop; the place from us */
	ck_assert_msg(strncmp(e.msg, "policy \"P\": Statement[0].Condition: ", 36) == 0, "%s", e.msg);
	ck_assert_msg(strstr(e.msg, "StringEqualz") != NULL, "%s", e.msg);
}
END_TEST

START_TEST(test_bounds)
{
	struct err e = { "" };
	size_t n = POLICY_MAX_TEXT + 10;
	char *big = malloc(n + 1);
	struct policy *p;

	memset(big, ' ', n);
	big[n] = '\0';
	p = policy_parse_text(big, n, "Big", POLICY_KIND_IDENTITY, &e);
	ck_assert(p == NULL);
	ck_assert_msg(strstr(e.msg, "document too large") != NULL, "%s", e.msg);
	free(big);
	/* deep nesting must not crash */
	{
		char deep[5000];
		size_t i;

		for (i = 0; i < 2400; i++)
			deep[i] = '[';
		deep[i] = '\0';
		p = policy_parse_text(deep, i, "Deep", POLICY_KIND_IDENTITY, &e);
		ck_assert(p == NULL);
	}
}
END_TEST

/* Hostile input: every truncation and many single-byte mutations of a
 * document using every element must be rejected or compiled, never crash
 * (ASan/UBSan run this), and whatever compiles must evaluate. */
START_TEST(test_mutations_never_crash)
{
	static const char base[] = "{\"Version\":\"2012-10-17\",\"Id\":\"x\",\"Statement\":[{\"Sid\":\"A\","
	    "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"111122223333\",\"arn:aws:iam::1:role/r\"],"
	    "\"Service\":\"ec2.amazonaws.com\"},\"NotAction\":[\"s3:*\",\"iam:Get?\"],"
	    "\"Resource\":\"arn:aws:iam::*:role/${aws:username}-${*}\",\"Condition\":{\"StringLike\":"
	    "{\"aws:PrincipalTag/t\":[\"a*\",\"${aws:PrincipalAccount, 'd'}\"]},\"Bool\":{\"aws:SecureTransport\":true},"
	    "\"NumericLessThan\":{\"n\":5},\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"a\",\"b\"]}}}]}";
	static const char subst[] = "{}[]\":,*?${} 0aZ\\";
	size_t n = sizeof(base) - 1;
	unsigned long seed = 12345;
	char buf[sizeof(base)];
	struct err e;
	struct ctx c;
	struct eval_state st;

	eval_state_init(&st);
	ck_assert_int_eq(ctx_init(&c, U, "iam:PassRole", R, &e), 0);
	ck_assert_int_eq(ctx_set_unknown(&c, "aws:PrincipalTag/t", &e), 0);
	ck_assert_int_eq(ctx_finish(&c, &e), 0);
	for (size_t cut = 0; cut <= n + 3000; cut++) {
		struct policy *p;
		size_t len = cut <= n ? cut : n;

		memcpy(buf, base, n);
		if (cut > n) {
			seed = seed * 6364136223846793005ul + 1442695040888963407ul;
			buf[(seed >> 33) % n] = subst[(seed >> 17) % (sizeof(subst) - 1)];
		}
		p = policy_parse_text(buf, len, "M", POLICY_KIND_RESOURCE, &e);
		if (cut == n)
			ck_assert_msg(p != NULL, "%s", e.msg);
		if (p != NULL) {
			struct eval_policy ep = { p, "M", NULL };
			struct eval_request rq;
			struct eval_result res;

			memset(&rq, 0, sizeof(rq));
			rq.ctx = &c;
			rq.resource = &ep;
			rq.nresource = 1;
			rq.identity = &ep;
			rq.nidentity = 1;
			ck_assert_int_eq(eval_run(&st, &rq, &res, &e), 0);
			policy_free(p);
		} else {
			ck_assert(e.msg[0] != '\0');
		}
	}
	eval_state_free(&st);
}
END_TEST

/* ---- matching through the evaluator ---- */

static enum eval_decision
decide(const char *policy_json, const char *principal, const char *action, const char *resource)
{
	struct err e = { "" };
	struct policy *p = parse(policy_json, POLICY_KIND_IDENTITY, &e);
	struct eval_policy ep;
	struct eval_request rq;
	struct eval_result res;
	struct eval_state st;
	struct ctx c;

	ck_assert_msg(p != NULL, "%s", e.msg);
	ck_assert_int_eq(ctx_init(&c, principal, action, resource, &e), 0);
	ck_assert_int_eq(ctx_finish(&c, &e), 0);
	memset(&rq, 0, sizeof(rq));
	ep.policy = p;
	ep.name = p->name;
	ep.source = NULL;
	rq.ctx = &c;
	rq.identity = &ep;
	rq.nidentity = 1;
	eval_state_init(&st);
	ck_assert_int_eq(eval_run(&st, &rq, &res, &e), 0);
	eval_state_free(&st);
	policy_free(p);
	return res.decision;
}

#define STMT(x) "{\"Version\":\"2012-10-17\",\"Statement\":[" x "]}"

START_TEST(test_action_matching)
{
	ck_assert_int_eq(decide(STMT("{\"Effect\":\"Allow\",\"Action\":\"iam:passrole\",\"Resource\":\"*\"}"),
	    U, "iam:PassRole", R), EVAL_ALLOWED);
	ck_assert_int_eq(decide(STMT("{\"Effect\":\"Allow\",\"Action\":\"IAM:Pass?ole\",\"Resource\":\"*\"}"),
	    U, "iam:PassRole", R), EVAL_ALLOWED);
	ck_assert_int_eq(decide(STMT("{\"Effect\":\"Allow\",\"Action\":\"*:PassRole\",\"Resource\":\"*\"}"),
	    U, "iam:PassRole", R), EVAL_ALLOWED);
	ck_assert_int_eq(decide(STMT("{\"Effect\":\"Allow\",\"Action\":\"iam:Pass\",\"Resource\":\"*\"}"),
	    U, "iam:PassRole", R), EVAL_DENIED);
	ck_assert_int_eq(decide(STMT("{\"Effect\":\"Allow\",\"Action\":\"iamx:PassRole\",\"Resource\":\"*\"}"),
	    U, "iam:PassRole", R), EVAL_DENIED);
	ck_assert_int_eq(decide(STMT("{\"Effect\":\"Allow\",\"NotAction\":[\"iam:Get*\",\"s3:*\"],\"Resource\":\"*\"}"),
	    U, "iam:PassRole", R), EVAL_ALLOWED);
	ck_assert_int_eq(decide(STMT("{\"Effect\":\"Allow\",\"NotAction\":\"iam:*\",\"Resource\":\"*\"}"),
	    U, "iam:PassRole", R), EVAL_DENIED);
}
END_TEST

START_TEST(test_resource_matching)
{
	ck_assert_int_eq(decide(STMT("{\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"arn:aws:iam::111122223333:role/*\"}"),
	    U, "iam:PassRole", "arn:aws:iam::111122223333:role/a/b/C"), EVAL_ALLOWED);
	ck_assert_int_eq(decide(STMT("{\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"arn:aws:iam::111122223333:role/admin\"}"),
	    U, "iam:PassRole", R), EVAL_DENIED);
	ck_assert_int_eq(decide(STMT("{\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"NotResource\":[\"arn:aws:iam::*:role/Dev*\"]}"),
	    U, "iam:PassRole", R), EVAL_ALLOWED);
	ck_assert_int_eq(decide(STMT("{\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"NotResource\":[\"arn:aws:iam::*:role/Adm*\"]}"),
	    U, "iam:PassRole", R), EVAL_DENIED);
	/* a wildcard does not cross the account field */
	ck_assert_int_eq(decide(STMT("{\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"arn:aws:iam::*\"}"),
	    U, "iam:PassRole", R), EVAL_DENIED);
}
END_TEST

/* The evaluator matches resources with pre-split patterns; it must agree
 * with match_arn() everywhere. */
START_TEST(test_resource_split_agrees_with_match_arn)
{
	static const char *const pats[] = {
		"*", "arn:aws:iam::111122223333:role/Admin", "arn:aws:iam::*:role/*",
		"arn:aws:iam::111122223333:role/Ad*", "arn:aws:iam::111122223333:role/*Admin",
		"arn:aws:iam::111122223333:role/A?min", "arn:aws:iam::111122223333:*",
		"arn:aws:*:*:*:*", "arn:aws:iam::111122223333", "arn:aws:s3:::bucket/*",
		"arn:aws:iam::111122223333:role/", "arn:*:iam::1111*:role/x:y*", "arn:aws:iam::111122223333:role/Admin*",
	};
	static const char *const arns[] = {
		"arn:aws:iam::111122223333:role/Admin", "arn:aws:iam::111122223333:role/ops/Admin",
		"arn:aws:iam::111122223333:role/Admin2", "arn:aws:iam::444455556666:role/Admin",
		"arn:aws:iam::111122223333", "arn:aws:s3:::bucket/key", "arn:aws:iam::111122223333:role/",
		"arn:aws:iam::111122223333:role/x:y:z", "not-an-arn",
	};
	char doc[512];

	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++)
		for (size_t j = 0; j < sizeof(arns) / sizeof(arns[0]); j++) {
			snprintf(doc, sizeof(doc), STMT("{\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\","
			    "\"Resource\":\"%s\"}"), pats[i]);
			ck_assert_msg((decide(doc, U, "iam:PassRole", arns[j]) == EVAL_ALLOWED) ==
			    match_arn(pats[i], arns[j]), "%s vs %s", pats[i], arns[j]);
		}
}
END_TEST

static enum eval_decision
decide_trust(const char *trust, const char *principal)
{
	struct err e = { "" };
	struct policy *p = parse(trust, POLICY_KIND_RESOURCE, &e);
	struct policy *id = parse(STMT("{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\"}"),
	    POLICY_KIND_IDENTITY, &e);
	struct eval_policy ep = { p, "trust", NULL }, ip = { id, "id", NULL };
	struct eval_request rq;
	struct eval_result res;
	struct eval_state st;
	struct ctx c;

	ck_assert_msg(p != NULL, "%s", e.msg);
	ck_assert_int_eq(ctx_init(&c, principal, "sts:AssumeRole", R, &e), 0);
	ck_assert_int_eq(ctx_finish(&c, &e), 0);
	memset(&rq, 0, sizeof(rq));
	rq.ctx = &c;
	rq.resource = &ep;
	rq.nresource = 1;
	/* principals whose name ends in "noid" have no identity policy */
	if (strstr(principal, "noid") == NULL) {
		rq.identity = &ip;
		rq.nidentity = 1;
	}
	eval_state_init(&st);
	ck_assert_int_eq(eval_run(&st, &rq, &res, &e), 0);
	eval_state_free(&st);
	policy_free(p);
	policy_free(id);
	return res.decision;
}

START_TEST(test_principal_matching)
{
	const char *acct = STMT("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"sts:AssumeRole\"}");
	const char *direct = STMT("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:user/noid\"},\"Action\":\"sts:AssumeRole\"}");
	const char *role = STMT("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:role/ops/Ci\"},\"Action\":\"sts:AssumeRole\"}");
	const char *notp = STMT("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sts:AssumeRole\"},"
	    "{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"arn:aws:iam::111122223333:user/alice\"},\"Action\":\"sts:AssumeRole\"}");
	const char *svc = STMT("{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}");

	/* account root delegates to IAM: the identity policy is needed */
	ck_assert_int_eq(decide_trust(acct, U), EVAL_ALLOWED);
	ck_assert_int_eq(decide_trust(acct, "arn:aws:iam::111122223333:user/noid"), EVAL_DENIED);
	ck_assert_int_eq(decide_trust(acct, "arn:aws:iam::444455556666:user/alice"), EVAL_DENIED);
	/* naming the user directly suffices in the same account */
	ck_assert_int_eq(decide_trust(direct, "arn:aws:iam::111122223333:user/noid"), EVAL_ALLOWED);
	/* a role ARN (with path) names its sessions */
	ck_assert_int_eq(decide_trust(role, "arn:aws:sts::111122223333:assumed-role/Ci/s1"), EVAL_ALLOWED);
	ck_assert_int_eq(decide_trust(role, "arn:aws:sts::111122223333:assumed-role/Cx/s1"), EVAL_DENIED);
	ck_assert_int_eq(decide_trust(notp, U), EVAL_ALLOWED);
	ck_assert_int_eq(decide_trust(notp, "arn:aws:iam::111122223333:user/bob"), EVAL_DENIED);
	ck_assert_int_eq(decide_trust(svc, U), EVAL_DENIED);
	/* NotPrincipal "*" excludes every caller: the statement applies to
	 * no one (the string form of "*" is a principal like {"AWS": "*"}) */
	ck_assert_int_eq(decide_trust(STMT("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" U "\"},"
	    "\"Action\":\"sts:AssumeRole\"},{\"Effect\":\"Deny\",\"NotPrincipal\":\"*\",\"Action\":\"sts:*\"}"),
	    "arn:aws:iam::111122223333:user/alice"), EVAL_ALLOWED);
}
END_TEST

/* What the compiler records about a statement's Principal for the chain:
 * whether it names a principal at all, whether it applies to every
 * request, and whether it is the "*" plus aws:PrincipalArn form whose
 * grants AWS lets past permissions boundaries and session policies. */
START_TEST(test_principal_flags)
{
	static const struct {
		const char *stmt;
		bool has_principal, always, wildcard_principal_arn;
	} cases[] = {
		{ "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}",
		  true, true, false },
		{ "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"*\",\"Resource\":\"*\"}",
		  true, true, false },
		{ "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"*\",\"Resource\":\"*\"}",
		  true, false, false },
		{ "{\"Effect\":\"Deny\",\"NotPrincipal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}",
		  true, false, false },
		{ "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\","
		  "\"Condition\":{\"ArnLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:role/x\"}}}", true, false, true },
		{ "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"111122223333\",\"*\"]},\"Action\":\"s3:*\","
		  "\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalAccount\":\"1\"},"
		  "\"ArnNotEquals\":{\"AWS:PRINCIPALARN\":\"arn:aws:iam::1:role/x\"}}}", true, false, true },
		{ "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" R "\"},\"Action\":\"s3:*\",\"Resource\":\"*\","
		  "\"Condition\":{\"ArnLike\":{\"aws:PrincipalArn\":\"" R "\"}}}", true, false, false },
		{ "{\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"*\"},\"Action\":\"s3:*\",\"Resource\":\"*\","
		  "\"Condition\":{\"ArnLike\":{\"aws:PrincipalArn\":\"" R "\"}}}", true, false, false },
		{ "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\","
		  "\"Condition\":{\"ArnLike\":{\"aws:PrincipalArnX\":\"" R "\"}}}", true, false, false },
	};
	struct err e = { "" };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char doc[1024];
		struct policy *p;

		snprintf(doc, sizeof(doc), "{\"Version\":\"2012-10-17\",\"Statement\":[%s]}", cases[i].stmt);
		p = parse(doc, POLICY_KIND_RESOURCE, &e);
		ck_assert_msg(p != NULL, "%zu: %s", i, e.msg);
		ck_assert_msg(p->stmts[0].has_principal == cases[i].has_principal, "%zu: has_principal", i);
		ck_assert_msg(p->stmts[0].always == cases[i].always, "%zu: always", i);
		ck_assert_msg(p->stmts[0].wildcard_principal_arn == cases[i].wildcard_principal_arn,
		    "%zu: wildcard_principal_arn", i);
		policy_free(p);
	}
}
END_TEST

/* ---- variables ---- */

START_TEST(test_pvar)
{
	struct err e = { "" };
	struct ctx c;
	char out[256];
	const char *team[] = { "blue" };
	const char *multi[] = { "a", "b" };

	ck_assert_int_eq(ctx_init(&c, "arn:aws:iam::111122223333:user/dev/bob", "iam:PassRole", R, &e), 0);
	ck_assert_int_eq(ctx_set(&c, "aws:PrincipalTag/team", team, 1, &e), 0);
	ck_assert_int_eq(ctx_set(&c, "aws:TagKeys", multi, 2, &e), 0);
	ck_assert_int_eq(ctx_set_unknown(&c, "aws:SourceVpce", &e), 0);
	ck_assert_int_eq(ctx_finish(&c, &e), 0);
	ck_assert_int_eq(pvar_subst(&c, "role/${aws:username}", true, out, sizeof(out)), PVAR_OK);
	ck_assert_str_eq(out, "role/bob");
	/* keys are case-insensitive, spaces allowed */
	ck_assert_int_eq(pvar_subst(&c, "x/${ AWS:principaltag/TEAM }/y", false, out, sizeof(out)), PVAR_OK);
	ck_assert_str_eq(out, "x/blue/y");
	ck_assert_int_eq(pvar_subst(&c, "${aws:PrincipalAccount}", false, out, sizeof(out)), PVAR_OK);
	ck_assert_str_eq(out, "111122223333");
	ck_assert_int_eq(pvar_subst(&c, "a${*}b${?}c${$}", true, out, sizeof(out)), PVAR_OK);
	ck_assert_str_eq(out, "a\x01*b\x01?c\x01$");
	ck_assert_int_eq(pvar_subst(&c, "a${*}b", false, out, sizeof(out)), PVAR_OK);
	ck_assert_str_eq(out, "a*b");
	ck_assert_int_eq(pvar_subst(&c, "${aws:PrincipalTag/cost, 'none'}", false, out, sizeof(out)), PVAR_OK);
	ck_assert_str_eq(out, "none");
	ck_assert_int_eq(pvar_subst(&c, "${aws:PrincipalTag/cost}", false, out, sizeof(out)), PVAR_ABSENT);
	ck_assert_int_eq(pvar_subst(&c, "${aws:TagKeys}", false, out, sizeof(out)), PVAR_ABSENT);
	ck_assert_int_eq(pvar_subst(&c, "${aws:SourceVpce}", false, out, sizeof(out)), PVAR_UNKNOWN);
	ck_assert_int_eq(pvar_subst(&c, "${aws:SourceVpce}${nope}", false, out, sizeof(out)), PVAR_ABSENT);
	ck_assert_int_eq(pvar_subst(&c, "${unterminated", false, out, sizeof(out)), PVAR_OK);
	ck_assert_str_eq(out, "${unterminated");
	ck_assert_int_eq(pvar_subst(&c, "role/${aws:username}", true, out, 6), PVAR_TOOLONG);
	/* a value with wildcards stays literal in a pattern */
	{
		const char *star[] = { "a*" };

		ck_assert_int_eq(ctx_set(&c, "k:star", star, 1, &e), 0);
		ck_assert_int_eq(pvar_subst(&c, "${k:star}", true, out, sizeof(out)), PVAR_OK);
		ck_assert_str_eq(out, "a\x01*");
	}
}
END_TEST

/* ---- formulas ---- */

static struct policy *fp;

static const struct formula *
atom(struct arena *a, size_t i)
{
	struct formula_atom at = { 0 };

	at.cond = &fp->stmts[0].conds[i];
	at.vals = at.cond->vals;
	at.nvals = at.cond->nvals;
	at.compiled = at.cond->compiled;
	return formula_atom(a, &at);
}

static char *
render(const struct formula *f)
{
	static char s[512];
	struct buf b;

	buf_init(&b, 0);
	ck_assert_int_eq(formula_render(f, &b), 0);
	snprintf(s, sizeof(s), "%s", buf_cstr(&b));
	buf_free(&b);
	return s;
}

/* A context built in parts and cut back with ctx_truncate is the one
 * ctx_init builds: same lookups, same action and resource fields, same
 * probe table (the audit reuses one principal's context for many roles). */
static void
ctx_same_request(const struct ctx *a, const struct ctx *b)
{
	ck_assert_str_eq(a->action_lc, b->action_lc);
	ck_assert_mem_eq(&a->action_head, &b->action_head, sizeof(a->action_head));
	ck_assert_uint_eq(a->action_len, b->action_len);
	ck_assert_int_eq(a->is_passrole, b->is_passrole);
	ck_assert_int_eq(a->is_assume_role, b->is_assume_role);
	ck_assert_uint_eq(a->bucket, b->bucket);
	ck_assert_uint_eq(a->svc_len, b->svc_len);
	ck_assert_str_eq(a->resource, b->resource);
	ck_assert_uint_eq(a->resource_len, b->resource_len);
	ck_assert_mem_eq(&a->resource_head, &b->resource_head, sizeof(a->resource_head));
	ck_assert_int_eq(a->res_split, b->res_split);
	for (int i = 0; a->res_split && i < 6; i++) {
		ck_assert_uint_eq(a->res_len[i], b->res_len[i]);
		ck_assert_uint_eq((size_t)(a->res_part[i] - a->resource),
		    (size_t)(b->res_part[i] - b->resource));
		ck_assert_mem_eq(&a->res_head[i], &b->res_head[i], sizeof(a->res_head[i]));
	}
	ck_assert_str_eq(a->account, b->account);
	ck_assert_int_eq(a->kind, b->kind);
}

static void
ctx_same(const struct ctx *a, const struct ctx *b, const char *const *names, size_t n)
{
	ck_assert_uint_eq(a->nkeys, b->nkeys);
	ck_assert_mem_eq(a->slots, b->slots, sizeof(a->slots));
	ctx_same_request(a, b);
	for (size_t i = 0; i < n; i++) {
		const struct ctx_key *x = ctx_get_str(a, names[i]), *y = ctx_get_str(b, names[i]);

		ck_assert_msg((x == NULL) == (y == NULL), "key %s", names[i]);
		if (x != NULL) {
			ck_assert_int_eq(x->state, y->state);
			ck_assert_uint_eq(x->nvals, y->nvals);
			ck_assert_uint_eq(x->hash0, y->hash0);
		}
	}
}

START_TEST(test_ctx_parts_and_truncate)
{
	static const char *const v1[] = { "t1" }, *const v2[] = { "x" };
	const char *names[48];
	char buf[48][24];
	struct ctx fresh, reused;
	struct err e;

	for (size_t i = 0; i < 48; i++) {
		snprintf(buf[i], sizeof(buf[i]), "svc:Key%zu", i);
		names[i] = buf[i];
	}
	/* The reused context: principal keys, then another target's 40
	 * keys (long probe runs in the 128-slot table), cut back. */
	ck_assert_int_eq(ctx_init_principal(&reused, U, &e), 0);
	ck_assert_int_eq(ctx_set_action(&reused, "s3:GetObject", &e), 0);
	ck_assert_int_eq(ctx_set(&reused, "aws:PrincipalTag/team", v1, 1, &e), 0);
	ck_assert_int_eq(ctx_set_unknown(&reused, "aws:SourceIp", &e), 0);
	ck_assert_int_eq(ctx_finish(&reused, &e), 0);
	{
		size_t base = reused.nkeys;

		ck_assert_int_eq(ctx_set_resource(&reused, "arn:aws:s3:::b/k", &e), 0);
		for (size_t i = 0; i < 40; i++)
			ck_assert_int_eq(ctx_set(&reused, names[i], v2, 1, &e), 0);
		ctx_truncate(&reused, base);
		ck_assert_uint_eq(reused.nkeys, base);
		for (size_t i = 0; i < 40; i++)
			ck_assert_ptr_null(ctx_get_str(&reused, names[i]));
	}
	ck_assert_int_eq(ctx_set_action(&reused, "iam:PassRole", &e), 0);
	ck_assert_int_eq(ctx_set_resource(&reused, R, &e), 0);
	ck_assert_int_eq(ctx_set(&reused, names[44], v2, 1, &e), 0);
	ck_assert_int_eq(ctx_set_unknown(&reused, names[45], &e), 0);

	/* The same request from scratch, keys in the same order. */
	ck_assert_int_eq(ctx_init(&fresh, U, "iam:PassRole", R, &e), 0);
	ck_assert_int_eq(ctx_set(&fresh, "aws:PrincipalTag/team", v1, 1, &e), 0);
	ck_assert_int_eq(ctx_set_unknown(&fresh, "aws:SourceIp", &e), 0);
	ck_assert_int_eq(ctx_finish(&fresh, &e), 0);
	ck_assert_int_eq(ctx_set(&fresh, names[44], v2, 1, &e), 0);
	ck_assert_int_eq(ctx_set_unknown(&fresh, names[45], &e), 0);
	ctx_same(&fresh, &reused, names, 48);
	ck_assert_ptr_nonnull(ctx_get_str(&reused, "aws:PrincipalArn"));
	ck_assert_ptr_nonnull(ctx_get_str(&reused, "AWS:principaltag/TEAM"));

	/* The same action again, spelt otherwise, keeps the fields and the
	 * caller's spelling; another action replaces them; a resource loaded
	 * once is the one ctx_set_resource sets. */
	{
		static const char role_x[] = "arn:aws:iam::111122223333:role/x";
		struct ctx_resource r;

		ck_assert_int_eq(ctx_set_action(&reused, "IAM:PASSROLE", &e), 0);
		ck_assert_str_eq(reused.action, "IAM:PASSROLE");
		ctx_same(&fresh, &reused, names, 48);
		/* as long as iam:PassRole, not the same */
		ck_assert_int_eq(ctx_set_action(&reused, "s3:GetObject", &e), 0);
		ck_assert_int_eq(ctx_init(&fresh, U, "s3:GetObject", R, &e), 0);
		ctx_same_request(&fresh, &reused);
		ck_assert_int_eq(ctx_set_action(&reused, "sts:AssumeRole", &e), 0);
		ck_assert_int_eq(ctx_resource_load(&r, role_x, &e), 0);
		ctx_use_resource(&reused, &r);
		ck_assert_int_eq(ctx_init(&fresh, U, "sts:AssumeRole", role_x, &e), 0);
		ctx_same_request(&fresh, &reused);
		ck_assert_int_eq(ctx_set_action(&reused, "sts:AssumeRoleWithSAML", &e), 0);
		ck_assert_int_eq(ctx_set_action(&fresh, "sts:AssumeRoleWithSAML", &e), 0);
		ctx_same_request(&fresh, &reused);
	}

	/* The parts check what ctx_init checks, with its messages. */
	ck_assert_int_eq(ctx_set_action(&reused, "nocolon", &e), -1);
	ck_assert_str_eq(e.msg, "request.action: must be service:Action (shorter than 128 bytes)");
	ck_assert_int_eq(ctx_set_resource(&reused, NULL, &e), -1);
	ck_assert_str_eq(e.msg, "request.resource: must be an ARN shorter than 2048 bytes");
	ck_assert_int_eq(ctx_init_principal(&reused, "", &e), -1);
	ck_assert_str_eq(e.msg, "request.principal: must be a non-empty ARN shorter than 2048 bytes");
}
END_TEST

START_TEST(test_formula)
{
	struct err e = { "" };
	struct arena a;
	const struct formula *x, *y, *z, *f;

	fp = parse(STMT("{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{"
	    "\"StringEquals\":{\"iam:PassedToService\":[\"ec2.amazonaws.com\",\"lambda.amazonaws.com\"]},"
	    "\"StringNotEquals\":{\"iam:passedtoservice\":\"lambda.amazonaws.com\"},"
	    "\"BoolIfExists\":{\"aws:MultiFactorAuthPresent\":\"false\"},"
	    "\"StringLike\":{\"aws:SourceVpce\":\"vpce-*\"},"
	    "\"Null\":{\"aws:SourceIp\":\"true\"}}}"), POLICY_KIND_IDENTITY, &e);
	ck_assert_msg(fp != NULL, "%s", e.msg);
	arena_init(&a, 1024, 0);
	x = atom(&a, 0);
	y = atom(&a, 1);
	z = atom(&a, 2);
	ck_assert_str_eq(render(x), "iam:PassedToService in {ec2.amazonaws.com, lambda.amazonaws.com}");
	ck_assert_str_eq(render(y), "iam:passedtoservice not in {lambda.amazonaws.com}");
	ck_assert_str_eq(render(formula_not(&a, z)), "not (aws:MultiFactorAuthPresent is false or absent)");
	ck_assert_str_eq(render(atom(&a, 3)), "aws:SourceVpce like {vpce-*}");
	ck_assert_str_eq(render(atom(&a, 4)), "aws:SourceIp is absent");
	/* folding */
	ck_assert(formula_and(&a, x, formula_true()) == x);
	ck_assert(formula_is_false(formula_and(&a, x, formula_false())));
	ck_assert(formula_is_true(formula_or(&a, formula_true(), x)));
	ck_assert(formula_or(&a, formula_false(), x) == x);
	ck_assert(formula_not(&a, formula_not(&a, x)) == x);
	ck_assert(formula_and(&a, x, atom(&a, 0)) == x);	/* idempotent */
	ck_assert(formula_is_false(formula_and(&a, x, formula_not(&a, x))));
	ck_assert(formula_is_true(formula_or(&a, x, formula_not(&a, x))));
	ck_assert(formula_and(&a, x, formula_or(&a, x, y)) == x);	/* absorption */
	ck_assert(formula_or(&a, formula_and(&a, x, y), x) == x);
	f = formula_and(&a, formula_or(&a, x, z), y);
	ck_assert_str_eq(render(f), "(iam:PassedToService in {ec2.amazonaws.com, lambda.amazonaws.com} or "
	    "(aws:MultiFactorAuthPresent is false or absent)) and iam:passedtoservice not in {lambda.amazonaws.com}");
	/* deciding: x and y holds for ec2 only (not constant) ... */
	ck_assert(formula_decide(&a, formula_and(&a, x, y)) == formula_and(&a, x, y) ||
	    !formula_is_const(formula_decide(&a, formula_and(&a, x, y))));
	/* ... x and not(StringNotEquals lambda) = x and svc == lambda: lambda only */
	f = formula_and(&a, x, formula_not(&a, y));
	ck_assert(!formula_is_const(formula_decide(&a, f)));
	/* (svc == ec2 or lambda) and svc != lambda and svc == lambda: never */
	f = formula_and(&a, formula_and(&a, x, y), formula_not(&a, y));
	ck_assert(formula_is_false(formula_decide(&a, f)));
	/* x or not x after assignment */
	ck_assert(formula_is_true(formula_assign(&a, x, "IAM:PassedToService", "ec2.amazonaws.com")));
	ck_assert(formula_is_false(formula_assign(&a, x, "iam:PassedToService", "glue.amazonaws.com")));
	ck_assert(formula_is_false(formula_assign(&a, x, "iam:PassedToService", NULL)));
	/* a Like pattern with a wildcard is never decided by enumeration */
	f = atom(&a, 3);
	ck_assert(formula_decide(&a, f) == f);
	arena_free(&a);
	policy_free(fp);
}
END_TEST

/*
 * Constraint dedupe: an atom already among a chain's operands is not added
 * again, also when its values are the same set in another order (values
 * are ORed), also in a chain far longer than a hash-set resize, also when
 * an older node of the chain is extended a second way (the shared set must
 * then not show the other extension's operands). formula_decide answers an
 * open OR of service constraints without enumerating.
 */
START_TEST(test_formula_chain_dedupe)
{
	struct err e = { "" };
	struct arena a;
	struct buf doc;
	const struct formula *f, *g, *h, *at[200];
	struct policy *p;

	buf_init(&doc, 0);
	buf_puts(&doc, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
	    "\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"iam:PassedToService\":[\"b\",\"a\"]}}}");
	for (int i = 0; i < 200; i++)
		buf_printf(&doc, ",{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":"
		    "{\"StringEquals\":{\"iam:PassedToService\":[\"%c\",\"s%d\"]}}}", i == 0 ? 'a' : 'x', i);
	buf_puts(&doc, "]}");
	p = parse(buf_cstr(&doc), POLICY_KIND_IDENTITY, &e);
	ck_assert_msg(p != NULL, "%s", e.msg);
	arena_init(&a, 1024, 0);
	for (int i = 0; i < 200; i++) {
		struct formula_atom fa = { 0 };

		fa.cond = &p->stmts[i + 1].conds[0];
		fa.vals = fa.cond->vals;
		fa.nvals = fa.cond->nvals;
		fa.compiled = fa.cond->compiled;
		at[i] = formula_atom(&a, &fa);
	}
	{
		/* {a, s0} in another order equals {s0, a} given literally */
		struct formula_atom fa = { 0 };
		const char *vals[] = { "s0", "a" };

		fa.cond = &p->stmts[1].conds[0];
		fa.vals = vals;
		fa.nvals = 2;
		ck_assert(formula_equal(formula_atom(&a, &fa), at[0]));
		vals[0] = "s1";
		ck_assert(!formula_equal(formula_atom(&a, &fa), at[0]));
	}
	f = at[0];
	for (int i = 1; i < 200; i++)
		f = formula_or(&a, f, at[i]);
	/* every operand again, in any order: the chain stays as it is */
	for (int i = 199; i >= 0; i--)
		ck_assert(formula_or(&a, f, at[i]) == f);
	/* extend an older node of the chain a second way */
	g = at[0];
	for (int i = 1; i < 100; i++)
		g = formula_or(&a, g, at[i]);
	ck_assert(formula_or(&a, g, at[150]) != g);	/* g does not have at[150] */
	h = formula_or(&a, g, at[150]);
	ck_assert(h != g && formula_or(&a, h, at[150]) == h);
	ck_assert(formula_or(&a, h, at[120]) != h);
	ck_assert(formula_or(&a, g, at[99]) == g);
	/* open: false with the key absent, true for a listed service */
	ck_assert(formula_decide(&a, f) == f);
	ck_assert(formula_is_true(formula_assign(&a, f, "iam:PassedToService", "s150")));
	ck_assert(formula_is_false(formula_assign(&a, f, "iam:PassedToService", "zz")));
	arena_free(&a);
	policy_free(p);
	buf_free(&doc);
}
END_TEST

/* condop_eval_one (the evaluator's path for a single known value) gives
 * condop_eval's answer for every operator family and qualifier. */
START_TEST(test_condop_eval_one_agrees)
{
	static const char *const ops[] = {
		"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotLike",
		"StringLike", "ForAnyValue:StringEquals", "ForAllValues:StringNotEquals",
		"StringEqualsIfExists", "StringNotEqualsIfExists", "ArnEquals", "ArnLike",
		"Bool", "Null", "NumericEquals", "NumericLessThan",
	};
	static const char *const vals[][3] = {
		{ "eu-west-1", "us-east-1", "true" },
		{ "a\x01*b", "", "10" },
		{ "arn:aws:iam::111122223333:role/x", "EU-WEST-1", "false" },
	};
	static const char *const reqs[] = {
		"eu-west-1", "us-east-1", "EU-west-1", "", "a*b", "a\x01*b", "true", "false",
		"10", "9", "arn:aws:iam::111122223333:role/x", "x",
	};
	struct err e = { "" };

	for (size_t o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
		struct condop op;

		ck_assert_int_eq(condop_parse(ops[o], &op, &e), 0);
		for (size_t v = 0; v < 3; v++) {
			for (size_t nv = 1; nv <= 3; nv++) {
				const char *pvals[3];
				struct condop_values *pv;

				for (size_t i = 0; i < nv; i++)
					pvals[i] = vals[v][(i + o) % 3];
				pv = condop_values_new(&op, pvals, nv, &e);
				if (pv == NULL)
					continue;	/* e.g. "eu-west-1" is no number */
				for (size_t r = 0; r < sizeof(reqs) / sizeof(reqs[0]); r++) {
					const char *rv = reqs[r];

					ck_assert_msg(condop_eval_one(&op, pv, rv, strlen(rv),
					    condop_value_hash(rv, strlen(rv))) ==
					    condop_eval(&op, pv, true, &rv, 1),
					    "%s with %zu values (set %zu) on \"%s\"", ops[o], nv, v, rv);
				}
				condop_values_free(pv);
			}
		}
	}
}
END_TEST

/* ---- glob against a plain backtracking reference ---- */

static size_t
ref_u8len(const unsigned char *t, size_t avail)
{
	size_t n = *t >= 0xf0 ? 4 : *t >= 0xe0 ? 3 : *t >= 0xc0 ? 2 : 1;

	if (n > avail)
		n = avail;
	for (size_t i = 1; i < n; i++)
		if ((t[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

static unsigned char
ref_fold(unsigned char c, bool nocase)
{
	return nocase && c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Tries every split at every star: slow, obviously right. */
static bool
ref_glob(const unsigned char *p, size_t pl, const unsigned char *t, size_t tl, bool nocase)
{
	unsigned char pc;
	size_t adv = 1, n;

	if (pl == 0)
		return tl == 0;
	if (p[0] == '*') {
		for (size_t k = 0; k <= tl; k++)
			if (ref_glob(p + 1, pl - 1, t + k, tl - k, nocase))
				return true;
		return false;
	}
	if (tl == 0)
		return false;
	if (p[0] == '?') {
		n = ref_u8len(t, tl);
		return ref_glob(p + 1, pl - 1, t + n, tl - n, nocase);
	}
	pc = p[0];
	if (pc == (unsigned char)MATCH_ESC && pl > 1) {
		pc = p[1];
		adv = 2;
	}
	return ref_fold(pc, nocase) == ref_fold(t[0], nocase) &&
	    ref_glob(p + adv, pl - adv, t + 1, tl - 1, nocase);
}

START_TEST(test_glob_against_reference)
{
	static const char pchars[] = "aAb:*?*\x01\xc3\xa9";
	static const char tchars[] = "aAb:*\x01\xc3\xa9";
	unsigned int seed = 12345;

	for (int iter = 0; iter < 200000; iter++) {
		char pat[12], txt[12];
		size_t pl, tl;
		bool nocase;

		seed = seed * 1103515245u + 12345u;
		pl = (seed >> 8) % 9;
		tl = (seed >> 16) % 11;
		nocase = (seed >> 28) & 1;
		for (size_t i = 0; i < pl; i++) {
			seed = seed * 1103515245u + 12345u;
			pat[i] = pchars[(seed >> 16) % (sizeof(pchars) - 1)];
		}
		for (size_t i = 0; i < tl; i++) {
			seed = seed * 1103515245u + 12345u;
			txt[i] = tchars[(seed >> 16) % (sizeof(tchars) - 1)];
		}
		ck_assert_msg(match_glob_n(pat, pl, txt, tl, nocase) ==
		    ref_glob((const unsigned char *)pat, pl, (const unsigned char *)txt, tl, nocase),
		    "iteration %d: pattern %.*s text %.*s", iter, (int)pl, pat, (int)tl, txt);
	}
}
END_TEST

/*
 * formula_decide over more combinations than its probe and than one 64-bit
 * block: three keys of five candidates each (absent, another value, "",
 * two values, the literal) make 125 combinations.
 */
START_TEST(test_formula_decide_blocks)
{
	struct err e = { "" };
	struct arena a;
	const struct formula *eq[3], *ne[3], *present3, *always3, *noise, *f;

	fp = parse(STMT("{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{"
	    "\"StringEquals\":{\"k:one\":\"v1\",\"k:two\":\"v2\",\"k:three\":\"v3\"},"
	    "\"StringNotEquals\":{\"k:one\":\"v1\",\"k:two\":\"v2\",\"k:three\":\"v3\"},"
	    "\"Null\":{\"k:three\":\"false\"}}}"), POLICY_KIND_IDENTITY, &e);
	ck_assert_msg(fp != NULL, "%s", e.msg);
	arena_init(&a, 1024, 0);
	for (size_t i = 0; i < 3; i++) {
		eq[i] = atom(&a, i);
		ne[i] = atom(&a, 3 + i);
	}
	present3 = atom(&a, 6);
	/* k:one == v1 and k:one != v1, likewise for k:two: never true, but
	 * not folded, so the formula mentions all three keys. */
	noise = formula_or(&a, formula_and(&a, eq[0], ne[0]), formula_and(&a, eq[1], ne[1]));
	/* k:three == v3, != v3 (also when absent), or present (two values):
	 * true in every one of the 125 combinations. */
	always3 = formula_or(&a, formula_or(&a, eq[2], ne[2]), present3);
	f = formula_or(&a, always3, noise);
	ck_assert(!formula_is_const(f));
	ck_assert(formula_is_true(formula_decide(&a, f)));
	ck_assert(formula_is_false(formula_decide(&a, formula_not(&a, f))));
	/* k:three == v3 hides behind the noise: the probe only ever sees v3
	 * for k:three, the word-wise pass finds the other values. */
	f = formula_or(&a, eq[2], noise);
	ck_assert(formula_decide(&a, f) == f);
	f = formula_or(&a, formula_and(&a, eq[2], formula_and(&a, eq[1], eq[0])), noise);
	ck_assert(formula_decide(&a, f) == f);
	arena_free(&a);
	policy_free(fp);
}
END_TEST

static Suite *
policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_accept_shapes);
	tcase_add_test(tc, test_reject_messages);
	tcase_add_test(tc, test_reject_unknown_operator);
	tcase_add_test(tc, test_bounds);
	tcase_add_test(tc, test_mutations_never_crash);
	tcase_add_test(tc, test_action_matching);
	tcase_add_test(tc, test_resource_matching);
	tcase_add_test(tc, test_resource_split_agrees_with_match_arn);
	tcase_add_test(tc, test_principal_matching);
	tcase_add_test(tc, test_principal_flags);
	tcase_add_test(tc, test_pvar);
	tcase_add_test(tc, test_ctx_parts_and_truncate);
	tcase_add_test(tc, test_formula);
	tcase_add_test(tc, test_formula_decide_blocks);
	tcase_add_test(tc, test_formula_chain_dedupe);
	tcase_add_test(tc, test_glob_against_reference);
	tcase_add_test(tc, test_condop_eval_one_agrees);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_main(policy_suite());
}
