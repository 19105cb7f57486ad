#include "outputs/elasticsearch/es_template.h"

#include "pipeline/clock.h"
#include "pipeline/error.h"
#include "pipeline/mem.h"

#include <errno.h>
#include "pipeline/json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int lp_es_template_parse_major(const char *body, size_t len)
{
	lpj_t *root = lpj_loadb(body, len, 0, NULL);
	const char *num = lpj_string_value(lpj_object_get(lpj_object_get(root, "version"), "number"));
	int major = LP_EPARSE;
	if (num && num[0] >= '0' && num[0] <= '9') {
		char *end;
		long v = strtol(num, &end, 10);
		if ((*end == '.' || *end == '\0' || *end == '-') && v > 0 && v < 1000)
			major = (int)v;
	}
	lpj_decref(root);
	return major;
}

char *lp_es_template_pattern(const char *index_text)
{
	const char *ref = strstr(index_text, "%{");
	size_t n = ref ? (size_t)(ref - index_text) : strlen(index_text);
	char *p = lp_malloc(n + 2);
	memcpy(p, index_text, n);
	p[n] = '*';
	p[n + 1] = '\0';
	return p;
}

bool lp_es_template_composable(lp_es_template_api api, int major)
{
	switch (api) {
	case LP_ES_TEMPLATE_API_LEGACY:
		return false;
	case LP_ES_TEMPLATE_API_COMPOSABLE:
		return true;
	default:
		return major >= 8;
	}
}

char *lp_es_template_builtin(bool composable, const char *pattern)
{
	/* Strings as text with a keyword sub-field, "message" as text only,
	 * @timestamp a date: the shape of Logstash's own default template. */
	lpj_t *mappings = lpj_pack(
		"{s:[{s:{s:s, s:s, s:{s:s, s:b}}}, {s:{s:s, s:s, s:{s:s, s:b, s:{s:{s:s, s:i}}}}}],"
		" s:{s:{s:s}, s:{s:s}}}",
		"dynamic_templates",
		"message_field", "path_match", "message", "match_mapping_type", "string",
		"mapping", "type", "text", "norms", 0,
		"string_fields", "match", "*", "match_mapping_type", "string",
		"mapping", "type", "text", "norms", 0, "fields", "keyword", "type", "keyword",
		"ignore_above", 256,
		"properties", "@timestamp", "type", "date", "@version", "type", "keyword");
	lpj_t *settings = lpj_pack("{s:s}", "index.refresh_interval", "5s");
	lpj_t *t;
	if (composable)
		t = lpj_pack("{s:[s], s:i, s:{s:o, s:o}}", "index_patterns", pattern, "priority", 200,
			      "template", "settings", settings, "mappings", mappings);
	else
		t = lpj_pack("{s:[s], s:i, s:o, s:o}", "index_patterns", pattern, "order", 0,
			      "settings", settings, "mappings", mappings);
	char *s = lpj_dumps(t, LPJ_COMPACT);
	lpj_decref(t);
	char *r = lp_strdup(s);
	free(s);
	return r;
}

/* ---- waiting -------------------------------------------------------- */

bool lp_elasticsearch_sleep(lp_es_output *o, long ms)
{
	struct timespec until;
	lp_deadline_in(&until, CLOCK_MONOTONIC, ms);
	pthread_mutex_lock(&o->mu);
	while (!o->stopping) {
		if (pthread_cond_timedwait(&o->cv, &o->mu, &until) == ETIMEDOUT)
			break;
	}
	bool running = !o->stopping;
	pthread_mutex_unlock(&o->mu);
	return running;
}

bool lp_es_template_wait_ready(lp_es_output *o)
{
	pthread_mutex_lock(&o->mu);
	while (!o->ready && !o->stopping) {
		struct timespec until;
		lp_deadline_in(&until, CLOCK_MONOTONIC, 10000);
		if (pthread_cond_timedwait(&o->cv, &o->mu, &until) == ETIMEDOUT && !o->ready) {
			long long suppressed;
			if (lp_ratelimit_ok(&o->rl_wait, 30000, &suppressed))
				lp_warn(LP_ES_COMPONENT, "Output '%s' is waiting for Elasticsearch to become reachable "
					"before sending events.", o->id);
		}
	}
	bool ok = o->ready;
	pthread_mutex_unlock(&o->mu);
	return ok;
}

/* ---- the background thread ------------------------------------------- */

typedef struct req_ctx {
	lp_es_output *o;
	lp_http *http;
	lp_http_response resp;
	long backoff;
} req_ctx;

static void backoff_grow(req_ctx *c)
{
	c->backoff *= 2;
	if (c->backoff > c->o->retry_max_ms)
		c->backoff = c->o->retry_max_ms;
}

/* One request to the next live host; retried with backoff until a response
 * arrives that is not 429/5xx. Returns the status, or 0 when stopping. */
