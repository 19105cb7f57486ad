/* The text side of json.h: loading (on top of jsonload), dumping and packing,
 * as jansson 2.14 does them: the same values, the same error lines, columns
 * and positions, the same dumped bytes. Two deliberate differences: a string
 * that is not valid UTF-8 (made with a _nocheck constructor) is dumped with
 * U+FFFD for each invalid sequence, where jansson fails; and error texts are
 * our own sentences. */
#include "pipeline/json.h"

#include "pipeline/buf.h"
#include "pipeline/jsonload.h"
#include "pipeline/jsonw.h"
#include "pipeline/mem.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- loading ---- */

static bool is_digit(unsigned c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_xdigit(unsigned c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Length of the valid UTF-8 character at p (lead byte >= 0x80), or 0. */
static size_t utf8_char(const unsigned char *p, size_t n)
{
	size_t k = n < 4 ? n : 4;
	for (size_t i = 2; i <= k; i++)
		if (lp_utf8_valid((const char *)p, i))
			return i;
	return 0;
}

/* Where jansson's reader stands when it reports a problem with the token
 * that starts at offset at: past the token when it reads as one, else past
 * the character that ends it (before an undecodable byte, which jansson
 * does not count). */
static size_t token_end(const unsigned char *s, size_t len, size_t at)
{
	size_t p = at;
	if (p >= len)
		return len;
	unsigned c = s[p];
	if (c == '"') {
		p++;
		for (;;) {
			if (p >= len)
				return len;
			c = s[p];
			if (c == '"')
				return p + 1;
			if (c < 0x20)
				return p;
			if (c >= 0x80) {
				size_t n = utf8_char(s + p, len - p);
				if (!n)
					return p;
				p += n;
				continue;
			}
			p++;
			if (c != '\\')
				continue;
			if (p >= len)
				return len;
			c = s[p];
			if (c == 'u') {
				p++;
				for (int i = 0; i < 4; i++, p++) {
					if (p >= len)
						return len;
					if (!is_xdigit(s[p]))
						return s[p] >= 0x80 && !utf8_char(s + p, len - p) ? p : p + 1;
				}
			} else if (strchr("\"\\/bfnrt", (int)c) && c) {
				p++;
			} else {
				return c >= 0x80 && !utf8_char(s + p, len - p) ? p : p + 1;
			}
		}
	}
	if (c == '-' || is_digit(c)) {
		if (c == '-')
			p++;
		if (p < len && s[p] == '0') {
			p++;
			if (p < len && is_digit(s[p]))
				return p;
		} else if (p < len && is_digit(s[p])) {
			while (p < len && is_digit(s[p]))
				p++;
		} else {
			return p;
		}
		if (p < len && s[p] == '.') {
			p++;
			if (p >= len || !is_digit(s[p]))
				return p;
			while (p < len && is_digit(s[p]))
				p++;
		}
		if (p < len && (s[p] == 'e' || s[p] == 'E')) {
			p++;
			if (p < len && (s[p] == '+' || s[p] == '-'))
				p++;
			if (p >= len || !is_digit(s[p]))
				return p;
			while (p < len && is_digit(s[p]))
				p++;
		}
		return p;
	}
	if (is_alpha(c)) {
		while (p < len && is_alpha(s[p]))
			p++;
		return p;
	}
	if (c >= 0x80) {
		size_t n = utf8_char(s + p, len - p);
		return n ? p + n : p;
	}
	return p + 1;
}

static size_t skip_space(const unsigned char *s, size_t len, size_t p)
{
	while (p < len && (s[p] == ' ' || s[p] == '\t' || s[p] == '\n' || s[p] == '\r'))
		p++;
	return p;
}

/* Fills err for a problem (message msg) with the token at [token, position):
 * jansson's line (from 1) and column (characters since the line's start)
 * at position, and msg with the token's text for context. */
static void set_error(lpj_error_t *err, const char *text, size_t len, size_t token, size_t position,
		      const char *msg)
{
	if (!err)
		return;
	const unsigned char *s = (const unsigned char *)text;
	int line = 1, column = 0;
	for (size_t i = 0; i < position; i++) {
		if (s[i] == '\n') {
			line++;
			column = 0;
		} else if (s[i] < 0x80 || s[i] >= 0xc0) {
			column++;
		}
	}
	err->line = line;
	err->column = column;
	err->position = (int)position;
	size_t n = token < position ? position - token : 0;
	bool printable = n > 0 && n <= 20 && lp_utf8_valid(text + token, n);
	for (size_t i = 0; printable && i < n; i++)
		if (s[token + i] < 0x20)
			printable = false;
	if (printable)
		snprintf(err->text, sizeof(err->text), "%s near '%.*s'", msg, (int)n, text + token);
	else if (n == 0 && position >= len && !strstr(msg, "end of input"))
		snprintf(err->text, sizeof(err->text), "%s near end of input", msg);
	else
		snprintf(err->text, sizeof(err->text), "%s", msg);
}

/* No line, column or position yet, no text. */
static void clear_error(lpj_error_t *err)
{
	if (err) {
		err->line = err->column = -1;
		err->position = 0;
		err->text[0] = '\0';
	}
}

lpj_t *lpj_loadb(const char *s, size_t len, size_t flags, lpj_error_t *err)
{
	clear_error(err);
	if (!s) {
		if (err)
			snprintf(err->text, sizeof(err->text), "wrong arguments");
		return NULL;
	}
	const unsigned char *u = (const unsigned char *)s;
	size_t first = skip_space(u, len, 0);
	if (!(flags & LPJ_DECODE_ANY) && (first >= len || (u[first] != '[' && u[first] != '{'))) {
		set_error(err, s, len, first, token_end(u, len, first), "'[' or '{' expected");
		return NULL;
	}
	unsigned opts = 0;
	if (flags & LPJ_DISABLE_EOF_CHECK)
		opts |= LP_JSON_LOAD_PREFIX;
	if (!(flags & LPJ_ALLOW_NUL))
		opts |= LP_JSON_LOAD_NO_NUL;
	char msg[LPJ_ERROR_TEXT_LENGTH];
	lp_json_load_at at;
	lpj_t *v = lp_json_load_ex(s, len, opts, msg, sizeof(msg), &at);
	if (!v) {
		set_error(err, s, len, at.token, token_end(u, len, at.token), msg);
		return NULL;
	}
	if ((flags & LPJ_DISABLE_EOF_CHECK) && (lpj_is_boolean(v) || lpj_is_null(v)) && at.used < len &&
	    is_alpha(u[at.used])) {
		/* a word that begins with a literal is one token, and not a valid one */
		lpj_decref(v);
		set_error(err, s, len, first, token_end(u, len, first), "invalid token");
		return NULL;
	}
	if (err)
		err->position = (int)at.used;
	return v;
}

lpj_t *lpj_loads(const char *s, size_t flags, lpj_error_t *err)
{
	return lpj_loadb(s, s ? strlen(s) : 0, flags, err);
}

lpj_t *lpj_load_file(const char *path, size_t flags, lpj_error_t *err)
{
	clear_error(err);
	if (!path) {
		if (err)
			snprintf(err->text, sizeof(err->text), "wrong arguments");
		return NULL;
	}
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (err)
			snprintf(err->text, sizeof(err->text), "unable to open %s: %s", path, strerror(errno));
		return NULL;
	}
	lp_buf b = LP_BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		lp_buf_add(&b, chunk, n);
	lpj_t *v = NULL;
	if (ferror(f)) {
		if (err)
			snprintf(err->text, sizeof(err->text), "unable to read %s: %s", path, strerror(errno));
	} else {
		v = lpj_loadb(b.data ? b.data : "", b.len, flags, err);
	}
	fclose(f);
	lp_buf_fini(&b);
	return v;
}

/* ---- dumping ---- */

typedef struct dumper {
	lp_buf out;
	size_t flags;
	const lpj_t **path; /* the containers being written, for loops */
	size_t depth, cap;
} dumper;

static void dump_indent(dumper *d, size_t depth, bool space)
{
	size_t n = LPJ_INDENT(d->flags);
	if (n) {
		lp_buf_addc(&d->out, '\n');
		for (size_t i = 0; i < n * depth; i++)
			lp_buf_addc(&d->out, ' ');
	} else if (space && !(d->flags & LPJ_COMPACT)) {
		lp_buf_addc(&d->out, ' ');
	}
}

static void dump_string(dumper *d, const char *str, size_t len)
{
	lp_buf clean = LP_BUF_INIT;
	if (!lp_utf8_valid(str, len)) {
		lp_utf8_sanitize(&clean, str, len);
		str = clean.data;
		len = clean.len;
	}
	lp_buf *b = &d->out;
	const unsigned char *s = (const unsigned char *)str;
	lp_buf_addc(b, '"');
	size_t run = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned c = s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		lp_buf_add(b, str + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': lp_buf_adds(b, "\\\""); break;
		case '\\': lp_buf_adds(b, "\\\\"); break;
		case '\b': lp_buf_adds(b, "\\b"); break;
		case '\f': lp_buf_adds(b, "\\f"); break;
		case '\n': lp_buf_adds(b, "\\n"); break;
		case '\r': lp_buf_adds(b, "\\r"); break;
		case '\t': lp_buf_adds(b, "\\t"); break;
		default: lp_buf_printf(b, "\\u%04X", c);
		}
	}
	lp_buf_add(b, str + run, len - run);
	lp_buf_addc(b, '"');
	lp_buf_fini(&clean);
}

