/* elasticsearch output: Logstash's elasticsearch output (options and
 * defaults), non-data-stream mode. Each worker encodes its batch into one
 * NDJSON _bulk body (es_bulk.c), sends it in chunks of at most 20 MiB to the
 * next live host over its own keep-alive connection (gzip at
 * compression_level), and classifies the answer (es_response.c):
 *
 *   no answer, 429, 5xx, other statuses on the whole request
 *       -> the worker waits (2 s doubling to 64 s) and sends the chunk again,
 *          forever; this wait is the backpressure
 *   413 on the whole request -> every item of the chunk RETRY (the engine)
 *   200 -> per item: DELIVERED, RETRY (429/5xx), DROPPED (409),
 *          REJECTED (400/404/dlq_custom_codes; the engine writes the DLQ)
 *
 * Sends wait until the background thread (es_template.c) found the cluster's
 * version and installed the template; start() never blocks on the network.
 * Secrets (password, api_key, URL passwords) are never logged. */
#include "outputs/elasticsearch/elasticsearch.h"

#include "outputs/elasticsearch/es_bulk.h"
#include "outputs/elasticsearch/es_response.h"
#include "outputs/elasticsearch/es_template.h"

#include "conf/schema.h"
#include "pipeline/error.h"
#include "pipeline/jsonw.h"
#include "pipeline/mem.h"
#include "pipeline/plugin.h"

#include <ctype.h>
#include <errno.h>
#include "pipeline/json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define DEFAULT_PORT "9200"

typedef struct es_ws {
	lp_http *http;
	lp_es_bulk bulk;
	lp_buf scratch, url;
	lp_http_response resp;
} es_ws;

static const char *const template_apis[] = { "auto", "legacy", "composable", NULL };
static const char *const data_stream_modes[] = { "auto", "true", "false", NULL };

