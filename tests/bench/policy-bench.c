/*
 * Decisions per second of the evaluation chain (make bench). Reads requests
 * in the CONTRACT-EVAL.md format (JSON Lines), compiles each distinct policy
 * once (as a batch run does), then
 * evaluates them round-robin for at least one second of CPU time. Prints
 * `decisions_per_sec: N` and `eval_peak_rss_mib: M`, plus a tally of the
 * decisions so a broken evaluator cannot look fast by doing nothing.
 *
 * With -n N it makes exactly N decisions instead (rounded up to whole
 * passes over the requests), so that an instruction-counting profiler
 * (valgrind --tool=callgrind) gives the same count on every run whatever
 * the machine's load: instructions per decision is the steady figure to
 * compare, wall-clock rates vary with the load.
 *
 * With --explain it times eval_run() (which also lists the statements that
 * matched, for explanations) instead of eval_decide(), and prints
 * `explain_decisions_per_sec: N`.
 *
 * With --compare it times nothing: it evaluates every request with
 * eval_run() (the explaining path) and with eval_decide() (the fast path
 * the benchmark measures) and fails unless both give the same decision,
 * deny kind, deciding layer, constraints, services, note and, per layer,
 * the same outcome, allow and deny formulas (tests/integration/
 * policy-fastpath.sh runs it over the tricky cases and a generated batch).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "policy/evalcmd.h"
#include "util/buf.h"

#define BENCH_MAX_CASES 4096

/* Render a formula for comparison; "(null)" cannot come from a result. */
static const char *
bench_render(const struct formula *f, struct buf *b)
{
	buf_reset(b);
	if (f == NULL)
		return "(null)";
	if (formula_render(f, b) < 0)
		return "(too long)";
	return buf_cstr(b);
}

static bool
bench_same_formula(const struct formula *x, const struct formula *y, struct buf *bx,
    struct buf *by)
{
	return strcmp(bench_render(x, bx), bench_render(y, by)) == 0;
}

/* 0 when the explaining and the fast result agree; else prints why. */
static int
bench_compare(const char *name, const struct eval_result *full, const struct eval_result *fast)
{
	struct buf bx, by;
	char why[160] = "";

	buf_init(&bx, 1u << 20);
	buf_init(&by, 1u << 20);
	if (full->decision != fast->decision)
		snprintf(why, sizeof(why), "decision %s vs %s", eval_decision_name(full->decision),
		    eval_decision_name(fast->decision));
	else if (full->deny != fast->deny || full->layer != fast->layer)
		snprintf(why, sizeof(why), "deny/layer %d/%s vs %d/%s", (int)full->deny,
		    eval_layer_name(full->layer), (int)fast->deny, eval_layer_name(fast->layer));
	else if (!bench_same_formula(full->constraints, fast->constraints, &bx, &by))
		snprintf(why, sizeof(why), "constraints differ");
	else if ((full->note == NULL) != (fast->note == NULL) ||
	    (full->note != NULL && strcmp(full->note, fast->note) != 0))
		snprintf(why, sizeof(why), "note differs");
	else if (full->has_services != fast->has_services || full->nservices != fast->nservices)
		snprintf(why, sizeof(why), "services differ");
	for (size_t i = 0; why[0] == '\0' && i < full->nservices; i++)
		if (strcmp(full->services[i], fast->services[i]) != 0)
			snprintf(why, sizeof(why), "service %zu: %s vs %s", i, full->services[i],
			    fast->services[i]);
	for (int l = 0; why[0] == '\0' && l < EVAL_LAYER_COUNT; l++) {
		const struct eval_layer_out *x = &full->layers[l], *y = &fast->layers[l];

		if (x->outcome != y->outcome)
			snprintf(why, sizeof(why), "layer %s: outcome %s vs %s",
			    eval_layer_name((enum eval_layer)l), eval_outcome_name(x->outcome),
			    eval_outcome_name(y->outcome));
		else if (!bench_same_formula(x->allow, y->allow, &bx, &by))
			snprintf(why, sizeof(why), "layer %s: allow %s vs %s",
			    eval_layer_name((enum eval_layer)l), buf_cstr(&bx), buf_cstr(&by));
		else if (!bench_same_formula(x->deny, y->deny, &bx, &by))
			snprintf(why, sizeof(why), "layer %s: deny %s vs %s",
			    eval_layer_name((enum eval_layer)l), buf_cstr(&bx), buf_cstr(&by));
		else if (y->matches != NULL)
			snprintf(why, sizeof(why), "layer %s: eval_decide listed matches",
			    eval_layer_name((enum eval_layer)l));
	}
	buf_free(&bx);
	buf_free(&by);
	if (why[0] == '\0')
		return 0;
	fprintf(stderr, "%s: eval_run and eval_decide differ: %s\n", name != NULL ? name : "?", why);
	return -1;
}

