/* Unit tests of the edge set diff: every kind of change, accounts that
 * were not audited (never lost, never gained), and the baseline. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "audit/diff.h"
#include "edge_testlib.h"
#include "checkmain.h"

#define A "111111111111"
#define B "222222222222"
#define ARN(acct, res) "arn:aws:iam::" acct ":" res

static struct edge_set *
two_accounts(time_t t)
{
	struct edge_set *s = tl_set(t, "live");

	tl_account(s, A, true, NULL, false);
	tl_account(s, B, true, NULL, false);
	return s;
}

static struct edge_diff
diff(struct edge_set *old, struct edge_set *cur)
{
	struct edge_diff d;
	struct err e;

	if (old != NULL)
		edge_set_sort(old);
	edge_set_sort(cur);
	ck_assert_msg(diff_compute(old, cur, &d, &e) == 0, "%s", e.msg);
	return d;
}

static void
expect(const struct diff_entry *en, enum diff_kind k, const char *principal, const char *role,
    const char *what)
{
	const struct edge *ed = en->new_edge != NULL ? en->new_edge : en->old_edge;

	ck_assert_str_eq(diff_kind_name(en->kind), diff_kind_name(k));
	ck_assert_ptr_nonnull(ed);
	ck_assert_str_eq(ed->principal_arn, principal);
	ck_assert_str_eq(ed->role_arn, role);
	if (what == NULL)
		ck_assert_ptr_null(en->what);
	else
		ck_assert_str_eq(en->what, what);
	ck_assert((k == DIFF_GAINED) == (en->old_edge == NULL));
	ck_assert((k == DIFF_LOST) == (en->new_edge == NULL));
}

START_TEST(test_baseline)
{
	struct edge_set *cur = two_accounts(2000);
	struct edge_diff d;

	tl_account(cur, "333333333333", false, "AccessDenied from sts:AssumeRole", false);
	tl_edge(cur, A, "user/alice", "Admin", "ec2.amazonaws.com");
	d = diff(NULL, cur);
	ck_assert(d.baseline);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(d.nnot_audited, 1);
	ck_assert_str_eq(d.not_audited[0].account, "333333333333");
	ck_assert_str_eq(d.not_audited[0].why, "AccessDenied from sts:AssumeRole");
	ck_assert(!d.not_audited[0].previous);
	diff_free(&d);
	edge_set_free(cur);
}
END_TEST

START_TEST(test_every_kind)
{
	struct edge_set *old = two_accounts(1000), *cur = two_accounts(2000);
	struct edge *ed;
	struct edge_diff d;

	/* unchanged, except the reason's wording: not a change */
	tl_edge(old, A, "user/same", "Admin", "ec2.amazonaws.com");
	ed = tl_edge(cur, A, "user/same", "Admin", "ec2.amazonaws.com");
	free(ed->reason);
	ed->reason = tl_dup("allowed by Renamed (managed)");
	/* lost */
	tl_edge(old, A, "user/gone", "Admin", "ec2.amazonaws.com");
	/* gained */
	tl_edge(cur, B, "role/New", "Admin", "lambda.amazonaws.com");
	/* services changed both ways */
	tl_edge(old, A, "user/svc", "Admin", "ec2.amazonaws.com,glue.amazonaws.com");
	tl_edge(cur, A, "user/svc", "Admin", "glue.amazonaws.com,lambda.amazonaws.com");
	/* conditions appear; and disappear */
	tl_edge(old, A, "user/cond", "Admin", "ec2.amazonaws.com");
	ed = tl_edge(cur, A, "user/cond", "Admin", "ec2.amazonaws.com");
	tl_cond(ed, "aws:RequestedRegion StringEquals eu-west-1");
	ed = tl_edge(old, A, "user/uncond", "Admin", "ec2.amazonaws.com");
	tl_cond(ed, "aws:MultiFactorAuthPresent Bool true");
	tl_edge(cur, A, "user/uncond", "Admin", "ec2.amazonaws.com");
	/* path changed: direct -> through a role; and back */
	tl_edge(old, A, "user/path", "Admin", "ec2.amazonaws.com");
	ed = tl_edge(cur, A, "user/path", "Admin", "ec2.amazonaws.com");
	tl_hop(ed, "assume", ARN(A, "role/Ops"), NULL);
	tl_hop(ed, "pass", ARN(A, "role/Cfn"), "cloudformation.amazonaws.com");
	ed = tl_edge(old, A, "user/path2", "Admin", "ec2.amazonaws.com");
	tl_hop(ed, "assume", ARN(A, "role/Ops"), NULL);
	tl_edge(cur, A, "user/path2", "Admin", "ec2.amazonaws.com");
	/* everything at once, and the role is now trusted by no service */
	ed = tl_edge(old, A, "user/all", "Admin", "ec2.amazonaws.com");
	tl_cond(ed, "c1");
	ed = tl_edge(cur, A, "user/all", "Admin", "");
	tl_cond(ed, "c2");
	tl_hop(ed, "assume", ARN(A, "role/Ops"), NULL);
	/* privileged roles */
	tl_priv(old, A, "Admin", "auto: allows * on *");
	tl_priv(cur, A, "Admin", "auto: allows * on *");
	tl_priv(old, A, "OldPriv", "config: name OldPriv");
	tl_priv(cur, B, "NewPriv", "auto: allows iam:PassRole on *");

	d = diff(old, cur);
	ck_assert(!d.baseline);
	ck_assert_uint_eq(d.nnot_audited, 0);
	ck_assert_uint_eq(d.n, 10);
	/* (principal, role) order, then the privileged roles */
	expect(&d.entries[0], DIFF_CHANGED, ARN(A, "user/all"), ARN(A, "role/Admin"),
	    "services -ec2.amazonaws.com; no service can use the role now"
	    "; conditions now c2; path now assume " ARN(A, "role/Ops"));
	expect(&d.entries[1], DIFF_CHANGED, ARN(A, "user/cond"), ARN(A, "role/Admin"),
	    "conditions now aws:RequestedRegion StringEquals eu-west-1");
	expect(&d.entries[2], DIFF_LOST, ARN(A, "user/gone"), ARN(A, "role/Admin"), NULL);
	expect(&d.entries[3], DIFF_CHANGED, ARN(A, "user/path"), ARN(A, "role/Admin"),
	    "path now assume " ARN(A, "role/Ops") " -> pass " ARN(A, "role/Cfn")
	    " via cloudformation.amazonaws.com");
	expect(&d.entries[4], DIFF_CHANGED, ARN(A, "user/path2"), ARN(A, "role/Admin"),
	    "path now direct");
	expect(&d.entries[5], DIFF_CHANGED, ARN(A, "user/svc"), ARN(A, "role/Admin"),
	    "services -ec2.amazonaws.com +lambda.amazonaws.com");
	expect(&d.entries[6], DIFF_CHANGED, ARN(A, "user/uncond"), ARN(A, "role/Admin"),
	    "conditions now none");
	expect(&d.entries[7], DIFF_GAINED, ARN(B, "role/New"), ARN(B, "role/Admin"), NULL);
	ck_assert_int_eq(d.entries[8].kind, DIFF_PRIV_REMOVED);
	ck_assert_str_eq(d.entries[8].old_priv->role_arn, ARN(A, "role/OldPriv"));
	ck_assert_ptr_null(d.entries[8].new_priv);
	ck_assert_int_eq(d.entries[9].kind, DIFF_PRIV_ADDED);
	ck_assert_str_eq(d.entries[9].new_priv->role_arn, ARN(B, "role/NewPriv"));
	ck_assert_ptr_null(d.entries[9].old_priv);
	ck_assert_str_eq(diff_kind_name(DIFF_PRIV_ADDED), "privileged-added");
	ck_assert_str_eq(diff_kind_name(DIFF_PRIV_REMOVED), "privileged-removed");
	diff_free(&d);
	edge_set_free(old);
	edge_set_free(cur);
}
END_TEST

