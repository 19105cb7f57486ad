/* Tests of pipeline/jsonio.c against the real jansson: lpj_dumps writes the
 * same bytes as json_dumps for every flag combination, lpj_loads/loadb/
 * load_file accept the same texts, build the same values and report errors
 * at the same line, column and position, and lpj_pack builds what json_pack
 * builds. */
#include "lp_test.h"

#include "jansson_oracle.h"
#include "pipeline/buf.h"
#include "pipeline/mem.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define JSON_GEN_SEED 0x853c49e6748fea9bull
#include "json_gen.h"

static int mismatches;

/* ---- dumps ---- */

/* The dump flags have jansson's numbers, so one set serves both. */
_Static_assert(LPJ_COMPACT == JSON_COMPACT && LPJ_SORT_KEYS == JSON_SORT_KEYS && LPJ_ENCODE_ANY == JSON_ENCODE_ANY &&
		       LPJ_INDENT(31) == JSON_INDENT(31) && LPJ_REAL_PRECISION(31) == JSON_REAL_PRECISION(31),
	       "dump flags as in jansson");

/* Dumps j with jansson and its copy with ours; 1 when the bytes agree. */
static int same_dump(const json_t *j, size_t flags)
{
	lpj_t *l = lpj_from_oracle(j);
	char *a = json_dumps(j, flags);
	char *b = lpj_dumps(l, flags);
	int ok = (!a && !b) || (a && b && strcmp(a, b) == 0);
	if (!ok && mismatches++ < 10)
		fprintf(stderr, "dumps differ (flags 0x%zx):\n  jansson: %s\n  ours:    %s\n", flags, a ? a : "(null)",
			b ? b : "(null)");
	free(a);
	lp_free(b);
	lpj_decref(l);
	return ok;
}

static const char *const documents[] = {
	"{}", "[]", "[{}]", "{\"a\":[]}", "[[], {}, [[]], {\"x\": {}}]",
	"{\"b\": 1, \"a\": 2, \"c\": {\"z\": [1, 2, 3], \"y\": null, \"x\": true}, \"\": false}",
	"[1, -1, 0, 9223372036854775807, -9223372036854775808, 2.5, -0.0, 0.0, 1e300, 1e-300, 5e-324]",
	"[0.1, 0.30000000000000004, 1e16, 1e17, 1e21, 1e22, 123456789012345680.0, 1.7976931348623157e308]",
	"[100.0, 1e-7, 1e-5, 12345678.9, 2.2250738585072014e-308, -1.2345678901234567e-308, 3.0e2]",
	"[\"\", \"plain\", \"a/b\", \"q\\\"q\", \"back\\\\slash\", \"\\b\\f\\n\\r\\t\", \"\\u0001\\u001f\\u007f\"]",
	"[\"\\u0000\", \"a\\u0000b\", \"caf\\u00e9\", \"\\u20ac\", \"\\ud83d\\ude00\", \"\\u2028\\u2029\", \"\xc3\xa9\"]",
	"{\"k\\n\": \"v\\t\", \"\\u00e9\": [\"\\\"\"], \"/\": \"/\"}",
	"{\"z\": 1, \"Z\": 2, \"a\": 3, \"A\": 4, \"aa\": 5, \"\\u00e9\": 6, \"e\": 7, \"_\": 8}",
	"[[[[[[[[[[{\"deep\": [1, {\"deeper\": [2]}]}]]]]]]]]]]",
	"\"top-level string\"", "42", "-7", "3.25", "true", "false", "null", "1e400000",
};

