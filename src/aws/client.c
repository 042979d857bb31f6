#include "config.h"

#include "aws/client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_GETRANDOM
#include <sys/random.h>
#endif

#include "aws/jsonproto.h"
#include "aws/sigv4.h"
#include "log.h"
#include "util/secret.h"

struct aws_client {
	enum aws_partition partition;
	char region[ENDPOINT_REGION_MAX];
	struct aws_endpoint ep[AWS_SVC_COUNT];
	struct http_opts http;
	char *ca_bundle;	/* owned copy behind http.ca_bundle */
	char *proxy;		/* owned copy behind http.proxy; secret, wiped */
	struct retry_policy retry;
	struct aws_creds_provider *creds;	/* borrowed */
	retry_sleep_fn sleep_fn;
	void *sleep_ctx;
	uint64_t seed;
	bool seed_fixed;
	unsigned last_attempts;
	size_t max_response_bytes;
};

void
aws_client_opts_init(struct aws_client_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->region = "us-east-1";
	o->connect_timeout_ms = HTTP_DEFAULT_CONNECT_TIMEOUT_MS;
	o->total_timeout_ms = HTTP_DEFAULT_TOTAL_TIMEOUT_MS;
	o->max_response_bytes = HTTP_DEFAULT_MAX_RESPONSE_BYTES;
	o->retry_max_attempts = RETRY_DEFAULT_MAX_ATTEMPTS;
	o->retry_base_delay_ms = RETRY_DEFAULT_BASE_DELAY_MS;
	o->retry_max_delay_ms = RETRY_DEFAULT_MAX_DELAY_MS;
	o->retry_max_retry_after_ms = RETRY_DEFAULT_MAX_RETRY_AFTER_MS;
	o->retry_budget_ms = RETRY_DEFAULT_BUDGET_MS;
}

static uint64_t
aws_client_random_seed(void)
{
	uint64_t s = 0;

#ifdef HAVE_GETRANDOM
	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) == (ssize_t)sizeof(s) && s != 0)
		return s;
#endif
	/* Jitter only needs to differ between processes, not to be secret. */
	s = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)&s;
	return s;
}

struct aws_client *
aws_client_new(const struct aws_client_opts *o, struct aws_creds_provider *creds, struct err *e)
{
	struct aws_client_opts def;
	struct aws_client *c;
	const char *region;
	size_t i;

	if (o == NULL) {
		aws_client_opts_init(&def);
		o = &def;
	}
	if (creds == NULL || creds->get == NULL) {
		err_set(e, "AWS client: no credentials provider");
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		err_set(e, "out of memory creating the AWS client");
		return NULL;
	}
	region = o->region != NULL ? o->region : "us-east-1";
	if (!endpoint_region_valid(region)) {
		err_set(e, "invalid AWS region \"%.64s\" (expected a name like us-east-1)", region);
		goto fail;
	}
	snprintf(c->region, sizeof(c->region), "%s", region);
	if (o->partition != NULL) {
		if (endpoint_partition_parse(o->partition, &c->partition, e) != 0)
			goto fail;
	} else {
		c->partition = endpoint_partition_of_region(region);
	}
	for (i = 0; i < AWS_SVC_COUNT; i++)
		if (endpoint_resolve((enum aws_service)i, c->partition, region, o->endpoint_override[i],
		    &c->ep[i], e) != 0)
			goto fail;
	http_opts_default(&c->http);
	if (o->ca_bundle != NULL) {
		c->ca_bundle = strdup(o->ca_bundle);
		if (c->ca_bundle == NULL) {
			err_set(e, "out of memory");
			goto fail;
		}
		c->http.ca_bundle = c->ca_bundle;
	}
	if (o->proxy != NULL) {
		c->proxy = secret_strdup(o->proxy);
		if (c->proxy == NULL) {
			err_set(e, "out of memory");
			goto fail;
		}
		c->http.proxy = c->proxy;
	}
	c->http.insecure_loopback = o->insecure_loopback;
	if (o->insecure_loopback) {
		for (i = 0; i < AWS_SVC_COUNT; i++) {
			if (o->endpoint_override[i] != NULL && !c->ep[i].loopback) {
				err_set(e, "insecure_loopback is set but the %s endpoint %s is not a loopback "
				    "address; TLS verification can only be disabled for loopback test endpoints",
				    c->ep[i].signing_service, c->ep[i].url);
				goto fail;
			}
		}
	}
	if (o->connect_timeout_ms > 0)
		c->http.connect_timeout_ms = o->connect_timeout_ms;
	if (o->total_timeout_ms > 0)
		c->http.total_timeout_ms = o->total_timeout_ms;
	if (o->max_response_bytes > 0)
		c->http.max_response_bytes = o->max_response_bytes;
	c->max_response_bytes = c->http.max_response_bytes;
	retry_policy_default(&c->retry);
	if (o->retry_max_attempts > 0)
		c->retry.max_attempts = o->retry_max_attempts;
	if (o->retry_base_delay_ms > 0)
		c->retry.base_delay_ms = o->retry_base_delay_ms;
	if (o->retry_max_delay_ms > 0)
		c->retry.max_delay_ms = o->retry_max_delay_ms;
	if (o->retry_max_retry_after_ms > 0)
		c->retry.max_retry_after_ms = o->retry_max_retry_after_ms;
	if (o->retry_budget_ms > 0)
		c->retry.budget_ms = o->retry_budget_ms;
	c->creds = creds;
	c->sleep_fn = retry_sleep_real;
	return c;
fail:
	aws_client_free(c);
	return NULL;
}