static const lp_option_def options[] = {
	{ "hosts", LP_OPT_ARRAY, "[\"//127.0.0.1\"]", 0, NULL, 0, 0,
	  "Elasticsearch URLs (scheme, host, port 9200 by default, path); requests are spread over them." },
	{ "index", LP_OPT_TEMPLATE, "\"logstash-%{+yyyy.MM.dd}\"", 0, NULL, 0, 0,
	  "The index, a sprintf template; %{+YYYY.MM.dd} formats @timestamp in UTC." },
	{ "document_id", LP_OPT_TEMPLATE, NULL, 0, NULL, 0, 0,
	  "The document id, a sprintf template; Elasticsearch generates one when unset." },
	{ "action", LP_OPT_TEMPLATE, "\"index\"", 0, NULL, 0, 0,
	  "index, create, update (with doc_as_upsert) or delete; may be a sprintf template." },
	{ "doc_as_upsert", LP_OPT_BOOL, "false", 0, NULL, 0, 0,
	  "For action update: create the document when it does not exist." },
	{ "retry_on_conflict", LP_OPT_NUMBER, "1", 0, NULL, 0, 1000,
	  "For action update: how many times Elasticsearch retries on a version conflict." },
	{ "pipeline", LP_OPT_TEMPLATE, NULL, 0, NULL, 0, 0, "The ingest pipeline, a sprintf template." },
	{ "routing", LP_OPT_TEMPLATE, NULL, 0, NULL, 0, 0, "The routing value, a sprintf template." },
	{ "path", LP_OPT_STRING, NULL, 0, NULL, 0, 0,
	  "A path prefix for every request (an Elasticsearch behind a proxy)." },
	{ "manage_template", LP_OPT_BOOL, "true", 0, NULL, 0, 0,
	  "Install an index template at start-up (in the background)." },
	{ "template", LP_OPT_PATH, NULL, 0, NULL, 0, 0,
	  "A JSON file with the template to install; the built-in one when unset." },
	{ "template_name", LP_OPT_STRING, "\"logstash\"", 0, NULL, 0, 0, "The template's name." },
	{ "template_overwrite", LP_OPT_BOOL, "false", 0, NULL, 0, 0,
	  "Replace an existing template with the same name." },
	{ "template_api", LP_OPT_STRING, "\"auto\"", 0, template_apis, 0, 0,
	  "auto: composable _index_template on Elasticsearch 8 and later, legacy _template before; "
	  "or legacy, composable." },
	{ "user", LP_OPT_STRING, NULL, 0, NULL, 0, 0, "User for basic authentication." },
	{ "password", LP_OPT_PASSWORD, NULL, LP_OPT_SECRET, NULL, 0, 0, "Password for basic authentication." },
	{ "api_key", LP_OPT_PASSWORD, NULL, LP_OPT_SECRET, NULL, 0, 0,
	  "An API key as \"id:api_key\" (sent base64-encoded in an ApiKey Authorization header)." },
	LP_HTTP_TLS_OPTIONS,
	{ "custom_headers", LP_OPT_HASH, "{}", 0, NULL, 0, 0, "Extra HTTP headers sent with every request." },
	{ "timeout", LP_OPT_NUMBER, "60", 0, NULL, 1, 86400,
	  "Seconds a request may take before it fails (and is retried)." },
	{ "compression_level", LP_OPT_NUMBER, "1", 0, NULL, 0, 9,
	  "gzip level of request bodies, 0 (off) to 9." },
	{ "http_compression", LP_OPT_BOOL, NULL, LP_OPT_DEPRECATED, NULL, 0, 0,
	  "Deprecated: use compression_level (false means 0)." },
	{ "retry_initial_interval", LP_OPT_NUMBER, "2", 0, NULL, 0.001, 3600,
	  "Seconds before the first retry of a failed bulk request; doubles each time." },
	{ "retry_max_interval", LP_OPT_NUMBER, "64", 0, NULL, 0.001, 86400,
	  "The longest wait between two retries of a bulk request, in seconds." },
	{ "resurrect_delay", LP_OPT_NUMBER, "5", 0, NULL, 0, 3600,
	  "Seconds a failing host stays out of rotation." },
	{ "dlq_custom_codes", LP_OPT_ARRAY, "[]", 0, NULL, 0, 0,
	  "Item statuses that go to the dead-letter queue besides 400 and 404." },
	{ "silence_errors_in_log", LP_OPT_ARRAY, "[]", 0, NULL, 0, 0,
	  "Error types (e.g. version_conflict_engine_exception) the output does not log." },
	{ "data_stream", LP_OPT_STRING, "\"auto\"", 0, data_stream_modes, 0, 0,
	  "Accepted so that existing configs load: only 'false' or 'auto' (plain indices) are supported." },
	{ "ilm_enabled", LP_OPT_STRING, "\"auto\"", 0, data_stream_modes, 0, 0,
	  "Accepted so that existing configs load: only 'false' or 'auto' (no ILM) are supported." },
	LP_OPT_END,
};

/* ---- helpers shared with es_template.c -------------------------------- */

long long lp_elasticsearch_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

lp_es_host *lp_elasticsearch_pick_host(lp_es_output *o)
{
	long long now = lp_elasticsearch_now_ms();
	size_t start = atomic_fetch_add_explicit(&o->next_host, 1, memory_order_relaxed);
	for (size_t k = 0; k < o->n_hosts; k++) {
		lp_es_host *h = &o->hosts[(start + k) % o->n_hosts];
		long long until = atomic_load_explicit(&h->dead_until_ms, memory_order_relaxed);
		if (until == 0)
			return h;
		if (until <= now) {
			/* Resurrect: one caller wins and tries it. */
			if (atomic_compare_exchange_strong(&h->dead_until_ms, &until, 0)) {
				lp_info(LP_ES_COMPONENT, "Output '%s' tries Elasticsearch at %s again.", o->id, h->shown);
				return h;
			}
		}
	}
	return NULL;
}

void lp_elasticsearch_mark_dead(lp_es_output *o, lp_es_host *h, const char *why)
{
	long long until = lp_elasticsearch_now_ms() + o->resurrect_delay_ms;
	long long prev = atomic_exchange(&h->dead_until_ms, until);
	if (prev == 0)
		lp_warn(LP_ES_COMPONENT, "Output '%s' could not reach Elasticsearch at %s (%s); marking it dead "
			"for %ld ms.", o->id, h->shown, why && *why ? why : "transport error", o->resurrect_delay_ms);
}

