/* Unit tests for the Elasticsearch bulk response classifier. */
#include "lp_test.h"

#include "outputs/elasticsearch/es_response.h"
#include "pipeline/error.h"
#include "pipeline/mem.h"

#include <string.h>

static int classify(const char *body, size_t n, const size_t *map, const lp_es_response_opts *o,
		    lp_out_result *res, lp_es_response_counts *c)
{
	return lp_es_response_classify(body, strlen(body), n, map, o, res, c);
}

static void free_results(lp_out_result *res, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		lp_free(res[i].reason);
		res[i].reason = NULL;
	}
}

static void test_request_class(void)
{
	CHECK(lp_es_response_request_class(200) == LP_ES_REQ_OK);
	CHECK(lp_es_response_request_class(0) == LP_ES_REQ_BACKOFF);
	CHECK(lp_es_response_request_class(429) == LP_ES_REQ_BACKOFF);
	CHECK(lp_es_response_request_class(503) == LP_ES_REQ_BACKOFF);
	CHECK(lp_es_response_request_class(500) == LP_ES_REQ_BACKOFF);
	CHECK(lp_es_response_request_class(401) == LP_ES_REQ_BACKOFF);
	CHECK(lp_es_response_request_class(413) == LP_ES_REQ_ITEMS_RETRY);
}

static void test_no_errors(void)
{
	lp_out_result res[3] = {{LP_OUT_RETRY, NULL}, {LP_OUT_RETRY, NULL}, {LP_OUT_RETRY, NULL}};
	lp_es_response_counts c;
	const char *body = "{\"errors\":false,\"items\":[{\"index\":{\"status\":201}},"
			   "{\"index\":{\"status\":201}},{\"index\":{\"status\":200}}]}";
	CHECK_INT(classify(body, 3, NULL, NULL, res, &c), 0);
	for (int i = 0; i < 3; i++)
		CHECK(res[i].status == LP_OUT_DELIVERED);
	CHECK_INT(c.delivered, 3);
	/* errors:false without items (a filtered response) is also success. */
	CHECK_INT(classify("{\"errors\":false}", 3, NULL, NULL, res, &c), 0);
	CHECK_INT(c.delivered, 3);
}

static void test_mixed_items(void)
{
	/* A full ES 8 response, as without filter_path. */
	const char *body =
		"{\"took\":3,\"errors\":true,\"items\":["
		"{\"index\":{\"_index\":\"a\",\"_id\":\"1\",\"_version\":1,\"result\":\"created\",\"status\":201}},"
		"{\"create\":{\"_index\":\"a\",\"_id\":\"2\",\"status\":409,\"error\":{\"type\":\"version_conflict_engine_exception\","
		"\"reason\":\"[2]: version conflict, document already exists (current version [1])\"}}},"
		"{\"index\":{\"_index\":\"a\",\"_id\":\"3\",\"status\":400,\"error\":{\"type\":\"document_parsing_exception\","
		"\"reason\":\"[1:10] failed to parse field [n] of type [long]\",\"caused_by\":{\"type\":\"illegal_argument_exception\","
		"\"reason\":\"For input string: \\\"x\\\"\"}}}},"
		"{\"index\":{\"_index\":\"a\",\"_id\":\"4\",\"status\":429,\"error\":{\"type\":\"es_rejected_execution_exception\","
		"\"reason\":\"rejected execution\"}}},"
		"{\"index\":{\"status\":503,\"error\":{\"type\":\"unavailable_shards_exception\",\"reason\":\"primary shard is not active\"}}},"
		"{\"update\":{\"status\":404,\"error\":{\"type\":\"document_missing_exception\",\"reason\":\"[5]: document missing\"}}},"
		"{\"delete\":{\"_index\":\"a\",\"_id\":\"9\",\"result\":\"not_found\",\"status\":404}},"
		"{\"index\":{\"status\":403,\"error\":{\"type\":\"cluster_block_exception\",\"reason\":\"blocked\"}}}"
		"]}";
	lp_out_result res[8];
	memset(res, 0, sizeof(res));
	lp_es_response_counts c;
	CHECK_INT(classify(body, 8, NULL, NULL, res, &c), 0);
	CHECK(res[0].status == LP_OUT_DELIVERED && res[0].reason == NULL);
	CHECK(res[1].status == LP_OUT_DROPPED);
	CHECK_STR(res[1].reason, "status 409: version_conflict_engine_exception: [2]: version conflict, "
				 "document already exists (current version [1])");
	CHECK(res[2].status == LP_OUT_REJECTED);
	CHECK_STR(res[2].reason, "status 400: document_parsing_exception: [1:10] failed to parse field [n] "
				 "of type [long] (caused by illegal_argument_exception: For input string: \"x\")");
	CHECK(res[3].status == LP_OUT_RETRY && res[3].reason == NULL);
	CHECK(res[4].status == LP_OUT_RETRY);
	CHECK(res[5].status == LP_OUT_REJECTED);
	CHECK_STR(res[5].reason, "status 404: document_missing_exception: [5]: document missing");
	CHECK(res[6].status == LP_OUT_DELIVERED);
	CHECK(res[7].status == LP_OUT_RETRY);
	CHECK_INT(c.delivered, 2);
	CHECK_INT(c.dropped, 1);
	CHECK_INT(c.rejected, 2);
	CHECK_INT(c.retry, 3);
	CHECK_INT(c.first_retry_status, 429);
	CHECK_STR(c.first_retry_error, "es_rejected_execution_exception: rejected execution");
	free_results(res, 8);
}

