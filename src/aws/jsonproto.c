#include "config.h"

#include "aws/jsonproto.h"

#include "util/jsonutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
jsonproto_target(char *out, size_t n, const char *prefix, const char *operation, struct err *e)
{
	int w = snprintf(out, n, "%s.%s", prefix, operation);

	if (w < 0 || (size_t)w >= n) {
		err_set(e, "X-Amz-Target for %.64s is too long", operation);
		return -1;
	}
	return 0;
}

int
jsonproto_build(struct buf *body, const cJSON *req, struct err *e)
{
	char *s;
	int rc;

	if (req == NULL)
		return buf_puts(body, "{}") == 0 ? 0 : (err_set(e, "out of memory"), -1);
	if (!cJSON_IsObject(req)) {
		err_set(e, "JSON request must be an object");
		return -1;
	}
	s = cJSON_PrintUnformatted(req);
	if (s == NULL) {
		err_set(e, "out of memory serialising a JSON request");
		return -1;
	}
	rc = buf_puts(body, s);
	free(s);
	if (rc != 0)
		err_set(e, "JSON request body too large or out of memory");
	return rc;
}

int
jsonproto_parse_response(const char *body, size_t len, size_t max_bytes, const char *operation,
    cJSON **out, struct err *e)
{
	const char *end = NULL, *bad;
	cJSON *root;
	size_t i;

	*out = NULL;
	if (max_bytes != 0 && len > max_bytes) {
		err_set(e, "%s response: %zu bytes exceeds the limit of %zu", operation, len, max_bytes);
		return -1;
	}
	for (i = 0; i < len && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' ||
	    body[i] == '\t'); i++)
		;
	if (i == len) {
		*out = cJSON_CreateObject();
		if (*out == NULL) {
			err_set(e, "out of memory");
			return -1;
		}
		return 0;
	}
	if ((bad = jsonutil_bad_text(body, len, &i)) != NULL) {
		err_set(e, "%s response: %s at byte %zu", operation, bad, i);
		return -1;
	}
	/* cJSON bounds nesting itself (CJSON_NESTING_LIMIT) and reads only len bytes. */
	root = cJSON_ParseWithLengthOpts(body, len, &end, false);
	if (root == NULL) {
		end = cJSON_GetErrorPtr();
		if (end != NULL && end >= body && end <= body + len)
			err_set(e, "%s response: malformed JSON at byte %zu", operation,
			    (size_t)(end - body));
		else
			err_set(e, "%s response: malformed JSON", operation);
		return -1;
	}
	for (i = (size_t)(end - body); i < len; i++) {
		if (body[i] != ' ' && body[i] != '\n' && body[i] != '\r' && body[i] != '\t' &&
		    body[i] != '\0') {
			cJSON_Delete(root);
			err_set(e, "%s response: trailing data after the JSON object at byte %zu",
			    operation, i);
			return -1;
		}
	}
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		err_set(e, "%s response: body is not a JSON object", operation);
		return -1;
	}
	*out = root;
	return 0;
}
