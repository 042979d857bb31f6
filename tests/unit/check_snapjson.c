/*
 * The snapshot's JSON form (src/collect/snapjson.c): a snapshot with every
 * field set (and nulls, and incomplete parts) survives write → read →
 * write byte for byte; output is sorted whatever the model's order; files
 * are replaced atomically; and bad input fails with the JSON path of the
 * problem, while unknown members are ignored.
 */
#include "config.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/snapfile.h"
#include "collect/snapjson.h"
#include "collect/snapshot.h"
#include "util/buf.h"
#include "util/err.h"

#include "checkmain.h"

/* ------------------------------------------------------ building a model */

static char *
xs(const char *s)
{
	char *d = strdup(s);

	ck_assert_ptr_nonnull(d);
	return d;
}

static void *
push(void *arr, size_t *n, size_t elsize)
{
	void *p = snap_push((void **)arr, n, elsize, NULL);

	ck_assert_ptr_nonnull(p);
	return p;
}

static void
strv_add(char ***v, size_t *n, const char *s)
{
	char **slot = push(v, n, sizeof(**v));

	*slot = xs(s);
}

static void
inline_add(struct snap_inline_policy **v, size_t *n, const char *name, const char *doc)
{
	struct snap_inline_policy *p = push(v, n, sizeof(**v));

	p->name = xs(name);
	p->document = xs(doc);
}

static void
tag_add(struct snap_tag **v, size_t *n, const char *k, const char *val)
{
	struct snap_tag *t = push(v, n, sizeof(**v));

	t->key = xs(k);
	t->value = xs(val);
}

/* A document with everything a JSON string escape must handle: quotes,
 * backslashes, newlines, a tab, a control byte, non-ASCII UTF-8. */
#define TRICKY_DOC "{\n  \"Version\": \"2012-10-17\",\n\t\"Statement\": [{\"Sid\": \"q\\\"b\\\\\x01\"," \
	" \"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"arn:aws:s3:::régions/*\"}]}"
#define PLAIN_DOC "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}"

/* Two accounts, added out of order, each list out of order, so the
 * writer's sorting is exercised; every field of the model is set in one
 * place or another, and nullable ones are left NULL elsewhere. */
