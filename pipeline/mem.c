#include "pipeline/mem.h"

#include <jansson.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
	fprintf(stderr, "logpipe: fatal: out of memory allocating %zu bytes\n", n);
	abort();
}

void *lp_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *lp_calloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		oom(count * size);
	return p;
}

void *lp_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *lp_strndup(const char *s, size_t n)
{
	char *d = lp_malloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *lp_strdup(const char *s)
{
	return lp_strndup(s, strlen(s));
}

void lp_free(void *p)
{
	free(p);
}

char *lp_asprintf(const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = lp_malloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return s;
}

/* jansson's allocations: per-thread caches of freed blocks by size class.
 *
 * An event's values are allocated by the input thread that decodes it and
 * freed by the worker that finishes it; glibc's malloc makes that hand-over
 * expensive (its per-thread cache fills after a few frees and the rest goes
 * through the owning arena's lock). Here a freed block goes onto the freeing
 * thread's stack for its class; a stack that fills hands half of its
 * pointers to a shared depot in one locked step, and a thread whose stack is
 * empty takes a whole batch back. The stacks hold pointers, so taking a
 * block does not read memory another core wrote last. Blocks are plain
 * malloc blocks (no header: the class comes from malloc_usable_size), so
 * memory jansson returns, such as json_dumps' strings, may still be released
 * with free() or lp_free. Cached blocks are kept for reuse (bounded by the
 * peak of live values, which the queue bounds). Sanitizer builds use malloc
 * directly. */
#if defined(__SANITIZE_ADDRESS__)
#define LP_MEM_CACHE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LP_MEM_CACHE 0
#endif
#endif
#ifndef LP_MEM_CACHE
#define LP_MEM_CACHE 1
#endif

#if LP_MEM_CACHE
enum { GRAIN = 16, CLASSES = 33, BATCH = 256 }; /* classes of 16 .. 512 bytes */

typedef struct batch {
	struct batch *next;
	void *p[BATCH];
} batch;

typedef struct stack {
	unsigned n;
	void *p[2 * BATCH];
} stack;

static _Thread_local stack cache[CLASSES];
static _Thread_local int cache_registered;
static struct {
	pthread_mutex_t lock;
	batch *full;  /* batches of cached blocks */
	batch *spare; /* empty batch records */
} depot[CLASSES];
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

/* Moves the BATCH pointers at the top of s to the depot. */
static void depot_put(unsigned c, stack *s)
{
	s->n -= BATCH;
	pthread_mutex_lock(&depot[c].lock);
	batch *b = depot[c].spare;
	if (b) {
		depot[c].spare = b->next;
		memcpy(b->p, s->p + s->n, sizeof(b->p));
		b->next = depot[c].full;
		depot[c].full = b;
		pthread_mutex_unlock(&depot[c].lock);
		return;
	}
	pthread_mutex_unlock(&depot[c].lock);
	b = lp_malloc(sizeof(*b));
	memcpy(b->p, s->p + s->n, sizeof(b->p));
	pthread_mutex_lock(&depot[c].lock);
	b->next = depot[c].full;
	depot[c].full = b;
	pthread_mutex_unlock(&depot[c].lock);
}

/* Fills an empty s with a batch from the depot; false when it has none. */
static bool depot_get(unsigned c, stack *s)
{
	pthread_mutex_lock(&depot[c].lock);
	batch *b = depot[c].full;
	if (b) {
		depot[c].full = b->next;
		memcpy(s->p, b->p, sizeof(b->p));
		s->n = BATCH;
		b->next = depot[c].spare;
		depot[c].spare = b;
	}
	pthread_mutex_unlock(&depot[c].lock);
	return b != NULL;
}

/* Thread exit: whole batches go to the depot, the rest back to malloc. */
static void cache_flush(void *unused)
{
	(void)unused;
	for (unsigned c = 1; c < CLASSES; c++) {
		stack *s = &cache[c];
		while (s->n >= BATCH)
			depot_put(c, s);
		while (s->n)
			free(s->p[--s->n]);
	}
}

static void cache_register(void)
{
	cache_registered = 1;
	pthread_setspecific(cache_key, cache);
}

static void cache_key_create(void)
{
	for (unsigned c = 0; c < CLASSES; c++)
		pthread_mutex_init(&depot[c].lock, NULL);
	pthread_key_create(&cache_key, cache_flush);
}

static void *json_alloc(size_t n)
{
	unsigned c = (unsigned)((n + GRAIN - 1) / GRAIN);
	if (c == 0)
		c = 1;
	if (c >= CLASSES)
		return lp_malloc(n);
	stack *s = &cache[c];
	if (!s->n) {
		if (!cache_registered)
			cache_register();
		if (!depot_get(c, s))
			return lp_malloc((size_t)c * GRAIN);
	}
	return s->p[--s->n];
}

static void json_free_cached(void *p)
{
	if (!p)
		return;
	size_t c = malloc_usable_size(p) / GRAIN;
	if (c >= CLASSES) {
		free(p);
		return;
	}
	if (!cache_registered)
		cache_register();
	stack *s = &cache[c];
	s->p[s->n++] = p;
	if (s->n == 2 * BATCH)
		depot_put((unsigned)c, s);
}
#endif

void lp_mem_init_jansson(void)
{
#if LP_MEM_CACHE
	pthread_once(&cache_once, cache_key_create);
	json_set_alloc_funcs(json_alloc, json_free_cached);
#else
	json_set_alloc_funcs(lp_malloc, free);
#endif
}

void lp_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return;
	size_t n = *cap ? *cap : 8;
	while (n < need)
		n *= 2;
	*arr = lp_realloc(*arr, n * elem);
	*cap = n;
}
