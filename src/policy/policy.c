#include "config.h"

#include "policy/policy.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/ctx.h"
#include "policy/match.h"
#include "util/jsonutil.h"

/* Compile-time state: where we are in the document, for messages. */
struct policy_cc {
	struct policy *p;
	/* The candidate-index buckets of each statement (POLICY_BUCKETS bits
	 * per statement), needed only to build the index. */
	uint64_t *buckets;
	uint64_t *cur_buckets;	/* those of the statement being compiled */
	enum policy_kind kind;
	struct err *e;
	char path[160];		/* "Statement[2]" or "Statement" */
};

static int
policy_fail(struct policy_cc *cc, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
policy_fail(struct policy_cc *cc, const char *field, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (field != NULL && field[0] == '\0' && cc->path[0] != '\0')
		err_set(cc->e, "policy \"%s\": %s: %s", cc->p->name, cc->path, msg);
	else if (field != NULL && cc->path[0] != '\0')
		err_set(cc->e, "policy \"%s\": %s.%s: %s", cc->p->name, cc->path, field, msg);
	else if (field != NULL)
		err_set(cc->e, "policy \"%s\": %s: %s", cc->p->name, field, msg);
	else
		err_set(cc->e, "policy \"%s\": %s", cc->p->name, msg);
	return -1;
}

static int
policy_nomem(struct policy_cc *cc)
{
	return policy_fail(cc, NULL, "out of memory (policy too large)");
}

/* AWS rejects an object with the same key twice; cJSON would keep both. */
static int
policy_check_dupkeys(struct policy_cc *cc, const cJSON *obj, const char *field)
{
	for (const cJSON *a = obj->child; a != NULL; a = a->next)
		for (const cJSON *b = a->next; b != NULL; b = b->next)
			if (strcmp(a->string, b->string) == 0)
				return policy_fail(cc, field, "duplicate key \"%s\"", a->string);
	return 0;
}

/* Strings the evaluator reads are copied into the policy's arena: they sit
 * next to the compiled statements, and the parsed tree can go. */
static const char *
policy_dup(struct policy_cc *cc, const char *s)
{
	return arena_strdup(&cc->p->arena, s);
}

/*
 * A value that must be a string or an array of strings (Action, Resource,
 * principal lists). Returns the strings in *out (arena) and the count.
 */
static int
policy_strings(struct policy_cc *cc, const cJSON *v, const char *field,
    const char ***out, size_t *n)
{
	const char **arr;
	size_t cnt = 0, i = 0;

	if (cJSON_IsString(v)) {
		arr = arena_alloc(&cc->p->arena, sizeof(*arr));
		if (arr == NULL)
			return policy_nomem(cc);
		arr[0] = policy_dup(cc, v->valuestring);
		if (arr[0] == NULL)
			return policy_nomem(cc);
		*out = arr;
		*n = 1;
		return 0;
	}
	if (!cJSON_IsArray(v))
		return policy_fail(cc, field, "must be a string or an array of strings, got %s",
		    jsonutil_type(v));
	for (const cJSON *it = v->child; it != NULL; it = it->next)
		cnt++;
	if (cnt == 0)
		return policy_fail(cc, field, "must not be an empty array");
	if (cnt > POLICY_MAX_VALUES)
		return policy_fail(cc, field, "too many values (%zu, at most %u)", cnt,
		    POLICY_MAX_VALUES);
	arr = arena_alloc(&cc->p->arena, cnt * sizeof(*arr));
	if (arr == NULL)
		return policy_nomem(cc);
	for (const cJSON *it = v->child; it != NULL; it = it->next, i++) {
		if (!cJSON_IsString(it)) {
			char f[96];

			snprintf(f, sizeof(f), "%s[%zu]", field, i);
			return policy_fail(cc, f, "must be a string, got %s", jsonutil_type(it));
		}
		arr[i] = policy_dup(cc, it->valuestring);
		if (arr[i] == NULL)
			return policy_nomem(cc);
	}
	*out = arr;
	*n = cnt;
	return 0;
}

static bool
policy_has_var(const struct policy *p, const char *s)
{
	return p->vars && strstr(s, "${") != NULL;
}

/* AWS substitutes variables in a Resource only in the resource part of the
 * ARN, after the fifth colon. Before it (service, region, account) "${...}"
 * stays plain text, which no real ARN matches. */
static bool
policy_resource_has_var(const struct policy *p, const char *s)
{
	const char *var = p->vars ? strstr(s, "${") : NULL;
	int colons = 0;

	if (var == NULL)
		return false;
	for (const char *c = s; c < var; c++)
		if (*c == ':')
			colons++;
	return colons >= 5;
}

unsigned
policy_action_bucket(const char *svc, size_t len, unsigned char first)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)svc[i];

		if (ch >= 'A' && ch <= 'Z')
			ch = (unsigned char)(ch - 'A' + 'a');
		h = (h ^ ch) * 16777619u;
	}
	h = (h ^ ':') * 16777619u;
	h = (h ^ first) * 16777619u;
	/* FNV's low bits alone mix poorly: fold the high half in. */
	return (h ^ (h >> 16)) % POLICY_BUCKETS;
}

