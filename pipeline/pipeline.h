/* pipeline: the running engine. Owns the graph, the queue, the worker threads
 * and one thread per input (DESIGN.md §4):
 *
 *   created --run--> running --all inputs ended / lp_pipeline_shutdown-->
 *   draining (queue closed, workers finish every queued event, acks fire)
 *   --> outputs closed --> run returns
 *
 * lp_pipeline_shutdown may be called from any thread (the signal thread). */
#ifndef LP_PIPELINE_PIPELINE_H
#define LP_PIPELINE_PIPELINE_H

#include "pipeline/compile.h"
#include "pipeline/settings.h"

#include <stdint.h>

typedef struct lp_pipeline lp_pipeline;

/* Totals over the pipeline's life, summed from per-worker counters. */
typedef struct lp_pipeline_stats {
	uint64_t in;              /* events pushed by inputs */
	uint64_t filtered;        /* events that left the filter stage */
	uint64_t out;             /* event deliveries (per output) */
	uint64_t dropped_filter;  /* dropped on purpose by filters */
	uint64_t rejected;        /* rejected by outputs (to DLQ or logged) */
	uint64_t dropped_output;  /* dropped by outputs with a reason (e.g. 409) */
	uint64_t dlq_written;
	uint64_t cond_failures;   /* conditionals that could not be evaluated */
	uint64_t retries;         /* events re-sent after LP_OUT_RETRY */
} lp_pipeline_stats;

/* Ownership: steals g. settings is borrowed for the pipeline's life. Returns
 * NULL with a logged error when set-up fails (e.g. the dead-letter queue
 * directory cannot be created). */
lp_pipeline *lp_pipeline_create(lp_graph *g, const lp_settings *settings);
void lp_pipeline_destroy(lp_pipeline *p);

/* Runs until every input ended or shutdown was requested, then drains.
 * Returns 0 after a clean drain, or a negative code when an input or output
 * failed fatally (already logged). Main thread. */
int lp_pipeline_run(lp_pipeline *p);
/* Asks every input to stop; queued events still drain. Any thread. */
void lp_pipeline_shutdown(lp_pipeline *p);
/* Events taken from inputs and not yet finished (queued or in a worker). */
uint64_t lp_pipeline_inflight(lp_pipeline *p);
void lp_pipeline_get_stats(lp_pipeline *p, lp_pipeline_stats *out);
/* The pipeline's id ("main" unless pipeline.id says otherwise). */
const char *lp_pipeline_id(const lp_pipeline *p);

#endif
