/*
 * Explanations of a decision in AWS's own words: the AccessDenied sentence
 * that names the policy type which denied ("... with an explicit deny in a
 * service control policy", "... because no permissions boundary allows the
 * iam:PassRole action"), and a layer-by-layer account naming each policy and
 * statement that allowed or denied.
 */
#ifndef PRA_POLICY_EXPLAIN_H
#define PRA_POLICY_EXPLAIN_H

#include "policy/ctx.h"
#include "policy/eval.h"
#include "util/buf.h"

/* The policy type as AWS names it in messages ("a service control policy"). */
const char *explain_layer_phrase(enum eval_layer l, const struct ctx *c);
/* The AccessDenied message of a denied result (nothing is written for an
 * allowed or conditional one). 0 or -1 (buffer full / no memory). */
int explain_message(const struct eval_result *r, const struct ctx *c, struct buf *out);
/* "sid" label of a match: the Sid, or #index. */
void explain_stmt_label(const struct eval_match *m, char *out, size_t outlen);
/* Multi-line text: decision, message, constraints, services and, for each
 * layer, its outcome and the statements that matched. */
int explain_text(const struct eval_result *r, const struct ctx *c, struct buf *out);

#endif
