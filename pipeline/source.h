/* source: how an input hands events to the engine. Each running input gets
 * one lp_source. Pushing applies the input's common options (type, tags,
 * add_field) and enqueues; a full queue blocks the caller, and that block is
 * the backpressure (DESIGN.md §4). */
#ifndef LP_PIPELINE_SOURCE_H
#define LP_PIPELINE_SOURCE_H

#include "pipeline/plugin.h"

#include <stdbool.h>

/* Ownership: the events move to the engine (also on error, when they are
 * destroyed, which releases their acks without firing delivery: a closed
 * pipeline never acknowledges). Blocks while the queue is full. Returns 0, or
 * LP_ECLOSED when the pipeline stopped accepting events. Any thread. */
int lp_source_push(lp_source *src, lp_event **evs, size_t n);
/* As lp_source_push but never blocks: returns -EAGAIN (events not taken)
 * when the queue is full. */
int lp_source_try_push(lp_source *src, lp_event **evs, size_t n);
/* True once shutdown began; run() should return. */
bool lp_source_stopping(const lp_source *src);
/* The input's id (for log messages). */
const char *lp_source_id(const lp_source *src);
/* Counts events that the input could not turn into events (bad frames...),
 * for metrics. */
void lp_source_count_error(lp_source *src, size_t n);

#endif
