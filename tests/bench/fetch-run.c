/*
 * One collect_snapshot() run against an endpoint (the emulator), for the
 * fetch benchmark and the IAM policy test:
 *
 *   fetch-run --url URL --akid K --secret S [--region R] [--regions a,b]
 *             [--member-role NAME] [--external-id X] [--concurrency N]
 *             [--page-size N] [--warmup]
 *
 * --warmup: one sts:GetCallerIdentity before the timed run (the emulator
 * loads botocore on its first signed call, which is not the fetch's cost).
 * Prints `accounts: N`, `complete: yes|no`, one `incomplete: ...` line per
 * incomplete part, `fetch_wall_s: X` (the collect_snapshot() call alone)
 * and `fetch_peak_rss_mib: Z` (this process's peak resident set).
 * Exit status 0 when a snapshot was made, 1 otherwise.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "aws/credprov.h"
#include "aws/sts.h"
#include "collect/collect.h"
#include "conf.h"
#include "log.h"

static int
set_str(char **field, const char *v)
{
	free(*field);
	*field = v != NULL ? strdup(v) : NULL;
	return v != NULL && *field == NULL ? -1 : 0;
}

/* "a,b,c" into a string list (replacing it). */
static int
set_list(struct confschema_strlist *l, const char *csv)
{
	char *copy, *tok, *save = NULL;

	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
	if (csv == NULL)
		return 0;
	if ((copy = strdup(csv)) == NULL)
		return -1;
	for (tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		char **n = realloc(l->items, (l->n + 1) * sizeof(*n));

		if (n == NULL || (n[l->n] = strdup(tok)) == NULL) {
			if (n != NULL)
				l->items = n;
			free(copy);
			return -1;
		}
		l->items = n;
		l->n++;
	}
	free(copy);
	return 0;
}

static void
report_part(const char *what, const char *id, const struct snap_part *p)
{
	if (!p->complete)
		printf("incomplete: %s %s: %s\n", what, id, p->why != NULL ? p->why : "?");
}

static int
warm(const char *url, const char *region, struct aws_creds_provider *base)
{
	struct aws_client_opts o;
	struct aws_client *c;
	struct sts_identity id;
	struct err e;
	int rc = -1;

	aws_client_opts_init(&o);
	o.region = region;
	o.endpoint_override[AWS_SVC_STS] = url;
	if ((c = aws_client_new(&o, base, &e)) != NULL)
		rc = sts_get_caller_identity(c, &id, &e);
	if (rc != 0)
		fprintf(stderr, "fetch-run: warm-up: %s\n", e.msg);
	aws_client_free(c);
	return rc;
}

static void
usage(void)
{
	fprintf(stderr, "usage: fetch-run --url URL --akid K --secret S [--region R] "
	    "[--regions a,b] [--member-role NAME] [--external-id X] [--concurrency N] "
	    "[--page-size N] [--warmup]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *url = NULL, *akid = NULL, *secret = NULL, *region = "eu-west-1";
	const char *regions = NULL, *role = NULL, *extid = NULL;
	int conc = 8, page = 0, rc = 1;
	bool warmup = false;
	struct aws_creds_provider *base = NULL;
	struct snapshot *s = NULL;
	struct config cfg;
	struct timespec t0, t1;
	struct rusage ru;
	struct err e;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--warmup") == 0) {
			warmup = true;
			continue;
		}
		if (v == NULL)
			usage();
		if (strcmp(a, "--url") == 0)
			url = v;
		else if (strcmp(a, "--akid") == 0)
			akid = v;
		else if (strcmp(a, "--secret") == 0)
			secret = v;
		else if (strcmp(a, "--region") == 0)
			region = v;
		else if (strcmp(a, "--regions") == 0)
			regions = v;
		else if (strcmp(a, "--member-role") == 0)
			role = v;
		else if (strcmp(a, "--external-id") == 0)
			extid = v;
		else if (strcmp(a, "--concurrency") == 0)
			conc = atoi(v);
		else if (strcmp(a, "--page-size") == 0)
			page = atoi(v);
		else
			usage();
		i++;
	}
	if (url == NULL || akid == NULL || secret == NULL)
		usage();
	log_set_level(LOG_LVL_WARN);
	if (config_defaults(&cfg, &e) != 0) {
		fprintf(stderr, "fetch-run: %s\n", e.msg);
		return 1;
	}
	if (set_str(&cfg.aws.region, region) != 0 || set_str(&cfg.aws.endpoints.sts, url) != 0 ||
	    set_str(&cfg.aws.endpoints.iam, url) != 0 ||
	    set_str(&cfg.aws.endpoints.organizations, url) != 0 ||
	    set_str(&cfg.aws.endpoints.ec2, url) != 0 ||
	    set_str(&cfg.collect.member_role, role) != 0 ||
	    set_str(&cfg.collect.external_id, extid) != 0 ||
	    set_list(&cfg.collect.regions, regions) != 0) {
		fprintf(stderr, "fetch-run: out of memory\n");
		goto out;
	}
	cfg.collect.concurrency = conc;
	cfg.collect.page_size = page;
	if ((base = aws_creds_static_new(akid, secret, NULL, &e)) == NULL) {
		fprintf(stderr, "fetch-run: %s\n", e.msg);
		goto out;
	}
	if (warmup && warm(url, region, base) != 0)
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	s = collect_snapshot(&cfg, base, NULL, &e);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (s == NULL) {
		fprintf(stderr, "fetch-run: %s\n", e.msg);
		goto out;
	}
	printf("accounts: %zu\n", s->naccounts);
	printf("complete: %s\n", snapshot_complete(s) ? "yes" : "no");
	report_part("organization", s->org.id != NULL ? s->org.id : "-", &s->org.part);
	for (size_t i = 0; i < s->naccounts; i++) {
		const struct snap_account *a = &s->accounts[i];

		report_part("access", a->id, &a->access);
		report_part("iam", a->id, &a->iam.part);
		for (size_t r = 0; r < a->nregions; r++)
			report_part(a->regions[r].name, a->id, &a->regions[r].part);
	}
	printf("fetch_wall_s: %.3f\n",
	    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	getrusage(RUSAGE_SELF, &ru);
	printf("fetch_peak_rss_mib: %.1f\n", (double)ru.ru_maxrss / 1024.0);
	rc = 0;
out:
	snapshot_free(s);
	aws_creds_provider_free(base);
	/* collect.* may not be in the config schema yet: freed here. */
	set_str(&cfg.collect.member_role, NULL);
	set_str(&cfg.collect.external_id, NULL);
	set_list(&cfg.collect.regions, NULL);
	config_free(&cfg);
	return rc;
}
