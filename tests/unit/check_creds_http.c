/* Credential sources that speak HTTP, against tests/credentials/mock_metadata.py
 * on 127.0.0.1: IMDSv2 (tokens, roles, refusals, timeouts), ECS/EKS container
 * endpoints with tokens, STS AssumeRoleWithWebIdentity, and the smithy-rs
 * recorded traffic replayed. */
#include "config.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aws/credentials.h"
#include "aws/creds/creds_ecs.h"
#include "aws/creds/creds_util.h"
#include "log.h"
#include "util/buf.h"
#include "util/err.h"

#include "creds_testlib.h"
#include "testserver.h"
#include "checkmain.h"

static struct testserver mock;
static char mock_url[64];

static void
mock_start(void)
{
	testserver_start(&mock, "tests/credentials/mock_metadata.py", NULL);
	memcpy(mock_url, mock.url, sizeof(mock_url));
}

static void
mock_stop(void)
{
	testserver_stop(&mock);
}

static char *
mock_ctl(const char *path, const char *body)
{
	return testserver_ctl(&mock, path, body);
}

static void
mock_config(const char *json)
{
	free(mock_ctl("/_mock/reset", ""));
	if (json != NULL)
		free(mock_ctl("/_mock/config", json));
}

/* The request log as JSON (caller cJSON_Delete). */
static cJSON *
mock_requests(void)
{
	char *s = mock_ctl("/_mock/requests", NULL);
	cJSON *j = cJSON_Parse(s);

	free(s);
	ck_assert_ptr_nonnull(j);
	return j;
}

static int
count_requests(const cJSON *reqs, const char *method, const char *path)
{
	const cJSON *r;
	int n = 0;

	cJSON_ArrayForEach(r, reqs) {
		if (strcmp(cJSON_GetObjectItem(r, "method")->valuestring, method) == 0 &&
		    strcmp(cJSON_GetObjectItem(r, "path")->valuestring, path) == 0)
			n++;
	}
	return n;
}

static const char *
req_header(const cJSON *reqs, int idx, const char *name)
{
	const cJSON *h = cJSON_GetObjectItem(cJSON_GetArrayItem(reqs, idx), "headers");
	const cJSON *v = cJSON_GetObjectItem(h, name);

	return v != NULL ? v->valuestring : NULL;
}

static const char *const no_env[] = { "HOME=/nonexistent", NULL };

static void
imds_opts(struct creds_opts *o, const char *const *env)
{
	tl_opts(o, env);
	o->imds_endpoint = mock_url;
	tl_now = 1632180000;	/* 2021-09-20T23:20Z: before the samples expire */
}

#define IMDS_ROLE_PATH "/latest/meta-data/iam/security-credentials/imds-assume-role-test"

START_TEST(test_imds_v2_success_and_token_reuse)
{
	struct aws_credentials c;
	struct creds_provider *p;
	struct creds_opts o;
	struct err e;
	cJSON *reqs;

	mock_config(NULL);
	imds_opts(&o, no_env);
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_msg(creds_provider_get(p, &c, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(c.source, "imds");
	ck_assert_str_eq(c.access_key_id, "ASIARTEST");
	ck_assert_str_eq(c.secret_access_key, "testsecret");
	ck_assert_str_eq(c.session_token, "testtoken");
	ck_assert_int_eq((long long)c.expiration, 1632197813LL);
	aws_credentials_clear(&c);

	reqs = mock_requests();
	ck_assert_int_eq(cJSON_GetArraySize(reqs), 3);
	ck_assert_int_eq(count_requests(reqs, "PUT", "/latest/api/token"), 1);
	ck_assert_str_eq(req_header(reqs, 0, "x-aws-ec2-metadata-token-ttl-seconds"), "21600");
	ck_assert_str_eq(req_header(reqs, 1, "x-aws-ec2-metadata-token"), "mocktoken-1==");
	ck_assert_str_eq(req_header(reqs, 2, "x-aws-ec2-metadata-token"), "mocktoken-1==");
	cJSON_Delete(reqs);

	/* Refresh within the token's life: the same token, no new PUT. */
	creds_provider_invalidate(p);
	ck_assert_int_eq(creds_provider_get(p, &c, &e), 0);
	aws_credentials_clear(&c);
	reqs = mock_requests();
	ck_assert_int_eq(count_requests(reqs, "PUT", "/latest/api/token"), 1);
	ck_assert_int_eq(count_requests(reqs, "GET", IMDS_ROLE_PATH), 2);
	cJSON_Delete(reqs);

	/* The token's TTL has ended: a new token before the next request. */
	tl_now += 21600;
	creds_provider_invalidate(p);
	free(mock_ctl("/_mock/config",
	    "{\"imds_credentials\": {\"Code\": \"Success\", \"AccessKeyId\": \"ASIANEXT\","
	    "\"SecretAccessKey\": \"nextsecret0123\", \"Token\": \"nexttoken0123\","
	    "\"Expiration\": \"2099-01-01T00:00:00Z\"}}"));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), 0);
	ck_assert_str_eq(c.access_key_id, "ASIANEXT");
	aws_credentials_clear(&c);
	reqs = mock_requests();
	ck_assert_int_eq(count_requests(reqs, "PUT", "/latest/api/token"), 2);
	ck_assert_str_eq(req_header(reqs, cJSON_GetArraySize(reqs) - 1, "x-aws-ec2-metadata-token"),
	    "mocktoken-2==");
	cJSON_Delete(reqs);
	creds_provider_free(p);
}
END_TEST

