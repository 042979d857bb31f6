/*
 * iam:GetAccountAuthorizationDetails into a struct snap_iam.
 *
 * The fetch loop (collect_iam) and the page parser (collect_iam_parse_page)
 * are separate so the parser can be fed fixtures and fuzzed. A page is parsed
 * into a scratch snap_iam and moved into the caller's only when all of it
 * parsed: an entity missing a field is never half in the snapshot.
 */
#include "config.h"

#include "collect/collect_iam.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/policydoc.h"
#include "aws/query.h"
#include "collect/collect_page.h"
#include "log.h"
#include "util/buf.h"

#define GAAD_ACTION "GetAccountAuthorizationDetails"
#define GAAD_API "iam:" GAAD_ACTION
/* A server that keeps answering IsTruncated with fresh markers would keep
 * us here forever; no account has this many entities even one per page. */
#define GAAD_MAX_PAGES 100000u

/* Where the parser is in the page, so that an error names the entity. */
struct gaad {
	struct err *e;
	int rc;			/* COLLECT_PAGE_* */
	const char *list;	/* "RoleDetailList" or NULL */
	size_t index;		/* 1-based member number in list */
	const char *name;	/* the entity's name once known (XML text) */
	const char *sub;	/* nested list ("RolePolicyList") or NULL */
	size_t subindex;
	const char *subname;
};

static int
gaad_nomem(struct gaad *g)
{
	err_set(g->e, "out of memory parsing an %s page", GAAD_API);
	g->rc = COLLECT_PAGE_NOMEM;
	return -1;
}

