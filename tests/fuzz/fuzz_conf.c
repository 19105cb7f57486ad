/* Fuzz target: the config front end (conf/load.h, conf/diag.h) and, for a
 * config that parses, the compilation of its filter section
 * (pipeline/compile.h: option schemas, field references, templates, regexes
 * and conditionals), whose filters then run over a few fixed events. The
 * bytes are one config file. Invariants: every span
 * in the tree lies inside the file and names it; a parse with errors prints
 * them and one without prints nothing; compiling never adds errors to a
 * config twice the same way (a second compile of the same tree gives the
 * same number of errors); every event that comes out of the filters
 * serialises to a JSON object. */
#include "fuzz.h"

#include "conf/ast.h"
#include "conf/diag.h"
#include "conf/load.h"
#include "pipeline/compile.h"
#include "pipeline/event.h"
#include "pipeline/mem.h"
#include "pipeline/worker.h"

#include <string.h>

typedef struct walk {
	const lp_source_file *file;
	size_t *line_start; /* byte offset of each line (1-based index) */
	size_t n_lines;
} walk;

static void check_span(const walk *w, lp_span s)
{
	FUZZ_CHECK(s.file == w->file);
	FUZZ_CHECK(s.line >= 1 && s.line <= w->n_lines);
	FUZZ_CHECK(s.col >= 1);
	FUZZ_CHECK(s.len >= 1);
	if (s.line < 1 || s.line > w->n_lines)
		return;
	size_t off = w->line_start[s.line] + s.col - 1;
	/* the end of the file is a position too (unexpected EOF) */
	FUZZ_CHECK(off <= w->file->len);
	FUZZ_CHECK(off + s.len <= w->file->len + 1);
}

static void walk_plugin(const walk *w, const lp_ast_plugin *p);

static void walk_value(const walk *w, const lp_ast_value *v)
{
	FUZZ_CHECK(v != NULL);
	check_span(w, v->span);
	switch (v->kind) {
	case LP_AST_STRING:
	case LP_AST_BAREWORD:
	case LP_AST_NUMBER:
		FUZZ_CHECK(v->str != NULL);
		break;
	case LP_AST_HASH:
		for (size_t i = 0; i < v->n_items; i++) {
			walk_value(w, v->keys[i]);
			FUZZ_CHECK(v->keys[i]->kind == LP_AST_STRING || v->keys[i]->kind == LP_AST_BAREWORD ||
				   v->keys[i]->kind == LP_AST_NUMBER);
		}
		/* fall through */
	case LP_AST_ARRAY:
		for (size_t i = 0; i < v->n_items; i++)
			walk_value(w, v->items[i]);
		break;
	case LP_AST_PLUGIN:
		walk_plugin(w, v->plugin);
		break;
	}
}

static void walk_plugin(const walk *w, const lp_ast_plugin *p)
{
	FUZZ_CHECK(p != NULL && p->name != NULL);
	check_span(w, p->span);
	for (size_t i = 0; i < p->n_attrs; i++) {
		FUZZ_CHECK(p->attrs[i]->name != NULL);
		check_span(w, p->attrs[i]->span);
		walk_value(w, p->attrs[i]->value);
	}
}

static void walk_expr(const walk *w, const lp_ast_expr *e)
{
	FUZZ_CHECK(e != NULL);
	check_span(w, e->span);
	switch (e->kind) {
	case LP_EX_NOT:
		walk_expr(w, e->l);
		break;
	case LP_EX_FIELD:
	case LP_EX_STRING:
	case LP_EX_NUMBER:
	case LP_EX_REGEX:
		FUZZ_CHECK(e->str != NULL);
		break;
	case LP_EX_ARRAY:
		for (size_t i = 0; i < e->n_items; i++)
			walk_expr(w, e->items[i]);
		break;
	default: /* binary */
		walk_expr(w, e->l);
		walk_expr(w, e->r);
		break;
	}
}

static void walk_body(const walk *w, lp_ast_stmt *const *body, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const lp_ast_stmt *s = body[i];
		check_span(w, s->span);
		if (s->kind == LP_STMT_PLUGIN) {
			walk_plugin(w, s->plugin);
			continue;
		}
		FUZZ_CHECK(s->n_branches >= 1);
		for (size_t b = 0; b < s->n_branches; b++) {
			const lp_ast_branch *br = s->branches[b];
			check_span(w, br->span);
			/* only the last branch may be a plain else */
			FUZZ_CHECK(br->cond != NULL || b == s->n_branches - 1);
			if (br->cond)
				walk_expr(w, br->cond);
			walk_body(w, br->body, br->n_body);
		}
	}
}

