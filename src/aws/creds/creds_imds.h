/*
 * EC2 instance metadata credentials (IMDSv2): PUT /latest/api/token with a
 * TTL, then GET /latest/meta-data/iam/security-credentials/ (the role name)
 * and .../ROLE (the JSON). The session token is kept (a secret) and reused
 * until its TTL ends or the service answers 401. IMDSv1 (no token) is used
 * only when v1_fallback is set and the token request was refused with 403,
 * 404 or 405, as botocore does.
 *
 * Unreachable service, 403 on the token, or no role (404): CREDS_SKIP, so the
 * chain ends quickly off EC2; with `required` (source imds) these are errors.
 */
#ifndef PRA_AWS_CREDS_IMDS_H
#define PRA_AWS_CREDS_IMDS_H

#include <stdbool.h>
#include <time.h>

#include "aws/credentials.h"
#include "util/err.h"

struct creds_imds {
	char *endpoint;		/* owned, no trailing '/' */
	long connect_timeout_ms, timeout_ms;
	int token_ttl_s;
	bool v1_fallback;
	char *token;		/* owned secret, NULL when none */
	time_t token_expires;
	unsigned token_fetches;	/* for tests and debug logs */
};

/* endpoint NULL: http://169.254.169.254. 0 or -1 (ENOMEM). */
int creds_imds_init(struct creds_imds *m, const char *endpoint, long connect_timeout_ms,
    long timeout_ms, int token_ttl_s, bool v1_fallback, struct err *e);
void creds_imds_clear(struct creds_imds *m);

/* The role name from the body of GET .../security-credentials/ (its first
 * line, trailing blanks removed) into role: CREDS_FOUND; CREDS_SKIP for an
 * empty list (no role attached); CREDS_ERROR for a name that is not a role
 * name (1..128 of A-Z a-z 0-9 +=,.@_-) or does not fit rolesz. */
int creds_imds_role_name(const char *list, char *role, size_t rolesz, struct err *e);
/* CREDS_FOUND, CREDS_SKIP (why in e) or CREDS_ERROR. */
int creds_imds_fetch(struct creds_imds *m, time_t now, bool required, struct aws_credentials *out,
    struct err *e);

#endif
