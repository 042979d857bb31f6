/*
 * Causes of an account's changes, by counterfactual. See cause.h.
 *
 * A counterfactual is a "world": shallow copies of this run's account and
 * organization whose arrays are replaced (never written in place) as
 * changes are put back; every string stays owned by the previous or the
 * current inputs, which outlive the world. The world owns only the arrays
 * it allocated (w->mem).
 */
#include "config.h"

#include "audit/cause.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "audit/audit_int.h"
#include "util/strutil.h"

const char CAUSE_NOTE_NOT_KEPT[] = "inputs of the previous run not kept";
const char CAUSE_NOTE_NO_INPUT[] =
    "no input changed; the audit settings or the program's version did";
const char CAUSE_NOTE_TOO_MANY[] =
    "too many input changes in the account to verify each; those naming the "
    "principal or the role are listed";
const char CAUSE_NOTE_FAILED[] = "the causes could not be found (see the log)";

/* ------------------------------------------------------------- changes */

enum dk {
	DK_USER, DK_GROUP, DK_ROLE,	/* created or deleted */
	DK_POLICY,			/* managed policy: document, or created/deleted */
	DK_MEMBER,			/* user in group */
	DK_ATTACH,			/* managed policy attached to user/group/role */
	DK_INLINE,			/* inline policy of user/group/role */
	DK_BOUNDARY,
	DK_TAGS,
	DK_TRUST,
	DK_ENDPOINT,			/* whole endpoint, or its policy */
	DK_PARENT,			/* the account moved */
	DK_ORG_POLICY,			/* SCP/RCP document, or created/deleted */
	DK_ORG_TARGET,			/* SCP/RCP attached to root/OU/account */
	DK_OU_PARENT,
};

enum owner { OW_NONE, OW_USER, OW_GROUP, OW_ROLE };

struct delta {
	enum dk k;
	enum owner ow;
	const char *owner;	/* ARN of the user/group/role; region name */
	const char *key;	/* group name, policy ARN, inline name, target id */
	const void *old;	/* the previous element, NULL: none */
	const void *cur;	/* the current element, NULL: none */
	size_t nold;		/* DK_TAGS: the previous tags' count */
	bool was;		/* membership/attachment held before */
	struct diff_cause c;	/* owned */
};

struct deltas {
	struct delta *v;
	size_t n;
	bool oom;
};

static char *
xdup(struct deltas *D, const char *s)
{
	char *r;

	if (s == NULL)
		return NULL;
	if ((r = strdup(s)) == NULL)
		D->oom = true;
	return r;
}

/* "sha256:" and the first 16 hex digits of the digest of the document's
 * JSON (cJSON_PrintUnformatted: layout aside, members in their order): a
 * document's identity in a report, short and without its text. */
static char *
doc_fp(struct deltas *D, const char *doc)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char out[7 + 16 + 1];

	cJSON *j;
	char *flat = NULL;
	int ok;

	if (doc == NULL)
		return NULL;
	/* Of the document's JSON without its layout: the CLI and the API
	 * space the same document differently. */
	if ((j = cJSON_Parse(doc)) != NULL) {
		flat = cJSON_PrintUnformatted(j);
		cJSON_Delete(j);
	}
	ok = EVP_Digest(flat != NULL ? flat : doc, strlen(flat != NULL ? flat : doc), md, &n,
	    EVP_sha256(), NULL) == 1 && n >= 8;
	free(flat);
	if (!ok) {
		D->oom = true;
		return NULL;
	}
	memcpy(out, "sha256:", 7);
	for (unsigned i = 0; i < 8; i++)
		snprintf(out + 7 + 2 * i, 3, "%02x", md[i]);
	return xdup(D, out);
}

static struct delta *
push(struct deltas *D, enum dk k, const char *kind, const char *account)
{
	struct delta *g;

	if (D->oom)
		return NULL;
	if ((g = realloc(D->v, (D->n + 1) * sizeof(*g))) == NULL) {
		D->oom = true;
		return NULL;
	}
	D->v = g;
	g = &D->v[D->n++];
	memset(g, 0, sizeof(*g));
	g->k = k;
	g->c.kind = xdup(D, kind);
	g->c.account = xdup(D, account);
	return g;
}

static void
deltas_free(struct deltas *D)
{
	for (size_t i = 0; i < D->n; i++)
		diff_cause_clear(&D->v[i].c);
	free(D->v);
	memset(D, 0, sizeof(*D));
}

static bool
in_list(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strutil_cmp(v[i], s) == 0)
			return true;
	return false;
}

/* Attachments present in one list and not the other. */
static void
cmp_attached(struct deltas *D, const char *acct, enum owner ow, const char *owner,
    char *const *o, size_t no, char *const *c, size_t nc)
{
	for (int pass = 0; pass < 2; pass++) {
		char *const *a = pass == 0 ? o : c, *const *b = pass == 0 ? c : o;
		size_t na = pass == 0 ? no : nc, nb = pass == 0 ? nc : no;

		for (size_t i = 0; i < na; i++) {
			struct delta *d;
			const char *slash;

			if (in_list(b, nb, a[i]) || in_list(a, i, a[i]))
				continue;
			if ((d = push(D, DK_ATTACH, "policy-attachment", acct)) == NULL)
				return;
			d->ow = ow;
			d->owner = owner;
			d->key = a[i];
			d->was = pass == 0;
			slash = strrchr(a[i], '/');
			d->c.name = xdup(D, slash != NULL ? slash + 1 : a[i]);
			d->c.arn = xdup(D, a[i]);
			d->c.on = xdup(D, owner);
			d->c.before = xdup(D, d->was ? "attached" : "detached");
			d->c.after = xdup(D, d->was ? "detached" : "attached");
		}
	}
}

