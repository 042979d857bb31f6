/*
 * Small string helpers the model code (snapshot, edge sets, diffs) shares.
 */
#ifndef PRA_UTIL_STRUTIL_H
#define PRA_UTIL_STRUTIL_H

#include <stddef.h>

/* strcmp that accepts NULL, which sorts before every string: optional
 * fields of the models compare and sort without special cases. */
int strutil_cmp(const char *a, const char *b);

/* Free n strings and the array holding them (NULL is fine). */
void strutil_freev(char **v, size_t n);

#endif
