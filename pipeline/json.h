/* json: logpipe's JSON values — events, config values, request and response
 * bodies. The API keeps jansson's shapes and ownership rules, under the lpj_
 * prefix: constructors return a new reference, getters borrow, functions
 * ending in _new steal the value they are given (also on failure), and
 * lpj_decref releases.
 *
 * Where values live. A value is made in the calling thread's current arena
 * (lpj_arena_enter) or, when there is none, on the heap. Heap values are
 * reference counted (atomically) and freed at zero, as usual. Arena values
 * ignore lpj_incref/lpj_decref: they live exactly as long as their arena, and
 * a reference to one is valid only while the arena is (for an event: until the
 * event is destroyed, whatever was increfed).
 *
 * Trees never mix owners: putting a value into a container of another owner
 * (another arena, or the heap for an arena value and vice versa) stores a deep
 * copy made in the container's owner and releases the value given. So a
 * config constant added to an event is copied into the event's arena, and a
 * field taken out of an event into a heap tree is copied to the heap. true,
 * false and null are shared singletons.
 *
 * Objects keep their keys in insertion order; setting an existing key
 * replaces its value in place; deleting keeps the order of the rest. Small
 * objects are searched linearly, larger ones through a hash index. Strings
 * are immutable, NUL-terminated, and may hold NUL bytes when made with a
 * length. A tree that is changed belongs to one thread at a time; heap
 * values shared read-only between threads (config) may be read, increfed and
 * decrefed concurrently, because reading never changes a heap value (the
 * first read of a raw arena object does change it: see "Raw objects"). */
#ifndef LP_PIPELINE_JSON_H
#define LP_PIPELINE_JSON_H

#include "pipeline/arena.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
	LPJ_OBJECT,
	LPJ_ARRAY,
	LPJ_STRING,
	LPJ_INTEGER,
	LPJ_REAL,
	LPJ_TRUE,
	LPJ_FALSE,
	LPJ_NULL
} lpj_type;

typedef long long lpj_int_t;
#define LPJ_INTEGER_FORMAT "lld"

typedef struct lpj_t {
	lpj_type type;
	uint32_t flags; /* internal */
	union {
		size_t refcount;  /* heap values */
		lp_arena *arena;  /* arena values */
	} own;
} lpj_t;

#define lpj_typeof(v) ((v)->type)
#define lpj_is_object(v) ((v) && lpj_typeof(v) == LPJ_OBJECT)
#define lpj_is_array(v) ((v) && lpj_typeof(v) == LPJ_ARRAY)
#define lpj_is_string(v) ((v) && lpj_typeof(v) == LPJ_STRING)
#define lpj_is_integer(v) ((v) && lpj_typeof(v) == LPJ_INTEGER)
#define lpj_is_real(v) ((v) && lpj_typeof(v) == LPJ_REAL)
#define lpj_is_number(v) (lpj_is_integer(v) || lpj_is_real(v))
#define lpj_is_true(v) ((v) && lpj_typeof(v) == LPJ_TRUE)
#define lpj_is_false(v) ((v) && lpj_typeof(v) == LPJ_FALSE)
#define lpj_is_boolean(v) (lpj_is_true(v) || lpj_is_false(v))
#define lpj_is_null(v) ((v) && lpj_typeof(v) == LPJ_NULL)

/* ---- where new values are made ---- */

/* Makes a the calling thread's current arena (NULL: the heap) and returns
 * the previous one, to be given back to lpj_arena_leave. */
lp_arena *lpj_arena_enter(lp_arena *a);
void lpj_arena_leave(lp_arena *prev);
/* The calling thread's current arena, or NULL. */
lp_arena *lpj_arena_current(void);
/* Bits of lpj_t.flags. */
#define LPJ_F_ARENA 1u  /* own.arena is the owner */
#define LPJ_F_STATIC 2u /* a singleton: never copied, counted or freed */
#define LPJ_F_PLAIN 4u  /* a string written in JSON as it is (see below) */
#define LPJ_F_RAW 8u    /* an object whose members are still text (see below) */

/* The arena v lives in, or NULL for heap values and the singletons. */
static inline lp_arena *lpj_arena_of(const lpj_t *v)
{
	return v && (v->flags & LPJ_F_ARENA) ? v->own.arena : NULL;
}

/* ---- references ---- */

lpj_t *lpj_incref(lpj_t *v);
void lpj_release(lpj_t *v); /* lpj_decref's heap case */
static inline void lpj_decref(lpj_t *v)
{
	if (v && !(v->flags & (LPJ_F_ARENA | LPJ_F_STATIC)))
		lpj_release(v);
}

/* ---- constructors (new references; NULL on invalid input) ---- */

