/*
 * collect_snapshot() end to end against the emulator: the organization,
 * the account selection, AssumeRole into members (ExternalId, refused
 * trust), the worker pool, and the completeness of every part under
 * throttling, expired tokens and truncated bodies.
 */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "aws/credprov.h"
#include "collect/collect.h"
#include "collect/snapshot.h"
#include "conf.h"
#include "util/err.h"

#include "collect_emu.h"
#include "checkmain.h"

#define MGMT "111122223333"
#define SECURITY "444455556666"
#define PCI "222233334444"
#define PROD "666677778888"
#define DEV_EXTID "333344445555"
#define DEV_TRUST "888899990000"
#define SUSPENDED "777788889999"

static char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	ck_assert_ptr_nonnull(d);
	return d;
}

static void
strlist_set(struct confschema_strlist *l, const char *const *items)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	while (items != NULL && items[n] != NULL)
		n++;
	l->items = n > 0 ? calloc(n, sizeof(*l->items)) : NULL;
	l->n = n;
	for (size_t i = 0; i < n; i++)
		l->items[i] = xstrdup(items[i]);
}

static void
set_str(char **field, const char *v)
{
	free(*field);
	*field = v != NULL ? xstrdup(v) : NULL;
}

struct fx {
	struct config cfg;
	struct aws_creds_provider *base;
	struct snapshot *s;
	struct err e;
};

/* The org-nested setup: member role, ExternalId, two regions, page size 1,
 * fast retries. */
static void
fx_init(struct fx *f, const char *akid, const char *secret)
{
	static const char *const regions[] = { "eu-west-1", "us-east-1", NULL };
	struct err e;

	memset(f, 0, sizeof(*f));
	ck_assert_int_eq(config_defaults(&f->cfg, &e), 0);
	set_str(&f->cfg.aws.region, "eu-west-1");
	set_str(&f->cfg.aws.endpoints.sts, emu.url);
	set_str(&f->cfg.aws.endpoints.iam, emu.url);
	set_str(&f->cfg.aws.endpoints.organizations, emu.url);
	set_str(&f->cfg.aws.endpoints.ec2, emu.url);
	f->cfg.aws.retry.max_attempts = 3;
	f->cfg.aws.retry.base_delay_ms = 1;
	f->cfg.aws.retry.max_delay_ms = 5;
	f->cfg.aws.retry.budget_s = 5;
	set_str(&f->cfg.collect.member_role, "audit/OrgAuditRole");
	set_str(&f->cfg.collect.external_id, "ext-2024/q4");
	set_str(&f->cfg.collect.session_name, "pra-test");
	f->cfg.collect.session_duration = 900;
	strlist_set(&f->cfg.collect.regions, regions);
	f->cfg.collect.concurrency = 3;
	f->cfg.collect.page_size = 1;
	f->base = aws_creds_static_new(akid, secret, NULL, &e);
	ck_assert_ptr_nonnull(f->base);
}

static struct snapshot *
fx_run(struct fx *f)
{
	snapshot_free(f->s);
	err_clear(&f->e);
	f->s = collect_snapshot(&f->cfg, f->base, NULL, &f->e);
	ck_assert_msg(f->s != NULL, "collect_snapshot: %s", f->e.msg);
	return f->s;
}

static void
fx_free(struct fx *f)
{
	struct config_collect *cc = &f->cfg.collect;

	snapshot_free(f->s);
	aws_creds_provider_free(f->base);
	/* The collect.* settings may not be in the config schema yet (the
	 * daemon's part): free them here, leaving NULLs config_free skips. */
	set_str(&cc->member_role, NULL);
	set_str(&cc->external_id, NULL);
	set_str(&cc->session_name, NULL);
	strlist_set(&cc->regions, NULL);
	strlist_set(&cc->accounts_include, NULL);
	strlist_set(&cc->accounts_exclude, NULL);
	strlist_set(&cc->ous_include, NULL);
	strlist_set(&cc->ous_exclude, NULL);
	config_free(&f->cfg);
}