static struct snapshot *
full_snapshot(void)
{
	struct snapshot *s = snapshot_new(NULL);
	struct snap_account a;
	struct snap_user *u;
	struct snap_group *g;
	struct snap_role *r;
	struct snap_managed_policy *m;
	struct snap_region *rg;
	struct snap_endpoint *ep;
	struct snap_ou *ou;
	struct snap_org_policy *op;

	ck_assert_ptr_nonnull(s);
	s->taken_at = 1732359461;
	s->partition = xs("aws");
	s->source = xs("offline:/tmp/dump \"x\"");
	s->org.mode = SNAP_ORG_PRESENT;
	snap_part_ok(&s->org.part);
	s->org.id = xs("o-a1b2c3d4e5");
	s->org.management_account = xs("111122223333");
	s->org.root_id = xs("r-a1b2");
	s->org.scp_enabled = true;
	s->org.rcp_enabled = false;
	ou = push(&s->org.ous, &s->org.nous, sizeof(*ou));
	ou->id = xs("ou-a1b2-wkl00002"), ou->name = xs("Workloads"), ou->parent_id = xs("r-a1b2");
	ou = push(&s->org.ous, &s->org.nous, sizeof(*ou));
	ou->id = xs("ou-a1b2-prd00004"), ou->name = xs("Prod"), ou->parent_id = xs("ou-a1b2-wkl00002");
	op = push(&s->org.policies, &s->org.npolicies, sizeof(*op));
	op->id = xs("p-scp0guard1");
	op->arn = xs("arn:aws:organizations::111122223333:policy/o-a1b2c3d4e5/service_control_policy/p-scp0guard1");
	op->name = xs("Guardrails");
	op->type = SNAP_SCP;
	op->content = xs(TRICKY_DOC);
	strv_add(&op->targets, &op->ntargets, "r-a1b2");
	strv_add(&op->targets, &op->ntargets, "123456789012");
	op = push(&s->org.policies, &s->org.npolicies, sizeof(*op));
	op->id = xs("p-RCPFullAWSAccess");
	op->arn = xs("arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess");
	op->name = xs("RCPFullAWSAccess");
	op->type = SNAP_RCP;
	op->aws_managed = true;
	op->content = NULL;	/* DescribePolicy failed: unknown, nullable */

	/* The second account first: the writer must put it after. */
	memset(&a, 0, sizeof(a));
	a.id = xs("444455556666");
	a.parent_id = xs("ou-a1b2-prd00004");
	snap_part_fail(&a.access, "not fetched: sts:AssumeRole: AccessDenied: User: x is not authorized");
	snap_part_fail(&a.iam.part, "not fetched: the account could not be entered");
	rg = push(&a.regions, &a.nregions, sizeof(*rg));
	rg->name = xs("eu-west-1");
	rg->part.complete = false;	/* no reason (ENOMEM in snap_part_fail) */
	ck_assert_int_eq(snapshot_add_account(s, &a, NULL), 0);

	memset(&a, 0, sizeof(a));
	a.id = xs("111122223333");
	a.name = xs("Management");
	a.email = xs("aws-mgmt@example.com");
	a.status = xs("ACTIVE");
	a.parent_id = xs("r-a1b2");
	a.is_management = true;
	snap_part_ok(&a.access);
	snap_part_ok(&a.iam.part);

	u = push(&a.iam.users, &a.iam.nusers, sizeof(*u));
	u->arn = xs("arn:aws:iam::111122223333:user/zed"), u->name = xs("zed");
	u = push(&a.iam.users, &a.iam.nusers, sizeof(*u));
	u->arn = xs("arn:aws:iam::111122223333:user/alice"), u->name = xs("alice");
	u->id = xs("AIDAEXAMPLEALICE00001"), u->path = xs("/");
	strv_add(&u->groups, &u->ngroups, "Admins");
	strv_add(&u->groups, &u->ngroups, "Developers");
	inline_add(&u->inline_policies, &u->ninline, "Keys", TRICKY_DOC);
	strv_add(&u->attached, &u->nattached, "arn:aws:iam::aws:policy/ReadOnlyAccess");
	u->boundary_arn = xs("arn:aws:iam::111122223333:policy/Boundary");
	tag_add(&u->tags, &u->ntags, "team", "platform");
	tag_add(&u->tags, &u->ntags, "cost-center", "");

	g = push(&a.iam.groups, &a.iam.ngroups, sizeof(*g));
	g->arn = xs("arn:aws:iam::111122223333:group/Developers"), g->name = xs("Developers");
	g->id = xs("AGPAEXAMPLEDEVELOP01"), g->path = xs("/");
	strv_add(&g->attached, &g->nattached, "arn:aws:iam::aws:policy/ReadOnlyAccess");
	g = push(&a.iam.groups, &a.iam.ngroups, sizeof(*g));
	g->arn = xs("arn:aws:iam::111122223333:group/Admins"), g->name = xs("Admins");
	inline_add(&g->inline_policies, &g->ninline, "RequireMFA", PLAIN_DOC);

	r = push(&a.iam.roles, &a.iam.nroles, sizeof(*r));
	r->arn = xs("arn:aws:iam::111122223333:role/deploy/app-deployer");
	r->name = xs("app-deployer"), r->id = xs("AROAEXAMPLEDEPLOYER01"), r->path = xs("/deploy/");
	r->trust_policy = xs(PLAIN_DOC);
	inline_add(&r->inline_policies, &r->ninline, "Extra", PLAIN_DOC);
	strv_add(&r->attached, &r->nattached, "arn:aws:iam::aws:policy/AdministratorAccess");
	r->boundary_arn = xs("arn:aws:iam::111122223333:policy/Boundary");
	tag_add(&r->tags, &r->ntags, "privileged", "true");
	strv_add(&r->instance_profiles, &r->ninstance_profiles,
	    "arn:aws:iam::111122223333:instance-profile/deploy/app-deployer");
	r->last_used = xs("2024-06-30T23:59:01Z");
	r->last_used_region = xs("eu-west-1");
	r = push(&a.iam.roles, &a.iam.nroles, sizeof(*r));
	r->arn = xs("arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport");
	r->name = xs("AWSServiceRoleForSupport"), r->path = xs("/aws-service-role/support.amazonaws.com/");
	r->service_linked = true;

	m = push(&a.iam.policies, &a.iam.npolicies, sizeof(*m));
	m->arn = xs("arn:aws:iam::aws:policy/ReadOnlyAccess"), m->name = xs("ReadOnlyAccess");
	m->id = xs("ANPAILL3HVNFSB6DCOWYQ"), m->path = xs("/"), m->default_version = xs("v2");
	m->document = xs(PLAIN_DOC), m->aws_managed = true, m->attachment_count = 2;
	m = push(&a.iam.policies, &a.iam.npolicies, sizeof(*m));
	m->arn = xs("arn:aws:iam::111122223333:policy/Boundary");
	m->document = NULL, m->attachment_count = 0;

	rg = push(&a.regions, &a.nregions, sizeof(*rg));
	rg->name = xs("us-east-1");
	snap_part_fail(&rg->part, "throttled out after 5 attempts (ec2:DescribeVpcEndpoints)");
	rg = push(&a.regions, &a.nregions, sizeof(*rg));
	rg->name = xs("eu-west-1");
	snap_part_ok(&rg->part);
	ep = push(&rg->endpoints, &rg->nendpoints, sizeof(*ep));
	ep->id = xs("vpce-0a1b2c3d4e5f60002"), ep->type = xs("Interface");
	ep->service_name = xs("com.amazonaws.eu-west-1.sts"), ep->vpc_id = xs("vpc-0123456789abcdef0");
	ep->state = xs("available"), ep->policy = xs(TRICKY_DOC);
	ep = push(&rg->endpoints, &rg->nendpoints, sizeof(*ep));
	ep->id = xs("vpce-0a1b2c3d4e5f60001");	/* every other field NULL */
	ck_assert_int_eq(snapshot_add_account(s, &a, NULL), 0);
	return s;
}

