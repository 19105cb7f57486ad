/* Unit tests for the Elasticsearch bulk encoder. */
#include "lp_test.h"

#include "outputs/elasticsearch/es_bulk.h"
#include "pipeline/mem.h"

#include "pipeline/json.h"
#include <stdlib.h>

static lp_event *event_from(const char *json)
{
	lpj_t *o = lpj_loads(json, 0, NULL);
	return lp_event_new(o);
}

static char *item_str(const lp_es_bulk *b, size_t i)
{
	size_t len;
	const char *p = lp_es_bulk_item(b, i, &len);
	return lp_strndup(p, len);
}

static void test_action_parse(void)
{
	lp_es_action a;
	CHECK(lp_es_action_parse("index", &a) && a == LP_ES_ACTION_INDEX);
	CHECK(lp_es_action_parse("create", &a) && a == LP_ES_ACTION_CREATE);
	CHECK(lp_es_action_parse("update", &a) && a == LP_ES_ACTION_UPDATE);
	CHECK(lp_es_action_parse("delete", &a) && a == LP_ES_ACTION_DELETE);
	CHECK(!lp_es_action_parse("Index", &a));
	CHECK(!lp_es_action_parse("", &a));
	CHECK(!lp_es_action_parse(NULL, &a));
	CHECK_STR(lp_es_action_name(LP_ES_ACTION_UPDATE), "update");
}

static void test_action_line_escaping(void)
{
	lp_buf out = LP_BUF_INIT;
	lp_es_item_meta m = {.action = LP_ES_ACTION_INDEX, .index = "logs-\"x\"\\y\n", .id = "a\tb\x01"};
	lp_es_bulk_action_line(&out, &m);
	CHECK_STR(lp_buf_str(&out), "{\"index\":{\"_index\":\"logs-\\\"x\\\"\\\\y\\n\",\"_id\":\"a\\tb\\u0001\"}}\n");
	/* The line must be valid JSON whose values round-trip. */
	lpj_t *j = lpj_loadb(out.data, out.len - 1, 0, NULL);
	CHECK(j != NULL);
	lpj_t *in = lpj_object_get(j, "index");
	CHECK_STR(lpj_string_value(lpj_object_get(in, "_index")), "logs-\"x\"\\y\n");
	CHECK_STR(lpj_string_value(lpj_object_get(in, "_id")), "a\tb\x01");
	lpj_decref(j);
	lp_buf_fini(&out);
}

static void test_action_line_keys(void)
{
	lp_buf out = LP_BUF_INIT;
	lp_es_item_meta m = {.action = LP_ES_ACTION_UPDATE, .index = "i", .id = "7", .routing = "r",
			     .pipeline = "p", .retry_on_conflict = 3};
	lp_es_bulk_action_line(&out, &m);
	CHECK_STR(lp_buf_str(&out),
		  "{\"update\":{\"_index\":\"i\",\"_id\":\"7\",\"routing\":\"r\",\"pipeline\":\"p\",\"retry_on_conflict\":3}}\n");
	lp_buf_reset(&out);
	/* Empty strings and NULLs are left out; delete never carries a pipeline. */
	lp_es_item_meta d = {.action = LP_ES_ACTION_DELETE, .index = "i", .id = "", .pipeline = "p",
			     .retry_on_conflict = 3};
	lp_es_bulk_action_line(&out, &d);
	CHECK_STR(lp_buf_str(&out), "{\"delete\":{\"_index\":\"i\"}}\n");
	lp_buf_reset(&out);
	lp_es_item_meta e = {.action = LP_ES_ACTION_CREATE};
	lp_es_bulk_action_line(&out, &e);
	CHECK_STR(lp_buf_str(&out), "{\"create\":{}}\n");
	lp_buf_fini(&out);
}

