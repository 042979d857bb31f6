/* Unit tests of the credential chain without a network: the shared-file
 * parser, profiles and role chains (STS injected), credential_process,
 * environment, web identity, caching and refresh, and what reaches the log. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "aws/credentials.h"
#include "aws/creds/creds_imds.h"
#include "aws/creds/creds_process.h"
#include "aws/creds/creds_sts.h"
#include "aws/creds/creds_util.h"
#include "aws/ini.h"
#include "log.h"
#include "util/buf.h"
#include "util/err.h"

#include "creds_testlib.h"
#include "checkmain.h"

/* ---------- ini ---------- */

START_TEST(test_ini_profiles_comments_nested)
{
	static const char text[] =
	    "\xef\xbb\xbf# comment\r\n"
	    "[default]\r\n"
	    "region = eu-west-1\n"
	    "; another comment\n"
	    "[profile   dev ]\n"
	    "role_arn=arn:aws:iam::111122223333:role/dev\n"
	    "Source_Profile : base\n"
	    "s3 =\n"
	    "  max_concurrent_requests = 20\n"
	    "  aws_access_key_id = NESTEDNOTAKEY\n"
	    "output = json # not a comment\n"
	    "\n"
	    "[base]\n"
	    "aws_access_key_id = AKIDBASE\n";
	struct ini_file *f = NULL;
	const struct ini_section *s;
	struct err e;

	ck_assert_int_eq(ini_parse(text, strlen(text), "cfg", &f, &e), 0);
	ck_assert_uint_eq(f->n, 3);
	s = ini_section(f, "default");
	ck_assert_str_eq(ini_get(s, "region"), "eu-west-1");
	s = ini_section(f, "profile dev");
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(ini_get(s, "role_arn"), "arn:aws:iam::111122223333:role/dev");
	ck_assert_str_eq(ini_get(s, "source_profile"), "base");
	ck_assert_str_eq(ini_get(s, "s3"), "");
	/* The nested block belongs to s3, not to the profile. */
	ck_assert_ptr_null(ini_get(s, "aws_access_key_id"));
	ck_assert_ptr_null(ini_get(s, "max_concurrent_requests"));
	ck_assert_str_eq(ini_get(s, "output"), "json # not a comment");
	ck_assert_str_eq(ini_get(ini_section(f, "base"), "AWS_ACCESS_KEY_ID"), "AKIDBASE");
	ck_assert_ptr_null(ini_section(f, "dev"));
	ini_free(f);
}
END_TEST

START_TEST(test_ini_errors_name_file_and_line)
{
	static const struct { const char *text, *msg; } cases[] = {
		{ "key = v\n", "cfg:1: setting before the first [section]" },
		{ "[a]\nx = 1\n[a]\n", "cfg:3: section [a] already defined at line 1" },
		{ "[a]\nx = 1\nX = 2\n", "cfg:3: key 'X' already set in [a] at line 2" },
		{ "[a]\njunk\n", "cfg:2: expected 'key = value' or a [section]" },
		{ "[a\n", "cfg:1: section header without ']'" },
		{ "[]\n", "cfg:1: empty section name" },
		{ "[a] trailing\n", "cfg:1: unexpected text after the section header" },
		{ "[a]\n = v\n", "cfg:2: empty key" },
	};
	struct ini_file *f;
	struct err e;
	size_t i;
	char nul[] = "[a]\nx = 1\0\n";

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f = (struct ini_file *)1;
		ck_assert_int_eq(ini_parse(cases[i].text, strlen(cases[i].text), "cfg", &f, &e), -1);
		ck_assert_ptr_null(f);
		ck_assert_msg(strstr(e.msg, cases[i].msg) != NULL, "case %zu: %s", i, e.msg);
	}
	ck_assert_int_eq(ini_parse(nul, sizeof(nul) - 1, "cfg", &f, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "NUL"));
}
END_TEST

START_TEST(test_ini_bounds)
{
	struct buf b = BUF_INIT;
	struct ini_file *f;
	struct err e;
	int i;

	/* A line over the limit. */
	buf_puts(&b, "[a]\nk = ");
	for (i = 0; i < INI_MAX_LINE; i++)
		buf_putc(&b, 'x');
	ck_assert_int_eq(ini_parse(b.data, b.len, "big", &f, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "big:2: line longer than"));
	buf_reset(&b);
	/* Too many sections. */
	for (i = 0; i <= INI_MAX_SECTIONS; i++)
		buf_printf(&b, "[s%d]\n", i);
	ck_assert_int_eq(ini_parse(b.data, b.len, "many", &f, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "more than"));
	buf_free(&b);
}
END_TEST

/* ---------- small parsers ---------- */

START_TEST(test_time_parse)
{
	time_t t;
	char s[32];

	ck_assert_int_eq(creds_time_parse("2009-02-13T23:31:30Z", &t), 0);
	ck_assert_int_eq((long long)t, 1234567890LL);
	ck_assert_int_eq(creds_time_parse("2009-02-13T23:31:30.123Z", &t), 0);
	ck_assert_int_eq((long long)t, 1234567890LL);
	ck_assert_int_eq(creds_time_parse("2009-02-14T01:31:30+02:00", &t), 0);
	ck_assert_int_eq((long long)t, 1234567890LL);
	ck_assert_int_eq(creds_time_parse("2009-02-13T22:31:30-0100", &t), 0);
	ck_assert_int_eq((long long)t, 1234567890LL);
	ck_assert_int_eq(creds_time_parse("2009-02-13T23:31:30", &t), -1);
	ck_assert_int_eq(creds_time_parse("2009-13-13T23:31:30Z", &t), -1);
	ck_assert_int_eq(creds_time_parse("2009-02-13T23:31:30Zjunk", &t), -1);
	ck_assert_int_eq(creds_time_parse("", &t), -1);
	/* Relaxed forms SDK-written files carry, on the API parser's strict dates. */
	ck_assert_int_eq(creds_time_parse("2009-02-13 23:31:30Z", &t), 0);
	ck_assert_int_eq((long long)t, 1234567890LL);
	ck_assert_int_eq(creds_time_parse("2009-02-14T01:31:30.5+0200", &t), 0);
	ck_assert_int_eq((long long)t, 1234567890LL);
	ck_assert_int_eq(creds_time_parse("2009-02-30T00:00:00Z", &t), -1);
	ck_assert_int_eq(creds_time_parse("2009-02-13T23:31:30+02", &t), -1);
	ck_assert_int_eq(creds_time_parse("1969-12-31T23:59:59Z", &t), -1);
	creds_time_format(1234567890, s, sizeof(s));
	ck_assert_str_eq(s, "2009-02-13T23:31:30Z");
}
END_TEST

START_TEST(test_json_metadata_samples)
{
	struct aws_credentials c = { 0 };
	struct buf b = BUF_INIT;
	struct err e;
	char path[512];

	snprintf(path, sizeof(path), "%s/tests/data/credentials/ecs/container-credentials.response.json",
	    tl_srcdir());
	ck_assert_int_eq(creds_read_file(path, 65536, false, false, &b, &e), 0);
	/* The recorded body has a space before a colon: still plain JSON. */
	ck_assert_int_eq(creds_json_parse(b.data, b.len, CREDS_JSON_METADATA, "ecs", &c, &e), 0);
	ck_assert_str_eq(c.access_key_id, "ASIARCORRECT");
	ck_assert_str_eq(c.secret_access_key, "secretkeycorrect");
	ck_assert_str_eq(c.session_token, "tokencorrect");
	ck_assert_int_eq((long long)c.expiration, 1234567890LL);
	aws_credentials_clear(&c);
	buf_free(&b);

	snprintf(path, sizeof(path), "%s/tests/data/credentials/imds/security-credentials.role.response.json",
	    tl_srcdir());
	ck_assert_int_eq(creds_read_file(path, 65536, false, false, &b, &e), 0);
	ck_assert_int_eq(creds_json_parse(b.data, b.len, CREDS_JSON_METADATA, "imds", &c, &e), 0);
	ck_assert_str_eq(c.access_key_id, "ASIARTEST");
	ck_assert_int_eq((long long)c.expiration, 1632197813LL);
	aws_credentials_clear(&c);
	buf_free(&b);
}
END_TEST

