/* mutate filter: Logstash's mutate. Operations run in Logstash's fixed order
 * whatever order the config lists them in: coerce, rename, update, replace,
 * convert, gsub, uppercase, capitalize, lowercase, strip, split, join, merge,
 * copy. An operation that raises in Logstash (e.g. converting "abc" to a
 * float, stripping an array holding a number) stops the remaining ones and
 * tags the event with tag_on_failure ("_mutate_error"); the common options
 * then do not apply. Value semantics live in mutate_ops.c. */
#include "conf/schema.h"
#include "filters/mutate/mutate_ops.h"
#include "pipeline/log.h"
#include "pipeline/mem.h"
#include "pipeline/plugin.h"
#include "pipeline/template.h"

#include <string.h>

/* A field name that may be a sprintf template. */
typedef struct name_ref {
	lp_template *tpl;     /* when the name has %{...} */
	lp_fieldref *ref;     /* when constant */
} name_ref;

/* One entry of a hash option: a field and its argument. */
typedef struct pair {
	name_ref field;
	name_ref other;       /* rename/copy: destination; merge: source */
	lp_template *value;   /* update/replace: the new value; coerce: default */
	const char *text;     /* split/join separator */
	mut_conv conv;
	bool cont;            /* merge: another added field for the previous destination */
} pair;

typedef struct gsub_rule {
	lp_fieldref *field;
	lp_regex *re;         /* NULL when the pattern is a template */
	lp_template *pattern; /* pattern with %{...} */
	mut_repl *repl;       /* replacement without %{...} */
	lp_template *repl_tpl;
} gsub_rule;

typedef struct list {
	void *v;
	size_t n;
} list;

typedef struct filter_mutate {
	list coerce, rename, update, replace, convert, split, join, merge, copy; /* of pair */
	list gsub;                                                              /* of gsub_rule */
	list uppercase, capitalize, lowercase, strip;                           /* of lp_fieldref * */
	const char *tag;
	const char *id;
} filter_mutate;

static const lp_option_def options[] = {
	{ "coerce", LP_OPT_HASH, NULL, 0, NULL, 0, 0, "Default values for fields that exist but are null." },
	{ "rename", LP_OPT_HASH, NULL, 0, NULL, 0, 0, "Renames fields: { \"old\" => \"new\" }." },
	{ "update", LP_OPT_HASH, NULL, 0, NULL, 0, 0, "Sets fields that already exist (values are sprintf templates)." },
	{ "replace", LP_OPT_HASH, NULL, 0, NULL, 0, 0, "Sets fields, creating them when missing (values are sprintf templates)." },
	{ "convert", LP_OPT_HASH, NULL, 0, NULL, 0, 0, "Converts field values: integer, integer_eu, float, float_eu, string, boolean." },
	{ "gsub", LP_OPT_ARRAY, NULL, 0, NULL, 0, 0, "Regex replacements: [ field, pattern, replacement, ... ]." },
	{ "uppercase", LP_OPT_ARRAY, NULL, 0, NULL, 0, 0, "Fields to upper-case." },
	{ "capitalize", LP_OPT_ARRAY, NULL, 0, NULL, 0, 0, "Fields to capitalize." },
	{ "lowercase", LP_OPT_ARRAY, NULL, 0, NULL, 0, 0, "Fields to lower-case." },
	{ "strip", LP_OPT_ARRAY, NULL, 0, NULL, 0, 0, "Fields whose leading and trailing whitespace is removed." },
	{ "split", LP_OPT_HASH, NULL, 0, NULL, 0, 0, "Splits string fields into arrays: { \"field\" => \",\" }." },
	{ "join", LP_OPT_HASH, NULL, 0, NULL, 0, 0, "Joins array fields with a separator: { \"field\" => \",\" }." },
	{ "merge", LP_OPT_HASH, NULL, 0, NULL, 0, 0, "Merges fields into a destination: { \"dest\" => \"added\" }." },
	{ "copy", LP_OPT_HASH, NULL, 0, NULL, 0, 0, "Copies fields: { \"source\" => \"destination\" }." },
	{ "tag_on_failure", LP_OPT_STRING, "\"_mutate_error\"", 0, NULL, 0, 0, "Tag added when an operation fails." },
	LP_OPT_END,
};

