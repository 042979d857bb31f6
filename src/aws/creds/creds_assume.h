/*
 * Credentials for a member account: sts:AssumeRole into the configured role
 * with the daemon's own credentials (any struct aws_creds_provider: the
 * chain's adapter, static keys), as a provider the AWS client signs with.
 *
 * The chain's own creds_provider_assume_role (aws/credentials.h) assumes
 * a role from a chain; collect_snapshot() is handed the client-side
 * provider interface instead, so this one asks base for the caller's
 * credentials on every refresh, and the caller's own refreshes (instance
 * metadata, SSO) carry through. It lived in src/collect/ as
 * collect_creds.c; it is a credential source like the others.
 *
 * Thread-safe: the account's IAM and regional fetches share one provider
 * from several workers. Results are cached until CREDS_ASSUME_REFRESH_S
 * before expiry (or half their remaining life when issued with less), and
 * refreshed after invalidate (the client's answer to ExpiredToken). The
 * external id is a secret: wiped when freed, never in a message.
 */
#ifndef PRA_AWS_CREDS_CREDS_ASSUME_H
#define PRA_AWS_CREDS_CREDS_ASSUME_H

#include "aws/credprov.h"
#include "util/err.h"

#define CREDS_ASSUME_REFRESH_S 300

struct creds_assume_opts {
	const char *role_arn;
	const char *session_name;	/* required: 2..64 of [\w+=,.@-] */
	const char *external_id;	/* NULL: none */
	int duration_s;			/* 0: the STS default */
	const char *region;		/* signing region of STS */
	const char *endpoint;		/* STS URL without a trailing '/' */
	const char *ca_bundle;		/* NULL: system store */
	const char *proxy;		/* http_opts.proxy, a secret; NULL: environment */
	long timeout_ms;		/* per STS request */
};

/* base is borrowed and must outlive the result; o is copied. */
struct aws_creds_provider *creds_assume_provider_new(struct aws_creds_provider *base,
    const struct creds_assume_opts *o, struct err *e);

#endif
