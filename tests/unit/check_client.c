/*
 * The AWS client end to end against the loopback emulator
 * (tests/emulator/emulator.py): signing verified by the emulator, retries of
 * throttling, 5xx, resets and truncation, errors that must not be retried,
 * timeouts, size bounds, TLS verification with a self-signed certificate, and
 * that nothing secret reaches the debug log.
 */
#include "config.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "aws/client.h"
#include "aws/sts.h"
#include "log.h"
#include "util/buf.h"

#include "testserver.h"
#include "checkmain.h"

#define AKID "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define S_AKID "ASIATRANSPORTSESSION"
#define S_SECRET "sessionSecretKeyTRANSPORTexample0000000001"
#define S_TOKEN "FwoGZXIvYXdzTRANSPORTSESSIONTOKENexample/+=0001"
#define X_AKID "ASIATRANSPORTEXPIRED"
#define X_SECRET "expiredSecretKeyTRANSPORTexample000000001"
#define X_TOKEN "FwoGZXIvYXdzTRANSPORTEXPIREDTOKENexample0001"

static struct testserver emu;

static void
emu_fault(const char *json)
{
	struct buf out = BUF_INIT;
	long st = testserver_request(&emu, "/_emu/fault", json, &out);

	ck_assert_msg(st == 200, "fault %s refused: HTTP %ld %s", json, st, buf_cstr(&out));
	buf_free(&out);
}

static cJSON *
emu_requests(struct testserver *m)
{
	struct buf out = BUF_INIT;
	cJSON *j;

	ck_assert_int_eq(testserver_request(m, "/_emu/requests", NULL, &out), 200);
	j = cJSON_Parse(buf_cstr(&out));
	ck_assert_msg(cJSON_IsArray(j), "requests: %s", buf_cstr(&out));
	buf_free(&out);
	return j;
}

/* The emulator with the transport scenario, over http or https. */
static void
emu_start(struct testserver *m, bool tls)
{
	const char *top = getenv("top_srcdir");
	char scenario[1024];
	const char *args[] = { "--scenario", scenario, NULL };

	curl_global_init(CURL_GLOBAL_DEFAULT);
	snprintf(scenario, sizeof(scenario), "%s/tests/data/scenarios/transport.json",
	    top != NULL && top[0] != '\0' ? top : ".");
	if (tls)
		testserver_start_tls(m, "tests/emulator/emulator.py", args);
	else
		testserver_start(m, "tests/emulator/emulator.py", args);
}

static void
suite_setup(void)
{
	emu_start(&emu, false);
}

static void
suite_teardown(void)
{
	testserver_stop(&emu);
}

static void
test_setup(void)
{
	ck_assert_int_eq(testserver_request(&emu, "/_emu/reset", "{}", NULL), 200);
}

struct sleeps {
	unsigned n;
	unsigned ms[32];
};

static void
record_sleep(void *ctx, unsigned ms)
{
	struct sleeps *s = ctx;

	if (s->n < 32)
		s->ms[s->n] = ms;
	s->n++;
}

struct fixture {
	struct aws_creds_provider *prov;
	struct aws_client *client;
	struct sleeps sleeps;
	struct err e;
};

static void
opts_for(struct aws_client_opts *o, struct testserver *m)
{
	size_t i;

	aws_client_opts_init(o);
	o->region = "eu-west-1";
	for (i = 0; i < AWS_SVC_COUNT; i++)
		o->endpoint_override[i] = m->url;
	o->retry_max_attempts = 4;
	o->retry_base_delay_ms = 10;
	o->retry_max_delay_ms = 50;
	o->total_timeout_ms = 10000;
}

static void
fixture_open(struct fixture *f, const struct aws_client_opts *o, const char *akid,
    const char *secret, const char *token)
{
	memset(f, 0, sizeof(*f));
	f->prov = aws_creds_static_new(akid, secret, token, &f->e);
	ck_assert_msg(f->prov != NULL, "%s", f->e.msg);
	f->client = aws_client_new(o, f->prov, &f->e);
	ck_assert_msg(f->client != NULL, "%s", f->e.msg);
	aws_client_set_sleep(f->client, record_sleep, &f->sleeps);
	aws_client_set_seed(f->client, 12345);
	err_clear(&f->e);
}

static void
fixture_close(struct fixture *f)
{
	aws_client_free(f->client);
	aws_creds_provider_free(f->prov);
}

static int
count_requests(void)
{
	cJSON *r = emu_requests(&emu);
	int n = cJSON_GetArraySize(r);

	cJSON_Delete(r);
	return n;
}

START_TEST(test_gci_long_term_keys)
{
	struct aws_client_opts o;
	struct fixture f;
	struct sts_identity id;
	cJSON *r, *q;

	opts_for(&o, &emu);
	fixture_open(&f, &o, AKID, SECRET, NULL);
	ck_assert_msg(sts_get_caller_identity(f.client, &id, &f.e) == 0, "%s", f.e.msg);
	ck_assert_str_eq(id.account, "111122223333");
	ck_assert_str_eq(id.arn, "arn:aws:iam::111122223333:user/auditor");
	ck_assert_str_eq(id.user_id, "AIDAEXAMPLEAUDITOR001");
	ck_assert_str_ne(id.request_id, "");
	ck_assert_uint_eq(aws_client_last_attempts(f.client), 1);
	r = emu_requests(&emu);
	ck_assert_int_eq(cJSON_GetArraySize(r), 1);
	q = cJSON_GetArrayItem(r, 0);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(q, "signature_valid")));
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(q, "service")->valuestring, "sts");
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(q, "operation")->valuestring, "GetCallerIdentity");
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(q, "access_key_id")->valuestring, AKID);
	cJSON_Delete(r);
	fixture_close(&f);
}
END_TEST

START_TEST(test_gci_session_token)
{
	struct aws_client_opts o;
	struct fixture f;
	struct sts_identity id;
	cJSON *r, *q, *h;

	opts_for(&o, &emu);
	fixture_open(&f, &o, S_AKID, S_SECRET, S_TOKEN);
	ck_assert_msg(sts_get_caller_identity(f.client, &id, &f.e) == 0, "%s", f.e.msg);
	ck_assert_str_eq(id.arn, "arn:aws:sts::111122223333:assumed-role/AuditRole/transport-test");
	r = emu_requests(&emu);
	q = cJSON_GetArrayItem(r, 0);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(q, "signature_valid")));
	h = cJSON_GetObjectItemCaseSensitive(q, "headers");
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(h, "x-amz-security-token")->valuestring, S_TOKEN);
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(h, "content-type")->valuestring,
	    "application/x-www-form-urlencoded; charset=utf-8");
	cJSON_Delete(r);
	fixture_close(&f);
}
END_TEST

