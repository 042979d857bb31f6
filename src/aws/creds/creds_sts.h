/*
 * The two STS calls of the credential chain, AssumeRole and
 * AssumeRoleWithWebIdentity (query protocol, 2011-06-15): the form body, the
 * response parser, and the built-in sender creds_sts_default used when the
 * options inject no other (tests inject one to answer without a network).
 */
#ifndef PRA_AWS_CREDS_STS_H
#define PRA_AWS_CREDS_STS_H

#include <stddef.h>

#include "aws/credentials.h"
#include "util/buf.h"
#include "util/err.h"

#define CREDS_STS_BODY_MAX ((size_t)64 << 10)

/* "https://sts.REGION.amazonaws.com" (".amazonaws.com.cn" for cn-*) into out. */
void creds_sts_endpoint(const char *region, char *out, size_t n);

/* Form body of r (it holds the web identity token: free with buf_free_secret).
 * -1 with e when a required field is missing. */
int creds_sts_form(const struct creds_sts_request *r, struct buf *out, struct err *e);

/* Parse an STS answer: on HTTP 200 the <Credentials> of the result, else the
 * <Error> code and message. api ("sts:AssumeRole") and role name the call in
 * errors. Bounded and DOCTYPE-free, like every XML parser here. */
int creds_sts_parse(const char *body, size_t len, long status, const char *api,
    const char *role, struct aws_credentials *out, struct err *e);

/* The built-in sender (ctx unused): AssumeRoleWithWebIdentity as an unsigned
 * POST, AssumeRole signed with SigV4 by the AWS client. */
int creds_sts_default(void *ctx, const struct creds_sts_request *r, struct aws_credentials *out,
    struct err *e);

#endif
