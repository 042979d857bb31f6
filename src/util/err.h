/*
 * Error reporting between modules: a function that can fail returns -1 (or
 * NULL) and fills a struct err with a complete sentence naming what failed:
 * the file and line, the API and field, the policy and JSON path. Callers add
 * context with err_prefix() as the error travels up, so the message the user
 * finally sees says where, not just what.
 */
#ifndef PRA_UTIL_ERR_H
#define PRA_UTIL_ERR_H

#include <stdarg.h>

#define ERR_MSG_MAX 1024

struct err {
	char msg[ERR_MSG_MAX];
};

/* Every function accepts a NULL struct err and then reports nothing. */
void err_set(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prepend "context: " to the current message. */
void err_prefix(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void err_clear(struct err *e);

#endif
