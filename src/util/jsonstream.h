/*
 * Reading a large JSON file one value at a time.
 *
 * The files a run may read whole (edge sets written by --write-edges, read
 * by --baseline) grow with the organization: about 500 bytes an edge, so
 * gigabytes at ten million edges, and a cJSON tree of them ten times that.
 * This reader walks the top-level object key by key, and an array value
 * element by element, handing each element to cJSON on its own, so memory
 * is bounded by the largest element (max_value), never by the file.
 *
 * It checks only the structure between the values (braces, brackets,
 * commas, colons, trailing text); each value's text is checked by
 * jsonutil_bad_text (no "\u0000", valid UTF-8) and parsed strictly by
 * cJSON. An element's offset and length are returned so that a caller
 * can index a file in one pass and read parts of it back later
 * (jsonstream_read_at) without parsing it again from the start.
 *
 * Messages name the file and line: "FILE:LINE: ...".
 *
 * Ownership: struct jsonstream owns its descriptor and buffers; values
 * returned as cJSON trees and key strings belong to the caller.
 */
#ifndef PRA_UTIL_JSONSTREAM_H
#define PRA_UTIL_JSONSTREAM_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/err.h"

struct jsonstream;

/* Open the regular file path (a symbolic link as its last component is
 * refused) of at most max_file bytes; no single value may be longer than
 * max_value bytes. NULL with e set. */
struct jsonstream *jsonstream_open(const char *path, uint64_t max_file, size_t max_value,
    struct err *e);
void jsonstream_close(struct jsonstream *js);

/* The name messages use (the path given to jsonstream_open). */
const char *jsonstream_name(const struct jsonstream *js);
/* The current line, from 1, and the line where the last value read (key,
 * value or element) began. */
size_t jsonstream_line(const struct jsonstream *js);
size_t jsonstream_value_line(const struct jsonstream *js);

/* Expect the top-level '{'. 0 or -1. */
int jsonstream_object_begin(struct jsonstream *js, struct err *e);
/* The next key of the top-level object into *key (malloc'ed; the reader is
 * then at its value): 1; at the closing '}': 0 (and then only white space
 * may follow up to the end of the file, or -1 "text after the JSON
 * document"); -1 with e. */
int jsonstream_key(struct jsonstream *js, char **key, struct err *e);
/* The value after a key, parsed whole (bounded by max_value). 0 or -1. */
int jsonstream_value(struct jsonstream *js, cJSON **out, struct err *e);
/* The value after a key, parsed whole and added to obj under that key
 * (a key already in obj is added again: the caller's checks see it
 * twice). 0 or -1. */
int jsonstream_add_value(struct jsonstream *js, cJSON *obj, const char *key, struct err *e);
/* Pass over the value after a key, whatever its size, looking only at
 * where it ends (not whether it is valid JSON). 0 or -1. */
int jsonstream_skip(struct jsonstream *js, struct err *e);
/* Expect '[' as the value after a key. 0, or -1 (e: "not an array"). */
int jsonstream_array_begin(struct jsonstream *js, struct err *e);
/* The next element of that array: 1 with *out (and, when not NULL, the
 * element's byte offset and length in the file); 0 at its ']'; -1. */
int jsonstream_element(struct jsonstream *js, cJSON **out, uint64_t *at, size_t *len,
    struct err *e);

/* Bytes [at, at + len) of the file into out (replacing its content), as
 * they are on disk now. 0 or -1. */
int jsonstream_read_at(struct jsonstream *js, uint64_t at, size_t len, struct buf *out,
    struct err *e);

/* Parse text (a part read back with jsonstream_read_at) as one JSON value,
 * checked as jsonstream_value checks it; line is where the text starts in
 * the file, for messages. NULL with e. */
cJSON *jsonstream_parse_part(const struct jsonstream *js, const char *text, size_t len,
    size_t line, struct err *e);

#endif