void
aws_client_free(struct aws_client *c)
{
	if (c == NULL)
		return;
	free(c->ca_bundle);
	secret_free(c->proxy);
	free(c);
}

void
aws_client_set_sleep(struct aws_client *c, retry_sleep_fn fn, void *ctx)
{
	c->sleep_fn = fn != NULL ? fn : retry_sleep_real;
	c->sleep_ctx = ctx;
}

void
aws_client_set_seed(struct aws_client *c, uint64_t seed)
{
	c->seed = seed;
	c->seed_fixed = true;
}

const struct aws_endpoint *
aws_client_endpoint(const struct aws_client *c, enum aws_service svc)
{
	if ((unsigned)svc >= AWS_SVC_COUNT)
		return NULL;
	return &c->ep[svc];
}

unsigned
aws_client_last_attempts(const struct aws_client *c)
{
	return c->last_attempts;
}

static const char *
aws_client_transport_code(enum http_failure f)
{
	switch (f) {
	case HTTP_FAIL_POLICY: return "RequestRefused";
	case HTTP_FAIL_CONNECT: return "ConnectionError";
	case HTTP_FAIL_TIMEOUT: return "Timeout";
	case HTTP_FAIL_RESET: return "ConnectionReset";
	case HTTP_FAIL_TRUNCATED: return "TruncatedResponse";
	case HTTP_FAIL_TOO_LARGE: return "ResponseTooLarge";
	case HTTP_FAIL_TLS: return "TLSError";
	default: return "TransferError";
	}
}

/*
 * The credentials were refused as expired. The static provider cannot
 * refresh, so for now the call fails naming the API. This is where a
 * refreshing chain will get its one retry: invalidate, then return true when
 * the provider can produce newer credentials.
 */
static bool
aws_client_on_expired(struct aws_client *c, const struct awserr *ae)
{
	if (c->creds->invalidate != NULL)
		c->creds->invalidate(c->creds);
	if (!c->creds->can_refresh) {
		log_debug("%s: credentials from %s expired and cannot be refreshed", ae->api,
		    c->creds->name);
		return false;
	}
	/* AWS's clock said so, ours may not have: refresh once, retry once. */
	log_info("%s: credentials from %s expired; refreshing and retrying once", ae->api,
	    c->creds->name);
	return true;
}