static long request(req_ctx *c, const char *method, const char *path, const char *body)
{
	lp_es_output *o = c->o;
	for (;;) {
		if (!lp_elasticsearch_sleep(o, 0))
			return 0;
		lp_es_host *h = lp_elasticsearch_pick_host(o);
		if (h) {
			char *url = lp_asprintf("%s/%s", h->url, path);
			size_t nh;
			const lp_http_header *hdrs = lp_elasticsearch_headers(o, body != NULL, &nh);
			lp_http_request rq = {.method = method, .url = url, .headers = hdrs, .n_headers = nh,
					      .body = body, .body_len = body ? strlen(body) : 0};
			lp_buf_reset(&c->resp.body);
			int rc = lp_http_do(c->http, &rq, &c->resp);
			lp_free(url);
			if (rc < 0) {
				lp_elasticsearch_mark_dead(o, h, c->resp.error);
			} else if (c->resp.status == 429 || c->resp.status >= 500) {
				lp_warn(LP_ES_COMPONENT, "Elasticsearch at %s answered %s /%s with status %ld; "
					"retrying in %ld ms.", h->shown, method, path, c->resp.status, c->backoff);
			} else {
				return c->resp.status;
			}
		}
		if (!lp_elasticsearch_sleep(o, c->backoff))
			return 0;
		backoff_grow(c);
	}
}

static const char *snippet(lp_http_response *r)
{
	if (r->body.len > 512) {
		r->body.len = 512;
		r->body.data[512] = '\0';
	}
	return lp_buf_str(&r->body);
}

/* Returns false when stopping. */
static bool discover(req_ctx *c)
{
	lp_es_output *o = c->o;
	for (;;) {
		long st = request(c, "GET", "", NULL);
		if (st == 0)
			return false;
		if (st == 200) {
			int major = lp_es_template_parse_major(c->resp.body.data, c->resp.body.len);
			if (major > 0) {
				if (major < 7)
					lp_warn(LP_ES_COMPONENT, "Output '%s': Elasticsearch %d is older than 7; "
						"documents are sent with type \"doc\".", o->id, major);
				pthread_mutex_lock(&o->mu);
				o->major = major;
				pthread_mutex_unlock(&o->mu);
				lp_info(LP_ES_COMPONENT, "Output '%s' found Elasticsearch %d.", o->id, major);
				return true;
			}
			lp_error(LP_ES_COMPONENT, "Output '%s': the answer to GET / has no version.number; "
				 "is this Elasticsearch? Retrying.", o->id);
		} else {
			lp_error(LP_ES_COMPONENT, "Output '%s': Elasticsearch answered GET / with status %ld%s; "
				 "retrying.", o->id, st,
				 st == 401 || st == 403 ? " (check user/password or api_key)" : "");
		}
		if (!lp_elasticsearch_sleep(o, c->backoff))
			return false;
		backoff_grow(c);
	}
}

/* Returns false when stopping. */
static bool install_template(req_ctx *c)
{
	lp_es_output *o = c->o;
	bool composable = lp_es_template_composable(o->template_api, o->major);
	char *path = lp_asprintf("%s/%s", composable ? "_index_template" : "_template", o->template_name);
	char *builtin = NULL;
	const char *body = o->template_body;
	if (!body)
		body = builtin = lp_es_template_builtin(composable, o->template_pattern);
	bool running = true;
	if (!o->template_overwrite) {
		long st = request(c, "HEAD", path, NULL);
		if (st == 0) {
			running = false;
			goto out;
		}
		if (st == 200) {
			lp_info(LP_ES_COMPONENT, "Output '%s': template \"%s\" already exists; not overwriting it "
				"(template_overwrite is false).", o->id, path);
			goto out;
		}
	}
	long st = request(c, "PUT", path, body);
	if (st == 0)
		running = false;
	else if (st == 200)
		lp_info(LP_ES_COMPONENT, "Output '%s' installed the index template \"%s\".", o->id, path);
	else
		lp_error(LP_ES_COMPONENT, "Output '%s' could not install the index template \"%s\": status %ld: %s",
			 o->id, path, st, snippet(&c->resp));
out:
	lp_free(builtin);
	lp_free(path);
	return running;
}

static void *discovery_main(void *arg)
{
	req_ctx c = {.o = arg, .backoff = ((lp_es_output *)arg)->retry_initial_ms};
	lp_es_output *o = c.o;
	c.http = lp_http_create(&o->http);
	lp_http_response_init(&c.resp);
	if (!discover(&c))
		goto out;
	c.backoff = o->retry_initial_ms;
	if (o->manage_template && !install_template(&c))
		goto out;
	pthread_mutex_lock(&o->mu);
	o->ready = true;
	pthread_cond_broadcast(&o->cv);
	pthread_mutex_unlock(&o->mu);
out:
	lp_http_response_fini(&c.resp);
	lp_http_destroy(c.http);
	return NULL;
}

int lp_es_template_start(lp_es_output *o)
{
	int rc = pthread_create(&o->thread, NULL, discovery_main, o);
	if (rc != 0)
		return -rc;
	o->thread_started = true;
	return 0;
}

void lp_es_template_stop(lp_es_output *o)
{
	pthread_mutex_lock(&o->mu);
	o->stopping = true;
	pthread_cond_broadcast(&o->cv);
	pthread_mutex_unlock(&o->mu);
	if (o->thread_started) {
		pthread_join(o->thread, NULL);
		o->thread_started = false;
	}
}
