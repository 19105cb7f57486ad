#include "pipeline/jsonw.h"

#include "pipeline/jsonscan.h"
#include "pipeline/mem.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when the
 * bytes there are not one; *bad then receives how many bytes form the maximal
 * invalid prefix to replace with one U+FFFD (at least 1). */
static size_t utf8_seq(const unsigned char *s, size_t n, size_t *bad)
{
	unsigned char c = s[0];
	size_t need;
	unsigned char lo = 0x80, hi = 0xBF;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		need = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		*bad = 1;
		return 0;
	}
	size_t i = 1;
	for (; i < need; i++) {
		if (i >= n) {
			*bad = i;
			return 0;
		}
		unsigned char b = s[i];
		unsigned char l = i == 1 ? lo : 0x80, h = i == 1 ? hi : 0xBF;
		if (b < l || b > h) {
			*bad = i;
			return 0;
		}
	}
	return need;
}

int lp_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, bad;
	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			/* ASCII runs a word at a time */
			while (i + 8 <= len) {
				uint64_t w;
				memcpy(&w, p + i, 8);
				if (w & 0x8080808080808080ULL)
					break;
				i += 8;
			}
			continue;
		}
		size_t k = utf8_seq(p + i, len - i, &bad);
		if (!k)
			return 0;
		i += k;
	}
	return 1;
}

static const char replacement[3] = { '\xEF', '\xBF', '\xBD' };

void lp_utf8_sanitize(lp_buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, bad;
	lp_buf_reserve(out, len);
	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		size_t k = utf8_seq(p + i, len - i, &bad);
		if (k) {
			i += k;
			continue;
		}
		lp_buf_add(out, s + run, i - run);
		lp_buf_add(out, replacement, 3);
		i += bad;
		run = i;
	}
	lp_buf_add(out, s + run, len - run);
}

static const char hexd[] = "0123456789abcdef";

/* lp_buf_addc without the call and the terminator (the public functions
 * terminate the buffer when they are done). */
static inline void put1(lp_buf *out, char c)
{
	if (out->len + 2 > out->cap)
		lp_buf_reserve(out, 1);
	out->data[out->len++] = c;
}

static inline void put_n(lp_buf *out, const char *s, size_t n)
{
	if (out->len + n + 1 > out->cap)
		lp_buf_reserve(out, n);
	memcpy(out->data + out->len, s, n);
	out->len += n;
}

/* Makes room for need more bytes after d, keeping d valid. */
#define ROOM(need)                                                         \
	do {                                                               \
		if ((size_t)(out->data + out->cap - 1 - d) < (need)) {     \
			out->len = (size_t)(d - out->data);                \
			lp_buf_reserve(out, (need));                       \
			d = out->data + out->len;                          \
		}                                                          \
	} while (0)

void lp_jsonw_string(lp_buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, bad;
	/* Invariant: room for the rest of the input unchanged plus the closing
	 * quote. Copies keep it; an escape or a replacement grows the output by
	 * at most 5 bytes, so they make room for that first. */
	if (out->len + len + 3 > out->cap)
		lp_buf_reserve(out, len + 2);
	char *d = out->data + out->len;
	*d++ = '"';
	while (i < len) {
		size_t j = (size_t)(lp_json_plain_end(p + i, p + len) - p);
		memcpy(d, s + i, j - i);
		d += j - i;
		i = j;
		if (i == len)
			break;
		unsigned char c = p[i];
		if (c >= 0x80) {
			size_t k = utf8_seq(p + i, len - i, &bad);
			if (k) {
				memcpy(d, s + i, k);
				d += k;
				i += k;
			} else {
				ROOM(len - i + 3);
				memcpy(d, replacement, 3);
				d += 3;
				i += bad;
			}
			continue;
		}
		ROOM(len - i + 6);
		*d++ = '\\';
		switch (c) {
		case '"': *d++ = '"'; break;
		case '\\': *d++ = '\\'; break;
		case '\n': *d++ = 'n'; break;
		case '\r': *d++ = 'r'; break;
		case '\t': *d++ = 't'; break;
		case '\b': *d++ = 'b'; break;
		case '\f': *d++ = 'f'; break;
		default:
			*d++ = 'u';
			*d++ = '0';
			*d++ = '0';
			*d++ = hexd[c >> 4];
			*d++ = hexd[c & 15];
		}
		i++;
	}
	*d++ = '"';
	out->len = (size_t)(d - out->data);
	out->data[out->len] = '\0';
}

