/* AWS error parsing: every sample error body, the JSON code rules, formatting,
 * classification, and bodies that are broken. */
#include "config.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "aws/awserr.h"
#include "aws_testdata.h"
#include "checkmain.h"

#define R AWSERR_RETRYABLE
#define T AWSERR_THROTTLE
#define C AWSERR_CREDENTIAL
#define X AWSERR_EXPIRED
#define A AWSERR_ACCESS_DENIED

struct err_case {
	const char *file;
	enum aws_protocol proto;
	long status;
	const char *code, *request_id, *message_prefix;
	unsigned flags;
};

static const struct err_case err_cases[] = {
	{ "synthetic/ec2.AuthFailure.xml", AWS_PROTO_EC2, 403, "AuthFailure", "d2b3c4e5-0003-4000-8000-000000000003", "AWS was not able to validate the provided access credentials", C },
	{ "synthetic/ec2.InvalidVpcEndpointId.NotFound.xml", AWS_PROTO_EC2, 400, "InvalidVpcEndpointId.NotFound", "d2b3c4e5-0004-4000-8000-000000000004", "The Vpc Endpoint Id 'vpce-0000000000000dead' does not exist", 0 },
	{ "synthetic/ec2.RequestLimitExceeded.xml", AWS_PROTO_EC2, 503, "RequestLimitExceeded", "d2b3c4e5-0001-4000-8000-000000000001", "Request limit exceeded.", R | T },
	{ "synthetic/ec2.UnauthorizedOperation.scp.xml", AWS_PROTO_EC2, 403, "UnauthorizedOperation", "d2b3c4e5-0002-4000-8000-000000000002", "You are not authorized to perform this operation. User: arn:", A },
	{ "synthetic/iam.AccessDenied.implicit.xml", AWS_PROTO_QUERY, 403, "AccessDenied", "c1a2b3d4-0002-4000-8000-000000000002", "User: arn:aws:iam::111122223333:user/alice is not authorized", A },
	{ "synthetic/iam.AccessDenied.scp.xml", AWS_PROTO_QUERY, 403, "AccessDenied", "c1a2b3d4-0001-4000-8000-000000000001", "User: arn:aws:sts::111122223333:assumed-role/AuditRole/ci-se", A },
	{ "synthetic/iam.ExpiredToken.xml", AWS_PROTO_QUERY, 403, "ExpiredToken", "c1a2b3d4-0005-4000-8000-000000000005", "The security token included in the request is expired", C | X },
	{ "synthetic/iam.SignatureDoesNotMatch.xml", AWS_PROTO_QUERY, 403, "SignatureDoesNotMatch", "c1a2b3d4-0004-4000-8000-000000000004", "The request signature we calculated does not match the signa", C },
	{ "synthetic/iam.SignatureDoesNotMatch.errors-wrapped.xml", AWS_PROTO_QUERY, 403, "SignatureDoesNotMatch", "c1a2b3d4-000a-4000-8000-00000000000a", "The request signature we calculated does not match the signa", C },
	{ "synthetic/iam.SignatureDoesNotMatch.errors-wrapped.xml", AWS_PROTO_EC2, 403, "SignatureDoesNotMatch", "c1a2b3d4-000a-4000-8000-00000000000a", "The request signature we calculated does not match the signa", C },
	{ "synthetic/iam.Throttling.xml", AWS_PROTO_QUERY, 400, "Throttling", "c1a2b3d4-0003-4000-8000-000000000003", "Rate exceeded", R | T },
	{ "synthetic/json11.ExpiredTokenException.json", AWS_PROTO_JSON, 400, "ExpiredTokenException", "", "The security token included in the request is expired", C | X },
	{ "synthetic/json11.InvalidSignatureException.json", AWS_PROTO_JSON, 400, "InvalidSignatureException", "", "The request signature we calculated does not match the signa", C },
	{ "synthetic/json11.ThrottlingException.namespaced.json", AWS_PROTO_JSON, 400, "ThrottlingException", "", "Rate exceeded", R | T },
	{ "synthetic/json11.UnrecognizedClientException.json", AWS_PROTO_JSON, 400, "UnrecognizedClientException", "", "The security token included in the request is invalid.", C },
	{ "synthetic/organizations.AWSOrganizationsNotInUseException.json", AWS_PROTO_JSON, 400, "AWSOrganizationsNotInUseException", "", "Your account isn't a member of an organization. To make this", 0 },
	{ "synthetic/organizations.AccessDeniedException.scp.json", AWS_PROTO_JSON, 400, "AccessDeniedException", "", "User: arn:aws:sts::444455556666:assumed-role/AuditRole/ci-se", A },
	{ "synthetic/organizations.InvalidInputException.pagination.json", AWS_PROTO_JSON, 400, "InvalidInputException", "", "The provided pagination token is invalid.", 0 },
	{ "synthetic/organizations.TooManyRequestsException.json", AWS_PROTO_JSON, 400, "TooManyRequestsException", "", "You have sent too many requests in too short a period of tim", R | T },
	{ "synthetic/sts.AccessDenied.vpce.xml", AWS_PROTO_QUERY, 403, "AccessDenied", "c1a2b3d4-0008-4000-8000-000000000008", "User: arn:aws:iam::111122223333:user/alice is not authorized", A },
	{ "synthetic/sts.ExpiredToken.xml", AWS_PROTO_QUERY, 400, "ExpiredToken", "c1a2b3d4-0006-4000-8000-000000000006", "The security token included in the request is expired", C | X },
	{ "synthetic/sts.InvalidClientTokenId.xml", AWS_PROTO_QUERY, 403, "InvalidClientTokenId", "c1a2b3d4-0007-4000-8000-000000000007", "The security token included in the request is invalid.", C },
	{ "synthetic/sts.Throttling.xml", AWS_PROTO_QUERY, 400, "Throttling", "c1a2b3d4-0009-4000-8000-000000000009", "Rate exceeded", R | T },
	{ "sts.InvalidIdentityToken.recorded-traffic.xml", AWS_PROTO_QUERY, 400, "InvalidIdentityToken", "5045ca91-d123-4749-9d66-00a3c906be6c", "No OpenIDConnect provider found in your account for https://", 0 },
	{ "smithy-protocol-tests/awsQuery/QueryComplexError.xml", AWS_PROTO_QUERY, 400, "ComplexError", "foo-id", "", 0 },
	{ "smithy-protocol-tests/awsQuery/QueryCustomizedError.xml", AWS_PROTO_QUERY, 402, "Customized", "foo-id", "Hi", 0 },
	{ "smithy-protocol-tests/awsQuery/QueryInvalidGreetingError.xml", AWS_PROTO_QUERY, 400, "InvalidGreeting", "foo-id", "Hi", 0 },
	{ "smithy-protocol-tests/ec2Query/Ec2ComplexError.xml", AWS_PROTO_EC2, 400, "ComplexError", "foo-id", "Hi", 0 },
	{ "smithy-protocol-tests/ec2Query/Ec2InvalidGreetingError.xml", AWS_PROTO_EC2, 400, "InvalidGreeting", "foo-id", "Hi", 0 },
};