const lp_http_header *lp_elasticsearch_headers(const lp_es_output *o, bool with_body, size_t *n)
{
	/* headers[0] is Content-Type. */
	*n = with_body ? o->n_headers : o->n_headers - 1;
	return with_body ? o->headers : o->headers + 1;
}

bool lp_elasticsearch_silenced(const lp_es_output *o, const char *error_text)
{
	for (size_t i = 0; i < o->n_silence; i++) {
		size_t l = strlen(o->silence[i]);
		if (strncmp(error_text, o->silence[i], l) == 0 && (error_text[l] == ':' || error_text[l] == '\0'))
			return true;
	}
	return false;
}

/* ---- create ------------------------------------------------------------ */

char *lp_elasticsearch_base64(const char *s)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s);
	char *out = lp_malloc((n + 2) / 3 * 4 + 1), *p = out;
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)u[i] << 16 | (i + 1 < n ? (unsigned)u[i + 1] << 8 : 0) |
			     (i + 2 < n ? u[i + 2] : 0);
		*p++ = tbl[v >> 18 & 63];
		*p++ = tbl[v >> 12 & 63];
		*p++ = i + 1 < n ? tbl[v >> 6 & 63] : '=';
		*p++ = i + 2 < n ? tbl[v & 63] : '=';
	}
	*p = '\0';
	return out;
}

static void add_header(lp_es_output *o, const char *name, char *value_owned)
{
	LP_GROW(o->header_mem, o->n_header_mem, o->n_headers * 2 + 2); /* n_header_mem: capacity */
	o->headers = lp_realloc(o->headers, (o->n_headers + 1) * sizeof(*o->headers));
	char *nm = lp_strdup(name);
	o->header_mem[o->n_headers * 2] = nm;
	o->header_mem[o->n_headers * 2 + 1] = value_owned;
	o->headers[o->n_headers++] = (lp_http_header){ nm, value_owned };
}

char *lp_elasticsearch_host_url(const char *entry, const char *path, bool tls)
{
	const char *s = entry;
	const char *scheme = tls ? "https" : "http";
	char *scheme_buf = NULL;
	const char *sep = strstr(s, "://");
	if (sep) {
		scheme_buf = lp_strndup(s, (size_t)(sep - s));
		scheme = scheme_buf;
		s = sep + 3;
	} else if (s[0] == '/' && s[1] == '/') {
		s += 2;
	}
	size_t alen = strcspn(s, "/?#");
	char *auth = lp_strndup(s, alen);
	const char *rest = s + alen;
	const char *hostpart = strrchr(auth, '@');
	hostpart = hostpart ? hostpart + 1 : auth;
	const char *close = strrchr(hostpart, ']');
	const char *colon = strrchr(close ? close : hostpart, ':');
	lp_buf b = LP_BUF_INIT;
	lp_buf_printf(&b, "%s://%s", scheme, auth);
	if (!colon)
		lp_buf_printf(&b, ":%s", DEFAULT_PORT);
	/* The entry's own path, then the path option. */
	size_t plen = strcspn(rest, "?#");
	while (plen > 0 && rest[plen - 1] == '/')
		plen--;
	if (plen)
		lp_buf_add(&b, rest, plen);
	if (path && *path) {
		while (*path == '/')
			path++;
		size_t l = strlen(path);
		while (l > 0 && path[l - 1] == '/')
			l--;
		if (l) {
			lp_buf_addc(&b, '/');
			lp_buf_add(&b, path, l);
		}
	}
	lp_free(auth);
	lp_free(scheme_buf);
	char *r = lp_strdup(lp_buf_str(&b));
	lp_buf_fini(&b);
	return r;
}

static void es_destroy(void *inst);

