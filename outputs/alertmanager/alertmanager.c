/* alertmanager output: every event becomes a Prometheus Alertmanager alert
 * (labels and annotations are sprintf templates). Each worker batch is one
 * `POST <url>/api/v2/alerts` with a JSON array, identical alerts merged
 * (outputs/alertmanager/am_batch.h). With several URLs (an HA pair) each one
 * receives every alert, as Prometheus does; an alert is delivered when at
 * least one of them accepted it. Transport failures, 429 and 5xx are retried
 * by the engine with backoff; other 4xx answers are logged with the response
 * and the events rejected. A 400 for a batch of several alerts is narrowed
 * down by sending each alert alone, so that the valid ones are delivered and
 * only the invalid ones are rejected, each with Alertmanager's own answer. */
#include "outputs/alertmanager/am_batch.h"

#include "conf/schema.h"
#include "pipeline/error.h"
#include "pipeline/http.h"
#include "pipeline/log.h"
#include "pipeline/mem.h"
#include "pipeline/plugin.h"
#include "pipeline/template.h"

#include <stdio.h>
#include <string.h>

#define COMPONENT "output.alertmanager"
#define BODY_SNIP 1024

typedef struct amout {
	char *id;
	char **urls;       /* full endpoint URLs (.../api/v2/alerts) */
	char **safe_urls;  /* the same without passwords, for logs */
	size_t n_urls;
	lp_am_spec spec;
	lp_http_opts http; /* strings owned */
	lp_ratelimit rl_retry, rl_reject;
} amout;

typedef struct amout_ws {
	lp_http *http;
	lp_am_batch batch;
	lp_buf body, scratch;
	lp_http_response resp;
	lp_out_status *verdict;  /* per alert, across URLs */
	char **why;              /* per alert: the reason when rejected */
	size_t verdict_cap;
} amout_ws;

static const lp_option_def options[] = {
	{ "url", LP_OPT_ARRAY, NULL, LP_OPT_REQUIRED, NULL, 0, 0,
	  "Alertmanager base URL(s), e.g. http://alertmanager:9093; several for an HA pair "
	  "(each receives every alert)." },
	{ "labels", LP_OPT_HASH, NULL, LP_OPT_REQUIRED, NULL, 0, 0,
	  "The alert's labels (sprintf templates); must contain alertname. Identical labels are one alert." },
	{ "annotations", LP_OPT_HASH, "{}", 0, NULL, 0, 0,
	  "The alert's annotations (sprintf templates), e.g. summary and description." },
	{ "generator_url", LP_OPT_TEMPLATE, NULL, 0, NULL, 0, 0,
	  "A link back to the source of the alert (sprintf template)." },
	{ "ends_in", LP_OPT_STRING, "\"5m\"", 0, NULL, 0, 0,
	  "How long an alert stays firing without a new event: seconds, or a number with ms, s, m, h or d." },
	{ "user", LP_OPT_STRING, NULL, 0, NULL, 0, 0, "Basic authentication user." },
	{ "password", LP_OPT_PASSWORD, NULL, LP_OPT_SECRET, NULL, 0, 0, "Basic authentication password." },
	{ "connect_timeout", LP_OPT_NUMBER, "10", 0, NULL, 0, 86400, "Seconds to establish a connection." },
	{ "request_timeout", LP_OPT_NUMBER, "30", 0, NULL, 0, 86400, "Seconds for a whole request." },
	LP_HTTP_TLS_OPTIONS,
	LP_OPT_END,
};

static void free_names(char **names, lp_template **values, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		lp_free(names[i]);
		lp_template_destroy(values[i]);
	}
	lp_free(names);
	lp_free(values);
}

static void amout_destroy(void *inst)
{
	amout *o = inst;
	if (!o)
		return;
	lp_free(o->id);
	for (size_t i = 0; i < o->n_urls; i++) {
		lp_free(o->urls[i]);
		lp_free(o->safe_urls[i]);
	}
	lp_free(o->urls);
	lp_free(o->safe_urls);
	free_names(o->spec.label_names, o->spec.label_values, o->spec.n_labels);
	free_names(o->spec.annotation_names, o->spec.annotation_values, o->spec.n_annotations);
	lp_template_destroy(o->spec.generator_url);
	lp_free((char *)o->http.ca_file);
	lp_free((char *)o->http.cert_file);
	lp_free((char *)o->http.key_file);
	lp_free((char *)o->http.user);
	lp_free((char *)o->http.password);
	lp_free(o);
}

