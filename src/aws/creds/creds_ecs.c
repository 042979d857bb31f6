#include "config.h"

#include "aws/creds/creds_ecs.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/creds/creds_util.h"
#include "aws/http.h"
#include "log.h"
#include "util/secret.h"

#define ECS_DEFAULT_HOST "http://169.254.170.2"
#define ECS_BODY_MAX ((size_t)64 << 10)
#define ECS_URL_MAX 2048

bool
creds_ecs_full_uri_allowed(const char *url, struct err *e)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	bool ok = false;

	if (u == NULL) {
		err_set(e, "out of memory");
		return false;
	}
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		err_set(e, "AWS_CONTAINER_CREDENTIALS_FULL_URI is not a valid URL");
		goto out;
	}
	if (strcasecmp(scheme, "https") == 0) {
		ok = true;
	} else if (strcasecmp(scheme, "http") != 0) {
		err_set(e, "AWS_CONTAINER_CREDENTIALS_FULL_URI: scheme %s is not http or https",
		    scheme);
	} else if (!http_plain_allowed(HTTP_PLAIN_CONTAINER, host)) {
		err_set(e, "AWS_CONTAINER_CREDENTIALS_FULL_URI: plain http to host %s is not "
		    "allowed (only loopback, 169.254.170.2, 169.254.170.23 and fd00:ec2::23; "
		    "use https for other hosts)", host);
	} else {
		ok = true;
	}
out:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return ok;
}

/* The Authorization token (a secret copy), or NULL when none is configured;
 * -1 on error. */
static int
creds_ecs_auth(const struct creds_ecs_opts *o, char **tokp, struct err *e)
{
	const char *file = creds_env(o->env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char *tok = creds_env(o->env, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
	struct buf b = BUF_INIT;
	size_t n;
	int rc = -1;

	*tokp = NULL;
	if (file != NULL) {
		if (creds_read_file(file, CREDS_TOKEN_FILE_MAX, true, false, &b, e) != 0) {
			err_prefix(e, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
			goto out;
		}
		/* A trailing newline from `echo` is not part of the token. */
		n = b.len;
		while (n > 0 && (b.data[n - 1] == '\n' || b.data[n - 1] == '\r'))
			b.data[--n] = '\0';
		tok = buf_cstr(&b);
	}
	if (tok == NULL)
		return 0;
	if (tok[0] == '\0' || strpbrk(tok, "\r\n") != NULL) {
		err_set(e, "the container authorization token %s%s is empty or contains a line break",
		    file != NULL ? "in " : "", file != NULL ? file : "");
		goto out;
	}
	if ((*tokp = secret_strdup(tok)) == NULL) {
		err_set(e, "out of memory");
		goto out;
	}
	rc = 0;
out:
	buf_free_secret(&b);
	return rc;
}

int
creds_ecs_fetch(const struct creds_ecs_opts *o, struct aws_credentials *out, struct err *e)
{
	const char *rel = creds_env(o->env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = creds_env(o->env, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
	struct http_response resp;
	struct http_header hdrs[2] = { { "Accept", "application/json" }, { "Authorization", NULL } };
	struct http_request r;
	struct http_opts ho;
	char url[ECS_URL_MAX], what[ECS_URL_MAX + 64];
	char *auth = NULL;
	int rc = CREDS_ERROR, attempt;

	if (rel == NULL && full == NULL)
		return CREDS_SKIP;
	if (rel != NULL) {
		if (rel[0] != '/') {
			err_set(e, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must start with '/'");
			return CREDS_ERROR;
		}
		if ((size_t)snprintf(url, sizeof(url), "%s%s",
		    o->host_url != NULL ? o->host_url : ECS_DEFAULT_HOST, rel) >= sizeof(url)) {
			err_set(e, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is too long");
			return CREDS_ERROR;
		}
	} else {
		if (strlen(full) >= sizeof(url)) {
			err_set(e, "AWS_CONTAINER_CREDENTIALS_FULL_URI is too long");
			return CREDS_ERROR;
		}
		if (!creds_ecs_full_uri_allowed(full, e))
			return CREDS_ERROR;
		snprintf(url, sizeof(url), "%s", full);
	}
	http_response_init(&resp, ECS_BODY_MAX);
	/* botocore sends the token with either variable; so do we. */
	if (creds_ecs_auth(o, &auth, e) != 0)
		goto out;
	hdrs[1].value = auth;
	memset(&r, 0, sizeof(r));
	r.method = "GET";
	r.url = url;
	r.headers = hdrs;
	r.nheaders = auth != NULL ? 2 : 1;
	http_opts_default(&ho);
	ho.plain_http = HTTP_PLAIN_CONTAINER;
	ho.connect_timeout_ms = o->timeout_ms < 2000 ? o->timeout_ms : 2000;
	ho.total_timeout_ms = o->timeout_ms;
	ho.max_response_bytes = ECS_BODY_MAX;
	ho.ca_bundle = o->ca_bundle;
	/* The agent is local and occasionally busy: one quick second try for a
	 * failed connection or a 5xx, as the SDKs retry. A URL refused by the
	 * plain-http rule is not tried again. */
	for (attempt = 0; attempt < 2; attempt++) {
		http_response_reset(&resp);
		if (http_perform(&ho, &r, &resp, e) != 0) {
			err_prefix(e, "container credentials endpoint");
			if (resp.failure == HTTP_FAIL_POLICY)
				break;
			continue;
		}
		if (resp.status >= 500)
			continue;
		break;
	}
	if (resp.failure != HTTP_FAIL_NONE)
		goto out;
	if (resp.status != 200) {
		char safe[200];

		creds_safe_excerpt(buf_cstr(&resp.body), resp.body.len, safe, sizeof(safe));
		err_set(e, "container credentials endpoint %s answered HTTP %ld: %s", url,
		    resp.status, safe);
		goto out;
	}
	snprintf(what, sizeof(what), "container credentials from %s", url);
	if (creds_json_parse(buf_cstr(&resp.body), resp.body.len, CREDS_JSON_METADATA, what, out,
	    e) != 0)
		goto out;
	creds_set_source(out, "ecs");
	log_debug("container credentials from %s", url);
	rc = CREDS_FOUND;
out:
	http_response_free(&resp);
	secret_free(auth);
	return rc;
}
