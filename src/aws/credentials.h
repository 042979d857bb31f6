/*
 * AWS credentials and the provider chain, resolved the way the AWS CLI and
 * SDKs do (source "auto"):
 *   1. environment: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY [+ AWS_SESSION_TOKEN];
 *   2. shared files: AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials) and
 *      AWS_CONFIG_FILE (~/.aws/config), profile AWS_PROFILE or "default":
 *      static keys, role_arn with source_profile (chains; loops are errors)
 *      or credential_source, web_identity_token_file, credential_process;
 *   3. web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN
 *      [+ AWS_ROLE_SESSION_NAME] -> sts:AssumeRoleWithWebIdentity;
 *   4. container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (169.254.170.2) or
 *      AWS_CONTAINER_CREDENTIALS_FULL_URI (https, loopback, ECS or EKS hosts
 *      only) with AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE];
 *   5. EC2 instance metadata, IMDSv2 only unless imds_v1_fallback.
 * A source that is not configured is skipped; a source that is configured but
 * fails is an error (as the CLI does), except that an unreachable or
 * role-less instance metadata service simply ends the chain.
 *
 * Results are cached and refreshed when they are within refresh_window_s of
 * expiry. Secrets are wiped when freed and registered with the log scrubber
 * while cached. Nothing here logs a secret at any level; the chain logs which
 * source it used.
 */
#ifndef PRA_AWS_CREDENTIALS_H
#define PRA_AWS_CREDENTIALS_H

#include <stdbool.h>
#include <time.h>

#include "util/err.h"

struct aws_credentials {
	char *access_key_id;		/* owned */
	char *secret_access_key;	/* owned, secret: wiped on clear */
	char *session_token;		/* owned, secret, NULL when none */
	time_t expiration;		/* 0 = does not expire */
	char source[64];		/* "environment", "profile dev", "imds", ... */
};

/* Wipe and free the members; the struct can be reused. NULL is fine. */
void aws_credentials_clear(struct aws_credentials *c);
/* Deep copy into an empty dst. 0 or -1 (ENOMEM). */
int aws_credentials_copy(struct aws_credentials *dst, const struct aws_credentials *src,
    struct err *e);

enum creds_source {
	CREDS_SOURCE_AUTO = 0,
	CREDS_SOURCE_STATIC,
	CREDS_SOURCE_ENVIRONMENT,
	CREDS_SOURCE_PROFILE,
	CREDS_SOURCE_WEB_IDENTITY,
	CREDS_SOURCE_ECS,
	CREDS_SOURCE_IMDS,
};

/* "auto", "static", "environment", "profile", "web_identity", "ecs", "imds". 0 or -1. */
int creds_source_parse(const char *name, enum creds_source *out);
const char *creds_source_name(enum creds_source s);

/* One STS call the chain needs. The caller credentials are NULL for
 * AssumeRoleWithWebIdentity, which is not signed. */
enum creds_sts_op { CREDS_STS_ASSUME_ROLE, CREDS_STS_ASSUME_ROLE_WITH_WEB_IDENTITY };
struct creds_sts_request {
	enum creds_sts_op op;
	const char *role_arn;
	const char *session_name;
	const char *external_id;		/* NULL: none */
	const char *web_identity_token;		/* secret; web identity only */
	int duration_s;				/* 0: STS default (1 hour) */
	const struct aws_credentials *caller;	/* AssumeRole only */
	const char *region;			/* signing region */
	const char *endpoint;			/* URL without a trailing '/'; never NULL */
	const char *ca_bundle;			/* NULL: system store */
	const char *proxy;			/* http_opts.proxy; NULL: environment */
	long timeout_ms;
};
/* Fill out (its source is set by the caller) or return -1 with e naming the
 * API and the AWS error code. */
typedef int (*creds_sts_fn)(void *ctx, const struct creds_sts_request *r,
    struct aws_credentials *out, struct err *e);

struct creds_opts {
	enum creds_source source;	/* default AUTO */
	const char *profile;		/* NULL: $AWS_PROFILE, else "default" */
	/* Static keys for source STATIC (token may be NULL). */
	const char *access_key_id, *secret_access_key, *session_token;
	const char *credentials_file;	/* NULL: $AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials */
	const char *config_file;	/* NULL: $AWS_CONFIG_FILE, ~/.aws/config */
	const char *sts_region;		/* NULL: $AWS_REGION, $AWS_DEFAULT_REGION, profile region, us-east-1 */
	const char *sts_endpoint;	/* NULL: https://sts.REGION.amazonaws.com (.cn in China) */
	const char *imds_endpoint;	/* NULL: $AWS_EC2_METADATA_SERVICE_ENDPOINT, http://169.254.169.254 */
	const char *ecs_host_url;	/* base of the relative URI; NULL: http://169.254.170.2 */
	const char *ca_bundle;		/* for https container endpoints and STS; NULL: system store */
	const char *proxy;		/* for STS (http_opts.proxy, a secret); NULL: environment */
	long imds_connect_timeout_ms;	/* default 1000 */
	long imds_timeout_ms;		/* whole IMDS request, default 2000 */
	long ecs_timeout_ms;		/* whole container request, default 5000 (connect 2000) */
	long process_timeout_ms;	/* credential_process, default 30000 */
	long sts_timeout_ms;		/* default 30000 */
	int imds_token_ttl_s;		/* default 21600 (6 h) */
	int refresh_window_s;		/* default 600: refresh when this close to expiry */
	bool imds_v1_fallback;		/* default false */
	bool imds_disabled;		/* also set by AWS_EC2_METADATA_DISABLED=true */
	/* STS transport; NULL: the built-in one (creds_sts_default). */
	creds_sts_fn sts;
	void *sts_ctx;
	/* Tests: NULL-terminated "NAME=value" list used instead of the process
	 * environment (so a test never has to setenv in a threaded program). */
	const char *const *env;
	/* Tests: the clock; NULL: time(NULL). */
	time_t (*now)(void *ctx);
	void *now_ctx;
};

/* Documented defaults (all zero/NULL except the numbers above). */
void creds_opts_init(struct creds_opts *o);

struct creds_provider;

/* The chain (or the single source o->source). o is copied. NULL + e on bad
 * options (source STATIC without keys, ...). Nothing is fetched yet. */
struct creds_provider *creds_provider_new(const struct creds_opts *o, struct err *e);
/* Cached; refreshed when expired or within the refresh window of expiry.
 * Thread-safe. out must be empty; the caller owns it (aws_credentials_clear). */
int creds_provider_get(struct creds_provider *p, struct aws_credentials *out, struct err *e);
/* The credentials were rejected (ExpiredToken): the next get refreshes. */
void creds_provider_invalidate(struct creds_provider *p);
/* Which source the cached credentials came from ("" before the first get). */
void creds_provider_source(struct creds_provider *p, char *out, size_t n);
/* Number of fetches done so far (cache misses), for tests and debug logs. */
unsigned creds_provider_fetches(struct creds_provider *p);
void creds_provider_free(struct creds_provider *p);

/* AssumeRole on top of base (borrowed: it must outlive the result) for member
 * accounts. session_name NULL: "passrole-auditd-<time>"; duration_s 0: the
 * STS default; external_id may be NULL. o gives the STS settings, clock and
 * refresh window (its source is ignored). */
struct creds_provider *creds_provider_assume_role(struct creds_provider *base,
    const char *role_arn, const char *session_name, const char *external_id, int duration_s,
    const struct creds_opts *o, struct err *e);

#endif
