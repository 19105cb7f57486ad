/* buf: a growable byte buffer, always NUL-terminated after its content.
 * Used for output encoding, line assembly and HTTP bodies. Not thread-safe;
 * each thread uses its own. */
#ifndef LP_PIPELINE_BUF_H
#define LP_PIPELINE_BUF_H

#include <stddef.h>

typedef struct lp_buf {
	char *data;
	size_t len;
	size_t cap;
} lp_buf;

#define LP_BUF_INIT { NULL, 0, 0 }

void lp_buf_init(lp_buf *b);
/* Frees the storage; accepts an already finished buffer. */
void lp_buf_fini(lp_buf *b);
/* Ensures room for extra more bytes plus the terminator. */
void lp_buf_reserve(lp_buf *b, size_t extra);
void lp_buf_add(lp_buf *b, const void *p, size_t n);
void lp_buf_adds(lp_buf *b, const char *s);
void lp_buf_addc(lp_buf *b, char c);
void lp_buf_printf(lp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Empties the buffer, keeping its storage. */
void lp_buf_reset(lp_buf *b);
/* Removes the first n bytes. */
void lp_buf_consume(lp_buf *b, size_t n);
/* Returns the content as a NUL-terminated string (never NULL). */
const char *lp_buf_str(lp_buf *b);

#endif