static const struct snap_inline_policy *
find_inline(const struct snap_inline_policy *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strutil_cmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

static void
cmp_inline(struct deltas *D, const char *acct, enum owner ow, const char *owner,
    const struct snap_inline_policy *o, size_t no, const struct snap_inline_policy *c,
    size_t nc)
{
	for (int pass = 0; pass < 2; pass++) {
		const struct snap_inline_policy *a = pass == 0 ? o : c, *b = pass == 0 ? c : o;
		size_t na = pass == 0 ? no : nc, nb = pass == 0 ? nc : no;

		for (size_t i = 0; i < na; i++) {
			const struct snap_inline_policy *x = find_inline(b, nb, a[i].name);
			const struct snap_inline_policy *po = pass == 0 ? &a[i] : x;
			const struct snap_inline_policy *pc = pass == 0 ? x : &a[i];
			struct delta *d;

			/* Pairs are seen in the first pass only. */
			if ((pass == 1 && x != NULL) ||
			    (po != NULL && pc != NULL && strutil_cmp(po->document, pc->document) == 0))
				continue;
			if ((d = push(D, DK_INLINE, "inline-policy", acct)) == NULL)
				return;
			d->ow = ow;
			d->owner = owner;
			d->key = a[i].name;
			d->old = po;
			d->cur = pc;
			d->c.name = xdup(D, a[i].name);
			d->c.on = xdup(D, owner);
			d->c.before = po != NULL ? doc_fp(D, po->document) : NULL;
			d->c.after = pc != NULL ? doc_fp(D, pc->document) : NULL;
		}
	}
}

static bool
same_tags(const struct snap_tag *a, size_t na, const struct snap_tag *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++) {
		bool found = false;

		for (size_t j = 0; j < nb && !found; j++)
			found = strutil_cmp(a[i].key, b[j].key) == 0 &&
			    strutil_cmp(a[i].value, b[j].value) == 0;
		if (!found)
			return false;
	}
	return true;
}

static char *
tags_text(struct deltas *D, const struct snap_tag *t, size_t n)
{
	size_t len = 1;
	char *s;

	for (size_t i = 0; i < n; i++)
		len += strlen(t[i].key != NULL ? t[i].key : "") +
		    strlen(t[i].value != NULL ? t[i].value : "") + 2;
	if ((s = malloc(len)) == NULL) {
		D->oom = true;
		return NULL;
	}
	s[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			strcat(s, ",");
		strcat(s, t[i].key != NULL ? t[i].key : "");
		strcat(s, "=");
		strcat(s, t[i].value != NULL ? t[i].value : "");
	}
	return s;
}

static void
whole(struct deltas *D, enum dk k, const char *kind, const char *acct, const char *arn,
    const char *name, const void *old, const void *cur)
{
	struct delta *d = push(D, k, kind, acct);

	if (d == NULL)
		return;
	d->key = arn;
	d->old = old;
	d->cur = cur;
	d->c.arn = xdup(D, arn);
	d->c.name = xdup(D, name);
	d->c.before = xdup(D, old != NULL ? "present" : "absent");
	d->c.after = xdup(D, cur != NULL ? "present" : "absent");
}

static void
boundary(struct deltas *D, const char *acct, enum owner ow, const char *owner,
    const char *o, const char *c)
{
	struct delta *d;

	if (strutil_cmp(o, c) == 0 || (d = push(D, DK_BOUNDARY, "boundary", acct)) == NULL)
		return;
	d->ow = ow;
	d->owner = owner;
	d->c.on = xdup(D, owner);
	d->c.arn = xdup(D, c != NULL ? c : o);
	d->c.before = xdup(D, o);
	d->c.after = xdup(D, c);
	d->old = o;
}

static void
tags(struct deltas *D, const char *acct, enum owner ow, const char *owner,
    const struct snap_tag *o, size_t no, const struct snap_tag *c, size_t nc)
{
	struct delta *d;

	if (same_tags(o, no, c, nc) || (d = push(D, DK_TAGS, "tags", acct)) == NULL)
		return;
	d->ow = ow;
	d->owner = owner;
	d->old = o;
	d->nold = no;
	d->c.on = xdup(D, owner);
	d->c.before = tags_text(D, o, no);
	d->c.after = tags_text(D, c, nc);
}

/* Walk two arrays sorted by the string at keyoff side by side: cb(old,
 * cur) for each key (either may be NULL). */
#define KEY(base, i, elsize, keyoff) \
	(*(char *const *)((const char *)(base) + (i) * (elsize) + (keyoff)))

typedef void (*pair_fn)(struct deltas *D, const char *acct, const void *o, const void *c);

static void
walk(struct deltas *D, const char *acct, const void *ob, size_t no, const void *cb,
    size_t nc, size_t elsize, size_t keyoff, pair_fn fn)
{
	size_t i = 0, j = 0;

	while (!D->oom && (i < no || j < nc)) {
		int k = i >= no ? 1 : j >= nc ? -1 :
		    strutil_cmp(KEY(ob, i, elsize, keyoff), KEY(cb, j, elsize, keyoff));
		const void *o = k <= 0 ? (const char *)ob + i * elsize : NULL;
		const void *c = k >= 0 ? (const char *)cb + j * elsize : NULL;

		if (k <= 0)
			i++;
		if (k >= 0)
			j++;
		fn(D, acct, o, c);
	}
}