/* Sign and send one attempt. Returns 0 when a complete response arrived, -1
 * for a transport failure (resp->failure says which), -2 when the request
 * could not be made at all (*local names the cause: no credentials, signing). */
static int
aws_client_attempt(struct aws_client *c, const struct http_opts *ho,
    const struct aws_endpoint *ep, const char *target, const char *content_type,
    const void *body, size_t body_len, struct http_response *resp, const char **local,
    struct err *e)
{
	struct aws_credentials cred = { 0 };
	struct sigv4_credentials sc;
	struct sigv4_header sh[3];
	struct sigv4_request sr;
	struct sigv4_params sp;
	struct sigv4_signed sig = { 0 };
	struct http_header hh[3 + 4];
	struct http_request hr;
	size_t nh = 0, i;
	bool signed_ok = false;
	int rc = -1;

	if (c->creds->get(c->creds, &cred, e) != 0) {
		err_prefix(e, "credentials (%s)", c->creds->name);
		*local = "CredentialsError";
		rc = -2;
		goto out;
	}
	sh[nh].name = "Host";
	sh[nh++].value = ep->host_header;
	sh[nh].name = "Content-Type";
	sh[nh++].value = content_type;
	if (target != NULL) {
		sh[nh].name = "X-Amz-Target";
		sh[nh++].value = target;
	}
	memset(&sr, 0, sizeof(sr));
	sr.method = "POST";
	sr.path = ep->path;
	sr.query = NULL;
	sr.headers = sh;
	sr.nheaders = nh;
	sr.body = body;
	sr.body_len = body_len;
	sc.access_key_id = cred.access_key_id;
	sc.secret_access_key = cred.secret_access_key;
	sc.session_token = cred.session_token;
	memset(&sp, 0, sizeof(sp));
	sp.region = ep->signing_region;
	sp.service = ep->signing_service;
	sp.when = time(NULL);
	sp.flags = 0;
	if (sigv4_sign(&sr, &sc, &sp, &sig, e) != 0) {
		err_prefix(e, "signing");
		*local = "SigningError";
		rc = -2;
		goto out;
	}
	signed_ok = true;
	for (i = 0; i < nh; i++) {
		hh[i].name = sh[i].name;
		hh[i].value = sh[i].value;
	}
	for (i = 0; i < sig.n && i < 4; i++) {
		hh[nh + i].name = sig.h[i].name;
		hh[nh + i].value = sig.h[i].value;
	}
	memset(&hr, 0, sizeof(hr));
	hr.method = "POST";
	hr.url = ep->url;
	hr.headers = hh;
	hr.nheaders = nh + i;
	hr.body = body;
	hr.body_len = body_len;
	rc = http_perform(ho, &hr, resp, e);
out:
	if (signed_ok)
		sigv4_signed_free(&sig);
	aws_credentials_clear(&cred);
	return rc;
}

/*
 * The HTTP limits of the next attempt: the configured ones, cut to what is
 * left of the request's budget (retry.budget_ms covers the attempts and
 * the waits between them, so an endpoint that never answers fails within
 * it, not after max_attempts whole timeouts). 0, or -1 when nothing is
 * left.
 */
static int
aws_client_attempt_opts(const struct aws_client *c, long spent_ms, struct http_opts *ho)
{
	long left = (long)c->retry.budget_ms - spent_ms;

	*ho = c->http;
	if (left <= 0)
		return -1;
	if (ho->total_timeout_ms > left) {
		ho->total_timeout_ms = left;
		ho->total_timeout_name = "what was left of aws.retry.budget_s";
	}
	if (ho->connect_timeout_ms > ho->total_timeout_ms)
		ho->connect_timeout_ms = ho->total_timeout_ms;
	return 0;
}

