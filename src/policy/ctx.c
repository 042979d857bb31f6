#include "config.h"

#include "policy/ctx.h"

#include "policy/condop.h"
#include "policy/policy.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

_Static_assert(CTX_MAX_KEYS <= 255, "ctx slots hold key index + 1 in a byte");
_Static_assert(((2 * CTX_MAX_KEYS) & (2 * CTX_MAX_KEYS - 1)) == 0,
    "ctx slots are probed with a mask");

/* Split arn:partition:service:region:account:resource; false if not an ARN. */
static bool
ctx_arn_parts(const char *arn, const char *parts[6], size_t lens[6])
{
	const char *p = arn;

	for (int i = 0; i < 5; i++) {
		const char *colon = strchr(p, ':');

		if (colon == NULL)
			return false;
		parts[i] = p;
		lens[i] = (size_t)(colon - p);
		p = colon + 1;
	}
	parts[5] = p;
	lens[5] = strlen(p);
	return lens[0] == 3 && memcmp(parts[0], "arn", 3) == 0;
}

static void
ctx_classify(struct ctx *c)
{
	const char *parts[6];
	size_t lens[6];
	const char *res;

	c->kind = CTX_PRINCIPAL_OTHER;
	c->account[0] = '\0';
	c->role_arn[0] = '\0';
	c->username[0] = '\0';
	if (!ctx_arn_parts(c->principal, parts, lens)) {
		if (strchr(c->principal, '.') != NULL && strchr(c->principal, ':') == NULL)
			c->kind = CTX_PRINCIPAL_SERVICE;
		return;
	}
	if (lens[4] == 12)
		snprintf(c->account, sizeof(c->account), "%.*s", 12, parts[4]);
	res = parts[5];
	if (lens[2] == 3 && memcmp(parts[2], "iam", 3) == 0) {
		const char *slash = strrchr(res, '/');

		if (strcmp(res, "root") == 0)
			c->kind = CTX_PRINCIPAL_ROOT;
		else if (strncmp(res, "user/", 5) == 0)
			c->kind = CTX_PRINCIPAL_USER;
		else if (strncmp(res, "role/", 5) == 0)
			c->kind = CTX_PRINCIPAL_ROLE;
		else if (strncmp(res, "group/", 6) == 0)
			c->kind = CTX_PRINCIPAL_GROUP;
		if (c->kind == CTX_PRINCIPAL_USER && slash != NULL)
			snprintf(c->username, sizeof(c->username), "%s", slash + 1);
	} else if (lens[2] == 3 && memcmp(parts[2], "sts", 3) == 0) {
		if (strncmp(res, "assumed-role/", 13) == 0) {
			const char *role = res + 13;
			const char *slash = strchr(role, '/');

			c->kind = CTX_PRINCIPAL_SESSION;
			if (slash != NULL)
				snprintf(c->role_arn, sizeof(c->role_arn), "arn:%.*s:iam::%s:role/%.*s",
				    (int)lens[1], parts[1], c->account, (int)(slash - role), role);
		} else if (strncmp(res, "federated-user/", 15) == 0) {
			c->kind = CTX_PRINCIPAL_FEDERATED;
		}
	}
}

int
ctx_init(struct ctx *c, const char *principal, const char *action, const char *resource,
    struct err *e)
{
	if (ctx_init_principal(c, principal, e) < 0 || ctx_set_resource(c, resource, e) < 0)
		return -1;
	return ctx_set_action(c, action, e);
}

int
ctx_init_principal(struct ctx *c, const char *principal, struct err *e)
{
	c->nkeys = 0;
	memset(c->slots, 0, sizeof(c->slots));
	/* No action yet: ctx_set_action must compute its fields. */
	c->action = NULL;
	if (principal == NULL || principal[0] == '\0' || strlen(principal) >= CTX_MAX_ARN) {
		err_set(e, "request.principal: must be a non-empty ARN shorter than %d bytes",
		    CTX_MAX_ARN);
		return -1;
	}
	c->principal = principal;
	c->caller = NULL;
	ctx_classify(c);
	return 0;
}