static void
pair_user(struct deltas *D, const char *acct, const void *ov, const void *cv)
{
	const struct snap_user *o = ov, *c = cv;

	if (o == NULL || c == NULL) {
		whole(D, DK_USER, "user", acct, (o != NULL ? o : c)->arn, (o != NULL ? o : c)->name,
		    o, c);
		return;
	}
	for (int pass = 0; pass < 2; pass++) {
		char *const *a = pass == 0 ? o->groups : c->groups;
		char *const *b = pass == 0 ? c->groups : o->groups;
		size_t na = pass == 0 ? o->ngroups : c->ngroups;
		size_t nb = pass == 0 ? c->ngroups : o->ngroups;

		for (size_t i = 0; i < na; i++) {
			struct delta *d;

			if (in_list(b, nb, a[i]) || in_list(a, i, a[i]))
				continue;
			if ((d = push(D, DK_MEMBER, "group-membership", acct)) == NULL)
				return;
			d->ow = OW_USER;
			d->owner = c->arn;
			d->key = a[i];
			d->was = pass == 0;
			d->c.name = xdup(D, a[i]);
			d->c.on = xdup(D, c->arn);
			d->c.before = xdup(D, d->was ? "member" : "not a member");
			d->c.after = xdup(D, d->was ? "not a member" : "member");
		}
	}
	cmp_attached(D, acct, OW_USER, c->arn, o->attached, o->nattached, c->attached,
	    c->nattached);
	cmp_inline(D, acct, OW_USER, c->arn, o->inline_policies, o->ninline, c->inline_policies,
	    c->ninline);
	boundary(D, acct, OW_USER, c->arn, o->boundary_arn, c->boundary_arn);
	tags(D, acct, OW_USER, c->arn, o->tags, o->ntags, c->tags, c->ntags);
}

static void
pair_group(struct deltas *D, const char *acct, const void *ov, const void *cv)
{
	const struct snap_group *o = ov, *c = cv;

	if (o == NULL || c == NULL) {
		whole(D, DK_GROUP, "group", acct, (o != NULL ? o : c)->arn,
		    (o != NULL ? o : c)->name, o, c);
		return;
	}
	cmp_attached(D, acct, OW_GROUP, c->arn, o->attached, o->nattached, c->attached,
	    c->nattached);
	cmp_inline(D, acct, OW_GROUP, c->arn, o->inline_policies, o->ninline, c->inline_policies,
	    c->ninline);
}

static void
pair_role(struct deltas *D, const char *acct, const void *ov, const void *cv)
{
	const struct snap_role *o = ov, *c = cv;
	struct delta *d;

	if (o == NULL || c == NULL) {
		whole(D, DK_ROLE, "role", acct, (o != NULL ? o : c)->arn, (o != NULL ? o : c)->name,
		    o, c);
		return;
	}
	if (strutil_cmp(o->trust_policy, c->trust_policy) != 0 &&
	    (d = push(D, DK_TRUST, "trust-policy", acct)) != NULL) {
		d->ow = OW_ROLE;
		d->owner = c->arn;
		d->old = o->trust_policy;
		d->c.name = xdup(D, c->name);
		d->c.arn = xdup(D, c->arn);
		d->c.before = doc_fp(D, o->trust_policy);
		d->c.after = doc_fp(D, c->trust_policy);
	}
	cmp_attached(D, acct, OW_ROLE, c->arn, o->attached, o->nattached, c->attached,
	    c->nattached);
	cmp_inline(D, acct, OW_ROLE, c->arn, o->inline_policies, o->ninline, c->inline_policies,
	    c->ninline);
	boundary(D, acct, OW_ROLE, c->arn, o->boundary_arn, c->boundary_arn);
	tags(D, acct, OW_ROLE, c->arn, o->tags, o->ntags, c->tags, c->ntags);
}

static void
pair_policy(struct deltas *D, const char *acct, const void *ov, const void *cv)
{
	const struct snap_managed_policy *o = ov, *c = cv, *x = o != NULL ? o : c;
	struct delta *d;

	if (o != NULL && c != NULL && strutil_cmp(o->document, c->document) == 0 &&
	    strutil_cmp(o->default_version, c->default_version) == 0)
		return;
	/* A policy created or deleted grants nothing by itself; its
	 * attachments are the changes (and bring it back when put back). */
	if (o == NULL || c == NULL)
		return;
	if ((d = push(D, DK_POLICY, "managed-policy", acct)) == NULL)
		return;
	d->key = x->arn;
	d->old = o;
	d->cur = c;
	d->c.name = xdup(D, x->name);
	d->c.arn = xdup(D, x->arn);
	/* A version id names the document unless it was rewritten under the
	 * same id (a snapshot edited by hand, an emulator). */
	if (strutil_cmp(o->default_version, c->default_version) != 0 &&
	    o->default_version != NULL && c->default_version != NULL) {
		d->c.before = xdup(D, o->default_version);
		d->c.after = xdup(D, c->default_version);
	} else {
		d->c.before = doc_fp(D, o->document);
		d->c.after = doc_fp(D, c->document);
	}
}

