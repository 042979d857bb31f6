/*
 * The IAM and EC2 collectors (src/collect/collect_iam.c, collect_ec2.c).
 *
 * parse: the page parsers on the synthetic AWS pages of
 *   tests/data/aws-responses (against their expected.json), on pages with
 *   unknown elements (ignored) and on pages missing required fields (a clear
 *   error naming the API, entity and field; nothing of the page kept).
 * emulator: collect_iam / collect_endpoints with a real aws_client against
 *   the loopback emulator (tests/emulator): exact content of basic.json,
 *   iam-edge.json and ec2-endpoints.json; identical content whatever the
 *   page size; faults in the middle of a pagination (throttling storms,
 *   expired credentials with and without refresh, truncated and malformed
 *   bodies, AccessDenied) leave the part incomplete with the reason.
 * loop: the fetch loops against a canned server for what the emulator never
 *   does (a truncated page without a marker, a marker that repeats, a page
 *   with a missing field after good ones).
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aws/client.h"
#include "aws/query.h"
#include "collect/collect.h"
#include "collect/collect_ec2.h"
#include "collect/collect_iam.h"
#include "log.h"
#include "testserver.h"
#include "util/buf.h"

#include "checkmain.h"

#define AKID "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define X_AKID "ASIAEXPIREDEXAMPLE"
#define X_SECRET "expiredSecretKeyEXAMPLEEXAMPLEEXAMPLE12"
#define X_TOKEN "FwoGZXIvYXdzEXPIREDEXAMPLETOKEN"
#define GAAD "iam:GetAccountAuthorizationDetails"
#define DVE "ec2:DescribeVpcEndpoints"

/* ---------------------------------------------------------------- helpers */

static char *
read_text(const char *rel)
{
	const char *top = getenv("top_srcdir");
	struct buf b = BUF_INIT;
	char path[1024], chunk[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top != NULL ? top : ".", rel);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		ck_assert_int_eq(buf_append(&b, chunk, n), 0);
	fclose(f);
	buf_putc(&b, '\0');
	return buf_steal(&b);
}

static bool
json_eq(const char *text, const char *expected)
{
	cJSON *a = cJSON_Parse(text), *b = cJSON_Parse(expected);
	bool eq = a != NULL && b != NULL && cJSON_Compare(a, b, true);

	cJSON_Delete(a);
	cJSON_Delete(b);
	return eq;
}

static bool
json_eq_obj(const char *text, const cJSON *expected)
{
	cJSON *a = cJSON_Parse(text);
	bool eq = a != NULL && cJSON_Compare(a, expected, true);

	cJSON_Delete(a);
	return eq;
}

static const struct snap_user *
find_user(const struct snap_iam *iam, const char *name)
{
	for (size_t i = 0; i < iam->nusers; i++)
		if (strcmp(iam->users[i].name, name) == 0)
			return &iam->users[i];
	ck_abort_msg("no user %s", name);
	return NULL;
}

static const struct snap_group *
find_group(const struct snap_iam *iam, const char *name)
{
	for (size_t i = 0; i < iam->ngroups; i++)
		if (strcmp(iam->groups[i].name, name) == 0)
			return &iam->groups[i];
	ck_abort_msg("no group %s", name);
	return NULL;
}

static const struct snap_role *
find_role(const struct snap_iam *iam, const char *name)
{
	for (size_t i = 0; i < iam->nroles; i++)
		if (strcmp(iam->roles[i].name, name) == 0)
			return &iam->roles[i];
	ck_abort_msg("no role %s", name);
	return NULL;
}

static const struct snap_managed_policy *
find_policy(const struct snap_iam *iam, const char *arn)
{
	for (size_t i = 0; i < iam->npolicies; i++)
		if (strcmp(iam->policies[i].arn, arn) == 0)
			return &iam->policies[i];
	ck_abort_msg("no policy %s", arn);
	return NULL;
}

static const struct snap_endpoint *
find_endpoint(const struct snap_region *r, const char *id)
{
	for (size_t i = 0; i < r->nendpoints; i++)
		if (strcmp(r->endpoints[i].id, id) == 0)
			return &r->endpoints[i];
	ck_abort_msg("no endpoint %s", id);
	return NULL;
}

static const char *
tag_value(const struct snap_tag *t, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].key, key) == 0)
			return t[i].value;
	return NULL;
}

#define S(x) ((x) != NULL ? (x) : "(null)")

static void
dump_strv(struct buf *b, const char *what, char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "  %s %s\n", what, v[i]);
}

static void
dump_inline(struct buf *b, const struct snap_inline_policy *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "  inline %s %s\n", p[i].name, p[i].document);
}

static void
dump_tags(struct buf *b, const struct snap_tag *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "  tag %s=%s\n", t[i].key, t[i].value);
}

/* Every field of iam, entities in ARN order (sorted through the snapshot's
 * own snapshot_sort), as text: two collections are the same when their
 * dumps are. The iam is left sorted. */
static char *
dump_iam(struct snap_iam *iam)
{
	struct snapshot *s = snapshot_new(NULL);
	struct snap_account a;
	struct buf b = BUF_INIT;
	struct snap_iam *x;

	ck_assert_ptr_nonnull(s);
	memset(&a, 0, sizeof(a));
	a.iam = *iam;
	memset(iam, 0, sizeof(*iam));
	ck_assert_int_eq(snapshot_add_account(s, &a, NULL), 0);
	snapshot_sort(s);
	x = &s->accounts[0].iam;
	for (size_t i = 0; i < x->nusers; i++) {
		const struct snap_user *u = &x->users[i];

		buf_printf(&b, "user %s %s %s %s boundary=%s\n", u->arn, u->name, S(u->id), S(u->path),
		    S(u->boundary_arn));
		dump_strv(&b, "group", u->groups, u->ngroups);
		dump_inline(&b, u->inline_policies, u->ninline);
		dump_strv(&b, "attached", u->attached, u->nattached);
		dump_tags(&b, u->tags, u->ntags);
	}
	for (size_t i = 0; i < x->ngroups; i++) {
		const struct snap_group *g = &x->groups[i];

		buf_printf(&b, "group %s %s %s %s\n", g->arn, g->name, S(g->id), S(g->path));
		dump_inline(&b, g->inline_policies, g->ninline);
		dump_strv(&b, "attached", g->attached, g->nattached);
	}
	for (size_t i = 0; i < x->nroles; i++) {
		const struct snap_role *r = &x->roles[i];

		buf_printf(&b, "role %s %s %s %s boundary=%s last=%s/%s slr=%d\n  trust %s\n", r->arn,
		    r->name, S(r->id), S(r->path), S(r->boundary_arn), S(r->last_used),
		    S(r->last_used_region), r->service_linked, r->trust_policy);
		dump_inline(&b, r->inline_policies, r->ninline);
		dump_strv(&b, "attached", r->attached, r->nattached);
		dump_tags(&b, r->tags, r->ntags);
		dump_strv(&b, "profile", r->instance_profiles, r->ninstance_profiles);
	}
	for (size_t i = 0; i < x->npolicies; i++) {
		const struct snap_managed_policy *p = &x->policies[i];

		buf_printf(&b, "policy %s %s %s %s %s aws=%d count=%d\n  doc %s\n", p->arn, p->name,
		    S(p->id), S(p->path), S(p->default_version), p->aws_managed,
		    p->attachment_count, p->document);
	}
	*iam = *x;
	memset(x, 0, sizeof(*x));
	snapshot_free(s);
	buf_putc(&b, '\0');
	return buf_steal(&b);
}

static char *
dump_region(struct snap_region *r)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < r->nendpoints; i++)
		for (size_t j = i + 1; j < r->nendpoints; j++)
			if (strcmp(r->endpoints[j].id, r->endpoints[i].id) < 0) {
				struct snap_endpoint t = r->endpoints[i];

				r->endpoints[i] = r->endpoints[j];
				r->endpoints[j] = t;
			}
	for (size_t i = 0; i < r->nendpoints; i++) {
		const struct snap_endpoint *ep = &r->endpoints[i];

		buf_printf(&b, "%s %s %s %s %s %s\n", ep->id, ep->type, ep->service_name,
		    S(ep->vpc_id), S(ep->state), S(ep->policy));
	}
	buf_putc(&b, '\0');
	return buf_steal(&b);
}

static void
iam_free(struct snap_iam *iam)
{
	struct snap_account a;

	memset(&a, 0, sizeof(a));
	a.iam = *iam;
	snap_account_clear(&a);
	memset(iam, 0, sizeof(*iam));
}

static void
region_free(struct snap_region *r)
{
	struct snap_account a;
	struct snap_region *slot;

	memset(&a, 0, sizeof(a));
	slot = snap_push((void **)&a.regions, &a.nregions, sizeof(*slot), NULL);
	ck_assert_ptr_nonnull(slot);
	*slot = *r;
	snap_account_clear(&a);
	memset(r, 0, sizeof(*r));
}

/* ----------------------------------------------------------- page parsers */

/* Parse a whole GAAD response body into iam. */
static int
gaad_parse_body(const char *body, struct snap_iam *iam, bool *trunc, char **marker,
    struct err *e)
{
	struct xml_limits lim;
	struct xml_doc *doc = NULL;
	const struct xml_node *res = NULL;
	int rc;

	xml_limits_default(&lim);
	ck_assert_msg(query_parse_response(AWS_PROTO_QUERY, body, strlen(body),
	    "GetAccountAuthorizationDetails", &lim, &doc, &res, NULL, 0, e) == 0, "%s", e->msg);
	rc = collect_iam_parse_page(res, iam, trunc, marker, e);
	xml_free(doc);
	return rc;
}

static int
dve_parse_body(const char *body, struct snap_region *r, char **next, struct err *e)
{
	struct xml_limits lim;
	struct xml_doc *doc = NULL;
	const struct xml_node *res = NULL;
	int rc;

	xml_limits_default(&lim);
	ck_assert_msg(query_parse_response(AWS_PROTO_EC2, body, strlen(body),
	    "DescribeVpcEndpoints", &lim, &doc, &res, NULL, 0, e) == 0, "%s", e->msg);
	rc = collect_ec2_parse_page(res, r, next, e);
	xml_free(doc);
	return rc;
}

static void
check_strv(char **v, size_t n, const cJSON *expected)
{
	size_t i = 0;
	const cJSON *x;

	ck_assert_uint_eq(n, (size_t)cJSON_GetArraySize(expected));
	cJSON_ArrayForEach(x, expected)
		ck_assert_str_eq(v[i++], x->valuestring);
}

static void
check_inline(const struct snap_inline_policy *p, size_t n, const cJSON *expected)
{
	const cJSON *x;
	size_t i = 0;

	ck_assert_uint_eq(n, (size_t)cJSON_GetArraySize(expected));
	cJSON_ArrayForEach(x, expected) {
		ck_assert_str_eq(p[i].name, x->string);
		ck_assert_msg(json_eq_obj(p[i].document, x), "%s: %s", x->string, p[i].document);
		i++;
	}
}

static void
check_tags(const struct snap_tag *t, size_t n, const cJSON *expected)
{
	const cJSON *x;

	ck_assert_uint_eq(n, (size_t)cJSON_GetArraySize(expected));
	cJSON_ArrayForEach(x, expected)
		ck_assert_str_eq(S(tag_value(t, n, x->string)), x->valuestring);
}