lpj_t *lpj_object(void);
lpj_t *lpj_array(void);
/* NULL when s is NULL or not valid UTF-8. */
lpj_t *lpj_string(const char *s);
lpj_t *lpj_stringn(const char *s, size_t len);
/* No UTF-8 check; s must not be NULL. */
lpj_t *lpj_string_nocheck(const char *s);
lpj_t *lpj_stringn_nocheck(const char *s, size_t len);
/* A string the caller knows to be valid UTF-8 without control characters,
 * '"' or '\\': JSON writers copy it as it is. */
lpj_t *lpj_stringn_plain(const char *s, size_t len);
static inline bool lpj_string_is_plain(const lpj_t *v)
{
	return (v->flags & LPJ_F_PLAIN) != 0;
}
lpj_t *lpj_integer(lpj_int_t v);
/* NULL for NaN and infinities. */
lpj_t *lpj_real(double v);
lpj_t *lpj_true(void);
lpj_t *lpj_false(void);
lpj_t *lpj_boolean(bool b);
lpj_t *lpj_null(void);

/* ---- scalars (0, 0.0 or NULL when v is not of the type) ---- */

const char *lpj_string_value(const lpj_t *v);
size_t lpj_string_length(const lpj_t *v);
lpj_int_t lpj_integer_value(const lpj_t *v);
double lpj_real_value(const lpj_t *v);
/* Integer or real as a double. */
double lpj_number_value(const lpj_t *v);

/* ---- objects ---- */

size_t lpj_object_size(const lpj_t *obj);
/* Borrowed; NULL when missing or obj is not an object. */
lpj_t *lpj_object_get(const lpj_t *obj, const char *key);
lpj_t *lpj_object_getn(const lpj_t *obj, const char *key, size_t klen);
/* 0, or -1 (obj not an object, key NULL or not UTF-8 or of 2 GiB or more,
 * val NULL). Steals val. */
int lpj_object_set_new(lpj_t *obj, const char *key, lpj_t *val);
int lpj_object_set_new_nocheck(lpj_t *obj, const char *key, lpj_t *val);
int lpj_object_setn_new_nocheck(lpj_t *obj, const char *key, size_t klen, lpj_t *val);
/* The same, for a key the caller knows to be valid UTF-8 without control
 * characters, '"' or '\\' (as for lpj_stringn_plain): writers copy it as it
 * is. Copies and updates keep that mark. */
int lpj_object_setn_new_plain(lpj_t *obj, const char *key, size_t klen, lpj_t *val);
/* Does not steal val. */
int lpj_object_set(lpj_t *obj, const char *key, lpj_t *val);
/* 0 when removed, -1 when missing. */
int lpj_object_del(lpj_t *obj, const char *key);
int lpj_object_clear(lpj_t *obj);
/* Sets every member of other into obj. */
int lpj_object_update(lpj_t *obj, lpj_t *other);

/* An object's members in insertion order, for readers that walk them all
 * (writers): *n gets the count; valid until the object next changes. */
typedef struct lpj_member {
	const char *key;
	union {
		struct {
			uint32_t klen : 31;
			uint32_t key_plain : 1; /* the key is JSON-ready as it is (see below) */
		};
		uint32_t klen_word; /* internal: both at once (one store, no load) */
	};
	uint32_t tag; /* internal: a summary of the key for searches */
	lpj_t *value;
} lpj_member;
const lpj_member *lpj_object_members(const lpj_t *obj, size_t *n);
/* For loaders: a new object of the n members given, in order, with their
 * keys copied and their values stolen (a key given again replaces the
 * value, in the first place, as setting it would). Keys must not be NULL
 * and values must not be NULL or the object itself; tag is ignored. */
lpj_t *lpj_object_from(const lpj_member *m, size_t n);

/* Raw objects. The loader (jsonload.h) keeps a nested object it reads into
 * an arena as its text when that text is exactly what the compact writers
 * would print for it (no whitespace, no escapes, integers in canonical form,
 * no reals, no duplicate keys). Its members are parsed, in its arena, the
 * first time anything looks inside it through this API; writers copy the
 * text instead (lpj_object_raw_text), and a deep copy copies the text. So the
 * first read of an arena object may change it: like every change, that is
 * for the one thread the arena belongs to at that time. Heap objects are never
 * raw.
 *
 * lpj_object_raw makes one in the current arena from text the caller has
 * checked to be such an object (in_arena: the text already lives in that
 * arena, as long, and is not copied); without a current arena it parses the
 * text into a heap object. uses, when not NULL, is a count (saturating, any
 * thread) that goes up when the object is looked into: loaders keep one per
 * member name to learn which objects are better parsed right away.
 * lpj_object_raw_text returns the text and its length of a raw object, or
 * NULL when obj is not raw (any more). */
typedef uint8_t lpj_raw_uses;
lpj_t *lpj_object_raw(const char *text, size_t len, bool in_arena, lpj_raw_uses *uses);
const char *lpj_object_raw_text(const lpj_t *obj, size_t *len);

/* Iteration in insertion order. An iterator stays valid while the object is
 * only read or its existing keys are set. */
