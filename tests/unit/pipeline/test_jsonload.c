/* Differential tests of the Beats JSON loader against jansson's json_loadb
 * (JSON_DECODE_ANY | JSON_ALLOW_NUL): same acceptance, equal values. */
#include "pipeline/jsonload.h"

#include "jansson_oracle.h"
#include "lp_test.h"
#include "pipeline/buf.h"
#include "pipeline/jsonw.h"
#include "pipeline/mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define JSON_GEN_SEED 0x2545f4914f6cdd1dull
#include "json_gen.h"

static int mismatches;

/* Raw objects (json.h) in a tree, without looking into them. */
static int count_raw(const lpj_t *v)
{
	size_t n;
	if (lpj_object_raw_text(v, &n))
		return 1;
	int c = 0;
	if (lpj_is_object(v)) {
		const lpj_member *m = lpj_object_members(v, &n); /* not raw: changes nothing */
		for (size_t i = 0; i < n; i++)
			c += count_raw(m[i].value);
	} else if (lpj_is_array(v)) {
		for (size_t i = 0; i < lpj_array_size(v); i++)
			c += count_raw(lpj_array_get(v, i));
	}
	return c;
}

static bool same_text(char *x, char *y)
{
	bool same = x && y && strcmp(x, y) == 0;
	lp_free(x);
	lp_free(y);
	return same;
}

static int raw_seen;

/* The same text loaded into an arena, where nested canonical objects stay
 * raw: the same acceptance, error sentence and position as the heap load
 * (heap, herr, hpos); written back (lpj_dumps compact and lp_jsonw_value, both
 * copying raw text) to the same bytes; with the other dump flags (which look
 * into raw objects) the same bytes; equal values once looked into. */
static bool agree_arena(const char *s, size_t len, const lpj_t *heap, const char *herr, size_t hpos)
{
	lp_arena *a = lp_arena_create();
	lp_arena *prev = lpj_arena_enter(a);
	char err[200];
	size_t pos = 0;
	lpj_t *v = lp_json_load(s, len, err, sizeof(err), &pos);
	lpj_t *w = lp_json_load(s, len, err, sizeof(err), &pos);
	bool ok = !v == !heap;
	if (ok && !v)
		ok = pos == hpos && strcmp(err, herr) == 0;
	if (ok && v) {
		raw_seen += count_raw(v);
		size_t compact = LPJ_COMPACT | LPJ_ENCODE_ANY, sorted = LPJ_SORT_KEYS | LPJ_INDENT(1) | LPJ_ENCODE_ANY;
		lp_buf x = LP_BUF_INIT, y = LP_BUF_INIT;
		lp_jsonw_value(&x, v);
		lp_jsonw_value(&y, heap);
		ok = x.len == y.len && memcmp(x.data, y.data, x.len) == 0;
		lp_buf_fini(&x);
		lp_buf_fini(&y);
		ok = ok && same_text(lpj_dumps(v, compact), lpj_dumps(heap, compact));
		ok = ok && same_text(lpj_dumps(w, sorted), lpj_dumps(heap, sorted));
		ok = ok && lpj_equal(v, heap) && count_raw(v) == 0; /* looked into: all parsed */
		ok = ok && same_text(lpj_dumps(v, compact), lpj_dumps(heap, compact));
	}
	lpj_arena_leave(prev);
	lp_arena_unref(a);
	return ok;
}

