/*
 * The snapshot model: ownership, lookups and ordering. Filling it is the
 * collectors' job (collect_*.c, offline.c); its JSON form is snapjson.c.
 */
#include "config.h"

#include "collect/snapshot.h"
#include "util/strutil.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
snap_strdup(const char *s, struct err *e)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		err_set(e, "out of memory");
	return d;
}

/* Capacity is implicit: max(4, the next power of two >= n), so the array
 * grows by doubling without storing a capacity next to every count. */
void *
snap_push(void **arr, size_t *n, size_t elsize, struct err *e)
{
	size_t cap = 0;
	char *p;

	if (*n == 0)
		cap = 4;
	else if (*n >= 4 && (*n & (*n - 1)) == 0)
		cap = *n * 2;
	if (cap != 0) {
		if (cap > SIZE_MAX / elsize) {
			err_set(e, "out of memory");
			return NULL;
		}
		p = realloc(*arr, cap * elsize);
		if (p == NULL) {
			err_set(e, "out of memory");
			return NULL;
		}
		*arr = p;
	}
	p = (char *)*arr + *n * elsize;
	memset(p, 0, elsize);
	(*n)++;
	return p;
}

int
snap_part_fail(struct snap_part *p, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int r;

	p->complete = false;
	if (p->why != NULL)
		return 0;
	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -1;
	p->why = s;
	return 0;
}

int
snap_part_ok(struct snap_part *p)
{
	free(p->why);
	p->why = NULL;
	p->complete = true;
	return 0;
}

static void
inline_free(struct snap_inline_policy *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].name);
		free(p[i].document);
	}
	free(p);
}

static void
tags_free(struct snap_tag *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(t[i].key);
		free(t[i].value);
	}
	free(t);
}

static void
iam_clear(struct snap_iam *iam)
{
	for (size_t i = 0; i < iam->nusers; i++) {
		struct snap_user *u = &iam->users[i];

		free(u->arn), free(u->name), free(u->id), free(u->path);
		strutil_freev(u->groups, u->ngroups);
		inline_free(u->inline_policies, u->ninline);
		strutil_freev(u->attached, u->nattached);
		free(u->boundary_arn);
		tags_free(u->tags, u->ntags);
	}
	free(iam->users);
	for (size_t i = 0; i < iam->ngroups; i++) {
		struct snap_group *g = &iam->groups[i];

		free(g->arn), free(g->name), free(g->id), free(g->path);
		inline_free(g->inline_policies, g->ninline);
		strutil_freev(g->attached, g->nattached);
	}
	free(iam->groups);
	for (size_t i = 0; i < iam->nroles; i++) {
		struct snap_role *r = &iam->roles[i];

		free(r->arn), free(r->name), free(r->id), free(r->path);
		free(r->trust_policy);
		inline_free(r->inline_policies, r->ninline);
		strutil_freev(r->attached, r->nattached);
		free(r->boundary_arn);
		tags_free(r->tags, r->ntags);
		strutil_freev(r->instance_profiles, r->ninstance_profiles);
		free(r->last_used), free(r->last_used_region);
	}
	free(iam->roles);
	for (size_t i = 0; i < iam->npolicies; i++) {
		struct snap_managed_policy *m = &iam->policies[i];

		free(m->arn), free(m->name), free(m->id), free(m->path);
		free(m->default_version), free(m->document);
	}
	free(iam->policies);
	free(iam->part.why);
	memset(iam, 0, sizeof(*iam));
}

void
snap_account_clear(struct snap_account *a)
{
	free(a->id), free(a->name), free(a->email), free(a->status), free(a->parent_id);
	free(a->access.why);
	iam_clear(&a->iam);
	for (size_t i = 0; i < a->nregions; i++) {
		struct snap_region *r = &a->regions[i];

		free(r->name);
		free(r->part.why);
		for (size_t j = 0; j < r->nendpoints; j++) {
			struct snap_endpoint *ep = &r->endpoints[j];

			free(ep->id), free(ep->type), free(ep->service_name);
			free(ep->vpc_id), free(ep->state), free(ep->policy);
		}
		free(r->endpoints);
	}
	free(a->regions);
	memset(a, 0, sizeof(*a));
}

