#include "config.h"

#include "policy/formula.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "policy/match.h"

const struct formula formula_const_true = { .kind = FORMULA_TRUE, .hash = 1 };
const struct formula formula_const_false = { .kind = FORMULA_FALSE, .hash = 2 };

static inline uint64_t
formula_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15u + (h << 6) + (h >> 2);
	return h;
}

const struct formula *
formula_atom(struct arena *a, const struct formula_atom *atom)
{
	struct formula *f = arena_alloc(a, sizeof(*f));
	const struct formula_atom *at;
	uint64_t h;

	if (f == NULL)
		return NULL;
	f->kind = FORMULA_ATOM;
	f->u.atom = *atom;
	at = &f->u.atom;
	if (at->valhash == NULL && at->cond != NULL && at->vals == at->cond->vals)
		f->u.atom.valhash = at->cond->valhash;
	if (at->valhash == NULL && at->nvals > 0) {
		/* values substituted for this request */
		uint64_t *vh = arena_alloc(a, at->nvals * sizeof(*vh));

		if (vh == NULL)
			return NULL;
		for (size_t i = 0; i < at->nvals; i++)
			vh[i] = condop_value_hash(at->vals[i], strlen(at->vals[i]));
		f->u.atom.valhash = vh;
	}
	/* What formula_atom_equal() compares, no more. */
	if (at->cond == NULL) {
		h = at->text != NULL ? condop_value_hash(at->text, strlen(at->text)) : 3;
	} else {
		uint64_t vs = 0;

		/* A condition's values are ORed whatever the operator: their
		 * order does not matter, so neither does it to the hash. */
		if (at->vals == at->cond->vals && at->nvals == at->cond->nvals)
			vs = at->cond->valset;
		else
			for (size_t i = 0; i < at->nvals; i++)
				vs += policy_valset_term(at->valhash[i]);
		h = formula_mix(at->cond->keyhash, (uint64_t)at->cond->op.kind |
		    (uint64_t)at->cond->op.set << 8 | (uint64_t)at->cond->op.if_exists << 16 |
		    (uint64_t)at->unresolved << 17 | (uint64_t)at->nvals << 20);
		h = formula_mix(h, vs);
	}
	f->hash = formula_mix(h, FORMULA_ATOM);
	return f;
}

static bool
formula_atom_equal(const struct formula_atom *x, const struct formula_atom *y)
{
	if (x->cond == NULL || y->cond == NULL)
		return x->cond == y->cond && x->text != NULL && y->text != NULL &&
		    strcmp(x->text, y->text) == 0;
	/* Cheapest tests first: the operator and value counts, then the
	 * values (atoms on one key usually differ there), the key last.
	 * keyhash is case-insensitive: different hashes, different keys. */
	if (x->nvals != y->nvals || x->unresolved != y->unresolved)
		return false;
	if (x->cond != y->cond && (x->cond->op.kind != y->cond->op.kind ||
	    x->cond->op.set != y->cond->op.set || x->cond->op.if_exists != y->cond->op.if_exists ||
	    x->cond->keyhash != y->cond->keyhash))
		return false;
	/* Values compare as sets (each condition ORs its values), so that
	 * {ec2, lambda} and {lambda, ec2} from two statements are one
	 * constraint. Counts are equal; value lists are short. */
	if (x->vals != y->vals)
		for (size_t i = 0; i < x->nvals; i++) {
			bool found = false;

			for (size_t j = 0; j < y->nvals && !found; j++)
				found = x->valhash[i] == y->valhash[j] &&
				    strcmp(x->vals[i], y->vals[j]) == 0;
			if (!found)
				return false;
		}
	if (x->cond != y->cond && strcasecmp(x->cond->key, y->cond->key) != 0)
		return false;
	return true;
}

bool
formula_equal(const struct formula *x, const struct formula *y)
{
	if (x == y)
		return true;
	if (x->kind != y->kind || x->hash != y->hash)
		return false;
	switch (x->kind) {
	case FORMULA_TRUE:
	case FORMULA_FALSE:
		return true;
	case FORMULA_ATOM:
		return formula_atom_equal(&x->u.atom, &y->u.atom);
	case FORMULA_NOT:
		return formula_equal(x->u.neg, y->u.neg);
	case FORMULA_AND:
	case FORMULA_OR:
		return (formula_equal(x->u.bin.a, y->u.bin.a) && formula_equal(x->u.bin.b, y->u.bin.b)) ||
		    (formula_equal(x->u.bin.a, y->u.bin.b) && formula_equal(x->u.bin.b, y->u.bin.a));
	}
	return false;
}