static char *
write_str(const struct snapshot *s)
{
	struct buf b = BUF_INIT;
	struct err e = {{0}};

	ck_assert_msg(snapjson_write(s, &b, &e) == 0, "write: %s", e.msg);
	return buf_steal(&b);
}

/* ---------------------------------------------------------- round trip */

START_TEST(test_roundtrip_bytes)
{
	struct snapshot *s = full_snapshot(), *back = NULL;
	struct err e = {{0}};
	char *one, *two;

	one = write_str(s);
	ck_assert_msg(snapjson_read(one, strlen(one), &back, &e) == 0, "read: %s", e.msg);
	two = write_str(back);
	ck_assert_str_eq(one, two);
	free(one);
	free(two);
	snapshot_free(s);
	snapshot_free(back);
}
END_TEST

START_TEST(test_roundtrip_model)
{
	struct snapshot *s = full_snapshot(), *b = NULL;
	struct err e = {{0}};
	char *text = write_str(s);
	const struct snap_account *a;
	const struct snap_role *r;

	ck_assert_msg(snapjson_read(text, strlen(text), &b, &e) == 0, "read: %s", e.msg);
	ck_assert_int_eq(b->format_version, SNAPSHOT_FORMAT_VERSION);
	ck_assert(b->taken_at == 1732359461);
	ck_assert_str_eq(b->partition, "aws");
	ck_assert_str_eq(b->source, "offline:/tmp/dump \"x\"");
	ck_assert_int_eq(b->org.mode, SNAP_ORG_PRESENT);
	ck_assert(b->org.part.complete);
	ck_assert_ptr_null(b->org.part.why);
	ck_assert(b->org.scp_enabled && !b->org.rcp_enabled);
	/* Sorted by id on output, so read back sorted. */
	ck_assert_uint_eq(b->org.nous, 2);
	ck_assert_str_eq(b->org.ous[0].id, "ou-a1b2-prd00004");
	ck_assert_str_eq(b->org.ous[0].parent_id, "ou-a1b2-wkl00002");
	ck_assert_uint_eq(b->org.npolicies, 2);
	ck_assert_str_eq(b->org.policies[0].id, "p-RCPFullAWSAccess");
	ck_assert_int_eq(b->org.policies[0].type, SNAP_RCP);
	ck_assert(b->org.policies[0].aws_managed);
	ck_assert_ptr_null(b->org.policies[0].content);
	ck_assert_uint_eq(b->org.policies[0].ntargets, 0);
	ck_assert_int_eq(b->org.policies[1].type, SNAP_SCP);
	ck_assert_str_eq(b->org.policies[1].content, TRICKY_DOC);
	ck_assert_str_eq(b->org.policies[1].targets[1], "123456789012");

	ck_assert_uint_eq(b->naccounts, 2);
	a = &b->accounts[0];
	ck_assert_str_eq(a->id, "111122223333");
	ck_assert_str_eq(a->email, "aws-mgmt@example.com");
	ck_assert(a->is_management && a->access.complete && a->iam.part.complete);
	ck_assert_uint_eq(a->iam.nusers, 2);
	ck_assert_str_eq(a->iam.users[0].name, "alice");
	ck_assert_str_eq(a->iam.users[0].inline_policies[0].document, TRICKY_DOC);
	ck_assert_str_eq(a->iam.users[0].groups[1], "Developers");
	ck_assert_str_eq(a->iam.users[0].tags[1].key, "cost-center");
	ck_assert_str_eq(a->iam.users[0].tags[1].value, "");
	ck_assert_ptr_null(a->iam.users[1].id);
	ck_assert_ptr_null(a->iam.users[1].boundary_arn);
	ck_assert_str_eq(a->iam.groups[0].name, "Admins");
	r = snapshot_find_role(a, "arn:aws:iam::111122223333:role/deploy/app-deployer");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->last_used_region, "eu-west-1");
	ck_assert_str_eq(r->instance_profiles[0],
	    "arn:aws:iam::111122223333:instance-profile/deploy/app-deployer");
	ck_assert(!r->service_linked);
	ck_assert(a->iam.roles[0].service_linked);
	ck_assert_ptr_null(a->iam.roles[0].trust_policy);
	ck_assert_str_eq(a->iam.policies[0].arn, "arn:aws:iam::111122223333:policy/Boundary");
	ck_assert_ptr_null(a->iam.policies[0].document);
	ck_assert(a->iam.policies[1].aws_managed);
	ck_assert_int_eq(a->iam.policies[1].attachment_count, 2);
	ck_assert_str_eq(a->regions[0].name, "eu-west-1");
	ck_assert_str_eq(a->regions[0].endpoints[0].id, "vpce-0a1b2c3d4e5f60001");
	ck_assert_ptr_null(a->regions[0].endpoints[0].policy);
	ck_assert_str_eq(a->regions[0].endpoints[1].policy, TRICKY_DOC);
	ck_assert(!a->regions[1].part.complete);
	ck_assert_str_eq(a->regions[1].part.why,
	    "throttled out after 5 attempts (ec2:DescribeVpcEndpoints)");

	a = &b->accounts[1];
	ck_assert_ptr_null(a->name);
	ck_assert(!a->is_management && !a->access.complete && !a->iam.part.complete);
	ck_assert(strstr(a->access.why, "sts:AssumeRole: AccessDenied") != NULL);
	ck_assert(!a->regions[0].part.complete);
	ck_assert_ptr_null(a->regions[0].part.why);
	ck_assert(!snapshot_complete(b));
	free(text);
	snapshot_free(s);
	snapshot_free(b);
}
END_TEST

