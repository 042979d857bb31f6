#include "config.h"

#include "policy/evalcmd.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/explain.h"
#include "util/buf.h"
#include "util/jsonutil.h"

/* Only the listed keys may appear in obj. */
static int
evalcmd_keys(const cJSON *obj, const char *path, const char *const *allowed, struct err *e)
{
	for (const cJSON *it = obj->child; it != NULL; it = it->next) {
		bool ok = false;

		for (size_t i = 0; allowed[i] != NULL && !ok; i++)
			ok = strcmp(it->string, allowed[i]) == 0;
		if (!ok) {
			err_set(e, "%s%s%s: unknown key", path, path[0] ? "." : "", it->string);
			return -1;
		}
		for (const cJSON *b = it->next; b != NULL; b = b->next)
			if (strcmp(b->string, it->string) == 0) {
				err_set(e, "%s%s%s: given twice", path, path[0] ? "." : "", it->string);
				return -1;
			}
	}
	return 0;
}

struct evalcmd_cache_entry {
	uint64_t hash;
	enum policy_kind kind;
	char *key;		/* name NUL document text */
	size_t keylen;
	struct policy *p;
};

void
evalcmd_cache_init(struct evalcmd_cache *c)
{
	c->slots = NULL;
	c->cap = 0;
	c->n = 0;
}

void
evalcmd_cache_free(struct evalcmd_cache *c)
{
	for (size_t i = 0; i < c->cap; i++) {
		free(c->slots[i].key);
		policy_free(c->slots[i].p);
	}
	free(c->slots);
	evalcmd_cache_init(c);
}

static uint64_t
evalcmd_hash(const char *s, size_t n, enum policy_kind kind)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)kind;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static struct evalcmd_cache_entry *
evalcmd_cache_slot(struct evalcmd_cache *c, uint64_t h, enum policy_kind kind, const char *key,
    size_t keylen)
{
	for (size_t i = h & (c->cap - 1);; i = (i + 1) & (c->cap - 1)) {
		struct evalcmd_cache_entry *s = &c->slots[i];

		if (s->key == NULL || (s->hash == h && s->kind == kind && s->keylen == keylen &&
		    memcmp(s->key, key, keylen) == 0))
			return s;
	}
}

/* Grow to keep the table at most half full; false when out of memory. */
static bool
evalcmd_cache_grow(struct evalcmd_cache *c)
{
	struct evalcmd_cache old = *c;
	size_t cap = c->cap ? c->cap * 2 : 64;

	c->slots = calloc(cap, sizeof(*c->slots));
	if (c->slots == NULL) {
		*c = old;
		return false;
	}
	c->cap = cap;
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].key != NULL)
			*evalcmd_cache_slot(c, old.slots[i].hash, old.slots[i].kind, old.slots[i].key,
			    old.slots[i].keylen) = old.slots[i];
	free(old.slots);
	return true;
}

/* Compile text as policy name, through the cache when there is one. */
static struct policy *
evalcmd_compile(struct evalcmd_case *ec, const char *name, const char *text, size_t len,
    enum policy_kind kind, bool *cached, struct err *e)
{
	struct evalcmd_cache *c = ec->cache;
	struct evalcmd_cache_entry *s;
	size_t nlen = strlen(name), keylen = nlen + 1 + len;
	char *key;
	uint64_t h;
	struct policy *p;

	*cached = false;
	if (c == NULL || c->n >= EVALCMD_CACHE_MAX || (c->n + 1) * 2 > c->cap) {
		if (c == NULL || c->n >= EVALCMD_CACHE_MAX || !evalcmd_cache_grow(c))
			return policy_parse_text(text, len, name, kind, e);
	}
	key = malloc(keylen);
	if (key == NULL)
		return policy_parse_text(text, len, name, kind, e);
	memcpy(key, name, nlen + 1);
	memcpy(key + nlen + 1, text, len);
	h = evalcmd_hash(key, keylen, kind);
	s = evalcmd_cache_slot(c, h, kind, key, keylen);
	if (s->key != NULL) {
		free(key);
		*cached = true;
		return s->p;
	}
	p = policy_parse_text(text, len, name, kind, e);
	if (p == NULL) {
		free(key);
		return NULL;
	}
	s->hash = h;
	s->kind = kind;
	s->key = key;
	s->keylen = keylen;
	s->p = p;
	c->n++;
	*cached = true;
	return p;
}

