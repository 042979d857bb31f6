/*
 * An IAM policy document compiled for evaluation.
 *
 * policy_parse() checks a document as AWS's policy validation does (Effect,
 * Action/NotAction, Resource/NotResource, Principal/NotPrincipal, Condition
 * operators, types, unknown keys, duplicate Sids, size bounds) and turns it
 * into an immutable form: lower-cased action patterns split at the service
 * prefix so that most statements are rejected by one length+memcmp, resource
 * patterns flagged for wildcards and policy variables, principals classified,
 * and condition values compiled by condop unless they hold variables.
 *
 * Everything of one policy lives in one arena owned by struct policy; the
 * struct is read-only after policy_parse() and may be shared between threads.
 */
#ifndef PRA_POLICY_POLICY_H
#define PRA_POLICY_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "policy/arena.h"
#include "policy/condop.h"
#include "policy/strhead.h"
#include "util/err.h"

/* Bounds on hostile or broken documents: far above AWS's own quotas (a
 * managed policy is at most 6144 characters, an SCP 5120) but finite. */
#define POLICY_MAX_TEXT		(256u * 1024u)
#define POLICY_MAX_STATEMENTS	1000u
#define POLICY_MAX_VALUES	4096u	/* per element or condition key */
#define POLICY_MAX_CONDITIONS	256u	/* operator/key pairs per statement */

/* Which kind of policy is parsed: it decides whether Principal is required,
 * allowed or forbidden, as AWS validates it. */
enum policy_kind {
	POLICY_KIND_IDENTITY,	/* identity, boundary, session, SCP */
	POLICY_KIND_RESOURCE,	/* resource-based, trust policy, RCP */
	POLICY_KIND_ENDPOINT,	/* VPC endpoint policy: Principal optional */
};

enum policy_effect { POLICY_ALLOW, POLICY_DENY };

/* How an action pattern is matched, chosen at compile time so that the
 * evaluator does one integer-compare test for nearly every pattern. */
enum policy_action_kind {
	POLICY_ACT_ANY,		/* "*" */
	POLICY_ACT_EXACT,	/* no wildcard: head is the whole pattern */
	POLICY_ACT_PREFIX,	/* one trailing '*': head is the part before it */
	POLICY_ACT_GLOB,	/* head ("svc:", or empty) must be a prefix, then a glob */
};

/* One Action/NotAction pattern, lower-cased. svc is the part before the
 * first ':' when it has no wildcard (svc_len > 0), for the fast reject. */
struct policy_action {
	struct strhead_pat head;	/* see enum policy_action_kind */
	enum policy_action_kind kind;
	const char *pat;	/* full pattern, lower case */
	size_t len;
	uint16_t svc_len;	/* 0 when the service part has a wildcard */
	bool any;		/* "*" */
	bool wild;		/* has * or ? */
	bool prefix;		/* the only wildcard is one trailing '*': compare len-1 bytes */
};

/* One of the six parts of an ARN pattern, classified ahead so that most
 * parts are skipped ("*") or compared with memcmp instead of a glob. */
enum policy_part_kind {
	POLICY_PART_ANY,	/* "*" */
	POLICY_PART_LIT,	/* no wildcard */
	POLICY_PART_PREFIX,	/* literal then one trailing '*' */
	POLICY_PART_GLOB,
};

struct policy_arn_part {
	struct strhead_pat head;	/* LIT: the part; PREFIX: the part before '*' */
	const char *s;
	size_t len;
	enum policy_part_kind kind;
};

struct policy_resource {
	const char *pat;
	bool any;		/* "*" */
	bool has_var;		/* ${...} in a 2012-10-17 policy */
	bool split;		/* parts[] valid: a six-part ARN pattern without variables */
	struct policy_arn_part parts[6];
	/* The leading literal parts ("arn:aws:s3:" of arn:aws:s3:::bucket/key) with
	 * their colons: one prefix compare on the whole request ARN stands for
	 * all of them. nlead is how many parts it covers (at most 5). */
	struct strhead_pat lead;
	uint8_t nlead;
	/* The other parts that are not "*", the likeliest to differ first
	 * (service, account, resource, region, then partition and "arn"): the
	 * matcher visits only these and stops at the first that fails. */
	uint8_t check[6];
	uint8_t ncheck;
};

/* Split an ARN at its first five colons as match_arn() does (a MATCH_ESC
 * escapes the next byte); false when it has fewer than six parts. */
bool policy_arn_split(const char *s, const char *part[6], size_t len[6]);