static void
pair_endpoint(struct deltas *D, const char *region, const void *ov, const void *cv)
{
	const struct snap_endpoint *o = ov, *c = cv, *x = o != NULL ? o : c;
	bool policy_only;
	struct delta *d;

	if (o != NULL && c != NULL && strutil_cmp(o->policy, c->policy) == 0 &&
	    strutil_cmp(o->state, c->state) == 0 &&
	    strutil_cmp(o->service_name, c->service_name) == 0 &&
	    strutil_cmp(o->type, c->type) == 0 && strutil_cmp(o->vpc_id, c->vpc_id) == 0)
		return;
	policy_only = o != NULL && c != NULL && strutil_cmp(o->state, c->state) == 0 &&
	    strutil_cmp(o->service_name, c->service_name) == 0 &&
	    strutil_cmp(o->type, c->type) == 0 && strutil_cmp(o->vpc_id, c->vpc_id) == 0;
	/* walk() passes the region as the account slot; the account is
	 * filled in by the caller. */
	if ((d = push(D, DK_ENDPOINT, policy_only ? "endpoint-policy" : "endpoint", NULL)) ==
	    NULL)
		return;
	d->owner = region;
	d->key = x->id;
	d->old = o;
	d->cur = c;
	d->c.id = xdup(D, x->id);
	d->c.name = xdup(D, x->service_name);
	if (policy_only) {
		d->c.before = o->policy != NULL ? doc_fp(D, o->policy) : xdup(D, "none");
		d->c.after = c->policy != NULL ? doc_fp(D, c->policy) : xdup(D, "none");
	} else {
		d->c.before = xdup(D, o == NULL ? "absent" : o->state != NULL ? o->state :
		    "present");
		d->c.after = xdup(D, c == NULL ? "absent" : c->state != NULL ? c->state :
		    "present");
	}
}

static const struct snap_region *
find_region(const struct snap_account *a, const char *name)
{
	for (size_t i = 0; i < a->nregions; i++)
		if (strutil_cmp(a->regions[i].name, name) == 0)
			return &a->regions[i];
	return NULL;
}

static void
account_deltas(struct deltas *D, const struct snap_account *o, const struct snap_account *c)
{
	const char *acct = c->id;
	struct delta *d;

	if (strutil_cmp(o->parent_id, c->parent_id) != 0 &&
	    (d = push(D, DK_PARENT, "account-parent", acct)) != NULL) {
		d->old = o->parent_id;
		d->c.id = xdup(D, acct);
		d->c.name = xdup(D, c->name);
		d->c.before = xdup(D, o->parent_id);
		d->c.after = xdup(D, c->parent_id);
	}
	walk(D, acct, o->iam.users, o->iam.nusers, c->iam.users, c->iam.nusers,
	    sizeof(struct snap_user), offsetof(struct snap_user, arn), pair_user);
	walk(D, acct, o->iam.groups, o->iam.ngroups, c->iam.groups, c->iam.ngroups,
	    sizeof(struct snap_group), offsetof(struct snap_group, arn), pair_group);
	walk(D, acct, o->iam.roles, o->iam.nroles, c->iam.roles, c->iam.nroles,
	    sizeof(struct snap_role), offsetof(struct snap_role, arn), pair_role);
	walk(D, acct, o->iam.policies, o->iam.npolicies, c->iam.policies, c->iam.npolicies,
	    sizeof(struct snap_managed_policy), offsetof(struct snap_managed_policy, arn),
	    pair_policy);
	for (size_t r = 0; r < c->nregions && !D->oom; r++) {
		const struct snap_region *cr = &c->regions[r], *orr = find_region(o, cr->name);
		size_t first = D->n;

		if (orr == NULL)
			continue;
		walk(D, cr->name, orr->endpoints, orr->nendpoints, cr->endpoints, cr->nendpoints,
		    sizeof(struct snap_endpoint), offsetof(struct snap_endpoint, id),
		    pair_endpoint);
		for (size_t i = first; i < D->n && !D->oom; i++)
			D->v[i].c.account = xdup(D, acct);
	}
}

/* ------------------------------------------------- organization changes */

static const struct snap_org_policy *
find_org_policy(const struct snap_org *o, const char *id)
{
	for (size_t i = 0; i < o->npolicies; i++)
		if (strutil_cmp(o->policies[i].id, id) == 0)
			return &o->policies[i];
	return NULL;
}

static bool
targets_any(const struct snap_org_policy *p, const char **ids, size_t n)
{
	for (size_t i = 0; p != NULL && i < n; i++)
		if (in_list(p->targets, p->ntargets, ids[i]))
			return true;
	return false;
}

static void
org_policy(struct deltas *D, const struct snapshot *cs, const struct snap_org_policy *o,
    const struct snap_org_policy *c, const char **ids, size_t nids)
{
	const struct snap_org_policy *x = c != NULL ? c : o;
	const char *kind = x->type == SNAP_RCP ? "rcp" : "scp";
	const char *acct = cs->org.management_account;
	struct delta *d;

	if (!targets_any(o, ids, nids) && !targets_any(c, ids, nids))
		return;
	if (o == NULL || c == NULL || strutil_cmp(o->content, c->content) != 0) {
		if ((d = push(D, DK_ORG_POLICY, kind, acct)) == NULL)
			return;
		d->key = x->id;
		d->old = o;
		d->cur = c;
		d->c.id = xdup(D, x->id);
		d->c.arn = xdup(D, x->arn);
		d->c.name = xdup(D, x->name);
		d->c.before = o != NULL ? doc_fp(D, o->content) : xdup(D, "absent");
		d->c.after = c != NULL ? doc_fp(D, c->content) : xdup(D, "absent");
	}
	if (o == NULL || c == NULL)
		return;
	for (size_t i = 0; i < nids; i++) {
		bool was = in_list(o->targets, o->ntargets, ids[i]);

		if (was == in_list(c->targets, c->ntargets, ids[i]))
			continue;
		if ((d = push(D, DK_ORG_TARGET, "org-policy-attachment", acct)) == NULL)
			return;
		d->key = x->id;
		d->owner = ids[i];
		d->was = was;
		d->c.id = xdup(D, x->id);
		d->c.arn = xdup(D, x->arn);
		d->c.name = xdup(D, x->name);
		d->c.on = xdup(D, ids[i]);
		d->c.before = xdup(D, was ? "attached" : "detached");
		d->c.after = xdup(D, was ? "detached" : "attached");
	}
}