#define AUDITOR "AKIDORGAUDITOR", "orgAuditorSecretKeyEXAMPLEEXAMPLEEXAMPL"
#define MEMBER "AKIDORGMEMBER", "orgMemberSecretKeyEXAMPLEEXAMPLEEXAMPLE"
#define STANDALONE "AKIDORGSTANDALONE", "orgStandaloneSecretKeyEXAMPLEEXAMPLEEX"

static const struct snap_region *
region(const struct snap_account *a, const char *name)
{
	for (size_t i = 0; i < a->nregions; i++)
		if (strcmp(a->regions[i].name, name) == 0)
			return &a->regions[i];
	return NULL;
}

/* An account fetched in full: its IAM as org-nested has it (a user dev-NNNN
 * with an inline PassRole policy, the app/worker role, the Local policy) and
 * its endpoints (3 in eu-west-1, 2 in us-east-1). */
static void
assert_account_complete(const struct snapshot *s, const char *id)
{
	const struct snap_account *a = snapshot_find_account(s, id);
	const struct snap_region *r;
	char arn[128];

	ck_assert_msg(a != NULL, "account %s missing", id);
	ck_assert_msg(a->access.complete, "%s access: %s", id, a->access.why);
	ck_assert_msg(a->iam.part.complete, "%s iam: %s", id, a->iam.part.why);
	ck_assert_ptr_null(a->iam.part.why);
	snprintf(arn, sizeof(arn), "arn:aws:iam::%s:role/app/worker", id);
	ck_assert_msg(snapshot_find_role(a, arn) != NULL, "%s: role worker missing", id);
	snprintf(arn, sizeof(arn), "arn:aws:iam::%s:policy/Local", id);
	ck_assert_msg(snapshot_find_policy(a, arn) != NULL, "%s: policy Local missing", id);
	ck_assert_uint_ge(a->iam.nusers, 1);
	ck_assert_uint_eq(a->nregions, 2);
	r = region(a, "eu-west-1");
	ck_assert_ptr_nonnull(r);
	ck_assert_msg(r->part.complete, "%s eu-west-1: %s", id, r->part.why);
	ck_assert_uint_eq(r->nendpoints, 3);
	r = region(a, "us-east-1");
	ck_assert_ptr_nonnull(r);
	ck_assert_msg(r->part.complete, "%s us-east-1: %s", id, r->part.why);
	ck_assert_uint_eq(r->nendpoints, 2);
	ck_assert_str_has(r->endpoints[0].service_name, "com.amazonaws.us-east-1.");
}

/* An account that could not be entered: every part unknown, with why. */
static void
assert_account_refused(const struct snapshot *s, const char *id)
{
	const struct snap_account *a = snapshot_find_account(s, id);

	ck_assert_msg(a != NULL, "account %s missing", id);
	ck_assert(!a->access.complete);
	ck_assert_str_has(a->access.why, "sts:AssumeRole");
	ck_assert_str_has(a->access.why, "AccessDenied");
	ck_assert_str_has(a->access.why, "audit/OrgAuditRole");
	ck_assert(!a->iam.part.complete);
	ck_assert_str_has(a->iam.part.why, "could not be entered");
	ck_assert_uint_eq(a->iam.nroles, 0);
	ck_assert_uint_eq(a->nregions, 2);
	for (size_t i = 0; i < a->nregions; i++) {
		ck_assert(!a->regions[i].part.complete);
		ck_assert_str_has(a->regions[i].part.why, "could not be entered");
	}
	/* The external id is a secret: never in a reason. */
	ck_assert_ptr_null(strstr(a->access.why, "ext-2024"));
}