/* Compiles a hash option of templates into names/values; returns the count. */
static size_t read_hash(lp_args *a, const char *opt, bool label_names, char ***names,
			lp_template ***values)
{
	const lpj_t *h = lp_args_get(a, opt);
	size_t cap = lpj_is_object(h) ? lpj_object_size(h) : 0, n = 0, i = 0;
	*names = lp_calloc(cap + 1, sizeof(**names));
	*values = lp_calloc(cap + 1, sizeof(**values));
	const char *k;
	lpj_t *v;
	lpj_object_foreach((lpj_t *)h, k, v) {
		size_t at = i++;
		if (label_names && !lp_am_batch_label_name_ok(k)) {
			lp_args_error_item(a, opt, at,
					   "'%s' is not a valid label name (letters, digits and '_', "
					   "not starting with a digit)", k);
			continue;
		}
		char *text = lpj_is_string(v) ? lp_strdup(lpj_string_value(v))
			     : lpj_is_number(v) ? lp_asprintf("%g", lpj_number_value(v))
						 : NULL;
		if (!text) {
			lp_args_error_item(a, opt, at, "the value of '%s' must be a string", k);
			continue;
		}
		lp_template *t = lp_args_template_text(a, opt, at, text);
		lp_free(text);
		if (!t)
			continue;
		(*names)[n] = lp_strdup(k);
		(*values)[n] = t;
		n++;
	}
	return n;
}

static void read_urls(lp_args *a, amout *o)
{
	const lpj_t *arr = lp_args_get(a, "url");
	size_t n = lpj_is_array(arr) ? lpj_array_size(arr) : 0;
	o->urls = lp_calloc(n + 1, sizeof(*o->urls));
	o->safe_urls = lp_calloc(n + 1, sizeof(*o->safe_urls));
	for (size_t i = 0; i < n; i++) {
		const char *u = lp_args_item_str(a, "url", i);
		if (!u || (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0)) {
			lp_args_error_item(a, "url", i, "'%s' is not an http:// or https:// URL",
					   u ? u : "");
			continue;
		}
		size_t len = strlen(u);
		while (len > 0 && u[len - 1] == '/')
			len--;
		if (len >= 14 && strncmp(u + len - 14, "/api/v2/alerts", 14) == 0)
			len -= 14; /* the endpoint itself was given */
		if (len >= 14 && strncmp(u + len - 14, "/api/v1/alerts", 14) == 0) {
			lp_args_error_item(a, "url", i,
					   "the v1 API was removed in Alertmanager 0.27; give the base URL "
					   "(e.g. http://alertmanager:9093)");
			continue;
		}
		o->urls[o->n_urls] = lp_asprintf("%.*s/api/v2/alerts", (int)len, u);
		o->safe_urls[o->n_urls] = lp_http_redact_url(o->urls[o->n_urls]);
		o->n_urls++;
	}
	if (n == 0)
		lp_args_error(a, "url", "at least one Alertmanager URL is needed");
}

