/*
 * Which roles are privileged: named by the config (audit.privileged_roles:
 * names, ARNs or paths with wildcards; audit.privileged_tags "key=value" or
 * "key=*"; minus audit.privileged_exclude) and, with audit.auto_privileged,
 * every role whose effective permissions (its own policies after its
 * permissions boundary and its account's SCPs) allow one of the actions of
 * privesc.def. Each role keeps every reason it was classified for.
 */
#ifndef PRA_AUDIT_PRIVILEGED_H
#define PRA_AUDIT_PRIVILEGED_H

#include <stdbool.h>
#include <stddef.h>

#include "audit/audit_int.h"
#include "conf.h"
#include "policy/eval.h"
#include "util/err.h"

struct priv_role {
	size_t principal;	/* index in the account's principals */
	char **reasons;		/* owned, each malloc'd */
	size_t nreasons;
};

struct priv_list {
	struct priv_role *v;	/* owned; in principal order */
	size_t n;
};

/* Does a config pattern (name, ARN or path form) name the role? */
bool priv_pattern_match(const char *pattern, const struct snap_role *r);

/* Classify the roles of an audited account. 0, or -1 with e set. */
int priv_classify(const struct aud_account *a, const struct config_audit *cfg,
    struct eval_state *st, struct priv_list *out, struct err *e);
void priv_list_free(struct priv_list *l);

/* The privesc.def table, for reports and tests. */
size_t priv_entry_count(void);
const char *priv_entry_action(size_t i);
const char *priv_entry_on(size_t i);
const char *priv_entry_why(size_t i);

#endif
