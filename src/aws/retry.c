#include "config.h"

#include "aws/retry.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/* botocore retries/standard.py, _THROTTLED_ERROR_CODES. */
static const char *const retry_throttle_codes[] = {
	"Throttling",
	"ThrottlingException",
	"ThrottledException",
	"RequestThrottledException",
	"TooManyRequestsException",
	"ProvisionedThroughputExceededException",
	"TransactionInProgressException",
	"RequestLimitExceeded",
	"BandwidthLimitExceeded",
	"LimitExceededException",
	"RequestThrottled",
	"SlowDown",
	"PriorRequestNotComplete",
	"EC2ThrottledException",
};

void
retry_policy_default(struct retry_policy *p)
{
	p->max_attempts = RETRY_DEFAULT_MAX_ATTEMPTS;
	p->base_delay_ms = RETRY_DEFAULT_BASE_DELAY_MS;
	p->max_delay_ms = RETRY_DEFAULT_MAX_DELAY_MS;
	p->max_retry_after_ms = RETRY_DEFAULT_MAX_RETRY_AFTER_MS;
	p->budget_ms = RETRY_DEFAULT_BUDGET_MS;
}

void
retry_state_init(struct retry_state *s, uint64_t seed)
{
	s->attempts = 0;
	s->slept_ms = 0;
	s->busy_ms = 0;
	/* xorshift has a fixed point at 0. */
	s->rng = seed != 0 ? seed : UINT64_C(0x9E3779B97F4A7C15);
}

uint64_t
retry_rand(struct retry_state *s)
{
	uint64_t x = s->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	s->rng = x;
	return x * UINT64_C(0x2545F4914F6CDD1D);
}

bool
retry_is_throttle_code(const char *code)
{
	size_t i;

	if (code == NULL)
		return false;
	for (i = 0; i < sizeof(retry_throttle_codes) / sizeof(retry_throttle_codes[0]); i++)
		if (strcmp(code, retry_throttle_codes[i]) == 0)
			return true;
	return false;
}

enum retry_class
retry_classify(long status, const char *aws_code, bool network_error, bool network_transient)
{
	if (network_error)
		return network_transient ? RETRY_CLASS_NETWORK : RETRY_CLASS_NONE;
	if (status >= 200 && status < 300)
		return RETRY_CLASS_NONE;
	if (status == 429 || retry_is_throttle_code(aws_code))
		return RETRY_CLASS_THROTTLE;
	if (status == 500 || status == 502 || status == 503 || status == 504)
		return RETRY_CLASS_SERVER;
	return RETRY_CLASS_NONE;
}

int
retry_parse_retry_after(const char *value, unsigned *ms)
{
	uint64_t secs = 0;
	const char *p;

	if (value == NULL)
		return -1;
	p = value;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (secs < UINT32_MAX)
			secs = secs * 10 + (uint64_t)(*p - '0');
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '\0')
		return -1;
	*ms = secs >= UINT32_MAX / 1000 ? UINT32_MAX : (unsigned)(secs * 1000);
	return 0;
}

unsigned
retry_backoff_ms(const struct retry_policy *p, struct retry_state *s, unsigned retry)
{
	uint64_t cap = p->base_delay_ms;
	unsigned i;

	/* base * 2^(retry-1), stopping as soon as the cap is reached. */
	for (i = 1; i < retry && cap < p->max_delay_ms; i++)
		cap *= 2;
	if (cap > p->max_delay_ms)
		cap = p->max_delay_ms;
	if (cap == 0)
		return 0;
	return (unsigned)(retry_rand(s) % (cap + 1));
}

void
retry_decide(const struct retry_policy *p, struct retry_state *s, enum retry_class cls,
    const char *retry_after, struct retry_decision *out)
{
	unsigned delay, ra;

	s->attempts++;
	out->retry = false;
	out->delay_ms = 0;
	switch (cls) {
	case RETRY_CLASS_NONE:
		out->reason = "not retryable";
		return;
	case RETRY_CLASS_THROTTLE:
		out->reason = "throttled";
		break;
	case RETRY_CLASS_SERVER:
		out->reason = "server error";
		break;
	case RETRY_CLASS_NETWORK:
		out->reason = "network error";
		break;
	}
	if (s->attempts >= p->max_attempts) {
		out->reason = "attempts exhausted";
		return;
	}
	if (retry_parse_retry_after(retry_after, &ra) == 0)
		delay = ra < p->max_retry_after_ms ? ra : p->max_retry_after_ms;
	else
		delay = retry_backoff_ms(p, s, s->attempts);
	if (s->slept_ms + s->busy_ms + delay > p->budget_ms) {
		out->reason = "retry time budget exhausted";
		return;
	}
	s->slept_ms += delay;
	out->retry = true;
	out->delay_ms = delay;
}

void
retry_sleep_real(void *ctx, unsigned ms)
{
	struct timespec ts, rem;

	(void)ctx;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &rem) != 0 && errno == EINTR)
		ts = rem;
}

void
retry_sleep_stoppable(unsigned ms, const volatile sig_atomic_t *stop)
{
	while (ms > 0 && (stop == NULL || !*stop)) {
		unsigned slice = ms < 100 ? ms : 100;

		retry_sleep_real(NULL, slice);
		ms -= slice;
	}
}
