/* json codec: decode takes each chunk as one JSON document (an object is an
 * event, an array one event per element; see json_events.h for failures);
 * encode writes the event as compact JSON without a newline. */
#include "codecs/json/json_events.h"
#include "conf/schema.h"
#include "pipeline/event.h"
#include "pipeline/jsonw.h"
#include "pipeline/mem.h"
#include "pipeline/plugin.h"

typedef struct json_codec {
	lp_json_events je;
} json_codec;

typedef struct json_dec {
	json_codec *inst;
} json_dec;

static const char *const charsets[] = { "UTF-8", NULL };

static const lp_option_def options[] = {
	{ "charset", LP_OPT_STRING, "\"UTF-8\"", 0, charsets, 0, 0,
	  "Character set of the input; only UTF-8 (invalid bytes become U+FFFD)." },
	LP_JSON_EVENTS_TARGET_OPTION,
	LP_OPT_END,
};

static void *json_create(lp_args *a)
{
	json_codec *j = lp_calloc(1, sizeof(*j));
	j->je.codec = "json";
	if (lp_args_isset(a, "target"))
		j->je.target = lp_args_fieldref(a, "target");
	return j;
}

static void json_destroy(void *inst)
{
	json_codec *j = inst;
	if (!j)
		return;
	lp_fieldref_destroy(j->je.target);
	lp_free(j);
}

static void *json_decoder_create(void *inst)
{
	json_dec *d = lp_malloc(sizeof(*d));
	d->inst = inst;
	return d;
}

static void json_decoder_destroy(void *dec)
{
	json_dec *d = dec;
	if (!d)
		return;
	lp_free(d);
}

static void json_decode(void *dec, const char *data, size_t len, lp_event_vec *out)
{
	json_dec *d = dec;
	lp_json_events_decode(&d->inst->je, data, len, out);
}

static void json_encode(void *inst, lp_event *ev, lp_buf *out)
{
	lp_event_write_json(ev, out, false);
}

const lp_plugin_def lp_plugin_codec_json = {
	.name = "json",
	.kind = LP_PLUGIN_CODEC,
	.doc = "JSON documents: each chunk in is one document (an array gives one event per element); compact JSON out.",
	.options = options,
	.create = json_create,
	.destroy = json_destroy,
	.decoder_create = json_decoder_create,
	.decoder_destroy = json_decoder_destroy,
	.decode = json_decode,
	.encode = json_encode,
};
