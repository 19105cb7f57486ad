#include "pipeline/buf.h"

#include "pipeline/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void lp_buf_init(lp_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void lp_buf_fini(lp_buf *b)
{
	if (!b)
		return;
	lp_free(b->data);
	lp_buf_init(b);
}

void lp_buf_grow(lp_buf *b, size_t need)
{
	if (need <= b->cap)
		return;
	size_t n = b->cap ? b->cap : 256;
	while (n < need)
		n *= 2;
	b->data = lp_realloc(b->data, n);
	b->cap = n;
}

void lp_buf_adds(lp_buf *b, const char *s)
{
	lp_buf_add(b, s, strlen(s));
}

void lp_buf_printf(lp_buf *b, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n > 0) {
		lp_buf_reserve(b, (size_t)n);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
		b->len += (size_t)n;
	}
	va_end(ap2);
}

void lp_buf_reset(lp_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void lp_buf_consume(lp_buf *b, size_t n)
{
	if (n >= b->len) {
		lp_buf_reset(b);
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	b->data[b->len] = '\0';
}

const char *lp_buf_str(lp_buf *b)
{
	if (!b->data)
		lp_buf_reserve(b, 0), b->data[0] = '\0';
	return b->data;
}
