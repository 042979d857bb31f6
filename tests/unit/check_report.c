/* Unit tests of the audit report: the aligned text table and sections,
 * and the JSON form with every documented key. */
#include "config.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/report.h"
#include "audit/reporttext.h"
#include "edge_testlib.h"
#include "checkmain.h"

#define A "111111111111"
#define B "222222222222"
#define ARN(acct, res) "arn:aws:iam::" acct ":" res

/* prev: alice -> Admin (ec2) and bob -> Admin; cur: alice -> Admin now
 * also to lambda and conditional, carol -> Deploy gained (through a role,
 * with a caveat), bob lost; B not audited this run. */
/* The previous set of the fixture: the diff borrows from it. */
static struct edge_set *fixture_prev;

static void
fixture_free(struct audit_result *r)
{
	audit_result_free(r);
	edge_set_free(fixture_prev);
	fixture_prev = NULL;
}

static void
make_result_with(struct audit_result *r, bool baseline, void (*more)(struct edge_set *cur))
{
	struct edge_set *prev = tl_set(1795000000, "live"), *cur = tl_set(1795003600, "live");
	struct edge *ed;
	struct err e;

	memset(r, 0, sizeof(*r));
	tl_account(prev, A, true, NULL, false);
	tl_account(prev, B, true, NULL, false);
	tl_edge(prev, A, "user/alice", "Admin", "ec2.amazonaws.com");
	tl_edge(prev, A, "user/bob", "Admin", "ec2.amazonaws.com");
	tl_edge(prev, B, "user/zed", "Admin", "ec2.amazonaws.com");
	tl_priv(prev, A, "Admin", "auto: allows * on *");
	tl_account(cur, A, true, NULL, false);
	tl_account(cur, B, false, "AccessDenied from sts:AssumeRole", false);
	ed = tl_edge(cur, A, "user/alice", "Admin", "ec2.amazonaws.com,lambda.amazonaws.com");
	tl_cond(ed, "aws:RequestedRegion StringEquals eu-west-1");
	ed = tl_edge(cur, A, "user/carol", "Deploy", "");
	tl_hop(ed, "assume", ARN(A, "role/Ops"), NULL);
	tl_caveat(ed, "vpce-0abc", "eu-west-1", "com.amazonaws.eu-west-1.events");
	tl_priv(cur, A, "Admin", "auto: allows * on *");
	tl_priv(cur, A, "Deploy", "config: name Deploy*");
	if (more != NULL)
		more(cur);
	edge_set_sort(prev);
	edge_set_sort(cur);
	r->cur = cur;
	if (baseline) {
		edge_set_free(prev);
		prev = NULL;
	}
	fixture_prev = prev;
	r->has_prev = prev != NULL;
	r->prev_taken_at = prev != NULL ? prev->taken_at : 0;
	ck_assert_msg(diff_compute(prev, cur, &r->diff, &e) == 0, "%s", e.msg);
	r->complete = false;
	r->saved = true;
	r->seq = 7;
}

static void
make_result(struct audit_result *r, bool baseline)
{
	make_result_with(r, baseline, NULL);
}

static const cJSON *get(const cJSON *o, const char *k);

/* The report of r in fmt with view v (NULL: width 100, no reasons, no
 * filter; the width is fixed so that $COLUMNS does not matter). */
static char *
render_view(const struct audit_result *r, enum report_format fmt, const struct report_view *v)
{
	static const struct report_view dflt = { 100, false, { NULL, 0, NULL, 0, NULL, 0 } };
	char *s = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&s, &n);
	struct err e;

	ck_assert_ptr_nonnull(fp);
	ck_assert_msg(report_audit(fp, r->cur, r, fmt, v != NULL ? v : &dflt, &e) == 0, "%s",
	    e.msg);
	fclose(fp);
	if (getenv("REPORT_DUMP") != NULL)
		fputs(s, stderr);
	return s;
}

static char *
render(const struct audit_result *r, bool json)
{
	return render_view(r, json ? REPORT_JSON : REPORT_TEXT, NULL);
}

/* Where needle is in t, which must hold it. */
static size_t
at(const char *t, const char *needle)
{
	const char *p = strstr(t, needle);

	ck_assert_msg(p != NULL, "no \"%s\" in:\n%s", needle, t);
	return (size_t)(p - t);
}

