#include "config.h"

#include "aws/uri.h"

static bool
uri_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

static int
uri_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
uri_encode(struct buf *out, const char *s, size_t len, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, run = 0;
	char esc[3];

	/* Copy unreserved runs in one append: this is on every signed request. */
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (uri_unreserved(c) || (keep_slash && c == '/')) {
			run++;
			continue;
		}
		if (run > 0 && buf_append(out, s + i - run, run) != 0)
			return -1;
		run = 0;
		esc[0] = '%';
		esc[1] = hex[c >> 4];
		esc[2] = hex[c & 0x0f];
		if (buf_append(out, esc, 3) != 0)
			return -1;
	}
	if (run > 0 && buf_append(out, s + len - run, run) != 0)
		return -1;
	return 0;
}

int
uri_decode(struct buf *out, const char *s, size_t len, struct err *e)
{
	size_t i, run = 0;

	for (i = 0; i < len; i++) {
		int hi, lo;
		char c;

		if (s[i] != '%') {
			run++;
			continue;
		}
		if (run > 0 && buf_append(out, s + i - run, run) != 0)
			goto nomem;
		run = 0;
		if (len - i < 3 || (hi = uri_hexval((unsigned char)s[i + 1])) < 0 ||
		    (lo = uri_hexval((unsigned char)s[i + 2])) < 0) {
			err_set(e, "bad percent-escape at offset %zu", i);
			return -1;
		}
		c = (char)(hi << 4 | lo);
		if (buf_append(out, &c, 1) != 0)
			goto nomem;
		i += 2;
	}
	if (run > 0 && buf_append(out, s + len - run, run) != 0)
		goto nomem;
	return 0;
nomem:
	err_set(e, "decoded text too large");
	return -1;
}

bool
uri_has_escape(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i + 2 < len; i++)
		if (s[i] == '%' && uri_hexval((unsigned char)s[i + 1]) >= 0 &&
		    uri_hexval((unsigned char)s[i + 2]) >= 0)
			return true;
	return false;
}