/* The role list of GET .../security-credentials/, read from memory (the
 * fuzz target feeds it too). */
START_TEST(test_imds_role_name)
{
	char role[160], small[5], longname[140];
	struct err e = { "" };

	ck_assert_int_eq(creds_imds_role_name("imds-role\nother\n", role, sizeof(role), &e),
	    CREDS_FOUND);
	ck_assert_str_eq(role, "imds-role");
	ck_assert_int_eq(creds_imds_role_name("a+=,.@_-Z9 \t\r\n", role, sizeof(role), &e),
	    CREDS_FOUND);
	ck_assert_str_eq(role, "a+=,.@_-Z9");
	ck_assert_int_eq(creds_imds_role_name("", role, sizeof(role), &e), CREDS_SKIP);
	ck_assert_int_eq(creds_imds_role_name("  \n role", role, sizeof(role), &e), CREDS_SKIP);
	ck_assert_ptr_nonnull(strstr(e.msg, "empty list"));
	ck_assert_int_eq(creds_imds_role_name("bad role\n", role, sizeof(role), &e), CREDS_ERROR);
	ck_assert_int_eq(creds_imds_role_name("../x", role, sizeof(role), &e), CREDS_ERROR);
	ck_assert_ptr_nonnull(strstr(e.msg, "invalid role name"));
	memset(longname, 'r', 128);
	longname[128] = '\0';
	ck_assert_int_eq(creds_imds_role_name(longname, role, sizeof(role), &e), CREDS_FOUND);
	longname[128] = 'r';
	longname[129] = '\0';
	ck_assert_int_eq(creds_imds_role_name(longname, role, sizeof(role), &e), CREDS_ERROR);
	/* A name that does not fit the caller's buffer is refused, not cut. */
	ck_assert_int_eq(creds_imds_role_name("abcd", small, sizeof(small), &e), CREDS_FOUND);
	ck_assert_int_eq(creds_imds_role_name("abcde", small, sizeof(small), &e), CREDS_ERROR);
}
END_TEST

/* Found by tests/fuzz/fuzz_creds: an optional field set to null ("Code",
 * "Token", "SessionToken", "Expiration" of credential_process) failed the
 * parse with an empty error message. null is read as absent, as for the
 * required fields. */
START_TEST(test_json_null_is_absent)
{
	static const char meta[] = "{\"Code\":null,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\","
	    "\"Token\":null,\"Expiration\":\"2026-11-23T16:00:00Z\"}";
	static const char proc[] = "{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\","
	    "\"SessionToken\":null,\"Expiration\":null}";
	static const char bare[] = "{\"Code\":null}";
	struct aws_credentials c;
	struct err e = { "" };

	memset(&c, 0, sizeof(c));
	ck_assert_msg(creds_json_parse(meta, strlen(meta), CREDS_JSON_METADATA, "imds", &c, &e) == 0,
	    "[%s]", e.msg);
	ck_assert_str_eq(c.access_key_id, "A");
	ck_assert_ptr_null(c.session_token);
	aws_credentials_clear(&c);
	ck_assert_msg(creds_json_parse(proc, strlen(proc), CREDS_JSON_PROCESS, "process", &c, &e) == 0,
	    "[%s]", e.msg);
	ck_assert_ptr_null(c.session_token);
	ck_assert_int_eq((long long)c.expiration, 0);
	aws_credentials_clear(&c);
	/* A required field that is null is still missing, and said so. */
	e.msg[0] = '\0';
	ck_assert_int_eq(creds_json_parse(bare, strlen(bare), CREDS_JSON_METADATA, "imds", &c, &e),
	    -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "\"AccessKeyId\" is missing"));
}
END_TEST

START_TEST(test_json_rejects)
{
	static const struct { enum creds_json_kind k; const char *doc, *msg; } cases[] = {
		{ CREDS_JSON_METADATA, "[]", "not a JSON object" },
		{ CREDS_JSON_METADATA, "{\"Code\":\"Failure\",\"AccessKeyId\":\"A\"}", "not \"Success\"" },
		{ CREDS_JSON_METADATA, "{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\",\"Token\":\"T\"}",
		  "\"Expiration\" is missing" },
		{ CREDS_JSON_METADATA, "{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\",\"Token\":\"T\","
		  "\"Expiration\":\"tomorrow\"}", "not an ISO 8601 time" },
		{ CREDS_JSON_METADATA, "{\"AccessKeyId\":5}", "\"AccessKeyId\" is not a non-empty string" },
		{ CREDS_JSON_PROCESS, "{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\"}", "\"Version\" is missing" },
		{ CREDS_JSON_PROCESS, "{\"Version\":2,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\"}",
		  "unsupported \"Version\"" },
		{ CREDS_JSON_PROCESS, "{\"Version\":1,\"AccessKeyId\":\"A\"}", "\"SecretAccessKey\" is missing" },
		{ CREDS_JSON_PROCESS, "{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"\"}",
		  "not a non-empty string" },
	};
	struct aws_credentials c = { 0 };
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(creds_json_parse(cases[i].doc, strlen(cases[i].doc), cases[i].k, "doc",
		    &c, &e), -1);
		ck_assert_msg(strstr(e.msg, cases[i].msg) != NULL, "case %zu: %s", i, e.msg);
		ck_assert_ptr_null(c.access_key_id);
	}
}
END_TEST

START_TEST(test_process_split_like_posix_shell)
{
	static const struct { const char *cmd; const char *argv[6]; } cases[] = {
		{ "/bin/x a b", { "/bin/x", "a", "b" } },
		{ "  /bin/x\t'a b'  \"c d\" ", { "/bin/x", "a b", "c d" } },
		{ "x 'it''s' \"say \\\"hi\\\"\" back\\ slash", { "x", "its", "say \"hi\"", "back slash" } },
		{ "x \"\\$HOME\" '$(id)' a;b", { "x", "\\$HOME", "$(id)", "a;b" } },
		{ "x '' \"\"", { "x", "", "" } },
		{ "x \"a\\\\b\" 'c\\d'", { "x", "a\\b", "c\\d" } },
	};
	char **argv;
	size_t argc, i, j;
	struct err e;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(creds_process_split(cases[i].cmd, &argv, &argc, &e), 0);
		for (j = 0; cases[i].argv[j] != NULL; j++)
			ck_assert_msg(argv[j] != NULL && strcmp(argv[j], cases[i].argv[j]) == 0,
			    "case %zu arg %zu: '%s'", i, j, argv[j] != NULL ? argv[j] : "(null)");
		ck_assert_uint_eq(argc, j);
		ck_assert_ptr_null(argv[j]);
		creds_process_argv_free(argv);
	}
	ck_assert_int_eq(creds_process_split("x 'open", &argv, &argc, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "unclosed single quote"));
	ck_assert_int_eq(creds_process_split("x \"open", &argv, &argc, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "unclosed double quote"));
	ck_assert_int_eq(creds_process_split("x \\", &argv, &argc, &e), -1);
	ck_assert_int_eq(creds_process_split("   ", &argv, &argc, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "empty"));
}
END_TEST

