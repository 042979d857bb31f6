#include "config.h"

#include "policy/match.h"

#include <stdlib.h>
#include <string.h>

static unsigned char
match_fold(unsigned char c, bool nocase)
{
	if (nocase && c >= 'A' && c <= 'Z')
		return (unsigned char)(c - 'A' + 'a');
	return c;
}

/* Length of the UTF-8 sequence starting at p (1 for invalid bytes, so that
 * garbage input still advances). */
static size_t
match_u8len(const unsigned char *p, size_t avail)
{
	size_t n = 1;

	if (*p >= 0xf0)
		n = 4;
	else if (*p >= 0xe0)
		n = 3;
	else if (*p >= 0xc0)
		n = 2;
	if (n > avail)
		n = avail;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

/*
 * Iterative glob with single-star backtracking: linear in practice and
 * O(plen * tlen) at worst, never recursive, so a hostile policy cannot blow
 * the stack.
 */
bool
match_glob_n(const char *pattern, size_t plen, const char *text, size_t tlen, bool nocase)
{
	const unsigned char *p = (const unsigned char *)pattern;
	const unsigned char *t = (const unsigned char *)text;
	size_t pi = 0, ti = 0;
	size_t star_p = (size_t)-1, star_t = 0;

	while (ti < tlen) {
		if (pi < plen && p[pi] == '*') {
			star_p = ++pi;
			star_t = ti;
			goto skip;
		}
		if (pi < plen && p[pi] == '?') {
			pi++;
			ti += match_u8len(t + ti, tlen - ti);
			continue;
		}
		if (pi < plen) {
			unsigned char pc = p[pi];
			size_t adv = 1;

			if (pc == (unsigned char)MATCH_ESC && pi + 1 < plen) {
				pc = p[pi + 1];
				adv = 2;
			}
			if (match_fold(pc, nocase) == match_fold(t[ti], nocase)) {
				pi += adv;
				ti++;
				continue;
			}
		}
		if (star_p != (size_t)-1) {
			pi = star_p;
			ti = ++star_t;
			goto skip;
		}
		return false;
skip:
		/* After a star, an attempt at a text position whose byte is not
		 * the literal that follows the star fails at once: memchr jumps
		 * over all of those together (ARN patterns such as
		 * "arn:aws:iam::*:role/x*" would otherwise retry every byte). */
		if (!nocase && pi < plen && ti < tlen && p[pi] != '*' && p[pi] != '?' &&
		    p[pi] != (unsigned char)MATCH_ESC) {
			const unsigned char *q = memchr(t + ti, p[pi], tlen - ti);

			if (q == NULL)
				return false;
			ti = star_t = (size_t)(q - t);
		}
	}
	while (pi < plen && p[pi] == '*')
		pi++;
	return pi == plen;
}

bool
match_glob(const char *pattern, const char *text, bool nocase)
{
	return match_glob_n(pattern, strlen(pattern), text, strlen(text), nocase);
}

bool
match_has_wildcard(const char *pattern)
{
	for (const char *p = pattern; *p != '\0'; p++) {
		if (*p == MATCH_ESC && p[1] != '\0') {
			p++;
			continue;
		}
		if (*p == '*' || *p == '?')
			return true;
	}
	return false;
}

/* Split s at its first five colons into six (start, length) parts; false if
 * there are fewer than five colons. An escaped colon does not split. */
static bool
match_arn_split(const char *s, const char *part[6], size_t len[6])
{
	size_t n = 0;
	const char *start = s, *c;

	for (c = s; *c != '\0' && n < 5; c++) {
		if (*c == MATCH_ESC && c[1] != '\0') {
			c++;
			continue;
		}
		if (*c == ':') {
			part[n] = start;
			len[n] = (size_t)(c - start);
			n++;
			start = c + 1;
		}
	}
	if (n < 5)
		return false;
	part[5] = start;
	len[5] = strlen(start);
	return true;
}

bool
match_arn(const char *pattern, const char *arn)
{
	const char *pp[6], *ap[6];
	size_t pl[6], al[6];

	if (strcmp(pattern, "*") == 0)
		return true;
	if (!match_arn_split(pattern, pp, pl) || !match_arn_split(arn, ap, al))
		return strcmp(pattern, arn) == 0;
	for (int i = 0; i < 6; i++)
		if (!match_glob_n(pp[i], pl[i], ap[i], al[i], false))
			return false;
	return true;
}

/* Can the two globs produce one same text? Filled from the ends:
 * ov[i][j] for the suffixes a[i..] and b[j..]. A star may produce nothing
 * or swallow the other side's next token (a star there included: what it
 * produces then lies inside this one's). */
bool
match_glob_overlap_n(const char *a, size_t la, const char *b, size_t lb)
{
	size_t w = lb + 1, cells;
	unsigned char *ov;
	bool r;

	if (memchr(a, MATCH_ESC, la) != NULL || memchr(b, MATCH_ESC, lb) != NULL)
		return match_glob_n(a, la, b, lb, false);
	if (__builtin_mul_overflow(la + 1, w, &cells) || cells > MATCH_OVERLAP_MAX)
		return true;
	if ((ov = calloc(cells, 1)) == NULL)
		return true;
	for (size_t i = la + 1; i-- > 0;) {
		for (size_t j = lb + 1; j-- > 0;) {
			bool v;

			if (i == la && j == lb)
				v = true;
			else if (i < la && a[i] == '*')
				v = ov[(i + 1) * w + j] || (j < lb && ov[i * w + j + 1]);
			else if (j < lb && b[j] == '*')
				v = ov[i * w + j + 1] || (i < la && ov[(i + 1) * w + j]);
			else if (i == la || j == lb)
				v = false;
			else
				v = (a[i] == '?' || b[j] == '?' || a[i] == b[j]) &&
				    ov[(i + 1) * w + j + 1];
			ov[i * w + j] = v;
		}
	}
	r = ov[0];
	free(ov);
	return r;
}

bool
match_arn_overlap(const char *pattern, const char *arn)
{
	const char *pp[6], *ap[6];
	size_t pl[6], al[6];

	if (strcmp(pattern, "*") == 0 || strcmp(arn, "*") == 0)
		return true;
	if (!match_arn_split(pattern, pp, pl) || !match_arn_split(arn, ap, al))
		return strcmp(pattern, arn) == 0;
	for (int i = 0; i < 6; i++)
		if (!match_glob_overlap_n(pp[i], pl[i], ap[i], al[i]))
			return false;
	return true;
}
