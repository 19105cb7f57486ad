#include "pipeline/jsonload.h"

#include "pipeline/buf.h"
#include "pipeline/jsonscan.h"
#include "pipeline/mem.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 2048

typedef struct parser {
	const unsigned char *p, *end, *start;
	int depth;
	lp_buf *scratch; /* unescaped strings (the thread's, see scratch_get) */
	struct member_stack *stack; /* members of the objects being read (the thread's) */
	char *err;
	size_t cap;
	size_t *pos;
	bool failed;
	bool no_nul;                       /* reject \u0000 in strings */
	bool raw;                          /* nested objects may stay raw */
	bool in_arena;                     /* the text lives in the current arena */
	bool learn;                        /* LP_JSON_LOAD_LEARN */
	const char *key;                   /* the name of the member being read, or NULL */
	size_t klen;
	const unsigned char *tok;          /* start of the token at fault, when not the failure point */
	size_t *tokpos;
} parser;

static lpj_t *fail_at(parser *ps, const unsigned char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static lpj_t *fail_at(parser *ps, const unsigned char *at, const char *fmt, ...)
{
	if (!ps->failed) {
		ps->failed = true;
		if (ps->cap) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(ps->err, ps->cap, fmt, ap);
			va_end(ap);
		}
		if (ps->pos)
			*ps->pos = (size_t)(at - ps->start);
		if (ps->tokpos)
			*ps->tokpos = (size_t)((ps->tok ? ps->tok : at) - ps->start);
	}
	return NULL;
}

/* A failure inside the string whose opening quote is just before ps->p. */
#define FAIL_IN_STRING(ps, ...) ((ps)->tok = (ps)->p - 1, fail_at((ps), __VA_ARGS__))

static void skip_ws(parser *ps)
{
	while (ps->p < ps->end &&
	       (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '\t'))
		ps->p++;
}

