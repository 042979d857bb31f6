/* Unit tests of the core utilities: buffers, errors, logging, secrets,
 * strings and JSON paths, the JSON text check. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/jsonutil.h"
#include "util/secret.h"
#include "util/strutil.h"

#include "checkmain.h"

START_TEST(test_buf_grows_and_stays_terminated)
{
	struct buf b;
	int i;

	buf_init(&b, 0);
	ck_assert_str_eq(buf_cstr(&b), "");
	for (i = 0; i < 1000; i++)
		ck_assert_int_eq(buf_printf(&b, "%d,", i % 10), 0);
	ck_assert_uint_eq(b.len, 2000);
	ck_assert_int_eq(b.data[b.len], '\0');
	ck_assert(strncmp(b.data, "0,1,2,", 6) == 0);
	buf_free(&b);
}
END_TEST

START_TEST(test_buf_bound_is_enforced)
{
	struct buf b;

	buf_init(&b, 8);
	ck_assert_int_eq(buf_puts(&b, "12345678"), 0);
	errno = 0;
	ck_assert_int_eq(buf_putc(&b, '9'), -1);
	ck_assert_int_eq(errno, EFBIG);
	ck_assert_str_eq(buf_cstr(&b), "12345678");
	ck_assert_int_eq(buf_printf(&b, "%s", "x"), -1);
	buf_free_secret(&b);
	ck_assert_ptr_null(b.data);
}
END_TEST

START_TEST(test_buf_steal_and_reset)
{
	struct buf b = BUF_INIT;
	char *s;

	s = buf_steal(&b);
	ck_assert_str_eq(s, "");
	free(s);
	buf_puts(&b, "abc");
	buf_reset(&b);
	ck_assert_str_eq(buf_cstr(&b), "");
	buf_puts(&b, "xyz");
	s = buf_steal(&b);
	ck_assert_str_eq(s, "xyz");
	ck_assert_ptr_null(b.data);
	free(s);
}
END_TEST

START_TEST(test_err_prefix_builds_context)
{
	struct err e;

	err_set(&e, "missing field %s", "Arn");
	err_prefix(&e, "sts:GetCallerIdentity");
	ck_assert_str_eq(e.msg, "sts:GetCallerIdentity: missing field Arn");
	err_set(NULL, "ignored");
	err_clear(&e);
	ck_assert_str_eq(e.msg, "");
}
END_TEST

START_TEST(test_log_scrubs_registered_secrets)
{
	char *out = NULL;
	size_t outlen = 0;
	FILE *fp = open_memstream(&out, &outlen);

	ck_assert_ptr_nonnull(fp);
	log_init("t", LOG_TARGET_STDERR, LOG_LVL_DEBUG);
	log_set_stream(fp);
	ck_assert_int_eq(log_secret_add("wJalrXUtnFEMI/K7MDENG"), 0);
	log_debug("server said: bad key wJalrXUtnFEMI/K7MDENG and again wJalrXUtnFEMI/K7MDENG.");
	log_info("line\ninjected");
	fflush(fp);
	ck_assert_ptr_null(strstr(out, "wJalrXUtnFEMI"));
	ck_assert_ptr_nonnull(strstr(out, "bad key **** and again ****."));
	ck_assert_ptr_nonnull(strstr(out, "line?injected"));
	log_secret_remove("wJalrXUtnFEMI/K7MDENG");
	log_set_level(LOG_LVL_WARN);
	log_info("not shown");
	fflush(fp);
	ck_assert_ptr_null(strstr(out, "not shown"));
	log_set_stream(NULL);
	log_shutdown();
	fclose(fp);
	free(out);
}
END_TEST

/* A message longer than the log's line bound: a secret across the cut
 * must not show its head (the scrubber masks whole secrets only). */