START_TEST(test_imds_token_rejected_gets_new_one)
{
	struct aws_credentials c;
	struct creds_provider *p;
	struct creds_opts o;
	struct err e;
	cJSON *reqs;

	mock_config(NULL);
	imds_opts(&o, no_env);
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), 0);
	aws_credentials_clear(&c);
	/* The service forgot our token (reboot, TTL on its side): 401, new token, retry. */
	free(mock_ctl("/_mock/config", "{\"revoke_tokens\": true}"));
	creds_provider_invalidate(p);
	ck_assert_msg(creds_provider_get(p, &c, &e) == 0, "%s", e.msg);
	aws_credentials_clear(&c);
	reqs = mock_requests();
	ck_assert_int_eq(count_requests(reqs, "PUT", "/latest/api/token"), 2);
	cJSON_Delete(reqs);
	creds_provider_free(p);
}
END_TEST

START_TEST(test_imds_no_role_and_token_refused)
{
	struct aws_credentials c;
	struct creds_provider *p;
	struct creds_opts o;
	struct err e;
	cJSON *reqs;

	/* No role: the auto chain ends without credentials... */
	mock_config("{\"role\": null}");
	imds_opts(&o, no_env);
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "no AWS credentials found"));
	ck_assert_ptr_nonnull(strstr(e.msg, "no IAM role is attached to this instance (HTTP 404)"));
	creds_provider_free(p);
	/* ...and source imds says so as an error of its own. */
	o.source = CREDS_SOURCE_IMDS;
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), -1);
	ck_assert_ptr_null(strstr(e.msg, "no AWS credentials found"));
	ck_assert_ptr_nonnull(strstr(e.msg, "no IAM role is attached"));
	creds_provider_free(p);

	/* Token refused (403) with the v1 fallback off: no IMDSv1 request is made. */
	mock_config("{\"token_status\": 403, \"require_token\": false}");
	o.source = CREDS_SOURCE_IMDS;
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "refused a session token (HTTP 403)"));
	creds_provider_free(p);
	o.source = CREDS_SOURCE_AUTO;
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "no AWS credentials found"));
	creds_provider_free(p);
	reqs = mock_requests();
	ck_assert_int_eq(cJSON_GetArraySize(reqs), 2);
	ck_assert_int_eq(count_requests(reqs, "PUT", "/latest/api/token"), 2);
	cJSON_Delete(reqs);

	/* With the fallback on, IMDSv1 answers. */
	o.imds_v1_fallback = true;
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_msg(creds_provider_get(p, &c, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(c.access_key_id, "ASIARTEST");
	aws_credentials_clear(&c);
	reqs = mock_requests();
	ck_assert_ptr_null(req_header(reqs, cJSON_GetArraySize(reqs) - 1, "x-aws-ec2-metadata-token"));
	cJSON_Delete(reqs);
	creds_provider_free(p);
}
END_TEST

START_TEST(test_imds_disabled_and_endpoint_from_env)
{
	char env0[100];
	const char *env_dis[] = { env0, "AWS_EC2_METADATA_DISABLED=true", NULL };
	const char *env_ep[] = { env0, NULL };
	struct aws_credentials c;
	struct creds_provider *p;
	struct creds_opts o;
	struct err e;
	cJSON *reqs;

	snprintf(env0, sizeof(env0), "AWS_EC2_METADATA_SERVICE_ENDPOINT=%s/", mock_url);
	mock_config(NULL);
	tl_opts(&o, env_dis);
	o.imds_endpoint = NULL;
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "disabled (AWS_EC2_METADATA_DISABLED)"));
	creds_provider_free(p);
	reqs = mock_requests();
	ck_assert_int_eq(cJSON_GetArraySize(reqs), 0);
	cJSON_Delete(reqs);

	tl_opts(&o, env_ep);
	o.imds_endpoint = NULL;
	tl_now = 1632180000;
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_msg(creds_provider_get(p, &c, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(c.source, "imds");
	aws_credentials_clear(&c);
	creds_provider_free(p);
}
END_TEST

static double
elapsed(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

START_TEST(test_imds_unreachable_is_skipped_quickly)
{
	struct aws_credentials c;
	struct creds_provider *p;
	struct creds_opts o;
	struct timespec t0;
	struct err e;
	double secs;

	/* A service that accepts and never answers (what a filtered network
	 * looks like after connect): the 2 s total timeout ends it. */
	mock_config("{\"token_delay_ms\": 8000}");
	imds_opts(&o, no_env);
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(creds_provider_get(p, &c, &e), -1);
	secs = elapsed(&t0);
	printf("imds silent endpoint skipped in %.3f s\n", secs);
	ck_assert_ptr_nonnull(strstr(e.msg, "instance metadata not reachable"));
	ck_assert_msg(secs < 5.0, "took %.2f s", secs);
	creds_provider_free(p);

	/* Nothing listening: refused at once. */
	tl_opts(&o, no_env);
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(creds_provider_get(p, &c, &e), -1);
	secs = elapsed(&t0);
	printf("imds closed port skipped in %.3f s\n", secs);
	ck_assert_msg(secs < 5.0, "took %.2f s", secs);
	creds_provider_free(p);
	mock_config(NULL);
}
END_TEST

/* ---------- container credentials ---------- */

START_TEST(test_ecs_relative_uri)
{
	const char *env[] = { "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/credentials/52b19262",
		"HOME=/nonexistent", NULL };
	struct aws_credentials c;
	struct creds_provider *p;
	struct creds_opts o;
	struct err e;
	cJSON *reqs;

	mock_config(NULL);
	tl_opts(&o, env);
	o.ecs_host_url = mock_url;
	tl_now = 1234560000;
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_msg(creds_provider_get(p, &c, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(c.source, "ecs");
	ck_assert_str_eq(c.access_key_id, "ASIARCORRECT");
	ck_assert_int_eq((long long)c.expiration, 1234567890LL);
	aws_credentials_clear(&c);
	reqs = mock_requests();
	ck_assert_int_eq(count_requests(reqs, "GET", "/v2/credentials/52b19262"), 1);
	ck_assert_str_eq(req_header(reqs, 0, "accept"), "application/json");
	ck_assert_ptr_null(req_header(reqs, 0, "authorization"));
	cJSON_Delete(reqs);
	creds_provider_free(p);

	/* The samples expired in 2009: with today's clock that is an error. */
	tl_now = 1700000000;
	o.source = CREDS_SOURCE_ECS;
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "credentials from ecs expired at 2009-02-13T23:31:30Z"));
	creds_provider_free(p);
}
END_TEST

START_TEST(test_ecs_full_uri_with_token_and_token_file)
{
	char env0[200], env1[600];
	const char *env_tok[] = { env0, "AWS_CONTAINER_AUTHORIZATION_TOKEN=Basic c2VjcmV0VG9rZW4=",
		"HOME=/nonexistent", NULL };
	const char *env_file[] = { env0, env1, "AWS_CONTAINER_AUTHORIZATION_TOKEN=ignored",
		"HOME=/nonexistent", NULL };
	struct aws_credentials c;
	struct creds_provider *p;
	struct creds_opts o;
	struct err e;
	cJSON *reqs;
	const char *tokf;

	tl_mkdir();
	snprintf(env0, sizeof(env0), "AWS_CONTAINER_CREDENTIALS_FULL_URI=%s/ecs/creds", mock_url);
	mock_config("{\"ecs_auth\": \"Basic c2VjcmV0VG9rZW4=\"}");
	tl_opts(&o, env_tok);
	tl_now = 1234560000;
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_msg(creds_provider_get(p, &c, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(c.access_key_id, "ASIARCORRECT");
	aws_credentials_clear(&c);
	creds_provider_free(p);

	/* The token file wins over the variable and is re-read; its newline is dropped. */
	tokf = tl_write("eks-token", "eks-pod-identity-token-value\n", 0600);
	snprintf(env1, sizeof(env1), "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=%s", tokf);
	mock_config("{\"ecs_auth\": \"eks-pod-identity-token-value\"}");
	tl_opts(&o, env_file);
	tl_now = 1234560000;
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_msg(creds_provider_get(p, &c, &e) == 0, "%s", e.msg);
	aws_credentials_clear(&c);
	reqs = mock_requests();
	ck_assert_str_eq(req_header(reqs, 0, "authorization"), "eks-pod-identity-token-value");
	cJSON_Delete(reqs);
	/* A wrong token is the endpoint's 401, reported with its message. */
	tl_write("eks-token", "rotated-wrong-token", 0600);
	creds_provider_invalidate(p);
	ck_assert_int_eq(creds_provider_get(p, &c, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "answered HTTP 401"));
	ck_assert_ptr_null(strstr(e.msg, "rotated-wrong-token"));
	/* A token with a line break in it would forge a header. */
	tl_write("eks-token", "a\r\nX-Evil: 1", 0600);
	ck_assert_int_eq(creds_provider_get(p, &c, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "contains a line break"));
	creds_provider_free(p);
	tl_rmdir();
}
END_TEST

START_TEST(test_ecs_full_uri_hosts)
{
	static const struct { const char *url; bool ok; } cases[] = {
		{ "http://127.0.0.1:51679/creds", true },
		{ "http://127.9.9.9/creds", true },
		{ "http://localhost/creds", true },
		{ "http://[::1]:80/creds", true },
		{ "http://169.254.170.2/v2/credentials", true },
		{ "http://169.254.170.23/v1/credentials", true },
		{ "http://[fd00:ec2::23]/v1/credentials", true },
		{ "https://creds.example.com/x", true },
		{ "http://creds.example.com/x", false },
		{ "http://169.254.169.254/latest", false },
		{ "http://127.0.0.1.example.com/x", false },
		{ "ftp://127.0.0.1/x", false },
		{ "not a url", false },
	};
	const char *env[] = { "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://10.0.0.1/creds",
		"HOME=/nonexistent", NULL };
	struct aws_credentials c;
	struct creds_provider *p;
	struct creds_opts o;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(creds_ecs_full_uri_allowed(cases[i].url, &e) == cases[i].ok, "%s",
		    cases[i].url);
	tl_opts(&o, env);
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "plain http to host 10.0.0.1 is not allowed"));
	creds_provider_free(p);
}
END_TEST

/* ---------- web identity through the built-in (unsigned) STS sender ---------- */

START_TEST(test_web_identity_over_http)
{
	char env0[600];
	const char *env[] = { env0, "AWS_ROLE_ARN=arn:aws:iam::123456789:role/RoleB",
		"HOME=/nonexistent", NULL };
	struct aws_credentials c;
	struct creds_provider *p;
	struct creds_opts o;
	struct err e;
	cJSON *reqs;
	const char *body, *tokf;
	char path[512];

	tl_mkdir();
	snprintf(path, sizeof(path), "%s/tests/data/credentials/smithy-rs/web_identity_token_invalid_jwt/fs/token.jwt",
	    tl_srcdir());
	tokf = path;
	snprintf(env0, sizeof(env0), "AWS_WEB_IDENTITY_TOKEN_FILE=%s", tokf);
	mock_config(NULL);
	tl_opts(&o, env);
	o.sts = NULL;		/* the built-in sender */
	o.sts_endpoint = mock_url;
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_msg(creds_provider_get(p, &c, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(c.source, "web-identity");
	ck_assert_str_eq(c.access_key_id, "ASIAWEBIDENTITY");
	ck_assert_str_eq(c.session_token, "webidentitysessiontoken0123456789");
	aws_credentials_clear(&c);
	reqs = mock_requests();
	ck_assert_int_eq(count_requests(reqs, "POST", "/"), 1);
	body = cJSON_GetObjectItem(cJSON_GetArrayItem(reqs, 0), "body")->valuestring;
	ck_assert_ptr_nonnull(strstr(body, "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
	    "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789%3Arole%2FRoleB&RoleSessionName=passrole-auditd-"));
	ck_assert_ptr_nonnull(strstr(body, "&WebIdentityToken=eyJhbGciOiJSUzI1NiIsImtpZCI6"));
	/* Not signed: the token is the proof. */
	ck_assert_ptr_null(req_header(reqs, 0, "authorization"));
	cJSON_Delete(reqs);
	creds_provider_free(p);

	/* Plain http STS to a non-loopback host is refused before sending. */
	o.sts_endpoint = "http://sts.example.com";
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "must be https"));
	creds_provider_free(p);
	tl_rmdir();
}
END_TEST

/* ---------- smithy-rs recorded traffic, replayed ---------- */

struct replay_case {
	const char *name;
	const char *ok_akid;		/* NULL: an error is expected */
	long long expiry;
	const char *error;		/* substring of our error */
};

static void
replay_run(const struct replay_case *rc)
{
	char dir[512], file[700], body[800], envbuf[8][700], conf[700];
	const char *env[9];
	struct aws_credentials c;
	struct creds_provider *p;
	struct creds_opts o;
	struct buf b = BUF_INIT;
	struct err e;
	cJSON *ej, *it;
	int n = 0, res;

	snprintf(dir, sizeof(dir), "%s/tests/data/credentials/smithy-rs/%s", tl_srcdir(), rc->name);
	snprintf(file, sizeof(file), "%s/http-traffic.json", dir);
	snprintf(body, sizeof(body), "{\"file\": \"%s\"}", file);
	mock_config(NULL);
	free(mock_ctl("/_mock/replay", body));

	/* env.json, with HOME and token files moved under the case's fs/ and the
	 * link-local addresses pointed at the mock. */
	snprintf(file, sizeof(file), "%s/env.json", dir);
	ck_assert_int_eq(creds_read_file(file, 65536, false, false, &b, &e), 0);
	ej = cJSON_Parse(b.data);
	buf_free(&b);
	ck_assert_ptr_nonnull(ej);
	cJSON_ArrayForEach(it, ej) {
		const char *k = it->string, *v = it->valuestring;

		if (strcmp(k, "HOME") == 0 || strcmp(k, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") == 0)
			snprintf(envbuf[n], sizeof(envbuf[n]), "%s=%s/fs%s", k, dir, v);
		else if (strcmp(k, "AWS_CONTAINER_CREDENTIALS_FULL_URI") == 0)
			snprintf(envbuf[n], sizeof(envbuf[n]), "%s=%s%s", k, mock_url,
			    strchr(v + 7, '/'));
		else
			snprintf(envbuf[n], sizeof(envbuf[n]), "%s=%s", k, v);
		env[n] = envbuf[n];
		n++;
	}
	env[n] = NULL;
	cJSON_Delete(ej);
	tl_opts(&o, env);
	o.imds_endpoint = mock_url;
	o.ecs_host_url = mock_url;
	/* STS through the built-in senders (AssumeRole signed by the AWS client). */
	o.sts = NULL;
	o.sts_endpoint = mock_url;
	/* The web identity case's config names /token.jwt: give it the case's copy. */
	if (strcmp(rc->name, "web_identity_token_invalid_jwt") == 0) {
		snprintf(body, sizeof(body), "[profile A]\nrole_arn = arn:aws:iam::123456789:role/RoleA\n"
		    "source_profile = B\n[profile B]\nrole_arn = arn:aws:iam::123456789:role/RoleB\n"
		    "web_identity_token_file = %s/fs/token.jwt\n", dir);
		snprintf(conf, sizeof(conf), "%s", tl_write("config", body, 0600));
		o.config_file = conf;
	}
	tl_now = rc->ok_akid != NULL ? (time_t)(rc->expiry - 600 - 60) : 1632180000;
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	res = creds_provider_get(p, &c, &e);
	if (rc->ok_akid != NULL) {
		ck_assert_msg(res == 0, "%s: %s", rc->name, e.msg);
		ck_assert_str_eq(c.access_key_id, rc->ok_akid);
		ck_assert_int_eq((long long)c.expiration, rc->expiry);
		aws_credentials_clear(&c);
		if (strcmp(rc->name, "imds_assume_role") == 0) {
			/* AssumeRole went out signed with the instance role's session. */
			cJSON *reqs = mock_requests();
			int last = cJSON_GetArraySize(reqs) - 1;
			const char *auth = req_header(reqs, last, "authorization");

			ck_assert_int_eq(count_requests(reqs, "POST", "/"), 1);
			ck_assert_ptr_nonnull(auth);
			ck_assert_msg(strncmp(auth, "AWS4-HMAC-SHA256 Credential=ASIARSTSBASE/", 41) == 0,
			    "%s", auth);
			ck_assert_ptr_nonnull(strstr(auth, "/us-east-1/sts/aws4_request"));
			ck_assert_str_eq(req_header(reqs, last, "x-amz-security-token"), "tokenbase");
			cJSON_Delete(reqs);
		}
	} else {
		ck_assert_msg(res == -1, "%s succeeded", rc->name);
		ck_assert_msg(strstr(e.msg, rc->error) != NULL, "%s: %s", rc->name, e.msg);
	}
	creds_provider_free(p);
}

START_TEST(test_smithy_replay)
{
	static const struct replay_case cases[] = {
		{ "ecs_credentials", "ASIARCORRECT", 1234567890LL, NULL },
		{ "eks_pod_identity_credentials", "ASIARCORRECT", 1234567890LL, NULL },
		{ "imds_default_chain_success", "ASIARTEST", 1632197813LL, NULL },
		{ "imds_assume_role", "ASIARCORRECT", 1632249686LL, NULL },
		{ "imds_no_iam_role", NULL, 0,
		  "profile default: credential_source Ec2InstanceMetadata: instance metadata: no IAM role" },
		{ "imds_token_fail", NULL, 0,
		  "credential_source Ec2InstanceMetadata: instance metadata refused a session token (HTTP 403)" },
		{ "web_identity_token_invalid_jwt", NULL, 0,
		  "profile B: sts:AssumeRoleWithWebIdentity (role arn:aws:iam::123456789:role/RoleB): "
		  "InvalidIdentityToken (HTTP 400): No OpenIDConnect provider found" },
	};
	size_t i;

	tl_mkdir();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		replay_run(&cases[i]);
	tl_rmdir();
	mock_config(NULL);
}
END_TEST

static Suite *
creds_http_suite(void)
{
	Suite *s = suite_create("creds_http");
	TCase *tc = tcase_create("mock");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_imds_v2_success_and_token_reuse);
	tcase_add_test(tc, test_imds_token_rejected_gets_new_one);
	tcase_add_test(tc, test_imds_no_role_and_token_refused);
	tcase_add_test(tc, test_imds_disabled_and_endpoint_from_env);
	tcase_add_test(tc, test_imds_unreachable_is_skipped_quickly);
	tcase_add_test(tc, test_ecs_relative_uri);
	tcase_add_test(tc, test_ecs_full_uri_with_token_and_token_file);
	tcase_add_test(tc, test_ecs_full_uri_hosts);
	tcase_add_test(tc, test_web_identity_over_http);
	tcase_add_test(tc, test_smithy_replay);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	mock_start();
	/* The mock keeps state between requests; run the tests one after another
	 * in this process so none sees another's configuration. */
	rc = check_run(creds_http_suite(), CK_NOFORK);
	mock_stop();
	curl_global_cleanup();
	return rc;
}
