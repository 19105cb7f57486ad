#include "pipeline/worker.h"

#include "pipeline/log.h"
#include "pipeline/mem.h"

#include <errno.h>
#include <time.h>

struct lp_worker {
	lp_worker_env env;
	int index;
	pthread_t thread;
	bool started;
	void **filter_ws;
	void **output_ws;
	lp_event_vec *routed;       /* per output: the events routed to it this batch */
	lp_event_vec done;          /* events that left the filter stage this batch */
	lp_out_result *res;
	size_t res_cap;
	lp_event **pending;
	size_t pending_cap;
	lp_worker_counters counters;
	/* per-batch tallies, published once per batch */
	uint64_t t_filtered, t_out, t_dropped_filter, t_rejected, t_dropped_output, t_dlq, t_cond,
		t_retries;
};

static lp_ratelimit cond_warn_rl;
static lp_ratelimit retry_warn_rl;
static lp_ratelimit failed_rl;

lp_worker *lp_worker_create(const lp_worker_env *env, int index)
{
	lp_worker *w = lp_calloc(1, sizeof(*w));
	w->env = *env;
	w->index = index;
	const lp_graph *g = env->graph;
	w->filter_ws = lp_calloc(g->n_filters + 1, sizeof(void *));
	for (size_t i = 0; i < g->n_filters; i++)
		if (g->filters[i].def->worker_create)
			w->filter_ws[i] = g->filters[i].def->worker_create(g->filters[i].inst);
	w->output_ws = lp_calloc(g->n_outputs + 1, sizeof(void *));
	for (size_t i = 0; i < g->n_outputs; i++)
		if (g->outputs[i].def->worker_create)
			w->output_ws[i] = g->outputs[i].def->worker_create(g->outputs[i].inst);
	w->routed = lp_calloc(g->n_outputs + 1, sizeof(lp_event_vec));
	return w;
}

void lp_worker_destroy(lp_worker *w)
{
	if (!w)
		return;
	lp_worker_join(w);
	const lp_graph *g = w->env.graph;
	for (size_t i = 0; i < g->n_filters; i++)
		if (g->filters[i].def->worker_destroy)
			g->filters[i].def->worker_destroy(g->filters[i].inst, w->filter_ws[i]);
	for (size_t i = 0; i < g->n_outputs; i++)
		if (g->outputs[i].def->worker_destroy)
			g->outputs[i].def->worker_destroy(g->outputs[i].inst, w->output_ws[i]);
	for (size_t i = 0; i < g->n_outputs; i++)
		lp_free(w->routed[i].v);
	lp_free(w->routed);
	lp_free(w->done.v);
	lp_free(w->filter_ws);
	lp_free(w->output_ws);
	lp_free(w->res);
	lp_free(w->pending);
	lp_free(w);
}

const lp_worker_counters *lp_worker_get_counters(const lp_worker *w)
{
	return &w->counters;
}

static void cond_failed(lp_worker *w, const lp_insn *in, lp_event *ev, const char *why)
{
	lp_event_tag(ev, "_conditionalevalfailure");
	w->t_cond++;
	long long suppressed = 0;
	if (lp_ratelimit_ok(&cond_warn_rl, 10000, &suppressed)) {
		const lp_span *s = &in->span;
		lp_warn("pipeline",
			"Condition at %s:%u:%u could not be evaluated (%s); neither branch ran, the event "
			"was tagged '_conditionalevalfailure' and continues (%lld similar warnings suppressed).",
			s->file ? s->file->name : "?", s->line, s->col, why ? why : "evaluation error",
			suppressed);
	}
}

/* Evaluates the IF at pc; returns where the event goes next: into the
 * branch, to the next branch of the chain, or past the chain when the
 * condition cannot be evaluated. */
static size_t branch(lp_worker *w, const lp_insn *in, size_t pc, lp_event *ev)
{
	const char *why = NULL;
	lp_cond_result r = in->cond ? lp_cond_eval(in->cond, ev, &why) : LP_COND_FALSE;
	if (r == LP_COND_ERROR) {
		cond_failed(w, in, ev, why);
		return in->chain_end;
	}
	return r ? pc + 1 : in->target;
}

