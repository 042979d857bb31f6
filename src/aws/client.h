/*
 * The AWS client: builds a request for an API call, signs it with SigV4
 * (credentials from a struct aws_creds_provider), sends it, retries what is
 * worth retrying, and turns failures into a struct awserr naming the API.
 *
 * Not thread-safe: use one client per thread (or per collector).
 * Logging: at debug level each attempt logs method, URL, API, status and
 * timing; never a header, body, key or token.
 */
#ifndef PRA_AWS_CLIENT_H
#define PRA_AWS_CLIENT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aws/awserr.h"
#include "aws/credprov.h"
#include "aws/endpoint.h"
#include "aws/http.h"
#include "aws/query.h"
#include "aws/retry.h"
#include "aws/xml.h"
#include "util/err.h"

/* Options. aws_client_opts_init sets the documented defaults, and a numeric
 * field left at 0 also means its default; strings are borrowed during
 * aws_client_new only (the client copies what it keeps). */
struct aws_client_opts {
	const char *region;		/* default "us-east-1" */
	const char *partition;		/* "aws"|"aws-cn"|"aws-us-gov"; NULL: from the region */
	const char *endpoint_override[AWS_SVC_COUNT];	/* URL per service, NULL: default */
	const char *ca_bundle;		/* NULL: system CA store */
	const char *proxy;		/* see struct http_opts; a secret (may hold a password) */
	bool insecure_loopback;		/* default false; loopback endpoints only, warns */
	long connect_timeout_ms;	/* default 10000 */
	long total_timeout_ms;		/* per attempt, default 120000 */
	size_t max_response_bytes;	/* default 64 MiB */
	unsigned retry_max_attempts;	/* default 5 (1 = no retries) */
	unsigned retry_base_delay_ms;	/* default 100 */
	unsigned retry_max_delay_ms;	/* default 20000 */
	unsigned retry_max_retry_after_ms; /* default 30000 */
	unsigned retry_budget_ms;	/* default 60000: total time per call, attempts included */
};

void aws_client_opts_init(struct aws_client_opts *o);

struct aws_client;

/* The provider is borrowed and must outlive the client. */
struct aws_client *aws_client_new(const struct aws_client_opts *o,
    struct aws_creds_provider *creds, struct err *e);
void aws_client_free(struct aws_client *c);

/* Tests: replace the sleep between retries and fix the jitter seed. */
void aws_client_set_sleep(struct aws_client *c, retry_sleep_fn fn, void *ctx);
void aws_client_set_seed(struct aws_client *c, uint64_t seed);

const struct aws_endpoint *aws_client_endpoint(const struct aws_client *c, enum aws_service svc);
/* Attempts made by the last call (1 when it was not retried). */
unsigned aws_client_last_attempts(const struct aws_client *c);

/*
 * One API call with a prepared body (a query form or a JSON object). On
 * success (HTTP 2xx) returns 0 with the answer in resp, which the caller
 * initialised with http_response_init and frees. On failure returns -1 with
 * ae filled (api "service:Operation", code, status, request id, flags; for a
 * transport failure AWSERR_TRANSPORT and a code such as "Timeout") and e set
 * to the formatted error. ae may be NULL.
 */
int aws_client_call(struct aws_client *c, enum aws_service svc, const char *operation,
    const void *body, size_t body_len, struct http_response *resp, struct awserr *ae,
    struct err *e);

/*
 * Query/ec2 call: builds the form body, calls, parses the XML. *doc owns the
 * tree (xml_free); *result is the <OpResult> element (the root for ec2).
 * A malformed body is an error with code "MalformedResponse".
 */
int aws_client_query(struct aws_client *c, enum aws_service svc, const char *action,
    const struct query_param *params, size_t nparams, struct xml_doc **doc,
    const struct xml_node **result, struct awserr *ae, struct err *e);

/* JSON 1.1 call: req may be NULL ({}); *out is the parsed response object. */
int aws_client_json(struct aws_client *c, enum aws_service svc, const char *operation,
    const cJSON *req, cJSON **out, struct awserr *ae, struct err *e);

#endif