static int gaad_bad(struct gaad *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "where" in the page, e.g. "RoleDetailList member 2 (app): RolePolicyList
 * member 1 (inline): ", written into where (n bytes). */
static void
gaad_where(const struct gaad *g, char *where, size_t n)
{
	char ent[200] = "", sub[200] = "";

	if (g->list != NULL)
		snprintf(ent, sizeof(ent), "%s member %zu%s%.128s%s: ", g->list, g->index,
		    g->name != NULL ? " (" : "", g->name != NULL ? g->name : "",
		    g->name != NULL ? ")" : "");
	if (g->sub != NULL)
		snprintf(sub, sizeof(sub), "%s member %zu%s%.128s%s: ", g->sub, g->subindex,
		    g->subname != NULL ? " (" : "", g->subname != NULL ? g->subname : "",
		    g->subname != NULL ? ")" : "");
	snprintf(where, n, "%s%s", ent, sub);
}

static int
gaad_bad(struct gaad *g, const char *fmt, ...)
{
	char where[400], what[ERR_MSG_MAX / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	gaad_where(g, where, sizeof(where));
	err_set(g->e, "%s: %s%s", GAAD_API, where, what);
	g->rc = COLLECT_PAGE_BAD;
	return -1;
}

static int
gaad_str(struct gaad *g, const struct xml_node *n, const char *field, bool required, char **out)
{
	const char *t = collect_page_text(n, field);

	*out = NULL;
	if (t == NULL)
		return required ? gaad_bad(g, "missing %s", field) : 0;
	*out = strdup(t);
	return *out != NULL ? 0 : gaad_nomem(g);
}

static bool
doc_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

char *
collect_iam_doc_decode(const char *text, size_t len, struct err *e)
{
	struct buf b;
	struct err pe;
	char *out = NULL;
	size_t lead = 0;

	buf_init(&b, COLLECT_DOC_MAX);
	if (policydoc_decode(&b, text, len, &pe) != 0) {
		err_set(e, "%s", pe.msg);
		goto out;
	}
	/* The encoded form may carry whitespace (%20, %0A) around the JSON that
	 * the plain form loses to XML trimming: trim it so both read the same. */
	while (b.len > 0 && doc_space(b.data[b.len - 1]))
		b.data[--b.len] = '\0';
	while (lead < b.len && doc_space(b.data[lead]))
		lead++;
	if (lead > 0) {
		memmove(b.data, b.data + lead, b.len - lead + 1);
		b.len -= lead;
	}
	if (b.len == 0) {
		err_set(e, "empty document");
		goto out;
	}
	/* %00 decodes to a NUL that would silently cut the document short. */
	if (memchr(b.data, '\0', b.len) != NULL) {
		err_set(e, "the decoded document holds a NUL byte");
		goto out;
	}
	out = buf_steal(&b);
	if (out == NULL)
		err_set(e, "out of memory");
out:
	buf_free(&b);
	return out;
}

#define SERVICE_ROLE_PATH "/aws-service-role/"

bool
collect_iam_service_linked(const char *path, const char *arn)
{
	/* The path is what makes a role service-linked; without one, the ARN
	 * (role/aws-service-role/...) carries the same path. */
	if (path != NULL)
		return strncmp(path, SERVICE_ROLE_PATH, strlen(SERVICE_ROLE_PATH)) == 0;
	return arn != NULL && strstr(arn, ":role" SERVICE_ROLE_PATH) != NULL;
}

bool
collect_iam_aws_managed(const char *arn)
{
	const char *p;

	if (strncmp(arn, "arn:", 4) != 0 || (p = strchr(arn + 4, ':')) == NULL)
		return false;
	return strncmp(p, ":iam::aws:policy/", strlen(":iam::aws:policy/")) == 0;
}

static int
gaad_doc(struct gaad *g, const struct xml_node *n, const char *field, char **out)
{
	const struct xml_node *d = xml_child(n, field);
	struct err de;

	*out = NULL;
	if (d == NULL || d->text_len == 0)
		return gaad_bad(g, "missing %s", field);
	*out = collect_iam_doc_decode(d->text, d->text_len, &de);
	return *out != NULL ? 0 : gaad_bad(g, "%s: %s", field, de.msg);
}

static void
gaad_sub(struct gaad *g, const char *sub, size_t index, const char *name)
{
	g->sub = sub;
	g->subindex = index;
	g->subname = name;
}

/* GroupList: plain <member>NAME</member>. */
static int
gaad_names(struct gaad *g, const struct xml_node *entity, const char *list, char ***arr, size_t *n)
{
	const struct xml_node *m;
	size_t i = 0;

	for (m = xml_list_first(xml_child(entity, list)); m != NULL; m = xml_list_next(m)) {
		char **slot;

		i++;
		if (m->text[0] == '\0') {
			gaad_sub(g, list, i, NULL);
			return gaad_bad(g, "empty name");
		}
		slot = snap_push((void **)arr, n, sizeof(*slot), NULL);
		if (slot == NULL || (*slot = strdup(m->text)) == NULL)
			return gaad_nomem(g);
	}
	return 0;
}

static int
gaad_attached(struct gaad *g, const struct xml_node *entity, char ***arr, size_t *n)
{
	const struct xml_node *m;
	size_t i = 0;

	for (m = xml_list_first(xml_child(entity, "AttachedManagedPolicies")); m != NULL;
	    m = xml_list_next(m)) {
		char **slot;

		i++;
		gaad_sub(g, "AttachedManagedPolicies", i, collect_page_text(m, "PolicyName"));
		slot = snap_push((void **)arr, n, sizeof(*slot), NULL);
		if (slot == NULL)
			return gaad_nomem(g);
		if (gaad_str(g, m, "PolicyArn", true, slot) != 0)
			return -1;
	}
	gaad_sub(g, NULL, 0, NULL);
	return 0;
}

static int
gaad_inline(struct gaad *g, const struct xml_node *entity, const char *list,
    struct snap_inline_policy **arr, size_t *n)
{
	const struct xml_node *m;
	size_t i = 0;

	for (m = xml_list_first(xml_child(entity, list)); m != NULL; m = xml_list_next(m)) {
		struct snap_inline_policy *p;

		i++;
		gaad_sub(g, list, i, collect_page_text(m, "PolicyName"));
		p = snap_push((void **)arr, n, sizeof(*p), NULL);
		if (p == NULL)
			return gaad_nomem(g);
		if (gaad_str(g, m, "PolicyName", true, &p->name) != 0 ||
		    gaad_doc(g, m, "PolicyDocument", &p->document) != 0)
			return -1;
	}
	gaad_sub(g, NULL, 0, NULL);
	return 0;
}

static int
gaad_tags(struct gaad *g, const struct xml_node *entity, struct snap_tag **arr, size_t *n)
{
	const struct xml_node *m;
	size_t i = 0;

	for (m = xml_list_first(xml_child(entity, "Tags")); m != NULL; m = xml_list_next(m)) {
		struct snap_tag *t;
		const char *v;

		i++;
		gaad_sub(g, "Tags", i, NULL);
		t = snap_push((void **)arr, n, sizeof(*t), NULL);
		if (t == NULL)
			return gaad_nomem(g);
		if (gaad_str(g, m, "Key", true, &t->key) != 0)
			return -1;
		/* A tag value may be empty; an absent one is the empty value. */
		v = xml_path_text(m, "Value");
		if ((t->value = strdup(v != NULL ? v : "")) == NULL)
			return gaad_nomem(g);
	}
	gaad_sub(g, NULL, 0, NULL);
	return 0;
}

static int
gaad_boundary(struct gaad *g, const struct xml_node *entity, char **out)
{
	const struct xml_node *pb = xml_child(entity, "PermissionsBoundary");

	*out = NULL;
	if (pb == NULL || pb->first_child == NULL)
		return 0;	/* absent or <PermissionsBoundary/>: none */
	gaad_sub(g, NULL, 0, NULL);
	if (collect_page_text(pb, "PermissionsBoundaryArn") == NULL)
		return gaad_bad(g, "PermissionsBoundary without PermissionsBoundaryArn");
	return gaad_str(g, pb, "PermissionsBoundaryArn", true, out);
}

static int
gaad_profiles(struct gaad *g, const struct xml_node *role, struct snap_role *r)
{
	const struct xml_node *m;
	size_t i = 0;

	for (m = xml_list_first(xml_child(role, "InstanceProfileList")); m != NULL;
	    m = xml_list_next(m)) {
		char **slot;

		i++;
		gaad_sub(g, "InstanceProfileList", i, collect_page_text(m, "InstanceProfileName"));
		slot = snap_push((void **)&r->instance_profiles, &r->ninstance_profiles,
		    sizeof(*slot), NULL);
		if (slot == NULL)
			return gaad_nomem(g);
		if (gaad_str(g, m, "Arn", true, slot) != 0)
			return -1;
	}
	gaad_sub(g, NULL, 0, NULL);
	return 0;
}

static int
gaad_user(struct gaad *g, const struct xml_node *m, struct snap_iam *iam)
{
	struct snap_user *u = snap_push((void **)&iam->users, &iam->nusers, sizeof(*u), NULL);

	if (u == NULL)
		return gaad_nomem(g);
	g->name = collect_page_text(m, "UserName");
	if (gaad_str(g, m, "UserName", true, &u->name) != 0 ||
	    gaad_str(g, m, "Arn", true, &u->arn) != 0 ||
	    gaad_str(g, m, "UserId", false, &u->id) != 0 ||
	    gaad_str(g, m, "Path", false, &u->path) != 0 ||
	    gaad_names(g, m, "GroupList", &u->groups, &u->ngroups) != 0 ||
	    gaad_inline(g, m, "UserPolicyList", &u->inline_policies, &u->ninline) != 0 ||
	    gaad_attached(g, m, &u->attached, &u->nattached) != 0 ||
	    gaad_boundary(g, m, &u->boundary_arn) != 0 ||
	    gaad_tags(g, m, &u->tags, &u->ntags) != 0)
		return -1;
	return 0;
}

static int
gaad_group(struct gaad *g, const struct xml_node *m, struct snap_iam *iam)
{
	struct snap_group *gr = snap_push((void **)&iam->groups, &iam->ngroups, sizeof(*gr), NULL);

	if (gr == NULL)
		return gaad_nomem(g);
	g->name = collect_page_text(m, "GroupName");
	if (gaad_str(g, m, "GroupName", true, &gr->name) != 0 ||
	    gaad_str(g, m, "Arn", true, &gr->arn) != 0 ||
	    gaad_str(g, m, "GroupId", false, &gr->id) != 0 ||
	    gaad_str(g, m, "Path", false, &gr->path) != 0 ||
	    gaad_inline(g, m, "GroupPolicyList", &gr->inline_policies, &gr->ninline) != 0 ||
	    gaad_attached(g, m, &gr->attached, &gr->nattached) != 0)
		return -1;
	return 0;
}

static int
gaad_role(struct gaad *g, const struct xml_node *m, struct snap_iam *iam)
{
	struct snap_role *r = snap_push((void **)&iam->roles, &iam->nroles, sizeof(*r), NULL);
	const struct xml_node *lu = xml_child(m, "RoleLastUsed");

	if (r == NULL)
		return gaad_nomem(g);
	g->name = collect_page_text(m, "RoleName");
	if (gaad_str(g, m, "RoleName", true, &r->name) != 0 ||
	    gaad_str(g, m, "Arn", true, &r->arn) != 0 ||
	    gaad_str(g, m, "RoleId", false, &r->id) != 0 ||
	    gaad_str(g, m, "Path", false, &r->path) != 0 ||
	    gaad_doc(g, m, "AssumeRolePolicyDocument", &r->trust_policy) != 0 ||
	    gaad_inline(g, m, "RolePolicyList", &r->inline_policies, &r->ninline) != 0 ||
	    gaad_attached(g, m, &r->attached, &r->nattached) != 0 ||
	    gaad_boundary(g, m, &r->boundary_arn) != 0 ||
	    gaad_tags(g, m, &r->tags, &r->ntags) != 0 ||
	    gaad_profiles(g, m, r) != 0 ||
	    gaad_str(g, lu, "LastUsedDate", false, &r->last_used) != 0 ||
	    gaad_str(g, lu, "Region", false, &r->last_used_region) != 0)
		return -1;
	r->service_linked = collect_iam_service_linked(r->path, r->arn);
	return 0;
}


static int
gaad_count(struct gaad *g, const struct xml_node *m, const char *field, int *out)
{
	const char *t = collect_page_text(m, field);
	size_t len;

	*out = 0;
	if (t == NULL)
		return 0;
	len = strlen(t);
	/* Digits only, at most 9 of them: always fits an int, no sign games. */
	if (len > 9 || strspn(t, "0123456789") != len)
		return gaad_bad(g, "%s: \"%.20s\" is not a count", field, t);
	*out = atoi(t);
	return 0;
}

/* The default version's member of PolicyVersionList: the one flagged
 * IsDefaultVersion, or failing any flag the one named by DefaultVersionId. */
static int
gaad_default_version(struct gaad *g, const struct xml_node *m, const char *default_id,
    const struct xml_node **out, size_t *index)
{
	const struct xml_node *list = xml_child(m, "PolicyVersionList"), *v;
	size_t i = 0;

	*out = NULL;
	for (v = xml_list_first(list); v != NULL; v = xml_list_next(v)) {
		const char *t = collect_page_text(v, "IsDefaultVersion");
		struct err be;
		bool is_def = false;

		i++;
		if (t != NULL && query_parse_bool(t, &is_def, &be) != 0) {
			gaad_sub(g, "PolicyVersionList", i, collect_page_text(v, "VersionId"));
			return gaad_bad(g, "IsDefaultVersion: %s", be.msg);
		}
		if (!is_def)
			continue;
		if (*out != NULL) {
			gaad_sub(g, "PolicyVersionList", i, collect_page_text(v, "VersionId"));
			return gaad_bad(g, "a second version marked IsDefaultVersion");
		}
		*out = v;
		*index = i;
	}
	if (*out != NULL || default_id == NULL)
		return 0;
	i = 0;
	for (v = xml_list_first(list); v != NULL; v = xml_list_next(v)) {
		const char *id = collect_page_text(v, "VersionId");

		i++;
		if (id != NULL && strcmp(id, default_id) == 0) {
			*out = v;
			*index = i;
			break;
		}
	}
	return 0;
}

static int
gaad_policy(struct gaad *g, const struct xml_node *m, struct snap_iam *iam)
{
	struct snap_managed_policy *p = snap_push((void **)&iam->policies, &iam->npolicies,
	    sizeof(*p), NULL);
	const struct xml_node *v = NULL;
	const char *vid;
	size_t vi = 0;

	if (p == NULL)
		return gaad_nomem(g);
	g->name = collect_page_text(m, "PolicyName");
	if (gaad_str(g, m, "PolicyName", true, &p->name) != 0 ||
	    gaad_str(g, m, "Arn", true, &p->arn) != 0 ||
	    gaad_str(g, m, "PolicyId", false, &p->id) != 0 ||
	    gaad_str(g, m, "Path", false, &p->path) != 0 ||
	    gaad_str(g, m, "DefaultVersionId", false, &p->default_version) != 0 ||
	    gaad_count(g, m, "AttachmentCount", &p->attachment_count) != 0 ||
	    gaad_default_version(g, m, p->default_version, &v, &vi) != 0)
		return -1;
	p->aws_managed = collect_iam_aws_managed(p->arn);
	if (v == NULL) {
		if (p->default_version != NULL)
			return gaad_bad(g, "PolicyVersionList has no version %s (DefaultVersionId)",
			    p->default_version);
		return gaad_bad(g, "PolicyVersionList has no default version");
	}
	vid = collect_page_text(v, "VersionId");
	gaad_sub(g, "PolicyVersionList", vi, vid);
	/* Two answers to "which document applies" would be a guess. */
	if (vid != NULL && p->default_version != NULL && strcmp(vid, p->default_version) != 0)
		return gaad_bad(g, "marked IsDefaultVersion but DefaultVersionId is %s",
		    p->default_version);
	if (gaad_doc(g, v, "Document", &p->document) != 0)
		return -1;
	if (p->default_version == NULL && vid != NULL &&
	    (p->default_version = strdup(vid)) == NULL)
		return gaad_nomem(g);
	gaad_sub(g, NULL, 0, NULL);
	return 0;
}

typedef int (*gaad_entity_fn)(struct gaad *g, const struct xml_node *m, struct snap_iam *iam);

static int
gaad_list(struct gaad *g, const struct xml_node *result, const char *list, gaad_entity_fn fn,
    struct snap_iam *iam)
{
	const struct xml_node *m;

	g->list = list;
	g->index = 0;
	for (m = xml_list_first(xml_child(result, list)); m != NULL; m = xml_list_next(m)) {
		g->index++;
		g->name = NULL;
		gaad_sub(g, NULL, 0, NULL);
		if (fn(g, m, iam) != 0)
			return -1;
	}
	g->list = NULL;
	g->name = NULL;
	return 0;
}

/* Move the n elements of src to the end of *dst, zeroing them in src so that
 * whoever clears src afterwards frees nothing twice. */
static int
merge_array(void **dst, size_t *ndst, void *src, size_t nsrc, size_t elsize)
{
	for (size_t i = 0; i < nsrc; i++) {
		char *from = (char *)src + i * elsize;
		void *slot = snap_push(dst, ndst, elsize, NULL);

		if (slot == NULL)
			return -1;
		memcpy(slot, from, elsize);
		memset(from, 0, elsize);
	}
	return 0;
}

static int
iam_merge(struct snap_iam *dst, struct snap_iam *src)
{
	if (merge_array((void **)&dst->users, &dst->nusers, src->users, src->nusers,
	    sizeof(*src->users)) != 0 ||
	    merge_array((void **)&dst->groups, &dst->ngroups, src->groups, src->ngroups,
	    sizeof(*src->groups)) != 0 ||
	    merge_array((void **)&dst->roles, &dst->nroles, src->roles, src->nroles,
	    sizeof(*src->roles)) != 0 ||
	    merge_array((void **)&dst->policies, &dst->npolicies, src->policies, src->npolicies,
	    sizeof(*src->policies)) != 0)
		return -1;
	return 0;
}

int
collect_iam_parse_page(const struct xml_node *result, struct snap_iam *iam,
    bool *truncated, char **marker, struct err *e)
{
	struct snap_account page;	/* scratch: snap_account_clear frees it */
	struct gaad g;
	const char *t;
	char *mk = NULL;
	bool trunc = false;

	memset(&page, 0, sizeof(page));
	memset(&g, 0, sizeof(g));
	g.e = e;
	g.rc = COLLECT_PAGE_BAD;
	if (result == NULL) {
		gaad_bad(&g, "no %sResult element", GAAD_ACTION);
		goto out;
	}
	t = collect_page_text(result, "IsTruncated");
	if (t != NULL) {
		struct err be;

		if (query_parse_bool(t, &trunc, &be) != 0) {
			gaad_bad(&g, "IsTruncated: %s", be.msg);
			goto out;
		}
	}
	if (gaad_str(&g, result, "Marker", false, &mk) != 0 ||
	    gaad_list(&g, result, "UserDetailList", gaad_user, &page.iam) != 0 ||
	    gaad_list(&g, result, "GroupDetailList", gaad_group, &page.iam) != 0 ||
	    gaad_list(&g, result, "RoleDetailList", gaad_role, &page.iam) != 0 ||
	    gaad_list(&g, result, "Policies", gaad_policy, &page.iam) != 0)
		goto out;
	if (iam_merge(iam, &page.iam) != 0) {
		gaad_nomem(&g);
		goto out;
	}
	*truncated = trunc;
	*marker = mk;
	mk = NULL;
	g.rc = COLLECT_PAGE_OK;
out:
	free(mk);
	snap_account_clear(&page);
	return g.rc;
}

static int
gaad_page(const struct xml_node *result, void *arg, bool *more, char **next, struct err *e)
{
	return collect_iam_parse_page(result, arg, more, next, e);
}

int
collect_iam(struct aws_client *c, struct snap_iam *iam, int page_size, struct err *e)
{
	static const char *const filters[] = {
		"User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy",
	};
	static const char *const filter_names[] = {
		"Filter.member.1", "Filter.member.2", "Filter.member.3", "Filter.member.4",
		"Filter.member.5",
	};
	struct query_param params[6];
	struct collect_pager pg = {
		.svc = AWS_SVC_IAM, .action = GAAD_ACTION, .api = GAAD_API, .token = "Marker",
		.still = "still truncated", .no_token = "has IsTruncated true but no Marker",
		.max_pages = GAAD_MAX_PAGES, .params = params, .parse = gaad_page, .arg = iam,
	};
	char max_items[16];
	unsigned pages = 0;
	size_t np = 0, i;

	for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		params[np].name = filter_names[i];
		params[np++].value = filters[i];
	}
	if (page_size > 0) {
		snprintf(max_items, sizeof(max_items), "%d",
		    page_size > COLLECT_IAM_MAX_ITEMS ? COLLECT_IAM_MAX_ITEMS : page_size);
		params[np].name = "MaxItems";
		params[np++].value = max_items;
	}
	pg.nparams = np;
	if (collect_pages(c, &pg, &iam->part, &pages, e) != 0)
		return -1;
	if (iam->part.complete)
		log_debug("%s: %u page(s): %zu users, %zu groups, %zu roles, %zu policies", GAAD_API,
		    pages, iam->nusers, iam->ngroups, iam->nroles, iam->npolicies);
	else
		log_warn("IAM incomplete: %s", iam->part.why);
	return 0;
}
