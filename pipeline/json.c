#include "pipeline/json.h"

#include "pipeline/jsonload.h"
#include "pipeline/jsonw.h"
#include "pipeline/mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	F_ARENA = LPJ_F_ARENA,
	F_STATIC = LPJ_F_STATIC,
	F_RAW = LPJ_F_RAW,
	LINEAR = 32, /* objects up to this size are searched without an index */
};

typedef struct {
	lpj_t h;
	size_t len;
	char val[];
} jstring;

typedef struct {
	lpj_t h;
	lpj_int_t v;
} jinteger;

typedef struct {
	lpj_t h;
	double v;
} jreal;

typedef struct {
	lpj_t h;
	size_t size, cap;
	lpj_t **items;
} jarray;

/* An object member; an iterator points at one. */
typedef lpj_member member;

typedef struct {
	lpj_t h;
	size_t size, cap;
	member *m;
	union {
		struct {
			uint32_t *index;  /* open addressing, member position + 1; 0 is empty */
			size_t index_cap; /* a power of two, or 0 when there is no index */
		};
		struct { /* F_RAW: the members are still this text (lpj_object_raw) */
			const char *raw;
			size_t rawlen;
		};
	};
	union {
		uint64_t bloom;       /* a bit per key ever set (see key_bit) */
		lpj_raw_uses *uses; /* F_RAW: counts looks into objects like this */
	};
} jobject;

static lpj_t the_true = {LPJ_TRUE, F_STATIC, {0}};
static lpj_t the_false = {LPJ_FALSE, F_STATIC, {0}};
static lpj_t the_null = {LPJ_NULL, F_STATIC, {0}};

static _Thread_local lp_arena *tl_arena;

lp_arena *lpj_arena_enter(lp_arena *a)
{
	lp_arena *prev = tl_arena;
	tl_arena = a;
	return prev;
}

void lpj_arena_leave(lp_arena *prev)
{
	tl_arena = prev;
}

lp_arena *lpj_arena_current(void)
{
	return tl_arena;
}

/* ---- memory of an owner (an arena, or the heap when NULL) ---- */

static void *own_alloc(lp_arena *a, size_t n)
{
	return a ? lp_arena_alloc(a, n) : lp_malloc(n);
}

static void own_free(lp_arena *a, void *p)
{
	if (!a)
		lp_free(p);
}

/* Grows a block of old_n bytes to new_n bytes. */
static void *own_grow(lp_arena *a, void *p, size_t old_n, size_t new_n)
{
	if (!a)
		return lp_realloc(p, new_n);
	void *q = lp_arena_alloc(a, new_n);
	if (old_n)
		memcpy(q, p, old_n);
	return q;
}

static lpj_t *new_value(size_t size, lpj_type type)
{
	lp_arena *a = tl_arena;
	lpj_t *v = own_alloc(a, size);
	v->type = type;
	if (a) {
		v->flags = F_ARENA;
		v->own.arena = a;
	} else {
		v->flags = 0;
		v->own.refcount = 1;
	}
	return v;
}

/* ---- references ---- */

lpj_t *lpj_incref(lpj_t *v)
{
	if (v && !(v->flags & (F_ARENA | F_STATIC)))
		__atomic_add_fetch(&v->own.refcount, 1, __ATOMIC_RELAXED);
	return v;
}

static void destroy(lpj_t *v);

void lpj_release(lpj_t *v)
{
	if (!v || (v->flags & (F_ARENA | F_STATIC)))
		return;
	if (__atomic_sub_fetch(&v->own.refcount, 1, __ATOMIC_ACQ_REL) == 0)
		destroy(v);
}

/* Frees a heap value whose count reached zero (its children are heap values
 * or singletons: trees never mix owners). */
