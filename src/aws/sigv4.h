/*
 * AWS Signature Version 4 (AWS4-HMAC-SHA256), as pure functions: time and
 * credentials are arguments, nothing here does I/O. The stages are public so
 * each can be tested against the AWS test suite on its own:
 *
 *   request --sigv4_canonical_request--> canonical request
 *           --sigv4_string_to_sign-----> string to sign
 *   secret  --sigv4_signing_key--------> signing key (wiped by the caller)
 *           --sigv4_signature_hex------> signature
 *   sigv4_sign: all of it, giving the headers to add (Authorization, ...)
 *   sigv4_presign: the same as query parameters (presigned URL)
 *
 * The rules are those of the non-S3 services (IAM, STS, EC2, Organizations):
 * the path is normalised and each segment URI-encoded again even if it holds
 * %XX already; flags select the S3 variants.
 */
#ifndef PRA_AWS_SIGV4_H
#define PRA_AWS_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util/buf.h"
#include "util/err.h"

/*
 * Bounds on what is signed; a request beyond them is refused with an error
 * naming the bound, never truncated. They are far above any AWS API request
 * (IAM/STS/EC2/Organizations send a handful of headers, a "/" path and, for
 * the Query protocol, parameters in the body, which has no bound: it is only
 * hashed). Also refused: a header name that is not an HTTP token, a method
 * that is not one, a region, service or access key id holding a control
 * character or one of "/ ,;=", an empty session token or one holding a
 * control character (it is returned as a header value), a malformed
 * X-Amz-Date, and, with SIGV4_SINGLE_ENCODE_PATH, a path with a bad %-escape.
 */
#define SIGV4_MAX_HEADERS	64		/* request headers (the signer adds up to 3) */
#define SIGV4_MAX_HEADER_VALUE	8192		/* bytes in one header value */
#define SIGV4_MAX_PATH		8192		/* bytes in the path as sent */
#define SIGV4_MAX_QUERY		65536		/* bytes in the raw query string */
#define SIGV4_MAX_QUERY_PARAMS	512		/* query parameters, presign ones included */
#define SIGV4_MAX_CANONICAL	(256u * 1024u)	/* bytes in the canonical request */

struct sigv4_header {
	const char *name;
	const char *value;
};

struct sigv4_request {
	const char *method;			/* "GET", "POST", ... */
	const char *path;			/* as sent on the wire, e.g. "/" (may hold %XX) */
	const char *query;			/* raw query string without '?', or NULL */
	const struct sigv4_header *headers;	/* must include Host; X-Amz-Date is added when absent */
	size_t nheaders;
	const void *body;
	size_t body_len;
};

struct sigv4_credentials {
	const char *access_key_id;
	const char *secret_access_key;
	const char *session_token;		/* NULL when none */
};

enum {
	SIGV4_NO_NORMALIZE_PATH = 1,	/* keep . .. and // in the path (S3) */
	SIGV4_SINGLE_ENCODE_PATH = 2,	/* decode %XX before encoding the path once (S3) */
	SIGV4_SIGN_BODY = 4,		/* add and sign X-Amz-Content-Sha256 */
	SIGV4_OMIT_SESSION_TOKEN = 8,	/* add X-Amz-Security-Token after signing, unsigned */
};

struct sigv4_params {
	const char *region;
	const char *service;
	time_t when;			/* used unless the request has X-Amz-Date */
	unsigned flags;
};

/* The headers to add to the request, in order: X-Amz-Date (when the request
 * had none), X-Amz-Security-Token (when there is a token and the request had
 * none; with SIGV4_OMIT_SESSION_TOKEN it is returned but was not signed),
 * X-Amz-Content-Sha256 (SIGV4_SIGN_BODY), Authorization. Values are owned by
 * the struct; sigv4_signed_free wipes and frees them. */
struct sigv4_signed {
	size_t n;
	struct {
		char name[32];
		char *value;
	} h[4];
};

/* The stage results of one signing; owned by the caller (sigv4_canon_free). */
struct sigv4_canon {
	struct buf creq;		/* canonical request */
	struct buf signed_headers;	/* "host;x-amz-date" */
	struct buf query;		/* canonical query string */
	char amz_date[17];		/* 20150830T123600Z */
	char payload_hash[65];
};

void sigv4_canon_init(struct sigv4_canon *c);
void sigv4_canon_free(struct sigv4_canon *c);

/*
 * Stage 1. With presign_expires > 0 the canonical request is the presigned
 * URL's: the X-Amz-* authentication parameters are in the query and only the
 * request's own headers are signed.
 */
int sigv4_canonical_request(const struct sigv4_request *req,
    const struct sigv4_credentials *cred, const struct sigv4_params *p,
    long presign_expires, struct sigv4_canon *out, struct err *e);

/* Stage 2: "AWS4-HMAC-SHA256\n<date>\n<scope>\n<hex sha256 of creq>". */
int sigv4_string_to_sign(const char *amz_date, const char *region,
    const char *service, const char *creq, size_t creq_len, struct buf *out,
    struct err *e);

/* Stage 3: HMAC chain from "AWS4"+secret over date, region, service,
 * "aws4_request". The caller wipes key (secret_wipe) when done. */
int sigv4_signing_key(const char *secret, const char *date8, const char *region,
    const char *service, unsigned char key[32], struct err *e);

/* Stage 4: hex HMAC-SHA256 of the string to sign. */
int sigv4_signature_hex(const unsigned char key[32], const char *sts,
    size_t sts_len, char hex[65], struct err *e);

/* All stages; out must be freed with sigv4_signed_free even on failure. */
int sigv4_sign(const struct sigv4_request *req, const struct sigv4_credentials *cred,
    const struct sigv4_params *p, struct sigv4_signed *out, struct err *e);
void sigv4_signed_free(struct sigv4_signed *s);
/* The value of header name in s (case-insensitive), or NULL. */
const char *sigv4_signed_get(const struct sigv4_signed *s, const char *name);

/* A presigned URL's query string: the request's own parameters and the
 * X-Amz-* ones, canonically ordered, then X-Amz-Signature. Appends to out. */
int sigv4_presign(const struct sigv4_request *req, const struct sigv4_credentials *cred,
    const struct sigv4_params *p, long expires, struct buf *out, struct err *e);

#endif
