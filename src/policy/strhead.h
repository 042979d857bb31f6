/*
 * Exact string comparison by integer compares, for the evaluator's hot path.
 *
 * Nearly every name the evaluator compares (action names and their
 * prefixes such as "s3:get", ARN parts such as "arn", "aws", a service, a
 * 12-digit account) is at most 16 bytes long. Loading the first 16 bytes of
 * each string once, zero-padded, into two 64-bit words (per request for the
 * request's strings, per policy for the patterns) turns "is this a prefix
 * of that" into two masked word compares: no byte loop, no call, and a
 * branch that predicts well. Bytes past the sixteenth are compared with
 * memcmp, so the answer is always exact, never a hash guess.
 */
#ifndef PRA_POLICY_STRHEAD_H
#define PRA_POLICY_STRHEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define STRHEAD_BYTES 16

/* The first 16 bytes of a request string, zero-padded. */
struct strhead {
	uint64_t w[2];
};

/* A pattern: its first min(len, 16) bytes and a mask of ones over them. */
struct strhead_pat {
	uint64_t w[2];
	uint64_t m[2];
	const char *s;		/* the whole pattern, for bytes past 16 */
	size_t len;
};

void strhead_load(struct strhead *h, const char *s, size_t len);
/* s must stay alive as long as p (it is not copied). */
void strhead_pat_init(struct strhead_pat *p, const char *s, size_t len);

/* Is the pattern a prefix of text (tlen bytes, loaded into h)? */
static inline bool
strhead_prefix(const struct strhead_pat *p, const struct strhead *h, const char *text,
    size_t tlen)
{
	if (tlen < p->len)
		return false;
	if (((h->w[0] & p->m[0]) ^ p->w[0]) | ((h->w[1] & p->m[1]) ^ p->w[1]))
		return false;
	return p->len <= STRHEAD_BYTES ||
	    memcmp(p->s + STRHEAD_BYTES, text + STRHEAD_BYTES, p->len - STRHEAD_BYTES) == 0;
}

/* Is text exactly the pattern? */
static inline bool
strhead_equal(const struct strhead_pat *p, const struct strhead *h, const char *text,
    size_t tlen)
{
	return tlen == p->len && strhead_prefix(p, h, text, tlen);
}

#endif
