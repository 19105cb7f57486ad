/* Unit tests of the Kafka input's offset tracker. */
#include "inputs/kafka/kafka_offsets.h"

#include "lp_test.h"

#include <stdint.h>
#include <stdlib.h>

static void test_in_order(void)
{
	lp_kafka_offsets *t = lp_kafka_offsets_create();
	lp_kafka_offsets_part *p = lp_kafka_offsets_part_get(t, "logs", 0);
	int64_t next = 0;
	CHECK_INT(lp_kafka_offsets_next(p), -1);
	CHECK(!lp_kafka_offsets_take(p, &next));
	int64_t e = lp_kafka_offsets_out(p, 0, 9);
	CHECK_INT(e, 0);
	CHECK_INT(lp_kafka_offsets_out(p, 10, 19), e);
	CHECK_INT(lp_kafka_offsets_pending(p), 2);
	CHECK(lp_kafka_offsets_done(p, e, 0));
	CHECK_INT(lp_kafka_offsets_next(p), 10);
	CHECK(lp_kafka_offsets_take(p, &next));
	CHECK_INT(next, 10);
	CHECK(!lp_kafka_offsets_take(p, &next));
	CHECK(lp_kafka_offsets_done(p, e, 10));
	CHECK_INT(lp_kafka_offsets_next(p), 20);
	CHECK_INT(lp_kafka_offsets_pending(p), 0);
	CHECK(lp_kafka_offsets_take(p, &next));
	CHECK_INT(next, 20);
	lp_kafka_offsets_destroy(t);
}

static void test_out_of_order_acks(void)
{
	lp_kafka_offsets *t = lp_kafka_offsets_create();
	lp_kafka_offsets_part *p = lp_kafka_offsets_part_get(t, "logs", 3);
	int64_t e = lp_kafka_offsets_out(p, 100, 104);
	lp_kafka_offsets_out(p, 105, 105);
	lp_kafka_offsets_out(p, 106, 110);
	/* The last and the middle batch finish first: nothing is safe yet. */
	CHECK(!lp_kafka_offsets_done(p, e, 106));
	CHECK(!lp_kafka_offsets_done(p, e, 105));
	CHECK_INT(lp_kafka_offsets_next(p), -1);
	CHECK_INT(lp_kafka_offsets_pending(p), 1);
	int64_t next;
	CHECK(!lp_kafka_offsets_take(p, &next));
	/* The first one completes: everything up to 110 is safe at once. */
	CHECK(lp_kafka_offsets_done(p, e, 100));
	CHECK_INT(lp_kafka_offsets_next(p), 111);
	CHECK_INT(lp_kafka_offsets_pending(p), 0);
	CHECK(lp_kafka_offsets_take(p, &next));
	CHECK_INT(next, 111);
	lp_kafka_offsets_destroy(t);
}

static void test_partial_advance(void)
{
	lp_kafka_offsets *t = lp_kafka_offsets_create();
	lp_kafka_offsets_part *p = lp_kafka_offsets_part_get(t, "logs", 0);
	int64_t e = lp_kafka_offsets_out(p, 0, 0);
	lp_kafka_offsets_out(p, 1, 1);
	lp_kafka_offsets_out(p, 2, 2);
	lp_kafka_offsets_out(p, 3, 3);
	CHECK(!lp_kafka_offsets_done(p, e, 1));
	CHECK(!lp_kafka_offsets_done(p, e, 3));
	CHECK(lp_kafka_offsets_done(p, e, 0));
	/* 0 and 1 are safe, 2 is not: the watermark stops below 2. */
	CHECK_INT(lp_kafka_offsets_next(p), 2);
	CHECK(lp_kafka_offsets_done(p, e, 2));
	CHECK_INT(lp_kafka_offsets_next(p), 4);
	lp_kafka_offsets_destroy(t);
}

static void test_gaps(void)
{
	/* Compacted topics and transaction markers leave holes in offsets. */
	lp_kafka_offsets *t = lp_kafka_offsets_create();
	lp_kafka_offsets_part *p = lp_kafka_offsets_part_get(t, "logs", 0);
	int64_t e = lp_kafka_offsets_out(p, 5, 7);
	lp_kafka_offsets_out(p, 20, 30);
	CHECK(lp_kafka_offsets_done(p, e, 5));
	CHECK_INT(lp_kafka_offsets_next(p), 8);
	CHECK(lp_kafka_offsets_done(p, e, 20));
	CHECK_INT(lp_kafka_offsets_next(p), 31);
	lp_kafka_offsets_destroy(t);
}