static int
evalcmd_own(struct evalcmd_case *ec, struct policy *p)
{
	if (ec->nowned == ec->capowned) {
		size_t cap = ec->capowned ? ec->capowned * 2 : 16;
		struct policy **n = realloc(ec->owned, cap * sizeof(*n));

		if (n == NULL)
			return -1;
		ec->owned = n;
		ec->capowned = cap;
	}
	ec->owned[ec->nowned++] = p;
	return 0;
}

static int
evalcmd_policy(struct evalcmd_case *ec, const cJSON *v, const char *path, enum policy_kind kind,
    struct eval_policy *out, struct err *e)
{
	static const char *const keys[] = { "name", "source", "document", NULL };
	const cJSON *name, *src, *doc;
	struct policy *p;
	bool cached = false;

	if (!cJSON_IsObject(v)) {
		err_set(e, "%s: must be an object {\"name\", \"source\", \"document\"}, got %s", path,
		    jsonutil_type(v));
		return -1;
	}
	if (evalcmd_keys(v, path, keys, e) < 0)
		return -1;
	name = cJSON_GetObjectItemCaseSensitive(v, "name");
	src = cJSON_GetObjectItemCaseSensitive(v, "source");
	doc = cJSON_GetObjectItemCaseSensitive(v, "document");
	if (!cJSON_IsString(name) || name->valuestring[0] == '\0') {
		err_set(e, "%s.name: must be a non-empty string", path);
		return -1;
	}
	if (src != NULL && !cJSON_IsString(src) && !cJSON_IsNull(src)) {
		err_set(e, "%s.source: must be a string", path);
		return -1;
	}
	if (cJSON_IsString(doc)) {
		p = evalcmd_compile(ec, name->valuestring, doc->valuestring,
		    strlen(doc->valuestring), kind, &cached, e);
	} else if (cJSON_IsObject(doc)) {
		char *text = cJSON_PrintUnformatted(doc);

		if (text == NULL) {
			err_set(e, "%s.document: out of memory", path);
			return -1;
		}
		p = evalcmd_compile(ec, name->valuestring, text, strlen(text), kind, &cached, e);
		free(text);
	} else {
		err_set(e, "%s.document: must be an object or a string holding JSON, got %s", path,
		    doc == NULL ? "nothing" : jsonutil_type(doc));
		return -1;
	}
	if (p == NULL) {
		err_prefix(e, "%s.document", path);
		return -1;
	}
	if (!cached && evalcmd_own(ec, p) < 0) {
		policy_free(p);
		err_set(e, "%s: out of memory", path);
		return -1;
	}
	out->policy = p;
	out->name = p->name;
	out->source = cJSON_IsString(src) ? arena_strdup(&ec->arena, src->valuestring) : NULL;
	if (cJSON_IsString(src) && out->source == NULL) {
		err_set(e, "%s: out of memory", path);
		return -1;
	}
	return 0;
}

static int
evalcmd_policy_list(struct evalcmd_case *ec, const cJSON *v, const char *path,
    enum policy_kind kind, const struct eval_policy **out, size_t *n, struct err *e)
{
	struct eval_policy *arr;
	size_t cnt = 0, i = 0;
	char p[128];

	*out = NULL;
	*n = 0;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsArray(v)) {
		err_set(e, "%s: must be an array of policies, got %s", path, jsonutil_type(v));
		return -1;
	}
	cnt = (size_t)cJSON_GetArraySize(v);
	if (cnt > EVALCMD_MAX_POLICIES) {
		err_set(e, "%s: too many policies (%zu, at most %u)", path, cnt, EVALCMD_MAX_POLICIES);
		return -1;
	}
	arr = arena_zalloc(&ec->arena, (cnt ? cnt : 1) * sizeof(*arr));
	if (arr == NULL) {
		err_set(e, "%s: out of memory", path);
		return -1;
	}
	for (const cJSON *it = v->child; it != NULL; it = it->next, i++) {
		snprintf(p, sizeof(p), "%s[%zu]", path, i);
		if (evalcmd_policy(ec, it, p, kind, &arr[i], e) < 0)
			return -1;
	}
	*out = arr;
	*n = cnt;
	return 0;
}

