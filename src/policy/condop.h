/*
 * Condition operators of the IAM policy language, for one condition key.
 *
 * A Condition block is { "Operator": { "key": value-or-array, ... }, ... }.
 * The engine (policy/eval) decides which keys are known, absent or unknown in
 * a request, handles policy variables, and ANDs the keys and operators of a
 * block. This module answers one question: given the operator, the policy's
 * values for one key, and the request's values for that key (or that the key
 * is absent), does this key's condition hold?  It owns every AWS rule that
 * depends only on the operator: type conversion and case rules, negated
 * operators, IfExists, ForAnyValue:/ForAllValues: on missing and empty keys,
 * several policy values ORed (none-of for negated operators), Null.
 */
#ifndef PRA_POLICY_CONDOP_H
#define PRA_POLICY_CONDOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

enum condop_kind {
	CONDOP_STRING_EQUALS,
	CONDOP_STRING_NOT_EQUALS,
	CONDOP_STRING_EQUALS_IGNORE_CASE,
	CONDOP_STRING_NOT_EQUALS_IGNORE_CASE,
	CONDOP_STRING_LIKE,
	CONDOP_STRING_NOT_LIKE,
	CONDOP_NUMERIC_EQUALS,
	CONDOP_NUMERIC_NOT_EQUALS,
	CONDOP_NUMERIC_LESS_THAN,
	CONDOP_NUMERIC_LESS_THAN_EQUALS,
	CONDOP_NUMERIC_GREATER_THAN,
	CONDOP_NUMERIC_GREATER_THAN_EQUALS,
	CONDOP_DATE_EQUALS,
	CONDOP_DATE_NOT_EQUALS,
	CONDOP_DATE_LESS_THAN,
	CONDOP_DATE_LESS_THAN_EQUALS,
	CONDOP_DATE_GREATER_THAN,
	CONDOP_DATE_GREATER_THAN_EQUALS,
	CONDOP_BOOL,
	CONDOP_BINARY_EQUALS,
	CONDOP_IP_ADDRESS,
	CONDOP_NOT_IP_ADDRESS,
	CONDOP_ARN_EQUALS,
	CONDOP_ARN_LIKE,
	CONDOP_ARN_NOT_EQUALS,
	CONDOP_ARN_NOT_LIKE,
	CONDOP_NULL,
};

enum condop_set {
	CONDOP_SET_NONE = 0,		/* single-valued operator */
	CONDOP_SET_FOR_ANY_VALUE,	/* ForAnyValue: */
	CONDOP_SET_FOR_ALL_VALUES,	/* ForAllValues: */
};

struct condop {
	enum condop_kind kind;
	enum condop_set set;
	bool if_exists;
};

/*
 * Parse an operator name as it appears in a policy, e.g. "StringLike",
 * "ForAllValues:StringEqualsIgnoreCaseIfExists". Operator names are
 * case-sensitive as in AWS. Returns 0, or -1 with e naming the operator
 * (with a did-you-mean when a known name differs only in case or by a typo).
 */
int condop_parse(const char *name, struct condop *out, struct err *e);

/* The canonical name back ("ForAnyValue:StringLikeIfExists"); returns the
 * length snprintf would have written. */
size_t condop_format(const struct condop *op, char *out, size_t outlen);

/* StringNotEquals, StringNotEqualsIgnoreCase, StringNotLike, NumericNotEquals,
 * DateNotEquals, NotIpAddress, ArnNotEquals, ArnNotLike. */
bool condop_is_negated(enum condop_kind kind);

/*
 * The policy-side values of one condition key, compiled once when the policy
 * is compiled: numbers, dates, CIDRs, booleans and base64 parsed ahead, so
 * evaluation does no parsing and no allocation. Immutable; one owner.
 * vals are the JSON values already turned into strings (JSON true/false and
 * numbers arrive as their text, e.g. "true", "10"). A value that the operator
 * cannot use (a NumericEquals value "abc", a bad CIDR) is an error naming the
 * value, as AWS's policy validation rejects it.
 */
struct condop_values;
struct condop_values *condop_values_new(const struct condop *op,
    const char *const *vals, size_t nvals, struct err *e);
void condop_values_free(struct condop_values *pv);
size_t condop_values_count(const struct condop_values *pv);
const char *condop_values_get(const struct condop_values *pv, size_t i);

/*
 * Does AWS substitute policy variables in this operator's values? True for
 * the String, Bool and Arn families; AWS's operator reference says "You can
 * not use a policy variable" with Numeric, Date, Binary, IpAddress and Null,
 * so a ${...} there is literal text (and then not a valid value).
 */
bool condop_takes_policy_variables(enum condop_kind kind);

/*
 * Evaluate the condition for one key.
 *   present: the key exists in the request context (false = absent).
 *   req/nreq: the request's values (nreq may be 0 for a present multivalued
 *             key with an empty list; single-valued keys have nreq == 1).
 * Values are matched as AWS does for each operator family (Like operators
 * use match_glob/match_arn; MATCH_ESC marks a literal from ${*} ${?} ${$}).
 */
bool condop_eval(const struct condop *op, const struct condop_values *pv,
    bool present, const char *const *req, size_t nreq);
/*
 * Rules at a glance (condop.c has the AWS wording and the readings chosen
 * where AWS is silent; tests/unit/check_condop.c pins each one):
 *  - absent key: ...IfExists -> true; ForAllValues: -> true; ForAnyValue: ->
 *    false; otherwise negated operators -> true, the rest -> false.
 *  - "null dataset" = present with nreq == 0, or the single value "": Null
 *    counts it as null, ForAllValues: as true, ForAnyValue: as false.
 *    IfExists applies to absence only.
 *  - an operator without ForAnyValue:/ForAllValues: matches only when
 *    nreq == 1 (AWS: multivalued keys require a set operator).
 *  - a request value the operator cannot read (not a number, date, address,
 *    base64, boolean) satisfies neither the operator nor its negation.
 *  - Null needs no values of the request; op->set and op->if_exists are
 *    never set for it by condop_parse.
 */

/*
 * condop_eval() for a key present with exactly one value (the usual request
 * key), given that value's length and condop_value_hash(): the same answer
 * as condop_eval(op, pv, true, &val, 1). The request computes both once per
 * key, so case-sensitive string equality then rejects a policy value on an
 * integer compare and never measures or reads the request value again.
 */
bool condop_eval_one(const struct condop *op, const struct condop_values *pv,
    const char *val, size_t len, uint64_t hash);
/* 64-bit hash of a value's bytes, for condop_eval_one(). */
uint64_t condop_value_hash(const char *s, size_t len);

/*
 * The same for policy values that contained policy variables and were
 * substituted for this request (so they could not be compiled ahead). Must
 * not allocate either: values are parsed on the fly. A value that cannot be
 * parsed for the operator never matches.
 */
bool condop_eval_strings(const struct condop *op, const char *const *vals,
    size_t nvals, bool present, const char *const *req, size_t nreq);

#endif
