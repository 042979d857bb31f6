/* Endpoint table for the three partitions, overrides, region validation. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "aws/endpoint.h"

#include "checkmain.h"

struct ep_case {
	enum aws_partition part;
	const char *region;
	enum aws_service svc;
	const char *url, *host, *signing_region, *signing_service;
};

static const struct ep_case ep_cases[] = {
	{ AWS_PARTITION_AWS, "eu-west-1", AWS_SVC_IAM, "https://iam.amazonaws.com/", "iam.amazonaws.com", "us-east-1", "iam" },
	{ AWS_PARTITION_AWS, "eu-west-1", AWS_SVC_ORGANIZATIONS, "https://organizations.us-east-1.amazonaws.com/", "organizations.us-east-1.amazonaws.com", "us-east-1", "organizations" },
	{ AWS_PARTITION_AWS, "eu-west-1", AWS_SVC_STS, "https://sts.eu-west-1.amazonaws.com/", "sts.eu-west-1.amazonaws.com", "eu-west-1", "sts" },
	{ AWS_PARTITION_AWS, "ap-southeast-2", AWS_SVC_EC2, "https://ec2.ap-southeast-2.amazonaws.com/", "ec2.ap-southeast-2.amazonaws.com", "ap-southeast-2", "ec2" },
	{ AWS_PARTITION_CN, "cn-north-1", AWS_SVC_IAM, "https://iam.cn-north-1.amazonaws.com.cn/", "iam.cn-north-1.amazonaws.com.cn", "cn-north-1", "iam" },
	{ AWS_PARTITION_CN, "cn-north-1", AWS_SVC_ORGANIZATIONS, "https://organizations.cn-northwest-1.amazonaws.com.cn/", "organizations.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1", "organizations" },
	{ AWS_PARTITION_CN, "cn-northwest-1", AWS_SVC_STS, "https://sts.cn-northwest-1.amazonaws.com.cn/", "sts.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1", "sts" },
	{ AWS_PARTITION_CN, "cn-north-1", AWS_SVC_EC2, "https://ec2.cn-north-1.amazonaws.com.cn/", "ec2.cn-north-1.amazonaws.com.cn", "cn-north-1", "ec2" },
	{ AWS_PARTITION_GOV, "us-gov-east-1", AWS_SVC_IAM, "https://iam.us-gov.amazonaws.com/", "iam.us-gov.amazonaws.com", "us-gov-west-1", "iam" },
	{ AWS_PARTITION_GOV, "us-gov-east-1", AWS_SVC_ORGANIZATIONS, "https://organizations.us-gov-west-1.amazonaws.com/", "organizations.us-gov-west-1.amazonaws.com", "us-gov-west-1", "organizations" },
	{ AWS_PARTITION_GOV, "us-gov-east-1", AWS_SVC_STS, "https://sts.us-gov-east-1.amazonaws.com/", "sts.us-gov-east-1.amazonaws.com", "us-gov-east-1", "sts" },
	{ AWS_PARTITION_GOV, "us-gov-west-1", AWS_SVC_EC2, "https://ec2.us-gov-west-1.amazonaws.com/", "ec2.us-gov-west-1.amazonaws.com", "us-gov-west-1", "ec2" },
};

START_TEST(test_partition_table)
{
	const struct ep_case *c = &ep_cases[_i];
	struct aws_endpoint ep;
	struct err e;

	err_clear(&e);
	ck_assert_msg(endpoint_resolve(c->svc, c->part, c->region, NULL, &ep, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(ep.url, c->url);
	ck_assert_str_eq(ep.host, c->host);
	ck_assert_str_eq(ep.host_header, c->host);
	ck_assert_str_eq(ep.path, "/");
	ck_assert_str_eq(ep.signing_region, c->signing_region);
	ck_assert_str_eq(ep.signing_service, c->signing_service);
	ck_assert(ep.https);
	ck_assert(!ep.loopback);
}
END_TEST

START_TEST(test_partition_names)
{
	enum aws_partition p;
	struct err e;

	ck_assert_int_eq(endpoint_partition_parse("aws", &p, &e), 0);
	ck_assert_int_eq(p, AWS_PARTITION_AWS);
	ck_assert_int_eq(endpoint_partition_parse("aws-cn", &p, &e), 0);
	ck_assert_int_eq(p, AWS_PARTITION_CN);
	ck_assert_int_eq(endpoint_partition_parse("aws-us-gov", &p, &e), 0);
	ck_assert_int_eq(p, AWS_PARTITION_GOV);
	ck_assert_int_eq(endpoint_partition_parse("aws-iso", &p, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "aws-iso"));
	ck_assert_str_eq(endpoint_partition_name(AWS_PARTITION_GOV), "aws-us-gov");
	ck_assert_int_eq(endpoint_partition_of_region("cn-north-1"), AWS_PARTITION_CN);
	ck_assert_int_eq(endpoint_partition_of_region("us-gov-west-1"), AWS_PARTITION_GOV);
	ck_assert_int_eq(endpoint_partition_of_region("us-east-1"), AWS_PARTITION_AWS);
}
END_TEST

START_TEST(test_region_validation)
{
	static const char *const good[] = { "us-east-1", "eu-central-2", "ap-southeast-4",
		"us-gov-west-1", "cn-northwest-1", "il-central-1", "me-south-1", "ca-west-1" };
	static const char *const bad[] = { "", "us", "us-east", "US-EAST-1", "us-east-1a",
		"us_east_1", "us--east-1", "-us-east-1", "us-east-1-", "useast1", "u-east-1",
		"us-east-x1", "us-1-east", "us-east-1/../x", "us-east-1.evil.com", "usa-east-1",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-east-1" };
	struct aws_endpoint ep;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(endpoint_region_valid(good[i]), "%s", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(!endpoint_region_valid(bad[i]), "%s", bad[i]);
		ck_assert_int_eq(endpoint_resolve(AWS_SVC_STS, AWS_PARTITION_AWS, bad[i], NULL, &ep, &e), -1);
		ck_assert_ptr_nonnull(strstr(e.msg, "invalid AWS region"));
	}
	ck_assert(!endpoint_region_valid(NULL));
	/* A region of another partition is refused, not silently mapped. */
	ck_assert_int_eq(endpoint_resolve(AWS_SVC_STS, AWS_PARTITION_AWS, "cn-north-1", NULL, &ep, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "not in partition aws"));
	ck_assert_int_eq(endpoint_resolve(AWS_SVC_IAM, AWS_PARTITION_GOV, "us-east-1", NULL, &ep, &e), -1);
}
END_TEST

