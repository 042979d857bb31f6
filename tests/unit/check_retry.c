/* Retry decisions: what is retried, how long we wait, when we stop. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/retry.h"

#include "checkmain.h"

static const char *const throttle_codes[] = {
	"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
	"TooManyRequestsException", "ProvisionedThroughputExceededException",
	"TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
	"LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
	"EC2ThrottledException",
};

START_TEST(test_every_throttle_code_is_retried)
{
	size_t i;

	for (i = 0; i < sizeof(throttle_codes) / sizeof(throttle_codes[0]); i++) {
		ck_assert_msg(retry_is_throttle_code(throttle_codes[i]), "%s", throttle_codes[i]);
		/* IAM/STS/Organizations throttle with 400, EC2 with 503. */
		ck_assert_int_eq(retry_classify(400, throttle_codes[i], false, false), RETRY_CLASS_THROTTLE);
		ck_assert_int_eq(retry_classify(503, throttle_codes[i], false, false), RETRY_CLASS_THROTTLE);
	}
	ck_assert(!retry_is_throttle_code("throttling"));
	ck_assert(!retry_is_throttle_code("ThrottlingExceptionX"));
	ck_assert(!retry_is_throttle_code(""));
	ck_assert(!retry_is_throttle_code(NULL));
}
END_TEST

START_TEST(test_status_classes)
{
	ck_assert_int_eq(retry_classify(200, NULL, false, false), RETRY_CLASS_NONE);
	ck_assert_int_eq(retry_classify(429, NULL, false, false), RETRY_CLASS_THROTTLE);
	ck_assert_int_eq(retry_classify(429, "Whatever", false, false), RETRY_CLASS_THROTTLE);
	ck_assert_int_eq(retry_classify(500, "InternalFailure", false, false), RETRY_CLASS_SERVER);
	ck_assert_int_eq(retry_classify(502, NULL, false, false), RETRY_CLASS_SERVER);
	ck_assert_int_eq(retry_classify(503, "ServiceUnavailable", false, false), RETRY_CLASS_SERVER);
	ck_assert_int_eq(retry_classify(504, NULL, false, false), RETRY_CLASS_SERVER);
	ck_assert_int_eq(retry_classify(501, NULL, false, false), RETRY_CLASS_NONE);
	ck_assert_int_eq(retry_classify(505, NULL, false, false), RETRY_CLASS_NONE);
	ck_assert_int_eq(retry_classify(0, NULL, true, true), RETRY_CLASS_NETWORK);
	ck_assert_int_eq(retry_classify(0, NULL, true, false), RETRY_CLASS_NONE);
}
END_TEST

START_TEST(test_4xx_not_throttling_never_retried)
{
	static const char *const codes[] = { "AccessDenied", "AccessDeniedException",
		"ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId",
		"SignatureDoesNotMatch", "ValidationError", "NoSuchEntity", "AuthFailure",
		"UnauthorizedOperation", "InvalidInputException", NULL };
	static const long statuses[] = { 400, 401, 403, 404, 409, 413 };
	struct retry_policy p;
	struct retry_state s;
	struct retry_decision d;
	size_t i, j;

	retry_policy_default(&p);
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		for (j = 0; j < sizeof(statuses) / sizeof(statuses[0]); j++) {
			enum retry_class c = retry_classify(statuses[j], codes[i], false, false);

			ck_assert_int_eq(c, RETRY_CLASS_NONE);
			retry_state_init(&s, 1);
			retry_decide(&p, &s, c, "1", &d);
			ck_assert(!d.retry);
			ck_assert_uint_eq(s.slept_ms, 0);
		}
	}
}
END_TEST

START_TEST(test_backoff_bounds_fixed_seed)
{
	struct retry_policy p;
	struct retry_state s, s2;
	unsigned r, i, v, seen_nonzero = 0;
	unsigned first[8];

	retry_policy_default(&p);
	p.base_delay_ms = 100;
	p.max_delay_ms = 1000;
	retry_state_init(&s, 42);
	for (r = 1; r <= 10; r++) {
		unsigned cap = 100u << (r - 1);

		if (cap > 1000)
			cap = 1000;
		for (i = 0; i < 200; i++) {
			v = retry_backoff_ms(&p, &s, r);
			ck_assert_uint_le(v, cap);
			if (v > cap / 2)
				seen_nonzero++;
		}
	}
	/* Full jitter reaches the upper half of the window regularly. */
	ck_assert_uint_gt(seen_nonzero, 500);
	/* Same seed, same sequence: tests can pin delays. */
	retry_state_init(&s, 7);
	retry_state_init(&s2, 7);
	for (i = 0; i < 8; i++) {
		first[i] = retry_backoff_ms(&p, &s, 3);
		ck_assert_uint_eq(first[i], retry_backoff_ms(&p, &s2, 3));
	}
	retry_state_init(&s2, 8);
	for (i = 0, v = 0; i < 8; i++)
		v += retry_backoff_ms(&p, &s2, 3) != first[i];
	ck_assert_uint_gt(v, 0);
	/* Huge retry numbers must not overflow the cap computation. */
	ck_assert_uint_le(retry_backoff_ms(&p, &s, 1000), 1000);
	p.base_delay_ms = 0;
	ck_assert_uint_eq(retry_backoff_ms(&p, &s, 3), 0);
}
END_TEST

