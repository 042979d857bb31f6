/* Unit tests of the config schema engine and the daemon's settings. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "conf.h"
#include "confschema.h"
#include "log.h"

#include "checkmain.h"

static char tmpdir[64];
static char cfgpath[128];

static void
setup(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/cfgtestXXXXXX",
	    base != NULL && strlen(base) < 40 ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(cfgpath, sizeof(cfgpath), "%s/t.conf", tmpdir);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_ge(fputs(text, fp), 0);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
}

/* Load text as the config file; the diag is the caller's to free. */
static int
load(const char *text, struct config *c, struct confdiag *d)
{
	write_file(cfgpath, text, 0600);
	return config_load(c, cfgpath, d);
}

/* Assert that problem idx is "<cfgpath>:<line>: <rest>". */
static void
expect_problem(const struct confdiag *d, size_t idx, int line, const char *rest)
{
	char want[1024];

	ck_assert_uint_gt(d->n, idx);
	if (line > 0)
		snprintf(want, sizeof(want), "%s:%d: %s", cfgpath, line, rest);
	else
		snprintf(want, sizeof(want), "%s: %s", cfgpath, rest);
	ck_assert_str_eq(d->msgs[idx], want);
}

/* Load text, expect exactly one problem. */
static void
expect_one(const char *text, int line, const char *rest)
{
	struct config c;
	struct confdiag d = CONFDIAG_INIT;

	ck_assert_int_eq(load(text, &c, &d), -1);
	ck_assert_uint_eq(d.n, 1);
	expect_problem(&d, 0, line, rest);
	config_free(&c);
	confdiag_free(&d);
}

static void
expect_ok(const char *text)
{
	struct config c;
	struct confdiag d = CONFDIAG_INIT;
	int rc = load(text, &c, &d);

	if (rc != 0)
		ck_abort_msg("unexpected problem: %s", d.n > 0 ? d.msgs[0] : "?");
	ck_assert_uint_eq(d.n, 0);
	config_free(&c);
	confdiag_free(&d);
}

/* Print c to a string (caller frees). */
static char *
printed(const struct config *c)
{
	char *s = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&s, &n);

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(config_print(c, fp), 0);
	ck_assert_int_eq(fclose(fp), 0);
	return s;
}

/* Run fn with the log captured; returns what was logged (caller frees). */
static char *
logged_load(const char *text, mode_t mode, struct config *c, int *rc)
{
	struct confdiag d = CONFDIAG_INIT;
	char *s = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&s, &n);

	ck_assert_ptr_nonnull(fp);
	log_set_stream(fp);
	write_file(cfgpath, text, mode);
	*rc = config_load(c, cfgpath, &d);
	log_set_stream(NULL);
	ck_assert_int_eq(fclose(fp), 0);
	confdiag_free(&d);
	return s;
}

/* ---- defaults and the table ------------------------------------------ */

START_TEST(test_schema_selfcheck)
{
	struct err e;

	if (confschema_selfcheck(config_schema(), &e) != 0)
		ck_abort_msg("%s", e.msg);
}
END_TEST

START_TEST(test_defaults)
{
	struct config c;
	struct err e;
	char *s;

	ck_assert_int_eq(config_defaults(&c, &e), 0);
	ck_assert_int_eq(c.log_level, LOG_LVL_INFO);
	ck_assert_str_eq(c.state_dir, LOCALSTATEDIR "/lib/passrole-auditd");
	ck_assert_int_eq(c.aws.partition, CONFIG_PARTITION_AWS);
	ck_assert_str_eq(c.aws.region, "us-east-1");
	ck_assert_ptr_null(c.aws.ca_bundle);
	ck_assert(!c.aws.insecure_loopback_tls);
	ck_assert_int_eq(c.aws.connect_timeout, 10);
	ck_assert_int_eq(c.aws.request_timeout, 60);
	ck_assert_int_eq(c.aws.max_response_mib, 64);
	ck_assert_int_eq(c.aws.credentials.source, CONFIG_CRED_AUTO);
	ck_assert_ptr_null(c.aws.credentials.access_key_id);
	ck_assert_ptr_null(config_secret_access_key(&c));
	ck_assert_ptr_null(c.aws.endpoints.sts);
	ck_assert_int_eq(c.aws.retry.max_attempts, 5);
	ck_assert_int_eq(c.aws.retry.base_delay_ms, 100);
	ck_assert_int_eq(c.aws.retry.max_delay_ms, 20000);
	ck_assert_int_eq(c.aws.retry.budget_s, 120);
	s = printed(&c);
	ck_assert_ptr_nonnull(strstr(s, "log_level = \"info\";\n"));
	ck_assert_ptr_nonnull(strstr(s, "  retry = {\n    max_attempts = 5;\n    base_delay_ms = 100;\n"
	    "    max_delay_ms = 20000;\n"));
	ck_assert_ptr_nonnull(strstr(s, "\naws = {\n"));
	ck_assert_ptr_nonnull(strstr(s, "\n  insecure_loopback_tls = false;\n"));
	ck_assert_ptr_nonnull(strstr(s, "\n  # ca_bundle is not set\n"));
	/* libconfig names have no dots: a dotted path is not a setting. */
	ck_assert_ptr_null(strstr(s, "aws."));
	free(s);
	config_free(&c);
}
END_TEST

START_TEST(test_empty_file_is_defaults)
{
	struct config c, dflt;
	struct confdiag d = CONFDIAG_INIT;
	struct err e;
	char *a, *b;

	ck_assert_int_eq(load("# nothing\n", &c, &d), 0);
	ck_assert_int_eq(config_defaults(&dflt, &e), 0);
	a = printed(&c);
	b = printed(&dflt);
	ck_assert_str_eq(a, b);
	ck_assert_str_eq(c.path, cfgpath);
	free(a);
	free(b);
	config_free(&c);
	config_free(&dflt);
	confdiag_free(&d);
}
END_TEST

START_TEST(test_values_are_stored)
{
	struct config c;
	char *log;
	int rc;

	log = logged_load(
	    "log_level = \"debug\";\n"
	    "state_dir = \"/srv/pra\";\n"
	    "aws = {\n"
	    "  partition = \"aws-us-gov\"; region = \"us-gov-west-1\";\n"
	    "  insecure_loopback_tls = true; connect_timeout = 0x1e;\n"
	    "  request_timeout = 3600; max_response_mib = 1;\n"
	    "  endpoints = { sts = \"http://127.0.0.1:8080/\"; iam = \"https://[::1]:1/x\"; };\n"
	    "  retry = { max_attempts = 20; base_delay_ms = 1; max_delay_ms = 300000; budget_s = 1; };\n"
	    "};\n", 0600, &c, &rc);
	ck_assert_int_eq(rc, 0);
	/* Loud about insecure_loopback_tls, and the endpoints are loopback. */
	ck_assert_ptr_nonnull(strstr(log, "aws.insecure_loopback_tls is on"));
	ck_assert_ptr_null(strstr(log, "is not a loopback host"));
	free(log);
	ck_assert_int_eq(c.log_level, LOG_LVL_DEBUG);
	ck_assert_str_eq(c.state_dir, "/srv/pra");
	ck_assert_int_eq(c.aws.partition, CONFIG_PARTITION_AWS_US_GOV);
	ck_assert_str_eq(config_partition_name(c.aws.partition), "aws-us-gov");
	ck_assert_str_eq(config_cred_source_name(c.aws.credentials.source), "auto");
	ck_assert_str_eq(c.aws.region, "us-gov-west-1");
	ck_assert(c.aws.insecure_loopback_tls);
	ck_assert_int_eq(c.aws.connect_timeout, 30);
	ck_assert_int_eq(c.aws.request_timeout, 3600);
	ck_assert_int_eq(c.aws.max_response_mib, 1);
	ck_assert_str_eq(c.aws.endpoints.sts, "http://127.0.0.1:8080/");
	ck_assert_str_eq(c.aws.endpoints.iam, "https://[::1]:1/x");
	ck_assert_int_eq(c.aws.retry.max_attempts, 20);
	ck_assert_int_eq(c.aws.retry.max_delay_ms, 300000);
	config_free(&c);

	log = logged_load("aws = { insecure_loopback_tls = true;\n"
	    " endpoints = { ec2 = \"https://ec2.example.com\"; }; };\n", 0600, &c,
	    &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(log, "aws.endpoints.ec2 is not a loopback host"));
	free(log);
	config_free(&c);
}
END_TEST

/* ---- one kind of problem each ---------------------------------------- */

START_TEST(test_bad_types)
{
	expect_one("log_level = 3;\n", 1,
	    "log_level: expected a string, got an integer");
	expect_one("\naws = { connect_timeout = \"10\"; };\n", 2,
	    "aws.connect_timeout: expected an integer, got a string");
	expect_one("aws = { connect_timeout = 1.5; };\n", 1,
	    "aws.connect_timeout: expected an integer, got a float");
	expect_one("aws = { insecure_loopback_tls = 1; };\n", 1,
	    "aws.insecure_loopback_tls: expected true or false, got an integer");
	expect_one("aws = { retry = 5; };\n", 1,
	    "aws.retry: expected a group { ... }, got an integer");
	expect_one("aws = { region = [\"us-east-1\"]; };\n", 1,
	    "aws.region: expected a string, got an array");
	expect_one("aws = ( 1 );\n", 1,
	    "aws: expected a group { ... }, got a list");
}
END_TEST

START_TEST(test_unknown_settings_and_suggestions)
{
	expect_one("aws = {\n  regoin = \"us-east-1\";\n};\n", 2,
	    "aws.regoin: unknown setting; did you mean 'aws.region'?");
	expect_one("LOG_LEVEL = \"info\";\n", 1,
	    "LOG_LEVEL: unknown setting; did you mean 'log_level'?");
	/* Right name, wrong group. */
	expect_one("region = \"us-east-1\";\n", 1,
	    "region: unknown setting; did you mean 'aws.region'?");
	expect_one("aws = { retry = { max_atempts = 3; }; };\n", 1,
	    "aws.retry.max_atempts: unknown setting; did you mean "
	    "'aws.retry.max_attempts'?");
	/* Distance 3 is not a typo any more. */
	expect_one("aws = { rgn = \"x\"; };\n", 1, "aws.rgn: unknown setting");
	expect_one("frobnicate = 1;\n", 1, "frobnicate: unknown setting");
	/* Unknown groups are not descended into: one problem, not many. */
	expect_one("extra = { a = 1; b = 2; };\n", 1, "extra: unknown setting");
}
END_TEST