START_TEST(test_output_sorted_whatever_the_order)
{
	struct snapshot *s = full_snapshot();
	char *unsorted = write_str(s), *sorted;

	snapshot_sort(s);
	sorted = write_str(s);
	ck_assert_str_eq(unsorted, sorted);
	/* And the text really is in that order. */
	ck_assert(strstr(sorted, "\"111122223333\"") < strstr(sorted, "\"444455556666\""));
	ck_assert(strstr(sorted, "user/alice") < strstr(sorted, "user/zed"));
	{
		static const char head[] = "{\n  \"format_version\": 1,\n  \"taken_at\": "
		    "\"2024-11-23T10:57:41Z\",\n";

		ck_assert(strncmp(sorted, head, sizeof(head) - 1) == 0);
	}
	free(unsorted);
	free(sorted);
	snapshot_free(s);
}
END_TEST

START_TEST(test_fwrite_equals_write)
{
	struct snapshot *s = full_snapshot();
	char *text = write_str(s), *mem = NULL;
	size_t memlen = 0;
	FILE *f = open_memstream(&mem, &memlen);
	struct err e = {{0}};

	ck_assert_ptr_nonnull(f);
	ck_assert_msg(snapjson_fwrite(s, f, &e) == 0, "%s", e.msg);
	fclose(f);
	ck_assert_uint_eq(memlen, strlen(text));
	ck_assert_str_eq(mem, text);
	free(mem);
	free(text);
	snapshot_free(s);
}
END_TEST

START_TEST(test_write_refuses_null_required)
{
	struct snapshot *s = full_snapshot();
	struct buf b = BUF_INIT;
	struct err e = {{0}};

	snapshot_sort(s);
	free(s->accounts[0].iam.roles[1].arn);
	s->accounts[0].iam.roles[1].arn = NULL;
	ck_assert_int_eq(snapjson_write(s, &b, &e), -1);
	/* NULL sorts first, so the role is roles[0] in the output. */
	ck_assert_str_eq(e.msg, "accounts[0].iam.roles[0].arn: missing in the snapshot");
	buf_free(&b);

	snapshot_sort(s);
	free(s->accounts[0].iam.users[0].groups[1]);
	s->accounts[0].iam.users[0].groups[1] = NULL;
	buf_init(&b, 0);
	ck_assert_int_eq(snapjson_write(s, &b, &e), -1);
	ck_assert_str_eq(e.msg, "accounts[0].iam.users[0].groups[1]: null string in the snapshot");
	buf_free(&b);
	snapshot_free(s);
}
END_TEST

START_TEST(test_write_bounded)
{
	struct snapshot *s = full_snapshot();
	struct buf b;
	struct err e = {{0}};

	buf_init(&b, 1000);
	ck_assert_int_eq(snapjson_write(s, &b, &e), -1);
	ck_assert_str_eq(e.msg, "snapshot JSON: larger than 1000 bytes");
	buf_free(&b);
	snapshot_free(s);
}
END_TEST

/* ------------------------------------------------------------- files */

static char tmpdir[64];