static bool
formula_is_negation(const struct formula *x, const struct formula *y)
{
	return (x->kind == FORMULA_NOT && formula_equal(x->u.neg, y)) ||
	    (y->kind == FORMULA_NOT && formula_equal(y->u.neg, x));
}

/*
 * The operands of AND/OR chains. A chain grows by appending (eval.c ORs one
 * statement's formula at a time into a layer's), so a node and the nodes
 * built on it share one set: members are numbered in insertion order and a
 * node sees the first bin.n of them. Only the newest node of a set (tip)
 * may append in place; extending an older one (a chain used twice) copies
 * the members it sees into a new set. Each membership test is then expected
 * O(1) and building a chain of n operands O(n), where walking the chain for
 * every new operand made it O(n^2).
 */
struct formula_set {
	const struct formula *tip;
	const struct formula **member;	/* in insertion order */
	uint32_t *slot;			/* open addressing by hash: index + 1 */
	size_t n, cap;			/* cap: slots, a power of two, >= 2 n */
};

#define FORMULA_SET_MIN 8u

/* A new empty set with room for FORMULA_SET_MIN / 2 members, in one
 * allocation: most chains stay that short. */
static struct formula_set *
formula_set_new(struct arena *a)
{
	struct {
		struct formula_set set;
		const struct formula *member[FORMULA_SET_MIN / 2];
		uint32_t slot[FORMULA_SET_MIN];
	} *b = arena_alloc(a, sizeof(*b));

	if (b == NULL)
		return NULL;
	b->set.tip = NULL;
	b->set.member = b->member;
	b->set.slot = b->slot;
	b->set.n = 0;
	b->set.cap = FORMULA_SET_MIN;
	memset(b->slot, 0, sizeof(b->slot));
	return &b->set;
}

static bool
formula_set_grow(struct arena *a, struct formula_set *set)
{
	size_t cap = set->cap != 0 ? 2 * set->cap : FORMULA_SET_MIN;
	const struct formula **member = arena_alloc(a, cap / 2 * sizeof(*member));
	uint32_t *slot = arena_zalloc(a, cap * sizeof(*slot));

	if (member == NULL || slot == NULL || cap > UINT32_MAX)
		return false;
	for (size_t i = 0; i < set->n; i++) {
		size_t k = (size_t)set->member[i]->hash & (cap - 1);

		member[i] = set->member[i];
		while (slot[k] != 0)
			k = (k + 1) & (cap - 1);
		slot[k] = (uint32_t)i + 1;
	}
	set->member = member;
	set->slot = slot;
	set->cap = cap;
	return true;
}

static bool
formula_set_add(struct arena *a, struct formula_set *set, const struct formula *x)
{
	size_t k;

	if (2 * (set->n + 1) > set->cap && !formula_set_grow(a, set))
		return false;
	k = (size_t)x->hash & (set->cap - 1);
	while (set->slot[k] != 0)
		k = (k + 1) & (set->cap - 1);
	set->member[set->n] = x;
	set->slot[k] = (uint32_t)++set->n;
	return true;
}

/* Is x one of the first n members? */
static bool
formula_set_has(const struct formula_set *set, size_t n, const struct formula *x)
{
	for (size_t k = (size_t)x->hash & (set->cap - 1); set->slot[k] != 0;
	    k = (k + 1) & (set->cap - 1)) {
		size_t i = set->slot[k] - 1;

		if (i < n && set->member[i]->hash == x->hash && formula_equal(set->member[i], x))
			return true;
	}
	return false;
}

/* Add operand o to set: the members of its chain if it is a chain of `kind`
 * itself, or o. */
static bool
formula_set_add_operand(struct arena *a, struct formula_set *set, enum formula_kind kind,
    const struct formula *o)
{
	if (o->kind != kind)
		return formula_set_add(a, set, o);
	for (size_t i = 0; i < o->u.bin.n; i++)
		if (!formula_set_add(a, set, o->u.bin.set->member[i]))
			return false;
	return true;
}

/* Does the chain of `kind` nodes rooted at f contain x as one operand? */
static bool
formula_chain_has(const struct formula *f, enum formula_kind kind, const struct formula *x)
{
	if (f->kind != kind)
		return formula_equal(f, x);
	return formula_set_has(f->u.bin.set, f->u.bin.n, x);
}

