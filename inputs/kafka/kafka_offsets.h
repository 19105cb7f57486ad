/* kafka_offsets: the Kafka input's per-partition offset tracker. Pure data
 * structure, no librdkafka and no locking (the caller serialises access).
 *
 * The consumer hands batches of consecutive messages of one partition to the
 * engine in offset order (lp_kafka_offsets_out); the engine acknowledges the
 * batches in any order (lp_kafka_offsets_done). The tracker answers, per
 * partition, "the next offset to commit": one past the highest offset below
 * which every message handed out has been acknowledged. Offsets may have gaps
 * (compacted topics, transaction markers); a gap between two batches counts
 * as safe once the batch before it is.
 *
 * Partition state, per assignment:
 *
 *   reset (epoch e, nothing in flight, next = -1)
 *      --out [f..l]--> in flight: ranges [f..l] in offset order
 *      --done front range--> pop every done range at the front, next = l + 1, dirty
 *      --cancel range--> the range will never be safe: next stops below it for good
 *      --reset (revocation / reassignment)--> epoch e + 1: late acks of epoch e ignored
 *
 * Partition handles are stable for the tracker's lifetime, so that an ack
 * context may keep one. */
#ifndef LP_INPUTS_KAFKA_KAFKA_OFFSETS_H
#define LP_INPUTS_KAFKA_KAFKA_OFFSETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct lp_kafka_offsets lp_kafka_offsets;
typedef struct lp_kafka_offsets_part lp_kafka_offsets_part;

lp_kafka_offsets *lp_kafka_offsets_create(void);
/* Accepts NULL. Frees every partition handle. */
void lp_kafka_offsets_destroy(lp_kafka_offsets *t);

/* The partition's state, created (reset, epoch 0) on first use. Ownership:
 * borrowed, valid until the tracker is destroyed. */
lp_kafka_offsets_part *lp_kafka_offsets_part_get(lp_kafka_offsets *t, const char *topic,
						 int32_t partition);
/* The partition's state or NULL when it was never used. Borrowed. */
lp_kafka_offsets_part *lp_kafka_offsets_part_find(const lp_kafka_offsets *t, const char *topic,
						  int32_t partition);
/* Number of partitions known, and the i-th one (in creation order). */
size_t lp_kafka_offsets_count(const lp_kafka_offsets *t);
lp_kafka_offsets_part *lp_kafka_offsets_at(const lp_kafka_offsets *t, size_t i);

const char *lp_kafka_offsets_topic(const lp_kafka_offsets_part *p);
int32_t lp_kafka_offsets_partition(const lp_kafka_offsets_part *p);

/* Records that offsets first..last (inclusive, first <= last, first greater
 * than every offset handed out before in this epoch) went to the engine as
 * one batch. Returns the partition's current epoch, to give back to
 * lp_kafka_offsets_done. Returns LP_EINVAL (as a negative value) when the
 * range is out of order. */
int64_t lp_kafka_offsets_out(lp_kafka_offsets_part *p, int64_t first, int64_t last);
/* Marks the batch that starts at first, handed out in epoch, as safe. Late
 * acknowledgements from an older epoch and unknown batches are ignored.
 * Returns true when the next offset to commit advanced. */
bool lp_kafka_offsets_done(lp_kafka_offsets_part *p, int64_t epoch, int64_t first);

/* Marks the batch that starts at first, handed out in epoch, as never to be
 * acknowledged (its events could not be handed to the engine): it no longer
 * counts as pending, and the next offset to commit never passes it in this
 * epoch. Returns true when a pending batch was cancelled. */
bool lp_kafka_offsets_cancel(lp_kafka_offsets_part *p, int64_t epoch, int64_t first);

/* One past the highest offset below which everything handed out is safe, or
 * -1 when nothing was acknowledged in this epoch yet. */
int64_t lp_kafka_offsets_next(const lp_kafka_offsets_part *p);
/* When the next offset to commit advanced since the last take, stores it in
 * *next, clears the flag and returns true; otherwise returns false. */
bool lp_kafka_offsets_take(lp_kafka_offsets_part *p, int64_t *next);
/* Batches handed out in this epoch and neither acknowledged nor cancelled. */
size_t lp_kafka_offsets_pending(const lp_kafka_offsets_part *p);
/* Batches not acknowledged yet, over all partitions. */
size_t lp_kafka_offsets_pending_total(const lp_kafka_offsets *t);

/* Forgets everything in flight and the next offset (revocation, new
 * assignment); starts a new epoch. */
void lp_kafka_offsets_reset(lp_kafka_offsets_part *p);

#endif