void lp_jsonw_real(lp_buf *out, double v)
{
	if (!isfinite(v)) {
		lp_buf_add(out, "null", 4);
		return;
	}
	char tmp[40];
	int n = 0;
	for (int prec = 15; prec <= 17; prec++) {
		n = snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		if (prec == 17 || strtod(tmp, NULL) == v)
			break;
	}
	bool marked = false;
	for (int i = 0; i < n; i++) {
		if (tmp[i] == '.' || tmp[i] == 'e' || tmp[i] == 'E') {
			marked = true;
			break;
		}
	}
	lp_buf_add(out, tmp, (size_t)n);
	if (!marked)
		lp_buf_add(out, ".0", 2);
}

static void write_int(lp_buf *out, lpj_int_t v)
{
	char tmp[24];
	char *e = tmp + sizeof(tmp), *p = e;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	put_n(out, p, (size_t)(e - p));
}

static void write_value(lp_buf *out, const lpj_t *v);

static bool write_members(lp_buf *out, const lpj_t *obj, bool comma)
{
	size_t n;
	const lpj_member *m = lpj_object_members(obj, &n);
	for (size_t i = 0; i < n; i++) {
		if (m[i].key_plain) {
			/* ,"key": in one step */
			lp_buf_reserve(out, (size_t)m[i].klen + 4);
			char *d = out->data + out->len;
			if (comma)
				*d++ = ',';
			*d++ = '"';
			lp_memcpy_short(d, m[i].key, m[i].klen);
			d += m[i].klen;
			*d++ = '"';
			*d++ = ':';
			out->len = (size_t)(d - out->data);
		} else {
			if (comma)
				put1(out, ',');
			lp_jsonw_string(out, m[i].key, m[i].klen);
			put1(out, ':');
		}
		comma = true;
		write_value(out, m[i].value);
	}
	return comma;
}

static void write_value(lp_buf *out, const lpj_t *v)
{
	if (!v) {
		put_n(out, "null", 4);
		return;
	}
	switch (lpj_typeof(v)) {
	case LPJ_OBJECT: {
		size_t rawlen;
		const char *raw = lpj_object_raw_text(v, &rawlen);
		if (raw) { /* canonical compact JSON already */
			put_n(out, raw, rawlen);
			break;
		}
		put1(out, '{');
		write_members(out, v, false);
		put1(out, '}');
		break;
	}
	case LPJ_ARRAY: {
		size_t n = lpj_array_size(v);
		put1(out, '[');
		for (size_t i = 0; i < n; i++) {
			if (i)
				put1(out, ',');
			write_value(out, lpj_array_get(v, i));
		}
		put1(out, ']');
		break;
	}
	case LPJ_STRING:
		if (lpj_string_is_plain(v)) {
			size_t n = lpj_string_length(v);
			lp_buf_reserve(out, n + 2);
			char *d = out->data + out->len;
			d[0] = '"';
			lp_memcpy_short(d + 1, lpj_string_value(v), n);
			d[n + 1] = '"';
			out->len += n + 2;
			out->data[out->len] = '\0';
		} else {
			lp_jsonw_string(out, lpj_string_value(v), lpj_string_length(v));
		}
		break;
	case LPJ_INTEGER:
		write_int(out, lpj_integer_value(v));
		break;
	case LPJ_REAL:
		lp_jsonw_real(out, lpj_real_value(v));
		break;
	case LPJ_TRUE:
		put_n(out, "true", 4);
		break;
	case LPJ_FALSE:
		put_n(out, "false", 5);
		break;
	case LPJ_NULL:
	default:
		put_n(out, "null", 4);
		break;
	}
}

/* The internal writers leave the terminator out; these add it. */
static void terminate(lp_buf *out)
{
	if (out->data)
		out->data[out->len] = '\0';
}

bool lp_jsonw_members(lp_buf *out, const lpj_t *obj, bool comma)
{
	comma = write_members(out, obj, comma);
	terminate(out);
	return comma;
}

void lp_jsonw_value(lp_buf *out, const lpj_t *v)
{
	write_value(out, v);
	terminate(out);
}

void lp_jsonw_int(lp_buf *out, lpj_int_t v)
{
	write_int(out, v);
	terminate(out);
}