/* The bug the diff must never have: a fetch failure reads as a lost
 * PassRole, or a recovered fetch as a gained one. */
START_TEST(test_not_audited_never_lost)
{
	struct edge_set *old = two_accounts(1000), *cur = tl_set(2000, "live");
	struct edge_diff d;

	tl_account(cur, A, true, NULL, false);
	tl_account(cur, B, false, "throttled out after 5 attempts "
	    "(iam:GetAccountAuthorizationDetails)", false);
	tl_edge(old, B, "user/bob", "Admin", "ec2.amazonaws.com");
	tl_priv(old, B, "Admin", "auto: allows * on *");
	tl_edge(old, A, "user/alice", "Admin", "ec2.amazonaws.com");
	tl_edge(cur, A, "user/alice", "Admin", "ec2.amazonaws.com");
	d = diff(old, cur);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(d.nnot_audited, 1);
	ck_assert_str_eq(d.not_audited[0].account, B);
	ck_assert_str_eq(d.not_audited[0].why, "throttled out after 5 attempts "
	    "(iam:GetAccountAuthorizationDetails)");
	ck_assert(!d.not_audited[0].previous);
	diff_free(&d);

	/* The other way round: B recovers; its edges are a baseline. */
	d = diff(cur, old);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(d.nnot_audited, 1);
	ck_assert_str_eq(d.not_audited[0].account, B);
	ck_assert(d.not_audited[0].previous);
	diff_free(&d);
	edge_set_free(old);
	edge_set_free(cur);
}
END_TEST