START_TEST(test_org_snapshot)
{
	struct fx f;
	const struct snapshot *s;

	emu_scenario("org-nested");
	fx_init(&f, AUDITOR);
	s = fx_run(&f);
	ck_assert_int_eq(s->org.mode, SNAP_ORG_PRESENT);
	ck_assert_msg(s->org.part.complete, "%s", s->org.part.why);
	ck_assert_uint_eq(s->org.nous, 5);
	ck_assert_uint_eq(s->org.npolicies, 6);
	ck_assert_str_eq(s->partition, "aws");
	ck_assert_str_eq(s->source, "live");
	/* Active accounts only: the suspended one is left out. */
	ck_assert_uint_eq(s->naccounts, 6);
	ck_assert_ptr_null(snapshot_find_account(s, SUSPENDED));
	/* Sorted by id. */
	for (size_t i = 1; i < s->naccounts; i++)
		ck_assert_int_lt(strcmp(s->accounts[i - 1].id, s->accounts[i].id), 0);
	assert_account_complete(s, MGMT);
	ck_assert(snapshot_find_account(s, MGMT)->is_management);
	ck_assert_str_eq(snapshot_find_account(s, PCI)->parent_id, "ou-a1b2-pci00004");
	assert_account_complete(s, SECURITY);
	assert_account_complete(s, PCI);
	assert_account_complete(s, PROD);
	/* Refused: the trust wants another ExternalId / another account. */
	assert_account_refused(s, DEV_EXTID);
	assert_account_refused(s, DEV_TRUST);
	ck_assert(!snapshot_complete(s));
	/* AssumeRole once per member (5), with the configured parameters;
	 * the own account with the base credentials. */
	ck_assert_int_eq(emu_count("AssumeRole", 0, NULL), 5);
	ck_assert_int_eq(emu_count("AssumeRole", 0, "ExternalId"), 5);
	ck_assert_int_eq(emu_count("AssumeRole", 200, NULL), 3);
	ck_assert_int_eq(emu_count("GetCallerIdentity", 200, NULL), 1);
	/* IAM and both regions of each entered account, paginated. */
	ck_assert_int_gt(emu_count("GetAccountAuthorizationDetails", 200, "Marker"), 0);
	ck_assert_int_gt(emu_count("DescribeVpcEndpoints", 200, "NextToken"), 0);
	fx_free(&f);
}
END_TEST

static void
assert_accounts(const struct snapshot *s, const char *const *ids)
{
	size_t n = 0;

	for (; ids[n] != NULL; n++)
		ck_assert_msg(snapshot_find_account(s, ids[n]) != NULL, "%s not selected", ids[n]);
	ck_assert_uint_eq(s->naccounts, n);
}

START_TEST(test_selection)
{
	static const char *const workloads[] = { "ou-a1b2-wkl00002", NULL };
	static const char *const dev[] = { "ou-a1b2-dev00005", NULL };
	static const char *const two[] = { PCI, SECURITY, NULL };
	static const char *const pci[] = { PCI, NULL };
	static const char *const root[] = { "r-a1b2", NULL };
	struct fx f;

	emu_scenario("org-nested");
	fx_init(&f, AUDITOR);
	f.cfg.collect.page_size = 0;
	/* An OU filter reaches accounts anywhere below the OU. */
	strlist_set(&f.cfg.collect.ous_include, workloads);
	strlist_set(&f.cfg.collect.ous_exclude, dev);
	assert_accounts(fx_run(&f), (const char *const[]){ PCI, PROD, NULL });
	assert_account_complete(f.s, PCI);
	strlist_set(&f.cfg.collect.ous_exclude, NULL);
	assert_accounts(fx_run(&f), (const char *const[]){ PCI, PROD, DEV_EXTID, DEV_TRUST, NULL });
	strlist_set(&f.cfg.collect.ous_include, root);
	strlist_set(&f.cfg.collect.ous_exclude, workloads);
	assert_accounts(fx_run(&f), (const char *const[]){ MGMT, SECURITY, NULL });
	strlist_set(&f.cfg.collect.ous_include, NULL);
	strlist_set(&f.cfg.collect.ous_exclude, NULL);
	strlist_set(&f.cfg.collect.accounts_include, two);
	assert_accounts(fx_run(&f), two);
	strlist_set(&f.cfg.collect.accounts_exclude, pci);
	assert_accounts(fx_run(&f), (const char *const[]){ SECURITY, NULL });
	assert_account_complete(f.s, SECURITY);
	/* Only the entered accounts were fetched. */
	ck_assert_int_eq(emu_count("AssumeRole", 0, "RoleArn"),
	    2 + 4 + 1 + 2 + 1);
	/* The organization is there whatever the selection. */
	ck_assert_uint_eq(f.s->org.nous, 5);
	fx_free(&f);
}
END_TEST