START_TEST(test_max_attempts)
{
	struct retry_policy p;
	struct retry_state s;
	struct retry_decision d;

	retry_policy_default(&p);
	p.max_attempts = 3;
	retry_state_init(&s, 1);
	retry_decide(&p, &s, RETRY_CLASS_THROTTLE, NULL, &d);
	ck_assert(d.retry);
	retry_decide(&p, &s, RETRY_CLASS_SERVER, NULL, &d);
	ck_assert(d.retry);
	retry_decide(&p, &s, RETRY_CLASS_NETWORK, NULL, &d);
	ck_assert(!d.retry);
	ck_assert_str_eq(d.reason, "attempts exhausted");
	ck_assert_uint_eq(s.attempts, 3);
	p.max_attempts = 1;
	retry_state_init(&s, 1);
	retry_decide(&p, &s, RETRY_CLASS_THROTTLE, NULL, &d);
	ck_assert(!d.retry);
}
END_TEST

START_TEST(test_retry_after_honoured_and_capped)
{
	struct retry_policy p;
	struct retry_state s;
	struct retry_decision d;
	unsigned ms;

	ck_assert_int_eq(retry_parse_retry_after("3", &ms), 0);
	ck_assert_uint_eq(ms, 3000);
	ck_assert_int_eq(retry_parse_retry_after(" 0 ", &ms), 0);
	ck_assert_uint_eq(ms, 0);
	ck_assert_int_eq(retry_parse_retry_after("99999999999999999999", &ms), 0);
	ck_assert_uint_eq(ms, UINT32_MAX);
	ck_assert_int_eq(retry_parse_retry_after("-1", &ms), -1);
	ck_assert_int_eq(retry_parse_retry_after("1.5", &ms), -1);
	ck_assert_int_eq(retry_parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", &ms), -1);
	ck_assert_int_eq(retry_parse_retry_after("", &ms), -1);
	ck_assert_int_eq(retry_parse_retry_after(NULL, &ms), -1);

	retry_policy_default(&p);
	p.max_retry_after_ms = 5000;
	p.budget_ms = 100000;
	retry_state_init(&s, 1);
	retry_decide(&p, &s, RETRY_CLASS_THROTTLE, "2", &d);
	ck_assert(d.retry);
	ck_assert_uint_eq(d.delay_ms, 2000);
	retry_decide(&p, &s, RETRY_CLASS_SERVER, "3600", &d);
	ck_assert(d.retry);
	ck_assert_uint_eq(d.delay_ms, 5000);
	ck_assert_uint_eq(s.slept_ms, 7000);
	/* Garbage falls back to the computed backoff. */
	retry_decide(&p, &s, RETRY_CLASS_SERVER, "soon", &d);
	ck_assert(d.retry);
	ck_assert_uint_le(d.delay_ms, p.base_delay_ms * 4);
}
END_TEST

START_TEST(test_budget)
{
	struct retry_policy p;
	struct retry_state s;
	struct retry_decision d;

	retry_policy_default(&p);
	p.max_attempts = 100;
	p.budget_ms = 2500;
	p.max_retry_after_ms = 60000;
	retry_state_init(&s, 1);
	retry_decide(&p, &s, RETRY_CLASS_THROTTLE, "1", &d);
	ck_assert(d.retry);
	retry_decide(&p, &s, RETRY_CLASS_THROTTLE, "1", &d);
	ck_assert(d.retry);
	retry_decide(&p, &s, RETRY_CLASS_THROTTLE, "1", &d);
	ck_assert(!d.retry);
	ck_assert_str_eq(d.reason, "retry time budget exhausted");
	ck_assert_uint_eq(s.slept_ms, 2000);

	/* With computed delays the total slept never passes the budget either. */
	p.budget_ms = 3000;
	p.base_delay_ms = 500;
	p.max_delay_ms = 4000;
	retry_state_init(&s, 99);
	do
		retry_decide(&p, &s, RETRY_CLASS_SERVER, NULL, &d);
	while (d.retry);
	ck_assert_uint_le(s.slept_ms, 3000);
	ck_assert_uint_lt(s.attempts, 100);

	/* Time spent in the attempts counts too, when the caller keeps it. */
	p.budget_ms = 2500;
	retry_state_init(&s, 1);
	ck_assert_uint_eq(s.busy_ms, 0);
	s.busy_ms = 2000;
	retry_decide(&p, &s, RETRY_CLASS_THROTTLE, "1", &d);
	ck_assert(!d.retry);
	ck_assert_str_eq(d.reason, "retry time budget exhausted");
}
END_TEST

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A set stop flag cuts a long backoff short (a 60 s sleep here would hit
 * the test timeout); without one the whole delay is slept. */
START_TEST(test_sleep_stoppable)
{
	volatile sig_atomic_t stop = 1;
	long long t0 = now_ms();

	retry_sleep_stoppable(60000, &stop);
	ck_assert_int_lt(now_ms() - t0, 30000);
	t0 = now_ms();
	retry_sleep_stoppable(30, NULL);
	ck_assert_int_ge(now_ms() - t0, 30);
	stop = 0;
	t0 = now_ms();
	retry_sleep_stoppable(30, &stop);
	ck_assert_int_ge(now_ms() - t0, 30);
}
END_TEST

static Suite *
retry_suite(void)
{
	Suite *s = suite_create("retry");
	TCase *tc = tcase_create("decisions");

	tcase_add_test(tc, test_every_throttle_code_is_retried);
	tcase_add_test(tc, test_status_classes);
	tcase_add_test(tc, test_4xx_not_throttling_never_retried);
	tcase_add_test(tc, test_backoff_bounds_fixed_seed);
	tcase_add_test(tc, test_max_attempts);
	tcase_add_test(tc, test_retry_after_honoured_and_capped);
	tcase_add_test(tc, test_budget);
	tcase_add_test(tc, test_sleep_stoppable);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_main(retry_suite());
}
