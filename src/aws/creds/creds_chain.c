#include "config.h"

#include "aws/creds/creds_chain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/creds/creds_ecs.h"
#include "aws/creds/creds_sts.h"
#include "aws/creds/creds_util.h"
#include "log.h"
#include "util/buf.h"
#include "util/secret.h"

void
creds_default_session_name(time_t now, char *out, size_t n)
{
	snprintf(out, n, "passrole-auditd-%lld", (long long)now);
}

const char *
creds_sts_region(const struct creds_ctx *cx)
{
	const char *r = cx->o->sts_region;

	if (r == NULL)
		r = creds_env(cx->o->env, "AWS_REGION");
	if (r == NULL)
		r = creds_env(cx->o->env, "AWS_DEFAULT_REGION");
	if (r == NULL)
		r = cx->profile_region;
	return r != NULL && r[0] != '\0' ? r : "us-east-1";
}

int
creds_src_static(struct creds_ctx *cx, struct aws_credentials *out, struct err *e)
{
	const struct creds_opts *o = cx->o;

	if (o->access_key_id == NULL || o->secret_access_key == NULL) {
		err_set(e, "static credentials need both an access key id and a secret access key");
		return CREDS_ERROR;
	}
	if (creds_set(out, o->access_key_id, o->secret_access_key, o->session_token, 0,
	    "static", e) != 0)
		return CREDS_ERROR;
	return CREDS_FOUND;
}