static lp_ratelimit warn_rl;

static void warn_event(const filter_mutate *f, const char *fmt, const char *field)
{
	long long suppressed = 0;
	if (lp_ratelimit_ok(&warn_rl, 10000, &suppressed)) {
		char msg[256];
		snprintf(msg, sizeof(msg), fmt, field);
		lp_warn("filter.mutate", "Filter '%s': %s (%lld similar warnings suppressed).", f->id, msg, suppressed);
	}
}

/* Only rename sprintf-renders its field names in Logstash; elsewhere a "%{"
 * in a name is part of a literal field name. */
static bool compile_name(lp_args *a, const char *opt, size_t i, const char *text, name_ref *out)
{
	if (strstr(text, "%{") && strcmp(opt, "rename") == 0) {
		out->tpl = lp_args_template_text(a, opt, i, text);
		return out->tpl != NULL;
	}
	out->ref = lp_args_fieldref_text(a, opt, i, text);
	return out->ref != NULL;
}

static void free_name(name_ref *n)
{
	lp_template_destroy(n->tpl);
	lp_fieldref_destroy(n->ref);
}

/* The field reference for this event (compiled at run time for templates);
 * *owned tells the caller to destroy it. */
static lp_fieldref *resolve(const name_ref *n, lp_event *ev, bool *owned)
{
	*owned = false;
	if (n->ref)
		return n->ref;
	char *s = lp_template_render_str(n->tpl, ev);
	lp_fieldref *r = lp_fieldref_compile(s, NULL, NULL);
	lp_free(s);
	*owned = r != NULL;
	return r;
}

typedef enum { ARG_NAME, ARG_VALUE, ARG_TEXT, ARG_CONV } arg_kind;

/* Reads a hash option into pairs; the value is interpreted per kind. A merge
 * entry with several added fields (an array) becomes one pair per field. */
static void read_pairs(lp_args *a, const char *opt, arg_kind kind, list *out)
{
	const lpj_t *h = lp_args_get(a, opt);
	if (!h || !lpj_is_object(h) || lpj_object_size(h) == 0)
		return;
	const char *key;
	lpj_t *val;
	size_t total = 0;
	lpj_object_foreach((lpj_t *)h, key, val)
		total += lpj_is_array(val) && lpj_array_size(val) ? lpj_array_size(val) : 1;
	pair *v = lp_calloc(total, sizeof(pair));
	size_t i = 0;
	lpj_object_foreach((lpj_t *)h, key, val) {
		size_t reps = kind == ARG_NAME && lpj_is_array(val) && lpj_array_size(val) ? lpj_array_size(val) : 1;
		for (size_t k = 0; k < reps; k++) {
			pair *p = &v[out->n];
			p->cont = k > 0;
			lpj_t *one = kind == ARG_NAME && lpj_is_array(val) ? lpj_array_get(val, k) : val;
			bool ok = compile_name(a, opt, i, key, &p->field);
			char *text = lpj_is_string(one) ? lp_strdup(lpj_string_value(one)) : lpj_dumps(one, LPJ_ENCODE_ANY);
			if (kind == ARG_NAME) {
				if (lpj_is_array(val) && strcmp(opt, "merge") != 0) {
					lp_args_error_item(a, opt, i, "option '%s' expects a field name for '%s'", opt, key);
					ok = false;
				} else {
					ok = ok && compile_name(a, opt, i, text, &p->other);
				}
			} else if (kind == ARG_VALUE) {
				p->value = lp_args_template_text(a, opt, i, text);
				ok = ok && p->value;
			} else if (kind == ARG_TEXT) {
				p->text = lpj_is_string(one) ? lpj_string_value(one) : NULL;
				if (!p->text) {
					lp_args_error_item(a, opt, i, "option '%s' expects a string separator for '%s'", opt, key);
					ok = false;
				}
			} else if (!lpj_is_string(one) || !mut_conv_parse(lpj_string_value(one), &p->conv)) {
				lp_args_error_item(a, opt, i,
						   "invalid conversion type '%s' for field '%s' (expected integer, integer_eu, "
						   "float, float_eu, string or boolean)", text, key);
				ok = false;
			}
			lp_free(text);
			if (ok) {
				out->n++;
			} else {
				free_name(&p->field);
				free_name(&p->other);
				lp_template_destroy(p->value);
				memset(p, 0, sizeof(*p));
			}
		}
		i++;
	}
	out->v = v;
}