static void
check_opt(const char *got, const cJSON *expected)
{
	if (expected == NULL || cJSON_IsNull(expected))
		ck_assert_ptr_null(got);
	else
		ck_assert_str_eq(S(got), expected->valuestring);
}

#define J(o, k) cJSON_GetObjectItemCaseSensitive((o), (k))

/* One synthetic page against its part of expected.json. */
static void
check_gaad_page(const struct snap_iam *iam, const cJSON *exp)
{
	const cJSON *x, *v;

	ck_assert_uint_eq(iam->nusers, (size_t)cJSON_GetArraySize(J(exp, "UserDetailList")));
	cJSON_ArrayForEach(x, J(exp, "UserDetailList")) {
		const struct snap_user *u = find_user(iam, J(x, "UserName")->valuestring);

		ck_assert_str_eq(u->path, J(x, "Path")->valuestring);
		check_strv(u->groups, u->ngroups, J(x, "GroupList"));
		check_strv(u->attached, u->nattached, J(x, "AttachedManagedPolicies"));
		check_opt(u->boundary_arn, J(x, "PermissionsBoundaryArn"));
		check_tags(u->tags, u->ntags, J(x, "Tags"));
		check_inline(u->inline_policies, u->ninline, J(x, "UserPolicyList"));
	}
	ck_assert_uint_eq(iam->ngroups, (size_t)cJSON_GetArraySize(J(exp, "GroupDetailList")));
	cJSON_ArrayForEach(x, J(exp, "GroupDetailList")) {
		const struct snap_group *g = find_group(iam, J(x, "GroupName")->valuestring);

		check_strv(g->attached, g->nattached, J(x, "AttachedManagedPolicies"));
		check_inline(g->inline_policies, g->ninline, J(x, "GroupPolicyList"));
	}
	ck_assert_uint_eq(iam->nroles, (size_t)cJSON_GetArraySize(J(exp, "RoleDetailList")));
	cJSON_ArrayForEach(x, J(exp, "RoleDetailList")) {
		const struct snap_role *r = find_role(iam, J(x, "RoleName")->valuestring);
		const cJSON *lu = J(x, "RoleLastUsed");

		ck_assert(json_eq_obj(r->trust_policy, J(x, "AssumeRolePolicyDocument")));
		check_inline(r->inline_policies, r->ninline, J(x, "RolePolicyList"));
		check_strv(r->attached, r->nattached, J(x, "AttachedManagedPolicies"));
		check_opt(r->boundary_arn, J(x, "PermissionsBoundaryArn"));
		if (J(x, "Tags") != NULL)
			check_tags(r->tags, r->ntags, J(x, "Tags"));
		if (J(x, "InstanceProfiles") != NULL)
			check_strv(r->instance_profiles, r->ninstance_profiles, J(x, "InstanceProfiles"));
		else
			ck_assert_uint_eq(r->ninstance_profiles, 0);
		check_opt(r->last_used, J(lu, "LastUsedDate"));
		check_opt(r->last_used_region, J(lu, "Region"));
		if (J(x, "Path") != NULL)
			ck_assert_str_eq(r->path, J(x, "Path")->valuestring);
		ck_assert(r->service_linked ==
		    (strncmp(r->path, "/aws-service-role/", 18) == 0));
	}
	ck_assert_uint_eq(iam->npolicies, (size_t)cJSON_GetArraySize(J(exp, "Policies")));
	cJSON_ArrayForEach(x, J(exp, "Policies")) {
		const struct snap_managed_policy *p = find_policy(iam, J(x, "Arn")->valuestring);

		ck_assert_str_eq(p->default_version, J(x, "DefaultVersionId")->valuestring);
		ck_assert(p->aws_managed == (strstr(p->arn, ":iam::aws:policy/") != NULL));
		cJSON_ArrayForEach(v, J(x, "PolicyVersionList"))
			if (cJSON_IsTrue(J(v, "IsDefaultVersion")))
				ck_assert_msg(json_eq_obj(p->document, J(v, "Document")), "%s", p->document);
	}
}

START_TEST(test_gaad_synthetic_pages)
{
	char *p1 = read_text("tests/data/aws-responses/iam/GetAccountAuthorizationDetails.synthetic.page1.xml");
	char *p2 = read_text("tests/data/aws-responses/iam/GetAccountAuthorizationDetails.synthetic.page2.xml");
	char *ex = read_text("tests/data/aws-responses/iam/GetAccountAuthorizationDetails.synthetic.expected.json");
	cJSON *exp = cJSON_Parse(ex), *verb;
	struct snap_iam a, b;
	struct err e;
	char *marker = NULL;
	bool trunc = false;

	ck_assert_ptr_nonnull(exp);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ck_assert_msg(gaad_parse_body(p1, &a, &trunc, &marker, &e) == COLLECT_PAGE_OK, "%s", e.msg);
	ck_assert(trunc);
	ck_assert_str_eq(S(marker), J(J(exp, "page1"), "Marker")->valuestring);
	free(marker);
	check_gaad_page(&a, J(exp, "page1"));
	ck_assert_msg(gaad_parse_body(p2, &b, &trunc, &marker, &e) == COLLECT_PAGE_OK, "%s", e.msg);
	ck_assert(!trunc);
	ck_assert_ptr_null(marker);
	check_gaad_page(&b, J(exp, "page2"));
	ck_assert(find_role(&b, "AWSServiceRoleForSupport")->service_linked);
	ck_assert(!find_role(&b, "reports-writer")->service_linked);
	ck_assert(find_policy(&b, "arn:aws:iam::aws:policy/SecurityAudit")->aws_managed);
	ck_assert(!find_policy(&b, "arn:aws:iam::111122223333:policy/ci-deploy")->aws_managed);
	ck_assert_int_eq(find_policy(&b, "arn:aws:iam::111122223333:policy/ci-deploy")->attachment_count, 1);
	ck_assert_int_eq(find_policy(&a, "arn:aws:iam::111122223333:policy/DeveloperBoundary")->attachment_count, 0);

	/* Byte for byte where the golden file gives the decoded text. */
	verb = J(exp, "decoded_documents_verbatim");
	ck_assert_str_eq(find_user(&a, "alice")->inline_policies[0].document,
	    J(verb, "alice_inline")->valuestring);
	ck_assert_str_eq(find_group(&a, "Admins")->inline_policies[0].document,
	    J(verb, "admins_mfa")->valuestring);
	ck_assert_str_eq(find_role(&a, "AuditRole")->trust_policy, J(verb, "trust_audit")->valuestring);
	ck_assert_str_eq(find_role(&a, "AuditRole")->inline_policies[0].document,
	    J(verb, "audit_inline")->valuestring);
	ck_assert_str_eq(find_policy(&a, "arn:aws:iam::111122223333:policy/DeveloperBoundary")->document,
	    J(verb, "boundary_v2")->valuestring);
	ck_assert_str_eq(find_role(&b, "reports-writer")->inline_policies[0].document,
	    J(verb, "reports_inline")->valuestring);
	ck_assert_str_eq(find_policy(&b, "arn:aws:iam::aws:policy/SecurityAudit")->document,
	    J(verb, "security_audit_min")->valuestring);

	/* A second page appends to what is there. */
	ck_assert_msg(gaad_parse_body(p2, &a, &trunc, &marker, &e) == COLLECT_PAGE_OK, "%s", e.msg);
	ck_assert_uint_eq(a.nroles, 4);
	ck_assert_uint_eq(a.npolicies, 3);
	iam_free(&a);
	iam_free(&b);
	cJSON_Delete(exp);
	free(p1);
	free(p2);
	free(ex);
}
END_TEST

#define GAAD_HEAD "<GetAccountAuthorizationDetailsResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">" \
	"<GetAccountAuthorizationDetailsResult>"
#define GAAD_TAIL "</GetAccountAuthorizationDetailsResult><ResponseMetadata><RequestId>req-1</RequestId>" \
	"</ResponseMetadata></GetAccountAuthorizationDetailsResponse>"
#define TRUST "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D"
#define ROLE_OPEN "<member><Path>/</Path><RoleName>r1</RoleName><RoleId>AROAR1</RoleId>"
#define ROLE_ARN "<Arn>arn:aws:iam::111122223333:role/r1</Arn>"
#define ROLE_TRUST "<AssumeRolePolicyDocument>" TRUST "</AssumeRolePolicyDocument>"
#define ROLE_OK ROLE_OPEN ROLE_ARN ROLE_TRUST "</member>"
#define USER_OK "<member><UserName>u1</UserName><Arn>arn:aws:iam::111122223333:user/u1</Arn></member>"
#define POLICY_OPEN "<member><PolicyName>p1</PolicyName><Arn>arn:aws:iam::111122223333:policy/p1</Arn>"

/* Unknown elements everywhere: at the top, in entities, in nested lists, in
 * list members and as whole unknown lists. The parse equals the clean one. */
START_TEST(test_gaad_unknown_fields_ignored)
{
	static const char clean[] = GAAD_HEAD "<IsTruncated>false</IsTruncated>"
	    "<UserDetailList>" USER_OK "</UserDetailList>"
	    "<RoleDetailList>" ROLE_OPEN ROLE_ARN ROLE_TRUST
	    "<Tags><member><Key>k</Key><Value>v</Value></member></Tags>"
	    "<RolePolicyList><member><PolicyName>i</PolicyName><PolicyDocument>" TRUST
	    "</PolicyDocument></member></RolePolicyList></member></RoleDetailList>"
	    "<Policies>" POLICY_OPEN "<DefaultVersionId>v1</DefaultVersionId><PolicyVersionList>"
	    "<member><Document>" TRUST "</Document><VersionId>v1</VersionId>"
	    "<IsDefaultVersion>true</IsDefaultVersion></member></PolicyVersionList></member></Policies>"
	    GAAD_TAIL;
	static const char noisy[] = GAAD_HEAD "<FutureFlag>yes</FutureFlag><IsTruncated>false</IsTruncated>"
	    "<SomethingNewList><member><Arn>arn:aws:iam::111122223333:thing/x</Arn></member></SomethingNewList>"
	    "<UserDetailList><member><UserName>u1</UserName><LoginProfile><Created>x</Created></LoginProfile>"
	    "<Arn>arn:aws:iam::111122223333:user/u1</Arn><UserPolicyList/><Extra/></member></UserDetailList>"
	    "<RoleDetailList>" ROLE_OPEN "<MaxSessionDuration>3600</MaxSessionDuration>" ROLE_ARN ROLE_TRUST
	    "<Tags><member><Key>k</Key><Colour>red</Colour><Value>v</Value></member></Tags>"
	    "<RolePolicyList><member><PolicyName>i</PolicyName><Origin>console</Origin><PolicyDocument>" TRUST
	    "</PolicyDocument></member></RolePolicyList><RoleLastUsed><Future>1</Future></RoleLastUsed>"
	    "</member></RoleDetailList>"
	    "<Policies>" POLICY_OPEN "<DefaultVersionId>v1</DefaultVersionId><Unknown><member>1</member></Unknown>"
	    "<PolicyVersionList><member><Document>" TRUST "</Document><VersionId>v1</VersionId>"
	    "<Signature>abc</Signature><IsDefaultVersion>true</IsDefaultVersion></member></PolicyVersionList>"
	    "</member></Policies><GroupDetailList/>" GAAD_TAIL;
	struct snap_iam a, b;
	struct err e;
	char *m = NULL, *da, *db;
	bool t = true;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ck_assert_msg(gaad_parse_body(clean, &a, &t, &m, &e) == COLLECT_PAGE_OK, "%s", e.msg);
	ck_assert(!t);
	ck_assert_msg(gaad_parse_body(noisy, &b, &t, &m, &e) == COLLECT_PAGE_OK, "%s", e.msg);
	ck_assert(!t);
	ck_assert_ptr_null(m);
	ck_assert_uint_eq(b.nusers, 1);
	ck_assert_uint_eq(b.nroles, 1);
	ck_assert_uint_eq(b.npolicies, 1);
	ck_assert_ptr_null(b.roles[0].last_used);
	da = dump_iam(&a);
	db = dump_iam(&b);
	ck_assert_str_eq(da, db);
	free(da);
	free(db);
	iam_free(&a);
	iam_free(&b);
}
END_TEST

