#include "pipeline/compile.h"

#include "pipeline/log.h"
#include "pipeline/mem.h"

#include <string.h>

typedef struct builder {
	lp_diag *diag;
	lp_node *nodes[3];
	size_t n_nodes[3], cap_nodes[3];
	/* explicit ids seen so far, for the duplicate check */
	const char **ids;
	lp_span *id_spans;
	size_t n_ids, cap_ids, cap_spans;
} builder;

static lp_plugin_kind kind_of_section(lp_section_kind s)
{
	return s == LP_SECTION_INPUT ? LP_PLUGIN_INPUT : s == LP_SECTION_FILTER ? LP_PLUGIN_FILTER : LP_PLUGIN_OUTPUT;
}

static lp_template **compile_tpl_array(lp_args *a, const char *opt, size_t *n)
{
	const lpj_t *arr = lp_args_get(a, opt);
	*n = 0;
	if (!arr || !lpj_is_array(arr) || lpj_array_size(arr) == 0)
		return NULL;
	lp_template **v = lp_calloc(lpj_array_size(arr), sizeof(*v));
	for (size_t i = 0; i < lpj_array_size(arr); i++) {
		const char *s = lp_args_item_str(a, opt, i);
		lp_template *t = s ? lp_args_template_text(a, opt, i, s) : NULL;
		if (t)
			v[(*n)++] = t;
	}
	return v;
}

static lp_named_tpl *compile_named(lp_args *a, const char *opt, size_t *n, bool with_values)
{
	const lpj_t *v = lp_args_get(a, opt);
	*n = 0;
	size_t count = v ? (lpj_is_object(v) ? lpj_object_size(v) : lpj_is_array(v) ? lpj_array_size(v) : 0) : 0;
	if (!count)
		return NULL;
	lp_named_tpl *out = lp_calloc(count, sizeof(*out));
	if (with_values) {
		const char *key;
		lpj_t *val;
		size_t i = 0;
		lpj_object_foreach((lpj_t *)v, key, val) {
			lp_named_tpl *nt = &out[*n];
			nt->name = lp_args_template_text(a, opt, i, key);
			if (nt->name && lp_template_is_constant(nt->name))
				nt->ref = lp_args_fieldref_text(a, opt, i, key);
			size_t nv = lpj_is_array(val) ? lpj_array_size(val) : 1;
			nt->values = lp_calloc(nv ? nv : 1, sizeof(*nt->values));
			for (size_t j = 0; j < nv; j++) {
				lpj_t *e = lpj_is_array(val) ? lpj_array_get(val, j) : val;
				char *text = lpj_is_string(e) ? lp_strdup(lpj_string_value(e)) : lpj_dumps(e, LPJ_ENCODE_ANY);
				lp_template *t = lp_args_template_text(a, opt, i, text);
				lp_free(text);
				if (t)
					nt->values[nt->n_values++] = t;
			}
			if (nt->name) {
				(*n)++;
			} else {
				for (size_t j = 0; j < nt->n_values; j++)
					lp_template_destroy(nt->values[j]);
				lp_free(nt->values);
				memset(nt, 0, sizeof(*nt));
			}
			i++;
		}
	} else {
		for (size_t i = 0; i < count; i++) {
			const char *s = lp_args_item_str(a, opt, i);
			if (!s)
				continue;
			lp_named_tpl *nt = &out[*n];
			nt->name = lp_args_template_text(a, opt, i, s);
			if (!nt->name)
				continue;
			if (lp_template_is_constant(nt->name))
				nt->ref = lp_args_fieldref_text(a, opt, i, s);
			(*n)++;
		}
	}
	return out;
}

static void check_id(builder *b, lp_args *a)
{
	if (!lp_args_isset(a, "id"))
		return;
	const char *id = lp_args_id(a);
	const lp_ast_value *v = lp_args_value(a, "id");
	for (size_t i = 0; i < b->n_ids; i++) {
		if (strcmp(b->ids[i], id) == 0) {
			lp_span first = b->id_spans[i];
			lp_args_error(a, "id", "duplicate plugin id '%s' (first used at %s:%u:%u)", id,
				      first.file ? first.file->name : "?", first.line, first.col);
			return;
		}
	}
	LP_GROW(b->ids, b->cap_ids, b->n_ids + 1);
	LP_GROW(b->id_spans, b->cap_spans, b->n_ids + 1);
	b->ids[b->n_ids] = id;
	b->id_spans[b->n_ids] = v ? v->span : lp_args_block(a)->span;
	b->n_ids++;
}

/* Instantiates a plugin block; returns its index in the section's node list,
 * or (size_t)-1 on error. */
