#include "config.h"

#include "policy/explain.h"

#include <string.h>

const char *
explain_layer_phrase(enum eval_layer l, const struct ctx *c)
{
	switch (l) {
	case EVAL_LAYER_SCP: return "service control policy";
	case EVAL_LAYER_RCP: return "resource control policy";
	case EVAL_LAYER_BOUNDARY: return "permissions boundary";
	case EVAL_LAYER_IDENTITY: return "identity-based policy";
	case EVAL_LAYER_SESSION: return "session policy";
	case EVAL_LAYER_ENDPOINT: return "VPC endpoint policy";
	case EVAL_LAYER_RESOURCE:
		return c != NULL && strncmp(c->action_lc, "sts:assumerole", 14) == 0 ?
		    "role trust policy" : "resource-based policy";
	case EVAL_LAYER_COUNT:
		break;
	}
	return "policy";
}

int
explain_message(const struct eval_result *r, const struct ctx *c, struct buf *out)
{
	const char *phrase, *who = c->caller != NULL ? c->caller : c->principal;

	if (r->decision != EVAL_DENIED)
		return 0;
	phrase = explain_layer_phrase(r->layer, c);
	if (r->deny == EVAL_DENY_EXPLICIT) {
		const char *art = strcmp(phrase, "role trust policy") == 0 ? "the" :
		    strchr("aeiouAEIOU", phrase[0]) != NULL ? "an" : "a";

		return buf_printf(out, "User: %s is not authorized to perform: %s on resource: %s "
		    "with an explicit deny in %s %s", who, c->action, c->resource, art, phrase);
	}
	if (strcmp(phrase, "role trust policy") == 0)
		phrase = "resource-based policy";
	return buf_printf(out, "User: %s is not authorized to perform: %s on resource: %s "
	    "because no %s allows the %s action", who, c->action, c->resource, phrase,
	    c->action);
}

void
explain_stmt_label(const struct eval_match *m, char *out, size_t outlen)
{
	policy_stmt_label(m->stmt, out, outlen);
}

int
explain_text(const struct eval_result *r, const struct ctx *c, struct buf *out)
{
	int rc = 0;

	rc |= buf_printf(out, "decision: %s", eval_decision_name(r->decision));
	if (r->decision == EVAL_DENIED)
		rc |= buf_printf(out, " (%s deny, %s)", r->deny == EVAL_DENY_EXPLICIT ? "explicit" :
		    "implicit", eval_layer_name(r->layer));
	rc |= buf_putc(out, '\n');
	if (r->decision == EVAL_DENIED) {
		rc |= buf_puts(out, "message: ");
		rc |= explain_message(r, c, out);
		rc |= buf_putc(out, '\n');
	}
	if (r->decision == EVAL_CONDITIONAL) {
		rc |= buf_puts(out, "allowed only when: ");
		rc |= formula_render(r->constraints, out);
		rc |= buf_putc(out, '\n');
	}
	/* A denied pass reaches no service whatever the trust policy says:
	 * "none the role trusts" would blame the wrong policy. */
	if (r->has_services && r->decision != EVAL_DENIED) {
		rc |= buf_puts(out, "useful toward services:");
		for (size_t i = 0; i < r->nservices; i++)
			rc |= buf_printf(out, " %s", r->services[i]);
		rc |= buf_puts(out, r->nservices == 0 ? " (none the role trusts)\n" : "\n");
	}
	if (r->note != NULL)
		rc |= buf_printf(out, "note: %s\n", r->note);
	for (int l = 0; l < EVAL_LAYER_COUNT; l++) {
		const struct eval_layer_out *lo = &r->layers[l];

		if (lo->outcome == EVAL_OUT_NOT_APPLICABLE && lo->matches == NULL)
			continue;
		rc |= buf_printf(out, "%s (%s): %s\n", eval_layer_name((enum eval_layer)l),
		    explain_layer_phrase((enum eval_layer)l, c), eval_outcome_name(lo->outcome));
		for (const struct eval_match *m = lo->matches; m != NULL; m = m->next) {
			char label[128];

			explain_stmt_label(m, label, sizeof(label));
			rc |= buf_printf(out, "  %s by policy \"%s\"",
			    m->stmt->effect == POLICY_DENY ? "Deny " : "Allow", m->policy->name);
			if (m->policy->source != NULL)
				rc |= buf_printf(out, " (%s)", m->policy->source);
			if (l == EVAL_LAYER_SCP || l == EVAL_LAYER_RCP)
				rc |= buf_printf(out, " level %zu", m->level);
			rc |= buf_printf(out, " statement %s", label);
			if (!formula_is_true(m->when)) {
				rc |= buf_puts(out, " when ");
				rc |= formula_render(m->when, out);
			}
			rc |= buf_putc(out, '\n');
		}
	}
	return rc != 0 ? -1 : 0;
}