START_TEST(test_safe_excerpt)
{
	char out[64];
	const char *s = "error: key wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY bad\nsecond";

	creds_safe_excerpt(s, strlen(s), out, sizeof(out));
	ck_assert_str_eq(out, "error: key **** bad");
	creds_safe_excerpt("a\x01" "b", 3, out, sizeof(out));
	ck_assert_str_eq(out, "a?b");
	creds_safe_excerpt("abcdefghij", 10, out, 5);
	ck_assert_str_eq(out, "");
}
END_TEST

/* ---------- STS responses ---------- */

START_TEST(test_sts_parse_recorded_and_errors)
{
	static const char ok[] =
	    "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
	    "  <AssumeRoleResult>\n    <AssumedRoleUser>\n"
	    "      <AssumedRoleId>AROAR42TAWARILN3MNKUT:assume-role-from-profile-1632246085998</AssumedRoleId>\n"
	    "      <Arn>arn:aws:sts::130633740322:assumed-role/imds-chained-role-test/assume-role-from-profile-1632246085998</Arn>\n"
	    "    </AssumedRoleUser>\n    <Credentials>\n"
	    "      <AccessKeyId>ASIARCORRECT</AccessKeyId>\n"
	    "      <SecretAccessKey>secretkeycorrect</SecretAccessKey>\n"
	    "      <SessionToken>tokencorrect</SessionToken>\n"
	    "      <Expiration>2021-09-21T18:41:26Z</Expiration>\n"
	    "    </Credentials>\n  </AssumeRoleResult>\n"
	    "  <ResponseMetadata>\n    <RequestId>d9d47248-fd55-4686-ad7c-0fb7cd1cddd7</RequestId>\n"
	    "  </ResponseMetadata>\n</AssumeRoleResponse>\n";
	static const char bad[] =
	    "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n"
	    "    <Type>Sender</Type>\n    <Code>InvalidIdentityToken</Code>\n"
	    "    <Message>No OpenIDConnect provider found in your account for https://s3-us-west-2.amazonaws.com/oidc-test-tzzotbwmznwimurcbkebndpxaimixbkc</Message>\n"
	    "  </Error>\n  <RequestId>5045ca91-d123-4749-9d66-00a3c906be6c</RequestId>\n</ErrorResponse>\n";
	static const char doctype[] =
	    "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><x>&a;</x>";
	static const char partial[] =
	    "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>A</AccessKeyId>"
	    "</Credentials></AssumeRoleResult></AssumeRoleResponse>";
	struct aws_credentials c = { 0 };
	struct err e;

	ck_assert_int_eq(creds_sts_parse(ok, strlen(ok), 200, "sts:AssumeRole", "r", &c, &e), 0);
	ck_assert_str_eq(c.access_key_id, "ASIARCORRECT");
	ck_assert_str_eq(c.secret_access_key, "secretkeycorrect");
	ck_assert_str_eq(c.session_token, "tokencorrect");
	ck_assert_int_eq((long long)c.expiration, 1632249686LL);
	aws_credentials_clear(&c);

	ck_assert_int_eq(creds_sts_parse(bad, strlen(bad), 400, "sts:AssumeRoleWithWebIdentity",
	    "arn:aws:iam::123456789:role/RoleB", &c, &e), -1);
	ck_assert_msg(strstr(e.msg, "sts:AssumeRoleWithWebIdentity (role "
	    "arn:aws:iam::123456789:role/RoleB): InvalidIdentityToken (HTTP 400): No OpenIDConnect") != NULL, "%s", e.msg);
	ck_assert_int_eq(creds_sts_parse(doctype, strlen(doctype), 200, "sts:AssumeRole", "r", &c,
	    &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "malformed"));
	ck_assert_int_eq(creds_sts_parse(partial, strlen(partial), 200, "sts:AssumeRole", "r", &c,
	    &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "without complete Credentials"));
	ck_assert_int_eq(creds_sts_parse("<a><b>", 6, 200, "sts:AssumeRole", "r", &c, &e), -1);
	ck_assert_int_eq(creds_sts_parse("", 0, 503, "sts:AssumeRole", "r", &c, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "HTTP 503"));
	ck_assert_ptr_null(c.access_key_id);
}
END_TEST

START_TEST(test_sts_form)
{
	struct creds_sts_request r;
	struct buf b;
	struct err e;

	memset(&r, 0, sizeof(r));
	r.op = CREDS_STS_ASSUME_ROLE;
	r.role_arn = "arn:aws:iam::123456789012:role/a b";
	r.session_name = "s@1";
	r.external_id = "ext/=1";
	r.duration_s = 900;
	ck_assert_int_eq(creds_sts_form(&r, &b, &e), 0);
	ck_assert_str_eq(b.data, "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam"
	    "%3A%3A123456789012%3Arole%2Fa%20b&RoleSessionName=s%401&DurationSeconds=900"
	    "&ExternalId=ext%2F%3D1");
	buf_free_secret(&b);
	r.op = CREDS_STS_ASSUME_ROLE_WITH_WEB_IDENTITY;
	ck_assert_int_eq(creds_sts_form(&r, &b, &e), -1);
	r.web_identity_token = "eyJ.x+y";
	r.duration_s = 0;
	ck_assert_int_eq(creds_sts_form(&r, &b, &e), 0);
	ck_assert_str_eq(b.data, "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws"
	    "%3Aiam%3A%3A123456789012%3Arole%2Fa%20b&RoleSessionName=s%401&WebIdentityToken=eyJ.x%2By");
	buf_free_secret(&b);
}
END_TEST

/* ---------- environment and static ---------- */

START_TEST(test_environment_source)
{
	const char *const full[] = { "AWS_ACCESS_KEY_ID=AKIDENV", "AWS_SECRET_ACCESS_KEY=envSecretKey0123",
		"AWS_SESSION_TOKEN=envToken0123", NULL };
	const char *const half[] = { "AWS_ACCESS_KEY_ID=AKIDENV", NULL };
	const char *const none[] = { "HOME=/nonexistent", NULL };
	struct aws_credentials c;
	struct creds_provider *p;
	struct creds_opts o;
	struct err e;

	tl_opts(&o, full);
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), 0);
	ck_assert_str_eq(c.access_key_id, "AKIDENV");
	ck_assert_str_eq(c.secret_access_key, "envSecretKey0123");
	ck_assert_str_eq(c.session_token, "envToken0123");
	ck_assert_str_eq(c.source, "environment");
	ck_assert_int_eq((long long)c.expiration, 0);
	aws_credentials_clear(&c);
	creds_provider_free(p);

	tl_opts(&o, half);
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"));
	creds_provider_free(p);

	tl_opts(&o, none);
	o.source = CREDS_SOURCE_ENVIRONMENT;
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "not set"));
	creds_provider_free(p);

	/* auto with nothing anywhere: every source says why it was skipped. */
	tl_opts(&o, none);
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "no AWS credentials found"));
	ck_assert_ptr_nonnull(strstr(e.msg, "instance metadata not reachable"));
	creds_provider_free(p);
}
END_TEST

/* A configured instance metadata endpoint gets plain http only on the
 * service's own addresses (or loopback): refused when the chain is built,
 * not contacted and skipped as "unreachable". */