int
ctx_resource_load(struct ctx_resource *r, const char *resource, struct err *e)
{
	if (resource == NULL || strlen(resource) >= CTX_MAX_ARN) {
		err_set(e, "request.resource: must be an ARN shorter than %d bytes", CTX_MAX_ARN);
		return -1;
	}
	r->resource = resource;
	r->split = policy_arn_split(resource, r->part, r->plen);
	for (int i = 0; r->split && i < 6; i++)
		strhead_load(&r->phead[i], r->part[i], r->plen[i]);
	r->len = strlen(resource);
	strhead_load(&r->head, resource, r->len);
	return 0;
}

void
ctx_use_resource(struct ctx *c, const struct ctx_resource *r)
{
	c->resource = r->resource;
	c->res_open = false;
	c->res_split = r->split;
	if (r->split) {
		memcpy(c->res_part, r->part, sizeof(c->res_part));
		memcpy(c->res_len, r->plen, sizeof(c->res_len));
		memcpy(c->res_head, r->phead, sizeof(c->res_head));
	}
	c->resource_len = r->len;
	c->resource_head = r->head;
}

void
ctx_resource_open(struct ctx *c)
{
	c->res_open = true;
}

int
ctx_set_resource(struct ctx *c, const char *resource, struct err *e)
{
	struct ctx_resource r;

	if (ctx_resource_load(&r, resource, e) < 0)
		return -1;
	ctx_use_resource(c, &r);
	return 0;
}

int
ctx_set_action(struct ctx *c, const char *action, struct err *e)
{
	size_t alen = action != NULL ? strlen(action) : 0;
	const char *colon = action != NULL ? strchr(action, ':') : NULL;

	if (alen == 0 || alen >= CTX_MAX_ACTION || colon == NULL || colon == action) {
		err_set(e, "request.action: must be service:Action (shorter than %d bytes)",
		    CTX_MAX_ACTION);
		return -1;
	}
	/* The same action as the last request (ignoring case): its fields
	 * stand; only the caller's spelling is kept. */
	if (c->action != NULL && c->action_len == alen) {
		size_t i = 0;

		while (i < alen && c->action_lc[i] == (char)tolower((unsigned char)action[i]))
			i++;
		if (i == alen) {
			c->action = action;
			return 0;
		}
	}
	c->action = action;
	for (size_t i = 0; i <= alen; i++)
		c->action_lc[i] = (char)tolower((unsigned char)action[i]);
	c->action_len = alen;
	strhead_load(&c->action_head, c->action_lc, alen);
	c->svc_len = (size_t)(colon - action);
	c->is_passrole = strcmp(c->action_lc, "iam:passrole") == 0;
	c->is_assume_role = strncmp(c->action_lc, "sts:assumerole", 14) == 0;
	c->bucket = policy_action_bucket(c->action_lc, c->svc_len,
	    (unsigned char)c->action_lc[c->svc_len + 1]);
	return 0;
}

void
ctx_truncate(struct ctx *c, size_t n)
{
	const size_t mask = sizeof(c->slots) - 1;

	/* Newest first: each key then sits at the end of its probe run, as no
	 * key inserted after it is left, so emptying its slot breaks no other
	 * key's run and the table is the one it was when n keys were set. */
	while (c->nkeys > n) {
		size_t i = c->keys[c->nkeys - 1].hash & mask;

		while (c->slots[i] != c->nkeys)
			i = (i + 1) & mask;
		c->slots[i] = 0;
		c->nkeys--;
	}
}

uint32_t
ctx_key_hash(const char *key, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint32_t)tolower((unsigned char)key[i])) * 16777619u;
	return h;
}

const struct ctx_key *
ctx_get_hashed(const struct ctx *c, const char *key, size_t len, uint32_t hash)
{
	const size_t mask = sizeof(c->slots) - 1;

	/* A policy and a request usually spell a key alike: memcmp settles
	 * that case without the slower case-folding compare. */
	for (size_t i = hash & mask; c->slots[i] != 0; i = (i + 1) & mask) {
		const struct ctx_key *k = &c->keys[c->slots[i] - 1];

		if (k->hash == hash && k->len == len &&
		    (memcmp(k->name, key, len) == 0 || strncasecmp(k->name, key, len) == 0))
			return k;
	}
	return NULL;
}

