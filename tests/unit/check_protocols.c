/* query/ec2/JSON protocol helpers and policy-document decoding, on the
 * shared IAM, EC2 and STS sample responses. */
#include "config.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "aws/jsonproto.h"
#include "aws/policydoc.h"
#include "aws/query.h"
#include "aws/xml.h"
#include "aws_testdata.h"
#include "checkmain.h"

START_TEST(test_query_build)
{
	struct query_param p[] = {
		{ "Filter.member.1", "Role" },
		{ "Marker", "AAJbVq3l+8Fv/bX0mZ2ZP0m==" },
		{ "Name", "a b~c*d%e" },
	};
	struct buf b = BUF_INIT;
	struct err e;

	ck_assert_int_eq(query_build(&b, "GetAccountAuthorizationDetails", "2010-05-08", p, 3, &e), 0);
	ck_assert_str_eq(buf_cstr(&b), "Action=GetAccountAuthorizationDetails&Version=2010-05-08"
	    "&Filter.member.1=Role&Marker=AAJbVq3l%2B8Fv%2FbX0mZ2ZP0m%3D%3D&Name=a%20b~c%2Ad%25e");
	buf_free(&b);
	buf_init(&b, 20);
	ck_assert_int_eq(query_build(&b, "GetCallerIdentity", "2011-06-15", NULL, 0, &e), -1);
	buf_free(&b);
	p[0].value = NULL;
	ck_assert_int_eq(query_build(&b, "X", "1", p, 1, &e), -1);
	buf_free(&b);
}
END_TEST

START_TEST(test_timestamps)
{
	time_t t;
	struct err e;

	ck_assert_int_eq(query_parse_timestamp("2021-03-04T10:11:12Z", &t, &e), 0);
	ck_assert_int_eq((long long)t, 1614852672LL);
	ck_assert_int_eq(query_parse_timestamp("2023-03-14T15:09:26.535Z", &t, &e), 0);
	ck_assert_int_eq((long long)t, 1678806566LL);
	ck_assert_int_eq(query_parse_timestamp("2023-03-14T15:09:26.000000001Z", &t, &e), 0);
	ck_assert_int_eq((long long)t, 1678806566LL);
	ck_assert_int_eq(query_parse_timestamp("2024-02-29T12:34:56Z", &t, &e), 0);
	ck_assert_int_eq((long long)t, 1709210096LL);
	ck_assert_int_eq(query_parse_timestamp("1970-01-01T00:00:00Z", &t, &e), 0);
	ck_assert_int_eq((long long)t, 0);
	ck_assert_int_eq(query_parse_timestamp("2038-01-19T03:14:08Z", &t, &e), 0);
	ck_assert_int_eq((long long)t, 2147483648LL);
	ck_assert_int_eq(query_parse_timestamp("2021-03-04T12:11:12+02:00", &t, &e), 0);
	ck_assert_int_eq((long long)t, 1614852672LL);
	static const char *const bad[] = { "", "2021-03-04", "2021-03-04T10:11:12", "2021-13-01T00:00:00Z",
		"2023-02-29T00:00:00Z", "2021-03-04T24:00:00Z", "2021-03-04T10:11:12.Z", "2021-03-04 10:11:12Z",
		"2021-03-04T10:11:12Zjunk", "20210304T101112Z", "2021-03-32T00:00:00Z" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(query_parse_timestamp(bad[i], &t, &e) == -1, "%s", bad[i]);
		ck_assert_ptr_nonnull(strstr(e.msg, "invalid timestamp"));
	}
	ck_assert_int_eq(query_parse_timestamp(NULL, &t, &e), -1);
	/* API fields are strict; the relaxed flag is for credential documents. */
	ck_assert_int_eq(query_parse_timestamp("2021-03-04T12:11:12+0200", &t, &e), -1);
	ck_assert_int_eq(query_parse_time("2021-03-04T12:11:12+0200", QUERY_TIME_RELAXED, &t, &e), 0);
	ck_assert_int_eq((long long)t, 1614852672LL);
	ck_assert_int_eq(query_parse_time("2021-03-04 10:11:12Z", QUERY_TIME_RELAXED, &t, &e), 0);
	ck_assert_int_eq((long long)t, 1614852672LL);
	ck_assert_int_eq(query_parse_time("2023-02-29 00:00:00Z", QUERY_TIME_RELAXED, &t, &e), -1);
	ck_assert_int_eq(query_parse_time("2021-03-04 10:11:12", QUERY_TIME_RELAXED, &t, &e), -1);
}
END_TEST