START_TEST(test_override)
{
	struct aws_endpoint ep;
	struct err e;

	ck_assert_int_eq(endpoint_resolve(AWS_SVC_IAM, AWS_PARTITION_AWS, "eu-west-1",
	    "http://127.0.0.1:4566", &ep, &e), 0);
	ck_assert_str_eq(ep.url, "http://127.0.0.1:4566/");
	ck_assert_str_eq(ep.host_header, "127.0.0.1:4566");
	ck_assert_str_eq(ep.host, "127.0.0.1");
	ck_assert(ep.loopback);
	ck_assert(!ep.https);
	/* The override does not change how the request is signed. */
	ck_assert_str_eq(ep.signing_region, "us-east-1");
	ck_assert_str_eq(ep.signing_service, "iam");

	ck_assert_int_eq(endpoint_resolve(AWS_SVC_STS, AWS_PARTITION_AWS, "eu-west-1",
	    "https://localhost:443/base/", &ep, &e), 0);
	ck_assert_str_eq(ep.host_header, "localhost");
	ck_assert_str_eq(ep.path, "/base/");
	ck_assert_str_eq(ep.signing_region, "eu-west-1");
	ck_assert(ep.loopback);

	ck_assert_int_eq(endpoint_resolve(AWS_SVC_EC2, AWS_PARTITION_AWS, "eu-west-1",
	    "http://[::1]:8080/", &ep, &e), 0);
	ck_assert_str_eq(ep.host, "[::1]");
	ck_assert_str_eq(ep.host_header, "[::1]:8080");
	ck_assert(ep.loopback);

	ck_assert_int_eq(endpoint_resolve(AWS_SVC_EC2, AWS_PARTITION_AWS, "eu-west-1",
	    "https://vpce-1.ec2.eu-west-1.vpce.amazonaws.com", &ep, &e), 0);
	ck_assert(!ep.loopback);
	ck_assert_str_eq(ep.url, "https://vpce-1.ec2.eu-west-1.vpce.amazonaws.com/");

	/* Plain http to anything but loopback is refused. */
	ck_assert_int_eq(endpoint_resolve(AWS_SVC_STS, AWS_PARTITION_AWS, "us-east-1",
	    "http://sts.amazonaws.com/", &ep, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "loopback"));
	ck_assert_int_eq(endpoint_resolve(AWS_SVC_STS, AWS_PARTITION_AWS, "us-east-1",
	    "http://128.0.0.1/", &ep, &e), -1);
	ck_assert_int_eq(endpoint_resolve(AWS_SVC_STS, AWS_PARTITION_AWS, "us-east-1",
	    "http://127.0.0.1.evil.com/", &ep, &e), -1);
	ck_assert_int_eq(endpoint_resolve(AWS_SVC_STS, AWS_PARTITION_AWS, "us-east-1",
	    "ftp://127.0.0.1/", &ep, &e), -1);
	ck_assert_int_eq(endpoint_resolve(AWS_SVC_STS, AWS_PARTITION_AWS, "us-east-1",
	    "https://user@127.0.0.1/", &ep, &e), -1);
	ck_assert_int_eq(endpoint_resolve(AWS_SVC_STS, AWS_PARTITION_AWS, "us-east-1",
	    "https://127.0.0.1/?x=1", &ep, &e), -1);
	ck_assert_int_eq(endpoint_resolve(AWS_SVC_STS, AWS_PARTITION_AWS, "us-east-1",
	    "https://127.0.0.1:99999/", &ep, &e), -1);
	ck_assert_int_eq(endpoint_resolve(AWS_SVC_STS, AWS_PARTITION_AWS, "us-east-1",
	    "https://:443/", &ep, &e), -1);
	ck_assert_int_eq(endpoint_resolve(AWS_SVC_STS, AWS_PARTITION_AWS, "us-east-1",
	    "https://[::1/", &ep, &e), -1);
}
END_TEST

