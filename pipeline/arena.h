/* arena: a region that hands out memory by bumping a pointer and gives it all
 * back at once. Every event's JSON values live in one (DESIGN.md §9): building
 * them costs a pointer bump each, and destroying an event releases whole
 * chunks instead of walking and freeing every value.
 *
 * An arena is used by one thread at a time. It is reference counted (atomic),
 * so that the code that created it and the event that adopted it can each let
 * go in any order on any thread. Released chunks are kept per thread and in a
 * shared depot for reuse. Sanitizer builds allocate every block with malloc
 * and free them all on release, so that a use after release is reported. */
#ifndef LP_PIPELINE_ARENA_H
#define LP_PIPELINE_ARENA_H

#include <stdbool.h>
#include <stddef.h>

typedef struct lp_arena lp_arena;

/* A new arena with one reference. */
lp_arena *lp_arena_create(void);
/* Adds a reference; returns a. */
lp_arena *lp_arena_ref(lp_arena *a);
/* Drops a reference; the last one releases every block. Accepts NULL. */
void lp_arena_unref(lp_arena *a);
/* The free space of the arena's current chunk: the first member of every
 * lp_arena, so that allocation can be inlined. */
typedef struct lp_arena_bump {
	unsigned char *cur, *end;
} lp_arena_bump;

/* lp_arena_alloc's path when the current chunk has no room (n rounded). */
void *lp_arena_alloc_slow(lp_arena *a, size_t n);

/* n bytes aligned to 16, valid until the arena is released. Never NULL. */
static inline void *lp_arena_alloc(lp_arena *a, size_t n)
{
	lp_arena_bump *b = (lp_arena_bump *)a;
	n = n ? (n + 15) & ~(size_t)15 : 16;
	if ((size_t)(b->end - b->cur) >= n) {
		void *p = b->cur;
		b->cur += n;
		return p;
	}
	return lp_arena_alloc_slow(a, n);
}

/* The owner mark: an arena is adopted by at most one event (which then
 * makes its new values there). Returns true for the first caller, false
 * after. Whoever made values in the arena before must not make more once it
 * is adopted. */
bool lp_arena_adopt(lp_arena *a);

#endif
