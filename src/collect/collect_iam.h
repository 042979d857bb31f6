/*
 * IAM collector: iam:GetAccountAuthorizationDetails (every entity filter,
 * Marker/IsTruncated pagination) into a struct snap_iam. collect_iam() itself
 * is declared in collect/collect.h; this header adds the page parser, kept
 * apart from the fetch loop so that tests and the fuzzer can feed it pages.
 */
#ifndef PRA_COLLECT_COLLECT_IAM_H
#define PRA_COLLECT_COLLECT_IAM_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/xml.h"
#include "collect/collect.h"
#include "collect/snapshot.h"
#include "util/err.h"

/* MaxItems bounds of the API; a page_size outside them is clamped. */
#define COLLECT_IAM_MAX_ITEMS 1000
/* A decoded policy document larger than this is refused (IAM's own limits
 * are a few KiB; this only bounds what a hostile answer can make us keep). */
#define COLLECT_DOC_MAX ((size_t)1 << 20)

/* Outcome of a page parse. */
enum {
	COLLECT_PAGE_OK = 0,
	COLLECT_PAGE_BAD = -1,		/* e names the API, the entity and the field */
	COLLECT_PAGE_NOMEM = -2,
};

/*
 * A policy document as the snapshot keeps it: the JSON text, from IAM's
 * percent-encoded form or from plain JSON text (some emulators send that; EC2
 * always does), surrounding whitespace trimmed. NULL with e set when a
 * percent-escape is bad, the text is empty or larger than COLLECT_DOC_MAX, or
 * it decodes to a NUL byte. The caller frees the result.
 */
char *collect_iam_doc_decode(const char *text, size_t len, struct err *e);

/* What IAM's fields mean, the same for the live collector and the offline
 * loader. A role is service-linked when its path (without one, its ARN) is
 * under /aws-service-role/. */
bool collect_iam_service_linked(const char *path, const char *arn);
/* arn:PARTITION:iam::aws:policy/...: a policy AWS manages. */
bool collect_iam_aws_managed(const char *arn);

/*
 * Parse one GetAccountAuthorizationDetails result (the
 * <GetAccountAuthorizationDetailsResult> element) and append its users,
 * groups, roles and managed policies to iam. A page is added whole or not at
 * all: on COLLECT_PAGE_BAD (a required field missing or empty, a document
 * that cannot be decoded, a malformed boolean or number) nothing of it is
 * added. Unknown elements are ignored; absent lists are empty.
 *
 * *truncated is IsTruncated (absent: false); *marker is a malloc'd copy of
 * Marker, or NULL when there is none. Both are set only on COLLECT_PAGE_OK.
 * iam->part is not touched.
 */
int collect_iam_parse_page(const struct xml_node *result, struct snap_iam *iam,
    bool *truncated, char **marker, struct err *e);

#endif
