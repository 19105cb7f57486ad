/* schema: applying option tables to plugin blocks (Logstash's config
 * validation: LogStash::Config::Mixin#validate_value), typed access, and the
 * option tables' documentation. */
#include "conf/schema.h"

#include "conf/lexer.h"
#include "pipeline/buf.h"
#include "pipeline/fieldref.h"
#include "pipeline/log.h"
#include "pipeline/mem.h"
#include "pipeline/template.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct opt_entry {
	const lp_option_def *def;
	lpj_t *value;              /* configured (converted), or NULL */
	lpj_t *dflt;               /* parsed default, lazily */
	const lp_ast_attr **attrs;  /* the attributes that set it, in order */
	size_t n_attrs, cap_attrs;
	bool reported;              /* an error was reported for this option */
} opt_entry;

struct lp_args {
	const lp_ast_plugin *block;
	char *kind_name;
	lp_diag *diag;
	opt_entry *opts;
	size_t n_opts;
	lpj_t *text_cache; /* "name\x1fi" -> string, for lp_args_item_str */
	char *id;
	bool failed;
};

/* ---- small helpers ---- */

static opt_entry *find_opt(const lp_args *a, const char *name)
{
	if (!a || !name)
		return NULL;
	for (size_t i = 0; i < a->n_opts; i++)
		if (strcmp(a->opts[i].def->name, name) == 0)
			return &a->opts[i];
	return NULL;
}

static const char *type_name(lp_opt_type t)
{
	switch (t) {
	case LP_OPT_STRING: return "string";
	case LP_OPT_NUMBER: return "number";
	case LP_OPT_BOOL: return "boolean";
	case LP_OPT_ARRAY: return "array";
	case LP_OPT_HASH: return "hash";
	case LP_OPT_FIELDREF: return "field reference";
	case LP_OPT_TEMPLATE: return "template";
	case LP_OPT_CODEC: return "codec";
	case LP_OPT_PASSWORD: return "password";
	case LP_OPT_PATH: return "path";
	case LP_OPT_URI: return "uri";
	case LP_OPT_ANY: return "any";
	}
	return "any";
}

/* What a value is, for "got ..." in messages. */
static void describe_value(const lp_ast_value *v, char *buf, size_t cap)
{
	switch (v->kind) {
	case LP_AST_STRING:
		snprintf(buf, cap, "\"%.60s%s\"", v->str, strlen(v->str) > 60 ? "..." : "");
		break;
	case LP_AST_BAREWORD:
	case LP_AST_NUMBER:
		snprintf(buf, cap, "%.60s", v->str);
		break;
	case LP_AST_ARRAY:
		snprintf(buf, cap, "an array");
		break;
	case LP_AST_HASH:
		snprintf(buf, cap, "a hash");
		break;
	case LP_AST_PLUGIN:
		snprintf(buf, cap, "a plugin block '%s'", v->plugin ? v->plugin->name : "?");
		break;
	}
}

