/*
 * Alerts grouped by cause (group.h): one alert per cause in the order of
 * their first changes, counts and accounts, bounded lists with a count of
 * what is left out (JSON, syslog line, Slack body), the filters choosing
 * the changes, severity, ids, and diffs whose causes were not looked for.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/alert.h"
#include "alert/group.h"
#include "alert/webhook.h"

#include "checkmain.h"

#define NMANY 250

static struct diff_cause scp = {
	(char *)"scp", (char *)"999999999999", (char *)"Guard", (char *)"arn:aws:organizations::x",
	(char *)"p-guard", NULL, (char *)"sha256:aaaa", (char *)"sha256:bbbb", true, false,
};
static struct diff_cause att = {
	(char *)"policy-attachment", (char *)"111111111111", (char *)"Pass",
	(char *)"arn:aws:iam::111111111111:policy/Pass", NULL,
	(char *)"arn:aws:iam::111111111111:user/u0", (char *)"attached", (char *)"detached", true,
	false,
};
static char *svc[] = { (char *)"ec2.amazonaws.com" };
static struct edge edges[NMANY + 1];
static char names[NMANY + 1][96];
static struct diff_entry entries[NMANY + 2];
static struct edge_diff diff;
static struct config cfg;
static const struct alert_run run1 = { "run-1", 1700000000, ALERT_RUN_OK, NULL, NULL, 0 };

/* NMANY edges gained by the SCP's change (half in each of two accounts),
 * one lost by the detachment, one of unknown cause. */
static void
setup(void)
{
	memset(&cfg, 0, sizeof(cfg));
	cfg.alerts.min_severity = LOG_LVL_DEBUG;
	cfg.alerts.syslog.gained = LOG_LVL_WARN;
	cfg.alerts.syslog.lost = LOG_LVL_NOTICE;
	cfg.alerts.syslog.changed = LOG_LVL_NOTICE;
	cfg.alerts.syslog.privileged = LOG_LVL_INFO;
	cfg.alerts.syslog.failed = LOG_LVL_ERROR;
	cfg.alerts.group_by = CONFIG_GROUP_CAUSE;
	/* The severities these tests set, not the risk table's. */
	cfg.alerts.severity_by = CONFIG_SEVERITY_KIND;
	cfg.alerts.on_baseline = CONFIG_BASELINE_NONE;
	memset(&diff, 0, sizeof(diff));
	memset(entries, 0, sizeof(entries));
	for (size_t i = 0; i <= NMANY; i++) {
		const char *acct = i % 2 ? "222222222222" : "111111111111";

		snprintf(names[i], sizeof(names[i]), "arn:aws:iam::%s:user/u%zu", acct, i);
		memset(&edges[i], 0, sizeof(edges[i]));
		edges[i].principal_arn = names[i];
		edges[i].principal_type = (char *)"user";
		edges[i].account = (char *)acct;
		edges[i].role_arn = (char *)(i % 2 ? "arn:aws:iam::222222222222:role/Admin" :
		    "arn:aws:iam::111111111111:role/Admin");
		edges[i].services = svc;
		edges[i].nservices = 1;
		edges[i].reason = (char *)"allowed by Pass";
	}
	for (size_t i = 0; i < NMANY; i++) {
		entries[i].kind = DIFF_GAINED;
		entries[i].new_edge = &edges[i + 1];
		entries[i].causes = &scp;
		entries[i].ncauses = 1;
	}
	entries[NMANY].kind = DIFF_LOST;
	entries[NMANY].old_edge = &edges[0];
	entries[NMANY].causes = &att;
	entries[NMANY].ncauses = 1;
	entries[NMANY + 1].kind = DIFF_GAINED;
	entries[NMANY + 1].new_edge = &edges[0];
	entries[NMANY + 1].causes_note = "inputs of the previous run not kept";
	diff.entries = entries;
	diff.n = NMANY + 2;
}

static void
teardown(void)
{
}

static void
build(const struct alert_run *run, struct alert **v, size_t *n)
{
	struct err e = { "" };

	ck_assert_msg(alert_build(&cfg.alerts, run, &diff, v, n, &e) == 0, "%s", e.msg);
}