START_TEST(test_text)
{
	struct audit_result r;
	struct report_view v = { 100, true, { NULL, 0, NULL, 0, NULL, 0 } };
	char *t;

	make_result(&r, false);
	t = render(&r, false);
	ck_assert_ptr_nonnull(strstr(t, "Audit of live at 2026-11-18T12:06:40Z: INCOMPLETE"));
	/* The summary first, then the changes, the edges, the privileged
	 * roles and the accounts not audited. */
	ck_assert_uint_lt(at(t, "\nSummary\n"), at(t, "\nChanges since"));
	ck_assert_uint_lt(at(t, "\nChanges since"), at(t, "\nPassRole edges to privileged "
	    "roles, by role: 2\n"));
	ck_assert_uint_lt(at(t, "\nPassRole edges to privileged roles"), at(t,
	    "\nPrivileged roles: 2\n"));
	ck_assert_uint_lt(at(t, "\nPrivileged roles: 2\n"), at(t, "\nNot audited"));
	at(t, "  Accounts          2: 0 audited, 1 not audited\n"
	    "  Privileged roles  2\n"
	    "  PassRole edges    2: 1 unconditional, 1 conditional; of them 1 through another "
	    "role, 1 with a VPC\n"
	    "                      endpoint caveat; to 2 roles\n"
	    "  Changes           4 since 2026-11-18T11:06:40Z: 1 gained, 1 lost, 1 changed, 1 "
	    "privileged role\n"
	    "                      added\n"
	    "  State             edge set 7\n");
	/* The edges grouped by role under their account, the principal in a
	 * column, the services, conditions, path and caveats beside it. */
	at(t, "Account 111111111111: 2 edges to 2 roles\n"
	    "  role/Admin\n"
	    "    user/alice  ec2.amazonaws.com, lambda.amazonaws.com\n"
	    "                if aws:RequestedRegion StringEquals eu-west-1\n"
	    "  role/Deploy\n"
	    "    user/carol  none (no service can use it)\n"
	    "                via assume role/Ops\n"
	    "                caveat: denied through vpce-0abc (com.amazonaws.eu-west-1.events)\n");
	/* The reasons only with -v. */
	ck_assert_ptr_null(strstr(t, "why:"));
	ck_assert_ptr_null(strstr(t, "denied when the call goes through"));
	at(t, "Privileged roles: 2\n  111111111111:role/Admin\n      auto: allows * on *\n");
	at(t, "Changes since 2026-11-18T11:06:40Z: 4\n");
	at(t, "  changed  111111111111 user/alice -> role/Admin\n"
	    "           services +lambda.amazonaws.com; conditions now aws:RequestedRegion "
	    "StringEquals eu-west-1\n");
	at(t, "  lost     111111111111 user/bob -> role/Admin\n"
	    "           services: ec2.amazonaws.com\n");
	at(t, "  gained   111111111111 user/carol -> role/Deploy\n");
	at(t, "  role     111111111111:role/Deploy is now privileged\n"
	    "           config: name Deploy*\n");
	at(t, "Not audited (not compared, never reported as lost): 1\n"
	    "  222222222222: AccessDenied from sts:AssumeRole\n");
	/* zed's edge is in the unaudited account: not lost. */
	ck_assert_ptr_null(strstr(t, "user/zed"));
	free(t);

	t = render_view(&r, REPORT_TEXT, &v);
	at(t, "    user/alice  ec2.amazonaws.com, lambda.amazonaws.com\n"
	    "                if aws:RequestedRegion StringEquals eu-west-1\n"
	    "                why: allowed by PassPolicy (inline, Sid Pass)\n");
	at(t, "                caveat: denied through vpce-0abc (com.amazonaws.eu-west-1.events)\n"
	    "                  denied when the call goes through vpce-0abc");
	free(t);
	fixture_free(&r);

	make_result(&r, true);
	t = render(&r, false);
	at(t, "Changes: none (baseline: no previous edge set");
	at(t, "  Changes           none: this run is the baseline");
	free(t);
	fixture_free(&r);
}
END_TEST

static const char longuser[] = "user/automation/pipelines/eu-west-1/"
    "continuous-delivery-deployer-for-the-payments-platform";