/* Length of the valid UTF-8 sequence at p (lead byte >= 0x80), or 0. */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0];
	size_t n;
	uint32_t cp;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static int hex4(const unsigned char *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		int c = p[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* Writes code point cp as UTF-8 at d; returns the bytes written (1 to 4). */
static size_t put_utf8(char *d, uint32_t cp)
{
	if (cp < 0x80) {
		d[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		d[0] = (char)(0xc0 | cp >> 6);
		d[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		d[0] = (char)(0xe0 | cp >> 12);
		d[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		d[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	d[0] = (char)(0xf0 | cp >> 18);
	d[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	d[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	d[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Parses a string (ps->p at the opening quote). On success *out and *len point
 * either into the input (no escapes) or into ps->scratch, and *has_nul tells
 * whether it contains a NUL. Returns false on error. */
static bool parse_string(parser *ps, const char **out, size_t *len, bool *has_nul)
{
	const unsigned char *q = ++ps->p, *end = ps->end;
	*has_nul = false;
	/* fast path: no escapes */
	while (q < end) {
		q = lp_json_plain_end(q, end);
		if (q >= end)
			break;
		unsigned c = *q;
		if (c == '"') {
			*out = (const char *)ps->p;
			*len = (size_t)(q - ps->p);
			ps->p = q + 1;
			return true;
		}
		if (c == '\\')
			break;
		if (c < 0x20) {
			FAIL_IN_STRING(ps, q, "control character 0x%x in a string", c);
			return false;
		}
		if (c >= 0x80) {
			size_t n = utf8_seq(q, end);
			if (!n) {
				FAIL_IN_STRING(ps, q, "invalid UTF-8 in a string");
				return false;
			}
			q += n;
		} else {
			q++;
		}
	}
	if (q >= end) {
		FAIL_IN_STRING(ps, q, "unterminated string");
		return false;
	}
	/* slow path: unescape into scratch, never longer than the text */
	lp_buf *b = ps->scratch;
	lp_buf_reset(b);
	lp_buf_reserve(b, (size_t)(end - ps->p));
	char *d = b->data;
	memcpy(d, ps->p, (size_t)(q - ps->p));
	d += q - ps->p;
	while (q < end) {
		unsigned c = *q;
		if (c == '"') {
			b->len = (size_t)(d - b->data);
			b->data[b->len] = '\0';
			*out = b->data;
			*len = b->len;
			ps->p = q + 1;
			return true;
		}
		if (c < 0x20) {
			FAIL_IN_STRING(ps, q, "control character 0x%x in a string", c);
			return false;
		}
		if (c >= 0x80) {
			size_t n = utf8_seq(q, end);
			if (!n) {
				FAIL_IN_STRING(ps, q, "invalid UTF-8 in a string");
				return false;
			}
			memcpy(d, q, n);
			d += n;
			q += n;
			continue;
		}
		if (c != '\\') {
			const unsigned char *r = lp_json_plain_end(q, end);
			memcpy(d, q, (size_t)(r - q));
			d += r - q;
			q = r;
			continue;
		}
		if (end - q < 2) {
			FAIL_IN_STRING(ps, q, "unterminated string");
			return false;
		}
		unsigned e = q[1];
		q += 2;
		switch (e) {
		case '"': *d++ = '"'; break;
		case '\\': *d++ = '\\'; break;
		case '/': *d++ = '/'; break;
		case 'b': *d++ = '\b'; break;
		case 'f': *d++ = '\f'; break;
		case 'n': *d++ = '\n'; break;
		case 'r': *d++ = '\r'; break;
		case 't': *d++ = '\t'; break;
		case 'u': {
			int v = end - q >= 4 ? hex4(q) : -1;
			if (v < 0) {
				FAIL_IN_STRING(ps, q - 2, "invalid unicode escape");
				return false;
			}
			q += 4;
			uint32_t cp = (uint32_t)v;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				int lo = end - q >= 6 && q[0] == '\\' && q[1] == 'u' ? hex4(q + 2) : -1;
				if (lo < 0xdc00 || lo > 0xdfff) {
					FAIL_IN_STRING(ps, q - 6, "invalid Unicode escape (lone high surrogate)");
					return false;
				}
				q += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + ((uint32_t)lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				FAIL_IN_STRING(ps, q - 6, "invalid Unicode escape (lone low surrogate)");
				return false;
			}
			if (cp == 0) {
				if (ps->no_nul) {
					FAIL_IN_STRING(ps, q - 6, "\\u0000 is not allowed in a string");
					return false;
				}
				*has_nul = true;
			}
			d += put_utf8(d, cp); /* at most 4 bytes for 6 or 12 read */
			break;
		}
		default:
			FAIL_IN_STRING(ps, q - 2, "invalid escape '\\%c'", e >= 0x20 && e < 0x7f ? (char)e : '?');
			return false;
		}
	}
	FAIL_IN_STRING(ps, q, "unterminated string");
	return false;
}

static lpj_t *parse_number(parser *ps)
{
	const unsigned char *s = ps->p, *q = s, *end = ps->end;
	bool real = false;
	if (q < end && *q == '-')
		q++;
	if (q >= end || *q < '0' || *q > '9')
		return fail_at(ps, s, "invalid number");
	if (*q == '0') {
		q++;
		if (q < end && *q >= '0' && *q <= '9')
			return fail_at(ps, s, "invalid number (leading zero)");
	} else {
		while (q < end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < end && *q == '.') {
		real = true;
		q++;
		if (q >= end || *q < '0' || *q > '9')
			return fail_at(ps, s, "invalid number");
		while (q < end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < end && (*q == 'e' || *q == 'E')) {
		real = true;
		q++;
		if (q < end && (*q == '+' || *q == '-'))
			q++;
		if (q >= end || *q < '0' || *q > '9')
			return fail_at(ps, s, "invalid number");
		while (q < end && *q >= '0' && *q <= '9')
			q++;
	}
	size_t n = (size_t)(q - s);
	if (!real && n <= 18) {
		/* fits without overflow: no conversion call */
		const unsigned char *d = s + (*s == '-');
		long long ll = 0;
		for (; d < q; d++)
			ll = ll * 10 + (*d - '0');
		ps->p = q;
		return lpj_integer(*s == '-' ? -ll : ll);
	}
	char small[64], *tmp = n < sizeof(small) ? small : lp_malloc(n + 1);
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	lpj_t *v;
	errno = 0;
	if (!real) {
		long long ll = strtoll(tmp, NULL, 10);
		v = errno == ERANGE ? fail_at(ps, s, "integer out of range") : lpj_integer(ll);
	} else {
		double d = strtod(tmp, NULL);
		v = isinf(d) ? fail_at(ps, s, "real number overflow") : lpj_real(d);
	}
	if (tmp != small)
		lp_free(tmp);
	ps->p = q;
	return v;
}

/* ---- raw objects: a check of canonical compact JSON without building ---- */

enum {
	RAW_DEPTH = 16, /* deeper nesting is parsed the usual way */
	RAW_KEYS = 32,  /* so are objects with more keys */
	LEARNED = 16,   /* looked into this often: parsed right away */
	NAME_SLOTS = 256,
};

/* How often raw objects were looked into, per member name (a slot per name
 * summary; the last slot for array elements), for LP_JSON_LOAD_LEARN. A slot
 * shared by two names only costs speed. */
static lpj_raw_uses learned[NAME_SLOTS + 1];

static lpj_raw_uses *uses_of(const char *key, size_t klen)
{
	if (!key)
		return &learned[NAME_SLOTS];
	unsigned h = klen ? (unsigned)klen * 31u + (unsigned char)key[0] + (unsigned char)key[klen - 1] * 7u : 0;
	return &learned[h % NAME_SLOTS];
}

static const unsigned char *skim_value(const unsigned char *p, const unsigned char *end, int depth);

/* A string without escapes or control characters, valid UTF-8 (p at the
 * opening quote): the end of it, or NULL. */
static const unsigned char *skim_string(const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q = p + 1;
	for (;;) {
		q = lp_json_plain_end(q, end);
		if (q >= end)
			return NULL;
		if (*q == '"')
			return q + 1;
		if (*q < 0x80)
			return NULL; /* an escape or a control character */
		size_t n = utf8_seq(q, end);
		if (!n)
			return NULL;
		q += n;
	}
}

/* An integer as written back: 0, or an optional '-' and up to 17 digits
 * without a leading zero. Reals are never raw. */
static const unsigned char *skim_integer(const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q = p + (*p == '-');
	const unsigned char *d = q;
	while (q < end && *q >= '0' && *q <= '9')
		q++;
	size_t n = (size_t)(q - d);
	if (n == 0 || n > 17 || (*d == '0' && (n > 1 || d != p)))
		return NULL;
	if (q < end && (*q == '.' || *q == 'e' || *q == 'E'))
		return NULL;
	return q;
}

static const unsigned char *skim_word(const unsigned char *p, const unsigned char *end, const char *w, size_t n)
{
	return (size_t)(end - p) >= n && memcmp(p, w, n) == 0 ? p + n : NULL;
}

static const unsigned char *skim_object(const unsigned char *p, const unsigned char *end, int depth)
{
	struct {
		const unsigned char *k;
		size_t n;
	} keys[RAW_KEYS];
	size_t nkeys = 0;
	p++;
	if (p < end && *p == '}')
		return p + 1;
	for (;;) {
		if (p >= end || *p != '"')
			return NULL;
		const unsigned char *q = skim_string(p, end);
		if (!q || nkeys == RAW_KEYS)
			return NULL;
		size_t n = (size_t)(q - p) - 2;
		for (size_t i = 0; i < nkeys; i++)
			if (keys[i].n == n && memcmp(keys[i].k, p + 1, n) == 0)
				return NULL; /* a duplicate: the last one wins when parsed */
		keys[nkeys].k = p + 1;
		keys[nkeys++].n = n;
		if (q >= end || *q != ':')
			return NULL;
		p = skim_value(q + 1, end, depth);
		if (!p || p >= end)
			return NULL;
		if (*p == '}')
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const unsigned char *skim_array(const unsigned char *p, const unsigned char *end, int depth)
{
	p++;
	if (p < end && *p == ']')
		return p + 1;
	for (;;) {
		p = skim_value(p, end, depth);
		if (!p || p >= end)
			return NULL;
		if (*p == ']')
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const unsigned char *skim_value(const unsigned char *p, const unsigned char *end, int depth)
{
	if (p >= end)
		return NULL;
	switch (*p) {
	case '{': return depth < RAW_DEPTH ? skim_object(p, end, depth + 1) : NULL;
	case '[': return depth < RAW_DEPTH ? skim_array(p, end, depth + 1) : NULL;
	case '"': return skim_string(p, end);
	case 't': return skim_word(p, end, "true", 4);
	case 'f': return skim_word(p, end, "false", 5);
	case 'n': return skim_word(p, end, "null", 4);
	default:
		if (*p == '-' || (*p >= '0' && *p <= '9'))
			return skim_integer(p, end);
		return NULL;
	}
}

static lpj_t *parse_value(parser *ps);

/* The members of the objects being read, innermost last: an object is made
 * once its closing brace is read, with room for exactly its members. */
typedef struct member_stack {
	lpj_member *m;
	size_t n, cap;
} member_stack;

static void stack_push(member_stack *st, const char *key, size_t klen, bool plain, lpj_t *v)
{
	if (st->n == st->cap) {
		st->cap = st->cap ? 2 * st->cap : 64;
		st->m = lp_realloc(st->m, st->cap * sizeof(*st->m));
	}
	st->m[st->n++] = (lpj_member){ .key = key, .klen = (uint32_t)klen, .key_plain = plain, .value = v };
}

/* Drops the members from base up: keys not in the input were copied. */
static void stack_drop(member_stack *st, size_t base, bool values)
{
	for (size_t i = base; i < st->n; i++) {
		if (!st->m[i].key_plain)
			lp_free((void *)st->m[i].key);
		if (values)
			lpj_decref(st->m[i].value);
	}
	st->n = base;
}

static lpj_t *parse_object(parser *ps)
{
	member_stack *st = ps->stack;
	size_t base = st->n;
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		return lpj_object();
	}
	for (;;) {
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != '"') {
			fail_at(ps, ps->p, "string or '}' expected");
			goto fail;
		}
		const unsigned char *kat = ps->p;
		const char *k;
		size_t klen;
		bool nul;
		if (!parse_string(ps, &k, &klen, &nul))
			goto fail;
		if (nul) {
			fail_at(ps, kat, "NUL byte in object key not supported");
			goto fail;
		}
		/* A key in the input is used where it is (no escapes, so JSON-ready
		 * as it is); one unescaped into scratch is copied out, as the value
		 * may overwrite scratch. */
		bool plain = (const unsigned char *)k >= ps->start && (const unsigned char *)k < ps->end;
		if (!plain)
			k = lp_strndup(k, klen);
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != ':') {
			if (!plain)
				lp_free((void *)k);
			fail_at(ps, ps->p, "':' expected");
			goto fail;
		}
		ps->p++;
		ps->key = k;
		ps->klen = klen;
		lpj_t *v = parse_value(ps);
		if (!v) {
			if (!plain)
				lp_free((void *)k);
			goto fail;
		}
		stack_push(st, k, klen, plain, v);
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == '}') {
			ps->p++;
			lpj_t *obj = lpj_object_from(st->m + base, st->n - base);
			stack_drop(st, base, false);
			return obj;
		}
		fail_at(ps, ps->p, "',' or '}' expected");
		goto fail;
	}
fail:
	stack_drop(st, base, true);
	return NULL;
}

static lpj_t *parse_array(parser *ps)
{
	ps->p++;
	lpj_t *arr = lpj_array();
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == ']') {
		ps->p++;
		return arr;
	}
	for (;;) {
		ps->key = NULL;
		lpj_t *v = parse_value(ps);
		if (!v)
			goto fail;
		lpj_array_append_new(arr, v);
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == ']') {
			ps->p++;
			return arr;
		}
		fail_at(ps, ps->p, "',' or ']' expected");
		goto fail;
	}
fail:
	lpj_decref(arr);
	return NULL;
}

static bool literal(parser *ps, const char *word, size_t n)
{
	if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, word, n) == 0) {
		ps->p += n;
		return true;
	}
	return false;
}

static lpj_t *parse_value_at(parser *ps);

/* Every value counts towards the depth limit, as in jansson. */
static lpj_t *parse_value(parser *ps)
{
	skip_ws(ps);
	if (++ps->depth > MAX_DEPTH)
		return fail_at(ps, ps->p, "maximum parsing depth reached");
	lpj_t *v = parse_value_at(ps);
	ps->depth--;
	return v;
}

static lpj_t *parse_value_at(parser *ps)
{
	if (ps->p >= ps->end)
		return fail_at(ps, ps->p, "unexpected end of input");
	switch (*ps->p) {
	case '{':
		/* A nested object within the depth limit even with its own
		 * nesting may stay raw (see jsonload.h). */
		if (ps->raw && ps->depth > 1 && ps->depth + RAW_DEPTH < MAX_DEPTH) {
			lpj_raw_uses *uses = ps->learn ? uses_of(ps->key, ps->klen) : NULL;
			if (uses && __atomic_load_n(uses, __ATOMIC_RELAXED) >= LEARNED)
				return parse_object(ps);
			const unsigned char *e = skim_value(ps->p, ps->end, 0);
			if (e) {
				lpj_t *o = lpj_object_raw((const char *)ps->p, (size_t)(e - ps->p), ps->in_arena, uses);
				ps->p = e;
				return o;
			}
		}
		return parse_object(ps);
	case '[':
		return parse_array(ps);
	case '"': {
		const char *s;
		size_t len;
		bool nul;
		if (!parse_string(ps, &s, &len, &nul))
			return NULL;
		/* Not unescaped into scratch: the text is JSON-ready as it is. */
		if ((const unsigned char *)s >= ps->start && (const unsigned char *)s < ps->end)
			return lpj_stringn_plain(s, len);
		return lpj_stringn_nocheck(s, len);
	}
	case 't':
		if (literal(ps, "true", 4))
			return lpj_true();
		break;
	case 'f':
		if (literal(ps, "false", 5))
			return lpj_false();
		break;
	case 'n':
		if (literal(ps, "null", 4))
			return lpj_null();
		break;
	default:
		if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
			return parse_number(ps);
	}
	return fail_at(ps, ps->p, "unexpected character");
}

/* Unescaped strings and the member stack are the thread's, kept between
 * calls (and freed at thread exit) unless they grew past what is worth
 * keeping. */
enum { SCRATCH_KEEP = 64 * 1024, STACK_KEEP = 4096 };
typedef struct thread_state {
	lp_buf scratch;
	member_stack stack;
} thread_state;
static _Thread_local thread_state tl;
static _Thread_local bool tl_registered;
static pthread_key_t tl_key;
static pthread_once_t tl_once = PTHREAD_ONCE_INIT;

static void tl_free(void *p)
{
	thread_state *t = p;
	lp_buf_fini(&t->scratch);
	lp_free(t->stack.m);
	t->stack.m = NULL;
	t->stack.n = t->stack.cap = 0;
}

static void tl_key_create(void)
{
	pthread_key_create(&tl_key, tl_free);
}

static void tl_get(parser *ps)
{
	if (!tl_registered) {
		tl_registered = true;
		pthread_once(&tl_once, tl_key_create);
		pthread_setspecific(tl_key, &tl);
	}
	lp_buf_reset(&tl.scratch);
	ps->scratch = &tl.scratch;
	ps->stack = &tl.stack;
}

static void tl_put(void)
{
	if (tl.scratch.cap > SCRATCH_KEEP)
		lp_buf_fini(&tl.scratch);
	if (tl.stack.cap > STACK_KEEP && tl.stack.n == 0) {
		lp_free(tl.stack.m);
		tl.stack.m = NULL;
		tl.stack.cap = 0;
	}
}

lpj_t *lp_json_load_ex(const char *s, size_t len, unsigned opts, char *err, size_t cap,
		       lp_json_load_at *at)
{
	parser ps;
	memset(&ps, 0, sizeof(ps));
	ps.start = ps.p = (const unsigned char *)s;
	ps.end = ps.p + len;
	ps.err = err;
	ps.cap = cap;
	ps.pos = &at->pos;
	ps.tokpos = &at->token;
	ps.no_nul = opts & LP_JSON_LOAD_NO_NUL;
	ps.raw = !(opts & LP_JSON_LOAD_EAGER) && lpj_arena_current();
	ps.in_arena = opts & LP_JSON_LOAD_IN_ARENA;
	ps.learn = opts & LP_JSON_LOAD_LEARN;
	at->used = at->pos = at->token = 0;
	if (cap)
		err[0] = '\0';
	tl_get(&ps);
	lpj_t *v = parse_value(&ps);
	if (v) {
		at->used = (size_t)(ps.p - ps.start);
		if (!(opts & LP_JSON_LOAD_PREFIX)) {
			skip_ws(&ps);
			if (ps.p != ps.end) {
				lpj_decref(v);
				v = fail_at(&ps, ps.p, "end of input expected");
			}
			at->used = len;
		}
	}
	tl_put();
	return v;
}

lpj_t *lp_json_load(const char *s, size_t len, char *err, size_t cap, size_t *pos)
{
	lp_json_load_at at;
	lpj_t *v = lp_json_load_ex(s, len, 0, err, cap, &at);
	if (!v && pos)
		*pos = at.pos;
	return v;
}
