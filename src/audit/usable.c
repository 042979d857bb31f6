/*
 * Usable edges: the service actions of sinks.def evaluated per principal.
 * See usable.h.
 */
#include "config.h"

#include "audit/usable.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit/sinks.h"
#include "policy/explain.h"
#include "policy/formula.h"

/* Is set s for service principal svc? Asked for every set of the table
 * on every pair the paths evaluate: the first characters settle most. */
static inline bool
usable_for(const struct sink *s, const char *svc)
{
	return s->trust[0] == svc[0] && s->trust[1] == svc[1] && strcmp(s->trust, svc) == 0;
}

/* An ARN of sinks.def with the account put in. */
#define USABLE_ARN_MAX 512

int
usable_cache_init(struct usable_cache *u, struct err *e)
{
	memset(u, 0, sizeof(*u));
	u->principal = SIZE_MAX;
	u->nsets = sink_count();
	u->set = malloc(u->nsets ? u->nsets : 1);
	u->refused = calloc(u->nsets ? u->nsets : 1, 1);
	if (u->set == NULL || u->refused == NULL) {
		usable_cache_free(u);
		err_set(e, "out of memory");
		return -1;
	}
	return 0;
}

void
usable_cache_free(struct usable_cache *u)
{
	free(u->set);
	free(u->refused);
	memset(u, 0, sizeof(*u));
}

static int
usable_resource(const struct aud_account *a, const char *action, char *out, size_t cap,
    struct err *e)
{
	const char *t = sink_resource(action), *at;
	size_t o = 0;

	if (t == NULL) {
		err_set(e, "sinks.def: no AUD_ACTION line for %s", action);
		return -1;
	}
	/* "{account}" once at most, in every template of the data file. */
	at = strstr(t, "{account}");
	if (at == NULL) {
		if (strlen(t) >= cap)
			goto toolong;
		memcpy(out, t, strlen(t) + 1);
		return 0;
	}
	o = (size_t)(at - t);
	if (o + strlen(a->sa->id) + strlen(at + 9) >= cap)
		goto toolong;
	memcpy(out, t, o);
	memcpy(out + o, a->sa->id, strlen(a->sa->id));
	o += strlen(a->sa->id);
	memcpy(out + o, at + 9, strlen(at + 9) + 1);
	return 0;
toolong:
	err_set(e, "sinks.def: the resource of %s is too long for account %s", action, a->sa->id);
	return -1;
}

/* One action of principal p on a resource it chooses: the request in rq
 * (its context c), decided into res. */
static int
usable_action(const struct aud_account *a, const struct aud_principal *p, const char *action,
    struct eval_state *st, struct ctx *c, size_t base, char *arn, struct eval_request *rq,
    struct eval_result *res, struct err *e)
{
	if (usable_resource(a, action, arn, USABLE_ARN_MAX, e) < 0 ||
	    aud_ctx_target(a, c, base, action, arn, NULL, NULL, e) < 0)
		return -1;
	ctx_resource_open(c);
	aud_rq_fill(a, p, c, NULL, NULL, rq);
	return eval_decide(st, rq, res, e);
}

static enum edge_usable
usable_of(enum eval_decision d)
{
	return d == EVAL_ALLOWED ? EDGE_USABLE_YES : d == EVAL_CONDITIONAL ?
	    EDGE_USABLE_CONDITIONAL : EDGE_USABLE_NO;
}

/* The set's answer for the cached principal, evaluated the first time. */
static int
usable_set(const struct aud_account *a, const struct aud_principal *p, size_t k,
    struct usable_cache *uc, struct eval_state *st, struct ctx *c, size_t base,
    struct err *e)
{
	char acts[SINK_MAX_ACTIONS][128], arn[USABLE_ARN_MAX];
	const struct sink *s = sink_get(k);
	size_t n;
	enum edge_usable u = EDGE_USABLE_YES;
	unsigned char refused = 0;

