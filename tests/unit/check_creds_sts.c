/* STS AssumeRole through the built-in sender (SigV4 by the AWS client)
 * against the loopback AWS emulator: member-account roles with ExternalId,
 * role chains from the shared files, refusals, and ExpiredToken handling.
 * The emulator checks every signature with botocore. */
#include "config.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aws/client.h"
#include "aws/credentials.h"
#include "aws/credprov.h"
#include "aws/creds/creds_client.h"
#include "aws/sts.h"
#include "log.h"
#include "util/buf.h"
#include "util/err.h"

#include "creds_testlib.h"
#include "testserver.h"
#include "checkmain.h"

static struct testserver emu;

static char *
emu_ctl(const char *path, const char *body)
{
	return testserver_ctl(&emu, path, body);
}

/* AssumeRole requests the emulator saw, each checked to be validly signed. */
static int
emu_assume_roles(const char *expect_akid_prefix)
{
	char *s = emu_ctl("/_emu/requests", NULL);
	cJSON *j = cJSON_Parse(s), *r;
	int n = 0;

	free(s);
	ck_assert_ptr_nonnull(j);
	cJSON_ArrayForEach(r, j) {
		const cJSON *op = cJSON_GetObjectItem(r, "operation");

		if (!cJSON_IsString(op) || strcmp(op->valuestring, "AssumeRole") != 0)
			continue;
		n++;
		ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(r, "signature_valid")));
		if (expect_akid_prefix != NULL && n == 1)
			ck_assert_int_eq(strncmp(cJSON_GetObjectItem(r, "access_key_id")->valuestring,
			    expect_akid_prefix, strlen(expect_akid_prefix)), 0);
	}
	cJSON_Delete(j);
	return n;
}

static void
sts_opts(struct creds_opts *o, const char *const *env)
{
	tl_opts(o, env);
	o->sts = NULL;
	o->sts_endpoint = emu.url;
	o->now = NULL;		/* the emulator's clock is real time */
}

/* Who the emulator says these credentials are. */
static void
whoami(const struct aws_credentials *c, char *arn, size_t n)
{
	struct aws_creds_provider *cp;
	struct aws_client_opts co;
	struct aws_client *cl;
	struct sts_identity id;
	struct err e;

	cp = aws_creds_static_new(c->access_key_id, c->secret_access_key, c->session_token, &e);
	ck_assert_ptr_nonnull(cp);
	aws_client_opts_init(&co);
	co.endpoint_override[AWS_SVC_STS] = emu.url;
	co.retry_max_attempts = 1;
	ck_assert_ptr_nonnull(cl = aws_client_new(&co, cp, &e));
	ck_assert_msg(sts_get_caller_identity(cl, &id, &e) == 0, "%s", e.msg);
	snprintf(arn, n, "%s", id.arn);
	aws_client_free(cl);
	aws_creds_provider_free(cp);
}