static void read_fields(lp_args *a, const char *opt, list *out)
{
	const lpj_t *arr = lp_args_get(a, opt);
	if (!arr || !lpj_is_array(arr) || lpj_array_size(arr) == 0)
		return;
	lp_fieldref **v = lp_calloc(lpj_array_size(arr), sizeof(*v));
	for (size_t i = 0; i < lpj_array_size(arr); i++) {
		const char *s = lp_args_item_str(a, opt, i);
		lp_fieldref *r = s ? lp_args_fieldref_text(a, opt, i, s) : NULL;
		if (r)
			v[out->n++] = r;
	}
	out->v = v;
}

static void read_gsub(lp_args *a, list *out)
{
	const lpj_t *arr = lp_args_get(a, "gsub");
	if (!arr || !lpj_is_array(arr) || lpj_array_size(arr) == 0)
		return;
	size_t n = lpj_array_size(arr);
	if (n % 3 != 0) {
		lp_args_error(a, "gsub", "invalid gsub configuration: it takes three elements per rule "
			      "(field, pattern, replacement), got %zu", n);
		return;
	}
	gsub_rule *v = lp_calloc(n / 3, sizeof(*v));
	for (size_t i = 0; i < n; i += 3) {
		const char *field = lp_args_item_str(a, "gsub", i);
		const char *pat = lp_args_item_str(a, "gsub", i + 1);
		const char *rep = lp_args_item_str(a, "gsub", i + 2);
		gsub_rule *g = &v[out->n];
		g->field = field ? lp_args_fieldref_text(a, "gsub", i, field) : NULL;
		bool ok = g->field != NULL && pat && rep;
		if (ok && strstr(pat, "%{")) {
			g->pattern = lp_args_template_text(a, "gsub", i + 1, pat);
			ok = g->pattern != NULL;
		} else if (ok) {
			char msg[256];
			size_t col = 0;
			char *rp = mut_ruby_groups(pat);
			g->re = lp_regex_compile(rp, msg, sizeof(msg), &col);
			lp_free(rp);
			if (!g->re) {
				lp_args_error_item(a, "gsub", i + 1, "invalid regular expression '%s': %s (at offset %zu)",
						   pat, msg, col);
				ok = false;
			}
		}
		if (ok && strstr(rep, "%{")) {
			g->repl_tpl = lp_args_template_text(a, "gsub", i + 2, rep);
			ok = g->repl_tpl != NULL;
		} else if (ok) {
			g->repl = mut_repl_compile(rep);
		}
		if (ok) {
			out->n++;
		} else {
			lp_fieldref_destroy(g->field);
			lp_regex_destroy(g->re);
			lp_template_destroy(g->pattern);
			memset(g, 0, sizeof(*g));
		}
	}
	out->v = v;
}

static void *mutate_create(lp_args *a)
{
	filter_mutate *f = lp_calloc(1, sizeof(*f));
	read_pairs(a, "coerce", ARG_VALUE, &f->coerce);
	read_pairs(a, "rename", ARG_NAME, &f->rename);
	read_pairs(a, "update", ARG_VALUE, &f->update);
	read_pairs(a, "replace", ARG_VALUE, &f->replace);
	read_pairs(a, "convert", ARG_CONV, &f->convert);
	read_gsub(a, &f->gsub);
	read_fields(a, "uppercase", &f->uppercase);
	read_fields(a, "capitalize", &f->capitalize);
	read_fields(a, "lowercase", &f->lowercase);
	read_fields(a, "strip", &f->strip);
	read_pairs(a, "split", ARG_TEXT, &f->split);
	read_pairs(a, "join", ARG_TEXT, &f->join);
	read_pairs(a, "merge", ARG_NAME, &f->merge);
	read_pairs(a, "copy", ARG_NAME, &f->copy);
	f->tag = lp_args_str(a, "tag_on_failure");
	f->id = lp_args_id(a);
	return f;
}