/* Runs the filter program on ev from pc; events that finish go to w->done. */
static void run_filters(lp_worker *w, lp_event *ev, size_t pc)
{
	const lp_graph *g = w->env.graph;
	lp_arena *prev = lp_event_enter(ev);
	const lp_program *pr = &g->filter_prog;
	while (pc < pr->n) {
		const lp_insn *in = &pr->code[pc];
		if (in->op == LP_OP_JUMP) {
			pc = in->target;
			continue;
		}
		if (in->op == LP_OP_IF) {
			pc = branch(w, in, pc, ev);
			continue;
		}
		const lp_node *n = &g->filters[in->node];
		lp_event_vec emitted = { 0 };
		lp_filter_rc rc = n->def->filter(n->inst, w->filter_ws[in->node], ev, &emitted);
		if (rc == LP_FILTER_OK)
			lp_node_apply_filter_common(n, ev);
		for (size_t i = 0; i < emitted.n; i++)
			run_filters(w, emitted.v[i], pc + 1);
		lp_free(emitted.v);
		if (rc == LP_FILTER_DROP) {
			w->t_dropped_filter++;
			lp_event_leave(prev);
			lp_event_destroy(ev);
			return;
		}
		pc++;
	}
	lp_event_leave(prev);
	lp_event_vec_push(&w->done, ev);
}

void lp_worker_filter_one(lp_worker *w, lp_event *ev, lp_event_vec *out)
{
	w->done.n = 0;
	run_filters(w, ev, 0);
	for (size_t i = 0; i < w->done.n; i++)
		lp_event_vec_push(out, w->done.v[i]);
	w->done.n = 0;
}

