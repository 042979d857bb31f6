/*
 * libFuzzer target: the edge-set reader (edgejson_parse), which reads the
 * state directory's edge files and --baseline files.
 *
 * Checked: a refusal gives no set and an error that starts with the file's
 * name; an accepted set writes, reads back and writes again to the same
 * bytes (the reader keeps everything the writer writes, and the set it
 * returns is sorted as the writer expects).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit/edge.h"
#include "audit/edgejson.h"
#include "util/buf.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = { "" };
	struct edge_set *s, *back;
	struct buf one, two;

	s = edgejson_parse((const char *)data, size, "fuzz-edges.json", &e);
	if (s == NULL) {
		if (strncmp(e.msg, "fuzz-edges.json", 15) != 0)
			abort();
		return 0;
	}
	buf_init(&one, 0);
	buf_init(&two, 0);
	if (edgejson_write(s, &one, &e) != 0)
		abort();
	if ((back = edgejson_parse(one.data, one.len, "written", &e)) == NULL)
		abort();
	if (edgejson_write(back, &two, &e) != 0)
		abort();
	if (one.len != two.len || memcmp(one.data, two.data, one.len) != 0)
		abort();
	buf_free(&one);
	buf_free(&two);
	edge_set_free(s);
	edge_set_free(back);
	return 0;
}
