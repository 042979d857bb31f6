/*
 * The daemon's memory between audits (issue 11, point 6): what one daemon
 * audit does to the process's resident size, measured in one process that
 * runs audit_run() on an offline dump with a state directory as the
 * daemon's work function runs it (src/modes.c: the same call, then
 * malloc_trim(0)), several times in a row.
 *
 *   daemon-rss CONFIG DUMP STATE_DIR RUNS [CHANGED_DUMP]
 *
 * Prints daemon_rss_idle_kib (before the first audit), then per run
 * daemon_rss_run_N_kib (just before the trim), daemon_rss_after_N_kib
 * (after it), and daemon_rss_peak_kib (VmHWM). With CHANGED_DUMP, the last
 * run audits it (one account changed) instead of DUMP.
 */
#include "config.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/run.h"
#include "conf.h"
#include "log.h"

static long
status_kib(const char *field)
{
	char line[256];
	size_t n = strlen(field);
	long v = -1;
	FILE *fp = fopen("/proc/self/status", "r");

	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, field, n) == 0 && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(fp);
	return v;
}

int
main(int argc, char **argv)
{
	struct confdiag d = CONFDIAG_INIT;
	struct config cfg;
	struct err e;
	int runs, rc = 1;

	if (argc < 5 || (runs = atoi(argv[4])) < 1) {
		fprintf(stderr, "usage: daemon-rss CONFIG DUMP STATE_DIR RUNS [CHANGED_DUMP]\n");
		return 2;
	}
	if (config_load(&cfg, argv[1], &d) != 0) {
		fprintf(stderr, "daemon-rss: %s: not a valid config\n", argv[1]);
		goto out;
	}
	log_set_level(LOG_LVL_WARN);
	malloc_trim(0);
	printf("daemon_rss_idle_kib %ld\n", status_kib("VmRSS"));
	for (int i = 1; i <= runs; i++) {
		struct audit_run_opts o;
		struct audit_result r;

		memset(&o, 0, sizeof(o));
		o.input_dir = i == runs && argc > 5 ? argv[5] : argv[2];
		o.state_dir = argv[3];
		if (audit_run(&cfg, &o, NULL, &r, &e) != 0) {
			fprintf(stderr, "daemon-rss: run %d: %s\n", i, e.msg);
			goto out;
		}
		printf("daemon_rss_run_%d_kib %ld (%zu edges, %zu of %zu accounts reused)\n", i,
		    status_kib("VmRSS"), r.nedges, r.reused, r.audited);
		audit_result_free(&r);
		malloc_trim(0);
		printf("daemon_rss_after_%d_kib %ld\n", i, status_kib("VmRSS"));
	}
	printf("daemon_rss_peak_kib %ld\n", status_kib("VmHWM"));
	rc = 0;
out:
	confdiag_free(&d);
	config_free(&cfg);
	return rc;
}