static void report(lp_args *a, opt_entry *o, lp_span span, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report(lp_args *a, opt_entry *o, lp_span span, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	lp_diag_error(a->diag, span, "%s", buf);
	a->failed = true;
	if (o)
		o->reported = true;
}

/* Parses a whole string as a config number: integer or real. */
static lpj_t *number_from_text(const char *s)
{
	size_t n = strlen(s);
	if (!lp_word_is_number(s, n))
		return NULL;
	if (strchr(s, '.'))
		return lpj_real(strtod(s, NULL));
	errno = 0;
	long long v = strtoll(s, NULL, 10);
	if (errno == ERANGE)
		return lpj_real(strtod(s, NULL));
	return lpj_integer(v);
}

/* The value as JSON (json.h), without type direction: strings and barewords
 * are strings, numbers integers or reals, arrays, hashes (keys as text, order
 * kept); a plugin value becomes its name. */
static lpj_t *raw_json(const lp_ast_value *v)
{
	switch (v->kind) {
	case LP_AST_STRING:
	case LP_AST_BAREWORD:
		return lpj_string(v->str);
	case LP_AST_NUMBER: {
		lpj_t *j = number_from_text(v->str);
		return j ? j : lpj_string(v->str);
	}
	case LP_AST_ARRAY: {
		lpj_t *arr = lpj_array();
		for (size_t i = 0; i < v->n_items; i++)
			lpj_array_append_new(arr, raw_json(v->items[i]));
		return arr;
	}
	case LP_AST_HASH: {
		lpj_t *obj = lpj_object();
		for (size_t i = 0; i < v->n_items; i++)
			lpj_object_set_new(obj, v->keys[i]->str, raw_json(v->items[i]));
		return obj;
	}
	case LP_AST_PLUGIN:
		return lpj_string(v->plugin ? v->plugin->name : "");
	}
	return lpj_null();
}

/* A plugin block nested anywhere inside v (only codecs take one). */
static const lp_ast_value *find_plugin(const lp_ast_value *v)
{
	if (v->kind == LP_AST_PLUGIN)
		return v;
	for (size_t i = 0; i < v->n_items; i++) {
		const lp_ast_value *p = find_plugin(v->items[i]);
		if (p)
			return p;
	}
	return NULL;
}

/* ---- merging repeated options (lscl.rb Plugin#expr_attributes) ---- */

static void merge_hash(lpj_t *dst, lpj_t *src);

/* Logstash's Util.hash_merge for one key. */
static lpj_t *merge_values(lpj_t *dv, lpj_t *sv)
{
	if (lpj_is_object(dv) && lpj_is_object(sv)) {
		merge_hash(dv, sv);
		return lpj_incref(dv);
	}
	lpj_t *out = lpj_is_array(dv) ? lpj_deep_copy(dv) : lpj_pack("[O]", dv);
	if (lpj_is_array(sv)) {
		size_t i;
		lpj_t *e;
		lpj_array_foreach(sv, i, e) {
			bool dup = false;
			for (size_t k = 0; k < lpj_array_size(out); k++)
				if (lpj_equal(lpj_array_get(out, k), e))
					dup = true;
			if (!dup)
				lpj_array_append(out, e);
		}
	} else if (lpj_is_array(dv)) {
		bool dup = false;
		for (size_t k = 0; k < lpj_array_size(out); k++)
			if (lpj_equal(lpj_array_get(out, k), sv))
				dup = true;
		if (!dup)
			lpj_array_append(out, sv);
	} else if (lpj_equal(dv, sv)) {
		lpj_decref(out);
		return lpj_incref(dv);
	} else {
		lpj_array_append(out, sv);
	}
	return out;
}

static void merge_hash(lpj_t *dst, lpj_t *src)
{
	const char *k;
	lpj_t *sv;
	lpj_object_foreach(src, k, sv) {
		lpj_t *dv = lpj_object_get(dst, k);
		if (!dv)
			lpj_object_set(dst, k, sv);
		else
			lpj_object_set_new(dst, k, merge_values(dv, sv));
	}
}

/* ---- type checking and conversion (Mixin#validate_value) ---- */

/* Unwraps a one-element array for single-valued types, as Logstash does. */
static const lp_ast_value *single(const lp_ast_value *v)
{
	while (v->kind == LP_AST_ARRAY && v->n_items == 1)
		v = v->items[0];
	return v;
}

static lpj_t *convert(lp_args *a, opt_entry *o, const lp_ast_value *v, lpj_t *raw)
{
	const lp_option_def *d = o->def;
	const char *pk = a->kind_name, *pn = a->block->name;
	char got[128];
	switch (d->type) {
	case LP_OPT_STRING:
	case LP_OPT_PASSWORD:
	case LP_OPT_PATH:
	case LP_OPT_URI:
	case LP_OPT_FIELDREF:
	case LP_OPT_TEMPLATE: {
		/* repeated string options are equal (else reported), so the first
		 * attribute stands for all */
		const lp_ast_value *s = single(v);
		if (s->kind == LP_AST_STRING || s->kind == LP_AST_BAREWORD || s->kind == LP_AST_NUMBER)
			return lpj_string(s->str);
		describe_value(s, got, sizeof(got));
		report(a, o, v->span, "option '%s' of %s '%s' expects a %s, got %s", d->name, pk, pn,
		       d->type == LP_OPT_STRING || d->type == LP_OPT_PASSWORD ? "string" : type_name(d->type),
		       got);
		return NULL;
	}
	case LP_OPT_NUMBER: {
		const lp_ast_value *s = single(v);
		lpj_t *n = NULL;
		if (s->kind == LP_AST_NUMBER || s->kind == LP_AST_STRING)
			n = number_from_text(s->str);
		if (!n) {
			describe_value(s, got, sizeof(got));
			report(a, o, v->span, "option '%s' of %s '%s' expects a number, got %s", d->name,
			       pk, pn, got);
			return NULL;
		}
		double x = lpj_number_value(n);
		if (d->min < d->max && (x < d->min || x > d->max)) {
			report(a, o, v->span,
			       "value %s for option '%s' of %s '%s' is out of range: expected %g to %g",
			       s->str, d->name, pk, pn, d->min, d->max);
			lpj_decref(n);
			return NULL;
		}
		return n;
	}
	case LP_OPT_BOOL: {
		const lp_ast_value *s = single(v);
		if ((s->kind == LP_AST_STRING || s->kind == LP_AST_BAREWORD) && strcmp(s->str, "true") == 0)
			return lpj_true();
		if ((s->kind == LP_AST_STRING || s->kind == LP_AST_BAREWORD) && strcmp(s->str, "false") == 0)
			return lpj_false();
		describe_value(s, got, sizeof(got));
		report(a, o, v->span, "option '%s' of %s '%s' expects true or false, got %s", d->name,
		       pk, pn, got);
		return NULL;
	}
	case LP_OPT_ARRAY:
		if (lpj_is_object(raw)) {
			report(a, o, v->span, "option '%s' of %s '%s' expects an array, got a hash", d->name,
			       pk, pn);
			return NULL;
		}
		if (lpj_is_array(raw))
			return lpj_incref(raw);
		return lpj_pack("[O]", raw);
	case LP_OPT_HASH: {
		if (lpj_is_object(raw))
			return lpj_incref(raw);
		if (!lpj_is_array(raw)) {
			describe_value(v, got, sizeof(got));
			report(a, o, v->span, "option '%s' of %s '%s' expects a hash, got %s", d->name, pk,
			       pn, got);
			return NULL;
		}
		size_t n = lpj_array_size(raw);
		if (n % 2) {
			report(a, o, v->span,
			       "option '%s' of %s '%s' expects a hash; an array given for it must hold key/value pairs, got %zu item%s",
			       d->name, pk, pn, n, n == 1 ? "" : "s");
			return NULL;
		}
		lpj_t *obj = lpj_object();
		for (size_t i = 0; i < n; i += 2) {
			lpj_t *k = lpj_array_get(raw, i), *val = lpj_array_get(raw, i + 1);
			char *kt = lpj_is_string(k) ? lp_strdup(lpj_string_value(k))
						     : lpj_dumps(k, LPJ_ENCODE_ANY);
			lpj_t *old = lpj_object_get(obj, kt);
			if (!old)
				lpj_object_set(obj, kt, val);
			else if (lpj_is_array(old))
				lpj_array_append(old, val);
			else
				lpj_object_set_new(obj, kt, lpj_pack("[OO]", old, val));
			free(kt);
		}
		return obj;
	}
	case LP_OPT_CODEC: {
		const lp_ast_value *s = single(v);
		if (s->kind == LP_AST_STRING || s->kind == LP_AST_BAREWORD || s->kind == LP_AST_PLUGIN)
			return lpj_string(s->kind == LP_AST_PLUGIN ? s->plugin->name : s->str);
		describe_value(s, got, sizeof(got));
		report(a, o, v->span, "option '%s' of %s '%s' expects a codec name or a codec block, got %s",
		       d->name, pk, pn, got);
		return NULL;
	}
	case LP_OPT_ANY:
		return lpj_incref(raw);
	}
	return lpj_incref(raw);
}

static void check_choices(lp_args *a, opt_entry *o, const lp_ast_value *v)
{
	const lp_option_def *d = o->def;
	if (!d->choices || !o->value || !lpj_is_string(o->value))
		return;
	const char *s = lpj_string_value(o->value);
	for (size_t i = 0; d->choices[i]; i++)
		if (strcmp(d->choices[i], s) == 0)
			return;
	lp_buf b = LP_BUF_INIT;
	for (size_t i = 0; d->choices[i]; i++)
		lp_buf_printf(&b, "%s'%s'", i ? ", " : "", d->choices[i]);
	report(a, o, v->span, "invalid value '%s' for option '%s' of %s '%s': expected one of %s", s,
	       d->name, a->kind_name, a->block->name, lp_buf_str(&b));
	lp_buf_fini(&b);
}

/* ---- ids ---- */

typedef struct id_count {
	char *name;
	unsigned n;
} id_count;

static id_count *id_counts;
static size_t n_id_counts, cap_id_counts;

static char *generate_id(const char *name)
{
	for (size_t i = 0; i < n_id_counts; i++)
		if (strcmp(id_counts[i].name, name) == 0)
			return lp_asprintf("%s_%u", name, ++id_counts[i].n);
	LP_GROW(id_counts, cap_id_counts, n_id_counts + 1);
	id_counts[n_id_counts].name = lp_strdup(name);
	id_counts[n_id_counts].n = 1;
	n_id_counts++;
	return lp_asprintf("%s_1", name);
}

void lp_schema_reset_ids(void)
{
	for (size_t i = 0; i < n_id_counts; i++)
		lp_free(id_counts[i].name);
	lp_free(id_counts);
	id_counts = NULL;
	n_id_counts = cap_id_counts = 0;
}

/* ---- apply ---- */

/* The doc of a deprecated option without a leading "Deprecated:" or
 * "Deprecated." (the warning says it already). */
static const char *deprecation_text(const char *doc)
{
	if (!doc)
		return "";
	if (strncasecmp(doc, "deprecated", 10) == 0) {
		doc += 10;
		while (*doc == ':' || *doc == '.' || *doc == ',' || *doc == ' ')
			doc++;
	}
	return doc;
}

static void validate_compiled(lp_args *a, opt_entry *o);

lp_args *lp_schema_apply(const lp_ast_plugin *block, const char *kind_name,
			 const lp_option_def *const *tables, size_t n_tables, lp_diag *diag)
{
	lp_args *a = lp_calloc(1, sizeof(*a));
	a->block = block;
	a->kind_name = lp_strdup(kind_name ? kind_name : "plugin");
	a->diag = diag;
	a->text_cache = lpj_object();
	size_t cap = 0;
	for (size_t t = 0; t < n_tables; t++) {
		for (const lp_option_def *d = tables[t]; d && d->name; d++) {
			if (find_opt(a, d->name))
				continue;
			LP_GROW(a->opts, cap, a->n_opts + 1);
			memset(&a->opts[a->n_opts], 0, sizeof(opt_entry));
			a->opts[a->n_opts++].def = d;
		}
	}
	const char **names = lp_calloc(a->n_opts + 1, sizeof(*names));
	for (size_t i = 0; i < a->n_opts; i++)
		names[i] = a->opts[i].def->name;

	/* gather the attributes per option, merging repeats as Logstash does */
	lpj_t **raws = lp_calloc(a->n_opts ? a->n_opts : 1, sizeof(*raws));
	for (size_t i = 0; i < block->n_attrs; i++) {
		const lp_ast_attr *at = block->attrs[i];
		opt_entry *o = find_opt(a, at->name);
		if (!o) {
			const char *s = lp_diag_suggest(at->name, names);
			if (s)
				report(a, NULL, at->span,
				       "unknown option '%s' for %s '%s' (did you mean '%s'?)", at->name,
				       a->kind_name, block->name, s);
			else
				report(a, NULL, at->span, "unknown option '%s' for %s '%s'", at->name,
				       a->kind_name, block->name);
			continue;
		}
		size_t oi = (size_t)(o - a->opts);
		const lp_ast_value *pl = find_plugin(at->value);
		if (pl && !(o->def->type == LP_OPT_CODEC && single(at->value) == pl) &&
		    o->def->type != LP_OPT_ANY) {
			report(a, o, pl->span, "option '%s' of %s '%s' does not take a plugin block",
			       o->def->name, a->kind_name, block->name);
			LP_GROW(o->attrs, o->cap_attrs, o->n_attrs + 1);
			o->attrs[o->n_attrs++] = at; /* set, though unusable */
			continue;
		}
		lpj_t *raw = raw_json(at->value);
		if (!raws[oi]) {
			raws[oi] = raw;
		} else {
			bool multi = o->def->type == LP_OPT_ARRAY || o->def->type == LP_OPT_HASH ||
				     o->def->type == LP_OPT_ANY;
			if (!multi && !lpj_equal(raws[oi], raw)) {
				report(a, o, at->span, "option '%s' of %s '%s' is set more than once",
				       o->def->name, a->kind_name, block->name);
				lpj_decref(raw);
				continue;
			}
			if (lpj_is_object(raws[oi]) != lpj_is_object(raw) && o->def->type != LP_OPT_ANY) {
				report(a, o, at->span,
				       "option '%s' of %s '%s' is set more than once, as a hash and as something else",
				       o->def->name, a->kind_name, block->name);
				lpj_decref(raw);
				continue;
			}
			lpj_t *m;
			if (lpj_is_object(raws[oi]) && lpj_is_object(raw)) {
				merge_hash(raws[oi], raw);
				m = lpj_incref(raws[oi]);
			} else if (lpj_is_array(raws[oi])) {
				m = lpj_deep_copy(raws[oi]);
				if (lpj_is_array(raw))
					lpj_array_extend(m, raw);
				else
					lpj_array_append(m, raw);
			} else if (lpj_equal(raws[oi], raw)) {
				m = lpj_incref(raws[oi]);
			} else if (lpj_is_array(raw)) {
				/* a single value, then an array: one flat list */
				m = lpj_pack("[O]", raws[oi]);
				lpj_array_extend(m, raw);
			} else {
				m = lpj_pack("[OO]", raws[oi], raw);
			}
			lpj_decref(raws[oi]);
			lpj_decref(raw);
			raws[oi] = m;
		}
		LP_GROW(o->attrs, o->cap_attrs, o->n_attrs + 1);
		o->attrs[o->n_attrs++] = at;
	}
	for (size_t i = 0; i < a->n_opts; i++) {
		opt_entry *o = &a->opts[i];
		if (!raws[i] || o->reported)
			goto next;
		o->value = convert(a, o, o->attrs[0]->value, raws[i]);
		if (o->value) {
			check_choices(a, o, o->attrs[0]->value);
			validate_compiled(a, o);
			if (o->def->flags & LP_OPT_DEPRECATED) {
				lp_span s = o->attrs[0]->span;
				const char *why = deprecation_text(o->def->doc);
				lp_warn("config", "%s:%u:%u: option '%s' of %s '%s' is deprecated%s%s",
					s.file ? s.file->name : "config", s.line, s.col, o->def->name,
					a->kind_name, block->name, *why ? ": " : ".", why);
			}
		}
next:
		lpj_decref(raws[i]);
	}
	for (size_t i = 0; i < a->n_opts; i++) {
		opt_entry *o = &a->opts[i];
		if ((o->def->flags & LP_OPT_REQUIRED) && o->n_attrs == 0)
			report(a, o, block->span, "missing required option '%s' for %s '%s'", o->def->name,
			       a->kind_name, block->name);
	}
	lp_free(raws);
	lp_free(names);
	opt_entry *id = find_opt(a, "id");
	if (id && id->value && lpj_is_string(id->value))
		a->id = lp_strdup(lpj_string_value(id->value));
	else
		a->id = generate_id(block->name);
	return a;
}

void lp_args_destroy(lp_args *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n_opts; i++) {
		lpj_decref(a->opts[i].value);
		lpj_decref(a->opts[i].dflt);
		lp_free(a->opts[i].attrs);
	}
	lp_free(a->opts);
	lpj_decref(a->text_cache);
	lp_free(a->kind_name);
	lp_free(a->id);
	lp_free(a);
}