static void
org_deltas(struct deltas *D, const struct snapshot *ps, const struct snap_account *pa,
    const struct snapshot *cs, const struct snap_account *ca)
{
	const char *ids[2 * AUD_MAX_LEVELS + 1];
	size_t nids = 0;
	struct err ignore;

	if (ps->org.mode != SNAP_ORG_PRESENT || cs->org.mode != SNAP_ORG_PRESENT)
		return;
	/* The levels that bear on the account, then or now. */
	for (int pass = 0; pass < 2; pass++) {
		const char *chain[AUD_MAX_LEVELS];
		int n = snapshot_parent_chain(pass == 0 ? ps : cs, pass == 0 ? pa : ca, chain,
		    AUD_MAX_LEVELS - 1, &ignore);

		for (int i = 0; i < n; i++)
			if (!in_list((char *const *)ids, nids, chain[i]))
				ids[nids++] = chain[i];
	}
	ids[nids++] = ca->id;
	for (size_t i = 0; i < nids && !D->oom; i++) {
		const struct snap_ou *o = snapshot_find_ou(ps, ids[i]);
		const struct snap_ou *c = snapshot_find_ou(cs, ids[i]);
		struct delta *d;

		if (o == NULL || c == NULL || strutil_cmp(o->parent_id, c->parent_id) == 0)
			continue;
		if ((d = push(D, DK_OU_PARENT, "ou-parent", cs->org.management_account)) == NULL)
			return;
		d->key = c->id;
		d->old = o->parent_id;
		d->c.id = xdup(D, c->id);
		d->c.name = xdup(D, c->name);
		d->c.before = xdup(D, o->parent_id);
		d->c.after = xdup(D, c->parent_id);
	}
	for (size_t i = 0; i < cs->org.npolicies && !D->oom; i++) {
		const struct snap_org_policy *c = &cs->org.policies[i];

		org_policy(D, cs, find_org_policy(&ps->org, c->id), c, ids, nids);
	}
	for (size_t i = 0; i < ps->org.npolicies && !D->oom; i++) {
		const struct snap_org_policy *o = &ps->org.policies[i];

		if (find_org_policy(&cs->org, o->id) == NULL)
			org_policy(D, cs, o, NULL, ids, nids);
	}
}

/* -------------------------------------------------------------- worlds */

struct world {
	struct snap_account a;
	struct snapshot s;
	bool org_changed;
	void **mem;
	size_t nmem;
	bool oom;
	const struct snap_account *prev;	/* for policies put back */
};

static void *
w_alloc(struct world *w, size_t size)
{
	void **g;
	void *p;

	if (w->oom)
		return NULL;
	if ((p = calloc(1, size > 0 ? size : 1)) == NULL ||
	    (g = realloc(w->mem, (w->nmem + 1) * sizeof(*g))) == NULL) {
		free(p);
		w->oom = true;
		return NULL;
	}
	w->mem = g;
	w->mem[w->nmem++] = p;
	return p;
}

static void
w_free(struct world *w)
{
	for (size_t i = 0; i < w->nmem; i++)
		free(w->mem[i]);
	free(w->mem);
	memset(w, 0, sizeof(*w));
}

/*
 * A new array for *base (n elements): key's element replaced by *with,
 * removed (with NULL), or appended when absent. Returns the element's new
 * place (NULL when removed or out of memory). with may point into the old
 * array: old arrays live as long as the world.
 */
static void *
w_put(struct world *w, void **base, size_t *n, size_t elsize, size_t keyoff, const char *key,
    const void *with)
{
	char *v = w_alloc(w, (*n + 1) * elsize);
	size_t k = 0;
	void *at = NULL;
	bool done = false;

	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < *n; i++) {
		const void *src = (const char *)*base + i * elsize;

		if (!done && strutil_cmp(KEY(*base, i, elsize, keyoff), key) == 0) {
			done = true;
			if (with == NULL)
				continue;
			src = with;
			at = v + k * elsize;
		}
		memcpy(v + k++ * elsize, src, elsize);
	}
	if (!done && with != NULL) {
		at = v + k * elsize;
		memcpy(v + k++ * elsize, with, elsize);
	}
	*base = v;
	*n = k;
	return at;
}

/* The element of key in a private copy of the array (NULL: absent). */
static void *
w_edit(struct world *w, void **base, size_t *n, size_t elsize, size_t keyoff, const char *key)
{
	for (size_t i = 0; i < *n; i++)
		if (strutil_cmp(KEY(*base, i, elsize, keyoff), key) == 0)
			return w_put(w, base, n, elsize, keyoff, key,
			    (const char *)*base + i * elsize);
	return NULL;
}

/* A private list with s present or not. */
static void
w_list(struct world *w, char ***v, size_t *n, const char *s, bool present)
{
	char **g;
	size_t k = 0;

	if (in_list(*v, *n, s) == present)
		return;
	if ((g = w_alloc(w, (*n + 1) * sizeof(*g))) == NULL)
		return;
	for (size_t i = 0; i < *n; i++)
		if (strutil_cmp((*v)[i], s) != 0)
			g[k++] = (*v)[i];
	if (present)
		g[k++] = (char *)s;
	*v = g;
	*n = k;
}

/* Bring back the previous managed policy arn when the world lacks it
 * (an attachment or boundary put back that names a policy since
 * deleted). */
static void
w_need_policy(struct world *w, const char *arn)
{
	const struct snap_managed_policy *p;

	if (arn == NULL || snapshot_find_policy(&w->a, arn) != NULL ||
	    (p = snapshot_find_policy(w->prev, arn)) == NULL)
		return;
	w_put(w, (void **)&w->a.iam.policies, &w->a.iam.npolicies, sizeof(*p),
	    offsetof(struct snap_managed_policy, arn), arn, p);
}

