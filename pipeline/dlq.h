/* dlq: the dead-letter queue writer. Events an output rejected permanently
 * (e.g. Elasticsearch 400/404) or a filter could not process are appended to
 * segment files under <path.data>/dead_letter_queue/<pipeline id>/, bounded
 * by dead_letter_queue.max_bytes with a storage policy (drop_newer: refuse new
 * entries when full; drop_older: delete the oldest segments). Each entry
 * keeps the original event, the reason, the plugin id and type and the time.
 * The format is documented in docs/dead_letter_queue.md. Thread-safe. */
#ifndef LP_PIPELINE_DLQ_H
#define LP_PIPELINE_DLQ_H

#include "pipeline/event.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct lp_dlq lp_dlq;

typedef enum { LP_DLQ_DROP_NEWER, LP_DLQ_DROP_OLDER } lp_dlq_policy;

/* Opens (creating directories) the queue. Returns NULL and sets *err
 * (negative errno) on failure. */
lp_dlq *lp_dlq_open(const char *data_dir, const char *pipeline_id, uint64_t max_bytes,
		    lp_dlq_policy policy, int *err);
/* Flushes and closes; accepts NULL. */
void lp_dlq_close(lp_dlq *q);

/* Appends one entry (not yet durable). Returns 0, LP_ETOOBIG when the queue
 * is full under drop_newer (the entry is not written; counted), or -errno. */
int lp_dlq_append(lp_dlq *q, lp_event *ev, const char *plugin_type, const char *plugin_id,
		  const char *reason);
/* Makes every appended entry durable (fsync). Call before acknowledging. */
int lp_dlq_sync(lp_dlq *q);

/* Entries dropped because of the size bound (for metrics). */
uint64_t lp_dlq_dropped(const lp_dlq *q);

#endif
