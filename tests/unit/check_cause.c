/*
 * Causes of changes (cause.h), end to end through audit_run and a state
 * directory: two runs over snapshots built in memory, the second's
 * changes carrying the input change that caused each one. One test per
 * kind of input change, two changes in one run behind different edges,
 * two changes needed together, and a previous generation without inputs.
 */
#include "config.h"

#include <check.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert/alert.h"
#include "alert/group.h"
#include "audit/cause.h"
#include "audit/run.h"
#include "collect/snapjson.h"
#include "conf.h"
#include "snapbuild.h"
#include "checkmain.h"

#define A1 "111111111111"
#define ARN(what) "arn:aws:iam::" A1 ":" what

static const char doc_admin[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
    "\"Resource\":\"*\"}]}";
static const char doc_pass[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
    "\"Action\":\"iam:PassRole\",\"Resource\":\"*\"}]}";
static const char doc_s3[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\","
    "\"Resource\":\"*\"}]}";
static const char doc_deny_pass[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
    "\"Action\":\"iam:PassRole\",\"Resource\":\"*\"}]}";
static const char doc_deny_s3[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
    "\"Action\":\"s3:DeleteBucket\",\"Resource\":\"*\"}]}";
static const char doc_ep_events[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
    "\"Action\":\"events:*\",\"Resource\":\"*\"}]}";

enum {
	F_MP_PASS = 1u << 0,	/* managed policy Dev (on alice) allows PassRole */
	F_INLINE = 1u << 1,	/* alice's inline "p" allows PassRole */
	F_GROUP_DOC = 1u << 2,	/* group devs' inline "g" allows PassRole */
	F_SCP_DENY = 1u << 3,	/* SCP p-guard (on ou-a) denies PassRole */
	F_BOUNDARY = 1u << 4,	/* alice has boundary Bound (s3 only) */
	F_TRUST_LAMBDA = 1u << 5,	/* Admin trusts lambda, not ec2 */
	F_ENDPOINT = 1u << 6,	/* an events endpoint with a policy */
	F_ATT_USER = 1u << 7,	/* Pass attached to alice */
	F_ATT_GROUP = 1u << 8,	/* Pass attached to group devs */
	F_ATT_ROLE = 1u << 9,	/* Pass attached to role Ops */
	F_SCP_ATTACH = 1u << 10,	/* SCP p-deny (denies PassRole) attached to the account */
	F_MEMBER = 1u << 11,	/* alice in group passers (Pass attached) */
	F_BOB = 1u << 12,	/* user bob, who can pass any role */
	F_MOVED = 1u << 13,	/* the account under ou-b, not ou-a */
	F_OPS_ADMIN = 1u << 14,	/* AdminAccess attached to Ops: privileged */
	F_ALICE_PASS = 1u << 15,	/* alice's inline "pass" allows PassRole */
	F_OU_MOVED = 1u << 16,	/* ou-a under ou-c (which p-deny is on) */
	F_ADMIN2 = 1u << 17,	/* a second admin role */
	F_RCP = 1u << 18,	/* RCP p-rcp denies sts:AssumeRole */
	F_ASSUME = 1u << 19,	/* carol can assume Ops, Ops can pass */
	F_OPS_TAG = 1u << 20,	/* Ops tagged tier=admin */
};

static char trust_buf[4][512];

static struct snapshot *
world(unsigned f)
{
	struct snapshot *s = sb_new();
	struct snap_account *a;
	struct snap_user *u;
	struct snap_group *g;
	struct snap_role *r;
	const char *pass, *pass2, *dev, *bound, *adm;

	sb_org(s, "o-test", "r-root", "999999999999");
	sb_ou(s, "ou-a", "A", (f & F_OU_MOVED) ? "ou-c" : "r-root");
	sb_ou(s, "ou-b", "B", "r-root");
	sb_ou(s, "ou-c", "C", "r-root");
	sb_org_policy(s, SNAP_SCP, "p-guard", "Guard", (f & F_SCP_DENY) ? doc_deny_pass :
	    doc_deny_s3, "ou-a", (char *)NULL);
	if (f & F_SCP_ATTACH)
		sb_org_policy(s, SNAP_SCP, "p-deny", "DenyPass", doc_deny_pass, A1, (char *)NULL);
	else if (f & F_OU_MOVED)
		sb_org_policy(s, SNAP_SCP, "p-deny", "DenyPass", doc_deny_pass, "ou-c",
		    (char *)NULL);
	else
		sb_org_policy(s, SNAP_SCP, "p-deny", "DenyPass", doc_deny_pass, "ou-c",
		    (char *)NULL);
	if (f & (F_RCP | F_ASSUME)) {
		s->org.rcp_enabled = true;
		sb_org_policy(s, SNAP_RCP, "p-rcpall", "RCPFullAWSAccess",
		    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
		    "\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}", "r-root",
		    "ou-a", "ou-b", "ou-c", A1, (char *)NULL);
		sb_org_policy(s, SNAP_RCP, "p-rcp", "NoAssume", (f & F_RCP) ?
		    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
		    "\"Principal\":\"*\",\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\"}]}" :
		    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
		    "\"Principal\":\"*\",\"Action\":\"s3:DeleteBucket\",\"Resource\":\"*\"}]}",
		    "r-root", (char *)NULL);
	}
	a = sb_account(s, A1, (f & F_MOVED) ? "ou-b" : "ou-a");
	pass = sb_policy(a, "Pass", doc_pass, false);
	pass2 = sb_policy(a, "Pass2", doc_pass, false);
	dev = sb_policy(a, "Dev", (f & F_MP_PASS) ? doc_pass : doc_s3, false);
	bound = sb_policy(a, "Bound", doc_s3, false);
	adm = sb_policy(a, "AdminAccess", doc_admin, false);
	(void)pass2;

	r = sb_role(a, "Admin", NULL, sb_trust_services(trust_buf[0], sizeof(trust_buf[0]),
	    (f & F_TRUST_LAMBDA) ? "lambda.amazonaws.com" : "ec2.amazonaws.com", (char *)NULL));
	sb_role_inline(r, "admin", doc_admin);
	if (f & F_ADMIN2) {
		r = sb_role(a, "Admin2", NULL, sb_trust_services(trust_buf[1],
		    sizeof(trust_buf[1]), "ec2.amazonaws.com", (char *)NULL));
		sb_role_inline(r, "admin", doc_admin);
	}
	r = sb_role(a, "Ops", NULL, sb_trust_services(trust_buf[2], sizeof(trust_buf[2]),
	    "lambda.amazonaws.com", (char *)NULL));
	if (f & F_ATT_ROLE)
		sb_role_attach(r, pass);
	if (f & F_OPS_ADMIN)
		sb_role_attach(r, adm);
	if (f & F_OPS_TAG)
		sb_role_tag(r, "tier", "admin");
	if (f & F_ASSUME) {
		/* Ops trusts carol, and can pass. */
		snprintf(trust_buf[3], sizeof(trust_buf[3]), "{\"Version\":\"2012-10-17\","
		    "\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"%s\"},"
		    "\"Action\":\"sts:AssumeRole\"}]}", ARN("user/carol"));
		free(r->trust_policy);
		r->trust_policy = strdup(trust_buf[3]);
		sb_role_inline(r, "pass", doc_pass);
	}

	g = sb_group(a, "devs");
	sb_group_inline(g, "g", (f & F_GROUP_DOC) ? doc_pass : doc_s3);
	if (f & F_ATT_GROUP)
		sb_group_attach(g, pass);
	g = sb_group(a, "passers");
	sb_group_attach(g, pass);

	u = sb_user(a, "alice");
	sb_user_attach(u, dev);
	sb_user_group(u, "devs");
	sb_user_inline(u, "p", (f & F_INLINE) ? doc_pass : doc_s3);
	if (f & F_ALICE_PASS)
		sb_user_inline(u, "pass", doc_pass);
	if (f & F_BOUNDARY)
		sb_user_boundary(u, bound);
	if (f & F_ATT_USER)
		sb_user_attach(u, pass);
	if (f & F_MEMBER)
		sb_user_group(u, "passers");
	if (f & F_BOB) {
		u = sb_user(a, "bob");
		sb_user_inline(u, "pass", doc_pass);
	}
	if (f & F_ASSUME) {
		u = sb_user(a, "carol");
		sb_user_inline(u, "assume", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
		    "\"Allow\",\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\"}]}");
	}
	sb_endpoint(a, "eu-west-1", "vpce-1", "events", (f & F_ENDPOINT) ? doc_ep_events : NULL);
	snapshot_sort(s);
	return s;
}

/* ---- two runs through a state directory ---- */

static char dir[64];
static struct config cfg;

static void
setup(void)
{
	struct err e = { "" };

	snprintf(dir, sizeof(dir), "/tmp/pra-cause.XXXXXX");
	ck_assert(mkdtemp(dir) != NULL);
	ck_assert_msg(config_defaults(&cfg, &e) == 0, "%s", e.msg);
}

static void
teardown(void)
{
	char cmd[128];

	config_free(&cfg);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert(system(cmd) == 0);
}

static void
run_one(unsigned flags, const char *name, struct audit_result *out)
{
	struct err e = { "" };
	char path[128], sdir[128];
	struct snapshot *s = world(flags);
	struct audit_run_opts o;

	snprintf(path, sizeof(path), "%s/%s.json", dir, name);
	snprintf(sdir, sizeof(sdir), "%s/state", dir);
	ck_assert_msg(snapjson_save(s, path, &e) == 0, "%s", e.msg);
	snapshot_free(s);
	memset(&o, 0, sizeof(o));
	o.input_dir = path;
	o.state_dir = sdir;
	ck_assert_msg(audit_run(&cfg, &o, NULL, out, &e) == 0, "audit_run: %s", e.msg);
	for (size_t i = 0; i < out->diff.nnot_audited; i++)
		fprintf(stderr, "not audited %s: %s\n", out->diff.not_audited[i].account,
		    out->diff.not_audited[i].why);
}

/* The second run's result, after a first run of before. */
static void
run_pair(unsigned before, unsigned after, struct audit_result *out)
{
	struct audit_result r;

	run_one(before, "before", &r);
	audit_result_free(&r);
	run_one(after, "after", out);
}

static const char *
tail(const char *arn)
{
	const char *s = arn != NULL ? strrchr(arn, '/') : NULL;

	return s != NULL ? s + 1 : arn;
}

/* The entry of kind k for principal p (short name; NULL for privileged
 * entries) and role r. */
static const struct diff_entry *
entry(const struct audit_result *res, enum diff_kind k, const char *p, const char *r)
{
	for (size_t i = 0; i < res->diff.n; i++) {
		const struct diff_entry *en = &res->diff.entries[i];
		const struct edge *ed = en->new_edge != NULL ? en->new_edge : en->old_edge;
		const char *role = ed != NULL ? ed->role_arn : en->new_priv != NULL ?
		    en->new_priv->role_arn : en->old_priv->role_arn;

		if (en->kind == k && strcmp(tail(role), r) == 0 &&
		    (p == NULL ? ed == NULL : ed != NULL && strcmp(tail(ed->principal_arn), p) == 0))
			return en;
	}
	for (size_t i = 0; i < res->diff.n; i++) {
		const struct diff_entry *en = &res->diff.entries[i];
		const struct edge *ed = en->new_edge != NULL ? en->new_edge : en->old_edge;

		fprintf(stderr, "  have %s %s -> %s\n", diff_kind_name(en->kind),
		    ed != NULL ? ed->principal_arn : "-", ed != NULL ? ed->role_arn :
		    en->new_priv != NULL ? en->new_priv->role_arn : en->old_priv->role_arn);
	}
	ck_abort_msg("no %s entry %s -> %s among %zu", diff_kind_name(k), p != NULL ? p : "-", r,
	    res->diff.n);
	return NULL;
}

static void
dump_causes(const struct diff_entry *en)
{
	for (size_t i = 0; i < en->ncauses; i++)
		fprintf(stderr, "  cause %s %s %s on=%s %s -> %s v=%d j=%d\n", en->causes[i].kind,
		    en->causes[i].name ? en->causes[i].name : "-",
		    en->causes[i].arn ? en->causes[i].arn : en->causes[i].id ? en->causes[i].id : "-",
		    en->causes[i].on ? en->causes[i].on : "-",
		    en->causes[i].before ? en->causes[i].before : "-",
		    en->causes[i].after ? en->causes[i].after : "-", en->causes[i].verified,
		    en->causes[i].jointly);
}

/* en's causes are exactly the n listed (kind, name or id), each verified
 * (and jointly as given). */
static void
want_causes(const struct diff_entry *en, bool jointly, size_t n, ...)
{
	va_list ap;

	if (en->ncauses != n)
		dump_causes(en);
	ck_assert_msg(en->ncauses == n, "%zu causes, wanted %zu (note: %s)", en->ncauses, n,
	    en->causes_note != NULL ? en->causes_note : "none");
	va_start(ap, n);
	for (size_t i = 0; i < n; i++) {
		const char *kind = va_arg(ap, const char *);
		const char *name = va_arg(ap, const char *);
		const struct diff_cause *c = &en->causes[i];

		if (strcmp(c->kind, kind) != 0 || (name != NULL && strcmp(c->name != NULL ? c->name :
		    c->id, name) != 0))
			dump_causes(en);
		ck_assert_str_eq(c->kind, kind);
		if (name != NULL)
			ck_assert_str_eq(c->name != NULL ? c->name : c->id, name);
		ck_assert_msg(c->verified, "cause %zu (%s) not verified", i, kind);
		ck_assert_msg(c->jointly == jointly, "cause %zu (%s): jointly %d", i, kind,
		    c->jointly);
		ck_assert_str_eq(c->account, strcmp(kind, "scp") == 0 || strcmp(kind, "rcp") == 0 ||
		    strncmp(kind, "org-", 4) == 0 || strcmp(kind, "ou-parent") == 0 ?
		    "999999999999" : A1);
	}
	va_end(ap);
}

/* One change of one kind: gained (or lost, changed) alice -> Admin with
 * exactly that cause. */
static void
one(unsigned before, unsigned after, enum diff_kind k, const char *p, const char *r,
    const char *kind, const char *name, const char *bef, const char *aft)
{
	struct audit_result res;
	const struct diff_entry *en;

	run_pair(before, after, &res);
	en = entry(&res, k, p, r);
	want_causes(en, false, 1, kind, name);
	if (bef != NULL)
		ck_assert_str_eq(en->causes[0].before, bef);
	if (aft != NULL)
		ck_assert_str_eq(en->causes[0].after, aft);
	audit_result_free(&res);
}

START_TEST(managed_policy_document)
{
	struct audit_result res;
	const struct diff_entry *en;

	one(0, F_MP_PASS, DIFF_GAINED, "alice", "Admin", "managed-policy", "Dev", NULL, NULL);
	/* The same document under the same version id: fingerprints. */
	run_pair(F_MP_PASS, 0, &res);
	en = entry(&res, DIFF_LOST, "alice", "Admin");
	want_causes(en, false, 1, "managed-policy", "Dev");
	ck_assert(strncmp(en->causes[0].before, "sha256:", 7) == 0);
	ck_assert(strncmp(en->causes[0].after, "sha256:", 7) == 0);
	ck_assert_str_ne(en->causes[0].before, en->causes[0].after);
	ck_assert_str_eq(en->causes[0].arn, ARN("policy/Dev"));
	audit_result_free(&res);
}
END_TEST

START_TEST(inline_user_policy)
{
	one(0, F_INLINE, DIFF_GAINED, "alice", "Admin", "inline-policy", "p", NULL, NULL);
}
END_TEST

START_TEST(inline_added)
{
	struct audit_result res;
	const struct diff_entry *en;

	run_pair(0, F_ALICE_PASS, &res);
	en = entry(&res, DIFF_GAINED, "alice", "Admin");
	want_causes(en, false, 1, "inline-policy", "pass");
	ck_assert(en->causes[0].before == NULL);
	ck_assert_str_eq(en->causes[0].on, ARN("user/alice"));
	audit_result_free(&res);
}
END_TEST

START_TEST(group_policy)
{
	one(0, F_GROUP_DOC, DIFF_GAINED, "alice", "Admin", "inline-policy", "g", NULL, NULL);
}
END_TEST

START_TEST(scp_document)
{
	one(F_ALICE_PASS | F_SCP_DENY, F_ALICE_PASS, DIFF_GAINED, "alice", "Admin", "scp", "Guard",
	    NULL, NULL);
}
END_TEST

START_TEST(rcp_document)
{
	one(F_ASSUME, F_ASSUME | F_RCP, DIFF_LOST, "carol", "Admin", "rcp", "NoAssume", NULL,
	    NULL);
}
END_TEST

START_TEST(boundary_set_and_cleared)
{
	one(F_ALICE_PASS, F_ALICE_PASS | F_BOUNDARY, DIFF_LOST, "alice", "Admin", "boundary", NULL,
	    NULL, ARN("policy/Bound"));
	teardown();
	setup();
	one(F_ALICE_PASS | F_BOUNDARY, F_ALICE_PASS, DIFF_GAINED, "alice", "Admin", "boundary",
	    NULL, ARN("policy/Bound"), NULL);
}
END_TEST

START_TEST(trust_policy)
{
	struct audit_result res;
	const struct diff_entry *en;

	run_pair(F_ALICE_PASS, F_ALICE_PASS | F_TRUST_LAMBDA, &res);
	en = entry(&res, DIFF_CHANGED, "alice", "Admin");
	want_causes(en, false, 1, "trust-policy", "Admin");
	audit_result_free(&res);
}
END_TEST

START_TEST(endpoint_policy_not_blamed)
{
	struct audit_result res;
	const struct diff_entry *en;

	/* An endpoint policy changes caveats, which the diff does not track:
	 * alone it changes nothing; beside a change it is never its cause. */
	run_pair(F_ALICE_PASS, F_ALICE_PASS | F_ENDPOINT, &res);
	ck_assert_uint_eq(res.diff.n, 0);
	audit_result_free(&res);
	teardown();
	setup();
	run_pair(F_ENDPOINT, F_ALICE_PASS, &res);
	en = entry(&res, DIFF_GAINED, "alice", "Admin");
	want_causes(en, false, 1, "inline-policy", "pass");
	audit_result_free(&res);
}
END_TEST

START_TEST(attachments)
{
	one(0, F_ATT_USER, DIFF_GAINED, "alice", "Admin", "policy-attachment", "Pass", "detached",
	    "attached");
	teardown();
	setup();
	one(0, F_ATT_GROUP, DIFF_GAINED, "alice", "Admin", "policy-attachment", "Pass", NULL,
	    NULL);
	teardown();
	setup();
	one(F_ATT_ROLE, 0, DIFF_LOST, "Ops", "Admin", "policy-attachment", "Pass", "attached",
	    "detached");
}
END_TEST

START_TEST(org_attachment)
{
	struct audit_result res;
	const struct diff_entry *en;

	run_pair(F_ALICE_PASS, F_ALICE_PASS | F_SCP_ATTACH, &res);
	en = entry(&res, DIFF_LOST, "alice", "Admin");
	want_causes(en, false, 1, "org-policy-attachment", "DenyPass");
	ck_assert_str_eq(en->causes[0].on, A1);
	audit_result_free(&res);
}
END_TEST

START_TEST(group_membership)
{
	one(0, F_MEMBER, DIFF_GAINED, "alice", "Admin", "group-membership", "passers", NULL, NULL);
}
END_TEST

START_TEST(principal_created_deleted)
{
	one(0, F_BOB, DIFF_GAINED, "bob", "Admin", "user", "bob", "absent", "present");
	teardown();
	setup();
	one(F_BOB, 0, DIFF_LOST, "bob", "Admin", "user", "bob", "present", "absent");
}
END_TEST

START_TEST(role_created_privileged)
{
	struct audit_result res;
	const struct diff_entry *en;

	run_pair(F_ALICE_PASS, F_ALICE_PASS | F_ADMIN2, &res);
	en = entry(&res, DIFF_GAINED, "alice", "Admin2");
	/* The role's creation, and its classification that follows. */
	want_causes(en, false, 2, "role", "Admin2", "role-privileged", "Admin2");
	en = entry(&res, DIFF_PRIV_ADDED, NULL, "Admin2");
	want_causes(en, false, 1, "role", "Admin2");
	audit_result_free(&res);
}
END_TEST

START_TEST(role_classification)
{
	struct audit_result res;
	const struct diff_entry *en;

	run_pair(F_ALICE_PASS, F_ALICE_PASS | F_OPS_ADMIN, &res);
	en = entry(&res, DIFF_GAINED, "alice", "Ops");
	want_causes(en, false, 2, "policy-attachment", "AdminAccess", "role-privileged", "Ops");
	ck_assert_str_eq(en->causes[1].before, "not privileged");
	en = entry(&res, DIFF_PRIV_ADDED, NULL, "Ops");
	want_causes(en, false, 1, "policy-attachment", "AdminAccess");
	audit_result_free(&res);
}
END_TEST

START_TEST(role_tags)
{
	struct audit_result res;
	const struct diff_entry *en;
	char *tag[] = { (char *)"tier=admin" };

	/* A tag the config names makes the role privileged. */
	cfg.audit.privileged_tags.items = tag;
	cfg.audit.privileged_tags.n = 1;
	run_pair(F_ALICE_PASS, F_ALICE_PASS | F_OPS_TAG, &res);
	en = entry(&res, DIFF_GAINED, "alice", "Ops");
	want_causes(en, false, 2, "tags", NULL, "role-privileged", "Ops");
	ck_assert_str_eq(en->causes[0].on, ARN("role/Ops"));
	ck_assert_str_eq(en->causes[0].before, "");
	ck_assert_str_eq(en->causes[0].after, "tier=admin");
	audit_result_free(&res);
	cfg.audit.privileged_tags.n = 0;
	cfg.audit.privileged_tags.items = NULL;
}
END_TEST

/* The settings changed, not the inputs: the classification is named, no
 * input change is blamed, and one that changed beside is listed as not
 * verified. */
START_TEST(settings_changed)
{
	struct audit_result res;
	const struct diff_entry *en;
	char *tag[] = { (char *)"tier=admin" };

	run_one(F_ALICE_PASS | F_OPS_TAG, "before", &res);
	audit_result_free(&res);
	cfg.audit.privileged_tags.items = tag;
	cfg.audit.privileged_tags.n = 1;
	run_one(F_ALICE_PASS | F_OPS_TAG, "after", &res);
	en = entry(&res, DIFF_GAINED, "alice", "Ops");
	ck_assert_uint_eq(en->ncauses, 1);
	ck_assert_str_eq(en->causes[0].kind, "role-privileged");
	en = entry(&res, DIFF_PRIV_ADDED, NULL, "Ops");
	ck_assert_uint_eq(en->ncauses, 0);
	ck_assert_str_eq(en->causes_note, CAUSE_NOTE_NO_INPUT);
	audit_result_free(&res);
	cfg.audit.privileged_tags.n = 0;
	run_one(F_ALICE_PASS | F_OPS_TAG, "again", &res);
	audit_result_free(&res);
	cfg.audit.privileged_tags.n = 1;
	run_one(F_ALICE_PASS | F_OPS_TAG | F_BOB, "bob", &res);
	en = entry(&res, DIFF_PRIV_ADDED, NULL, "Ops");
	ck_assert_uint_eq(en->ncauses, 1);
	ck_assert_str_eq(en->causes[0].kind, "user");
	ck_assert(!en->causes[0].verified && !en->causes[0].jointly);
	en = entry(&res, DIFF_GAINED, "bob", "Admin");
	want_causes(en, false, 1, "user", "bob");
	audit_result_free(&res);
	cfg.audit.privileged_tags.n = 0;
	cfg.audit.privileged_tags.items = NULL;
}
END_TEST

START_TEST(account_moved)
{
	one(F_ALICE_PASS | F_SCP_DENY, F_ALICE_PASS | F_SCP_DENY | F_MOVED, DIFF_GAINED, "alice",
	    "Admin", "account-parent", NULL, "ou-a", "ou-b");
}
END_TEST

START_TEST(ou_moved)
{
	one(F_ALICE_PASS, F_ALICE_PASS | F_OU_MOVED, DIFF_LOST, "alice", "Admin", "ou-parent", "A",
	    "r-root", "ou-c");
}
END_TEST

START_TEST(two_changes_two_edges)
{
	struct audit_result res;
	const struct diff_entry *en;

	run_pair(F_ATT_ROLE, F_ALICE_PASS, &res);
	en = entry(&res, DIFF_GAINED, "alice", "Admin");
	want_causes(en, false, 1, "inline-policy", "pass");
	en = entry(&res, DIFF_LOST, "Ops", "Admin");
	want_causes(en, false, 1, "policy-attachment", "Pass");
	audit_result_free(&res);
}
END_TEST

START_TEST(two_changes_each_needed)
{
	struct audit_result res;
	const struct diff_entry *en;

	/* Both were needed: putting back either one alone takes the edge
	 * away, so each is verified on its own. */
	run_pair(F_SCP_DENY, F_ALICE_PASS, &res);
	en = entry(&res, DIFF_GAINED, "alice", "Admin");
	want_causes(en, false, 2, "inline-policy", "pass", "scp", "Guard");
	audit_result_free(&res);
}
END_TEST

START_TEST(two_changes_needed_together)
{
	struct audit_result res;
	const struct diff_entry *en;

	/* Either alone would grant it: only putting back both takes it away. */
	run_pair(0, F_ALICE_PASS | F_ATT_USER, &res);
	en = entry(&res, DIFF_GAINED, "alice", "Admin");
	want_causes(en, true, 2, "policy-attachment", "Pass", "inline-policy", "pass");
	audit_result_free(&res);
}
END_TEST

START_TEST(old_generation_without_inputs)
{
	struct audit_result res;
	const struct diff_entry *en;
	char gen[160], cmd[640];

	run_one(0, "before", &res);
	audit_result_free(&res);
	snprintf(gen, sizeof(gen), "%s/state/gen-0000000001", dir);
	snprintf(cmd, sizeof(cmd), "test -f %s/org.inputs.json && test -f %s/" A1
	    ".inputs.json && rm %s/*.inputs.json", gen, gen, gen);
	ck_assert(system(cmd) == 0);
	run_one(F_ALICE_PASS, "after", &res);
	en = entry(&res, DIFF_GAINED, "alice", "Admin");
	ck_assert_uint_eq(en->ncauses, 0);
	ck_assert_str_eq(en->causes_note, CAUSE_NOTE_NOT_KEPT);
	audit_result_free(&res);
	/* The run wrote them: the next one has causes again. */
	run_one(0, "again", &res);
	en = entry(&res, DIFF_LOST, "alice", "Admin");
	want_causes(en, false, 1, "inline-policy", "pass");
	audit_result_free(&res);
}
END_TEST

START_TEST(unchanged_accounts_share_inputs)
{
	struct audit_result res;
	struct stat a, b;
	char p1[160], p2[160];

	run_pair(0, 0, &res);
	ck_assert_uint_eq(res.reused, 1);
	audit_result_free(&res);
	snprintf(p1, sizeof(p1), "%s/state/gen-0000000001/" A1 ".inputs.json", dir);
	snprintf(p2, sizeof(p2), "%s/state/gen-0000000002/" A1 ".inputs.json", dir);
	ck_assert(stat(p1, &a) == 0 && stat(p2, &b) == 0);
	ck_assert_msg(a.st_ino == b.st_ino, "an unchanged account's inputs were written again");
	snprintf(p1, sizeof(p1), "%s/state/gen-0000000001/org.inputs.json", dir);
	snprintf(p2, sizeof(p2), "%s/state/gen-0000000002/org.inputs.json", dir);
	ck_assert(stat(p1, &a) == 0 && stat(p2, &b) == 0);
	ck_assert_msg(a.st_ino == b.st_ino, "an unchanged organization's inputs were written again");
}
END_TEST

/* The demo organization's change (examples/demo-org: OrgBaseline, the
 * managed policy attached to Developer, loses its PassRole deny): one
 * alert, its cause OrgBaseline's new document, listing the three edges. */
START_TEST(demo_change_one_grouped_alert)
{
	const char *top = getenv("top_srcdir") != NULL ? getenv("top_srcdir") : ".";
	struct confdiag diag = CONFDIAG_INIT;
	struct config dc;
	struct audit_result res;
	struct audit_run_opts o;
	struct alert_run run = { "demo-run", 1700000000, ALERT_RUN_OK, NULL, NULL, 0 };
	struct alert *v = NULL, back;
	struct err e = { "" };
	char conf[1200], in1[512], in2[512], sdir[128];
	const struct alert_group *g;
	size_t n = 0;
	cJSON *j;

	/* Private, as the config holds the ExternalId. */
	snprintf(conf, sizeof(conf), "cp %s/examples/demo-org/passrole-auditd.conf %s/demo.conf && "
	    "chmod 600 %s/demo.conf", top, dir, dir);
	ck_assert(system(conf) == 0);
	snprintf(conf, sizeof(conf), "%s/demo.conf", dir);
	snprintf(in1, sizeof(in1), "%s/examples/demo-org/dump", top);
	snprintf(in2, sizeof(in2), "%s/examples/demo-org/dump-changed", top);
	snprintf(sdir, sizeof(sdir), "%s/state", dir);
	ck_assert_msg(config_load(&dc, conf, &diag) == 0, "%s: %s", conf,
	    diag.n > 0 ? diag.msgs[0] : "?");
	confdiag_free(&diag);
	/* Severities by kind: the run has no risk view here. */
	dc.alerts.severity_by = CONFIG_SEVERITY_KIND;
	memset(&o, 0, sizeof(o));
	o.state_dir = sdir;
	o.input_dir = in1;
	ck_assert_msg(audit_run(&dc, &o, NULL, &res, &e) == 0, "%s", e.msg);
	audit_result_free(&res);
	o.input_dir = in2;
	ck_assert_msg(audit_run(&dc, &o, NULL, &res, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(res.diff.n, 3);

	ck_assert_msg(alert_build(&dc.alerts, &run, &res.diff, &v, &n, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(v[0].kind, ALERT_CAUSE);
	g = v[0].group;
	ck_assert_uint_eq(g->ncauses, 1);
	ck_assert_str_eq(g->causes[0].kind, "managed-policy");
	ck_assert_str_eq(g->causes[0].name, "OrgBaseline");
	ck_assert_str_eq(g->causes[0].arn, "arn:aws:iam::210987654321:policy/OrgBaseline");
	ck_assert(g->causes[0].verified && !g->causes[0].jointly);
	/* The Developer gains AdminInstanceRole, and its two paths through
	 * an instance that may run with it become passes of its own (issue
	 * 13's existing-resource hops). */
	ck_assert_uint_eq(g->counts[DIFF_GAINED], 1);
	ck_assert_uint_eq(g->counts[DIFF_CHANGED], 2);
	ck_assert_uint_eq(g->counts[DIFF_LOST], 0);
	ck_assert_uint_eq(g->naccounts, 1);
	ck_assert_str_eq(v[0].account, "210987654321");
	ck_assert_uint_eq(g->nitems, 3);
	ck_assert_uint_eq(g->omitted, 0);
	ck_assert_str_eq(tail(g->items[0].role), "AdminInstanceRole");
	ck_assert_str_eq(tail(g->items[1].role), "BedrockAgentRole");
	ck_assert_str_eq(tail(g->items[2].role), "EventBridgeInvokeRole");
	for (size_t i = 0; i < 3; i++) {
		ck_assert_str_eq(g->items[i].change, i == 0 ? "gained" : "changed");
		ck_assert_str_eq(tail(g->items[i].principal), "Developer");
	}
	ck_assert_int_eq(v[0].severity, dc.alerts.syslog.gained);
	ck_assert_ptr_nonnull(strstr(v[0].change, "managed-policy OrgBaseline"));
	ck_assert_ptr_nonnull(strstr(v[0].reason, "1 edge gained, 2 edges changed in 1 account: "
	    "gained role/Developer -> role/AdminInstanceRole (210987654321)"));

	/* Read back from the outbox's form: the same alert, the same id. */
	j = alert_to_json(&v[0]);
	ck_assert_ptr_nonnull(j);
	ck_assert_msg(alert_from_json(j, &back, &e) == 0, "%s", e.msg);
	cJSON_Delete(j);
	ck_assert_str_eq(back.id, v[0].id);
	ck_assert_uint_eq(back.group->nitems, 3);
	ck_assert_str_eq(back.group->causes[0].before, g->causes[0].before);
	ck_assert_str_eq(back.group->items[2].services[0], "events.amazonaws.com");
	alert_free(&back);
	{
		/* Stable: the same run and cause give the same id; another run
		 * another. */
		struct alert *w = NULL;
		size_t nw = 0;
		char id[ALERT_ID_LEN + 1];

		memcpy(id, v[0].id, sizeof(id));
		alert_array_free(v, n);
		ck_assert(alert_build(&dc.alerts, &run, &res.diff, &w, &nw, &e) == 0 && nw == 1);
		ck_assert_str_eq(w[0].id, id);
		alert_array_free(w, nw);
		run.id = "another-run";
		ck_assert(alert_build(&dc.alerts, &run, &res.diff, &w, &nw, &e) == 0 && nw == 1);
		ck_assert_str_ne(w[0].id, id);
		alert_array_free(w, nw);
		/* group_by = "edge": one per edge, as before. */
		dc.alerts.group_by = CONFIG_GROUP_EDGE;
		ck_assert(alert_build(&dc.alerts, &run, &res.diff, &w, &nw, &e) == 0 && nw == 3);
		ck_assert_int_eq(w[0].kind, ALERT_GAINED);
		alert_array_free(w, nw);
	}
	audit_result_free(&res);
	config_free(&dc);
}
END_TEST

static Suite *
cause_suite(void)
{
	Suite *s = suite_create("cause");
	TCase *t = tcase_create("kinds");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, managed_policy_document);
	tcase_add_test(t, inline_user_policy);
	tcase_add_test(t, inline_added);
	tcase_add_test(t, group_policy);
	tcase_add_test(t, scp_document);
	tcase_add_test(t, rcp_document);
	tcase_add_test(t, boundary_set_and_cleared);
	tcase_add_test(t, trust_policy);
	tcase_add_test(t, endpoint_policy_not_blamed);
	tcase_add_test(t, attachments);
	tcase_add_test(t, org_attachment);
	tcase_add_test(t, group_membership);
	tcase_add_test(t, principal_created_deleted);
	tcase_add_test(t, role_created_privileged);
	tcase_add_test(t, role_classification);
	tcase_add_test(t, role_tags);
	tcase_add_test(t, settings_changed);
	tcase_add_test(t, account_moved);
	tcase_add_test(t, ou_moved);
	tcase_add_test(t, two_changes_two_edges);
	tcase_add_test(t, two_changes_each_needed);
	tcase_add_test(t, two_changes_needed_together);
	tcase_add_test(t, old_generation_without_inputs);
	tcase_add_test(t, unchanged_accounts_share_inputs);
	tcase_add_test(t, demo_change_one_grouped_alert);
	suite_add_tcase(s, t);
	return s;
}

int
main(void)
{
	return check_main(cause_suite());
}