#define USERS(w) (void **)&(w)->a.iam.users, &(w)->a.iam.nusers, sizeof(struct snap_user), \
	offsetof(struct snap_user, arn)
#define GROUPS(w) (void **)&(w)->a.iam.groups, &(w)->a.iam.ngroups, \
	sizeof(struct snap_group), offsetof(struct snap_group, arn)
#define ROLES(w) (void **)&(w)->a.iam.roles, &(w)->a.iam.nroles, sizeof(struct snap_role), \
	offsetof(struct snap_role, arn)
#define POLICIES(w) (void **)&(w)->a.iam.policies, &(w)->a.iam.npolicies, \
	sizeof(struct snap_managed_policy), offsetof(struct snap_managed_policy, arn)
#define ORGPOL(w) (void **)&(w)->s.org.policies, &(w)->s.org.npolicies, \
	sizeof(struct snap_org_policy), offsetof(struct snap_org_policy, id)
#define OUS(w) (void **)&(w)->s.org.ous, &(w)->s.org.nous, sizeof(struct snap_ou), \
	offsetof(struct snap_ou, id)

/* The lists of an owner's element in the world (after w_edit). */
struct owned_lists {
	char ***attached;
	size_t *nattached;
	struct snap_inline_policy **inl;
	size_t *ninl;
	char **boundary;
	struct snap_tag **tags;
	size_t *ntags;
};

static bool
owner_lists(struct world *w, enum owner ow, const char *arn, struct owned_lists *L)
{
	memset(L, 0, sizeof(*L));
	if (ow == OW_USER) {
		struct snap_user *u = w_edit(w, USERS(w), arn);

		if (u == NULL)
			return false;
		*L = (struct owned_lists){ &u->attached, &u->nattached, &u->inline_policies,
		    &u->ninline, &u->boundary_arn, &u->tags, &u->ntags };
	} else if (ow == OW_GROUP) {
		struct snap_group *g = w_edit(w, GROUPS(w), arn);

		if (g == NULL)
			return false;
		*L = (struct owned_lists){ &g->attached, &g->nattached, &g->inline_policies,
		    &g->ninline, NULL, NULL, NULL };
	} else {
		struct snap_role *r = w_edit(w, ROLES(w), arn);

		if (r == NULL)
			return false;
		*L = (struct owned_lists){ &r->attached, &r->nattached, &r->inline_policies,
		    &r->ninline, &r->boundary_arn, &r->tags, &r->ntags };
	}
	return true;
}

/* Put one change back in the world. */
static void
w_apply(struct world *w, const struct delta *d)
{
	struct owned_lists L;

	switch (d->k) {
	case DK_USER:
		w_put(w, USERS(w), d->key, d->old);
		break;
	case DK_GROUP:
		w_put(w, GROUPS(w), d->key, d->old);
		break;
	case DK_ROLE:
		w_put(w, ROLES(w), d->key, d->old);
		break;
	case DK_POLICY: {
		struct snap_managed_policy *p = w_edit(w, POLICIES(w), d->key);
		const struct snap_managed_policy *o = d->old;

		if (p != NULL) {
			p->document = o->document;
			p->default_version = o->default_version;
		}
		break;
	}
	case DK_MEMBER: {
		struct snap_user *u = w_edit(w, USERS(w), d->owner);

		if (u != NULL)
			w_list(w, &u->groups, &u->ngroups, d->key, d->was);
		break;
	}
	case DK_ATTACH:
		if (owner_lists(w, d->ow, d->owner, &L)) {
			w_list(w, L.attached, L.nattached, d->key, d->was);
			if (d->was)
				w_need_policy(w, d->key);
		}
		break;
	case DK_INLINE:
		if (owner_lists(w, d->ow, d->owner, &L))
			w_put(w, (void **)L.inl, L.ninl, sizeof(struct snap_inline_policy),
			    offsetof(struct snap_inline_policy, name), d->key, d->old);
		break;
	case DK_BOUNDARY:
		if (owner_lists(w, d->ow, d->owner, &L) && L.boundary != NULL) {
			*L.boundary = (char *)d->old;
			w_need_policy(w, d->old);
		}
		break;
	case DK_TAGS:
		if (owner_lists(w, d->ow, d->owner, &L) && L.tags != NULL) {
			*L.tags = (struct snap_tag *)d->old;
			*L.ntags = d->nold;
		}
		break;
	case DK_TRUST: {
		struct snap_role *r = w_edit(w, ROLES(w), d->owner);

		if (r != NULL)
			r->trust_policy = (char *)d->old;
		break;
	}
	case DK_ENDPOINT: {
		struct snap_region *rg = NULL;

		for (size_t i = 0; i < w->a.nregions; i++)
			if (strutil_cmp(w->a.regions[i].name, d->owner) == 0) {
				rg = w_edit(w, (void **)&w->a.regions, &w->a.nregions,
				    sizeof(struct snap_region), offsetof(struct snap_region, name),
				    d->owner);
				break;
			}
		if (rg != NULL)
			w_put(w, (void **)&rg->endpoints, &rg->nendpoints,
			    sizeof(struct snap_endpoint), offsetof(struct snap_endpoint, id), d->key,
			    d->old);
		break;
	}
	case DK_PARENT:
		w->a.parent_id = (char *)d->old;
		break;
	case DK_ORG_POLICY:
		w->org_changed = true;
		if (d->old == NULL || d->cur == NULL) {
			w_put(w, ORGPOL(w), d->key, d->old);
		} else {
			struct snap_org_policy *p = w_edit(w, ORGPOL(w), d->key);

			if (p != NULL)
				p->content = ((const struct snap_org_policy *)d->old)->content;
		}
		break;
	case DK_ORG_TARGET: {
		struct snap_org_policy *p;

		w->org_changed = true;
		if ((p = w_edit(w, ORGPOL(w), d->key)) != NULL)
			w_list(w, &p->targets, &p->ntargets, d->owner, d->was);
		break;
	}
	case DK_OU_PARENT: {
		struct snap_ou *ou;

		w->org_changed = true;
		if ((ou = w_edit(w, OUS(w), d->key)) != NULL)
			ou->parent_id = (char *)d->old;
		break;
	}
	}
}

