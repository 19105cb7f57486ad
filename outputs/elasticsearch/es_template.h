/* es_template: start-up work of the Elasticsearch output. A background
 * thread discovers the cluster's version (GET / on each host in turn, with
 * exponential backoff, forever) and then, when manage_template is on,
 * installs the index template once: a composable _index_template on 8 and
 * later, a legacy _template on 7 (template_api overrides), skipped when it
 * exists unless template_overwrite. Sends wait until this is done, so the
 * pipeline starts at once and events wait with backpressure while the
 * cluster is unreachable. The pure helpers are exposed for unit tests. */
#ifndef LP_OUTPUTS_ELASTICSEARCH_ES_TEMPLATE_H
#define LP_OUTPUTS_ELASTICSEARCH_ES_TEMPLATE_H

#include "outputs/elasticsearch/elasticsearch.h"

#include <stddef.h>

/* Starts the background thread. Main thread (the output's start). Returns 0
 * or -errno. */
int lp_es_template_start(lp_es_output *o);
/* Stops the thread (interrupting its waits) and joins it; accepts a never
 * started output. Main thread (close/destroy). */
void lp_es_template_stop(lp_es_output *o);
/* Blocks until the version is known and the template step is over, logging
 * now and then while it waits. Returns false when the output is stopping.
 * Worker threads. */
bool lp_es_template_wait_ready(lp_es_output *o);

/* The major version from a GET / body ({"version":{"number":"8.13.4"}}), or
 * a negative code when it has none. Pure. */
int lp_es_template_parse_major(const char *body, size_t len);
/* The index pattern for the built-in template: the index option's text up to
 * its first sprintf reference, plus "*" ("logs-%{+YYYY.MM.dd}" -> "logs-*").
 * Caller frees. Pure. */
char *lp_es_template_pattern(const char *index_text);
/* The built-in template's JSON for a cluster major version and an index
 * pattern: composable ({"index_patterns","priority","template":{settings,
 * mappings}}) when composable, else legacy. Caller frees. Pure. */
char *lp_es_template_builtin(bool composable, const char *pattern);
/* Whether the composable API is used for template_api and major. Pure. */
bool lp_es_template_composable(lp_es_template_api api, int major);

#endif
