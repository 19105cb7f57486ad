#include "filters/mutate/mutate_ops.h"

#include "pipeline/numfmt.h"
#include "pipeline/jsonw.h"
#include "pipeline/mem.h"

#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

bool mut_conv_parse(const char *name, mut_conv *out)
{
	static const struct { const char *name; mut_conv c; } names[] = {
		{ "integer", MUT_CONV_INTEGER }, { "integer_eu", MUT_CONV_INTEGER_EU },
		{ "float", MUT_CONV_FLOAT }, { "float_eu", MUT_CONV_FLOAT_EU },
		{ "string", MUT_CONV_STRING }, { "boolean", MUT_CONV_BOOLEAN },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i].name) == 0) {
			*out = names[i].c;
			return true;
		}
	}
	return false;
}


void mut_to_s(const lpj_t *v, lp_buf *out)
{
	switch (lpj_typeof(v)) {
	case LPJ_STRING: lp_buf_add(out, lpj_string_value(v), lpj_string_length(v)); break;
	case LPJ_INTEGER: lp_buf_printf(out, "%" LPJ_INTEGER_FORMAT, lpj_integer_value(v)); break;
	case LPJ_REAL: lp_numfmt_ruby(out, lpj_real_value(v)); break;
	case LPJ_TRUE: lp_buf_adds(out, "true"); break;
	case LPJ_FALSE: lp_buf_adds(out, "false"); break;
	case LPJ_NULL: break;
	default: lp_jsonw_value(out, v); break;
	}
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

void mut_strip(const char *s, size_t len, size_t *start, size_t *end)
{
	size_t a = 0, b = len;
	while (a < b && is_space(s[a]))
		a++;
	while (b > a && (is_space(s[b - 1]) || s[b - 1] == '\0'))
		b--;
	*start = a;
	*end = b;
}

/* Prepares a numeric string as Logstash does: strip, delete ','. */
static char *clean_number(const char *s, size_t len, bool eu)
{
	size_t a, b;
	mut_strip(s, len, &a, &b);
	char *t = lp_malloc(b - a + 1);
	size_t n = 0;
	for (size_t i = a; i < b; i++) {
		char c = s[i];
		if (eu)
			c = c == ',' ? '.' : c == '.' ? ',' : c;
		if (c != ',')
			t[n++] = c;
	}
	t[n] = '\0';
	return t;
}

static bool is_hex(const char *t)
{
	const char *p = t + (*t == '+' || *t == '-');
	return p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
}

/* Ruby's strict Float(): the whole string is a decimal number (digits may
 * be separated by single underscores). */
static bool strict_float(const char *t, double *out)
{
	char *buf = lp_malloc(strlen(t) + 1);
	size_t n = 0;
	bool digit_before = false;
	for (const char *p = t; *p; p++) {
		if (*p == '_') {
			if (!digit_before || !isdigit((unsigned char)p[1])) {
				lp_free(buf);
				return false;
			}
			continue;
		}
		digit_before = isdigit((unsigned char)*p);
		buf[n++] = *p;
	}
	buf[n] = '\0';
	bool ok = n > 0 && !strpbrk(buf, "iInNxX") && buf[n - 1] != '.';
	char *end = NULL;
	errno = 0;
	double d = ok ? strtod(buf, &end) : 0;
	ok = ok && end && *end == '\0' && end != buf;
	lp_free(buf);
	if (ok)
		*out = d;
	return ok;
}

/* Ruby's String#to_i: optional sign, digits (single underscores allowed),
 * stops at the first other character; 0 when there are none. Returns NULL
 * when the result needs more than 64 bits (Ruby would make a Bignum). */
static lpj_t *ruby_to_i(const char *t)
{
	const char *p = t;
	while (is_space(*p))
		p++;
	bool neg = false;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	unsigned long long v = 0, limit = neg ? 9223372036854775808ULL : 9223372036854775807ULL;
	for (; *p; p++) {
		if (*p == '_' && isdigit((unsigned char)p[1]) && p != t)
			continue;
		if (!isdigit((unsigned char)*p))
			break;
		unsigned d = (unsigned)(*p - '0');
		if (v > (limit - d) / 10)
			return NULL;
		v = v * 10 + d;
	}
	return lpj_integer(neg ? (lpj_int_t)(0 - v) : (lpj_int_t)v);
}

/* Integer(d) truncates toward zero; NULL when not finite or beyond 64 bits. */
static lpj_t *int_of_double(double d)
{
	if (!isfinite(d) || d < -9223372036854775808.0 || d >= 9223372036854775808.0)
		return NULL;
	return lpj_integer((lpj_int_t)d);
}

static lpj_t *to_integer(const lpj_t *v, bool eu)
{
	if (lpj_is_true(v))
		return lpj_integer(1);
	if (lpj_is_false(v))
		return lpj_integer(0);
	if (lpj_is_integer(v))
		return lpj_integer(lpj_integer_value(v));
	if (lpj_is_real(v))
		return int_of_double(lpj_real_value(v));
	if (!lpj_is_string(v))
		return NULL;
	char *t = clean_number(lpj_string_value(v), lpj_string_length(v), eu);
	lpj_t *r = NULL;
	double d;
	if (is_hex(t)) {
		char *end;
		d = strtod(t, &end);
		r = *end == '\0' && end != t ? int_of_double(d) : NULL;
	} else if (strchr(t, 'e')) {
		r = strict_float(t, &d) ? int_of_double(d) : NULL;
	} else {
		r = ruby_to_i(t);
	}
	lp_free(t);
	return r;
}

static lpj_t *to_float(const lpj_t *v, bool eu)
{
	if (lpj_is_true(v))
		return lpj_real(1.0);
	if (lpj_is_false(v))
		return lpj_real(0.0);
	if (lpj_is_number(v))
		return lpj_real(lpj_number_value(v));
	if (!lpj_is_string(v))
		return NULL;
	char *t = clean_number(lpj_string_value(v), lpj_string_length(v), eu);
	double d;
	lpj_t *r = NULL;
	if (is_hex(t)) {
		char *end;
		d = strtod(t, &end);
		r = *end == '\0' && end != t ? lpj_real(d) : NULL;
	} else if (strict_float(t, &d)) {
		r = lpj_real(d);
	}
	lp_free(t);
	return r;
}

/* Logstash's TRUE_REGEX and FALSE_REGEX, as written there: Ruby line
 * anchors and an unescaped dot ("1x0" is true, so is "maybe\nyes"). */
static lp_regex *true_re, *false_re;
static pthread_once_t bool_once = PTHREAD_ONCE_INIT;

static void init_bool_regexes(void)
{
	true_re = lp_regex_compile("(?i)^(true|t|yes|y|1|1.0)$", NULL, 0, NULL);
	false_re = lp_regex_compile("(?i)^(false|f|no|n|0|0.0)$", NULL, 0, NULL);
}

lpj_t *mut_convert(const lpj_t *v, mut_conv type, bool *unchanged)
{
	*unchanged = false;
	switch (type) {
	case MUT_CONV_INTEGER: return to_integer(v, false);
	case MUT_CONV_INTEGER_EU: return to_integer(v, true);
	case MUT_CONV_FLOAT: return to_float(v, false);
	case MUT_CONV_FLOAT_EU: return to_float(v, true);
	case MUT_CONV_STRING: {
		lp_buf b = LP_BUF_INIT;
		mut_to_s(v, &b);
		lpj_t *r = lpj_stringn_nocheck(lp_buf_str(&b), b.len);
		lp_buf_fini(&b);
		return r;
	}
	case MUT_CONV_BOOLEAN: {
		pthread_once(&bool_once, init_bool_regexes);
		lp_buf b = LP_BUF_INIT;
		mut_to_s(v, &b);
		const char *s = lp_buf_str(&b);
		lpj_t *r;
		if (lp_regex_match(true_re, s, b.len)) {
			r = lpj_true();
		} else if (!*s || lp_regex_match(false_re, s, b.len)) {
			r = lpj_false();
		} else {
			*unchanged = true;
			r = lpj_deep_copy(v);
		}
		lp_buf_fini(&b);
		return r;
	}
	}
	return NULL;
}

/* ---- gsub ---- */

/* True when the group opening at p ("(?<name>", "(?'name'", "(?P<name>")
 * is named; lookbehinds "(?<=" and "(?<!" are not. */
static bool named_group_at(const char *p)
{
	if (p[0] != '(' || p[1] != '?')
		return false;
	if (p[2] == '<')
		return p[3] != '=' && p[3] != '!';
	return p[2] == '\'' || (p[2] == 'P' && p[3] == '<');
}

/* Walks pattern; calls out each plain capturing "(" position when edit. */
static bool scan_groups(const char *pattern, lp_buf *out)
{
	bool named = false;
	bool in_class = false;
	for (const char *p = pattern; *p; p++) {
		if (*p == '\\' && p[1]) {
			if (out)
				lp_buf_add(out, p, 2);
			p++;
			continue;
		}
		if (in_class) {
			if (*p == ']')
				in_class = false;
		} else if (*p == '[') {
			in_class = true;
			if (out)
				lp_buf_addc(out, *p);
			if (p[1] == '^') {
				if (out)
					lp_buf_addc(out, '^');
				p++;
			}
			if (p[1] == ']') { /* a leading ']' is literal */
				if (out)
					lp_buf_addc(out, ']');
				p++;
			}
			continue;
		} else if (*p == '(') {
			if (named_group_at(p))
				named = true;
			if (out && p[1] != '?' && p[1] != '*') {
				lp_buf_adds(out, "(?:");
				continue;
			}
		}
		if (out)
			lp_buf_addc(out, *p);
	}
	return named;
}

char *mut_ruby_groups(const char *pattern)
{
	if (!scan_groups(pattern, NULL))
		return lp_strdup(pattern);
	lp_buf b = LP_BUF_INIT;
	scan_groups(pattern, &b);
	char *r = lp_strdup(lp_buf_str(&b));
	lp_buf_fini(&b);
	return r;
}

typedef enum { PART_TEXT, PART_GROUP, PART_NAMED, PART_PRE, PART_POST } part_kind;

typedef struct part {
	part_kind kind;
	size_t off, len;  /* TEXT: bytes of text; NAMED: the name */
	int group;
} part;

struct mut_repl {
	char *text;
	part *parts;
	size_t n, cap;
};

static void add_part(mut_repl *r, part p)
{
	if (p.kind == PART_TEXT && p.len == 0)
		return;
	LP_GROW(r->parts, r->cap, r->n + 1);
	r->parts[r->n++] = p;
}

/* Splits a Ruby replacement string into parts. */
static void parse_repl(mut_repl *r)
{
	const char *t = r->text;
	size_t lit = 0, i = 0, n = strlen(t);
	while (i < n) {
		if (t[i] != '\\' || i + 1 >= n) {
			i++;
			continue;
		}
		char c = t[i + 1];
		part p = { PART_TEXT, 0, 0, 0 };
		size_t adv = 2;
		if (c >= '0' && c <= '9') {
			p.kind = PART_GROUP;
			p.group = c - '0';
		} else if (c == '&') {
			p.kind = PART_GROUP;
			p.group = 0;
		} else if (c == '`') {
			p.kind = PART_PRE;
		} else if (c == '\'') {
			p.kind = PART_POST;
		} else if (c == '\\') {
			add_part(r, (part){ PART_TEXT, lit, i - lit, 0 });
			add_part(r, (part){ PART_TEXT, i, 1, 0 });
			i += 2;
			lit = i;
			continue;
		} else if (c == 'k' && t[i + 2] == '<' && strchr(t + i + 3, '>')) {
			const char *close = strchr(t + i + 3, '>');
			p.kind = PART_NAMED;
			p.off = i + 3;
			p.len = (size_t)(close - (t + i + 3));
			adv = (size_t)(close - (t + i)) + 1;
		} else {
			i += 2; /* unknown escape: kept as written */
			continue;
		}
		add_part(r, (part){ PART_TEXT, lit, i - lit, 0 });
		add_part(r, p);
		i += adv;
		lit = i;
	}
	add_part(r, (part){ PART_TEXT, lit, n - lit, 0 });
}

mut_repl *mut_repl_compile(const char *text)
{
	mut_repl *r = lp_calloc(1, sizeof(*r));
	r->text = lp_strdup(text);
	parse_repl(r);
	return r;
}

void mut_repl_destroy(mut_repl *r)
{
	if (!r)
		return;
	lp_free(r->text);
	lp_free(r->parts);
	lp_free(r);
}

#define MAX_PAIRS 32

/* Returns false when the replacement names a group the regex does not have
 * (Ruby raises IndexError). */
static bool append_repl(const mut_repl *r, const lp_regex *re, const char *s, size_t len,
			const size_t *ov, lp_buf *out)
{
	bool ok = true;
	for (size_t i = 0; i < r->n; i++) {
		const part *p = &r->parts[i];
		int g = -1;
		switch (p->kind) {
		case PART_TEXT:
			lp_buf_add(out, r->text + p->off, p->len);
			continue;
		case PART_PRE:
			lp_buf_add(out, s, ov[0]);
			continue;
		case PART_POST:
			lp_buf_add(out, s + ov[1], len - ov[1]);
			continue;
		case PART_GROUP:
			g = p->group;
			break;
		case PART_NAMED: {
			char name[128];
			size_t n = p->len < sizeof(name) - 1 ? p->len : sizeof(name) - 1;
			memcpy(name, r->text + p->off, n);
			name[n] = '\0';
			g = lp_regex_group_number(re, name);
			if (g < 0)
				ok = false;
			break;
		}
		}
		if (g >= 0 && (size_t)g <= lp_regex_captures(re) && g < MAX_PAIRS && ov[2 * g] != (size_t)-1)
			lp_buf_add(out, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
	}
	return ok;
}

static size_t utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

bool mut_gsub(const lp_regex *re, const char *s, size_t len, const mut_repl *r, const char *text,
	      lp_buf *out)
{
	bool ok = true;
	mut_repl *tmp = NULL;
	if (!r)
		r = tmp = mut_repl_compile(text);
	size_t ov[2 * MAX_PAIRS];
	size_t pos = 0, copied = 0;
	while (pos <= len && lp_regex_search(re, s, len, pos, ov, MAX_PAIRS)) {
		size_t ms = ov[0], me = ov[1];
		lp_buf_add(out, s + copied, ms - copied);
		ok = append_repl(r, re, s, len, ov, out) && ok;
		copied = me;
		if (me == ms) {
			if (ms >= len)
				break;
			size_t n = utf8_len((unsigned char)s[ms]);
			if (ms + n > len)
				n = len - ms;
			lp_buf_add(out, s + ms, n);
			copied = pos = ms + n;
		} else {
			pos = me;
		}
	}
	if (copied < len)
		lp_buf_add(out, s + copied, len - copied);
	mut_repl_destroy(tmp);
	return ok;
}

/* ---- case ---- */

static locale_t utf8_locale;
static pthread_once_t locale_once = PTHREAD_ONCE_INIT;

static void init_locale(void)
{
	utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

/* Decodes one UTF-8 code point at s; returns its length (1 for bad bytes,
 * with *cp = -1). */
static size_t decode(const unsigned char *s, size_t len, long *cp)
{
	size_t n = utf8_len(s[0]);
	if (n == 1 || n > len) {
		*cp = s[0] < 0x80 ? s[0] : -1;
		return 1;
	}
	long v = s[0] & (0x7F >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = -1;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3F);
	}
	*cp = v;
	return n;
}

static void encode(long cp, lp_buf *out)
{
	char b[4];
	if (cp < 0x80) {
		lp_buf_addc(out, (char)cp);
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3F));
		lp_buf_add(out, b, 2);
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		lp_buf_add(out, b, 3);
	} else {
		b[0] = (char)(0xF0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		lp_buf_add(out, b, 4);
	}
}

void mut_change_case(const char *s, size_t len, mut_case how, lp_buf *out)
{
	pthread_once(&locale_once, init_locale);
	const unsigned char *u = (const unsigned char *)s;
	bool first = true;
	for (size_t i = 0; i < len;) {
		long cp;
		size_t n = decode(u + i, len - i, &cp);
		if (cp < 0) {
			lp_buf_add(out, s + i, n);
		} else {
			bool up = how == MUT_UPPER || (how == MUT_CAPITALIZE && first);
			wint_t w = (wint_t)cp;
			if (utf8_locale)
				w = up ? towupper_l(w, utf8_locale) : towlower_l(w, utf8_locale);
			else if (cp < 0x80)
				w = (wint_t)(up ? toupper((int)cp) : tolower((int)cp));
			encode((long)w, out);
		}
		first = false;
		i += n;
	}
}

/* ---- split / join ---- */

lpj_t *mut_split(const char *s, size_t len, const char *sep)
{
	lpj_t *arr = lpj_array();
	size_t seplen = strlen(sep);
	if (seplen == 0) {
		for (size_t i = 0; i < len;) {
			size_t n = utf8_len((unsigned char)s[i]);
			if (i + n > len)
				n = len - i;
			lpj_array_append_new(arr, lpj_stringn_nocheck(s + i, n));
			i += n;
		}
		return arr;
	}
	if (strcmp(sep, " ") == 0) {
		size_t i = 0;
		while (i < len) {
			while (i < len && is_space(s[i]))
				i++;
			if (i >= len)
				break;
			size_t st = i;
			while (i < len && !is_space(s[i]))
				i++;
			lpj_array_append_new(arr, lpj_stringn_nocheck(s + st, i - st));
		}
		return arr;
	}
	size_t st = 0;
	for (size_t i = 0; i + seplen <= len;) {
		if (memcmp(s + i, sep, seplen) == 0) {
			lpj_array_append_new(arr, lpj_stringn_nocheck(s + st, i - st));
			i += seplen;
			st = i;
		} else {
			i++;
		}
	}
	lpj_array_append_new(arr, lpj_stringn_nocheck(s + st, len - st));
	while (lpj_array_size(arr) > 0) {
		lpj_t *last = lpj_array_get(arr, lpj_array_size(arr) - 1);
		if (lpj_string_length(last) != 0)
			break;
		lpj_array_remove(arr, lpj_array_size(arr) - 1);
	}
	return arr;
}

void mut_join(const lpj_t *arr, const char *sep, lp_buf *out)
{
	for (size_t i = 0; i < lpj_array_size(arr); i++) {
		if (i)
			lp_buf_adds(out, sep);
		const lpj_t *e = lpj_array_get(arr, i);
		if (lpj_is_array(e))
			mut_join(e, sep, out);
		else
			mut_to_s(e, out);
	}
}