START_TEST(test_loopback_hosts)
{
	ck_assert(endpoint_host_is_loopback("127.0.0.1"));
	ck_assert(endpoint_host_is_loopback("127.255.1.2"));
	ck_assert(endpoint_host_is_loopback("localhost"));
	ck_assert(endpoint_host_is_loopback("LOCALHOST"));
	ck_assert(endpoint_host_is_loopback("::1"));
	ck_assert(endpoint_host_is_loopback("[::1]"));
	ck_assert(!endpoint_host_is_loopback("128.0.0.1"));
	ck_assert(!endpoint_host_is_loopback("10.0.0.1"));
	ck_assert(!endpoint_host_is_loopback("localhost.example.com"));
	ck_assert(!endpoint_host_is_loopback("::2"));
	ck_assert(!endpoint_host_is_loopback("169.254.169.254"));
	ck_assert(!endpoint_host_is_loopback(""));
	ck_assert(!endpoint_host_is_loopback(NULL));
}
END_TEST

START_TEST(test_service_info)
{
	enum aws_service s;

	ck_assert_int_eq(endpoint_service_parse("organizations", &s), 0);
	ck_assert_int_eq(s, AWS_SVC_ORGANIZATIONS);
	ck_assert_int_eq(endpoint_service_info(s)->protocol, AWS_PROTO_JSON);
	ck_assert_str_eq(endpoint_service_info(s)->target_prefix, "AWSOrganizationsV20161128");
	ck_assert_str_eq(endpoint_service_info(AWS_SVC_IAM)->api_version, "2010-05-08");
	ck_assert_str_eq(endpoint_service_info(AWS_SVC_STS)->api_version, "2011-06-15");
	ck_assert_str_eq(endpoint_service_info(AWS_SVC_EC2)->api_version, "2016-11-15");
	ck_assert_int_eq(endpoint_service_info(AWS_SVC_EC2)->protocol, AWS_PROTO_EC2);
	ck_assert_int_eq(endpoint_service_parse("s3", &s), -1);
	ck_assert_ptr_null(endpoint_service_info(AWS_SVC_COUNT));
}
END_TEST

static Suite *
endpoint_suite(void)
{
	Suite *s = suite_create("endpoint");
	TCase *tc = tcase_create("table");

	tcase_add_loop_test(tc, test_partition_table, 0, (int)(sizeof(ep_cases) / sizeof(ep_cases[0])));
	tcase_add_test(tc, test_partition_names);
	tcase_add_test(tc, test_region_validation);
	tcase_add_test(tc, test_override);
	tcase_add_test(tc, test_loopback_hosts);
	tcase_add_test(tc, test_service_info);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_main(endpoint_suite());
}
