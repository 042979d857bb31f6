#include "config.h"

#include "aws/creds/creds_util.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws/query.h"
#include "log.h"
#include "util/secret.h"

const char *
creds_env(const char *const *env, const char *name)
{
	const char *const *p;
	size_t n = strlen(name);
	const char *v = NULL;

	if (env == NULL) {
		v = getenv(name);
	} else {
		for (p = env; *p != NULL; p++) {
			if (strncmp(*p, name, n) == 0 && (*p)[n] == '=') {
				v = *p + n + 1;
				break;
			}
		}
	}
	return v != NULL && v[0] != '\0' ? v : NULL;
}

/* Warn once per file: a token file that a kubelet mounts 0644 would
 * otherwise repeat the warning at every refresh. */
#define CREDS_WARNED_MAX 32
static pthread_mutex_t creds_warned_mu = PTHREAD_MUTEX_INITIALIZER;
static char *creds_warned[CREDS_WARNED_MAX];

static void
creds_warn_perms(const char *path, mode_t mode)
{
	size_t i;
	int seen = 0;

	pthread_mutex_lock(&creds_warned_mu);
	for (i = 0; i < CREDS_WARNED_MAX && creds_warned[i] != NULL; i++)
		if (strcmp(creds_warned[i], path) == 0)
			seen = 1;
	if (!seen && i < CREDS_WARNED_MAX)
		creds_warned[i] = strdup(path);
	pthread_mutex_unlock(&creds_warned_mu);
	if (!seen)
		log_warn("%s holds secrets but is readable by %s (mode %04o); "
		    "make it private with chmod 600", path,
		    (mode & S_IROTH) ? "other users" : "its group", (unsigned)(mode & 07777));
}

void
creds_check_private(const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)) != 0)
		creds_warn_perms(path, st.st_mode);
}

int
creds_read_file(const char *path, size_t max, bool secret, bool missing_ok,
    struct buf *out, struct err *e)
{
	struct stat st;
	char chunk[4096];
	ssize_t r;
	int fd, rc = -1;

	buf_init(out, max);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		if (errno == ENOENT && missing_ok)
			return 1;
		err_set(e, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		err_set(e, "%s: cannot stat: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(e, "%s: not a regular file", path);
		goto out;
	}
	if ((size_t)st.st_size > max) {
		err_set(e, "%s: larger than %zu bytes", path, max);
		goto out;
	}
	if (secret && (st.st_mode & (S_IRGRP | S_IROTH)) != 0)
		creds_warn_perms(path, st.st_mode);
	for (;;) {
		r = read(fd, chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err_set(e, "%s: read failed: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		if (buf_append(out, chunk, (size_t)r) != 0) {
			err_set(e, "%s: larger than %zu bytes", path, max);
			goto out;
		}
	}
	if (buf_append(out, "", 0) != 0) {	/* make "" a valid string */
		err_set(e, "%s: out of memory", path);
		goto out;
	}
	rc = 0;
out:
	secret_wipe(chunk, sizeof(chunk));
	close(fd);
	if (rc != 0)
		buf_free_secret(out);
	return rc;
}

int
creds_time_parse(const char *s, time_t *out)
{
	time_t t;

	/* An expiration before 1970 is no credential's: refuse it as before. */
	if (query_parse_time(s, QUERY_TIME_RELAXED, &t, NULL) != 0 || t < 0)
		return -1;
	*out = t;
	return 0;
}

void
creds_time_format(time_t t, char *out, size_t n)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, n, "@%lld", (long long)t);
}

int
creds_set(struct aws_credentials *c, const char *akid, const char *secret,
    const char *token, time_t expiration, const char *source, struct err *e)
{
	aws_credentials_clear(c);
	if ((c->access_key_id = strdup(akid)) == NULL ||
	    (c->secret_access_key = secret_strdup(secret)) == NULL ||
	    (token != NULL && (c->session_token = secret_strdup(token)) == NULL)) {
		aws_credentials_clear(c);
		err_set(e, "out of memory copying credentials");
		return -1;
	}
	c->expiration = expiration;
	snprintf(c->source, sizeof(c->source), "%s", source != NULL ? source : "");
	return 0;
}

void
creds_set_source(struct aws_credentials *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->source, sizeof(c->source), fmt, ap);
	va_end(ap);
}

/* A string member that must be present and non-empty. */
static const char *
creds_json_str(const cJSON *o, const char *name, bool required, const char *what,
    struct err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (v == NULL || cJSON_IsNull(v)) {
		if (required)
			err_set(e, "%s: field \"%s\" is missing", what, name);
		return NULL;
	}
	if (!cJSON_IsString(v) || v->valuestring == NULL || v->valuestring[0] == '\0') {
		err_set(e, "%s: field \"%s\" is not a non-empty string", what, name);
		return NULL;
	}
	if (strlen(v->valuestring) > 8192) {
		err_set(e, "%s: field \"%s\" is implausibly long", what, name);
		return NULL;
	}
	return v->valuestring;
}