#define POLICY_BUCKET_WORDS (POLICY_BUCKETS / 64)

static void
policy_stmt_all_buckets(struct policy_cc *cc)
{
	for (size_t w = 0; w < POLICY_BUCKET_WORDS; w++)
		cc->cur_buckets[w] = ~(uint64_t)0;
}

/* The buckets an action pattern can match: one when its service and the
 * first letter of its name are literal, else all. */
static void
policy_action_buckets(struct policy_cc *cc, const struct policy_action *a)
{
	unsigned char first;
	unsigned b;

	if (a->kind == POLICY_ACT_ANY || a->svc_len == 0) {
		policy_stmt_all_buckets(cc);
		return;
	}
	first = (unsigned char)a->pat[a->svc_len + 1];
	/* A glob reads MATCH_ESC as "the next byte is literal"; the exact and
	 * prefix compares read it as itself. */
	if (first == '*' || first == '?' || (first == (unsigned char)MATCH_ESC &&
	    a->kind == POLICY_ACT_GLOB)) {
		policy_stmt_all_buckets(cc);
		return;
	}
	b = policy_action_bucket(a->pat, a->svc_len, first);
	cc->cur_buckets[b / 64] |= (uint64_t)1 << (b % 64);
}

static int
policy_compile_actions(struct policy_cc *cc, struct policy_stmt *st, const cJSON *v,
    const char *field)
{
	const char **strs;
	size_t n;
	struct policy_action *acts;

	if (policy_strings(cc, v, field, &strs, &n) < 0)
		return -1;
	acts = arena_zalloc(&cc->p->arena, n * sizeof(*acts));
	if (acts == NULL)
		return policy_nomem(cc);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(strs[i]);
		char *low = arena_strndup(&cc->p->arena, strs[i], len);
		const char *colon;

		if (low == NULL)
			return policy_nomem(cc);
		for (size_t k = 0; k < len; k++)
			low[k] = (char)tolower((unsigned char)low[k]);
		acts[i].pat = low;
		acts[i].len = len;
		acts[i].any = strcmp(low, "*") == 0;
		acts[i].wild = strpbrk(low, "*?") != NULL;
		acts[i].prefix = len > 0 && strcspn(low, "*?") == len - 1 && low[len - 1] == '*';
		colon = strchr(low, ':');
		/* AWS rejects an action without a service prefix (other than "*"). */
		if (!acts[i].any && (colon == NULL || colon == low)) {
			char f[96];

			snprintf(f, sizeof(f), n == 1 && cJSON_IsString(v) ? "%s" : "%s[%zu]",
			    field, i);
			return policy_fail(cc, f, "\"%s\" is not an action (expected service:Action)",
			    strs[i]);
		}
		if (colon != NULL && (size_t)(colon - low) < UINT16_MAX &&
		    strcspn(low, "*?") > (size_t)(colon - low))
			acts[i].svc_len = (uint16_t)(colon - low);
		if (acts[i].any) {
			acts[i].kind = POLICY_ACT_ANY;
			strhead_pat_init(&acts[i].head, low, 0);
		} else if (!acts[i].wild) {
			acts[i].kind = POLICY_ACT_EXACT;
			strhead_pat_init(&acts[i].head, low, len);
		} else if (acts[i].prefix) {
			acts[i].kind = POLICY_ACT_PREFIX;
			strhead_pat_init(&acts[i].head, low, len - 1);
		} else {
			/* "svc:" with its colon: a prefix of the action exactly when
			 * the action's service is svc (its first colon is there). */
			acts[i].kind = POLICY_ACT_GLOB;
			strhead_pat_init(&acts[i].head, low, acts[i].svc_len != 0 ?
			    (size_t)acts[i].svc_len + 1 : 0);
		}
		policy_action_buckets(cc, &acts[i]);
	}
	st->actions = acts;
	st->nactions = n;
	return 0;
}

