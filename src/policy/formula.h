/*
 * Three-valued results: a statement, a policy layer or a whole decision is
 * TRUE, FALSE, or a formula over the conditions whose key is unknown in the
 * request ("open atoms", e.g. iam:PassedToService StringEquals
 * {ec2.amazonaws.com}). Constructors fold constants and apply simple
 * absorption so that a formula only ever holds what still matters.
 *
 * Nodes are immutable and allocated from an arena the caller resets between
 * decisions; TRUE and FALSE are static. Constructors return NULL only when
 * the arena is exhausted.
 */
#ifndef PRA_POLICY_FORMULA_H
#define PRA_POLICY_FORMULA_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/arena.h"
#include "policy/policy.h"
#include "util/buf.h"

enum formula_kind {
	FORMULA_TRUE,
	FORMULA_FALSE,
	FORMULA_ATOM,
	FORMULA_AND,
	FORMULA_OR,
	FORMULA_NOT,
};

/* One open condition: "the condition cond holds, with these values". */
struct formula_atom {
	const struct policy_cond *cond;	/* NULL: an opaque constraint (text) */
	const char *const *vals;	/* policy values, substituted if needed */
	size_t nvals;
	const struct condop_values *compiled;	/* when the values had no variables */
	bool unresolved;	/* values still hold ${...} of an unknown key */
	const char *text;	/* opaque constraints: their description */
};

struct formula {
	enum formula_kind kind;
	union {
		struct formula_atom atom;
		struct {
			const struct formula *a, *b;
		} bin;
		const struct formula *neg;
	} u;
};

const struct formula *formula_true(void);
const struct formula *formula_false(void);
const struct formula *formula_bool(bool v);
const struct formula *formula_atom(struct arena *a, const struct formula_atom *atom);
const struct formula *formula_and(struct arena *a, const struct formula *x,
    const struct formula *y);
const struct formula *formula_or(struct arena *a, const struct formula *x,
    const struct formula *y);
const struct formula *formula_not(struct arena *a, const struct formula *x);

static inline bool
formula_is_true(const struct formula *f)
{
	return f->kind == FORMULA_TRUE;
}

static inline bool
formula_is_false(const struct formula *f)
{
	return f->kind == FORMULA_FALSE;
}

static inline bool
formula_is_const(const struct formula *f)
{
	return f->kind == FORMULA_TRUE || f->kind == FORMULA_FALSE;
}

/* Structural equality (atoms compare operator, key and values). */
bool formula_equal(const struct formula *x, const struct formula *y);

/*
 * Decide a formula whose atoms all have a finite set of meaningful values
 * (equality operators, Bool, Null, patterns without wildcards): every
 * combination of the literals it mentions, one value it does not mention,
 * the empty value, two values at once, and absence, is tried for each key. Returns TRUE or FALSE when the formula
 * is the same for all of them, otherwise f itself (also when some atom is
 * not finite, or there are too many combinations): never a guess.
 */
const struct formula *formula_decide(struct arena *a, const struct formula *f);

/* Replace the key (case-insensitive) by one known value (or absence when
 * value is NULL) and fold. */
const struct formula *formula_assign(struct arena *a, const struct formula *f,
    const char *key, const char *value);

/* Human-readable: "iam:PassedToService in {ec2.amazonaws.com}",
 * "not (aws:MultiFactorAuthPresent is false or absent)". */
int formula_render(const struct formula *f, struct buf *out);

#endif
