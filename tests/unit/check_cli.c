/* Unit tests of the command-line parser. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#include "checkmain.h"

#define ARGV(...) ((char *[]){ "passrole-auditd", __VA_ARGS__, NULL })
#define ARGC(v) ((int)(sizeof(v) / sizeof((v)[0])) - 1)

static int
parse(int argc, char **argv, struct cli_opts *o, struct err *e)
{
	err_clear(e);
	return cli_parse(argc, argv, o, e);
}

START_TEST(test_defaults)
{
	char *argv[] = { "passrole-auditd", NULL };
	struct cli_opts o;
	struct err e;

	ck_assert_int_eq(parse(1, argv, &o, &e), 0);
	ck_assert_int_eq(o.mode, CLI_MODE_DAEMON);
	ck_assert_str_eq(o.config_path, SYSCONFDIR "/passrole-auditd/passrole-auditd.conf");
	ck_assert(!o.config_path_given);
	ck_assert(!o.foreground);
	ck_assert_int_eq(o.verbosity, 0);
	ck_assert_int_eq(o.format, CLI_FORMAT_TEXT);
	ck_assert_ptr_null(o.mode_arg);
	ck_assert_ptr_null(o.input_dir);
	ck_assert_ptr_null(o.state_dir);
	ck_assert_ptr_null(o.baseline);
	ck_assert_ptr_null(o.write_edges);
	ck_assert(!o.no_state);
	ck_assert_ptr_null(o.explain_principal);
}
END_TEST

START_TEST(test_options)
{
	char *v[] = { "passrole-auditd", "-c", "/x.conf", "-f", "-vv", "--verbose",
	    "-q", "--eval-batch", "reqs.json", "--format", "json", NULL };
	struct cli_opts o;
	struct err e;

	ck_assert_int_eq(parse(ARGC(v), v, &o, &e), 0);
	ck_assert_int_eq(o.mode, CLI_MODE_EVAL_BATCH);
	ck_assert_str_eq(o.config_path, "/x.conf");
	ck_assert(o.config_path_given);
	ck_assert(o.foreground);
	ck_assert_int_eq(o.verbosity, 2);
	ck_assert_int_eq(o.format, CLI_FORMAT_JSON);
	ck_assert_str_eq(o.mode_arg, "reqs.json");
}
END_TEST

START_TEST(test_each_mode)
{
	static const struct { const char *opt; enum cli_mode mode; } m[] = {
		{ "--audit-now", CLI_MODE_AUDIT_NOW },
		{ "--check-config", CLI_MODE_CHECK_CONFIG },
		{ "--whoami", CLI_MODE_WHOAMI },
		{ "--list-privileged", CLI_MODE_LIST_PRIVILEGED },
		{ "--help", CLI_MODE_HELP },
		{ "--version", CLI_MODE_VERSION },
		{ "--dump-schema", CLI_MODE_DUMP_SCHEMA },
	};
	struct cli_opts o;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		char *argv[] = { "passrole-auditd", (char *)m[i].opt, NULL };

		ck_assert_int_eq(parse(2, argv, &o, &e), 0);
		ck_assert_int_eq(o.mode, m[i].mode);
		ck_assert_str_eq(cli_mode_option(o.mode), m[i].opt);
	}
	{
		char *argv[] = { "passrole-auditd", "--eval=req.json", NULL };

		ck_assert_int_eq(parse(2, argv, &o, &e), 0);
		ck_assert_int_eq(o.mode, CLI_MODE_EVAL);
		ck_assert_str_eq(o.mode_arg, "req.json");
	}
}
END_TEST

START_TEST(test_audit_options)
{
	struct cli_opts o;
	struct err e;

	ck_assert_int_eq(parse(9, ARGV("--audit-now", "--input", "/dumps", "--state-dir=/s",
	    "--write-edges", "/e.json", "--format", "json"), &o, &e), 0);
	ck_assert_int_eq(o.mode, CLI_MODE_AUDIT_NOW);
	ck_assert_str_eq(o.input_dir, "/dumps");
	ck_assert_str_eq(o.state_dir, "/s");
	ck_assert_str_eq(o.write_edges, "/e.json");
	ck_assert_int_eq(o.format, CLI_FORMAT_JSON);
	ck_assert_int_eq(parse(5, ARGV("--no-state", "--baseline", "b.json", "--audit-now"),
	    &o, &e), 0);
	ck_assert(o.no_state);
	ck_assert_str_eq(o.baseline, "b.json");

	/* --explain takes two arguments, then --service and --input. */
	ck_assert_int_eq(parse(9, ARGV("--explain", "arn:aws:iam::1:user/alice", "Admin",
	    "--service", "lambda.amazonaws.com", "--input", "d", "-v"), &o, &e), 0);
	ck_assert_int_eq(o.mode, CLI_MODE_EXPLAIN);
	ck_assert_str_eq(o.explain_principal, "arn:aws:iam::1:user/alice");
	ck_assert_str_eq(o.explain_role, "Admin");
	ck_assert_str_eq(o.explain_service, "lambda.amazonaws.com");
	ck_assert_str_eq(o.input_dir, "d");
	ck_assert_int_eq(o.verbosity, 1);
	ck_assert_int_eq(parse(4, ARGV("--explain=alice", "Admin", "--format=json"), &o, &e), 0);
	ck_assert_str_eq(o.explain_principal, "alice");
	ck_assert_str_eq(o.explain_role, "Admin");
	ck_assert_ptr_null(o.explain_service);

	ck_assert_int_eq(parse(4, ARGV("--list-privileged", "--input", "d"), &o, &e), 0);
	ck_assert_int_eq(o.mode, CLI_MODE_LIST_PRIVILEGED);
	ck_assert_str_eq(cli_mode_option(CLI_MODE_EXPLAIN), "--explain");
}
END_TEST

