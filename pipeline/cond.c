#include "pipeline/cond.h"

#include "pipeline/fieldref.h"
#include "pipeline/mem.h"
#include "pipeline/regex.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lp_cond {
	lp_ast_expr_kind kind;
	struct lp_cond *l, *r;
	lp_fieldref *ref;   /* FIELD */
	lpj_t *lit;        /* STRING, NUMBER, ARRAY (of literal values) */
	lp_cond **items;    /* ARRAY elements (may hold fields) */
	size_t n_items;
	lp_regex *re;       /* REGEX */
};

lp_cond *lp_cond_compile(const lp_ast_expr *e, lp_diag *diag)
{
	lp_cond *c = lp_calloc(1, sizeof(*c));
	c->kind = e->kind;
	bool ok = true;
	switch (e->kind) {
	case LP_EX_NOT:
		c->l = lp_cond_compile(e->l, diag);
		ok = c->l != NULL;
		break;
	case LP_EX_FIELD: {
		const char *err = NULL;
		size_t col = 0;
		c->ref = lp_fieldref_compile(e->str, &err, &col);
		if (!c->ref) {
			lp_span sp = e->span;
			sp.col += (unsigned)col;
			sp.len = 1;
			lp_diag_error(diag, sp, "invalid field reference '%s': %s", e->str, err ? err : "syntax error");
			ok = false;
		}
		break;
	}
	case LP_EX_STRING:
		c->lit = lpj_string(e->str);
		if (!c->lit) /* not valid UTF-8: keep the bytes */
			c->lit = lpj_stringn_nocheck(e->str, strlen(e->str));
		break;
	case LP_EX_NUMBER:
		if (e->str && !strpbrk(e->str, ".eE") && fabs(e->num) < 9e15)
			c->lit = lpj_integer((lpj_int_t)e->num);
		else
			c->lit = lpj_real(e->num);
		break;
	case LP_EX_REGEX: {
		char msg[256];
		size_t col = 0;
		c->re = lp_regex_compile(e->str, msg, sizeof(msg), &col);
		if (!c->re) {
			lp_span sp = e->span;
			sp.col += (unsigned)col + 1;
			sp.len = 1;
			lp_diag_error(diag, sp, "invalid regular expression /%s/: %s", e->str, msg);
			ok = false;
		}
		break;
	}
	case LP_EX_ARRAY:
		c->items = lp_calloc(e->n_items ? e->n_items : 1, sizeof(*c->items));
		c->n_items = e->n_items;
		for (size_t i = 0; i < e->n_items; i++) {
			c->items[i] = lp_cond_compile(e->items[i], diag);
			ok = ok && c->items[i];
		}
		break;
	default:
		c->l = lp_cond_compile(e->l, diag);
		c->r = lp_cond_compile(e->r, diag);
		ok = c->l && c->r;
		break;
	}
	if (!ok) {
		lp_cond_destroy(c);
		return NULL;
	}
	return c;
}

void lp_cond_destroy(lp_cond *c)
{
	if (!c)
		return;
	lp_cond_destroy(c->l);
	lp_cond_destroy(c->r);
	lp_fieldref_destroy(c->ref);
	if (c->lit)
		lpj_decref(c->lit);
	for (size_t i = 0; i < c->n_items; i++)
		lp_cond_destroy(c->items[i]);
	lp_free(c->items);
	lp_regex_destroy(c->re);
	lp_free(c);
}

/* The value of an rvalue: borrowed, or *owned set when the caller must
 * decref it (array literals). NULL for a missing field. */
static lpj_t *value_of(const lp_cond *c, lp_event *ev, bool *owned)
{
	*owned = false;
	switch (c->kind) {
	case LP_EX_FIELD:
		return lp_event_get(ev, c->ref);
	case LP_EX_STRING:
	case LP_EX_NUMBER:
		return c->lit;
	case LP_EX_ARRAY: {
		lpj_t *a = lpj_array();
		for (size_t i = 0; i < c->n_items; i++) {
			bool o;
			lpj_t *v = value_of(c->items[i], ev, &o);
			lpj_array_append_new(a, v ? (o ? v : lpj_incref(v)) : lpj_null());
		}
		*owned = true;
		return a;
	}
	default:
		return NULL;
	}
}

