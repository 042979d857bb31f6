/*
 * SigV4 signing cost, for `make bench` ("name: value" lines): a typical IAM
 * Query-protocol page request with a session token, and the payload hash on
 * a large body (which every signature pays, as the hash is always computed).
 * Build without --enable-sanitizers for meaningful figures.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "aws/sigv4.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Signs req until at least `seconds` have passed; -1 on a signing error. */
static double
signs_per_sec(const struct sigv4_request *req, const struct sigv4_credentials *cred,
    const struct sigv4_params *p, double seconds)
{
	unsigned long n = 0;
	double t0 = now(), el;
	struct err e;

	do {
		for (int i = 0; i < 64; i++, n++) {
			struct sigv4_signed s;

			if (sigv4_sign(req, cred, p, &s, &e) != 0) {
				fprintf(stderr, "sigv4-bench: %s\n", e.msg);
				sigv4_signed_free(&s);
				return -1;
			}
			sigv4_signed_free(&s);
		}
		el = now() - t0;
	} while (el < seconds);
	return (double)n / el;
}

int
main(void)
{
	static const char body[] = "Action=GetAccountAuthorizationDetails&Filter.member.1=Role"
	    "&Filter.member.2=User&MaxItems=1000&Marker=AAEAAQAAAAAAAAAA%2Bq0%3D&Version=2010-05-08";
	struct sigv4_header h[] = {
		{ "Host", "iam.amazonaws.com" },
		{ "Content-Type", "application/x-www-form-urlencoded; charset=utf-8" },
		{ "User-Agent", "passrole-auditd/0.1" },
	};
	struct sigv4_request req = { "POST", "/", NULL, h, 3, body, sizeof(body) - 1 };
	struct sigv4_credentials cred = { "ASIAEXAMPLEEXAMPLE00",
		"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL };
	struct sigv4_params p = { "us-east-1", "iam", 1440938160, 0 };
	char token[800];
	size_t big = 8u << 20;
	char *large;
	double rate, bigrate;
	struct rusage ru;

	memset(token, 'T', sizeof(token) - 1);
	token[sizeof(token) - 1] = '\0';
	cred.session_token = token;
	if ((rate = signs_per_sec(&req, &cred, &p, 1.0)) < 0)
		return 1;
	if ((large = malloc(big)) == NULL)
		return 1;
	memset(large, 'x', big);
	req.body = large;
	req.body_len = big;
	bigrate = signs_per_sec(&req, &cred, &p, 1.0);
	free(large);
	if (bigrate < 0)
		return 1;
	getrusage(RUSAGE_SELF, &ru);
	printf("sigv4_signs_per_sec: %.0f\n", rate);
	printf("sigv4_us_per_sign: %.2f\n", 1e6 / rate);
	printf("sigv4_8mib_body_signs_per_sec: %.1f\n", bigrate);
	printf("sigv4_body_hash_mib_per_sec: %.0f\n", bigrate * (double)(big >> 20));
	printf("sigv4_bench_max_rss_kib: %ld\n", ru.ru_maxrss);
	return 0;
}