static bool read_template_file(lp_es_output *o, lp_args *a, const char *path)
{
	lpj_error_t err;
	lpj_t *t = lpj_load_file(path, 0, &err);
	if (!t) {
		if (err.line > 0)
			lp_args_error(a, "template", "cannot read the template \"%s\": %s (line %d)", path, err.text,
				      err.line);
		else
			lp_args_error(a, "template", "cannot read the template: %s", err.text);
		return false;
	}
	if (!lpj_is_object(t) || !lpj_object_get(t, "index_patterns")) {
		lp_args_error(a, "template", "the template \"%s\" must be a JSON object with \"index_patterns\"", path);
		lpj_decref(t);
		return false;
	}
	lp_buf b = LP_BUF_INIT;
	lp_jsonw_value(&b, t);
	o->template_body = lp_strdup(lp_buf_str(&b));
	lp_buf_fini(&b);
	lpj_decref(t);
	return true;
}

static void *es_create(lp_args *a)
{
	lp_es_output *o = lp_calloc(1, sizeof(*o));
	pthread_mutex_init(&o->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&o->cv, &ca);
	pthread_condattr_destroy(&ca);
	o->id = lp_strdup(lp_args_id(a));
	if (strcmp(lp_args_str(a, "data_stream"), "true") == 0)
		lp_args_error(a, "data_stream", "data streams are not supported by logpipe: write to indices with 'index' "
			      "(see docs/compatibility.md)");
	if (strcmp(lp_args_str(a, "ilm_enabled"), "true") == 0)
		lp_args_error(a, "ilm_enabled", "index lifecycle management is not supported by logpipe: set it up in "
			      "Elasticsearch with an index template (see docs/compatibility.md)");

	/* HTTP and TLS. */
	lp_http_opts_defaults(&o->http);
	lp_http_opts_tls_from_args(&o->http, a);
	o->http.timeout_ms = (long)(lp_args_num(a, "timeout", 60) * 1000);
	const char *user = lp_args_str(a, "user");
	const char *password = lp_args_str(a, "password");
	const char *api_key = lp_args_str(a, "api_key");
	/* Errors point at 'user' (or the plugin), never at a secret's line. */
	if (password && !user)
		lp_args_error(a, "user", "'password' needs 'user'");
	if (user && api_key)
		lp_args_error(a, "user", "use either 'user'/'password' or 'api_key', not both");
	if (user) {
		o->http.user = lp_strdup(user);
		o->http.password = lp_strdup(password ? password : "");
	}

	/* Hosts. */
	const lpj_t *hosts = lp_args_get(a, "hosts");
	size_t nh = lpj_array_size(hosts);
	bool tls = lp_args_bool(a, "ssl_enabled", false);
	if (nh == 0)
		lp_args_error(a, "hosts", "at least one host is needed");
	o->hosts = lp_calloc(nh ? nh : 1, sizeof(*o->hosts));
	for (size_t i = 0; i < nh; i++) {
		const char *h = lp_args_item_str(a, "hosts", i);
		if (!h || !*h) {
			lp_args_error_item(a, "hosts", i, "a host must be a non-empty string");
			continue;
		}
		lp_es_host *eh = &o->hosts[o->n_hosts++];
		eh->url = lp_elasticsearch_host_url(h, lp_args_str(a, "path"), tls);
		eh->shown = lp_http_redact_url(eh->url);
		atomic_init(&eh->dead_until_ms, 0);
		if (strncmp(eh->url, "http://", 7) != 0 && strncmp(eh->url, "https://", 8) != 0)
			lp_args_error_item(a, "hosts", i, "the scheme must be http or https");
	}
	atomic_init(&o->next_host, 0);

	/* Headers: Content-Type first (see lp_elasticsearch_headers). */
	add_header(o, "Content-Type", lp_strdup("application/json"));
	if (api_key) {
		char *enc = lp_elasticsearch_base64(api_key);
		add_header(o, "Authorization", lp_asprintf("ApiKey %s", enc));
		lp_free(enc);
	}
	const lpj_t *ch = lp_args_get(a, "custom_headers");
	const char *k;
	const lpj_t *v;
	size_t hi = 0;
	lpj_object_foreach((lpj_t *)ch, k, v) {
		if (!*k || strpbrk(k, " :\r\n\t")) {
			lp_args_error_item(a, "custom_headers", hi, "'%s' is not a valid header name", k);
		} else if (lpj_is_string(v) && !strpbrk(lpj_string_value(v), "\r\n")) {
			add_header(o, k, lp_strdup(lpj_string_value(v)));
		} else if (lpj_is_number(v)) {
			lp_buf b = LP_BUF_INIT;
			lp_jsonw_value(&b, v);
			add_header(o, k, lp_strdup(lp_buf_str(&b)));
			lp_buf_fini(&b);
		} else {
			lp_args_error_item(a, "custom_headers", hi, "the value of header '%s' must be a single-line string", k);
		}
		hi++;
	}

	/* Document metadata. */
	o->index = lp_args_template(a, "index");
	o->document_id = lp_args_template(a, "document_id");
	o->routing = lp_args_template(a, "routing");
	o->pipeline = lp_args_template(a, "pipeline");
	lp_template *act = lp_args_template(a, "action");
	if (act && lp_template_is_constant(act)) {
		if (!lp_es_action_parse(lp_template_text(act), &o->action))
			lp_args_error(a, "action", "unknown action '%s' (expected index, create, update or delete)",
				      lp_template_text(act));
		else if ((o->action == LP_ES_ACTION_UPDATE || o->action == LP_ES_ACTION_DELETE) && !o->document_id)
			lp_args_error(a, "action", "action '%s' needs 'document_id'", lp_template_text(act));
		lp_template_destroy(act);
	} else {
		o->action_tpl = act;
	}
	o->doc_as_upsert = lp_args_bool(a, "doc_as_upsert", false);
	o->retry_on_conflict = (int)lp_args_int(a, "retry_on_conflict", 1);

	/* Templates. */
	o->manage_template = lp_args_bool(a, "manage_template", true);
	o->template_overwrite = lp_args_bool(a, "template_overwrite", false);
	o->template_name = lp_strdup(lp_args_str(a, "template_name"));
	const char *api = lp_args_str(a, "template_api");
	o->template_api = !api || strcmp(api, "auto") == 0 ? LP_ES_TEMPLATE_API_AUTO
			  : strcmp(api, "legacy") == 0      ? LP_ES_TEMPLATE_API_LEGACY
							    : LP_ES_TEMPLATE_API_COMPOSABLE;
	const char *tfile = lp_args_str(a, "template");
	if (tfile && o->manage_template)
		read_template_file(o, a, tfile);
	o->template_pattern = lp_es_template_pattern(o->index ? lp_template_text(o->index) : "logstash-");

	/* Sending. */
	o->gzip_level = (int)lp_args_int(a, "compression_level", 1);
	if (lp_args_isset(a, "http_compression") && !lp_args_bool(a, "http_compression", true) &&
	    !lp_args_isset(a, "compression_level"))
		o->gzip_level = 0;
	o->retry_initial_ms = (long)(lp_args_num(a, "retry_initial_interval", 2) * 1000);
	o->retry_max_ms = (long)(lp_args_num(a, "retry_max_interval", 64) * 1000);
	if (o->retry_initial_ms < 1)
		o->retry_initial_ms = 1;
	if (o->retry_max_ms < o->retry_initial_ms)
		o->retry_max_ms = o->retry_initial_ms;
	o->resurrect_delay_ms = (long)(lp_args_num(a, "resurrect_delay", 5) * 1000);
	const lpj_t *codes = lp_args_get(a, "dlq_custom_codes");
	o->n_dlq_codes = lpj_array_size(codes);
	o->dlq_codes = lp_calloc(o->n_dlq_codes + 1, sizeof(long));
	for (size_t i = 0; i < o->n_dlq_codes; i++) {
		const char *c = lp_args_item_str(a, "dlq_custom_codes", i);
		char *end = NULL;
		long code = c ? strtol(c, &end, 10) : 0;
		if (!c || *end || code < 100 || code > 599)
			lp_args_error_item(a, "dlq_custom_codes", i, "'%s' is not an HTTP status code", c ? c : "");
		else if (code == 200 || code == 201 || code == 409 || code == 429 || code >= 500)
			lp_args_error_item(a, "dlq_custom_codes", i,
					   "status %ld cannot go to the dead-letter queue (it is a success, a conflict "
					   "or retried)", code);
		o->dlq_codes[i] = code;
	}
	const lpj_t *sil = lp_args_get(a, "silence_errors_in_log");
	o->n_silence = lpj_array_size(sil);
	o->silence = lp_calloc(o->n_silence + 1, sizeof(char *));
	for (size_t i = 0; i < o->n_silence; i++) {
		const char *s = lp_args_item_str(a, "silence_errors_in_log", i);
		o->silence[i] = lp_strdup(s ? s : "");
	}

	if (lp_args_failed(a)) {
		es_destroy(o);
		return NULL;
	}
	return o;
}

