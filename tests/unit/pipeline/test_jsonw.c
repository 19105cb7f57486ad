/* Tests of pipeline/jsonw: escaping, UTF-8 repair, numbers, round trips
 * (read back by the real jansson). */
#include "lp_test.h"

#include "jansson_oracle.h"
#include "pipeline/buf.h"
#include "pipeline/jsonw.h"

#include <math.h>
#include <stdlib.h>

static const char *w_str(lp_buf *b, const char *s, size_t len)
{
	lp_buf_reset(b);
	lp_jsonw_string(b, s, len);
	return lp_buf_str(b);
}

static const char *w_real(lp_buf *b, double d)
{
	lp_buf_reset(b);
	lp_jsonw_real(b, d);
	return lp_buf_str(b);
}

static void test_escapes(void)
{
	lp_buf b = LP_BUF_INIT;
	CHECK_STR(w_str(&b, "", 0), "\"\"");
	CHECK_STR(w_str(&b, "plain", 5), "\"plain\"");
	CHECK_STR(w_str(&b, "a\"b\\c", 5), "\"a\\\"b\\\\c\"");
	CHECK_STR(w_str(&b, "/path/x", 7), "\"/path/x\"");
	CHECK_STR(w_str(&b, "\n\r\t\b\f", 5), "\"\\n\\r\\t\\b\\f\"");
	CHECK_STR(w_str(&b, "\x01\x1f\x7f", 3), "\"\\u0001\\u001f\x7f\"");
	CHECK_STR(w_str(&b, "nul\0x", 5), "\"nul\\u0000x\"");
	/* Every byte 0x20..0x7f other than " and \ passes unchanged. */
	char all[96];
	size_t n = 0;
	for (int c = 0x20; c < 0x80; c++)
		if (c != '"' && c != '\\')
			all[n++] = (char)c;
	w_str(&b, all, n);
	CHECK_INT(b.len, n + 2);
	CHECK(memcmp(b.data + 1, all, n) == 0);
	/* Appends after existing content. */
	lp_buf_reset(&b);
	lp_buf_adds(&b, "x=");
	lp_jsonw_string(&b, "q\"", 2);
	CHECK_STR(lp_buf_str(&b), "x=\"q\\\"\"");
	lp_buf_fini(&b);
}

static void test_many_escapes_grow(void)
{
	/* A string made only of escapes grows the output six-fold. */
	lp_buf b = LP_BUF_INIT;
	size_t n = 5000;
	char *s = malloc(n);
	memset(s, 1, n);
	lp_jsonw_string(&b, s, n);
	CHECK_INT(b.len, n * 6 + 2);
	CHECK(memcmp(b.data, "\"\\u0001\\u0001", 13) == 0);
	CHECK(b.data[b.len - 1] == '"');
	CHECK(b.data[b.len] == '\0');
	/* Mixed: invalid bytes, quotes and plain text, checked against jansson. */
	for (size_t i = 0; i < n; i++)
		s[i] = "a\"\xff\xc3\xa9\n"[i % 6];
	lp_buf_reset(&b);
	lp_jsonw_string(&b, s, n);
	json_error_t e;
	json_t *v = json_loadb(b.data, b.len, JSON_DECODE_ANY, &e);
	CHECK(json_is_string(v));
	CHECK(lp_utf8_valid(b.data, b.len));
	/* each 6-byte unit: a, ", U+FFFD, é, \n  => 1+1+3+2+1 = 8 bytes decoded */
	CHECK_INT(json_string_length(v), n / 6 * 8 + n % 6); /* n % 6 == 2: "a\"" */
	json_decref(v);
	free(s);
	lp_buf_fini(&b);
}