START_TEST(test_imds_endpoint_plain_http_refused)
{
	const char *const via_env[] = { "HOME=/nonexistent",
		"AWS_EC2_METADATA_SERVICE_ENDPOINT=http://10.0.0.1/", NULL };
	const char *const none[] = { "HOME=/nonexistent", NULL };
	struct creds_provider *p;
	struct creds_opts o;
	struct err e;

	tl_opts(&o, none);
	o.imds_endpoint = "http://imds.example.invalid";
	ck_assert_ptr_null(creds_provider_new(&o, &e));
	ck_assert_msg(strstr(e.msg, "instance metadata endpoint") != NULL, "%s", e.msg);
	ck_assert_msg(strstr(e.msg, "plain http:// is only allowed") != NULL, "%s", e.msg);

	tl_opts(&o, via_env);
	o.imds_endpoint = NULL;
	ck_assert_ptr_null(creds_provider_new(&o, &e));
	/* Named by scheme and host: http.c's messages show no path. */
	ck_assert_msg(strstr(e.msg, "URL http://10.0.0.1: ") != NULL, "%s", e.msg);

	tl_opts(&o, none);
	o.imds_endpoint = "ftp://127.0.0.1/";
	ck_assert_ptr_null(creds_provider_new(&o, &e));

	/* The service's own addresses and https anywhere are accepted (only
	 * built here: nothing is fetched). */
	tl_opts(&o, none);
	o.imds_endpoint = "http://[fd00:ec2::254]";
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	creds_provider_free(p);
	o.imds_endpoint = "https://imds.example.invalid";
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	creds_provider_free(p);
}
END_TEST

START_TEST(test_static_source)
{
	struct aws_credentials c, d;
	struct creds_provider *p;
	struct creds_opts o;
	struct err e;

	tl_opts(&o, NULL);
	o.source = CREDS_SOURCE_STATIC;
	ck_assert_ptr_null(creds_provider_new(&o, &e));
	o.access_key_id = "AKIDSTATIC";
	o.secret_access_key = "staticSecret0123";
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), 0);
	ck_assert_str_eq(c.source, "static");
	ck_assert_ptr_null(c.session_token);
	ck_assert_int_eq(aws_credentials_copy(&d, &c, &e), 0);
	ck_assert_str_eq(d.secret_access_key, "staticSecret0123");
	ck_assert_ptr_ne(d.secret_access_key, c.secret_access_key);
	aws_credentials_clear(&c);
	aws_credentials_clear(&d);
	ck_assert_ptr_null(d.access_key_id);
	creds_provider_free(p);
}
END_TEST

/* ---------- shared files ---------- */

static const char cred_file[] =
    "[default]\n"
    "aws_access_key_id = AKIDDEFAULT\n"
    "aws_secret_access_key = defaultSecret0123\n"
    "[dev]\n"
    "aws_access_key_id = AKIDDEVCRED\n"
    "aws_secret_access_key = devSecretFromCredentials\n"
    "[profile prod]\n"
    "aws_access_key_id = AKIDLITERALPROFILEPROD\n"
    "aws_secret_access_key = literalSecret0123\n"
    "[base]\n"
    "aws_access_key_id = AKIDBASE\n"
    "aws_secret_access_key = baseSecret0123\n"
    "aws_session_token = baseToken0123\n";

static const char conf_file[] =
    "[default]\n"
    "region = us-west-2\n"
    "[profile dev]\n"
    "aws_access_key_id = AKIDDEVCONFIG\n"
    "aws_session_token = devTokenFromConfig\n"
    "region = eu-west-1\n"
    "[profile prod]\n"
    "aws_access_key_id = AKIDPROD\n"
    "aws_secret_access_key = prodSecret0123\n"
    "[plain]\n"
    "aws_access_key_id = AKIDPLAINNOTAPROFILE\n"
    "aws_secret_access_key = plainSecret0123\n"
    "[profile regiononly]\n"
    "region = eu-central-1\n"
    "[profile middle]\n"
    "role_arn = arn:aws:iam::222233334444:role/Middle\n"
    "source_profile = base\n"
    "external_id = ext-middle\n"
    "[profile top]\n"
    "role_arn = arn:aws:iam::333344445555:role/Top\n"
    "source_profile = middle\n"
    "role_session_name = top-session\n"
    "duration_seconds = 1800\n"
    "[profile loop-a]\n"
    "role_arn = arn:aws:iam::111122223333:role/A\n"
    "source_profile = loop-b\n"
    "[profile loop-b]\n"
    "role_arn = arn:aws:iam::111122223333:role/B\n"
    "source_profile = loop-c\n"
    "[profile loop-c]\n"
    "role_arn = arn:aws:iam::111122223333:role/C\n"
    "source_profile = loop-a\n"
    "[profile self]\n"
    "role_arn = arn:aws:iam::111122223333:role/Self\n"
    "source_profile = self\n"
    "aws_access_key_id = AKIDSELF\n"
    "aws_secret_access_key = selfSecret0123\n"
    "[profile fromenv]\n"
    "role_arn = arn:aws:iam::111122223333:role/FromEnv\n"
    "credential_source = Environment\n"
    "[profile both]\n"
    "role_arn = arn:aws:iam::111122223333:role/Both\n"
    "source_profile = base\n"
    "credential_source = Environment\n"
    "[profile badsource]\n"
    "role_arn = arn:aws:iam::111122223333:role/X\n"
    "credential_source = Somewhere\n"
    "[profile nosource]\n"
    "role_arn = arn:aws:iam::111122223333:role/X\n"
    "[profile missingsource]\n"
    "role_arn = arn:aws:iam::111122223333:role/X\n"
    "source_profile = ghost\n"
    "[profile baddur]\n"
    "role_arn = arn:aws:iam::111122223333:role/X\n"
    "source_profile = base\n"
    "duration_seconds = 60\n"
    "[profile halfkey]\n"
    "aws_access_key_id = AKIDHALF\n"
    "[profile regional]\n"
    "region = eu-west-3\n"
    "role_arn = arn:aws:iam::111122223333:role/Regional\n"
    "source_profile = base\n"
    "[profile sso]\n"
    "sso_session = corp\n"
    "sso_account_id = 111122223333\n";

/* A provider over the two files with the given profile (NULL: from env). */
static struct creds_provider *
files_provider(const char *profile, const char *const *env, struct err *e)
{
	struct creds_opts o;

	tl_opts(&o, env);
	o.credentials_file = tl_write("credentials", cred_file, 0600);
	o.config_file = tl_write("config", conf_file, 0600);
	o.profile = profile;
	return creds_provider_new(&o, e);
}

static void
expect_profile(const char *profile, const char *akid, const char *secret, const char *token,
    const char *source)
{
	struct aws_credentials c;
	struct creds_provider *p;
	struct err e;

	ck_assert_ptr_nonnull(p = files_provider(profile, NULL, &e));
	ck_assert_msg(creds_provider_get(p, &c, &e) == 0, "%s: %s", profile, e.msg);
	ck_assert_str_eq(c.access_key_id, akid);
	ck_assert_str_eq(c.secret_access_key, secret);
	if (token == NULL)
		ck_assert_ptr_null(c.session_token);
	else
		ck_assert_str_eq(c.session_token, token);
	ck_assert_str_eq(c.source, source);
	aws_credentials_clear(&c);
	creds_provider_free(p);
}

static void
expect_profile_error(const char *profile, const char *msg)
{
	struct aws_credentials c;
	struct creds_provider *p;
	struct err e;

	ck_assert_ptr_nonnull(p = files_provider(profile, NULL, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), -1);
	ck_assert_msg(strstr(e.msg, msg) != NULL, "%s: '%s' not in '%s'", profile, msg, e.msg);
	ck_assert_ptr_null(c.access_key_id);
	creds_provider_free(p);
}

/* The profile source under the shipped unit: files the service cannot see
 * (ProtectHome=yes hides /home, /root, /run/user; a dynamic user's HOME is
 * /) make an error that says why, not only "not found". */
static void
expect_hint(const char *cred, const char *conf, const char *const *env, const char *want1,
    const char *want2)
{
	struct aws_credentials c;
	struct creds_provider *p;
	struct creds_opts o;
	struct err e;

	tl_opts(&o, env);
	o.source = CREDS_SOURCE_PROFILE;
	o.credentials_file = cred;
	o.config_file = conf;
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), -1);
	ck_assert_msg(strstr(e.msg, want1) != NULL, "'%s' not in '%s'", want1, e.msg);
	ck_assert_msg(strstr(e.msg, want2) != NULL, "'%s' not in '%s'", want2, e.msg);
	creds_provider_free(p);
}

