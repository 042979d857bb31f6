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

/* Append ".key" (no dot at the start) or "[i]" to the JSON path p (len
 * bytes used, cap bytes in all, NUL-terminated, cut at cap - 1), and
 * return its new length. Readers and writers keep such a path for their
 * messages and extend it at every key: no printf here, which cost them
 * about a tenth of their time. */
size_t strutil_path_key(char *p, size_t cap, size_t len, const char *key);
size_t strutil_path_idx(char *p, size_t cap, size_t len, size_t i);

#endif