START_TEST(test_throttle_twice_then_success)
{
	struct aws_client_opts o;
	struct fixture f;
	struct sts_identity id;
	cJSON *r;
	int i;

	opts_for(&o, &emu);
	fixture_open(&f, &o, AKID, SECRET, NULL);
	emu_fault("{\"operation\":\"GetCallerIdentity\",\"kind\":\"throttle\",\"count\":2}");
	ck_assert_msg(sts_get_caller_identity(f.client, &id, &f.e) == 0, "%s", f.e.msg);
	ck_assert_str_eq(id.account, "111122223333");
	ck_assert_uint_eq(aws_client_last_attempts(f.client), 3);
	ck_assert_uint_eq(f.sleeps.n, 2);
	/* Full jitter: within [0, base * 2^(n-1)]. */
	ck_assert_uint_le(f.sleeps.ms[0], 10);
	ck_assert_uint_le(f.sleeps.ms[1], 20);
	r = emu_requests(&emu);
	ck_assert_int_eq(cJSON_GetArraySize(r), 3);
	for (i = 0; i < 3; i++) {
		const cJSON *q = cJSON_GetArrayItem(r, i);

		ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(q, "signature_valid")));
		ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(q, "status")->valueint, i < 2 ? 400 : 200);
	}
	cJSON_Delete(r);
	fixture_close(&f);
}
END_TEST

START_TEST(test_5xx_retried)
{
	struct aws_client_opts o;
	struct fixture f;
	struct sts_identity id;

	opts_for(&o, &emu);
	fixture_open(&f, &o, AKID, SECRET, NULL);
	emu_fault("{\"operation\":\"*\",\"kind\":\"http503\"}");
	emu_fault("{\"operation\":\"*\",\"kind\":\"http500\"}");
	ck_assert_msg(sts_get_caller_identity(f.client, &id, &f.e) == 0, "%s", f.e.msg);
	ck_assert_uint_eq(aws_client_last_attempts(f.client), 3);
	ck_assert_int_eq(count_requests(), 3);
	fixture_close(&f);
}
END_TEST

START_TEST(test_5xx_exhausted)
{
	struct aws_client_opts o;
	struct fixture f;
	struct sts_identity id;

	opts_for(&o, &emu);
	o.retry_max_attempts = 3;
	fixture_open(&f, &o, AKID, SECRET, NULL);
	emu_fault("{\"operation\":\"*\",\"kind\":\"http503\",\"count\":10}");
	ck_assert_int_eq(sts_get_caller_identity(f.client, &id, &f.e), -1);
	ck_assert_msg(strstr(f.e.msg, "sts:GetCallerIdentity: ") == f.e.msg, "%s", f.e.msg);
	ck_assert_msg(strstr(f.e.msg, "(HTTP 503") != NULL, "%s", f.e.msg);
	ck_assert_msg(strstr(f.e.msg, "gave up after 3 attempts") != NULL, "%s", f.e.msg);
	ck_assert_int_eq(count_requests(), 3);
	fixture_close(&f);
}
END_TEST

START_TEST(test_retry_after_honoured)
{
	struct aws_client_opts o;
	struct fixture f;
	struct sts_identity id;

	opts_for(&o, &emu);
	fixture_open(&f, &o, AKID, SECRET, NULL);
	emu_fault("{\"operation\":\"*\",\"kind\":\"retry_after\",\"status\":429,\"seconds\":2}");
	emu_fault("{\"operation\":\"*\",\"kind\":\"retry_after\",\"status\":503,\"seconds\":7200}");
	ck_assert_msg(sts_get_caller_identity(f.client, &id, &f.e) == 0, "%s", f.e.msg);
	ck_assert_uint_eq(f.sleeps.n, 2);
	ck_assert_uint_eq(f.sleeps.ms[0], 2000);
	/* Capped by retry_max_retry_after_ms (default 30 s). */
	ck_assert_uint_eq(f.sleeps.ms[1], RETRY_DEFAULT_MAX_RETRY_AFTER_MS);
	ck_assert_int_eq(count_requests(), 3);
	fixture_close(&f);
}
END_TEST

START_TEST(test_retry_after_past_budget)
{
	struct aws_client_opts o;
	struct fixture f;
	struct sts_identity id;

	opts_for(&o, &emu);
	o.retry_budget_ms = 1000;
	fixture_open(&f, &o, AKID, SECRET, NULL);
	emu_fault("{\"operation\":\"*\",\"kind\":\"retry_after\",\"status\":429,\"seconds\":5}");
	ck_assert_int_eq(sts_get_caller_identity(f.client, &id, &f.e), -1);
	ck_assert_msg(strstr(f.e.msg, "HTTP 429") != NULL, "%s", f.e.msg);
	ck_assert_uint_eq(f.sleeps.n, 0);
	ck_assert_int_eq(count_requests(), 1);
	fixture_close(&f);
}
END_TEST

START_TEST(test_connection_reset_retried)
{
	struct aws_client_opts o;
	struct fixture f;
	struct sts_identity id;

	opts_for(&o, &emu);
	fixture_open(&f, &o, AKID, SECRET, NULL);
	emu_fault("{\"operation\":\"*\",\"kind\":\"reset\"}");
	ck_assert_msg(sts_get_caller_identity(f.client, &id, &f.e) == 0, "%s", f.e.msg);
	ck_assert_uint_eq(aws_client_last_attempts(f.client), 2);
	ck_assert_uint_eq(f.sleeps.n, 1);
	fixture_close(&f);
}
END_TEST

START_TEST(test_truncated_retried_then_error)
{
	struct aws_client_opts o;
	struct fixture f;
	struct sts_identity id;
	struct awserr ae;
	struct xml_doc *doc = NULL;
	const struct xml_node *res;

	opts_for(&o, &emu);
	o.retry_max_attempts = 3;
	fixture_open(&f, &o, AKID, SECRET, NULL);
	emu_fault("{\"operation\":\"*\",\"kind\":\"truncate\",\"count\":1}");
	ck_assert_msg(sts_get_caller_identity(f.client, &id, &f.e) == 0, "%s", f.e.msg);
	ck_assert_uint_eq(aws_client_last_attempts(f.client), 2);

	emu_fault("{\"operation\":\"*\",\"kind\":\"truncate\",\"count\":10}");
	ck_assert_int_eq(aws_client_query(f.client, AWS_SVC_STS, "GetCallerIdentity", NULL, 0, &doc, &res,
	    &ae, &f.e), -1);
	ck_assert_ptr_null(doc);
	ck_assert_str_eq(ae.code, "TruncatedResponse");
	ck_assert(ae.flags & AWSERR_TRANSPORT);
	ck_assert_msg(strstr(f.e.msg, "sts:GetCallerIdentity: TruncatedResponse") == f.e.msg, "%s", f.e.msg);
	ck_assert_msg(strstr(f.e.msg, "truncated") != NULL, "%s", f.e.msg);
	ck_assert_msg(strstr(f.e.msg, "gave up after 3 attempts") != NULL, "%s", f.e.msg);
	ck_assert_uint_eq(aws_client_last_attempts(f.client), 3);
	fixture_close(&f);
}
END_TEST