static void
expect_usage(int argc, char **argv, const char *msg)
{
	struct cli_opts o;
	struct err e;

	ck_assert_int_eq(parse(argc, argv, &o, &e), -1);
	ck_assert_str_eq(e.msg, msg);
}

/* --account, --role, --principal: repeatable, with --audit-now only, a
 * pattern each, at most CLI_FILTER_MAX. */
START_TEST(test_filters)
{
	char *v[] = { "passrole-auditd", "--audit-now", "--account", "1111*", "--role",
	    "Deploy*", "--account", "222222222222", "--principal", "arn:aws:iam::*:user/ci-*",
	    "--format", "jsonl", NULL };
	char *many[2 + 2 * (CLI_FILTER_MAX + 1) + 1];
	struct cli_opts o;
	struct err e;
	int n = 0;

	ck_assert_int_eq(parse(ARGC(v), v, &o, &e), 0);
	ck_assert_uint_eq(o.naccounts, 2);
	ck_assert_str_eq(o.accounts[0], "1111*");
	ck_assert_str_eq(o.accounts[1], "222222222222");
	ck_assert_uint_eq(o.nroles, 1);
	ck_assert_str_eq(o.roles[0], "Deploy*");
	ck_assert_uint_eq(o.nprincipals, 1);
	ck_assert_str_eq(o.principals[0], "arn:aws:iam::*:user/ci-*");
	expect_usage(4, ARGV("--list-privileged", "--role", "x"),
	    "--role applies only to --audit-now");
	expect_usage(4, ARGV("--audit-now", "--principal", ""), "--principal needs a pattern");
	many[n++] = "passrole-auditd";
	many[n++] = "--audit-now";
	for (int i = 0; i <= CLI_FILTER_MAX; i++) {
		many[n++] = "--account";
		many[n++] = "1*";
	}
	many[n] = NULL;
	ck_assert_int_eq(parse(n, many, &o, &e), -1);
	ck_assert_str_eq(e.msg, "--account given more than 32 times");
}
END_TEST

