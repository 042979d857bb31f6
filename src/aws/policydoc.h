/*
 * IAM returns policy documents percent-encoded inside XML (RFC 3986 %XX;
 * '+' is a literal plus, never a space). Other servers, and AWS's own
 * documentation examples, send them plain. policydoc_decode yields the JSON
 * text either way: a document whose first non-blank byte is '{' is already
 * decoded (an encoded one starts with %7B, since '{' is always escaped) and is
 * copied as is; otherwise every %XX is decoded.
 */
#ifndef PRA_AWS_POLICYDOC_H
#define PRA_AWS_POLICYDOC_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

/* Append the decoded document (surrounding whitespace trimmed) to out. 0, or
 * -1 with e naming the offset of a bad escape. */
int policydoc_decode(struct buf *out, const char *s, size_t len, struct err *e);

#endif