static void es_destroy(void *inst)
{
	lp_es_output *o = inst;
	if (!o)
		return;
	lp_es_template_stop(o);
	for (size_t i = 0; i < o->n_hosts; i++) {
		lp_free(o->hosts[i].url);
		lp_free(o->hosts[i].shown);
	}
	lp_free(o->hosts);
	lp_template_destroy(o->index);
	lp_template_destroy(o->document_id);
	lp_template_destroy(o->routing);
	lp_template_destroy(o->pipeline);
	lp_template_destroy(o->action_tpl);
	lp_free(o->template_body);
	lp_free(o->template_pattern);
	lp_free(o->template_name);
	lp_free((char *)o->http.ca_file);
	lp_free((char *)o->http.cert_file);
	lp_free((char *)o->http.key_file);
	lp_free((char *)o->http.user);
	lp_free((char *)o->http.password);
	lp_free((char *)o->http.proxy);
	for (size_t i = 0; i < o->n_headers * 2; i++)
		lp_free(o->header_mem[i]);
	lp_free(o->header_mem);
	lp_free(o->headers);
	lp_free(o->dlq_codes);
	for (size_t i = 0; i < o->n_silence; i++)
		lp_free(o->silence[i]);
	lp_free(o->silence);
	pthread_cond_destroy(&o->cv);
	pthread_mutex_destroy(&o->mu);
	lp_free(o->id);
	lp_free(o);
}