/* An optional field that is there: a JSON null counts as absent, as
 * creds_json_str reads it (which sets no error for an optional null, so
 * calling it for one would fail without a message). */
static bool
creds_json_present(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return v != NULL && !cJSON_IsNull(v);
}

/* cJSON keeps copies of the strings; wipe them before the tree goes. */
static void
creds_json_wipe(cJSON *n)
{
	for (; n != NULL; n = n->next) {
		if (n->valuestring != NULL)
			secret_wipe(n->valuestring, strlen(n->valuestring));
		creds_json_wipe(n->child);
	}
}

int
creds_json_parse(const char *body, size_t len, enum creds_json_kind kind,
    const char *what, struct aws_credentials *out, struct err *e)
{
	const char *akid, *secret, *token = NULL, *exp_s, *code;
	const cJSON *ver;
	cJSON *root = NULL;
	time_t exp = 0;
	int rc = -1;

	if (len > CREDS_JSON_MAX) {
		err_set(e, "%s: document larger than %zu bytes", what, CREDS_JSON_MAX);
		return -1;
	}
	/* cJSON nests recursively; its own limit (1000) bounds the depth. */
	root = cJSON_ParseWithLength(body, len);
	if (root == NULL || !cJSON_IsObject(root)) {
		err_set(e, "%s: not a JSON object", what);
		goto out;
	}
	if (kind == CREDS_JSON_PROCESS) {
		ver = cJSON_GetObjectItemCaseSensitive(root, "Version");
		if (ver == NULL) {
			err_set(e, "%s: field \"Version\" is missing (must be 1)", what);
			goto out;
		}
		if (!cJSON_IsNumber(ver) || ver->valuedouble != 1.0) {
			err_set(e, "%s: unsupported \"Version\" (only 1 is defined)", what);
			goto out;
		}
	} else {
		code = creds_json_present(root, "Code") ?
		    creds_json_str(root, "Code", false, what, e) : "Success";
		if (code == NULL)
			goto out;
		if (strcmp(code, "Success") != 0) {
			char safe[96];

			creds_safe_excerpt(code, strlen(code), safe, sizeof(safe));
			err_set(e, "%s: Code is \"%s\", not \"Success\"", what, safe);
			goto out;
		}
	}
	if ((akid = creds_json_str(root, "AccessKeyId", true, what, e)) == NULL ||
	    (secret = creds_json_str(root, "SecretAccessKey", true, what, e)) == NULL)
		goto out;
	if (creds_json_present(root, kind == CREDS_JSON_PROCESS ? "SessionToken" : "Token") &&
	    (token = creds_json_str(root, kind == CREDS_JSON_PROCESS ? "SessionToken" : "Token",
	    false, what, e)) == NULL)
		goto out;
	exp_s = creds_json_str(root, "Expiration", kind == CREDS_JSON_METADATA, what, e);
	if (exp_s == NULL && (kind == CREDS_JSON_METADATA ||
	    creds_json_present(root, "Expiration")))
		goto out;
	if (exp_s != NULL && creds_time_parse(exp_s, &exp) != 0) {
		err_set(e, "%s: field \"Expiration\" is not an ISO 8601 time", what);
		goto out;
	}
	if (creds_set(out, akid, secret, token, exp, NULL, e) != 0)
		goto out;
	rc = 0;
out:
	if (root != NULL) {
		creds_json_wipe(root);
		cJSON_Delete(root);
	}
	return rc;
}

static int
creds_keylike(unsigned char c)
{
	return isalnum(c) || c == '+' || c == '/' || c == '=' || c == '_' || c == '-';
}

static void
creds_excerpt(const char *s, size_t len, char *out, size_t max, int mask)
{
	size_t i = 0, j = 0, run;

	if (max == 0)
		return;
	while (i < len && s[i] != '\0' && s[i] != '\n' && s[i] != '\r' && j + 1 < max) {
		for (run = 0; i + run < len && creds_keylike((unsigned char)s[i + run]); run++)
			;
		if (run >= 16 && mask) {
			if (j + 5 > max)
				break;
			memcpy(out + j, "****", 4);
			j += 4;
			i += run;
			continue;
		}
		if (run > 0) {
			if (j + run + 1 > max)
				break;
			memcpy(out + j, s + i, run);
			j += run;
			i += run;
			continue;
		}
		out[j++] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
		i++;
	}
	out[j] = '\0';
}

void
creds_safe_excerpt(const char *s, size_t len, char *out, size_t max)
{
	creds_excerpt(s, len, out, max, 1);
}

void
creds_plain_excerpt(const char *s, size_t len, char *out, size_t max)
{
	creds_excerpt(s, len, out, max, 0);
}
