/* The evaluation chain, explanations and the request reader
 * (src/policy/eval.c, explain.c, evalcmd.c); the --eval command's tests are
 * check_evalcmd.c. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "policy/evalcmd.h"
#include "policy/explain.h"

#include "checkmain.h"

/* Load a request from JSON text, evaluate, return the result object. */
static cJSON *
run_json(const char *text, struct err *e)
{
	cJSON *req = cJSON_Parse(text), *out = NULL;
	struct evalcmd_case ec;
	struct eval_state st;
	struct eval_result res;

	ck_assert_msg(req != NULL, "test JSON broken: %s", text);
	eval_state_init(&st);
	if (evalcmd_load(&ec, req, NULL, e) == 0 && eval_run(&st, &ec.rq, &res, e) == 0)
		out = evalcmd_result_json(&ec, &res);
	evalcmd_case_free(&ec);
	eval_state_free(&st);
	cJSON_Delete(req);
	return out;
}

static const char *
str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

#define REQ(ctx, pols) "{\"name\":\"t\",\"request\":{\"principal\":\"arn:aws:iam::111122223333:user/alice\"," \
	"\"action\":\"iam:PassRole\",\"resource\":\"arn:aws:iam::111122223333:role/Admin\"" ctx "}," \
	"\"policies\":{" pols "}}"
#define ALLOWPASS "{\"name\":\"Pass\",\"source\":\"user alice inline\",\"document\":{\"Version\":\"2012-10-17\"," \
	"\"Statement\":[{\"Sid\":\"PassEc2\",\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\"," \
	"\"Condition\":{\"StringEquals\":{\"iam:PassedToService\":\"ec2.amazonaws.com\"}}}]}}"

START_TEST(test_three_valued)
{
	struct err e = { "" };
	cJSON *r;

	/* unknown key: conditional with the constraint */
	r = run_json(REQ(",\"unknown\":[\"iam:PassedToService\"]", "\"identity\":[" ALLOWPASS "]"), &e);
	ck_assert_msg(r != NULL, "%s", e.msg);
	ck_assert_str_eq(str(r, "decision"), "conditional");
	ck_assert_str_eq(str(r, "constraints"), "iam:PassedToService in {ec2.amazonaws.com}");
	cJSON_Delete(r);
	/* known: decided; context keys are case-insensitive */
	r = run_json(REQ(",\"context\":{\"IAM:passedtoservice\":\"ec2.amazonaws.com\"}", "\"identity\":[" ALLOWPASS "]"), &e);
	ck_assert_str_eq(str(r, "decision"), "allowed");
	cJSON_Delete(r);
	r = run_json(REQ(",\"context\":{\"iam:PassedToService\":\"EC2.amazonaws.com\"}", "\"identity\":[" ALLOWPASS "]"), &e);
	ck_assert_str_eq(str(r, "decision"), "denied");
	cJSON_Delete(r);
	/* absent: StringEquals on an absent key is false */
	r = run_json(REQ("", "\"identity\":[" ALLOWPASS "]"), &e);
	ck_assert_str_eq(str(r, "decision"), "denied");
	ck_assert_str_eq(str(r, "deny"), "implicit");
	cJSON_Delete(r);
}
END_TEST

START_TEST(test_unknown_never_turns_deny_into_allow)
{
	struct err e = { "" };
	cJSON *r;
	const char *deny = ",{\"name\":\"DenyOutsideVpce\",\"document\":{\"Version\":\"2012-10-17\",\"Statement\":"
	    "[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"StringNotEquals\":"
	    "{\"aws:SourceVpce\":\"vpce-1\"}}}]}}";
	char buf[4096];

	snprintf(buf, sizeof(buf), REQ(",\"context\":{\"iam:PassedToService\":\"ec2.amazonaws.com\"},"
	    "\"unknown\":[\"aws:SourceVpce\"]", "\"identity\":[" ALLOWPASS "%s]"), deny);
	r = run_json(buf, &e);
	ck_assert_msg(r != NULL, "%s", e.msg);
	ck_assert_str_eq(str(r, "decision"), "conditional");
	ck_assert_str_eq(str(r, "constraints"), "aws:SourceVpce in {vpce-1}");
	cJSON_Delete(r);
	/* the same deny with the key absent: denied (negated operator, absent key) */
	snprintf(buf, sizeof(buf), REQ(",\"context\":{\"iam:PassedToService\":\"ec2.amazonaws.com\"}",
	    "\"identity\":[" ALLOWPASS "%s]"), deny);
	r = run_json(buf, &e);
	ck_assert_str_eq(str(r, "decision"), "denied");
	ck_assert_str_eq(str(r, "deny"), "explicit");
	ck_assert_str_eq(str(r, "layer"), "identity");
	cJSON_Delete(r);
}
END_TEST