static void free_pairs(list *l)
{
	pair *v = l->v;
	for (size_t i = 0; i < l->n; i++) {
		free_name(&v[i].field);
		free_name(&v[i].other);
		lp_template_destroy(v[i].value);
	}
	lp_free(v);
}

static void free_fields(list *l)
{
	lp_fieldref **v = l->v;
	for (size_t i = 0; i < l->n; i++)
		lp_fieldref_destroy(v[i]);
	lp_free(v);
}

static void mutate_destroy(void *inst)
{
	filter_mutate *f = inst;
	if (!f)
		return;
	list *pairs[] = { &f->coerce, &f->rename, &f->update, &f->replace, &f->convert,
			  &f->split, &f->join, &f->merge, &f->copy };
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		free_pairs(pairs[i]);
	gsub_rule *g = f->gsub.v;
	for (size_t i = 0; i < f->gsub.n; i++) {
		lp_fieldref_destroy(g[i].field);
		lp_regex_destroy(g[i].re);
		lp_template_destroy(g[i].pattern);
		mut_repl_destroy(g[i].repl);
		lp_template_destroy(g[i].repl_tpl);
	}
	lp_free(g);
	free_fields(&f->uppercase);
	free_fields(&f->capitalize);
	free_fields(&f->lowercase);
	free_fields(&f->strip);
	lp_free(f);
}

static lpj_t *render(const lp_template *t, lp_event *ev)
{
	char *s = lp_template_render_str(t, ev);
	lpj_t *v = lpj_stringn_nocheck(s, strlen(s));
	lp_free(s);
	return v;
}

/* Each op returns false when Logstash would raise (the event gets tagged). */

static bool op_coerce(const filter_mutate *f, lp_event *ev)
{
	const pair *v = f->coerce.v;
	for (size_t i = 0; i < f->coerce.n; i++) {
		bool owned;
		lp_fieldref *r = resolve(&v[i].field, ev, &owned);
		lpj_t *cur = r ? lp_event_get(ev, r) : NULL;
		if (cur && lpj_is_null(cur))
			lp_event_set(ev, r, render(v[i].value, ev));
		if (owned)
			lp_fieldref_destroy(r);
	}
	return true;
}

static bool op_rename(const filter_mutate *f, lp_event *ev)
{
	const pair *v = f->rename.v;
	for (size_t i = 0; i < f->rename.n; i++) {
		bool o1, o2;
		lp_fieldref *from = resolve(&v[i].field, ev, &o1);
		lp_fieldref *to = resolve(&v[i].other, ev, &o2);
		lpj_t *cur = from ? lp_event_get(ev, from) : NULL;
		if (cur && to) {
			lpj_t *moved = lpj_incref(cur);
			lp_event_remove(ev, from);
			lp_event_set(ev, to, moved);
		}
		if (o1)
			lp_fieldref_destroy(from);
		if (o2)
			lp_fieldref_destroy(to);
	}
	return true;
}

static bool op_set(const list *l, lp_event *ev, bool only_existing)
{
	const pair *v = l->v;
	for (size_t i = 0; i < l->n; i++) {
		bool owned;
		lp_fieldref *r = resolve(&v[i].field, ev, &owned);
		if (r && (!only_existing || lp_event_get(ev, r)))
			lp_event_set(ev, r, render(v[i].value, ev));
		if (owned)
			lp_fieldref_destroy(r);
	}
	return true;
}

