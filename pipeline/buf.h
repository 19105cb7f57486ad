/* buf: a growable byte buffer, always NUL-terminated after its content.
 * Used for output encoding, line assembly and HTTP bodies. Not thread-safe;
 * each thread uses its own. */
#ifndef LP_PIPELINE_BUF_H
#define LP_PIPELINE_BUF_H

#include <stddef.h>
#include <string.h>

typedef struct lp_buf {
	char *data;
	size_t len;
	size_t cap;
} lp_buf;

#define LP_BUF_INIT { NULL, 0, 0 }

void lp_buf_init(lp_buf *b);
/* Frees the storage; accepts an already finished buffer. */
void lp_buf_fini(lp_buf *b);
/* Grows the storage to hold need bytes (the terminator included). */
void lp_buf_grow(lp_buf *b, size_t need);

/* Ensures room for extra more bytes plus the terminator. */
static inline void lp_buf_reserve(lp_buf *b, size_t extra)
{
	if (b->len + extra + 1 > b->cap)
		lp_buf_grow(b, b->len + extra + 1);
}

static inline void lp_buf_add(lp_buf *b, const void *p, size_t n)
{
	lp_buf_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static inline void lp_buf_addc(lp_buf *b, char c)
{
	lp_buf_reserve(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

void lp_buf_adds(lp_buf *b, const char *s);
void lp_buf_printf(lp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Empties the buffer, keeping its storage. */
void lp_buf_reset(lp_buf *b);
/* Removes the first n bytes. */
void lp_buf_consume(lp_buf *b, size_t n);
/* Returns the content as a NUL-terminated string (never NULL). */
const char *lp_buf_str(lp_buf *b);

#endif
