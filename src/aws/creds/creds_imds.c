#include "config.h"

#include "aws/creds/creds_imds.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/creds/creds_util.h"
#include "aws/http.h"
#include "log.h"
#include "util/secret.h"

#define IMDS_DEFAULT_ENDPOINT "http://169.254.169.254"
#define IMDS_TOKEN_MAX 1024
#define IMDS_BODY_MAX ((size_t)64 << 10)
#define IMDS_CREDS_PATH "/latest/meta-data/iam/security-credentials/"

int
creds_imds_init(struct creds_imds *m, const char *endpoint, long connect_timeout_ms,
    long timeout_ms, int token_ttl_s, bool v1_fallback, struct err *e)
{
	struct http_opts o;
	size_t n;

	memset(m, 0, sizeof(*m));
	if (endpoint == NULL)
		endpoint = IMDS_DEFAULT_ENDPOINT;
	/* Refuse a configured endpoint now (plain http elsewhere than the
	 * service's own addresses or loopback) rather than skip IMDS later as
	 * if it were unreachable. */
	http_opts_default(&o);
	o.plain_http = HTTP_PLAIN_IMDS;
	if (http_url_check(&o, endpoint, e) != 0) {
		err_prefix(e, "instance metadata endpoint");
		return -1;
	}
	if ((m->endpoint = strdup(endpoint)) == NULL) {
		err_set(e, "out of memory");
		return -1;
	}
	n = strlen(m->endpoint);
	while (n > 0 && m->endpoint[n - 1] == '/')
		m->endpoint[--n] = '\0';
	m->connect_timeout_ms = connect_timeout_ms;
	m->timeout_ms = timeout_ms;
	m->token_ttl_s = token_ttl_s;
	m->v1_fallback = v1_fallback;
	return 0;
}

static void
creds_imds_drop_token(struct creds_imds *m)
{
	secret_free(m->token);
	m->token = NULL;
	m->token_expires = 0;
}

void
creds_imds_clear(struct creds_imds *m)
{
	creds_imds_drop_token(m);
	free(m->endpoint);
	m->endpoint = NULL;
}

/* One request to the service; the token header is added when we have one.
 * hdr: the token TTL header of the token request. */
static int
creds_imds_req(struct creds_imds *m, const char *method, const char *path,
    const struct http_header *hdr, struct http_response *resp, struct err *e)
{
	char url[2048];
	struct http_header tok;
	struct http_request r;
	struct http_opts o;

	snprintf(url, sizeof(url), "%s%s", m->endpoint, path);
	http_opts_default(&o);
	o.plain_http = HTTP_PLAIN_IMDS;
	o.connect_timeout_ms = m->connect_timeout_ms;
	o.total_timeout_ms = m->timeout_ms;
	o.max_response_bytes = IMDS_BODY_MAX;
	memset(&r, 0, sizeof(r));
	r.method = method;
	r.url = url;
	if (hdr == NULL && m->token != NULL) {
		tok.name = "X-aws-ec2-metadata-token";
		tok.value = m->token;
		hdr = &tok;
	}
	r.headers = hdr;
	r.nheaders = hdr != NULL ? 1 : 0;
	http_response_reset(resp);
	return http_perform(&o, &r, resp, e);
}

/* CREDS_FOUND (token, or no token in v1 fallback), CREDS_SKIP, CREDS_ERROR. */
static int
creds_imds_get_token(struct creds_imds *m, time_t now, struct err *e)
{
	struct http_response resp;
	struct http_header ttl = { "X-aws-ec2-metadata-token-ttl-seconds", NULL };
	char ttl_s[16];
	const char *tok;
	size_t i, n;
	int rc = CREDS_ERROR;

	if (m->token != NULL && now < m->token_expires)
		return CREDS_FOUND;
	creds_imds_drop_token(m);
	http_response_init(&resp, IMDS_BODY_MAX);
	snprintf(ttl_s, sizeof(ttl_s), "%d", m->token_ttl_s);
	ttl.value = ttl_s;
	m->token_fetches++;
	if (creds_imds_req(m, "PUT", "/latest/api/token", &ttl, &resp, e) != 0) {
		err_prefix(e, "instance metadata not reachable");
		rc = CREDS_SKIP;
		goto out;
	}
	if (resp.status == 403 || resp.status == 404 || resp.status == 405) {
		if (m->v1_fallback) {
			log_debug("instance metadata refused a session token (HTTP %ld); "
			    "falling back to IMDSv1 as configured", resp.status);
			rc = CREDS_FOUND;
			goto out;
		}
		err_set(e, "instance metadata refused a session token (HTTP %ld): IMDSv2 is "
		    "disabled or out of reach (hop limit) and the IMDSv1 fallback is off",
		    resp.status);
		rc = CREDS_SKIP;
		goto out;
	}
	if (resp.status != 200) {
		err_set(e, "instance metadata token request answered HTTP %ld", resp.status);
		goto out;
	}
	tok = buf_cstr(&resp.body);
	n = resp.body.len;
	while (n > 0 && isspace((unsigned char)tok[n - 1]))
		n--;
	if (n == 0 || n > IMDS_TOKEN_MAX) {
		err_set(e, "instance metadata returned a session token of %zu bytes", n);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (!isgraph((unsigned char)tok[i])) {
			err_set(e, "instance metadata returned a session token with a non-printable byte");
			goto out;
		}
	}
	if ((m->token = malloc(n + 1)) == NULL) {
		err_set(e, "out of memory");
		goto out;
	}
	memcpy(m->token, tok, n);
	m->token[n] = '\0';
	/* Renew a little early so a token never expires between two requests. */
	m->token_expires = now + (m->token_ttl_s > 120 ? m->token_ttl_s - 60 : m->token_ttl_s / 2);
	rc = CREDS_FOUND;
out:
	http_response_free(&resp);
	return rc;
}