static size_t add_plugin(builder *b, lp_plugin_kind kind, const lp_ast_plugin *p)
{
	const char *kname = lp_plugin_kind_name(kind);
	const lp_plugin_def *def = lp_plugin_find(kind, p->name);
	if (!def) {
		if (kind == LP_PLUGIN_FILTER && strcmp(p->name, "ruby") == 0) {
			lp_diag_error(b->diag, p->span,
				      "filter plugin 'ruby' is not available in logpipe: express the logic with "
				      "conditionals (if/else if) and mutate, or drop");
			return (size_t)-1;
		}
		const char *s = lp_diag_suggest(p->name, lp_plugin_names(kind));
		if (s)
			lp_diag_error(b->diag, p->span, "unknown %s plugin '%s' (did you mean '%s'?)", kname, p->name, s);
		else
			lp_diag_error(b->diag, p->span, "unknown %s plugin '%s'", kname, p->name);
		return (size_t)-1;
	}
	const lp_option_def *tables[2] = { def->options, lp_plugin_common_options(kind) };
	size_t before = lp_diag_count(b->diag);
	lp_args *a = lp_schema_apply(p, kname, tables, 2, b->diag);
	check_id(b, a);
	lp_node n = { 0 };
	n.def = def;
	n.args = a;
	n.id = lp_args_id(a);
	n.span = p->span;
	if (!lp_args_failed(a)) {
		n.inst = def->create ? def->create(a) : NULL;
		if (def->create && !n.inst && lp_diag_count(b->diag) == before)
			lp_diag_error(b->diag, p->span, "%s plugin '%s' could not be set up", kname, p->name);
	}
	if (kind == LP_PLUGIN_FILTER) {
		n.add_field = compile_named(a, "add_field", &n.n_add_field, true);
		n.remove_field = compile_named(a, "remove_field", &n.n_remove_field, false);
		n.add_tag = compile_tpl_array(a, "add_tag", &n.n_add_tag);
		n.remove_tag = compile_tpl_array(a, "remove_tag", &n.n_remove_tag);
	} else if (kind == LP_PLUGIN_INPUT) {
		n.add_field = compile_named(a, "add_field", &n.n_add_field, true);
		n.type = lp_args_str(a, "type");
		const lpj_t *t = lp_args_get(a, "tags");
		n.tags = t && lpj_is_array(t) && lpj_array_size(t) ? t : NULL;
	}
	LP_GROW(b->nodes[kind], b->cap_nodes[kind], b->n_nodes[kind] + 1);
	b->nodes[kind][b->n_nodes[kind]] = n;
	return b->n_nodes[kind]++;
}

static size_t emit(lp_program *pr, size_t *cap, lp_insn in)
{
	LP_GROW(pr->code, *cap, pr->n + 1);
	pr->code[pr->n] = in;
	return pr->n++;
}

static void emit_body(builder *b, lp_plugin_kind kind, lp_ast_stmt **body, size_t n, lp_program *pr,
		      size_t *cap)
{
	for (size_t i = 0; i < n; i++) {
		const lp_ast_stmt *st = body[i];
		if (st->kind == LP_STMT_PLUGIN) {
			size_t idx = add_plugin(b, kind, st->plugin);
			if (idx != (size_t)-1)
				emit(pr, cap, (lp_insn){ .op = LP_OP_PLUGIN, .node = idx });
			continue;
		}
		if (kind == LP_PLUGIN_INPUT) {
			lp_diag_error(b->diag, st->span, "conditionals are not allowed in the input section");
			continue;
		}
		size_t *jumps = lp_calloc(st->n_branches + 1, sizeof(*jumps));
		size_t *ifs = lp_calloc(st->n_branches + 1, sizeof(*ifs));
		size_t n_jumps = 0, n_ifs = 0;
		for (size_t k = 0; k < st->n_branches; k++) {
			const lp_ast_branch *br = st->branches[k];
			size_t if_at = (size_t)-1;
			if (br->cond) {
				lp_cond *c = lp_cond_compile(br->cond, b->diag);
				if_at = emit(pr, cap, (lp_insn){ .op = LP_OP_IF, .cond = c, .span = br->cond->span });
				ifs[n_ifs++] = if_at;
			}
			emit_body(b, kind, br->body, br->n_body, pr, cap);
			if (br->cond && k + 1 < st->n_branches)
				jumps[n_jumps++] = emit(pr, cap, (lp_insn){ .op = LP_OP_JUMP });
			if (if_at != (size_t)-1)
				pr->code[if_at].target = pr->n;
		}
		size_t end = pr->n;
		for (size_t k = 0; k < n_jumps; k++)
			pr->code[jumps[k]].target = end;
		for (size_t k = 0; k < n_ifs; k++)
			pr->code[ifs[k]].chain_end = end;
		lp_free(jumps);
		lp_free(ifs);
	}
}

