/* line codec: decode splits a stream into lines (pipeline/linesplit), one
 * event per line with "message" (blank lines give empty messages, as in
 * Logstash); encode writes `format` or the message, then `delimiter`. */
#include "codecs/plain/plain.h"
#include "conf/schema.h"
#include "pipeline/linesplit.h"
#include "pipeline/log.h"
#include "pipeline/mem.h"
#include "pipeline/plugin.h"

#include <string.h>

typedef struct line {
	lp_template *format;
	const char *delimiter; /* borrowed from the args */
	size_t delimiter_len;
	size_t max_line;
	lp_ratelimit rl;
} line;

typedef struct line_dec {
	line *inst;
	lp_linesplit ls;
	lp_event_vec *out; /* during a decode call */
} line_dec;

static const char *const charsets[] = { "UTF-8", NULL };

static const lp_option_def options[] = {
	{ "format", LP_OPT_TEMPLATE, NULL, 0, NULL, 0, 0,
	  "Encode: a sprintf template written for each event instead of its message." },
	{ "delimiter", LP_OPT_STRING, "\"\\n\"", 0, NULL, 0, 0,
	  "Separates events: decoding splits on it (for \"\\n\", a trailing CR is removed too); encoding writes it after each event." },
	{ "charset", LP_OPT_STRING, "\"UTF-8\"", 0, charsets, 0, 0,
	  "Character set of the input; only UTF-8 (invalid bytes become U+FFFD)." },
	{ "max_line_size", LP_OPT_NUMBER, "1048576", 0, NULL, 1, 1073741824,
	  "logpipe extension: longer lines are cut to this many bytes and tagged _linetoolong." },
	LP_OPT_END,
};

static void *line_create(lp_args *a)
{
	line *l = lp_calloc(1, sizeof(*l));
	if (lp_args_isset(a, "format"))
		l->format = lp_args_template(a, "format");
	l->delimiter = lp_args_str(a, "delimiter");
	if (!l->delimiter)
		l->delimiter = "\n";
	l->delimiter_len = strlen(l->delimiter);
	if (l->delimiter_len == 0)
		lp_args_error(a, "delimiter", "the delimiter must not be empty");
	l->max_line = (size_t)lp_args_int(a, "max_line_size", 1048576);
	return l;
}

static void line_destroy(void *inst)
{
	line *l = inst;
	if (!l)
		return;
	lp_template_destroy(l->format);
	lp_free(l);
}

static void *line_decoder_create(void *inst)
{
	line_dec *d = lp_calloc(1, sizeof(*d));
	d->inst = inst;
	lp_linesplit_init(&d->ls, d->inst->max_line);
	lp_linesplit_set_delimiter(&d->ls, d->inst->delimiter, d->inst->delimiter_len);
	return d;
}

static void line_decoder_destroy(void *dec)
{
	line_dec *d = dec;
	if (!d)
		return;
	lp_linesplit_fini(&d->ls);
	lp_free(d);
}

static void on_line(void *ctx, const char *s, size_t len, bool truncated, size_t orig_len)
{
	line_dec *d = ctx;
	lp_event *ev = lp_plain_message_event(s, len);
	if (truncated) {
		lp_event_tag(ev, LP_LINESPLIT_TAG_TOOLONG);
		lp_linesplit_warn_truncated(&d->inst->rl, "line", orig_len, d->inst->max_line);
	}
	lp_event_vec_push(d->out, ev);
}

static void line_decode(void *dec, const char *data, size_t len, lp_event_vec *out)
{
	line_dec *d = dec;
	d->out = out;
	lp_linesplit_feed(&d->ls, data, len, on_line, d);
	d->out = NULL;
}

static void line_decode_flush(void *dec, lp_event_vec *out)
{
	line_dec *d = dec;
	d->out = out;
	lp_linesplit_flush(&d->ls, on_line, d);
	d->out = NULL;
}

static void line_encode(void *inst, lp_event *ev, lp_buf *out)
{
	const line *l = inst;
	lp_plain_write_text(l->format, ev, out);
	lp_buf_add(out, l->delimiter, l->delimiter_len);
}

const lp_plugin_def lp_plugin_codec_line = {
	.name = "line",
	.kind = LP_PLUGIN_CODEC,
	.doc = "Line-oriented text: one event per line in, the message (or `format`) plus a delimiter out.",
	.options = options,
	.create = line_create,
	.destroy = line_destroy,
	.decoder_create = line_decoder_create,
	.decoder_destroy = line_decoder_destroy,
	.decode = line_decode,
	.decode_flush = line_decode_flush,
	.encode = line_encode,
};