START_TEST(test_malformed_body_clear_error)
{
	struct aws_client_opts o;
	struct fixture f;
	struct sts_identity id;

	opts_for(&o, &emu);
	fixture_open(&f, &o, AKID, SECRET, NULL);
	emu_fault("{\"operation\":\"*\",\"kind\":\"malformed\"}");
	ck_assert_int_eq(sts_get_caller_identity(f.client, &id, &f.e), -1);
	ck_assert_msg(strstr(f.e.msg, "sts:GetCallerIdentity: MalformedResponse (HTTP 200") == f.e.msg,
	    "%s", f.e.msg);
	ck_assert_int_eq(count_requests(), 1);
	fixture_close(&f);
}
END_TEST

START_TEST(test_expired_token_not_retried)
{
	struct aws_client_opts o;
	struct fixture f;
	struct sts_identity id;

	opts_for(&o, &emu);
	fixture_open(&f, &o, X_AKID, X_SECRET, X_TOKEN);
	ck_assert_int_eq(sts_get_caller_identity(f.client, &id, &f.e), -1);
	ck_assert_msg(strstr(f.e.msg, "sts:GetCallerIdentity: ExpiredToken (HTTP ") == f.e.msg, "%s", f.e.msg);
	ck_assert_int_eq(count_requests(), 1);
	ck_assert_uint_eq(f.sleeps.n, 0);
	fixture_close(&f);

	/* The fault form too, with classification. */
	opts_for(&o, &emu);
	fixture_open(&f, &o, AKID, SECRET, NULL);
	emu_fault("{\"operation\":\"*\",\"kind\":\"expired_token\"}");
	{
		struct awserr ae;
		struct xml_doc *doc;
		const struct xml_node *res;

		ck_assert_int_eq(aws_client_query(f.client, AWS_SVC_STS, "GetCallerIdentity", NULL, 0, &doc,
		    &res, &ae, &f.e), -1);
		ck_assert_str_eq(ae.code, "ExpiredToken");
		ck_assert(ae.flags & AWSERR_EXPIRED);
		ck_assert(ae.flags & AWSERR_CREDENTIAL);
		ck_assert(!(ae.flags & AWSERR_RETRYABLE));
		ck_assert_str_eq(ae.api, "sts:GetCallerIdentity");
	}
	ck_assert_int_eq(count_requests(), 2);
	fixture_close(&f);
}
END_TEST

/* A provider that counts calls: the client asks for credentials per attempt
 * and tells the provider when AWS says they expired (the refresh hook). */
struct counting {
	struct aws_creds_provider base;
	struct aws_creds_provider *inner;	/* NULL: get fails */
	int gets, invalidates;
};

static int
counting_get(struct aws_creds_provider *self, struct aws_credentials *out, struct err *e)
{
	struct counting *c = (struct counting *)self;

	c->gets++;
	if (c->inner == NULL) {
		err_set(e, "no credentials configured");
		return -1;
	}
	return c->inner->get(c->inner, out, e);
}

static void
counting_invalidate(struct aws_creds_provider *self)
{
	((struct counting *)self)->invalidates++;
}

START_TEST(test_expired_invalidates_provider)
{
	struct aws_client_opts o;
	struct counting cp;
	struct aws_client *c;
	struct sts_identity id;
	struct err e;

	memset(&cp, 0, sizeof(cp));
	cp.base.name = "counting";
	cp.base.get = counting_get;
	cp.base.invalidate = counting_invalidate;
	cp.inner = aws_creds_static_new(X_AKID, X_SECRET, X_TOKEN, &e);
	ck_assert_ptr_nonnull(cp.inner);
	opts_for(&o, &emu);
	c = aws_client_new(&o, &cp.base, &e);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(sts_get_caller_identity(c, &id, &e), -1);
	ck_assert_int_eq(cp.gets, 1);
	ck_assert_int_eq(cp.invalidates, 1);
	aws_creds_provider_free(cp.inner);

	/* No credentials at all: a clear error, nothing sent, nothing retried. */
	cp.inner = NULL;
	cp.gets = 0;
	ck_assert_int_eq(sts_get_caller_identity(c, &id, &e), -1);
	ck_assert_msg(strcmp(e.msg, "sts:GetCallerIdentity: CredentialsError (no HTTP response): "
	    "credentials (counting): no credentials configured") == 0, "%s", e.msg);
	ck_assert_int_eq(cp.gets, 1);
	ck_assert_int_eq(count_requests(), 1);
	aws_client_free(c);
}
END_TEST

/* A provider that can refresh: one ExpiredToken answer means exactly one
 * refresh and one retry; a second ExpiredToken is the final answer. */