static void add_default(builder *b, lp_plugin_kind kind, const char *name, lp_program *pr, size_t *cap)
{
	lp_ast_plugin p = { 0 };
	p.name = (char *)name;
	size_t idx = add_plugin(b, kind, &p);
	if (idx != (size_t)-1)
		emit(pr, cap, (lp_insn){ .op = LP_OP_PLUGIN, .node = idx });
}

lp_graph *lp_compile(const lp_ast_config *cfg, unsigned flags, lp_diag *diag)
{
	bool default_io = flags & LP_COMPILE_DEFAULT_IO;
	bool filters_only = flags & LP_COMPILE_FILTERS_ONLY;
	builder b = { .diag = diag };
	lp_program progs[3] = { { 0 }, { 0 }, { 0 } };
	size_t caps[3] = { 0, 0, 0 };
	bool seen[3] = { false, false, false };
	for (size_t i = 0; i < cfg->n_sections; i++) {
		const lp_ast_section *s = cfg->sections[i];
		lp_plugin_kind k = kind_of_section(s->kind);
		if (filters_only && k != LP_PLUGIN_FILTER)
			continue;
		seen[k] = seen[k] || s->n_body > 0;
		emit_body(&b, k, s->body, s->n_body, &progs[k], &caps[k]);
	}
	if (default_io && !seen[LP_PLUGIN_INPUT])
		add_default(&b, LP_PLUGIN_INPUT, "stdin", &progs[LP_PLUGIN_INPUT], &caps[LP_PLUGIN_INPUT]);
	if (default_io && !seen[LP_PLUGIN_OUTPUT])
		add_default(&b, LP_PLUGIN_OUTPUT, "stdout", &progs[LP_PLUGIN_OUTPUT], &caps[LP_PLUGIN_OUTPUT]);
	if (!filters_only && !lp_diag_count(diag) && b.n_nodes[LP_PLUGIN_INPUT] == 0)
		lp_diag_error(diag, (lp_span){ 0 }, "the configuration has no input");
	if (!filters_only && !lp_diag_count(diag) && b.n_nodes[LP_PLUGIN_OUTPUT] == 0)
		lp_diag_error(diag, (lp_span){ 0 }, "the configuration has no output");

	lp_graph *g = lp_calloc(1, sizeof(*g));
	g->inputs = b.nodes[LP_PLUGIN_INPUT];
	g->n_inputs = b.n_nodes[LP_PLUGIN_INPUT];
	g->filters = b.nodes[LP_PLUGIN_FILTER];
	g->n_filters = b.n_nodes[LP_PLUGIN_FILTER];
	g->outputs = b.nodes[LP_PLUGIN_OUTPUT];
	g->n_outputs = b.n_nodes[LP_PLUGIN_OUTPUT];
	g->filter_prog = progs[LP_PLUGIN_FILTER];
	g->output_prog = progs[LP_PLUGIN_OUTPUT];
	lp_free(progs[LP_PLUGIN_INPUT].code);
	lp_free(b.ids);
	lp_free(b.id_spans);
	if (lp_diag_count(diag)) {
		lp_graph_destroy(g);
		return NULL;
	}
	return g;
}

static void free_named(lp_named_tpl *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		lp_template_destroy(v[i].name);
		lp_fieldref_destroy(v[i].ref);
		for (size_t j = 0; j < v[i].n_values; j++)
			lp_template_destroy(v[i].values[j]);
		lp_free(v[i].values);
	}
	lp_free(v);
}

static void free_tpls(lp_template **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		lp_template_destroy(v[i]);
	lp_free(v);
}

static void free_nodes(lp_node *nodes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		lp_node *nd = &nodes[i];
		if (nd->def->destroy && nd->inst)
			nd->def->destroy(nd->inst);
		free_named(nd->add_field, nd->n_add_field);
		free_named(nd->remove_field, nd->n_remove_field);
		free_tpls(nd->add_tag, nd->n_add_tag);
		free_tpls(nd->remove_tag, nd->n_remove_tag);
		lp_args_destroy(nd->args);
	}
	lp_free(nodes);
}

static void free_prog(lp_program *p)
{
	for (size_t i = 0; i < p->n; i++)
		lp_cond_destroy(p->code[i].cond);
	lp_free(p->code);
}

void lp_graph_destroy(lp_graph *g)
{
	if (!g)
		return;
	free_nodes(g->inputs, g->n_inputs);
	free_nodes(g->filters, g->n_filters);
	free_nodes(g->outputs, g->n_outputs);
	free_prog(&g->filter_prog);
	free_prog(&g->output_prog);
	lp_free(g);
}