START_TEST(test_error_samples)
{
	const struct err_case *c = &err_cases[_i];
	char path[256];
	struct awserr a;
	size_t len;
	char *body;

	snprintf(path, sizeof(path), "aws-responses/errors/%s", c->file);
	body = testdata_read(path, &len);
	awserr_clear(&a);
	awserr_set_api(&a, "svc", "Op");
	ck_assert_msg(awserr_parse(&a, c->proto, c->status, body, len, NULL, "hdr-id") == 0,
	    "%s: %s", c->file, a.message);
	ck_assert_str_eq(a.code, c->code);
	ck_assert_str_eq(a.request_id, c->request_id[0] != '\0' ? c->request_id : "hdr-id");
	ck_assert_msg(strncmp(a.message, c->message_prefix, strlen(c->message_prefix)) == 0,
	    "%s: %s", c->file, a.message);
	if (c->message_prefix[0] == '\0')
		ck_assert_str_eq(a.message, "");
	ck_assert_int_eq(a.http_status, c->status);
	ck_assert_msg(a.flags == c->flags, "%s: flags %#x, expected %#x", c->file, a.flags, c->flags);
	ck_assert_str_eq(a.api, "svc:Op");
	free(body);
}
END_TEST

static const char *
smithy_expected_code(const char *id)
{
	if (strstr(id, "InvalidGreeting") != NULL)
		return "InvalidGreeting";
	if (strstr(id, "ComplexError") != NULL)
		return "ComplexError";
	return "FooError";
}

/* Every awsJson1_1 case of the smithy index, headers included: header-only
 * cases take the code from X-Amzn-Errortype. */
