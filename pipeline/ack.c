#include "pipeline/ack.h"

#include "pipeline/mem.h"

#include <assert.h>
#include <stdatomic.h>

struct lp_ack {
	atomic_long refs;
	lp_ack_fn fn;
	void *ctx;
};

lp_ack *lp_ack_create(lp_ack_fn fn, void *ctx)
{
	lp_ack *a = lp_malloc(sizeof(*a));
	atomic_init(&a->refs, 1);
	a->fn = fn;
	a->ctx = ctx;
	return a;
}

void lp_ack_retain(lp_ack *a)
{
	long prev = atomic_fetch_add_explicit(&a->refs, 1, memory_order_relaxed);
	assert(prev > 0);
	(void)prev;
}

void lp_ack_release(lp_ack *a)
{
	if (!a)
		return;
	long prev = atomic_fetch_sub_explicit(&a->refs, 1, memory_order_acq_rel);
	assert(prev > 0);
	if (prev == 1) {
		if (a->fn)
			a->fn(a->ctx);
		lp_free(a);
	}
}