static void test_filtered_and_map(void)
{
	/* The shape filter_path=errors,items.*.error,items.*.status produces. */
	const char *body = "{\"errors\":true,\"items\":[{\"index\":{\"status\":201}},"
			   "{\"index\":{\"status\":400,\"error\":{\"type\":\"mapper_parsing_exception\",\"reason\":\"bad\"}}},"
			   "{\"index\":{\"status\":418,\"error\":{\"type\":\"teapot\",\"reason\":\"short and stout\"}}}]}";
	lp_out_result res[6];
	memset(res, 0, sizeof(res));
	for (int i = 0; i < 6; i++)
		res[i].status = LP_OUT_DELIVERED;
	size_t map[3] = {5, 1, 3};
	long codes[] = {418};
	lp_es_response_opts o = {codes, 1};
	lp_es_response_counts c;
	CHECK_INT(classify(body, 3, map, &o, res, &c), 0);
	CHECK(res[5].status == LP_OUT_DELIVERED);
	CHECK(res[1].status == LP_OUT_REJECTED);
	CHECK_STR(res[1].reason, "status 400: mapper_parsing_exception: bad");
	/* dlq_custom_codes turn an otherwise retried status into a rejection. */
	CHECK(res[3].status == LP_OUT_REJECTED);
	CHECK_STR(res[3].reason, "status 418: teapot: short and stout");
	CHECK_INT(c.rejected, 2);
	free_results(res, 6);
	/* Without the custom code, 418 is retried. */
	CHECK_INT(classify(body, 3, map, NULL, res, &c), 0);
	CHECK(res[3].status == LP_OUT_RETRY);
	free_results(res, 6);
}

static void test_malformed(void)
{
	lp_out_result res[2] = {{LP_OUT_DELIVERED, NULL}, {LP_OUT_DELIVERED, NULL}};
	lp_es_response_counts c;
	CHECK_INT(classify("", 2, NULL, NULL, res, &c), LP_EPARSE);
	CHECK_INT(classify("<html>502 Bad Gateway</html>", 2, NULL, NULL, res, &c), LP_EPARSE);
	CHECK_INT(classify("{\"took\":1}", 2, NULL, NULL, res, &c), LP_EPARSE);
	CHECK_INT(classify("[1,2]", 2, NULL, NULL, res, &c), LP_EPARSE);
	/* Item count mismatch. */
	CHECK_INT(classify("{\"errors\":true,\"items\":[{\"index\":{\"status\":201}}]}", 2, NULL, NULL, res, &c),
		  LP_EPARSE);
	CHECK_INT(classify("{\"errors\":true,\"items\":{}}", 2, NULL, NULL, res, &c), LP_EPARSE);
	/* Truncated body (connection dropped mid-response). */
	CHECK_INT(classify("{\"errors\":true,\"items\":[{\"index\":{\"status\":201}},{\"ind", 2, NULL, NULL, res, &c),
		  LP_EPARSE);
	/* Nothing was written. */
	CHECK(res[0].status == LP_OUT_DELIVERED && res[1].status == LP_OUT_DELIVERED);
	CHECK(res[0].reason == NULL && res[1].reason == NULL);
	/* Malformed items are retried, not dropped. */
	CHECK_INT(classify("{\"errors\":true,\"items\":[{\"index\":{}},7]}", 2, NULL, NULL, res, &c), 0);
	CHECK(res[0].status == LP_OUT_RETRY && res[1].status == LP_OUT_RETRY);
	CHECK_INT(c.retry, 2);
}

static void test_error_text(void)
{
	lpj_t *e = lpj_loads("{\"type\":\"t\"}", 0, NULL);
	char *s = lp_es_response_error_text(e);
	CHECK_STR(s, "t: no reason given");
	lp_free(s);
	lpj_decref(e);
	s = lp_es_response_error_text(NULL);
	CHECK_STR(s, "unknown error");
	lp_free(s);
	e = lpj_string("plain text");
	s = lp_es_response_error_text(e);
	CHECK_STR(s, "plain text");
	lp_free(s);
	lpj_decref(e);
}

int main(void)
{
	LP_RUN(test_request_class);
	LP_RUN(test_no_errors);
	LP_RUN(test_mixed_items);
	LP_RUN(test_filtered_and_map);
	LP_RUN(test_malformed);
	LP_RUN(test_error_text);
	return lp_test_report();
}
