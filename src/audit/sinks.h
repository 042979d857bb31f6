/*
 * Sinks (data file sinks.def): for each service principal a role can trust,
 * the iam:PassedToService value of the PassRole that hands the role to that
 * service, and the action sets that let a caller make the service act with
 * the role. usable.c evaluates them; eval.c maps trust principals to
 * PassedToService values through sink_passed_to.
 */
#ifndef PRA_AUDIT_SINKS_H
#define PRA_AUDIT_SINKS_H

#include <stdbool.h>
#include <stddef.h>

/* The most actions one set holds (checked by check_sinks). */
#define SINK_MAX_ACTIONS 8

enum sink_needs {
	SINK_NEEDS_NOTHING,
	SINK_NEEDS_PROFILE,	/* the role is in an instance profile already */
};

struct sink {
	const char *trust;	/* service principal of the trust policy */
	const char *passed_to;	/* its iam:PassedToService value; NULL if existing */
	enum sink_needs needs;
	const char *actions;	/* space-separated, as in sinks.def */
	/* AUD_EXISTING: the set acts through a resource that already holds
	 * the role (no PassRole); else a set that goes with a PassRole. */
	bool existing;
};

size_t sink_count(void);
/* The i-th set in data-file order (a service's sets are adjacent); NULL
 * past the end. */
const struct sink *sink_get(size_t i);
/* The PassedToService value for a trust principal: the data file's, or the
 * principal itself for a service it does not list. */
const char *sink_passed_to(const char *trust);
/* Does the data file list PassRole sets for this trust principal? */
bool sink_known(const char *trust);
/* The resource template of an action ("{account}" for the account), or
 * NULL when the data file gives none. */
const char *sink_resource(const char *action);
/* Split s->actions into out (each at most cap bytes with its NUL): the
 * number of actions, or 0 when an action is too long or there are more
 * than SINK_MAX_ACTIONS (the data file is then wrong: check_sinks). */
size_t sink_actions(const struct sink *s, char (*out)[128], size_t cap);

#endif