START_TEST(test_usage_errors)
{
	expect_usage(2, ARGV("--bogus"), "unrecognized option '--bogus'");
	expect_usage(2, ARGV("-x"), "invalid option -- 'x'");
	expect_usage(2, ARGV("-vxq"), "invalid option -- 'x'");
	expect_usage(3, ARGV("--config=/a", "-vz"), "invalid option -- 'z'");
	expect_usage(2, ARGV("-c"), "option '-c' requires an argument");
	expect_usage(2, ARGV("--config"), "option '--config' requires an argument");
	expect_usage(2, ARGV("--eval"), "option '--eval' requires an argument");
	expect_usage(2, ARGV("--whoami=yes"),
	    "option '--whoami' does not take an argument");
	expect_usage(3, ARGV("--whoami", "--audit-now"),
	    "--whoami and --audit-now cannot be used together");
	expect_usage(4, ARGV("--check-config", "--eval", "f"),
	    "--check-config and --eval cannot be used together");
	expect_usage(4, ARGV("--eval", "a", "--eval-batch=b"),
	    "--eval and --eval-batch cannot be used together");
	expect_usage(3, ARGV("--audit-now", "--audit-now"), "--audit-now given twice");
	expect_usage(3, ARGV("--format", "xml"), "--format: 'xml' is not one of text, json, jsonl");
	expect_usage(3, ARGV("--format", "json"),
	    "--format applies only to --audit-now, --explain, --list-privileged, --whoami, "
	    "--eval and --eval-batch");
	expect_usage(2, ARGV("--explain"), "option '--explain' requires an argument");
	expect_usage(2, ARGV("--explain=alice"), "--explain needs a principal and a role");
	expect_usage(3, ARGV("--explain", "alice"), "--explain needs a principal and a role");
	expect_usage(4, ARGV("--explain", "alice", "--service"),
	    "--explain needs a principal and a role");
	expect_usage(4, ARGV("--explain", "alice", ""), "--explain needs a principal and a role");
	expect_usage(5, ARGV("--explain", "a", "b", "--audit-now"),
	    "--explain and --audit-now cannot be used together");
	expect_usage(4, ARGV("--audit-now", "--service", "x"),
	    "--service applies only to --explain");
	expect_usage(7, ARGV("--explain", "a", "b", "--service", "x", "--service=y"),
	    "--service given twice");
	expect_usage(3, ARGV("--input", "d"),
	    "--input applies only to --audit-now, --explain and --list-privileged");
	expect_usage(4, ARGV("--whoami", "--input", "d"),
	    "--input applies only to --audit-now, --explain and --list-privileged");
	expect_usage(3, ARGV("--audit-now", "--input="), "--input needs a directory");
	expect_usage(5, ARGV("--audit-now", "--input", "a", "--input=b"), "--input given twice");
	expect_usage(3, ARGV("--state-dir", "/s"), "--state-dir applies only to --audit-now");
	expect_usage(3, ARGV("--list-privileged", "--no-state"),
	    "--no-state applies only to --audit-now");
	expect_usage(4, ARGV("--baseline", "b", "--list-privileged"),
	    "--baseline applies only to --audit-now");
	expect_usage(2, ARGV("--write-edges=x"), "--write-edges applies only to --audit-now");
	expect_usage(4, ARGV("--audit-now", "--no-state", "--state-dir=/s"),
	    "--state-dir cannot be used with --no-state");
	expect_usage(4, ARGV("--audit-now", "--baseline=b", "--state-dir=/s"),
	    "--state-dir cannot be used with --baseline");
	expect_usage(2, ARGV("stray"), "unexpected argument 'stray'");
	expect_usage(3, ARGV("--whoami", "stray"), "unexpected argument 'stray'");
	expect_usage(5, ARGV("-c", "/a", "-c", "/b"), "-c/--config given twice");
	expect_usage(2, ARGV("--config="), "-c/--config needs a file name");
}
END_TEST

START_TEST(test_help_stops_parsing)
{
	struct cli_opts o;
	struct err e;

	/* GNU style: --help answers even when later arguments are bad. */
	ck_assert_int_eq(parse(3, ARGV("--help", "--bogus"), &o, &e), 0);
	ck_assert_int_eq(o.mode, CLI_MODE_HELP);
	ck_assert_int_eq(parse(3, ARGV("--whoami", "--version"), &o, &e), 0);
	ck_assert_int_eq(o.mode, CLI_MODE_VERSION);
}
END_TEST

START_TEST(test_log_level)
{
	ck_assert_int_eq(cli_log_level(LOG_LVL_INFO, 0), LOG_LVL_INFO);
	ck_assert_int_eq(cli_log_level(LOG_LVL_INFO, 1), LOG_LVL_DEBUG);
	ck_assert_int_eq(cli_log_level(LOG_LVL_INFO, 5), LOG_LVL_DEBUG);
	ck_assert_int_eq(cli_log_level(LOG_LVL_INFO, -1), LOG_LVL_NOTICE);
	ck_assert_int_eq(cli_log_level(LOG_LVL_INFO, -9), LOG_LVL_ERROR);
	ck_assert_int_eq(cli_log_level(LOG_LVL_WARN, 2), LOG_LVL_INFO);
}
END_TEST

START_TEST(test_help_text)
{
	static const char *const opts[] = { "--config", "--foreground", "--verbose",
		"--quiet", "--audit-now", "--check-config", "--whoami", "--eval FILE",
		"--eval-batch FILE", "--format", "--help", "--version", " 64 ",
		"--explain PRINCIPAL ROLE", "--list-privileged", "--input DIR", "--service S",
		"--state-dir DIR", "--no-state", "--baseline FILE", "--write-edges FILE" };
	char *s = NULL;
	size_t n = 0, i;
	FILE *fp = open_memstream(&s, &n);

	ck_assert_ptr_nonnull(fp);
	cli_help(fp);
	fclose(fp);
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		ck_assert_msg(strstr(s, opts[i]) != NULL, "%s missing", opts[i]);
	ck_assert_ptr_null(strstr(s, "dump-schema"));
	free(s);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_options);
	tcase_add_test(tc, test_each_mode);
	tcase_add_test(tc, test_audit_options);
	tcase_add_test(tc, test_usage_errors);
	tcase_add_test(tc, test_filters);
	tcase_add_test(tc, test_help_stops_parsing);
	tcase_add_test(tc, test_log_level);
	tcase_add_test(tc, test_help_text);
	suite_add_tcase(s, tc);
	return check_main(s);
}