/* Resolves a named template to a field reference for this event. */
static lp_fieldref *resolve(const lp_named_tpl *nt, lp_event *ev, lp_buf *scratch, bool *owned)
{
	*owned = false;
	if (nt->ref)
		return nt->ref;
	lp_buf_reset(scratch);
	lp_template_render(nt->name, ev, scratch);
	lp_fieldref *r = lp_fieldref_compile(lp_buf_str(scratch), NULL, NULL);
	*owned = r != NULL;
	return r;
}

static void add_fields(const lp_named_tpl *v, size_t n, lp_event *ev, lp_buf *scratch)
{
	for (size_t i = 0; i < n; i++) {
		bool owned;
		lp_fieldref *ref = resolve(&v[i], ev, scratch, &owned);
		if (!ref)
			continue;
		for (size_t j = 0; j < v[i].n_values; j++) {
			lp_buf_reset(scratch);
			lp_template_render(v[i].values[j], ev, scratch);
			lpj_t *val = lpj_stringn(scratch->data ? scratch->data : "", scratch->len);
			if (!val)
				val = lpj_stringn_nocheck(scratch->data ? scratch->data : "", scratch->len);
			lpj_t *cur = lp_event_get(ev, ref);
			if (cur && ref->root != LP_FIELD_TIMESTAMP) {
				/* an existing field becomes an array with the new value appended */
				/* Ruby's Array(x): nil becomes [] */
				lpj_t *arr = lpj_is_array(cur) ? lpj_incref(cur)
					      : lpj_is_null(cur) ? lpj_array() : lpj_pack("[O]", cur);
				lpj_array_append_new(arr, val);
				lp_event_set(ev, ref, arr);
			} else {
				lp_event_set(ev, ref, val);
			}
		}
		if (owned)
			lp_fieldref_destroy(ref);
	}
}

/* add_tag as Logstash's Decorators.add_tags: Array(tags) << tag, without a
 * duplicate check (unlike the tags filters add on failure). */
static void append_tag(lp_event *ev, const char *tag)
{
	lpj_t *tags = lpj_object_get(ev->data, "tags");
	lpj_t *t = lpj_string(tag);
	if (!t)
		t = lpj_stringn_nocheck(tag, strlen(tag));
	if (lpj_is_array(tags)) {
		lpj_array_append_new(tags, t);
		return;
	}
	lpj_t *arr = lpj_array();
	if (tags && !lpj_is_null(tags))
		lpj_array_append(arr, tags);
	lpj_array_append_new(arr, t);
	lpj_object_set_new(ev->data, "tags", arr);
}

static void apply_common(const lp_node *n, lp_event *ev, bool filter)
{
	lp_buf scratch = LP_BUF_INIT;
	add_fields(n->add_field, n->n_add_field, ev, &scratch);
	if (filter) {
		for (size_t i = 0; i < n->n_remove_field; i++) {
			bool owned;
			lp_fieldref *ref = resolve(&n->remove_field[i], ev, &scratch, &owned);
			if (ref)
				lp_event_remove(ev, ref);
			if (owned)
				lp_fieldref_destroy(ref);
		}
		for (size_t i = 0; i < n->n_add_tag; i++) {
			lp_buf_reset(&scratch);
			lp_template_render(n->add_tag[i], ev, &scratch);
			append_tag(ev, lp_buf_str(&scratch));
		}
		lpj_t *tags = n->n_remove_tag ? lpj_object_get(ev->data, "tags") : NULL;
		if (tags && !lpj_is_array(tags) && !lpj_is_null(tags)) /* Array(tags) */
			lpj_object_set_new(ev->data, "tags", lpj_pack("[O]", tags));
		for (size_t i = 0; i < n->n_remove_tag; i++) {
			lp_buf_reset(&scratch);
			lp_template_render(n->remove_tag[i], ev, &scratch);
			lp_event_untag(ev, lp_buf_str(&scratch));
		}
	}
	lp_buf_fini(&scratch);
}

void lp_node_apply_filter_common(const lp_node *n, lp_event *ev)
{
	if (n->n_add_field || n->n_remove_field || n->n_add_tag || n->n_remove_tag)
		apply_common(n, ev, true);
}

void lp_node_apply_input_common(const lp_node *n, lp_event *ev)
{
	static char *type_seg[] = { "type" };
	static size_t type_len[] = { 4 };
	static const lp_fieldref type_ref = { LP_FIELD_DATA, 1, type_seg, type_len, "type" };
	if (n->type && !lp_event_get(ev, &type_ref))
		lp_event_set(ev, &type_ref, lpj_string(n->type));
	if (n->tags) {
		for (size_t i = 0; i < lpj_array_size(n->tags); i++) {
			const lpj_t *t = lpj_array_get(n->tags, i);
			if (lpj_is_string(t))
				lp_event_tag(ev, lpj_string_value(t));
		}
	}
	if (n->n_add_field)
		apply_common(n, ev, false);
}