const struct formula *
formula_combine(struct arena *a, enum formula_kind kind, const struct formula *x,
    const struct formula *y)
{
	struct formula *f;
	enum formula_kind dual = kind == FORMULA_AND ? FORMULA_OR : FORMULA_AND;
	/* zero absorbs: FALSE for AND, TRUE for OR (the inline callers have
	 * already folded constant operands) */
	const struct formula *zero = kind == FORMULA_AND ? &formula_const_false : &formula_const_true;

	/* idempotence and a and (a or b) = a: one operand already implied */
	if (formula_chain_has(x, kind, y))
		return x;
	if (formula_chain_has(y, kind, x))
		return y;
	if (y->kind == dual && formula_chain_has(y, dual, x))
		return x;
	if (x->kind == dual && formula_chain_has(x, dual, y))
		return y;
	if (formula_is_negation(x, y))
		return zero;
	f = arena_alloc(a, sizeof(*f));
	if (f == NULL)
		return NULL;
	f->kind = kind;
	f->u.bin.a = x;
	f->u.bin.b = y;
	/* symmetric: formula_equal() takes a and b in either order */
	f->hash = formula_mix(kind, x->hash + y->hash);
	if (x->kind == kind && x->u.bin.set->tip == x && x->u.bin.n == x->u.bin.set->n) {
		/* x is its set's newest node: append in place */
		f->u.bin.set = x->u.bin.set;
	} else {
		f->u.bin.set = formula_set_new(a);
		if (f->u.bin.set == NULL || !formula_set_add_operand(a, f->u.bin.set, kind, x))
			return NULL;
	}
	if (!formula_set_add_operand(a, f->u.bin.set, kind, y))
		return NULL;
	f->u.bin.set->tip = f;
	f->u.bin.n = f->u.bin.set->n;
	return f;
}

const struct formula *
formula_negate(struct arena *a, const struct formula *x)
{
	struct formula *f;

	if (x->kind == FORMULA_NOT)
		return x->u.neg;
	f = arena_alloc(a, sizeof(*f));
	if (f == NULL)
		return NULL;
	f->kind = FORMULA_NOT;
	f->u.neg = x;
	f->hash = formula_mix(FORMULA_NOT, x->hash);
	return f;
}

/* ---- evaluation under an assignment ---- */

/* Stands for a request that gives the key two values no literal equals:
 * single-valued operators treat such a key differently from any one value. */
static const char formula_multi[] = "\x02(multi)";

static bool
formula_atom_eval(const struct formula_atom *at, const char *val)
{
	const char *req[2] = { val, "\x03" };
	bool present = val != NULL;
	size_t nreq = !present ? 0 : val == formula_multi ? 2 : 1;

	if (val == formula_multi)
		req[0] = "\x02";
	if (at->compiled != NULL)
		return condop_eval(&at->cond->op, at->compiled, present, req, nreq);
	return condop_eval_strings(&at->cond->op, at->vals, at->nvals, present, req, nreq);
}

const struct formula *
formula_assign(struct arena *a, const struct formula *f, const char *key, const char *value)
{
	switch (f->kind) {
	case FORMULA_TRUE:
	case FORMULA_FALSE:
		return f;
	case FORMULA_ATOM:
		if (f->u.atom.cond == NULL || f->u.atom.unresolved ||
		    strcasecmp(f->u.atom.cond->key, key) != 0)
			return f;
		return formula_bool(formula_atom_eval(&f->u.atom, value));
	case FORMULA_NOT:
		return formula_not(a, formula_assign(a, f->u.neg, key, value));
	case FORMULA_AND:
		return formula_and(a, formula_assign(a, f->u.bin.a, key, value),
		    formula_assign(a, f->u.bin.b, key, value));
	case FORMULA_OR:
		return formula_or(a, formula_assign(a, f->u.bin.a, key, value),
		    formula_assign(a, f->u.bin.b, key, value));
	}
	return f;
}

#define FORMULA_MAX_KEYS 6
#define FORMULA_MAX_CANDS 16
#define FORMULA_MAX_COMBOS 4096
#define FORMULA_PROBE 8

