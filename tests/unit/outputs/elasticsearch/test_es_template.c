/* Unit tests for the pure helpers of the Elasticsearch start-up work. */
#include "lp_test.h"

#include "outputs/elasticsearch/es_template.h"
#include "pipeline/mem.h"

#include "pipeline/json.h"

static int major_of(const char *body)
{
	return lp_es_template_parse_major(body, strlen(body));
}

static void test_parse_major(void)
{
	CHECK_INT(major_of("{\"name\":\"n\",\"version\":{\"number\":\"8.13.4\",\"build_flavor\":\"default\"},"
			   "\"tagline\":\"You Know, for Search\"}"), 8);
	CHECK_INT(major_of("{\"version\":{\"number\":\"7.17.22\"}}"), 7);
	CHECK_INT(major_of("{\"version\":{\"number\":\"9.0.0-SNAPSHOT\"}}"), 9);
	CHECK_INT(major_of("{\"version\":{\"number\":\"10\"}}"), 10);
	CHECK(major_of("{\"version\":{}}") < 0);
	CHECK(major_of("{\"version\":{\"number\":8}}") < 0);
	CHECK(major_of("{\"version\":{\"number\":\"x.1\"}}") < 0);
	CHECK(major_of("<html>proxy</html>") < 0);
	CHECK(major_of("") < 0);
}

static void test_pattern(void)
{
	char *p = lp_es_template_pattern("kakaopay-logs-%{+YYYY.MM.dd}");
	CHECK_STR(p, "kakaopay-logs-*");
	lp_free(p);
	p = lp_es_template_pattern("%{[service]}-%{+YYYY}");
	CHECK_STR(p, "*");
	lp_free(p);
	p = lp_es_template_pattern("fixed");
	CHECK_STR(p, "fixed*");
	lp_free(p);
}

static void test_composable(void)
{
	CHECK(lp_es_template_composable(LP_ES_TEMPLATE_API_AUTO, 8));
	CHECK(lp_es_template_composable(LP_ES_TEMPLATE_API_AUTO, 9));
	CHECK(!lp_es_template_composable(LP_ES_TEMPLATE_API_AUTO, 7));
	CHECK(!lp_es_template_composable(LP_ES_TEMPLATE_API_LEGACY, 8));
	CHECK(lp_es_template_composable(LP_ES_TEMPLATE_API_COMPOSABLE, 7));
}

static void test_builtin(void)
{
	char *s = lp_es_template_builtin(true, "logs-*");
	lpj_t *t = lpj_loads(s, 0, NULL);
	CHECK(t != NULL);
	CHECK_STR(lpj_string_value(lpj_array_get(lpj_object_get(t, "index_patterns"), 0)), "logs-*");
	lpj_t *tpl = lpj_object_get(t, "template");
	CHECK(lpj_is_object(tpl));
	CHECK(lpj_is_integer(lpj_object_get(t, "priority")));
	lpj_t *props = lpj_object_get(lpj_object_get(tpl, "mappings"), "properties");
	CHECK_STR(lpj_string_value(lpj_object_get(lpj_object_get(props, "@timestamp"), "type")), "date");
	CHECK(lpj_object_get(t, "mappings") == NULL);
	lpj_decref(t);
	lp_free(s);

	s = lp_es_template_builtin(false, "logs-*");
	t = lpj_loads(s, 0, NULL);
	CHECK(t != NULL);
	CHECK(lpj_object_get(t, "template") == NULL);
	CHECK(lpj_is_object(lpj_object_get(t, "mappings")));
	CHECK(lpj_is_object(lpj_object_get(t, "settings")));
	CHECK_STR(lpj_string_value(lpj_array_get(lpj_object_get(t, "index_patterns"), 0)), "logs-*");
	lpj_decref(t);
	lp_free(s);
}

int main(void)
{
	LP_RUN(test_parse_major);
	LP_RUN(test_pattern);
	LP_RUN(test_composable);
	LP_RUN(test_builtin);
	return lp_test_report();
}