static const char *const mgmt_env[] = { "AWS_ACCESS_KEY_ID=AKIDEXAMPLE",
	"AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "HOME=/nonexistent", NULL };

START_TEST(test_member_account_role)
{
	struct creds_provider *base, *member;
	struct aws_credentials c;
	struct creds_opts o;
	struct err e;
	char arn[2048];

	free(emu_ctl("/_emu/reset", ""));
	sts_opts(&o, mgmt_env);
	ck_assert_ptr_nonnull(base = creds_provider_new(&o, &e));
	member = creds_provider_assume_role(base, "arn:aws:iam::444455556666:role/AuditRole",
	    "audit-run-1", "ext-audit-1", 3600, &o, &e);
	ck_assert_ptr_nonnull(member);
	ck_assert_msg(creds_provider_get(member, &c, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(c.source, "assume-role AuditRole");
	ck_assert_int_eq(strncmp(c.access_key_id, "ASIA", 4), 0);
	ck_assert_ptr_nonnull(c.session_token);
	ck_assert(c.expiration > time(NULL) + 3000 && c.expiration <= time(NULL) + 3600);
	whoami(&c, arn, sizeof(arn));
	ck_assert_str_eq(arn, "arn:aws:sts::444455556666:assumed-role/AuditRole/audit-run-1");
	aws_credentials_clear(&c);
	ck_assert_int_eq(emu_assume_roles("AKIDEXAMPLE"), 1);
	creds_provider_free(member);

	/* The wrong ExternalId: AccessDenied, named with the API and role. */
	member = creds_provider_assume_role(base, "arn:aws:iam::444455556666:role/AuditRole",
	    NULL, "wrong", 0, &o, &e);
	ck_assert_int_eq(creds_provider_get(member, &c, &e), -1);
	ck_assert_msg(strstr(e.msg, "sts:AssumeRole: AccessDenied (HTTP 403") != NULL, "%s", e.msg);
	ck_assert_ptr_nonnull(strstr(e.msg, "role arn:aws:iam::444455556666:role/AuditRole"));
	creds_provider_free(member);
	creds_provider_free(base);
}
END_TEST

START_TEST(test_expired_token_retried_once)
{
	struct creds_provider *base, *member;
	struct aws_credentials c;
	struct creds_opts o;
	struct err e;

	free(emu_ctl("/_emu/reset", ""));
	sts_opts(&o, mgmt_env);
	ck_assert_ptr_nonnull(base = creds_provider_new(&o, &e));
	member = creds_provider_assume_role(base, "arn:aws:iam::444455556666:role/AuditRole",
	    NULL, "ext-audit-1", 0, &o, &e);
	ck_assert_ptr_nonnull(member);
	free(emu_ctl("/_emu/fault", "{\"operation\": \"AssumeRole\", \"kind\": \"expired_token\"}"));
	ck_assert_msg(creds_provider_get(member, &c, &e) == 0, "%s", e.msg);
	aws_credentials_clear(&c);
	/* The base was refreshed once and AssumeRole retried once. */
	ck_assert_int_eq(emu_assume_roles(NULL), 2);
	ck_assert_uint_eq(creds_provider_fetches(base), 2);
	creds_provider_free(member);
	creds_provider_free(base);
}
END_TEST

START_TEST(test_profile_role_chain_on_emulator)
{
	struct creds_provider *p;
	struct aws_credentials c;
	struct creds_opts o;
	struct err e;
	char arn[2048];
	const char *const env[] = { "HOME=/nonexistent", NULL };

	tl_mkdir();
	free(emu_ctl("/_emu/reset", ""));
	sts_opts(&o, env);
	o.credentials_file = tl_write("credentials", "[mgmt]\naws_access_key_id = AKIDEXAMPLE\n"
	    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n", 0600);
	o.config_file = tl_write("config",
	    "[profile audit]\nrole_arn = arn:aws:iam::444455556666:role/AuditRole\n"
	    "source_profile = mgmt\nexternal_id = ext-audit-1\nrole_session_name = from-profile\n"
	    "[profile chain]\nrole_arn = arn:aws:iam::444455556666:role/ChainRole\n"
	    "source_profile = audit\nduration_seconds = 900\n", 0600);
	o.profile = "chain";
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_msg(creds_provider_get(p, &c, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(c.source, "assume-role profile chain");
	whoami(&c, arn, sizeof(arn));
	ck_assert_msg(strncmp(arn, "arn:aws:sts::444455556666:assumed-role/ChainRole/passrole-auditd-",
	    strlen("arn:aws:sts::444455556666:assumed-role/ChainRole/passrole-auditd-")) == 0, "%s", arn);
	ck_assert(c.expiration <= time(NULL) + 900);
	aws_credentials_clear(&c);
	ck_assert_int_eq(emu_assume_roles("AKIDEXAMPLE"), 2);
	creds_provider_free(p);
	tl_rmdir();
}
END_TEST

START_TEST(test_client_adapter)
{
	struct creds_provider *base, *member;
	struct aws_creds_provider *cp;
	struct aws_client_opts co;
	struct aws_client *cl;
	struct sts_identity id;
	struct creds_opts o;
	struct err e;

	free(emu_ctl("/_emu/reset", ""));
	sts_opts(&o, mgmt_env);
	ck_assert_ptr_nonnull(base = creds_provider_new(&o, &e));
	member = creds_provider_assume_role(base, "arn:aws:iam::444455556666:role/AuditRole",
	    "via-client", "ext-audit-1", 0, &o, &e);
	ck_assert_ptr_nonnull(member);
	ck_assert_ptr_nonnull(cp = creds_client_provider_new(member, &e));
	aws_client_opts_init(&co);
	co.endpoint_override[AWS_SVC_STS] = emu.url;
	ck_assert_ptr_nonnull(cl = aws_client_new(&co, cp, &e));
	ck_assert_msg(sts_get_caller_identity(cl, &id, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(id.arn, "arn:aws:sts::444455556666:assumed-role/AuditRole/via-client");
	ck_assert_str_eq(id.account, "444455556666");
	ck_assert_uint_eq(creds_provider_fetches(member), 1);
	/* The client's invalidate reaches the chain: the next call refreshes once. */
	cp->invalidate(cp);
	ck_assert_int_eq(sts_get_caller_identity(cl, &id, &e), 0);
	ck_assert_int_eq(sts_get_caller_identity(cl, &id, &e), 0);
	ck_assert_uint_eq(creds_provider_fetches(member), 2);
	aws_client_free(cl);
	aws_creds_provider_free(cp);
	creds_provider_free(member);
	creds_provider_free(base);
}
END_TEST

static Suite *
creds_sts_suite(void)
{
	Suite *s = suite_create("creds_sts");
	TCase *tc = tcase_create("emulator");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_member_account_role);
	tcase_add_test(tc, test_expired_token_retried_once);
	tcase_add_test(tc, test_profile_role_chain_on_emulator);
	tcase_add_test(tc, test_client_adapter);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	struct err e;
	int rc;

	if (http_global_init(&e) != 0) {
		fprintf(stderr, "%s\n", e.msg);
		return EXIT_FAILURE;
	}
	{
		char scen[512];
		const char *const args[] = { "--scenario", scen, NULL };

		snprintf(scen, sizeof(scen), "%s/tests/data/credentials/emulator-sts.json", tl_srcdir());
		testserver_start(&emu, "tests/emulator/emulator.py", args);
	}
	rc = check_run(creds_sts_suite(), CK_NOFORK);
	testserver_stop(&emu);
	curl_global_cleanup();
	return rc;
}