struct formula_dom {
	const char *key;
	uint32_t hash;		/* ctx_key_hash(key), as policy_cond.keyhash */
	bool case_sensitive, case_insensitive;
	const char *cands[FORMULA_MAX_CANDS];	/* NULL = absent */
	uint64_t chash[FORMULA_MAX_CANDS];	/* condop_value_hash(), 0 for absent */
	size_t ncands;
};

struct formula_doms {
	struct formula_dom d[FORMULA_MAX_KEYS];
	size_t n;
	bool finite;
	/* Every atom's key is one of d[] (formula_collect saw them all), so
	 * when the keys' hashes differ from each other the hash alone tells
	 * an atom's key, exactly, with no string compare per evaluation. */
	bool hash_unique;
	const char *cur[FORMULA_MAX_KEYS];	/* one combination, for formula_eval_doms */
};

/* Index in ds->d of the atom's key (ds->n if none). */
static size_t
formula_dom_of(const struct formula_doms *ds, const struct formula_atom *at)
{
	size_t i;

	for (i = 0; i < ds->n; i++)
		if (ds->d[i].hash == at->cond->keyhash &&
		    (ds->hash_unique || strcasecmp(ds->d[i].key, at->cond->key) == 0))
			break;
	return i;
}

/* Add a candidate value (h: its condop_value_hash(), 0 for absence) unless
 * the key has it already: compared by hash, strcmp only on a hash match. */
static void
formula_dom_add(struct formula_dom *d, const char *v, uint64_t h, struct formula_doms *ds)
{
	for (size_t i = 0; i < d->ncands; i++)
		if (d->chash[i] == h && (d->cands[i] == v || (d->cands[i] != NULL && v != NULL &&
		    strcmp(d->cands[i], v) == 0)))
			return;
	if (d->ncands == FORMULA_MAX_CANDS) {
		ds->finite = false;
		return;
	}
	d->chash[d->ncands] = h;
	d->cands[d->ncands++] = v;
}

static uint64_t
formula_str_hash(const char *s)
{
	return condop_value_hash(s, strlen(s));
}

static void
formula_collect(const struct formula *f, struct formula_doms *ds)
{
	const struct formula_atom *at;
	struct formula_dom *d = NULL;

	if (!ds->finite)
		return;
	switch (f->kind) {
	case FORMULA_TRUE:
	case FORMULA_FALSE:
		return;
	case FORMULA_NOT:
		formula_collect(f->u.neg, ds);
		return;
	case FORMULA_AND:
	case FORMULA_OR:
		formula_collect(f->u.bin.a, ds);
		formula_collect(f->u.bin.b, ds);
		return;
	case FORMULA_ATOM:
		break;
	}
	at = &f->u.atom;
	if (at->cond == NULL || at->unresolved || at->cond->op.set != CONDOP_SET_NONE) {
		ds->finite = false;
		return;
	}
	for (size_t i = 0; i < ds->n && d == NULL; i++)
		if (ds->d[i].hash == at->cond->keyhash && strcasecmp(ds->d[i].key, at->cond->key) == 0)
			d = &ds->d[i];
	if (d == NULL) {
		if (ds->n == FORMULA_MAX_KEYS) {
			ds->finite = false;
			return;
		}
		for (size_t i = 0; i < ds->n; i++)
			if (ds->d[i].hash == at->cond->keyhash)
				ds->hash_unique = false;
		d = &ds->d[ds->n++];
		d->key = at->cond->key;
		d->hash = at->cond->keyhash;
		d->case_sensitive = d->case_insensitive = false;
		d->ncands = 0;
		/* absent; one value no literal equals; the empty value (a
		 * null dataset for Null); two values at once */
		formula_dom_add(d, NULL, 0, ds);
		formula_dom_add(d, "\x02", formula_str_hash("\x02"), ds);
		formula_dom_add(d, "", formula_str_hash(""), ds);
		formula_dom_add(d, formula_multi, formula_str_hash(formula_multi), ds);
	}
	switch (at->cond->op.kind) {
	case CONDOP_STRING_EQUALS:
	case CONDOP_STRING_NOT_EQUALS:
		d->case_sensitive = true;
		break;
	case CONDOP_STRING_EQUALS_IGNORE_CASE:
	case CONDOP_STRING_NOT_EQUALS_IGNORE_CASE:
		d->case_insensitive = true;
		break;
	case CONDOP_STRING_LIKE:
	case CONDOP_STRING_NOT_LIKE:
	case CONDOP_ARN_EQUALS:
	case CONDOP_ARN_LIKE:
	case CONDOP_ARN_NOT_EQUALS:
	case CONDOP_ARN_NOT_LIKE:
		d->case_sensitive = true;
		for (size_t i = 0; i < at->nvals; i++)
			if (match_has_wildcard(at->vals[i]))
				ds->finite = false;
		break;
	case CONDOP_BOOL:
		formula_dom_add(d, "true", formula_str_hash("true"), ds);
		formula_dom_add(d, "false", formula_str_hash("false"), ds);
		return;
	case CONDOP_NULL:
		return;
	default:
		ds->finite = false;
		return;
	}
	/* Mixing exact and case-folded comparisons on one key would need
	 * case variants of every literal: not attempted. */
	if (d->case_sensitive && d->case_insensitive)
		ds->finite = false;
	for (size_t i = 0; i < at->nvals; i++)
		formula_dom_add(d, at->vals[i], at->valhash[i], ds);
}

