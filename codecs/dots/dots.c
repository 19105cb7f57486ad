/* dots codec (encode only): one "." per event, for watching throughput. */
#include "conf/schema.h"
#include "pipeline/plugin.h"

static const lp_option_def options[] = {
	LP_OPT_END,
};

static void dots_encode(void *inst, lp_event *ev, lp_buf *out)
{
	lp_buf_addc(out, '.');
}

const lp_plugin_def lp_plugin_codec_dots = {
	.name = "dots",
	.kind = LP_PLUGIN_CODEC,
	.doc = "Writes one '.' per event (encode only).",
	.options = options,
	.encode = dots_encode,
};
