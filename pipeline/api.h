/* api: the monitoring endpoint (api.http.host:api.http.port, 127.0.0.1 and
 * the first free port of 9600-9700 by default), a small HTTP/1.1 server on
 * its own thread:
 *   GET /health        {"status":"green"} while running
 *   GET /metrics       Prometheus text format
 *   GET /_node/stats   Logstash-style JSON (pipelines.<id>.events...)
 * Reads counters only; never touches events. */
#ifndef LP_PIPELINE_API_H
#define LP_PIPELINE_API_H

#include "pipeline/pipeline.h"
#include "pipeline/settings.h"

typedef struct lp_api lp_api;

/* Binds and starts serving. Returns NULL (logged) when no port in the range
 * is free; the pipeline runs on without the API. p is borrowed and must
 * outlive the API. */
lp_api *lp_api_start(const lp_settings *s, lp_pipeline *p);
/* Stops the thread and closes the socket. Accepts NULL. */
void lp_api_stop(lp_api *a);
/* The bound port. */
int lp_api_port(const lp_api *a);

#endif