START_TEST(test_layers_report)
{
	struct err e = { "" };
	cJSON *r, *layers, *id, *st;

	r = run_json(REQ(",\"context\":{\"iam:PassedToService\":\"ec2.amazonaws.com\"}",
	    "\"identity\":[" ALLOWPASS "],\"scp\":[[{\"name\":\"FullAWSAccess\",\"document\":{\"Statement\":"
	    "{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}}]]"), &e);
	ck_assert_msg(r != NULL, "%s", e.msg);
	ck_assert_str_eq(str(r, "decision"), "allowed");
	layers = cJSON_GetObjectItemCaseSensitive(r, "layers");
	ck_assert_int_eq(cJSON_GetArraySize(layers), EVAL_LAYER_COUNT);
	id = cJSON_GetArrayItem(layers, EVAL_LAYER_IDENTITY);
	ck_assert_str_eq(str(id, "layer"), "identity");
	ck_assert_str_eq(str(id, "result"), "allow");
	st = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(id, "statements"), 0);
	ck_assert_str_eq(str(st, "policy"), "Pass");
	ck_assert_str_eq(str(st, "source"), "user alice inline");
	ck_assert_str_eq(str(st, "sid"), "PassEc2");
	ck_assert_str_eq(str(st, "effect"), "Allow");
	st = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(layers, EVAL_LAYER_SCP),
	    "statements"), 0);
	ck_assert_str_eq(str(st, "sid"), "#0");
	ck_assert_str_eq(str(cJSON_GetArrayItem(layers, EVAL_LAYER_BOUNDARY), "result"), "not-applicable");
	cJSON_Delete(r);
}
END_TEST

START_TEST(test_assume_role_chain)
{
	struct err e = { "" };
	cJSON *r;
	const char *base = "{\"request\":{\"principal\":\"arn:aws:iam::111122223333:user/alice\","
	    "\"action\":\"sts:AssumeRole\",\"resource\":\"arn:aws:iam::111122223333:role/Admin\"},"
	    "\"policies\":{\"identity\":[],\"rcp\":[[{\"name\":\"DenyAll\",\"document\":{\"Statement\":"
	    "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"sts:*\",\"Resource\":\"*\"}}}]],"
	    "\"resource\":[{\"name\":\"trust\",\"document\":{\"Statement\":{\"Effect\":\"Allow\","
	    "\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:user/alice\"},\"Action\":\"sts:AssumeRole\"}}}]}}";

	/* STS is RCP-governed: the RCP deny applies to AssumeRole */
	r = run_json(base, &e);
	ck_assert_msg(r != NULL, "%s", e.msg);
	ck_assert_str_eq(str(r, "decision"), "denied");
	ck_assert_str_eq(str(r, "layer"), "rcp");
	ck_assert_str_eq(str(r, "message"), "User: arn:aws:iam::111122223333:user/alice is not authorized to "
	    "perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/Admin with an explicit deny "
	    "in a resource control policy");
	cJSON_Delete(r);
}
END_TEST

