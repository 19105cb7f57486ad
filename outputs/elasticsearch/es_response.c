#include "outputs/elasticsearch/es_response.h"

#include "pipeline/error.h"
#include "pipeline/jsonload.h"
#include "pipeline/mem.h"

#include "pipeline/json.h"
#include <stdio.h>
#include <string.h>

lp_es_req_class lp_es_response_request_class(long status)
{
	if (status == 200)
		return LP_ES_REQ_OK;
	if (status == 413)
		return LP_ES_REQ_ITEMS_RETRY;
	return LP_ES_REQ_BACKOFF;
}

static const char *str_or(const lpj_t *o, const char *key, const char *dflt)
{
	const char *s = lpj_string_value(lpj_object_get(o, key));
	return s ? s : dflt;
}

char *lp_es_response_error_text(const lpj_t *error)
{
	if (lpj_is_string(error))
		return lp_strdup(lpj_string_value(error));
	if (!lpj_is_object(error))
		return lp_strdup("unknown error");
	const char *type = str_or(error, "type", "error");
	const char *reason = str_or(error, "reason", "no reason given");
	const lpj_t *cause = lpj_object_get(error, "caused_by");
	if (lpj_is_object(cause))
		return lp_asprintf("%s: %s (caused by %s: %s)", type, reason,
				   str_or(cause, "type", "error"), str_or(cause, "reason", "no reason given"));
	return lp_asprintf("%s: %s", type, reason);
}

static bool is_dlq_code(long st, const lp_es_response_opts *o)
{
	if (st == 400 || st == 404)
		return true;
	for (size_t i = 0; o && i < o->n_dlq_codes; i++)
		if (o->dlq_codes[i] == st)
			return true;
	return false;
}

static char *reason_for(long st, const lpj_t *error)
{
	char *text = lp_es_response_error_text(error);
	char *r = lp_asprintf("status %ld: %s", st, text);
	lp_free(text);
	return r;
}

/* One item object: {"<action>": {"status":..., "error":{...}}}. */
static lp_out_result classify_item(const lpj_t *item, const lp_es_response_opts *o,
				   lp_es_response_counts *c)
{
	lp_out_result r = {LP_OUT_RETRY, NULL};
	const char *action = NULL;
	const lpj_t *body = NULL;
	if (lpj_is_object(item) && lpj_object_size(item) == 1) {
		void *it = lpj_object_iter((lpj_t *)item);
		action = lpj_object_iter_key(it);
		body = lpj_object_iter_value(it);
	}
	const lpj_t *jst = lpj_object_get(body, "status");
	long st = lpj_is_integer(jst) ? (long)lpj_integer_value(jst) : 0;
	const lpj_t *error = lpj_object_get(body, "error");

	if (st == 200 || st == 201 ||
	    (st == 404 && action && strcmp(action, "delete") == 0 && !error)) {
		r.status = LP_OUT_DELIVERED;
		c->delivered++;
	} else if (st == 409) {
		r.status = LP_OUT_DROPPED;
		r.reason = reason_for(st, error);
		c->dropped++;
	} else if (is_dlq_code(st, o)) {
		r.status = LP_OUT_REJECTED;
		r.reason = reason_for(st, error);
		c->rejected++;
	} else {
		r.status = LP_OUT_RETRY;
		if (c->retry++ == 0) {
			c->first_retry_status = st;
			char *text = lp_es_response_error_text(error);
			snprintf(c->first_retry_error, sizeof(c->first_retry_error), "%s", text);
			lp_free(text);
		}
	}
	return r;
}

static int classify(const char *body, size_t len, size_t n, const size_t *map, const lp_es_response_opts *o,
		    lp_out_result *res, lp_es_response_counts *c);

int lp_es_response_classify(const char *body, size_t len, size_t n, const size_t *map,
			    const lp_es_response_opts *o, lp_out_result *res,
			    lp_es_response_counts *counts)
{
	lp_es_response_counts local;
	lp_es_response_counts *c = counts ? counts : &local;
	memset(c, 0, sizeof(*c));

	/* A response carries an item per document: parsed into an arena that
	 * is released at once. */
	lp_arena *arena = lp_arena_create();
	lp_arena *prev = lpj_arena_enter(arena);
	int rc = classify(body, len, n, map, o, res, c);
	lpj_arena_leave(prev);
	lp_arena_unref(arena);
	return rc;
}

static int classify(const char *body, size_t len, size_t n, const size_t *map, const lp_es_response_opts *o,
		    lp_out_result *res, lp_es_response_counts *c)
{
	lpj_t *root = lp_json_load(body, len, NULL, 0, NULL);
	if (!lpj_is_object(root))
		goto fail;
	const lpj_t *errors = lpj_object_get(root, "errors");
	if (!lpj_is_boolean(errors))
		goto fail;
	if (!lpj_is_true(errors)) {
		/* Logstash's rule: no errors means every item was stored. */
		for (size_t i = 0; i < n; i++)
			res[map ? map[i] : i] = (lp_out_result){LP_OUT_DELIVERED, NULL};
		c->delivered = n;
		lpj_decref(root);
		return 0;
	}
	const lpj_t *items = lpj_object_get(root, "items");
	if (!lpj_is_array(items) || lpj_array_size(items) != n)
		goto fail;
	for (size_t i = 0; i < n; i++)
		res[map ? map[i] : i] = classify_item(lpj_array_get(items, i), o, c);
	lpj_decref(root);
	return 0;
fail:
	lpj_decref(root);
	memset(c, 0, sizeof(*c));
	return LP_EPARSE;
}
