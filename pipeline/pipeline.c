#include "pipeline/pipeline.h"

#include "pipeline/error.h"
#include "pipeline/log.h"
#include "pipeline/mem.h"
#include "pipeline/queue.h"
#include "pipeline/source.h"
#include "pipeline/worker.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

struct lp_source {
	lp_pipeline *p;
	const lp_node *node;
	pthread_t thread;
	bool started;
	int rc;
	_Atomic uint64_t pushed;
	_Atomic uint64_t errors;
};

struct lp_pipeline {
	lp_graph *g;
	const lp_settings *settings;
	const char *id;
	lp_queue *queue;
	lp_dlq *dlq;
	lp_worker **workers;
	size_t n_workers;
	lp_source *sources;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t inputs_running;
	_Atomic int stopping;
	_Atomic int forced;
	_Atomic uint64_t inflight;
	int fatal;
};

lp_pipeline *lp_pipeline_create(lp_graph *g, const lp_settings *s)
{
	lp_pipeline *p = lp_calloc(1, sizeof(*p));
	p->g = g;
	p->settings = s;
	p->id = lp_settings_str(s, "pipeline.id");
	long long workers = lp_settings_int(s, "pipeline.workers");
	long long batch = lp_settings_int(s, "pipeline.batch.size");
	p->n_workers = workers > 0 ? (size_t)workers : 1;
	if (batch <= 0)
		batch = 125;
	long long max_events = lp_settings_int(s, "queue.max_events");
	if (max_events <= 0)
		max_events = 4 * batch * (long long)p->n_workers;
	p->queue = lp_queue_create((size_t)max_events, lp_settings_bytes(s, "queue.max_bytes"));
	if (lp_settings_bool(s, "dead_letter_queue.enable")) {
		int err = 0;
		const char *pol = lp_settings_str(s, "dead_letter_queue.storage_policy");
		p->dlq = lp_dlq_open(lp_settings_str(s, "path.data"), p->id,
				     lp_settings_bytes(s, "dead_letter_queue.max_bytes"),
				     strcmp(pol, "drop_older") == 0 ? LP_DLQ_DROP_OLDER : LP_DLQ_DROP_NEWER, &err);
		if (!p->dlq) {
			lp_error("pipeline", "Could not open the dead-letter queue under '%s': %s.",
				 lp_settings_str(s, "path.data"), lp_strerror(err));
			lp_pipeline_destroy(p);
			return NULL;
		}
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->sources = lp_calloc(g->n_inputs + 1, sizeof(lp_source));
	lp_worker_env env = {
		.graph = g,
		.queue = p->queue,
		.dlq = p->dlq,
		.batch_size = (size_t)batch,
		.batch_delay_ms = (long)lp_settings_int(s, "pipeline.batch.delay"),
		.inflight = &p->inflight,
		.forced = &p->forced,
	};
	p->workers = lp_calloc(p->n_workers, sizeof(*p->workers));
	for (size_t i = 0; i < p->n_workers; i++)
		p->workers[i] = lp_worker_create(&env, (int)i);
	return p;
}

void lp_pipeline_destroy(lp_pipeline *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_workers && p->workers; i++)
		lp_worker_destroy(p->workers[i]);
	lp_free(p->workers);
	lp_queue_destroy(p->queue);
	lp_dlq_close(p->dlq);
	lp_graph_destroy(p->g);
	lp_free(p->sources);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	lp_free(p);
}

const char *lp_pipeline_id(const lp_pipeline *p)
{
	return p->id;
}

uint64_t lp_pipeline_inflight(lp_pipeline *p)
{
	return atomic_load(&p->inflight);
}

/* ---- what inputs see ---- */

static int push(lp_source *src, lp_event **evs, size_t n, bool block)
{
	if (n == 0)
		return 0;
	lp_pipeline *p = src->p;
	for (size_t i = 0; i < n; i++)
		lp_node_apply_input_common(src->node, evs[i]);
	atomic_fetch_add_explicit(&p->inflight, n, memory_order_relaxed);
	int rc = lp_queue_push(p->queue, evs, n, block);
	if (rc == 0) {
		atomic_fetch_add_explicit(&src->pushed, n, memory_order_relaxed);
		return 0;
	}
	atomic_fetch_sub_explicit(&p->inflight, n, memory_order_relaxed);
	if (rc == -EAGAIN)
		return rc;
	for (size_t i = 0; i < n; i++)
		lp_event_destroy(evs[i]);
	return rc;
}

int lp_source_push(lp_source *src, lp_event **evs, size_t n)
{
	return push(src, evs, n, true);
}

int lp_source_try_push(lp_source *src, lp_event **evs, size_t n)
{
	return push(src, evs, n, false);
}

bool lp_source_stopping(const lp_source *src)
{
	return atomic_load(&src->p->stopping) != 0;
}

const char *lp_source_id(const lp_source *src)
{
	return src->node->id;
}

void lp_source_count_error(lp_source *src, size_t n)
{
	atomic_fetch_add_explicit(&src->errors, n, memory_order_relaxed);
}

