/* null output: accepts every event and does nothing (for benchmarks). */
#include "conf/schema.h"
#include "pipeline/plugin.h"

static const lp_option_def options[] = {
	LP_OPT_END,
};

static void null_send(void *inst, void *ws, lp_event *const *evs, size_t n, lp_out_result *res)
{
	for (size_t i = 0; i < n; i++) {
		res[i].status = LP_OUT_DELIVERED;
		res[i].reason = NULL;
	}
}

const lp_plugin_def lp_plugin_output_null = {
	.name = "null",
	.kind = LP_PLUGIN_OUTPUT,
	.doc = "Discards every event (counted as delivered).",
	.options = options,
	.send = null_send,
};