int
creds_src_env(struct creds_ctx *cx, struct aws_credentials *out, struct err *e)
{
	const char *akid = creds_env(cx->o->env, "AWS_ACCESS_KEY_ID");
	const char *secret = creds_env(cx->o->env, "AWS_SECRET_ACCESS_KEY");
	const char *token = creds_env(cx->o->env, "AWS_SESSION_TOKEN");

	if (akid == NULL && secret == NULL) {
		err_set(e, "environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
		return CREDS_SKIP;
	}
	/* Half a key pair is a mistake to report, not a reason to look further
	 * (botocore raises PartialCredentialsError). */
	if (akid == NULL || secret == NULL) {
		err_set(e, "environment: %s is set but %s is not",
		    akid != NULL ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
		    akid != NULL ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
		return CREDS_ERROR;
	}
	if (token == NULL)
		token = creds_env(cx->o->env, "AWS_SECURITY_TOKEN");	/* boto2 name, still read */
	if (creds_set(out, akid, secret, token, 0, "environment", e) != 0)
		return CREDS_ERROR;
	return CREDS_FOUND;
}

static int
creds_sts_call(struct creds_ctx *cx, struct creds_sts_request *r, struct aws_credentials *out,
    struct err *e)
{
	char ep[256];
	size_t n;
	int rc;

	r->region = creds_sts_region(cx);
	if (cx->o->sts_endpoint != NULL) {
		snprintf(ep, sizeof(ep), "%s", cx->o->sts_endpoint);
		n = strlen(ep);
		while (n > 0 && ep[n - 1] == '/')
			ep[--n] = '\0';
	} else {
		creds_sts_endpoint(r->region, ep, sizeof(ep));
	}
	r->endpoint = ep;
	r->ca_bundle = cx->o->ca_bundle;
	r->proxy = cx->o->proxy;
	r->timeout_ms = cx->o->sts_timeout_ms;
	if (cx->o->sts != NULL)
		rc = cx->o->sts(cx->o->sts_ctx, r, out, e);
	else
		rc = creds_sts_default(NULL, r, out, e);
	return rc == 0 ? CREDS_FOUND : CREDS_ERROR;
}

int
creds_assume_role(struct creds_ctx *cx, const struct aws_credentials *caller,
    const char *role_arn, const char *session_name, const char *external_id, int duration_s,
    struct aws_credentials *out, struct err *e)
{
	struct creds_sts_request r;
	char sess[64];

	if (session_name == NULL) {
		creds_default_session_name(cx->now, sess, sizeof(sess));
		session_name = sess;
	}
	memset(&r, 0, sizeof(r));
	r.op = CREDS_STS_ASSUME_ROLE;
	r.role_arn = role_arn;
	r.session_name = session_name;
	r.external_id = external_id;
	r.duration_s = duration_s;
	r.caller = caller;
	log_debug("assuming role %s as session %s with credentials from %s", role_arn,
	    session_name, caller->source);
	return creds_sts_call(cx, &r, out, e);
}

int
creds_web_identity(struct creds_ctx *cx, const char *token_file, const char *role_arn,
    const char *session_name, int duration_s, struct aws_credentials *out, struct err *e)
{
	struct creds_sts_request r;
	struct buf tok = BUF_INIT;
	char sess[64];
	size_t n;
	int rc = CREDS_ERROR;

	if (creds_read_file(token_file, CREDS_TOKEN_FILE_MAX, true, false, &tok, e) != 0) {
		err_prefix(e, "web identity token");
		goto out;
	}
	n = tok.len;
	while (n > 0 && (tok.data[n - 1] == '\n' || tok.data[n - 1] == '\r' ||
	    tok.data[n - 1] == ' '))
		tok.data[--n] = '\0';
	if (n == 0) {
		err_set(e, "web identity token file %s is empty", token_file);
		goto out;
	}
	if (session_name == NULL) {
		creds_default_session_name(cx->now, sess, sizeof(sess));
		session_name = sess;
	}
	memset(&r, 0, sizeof(r));
	r.op = CREDS_STS_ASSUME_ROLE_WITH_WEB_IDENTITY;
	r.role_arn = role_arn;
	r.session_name = session_name;
	r.web_identity_token = tok.data;
	r.duration_s = duration_s;
	log_debug("assuming role %s with the web identity token in %s", role_arn, token_file);
	rc = creds_sts_call(cx, &r, out, e);
out:
	buf_free_secret(&tok);
	return rc;
}

int
creds_src_web_identity_env(struct creds_ctx *cx, struct aws_credentials *out, struct err *e)
{
	const char *file = creds_env(cx->o->env, "AWS_WEB_IDENTITY_TOKEN_FILE");
	const char *arn = creds_env(cx->o->env, "AWS_ROLE_ARN");
	int rc;

	if (file == NULL && arn == NULL) {
		err_set(e, "web identity: AWS_WEB_IDENTITY_TOKEN_FILE is not set");
		return CREDS_SKIP;
	}
	if (file == NULL || arn == NULL) {
		err_set(e, "web identity: %s is set but %s is not",
		    file != NULL ? "AWS_WEB_IDENTITY_TOKEN_FILE" : "AWS_ROLE_ARN",
		    file != NULL ? "AWS_ROLE_ARN" : "AWS_WEB_IDENTITY_TOKEN_FILE");
		return CREDS_ERROR;
	}
	rc = creds_web_identity(cx, file, arn, creds_env(cx->o->env, "AWS_ROLE_SESSION_NAME"), 0,
	    out, e);
	if (rc == CREDS_FOUND)
		creds_set_source(out, "web-identity");
	return rc;
}

int
creds_src_ecs(struct creds_ctx *cx, struct aws_credentials *out, struct err *e)
{
	struct creds_ecs_opts eo;
	int rc;

	memset(&eo, 0, sizeof(eo));
	eo.env = cx->o->env;
	eo.host_url = cx->o->ecs_host_url;
	eo.ca_bundle = cx->o->ca_bundle;
	eo.timeout_ms = cx->o->ecs_timeout_ms;
	rc = creds_ecs_fetch(&eo, out, e);
	if (rc == CREDS_SKIP)
		err_set(e, "container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set");
	return rc;
}

int
creds_src_imds(struct creds_ctx *cx, bool required, struct aws_credentials *out,
    struct err *e)
{
	const char *dis = creds_env(cx->o->env, "AWS_EC2_METADATA_DISABLED");

	if (cx->o->imds_disabled || (dis != NULL && strcasecmp(dis, "true") == 0)) {
		err_set(e, "instance metadata: disabled (AWS_EC2_METADATA_DISABLED)");
		return required ? CREDS_ERROR : CREDS_SKIP;
	}
	return creds_imds_fetch(cx->imds, cx->now, required, out, e);
}
