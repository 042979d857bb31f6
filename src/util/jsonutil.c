#include "config.h"

#include "util/jsonutil.h"

#include <stdbool.h>

const char *
jsonutil_type(const cJSON *v)
{
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsNull(v))
		return "null";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsObject(v))
		return "an object";
	return "an invalid value";
}

/* Length of the UTF-8 sequence at p (at most n bytes), or 0 if invalid:
 * no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	size_t len;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

const char *
jsonutil_bad_text(const char *text, size_t len, size_t *off)
{
	const unsigned char *p = (const unsigned char *)text;
	bool in_string = false;
	size_t i = 0;

	while (i < len) {
		size_t k;

		/* Most of a document is plain ASCII with nothing to decide:
		 * skipped here without the calls below (this scan read every
		 * byte of every dump file through utf8_len). */
		while (i < len && p[i] < 0x80 && p[i] != '"' && p[i] != '\\')
			i++;
		if (i == len)
			break;
		if (p[i] == '"') {
			in_string = !in_string;
			i++;
		} else if (in_string && p[i] == '\\' && i + 1 < len) {
			/* An escape: \u0000 is the one cJSON reads as a cut. */
			if (p[i + 1] == 'u' && i + 5 < len && p[i + 2] == '0' && p[i + 3] == '0' &&
			    p[i + 4] == '0' && p[i + 5] == '0') {
				*off = i;
				return "a \\u0000 (NUL) in a string, which no AWS name or "
				    "document has";
			}
			i += 2;
		} else if ((k = utf8_len(p + i, len - i)) == 0) {
			*off = i;
			return "bytes that are not UTF-8";
		} else {
			i += k;
		}
	}
	return NULL;
}

void
jsonutil_position(const char *text, size_t len, size_t off, size_t *line, size_t *col)
{
	*line = *col = 1;
	for (size_t i = 0; i < off && i < len; i++)
		if (text[i] == '\n')
			(*line)++, *col = 1;
		else
			(*col)++;
}
