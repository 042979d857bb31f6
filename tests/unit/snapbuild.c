/*
 * In-memory snapshots for tests and benchmarks (see snapbuild.h).
 */
#include "config.h"

#include "snapbuild.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *
sb_check(void *p)
{
	if (p == NULL) {
		fprintf(stderr, "snapbuild: out of memory\n");
		abort();
	}
	return p;
}

static char *
sb_dup(const char *s)
{
	return s == NULL ? NULL : sb_check(strdup(s));
}

static char *
sb_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
sb_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return sb_check(s);
}

#define SB_PUSH(arr, n) sb_check(snap_push((void **)&(arr), &(n), sizeof(*(arr)), NULL))

static const char sb_full_access[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
    "\"Resource\":\"*\"}]}";

struct snapshot *
sb_new(void)
{
	struct snapshot *s = sb_check(snapshot_new(NULL));

	s->partition = sb_dup("aws");
	s->source = sb_dup("test");
	s->taken_at = 1700000000;
	s->org.mode = SNAP_ORG_NONE;
	snap_part_ok(&s->org.part);
	return s;
}

static struct snap_org_policy *
sb_full(struct snapshot *s)
{
	for (size_t i = 0; i < s->org.npolicies; i++)
		if (strcmp(s->org.policies[i].id, "p-FullAWSAccess") == 0)
			return &s->org.policies[i];
	return NULL;
}

static void
sb_target(struct snap_org_policy *p, const char *target)
{
	char **t = SB_PUSH(p->targets, p->ntargets);

	*t = sb_dup(target);
}

void
sb_org(struct snapshot *s, const char *org_id, const char *root_id, const char *mgmt)
{
	struct snap_org_policy *p;

	s->org.mode = SNAP_ORG_PRESENT;
	snap_part_ok(&s->org.part);
	s->org.id = sb_dup(org_id);
	s->org.root_id = sb_dup(root_id);
	s->org.management_account = sb_dup(mgmt);
	s->org.scp_enabled = true;
	p = SB_PUSH(s->org.policies, s->org.npolicies);
	p->id = sb_dup("p-FullAWSAccess");
	p->arn = sb_dup("arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess");
	p->name = sb_dup("FullAWSAccess");
	p->type = SNAP_SCP;
	p->aws_managed = true;
	p->content = sb_dup(sb_full_access);
	sb_target(p, root_id);
}

void
sb_ou(struct snapshot *s, const char *id, const char *name, const char *parent)
{
	struct snap_ou *o = SB_PUSH(s->org.ous, s->org.nous);

	o->id = sb_dup(id);
	o->name = sb_dup(name);
	o->parent_id = sb_dup(parent);
	sb_target(sb_full(s), id);
}

void
sb_org_policy(struct snapshot *s, enum snap_org_policy_type type, const char *id,
    const char *name, const char *content, ...)
{
	struct snap_org_policy *p = SB_PUSH(s->org.policies, s->org.npolicies);
	va_list ap;
	const char *t;

	p->id = sb_dup(id);
	p->arn = sb_fmt("arn:aws:organizations::%s:policy/o/%s", s->org.management_account != NULL ?
	    s->org.management_account : "000000000000", id);
	p->name = sb_dup(name);
	p->type = type;
	p->content = sb_dup(content);
	va_start(ap, content);
	while ((t = va_arg(ap, const char *)) != NULL)
		sb_target(p, t);
	va_end(ap);
}

struct snap_account *
sb_account(struct snapshot *s, const char *id, const char *parent)
{
	struct snap_account a;

	memset(&a, 0, sizeof(a));
	a.id = sb_dup(id);
	a.name = sb_fmt("acct-%s", id);
	a.status = sb_dup("ACTIVE");
	a.parent_id = sb_dup(parent);
	a.is_management = s->org.management_account != NULL &&
	    strcmp(s->org.management_account, id) == 0;
	snap_part_ok(&a.access);
	snap_part_ok(&a.iam.part);
	if (s->org.mode == SNAP_ORG_PRESENT && sb_full(s) != NULL)
		sb_target(sb_full(s), id);
	if (snapshot_add_account(s, &a, NULL) < 0)
		abort();
	return &s->accounts[s->naccounts - 1];
}

struct snap_account *
sb_acct(struct snapshot *s, const char *id)
{
	return sb_check(snapshot_find_account(s, id));
}

const char *
sb_policy(struct snap_account *a, const char *name, const char *doc, bool aws)
{
	struct snap_managed_policy *p = SB_PUSH(a->iam.policies, a->iam.npolicies);

	p->arn = aws ? sb_fmt("arn:aws:iam::aws:policy/%s", name) :
	    sb_fmt("arn:aws:iam::%s:policy/%s", a->id, name);
	p->name = sb_dup(name);
	p->id = sb_fmt("ANPA%s", name);
	p->path = sb_dup("/");
	p->default_version = sb_dup("v1");
	p->document = sb_dup(doc);
	p->aws_managed = aws;
	p->attachment_count = 1;
	return p->arn;
}

static void
sb_inline(struct snap_inline_policy **v, size_t *n, const char *name, const char *doc)
{
	struct snap_inline_policy *p = sb_check(snap_push((void **)v, n, sizeof(**v), NULL));

	p->name = sb_dup(name);
	p->document = sb_dup(doc);
}

static void
sb_str(char ***v, size_t *n, const char *s)
{
	char **p = sb_check(snap_push((void **)v, n, sizeof(**v), NULL));

	*p = sb_dup(s);
}

static void
sb_tag(struct snap_tag **v, size_t *n, const char *k, const char *val)
{
	struct snap_tag *t = sb_check(snap_push((void **)v, n, sizeof(**v), NULL));

	t->key = sb_dup(k);
	t->value = sb_dup(val);
}

struct snap_user *
sb_user(struct snap_account *a, const char *name)
{
	struct snap_user *u = SB_PUSH(a->iam.users, a->iam.nusers);

	u->name = sb_dup(name);
	u->path = sb_dup("/");
	u->arn = sb_fmt("arn:aws:iam::%s:user/%s", a->id, name);
	u->id = sb_fmt("AIDA%s", name);
	return u;
}

void sb_user_inline(struct snap_user *u, const char *name, const char *doc)
{ sb_inline(&u->inline_policies, &u->ninline, name, doc); }
void sb_user_attach(struct snap_user *u, const char *arn)
{ sb_str(&u->attached, &u->nattached, arn); }
void sb_user_group(struct snap_user *u, const char *group)
{ sb_str(&u->groups, &u->ngroups, group); }
void sb_user_boundary(struct snap_user *u, const char *arn)
{ free(u->boundary_arn); u->boundary_arn = sb_dup(arn); }
void sb_user_tag(struct snap_user *u, const char *key, const char *value)
{ sb_tag(&u->tags, &u->ntags, key, value); }

struct snap_group *
sb_group(struct snap_account *a, const char *name)
{
	struct snap_group *g = SB_PUSH(a->iam.groups, a->iam.ngroups);

	g->name = sb_dup(name);
	g->path = sb_dup("/");
	g->arn = sb_fmt("arn:aws:iam::%s:group/%s", a->id, name);
	g->id = sb_fmt("AGPA%s", name);
	return g;
}

void sb_group_inline(struct snap_group *g, const char *name, const char *doc)
{ sb_inline(&g->inline_policies, &g->ninline, name, doc); }
void sb_group_attach(struct snap_group *g, const char *arn)
{ sb_str(&g->attached, &g->nattached, arn); }

struct snap_role *
sb_role(struct snap_account *a, const char *name, const char *path, const char *trust)
{
	struct snap_role *r = SB_PUSH(a->iam.roles, a->iam.nroles);

	if (path == NULL)
		path = "/";
	r->name = sb_dup(name);
	r->path = sb_dup(path);
	r->arn = sb_fmt("arn:aws:iam::%s:role%s%s", a->id, path, name);
	r->id = sb_fmt("AROA%s", name);
	r->trust_policy = sb_dup(trust);
	r->service_linked = strncmp(path, "/aws-service-role/", 18) == 0;
	return r;
}

void sb_role_inline(struct snap_role *r, const char *name, const char *doc)
{ sb_inline(&r->inline_policies, &r->ninline, name, doc); }
void sb_role_attach(struct snap_role *r, const char *arn)
{ sb_str(&r->attached, &r->nattached, arn); }
void sb_role_boundary(struct snap_role *r, const char *arn)
{ free(r->boundary_arn); r->boundary_arn = sb_dup(arn); }
void sb_role_tag(struct snap_role *r, const char *key, const char *value)
{ sb_tag(&r->tags, &r->ntags, key, value); }

const char *
sb_trust_services(char *buf, size_t cap, ...)
{
	va_list ap;
	const char *s;
	size_t o;
	bool first = true;

	o = (size_t)snprintf(buf, cap, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Principal\":{\"Service\":[");
	va_start(ap, cap);
	while ((s = va_arg(ap, const char *)) != NULL && o < cap) {
		o += (size_t)snprintf(buf + o, cap - o, "%s\"%s\"", first ? "" : ",", s);
		first = false;
	}
	va_end(ap);
	if (o < cap)
		snprintf(buf + o, cap - o, "]},\"Action\":\"sts:AssumeRole\"}]}");
	return buf;
}

void
sb_endpoint(struct snap_account *a, const char *region, const char *id, const char *service,
    const char *policy)
{
	struct snap_region *rg = NULL;
	struct snap_endpoint *ep;

	for (size_t i = 0; i < a->nregions; i++)
		if (strcmp(a->regions[i].name, region) == 0)
			rg = &a->regions[i];
	if (rg == NULL) {
		rg = SB_PUSH(a->regions, a->nregions);
		rg->name = sb_dup(region);
		snap_part_ok(&rg->part);
	}
	ep = SB_PUSH(rg->endpoints, rg->nendpoints);
	ep->id = sb_dup(id);
	ep->type = sb_dup("Interface");
	ep->service_name = sb_fmt("com.amazonaws.%s.%s", region, service);
	ep->vpc_id = sb_dup("vpc-1");
	ep->state = sb_dup("available");
	ep->policy = sb_dup(policy);
}
