#include "config.h"

#include "aws/credentials.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/creds/creds_chain.h"
#include "aws/creds/creds_imds.h"
#include "aws/creds/creds_util.h"
#include "log.h"
#include "util/buf.h"
#include "util/secret.h"

void
aws_credentials_clear(struct aws_credentials *c)
{
	if (c == NULL)
		return;
	free(c->access_key_id);
	secret_free(c->secret_access_key);
	secret_free(c->session_token);
	memset(c, 0, sizeof(*c));
}

int
aws_credentials_copy(struct aws_credentials *dst, const struct aws_credentials *src,
    struct err *e)
{
	if (src->access_key_id == NULL || src->secret_access_key == NULL) {
		memset(dst, 0, sizeof(*dst));
		err_set(e, "credentials to copy are empty");
		return -1;
	}
	memset(dst, 0, sizeof(*dst));
	return creds_set(dst, src->access_key_id, src->secret_access_key, src->session_token,
	    src->expiration, src->source, e);
}

static const char *const creds_source_names[] = {
	[CREDS_SOURCE_AUTO] = "auto",
	[CREDS_SOURCE_STATIC] = "static",
	[CREDS_SOURCE_ENVIRONMENT] = "environment",
	[CREDS_SOURCE_PROFILE] = "profile",
	[CREDS_SOURCE_WEB_IDENTITY] = "web_identity",
	[CREDS_SOURCE_ECS] = "ecs",
	[CREDS_SOURCE_IMDS] = "imds",
};

int
creds_source_parse(const char *name, enum creds_source *out)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof(creds_source_names) / sizeof(*creds_source_names);
	    i++) {
		if (strcmp(name, creds_source_names[i]) == 0) {
			*out = (enum creds_source)i;
			return 0;
		}
	}
	return -1;
}

const char *
creds_source_name(enum creds_source s)
{
	if ((size_t)s >= sizeof(creds_source_names) / sizeof(*creds_source_names))
		return "unknown";
	return creds_source_names[s];
}

void
creds_opts_init(struct creds_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->source = CREDS_SOURCE_AUTO;
	o->imds_connect_timeout_ms = 1000;
	o->imds_timeout_ms = 2000;
	o->ecs_timeout_ms = 5000;
	o->process_timeout_ms = 30000;
	o->sts_timeout_ms = 30000;
	o->imds_token_ttl_s = 21600;
	o->refresh_window_s = 600;
}

enum creds_kind { CREDS_KIND_CHAIN, CREDS_KIND_ASSUME };

#define CREDS_OWNED_MAX 16

struct creds_provider {
	pthread_mutex_t mu;
	enum creds_kind kind;
	struct creds_opts o;		/* strings point into owned[] / env */
	char *owned[CREDS_OWNED_MAX];
	size_t nowned;
	char **env;			/* copy of o->env, NULL-terminated */
	struct creds_imds imds;

	struct aws_credentials cached;	/* secrets registered with the log scrubber */
	bool have, invalid;
	time_t refresh_at;
	unsigned fetches;

	/* CREDS_KIND_ASSUME */
	struct creds_provider *base;	/* borrowed */
	char *role_arn, *session_name, *external_id;
	int duration_s;
};

static int
creds_own(struct creds_provider *p, const char **field, bool secret)
{
	char *d;

	if (*field == NULL)
		return 0;
	if (p->nowned >= CREDS_OWNED_MAX)
		return -1;
	if ((d = secret ? secret_strdup(*field) : strdup(*field)) == NULL)
		return -1;
	p->owned[p->nowned++] = d;
	*field = d;
	return 0;
}

