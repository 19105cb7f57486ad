/* http output: sends events to an HTTP endpoint with Logstash's options.
 * One request per event (formats json, form, message) or one per worker
 * batch (json_batch, a JSON array). 2xx and ignorable_codes are delivered;
 * retryable_codes and transport failures are retried by the engine with
 * backoff (when retry_failed); any other status rejects the event (dead-letter
 * queue when enabled), logged with the status and the response body. */
#include "outputs/http/http_body.h"

#include "conf/schema.h"
#include "pipeline/error.h"
#include "pipeline/http.h"
#include "pipeline/jsonw.h"
#include "pipeline/log.h"
#include "pipeline/mem.h"
#include "pipeline/plugin.h"
#include "pipeline/template.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define COMPONENT "output.http"
#define MAX_CODES 64
#define BODY_SNIP 1024

typedef enum { FMT_JSON, FMT_JSON_BATCH, FMT_FORM, FMT_MESSAGE } body_format;

typedef struct hdr {
	char *name;
	lp_template *value;
} hdr;

typedef struct httpout {
	char *id;
	lp_template *url;
	char *method;       /* upper case */
	bool idempotent;
	body_format format;
	lp_http_map *mapping; /* or NULL */
	lp_template *message; /* format message */
	char *content_type;
	hdr *headers;
	size_t n_headers;
	int retryable[MAX_CODES];
	size_t n_retryable;
	int ignorable[MAX_CODES];
	size_t n_ignorable;
	bool retry_failed;
	bool retry_non_idempotent;
	int automatic_retries;
	int gzip_level;
	lp_http_opts http;   /* strings owned */
	lp_ratelimit rl_retry;
	lp_ratelimit rl_reject;
} httpout;

typedef struct httpout_ws {
	lp_http *http;
	lp_buf body, url, scratch, hvals;
	lp_http_header *hdrs; /* n_headers + 1 */
	size_t *hoffs;        /* n_headers: value offsets in hvals */
	lp_http_response resp;
} httpout_ws;

static const char *const methods[] = { "put", "post", "patch", "delete", "get", "head", NULL };
static const char *const formats[] = { "json", "json_batch", "form", "message", NULL };

