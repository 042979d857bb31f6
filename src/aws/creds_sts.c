#include "config.h"

#include "aws/creds_sts.h"

#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/credprov.h"
#include "aws/creds_http.h"
#include "aws/http.h"
#include "aws/creds_util.h"
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

enum { STS_F_AKID, STS_F_SECRET, STS_F_TOKEN, STS_F_EXP, STS_F_CODE, STS_F_MSG, STS_F_N };

struct creds_sts_parser {
	XML_Parser xp;
	unsigned depth;
	int in_creds, in_error;
	int field;			/* STS_F_* being collected, -1 none */
	struct buf f[STS_F_N];
	int bad;			/* DOCTYPE, too deep or too long */
};

static const char *
creds_sts_local(const char *name)
{
	const char *p = strrchr(name, '|');	/* namespace separator */

	return p != NULL ? p + 1 : name;
}

static void XMLCALL
creds_sts_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
	struct creds_sts_parser *sp = ud;
	const char *n = creds_sts_local(name);

	(void)attrs;
	if (++sp->depth > STS_MAX_DEPTH) {
		sp->bad = 1;
		XML_StopParser(sp->xp, XML_FALSE);
		return;
	}
	sp->field = -1;
	if (strcmp(n, "Credentials") == 0)
		sp->in_creds = 1;
	else if (strcmp(n, "Error") == 0)
		sp->in_error = 1;
	else if (sp->in_creds && strcmp(n, "AccessKeyId") == 0)
		sp->field = STS_F_AKID;
	else if (sp->in_creds && strcmp(n, "SecretAccessKey") == 0)
		sp->field = STS_F_SECRET;
	else if (sp->in_creds && strcmp(n, "SessionToken") == 0)
		sp->field = STS_F_TOKEN;
	else if (sp->in_creds && strcmp(n, "Expiration") == 0)
		sp->field = STS_F_EXP;
	else if (sp->in_error && strcmp(n, "Code") == 0)
		sp->field = STS_F_CODE;
	else if (sp->in_error && strcmp(n, "Message") == 0)
		sp->field = STS_F_MSG;
	if (sp->field >= 0)
		buf_reset(&sp->f[sp->field]);
}

static void XMLCALL
creds_sts_end(void *ud, const XML_Char *name)
{
	struct creds_sts_parser *sp = ud;
	const char *n = creds_sts_local(name);

	sp->depth--;
	sp->field = -1;
	if (strcmp(n, "Credentials") == 0)
		sp->in_creds = 0;
	else if (strcmp(n, "Error") == 0)
		sp->in_error = 0;
}

static void XMLCALL
creds_sts_text(void *ud, const XML_Char *s, int len)
{
	struct creds_sts_parser *sp = ud;

	if (sp->field < 0)
		return;
	if (buf_append(&sp->f[sp->field], s, (size_t)len) != 0) {
		sp->bad = 1;
		XML_StopParser(sp->xp, XML_FALSE);
	}
}

static void XMLCALL
creds_sts_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal)
{
	struct creds_sts_parser *sp = ud;

	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal;
	sp->bad = 1;
	XML_StopParser(sp->xp, XML_FALSE);
}

/* Trimmed text of a collected field, "" when absent. */
static const char *
creds_sts_field(struct creds_sts_parser *sp, int f)
{
	struct buf *b = &sp->f[f];
	size_t s = 0;

	if (b->len == 0)
		return "";
	while (b->len > 0 && strchr(" \t\r\n", b->data[b->len - 1]) != NULL)
		b->data[--b->len] = '\0';
	while (s < b->len && strchr(" \t\r\n", b->data[s]) != NULL)
		s++;
	return b->data + s;
}

