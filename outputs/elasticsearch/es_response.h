/* es_response: the Elasticsearch _bulk response classifier. Pure: it maps a
 * whole request's HTTP status to what the sender does next, and a 200
 * response's per-item statuses to one lp_out_result per event, following
 * Logstash's rules (DESIGN.md §1):
 *
 *   item 200/201                      -> DELIVERED
 *   item 409 (version conflict)       -> DROPPED, with the error as reason
 *   item 400/404 or a dlq_custom_code -> REJECTED, with the error as reason
 *   item 429, 5xx, anything else      -> RETRY (only those items)
 *   delete answered 404 (not_found)   -> DELIVERED (the document is gone)
 *
 * It reads responses filtered with filter_path=errors,items.*.error,
 * items.*.status as well as full ones. Thread-safe. */
#ifndef LP_OUTPUTS_ELASTICSEARCH_ES_RESPONSE_H
#define LP_OUTPUTS_ELASTICSEARCH_ES_RESPONSE_H

#include "pipeline/plugin.h"

#include <stddef.h>

/* The query string the output adds to _bulk so that responses stay small. */
#define LP_ES_BULK_FILTER_PATH "filter_path=errors,items.*.error,items.*.status"

typedef enum {
	LP_ES_REQ_OK,          /* 200: classify the items */
	LP_ES_REQ_BACKOFF,     /* no response, 429, 5xx, other codes: retry the whole request after a backoff */
	LP_ES_REQ_ITEMS_RETRY, /* 413 payload too large: each item of the request is RETRY */
} lp_es_req_class;

/* What to do with a whole request that got status (0: no response). */
lp_es_req_class lp_es_response_request_class(long status);

typedef struct lp_es_response_opts {
	const long *dlq_codes;  /* dlq_custom_codes: extra item statuses that go to the DLQ */
	size_t n_dlq_codes;
} lp_es_response_opts;

typedef struct lp_es_response_counts {
	size_t delivered, retry, rejected, dropped;
	long first_retry_status;      /* status of the first retried item, or 0 */
	char first_retry_error[200];  /* its error ("type: reason"), or "" */
} lp_es_response_counts;

/* Classifies the n items of a 200 _bulk response body. Item i's result goes
 * to res[map[i]] (res[i] when map is NULL); only DROPPED and REJECTED get a
 * reason (lp_malloc'd, "status 400: <type>: <reason>"; the caller or engine
 * frees it). counts (optional) is zeroed and filled. Returns 0, or LP_EPARSE
 * when body is not a bulk response for n items; then nothing is written. */
int lp_es_response_classify(const char *body, size_t len, size_t n, const size_t *map,
			    const lp_es_response_opts *o, lp_out_result *res,
			    lp_es_response_counts *counts);

/* The error of an Elasticsearch error object ({"type","reason",
 * "caused_by"...}) as "type: reason" (with " (caused by type: reason)" when
 * there is a cause); "unknown error" when it is not an object. Caller frees. */
char *lp_es_response_error_text(const lpj_t *error);

#endif
