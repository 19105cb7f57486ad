/* jansson_oracle: the real jansson as the reference for logpipe's own JSON
 * model in the unit tests (jansson is linked into these tests only). The
 * names cannot clash: ours are lpj_, jansson's json_. Converts trees both
 * ways, keeping key order, and compares them. */
#ifndef LP_TESTS_UNIT_PIPELINE_JANSSON_ORACLE_H
#define LP_TESTS_UNIT_PIPELINE_JANSSON_ORACLE_H

#include "pipeline/json.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

/* A new jansson tree equal to v, keys in the same order (NULL for NULL). */
static inline json_t *oracle_from_lpj(const lpj_t *v)
{
	if (!v)
		return NULL;
	switch (lpj_typeof(v)) {
	case LPJ_OBJECT: {
		json_t *o = json_object();
		lpj_t *src = (lpj_t *)v;
		for (void *it = lpj_object_iter(src); it; it = lpj_object_iter_next(src, it))
			json_object_setn_new_nocheck(o, lpj_object_iter_key(it), lpj_object_iter_key_len(it),
						     oracle_from_lpj(lpj_object_iter_value(it)));
		return o;
	}
	case LPJ_ARRAY: {
		json_t *a = json_array();
		for (size_t i = 0; i < lpj_array_size(v); i++)
			json_array_append_new(a, oracle_from_lpj(lpj_array_get(v, i)));
		return a;
	}
	case LPJ_STRING: return json_stringn_nocheck(lpj_string_value(v), lpj_string_length(v));
	case LPJ_INTEGER: return json_integer(lpj_integer_value(v));
	case LPJ_REAL: return json_real(lpj_real_value(v));
	case LPJ_TRUE: return json_true();
	case LPJ_FALSE: return json_false();
	case LPJ_NULL: return json_null();
	}
	return NULL;
}

/* A new lpj tree (made where new values are made now) equal to j. */
static inline lpj_t *lpj_from_oracle(const json_t *j)
{
	if (!j)
		return NULL;
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		lpj_t *o = lpj_object();
		json_t *src = (json_t *)j;
		for (void *it = json_object_iter(src); it; it = json_object_iter_next(src, it))
			lpj_object_setn_new_nocheck(o, json_object_iter_key(it), json_object_iter_key_len(it),
						    lpj_from_oracle(json_object_iter_value(it)));
		return o;
	}
	case JSON_ARRAY: {
		lpj_t *a = lpj_array();
		for (size_t i = 0; i < json_array_size(j); i++)
			lpj_array_append_new(a, lpj_from_oracle(json_array_get(j, i)));
		return a;
	}
	case JSON_STRING: return lpj_stringn_nocheck(json_string_value(j), json_string_length(j));
	case JSON_INTEGER: return lpj_integer(json_integer_value(j));
	case JSON_REAL: return lpj_real(json_real_value(j));
	case JSON_TRUE: return lpj_true();
	case JSON_FALSE: return lpj_false();
	case JSON_NULL: return lpj_null();
	}
	return NULL;
}

/* True when j and v are the same value: same types everywhere (an integer is
 * never a real), the same bytes in strings and keys, equal reals of the same
 * sign (0.0 is not -0.0), and, when ordered, object keys in the same order.
 * Both NULL counts as the same. */
static inline bool oracle_same(const json_t *j, const lpj_t *v, bool ordered)
{
	if (!j || !v)
		return !j && !v;
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		if (!lpj_is_object(v) || json_object_size(j) != lpj_object_size(v))
			return false;
		json_t *jo = (json_t *)j;
		lpj_t *lo = (lpj_t *)v;
		void *li = lpj_object_iter(lo);
		for (void *it = json_object_iter(jo); it; it = json_object_iter_next(jo, it)) {
			const char *k = json_object_iter_key(it);
			size_t klen = json_object_iter_key_len(it);
			const lpj_t *lv = lpj_object_getn(v, k, klen);
			if (ordered) {
				if (!li || lpj_object_iter_key_len(li) != klen ||
				    memcmp(lpj_object_iter_key(li), k, klen) != 0)
					return false;
				lv = lpj_object_iter_value(li);
				li = lpj_object_iter_next(lo, li);
			}
			if (!lv || !oracle_same(json_object_iter_value(it), lv, ordered))
				return false;
		}
		return !ordered || !li;
	}
	case JSON_ARRAY:
		if (!lpj_is_array(v) || json_array_size(j) != lpj_array_size(v))
			return false;
		for (size_t i = 0; i < json_array_size(j); i++)
			if (!oracle_same(json_array_get(j, i), lpj_array_get(v, i), ordered))
				return false;
		return true;
	case JSON_STRING:
		return lpj_is_string(v) && json_string_length(j) == lpj_string_length(v) &&
		       memcmp(json_string_value(j), lpj_string_value(v), lpj_string_length(v)) == 0 &&
		       lpj_string_value(v)[lpj_string_length(v)] == '\0';
	case JSON_INTEGER: return lpj_is_integer(v) && json_integer_value(j) == lpj_integer_value(v);
	case JSON_REAL:
		return lpj_is_real(v) && json_real_value(j) == lpj_real_value(v) &&
		       !signbit(json_real_value(j)) == !signbit(lpj_real_value(v));
	case JSON_TRUE: return lpj_is_true(v);
	case JSON_FALSE: return lpj_is_false(v);
	case JSON_NULL: return lpj_is_null(v);
	}
	return false;
}

#endif