static void test_add_documents(void)
{
	lp_es_bulk b;
	lp_es_bulk_init(&b);
	lp_event *ev = event_from("{\"@timestamp\":\"2024-03-01T23:30:00.000Z\",\"message\":\"caf\xc3\xa9 \\\"q\\\"\","
				  "\"@metadata\":{\"secret\":1}}");
	lp_es_item_meta m = {.action = LP_ES_ACTION_INDEX, .index = "logs"};
	lp_es_bulk_add(&b, &m, ev, 4);
	lp_es_item_meta u = {.action = LP_ES_ACTION_UPDATE, .index = "logs", .id = "1", .doc_as_upsert = true};
	lp_es_bulk_add(&b, &u, ev, 9);
	lp_es_item_meta d = {.action = LP_ES_ACTION_DELETE, .index = "logs", .id = "1"};
	lp_es_bulk_add(&b, &d, ev, 11);
	CHECK_INT(b.n, 3);
	CHECK_INT(b.tag[0], 4);
	CHECK_INT(b.tag[1], 9);
	CHECK_INT(b.tag[2], 11);

	char *s0 = item_str(&b, 0);
	char *nl = strchr(s0, '\n');
	CHECK(nl != NULL);
	if (nl) {
		CHECK(nl[strlen(nl) - 1] == '\n');
		lpj_t *doc = lpj_loads(nl + 1, LPJ_DISABLE_EOF_CHECK, NULL);
		CHECK(doc != NULL);
		CHECK_STR(lpj_string_value(lpj_object_get(doc, "message")), "caf\xc3\xa9 \"q\"");
		CHECK_STR(lpj_string_value(lpj_object_get(doc, "@timestamp")), "2024-03-01T23:30:00.000Z");
		CHECK(lpj_object_get(doc, "@metadata") == NULL);
		lpj_decref(doc);
	}
	char *s1 = item_str(&b, 1);
	nl = strchr(s1, '\n');
	CHECK(nl != NULL);
	if (nl) {
		lpj_t *doc = lpj_loads(nl + 1, LPJ_DISABLE_EOF_CHECK, NULL);
		CHECK(doc != NULL);
		CHECK(lpj_is_true(lpj_object_get(doc, "doc_as_upsert")));
		CHECK_STR(lpj_string_value(lpj_object_get(lpj_object_get(doc, "doc"), "message")),
			  "caf\xc3\xa9 \"q\"");
		lpj_decref(doc);
	}
	char *s2 = item_str(&b, 2);
	CHECK_STR(s2, "{\"delete\":{\"_index\":\"logs\",\"_id\":\"1\"}}\n");
	/* The body is exactly the concatenation of the items. */
	CHECK_INT(lp_es_bulk_span(&b, 0, 3), b.body.len);
	CHECK_INT(lp_es_bulk_span(&b, 0, 1) + lp_es_bulk_span(&b, 1, 2), b.body.len);
	size_t lines = 0;
	for (size_t i = 0; i < b.body.len; i++)
		lines += b.body.data[i] == '\n';
	CHECK_INT(lines, 5);
	lp_free(s0);
	lp_free(s1);
	lp_free(s2);

	lp_es_bulk_reset(&b);
	CHECK_INT(b.n, 0);
	CHECK_INT(b.body.len, 0);
	lp_event_destroy(ev);
	lp_es_bulk_fini(&b);
}

static void test_chunking(void)
{
	lp_es_bulk b;
	lp_es_bulk_init(&b);
	lp_event *ev = event_from("{\"@timestamp\":\"2024-03-01T00:00:00.000Z\",\"message\":\"x\"}");
	lp_es_item_meta m = {.action = LP_ES_ACTION_INDEX, .index = "logs"};
	for (size_t i = 0; i < 10; i++)
		lp_es_bulk_add(&b, &m, ev, i);
	size_t one = lp_es_bulk_span(&b, 0, 1);
	CHECK(one > 0);
	/* All items have the same size: a limit of 3.5 items gives chunks of 3. */
	size_t limit = one * 3 + one / 2;
	size_t first = 0, chunks = 0, total = 0;
	while (first < b.n) {
		size_t k = lp_es_bulk_chunk(&b, first, limit);
		CHECK(k >= 1);
		CHECK(lp_es_bulk_span(&b, first, k) <= limit);
		total += k;
		first += k;
		chunks++;
	}
	CHECK_INT(total, 10);
	CHECK_INT(chunks, 4);
	/* A limit exactly at 3 items still takes 3. */
	CHECK_INT(lp_es_bulk_chunk(&b, 0, one * 3), 3);
	/* An item larger than the limit travels alone. */
	CHECK_INT(lp_es_bulk_chunk(&b, 0, 1), 1);
	CHECK_INT(lp_es_bulk_chunk(&b, 10, limit), 0);
	CHECK_INT(lp_es_bulk_chunk(&b, 0, LP_ES_BULK_MAX_BYTES), 10);
	lp_event_destroy(ev);
	lp_es_bulk_fini(&b);
}

int main(void)
{
	LP_RUN(test_action_parse);
	LP_RUN(test_action_line_escaping);
	LP_RUN(test_action_line_keys);
	LP_RUN(test_add_documents);
	LP_RUN(test_chunking);
	return lp_test_report();
}