struct bad_page {
	const char *body;	/* inside the Result element */
	const char *error;	/* the exact message */
};

START_TEST(test_gaad_missing_fields)
{
	static const struct bad_page cases[] = {
		{ "<RoleDetailList>" ROLE_OPEN ROLE_TRUST "</member></RoleDetailList>",
		  GAAD ": RoleDetailList member 1 (r1): missing Arn" },
		{ "<RoleDetailList>" ROLE_OK ROLE_OPEN "<Arn></Arn>" ROLE_TRUST "</member></RoleDetailList>",
		  GAAD ": RoleDetailList member 2 (r1): missing Arn" },
		{ "<RoleDetailList>" ROLE_OPEN ROLE_ARN "</member></RoleDetailList>",
		  GAAD ": RoleDetailList member 1 (r1): missing AssumeRolePolicyDocument" },
		{ "<UserDetailList><member><Arn>arn:aws:iam::1:user/x</Arn></member></UserDetailList>",
		  GAAD ": UserDetailList member 1: missing UserName" },
		{ "<GroupDetailList><member><GroupName>g</GroupName></member></GroupDetailList>",
		  GAAD ": GroupDetailList member 1 (g): missing Arn" },
		{ "<RoleDetailList>" ROLE_OPEN ROLE_ARN ROLE_TRUST "<RolePolicyList><member><PolicyName>ip"
		  "</PolicyName></member></RolePolicyList></member></RoleDetailList>",
		  GAAD ": RoleDetailList member 1 (r1): RolePolicyList member 1 (ip): missing PolicyDocument" },
		{ "<UserDetailList><member><UserName>u</UserName><Arn>a</Arn><UserPolicyList><member>"
		  "<PolicyDocument>" TRUST "</PolicyDocument></member></UserPolicyList></member></UserDetailList>",
		  GAAD ": UserDetailList member 1 (u): UserPolicyList member 1: missing PolicyName" },
		{ "<RoleDetailList>" ROLE_OPEN ROLE_ARN ROLE_TRUST "<AttachedManagedPolicies><member>"
		  "<PolicyName>ap</PolicyName></member></AttachedManagedPolicies></member></RoleDetailList>",
		  GAAD ": RoleDetailList member 1 (r1): AttachedManagedPolicies member 1 (ap): missing PolicyArn" },
		{ "<RoleDetailList>" ROLE_OPEN ROLE_ARN ROLE_TRUST "<InstanceProfileList><member>"
		  "<InstanceProfileName>ip1</InstanceProfileName></member></InstanceProfileList></member>"
		  "</RoleDetailList>",
		  GAAD ": RoleDetailList member 1 (r1): InstanceProfileList member 1 (ip1): missing Arn" },
		{ "<RoleDetailList>" ROLE_OPEN ROLE_ARN ROLE_TRUST "<Tags><member><Value>v</Value></member>"
		  "</Tags></member></RoleDetailList>",
		  GAAD ": RoleDetailList member 1 (r1): Tags member 1: missing Key" },
		{ "<RoleDetailList>" ROLE_OPEN ROLE_ARN ROLE_TRUST "<PermissionsBoundary><PermissionsBoundaryType>"
		  "PermissionsBoundaryPolicy</PermissionsBoundaryType></PermissionsBoundary></member></RoleDetailList>",
		  GAAD ": RoleDetailList member 1 (r1): PermissionsBoundary without PermissionsBoundaryArn" },
		{ "<UserDetailList><member><UserName>u</UserName><Arn>a</Arn><GroupList><member></member>"
		  "</GroupList></member></UserDetailList>",
		  GAAD ": UserDetailList member 1 (u): GroupList member 1: empty name" },
		{ "<RoleDetailList>" ROLE_OPEN ROLE_ARN "<AssumeRolePolicyDocument>%7B%2</AssumeRolePolicyDocument>"
		  "</member></RoleDetailList>",
		  GAAD ": RoleDetailList member 1 (r1): AssumeRolePolicyDocument: policy document: bad percent-escape at offset 3" },
		{ "<RoleDetailList>" ROLE_OPEN ROLE_ARN "<AssumeRolePolicyDocument>%7B%00%7D</AssumeRolePolicyDocument>"
		  "</member></RoleDetailList>",
		  GAAD ": RoleDetailList member 1 (r1): AssumeRolePolicyDocument: the decoded document holds a NUL byte" },
		{ "<RoleDetailList>" ROLE_OPEN ROLE_ARN "<AssumeRolePolicyDocument>%20%0A</AssumeRolePolicyDocument>"
		  "</member></RoleDetailList>",
		  GAAD ": RoleDetailList member 1 (r1): AssumeRolePolicyDocument: empty document" },
		{ "<Policies>" POLICY_OPEN "<DefaultVersionId>v2</DefaultVersionId><PolicyVersionList><member>"
		  "<Document>" TRUST "</Document><VersionId>v1</VersionId><IsDefaultVersion>false</IsDefaultVersion>"
		  "</member></PolicyVersionList></member></Policies>",
		  GAAD ": Policies member 1 (p1): PolicyVersionList has no version v2 (DefaultVersionId)" },
		{ "<Policies>" POLICY_OPEN "</member></Policies>",
		  GAAD ": Policies member 1 (p1): PolicyVersionList has no default version" },
		{ "<Policies>" POLICY_OPEN "<PolicyVersionList><member><VersionId>v1</VersionId>"
		  "<IsDefaultVersion>true</IsDefaultVersion></member></PolicyVersionList></member></Policies>",
		  GAAD ": Policies member 1 (p1): PolicyVersionList member 1 (v1): missing Document" },
		{ "<Policies>" POLICY_OPEN "<PolicyVersionList><member><Document>" TRUST "</Document>"
		  "<VersionId>v1</VersionId><IsDefaultVersion>yes</IsDefaultVersion></member></PolicyVersionList>"
		  "</member></Policies>",
		  GAAD ": Policies member 1 (p1): PolicyVersionList member 1 (v1): IsDefaultVersion: "
		  "invalid boolean \"yes\" (expected true or false)" },
		{ "<Policies>" POLICY_OPEN "<PolicyVersionList><member><Document>" TRUST "</Document>"
		  "<VersionId>v1</VersionId><IsDefaultVersion>true</IsDefaultVersion></member><member><Document>"
		  TRUST "</Document><VersionId>v2</VersionId><IsDefaultVersion>true</IsDefaultVersion></member>"
		  "</PolicyVersionList></member></Policies>",
		  GAAD ": Policies member 1 (p1): PolicyVersionList member 2 (v2): a second version marked "
		  "IsDefaultVersion" },
		{ "<Policies>" POLICY_OPEN "<DefaultVersionId>v2</DefaultVersionId><PolicyVersionList><member>"
		  "<Document>" TRUST "</Document><VersionId>v1</VersionId><IsDefaultVersion>true</IsDefaultVersion>"
		  "</member></PolicyVersionList></member></Policies>",
		  GAAD ": Policies member 1 (p1): PolicyVersionList member 1 (v1): marked IsDefaultVersion but "
		  "DefaultVersionId is v2" },
		{ "<Policies>" POLICY_OPEN "<AttachmentCount>-1</AttachmentCount></member></Policies>",
		  GAAD ": Policies member 1 (p1): AttachmentCount: \"-1\" is not a count" },
		{ "<Policies><member><Arn>arn:aws:iam::aws:policy/X</Arn></member></Policies>",
		  GAAD ": Policies member 1: missing PolicyName" },
		{ "<IsTruncated>maybe</IsTruncated>",
		  GAAD ": IsTruncated: invalid boolean \"maybe\" (expected true or false)" },
	};
	static const char good[] = GAAD_HEAD "<IsTruncated>true</IsTruncated><Marker>m</Marker>"
	    "<UserDetailList>" USER_OK "</UserDetailList>" GAAD_TAIL;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct snap_iam iam;
		struct buf body = BUF_INIT;
		struct err e;
		char *m = NULL, *before, *after;
		bool t = false;

		memset(&iam, 0, sizeof(iam));
		/* A good page first: a bad one must leave it exactly as it was. */
		ck_assert_int_eq(gaad_parse_body(good, &iam, &t, &m, &e), COLLECT_PAGE_OK);
		free(m);
		m = NULL;
		before = dump_iam(&iam);
		buf_printf(&body, GAAD_HEAD "%s" GAAD_TAIL, cases[i].body);
		t = true;
		ck_assert_msg(gaad_parse_body(buf_cstr(&body), &iam, &t, &m, &e) == COLLECT_PAGE_BAD,
		    "case %zu parsed", i);
		ck_assert_msg(strcmp(e.msg, cases[i].error) == 0, "case %zu:\n got  %s\n want %s", i,
		    e.msg, cases[i].error);
		ck_assert_ptr_null(m);
		after = dump_iam(&iam);
		ck_assert_str_eq(before, after);
		free(before);
		free(after);
		buf_free(&body);
		iam_free(&iam);
	}
}
END_TEST

/* A policy without PolicyVersionList flags falls back to DefaultVersionId,
 * and one without DefaultVersionId takes the flagged version's id. */
START_TEST(test_gaad_default_version_rules)
{
	static const char page[] = GAAD_HEAD "<Policies>" POLICY_OPEN
	    "<DefaultVersionId>v2</DefaultVersionId><PolicyVersionList>"
	    "<member><Document>%7B%22v%22%3A1%7D</Document><VersionId>v1</VersionId></member>"
	    "<member><Document>%7B%22v%22%3A2%7D</Document><VersionId>v2</VersionId></member>"
	    "</PolicyVersionList></member>"
	    "<member><PolicyName>p2</PolicyName><Arn>arn:aws-cn:iam::aws:policy/p2</Arn><PolicyVersionList>"
	    "<member><Document>{\"v\": 3}</Document><VersionId>v3</VersionId><IsDefaultVersion>false"
	    "</IsDefaultVersion></member><member><Document>{\"v\": 4}</Document><VersionId>v4</VersionId>"
	    "<IsDefaultVersion>true</IsDefaultVersion></member></PolicyVersionList></member>"
	    "</Policies>" GAAD_TAIL;
	struct snap_iam iam;
	struct err e;
	char *m = NULL;
	bool t;

	memset(&iam, 0, sizeof(iam));
	ck_assert_msg(gaad_parse_body(page, &iam, &t, &m, &e) == COLLECT_PAGE_OK, "%s", e.msg);
	ck_assert_uint_eq(iam.npolicies, 2);
	ck_assert_str_eq(iam.policies[0].default_version, "v2");
	ck_assert_str_eq(iam.policies[0].document, "{\"v\":2}");
	ck_assert(!iam.policies[0].aws_managed);
	ck_assert_str_eq(iam.policies[1].default_version, "v4");
	ck_assert_str_eq(iam.policies[1].document, "{\"v\": 4}");
	ck_assert(iam.policies[1].aws_managed);
	iam_free(&iam);
}
END_TEST