/* ---- workers ------------------------------------------------------------ */

static void *es_worker_create(void *inst)
{
	lp_es_output *o = inst;
	es_ws *w = lp_calloc(1, sizeof(*w));
	w->http = lp_http_create(&o->http);
	lp_es_bulk_init(&w->bulk);
	lp_buf_init(&w->scratch);
	lp_buf_init(&w->url);
	lp_http_response_init(&w->resp);
	return w;
}

static void es_worker_destroy(void *inst, void *ws)
{
	es_ws *w = ws;
	if (!w)
		return;
	lp_http_destroy(w->http);
	lp_es_bulk_fini(&w->bulk);
	lp_buf_fini(&w->scratch);
	lp_buf_fini(&w->url);
	lp_http_response_fini(&w->resp);
	lp_free(w);
}

static int es_start(void *inst)
{
	lp_es_output *o = inst;
	int rc = lp_es_template_start(o);
	if (rc < 0)
		lp_error(LP_ES_COMPONENT, "Output '%s' could not start its start-up thread: %s.", o->id,
			 lp_strerror(rc));
	return rc;
}

static void es_close(void *inst)
{
	lp_es_template_stop(inst);
}

/* Renders t for ev into scratch as a NUL-terminated string; returns its
 * offset, or (size_t)-1 when t is NULL. */
static size_t render(lp_buf *scratch, const lp_template *t, lp_event *ev)
{
	if (!t)
		return (size_t)-1;
	size_t off = scratch->len;
	lp_template_render(t, ev, scratch);
	lp_buf_addc(scratch, '\0');
	return off;
}

static const char *at(lp_buf *scratch, size_t off)
{
	return off == (size_t)-1 ? NULL : scratch->data + off;
}