static void test_dumps_flags(void)
{
	static const size_t precisions[] = { 0, 1, 2, 3, 6, 15, 16, 17, 18, 25, 31 };
	int bad = 0, n = 0;
	for (size_t d = 0; d < sizeof(documents) / sizeof(documents[0]); d++) {
		json_error_t e;
		json_t *j = json_loads(documents[d], JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
		if (!j) {
			/* 1e400000 overflows: both refuse it */
			CHECK(lpj_loads(documents[d], LPJ_DECODE_ANY | LPJ_ALLOW_NUL, NULL) == NULL);
			continue;
		}
		for (size_t indent = 0; indent <= 31; indent += indent < 4 ? 1 : 27)
			for (int compact = 0; compact < 2; compact++)
				for (int sort = 0; sort < 2; sort++)
					for (int any = 0; any < 2; any++)
						for (size_t p = 0; p < sizeof(precisions) / sizeof(precisions[0]); p++) {
							size_t f = LPJ_INDENT(indent) | (compact ? LPJ_COMPACT : 0) |
								   (sort ? LPJ_SORT_KEYS : 0) | (any ? LPJ_ENCODE_ANY : 0) |
								   LPJ_REAL_PRECISION(precisions[p]);
							bad += !same_dump(j, f);
							n++;
						}
		json_decref(j);
	}
	CHECK_INT(bad, 0);
	CHECK(n > 5000);
}

/* The random documents: strings take up to 5 pieces and hold every escape
 * the dumper writes (\u001F, \u007f, \u2028 ...); reals in all three forms. */
static const char *const string_pieces[] = {
	"a", "Z", "0", " ", "/", "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\r", "\\b", "\\f", "\\u0001",
	"\\u001F", "\\u007f", "\\u00e9", "\\u0000", "\\ud83d\\ude00", "\xc3\xa9", "\xe2\x82\xac",
	"\xf0\x9f\x98\x80", "{", "}", "[", ":", ",", "\\u2028", "long text of a log message ",
};
static const json_gen gen = { string_pieces, sizeof(string_pieces) / sizeof(string_pieces[0]), 6, 3 };
/* what a mutation may put in place of a byte (its NUL too) */
static const char mutation_bytes[] = "\"\\{}[],:0-eE.u \x80\xff\nax";

static size_t random_flags(void)
{
	size_t f = 0;
	if (json_gen_rnd() % 2)
		f |= LPJ_COMPACT;
	if (json_gen_rnd() % 2)
		f |= LPJ_INDENT(json_gen_rnd() % 9);
	if (json_gen_rnd() % 2)
		f |= LPJ_SORT_KEYS;
	if (json_gen_rnd() % 4)
		f |= LPJ_ENCODE_ANY;
	if (json_gen_rnd() % 3 == 0)
		f |= LPJ_REAL_PRECISION(json_gen_rnd() % 32);
	return f;
}

/* Random documents, both ways: jansson's tree copied into ours, and ours
 * (loaded by lpj_loadb) copied into jansson's. */
static void test_dumps_random(void)
{
	int bad = 0, n = 0;
	lp_buf b = LP_BUF_INIT;
	for (int iter = 0; iter < 20000; iter++) {
		lp_buf_reset(&b);
		json_gen_value(&gen, &b);
		json_error_t e;
		json_t *j = json_loadb(b.data, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
		lpj_t *l = lpj_loadb(b.data, b.len, LPJ_DECODE_ANY | LPJ_ALLOW_NUL, NULL);
		CHECK(!j == !l);
		if (!j || !l) {
			json_decref(j);
			lpj_decref(l);
			continue; /* a real that overflows */
		}
		bad += !same_dump(j, random_flags());
		size_t f = random_flags();
		json_t *back = oracle_from_lpj(l);
		char *x = json_dumps(back, f), *y = lpj_dumps(l, f);
		if (!((!x && !y) || (x && y && strcmp(x, y) == 0))) {
			bad++;
			if (mismatches++ < 10)
				fprintf(stderr, "dumps differ (flags 0x%zx):\n  jansson: %s\n  ours:    %s\n", f,
					x ? x : "(null)", y ? y : "(null)");
		}
		free(x);
		lp_free(y);
		json_decref(back);
		lpj_decref(l);
		n++;
		json_decref(j);
	}
	lp_buf_fini(&b);
	CHECK_INT(bad, 0);
	CHECK(n > 15000);
}

static void test_dumps_details(void)
{
	lpj_t *v = lpj_pack("{s:f,s:f,s:f,s:f,s:s,s:s}", "a", 1e22, "b", 1e-7, "c", 100.0, "d", 0.1, "e", "\x1f/\x7f",
			    "f", "\xe2\x80\xa8");
	char *s = lpj_dumps(v, LPJ_COMPACT);
	CHECK_STR(s, "{\"a\":1e22,\"b\":9.9999999999999995e-8,\"c\":100.0,\"d\":0.10000000000000001,"
		     "\"e\":\"\\u001F/\x7f\",\"f\":\"\xe2\x80\xa8\"}");
	lp_free(s);
	s = lpj_dumps(v, LPJ_COMPACT | LPJ_REAL_PRECISION(3));
	CHECK_STR(s, "{\"a\":1e22,\"b\":1e-7,\"c\":100.0,\"d\":0.1,\"e\":\"\\u001F/\x7f\",\"f\":\"\xe2\x80\xa8\"}");
	lp_free(s);
	lpj_decref(v);
	v = lpj_pack("{s:[i,{}],s:{s:n}}", "x", 1, "y", "z");
	s = lpj_dumps(v, LPJ_INDENT(2));
	CHECK_STR(s, "{\n  \"x\": [\n    1,\n    {}\n  ],\n  \"y\": {\n    \"z\": null\n  }\n}");
	lp_free(s);
	s = lpj_dumps(v, LPJ_INDENT(1) | LPJ_COMPACT);
	CHECK_STR(s, "{\n \"x\":[\n  1,\n  {}\n ],\n \"y\":{\n  \"z\":null\n }\n}");
	lp_free(s);
	s = lpj_dumps(v, 0);
	CHECK_STR(s, "{\"x\": [1, {}], \"y\": {\"z\": null}}");
	lp_free(s);
	lpj_decref(v);
	/* keys sorted bytewise, a NUL byte ordering before everything */
	v = lpj_object();
	lpj_object_setn_new_nocheck(v, "a\0b", 3, lpj_integer(1));
	lpj_object_set_new(v, "a", lpj_integer(2));
	lpj_object_set_new(v, "\xc3\xa9", lpj_integer(3));
	lpj_object_set_new(v, "B", lpj_integer(4));
	lpj_object_set_new(v, "ab", lpj_integer(5));
	s = lpj_dumps(v, LPJ_SORT_KEYS | LPJ_COMPACT);
	CHECK_STR(s, "{\"B\":4,\"a\":2,\"a\\u0000b\":1,\"ab\":5,\"\xc3\xa9\":3}");
	lp_free(s);
	lpj_decref(v);
	/* top-level scalars need LPJ_ENCODE_ANY; NULL gives NULL */
	v = lpj_integer(3);
	CHECK(lpj_dumps(v, 0) == NULL);
	s = lpj_dumps(v, LPJ_ENCODE_ANY);
	CHECK_STR(s, "3");
	lp_free(s);
	lpj_decref(v);
	CHECK(lpj_dumps(NULL, LPJ_ENCODE_ANY) == NULL);
	/* a loop is refused, as by jansson */
	lpj_t *a = lpj_array(), *o = lpj_object();
	lpj_array_append(a, o);
	lpj_object_set(o, "a", a);
	CHECK(lpj_dumps(a, 0) == NULL);
	CHECK(lpj_dumps(o, LPJ_INDENT(2)) == NULL);
	lpj_object_clear(o); /* break the loop so both are freed */
	lpj_decref(o);
	lpj_decref(a);
	/* a string that is not UTF-8 (made without the check): where jansson
	 * fails, each invalid sequence is written as U+FFFD */
	v = lpj_pack("[o,o]", lpj_string_nocheck("a\xff" "b"), lpj_stringn_nocheck("\xe2\x82", 2));
	s = lpj_dumps(v, LPJ_COMPACT);
	CHECK_STR(s, "[\"a\xef\xbf\xbd" "b\",\"\xef\xbf\xbd\"]");
	lp_free(s);
	lpj_decref(v);
}

/* ---- loads ---- */

/* jansson's numbers for the load flags differ from ours. */
static size_t jansson_load_flags(size_t f)
{
	return (f & LPJ_DECODE_ANY ? JSON_DECODE_ANY : 0) | (f & LPJ_DISABLE_EOF_CHECK ? JSON_DISABLE_EOF_CHECK : 0) |
	       (f & LPJ_ALLOW_NUL ? JSON_ALLOW_NUL : 0);
}

/* Loads len bytes with both; 1 when they agree on the outcome, the value,
 * and the line, column and position of an error (or the position reached). */
static int same_load(const char *s, size_t len, size_t flags)
{
	json_error_t je;
	lpj_error_t le;
	memset(&le, 0x55, sizeof(le));
	json_t *j = json_loadb(s, len, jansson_load_flags(flags), &je);
	lpj_t *l = lpj_loadb(s, len, flags, &le);
	int ok;
	if (j && l)
		ok = oracle_same(j, l, true) && je.position == le.position && le.line == -1 && le.column == -1;
	else
		ok = !j && !l && je.line == le.line && je.column == le.column && je.position == le.position &&
		     le.text[0] && strlen(le.text) < sizeof(le.text);
	if (!ok && mismatches++ < 20) {
		fprintf(stderr, "loads differ (flags 0x%zx) on [", flags);
		fwrite(s, 1, len > 120 ? 120 : len, stderr);
		fprintf(stderr, "]:\n  jansson %s %d:%d@%d %s\n  ours    %s %d:%d@%d %s\n", j ? "ok" : "error", je.line,
			je.column, je.position, j ? "" : je.text, l ? "ok" : "error", le.line, le.column, le.position,
			l ? "" : le.text);
	}
	json_decref(j);
	lpj_decref(l);
	return ok;
}

static const size_t load_flags[] = {
	0, LPJ_DECODE_ANY, LPJ_DISABLE_EOF_CHECK, LPJ_ALLOW_NUL, LPJ_DECODE_ANY | LPJ_DISABLE_EOF_CHECK,
	LPJ_DECODE_ANY | LPJ_ALLOW_NUL, LPJ_DISABLE_EOF_CHECK | LPJ_ALLOW_NUL,
	LPJ_DECODE_ANY | LPJ_DISABLE_EOF_CHECK | LPJ_ALLOW_NUL,
};
#define NFLAGS (sizeof(load_flags) / sizeof(load_flags[0]))

static void test_loads_corpus(void)
{
	static const char *const cases[] = {
		"", " ", "\n\n  ", "{", "[", "}", "]", "{}", "[]", " {} ", "{} x", "{},", "[] []", "{}{}", "[1,]",
		"[,1]", "{\"a\":1,}", "{,}", "{\"a\"}", "{\"a\":}", "{a:1}", "{'a':1}", "[1 2]", "[\"a\" \"b\"]",
		"{\"a\" \"b\"}", "{\"a\":1 \"b\":2}", "[1,\n 2,\n  x]", "[\n\n\t\"caf\xc3\xa9\" x]", "[\"\xc3\xa9\xc3\xa9\", y]",
		"0", "-0", "1", "-1", "12345678901234567", "9223372036854775807", "-9223372036854775808",
		"9223372036854775808", "-9223372036854775809", "[9223372036854775808]", "1.5", "-1.5e10", "1E400",
		"[1E400]", "-1e400", "1e-400", "0.0", "1.", "[1.]", "[1.x]", ".5", "01", "[01]", "-", "[-]", "-a",
		"[-a]", "1e", "1e+", "[1e+]", "[1ex]", "1e+5", "00", "-01", "2.5e", "1.e5", "1.5.3", "[1.5.3]",
		"123abc", "[123abc]", "true", "false", "null", "tru", "[tru]", "nul", "True", "NULL", "truex",
		"[truex]", "true1", "[true1]", "nullnull", "true false", "[true false]", "\"\"", "\"abc\"",
		"\"a\\\"b\"", "\"\\\\\"", "\"\\/\"", "\"\\b\\f\\n\\r\\t\"", "\"\\u0041\"", "\"\\u00e9\"", "\"\\u20AC\"",
		"\"\\ud83d\\ude00\"", "\"\\ud83d\"", "[\"\\ud83d\"]", "[\"\\ude00\"]", "[\"\\ud83d\\u0041\"]",
		"[\"\\ud83d\", \"\\x\"]", "\"\\u0000\"", "[\"\\u0000\"]", "[\"a\\u0000b\"]", "{\"\\u0000\":1}",
		"{\"a\\u0000\":1}", "{\"k\\n\":1}", "[\"\\x41\"]", "[\"\\u12\"]", "[\"\\u12G4\"]", "[\"\\uZ\"]",
		"[\"abc", "[\"abc\\", "[\"abc\\u00", "[\"a\tb\"]", "[\"a\nb\"]", "[\"a\x01\"]", "[\"\x7f\"]",
		"[\"\xc3\xa9\"]", "[\"\xe2\x82\xac\"]", "[\"\xf0\x9f\x98\x80\"]", "[\"\xc3\"]", "[\"\xc0\xaf\"]",
		"[\"\xe0\x80\xaf\"]", "[\"\xed\xa0\x80\"]", "[\"\xf4\x90\x80\x80\"]", "[\"\xff\"]", "[\"\x80\"]",
		"[\xff]", "[\xc3\xa9]", "\xc3\xa9", "[\x01]", "[\"\\\xc3\xa9\"]", "[\"\\u\xc3\xa9\"]", "[\"\\u12\xff\"]",
		"{\"a\" : [1, 2 , {\"b\":null}] }", " \t\r\n{}\n ", "[[[]]]", "{\"a\":{\"b\":{\"c\":[{}]}}}",
		"[1e2, -0.0, 3]", "\"\\u00\"", "[\"\\ud800\\udc00\"]", "{\"x\":\"\\uDBFF\\uDFFF\"}",
		"[0.1e-10, 123.456E+2]", "{\"a\":1,\"a\":2}", "{\"\":0}", "[]  \n  x", "{\n\"a\": 1,\n\"b\": @}",
		"[\"ok\"]\n[\"next\"]", "{\"a\":[1,2,3]} {\"b\":2}", "42 43", "\"s\" \"t\"", "[1]x", "[1]\n\n  ]",
		"[\"\xc3\xa9\" \"\xc3\xa9\"]", "[\"\\\"]", "[\"\\", "{\"a\":1", "{\"a\"", "{\"a\":", "[1,", "[1",
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (size_t f = 0; f < NFLAGS; f++)
			bad += !same_load(cases[i], strlen(cases[i]), load_flags[f]);
	CHECK_INT(bad, 0);
}

static int same_load_deep(const char *s, size_t len, bool objects)
{
	return same_load(s, len, objects ? LPJ_DECODE_ANY : 0);
}

static void test_loads_depth(void)
{
	CHECK_INT(json_gen_deep(same_load_deep), 0);
}

/* Random documents and mutated copies (no NUL bytes in the text: json_loadb
 * treats those in its own way, see jsonload.h). */
static void test_loads_random(void)
{
	int bad = 0, accepted = 0, rejected = 0;
	lp_buf b = LP_BUF_INIT, m = LP_BUF_INIT;
	for (int iter = 0; iter < 30000; iter++) {
		lp_buf_reset(&b);
		json_gen_value(&gen, &b);
		size_t flags = load_flags[json_gen_rnd() % NFLAGS];
		bad += !same_load(b.data, b.len, flags);
		lp_buf_reset(&m);
		lp_buf_add(&m, b.data, b.len);
		json_gen_mutate(&m, mutation_bytes, sizeof(mutation_bytes), true); /* truncations too */
		for (size_t i = 0; i < m.len; i++)
			if (m.data[i] == 0)
				m.data[i] = ' ';
		json_error_t je;
		json_t *j = json_loadb(m.data, m.len, jansson_load_flags(flags), &je);
		j ? accepted++ : rejected++;
		json_decref(j);
		bad += !same_load(m.data, m.len, flags);
	}
	CHECK_INT(bad, 0);
	CHECK(accepted > 1000 && rejected > 1000);
	lp_buf_fini(&b);
	lp_buf_fini(&m);
}

static void test_loads_api(void)
{
	/* lpj_loads stops at the first NUL; lpj_loadb reads the length given */
	lpj_error_t e;
	lpj_t *v = lpj_loads("[1]\0garbage", 0, &e);
	CHECK(lpj_is_array(v));
	lpj_decref(v);
	CHECK(lpj_loadb("[1]\0garbage", 11, 0, &e) == NULL);
	CHECK(e.text[0] != '\0');
	v = lpj_loadb("[1] x", 3, 0, &e);
	CHECK(lpj_is_array(v));
	lpj_decref(v);
	/* wrong arguments */
	CHECK(lpj_loads(NULL, 0, &e) == NULL);
	CHECK(e.text[0] != '\0' && e.line == -1);
	CHECK(lpj_loadb(NULL, 3, 0, NULL) == NULL);
	json_error_t je;
	CHECK(json_loads(NULL, 0, &je) == NULL);
	/* errors without an lpj_error_t */
	CHECK(lpj_loads("[1,", 0, NULL) == NULL);
	/* several documents one after another */
	const char *text = "{\"a\":1} [2]\n\"three\" 4";
	size_t off = 0, len = strlen(text);
	int docs = 0;
	while (off < len) {
		v = lpj_loadb(text + off, len - off, LPJ_DECODE_ANY | LPJ_DISABLE_EOF_CHECK, &e);
		if (!v)
			break;
		docs++;
		off += (size_t)e.position;
		lpj_decref(v);
	}
	CHECK_INT(docs, 4);
	CHECK_INT(off, len);
	/* \u0000 needs LPJ_ALLOW_NUL */
	CHECK(lpj_loads("[\"a\\u0000b\"]", 0, &e) == NULL);
	CHECK(strstr(e.text, "\\u0000") != NULL);
	v = lpj_loads("[\"a\\u0000b\"]", LPJ_ALLOW_NUL, &e);
	CHECK_INT(lpj_string_length(lpj_array_get(v, 0)), 3);
	lpj_decref(v);
	/* the message points at the problem */
	CHECK(lpj_loads("{\"a\":1,}", 0, &e) == NULL);
	CHECK(strstr(e.text, "expected") != NULL);
	CHECK(lpj_loads("42", 0, &e) == NULL);
	CHECK(strstr(e.text, "'[' or '{' expected") != NULL);
}

static void test_load_file(void)
{
	char path[] = "/tmp/lp_test_jsonio_XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	const char *text = "{\n  \"a\": [1, 2.5, \"x\"],\n  \"b\": {\"c\": null}\n}\n";
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	json_error_t je;
	lpj_error_t le;
	json_t *j = json_load_file(path, 0, &je);
	lpj_t *l = lpj_load_file(path, 0, &le);
	CHECK(j && l && oracle_same(j, l, true));
	CHECK_INT(le.position, je.position);
	json_decref(j);
	lpj_decref(l);
	/* an error in a file: same place as jansson */
	FILE *f = fopen(path, "w");
	fputs("{\n  \"a\": [1, 2,\n  \"b\": x\n}\n", f);
	fclose(f);
	j = json_load_file(path, 0, &je);
	l = lpj_load_file(path, 0, &le);
	CHECK(!j && !l);
	CHECK_INT(le.line, je.line);
	CHECK_INT(le.column, je.column);
	CHECK_INT(le.position, je.position);
	/* an empty file */
	f = fopen(path, "w");
	fclose(f);
	CHECK(lpj_load_file(path, LPJ_DECODE_ANY, &le) == NULL);
	CHECK(le.text[0] != '\0');
	unlink(path);
	/* a missing file */
	CHECK(lpj_load_file(path, 0, &le) == NULL);
	CHECK(strstr(le.text, path) != NULL);
	CHECK_INT(le.line, -1);
	CHECK(lpj_load_file(NULL, 0, &le) == NULL);
}

/* ---- pack ---- */

static void test_pack(void)
{
	/* the formats the code base uses, against json_pack */
	lpj_t *lo = lpj_pack("{s:s}", "in", "x");
	json_t *jo = json_pack("{s:s}", "in", "x");
	lpj_t *l = lpj_pack("{s:s,s:{s:o},s:{s:I,s:f}}", "status", "green", "pipelines", "main", lo, "process",
			    "rss", (lpj_int_t)123456789012LL, "uptime", 12.5);
	json_t *j = json_pack("{s:s,s:{s:o},s:{s:I,s:f}}", "status", "green", "pipelines", "main", jo, "process",
			      "rss", (json_int_t)123456789012LL, "uptime", 12.5);
	CHECK(l && oracle_same(j, l, true));
	json_decref(j);
	lpj_decref(l);

	l = lpj_pack("{s:i, s:I, s:I, s:f, s:b, s:b, s:n, s:[s, i, {}], s:{}, s:[]}", "i", 42, "max",
		     (lpj_int_t)INT64_MAX, "min", (lpj_int_t)INT64_MIN, "r", 2.5, "t", 1, "f", 0, "z", "a", "x", 1,
		     "o", "e");
	j = json_pack("{s:i, s:I, s:I, s:f, s:b, s:b, s:n, s:[s, i, {}], s:{}, s:[]}", "i", 42, "max",
		      (json_int_t)INT64_MAX, "min", (json_int_t)INT64_MIN, "r", 2.5, "t", 1, "f", 0, "z", "a", "x", 1,
		      "o", "e");
	CHECK(l && oracle_same(j, l, true));
	json_decref(j);
	lpj_decref(l);

	/* [O] takes a reference and leaves the caller's */
	lpj_t *tags = lpj_pack("[s,s]", "a", "b");
	l = lpj_pack("[O]", tags);
	CHECK(lpj_array_get(l, 0) == tags);
	CHECK_INT(tags->own.refcount, 2);
	lpj_decref(l);
	CHECK_INT(tags->own.refcount, 1);
	l = lpj_pack("[OO]", tags, lpj_null());
	CHECK_INT(lpj_array_size(l), 2);
	lpj_decref(l);
	lpj_decref(tags);

	/* nested, spaces, ':' and ',' anywhere, scalars at the top */
	l = lpj_pack(" { s : [ { s : { s : s , s : b } } ] , s:{s:{s:s}} } ", "dt", "m", "type", "text", "norms", 0,
		     "properties", "@timestamp", "type", "date");
	j = json_pack(" { s : [ { s : { s : s , s : b } } ] , s:{s:{s:s}} } ", "dt", "m", "type", "text", "norms", 0,
		      "properties", "@timestamp", "type", "date");
	CHECK(l && oracle_same(j, l, true));
	json_decref(j);
	lpj_decref(l);
	l = lpj_pack("i", 7);
	CHECK(lpj_is_integer(l) && lpj_integer_value(l) == 7);
	lpj_decref(l);
	l = lpj_pack("s", "only");
	CHECK_STR(lpj_string_value(l), "only");
	lpj_decref(l);
	CHECK(lpj_pack("n", 0) == lpj_null());
	CHECK(lpj_pack("b", 5) == lpj_true());
	l = lpj_pack("{s:i,s:i}", "dup", 1, "dup", 2);
	CHECK_INT(lpj_object_size(l), 1);
	CHECK_INT(lpj_integer_value(lpj_object_get(l, "dup")), 2);
	lpj_decref(l);

	/* failures: NULL, and every stolen value released (ASan: no leak) */
	CHECK(lpj_pack("{s:s}", "a", (const char *)NULL) == NULL);
	CHECK(lpj_pack("{s:s,s:o}", "a", (const char *)NULL, "b", lpj_string("stolen")) == NULL);
	CHECK(lpj_pack("[o,o,o]", lpj_integer(1), (lpj_t *)NULL, lpj_pack("[s]", "x")) == NULL);
	CHECK(lpj_pack("{s:o}", (const char *)NULL, lpj_integer(1)) == NULL);
	CHECK(lpj_pack("{s:o}", "\xff", lpj_integer(1)) == NULL);
	CHECK(lpj_pack("[O]", (lpj_t *)NULL) == NULL);
	CHECK(lpj_pack("s", "\xc3") == NULL);
	CHECK(lpj_pack("[f]", NAN) == NULL);
	CHECK(lpj_pack("[f,o]", INFINITY, lpj_real(1.0)) == NULL);
	CHECK(lpj_pack("", 1) == NULL);
	CHECK(lpj_pack(NULL) == NULL);
	CHECK(lpj_pack("{i:i}", 1, 2) == NULL);
	CHECK(lpj_pack("[i", 1) == NULL);
	CHECK(lpj_pack("[i}", 1) == NULL);
	CHECK(lpj_pack("{s:i]", "a", 1) == NULL);
	CHECK(lpj_pack("[i]x", 1) == NULL);
	CHECK(lpj_pack("ii", 1, 2) == NULL);
	CHECK(lpj_pack("s#", "ab", 1) == NULL);
	json_error_t e;
	CHECK(json_pack_ex(&e, 0, "{s:s,s:o}", "a", (const char *)NULL, "b", json_string("stolen")) == NULL);
	CHECK(json_pack_ex(&e, 0, "[i]x", 1) == NULL);
}

/* pack in an arena: the tree is made there, stolen heap values copied in */
static void test_pack_in_arena(void)
{
	lp_arena *a = lp_arena_create();
	lpj_t *heap = lpj_pack("{s:i}", "h", 1);
	lp_arena *prev = lpj_arena_enter(a);
	lpj_t *v = lpj_pack("{s:o,s:O,s:[s]}", "stolen", lpj_pack("[i]", 1), "shared", heap, "list", "x");
	CHECK(lpj_arena_of(v) == a);
	CHECK(lpj_arena_of(lpj_object_get(v, "shared")) == a);
	CHECK(lpj_object_get(v, "shared") != heap);
	CHECK_INT(heap->own.refcount, 1);
	char *s = lpj_dumps(v, LPJ_COMPACT);
	CHECK_STR(s, "{\"stolen\":[1],\"shared\":{\"h\":1},\"list\":[\"x\"]}");
	lp_free(s);
	lpj_arena_leave(prev);
	lp_arena_unref(a);
	lpj_decref(heap);
}

int main(void)
{
	LP_RUN(test_dumps_flags);
	LP_RUN(test_dumps_random);
	LP_RUN(test_dumps_details);
	LP_RUN(test_loads_corpus);
	LP_RUN(test_loads_depth);
	LP_RUN(test_loads_random);
	LP_RUN(test_loads_api);
	LP_RUN(test_load_file);
	LP_RUN(test_pack);
	LP_RUN(test_pack_in_arena);
	return lp_test_report();
}