START_TEST(test_expired_refreshes_once_and_retries)
{
	struct aws_client_opts o;
	struct counting cp;
	struct aws_client *c;
	struct sts_identity id;
	struct err e;
	int before;

	memset(&cp, 0, sizeof(cp));
	cp.base.name = "counting";
	cp.base.get = counting_get;
	cp.base.invalidate = counting_invalidate;
	cp.base.can_refresh = true;
	cp.inner = aws_creds_static_new(AKID, SECRET, NULL, &e);
	ck_assert_ptr_nonnull(cp.inner);
	opts_for(&o, &emu);
	c = aws_client_new(&o, &cp.base, &e);
	ck_assert_ptr_nonnull(c);

	before = count_requests();
	emu_fault("{\"operation\":\"GetCallerIdentity\",\"kind\":\"expired_token\",\"count\":1}");
	ck_assert_msg(sts_get_caller_identity(c, &id, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(cp.invalidates, 1);
	ck_assert_int_eq(cp.gets, 2);
	ck_assert_int_eq(count_requests() - before, 2);

	before = count_requests();
	cp.gets = cp.invalidates = 0;
	emu_fault("{\"operation\":\"GetCallerIdentity\",\"kind\":\"expired_token\",\"count\":5}");
	ck_assert_int_eq(sts_get_caller_identity(c, &id, &e), -1);
	ck_assert_msg(strstr(e.msg, "ExpiredToken") != NULL, "%s", e.msg);
	ck_assert_int_eq(cp.invalidates, 2);
	ck_assert_int_eq(cp.gets, 2);
	ck_assert_int_eq(count_requests() - before, 2);
	aws_client_free(c);
	aws_creds_provider_free(cp.inner);
}
END_TEST

START_TEST(test_access_denied_not_retried)
{
	struct aws_client_opts o;
	struct fixture f;
	struct awserr ae;
	struct xml_doc *doc;
	const struct xml_node *res;

	opts_for(&o, &emu);
	fixture_open(&f, &o, AKID, SECRET, NULL);
	emu_fault("{\"operation\":\"*\",\"kind\":\"access_denied\",\"message\":\"denied by an SCP\",\"count\":5}");
	ck_assert_int_eq(aws_client_query(f.client, AWS_SVC_STS, "GetCallerIdentity", NULL, 0, &doc, &res,
	    &ae, &f.e), -1);
	ck_assert_str_eq(ae.code, "AccessDenied");
	ck_assert_int_eq(ae.http_status, 403);
	ck_assert(ae.flags & AWSERR_ACCESS_DENIED);
	ck_assert_str_ne(ae.request_id, "");
	ck_assert_msg(strstr(f.e.msg, "sts:GetCallerIdentity: AccessDenied (HTTP 403, request id ") == f.e.msg,
	    "%s", f.e.msg);
	ck_assert_msg(strstr(f.e.msg, "denied by an SCP") != NULL, "%s", f.e.msg);
	ck_assert_int_eq(count_requests(), 1);
	ck_assert_uint_eq(f.sleeps.n, 0);
	fixture_close(&f);
}
END_TEST

START_TEST(test_signature_mismatch_not_retried)
{
	struct aws_client_opts o;
	struct fixture f;
	struct sts_identity id;

	opts_for(&o, &emu);
	fixture_open(&f, &o, AKID, "wrongSecretKeyEXAMPLEEXAMPLEEXAMPLE00000", NULL);
	ck_assert_int_eq(sts_get_caller_identity(f.client, &id, &f.e), -1);
	ck_assert_msg(strstr(f.e.msg, "SignatureDoesNotMatch (HTTP 403") != NULL, "%s", f.e.msg);
	ck_assert_int_eq(count_requests(), 1);
	fixture_close(&f);
}
END_TEST

START_TEST(test_slow_response_times_out)
{
	struct aws_client_opts o;
	struct fixture f;
	struct sts_identity id;
	struct timespec t0, t1;
	long ms;

	opts_for(&o, &emu);
	o.total_timeout_ms = 300;
	o.retry_max_attempts = 2;
	fixture_open(&f, &o, AKID, SECRET, NULL);
	emu_fault("{\"operation\":\"*\",\"kind\":\"slow\",\"delay_ms\":3000,\"count\":2}");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(sts_get_caller_identity(f.client, &id, &f.e), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	ck_assert_msg(strstr(f.e.msg, "sts:GetCallerIdentity: Timeout (no HTTP response)") == f.e.msg,
	    "%s", f.e.msg);
	ck_assert_msg(strstr(f.e.msg, "timed out") != NULL, "%s", f.e.msg);
	ck_assert_uint_eq(aws_client_last_attempts(f.client), 2);
	/* Two 300 ms attempts, not two 3 s answers (generous bound for a loaded machine). */
	ck_assert_int_lt(ms, 2900);
	fixture_close(&f);
}
END_TEST

START_TEST(test_response_too_large)
{
	struct aws_client_opts o;
	struct fixture f;
	struct sts_identity id;

	opts_for(&o, &emu);
	o.max_response_bytes = 100;
	fixture_open(&f, &o, AKID, SECRET, NULL);
	ck_assert_int_eq(sts_get_caller_identity(f.client, &id, &f.e), -1);
	ck_assert_msg(strstr(f.e.msg, "sts:GetCallerIdentity: ResponseTooLarge") == f.e.msg, "%s", f.e.msg);
	ck_assert_msg(strstr(f.e.msg, "limit of 100 bytes") != NULL, "%s", f.e.msg);
	ck_assert_int_eq(count_requests(), 1);
	fixture_close(&f);
}
END_TEST

START_TEST(test_connection_refused)
{
	struct aws_client_opts o;
	struct fixture f;
	struct sts_identity id;
	struct testserver dead = emu;
	size_t i;

	/* Port 1 on loopback: privileged, and nothing listens there in a test run. */
	snprintf(dead.url, sizeof(dead.url), "http://127.0.0.1:1");
	opts_for(&o, &dead);
	for (i = 0; i < AWS_SVC_COUNT; i++)
		o.endpoint_override[i] = dead.url;
	o.retry_max_attempts = 2;
	fixture_open(&f, &o, AKID, SECRET, NULL);
	ck_assert_int_eq(sts_get_caller_identity(f.client, &id, &f.e), -1);
	ck_assert_msg(strstr(f.e.msg, "sts:GetCallerIdentity: ConnectionError") == f.e.msg, "%s", f.e.msg);
	ck_assert_uint_eq(aws_client_last_attempts(f.client), 2);
	fixture_close(&f);
}
END_TEST

/* A loopback port that completes the TCP handshake (the kernel does, from
 * the listen backlog) and never answers; the caller closes it. */
static int
silent_listener(unsigned *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(fd, 32), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)(t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * An endpoint that accepts and never answers: the request fails within
 * aws.retry.budget_s, attempts included (it took max_attempts whole
 * request timeouts), and the message names the limit that ran out and
 * the attempt (it quoted the request timeout when the connect timeout
 * had run out).
 */
START_TEST(test_silent_endpoint_bounded)
{
	struct aws_client_opts o;
	struct fixture f;
	struct sts_identity id;
	struct testserver silent = emu;
	struct timespec t0;
	unsigned port;
	int fd = silent_listener(&port);
	long ms;

	snprintf(silent.url, sizeof(silent.url), "http://127.0.0.1:%u", port);
	opts_for(&o, &silent);
	o.connect_timeout_ms = 500;
	o.total_timeout_ms = 1000;
	o.retry_max_attempts = 5;
	o.retry_budget_ms = 2500;
	fixture_open(&f, &o, AKID, SECRET, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(sts_get_caller_identity(f.client, &id, &f.e), -1);
	ms = ms_since(&t0);
	/* 5 attempts of 1 s each would take 5 s and more. */
	ck_assert_msg(ms < 4000, "%ld ms: %s", ms, f.e.msg);
	ck_assert_msg(strstr(f.e.msg, ": no complete response within ") != NULL, "%s", f.e.msg);
	ck_assert_msg(strstr(f.e.msg, " of 5) [gave up after ") != NULL, "%s", f.e.msg);
	ck_assert_msg(strstr(f.e.msg, "retry time budget exhausted]") != NULL, "%s", f.e.msg);
	ck_assert_uint_lt(aws_client_last_attempts(f.client), 5);
	fixture_close(&f);

	/* https: the TLS handshake is never answered, so the connect timeout
	 * is what runs out, and the message says so. */
	snprintf(silent.url, sizeof(silent.url), "https://127.0.0.1:%u", port);
	opts_for(&o, &silent);
	o.insecure_loopback = true;
	o.connect_timeout_ms = 300;
	o.total_timeout_ms = 5000;
	o.retry_max_attempts = 2;
	fixture_open(&f, &o, AKID, SECRET, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(sts_get_caller_identity(f.client, &id, &f.e), -1);
	ms = ms_since(&t0);
	ck_assert_msg(ms < 3000, "%ld ms: %s", ms, f.e.msg);
	ck_assert_msg(strstr(f.e.msg, ": not connected within 300 ms (connect timeout)") != NULL,
	    "%s", f.e.msg);
	ck_assert_msg(strstr(f.e.msg, "(attempt 2 of 2) [gave up after 2 attempts: attempts "
	    "exhausted]") != NULL, "%s", f.e.msg);
	ck_assert_msg(strstr(f.e.msg, "5000") == NULL, "%s", f.e.msg);
	fixture_close(&f);
	close(fd);
}
END_TEST

/* Everything logged at debug level during a full run, retries included, must
 * hold neither the secret key nor the session token. The logger's scrubber
 * is switched off for the test so that it proves the primary rule (never
 * logged), not the second line of defence. */
START_TEST(test_debug_log_has_no_secrets)
{
	struct aws_client_opts o;
	struct fixture f;
	struct sts_identity id;
	FILE *log = tmpfile();
	char *text;
	long n;

	ck_assert_ptr_nonnull(log);
	opts_for(&o, &emu);
	fixture_open(&f, &o, S_AKID, S_SECRET, S_TOKEN);
	log_secret_remove(S_SECRET);
	log_secret_remove(S_TOKEN);
	log_set_stream(log);
	log_set_level(LOG_LVL_DEBUG);
	emu_fault("{\"operation\":\"*\",\"kind\":\"throttle\"}");
	emu_fault("{\"operation\":\"*\",\"kind\":\"reset\"}");
	ck_assert_msg(sts_get_caller_identity(f.client, &id, &f.e) == 0, "%s", f.e.msg);
	fixture_close(&f);
	log_set_stream(NULL);
	n = ftell(log);
	ck_assert_int_gt(n, 0);
	rewind(log);
	text = calloc(1, (size_t)n + 1);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(fread(text, 1, (size_t)n, log), (size_t)n);
	fclose(log);
	/* The run was logged: method, URL, API, status. */
	ck_assert_msg(strstr(text, "POST http://127.0.0.1:") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "sts:GetCallerIdentity -> HTTP 200") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "sts:GetCallerIdentity -> HTTP 400") != NULL, "%s", text);
	ck_assert_ptr_null(strstr(text, S_SECRET));
	ck_assert_ptr_null(strstr(text, S_TOKEN));
	ck_assert_ptr_null(strstr(text, "Signature="));
	ck_assert_ptr_null(strstr(text, "****"));
	free(text);
}
END_TEST

/* The other protocols and signing scopes: IAM (query, global, us-east-1),
 * EC2 (ec2 protocol, regional), Organizations (JSON 1.1, X-Amz-Target). */
START_TEST(test_other_services)
{
	struct aws_client_opts o;
	struct fixture f;
	struct awserr ae;
	struct xml_doc *doc = NULL;
	const struct xml_node *res = NULL;
	struct query_param filt[] = { { "Filter.member.1", "Role" }, { "MaxItems", "5" } };
	cJSON *out = NULL, *r;
	int i;

	opts_for(&o, &emu);
	fixture_open(&f, &o, AKID, SECRET, NULL);
	ck_assert_msg(aws_client_query(f.client, AWS_SVC_IAM, "GetAccountAuthorizationDetails", filt, 2, &doc,
	    &res, &ae, &f.e) == 0, "%s", f.e.msg);
	ck_assert_str_eq(res->name, "GetAccountAuthorizationDetailsResult");
	ck_assert_str_eq(xml_path_text(res, "IsTruncated"), "false");
	ck_assert_str_ne(ae.request_id, "");
	xml_free(doc);
	ck_assert_msg(aws_client_query(f.client, AWS_SVC_EC2, "DescribeVpcEndpoints", NULL, 0, &doc, &res,
	    &ae, &f.e) == 0, "%s", f.e.msg);
	ck_assert_str_eq(res->name, "DescribeVpcEndpointsResponse");
	ck_assert_ptr_nonnull(xml_child(res, "vpcEndpointSet"));
	xml_free(doc);
	/* No organization in this scenario: a JSON error, after a retried throttle. */
	emu_fault("{\"operation\":\"*\",\"service\":\"organizations\",\"kind\":\"throttle\"}");
	ck_assert_int_eq(aws_client_json(f.client, AWS_SVC_ORGANIZATIONS, "DescribeOrganization", NULL, &out,
	    &ae, &f.e), -1);
	ck_assert_ptr_null(out);
	ck_assert_msg(strcmp(ae.code, "AWSOrganizationsNotInUseException") == 0, "%s", f.e.msg);
	ck_assert_str_eq(ae.api, "organizations:DescribeOrganization");
	ck_assert_uint_eq(aws_client_last_attempts(f.client), 2);
	r = emu_requests(&emu);
	ck_assert_int_eq(cJSON_GetArraySize(r), 4);
	for (i = 0; i < 4; i++) {
		const cJSON *q = cJSON_GetArrayItem(r, i);

		ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(q, "signature_valid")));
		ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(q, "service")->valuestring,
		    i == 0 ? "iam" : i == 1 ? "ec2" : "organizations");
	}
	ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetArrayItem(r, 3), "headers"), "x-amz-target")->valuestring,
	    "AWSOrganizationsV20161128.DescribeOrganization");
	cJSON_Delete(r);
	fixture_close(&f);
}
END_TEST

