#include "config.h"

#include "util/err.h"

#include <stdio.h>
#include <string.h>

void
err_set(struct err *e, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

void
err_prefix(struct err *e, const char *fmt, ...)
{
	char out[ERR_MSG_MAX];
	va_list ap;
	int n;

	if (e == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(out, sizeof(out), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	/* Long contexts win over a long tail: truncation keeps the start. */
	if ((size_t)n < sizeof(out) - 3) {
		size_t room = sizeof(out) - (size_t)n - 3;
		size_t tail = strnlen(e->msg, sizeof(e->msg));

		if (tail > room)
			tail = room;
		memcpy(out + n, ": ", 2);
		memmove(out + n + 2, e->msg, tail);
		out[(size_t)n + 2 + tail] = '\0';
	}
	memcpy(e->msg, out, sizeof(out));
}

void
err_clear(struct err *e)
{
	if (e != NULL)
		e->msg[0] = '\0';
}
