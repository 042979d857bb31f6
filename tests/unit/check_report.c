/* Unit tests of the audit report: the aligned text table and sections,
 * and the JSON form with every documented key. */
#include "config.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/report.h"
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
make_result(struct audit_result *r, bool baseline)
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

static char *
render(const struct audit_result *r, bool json)
{
	char *s = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&s, &n);
	struct err e;

	ck_assert_ptr_nonnull(fp);
	ck_assert_msg(report_audit(fp, r->cur, r, json ? REPORT_JSON : REPORT_TEXT, &e) == 0,
	    "%s", e.msg);
	fclose(fp);
	return s;
}

START_TEST(test_text)
{
	struct audit_result r;
	char *t;

	make_result(&r, false);
	t = render(&r, false);
	ck_assert_ptr_nonnull(strstr(t, "Audit of live at 2026-11-18T12:06:40Z: INCOMPLETE"));
	/* Columns aligned on the widest cell of each. */
	ck_assert_ptr_nonnull(strstr(t,
	    "PRINCIPAL                             ROLE                                  "
	    " SERVICES                                CONDITIONS                         "
	    "         PATH                                       CAVEATS\n"
	    "arn:aws:iam::111111111111:user/alice  arn:aws:iam::111111111111:role/Admin  "
	    " ec2.amazonaws.com,lambda.amazonaws.com  aws:RequestedRegion StringEquals eu"
	    "-west-1  direct                                     -\n"
	    "arn:aws:iam::111111111111:user/carol  arn:aws:iam::111111111111:role/Deploy "
	    " none (no service can use it)            -                                  "
	    "         assume arn:aws:iam::111111111111:role/Ops  denied through vpce-0abc"
	    " (com.amazonaws.eu-west-1.events)\n"));
	ck_assert_ptr_nonnull(strstr(t, "  arn:aws:iam::111111111111:user/carol -> "
	    "arn:aws:iam::111111111111:role/Deploy: denied when the call goes through vpce-0abc"));
	ck_assert_ptr_nonnull(strstr(t, "Privileged roles: 2\n  arn:aws:iam::111111111111:role/Admin\n"
	    "      auto: allows * on *\n"));
	ck_assert_ptr_nonnull(strstr(t, "Changes since 2026-11-18T11:06:40Z: 4\n"));
	ck_assert_ptr_nonnull(strstr(t, "  changed  arn:aws:iam::111111111111:user/alice -> "
	    "arn:aws:iam::111111111111:role/Admin: services +lambda.amazonaws.com; conditions now "
	    "aws:RequestedRegion StringEquals eu-west-1\n"));
	ck_assert_ptr_nonnull(strstr(t, "  lost     arn:aws:iam::111111111111:user/bob -> "
	    "arn:aws:iam::111111111111:role/Admin (services: ec2.amazonaws.com)\n"));
	ck_assert_ptr_nonnull(strstr(t, "  gained   arn:aws:iam::111111111111:user/carol"));
	ck_assert_ptr_nonnull(strstr(t, "  role     arn:aws:iam::111111111111:role/Deploy is now "
	    "privileged: config: name Deploy*\n"));
	ck_assert_ptr_nonnull(strstr(t, "Not audited (not compared, never reported as lost): 1\n"
	    "  222222222222: AccessDenied from sts:AssumeRole\n"));
	/* zed's edge is in the unaudited account: not lost. */
	ck_assert_ptr_null(strstr(t, "user/zed"));
	ck_assert_ptr_nonnull(strstr(t, "Saved as edge set 7."));
	free(t);
	fixture_free(&r);

	make_result(&r, true);
	t = render(&r, false);
	ck_assert_ptr_nonnull(strstr(t, "Changes: none (baseline: no previous edge set"));
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
	/* Version 1's 14 keys, and "scope" and "counts" added by --summary
	 * and --changes-only (an extension: no key changed meaning). */
	ck_assert_uint_eq(n, 16);
	ck_assert_str_eq(get(o, "scope")->valuestring, "all");
	ck_assert_int_eq(cJSON_GetObjectItem(get(o, "counts"), "edges")->valueint, 2);
	ck_assert_str_eq(get(o, "format")->valuestring, "passrole-auditd-audit");
	ck_assert_str_eq(get(o, "previous_taken_at")->valuestring, "2026-11-18T11:06:40Z");
	ck_assert(cJSON_IsFalse(get(o, "complete")) && cJSON_IsFalse(get(o, "baseline")));
	ck_assert_int_eq(get(o, "saved")->valueint, 7);
	ck_assert(cJSON_IsNull(get(o, "org_note")));
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
	ck_assert_ptr_nonnull(strstr(s, "  arn:aws:iam::111111111111:role/Admin\n"
	    "      auto: allows * on *\n      auto: allows iam:PutRolePolicy on *\n"
	    "      auto: allows iam:PutRolePolicy on *\n"
	    "      ... and 3 more (--list-privileged lists them)\n"));
	free(s);
	fp = open_memstream(&s, &n);
	ck_assert_int_eq(report_privileged(fp, r.cur, false, &e), 0);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(s, "Not audited: 222222222222: AccessDenied"));
	ck_assert_ptr_null(strstr(s, "more (--list-privileged"));
	ck_assert_ptr_nonnull(strstr(s, "  arn:aws:iam::111111111111:role/Deploy\n"
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
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_privileged);
	suite_add_tcase(s, tc);
	return check_main(s);
}
