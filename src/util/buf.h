/*
 * A growable byte buffer with an upper bound. Every response body, canonical
 * request and serialised document is built in one; the bound is how parsers
 * and transports refuse input that is too large instead of growing without
 * limit. The data is always NUL-terminated so it can be used as a C string.
 */
#ifndef PRA_UTIL_BUF_H
#define PRA_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;	/* NULL until the first append */
	size_t len;
	size_t cap;
	size_t max;	/* largest len allowed; 0 means no bound */
};

#define BUF_INIT { NULL, 0, 0, 0 }

void buf_init(struct buf *b, size_t max);
/* 0 on success; -1 with errno ENOMEM, or EFBIG when max would be exceeded. */
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Always a valid C string, "" for an empty buffer. */
const char *buf_cstr(const struct buf *b);
void buf_reset(struct buf *b);
/* Hand the storage to the caller (who frees it); the buffer becomes empty. */
char *buf_steal(struct buf *b);
void buf_free(struct buf *b);
/* For buffers that held secrets (signing input, credentials responses). */
void buf_free_secret(struct buf *b);

#endif
