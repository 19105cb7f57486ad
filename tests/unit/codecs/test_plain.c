/* Tests for codecs/plain: a chunk is one event; encode writes the message or
 * the format. */
#include "lp_test.h"

#include "codec_helper.h"

static void test_decode_chunk_is_one_event(void)
{
	test_codec *t = test_codec_create("plain", NULL);
	CHECK(t != NULL);
	if (!t)
		return;
	lp_event_vec v = { 0 };
	const char *chunks[] = { "hello\nworld", "", NULL };
	test_decode(t, chunks, &v);
	CHECK_INT(v.n, 1);
	if (v.n == 1) {
		CHECK_STR(test_str(v.v[0], "message"), "hello\nworld");
		CHECK_STR(test_str(v.v[0], "@version"), "1");
	}
	lp_event_vec_fini(&v);
	test_codec_destroy(t);
}

static void test_decode_invalid_utf8(void)
{
	test_codec *t = test_codec_create("plain", NULL);
	if (!t) {
		CHECK(0);
		return;
	}
	lp_event_vec v = { 0 };
	const char *chunks[] = { "a\xff" "b", NULL };
	test_decode(t, chunks, &v);
	CHECK_INT(v.n, 1);
	if (v.n == 1)
		CHECK_STR(test_str(v.v[0], "message"), "a\xef\xbf\xbd" "b");
	lp_event_vec_fini(&v);
	test_codec_destroy(t);
}

static void test_encode_message(void)
{
	test_codec *t = test_codec_create("plain", NULL);
	if (!t) {
		CHECK(0);
		return;
	}
	lp_event *ev = test_event("{\"message\":\"hi there\",\"n\":1}");
	char *s = test_encode(t, ev);
	CHECK_STR(s, "hi there");
	lp_free(s);
	lp_event_destroy(ev);
	ev = test_event("{\"message\":[1,\"a\"]}");
	s = test_encode(t, ev);
	CHECK_STR(s, "[1,\"a\"]");
	lp_free(s);
	lp_event_destroy(ev);
	ev = test_event("{\"other\":1}");
	s = test_encode(t, ev);
	CHECK_STR(s, "");
	lp_free(s);
	lp_event_destroy(ev);
	test_codec_destroy(t);
}

static void test_encode_format(void)
{
	const char *opts[] = { "format", "%{[a][b]} at %{+YYYY}", NULL };
	test_codec *t = test_codec_create("plain", opts);
	if (!t) {
		CHECK(0);
		return;
	}
	lp_event *ev = test_event("{\"message\":\"m\",\"a\":{\"b\":\"x\"}}");
	char *s = test_encode(t, ev);
	CHECK_STR(s, "x at 2024");
	lp_free(s);
	lp_event_destroy(ev);
	test_codec_destroy(t);
}

static void test_unsupported_charset_rejected(void)
{
	const char *opts[] = { "charset", "CP1252", NULL };
	test_codec *t = test_codec_create("plain", opts);
	CHECK(t == NULL);
	test_codec_destroy(t);
}

int main(void)
{
	LP_RUN(test_decode_chunk_is_one_event);
	LP_RUN(test_decode_invalid_utf8);
	LP_RUN(test_encode_message);
	LP_RUN(test_encode_format);
	LP_RUN(test_unsupported_charset_rejected);
	return lp_test_report();
}
