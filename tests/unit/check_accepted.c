/* Accepted edges: what an entry matches, expiry, and the file's checks. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "accepted.h"

#include "checkmain.h"

static char path[] = "/tmp/pra-accepted-XXXXXX";

static struct accepted_list *
load(const char *text, struct confdiag *d)
{
	struct accepted_list *l = NULL;
	int fd = mkstemp(path);
	FILE *f;

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	if (accepted_load(path, &l, d) != 0)
		l = NULL;
	unlink(path);
	strcpy(path, "/tmp/pra-accepted-XXXXXX");
	return l;
}

START_TEST(test_matching)
{
	struct confdiag d = CONFDIAG_INIT;
	struct accepted_list *l = load(
	    "accepted = (\n"
	    "  { principal = \"arn:aws:iam::1:user/ci-*\"; role = \"deploy-*\";\n"
	    "    services = [ \"lambda.amazonaws.com\", \"ecs-tasks.amazonaws.com\" ];\n"
	    "    reason = \"r\"; accepted_by = \"me\"; expires = \"2030-02-28\"; },\n"
	    "  { principal = \"*:user/bob\"; role = \"arn:aws:iam::1:role/x/*\";\n"
	    "    reason = \"r2\"; accepted_by = \"you\"; expires = \"2028-02-29\"; }\n"
	    ");\n", &d);
	char *lam[] = { (char *)"lambda.amazonaws.com" };
	char *two[] = { (char *)"ecs-tasks.amazonaws.com", (char *)"lambda.amazonaws.com" };
	char *ec2[] = { (char *)"ec2.amazonaws.com", (char *)"lambda.amazonaws.com" };
	time_t before = 1800000000;	/* 2027-01-15 */
	const struct accepted_entry *en;
	size_t k = 99;

	ck_assert_msg(l != NULL, "%s", d.n > 0 ? d.msgs[0] : "?");
	ck_assert_uint_eq(l->n, 2);
	ck_assert_uint_eq(l->v[0].line, 2);
	ck_assert_uint_eq(l->v[1].line, 5);
	/* A role pattern without arn: is a name; services are a bound. */
	en = accepted_match(l, "arn:aws:iam::1:user/ci-a", "arn:aws:iam::1:role/p/deploy-x", lam, 1,
	    before, &k);
	ck_assert_ptr_eq(en, &l->v[0]);
	ck_assert_uint_eq(k, 0);
	ck_assert_ptr_nonnull(accepted_match(l, "arn:aws:iam::1:user/ci-a",
	    "arn:aws:iam::1:role/deploy-x", two, 2, before, NULL));
	ck_assert_ptr_null(accepted_match(l, "arn:aws:iam::1:user/ci-a",
	    "arn:aws:iam::1:role/deploy-x", ec2, 2, before, NULL));
	/* No service can use the role: only an entry without services. */
	ck_assert_ptr_null(accepted_match(l, "arn:aws:iam::1:user/ci-a",
	    "arn:aws:iam::1:role/deploy-x", NULL, 0, before, NULL));
	ck_assert_ptr_eq(accepted_match(l, "arn:aws:iam::1:user/bob", "arn:aws:iam::1:role/x/y",
	    NULL, 0, before, NULL), &l->v[1]);
	ck_assert_ptr_null(accepted_match(l, "arn:aws:iam::1:user/bob", "arn:aws:iam::2:role/x/y",
	    NULL, 0, before, NULL));
	/* Valid through its day (UTC), not a second more. */
	ck_assert(!accepted_expired(&l->v[1], 1835481599));	/* 2028-02-29T23:59:59Z */
	ck_assert(accepted_expired(&l->v[1], 1835481600));
	ck_assert_ptr_null(accepted_match(l, "arn:aws:iam::1:user/bob", "arn:aws:iam::1:role/x/y",
	    NULL, 0, 1835481600, NULL));
	accepted_free(l);
	confdiag_free(&d);
}
END_TEST

static void
expect_problem(const char *text, const char *want)
{
	struct confdiag d = CONFDIAG_INIT;
	struct accepted_list *l = load(text, &d);
	bool found = false;

	ck_assert_ptr_null(l);
	for (size_t i = 0; i < d.n; i++)
		found = found || strstr(d.msgs[i], want) != NULL;
	ck_assert_msg(found, "no problem \"%s\" (first: %s)", want, d.n > 0 ? d.msgs[0] : "none");
	confdiag_free(&d);
}

START_TEST(test_problems)
{
	expect_problem("accepted = ( { principal = \"a\"; role = \"b\"; reason = \"r\";\n"
	    "  accepted_by = \"m\"; expires = \"2027-02-29\"; } );\n",
	    ":2: accepted[0]: expires: \"2027-02-29\" is not a date");
	expect_problem("accepted = ( { principal = \"a\"; role = \"b\"; reason = \"r\";\n"
	    "  accepted_by = \"m\"; expires = \"2027-1-09\"; } );\n", "is not a date");
	expect_problem("accepted = ( { principal = \"\"; role = \"b\"; reason = \"r\";\n"
	    "  accepted_by = \"m\"; expires = \"2027-01-09\"; } );\n",
	    "accepted[0].principal: expected a non-empty string");
	expect_problem("accepted = ( { principal = \"a\"; role = \"b\"; reason = \"r\";\n"
	    "  accepted_by = \"m\"; expires = \"2027-01-09\"; services = [ 1 ]; } );\n",
	    "services[0]: expected a service name");
	expect_problem("acepted = ( );\n", ":1: unknown setting \"acepted\"");
	expect_problem("accepted = { };\n", "accepted: expected a list");
	expect_problem("accepted = ( \"x\" );\n", "accepted[0]: expected a group");
}
END_TEST

static Suite *
accepted_suite(void)
{
	Suite *s = suite_create("accepted");
	TCase *tc = tcase_create("accepted");

	tcase_add_test(tc, test_matching);
	tcase_add_test(tc, test_problems);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_main(accepted_suite());
}
