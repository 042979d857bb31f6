/*
 * Helpers shared by the credential chain tests: a scratch directory, a fake
 * clock, an injected STS that answers without a network, and log capture.
 * Header-only so each Check program stays one translation unit plus this.
 */
#ifndef PRA_TESTS_CREDS_TESTLIB_H
#define PRA_TESTS_CREDS_TESTLIB_H

#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "aws/credentials.h"
#include "log.h"
#include "util/err.h"

static char tl_dir[256];
static time_t tl_now = 1700000000;

static time_t
tl_clock(void *ctx)
{
	(void)ctx;
	return tl_now;
}

static int
tl_rm(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void
tl_mkdir(void)
{
	snprintf(tl_dir, sizeof(tl_dir), "/tmp/check_creds.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tl_dir));
}

static void
tl_rmdir(void)
{
	if (tl_dir[0] != '\0')
		nftw(tl_dir, tl_rm, 16, FTW_DEPTH | FTW_PHYS);
	tl_dir[0] = '\0';
}

/* Write text to tl_dir/name with mode; returns the path (static buffer ring). */
static const char *
tl_write(const char *name, const char *text, mode_t mode)
{
	static char paths[8][512];
	static int slot;
	char *p = paths[slot++ % 8];
	FILE *f;

	snprintf(p, 512, "%s/%s", tl_dir, name);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	chmod(p, mode);
	return p;
}

static const char *
tl_srcdir(void)
{
	const char *s = getenv("top_srcdir");

	return s != NULL ? s : ".";
}

/* --- injected STS --- */
struct tl_sts {
	int calls;
	int fail_with_expired;		/* next N calls answer ExpiredToken */
	int fail;			/* all calls fail */
	int lifetime_s;			/* default 3600 */
	enum creds_sts_op op[8];
	char role[8][256];
	char session[8][128];
	char external_id[8][128];
	char caller[8][128];
	char token[8][1024];
	char endpoint[8][256];
	int duration[8];
};

static struct tl_sts tl_sts;

static int
tl_sts_fn(void *ctx, const struct creds_sts_request *r, struct aws_credentials *out,
    struct err *e)
{
	struct tl_sts *s = ctx;
	int i = s->calls < 8 ? s->calls : 7;
	char akid[64], secret[96], token[96];
	const char *name;

	s->calls++;
	s->op[i] = r->op;
	snprintf(s->role[i], sizeof(s->role[i]), "%s", r->role_arn);
	snprintf(s->session[i], sizeof(s->session[i]), "%s", r->session_name);
	snprintf(s->external_id[i], sizeof(s->external_id[i]), "%s",
	    r->external_id != NULL ? r->external_id : "");
	snprintf(s->caller[i], sizeof(s->caller[i]), "%s",
	    r->caller != NULL ? r->caller->access_key_id : "");
	snprintf(s->token[i], sizeof(s->token[i]), "%s",
	    r->web_identity_token != NULL ? r->web_identity_token : "");
	snprintf(s->endpoint[i], sizeof(s->endpoint[i]), "%s", r->endpoint);
	s->duration[i] = r->duration_s;
	if (s->fail) {
		err_set(e, "sts:AssumeRole (role %s): AccessDenied (HTTP 403): not allowed",
		    r->role_arn);
		return -1;
	}
	if (s->fail_with_expired > 0) {
		s->fail_with_expired--;
		err_set(e, "sts:AssumeRole (role %s): ExpiredToken (HTTP 400): expired",
		    r->role_arn);
		return -1;
	}
	name = strrchr(r->role_arn, '/');
	name = name != NULL ? name + 1 : r->role_arn;
	snprintf(akid, sizeof(akid), "ASIA%s%d", name, s->calls);
	snprintf(secret, sizeof(secret), "stsSecretFor%sNumber%dEXAMPLEKEY", name, s->calls);
	snprintf(token, sizeof(token), "stsSessionTokenFor%sNumber%dEXAMPLE", name, s->calls);
	out->access_key_id = strdup(akid);
	out->secret_access_key = strdup(secret);
	out->session_token = strdup(token);
	out->expiration = tl_now + (s->lifetime_s > 0 ? s->lifetime_s : 3600);
	return 0;
}

static void
tl_opts(struct creds_opts *o, const char *const *env)
{
	creds_opts_init(o);
	o->env = env;
	o->now = tl_clock;
	o->sts = tl_sts_fn;
	o->sts_ctx = &tl_sts;
	/* Never the real instance metadata service: a closed loopback port. */
	o->imds_endpoint = "http://127.0.0.1:9";
	o->ecs_host_url = "http://127.0.0.1:9";
	memset(&tl_sts, 0, sizeof(tl_sts));
}

/* --- log capture --- */
static FILE *tl_log;

static __attribute__((unused)) void
tl_log_start(void)
{
	tl_log = tmpfile();
	ck_assert_ptr_nonnull(tl_log);
	log_set_stream(tl_log);
	log_set_level(LOG_LVL_DEBUG);
}

/* Everything logged since tl_log_start (malloc'd, caller frees). */
static __attribute__((unused)) char *
tl_log_stop(void)
{
	long n;
	char *s;

	fflush(tl_log);
	n = ftell(tl_log);
	s = calloc(1, (size_t)n + 1);
	rewind(tl_log);
	ck_assert_int_eq((long)fread(s, 1, (size_t)n, tl_log), n);
	fclose(tl_log);
	tl_log = NULL;
	log_set_stream(NULL);
	log_set_level(LOG_LVL_INFO);
	return s;
}

#endif