/* ---- getters ---- */

const lpj_t *lp_args_get(const lp_args *a, const char *name)
{
	opt_entry *o = find_opt(a, name);
	if (!o)
		return NULL;
	if (o->value)
		return o->value;
	if (!o->def->def)
		return NULL;
	if (!o->dflt) {
		lpj_error_t e;
		o->dflt = lpj_loads(o->def->def, LPJ_DECODE_ANY, &e);
		if (!o->dflt)
			lp_error("config", "The default of option '%s' is not valid JSON: %s.",
				 o->def->name, e.text);
	}
	return o->dflt;
}

bool lp_args_isset(const lp_args *a, const char *name)
{
	opt_entry *o = find_opt(a, name);
	return o && o->n_attrs > 0;
}

const char *lp_args_str(const lp_args *a, const char *name)
{
	const lpj_t *v = lp_args_get(a, name);
	return v && lpj_is_string(v) ? lpj_string_value(v) : NULL;
}

long long lp_args_int(const lp_args *a, const char *name, long long fallback)
{
	const lpj_t *v = lp_args_get(a, name);
	if (lpj_is_integer(v))
		return lpj_integer_value(v);
	if (lpj_is_real(v))
		return (long long)lpj_real_value(v);
	return fallback;
}

double lp_args_num(const lp_args *a, const char *name, double fallback)
{
	const lpj_t *v = lp_args_get(a, name);
	return lpj_is_number(v) ? lpj_number_value(v) : fallback;
}

