/* plugin: the contract between the engine and every plugin (inputs, filters,
 * outputs, codecs), and the registry of built-in plugins.
 *
 * A plugin is a static lp_plugin_def named lp_plugin_<kind>_<name> (e.g.
 * lp_plugin_filter_json) in its folder; the build generates the registry from
 * the folders' meson.build files. create() reads its lp_args (conf/schema.h)
 * into an instance; after create the instance is read-only and shared by all
 * workers. Per-worker scratch (match data, buffers, curl handles) lives in the
 * optional worker state. */
#ifndef LP_PIPELINE_PLUGIN_H
#define LP_PIPELINE_PLUGIN_H

#include "conf/schema.h"
#include "pipeline/buf.h"
#include "pipeline/event.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum { LP_PLUGIN_INPUT, LP_PLUGIN_FILTER, LP_PLUGIN_OUTPUT, LP_PLUGIN_CODEC } lp_plugin_kind;

/* A growable vector of events. */
typedef struct lp_event_vec {
	lp_event **v;
	size_t n, cap;
} lp_event_vec;

void lp_event_vec_push(lp_event_vec *vec, lp_event *ev);
/* Destroys the events it holds and frees the storage. */
void lp_event_vec_fini(lp_event_vec *vec);

/* What a filter did with an event. */
typedef enum {
	LP_FILTER_OK,     /* succeeded: the engine applies add_field, remove_field, add_tag, remove_tag */
	LP_FILTER_FAILED, /* did not apply (it tagged the event itself); common options are skipped */
	LP_FILTER_SKIP,   /* nothing to do (e.g. source field missing); common options are skipped */
	LP_FILTER_DROP,   /* drop the event on purpose (it counts as safe for acknowledgement) */
} lp_filter_rc;

/* What an output did with an event. */
typedef enum {
	LP_OUT_DELIVERED = 0, /* safely stored by the destination */
	LP_OUT_RETRY,         /* transient failure: the engine retries with backoff, never drops */
	LP_OUT_REJECTED,      /* permanent failure: dead-letter queue (when enabled) or logged; counted */
	LP_OUT_DROPPED,       /* dropped on purpose with a reason (e.g. Elasticsearch 409): logged, counted */
} lp_out_status;

typedef struct lp_out_result {
	lp_out_status status;
	char *reason; /* REJECTED/DROPPED: why, lp_malloc'd (engine frees), or NULL */
} lp_out_result;

typedef struct lp_source lp_source; /* pipeline/source.h */

typedef struct lp_plugin_def {
	const char *name;
	lp_plugin_kind kind;
	const char *doc;               /* one line */
	const lp_option_def *options;  /* terminated by LP_OPT_END */

	/* All kinds. create: main thread, before start; report errors through
	 * lp_args_error and return NULL. destroy accepts NULL. */
	void *(*create)(lp_args *args);
	void (*destroy)(void *inst);
	/* Optional per-worker state for filters, outputs and codecs' encode. */
	void *(*worker_create)(void *inst);
	void (*worker_destroy)(void *inst, void *ws);

	/* Inputs. run: on the input's own thread; pushes events through src
	 * until end of input or until stop() is called; returns 0 or a negative
	 * code for a fatal error (logged by the plugin). stop: from another
	 * thread; must make run return soon. */
	int (*run)(void *inst, lp_source *src);
	void (*stop)(void *inst);

	/* Filters: worker threads. New events (split, clone) go to emitted; they
	 * continue with the filter after this one. */
	lp_filter_rc (*filter)(void *inst, void *ws, lp_event *ev, lp_event_vec *emitted);
	/* Optional: called every few seconds and at shutdown with the worker
	 * state, for filters that hold events (aggregate-like). */
	void (*flush)(void *inst, void *ws, lp_event_vec *emitted);

	/* Outputs. start: once, main thread, before events flow (may start
	 * background work; must not block on the network). send: worker threads;
	 * fills res[i] for each event; events are read-only (shared with other
	 * outputs). close: once after the last send, main thread. */
	int (*start)(void *inst);
	void (*send)(void *inst, void *ws, lp_event *const *evs, size_t n, lp_out_result *res);
	void (*close)(void *inst);

	/* Codecs. A decoder is per stream (connection, file). decode appends
	 * complete events for data; decode_flush ends the stream. encode appends
	 * one event's bytes to out; thread-safe on a shared instance. */
	void *(*decoder_create)(void *inst);
	void (*decoder_destroy)(void *dec);
	void (*decode)(void *dec, const char *data, size_t len, lp_event_vec *out);
	void (*decode_flush)(void *dec, lp_event_vec *out);
	void (*encode)(void *inst, lp_event *ev, lp_buf *out);
} lp_plugin_def;

/* The built-in plugin of that kind and name, or NULL. */
const lp_plugin_def *lp_plugin_find(lp_plugin_kind kind, const char *name);
/* NULL-terminated names of all plugins of a kind (static storage). */
const char *const *lp_plugin_names(lp_plugin_kind kind);
const char *lp_plugin_kind_name(lp_plugin_kind kind);
/* The common options every plugin of a kind takes (id, add_field, codec...). */
const lp_option_def *lp_plugin_common_options(lp_plugin_kind kind);

#endif