START_TEST(test_smithy_json_index)
{
	char *idx = testdata_read("aws-responses/errors/smithy-protocol-tests/error-response-tests.json", NULL);
	cJSON *root = cJSON_Parse(idx), *arr, *t;
	int n = 0;

	ck_assert_ptr_nonnull(root);
	arr = cJSON_GetObjectItemCaseSensitive(root, "awsJson1_1");
	cJSON_ArrayForEach(t, arr) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(t, "id");
		const cJSON *status = cJSON_GetObjectItemCaseSensitive(t, "status");
		const cJSON *body = cJSON_GetObjectItemCaseSensitive(t, "body");
		const cJSON *hdrs = cJSON_GetObjectItemCaseSensitive(t, "headers");
		const cJSON *et = cJSON_GetObjectItemCaseSensitive(hdrs, "X-Amzn-Errortype");
		const char *b = cJSON_IsString(body) ? body->valuestring : NULL;
		struct awserr a;

		awserr_clear(&a);
		ck_assert_msg(awserr_parse(&a, AWS_PROTO_JSON, (long)status->valuedouble, b,
		    b != NULL ? strlen(b) : 0, cJSON_IsString(et) ? et->valuestring : NULL, NULL) == 0,
		    "%s: %s", id->valuestring, a.message);
		ck_assert_msg(strcmp(a.code, smithy_expected_code(id->valuestring)) == 0, "%s: %s",
		    id->valuestring, a.code);
		if (strcmp(id->valuestring, "AwsJson11InvalidGreetingError") == 0)
			ck_assert_str_eq(a.message, "Hi");
		/* The 500s are retryable server errors whatever their code. */
		ck_assert_int_eq(!!(a.flags & AWSERR_RETRYABLE), status->valueint >= 500);
		n++;
	}
	ck_assert_int_eq(n, 14);
	cJSON_Delete(root);
	free(idx);
}
END_TEST

START_TEST(test_json_code_rules)
{
	char out[64];
	struct awserr a;

	awserr_json_code("aws.protocoltests.json#FooError:http://internal.amazon.com/coral/x/", out, sizeof(out));
	ck_assert_str_eq(out, "FooError");
	awserr_json_code("FooError:http://internal.amazon.com/", out, sizeof(out));
	ck_assert_str_eq(out, "FooError");
	awserr_json_code("a#b#FooError", out, sizeof(out));
	ck_assert_str_eq(out, "FooError");
	awserr_json_code("Plain", out, sizeof(out));
	ck_assert_str_eq(out, "Plain");
	awserr_json_code("VeryLongCodeThatDoesNotFit", out, 5);
	ck_assert_str_eq(out, "Very");
	awserr_json_code(NULL, out, sizeof(out));
	ck_assert_str_eq(out, "");
	/* The header wins over the body. */
	awserr_clear(&a);
	ck_assert_int_eq(awserr_parse(&a, AWS_PROTO_JSON, 400, "{\"__type\":\"BodyCode\"}", 21,
	    "ns#HeaderCode:http://x/", NULL), 0);
	ck_assert_str_eq(a.code, "HeaderCode");
	/* A nested __type never names the error. */
	ck_assert_int_eq(awserr_parse(&a, AWS_PROTO_JSON, 400,
	    "{\"Details\":{\"__type\":\"Nested\"}}", 31, NULL, NULL), -1);
	ck_assert_str_eq(a.code, "Unknown");
}
END_TEST

START_TEST(test_format)
{
	struct awserr a;
	char buf[512];

	awserr_clear(&a);
	awserr_set_api(&a, "iam", "GetAccountAuthorizationDetails");
	a.http_status = 403;
	strcpy(a.code, "AccessDenied");
	strcpy(a.request_id, "X");
	strcpy(a.message, "User: u is not authorized");
	awserr_format(&a, buf, sizeof(buf));
	ck_assert_str_eq(buf, "iam:GetAccountAuthorizationDetails: AccessDenied (HTTP 403, request id X): "
	    "User: u is not authorized");
	a.request_id[0] = '\0';
	a.message[0] = '\0';
	awserr_format(&a, buf, sizeof(buf));
	ck_assert_str_eq(buf, "iam:GetAccountAuthorizationDetails: AccessDenied (HTTP 403)");
	awserr_set(&a, 0, "Timeout", "timed out", NULL, AWSERR_TRANSPORT);
	awserr_format(&a, buf, sizeof(buf));
	ck_assert_str_eq(buf, "iam:GetAccountAuthorizationDetails: Timeout (no HTTP response): timed out");
	{
		struct err e;

		awserr_to_err(&a, &e);
		ck_assert_str_eq(e.msg, buf);
	}
}
END_TEST