bool lp_args_bool(const lp_args *a, const char *name, bool fallback)
{
	const lpj_t *v = lp_args_get(a, name);
	return lpj_is_boolean(v) ? lpj_is_true(v) : fallback;
}

const char *lp_args_item_str(const lp_args *a, const char *name, size_t i)
{
	const lpj_t *v = lp_args_get(a, name);
	const lpj_t *e = NULL;
	if (lpj_is_array(v))
		e = lpj_array_get(v, i);
	else if (i == 0 && v && !lpj_is_object(v))
		e = v;
	if (!e)
		return NULL;
	if (lpj_is_string(e))
		return lpj_string_value(e);
	char key[512];
	snprintf(key, sizeof(key), "%s\x1f%zu", name, i);
	lpj_t *c = lpj_object_get(a->text_cache, key);
	if (!c) {
		char *text = lpj_dumps(e, LPJ_ENCODE_ANY | LPJ_COMPACT);
		c = lpj_string(text ? text : "");
		free(text);
		lpj_object_set_new(a->text_cache, key, c);
	}
	return lpj_string_value(c);
}

const char *lp_args_plugin_name(const lp_args *a)
{
	return a->block->name;
}

const char *lp_args_id(const lp_args *a)
{
	return a->id;
}

const lp_ast_plugin *lp_args_block(const lp_args *a)
{
	return a->block;
}

