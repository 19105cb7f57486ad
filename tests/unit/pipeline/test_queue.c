/* Unit tests for pipeline/queue: bounds, blocking, batching, close/drain. */
#include "lp_test.h"
#include "pipeline/error.h"
#include "pipeline/mem.h"
#include "pipeline/queue.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>

static lp_event *ev_of_size(size_t sz)
{
	lp_event *ev = lp_event_create();
	ev->size = sz;
	return ev;
}

static void test_fifo_and_batch(void)
{
	lp_queue *q = lp_queue_create(100, 0);
	lp_event *evs[10];
	for (int i = 0; i < 10; i++) {
		evs[i] = ev_of_size(1);
		lpj_object_set_new(evs[i]->data, "i", lpj_integer(i));
	}
	CHECK_INT(lp_queue_push(q, evs, 10, true), 0);
	CHECK_INT(lp_queue_count(q), 10);
	lp_event *out[4];
	size_t n = lp_queue_pop(q, out, 4, 0);
	CHECK_INT(n, 4);
	for (size_t i = 0; i < n; i++) {
		CHECK_INT(lpj_integer_value(lpj_object_get(out[i]->data, "i")), (long long)i);
		lp_event_destroy(out[i]);
	}
	CHECK_INT(lp_queue_count(q), 6);
	lp_queue_destroy(q); /* destroys the 6 still queued */
}

static void test_full_nonblocking(void)
{
	lp_queue *q = lp_queue_create(2, 0);
	lp_event *a[2] = { ev_of_size(1), ev_of_size(1) };
	CHECK_INT(lp_queue_push(q, a, 2, true), 0);
	lp_event *b = ev_of_size(1);
	CHECK_INT(lp_queue_push(q, &b, 1, false), -EAGAIN);
	lp_event *out[2];
	CHECK_INT(lp_queue_pop(q, out, 1, 0), 1);
	lp_event_destroy(out[0]);
	CHECK_INT(lp_queue_push(q, &b, 1, false), 0);
	lp_queue_destroy(q);
}

static void test_byte_bound(void)
{
	lp_queue *q = lp_queue_create(1000, 100);
	lp_event *a = ev_of_size(150);
	CHECK_INT(lp_queue_push(q, &a, 1, true), 0); /* admitted: queue had room */
	lp_event *b = ev_of_size(10);
	CHECK_INT(lp_queue_push(q, &b, 1, false), -EAGAIN); /* bytes over the bound */
	lp_event_destroy(b);
	lp_queue_destroy(q);
}

typedef struct producer {
	lp_queue *q;
	int count;
	atomic_int pushed;
} producer;

static void *produce(void *arg)
{
	producer *p = arg;
	for (int i = 0; i < p->count; i++) {
		lp_event *ev = ev_of_size(1);
		lpj_object_set_new(ev->data, "i", lpj_integer(i));
		if (lp_queue_push(p->q, &ev, 1, true) == 0)
			atomic_fetch_add(&p->pushed, 1);
	}
	return NULL;
}

static void test_blocking_producer_consumer_order(void)
{
	lp_queue *q = lp_queue_create(8, 0);
	producer p = { q, 5000, 0 };
	pthread_t t;
	pthread_create(&t, NULL, produce, &p);
	lp_event *out[16];
	int next = 0, bad = 0;
	while (next < p.count) {
		size_t n = lp_queue_pop(q, out, 16, 5);
		for (size_t i = 0; i < n; i++) {
			if (lpj_integer_value(lpj_object_get(out[i]->data, "i")) != next)
				bad++;
			next++;
			lp_event_destroy(out[i]);
		}
	}
	pthread_join(t, NULL);
	CHECK_INT(bad, 0);
	CHECK_INT(atomic_load(&p.pushed), 5000);
	lp_queue_destroy(q);
}

static void test_close_drains_then_ends(void)
{
	lp_queue *q = lp_queue_create(10, 0);
	lp_event *a[3] = { ev_of_size(1), ev_of_size(1), ev_of_size(1) };
	CHECK_INT(lp_queue_push(q, a, 3, true), 0);
	lp_queue_close(q);
	lp_event *b = ev_of_size(1);
	CHECK_INT(lp_queue_push(q, &b, 1, true), LP_ECLOSED);
	lp_event_destroy(b);
	lp_event *out[10];
	CHECK_INT(lp_queue_pop(q, out, 10, 1000), 3);
	for (int i = 0; i < 3; i++)
		lp_event_destroy(out[i]);
	CHECK_INT(lp_queue_pop(q, out, 10, 1000), 0);
	lp_queue_destroy(q);
}

static void *close_later(void *arg)
{
	lp_queue_close(arg);
	return NULL;
}

static void test_close_wakes_waiting_consumer(void)
{
	lp_queue *q = lp_queue_create(10, 0);
	pthread_t t;
	pthread_create(&t, NULL, close_later, q);
	lp_event *out[1];
	CHECK_INT(lp_queue_pop(q, out, 1, 10), 0);
	pthread_join(t, NULL);
	lp_queue_destroy(q);
}

int main(void)
{
	LP_RUN(test_fifo_and_batch);
	LP_RUN(test_full_nonblocking);
	LP_RUN(test_byte_bound);
	LP_RUN(test_blocking_producer_consumer_order);
	LP_RUN(test_close_drains_then_ends);
	LP_RUN(test_close_wakes_waiting_consumer);
	return lp_test_report();
}