bool
policy_arn_split(const char *s, const char *part[6], size_t len[6])
{
	const char *start = s, *c;
	size_t n = 0;

	for (c = s; *c != '\0' && n < 5; c++) {
		if (*c == MATCH_ESC && c[1] != '\0') {
			c++;
			continue;
		}
		if (*c == ':') {
			part[n] = start;
			len[n++] = (size_t)(c - start);
			start = c + 1;
		}
	}
	if (n < 5)
		return false;
	part[5] = start;
	len[5] = strlen(start);
	return true;
}

static void
policy_split_resource(struct policy_resource *r)
{
	const char *part[6];
	size_t len[6];

	if (r->any || r->has_var || !policy_arn_split(r->pat, part, len))
		return;
	for (int i = 0; i < 6; i++) {
		struct policy_arn_part *pp = &r->parts[i];

		pp->s = part[i];
		pp->len = len[i];
		const char *star = memchr(part[i], '*', len[i]);
		bool other = memchr(part[i], '?', len[i]) != NULL ||
		    memchr(part[i], MATCH_ESC, len[i]) != NULL;

		if (len[i] == 1 && part[i][0] == '*')
			pp->kind = POLICY_PART_ANY;
		else if (star == NULL && !other)
			pp->kind = POLICY_PART_LIT;
		else if (!other && star == part[i] + len[i] - 1)
			pp->kind = POLICY_PART_PREFIX;
		else
			pp->kind = POLICY_PART_GLOB;
		strhead_pat_init(&pp->head, part[i], pp->kind == POLICY_PART_PREFIX ? len[i] - 1 :
		    len[i]);
	}
	/* Literal parts hold no colon and no MATCH_ESC, so "p0:p1:" is a
	 * prefix of the request exactly when its first parts are p0 and p1. */
	while (r->nlead < 5 && r->parts[r->nlead].kind == POLICY_PART_LIT)
		r->nlead++;
	strhead_pat_init(&r->lead, r->pat, r->nlead > 0 ? (size_t)(part[r->nlead] - r->pat) : 0);
	for (int k = 0; k < 6; k++) {
		static const uint8_t order[6] = { 2, 4, 5, 3, 1, 0 };

		if (order[k] >= r->nlead && r->parts[order[k]].kind != POLICY_PART_ANY)
			r->check[r->ncheck++] = order[k];
	}
	r->split = true;
}

static int
policy_compile_resources(struct policy_cc *cc, struct policy_stmt *st, const cJSON *v,
    const char *field)
{
	const char **strs;
	size_t n;
	struct policy_resource *res;

	if (policy_strings(cc, v, field, &strs, &n) < 0)
		return -1;
	res = arena_zalloc(&cc->p->arena, n * sizeof(*res));
	if (res == NULL)
		return policy_nomem(cc);
	for (size_t i = 0; i < n; i++) {
		res[i].pat = strs[i];
		res[i].any = strcmp(strs[i], "*") == 0;
		res[i].has_var = policy_resource_has_var(cc->p, strs[i]);
		policy_split_resource(&res[i]);
	}
	st->resources = res;
	st->nresources = n;
	st->has_resource = true;
	return 0;
}

static bool
policy_is_account_id(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return i == 12;
}

