/* Fuzz target: the Elasticsearch _bulk response classifier
 * (outputs/elasticsearch/es_response.h). The first byte gives the number of
 * events in the batch (0-31) and whether results go through a map; the
 * rest is the response body. Invariants: on success every event gets exactly
 * one valid result, counts add up to the batch, a reason is given exactly
 * for DROPPED and REJECTED results and says the status; on LP_EPARSE no
 * result is written and counts are zero; the request class of any status is
 * one of the three. */
#include "fuzz.h"

#include "outputs/elasticsearch/es_response.h"
#include "pipeline/error.h"
#include "pipeline/mem.h"

#include <string.h>

#define MAX_ITEMS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_init();
	if (size < 1 || size > (1u << 16))
		return 0;
	size_t n = data[0] % MAX_ITEMS;
	bool use_map = (data[0] & 0x20) != 0;
	bool use_opts = (data[0] & 0x40) != 0;
	const char *body = (const char *)data + 1;
	size_t len = size - 1;

	/* results land at res[map[i]]: the map reverses the order */
	size_t map[MAX_ITEMS];
	for (size_t i = 0; i < n; i++)
		map[i] = n - 1 - i;
	static char sentinel;
	lp_out_result res[MAX_ITEMS];
	for (size_t i = 0; i < MAX_ITEMS; i++)
		res[i] = (lp_out_result){ (lp_out_status)77, &sentinel };

	const long dlq[] = { 403, 500 };
	lp_es_response_opts o = { dlq, 2 };
	lp_es_response_counts c;
	memset(&c, 0xA5, sizeof(c));
	int rc = lp_es_response_classify(body, len, n, use_map ? map : NULL,
					 use_opts ? &o : NULL, res, &c);
	if (rc == 0) {
		FUZZ_CHECK(c.delivered + c.retry + c.rejected + c.dropped == n);
		size_t seen[4] = { 0 };
		for (size_t i = 0; i < MAX_ITEMS; i++) {
			if (i >= n) {
				FUZZ_CHECK(res[i].status == (lp_out_status)77 && res[i].reason == &sentinel);
				continue;
			}
			FUZZ_CHECK(res[i].status <= LP_OUT_DROPPED);
			FUZZ_CHECK(res[i].reason != &sentinel);
			if (res[i].status > LP_OUT_DROPPED)
				continue;
			seen[res[i].status]++;
			if (res[i].status == LP_OUT_REJECTED || res[i].status == LP_OUT_DROPPED) {
				FUZZ_CHECK(res[i].reason != NULL &&
					   strncmp(res[i].reason, "status ", 7) == 0);
			} else {
				FUZZ_CHECK(res[i].reason == NULL);
			}
			lp_free(res[i].reason);
		}
		FUZZ_CHECK(seen[LP_OUT_DELIVERED] == c.delivered);
		FUZZ_CHECK(seen[LP_OUT_RETRY] == c.retry);
		FUZZ_CHECK(seen[LP_OUT_REJECTED] == c.rejected);
		FUZZ_CHECK(seen[LP_OUT_DROPPED] == c.dropped);
		FUZZ_CHECK(c.retry > 0 || (c.first_retry_status == 0 && c.first_retry_error[0] == '\0'));
		FUZZ_CHECK(memchr(c.first_retry_error, '\0', sizeof(c.first_retry_error)) != NULL);
	} else {
		FUZZ_CHECK(rc == LP_EPARSE);
		for (size_t i = 0; i < MAX_ITEMS; i++)
			FUZZ_CHECK(res[i].status == (lp_out_status)77 && res[i].reason == &sentinel);
		FUZZ_CHECK(c.delivered == 0 && c.retry == 0 && c.rejected == 0 && c.dropped == 0);
		FUZZ_CHECK(c.first_retry_status == 0 && c.first_retry_error[0] == '\0');
	}

	/* the body as an error object, and its first bytes as an HTTP status */
	lpj_t *root = lpj_loadb(body, len, LPJ_DECODE_ANY, NULL);
	char *text = lp_es_response_error_text(root);
	FUZZ_CHECK(text != NULL);
	lp_free(text);
	lpj_decref(root);
	long status = 0;
	for (size_t i = 0; i < len && i < 4; i++)
		status = status * 256 + (unsigned char)body[i];
	status -= 1000;
	lp_es_req_class k = lp_es_response_request_class(status);
	FUZZ_CHECK(k == LP_ES_REQ_OK || k == LP_ES_REQ_BACKOFF || k == LP_ES_REQ_ITEMS_RETRY);
	FUZZ_CHECK((k == LP_ES_REQ_OK) == (status == 200));
	return 0;
}