START_TEST(test_scope_changes)
{
	struct edge_set *old = two_accounts(1000), *cur = tl_set(2000, "live");
	struct edge_diff d;

	/* B left the scope (org read): not lost; the new account C is a
	 * baseline, not gained. */
	tl_account(cur, A, true, NULL, false);
	tl_account(cur, "333333333333", true, NULL, false);
	tl_edge(old, B, "user/bob", "Admin", "ec2.amazonaws.com");
	tl_edge(cur, "333333333333", "user/carol", "Admin", "ec2.amazonaws.com");
	tl_priv(cur, "333333333333", "Admin", "auto");
	d = diff(old, cur);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(d.nnot_audited, 2);
	ck_assert_str_eq(d.not_audited[0].account, "333333333333");
	ck_assert_str_eq(d.not_audited[0].why, "not in the previous run");
	ck_assert(d.not_audited[0].previous);
	ck_assert_str_eq(d.not_audited[1].account, B);
	ck_assert_str_eq(d.not_audited[1].why,
	    "not in this run (it left the organization or the configured scope)");
	diff_free(&d);
	/* In single-account mode the account list itself is unknown. */
	cur->org_note = tl_dup("single-account mode: AccessDenied");
	d = diff(old, cur);
	ck_assert_str_eq(d.not_audited[1].why,
	    "not listed in this run (the organization could not be read)");
	diff_free(&d);
	edge_set_free(old);
	edge_set_free(cur);
}
END_TEST

