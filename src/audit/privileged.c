/*
 * Privileged roles: from the config and from effective permissions (see
 * privileged.h and privesc.def).
 */
#include "config.h"

#include "audit/privileged.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/match.h"

static const struct {
	const char *action, *on, *resource, *why;
} priv_table[] = {
#define AUD_PRIVESC(action, on, resource, why) { action, on, resource, why },
#include "audit/privesc.def"
#undef AUD_PRIVESC
};

#define PRIV_N (sizeof(priv_table) / sizeof(priv_table[0]))

size_t
priv_entry_count(void)
{
	return PRIV_N;
}

const char *
priv_entry_action(size_t i)
{
	return i < PRIV_N ? priv_table[i].action : NULL;
}

const char *
priv_entry_on(size_t i)
{
	return i < PRIV_N ? priv_table[i].on : NULL;
}

const char *
priv_entry_why(size_t i)
{
	return i < PRIV_N ? priv_table[i].why : NULL;
}

bool
priv_pattern_match(const char *pat, const struct snap_role *r)
{
	char pn[2048];

	if (strncmp(pat, "arn:", 4) == 0)
		return r->arn != NULL && match_glob(pat, r->arn, false);
	if (pat[0] == '/') {
		const char *path = r->path != NULL ? r->path : "/";
		size_t n = strlen(pat);

		if (pat[n - 1] == '/')
			return strcmp(pat, path) == 0;
		snprintf(pn, sizeof(pn), "%s%s", path, r->name);
		return match_glob(pat, pn, false);
	}
	return r->name != NULL && match_glob(pat, r->name, false);
}

/* "key=value" (value may hold wildcards) or "key" alone for any value. */
static bool
priv_tag_match(const char *spec, const struct snap_role *r)
{
	const char *eq = strchr(spec, '=');
	size_t klen = eq != NULL ? (size_t)(eq - spec) : strlen(spec);

	for (size_t i = 0; i < r->ntags; i++)
		if (strlen(r->tags[i].key) == klen && strncasecmp(r->tags[i].key, spec, klen) == 0 &&
		    (eq == NULL || match_glob(eq + 1, r->tags[i].value != NULL ?
		    r->tags[i].value : "", false)))
			return true;
	return false;
}

static int
priv_add_reason(struct priv_role *pr, const char *text, struct err *e)
{
	char **n;
	char *s = strdup(text);

	if (s == NULL) {
		err_set(e, "out of memory");
		return -1;
	}
	n = realloc(pr->reasons, (pr->nreasons + 1) * sizeof(*n));
	if (n == NULL) {
		free(s);
		err_set(e, "out of memory");
		return -1;
	}
	pr->reasons = n;
	pr->reasons[pr->nreasons++] = s;
	return 0;
}

/* The probe resource of an entry: %P, %A, %R, %N replaced. */
static void
priv_resource(const struct aud_account *a, const char *tpl, const char *name, char *out,
    size_t cap)
{
	const char *part = a->snap->partition != NULL ? a->snap->partition : "aws";
	const char *region = a->sa->nregions > 0 ? a->sa->regions[0].name : "us-east-1";
	size_t o = 0;

	for (const char *p = tpl; *p != '\0' && o + 1 < cap; p++) {
		const char *sub = NULL;

		if (p[0] == '%' && p[1] != '\0') {
			switch (p[1]) {
			case 'P': sub = part; break;
			case 'A': sub = a->sa->id; break;
			case 'R': sub = region; break;
			case 'N': sub = name; break;
			default: break;
			}
		}
		if (sub == NULL) {
			out[o++] = *p;
			continue;
		}
		p++;
		for (; *sub != '\0' && o + 1 < cap; sub++)
			out[o++] = *sub;
	}
	out[o] = '\0';
}

/* Allowed or conditional for every probe of entry i? */
static int
priv_allows(const struct aud_account *a, const struct aud_principal *p, size_t i,
    const struct aud_principal *trust_all, struct eval_state *st, struct ctx *c, size_t base,
    bool *yes, bool *cond, struct err *e)
{
	static const char *const names[] = { "zz-pra-probe-1", "AA_PRA_PROBE_2" };
	const char *act = priv_table[i].action;
	char actions[2][CTX_MAX_ACTION];
	size_t nact = 0;
	struct eval_request rq;
	struct eval_result res;

	*yes = true;
	*cond = false;
	/* A wildcard entry is probed with made-up action names that only a
	 * grant of the whole service (or of everything) covers; "*" must hold
	 * for IAM too, or NotAction: iam:* (power user) would count. */
	if (strcmp(act, "*") == 0) {
		snprintf(actions[nact++], CTX_MAX_ACTION, "zzpraprobe:ZzPraProbe");
		snprintf(actions[nact++], CTX_MAX_ACTION, "iam:ZzPraProbe");
	} else if (strchr(act, '*') != NULL) {
		snprintf(actions[nact++], CTX_MAX_ACTION, "%.*sZzPraProbe",
		    (int)(strchr(act, '*') - act), act);
	} else {
		snprintf(actions[nact++], CTX_MAX_ACTION, "%s", act);
	}
	for (size_t k = 0; k < nact && *yes; k++) {
		for (size_t n = 0; n < 2 && *yes; n++) {
			char res_arn[CTX_MAX_ARN];
			bool assume = strncasecmp(actions[k], "sts:AssumeRole", 14) == 0;

			priv_resource(a, priv_table[i].resource, names[n], res_arn, sizeof(res_arn));
			if (aud_ctx_target(a, c, base, actions[k], res_arn, NULL, NULL, e) < 0)
				return -1;
			aud_rq_fill(a, p, c, NULL, NULL, &rq);
			/* "sts:AssumeRole on *": whether the role's own policies
			 * let it assume any role of the account, i.e. a trust
			 * policy that delegates to the account. */
			if (assume) {
				rq.resource = trust_all->trust;
				rq.nresource = 1;
			}
			if (eval_decide(st, &rq, &res, e) < 0)
				return -1;
			if (res.decision == EVAL_DENIED)
				*yes = false;
			else if (res.decision == EVAL_CONDITIONAL)
				*cond = true;
		}
	}
	return 0;
}