static void
long_edge(struct edge_set *cur)
{
	struct edge *ed = tl_edge(cur, A, longuser, "Admin", "cloudformation.amazonaws.com,"
	    "ec2.amazonaws.com,ecs-tasks.amazonaws.com,lambda.amazonaws.com,"
	    "states.amazonaws.com");

	tl_cond(ed, "aws:RequestedRegion StringEquals eu-west-1; aws:PrincipalTag/team "
	    "StringEquals payments; aws:ResourceTag/env StringLike prod-*");
}

/* Every line within the width, and nothing lost to it: long names and
 * conditions wrap, an ARN longer than its column breaks at a '/'. */
START_TEST(test_text_width)
{
	static const unsigned widths[] = { 60, 100, 200 };
	struct audit_result r;

	make_result_with(&r, false, long_edge);
	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		struct report_view v = { widths[i], true, { NULL, 0, NULL, 0, NULL, 0 } };
		char *t = render_view(&r, REPORT_TEXT, &v), *flat, *q;
		const char *line = t;
		size_t longest = 0;

		for (const char *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1)
			if ((size_t)(nl - line) > longest)
				longest = (size_t)(nl - line);
		ck_assert_msg(longest <= widths[i], "width %u: a line of %zu:\n%s", widths[i],
		    longest, t);
		/* With the wrapping taken out, the whole name and the whole
		 * conditions are there. */
		flat = strdup(t);
		ck_assert_ptr_nonnull(flat);
		q = flat;
		for (const char *p = t; *p != '\0'; p++)
			if (*p != ' ' && *p != '\n')
				*q++ = *p;
		*q = '\0';
		ck_assert_ptr_nonnull(strstr(flat, "user/automation/pipelines/eu-west-1/"
		    "continuous-delivery-deployer-for-the-payments-platform"));
		ck_assert_ptr_nonnull(strstr(flat, "aws:ResourceTag/envStringLikeprod-*"));
		ck_assert_ptr_nonnull(strstr(flat, "states.amazonaws.com"));
		if (widths[i] == 200)
			ck_assert_ptr_nonnull(strstr(t, longuser));
		free(flat);
		free(t);
	}
	fixture_free(&r);
}
END_TEST

/* The width: $COLUMNS, else 100 when not a terminal; never below the
 * minimum. */
START_TEST(test_width_from_env)
{
	FILE *fp = tmpfile();

	ck_assert_ptr_nonnull(fp);
	setenv("COLUMNS", "132", 1);
	ck_assert_uint_eq(reporttext_width(fp), 132);
	setenv("COLUMNS", "10", 1);
	ck_assert_uint_eq(reporttext_width(fp), REPORTTEXT_MIN_WIDTH);
	setenv("COLUMNS", "wide", 1);
	ck_assert_uint_eq(reporttext_width(fp), 100);
	unsetenv("COLUMNS");
	ck_assert_uint_eq(reporttext_width(fp), 100);
	fclose(fp);
}
END_TEST

/* The filters, in every format: edges, changes, privileged roles,
 * accounts and the accounts not audited; the text says a filter applies. */