START_TEST(test_one_alert_per_cause)
{
	struct alert *v;
	size_t n;
	const struct alert_group *g;

	build(&run1, &v, &n);
	ck_assert_uint_eq(n, 3);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(v[i].kind, ALERT_CAUSE);
	g = v[0].group;
	ck_assert_str_eq(g->causes[0].id, "p-guard");
	ck_assert_uint_eq(g->counts[DIFF_GAINED], NMANY);
	ck_assert_uint_eq(g->naccounts, 2);
	ck_assert_ptr_null(v[0].account);	/* two accounts */
	ck_assert_uint_eq(g->nitems, ALERT_GROUP_ITEMS_MAX);
	ck_assert_uint_eq(g->omitted, NMANY - ALERT_GROUP_ITEMS_MAX);
	ck_assert_int_eq(v[0].severity, LOG_LVL_WARN);
	ck_assert_str_eq(v[0].change, "scp Guard (arn:aws:organizations::x) in 999999999999: "
	    "sha256:aaaa -> sha256:bbbb");
	ck_assert_ptr_nonnull(strstr(v[0].reason, "250 edges gained in 2 accounts: gained "
	    "user/u1 -> role/Admin (222222222222); gained user/u2 -> role/Admin (111111111111)"));
	ck_assert_ptr_nonnull(strstr(v[0].reason, "; and 240 more"));
	g = v[1].group;
	ck_assert_str_eq(g->causes[0].kind, "policy-attachment");
	ck_assert_uint_eq(g->counts[DIFF_LOST], 1);
	ck_assert_str_eq(v[1].account, "111111111111");
	ck_assert_int_eq(v[1].severity, LOG_LVL_NOTICE);
	ck_assert_str_eq(v[1].reason, "1 edge lost in 1 account: lost user/u0 -> role/Admin "
	    "(111111111111)");
	g = v[2].group;
	ck_assert_uint_eq(g->ncauses, 0);
	ck_assert_str_eq(g->note, "inputs of the previous run not kept");
	ck_assert_str_eq(v[2].change, "cause unknown: inputs of the previous run not kept");
	alert_array_free(v, n);
}
END_TEST

START_TEST(test_bounded_forms)
{
	struct config_webhook c = { .name = (char *)"slack",
		.url = (char *)"https://hooks.example/x", .format = CONFIG_WEBHOOK_SLACK };
	struct err e = { "" };
	struct webhook *w;
	struct alert *v, back;
	size_t n;
	char *kv, *body, *sum;
	cJSON *j;

	build(&run1, &v, &n);
	/* JSON: the first 200, then a count; read back whole. */
	j = alert_to_json(&v[0]);
	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "edges")),
	    ALERT_GROUP_ITEMS_MAX);
	ck_assert_int_eq(cJSON_GetObjectItem(j, "edges_omitted")->valueint,
	    NMANY - ALERT_GROUP_ITEMS_MAX);
	ck_assert_int_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "counts"), "gained")->valueint,
	    NMANY);
	ck_assert_str_eq(cJSON_GetObjectItem(j, "kind")->valuestring, "cause");
	ck_assert_msg(alert_from_json(j, &back, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(back.id, v[0].id);
	ck_assert_uint_eq(back.group->nitems, ALERT_GROUP_ITEMS_MAX);
	ck_assert_uint_eq(back.group->omitted, NMANY - ALERT_GROUP_ITEMS_MAX);
	alert_free(&back);
	cJSON_Delete(j);
	/* Syslog: one line naming ten changes. */
	kv = alert_format_kv(&v[0]);
	ck_assert_ptr_nonnull(kv);
	ck_assert_ptr_nonnull(strstr(kv, "kind=cause severity=warning id="));
	ck_assert_ptr_nonnull(strstr(kv, "and 240 more"));
	ck_assert_uint_lt(strlen(kv), 2048);
	free(kv);
	/* Slack: the summary, the cause and the bounded list. */
	sum = alert_format_summary(&v[0]);
	ck_assert_str_eq(sum, "Guard (scp, 999999999999) changed: 250 edges gained in 2 accounts");
	free(sum);
	w = webhook_new(&c, &e);
	ck_assert_msg(w != NULL, "%s", e.msg);
	body = webhook_body(w, &v[0]);
	ck_assert_ptr_nonnull(body);
	ck_assert_ptr_nonnull(strstr(body, "Guard (scp, 999999999999) changed"));
	ck_assert_ptr_nonnull(strstr(body, "and 240 more"));
	ck_assert_uint_lt(strlen(body), 8192);
	free(body);
	webhook_free(w);
	alert_array_free(v, n);
}
END_TEST

START_TEST(test_filters_choose_changes)
{
	char *accts[] = { (char *)"222222222222" };
	struct alert *v;
	size_t n;

	cfg.alerts.accounts.items = accts;
	cfg.alerts.accounts.n = 1;
	build(&run1, &v, &n);
	/* The detachment's and the unknown cause's changes are in the other
	 * account: not raised. */
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(v[0].group->counts[DIFF_GAINED], NMANY / 2);
	ck_assert_uint_eq(v[0].group->naccounts, 1);
	ck_assert_str_eq(v[0].account, "222222222222");
	alert_array_free(v, n);
	cfg.alerts.accounts.n = 0;
	cfg.alerts.min_severity = LOG_LVL_WARN;	/* drops the lost edge's group */
	build(&run1, &v, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0].group->causes[0].id, "p-guard");
	ck_assert_uint_eq(v[1].group->ncauses, 0);
	alert_array_free(v, n);
}
END_TEST