static void *amout_create(lp_args *a)
{
	amout *o = lp_calloc(1, sizeof(*o));
	o->id = lp_strdup(lp_args_id(a));
	read_urls(a, o);
	o->spec.n_labels = read_hash(a, "labels", true, &o->spec.label_names, &o->spec.label_values);
	bool has_alertname = false;
	for (size_t i = 0; i < o->spec.n_labels; i++)
		if (strcmp(o->spec.label_names[i], "alertname") == 0)
			has_alertname = true;
	if (!has_alertname && !lp_args_failed(a))
		lp_args_error(a, "labels", "the labels must contain 'alertname'");
	o->spec.n_annotations = read_hash(a, "annotations", false, &o->spec.annotation_names,
					  &o->spec.annotation_values);
	if (lp_args_isset(a, "generator_url"))
		o->spec.generator_url = lp_args_template(a, "generator_url");
	const char *ends = lp_args_str(a, "ends_in");
	if (lp_am_batch_parse_duration(ends ? ends : "5m", &o->spec.ends_in_ms) < 0 ||
	    o->spec.ends_in_ms < 1000)
		lp_args_error(a, "ends_in",
			      "'%s' is not a duration of at least one second (e.g. 300, 30s, 5m, 1h)",
			      ends ? ends : "");

	lp_http_opts_defaults(&o->http);
	o->http.connect_timeout_ms = (long)(lp_args_num(a, "connect_timeout", 10) * 1000);
	o->http.timeout_ms = (long)(lp_args_num(a, "request_timeout", 30) * 1000);
	const char *user = lp_args_str(a, "user"), *pw = lp_args_str(a, "password");
	o->http.user = user ? lp_strdup(user) : NULL;
	o->http.password = pw ? lp_strdup(pw) : NULL;
	if (pw && !user)
		lp_args_error(a, "password", "'password' needs 'user'");
	lp_http_opts_tls_from_args(&o->http, a);
	if (lp_args_failed(a)) {
		amout_destroy(o);
		return NULL;
	}
	return o;
}

static void *amout_worker_create(void *inst)
{
	amout *o = inst;
	amout_ws *w = lp_calloc(1, sizeof(*w));
	w->http = lp_http_create(&o->http);
	lp_am_batch_init(&w->batch);
	lp_buf_init(&w->body);
	lp_buf_init(&w->scratch);
	lp_http_response_init(&w->resp);
	return w;
}

static void amout_worker_destroy(void *inst, void *ws)
{
	amout_ws *w = ws;
	if (!w)
		return;
	lp_http_destroy(w->http);
	lp_am_batch_fini(&w->batch);
	lp_buf_fini(&w->body);
	lp_buf_fini(&w->scratch);
	lp_http_response_fini(&w->resp);
	for (size_t i = 0; i < w->verdict_cap; i++)
		lp_free(w->why[i]);
	lp_free(w->verdict);
	lp_free(w->why);
	lp_free(w);
}

static const char *suppressed_note(char *buf, size_t len, long long supp)
{
	if (!supp)
		return "";
	snprintf(buf, len, " (%lld similar messages suppressed)", supp);
	return buf;
}

/* Posts alerts which[0..n) (all when which is NULL) to URL u. Returns the
 * outcome for them and, for a rejection, the reason (lp_malloc'd). */
static lp_out_status post(amout *o, amout_ws *w, size_t u, const size_t *which, size_t n,
			  char **reason)
{
	lp_buf_reset(&w->body);
	lp_am_batch_encode(&w->batch, &o->spec, which, n, lp_time_now(), &w->body);
	lp_http_header hd[] = { { "Content-Type", "application/json" } };
	lp_http_request rq = { "POST", o->urls[u], hd, 1, w->body.data, w->body.len, 0 };
	int rc = lp_http_do(w->http, &rq, &w->resp);
	long status = w->resp.status;
	*reason = NULL;
	if (rc == 0 && status >= 200 && status <= 299)
		return LP_OUT_DELIVERED;
	lp_buf why = LP_BUF_INIT;
	if (rc != 0) {
		lp_buf_printf(&why, "POST '%s' failed: %s", o->safe_urls[u], w->resp.error);
	} else {
		lp_buf_printf(&why, "Alertmanager '%s' answered HTTP %ld: ", o->safe_urls[u], status);
		size_t k = w->resp.body.len < BODY_SNIP ? w->resp.body.len : BODY_SNIP;
		for (size_t i = 0; i < k; i++) {
			char c = w->resp.body.data[i];
			lp_buf_addc(&why, (unsigned char)c < 0x20 ? ' ' : c);
		}
		while (why.len && why.data[why.len - 1] == ' ')
			why.data[--why.len] = '\0';
	}
	if (rc != 0 || status == 429 || status >= 500 || status < 200) {
		*reason = why.data;
		return LP_OUT_RETRY;
	}
	*reason = why.data;
	return LP_OUT_REJECTED;
}