const lp_ast_value *lp_args_value(const lp_args *a, const char *name)
{
	opt_entry *o = find_opt(a, name);
	if (o && o->n_attrs)
		return o->attrs[0]->value;
	/* an option the tables do not know: look it up in the block */
	for (size_t i = 0; a && i < a->block->n_attrs; i++)
		if (strcmp(a->block->attrs[i]->name, name) == 0)
			return a->block->attrs[i]->value;
	return NULL;
}

/* ---- errors ---- */

/* The AST node of element i of an option (the value for a hash entry, and
 * its key in *key when asked), across repeated attributes; NULL when
 * there is no such element. */
static const lp_ast_value *item_node(const lp_args *a, const char *name, size_t i,
				     const lp_ast_value **key)
{
	opt_entry *o = find_opt(a, name);
	if (key)
		*key = NULL;
	if (!o)
		return NULL;
	if (lpj_is_object(o->value)) {
		/* entry i of the merged hash: its first appearance by key */
		const char *kname = NULL, *k2;
		lpj_t *ignored;
		size_t n = 0;
		lpj_object_foreach(o->value, k2, ignored) {
			if (n++ == i) {
				kname = k2;
				break;
			}
		}
		for (size_t j = 0; kname && j < o->n_attrs; j++) {
			const lp_ast_value *v = o->attrs[j]->value;
			bool pairs = v->kind == LP_AST_ARRAY;
			size_t step = pairs ? 2 : 1;
			for (size_t e = 0; e + (pairs ? 1 : 0) < v->n_items; e += step) {
				const lp_ast_value *kv = pairs ? v->items[e] : (v->keys ? v->keys[e] : NULL);
				if (kv && kv->str && strcmp(kv->str, kname) == 0) {
					if (key)
						*key = kv;
					return pairs ? v->items[e + 1] : v->items[e];
				}
			}
		}
	}
	size_t k = i;
	for (size_t j = 0; j < o->n_attrs; j++) {
		const lp_ast_value *v = o->attrs[j]->value;
		if (v->kind == LP_AST_HASH) {
			if (k < v->n_items) {
				if (key)
					*key = v->keys[k];
				return v->items[k];
			}
			k -= v->n_items;
		} else if (v->kind == LP_AST_ARRAY) {
			if (o->def->type == LP_OPT_HASH) {
				/* key/value pairs */
				if (2 * k + 1 < v->n_items) {
					if (key)
						*key = v->items[2 * k];
					return v->items[2 * k + 1];
				}
				k -= v->n_items / 2;
			} else {
				if (k < v->n_items)
					return v->items[k];
				k -= v->n_items;
			}
		} else {
			if (k == 0)
				return v;
			k--;
		}
	}
	return NULL;
}