/* The formula's value under the one combination in ds->cur. */
static bool
formula_eval_doms(const struct formula *f, const struct formula_doms *ds)
{
	switch (f->kind) {
	case FORMULA_TRUE:
		return true;
	case FORMULA_FALSE:
		return false;
	case FORMULA_NOT:
		return !formula_eval_doms(f->u.neg, ds);
	case FORMULA_AND:
		return formula_eval_doms(f->u.bin.a, ds) && formula_eval_doms(f->u.bin.b, ds);
	case FORMULA_OR:
		return formula_eval_doms(f->u.bin.a, ds) || formula_eval_doms(f->u.bin.b, ds);
	case FORMULA_ATOM: {
		size_t i = formula_dom_of(ds, &f->u.atom);

		return i < ds->n && formula_atom_eval(&f->u.atom, ds->cur[i]);
	}
	}
	return false;
}

/*
 * The formula's value under 64 consecutive combinations at once, one bit
 * each (combination base + i in bit i): AND, OR and NOT become word
 * operations, and each atom is evaluated once per candidate value of its
 * key instead of once per combination. This is what makes deciding the
 * open constraint of a request with two unknown keys cheap.
 */
/* sel[k][j]: the combinations of the block in which key k has candidate j. */
typedef uint64_t formula_sel[FORMULA_MAX_KEYS][FORMULA_MAX_CANDS];

static uint64_t
formula_eval_block(const struct formula *f, const struct formula_doms *ds,
    const formula_sel *sel)
{
	const struct formula_atom *at;
	const struct formula_dom *d;
	size_t k;
	uint64_t bits = 0;

	switch (f->kind) {
	case FORMULA_TRUE:
		return ~(uint64_t)0;
	case FORMULA_FALSE:
		return 0;
	case FORMULA_NOT:
		return ~formula_eval_block(f->u.neg, ds, sel);
	case FORMULA_AND:
		return formula_eval_block(f->u.bin.a, ds, sel) &
		    formula_eval_block(f->u.bin.b, ds, sel);
	case FORMULA_OR:
		return formula_eval_block(f->u.bin.a, ds, sel) |
		    formula_eval_block(f->u.bin.b, ds, sel);
	case FORMULA_ATOM:
		break;
	}
	at = &f->u.atom;
	k = formula_dom_of(ds, at);
	if (k == ds->n)
		return 0;
	d = &ds->d[k];
	for (size_t j = 0; j < d->ncands; j++)
		if (formula_atom_eval(at, d->cands[j]))
			bits |= (*sel)[k][j];
	return bits;
}

/*
 * The formula's value, Kleene-style, when the key of condition kc has the
 * one value val and every other key is absent (kc NULL: every key absent):
 * 1 or 0, or -1 when it depends on an atom that cannot be evaluated
 * (opaque, or values still holding an unknown variable).
 */
