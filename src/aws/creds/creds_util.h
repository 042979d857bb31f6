/*
 * Helpers shared by the credential sources (internal to the chain): the
 * environment (real or injected by tests), files that hold secrets, the
 * credential JSON documents (IMDS, container endpoint, credential_process)
 * and ISO 8601 times.
 */
#ifndef PRA_AWS_CREDS_UTIL_H
#define PRA_AWS_CREDS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "aws/credentials.h"
#include "util/buf.h"
#include "util/err.h"

/* What a source reports: credentials, "not configured / not available here"
 * (the chain moves on), or a real error (the chain stops). */
enum { CREDS_FOUND = 0, CREDS_SKIP = 1, CREDS_ERROR = -1 };

#define CREDS_TOKEN_FILE_MAX ((size_t)64 << 10)
#define CREDS_JSON_MAX ((size_t)64 << 10)

/* The value of an environment variable, NULL when unset or empty. env NULL:
 * the process environment. */
const char *creds_env(const char *const *env, const char *name);

/* Read a whole file of at most max bytes into out (which must be empty and
 * is NUL-terminated). secret: the content is a secret and a file readable by
 * group or others gets a warning naming it (once per path). Returns 0, 1 when
 * the file does not exist and missing_ok, or -1 with e naming the file. */
int creds_read_file(const char *path, size_t max, bool secret, bool missing_ok,
    struct buf *out, struct err *e);

/* Warn (once per path) when path is readable by group or others. */
void creds_check_private(const char *path);

/* "2021-09-21T04:16:53Z", with optional fractional seconds and a "Z",
 * "+00:00" or "+HHMM"-style offset: query_parse_time relaxed, from 1970 on.
 * 0 or -1. */
int creds_time_parse(const char *s, time_t *out);
/* "2021-09-21T04:16:53Z" into out (at least 21 bytes). */
void creds_time_format(time_t t, char *out, size_t n);

enum creds_json_kind {
	CREDS_JSON_METADATA,	/* IMDS / container: Token, optional Code */
	CREDS_JSON_PROCESS,	/* credential_process: Version 1, SessionToken */
};
/* Parse a credentials document; what names it in errors ("instance metadata
 * role web"). Expiration is required for METADATA, optional for PROCESS. */
int creds_json_parse(const char *body, size_t len, enum creds_json_kind kind,
    const char *what, struct aws_credentials *out, struct err *e);

/* Set the three strings (token may be NULL); secrets are copied with
 * secret_strdup. 0 or -1 (ENOMEM). */
int creds_set(struct aws_credentials *c, const char *akid, const char *secret,
    const char *token, time_t expiration, const char *source, struct err *e);
/* snprintf into c->source (truncating). */
void creds_set_source(struct aws_credentials *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A short, log-safe first line of untrusted text (a process's stderr, an
 * endpoint's error message): at most max characters, control characters
 * dropped, and every run of 16 or more key-like characters (letters,
 * digits, + / = _ -) replaced by "****", since a secret could look like
 * nothing else. */
void creds_safe_excerpt(const char *s, size_t len, char *out, size_t max);
/* The same without the masking, for text AWS wrote (error codes, messages). */
void creds_plain_excerpt(const char *s, size_t len, char *out, size_t max);

#endif