static int
policy_compile_principals(struct policy_cc *cc, struct policy_stmt *st, const cJSON *v,
    const char *field)
{
	struct policy_principal *pr;
	size_t n = 0, k = 0;
	char f[96];

	if (cJSON_IsString(v)) {
		if (strcmp(v->valuestring, "*") != 0)
			return policy_fail(cc, field,
			    "must be \"*\" or an object such as {\"AWS\": ...}, got \"%s\"",
			    v->valuestring);
		pr = arena_zalloc(&cc->p->arena, sizeof(*pr));
		if (pr == NULL)
			return policy_nomem(cc);
		pr->type = POLICY_PRINCIPAL_ANY;
		pr->value = "*";
		st->principals = pr;
		st->nprincipals = 1;
		st->has_principal = true;
		return 0;
	}
	if (!cJSON_IsObject(v))
		return policy_fail(cc, field, "must be \"*\" or an object, got %s",
		    jsonutil_type(v));
	if (policy_check_dupkeys(cc, v, field) < 0)
		return -1;
	for (const cJSON *t = v->child; t != NULL; t = t->next) {
		if (cJSON_IsArray(t)) {
			for (const cJSON *x = t->child; x != NULL; x = x->next)
				n++;
		} else {
			n++;
		}
	}
	if (n == 0)
		return policy_fail(cc, field, "must name at least one principal");
	if (n > POLICY_MAX_VALUES)
		return policy_fail(cc, field, "too many principals (%zu)", n);
	pr = arena_zalloc(&cc->p->arena, n * sizeof(*pr));
	if (pr == NULL)
		return policy_nomem(cc);
	for (const cJSON *t = v->child; t != NULL; t = t->next) {
		enum policy_principal_type type;
		const char **strs;
		size_t ns;

		snprintf(f, sizeof(f), "%s.%s", field, t->string);
		if (strcmp(t->string, "AWS") == 0)
			type = POLICY_PRINCIPAL_ARN;
		else if (strcmp(t->string, "Service") == 0)
			type = POLICY_PRINCIPAL_SERVICE;
		else if (strcmp(t->string, "Federated") == 0)
			type = POLICY_PRINCIPAL_FEDERATED;
		else if (strcmp(t->string, "CanonicalUser") == 0)
			type = POLICY_PRINCIPAL_CANONICAL;
		else
			return policy_fail(cc, field,
			    "unknown principal type \"%s\" (expected AWS, Service, Federated or CanonicalUser)",
			    t->string);
		if (policy_strings(cc, t, f, &strs, &ns) < 0)
			return -1;
		for (size_t i = 0; i < ns; i++, k++) {
			const char *s = strs[i];

			pr[k].type = type;
			pr[k].value = s;
			if (type != POLICY_PRINCIPAL_ARN)
				continue;
			if (strcmp(s, "*") == 0) {
				pr[k].type = POLICY_PRINCIPAL_ANY;
			} else if (policy_is_account_id(s)) {
				pr[k].type = POLICY_PRINCIPAL_ACCOUNT;
			} else if (strncmp(s, "arn:", 4) == 0) {
				const char *root = strstr(s, ":root");
				size_t len = strlen(s);

				/* arn:aws:iam::123456789012:root stands for the account. */
				if (root != NULL && root + 5 == s + len && len > 5 + 12 &&
				    strncmp(s + len - 5 - 12 - 1, ":", 1) == 0) {
					char *acct = arena_strndup(&cc->p->arena, s + len - 5 - 12, 12);

					if (acct == NULL)
						return policy_nomem(cc);
					if (!policy_is_account_id(acct))
						return policy_fail(cc, f, "\"%s\" is not a valid principal", s);
					pr[k].type = POLICY_PRINCIPAL_ACCOUNT;
					pr[k].value = acct;
				}
			} else {
				return policy_fail(cc, f,
				    "\"%s\" is not a valid principal (expected \"*\", an account id or an ARN)",
				    s);
			}
		}
	}
	st->principals = pr;
	st->nprincipals = k;
	st->has_principal = true;
	return 0;
}

/* Condition values: string, number or boolean, or an array of them. JSON
 * numbers and booleans become their text as AWS compares them as strings
 * (or converts them back per operator in condop). */
static int
policy_cond_value(struct policy_cc *cc, const cJSON *v, const char *field, const char **out)
{
	char num[64];

	if (cJSON_IsString(v)) {
		*out = policy_dup(cc, v->valuestring);
		return *out == NULL ? policy_nomem(cc) : 0;
	}
	if (cJSON_IsBool(v)) {
		*out = cJSON_IsTrue(v) ? "true" : "false";
		return 0;
	}
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;

		if (d == (double)(long long)d && d > -1e15 && d < 1e15)
			snprintf(num, sizeof(num), "%lld", (long long)d);
		else
			snprintf(num, sizeof(num), "%.17g", d);
		*out = arena_strdup(&cc->p->arena, num);
		return *out == NULL ? policy_nomem(cc) : 0;
	}
	return policy_fail(cc, field, "must be a string, number or boolean, got %s",
	    jsonutil_type(v));
}

