/*
 * libFuzzer target: JSON 1.1 success bodies (jsonproto_parse_response), as
 * Organizations answers arrive before orgjson reads them.
 *
 * Input: byte 0 sets the size limit (0: none, else 64 times it); the rest is
 * the body. Checked: an accepted body is one JSON object (an empty or blank
 * body is {}) that prints and parses back; a refused one gives no tree and
 * an error naming the operation.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "aws/jsonproto.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = { "" };
	cJSON *out = (cJSON *)1, *back;
	size_t max;
	char *text;

	if (size < 1)
		return 0;
	max = (size_t)data[0] * 64;
	if (jsonproto_parse_response((const char *)data + 1, size - 1, max, "ListRoots", &out,
	    &e) != 0) {
		if (out != NULL || (strncmp(e.msg, "ListRoots response", 18) != 0 &&
		    strcmp(e.msg, "out of memory") != 0))
			abort();
		return 0;
	}
	if (!cJSON_IsObject(out) || (max != 0 && size - 1 > max))
		abort();
	if ((text = cJSON_PrintUnformatted(out)) != NULL) {
		back = cJSON_Parse(text);
		if (back != NULL && !cJSON_IsObject(back))
			abort();
		cJSON_Delete(back);
		free(text);
	}
	cJSON_Delete(out);
	return 0;
}