static void route(lp_worker *w, lp_event *ev)
{
	const lp_program *pr = &w->env.graph->output_prog;
	size_t pc = 0;
	while (pc < pr->n) {
		const lp_insn *in = &pr->code[pc];
		if (in->op == LP_OP_JUMP) {
			pc = in->target;
		} else if (in->op == LP_OP_IF) {
			pc = branch(w, in, pc, ev);
		} else {
			lp_event_vec_push(&w->routed[in->node], ev);
			pc++;
		}
	}
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Counts and logs an event an output did not deliver. Every such event is
 * logged with its reason; a burst is condensed to about ten lines a second,
 * each saying how many similar ones were not printed. */
static void finish_failed(lp_worker *w, const lp_node *n, lp_event *ev, lp_out_result *r)
{
	const char *reason = r->reason ? r->reason : "no reason given";
	long long suppressed = 0;
	if (r->status == LP_OUT_DROPPED) {
		w->t_dropped_output++;
		if (lp_ratelimit_ok(&failed_rl, 100, &suppressed))
			lp_warn("pipeline", "Output '%s' dropped an event: %s (%lld more not shown).", n->id, reason,
				suppressed);
	} else {
		w->t_rejected++;
		int rc = w->env.dlq ? lp_dlq_append(w->env.dlq, ev, n->def->name, n->id, reason) : -1;
		if (rc == 0) {
			w->t_dlq++;
			lp_debug("pipeline", "Output '%s' rejected an event (%s); it was written to the dead-letter queue.",
				 n->id, reason);
		} else if (lp_ratelimit_ok(&failed_rl, 100, &suppressed)) {
			lp_error("pipeline", "Output '%s' rejected an event permanently: %s.%s (%lld more not shown)",
				 n->id, reason,
				 w->env.dlq ? " The dead-letter queue is full; the event is dropped." : "", suppressed);
		}
	}
	lp_free(r->reason);
	r->reason = NULL;
}

/* Sends evs to output n until every event is delivered or finally failed. */
static void send_all(lp_worker *w, size_t out_idx, lp_event **evs, size_t n)
{
	const lp_node *node = &w->env.graph->outputs[out_idx];
	LP_GROW(w->res, w->res_cap, n);
	LP_GROW(w->pending, w->pending_cap, n);
	size_t m = n;
	lp_event **cur = evs;
	long backoff = 500;
	for (;;) {
		for (size_t i = 0; i < m; i++)
			w->res[i] = (lp_out_result){ LP_OUT_DELIVERED, NULL };
		node->def->send(node->inst, w->output_ws[out_idx], cur, m, w->res);
		size_t again = 0;
		for (size_t i = 0; i < m; i++) {
			lp_out_result *r = &w->res[i];
			if (r->status == LP_OUT_DELIVERED) {
				w->t_out++;
				lp_free(r->reason);
			} else if (r->status == LP_OUT_RETRY) {
				lp_free(r->reason);
				w->pending[again++] = cur[i];
			} else {
				finish_failed(w, node, cur[i], r);
			}
		}
		if (again == 0 || atomic_load(w->env.forced))
			return;
		w->t_retries += again;
		long long suppressed = 0;
		if (lp_ratelimit_ok(&retry_warn_rl, 5000, &suppressed))
			lp_warn("pipeline", "Output '%s' could not deliver %zu events yet; retrying in %ld ms.",
				node->id, again, backoff);
		sleep_ms(backoff);
		backoff = backoff * 2 > 30000 ? 30000 : backoff * 2;
		/* the events to retry were compacted into pending (in place when cur is pending) */
		cur = w->pending;
		m = again;
	}
}

static void publish(lp_worker *w)
{
	lp_worker_counters *c = &w->counters;
	atomic_fetch_add_explicit(&c->filtered, w->t_filtered, memory_order_relaxed);
	atomic_fetch_add_explicit(&c->out, w->t_out, memory_order_relaxed);
	atomic_fetch_add_explicit(&c->dropped_filter, w->t_dropped_filter, memory_order_relaxed);
	atomic_fetch_add_explicit(&c->rejected, w->t_rejected, memory_order_relaxed);
	atomic_fetch_add_explicit(&c->dropped_output, w->t_dropped_output, memory_order_relaxed);
	atomic_fetch_add_explicit(&c->dlq_written, w->t_dlq, memory_order_relaxed);
	atomic_fetch_add_explicit(&c->cond_failures, w->t_cond, memory_order_relaxed);
	atomic_fetch_add_explicit(&c->retries, w->t_retries, memory_order_relaxed);
	w->t_filtered = w->t_out = w->t_dropped_filter = w->t_rejected = w->t_dropped_output = 0;
	w->t_dlq = w->t_cond = w->t_retries = 0;
}

static void process_batch(lp_worker *w, lp_event **batch, size_t n)
{
	const lp_graph *g = w->env.graph;
	w->done.n = 0;
	for (size_t i = 0; i < n; i++)
		run_filters(w, batch[i], 0);
	w->t_filtered += w->done.n;
	for (size_t i = 0; i < w->done.n; i++)
		route(w, w->done.v[i]);
	for (size_t o = 0; o < g->n_outputs; o++) {
		if (w->routed[o].n)
			send_all(w, o, w->routed[o].v, w->routed[o].n);
		w->routed[o].n = 0;
	}
	if (w->env.dlq && w->t_dlq)
		lp_dlq_sync(w->env.dlq);
	/* releasing the events fires their acknowledgement groups */
	for (size_t i = 0; i < w->done.n; i++)
		lp_event_destroy(w->done.v[i]);
	w->done.n = 0;
	publish(w);
}

static void *worker_main(void *arg)
{
	lp_worker *w = arg;
	size_t max = w->env.batch_size ? w->env.batch_size : 125;
	lp_event **batch = lp_malloc(max * sizeof(*batch));
	for (;;) {
		size_t n = lp_queue_pop(w->env.queue, batch, max, w->env.batch_delay_ms);
		if (n == 0)
			break;
		process_batch(w, batch, n);
		atomic_fetch_sub_explicit(w->env.inflight, n, memory_order_relaxed);
	}
	lp_free(batch);
	return NULL;
}

int lp_worker_start(lp_worker *w)
{
	int rc = pthread_create(&w->thread, NULL, worker_main, w);
	if (rc)
		return -rc;
	w->started = true;
	return 0;
}

void lp_worker_join(lp_worker *w)
{
	if (w->started) {
		pthread_join(w->thread, NULL);
		w->started = false;
	}
}
