#include "pipeline/arena.h"

#include "pipeline/mem.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define LP_ARENA_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LP_ARENA_MALLOC 1
#endif
#endif
#ifndef LP_ARENA_MALLOC
#define LP_ARENA_MALLOC 0
#endif

enum { ALIGN = 16, CHUNK = 8192, BIG = CHUNK / 4, THREAD_CHUNKS = 64, DEPOT_CHUNKS = 4096 };

/* A chunk: its header, then the space handed out. Standard chunks are CHUNK
 * bytes and are recycled; a block larger than BIG gets a chunk of its own,
 * freed on release. In sanitizer builds every block is its own chunk. */
typedef struct chunk {
	struct chunk *next;
	size_t size; /* bytes of the whole chunk */
	unsigned char data[] __attribute__((aligned(ALIGN)));
} chunk;

struct lp_arena {
	lp_arena_bump bump; /* free space in the current chunk (first) */
	chunk *chunks;      /* standard chunks, current first */
	chunk *bigs;        /* own-chunk blocks */
	unsigned refs; /* atomic */
	bool adopted;
};

/* Recycled standard chunks: a short per-thread list, then a shared depot. */
static _Thread_local chunk *tl_free;
static _Thread_local unsigned tl_count;
static pthread_mutex_t depot_lock = PTHREAD_MUTEX_INITIALIZER;
static chunk *depot;
static unsigned depot_count;
static pthread_key_t tl_key;
static pthread_once_t tl_once = PTHREAD_ONCE_INIT;
static _Thread_local bool tl_registered;

/* Thread exit: the thread's chunks are freed. */
static void tl_flush(void *unused)
{
	(void)unused;
	while (tl_free) {
		chunk *c = tl_free;
		tl_free = c->next;
		lp_free(c);
	}
	tl_count = 0;
}

static void tl_key_create(void)
{
	pthread_key_create(&tl_key, tl_flush);
}

/* Makes sure the thread's chunks are freed when it exits. */
static void tl_register(void)
{
	if (tl_registered)
		return;
	tl_registered = true;
	pthread_once(&tl_once, tl_key_create);
	pthread_setspecific(tl_key, &tl_free);
}

static chunk *chunk_get(void)
{
	chunk *c = tl_free;
	if (c) {
		tl_free = c->next;
		tl_count--;
		return c;
	}
	tl_register();
	pthread_mutex_lock(&depot_lock);
	/* Take up to half a thread list at once. */
	for (unsigned i = 0; depot && i < THREAD_CHUNKS / 2; i++) {
		chunk *d = depot;
		depot = d->next;
		depot_count--;
		d->next = tl_free;
		tl_free = d;
		tl_count++;
	}
	pthread_mutex_unlock(&depot_lock);
	c = tl_free;
	if (c) {
		tl_free = c->next;
		tl_count--;
		return c;
	}
	c = lp_malloc(CHUNK);
	c->size = CHUNK;
	return c;
}

/* Gives back a list of standard chunks. */
static void chunks_put(chunk *list)
{
	tl_register();
	while (list && tl_count < THREAD_CHUNKS) {
		chunk *c = list;
		list = c->next;
		c->next = tl_free;
		tl_free = c;
		tl_count++;
	}
	if (!list)
		return;
	chunk *spill = NULL;
	pthread_mutex_lock(&depot_lock);
	while (list) {
		chunk *c = list;
		list = c->next;
		if (depot_count < DEPOT_CHUNKS) {
			c->next = depot;
			depot = c;
			depot_count++;
		} else {
			c->next = spill;
			spill = c;
		}
	}
	pthread_mutex_unlock(&depot_lock);
	while (spill) {
		chunk *c = spill;
		spill = c->next;
		lp_free(c);
	}
}

lp_arena *lp_arena_create(void)
{
	lp_arena *a;
	if (LP_ARENA_MALLOC) {
		a = lp_calloc(1, sizeof(*a));
	} else {
		/* The arena's own record is the first block of its first chunk. */
		chunk *c = chunk_get();
		c->next = NULL;
		a = (lp_arena *)c->data;
		memset(a, 0, sizeof(*a));
		a->chunks = c;
		a->bump.cur = c->data + ((sizeof(*a) + ALIGN - 1) & ~(size_t)(ALIGN - 1));
		a->bump.end = (unsigned char *)c + CHUNK;
	}
	a->refs = 1;
	return a;
}

lp_arena *lp_arena_ref(lp_arena *a)
{
	__atomic_add_fetch(&a->refs, 1, __ATOMIC_RELAXED);
	return a;
}

static void free_list(chunk *c)
{
	while (c) {
		chunk *n = c->next;
		lp_free(c);
		c = n;
	}
}

void lp_arena_unref(lp_arena *a)
{
	if (!a || __atomic_sub_fetch(&a->refs, 1, __ATOMIC_ACQ_REL))
		return;
	free_list(a->bigs);
	if (LP_ARENA_MALLOC) {
		lp_free(a);
		return;
	}
	chunks_put(a->chunks); /* the record itself goes with its chunk */
}

void *lp_arena_alloc_slow(lp_arena *a, size_t n)
{
	if (LP_ARENA_MALLOC || n > BIG) {
		chunk *c = lp_malloc(sizeof(chunk) + n);
		c->size = sizeof(chunk) + n;
		c->next = a->bigs;
		a->bigs = c;
		return c->data;
	}
	chunk *c = chunk_get();
	c->next = a->chunks;
	a->chunks = c;
	a->bump.cur = c->data + n;
	a->bump.end = (unsigned char *)c + CHUNK;
	return c->data;
}

bool lp_arena_adopt(lp_arena *a)
{
	if (a->adopted)
		return false;
	a->adopted = true;
	return true;
}