static void
setup_dir(void)
{
	strcpy(tmpdir, "/tmp/check_snapjson.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown_dir(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *de;
	char p[sizeof(tmpdir) + sizeof(de->d_name) + 2];

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", tmpdir, de->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(tmpdir);
}

static int
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

START_TEST(test_save_load)
{
	struct snapshot *s = full_snapshot(), *b = NULL;
	struct err e = {{0}};
	char path[128];
	struct stat st;
	char *one, *two;

	snprintf(path, sizeof(path), "%s/snapshot.json", tmpdir);
	/* An older file is replaced whole. */
	{
		FILE *f = fopen(path, "w");

		ck_assert_ptr_nonnull(f);
		fputs("old content that is longer than nothing", f);
		fclose(f);
	}
	ck_assert_msg(snapjson_save(s, path, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(count_entries(tmpdir), 1);	/* no temporary left */
	ck_assert_msg(snapjson_load(path, 0, &b, &e) == 0, "%s", e.msg);
	one = write_str(s);
	two = write_str(b);
	ck_assert_str_eq(one, two);
	ck_assert_uint_eq((size_t)st.st_size, strlen(one));
	snapshot_free(b);

	/* Bounded: one byte less than the file is refused, naming the path. */
	ck_assert_int_eq(snapjson_load(path, (size_t)st.st_size - 1, &b, &e), -1);
	ck_assert_ptr_null(b);
	ck_assert(strstr(e.msg, path) == e.msg);
	ck_assert(strstr(e.msg, "more than the limit") != NULL);
	free(one);
	free(two);
	snapshot_free(s);
}
END_TEST

START_TEST(test_save_errors)
{
	struct snapshot *s = full_snapshot(), *b = NULL;
	struct err e = {{0}};
	char path[128];

	snprintf(path, sizeof(path), "%s/no/such/dir/snapshot.json", tmpdir);
	ck_assert_int_eq(snapjson_save(s, path, &e), -1);
	ck_assert(strstr(e.msg, path) == e.msg);

	/* A model the writer refuses leaves neither the file nor a temporary. */
	snprintf(path, sizeof(path), "%s/snapshot.json", tmpdir);
	free(s->accounts[0].id);
	s->accounts[0].id = NULL;
	ck_assert_int_eq(snapjson_save(s, path, &e), -1);
	ck_assert(strstr(e.msg, "accounts[0].id: missing in the snapshot") != NULL);
	ck_assert_int_eq(count_entries(tmpdir), 0);

	ck_assert_int_eq(snapjson_load(path, 0, &b, &e), -1);
	ck_assert(strstr(e.msg, "No such file") != NULL);
	ck_assert_int_eq(snapjson_load(tmpdir, 0, &b, &e), -1);
	ck_assert(strstr(e.msg, "not a regular file") != NULL);
	snapshot_free(s);
}
END_TEST

/* --------------------------------------------------------- bad inputs */

/* The node at a path like "accounts[1].iam.roles[0]" ("" = root). */
static cJSON *
node_at(cJSON *root, const char *path)
{
	cJSON *n = root;
	const char *p = path;

	while (*p != '\0') {
		if (*p == '.') {
			p++;
		} else if (*p == '[') {
			n = cJSON_GetArrayItem(n, atoi(p + 1));
			p = strchr(p, ']') + 1;
		} else {
			size_t k = strcspn(p, ".[");
			char key[64];

			snprintf(key, sizeof(key), "%.*s", (int)k, p);
			n = cJSON_GetObjectItemCaseSensitive(n, key);
			p += k;
		}
		ck_assert_msg(n != NULL, "no node at %s", path);
	}
	return n;
}

enum edit { SET, DELETE, ADD };

struct bad_case {
	const char *parent;	/* path of the object or array to edit */
	const char *key;	/* member (objects) or NULL with an index */
	int index;
	enum edit op;
	const char *json;	/* the new value */
	const char *want;	/* the exact error */
};

static const struct bad_case bad_cases[] = {
	{"accounts[0].iam.roles[1]", "arn", 0, DELETE, NULL,
	    "accounts[0].iam.roles[1].arn: missing"},
	{"accounts[0].iam.roles[1]", "arn", 0, SET, "42",
	    "accounts[0].iam.roles[1].arn: expected a string, got a number"},
	{"accounts[0].iam.roles[1]", "trust_policy", 0, SET, "{\"Version\":\"2012-10-17\"}",
	    "accounts[0].iam.roles[1].trust_policy: expected a string or null, got an object"},
	{"accounts[0].iam.roles[1]", "service_linked", 0, SET, "\"false\"",
	    "accounts[0].iam.roles[1].service_linked: expected true or false, got a string"},
	{"accounts[0].iam.roles[1]", "service_linked", 0, DELETE, NULL,
	    "accounts[0].iam.roles[1].service_linked: missing"},
	{"", "format_version", 0, SET, "2",
	    "format_version: 2 is newer than this program reads (1); the snapshot was "
	    "written by a newer passrole-auditd"},
	{"", "format_version", 0, SET, "\"1\"",
	    "format_version: expected an integer, got a string"},
	{"", "format_version", 0, SET, "0",
	    "format_version: expected an integer from 1 to 2147483647"},
	{"", "format_version", 0, DELETE, NULL, "format_version: missing"},
	{"", "taken_at", 0, SET, "\"2024-02-30T00:00:00Z\"",
	    "taken_at: \"2024-02-30T00:00:00Z\" is not a UTC time like 2024-05-20T08:15:30Z"},
	{"", "taken_at", 0, SET, "1732359461", "taken_at: expected a string, got a number"},
	{"", "partition", 0, SET, "[]", "partition: expected a string or null, got an array"},
	{"", "org", 0, DELETE, NULL, "org: missing"},
	{"org", "mode", 0, SET, "\"maybe\"",
	    "org.mode: expected \"present\", \"none\" or \"unknown\""},
	{"org", "complete", 0, SET, "null", "org.complete: expected true or false, got null"},
	{"org", "why", 0, ADD, "\"but complete\"", "org.why: a complete part has no reason"},
	{"org.policies[1]", "type", 0, SET, "\"TAG_POLICY\"",
	    "org.policies[1].type: expected \"SERVICE_CONTROL_POLICY\" or \"RESOURCE_CONTROL_POLICY\""},
	{"org.policies[1].targets", NULL, 0, SET, "7",
	    "org.policies[1].targets[0]: expected a string, got a number"},
	{"org.ous[0]", "parent_id", 0, DELETE, NULL, "org.ous[0].parent_id: missing"},
	{"accounts[0]", "iam", 0, SET, "[]", "accounts[0].iam: expected an object, got an array"},
	{"accounts[0].iam", "users", 0, SET, "{}",
	    "accounts[0].iam.users: expected an array, got an object"},
	{"accounts[0].iam.users[0].groups", NULL, 1, SET, "true",
	    "accounts[0].iam.users[0].groups[1]: expected a string, got a boolean"},
	{"accounts[0].iam.users[0].tags[1]", "value", 0, SET, "null",
	    "accounts[0].iam.users[0].tags[1].value: expected a string, got null"},
	{"accounts[0].iam.users[0].inline_policies[0]", "document", 0, DELETE, NULL,
	    "accounts[0].iam.users[0].inline_policies[0].document: missing"},
	{"accounts[0].iam.policies[1]", "attachment_count", 0, SET, "1.5",
	    "accounts[0].iam.policies[1].attachment_count: expected an integer from 0 to 2147483647"},
	{"accounts[0].iam.policies[1]", "attachment_count", 0, SET, "-1",
	    "accounts[0].iam.policies[1].attachment_count: expected an integer from 0 to 2147483647"},
	{"accounts[0].regions[0].endpoints", NULL, 0, SET, "\"vpce-1\"",
	    "accounts[0].regions[0].endpoints[0]: expected an object, got a string"},
	{"accounts[0].regions[0].endpoints[1]", "id", 0, SET, "null",
	    "accounts[0].regions[0].endpoints[1].id: expected a string, got null"},
	{"accounts[1].access", "complete", 0, DELETE, NULL, "accounts[1].access.complete: missing"},
	{"accounts[1]", "id", 0, SET, "\"111122223333\"",
	    "accounts[1].id: 111122223333 also appears at accounts[0]"},
	{"accounts[0]", "is_management", 0, ADD, "false",
	    "accounts[0].is_management: duplicate member"},
	{"accounts[1].regions[0]", "name", 0, ADD, "\"us-east-1\"",
	    "accounts[1].regions[0].name: duplicate member"},
};

static char *
edited(const char *good, const struct bad_case *c)
{
	cJSON *root = cJSON_Parse(good), *parent, *v = NULL;
	char *out;

	ck_assert_ptr_nonnull(root);
	parent = node_at(root, c->parent);
	if (c->json != NULL) {
		v = cJSON_Parse(c->json);
		ck_assert_ptr_nonnull(v);
	}
	switch (c->op) {
	case DELETE:
		cJSON_DeleteItemFromObjectCaseSensitive(parent, c->key);
		break;
	case SET:
		if (c->key != NULL)
			ck_assert(cJSON_ReplaceItemInObjectCaseSensitive(parent, c->key, v));
		else
			ck_assert(cJSON_ReplaceItemInArray(parent, c->index, v));
		break;
	case ADD:	/* cJSON appends even when the key exists: a duplicate */
		ck_assert(cJSON_AddItemToObject(parent, c->key, v));
		break;
	}
	out = cJSON_Print(root);
	ck_assert_ptr_nonnull(out);
	cJSON_Delete(root);
	return out;
}

START_TEST(test_bad_input)
{
	const struct bad_case *c = &bad_cases[_i];
	struct snapshot *s = full_snapshot(), *b = NULL;
	struct err e = {{0}};
	char *good = write_str(s), *bad;

	bad = edited(good, c);
	ck_assert_int_eq(snapjson_read(bad, strlen(bad), &b, &e), -1);
	ck_assert_ptr_null(b);
	ck_assert_str_eq(e.msg, c->want);
	free(bad);
	free(good);
	snapshot_free(s);
}
END_TEST

START_TEST(test_unknown_members_ignored)
{
	static const char *const where[] = {
		"", "org", "org.ous[1]", "org.policies[0]", "accounts[0]", "accounts[0].access",
		"accounts[0].iam", "accounts[0].iam.users[0]", "accounts[0].iam.users[0].tags[0]",
		"accounts[0].iam.users[0].inline_policies[0]", "accounts[0].iam.groups[1]",
		"accounts[0].iam.roles[1]", "accounts[0].iam.policies[0]", "accounts[0].regions[1]",
		"accounts[0].regions[0].endpoints[1]",
	};
	struct snapshot *s = full_snapshot(), *b = NULL;
	struct err e = {{0}};
	char *good = write_str(s), *text, *again;
	cJSON *root = cJSON_Parse(good);

	ck_assert_ptr_nonnull(root);
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		cJSON *n = node_at(root, where[i]);

		/* Shapes that would be wrong for a known member. */
		cJSON_AddItemToObject(n, "future_field", cJSON_CreateNumber(3));
		cJSON_AddItemToObject(n, "complete_v2", cJSON_CreateObject());
	}
	text = cJSON_Print(root);
	cJSON_Delete(root);
	ck_assert_ptr_nonnull(strstr(text, "future_field"));
	ck_assert_msg(snapjson_read(text, strlen(text), &b, &e) == 0, "%s", e.msg);
	again = write_str(b);
	ck_assert_str_eq(again, good);
	free(text);
	free(again);
	free(good);
	snapshot_free(s);
	snapshot_free(b);
}
END_TEST

/* A null member for a nullable field and an omitted one read the same. */
START_TEST(test_nullable_may_be_omitted)
{
	struct snapshot *s = full_snapshot(), *b = NULL;
	struct err e = {{0}};
	char *good = write_str(s), *text, *again;
	cJSON *root = cJSON_Parse(good), *ep;

	ep = node_at(root, "accounts[0].regions[0].endpoints[0]");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(ep, "policy")));
	cJSON_DeleteItemFromObjectCaseSensitive(ep, "policy");
	cJSON_DeleteItemFromObjectCaseSensitive(ep, "type");
	cJSON_DeleteItemFromObjectCaseSensitive(node_at(root, "accounts[1]"), "name");
	cJSON_DeleteItemFromObjectCaseSensitive(node_at(root, "accounts[1].regions[0]"), "why");
	text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	ck_assert_msg(snapjson_read(text, strlen(text), &b, &e) == 0, "%s", e.msg);
	again = write_str(b);
	ck_assert_str_eq(again, good);
	free(text);
	free(again);
	free(good);
	snapshot_free(s);
	snapshot_free(b);
}
END_TEST

