#include "config.h"

#include "aws/creds/creds_sts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/credprov.h"
#include "aws/http.h"
#include "aws/xml.h"
#include "aws/creds/creds_util.h"
#include "log.h"
#include "util/secret.h"

#define STS_VERSION "2011-06-15"
#define STS_MAX_DEPTH 16
#define STS_FIELD_MAX 8192

void
creds_sts_endpoint(const char *region, char *out, size_t n)
{
	if (region == NULL || region[0] == '\0')
		region = "us-east-1";
	snprintf(out, n, "https://sts.%s.amazonaws.com%s", region,
	    strncmp(region, "cn-", 3) == 0 ? ".cn" : "");
}

/* RFC 3986 unreserved characters stay; everything else is %XX. */
static int
creds_sts_put_param(struct buf *b, const char *name, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	if (b->len > 0 && buf_putc(b, '&') != 0)
		return -1;
	if (buf_puts(b, name) != 0 || buf_putc(b, '=') != 0)
		return -1;
	for (p = (const unsigned char *)value; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			if (buf_putc(b, (char)*p) != 0)
				return -1;
		} else if (buf_putc(b, '%') != 0 || buf_putc(b, hex[*p >> 4]) != 0 ||
		    buf_putc(b, hex[*p & 15]) != 0) {
			return -1;
		}
	}
	return 0;
}

int
creds_sts_form(const struct creds_sts_request *r, struct buf *out, struct err *e)
{
	char dur[16];
	int web = r->op == CREDS_STS_ASSUME_ROLE_WITH_WEB_IDENTITY;

	buf_init(out, CREDS_STS_BODY_MAX);
	if (r->role_arn == NULL || r->role_arn[0] == '\0' || r->session_name == NULL ||
	    r->session_name[0] == '\0') {
		err_set(e, "STS request without a role ARN or session name");
		return -1;
	}
	if (web && (r->web_identity_token == NULL || r->web_identity_token[0] == '\0')) {
		err_set(e, "AssumeRoleWithWebIdentity without a token");
		return -1;
	}
	if (creds_sts_put_param(out, "Action", web ? "AssumeRoleWithWebIdentity" : "AssumeRole") ||
	    creds_sts_put_param(out, "Version", STS_VERSION) ||
	    creds_sts_put_param(out, "RoleArn", r->role_arn) ||
	    creds_sts_put_param(out, "RoleSessionName", r->session_name))
		goto full;
	if (r->duration_s > 0) {
		snprintf(dur, sizeof(dur), "%d", r->duration_s);
		if (creds_sts_put_param(out, "DurationSeconds", dur))
			goto full;
	}
	if (!web && r->external_id != NULL && creds_sts_put_param(out, "ExternalId", r->external_id))
		goto full;
	if (web && creds_sts_put_param(out, "WebIdentityToken", r->web_identity_token))
		goto full;
	return 0;
full:
	buf_free_secret(out);
	err_set(e, "STS request body larger than %zu bytes", CREDS_STS_BODY_MAX);
	return -1;
}

/* The text of element name below n, "" when absent; over-long values count
 * as absent so that a hostile answer cannot smuggle in a huge "key". */
static const char *
creds_sts_text(const struct xml_node *n, const char *name)
{
	const char *t = n != NULL ? xml_path_text(n, name) : NULL;

	return t != NULL && strlen(t) <= STS_FIELD_MAX ? t : "";
}

/* The Credentials element of an AssumeRole* answer: <XResponse><XResult>
 * <Credentials>, whichever X. */
static const struct xml_node *
creds_sts_credentials(const struct xml_doc *doc)
{
	const struct xml_node *r, *c;

	for (r = doc->root->first_child; r != NULL; r = r->next)
		if ((c = xml_child(r, "Credentials")) != NULL)
			return c;
	return NULL;
}

int
creds_sts_parse(const char *body, size_t len, long status, const char *api,
    const char *role, struct aws_credentials *out, struct err *e)
{
	struct xml_limits lim;
	struct xml_doc *doc = NULL;
	const struct xml_node *cr;
	char code[128], msg[400];
	const char *akid, *secret, *token, *exp_s;
	struct err xe;
	time_t exp;
	int rc = -1;

	if (len > CREDS_STS_BODY_MAX) {
		err_set(e, "%s (role %s): response larger than %zu bytes", api, role,
		    CREDS_STS_BODY_MAX);
		return -1;
	}
	xml_limits_default(&lim);
	lim.max_bytes = CREDS_STS_BODY_MAX;
	lim.max_depth = STS_MAX_DEPTH;
	if (xml_parse(body != NULL ? body : "", len, &lim, &doc, &xe) != 0) {
		if (status == 200)
			err_set(e, "%s (role %s): malformed response: %s", api, role, xe.msg);
		else
			err_set(e, "%s (role %s): HTTP %ld with an unreadable error body", api,
			    role, status);
		goto out;
	}
	if (status != 200) {
		const char *t = creds_sts_text(doc->root, "Error/Code");

		creds_plain_excerpt(t, strlen(t), code, sizeof(code));
		t = creds_sts_text(doc->root, "Error/Message");
		creds_plain_excerpt(t, strlen(t), msg, sizeof(msg));
		err_set(e, "%s (role %s): %s (HTTP %ld)%s%s", api, role,
		    code[0] != '\0' ? code : "Unknown", status, msg[0] != '\0' ? ": " : "", msg);
		goto out;
	}
	cr = creds_sts_credentials(doc);
	akid = creds_sts_text(cr, "AccessKeyId");
	secret = creds_sts_text(cr, "SecretAccessKey");
	token = creds_sts_text(cr, "SessionToken");
	exp_s = creds_sts_text(cr, "Expiration");
	if (akid[0] == '\0' || secret[0] == '\0' || token[0] == '\0' || exp_s[0] == '\0') {
		err_set(e, "%s (role %s): response without complete Credentials "
		    "(AccessKeyId, SecretAccessKey, SessionToken, Expiration)", api, role);
		goto out;
	}
	if (creds_time_parse(exp_s, &exp) != 0) {
		err_set(e, "%s (role %s): Credentials/Expiration is not an ISO 8601 time", api,
		    role);
		goto out;
	}
	if (creds_set(out, akid, secret, token, exp, NULL, e) != 0)
		goto out;
	rc = 0;
out:
	xml_free(doc);
	return rc;
}