static double
cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	static struct evalcmd_case cases[BENCH_MAX_CASES];
	struct eval_state st;
	struct evalcmd_cache cache;
	struct eval_result res;
	struct err e = { "" };
	struct rusage ru;
	size_t n = 0, tally[3] = { 0, 0, 0 };
	unsigned long long decisions = 0;
	unsigned long long fixed = 0;
	bool compare = false, explain = false;
	struct eval_state st2;
	double min_cpu, t0, t;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f;
	int rc = 1;

	if (argc > 1 && strcmp(argv[1], "--compare") == 0) {
		compare = true;
		argc--;
		argv++;
	}
	if (argc > 1 && strcmp(argv[1], "--explain") == 0) {
		explain = true;
		argc--;
		argv++;
	}
	if (argc > 2 && strcmp(argv[1], "-n") == 0) {
		char *end;

		fixed = strtoull(argv[2], &end, 10);
		if (*end != '\0' || fixed == 0) {
			fprintf(stderr, "policy-bench: -n needs a positive number of decisions\n");
			return 2;
		}
		argc -= 2;
		argv += 2;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: policy-bench [--explain] [-n DECISIONS] REQUESTS.jsonl "
		    "[min-cpu-seconds]\n"
		    "       policy-bench --compare REQUESTS.jsonl\n");
		return 2;
	}
	min_cpu = argc > 2 ? atof(argv[2]) : 1.0;
	f = fopen(argv[1], "r");
	if (f == NULL) {
		perror(argv[1]);
		return 1;
	}
	eval_state_init(&st);
	eval_state_init(&st2);
	evalcmd_cache_init(&cache);
	while ((len = getline(&line, &cap, f)) > 0 && n < BENCH_MAX_CASES) {
		cJSON *req = cJSON_ParseWithLength(line, (size_t)len);

		if (req == NULL) {
			fprintf(stderr, "%s:%zu: not valid JSON\n", argv[1], n + 1);
			goto out;
		}
		if (evalcmd_load(&cases[n], req, &cache, &e) < 0) {
			fprintf(stderr, "%s:%zu: %s\n", argv[1], n + 1, e.msg);
			evalcmd_case_free(&cases[n]);
			cJSON_Delete(req);
			goto out;
		}
		cJSON_Delete(req);
		n++;
	}
	if (n == 0) {
		fprintf(stderr, "%s: no requests\n", argv[1]);
		goto out;
	}
	if (compare) {
		size_t bad = 0;

		for (size_t i = 0; i < n; i++) {
			struct eval_result fast;

			/* Two states: each result lives in its own state's arena. */
			if (eval_run(&st, &cases[i].rq, &res, &e) < 0 ||
			    eval_decide(&st2, &cases[i].rq, &fast, &e) < 0) {
				fprintf(stderr, "%s\n", e.msg);
				goto out;
			}
			tally[res.decision]++;
			if (bench_compare(cases[i].name, &res, &fast) < 0)
				bad++;
		}
		printf("compared: %zu requests (allowed %zu, denied %zu, conditional %zu), %zu differ\n",
		    n, tally[EVAL_ALLOWED], tally[EVAL_DENIED], tally[EVAL_CONDITIONAL], bad);
		rc = bad == 0 ? 0 : 1;
		goto out;
	}
	t0 = cpu_seconds();
	do {
		for (size_t i = 0; i < n; i++) {
			if ((explain ? eval_run(&st, &cases[i].rq, &res, &e) :
			    eval_decide(&st, &cases[i].rq, &res, &e)) < 0) {
				fprintf(stderr, "%s\n", e.msg);
				goto out;
			}
			tally[res.decision]++;
		}
		decisions += n;
		t = cpu_seconds() - t0;
	} while (fixed != 0 ? decisions < fixed : t < min_cpu);
	getrusage(RUSAGE_SELF, &ru);
	printf("requests: %zu\n", n);
	printf("decisions: %llu (allowed %zu, denied %zu, conditional %zu)\n", decisions,
	    tally[EVAL_ALLOWED], tally[EVAL_DENIED], tally[EVAL_CONDITIONAL]);
	printf("%s: %.0f\n", explain ? "explain_decisions_per_sec" : "decisions_per_sec",
	    (double)decisions / t);
	printf("eval_peak_rss_mib: %.1f\n", (double)ru.ru_maxrss / 1024.0);
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		evalcmd_case_free(&cases[i]);
	eval_state_free(&st);
	eval_state_free(&st2);
	evalcmd_cache_free(&cache);
	free(line);
	fclose(f);
	return rc;
}
