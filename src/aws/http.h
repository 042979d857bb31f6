/*
 * HTTP(S) transfers with libcurl, with the safety rules of the project built
 * in: TLS peer and host verification always on (an optional CA bundle file
 * replaces the system store); plain http:// and the "insecure" switch are
 * honoured only for loopback hosts (127.0.0.0/8, ::1, localhost), and the
 * latter logs a warning every time; no redirects; only http/https; bounded
 * response size; connect and total timeouts. The one exception to the
 * loopback rule is opt-in per request: the instance metadata service and the
 * container credentials agent (see enum http_plain).
 *
 * One transfer is a struct http_xfer wrapping a curl easy handle. Simple
 * callers use http_perform(); a collector running many requests at once adds
 * http_xfer_handle() to a curl multi handle and calls http_xfer_done() with
 * the CURLcode the multi handle reports.
 */
#ifndef PRA_AWS_HTTP_H
#define PRA_AWS_HTTP_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

#define HTTP_DEFAULT_CONNECT_TIMEOUT_MS 10000L
#define HTTP_DEFAULT_TOTAL_TIMEOUT_MS 120000L
#define HTTP_DEFAULT_MAX_RESPONSE_BYTES ((size_t)64 << 20)

/*
 * Where plain http:// is allowed besides loopback. AWS serves credentials
 * over plain http at a few fixed addresses that never leave the host or its
 * hypervisor: the instance metadata service (169.254.169.254, fd00:ec2::254)
 * and the ECS/EKS container agents (169.254.170.2, 169.254.170.23,
 * fd00:ec2::23). The AWS SDKs use plain http there and nothing else is
 * offered, so the IMDS and container providers may opt in to exactly their
 * own addresses; every other host still needs https. TLS verification is
 * never relaxed by this (insecure_loopback stays loopback only), and such
 * transfers never go through a proxy: link-local traffic must not leave the
 * host.
 */
enum http_plain {
	HTTP_PLAIN_LOOPBACK = 0,	/* loopback only (every AWS API call) */
	HTTP_PLAIN_IMDS,		/* + 169.254.169.254, fd00:ec2::254 */
	HTTP_PLAIN_CONTAINER,		/* + 169.254.170.2, 169.254.170.23, fd00:ec2::23 */
};

/* True when plain http to host (as libcurl returns it: IPv6 in brackets) is
 * allowed under rule: a loopback host, or one of the rule's addresses. */
bool http_plain_allowed(enum http_plain rule, const char *host);

struct http_opts {
	const char *ca_bundle;		/* PEM file of trusted CAs; NULL: system store */
	bool insecure_loopback;		/* skip TLS verification, loopback hosts only */
	enum http_plain plain_http;	/* default HTTP_PLAIN_LOOPBACK */
	long connect_timeout_ms;	/* <= 0: default */
	long total_timeout_ms;		/* <= 0: default */
	/* What total_timeout_ms is, for the message when it runs out (a
	 * caller may have cut it to what is left of a larger budget); NULL:
	 * "request timeout". */
	const char *total_timeout_name;
	size_t max_response_bytes;	/* 0: default */
	/* "http[s]://[user:password@]host:port" (user and password are
	 * secrets) for every request that is not local: a CONNECT tunnel
	 * through it, TLS to the target still verified end to end. NULL or
	 * "": libcurl's environment (https_proxy, no_proxy). Local requests
	 * (loopback, a credential endpoint) never use a proxy. */
	const char *proxy;
};

void http_opts_default(struct http_opts *o);

/* The checks http_xfer_new makes on a URL (scheme, plain http, insecure),
 * for a caller that wants to refuse a configured URL early. 0 or -1. */
int http_url_check(const struct http_opts *o, const char *url, struct err *e);

struct http_header {
	const char *name;
	const char *value;
};

struct http_request {
	const char *method;		/* "GET", "POST" */
	const char *url;
	const struct http_header *headers;
	size_t nheaders;
	const void *body;
	size_t body_len;
};

enum http_failure {
	HTTP_FAIL_NONE = 0,	/* a complete response arrived (any status) */
	HTTP_FAIL_POLICY,	/* refused before sending: URL, scheme or insecure rule */
	HTTP_FAIL_CONNECT,	/* resolve or connect failed / refused */
	HTTP_FAIL_TIMEOUT,
	HTTP_FAIL_RESET,	/* connection reset or closed with no (complete) answer */
	HTTP_FAIL_TRUNCATED,	/* body shorter than Content-Length */
	HTTP_FAIL_TOO_LARGE,	/* response over max_response_bytes */
	HTTP_FAIL_TLS,		/* handshake or certificate verification failed */
	HTTP_FAIL_OTHER,
};

/* True for failures a retry may fix: connect, timeout, reset, truncated. */
bool http_failure_transient(enum http_failure f);
const char *http_failure_name(enum http_failure f);

struct http_response {
	long status;			/* 0 when no response */
	struct buf body;		/* owned */
	char retry_after[32];		/* captured headers, "" when absent */
	char request_id[128];		/* x-amzn-RequestId (or x-amz-request-id) */
	char error_type[256];		/* X-Amzn-Errortype */
	char content_type[128];
	enum http_failure failure;
	long timeout_ms;		/* HTTP_FAIL_TIMEOUT: the limit that ran out */
};

/* max_bytes 0 means HTTP_DEFAULT_MAX_RESPONSE_BYTES. */
void http_response_init(struct http_response *r, size_t max_bytes);
/* Clear status, headers and body for another attempt (keeps the bound). */
void http_response_reset(struct http_response *r);
void http_response_free(struct http_response *r);

/* curl_global_init, once; call before threads start. 0 or -1. */
int http_global_init(struct err *e);

struct http_xfer;

/*
 * Prepare a transfer. The request (URL, headers, body) must stay valid until
 * the transfer is done; resp receives the answer and must outlive the xfer.
 * Fails (HTTP_FAIL_POLICY in resp->failure) for a URL the rules refuse.
 */
struct http_xfer *http_xfer_new(const struct http_opts *o, const struct http_request *req,
    struct http_response *resp, struct err *e);
CURL *http_xfer_handle(struct http_xfer *x);
/* Record the outcome: 0 when a complete response arrived (any HTTP status),
 * else -1 with resp->failure and e describing it (URL included). */
int http_xfer_done(struct http_xfer *x, CURLcode rc, struct err *e);
void http_xfer_free(struct http_xfer *x);

/* new + curl_easy_perform + done + free. */
int http_perform(const struct http_opts *o, const struct http_request *req,
    struct http_response *resp, struct err *e);

/*
 * Run n transfers with at most max_parallel at once on one curl multi
 * handle (0: all at once). Each resp[i] must be initialised; its outcome is
 * in resp[i].failure / status, with a message in errs[i] (errs may be NULL).
 * Returns the number of transfers that got a complete response, or -1 when
 * the multi handle itself failed (e).
 */
int http_perform_many(const struct http_opts *o, const struct http_request *reqs,
    struct http_response *resps, struct err *errs, size_t n, size_t max_parallel, struct err *e);

#endif