static bool
priv_listed(const struct confschema_strlist *l, const struct snap_role *r, const char **which)
{
	for (size_t i = 0; l != NULL && i < l->n; i++)
		if (priv_pattern_match(l->items[i], r)) {
			*which = l->items[i];
			return true;
		}
	return false;
}

static const char *
priv_form(const char *pat)
{
	return strncmp(pat, "arn:", 4) == 0 ? "arn" : pat[0] == '/' ? "path" : "name";
}

int
priv_classify(const struct aud_account *a, const struct config_audit *cfg,
    struct eval_state *st, struct priv_list *out, struct err *e)
{
	struct aud_principal trust_all = { 0 };
	struct eval_policy tp = { 0 };
	struct policy *pol = NULL;
	struct ctx *c = NULL;
	size_t base = 0;
	char doc[256], text[4200];
	int rc = -1;
	bool autop = cfg == NULL || cfg->auto_privileged;

	out->v = NULL;
	out->n = 0;
	snprintf(doc, sizeof(doc), "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
	    "\"Allow\",\"Principal\":{\"AWS\":\"%s\"},\"Action\":\"sts:AssumeRole\"}]}", a->sa->id);
	pol = policy_parse_text(doc, strlen(doc), "trust of any role (probe)", POLICY_KIND_RESOURCE,
	    e);
	if (pol == NULL)
		goto out;
	tp.policy = pol;
	tp.name = pol->name;
	trust_all.trust = &tp;
	out->v = calloc(a->nprincipals ? a->nprincipals : 1, sizeof(*out->v));
	c = malloc(sizeof(*c));
	if (out->v == NULL || c == NULL) {
		err_set(e, "out of memory");
		goto out;
	}
	for (size_t i = a->nusers; i < a->nprincipals; i++) {
		const struct aud_principal *p = &a->principals[i];
		const struct snap_role *r = p->role;
		struct priv_role *pr = &out->v[out->n];
		const char *which;

		/* A service-linked role cannot be passed: never a target. */
		if (p->service_linked)
			continue;
		if (cfg != NULL && priv_listed(&cfg->privileged_exclude, r, &which))
			continue;
		pr->principal = i;
		for (size_t k = 0; cfg != NULL && k < cfg->privileged_roles.n; k++) {
			const char *pat = cfg->privileged_roles.items[k];

			if (!priv_pattern_match(pat, r))
				continue;
			snprintf(text, sizeof(text), "config: %s %s", priv_form(pat), pat);
			if (priv_add_reason(pr, text, e) < 0)
				goto out_partial;
		}
		for (size_t k = 0; cfg != NULL && k < cfg->privileged_tags.n; k++) {
			if (!priv_tag_match(cfg->privileged_tags.items[k], r))
				continue;
			snprintf(text, sizeof(text), "config: tag %s", cfg->privileged_tags.items[k]);
			if (priv_add_reason(pr, text, e) < 0)
				goto out_partial;
		}
		/* The role's own part of its probe requests, once for all. */
		if (autop) {
			if (aud_ctx_principal(a, p, c, e) < 0)
				goto out_partial;
			base = c->nkeys;
		}
		for (size_t k = 0; autop && k < PRIV_N; k++) {
			bool yes, cond;

			if (priv_allows(a, p, k, &trust_all, st, c, base, &yes, &cond, e) < 0)
				goto out_partial;
			if (!yes)
				continue;
			snprintf(text, sizeof(text), "auto: allows %s on %s%s", priv_table[k].action,
			    priv_table[k].on, cond ? " (conditionally)" : "");
			if (priv_add_reason(pr, text, e) < 0)
				goto out_partial;
		}
		if (pr->nreasons > 0)
			out->n++;
	}
	rc = 0;
	goto out;
out_partial:
	/* the entry being filled is not counted yet */
	out->n++;
	priv_list_free(out);
out:
	free(c);
	policy_free(pol);
	return rc;
}

void
priv_list_free(struct priv_list *l)
{
	for (size_t i = 0; l->v != NULL && i < l->n; i++) {
		for (size_t k = 0; k < l->v[i].nreasons; k++)
			free(l->v[i].reasons[k]);
		free(l->v[i].reasons);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}
