/* The bounded XML tree: shapes AWS sends, and hostile input it must refuse. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "aws/xml.h"
#include "util/buf.h"

#include "checkmain.h"

static struct xml_doc *
parse_ok(const char *s)
{
	struct xml_doc *d = NULL;
	struct err e;

	err_clear(&e);
	ck_assert_msg(xml_parse(s, strlen(s), NULL, &d, &e) == 0, "%s", e.msg);
	return d;
}

static void
parse_fails(const char *s, size_t len, const struct xml_limits *lim, const char *expect)
{
	struct xml_doc *d = (struct xml_doc *)1;
	struct err e;

	err_clear(&e);
	ck_assert_int_eq(xml_parse(s, len, lim, &d, &e), -1);
	ck_assert_ptr_null(d);
	ck_assert_msg(strstr(e.msg, expect) != NULL, "\"%s\" lacks \"%s\"", e.msg, expect);
}

START_TEST(test_namespaces_and_lists)
{
	struct xml_doc *d = parse_ok(
	    "<?xml version=\"1.0\"?>\n<a:Root xmlns:a=\"urn:x\" xmlns=\"urn:y\">\n"
	    "  <a:List>\n    <member>one</member>\n    <b:member xmlns:b=\"urn:z\"> two </b:member>\n"
	    "    <other>x</other><member/>\n  </a:List>\n  <Empty/>\n"
	    "  <Items><item><k>v &amp; &lt;w&gt; &#x41;</k></item></Items>\n</a:Root>");
	const struct xml_node *l, *m;

	ck_assert_str_eq(d->root->name, "Root");
	l = xml_child(d->root, "List");
	ck_assert_ptr_nonnull(l);
	ck_assert_uint_eq(xml_list_count(l), 3);
	m = xml_list_first(l);
	ck_assert_str_eq(m->text, "one");
	m = xml_list_next(m);
	ck_assert_str_eq(m->text, "two");
	m = xml_list_next(m);
	ck_assert_str_eq(m->text, "");
	ck_assert_ptr_null(xml_list_next(m));
	ck_assert_uint_eq(xml_list_count(xml_child(d->root, "Empty")), 0);
	ck_assert_ptr_null(xml_list_first(xml_child(d->root, "Absent")));
	ck_assert_str_eq(xml_path_text(d->root, "Items/item/k"), "v & <w> A");
	ck_assert_ptr_null(xml_path_text(d->root, "Items/nope/k"));
	ck_assert_str_eq(xml_path_text(d->root, "List"), "");
	ck_assert_ptr_null(xml_next_same(xml_child(d->root, "Empty")));
	xml_free(d);
}
END_TEST

START_TEST(test_doctype_and_entities_refused)
{
	const char *lol =
	    "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
	    "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
	    "<lolz>&lol2;</lolz>";
	const char *ext =
	    "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>";
	const char *plain = "<!DOCTYPE r><r/>";

	parse_fails(lol, strlen(lol), NULL, "DOCTYPE");
	parse_fails(ext, strlen(ext), NULL, "DOCTYPE");
	parse_fails(plain, strlen(plain), NULL, "DOCTYPE");
	/* An undeclared entity is a plain error, never a lookup. */
	parse_fails("<r>&x;</r>", 10, NULL, "malformed XML");
}
END_TEST

START_TEST(test_depth_bomb)
{
	struct buf b = BUF_INIT;
	struct xml_limits lim;
	int i;

	for (i = 0; i < 100000; i++)
		ck_assert_int_eq(buf_puts(&b, "<a>"), 0);
	parse_fails(b.data, b.len, NULL, "nested too deeply");
	buf_reset(&b);
	xml_limits_default(&lim);
	lim.max_depth = 3;
	buf_puts(&b, "<a><b><c></c></b></a>");
	{
		struct xml_doc *d = NULL;
		struct err e;

		ck_assert_int_eq(xml_parse(b.data, b.len, &lim, &d, &e), 0);
		xml_free(d);
	}
	buf_reset(&b);
	buf_puts(&b, "<a><b><c><d/></c></b></a>");
	parse_fails(b.data, b.len, &lim, "nested too deeply");
	buf_free(&b);
}
END_TEST

