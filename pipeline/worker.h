/* worker: one worker thread's loop: take a batch from the queue, run the
 * filter program on every event, route the results through the output
 * program, send to each output (retrying LP_OUT_RETRY with backoff, never
 * dropping), hand rejected events to the dead-letter queue, then release the
 * events so that their acknowledgement groups can fire. Counters are per
 * worker and summed by the pipeline when read. */
#ifndef LP_PIPELINE_WORKER_H
#define LP_PIPELINE_WORKER_H

#include "pipeline/compile.h"
#include "pipeline/dlq.h"
#include "pipeline/queue.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

typedef struct lp_worker_counters {
	_Atomic uint64_t filtered, out, dropped_filter, rejected, dropped_output, dlq_written,
		cond_failures, retries;
} lp_worker_counters;

/* What a worker needs from its pipeline (borrowed, outlives the worker). */
typedef struct lp_worker_env {
	const lp_graph *graph;
	lp_queue *queue;
	lp_dlq *dlq;                 /* NULL when disabled */
	size_t batch_size;
	long batch_delay_ms;
	_Atomic uint64_t *inflight;  /* decremented per finished batch */
	const _Atomic int *forced;   /* set on forced exit: stop retrying */
} lp_worker_env;

typedef struct lp_worker lp_worker;

lp_worker *lp_worker_create(const lp_worker_env *env, int index);
/* Joins the thread if started, destroys per-worker plugin state. */
void lp_worker_destroy(lp_worker *w);
int lp_worker_start(lp_worker *w);
void lp_worker_join(lp_worker *w);
const lp_worker_counters *lp_worker_get_counters(const lp_worker *w);

/* Runs the filter program on ev on the calling thread (no queue, no
 * outputs) and appends the events that come out to out; dropped events are
 * destroyed. For config unit tests. Ownership: ev moves in, out's events are
 * the caller's. */
void lp_worker_filter_one(lp_worker *w, lp_event *ev, lp_event_vec *out);

#endif
