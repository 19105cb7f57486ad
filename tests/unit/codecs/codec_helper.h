/* Test helper for codec and plugin tests: builds a codec (or any plugin)
 * instance from option pairs the way the config loader would (schema applied
 * to a hand-built block), and small event helpers. */
#ifndef LP_TESTS_UNIT_CODECS_CODEC_HELPER_H
#define LP_TESTS_UNIT_CODECS_CODEC_HELPER_H

#include "conf/schema.h"
#include "pipeline/codec.h"
#include "pipeline/event.h"
#include "pipeline/mem.h"
#include "pipeline/plugin.h"

#include <stdlib.h>
#include <string.h>

#define TEST_NOW "2024-03-01T12:00:00.000Z"

typedef struct test_codec {
	lp_codec c;
	lp_diag *diag;
	lp_ast_plugin block;
	lp_ast_attr attrs[8];
	lp_ast_attr *attr_ptrs[8];
	lp_ast_value values[8];
} test_codec;

/* Fills t's block from opts: NULL-terminated name, value pairs; a value
 * starting with '#' is a number ("#5"), anything else a string. */
static inline void test_fill_block(test_codec *t, const char *name, const char *const *opts)
{
	t->block.name = (char *)name;
	size_t n = 0;
	for (; opts && opts[2 * n]; n++) {
		const char *v = opts[2 * n + 1];
		t->attrs[n].name = (char *)opts[2 * n];
		if (v[0] == '#') {
			t->values[n].kind = LP_AST_NUMBER;
			t->values[n].str = (char *)v + 1;
			t->values[n].num = atof(v + 1);
		} else {
			t->values[n].kind = LP_AST_STRING;
			t->values[n].str = (char *)v;
		}
		t->attrs[n].value = &t->values[n];
		t->attr_ptrs[n] = &t->attrs[n];
	}
	t->block.attrs = t->attr_ptrs;
	t->block.n_attrs = n;
}

/* A plugin instance of any kind built from opts (see test_fill_block) the
 * way the loader builds it. holder keeps the block, args (holder->c.args) and
 * diagnostics that must outlive the instance; release them with
 * test_holder_fini after destroying the instance. Returns NULL when the
 * options were rejected (the diagnostics are printed). */
static inline void *test_plugin_create(test_codec *holder, lp_plugin_kind kind, const char *name,
				       const char *const *opts)
{
	const lp_plugin_def *def = lp_plugin_find(kind, name);
	if (!def)
		return NULL;
	test_fill_block(holder, name, opts);
	holder->diag = lp_diag_create();
	const lp_option_def *tables[2] = { def->options, lp_plugin_common_options(kind) };
	lp_args *a = lp_schema_apply(&holder->block, lp_plugin_kind_name(kind), tables, 2, holder->diag);
	holder->c.def = def;
	holder->c.name = (char *)name;
	holder->c.args = a;
	void *inst = NULL;
	if (!lp_args_failed(a) && def->create)
		inst = def->create(a);
	if (lp_args_failed(a) || lp_diag_count(holder->diag) > 0) {
		lp_diag_print(holder->diag, stderr);
		if (def->destroy)
			def->destroy(inst);
		return NULL;
	}
	return inst;
}

static inline void test_holder_fini(test_codec *holder)
{
	lp_args_destroy(holder->c.args);
	lp_diag_destroy(holder->diag);
	holder->c.args = NULL;
	holder->diag = NULL;
}

/* A codec built from opts (see test_fill_block), or NULL when the options
 * were rejected. */
static inline test_codec *test_codec_create(const char *name, const char *const *opts)
{
	test_codec *t = lp_calloc(1, sizeof(*t));
	t->c.inst = test_plugin_create(t, LP_PLUGIN_CODEC, name, opts);
	if (!t->c.def || (!t->c.inst && t->c.def->create)) {
		test_holder_fini(t);
		lp_free(t);
		return NULL;
	}
	return t;
}

static inline void test_codec_destroy(test_codec *t)
{
	if (!t)
		return;
	if (t->c.def->destroy)
		t->c.def->destroy(t->c.inst);
	test_holder_fini(t);
	lp_free(t);
}

/* Decodes the chunks (NULL-terminated) and flushes; events go to out. */
static inline void test_decode(test_codec *t, const char *const *chunks, lp_event_vec *out)
{
	lp_decoder *d = lp_decoder_create(&t->c);
	for (size_t i = 0; chunks[i]; i++)
		lp_decoder_decode(d, chunks[i], strlen(chunks[i]), out);
	lp_decoder_flush(d, out);
	lp_decoder_destroy(d);
}

/* The string field name of ev, or NULL. */
static inline const char *test_str(lp_event *ev, const char *name)
{
	return lpj_string_value(lpj_object_get(ev->data, name));
}

/* A pinned-time event from a JSON object text. */
static inline lp_event *test_event(const char *json)
{
	lpj_t *o = lpj_loads(json, 0, NULL);
	lp_event *ev = lp_event_new(o);
	lp_time t;
	lp_time_parse_iso8601(TEST_NOW, strlen(TEST_NOW), &t);
	lp_event_set_time(ev, t);
	return ev;
}

/* Encodes ev with t into a fresh string (caller frees with lp_free). */
static inline char *test_encode(test_codec *t, lp_event *ev)
{
	lp_buf b = LP_BUF_INIT;
	lp_codec_encode(&t->c, ev, &b);
	char *s = lp_strdup(lp_buf_str(&b));
	lp_buf_fini(&b);
	return s;
}

#endif