static void *input_main(void *arg)
{
	lp_source *src = arg;
	lp_pipeline *p = src->p;
	src->rc = src->node->def->run(src->node->inst, src);
	if (src->rc < 0 && !atomic_load(&p->stopping))
		lp_error("pipeline", "Input '%s' stopped with an error: %s.", src->node->id, lp_strerror(src->rc));
	pthread_mutex_lock(&p->mu);
	if (src->rc < 0)
		p->fatal = src->rc;
	p->inputs_running--;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static void stop_inputs(lp_pipeline *p)
{
	for (size_t i = 0; i < p->g->n_inputs; i++) {
		const lp_node *n = &p->g->inputs[i];
		if (n->def->stop)
			n->def->stop(n->inst);
	}
}

void lp_pipeline_shutdown(lp_pipeline *p)
{
	if (atomic_exchange(&p->stopping, 1))
		return;
	stop_inputs(p);
	pthread_mutex_lock(&p->mu);
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

int lp_pipeline_run(lp_pipeline *p)
{
	lp_graph *g = p->g;
	int rc = 0;
	size_t started_outputs = 0;
	for (; started_outputs < g->n_outputs; started_outputs++) {
		const lp_node *n = &g->outputs[started_outputs];
		if (n->def->start && (rc = n->def->start(n->inst)) < 0) {
			lp_error("pipeline", "Output '%s' could not start: %s.", n->id, lp_strerror(rc));
			goto close_outputs;
		}
	}
	for (size_t i = 0; i < p->n_workers; i++) {
		if ((rc = lp_worker_start(p->workers[i])) < 0) {
			lp_error("pipeline", "Could not start worker thread %zu: %s.", i, lp_strerror(rc));
			lp_queue_close(p->queue);
			goto join_workers;
		}
	}
	pthread_mutex_lock(&p->mu);
	for (size_t i = 0; i < g->n_inputs; i++) {
		lp_source *src = &p->sources[i];
		src->p = p;
		src->node = &g->inputs[i];
		p->inputs_running++;
		int e = pthread_create(&src->thread, NULL, input_main, src);
		if (e) {
			p->inputs_running--;
			p->fatal = -e;
			lp_error("pipeline", "Could not start input '%s': %s.", src->node->id, strerror(e));
			break;
		}
		src->started = true;
	}
	lp_info("pipeline", "Pipeline '%s' started: %zu inputs, %zu filters, %zu outputs, %zu workers.",
		p->id, g->n_inputs, g->n_filters, g->n_outputs, p->n_workers);
	while (p->inputs_running > 0) {
		if (p->fatal && !atomic_load(&p->stopping)) {
			pthread_mutex_unlock(&p->mu);
			lp_pipeline_shutdown(p);
			pthread_mutex_lock(&p->mu);
		}
		pthread_cond_wait(&p->cv, &p->mu);
	}
	rc = p->fatal;
	pthread_mutex_unlock(&p->mu);
	for (size_t i = 0; i < g->n_inputs; i++)
		if (p->sources[i].started)
			pthread_join(p->sources[i].thread, NULL);
	lp_info("pipeline", "Inputs finished; draining %llu events in flight.",
		(unsigned long long)lp_pipeline_inflight(p));
	lp_queue_close(p->queue);
join_workers:
	for (size_t i = 0; i < p->n_workers; i++)
		lp_worker_join(p->workers[i]);
close_outputs:
	for (size_t i = 0; i < started_outputs; i++) {
		const lp_node *n = &g->outputs[i];
		if (n->def->close)
			n->def->close(n->inst);
	}
	lp_pipeline_stats st;
	lp_pipeline_get_stats(p, &st);
	lp_info("pipeline",
		"Pipeline '%s' stopped: %llu events in, %llu filtered, %llu deliveries, %llu dropped by "
		"filters, %llu rejected by outputs (%llu to the dead-letter queue), %llu dropped by outputs, "
		"%llu conditional evaluation failures.",
		p->id, (unsigned long long)st.in, (unsigned long long)st.filtered, (unsigned long long)st.out,
		(unsigned long long)st.dropped_filter, (unsigned long long)st.rejected,
		(unsigned long long)st.dlq_written, (unsigned long long)st.dropped_output,
		(unsigned long long)st.cond_failures);
	return rc;
}

void lp_pipeline_get_stats(lp_pipeline *p, lp_pipeline_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < p->g->n_inputs; i++)
		out->in += atomic_load(&p->sources[i].pushed);
	for (size_t i = 0; i < p->n_workers; i++) {
		const lp_worker_counters *c = lp_worker_get_counters(p->workers[i]);
		out->filtered += atomic_load(&c->filtered);
		out->out += atomic_load(&c->out);
		out->dropped_filter += atomic_load(&c->dropped_filter);
		out->rejected += atomic_load(&c->rejected);
		out->dropped_output += atomic_load(&c->dropped_output);
		out->dlq_written += atomic_load(&c->dlq_written);
		out->cond_failures += atomic_load(&c->cond_failures);
		out->retries += atomic_load(&c->retries);
	}
}