/* ------------------------------------------------------ counterfactuals */

struct cx {
	struct audit_ctx *ctx;
	const struct config_audit *cfg;
	const struct snapshot *shell;
	const struct snap_account *cur, *prev;
	struct deltas D;
	size_t evals;
};

/* The account audited with the changes in set (indexes into D) put back. */
static struct edge_set *
cf_eval(struct cx *x, const size_t *set, size_t n, struct err *e)
{
	struct world w;
	struct edge_set *r = NULL;

	memset(&w, 0, sizeof(w));
	w.a = *x->cur;
	w.s = *x->shell;
	w.prev = x->prev;
	for (size_t i = 0; i < n; i++)
		w_apply(&w, &x->D.v[set[i]]);
	if (w.oom) {
		err_set(e, "out of memory finding the causes of account %s's changes", x->cur->id);
		goto out;
	}
	x->evals++;
	if (w.org_changed) {
		struct audit_ctx *c = audit_ctx_new(&w.s, x->cfg, e);

		if (c == NULL)
			goto out;
		r = audit_account(c, &w.a, e);
		audit_ctx_free(c);
	} else {
		r = audit_account(x->ctx, &w.a, e);
	}
out:
	w_free(&w);
	if (r == NULL)
		err_prefix(e, "causes of account %s's changes", x->cur->id);
	return r;
}

static bool
has_priv(const struct edge_set *s, const char *role)
{
	for (size_t i = 0; i < s->nprivileged; i++)
		if (strutil_cmp(s->privileged[i].role_arn, role) == 0)
			return true;
	return false;
}

/* Does the counterfactual give the entry's previous answer? An account
 * the counterfactual could not audit answers nothing. */
static bool
flips(const struct diff_entry *en, const struct edge_set *cf)
{
	const struct edge *ed;

	if (cf->naccounts != 1 || !cf->accounts[0].audited)
		return false;
	switch (en->kind) {
	case DIFF_GAINED:
		return edge_set_find(cf, en->new_edge->principal_arn,
		    en->new_edge->role_arn) == NULL;
	case DIFF_LOST:
		return edge_set_find(cf, en->old_edge->principal_arn,
		    en->old_edge->role_arn) != NULL;
	case DIFF_CHANGED:
		ed = edge_set_find(cf, en->old_edge->principal_arn, en->old_edge->role_arn);
		return ed != NULL && diff_edge_same(en->old_edge, ed);
	case DIFF_PRIV_ADDED:
		return !has_priv(cf, en->new_priv->role_arn);
	case DIFF_PRIV_REMOVED:
		return has_priv(cf, en->old_priv->role_arn);
	}
	return false;
}

static int
add_cause(struct diff_entry *en, const struct diff_cause *c, bool verified, bool jointly)
{
	struct diff_cause *g = realloc(en->causes, (en->ncauses + 1) * sizeof(*g));

	if (g == NULL)
		return -1;
	en->causes = g;
	g = &en->causes[en->ncauses++];
	memset(g, 0, sizeof(*g));
	if (diff_cause_copy(g, c) != 0)
		return -1;
	g->verified = verified;
	g->jointly = jointly;
	return 0;
}

static const char *
entry_role(const struct diff_entry *en)
{
	return en->new_edge != NULL ? en->new_edge->role_arn : en->old_edge != NULL ?
	    en->old_edge->role_arn : en->new_priv != NULL ? en->new_priv->role_arn :
	    en->old_priv != NULL ? en->old_priv->role_arn : NULL;
}

static const char *
entry_principal(const struct diff_entry *en)
{
	return en->new_edge != NULL ? en->new_edge->principal_arn : en->old_edge != NULL ?
	    en->old_edge->principal_arn : NULL;
}

/* The smallest set found that gives en's previous answer back: from all
 * changes, drop each one whose absence keeps the answer. 1 found (in
 * *set, *n), 0 none (all together do not give it, or out of budget). */
static int
joint_set(struct cx *x, const struct diff_entry *en, size_t *set, size_t *n, struct err *e)
{
	struct edge_set *cf;
	bool ok;

	*n = x->D.n;
	for (size_t i = 0; i < *n; i++)
		set[i] = i;
	if (x->evals >= CAUSE_EVAL_BUDGET + x->D.n)
		return 0;
	if ((cf = cf_eval(x, set, *n, e)) == NULL)
		return -1;
	ok = flips(en, cf);
	edge_set_free(cf);
	if (!ok)
		return 0;
	for (size_t i = 0; i < *n && *n > 1;) {
		size_t t[CAUSE_MAX_DELTAS], k = 0;

		if (x->evals >= CAUSE_EVAL_BUDGET + x->D.n)
			return 0;
		for (size_t j = 0; j < *n; j++)
			if (j != i)
				t[k++] = set[j];
		if ((cf = cf_eval(x, t, k, e)) == NULL)
			return -1;
		ok = flips(en, cf);
		edge_set_free(cf);
		if (ok) {
			memcpy(set, t, k * sizeof(*t));
			*n = k;
		} else {
			i++;
		}
	}
	return 1;
}