START_TEST(test_filters)
{
	static const char *const acct_b[] = { B }, *const role_dep[] = { "Dep*" },
	    *const alice[] = { "arn:aws:iam::*:user/alice" }, *const two[] = { "alice", "carol" };
	struct audit_result r;
	struct report_view v = { 100, false, { NULL, 0, NULL, 0, NULL, 0 } };
	char *t;
	cJSON *o;

	make_result(&r, false);

	/* --role 'Dep*': the Deploy edge, role and change; not Admin's. */
	v.filter.roles = role_dep;
	v.filter.nroles = 1;
	t = render_view(&r, REPORT_TEXT, &v);
	at(t, "  Filter            --role Dep* (the output only: every account was audited, ");
	at(t, "  PassRole edges    1 shown of 2: 1 unconditional");
	at(t, "  role/Deploy\n    user/carol");
	ck_assert_ptr_null(strstr(t, "user/alice"));
	ck_assert_ptr_null(strstr(t, "role/Admin"));
	at(t, "  Changes           2 shown of 4 since 2026-11-18T11:06:40Z: 1 gained, 1 "
	    "privileged role added\n");
	free(t);
	t = render_view(&r, REPORT_JSON, &v);
	o = cJSON_Parse(t);
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(cJSON_GetArraySize(get(o, "edges")), 1);
	ck_assert_str_eq(get(cJSON_GetArrayItem(get(o, "edges"), 0), "role_arn")->valuestring,
	    ARN(A, "role/Deploy"));
	ck_assert_int_eq(cJSON_GetArraySize(get(o, "privileged")), 1);
	ck_assert_int_eq(cJSON_GetArraySize(get(o, "changes")), 2);
	ck_assert_str_eq(cJSON_GetArrayItem(get(get(o, "filter"), "roles"), 0)->valuestring,
	    "Dep*");
	/* The counts stay the run's. */
	ck_assert_int_eq(get(get(o, "counts"), "edges")->valueint, 2);
	cJSON_Delete(o);
	free(t);

	/* --principal by ARN pattern, and by name (any of two): no
	 * privileged role, which has no principal. */
	v.filter.roles = NULL;
	v.filter.nroles = 0;
	v.filter.principals = alice;
	v.filter.nprincipals = 1;
	t = render_view(&r, REPORT_JSONL, &v);
	ck_assert_ptr_nonnull(strstr(t, "{\"type\":\"edge\",\"principal_arn\":\""
	    ARN(A, "user/alice") "\""));
	ck_assert_ptr_null(strstr(t, "user/carol"));
	ck_assert_ptr_null(strstr(t, "\"type\":\"privileged\""));
	ck_assert_ptr_nonnull(strstr(t, "{\"type\":\"change\",\"kind\":\"changed\""));
	ck_assert_ptr_null(strstr(t, "\"kind\":\"lost\""));
	ck_assert_ptr_nonnull(strstr(t, "\"filter\":{\"accounts\":[],\"roles\":[],"
	    "\"principals\":[\"arn:aws:iam::*:user/alice\"]}"));
	free(t);
	v.filter.principals = two;
	v.filter.nprincipals = 2;
	t = render_view(&r, REPORT_TEXT, &v);
	at(t, "    user/alice");
	at(t, "    user/carol");
	at(t, "Privileged roles: 0\n");
	ck_assert_ptr_null(strstr(t, "user/bob"));
	free(t);

	/* --account: B's only; it was not audited, so that is all there is. */
	v.filter.principals = NULL;
	v.filter.nprincipals = 0;
	v.filter.accounts = acct_b;
	v.filter.naccounts = 1;
	t = render_view(&r, REPORT_JSON, &v);
	o = cJSON_Parse(t);
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(cJSON_GetArraySize(get(o, "edges")), 0);
	ck_assert_int_eq(cJSON_GetArraySize(get(o, "changes")), 0);
	ck_assert_int_eq(cJSON_GetArraySize(get(o, "accounts")), 1);
	ck_assert_int_eq(cJSON_GetArraySize(get(o, "not_audited")), 1);
	cJSON_Delete(o);
	free(t);
	t = render_view(&r, REPORT_TEXT, &v);
	at(t, "Changes since 2026-11-18T11:06:40Z: none shown (filter)\n");
	at(t, "  Changes           0 shown of 4 since 2026-11-18T11:06:40Z\n");
	at(t, "  222222222222: AccessDenied");
	ck_assert_ptr_null(strstr(t, "111111111111"));
	free(t);
	fixture_free(&r);
}
END_TEST

static const cJSON *
get(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	ck_assert_msg(v != NULL, "key %s missing", k);
	return v;
}

