/*
 * Retry decisions for AWS calls, kept free of I/O so they can be tested
 * without a network: what is retryable, how long to wait, when to give up.
 *
 * Backoff is capped exponential with full jitter (a uniformly random delay in
 * [0, min(max_delay, base * 2^retry)]), which spreads many clients that were
 * throttled together. The PRNG is seeded per state so tests can fix it.
 * Retry-After, when the server sends it, replaces the computed delay (capped).
 * A request stops after max_attempts, or when the next sleep would take the
 * time spent so far (the sleeps, and the attempts themselves when the caller
 * times them in busy_ms) past the per-request budget.
 */
#ifndef PRA_AWS_RETRY_H
#define PRA_AWS_RETRY_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

/* How a finished attempt failed, as far as retrying is concerned. */
enum retry_class {
	RETRY_CLASS_NONE = 0,	/* success, or an error retrying cannot fix */
	RETRY_CLASS_THROTTLE,	/* throttling code or HTTP 429 */
	RETRY_CLASS_SERVER,	/* HTTP 500/502/503/504 */
	RETRY_CLASS_NETWORK,	/* reset, refused, timeout, truncated body */
};

struct retry_policy {
	unsigned max_attempts;		/* total attempts including the first; >= 1 */
	unsigned base_delay_ms;		/* delay scale of the first retry */
	unsigned max_delay_ms;		/* cap of one computed delay */
	unsigned max_retry_after_ms;	/* cap of a server-sent Retry-After */
	unsigned budget_ms;		/* cap of the total time of one request */
};

/* Defaults: 5 attempts, 100 ms base, 20 s cap, Retry-After capped at 30 s, 60 s budget. */
#define RETRY_DEFAULT_MAX_ATTEMPTS 5
#define RETRY_DEFAULT_BASE_DELAY_MS 100
#define RETRY_DEFAULT_MAX_DELAY_MS 20000
#define RETRY_DEFAULT_MAX_RETRY_AFTER_MS 30000
#define RETRY_DEFAULT_BUDGET_MS 60000

void retry_policy_default(struct retry_policy *p);

/* Per-request state: attempts made, time slept, PRNG. */
struct retry_state {
	unsigned attempts;	/* attempts finished so far */
	uint64_t slept_ms;
	uint64_t busy_ms;	/* time in attempts, kept by a caller that times them */
	uint64_t rng;
};

/* Any seed works (0 is mapped to a fixed non-zero value). */
void retry_state_init(struct retry_state *s, uint64_t seed);
/* xorshift64*: next pseudo-random 64-bit value. */
uint64_t retry_rand(struct retry_state *s);

/* True for the botocore throttling codes (Throttling, ThrottlingException,
 * RequestLimitExceeded, TooManyRequestsException, ...). Case-sensitive, as AWS is. */
bool retry_is_throttle_code(const char *code);

/*
 * Classify an attempt: network_error is true when no complete HTTP response
 * arrived (then status and code are ignored and the caller says whether the
 * failure was transient with network_transient). Otherwise a throttling code
 * or 429 -> THROTTLE, 500/502/503/504 -> SERVER, everything else -> NONE (a
 * 4xx that is not throttling is never retried).
 */
enum retry_class retry_classify(long status, const char *aws_code, bool network_error,
    bool network_transient);

/* Parse a Retry-After value in delay-seconds ("3"); HTTP-dates are not
 * used by AWS and are rejected. 0 with *ms set, or -1. Values that
 * overflow saturate at UINT32_MAX ms (the caller caps them). */
int retry_parse_retry_after(const char *value, unsigned *ms);

/* Full-jitter delay before retry number `retry` (1 for the first retry). */
unsigned retry_backoff_ms(const struct retry_policy *p, struct retry_state *s, unsigned retry);

struct retry_decision {
	bool retry;
	unsigned delay_ms;
	const char *reason;	/* static text: why we stop or why we wait */
};

/*
 * Call after each finished attempt. Counts the attempt, then decides: no
 * retry for class NONE, after max_attempts, or when the delay would exceed
 * the budget; otherwise the delay (Retry-After when given and parseable,
 * capped by max_retry_after_ms, else the backoff) is added to slept_ms.
 */
void retry_decide(const struct retry_policy *p, struct retry_state *s, enum retry_class cls,
    const char *retry_after, struct retry_decision *out);

/* Sleep hook: the client calls it with each decided delay. */
typedef void (*retry_sleep_fn)(void *ctx, unsigned ms);
/* nanosleep, resumed after signals. */
void retry_sleep_real(void *ctx, unsigned ms);
/* retry_sleep_real in slices of at most 100 ms, returning early once *stop
 * is set (stop may be NULL): a backoff that can last seconds must not hold
 * up a stopping daemon. */
void retry_sleep_stoppable(unsigned ms, const volatile sig_atomic_t *stop);

#endif