START_TEST(test_explain_text)
{
	struct err e = { "" };
	cJSON *req = cJSON_Parse(REQ(",\"unknown\":[\"iam:PassedToService\"]", "\"identity\":[" ALLOWPASS "],"
	    "\"boundary\":{\"name\":\"B\",\"document\":{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}}"));
	struct evalcmd_case ec;
	struct eval_state st;
	struct eval_result res;
	struct buf b;

	eval_state_init(&st);
	ck_assert_int_eq(evalcmd_load(&ec, req, NULL, &e), 0);
	ck_assert_int_eq(eval_run(&st, &ec.rq, &res, &e), 0);
	buf_init(&b, 0);
	ck_assert_int_eq(explain_text(&res, &ec.ctx, &b), 0);
	ck_assert_msg(strstr(buf_cstr(&b), "decision: denied (implicit deny, boundary)\n") != NULL, "%s", buf_cstr(&b));
	ck_assert_msg(strstr(buf_cstr(&b), "because no permissions boundary allows the iam:PassRole action\n") != NULL,
	    "%s", buf_cstr(&b));
	ck_assert_msg(strstr(buf_cstr(&b), "identity (identity-based policy): conditional\n  Allow by policy \"Pass\" "
	    "(user alice inline) statement PassEc2 when iam:PassedToService in {ec2.amazonaws.com}\n") != NULL,
	    "%s", buf_cstr(&b));
	ck_assert_msg(strstr(buf_cstr(&b), "boundary (permissions boundary): no-allow\n") != NULL, "%s", buf_cstr(&b));
	buf_free(&b);
	evalcmd_case_free(&ec);
	eval_state_free(&st);
	cJSON_Delete(req);
}
END_TEST

static void
bad(const char *text, const char *msg)
{
	struct err e = { "" };
	cJSON *r = run_json(text, &e);

	ck_assert_msg(r == NULL, "accepted: %s", text);
	ck_assert_str_eq(e.msg, msg);
}

START_TEST(test_bad_requests)
{
	bad("{\"request\":{\"action\":\"iam:PassRole\",\"resource\":\"x\"}}",
	    "request.principal: required, must be a string");
	bad("{\"request\":{\"principal\":\"p\",\"action\":\"PassRole\",\"resource\":\"x\"}}",
	    "request.action: must be service:Action (shorter than 128 bytes)");
	bad("{\"request\":{\"principal\":\"p\",\"action\":\"iam:PassRole\",\"resource\":\"x\",\"context\":{\"k\":[\"a\",{}]}}}",
	    "request.context.k[1]: must be a string, number or boolean, got an object");
	bad("{\"request\":{\"principal\":\"p\",\"action\":\"iam:PassRole\",\"resource\":\"x\"},\"polices\":{}}",
	    "polices: unknown key");
	bad("{\"request\":{\"principal\":\"p\",\"action\":\"iam:PassRole\",\"resource\":\"x\"},\"policies\":{\"scp\":[[{\"name\":\"S\","
	    "\"document\":{\"Statement\":{\"Effect\":\"Permit\",\"Action\":\"*\",\"Resource\":\"*\"}}}]]}}",
	    "policies.scp[0][0].document: policy \"S\": Statement.Effect: must be \"Allow\" or \"Deny\", got \"Permit\"");
	bad("{\"request\":{\"principal\":\"p\",\"action\":\"iam:PassRole\",\"resource\":\"x\"},\"policies\":{\"identity\":[{\"name\":\"I\","
	    "\"document\":\"{\\\"Statement\\\":[\"}]}}",
	    "policies.identity[0].document: policy \"I\": not valid JSON (at byte 13)");
	bad("{\"request\":{\"principal\":\"p\",\"action\":\"iam:PassRole\",\"resource\":\"x\"},\"account\":{\"is_management_account\":1}}",
	    "account.is_management_account: must be true or false, got a number");
	bad("{\"request\":{\"principal\":\"p\",\"action\":\"iam:PassRole\",\"resource\":\"x\",\"context\":{\"a:b\":\"1\"},\"unknown\":[\"A:B\"]}}",
	    "request.unknown[0]: condition key \"A:B\" given twice (keys are case-insensitive)");
}
END_TEST

/* After the first decision the evaluation arena does not grow: the hot
 * path allocates nothing from the system. */
START_TEST(test_no_growth)
{
	struct err e = { "" };
	cJSON *req = cJSON_Parse(REQ(",\"unknown\":[\"iam:PassedToService\"]", "\"identity\":[" ALLOWPASS "]"));
	struct evalcmd_case ec;
	struct eval_state st;
	struct eval_result res;
	size_t total;

	eval_state_init(&st);
	ck_assert_int_eq(evalcmd_load(&ec, req, NULL, &e), 0);
	ck_assert_int_eq(eval_run(&st, &ec.rq, &res, &e), 0);
	total = st.arena.total;
	for (int i = 0; i < 2000; i++)
		ck_assert_int_eq(eval_run(&st, &ec.rq, &res, &e), 0);
	ck_assert_uint_eq(st.arena.total, total);
	ck_assert_int_eq(res.decision, EVAL_CONDITIONAL);
	evalcmd_case_free(&ec);
	eval_state_free(&st);
	cJSON_Delete(req);
}
END_TEST

