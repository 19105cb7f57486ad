/* json_lines codec: decode splits the stream into lines (pipeline/linesplit)
 * and parses each as one JSON document (codecs/json/json_events.h); blank
 * lines are skipped. Encode writes compact JSON plus `delimiter`. */
#include "codecs/json/json_events.h"
#include "conf/schema.h"
#include "pipeline/event.h"
#include "pipeline/linesplit.h"
#include "pipeline/mem.h"
#include "pipeline/plugin.h"

#include <string.h>

typedef struct json_lines {
	lp_json_events je;
	const char *delimiter; /* borrowed from the args */
	size_t delimiter_len;
	size_t max_line;
	lp_ratelimit rl;
} json_lines;

typedef struct jl_dec {
	json_lines *inst;
	lp_linesplit ls;
	lp_event_vec *out; /* during a decode call */
} jl_dec;

static const char *const charsets[] = { "UTF-8", NULL };

static const lp_option_def options[] = {
	{ "delimiter", LP_OPT_STRING, "\"\\n\"", 0, NULL, 0, 0,
	  "Separates events: decoding splits on it (for \"\\n\", a trailing CR is removed too); encoding writes it after each event." },
	{ "charset", LP_OPT_STRING, "\"UTF-8\"", 0, charsets, 0, 0,
	  "Character set of the input; only UTF-8 (invalid bytes become U+FFFD)." },
	LP_JSON_EVENTS_TARGET_OPTION,
	{ "max_line_size", LP_OPT_NUMBER, "1048576", 0, NULL, 1, 1073741824,
	  "logpipe extension: longer lines are cut to this many bytes and tagged _linetoolong (and _jsonparsefailure)." },
	LP_OPT_END,
};

static void *jl_create(lp_args *a)
{
	json_lines *j = lp_calloc(1, sizeof(*j));
	j->je.codec = "json_lines";
	if (lp_args_isset(a, "target"))
		j->je.target = lp_args_fieldref(a, "target");
	j->delimiter = lp_args_str(a, "delimiter");
	if (!j->delimiter)
		j->delimiter = "\n";
	j->delimiter_len = strlen(j->delimiter);
	if (j->delimiter_len == 0)
		lp_args_error(a, "delimiter", "the delimiter must not be empty");
	j->max_line = (size_t)lp_args_int(a, "max_line_size", 1048576);
	return j;
}

static void jl_destroy(void *inst)
{
	json_lines *j = inst;
	if (!j)
		return;
	lp_fieldref_destroy(j->je.target);
	lp_free(j);
}

static void *jl_decoder_create(void *inst)
{
	jl_dec *d = lp_calloc(1, sizeof(*d));
	d->inst = inst;
	lp_linesplit_init(&d->ls, d->inst->max_line);
	lp_linesplit_set_delimiter(&d->ls, d->inst->delimiter, d->inst->delimiter_len);
	lp_linesplit_keep_bytes(&d->ls); /* lp_json_events_decode repairs UTF-8 */
	return d;
}

static void jl_decoder_destroy(void *dec)
{
	jl_dec *d = dec;
	if (!d)
		return;
	lp_linesplit_fini(&d->ls);
	lp_free(d);
}

static void on_line(void *ctx, const char *s, size_t len, bool truncated, size_t orig_len)
{
	jl_dec *d = ctx;
	size_t before = d->out->n;
	lp_json_events_decode(&d->inst->je, s, len, d->out);
	if (truncated) {
		for (size_t i = before; i < d->out->n; i++)
			lp_event_tag(d->out->v[i], LP_LINESPLIT_TAG_TOOLONG);
		lp_linesplit_warn_truncated(&d->inst->rl, "json_lines", orig_len, d->inst->max_line);
	}
}

static void jl_decode(void *dec, const char *data, size_t len, lp_event_vec *out)
{
	jl_dec *d = dec;
	d->out = out;
	lp_linesplit_feed(&d->ls, data, len, on_line, d);
	d->out = NULL;
}

static void jl_decode_flush(void *dec, lp_event_vec *out)
{
	jl_dec *d = dec;
	d->out = out;
	lp_linesplit_flush(&d->ls, on_line, d);
	d->out = NULL;
}

static void jl_encode(void *inst, lp_event *ev, lp_buf *out)
{
	const json_lines *j = inst;
	lp_event_write_json(ev, out, false);
	lp_buf_add(out, j->delimiter, j->delimiter_len);
}

const lp_plugin_def lp_plugin_codec_json_lines = {
	.name = "json_lines",
	.kind = LP_PLUGIN_CODEC,
	.doc = "Newline-delimited JSON: one document per line in (blank lines skipped), compact JSON plus a newline out.",
	.options = options,
	.create = jl_create,
	.destroy = jl_destroy,
	.decoder_create = jl_decoder_create,
	.decoder_destroy = jl_decoder_destroy,
	.decode = jl_decode,
	.decode_flush = jl_decode_flush,
	.encode = jl_encode,
};
