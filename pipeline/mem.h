/* mem: allocation helpers. Out of memory aborts the process, so callers never
 * check for NULL (DESIGN.md §7). */
#ifndef LP_PIPELINE_MEM_H
#define LP_PIPELINE_MEM_H

#include <stddef.h>

void *lp_malloc(size_t n);
void *lp_calloc(size_t count, size_t size);
void *lp_realloc(void *p, size_t n);
char *lp_strdup(const char *s);
char *lp_strndup(const char *s, size_t n);
/* Accepts NULL. */
void lp_free(void *p);
/* Printf into a fresh allocation; caller frees with lp_free. */
char *lp_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Grows *arr (element size elem) so that it holds at least need elements;
 * *cap is updated. Amortised doubling. */
void lp_grow(void **arr, size_t *cap, size_t need, size_t elem);
#define LP_GROW(arr, cap, need) lp_grow((void **)&(arr), &(cap), (need), sizeof(*(arr)))

#endif