static void destroy(lpj_t *v)
{
	if (v->type == LPJ_OBJECT) {
		jobject *o = (jobject *)v;
		for (size_t i = 0; i < o->size; i++) {
			lp_free((void *)o->m[i].key);
			lpj_decref(o->m[i].value);
		}
		lp_free(o->m);
		lp_free(o->index);
	} else if (v->type == LPJ_ARRAY) {
		jarray *a = (jarray *)v;
		for (size_t i = 0; i < a->size; i++)
			lpj_decref(a->items[i]);
		lp_free(a->items);
	}
	lp_free(v);
}

/* val as it may be stored in container c: itself when both have the same
 * owner (or val is a singleton), else a deep copy made in c's owner, val
 * being released. */
static lpj_t *copy_into(const lpj_t *c, lpj_t *val);

static inline lpj_t *adopt_into(const lpj_t *c, lpj_t *val)
{
	if ((val->flags & F_STATIC) || lpj_arena_of(c) == lpj_arena_of(val))
		return val;
	return copy_into(c, val);
}

static lpj_t *copy_into(const lpj_t *c, lpj_t *val)
{
	lp_arena *ca = lpj_arena_of(c);
	lp_arena *prev = lpj_arena_enter(ca);
	lpj_t *copy = lpj_deep_copy(val);
	lpj_arena_leave(prev);
	lpj_decref(val);
	return copy;
}

/* ---- scalars ---- */

lpj_t *lpj_stringn_nocheck(const char *s, size_t len)
{
	if (!s)
		return NULL;
	jstring *j = (jstring *)new_value(sizeof(jstring) + len + 1, LPJ_STRING);
	j->len = len;
	lp_memcpy_short(j->val, s, len);
	j->val[len] = '\0';
	return &j->h;
}

lpj_t *lpj_stringn_plain(const char *s, size_t len)
{
	lpj_t *v = lpj_stringn_nocheck(s, len);
	if (v)
		v->flags |= LPJ_F_PLAIN;
	return v;
}

lpj_t *lpj_string_nocheck(const char *s)
{
	return s ? lpj_stringn_nocheck(s, strlen(s)) : NULL;
}

lpj_t *lpj_stringn(const char *s, size_t len)
{
	if (!s || !lp_utf8_valid(s, len))
		return NULL;
	return lpj_stringn_nocheck(s, len);
}

lpj_t *lpj_string(const char *s)
{
	return s ? lpj_stringn(s, strlen(s)) : NULL;
}

lpj_t *lpj_integer(lpj_int_t v)
{
	jinteger *j = (jinteger *)new_value(sizeof(jinteger), LPJ_INTEGER);
	j->v = v;
	return &j->h;
}

lpj_t *lpj_real(double v)
{
	if (!isfinite(v))
		return NULL;
	jreal *j = (jreal *)new_value(sizeof(jreal), LPJ_REAL);
	j->v = v;
	return &j->h;
}

lpj_t *lpj_true(void)
{
	return &the_true;
}

lpj_t *lpj_false(void)
{
	return &the_false;
}

lpj_t *lpj_boolean(bool b)
{
	return b ? &the_true : &the_false;
}

lpj_t *lpj_null(void)
{
	return &the_null;
}

const char *lpj_string_value(const lpj_t *v)
{
	return lpj_is_string(v) ? ((const jstring *)v)->val : NULL;
}

size_t lpj_string_length(const lpj_t *v)
{
	return lpj_is_string(v) ? ((const jstring *)v)->len : 0;
}

lpj_int_t lpj_integer_value(const lpj_t *v)
{
	return lpj_is_integer(v) ? ((const jinteger *)v)->v : 0;
}

double lpj_real_value(const lpj_t *v)
{
	return lpj_is_real(v) ? ((const jreal *)v)->v : 0.0;
}

double lpj_number_value(const lpj_t *v)
{
	if (lpj_is_integer(v))
		return (double)((const jinteger *)v)->v;
	return lpj_real_value(v);
}

/* ---- objects ---- */