static void
aws_client_timing(const struct timespec *t0, long *ms)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	*ms = (long)(t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

int
aws_client_call(struct aws_client *c, enum aws_service svc, const char *operation,
    const void *body, size_t body_len, struct http_response *resp, struct awserr *ae_out,
    struct err *e)
{
	const struct aws_service_info *si = endpoint_service_info(svc);
	const struct aws_endpoint *ep;
	struct awserr ae_local, *ae = ae_out != NULL ? ae_out : &ae_local;
	struct retry_state rs;
	struct retry_decision d = { false, 0, "not retryable" };
	bool refreshed = false;
	const char *local = NULL;
	char target[160];
	const char *content_type;
	struct err ne;
	struct timespec t0, start;
	struct http_opts ho;
	long ms, spent;
	int rc;

	awserr_clear(ae);
	if (si == NULL) {
		err_set(e, "unknown AWS service");
		return -1;
	}
	awserr_set_api(ae, si->name, operation);
	ep = &c->ep[svc];
	if (si->protocol == AWS_PROTO_JSON) {
		if (jsonproto_target(target, sizeof(target), si->target_prefix, operation, e) != 0)
			return -1;
		content_type = JSONPROTO_CONTENT_TYPE;
	} else {
		target[0] = '\0';
		content_type = QUERY_CONTENT_TYPE;
	}
	retry_state_init(&rs, c->seed_fixed ? c->seed : aws_client_random_seed());
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		enum retry_class cls;

		http_response_reset(resp);
		err_clear(&ne);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		aws_client_timing(&start, &spent);
		if (aws_client_attempt_opts(c, spent, &ho) != 0) {
			d.reason = "retry time budget exhausted";
			break;
		}
		rc = aws_client_attempt(c, &ho, ep, target[0] != '\0' ? target : NULL,
		    content_type, body, body_len, resp, &local, &ne);
		aws_client_timing(&t0, &ms);
		rs.busy_ms += (uint64_t)ms;
		if (rc == -2) {
			rs.attempts++;
			awserr_set(ae, 0, local, ne.msg, NULL,
			    strcmp(local, "CredentialsError") == 0 ? AWSERR_CREDENTIAL : 0);
			d.reason = "request not sent";
			break;
		}
		if (rc == 0) {
			log_debug("POST %s %s -> HTTP %ld (attempt %u, %ld ms, %zu bytes)", ep->url, ae->api,
			    resp->status, rs.attempts + 1, ms, resp->body.len);
			if (resp->status >= 200 && resp->status < 300) {
				c->last_attempts = rs.attempts + 1;
				return 0;
			}
			awserr_parse(ae, si->protocol, resp->status, resp->body.data, resp->body.len,
			    resp->error_type, resp->request_id);
			cls = retry_classify(resp->status, ae->code, false, false);
		} else {
			log_debug("POST %s %s -> %s (attempt %u, %ld ms)", ep->url, ae->api,
			    http_failure_name(resp->failure), rs.attempts + 1, ms);
			/* Which attempt the message is about: the last one is
			 * what the caller sees. */
			if (resp->failure == HTTP_FAIL_TIMEOUT) {
				size_t l = strlen(ne.msg);

				snprintf(ne.msg + l, sizeof(ne.msg) - l, " (attempt %u of %u)",
				    rs.attempts + 1, c->retry.max_attempts);
			}
			awserr_set(ae, resp->status, aws_client_transport_code(resp->failure), ne.msg, NULL,
			    AWSERR_TRANSPORT |
			    (http_failure_transient(resp->failure) ? AWSERR_RETRYABLE : 0));
			cls = retry_classify(0, NULL, true, http_failure_transient(resp->failure));
		}
		if ((ae->flags & AWSERR_EXPIRED) && !refreshed && aws_client_on_expired(c, ae)) {
			refreshed = true;
			rs.attempts++;
			continue;
		}
		/* Fresh credentials rejected too: the final answer, but the next
		 * call must not start from them either. */
		if ((ae->flags & AWSERR_EXPIRED) && refreshed && c->creds->invalidate != NULL)
			c->creds->invalidate(c->creds);
		retry_decide(&c->retry, &rs, cls, resp->retry_after[0] != '\0' ? resp->retry_after : NULL, &d);
		if (!d.retry)
			break;
		log_debug("%s: %s (%s), retrying in %u ms", ae->api, ae->code, d.reason, d.delay_ms);
		c->sleep_fn(c->sleep_ctx, d.delay_ms);
	}
	c->last_attempts = rs.attempts;
	if (rs.attempts > 1) {
		size_t l = strlen(ae->message);

		snprintf(ae->message + l, sizeof(ae->message) - l, " [gave up after %u attempts: %s]",
		    rs.attempts, d.reason);
	}
	awserr_to_err(ae, e);
	return -1;
}

