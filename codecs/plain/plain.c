#include "codecs/plain/plain.h"

#include "conf/schema.h"
#include "pipeline/jsonw.h"
#include "pipeline/mem.h"
#include "pipeline/plugin.h"

#include <string.h>

typedef struct plain {
	lp_template *format;
} plain;

typedef struct plain_dec {
	lp_buf scratch;
} plain_dec;

static const char *const charsets[] = { "UTF-8", NULL };

static const lp_option_def options[] = {
	{ "format", LP_OPT_TEMPLATE, NULL, 0, NULL, 0, 0,
	  "Encode: a sprintf template written for each event instead of its message." },
	{ "charset", LP_OPT_STRING, "\"UTF-8\"", 0, charsets, 0, 0,
	  "Character set of the input; only UTF-8 (invalid bytes become U+FFFD)." },
	LP_OPT_END,
};

lp_event *lp_plain_message_event(const char *s, size_t len)
{
	lp_event *ev = lp_event_create();
	lp_arena *prev = lp_event_enter(ev);
	lpj_object_set_new_nocheck(ev->data, "message", lpj_stringn_nocheck(s, len));
	lp_event_leave(prev);
	ev->size += len;
	return ev;
}

void lp_plain_write_text(const lp_template *format, lp_event *ev, lp_buf *out)
{
	if (format) {
		lp_template_render(format, ev, out);
		return;
	}
	const lpj_t *m = lpj_object_get(ev->data, "message");
	if (!m || lpj_is_null(m))
		return;
	if (lpj_is_string(m))
		lp_buf_add(out, lpj_string_value(m), lpj_string_length(m));
	else
		lp_jsonw_value(out, m);
}

static void *plain_create(lp_args *a)
{
	plain *p = lp_calloc(1, sizeof(*p));
	if (lp_args_isset(a, "format"))
		p->format = lp_args_template(a, "format");
	return p;
}

static void plain_destroy(void *inst)
{
	plain *p = inst;
	if (!p)
		return;
	lp_template_destroy(p->format);
	lp_free(p);
}

static void *plain_decoder_create(void *inst)
{
	plain_dec *d = lp_malloc(sizeof(*d));
	lp_buf_init(&d->scratch);
	return d;
}

static void plain_decoder_destroy(void *dec)
{
	plain_dec *d = dec;
	if (!d)
		return;
	lp_buf_fini(&d->scratch);
	lp_free(d);
}

static void plain_decode(void *dec, const char *data, size_t len, lp_event_vec *out)
{
	plain_dec *d = dec;
	if (len == 0)
		return;
	if (lp_utf8_valid(data, len)) {
		lp_event_vec_push(out, lp_plain_message_event(data, len));
		return;
	}
	lp_buf_reset(&d->scratch);
	lp_utf8_sanitize(&d->scratch, data, len);
	lp_event_vec_push(out, lp_plain_message_event(d->scratch.data, d->scratch.len));
}

static void plain_encode(void *inst, lp_event *ev, lp_buf *out)
{
	const plain *p = inst;
	lp_plain_write_text(p->format, ev, out);
}

const lp_plugin_def lp_plugin_codec_plain = {
	.name = "plain",
	.kind = LP_PLUGIN_CODEC,
	.doc = "Plain text: each chunk of input is one event's message; output is the message or `format`.",
	.options = options,
	.create = plain_create,
	.destroy = plain_destroy,
	.decoder_create = plain_decoder_create,
	.decoder_destroy = plain_decoder_destroy,
	.decode = plain_decode,
	.encode = plain_encode,
};