static int
creds_copy_opts(struct creds_provider *p, const struct creds_opts *src, struct err *e)
{
	struct creds_opts *o = &p->o;
	size_t n = 0, i;

	*o = *src;
	if (creds_own(p, &o->profile, false) || creds_own(p, &o->access_key_id, false) ||
	    creds_own(p, &o->secret_access_key, true) || creds_own(p, &o->session_token, true) ||
	    creds_own(p, &o->credentials_file, false) || creds_own(p, &o->config_file, false) ||
	    creds_own(p, &o->sts_region, false) || creds_own(p, &o->sts_endpoint, false) ||
	    creds_own(p, &o->imds_endpoint, false) || creds_own(p, &o->ecs_host_url, false) ||
	    creds_own(p, &o->ca_bundle, false) || creds_own(p, &o->proxy, true))
		goto nomem;
	if (src->env != NULL) {
		while (src->env[n] != NULL)
			n++;
		if ((p->env = calloc(n + 1, sizeof(*p->env))) == NULL)
			goto nomem;
		for (i = 0; i < n; i++)
			if ((p->env[i] = secret_strdup(src->env[i])) == NULL)
				goto nomem;
		o->env = (const char *const *)p->env;
	}
	if (o->imds_connect_timeout_ms <= 0)
		o->imds_connect_timeout_ms = 1000;
	if (o->imds_timeout_ms <= 0)
		o->imds_timeout_ms = 2000;
	if (o->ecs_timeout_ms <= 0)
		o->ecs_timeout_ms = 5000;
	if (o->process_timeout_ms <= 0)
		o->process_timeout_ms = 30000;
	if (o->sts_timeout_ms <= 0)
		o->sts_timeout_ms = 30000;
	if (o->imds_token_ttl_s <= 0 || o->imds_token_ttl_s > 21600)
		o->imds_token_ttl_s = 21600;
	if (o->refresh_window_s < 0)
		o->refresh_window_s = 600;
	return 0;
nomem:
	err_set(e, "out of memory copying the credential options");
	return -1;
}

static time_t
creds_now(const struct creds_provider *p)
{
	return p->o.now != NULL ? p->o.now(p->o.now_ctx) : time(NULL);
}

static struct creds_provider *
creds_provider_alloc(enum creds_kind kind, const struct creds_opts *o, struct err *e)
{
	struct creds_provider *p;
	const char *ep;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&p->mu, NULL);
	p->kind = kind;
	if (creds_copy_opts(p, o, e) != 0)
		goto fail;
	ep = p->o.imds_endpoint;
	if (ep == NULL)
		ep = creds_env(p->o.env, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
	if (creds_imds_init(&p->imds, ep, p->o.imds_connect_timeout_ms, p->o.imds_timeout_ms,
	    p->o.imds_token_ttl_s, p->o.imds_v1_fallback, e) != 0)
		goto fail;
	return p;
fail:
	creds_provider_free(p);
	return NULL;
}

struct creds_provider *
creds_provider_new(const struct creds_opts *o, struct err *e)
{
	struct creds_opts def;

	if (o == NULL) {
		creds_opts_init(&def);
		o = &def;
	}
	if ((size_t)o->source >= sizeof(creds_source_names) / sizeof(*creds_source_names)) {
		err_set(e, "unknown credential source %d", (int)o->source);
		return NULL;
	}
	if (o->source == CREDS_SOURCE_STATIC &&
	    (o->access_key_id == NULL || o->secret_access_key == NULL ||
	    o->access_key_id[0] == '\0' || o->secret_access_key[0] == '\0')) {
		err_set(e, "credential source static needs an access key id and a secret access key");
		return NULL;
	}
	return creds_provider_alloc(CREDS_KIND_CHAIN, o, e);
}

static void
creds_cache_drop(struct creds_provider *p)
{
	log_secret_remove(p->cached.secret_access_key);
	log_secret_remove(p->cached.session_token);
	aws_credentials_clear(&p->cached);
	p->have = false;
}