static int
formula_eval_witness(const struct formula *f, const struct policy_cond *kc, const char *val)
{
	const struct formula_atom *at;
	int x, y;

	switch (f->kind) {
	case FORMULA_TRUE:
		return 1;
	case FORMULA_FALSE:
		return 0;
	case FORMULA_NOT:
		x = formula_eval_witness(f->u.neg, kc, val);
		return x < 0 ? -1 : !x;
	case FORMULA_AND:
	case FORMULA_OR:
		/* the absorbing value of one side decides, even if the
		 * other side cannot be evaluated */
		x = formula_eval_witness(f->u.bin.a, kc, val);
		if (x == (f->kind == FORMULA_OR))
			return x;
		y = formula_eval_witness(f->u.bin.b, kc, val);
		if (y == (f->kind == FORMULA_OR))
			return y;
		return x < 0 || y < 0 ? -1 : x;
	case FORMULA_ATOM:
		break;
	}
	at = &f->u.atom;
	if (at->cond == NULL || at->unresolved)
		return -1;
	if (kc != NULL && (at->cond == kc || (at->cond->keyhash == kc->keyhash &&
	    strcasecmp(at->cond->key, kc->key) == 0)))
		return formula_atom_eval(at, val);
	return formula_atom_eval(at, NULL);
}

/* The first atom (left to right) that formula_eval_witness can evaluate
 * and that has a value. */
static const struct formula_atom *
formula_first_atom(const struct formula *f)
{
	const struct formula_atom *at;

	switch (f->kind) {
	case FORMULA_TRUE:
	case FORMULA_FALSE:
		return NULL;
	case FORMULA_NOT:
		return formula_first_atom(f->u.neg);
	case FORMULA_AND:
	case FORMULA_OR:
		at = formula_first_atom(f->u.bin.a);
		return at != NULL ? at : formula_first_atom(f->u.bin.b);
	case FORMULA_ATOM:
		break;
	}
	at = &f->u.atom;
	return at->cond != NULL && !at->unresolved && at->nvals > 0 ? at : NULL;
}

const struct formula *
formula_decide(struct arena *a, const struct formula *f)
{
	struct formula_doms ds;
	size_t combos = 1, stride[FORMULA_MAX_KEYS];
	bool seen_t = false, seen_f = false;
	const struct formula_atom *first;

	(void)a;
	if (formula_is_const(f))
		return f;
	/* Two witnesses first: every key absent, and the first atom's key
	 * given that atom's first value. A typical open constraint (the
	 * services a role may be passed to) is false for the one and true
	 * for the other: it is then open, whatever the other combinations
	 * give, and nothing needs collecting or enumerating. */
	first = formula_first_atom(f);
	if (first != NULL) {
		int none = formula_eval_witness(f, NULL, NULL);
		int one = formula_eval_witness(f, first->cond, first->vals[0]);

		if (none >= 0 && one >= 0 && none != one)
			return f;
	}
	ds.n = 0;
	ds.finite = true;
	ds.hash_unique = true;
	formula_collect(f, &ds);
	if (!ds.finite || ds.n == 0)
		return f;
	/* Combination c gives key i the candidate (c / stride[i]) % ncands. */
	for (size_t i = 0; i < ds.n; i++) {
		stride[i] = combos;
		combos *= ds.d[i].ncands;
		if (combos > FORMULA_MAX_COMBOS)
			return f;
	}
	/* An open constraint usually shows both values within its first few
	 * combinations (a key absent, then one of its listed values): try
	 * those one at a time, stopping as soon as both values were seen,
	 * before evaluating all combinations 64 at a time. */
	for (size_t c = 0; c < combos && c < FORMULA_PROBE; c++) {
		for (size_t i = 0; i < ds.n; i++) {
			/* Alternate between the policy's literals (added last) and
			 * the stand-ins (absent, another value, ...; added first):
			 * a constraint on a key is usually true for one and false
			 * for the other, so the probe stops after two. */
			size_t j = (c / stride[i]) % ds.d[i].ncands;

			ds.cur[i] = ds.d[i].cands[j % 2 == 0 ? ds.d[i].ncands - 1 - j / 2 : j / 2];
		}
		if (formula_eval_doms(f, &ds))
			seen_t = true;
		else
			seen_f = true;
		if (seen_t && seen_f)
			return f;
	}
	if (combos <= FORMULA_PROBE)
		return seen_t ? &formula_const_true : &formula_const_false;
	for (size_t base = 0; base < combos; base += 64) {
		uint64_t valid = combos - base >= 64 ? ~(uint64_t)0 :
		    ((uint64_t)1 << (combos - base)) - 1;
		formula_sel sel;
		uint64_t v;

		for (size_t k = 0; k < ds.n; k++) {
			for (size_t j = 0; j < ds.d[k].ncands; j++)
				sel[k][j] = 0;
			for (size_t i = 0; i < 64; i++)
				sel[k][((base + i) / stride[k]) % ds.d[k].ncands] |= (uint64_t)1 << i;
		}
		v = formula_eval_block(f, &ds, (const formula_sel *)&sel) & valid;

		seen_t |= v != 0;
		seen_f |= v != valid;
		if (seen_t && seen_f)
			return f;
	}
	return seen_t ? &formula_const_true : &formula_const_false;
}

