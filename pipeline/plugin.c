#include "pipeline/plugin.h"

#include "pipeline/mem.h"

#include <pthread.h>
#include <string.h>

extern const lp_plugin_def *const lp_builtin_plugins[];

void lp_event_vec_push(lp_event_vec *vec, lp_event *ev)
{
	LP_GROW(vec->v, vec->cap, vec->n + 1);
	vec->v[vec->n++] = ev;
}

void lp_event_vec_fini(lp_event_vec *vec)
{
	if (!vec)
		return;
	for (size_t i = 0; i < vec->n; i++)
		lp_event_destroy(vec->v[i]);
	lp_free(vec->v);
	vec->v = NULL;
	vec->n = vec->cap = 0;
}

const lp_plugin_def *lp_plugin_find(lp_plugin_kind kind, const char *name)
{
	for (size_t i = 0; lp_builtin_plugins[i]; i++) {
		const lp_plugin_def *d = lp_builtin_plugins[i];
		if (d->kind == kind && strcmp(d->name, name) == 0)
			return d;
	}
	return NULL;
}

static const char **names_by_kind[4];
static pthread_once_t names_once = PTHREAD_ONCE_INIT;

static void build_names(void)
{
	for (int k = 0; k < 4; k++) {
		size_t n = 0;
		for (size_t i = 0; lp_builtin_plugins[i]; i++)
			n += lp_builtin_plugins[i]->kind == (lp_plugin_kind)k;
		const char **v = lp_calloc(n + 1, sizeof(*v));
		n = 0;
		for (size_t i = 0; lp_builtin_plugins[i]; i++)
			if (lp_builtin_plugins[i]->kind == (lp_plugin_kind)k)
				v[n++] = lp_builtin_plugins[i]->name;
		names_by_kind[k] = v;
	}
}

const char *const *lp_plugin_names(lp_plugin_kind kind)
{
	pthread_once(&names_once, build_names);
	return names_by_kind[kind];
}

const char *lp_plugin_kind_name(lp_plugin_kind kind)
{
	static const char *const names[] = { "input", "filter", "output", "codec" };
	return names[kind];
}

static const lp_option_def input_common[] = {
	{ "id", LP_OPT_STRING, NULL, 0, NULL, 0, 0, "Unique id of this plugin instance (for logs and metrics)." },
	{ "type", LP_OPT_STRING, NULL, 0, NULL, 0, 0, "Sets the 'type' field of events that do not have one." },
	{ "tags", LP_OPT_ARRAY, NULL, 0, NULL, 0, 0, "Tags added to every event." },
	{ "add_field", LP_OPT_HASH, "{}", 0, NULL, 0, 0, "Fields added to every event (values are sprintf templates)." },
	{ "enable_metric", LP_OPT_BOOL, "true", 0, NULL, 0, 0, "Collect metrics for this plugin." },
	{ "ecs_compatibility", LP_OPT_STRING, "\"v8\"", 0, NULL, 0, 0, "ECS field layout (accepted for compatibility; logpipe always uses the v8 layout)." },
	LP_OPT_END,
};

static const lp_option_def filter_common[] = {
	{ "id", LP_OPT_STRING, NULL, 0, NULL, 0, 0, "Unique id of this plugin instance (for logs and metrics)." },
	{ "add_field", LP_OPT_HASH, "{}", 0, NULL, 0, 0, "On success, fields to add (names and values are sprintf templates)." },
	{ "remove_field", LP_OPT_ARRAY, "[]", 0, NULL, 0, 0, "On success, fields to remove (sprintf templates)." },
	{ "add_tag", LP_OPT_ARRAY, "[]", 0, NULL, 0, 0, "On success, tags to add (sprintf templates)." },
	{ "remove_tag", LP_OPT_ARRAY, "[]", 0, NULL, 0, 0, "On success, tags to remove (sprintf templates)." },
	{ "enable_metric", LP_OPT_BOOL, "true", 0, NULL, 0, 0, "Collect metrics for this plugin." },
	{ "periodic_flush", LP_OPT_BOOL, "false", 0, NULL, 0, 0, "Call the filter's flush method at regular intervals." },
	LP_OPT_END,
};

static const lp_option_def output_common[] = {
	{ "id", LP_OPT_STRING, NULL, 0, NULL, 0, 0, "Unique id of this plugin instance (for logs and metrics)." },
	{ "enable_metric", LP_OPT_BOOL, "true", 0, NULL, 0, 0, "Collect metrics for this plugin." },
	LP_OPT_END,
};

static const lp_option_def codec_common[] = {
	{ "id", LP_OPT_STRING, NULL, 0, NULL, 0, 0, "Unique id of this codec instance." },
	{ "enable_metric", LP_OPT_BOOL, "true", 0, NULL, 0, 0, "Collect metrics for this codec." },
	LP_OPT_END,
};

const lp_option_def *lp_plugin_common_options(lp_plugin_kind kind)
{
	switch (kind) {
	case LP_PLUGIN_INPUT: return input_common;
	case LP_PLUGIN_FILTER: return filter_common;
	case LP_PLUGIN_OUTPUT: return output_common;
	case LP_PLUGIN_CODEC: return codec_common;
	}
	return NULL;
}
