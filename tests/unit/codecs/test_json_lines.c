/* Tests for codecs/json_lines: documents per line across chunks, blank lines
 * skipped, failures, the size limit, encode. */
#include "lp_test.h"

#include "codec_helper.h"

static void test_lines_across_chunks(void)
{
	test_codec *t = test_codec_create("json_lines", NULL);
	if (!t) {
		CHECK(0);
		return;
	}
	lp_event_vec v = { 0 };
	const char *chunks[] = { "{\"a\":1}\n{\"a\"", ":2}\r\n\n   \n{\"a\":3}", NULL };
	test_decode(t, chunks, &v);
	CHECK_INT(v.n, 3);
	for (size_t i = 0; i < v.n; i++) {
		CHECK_INT(lpj_integer_value(lpj_object_get(v.v[i]->data, "a")), (long long)i + 1);
		CHECK(!lp_event_has_tag(v.v[i], "_jsonparsefailure"));
	}
	lp_event_vec_fini(&v);
	test_codec_destroy(t);
}

static void test_invalid_line(void)
{
	test_codec *t = test_codec_create("json_lines", NULL);
	if (!t) {
		CHECK(0);
		return;
	}
	lp_event_vec v = { 0 };
	const char *chunks[] = { "{\"a\":1}\nbroken {\n{\"a\":2}\n", NULL };
	test_decode(t, chunks, &v);
	CHECK_INT(v.n, 3);
	if (v.n == 3) {
		CHECK_STR(test_str(v.v[1], "message"), "broken {");
		CHECK(lp_event_has_tag(v.v[1], "_jsonparsefailure"));
		CHECK(!lp_event_has_tag(v.v[2], "_jsonparsefailure"));
	}
	lp_event_vec_fini(&v);
	test_codec_destroy(t);
}

static void test_too_long_line(void)
{
	const char *opts[] = { "max_line_size", "#10", NULL };
	test_codec *t = test_codec_create("json_lines", opts);
	if (!t) {
		CHECK(0);
		return;
	}
	lp_event_vec v = { 0 };
	const char *chunks[] = { "{\"a\":\"0123456789\"}\n{\"b\":1}\n", NULL };
	test_decode(t, chunks, &v);
	CHECK_INT(v.n, 2);
	if (v.n == 2) {
		CHECK_STR(test_str(v.v[0], "message"), "{\"a\":\"0123");
		CHECK(lp_event_has_tag(v.v[0], "_jsonparsefailure"));
		CHECK(lp_event_has_tag(v.v[0], "_linetoolong"));
		CHECK_INT(lpj_integer_value(lpj_object_get(v.v[1]->data, "b")), 1);
	}
	lp_event_vec_fini(&v);
	test_codec_destroy(t);
}

static void test_encode_with_newline(void)
{
	test_codec *t = test_codec_create("json_lines", NULL);
	if (!t) {
		CHECK(0);
		return;
	}
	lp_event *ev = test_event("{\"x\":[1,2]}");
	char *s = test_encode(t, ev);
	size_t n = strlen(s);
	CHECK(n > 0 && s[n - 1] == '\n');
	CHECK(strchr(s, '\n') == s + n - 1);
	lpj_t *back = lpj_loads(s, 0, NULL);
	CHECK(back && lpj_array_size(lpj_object_get(back, "x")) == 2);
	lpj_decref(back);
	lp_free(s);
	lp_event_destroy(ev);
	test_codec_destroy(t);
}

/* Invalid UTF-8 becomes U+FFFD: inside a string of a document that then
 * parses, and in the text of a line that does not. */
static void test_invalid_utf8(void)
{
	test_codec *t = test_codec_create("json_lines", NULL);
	if (!t) {
		CHECK(0);
		return;
	}
	lp_event_vec v = { 0 };
	const char *chunks[] = { "{\"a\":\"x\xffy\"}\nbad \xc3 {\n", NULL };
	test_decode(t, chunks, &v);
	CHECK_INT(v.n, 2);
	if (v.n == 2) {
		CHECK_STR(test_str(v.v[0], "a"), "x\xef\xbf\xbdy");
		CHECK(!lp_event_has_tag(v.v[0], "_jsonparsefailure"));
		CHECK_STR(test_str(v.v[1], "message"), "bad \xef\xbf\xbd {");
		CHECK(lp_event_has_tag(v.v[1], "_jsonparsefailure"));
	}
	lp_event_vec_fini(&v);
	test_codec_destroy(t);
}

int main(void)
{
	LP_RUN(test_lines_across_chunks);
	LP_RUN(test_invalid_line);
	LP_RUN(test_too_long_line);
	LP_RUN(test_encode_with_newline);
	LP_RUN(test_invalid_utf8);
	return lp_test_report();
}