START_TEST(test_org_knowledge_changes)
{
	struct edge_set *old = tl_set(1000, "live"), *cur = tl_set(2000, "live");
	struct edge_diff d;

	/* The SCPs could not be read this run: an SCP-denied edge shows up
	 * in the single-account results; it must not read as gained. */
	tl_account(old, A, true, NULL, false);
	tl_account(cur, A, true, NULL, true);
	tl_edge(cur, A, "user/dev", "Admin", "ec2.amazonaws.com");
	d = diff(old, cur);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(d.nnot_audited, 1);
	ck_assert(!d.not_audited[0].previous);
	ck_assert_ptr_nonnull(strstr(d.not_audited[0].why, "could not be read in this run"));
	diff_free(&d);
	d = diff(cur, old);
	ck_assert_uint_eq(d.n, 0);
	ck_assert(d.not_audited[0].previous);
	ck_assert_ptr_nonnull(strstr(d.not_audited[0].why, "in the previous run"));
	diff_free(&d);
	/* Both runs without the SCPs: comparable with each other. */
	old->accounts[0].org_unknown = true;
	d = diff(old, cur);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_int_eq(d.entries[0].kind, DIFF_GAINED);
	ck_assert_uint_eq(d.nnot_audited, 0);
	diff_free(&d);
	edge_set_free(old);
	edge_set_free(cur);
}
END_TEST

START_TEST(test_identical)
{
	struct edge_set *old = two_accounts(1000), *cur = two_accounts(2000);
	struct edge *ed;
	struct edge_diff d;

	ed = tl_edge(old, A, "user/a", "Admin", "ec2.amazonaws.com,lambda.amazonaws.com");
	tl_cond(ed, "x");
	tl_hop(ed, "pass", ARN(A, "role/Cfn"), "cloudformation.amazonaws.com");
	ed = tl_edge(cur, A, "user/a", "Admin", "lambda.amazonaws.com,ec2.amazonaws.com");
	tl_cond(ed, "x");
	tl_hop(ed, "pass", ARN(A, "role/Cfn"), "cloudformation.amazonaws.com");
	/* a caveat appearing is reported with the edge, not diffed */
	tl_caveat(ed, "vpce-1", "eu-west-1", "com.amazonaws.eu-west-1.events");
	d = diff(old, cur);
	ck_assert_uint_eq(d.n, 0);
	ck_assert(!d.baseline);
	diff_free(&d);
	diff_free(&d);	/* idempotent on a freed diff */
	edge_set_free(old);
	edge_set_free(cur);
}
END_TEST

/* Usability is diffed: an edge that becomes usable is CHANGED ("usable
 * now yes"); an edge from state written before usability was known
 * (unknown) is no change. */
START_TEST(test_usable_changes)
{
	struct edge_set *old = two_accounts(1000), *cur = two_accounts(2000);
	struct edge *ed;
	struct edge_diff d;

	ed = tl_edge(old, A, "user/a", "Admin", "ec2.amazonaws.com");
	tl_use(ed, "ec2.amazonaws.com", EDGE_USABLE_NO, "ec2:RunInstances", "ec2:RunInstances");
	ed = tl_edge(cur, A, "user/a", "Admin", "ec2.amazonaws.com");
	tl_use(ed, "ec2.amazonaws.com", EDGE_USABLE_YES, "ec2:RunInstances", NULL);
	tl_edge(old, A, "user/b", "Admin", "ec2.amazonaws.com");
	ed = tl_edge(cur, A, "user/b", "Admin", "ec2.amazonaws.com");
	tl_use(ed, "ec2.amazonaws.com", EDGE_USABLE_YES, "ec2:RunInstances", NULL);
	d = diff(old, cur);
	ck_assert_uint_eq(d.n, 1);
	expect(&d.entries[0], DIFF_CHANGED, ARN(A, "user/a"), ARN(A, "role/Admin"),
	    "usable now yes");
	diff_free(&d);
	edge_set_free(old);
	edge_set_free(cur);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("diff");
	TCase *tc = tcase_create("diff");

	tcase_add_test(tc, test_baseline);
	tcase_add_test(tc, test_usable_changes);
	tcase_add_test(tc, test_every_kind);
	tcase_add_test(tc, test_not_audited_never_lost);
	tcase_add_test(tc, test_scope_changes);
	tcase_add_test(tc, test_org_knowledge_changes);
	tcase_add_test(tc, test_identical);
	suite_add_tcase(s, tc);
	return check_main(s);
}