void
creds_provider_free(struct creds_provider *p)
{
	size_t i;

	if (p == NULL)
		return;
	creds_cache_drop(p);
	creds_imds_clear(&p->imds);
	for (i = 0; i < p->nowned; i++)
		secret_free(p->owned[i]);
	if (p->env != NULL) {
		for (i = 0; p->env[i] != NULL; i++)
			secret_free(p->env[i]);
		free(p->env);
	}
	free(p->role_arn);
	free(p->session_name);
	free(p->external_id);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

typedef int (*creds_src_fn)(struct creds_ctx *, struct aws_credentials *, struct err *);

static int
creds_src_profile_auto(struct creds_ctx *cx, struct aws_credentials *out, struct err *e)
{
	return creds_src_profile(cx, false, out, e);
}

static int
creds_src_imds_auto(struct creds_ctx *cx, struct aws_credentials *out, struct err *e)
{
	return creds_src_imds(cx, false, out, e);
}

static int
creds_chain_fetch(struct creds_provider *p, time_t now, struct aws_credentials *out,
    struct err *e)
{
	static const creds_src_fn chain[] = {
		creds_src_env, creds_src_profile_auto, creds_src_web_identity_env,
		creds_src_ecs, creds_src_imds_auto,
	};
	struct creds_ctx cx = { &p->o, now, &p->imds, NULL };
	struct buf notes = BUF_INIT;
	struct err se;
	size_t i;
	int rc;

	switch (p->o.source) {
	case CREDS_SOURCE_STATIC:
		return creds_src_static(&cx, out, e) == CREDS_FOUND ? 0 : -1;
	case CREDS_SOURCE_ENVIRONMENT:
		return creds_src_env(&cx, out, e) == CREDS_FOUND ? 0 : -1;
	case CREDS_SOURCE_PROFILE:
		return creds_src_profile(&cx, true, out, e) == CREDS_FOUND ? 0 : -1;
	case CREDS_SOURCE_WEB_IDENTITY:
		return creds_src_web_identity_env(&cx, out, e) == CREDS_FOUND ? 0 : -1;
	case CREDS_SOURCE_ECS:
		return creds_src_ecs(&cx, out, e) == CREDS_FOUND ? 0 : -1;
	case CREDS_SOURCE_IMDS:
		return creds_src_imds(&cx, true, out, e) == CREDS_FOUND ? 0 : -1;
	case CREDS_SOURCE_AUTO:
		break;
	}
	buf_init(&notes, 4096);
	for (i = 0; i < sizeof(chain) / sizeof(*chain); i++) {
		/* An explicitly chosen profile outranks the environment keys, as
		 * `aws --profile` does. */
		if (i == 0 && p->o.profile != NULL)
			continue;
		err_clear(&se);
		rc = chain[i](&cx, out, &se);
		if (rc == CREDS_FOUND) {
			buf_free(&notes);
			return 0;
		}
		if (rc == CREDS_ERROR) {
			err_set(e, "%s", se.msg);
			buf_free(&notes);
			return -1;
		}
		log_debug("credentials: skipped: %s", se.msg);
		buf_printf(&notes, "%s%s", notes.len > 0 ? "; " : "", se.msg);
	}
	err_set(e, "no AWS credentials found (%s)", buf_cstr(&notes));
	buf_free(&notes);
	return -1;
}

static int
creds_assume_fetch(struct creds_provider *p, time_t now, struct aws_credentials *out,
    struct err *e)
{
	struct creds_ctx cx = { &p->o, now, &p->imds, NULL };
	struct aws_credentials base = { 0 };
	const char *slash;
	int tries, rc = -1;

	for (tries = 0; tries < 2; tries++) {
		if (creds_provider_get(p->base, &base, e) != 0) {
			err_prefix(e, "credentials to assume %s with", p->role_arn);
			break;
		}
		rc = creds_assume_role(&cx, &base, p->role_arn, p->session_name, p->external_id,
		    p->duration_s, out, e) == CREDS_FOUND ? 0 : -1;
		aws_credentials_clear(&base);
		/* The base session expired under us: refresh it once and retry. */
		if (rc == 0 || e == NULL || strstr(e->msg, "ExpiredToken") == NULL)
			break;
		creds_provider_invalidate(p->base);
	}
	if (rc == 0) {
		slash = strrchr(p->role_arn, '/');
		creds_set_source(out, "assume-role %s", slash != NULL ? slash + 1 : p->role_arn);
	}
	return rc;
}

static void
creds_cache_store(struct creds_provider *p, struct aws_credentials *fresh, time_t now)
{
	char when[32];
	bool changed = strcmp(p->cached.source, fresh->source) != 0;
	time_t left;

	creds_cache_drop(p);
	p->cached = *fresh;
	memset(fresh, 0, sizeof(*fresh));
	if (log_secret_add(p->cached.secret_access_key) != 0 ||
	    log_secret_add(p->cached.session_token) != 0)
		log_warn("the log scrubber's table is full; credentials from %s are not "
		    "registered with it", p->cached.source);
	p->have = true;
	p->invalid = false;
	p->fetches++;
	if (p->cached.expiration == 0) {
		p->refresh_at = 0;
		snprintf(when, sizeof(when), "never");
	} else {
		/* Refresh refresh_window_s before expiry; credentials issued with
		 * less life than that are used for half of what they have left,
		 * instead of being fetched again on every call. */
		left = p->cached.expiration - now;
		p->refresh_at = p->cached.expiration - p->o.refresh_window_s;
		if (p->refresh_at <= now)
			p->refresh_at = now + left / 2;
		creds_time_format(p->cached.expiration, when, sizeof(when));
	}
	if (changed || p->fetches == 1)
		log_info("AWS credentials from %s (access key %.4s..., expire %s)",
		    p->cached.source, p->cached.access_key_id, when);
	else
		log_debug("AWS credentials refreshed from %s (expire %s)", p->cached.source, when);
}

int
creds_provider_get(struct creds_provider *p, struct aws_credentials *out, struct err *e)
{
	struct aws_credentials fresh = { 0 };
	struct err fe;
	char when[32];
	time_t now;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&p->mu);
	now = creds_now(p);
	if (p->have && !p->invalid && (p->cached.expiration == 0 || now < p->refresh_at)) {
		rc = aws_credentials_copy(out, &p->cached, e);
		goto out;
	}
	err_clear(&fe);
	if (p->kind == CREDS_KIND_CHAIN)
		rc = creds_chain_fetch(p, now, &fresh, &fe);
	else
		rc = creds_assume_fetch(p, now, &fresh, &fe);
	if (rc == 0 && fresh.expiration != 0 && fresh.expiration <= now) {
		creds_time_format(fresh.expiration, when, sizeof(when));
		err_set(&fe, "credentials from %s expired at %s", fresh.source, when);
		aws_credentials_clear(&fresh);
		rc = -1;
	}
	if (rc == 0) {
		creds_cache_store(p, &fresh, now);
		rc = aws_credentials_copy(out, &p->cached, e);
		goto out;
	}
	/* A failed early refresh keeps the still-valid credentials: an STS or
	 * metadata hiccup must not stop an audit minutes before it is needed. */
	if (p->have && !p->invalid && now < p->cached.expiration) {
		log_warn("refreshing AWS credentials from %s failed, using the cached ones "
		    "until they expire: %s", p->cached.source, fe.msg);
		rc = aws_credentials_copy(out, &p->cached, e);
		goto out;
	}
	err_set(e, "%s", fe.msg);
	rc = -1;
out:
	aws_credentials_clear(&fresh);
	pthread_mutex_unlock(&p->mu);
	return rc;
}