static const lp_option_def options[] = {
	{ "url", LP_OPT_TEMPLATE, NULL, LP_OPT_REQUIRED, NULL, 0, 0,
	  "The endpoint, a sprintf template rendered per event (not for json_batch)." },
	{ "http_method", LP_OPT_STRING, NULL, LP_OPT_REQUIRED, methods, 0, 0,
	  "The HTTP verb: put, post, patch, delete, get or head." },
	{ "format", LP_OPT_STRING, "\"json\"", 0, formats, 0, 0,
	  "json: one JSON object per request; json_batch: one JSON array per batch; form: "
	  "a url-encoded form; message: the `message` template." },
	{ "mapping", LP_OPT_HASH, NULL, 0, NULL, 0, 0,
	  "The body instead of the whole event: nested hashes and arrays whose string leaves are sprintf templates." },
	{ "message", LP_OPT_STRING, NULL, 0, NULL, 0, 0,
	  "The body for format message, a sprintf template." },
	{ "headers", LP_OPT_HASH, "{}", 0, NULL, 0, 0,
	  "Extra request headers; values are sprintf templates (not for json_batch)." },
	{ "content_type", LP_OPT_STRING, NULL, 0, NULL, 0, 0,
	  "Content-Type; default application/json (json, json_batch), "
	  "application/x-www-form-urlencoded (form), text/plain (message)." },
	{ "user", LP_OPT_STRING, NULL, 0, NULL, 0, 0, "Basic authentication user." },
	{ "password", LP_OPT_PASSWORD, NULL, LP_OPT_SECRET, NULL, 0, 0, "Basic authentication password." },
	{ "retry_failed", LP_OPT_BOOL, "true", 0, NULL, 0, 0,
	  "Retry (with backoff, without end) on retryable_codes and transport errors; false rejects them." },
	{ "retryable_codes", LP_OPT_ARRAY, "[429, 500, 502, 503, 504]", 0, NULL, 0, 0,
	  "HTTP statuses that are retried." },
	{ "ignorable_codes", LP_OPT_ARRAY, "[]", 0, NULL, 0, 0,
	  "HTTP statuses that count as delivered." },
	{ "automatic_retries", LP_OPT_NUMBER, "1", 0, NULL, 0, 100,
	  "Immediate re-attempts after a transport failure, before the engine's backoff." },
	{ "retry_non_idempotent", LP_OPT_BOOL, "false", 0, NULL, 0, 0,
	  "Let automatic_retries re-send POST and PATCH requests that may have reached the server." },
	{ "http_compression", LP_OPT_BOOL, "false", 0, NULL, 0, 0, "Gzip request bodies." },
	{ "connect_timeout", LP_OPT_NUMBER, "10", 0, NULL, 0, 86400, "Seconds to establish a connection." },
	{ "socket_timeout", LP_OPT_NUMBER, "10", 0, NULL, 0, 86400,
	  "Seconds without any data moving before a request fails." },
	{ "request_timeout", LP_OPT_NUMBER, "60", 0, NULL, 0, 86400, "Seconds for a whole request." },
	{ "keepalive", LP_OPT_BOOL, "true", 0, NULL, 0, 0, "Reuse connections between requests." },
	{ "pool_max", LP_OPT_NUMBER, "50", 0, NULL, 1, 1e6,
	  "Accepted for compatibility: logpipe keeps one connection per worker." },
	{ "pool_max_per_route", LP_OPT_NUMBER, "25", 0, NULL, 1, 1e6,
	  "Accepted for compatibility: logpipe keeps one connection per worker." },
	{ "validate_after_inactivity", LP_OPT_NUMBER, "200", 0, NULL, 0, 0,
	  "Accepted for compatibility: a stale kept-alive connection is detected and replaced." },
	{ "cookies", LP_OPT_BOOL, "true", 0, NULL, 0, 0, "Accepted for compatibility: cookies are not kept." },
	{ "follow_redirects", LP_OPT_BOOL, "true", 0, NULL, 0, 0, "Follow 3xx redirects." },
	{ "proxy", LP_OPT_URI, NULL, 0, NULL, 0, 0, "Proxy URL." },
	LP_HTTP_TLS_OPTIONS,
	{ "cacert", LP_OPT_PATH, NULL, LP_OPT_DEPRECATED, NULL, 0, 0,
	  "Deprecated: use ssl_certificate_authorities." },
	{ "client_cert", LP_OPT_PATH, NULL, LP_OPT_DEPRECATED, NULL, 0, 0, "Deprecated: use ssl_certificate." },
	{ "client_key", LP_OPT_PATH, NULL, LP_OPT_DEPRECATED, NULL, 0, 0, "Deprecated: use ssl_key." },
	{ "keystore", LP_OPT_PATH, NULL, LP_OPT_DEPRECATED, NULL, 0, 0,
	  "Not supported: use ssl_certificate and ssl_key (PEM)." },
	{ "truststore", LP_OPT_PATH, NULL, LP_OPT_DEPRECATED, NULL, 0, 0,
	  "Not supported: use ssl_certificate_authorities (PEM)." },
	LP_OPT_END,
};

static char *dup_opt(const lp_args *a, const char *name)
{
	const char *s = lp_args_str(a, name);
	return s ? lp_strdup(s) : NULL;
}

