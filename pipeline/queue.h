/* queue: the bounded in-memory event queue between inputs and workers.
 * Bounded by events and by bytes (lp_event.size); a push that finds the queue
 * full blocks until workers make room, which is the backpressure that reaches
 * the inputs. Thread-safe: any number of producers and consumers.
 *
 *   open --lp_queue_close--> closed: pushes fail with LP_ECLOSED, pops drain
 *   what is left and then return 0. */
#ifndef LP_PIPELINE_QUEUE_H
#define LP_PIPELINE_QUEUE_H

#include "pipeline/event.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct lp_queue lp_queue;

lp_queue *lp_queue_create(size_t max_events, uint64_t max_bytes);
/* Destroys the events still queued. Accepts NULL. */
void lp_queue_destroy(lp_queue *q);

/* Ownership: on 0 the events move into the queue. Blocks while the queue is
 * full (a push is admitted when the queue has room for at least one event,
 * so a batch may overshoot by its own size). Returns LP_ECLOSED (events not
 * taken) once closed. With block false, returns -EAGAIN instead of waiting. */
int lp_queue_push(lp_queue *q, lp_event **evs, size_t n, bool block);

/* Takes up to max events into out; waits for the first event, then up to
 * delay_ms for the batch to fill. Returns the count, 0 when the queue is
 * closed and empty. */
size_t lp_queue_pop(lp_queue *q, lp_event **out, size_t max, long delay_ms);

void lp_queue_close(lp_queue *q);
size_t lp_queue_count(lp_queue *q);

#endif