/* Every policy document in both IAM pages decodes to one of the verbatim
 * texts of expected.json, and every verbatim text is produced. */
START_TEST(test_iam_pages)
{
	static const char *const pages[] = {
		"aws-responses/iam/GetAccountAuthorizationDetails.synthetic.page1.xml",
		"aws-responses/iam/GetAccountAuthorizationDetails.synthetic.page2.xml",
	};
	static const char *const rids[] = { "7f3c2a1e-5b6d-4e8f-9a0b-1c2d3e4f5a6b",
		"0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e" };
	char *exp_text = testdata_read("aws-responses/iam/GetAccountAuthorizationDetails.synthetic.expected.json", NULL);
	cJSON *exp = cJSON_Parse(exp_text), *verb, *v;
	int found[32] = { 0 }, ndocs = 0, nverb = 0, k;
	size_t p;

	ck_assert_ptr_nonnull(exp);
	verb = cJSON_GetObjectItemCaseSensitive(exp, "decoded_documents_verbatim");
	cJSON_ArrayForEach(v, verb)
		nverb++;
	ck_assert_int_eq(nverb, 11);
	for (p = 0; p < 2; p++) {
		size_t len;
		char *body = testdata_read(pages[p], &len);
		struct xml_doc *doc;
		const struct xml_node *res, *n, *user;
		char rid[64];
		struct err e;
		bool trunc;
		time_t t;

		ck_assert_msg(query_parse_response(AWS_PROTO_QUERY, body, len,
		    "GetAccountAuthorizationDetails", NULL, &doc, &res, rid, sizeof(rid), &e) == 0, "%s", e.msg);
		ck_assert_str_eq(rid, rids[p]);
		ck_assert_str_eq(res->name, "GetAccountAuthorizationDetailsResult");
		ck_assert_int_eq(query_parse_bool(xml_path_text(res, "IsTruncated"), &trunc, &e), 0);
		ck_assert_int_eq(trunc, p == 0);
		if (p == 0) {
			/* Markers are opaque: '+', '/', '=' stay as sent. */
			ck_assert_str_eq(xml_path_text(res, "Marker"),
			    "AAJbVq3lDdQ4hD0Kh+8Fv/bX0mZ2ZP0m1v7S0c2Y6m5XG0n8c9sDrGZ3QbmUeZl0lq9NfU3w5i5n8V1k4a8x/6tq0Ee2YQ==");
			ck_assert_uint_eq(xml_list_count(xml_child(res, "UserDetailList")), 2);
			ck_assert_uint_eq(xml_list_count(xml_child(res, "GroupDetailList")), 2);
			ck_assert_uint_eq(xml_list_count(xml_child(res, "RoleDetailList")), 2);
			ck_assert_uint_eq(xml_list_count(xml_child(res, "Policies")), 1);
			user = xml_list_first(xml_child(res, "UserDetailList"));
			ck_assert_str_eq(xml_path_text(user, "UserName"), "alice");
			ck_assert_int_eq(query_parse_timestamp(xml_path_text(user, "CreateDate"), &t, &e), 0);
			ck_assert_int_eq((long long)t, 1614852672LL);
			n = xml_list_next(xml_list_first(xml_path(user, "Tags")));
			ck_assert_str_eq(xml_path_text(n, "Value"), "CC-1234 & ops");
			n = xml_path(user, "GroupList");
			ck_assert_str_eq(xml_list_first(n)->text, "Admins");
			ck_assert_str_eq(xml_list_next(xml_list_first(n))->text, "Developers");
		}
		/* Walk the whole tree for document elements. */
		for (n = doc->root; n != NULL;) {
			if (strcmp(n->name, "PolicyDocument") == 0 || strcmp(n->name, "AssumeRolePolicyDocument") == 0 ||
			    strcmp(n->name, "Document") == 0) {
				struct buf out = BUF_INIT;
				bool matched = false;

				ck_assert_msg(policydoc_decode(&out, n->text, n->text_len, &e) == 0, "%s", e.msg);
				k = 0;
				cJSON_ArrayForEach(v, verb) {
					if (strcmp(v->valuestring, buf_cstr(&out)) == 0) {
						found[k]++;
						matched = true;
					}
					k++;
				}
				ck_assert_msg(matched, "decoded document matches no expected text: %.200s", buf_cstr(&out));
				ndocs++;
				buf_free(&out);
			}
			if (n->first_child != NULL) {
				n = n->first_child;
			} else {
				while (n != NULL && n->next == NULL)
					n = n->parent;
				if (n != NULL)
					n = n->next;
			}
		}
		xml_free(doc);
		free(body);
	}
	for (k = 0; k < nverb; k++)
		ck_assert_msg(found[k] > 0, "expected document %d never decoded", k);
	ck_assert_int_ge(ndocs, nverb);
	/* '+' arrives as %2B and must come out as '+', never a space. */
	ck_assert_ptr_nonnull(strstr(cJSON_GetObjectItemCaseSensitive(verb, "trust_audit")->valuestring,
	    "audit+2024/q1"));
	cJSON_Delete(exp);
	free(exp_text);
}
END_TEST

