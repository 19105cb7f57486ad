#include "pipeline/queue.h"

#include "pipeline/clock.h"
#include "pipeline/error.h"
#include "pipeline/mem.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

struct lp_queue {
	pthread_mutex_t mu;
	pthread_cond_t not_empty;
	pthread_cond_t not_full;
	lp_event **ring;
	size_t cap, head, count;
	size_t max_events;
	uint64_t max_bytes, bytes;
	bool closed;
};

lp_queue *lp_queue_create(size_t max_events, uint64_t max_bytes)
{
	lp_queue *q = lp_calloc(1, sizeof(*q));
	pthread_mutex_init(&q->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->not_empty, &ca);
	pthread_cond_init(&q->not_full, &ca);
	pthread_condattr_destroy(&ca);
	q->max_events = max_events ? max_events : 1;
	q->max_bytes = max_bytes ? max_bytes : UINT64_MAX;
	q->cap = 64;
	q->ring = lp_malloc(q->cap * sizeof(*q->ring));
	return q;
}

void lp_queue_destroy(lp_queue *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->count; i++)
		lp_event_destroy(q->ring[(q->head + i) % q->cap]);
	lp_free(q->ring);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->not_empty);
	pthread_cond_destroy(&q->not_full);
	lp_free(q);
}

static bool full(const lp_queue *q)
{
	return q->count >= q->max_events || q->bytes >= q->max_bytes;
}

static void grow(lp_queue *q, size_t need)
{
	if (need <= q->cap)
		return;
	size_t ncap = q->cap;
	while (ncap < need)
		ncap *= 2;
	lp_event **r = lp_malloc(ncap * sizeof(*r));
	for (size_t i = 0; i < q->count; i++)
		r[i] = q->ring[(q->head + i) % q->cap];
	lp_free(q->ring);
	q->ring = r;
	q->cap = ncap;
	q->head = 0;
}

int lp_queue_push(lp_queue *q, lp_event **evs, size_t n, bool block)
{
	pthread_mutex_lock(&q->mu);
	while (!q->closed && full(q)) {
		if (!block) {
			pthread_mutex_unlock(&q->mu);
			return -EAGAIN;
		}
		pthread_cond_wait(&q->not_full, &q->mu);
	}
	if (q->closed) {
		pthread_mutex_unlock(&q->mu);
		return LP_ECLOSED;
	}
	grow(q, q->count + n);
	for (size_t i = 0; i < n; i++) {
		q->ring[(q->head + q->count) % q->cap] = evs[i];
		q->count++;
		q->bytes += evs[i]->size;
	}
	pthread_cond_broadcast(&q->not_empty);
	pthread_mutex_unlock(&q->mu);
	return 0;
}

size_t lp_queue_pop(lp_queue *q, lp_event **out, size_t max, long delay_ms)
{
	pthread_mutex_lock(&q->mu);
	while (!q->closed && q->count == 0)
		pthread_cond_wait(&q->not_empty, &q->mu);
	if (q->count < max && !q->closed && delay_ms > 0) {
		struct timespec dl;
		lp_deadline_in(&dl, CLOCK_MONOTONIC, delay_ms);
		while (!q->closed && q->count < max) {
			if (pthread_cond_timedwait(&q->not_empty, &q->mu, &dl) == ETIMEDOUT)
				break;
		}
	}
	size_t n = q->count < max ? q->count : max;
	for (size_t i = 0; i < n; i++) {
		out[i] = q->ring[q->head];
		q->head = (q->head + 1) % q->cap;
		q->bytes -= out[i]->size;
	}
	q->count -= n;
	if (n)
		pthread_cond_broadcast(&q->not_full);
	pthread_mutex_unlock(&q->mu);
	return n;
}

void lp_queue_close(lp_queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->closed = true;
	pthread_cond_broadcast(&q->not_empty);
	pthread_cond_broadcast(&q->not_full);
	pthread_mutex_unlock(&q->mu);
}

size_t lp_queue_count(lp_queue *q)
{
	pthread_mutex_lock(&q->mu);
	size_t n = q->count;
	pthread_mutex_unlock(&q->mu);
	return n;
}
