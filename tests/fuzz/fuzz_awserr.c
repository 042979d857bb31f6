/*
 * libFuzzer target: AWS error bodies (awserr_parse) in the three shapes the
 * client meets: query XML, EC2 XML and JSON 1.1 with the X-Amzn-Errortype
 * and x-amzn-RequestId headers.
 *
 * Input: byte 0 picks the protocol (mod 3), byte 1 the HTTP status (400 +
 * it); the rest is HDR_ERRORTYPE '\0' HDR_REQUEST_ID '\0' BODY when it holds
 * two NULs (one NUL: HDR_ERRORTYPE '\0' BODY), else BODY alone.
 *
 * Checked: whatever the body, the error is usable: a code (never empty),
 * every field NUL-terminated within its array, the status kept, a body that
 * could not be read flagged MALFORMED, the flags consistent with the code
 * (an expired token is also a credential error), and the formatted message
 * fits and names the API.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/awserr.h"
#include "aws/endpoint.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_field(const char *s, size_t n)
{
	if (memchr(s, '\0', n) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum aws_protocol protos[] = { AWS_PROTO_QUERY, AWS_PROTO_EC2, AWS_PROTO_JSON };
	const char *body, *nul1, *nul2, *hdr_type = NULL, *hdr_id = NULL;
	char *copy, msg[ERR_MSG_MAX];
	struct awserr a;
	struct err e = { "" };
	size_t len;
	long status;
	int rc;

	if (size < 2)
		return 0;
	status = 400 + data[1];
	/* A private copy so that the headers are NUL-terminated strings. */
	if ((copy = malloc(size - 2 + 1)) == NULL)
		return 0;
	memcpy(copy, data + 2, size - 2);
	copy[size - 2] = '\0';
	body = copy;
	len = size - 2;
	if ((nul1 = memchr(copy, '\0', len)) != NULL) {
		hdr_type = copy;
		body = nul1 + 1;
		len = size - 2 - (size_t)(body - copy);
		if ((nul2 = memchr(body, '\0', len)) != NULL) {
			hdr_id = body;
			body = nul2 + 1;
			len = size - 2 - (size_t)(body - copy);
		}
	}
	awserr_clear(&a);
	awserr_set_api(&a, "iam", "GetAccountAuthorizationDetails");
	rc = awserr_parse(&a, protos[data[0] % 3], status, body, len, hdr_type, hdr_id);
	check_field(a.code, sizeof(a.code));
	check_field(a.message, sizeof(a.message));
	check_field(a.request_id, sizeof(a.request_id));
	check_field(a.api, sizeof(a.api));
	if (a.code[0] == '\0' || a.http_status != status ||
	    strcmp(a.api, "iam:GetAccountAuthorizationDetails") != 0)
		abort();
	if ((rc != 0) != ((a.flags & AWSERR_MALFORMED) != 0))
		abort();
	if ((a.flags & AWSERR_EXPIRED) && !(a.flags & AWSERR_CREDENTIAL))
		abort();
	if ((a.flags & AWSERR_THROTTLE) && !(a.flags & AWSERR_RETRYABLE))
		abort();
	awserr_to_err(&a, &e);
	if (strncmp(e.msg, "iam:GetAccountAuthorizationDetails: ", 36) != 0)
		abort();
	if (awserr_format(&a, msg, sizeof(msg)) < 0)
		abort();
	free(copy);
	return 0;
}