static bool values_equal(const lpj_t *a, const lpj_t *b)
{
	if (!a || !b)
		return false;
	if (lpj_is_number(a) && lpj_is_number(b)) {
		if (lpj_is_integer(a) && lpj_is_integer(b))
			return lpj_integer_value(a) == lpj_integer_value(b);
		return lpj_number_value(a) == lpj_number_value(b);
	}
	if (lpj_is_array(a) && lpj_is_array(b)) {
		if (lpj_array_size(a) != lpj_array_size(b))
			return false;
		for (size_t i = 0; i < lpj_array_size(a); i++)
			if (!values_equal(lpj_array_get(a, i), lpj_array_get(b, i)))
				return false;
		return true;
	}
	return lpj_equal((lpj_t *)a, (lpj_t *)b);
}

/* Logstash 8 (EventCondition.valueIsTruthy): false for missing and null, and
 * for any value whose string form is empty or "false" (false, "", "false"). */
static bool truthy(const lpj_t *v)
{
	if (!v || lpj_is_null(v) || lpj_is_false(v))
		return false;
	if (lpj_is_string(v))
		return lpj_string_length(v) != 0 && strcmp(lpj_string_value(v), "false") != 0;
	return true;
}

static bool is_nil(const lpj_t *v)
{
	return !v || lpj_is_null(v);
}

/* Java's toString() equality used by `[field] in [constant list]`: scalars
 * are compared by their string forms ("1" matches 1, "true" matches true);
 * integers and floats differ ("1" vs "1.0"). */
static bool same_string_form(const lpj_t *a, const lpj_t *b)
{
	if (lpj_is_string(a) && lpj_is_string(b))
		return lpj_equal((lpj_t *)a, (lpj_t *)b);
	if (lpj_is_string(b)) {
		const lpj_t *t = a;
		a = b;
		b = t;
	}
	if (lpj_is_string(a)) {
		const char *s = lpj_string_value(a);
		char buf[64];
		if (lpj_is_integer(b)) {
			snprintf(buf, sizeof(buf), "%" LPJ_INTEGER_FORMAT, lpj_integer_value(b));
			return strcmp(s, buf) == 0;
		}
		if (lpj_is_real(b)) {
			char *end = NULL;
			double d = strtod(s, &end);
			return *s && end && *end == '\0' && strpbrk(s, ".eE") && d == lpj_real_value(b);
		}
		if (lpj_is_boolean(b))
			return strcmp(s, lpj_is_true(b) ? "true" : "false") == 0;
		return false;
	}
	if (lpj_is_integer(a) != lpj_is_integer(b))
		return false;
	return lpj_equal((lpj_t *)a, (lpj_t *)b) ||
	       (lpj_is_number(a) && lpj_is_number(b) && lpj_number_value(a) == lpj_number_value(b));
}

static lp_cond_result compare(const lp_cond *c, const lpj_t *a, const lpj_t *b, const char **why)
{
	int cmp;
	if (lpj_is_number(a) && lpj_is_number(b)) {
		double x = lpj_number_value(a), y = lpj_number_value(b);
		if (lpj_is_integer(a) && lpj_is_integer(b)) {
			lpj_int_t i = lpj_integer_value(a), j = lpj_integer_value(b);
			cmp = i < j ? -1 : i > j;
		} else {
			cmp = x < y ? -1 : x > y;
		}
	} else if (lpj_is_string(a) && lpj_is_string(b)) {
		cmp = strcmp(lpj_string_value(a), lpj_string_value(b));
	} else {
		if (why)
			*why = !a || !b ? "an ordering comparison with a missing field"
			       : lpj_is_null(a) || lpj_is_null(b) ? "an ordering comparison with a null value"
			       : lpj_is_array(a) || lpj_is_array(b) || lpj_is_object(a) || lpj_is_object(b)
				       ? "an ordering comparison with an array or hash"
				       : "an ordering comparison of a string with a number";
		return LP_COND_ERROR;
	}
	switch (c->kind) {
	case LP_EX_LT: return cmp < 0;
	case LP_EX_GT: return cmp > 0;
	case LP_EX_LE: return cmp <= 0;
	default: return cmp >= 0;
	}
}

/* `needle in hay`, as Logstash 8 evaluates it: substring for two strings,
 * membership for an array (by string form when the needle is a field and the
 * array a list of constants), never a hash key; an array or hash is in
 * nothing; two other field values are compared for equality. */