static bool op_convert(const filter_mutate *f, lp_event *ev)
{
	const pair *v = f->convert.v;
	for (size_t i = 0; i < f->convert.n; i++) {
		bool owned;
		lp_fieldref *r = resolve(&v[i].field, ev, &owned);
		lpj_t *cur = r ? lp_event_get(ev, r) : NULL;
		bool ok = true, unchanged = false;
		if (cur && lpj_is_array(cur)) {
			lpj_t *arr = lpj_array();
			for (size_t k = 0; k < lpj_array_size(cur) && ok; k++) {
				lpj_t *e = lpj_array_get(cur, k);
				lpj_t *c = lpj_is_null(e) ? lpj_null() : mut_convert(e, v[i].conv, &unchanged);
				ok = c != NULL;
				if (c)
					lpj_array_append_new(arr, c);
			}
			if (ok)
				lp_event_set(ev, r, arr);
			else
				lpj_decref(arr);
		} else if (cur && !lpj_is_object(cur) && !lpj_is_null(cur)) {
			lpj_t *c = mut_convert(cur, v[i].conv, &unchanged);
			ok = c != NULL;
			if (c)
				lp_event_set(ev, r, c);
		}
		if (unchanged)
			warn_event(f, "could not convert field '%s' to a boolean; the value was kept", r->text);
		if (!ok)
			warn_event(f, "could not convert field '%s'; the event was tagged", r->text);
		if (owned)
			lp_fieldref_destroy(r);
		if (!ok)
			return false;
	}
	return true;
}

static lpj_t *gsub_one(const gsub_rule *g, lp_event *ev, const char *s, size_t len, bool *bad)
{
	lp_buf out = LP_BUF_INIT;
	lp_regex *dyn = NULL;
	const lp_regex *re = g->re;
	if (!re) {
		char *pat = lp_template_render_str(g->pattern, ev);
		char *rp = mut_ruby_groups(pat);
		dyn = lp_regex_compile(rp, NULL, 0, NULL);
		lp_free(rp);
		lp_free(pat);
		if (!dyn) {
			*bad = true;
			return NULL;
		}
		re = dyn;
	}
	char *rep = g->repl_tpl ? lp_template_render_str(g->repl_tpl, ev) : NULL;
	bool ok = mut_gsub(re, s, len, g->repl, rep, &out);
	lp_free(rep);
	lp_regex_destroy(dyn);
	if (!ok) {
		*bad = true;
		lp_buf_fini(&out);
		return NULL;
	}
	lpj_t *v = lpj_stringn_nocheck(lp_buf_str(&out), out.len);
	lp_buf_fini(&out);
	return v;
}

static bool op_gsub(const filter_mutate *f, lp_event *ev)
{
	const gsub_rule *g = f->gsub.v;
	for (size_t i = 0; i < f->gsub.n; i++) {
		lpj_t *cur = lp_event_get(ev, g[i].field);
		bool bad = false;
		if (cur && lpj_is_string(cur)) {
			lpj_t *v = gsub_one(&g[i], ev, lpj_string_value(cur), lpj_string_length(cur), &bad);
			if (v)
				lp_event_set(ev, g[i].field, v);
		} else if (cur && lpj_is_array(cur)) {
			lpj_t *arr = lpj_array();
			for (size_t k = 0; k < lpj_array_size(cur) && !bad; k++) {
				lpj_t *e = lpj_array_get(cur, k);
				lpj_t *v = lpj_is_string(e)
						    ? gsub_one(&g[i], ev, lpj_string_value(e), lpj_string_length(e), &bad)
						    : lpj_incref(e);
				if (v)
					lpj_array_append_new(arr, v);
			}
			if (!bad)
				lp_event_set(ev, g[i].field, arr);
			else
				lpj_decref(arr);
		}
		if (bad) {
			warn_event(f, "the gsub rule for field '%s' failed (a %%{} pattern that is not a valid regular "
				   "expression, or a replacement naming a group the pattern does not have)",
				   g[i].field->text);
			return false;
		}
	}
	return true;
}