static int
policy_compile_conditions(struct policy_cc *cc, struct policy_stmt *st, const cJSON *v)
{
	struct policy_cond *conds;
	size_t n = 0, k = 0;
	char f[256];

	if (!cJSON_IsObject(v))
		return policy_fail(cc, "Condition", "must be an object, got %s", jsonutil_type(v));
	if (policy_check_dupkeys(cc, v, "Condition") < 0)
		return -1;
	for (const cJSON *o = v->child; o != NULL; o = o->next) {
		snprintf(f, sizeof(f), "Condition.%s", o->string);
		if (!cJSON_IsObject(o))
			return policy_fail(cc, f, "must be an object of condition keys, got %s",
			    jsonutil_type(o));
		if (policy_check_dupkeys(cc, o, f) < 0)
			return -1;
		for (const cJSON *kk = o->child; kk != NULL; kk = kk->next)
			n++;
	}
	if (n > POLICY_MAX_CONDITIONS)
		return policy_fail(cc, "Condition", "too many condition keys (%zu, at most %u)", n,
		    POLICY_MAX_CONDITIONS);
	conds = arena_zalloc(&cc->p->arena, (n ? n : 1) * sizeof(*conds));
	if (conds == NULL)
		return policy_nomem(cc);
	for (const cJSON *o = v->child; o != NULL; o = o->next) {
		struct condop op;
		struct err ce;

		snprintf(f, sizeof(f), "Condition.%s", o->string);
		if (condop_parse(o->string, &op, &ce) < 0)
			return policy_fail(cc, "Condition", "%s", ce.msg);
		for (const cJSON *kv = o->child; kv != NULL; kv = kv->next, k++) {
			struct policy_cond *c = &conds[k];
			const char **vals;
			size_t nv = 0, i = 0;

			snprintf(f, sizeof(f), "Condition.%s.%s", o->string, kv->string);
			if (kv->string[0] == '\0')
				return policy_fail(cc, f, "empty condition key");
			if (cJSON_IsArray(kv)) {
				for (const cJSON *x = kv->child; x != NULL; x = x->next)
					nv++;
				if (nv > POLICY_MAX_VALUES)
					return policy_fail(cc, f, "too many values (%zu, at most %u)", nv,
					    POLICY_MAX_VALUES);
			} else {
				nv = 1;
			}
			vals = arena_alloc(&cc->p->arena, (nv ? nv : 1) * sizeof(*vals));
			if (vals == NULL)
				return policy_nomem(cc);
			if (cJSON_IsArray(kv)) {
				for (const cJSON *x = kv->child; x != NULL; x = x->next, i++) {
					char fi[300];

					snprintf(fi, sizeof(fi), "%s[%zu]", f, i);
					if (policy_cond_value(cc, x, fi, &vals[i]) < 0)
						return -1;
				}
			} else if (policy_cond_value(cc, kv, f, &vals[0]) < 0) {
				return -1;
			}
			c->op = op;
			c->opname = policy_dup(cc, o->string);
			c->key = policy_dup(cc, kv->string);
			if (c->opname == NULL || c->key == NULL)
				return policy_nomem(cc);
			c->keylen = strlen(kv->string);
			c->keyhash = ctx_key_hash(c->key, c->keylen);
			c->vals = vals;
			c->nvals = nv;
			{
				uint64_t *vh = arena_alloc(&cc->p->arena, (nv ? nv : 1) * sizeof(*vh));

				if (vh == NULL)
					return policy_nomem(cc);
				for (i = 0; i < nv; i++) {
					vh[i] = condop_value_hash(vals[i], strlen(vals[i]));
					c->valset += policy_valset_term(vh[i]);
				}
				c->valhash = vh;
			}
			/* Numeric, Date, Binary, IpAddress and Null take no
			 * variables: a ${...} there is literal (and invalid). */
			for (i = 0; i < nv; i++)
				if (policy_has_var(cc->p, vals[i]) && condop_takes_policy_variables(op.kind))
					c->has_var = true;
			if (!c->has_var) {
				c->compiled = condop_values_new(&op, vals, nv, &ce);
				if (c->compiled == NULL)
					return policy_fail(cc, f, "%s", ce.msg);
				cc->p->owned[cc->p->nowned++] = c->compiled;
			}
		}
	}
	st->conds = conds;
	st->nconds = n;
	return 0;
}