static bool in(const lp_cond *c, const lpj_t *needle, const lpj_t *hay)
{
	if (!needle || !hay || lpj_is_array(needle) || lpj_is_object(needle))
		return false;
	if (lpj_is_array(hay)) {
		bool by_string = c->l->kind == LP_EX_FIELD && c->r->kind == LP_EX_ARRAY;
		if (by_string && lpj_is_null(needle))
			return false;
		for (size_t i = 0; i < lpj_array_size(hay); i++) {
			const lpj_t *e = lpj_array_get(hay, i);
			if (by_string ? same_string_form(needle, e) : values_equal(needle, e))
				return true;
		}
		return false;
	}
	if (lpj_is_string(hay) && lpj_is_string(needle))
		return strstr(lpj_string_value(hay), lpj_string_value(needle)) != NULL;
	if (c->l->kind == LP_EX_FIELD && c->r->kind == LP_EX_FIELD)
		return !lpj_is_null(needle) && values_equal(needle, hay);
	return false;
}

static lp_cond_result regex_match(const lp_cond *c, lp_event *ev)
{
	bool o;
	lpj_t *v = value_of(c->l, ev, &o);
	bool m = false;
	if (v && lpj_is_string(v)) {
		if (c->r->kind == LP_EX_REGEX) {
			m = lp_regex_match(c->r->re, lpj_string_value(v), lpj_string_length(v));
		} else {
			bool o2;
			lpj_t *p = value_of(c->r, ev, &o2);
			if (p && lpj_is_string(p)) {
				lp_regex *re = lp_regex_compile(lpj_string_value(p), NULL, 0, NULL);
				if (re)
					m = lp_regex_match(re, lpj_string_value(v), lpj_string_length(v));
				lp_regex_destroy(re);
			}
			if (o2)
				lpj_decref(p);
		}
	}
	if (o)
		lpj_decref(v);
	return c->kind == LP_EX_MATCH ? m : !m;
}

lp_cond_result lp_cond_eval(const lp_cond *c, lp_event *ev, const char **why)
{
	lp_cond_result l, r;
	switch (c->kind) {
	case LP_EX_AND:
	case LP_EX_NAND:
		l = lp_cond_eval(c->l, ev, why);
		if (l == LP_COND_ERROR)
			return l;
		r = l ? lp_cond_eval(c->r, ev, why) : LP_COND_FALSE;
		if (r == LP_COND_ERROR)
			return r;
		return c->kind == LP_EX_AND ? r : !r;
	case LP_EX_OR:
		l = lp_cond_eval(c->l, ev, why);
		if (l != LP_COND_FALSE)
			return l;
		return lp_cond_eval(c->r, ev, why);
	case LP_EX_XOR:
		l = lp_cond_eval(c->l, ev, why);
		if (l == LP_COND_ERROR)
			return l;
		r = lp_cond_eval(c->r, ev, why);
		if (r == LP_COND_ERROR)
			return r;
		return l != r;
	case LP_EX_NOT:
		l = lp_cond_eval(c->l, ev, why);
		return l == LP_COND_ERROR ? l : !l;
	case LP_EX_MATCH:
	case LP_EX_NOMATCH:
		return regex_match(c, ev);
	case LP_EX_REGEX:
		return LP_COND_TRUE;
	default:
		break;
	}
	bool ol = false, or_ = false;
	lpj_t *a = NULL, *b = NULL;
	lp_cond_result res;
	if (c->kind == LP_EX_FIELD || c->kind == LP_EX_STRING || c->kind == LP_EX_NUMBER ||
	    c->kind == LP_EX_ARRAY) {
		a = value_of(c, ev, &ol);
		res = truthy(a);
		if (ol)
			lpj_decref(a);
		return res;
	}
	a = value_of(c->l, ev, &ol);
	b = value_of(c->r, ev, &or_);
	switch (c->kind) {
	/* two missing (or null) fields are equal: Objects.equals(null, null) */
	case LP_EX_EQ: res = (is_nil(a) && is_nil(b)) || values_equal(a, b); break;
	case LP_EX_NE: res = !((is_nil(a) && is_nil(b)) || values_equal(a, b)); break;
	case LP_EX_IN: res = in(c, a, b); break;
	case LP_EX_NOT_IN: res = !in(c, a, b); break;
	default: res = compare(c, a, b, why); break;
	}
	if (ol)
		lpj_decref(a);
	if (or_)
		lpj_decref(b);
	return res;
}
