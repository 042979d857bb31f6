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
#include <stdint.h>

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
	/* condop_value_hash() of each value; formula_atom() fills it in
	 * (from the condition's when vals are its own). */
	const uint64_t *valhash;
};

struct formula_set;

struct formula {
	enum formula_kind kind;
	/* Structural hash: formulas formula_equal() calls equal have equal
	 * hashes, so a differing hash rejects at once. */
	uint64_t hash;
	union {
		struct formula_atom atom;
		struct {
			const struct formula *a, *b;
			/* The operands of the chain of same-kind nodes rooted
			 * here are the first n members of set (a hash set
			 * shared along a chain built by appending, formula.c):
			 * whether a formula is already one of them is answered
			 * in expected O(1), not by walking the chain. */
			struct formula_set *set;
			size_t n;
		} bin;
		const struct formula *neg;
	} u;
};

/* TRUE and FALSE are two static nodes, visible here so that the inline
 * constructors below can return them without a call. */
extern const struct formula formula_const_true, formula_const_false;

static inline const struct formula *
formula_true(void)
{
	return &formula_const_true;
}

static inline const struct formula *
formula_false(void)
{
	return &formula_const_false;
}

static inline const struct formula *
formula_bool(bool v)
{
	return v ? &formula_const_true : &formula_const_false;
}

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

const struct formula *formula_atom(struct arena *a, const struct formula_atom *atom);
/* AND/OR of two formulas of which neither is TRUE or FALSE (nor NULL). */
const struct formula *formula_combine(struct arena *a, enum formula_kind kind,
    const struct formula *x, const struct formula *y);
const struct formula *formula_negate(struct arena *a, const struct formula *x);

/*
 * Nearly all operands during an evaluation are TRUE or FALSE (every
 * condition on a known key folds to one at once), so the constructors fold
 * constants inline and call out only when both sides are open formulas.
 * NULL (arena exhausted) propagates.
 */
static inline const struct formula *
formula_and(struct arena *a, const struct formula *x, const struct formula *y)
{
	if (x == NULL || y == NULL)
		return NULL;
	if (x->kind == FORMULA_FALSE || y->kind == FORMULA_FALSE)
		return &formula_const_false;
	if (x->kind == FORMULA_TRUE)
		return y;
	if (y->kind == FORMULA_TRUE)
		return x;
	return formula_combine(a, FORMULA_AND, x, y);
}

static inline const struct formula *
formula_or(struct arena *a, const struct formula *x, const struct formula *y)
{
	if (x == NULL || y == NULL)
		return NULL;
	if (x->kind == FORMULA_TRUE || y->kind == FORMULA_TRUE)
		return &formula_const_true;
	if (x->kind == FORMULA_FALSE)
		return y;
	if (y->kind == FORMULA_FALSE)
		return x;
	return formula_combine(a, FORMULA_OR, x, y);
}

static inline const struct formula *
formula_not(struct arena *a, const struct formula *x)
{
	if (x == NULL)
		return NULL;
	if (x->kind == FORMULA_TRUE)
		return &formula_const_false;
	if (x->kind == FORMULA_FALSE)
		return &formula_const_true;
	return formula_negate(a, x);
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