static const char *const events[] = {
	"{\"message\":\"{\\\"level\\\":\\\"ERROR\\\",\\\"timestamp\\\":\\\"2024-03-01T21:00:00.123+09:00\\\","
	"\\\"userId\\\":\\\"user-123456\\\",\\\"context\\\":{\\\"duration_ms\\\":812}}\","
	"\"fields\":{\"service\":\"payment\"},\"host\":{\"name\":\"web-1\"}}",
	"{\"a\":\"1,2\",\"b\":[1,\"x\",null,[2]],\"n\":3.5,\"i\":-7,\"t\":true,\"s\":\" Mixed Case \","
	"\"o\":{\"k\":{\"z\":1}},\"tags\":\"t\",\"@metadata\":{\"k\":\"v\"},\"ts\":\"1709294400\"}",
	"{}",
};

/* Runs the compiled filters over the fixed events. */
static void run_filters(const lp_graph *g)
{
	lp_worker_env env = { .graph = g, .batch_size = 1 };
	lp_worker *w = lp_worker_create(&env, 0);
	lp_event_vec out = { 0 };
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		lpj_t *obj = lpj_loads(events[i], 0, NULL);
		FUZZ_CHECK(lpj_is_object(obj));
		lp_worker_filter_one(w, lp_event_new(obj), &out);
	}
	lp_buf b = LP_BUF_INIT;
	for (size_t i = 0; i < out.n; i++) {
		lp_buf_reset(&b);
		lp_event_write_json(out.v[i], &b, true);
		lpj_t *o = lpj_loadb(b.data, b.len, LPJ_ALLOW_NUL, NULL);
		FUZZ_CHECK(lpj_is_object(o));
		lpj_decref(o);
	}
	lp_buf_fini(&b);
	lp_event_vec_fini(&out);
	lp_worker_destroy(w);
}

static size_t diag_text_len(const lp_diag *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	FUZZ_CHECK(m != NULL);
	lp_diag_print(d, m);
	fclose(m);
	free(buf);
	return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_init();
	if (size > (1u << 16))
		return 0;
	lp_source_file *f = lp_calloc(1, sizeof(*f));
	f->name = lp_strdup("fuzz.conf");
	f->text = lp_malloc(size + 1);
	memcpy(f->text, data, size);
	f->text[size] = '\0';
	f->len = size;

	lp_diag *d = lp_diag_create();
	lp_ast_config *cfg = lp_calloc(1, sizeof(*cfg));
	lp_conf_parse_into(cfg, f, d);
	FUZZ_CHECK(cfg->n_files == 1 && cfg->files[0] == f);

	walk w = { f, NULL, 0 };
	w.line_start = lp_malloc((size + 2) * sizeof(size_t));
	w.line_start[1] = 0;
	w.n_lines = 1;
	for (size_t i = 0; i < size; i++)
		if (f->text[i] == '\n')
			w.line_start[++w.n_lines] = i + 1;
	for (size_t i = 0; i < cfg->n_sections; i++) {
		check_span(&w, cfg->sections[i]->span);
		walk_body(&w, cfg->sections[i]->body, cfg->sections[i]->n_body);
	}
	lp_free(w.line_start);

	size_t errors = lp_diag_count(d);
	size_t printed = diag_text_len(d);
	FUZZ_CHECK((errors == 0) == (printed == 0));

	if (errors == 0) {
		/* Compile the filter section twice: the same number of errors. */
		lp_graph *g = lp_compile(cfg, LP_COMPILE_FILTERS_ONLY, d);
		size_t after = lp_diag_count(d);
		FUZZ_CHECK((g == NULL) == (after > 0));
		if (g)
			run_filters(g);
		lp_graph_destroy(g);
		lp_diag *d2 = lp_diag_create();
		lp_graph *g2 = lp_compile(cfg, LP_COMPILE_FILTERS_ONLY, d2);
		FUZZ_CHECK(lp_diag_count(d2) == after);
		FUZZ_CHECK((g2 == NULL) == (after > 0));
		(void)diag_text_len(d2);
		lp_graph_destroy(g2);
		lp_diag_destroy(d2);
		FUZZ_CHECK((diag_text_len(d) == 0) == (after == 0));
	}
	lp_ast_config_destroy(cfg);
	lp_diag_destroy(d);
	return 0;
}