/*
 * Which same-account resource-based grants lift the implicit deny of a
 * permissions boundary and of a session policy. AWS, "How AWS enforcement
 * code logic evaluates requests to allow or deny access", Resource-based
 * policies: a grant to the IAM user ARN, the role session ARN or the AWS STS
 * federated user ARN is not limited by them; a grant to the role ARN is;
 * "Permissions boundaries and session policies do not limit permissions
 * granted using the aws:PrincipalArn condition key with a wildcard(*) in the
 * Principal element". "*" alone is not among the cases listed, so the
 * boundary and session policy still limit it.
 */
struct lift_case {
	const char *what;
	const char *principal;
	const char *action;	/* on arn:aws:s3:::b/k, or the Admin role for sts:AssumeRole */
	const char *ceiling;	/* "boundary" or "session" */
	const char *principal_elem;
	const char *cond;	/* Condition object or "" */
	const char *identity;	/* identity policy list */
	const char *decision, *layer;
};

#define S3_ONLY_BOUNDARY "{\"name\":\"Ec2Only\",\"document\":{\"Version\":\"2012-10-17\",\"Statement\":" \
	"{\"Effect\":\"Allow\",\"Action\":\"ec2:*\",\"Resource\":\"*\"}}}"
#define SESSION_ARN "arn:aws:sts::111122223333:assumed-role/Builder/ci"
#define FED_ARN "arn:aws:sts::111122223333:federated-user/bob"
#define PARN_BUILDER ",\"Condition\":{\"ArnEquals\":{\"aws:PrincipalArn\":\"arn:aws:iam::111122223333:role/ops/Builder\"}}"

static const struct lift_case lift_cases[] = {
	{ "federated user ARN, boundary", FED_ARN, "s3:GetObject", "boundary",
	  "{\"AWS\":\"" FED_ARN "\"}", "", "[]", "allowed", NULL },
	{ "federated user ARN, session policy", FED_ARN, "s3:GetObject", "session",
	  "{\"AWS\":\"" FED_ARN "\"}", "", "[]", "allowed", NULL },
	{ "federated user ARN in a trust policy, boundary", FED_ARN, "sts:AssumeRole", "boundary",
	  "{\"AWS\":\"" FED_ARN "\"}", "", "[]", "allowed", NULL },
	{ "session ARN, boundary", SESSION_ARN, "s3:GetObject", "boundary",
	  "{\"AWS\":\"" SESSION_ARN "\"}", "", "[]", "allowed", NULL },
	{ "role ARN, boundary", SESSION_ARN, "s3:GetObject", "boundary",
	  "{\"AWS\":\"arn:aws:iam::111122223333:role/ops/Builder\"}", "", "[]", "denied", "boundary" },
	{ "role ARN, session policy", SESSION_ARN, "s3:GetObject", "session",
	  "{\"AWS\":\"arn:aws:iam::111122223333:role/ops/Builder\"}", "", "[]", "denied", "session" },
	{ "* with aws:PrincipalArn, session policy", SESSION_ARN, "s3:GetObject", "session",
	  "\"*\"", PARN_BUILDER, "[]", "allowed", NULL },
	{ "{AWS:*} with aws:principalarn (any case), boundary", SESSION_ARN, "s3:GetObject", "boundary",
	  "{\"AWS\":\"*\"}", ",\"Condition\":{\"ArnLike\":{\"aws:principalarn\":\"arn:aws:iam::*:role/*/Builder\"}}",
	  "[]", "allowed", NULL },
	{ "* with aws:PrincipalArn naming a user, boundary", "arn:aws:iam::111122223333:user/alice",
	  "sts:AssumeRole", "boundary", "\"*\"",
	  ",\"Condition\":{\"StringEquals\":{\"aws:PrincipalArn\":\"arn:aws:iam::111122223333:user/alice\"}}",
	  "[]", "allowed", NULL },
	{ "* with aws:PrincipalArn that does not hold", SESSION_ARN, "s3:GetObject", "session",
	  "\"*\"", ",\"Condition\":{\"ArnEquals\":{\"aws:PrincipalArn\":\"arn:aws:iam::111122223333:role/Other\"}}",
	  "[]", "denied", "identity" },
	{ "* with aws:PrincipalArn, explicit deny in an identity policy", SESSION_ARN, "s3:GetObject", "session",
	  "\"*\"", PARN_BUILDER, "[{\"name\":\"DenyS3\",\"document\":{\"Version\":\"2012-10-17\",\"Statement\":"
	  "{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}}]", "denied", "identity" },
	{ "* alone in a trust policy, boundary", "arn:aws:iam::111122223333:user/alice", "sts:AssumeRole",
	  "boundary", "\"*\"", "", "[]", "denied", "boundary" },
	{ "* alone, session policy", SESSION_ARN, "s3:GetObject", "session", "{\"AWS\":\"*\"}", "", "[]",
	  "denied", "session" },
	{ "* with another key, boundary", SESSION_ARN, "s3:GetObject", "boundary", "\"*\"",
	  ",\"Condition\":{\"StringEquals\":{\"aws:PrincipalAccount\":\"111122223333\"}}", "[]", "denied", "boundary" },
};