static lp_span option_span(const lp_args *a, const char *name)
{
	const lp_ast_value *v = lp_args_value(a, name);
	return v ? v->span : a->block->span;
}

void lp_args_error(lp_args *a, const char *name, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	report(a, find_opt(a, name), option_span(a, name), "%s", buf);
}

void lp_args_error_item(lp_args *a, const char *name, size_t i, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	const lp_ast_value *v = item_node(a, name, i, NULL);
	report(a, find_opt(a, name), v ? v->span : option_span(a, name), "%s", buf);
}

bool lp_args_failed(const lp_args *a)
{
	return a->failed;
}

lp_diag *lp_args_diag(lp_args *a)
{
	return a->diag;
}

/* ---- field references and templates ---- */

/* The span of byte err_col of text, where text came from element i of the
 * option (or the option itself when i is (size_t)-1). */
static lp_span text_span(const lp_args *a, const char *name, size_t i, const char *text,
			 size_t err_col)
{
	const lp_ast_value *key = NULL;
	const lp_ast_value *v = i == (size_t)-1 ? NULL : item_node(a, name, i, &key);
	if (!v)
		v = lp_args_value(a, name);
	if (!v)
		return a->block->span;
	const lp_ast_value *node = v;
	const char *hit = NULL;
	if (key && key->str && strcmp(key->str, text) == 0) {
		node = key;
		hit = key->str;
	} else if (v->str && (hit = strstr(v->str, text))) {
		node = v;
	} else if (key && key->str && (hit = strstr(key->str, text))) {
		node = key;
	}
	lp_span s = node->span;
	if (!hit || (node->kind != LP_AST_STRING && node->kind != LP_AST_BAREWORD &&
		     node->kind != LP_AST_NUMBER))
		return s;
	size_t off = (size_t)(hit - node->str) + err_col;
	if (memchr(node->str, '\n', off < strlen(node->str) ? off : strlen(node->str)))
		return s;
	s.col += (unsigned)off + (node->kind == LP_AST_STRING ? 1 : 0);
	s.len = 1;
	return s;
}

