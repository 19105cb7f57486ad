/* elasticsearch: the output's instance, shared by its files (folder-private).
 * elasticsearch.c reads the options, encodes batches and sends them;
 * es_template.c discovers the cluster's version and installs the index
 * template in a background thread. After create the configuration fields are
 * read-only; the host liveness fields and the readiness state are the only
 * mutable parts (atomics, and mu/cv). */
#ifndef LP_OUTPUTS_ELASTICSEARCH_ELASTICSEARCH_H
#define LP_OUTPUTS_ELASTICSEARCH_ELASTICSEARCH_H

#include "outputs/elasticsearch/es_bulk.h"
#include "pipeline/http.h"
#include "pipeline/log.h"
#include "pipeline/template.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#define LP_ES_COMPONENT "output.elasticsearch"

typedef enum { LP_ES_TEMPLATE_API_AUTO, LP_ES_TEMPLATE_API_LEGACY, LP_ES_TEMPLATE_API_COMPOSABLE } lp_es_template_api;

typedef struct lp_es_host {
	char *url;       /* scheme://[user:pass@]host:port[/path], no trailing slash */
	char *shown;     /* the same with any password redacted, for logs */
	atomic_llong dead_until_ms;  /* 0: alive; else a monotonic time */
} lp_es_host;

typedef struct lp_es_output {
	char *id;
	lp_es_host *hosts;
	size_t n_hosts;
	atomic_size_t next_host;

	lp_template *index, *document_id, *routing, *pipeline, *action_tpl;
	lp_es_action action;          /* when action_tpl is NULL */
	bool doc_as_upsert;
	int retry_on_conflict;

	bool manage_template, template_overwrite;
	char *template_body;          /* the template file's JSON, or NULL: the built-in template */
	char *template_pattern;       /* the built-in template's index pattern */
	char *template_name;
	lp_es_template_api template_api;

	lp_http_opts http;            /* strings owned */
	lp_http_header *headers;      /* Content-Type, Authorization (api_key), custom_headers */
	size_t n_headers;
	char **header_mem;            /* owned strings behind headers */
	size_t n_header_mem;
	int gzip_level;
	long retry_initial_ms, retry_max_ms, resurrect_delay_ms;
	long *dlq_codes;
	size_t n_dlq_codes;
	char **silence;               /* silence_errors_in_log: error types */
	size_t n_silence;

	/* Discovery state (es_template.c). */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool ready, stopping, thread_started;
	int major;                    /* cluster major version once ready */
	pthread_t thread;

	lp_ratelimit rl_wait, rl_retry, rl_items, rl_host;
} lp_es_output;

/* Monotonic milliseconds. */
long long lp_elasticsearch_now_ms(void);
/* The next host to use, round robin over the live ones, or NULL when every
 * host is marked dead (the caller backs off). Any thread. */
lp_es_host *lp_elasticsearch_pick_host(lp_es_output *o);
/* Marks h dead for resurrect_delay after a transport failure. Any thread. */
void lp_elasticsearch_mark_dead(lp_es_output *o, lp_es_host *h, const char *why);
/* The request headers minus Content-Type (auth and custom_headers) when
 * with_body is false; all of them when true. */
const lp_http_header *lp_elasticsearch_headers(const lp_es_output *o, bool with_body, size_t *n);
/* Sleeps ms unless the output is stopping; returns false when it is. */
bool lp_elasticsearch_sleep(lp_es_output *o, long ms);
/* One hosts entry ("es1", "es1:9200", "//es1", "https://u:p@es1/pfx") as
 * scheme://authority[/path]: scheme http (https when tls) unless given,
 * port 9200 unless given, the entry's path then the path option, no trailing
 * slash. Caller frees. Pure. */
char *lp_elasticsearch_host_url(const char *entry, const char *path, bool tls);
/* s in base64 (RFC 4648, padded). Caller frees. Pure. */
char *lp_elasticsearch_base64(const char *s);
/* True when the error type is listed in silence_errors_in_log. */
bool lp_elasticsearch_silenced(const lp_es_output *o, const char *error_text);

#endif