lpj_t *lpj_object(void)
{
	jobject *o = (jobject *)new_value(sizeof(jobject), LPJ_OBJECT);
	o->size = o->cap = 0;
	o->m = NULL;
	o->index = NULL;
	o->index_cap = 0;
	o->bloom = 0;
	return &o->h;
}

lpj_t *lpj_object_raw(const char *text, size_t len, bool in_arena, lpj_raw_uses *uses)
{
	lp_arena *a = tl_arena;
	if (!a) {
		lp_json_load_at at;
		return lp_json_load_ex(text, len, 0, NULL, 0, &at);
	}
	jobject *o = (jobject *)lpj_object();
	if (!in_arena) {
		char *copy = lp_arena_alloc(a, len);
		memcpy(copy, text, len);
		text = copy;
	}
	o->h.flags |= F_RAW;
	o->raw = text;
	o->rawlen = len;
	o->uses = uses;
	return &o->h;
}

const char *lpj_object_raw_text(const lpj_t *obj, size_t *len)
{
	if (!lpj_is_object(obj) || !(obj->flags & F_RAW))
		return NULL;
	*len = ((const jobject *)obj)->rawlen;
	return ((const jobject *)obj)->raw;
}

/* Parses a raw object's text into its members, in its arena. The text was
 * checked when the object was made, so this cannot fail. */
static void __attribute__((noinline)) materialize(jobject *o)
{
	if (o->uses && __atomic_load_n(o->uses, __ATOMIC_RELAXED) < UINT8_MAX)
		__atomic_add_fetch(o->uses, 1, __ATOMIC_RELAXED); /* a lost update is harmless */
	lp_arena *prev = lpj_arena_enter(o->h.own.arena);
	lp_json_load_at at;
	unsigned opts = LP_JSON_LOAD_IN_ARENA | (o->uses ? LP_JSON_LOAD_LEARN : 0);
	lpj_t *v = lp_json_load_ex(o->raw, o->rawlen, opts, NULL, 0, &at);
	lpj_arena_leave(prev);
	if (!v || v->type != LPJ_OBJECT) {
		fprintf(stderr, "logpipe: fatal: a raw JSON object does not parse\n");
		abort();
	}
	const jobject *src = (const jobject *)v;
	o->h.flags &= ~(uint32_t)F_RAW;
	o->size = src->size;
	o->cap = src->cap;
	o->m = src->m;
	o->index = src->index;
	o->index_cap = src->index_cap;
	o->bloom = src->bloom;
}

/* obj (an object) with its members parsed. */
static inline jobject *ready(const lpj_t *obj)
{
	jobject *o = (jobject *)obj;
	if (__builtin_expect((o->h.flags & F_RAW) != 0, 0))
		materialize(o);
	return o;
}

static uint32_t hash_key(const char *k, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)k[i]) * 0x100000001b3u;
	return (uint32_t)(h ^ (h >> 32));
}

static void index_insert(jobject *o, size_t pos)
{
	size_t mask = o->index_cap - 1;
	size_t i = hash_key(o->m[pos].key, o->m[pos].klen) & mask;
	while (o->index[i])
		i = (i + 1) & mask;
	o->index[i] = (uint32_t)(pos + 1);
}

/* Builds the index for the current members (cap >= 2 * size). */
static void index_build(jobject *o)
{
	lp_arena *a = lpj_arena_of(&o->h);
	size_t cap = 64;
	while (cap < 2 * o->size + 2)
		cap *= 2;
	own_free(a, o->index);
	o->index = own_alloc(a, cap * sizeof(uint32_t));
	memset(o->index, 0, cap * sizeof(uint32_t));
	o->index_cap = cap;
	for (size_t i = 0; i < o->size; i++)
		index_insert(o, i);
}

static void index_drop(jobject *o)
{
	own_free(lpj_arena_of(&o->h), o->index);
	o->index = NULL;
	o->index_cap = 0;
}