static struct lp_fieldref *fieldref_at(lp_args *a, const char *name, size_t i, const char *text,
				       bool quiet)
{
	const char *err = NULL;
	size_t col = 0;
	struct lp_fieldref *r = lp_fieldref_compile(text, &err, &col);
	if (!r && !quiet)
		report(a, find_opt(a, name), text_span(a, name, i, text, col),
		       "option '%s' of %s '%s': %s", name, a->kind_name, a->block->name,
		       err ? err : "invalid field reference");
	return r;
}

static struct lp_template *template_at(lp_args *a, const char *name, size_t i, const char *text,
				       bool quiet)
{
	const char *err = NULL;
	size_t col = 0;
	struct lp_template *t = lp_template_compile(text, &err, &col);
	if (!t && !quiet)
		report(a, find_opt(a, name), text_span(a, name, i, text, col),
		       "option '%s' of %s '%s': %s", name, a->kind_name, a->block->name,
		       err ? err : "invalid template");
	return t;
}

/* Options typed FIELDREF/TEMPLATE are checked when applied, so that their
 * errors show even when the plugin never compiles them. */
static void validate_compiled(lp_args *a, opt_entry *o)
{
	if (!lpj_is_string(o->value))
		return;
	const char *s = lpj_string_value(o->value);
	if (o->def->type == LP_OPT_FIELDREF)
		lp_fieldref_destroy(fieldref_at(a, o->def->name, (size_t)-1, s, false));
	else if (o->def->type == LP_OPT_TEMPLATE)
		lp_template_destroy(template_at(a, o->def->name, (size_t)-1, s, false));
}

struct lp_fieldref *lp_args_fieldref(lp_args *a, const char *name)
{
	opt_entry *o = find_opt(a, name);
	const char *s = lp_args_str(a, name);
	if (!s)
		return NULL;
	return fieldref_at(a, name, (size_t)-1, s, o && o->reported);
}

struct lp_fieldref *lp_args_fieldref_text(lp_args *a, const char *name, size_t i,
					  const char *text)
{
	if (!text)
		return NULL;
	return fieldref_at(a, name, i, text, false);
}

struct lp_template *lp_args_template(lp_args *a, const char *name)
{
	opt_entry *o = find_opt(a, name);
	const char *s = lp_args_str(a, name);
	if (!s)
		return NULL;
	return template_at(a, name, (size_t)-1, s, o && o->reported);
}

struct lp_template *lp_args_template_text(lp_args *a, const char *name, size_t i,
					  const char *text)
{
	if (!text)
		return NULL;
	return template_at(a, name, i, text, false);
}