START_TEST(test_policydoc_tolerant)
{
	struct buf b = BUF_INIT;
	struct err e;
	const char *plain = "  {\"Statement\":[{\"Condition\":{\"StringLike\":{\"s3:prefix\":\"100%25 a+b\"}}}]}\n ";
	const char *enc = "%7B%22a%22%3A%22x+y%20z%C3%A9%2A*%22%7D";

	ck_assert_int_eq(policydoc_decode(&b, plain, strlen(plain), &e), 0);
	ck_assert_str_eq(buf_cstr(&b), "{\"Statement\":[{\"Condition\":{\"StringLike\":{\"s3:prefix\":\"100%25 a+b\"}}}]}");
	buf_reset(&b);
	ck_assert_int_eq(policydoc_decode(&b, enc, strlen(enc), &e), 0);
	ck_assert_str_eq(buf_cstr(&b), "{\"a\":\"x+y z\xc3\xa9**\"}");
	buf_reset(&b);
	ck_assert_int_eq(policydoc_decode(&b, "%7B%2", 5, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "policy document"));
	buf_reset(&b);
	ck_assert_int_eq(policydoc_decode(&b, "", 0, &e), 0);
	ck_assert_str_eq(buf_cstr(&b), "");
	buf_free(&b);
}
END_TEST

