/*
 * libFuzzer target: one account's compact edge file (edgepack_parse), as
 * the state directory's generations keep it.
 *
 * Checked: a refusal leaves the set as it was and gives an error that
 * starts with the file's name; an accepted file writes, reads back and
 * writes again to the same bytes.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit/edge.h"
#include "audit/edgepack.h"
#include "util/buf.h"
#include "util/err.h"

#define ACCOUNT "111111111111"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = { "" };
	struct edge_set *s = edge_set_new(&e), *back = edge_set_new(&e);
	struct buf one, two;

	if (s == NULL || back == NULL)
		abort();
	buf_init(&one, 0);
	buf_init(&two, 0);
	if (edgepack_parse((const char *)data, size, "fuzz.edges.json", ACCOUNT, s, &e) != 0) {
		if (strncmp(e.msg, "fuzz.edges.json: ", 17) != 0 || s->nedges != 0 ||
		    s->nprivileged != 0)
			abort();
		goto out;
	}
	if (edgepack_write(s, ACCOUNT, &one, &e) != 0)
		abort();
	if (edgepack_parse(one.data, one.len, "written", ACCOUNT, back, &e) != 0)
		abort();
	if (edgepack_write(back, ACCOUNT, &two, &e) != 0)
		abort();
	if (one.len != two.len || memcmp(one.data, two.data, one.len) != 0)
		abort();
out:
	buf_free(&one);
	buf_free(&two);
	edge_set_free(s);
	edge_set_free(back);
	return 0;
}
