#include "config.h"

#include "policy/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;	/* usable bytes after the header */
	size_t used;
	/* data follows, aligned by the header size rounding below */
};

#define ARENA_ALIGN 16
#define ARENA_HDR ((sizeof(struct arena_chunk) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1))

static unsigned char *
arena_data(struct arena_chunk *c)
{
	return (unsigned char *)c + ARENA_HDR;
}

void
arena_init(struct arena *a, size_t chunk_size, size_t limit)
{
	a->head = NULL;
	a->first = NULL;
	a->chunk_size = chunk_size < 256 ? 256 : chunk_size;
	a->limit = limit;
	a->total = 0;
}

static struct arena_chunk *
arena_new_chunk(struct arena *a, size_t need)
{
	size_t size = a->chunk_size;
	struct arena_chunk *c;

	while (size < need)
		size *= 2;
	if (a->limit != 0 && (a->total + size > a->limit || size > a->limit))
		return NULL;
	c = malloc(ARENA_HDR + size);
	if (c == NULL)
		return NULL;
	c->next = NULL;
	c->size = size;
	c->used = 0;
	a->total += size;
	/* Later chunks grow so that a big policy does not make a long chain. */
	if (a->chunk_size < (size_t)1 << 20)
		a->chunk_size *= 2;
	return c;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->head;
	size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	void *p;

	if (need < n)
		return NULL;
	if (need == 0)
		need = ARENA_ALIGN;
	/* After a reset the chain is reused in order before anything new is
	 * allocated. */
	while (c != NULL && c->size - c->used < need) {
		if (c->next == NULL)
			break;
		c = c->next;
		c->used = 0;
		a->head = c;
	}
	if (c == NULL || c->size - c->used < need) {
		struct arena_chunk *nc = arena_new_chunk(a, need);

		if (nc == NULL)
			return NULL;
		if (c == NULL)
			a->first = nc;
		else
			c->next = nc;
		a->head = nc;
		c = nc;
	}
	p = arena_data(c) + c->used;
	c->used += need;
	return p;
}

void *
arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void
arena_reset(struct arena *a)
{
	a->head = a->first;
	if (a->first != NULL)
		a->first->used = 0;
}

void
arena_free(struct arena *a)
{
	struct arena_chunk *c = a->first;

	while (c != NULL) {
		struct arena_chunk *next = c->next;

		free(c);
		c = next;
	}
	a->head = NULL;
	a->first = NULL;
	a->total = 0;
}