/* The derived cause: the role's classification changed in this diff. */
static int
privileged_cause(struct edge_diff *d, struct diff_entry *en, const char *account)
{
	const char *role = entry_role(en);

	if (en->kind != DIFF_GAINED && en->kind != DIFF_LOST)
		return 0;
	for (size_t i = 0; i < d->n; i++) {
		const struct diff_entry *p = &d->entries[i];
		struct diff_cause c;
		const char *slash;
		bool added = p->kind == DIFF_PRIV_ADDED;
		int rc;

		if ((p->kind != DIFF_PRIV_ADDED && p->kind != DIFF_PRIV_REMOVED) ||
		    strutil_cmp(entry_role(p), role) != 0 || added != (en->kind == DIFF_GAINED))
			continue;
		memset(&c, 0, sizeof(c));
		slash = role != NULL ? strrchr(role, '/') : NULL;
		c.kind = (char *)"role-privileged";
		c.account = (char *)account;
		c.name = (char *)(slash != NULL ? slash + 1 : role);
		c.arn = (char *)role;
		c.before = (char *)(added ? "not privileged" : "privileged");
		c.after = (char *)(added ? "privileged" : "not privileged");
		/* Edges are computed to privileged roles only: a role put back
		 * as not privileged has none. The converse is not so sure. */
		rc = add_cause(en, &c, added, false);
		return rc;
	}
	return 0;
}

static bool
names(const struct delta *dl, const struct diff_entry *en)
{
	const char *p = entry_principal(en), *r = entry_role(en);

	return (dl->owner != NULL && (strutil_cmp(dl->owner, p) == 0 ||
	    strutil_cmp(dl->owner, r) == 0)) ||
	    (dl->c.arn != NULL && (strutil_cmp(dl->c.arn, p) == 0 ||
	    strutil_cmp(dl->c.arn, r) == 0));
}

void
cause_clear_all(struct edge_diff *d)
{
	for (size_t i = 0; i < d->n; i++) {
		struct diff_entry *en = &d->entries[i];

		for (size_t k = 0; k < en->ncauses; k++)
			diff_cause_clear(&en->causes[k]);
		free(en->causes);
		en->causes = NULL;
		en->ncauses = 0;
	}
}

void
cause_note_all(struct edge_diff *d, const char *note)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->entries[i].ncauses == 0)
			d->entries[i].causes_note = note;
}

int
cause_explain(struct audit_ctx *ctx, const struct config_audit *cfg,
    const struct snapshot *prev_shell, const struct snap_account *prev,
    const struct snapshot *shell, const struct snap_account *cur, struct edge_diff *d,
    struct err *e)
{
	struct cx x;
	bool *found = NULL;
	int rc = -1;

	if (d->n == 0)
		return 0;
	memset(&x, 0, sizeof(x));
	x.ctx = ctx;
	x.cfg = cfg;
	x.shell = shell;
	x.cur = cur;
	x.prev = prev;
	account_deltas(&x.D, prev, cur);
	org_deltas(&x.D, prev_shell, prev, shell, cur);
	if (x.D.oom || (found = calloc(d->n, sizeof(*found))) == NULL)
		goto oom;
	if (x.D.n == 0) {
		for (size_t j = 0; j < d->n; j++)
			if (privileged_cause(d, &d->entries[j], cur->id) != 0)
				goto oom;
		cause_note_all(d, CAUSE_NOTE_NO_INPUT);
		rc = 0;
		goto out;
	}
	if (x.D.n > CAUSE_MAX_DELTAS) {
		for (size_t j = 0; j < d->n; j++) {
			struct diff_entry *en = &d->entries[j];

			for (size_t i = 0; i < x.D.n; i++)
				if (names(&x.D.v[i], en) && add_cause(en, &x.D.v[i].c, false, false) != 0)
					goto oom;
			if (privileged_cause(d, en, cur->id) != 0)
				goto oom;
		}
		cause_note_all(d, CAUSE_NOTE_TOO_MANY);
		rc = 0;
		goto out;
	}
	/* Each change alone: one audit each, answering for every entry. */
	for (size_t i = 0; i < x.D.n; i++) {
		struct edge_set *cf = cf_eval(&x, &i, 1, e);

		if (cf == NULL)
			goto out;
		for (size_t j = 0; j < d->n; j++)
			if (flips(&d->entries[j], cf)) {
				found[j] = true;
				if (add_cause(&d->entries[j], &x.D.v[i].c, true, false) != 0) {
					edge_set_free(cf);
					goto oom;
				}
			}
		edge_set_free(cf);
	}
	for (size_t j = 0; j < d->n; j++) {
		struct diff_entry *en = &d->entries[j];
		size_t set[CAUSE_MAX_DELTAS], n = 0;
		int r = 0;

		if (!found[j] && x.D.n > 1 && (r = joint_set(&x, en, set, &n, e)) < 0)
			goto out;
		if (!found[j] && r == 1) {
			for (size_t k = 0; k < n; k++)
				if (add_cause(en, &x.D.v[set[k]].c, true, true) != 0)
					goto oom;
		} else if (!found[j]) {
			for (size_t i = 0; i < x.D.n; i++)
				if (add_cause(en, &x.D.v[i].c, false, false) != 0)
					goto oom;
		}
		if (privileged_cause(d, en, cur->id) != 0)
			goto oom;
	}
	rc = 0;
	goto out;
oom:
	err_set(e, "out of memory finding the causes of account %s's changes", cur->id);
out:
	free(found);
	deltas_free(&x.D);
	return rc;
}