static int
policy_compile_stmt(struct policy_cc *cc, struct policy_stmt *st, const cJSON *s)
{
	const cJSON *act = NULL, *nact = NULL, *res = NULL, *nres = NULL;
	const cJSON *prin = NULL, *nprin = NULL, *eff = NULL, *cond = NULL;

	if (!cJSON_IsObject(s))
		return policy_fail(cc, NULL, "%s: must be an object, got %s", cc->path,
		    jsonutil_type(s));
	if (policy_check_dupkeys(cc, s, "") < 0)
		return -1;
	for (const cJSON *it = s->child; it != NULL; it = it->next) {
		const char *k = it->string;

		if (strcmp(k, "Sid") == 0) {
			if (!cJSON_IsString(it))
				return policy_fail(cc, "Sid", "must be a string, got %s",
				    jsonutil_type(it));
			st->sid = policy_dup(cc, it->valuestring);
			if (st->sid == NULL)
				return policy_nomem(cc);
		} else if (strcmp(k, "Effect") == 0) {
			eff = it;
		} else if (strcmp(k, "Action") == 0) {
			act = it;
		} else if (strcmp(k, "NotAction") == 0) {
			nact = it;
		} else if (strcmp(k, "Resource") == 0) {
			res = it;
		} else if (strcmp(k, "NotResource") == 0) {
			nres = it;
		} else if (strcmp(k, "Principal") == 0) {
			prin = it;
		} else if (strcmp(k, "NotPrincipal") == 0) {
			nprin = it;
		} else if (strcmp(k, "Condition") == 0) {
			cond = it;
		} else {
			return policy_fail(cc, k, "unknown statement element (expected Sid, Effect, "
			    "Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition)");
		}
	}
	if (eff == NULL)
		return policy_fail(cc, "Effect", "missing (must be \"Allow\" or \"Deny\")");
	if (!cJSON_IsString(eff))
		return policy_fail(cc, "Effect", "must be \"Allow\" or \"Deny\", got %s",
		    jsonutil_type(eff));
	if (strcmp(eff->valuestring, "Allow") == 0)
		st->effect = POLICY_ALLOW;
	else if (strcmp(eff->valuestring, "Deny") == 0)
		st->effect = POLICY_DENY;
	else
		return policy_fail(cc, "Effect", "must be \"Allow\" or \"Deny\", got \"%s\"",
		    eff->valuestring);
	if (act != NULL && nact != NULL)
		return policy_fail(cc, "NotAction", "a statement cannot have both Action and NotAction");
	if (act == NULL && nact == NULL)
		return policy_fail(cc, "Action", "missing (a statement needs Action or NotAction)");
	if (res != NULL && nres != NULL)
		return policy_fail(cc, "NotResource",
		    "a statement cannot have both Resource and NotResource");
	if (prin != NULL && nprin != NULL)
		return policy_fail(cc, "NotPrincipal",
		    "a statement cannot have both Principal and NotPrincipal");
	if (cc->kind == POLICY_KIND_IDENTITY && (prin != NULL || nprin != NULL))
		return policy_fail(cc, prin != NULL ? "Principal" : "NotPrincipal",
		    "not allowed in an identity-based policy");
	if (cc->kind == POLICY_KIND_RESOURCE && prin == NULL && nprin == NULL)
		return policy_fail(cc, "Principal", "missing (a resource-based policy statement needs "
		    "Principal or NotPrincipal)");
	if (cc->kind == POLICY_KIND_IDENTITY && res == NULL && nres == NULL)
		return policy_fail(cc, "Resource", "missing (a statement needs Resource or NotResource)");
	if (policy_compile_actions(cc, st, act != NULL ? act : nact,
	    act != NULL ? "Action" : "NotAction") < 0)
		return -1;
	st->not_action = nact != NULL;
	if (st->not_action)
		policy_stmt_all_buckets(cc);
	if ((res != NULL || nres != NULL) && policy_compile_resources(cc, st,
	    res != NULL ? res : nres, res != NULL ? "Resource" : "NotResource") < 0)
		return -1;
	st->not_resource = nres != NULL;
	if ((prin != NULL || nprin != NULL) && policy_compile_principals(cc, st,
	    prin != NULL ? prin : nprin, prin != NULL ? "Principal" : "NotPrincipal") < 0)
		return -1;
	st->not_principal = nprin != NULL;
	if (cond != NULL && policy_compile_conditions(cc, st, cond) < 0)
		return -1;
	if (prin != NULL) {
		bool any = false, parn = false;

		for (size_t i = 0; i < st->nprincipals; i++)
			any |= st->principals[i].type == POLICY_PRINCIPAL_ANY;
		/* Any operator: AWS's sentence speaks of permissions "granted
		 * using the aws:PrincipalArn condition key", whatever the test. */
		for (size_t i = 0; i < st->nconds && any; i++)
			parn |= st->conds[i].keylen == 16 &&
			    strncasecmp(st->conds[i].key, "aws:PrincipalArn", 16) == 0;
		st->wildcard_principal_arn = any && parn;
	}
	/* Principal "*" alone (RCPFullAWSAccess) names every caller. */
	st->always = !st->not_action && st->nconds == 0 && (!st->has_resource || !st->not_resource);
	for (size_t i = 0; i < st->nprincipals && st->always; i++)
		st->always = !st->not_principal && st->principals[i].type == POLICY_PRINCIPAL_ANY;
	for (size_t i = 0; i < st->nactions && st->always; i++)
		if (st->actions[i].kind == POLICY_ACT_ANY)
			break;
		else if (i + 1 == st->nactions)
			st->always = false;
	if (st->always && st->has_resource) {
		bool any = false;

		/* A resource with a variable would be substituted first (and
		 * could exhaust the evaluation arena): keep those on the
		 * ordinary path. */
		for (size_t i = 0; i < st->nresources; i++) {
			any |= st->resources[i].any;
			if (st->resources[i].has_var)
				st->always = false;
		}
		st->always = st->always && any;
	}
	return 0;
}