/* The raw call: the captured response headers. */
START_TEST(test_response_headers_captured)
{
	static const char body[] = "Action=GetCallerIdentity&Version=2011-06-15";
	struct aws_client_opts o;
	struct fixture f;
	struct http_response resp;
	struct awserr ae;

	opts_for(&o, &emu);
	fixture_open(&f, &o, AKID, SECRET, NULL);
	http_response_init(&resp, 0);
	ck_assert_msg(aws_client_call(f.client, AWS_SVC_STS, "GetCallerIdentity", body, sizeof(body) - 1,
	    &resp, &ae, &f.e) == 0, "%s", f.e.msg);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_msg(strncmp(resp.content_type, "text/xml", 8) == 0, "%s", resp.content_type);
	ck_assert_str_ne(resp.request_id, "");
	ck_assert_ptr_nonnull(strstr(resp.body.data, resp.request_id));
	http_response_free(&resp);

	http_response_init(&resp, 0);
	emu_fault("{\"operation\":\"*\",\"kind\":\"retry_after\",\"status\":503,\"seconds\":3}");
	o.retry_max_attempts = 1;
	fixture_close(&f);
	fixture_open(&f, &o, AKID, SECRET, NULL);
	ck_assert_int_eq(aws_client_call(f.client, AWS_SVC_STS, "GetCallerIdentity", body, sizeof(body) - 1,
	    &resp, &ae, &f.e), -1);
	ck_assert_int_eq(resp.status, 503);
	ck_assert_str_eq(resp.retry_after, "3");
	ck_assert(ae.flags & AWSERR_RETRYABLE);
	http_response_free(&resp);
	fixture_close(&f);
}
END_TEST

