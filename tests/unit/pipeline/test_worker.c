/* Unit tests for pipeline/worker and the acknowledgement contract: an ack
 * group fires only after every event of the batch was delivered by every
 * output it was routed to (or dropped on purpose), retries never drop, and
 * rejected events are counted. Uses test-local plugins. */
#include "lp_test.h"
#include "pipeline/compile.h"
#include "pipeline/mem.h"
#include "pipeline/queue.h"
#include "pipeline/worker.h"

#include <stdatomic.h>
#include <string.h>

/* filter: drops events with a "drop" field */
static lp_filter_rc drop_filter(void *inst, void *ws, lp_event *ev, lp_event_vec *emitted)
{
	return lpj_object_get(ev->data, "drop") ? LP_FILTER_DROP : LP_FILTER_OK;
}

/* output: fails the first `fail_first` sends with RETRY; rejects events with
 * a "bad" field; records how many deliveries it made. */
typedef struct test_out {
	int fail_first;
	int sends;
	int delivered;
	int acks_seen_before_delivery;
} test_out;

static atomic_int acked;

static void send_test(void *inst, void *ws, lp_event *const *evs, size_t n, lp_out_result *res)
{
	test_out *o = inst;
	o->sends++;
	for (size_t i = 0; i < n; i++) {
		if (atomic_load(&acked))
			o->acks_seen_before_delivery++;
		if (o->sends <= o->fail_first) {
			res[i].status = LP_OUT_RETRY;
		} else if (lpj_object_get(evs[i]->data, "bad")) {
			res[i].status = LP_OUT_REJECTED;
			res[i].reason = lp_strdup("mapping error");
		} else {
			res[i].status = LP_OUT_DELIVERED;
			o->delivered++;
		}
	}
}

static const lp_plugin_def filter_def = { .name = "t", .kind = LP_PLUGIN_FILTER, .filter = drop_filter };
static const lp_plugin_def output_def = { .name = "t", .kind = LP_PLUGIN_OUTPUT, .send = send_test };

static void on_ack(void *ctx)
{
	atomic_fetch_add(&acked, 1);
}

static lp_graph *make_graph(test_out *o)
{
	lp_graph *g = lp_calloc(1, sizeof(*g));
	g->n_filters = 1;
	g->filters = lp_calloc(1, sizeof(lp_node));
	g->filters[0].def = &filter_def;
	g->filters[0].id = "drop_test";
	g->n_outputs = 1;
	g->outputs = lp_calloc(1, sizeof(lp_node));
	g->outputs[0].def = &output_def;
	g->outputs[0].inst = o;
	g->outputs[0].id = "out_test";
	g->filter_prog.n = 1;
	g->filter_prog.code = lp_calloc(1, sizeof(lp_insn));
	g->filter_prog.code[0] = (lp_insn){ .op = LP_OP_PLUGIN, .node = 0 };
	g->output_prog.n = 1;
	g->output_prog.code = lp_calloc(1, sizeof(lp_insn));
	g->output_prog.code[0] = (lp_insn){ .op = LP_OP_PLUGIN, .node = 0 };
	return g;
}

static void run_batch(test_out *o, const char *const *events, size_t n, lp_worker_counters *out)
{
	atomic_store(&acked, 0);
	lp_graph *g = make_graph(o);
	lp_queue *q = lp_queue_create(100, 0);
	_Atomic uint64_t inflight = n;
	_Atomic int forced = 0;
	lp_worker_env env = { .graph = g, .queue = q, .batch_size = 50, .batch_delay_ms = 1,
			      .inflight = &inflight, .forced = &forced };
	lp_worker *w = lp_worker_create(&env, 0);
	lp_ack *group = lp_ack_create(on_ack, NULL);
	lp_event *evs[16];
	for (size_t i = 0; i < n; i++) {
		evs[i] = lp_event_new(lpj_loads(events[i], 0, NULL));
		lp_event_set_ack(evs[i], group);
	}
	lp_queue_push(q, evs, n, true);
	lp_ack_release(group);
	CHECK_INT(atomic_load(&acked), 0); /* queued events hold the group */
	lp_queue_close(q);
	lp_worker_start(w);
	lp_worker_join(w);
	const lp_worker_counters *c = lp_worker_get_counters(w);
	out->out = atomic_load(&c->out);
	out->rejected = atomic_load(&c->rejected);
	out->dropped_filter = atomic_load(&c->dropped_filter);
	out->retries = atomic_load(&c->retries);
	CHECK_INT(atomic_load(&inflight), 0);
	lp_worker_destroy(w);
	lp_queue_destroy(q);
	lp_free(g->filters);
	lp_free(g->outputs);
	lp_free(g->filter_prog.code);
	lp_free(g->output_prog.code);
	lp_free(g);
}

static void test_ack_after_delivery(void)
{
	test_out o = { 0 };
	const char *evs[] = { "{\"a\":1}", "{\"a\":2}", "{\"drop\":true}" };
	lp_worker_counters c;
	run_batch(&o, evs, 3, &c);
	CHECK_INT(atomic_load(&acked), 1);
	CHECK_INT(o.delivered, 2);
	CHECK_INT(o.acks_seen_before_delivery, 0);
	CHECK_INT(c.out, 2);
	CHECK_INT(c.dropped_filter, 1);
}

static void test_retry_never_drops(void)
{
	test_out o = { .fail_first = 2 };
	const char *evs[] = { "{\"a\":1}", "{\"a\":2}" };
	lp_worker_counters c;
	run_batch(&o, evs, 2, &c);
	CHECK_INT(o.sends, 3);
	CHECK_INT(o.delivered, 2);
	CHECK_INT(c.retries, 4);
	CHECK_INT(atomic_load(&acked), 1);
}

static void test_rejected_counted(void)
{
	test_out o = { 0 };
	const char *evs[] = { "{\"a\":1}", "{\"bad\":1}" };
	lp_worker_counters c;
	run_batch(&o, evs, 2, &c);
	CHECK_INT(c.out, 1);
	CHECK_INT(c.rejected, 1);
	CHECK_INT(atomic_load(&acked), 1);
}

int main(void)
{
	LP_RUN(test_ack_after_delivery);
	LP_RUN(test_retry_never_drops);
	LP_RUN(test_rejected_counted);
	return lp_test_report();
}