void
snap_org_clear(struct snap_org *o)
{
	free(o->part.why);
	free(o->id), free(o->management_account), free(o->root_id);
	for (size_t i = 0; i < o->nous; i++)
		free(o->ous[i].id), free(o->ous[i].name), free(o->ous[i].parent_id);
	free(o->ous);
	for (size_t i = 0; i < o->npolicies; i++) {
		struct snap_org_policy *p = &o->policies[i];

		free(p->id), free(p->arn), free(p->name), free(p->content);
		strutil_freev(p->targets, p->ntargets);
	}
	free(o->policies);
	memset(o, 0, sizeof(*o));
}

struct snapshot *
snapshot_new(struct err *e)
{
	struct snapshot *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	s->format_version = SNAPSHOT_FORMAT_VERSION;
	s->org.mode = SNAP_ORG_UNKNOWN;
	if (snap_part_fail(&s->org.part, "not fetched") != 0) {
		free(s);
		err_set(e, "out of memory");
		return NULL;
	}
	return s;
}

void
snapshot_free(struct snapshot *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->naccounts; i++)
		snap_account_clear(&s->accounts[i]);
	free(s->accounts);
	snap_org_clear(&s->org);
	free(s->partition);
	free(s->source);
	free(s);
}

int
snapshot_add_account(struct snapshot *s, struct snap_account *a, struct err *e)
{
	struct snap_account *slot;

	slot = snap_push((void **)&s->accounts, &s->naccounts, sizeof(*slot), e);
	if (slot == NULL) {
		snap_account_clear(a);
		return -1;
	}
	*slot = *a;
	memset(a, 0, sizeof(*a));
	return 0;
}

#define FIELD_CMP(name, type, field)					\
static int								\
name(const void *x, const void *y)					\
{									\
	return strutil_cmp(((const type *)x)->field, ((const type *)y)->field); \
}
FIELD_CMP(cmp_account, struct snap_account, id)
FIELD_CMP(cmp_user, struct snap_user, arn)
FIELD_CMP(cmp_group, struct snap_group, arn)
FIELD_CMP(cmp_role, struct snap_role, arn)
FIELD_CMP(cmp_policy, struct snap_managed_policy, arn)
FIELD_CMP(cmp_region, struct snap_region, name)
FIELD_CMP(cmp_endpoint, struct snap_endpoint, id)
FIELD_CMP(cmp_ou, struct snap_ou, id)
FIELD_CMP(cmp_org_policy, struct snap_org_policy, id)

#define SORT(arr, n, cmp) do { if ((n) > 1) qsort((arr), (n), sizeof(*(arr)), (cmp)); } while (0)

void
snapshot_sort_account(struct snap_account *a)
{
	SORT(a->iam.users, a->iam.nusers, cmp_user);
	SORT(a->iam.groups, a->iam.ngroups, cmp_group);
	SORT(a->iam.roles, a->iam.nroles, cmp_role);
	SORT(a->iam.policies, a->iam.npolicies, cmp_policy);
	SORT(a->regions, a->nregions, cmp_region);
	for (size_t j = 0; j < a->nregions; j++)
		SORT(a->regions[j].endpoints, a->regions[j].nendpoints, cmp_endpoint);
}

void
snapshot_take_shell(struct snapshot *s, struct snapshot *shell)
{
	snap_org_clear(&s->org);
	s->org = shell->org;
	memset(&shell->org, 0, sizeof(shell->org));
	free(s->partition);
	free(s->source);
	s->partition = shell->partition;
	s->source = shell->source;
	shell->partition = shell->source = NULL;
	s->taken_at = shell->taken_at;
	s->format_version = shell->format_version;
	SORT(s->accounts, s->naccounts, cmp_account);
}

void
snapshot_sort(struct snapshot *s)
{
	SORT(s->accounts, s->naccounts, cmp_account);
	for (size_t i = 0; i < s->naccounts; i++)
		snapshot_sort_account(&s->accounts[i]);
	SORT(s->org.ous, s->org.nous, cmp_ou);
	SORT(s->org.policies, s->org.npolicies, cmp_org_policy);
}

struct snap_account *
snapshot_find_account(const struct snapshot *s, const char *id)
{
	for (size_t i = 0; i < s->naccounts; i++)
		if (strutil_cmp(s->accounts[i].id, id) == 0)
			return &s->accounts[i];
	return NULL;
}