/* Many transfers on one curl multi handle, a bounded number at a time; one
 * of them refused by the URL rules without disturbing the others. */
START_TEST(test_http_many)
{
	struct http_opts ho;
	struct http_request rq[9];
	struct http_response rs[9];
	struct err es[9], e;
	char url[128];
	size_t i;

	http_opts_default(&ho);
	snprintf(url, sizeof(url), "%s/_emu/health", emu.url);
	for (i = 0; i < 9; i++) {
		memset(&rq[i], 0, sizeof(rq[i]));
		rq[i].method = "GET";
		rq[i].url = i == 4 ? "http://example.invalid/" : url;
		http_response_init(&rs[i], 0);
		err_clear(&es[i]);
	}
	ck_assert_int_eq(http_perform_many(&ho, rq, rs, es, 9, 3, &e), 8);
	for (i = 0; i < 9; i++) {
		if (i == 4) {
			ck_assert_int_eq(rs[i].failure, HTTP_FAIL_POLICY);
			ck_assert_ptr_nonnull(strstr(es[i].msg, "loopback"));
		} else {
			ck_assert_int_eq(rs[i].failure, HTTP_FAIL_NONE);
			ck_assert_int_eq(rs[i].status, 200);
			ck_assert_ptr_nonnull(strstr(buf_cstr(&rs[i].body), "\"ok\""));
		}
		http_response_free(&rs[i]);
	}
	ck_assert_int_eq(http_perform_many(&ho, rq, rs, es, 0, 0, &e), 0);
}
END_TEST

START_TEST(test_whoami)
{
	struct aws_client_opts o;
	struct aws_creds_provider *p;
	struct err e;
	FILE *out = tmpfile();
	char text[512];
	size_t n;

	ck_assert_ptr_nonnull(out);
	opts_for(&o, &emu);
	p = aws_creds_static_new(AKID, SECRET, NULL, &e);
	ck_assert_ptr_nonnull(p);
	ck_assert_msg(aws_whoami(&o, p, out, &e) == 0, "%s", e.msg);
	rewind(out);
	n = fread(text, 1, sizeof(text) - 1, out);
	text[n] = '\0';
	ck_assert_str_eq(text, "Account: 111122223333\nArn:     arn:aws:iam::111122223333:user/auditor\n"
	    "UserId:  AIDAEXAMPLEAUDITOR001\n");
	fclose(out);
	aws_creds_provider_free(p);
}
END_TEST

START_TEST(test_env_provider)
{
	struct aws_creds_provider *p;
	struct aws_credentials c;
	struct err e;

	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("AWS_SESSION_TOKEN");
	ck_assert_ptr_null(aws_creds_env_new(&e));
	ck_assert_ptr_nonnull(strstr(e.msg, "AWS_ACCESS_KEY_ID is not set"));
	setenv("AWS_ACCESS_KEY_ID", S_AKID, 1);
	ck_assert_ptr_null(aws_creds_env_new(&e));
	ck_assert_ptr_nonnull(strstr(e.msg, "AWS_SECRET_ACCESS_KEY is not set"));
	setenv("AWS_SECRET_ACCESS_KEY", S_SECRET, 1);
	setenv("AWS_SESSION_TOKEN", S_TOKEN, 1);
	p = aws_creds_env_new(&e);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->get(p, &c, &e), 0);
	ck_assert_str_eq(c.access_key_id, S_AKID);
	ck_assert_str_eq(c.secret_access_key, S_SECRET);
	ck_assert_str_eq(c.session_token, S_TOKEN);
	ck_assert_str_eq(c.source, "environment");
	ck_assert_int_eq((int)c.expiration, 0);
	aws_credentials_clear(&c);
	ck_assert_ptr_null(c.secret_access_key);
	/* Works end to end. */
	{
		struct aws_client_opts o;
		struct aws_client *cl;
		struct sts_identity id;

		opts_for(&o, &emu);
		cl = aws_client_new(&o, p, &e);
		ck_assert_ptr_nonnull(cl);
		ck_assert_msg(sts_get_caller_identity(cl, &id, &e) == 0, "%s", e.msg);
		ck_assert_str_eq(id.arn, "arn:aws:sts::111122223333:assumed-role/AuditRole/transport-test");
		aws_client_free(cl);
	}
	aws_creds_provider_free(p);
	/* Keys that would break a header line are refused. */
	ck_assert_ptr_null(aws_creds_static_new("AKID\r\nX: y", "s", NULL, &e));
	ck_assert_ptr_null(aws_creds_static_new("AKID", "", NULL, &e));
}
END_TEST

/* Rules checked before anything is sent: no network needed. */
START_TEST(test_refused_configurations)
{
	struct aws_client_opts o;
	struct aws_creds_provider *p;
	struct aws_client *c;
	struct err e;

	p = aws_creds_static_new(AKID, SECRET, NULL, &e);
	ck_assert_ptr_nonnull(p);
	aws_client_opts_init(&o);
	o.insecure_loopback = true;
	o.endpoint_override[AWS_SVC_STS] = "https://sts.example.com/";
	ck_assert_ptr_null(aws_client_new(&o, p, &e));
	ck_assert_msg(strstr(e.msg, "not a loopback address") != NULL, "%s", e.msg);
	aws_client_opts_init(&o);
	o.endpoint_override[AWS_SVC_IAM] = "http://iam.example.com/";
	ck_assert_ptr_null(aws_client_new(&o, p, &e));
	ck_assert_msg(strstr(e.msg, "loopback") != NULL, "%s", e.msg);
	aws_client_opts_init(&o);
	o.region = "moon-base-1x";
	ck_assert_ptr_null(aws_client_new(&o, p, &e));
	ck_assert_msg(strstr(e.msg, "invalid AWS region") != NULL, "%s", e.msg);
	aws_client_opts_init(&o);
	o.region = "cn-north-1";
	c = aws_client_new(&o, p, &e);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(aws_client_endpoint(c, AWS_SVC_STS)->url, "https://sts.cn-north-1.amazonaws.com.cn/");
	aws_client_free(c);
	aws_creds_provider_free(p);
}
END_TEST