static void test_utf8(void)
{
	lp_buf b = LP_BUF_INIT;
	CHECK_STR(w_str(&b, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14), "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	CHECK_STR(w_str(&b, "a\xff" "b", 3), "\"a\xef\xbf\xbd" "b\"");
	/* Truncated sequence at the end: one replacement. */
	CHECK_STR(w_str(&b, "x\xe2\x82", 3), "\"x\xef\xbf\xbd\"");
	/* Overlong and surrogate encodings are invalid. */
	CHECK_STR(w_str(&b, "\xc0\xaf", 2), "\"\xef\xbf\xbd\xef\xbf\xbd\"");
	CHECK_STR(w_str(&b, "\xed\xa0\x80", 3), "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	CHECK_STR(w_str(&b, "\xf4\x90\x80\x80", 4), "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	CHECK(lp_utf8_valid("caf\xc3\xa9", 5));
	CHECK(!lp_utf8_valid("caf\xc3", 4));
	CHECK(!lp_utf8_valid("\xed\xa0\x80", 3));
	CHECK(lp_utf8_valid("", 0));
	lp_buf_reset(&b);
	lp_utf8_sanitize(&b, "ok\xfe\xc3\xa9!", 6);
	CHECK_STR(lp_buf_str(&b), "ok\xef\xbf\xbd\xc3\xa9!");
	lp_buf_fini(&b);
}

static void test_reals(void)
{
	lp_buf b = LP_BUF_INIT;
	CHECK_STR(w_real(&b, 1.0), "1.0");
	CHECK_STR(w_real(&b, 0.0), "0.0");
	CHECK_STR(w_real(&b, -2.0), "-2.0");
	CHECK_STR(w_real(&b, 0.1), "0.1");
	CHECK_STR(w_real(&b, 12.5), "12.5");
	CHECK_STR(w_real(&b, 1e300), "1e+300");
	CHECK_STR(w_real(&b, 1e-7), "1e-07");
	CHECK_STR(w_real(&b, 0.30000000000000004), "0.30000000000000004");
	CHECK_STR(w_real(&b, 123456789012345680.0), "1.2345678901234568e+17");
	CHECK_STR(w_real(&b, NAN), "null");
	CHECK_STR(w_real(&b, INFINITY), "null");
	CHECK_STR(w_real(&b, -INFINITY), "null");
	/* Round trip of many values. */
	srand(7);
	for (int i = 0; i < 20000; i++) {
		double d = (double)rand() / (double)RAND_MAX * pow(10.0, (rand() % 40) - 20);
		if (i & 1)
			d = -d;
		w_real(&b, d);
		CHECK(strtod(b.data, NULL) == d);
		CHECK(strpbrk(b.data, ".e") != NULL);
	}
	lp_buf_fini(&b);
}

static void test_values(void)
{
	lp_buf b = LP_BUF_INIT;
	json_t *jv = json_pack("{s:i, s:I, s:I, s:f, s:b, s:b, s:n, s:[s, i, {}], s:{}, s:[]}",
		"i", 42, "max", (json_int_t)9223372036854775807LL, "min", (json_int_t)(-9223372036854775807LL - 1),
		"r", 2.5, "t", 1, "f", 0, "z", "a", "x", 1, "o", "e");
	lpj_t *v = lpj_pack("{s:i, s:I, s:I, s:f, s:b, s:b, s:n, s:[s, i, {}], s:{}, s:[]}",
		"i", 42, "max", (lpj_int_t)9223372036854775807LL, "min", (lpj_int_t)(-9223372036854775807LL - 1),
		"r", 2.5, "t", 1, "f", 0, "z", "a", "x", 1, "o", "e");
	CHECK(oracle_same(jv, v, true));
	lp_jsonw_value(&b, v);
	CHECK_STR(lp_buf_str(&b), "{\"i\":42,\"max\":9223372036854775807,\"min\":-9223372036854775808,"
		"\"r\":2.5,\"t\":true,\"f\":false,\"z\":null,\"a\":[\"x\",1,{}],\"o\":{},\"e\":[]}");
	/* What we write, jansson reads back equal. */
	json_t *back = json_loads(lp_buf_str(&b), 0, NULL);
	CHECK(json_equal(jv, back));
	CHECK(oracle_same(back, v, true));
	json_decref(back);
	lp_buf_reset(&b);
	lp_jsonw_int(&b, 0);
	lp_buf_addc(&b, ' ');
	lp_jsonw_int(&b, -9223372036854775807LL - 1);
	lp_buf_addc(&b, ' ');
	lp_jsonw_int(&b, 10);
	CHECK_STR(lp_buf_str(&b), "0 -9223372036854775808 10");
	lp_buf_reset(&b);
	lp_jsonw_value(&b, NULL);
	CHECK_STR(lp_buf_str(&b), "null");
	lp_buf_reset(&b);
	lpj_t *k = lpj_object();
	lpj_object_set_new(k, "k\"ey\n", lpj_integer(-1));
	CHECK(lp_jsonw_members(&b, k, false));
	CHECK_STR(lp_buf_str(&b), "\"k\\\"ey\\n\":-1");
	lp_buf_reset(&b);
	CHECK(lp_jsonw_members(&b, k, true));
	CHECK_STR(lp_buf_str(&b), ",\"k\\\"ey\\n\":-1");
	lp_buf_reset(&b);
	lpj_t *empty = lpj_object();
	CHECK(!lp_jsonw_members(&b, empty, false));
	CHECK_INT(b.len, 0);
	lpj_decref(empty);
	lpj_decref(k);
	lpj_decref(v);
	json_decref(jv);
	lp_buf_fini(&b);
}

/* Random byte strings: jansson (an independent UTF-8 validator) agrees with
 * lp_utf8_valid, always reads our output back, and gets the sanitised text. */
static void test_random_strings(void)
{
	static const unsigned char pool[] = { 'a', ' ', '"', '\\', '/', 0, 1, 0x1f, 0x7f, 0x80, 0xbf,
		0xc2, 0xc3, 0xa9, 0xe0, 0xa0, 0xe2, 0x82, 0xac, 0xed, 0x9f, 0xf0, 0x90, 0xf4, 0x8f, 0xf5, 0xff };
	lp_buf b = LP_BUF_INIT, clean = LP_BUF_INIT;
	char s[24];
	srand(11);
	int valid_seen = 0, invalid_seen = 0;
	for (int iter = 0; iter < 200000; iter++) {
		size_t n = (size_t)(rand() % (int)sizeof(s));
		for (size_t i = 0; i < n; i++)
			s[i] = (char)pool[rand() % (int)sizeof(pool)];
		json_t *oracle = json_stringn(s, n);
		int valid = lp_utf8_valid(s, n);
		CHECK(valid == (oracle != NULL));
		valid ? valid_seen++ : invalid_seen++;
		lp_buf_reset(&b);
		lp_jsonw_string(&b, s, n);
		CHECK(b.data[b.len] == '\0');
		json_error_t e;
		json_t *back = json_loadb(b.data, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
		CHECK(json_is_string(back));
		lp_buf_reset(&clean);
		lp_utf8_sanitize(&clean, s, n);
		CHECK(lp_utf8_valid(clean.data, clean.len));
		if (valid)
			CHECK(clean.len == n && memcmp(clean.data, s, n) == 0);
		if (back)
			CHECK(json_string_length(back) == clean.len &&
			      memcmp(json_string_value(back), clean.data, clean.len) == 0);
		if (lp_t_cur_failed) {
			fprintf(stderr, "  failing input (%zu bytes):", n);
			for (size_t i = 0; i < n; i++)
				fprintf(stderr, " %02x", (unsigned char)s[i]);
			fprintf(stderr, "\n");
			json_decref(back);
			json_decref(oracle);
			break;
		}
		json_decref(back);
		json_decref(oracle);
	}
	CHECK(valid_seen > 1000 && invalid_seen > 1000);
	lp_buf_fini(&b);
	lp_buf_fini(&clean);
}

int main(void)
{
	LP_RUN(test_escapes);
	LP_RUN(test_many_escapes_grow);
	LP_RUN(test_utf8);
	LP_RUN(test_reals);
	LP_RUN(test_values);
	LP_RUN(test_random_strings);
	return lp_test_report();
}