static int
evalcmd_levels(struct evalcmd_case *ec, const cJSON *v, const char *path, enum policy_kind kind,
    const struct eval_level **out, size_t *n, struct err *e)
{
	struct eval_level *lv;
	size_t cnt, i = 0;
	char p[128];

	*out = NULL;
	*n = 0;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsArray(v)) {
		err_set(e, "%s: must be an array of levels (arrays of policies), root first, got %s",
		    path, jsonutil_type(v));
		return -1;
	}
	cnt = (size_t)cJSON_GetArraySize(v);
	if (cnt > EVALCMD_MAX_LEVELS) {
		err_set(e, "%s: too many levels (%zu, at most %u)", path, cnt, EVALCMD_MAX_LEVELS);
		return -1;
	}
	lv = arena_zalloc(&ec->arena, (cnt ? cnt : 1) * sizeof(*lv));
	if (lv == NULL) {
		err_set(e, "%s: out of memory", path);
		return -1;
	}
	for (const cJSON *it = v->child; it != NULL; it = it->next, i++) {
		snprintf(p, sizeof(p), "%s[%zu]", path, i);
		if (!cJSON_IsArray(it)) {
			err_set(e, "%s: must be an array of policies (one level), got %s", p,
			    jsonutil_type(it));
			return -1;
		}
		if (evalcmd_policy_list(ec, it, p, kind, &lv[i].policies, &lv[i].n, e) < 0)
			return -1;
	}
	*out = lv;
	*n = cnt;
	return 0;
}

/* A context value as a string (numbers and booleans by their JSON text). */
static const char *
evalcmd_ctx_string(struct evalcmd_case *ec, const cJSON *v)
{
	char num[64];

	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v) ? "true" : "false";
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;

		if (d == (double)(long long)d && d > -1e15 && d < 1e15)
			snprintf(num, sizeof(num), "%lld", (long long)d);
		else
			snprintf(num, sizeof(num), "%.17g", d);
		return arena_strdup(&ec->arena, num);
	}
	return NULL;
}