	if (uc->set[k] >= 0)
		return 0;
	if ((n = sink_actions(s, acts, sizeof(acts[0]))) == 0) {
		err_set(e, "sinks.def: the action set \"%s\" of %s is empty or too long",
		    s->actions, s->trust);
		return -1;
	}
	/* Every action is asked, even after a refusal: the report names all
	 * the refused ones. */
	for (size_t i = 0; i < n; i++) {
		struct eval_request rq;
		struct eval_result res;
		enum edge_usable ua;

		if (usable_action(a, p, acts[i], st, c, base, arn, &rq, &res, e) < 0)
			return -1;
		ua = usable_of(res.decision);
		if (ua == EDGE_USABLE_NO)
			refused |= (unsigned char)(1u << i);
		if (ua < u)
			u = ua;
	}
	uc->set[k] = (signed char)u;
	uc->refused[k] = refused;
	return 0;
}

/* The actions of set k whose bit is in mask (all with mask 0xff), joined
 * by spaces; NULL with *oom on failure. */
static char *
usable_join(size_t k, unsigned mask, bool *oom)
{
	char acts[SINK_MAX_ACTIONS][128], *out;
	size_t n = sink_actions(sink_get(k), acts, sizeof(acts[0])), len = 0, o = 0;

	for (size_t i = 0; i < n; i++)
		if (mask & (1u << i))
			len += strlen(acts[i]) + 1;
	if (len == 0)
		return NULL;
	if ((out = malloc(len)) == NULL) {
		*oom = true;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (!(mask & (1u << i)))
			continue;
		if (o > 0)
			out[o++] = ' ';
		memcpy(out + o, acts[i], strlen(acts[i]));
		o += strlen(acts[i]);
	}
	out[o] = '\0';
	return out;
}

static unsigned
usable_popcount(unsigned x)
{
	unsigned n = 0;

	for (; x != 0; x &= x - 1)
		n++;
	return n;
}

int
usable_service(const struct aud_account *a, size_t pi, const struct aud_principal *r,
    const char *svc, struct usable_cache *uc, struct eval_state *st, struct ctx *c,
    size_t base, enum edge_usable *out, struct edge_use *use, struct err *e)
{
	const struct aud_principal *p = &a->principals[pi];
	bool profile = r != NULL && r->role != NULL && r->role->ninstance_profiles > 0;
	size_t best = SIZE_MAX;
	enum edge_usable bu = EDGE_USABLE_NO;
	bool oom = false;

	if (uc->principal != pi) {
		memset(uc->set, -1, uc->nsets);
		uc->principal = pi;
	}
	for (size_t k = 0; k < uc->nsets; k++) {
		const struct sink *s = sink_get(k);
		enum edge_usable u;

		if (s->existing || !usable_for(s, svc))
			continue;
		/* A set that needs the role in an instance profile is no way
		 * for a role in none: the other sets create one. */
		if (s->needs == SINK_NEEDS_PROFILE && !profile)
			continue;
		if (usable_set(a, p, k, uc, st, c, base, e) < 0)
			return -1;
		u = (enum edge_usable)uc->set[k];
		/* The most usable set; among refused ones, the one that misses
		 * the fewest actions (the first of equals, in data order). */
		if (best == SIZE_MAX || u > bu || (u == EDGE_USABLE_NO && bu == EDGE_USABLE_NO &&
		    usable_popcount(uc->refused[k]) < usable_popcount(uc->refused[best]))) {
			best = k;
			bu = u;
		}
	}
	*out = bu;
	if (use == NULL)
		return 0;
	use->usable = bu;
	use->service = aud_strdup(svc, &oom);
	if (best != SIZE_MAX) {
		use->actions = usable_join(best, 0xffu, &oom);
		if (bu == EDGE_USABLE_NO)
			use->refused = usable_join(best, uc->refused[best], &oom);
	}
	if (oom) {
		err_set(e, "out of memory");
		return -1;
	}
	return 0;
}

