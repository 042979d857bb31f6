/*
 * The request context of one authorization question: who (principal ARN),
 * what (action), on what (resource ARN), and the condition keys. A key is
 * KNOWN (one or more values), UNKNOWN (exists or not, value not known: the
 * answer becomes a formula over it) or ABSENT (anything not listed).
 *
 * Lookups are case-insensitive as in AWS; values keep their case. The
 * context does not copy the strings it is given: the caller keeps them alive
 * for as long as the context is used. Keys that AWS always puts in a request
 * made by an IAM principal (aws:PrincipalArn, aws:PrincipalAccount,
 * aws:username, aws:userid for users, aws:PrincipalType) are derived from the
 * principal ARN unless the caller lists them.
 */
#ifndef PRA_POLICY_CTX_H
#define PRA_POLICY_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/strhead.h"
#include "util/err.h"

#define CTX_MAX_KEYS 64
#define CTX_MAX_ACTION 128
#define CTX_MAX_ARN 2048

enum ctx_key_state { CTX_ABSENT, CTX_KNOWN, CTX_UNKNOWN };

enum ctx_principal_kind {
	CTX_PRINCIPAL_USER,
	CTX_PRINCIPAL_ROLE,
	CTX_PRINCIPAL_SESSION,	/* sts assumed-role */
	CTX_PRINCIPAL_ROOT,	/* account root user */
	CTX_PRINCIPAL_GROUP,	/* not a principal: groups cannot make requests */
	CTX_PRINCIPAL_FEDERATED,	/* sts federated-user */
	CTX_PRINCIPAL_SERVICE,	/* a service principal name */
	CTX_PRINCIPAL_OTHER,
};

struct ctx_key {
	const char *name;
	size_t len;
	uint32_t hash;		/* ctx_key_hash(name): compared before the names */
	enum ctx_key_state state;
	const char *const *vals;
	size_t nvals;
	/* strlen and condop_value_hash() of vals[0] when nvals == 1, computed
	 * once per request for condop_eval_one(). */
	size_t len0;
	uint64_t hash0;
};

struct ctx {
	const char *principal;
	/* How an AccessDenied message names the caller (explain.c), when not
	 * by principal: a role's session ARN, as AWS writes it. Reset by
	 * ctx_init_principal. */
	const char *caller;
	const char *action;	/* as given */
	char action_lc[CTX_MAX_ACTION];	/* lower case, for matching */
	size_t action_len;
	struct strhead action_head;	/* of action_lc: loaded once per request */
	size_t svc_len;		/* length of the service prefix in action_lc */
	unsigned bucket;	/* policy_action_bucket() of the action */
	/* iam:PassRole and sts:AssumeRole* change the chain (eval.c): known
	 * once per request rather than compared in every decision. */
	bool is_passrole, is_assume_role;
	const char *resource;
	/* the resource split as policy_arn_split() does, once per request */
	bool res_split;
	const char *res_part[6];
	size_t res_len[6];
	struct strhead res_head[6];
	struct strhead resource_head;	/* of the whole resource */
	size_t resource_len;
	/* The resource is one the caller chooses: its "*" and "?" stand for
	 * any text (ctx_resource_open). An Allow statement then applies when
	 * its Resource can match some such ARN, a Deny only when it matches
	 * them all (eval.c). Reset by every ctx_set/use_resource. */
	bool res_open;
	enum ctx_principal_kind kind;
	char account[13];	/* from the principal ARN, "" if none */
	/* The IAM role ARN behind an assumed-role session (resource policies
	 * naming the role match its sessions), without path. */
	char role_arn[CTX_MAX_ARN];
	const char *derived_vals[4];
	char username[512];
	struct ctx_key keys[CTX_MAX_KEYS];
	size_t nkeys;
	/* Open-addressing table over keys[] by hash (index + 1, 0 = empty),
	 * at most half full: a condition's key is found, or known absent, in
	 * one or two probes instead of a scan of every key of the request. */
	uint8_t slots[2 * CTX_MAX_KEYS];
};

/* Reset ctx for a new request; checks lengths and classifies the principal.
 * Returns -1 with e naming the field. */
int ctx_init(struct ctx *c, const char *principal, const char *action, const char *resource,
    struct err *e);
/* The same in parts, so that one principal's context (its keys, set once)
 * serves requests for many actions and resources: ctx_init_principal
 * resets the keys; the action and the resource can then be set, and set
 * again, in any order before each request. Same checks and messages as
 * ctx_init. */
int ctx_init_principal(struct ctx *c, const char *principal, struct err *e);
int ctx_set_action(struct ctx *c, const char *action, struct err *e);
int ctx_set_resource(struct ctx *c, const char *resource, struct err *e);
/* A resource as a request reads it (split like policy_arn_split, the
 * heads of its parts), loaded once for a resource asked about in many
 * requests. It points into the string, which must outlive it and every
 * context it is used in. ctx_use_resource is ctx_set_resource without the
 * work. */
struct ctx_resource {
	const char *resource;
	size_t len;
	struct strhead head;
	bool split;
	const char *part[6];
	size_t plen[6];
	struct strhead phead[6];
};
int ctx_resource_load(struct ctx_resource *r, const char *resource, struct err *e);
void ctx_use_resource(struct ctx *c, const struct ctx_resource *r);
/* Mark the resource set last as one the caller chooses (res_open). */
void ctx_resource_open(struct ctx *c);
/* Drop the keys set after the first n (n <= c->nkeys), as if they had
 * never been set. */
void ctx_truncate(struct ctx *c, size_t n);
/* Add a known key (nvals may be 0 for an empty multivalued key). */
int ctx_set(struct ctx *c, const char *key, const char *const *vals, size_t nvals,
    struct err *e);
/* Declare a key unknown. */
int ctx_set_unknown(struct ctx *c, const char *key, struct err *e);
/* Add the keys AWS derives from the principal, unless already set. Call
 * after the caller's own keys. */
int ctx_finish(struct ctx *c, struct err *e);
/* Case-insensitive hash of a key name (policies store it per condition). */
uint32_t ctx_key_hash(const char *key, size_t len);
/* Look a key up (case-insensitive); NULL means absent. */
const struct ctx_key *ctx_get(const struct ctx *c, const char *key, size_t len);
/* The same with the key's ctx_key_hash() already known. */
const struct ctx_key *ctx_get_hashed(const struct ctx *c, const char *key, size_t len,
    uint32_t hash);
/* Same with a NUL-terminated key. */
const struct ctx_key *ctx_get_str(const struct ctx *c, const char *key);

#endif