START_TEST(test_truncated_everywhere)
{
	struct snapshot *s = full_snapshot(), *b = NULL;
	struct err e = {{0}};
	char *good = write_str(s);
	size_t len = strlen(good);

	/* Every prefix short of the closing brace: never accepted, never a
	 * crash or leak (ASan), always a syntax message. The text is not
	 * NUL-terminated at the cut, as it would not be in a mapped file. */
	for (size_t n = 0; n + 2 < len; n++) {
		ck_assert_int_eq(snapjson_read(good, n, &b, &e), -1);
		ck_assert_ptr_null(b);
		ck_assert_msg(strncmp(e.msg, "snapshot JSON: ", 15) == 0, "at %zu: %s", n, e.msg);
	}
	ck_assert_int_eq(snapjson_read(good, len - 10, &b, &e), -1);
	ck_assert(strstr(e.msg, "truncated?") != NULL);
	ck_assert_int_eq(snapjson_read(good, len - 1, &b, &e), 0);	/* all but "\n" */
	snapshot_free(b);
	free(good);
	snapshot_free(s);
}
END_TEST

START_TEST(test_syntax_errors)
{
	struct snapshot *b = NULL;
	struct err e = {{0}};
	const char *t;

	t = "{\n  \"format_version\": 1,\n  \"taken_at\": tru\n}";
	ck_assert_int_eq(snapjson_read(t, strlen(t), &b, &e), -1);
	ck_assert_str_eq(e.msg, "snapshot JSON: syntax error at line 3, column 15");
	t = "{\"format_version\": 1} {}";
	ck_assert_int_eq(snapjson_read(t, strlen(t), &b, &e), -1);
	ck_assert_str_eq(e.msg, "snapshot JSON: unexpected text after the top-level object "
	    "at line 1, column 23");
	t = "[1]";
	ck_assert_int_eq(snapjson_read(t, strlen(t), &b, &e), -1);
	ck_assert_str_eq(e.msg, "snapshot JSON: expected an object at the top level, got an array");
	ck_assert_int_eq(snapjson_read("", 0, &b, &e), -1);
	ck_assert(strstr(e.msg, "truncated?") != NULL);
	/* A newer version is refused before anything else is looked at. */
	t = "{\"format_version\": 7, \"accounts\": \"whatever\"}";
	ck_assert_int_eq(snapjson_read(t, strlen(t), &b, &e), -1);
	ck_assert(strstr(e.msg, "format_version: 7 is newer") == e.msg);
	ck_assert_ptr_null(b);
}
END_TEST