START_TEST(test_ids)
{
	const struct alert_run run2 = { "run-2", 1700000000, ALERT_RUN_OK, NULL, NULL, 0 };
	struct alert *v, *w;
	size_t n, m;

	build(&run1, &v, &n);
	build(&run1, &w, &m);
	ck_assert_uint_eq(n, m);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(v[i].id, w[i].id);
	ck_assert_str_ne(v[0].id, v[1].id);
	ck_assert_str_ne(v[1].id, v[2].id);
	alert_array_free(w, m);
	build(&run2, &w, &m);
	ck_assert_str_ne(v[0].id, w[0].id);
	alert_array_free(w, m);
	/* Another document after the change: another cause, another id. */
	scp.after = (char *)"sha256:cccc";
	build(&run1, &w, &m);
	scp.after = (char *)"sha256:bbbb";
	ck_assert_str_ne(v[0].id, w[0].id);
	ck_assert_str_eq(v[1].id, w[1].id);
	alert_array_free(w, m);
	alert_array_free(v, n);
}
END_TEST

START_TEST(test_not_looked_for_and_edge_mode)
{
	struct alert *v;
	size_t n;

	/* Causes never looked for: one alert per change, as before. */
	entries[NMANY + 1].causes_note = NULL;
	build(&run1, &v, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(v[2].kind, ALERT_GAINED);
	ck_assert_ptr_null(v[2].group);
	alert_array_free(v, n);
	cfg.alerts.group_by = CONFIG_GROUP_EDGE;
	build(&run1, &v, &n);
	ck_assert_uint_eq(n, NMANY + 2);
	ck_assert_int_eq(v[0].kind, ALERT_GAINED);
	alert_array_free(v, n);
}
END_TEST

START_TEST(test_many_causes_bounded)
{
	struct diff_cause many[8];
	struct alert *v;
	size_t n;

	for (size_t i = 0; i < 8; i++) {
		many[i] = att;
		many[i].jointly = true;
	}
	entries[NMANY].causes = many;
	entries[NMANY].ncauses = 8;
	build(&run1, &v, &n);
	ck_assert_uint_eq(v[1].group->ncauses, 8);
	ck_assert_ptr_nonnull(strstr(v[1].change, " together with policy-attachment Pass"));
	ck_assert_ptr_nonnull(strstr(v[1].change, "; and 3 more causes"));
	alert_array_free(v, n);
}
END_TEST

static Suite *
group_suite(void)
{
	Suite *s = suite_create("group");
	TCase *t = tcase_create("grouping");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_one_alert_per_cause);
	tcase_add_test(t, test_bounded_forms);
	tcase_add_test(t, test_filters_choose_changes);
	tcase_add_test(t, test_ids);
	tcase_add_test(t, test_not_looked_for_and_edge_mode);
	tcase_add_test(t, test_many_causes_bounded);
	suite_add_tcase(s, t);
	return s;
}

int
main(void)
{
	return check_main(group_suite());
}