/* ---- describe ---- */

static const char *flags_text(const lp_option_def *d)
{
	return (d->flags & LP_OPT_REQUIRED) ? "yes" : "no";
}

static void type_text(const lp_option_def *d, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s%s%s", type_name(d->type),
		 (d->flags & LP_OPT_SECRET) || d->type == LP_OPT_PASSWORD ? " (secret)" : "",
		 (d->flags & LP_OPT_DEPRECATED) ? " (deprecated)" : "");
}

static void doc_text(const lp_option_def *d, lp_buf *b)
{
	lp_buf_adds(b, d->doc ? d->doc : "");
	if (d->choices) {
		lp_buf_adds(b, d->doc && *d->doc ? " One of: " : "One of: ");
		for (size_t i = 0; d->choices[i]; i++)
			lp_buf_printf(b, "%s%s", i ? ", " : "", d->choices[i]);
		lp_buf_addc(b, '.');
	}
	if (d->min < d->max)
		lp_buf_printf(b, " Range: %g to %g.", d->min, d->max);
}

static void md_cell(lp_buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			lp_buf_adds(out, "\\|");
		else if (*s == '\n')
			lp_buf_addc(out, ' ');
		else
			lp_buf_addc(out, *s);
	}
}

void lp_schema_describe(const lp_option_def *const *tables, size_t n_tables, FILE *out,
			bool markdown)
{
	/* the same flattening as apply: the first table wins a name */
	const lp_option_def **defs = NULL;
	size_t n = 0, cap = 0;
	for (size_t t = 0; t < n_tables; t++) {
		for (const lp_option_def *d = tables[t]; d && d->name; d++) {
			bool seen = false;
			for (size_t i = 0; i < n; i++)
				if (strcmp(defs[i]->name, d->name) == 0)
					seen = true;
			if (seen)
				continue;
			LP_GROW(defs, cap, n + 1);
			defs[n++] = d;
		}
	}
	size_t w_name = strlen("Setting"), w_type = strlen("Type"), w_def = strlen("Default");
	char tbuf[64];
	for (size_t i = 0; i < n; i++) {
		type_text(defs[i], tbuf, sizeof(tbuf));
		if (strlen(defs[i]->name) > w_name)
			w_name = strlen(defs[i]->name);
		if (strlen(tbuf) > w_type)
			w_type = strlen(tbuf);
		if (defs[i]->def && strlen(defs[i]->def) > w_def)
			w_def = strlen(defs[i]->def);
	}
	if (w_def > 24)
		w_def = 24;
	lp_buf b = LP_BUF_INIT;
	lp_buf doc = LP_BUF_INIT;
	if (markdown) {
		lp_buf_adds(&b, "| Setting | Type | Required | Default | Description |\n");
		lp_buf_adds(&b, "|---|---|---|---|---|\n");
	} else {
		lp_buf_printf(&b, "%-*s  %-*s  %-8s  %-*s  %s\n", (int)w_name, "Setting", (int)w_type,
			      "Type", "Required", (int)w_def, "Default", "Description");
	}
	for (size_t i = 0; i < n; i++) {
		const lp_option_def *d = defs[i];
		type_text(d, tbuf, sizeof(tbuf));
		lp_buf_reset(&doc);
		doc_text(d, &doc);
		const char *dflt = d->def ? d->def : "";
		if (markdown) {
			lp_buf_adds(&b, "| `");
			md_cell(&b, d->name);
			lp_buf_adds(&b, "` | ");
			md_cell(&b, tbuf);
			lp_buf_printf(&b, " | %s | ", flags_text(d));
			if (*dflt) {
				lp_buf_adds(&b, "`");
				md_cell(&b, dflt);
				lp_buf_adds(&b, "`");
			}
			lp_buf_adds(&b, " | ");
			md_cell(&b, lp_buf_str(&doc));
			lp_buf_adds(&b, " |\n");
		} else {
			lp_buf_printf(&b, "%-*s  %-*s  %-8s  %-*s  %s\n", (int)w_name, d->name, (int)w_type,
				      tbuf, flags_text(d), (int)w_def, dflt, lp_buf_str(&doc));
		}
	}
	fwrite(b.data ? b.data : "", 1, b.len, out);
	lp_buf_fini(&b);
	lp_buf_fini(&doc);
	lp_free(defs);
}