START_TEST(test_ec2_pages)
{
	static const char *const pages[] = {
		"aws-responses/ec2/DescribeVpcEndpoints.synthetic.page1.xml",
		"aws-responses/ec2/DescribeVpcEndpoints.synthetic.page2.xml",
	};
	char *exp_text = testdata_read("aws-responses/ec2/DescribeVpcEndpoints.synthetic.expected.json", NULL);
	cJSON *exp = cJSON_Parse(exp_text);
	size_t p;
	int ndoc = 0;

	ck_assert_ptr_nonnull(exp);
	for (p = 0; p < 2; p++) {
		size_t len;
		char *body = testdata_read(pages[p], &len);
		const cJSON *pe = cJSON_GetObjectItemCaseSensitive(exp, p == 0 ? "page1" : "page2");
		const cJSON *eps = cJSON_GetObjectItemCaseSensitive(pe, "VpcEndpoints");
		const cJSON *nt = cJSON_GetObjectItemCaseSensitive(pe, "NextToken");
		const struct xml_node *res, *item;
		struct xml_doc *doc;
		char rid[64];
		struct err e;
		int i = 0;

		ck_assert_msg(query_parse_response(AWS_PROTO_EC2, body, len, "DescribeVpcEndpoints", NULL,
		    &doc, &res, rid, sizeof(rid), &e) == 0, "%s", e.msg);
		ck_assert_str_eq(rid, p == 0 ? "a9b8c7d6-e5f4-4a3b-9c2d-1e0f9a8b7c6d" : "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e");
		if (cJSON_IsString(nt))
			ck_assert_str_eq(xml_path_text(res, "nextToken"), nt->valuestring);
		else
			ck_assert(xml_path_text(res, "nextToken") == NULL || xml_path_text(res, "nextToken")[0] == '\0');
		for (item = xml_list_first(xml_child(res, "vpcEndpointSet")); item != NULL; item = xml_list_next(item)) {
			const cJSON *x = cJSON_GetArrayItem(eps, i++);
			const cJSON *text = cJSON_GetObjectItemCaseSensitive(x, "PolicyDocumentText");
			struct buf out = BUF_INIT;
			const char *pdoc;
			time_t t;

			ck_assert_ptr_nonnull(x);
			ck_assert_str_eq(xml_path_text(item, "vpcEndpointId"),
			    cJSON_GetObjectItemCaseSensitive(x, "VpcEndpointId")->valuestring);
			ck_assert_str_eq(xml_path_text(item, "state"),
			    cJSON_GetObjectItemCaseSensitive(x, "State")->valuestring);
			/* Plain JSON text: the tolerant decoder leaves it as is. */
			pdoc = xml_path_text(item, "policyDocument");
			if (cJSON_IsString(text)) {
				ck_assert_ptr_nonnull(pdoc);
				ck_assert_int_eq(policydoc_decode(&out, pdoc, strlen(pdoc), &e), 0);
				ck_assert_str_eq(buf_cstr(&out), text->valuestring);
				ndoc++;
			} else {
				ck_assert(pdoc == NULL || pdoc[0] == '\0');
			}
			buf_free(&out);
			/* Fractional seconds. */
			ck_assert_int_eq(query_parse_timestamp(xml_path_text(item, "creationTimestamp"), &t, &e), 0);
			if (p == 0 && i == 1)
				ck_assert_int_eq((long long)t, 1678806566LL);
		}
		ck_assert_int_eq(i, cJSON_GetArraySize(eps));
		xml_free(doc);
		free(body);
	}
	ck_assert_int_ge(ndoc, 2);
	cJSON_Delete(exp);
	free(exp_text);
}
END_TEST