/* A cheap summary of a key: most lookups of a missing key end here. */
static inline uint64_t key_bit(const char *key, size_t klen)
{
	unsigned h = klen ? (unsigned)klen * 31u + (unsigned char)key[0] + (unsigned char)key[klen - 1] * 7u : 0;
	return (uint64_t)1 << (h & 63);
}

/* The length and the first and last bytes of a key in one word, compared
 * before the key itself (which is elsewhere in memory). */
static inline uint32_t key_tag(const char *key, size_t klen)
{
	if (!klen)
		return 0;
	return (uint32_t)(unsigned char)key[0] | (uint32_t)(unsigned char)key[klen - 1] << 8 |
	       (uint32_t)(klen & 0xffff) << 16;
}

/* A member's klen and key_plain as one word (klen < 2^31). */
static inline uint32_t klen_word(size_t klen, bool plain)
{
	lpj_member m = { .klen_word = 0 };
	m.klen = (uint32_t)klen;
	m.key_plain = plain;
	return m.klen_word;
}

static member *find(const jobject *o, const char *key, size_t klen)
{
	if (!(o->bloom & key_bit(key, klen)) || klen > INT32_MAX)
		return NULL;
	if (o->size <= LINEAR) {
		uint32_t tag = key_tag(key, klen);
		for (size_t i = 0; i < o->size; i++) {
			const member *m = &o->m[i];
			if (m->tag == tag && m->klen == klen && memcmp(m->key, key, klen) == 0)
				return (member *)m;
		}
		return NULL;
	}
	size_t mask = o->index_cap - 1;
	for (size_t i = hash_key(key, klen) & mask; o->index[i]; i = (i + 1) & mask) {
		member *m = &o->m[o->index[i] - 1];
		if (m->klen == klen && memcmp(m->key, key, klen) == 0)
			return m;
	}
	return NULL;
}

size_t lpj_object_size(const lpj_t *obj)
{
	return lpj_is_object(obj) ? ready(obj)->size : 0;
}

lpj_t *lpj_object_getn(const lpj_t *obj, const char *key, size_t klen)
{
	if (!lpj_is_object(obj) || !key)
		return NULL;
	member *m = find(ready(obj), key, klen);
	return m ? m->value : NULL;
}

lpj_t *lpj_object_get(const lpj_t *obj, const char *key)
{
	return key ? lpj_object_getn(obj, key, strlen(key)) : NULL;
}

/* Sets key to val (stolen) in obj. With key_kept, key is a key of an object
 * in obj's arena (immutable and living as long): it is used without a copy. */
static int set_member_ex(lpj_t *obj, const char *key, size_t klen, lpj_t *val, bool plain, bool key_kept)
{
	if (!val)
		return -1;
	if (!lpj_is_object(obj) || !key || val == obj || klen > INT32_MAX) {
		lpj_decref(val);
		return -1;
	}
	jobject *o = ready(obj);
	val = adopt_into(obj, val);
	member *m = find(o, key, klen);
	if (m) {
		lpj_decref(m->value);
		m->value = val;
		return 0;
	}
	lp_arena *a = lpj_arena_of(obj);
	if (o->size == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 8;
		o->m = own_grow(a, o->m, o->cap * sizeof(member), cap * sizeof(member));
		o->cap = cap;
	}
	const char *k = key;
	if (!key_kept || !a) {
		char *copy = own_alloc(a, klen + 1);
		memcpy(copy, key, klen);
		copy[klen] = '\0';
		k = copy;
	}
	o->m[o->size] = (member){ .key = k, .klen_word = klen_word(klen, plain), .tag = key_tag(k, klen), .value = val };
	o->size++;
	o->bloom |= key_bit(k, klen);
	/* The index is kept up to date by writers only, so that readers of a
	 * shared object never change it. */
	if (o->index && 2 * o->size + 2 <= o->index_cap)
		index_insert(o, o->size - 1);
	else if (o->size > LINEAR)
		index_build(o);
	return 0;
}

