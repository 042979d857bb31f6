#include "config.h"

#include "policy/strhead.h"

void
strhead_load(struct strhead *h, const char *s, size_t len)
{
	unsigned char b[STRHEAD_BYTES] = { 0 };

	memcpy(b, s, len < STRHEAD_BYTES ? len : STRHEAD_BYTES);
	memcpy(h->w, b, sizeof(b));
}

void
strhead_pat_init(struct strhead_pat *p, const char *s, size_t len)
{
	unsigned char b[STRHEAD_BYTES] = { 0 }, m[STRHEAD_BYTES] = { 0 };
	size_t n = len < STRHEAD_BYTES ? len : STRHEAD_BYTES;

	/* The mask is built from bytes, like the words, so the compare does not
	 * depend on the machine's byte order. */
	memcpy(b, s, n);
	memset(m, 0xff, n);
	memcpy(p->w, b, sizeof(b));
	memcpy(p->m, m, sizeof(m));
	p->s = s;
	p->len = len;
}
