/*
 * Credentials and the provider interface the client signs with.
 *
 * Credentials are the chain's struct aws_credentials (aws/credentials.h): one
 * type for the whole layer, so the chain's adapter hands its copy straight on.
 *
 * A provider hands out a private copy of the current credentials (get) and
 * can be told they were rejected (invalidate), so that a refreshing provider
 * (instance metadata, AssumeRole, SSO: a later part of the project) fetches
 * new ones on the next get. Expiry is carried so a refreshing provider and the
 * client can act before AWS says ExpiredToken.
 *
 * The static provider holds explicit keys, or the AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN environment read when it is made.
 * Secrets are registered with the logger's scrubber and wiped when freed.
 */
#ifndef PRA_AWS_CREDPROV_H
#define PRA_AWS_CREDPROV_H

#include <stdbool.h>
#include <time.h>

#include "aws/credentials.h"
#include "util/err.h"

/* True when the credentials expire within `margin` seconds of now. */
bool aws_creds_expiring(const struct aws_credentials *c, time_t now, time_t margin);

struct aws_creds_provider {
	const char *name;	/* "static", "environment", ...: for messages */
	/* Fill *out with a copy the caller owns (aws_creds_clear). 0 or -1. */
	int (*get)(struct aws_creds_provider *self, struct aws_credentials *out, struct err *e);
	/* The credentials were rejected as expired or invalid: refresh on the next get.
	 * The static provider cannot refresh and ignores this. */
	void (*invalidate)(struct aws_creds_provider *self);
	/* Wipe and free everything, including self. */
	void (*destroy)(struct aws_creds_provider *self);
	void *ctx;
	/* true when invalidate makes the next get fetch new credentials (the
	 * chain, AssumeRole): the client then refreshes once and retries once. */
	bool can_refresh;
};

/* Static provider from explicit keys (token may be NULL). */
struct aws_creds_provider *aws_creds_static_new(const char *access_key_id,
    const char *secret_access_key, const char *session_token, struct err *e);
/* Static provider from the environment; fails naming the missing variable. */
struct aws_creds_provider *aws_creds_env_new(struct err *e);
/* p->destroy(p); NULL is fine. */
void aws_creds_provider_free(struct aws_creds_provider *p);

#endif