static size_t read_codes(lp_args *a, const char *name, int *out)
{
	const lpj_t *arr = lp_args_get(a, name);
	size_t n = lpj_is_array(arr) ? lpj_array_size(arr) : 0, k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *s = lp_args_item_str(a, name, i);
		char *end = NULL;
		long code = s ? strtol(s, &end, 10) : 0;
		if (!s || end == s || *end || code < 100 || code > 599) {
			lp_args_error_item(a, name, i, "'%s' is not an HTTP status code", s ? s : "");
			continue;
		}
		if (k == MAX_CODES) {
			lp_args_error_item(a, name, i, "at most %d codes may be listed", MAX_CODES);
			break;
		}
		out[k++] = (int)code;
	}
	return k;
}

static bool has_code(const int *codes, size_t n, long code)
{
	for (size_t i = 0; i < n; i++)
		if (codes[i] == code)
			return true;
	return false;
}

static void read_headers(lp_args *a, httpout *o)
{
	const lpj_t *h = lp_args_get(a, "headers");
	if (!lpj_is_object(h))
		return;
	o->headers = lp_calloc(lpj_object_size(h) + 1, sizeof(*o->headers));
	const char *k;
	lpj_t *v;
	size_t i = 0;
	lpj_object_foreach((lpj_t *)h, k, v) {
		if (!*k || strpbrk(k, ": \t\r\n")) {
			lp_args_error_item(a, "headers", i, "'%s' is not a valid header name", k);
			i++;
			continue;
		}
		const char *text = lpj_is_string(v) ? lpj_string_value(v) : NULL;
		char *num = NULL;
		if (!text && lpj_is_number(v))
			text = num = lp_asprintf("%g", lpj_number_value(v));
		if (!text) {
			lp_args_error_item(a, "headers", i, "the value of header '%s' must be a string", k);
			i++;
			continue;
		}
		lp_template *t = lp_args_template_text(a, "headers", i, text);
		lp_free(num);
		i++;
		if (!t)
			continue;
		o->headers[o->n_headers].name = lp_strdup(k);
		o->headers[o->n_headers].value = t;
		o->n_headers++;
	}
}

static void httpout_destroy(void *inst)
{
	httpout *o = inst;
	if (!o)
		return;
	lp_free(o->id);
	lp_template_destroy(o->url);
	lp_free(o->method);
	lp_http_map_destroy(o->mapping);
	lp_template_destroy(o->message);
	lp_free(o->content_type);
	for (size_t i = 0; i < o->n_headers; i++) {
		lp_free(o->headers[i].name);
		lp_template_destroy(o->headers[i].value);
	}
	lp_free(o->headers);
	lp_free((char *)o->http.ca_file);
	lp_free((char *)o->http.cert_file);
	lp_free((char *)o->http.key_file);
	lp_free((char *)o->http.user);
	lp_free((char *)o->http.password);
	lp_free((char *)o->http.proxy);
	lp_free(o);
}