START_TEST(test_size_and_node_bounds)
{
	struct buf b = BUF_INIT;
	struct xml_limits lim;
	int i;

	xml_limits_default(&lim);
	lim.max_bytes = 1000;
	buf_puts(&b, "<r>");
	for (i = 0; i < 1000; i++)
		buf_puts(&b, "x");
	buf_puts(&b, "</r>");
	parse_fails(b.data, b.len, &lim, "exceeds the limit");

	xml_limits_default(&lim);
	lim.max_nodes = 50;
	buf_reset(&b);
	buf_puts(&b, "<r>");
	for (i = 0; i < 100; i++)
		buf_puts(&b, "<member>m</member>");
	buf_puts(&b, "</r>");
	parse_fails(b.data, b.len, &lim, "too many elements");

	/* A wide, big document within the bounds is fine (and freed without recursion). */
	buf_reset(&b);
	buf_puts(&b, "<r>");
	for (i = 0; i < 20000; i++)
		buf_puts(&b, "<member><n>x</n></member>");
	buf_puts(&b, "</r>");
	{
		struct xml_doc *d = NULL;
		struct err e;

		ck_assert_int_eq(xml_parse(b.data, b.len, NULL, &d, &e), 0);
		ck_assert_uint_eq(xml_list_count(d->root), 20000);
		ck_assert_uint_eq(d->nodes, 40001);
		xml_free(d);
	}
	buf_free(&b);
}
END_TEST

START_TEST(test_truncated_and_garbage)
{
	static const char *const bad[] = {
		"", "   ", "<", "<r>", "<r><a>x</a>", "<r></s>", "not xml at all", "{\"json\":1}",
		"<r/><r/>", "<r>\x01</r>", "<r a=\"1></r>", "<?xml version=\"1.0\"?>",
		"<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::1",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct xml_doc *d = NULL;
		struct err e;

		err_clear(&e);
		ck_assert_msg(xml_parse(bad[i], strlen(bad[i]), NULL, &d, &e) == -1, "%s", bad[i]);
		ck_assert_ptr_null(d);
		ck_assert_msg(strstr(e.msg, "XML") != NULL, "%s", e.msg);
	}
	/* Embedded NUL bytes are data errors, not string terminators. */
	{
		struct xml_doc *d = NULL;
		struct err e;

		ck_assert_int_eq(xml_parse("<r>a\0b</r>", 10, NULL, &d, &e), -1);
	}
}
END_TEST

START_TEST(test_random_mutations_never_crash)
{
	const char *seed_doc =
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response xmlns=\"http://x/\"><Errors><Error>"
	    "<Code>AuthFailure</Code><Message>a &amp; b</Message></Error></Errors>"
	    "<RequestID>id</RequestID></Response>";
	size_t len = strlen(seed_doc), i, j;
	char *m = malloc(len + 1);
	uint64_t x = 88172645463325252ULL;

	ck_assert_ptr_nonnull(m);
	for (i = 0; i < 5000; i++) {
		struct xml_doc *d = NULL;
		size_t cut;

		memcpy(m, seed_doc, len + 1);
		for (j = 0; j < 4; j++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			m[x % len] = (char)(x >> 32);
		}
		cut = (size_t)(x >> 40) % (len + 1);
		if (xml_parse(m, cut, NULL, &d, NULL) == 0) {
			ck_assert_ptr_nonnull(d->root);
			xml_free(d);
		}
	}
	free(m);
}
END_TEST

static Suite *
xml_suite(void)
{
	Suite *s = suite_create("xml");
	TCase *tc = tcase_create("tree");

	tcase_add_test(tc, test_namespaces_and_lists);
	tcase_add_test(tc, test_doctype_and_entities_refused);
	tcase_add_test(tc, test_depth_bomb);
	tcase_add_test(tc, test_size_and_node_bounds);
	tcase_add_test(tc, test_truncated_and_garbage);
	tcase_add_test(tc, test_random_mutations_never_crash);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_main(xml_suite());
}