static int
evalcmd_request(struct evalcmd_case *ec, const cJSON *r, struct err *e)
{
	static const char *const keys[] = {
		"principal", "action", "resource", "context", "unknown", NULL,
	};
	const cJSON *pr, *ac, *rs, *cx, *un;

	if (!cJSON_IsObject(r)) {
		err_set(e, "request: must be an object, got %s", r == NULL ? "nothing" : jsonutil_type(r));
		return -1;
	}
	if (evalcmd_keys(r, "request", keys, e) < 0)
		return -1;
	pr = cJSON_GetObjectItemCaseSensitive(r, "principal");
	ac = cJSON_GetObjectItemCaseSensitive(r, "action");
	rs = cJSON_GetObjectItemCaseSensitive(r, "resource");
	cx = cJSON_GetObjectItemCaseSensitive(r, "context");
	un = cJSON_GetObjectItemCaseSensitive(r, "unknown");
	if (!cJSON_IsString(pr)) {
		err_set(e, "request.principal: required, must be a string");
		return -1;
	}
	if (!cJSON_IsString(ac)) {
		err_set(e, "request.action: required, must be a string");
		return -1;
	}
	if (!cJSON_IsString(rs)) {
		err_set(e, "request.resource: required, must be a string");
		return -1;
	}
	if (ctx_init(&ec->ctx, pr->valuestring, ac->valuestring, rs->valuestring, e) < 0)
		return -1;
	if (cx != NULL && !cJSON_IsNull(cx)) {
		if (!cJSON_IsObject(cx)) {
			err_set(e, "request.context: must be an object, got %s", jsonutil_type(cx));
			return -1;
		}
		for (const cJSON *k = cx->child; k != NULL; k = k->next) {
			const char **vals;
			size_t n = cJSON_IsArray(k) ? (size_t)cJSON_GetArraySize(k) : 1, i = 0;

			if (n > POLICY_MAX_VALUES) {
				err_set(e, "request.context.%s: too many values", k->string);
				return -1;
			}
			vals = arena_alloc(&ec->arena, (n ? n : 1) * sizeof(*vals));
			if (vals == NULL) {
				err_set(e, "request.context.%s: out of memory", k->string);
				return -1;
			}
			if (cJSON_IsArray(k)) {
				for (const cJSON *x = k->child; x != NULL; x = x->next, i++)
					if ((vals[i] = evalcmd_ctx_string(ec, x)) == NULL) {
						err_set(e, "request.context.%s[%zu]: must be a string, number "
						    "or boolean, got %s", k->string, i, jsonutil_type(x));
						return -1;
					}
			} else if ((vals[0] = evalcmd_ctx_string(ec, k)) == NULL) {
				err_set(e, "request.context.%s: must be a string, number, boolean or an "
				    "array of them, got %s", k->string, jsonutil_type(k));
				return -1;
			}
			if (ctx_set(&ec->ctx, k->string, vals, n, e) < 0) {
				err_prefix(e, "request.context.%s", k->string);
				return -1;
			}
		}
	}
	if (un != NULL && !cJSON_IsNull(un)) {
		size_t i = 0;

		if (!cJSON_IsArray(un)) {
			err_set(e, "request.unknown: must be an array of key names, got %s",
			    jsonutil_type(un));
			return -1;
		}
		for (const cJSON *x = un->child; x != NULL; x = x->next, i++) {
			if (!cJSON_IsString(x)) {
				err_set(e, "request.unknown[%zu]: must be a string, got %s", i,
				    jsonutil_type(x));
				return -1;
			}
			if (ctx_set_unknown(&ec->ctx, x->valuestring, e) < 0) {
				err_prefix(e, "request.unknown[%zu]", i);
				return -1;
			}
		}
	}
	if (ctx_finish(&ec->ctx, e) < 0) {
		err_prefix(e, "request");
		return -1;
	}
	return 0;
}

static int
evalcmd_bool(const cJSON *obj, const char *key, const char *path, bool *out, struct err *e)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = false;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsBool(v)) {
		err_set(e, "%s.%s: must be true or false, got %s", path, key, jsonutil_type(v));
		return -1;
	}
	*out = cJSON_IsTrue(v);
	return 0;
}

static int
evalcmd_single(struct evalcmd_case *ec, const cJSON *v, const char *path, enum policy_kind kind,
    const struct eval_policy **out, struct err *e)
{
	struct eval_policy *p;

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	p = arena_zalloc(&ec->arena, sizeof(*p));
	if (p == NULL) {
		err_set(e, "%s: out of memory", path);
		return -1;
	}
	if (evalcmd_policy(ec, v, path, kind, p, e) < 0)
		return -1;
	*out = p;
	return 0;
}

int
evalcmd_load(struct evalcmd_case *ec, const cJSON *req, struct evalcmd_cache *cache,
    struct err *e)
{
	static const char *const top[] = {
		"name", "request", "account", "policies", "expect", "comment", NULL,
	};
	static const char *const acct[] = {
		"is_management_account", "principal_is_service_linked_role", NULL,
	};
	static const char *const pols[] = {
		"identity", "boundary", "scp", "rcp", "session", "endpoint", "resource", NULL,
	};
	const cJSON *name, *a, *p, *s;
	struct eval_request *rq = &ec->rq;

