#include "pipeline/codec.h"

#include "pipeline/mem.h"

#include <string.h>

static lp_codec *instantiate(const lp_plugin_def *def, const lp_ast_plugin *block, lp_diag *diag)
{
	const lp_option_def *tables[2] = { def->options, lp_plugin_common_options(LP_PLUGIN_CODEC) };
	lp_args *args = lp_schema_apply(block, "codec", tables, 2, diag);
	void *inst = NULL;
	if (!lp_args_failed(args))
		inst = def->create ? def->create(args) : NULL;
	if (lp_args_failed(args) || (def->create && !inst)) {
		if (def->destroy)
			def->destroy(inst);
		lp_args_destroy(args);
		return NULL;
	}
	lp_codec *c = lp_calloc(1, sizeof(*c));
	c->def = def;
	c->inst = inst;
	c->name = lp_strdup(def->name);
	c->args = args;
	return c;
}

lp_codec *lp_codec_from_args(lp_args *a, const char *option)
{
	const lp_ast_value *v = lp_args_value(a, option);
	const char *name = NULL;
	lp_ast_plugin bare = { 0 };
	const lp_ast_plugin *block = &bare;
	if (v && v->kind == LP_AST_PLUGIN) {
		block = v->plugin;
		name = v->plugin->name;
	} else {
		name = lp_args_str(a, option);
		if (v) {
			bare.span = v->span;
		} else {
			const lp_ast_plugin *owner = lp_args_block(a);
			if (owner)
				bare.span = owner->span;
		}
		bare.name = (char *)name;
	}
	if (!name) {
		lp_args_error(a, option, "a codec is required for option '%s'", option);
		return NULL;
	}
	const lp_plugin_def *def = lp_plugin_find(LP_PLUGIN_CODEC, name);
	if (!def) {
		const char *s = lp_diag_suggest(name, lp_plugin_names(LP_PLUGIN_CODEC));
		if (s)
			lp_args_error(a, option, "unknown codec '%s' (did you mean '%s'?)", name, s);
		else
			lp_args_error(a, option, "unknown codec '%s'", name);
		return NULL;
	}
	return instantiate(def, block, lp_args_diag(a));
}

lp_codec *lp_codec_create(const char *name)
{
	const lp_plugin_def *def = lp_plugin_find(LP_PLUGIN_CODEC, name);
	if (!def)
		return NULL;
	lp_ast_plugin bare = { 0 };
	bare.name = (char *)name;
	lp_diag *d = lp_diag_create();
	lp_codec *c = instantiate(def, &bare, d);
	lp_diag_destroy(d);
	return c;
}

void lp_codec_destroy(lp_codec *c)
{
	if (!c)
		return;
	if (c->def->destroy)
		c->def->destroy(c->inst);
	lp_args_destroy(c->args);
	lp_free(c->name);
	lp_free(c);
}

lp_decoder *lp_decoder_create(const lp_codec *c)
{
	lp_decoder *d = lp_malloc(sizeof(*d));
	d->codec = c;
	d->state = c->def->decoder_create ? c->def->decoder_create(c->inst) : NULL;
	return d;
}

void lp_decoder_destroy(lp_decoder *d)
{
	if (!d)
		return;
	if (d->codec->def->decoder_destroy)
		d->codec->def->decoder_destroy(d->state);
	lp_free(d);
}

void lp_decoder_decode(lp_decoder *d, const char *data, size_t len, lp_event_vec *out)
{
	if (d->codec->def->decode)
		d->codec->def->decode(d->state, data, len, out);
}

void lp_decoder_flush(lp_decoder *d, lp_event_vec *out)
{
	if (d->codec->def->decode_flush)
		d->codec->def->decode_flush(d->state, out);
}

void lp_codec_encode(const lp_codec *c, lp_event *ev, lp_buf *out)
{
	if (c->def->encode)
		c->def->encode(c->inst, ev, out);
}