/* Records an outcome for alert a: delivered anywhere wins, then retry. */
static void merge_verdict(amout_ws *w, size_t a, lp_out_status st, const char *reason)
{
	if (w->verdict[a] == LP_OUT_DELIVERED)
		return;
	if (st == LP_OUT_DELIVERED || st == LP_OUT_RETRY || w->verdict[a] == LP_OUT_REJECTED) {
		w->verdict[a] = st;
		lp_free(w->why[a]);
		w->why[a] = reason ? lp_strdup(reason) : NULL;
	}
}

static void amout_send(void *inst, void *ws, lp_event *const *evs, size_t n, lp_out_result *res)
{
	amout *o = inst;
	amout_ws *w = ws;
	if (n == 0)
		return;
	lp_am_batch_build(&w->batch, &o->spec, evs, n, &w->scratch);
	size_t na = w->batch.n;
	if (na > w->verdict_cap) {
		size_t old = w->verdict_cap;
		w->verdict = lp_realloc(w->verdict, na * sizeof(*w->verdict));
		w->why = lp_realloc(w->why, na * sizeof(*w->why));
		memset(w->why + old, 0, (na - old) * sizeof(*w->why));
		w->verdict_cap = na;
	}
	for (size_t i = 0; i < na; i++) {
		/* REJECTED is the weakest verdict; any URL's better answer wins. */
		w->verdict[i] = LP_OUT_REJECTED;
		lp_free(w->why[i]);
		w->why[i] = NULL;
	}
	char note[64];
	long long supp = 0;
	for (size_t u = 0; u < o->n_urls; u++) {
		char *reason = NULL;
		lp_out_status st = post(o, w, u, NULL, 0, &reason);
		if (st == LP_OUT_REJECTED && na > 1 && w->resp.status == 400) {
			/* Alertmanager kept the valid alerts of the batch and answered
			 * 400 for the others: find out which, one alert at a time. */
			lp_free(reason);
			for (size_t i = 0; i < na; i++) {
				lp_out_status one = post(o, w, u, &i, 1, &reason);
				merge_verdict(w, i, one, reason);
				lp_free(reason);
			}
			continue;
		}
		/* A failure is reported here when the alerts may still be delivered
		 * elsewhere (retries, other Alertmanagers of a pair); final
		 * rejections are reported per alert below. */
		if ((st == LP_OUT_RETRY || (st == LP_OUT_REJECTED && o->n_urls > 1)) &&
		    lp_ratelimit_ok(&o->rl_retry, 5000, &supp))
			lp_warn(COMPONENT, "Output '%s': %s; %zu alert(s) not delivered there%s.", o->id,
				reason, na, suppressed_note(note, sizeof(note), supp));
		for (size_t i = 0; i < na; i++)
			merge_verdict(w, i, st, reason);
		lp_free(reason);
	}
	for (size_t i = 0; i < na; i++) {
		if (w->verdict[i] != LP_OUT_REJECTED)
			continue;
		if (lp_ratelimit_ok(&o->rl_reject, 1000, &supp))
			lp_error(COMPONENT, "Output '%s': %s; the alert %s is rejected%s.", o->id,
				 w->why[i] ? w->why[i] : "no Alertmanager accepted the alert",
				 lp_buf_str(&w->batch.alerts[i].labels),
				 suppressed_note(note, sizeof(note), supp));
	}
	for (size_t i = 0; i < n; i++) {
		size_t a = w->batch.of_event[i];
		res[i].status = w->verdict[a];
		res[i].reason = w->verdict[a] == LP_OUT_REJECTED && w->why[a] ? lp_strdup(w->why[a]) : NULL;
	}
}

const lp_plugin_def lp_plugin_output_alertmanager = {
	.name = "alertmanager",
	.kind = LP_PLUGIN_OUTPUT,
	.doc = "Sends events as Prometheus Alertmanager alerts (API v2), one request per batch.",
	.options = options,
	.create = amout_create,
	.destroy = amout_destroy,
	.worker_create = amout_worker_create,
	.worker_destroy = amout_worker_destroy,
	.send = amout_send,
};