void
creds_provider_invalidate(struct creds_provider *p)
{
	pthread_mutex_lock(&p->mu);
	if (p->have)
		log_debug("AWS credentials from %s invalidated; the next use refreshes them",
		    p->cached.source);
	p->invalid = true;
	pthread_mutex_unlock(&p->mu);
}

void
creds_provider_source(struct creds_provider *p, char *out, size_t n)
{
	pthread_mutex_lock(&p->mu);
	snprintf(out, n, "%s", p->have ? p->cached.source : "");
	pthread_mutex_unlock(&p->mu);
}

unsigned
creds_provider_fetches(struct creds_provider *p)
{
	unsigned n;

	pthread_mutex_lock(&p->mu);
	n = p->fetches;
	pthread_mutex_unlock(&p->mu);
	return n;
}

struct creds_provider *
creds_provider_assume_role(struct creds_provider *base, const char *role_arn,
    const char *session_name, const char *external_id, int duration_s,
    const struct creds_opts *o, struct err *e)
{
	struct creds_provider *p;
	struct creds_opts def;

	if (base == NULL || role_arn == NULL || strncmp(role_arn, "arn:", 4) != 0) {
		err_set(e, "assume role: '%s' is not a role ARN", role_arn != NULL ? role_arn : "");
		return NULL;
	}
	if (duration_s != 0 && (duration_s < 900 || duration_s > 43200)) {
		err_set(e, "assume role %s: duration %d s is outside 900..43200", role_arn,
		    duration_s);
		return NULL;
	}
	if (o == NULL) {
		creds_opts_init(&def);
		o = &def;
	}
	if ((p = creds_provider_alloc(CREDS_KIND_ASSUME, o, e)) == NULL)
		return NULL;
	p->base = base;
	p->duration_s = duration_s;
	if ((p->role_arn = strdup(role_arn)) == NULL ||
	    (session_name != NULL && (p->session_name = strdup(session_name)) == NULL) ||
	    (external_id != NULL && (p->external_id = strdup(external_id)) == NULL)) {
		err_set(e, "out of memory");
		creds_provider_free(p);
		return NULL;
	}
	return p;
}
