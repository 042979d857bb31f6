/*
 * The sources of the chain, as functions of one resolution context (internal
 * to credentials.c and creds_profile.c). Each returns CREDS_FOUND, CREDS_SKIP
 * (not configured here: e says why, for the final "no credentials" message)
 * or CREDS_ERROR.
 */
#ifndef PRA_AWS_CREDS_CHAIN_H
#define PRA_AWS_CREDS_CHAIN_H

#include <stdbool.h>
#include <time.h>

#include "aws/credentials.h"
#include "aws/creds/creds_imds.h"
#include "util/err.h"

struct creds_ctx {
	const struct creds_opts *o;	/* the provider's copy, defaults applied */
	time_t now;
	struct creds_imds *imds;	/* the provider's IMDS state (token cache) */
	const char *profile_region;	/* region of the profile being resolved, or NULL */
};

int creds_src_static(struct creds_ctx *cx, struct aws_credentials *out, struct err *e);
int creds_src_env(struct creds_ctx *cx, struct aws_credentials *out, struct err *e);
/* AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN [+ AWS_ROLE_SESSION_NAME]. */
int creds_src_web_identity_env(struct creds_ctx *cx, struct aws_credentials *out, struct err *e);
/* AssumeRoleWithWebIdentity with the token in token_file. */
int creds_web_identity(struct creds_ctx *cx, const char *token_file, const char *role_arn,
    const char *session_name, int duration_s, struct aws_credentials *out, struct err *e);
int creds_src_ecs(struct creds_ctx *cx, struct aws_credentials *out, struct err *e);
int creds_src_imds(struct creds_ctx *cx, bool required, struct aws_credentials *out,
    struct err *e);
/* The shared files (creds_profile.c). required: the profile was named
 * explicitly or the source is "profile", so a missing profile is an error. */
int creds_src_profile(struct creds_ctx *cx, bool required, struct aws_credentials *out,
    struct err *e);

/* AssumeRole with caller credentials, through o->sts (or the built-in one). */
int creds_assume_role(struct creds_ctx *cx, const struct aws_credentials *caller,
    const char *role_arn, const char *session_name, const char *external_id, int duration_s,
    struct aws_credentials *out, struct err *e);

/* "passrole-auditd-<unix time>" into out. */
void creds_default_session_name(time_t now, char *out, size_t n);
/* The STS signing region: o->sts_region, AWS_REGION, AWS_DEFAULT_REGION, the
 * profile's region, us-east-1. */
const char *creds_sts_region(const struct creds_ctx *cx);

#endif
