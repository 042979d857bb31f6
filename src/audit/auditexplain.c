/*
 * audit_explain(): one principal/role pair, layer by layer, in the words of
 * AWS's AccessDenied messages, with the role's privileged reasons, the VPC
 * endpoint caveats and the indirect paths.
 */
#include "config.h"

#include "audit/audit.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "audit/audit_int.h"
#include "audit/paths.h"
#include "audit/sinks.h"
#include "audit/usable.h"
#include "audit/edgejson.h"
#include "audit/privileged.h"
#include "policy/evalcmd.h"
#include "policy/explain.h"

#define EXPLAIN_TEXT_MAX (16u << 20)

struct xp_hit {
	const struct snap_account *sa;
	const char *arn;
};

/* Find a user or role (roles_only: a role) by ARN or name. */
static int
xp_resolve(const struct snapshot *s, const char *what, const char *q, bool roles_only,
    struct xp_hit *hit, struct err *e)
{
	size_t n = 0;
	const char *other = NULL;

	for (size_t i = 0; i < s->naccounts; i++) {
		const struct snap_account *sa = &s->accounts[i];

		for (size_t k = 0; !roles_only && k < sa->iam.nusers; k++) {
			const struct snap_user *u = &sa->iam.users[k];

			if (strcmp(u->arn, q) == 0 || strcmp(u->name, q) == 0) {
				if (n++ == 0)
					hit->sa = sa, hit->arn = u->arn;
				else if (other == NULL)
					other = u->arn;
			}
		}
		for (size_t k = 0; k < sa->iam.nroles; k++) {
			const struct snap_role *r = &sa->iam.roles[k];

			if (strcmp(r->arn, q) == 0 || strcmp(r->name, q) == 0) {
				if (n++ == 0)
					hit->sa = sa, hit->arn = r->arn;
				else if (other == NULL)
					other = r->arn;
			}
		}
	}
	if (n == 0) {
		err_set(e, "%s \"%s\": no %s with that ARN or name in the snapshot", what, q,
		    roles_only ? "IAM role" : "IAM user or role");
		return -1;
	}
	if (n > 1) {
		err_set(e, "%s \"%s\" is ambiguous: it names %s and %s%s; give the ARN", what, q,
		    hit->arn, other, n > 2 ? " and others" : "");
		return -1;
	}
	return 0;
}

struct xp_caveat {
	const struct aud_endpoint *ae;
	const char *service;
	char *message;
};

/* The edge's usability and its alternatives, one line each. */
static int
xp_usable(struct buf *b, const struct edge *ed)
{
	int w = buf_printf(b, "  usable: %s", edge_usable_name(ed->usable));

	for (size_t i = 0; i < ed->nuses; i++) {
		const struct edge_use *u = &ed->uses[i];

		w |= buf_printf(b, "%s%s %s", i > 0 ? "; " : " (", u->service,
		    edge_usable_name(u->usable));
		if (u->usable != EDGE_USABLE_NO && u->actions != NULL)
			w |= buf_printf(b, " with %s", u->actions);
		else if (u->refused != NULL)
			w |= buf_printf(b, ", refused %s", u->refused);
	}
	w |= buf_puts(b, ed->nuses > 0 ? ")\n" : " (no service can use the role)\n");
	for (size_t i = 0; i < ed->nalts; i++) {
		const struct edge_alt *al = &ed->alts[i];

		w |= buf_puts(b, "  other path:");
		if (al->npath == 0)
			w |= buf_puts(b, " direct");
		for (size_t k = 0; k < al->npath; k++) {
			w |= buf_printf(b, "%s %s %s", k > 0 ? "," : "", al->path[k].kind,
			    al->path[k].arn);
			if (al->path[k].via_service != NULL)
				w |= buf_printf(b, " via %s", al->path[k].via_service);
		}
		w |= buf_printf(b, " (usable: %s)\n", edge_usable_name(al->usable));
	}
	return w;
}

int
audit_explain(const struct snapshot *s, const struct config_audit *cfg,
    const char *principal, const char *role, const char *service, bool json, FILE *out,
    struct err *e)
{
	struct xp_hit ph, rh;
	struct aud_account a;
	struct aud_org org;
	struct eval_state st;
	struct ctx c;
	struct eval_request rq;
	struct eval_result res;
	struct priv_list pl = { 0 }, one = { 0 };
	struct priv_role only = { 0 };
	struct aud_edges E = { 0 };
	const struct priv_role *why = NULL;
	const struct aud_edge *edge = NULL;
	struct xp_caveat cav[64];
	size_t ncav = 0;
	/* The services the pass may reach (names in the compiled trust
	 * policy), and how usable each is, explained. */
	const char *svcs[EVAL_MAX_SERVICES];
	size_t ns = 0;
	struct buf ub;
	long pi, ri;
	struct buf b;
	int rc = -1;

