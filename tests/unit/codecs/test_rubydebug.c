/* Tests for codecs/rubydebug: the amazing_print layout Logstash prints. */
#include "lp_test.h"

#include "codec_helper.h"

static void test_nested_rendering(void)
{
	test_codec *t = test_codec_create("rubydebug", NULL);
	if (!t) {
		CHECK(0);
		return;
	}
	lp_event *ev = test_event(
		"{\"message\":\"hello\",\"n\":1,\"f\":1.5,\"big\":1e20,\"small\":0.00001,\"nil\":null,"
		"\"ok\":true,\"host\":{\"hostname\":\"h1\",\"ip\":[\"10.0.0.1\",\"10.0.0.2\"]},"
		"\"tags\":[],\"e\":{},\"q\":\"say \\\"hi\\\"\\n#{x}\",\"@metadata\":{\"hidden\":1}}");
	char *s = test_encode(t, ev);
	CHECK_STR(s,
		  "{\n"
		  "    \"@timestamp\" => 2024-03-01T12:00:00.000Z,\n"
		  "      \"@version\" => \"1\",\n"
		  "           \"big\" => 1.0e+20,\n"
		  "             \"e\" => {},\n"
		  "             \"f\" => 1.5,\n"
		  "          \"host\" => {\n"
		  "        \"hostname\" => \"h1\",\n"
		  "              \"ip\" => [\n"
		  "            [0] \"10.0.0.1\",\n"
		  "            [1] \"10.0.0.2\"\n"
		  "        ]\n"
		  "    },\n"
		  "       \"message\" => \"hello\",\n"
		  "             \"n\" => 1,\n"
		  "           \"nil\" => nil,\n"
		  "            \"ok\" => true,\n"
		  "             \"q\" => \"say \\\"hi\\\"\\n\\#{x}\",\n"
		  "         \"small\" => 1.0e-05,\n"
		  "          \"tags\" => []\n"
		  "}\n");
	lp_free(s);
	lp_event_destroy(ev);
	test_codec_destroy(t);
}

static void test_array_index_padding_and_nested_hash_in_array(void)
{
	test_codec *t = test_codec_create("rubydebug", NULL);
	if (!t) {
		CHECK(0);
		return;
	}
	lp_event *ev = test_event("{\"a\":[0,1,2,3,4,5,6,7,8,9,{\"k\":-2.5}]}");
	char *s = test_encode(t, ev);
	CHECK_STR(s,
		  "{\n"
		  "    \"@timestamp\" => 2024-03-01T12:00:00.000Z,\n"
		  "      \"@version\" => \"1\",\n"
		  "             \"a\" => [\n"
		  "        [ 0] 0,\n"
		  "        [ 1] 1,\n"
		  "        [ 2] 2,\n"
		  "        [ 3] 3,\n"
		  "        [ 4] 4,\n"
		  "        [ 5] 5,\n"
		  "        [ 6] 6,\n"
		  "        [ 7] 7,\n"
		  "        [ 8] 8,\n"
		  "        [ 9] 9,\n"
		  "        [10] {\n"
		  "            \"k\" => -2.5\n"
		  "        }\n"
		  "    ]\n"
		  "}\n");
	lp_free(s);
	lp_event_destroy(ev);
	test_codec_destroy(t);
}

static void test_floats_like_ruby(void)
{
	test_codec *t = test_codec_create("rubydebug", NULL);
	if (!t) {
		CHECK(0);
		return;
	}
	static const struct {
		const char *json, *want;
	} cases[] = {
		{ "1.0", "1.0" },        { "100.25", "100.25" },
		{ "0.1", "0.1" },        { "0.0001", "0.0001" },
		{ "1e15", "1000000000000000.0" }, { "1e16", "1.0e+16" },
		{ "-0.5", "-0.5" },      { "0.0", "0.0" },
		{ "123456.789e-20", "1.23456789e-15" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char doc[128], want[256];
		snprintf(doc, sizeof(doc), "{\"x\":%s}", cases[i].json);
		snprintf(want, sizeof(want),
			 "{\n    \"@timestamp\" => 2024-03-01T12:00:00.000Z,\n"
			 "      \"@version\" => \"1\",\n"
			 "             \"x\" => %s\n}\n", cases[i].want);
		lp_event *ev = test_event(doc);
		char *s = test_encode(t, ev);
		CHECK_STR(s, want);
		lp_free(s);
		lp_event_destroy(ev);
	}
	test_codec_destroy(t);
}

static void test_metadata_option(void)
{
	const char *opts[] = { "metadata", "true", NULL };
	test_codec *t = test_codec_create("rubydebug", opts);
	if (!t) {
		CHECK(0);
		return;
	}
	lp_event *ev = test_event("{\"@metadata\":{\"idx\":\"logs\"},\"m\":\"\\u0001\\u00e9\"}");
	char *s = test_encode(t, ev);
	CHECK_STR(s,
		  "{\n"
		  "     \"@metadata\" => {\n"
		  "        \"idx\" => \"logs\"\n"
		  "    },\n"
		  "    \"@timestamp\" => 2024-03-01T12:00:00.000Z,\n"
		  "      \"@version\" => \"1\",\n"
		  "             \"m\" => \"\\u0001\xc3\xa9\"\n"
		  "}\n");
	lp_free(s);
	lp_event_destroy(ev);
	test_codec_destroy(t);
}

int main(void)
{
	LP_RUN(test_nested_rendering);
	LP_RUN(test_array_index_padding_and_nested_hash_in_array);
	LP_RUN(test_floats_like_ruby);
	LP_RUN(test_metadata_option);
	return lp_test_report();
}