/* The smallest valid snapshot: what snapshot_new() gives. */
START_TEST(test_empty_snapshot)
{
	struct snapshot *s = snapshot_new(NULL), *b = NULL;
	struct err e = {{0}};
	char *one, *two;

	one = write_str(s);
	ck_assert_str_eq(one,
	    "{\n"
	    "  \"format_version\": 1,\n"
	    "  \"taken_at\": \"1970-01-01T00:00:00Z\",\n"
	    "  \"partition\": null,\n"
	    "  \"source\": null,\n"
	    "  \"org\": {\n"
	    "    \"mode\": \"unknown\",\n"
	    "    \"complete\": false,\n"
	    "    \"why\": \"not fetched\",\n"
	    "    \"id\": null,\n"
	    "    \"management_account\": null,\n"
	    "    \"root_id\": null,\n"
	    "    \"scp_enabled\": false,\n"
	    "    \"rcp_enabled\": false,\n"
	    "    \"ous\": [],\n"
	    "    \"policies\": []\n"
	    "  },\n"
	    "  \"accounts\": []\n"
	    "}\n");
	ck_assert_msg(snapjson_read(one, strlen(one), &b, &e) == 0, "%s", e.msg);
	two = write_str(b);
	ck_assert_str_eq(one, two);
	ck_assert_int_eq(b->org.mode, SNAP_ORG_UNKNOWN);
	ck_assert_str_eq(b->org.part.why, "not fetched");
	free(one);
	free(two);
	snapshot_free(b);

	/* Years below 1000 keep four digits (found by fuzz_snapjson). */
	s->taken_at = -31083523200;	/* 0985-01-01T00:00:00Z */
	one = write_str(s);
	ck_assert_ptr_nonnull(strstr(one, "\"taken_at\": \"0985-01-01T00:00:00Z\""));
	ck_assert_msg(snapjson_read(one, strlen(one), &b, &e) == 0, "%s", e.msg);
	ck_assert(b->taken_at == s->taken_at);
	two = write_str(b);
	ck_assert_str_eq(one, two);
	free(one);
	free(two);
	snapshot_free(s);
	snapshot_free(b);
}
END_TEST