int
aws_client_query(struct aws_client *c, enum aws_service svc, const char *action,
    const struct query_param *params, size_t nparams, struct xml_doc **doc,
    const struct xml_node **result, struct awserr *ae_out, struct err *e)
{
	const struct aws_service_info *si = endpoint_service_info(svc);
	struct awserr ae_local, *ae = ae_out != NULL ? ae_out : &ae_local;
	struct http_response resp;
	struct buf body = BUF_INIT;
	struct xml_limits lim;
	struct err pe;
	int rc = -1;

	*doc = NULL;
	*result = NULL;
	http_response_init(&resp, c->max_response_bytes);
	if (si == NULL || si->protocol == AWS_PROTO_JSON) {
		err_set(e, "%s is not a query-protocol service", si != NULL ? si->name : "?");
		goto out;
	}
	if (query_build(&body, action, si->api_version, params, nparams, e) != 0)
		goto out;
	if (aws_client_call(c, svc, action, body.data, body.len, &resp, ae, e) != 0)
		goto out;
	xml_limits_default(&lim);
	lim.max_bytes = c->max_response_bytes;
	if (query_parse_response(si->protocol, resp.body.data, resp.body.len, action, &lim, doc,
	    result, ae->request_id, sizeof(ae->request_id), &pe) != 0) {
		awserr_set(ae, resp.status, "MalformedResponse", pe.msg,
		    ae->request_id[0] != '\0' ? ae->request_id : resp.request_id, AWSERR_MALFORMED);
		awserr_to_err(ae, e);
		goto out;
	}
	if (ae->request_id[0] == '\0')
		awserr_set(ae, resp.status, "", "", resp.request_id, 0);
	rc = 0;
out:
	buf_free(&body);
	http_response_free(&resp);
	return rc;
}

int
aws_client_json(struct aws_client *c, enum aws_service svc, const char *operation,
    const cJSON *req, cJSON **out, struct awserr *ae_out, struct err *e)
{
	const struct aws_service_info *si = endpoint_service_info(svc);
	struct awserr ae_local, *ae = ae_out != NULL ? ae_out : &ae_local;
	struct http_response resp;
	struct buf body = BUF_INIT;
	struct err pe;
	int rc = -1;

	*out = NULL;
	http_response_init(&resp, c->max_response_bytes);
	if (si == NULL || si->protocol != AWS_PROTO_JSON) {
		err_set(e, "%s is not a JSON-protocol service", si != NULL ? si->name : "?");
		goto out;
	}
	if (jsonproto_build(&body, req, e) != 0)
		goto out;
	if (aws_client_call(c, svc, operation, body.data, body.len, &resp, ae, e) != 0)
		goto out;
	if (jsonproto_parse_response(resp.body.data, resp.body.len, 0, operation, out, &pe) != 0) {
		awserr_set(ae, resp.status, "MalformedResponse", pe.msg, resp.request_id,
		    AWSERR_MALFORMED);
		awserr_to_err(ae, e);
		goto out;
	}
	rc = 0;
out:
	buf_free(&body);
	http_response_free(&resp);
	return rc;
}