/* The web identity call is not signed: the token is the proof. */
static int
creds_sts_unsigned(const struct creds_sts_request *r, long timeout_ms,
    struct aws_credentials *out, struct err *e)
{
	static const struct http_header hdrs[] = {
		{ "Content-Type", "application/x-www-form-urlencoded; charset=utf-8" },
		{ "Accept", "text/xml" },
	};
	struct http_response resp;
	struct http_request hr;
	struct http_opts ho;
	struct buf body = BUF_INIT;
	char url[512];
	int rc = -1;

	http_response_init(&resp, CREDS_STS_BODY_MAX);
	if (creds_sts_form(r, &body, e) != 0)
		goto out;
	snprintf(url, sizeof(url), "%s/", r->endpoint);
	memset(&hr, 0, sizeof(hr));
	hr.method = "POST";
	hr.url = url;
	hr.headers = hdrs;
	hr.nheaders = 2;
	hr.body = body.data;
	hr.body_len = body.len;
	http_opts_default(&ho);
	ho.connect_timeout_ms = timeout_ms < 5000 ? timeout_ms : 5000;
	ho.total_timeout_ms = timeout_ms;
	ho.max_response_bytes = CREDS_STS_BODY_MAX;
	ho.ca_bundle = r->ca_bundle;
	ho.proxy = r->proxy;
	if (http_perform(&ho, &hr, &resp, e) != 0) {
		err_prefix(e, "sts:AssumeRoleWithWebIdentity (role %s)", r->role_arn);
		goto out;
	}
	rc = creds_sts_parse(buf_cstr(&resp.body), resp.body.len, resp.status,
	    "sts:AssumeRoleWithWebIdentity", r->role_arn, out, e);
out:
	http_response_free(&resp);
	buf_free_secret(&body);
	return rc;
}

/* STS over plain http only to loopback (tests, the emulator): the request
 * carries a token or a signature that must not cross a network in clear.
 * The transport's default rules say exactly that. */
static int
creds_sts_endpoint_ok(const char *ep, struct err *e)
{
	if (http_url_check(NULL, ep, NULL) == 0)
		return 0;
	err_set(e, "STS endpoint %s must be https (plain http only to loopback)", ep);
	return -1;
}

/* AssumeRole is signed with the caller's credentials: the AWS client does
 * that (and retries throttling and 5xx) with a one-off static provider. */
static int
creds_sts_signed(const struct creds_sts_request *r, struct aws_credentials *out, struct err *e)
{
	struct aws_client_opts co;
	struct aws_creds_provider *cp = NULL;
	struct aws_client *c = NULL;
	struct http_response resp;
	struct buf body = BUF_INIT;
	int rc = -1;

	http_response_init(&resp, CREDS_STS_BODY_MAX);
	if (r->caller == NULL) {
		err_set(e, "sts:AssumeRole (role %s): no caller credentials", r->role_arn);
		goto out;
	}
	if (creds_sts_form(r, &body, e) != 0)
		goto out;
	if ((cp = aws_creds_static_new(r->caller->access_key_id, r->caller->secret_access_key,
	    r->caller->session_token, e)) == NULL)
		goto out;
	aws_client_opts_init(&co);
	co.region = r->region;
	co.endpoint_override[AWS_SVC_STS] = r->endpoint;
	co.ca_bundle = r->ca_bundle;
	co.proxy = r->proxy;
	co.connect_timeout_ms = r->timeout_ms < 10000 ? r->timeout_ms : 10000;
	co.total_timeout_ms = r->timeout_ms;
	co.max_response_bytes = CREDS_STS_BODY_MAX;
	if ((c = aws_client_new(&co, cp, e)) == NULL)
		goto out;
	if (aws_client_call(c, AWS_SVC_STS, "AssumeRole", body.data, body.len, &resp, NULL,
	    e) != 0) {
		err_prefix(e, "role %s", r->role_arn);
		goto out;
	}
	rc = creds_sts_parse(resp.body.data, resp.body.len, resp.status, "sts:AssumeRole",
	    r->role_arn, out, e);
out:
	aws_client_free(c);
	aws_creds_provider_free(cp);
	secret_wipe(resp.body.data, resp.body.len);
	http_response_free(&resp);
	buf_free_secret(&body);
	return rc;
}

int
creds_sts_default(void *ctx, const struct creds_sts_request *r, struct aws_credentials *out,
    struct err *e)
{
	(void)ctx;
	if (creds_sts_endpoint_ok(r->endpoint, e) != 0)
		return -1;
	if (r->op == CREDS_STS_ASSUME_ROLE_WITH_WEB_IDENTITY)
		return creds_sts_unsigned(r, r->timeout_ms, out, e);
	return creds_sts_signed(r, out, e);
}