static size_t
policy_count_conds(const cJSON *stmts)
{
	size_t n = 0;

	for (const cJSON *s = cJSON_IsArray(stmts) ? stmts->child : stmts; s != NULL;
	    s = cJSON_IsArray(stmts) ? s->next : NULL) {
		const cJSON *c = cJSON_IsObject(s) ? cJSON_GetObjectItemCaseSensitive(s, "Condition") : NULL;

		if (cJSON_IsObject(c))
			for (const cJSON *o = c->child; o != NULL; o = o->next)
				if (cJSON_IsObject(o))
					for (const cJSON *k = o->child; k != NULL; k = k->next)
						n++;
	}
	return n;
}

static int
policy_compile(struct policy_cc *cc, const cJSON *doc)
{
	struct policy *p = cc->p;
	const cJSON *stmts = NULL;
	struct policy_stmt *st;
	size_t n = 0, i = 0;

	if (!cJSON_IsObject(doc))
		return policy_fail(cc, NULL, "document must be a JSON object, got %s",
		    jsonutil_type(doc));
	if (policy_check_dupkeys(cc, doc, "(top level)") < 0)
		return -1;
	for (const cJSON *it = doc->child; it != NULL; it = it->next) {
		if (strcmp(it->string, "Version") == 0) {
			if (!cJSON_IsString(it) || (strcmp(it->valuestring, "2012-10-17") != 0 &&
			    strcmp(it->valuestring, "2008-10-17") != 0))
				return policy_fail(cc, "Version",
				    "must be \"2012-10-17\" or \"2008-10-17\"");
			p->version = policy_dup(cc, it->valuestring);
			if (p->version == NULL)
				return policy_nomem(cc);
			p->vars = strcmp(it->valuestring, "2012-10-17") == 0;
		} else if (strcmp(it->string, "Id") == 0) {
			if (!cJSON_IsString(it))
				return policy_fail(cc, "Id", "must be a string, got %s",
				    jsonutil_type(it));
		} else if (strcmp(it->string, "Statement") == 0) {
			stmts = it;
		} else {
			return policy_fail(cc, it->string,
			    "unknown top-level element (expected Version, Id, Statement)");
		}
	}
	if (stmts == NULL)
		return policy_fail(cc, "Statement", "missing");
	if (cJSON_IsArray(stmts)) {
		for (const cJSON *s = stmts->child; s != NULL; s = s->next)
			n++;
		if (n == 0)
			return policy_fail(cc, "Statement", "must not be empty");
	} else if (cJSON_IsObject(stmts)) {
		n = 1;
	} else {
		return policy_fail(cc, "Statement", "must be an object or an array, got %s",
		    jsonutil_type(stmts));
	}
	if (n > POLICY_MAX_STATEMENTS)
		return policy_fail(cc, "Statement", "too many statements (%zu, at most %u)", n,
		    POLICY_MAX_STATEMENTS);
	p->owned = calloc(policy_count_conds(stmts) + 1, sizeof(*p->owned));
	cc->buckets = calloc(n * POLICY_BUCKET_WORDS, sizeof(*cc->buckets));
	st = arena_zalloc(&p->arena, n * sizeof(*st));
	if (st == NULL || p->owned == NULL || cc->buckets == NULL)
		return policy_nomem(cc);
	for (const cJSON *s = cJSON_IsArray(stmts) ? stmts->child : stmts; s != NULL;
	    s = cJSON_IsArray(stmts) ? s->next : NULL, i++) {
		if (cJSON_IsArray(stmts))
			snprintf(cc->path, sizeof(cc->path), "Statement[%zu]", i);
		else
			snprintf(cc->path, sizeof(cc->path), "Statement");
		st[i].index = i;
		cc->cur_buckets = &cc->buckets[i * POLICY_BUCKET_WORDS];
		if (policy_compile_stmt(cc, &st[i], s) < 0)
			return -1;
		/* IAM refuses a policy in which two statements share a Sid
		 * ("In IAM, the Sid value must be unique within a JSON
		 * policy"); other services' resource policies set their own
		 * rules, so only IAM-validated kinds are held to it. */
		for (size_t j = 0; j < i && st[i].sid != NULL && cc->kind == POLICY_KIND_IDENTITY; j++)
			if (st[j].sid != NULL && strcmp(st[j].sid, st[i].sid) == 0)
				return policy_fail(cc, "Sid",
				    "duplicate Sid \"%s\" (also Statement[%zu]); Sids must be unique",
				    st[i].sid, j);
	}
	cc->path[0] = '\0';
	{
		size_t total = 0, k = 0;
		uint16_t *idx;

		for (unsigned b = 0; b < POLICY_BUCKETS; b++) {
			p->bucket_start[b] = (uint32_t)total;
			for (i = 0; i < n; i++)
				total += (cc->buckets[i * POLICY_BUCKET_WORDS + b / 64] >> (b % 64)) & 1;
		}
		p->bucket_start[POLICY_BUCKETS] = (uint32_t)total;
		idx = arena_alloc(&p->arena, (total ? total : 1) * sizeof(*idx));
		if (idx == NULL)
			return policy_nomem(cc);
		for (unsigned b = 0; b < POLICY_BUCKETS; b++)
			for (i = 0; i < n; i++)
				if ((cc->buckets[i * POLICY_BUCKET_WORDS + b / 64] >> (b % 64)) & 1)
					idx[k++] = (uint16_t)i;
		p->bucket_stmts = idx;
	}
	p->stmts = st;
	p->nstmts = n;
	return 0;
}