/* jansson's real format: %.<p>g (17 by default) with ".0" added when the text
 * would read back as an integer, and no '+' or leading zeros in exponents. */
static bool dump_real(dumper *d, double v)
{
	if (!isfinite(v))
		return false;
	int prec = (int)((d->flags >> 11) & 0x1F);
	char buf[64];
	int n = snprintf(buf, sizeof(buf) - 3, "%.*g", prec ? prec : 17, v);
	if (n < 0 || (size_t)n >= sizeof(buf) - 3)
		return false;
	for (char *c = buf; *c; c++)
		if (*c == ',')
			*c = '.'; /* a locale's decimal comma */
	if (!strchr(buf, '.') && !strchr(buf, 'e')) {
		memcpy(buf + n, ".0", 3);
		n += 2;
	}
	char *e = strchr(buf, 'e');
	if (e) {
		char *start = e + 1, *end = start + 1;
		if (*start == '-')
			start++;
		while (*end == '0')
			end++;
		if (end != start) {
			memmove(start, end, (size_t)(buf + n - end) + 1);
			n -= (int)(end - start);
		}
	}
	lp_buf_add(&d->out, buf, (size_t)n);
	return true;
}

typedef struct member {
	const char *key;
	size_t len;
	lpj_t *value;
} member;

static int cmp_member(const void *a, const void *b)
{
	const member *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int r = memcmp(x->key, y->key, n);
	if (r)
		return r;
	return x->len < y->len ? -1 : x->len > y->len;
}

