/*
 * Policy variables (Version 2012-10-17 only): ${aws:username},
 * ${aws:PrincipalTag/team}, any context key, ${key, 'default'}, and ${*}
 * ${?} ${$} for the literal characters.
 *
 * Substitution writes into a caller buffer (no allocation). When the result
 * is used as a wildcard pattern (Resource, *Like and Arn* operators), literal
 * characters from ${*} ${?} ${$} and any * or ? inside a substituted value
 * are written as MATCH_ESC + char so the matcher does not take them for
 * wildcards; otherwise they are written plainly.
 */
#ifndef PRA_POLICY_PVAR_H
#define PRA_POLICY_PVAR_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/ctx.h"

enum pvar_status {
	PVAR_OK,
	PVAR_ABSENT,	/* a variable's key is absent (no default): the value matches nothing */
	PVAR_UNKNOWN,	/* a variable's key is unknown: the match is unknown */
	PVAR_TOOLONG,	/* the result does not fit: treated as no match */
};

enum pvar_status pvar_subst(const struct ctx *c, const char *src, bool glob, char *out,
    size_t outcap);

/* Calls fn for the key of each variable in src (not for ${*} ${?} ${$});
 * used to name the unknown keys of a constraint. */
void pvar_each_key(const char *src, void (*fn)(void *arg, const char *key, size_t len),
    void *arg);

#endif