START_TEST(test_ranges)
{
	expect_one("aws = { connect_timeout = 0; };\n", 1,
	    "aws.connect_timeout: 0 is out of range 1..300");
	expect_one("aws = { connect_timeout = 301; };\n", 1,
	    "aws.connect_timeout: 301 is out of range 1..300");
	expect_ok("aws = { connect_timeout = 1; };\n");
	expect_ok("aws = { connect_timeout = 60; };\n");
	expect_one("aws = { retry = { max_attempts = 21; }; };\n", 1,
	    "aws.retry.max_attempts: 21 is out of range 1..20");
	expect_ok("aws = { retry = { max_attempts = 1; }; };\n");
	expect_one("aws = { max_response_mib = 1025; };\n", 1,
	    "aws.max_response_mib: 1025 is out of range 1..1024");
	expect_one("aws = { max_response_mib = -1; };\n", 1,
	    "aws.max_response_mib: -1 is out of range 1..1024");
	/* 64-bit integers (L suffix) are range-checked as 64-bit values. */
	expect_one("aws = { request_timeout = 4294967297L; };\n", 1,
	    "aws.request_timeout: 4294967297 is out of range 1..3600");
	expect_one("aws = { request_timeout = 3601L; };\n", 1,
	    "aws.request_timeout: 3601 is out of range 1..3600");
	/* libconfig 1.5 keeps a number without L in an int and saturates one
	 * past a long long, silently: the problem quotes the file's text,
	 * and a number that wraps into the range is not taken for it. */
	expect_one("daemon = { interval = 99999999999999999999; };\n", 1,
	    "daemon.interval: 99999999999999999999 is out of range 60..604800");
	expect_one("daemon = { interval = -99999999999999999999; };\n", 1,
	    "daemon.interval: -99999999999999999999 is out of range 60..604800");
	expect_one("daemon = { interval = 4294967356; };\n", 1,
	    "daemon.interval: 4294967356 is out of range 60..604800");
	expect_one("daemon = { interval = 0x1000000003C; };\n", 1,
	    "daemon.interval: 0x1000000003C is out of range 60..604800");
	expect_one("daemon = { interval = 600; jitter = 99999999999999999999L; };\n", 1,
	    "daemon.jitter: 99999999999999999999L is out of range 0..86400");
	expect_one("aws = { retry = {\n  max_attempts =\t4294967297 ; }; };\n", 2,
	    "aws.retry.max_attempts: 4294967297 is out of range 1..20");
	expect_ok("daemon = { interval = 0x258; jitter = 0; };\n");
	expect_ok("daemon = { interval = 600L; };\n");
}
END_TEST

START_TEST(test_enums)
{
	expect_one("log_level = \"verbose\";\n", 1,
	    "log_level: \"verbose\" is not one of error, warning, notice, info, debug");
	expect_one("log_level = \"DEBUG\";\n", 1,
	    "log_level: \"DEBUG\" is not one of error, warning, notice, info, debug; "
	    "did you mean \"debug\"?");
	expect_ok("log_level = \"error\";\n");
	expect_ok("log_level = \"debug\";\n");
	expect_one("aws = { partition = \"aws-iso\"; };\n", 1,
	    "aws.partition: \"aws-iso\" is not one of aws, aws-cn, aws-us-gov");
	expect_one("aws = { credentials = { source = \"sso\"; }; };\n", 1,
	    "aws.credentials.source: \"sso\" is not one of auto, static, environment, "
	    "profile, web_identity, ecs, imds");
	expect_ok("aws = { credentials = { source = \"imds\"; imds_v1_fallback = true; }; };\n");
	expect_ok("aws = { credentials = { source = \"profile\"; profile = \"audit\"; "
	    "config_file = \"/etc/aws/config\"; }; };\n");
	/* keys only make sense for static (or auto) credentials */
	expect_one("aws = { credentials = { source = \"profile\";\n access_key_id = \"AKIAIOSFODNN7EXAMPLE\"; }; };\n",
	    2, "aws.credentials.access_key_id: set, but source is \"profile\"; "
	    "remove it or use source = \"static\"");
}
END_TEST

START_TEST(test_string_checks)
{
	expect_one("aws = { region = \"useast1\"; };\n", 1,
	    "aws.region: \"useast1\": not a region name like \"us-east-1\"");
	expect_one("state_dir = \"var/lib\";\n", 1,
	    "state_dir: \"var/lib\": must be an absolute path");
	expect_one("aws = { endpoints = { iam = \"http://iam.example.com\"; }; };\n", 1,
	    "aws.endpoints.iam: \"http://iam.example.com\": http:// is only allowed "
	    "for a loopback host (127.0.0.1, [::1], localhost); use https://");
	expect_one("aws = { endpoints = { sts = \"ftp://x\"; }; };\n", 1,
	    "aws.endpoints.sts: \"ftp://x\": must start with https://");
	expect_one("aws = { ca_bundle = \"/nonexistent/ca.pem\"; };\n", 1,
	    "aws.ca_bundle: \"/nonexistent/ca.pem\": cannot read it: "
	    "No such file or directory");
	expect_one("aws = { credentials = { access_key_id = \"akia1234\"; }; };\n", 1,
	    "aws.credentials.access_key_id: \"akia1234\": an access key ID has "
	    "only A-Z and 0-9");
	expect_one("state_dir = \"/a\\nb\";\n", 1,
	    "state_dir: value contains a control character");
}
END_TEST

START_TEST(test_long_string_rejected)
{
	char *text = malloc(CONFSCHEMA_STRING_MAX + 64);
	char want[128];

	ck_assert_ptr_nonnull(text);
	strcpy(text, "state_dir = \"/");
	memset(text + strlen(text), 'a', CONFSCHEMA_STRING_MAX);
	strcpy(text + 14 + CONFSCHEMA_STRING_MAX, "\";\n");
	snprintf(want, sizeof(want), "state_dir: value is longer than %d bytes",
	    CONFSCHEMA_STRING_MAX);
	expect_one(text, 1, want);
	free(text);
}
END_TEST

START_TEST(test_parse_error)
{
	expect_one("aws = {\n  region = ;\n};\n", 2, "syntax error");
	expect_one("log_level = \"info\";\nlog_level = \"debug\";\n", 2,
	    "duplicate setting name");
}
END_TEST

START_TEST(test_missing_file)
{
	struct config c;
	struct confdiag d = CONFDIAG_INIT;
	char want[256];

	ck_assert_int_eq(config_load(&c, "/nonexistent/pra.conf", &d), -1);
	ck_assert_uint_eq(d.n, 1);
	snprintf(want, sizeof(want),
	    "/nonexistent/pra.conf: cannot read: No such file or directory");
	ck_assert_str_eq(d.msgs[0], want);
	config_free(&c);
	confdiag_free(&d);
}
END_TEST

START_TEST(test_several_problems_reported)
{
	struct config c;
	struct confdiag d = CONFDIAG_INIT;

	ck_assert_int_eq(load(
	    "log_level = \"loud\";\n"		/* 1 */
	    "aws = {\n"				/* 2 */
	    "  regoin = \"us-east-1\";\n"	/* 3 */
	    "  connect_timeout = 0;\n"		/* 4 */
	    "  retry = {\n"			/* 5 */
	    "    budget_s = \"long\";\n"	/* 6 */
	    "  };\n"				/* 7 */
	    "};\n"				/* 8 */
	    "bogus = true;\n",			/* 9 */
	    &c, &d), -1);
	ck_assert_uint_eq(d.n, 5);
	expect_problem(&d, 0, 1, "log_level: \"loud\" is not one of error, warning, "
	    "notice, info, debug");
	expect_problem(&d, 1, 3, "aws.regoin: unknown setting; did you mean "
	    "'aws.region'?");
	expect_problem(&d, 2, 4, "aws.connect_timeout: 0 is out of range 1..300");
	expect_problem(&d, 3, 6, "aws.retry.budget_s: expected an integer, got a "
	    "string");
	expect_problem(&d, 4, 9, "bogus: unknown setting");
	config_free(&c);
	confdiag_free(&d);
}
END_TEST

START_TEST(test_problem_cap)
{
	struct config c;
	struct confdiag d = CONFDIAG_INIT;
	char *text = malloc(200 * 16);
	size_t i, used = 0;

	ck_assert_ptr_nonnull(text);
	for (i = 0; i < 150; i++)
		used += (size_t)sprintf(text + used, "x%zu = 1;\n", i);
	ck_assert_int_eq(load(text, &c, &d), -1);
	ck_assert_uint_eq(d.n, CONFSCHEMA_DIAG_MAX);
	ck_assert_uint_eq(d.dropped, 150 - CONFSCHEMA_DIAG_MAX);
	ck_assert_uint_eq(confdiag_count(&d), 150);
	free(text);
	config_free(&c);
	confdiag_free(&d);
}
END_TEST

/* ---- checks across settings -------------------------------------------- */

START_TEST(test_cross_checks)
{
	expect_one("aws = { region = \"cn-north-1\"; };\n", 1,
	    "aws.region: region \"cn-north-1\" is not in partition \"aws\" "
	    "(it is in \"aws-cn\")");
	expect_one("aws = {\n  partition = \"aws-cn\";\n};\n", 2,
	    "aws.partition: region \"us-east-1\" is not in partition \"aws-cn\" "
	    "(it is in \"aws\")");
	expect_ok("aws = { partition = \"aws-cn\"; region = \"cn-northwest-1\"; };\n");
	expect_one("aws = {\n connect_timeout = 90;\n request_timeout = 60; };\n", 2,
	    "aws.connect_timeout: 90 exceeds request_timeout (60)");
	expect_one("aws = { retry = {\n base_delay_ms = 5000; max_delay_ms = 1000;\n"
	    "}; };\n", 2, "aws.retry.base_delay_ms: 5000 exceeds max_delay_ms (1000)");
}
END_TEST

START_TEST(test_credentials_rules)
{
	/* static with nothing: the key id and a secret are both missing, and
	 * both are reported at the credentials group. */
	struct config c;
	struct confdiag d = CONFDIAG_INIT;

	ck_assert_int_eq(load("aws = {\n credentials = {\n source = \"static\";\n"
	    "}; };\n", &c, &d), -1);
	ck_assert_uint_eq(d.n, 2);
	expect_problem(&d, 0, 2, "aws.credentials.access_key_id: required for "
	    "static credentials");
	expect_problem(&d, 1, 2, "aws.credentials.secret_access_key: required for "
	    "static credentials (or secret_access_key_file)");
	config_free(&c);
	confdiag_free(&d);

	expect_one("aws = { credentials = {\n"
	    " access_key_id = \"AKIAIOSFODNN7EXAMPLE\";\n"
	    " secret_access_key = \"abcdefgh\";\n"
	    " secret_access_key_file = \"/x\";\n }; };\n", 4,
	    "aws.credentials.secret_access_key_file: set together with "
	    "secret_access_key; use only one");
	expect_one("aws = { credentials = {\n source = \"environment\";\n"
	    " access_key_id = \"AKIAIOSFODNN7EXAMPLE\";\n }; };\n", 3,
	    "aws.credentials.access_key_id: set, but source is \"environment\"; "
	    "remove it or use source = \"static\"");
	/* auto with only a token set still needs the pair. */
	ck_assert_int_eq(load("aws = { credentials = {\n"
	    " session_token = \"tok-abcdef\";\n }; };\n", &c, &d), -1);
	ck_assert_uint_eq(d.n, 2);
	config_free(&c);
	confdiag_free(&d);
	expect_ok("aws = { credentials = { source = \"static\";\n"
	    " access_key_id = \"AKIAIOSFODNN7EXAMPLE\";\n"
	    " secret_access_key = \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\";\n"
	    " session_token = \"FwoGZXIvYXdzEXAMPLE\"; }; };\n");
}
END_TEST

