#include "config.h"

#include "util/strutil.h"

#include <stdlib.h>
#include <string.h>

int
strutil_cmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

void
strutil_freev(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static size_t
path_put(char *p, size_t cap, size_t len, const char *s, size_t n)
{
	if (cap == 0)
		return 0;
	if (len >= cap)
		len = cap - 1;
	if (n > cap - 1 - len)
		n = cap - 1 - len;
	memcpy(p + len, s, n);
	p[len + n] = '\0';
	return len + n;
}

size_t
strutil_path_key(char *p, size_t cap, size_t len, const char *key)
{
	if (len != 0)
		len = path_put(p, cap, len, ".", 1);
	return path_put(p, cap, len, key, strlen(key));
}

size_t
strutil_path_idx(char *p, size_t cap, size_t len, size_t i)
{
	char d[24];
	size_t k = sizeof(d);

	d[--k] = ']';
	do
		d[--k] = (char)('0' + i % 10);
	while ((i /= 10) != 0);
	d[--k] = '[';
	return path_put(p, cap, len, d + k, sizeof(d) - k);
}