START_TEST(test_profiles_service_hints)
{
	const char *const env_root[] = { "HOME=/", NULL };
	const char *const env_tmp[] = { "HOME=/tmp", NULL };
	struct aws_credentials c;
	struct creds_provider *p;
	struct creds_opts o;
	struct err e;

	tl_mkdir();
	expect_hint("/root/.pra-no-such-dir/credentials", "/home/pra-no-such-user/.aws/config",
	    NULL, "(no such file)", "ProtectHome=yes");
	expect_hint("/run/user/4242/pra-no-such-file", tl_write("config", "", 0600), NULL,
	    "/run/user/4242/pra-no-such-file (no such file)", "cannot see /home, /root");
	/* Unreadable (here: a directory) under /root: the read error, then why. */
	expect_hint("/root/.", tl_write("config", "", 0600), NULL, "not a regular file",
	    "ProtectHome=yes");
	/* The CLI's defaults with a dynamic user's HOME. */
	expect_hint(NULL, NULL, env_root, "//.aws/credentials (no such file)",
	    "HOME is / (a service's dynamic user");
	/* Anywhere else: the plain message, no hint. */
	tl_opts(&o, env_tmp);
	o.source = CREDS_SOURCE_PROFILE;
	o.credentials_file = tl_write("credentials", "", 0600);
	o.config_file = tl_write("config", "", 0600);
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), -1);
	ck_assert_msg(strstr(e.msg, "profile default not found in ") != NULL, "%s", e.msg);
	ck_assert_msg(strstr(e.msg, "no such file") == NULL && strchr(e.msg, ';') == NULL,
	    "%s", e.msg);
	creds_provider_free(p);
}
END_TEST

START_TEST(test_profiles_static_and_merging)
{
	const char *const env_prof[] = { "AWS_PROFILE=prod", "AWS_ACCESS_KEY_ID=AKIDENVWINS",
		"AWS_SECRET_ACCESS_KEY=envSecret0123", NULL };
	const char *const env_prof_only[] = { "AWS_PROFILE=prod", NULL };
	struct aws_credentials c;
	struct creds_provider *p;
	struct err e;

	tl_mkdir();
	expect_profile("default", "AKIDDEFAULT", "defaultSecret0123", NULL, "profile default");
	/* Both files define dev: the credentials file wins per key, config fills the rest. */
	expect_profile("dev", "AKIDDEVCRED", "devSecretFromCredentials", "devTokenFromConfig",
	    "profile dev");
	/* [profile prod] in config is prod; in the credentials file it is "profile prod". */
	expect_profile("prod", "AKIDPROD", "prodSecret0123", NULL, "profile prod");
	expect_profile("self", "ASIASelf1", "stsSecretForSelfNumber1EXAMPLEKEY",
	    "stsSessionTokenForSelfNumber1EXAMPLE", "assume-role profile self");
	ck_assert_str_eq(tl_sts.caller[0], "AKIDSELF");
	/* [plain] in config is not a profile. */
	expect_profile_error("plain", "profile plain not found in");
	expect_profile_error("nothere", "profile nothere not found in");
	expect_profile_error("halfkey", "profile halfkey: aws_access_key_id without aws_secret_access_key");

	/* AWS_PROFILE picks the profile, but environment keys still come first (CLI rule). */
	ck_assert_ptr_nonnull(p = files_provider(NULL, env_prof, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), 0);
	ck_assert_str_eq(c.access_key_id, "AKIDENVWINS");
	aws_credentials_clear(&c);
	creds_provider_free(p);
	ck_assert_ptr_nonnull(p = files_provider(NULL, env_prof_only, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), 0);
	ck_assert_str_eq(c.access_key_id, "AKIDPROD");
	aws_credentials_clear(&c);
	creds_provider_free(p);
	/* An explicit profile outranks environment keys (aws --profile). */
	ck_assert_ptr_nonnull(p = files_provider("dev", env_prof, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), 0);
	ck_assert_str_eq(c.access_key_id, "AKIDDEVCRED");
	aws_credentials_clear(&c);
	creds_provider_free(p);
	/* A profile with only a region lets the chain go on (to metadata, closed here). */
	expect_profile_error("regiononly", "no AWS credentials found");
	tl_rmdir();
}
END_TEST

START_TEST(test_profiles_role_chain)
{
	tl_mkdir();
	expect_profile("top", "ASIATop2", "stsSecretForTopNumber2EXAMPLEKEY",
	    "stsSessionTokenForTopNumber2EXAMPLE", "assume-role profile top");
	ck_assert_int_eq(tl_sts.calls, 2);
	/* base's keys assume Middle, whose session assumes Top. */
	ck_assert_int_eq(tl_sts.op[0], CREDS_STS_ASSUME_ROLE);
	ck_assert_str_eq(tl_sts.role[0], "arn:aws:iam::222233334444:role/Middle");
	ck_assert_str_eq(tl_sts.caller[0], "AKIDBASE");
	ck_assert_str_eq(tl_sts.external_id[0], "ext-middle");
	ck_assert_int_eq(tl_sts.duration[0], 0);
	ck_assert_int_eq(strncmp(tl_sts.session[0], "passrole-auditd-", 16), 0);
	ck_assert_str_eq(tl_sts.role[1], "arn:aws:iam::333344445555:role/Top");
	ck_assert_str_eq(tl_sts.caller[1], "ASIAMiddle1");
	ck_assert_str_eq(tl_sts.session[1], "top-session");
	ck_assert_str_eq(tl_sts.external_id[1], "");
	ck_assert_int_eq(tl_sts.duration[1], 1800);
	ck_assert_str_eq(tl_sts.endpoint[1], "https://sts.us-east-1.amazonaws.com");
	tl_rmdir();
}
END_TEST

START_TEST(test_profiles_loop_and_bad_settings)
{
	const char *const env[] = { "AWS_ACCESS_KEY_ID=AKIDENV", "AWS_SECRET_ACCESS_KEY=envSecret0123",
		"AWS_REGION=eu-north-1", NULL };
	struct aws_credentials c;
	struct creds_provider *p;
	struct err e;

	tl_mkdir();
	expect_profile_error("loop-a",
	    "profiles form a source_profile loop: loop-a -> loop-b -> loop-c -> loop-a");
	ck_assert_int_eq(tl_sts.calls, 0);
	expect_profile_error("both", "source_profile and credential_source are both set");
	expect_profile_error("badsource", "credential_source 'Somewhere' of profile badsource is not");
	expect_profile_error("badsource", "/config:47: credential_source");
	expect_profile_error("nosource", "role_arn needs source_profile, credential_source");
	expect_profile_error("missingsource", "source_profile 'ghost' of profile missingsource does not exist");
	expect_profile_error("baddur", "duration_seconds '60' of profile baddur");
	expect_profile_error("sso", "profile sso: IAM Identity Center (SSO) profiles are not supported");
	expect_profile("regional", "ASIARegional1", "stsSecretForRegionalNumber1EXAMPLEKEY",
	    "stsSessionTokenForRegionalNumber1EXAMPLE", "assume-role profile regional");
	ck_assert_str_eq(tl_sts.endpoint[0], "https://sts.eu-west-3.amazonaws.com");
	expect_profile_error("fromenv", "credential_source Environment: environment: AWS_ACCESS_KEY_ID");

	ck_assert_ptr_nonnull(p = files_provider("fromenv", env, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), 0);
	ck_assert_str_eq(c.source, "assume-role profile fromenv");
	ck_assert_str_eq(tl_sts.caller[0], "AKIDENV");
	ck_assert_str_eq(tl_sts.endpoint[0], "https://sts.eu-north-1.amazonaws.com");
	aws_credentials_clear(&c);
	creds_provider_free(p);

	/* An STS refusal is an error naming the profile. */
	ck_assert_ptr_nonnull(p = files_provider("middle", NULL, &e));
	tl_sts.fail = 1;
	ck_assert_int_eq(creds_provider_get(p, &c, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "profile middle: sts:AssumeRole (role "
	    "arn:aws:iam::222233334444:role/Middle): AccessDenied"));
	creds_provider_free(p);
	tl_rmdir();
}
END_TEST