static bool dump_value(dumper *d, const lpj_t *v, size_t depth);

static bool enter(dumper *d, const lpj_t *v)
{
	for (size_t i = 0; i < d->depth; i++)
		if (d->path[i] == v)
			return false;
	LP_GROW(d->path, d->cap, d->depth + 1);
	d->path[d->depth++] = v;
	return true;
}

static bool dump_object(dumper *d, const lpj_t *v, size_t depth)
{
	size_t rawlen;
	const char *raw = lpj_object_raw_text(v, &rawlen);
	if (raw && (d->flags & LPJ_COMPACT) && !(d->flags & LPJ_SORT_KEYS) && !LPJ_INDENT(d->flags)) {
		lp_buf_add(&d->out, raw, rawlen); /* written this way already */
		return true;
	}
	size_t n = lpj_object_size(v);
	if (n == 0) {
		lp_buf_adds(&d->out, "{}");
		return true;
	}
	if (!enter(d, v))
		return false;
	member *m = lp_malloc(n * sizeof(*m));
	size_t k = 0;
	lpj_t *obj = (lpj_t *)v;
	for (void *it = lpj_object_iter(obj); it && k < n; it = lpj_object_iter_next(obj, it)) {
		m[k].key = lpj_object_iter_key(it);
		m[k].len = lpj_object_iter_key_len(it);
		m[k].value = lpj_object_iter_value(it);
		k++;
	}
	if (d->flags & LPJ_SORT_KEYS)
		qsort(m, k, sizeof(*m), cmp_member);
	bool ok = true;
	lp_buf_addc(&d->out, '{');
	dump_indent(d, depth + 1, false);
	for (size_t i = 0; i < k && ok; i++) {
		dump_string(d, m[i].key, m[i].len);
		lp_buf_adds(&d->out, d->flags & LPJ_COMPACT ? ":" : ": ");
		ok = dump_value(d, m[i].value, depth + 1);
		if (i + 1 < k) {
			lp_buf_addc(&d->out, ',');
			dump_indent(d, depth + 1, true);
		} else {
			dump_indent(d, depth, false);
		}
	}
	lp_buf_addc(&d->out, '}');
	lp_free(m);
	d->depth--;
	return ok;
}

static bool dump_array(dumper *d, const lpj_t *v, size_t depth)
{
	size_t n = lpj_array_size(v);
	if (n == 0) {
		lp_buf_adds(&d->out, "[]");
		return true;
	}
	if (!enter(d, v))
		return false;
	bool ok = true;
	lp_buf_addc(&d->out, '[');
	dump_indent(d, depth + 1, false);
	for (size_t i = 0; i < n && ok; i++) {
		ok = dump_value(d, lpj_array_get(v, i), depth + 1);
		if (i + 1 < n) {
			lp_buf_addc(&d->out, ',');
			dump_indent(d, depth + 1, true);
		} else {
			dump_indent(d, depth, false);
		}
	}
	lp_buf_addc(&d->out, ']');
	d->depth--;
	return ok;
}

