#include "config.h"

#include "aws/credprov.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util/secret.h"

bool
aws_creds_expiring(const struct aws_credentials *c, time_t now, time_t margin)
{
	return c->expiration != 0 && c->expiration - margin <= now;
}

static int
creds_static_get(struct aws_creds_provider *self, struct aws_credentials *out, struct err *e)
{
	return aws_credentials_copy(out, self->ctx, e);
}

static void
creds_static_invalidate(struct aws_creds_provider *self)
{
	(void)self;
}

static void
creds_static_destroy(struct aws_creds_provider *self)
{
	struct aws_credentials *c = self->ctx;

	if (c != NULL) {
		log_secret_remove(c->secret_access_key);
		log_secret_remove(c->session_token);
		aws_credentials_clear(c);
		free(c);
	}
	free(self);
}

static bool
creds_valid_key(const char *s)
{
	size_t i;

	if (s == NULL || s[0] == '\0')
		return false;
	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

static struct aws_creds_provider *
creds_static_make(const char *name, const char *akid, const char *secret, const char *token,
    struct err *e)
{
	struct aws_creds_provider *p;
	struct aws_credentials src = { 0 }, *c;

	/* Keys go into HTTP headers: refuse anything that could break a header line. */
	if (!creds_valid_key(akid) || !creds_valid_key(secret) ||
	    (token != NULL && token[0] != '\0' && !creds_valid_key(token))) {
		err_set(e, "%s credentials: access key id, secret key and session token must be "
		    "non-empty printable ASCII without spaces", name);
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	c = calloc(1, sizeof(*c));
	src.access_key_id = (char *)akid;
	src.secret_access_key = (char *)secret;
	src.session_token = token != NULL && token[0] != '\0' ? (char *)token : NULL;
	snprintf(src.source, sizeof(src.source), "%s", name);
	if (p == NULL || c == NULL || aws_credentials_copy(c, &src, e) != 0) {
		free(p);
		free(c);
		err_set(e, "out of memory creating the credentials provider");
		return NULL;
	}
	p->name = name;
	p->get = creds_static_get;
	p->invalidate = creds_static_invalidate;
	p->destroy = creds_static_destroy;
	p->ctx = c;
	/* A failure here only loses the second line of defence; say so. */
	if (log_secret_add(c->secret_access_key) != 0 ||
	    (c->session_token != NULL && log_secret_add(c->session_token) != 0))
		log_warn("log secret table full: credentials are not scrubbed from log messages");
	return p;
}

struct aws_creds_provider *
aws_creds_static_new(const char *access_key_id, const char *secret_access_key,
    const char *session_token, struct err *e)
{
	return creds_static_make("static", access_key_id, secret_access_key, session_token, e);
}

struct aws_creds_provider *
aws_creds_env_new(struct err *e)
{
	const char *akid = getenv("AWS_ACCESS_KEY_ID");
	const char *secret = getenv("AWS_SECRET_ACCESS_KEY");

	if (akid == NULL || akid[0] == '\0') {
		err_set(e, "environment credentials: AWS_ACCESS_KEY_ID is not set");
		return NULL;
	}
	if (secret == NULL || secret[0] == '\0') {
		err_set(e, "environment credentials: AWS_SECRET_ACCESS_KEY is not set");
		return NULL;
	}
	return creds_static_make("environment", akid, secret, getenv("AWS_SESSION_TOKEN"), e);
}

void
aws_creds_provider_free(struct aws_creds_provider *p)
{
	if (p != NULL)
		p->destroy(p);
}