/* Encodes events into w->bulk; events that cannot be sent get REJECTED. */
static void encode(lp_es_output *o, es_ws *w, lp_event *const *evs, size_t n, lp_out_result *res, int major)
{
	lp_es_bulk_reset(&w->bulk);
	for (size_t i = 0; i < n; i++) {
		lp_event *ev = evs[i];
		res[i] = (lp_out_result){ LP_OUT_DELIVERED, NULL };
		lp_buf_reset(&w->scratch);
		lp_es_item_meta m = { .action = o->action, .doc_as_upsert = o->doc_as_upsert,
				      .retry_on_conflict = o->retry_on_conflict,
				      .type = major > 0 && major < 7 ? "doc" : NULL };
		size_t oa = render(&w->scratch, o->action_tpl, ev);
		size_t oi = render(&w->scratch, o->index, ev);
		size_t od = render(&w->scratch, o->document_id, ev);
		size_t orr = render(&w->scratch, o->routing, ev);
		size_t op = render(&w->scratch, o->pipeline, ev);
		if (o->action_tpl && !lp_es_action_parse(at(&w->scratch, oa), &m.action)) {
			res[i] = (lp_out_result){ LP_OUT_REJECTED,
						  lp_asprintf("invalid action '%s' (expected index, create, update or "
							      "delete)", at(&w->scratch, oa)) };
			continue;
		}
		m.index = at(&w->scratch, oi);
		m.id = at(&w->scratch, od);
		m.routing = at(&w->scratch, orr);
		m.pipeline = at(&w->scratch, op);
		if (!m.index || !*m.index) {
			/* Elasticsearch would refuse the whole request ("index is
			 * missing"), which is retried forever: refuse the event. */
			res[i] = (lp_out_result){ LP_OUT_REJECTED,
						  lp_asprintf("the index \"%s\" rendered as an empty string",
							      o->index ? lp_template_text(o->index) : "") };
			continue;
		}
		if ((m.action == LP_ES_ACTION_UPDATE || m.action == LP_ES_ACTION_DELETE) && (!m.id || !*m.id)) {
			res[i] = (lp_out_result){ LP_OUT_REJECTED,
						  lp_asprintf("action '%s' needs a document_id", lp_es_action_name(m.action)) };
			continue;
		}
		lp_es_bulk_add(&w->bulk, &m, ev, i);
	}
}

static void log_item_retries(lp_es_output *o, const lp_es_response_counts *c, size_t n)
{
	if (!c->retry || lp_elasticsearch_silenced(o, c->first_retry_error))
		return;
	long long suppressed;
	if (lp_ratelimit_ok(&o->rl_items, 5000, &suppressed))
		lp_warn(LP_ES_COMPONENT, "Output '%s': Elasticsearch refused %zu of %zu documents for now (first: status "
			"%ld, %s); they will be sent again (%lld similar messages suppressed).", o->id, c->retry, n,
			c->first_retry_status, c->first_retry_error, suppressed);
}

/* Sends items [first, first + k) until Elasticsearch answered for them.
 * Returns false when the output is stopping (the items are RETRY). */