START_TEST(test_sts_assume_role_and_wrong_root)
{
	size_t len;
	char *body = testdata_read("aws-responses/sts/AssumeRole.recorded-traffic.xml", &len);
	struct xml_doc *doc;
	const struct xml_node *res;
	char rid[64];
	struct err e;
	time_t t;

	ck_assert_int_eq(query_parse_response(AWS_PROTO_QUERY, body, len, "AssumeRole", NULL, &doc, &res,
	    rid, sizeof(rid), &e), 0);
	ck_assert_str_eq(rid, "d9d47248-fd55-4686-ad7c-0fb7cd1cddd7");
	ck_assert_str_eq(xml_path_text(res, "Credentials/AccessKeyId"), "ASIARCORRECT");
	ck_assert_str_eq(xml_path_text(res, "AssumedRoleUser/Arn"),
	    "arn:aws:sts::130633740322:assumed-role/imds-chained-role-test/assume-role-from-profile-1632246085998");
	ck_assert_int_eq(query_parse_timestamp(xml_path_text(res, "Credentials/Expiration"), &t, &e), 0);
	ck_assert_int_eq((long long)t, 1632249686LL);
	xml_free(doc);
	/* Asking for another operation's answer is an error naming both. */
	ck_assert_int_eq(query_parse_response(AWS_PROTO_QUERY, body, len, "GetCallerIdentity", NULL, &doc,
	    &res, NULL, 0, &e), -1);
	ck_assert_ptr_null(doc);
	ck_assert_ptr_nonnull(strstr(e.msg, "<AssumeRoleResponse>"));
	ck_assert_ptr_nonnull(strstr(e.msg, "GetCallerIdentityResponse"));
	/* Truncated. */
	ck_assert_int_eq(query_parse_response(AWS_PROTO_QUERY, body, len / 2, "AssumeRole", NULL, &doc,
	    &res, NULL, 0, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "AssumeRole response: malformed XML"));
	free(body);
}
END_TEST

START_TEST(test_jsonproto)
{
	char target[64];
	struct buf b = BUF_INIT;
	cJSON *req = cJSON_CreateObject(), *out;
	struct err e;

	ck_assert_int_eq(jsonproto_target(target, sizeof(target), "AWSOrganizationsV20161128", "ListRoots", &e), 0);
	ck_assert_str_eq(target, "AWSOrganizationsV20161128.ListRoots");
	ck_assert_int_eq(jsonproto_target(target, 10, "AWSOrganizationsV20161128", "ListRoots", &e), -1);
	ck_assert_int_eq(jsonproto_build(&b, NULL, &e), 0);
	ck_assert_str_eq(buf_cstr(&b), "{}");
	buf_reset(&b);
	cJSON_AddStringToObject(req, "ParentId", "r-examplerootid111");
	cJSON_AddNumberToObject(req, "MaxResults", 20);
	ck_assert_int_eq(jsonproto_build(&b, req, &e), 0);
	ck_assert_str_eq(buf_cstr(&b), "{\"ParentId\":\"r-examplerootid111\",\"MaxResults\":20}");
	buf_free(&b);
	cJSON_Delete(req);

	ck_assert_int_eq(jsonproto_parse_response("{\"Roots\":[]}\n", 13, 0, "ListRoots", &out, &e), 0);
	ck_assert(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(out, "Roots")));
	cJSON_Delete(out);
	ck_assert_int_eq(jsonproto_parse_response("", 0, 0, "ListRoots", &out, &e), 0);
	ck_assert(cJSON_IsObject(out));
	cJSON_Delete(out);
	ck_assert_int_eq(jsonproto_parse_response("{\"a\":1", 6, 0, "ListRoots", &out, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "ListRoots response: malformed JSON"));
	ck_assert_int_eq(jsonproto_parse_response("[1]", 3, 0, "ListRoots", &out, &e), -1);
	ck_assert_int_eq(jsonproto_parse_response("{} {}", 5, 0, "ListRoots", &out, &e), -1);
	ck_assert_int_eq(jsonproto_parse_response("{\"a\":1}", 7, 3, "ListRoots", &out, &e), -1);
	ck_assert_ptr_null(out);
}
END_TEST

static Suite *
protocols_suite(void)
{
	Suite *s = suite_create("protocols");
	TCase *tc = tcase_create("wire");

	tcase_add_test(tc, test_query_build);
	tcase_add_test(tc, test_timestamps);
	tcase_add_test(tc, test_iam_pages);
	tcase_add_test(tc, test_policydoc_tolerant);
	tcase_add_test(tc, test_ec2_pages);
	tcase_add_test(tc, test_sts_assume_role_and_wrong_root);
	tcase_add_test(tc, test_jsonproto);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_main(protocols_suite());
}