void *lpj_object_iter(lpj_t *obj);
void *lpj_object_iter_next(lpj_t *obj, void *iter);
const char *lpj_object_iter_key(void *iter);
size_t lpj_object_iter_key_len(void *iter);
lpj_t *lpj_object_iter_value(void *iter);

#define LPJ_CAT2(a, b) a##b
#define LPJ_CAT(a, b) LPJ_CAT2(a, b)
#define lpj_object_foreach(object, key, value)                                                     \
	for (void *LPJ_CAT(lpj_it_, __LINE__) = lpj_object_iter(object);                            \
	     LPJ_CAT(lpj_it_, __LINE__) && ((key) = lpj_object_iter_key(LPJ_CAT(lpj_it_, __LINE__))) && \
	     ((value) = lpj_object_iter_value(LPJ_CAT(lpj_it_, __LINE__)));                          \
	     LPJ_CAT(lpj_it_, __LINE__) = lpj_object_iter_next(object, LPJ_CAT(lpj_it_, __LINE__)))

/* ---- arrays ---- */

size_t lpj_array_size(const lpj_t *arr);
/* Borrowed; NULL when out of range. */
lpj_t *lpj_array_get(const lpj_t *arr, size_t i);
/* 0 or -1; the _new forms steal val. */
int lpj_array_set_new(lpj_t *arr, size_t i, lpj_t *val);
int lpj_array_append_new(lpj_t *arr, lpj_t *val);
int lpj_array_append(lpj_t *arr, lpj_t *val);
int lpj_array_insert_new(lpj_t *arr, size_t i, lpj_t *val);
int lpj_array_remove(lpj_t *arr, size_t i);
int lpj_array_clear(lpj_t *arr);
/* Appends every element of other. */
int lpj_array_extend(lpj_t *arr, lpj_t *other);

#define lpj_array_foreach(array, index, value)                                                        \
	for ((index) = 0; (index) < lpj_array_size(array) && ((value) = lpj_array_get(array, index)); \
	     (index)++)

/* ---- whole values ---- */

/* Deep copy made where new values are made now. */
lpj_t *lpj_deep_copy(const lpj_t *v);
/* Deep equality: same types (an integer never equals a real), objects equal
 * whatever their key order. */
bool lpj_equal(const lpj_t *a, const lpj_t *b);

/* ---- text (pipeline/jsonio.c) ---- */

#define LPJ_ERROR_TEXT_LENGTH 160
typedef struct lpj_error_t {
	int line;
	int column;
	int position;
	char text[LPJ_ERROR_TEXT_LENGTH];
} lpj_error_t;

/* Flags of lpj_loads/lpj_loadb. Without LPJ_DECODE_ANY the top level must be
 * an object or an array; LPJ_DISABLE_EOF_CHECK stops after the first value;
 * LPJ_ALLOW_NUL accepts \u0000 in strings. */
#define LPJ_DECODE_ANY 0x1
#define LPJ_DISABLE_EOF_CHECK 0x2
#define LPJ_ALLOW_NUL 0x4
/* On success err->position is the number of bytes read and line and column
 * are -1 (so that documents in a row can be read with
 * LPJ_DISABLE_EOF_CHECK). */
lpj_t *lpj_loads(const char *s, size_t flags, lpj_error_t *err);
lpj_t *lpj_loadb(const char *s, size_t len, size_t flags, lpj_error_t *err);
lpj_t *lpj_load_file(const char *path, size_t flags, lpj_error_t *err);

/* Flags of lpj_dumps: LPJ_COMPACT writes "," and ":" (else ", " and ": ");
 * LPJ_ENCODE_ANY allows any top-level value (else only objects and arrays);
 * LPJ_INDENT(n) writes one member per line indented by n; LPJ_SORT_KEYS
 * sorts object keys; LPJ_REAL_PRECISION(p) writes reals with %.pg (else
 * %.17g), always with a '.' or an exponent. Strings that are not valid UTF-8
 * (made with a _nocheck constructor) are written with U+FFFD. */
#define LPJ_INDENT(n) ((size_t)(n) & 0x1F)
#define LPJ_COMPACT 0x20
#define LPJ_ENCODE_ANY 0x200
#define LPJ_SORT_KEYS 0x80
/* Accepted for compatibility: objects always keep their order. */
#define LPJ_PRESERVE_ORDER 0
#define LPJ_REAL_PRECISION(p) (((size_t)(p) & 0x1F) << 11)
/* A new string (free with lp_free), or NULL. */
char *lpj_dumps(const lpj_t *v, size_t flags);

/* Builds a value from a format, as jansson's json_pack does, for the formats
 * s (string), s# is not supported, i (int), I (lpj_int_t), f (double),
 * b (int as boolean), n (null), o (lpj_t *, stolen), O (lpj_t *, increfed),
 * {...} and [...]; ':' ',' and spaces are ignored. NULL on a bad format or a
 * NULL string/value (stolen values are released then). */
lpj_t *lpj_pack(const char *fmt, ...);

#endif
