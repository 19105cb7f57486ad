/* Tests for codecs/json: objects, arrays, failures, target, encode. */
#include "lp_test.h"

#include "codec_helper.h"

static lp_event_vec decode1(test_codec *t, const char *text)
{
	lp_event_vec v = { 0 };
	const char *chunks[] = { text, NULL };
	test_decode(t, chunks, &v);
	return v;
}

static void test_object_is_event(void)
{
	test_codec *t = test_codec_create("json", NULL);
	if (!t) {
		CHECK(0);
		return;
	}
	lp_event_vec v = decode1(t, "{\"a\":1,\"@timestamp\":\"2020-01-02T03:04:05.678Z\",\"@metadata\":{\"k\":\"v\"}}");
	CHECK_INT(v.n, 1);
	if (v.n == 1) {
		CHECK_INT(lpj_integer_value(lpj_object_get(v.v[0]->data, "a")), 1);
		CHECK_INT(v.v[0]->ts.sec, 1577934245);
		CHECK_STR(test_str(v.v[0], "@version"), "1");
		CHECK(v.v[0]->meta && lpj_object_get(v.v[0]->meta, "k"));
		CHECK(lpj_object_get(v.v[0]->data, "@timestamp") == NULL);
		CHECK(!lp_event_has_tag(v.v[0], "_jsonparsefailure"));
	}
	lp_event_vec_fini(&v);
	test_codec_destroy(t);
}

static void test_array_is_one_event_per_element(void)
{
	test_codec *t = test_codec_create("json", NULL);
	if (!t) {
		CHECK(0);
		return;
	}
	lp_event_vec v = decode1(t, "[{\"a\":1},{\"a\":2},{\"a\":3}]");
	CHECK_INT(v.n, 3);
	for (size_t i = 0; i < v.n; i++)
		CHECK_INT(lpj_integer_value(lpj_object_get(v.v[i]->data, "a")), (long long)i + 1);
	lp_event_vec_fini(&v);
	test_codec_destroy(t);
}

static void check_failure(test_codec *t, const char *text)
{
	lp_event_vec v = decode1(t, text);
	CHECK_INT(v.n, 1);
	if (v.n == 1) {
		CHECK_STR(test_str(v.v[0], "message"), text);
		CHECK(lp_event_has_tag(v.v[0], "_jsonparsefailure"));
	}
	lp_event_vec_fini(&v);
}

static void test_failures_keep_raw_text(void)
{
	test_codec *t = test_codec_create("json", NULL);
	if (!t) {
		CHECK(0);
		return;
	}
	check_failure(t, "{\"a\":");
	check_failure(t, "not json");
	check_failure(t, "42");
	check_failure(t, "\"str\"");
	check_failure(t, "[{\"a\":1},2]");
	lp_event_vec v = decode1(t, "  \n ");
	CHECK_INT(v.n, 0);
	lp_event_vec_fini(&v);
	test_codec_destroy(t);
}

static void test_target(void)
{
	const char *opts[] = { "target", "[doc]", NULL };
	test_codec *t = test_codec_create("json", opts);
	if (!t) {
		CHECK(0);
		return;
	}
	lp_event_vec v = decode1(t, "{\"a\":\"x\"}");
	CHECK_INT(v.n, 1);
	if (v.n == 1) {
		lpj_t *doc = lpj_object_get(v.v[0]->data, "doc");
		CHECK(doc && lpj_is_object(doc));
		CHECK_STR(lpj_string_value(lpj_object_get(doc, "a")), "x");
		CHECK(lpj_object_get(v.v[0]->data, "a") == NULL);
	}
	lp_event_vec_fini(&v);
	test_codec_destroy(t);
}

static void test_encode_compact_without_newline(void)
{
	test_codec *t = test_codec_create("json", NULL);
	if (!t) {
		CHECK(0);
		return;
	}
	lp_event *ev = test_event("{\"message\":\"hi\"}");
	char *s = test_encode(t, ev);
	lpj_t *back = lpj_loads(s, 0, NULL);
	CHECK(back != NULL);
	CHECK(strchr(s, '\n') == NULL);
	CHECK(strchr(s, ' ') == NULL);
	CHECK_STR(lpj_string_value(lpj_object_get(back, "message")), "hi");
	CHECK_STR(lpj_string_value(lpj_object_get(back, "@version")), "1");
	CHECK_STR(lpj_string_value(lpj_object_get(back, "@timestamp")), TEST_NOW);
	lpj_decref(back);
	lp_free(s);
	lp_event_destroy(ev);
	test_codec_destroy(t);
}

/* Invalid UTF-8 becomes U+FFFD: inside a string of a document that then
 * parses, and in the text of a line that does not. */
static void test_invalid_utf8(void)
{
	test_codec *t = test_codec_create("json", NULL);
	if (!t) {
		CHECK(0);
		return;
	}
	lp_event_vec v = { 0 };
	const char *chunks[] = { "{\"a\":\"x\xffy\"}", NULL };
	test_decode(t, chunks, &v);
	CHECK_INT(v.n, 1);
	if (v.n == 1) {
		CHECK_STR(test_str(v.v[0], "a"), "x\xef\xbf\xbdy");
		CHECK(!lp_event_has_tag(v.v[0], "_jsonparsefailure"));
	}
	lp_event_vec_fini(&v);
	test_codec_destroy(t);
}

int main(void)
{
	LP_RUN(test_object_is_event);
	LP_RUN(test_array_is_one_event_per_element);
	LP_RUN(test_failures_keep_raw_text);
	LP_RUN(test_target);
	LP_RUN(test_encode_compact_without_newline);
	LP_RUN(test_invalid_utf8);
	return lp_test_report();
}
