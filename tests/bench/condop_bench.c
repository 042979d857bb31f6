/*
 * Condition evaluations per second over the mix a PassRole audit meets:
 * service and principal checks, network and MFA guards, tag set operators,
 * a numeric and a date bound. Prints "name: value" lines for `make bench`.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "policy/condop.h"

struct mix {
	const char *op;
	const char *vals[5];
	size_t nvals;
	bool present;
	const char *req[5];
	size_t nreq;
};

static const struct mix mix[] = {
	{ "StringEquals", { "ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com" }, 3,
	  true, { "lambda.amazonaws.com" }, 1 },
	{ "StringLike", { "*.amazonaws.com" }, 1, true, { "cloudformation.amazonaws.com" }, 1 },
	{ "StringNotLike", { "arn:aws:iam::*:role/Platform*" }, 1, true,
	  { "arn:aws:iam::111122223333:user/bob" }, 1 },
	{ "ArnLike", { "arn:aws:iam::*:role/ops/*", "arn:aws:iam::111122223333:role/Admin" }, 2, true,
	  { "arn:aws:iam::111122223333:role/ops/Deployer" }, 1 },
	{ "NotIpAddress", { "10.0.0.0/8", "192.168.0.0/16", "203.0.113.0/24", "2001:db8::/32" }, 4, true,
	  { "198.51.100.7" }, 1 },
	{ "BoolIfExists", { "false" }, 1, false, { NULL }, 0 },
	{ "ForAllValues:StringEquals", { "team", "env", "owner" }, 3, true, { "team", "env", "owner" }, 3 },
	{ "ForAnyValue:StringEqualsIgnoreCase", { "Prod" }, 1, true, { "dev", "PROD" }, 2 },
	{ "NumericLessThanEquals", { "3600" }, 1, true, { "900" }, 1 },
	{ "DateGreaterThan", { "2024-01-01T00:00:00Z" }, 1, true, { "2026-11-23T07:00:00Z" }, 1 },
	{ "Null", { "false" }, 1, true, { "ec2.amazonaws.com" }, 1 },
	{ "StringNotEquals", { "111122223333" }, 1, true, { "444455556666" }, 1 },
};

#define NMIX (sizeof(mix) / sizeof(mix[0]))

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(void)
{
	struct condop ops[NMIX];
	struct condop_values *pv[NMIX];
	struct err e;
	unsigned long n = 0, ns = 0, hits = 0;
	double t0, el;
	int rc = EXIT_FAILURE;

	for (size_t i = 0; i < NMIX; i++)
		pv[i] = NULL;
	for (size_t i = 0; i < NMIX; i++) {
		if (condop_parse(mix[i].op, &ops[i], &e) != 0 ||
		    (pv[i] = condop_values_new(&ops[i], mix[i].vals, mix[i].nvals, &e)) == NULL) {
			fprintf(stderr, "condop_bench: %s\n", e.msg);
			goto out;
		}
	}
	t0 = now();
	do {
		for (int rep = 0; rep < 1000; rep++)
			for (size_t i = 0; i < NMIX; i++, n++)
				hits += condop_eval(&ops[i], pv[i], mix[i].present, mix[i].req, mix[i].nreq);
	} while ((el = now() - t0) < 1.0);
	printf("condop_evals_per_sec: %.0f\n", (double)n / el);
	t0 = now();
	do {
		for (int rep = 0; rep < 1000; rep++)
			for (size_t i = 0; i < NMIX; i++, ns++)
				hits += condop_eval_strings(&ops[i], mix[i].vals, mix[i].nvals, mix[i].present,
				    mix[i].req, mix[i].nreq);
	} while ((el = now() - t0) < 1.0);
	printf("condop_eval_strings_per_sec: %.0f\n", (double)ns / el);
	/* every entry of the mix holds, so a wrong result shows here */
	if (hits != n + ns) {
		fprintf(stderr, "condop_bench: %lu of %lu evaluations held, expected all\n", hits, n + ns);
		goto out;
	}
	rc = EXIT_SUCCESS;
out:
	for (size_t i = 0; i < NMIX; i++)
		condop_values_free(pv[i]);
	return rc;
}
