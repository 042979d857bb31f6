/* Severity by risk (risk.h). */
#include "config.h"

#include "alert/risk.h"

#include <stdlib.h>
#include <string.h>

static const char *const risk_names[RISK_COUNT] = {
	"info", "low", "medium", "high", "critical",
};

const char *
risk_name(enum alert_risk r)
{
	return (unsigned)r < RISK_COUNT ? risk_names[r] : NULL;
}

int
risk_parse(const char *s, enum alert_risk *out)
{
	for (unsigned i = 0; s != NULL && i < RISK_COUNT; i++)
		if (strcmp(s, risk_names[i]) == 0) {
			*out = (enum alert_risk)i;
			return 0;
		}
	return -1;
}

enum log_level
risk_log_level(enum alert_risk r)
{
	switch (r) {
	case RISK_CRITICAL:
	case RISK_HIGH: return LOG_LVL_ERROR;
	case RISK_MEDIUM: return LOG_LVL_WARN;
	case RISK_LOW: return LOG_LVL_NOTICE;
	default: return LOG_LVL_INFO;
	}
}

enum risk_role_class
risk_classify(const struct edge_privileged *p)
{
	/* The two auto reasons that are administrator access by themselves;
	 * "(conditionally)" after them means a condition limits it. */
	static const char *const admin[] = { "auto: allows * on *", "auto: allows iam:* on *" };

	for (size_t i = 0; p != NULL && i < p->nreasons; i++)
		for (size_t k = 0; k < sizeof(admin) / sizeof(admin[0]); k++)
			if (p->reasons[i] != NULL && strcmp(p->reasons[i], admin[k]) == 0)
				return RISK_ROLE_ADMIN;
	return RISK_ROLE_PRIVILEGED;
}

enum alert_risk
risk_of_edge(const struct edge *ed, enum risk_role_class cls)
{
	if (ed->no_service)
		return RISK_LOW;
	if (cls == RISK_ROLE_ADMIN)
		return ed->conditional ? RISK_HIGH : RISK_CRITICAL;
	return ed->conditional ? RISK_MEDIUM : RISK_HIGH;
}

static int
cmp_role(const void *a, const void *b)
{
	return strcmp(((const struct risk_role *)a)->arn, ((const struct risk_role *)b)->arn);
}

enum risk_role_class
risk_view_role(struct risk_view *v, const char *role_arn)
{
	struct risk_role key, *hit;

	if (v == NULL || role_arn == NULL || v->nroles == 0)
		return RISK_ROLE_PRIVILEGED;
	if (!v->sorted) {
		qsort(v->roles, v->nroles, sizeof(*v->roles), cmp_role);
		v->sorted = true;
	}
	key.arn = (char *)role_arn;
	hit = bsearch(&key, v->roles, v->nroles, sizeof(*v->roles), cmp_role);
	return hit != NULL ? hit->cls : RISK_ROLE_PRIVILEGED;
}

/* Keep ed among the RISK_TOP_MAX most severe (ties: the first seen, so the
 * list follows the audit's account and edge order). */
static int
top_offer(struct risk_view *v, const struct edge *ed, enum alert_risk r)
{
	size_t at = v->ntop;

	while (at > 0 && v->top_risk[at - 1] < r)
		at--;
	if (at >= RISK_TOP_MAX)
		return 0;
	if (v->ntop == RISK_TOP_MAX) {
		edge_clear(&v->top[RISK_TOP_MAX - 1]);
		v->ntop--;
	}
	memmove(&v->top[at + 1], &v->top[at], (v->ntop - at) * sizeof(v->top[0]));
	memmove(&v->top_risk[at + 1], &v->top_risk[at], (v->ntop - at) * sizeof(v->top_risk[0]));
	memset(&v->top[at], 0, sizeof(v->top[at]));
	v->top_risk[at] = r;
	v->ntop++;
	return edge_copy(&v->top[at], ed);
}

int
risk_view_account(struct risk_view *v, const struct edge_set *cur, struct err *e)
{
	size_t i;

	for (i = 0; i < cur->nprivileged; i++) {
		const struct edge_privileged *p = &cur->privileged[i];

		if (p->role_arn == NULL)
			continue;
		if (v->nroles == v->caproles) {
			size_t nc = v->caproles ? v->caproles * 2 : 64;
			struct risk_role *nr = realloc(v->roles, nc * sizeof(*nr));

			if (nr == NULL)
				goto nomem;
			v->roles = nr;
			v->caproles = nc;
		}
		if ((v->roles[v->nroles].arn = strdup(p->role_arn)) == NULL)
			goto nomem;
		v->roles[v->nroles].cls = risk_classify(p);
		v->nroles++;
		v->sorted = false;
	}
	for (i = 0; i < cur->naccounts; i++)
		if (!cur->accounts[i].audited)
			v->incomplete = true;
	if (v->acc != NULL && v->acc->n > 0 && v->matched == NULL &&
	    (v->matched = calloc(v->acc->n, sizeof(*v->matched))) == NULL)
		goto nomem;
	for (i = 0; i < cur->nedges; i++) {
		const struct edge *ed = &cur->edges[i];
		enum alert_risk r = risk_of_edge(ed, risk_view_role(v, ed->role_arn));
		size_t k;

		if (accepted_match(v->acc, ed->principal_arn, ed->role_arn, ed->services,
		    ed->nservices, v->now, &k) != NULL) {
			v->matched[k]++;
			v->accepted++;
			continue;
		}
		v->counts[r]++;
		v->nedges++;
		if (top_offer(v, ed, r) != 0)
			goto nomem;
	}
	return 0;
nomem:
	err_set(e, "risk view: out of memory");
	return -1;
}

void
risk_view_free(struct risk_view *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->nroles; i++)
		free(v->roles[i].arn);
	free(v->roles);
	for (i = 0; i < v->ntop; i++)
		edge_clear(&v->top[i]);
	free(v->matched);
	memset(v, 0, sizeof(*v));
}
