#include "config.h"

#include "aws/policydoc.h"

#include "aws/uri.h"

static int
policydoc_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int
policydoc_decode(struct buf *out, const char *s, size_t len, struct err *e)
{
	while (len > 0 && policydoc_space(*s)) {
		s++;
		len--;
	}
	while (len > 0 && policydoc_space(s[len - 1]))
		len--;
	if ((len > 0 && s[0] == '{') || !uri_has_escape(s, len)) {
		if (buf_append(out, s, len) != 0) {
			err_set(e, "policy document too large or out of memory");
			return -1;
		}
		return 0;
	}
	if (uri_decode(out, s, len, e) != 0) {
		err_prefix(e, "policy document");
		return -1;
	}
	return 0;
}