START_TEST(test_dve_synthetic_pages)
{
	char *p1 = read_text("tests/data/aws-responses/ec2/DescribeVpcEndpoints.synthetic.page1.xml");
	char *p2 = read_text("tests/data/aws-responses/ec2/DescribeVpcEndpoints.synthetic.page2.xml");
	char *ex = read_text("tests/data/aws-responses/ec2/DescribeVpcEndpoints.synthetic.expected.json");
	cJSON *exp = cJSON_Parse(ex);
	const char *pages[] = { "page1", "page2" };
	struct snap_region r;
	struct err e;
	char *next = NULL;

	ck_assert_ptr_nonnull(exp);
	memset(&r, 0, sizeof(r));
	ck_assert_msg(dve_parse_body(p1, &r, &next, &e) == COLLECT_PAGE_OK, "%s", e.msg);
	ck_assert_str_eq(S(next), J(J(exp, "page1"), "NextToken")->valuestring);
	free(next);
	ck_assert_uint_eq(r.nendpoints, 2);
	ck_assert_msg(dve_parse_body(p2, &r, &next, &e) == COLLECT_PAGE_OK, "%s", e.msg);
	ck_assert_ptr_null(next);
	ck_assert_uint_eq(r.nendpoints, 4);
	for (size_t i = 0; i < 2; i++) {
		const cJSON *x;

		cJSON_ArrayForEach(x, J(J(exp, pages[i]), "VpcEndpoints")) {
			const struct snap_endpoint *ep = find_endpoint(&r, J(x, "VpcEndpointId")->valuestring);

			ck_assert_str_eq(ep->type, J(x, "VpcEndpointType")->valuestring);
			ck_assert_str_eq(ep->service_name, J(x, "ServiceName")->valuestring);
			ck_assert_str_eq(ep->state, J(x, "State")->valuestring);
			check_opt(ep->policy, J(x, "PolicyDocumentText"));
		}
	}
	ck_assert_str_eq(find_endpoint(&r, "vpce-0a1b2c3d4e5f60001")->vpc_id, "vpc-0123456789abcdef0");
	region_free(&r);
	cJSON_Delete(exp);
	free(p1);
	free(p2);
	free(ex);
}
END_TEST

#define DVE_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?><DescribeVpcEndpointsResponse " \
	"xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r</requestId>"
#define DVE_TAIL "</DescribeVpcEndpointsResponse>"
#define EP_OK "<item><vpcEndpointId>vpce-1</vpcEndpointId><vpcEndpointType>Gateway</vpcEndpointType>" \
	"<serviceName>com.amazonaws.eu-west-1.s3</serviceName></item>"

START_TEST(test_dve_bad_and_unknown)
{
	static const struct bad_page cases[] = {
		{ "<vpcEndpointSet>" EP_OK "<item><vpcEndpointType>Interface</vpcEndpointType><serviceName>s"
		  "</serviceName></item></vpcEndpointSet>",
		  DVE ": vpcEndpointSet item 2: missing vpcEndpointId" },
		{ "<vpcEndpointSet><item><vpcEndpointId>vpce-2</vpcEndpointId><serviceName>s</serviceName>"
		  "</item></vpcEndpointSet>",
		  DVE ": vpcEndpointSet item 1 (vpce-2): missing vpcEndpointType" },
		{ "<vpcEndpointSet><item><vpcEndpointId>vpce-3</vpcEndpointId><vpcEndpointType>Gateway"
		  "</vpcEndpointType></item></vpcEndpointSet>",
		  DVE ": vpcEndpointSet item 1 (vpce-3): missing serviceName" },
		{ "<vpcEndpointSet><item><vpcEndpointId>vpce-4</vpcEndpointId><vpcEndpointType>Gateway"
		  "</vpcEndpointType><serviceName>s</serviceName><policyDocument>%7B%ZZ</policyDocument></item>"
		  "</vpcEndpointSet>",
		  DVE ": vpcEndpointSet item 1 (vpce-4): policyDocument: policy document: bad percent-escape at offset 3" },
	};
	static const char noisy[] = DVE_HEAD "<future>1</future><vpcEndpointSet><item><vpcEndpointId>vpce-9"
	    "</vpcEndpointId><vpcEndpointType>Interface</vpcEndpointType><newThing><item>x</item></newThing>"
	    "<serviceName>com.amazonaws.eu-west-1.sts</serviceName><state>available</state>"
	    "<policyDocument>%7B%22a%22%3A%201%7D</policyDocument><policyDocument2>{}</policyDocument2>"
	    "</item></vpcEndpointSet><nextToken></nextToken>" DVE_TAIL;
	struct snap_region r;
	struct err e;
	char *next = NULL;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf body = BUF_INIT;

		memset(&r, 0, sizeof(r));
		buf_printf(&body, DVE_HEAD "%s" DVE_TAIL, cases[i].body);
		ck_assert_int_eq(dve_parse_body(buf_cstr(&body), &r, &next, &e), COLLECT_PAGE_BAD);
		ck_assert_msg(strcmp(e.msg, cases[i].error) == 0, "case %zu:\n got  %s\n want %s", i,
		    e.msg, cases[i].error);
		ck_assert_uint_eq(r.nendpoints, 0);
		buf_free(&body);
		region_free(&r);
	}
	memset(&r, 0, sizeof(r));
	ck_assert_msg(dve_parse_body(noisy, &r, &next, &e) == COLLECT_PAGE_OK, "%s", e.msg);
	ck_assert_ptr_null(next);	/* an empty nextToken is the last page */
	ck_assert_uint_eq(r.nendpoints, 1);
	ck_assert_str_eq(r.endpoints[0].policy, "{\"a\": 1}");
	ck_assert_ptr_null(r.endpoints[0].vpc_id);
	region_free(&r);
}
END_TEST

/* ---------------------------------------------------------------- emulator */

static struct testserver emu;
static char emu_url[96];

static void
emu_setup(void)
{
	const char *top = getenv("top_srcdir");
	static char scenario[1024];
	const char *args[] = { "--scenario", scenario, "--host", "127.0.0.1", NULL };

	curl_global_init(CURL_GLOBAL_DEFAULT);
	snprintf(scenario, sizeof(scenario), "%s/tests/data/scenarios/basic.json",
	    top != NULL ? top : ".");
	testserver_start(&emu, "tests/emulator/emulator.py", args);
	snprintf(emu_url, sizeof(emu_url), "%s/", emu.url);
}

static void
emu_teardown(void)
{
	testserver_stop(&emu);
	curl_global_cleanup();
}

static void
emu_ctl(const char *path, const char *body)
{
	free(testserver_ctl(&emu, path, body));
}

static void
emu_fault(const char *json)
{
	emu_ctl("/_emu/fault", json);
}

/* Load tests/data/scenarios/FILE into the emulator with page sizes changed
 * where non-zero and the document encoding where non-NULL, and clear the
 * request log and faults. */
static void
emu_scenario(const char *file, int iam_page, int ec2_page, const char *encoding)
{
	char rel[256], *text, *out;
	cJSON *j, *ps;

	snprintf(rel, sizeof(rel), "tests/data/scenarios/%s", file);
	text = read_text(rel);
	j = cJSON_Parse(text);
	ck_assert_ptr_nonnull(j);
	ps = J(j, "page_sizes");
	if (ps == NULL)
		ps = cJSON_AddObjectToObject(j, "page_sizes");
	if (iam_page > 0) {
		cJSON_DeleteItemFromObject(ps, "iam");
		cJSON_AddNumberToObject(ps, "iam", iam_page);
	}
	if (ec2_page > 0) {
		cJSON_DeleteItemFromObject(ps, "ec2");
		cJSON_AddNumberToObject(ps, "ec2", ec2_page);
	}
	if (encoding != NULL) {
		cJSON_DeleteItemFromObject(j, "iam_document_encoding");
		cJSON_AddStringToObject(j, "iam_document_encoding", encoding);
	}
	out = cJSON_PrintUnformatted(j);
	emu_ctl("/_emu/scenario", out);
	emu_ctl("/_emu/reset", "{}");
	free(out);
	cJSON_Delete(j);
	free(text);
}

/* The AWS requests the emulator saw for an operation. */
static cJSON *
emu_calls(const char *operation)
{
	char *text = testserver_ctl(&emu, "/_emu/requests", NULL);
	cJSON *all = cJSON_Parse(text), *out = cJSON_CreateArray(), *q;

	ck_assert_ptr_nonnull(all);
	cJSON_ArrayForEach(q, all) {
		const cJSON *op = J(q, "operation");

		if (cJSON_IsString(op) && strcmp(op->valuestring, operation) == 0)
			cJSON_AddItemToArray(out, cJSON_Duplicate(q, true));
	}
	cJSON_Delete(all);
	free(text);
	return out;
}

