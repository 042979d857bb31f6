/*
 * Secret handling: key material, session tokens and webhook tokens are wiped
 * before their memory is released, so that a later heap dump or core file
 * does not carry them.
 */
#ifndef PRA_UTIL_SECRET_H
#define PRA_UTIL_SECRET_H

#include <stddef.h>

/* Overwrite n bytes in a way the compiler may not elide. */
void secret_wipe(void *p, size_t n);
/* Wipe a NUL-terminated string and free it; NULL is fine. */
void secret_free(char *s);
/* strdup for secrets: same semantics, named so that ownership is visible. */
char *secret_strdup(const char *s);
/* Exclude the process from core dumps (PR_SET_DUMPABLE 0); 0 on success. */
int secret_disable_core_dumps(void);

#endif
