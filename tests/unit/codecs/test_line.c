/* Tests for codecs/line: one event per line across chunk boundaries, blank
 * lines, the size limit, encode with delimiter and format. */
#include "lp_test.h"

#include "codec_helper.h"
#include "pipeline/linesplit.h"

static void test_decode_lines_across_chunks(void)
{
	test_codec *t = test_codec_create("line", NULL);
	if (!t) {
		CHECK(0);
		return;
	}
	lp_event_vec v = { 0 };
	const char *chunks[] = { "fir", "st\r\nsec", "ond\n\nlast", NULL };
	test_decode(t, chunks, &v);
	CHECK_INT(v.n, 4);
	if (v.n == 4) {
		CHECK_STR(test_str(v.v[0], "message"), "first");
		CHECK_STR(test_str(v.v[1], "message"), "second");
		CHECK_STR(test_str(v.v[2], "message"), "");
		CHECK_STR(test_str(v.v[3], "message"), "last");
		CHECK(!lp_event_has_tag(v.v[0], LP_LINESPLIT_TAG_TOOLONG));
	}
	lp_event_vec_fini(&v);
	test_codec_destroy(t);
}

static void test_decode_too_long_line_tagged(void)
{
	const char *opts[] = { "max_line_size", "#5", NULL };
	test_codec *t = test_codec_create("line", opts);
	if (!t) {
		CHECK(0);
		return;
	}
	lp_event_vec v = { 0 };
	const char *chunks[] = { "0123", "456789\nok\n", NULL };
	test_decode(t, chunks, &v);
	CHECK_INT(v.n, 2);
	if (v.n == 2) {
		CHECK_STR(test_str(v.v[0], "message"), "01234");
		CHECK(lp_event_has_tag(v.v[0], "_linetoolong"));
		CHECK_STR(test_str(v.v[1], "message"), "ok");
		CHECK(!lp_event_has_tag(v.v[1], "_linetoolong"));
	}
	lp_event_vec_fini(&v);
	test_codec_destroy(t);
}

static void test_encode_message_and_delimiter(void)
{
	test_codec *t = test_codec_create("line", NULL);
	const char *opts[] = { "delimiter", "|", "format", "%{n}:%{message}", NULL };
	test_codec *f = test_codec_create("line", opts);
	if (!t || !f) {
		CHECK(0);
		test_codec_destroy(t);
		test_codec_destroy(f);
		return;
	}
	lp_event *ev = test_event("{\"message\":\"hello\",\"n\":7}");
	char *s = test_encode(t, ev);
	CHECK_STR(s, "hello\n");
	lp_free(s);
	s = test_encode(f, ev);
	CHECK_STR(s, "7:hello|");
	lp_free(s);
	lp_event_destroy(ev);
	test_codec_destroy(t);
	test_codec_destroy(f);
}

static void test_decode_custom_delimiter(void)
{
	const char *opts[] = { "delimiter", "||", NULL };
	test_codec *t = test_codec_create("line", opts);
	if (!t) {
		CHECK(0);
		return;
	}
	lp_event_vec v = { 0 };
	const char *chunks[] = { "a\r|", "|b\nc|", "|", NULL };
	test_decode(t, chunks, &v);
	CHECK_INT(v.n, 2);
	if (v.n == 2) {
		CHECK_STR(test_str(v.v[0], "message"), "a\r");
		CHECK_STR(test_str(v.v[1], "message"), "b\nc");
	}
	lp_event_vec_fini(&v);
	test_codec_destroy(t);
	const char *empty[] = { "delimiter", "", NULL };
	t = test_codec_create("line", empty);
	CHECK(t == NULL);
	test_codec_destroy(t);
}

int main(void)
{
	LP_RUN(test_decode_lines_across_chunks);
	LP_RUN(test_decode_too_long_line_tagged);
	LP_RUN(test_encode_message_and_delimiter);
	LP_RUN(test_decode_custom_delimiter);
	return lp_test_report();
}