static void test_bad_ranges_and_unknown_acks(void)
{
	lp_kafka_offsets *t = lp_kafka_offsets_create();
	lp_kafka_offsets_part *p = lp_kafka_offsets_part_get(t, "logs", 0);
	int64_t e = lp_kafka_offsets_out(p, 10, 19);
	CHECK(lp_kafka_offsets_out(p, 15, 25) < 0); /* overlaps */
	CHECK(lp_kafka_offsets_out(p, 5, 6) < 0);   /* goes back */
	CHECK(lp_kafka_offsets_out(p, 30, 29) < 0); /* empty */
	CHECK(lp_kafka_offsets_out(p, -1, 3) < 0);  /* negative */
	CHECK_INT(lp_kafka_offsets_pending(p), 1);
	CHECK(!lp_kafka_offsets_done(p, e, 11));     /* not a batch start */
	CHECK(!lp_kafka_offsets_done(p, e, 100));
	CHECK_INT(lp_kafka_offsets_pending(p), 1);
	CHECK(lp_kafka_offsets_done(p, e, 10));
	CHECK(!lp_kafka_offsets_done(p, e, 10));     /* twice: ignored */
	CHECK_INT(lp_kafka_offsets_next(p), 20);
	lp_kafka_offsets_destroy(t);
}

static void test_cancel_blocks_the_watermark(void)
{
	lp_kafka_offsets *t = lp_kafka_offsets_create();
	lp_kafka_offsets_part *p = lp_kafka_offsets_part_get(t, "logs", 0);
	int64_t e = lp_kafka_offsets_out(p, 0, 9);
	lp_kafka_offsets_out(p, 10, 19);
	lp_kafka_offsets_out(p, 20, 29);
	CHECK(lp_kafka_offsets_done(p, e, 0));
	/* 10..19 never reached the engine: never safe, no longer pending. */
	CHECK(lp_kafka_offsets_cancel(p, e, 10));
	CHECK(!lp_kafka_offsets_cancel(p, e, 10));
	CHECK(!lp_kafka_offsets_cancel(p, e + 1, 20)); /* other epoch */
	CHECK_INT(lp_kafka_offsets_pending(p), 1);
	CHECK(!lp_kafka_offsets_done(p, e, 10)); /* a late ack cannot revive it */
	CHECK(!lp_kafka_offsets_done(p, e, 20));
	CHECK_INT(lp_kafka_offsets_pending(p), 0);
	CHECK_INT(lp_kafka_offsets_pending_total(t), 0);
	CHECK_INT(lp_kafka_offsets_next(p), 10);
	/* A new epoch starts clean. */
	lp_kafka_offsets_reset(p);
	e = lp_kafka_offsets_out(p, 10, 19);
	CHECK(lp_kafka_offsets_done(p, e, 10));
	CHECK_INT(lp_kafka_offsets_next(p), 20);
	lp_kafka_offsets_destroy(t);
}

static void test_reset_ignores_late_acks(void)
{
	lp_kafka_offsets *t = lp_kafka_offsets_create();
	lp_kafka_offsets_part *p = lp_kafka_offsets_part_get(t, "logs", 1);
	int64_t e0 = lp_kafka_offsets_out(p, 0, 49);
	lp_kafka_offsets_out(p, 50, 99);
	CHECK(lp_kafka_offsets_done(p, e0, 0));
	lp_kafka_offsets_reset(p); /* revoked, then assigned again */
	CHECK_INT(lp_kafka_offsets_next(p), -1);
	CHECK_INT(lp_kafka_offsets_pending(p), 0);
	int64_t next;
	CHECK(!lp_kafka_offsets_take(p, &next));
	/* The new assignment resumes at the committed 50. */
	int64_t e1 = lp_kafka_offsets_out(p, 50, 59);
	CHECK(e1 != e0);
	/* The late ack of the old batch 50..99 must not mark the new one. */
	CHECK(!lp_kafka_offsets_done(p, e0, 50));
	CHECK_INT(lp_kafka_offsets_next(p), -1);
	CHECK_INT(lp_kafka_offsets_pending(p), 1);
	CHECK(lp_kafka_offsets_done(p, e1, 50));
	CHECK_INT(lp_kafka_offsets_next(p), 60);
	lp_kafka_offsets_destroy(t);
}