static int set_member(lpj_t *obj, const char *key, size_t klen, lpj_t *val, bool plain)
{
	return set_member_ex(obj, key, klen, val, plain, false);
}

lpj_t *lpj_object_from(const lpj_member *in, size_t n)
{
	jobject *o = (jobject *)lpj_object();
	lp_arena *a = lpj_arena_of(&o->h);
	if (n) {
		o->m = own_alloc(a, n * sizeof(member));
		o->cap = n;
	}
	for (size_t i = 0; i < n; i++) {
		size_t klen = in[i].klen;
		lpj_t *val = adopt_into(&o->h, in[i].value);
		if (klen > INT32_MAX) { /* as lpj_object_setn_new_nocheck refuses it */
			lpj_decref(val);
			continue;
		}
		member *m = i ? find(o, in[i].key, klen) : NULL;
		if (m) { /* a repeated key: the last value, at the first place */
			lpj_decref(m->value);
			m->value = val;
			continue;
		}
		char *k = own_alloc(a, klen + 1);
		lp_memcpy_short(k, in[i].key, klen);
		k[klen] = '\0';
		o->m[o->size++] = (member){ .key = k, .klen_word = klen_word(klen, in[i].key_plain), .tag = key_tag(k, klen), .value = val };
		o->bloom |= key_bit(k, klen);
	}
	if (o->size > LINEAR)
		index_build(o);
	return &o->h;
}

int lpj_object_setn_new_nocheck(lpj_t *obj, const char *key, size_t klen, lpj_t *val)
{
	return set_member(obj, key, klen, val, false);
}

int lpj_object_setn_new_plain(lpj_t *obj, const char *key, size_t klen, lpj_t *val)
{
	return set_member(obj, key, klen, val, true);
}

int lpj_object_set_new_nocheck(lpj_t *obj, const char *key, lpj_t *val)
{
	if (!key) {
		lpj_decref(val);
		return -1;
	}
	return lpj_object_setn_new_nocheck(obj, key, strlen(key), val);
}

int lpj_object_set_new(lpj_t *obj, const char *key, lpj_t *val)
{
	if (!key || !lp_utf8_valid(key, strlen(key))) {
		lpj_decref(val);
		return -1;
	}
	return lpj_object_setn_new_nocheck(obj, key, strlen(key), val);
}

int lpj_object_set(lpj_t *obj, const char *key, lpj_t *val)
{
	return lpj_object_set_new(obj, key, lpj_incref(val));
}

int lpj_object_del(lpj_t *obj, const char *key)
{
	if (!lpj_is_object(obj) || !key)
		return -1;
	jobject *o = ready(obj);
	member *m = find(o, key, strlen(key));
	if (!m)
		return -1;
	lp_arena *a = lpj_arena_of(obj);
	own_free(a, (void *)m->key);
	lpj_decref(m->value);
	size_t pos = (size_t)(m - o->m);
	memmove(m, m + 1, (o->size - pos - 1) * sizeof(member));
	o->size--;
	if (o->size > LINEAR)
		index_build(o);
	else if (o->index)
		index_drop(o);
	return 0;
}

int lpj_object_clear(lpj_t *obj)
{
	if (!lpj_is_object(obj))
		return -1;
	jobject *o = ready(obj);
	lp_arena *a = lpj_arena_of(obj);
	for (size_t i = 0; i < o->size; i++) {
		own_free(a, (void *)o->m[i].key);
		lpj_decref(o->m[i].value);
	}
	o->size = 0;
	o->bloom = 0;
	if (o->index)
		index_drop(o);
	return 0;
}