static const char *
call_param(const cJSON *call, const char *name)
{
	const cJSON *v = J(J(call, "params"), name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void
no_sleep(void *ctx, unsigned ms)
{
	unsigned *n = ctx;

	(void)ms;
	(*n)++;
}

/*
 * A provider around static keys with two hooks for "in the middle of a
 * pagination": on its fault_at-th get (one get per attempt) it queues an
 * emulator fault, which then hits that very attempt; from its expire_from-th
 * get on it hands out expired session credentials until told (invalidate)
 * that they were refused, as a real session does when its token runs out.
 */
struct hookprov {
	struct aws_creds_provider base;
	struct aws_creds_provider *good, *expired;
	int gets, invalidates;
	int fault_at;
	const char *fault;
	int expire_from;
	bool refreshed;
};

static int
hook_get(struct aws_creds_provider *self, struct aws_credentials *out, struct err *e)
{
	struct hookprov *h = (struct hookprov *)self;

	h->gets++;
	if (h->fault_at == h->gets)
		emu_fault(h->fault);
	if (h->expire_from > 0 && h->gets >= h->expire_from && !h->refreshed)
		return h->expired->get(h->expired, out, e);
	return h->good->get(h->good, out, e);
}

static void
hook_invalidate(struct aws_creds_provider *self)
{
	struct hookprov *h = (struct hookprov *)self;

	h->invalidates++;
	h->refreshed = true;
}

static void
hook_init(struct hookprov *h, const char *akid, const char *secret, bool can_refresh)
{
	struct err e;

	memset(h, 0, sizeof(*h));
	h->base.name = "hook";
	h->base.get = hook_get;
	h->base.invalidate = hook_invalidate;
	h->base.can_refresh = can_refresh;
	h->good = aws_creds_static_new(akid, secret, NULL, &e);
	ck_assert_msg(h->good != NULL, "%s", e.msg);
	h->expired = aws_creds_static_new(X_AKID, X_SECRET, X_TOKEN, &e);
	ck_assert_msg(h->expired != NULL, "%s", e.msg);
}

static void
hook_free(struct hookprov *h)
{
	aws_creds_provider_free(h->good);
	aws_creds_provider_free(h->expired);
}

static unsigned sleeps;

static struct aws_client *
client_at(const char *url, struct aws_creds_provider *p, const char *region)
{
	struct aws_client_opts o;
	struct aws_client *c;
	struct err e;

	aws_client_opts_init(&o);
	o.region = region;
	for (size_t i = 0; i < AWS_SVC_COUNT; i++)
		o.endpoint_override[i] = url;
	o.retry_max_attempts = 4;
	o.total_timeout_ms = 10000;
	c = aws_client_new(&o, p, &e);
	ck_assert_msg(c != NULL, "%s", e.msg);
	aws_client_set_sleep(c, no_sleep, &sleeps);
	aws_client_set_seed(c, 7);
	return c;
}

/* Collect IAM with keys akid/secret (through a hook provider h, which the
 * caller may have armed). */
static void
run_iam(struct hookprov *h, int page_size, struct snap_iam *iam)
{
	struct aws_client *c = client_at(emu_url, &h->base, "us-east-1");
	struct err e;

	memset(iam, 0, sizeof(*iam));
	ck_assert_msg(collect_iam(c, iam, page_size, &e) == 0, "%s", e.msg);
	aws_client_free(c);
}

static void
run_ec2(struct hookprov *h, const char *region, int page_size, struct snap_region *r)
{
	struct aws_client *c = client_at(emu_url, &h->base, region);
	struct err e;

	memset(r, 0, sizeof(*r));
	ck_assert_ptr_nonnull(r->name = strdup(region));
	ck_assert_msg(collect_endpoints(c, r, page_size, &e) == 0, "%s", e.msg);
	aws_client_free(c);
}

/* basic.json's management account, page size 0 (the API default; the
 * scenario caps pages at 3 entities): exact counts and contents. */
START_TEST(test_iam_basic)
{
	struct hookprov h;
	struct snap_iam iam;
	const struct snap_role *r;
	const struct snap_user *u;
	const struct snap_managed_policy *p;
	cJSON *calls, *q;

	emu_scenario("basic.json", 0, 0, NULL);
	hook_init(&h, AKID, SECRET, false);
	run_iam(&h, 0, &iam);
	ck_assert_msg(iam.part.complete, "%s", S(iam.part.why));
	ck_assert_ptr_null(iam.part.why);
	ck_assert_uint_eq(iam.nusers, 3);
	ck_assert_uint_eq(iam.ngroups, 2);
	ck_assert_uint_eq(iam.nroles, 3);
	ck_assert_uint_eq(iam.npolicies, 6);

	r = find_role(&iam, "app-deployer");
	ck_assert_str_eq(r->arn, "arn:aws:iam::111122223333:role/deploy/app-deployer");
	ck_assert_str_eq(r->id, "AROAEXAMPLEDEPLOYER01");
	ck_assert_str_eq(r->path, "/deploy/");
	ck_assert(json_eq(r->trust_policy, "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": "
	    "\"Allow\", \"Principal\": {\"Service\": [\"lambda.amazonaws.com\", \"ec2.amazonaws.com\"]}, "
	    "\"Action\": \"sts:AssumeRole\"}]}"));
	ck_assert_uint_eq(r->nattached, 1);
	ck_assert_str_eq(r->attached[0], "arn:aws:iam::aws:policy/AdministratorAccess");
	ck_assert_uint_eq(r->ninstance_profiles, 1);
	ck_assert_str_eq(r->instance_profiles[0],
	    "arn:aws:iam::111122223333:instance-profile/deploy/app-deployer");
	ck_assert_uint_eq(r->ntags, 1);
	ck_assert_str_eq(S(tag_value(r->tags, r->ntags, "privileged")), "true");
	ck_assert_str_eq(S(r->last_used), "2024-06-30T23:59:01Z");
	ck_assert_str_eq(S(r->last_used_region), "eu-west-1");
	ck_assert_ptr_null(r->boundary_arn);
	ck_assert(!r->service_linked);

	r = find_role(&iam, "lambda-basic");
	ck_assert_str_eq(S(r->boundary_arn), "arn:aws:iam::111122223333:policy/DeveloperBoundary");
	ck_assert_uint_eq(r->ninline, 1);
	ck_assert_str_eq(r->inline_policies[0].name, "WriteReports");
	ck_assert_str_eq(r->inline_policies[0].document, "{\"Version\":\"2012-10-17\",\"Statement\":"
	    "[{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"s3:PutObject\"],\"Resource\":"
	    "\"arn:aws:s3:::example-reports/team a&b/<draft>/*\"}]}");
	ck_assert_ptr_null(r->last_used);
	ck_assert(!r->service_linked);
	ck_assert_uint_eq(find_role(&iam, "OrganizationAccountAccessRole")->ninstance_profiles, 0);

	u = find_user(&iam, "alice");
	ck_assert_str_eq(u->arn, "arn:aws:iam::111122223333:user/alice");
	ck_assert_uint_eq(u->ngroups, 2);
	ck_assert_str_eq(u->groups[0], "Admins");
	ck_assert_str_eq(u->groups[1], "Developers");
	ck_assert_str_eq(S(u->boundary_arn), "arn:aws:iam::111122223333:policy/DeveloperBoundary");
	ck_assert_uint_eq(u->ntags, 2);
	ck_assert_str_eq(S(tag_value(u->tags, u->ntags, "cost-center")), "CC-1234 & ops");
	ck_assert_str_eq(u->inline_policies[0].document, "{\"Version\":\"2012-10-17\",\"Statement\":"
	    "[{\"Sid\":\"ManageOwnAccessKeys\",\"Effect\":\"Allow\",\"Action\":[\"iam:CreateAccessKey\","
	    "\"iam:DeleteAccessKey\",\"iam:ListAccessKeys\",\"iam:UpdateAccessKey\"],\"Resource\":"
	    "\"arn:aws:iam::111122223333:user/${aws:username}\"}]}");
	u = find_user(&iam, "ci-deployer");
	ck_assert_str_eq(u->path, "/automation/");
	ck_assert_str_eq(u->attached[0], "arn:aws:iam::111122223333:policy/PassDeployRole");
	ck_assert_uint_eq(find_group(&iam, "Admins")->ninline, 1);

	p = find_policy(&iam, "arn:aws:iam::111122223333:policy/DeveloperBoundary");
	ck_assert_str_eq(p->default_version, "v2");
	ck_assert(!p->aws_managed);
	ck_assert_int_eq(p->attachment_count, 0);
	ck_assert(json_eq(p->document, "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": "
	    "\"AllowWithinRegions\", \"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\", "
	    "\"Condition\": {\"StringEquals\": {\"aws:RequestedRegion\": [\"eu-west-1\", \"us-east-1\"]}}}, "
	    "{\"Sid\": \"DenyBoundaryTampering\", \"Effect\": \"Deny\", \"Action\": "
	    "[\"iam:DeleteUserPermissionsBoundary\", \"iam:DeleteRolePermissionsBoundary\"], "
	    "\"Resource\": \"*\"}]}"));
	p = find_policy(&iam, "arn:aws:iam::aws:policy/ReadOnlyAccess");
	ck_assert_str_eq(p->default_version, "v2");
	ck_assert(p->aws_managed);
	ck_assert_int_eq(p->attachment_count, 1);
	ck_assert(json_eq(p->document, "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": "
	    "\"Allow\", \"Action\": [\"ec2:Describe*\", \"iam:Get*\", \"iam:List*\", "
	    "\"organizations:Describe*\", \"organizations:List*\"], \"Resource\": \"*\"}]}"));
	ck_assert_int_eq(find_policy(&iam, "arn:aws:iam::aws:policy/AdministratorAccess")->attachment_count, 3);
	ck_assert_str_eq(find_policy(&iam, "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")->path,
	    "/service-role/");

	/* 14 entities, 3 a page: 5 calls, each with all five filters and no
	 * MaxItems; every call after the first carries the previous Marker. */
	calls = emu_calls("GetAccountAuthorizationDetails");
	ck_assert_int_eq(cJSON_GetArraySize(calls), 5);
	cJSON_ArrayForEach(q, calls) {
		ck_assert_str_eq(S(call_param(q, "Filter.member.1")), "User");
		ck_assert_str_eq(S(call_param(q, "Filter.member.2")), "Role");
		ck_assert_str_eq(S(call_param(q, "Filter.member.3")), "Group");
		ck_assert_str_eq(S(call_param(q, "Filter.member.4")), "LocalManagedPolicy");
		ck_assert_str_eq(S(call_param(q, "Filter.member.5")), "AWSManagedPolicy");
		ck_assert_ptr_null(call_param(q, "MaxItems"));
		ck_assert(cJSON_IsTrue(J(q, "signature_valid")));
		ck_assert_int_eq(J(q, "status")->valueint, 200);
		ck_assert((call_param(q, "Marker") == NULL) == (q == calls->child));
	}
	cJSON_Delete(calls);
	iam_free(&iam);
	hook_free(&h);
}
END_TEST

/* Page size 1 and 2, set by the scenario and by MaxItems, and MaxItems past
 * the API's 1000: the same content as one call per three entities. */
START_TEST(test_iam_pagination_identical)
{
	static const struct { int scenario, max_items, calls; const char *sent; } runs[] = {
		{ 1, 0, 14, NULL }, { 2, 0, 7, NULL }, { 1000, 1, 14, "1" }, { 1000, 2, 7, "2" },
		{ 1000, 5000, 1, "1000" }, { 1000, 0, 1, NULL },
	};
	struct hookprov h;
	struct snap_iam iam;
	char *ref, *got;

	emu_scenario("basic.json", 0, 0, NULL);
	hook_init(&h, AKID, SECRET, false);
	run_iam(&h, 0, &iam);
	ck_assert(iam.part.complete);
	ref = dump_iam(&iam);
	iam_free(&iam);
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		cJSON *calls, *q;

		emu_scenario("basic.json", runs[i].scenario, 0, NULL);
		run_iam(&h, runs[i].max_items, &iam);
		ck_assert_msg(iam.part.complete, "run %zu: %s", i, S(iam.part.why));
		got = dump_iam(&iam);
		ck_assert_msg(strcmp(ref, got) == 0, "run %zu differs:\n%s\nvs\n%s", i, got, ref);
		free(got);
		iam_free(&iam);
		calls = emu_calls("GetAccountAuthorizationDetails");
		ck_assert_msg(cJSON_GetArraySize(calls) == runs[i].calls, "run %zu: %d calls", i,
		    cJSON_GetArraySize(calls));
		cJSON_ArrayForEach(q, calls) {
			if (runs[i].sent == NULL)
				ck_assert_ptr_null(call_param(q, "MaxItems"));
			else
				ck_assert_str_eq(S(call_param(q, "MaxItems")), runs[i].sent);
		}
		cJSON_Delete(calls);
	}
	free(ref);
	hook_free(&h);
}
END_TEST

/* Throttled on page 2 (of 5): a storm the retries outlast is invisible; one
 * longer than the retry budget (4 attempts, or 60 s of Retry-After sleeps)
 * leaves the part incomplete, keeping page 1 (3 users). */
START_TEST(test_iam_throttling_storm)
{
	struct hookprov h;
	struct snap_iam iam;
	char *ref, *got;

	emu_scenario("basic.json", 0, 0, NULL);
	hook_init(&h, AKID, SECRET, false);
	run_iam(&h, 0, &iam);
	ref = dump_iam(&iam);
	iam_free(&iam);
	hook_free(&h);

	hook_init(&h, AKID, SECRET, false);
	h.fault_at = 2;
	h.fault = "{\"operation\":\"GetAccountAuthorizationDetails\",\"kind\":\"throttle\",\"count\":3}";
	run_iam(&h, 0, &iam);
	ck_assert_msg(iam.part.complete, "%s", S(iam.part.why));
	ck_assert_int_eq(h.gets, 5 + 3);
	got = dump_iam(&iam);
	ck_assert_str_eq(ref, got);
	free(got);
	iam_free(&iam);
	hook_free(&h);

	emu_ctl("/_emu/reset", "{}");
	hook_init(&h, AKID, SECRET, false);
	h.fault_at = 2;
	h.fault = "{\"operation\":\"GetAccountAuthorizationDetails\",\"kind\":\"throttle\",\"count\":20}";
	run_iam(&h, 0, &iam);
	ck_assert(!iam.part.complete);
	ck_assert_msg(strstr(S(iam.part.why), "throttled out after 4 attempts (" GAAD ", page 2): "
	    "Throttling: ") == iam.part.why, "%s", S(iam.part.why));
	ck_assert_uint_eq(iam.nusers, 3);
	ck_assert_uint_eq(iam.ngroups, 0);
	ck_assert_int_eq(h.gets, 1 + 4);
	iam_free(&iam);
	hook_free(&h);

	/* 429 with Retry-After 30 s: the 60 s budget runs out first. It
	 * counts the time in the attempts too, so the second 30 s wait fits
	 * only when the attempts took no measurable time (this test's sleeps
	 * are not real): 2 or 3 attempts, never the 4 allowed. */
	emu_ctl("/_emu/reset", "{}");
	hook_init(&h, AKID, SECRET, false);
	h.fault_at = 2;
	h.fault = "{\"operation\":\"GetAccountAuthorizationDetails\",\"kind\":\"retry_after\","
	    "\"status\":429,\"seconds\":30,\"count\":20}";
	run_iam(&h, 0, &iam);
	ck_assert(!iam.part.complete);
	ck_assert_msg(strstr(S(iam.part.why), "throttled out after 3 attempts (" GAAD ", page 2): ") ==
	    iam.part.why || strstr(S(iam.part.why), "throttled out after 2 attempts (" GAAD
	    ", page 2): ") == iam.part.why, "%s", S(iam.part.why));
	ck_assert_msg(strstr(iam.part.why, "budget") != NULL, "%s", iam.part.why);
	ck_assert_uint_eq(iam.nusers, 3);
	iam_free(&iam);
	hook_free(&h);
	free(ref);
}
END_TEST

/* ExpiredToken on page 2: a provider that can refresh gets one refresh and
 * the pagination completes; a static one cannot, and the part says why. Both
 * as an emulator fault and as real expired session credentials. */
START_TEST(test_iam_expired_mid_pagination)
{
	struct hookprov h;
	struct snap_iam iam;
	cJSON *calls;

	emu_scenario("basic.json", 0, 0, NULL);
	hook_init(&h, AKID, SECRET, true);
	h.fault_at = 2;
	h.fault = "{\"operation\":\"GetAccountAuthorizationDetails\",\"kind\":\"expired_token\"}";
	run_iam(&h, 0, &iam);
	ck_assert_msg(iam.part.complete, "%s", S(iam.part.why));
	ck_assert_int_eq(h.invalidates, 1);
	ck_assert_uint_eq(iam.nusers + iam.ngroups + iam.nroles + iam.npolicies, 14);
	iam_free(&iam);
	hook_free(&h);

	emu_ctl("/_emu/reset", "{}");
	hook_init(&h, AKID, SECRET, false);
	h.fault_at = 2;
	h.fault = "{\"operation\":\"GetAccountAuthorizationDetails\",\"kind\":\"expired_token\"}";
	run_iam(&h, 0, &iam);
	ck_assert(!iam.part.complete);
	ck_assert_msg(strstr(S(iam.part.why), "ExpiredToken from " GAAD " (page 2, HTTP 403): ") ==
	    iam.part.why, "%s", S(iam.part.why));
	ck_assert_msg(strstr(iam.part.why, "could not be refreshed") != NULL, "%s", iam.part.why);
	ck_assert_uint_eq(iam.nusers, 3);
	ck_assert_uint_eq(iam.ngroups, 0);
	iam_free(&iam);
	hook_free(&h);

	/* The session behind the keys runs out after page 1. */
	emu_ctl("/_emu/reset", "{}");
	hook_init(&h, AKID, SECRET, true);
	h.expire_from = 2;
	run_iam(&h, 0, &iam);
	ck_assert_msg(iam.part.complete, "%s", S(iam.part.why));
	ck_assert_uint_eq(iam.nroles, 3);
	calls = emu_calls("GetAccountAuthorizationDetails");
	ck_assert_int_eq(cJSON_GetArraySize(calls), 6);
	ck_assert_str_eq(J(cJSON_GetArrayItem(calls, 1), "access_key_id")->valuestring, X_AKID);
	ck_assert_str_eq(J(cJSON_GetArrayItem(calls, 1), "error_code")->valuestring, "ExpiredToken");
	ck_assert_str_eq(J(cJSON_GetArrayItem(calls, 2), "access_key_id")->valuestring, AKID);
	cJSON_Delete(calls);
	iam_free(&iam);
	hook_free(&h);

	emu_ctl("/_emu/reset", "{}");
	hook_init(&h, AKID, SECRET, false);
	h.expire_from = 2;
	run_iam(&h, 0, &iam);
	ck_assert(!iam.part.complete);
	ck_assert_msg(strstr(S(iam.part.why), "ExpiredToken from " GAAD " (page 2, HTTP 403): ") ==
	    iam.part.why, "%s", S(iam.part.why));
	ck_assert_uint_eq(iam.nusers, 3);
	iam_free(&iam);
	hook_free(&h);
}
END_TEST

/* A truncated body is retried; truncated on every attempt, the part is
 * incomplete. A malformed body is not retried. */
START_TEST(test_iam_truncated_and_malformed)
{
	struct hookprov h;
	struct snap_iam iam;

	emu_scenario("basic.json", 0, 0, NULL);
	hook_init(&h, AKID, SECRET, false);
	h.fault_at = 2;
	h.fault = "{\"operation\":\"GetAccountAuthorizationDetails\",\"kind\":\"truncate\"}";
	run_iam(&h, 0, &iam);
	ck_assert_msg(iam.part.complete, "%s", S(iam.part.why));
	ck_assert_uint_eq(iam.nusers + iam.ngroups + iam.nroles + iam.npolicies, 14);
	iam_free(&iam);
	hook_free(&h);

	emu_ctl("/_emu/reset", "{}");
	hook_init(&h, AKID, SECRET, false);
	h.fault_at = 2;
	h.fault = "{\"operation\":\"GetAccountAuthorizationDetails\",\"kind\":\"truncate\",\"count\":10}";
	run_iam(&h, 0, &iam);
	ck_assert(!iam.part.complete);
	ck_assert_msg(strstr(S(iam.part.why), "TruncatedResponse from " GAAD " (page 2") == iam.part.why,
	    "%s", S(iam.part.why));
	ck_assert_uint_eq(iam.nusers, 3);
	ck_assert_uint_eq(iam.ngroups, 0);
	iam_free(&iam);
	hook_free(&h);

	emu_ctl("/_emu/reset", "{}");
	hook_init(&h, AKID, SECRET, false);
	h.fault_at = 3;
	h.fault = "{\"operation\":\"GetAccountAuthorizationDetails\",\"kind\":\"malformed\"}";
	run_iam(&h, 0, &iam);
	ck_assert(!iam.part.complete);
	ck_assert_msg(strstr(S(iam.part.why), "MalformedResponse from " GAAD " (page 3, HTTP 200): ") ==
	    iam.part.why, "%s", S(iam.part.why));
	ck_assert_int_eq(h.gets, 3);
	ck_assert_uint_eq(iam.nusers, 3);
	ck_assert_uint_eq(iam.ngroups, 2);
	ck_assert_uint_eq(iam.nroles, 1);
	iam_free(&iam);
	hook_free(&h);
}
END_TEST

START_TEST(test_iam_access_denied)
{
	struct hookprov h;
	struct snap_iam iam;

	emu_scenario("basic.json", 0, 0, NULL);
	hook_init(&h, AKID, SECRET, false);
	emu_fault("{\"operation\":\"GetAccountAuthorizationDetails\",\"kind\":\"access_denied\","
	    "\"message\":\"User: arn:aws:iam::111122223333:user/auditor is not authorized to perform: "
	    "iam:GetAccountAuthorizationDetails on resource: * with an explicit deny in a service "
	    "control policy\"}");
	run_iam(&h, 0, &iam);
	ck_assert(!iam.part.complete);
	ck_assert_str_eq(S(iam.part.why), "AccessDenied from " GAAD " (page 1, HTTP 403): User: "
	    "arn:aws:iam::111122223333:user/auditor is not authorized to perform: "
	    "iam:GetAccountAuthorizationDetails on resource: * with an explicit deny in a service "
	    "control policy");
	ck_assert_uint_eq(iam.nusers + iam.ngroups + iam.nroles + iam.npolicies, 0);
	ck_assert_int_eq(h.gets, 1);
	iam_free(&iam);
	hook_free(&h);

	/* Denied half way: what was fetched stays, the part is still unknown. */
	emu_ctl("/_emu/reset", "{}");
	hook_init(&h, AKID, SECRET, false);
	h.fault_at = 4;
	h.fault = "{\"operation\":\"*\",\"kind\":\"access_denied\",\"message\":\"no\"}";
	run_iam(&h, 0, &iam);
	ck_assert(!iam.part.complete);
	ck_assert_str_eq(S(iam.part.why), "AccessDenied from " GAAD " (page 4, HTTP 403): no");
	ck_assert_uint_eq(iam.nusers + iam.ngroups + iam.nroles + iam.npolicies, 9);
	iam_free(&iam);
	hook_free(&h);
}
END_TEST

/* iam-edge.json: documents sent plain ("none"), then percent-encoded with
 * '*' escaped and literal: the same snapshot every time, with literal "%41"
 * and "%25" kept in the plain form. */
START_TEST(test_iam_raw_documents)
{
	static const char *const encodings[] = { "none", "rfc3986", "rfc3986-literal-star" };
	struct hookprov h;
	struct snap_iam iam;
	char *ref = NULL;

	hook_init(&h, "AKIDEDGEEXAMPLE", "edgeSecretKeyEXAMPLEEXAMPLEEXAMPLE00001", false);
	for (size_t i = 0; i < 3; i++) {
		const struct snap_role *r;
		const struct snap_user *u;
		const struct snap_managed_policy *p;
		char *got;

		emu_scenario("iam-edge.json", 0, 0, encodings[i]);
		run_iam(&h, 0, &iam);
		ck_assert_msg(iam.part.complete, "%s: %s", encodings[i], S(iam.part.why));
		ck_assert_uint_eq(iam.nusers, 1);
		ck_assert_uint_eq(iam.ngroups, 0);
		ck_assert_uint_eq(iam.nroles, 2);
		ck_assert_uint_eq(iam.npolicies, 2);

		p = find_policy(&iam, "arn:aws:iam::210987654321:policy/edge/Versioned");
		ck_assert_str_eq(p->default_version, "v3");
		ck_assert_str_eq(p->path, "/edge/");
		ck_assert_str_eq(p->document, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Pct\","
		    "\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":"
		    "\"arn:aws:s3:::edge-bucket/%41%7Bliteral%7D/a+b/*\"}]}");
		ck_assert_int_eq(p->attachment_count, 1);
		p = find_policy(&iam, "arn:aws:iam::aws:policy/aws-service-role/AWSSupportServiceRolePolicy");
		ck_assert(p->aws_managed);
		ck_assert(json_eq(p->document, "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": "
		    "\"Allow\", \"Action\": [\"support:*\", \"iam:GetRole\"], \"Resource\": \"*\"}]}"));

		r = find_role(&iam, "AWSServiceRoleForSupport");
		ck_assert(r->service_linked);
		ck_assert_ptr_null(r->last_used);
		r = find_role(&iam, "plain");
		ck_assert(!r->service_linked);
		ck_assert_str_eq(r->trust_policy, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
		    "\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::210987654321:user/zoe\"},\"Action\":"
		    "\"sts:AssumeRole\",\"Condition\":{\"StringLike\":{\"sts:RoleSessionName\":\"%25*\"}}}]}");
		ck_assert_str_eq(S(r->boundary_arn), "arn:aws:iam::210987654321:policy/edge/Versioned");
		ck_assert_uint_eq(r->ninstance_profiles, 2);
		ck_assert_str_eq(r->instance_profiles[0], "arn:aws:iam::210987654321:instance-profile/plain-a");
		ck_assert_str_eq(r->instance_profiles[1], "arn:aws:iam::210987654321:instance-profile/ip/plain-b");

		u = find_user(&iam, "zoe");
		ck_assert_str_eq(u->inline_policies[0].document, "{\"Version\":\"2012-10-17\",\"Statement\":"
		    "[{\"Effect\":\"Allow\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\",\"Condition\":"
		    "{\"StringEquals\":{\"aws:PrincipalTag/\xc3\xa9quipe\":\"s\xc3\xa9""curit\xc3\xa9 & co <x>\"}}}]}");
		ck_assert_str_eq(S(tag_value(u->tags, u->ntags, "empty")), "");
		ck_assert_str_eq(S(tag_value(u->tags, u->ntags, "plus")), "a+b=c");

		got = dump_iam(&iam);
		if (ref == NULL)
			ref = got;
		else {
			ck_assert_msg(strcmp(ref, got) == 0, "%s differs:\n%s\nvs\n%s", encodings[i], got, ref);
			free(got);
		}
		iam_free(&iam);
	}
	free(ref);
	hook_free(&h);
}
END_TEST

/* basic.json: endpoints of the management account in two regions. */
START_TEST(test_ec2_basic)
{
	struct hookprov h;
	struct snap_region r;
	const struct snap_endpoint *ep;
	cJSON *calls;

	emu_scenario("basic.json", 0, 0, NULL);
	hook_init(&h, AKID, SECRET, false);
	run_ec2(&h, "eu-west-1", 0, &r);
	ck_assert_msg(r.part.complete, "%s", S(r.part.why));
	ck_assert_str_eq(r.name, "eu-west-1");
	ck_assert_uint_eq(r.nendpoints, 3);
	ep = find_endpoint(&r, "vpce-0a1b2c3d4e5f60002");
	ck_assert_str_eq(ep->type, "Interface");
	ck_assert_str_eq(ep->service_name, "com.amazonaws.eu-west-1.sts");
	ck_assert_str_eq(ep->vpc_id, "vpc-0123456789abcdef0");
	ck_assert_str_eq(ep->state, "available");
	ck_assert_str_eq(ep->policy, "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
	    "\"arn:aws:iam::111122223333:root\"},\"Action\":[\"sts:AssumeRole\",\"sts:GetCallerIdentity\"],"
	    "\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalAccount\":\"111122223333\"}}}]}");
	ep = find_endpoint(&r, "vpce-0a1b2c3d4e5f60003");
	ck_assert_str_eq(ep->state, "pendingAcceptance");
	ck_assert(json_eq(ep->policy, "{\"Version\": \"2008-10-17\", \"Statement\": [{\"Effect\": \"Deny\", "
	    "\"Principal\": \"*\", \"Action\": \"iam:PassRole\", \"Resource\": "
	    "\"arn:aws:iam::111122223333:role/deploy/*\"}, {\"Effect\": \"Allow\", \"Principal\": \"*\", "
	    "\"Action\": \"*\", \"Resource\": \"*\"}]}"));
	ck_assert_str_eq(find_endpoint(&r, "vpce-0a1b2c3d4e5f60001")->type, "Gateway");
	region_free(&r);
	calls = emu_calls("DescribeVpcEndpoints");
	ck_assert_int_eq(cJSON_GetArraySize(calls), 2);	/* page size 2 */
	ck_assert_str_eq(J(cJSON_GetArrayItem(calls, 0), "region")->valuestring, "eu-west-1");
	ck_assert_ptr_null(call_param(cJSON_GetArrayItem(calls, 0), "NextToken"));
	ck_assert_ptr_nonnull(call_param(cJSON_GetArrayItem(calls, 1), "NextToken"));
	cJSON_Delete(calls);

	run_ec2(&h, "us-east-1", 0, &r);
	ck_assert_msg(r.part.complete, "%s", S(r.part.why));
	ck_assert_uint_eq(r.nendpoints, 1);
	ep = &r.endpoints[0];
	ck_assert_str_eq(ep->id, "vpce-0b1b2c3d4e5f60010");
	ck_assert_str_eq(ep->service_name, "com.amazonaws.us-east-1.s3");
	ck_assert(json_eq(ep->policy, "{\"Version\": \"2008-10-17\", \"Statement\": [{\"Effect\": "
	    "\"Allow\", \"Principal\": \"*\", \"Action\": \"*\", \"Resource\": \"*\"}]}"));
	region_free(&r);
	hook_free(&h);
}
END_TEST

/* ec2-endpoints.json: with and without policies, a load balancer endpoint, a
 * literal "%41" kept, a percent-encoded policy decoded, a region without
 * endpoints (complete, empty); the same whatever the page size. */
START_TEST(test_ec2_endpoints)
{
	static const struct { int scenario, max_results; const char *sent; } runs[] = {
		{ 1, 0, NULL }, { 1, 1, "5" }, { 1000, 5, "5" }, { 1000, 2000, "1000" },
	};
	struct hookprov h;
	struct snap_region r;
	const struct snap_endpoint *ep;
	char *ref_eu, *ref_ap, *got;

	hook_init(&h, "AKIDNETWORKEXAMPLE", "networkSecretKeyEXAMPLEEXAMPLEEXAMPLE01", false);
	emu_scenario("ec2-endpoints.json", 0, 0, NULL);
	run_ec2(&h, "eu-west-1", 0, &r);
	ck_assert_msg(r.part.complete, "%s", S(r.part.why));
	ck_assert_uint_eq(r.nendpoints, 4);
	ep = find_endpoint(&r, "vpce-0e0000000000000a1");
	ck_assert_msg(strstr(S(ep->policy), "\"arn:aws:s3:::net-bucket/%41/*\"") != NULL, "%s", S(ep->policy));
	ck_assert_ptr_null(find_endpoint(&r, "vpce-0e0000000000000a2")->policy);
	ep = find_endpoint(&r, "vpce-0e0000000000000a3");
	ck_assert_str_eq(ep->type, "GatewayLoadBalancer");
	ck_assert_str_eq(ep->state, "pending");
	ck_assert_ptr_null(ep->policy);
	ck_assert_str_eq(S(find_endpoint(&r, "vpce-0e0000000000000a4")->policy), "{\"Statement\":[{\"Effect\":"
	    "\"Deny\",\"Principal\":\"*\",\"Action\":\"iam:PassRole\",\"Resource\":\"*\"}]}");
	ref_eu = dump_region(&r);
	region_free(&r);

	run_ec2(&h, "ap-southeast-2", 0, &r);
	ck_assert_msg(r.part.complete, "%s", S(r.part.why));
	ck_assert_uint_eq(r.nendpoints, 2);
	ck_assert_str_eq(S(find_endpoint(&r, "vpce-0a0000000000000b1")->policy), "{\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::246813579024:root\"},\"Action\":\"iam:*\","
	    "\"Resource\":\"*\"}]}");
	ck_assert_ptr_null(find_endpoint(&r, "vpce-0a0000000000000b2")->policy);
	ref_ap = dump_region(&r);
	region_free(&r);

	run_ec2(&h, "us-west-2", 0, &r);
	ck_assert_msg(r.part.complete, "%s", S(r.part.why));
	ck_assert_uint_eq(r.nendpoints, 0);
	ck_assert_ptr_null(r.endpoints);
	region_free(&r);

	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		cJSON *calls, *q;

		emu_scenario("ec2-endpoints.json", 0, runs[i].scenario, NULL);
		run_ec2(&h, "eu-west-1", runs[i].max_results, &r);
		ck_assert_msg(r.part.complete, "%s", S(r.part.why));
		got = dump_region(&r);
		ck_assert_msg(strcmp(ref_eu, got) == 0, "run %zu:\n%s\nvs\n%s", i, got, ref_eu);
		free(got);
		region_free(&r);
		calls = emu_calls("DescribeVpcEndpoints");
		ck_assert_int_eq(cJSON_GetArraySize(calls), runs[i].scenario == 1 ? 4 : 1);
		cJSON_ArrayForEach(q, calls) {
			if (runs[i].sent == NULL)
				ck_assert_ptr_null(call_param(q, "MaxResults"));
			else
				ck_assert_str_eq(S(call_param(q, "MaxResults")), runs[i].sent);
		}
		cJSON_Delete(calls);
		run_ec2(&h, "ap-southeast-2", runs[i].max_results, &r);
		got = dump_region(&r);
		ck_assert_str_eq(ref_ap, got);
		free(got);
		region_free(&r);
	}
	free(ref_eu);
	free(ref_ap);
	hook_free(&h);
}
END_TEST