START_TEST(test_own_account_only_without_member_role)
{
	struct fx f;

	emu_scenario("org-nested");
	fx_init(&f, AUDITOR);
	set_str(&f.cfg.collect.member_role, NULL);
	fx_run(&f);
	ck_assert_int_eq(f.s->org.mode, SNAP_ORG_PRESENT);
	assert_accounts(f.s, (const char *const[]){ MGMT, NULL });
	assert_account_complete(f.s, MGMT);
	ck_assert(snapshot_complete(f.s));
	ck_assert_int_eq(emu_count("AssumeRole", 0, NULL), 0);
	fx_free(&f);
}
END_TEST

START_TEST(test_standalone_account)
{
	struct fx f;
	const struct snap_account *a;

	emu_scenario("org-standalone");
	fx_init(&f, STANDALONE);
	fx_run(&f);
	ck_assert_int_eq(f.s->org.mode, SNAP_ORG_NONE);
	ck_assert(f.s->org.part.complete);
	ck_assert_uint_eq(f.s->naccounts, 1);
	a = &f.s->accounts[0];
	ck_assert_str_eq(a->id, "555566667777");
	ck_assert_ptr_null(a->parent_id);
	ck_assert(a->access.complete && a->iam.part.complete);
	ck_assert_ptr_nonnull(snapshot_find_role(a, "arn:aws:iam::555566667777:role/app/batch"));
	ck_assert_uint_eq(region(a, "eu-west-1")->nendpoints, 2);
	ck_assert_uint_eq(region(a, "us-east-1")->nendpoints, 1);
	ck_assert(snapshot_complete(f.s));
	fx_free(&f);
}
END_TEST

START_TEST(test_single_account_modes)
{
	struct fx f;

	/* A member's own credentials: the org exists but cannot be read. */
	emu_scenario("org-nested");
	fx_init(&f, MEMBER);
	fx_run(&f);
	ck_assert_int_eq(f.s->org.mode, SNAP_ORG_UNKNOWN);
	ck_assert_str_has(f.s->org.part.why, "AccessDeniedException");
	assert_accounts(f.s, (const char *const[]){ SECURITY, NULL });
	assert_account_complete(f.s, SECURITY);
	ck_assert(!snapshot_complete(f.s));
	fx_free(&f);

	/* Organizations switched off: not read, and said so. */
	emu_scenario("org-nested");
	fx_init(&f, AUDITOR);
	f.cfg.collect.organizations = CONFIG_ORG_OFF;
	fx_run(&f);
	ck_assert_int_eq(f.s->org.mode, SNAP_ORG_UNKNOWN);
	ck_assert_str_has(f.s->org.part.why, "collect.organizations is off");
	assert_accounts(f.s, (const char *const[]){ MGMT, NULL });
	ck_assert(!snapshot_find_account(f.s, MGMT)->is_management);
	ck_assert_int_eq(emu_count("DescribeOrganization", 0, NULL), 0);
	fx_free(&f);
}
END_TEST

