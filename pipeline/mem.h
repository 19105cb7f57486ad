/* mem: allocation helpers. Out of memory aborts the process, so callers never
 * check for NULL (DESIGN.md §7). */
#ifndef LP_PIPELINE_MEM_H
#define LP_PIPELINE_MEM_H

#include <stddef.h>
#include <string.h>

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

/* memcpy for short pieces (JSON keys and most values) without a call: two
 * overlapping moves cover 4 to 32 bytes; longer ones go to memcpy. */
static inline void lp_memcpy_short(void *dst, const void *src, size_t n)
{
	char *d = dst;
	const char *s = src;
	if (n > 32) {
		memcpy(d, s, n);
	} else if (n >= 16) {
		memcpy(d, s, 16);
		memcpy(d + n - 16, s + n - 16, 16);
	} else if (n >= 8) {
		memcpy(d, s, 8);
		memcpy(d + n - 8, s + n - 8, 8);
	} else if (n >= 4) {
		memcpy(d, s, 4);
		memcpy(d + n - 4, s + n - 4, 4);
	} else {
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
	}
}

#endif
