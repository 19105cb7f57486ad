#include "pipeline/numfmt.h"
#include "pipeline/template.h"

#include "pipeline/joda.h"
#include "pipeline/jsonw.h"
#include "pipeline/mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Scanning follows Logstash's StringInterpolation: from each "%{" the
 * reference runs to the next '}'; a "%{" with no '}' after it, and everything
 * after the last reference, is literal text. Inside:
 *   a prefix of "+%s" (also empty)  epoch seconds of @timestamp
 *   {PATTERN} (i.e. "%{{...}}")     date pattern over @timestamp in UTC;
 *                                   {TIME_NOW} is the current time
 *   +PATTERN                        Joda pattern over @timestamp in UTC
 *   anything else                   a field reference */

typedef enum { PART_LIT, PART_FIELD, PART_JODA, PART_EPOCH, PART_NOW } part_kind;

typedef struct part {
	part_kind kind;
	size_t off, len;   /* literal text, or the whole "%{...}" for a field */
	lp_fieldref *ref;  /* PART_FIELD */
	lp_joda *joda;     /* PART_JODA */
} part;

struct lp_template {
	char *text;
	size_t len;
	part *parts;
	size_t n, cap;
	bool constant;
};

static part *add_part(lp_template *t, part_kind kind, size_t off, size_t len)
{
	LP_GROW(t->parts, t->cap, t->n + 1);
	part *p = &t->parts[t->n++];
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->off = off;
	p->len = len;
	return p;
}

static void add_lit(lp_template *t, size_t off, size_t len)
{
	if (len == 0)
		return;
	part *last = t->n ? &t->parts[t->n - 1] : NULL;
	if (last && last->kind == PART_LIT && last->off + last->len == off)
		last->len += len;
	else
		add_part(t, PART_LIT, off, len);
}

static void set_err(const char **err, size_t *err_col, const char *msg, size_t col)
{
	if (err)
		*err = msg;
	if (err_col)
		*err_col = col;
}

/* Compiles a date pattern into a PART_JODA part; col is the pattern's offset
 * in the template text for error positions. */
static int add_joda(lp_template *t, const char *pat, size_t col, const char **err, size_t *err_col)
{
	const char *e = NULL;
	size_t ecol = 0;
	lp_joda *j = lp_joda_compile(pat, &e, &ecol);
	if (!j) {
		set_err(err, err_col, e ? e : "invalid date pattern", col + ecol);
		return -1;
	}
	add_part(t, PART_JODA, 0, 0)->joda = j;
	return 0;
}

lp_template *lp_template_compile(const char *text, const char **err, size_t *err_col)
{
	lp_template *t = lp_calloc(1, sizeof(*t));
	t->text = lp_strdup(text);
	t->len = strlen(text);
	const char *s = t->text;
	size_t pos = 0;
	char *inner = NULL;

	for (;;) {
		const char *o = strstr(s + pos, "%{");
		if (!o)
			break;
		size_t open = (size_t)(o - s);
		const char *c = strchr(s + open + 2, '}');
		if (!c)
			break;
		size_t close = (size_t)(c - s);
		size_t clen = close - open - 2;
		add_lit(t, pos, open - pos);
		lp_free(inner);
		inner = lp_strndup(s + open + 2, clen);
		if (clen <= 3 && strncmp(inner, "+%s", clen) == 0) {
			add_part(t, PART_EPOCH, 0, 0);
		} else if (inner[0] == '{' && s[close + 1] == '}') {
			close++;
			if (strcmp(inner + 1, "TIME_NOW") == 0)
				add_part(t, PART_NOW, 0, 0);
			else if (add_joda(t, inner + 1, open + 3, err, err_col) != 0)
				goto fail;
		} else if (inner[0] == '+') {
			if (add_joda(t, inner + 1, open + 3, err, err_col) != 0)
				goto fail;
		} else {
			const char *e = NULL;
			size_t ecol = 0;
			lp_fieldref *r = lp_fieldref_compile(inner, &e, &ecol);
			if (!r) {
				set_err(err, err_col, e ? e : "invalid field reference", open + 2 + ecol);
				goto fail;
			}
			part *p = add_part(t, PART_FIELD, open, close + 1 - open);
			p->ref = r;
		}
		pos = close + 1;
	}
	add_lit(t, pos, t->len - pos);
	lp_free(inner);
	t->constant = t->n == 0 || (t->n == 1 && t->parts[0].kind == PART_LIT);
	return t;
fail:
	lp_free(inner);
	lp_template_destroy(t);
	return NULL;
}

void lp_template_destroy(lp_template *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		lp_fieldref_destroy(t->parts[i].ref);
		lp_joda_destroy(t->parts[i].joda);
	}
	lp_free(t->parts);
	lp_free(t->text);
	lp_free(t);
}

bool lp_template_is_constant(const lp_template *t)
{
	return t->constant;
}

const char *lp_template_text(const lp_template *t)
{
	return t->text;
}


/* Renders a value as Logstash's sprintf does: strings raw, integers in
 * decimal, floats as Java prints them, booleans as true/false, arrays joined
 * with ',' (nested arrays flattened, null elements empty), objects as JSON. */
static void render_value(lp_buf *out, const lpj_t *v)
{
	switch (lpj_typeof(v)) {
	case LPJ_STRING:
		lp_buf_add(out, lpj_string_value(v), lpj_string_length(v));
		break;
	case LPJ_INTEGER:
		lp_jsonw_int(out, lpj_integer_value(v));
		break;
	case LPJ_ARRAY: {
		size_t n = lpj_array_size(v);
		for (size_t i = 0; i < n; i++) {
			if (i)
				lp_buf_addc(out, ',');
			const lpj_t *e = lpj_array_get(v, i);
			if (!lpj_is_null(e))
				render_value(out, e);
		}
		break;
	}
	case LPJ_REAL:
		lp_numfmt_java(out, lpj_real_value(v));
		break;
	case LPJ_NULL:
		break;
	default: /* objects, booleans */
		lp_jsonw_value(out, v);
		break;
	}
}

void lp_template_render(const lp_template *t, lp_event *ev, lp_buf *out)
{
	if (t->constant) {
		lp_buf_add(out, t->text, t->len);
		return;
	}
	for (size_t i = 0; i < t->n; i++) {
		const part *p = &t->parts[i];
		switch (p->kind) {
		case PART_LIT:
			lp_buf_add(out, t->text + p->off, p->len);
			break;
		case PART_FIELD: {
			lpj_t *v = lp_event_get(ev, p->ref);
			if (!v || lpj_is_null(v))
				lp_buf_add(out, t->text + p->off, p->len);
			else
				render_value(out, v);
			break;
		}
		case PART_JODA:
			lp_joda_format(p->joda, ev->ts, NULL, out);
			break;
		case PART_EPOCH:
			lp_jsonw_int(out, (lpj_int_t)ev->ts.sec);
			break;
		case PART_NOW: {
			char tmp[48];
			lp_time now = lp_time_now();
			now.digits = 6;
			lp_buf_add(out, tmp, lp_time_format(now, tmp, sizeof(tmp)));
			break;
		}
		}
	}
}

char *lp_template_render_str(const lp_template *t, lp_event *ev)
{
	lp_buf b = LP_BUF_INIT;
	lp_template_render(t, ev, &b);
	if (!b.data)
		return lp_strdup("");
	return b.data;
}
