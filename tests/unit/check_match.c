/* Wildcard and ARN matching (src/policy/match.c). */
#include "config.h"

#include <check.h>
#include <stdlib.h>

#include "policy/match.h"

#include "checkmain.h"

START_TEST(test_glob_basics)
{
	ck_assert(match_glob("iam:*", "iam:PassRole", false));
	ck_assert(match_glob("*", "", false));
	ck_assert(match_glob("", "", false));
	ck_assert(!match_glob("", "a", false));
	ck_assert(match_glob("iam:Pass*", "iam:PassRole", false));
	ck_assert(!match_glob("iam:pass*", "iam:PassRole", false));
	ck_assert(match_glob("IAM:passrole", "iam:PassRole", true));
	ck_assert(match_glob("role/Ad?in", "role/Admin", false));
	ck_assert(!match_glob("role/Ad?in", "role/Adin", false));
	ck_assert(match_glob("a*b*c", "aXXbYYc", false));
	ck_assert(!match_glob("a*b*c", "aXXbYY", false));
	ck_assert(match_glob("*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaab", false));
	ck_assert(!match_glob("*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaa", false));
	ck_assert(match_glob("**", "x", false));
}
END_TEST

START_TEST(test_glob_utf8_and_escape)
{
	/* ? is one character, not one byte */
	ck_assert(match_glob("caf?", "caf\xc3\xa9", false));
	ck_assert(!match_glob("caf??", "caf\xc3\xa9", false));
	/* ${*} arrives as ESC '*': a literal star */
	ck_assert(match_glob("a\x01*b", "a*b", false));
	ck_assert(!match_glob("a\x01*b", "aXb", false));
	ck_assert(match_glob("a\x01?", "a?", false));
	ck_assert(!match_glob("a\x01?", "ab", false));
	ck_assert(match_has_wildcard("a*"));
	ck_assert(!match_has_wildcard("a\x01*"));
}
END_TEST

START_TEST(test_arn_segments)
{
	const char *admin = "arn:aws:iam::111122223333:role/Admin";

	ck_assert(match_arn("*", admin));
	ck_assert(match_arn("arn:aws:iam::*:role/*", admin));
	ck_assert(match_arn("arn:aws:iam::111122223333:role/Admin", admin));
	ck_assert(!match_arn("arn:aws:iam::111122223333:role/admin", admin));
	ck_assert(!match_arn("arn:aws:iam::111122223333:role/Admin", "arn:aws:iam::111122223333:role/ops/Admin"));
	ck_assert(match_arn("arn:aws:iam::111122223333:role/*Admin", "arn:aws:iam::111122223333:role/ops/Admin"));
	/* a wildcard stays inside its segment: the service part cannot eat the colons after it */
	ck_assert(!match_arn("arn:aws:*:role/Admin", admin));
	ck_assert(match_arn("arn:*:*:*:*:*", admin));
	ck_assert(match_arn("arn:aws:iam::*:*", admin));
	/* the resource part keeps further colons */
	ck_assert(match_arn("arn:aws:logs:*:*:log-group:x:*", "arn:aws:logs:eu-west-1:1:log-group:x:log-stream:y"));
	ck_assert(!match_arn("arn:aws:iam::1:role/A", "not-an-arn"));
	ck_assert(match_arn("not-an-arn", "not-an-arn"));
}
END_TEST

/* A resource the caller chooses: some ARN both patterns match. */
START_TEST(test_arn_overlap)
{
	const char *ours = "arn:aws:lambda:*:111111111111:function:*";

	ck_assert(match_arn_overlap("arn:aws:lambda:*:*:function:*", ours));
	ck_assert(match_arn_overlap("arn:aws:lambda:eu-west-1:111111111111:function:app-*", ours));
	ck_assert(match_arn_overlap("arn:aws:lambda:eu-?est-1:*:function:x", ours));
	ck_assert(match_arn_overlap("*", ours));
	ck_assert(!match_arn_overlap("arn:aws:lambda:*:222222222222:function:*", ours));
	ck_assert(!match_arn_overlap("arn:aws:lambda:*:*:layer:*", ours));
	ck_assert(!match_arn_overlap("arn:aws:s3:::bucket", ours));
	/* Stars on both sides, with text around them. */
	ck_assert(match_glob_overlap_n("a*c", 3, "*b*", 3));
	ck_assert(match_glob_overlap_n("ab*", 3, "*cd", 3));
	ck_assert(!match_glob_overlap_n("ab*", 3, "b*", 2));
	ck_assert(!match_glob_overlap_n("a?c", 3, "ab", 2));
	ck_assert(match_glob_overlap_n("", 0, "*", 1));
	ck_assert(!match_glob_overlap_n("", 0, "?", 1));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("match");
	TCase *tc = tcase_create("match");

	tcase_add_test(tc, test_glob_basics);
	tcase_add_test(tc, test_glob_utf8_and_escape);
	tcase_add_test(tc, test_arn_segments);
	tcase_add_test(tc, test_arn_overlap);
	suite_add_tcase(s, tc);
	return check_main(s);
}