START_TEST(test_broken_bodies)
{
	static const char *const xml_bad[] = {
		"", "<ErrorResponse><Error><Code>Throt", "<html><body>502 Bad Gateway</body></html>",
		"<ErrorResponse><Error><Message>no code</Message></Error></ErrorResponse>",
		"<!DOCTYPE x [<!ENTITY a \"b\">]><ErrorResponse/>", "{\"__type\":\"X\"}",
	};
	static const char *const json_bad[] = { "", "{", "[1,2]", "\"str\"", "{\"message\":\"m\"}",
		"<ErrorResponse/>", "{\"__type\": 5}" };
	struct awserr a;
	char buf[1024];
	size_t i;

	for (i = 0; i < sizeof(xml_bad) / sizeof(xml_bad[0]); i++) {
		awserr_clear(&a);
		awserr_set_api(&a, "sts", "GetCallerIdentity");
		ck_assert_int_eq(awserr_parse(&a, AWS_PROTO_QUERY, 502, xml_bad[i], strlen(xml_bad[i]),
		    NULL, "rid-1"), -1);
		ck_assert_str_eq(a.code, "Unknown");
		ck_assert(a.flags & AWSERR_MALFORMED);
		ck_assert(a.flags & AWSERR_RETRYABLE);	/* a 502 is retryable whatever the body */
		ck_assert_str_eq(a.request_id, "rid-1");
		ck_assert_ptr_nonnull(strstr(a.message, "unparseable error response"));
		awserr_format(&a, buf, sizeof(buf));
		ck_assert_ptr_nonnull(strstr(buf, "sts:GetCallerIdentity: Unknown (HTTP 502, request id rid-1)"));
	}
	for (i = 0; i < sizeof(json_bad) / sizeof(json_bad[0]); i++) {
		awserr_clear(&a);
		ck_assert_int_eq(awserr_parse(&a, AWS_PROTO_JSON, 400, json_bad[i], strlen(json_bad[i]),
		    NULL, NULL), -1);
		ck_assert_str_eq(a.code, "Unknown");
		ck_assert(a.flags & AWSERR_MALFORMED);
		ck_assert(!(a.flags & AWSERR_RETRYABLE));
	}
	/* NULL body with a header code is a complete JSON error. */
	awserr_clear(&a);
	ck_assert_int_eq(awserr_parse(&a, AWS_PROTO_JSON, 400, NULL, 0, "ThrottlingException", NULL), 0);
	ck_assert(a.flags & AWSERR_THROTTLE);
	/* Overlong fields are truncated, not overflowed. */
	{
		char *big = malloc(70000);
		size_t n;

		ck_assert_ptr_nonnull(big);
		n = (size_t)snprintf(big, 70000, "<ErrorResponse><Error><Code>");
		memset(big + n, 'C', 30000);
		n += 30000;
		n += (size_t)snprintf(big + n, 70000 - n, "</Code><Message>");
		memset(big + n, 'M', 30000);
		n += 30000;
		n += (size_t)snprintf(big + n, 70000 - n, "</Message></Error></ErrorResponse>");
		ck_assert_int_eq(awserr_parse(&a, AWS_PROTO_QUERY, 400, big, n, NULL, NULL), 0);
		ck_assert_uint_eq(strlen(a.code), AWSERR_CODE_MAX - 1);
		ck_assert_uint_eq(strlen(a.message), AWSERR_MSG_MAX - 1);
		free(big);
	}
}
END_TEST

START_TEST(test_classification)
{
	struct awserr a;

	awserr_clear(&a);
	a.http_status = 429;
	strcpy(a.code, "Whatever");
	awserr_classify(&a);
	ck_assert_uint_eq(a.flags, AWSERR_THROTTLE | AWSERR_RETRYABLE);
	a.http_status = 504;
	awserr_classify(&a);
	ck_assert_uint_eq(a.flags, AWSERR_RETRYABLE);
	a.http_status = 400;
	strcpy(a.code, "AccessDeniedException");
	awserr_classify(&a);
	ck_assert_uint_eq(a.flags, AWSERR_ACCESS_DENIED);
	a.flags = AWSERR_TRANSPORT | AWSERR_RETRYABLE;
	awserr_classify(&a);
	ck_assert_uint_eq(a.flags, AWSERR_TRANSPORT);
}
END_TEST

static Suite *
awserr_suite(void)
{
	Suite *s = suite_create("awserr");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, test_error_samples, 0, (int)(sizeof(err_cases) / sizeof(err_cases[0])));
	tcase_add_test(tc, test_smithy_json_index);
	tcase_add_test(tc, test_json_code_rules);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_broken_bodies);
	tcase_add_test(tc, test_classification);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_main(awserr_suite());
}
