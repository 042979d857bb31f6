/*
 * libFuzzer target: evaluation, including conditions and variables.
 *
 * Two input shapes:
 *  - starting with '{': a whole evaluation request (CONTRACT-EVAL.md), loaded
 *    by evalcmd_load, evaluated, and written as the result JSON;
 *  - otherwise POLICY '\0' CONTEXT: the policy document (a fixed policy with
 *    conditions on common keys when it does not parse) placed in every layer,
 *    and a request built from CONTEXT lines: principal, action, resource,
 *    then "key=v1|v2|..." (known; "key=" is a present empty multivalued
 *    key) or "key?" (unknown).
 * The evaluation must finish and its result must be consistent (a deny has a
 * kind, a conditional result has an open constraint), and adding the gates
 * (boundary, SCPs, RCPs, session, endpoint) must never widen the decision.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "policy/ctx.h"
#include "policy/eval.h"
#include "policy/evalcmd.h"
#include "policy/policy.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_VALS 16

static const char fuzz_fallback[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":["
    "{\"Effect\":\"Allow\",\"Action\":\"iam:Pass*\",\"Resource\":\"arn:aws:iam::*:role/${aws:username}*\","
    "\"Condition\":{\"StringLikeIfExists\":{\"iam:PassedToService\":[\"ec2.*\",\"${aws:PrincipalTag/svc, 'x'}\"]},"
    "\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"a\",\"b\"]},\"NumericLessThan\":{\"aws:MultiFactorAuthAge\":\"3600\"},"
    "\"DateGreaterThan\":{\"aws:CurrentTime\":\"2020-01-01T00:00:00Z\"},\"IpAddress\":{\"aws:SourceIp\":[\"10.0.0.0/8\",\"2001:db8::/32\"]},"
    "\"Bool\":{\"aws:SecureTransport\":\"true\"},\"ArnLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:user/*\"},"
    "\"BinaryEquals\":{\"aws:PrincipalTag/bin\":\"aGVsbG8=\"},\"Null\":{\"aws:SourceVpce\":\"true\"}}},"
    "{\"Effect\":\"Deny\",\"NotAction\":\"s3:*\",\"NotResource\":\"arn:aws:iam::*:role/ops/*\","
    "\"Condition\":{\"ForAnyValue:StringNotLike\":{\"aws:CalledVia\":\"cloudformation.*\"},"
    "\"StringNotEqualsIgnoreCase\":{\"aws:userid\":\"${aws:username}\"}}}]}";

static void
fuzz_check(const struct eval_result *r)
{
	if (r->decision == EVAL_DENIED && r->deny == EVAL_DENY_NONE)
		__builtin_trap();
	if (r->decision != EVAL_DENIED && r->deny != EVAL_DENY_NONE)
		__builtin_trap();
	if (r->decision == EVAL_CONDITIONAL && (r->constraints == NULL || formula_is_const(r->constraints)))
		__builtin_trap();
}

static void
fuzz_request_json(const uint8_t *data, size_t size)
{
	struct evalcmd_case ec;
	struct eval_state st;
	struct eval_result res;
	struct err e = { "" };
	cJSON *req = cJSON_ParseWithLength((const char *)data, size);

	if (req == NULL)
		return;
	memset(&ec, 0, sizeof(ec));
	eval_state_init(&st);
	if (evalcmd_load(&ec, req, NULL, &e) == 0) {
		if (eval_run(&st, &ec.rq, &res, &e) == 0) {
			cJSON *o = evalcmd_result_json(&ec, &res);
			char *text = o != NULL ? cJSON_PrintUnformatted(o) : NULL;

			fuzz_check(&res);
			free(text);
			cJSON_Delete(o);
		}
	} else if (e.msg[0] == '\0') {
		__builtin_trap();
	}
	evalcmd_case_free(&ec);
	eval_state_free(&st);
	cJSON_Delete(req);
}

/* Split s (NUL-terminated, modified) at the next '\n'; returns the line. */
static char *
fuzz_line(char **s)
{
	char *line = *s, *nl;

	if (line == NULL)
		return NULL;
	nl = strchr(line, '\n');
	if (nl != NULL) {
		*nl = '\0';
		*s = nl + 1;
	} else {
		*s = NULL;
	}
	return line;
}