static bool op_case(const list *l, lp_event *ev, mut_case how)
{
	lp_fieldref *const *v = l->v;
	lp_buf b = LP_BUF_INIT;
	for (size_t i = 0; i < l->n; i++) {
		lpj_t *cur = lp_event_get(ev, v[i]);
		if (cur && lpj_is_string(cur)) {
			lp_buf_reset(&b);
			mut_change_case(lpj_string_value(cur), lpj_string_length(cur), how, &b);
			lp_event_set(ev, v[i], lpj_stringn_nocheck(lp_buf_str(&b), b.len));
		} else if (cur && lpj_is_array(cur)) {
			lpj_t *arr = lpj_array();
			for (size_t k = 0; k < lpj_array_size(cur); k++) {
				lpj_t *e = lpj_array_get(cur, k);
				if (lpj_is_string(e)) {
					lp_buf_reset(&b);
					mut_change_case(lpj_string_value(e), lpj_string_length(e), how, &b);
					lpj_array_append_new(arr, lpj_stringn_nocheck(lp_buf_str(&b), b.len));
				} else {
					lpj_array_append(arr, e);
				}
			}
			lp_event_set(ev, v[i], arr);
		}
	}
	lp_buf_fini(&b);
	return true;
}

static lpj_t *stripped(const lpj_t *s)
{
	size_t a, b;
	mut_strip(lpj_string_value(s), lpj_string_length(s), &a, &b);
	return lpj_stringn_nocheck(lpj_string_value(s) + a, b - a);
}

static bool op_strip(const filter_mutate *f, lp_event *ev)
{
	lp_fieldref *const *v = f->strip.v;
	for (size_t i = 0; i < f->strip.n; i++) {
		lpj_t *cur = lp_event_get(ev, v[i]);
		if (cur && lpj_is_string(cur)) {
			lp_event_set(ev, v[i], stripped(cur));
		} else if (cur && lpj_is_array(cur)) {
			lpj_t *arr = lpj_array();
			for (size_t k = 0; k < lpj_array_size(cur); k++) {
				lpj_t *e = lpj_array_get(cur, k);
				if (!lpj_is_string(e)) {
					lpj_decref(arr);
					warn_event(f, "cannot strip a non-string element of field '%s'", v[i]->text);
					return false;
				}
				lpj_array_append_new(arr, stripped(e));
			}
			lp_event_set(ev, v[i], arr);
		}
	}
	return true;
}

static bool op_split(const filter_mutate *f, lp_event *ev)
{
	const pair *v = f->split.v;
	for (size_t i = 0; i < f->split.n; i++) {
		bool owned;
		lp_fieldref *r = resolve(&v[i].field, ev, &owned);
		lpj_t *cur = r ? lp_event_get(ev, r) : NULL;
		if (cur && lpj_is_string(cur))
			lp_event_set(ev, r, mut_split(lpj_string_value(cur), lpj_string_length(cur), v[i].text));
		if (owned)
			lp_fieldref_destroy(r);
	}
	return true;
}

static bool op_join(const filter_mutate *f, lp_event *ev)
{
	const pair *v = f->join.v;
	lp_buf b = LP_BUF_INIT;
	for (size_t i = 0; i < f->join.n; i++) {
		bool owned;
		lp_fieldref *r = resolve(&v[i].field, ev, &owned);
		lpj_t *cur = r ? lp_event_get(ev, r) : NULL;
		if (cur && lpj_is_array(cur)) {
			lp_buf_reset(&b);
			mut_join(cur, v[i].text, &b);
			lp_event_set(ev, r, lpj_stringn_nocheck(lp_buf_str(&b), b.len));
		}
		if (owned)
			lp_fieldref_destroy(r);
	}
	lp_buf_fini(&b);
	return true;
}

/* Ruby's Array(x): nil -> [], array -> itself, else [x]. New reference. */
static lpj_t *as_array(lpj_t *v)
{
	if (!v || lpj_is_null(v))
		return lpj_array();
	if (lpj_is_array(v))
		return lpj_deep_copy(v);
	lpj_t *a = lpj_array();
	lpj_array_append_new(a, lpj_deep_copy(v));
	return a;
}

/* Logstash reads the destination once, then merges each added field into
 * that value: a hash or array accumulates, while a scalar or missing
 * destination restarts from Array(value) for each added field. */