/* The URL rules of the HTTP layer, checked before anything is sent. The
 * hosts are under .invalid, which never resolves, so even a broken rule
 * cannot reach a real server. */
START_TEST(test_http_rules)
{
	struct http_opts ho;
	struct http_request rq = { "GET", NULL, NULL, 0, NULL, 0 };
	struct http_response rs;
	struct err e;

	http_opts_default(&ho);
	http_response_init(&rs, 0);
	rq.url = "http://sts.example.invalid/";
	ck_assert_int_eq(http_perform(&ho, &rq, &rs, &e), -1);
	ck_assert_int_eq(rs.failure, HTTP_FAIL_POLICY);
	ck_assert_msg(strstr(e.msg, "plain http:// is only allowed for loopback") != NULL, "%s", e.msg);
	ho.insecure_loopback = true;
	rq.url = "https://sts.example.invalid/";
	ck_assert_int_eq(http_perform(&ho, &rq, &rs, &e), -1);
	ck_assert_int_eq(rs.failure, HTTP_FAIL_POLICY);
	ck_assert_msg(strstr(e.msg, "only be disabled for loopback") != NULL, "%s", e.msg);
	rq.url = "ftp://127.0.0.1/";
	ck_assert_int_eq(http_perform(&ho, &rq, &rs, &e), -1);
	ck_assert_int_eq(rs.failure, HTTP_FAIL_POLICY);
	rq.url = "not a url";
	ck_assert_int_eq(http_perform(&ho, &rq, &rs, &e), -1);
	ck_assert_int_eq(rs.failure, HTTP_FAIL_POLICY);
	http_response_free(&rs);
}
END_TEST

/* A loopback port nothing listens on (bound, then closed). */
static unsigned
closed_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

/*
 * A webhook URL holds its credential in the path or in user:password@.
 * The HTTP layer's messages name scheme://host[:port] only: a URL cut to
 * fit a message (it used to be cut at 1,000 bytes or so) would slip past
 * the log's scrubber, which masks only whole secrets.
 */
START_TEST(test_http_messages_show_no_path)
{
	struct http_opts ho;
	struct http_request rq = { "POST", NULL, NULL, 0, "{}", 2 };
	struct http_response rs;
	struct err e;
	char *url, site[64];
	unsigned port = closed_port();
	size_t n;

	ck_assert_ptr_nonnull(url = malloc(4096));
	n = (size_t)snprintf(url, 4096, "http://ops:pw-Q7zz@127.0.0.1:%u/hook/", port);
	while (n < 2100)
		url[n++] = 'p';
	snprintf(url + n, 4096 - n, "/TOKENq8RrTail");
	snprintf(site, sizeof(site), "http://127.0.0.1:%u", port);
	http_opts_default(&ho);
	ho.connect_timeout_ms = 2000;
	http_response_init(&rs, 0);
	rq.url = url;
	ck_assert_int_eq(http_perform(&ho, &rq, &rs, &e), -1);
	ck_assert_int_eq(rs.failure, HTTP_FAIL_CONNECT);
	ck_assert_msg(strncmp(e.msg, site, strlen(site)) == 0 &&
	    strstr(e.msg, "cannot connect") != NULL, "%s", e.msg);
	ck_assert_msg(strstr(e.msg, "pw-Q7zz") == NULL, "%s", e.msg);
	ck_assert_msg(strstr(e.msg, "/hook") == NULL, "%s", e.msg);
	ck_assert_msg(strstr(e.msg, "pppp") == NULL, "%s", e.msg);
	/* The same URL without user information: still no path. */
	n = (size_t)snprintf(url, 4096, "http://127.0.0.1:%u/hook/", port);
	while (n < 2100)
		url[n++] = 'p';
	snprintf(url + n, 4096 - n, "/TOKENq8RrTail");
	ck_assert_int_eq(http_perform(&ho, &rq, &rs, &e), -1);
	ck_assert_msg(strstr(e.msg, "/hook") == NULL, "%s", e.msg);
	/* Refused before sending: the rule, the site, no path. */
	rq.url = "http://hooks.example.invalid/services/T0/SECRETq9";
	ck_assert_int_eq(http_perform(&ho, &rq, &rs, &e), -1);
	ck_assert_int_eq(rs.failure, HTTP_FAIL_POLICY);
	ck_assert_msg(strstr(e.msg, "SECRETq9") == NULL &&
	    strstr(e.msg, "http://hooks.example.invalid") != NULL, "%s", e.msg);
	rq.url = "ftp://u:SECRETq9@127.0.0.1/";
	ck_assert_int_eq(http_perform(&ho, &rq, &rs, &e), -1);
	ck_assert_msg(strstr(e.msg, "SECRETq9") == NULL, "%s", e.msg);
	http_response_free(&rs);
	free(url);
}
END_TEST

/* Plain http to the credential endpoints: each provider's own addresses and
 * loopback, nothing else, never by default. Checked with http_url_check so
 * no link-local address is ever contacted. */