const struct snap_managed_policy *
snapshot_find_policy(const struct snap_account *a, const char *arn)
{
	for (size_t i = 0; i < a->iam.npolicies; i++)
		if (strutil_cmp(a->iam.policies[i].arn, arn) == 0)
			return &a->iam.policies[i];
	return NULL;
}

const struct snap_group *
snapshot_find_group(const struct snap_account *a, const char *name)
{
	for (size_t i = 0; i < a->iam.ngroups; i++)
		if (strutil_cmp(a->iam.groups[i].name, name) == 0)
			return &a->iam.groups[i];
	return NULL;
}

const struct snap_role *
snapshot_find_role(const struct snap_account *a, const char *arn)
{
	for (size_t i = 0; i < a->iam.nroles; i++)
		if (strutil_cmp(a->iam.roles[i].arn, arn) == 0)
			return &a->iam.roles[i];
	return NULL;
}

const struct snap_ou *
snapshot_find_ou(const struct snapshot *s, const char *id)
{
	for (size_t i = 0; i < s->org.nous; i++)
		if (strutil_cmp(s->org.ous[i].id, id) == 0)
			return &s->org.ous[i];
	return NULL;
}

int
snapshot_parent_chain(const struct snapshot *s, const struct snap_account *a,
    const char **ids, size_t max, struct err *e)
{
	const char *cur = a->parent_id;
	size_t n = 0;

	if (cur == NULL) {
		err_set(e, "account %s has no parent in the organization", a->id);
		return -1;
	}
	/* Walk up to the root collecting ids, then reverse: root first. */
	while (cur != NULL) {
		const struct snap_ou *ou;

		if (n == max) {
			err_set(e, "account %s: organization tree deeper than %zu levels "
			    "or with a cycle", a->id, max);
			return -1;
		}
		ids[n++] = cur;
		if (s->org.root_id != NULL && strcmp(cur, s->org.root_id) == 0)
			break;
		ou = snapshot_find_ou(s, cur);
		if (ou == NULL) {
			err_set(e, "account %s: parent %s is neither the root nor a known OU",
			    a->id, cur);
			return -1;
		}
		cur = ou->parent_id;
		if (cur == NULL) {
			err_set(e, "account %s: OU %s has no parent", a->id, ou->id);
			return -1;
		}
	}
	for (size_t i = 0; i < n / 2; i++) {
		const char *t = ids[i];

		ids[i] = ids[n - 1 - i];
		ids[n - 1 - i] = t;
	}
	return (int)n;
}

bool
snapshot_complete(const struct snapshot *s)
{
	if (!s->org.part.complete)
		return false;
	for (size_t i = 0; i < s->naccounts; i++) {
		const struct snap_account *a = &s->accounts[i];

		if (!a->access.complete || !a->iam.part.complete)
			return false;
		for (size_t j = 0; j < a->nregions; j++)
			if (!a->regions[j].part.complete)
				return false;
	}
	return true;
}

int
snapshot_move_account(struct snap_account *slot, struct snap_account *out, struct err *e)
{
	*out = *slot;
	memset(slot, 0, sizeof(*slot));
	slot->is_management = out->is_management;
	if ((slot->id = strdup(out->id)) == NULL ||
	    (out->parent_id != NULL && (slot->parent_id = strdup(out->parent_id)) == NULL)) {
		err_set(e, "out of memory");
		return -1;
	}
	return 0;
}

struct snapshot *
snapshot_gather(snapshot_next_fn next, void *src, struct snapshot *shell, struct err *e)
{
	struct snapshot *s = snapshot_new(e);
	struct snap_account a;
	int r;

	if (s == NULL)
		return NULL;
	memset(&a, 0, sizeof(a));
	while ((r = next(src, &a, e)) == 1)
		if (snapshot_add_account(s, &a, e) != 0) {
			/* snapshot_add_account freed a. */
			memset(&a, 0, sizeof(a));
			r = -1;
			break;
		}
	if (r != 0) {
		/* A source that failed while moving an account out leaves it
		 * in a (zeroed otherwise). */
		snap_account_clear(&a);
		snapshot_free(s);
		return NULL;
	}
	snapshot_take_shell(s, shell);
	return s;
}