static bool op_merge(const filter_mutate *f, lp_event *ev)
{
	const pair *v = f->merge.v;
	lpj_t *base = NULL; /* the destination as read at the start of its group */
	for (size_t i = 0; i < f->merge.n; i++) {
		bool o1, o2;
		lp_fieldref *dest = resolve(&v[i].field, ev, &o1);
		lp_fieldref *src = resolve(&v[i].other, ev, &o2);
		if (!v[i].cont) {
			lpj_decref(base);
			lpj_t *d = dest ? lp_event_get(ev, dest) : NULL;
			base = d ? lpj_deep_copy(d) : NULL;
		}
		lpj_t *s = src ? lp_event_get(ev, src) : NULL;
		if (dest && src) {
			if (lpj_is_object(base) != lpj_is_object(s)) {
				lp_error("filter.mutate", "Filter '%s': cannot merge an array and a hash (destination '%s', "
					 "added field '%s').", f->id, dest->text, src->text);
			} else if (lpj_is_object(base)) {
				lpj_object_update(base, s);
				lp_event_set(ev, dest, lpj_deep_copy(base));
			} else if (lpj_is_array(base)) {
				lpj_t *add = as_array(s);
				lpj_array_extend(base, add);
				lpj_decref(add);
				lp_event_set(ev, dest, lpj_deep_copy(base));
			} else {
				lpj_t *m = as_array(base);
				lpj_t *add = as_array(s);
				lpj_array_extend(m, add);
				lpj_decref(add);
				lp_event_set(ev, dest, m);
			}
		}
		if (o1)
			lp_fieldref_destroy(dest);
		if (o2)
			lp_fieldref_destroy(src);
	}
	lpj_decref(base);
	return true;
}

static bool op_copy(const filter_mutate *f, lp_event *ev)
{
	const pair *v = f->copy.v;
	for (size_t i = 0; i < f->copy.n; i++) {
		bool o1, o2;
		lp_fieldref *src = resolve(&v[i].field, ev, &o1);
		lp_fieldref *dest = resolve(&v[i].other, ev, &o2);
		lpj_t *s = src ? lp_event_get(ev, src) : NULL;
		if (s && !lpj_is_null(s) && dest)
			lp_event_set(ev, dest, lpj_deep_copy(s));
		if (o1)
			lp_fieldref_destroy(src);
		if (o2)
			lp_fieldref_destroy(dest);
	}
	return true;
}

static lp_filter_rc mutate_filter(void *inst, void *ws, lp_event *ev, lp_event_vec *emitted)
{
	const filter_mutate *f = inst;
	bool ok = (!f->coerce.n || op_coerce(f, ev)) && (!f->rename.n || op_rename(f, ev)) &&
		  (!f->update.n || op_set(&f->update, ev, true)) && (!f->replace.n || op_set(&f->replace, ev, false)) &&
		  (!f->convert.n || op_convert(f, ev)) && (!f->gsub.n || op_gsub(f, ev)) &&
		  (!f->uppercase.n || op_case(&f->uppercase, ev, MUT_UPPER)) &&
		  (!f->capitalize.n || op_case(&f->capitalize, ev, MUT_CAPITALIZE)) &&
		  (!f->lowercase.n || op_case(&f->lowercase, ev, MUT_LOWER)) && (!f->strip.n || op_strip(f, ev)) &&
		  (!f->split.n || op_split(f, ev)) && (!f->join.n || op_join(f, ev)) &&
		  (!f->merge.n || op_merge(f, ev)) && (!f->copy.n || op_copy(f, ev));
	if (!ok) {
		lp_event_tag(ev, f->tag);
		return LP_FILTER_FAILED;
	}
	return LP_FILTER_OK;
}

const lp_plugin_def lp_plugin_filter_mutate = {
	.name = "mutate",
	.kind = LP_PLUGIN_FILTER,
	.doc = "Renames, replaces, converts, rewrites (gsub), re-cases, splits, joins, merges and copies fields.",
	.options = options,
	.create = mutate_create,
	.destroy = mutate_destroy,
	.filter = mutate_filter,
};