const struct ctx_key *
ctx_get(const struct ctx *c, const char *key, size_t len)
{
	return ctx_get_hashed(c, key, len, ctx_key_hash(key, len));
}

const struct ctx_key *
ctx_get_str(const struct ctx *c, const char *key)
{
	return ctx_get(c, key, strlen(key));
}

static int
ctx_add(struct ctx *c, const char *key, enum ctx_key_state state, const char *const *vals,
    size_t nvals, struct err *e)
{
	size_t len = key != NULL ? strlen(key) : 0;
	uint32_t hash;

	if (len == 0) {
		err_set(e, "empty condition key name");
		return -1;
	}
	/* Hashed once for the duplicate check and the table. */
	hash = ctx_key_hash(key, len);
	if (ctx_get_hashed(c, key, len, hash) != NULL) {
		err_set(e, "condition key \"%s\" given twice (keys are case-insensitive)", key);
		return -1;
	}
	if (c->nkeys == CTX_MAX_KEYS) {
		err_set(e, "too many condition keys (at most %d)", CTX_MAX_KEYS);
		return -1;
	}
	c->keys[c->nkeys].name = key;
	c->keys[c->nkeys].len = len;
	c->keys[c->nkeys].hash = hash;
	c->keys[c->nkeys].state = state;
	c->keys[c->nkeys].vals = vals;
	c->keys[c->nkeys].nvals = nvals;
	c->keys[c->nkeys].len0 = 0;
	c->keys[c->nkeys].hash0 = 0;
	if (nvals == 1 && vals != NULL && vals[0] != NULL) {
		c->keys[c->nkeys].len0 = strlen(vals[0]);
		c->keys[c->nkeys].hash0 = condop_value_hash(vals[0], c->keys[c->nkeys].len0);
	}
	c->nkeys++;
	{
		const size_t mask = sizeof(c->slots) - 1;
		size_t i = c->keys[c->nkeys - 1].hash & mask;

		while (c->slots[i] != 0)
			i = (i + 1) & mask;
		c->slots[i] = (uint8_t)c->nkeys;
	}
	return 0;
}

int
ctx_set(struct ctx *c, const char *key, const char *const *vals, size_t nvals, struct err *e)
{
	return ctx_add(c, key, CTX_KNOWN, vals, nvals, e);
}

int
ctx_set_unknown(struct ctx *c, const char *key, struct err *e)
{
	return ctx_add(c, key, CTX_UNKNOWN, NULL, 0, e);
}

static int
ctx_derive(struct ctx *c, const char *key, const char **slot, const char *val, struct err *e)
{
	if (val == NULL || val[0] == '\0' || ctx_get_str(c, key) != NULL)
		return 0;
	*slot = val;
	return ctx_add(c, key, CTX_KNOWN, slot, 1, e);
}

int
ctx_finish(struct ctx *c, struct err *e)
{
	static const char *const types[] = {
		[CTX_PRINCIPAL_USER] = "User", [CTX_PRINCIPAL_ROLE] = "AssumedRole",
		[CTX_PRINCIPAL_SESSION] = "AssumedRole", [CTX_PRINCIPAL_ROOT] = "Account",
		[CTX_PRINCIPAL_GROUP] = NULL, [CTX_PRINCIPAL_FEDERATED] = "FederatedUser",
		[CTX_PRINCIPAL_SERVICE] = NULL, [CTX_PRINCIPAL_OTHER] = NULL,
	};
	const char *parn = c->kind == CTX_PRINCIPAL_SESSION && c->role_arn[0] != '\0' ?
	    c->role_arn : c->principal;

	if (c->kind == CTX_PRINCIPAL_GROUP || c->kind == CTX_PRINCIPAL_SERVICE ||
	    c->kind == CTX_PRINCIPAL_OTHER)
		return 0;
	if (ctx_derive(c, "aws:PrincipalArn", &c->derived_vals[0], parn, e) < 0 ||
	    ctx_derive(c, "aws:PrincipalAccount", &c->derived_vals[1], c->account, e) < 0 ||
	    ctx_derive(c, "aws:PrincipalType", &c->derived_vals[2], types[c->kind], e) < 0 ||
	    ctx_derive(c, "aws:username", &c->derived_vals[3], c->username, e) < 0)
		return -1;
	return 0;
}