static bool send_chunk(lp_es_output *o, es_ws *w, size_t first, size_t k, lp_out_result *res)
{
	const lp_es_bulk *b = &w->bulk;
	const char *body = b->body.data + b->off[first];
	size_t len = lp_es_bulk_span(b, first, k);
	long backoff = o->retry_initial_ms;
	lp_es_response_opts ro = { o->dlq_codes, o->n_dlq_codes };
	size_t nh;
	const lp_http_header *hdrs = lp_elasticsearch_headers(o, true, &nh);
	for (;;) {
		lp_es_host *h = lp_elasticsearch_pick_host(o);
		if (!h) {
			long long suppressed;
			if (lp_ratelimit_ok(&o->rl_host, 10000, &suppressed))
				lp_error(LP_ES_COMPONENT, "Output '%s': no Elasticsearch host is alive; retrying in %ld ms.",
					 o->id, backoff);
		} else {
			lp_buf_reset(&w->url);
			lp_buf_printf(&w->url, "%s/_bulk?%s", h->url, LP_ES_BULK_FILTER_PATH);
			lp_http_request rq = { .method = "POST", .url = lp_buf_str(&w->url), .headers = hdrs,
					       .n_headers = nh, .body = body, .body_len = len,
					       .gzip_level = o->gzip_level };
			lp_buf_reset(&w->resp.body);
			int rc = lp_http_do(w->http, &rq, &w->resp);
			if (rc < 0) {
				lp_elasticsearch_mark_dead(o, h, w->resp.error);
			} else {
				switch (lp_es_response_request_class(w->resp.status)) {
				case LP_ES_REQ_OK: {
					lp_es_response_counts c;
					if (lp_es_response_classify(w->resp.body.data, w->resp.body.len, k, b->tag + first,
								    &ro, res, &c) == 0) {
						log_item_retries(o, &c, k);
						return true;
					}
					long long suppressed;
					if (lp_ratelimit_ok(&o->rl_retry, 5000, &suppressed))
						lp_error(LP_ES_COMPONENT, "Output '%s': Elasticsearch at %s sent a bulk answer "
							 "that is not valid for %zu documents; retrying in %ld ms.", o->id,
							 h->shown, k, backoff);
					break;
				}
				case LP_ES_REQ_ITEMS_RETRY:
					lp_warn(LP_ES_COMPONENT, "Output '%s': Elasticsearch at %s refused a %zu-byte bulk "
						"request as too large (413); its %zu documents will be sent again.", o->id,
						h->shown, len, k);
					for (size_t i = 0; i < k; i++)
						res[b->tag[first + i]] = (lp_out_result){ LP_OUT_RETRY, NULL };
					return true;
				case LP_ES_REQ_BACKOFF: {
					long long suppressed;
					if (lp_ratelimit_ok(&o->rl_retry, 5000, &suppressed)) {
						lp_buf_reset(&w->scratch);
						lp_utf8_sanitize(&w->scratch, w->resp.body.data,
								 w->resp.body.len > 300 ? 300 : w->resp.body.len);
						lp_log(w->resp.status == 429 ? LP_LOG_WARN : LP_LOG_ERROR, LP_ES_COMPONENT,
						       "Output '%s': Elasticsearch at %s answered a bulk request with status "
						       "%ld; retrying in %ld ms (%lld similar messages suppressed): %s",
						       o->id, h->shown, w->resp.status, backoff, suppressed,
						       lp_buf_str(&w->scratch));
					}
					break;
				}
				}
			}
		}
		if (!lp_elasticsearch_sleep(o, backoff)) {
			for (size_t i = 0; i < k; i++)
				res[b->tag[first + i]] = (lp_out_result){ LP_OUT_RETRY, NULL };
			return false;
		}
		backoff = backoff * 2 > o->retry_max_ms ? o->retry_max_ms : backoff * 2;
	}
}

static void es_send(void *inst, void *ws, lp_event *const *evs, size_t n, lp_out_result *res)
{
	lp_es_output *o = inst;
	es_ws *w = ws;
	if (!lp_es_template_wait_ready(o)) {
		for (size_t i = 0; i < n; i++)
			res[i] = (lp_out_result){ LP_OUT_RETRY, NULL };
		return;
	}
	encode(o, w, evs, n, res, o->major);
	size_t first = 0;
	while (first < w->bulk.n) {
		size_t k = lp_es_bulk_chunk(&w->bulk, first, LP_ES_BULK_MAX_BYTES);
		if (!send_chunk(o, w, first, k, res)) {
			for (size_t i = first + k; i < w->bulk.n; i++)
				res[w->bulk.tag[i]] = (lp_out_result){ LP_OUT_RETRY, NULL };
			return;
		}
		first += k;
	}
}

const lp_plugin_def lp_plugin_output_elasticsearch = {
	.name = "elasticsearch",
	.kind = LP_PLUGIN_OUTPUT,
	.doc = "Sends events to Elasticsearch with the bulk API (daily indices, templates, retries).",
	.options = options,
	.create = es_create,
	.destroy = es_destroy,
	.worker_create = es_worker_create,
	.worker_destroy = es_worker_destroy,
	.start = es_start,
	.send = es_send,
	.close = es_close,
};