START_TEST(test_ec2_faults)
{
	struct hookprov h;
	struct snap_region r;

	/* RequestLimitExceeded past the retries. */
	emu_scenario("basic.json", 0, 0, NULL);
	hook_init(&h, AKID, SECRET, false);
	emu_fault("{\"operation\":\"DescribeVpcEndpoints\",\"kind\":\"throttle\",\"count\":3}");
	run_ec2(&h, "eu-west-1", 0, &r);
	ck_assert_msg(r.part.complete, "%s", S(r.part.why));
	ck_assert_uint_eq(r.nendpoints, 3);
	region_free(&r);
	h.gets = 0;
	h.fault_at = 2;
	h.fault = "{\"operation\":\"DescribeVpcEndpoints\",\"kind\":\"throttle\",\"count\":9}";
	run_ec2(&h, "eu-west-1", 0, &r);
	ck_assert(!r.part.complete);
	ck_assert_msg(strstr(S(r.part.why), "throttled out after 4 attempts (" DVE ", page 2): "
	    "RequestLimitExceeded: ") == r.part.why, "%s", S(r.part.why));
	ck_assert_uint_eq(r.nendpoints, 2);
	region_free(&r);
	hook_free(&h);

	/* The session runs out on page 2: EC2 answers RequestExpired. A
	 * provider that can refresh gets one refresh and the region completes;
	 * a static one cannot, and the region says why. */
	emu_ctl("/_emu/reset", "{}");
	hook_init(&h, AKID, SECRET, true);
	h.expire_from = 2;
	run_ec2(&h, "eu-west-1", 0, &r);
	ck_assert_msg(r.part.complete, "%s", S(r.part.why));
	ck_assert_int_eq(h.invalidates, 1);
	ck_assert_uint_eq(r.nendpoints, 3);
	region_free(&r);
	hook_free(&h);

	emu_ctl("/_emu/reset", "{}");
	hook_init(&h, AKID, SECRET, false);
	h.expire_from = 2;
	run_ec2(&h, "eu-west-1", 0, &r);
	ck_assert(!r.part.complete);
	ck_assert_msg(strstr(S(r.part.why), "RequestExpired from " DVE " (page 2, HTTP 400): ") ==
	    r.part.why, "%s", S(r.part.why));
	ck_assert_uint_eq(r.nendpoints, 2);
	region_free(&r);
	hook_free(&h);

	/* Truncated and malformed bodies. */
	emu_ctl("/_emu/reset", "{}");
	hook_init(&h, AKID, SECRET, false);
	emu_fault("{\"operation\":\"DescribeVpcEndpoints\",\"kind\":\"truncate\",\"count\":4}");
	run_ec2(&h, "eu-west-1", 0, &r);
	ck_assert(!r.part.complete);
	ck_assert_msg(strstr(S(r.part.why), "TruncatedResponse from " DVE " (page 1") == r.part.why,
	    "%s", S(r.part.why));
	ck_assert_uint_eq(r.nendpoints, 0);
	region_free(&r);
	emu_fault("{\"operation\":\"DescribeVpcEndpoints\",\"kind\":\"malformed\"}");
	run_ec2(&h, "eu-west-1", 0, &r);
	ck_assert(!r.part.complete);
	ck_assert_msg(strstr(S(r.part.why), "MalformedResponse from " DVE " (page 1, HTTP 200): ") ==
	    r.part.why, "%s", S(r.part.why));
	region_free(&r);
	hook_free(&h);

	/* standalone.json denies ec2:DescribeVpcEndpoints to its key. */
	emu_scenario("standalone.json", 0, 0, NULL);
	hook_init(&h, "AKIDSTANDALONE", "standaloneSecretKeyEXAMPLEEXAMPLEEXAMPL", false);
	run_ec2(&h, "eu-west-1", 0, &r);
	ck_assert(!r.part.complete);
	ck_assert_msg(strstr(S(r.part.why), "UnauthorizedOperation from " DVE " (page 1, HTTP 403): ") ==
	    r.part.why, "%s", S(r.part.why));
	ck_assert_msg(strstr(r.part.why, "with an explicit deny in an identity-based policy") != NULL,
	    "%s", r.part.why);
	ck_assert_uint_eq(r.nendpoints, 0);
	region_free(&r);
	hook_free(&h);
}
END_TEST

