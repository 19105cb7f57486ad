/* Unit tests for the Elasticsearch output's pure helpers: hosts entries and
 * the API key encoding. */
#include "lp_test.h"

#include "outputs/elasticsearch/elasticsearch.h"
#include "pipeline/mem.h"

static void check_url(const char *entry, const char *path, bool tls, const char *want)
{
	char *u = lp_elasticsearch_host_url(entry, path, tls);
	CHECK_STR(u, want);
	lp_free(u);
}

static void test_host_url(void)
{
	check_url("//127.0.0.1", NULL, false, "http://127.0.0.1:9200");
	check_url("es1", NULL, false, "http://es1:9200");
	check_url("es1", NULL, true, "https://es1:9200");
	check_url("es1:9243", NULL, false, "http://es1:9243");
	check_url("http://es1:9200/", NULL, false, "http://es1:9200");
	check_url("https://es1", NULL, false, "https://es1:9200");
	check_url("http://elastic:p%40ss:word@es1:9201/proxy/es/", NULL, false,
		  "http://elastic:p%40ss:word@es1:9201/proxy/es");
	check_url("http://u:p@es1", NULL, false, "http://u:p@es1:9200");
	check_url("http://[::1]", NULL, false, "http://[::1]:9200");
	check_url("http://[::1]:9201", NULL, false, "http://[::1]:9201");
	check_url("es1:9200", "/prefix/", false, "http://es1:9200/prefix");
	check_url("http://es1/a", "b", false, "http://es1:9200/a/b");
	check_url("http://es1:9200/?x=1", NULL, false, "http://es1:9200");
}

static void test_base64(void)
{
	char *s = lp_elasticsearch_base64("");
	CHECK_STR(s, "");
	lp_free(s);
	s = lp_elasticsearch_base64("f");
	CHECK_STR(s, "Zg==");
	lp_free(s);
	s = lp_elasticsearch_base64("fo");
	CHECK_STR(s, "Zm8=");
	lp_free(s);
	s = lp_elasticsearch_base64("foo");
	CHECK_STR(s, "Zm9v");
	lp_free(s);
	/* An API key "id:key" as Logstash sends it. */
	s = lp_elasticsearch_base64("VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw");
	CHECK_STR(s, "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==");
	lp_free(s);
	s = lp_elasticsearch_base64("\xff\xfe\xfd");
	CHECK_STR(s, "//79");
	lp_free(s);
}

int main(void)
{
	LP_RUN(test_host_url);
	LP_RUN(test_base64);
	return lp_test_report();
}
