/*
 * Plain HTTP(S) for the metadata endpoints (instance metadata, container
 * credentials) and the unsigned STS call: libcurl with short timeouts, no
 * proxy (link-local addresses must never go through one), no redirects,
 * http/https only, TLS always verified, bounded bodies. Headers may carry
 * tokens: they are wiped after the transfer.
 */
#ifndef PRA_AWS_CREDS_HTTP_H
#define PRA_AWS_CREDS_HTTP_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

struct creds_http_req {
	const char *method;		/* "GET", "PUT", "POST" */
	const char *url;
	const char *const *headers;	/* "Name: value" lines */
	size_t nheaders;
	const char *body;
	size_t body_len;
	long connect_timeout_ms;
	long timeout_ms;
	size_t max_bytes;
	const char *ca_bundle;		/* NULL: system store */
};

struct creds_http_resp {
	long status;			/* 0: no answer */
	struct buf body;		/* owned; may hold secrets: buf_free_secret */
	int timed_out;			/* the failure was a timeout */
};

/* 0 when an HTTP answer arrived (any status), -1 with e naming the URL (never
 * a header) when none did. resp->body is reset first. */
int creds_http(const struct creds_http_req *r, struct creds_http_resp *resp, struct err *e);
void creds_http_resp_free(struct creds_http_resp *resp);

#endif
