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

#endif