START_TEST(test_log_scrubs_before_cutting)
{
	static const char url[] = "https://hooks.example.com/services/T0/B0/"
	    "TOKENxHEADxXq5c9mJ2pLr8vWn4kTz7dYb1F";
	char *out = NULL, *pad;
	size_t outlen = 0, i;
	FILE *fp = open_memstream(&out, &outlen);

	ck_assert_ptr_nonnull(fp);
	ck_assert_ptr_nonnull(pad = malloc(4100));
	/* Every cut point across the URL, around the 4096-byte line. */
	for (i = 4000; i < 4096; i++) {
		memset(pad, 'x', i);
		pad[i] = '\0';
		log_init("t", LOG_TARGET_STDERR, LOG_LVL_DEBUG);
		log_set_stream(fp);
		ck_assert_int_eq(log_secret_add(url), 0);
		log_debug("%s%s", pad, url);
		log_secret_remove(url);
	}
	fflush(fp);
	ck_assert_ptr_null(strstr(out, "TOKENxHEAD"));
	ck_assert_ptr_null(strstr(out, "hooks.example.com/services"));
	log_set_stream(NULL);
	log_shutdown();
	fclose(fp);
	free(out);
	free(pad);
}
END_TEST

/* Two owners of one secret: the first removal must not unprotect it. */
START_TEST(test_log_secret_refcount)
{
	char *out = NULL;
	size_t outlen = 0;
	FILE *fp = open_memstream(&out, &outlen);

	log_init("t", LOG_TARGET_STDERR, LOG_LVL_DEBUG);
	log_set_stream(fp);
	ck_assert_int_eq(log_secret_add("sessiontoken123"), 0);
	ck_assert_int_eq(log_secret_add("sessiontoken123"), 0);
	log_secret_remove("sessiontoken123");
	log_info("a sessiontoken123 b");
	fflush(fp);
	ck_assert_ptr_null(strstr(out, "sessiontoken123"));
	log_secret_remove("sessiontoken123");
	log_info("c sessiontoken123 d");
	fflush(fp);
	ck_assert_ptr_nonnull(strstr(out, "c sessiontoken123 d"));
	log_set_stream(NULL);
	log_shutdown();
	fclose(fp);
	free(out);
}
END_TEST

START_TEST(test_log_level_names)
{
	enum log_level l;

	ck_assert_int_eq(log_level_parse("DEBUG", &l), 0);
	ck_assert_int_eq(l, LOG_LVL_DEBUG);
	ck_assert_int_eq(log_level_parse("warn", &l), 0);
	ck_assert_int_eq(l, LOG_LVL_WARN);
	ck_assert_int_eq(log_level_parse("loud", &l), -1);
	ck_assert_str_eq(log_level_name(LOG_LVL_NOTICE), "notice");
}
END_TEST

START_TEST(test_secret_wipe)
{
	char s[] = "topsecret";
	char *d = secret_strdup("another");

	secret_wipe(s, strlen(s));
	ck_assert(memcmp(s, "\0\0\0\0\0\0\0\0\0", 9) == 0);
	ck_assert_str_eq(d, "another");
	secret_free(d);
	secret_free(NULL);
}
END_TEST

/* NULL sorts before every string and equals only NULL, so optional model
 * fields sort deterministically. */
START_TEST(test_strutil)
{
	char **v = malloc(2 * sizeof(*v));

	ck_assert_int_eq(strutil_cmp(NULL, NULL), 0);
	ck_assert_int_lt(strutil_cmp(NULL, ""), 0);
	ck_assert_int_gt(strutil_cmp("", NULL), 0);
	ck_assert_int_lt(strutil_cmp("a", "b"), 0);
	ck_assert_int_eq(strutil_cmp("arn", "arn"), 0);
	ck_assert_ptr_nonnull(v);
	v[0] = strdup("x");
	v[1] = strdup("y");
	strutil_freev(v, 2);
	strutil_freev(NULL, 0);
}
END_TEST