START_TEST(test_http_plain_credential_endpoints)
{
	static const struct {
		enum http_plain rule;
		const char *url;
		bool ok;
	} cases[] = {
		{ HTTP_PLAIN_LOOPBACK, "http://169.254.169.254/latest/api/token", false },
		{ HTTP_PLAIN_LOOPBACK, "http://169.254.170.2/v2/credentials", false },
		{ HTTP_PLAIN_LOOPBACK, "http://127.0.0.1:8080/", true },
		{ HTTP_PLAIN_IMDS, "http://169.254.169.254/latest/api/token", true },
		{ HTTP_PLAIN_IMDS, "http://[fd00:ec2::254]/latest/api/token", true },
		{ HTTP_PLAIN_IMDS, "http://[fd00:ec2:0:0::254]:80/", true },
		{ HTTP_PLAIN_IMDS, "http://[::1]:8080/", true },
		{ HTTP_PLAIN_IMDS, "http://169.254.170.2/v2/credentials", false },
		{ HTTP_PLAIN_IMDS, "http://169.254.169.253/", false },
		{ HTTP_PLAIN_IMDS, "http://169.254.169.254.example.invalid/", false },
		{ HTTP_PLAIN_IMDS, "http://10.0.0.1/", false },
		{ HTTP_PLAIN_IMDS, "https://imds.example.invalid/", true },
		{ HTTP_PLAIN_CONTAINER, "http://169.254.170.2/v2/credentials", true },
		{ HTTP_PLAIN_CONTAINER, "http://169.254.170.23/v1/credentials", true },
		{ HTTP_PLAIN_CONTAINER, "http://[fd00:ec2::23]/v1/credentials", true },
		{ HTTP_PLAIN_CONTAINER, "http://169.254.169.254/latest", false },
		{ HTTP_PLAIN_CONTAINER, "http://[fd00:ec2::254]/", false },
		{ HTTP_PLAIN_CONTAINER, "ftp://169.254.170.2/", false },
	};
	struct http_opts ho;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		http_opts_default(&ho);
		ho.plain_http = cases[i].rule;
		err_clear(&e);
		ck_assert_msg((http_url_check(&ho, cases[i].url, &e) == 0) == cases[i].ok,
		    "rule %d %s: %s", (int)cases[i].rule, cases[i].url, e.msg);
	}
	/* The allowance is for plain http only: TLS verification stays on. */
	http_opts_default(&ho);
	ho.plain_http = HTTP_PLAIN_IMDS;
	ho.insecure_loopback = true;
	ck_assert_int_eq(http_url_check(&ho, "https://169.254.169.254/", &e), -1);
	ck_assert_msg(strstr(e.msg, "only be disabled for loopback") != NULL, "%s", e.msg);
	ck_assert(http_plain_allowed(HTTP_PLAIN_IMDS, "169.254.169.254"));
	ck_assert(http_plain_allowed(HTTP_PLAIN_CONTAINER, "localhost"));
	ck_assert(!http_plain_allowed(HTTP_PLAIN_LOOPBACK, "[fd00:ec2::23]"));
	ck_assert(!http_plain_allowed(HTTP_PLAIN_CONTAINER, "fd00:ec2::23x"));
	ck_assert(!http_plain_allowed(HTTP_PLAIN_IMDS, ""));
}
END_TEST

/* --- TLS: a second emulator with a self-signed certificate for 127.0.0.1. */
static struct testserver emu_tls;

static void
tls_setup(void)
{
	emu_start(&emu_tls, true);
}

static void
tls_teardown(void)
{
	testserver_stop(&emu_tls);
}

START_TEST(test_tls_verification)
{
	struct aws_client_opts o;
	struct fixture f;
	struct sts_identity id;
	FILE *log;
	char text[4096];
	size_t n;

	/* Verification is on: the self-signed certificate is refused... */
	opts_for(&o, &emu_tls);
	o.retry_max_attempts = 1;
	fixture_open(&f, &o, AKID, SECRET, NULL);
	ck_assert_int_eq(sts_get_caller_identity(f.client, &id, &f.e), -1);
	ck_assert_msg(strstr(f.e.msg, "sts:GetCallerIdentity: TLSError") == f.e.msg, "%s", f.e.msg);
	fixture_close(&f);

	/* ...and accepted when the CA bundle names it. */
	opts_for(&o, &emu_tls);
	o.ca_bundle = emu_tls.cert;
	fixture_open(&f, &o, AKID, SECRET, NULL);
	ck_assert_msg(sts_get_caller_identity(f.client, &id, &f.e) == 0, "%s", f.e.msg);
	ck_assert_str_eq(id.account, "111122223333");
	fixture_close(&f);

	/* insecure_loopback works for 127.0.0.1 and warns every time. */
	log = tmpfile();
	ck_assert_ptr_nonnull(log);
	log_set_stream(log);
	opts_for(&o, &emu_tls);
	o.insecure_loopback = true;
	fixture_open(&f, &o, AKID, SECRET, NULL);
	ck_assert_msg(sts_get_caller_identity(f.client, &id, &f.e) == 0, "%s", f.e.msg);
	ck_assert_msg(sts_get_caller_identity(f.client, &id, &f.e) == 0, "%s", f.e.msg);
	fixture_close(&f);
	log_set_stream(NULL);
	rewind(log);
	n = fread(text, 1, sizeof(text) - 1, log);
	text[n] = '\0';
	fclose(log);
	{
		const char *p = strstr(text, "TLS CERTIFICATE VERIFICATION DISABLED");

		ck_assert_msg(p != NULL, "%s", text);
		ck_assert_msg(strstr(p + 1, "TLS CERTIFICATE VERIFICATION DISABLED") != NULL, "%s", text);
	}
}
END_TEST

static Suite *
client_suite(void)
{
	Suite *s = suite_create("client");
	TCase *tc = tcase_create("emulator");
	TCase *tt = tcase_create("tls");
	TCase *tp = tcase_create("offline");

	tcase_add_unchecked_fixture(tc, suite_setup, suite_teardown);
	tcase_add_checked_fixture(tc, test_setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_gci_long_term_keys);
	tcase_add_test(tc, test_gci_session_token);
	tcase_add_test(tc, test_throttle_twice_then_success);
	tcase_add_test(tc, test_5xx_retried);
	tcase_add_test(tc, test_5xx_exhausted);
	tcase_add_test(tc, test_retry_after_honoured);
	tcase_add_test(tc, test_retry_after_past_budget);
	tcase_add_test(tc, test_connection_reset_retried);
	tcase_add_test(tc, test_truncated_retried_then_error);
	tcase_add_test(tc, test_malformed_body_clear_error);
	tcase_add_test(tc, test_expired_token_not_retried);
	tcase_add_test(tc, test_expired_invalidates_provider);
	tcase_add_test(tc, test_expired_refreshes_once_and_retries);
	tcase_add_test(tc, test_access_denied_not_retried);
	tcase_add_test(tc, test_signature_mismatch_not_retried);
	tcase_add_test(tc, test_slow_response_times_out);
	tcase_add_test(tc, test_response_too_large);
	tcase_add_test(tc, test_connection_refused);
	tcase_add_test(tc, test_debug_log_has_no_secrets);
	tcase_add_test(tc, test_other_services);
	tcase_add_test(tc, test_response_headers_captured);
	tcase_add_test(tc, test_http_many);
	tcase_add_test(tc, test_whoami);
	tcase_add_test(tc, test_env_provider);
	suite_add_tcase(s, tc);

	tcase_add_unchecked_fixture(tt, tls_setup, tls_teardown);
	tcase_set_timeout(tt, 60);
	tcase_add_test(tt, test_tls_verification);
	suite_add_tcase(s, tt);

	/* test_silent_endpoint_bounded waits on purpose; with the bound
	 * broken it must fail on its own check, not on this timeout. */
	tcase_set_timeout(tp, 30);
	tcase_add_test(tp, test_refused_configurations);
	tcase_add_test(tp, test_http_rules);
	tcase_add_test(tp, test_http_messages_show_no_path);
	tcase_add_test(tp, test_silent_endpoint_bounded);
	tcase_add_test(tp, test_http_plain_credential_endpoints);
	suite_add_tcase(s, tp);
	return s;
}

int
main(void)
{
	return check_main(client_suite());
}