START_TEST(test_files_bad_syntax_and_permissions)
{
	struct aws_credentials c;
	struct creds_provider *p;
	struct creds_opts o;
	struct err e;
	char *log;
	const char *path;

	tl_mkdir();
	tl_opts(&o, NULL);
	o.credentials_file = tl_write("credentials", "[default]\naws_access_key_id AKID\n", 0600);
	o.config_file = tl_write("config", "", 0600);
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "/credentials:2: expected 'key = value'"));
	creds_provider_free(p);

	/* World-readable credentials: used, with a warning naming the file. */
	path = tl_write("credentials", cred_file, 0644);
	o.credentials_file = path;
	tl_log_start();
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), 0);
	log = tl_log_stop();
	ck_assert_msg(strstr(log, path) != NULL && strstr(log, "readable by other users") != NULL &&
	    strstr(log, "warning:") != NULL, "log: %s", log);
	free(log);
	aws_credentials_clear(&c);
	creds_provider_free(p);

	/* HOME decides the default paths. */
	{
		char home[600], env0[700];
		const char *env[2] = { env0, NULL };

		snprintf(home, sizeof(home), "%s/home", tl_dir);
		mkdir(home, 0700);
		snprintf(home, sizeof(home), "%s/home/.aws", tl_dir);
		mkdir(home, 0700);
		tl_write("home/.aws/credentials", cred_file, 0600);
		snprintf(env0, sizeof(env0), "HOME=%s/home", tl_dir);
		tl_opts(&o, env);
		o.profile = "base";
		ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
		ck_assert_int_eq(creds_provider_get(p, &c, &e), 0);
		ck_assert_str_eq(c.access_key_id, "AKIDBASE");
		ck_assert_str_eq(c.session_token, "baseToken0123");
		aws_credentials_clear(&c);
		creds_provider_free(p);
	}
	tl_rmdir();
}
END_TEST

/* ---------- credential_process ---------- */

static int
process_get(const char *cmd, long timeout_ms, struct aws_credentials *c, struct err *e)
{
	char conf[9000];
	struct creds_provider *p;
	struct creds_opts o;
	int rc;

	snprintf(conf, sizeof(conf), "[profile proc]\ncredential_process = %s\n", cmd);
	tl_opts(&o, NULL);
	o.credentials_file = tl_write("credentials", "", 0600);
	o.config_file = tl_write("config", conf, 0600);
	o.profile = "proc";
	o.process_timeout_ms = timeout_ms;
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, e));
	rc = creds_provider_get(p, c, e);
	creds_provider_free(p);
	return rc;
}