/* ------------------------------------------------------------ canned server */

/*
 * A one-shot loopback HTTP server (a forked child) answering its i-th
 * connection with 200 and bodies[i], for answers the emulator never gives.
 */
struct canned {
	pid_t pid;
	char url[64];
};

static void
canned_serve(int lfd, const char *const *bodies, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char req[65536], head[256];
		size_t got = 0, need = 0;
		const char *end = NULL;
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0)
			_exit(1);
		while (got < sizeof(req) - 1) {
			ssize_t r = read(fd, req + got, sizeof(req) - 1 - got);
			const char *cl;

			if (r <= 0)
				break;
			got += (size_t)r;
			req[got] = '\0';
			if (end == NULL && (end = strstr(req, "\r\n\r\n")) != NULL) {
				for (cl = req; cl < end; cl = strchr(cl, '\n') + 1)
					if (strncasecmp(cl, "Content-Length:", 15) == 0)
						need = (size_t)atol(cl + 15);
			}
			if (end != NULL && got >= (size_t)(end + 4 - req) + need)
				break;
		}
		snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n"
		    "Content-Length: %zu\r\nConnection: close\r\n\r\n", strlen(bodies[i]));
		if (write(fd, head, strlen(head)) < 0 || write(fd, bodies[i], strlen(bodies[i])) < 0)
			_exit(1);
		close(fd);
	}
	_exit(0);
}

