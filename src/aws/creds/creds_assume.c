/*
 * AssumeRole into member accounts on top of a client-side provider (see
 * creds_assume.h).
 */
#include "config.h"

#include "aws/creds/creds_assume.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/credentials.h"
#include "aws/creds/creds_sts.h"
#include "log.h"
#include "util/secret.h"

struct assume {
	pthread_mutex_t mu;
	struct aws_creds_provider *base;	/* borrowed */
	char *role_arn, *session_name, *external_id, *region, *endpoint, *ca_bundle;
	char *proxy;		/* secret: may hold the proxy's password */
	int duration_s;
	long timeout_ms;
	struct aws_credentials cached;		/* registered with the log scrubber */
	bool have, invalid;
	time_t refresh_at;
};

static void
assume_drop(struct assume *a)
{
	if (!a->have)
		return;
	log_secret_remove(a->cached.secret_access_key);
	log_secret_remove(a->cached.session_token);
	aws_credentials_clear(&a->cached);
	a->have = false;
}

/* One AssumeRole with the caller's current credentials. */
static int
assume_fetch(struct assume *a, struct aws_credentials *out, struct err *e)
{
	struct creds_sts_request r;
	struct aws_credentials caller = { 0 };
	int tries, rc = -1;

	for (tries = 0; tries < 2; tries++) {
		if (a->base->get(a->base, &caller, e) != 0) {
			err_prefix(e, "credentials to assume %s with", a->role_arn);
			return -1;
		}
		memset(&r, 0, sizeof(r));
		r.op = CREDS_STS_ASSUME_ROLE;
		r.role_arn = a->role_arn;
		r.session_name = a->session_name;
		r.external_id = a->external_id;
		r.duration_s = a->duration_s;
		r.caller = &caller;
		r.region = a->region;
		r.endpoint = a->endpoint;
		r.ca_bundle = a->ca_bundle;
		r.proxy = a->proxy;
		r.timeout_ms = a->timeout_ms;
		rc = creds_sts_default(NULL, &r, out, e);
		aws_credentials_clear(&caller);
		/* The caller's own session expired: let base refresh once. */
		if (rc == 0 || !a->base->can_refresh || e == NULL ||
		    strstr(e->msg, "ExpiredToken") == NULL)
			break;
		a->base->invalidate(a->base);
	}
	return rc;
}

static int
assume_get(struct aws_creds_provider *self, struct aws_credentials *out, struct err *e)
{
	struct assume *a = self->ctx;
	struct aws_credentials fresh = { 0 };
	const char *slash;
	time_t now = time(NULL), left;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&a->mu);
	if (a->have && !a->invalid && (a->cached.expiration == 0 || now < a->refresh_at)) {
		rc = aws_credentials_copy(out, &a->cached, e);
		goto out;
	}
	if (assume_fetch(a, &fresh, e) != 0)
		goto out;
	slash = strrchr(a->role_arn, '/');
	snprintf(fresh.source, sizeof(fresh.source), "assume-role %s",
	    slash != NULL ? slash + 1 : a->role_arn);
	assume_drop(a);
	a->cached = fresh;
	memset(&fresh, 0, sizeof(fresh));
	a->have = true;
	a->invalid = false;
	if (log_secret_add(a->cached.secret_access_key) != 0 ||
	    log_secret_add(a->cached.session_token) != 0)
		log_warn("the log scrubber's table is full; credentials of %s are not "
		    "registered with it", a->role_arn);
	a->refresh_at = 0;
	if (a->cached.expiration != 0) {
		left = a->cached.expiration - now;
		a->refresh_at = a->cached.expiration - CREDS_ASSUME_REFRESH_S;
		if (a->refresh_at <= now)
			a->refresh_at = now + left / 2;
	}
	log_debug("assumed %s", a->role_arn);
	rc = aws_credentials_copy(out, &a->cached, e);
out:
	aws_credentials_clear(&fresh);
	pthread_mutex_unlock(&a->mu);
	return rc;
}

static void
assume_invalidate(struct aws_creds_provider *self)
{
	struct assume *a = self->ctx;

	pthread_mutex_lock(&a->mu);
	a->invalid = true;
	pthread_mutex_unlock(&a->mu);
}

static void
assume_destroy(struct aws_creds_provider *self)
{
	struct assume *a;

	if (self == NULL)
		return;
	a = self->ctx;
	if (a != NULL) {
		assume_drop(a);
		free(a->role_arn), free(a->session_name), free(a->region);
		free(a->endpoint), free(a->ca_bundle);
		secret_free(a->external_id);
		secret_free(a->proxy);
		pthread_mutex_destroy(&a->mu);
		free(a);
	}
	free(self);
}

static int
dup_opt(char **dst, const char *src)
{
	*dst = NULL;
	if (src == NULL)
		return 0;
	*dst = strdup(src);
	return *dst != NULL ? 0 : -1;
}

struct aws_creds_provider *
creds_assume_provider_new(struct aws_creds_provider *base,
    const struct creds_assume_opts *o, struct err *e)
{
	struct aws_creds_provider *p = NULL;
	struct assume *a = NULL;

	if (base == NULL || o->role_arn == NULL || o->session_name == NULL ||
	    o->region == NULL || o->endpoint == NULL) {
		err_set(e, "assume role: role ARN, session name, region and STS endpoint are "
		    "required");
		return NULL;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL || (a = calloc(1, sizeof(*a))) == NULL)
		goto nomem;
	pthread_mutex_init(&a->mu, NULL);
	p->ctx = a;
	p->name = "assume role";
	p->get = assume_get;
	p->invalidate = assume_invalidate;
	p->destroy = assume_destroy;
	p->can_refresh = true;
	a->base = base;
	a->duration_s = o->duration_s;
	a->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 30000;
	if (dup_opt(&a->role_arn, o->role_arn) != 0 ||
	    dup_opt(&a->session_name, o->session_name) != 0 ||
	    dup_opt(&a->region, o->region) != 0 || dup_opt(&a->endpoint, o->endpoint) != 0 ||
	    dup_opt(&a->ca_bundle, o->ca_bundle) != 0)
		goto nomem;
	if (o->external_id != NULL && (a->external_id = secret_strdup(o->external_id)) == NULL)
		goto nomem;
	if (o->proxy != NULL && (a->proxy = secret_strdup(o->proxy)) == NULL)
		goto nomem;
	return p;
nomem:
	err_set(e, "out of memory");
	if (a == NULL)
		free(p);
	else
		assume_destroy(p);
	return NULL;
}
