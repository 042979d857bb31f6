/*
 * Bump allocator for memory whose lifetime is one object (a compiled policy)
 * or one evaluation (the formulas of a decision). Nothing is freed one by
 * one: the whole arena goes at once, or is reset and reused, which is what
 * keeps evaluation free of malloc once the arena has grown to its working
 * size.
 */
#ifndef PRA_POLICY_ARENA_H
#define PRA_POLICY_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;	/* chunk being filled */
	struct arena_chunk *first;	/* kept by reset */
	size_t chunk_size;		/* size of new chunks (grows) */
	size_t limit;			/* total bytes allowed, 0 = unbounded */
	size_t total;			/* bytes held in chunks */
};

void arena_init(struct arena *a, size_t chunk_size, size_t limit);
/* NULL when out of memory or over the limit. Memory is 16-byte aligned and
 * uninitialised (arena_zalloc zeroes). */
void *arena_alloc(struct arena *a, size_t n);
void *arena_zalloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* Forget every allocation but keep the chunks for reuse. */
void arena_reset(struct arena *a);
void arena_free(struct arena *a);

#endif
