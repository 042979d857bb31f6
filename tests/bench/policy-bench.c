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
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "policy/evalcmd.h"

#define BENCH_MAX_CASES 4096

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
	double min_cpu, t0, t;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f;
	int rc = 1;

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
		fprintf(stderr, "usage: policy-bench [-n DECISIONS] REQUESTS.jsonl [min-cpu-seconds]\n");
		return 2;
	}
	min_cpu = argc > 2 ? atof(argv[2]) : 1.0;
	f = fopen(argv[1], "r");
	if (f == NULL) {
		perror(argv[1]);
		return 1;
	}
	eval_state_init(&st);
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
	t0 = cpu_seconds();
	do {
		for (size_t i = 0; i < n; i++) {
			if (eval_decide(&st, &cases[i].rq, &res, &e) < 0) {
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
	printf("decisions_per_sec: %.0f\n", (double)decisions / t);
	printf("eval_peak_rss_mib: %.1f\n", (double)ru.ru_maxrss / 1024.0);
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		evalcmd_case_free(&cases[i]);
	eval_state_free(&st);
	evalcmd_cache_free(&cache);
	free(line);
	fclose(f);
	return rc;
}