int lpj_object_update(lpj_t *obj, lpj_t *other)
{
	if (!lpj_is_object(obj) || !lpj_is_object(other))
		return -1;
	const jobject *src = ready(other);
	bool same_arena = lpj_arena_of(obj) && lpj_arena_of(obj) == lpj_arena_of(other);
	for (size_t i = 0; i < src->size; i++)
		if (set_member_ex(obj, src->m[i].key, src->m[i].klen, lpj_incref(src->m[i].value), src->m[i].key_plain,
				  same_arena))
			return -1;
	return 0;
}

const lpj_member *lpj_object_members(const lpj_t *obj, size_t *n)
{
	if (!lpj_is_object(obj)) {
		*n = 0;
		return NULL;
	}
	const jobject *o = ready(obj);
	*n = o->size;
	return o->m;
}

void *lpj_object_iter(lpj_t *obj)
{
	if (!lpj_is_object(obj))
		return NULL;
	jobject *o = ready(obj);
	return o->size ? &o->m[0] : NULL;
}

void *lpj_object_iter_next(lpj_t *obj, void *iter)
{
	if (!iter || !lpj_is_object(obj))
		return NULL;
	jobject *o = ready(obj);
	member *m = (member *)iter + 1;
	return m < o->m + o->size ? m : NULL;
}

const char *lpj_object_iter_key(void *iter)
{
	return iter ? ((member *)iter)->key : NULL;
}

size_t lpj_object_iter_key_len(void *iter)
{
	return iter ? ((member *)iter)->klen : 0;
}

lpj_t *lpj_object_iter_value(void *iter)
{
	return iter ? ((member *)iter)->value : NULL;
}

/* ---- arrays ---- */

lpj_t *lpj_array(void)
{
	jarray *a = (jarray *)new_value(sizeof(jarray), LPJ_ARRAY);
	a->size = a->cap = 0;
	a->items = NULL;
	return &a->h;
}

size_t lpj_array_size(const lpj_t *arr)
{
	return lpj_is_array(arr) ? ((const jarray *)arr)->size : 0;
}

lpj_t *lpj_array_get(const lpj_t *arr, size_t i)
{
	if (!lpj_is_array(arr))
		return NULL;
	const jarray *a = (const jarray *)arr;
	return i < a->size ? a->items[i] : NULL;
}

int lpj_array_set_new(lpj_t *arr, size_t i, lpj_t *val)
{
	if (!val)
		return -1;
	if (!lpj_is_array(arr) || i >= ((jarray *)arr)->size || val == arr) {
		lpj_decref(val);
		return -1;
	}
	jarray *a = (jarray *)arr;
	val = adopt_into(arr, val);
	lpj_decref(a->items[i]);
	a->items[i] = val;
	return 0;
}

int lpj_array_insert_new(lpj_t *arr, size_t i, lpj_t *val)
{
	if (!val)
		return -1;
	if (!lpj_is_array(arr) || i > ((jarray *)arr)->size || val == arr) {
		lpj_decref(val);
		return -1;
	}
	jarray *a = (jarray *)arr;
	val = adopt_into(arr, val);
	if (a->size == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 4;
		a->items = own_grow(lpj_arena_of(arr), a->items, a->cap * sizeof(lpj_t *), cap * sizeof(lpj_t *));
		a->cap = cap;
	}
	memmove(a->items + i + 1, a->items + i, (a->size - i) * sizeof(lpj_t *));
	a->items[i] = val;
	a->size++;
	return 0;
}

int lpj_array_append_new(lpj_t *arr, lpj_t *val)
{
	if (!val)
		return -1;
	if (!lpj_is_array(arr)) {
		lpj_decref(val);
		return -1;
	}
	return lpj_array_insert_new(arr, ((jarray *)arr)->size, val);
}

int lpj_array_append(lpj_t *arr, lpj_t *val)
{
	return lpj_array_append_new(arr, lpj_incref(val));
}

