/*
 * Evaluation requests (man passrole-auditd-eval(5), CONTRACT-EVAL.md): one
 * JSON request describing a principal, an action, a resource, the request
 * context and every policy layer, loaded and checked (bad input names the
 * JSON path) into what the evaluator takes, and its result as the
 * contract's JSON object. The audit's explanations build requests the
 * same way. Reading request files is the --eval command's (src/evalcmd.c).
 */
#ifndef PRA_POLICY_EVALCMD_H
#define PRA_POLICY_EVALCMD_H

#include <stdbool.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "policy/arena.h"
#include "policy/ctx.h"
#include "policy/eval.h"
#include "util/err.h"

#define EVALCMD_MAX_POLICIES 256u	/* per layer or level */
#define EVALCMD_MAX_LEVELS 16u

/*
 * Compiled policies shared between the requests of one run: a batch (or a
 * benchmark) usually repeats the same documents for thousands of requests,
 * and compiling each once also keeps the evaluator's working set small.
 * Keyed by kind, name and document text; owns its policies.
 */
struct evalcmd_cache_entry;
struct evalcmd_cache {
	struct evalcmd_cache_entry *slots;
	size_t cap, n;
};

#define EVALCMD_CACHE_MAX 65536u

void evalcmd_cache_init(struct evalcmd_cache *c);
void evalcmd_cache_free(struct evalcmd_cache *c);

/* One loaded request; owns its strings and the compiled policies that are
 * not in a cache. */
struct evalcmd_case {
	struct arena arena;
	const char *name;	/* NULL when the request has none */
	struct evalcmd_cache *cache;	/* NULL: compile privately */
	struct policy **owned;
	size_t nowned, capowned;
	cJSON *request_tree;	/* the ctx points into its strings */
	struct ctx ctx;
	struct eval_request rq;
};

/* Load a request object (already parsed); on error e names the JSON path.
 * cache may be NULL; when given it must outlive the case. */
int evalcmd_load(struct evalcmd_case *ec, const cJSON *req, struct evalcmd_cache *cache,
    struct err *e);
void evalcmd_case_free(struct evalcmd_case *ec);
/* The result object of the contract (caller frees with cJSON_Delete). */
cJSON *evalcmd_result_json(const struct evalcmd_case *ec, const struct eval_result *r);

#endif