/* ---- rendering ---- */

static const char *
formula_op_phrase(enum condop_kind k)
{
	switch (k) {
	case CONDOP_STRING_EQUALS: return "in";
	case CONDOP_STRING_NOT_EQUALS: return "not in";
	case CONDOP_STRING_EQUALS_IGNORE_CASE: return "in (ignoring case)";
	case CONDOP_STRING_NOT_EQUALS_IGNORE_CASE: return "not in (ignoring case)";
	case CONDOP_STRING_LIKE: return "like";
	case CONDOP_STRING_NOT_LIKE: return "not like";
	case CONDOP_NUMERIC_EQUALS: return "==";
	case CONDOP_NUMERIC_NOT_EQUALS: return "!=";
	case CONDOP_NUMERIC_LESS_THAN: return "<";
	case CONDOP_NUMERIC_LESS_THAN_EQUALS: return "<=";
	case CONDOP_NUMERIC_GREATER_THAN: return ">";
	case CONDOP_NUMERIC_GREATER_THAN_EQUALS: return ">=";
	case CONDOP_DATE_EQUALS: return "at date";
	case CONDOP_DATE_NOT_EQUALS: return "not at date";
	case CONDOP_DATE_LESS_THAN: return "before";
	case CONDOP_DATE_LESS_THAN_EQUALS: return "at or before";
	case CONDOP_DATE_GREATER_THAN: return "after";
	case CONDOP_DATE_GREATER_THAN_EQUALS: return "at or after";
	case CONDOP_BOOL: return "is";
	case CONDOP_BINARY_EQUALS: return "equals binary";
	case CONDOP_IP_ADDRESS: return "in network";
	case CONDOP_NOT_IP_ADDRESS: return "not in network";
	case CONDOP_ARN_EQUALS: return "arn in";
	case CONDOP_ARN_LIKE: return "arn like";
	case CONDOP_ARN_NOT_EQUALS: return "arn not in";
	case CONDOP_ARN_NOT_LIKE: return "arn not like";
	case CONDOP_NULL: return "is";
	}
	return "?";
}

/* Values are printed without the MATCH_ESC marks (the literal shows). */
static int
formula_put_value(struct buf *out, const char *v)
{
	for (; *v != '\0'; v++)
		if (*v != MATCH_ESC && buf_putc(out, *v) < 0)
			return -1;
	return 0;
}

static int
formula_render_atom(const struct formula_atom *at, struct buf *out)
{
	const struct policy_cond *c = at->cond;
	int rc = 0;

	if (c == NULL)
		return buf_puts(out, at->text != NULL ? at->text : "?");
	if (c->op.kind == CONDOP_NULL) {
		/* Null true: absent; Null false: present; both: anything */
		bool t = false, fa = false;

		for (size_t i = 0; i < at->nvals; i++) {
			if (strcasecmp(at->vals[i], "true") == 0)
				t = true;
			else
				fa = true;
		}
		return buf_printf(out, "%s %s", c->key,
		    t && fa ? "is absent or present" : t ? "is absent" : "is present");
	}
	if (c->op.set == CONDOP_SET_FOR_ANY_VALUE)
		rc |= buf_puts(out, "some value of ");
	else if (c->op.set == CONDOP_SET_FOR_ALL_VALUES)
		rc |= buf_puts(out, "every value of ");
	rc |= buf_printf(out, "%s %s ", c->key, formula_op_phrase(c->op.kind));
	if (c->op.kind == CONDOP_BOOL && at->nvals == 1) {
		rc |= formula_put_value(out, at->vals[0]);
	} else {
		rc |= buf_putc(out, '{');
		for (size_t i = 0; i < at->nvals; i++) {
			if (i > 0)
				rc |= buf_puts(out, ", ");
			rc |= formula_put_value(out, at->vals[i]);
		}
		rc |= buf_putc(out, '}');
	}
	if (c->op.if_exists)
		rc |= buf_puts(out, " or absent");
	if (c->op.set == CONDOP_SET_FOR_ALL_VALUES)
		rc |= buf_puts(out, " (or no value)");
	return rc != 0 ? -1 : 0;
}