START_TEST(test_process_ok_and_static)
{
	struct aws_credentials c;
	struct err e;
	char cmd[1024];
	time_t exp;

	tl_mkdir();
	snprintf(cmd, sizeof(cmd), "/bin/sh %s/tests/credentials/process_ok.sh someone",
	    tl_srcdir());
	ck_assert_msg(process_get(cmd, 10000, &c, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(c.access_key_id, "AKIDPROCESSEXAMPLE");
	ck_assert_str_eq(c.secret_access_key, "processSecretKeyEXAMPLE0123456789abcdef");
	ck_assert_str_eq(c.session_token, "processSessionTokenEXAMPLE0123456789abcdef");
	creds_time_parse("2099-12-31T23:59:59Z", &exp);
	ck_assert_int_eq((long long)c.expiration, (long long)exp);
	ck_assert_str_eq(c.source, "process profile proc");
	aws_credentials_clear(&c);

	snprintf(cmd, sizeof(cmd), "/bin/sh %s/tests/credentials/process_static.sh", tl_srcdir());
	ck_assert_msg(process_get(cmd, 10000, &c, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(c.access_key_id, "AKIDSTATICPROCESS");
	ck_assert_ptr_null(c.session_token);
	ck_assert_int_eq((long long)c.expiration, 0);
	aws_credentials_clear(&c);
	tl_rmdir();
}
END_TEST

START_TEST(test_process_failures)
{
	static const struct { const char *script, *msg; } cases[] = {
		{ "process_badjson.sh", "credential_process of profile proc: not a JSON object" },
		{ "process_noversion.sh", "\"Version\" is missing" },
		{ "process_fail.sh", "exited with status 3 (stderr: 87 bytes, first line: \"error: token **** rejected\")" },
		{ "process_expired.sh", "credentials from process profile proc expired at 2001-01-01T00:00:00Z" },
	};
	struct aws_credentials c;
	struct err e;
	char cmd[1024];
	size_t i;

	tl_mkdir();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(cmd, sizeof(cmd), "/bin/sh %s/tests/credentials/%s", tl_srcdir(),
		    cases[i].script);
		ck_assert_int_eq(process_get(cmd, 10000, &c, &e), -1);
		ck_assert_msg(strstr(e.msg, cases[i].msg) != NULL, "%s: %s", cases[i].script, e.msg);
		ck_assert_ptr_null(strstr(e.msg, "wJalrXUtnFEMIK7MDENGbPxRfiCYSTDERRSECRET"));
		ck_assert_ptr_null(strstr(e.msg, "second line"));
		ck_assert_ptr_null(c.access_key_id);
	}
	ck_assert_int_eq(process_get("/nonexistent/helper --x", 10000, &c, &e), -1);
	ck_assert_msg(strstr(e.msg, "cannot run '/nonexistent/helper': No such file") != NULL, "%s", e.msg);
	ck_assert_int_eq(process_get("'unbalanced", 10000, &c, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "profile proc: credential_process has an unclosed"));
	tl_rmdir();
}
END_TEST

START_TEST(test_process_timeout_kills)
{
	struct aws_credentials c;
	struct timespec t0, t1;
	struct err e;
	char cmd[1024];
	double secs;

	tl_mkdir();
	snprintf(cmd, sizeof(cmd), "/bin/sh %s/tests/credentials/process_sleep.sh", tl_srcdir());
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(process_get(cmd, 300, &c, &e), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ck_assert_msg(strstr(e.msg, "no answer within 300 ms; the process was killed") != NULL, "%s", e.msg);
	/* The script sleeps 30 s; a generous bound still proves it was killed. */
	ck_assert_msg(secs < 10.0, "took %.2f s", secs);
	tl_rmdir();
}
END_TEST

START_TEST(test_process_no_shell)
{
	struct aws_credentials c;
	struct err e;
	char cmd[2048], out[600], marker[600], env0[700];
	struct buf b = BUF_INIT;
	struct stat st;

	tl_mkdir();
	snprintf(out, sizeof(out), "%s/args.txt", tl_dir);
	snprintf(marker, sizeof(marker), "%s/pwned", tl_dir);
	snprintf(env0, sizeof(env0), "CREDS_ARGS_OUT=%s", out);
	putenv(env0);	/* the child inherits this process's environment here */
	snprintf(cmd, sizeof(cmd), "/bin/sh %s/tests/credentials/process_args.sh "
	    "'a;b' \"$(touch %s)\" `touch %s` x|y \"two words\" *", tl_srcdir(), marker, marker);
	ck_assert_msg(process_get(cmd, 10000, &c, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(c.access_key_id, "AKIDARGS");
	aws_credentials_clear(&c);
	ck_assert_int_eq(creds_read_file(out, 65536, false, false, &b, &e), 0);
	snprintf(cmd, sizeof(cmd), "a;b\n$(touch %s)\n`touch\n%s`\nx|y\ntwo words\n*\n", marker, marker);
	ck_assert_str_eq(b.data, cmd);
	ck_assert_int_eq(stat(marker, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
	buf_free(&b);
	unsetenv("CREDS_ARGS_OUT");
	tl_rmdir();
}
END_TEST

/* ---------- web identity (STS injected) ---------- */

START_TEST(test_web_identity_env)
{
	char env0[700];
	const char *env[5] = { env0, "AWS_ROLE_ARN=arn:aws:iam::111122223333:role/Web",
		"AWS_ROLE_SESSION_NAME=pod-1", "HOME=/nonexistent", NULL };
	const char *env_half[3] = { "AWS_ROLE_ARN=arn:aws:iam::111122223333:role/Web",
		"HOME=/nonexistent", NULL };
	struct aws_credentials c;
	struct creds_provider *p;
	struct creds_opts o;
	struct err e;
	const char *tok;

	tl_mkdir();
	tok = tl_write("token.jwt", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwb2QifQ.c2lnbmF0dXJl\n", 0600);
	snprintf(env0, sizeof(env0), "AWS_WEB_IDENTITY_TOKEN_FILE=%s", tok);
	tl_opts(&o, env);
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_msg(creds_provider_get(p, &c, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(c.source, "web-identity");
	ck_assert_str_eq(c.access_key_id, "ASIAWeb1");
	ck_assert_int_eq(tl_sts.op[0], CREDS_STS_ASSUME_ROLE_WITH_WEB_IDENTITY);
	ck_assert_str_eq(tl_sts.token[0], "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwb2QifQ.c2lnbmF0dXJl");
	ck_assert_str_eq(tl_sts.session[0], "pod-1");
	ck_assert_str_eq(tl_sts.caller[0], "");
	aws_credentials_clear(&c);
	creds_provider_free(p);

	tl_opts(&o, env_half);
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not"));
	creds_provider_free(p);
	tl_rmdir();
}
END_TEST

/* ---------- caching ---------- */

START_TEST(test_cache_refresh_window_and_invalidate)
{
	struct aws_credentials c;
	struct creds_provider *p;
	struct err e;
	time_t t0 = tl_now;

	tl_mkdir();
	ck_assert_ptr_nonnull(p = files_provider("middle", NULL, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), 0);	/* expires t0 + 3600 */
	ck_assert_str_eq(c.access_key_id, "ASIAMiddle1");
	aws_credentials_clear(&c);
	ck_assert_uint_eq(creds_provider_fetches(p), 1);
	tl_now = t0 + 2999;	/* 601 s left: outside the 600 s window */
	ck_assert_int_eq(creds_provider_get(p, &c, &e), 0);
	ck_assert_str_eq(c.access_key_id, "ASIAMiddle1");
	aws_credentials_clear(&c);
	ck_assert_int_eq(tl_sts.calls, 1);
	tl_now = t0 + 3001;	/* near expiry: refreshed before use */
	ck_assert_int_eq(creds_provider_get(p, &c, &e), 0);
	ck_assert_str_eq(c.access_key_id, "ASIAMiddle2");
	aws_credentials_clear(&c);
	ck_assert_int_eq(tl_sts.calls, 2);

	/* invalidate: exactly one refresh, then the cache serves again. */
	creds_provider_invalidate(p);
	ck_assert_int_eq(creds_provider_get(p, &c, &e), 0);
	ck_assert_str_eq(c.access_key_id, "ASIAMiddle3");
	aws_credentials_clear(&c);
	ck_assert_int_eq(creds_provider_get(p, &c, &e), 0);
	ck_assert_str_eq(c.access_key_id, "ASIAMiddle3");
	aws_credentials_clear(&c);
	ck_assert_int_eq(tl_sts.calls, 3);
	ck_assert_uint_eq(creds_provider_fetches(p), 3);

	/* A failed early refresh keeps the valid credentials... */
	tl_now += 3100;
	tl_sts.fail = 1;
	ck_assert_int_eq(creds_provider_get(p, &c, &e), 0);
	ck_assert_str_eq(c.access_key_id, "ASIAMiddle3");
	aws_credentials_clear(&c);
	/* ...but not once they are invalidated or expired. */
	creds_provider_invalidate(p);
	ck_assert_int_eq(creds_provider_get(p, &c, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "AccessDenied"));
	tl_sts.fail = 0;
	ck_assert_int_eq(creds_provider_get(p, &c, &e), 0);
	aws_credentials_clear(&c);
	tl_sts.fail = 1;
	tl_now += 3600;
	ck_assert_int_eq(creds_provider_get(p, &c, &e), -1);
	creds_provider_free(p);
	tl_now = t0;
	tl_rmdir();
}
END_TEST

START_TEST(test_short_lived_credentials_not_refetched_each_call)
{
	struct aws_credentials c;
	struct creds_provider *p;
	struct err e;
	time_t t0 = tl_now;
	int i;

	tl_mkdir();
	ck_assert_ptr_nonnull(p = files_provider("middle", NULL, &e));
	tl_sts.lifetime_s = 300;	/* less than the refresh window */
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(creds_provider_get(p, &c, &e), 0);
		aws_credentials_clear(&c);
	}
	ck_assert_int_eq(tl_sts.calls, 1);
	tl_now = t0 + 151;	/* past half of the life left */
	ck_assert_int_eq(creds_provider_get(p, &c, &e), 0);
	aws_credentials_clear(&c);
	ck_assert_int_eq(tl_sts.calls, 2);
	creds_provider_free(p);
	tl_now = t0;
	tl_rmdir();
}
END_TEST

START_TEST(test_assume_role_provider)
{
	const char *const env[] = { "AWS_ACCESS_KEY_ID=AKIDMGMT", "AWS_SECRET_ACCESS_KEY=mgmtSecret0123",
		NULL };
	struct creds_provider *base, *member;
	struct aws_credentials c;
	struct creds_opts o;
	struct err e;

	tl_opts(&o, env);
	ck_assert_ptr_nonnull(base = creds_provider_new(&o, &e));
	ck_assert_ptr_null(creds_provider_assume_role(base, "not-an-arn", NULL, NULL, 0, &o, &e));
	ck_assert_ptr_null(creds_provider_assume_role(base, "arn:aws:iam::444455556666:role/Audit",
	    NULL, NULL, 60, &o, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "outside 900..43200"));
	member = creds_provider_assume_role(base, "arn:aws:iam::444455556666:role/Audit",
	    "audit-run", "ext-1", 3600, &o, &e);
	ck_assert_ptr_nonnull(member);
	ck_assert_int_eq(creds_provider_get(member, &c, &e), 0);
	ck_assert_str_eq(c.source, "assume-role Audit");
	ck_assert_str_eq(c.access_key_id, "ASIAAudit1");
	ck_assert_str_eq(tl_sts.caller[0], "AKIDMGMT");
	ck_assert_str_eq(tl_sts.session[0], "audit-run");
	ck_assert_str_eq(tl_sts.external_id[0], "ext-1");
	ck_assert_int_eq(tl_sts.duration[0], 3600);
	aws_credentials_clear(&c);

	/* ExpiredToken from the base session: the base is refreshed and the call retried once. */
	creds_provider_invalidate(member);
	tl_sts.fail_with_expired = 1;
	ck_assert_int_eq(creds_provider_get(member, &c, &e), 0);
	ck_assert_int_eq(tl_sts.calls, 3);
	ck_assert_uint_eq(creds_provider_fetches(base), 2);
	aws_credentials_clear(&c);
	creds_provider_free(member);
	creds_provider_free(base);
}
END_TEST

START_TEST(test_config_file_privacy_only_with_keys)
{
	struct aws_credentials c;
	struct creds_provider *p;
	struct creds_opts o;
	struct err e;
	const char *conf;
	char *log;

	tl_mkdir();
	tl_opts(&o, NULL);
	o.credentials_file = tl_write("credentials", "", 0600);
	o.profile = "prod";
	/* Settings only: a readable config file is normal. */
	conf = tl_write("config-settings", "[profile prod]\nregion = eu-west-1\n"
	    "credential_process = /bin/true\n", 0644);
	o.config_file = conf;
	tl_log_start();
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), -1);
	creds_provider_free(p);
	log = tl_log_stop();
	ck_assert_msg(strstr(log, "readable by") == NULL, "%s", log);
	free(log);
	/* Keys in the config file: the same warning as for the credentials file. */
	conf = tl_write("config-keys", conf_file, 0640);
	o.config_file = conf;
	tl_log_start();
	ck_assert_ptr_nonnull(p = creds_provider_new(&o, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), 0);
	aws_credentials_clear(&c);
	creds_provider_free(p);
	log = tl_log_stop();
	ck_assert_msg(strstr(log, conf) != NULL && strstr(log, "readable by its group") != NULL,
	    "%s", log);
	free(log);
	tl_rmdir();
}
END_TEST

struct thread_arg {
	struct creds_provider *p;
	int ok;
};

static void *
getter_thread(void *v)
{
	struct thread_arg *a = v;
	struct aws_credentials c;
	struct err e;
	int i;

	for (i = 0; i < 50; i++) {
		if (creds_provider_get(a->p, &c, &e) != 0)
			return NULL;
		if (strcmp(c.access_key_id, "ASIAMiddle1") == 0)
			a->ok++;
		aws_credentials_clear(&c);
	}
	return NULL;
}

START_TEST(test_threads_share_one_fetch)
{
	struct thread_arg args[4];
	pthread_t th[4];
	struct creds_provider *p;
	struct err e;
	int i;

	tl_mkdir();
	ck_assert_ptr_nonnull(p = files_provider("middle", NULL, &e));
	for (i = 0; i < 4; i++) {
		args[i].p = p;
		args[i].ok = 0;
		ck_assert_int_eq(pthread_create(&th[i], NULL, getter_thread, &args[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ck_assert_int_eq(args[i].ok, 50);
	}
	ck_assert_int_eq(tl_sts.calls, 1);
	creds_provider_free(p);
	tl_rmdir();
}
END_TEST

START_TEST(test_cached_secrets_registered_with_scrubber)
{
	struct aws_credentials c;
	struct creds_provider *p;
	struct err e;
	char *log;

	tl_mkdir();
	ck_assert_ptr_nonnull(p = files_provider("base", NULL, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), 0);
	aws_credentials_clear(&c);
	tl_log_start();
	/* A secret that slips into a message (a server echoing it, say). */
	log_info("echo baseSecret0123 and baseToken0123");
	creds_provider_free(p);
	log_info("after: baseSecret0123");
	log = tl_log_stop();
	ck_assert_msg(strstr(log, "echo **** and ****") != NULL, "%s", log);
	/* Removed from the table once no longer cached. */
	ck_assert_msg(strstr(log, "after: baseSecret0123") != NULL, "%s", log);
	free(log);
	tl_rmdir();
}
END_TEST

/* ---------- secrets never logged ---------- */

START_TEST(test_debug_log_never_shows_secrets)
{
	static const char *const secrets[] = {
		"baseSecret0123", "baseToken0123", "stsSecretForMiddleNumber1EXAMPLEKEY",
		"stsSessionTokenForMiddleNumber1EXAMPLE", "stsSecretForTopNumber2EXAMPLEKEY",
		"stsSessionTokenForTopNumber2EXAMPLE", "processSecretKeyEXAMPLE0123456789abcdef",
		"processSessionTokenEXAMPLE0123456789abcdef", "wJalrXUtnFEMIK7MDENGbPxRfiCYSTDERRSECRET",
	};
	struct aws_credentials c;
	struct creds_provider *p;
	struct err e;
	char cmd[1024];
	char *log;
	size_t i;

	tl_mkdir();
	tl_log_start();
	/* A full role chain, a refresh, an invalidation and failures, at debug level. */
	ck_assert_ptr_nonnull(p = files_provider("top", NULL, &e));
	ck_assert_int_eq(creds_provider_get(p, &c, &e), 0);
	log_debug("client signed with %s", c.access_key_id);
	aws_credentials_clear(&c);
	creds_provider_invalidate(p);
	ck_assert_int_eq(creds_provider_get(p, &c, &e), 0);
	aws_credentials_clear(&c);
	creds_provider_free(p);
	snprintf(cmd, sizeof(cmd), "/bin/sh %s/tests/credentials/process_ok.sh", tl_srcdir());
	ck_assert_int_eq(process_get(cmd, 10000, &c, &e), 0);
	aws_credentials_clear(&c);
	snprintf(cmd, sizeof(cmd), "/bin/sh %s/tests/credentials/process_fail.sh", tl_srcdir());
	ck_assert_int_eq(process_get(cmd, 10000, &c, &e), -1);
	log_error("%s", e.msg);
	log = tl_log_stop();
	ck_assert_ptr_nonnull(strstr(log, "AWS credentials from assume-role profile top"));
	ck_assert_ptr_nonnull(strstr(log, "debug: assuming role arn:aws:iam::333344445555:role/Top"));
	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		ck_assert_msg(strstr(log, secrets[i]) == NULL, "secret %zu in log:\n%s", i, log);
	free(log);
	tl_rmdir();
}
END_TEST

static Suite *
creds_suite(void)
{
	Suite *s = suite_create("creds");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ini_profiles_comments_nested);
	tcase_add_test(tc, test_ini_errors_name_file_and_line);
	tcase_add_test(tc, test_ini_bounds);
	tcase_add_test(tc, test_time_parse);
	tcase_add_test(tc, test_json_metadata_samples);
	tcase_add_test(tc, test_imds_role_name);
	tcase_add_test(tc, test_json_null_is_absent);
	tcase_add_test(tc, test_json_rejects);
	tcase_add_test(tc, test_process_split_like_posix_shell);
	tcase_add_test(tc, test_safe_excerpt);
	tcase_add_test(tc, test_sts_parse_recorded_and_errors);
	tcase_add_test(tc, test_sts_form);
	tcase_add_test(tc, test_environment_source);
	tcase_add_test(tc, test_imds_endpoint_plain_http_refused);
	tcase_add_test(tc, test_static_source);
	tcase_add_test(tc, test_profiles_static_and_merging);
	tcase_add_test(tc, test_profiles_service_hints);
	tcase_add_test(tc, test_profiles_role_chain);
	tcase_add_test(tc, test_profiles_loop_and_bad_settings);
	tcase_add_test(tc, test_files_bad_syntax_and_permissions);
	tcase_add_test(tc, test_process_ok_and_static);
	tcase_add_test(tc, test_process_failures);
	tcase_add_test(tc, test_process_timeout_kills);
	tcase_add_test(tc, test_process_no_shell);
	tcase_add_test(tc, test_web_identity_env);
	tcase_add_test(tc, test_cache_refresh_window_and_invalidate);
	tcase_add_test(tc, test_short_lived_credentials_not_refetched_each_call);
	tcase_add_test(tc, test_assume_role_provider);
	tcase_add_test(tc, test_debug_log_never_shows_secrets);
	tcase_add_test(tc, test_config_file_privacy_only_with_keys);
	tcase_add_test(tc, test_threads_share_one_fetch);
	tcase_add_test(tc, test_cached_secrets_registered_with_scrubber);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_main(creds_suite());
}