enum policy_principal_type {
	POLICY_PRINCIPAL_ANY,		/* "*" or {"AWS": "*"} */
	POLICY_PRINCIPAL_ACCOUNT,	/* 12 digits or arn:...:root */
	POLICY_PRINCIPAL_ARN,		/* user, role, assumed-role ... */
	POLICY_PRINCIPAL_SERVICE,
	POLICY_PRINCIPAL_FEDERATED,
	POLICY_PRINCIPAL_CANONICAL,
};

struct policy_principal {
	enum policy_principal_type type;
	const char *value;	/* the account id for ACCOUNT */
};

/* A value's share of a value set's hash (policy_cond.valset): a sum of
 * these does not depend on the values' order, as a condition's meaning
 * does not (its values are ORed). */
static inline uint64_t
policy_valset_term(uint64_t valhash)
{
	valhash ^= valhash >> 31;
	return valhash * 0x9e3779b97f4a7c15u;
}

/* One operator/key pair of a Condition block. */
struct policy_cond {
	struct condop op;
	const char *opname;	/* as written */
	const char *key;	/* as written; matched case-insensitively */
	size_t keylen;
	uint32_t keyhash;	/* ctx_key_hash() */
	const char *const *vals;	/* the values as strings */
	size_t nvals;
	/* condop_value_hash() of each value as written: formulas compare
	 * and collect their atoms' values by these (formula.c). */
	const uint64_t *valhash;
	uint64_t valset;	/* sum of policy_valset_term(valhash[i]): order-free */
	bool has_var;		/* values need substitution per request */
	struct condop_values *compiled;	/* NULL when has_var */
};

/*
 * Candidate index. A request's action falls in one of POLICY_BUCKETS
 * buckets by its service prefix and the first letter of its action name
 * ("s3" and 'g' for s3:GetObject); each policy lists, per bucket, the
 * statements one of whose actions could match an action of that bucket
 * (every bucket for NotAction, "*", "s3:*" and other patterns with a
 * wildcard there). The evaluator visits only the request's bucket: most
 * statements of a large policy are never looked at, and the letter cuts
 * the statements of the same service by about the number of verbs.
 */
#define POLICY_BUCKETS 256u
/* svc: the service prefix (any case), first: the byte after its ':' (the
 * NUL of an empty action name included), already lower case. */
unsigned policy_action_bucket(const char *svc, size_t len, unsigned char first);

/* Laid out for the evaluator: what it reads for every candidate (effect,
 * flags, the action patterns) comes first, in one cache line; Sid and
 * index, read only for reports, come last. */
struct policy_stmt {
	enum policy_effect effect;
	/* Applies to every request, unconditionally: an Action "*" without
	 * Principal, Condition or a Resource other than "*" (FullAWSAccess and
	 * the like, present in every SCP level). The evaluator answers TRUE
	 * for it without looking at the request. */
	bool always;
	bool not_action, not_resource, not_principal;
	bool has_resource;	/* Resource or NotResource present */
	bool has_principal;	/* Principal or NotPrincipal present */
	/* Principal holds "*" and a Condition entry tests aws:PrincipalArn:
	 * AWS does not let a permissions boundary or session policy limit what
	 * such a statement grants (see eval.c, eval_principals). */
	bool wildcard_principal_arn;
	const struct policy_action *actions;
	size_t nactions;
	const struct policy_resource *resources;
	size_t nresources;
	const struct policy_cond *conds;
	size_t nconds;
	const struct policy_principal *principals;
	size_t nprincipals;
	const char *sid;	/* NULL when absent */
	size_t index;		/* position in Statement */
};

struct policy {
	struct arena arena;	/* owns the compiled statements and their strings */
	cJSON *tree;		/* the parsed document, only while compiling */
	const char *name;
	const char *version;	/* NULL when absent */
	bool vars;		/* Version 2012-10-17: substitute variables */
	const struct policy_stmt *stmts;
	size_t nstmts;
	/* The statements (in order) listed under bucket b:
	 * bucket_stmts[bucket_start[b] .. bucket_start[b + 1]). The evaluator
	 * visits only these, with no scan and no unpredictable branches. */
	uint32_t bucket_start[POLICY_BUCKETS + 1];
	const uint16_t *bucket_stmts;
	struct condop_values **owned;	/* compiled condition values to free */
	size_t nowned;
};

/* Parse and compile a document. name is used in messages ("policy "name":
 * Statement[2].Effect: ...") and kept. Returns NULL with e set. */
struct policy *policy_parse(const cJSON *doc, const char *name, enum policy_kind kind,
    struct err *e);
/* The same from JSON text (bounded by POLICY_MAX_TEXT). */
struct policy *policy_parse_text(const char *text, size_t len, const char *name,
    enum policy_kind kind, struct err *e);
void policy_free(struct policy *p);

/* "Sid" or "#index" for messages and reports. */
void policy_stmt_label(const struct policy_stmt *s, char *out, size_t outlen);

#endif
