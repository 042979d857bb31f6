/*
 * Evaluation request files (man passrole-auditd-eval(5), CONTRACT-EVAL.md):
 * one JSON request describing a principal, an action, a resource, the
 * request context and every policy layer; or JSON Lines, one request per
 * line. Each is loaded, checked (bad input names the file, line and JSON
 * path), evaluated and written as text or as one JSON result object.
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

/* A single request file is parsed whole; a batch file is streamed, one
 * line (one request) at a time, with no bound on its size. */
#define EVALCMD_MAX_FILE (64u * 1024u * 1024u)
#define EVALCMD_MAX_LINE (8u * 1024u * 1024u)
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
/* Run a file: one request, or JSON Lines with batch (read as a stream: one
 * result line per request line, written as it is evaluated). Output as text
 * or JSON (batch is always JSON, one object per line). */
int evalcmd_run(const char *path, bool batch, bool json, FILE *out, struct err *e);

#endif