	memset(ec, 0, sizeof(*ec));
	arena_init(&ec->arena, 4096, 0);
	ec->cache = cache;
	if (!cJSON_IsObject(req)) {
		err_set(e, "(top level): a request must be a JSON object, got %s", jsonutil_type(req));
		return -1;
	}
	if (evalcmd_keys(req, "", top, e) < 0)
		return -1;
	name = cJSON_GetObjectItemCaseSensitive(req, "name");
	if (name != NULL && !cJSON_IsNull(name)) {
		if (!cJSON_IsString(name)) {
			err_set(e, "name: must be a string, got %s", jsonutil_type(name));
			return -1;
		}
		if ((ec->name = arena_strdup(&ec->arena, name->valuestring)) == NULL) {
			err_set(e, "name: out of memory");
			return -1;
		}
	}
	/* The context points into the request's strings: keep a copy so the
	 * case outlives the caller's tree. */
	{
		const cJSON *r = cJSON_GetObjectItemCaseSensitive(req, "request");

		if (r != NULL && (ec->request_tree = cJSON_Duplicate(r, true)) == NULL) {
			err_set(e, "request: out of memory");
			return -1;
		}
		if (evalcmd_request(ec, ec->request_tree, e) < 0)
			return -1;
	}
	rq->ctx = &ec->ctx;
	a = cJSON_GetObjectItemCaseSensitive(req, "account");
	if (a != NULL && !cJSON_IsNull(a)) {
		if (!cJSON_IsObject(a)) {
			err_set(e, "account: must be an object, got %s", jsonutil_type(a));
			return -1;
		}
		if (evalcmd_keys(a, "account", acct, e) < 0 ||
		    evalcmd_bool(a, "is_management_account", "account", &rq->is_management_account,
		    e) < 0 ||
		    evalcmd_bool(a, "principal_is_service_linked_role", "account",
		    &rq->principal_is_service_linked_role, e) < 0)
			return -1;
	}
	p = cJSON_GetObjectItemCaseSensitive(req, "policies");
	if (p == NULL || cJSON_IsNull(p))
		return 0;
	if (!cJSON_IsObject(p)) {
		err_set(e, "policies: must be an object, got %s", jsonutil_type(p));
		return -1;
	}
	if (evalcmd_keys(p, "policies", pols, e) < 0)
		return -1;
	if (evalcmd_policy_list(ec, cJSON_GetObjectItemCaseSensitive(p, "identity"),
	    "policies.identity", POLICY_KIND_IDENTITY, &rq->identity, &rq->nidentity, e) < 0 ||
	    evalcmd_single(ec, cJSON_GetObjectItemCaseSensitive(p, "boundary"),
	    "policies.boundary", POLICY_KIND_IDENTITY, &rq->boundary, e) < 0 ||
	    evalcmd_levels(ec, cJSON_GetObjectItemCaseSensitive(p, "scp"), "policies.scp",
	    POLICY_KIND_IDENTITY, &rq->scp, &rq->nscp, e) < 0 ||
	    evalcmd_levels(ec, cJSON_GetObjectItemCaseSensitive(p, "rcp"), "policies.rcp",
	    POLICY_KIND_RESOURCE, &rq->rcp, &rq->nrcp, e) < 0 ||
	    evalcmd_single(ec, cJSON_GetObjectItemCaseSensitive(p, "endpoint"),
	    "policies.endpoint", POLICY_KIND_ENDPOINT, &rq->endpoint, e) < 0 ||
	    evalcmd_policy_list(ec, cJSON_GetObjectItemCaseSensitive(p, "resource"),
	    "policies.resource", POLICY_KIND_RESOURCE, &rq->resource, &rq->nresource, e) < 0)
		return -1;
	s = cJSON_GetObjectItemCaseSensitive(p, "session");
	if (s != NULL && !cJSON_IsNull(s)) {
		rq->has_session = true;
		if (evalcmd_policy_list(ec, s, "policies.session", POLICY_KIND_IDENTITY, &rq->session,
		    &rq->nsession, e) < 0)
			return -1;
	}
	return 0;
}

void
evalcmd_case_free(struct evalcmd_case *ec)
{
	for (size_t i = 0; i < ec->nowned; i++)
		policy_free(ec->owned[i]);
	free(ec->owned);
	cJSON_Delete(ec->request_tree);
	arena_free(&ec->arena);
	memset(ec, 0, sizeof(*ec));
}

static cJSON *
evalcmd_formula_json(const struct formula *f)
{
	struct buf b;
	cJSON *s;

	buf_init(&b, 1u << 20);
	if (formula_render(f, &b) < 0) {
		buf_free(&b);
		return cJSON_CreateString("(constraint too long to render)");
	}
	s = cJSON_CreateString(buf_cstr(&b));
	buf_free(&b);
	return s;
}

