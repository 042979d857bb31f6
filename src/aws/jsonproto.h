/*
 * The JSON 1.1 protocol (Organizations): POST / with
 * "X-Amz-Target: <targetPrefix>.<Operation>", "Content-Type:
 * application/x-amz-json-1.1" and a JSON object body ("{}" when empty).
 */
#ifndef PRA_AWS_JSONPROTO_H
#define PRA_AWS_JSONPROTO_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

#define JSONPROTO_CONTENT_TYPE "application/x-amz-json-1.1"

/* "AWSOrganizationsV20161128.ListRoots" into out (n bytes). 0, or -1 when it does not fit. */
int jsonproto_target(char *out, size_t n, const char *prefix, const char *operation,
    struct err *e);

/* Serialise req (NULL means {}) compactly into body. 0 or -1. */
int jsonproto_build(struct buf *body, const cJSON *req, struct err *e);

/* Parse a successful response body: it must be one JSON object and at most
 * max_bytes long (0: no limit beyond the transport's). *out owned by the caller
 * (cJSON_Delete). An empty body is taken as {}. */
int jsonproto_parse_response(const char *body, size_t len, size_t max_bytes,
    const char *operation, cJSON **out, struct err *e);

#endif