/* The operator that is exactly "not op" for a single-valued condition
 * without IfExists: IAM's negated operators hold when the key is absent and
 * the positive ones do not, so each pair is each other's complement; -1
 * for the others (an ordering, Bool, Null: their negation also admits an
 * absent key, which no single operator says). */
static int
formula_op_complement(enum condop_kind k)
{
	static const enum condop_kind pairs[][2] = {
		{ CONDOP_STRING_EQUALS, CONDOP_STRING_NOT_EQUALS },
		{ CONDOP_STRING_EQUALS_IGNORE_CASE, CONDOP_STRING_NOT_EQUALS_IGNORE_CASE },
		{ CONDOP_STRING_LIKE, CONDOP_STRING_NOT_LIKE },
		{ CONDOP_NUMERIC_EQUALS, CONDOP_NUMERIC_NOT_EQUALS },
		{ CONDOP_DATE_EQUALS, CONDOP_DATE_NOT_EQUALS },
		{ CONDOP_IP_ADDRESS, CONDOP_NOT_IP_ADDRESS },
		{ CONDOP_ARN_EQUALS, CONDOP_ARN_NOT_EQUALS },
		{ CONDOP_ARN_LIKE, CONDOP_ARN_NOT_LIKE },
	};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		if (pairs[i][0] == k)
			return (int)pairs[i][1];
		if (pairs[i][1] == k)
			return (int)pairs[i][0];
	}
	return -1;
}

/* "not (k not in {x})" as "k in {x}": a negated atom whose operator has an
 * exact complement is rendered with it, once, instead of a double
 * negation. 0, -1 when the text does not fit, or 1 (nothing written) when
 * the atom has no such complement. */
static int
formula_render_not_atom(const struct formula *f, struct buf *out)
{
	const struct formula_atom *at;
	struct formula_atom flip;
	struct policy_cond cond;
	int k;

	if (f->kind != FORMULA_ATOM || (at = &f->u.atom)->cond == NULL ||
	    at->cond->op.set != CONDOP_SET_NONE || at->cond->op.if_exists ||
	    (k = formula_op_complement(at->cond->op.kind)) < 0)
		return 1;
	cond = *at->cond;
	cond.op.kind = (enum condop_kind)k;
	flip = *at;
	flip.cond = &cond;
	return formula_render_atom(&flip, out);
}

static bool
formula_needs_parens(const struct formula *child, enum formula_kind parent)
{
	if (child->kind == FORMULA_ATOM)
		return child->u.atom.cond != NULL && (child->u.atom.cond->op.if_exists ||
		    child->u.atom.cond->op.set == CONDOP_SET_FOR_ALL_VALUES);
	if (child->kind == FORMULA_NOT)
		return false;
	return child->kind != parent;
}

static int formula_render_in(const struct formula *f, struct buf *out, enum formula_kind parent);

static int
formula_render_in(const struct formula *f, struct buf *out, enum formula_kind parent)
{
	bool paren = parent != FORMULA_TRUE && formula_needs_parens(f, parent);
	int rc = 0;

	if (paren)
		rc |= buf_putc(out, '(');
	switch (f->kind) {
	case FORMULA_TRUE:
		rc |= buf_puts(out, "true");
		break;
	case FORMULA_FALSE:
		rc |= buf_puts(out, "false");
		break;
	case FORMULA_ATOM:
		rc |= formula_render_atom(&f->u.atom, out);
		break;
	case FORMULA_NOT: {
		int r = formula_render_not_atom(f->u.neg, out);

		if (r <= 0) {
			rc |= r;
			break;
		}
		rc |= buf_puts(out, "not (");
		rc |= formula_render_in(f->u.neg, out, FORMULA_TRUE);
		rc |= buf_putc(out, ')');
		break;
	}
	case FORMULA_AND:
	case FORMULA_OR:
		rc |= formula_render_in(f->u.bin.a, out, f->kind);
		rc |= buf_puts(out, f->kind == FORMULA_AND ? " and " : " or ");
		rc |= formula_render_in(f->u.bin.b, out, f->kind);
		break;
	}
	if (paren)
		rc |= buf_putc(out, ')');
	return rc != 0 ? -1 : 0;
}

int
formula_render(const struct formula *f, struct buf *out)
{
	/* FORMULA_TRUE as "parent" means top level: no parentheses. */
	return formula_render_in(f, out, FORMULA_TRUE);
}