START_TEST(test_throttling_storm)
{
	static const char *const sec[] = { SECURITY, MGMT, NULL };
	struct fx f;
	const struct snap_account *a;

	/* A storm over every service that the retries ride out (no call
	 * meets more than 12 throttles: 6 for any call, 6 for its service). */
	emu_scenario("org-nested");
	emu_fault("{\"operation\":\"*\",\"kind\":\"throttle\",\"count\":6}");
	emu_fault("{\"operation\":\"*\",\"service\":\"sts\",\"kind\":\"throttle\",\"count\":6}");
	emu_fault("{\"operation\":\"*\",\"service\":\"organizations\",\"kind\":\"throttle\","
	    "\"count\":6}");
	emu_fault("{\"operation\":\"*\",\"service\":\"iam\",\"kind\":\"throttle\",\"count\":6}");
	emu_fault("{\"operation\":\"*\",\"service\":\"ec2\",\"kind\":\"throttle\",\"count\":6}");
	fx_init(&f, AUDITOR);
	f.cfg.aws.retry.max_attempts = 20;
	strlist_set(&f.cfg.collect.accounts_include, sec);
	fx_run(&f);
	ck_assert_msg(f.s->org.part.complete, "%s", f.s->org.part.why);
	assert_account_complete(f.s, SECURITY);
	assert_account_complete(f.s, MGMT);
	ck_assert_int_eq(emu_count(NULL, 0, NULL) - emu_count(NULL, 200, NULL), 30);
	fx_free(&f);

	/* IAM throttled for good: unknown with the reason, the rest fetched. */
	emu_scenario("org-nested");
	emu_fault("{\"operation\":\"GetAccountAuthorizationDetails\",\"kind\":\"throttle\","
	    "\"count\":100000}");
	fx_init(&f, AUDITOR);
	strlist_set(&f.cfg.collect.accounts_include, sec);
	fx_run(&f);
	a = snapshot_find_account(f.s, SECURITY);
	ck_assert(a->access.complete);
	ck_assert(!a->iam.part.complete);
	ck_assert_str_has(a->iam.part.why, "throttled out after 3 attempts");
	ck_assert_str_has(a->iam.part.why, "GetAccountAuthorizationDetails");
	ck_assert(region(a, "eu-west-1")->part.complete);
	ck_assert(region(a, "us-east-1")->part.complete);
	ck_assert(!snapshot_find_account(f.s, MGMT)->iam.part.complete);
	fx_free(&f);
}
END_TEST

START_TEST(test_expired_token_mid_pagination)
{
	static const char *const sec[] = { SECURITY, NULL };
	static const char *const mgmt[] = { MGMT, NULL };
	struct fx f;
	const struct snap_account *a;

	/* A member session expiring on IAM's second page: AssumeRole again,
	 * and the pagination goes on. */
	emu_scenario("org-nested");
	fault_after("GetAccountAuthorizationDetails", 1, "expired_token", 1);
	fx_init(&f, AUDITOR);
	strlist_set(&f.cfg.collect.accounts_include, sec);
	fx_run(&f);
	assert_account_complete(f.s, SECURITY);
	ck_assert_int_eq(emu_count("AssumeRole", 200, NULL), 2);
	ck_assert_int_eq(emu_count("GetAccountAuthorizationDetails", 403, "Marker"), 1);
	fx_free(&f);

	/* The daemon's own static keys cannot be refreshed: unknown. */
	emu_scenario("org-nested");
	fault_after("GetAccountAuthorizationDetails", 1, "expired_token", 1);
	fx_init(&f, AUDITOR);
	strlist_set(&f.cfg.collect.accounts_include, mgmt);
	fx_run(&f);
	a = snapshot_find_account(f.s, MGMT);
	ck_assert(!a->iam.part.complete);
	ck_assert_str_has(a->iam.part.why, "ExpiredToken");
	ck_assert(region(a, "eu-west-1")->part.complete);
	fx_free(&f);
}
END_TEST

START_TEST(test_truncated_body)
{
	static const char *const sec[] = { SECURITY, NULL };
	struct fx f;
	const struct snap_account *a;

	/* Cut once mid-pagination: retried, complete. */
	emu_scenario("org-nested");
	fault_after("DescribeVpcEndpoints", 1, "truncate", 1);
	fx_init(&f, AUDITOR);
	strlist_set(&f.cfg.collect.accounts_include, sec);
	f.cfg.collect.concurrency = 1;
	fx_run(&f);
	assert_account_complete(f.s, SECURITY);
	fx_free(&f);

	/* Cut every time: that region is unknown, the rest is fetched. */
	emu_scenario("org-nested");
	emu_fault("{\"operation\":\"DescribeVpcEndpoints\",\"kind\":\"truncate\",\"count\":1000}");
	fx_init(&f, AUDITOR);
	strlist_set(&f.cfg.collect.accounts_include, sec);
	fx_run(&f);
	a = snapshot_find_account(f.s, SECURITY);
	ck_assert(a->iam.part.complete);
	ck_assert(!region(a, "eu-west-1")->part.complete);
	ck_assert_str_has(region(a, "eu-west-1")->part.why, "DescribeVpcEndpoints");
	ck_assert(!region(a, "us-east-1")->part.complete);
	fx_free(&f);
}
END_TEST