/* JSON paths as the readers build them for their messages. */
START_TEST(test_strutil_path)
{
	char p[16] = "";
	size_t n = 0;

	n = strutil_path_key(p, sizeof(p), n, "accounts");
	ck_assert_str_eq(p, "accounts");
	n = strutil_path_idx(p, sizeof(p), n, 0);
	ck_assert_str_eq(p, "accounts[0]");
	n = strutil_path_key(p, sizeof(p), n, "iam");
	ck_assert_str_eq(p, "accounts[0].iam");
	ck_assert_uint_eq(n, 15);
	/* Cut at the capacity, never past it. */
	n = strutil_path_idx(p, sizeof(p), n, 18446744073709551615ULL);
	ck_assert_str_eq(p, "accounts[0].iam");
	ck_assert_uint_eq(n, 15);
	n = strutil_path_idx(p, sizeof(p), 8, 1234567);
	ck_assert_str_eq(p, "accounts[123456");
	{
		char q[32];

		n = strutil_path_idx(q, sizeof(q), 0, 18446744073709551615ULL);
		ck_assert_str_eq(q, "[18446744073709551615]");
		ck_assert_uint_eq(n, 22);
	}
}
END_TEST

static const struct {
	const char *text;
	size_t len;		/* 0: strlen */
	const char *what;	/* NULL: accepted */
	size_t off;
} bad_text_cases[] = {
	{ "{\"a\": \"plain ascii, \\\"quoted\\\" and \\\\ escaped\"}", 0, NULL, 0 },
	{ "{\"\xc3\xa9t\xc3\xa9\": \"\xf0\x9f\x98\x80 \xe2\x82\xac\"}", 0, NULL, 0 },
	{ "{\"abcdefghijklmnopqrstuvwxyz\": \"x\xc3\x28\"}", 0, "bytes that are not UTF-8", 33 },
	{ "[\"\xc0\x80\"]", 0, "bytes that are not UTF-8", 2 },
	{ "[\"\xed\xa0\x80\"]", 0, "bytes that are not UTF-8", 2 },
	{ "[\"\xf4\x90\x80\x80\"]", 0, "bytes that are not UTF-8", 2 },
	{ "[\"ok\"] \xe2\x82", 0, "bytes that are not UTF-8", 7 },
	{ "[\"aaaaaaaa\\u0000\"]", 0, "a \\u0000 (NUL) in a string, which no AWS name or "
	  "document has", 10 },
	/* Not in a string: cJSON refuses it as syntax, not as a cut. */
	{ "[\"a\", \\u0000]", 0, NULL, 0 },
	{ "[\"\\\"\\u0000\"]", 0, "a \\u0000 (NUL) in a string, which no AWS name or "
	  "document has", 4 },
	{ "[\"\\\\\"]\\u0000", 0, NULL, 0 },
	{ "[\"a\0b\"]", 7, NULL, 0 },
};

START_TEST(test_jsonutil_bad_text)
{
	const char *t = bad_text_cases[_i].text;
	size_t len = bad_text_cases[_i].len != 0 ? bad_text_cases[_i].len : strlen(t), off = 999;
	const char *what = jsonutil_bad_text(t, len, &off);

	if (bad_text_cases[_i].what == NULL) {
		ck_assert_msg(what == NULL, "case %d: %s at %zu", _i, what, off);
	} else {
		ck_assert_msg(what != NULL, "case %d accepted", _i);
		ck_assert_str_eq(what, bad_text_cases[_i].what);
		ck_assert_uint_eq(off, bad_text_cases[_i].off);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_buf_grows_and_stays_terminated);
	tcase_add_test(tc, test_buf_bound_is_enforced);
	tcase_add_test(tc, test_buf_steal_and_reset);
	tcase_add_test(tc, test_err_prefix_builds_context);
	tcase_add_test(tc, test_log_scrubs_registered_secrets);
	tcase_add_test(tc, test_log_scrubs_before_cutting);
	tcase_add_test(tc, test_log_secret_refcount);
	tcase_add_test(tc, test_log_level_names);
	tcase_add_test(tc, test_secret_wipe);
	tcase_add_test(tc, test_strutil);
	tcase_add_test(tc, test_strutil_path);
	tcase_add_loop_test(tc, test_jsonutil_bad_text, 0,
	    (int)(sizeof(bad_text_cases) / sizeof(bad_text_cases[0])));
	suite_add_tcase(s, tc);
	return check_main(s);
}
