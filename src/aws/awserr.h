/*
 * One error structure for every AWS failure, whatever the protocol: HTTP
 * status, AWS error code, message, request id, the API that failed, and a
 * classification the client and callers act on (retry, refresh credentials,
 * report a missing permission).
 *
 * Parsing accepts the three wire shapes AWS uses:
 *   query  <ErrorResponse><Error><Code/><Message/></Error><RequestId/></ErrorResponse>
 *   ec2    <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>
 *   JSON   {"__type": "ns#Code:uri", "message"|"Message": ...} and/or X-Amzn-Errortype
 * A body that is malformed, truncated or of the wrong shape still yields a
 * usable error (code "Unknown", the HTTP status and a note), never a crash.
 */
#ifndef PRA_AWS_AWSERR_H
#define PRA_AWS_AWSERR_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/endpoint.h"
#include "util/err.h"

enum {
	AWSERR_RETRYABLE = 1 << 0,	/* throttling, 5xx, transient network failure */
	AWSERR_THROTTLE = 1 << 1,	/* a throttling code or HTTP 429 */
	AWSERR_CREDENTIAL = 1 << 2,	/* credentials missing, invalid, expired, bad signature */
	AWSERR_EXPIRED = 1 << 3,	/* ExpiredToken / ExpiredTokenException (also CREDENTIAL) */
	AWSERR_ACCESS_DENIED = 1 << 4,	/* AccessDenied*, UnauthorizedOperation */
	AWSERR_TRANSPORT = 1 << 5,	/* no (complete) HTTP response */
	AWSERR_MALFORMED = 1 << 6,	/* the response body could not be parsed */
};

#define AWSERR_CODE_MAX 128
#define AWSERR_MSG_MAX 640
#define AWSERR_ID_MAX 128
#define AWSERR_API_MAX 96

struct awserr {
	long http_status;			/* 0 when no response arrived */
	char code[AWSERR_CODE_MAX];		/* "AccessDenied"; "Unknown" when the body had none */
	char message[AWSERR_MSG_MAX];
	char request_id[AWSERR_ID_MAX];		/* "" when unknown */
	char api[AWSERR_API_MAX];		/* "iam:GetAccountAuthorizationDetails" */
	unsigned flags;				/* AWSERR_* */
};

void awserr_clear(struct awserr *a);
void awserr_set_api(struct awserr *a, const char *service, const char *operation);

/*
 * Fill a from an error response. body may be NULL/empty. hdr_errortype is the
 * X-Amzn-Errortype header (JSON; may be NULL), hdr_request_id the
 * x-amzn-RequestId header (used when the body has none). Sets the flags.
 * Returns 0 when the body had the expected shape, -1 when it did not (a is
 * still filled: code "Unknown" unless a header named it, MALFORMED set).
 * a->api is kept.
 */
int awserr_parse(struct awserr *a, enum aws_protocol proto, long status, const char *body,
    size_t len, const char *hdr_errortype, const char *hdr_request_id);

/* Strip a JSON error code to its shape name: after the last '#', before the first ':'.
 * Writes at most n bytes (NUL included). */
void awserr_json_code(const char *raw, char *out, size_t n);

/* Set the fields of a failure that did not come from an AWS error body
 * (transport, malformed success body). message is truncated to fit; api kept. */
void awserr_set(struct awserr *a, long status, const char *code, const char *message,
    const char *request_id, unsigned flags);

/* Recompute a->flags from status and code (keeps TRANSPORT and MALFORMED). */
void awserr_classify(struct awserr *a);

/* "iam:GetAccountAuthorizationDetails: AccessDenied (HTTP 403, request id X): message".
 * Parts that are unknown are left out. Returns what snprintf returned. */
int awserr_format(const struct awserr *a, char *out, size_t n);
/* err_set(e, formatted). */
void awserr_to_err(const struct awserr *a, struct err *e);

#endif
