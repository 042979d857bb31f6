/*
 * libFuzzer target: the snapshot JSON reader (snapjson_read) on arbitrary
 * bytes. A rejection must say why; an accepted input must write, read back
 * and write again to the same bytes (the reader keeps everything the writer
 * writes), and everything must free cleanly (leak detection is on).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "collect/snapjson.h"
#include "collect/snapshot.h"
#include "util/buf.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = { "" };
	struct snapshot *s = NULL, *back = NULL;
	struct buf one, two;

	if (snapjson_read((const char *)data, size, &s, &e) != 0) {
		if (e.msg[0] == '\0' || s != NULL)
			__builtin_trap();
		return 0;
	}
	buf_init(&one, 0);
	buf_init(&two, 0);
	/* Whatever was read can be written (required fields are present). */
	if (snapjson_write(s, &one, &e) != 0)
		__builtin_trap();
	if (snapjson_read(one.data, one.len, &back, &e) != 0)
		__builtin_trap();
	if (snapjson_write(back, &two, &e) != 0)
		__builtin_trap();
	if (one.len != two.len || memcmp(one.data, two.data, one.len) != 0)
		__builtin_trap();
	buf_free(&one);
	buf_free(&two);
	snapshot_free(s);
	snapshot_free(back);
	return 0;
}