static void *httpout_create(lp_args *a)
{
	httpout *o = lp_calloc(1, sizeof(*o));
	o->id = lp_strdup(lp_args_id(a));
	o->url = lp_args_template(a, "url");
	const char *m = lp_args_str(a, "http_method");
	o->method = lp_strdup(m ? m : "post");
	for (char *p = o->method; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	o->idempotent = strcmp(o->method, "POST") != 0 && strcmp(o->method, "PATCH") != 0;

	const char *f = lp_args_str(a, "format");
	o->format = !f || strcmp(f, "json") == 0 ? FMT_JSON
		    : strcmp(f, "json_batch") == 0 ? FMT_JSON_BATCH
		    : strcmp(f, "form") == 0       ? FMT_FORM
						   : FMT_MESSAGE;
	if (lp_args_isset(a, "mapping")) {
		char err[512];
		o->mapping = lp_http_map_compile(lp_args_get(a, "mapping"), err, sizeof(err));
		if (!o->mapping)
			lp_args_error(a, "mapping", "%s", err);
	}
	if (o->format == FMT_MESSAGE) {
		if (!lp_args_isset(a, "message"))
			lp_args_error(a, "format", "format \"message\" needs the 'message' option");
		else
			o->message = lp_args_template(a, "message");
	}
	const char *ct = lp_args_str(a, "content_type");
	if (!ct)
		ct = o->format == FMT_FORM      ? "application/x-www-form-urlencoded"
		     : o->format == FMT_MESSAGE ? "text/plain"
						: "application/json";
	o->content_type = lp_strdup(ct);
	read_headers(a, o);

	o->n_retryable = read_codes(a, "retryable_codes", o->retryable);
	o->n_ignorable = read_codes(a, "ignorable_codes", o->ignorable);
	o->retry_failed = lp_args_bool(a, "retry_failed", true);
	o->retry_non_idempotent = lp_args_bool(a, "retry_non_idempotent", false);
	o->automatic_retries = (int)lp_args_int(a, "automatic_retries", 1);
	o->gzip_level = lp_args_bool(a, "http_compression", false) ? 6 : 0;

	lp_http_opts_defaults(&o->http);
	o->http.connect_timeout_ms = (long)(lp_args_num(a, "connect_timeout", 10) * 1000);
	o->http.idle_timeout_ms = (long)(lp_args_num(a, "socket_timeout", 10) * 1000);
	o->http.timeout_ms = (long)(lp_args_num(a, "request_timeout", 60) * 1000);
	o->http.keepalive = lp_args_bool(a, "keepalive", true);
	o->http.follow_redirects = lp_args_bool(a, "follow_redirects", true);
	o->http.proxy = dup_opt(a, "proxy");
	o->http.user = dup_opt(a, "user");
	o->http.password = dup_opt(a, "password");
	if (o->http.password && !o->http.user)
		lp_args_error(a, "password", "'password' needs 'user'");
	lp_http_opts_tls_from_args(&o->http, a);

	if (lp_args_failed(a)) {
		httpout_destroy(o);
		return NULL;
	}
	return o;
}

static void *httpout_worker_create(void *inst)
{
	httpout *o = inst;
	httpout_ws *w = lp_calloc(1, sizeof(*w));
	w->http = lp_http_create(&o->http);
	lp_buf_init(&w->body);
	lp_buf_init(&w->url);
	lp_buf_init(&w->scratch);
	lp_buf_init(&w->hvals);
	w->hdrs = lp_calloc(o->n_headers + 1, sizeof(*w->hdrs));
	w->hoffs = lp_calloc(o->n_headers + 1, sizeof(*w->hoffs));
	lp_http_response_init(&w->resp);
	return w;
}

static void httpout_worker_destroy(void *inst, void *ws)
{
	httpout_ws *w = ws;
	if (!w)
		return;
	lp_http_destroy(w->http);
	lp_buf_fini(&w->body);
	lp_buf_fini(&w->url);
	lp_buf_fini(&w->scratch);
	lp_buf_fini(&w->hvals);
	lp_free(w->hdrs);
	lp_free(w->hoffs);
	lp_http_response_fini(&w->resp);
	lp_free(w);
}

/* Appends one event's body in the per-event formats (and each element of a
 * json_batch array). */
static void write_body(const httpout *o, httpout_ws *w, lp_event *ev, lp_buf *out)
{
	switch (o->format) {
	case FMT_JSON:
	case FMT_JSON_BATCH:
		if (o->mapping)
			lp_http_map_write_json(o->mapping, ev, out, &w->scratch);
		else
			lp_event_write_json(ev, out, false);
		break;
	case FMT_FORM:
		if (o->mapping)
			lp_http_map_write_form(o->mapping, ev, out, &w->scratch);
		else
			lp_http_body_event_form(ev, out, &w->scratch);
		break;
	case FMT_MESSAGE:
		lp_template_render(o->message, ev, out);
		break;
	}
}

/* Fills w->hdrs: Content-Type, then the configured headers rendered for ev
 * (or as written when ev is NULL). CR and LF in rendered values become
 * spaces. Returns the count. */
static size_t build_headers(const httpout *o, httpout_ws *w, lp_event *ev)
{
	size_t n = 0;
	size_t *offs = w->hoffs;
	lp_buf_reset(&w->hvals);
	for (size_t i = 0; i < o->n_headers; i++) {
		offs[i] = w->hvals.len;
		if (ev)
			lp_template_render(o->headers[i].value, ev, &w->hvals);
		else
			lp_buf_adds(&w->hvals, lp_template_text(o->headers[i].value));
		lp_buf_addc(&w->hvals, '\0');
	}
	for (size_t i = 0; i < w->hvals.len; i++)
		if (w->hvals.data[i] == '\r' || w->hvals.data[i] == '\n')
			w->hvals.data[i] = ' ';
	bool ct_set = false;
	for (size_t i = 0; i < o->n_headers; i++) {
		w->hdrs[n].name = o->headers[i].name;
		w->hdrs[n].value = w->hvals.data + offs[i];
		if (strcasecmp(o->headers[i].name, "Content-Type") == 0) {
			/* content_type wins, as in Logstash. */
			w->hdrs[n].value = o->content_type;
			ct_set = true;
		}
		n++;
	}
	if (!ct_set) {
		w->hdrs[n].name = "Content-Type";
		w->hdrs[n].value = o->content_type;
		n++;
	}
	return n;
}

/* Performs the request with automatic_retries for transport failures. */
static int perform(const httpout *o, httpout_ws *w, const lp_http_request *rq)
{
	int rc;
	for (int attempt = 0;; attempt++) {
		rc = lp_http_do(w->http, rq, &w->resp);
		if (rc == 0 || rc == LP_EINVAL || attempt >= o->automatic_retries)
			return rc;
		/* A refused connection never reached the server; anything else may
		 * have, so non-idempotent requests are re-sent only when allowed. */
		if (!o->idempotent && !o->retry_non_idempotent && rc != -ECONNREFUSED)
			return rc;
	}
}

/* Appends the response body to out, cut to BODY_SNIP bytes, with control
 * characters as spaces (log lines stay single lines). */
static void snip_body(lp_buf *out, const lp_buf *body)
{
	size_t n = body->len < BODY_SNIP ? body->len : BODY_SNIP;
	for (size_t i = 0; i < n; i++) {
		char c = body->data[i];
		lp_buf_addc(out, (unsigned char)c < 0x20 ? ' ' : c);
	}
	if (body->len > n)
		lp_buf_printf(out, "... (%zu bytes)", body->len);
}

static const char *suppressed_note(char *buf, size_t len, long long supp)
{
	if (!supp)
		return "";
	snprintf(buf, len, " (%lld similar messages suppressed)", supp);
	return buf;
}

/* Classifies the outcome of one request into res (the same for every event
 * it carried). n_events is for messages. */
static void classify(httpout *o, httpout_ws *w, int rc, const char *url, size_t n_events,
		     lp_out_result *res)
{
	char *safe_url = NULL;
	long status = w->resp.status;
	long long supp = 0;
	char note[64];
	res->status = LP_OUT_DELIVERED;
	res->reason = NULL;
	if (rc == 0 && ((status >= 200 && status <= 299) ||
			has_code(o->ignorable, o->n_ignorable, status))) {
		if ((status < 200 || status > 299) && lp_log_enabled(LP_LOG_DEBUG)) {
			safe_url = lp_http_redact_url(url);
			lp_debug(COMPONENT, "Output '%s': %s '%s' answered %ld, an ignorable code.", o->id,
				 o->method, safe_url, status);
		}
		goto done;
	}
	safe_url = lp_http_redact_url(url);
	bool transport = rc != 0;
	bool retryable = (transport && rc != LP_EINVAL) ||
			 (!transport && has_code(o->retryable, o->n_retryable, status));
	lp_buf why = LP_BUF_INIT;
	if (transport)
		lp_buf_printf(&why, "%s '%s' failed: %s", o->method, safe_url, w->resp.error);
	else {
		lp_buf_printf(&why, "%s '%s' answered HTTP %ld: ", o->method, safe_url, status);
		snip_body(&why, &w->resp.body);
	}
	if (retryable && o->retry_failed) {
		res->status = LP_OUT_RETRY;
		if (lp_ratelimit_ok(&o->rl_retry, 5000, &supp))
			lp_warn(COMPONENT, "Output '%s': %s; will retry %zu event(s)%s.", o->id,
				lp_buf_str(&why), n_events, suppressed_note(note, sizeof(note), supp));
		lp_buf_fini(&why);
		goto done;
	}
	res->status = LP_OUT_REJECTED;
	if (lp_ratelimit_ok(&o->rl_reject, 1000, &supp))
		lp_error(COMPONENT, "Output '%s': %s; %zu event(s) rejected%s.", o->id, lp_buf_str(&why),
			 n_events, suppressed_note(note, sizeof(note), supp));
	res->reason = why.data ? why.data : lp_strdup("");
done:
	lp_free(safe_url);
}

static void httpout_send(void *inst, void *ws, lp_event *const *evs, size_t n, lp_out_result *res)
{
	httpout *o = inst;
	httpout_ws *w = ws;
	if (n == 0)
		return;
	bool head = strcmp(o->method, "HEAD") == 0;
	lp_http_request rq = { .method = o->method, .gzip_level = o->gzip_level };
	if (o->format == FMT_JSON_BATCH) {
		/* One request for the batch; url and headers as written (Logstash
		 * does not sprintf them for json_batch). */
		lp_buf_reset(&w->body);
		lp_buf_addc(&w->body, '[');
		for (size_t i = 0; i < n; i++) {
			if (i)
				lp_buf_addc(&w->body, ',');
			write_body(o, w, evs[i], &w->body);
		}
		lp_buf_addc(&w->body, ']');
		rq.url = lp_template_text(o->url);
		rq.headers = w->hdrs;
		rq.n_headers = build_headers(o, w, NULL);
		rq.body = head ? NULL : w->body.data;
		rq.body_len = head ? 0 : w->body.len;
		int rc = perform(o, w, &rq);
		lp_out_result r;
		classify(o, w, rc, rq.url, n, &r);
		for (size_t i = 0; i < n; i++) {
			res[i].status = r.status;
			res[i].reason = i == 0 ? r.reason : (r.reason ? lp_strdup(r.reason) : NULL);
		}
		return;
	}
	for (size_t i = 0; i < n; i++) {
		lp_event *ev = evs[i];
		lp_buf_reset(&w->body);
		write_body(o, w, ev, &w->body);
		lp_buf_reset(&w->url);
		lp_template_render(o->url, ev, &w->url);
		rq.url = lp_buf_str(&w->url);
		rq.headers = w->hdrs;
		rq.n_headers = build_headers(o, w, ev);
		rq.body = head ? NULL : w->body.data;
		rq.body_len = head ? 0 : w->body.len;
		int rc = perform(o, w, &rq);
		classify(o, w, rc, rq.url, 1, &res[i]);
		if (rc != 0 && res[i].status == LP_OUT_RETRY) {
			/* The endpoint is unreachable: do not wait for a timeout per
			 * event; the engine retries the rest with backoff. */
			for (size_t j = i + 1; j < n; j++) {
				res[j].status = LP_OUT_RETRY;
				res[j].reason = NULL;
			}
			return;
		}
	}
}

const lp_plugin_def lp_plugin_output_http = {
	.name = "http",
	.kind = LP_PLUGIN_OUTPUT,
	.doc = "Sends events to an HTTP endpoint (JSON, JSON batches, forms or a message template).",
	.options = options,
	.create = httpout_create,
	.destroy = httpout_destroy,
	.worker_create = httpout_worker_create,
	.worker_destroy = httpout_worker_destroy,
	.send = httpout_send,
};