static void test_partitions_are_independent(void)
{
	lp_kafka_offsets *t = lp_kafka_offsets_create();
	lp_kafka_offsets_part *a0 = lp_kafka_offsets_part_get(t, "a", 0);
	lp_kafka_offsets_part *a1 = lp_kafka_offsets_part_get(t, "a", 1);
	lp_kafka_offsets_part *b0 = lp_kafka_offsets_part_get(t, "b", 0);
	CHECK(a0 != a1 && a0 != b0 && a1 != b0);
	CHECK(lp_kafka_offsets_part_get(t, "a", 1) == a1);
	CHECK(lp_kafka_offsets_part_find(t, "b", 0) == b0);
	CHECK(lp_kafka_offsets_part_find(t, "b", 1) == NULL);
	CHECK_INT(lp_kafka_offsets_count(t), 3);
	CHECK(lp_kafka_offsets_at(t, 2) == b0);
	CHECK(lp_kafka_offsets_at(t, 3) == NULL);
	CHECK_STR(lp_kafka_offsets_topic(a1), "a");
	CHECK_INT(lp_kafka_offsets_partition(a1), 1);
	int64_t e = lp_kafka_offsets_out(a0, 0, 9);
	lp_kafka_offsets_out(a1, 0, 4);
	lp_kafka_offsets_out(b0, 7, 7);
	CHECK_INT(lp_kafka_offsets_pending_total(t), 3);
	CHECK(lp_kafka_offsets_done(a1, e, 0));
	CHECK_INT(lp_kafka_offsets_next(a1), 5);
	CHECK_INT(lp_kafka_offsets_next(a0), -1);
	CHECK_INT(lp_kafka_offsets_next(b0), -1);
	CHECK_INT(lp_kafka_offsets_pending_total(t), 2);
	lp_kafka_offsets_reset(a0);
	CHECK_INT(lp_kafka_offsets_pending_total(t), 1);
	lp_kafka_offsets_destroy(t);
}

static void test_ring_wraps_and_grows(void)
{
	/* Keep a window of batches in flight while acking the oldest, so that
	 * the ring wraps many times, then grows with the window. */
	lp_kafka_offsets *t = lp_kafka_offsets_create();
	lp_kafka_offsets_part *p = lp_kafka_offsets_part_get(t, "logs", 0);
	int64_t e = 0, off = 0, acked = 0;
	for (int window = 5; window <= 200; window *= 2) {
		for (int i = 0; i < 1000; i++) {
			e = lp_kafka_offsets_out(p, off, off + 2);
			off += 3;
			while (off - acked > 3 * window) {
				CHECK(lp_kafka_offsets_done(p, e, acked));
				acked += 3;
				CHECK_INT(lp_kafka_offsets_next(p), acked);
			}
		}
	}
	CHECK_INT(lp_kafka_offsets_pending(p), (off - acked) / 3);
	while (acked < off) {
		CHECK(lp_kafka_offsets_done(p, e, acked));
		acked += 3;
	}
	CHECK_INT(lp_kafka_offsets_next(p), off);
	CHECK_INT(lp_kafka_offsets_pending(p), 0);
	lp_kafka_offsets_destroy(t);
}

/* Random batches acknowledged in random order, checked against a model:
 * the answer is always one past the longest fully acknowledged prefix. */
static void test_random_against_model(void)
{
	srand(12345);
	for (int round = 0; round < 50; round++) {
		lp_kafka_offsets *t = lp_kafka_offsets_create();
		lp_kafka_offsets_part *p = lp_kafka_offsets_part_get(t, "logs", round);
		enum { N = 300 };
		int64_t first[N], last[N];
		int order[N];
		bool acked[N];
		int64_t off = rand() % 1000, e = 0;
		for (int i = 0; i < N; i++) {
			off += rand() % 3; /* sometimes a gap */
			first[i] = off;
			last[i] = off + rand() % 10;
			off = last[i] + 1;
			acked[i] = false;
			order[i] = i;
		}
		for (int i = N - 1; i > 0; i--) {
			int j = rand() % (i + 1), x = order[i];
			order[i] = order[j];
			order[j] = x;
		}
		int handed = 0;
		for (int k = 0; k < N; k++) {
			/* Hand out batches up to the one acknowledged next, so that
			 * outs and acks interleave. */
			while (handed <= order[k]) {
				e = lp_kafka_offsets_out(p, first[handed], last[handed]);
				CHECK(e >= 0);
				handed++;
			}
			int64_t before = lp_kafka_offsets_next(p);
			bool adv = lp_kafka_offsets_done(p, e, first[order[k]]);
			acked[order[k]] = true;
			int prefix = 0;
			while (prefix < N && acked[prefix])
				prefix++;
			int64_t want = prefix ? last[prefix - 1] + 1 : -1;
			CHECK_INT(lp_kafka_offsets_next(p), want);
			CHECK(adv == (want != before));
			size_t pending = 0;
			for (int i = 0; i < handed; i++)
				pending += !acked[i];
			CHECK_INT(lp_kafka_offsets_pending(p), pending);
		}
		CHECK_INT(lp_kafka_offsets_next(p), off);
		lp_kafka_offsets_destroy(t);
	}
}

int main(void)
{
	LP_RUN(test_in_order);
	LP_RUN(test_out_of_order_acks);
	LP_RUN(test_partial_advance);
	LP_RUN(test_gaps);
	LP_RUN(test_bad_ranges_and_unknown_acks);
	LP_RUN(test_cancel_blocks_the_watermark);
	LP_RUN(test_reset_ignores_late_acks);
	LP_RUN(test_partitions_are_independent);
	LP_RUN(test_ring_wraps_and_grows);
	LP_RUN(test_random_against_model);
	lp_kafka_offsets_destroy(NULL);
	return lp_test_report();
}