START_TEST(test_resource_grant_lifts_ceiling)
{
	const struct lift_case *lc = &lift_cases[_i];
	bool assume = strcmp(lc->action, "sts:AssumeRole") == 0;
	struct err e = { "" };
	char buf[4096];
	cJSON *r;

	/* A session's aws:PrincipalArn is its role's ARN, path included
	 * (derived from the session ARN it would lack the path). */
	snprintf(buf, sizeof(buf), "{\"request\":{\"principal\":\"%s\",\"action\":\"%s\",\"resource\":\"%s\"%s},"
	    "\"policies\":{\"identity\":%s,%s%s%s,\"resource\":[{\"name\":\"rbp\",\"document\":{"
	    "\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\",\"Principal\":%s,\"Action\":\"%s\""
	    "%s%s}}}]}}",
	    lc->principal, lc->action, assume ? "arn:aws:iam::111122223333:role/Admin" : "arn:aws:s3:::b/k",
	    strcmp(lc->principal, SESSION_ARN) == 0 ?
	    ",\"context\":{\"aws:PrincipalArn\":\"arn:aws:iam::111122223333:role/ops/Builder\"}" : "",
	    lc->identity, strcmp(lc->ceiling, "boundary") == 0 ? "\"boundary\":" : "\"session\":[",
	    S3_ONLY_BOUNDARY, strcmp(lc->ceiling, "boundary") == 0 ? "" : "]",
	    lc->principal_elem, lc->action, assume ? "" : ",\"Resource\":\"arn:aws:s3:::b/*\"", lc->cond);
	r = run_json(buf, &e);
	ck_assert_msg(r != NULL, "%s: %s", lc->what, e.msg);
	ck_assert_msg(strcmp(str(r, "decision"), lc->decision) == 0, "%s: decision %s, expected %s",
	    lc->what, str(r, "decision"), lc->decision);
	if (lc->layer != NULL)
		ck_assert_msg(str(r, "layer") != NULL && strcmp(str(r, "layer"), lc->layer) == 0,
		    "%s: layer %s, expected %s", lc->what, str(r, "layer"), lc->layer);
	cJSON_Delete(r);
}
END_TEST

static Suite *
eval_suite(void)
{
	Suite *s = suite_create("eval");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_three_valued);
	tcase_add_test(tc, test_unknown_never_turns_deny_into_allow);
	tcase_add_test(tc, test_layers_report);
	tcase_add_test(tc, test_assume_role_chain);
	tcase_add_test(tc, test_explain_text);
	tcase_add_test(tc, test_bad_requests);
	tcase_add_test(tc, test_no_growth);
	tcase_add_loop_test(tc, test_resource_grant_lifts_ceiling, 0,
	    (int)(sizeof(lift_cases) / sizeof(lift_cases[0])));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_main(eval_suite());
}
