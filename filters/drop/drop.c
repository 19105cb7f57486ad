/* drop filter: drops the event on purpose (LP_FILTER_DROP), or with
 * `percentage` < 100 only that share of events, chosen at random. Like
 * Logstash, an event it keeps is left alone (common options do not apply). */
#include "conf/schema.h"
#include "pipeline/mem.h"
#include "pipeline/plugin.h"

#include <stdint.h>
#include <time.h>

typedef struct drop {
	double percentage;
} drop;

typedef struct drop_ws {
	uint64_t rng; /* xorshift64 state, never 0 */
} drop_ws;

static const lp_option_def options[] = {
	{ "percentage", LP_OPT_NUMBER, "100", 0, NULL, 0, 100,
	  "Share of events to drop, in percent (chosen at random)." },
	LP_OPT_END,
};

static void *drop_create(lp_args *a)
{
	drop *d = lp_calloc(1, sizeof(*d));
	d->percentage = lp_args_num(a, "percentage", 100);
	return d;
}

static void drop_destroy(void *inst)
{
	lp_free(inst);
}

static void *drop_worker_create(void *inst)
{
	drop_ws *ws = lp_malloc(sizeof(*ws));
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	ws->rng = ((uint64_t)t.tv_nsec << 20) ^ (uint64_t)t.tv_sec ^ (uint64_t)(uintptr_t)ws;
	if (!ws->rng)
		ws->rng = 0x9E3779B97F4A7C15ull;
	return ws;
}

static void drop_worker_destroy(void *inst, void *ws)
{
	lp_free(ws);
}

static lp_filter_rc drop_filter(void *inst, void *wsp, lp_event *ev, lp_event_vec *emitted)
{
	const drop *d = inst;
	if (d->percentage >= 100)
		return LP_FILTER_DROP;
	drop_ws *ws = wsp;
	uint64_t x = ws->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	ws->rng = x;
	double r = (double)(x >> 11) * (1.0 / 9007199254740992.0); /* [0, 1) */
	return r < d->percentage / 100.0 ? LP_FILTER_DROP : LP_FILTER_SKIP;
}

const lp_plugin_def lp_plugin_filter_drop = {
	.name = "drop",
	.kind = LP_PLUGIN_FILTER,
	.doc = "Drops events (all of them, or a random percentage).",
	.options = options,
	.create = drop_create,
	.destroy = drop_destroy,
	.worker_create = drop_worker_create,
	.worker_destroy = drop_worker_destroy,
	.filter = drop_filter,
};