/* ---------------------------------------- the file, one account at a time */

static int
file_next(void *src, struct snap_account *out, struct err *e)
{
	return snapfile_next(src, out, e);
}

/* Saved, then read by snapfile: the same snapshot as the whole reader's,
 * byte for byte once written. */
START_TEST(test_file_roundtrip)
{
	struct snapshot *s = full_snapshot(), *b = NULL, *g;
	struct err e = {{0}};
	struct snapfile *f;
	char path[128];
	char *one, *two;

	snprintf(path, sizeof(path), "%s/snapshot.json", tmpdir);
	ck_assert_msg(snapjson_save(s, path, &e) == 0, "%s", e.msg);
	ck_assert_msg(snapjson_load(path, 0, &b, &e) == 0, "%s", e.msg);
	f = snapfile_open(path, &e);
	ck_assert_msg(f != NULL, "%s", e.msg);
	ck_assert_uint_eq(snapfile_shell(f)->naccounts, s->naccounts);
	for (size_t i = 0; i < s->naccounts; i++) {
		ck_assert_ptr_null(snapfile_shell(f)->accounts[i].iam.roles);
		ck_assert_ptr_nonnull(snapfile_shell(f)->accounts[i].id);
	}
	/* snapshot_gather moves the shell's organization out: the reader's
	 * shell is done with once every account was read. */
	g = snapshot_gather(file_next, f, (struct snapshot *)snapfile_shell(f), &e);
	ck_assert_msg(g != NULL, "%s", e.msg);
	one = write_str(b);
	two = write_str(g);
	ck_assert_str_eq(one, two);
	free(one);
	free(two);
	snapfile_close(f);
	snapshot_free(g);
	snapshot_free(b);
	snapshot_free(s);
}
END_TEST

/* Every bad input the whole reader refuses, refused before any account is
 * given, in the same words after the file's name. */
START_TEST(test_file_bad_input)
{
	const struct bad_case *c = &bad_cases[_i];
	struct snapshot *s = full_snapshot();
	struct err e = {{0}};
	char *good = write_str(s), *bad, path[128], want[1200];
	FILE *fp;

	bad = edited(good, c);
	snprintf(path, sizeof(path), "%s/bad.json", tmpdir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(bad, fp);
	fclose(fp);
	ck_assert_ptr_null(snapfile_open(path, &e));
	snprintf(want, sizeof(want), "%s: %s", path, c->want);
	ck_assert_str_eq(e.msg, want);
	unlink(path);
	free(bad);
	free(good);
	snapshot_free(s);
}
END_TEST

static Suite *
snapjson_suite(void)
{
	Suite *s = suite_create("snapjson");
	TCase *tc = tcase_create("roundtrip");
	TCase *tf = tcase_create("files");
	TCase *tb = tcase_create("bad");

	tcase_add_test(tc, test_roundtrip_bytes);
	tcase_add_test(tc, test_roundtrip_model);
	tcase_add_test(tc, test_output_sorted_whatever_the_order);
	tcase_add_test(tc, test_fwrite_equals_write);
	tcase_add_test(tc, test_write_refuses_null_required);
	tcase_add_test(tc, test_write_bounded);
	tcase_add_test(tc, test_empty_snapshot);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tf, setup_dir, teardown_dir);
	tcase_add_test(tf, test_save_load);
	tcase_add_test(tf, test_save_errors);
	tcase_add_test(tf, test_file_roundtrip);
	tcase_add_loop_test(tf, test_file_bad_input, 0,
	    (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	suite_add_tcase(s, tf);
	tcase_add_loop_test(tb, test_bad_input, 0, (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_test(tb, test_unknown_members_ignored);
	tcase_add_test(tb, test_nullable_may_be_omitted);
	tcase_add_test(tb, test_truncated_everywhere);
	tcase_add_test(tb, test_syntax_errors);
	suite_add_tcase(s, tb);
	return s;
}

int
main(void)
{
	return check_main(snapjson_suite());
}