/* Compares both loaders on len bytes; returns 1 when they agree. */
static int agree(const char *s, size_t len)
{
	json_error_t je;
	json_t *a = json_loadb(s, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
	char err[200];
	size_t pos = 0;
	lpj_t *b = lp_json_load(s, len, err, sizeof(err), &pos);
	bool arena_ok = agree_arena(s, len, b, err, pos);
	int ok;
	if (a && !b && memchr(s, 0, len)) {
		/* json_loadb skips a NUL byte right after a number or literal (a
		 * jansson quirk); without those bytes both must agree */
		char *t = lp_malloc(len);
		size_t n = 0;
		for (size_t i = 0; i < len; i++) {
			unsigned char prev = n ? (unsigned char)t[n - 1] : 0;
			if (s[i] == 0 && ((prev >= '0' && prev <= '9') || (prev >= 'a' && prev <= 'z') ||
					  (prev >= 'A' && prev <= 'Z') || prev == '.'))
				continue;
			t[n++] = s[i];
		}
		b = lp_json_load(t, n, err, sizeof(err), &pos);
		lp_free(t);
	}
	if (!a || !b)
		ok = !a && !b;
	else
		ok = oracle_same(a, b, true);
	if (ok && !b && !err[0])
		ok = 0; /* an error always has a message */
	if (!arena_ok && mismatches++ < 10) {
		fprintf(stderr, "loaded into an arena, differs on [");
		fwrite(s, 1, len > 200 ? 200 : len, stderr);
		fprintf(stderr, "]\n");
	}
	ok = ok && arena_ok;
	if (!ok && mismatches++ < 10) {
		fprintf(stderr, "disagree on [");
		fwrite(s, 1, len > 200 ? 200 : len, stderr);
		fprintf(stderr, "]: jansson %s (%s), ours %s (%s)\n", a ? "ok" : "error",
			a ? "" : je.text, b ? "ok" : "error", b ? "" : err);
	}
	json_decref(a);
	lpj_decref(b);
	return ok;
}

static int agree_s(const char *s)
{
	return agree(s, strlen(s));
}

static void test_corpus(void)
{
	static const char *const cases[] = {
		"{}", "[]", "0", "-0", "1", "-1", "12345678901234567", "9223372036854775807",
		"-9223372036854775808", "9223372036854775808", "-9223372036854775809",
		"1.5", "-1.5e10", "1E400", "-1e400", "1e-400", "0.0", "1.", ".5", "01", "-", "-a",
		"1e", "1e+", "1e+5", "1.0E-5", "00", "-01", "2.5e", "1.e5",
		"true", "false", "null", "tru", "nul", "True", "NULL",
		"\"\"", "\"abc\"", "\"a\\\"b\"", "\"\\\\\"", "\"\\/\"", "\"\\b\\f\\n\\r\\t\"",
		"\"\\u0041\"", "\"\\u00e9\"", "\"\\u20AC\"", "\"\\ud83d\\ude00\"", "\"\\ud83d\"",
		"\"\\ude00\"", "\"\\ud83d\\u0041\"", "\"\\u0000\"", "\"a\\u0000b\"", "\"\\x41\"",
		"\"\\u12\"", "\"\\u12G4\"", "\"abc", "\"a\tb\"", "\"a\nb\"", "\"\x7f\"",
		"\"\xc3\xa9\"", "\"\xe2\x82\xac\"", "\"\xf0\x9f\x98\x80\"", "\"\xc3\"", "\"\xc0\xaf\"",
		"\"\xe0\x80\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xff\"", "\"\x80\"",
		"{\"a\":1,\"a\":2}", "{\"\":0}", "{\"\\u0000\":1}", "{\"a\\u0000\":1}", "{\"k\\n\":1}",
		"{\"a\" : [1, 2 , {\"b\":null}] }", " \t\r\n{}\n ", "{} x", "{},", "[1,]", "[,1]",
		"{\"a\":1,}", "{,}", "{\"a\"}", "{\"a\":}", "{a:1}", "{'a':1}", "[1 2]", "[\"a\" \"b\"]",
		"", " ", "{", "[", "}", "]", "[[[]]]", "{\"a\":{\"b\":{\"c\":[{}]}}}", "[1e2, -0.0, 3]",
		"\"\\u00\"", "[\"\\ud800\\udc00\"]", "{\"x\":\"\\uDBFF\\uDFFF\"}", "[0.1e-10, 123.456E+2]",
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		bad += !agree_s(cases[i]);
	/* embedded NUL bytes in the text itself */
	bad += !agree("{}\0", 3);
	bad += !agree("\"a\0b\"", 5);
	bad += !agree("[1,\0 2]", 7);
	CHECK_INT(bad, 0);
}

static int agree_deep(const char *s, size_t len, bool objects)
{
	return agree(s, len);
}

static void test_depth(void)
{
	CHECK_INT(json_gen_deep(agree_deep), 0);
}

/* The random documents: strings take up to 7 pieces (escapes, surrogate
 * pairs, \u0000, raw UTF-8, JSON punctuation); reals in form 0 only. */
static const char *const string_pieces[] = {
	"a", "Z", "0", " ", "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\u00e9", "\\u0000", "\\ud83d\\ude00",
	"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "{", "}", "[", ":", ",", "\\u20ac", "\\b",
	"long text of a log message ",
};
static const json_gen gen = { string_pieces, sizeof(string_pieces) / sizeof(string_pieces[0]), 8, 1 };
/* strings without escapes, as in most logs: objects of them can stay raw */
static const char *const plain_pieces[] = { "a", "Z", "0", " ", "\xc3\xa9", "\xf0\x9f\x98\x80", "{", ":", "long text " };
static const json_gen plain_gen = { plain_pieces, sizeof(plain_pieces) / sizeof(plain_pieces[0]), 5, 1 };
/* what a mutation may put in place of a byte (its NUL too) */
static const char mutation_bytes[] = "\"\\{}[],:0-eE.u \x80\xff";

static void test_random_documents_and_mutations(void)
{
	int bad = 0, accepted = 0, rejected = 0;
	lp_buf b = LP_BUF_INIT, m = LP_BUF_INIT;
	for (int iter = 0; iter < 20000; iter++) {
		lp_buf_reset(&b);
		json_gen_value(iter % 2 ? &plain_gen : &gen, &b);
		bad += !agree(b.data, b.len);
		/* a mutated copy: flipped, replaced, removed or inserted bytes */
		lp_buf_reset(&m);
		lp_buf_add(&m, b.data, b.len);
		json_gen_mutate(&m, mutation_bytes, sizeof(mutation_bytes), false);
		json_error_t je;
		json_t *j = json_loadb(m.data, m.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
		if (j)
			accepted++;
		else
			rejected++;
		json_decref(j);
		bad += !agree(m.data, m.len);
		/* the document without white space (as jansson writes it compact),
		 * where many nested objects can stay raw, and a mutated copy */
		json_t *doc = json_loadb(b.data, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
		char *compact = doc ? json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
		json_decref(doc);
		if (compact) {
			bad += !agree(compact, strlen(compact));
			lp_buf_reset(&m);
			lp_buf_adds(&m, compact);
			json_gen_mutate(&m, mutation_bytes, sizeof(mutation_bytes), false);
			bad += !agree(m.data, m.len);
			free(compact);
		}
	}
	CHECK_INT(bad, 0);
	CHECK(accepted > 1000 && rejected > 1000); /* both paths exercised */
	CHECK(raw_seen > 500);                     /* raw objects too (944 with this seed) */
	lp_buf_fini(&b);
	lp_buf_fini(&m);
}

static void test_error_position(void)
{
	char err[200];
	size_t pos = 0;
	CHECK(lp_json_load("{\"a\":1,}", 8, err, sizeof(err), &pos) == NULL);
	CHECK_INT(pos, 7);
	CHECK(strstr(err, "expected") != NULL);
	CHECK(lp_json_load("[1, tru]", 8, err, sizeof(err), &pos) == NULL);
	CHECK_INT(pos, 4);
}

/* lp_json_load_ex: a prefix and where it ends, \u0000 refused on request,
 * the token a problem is in; without options it agrees with lp_json_load. */
static void test_load_ex(void)
{
	char err[200];
	lp_json_load_at at;
	lpj_t *v = lp_json_load_ex(" [1, 2]  {\"next\": 1}", 21, LP_JSON_LOAD_PREFIX, err, sizeof(err), &at);
	CHECK(lpj_is_array(v) && lpj_array_size(v) == 2);
	CHECK_INT(at.used, 7);
	lpj_decref(v);
	v = lp_json_load_ex("123abc", 6, LP_JSON_LOAD_PREFIX, err, sizeof(err), &at);
	CHECK(lpj_integer_value(v) == 123);
	CHECK_INT(at.used, 3);
	lpj_decref(v);
	v = lp_json_load_ex("[1]  ", 5, 0, err, sizeof(err), &at);
	CHECK(v != NULL);
	CHECK_INT(at.used, 5);
	lpj_decref(v);
	CHECK(lp_json_load_ex("[1] 2", 5, 0, err, sizeof(err), &at) == NULL);
	CHECK_INT(at.pos, 4);
	CHECK_INT(at.token, 4);
	/* \u0000: accepted by default, refused with NO_NUL */
	v = lp_json_load_ex("\"a\\u0000\"", 9, 0, err, sizeof(err), &at);
	CHECK_INT(lpj_string_length(v), 2);
	lpj_decref(v);
	CHECK(lp_json_load_ex("[\"a\\u0000\"]", 11, LP_JSON_LOAD_NO_NUL, err, sizeof(err), &at) == NULL);
	CHECK_INT(at.pos, 3);
	CHECK_INT(at.token, 1); /* the string's opening quote */
	CHECK(strstr(err, "u0000") != NULL);
	/* a problem inside a string: pos at it, token at the string */
	CHECK(lp_json_load_ex("{\"k\": \"ab\x01\"}", 12, 0, err, sizeof(err), &at) == NULL);
	CHECK_INT(at.pos, 9);
	CHECK_INT(at.token, 6);
	/* the same acceptance and values as lp_json_load on the corpus of test_corpus */
	static const char *const texts[] = { "{}", "[1,]", "\"\\ud83d\"", "{\"a\":1} x", "1e400", "-", "\"\\u0000\"" };
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		size_t pos = 0;
		lpj_t *a = lp_json_load(texts[i], strlen(texts[i]), err, sizeof(err), &pos);
		lpj_t *b = lp_json_load_ex(texts[i], strlen(texts[i]), 0, err, sizeof(err), &at);
		CHECK(!a == !b);
		CHECK(!a || lpj_equal(a, b));
		if (!a)
			CHECK_INT(at.pos, pos);
		lpj_decref(a);
		lpj_decref(b);
	}
}

/* The object under "o" of text loaded into the current arena: is it raw? */
static bool inner_raw(const char *text)
{
	lpj_t *v = lp_json_load(text, strlen(text), NULL, 0, NULL);
	size_t n;
	const lpj_member *m = v ? lpj_object_members(v, &n) : NULL;
	return m && n == 1 && lpj_object_raw_text(m[0].value, &n) != NULL;
}

static void nest(lp_buf *b, int levels)
{
	lp_buf_reset(b);
	lp_buf_adds(b, "{\"o\":");
	for (int i = 0; i < levels; i++)
		lp_buf_adds(b, i + 1 < levels ? "{\"n\":" : "{\"n\":1");
	for (int i = 0; i < levels + 1; i++)
		lp_buf_addc(b, '}');
}

static void keys(lp_buf *b, int count)
{
	lp_buf_reset(b);
	lp_buf_adds(b, "{\"o\":{");
	for (int i = 0; i < count; i++)
		lp_buf_printf(b, "%s\"k%d\":%d", i ? "," : "", i, i);
	lp_buf_adds(b, "}}");
}

/* Which nested objects stay raw, and what looking into one does. */
static void test_raw_objects(void)
{
	lp_arena *a = lp_arena_create(), *other = lp_arena_create();
	lp_arena *prev = lpj_arena_enter(a);
	CHECK(inner_raw("{\"o\":{\"a\":1,\"b\":[true,false,null,\"x\",\"\xc3\xa9\",{}],\"c\":{\"d\":-12}}}"));
	CHECK(inner_raw("{\"o\":{\"n\":12345678901234567}}")); /* 17 digits */
	CHECK(!inner_raw("{\"o\":{\"n\":123456789012345678}}"));
	CHECK(!inner_raw("{\"o\":{\"a\":1.5}}"));   /* reals are written back differently */
	CHECK(!inner_raw("{\"o\":{\"a\":1e3}}"));
	CHECK(!inner_raw("{\"o\":{\"a\":-0}}"));    /* written back as 0 */
	CHECK(!inner_raw("{\"o\":{\"a\": 1}}"));    /* whitespace */
	CHECK(!inner_raw("{\"o\":{\"a\":\"\\n\"}}")); /* an escape */
	CHECK(!inner_raw("{\"o\":{\"\\u0061\":1}}"));
	CHECK(!inner_raw("{\"o\":{\"a\":1,\"a\":2}}")); /* a duplicate key */
	lp_buf b = LP_BUF_INIT;
	keys(&b, 32);
	CHECK(inner_raw(b.data));
	keys(&b, 33);
	CHECK(!inner_raw(b.data));
	nest(&b, 16);
	CHECK(inner_raw(b.data));
	nest(&b, 17);
	CHECK(!inner_raw(b.data));
	/* the top level is never raw; an object in an array is */
	lpj_t *v = lp_json_load("{\"a\":1}", 7, NULL, 0, NULL);
	size_t n;
	CHECK(v && !lpj_object_raw_text(v, &n) && lpj_object_size(v) == 1);
	v = lp_json_load("[{\"a\":1}]", 9, NULL, 0, NULL);
	CHECK(lpj_object_raw_text(lpj_array_get(v, 0), &n) && n == 7);
	/* EAGER: nothing raw */
	lp_json_load_at at;
	v = lp_json_load_ex("[{\"a\":1}]", 9, LP_JSON_LOAD_EAGER, NULL, 0, &at);
	CHECK(!lpj_object_raw_text(lpj_array_get(v, 0), &n));
	/* the heap: nothing raw */
	lpj_arena_enter(NULL);
	v = lp_json_load("[{\"a\":1}]", 9, NULL, 0, NULL);
	CHECK(!lpj_object_raw_text(lpj_array_get(v, 0), &n));
	lpj_decref(v);
	lpj_arena_enter(a);

	const char *text = "{\"o\":{\"a\":1,\"b\":{\"c\":\"x\"}}}";
	lpj_t *doc = lp_json_load(text, strlen(text), NULL, 0, NULL);
	lpj_t *o = lpj_object_get(doc, "o");
	CHECK(lpj_object_raw_text(o, &n) && n == 21);
	/* a deep copy into another arena copies the text; into the heap it is parsed */
	lpj_arena_enter(other);
	lpj_t *copy = lpj_deep_copy(o);
	CHECK(lpj_object_raw_text(copy, &n) && n == 21 && lpj_arena_of(copy) == other);
	lpj_arena_enter(NULL);
	lpj_t *heap = lpj_deep_copy(o);
	CHECK(!lpj_object_raw_text(heap, &n) && lpj_object_size(heap) == 2);
	lpj_arena_enter(a);
	CHECK(lpj_object_raw_text(o, &n) != NULL); /* the source is still raw */
	/* looking in parses one level: members are there, the nested one raw */
	CHECK(lpj_integer_value(lpj_object_get(o, "a")) == 1);
	CHECK(!lpj_object_raw_text(o, &n));
	lpj_t *inner = lpj_object_get(o, "b");
	CHECK(lpj_object_raw_text(inner, &n) && n == 9);
	CHECK(lpj_equal(o, heap));
	/* changes are written: the object is no longer its old text */
	CHECK(lpj_object_set_new(inner, "d", lpj_integer(2)) == 0);
	CHECK(lpj_object_del(o, "a") == 0);
	char *out = lpj_dumps(doc, LPJ_COMPACT);
	CHECK_STR(out, "{\"o\":{\"b\":{\"c\":\"x\",\"d\":2}}}");
	lp_free(out);
	/* update from a raw object; clear of a raw object */
	lpj_t *dst = lpj_object();
	CHECK(lpj_object_update(dst, copy) == 0);
	out = lpj_dumps(dst, LPJ_COMPACT);
	CHECK_STR(out, "{\"a\":1,\"b\":{\"c\":\"x\"}}");
	lp_free(out);
	lpj_arena_enter(other);
	lpj_t *copy2 = lpj_deep_copy(copy);
	CHECK(lpj_object_clear(copy2) == 0 && lpj_object_size(copy2) == 0);
	lpj_arena_enter(a);
	lpj_decref(heap);
	lp_buf_fini(&b);
	lpj_arena_leave(prev);
	lp_arena_unref(a);
	lp_arena_unref(other);
}

/* LP_JSON_LOAD_LEARN: objects under a name that were looked into often are
 * parsed right away; under other names they stay raw; without the option
 * nothing is learned or used. */
static void test_raw_learning(void)
{
	lp_arena *a = lp_arena_create();
	lp_arena *prev = lpj_arena_enter(a);
	const char *text = "{\"looked_into\":{\"x\":1},\"left_alone\":{\"y\":2}}";
	lp_json_load_at at;
	size_t n;
	int raw_before = 0, raw_after = 0;
	for (int i = 0; i < 40; i++) {
		lpj_t *v = lp_json_load_ex(text, strlen(text), LP_JSON_LOAD_LEARN, NULL, 0, &at);
		lpj_t *in = lpj_object_get(v, "looked_into");
		bool raw = lpj_object_raw_text(in, &n) != NULL;
		if (i < 10)
			raw_before += raw;
		if (i >= 20)
			raw_after += raw;
		CHECK(lpj_integer_value(lpj_object_get(in, "x")) == 1); /* a look */
		CHECK(lpj_object_raw_text(lpj_object_get(v, "left_alone"), &n) != NULL);
	}
	CHECK_INT(raw_before, 10); /* raw until learned */
	CHECK_INT(raw_after, 0);   /* then parsed right away */
	/* the same text without LEARN: raw as always */
	lpj_t *v = lp_json_load_ex(text, strlen(text), 0, NULL, 0, &at);
	CHECK(lpj_object_raw_text(lpj_object_get(v, "looked_into"), &n) != NULL);
	lpj_arena_leave(prev);
	lp_arena_unref(a);
}

int main(void)
{
	LP_RUN(test_corpus);
	LP_RUN(test_depth);
	LP_RUN(test_random_documents_and_mutations);
	LP_RUN(test_error_position);
	LP_RUN(test_load_ex);
	LP_RUN(test_raw_objects);
	LP_RUN(test_raw_learning);
	return lp_test_report();
}