	buf_init(&b, EXPLAIN_TEXT_MAX);
	buf_init(&ub, EXPLAIN_TEXT_MAX);
	eval_state_init(&st);
	memset(&a, 0, sizeof(a));
	memset(&org, 0, sizeof(org));
	if (xp_resolve(s, "principal", principal, false, &ph, e) < 0 ||
	    xp_resolve(s, "role", role, true, &rh, e) < 0)
		goto out;
	if (ph.sa != rh.sa) {
		err_set(e, "%s is in account %s and %s in account %s: iam:PassRole is checked in "
		    "the caller's own account, a role cannot be passed to another account", ph.arn,
		    ph.sa->id, rh.arn, rh.sa->id);
		goto out;
	}
	if (aud_org_init(&org, s, e) < 0 || aud_account_build(&a, s, ph.sa, &org, e) < 0)
		goto out;
	if (!a.ok) {
		err_set(e, "account %s cannot be audited: %s", ph.sa->id, a.why);
		goto out;
	}
	pi = aud_find_principal(&a, ph.arn);
	ri = aud_find_principal(&a, rh.arn);
	if (pi < 0 || ri < 0) {
		err_set(e, "account %s: %s or %s missing from the model", ph.sa->id, ph.arn, rh.arn);
		goto out;
	}
	/* Privileged or not, and the paths to this role alone. */
	if (priv_classify(&a, cfg, &st, &pl, e) < 0)
		goto out;
	for (size_t i = 0; i < pl.n; i++)
		if (pl.v[i].principal == (size_t)ri)
			why = &pl.v[i];
	if (!a.principals[ri].service_linked) {
		only.principal = (size_t)ri;
		one.v = &only;
		one.n = 1;
		E.npriv = 1;
		E.grid = malloc(a.nprincipals * sizeof(*E.grid));
		if (E.grid == NULL) {
			err_set(e, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < a.nprincipals; i++)
			E.grid[i] = -1;
		if (aud_direct(&a, &one, &E, &st, e) < 0 ||
		    paths_extend(&a, &one, &E, cfg != NULL ? cfg->max_depth : 3,
		    cfg != NULL ? cfg->max_alternatives : 3, &st, e) < 0)
			goto out;
		if (E.grid[pi] >= 0)
			edge = &E.v[E.grid[pi]];
	}
	/* Endpoint caveats for the services the pass may reach. */
	if (aud_request(&a, &a.principals[pi], "iam:PassRole", rh.arn, &a.principals[ri],
	    service != NULL ? &service : NULL, NULL, &c, &rq, e) < 0 || eval_decide(&st, &rq, &res, e) < 0)
		goto out;
	if (res.decision != EVAL_DENIED) {
		ns = res.nservices;
		memcpy(svcs, res.services, ns * sizeof(*svcs));
		for (size_t i = 0; i < a.nendpoints && ncav < 64; i++) {
			const struct aud_endpoint *ae = &a.endpoints[i];
			struct ctx c2;
			struct eval_request rq2;
			struct eval_result r2;

			if (ae->policy == NULL)
				continue;
			for (size_t k = 0; k < ns; k++) {
				const char *epn = aud_service_endpoint(svcs[k]);

				if (epn == NULL || strcmp(epn, ae->service) != 0)
					continue;
				const char *pv = sink_passed_to(svcs[k]);

				if (aud_request(&a, &a.principals[pi], "iam:PassRole", rh.arn,
				    &a.principals[ri], &pv, ae->policy, &c2, &rq2, e) < 0 ||
				    eval_decide(&st, &rq2, &r2, e) < 0)
					goto out;
				if (r2.decision != EVAL_DENIED)
					break;
				buf_reset(&b);
				if (aud_endpoint_message(&r2, &c2, ae, svcs[k], &b) < 0) {
					err_set(e, "endpoint message too long");
					goto out;
				}
				cav[ncav].ae = ae;
				cav[ncav].service = svcs[k];
				cav[ncav].message = strdup(buf_cstr(&b));
				if (cav[ncav++].message == NULL) {
					err_set(e, "out of memory");
					goto out;
				}
				break;
			}
		}
	}
	/* Whether the principal can make each service act with the role. */
	if (ns > 0) {
		struct ctx uc;

		if (aud_ctx_principal(&a, &a.principals[pi], &uc, e) < 0 ||
		    usable_explain(&a, (size_t)pi, &a.principals[ri], svcs, ns, &st, &uc, uc.nkeys,
		    &ub, e) < 0)
			goto out;
	}
	/* The layer-by-layer account, last so that its result stays valid. */
	if (aud_request(&a, &a.principals[pi], "iam:PassRole", rh.arn, &a.principals[ri],
	    service != NULL ? &service : NULL, NULL, &c, &rq, e) < 0 || eval_run(&st, &rq, &res, e) < 0)
		goto out;
	buf_reset(&b);
	if (json) {
		struct evalcmd_case ec;
		cJSON *o, *arr;
		char *txt;
		bool ok;

		memset(&ec, 0, sizeof(ec));
		memcpy(&ec.ctx, &c, sizeof(c));
		o = evalcmd_result_json(&ec, &res);
		ok = o != NULL;
		ok = ok && cJSON_AddStringToObject(o, "principal", ph.arn) != NULL;
		ok = ok && cJSON_AddStringToObject(o, "role", rh.arn) != NULL;
		ok = ok && cJSON_AddStringToObject(o, "account", ph.sa->id) != NULL;
		ok = ok && (service != NULL ? cJSON_AddStringToObject(o, "service", service) :
		    cJSON_AddNullToObject(o, "service")) != NULL;
		ok = ok && cJSON_AddBoolToObject(o, "org_unknown", a.org_unknown) != NULL;
		if (ok && why != NULL) {
			arr = cJSON_AddArrayToObject(o, "privileged");
			ok = arr != NULL;
			for (size_t i = 0; ok && i < why->nreasons; i++)
				ok = cJSON_AddItemToArray(arr, cJSON_CreateString(why->reasons[i]));
		} else if (ok) {
			ok = cJSON_AddNullToObject(o, "privileged") != NULL;
		}
		arr = ok ? cJSON_AddArrayToObject(o, "caveats") : NULL;
		ok = ok && arr != NULL;
		for (size_t i = 0; ok && i < ncav; i++) {
			cJSON *cj = cJSON_CreateObject();

			ok = cj != NULL && cJSON_AddItemToArray(arr, cj);
			ok = ok && cJSON_AddStringToObject(cj, "endpoint_id", cav[i].ae->ep->id) != NULL;
			ok = ok && cJSON_AddStringToObject(cj, "region", cav[i].ae->region) != NULL;
			ok = ok && cJSON_AddStringToObject(cj, "service_name",
			    cav[i].ae->ep->service_name) != NULL;
			ok = ok && cJSON_AddStringToObject(cj, "message", cav[i].message) != NULL;
		}
		if (ok && edge != NULL) {
			cJSON *ej = cJSON_AddObjectToObject(o, "edge"), *pj;

			ok = ej != NULL;
			ok = ok && cJSON_AddBoolToObject(ej, "conditional", edge->ed.conditional) != NULL;
			ok = ok && (edge->ed.conditions != NULL ? cJSON_AddStringToObject(ej, "conditions",
			    edge->ed.conditions) : cJSON_AddNullToObject(ej, "conditions")) != NULL;
			ok = ok && cJSON_AddStringToObject(ej, "reason", edge->ed.reason) != NULL;
			/* usable, uses and alternatives as the edge set has them. */
			if (ok) {
				cJSON *full = edgejson_edge(&edge->ed, e);
				static const char *const keys[] = { "usable", "uses", "alternatives" };

				ok = full != NULL;
				for (size_t k = 0; ok && k < 3; k++) {
					cJSON *it = cJSON_DetachItemFromObjectCaseSensitive(full, keys[k]);

					ok = it != NULL && cJSON_AddItemToObject(ej, keys[k], it);
				}
				cJSON_Delete(full);
			}
			pj = ok ? cJSON_AddArrayToObject(ej, "path") : NULL;
			ok = ok && pj != NULL;
			for (size_t i = 0; ok && i < edge->ed.npath; i++) {
				cJSON *hj = cJSON_CreateObject();

				ok = hj != NULL && cJSON_AddItemToArray(pj, hj);
				ok = ok && cJSON_AddStringToObject(hj, "kind", edge->ed.path[i].kind) != NULL;
				ok = ok && cJSON_AddStringToObject(hj, "arn", edge->ed.path[i].arn) != NULL;
				ok = ok && (edge->ed.path[i].via_service != NULL ?
				    cJSON_AddStringToObject(hj, "via_service", edge->ed.path[i].via_service) :
				    cJSON_AddNullToObject(hj, "via_service")) != NULL;
			}
		} else if (ok) {
			ok = cJSON_AddNullToObject(o, "edge") != NULL;
		}
		txt = ok ? cJSON_PrintUnformatted(o) : NULL;
		cJSON_Delete(o);
		if (txt == NULL) {
			err_set(e, "out of memory writing the explanation");
			goto out;
		}
		fprintf(out, "%s\n", txt);
		free(txt);
		rc = 0;
		goto out;
	}
	{
		int w = 0;

		w |= buf_printf(&b, "iam:PassRole by %s (%s) on %s%s%s\n", ph.arn,
		    a.principals[pi].type == AUD_USER ? "user" : "role", rh.arn,
		    service != NULL ? " for " : "", service != NULL ? service : "");
		if (a.org_unknown)
			w |= buf_printf(&b, "note: single-account mode: SCPs and RCPs could not be read "
			    "(%s); they may still deny this\n", s->org.part.why != NULL ?
			    s->org.part.why : "Organizations not read");
		if (a.sa->is_management)
			w |= buf_puts(&b, "note: the management account: SCPs and RCPs do not apply\n");
		if (why != NULL) {
			w |= buf_puts(&b, "role is privileged:");
			for (size_t i = 0; i < why->nreasons; i++)
				w |= buf_printf(&b, "%s %s", i > 0 ? ";" : "", why->reasons[i]);
			w |= buf_putc(&b, '\n');
		} else {
			w |= buf_puts(&b, "role is not privileged (no configured pattern, tag or "
			    "privilege-escalation permission)\n");
		}
		if (a.principals[ri].service_linked)
			w |= buf_puts(&b, "note: a service-linked role cannot be passed\n");
		w |= explain_text(&res, &c, &b);
		if (res.decision != EVAL_DENIED && res.nservices == 0)
			w |= buf_puts(&b, "no service can use it: the role's trust policy trusts no "
			    "service this pass may go to\n");
		for (size_t i = 0; i < ncav; i++)
			w |= buf_printf(&b, "endpoint caveat: %s\n", cav[i].message);
		w |= buf_puts(&b, buf_cstr(&ub));
		/* The audit's edge is for any service: say so when one was asked. */
		if (edge != NULL && service != NULL)
			w |= buf_puts(&b, "the audit's edge (for any service):\n");
		if (edge != NULL && edge->ed.npath > 0) {
			w |= buf_puts(&b, "indirect path:");
			for (size_t i = 0; i < edge->ed.npath; i++) {
				w |= buf_printf(&b, " %s %s", edge->ed.path[i].kind, edge->ed.path[i].arn);
				if (edge->ed.path[i].via_service != NULL)
					w |= buf_printf(&b, " via %s", edge->ed.path[i].via_service);
				if (i + 1 < edge->ed.npath)
					w |= buf_puts(&b, ",");
			}
			w |= buf_printf(&b, "\n  %s\n", edge->ed.reason);
			if (edge->ed.conditions != NULL)
				w |= buf_printf(&b, "  only when: %s\n", edge->ed.conditions);
		} else if (edge != NULL) {
			w |= buf_printf(&b, "edge: direct; %s\n", edge->ed.reason);
			if (edge->ed.conditions != NULL)
				w |= buf_printf(&b, "  only when: %s\n", edge->ed.conditions);
		}
		if (edge != NULL)
			w |= xp_usable(&b, &edge->ed);
		else if (pi == ri)
			w |= buf_puts(&b, "no edge: a role that passes itself lets a service act with "
			    "the permissions it already has; the audit skips the pair\n");
		else if (!a.principals[ri].service_linked) {
			w |= buf_printf(&b, "no path: neither directly nor through a role it can assume "
			    "or pass (depth %d)\n", cfg != NULL ? cfg->max_depth : 3);
		}
		if (w != 0) {
			err_set(e, "explanation too long");
			goto out;
		}
		fputs(buf_cstr(&b), out);
	}
	rc = 0;
out:
	for (size_t i = 0; i < ncav; i++)
		free(cav[i].message);
	aud_edges_free(&E);
	priv_list_free(&pl);
	aud_account_free(&a);
	if (org.snap != NULL)
		aud_org_free(&org);
	eval_state_free(&st);
	buf_free(&ub);
	buf_free(&b);
	return rc;
}