int
creds_sts_parse(const char *body, size_t len, long status, const char *api,
    const char *role, struct aws_credentials *out, struct err *e)
{
	struct creds_sts_parser sp;
	char code[128], msg[400];
	const char *akid, *secret, *token, *exp_s;
	time_t exp;
	int i, rc = -1;

	memset(&sp, 0, sizeof(sp));
	sp.field = -1;
	for (i = 0; i < STS_F_N; i++)
		buf_init(&sp.f[i], STS_FIELD_MAX);
	if (len > CREDS_STS_BODY_MAX) {
		err_set(e, "%s (role %s): response larger than %zu bytes", api, role,
		    CREDS_STS_BODY_MAX);
		goto out;
	}
	if ((sp.xp = XML_ParserCreateNS(NULL, '|')) == NULL) {
		err_set(e, "%s: out of memory", api);
		goto out;
	}
	XML_SetUserData(sp.xp, &sp);
	XML_SetElementHandler(sp.xp, creds_sts_start, creds_sts_end);
	XML_SetCharacterDataHandler(sp.xp, creds_sts_text);
	XML_SetStartDoctypeDeclHandler(sp.xp, creds_sts_doctype);
	if (XML_Parse(sp.xp, body != NULL ? body : "", (int)len, XML_TRUE) != XML_STATUS_OK ||
	    sp.bad) {
		if (status == 200) {
			err_set(e, "%s (role %s): malformed response: %s", api, role,
			    sp.bad ? "DOCTYPE, too deep or field too long" :
			    XML_ErrorString(XML_GetErrorCode(sp.xp)));
		} else {
			err_set(e, "%s (role %s): HTTP %ld with an unreadable error body", api,
			    role, status);
		}
		goto out;
	}
	if (status != 200) {
		akid = creds_sts_field(&sp, STS_F_CODE);
		creds_plain_excerpt(akid, strlen(akid), code, sizeof(code));
		akid = creds_sts_field(&sp, STS_F_MSG);
		creds_plain_excerpt(akid, strlen(akid), msg, sizeof(msg));
		err_set(e, "%s (role %s): %s (HTTP %ld)%s%s", api, role,
		    code[0] != '\0' ? code : "Unknown", status, msg[0] != '\0' ? ": " : "", msg);
		goto out;
	}
	akid = creds_sts_field(&sp, STS_F_AKID);
	secret = creds_sts_field(&sp, STS_F_SECRET);
	token = creds_sts_field(&sp, STS_F_TOKEN);
	exp_s = creds_sts_field(&sp, STS_F_EXP);
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
	for (i = 0; i < STS_F_N; i++)
		buf_free_secret(&sp.f[i]);
	if (sp.xp != NULL)
		XML_ParserFree(sp.xp);
	return rc;
}

/* The web identity call is not signed: the token is the proof. */
static int
creds_sts_unsigned(const struct creds_sts_request *r, long timeout_ms,
    struct aws_credentials *out, struct err *e)
{
	static const char *const hdrs[] = {
		"Content-Type: application/x-www-form-urlencoded; charset=utf-8",
		"Accept: text/xml",
	};
	struct creds_http_resp resp = { 0 };
	struct creds_http_req hr;
	struct buf body = BUF_INIT;
	char url[512];
	int rc = -1;

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
	hr.connect_timeout_ms = timeout_ms < 5000 ? timeout_ms : 5000;
	hr.timeout_ms = timeout_ms;
	hr.max_bytes = CREDS_STS_BODY_MAX;
	hr.ca_bundle = r->ca_bundle;
	if (creds_http(&hr, &resp, e) != 0) {
		err_prefix(e, "sts:AssumeRoleWithWebIdentity (role %s)", r->role_arn);
		goto out;
	}
	rc = creds_sts_parse(resp.body.data, resp.body.len, resp.status,
	    "sts:AssumeRoleWithWebIdentity", r->role_arn, out, e);
out:
	creds_http_resp_free(&resp);
	buf_free_secret(&body);
	return rc;
}

/* STS over http only to loopback (tests, the emulator): the request carries
 * a token or a signature that must not cross a network in clear. */
/* STS over plain http only to loopback (tests, the emulator): the request
 * carries a token or a signature that must not cross a network in clear. */
static int
creds_sts_endpoint_ok(const char *ep, struct err *e)
{
	if (strncmp(ep, "https://", 8) == 0 || creds_url_is_loopback(ep))
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