/* A GET with the token; one new token on 401 (it expired on the server).
 * CREDS_FOUND only for HTTP 200; 404 is CREDS_SKIP with e saying
 * "instance metadata: GONE (HTTP 404)". */
static int
creds_imds_get(struct creds_imds *m, time_t now, const char *path, const char *gone,
    struct http_response *resp, struct err *e)
{
	int rc, tries;

	for (tries = 0; tries < 2; tries++) {
		if ((rc = creds_imds_get_token(m, now, e)) != CREDS_FOUND)
			return rc;
		if (creds_imds_req(m, "GET", path, NULL, resp, e) != 0) {
			err_prefix(e, "instance metadata not reachable");
			return CREDS_SKIP;
		}
		if (resp->status != 401 || m->token == NULL)
			break;
		log_debug("instance metadata rejected the session token (HTTP 401); getting a new one");
		creds_imds_drop_token(m);
	}
	if (tries == 2) {
		err_set(e, "instance metadata rejected a fresh session token (HTTP 401)");
		return CREDS_ERROR;
	}
	if (resp->status == 404) {
		err_set(e, "instance metadata: %s (HTTP 404)", gone);
		return CREDS_SKIP;
	}
	if (resp->status != 200) {
		err_set(e, "instance metadata %s answered HTTP %ld", path, resp->status);
		return CREDS_ERROR;
	}
	return CREDS_FOUND;
}

static int
creds_imds_role_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 128)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && strchr("+=,.@_-", s[i]) == NULL)
			return 0;
	return 1;
}

int
creds_imds_role_name(const char *list, char *role, size_t rolesz, struct err *e)
{
	size_t n = strcspn(list, "\r\n");

	while (n > 0 && isspace((unsigned char)list[n - 1]))
		n--;
	if (n == 0) {
		err_set(e, "instance metadata: no IAM role is attached to this instance (empty list)");
		return CREDS_SKIP;
	}
	if (!creds_imds_role_ok(list, n) || n >= rolesz) {
		err_set(e, "instance metadata returned an invalid role name");
		return CREDS_ERROR;
	}
	memcpy(role, list, n);
	role[n] = '\0';
	return CREDS_FOUND;
}

int
creds_imds_fetch(struct creds_imds *m, time_t now, bool required, struct aws_credentials *out,
    struct err *e)
{
	struct http_response resp;
	char role[160], path[256], gone[200];
	int rc;

	http_response_init(&resp, IMDS_BODY_MAX);
	rc = creds_imds_get(m, now, IMDS_CREDS_PATH, "no IAM role is attached to this instance",
	    &resp, e);
	if (rc != CREDS_FOUND)
		goto out;
	rc = creds_imds_role_name(buf_cstr(&resp.body), role, sizeof(role), e);
	if (rc != CREDS_FOUND)
		goto out;
	snprintf(path, sizeof(path), "%s%s", IMDS_CREDS_PATH, role);
	snprintf(gone, sizeof(gone), "role %s has no credentials", role);
	rc = creds_imds_get(m, now, path, gone, &resp, e);
	if (rc != CREDS_FOUND)
		goto out;
	if (creds_json_parse(buf_cstr(&resp.body), resp.body.len, CREDS_JSON_METADATA,
	    "instance metadata credentials", out, e) != 0) {
		err_prefix(e, "role %s", role);
		rc = CREDS_ERROR;
		goto out;
	}
	creds_set_source(out, "imds");
	log_debug("instance metadata: credentials of role %s (IMDS%s)", role,
	    m->token != NULL ? "v2" : "v1");
	rc = CREDS_FOUND;
out:
	http_response_free(&resp);
	if (rc == CREDS_SKIP && required)
		rc = CREDS_ERROR;
	return rc;
}