/* Takes ownership of tree (the compiled form points into its strings). */
static struct policy *
policy_build(cJSON *tree, const char *name, enum policy_kind kind, struct err *e)
{
	struct policy *p = calloc(1, sizeof(*p));
	struct policy_cc cc = { .kind = kind, .e = e };

	if (p == NULL) {
		cJSON_Delete(tree);
		err_set(e, "policy \"%s\": out of memory", name != NULL ? name : "(unnamed)");
		return NULL;
	}
	arena_init(&p->arena, 4096, 64u * POLICY_MAX_TEXT);
	p->tree = tree;
	cc.p = p;
	p->name = arena_strdup(&p->arena, name != NULL ? name : "(unnamed)");
	if (p->name == NULL) {
		p->name = "(unnamed)";
		policy_nomem(&cc);
		goto fail;
	}
	if (policy_compile(&cc, tree) < 0)
		goto fail;
	free(cc.buckets);
	/* Nothing compiled points into the tree. */
	cJSON_Delete(tree);
	p->tree = NULL;
	return p;
fail:
	free(cc.buckets);
	policy_free(p);
	return NULL;
}

struct policy *
policy_parse(const cJSON *doc, const char *name, enum policy_kind kind, struct err *e)
{
	char *text = cJSON_PrintUnformatted(doc);
	struct policy *p;

	if (text == NULL) {
		err_set(e, "policy \"%s\": out of memory", name != NULL ? name : "(unnamed)");
		return NULL;
	}
	p = policy_parse_text(text, strlen(text), name, kind, e);
	free(text);
	return p;
}

struct policy *
policy_parse_text(const char *text, size_t len, const char *name, enum policy_kind kind,
    struct err *e)
{
	const char *at = NULL;
	cJSON *tree;

	if (name == NULL)
		name = "(unnamed)";
	if (len > POLICY_MAX_TEXT) {
		err_set(e, "policy \"%s\": document too large (%zu bytes, at most %u)", name, len,
		    POLICY_MAX_TEXT);
		return NULL;
	}
	tree = cJSON_ParseWithLengthOpts(text, len, &at, false);
	if (tree == NULL) {

		err_set(e, "policy \"%s\": not valid JSON (at byte %zu)", name,
		    at != NULL && at >= text && at <= text + len ? (size_t)(at - text) : len);
		return NULL;
	}
	return policy_build(tree, name, kind, e);
}

void
policy_free(struct policy *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nowned; i++)
		condop_values_free(p->owned[i]);
	free(p->owned);
	cJSON_Delete(p->tree);
	arena_free(&p->arena);
	free(p);
}

void
policy_stmt_label(const struct policy_stmt *s, char *out, size_t outlen)
{
	if (s->sid != NULL && s->sid[0] != '\0')
		snprintf(out, outlen, "%s", s->sid);
	else
		snprintf(out, outlen, "#%zu", s->index);
}
