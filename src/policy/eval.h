/*
 * AWS's authorization chain for one same-account request, three-valued.
 *
 * Layers (see docs/iam-evaluation.md and AWS's "Policy evaluation logic"):
 * an explicit deny in any applicable policy denies; otherwise every SCP
 * level (root first, account last), every RCP level where AWS applies RCPs,
 * the permissions boundary, the session policies and the VPC endpoint policy
 * must allow, and an identity-based policy (or, in the same account, a
 * resource-based policy naming the principal) must grant. For sts:AssumeRole*
 * the role trust policy must allow as well. For iam:PassRole the resource
 * policies given are the passed role's trust policy: they do not take part
 * in the decision but say to which services the pass is useful.
 *
 * Results live in the eval_state's arena and are valid until the next
 * eval_run() on that state. After the arena has grown once, a decision does
 * no malloc.
 */
#ifndef PRA_POLICY_EVAL_H
#define PRA_POLICY_EVAL_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/arena.h"
#include "policy/ctx.h"
#include "policy/formula.h"
#include "policy/policy.h"
#include "util/err.h"

enum eval_layer {
	EVAL_LAYER_SCP,
	EVAL_LAYER_RCP,
	EVAL_LAYER_BOUNDARY,
	EVAL_LAYER_IDENTITY,
	EVAL_LAYER_SESSION,
	EVAL_LAYER_ENDPOINT,
	EVAL_LAYER_RESOURCE,
	EVAL_LAYER_COUNT,
	EVAL_LAYER_NONE = EVAL_LAYER_COUNT,
};

struct eval_policy {
	const struct policy *policy;
	const char *name;	/* shown in reports; defaults to the policy's name */
	const char *source;	/* e.g. "user alice inline", may be NULL */
};

struct eval_level {
	const struct eval_policy *policies;
	size_t n;
};

struct eval_request {
	const struct ctx *ctx;
	bool is_management_account;
	bool principal_is_service_linked_role;
	const struct eval_policy *identity;
	size_t nidentity;
	const struct eval_policy *boundary;	/* NULL: none */
	const struct eval_level *scp;		/* root first; nscp == 0: no organization */
	size_t nscp;
	const struct eval_level *rcp;
	size_t nrcp;
	const struct eval_policy *session;	/* has_session: session policies apply */
	size_t nsession;
	bool has_session;
	const struct eval_policy *endpoint;	/* NULL: not through an endpoint */
	const struct eval_policy *resource;
	size_t nresource;
	/* The iam:PassedToService value of a PassRole to the service whose
	 * principal a trust policy names, when the two differ (App Runner's
	 * instance roles trust tasks.apprunner.amazonaws.com, the PassRole
	 * carries apprunner.amazonaws.com). NULL: the same name. */
	const char *(*passed_to_of)(const char *service_principal);
};

enum eval_decision { EVAL_ALLOWED, EVAL_DENIED, EVAL_CONDITIONAL };
enum eval_deny { EVAL_DENY_NONE, EVAL_DENY_EXPLICIT, EVAL_DENY_IMPLICIT };
enum eval_outcome {
	EVAL_OUT_NOT_APPLICABLE,
	EVAL_OUT_ALLOW,
	EVAL_OUT_DENY,
	EVAL_OUT_NO_ALLOW,
	EVAL_OUT_CONDITIONAL,
};

/* A statement that applies (or may apply) to the request. */
struct eval_match {
	const struct eval_policy *policy;
	const struct policy_stmt *stmt;
	size_t level;			/* SCP/RCP level, 0 otherwise */
	const struct formula *when;	/* TRUE, or the open constraint */
	struct eval_match *next;
};

struct eval_layer_out {
	enum eval_outcome outcome;
	const struct formula *allow;	/* some statement allows */
	const struct formula *deny;	/* some statement denies */
	struct eval_match *matches;	/* in policy and statement order */
	struct eval_match **tail;
};

#define EVAL_MAX_SERVICES 64

struct eval_result {
	enum eval_decision decision;
	enum eval_deny deny;
	enum eval_layer layer;		/* deciding layer of a deny */
	const struct formula *constraints;	/* the allow formula (TRUE/FALSE/open) */
	struct eval_layer_out layers[EVAL_LAYER_COUNT];
	/* iam:PassRole with the role's trust policy: the services it trusts
	 * and to which this principal may pass it. */
	bool has_services;
	const char *services[EVAL_MAX_SERVICES];
	size_t nservices;
	const char *note;	/* a sentence about a special case, or NULL */
};

struct eval_state {
	struct arena arena;
	char scratch[2 * CTX_MAX_ARN];
};

void eval_state_init(struct eval_state *st);
void eval_state_free(struct eval_state *st);

/* 0, or -1 with e set (only when the evaluation arena is exhausted). */
int eval_run(struct eval_state *st, const struct eval_request *rq, struct eval_result *res,
    struct err *e);
/*
 * The same decision without the explanation: every field of res is what
 * eval_run() gives (decision, deny, layer, constraints, services, note and
 * each layer's outcome, allow and deny) except that the layers' match lists
 * stay empty. This is the audit's hot path: it skips the bookkeeping and
 * the statements that can no longer change a layer's result.
 */
int eval_decide(struct eval_state *st, const struct eval_request *rq, struct eval_result *res,
    struct err *e);

/* Does AWS apply resource control policies to this service prefix? */
bool eval_rcp_service(const char *svc, size_t len);

const char *eval_layer_name(enum eval_layer l);
const char *eval_outcome_name(enum eval_outcome o);
const char *eval_decision_name(enum eval_decision d);

#endif