START_TEST(test_stop_flag)
{
	volatile sig_atomic_t stop = 1;
	struct fx f;
	struct snapshot *s;

	emu_scenario("org-nested");
	fx_init(&f, AUDITOR);
	s = collect_snapshot(&f.cfg, f.base, &stop, &f.e);
	ck_assert_ptr_null(s);
	ck_assert_str_eq(f.e.msg, "interrupted");
	/* Who am I, then nothing. */
	ck_assert_int_eq(emu_count(NULL, 0, NULL), 1);
	fx_free(&f);
}
END_TEST

static volatile sig_atomic_t late_stop;

/* The daemon's stop flag is set by a signal handler: so here. */
static void
on_alarm(int sig)
{
	(void)sig;
	late_stop = 1;
}

START_TEST(test_stop_during_backoff)
{
	struct fx f;
	struct snapshot *s;
	struct timespec t0, t1;
	struct sigaction sa;
	struct itimerval it;

	/* The server asks for 30 s before a retry; a stop 0.3 s in must not
	 * wait them out. */
	emu_scenario("org-nested");
	emu_fault("{\"operation\":\"GetCallerIdentity\",\"kind\":\"retry_after\","
	    "\"status\":429,\"seconds\":30}");
	fx_init(&f, AUDITOR);
	f.cfg.aws.retry.budget_s = 120;
	late_stop = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = 300 * 1000;
	ck_assert_int_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	s = collect_snapshot(&f.cfg, f.base, &late_stop, &f.e);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_ptr_null(s);
	ck_assert_str_eq(f.e.msg, "interrupted");
	ck_assert_int_lt(t1.tv_sec - t0.tv_sec, 20);
	ck_assert_int_eq(emu_count("GetCallerIdentity", 0, NULL), 2);
	ck_assert_int_eq(emu_count("DescribeOrganization", 0, NULL), 0);
	fx_free(&f);
}
END_TEST

START_TEST(test_no_identity_no_snapshot)
{
	struct fx f;
	struct snapshot *s;

	emu_scenario("org-nested");
	fx_init(&f, "AKIDUNKNOWN", "unknownSecretKeyEXAMPLEEXAMPLEEXAMPLEEX");
	s = collect_snapshot(&f.cfg, f.base, NULL, &f.e);
	ck_assert_ptr_null(s);
	ck_assert_str_has(f.e.msg, "sts:GetCallerIdentity");
	ck_assert_str_has(f.e.msg, "InvalidClientTokenId");
	fx_free(&f);
}
END_TEST

START_TEST(test_concurrency_one_and_many)
{
	struct fx f;

	/* The same snapshot whatever the number of workers. */
	emu_scenario("org-nested");
	fx_init(&f, AUDITOR);
	for (int conc = 1; conc <= 32; conc *= 4) {
		f.cfg.collect.concurrency = conc;
		fx_run(&f);
		ck_assert_uint_eq(f.s->naccounts, 6);
		assert_account_complete(f.s, MGMT);
		assert_account_complete(f.s, SECURITY);
		assert_account_complete(f.s, PCI);
		assert_account_complete(f.s, PROD);
		assert_account_refused(f.s, DEV_EXTID);
	}
	fx_free(&f);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("collect");
	TCase *tc = tcase_create("emulator");

	tcase_add_unchecked_fixture(tc, emu_up, emu_down);
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_org_snapshot);
	tcase_add_test(tc, test_selection);
	tcase_add_test(tc, test_own_account_only_without_member_role);
	tcase_add_test(tc, test_standalone_account);
	tcase_add_test(tc, test_single_account_modes);
	tcase_add_test(tc, test_throttling_storm);
	tcase_add_test(tc, test_expired_token_mid_pagination);
	tcase_add_test(tc, test_truncated_body);
	tcase_add_test(tc, test_stop_flag);
	tcase_add_test(tc, test_stop_during_backoff);
	tcase_add_test(tc, test_no_identity_no_snapshot);
	tcase_add_test(tc, test_concurrency_one_and_many);
	suite_add_tcase(s, tc);
	return check_main(s);
}
