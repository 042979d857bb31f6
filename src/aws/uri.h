/*
 * RFC 3986 percent-encoding as AWS uses it: in SigV4 canonical requests, in
 * query-protocol form bodies, and to decode the policy documents IAM sends
 * percent-encoded inside its XML answers.
 */
#ifndef PRA_AWS_URI_H
#define PRA_AWS_URI_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

/* A-Z a-z 0-9 - . _ ~ stay, every other byte becomes %XX (upper-case hex);
 * '/' stays when keep_slash is true (for paths). Appends to out; 0, or -1
 * when out is full or memory runs out. */
int uri_encode(struct buf *out, const char *s, size_t len, bool keep_slash);

/* Decode %XX only: '+' stays '+', because AWS sends a literal plus as %2B
 * and a space as %20. A '%' not followed by two hex digits is an error that
 * names its offset. Appends to out; 0 or -1. */
int uri_decode(struct buf *out, const char *s, size_t len, struct err *e);

/* True when s holds at least one valid %XX escape. */
bool uri_has_escape(const char *s, size_t len);

#endif
