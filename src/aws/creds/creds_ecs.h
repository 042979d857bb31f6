/*
 * Container credentials (ECS task roles, EKS Pod Identity):
 * AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is appended to http://169.254.170.2;
 * otherwise AWS_CONTAINER_CREDENTIALS_FULL_URI is used when it is https (any
 * host, verified TLS) or http to a host the SDKs allow: loopback
 * (127.0.0.0/8, ::1, localhost), 169.254.170.2 (ECS), 169.254.170.23 or
 * fd00:ec2::23 (EKS). No DNS lookup decides: other names are refused.
 * Authorization comes from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read at
 * every fetch, since the agent rotates it) or AWS_CONTAINER_AUTHORIZATION_TOKEN.
 */
#ifndef PRA_AWS_CREDS_ECS_H
#define PRA_AWS_CREDS_ECS_H

#include <stdbool.h>

#include "aws/credentials.h"
#include "util/err.h"

struct creds_ecs_opts {
	const char *const *env;		/* NULL: process environment */
	const char *host_url;		/* base for the relative URI; NULL: http://169.254.170.2 */
	const char *ca_bundle;
	long timeout_ms;
};

/* True when the full URI is acceptable (see above); else e says why. */
bool creds_ecs_full_uri_allowed(const char *url, struct err *e);

/* CREDS_FOUND, CREDS_SKIP (no variable set) or CREDS_ERROR. */
int creds_ecs_fetch(const struct creds_ecs_opts *o, struct aws_credentials *out, struct err *e);

#endif