static void
canned_start(struct canned *c, const char *const *bodies, size_t n)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	ck_assert_int_ge(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(fd, 8), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	snprintf(c->url, sizeof(c->url), "http://127.0.0.1:%d/", ntohs(a.sin_port));
	c->pid = fork();
	ck_assert_int_ge(c->pid, 0);
	if (c->pid == 0)
		canned_serve(fd, bodies, n);
	close(fd);
}

static void
canned_stop(struct canned *c)
{
	int st;

	kill(c->pid, SIGTERM);
	waitpid(c->pid, &st, 0);
}

#define PAGE(more) GAAD_HEAD more GAAD_TAIL
#define ROLE_N(n) "<member><RoleName>r" #n "</RoleName><Arn>arn:aws:iam::1:role/r" #n "</Arn>" \
	ROLE_TRUST "</member>"

static void
canned_iam(const char *const *bodies, size_t n, struct snap_iam *iam)
{
	struct canned srv;
	struct aws_creds_provider *p;
	struct aws_client *c;
	struct err e;

	canned_start(&srv, bodies, n);
	p = aws_creds_static_new(AKID, SECRET, NULL, &e);
	ck_assert_ptr_nonnull(p);
	c = client_at(srv.url, p, "us-east-1");
	memset(iam, 0, sizeof(*iam));
	ck_assert_msg(collect_iam(c, iam, 0, &e) == 0, "%s", e.msg);
	aws_client_free(c);
	aws_creds_provider_free(p);
	canned_stop(&srv);
}

START_TEST(test_iam_loop_guards)
{
	static const char *const no_marker[] = {
		PAGE("<IsTruncated>true</IsTruncated><Marker>m1</Marker><RoleDetailList>" ROLE_N(1)
		    "</RoleDetailList>"),
		PAGE("<IsTruncated>true</IsTruncated><RoleDetailList>" ROLE_N(2) "</RoleDetailList>"),
	};
	static const char *const same_marker[] = {
		PAGE("<IsTruncated>true</IsTruncated><Marker>m1</Marker>"),
		PAGE("<IsTruncated>true</IsTruncated><Marker>m2</Marker><RoleDetailList>" ROLE_N(1)
		    "</RoleDetailList>"),
		PAGE("<IsTruncated>true</IsTruncated><Marker>m2</Marker><RoleDetailList>" ROLE_N(2)
		    "</RoleDetailList>"),
	};
	static const char *const bad_page[] = {
		PAGE("<IsTruncated>true</IsTruncated><Marker>m1</Marker><RoleDetailList>" ROLE_N(1)
		    "</RoleDetailList>"),
		PAGE("<IsTruncated>false</IsTruncated><UserDetailList>" USER_OK "</UserDetailList>"
		    "<RoleDetailList>" ROLE_N(2) "<member><RoleName>r3</RoleName>" ROLE_TRUST "</member>"
		    "</RoleDetailList>"),
	};
	struct snap_iam iam;

	canned_iam(no_marker, 2, &iam);
	ck_assert(!iam.part.complete);
	ck_assert_str_eq(S(iam.part.why), GAAD ": page 2 has IsTruncated true but no Marker");
	ck_assert_uint_eq(iam.nroles, 2);
	iam_free(&iam);

	canned_iam(same_marker, 3, &iam);
	ck_assert(!iam.part.complete);
	ck_assert_str_eq(S(iam.part.why), GAAD ": page 3 returned the Marker it was given; stopped "
	    "rather than loop");
	ck_assert_uint_eq(iam.nroles, 2);
	iam_free(&iam);

	canned_iam(bad_page, 2, &iam);
	ck_assert(!iam.part.complete);
	ck_assert_str_eq(S(iam.part.why), GAAD ": RoleDetailList member 2 (r3): missing Arn (page 2)");
	ck_assert_uint_eq(iam.nroles, 1);
	ck_assert_uint_eq(iam.nusers, 0);
	iam_free(&iam);
}
END_TEST

#define DPAGE(more) DVE_HEAD more DVE_TAIL

START_TEST(test_ec2_loop_guards)
{
	static const char *const same_token[] = {
		DPAGE("<vpcEndpointSet>" EP_OK "</vpcEndpointSet><nextToken>t1</nextToken>"),
		DPAGE("<vpcEndpointSet/><nextToken>t1</nextToken>"),
	};
	static const char *const bad_page[] = {
		DPAGE("<vpcEndpointSet>" EP_OK "</vpcEndpointSet><nextToken>t1</nextToken>"),
		DPAGE("<vpcEndpointSet>" EP_OK "<item><vpcEndpointType>Interface</vpcEndpointType>"
		    "</item></vpcEndpointSet>"),
	};
	struct canned srv;
	struct aws_creds_provider *p;
	struct aws_client *c;
	struct snap_region r;
	struct err e;

	p = aws_creds_static_new(AKID, SECRET, NULL, &e);
	ck_assert_ptr_nonnull(p);

	canned_start(&srv, same_token, 2);
	c = client_at(srv.url, p, "eu-west-1");
	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(collect_endpoints(c, &r, 0, &e), 0);
	ck_assert(!r.part.complete);
	ck_assert_str_eq(S(r.part.why), DVE ": page 2 returned the NextToken it was given; stopped "
	    "rather than loop");
	ck_assert_uint_eq(r.nendpoints, 1);
	region_free(&r);
	aws_client_free(c);
	canned_stop(&srv);

	canned_start(&srv, bad_page, 2);
	c = client_at(srv.url, p, "eu-west-1");
	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(collect_endpoints(c, &r, 0, &e), 0);
	ck_assert(!r.part.complete);
	ck_assert_str_eq(S(r.part.why), DVE ": vpcEndpointSet item 2: missing vpcEndpointId (page 2)");
	ck_assert_uint_eq(r.nendpoints, 1);
	region_free(&r);
	aws_client_free(c);
	canned_stop(&srv);
	aws_creds_provider_free(p);
}
END_TEST

static Suite *
collectors_suite(void)
{
	Suite *s = suite_create("collectors");
	TCase *tp = tcase_create("parse");
	TCase *te = tcase_create("emulator");
	TCase *tl = tcase_create("loop");

	tcase_add_test(tp, test_gaad_synthetic_pages);
	tcase_add_test(tp, test_gaad_unknown_fields_ignored);
	tcase_add_test(tp, test_gaad_missing_fields);
	tcase_add_test(tp, test_gaad_default_version_rules);
	tcase_add_test(tp, test_dve_synthetic_pages);
	tcase_add_test(tp, test_dve_bad_and_unknown);
	suite_add_tcase(s, tp);

	tcase_add_unchecked_fixture(te, emu_setup, emu_teardown);
	tcase_set_timeout(te, 120);
	tcase_add_test(te, test_iam_basic);
	tcase_add_test(te, test_iam_pagination_identical);
	tcase_add_test(te, test_iam_throttling_storm);
	tcase_add_test(te, test_iam_expired_mid_pagination);
	tcase_add_test(te, test_iam_truncated_and_malformed);
	tcase_add_test(te, test_iam_access_denied);
	tcase_add_test(te, test_iam_raw_documents);
	tcase_add_test(te, test_ec2_basic);
	tcase_add_test(te, test_ec2_endpoints);
	tcase_add_test(te, test_ec2_faults);
	suite_add_tcase(s, te);

	tcase_set_timeout(tl, 60);
	tcase_add_test(tl, test_iam_loop_guards);
	tcase_add_test(tl, test_ec2_loop_guards);
	suite_add_tcase(s, tl);
	return s;
}

int
main(void)
{
	return check_main(collectors_suite());
}
