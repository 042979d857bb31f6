/*
 * The query and ec2 protocols (IAM, STS, EC2): requests are POST / with a
 * form body "Action=Op&Version=V&Name=Value..." (RFC 3986 encoding of every
 * name and value), responses are XML.
 *
 * query: <OpResponse><OpResult>...</OpResult><ResponseMetadata><RequestId/>...
 * ec2:   <OpResponse><requestId/>... members directly under the root.
 */
#ifndef PRA_AWS_QUERY_H
#define PRA_AWS_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "aws/endpoint.h"
#include "aws/xml.h"
#include "util/buf.h"
#include "util/err.h"

#define QUERY_CONTENT_TYPE "application/x-www-form-urlencoded; charset=utf-8"

struct query_param {
	const char *name;	/* "Filter.member.1", "Marker" */
	const char *value;
};

/* Append "Action=..&Version=..[&name=value...]" to body. 0 or -1. */
int query_build(struct buf *body, const char *action, const char *version,
    const struct query_param *params, size_t nparams, struct err *e);

/*
 * Parse a successful response of `action`. Checks that the root is
 * <actionResponse>; *result is <actionResult> for query, the root for ec2.
 * The request id (ResponseMetadata/RequestId or requestId) is copied into
 * request_id when non-NULL. *doc owns the tree (xml_free).
 */
int query_parse_response(enum aws_protocol proto, const char *body, size_t len,
    const char *action, const struct xml_limits *lim, struct xml_doc **doc,
    const struct xml_node **result, char *request_id, size_t request_id_size, struct err *e);

/* The one ISO 8601 parser of the AWS layer (API fields and credential
 * documents). "2024-05-20T08:15:30Z", optional fraction ".535" (dropped),
 * "Z" or a "+00:00"/"-05:00" offset; the date is checked (leap years).
 * QUERY_TIME_RELAXED also takes what credential_process and SDK-written
 * files may carry: a space for the "T" and offsets without the colon
 * ("-0100"). 0 or -1 (e names the text). */
#define QUERY_TIME_RELAXED 1u
int query_parse_time(const char *s, unsigned flags, time_t *out, struct err *e);
/* query_parse_time with no flags: what AWS APIs send. */
int query_parse_timestamp(const char *s, time_t *out, struct err *e);

/* "true"/"false" -> bool. 0 or -1. */
int query_parse_bool(const char *s, bool *out, struct err *e);

#endif