static void
fuzz_policy_context(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t plen = nul != NULL ? (size_t)(nul - data) : 0;
	char *ctxtext = NULL, *cur;
	struct policy *pid = NULL, *pres = NULL;
	struct ctx *c = NULL;
	struct eval_state st;
	struct eval_result res;
	struct err e = { "" };
	const char *vals[CTX_MAX_KEYS][FUZZ_MAX_VALS];

	eval_state_init(&st);
	if (nul != NULL)
		pid = policy_parse_text((const char *)data, plen, "fuzz", POLICY_KIND_IDENTITY, &e);
	if (pid == NULL)
		pid = policy_parse_text(fuzz_fallback, sizeof(fuzz_fallback) - 1, "fallback",
		    POLICY_KIND_IDENTITY, &e);
	if (nul != NULL)
		pres = policy_parse_text((const char *)data, plen, "fuzz-res", POLICY_KIND_RESOURCE, &e);
	if (pid == NULL)
		goto out;

	/* The context part, NUL-terminated for the string API. */
	{
		size_t off = nul != NULL ? plen + 1 : 0;

		ctxtext = malloc(size - off + 1);
		if (ctxtext == NULL)
			goto out;
		memcpy(ctxtext, data + off, size - off);
		ctxtext[size - off] = '\0';
	}
	cur = ctxtext;
	{
		const char *principal = fuzz_line(&cur), *action = fuzz_line(&cur), *resource = fuzz_line(&cur);
		size_t nk = 0;
		char *line;

		c = calloc(1, sizeof(*c));
		if (c == NULL)
			goto out;
		if (ctx_init(c, principal != NULL ? principal : "arn:aws:iam::111122223333:user/alice",
		    action != NULL ? action : "iam:PassRole",
		    resource != NULL ? resource : "arn:aws:iam::111122223333:role/Admin", &e) < 0)
			goto out;
		while ((line = fuzz_line(&cur)) != NULL && nk < CTX_MAX_KEYS) {
			char *eq = strchr(line, '=');
			size_t len = strlen(line);

			if (eq == NULL && len > 0 && line[len - 1] == '?') {
				line[len - 1] = '\0';
				(void)ctx_set_unknown(c, line, &e);
				continue;
			}
			if (eq == NULL)
				continue;
			*eq = '\0';
			size_t nv = 0;
			char *v = eq + 1;

			if (*v != '\0') {
				while (v != NULL && nv < FUZZ_MAX_VALS) {
					char *bar = strchr(v, '|');

					if (bar != NULL)
						*bar = '\0';
					vals[nk][nv++] = v;
					v = bar != NULL ? bar + 1 : NULL;
				}
			}
			/* Errors (bad key, duplicate, too many) are expected. */
			(void)ctx_set(c, line, vals[nk], nv, &e);
			nk++;
		}
		if (ctx_finish(c, &e) < 0)
			goto out;
	}

	/* The policy in every layer at once, then alone as identity policy so
	 * that its Allow statements decide. */
	{
		struct eval_policy ep = { pid, "fuzz", NULL };
		struct eval_policy er = { pres != NULL ? pres : pid, "fuzz-res", NULL };
		struct eval_level lv[2] = { { &ep, 1 }, { &ep, 1 } };
		struct eval_level rl[1] = { { &er, 1 } };
		struct eval_request rq;

		enum eval_decision d1 = EVAL_DENIED;
		enum eval_deny k1 = EVAL_DENY_IMPLICIT;
		bool ran1 = false;

		memset(&rq, 0, sizeof(rq));
		rq.ctx = c;
		rq.identity = &ep;
		rq.nidentity = 1;
		if (pres != NULL) {
			rq.resource = &er;
			rq.nresource = 1;
		}
		if (eval_run(&st, &rq, &res, &e) == 0) {
			fuzz_check(&res);
			d1 = res.decision;
			k1 = res.deny;
			ran1 = true;
		}
		/* The same request behind every gate (boundary, SCPs, RCPs,
		 * session, endpoint). Gates only take away: what is allowed now
		 * was allowed without them, and an explicit deny stays one. */
		rq.boundary = &ep;
		rq.scp = lv;
		rq.nscp = 2;
		rq.session = &ep;
		rq.nsession = 1;
		rq.has_session = true;
		if (pres != NULL) {
			rq.rcp = rl;
			rq.nrcp = 1;
			rq.endpoint = &er;
		}
		if (eval_run(&st, &rq, &res, &e) == 0) {
			fuzz_check(&res);
			if (ran1 && res.decision == EVAL_ALLOWED && d1 != EVAL_ALLOWED)
				__builtin_trap();
			if (ran1 && d1 == EVAL_DENIED && k1 == EVAL_DENY_EXPLICIT &&
			    !(res.decision == EVAL_DENIED && res.deny == EVAL_DENY_EXPLICIT))
				__builtin_trap();
		}
		rq.is_management_account = true;
		if (eval_run(&st, &rq, &res, &e) == 0)
			fuzz_check(&res);
	}
out:
	eval_state_free(&st);
	free(c);
	free(ctxtext);
	policy_free(pid);
	policy_free(pres);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 0 && data[0] == '{' && memchr(data, '\0', size) == NULL)
		fuzz_request_json(data, size);
	else
		fuzz_policy_context(data, size);
	return 0;
}