static bool dump_value(dumper *d, const lpj_t *v, size_t depth)
{
	if (!v)
		return false;
	switch (lpj_typeof(v)) {
	case LPJ_OBJECT: return dump_object(d, v, depth);
	case LPJ_ARRAY: return dump_array(d, v, depth);
	case LPJ_STRING: dump_string(d, lpj_string_value(v), lpj_string_length(v)); return true;
	case LPJ_INTEGER: lp_buf_printf(&d->out, "%" LPJ_INTEGER_FORMAT, lpj_integer_value(v)); return true;
	case LPJ_REAL: return dump_real(d, lpj_real_value(v));
	case LPJ_TRUE: lp_buf_adds(&d->out, "true"); return true;
	case LPJ_FALSE: lp_buf_adds(&d->out, "false"); return true;
	case LPJ_NULL: lp_buf_adds(&d->out, "null"); return true;
	}
	return false;
}

char *lpj_dumps(const lpj_t *v, size_t flags)
{
	if (!v || (!(flags & LPJ_ENCODE_ANY) && !lpj_is_object(v) && !lpj_is_array(v)))
		return NULL;
	dumper d = { .out = LP_BUF_INIT, .flags = flags };
	bool ok = dump_value(&d, v, 0);
	lp_free(d.path);
	if (!ok) {
		lp_buf_fini(&d.out);
		return NULL;
	}
	lp_buf_str(&d.out);
	return d.out.data; /* lp_malloc'ed, as lp_free wants */
}

/* ---- packing ---- */

typedef struct packer {
	const char *f;
	va_list ap;
	bool bad_format; /* stop: the arguments can no longer be followed */
	bool failed;     /* a NULL or invalid argument: go on, releasing values */
} packer;

static char next_token(packer *p)
{
	while (*p->f == ' ' || *p->f == '\t' || *p->f == '\n' || *p->f == ',' || *p->f == ':')
		p->f++;
	return *p->f;
}

static lpj_t *pack_value(packer *p);

static void release(lpj_t *v)
{
	if (v)
		lpj_decref(v);
}

static lpj_t *pack_object(packer *p)
{
	lpj_t *obj = lpj_object();
	for (;;) {
		char c = next_token(p);
		if (c == '}') {
			p->f++;
			return obj;
		}
		if (c != 's') {
			p->bad_format = true;
			release(obj);
			return NULL;
		}
		p->f++;
		const char *key = va_arg(p->ap, const char *);
		lpj_t *val = pack_value(p);
		if (p->bad_format) {
			release(val);
			release(obj);
			return NULL;
		}
		if (!val || !key)
			p->failed = true;
		if (p->failed || lpj_object_set_new(obj, key, val) != 0) {
			if (!p->failed)
				val = NULL; /* set_new released it */
			p->failed = true;
			release(val);
		}
	}
}

static lpj_t *pack_array(packer *p)
{
	lpj_t *arr = lpj_array();
	for (;;) {
		char c = next_token(p);
		if (c == ']') {
			p->f++;
			return arr;
		}
		if (c == '\0') {
			p->bad_format = true;
			release(arr);
			return NULL;
		}
		lpj_t *val = pack_value(p);
		if (p->bad_format) {
			release(val);
			release(arr);
			return NULL;
		}
		if (!val)
			p->failed = true;
		if (p->failed)
			release(val);
		else if (lpj_array_append_new(arr, val) != 0)
			p->failed = true;
	}
}

static lpj_t *pack_value(packer *p)
{
	char c = next_token(p);
	if (c)
		p->f++;
	switch (c) {
	case '{': return pack_object(p);
	case '[': return pack_array(p);
	case 's': {
		const char *s = va_arg(p->ap, const char *);
		return s ? lpj_string(s) : NULL;
	}
	case 'i': return lpj_integer(va_arg(p->ap, int));
	case 'I': return lpj_integer(va_arg(p->ap, lpj_int_t));
	case 'f': return lpj_real(va_arg(p->ap, double));
	case 'b': return lpj_boolean(va_arg(p->ap, int) != 0);
	case 'n': return lpj_null();
	case 'o': return va_arg(p->ap, lpj_t *);
	case 'O': {
		lpj_t *v = va_arg(p->ap, lpj_t *);
		return v ? lpj_incref(v) : NULL;
	}
	default: p->bad_format = true; return NULL;
	}
}

lpj_t *lpj_pack(const char *fmt, ...)
{
	if (!fmt || !*fmt)
		return NULL;
	packer p = { .f = fmt };
	va_start(p.ap, fmt);
	lpj_t *v = pack_value(&p);
	va_end(p.ap);
	if (!v || p.bad_format || p.failed || next_token(&p) != '\0') {
		release(v);
		return NULL;
	}
	return v;
}