/* ---- secrets ---------------------------------------------------------- */

START_TEST(test_secret_masked_when_printed)
{
	struct config c;
	struct confdiag d = CONFDIAG_INIT;
	char *s;

	ck_assert_int_eq(load("aws = { credentials = {\n"
	    " access_key_id = \"AKIAIOSFODNN7EXAMPLE\";\n"
	    " secret_access_key = \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\";\n"
	    " session_token = \"FwoGZXIvYXdzEXAMPLE\"; }; };\n", &c, &d), 0);
	ck_assert_str_eq(config_secret_access_key(&c),
	    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
	s = printed(&c);
	ck_assert_ptr_null(strstr(s, "wJalrXUtnFEMI"));
	ck_assert_ptr_null(strstr(s, "FwoGZXIvYXdzEXAMPLE"));
	ck_assert_ptr_nonnull(strstr(s,
	    "    # secret_access_key is set: a secret, not shown\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "    # session_token is set: a secret, not shown\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "    access_key_id = \"AKIAIOSFODNN7EXAMPLE\";\n"));
	free(s);
	/* The loaded secrets are registered with the log scrubber. */
	{
		char *out = NULL;
		size_t n = 0;
		FILE *fp = open_memstream(&out, &n);

		ck_assert_ptr_nonnull(fp);
		log_set_stream(fp);
		log_error("leak? wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
		log_set_stream(NULL);
		fclose(fp);
		ck_assert_ptr_null(strstr(out, "wJalrXUtnFEMI"));
		free(out);
	}
	config_free(&c);
	confdiag_free(&d);
}
END_TEST

START_TEST(test_secret_never_in_problems)
{
	/* A secret of the wrong type or with a control character: the problem
	 * names the setting, never the value. */
	struct config c;
	struct confdiag d = CONFDIAG_INIT;

	ck_assert_int_eq(load("aws = { credentials = {\n"
	    " secret_access_key = \"topsecret\\x01value\";\n }; };\n", &c, &d), -1);
	ck_assert_uint_ge(d.n, 1);
	ck_assert_ptr_null(strstr(d.msgs[0], "topsecret"));
	config_free(&c);
	confdiag_free(&d);
	expect_one("aws = { credentials = {\n access_key_id = \"AKIAIOSFODNN7EXAMPLE\";\n"
	    " secret_access_key = \"\";\n }; };\n", 3,
	    "aws.credentials.secret_access_key: must not be empty");
}
END_TEST

/* A webhook URL carries its credential (Slack, Teams and Discord put it
 * in the path): masked when printed, never in a problem, registered with
 * the log's scrubber, and a readable config holding one is warned about. */
START_TEST(test_webhook_url_is_secret)
{
	static const char good[] = "alerts = { webhooks = (\n"
	    " { name = \"chat\"; url = \"https://hooks.slack.com/services/"
	    "T0/B0/XOXBtokenQ9v2\"; }\n); };\n";
	struct config c;
	struct confdiag d = CONFDIAG_INIT;
	char *s, *log, *out = NULL;
	size_t n = 0;
	FILE *fp;
	int rc;

	ck_assert_int_eq(load(good, &c, &d), 0);
	s = printed(&c);
	ck_assert_ptr_null(strstr(s, "XOXBtokenQ9v2"));
	ck_assert_ptr_nonnull(strstr(s, "      # url is set: a secret, not shown\n"));
	free(s);
	ck_assert_ptr_nonnull(fp = open_memstream(&out, &n));
	log_set_stream(fp);
	log_error("POST https://hooks.slack.com/services/T0/B0/XOXBtokenQ9v2 failed");
	log_set_stream(NULL);
	fclose(fp);
	ck_assert_ptr_null(strstr(out, "XOXBtokenQ9v2"));
	free(out);
	config_free(&c);

	/* Refused URLs: the problem says why, without the URL. */
	ck_assert_int_eq(load("alerts = { webhooks = (\n { name = \"a\";\n"
	    "   url = \"https://ops:pa55wordQ7@hooks.example.com/x\"; }); };\n",
	    &c, &d), -1);
	ck_assert_uint_eq(d.n, 1);
	expect_problem(&d, 0, 3, "alerts.webhooks.[0].url: must not contain user "
	    "information");
	config_free(&c);
	confdiag_free(&d);
	ck_assert_int_eq(load("alerts = { webhooks = (\n { name = \"a\";\n"
	    "   url = \"ftp://hooks.example.com/T0/secretpathQ7\"; }); };\n",
	    &c, &d), -1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_ptr_null(strstr(d.msgs[0], "secretpathQ7"));
	config_free(&c);
	confdiag_free(&d);

	/* A readable config whose only secret is the URL. */
	log = logged_load(good, 0644, &c, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(log, "holds alerts.webhooks.[0].url but is "
	    "readable by group or others (mode 0644): chmod 600 it\n"));
	ck_assert_ptr_nonnull(strstr(log, cfgpath));
	ck_assert_ptr_null(strstr(log, "XOXBtokenQ9v2"));
	free(log);
	config_free(&c);
}
END_TEST

START_TEST(test_config_file_permissions_warning)
{
	static const char text[] = "aws = { credentials = {\n"
	    " access_key_id = \"AKIAIOSFODNN7EXAMPLE\";\n"
	    " secret_access_key = \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\";\n"
	    "}; };\n";
	struct config c;
	char *log;
	int rc;

	log = logged_load(text, 0644, &c, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(log, "holds aws.credentials.secret_access_key "
	    "but is readable by group or others (mode 0644)"));
	ck_assert_ptr_nonnull(strstr(log, cfgpath));
	ck_assert_ptr_null(strstr(log, "wJalrXUtnFEMI"));
	free(log);
	config_free(&c);

	log = logged_load(text, 0600, &c, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(log, "");
	free(log);
	config_free(&c);

	/* No secret in the file: a world-readable config is fine. */
	log = logged_load("log_level = \"info\";\n", 0644, &c, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(log, "");
	free(log);
	config_free(&c);
}
END_TEST

START_TEST(test_secret_file)
{
	char keyfile[192], text[512];
	struct config c;
	char *log;
	int rc;

	snprintf(keyfile, sizeof(keyfile), "%s/key", tmpdir);
	snprintf(text, sizeof(text), "aws = { credentials = {\n"
	    " access_key_id = \"AKIAIOSFODNN7EXAMPLE\";\n"
	    " secret_access_key_file = \"%s\";\n}; };\n", keyfile);

	write_file(keyfile, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", 0600);
	log = logged_load(text, 0600, &c, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(log, "");
	ck_assert_str_eq(config_secret_access_key(&c),
	    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
	free(log);
	config_free(&c);

	chmod(keyfile, 0640);
	log = logged_load(text, 0600, &c, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(log, "readable by group or others (mode 0640)"));
	ck_assert_ptr_nonnull(strstr(log, keyfile));
	ck_assert_ptr_null(strstr(log, "wJalrXUtnFEMI"));
	free(log);
	config_free(&c);

	/* A file with two words is not a key; the problem quotes no content. */
	write_file(keyfile, "wJalrXUtnFEMI secondword\n", 0600);
	{
		struct confdiag d = CONFDIAG_INIT;
		char want[512];

		ck_assert_int_eq(load(text, &c, &d), -1);
		ck_assert_uint_eq(d.n, 1);
		snprintf(want, sizeof(want), "aws.credentials.secret_access_key_file: "
		    "%s holds more than one word or control characters; it must "
		    "hold only the secret access key", keyfile);
		expect_problem(&d, 0, 3, want);
		config_free(&c);
		confdiag_free(&d);

		write_file(keyfile, "\n\n", 0600);
		ck_assert_int_eq(load(text, &c, &d), -1);
		snprintf(want, sizeof(want), "aws.credentials.secret_access_key_file: "
		    "%s is empty", keyfile);
		expect_problem(&d, 0, 3, want);
		config_free(&c);
		confdiag_free(&d);

		unlink(keyfile);
		ck_assert_int_eq(load(text, &c, &d), -1);
		snprintf(want, sizeof(want), "aws.credentials.secret_access_key_file: "
		    "cannot open %s: No such file or directory", keyfile);
		expect_problem(&d, 0, 3, want);
		config_free(&c);
		confdiag_free(&d);
	}
}
END_TEST

/* ---- @include ------------------------------------------------------------ */

START_TEST(test_include)
{
	char sub[192], want[512];
	struct config c;
	struct confdiag d = CONFDIAG_INIT;

	snprintf(sub, sizeof(sub), "%s/aws.conf", tmpdir);
	write_file(sub, "aws = {\n  region = \"eu-west-1\";\n"
	    "  retry = { max_attempts = 3; };\n};\n", 0600);
	/* Relative to the including file's directory, not the cwd. */
	ck_assert_int_eq(load("log_level = \"notice\";\n@include \"aws.conf\"\n",
	    &c, &d), 0);
	ck_assert_str_eq(c.aws.region, "eu-west-1");
	ck_assert_int_eq(c.aws.retry.max_attempts, 3);
	ck_assert_int_eq(c.log_level, LOG_LVL_NOTICE);
	config_free(&c);

	/* A problem in the included file names that file and its line. */
	write_file(sub, "aws = {\n\n  connect_timeout = 1000;\n};\n", 0600);
	ck_assert_int_eq(load("log_level = \"notice\";\n@include \"aws.conf\"\n",
	    &c, &d), -1);
	ck_assert_uint_eq(d.n, 1);
	snprintf(want, sizeof(want),
	    "%s:3: aws.connect_timeout: 1000 is out of range 1..300", sub);
	ck_assert_str_eq(d.msgs[0], want);
	config_free(&c);
	confdiag_free(&d);

	/* Included files get the main file's limits: no devices, no FIFOs. */
	snprintf(sub, sizeof(sub), "%s/fifo", tmpdir);
	ck_assert_int_eq(mkfifo(sub, 0600), 0);
	ck_assert_int_eq(load("\n@include \"fifo\"\n", &c, &d), -1);
	ck_assert_uint_eq(d.n, 1);
	snprintf(want, sizeof(want), "@include \"%s\": not a regular file", sub);
	expect_problem(&d, 0, 2, want);
	config_free(&c);
	confdiag_free(&d);

	/* A file that includes itself stops at libconfig's depth, not a
	 * stack overflow. */
	ck_assert_int_eq(load("@include \"t.conf\"\n@include \"t.conf\"\n", &c, &d),
	    -1);
	ck_assert_uint_eq(d.n, 1);
	snprintf(want, sizeof(want), "%s:1: @include \"%s/t.conf\": included "
	    "files nested more than 10 deep", cfgpath, tmpdir);
	ck_assert_str_eq(d.msgs[0], want);
	config_free(&c);
	confdiag_free(&d);
}
END_TEST

/* Write n bytes (NULs included) to path. */
static void
write_bytes(const char *path, const char *bytes, size_t n)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(bytes, 1, n, fp), n);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(chmod(path, 0600), 0);
}

/* Load text (n bytes) and expect the one problem "<cfgpath>:<line>: rest". */
static void
expect_refused(const char *text, size_t n, int line, const char *rest)
{
	struct config c;
	struct confdiag d = CONFDIAG_INIT;

	write_bytes(cfgpath, text, n);
	ck_assert_int_eq(config_load(&c, cfgpath, &d), -1);
	ck_assert_uint_eq(d.n, 1);
	expect_problem(&d, 0, line, rest);
	config_free(&c);
	confdiag_free(&d);
}

/*
 * Each of these made libconfig 1.5's scanner exit(2) ("input in flex
 * scanner failed") or print to stdout, which on a SIGHUP killed the
 * daemon. They must be refused, naming the file and line, before
 * libconfig reads them.
 */
START_TEST(test_include_scanner_exits)
{
	static const char nul[] = "log_level = \"info\";\n@include \"d\0x\"\n";
	static const char nul_before[] = "# \0\n@include \"d\"\n";
	char sub[192], want[1024], text[2048], sub2[256];
	struct config c;
	struct confdiag d = CONFDIAG_INIT;
	size_t i;

	snprintf(sub, sizeof(sub), "%s/d", tmpdir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);

	/* A NUL cut the name to "d", a directory; the old check read on to
	 * the next quote and found nothing to check. */
	expect_refused(nul, sizeof(nul) - 1, 2, "a NUL byte (not a text file)");
	expect_refused(nul_before, sizeof(nul_before) - 1, 1,
	    "a NUL byte (not a text file)");

	/* A directory, named plainly, through escapes, or by a name longer
	 * than the old check's line buffer. */
	snprintf(want, sizeof(want), "@include \"%s/d\": not a regular file", tmpdir);
	snprintf(text, sizeof(text), "\n@include \"d\"\n");
	expect_refused(text, strlen(text), 2, want);
	snprintf(sub2, sizeof(sub2), "%s/x\"y\\", tmpdir);
	ck_assert_int_eq(mkdir(sub2, 0700), 0);
	snprintf(want, sizeof(want), "@include \"%s\": not a regular file", sub2);
	expect_refused("@include \"x\\\"y\\\\\"\n",
	    strlen("@include \"x\\\"y\\\\\"\n"), 1, want);
	i = (size_t)snprintf(text, sizeof(text), "@include \"");
	while (i < 1500)
		i += (size_t)snprintf(text + i, sizeof(text) - i, "./");
	snprintf(text + i, sizeof(text) - i, "d\"\n");
	write_file(cfgpath, text, 0600);
	ck_assert_int_eq(config_load(&c, cfgpath, &d), -1);
	ck_assert_uint_eq(d.n, 1);
	/* The message is cut at its bound; its start names the line. */
	snprintf(want, sizeof(want), "%s:1: @include \"%s/./././", cfgpath, tmpdir);
	ck_assert_int_eq(strncmp(d.msgs[0], want, strlen(want)), 0);
	config_free(&c);
	confdiag_free(&d);

	/* A file that opens but cannot be read. */
	snprintf(want, sizeof(want), "@include \"%s/../../proc/self/mem\": "
	    "cannot read: Input/output error", tmpdir);
	expect_refused("@include \"../../proc/self/mem\"\n",
	    strlen("@include \"../../proc/self/mem\"\n"), 1, want);

	/* Names the scanner reads other than they are written. */
	expect_refused("x = 1;\n@include \"a\\qd\"\n",
	    strlen("x = 1;\n@include \"a\\qd\"\n"), 2,
	    "a backslash in an @include file name must be followed by \\ or \"");
	expect_refused("@include \"d\n\"\n", strlen("@include \"d\n\"\n"), 1,
	    "an @include file name must end on its line");
	expect_refused("@include \"d", strlen("@include \"d"), 1,
	    "@include file name without its closing quote");

	/* A missing file is named with the reason. */
	snprintf(want, sizeof(want), "@include \"%s/nope.conf\": cannot open: "
	    "No such file or directory", tmpdir);
	expect_refused("\n\n@include \"nope.conf\"\n",
	    strlen("\n\n@include \"nope.conf\"\n"), 3, want);

	/* What libconfig does not read as an @include is not checked: in a
	 * block comment, in a string (refused later, for what it is), after
	 * a line comment. */
	expect_ok("/*\n@include \"d\"\n*/\nlog_level = \"info\";\n"
	    "# @include \"d\"\n");
	expect_one("state_dir = \"/x\\\"\n@include \\\"d\\\"\n\";\n", 1,
	    "state_dir: value contains a control character");

	/* More includes than the budget, each at depth 1. */
	snprintf(sub, sizeof(sub), "%s/e.conf", tmpdir);
	write_file(sub, "", 0600);
	for (i = 0, text[0] = '\0'; i < 65; i++)
		strcat(text, "@include \"e.conf\"\n");
	write_file(cfgpath, text, 0600);
	ck_assert_int_eq(config_load(&c, cfgpath, &d), -1);
	ck_assert_uint_eq(d.n, 1);
	expect_problem(&d, 0, 65, "more than 64 included files");
	config_free(&c);
	confdiag_free(&d);
}
END_TEST

/* ---- the engine on a table of its own ----------------------------------- */

struct demo {
	char *name;
	int level;
	struct confschema_strlist tags;
	char *token;
};

static const char *const demo_levels[] = { "low", "high", NULL };

static const struct confschema_entry demo_entries[] = {
	{ "name", CONFSCHEMA_STRING, offsetof(struct demo, name), 0, 0, NULL,
	    NULL, CONFSCHEMA_REQUIRED, NULL, "a required name", NULL, 0, 0 },
	{ "opts", CONFSCHEMA_GROUP, 0, 0, 0, NULL, NULL, 0, NULL, "options", NULL, 0, 0 },
	{ "opts.level", CONFSCHEMA_ENUM, offsetof(struct demo, level), 0, 0,
	    demo_levels, "low", 0, NULL, "a level", NULL, 0, 0 },
	{ "opts.tags", CONFSCHEMA_STRLIST, offsetof(struct demo, tags), 0, 0,
	    NULL, NULL, 0, NULL, "some tags", NULL, 0, 0 },
	{ "opts.token", CONFSCHEMA_STRING, offsetof(struct demo, token), 0, 0,
	    NULL, NULL, CONFSCHEMA_SECRET | CONFSCHEMA_REQUIRED, NULL, "a token", NULL, 0, 0 },
};
static const struct confschema demo_schema = { demo_entries, 5 };

static size_t
demo_apply(const char *text, struct demo *out, struct confdiag *d)
{
	struct err e;
	config_t lc;
	size_t n;

	memset(out, 0, sizeof(*out));
	ck_assert_int_eq(confschema_defaults(&demo_schema, out, &e), 0);
	config_init(&lc);
	ck_assert_int_eq(config_read_string(&lc, text), CONFIG_TRUE);
	n = confschema_apply(&demo_schema, &lc, "demo.conf", out, d);
	config_destroy(&lc);
	return n;
}

START_TEST(test_required_and_lists)
{
	struct demo v;
	struct confdiag d = CONFDIAG_INIT;
	char *s = NULL;
	size_t n = 0;
	FILE *fp;

	ck_assert_uint_eq(demo_apply("opts = {\n level = \"high\";\n};\n", &v, &d), 2);
	ck_assert_str_eq(d.msgs[0], "demo.conf: name: required setting is missing");
	ck_assert_str_eq(d.msgs[1],
	    "demo.conf:1: opts.token: required setting is missing");
	confschema_free(&demo_schema, &v);
	confdiag_free(&d);

	ck_assert_uint_eq(demo_apply("name = \"n\";\nopts = { token = \"sekrit\";\n"
	    " tags = [\"a\", \"b\"];\n};\n", &v, &d), 0);
	ck_assert_uint_eq(v.tags.n, 2);
	ck_assert_str_eq(v.tags.items[1], "b");
	fp = open_memstream(&s, &n);
	ck_assert_int_eq(confschema_print(&demo_schema, &v, fp), 0);
	fclose(fp);
	ck_assert_str_eq(s, "name = \"n\";\nopts = {\n  level = \"low\";\n"
	    "  tags = [\"a\", \"b\"];\n  # token is set: a secret, not shown\n};\n");
	free(s);
	confschema_free(&demo_schema, &v);
	ck_assert_ptr_null(v.token);
	ck_assert_ptr_null(v.tags.items);

	ck_assert_uint_eq(demo_apply("name = \"n\";\nopts = { token = \"t\";\n"
	    " tags = (\"a\",\n 7);\n};\n", &v, &d), 1);
	ck_assert_str_eq(d.msgs[0],
	    "demo.conf:4: opts.tags[1]: expected a string, got an integer");
	ck_assert_uint_eq(v.tags.n, 0);
	confschema_free(&demo_schema, &v);
	confdiag_free(&d);
}
END_TEST

START_TEST(test_selfcheck_catches_bad_tables)
{
	static const struct confschema_entry orphan[] = {
		{ "a.b", CONFSCHEMA_BOOL, 0, 0, 0, NULL, "true", 0, NULL, "x", NULL, 0, 0 },
	};
	static const struct confschema_entry badrange[] = {
		{ "a", CONFSCHEMA_INT, 0, 5, 1, NULL, "3", 0, NULL, "x", NULL, 0, 0 },
	};
	static const struct confschema_entry nodoc[] = {
		{ "a", CONFSCHEMA_INT, 0, 1, 5, NULL, "3", 0, NULL, "", NULL, 0, 0 },
	};
	const struct confschema s1 = { orphan, 1 }, s2 = { badrange, 1 },
	    s3 = { nodoc, 1 };
	struct err e;

	ck_assert_int_eq(confschema_selfcheck(&s1, &e), -1);
	ck_assert_str_eq(e.msg, "a.b: its group is not listed before it");
	ck_assert_int_eq(confschema_selfcheck(&s2, &e), -1);
	ck_assert_str_eq(e.msg, "a: bad range");
	ck_assert_int_eq(confschema_selfcheck(&s3, &e), -1);
	ck_assert_str_eq(e.msg, "a: no documentation");
}
END_TEST

START_TEST(test_edit_distance)
{
	ck_assert_uint_eq(confschema_edit_distance("region", "region", 2), 0);
	ck_assert_uint_eq(confschema_edit_distance("regoin", "region", 2), 2);
	ck_assert_uint_eq(confschema_edit_distance("regio", "region", 2), 1);
	ck_assert_uint_eq(confschema_edit_distance("", "ab", 2), 2);
	ck_assert_uint_eq(confschema_edit_distance("abc", "xyzabc", 2), 3);
	ck_assert_uint_eq(confschema_edit_distance("kitten", "sitting", 5), 3);
}
END_TEST

/* ---- lists of groups (the engine, on a table of its own) --------------- */

struct demo_item {
	char *id;
	int weight;
	char *secret;
	struct confschema_strlist tags;
	struct demo_sub { char *k; } *subs;
	size_t nsubs;
};

struct demo_lg {
	struct demo_item *items;
	size_t nitems;
};

static const struct confschema_entry demo_sub_entries[] = {
	{ "k", CONFSCHEMA_STRING, offsetof(struct demo_sub, k), 0, 0, NULL, NULL,
	    CONFSCHEMA_REQUIRED, NULL, "a key", NULL, 0, 0 },
};
static const struct confschema demo_sub_schema = { demo_sub_entries, 1 };

static const struct confschema_entry demo_item_entries[] = {
	{ "id", CONFSCHEMA_STRING, offsetof(struct demo_item, id), 0, 0, NULL,
	    NULL, CONFSCHEMA_REQUIRED, NULL, "an id", NULL, 0, 0 },
	{ "weight", CONFSCHEMA_INT, offsetof(struct demo_item, weight), 1, 9,
	    NULL, "5", 0, NULL, "a weight", NULL, 0, 0 },
	{ "secret", CONFSCHEMA_STRING, offsetof(struct demo_item, secret), 0, 0,
	    NULL, NULL, CONFSCHEMA_SECRET, NULL, "a secret", NULL, 0, 0 },
	{ "tags", CONFSCHEMA_STRLIST, offsetof(struct demo_item, tags), 0, 0,
	    NULL, NULL, 0, NULL, "tags", NULL, 0, 0 },
	{ "subs", CONFSCHEMA_GROUPLIST, offsetof(struct demo_item, subs), 0, 2,
	    NULL, NULL, 0, NULL, "nested groups", &demo_sub_schema,
	    sizeof(struct demo_sub), offsetof(struct demo_item, nsubs) },
};
static const struct confschema demo_item_schema = { demo_item_entries, 5 };

static const struct confschema_entry demo_lg_entries[] = {
	{ "g", CONFSCHEMA_GROUP, 0, 0, 0, NULL, NULL, 0, NULL, "a group", NULL,
	    0, 0 },
	{ "g.items", CONFSCHEMA_GROUPLIST, offsetof(struct demo_lg, items), 0, 3,
	    NULL, NULL, 0, NULL, "items", &demo_item_schema,
	    sizeof(struct demo_item), offsetof(struct demo_lg, nitems) },
};
static const struct confschema demo_lg_schema = { demo_lg_entries, 2 };

static size_t
lg_apply(const char *text, struct demo_lg *out, struct confdiag *d)
{
	config_t lc;
	size_t n;

	config_init(&lc);
	ck_assert_int_eq(config_read_string(&lc, text), CONFIG_TRUE);
	n = confschema_apply(&demo_lg_schema, &lc, "lg.conf", out, d);
	config_destroy(&lc);
	return n;
}

START_TEST(test_grouplist_values)
{
	struct demo_lg v;
	struct confdiag d = CONFDIAG_INIT;
	struct err e;
	char *s = NULL;
	size_t n = 0;
	FILE *fp;

	ck_assert_int_eq(confschema_selfcheck(&demo_lg_schema, &e), 0);
	memset(&v, 0, sizeof(v));
	ck_assert_int_eq(confschema_defaults(&demo_lg_schema, &v, &e), 0);
	ck_assert_uint_eq(v.nitems, 0);
	ck_assert_uint_eq(lg_apply("g = { items = (\n"
	    " { id = \"a\"; weight = 7; secret = \"s1\"; tags = [\"x\"];\n"
	    "   subs = ( { k = \"k1\"; }, { k = \"k2\"; } ); },\n"
	    " { id = \"b\"; }\n); };\n", &v, &d), 0);
	ck_assert_uint_eq(v.nitems, 2);
	ck_assert_str_eq(v.items[0].id, "a");
	ck_assert_int_eq(v.items[0].weight, 7);
	ck_assert_str_eq(v.items[0].secret, "s1");
	ck_assert_uint_eq(v.items[0].tags.n, 1);
	ck_assert_uint_eq(v.items[0].nsubs, 2);
	ck_assert_str_eq(v.items[0].subs[1].k, "k2");
	/* Each element gets the element table's defaults. */
	ck_assert_str_eq(v.items[1].id, "b");
	ck_assert_int_eq(v.items[1].weight, 5);
	ck_assert_ptr_null(v.items[1].secret);
	ck_assert_uint_eq(v.items[1].nsubs, 0);

	fp = open_memstream(&s, &n);
	ck_assert_int_eq(confschema_print(&demo_lg_schema, &v, fp), 0);
	fclose(fp);
	ck_assert_str_eq(s, "g = {\n  items = (\n    {\n"
	    "      id = \"a\";\n      weight = 7;\n"
	    "      # secret is set: a secret, not shown\n      tags = [\"x\"];\n"
	    "      subs = (\n        {\n          k = \"k1\";\n        },\n"
	    "        {\n          k = \"k2\";\n        }\n      );\n    },\n"
	    "    {\n      id = \"b\";\n      weight = 5;\n"
	    "      # secret is not set\n      tags = [];\n"
	    "      subs = ( );\n    }\n  );\n};\n");
	free(s);
	s = NULL;

	fp = open_memstream(&s, &n);
	ck_assert_int_eq(confschema_dump(&demo_lg_schema, fp), 0);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(s, "g.items\tlist of groups\t0..3\t\t\titems\n"
	    "g.items.[].id\tstring\t\t\trequired\tan id\n"));
	ck_assert_ptr_nonnull(strstr(s, "g.items.[].subs.[].k\tstring\t\t\t"
	    "required\ta key\n"));
	free(s);

	confschema_free(&demo_lg_schema, &v);
	ck_assert_ptr_null(v.items);
	ck_assert_uint_eq(v.nitems, 0);
	/* An empty list is a valid list. */
	ck_assert_uint_eq(lg_apply("g = { items = (); };", &v, &d), 0);
	ck_assert_uint_eq(v.nitems, 0);
	confschema_free(&demo_lg_schema, &v);
	confdiag_free(&d);
}
END_TEST

START_TEST(test_grouplist_problems)
{
	struct demo_lg v;
	struct confdiag d = CONFDIAG_INIT;
	struct err e;

	memset(&v, 0, sizeof(v));
	ck_assert_int_eq(confschema_defaults(&demo_lg_schema, &v, &e), 0);
	ck_assert_uint_eq(lg_apply("g = { items = (\n"
	    " { id = \"a\"; },\n"
	    " { weight = 12;\n"
	    "   wieght = 1; },\n"
	    " 7\n); };\n", &v, &d), 4);
	ck_assert_str_eq(d.msgs[0], "lg.conf:3: g.items.[1].weight: 12 is out of "
	    "range 1..9");
	ck_assert_str_eq(d.msgs[1], "lg.conf:4: g.items.[1].wieght: unknown "
	    "setting; did you mean 'g.items.[1].weight'?");
	ck_assert_str_eq(d.msgs[2], "lg.conf:3: g.items.[1].id: required setting "
	    "is missing");
	ck_assert_str_eq(d.msgs[3], "lg.conf:5: g.items.[2]: expected a group "
	    "{ ... }, got an integer");
	/* Nothing of a list with a bad element is kept, not even the good one. */
	ck_assert_uint_eq(v.nitems, 0);
	confdiag_free(&d);

	/* A valid list, then a bad one: the first stays. */
	ck_assert_uint_eq(lg_apply("g = { items = ( { id = \"keep\"; } ); };",
	    &v, &d), 0);
	ck_assert_uint_eq(lg_apply("g = { items = ( { id = \"new\";\n"
	    " subs = ( { k = \"1\"; }, { k = \"2\"; }, { k = \"3\"; } ); } ); };",
	    &v, &d), 1);
	ck_assert_str_eq(d.msgs[0], "lg.conf:2: g.items.[0].subs: 3 elements; "
	    "allowed 0..2");
	ck_assert_uint_eq(v.nitems, 1);
	ck_assert_str_eq(v.items[0].id, "keep");
	confdiag_free(&d);

	ck_assert_uint_eq(lg_apply("g = { items = { id = \"x\"; }; };", &v, &d), 1);
	ck_assert_str_eq(d.msgs[0], "lg.conf:1: g.items: expected a list of "
	    "groups ( { ... }, ... ), got a group");
	confdiag_free(&d);
	ck_assert_uint_eq(lg_apply("g = { items = ( { id = \"x\";\n"
	    " subs = ( { k = 1; } ); } ); };", &v, &d), 1);
	ck_assert_str_eq(d.msgs[0], "lg.conf:2: g.items.[0].subs.[0].k: expected "
	    "a string, got an integer");
	confdiag_free(&d);
	ck_assert_uint_eq(lg_apply("g = { items = ( {}, {}, {}, {} ); };", &v, &d),
	    1);
	ck_assert_str_eq(d.msgs[0], "lg.conf:1: g.items: 4 elements; allowed 0..3");
	confdiag_free(&d);
	ck_assert_uint_eq(v.nitems, 1);
	confschema_free(&demo_lg_schema, &v);
}
END_TEST

START_TEST(test_grouplist_selfcheck)
{
	static const struct confschema_entry nosub[] = {
		{ "l", CONFSCHEMA_GROUPLIST, 0, 0, 4, NULL, NULL, 0, NULL, "x", NULL,
		    8, 8 },
	};
	static const struct confschema_entry bad_inner[] = {
		{ "x", CONFSCHEMA_INT, 0, 1, 5, NULL, "3", 0, NULL, "", NULL, 0, 0 },
	};
	static const struct confschema inner = { bad_inner, 1 };
	static const struct confschema_entry outer[] = {
		{ "l", CONFSCHEMA_GROUPLIST, 0, 0, 4, NULL, NULL, 0, NULL, "x", &inner,
		    8, 8 },
	};
	const struct confschema s1 = { nosub, 1 }, s2 = { outer, 1 };
	struct err e;

	ck_assert_int_eq(confschema_selfcheck(&s1, &e), -1);
	ck_assert_str_eq(e.msg, "l: list of groups without its element table, "
	    "size or a good range");
	/* A sub-table's own mistakes are found and named by the full path. */
	ck_assert_int_eq(confschema_selfcheck(&s2, &e), -1);
	ck_assert_str_eq(e.msg, "l.[].x: no documentation");
}
END_TEST

/* ---- the collect, audit, daemon and alerts settings -------------------- */

START_TEST(test_new_defaults)
{
	struct config c;
	struct err e;

	ck_assert_int_eq(config_defaults(&c, &e), 0);
	ck_assert_int_eq(c.collect.organizations, CONFIG_ORG_AUTO);
	ck_assert_ptr_null(c.collect.member_role);
	ck_assert_str_eq(c.collect.session_name, "passrole-auditd");
	ck_assert_int_eq(c.collect.session_duration, 3600);
	ck_assert_uint_eq(c.collect.regions.n, 1);
	ck_assert_str_eq(c.collect.regions.items[0], "us-east-1");
	ck_assert_int_eq(c.collect.concurrency, 8);
	ck_assert_int_eq(c.collect.page_size, 0);
	ck_assert(c.audit.auto_privileged);
	ck_assert_int_eq(c.audit.max_depth, 3);
	ck_assert_int_eq(c.audit.state_keep, 10);
	ck_assert_int_eq(c.daemon.interval, 3600);
	ck_assert_int_eq(c.daemon.jitter, 60);
	ck_assert_int_eq(c.alerts.min_severity, LOG_LVL_INFO);
	ck_assert_int_eq(c.alerts.outbox_max, 10000);
	ck_assert(c.alerts.syslog.enabled);
	ck_assert_str_eq(c.alerts.syslog.ident, "passrole-auditd-alert");
	ck_assert_str_eq(c.alerts.syslog.facility, "authpriv");
	ck_assert_int_eq(c.alerts.syslog.gained, LOG_LVL_WARN);
	ck_assert_int_eq(c.alerts.syslog.lost, LOG_LVL_NOTICE);
	ck_assert_int_eq(c.alerts.syslog.changed, LOG_LVL_NOTICE);
	ck_assert_int_eq(c.alerts.syslog.failed, LOG_LVL_ERROR);
	ck_assert_int_eq(c.alerts.syslog.privileged, LOG_LVL_NOTICE);
	ck_assert_ptr_null(c.alerts.syslog.socket);
	ck_assert_uint_eq(c.alerts.nwebhooks, 0);
	config_free(&c);
}
END_TEST

/* collect.regions left out follows the file's aws.region. */
START_TEST(test_regions_default_follows_region)
{
	struct config c;
	struct confdiag d = CONFDIAG_INIT;

	ck_assert_int_eq(load("aws = { region = \"eu-west-3\"; };\n", &c, &d), 0);
	ck_assert_uint_eq(c.collect.regions.n, 1);
	ck_assert_str_eq(c.collect.regions.items[0], "eu-west-3");
	config_free(&c);
	ck_assert_int_eq(load("aws = { region = \"eu-west-3\"; };\n"
	    "collect = { regions = [\"us-east-2\", \"eu-west-1\"]; };\n", &c, &d), 0);
	ck_assert_uint_eq(c.collect.regions.n, 2);
	ck_assert_str_eq(c.collect.regions.items[0], "us-east-2");
	config_free(&c);
	confdiag_free(&d);
}
END_TEST

START_TEST(test_new_value_checks)
{
	expect_one("collect = {\n accounts_include = [\"123456789012\", \"12345\"];\n"
	    "};\n", 2, "collect.accounts_include[1]: \"12345\": an account ID is "
	    "12 digits");
	expect_one("alerts = { accounts = [\"1234567890123\"]; };\n", 1,
	    "alerts.accounts[0]: \"1234567890123\": an account ID is 12 digits");
	expect_one("collect = { ous_exclude = [\"ou-x\"]; };\n", 1,
	    "collect.ous_exclude[0]: \"ou-x\": not an OU id like "
	    "\"ou-ab12-cd34ef56\" (or a root id like \"r-ab12\")");
	expect_ok("collect = { ous_include = [\"ou-ab12-cd34ef56\", \"r-ab12\"]; };\n");
	expect_one("collect = { regions = [\"us-east-1\", \"useast1\"]; };\n", 1,
	    "collect.regions[1]: \"useast1\": not a region name like "
	    "\"us-east-1\"");
	expect_one("collect = { member_role = \"a role\"; };\n", 1,
	    "collect.member_role: \"a role\": a role name is 1 to 64 characters of "
	    "A-Z, a-z, 0-9 and +=,.@_-");
	expect_ok("collect = { member_role = \"\"; };\n");
	expect_one("collect = { session_name = \"x\"; };\n", 1,
	    "collect.session_name: \"x\": a session name is 2 to 64 characters of "
	    "A-Z, a-z, 0-9 and +=,.@_-");
	/* The external id is a secret: its problem does not quote it. */
	expect_one("collect = { member_role = \"R\"; external_id = \"bad id\"; };\n",
	    1, "collect.external_id: an external ID is 2 to 1224 characters of "
	    "A-Z, a-z, 0-9 and +=,.@:/_-");
	expect_one("collect = { session_duration = 600; };\n", 1,
	    "collect.session_duration: 600 is out of range 900..43200");
	expect_one("collect = { organizations = \"on\"; };\n", 1,
	    "collect.organizations: \"on\" is not one of auto, off");
	expect_ok("audit = { privileged_roles = [\"Admin*\", \"/ops/*\", "
	    "\"arn:aws:iam::*:role/ops/Deploy?\", \"arn:aws-cn:iam::123456789012:"
	    "role/x\"]; };\n");
	expect_one("audit = { privileged_roles = [\"arn:aws:s3:::bucket\"]; };\n", 1,
	    "audit.privileged_roles[0]: \"arn:aws:s3:::bucket\": not a role ARN "
	    "pattern like \"arn:aws:iam::*:role/Admin*\"");
	expect_one("audit = { privileged_exclude = [\"/ops\"]; };\n", 1,
	    "audit.privileged_exclude[0]: \"/ops\": a role path starts and ends "
	    "with a slash: \"/ops/*\"");
	expect_one("alerts = { roles = [\"Admin Role\"]; };\n", 1,
	    "alerts.roles[0]: \"Admin Role\": a role name, path or pattern is A-Z, "
	    "a-z, 0-9, +=,.@_-/ and the wildcards * and ?");
	expect_ok("audit = { privileged_tags = [\"tier=admin\", \"priv=*\", "
	    "\"empty=\"]; };\n");
	expect_one("audit = { privileged_tags = [\"=admin\"]; };\n", 1,
	    "audit.privileged_tags[0]: \"=admin\": a tag match is \"key=value\" "
	    "or \"key=*\"");
	expect_one("audit = { privileged_tags = [\"tier\"]; };\n", 1,
	    "audit.privileged_tags[0]: \"tier\": a tag match is \"key=value\" "
	    "or \"key=*\"");
	expect_one("audit = { max_depth = 11; };\n", 1,
	    "audit.max_depth: 11 is out of range 0..10");
	expect_one("daemon = { interval = 59; };\n", 1,
	    "daemon.interval: 59 is out of range 60..604800");
	expect_one("alerts = { syslog = { facility = \"local8\"; }; };\n", 1,
	    "alerts.syslog.facility: \"local8\": not a syslog facility: use "
	    "authpriv, auth, daemon, user, local0 .. local7, ...");
	expect_ok("alerts = { syslog = { facility = \"local7\"; ident = \"pra-1\"; "
	    "gained = \"error\"; }; };\n");
	expect_ok("alerts = { syslog = { socket = \"/run/test/log.sock\"; }; };\n");
	expect_one("alerts = { syslog = { socket = \"log.sock\"; }; };\n", 1,
	    "alerts.syslog.socket: \"log.sock\": must be an absolute path");
	expect_one("alerts = { syslog = { ident = \"my prog\"; }; };\n", 1,
	    "alerts.syslog.ident: \"my prog\": 1 to 64 characters of A-Z, a-z, "
	    "0-9 and ._-");
	expect_one("alerts = { syslog = { lost = \"Notice\"; }; };\n", 1,
	    "alerts.syslog.lost: \"Notice\" is not one of error, warning, notice, "
	    "info, debug; did you mean \"notice\"?");
	ck_assert_int_eq(config_syslog_facility("authpriv"), LOG_AUTHPRIV);
	ck_assert_int_eq(config_syslog_facility("local3"), LOG_LOCAL3);
	ck_assert_int_eq(config_syslog_facility("kern"), -1);
}
END_TEST

START_TEST(test_new_cross_checks)
{
	expect_one("daemon = {\n interval = 600;\n jitter = 601;\n};\n", 3,
	    "daemon.jitter: 601 exceeds daemon.interval (600)");
	expect_one("collect = {\n external_id = \"abc-123\";\n};\n", 2,
	    "collect.external_id: set, but collect.member_role is not: no role is "
	    "assumed");
	expect_one("collect = {\n accounts_include = [\"111111111111\"];\n"
	    " accounts_exclude = [\"111111111111\"];\n};\n", 3,
	    "collect.accounts_exclude: \"111111111111\" is also in "
	    "collect.accounts_include");
	expect_one("collect = {\n ous_include = [\"r-ab12\"];\n"
	    " ous_exclude = [\"r-ab12\"];\n};\n", 3,
	    "collect.ous_exclude: \"r-ab12\" is also in collect.ous_include");
	expect_one("collect = {\n regions = [\"cn-north-1\"];\n};\n", 2,
	    "collect.regions: region \"cn-north-1\" is not in partition \"aws\" "
	    "(it is in \"aws-cn\")");
	expect_ok("aws = { partition = \"aws-cn\"; region = \"cn-north-1\"; };\n"
	    "collect = { regions = [\"cn-northwest-1\"]; };\n");
}
END_TEST

START_TEST(test_webhooks)
{
	char tokfile[192], hmacfile[192], text[1024];
	struct config c;
	struct confdiag d = CONFDIAG_INIT;
	char *log, *p;
	int rc;

	snprintf(tokfile, sizeof(tokfile), "%s/token", tmpdir);
	snprintf(hmacfile, sizeof(hmacfile), "%s/hmac", tmpdir);
	write_file(tokfile, "Bearer tok-123456\n", 0600);
	write_file(hmacfile, "hmac-secret-0987\n", 0600);
	snprintf(text, sizeof(text), "alerts = { webhooks = (\n"
	    " { name = \"secops\"; url = \"https://hooks.example.com/a\";\n"
	    "   hmac_secret_file = \"%s\";\n"
	    "   headers = ( { name = \"Authorization\"; value_file = \"%s\"; },\n"
	    "               { name = \"X-Team\"; value = \"sec team\"; } ); },\n"
	    " { name = \"chat\"; url = \"http://127.0.0.1:8080/x\"; format = \"slack\";\n"
	    "   hmac_secret = \"inline-hmac\"; timeout = 3; max_attempts = 2;\n"
	    "   min_severity = \"warning\"; }\n); };\n", hmacfile, tokfile);
	log = logged_load(text, 0600, &c, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(log, "");
	free(log);
	ck_assert_uint_eq(c.alerts.nwebhooks, 2);
	ck_assert_str_eq(c.alerts.webhooks[0].name, "secops");
	ck_assert_int_eq(c.alerts.webhooks[0].format, CONFIG_WEBHOOK_JSON);
	ck_assert_str_eq(c.alerts.webhooks[0].hmac_secret, "hmac-secret-0987");
	ck_assert_int_eq(c.alerts.webhooks[0].timeout, 10);
	ck_assert_int_eq(c.alerts.webhooks[0].max_attempts, 5);
	ck_assert_int_eq(c.alerts.webhooks[0].min_severity, LOG_LVL_INFO);
	ck_assert_uint_eq(c.alerts.webhooks[0].nheaders, 2);
	ck_assert_str_eq(c.alerts.webhooks[0].headers[0].value, "Bearer tok-123456");
	ck_assert_str_eq(c.alerts.webhooks[0].headers[1].value, "sec team");
	ck_assert_int_eq(c.alerts.webhooks[1].format, CONFIG_WEBHOOK_SLACK);
	ck_assert_str_eq(c.alerts.webhooks[1].hmac_secret, "inline-hmac");
	ck_assert_int_eq(c.alerts.webhooks[1].timeout, 3);
	ck_assert_int_eq(c.alerts.webhooks[1].max_attempts, 2);
	ck_assert_int_eq(c.alerts.webhooks[1].min_severity, LOG_LVL_WARN);
	/* No secret in the printed config, from the file or inline. */
	p = printed(&c);
	ck_assert_ptr_null(strstr(p, "tok-123456"));
	ck_assert_ptr_null(strstr(p, "hmac-secret"));
	ck_assert_ptr_null(strstr(p, "inline-hmac"));
	ck_assert_ptr_null(strstr(p, "sec team"));
	ck_assert_ptr_null(strstr(p, "127.0.0.1:8080/x"));
	ck_assert_ptr_nonnull(strstr(p, "      name = \"chat\";\n      # url is set: a secret, not shown\n"));
	free(p);
	/* The log's scrubber knows every one of them. */
	log = NULL;
	{
		size_t n = 0;
		FILE *fp = open_memstream(&log, &n);

		log_set_stream(fp);
		log_error("leak? %s %s %s", c.alerts.webhooks[0].headers[0].value,
		    c.alerts.webhooks[0].hmac_secret, c.alerts.webhooks[1].hmac_secret);
		log_set_stream(NULL);
		fclose(fp);
	}
	ck_assert_ptr_null(strstr(log, "tok-123456"));
	ck_assert_ptr_null(strstr(log, "hmac-secret-0987"));
	ck_assert_ptr_null(strstr(log, "inline-hmac"));
	free(log);
	config_free(&c);

	/* A header value file others can read: loaded, with a warning. */
	chmod(tokfile, 0644);
	log = logged_load(text, 0600, &c, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(log, "readable by group or others (mode 0644)"
	    ": chmod 600 it; it holds alerts.webhooks.[0].headers.[0].value"));
	ck_assert_ptr_null(strstr(log, "tok-123456"));
	free(log);
	config_free(&c);
	/* An inline secret in a config others can read: the same, once per
	 * file, for the first secret in it (the URL, itself a secret). */
	log = logged_load(text, 0644, &c, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(log, "holds alerts.webhooks.[0].url but is "
	    "readable by group or others (mode 0644)"));
	free(log);
	config_free(&c);

	unlink(tokfile);
	ck_assert_int_eq(load(text, &c, &d), -1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_ptr_nonnull(strstr(d.msgs[0], ":4: alerts.webhooks.[0].headers.[0]"
	    ".value_file: cannot open "));
	config_free(&c);
	confdiag_free(&d);
}
END_TEST

/* text with the n-th "# LEAF is set: a secret, not shown" line (indent
 * kept) replaced by "LEAF = "value";" (caller frees). */
static char *
unmask(const char *text, const char *leaf, size_t n, const char *value)
{
	char mark[96], *out;
	const char *at = text, *bol;
	size_t k;

	snprintf(mark, sizeof(mark), "# %s is set: a secret, not shown\n", leaf);
	for (k = 0; (at = strstr(at, mark)) != NULL && k < n; k++)
		at += strlen(mark);
	ck_assert_msg(at != NULL, "no masked %s number %zu in:\n%s", leaf, n, text);
	for (bol = at; bol > text && bol[-1] == ' '; bol--)
		;
	ck_assert_int_ge(asprintf(&out, "%.*s%.*s%s = \"%s\";\n%s", (int)(bol - text), text,
	    (int)(at - bol), bol, leaf, value, at + strlen(mark)), 0);
	return out;
}

/* --check-config's text is libconfig: loaded again it gives the same
 * settings, lists of groups included. Secrets read from files come back
 * through their _file settings; inline ones are comments, which the user
 * must give again (without them, a required secret fails by its name). */
START_TEST(test_print_round_trip)
{
	char tokfile[192], hmacfile[192], keyfile[192], text[2048];
	struct config c, c2;
	struct confdiag d = CONFDIAG_INIT;
	char *a, *b, *t1, *t2;

	snprintf(tokfile, sizeof(tokfile), "%s/token", tmpdir);
	snprintf(hmacfile, sizeof(hmacfile), "%s/hmac", tmpdir);
	snprintf(keyfile, sizeof(keyfile), "%s/key", tmpdir);
	write_file(tokfile, "Bearer tok-123456\n", 0600);
	write_file(hmacfile, "hmac-secret-0987\n", 0600);
	write_file(keyfile, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", 0600);
	snprintf(text, sizeof(text), "log_level = \"debug\";\n"
	    "aws = { region = \"eu-west-1\"; retry = { max_attempts = 7; };\n"
	    "  credentials = { access_key_id = \"AKIAIOSFODNN7EXAMPLE\";\n"
	    "    secret_access_key_file = \"%s\"; }; };\n"
	    "collect = { regions = [\"eu-west-1\", \"us-east-1\"];\n"
	    "  member_role = \"Auditor\"; external_id = \"ext-id-0001\"; };\n"
	    "alerts = { webhooks = (\n"
	    " { name = \"secops\"; url = \"https://hooks.example.com/a\";\n"
	    "   hmac_secret_file = \"%s\";\n"
	    "   headers = ( { name = \"Authorization\"; value_file = \"%s\"; },\n"
	    "               { name = \"X-Team\"; value = \"sec team\"; } ); },\n"
	    " { name = \"chat\"; url = \"http://127.0.0.1:8080/x\"; format = \"slack\";\n"
	    "   timeout = 3; min_severity = \"warning\"; }\n); };\n",
	    keyfile, hmacfile, tokfile);
	ck_assert_int_eq(load(text, &c, &d), 0);
	a = printed(&c);
	ck_assert_ptr_null(strstr(a, "hooks.example.com"));
	ck_assert_ptr_null(strstr(a, "ext-id-0001"));
	ck_assert_ptr_nonnull(strstr(a, "\n  webhooks = (\n    {\n      name = \"secops\";\n"));
	ck_assert_ptr_nonnull(strstr(a, "      headers = (\n        {\n          name = "
	    "\"Authorization\";\n"));
	ck_assert_ptr_nonnull(strstr(a, "    },\n    {\n      name = \"chat\";\n"));
	ck_assert_ptr_nonnull(strstr(a, "  regions = [\"eu-west-1\", \"us-east-1\"];\n"));

	/* As printed: the required URLs are missing, and said so. */
	ck_assert_int_eq(load(a, &c2, &d), -1);
	ck_assert_ptr_nonnull(strstr(d.msgs[0], "url"));
	config_free(&c2);
	confdiag_free(&d);

	/* The inline secrets given again: the same settings. */
	t1 = unmask(a, "url", 0, "https://hooks.example.com/a");
	t2 = unmask(t1, "url", 0, "http://127.0.0.1:8080/x");
	free(t1);
	t1 = unmask(t2, "value", 1, "sec team");
	free(t2);
	t2 = unmask(t1, "external_id", 0, "ext-id-0001");
	free(t1);
	ck_assert_msg(load(t2, &c2, &d) == 0, "%s\n%s", d.n > 0 ? d.msgs[0] : "?", t2);
	b = printed(&c2);
	ck_assert_str_eq(a, b);
	ck_assert_str_eq(c2.alerts.webhooks[1].url, "http://127.0.0.1:8080/x");
	ck_assert_str_eq(c2.alerts.webhooks[0].headers[0].value, "Bearer tok-123456");
	ck_assert_str_eq(config_secret_access_key(&c2),
	    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
	free(t2);
	free(b);
	config_free(&c2);

	/* With no webhook and the secrets in files: as printed, unedited. */
	config_free(&c);
	snprintf(text, sizeof(text), "aws = { credentials = {\n"
	    "  access_key_id = \"AKIAIOSFODNN7EXAMPLE\"; secret_access_key_file = \"%s\"; };\n"
	    "  endpoints = { sts = \"http://127.0.0.1:9/\"; }; };\n"
	    "alerts = { webhooks = (); };\n", keyfile);
	ck_assert_int_eq(load(text, &c, &d), 0);
	free(a);
	a = printed(&c);
	ck_assert_ptr_nonnull(strstr(a, "  webhooks = ( );\n"));
	ck_assert_int_eq(load(a, &c2, &d), 0);
	b = printed(&c2);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	config_free(&c);
	config_free(&c2);
	confdiag_free(&d);
}
END_TEST

START_TEST(test_webhook_problems)
{
	struct config c;
	struct confdiag d = CONFDIAG_INIT;

	expect_one("alerts = { webhooks = (\n { name = \"a\";\n"
	    "   url = \"http://hooks.example.com/\"; }\n); };\n", 3,
	    "alerts.webhooks.[0].url: http:// is "
	    "only allowed for a loopback host (127.0.0.1, [::1], localhost); use "
	    "https://");
	expect_one("alerts = { webhooks = (\n { name = \"a\"; url = \"https://h/\"; },\n"
	    " { url = \"https://h/\"; }\n); };\n", 3,
	    "alerts.webhooks.[1].name: required setting is missing");
	expect_one("alerts = { webhooks = (\n { name = \"a\"; url = \"https://h/\"; },\n"
	    " { name = \"a\"; url = \"https://h/\"; }\n); };\n", 3,
	    "alerts.webhooks.[1].name: \"a\" is also the name of alerts.webhooks.[0]");
	expect_one("alerts = { webhooks = (\n { name = \"a\"; url = \"https://h/\";\n"
	    "   fromat = \"json\"; }\n); };\n", 3,
	    "alerts.webhooks.[0].fromat: unknown setting; did you mean "
	    "'alerts.webhooks.[0].format'?");
	expect_one("alerts = { webhooks = (\n { name = \"a\"; url = \"https://h/\";\n"
	    "   headers = ( { name = \"Content-Type\"; value = \"x\"; } ); }\n); };\n",
	    3, "alerts.webhooks.[0].headers.[0]: \"Content-Type\" is set by the "
	    "program itself");
	expect_one("alerts = { webhooks = (\n { name = \"a\"; url = \"https://h/\";\n"
	    "   headers = ( { name = \"x-passrole-auditd-signature\"; "
	    "value = \"x\"; } ); }\n); };\n", 3, "alerts.webhooks.[0].headers.[0]: "
	    "\"x-passrole-auditd-signature\" is set by the program itself");
	expect_one("alerts = { webhooks = (\n { name = \"a\"; url = \"https://h/\";\n"
	    "   headers = ( { name = \"X-A\"; } ); }\n); };\n",
	    3, "alerts.webhooks.[0].headers.[0]: needs value or value_file");
	expect_one("alerts = { webhooks = (\n { name = \"a\"; url = \"https://h/\";\n"
	    "   headers = ( { name = \"X-A\"; value = \"1\"; },\n"
	    "     { name = \"x-a\"; value = \"2\"; } ); }\n); };\n",
	    4, "alerts.webhooks.[0].headers.[1]: header \"x-a\" is also set by "
	    "headers.[0]");
	expect_one("alerts = { webhooks = (\n { name = \"a\"; url = \"https://h/\";\n"
	    "   headers = ( { name = \"Bad Name\"; value = \"1\"; } ); }\n); };\n",
	    3, "alerts.webhooks.[0].headers.[0].name: \"Bad Name\": not an HTTP "
	    "header name (letters, digits and !#$%&'*+-.^_`|~)");
	expect_one("alerts = { webhooks = (\n { name = \"a\"; url = \"https://h/\";\n"
	    "   hmac_secret = \"x\";\n   hmac_secret_file = \"/nonexistent\"; }\n"
	    "); };\n", 4, "alerts.webhooks.[0].hmac_secret_file: set together with "
	    "hmac_secret; use only one");
	/* A secret's problem never quotes it. */
	expect_one("alerts = { webhooks = (\n { name = \"a\"; url = \"https://h/\";\n"
	    "   hmac_secret = \"\"; }\n); };\n", 3,
	    "alerts.webhooks.[0].hmac_secret: must not be empty");
	ck_assert_int_eq(load("alerts = { webhooks = ( {}, {}, {}, {}, {}, {}, {}, "
	    "{}, {}, {}, {}, {}, {}, {}, {}, {}, {} ); };\n", &c, &d), -1);
	ck_assert_uint_eq(d.n, 1);
	expect_problem(&d, 0, 1, "alerts.webhooks: 17 elements; allowed 0..16");
	config_free(&c);
	confdiag_free(&d);
}
END_TEST

START_TEST(test_external_id_file)
{
	char idfile[192], text[512];
	struct config c;
	struct confdiag d = CONFDIAG_INIT;
	char *log;
	int rc;

	snprintf(idfile, sizeof(idfile), "%s/extid", tmpdir);
	snprintf(text, sizeof(text), "collect = {\n member_role = \"Auditor\";\n"
	    " external_id_file = \"%s\";\n};\n", idfile);
	write_file(idfile, "ext-id-42\n", 0600);
	log = logged_load(text, 0600, &c, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(log, "");
	ck_assert_str_eq(c.collect.external_id, "ext-id-42");
	free(log);
	config_free(&c);

	/* The file's content obeys the setting's own rules, unquoted. */
	write_file(idfile, "ext!id\n", 0600);
	ck_assert_int_eq(load(text, &c, &d), -1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_ptr_nonnull(strstr(d.msgs[0], ":3: collect.external_id_file: "));
	ck_assert_ptr_null(strstr(d.msgs[0], "ext!id"));
	config_free(&c);
	confdiag_free(&d);

	write_file(idfile, "two words\n", 0600);
	ck_assert_int_eq(load(text, &c, &d), -1);
	ck_assert_ptr_nonnull(strstr(d.msgs[0], "holds more than one word or "
	    "control characters; it must hold only the external ID"));
	config_free(&c);
	confdiag_free(&d);
}
END_TEST

/*
 * A reload that fails must not take the running config's secrets off the
 * log's scrubber: both configs hold the same secret, and freeing the
 * rejected one must leave it scrubbed.
 */
START_TEST(test_failed_load_keeps_scrubbing)
{
	static const char good[] = "collect = { member_role = \"R\"; "
	    "external_id = \"shared-ext-id-777\"; };\n";
	static const char bad[] = "collect = { member_role = \"R\"; "
	    "external_id = \"shared-ext-id-777\"; };\ndaemon = { interval = 1; };\n";
	struct config a, b;
	struct confdiag d = CONFDIAG_INIT;
	char *log = NULL;
	size_t n = 0;
	FILE *fp;

	ck_assert_int_eq(load(good, &a, &d), 0);
	ck_assert_int_eq(load(bad, &b, &d), -1);
	config_free(&b);
	confdiag_free(&d);
	fp = open_memstream(&log, &n);
	log_set_stream(fp);
	log_error("id %s", a.collect.external_id);
	log_set_stream(NULL);
	fclose(fp);
	ck_assert_ptr_null(strstr(log, "shared-ext-id-777"));
	free(log);
	config_free(&a);
}
END_TEST

/* ---- value checks ----------------------------------------------------- */

START_TEST(test_endpoint_urls)
{
	static const struct { const char *url; int ok; int loopback; } cases[] = {
		{ "https://iam.amazonaws.com", 1, 0 },
		{ "https://sts.us-east-1.amazonaws.com:443/", 1, 0 },
		{ "https://127.0.0.1:8443/path?x=1", 1, 1 },
		{ "http://127.0.0.1:8080", 1, 1 },
		{ "http://127.5.6.7", 1, 1 },
		{ "http://localhost:1234/", 1, 1 },
		{ "http://[::1]:9000/", 1, 1 },
		{ "HTTPS://EXAMPLE.COM", 1, 0 },
		{ "http://128.0.0.1/", 0, 0 },
		{ "http://localhost.example.com/", 0, 0 },
		{ "http://[::2]/", 0, 0 },
		{ "https://", 0, 0 },
		{ "https://:443/", 0, 0 },
		{ "https://user:pw@host/", 0, 0 },
		{ "https://host:0/", 0, 0 },
		{ "https://host:65536/", 0, 0 },
		{ "https://host:12a/", 0, 0 },
		{ "https://host:/", 0, 0 },
		{ "https://[::1/", 0, 0 },
		{ "https://[zz::1]/", 0, 0 },
		{ "https://ho st/", 0, 0 },
		{ "https://ho_st/", 0, 0 },
		{ "file:///etc/passwd", 0, 0 },
		{ "iam.amazonaws.com", 0, 0 },
	};
	char why[256];
	bool lb;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = config_check_endpoint_url(cases[i].url, &lb, why, sizeof(why));

		ck_assert_msg((rc == 0) == cases[i].ok, "%s: rc %d (%s)", cases[i].url,
		    rc, rc != 0 ? why : "");
		if (rc == 0)
			ck_assert_msg(lb == (bool)cases[i].loopback, "%s: loopback",
			    cases[i].url);
	}
}
END_TEST

START_TEST(test_regions)
{
	static const char *const good[] = { "us-east-1", "eu-central-1",
		"ap-southeast-2", "us-gov-west-1", "cn-northwest-1", "il-central-1",
		"us-isob-east-1" };
	static const char *const bad[] = { "", "us", "us-east", "us-east-", "useast-1",
		"US-EAST-1", "us-east-1a", "us--east-1", "u-east-1", "us-east-123",
		"us-1", "us-east-1 " };
	char why[128];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(config_check_region(good[i], why, sizeof(why)) == 0,
		    "%s", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(config_check_region(bad[i], why, sizeof(why)) != 0,
		    "'%s'", bad[i]);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_schema_selfcheck);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_empty_file_is_defaults);
	tcase_add_test(tc, test_values_are_stored);
	tcase_add_test(tc, test_bad_types);
	tcase_add_test(tc, test_unknown_settings_and_suggestions);
	tcase_add_test(tc, test_ranges);
	tcase_add_test(tc, test_enums);
	tcase_add_test(tc, test_string_checks);
	tcase_add_test(tc, test_long_string_rejected);
	tcase_add_test(tc, test_parse_error);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_several_problems_reported);
	tcase_add_test(tc, test_problem_cap);
	tcase_add_test(tc, test_cross_checks);
	tcase_add_test(tc, test_credentials_rules);
	tcase_add_test(tc, test_secret_masked_when_printed);
	tcase_add_test(tc, test_secret_never_in_problems);
	tcase_add_test(tc, test_config_file_permissions_warning);
	tcase_add_test(tc, test_webhook_url_is_secret);
	tcase_add_test(tc, test_secret_file);
	tcase_add_test(tc, test_include);
	tcase_add_test(tc, test_include_scanner_exits);
	tcase_add_test(tc, test_required_and_lists);
	tcase_add_test(tc, test_selfcheck_catches_bad_tables);
	tcase_add_test(tc, test_edit_distance);
	tcase_add_test(tc, test_endpoint_urls);
	tcase_add_test(tc, test_regions);
	tcase_add_test(tc, test_grouplist_values);
	tcase_add_test(tc, test_grouplist_problems);
	tcase_add_test(tc, test_grouplist_selfcheck);
	tcase_add_test(tc, test_new_defaults);
	tcase_add_test(tc, test_regions_default_follows_region);
	tcase_add_test(tc, test_new_value_checks);
	tcase_add_test(tc, test_new_cross_checks);
	tcase_add_test(tc, test_webhooks);
	tcase_add_test(tc, test_webhook_problems);
	tcase_add_test(tc, test_print_round_trip);
	tcase_add_test(tc, test_external_id_file);
	tcase_add_test(tc, test_failed_load_keeps_scrubbing);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_main(config_suite());
}