int
usable_existing(const struct aud_account *a, size_t pi, const struct aud_principal *r,
    const char *svc, struct usable_cache *uc, struct eval_state *st, struct ctx *c,
    size_t base, enum edge_usable *out, const char **actions, struct err *e)
{
	const struct aud_principal *p = &a->principals[pi];
	bool profile = r != NULL && r->role != NULL && r->role->ninstance_profiles > 0;

	*out = EDGE_USABLE_NO;
	*actions = NULL;
	if (uc->principal != pi) {
		memset(uc->set, -1, uc->nsets);
		uc->principal = pi;
	}
	for (size_t k = 0; k < uc->nsets; k++) {
		const struct sink *s = sink_get(k);

		if (!s->existing || !usable_for(s, svc) ||
		    (s->needs == SINK_NEEDS_PROFILE && !profile))
			continue;
		if (usable_set(a, p, k, uc, st, c, base, e) < 0)
			return -1;
		if ((enum edge_usable)uc->set[k] > *out) {
			*out = (enum edge_usable)uc->set[k];
			*actions = s->actions;
		}
	}
	return 0;
}

int
usable_edge(const struct aud_account *a, size_t pi, const struct aud_principal *r,
    struct edge *ed, struct usable_cache *uc, struct eval_state *st, struct ctx *c,
    size_t base, struct err *e)
{
	ed->usable = EDGE_USABLE_NO;
	if (ed->nservices == 0)
		return 0;
	if ((ed->uses = calloc(ed->nservices, sizeof(*ed->uses))) == NULL) {
		err_set(e, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < ed->nservices; i++) {
		enum edge_usable u;

		ed->nuses = i + 1;
		if (usable_service(a, pi, r, ed->services[i], uc, st, c, base, &u, &ed->uses[i],
		    e) < 0)
			return -1;
		if (u > ed->usable)
			ed->usable = u;
	}
	return 0;
}

int
usable_explain(const struct aud_account *a, size_t pi, const struct aud_principal *r,
    const char *const *services, size_t nservices, struct eval_state *st, struct ctx *c,
    size_t base, struct buf *out, struct err *e)
{
	const struct aud_principal *p = &a->principals[pi];
	bool profile = r != NULL && r->role != NULL && r->role->ninstance_profiles > 0;
	struct usable_cache uc;
	int rc = -1, w = 0;

	if (usable_cache_init(&uc, e) < 0)
		return -1;
	for (size_t i = 0; i < nservices; i++) {
		enum edge_usable u;
		bool any = false;

		if (usable_service(a, pi, r, services[i], &uc, st, c, base, &u, NULL, e) < 0)
			goto out;
		w |= buf_printf(out, "usable for %s: %s", services[i], edge_usable_name(u));
		for (size_t k = 0; k < uc.nsets; k++)
			any |= !sink_get(k)->existing && strcmp(sink_get(k)->trust, services[i]) == 0;
		w |= buf_puts(out, any ? "\n" : " (no known action makes this service act with "
		    "a passed role)\n");
		for (size_t k = 0; k < uc.nsets; k++) {
			const struct sink *s = sink_get(k);
			char acts[SINK_MAX_ACTIONS][128], arn[USABLE_ARN_MAX];
			size_t n;

			if (s->existing || strcmp(s->trust, services[i]) != 0)
				continue;
			n = sink_actions(s, acts, sizeof(acts[0]));
			w |= buf_puts(out, "  with");
			for (size_t j = 0; j < n; j++)
				w |= buf_printf(out, "%s %s", j > 0 ? " +" : "", acts[j]);
			if (s->needs == SINK_NEEDS_PROFILE && !profile) {
				w |= buf_puts(out, ": no (needs the role in an instance profile; "
				    "it is in none)\n");
				continue;
			}
			w |= buf_printf(out, ": %s\n", edge_usable_name((enum edge_usable)uc.set[k]));
			for (size_t j = 0; j < n; j++) {
				struct eval_request rq;
				struct eval_result res;

				if (usable_action(a, p, acts[j], st, c, base, arn, &rq, &res, e) < 0)
					goto out;
				w |= buf_printf(out, "    %s: %s", acts[j],
				    eval_decision_name(res.decision));
				if (res.decision == EVAL_DENIED) {
					w |= buf_puts(out, ": ");
					w |= explain_message(&res, c, out);
				} else if (res.decision == EVAL_CONDITIONAL) {
					w |= buf_puts(out, " when ");
					w |= formula_render(res.constraints, out);
				}
				w |= buf_putc(out, '\n');
			}
		}
	}
	if (w != 0) {
		err_set(e, "usability explanation too long");
		goto out;
	}
	rc = 0;
out:
	usable_cache_free(&uc);
	return rc;
}