cJSON *
evalcmd_result_json(const struct evalcmd_case *ec, const struct eval_result *r)
{
	cJSON *o = cJSON_CreateObject(), *layers, *svcs;
	struct buf msg;
	bool ok = o != NULL;

	buf_init(&msg, 64u * 1024u);
	if (!ok)
		goto out;
	ok &= (ec->name != NULL ? cJSON_AddStringToObject(o, "name", ec->name) :
	    cJSON_AddNullToObject(o, "name")) != NULL;
	ok &= cJSON_AddStringToObject(o, "decision", eval_decision_name(r->decision)) != NULL;
	if (r->decision == EVAL_DENIED) {
		ok &= cJSON_AddStringToObject(o, "deny", r->deny == EVAL_DENY_EXPLICIT ? "explicit" :
		    "implicit") != NULL;
		ok &= cJSON_AddStringToObject(o, "layer", eval_layer_name(r->layer)) != NULL;
		ok &= explain_message(r, &ec->ctx, &msg) == 0;
		ok &= cJSON_AddStringToObject(o, "message", buf_cstr(&msg)) != NULL;
	} else {
		ok &= cJSON_AddNullToObject(o, "deny") != NULL;
		ok &= cJSON_AddNullToObject(o, "layer") != NULL;
		ok &= cJSON_AddNullToObject(o, "message") != NULL;
	}
	if (r->decision == EVAL_CONDITIONAL)
		ok &= cJSON_AddItemToObject(o, "constraints", evalcmd_formula_json(r->constraints));
	else
		ok &= cJSON_AddNullToObject(o, "constraints") != NULL;
	if (r->has_services) {
		svcs = cJSON_AddArrayToObject(o, "services");
		ok &= svcs != NULL;
		for (size_t i = 0; ok && i < r->nservices; i++)
			ok &= cJSON_AddItemToArray(svcs, cJSON_CreateString(r->services[i]));
	} else {
		ok &= cJSON_AddNullToObject(o, "services") != NULL;
	}
	if (r->note != NULL)
		ok &= cJSON_AddStringToObject(o, "note", r->note) != NULL;
	layers = cJSON_AddArrayToObject(o, "layers");
	ok &= layers != NULL;
	for (int l = 0; ok && l < EVAL_LAYER_COUNT; l++) {
		const struct eval_layer_out *lo = &r->layers[l];
		cJSON *lj = cJSON_CreateObject(), *sts;

		ok &= lj != NULL && cJSON_AddItemToArray(layers, lj);
		if (!ok)
			break;
		ok &= cJSON_AddStringToObject(lj, "layer", eval_layer_name((enum eval_layer)l)) != NULL;
		ok &= cJSON_AddStringToObject(lj, "result", eval_outcome_name(lo->outcome)) != NULL;
		sts = cJSON_AddArrayToObject(lj, "statements");
		ok &= sts != NULL;
		for (const struct eval_match *m = lo->matches; ok && m != NULL; m = m->next) {
			cJSON *sj = cJSON_CreateObject();
			char label[256];

			ok &= sj != NULL && cJSON_AddItemToArray(sts, sj);
			if (!ok)
				break;
			explain_stmt_label(m, label, sizeof(label));
			ok &= cJSON_AddStringToObject(sj, "policy", m->policy->name) != NULL;
			ok &= (m->policy->source != NULL ?
			    cJSON_AddStringToObject(sj, "source", m->policy->source) :
			    cJSON_AddNullToObject(sj, "source")) != NULL;
			ok &= cJSON_AddStringToObject(sj, "sid", label) != NULL;
			ok &= cJSON_AddStringToObject(sj, "effect",
			    m->stmt->effect == POLICY_DENY ? "Deny" : "Allow") != NULL;
			if (l == EVAL_LAYER_SCP || l == EVAL_LAYER_RCP)
				ok &= cJSON_AddNumberToObject(sj, "level", (double)m->level) != NULL;
			if (!formula_is_true(m->when))
				ok &= cJSON_AddItemToObject(sj, "when", evalcmd_formula_json(m->when));
		}
	}
out:
	buf_free(&msg);
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}