int lpj_array_remove(lpj_t *arr, size_t i)
{
	if (!lpj_is_array(arr) || i >= ((jarray *)arr)->size)
		return -1;
	jarray *a = (jarray *)arr;
	lpj_decref(a->items[i]);
	memmove(a->items + i, a->items + i + 1, (a->size - i - 1) * sizeof(lpj_t *));
	a->size--;
	return 0;
}

int lpj_array_clear(lpj_t *arr)
{
	if (!lpj_is_array(arr))
		return -1;
	jarray *a = (jarray *)arr;
	for (size_t i = 0; i < a->size; i++)
		lpj_decref(a->items[i]);
	a->size = 0;
	return 0;
}

int lpj_array_extend(lpj_t *arr, lpj_t *other)
{
	if (!lpj_is_array(arr) || !lpj_is_array(other))
		return -1;
	size_t n = ((jarray *)other)->size; /* arr may be other */
	for (size_t i = 0; i < n; i++)
		if (lpj_array_append(arr, ((jarray *)other)->items[i]))
			return -1;
	return 0;
}

/* ---- whole values ---- */

lpj_t *lpj_deep_copy(const lpj_t *v)
{
	if (!v)
		return NULL;
	switch (v->type) {
	case LPJ_OBJECT: {
		const jobject *o = (const jobject *)v;
		/* a raw object is copied as its text: the source stays as it is */
		if (v->flags & F_RAW)
			return lpj_object_raw(o->raw, o->rawlen, false, NULL);
		lpj_t *c = lpj_object();
		bool same_arena = lpj_arena_of(c) && lpj_arena_of(c) == lpj_arena_of(v);
		jobject *co = (jobject *)c;
		if (o->size) {
			co->m = own_alloc(lpj_arena_of(c), o->size * sizeof(member));
			co->cap = o->size;
		}
		for (size_t i = 0; i < o->size; i++)
			set_member_ex(c, o->m[i].key, o->m[i].klen, lpj_deep_copy(o->m[i].value), o->m[i].key_plain,
				      same_arena);
		return c;
	}
	case LPJ_ARRAY: {
		const jarray *a = (const jarray *)v;
		lpj_t *c = lpj_array();
		for (size_t i = 0; i < a->size; i++)
			lpj_array_append_new(c, lpj_deep_copy(a->items[i]));
		return c;
	}
	case LPJ_STRING: {
		lpj_t *c = lpj_stringn_nocheck(((const jstring *)v)->val, ((const jstring *)v)->len);
		c->flags |= v->flags & LPJ_F_PLAIN;
		return c;
	}
	case LPJ_INTEGER:
		return lpj_integer(((const jinteger *)v)->v);
	case LPJ_REAL:
		return lpj_real(((const jreal *)v)->v);
	default:
		return (lpj_t *)v; /* singletons */
	}
}

bool lpj_equal(const lpj_t *a, const lpj_t *b)
{
	if (!a || !b)
		return false;
	if (a == b)
		return true;
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case LPJ_OBJECT: {
		const jobject *x = ready(a);
		if (x->size != lpj_object_size(b))
			return false;
		for (size_t i = 0; i < x->size; i++)
			if (!lpj_equal(x->m[i].value, lpj_object_getn(b, x->m[i].key, x->m[i].klen)))
				return false;
		return true;
	}
	case LPJ_ARRAY: {
		size_t n = lpj_array_size(a);
		if (n != lpj_array_size(b))
			return false;
		for (size_t i = 0; i < n; i++)
			if (!lpj_equal(lpj_array_get(a, i), lpj_array_get(b, i)))
				return false;
		return true;
	}
	case LPJ_STRING:
		return lpj_string_length(a) == lpj_string_length(b) &&
		       memcmp(lpj_string_value(a), lpj_string_value(b), lpj_string_length(a)) == 0;
	case LPJ_INTEGER:
		return lpj_integer_value(a) == lpj_integer_value(b);
	case LPJ_REAL:
		return lpj_real_value(a) == lpj_real_value(b);
	default:
		return true; /* same singleton type */
	}
}
