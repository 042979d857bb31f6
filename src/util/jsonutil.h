/*
 * Small helpers for the cJSON documents every layer reads (policies,
 * snapshots, edge sets, alerts), so their error messages name things the
 * same way.
 */
#ifndef PRA_UTIL_JSONUTIL_H
#define PRA_UTIL_JSONUTIL_H

#include <cjson/cJSON.h>

/* How an error message names a value's type: "a string", "a number",
 * "a boolean", "null", "an array", "an object", "an invalid value". For
 * "must be an array, got a string". */
const char *jsonutil_type(const cJSON *v);

#include <stddef.h>

/*
 * Before parsing JSON that names principals and policies: what cJSON would
 * let through silently. A "\u0000" escape in a string (cJSON cuts the
 * string there, so an ARN would be read short without a word) and bytes
 * that are not UTF-8 (which every JSON output would then repeat, making
 * it invalid). NULL when text[0..len) has neither, else what was found,
 * with *off the byte offset where.
 */
const char *jsonutil_bad_text(const char *text, size_t len, size_t *off);

/* Line and column (from 1) of byte off of text, for messages. */
void jsonutil_position(const char *text, size_t len, size_t off, size_t *line, size_t *col);

#endif