START_TEST(test_json)
{
	static const char *const keys[] = { "format", "version", "taken_at", "source",
		"complete", "baseline", "previous_taken_at", "saved", "org_note", "accounts",
		"privileged", "edges", "changes", "not_audited", NULL };
	struct audit_result r;
	char *t;
	cJSON *o;
	const cJSON *c, *it;
	size_t n = 0;

	make_result(&r, false);
	t = render(&r, true);
	o = cJSON_Parse(t);
	ck_assert_ptr_nonnull(o);
	for (size_t i = 0; keys[i] != NULL; i++)
		get(o, keys[i]);
	cJSON_ArrayForEach(it, o)
		n++;
	/* Version 1's 14 keys, "scope" and "counts" added by --summary and
	 * --changes-only, "filter" by the filters (extensions: no key changed
	 * meaning). */
	ck_assert_uint_eq(n, 17);
	ck_assert_str_eq(get(o, "scope")->valuestring, "all");
	ck_assert_int_eq(cJSON_GetObjectItem(get(o, "counts"), "edges")->valueint, 2);
	ck_assert_str_eq(get(o, "format")->valuestring, "passrole-auditd-audit");
	ck_assert_str_eq(get(o, "previous_taken_at")->valuestring, "2026-11-18T11:06:40Z");
	ck_assert(cJSON_IsFalse(get(o, "complete")) && cJSON_IsFalse(get(o, "baseline")));
	ck_assert_int_eq(get(o, "saved")->valueint, 7);
	ck_assert(cJSON_IsNull(get(o, "org_note")));
	ck_assert(cJSON_IsNull(get(o, "filter")));
	ck_assert_int_eq(cJSON_GetArraySize(get(o, "edges")), 2);
	c = get(o, "changes");
	ck_assert_int_eq(cJSON_GetArraySize(c), 4);
	it = cJSON_GetArrayItem(c, 0);
	ck_assert_str_eq(get(it, "kind")->valuestring, "changed");
	ck_assert_str_eq(get(it, "what")->valuestring, "services +lambda.amazonaws.com; "
	    "conditions now aws:RequestedRegion StringEquals eu-west-1");
	ck_assert_int_eq(cJSON_GetArraySize(get(get(it, "old"), "services")), 1);
	ck_assert_int_eq(cJSON_GetArraySize(get(get(it, "new"), "services")), 2);
	it = cJSON_GetArrayItem(c, 3);
	ck_assert_str_eq(get(it, "kind")->valuestring, "privileged-added");
	ck_assert(cJSON_IsNull(get(it, "principal_arn")) && cJSON_IsNull(get(it, "old")));
	ck_assert_str_eq(get(it, "role_arn")->valuestring, ARN(A, "role/Deploy"));
	ck_assert_str_eq(get(get(it, "new"), "role_arn")->valuestring, ARN(A, "role/Deploy"));
	it = cJSON_GetArrayItem(get(o, "not_audited"), 0);
	ck_assert_str_eq(get(it, "account")->valuestring, B);
	ck_assert(cJSON_IsFalse(get(it, "previous")));
	cJSON_Delete(o);
	free(t);
	fixture_free(&r);
}
END_TEST

START_TEST(test_privileged)
{
	struct audit_result r;
	char *s = NULL;
	size_t n = 0;
	FILE *fp;
	struct err e;
	cJSON *o;

	make_result(&r, true);
	for (int i = 0; i < 5; i++) {
		struct edge_privileged *p = &r.cur->privileged[0];

		p->reasons = tl_grow(p->reasons, &p->nreasons, sizeof(char *));
		p->reasons[p->nreasons - 1] = tl_dup("auto: allows iam:PutRolePolicy on *");
	}
	s = render(&r, false);
	ck_assert_ptr_nonnull(strstr(s, "  111111111111:role/Admin\n"
	    "      auto: allows * on *\n      auto: allows iam:PutRolePolicy on *\n"
	    "      auto: allows iam:PutRolePolicy on *\n"
	    "      ... and 3 more (--list-privileged lists them)\n"));
	free(s);
	fp = open_memstream(&s, &n);
	ck_assert_int_eq(report_privileged(fp, r.cur, false, &e), 0);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(s, "Not audited: 222222222222: AccessDenied"));
	ck_assert_ptr_null(strstr(s, "more (--list-privileged"));
	ck_assert_ptr_nonnull(strstr(s, "  111111111111:role/Deploy\n"
	    "      config: name Deploy*\n"));
	free(s);
	fp = open_memstream(&s, &n);
	ck_assert_int_eq(report_privileged(fp, r.cur, true, &e), 0);
	fclose(fp);
	o = cJSON_Parse(s);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(get(o, "format")->valuestring, "passrole-auditd-privileged");
	ck_assert_int_eq(cJSON_GetArraySize(get(o, "privileged")), 2);
	ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(o, "edges"));
	cJSON_Delete(o);
	free(s);
	fixture_free(&r);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");

	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_text_width);
	tcase_add_test(tc, test_width_from_env);
	tcase_add_test(tc, test_filters);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_privileged);
	suite_add_tcase(s, tc);
	return check_main(s);
}
