/* Helpers shared by the conf unit tests: sources from strings, diagnostics
 * as text, and a compact rendering of ASTs. */
#ifndef LP_TESTS_UNIT_CONF_CONF_UTIL_H
#define LP_TESTS_UNIT_CONF_CONF_UTIL_H

#include "conf/ast.h"
#include "conf/diag.h"
#include "conf/load.h"
#include "conf/parser.h"
#include "pipeline/buf.h"
#include "pipeline/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline lp_source_file *cu_file(const char *name, const char *text)
{
	lp_source_file *f = lp_calloc(1, sizeof(*f));
	f->name = lp_strdup(name);
	f->text = lp_strdup(text);
	f->len = strlen(text);
	return f;
}

static inline void cu_file_free(lp_source_file *f)
{
	if (!f)
		return;
	lp_free(f->name);
	lp_free(f->text);
	lp_free(f);
}

/* Everything lp_diag_print writes (caller frees). */
static inline char *cu_diag_text(const lp_diag *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	lp_diag_print(d, m);
	fclose(m);
	return buf;
}

/* Parses text as "t.conf" into a fresh config. */
static inline lp_ast_config *cu_parse(const char *text, lp_diag *d)
{
	lp_ast_config *c = lp_calloc(1, sizeof(*c));
	lp_conf_parse_into(c, cu_file("t.conf", text), d);
	return c;
}

/* The diagnostics of parsing text (caller frees); NULL-safe compare. */
static inline char *cu_parse_errors(const char *text)
{
	lp_diag *d = lp_diag_create();
	lp_ast_config *c = cu_parse(text, d);
	char *s = cu_diag_text(d);
	lp_ast_config_destroy(c);
	lp_diag_destroy(d);
	return s;
}

static inline void cu_value(lp_buf *b, const lp_ast_value *v);

static inline void cu_plugin(lp_buf *b, const lp_ast_plugin *p)
{
	lp_buf_printf(b, "%s{", p->name);
	for (size_t i = 0; i < p->n_attrs; i++) {
		lp_buf_printf(b, "%s%s=>", i ? " " : "", p->attrs[i]->name);
		cu_value(b, p->attrs[i]->value);
	}
	lp_buf_addc(b, '}');
}

/* s"..." string, b:word bareword, n:text number, [..] array, {k=>v} hash. */
static inline void cu_value(lp_buf *b, const lp_ast_value *v)
{
	switch (v->kind) {
	case LP_AST_STRING: lp_buf_printf(b, "\"%s\"", v->str); break;
	case LP_AST_BAREWORD: lp_buf_printf(b, "b:%s", v->str); break;
	case LP_AST_NUMBER: lp_buf_printf(b, "n:%s", v->str); break;
	case LP_AST_ARRAY:
		lp_buf_addc(b, '[');
		for (size_t i = 0; i < v->n_items; i++) {
			if (i)
				lp_buf_addc(b, ',');
			cu_value(b, v->items[i]);
		}
		lp_buf_addc(b, ']');
		break;
	case LP_AST_HASH:
		lp_buf_addc(b, '{');
		for (size_t i = 0; i < v->n_items; i++) {
			if (i)
				lp_buf_addc(b, ' ');
			cu_value(b, v->keys[i]);
			lp_buf_adds(b, "=>");
			cu_value(b, v->items[i]);
		}
		lp_buf_addc(b, '}');
		break;
	case LP_AST_PLUGIN: lp_buf_adds(b, "p:"); cu_plugin(b, v->plugin); break;
	}
}

/* S-expression of a condition: (and l r), (! x), (== l r), [a][b], "s", 5, /re/, ("a" 1). */
static inline void cu_expr(lp_buf *b, const lp_ast_expr *e)
{
	switch (e->kind) {
	case LP_EX_FIELD: lp_buf_adds(b, e->str); return;
	case LP_EX_STRING: lp_buf_printf(b, "\"%s\"", e->str); return;
	case LP_EX_NUMBER: lp_buf_adds(b, e->str); return;
	case LP_EX_REGEX: lp_buf_printf(b, "/%s/", e->str); return;
	case LP_EX_ARRAY:
		lp_buf_addc(b, '(');
		for (size_t i = 0; i < e->n_items; i++) {
			if (i)
				lp_buf_addc(b, ' ');
			cu_expr(b, e->items[i]);
		}
		lp_buf_addc(b, ')');
		return;
	case LP_EX_NOT:
		lp_buf_adds(b, "(! ");
		cu_expr(b, e->l);
		lp_buf_addc(b, ')');
		return;
	default:
		lp_buf_printf(b, "(%s ", lp_expr_kind_name(e->kind));
		cu_expr(b, e->l);
		lp_buf_addc(b, ' ');
		cu_expr(b, e->r);
		lp_buf_addc(b, ')');
		return;
	}
}

static inline void cu_stmts(lp_buf *b, lp_ast_stmt *const *body, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			lp_buf_addc(b, ' ');
		const lp_ast_stmt *s = body[i];
		if (s->kind == LP_STMT_PLUGIN) {
			cu_plugin(b, s->plugin);
			continue;
		}
		for (size_t j = 0; j < s->n_branches; j++) {
			const lp_ast_branch *br = s->branches[j];
			if (br->cond) {
				lp_buf_adds(b, j ? " elif " : "if ");
				cu_expr(b, br->cond);
			} else {
				lp_buf_adds(b, " else");
			}
			lp_buf_adds(b, " <");
			cu_stmts(b, br->body, br->n_body);
			lp_buf_addc(b, '>');
		}
	}
}

/* The whole config as one line: "filter: mutate{...} | output: ...". */
static inline char *cu_render(const lp_ast_config *c)
{
	lp_buf b = LP_BUF_INIT;
	for (size_t i = 0; i < c->n_sections; i++) {
		const lp_ast_section *s = c->sections[i];
		if (i)
			lp_buf_adds(&b, " | ");
		lp_buf_printf(&b, "%s:", lp_section_name(s->kind));
		if (s->n_body)
			lp_buf_addc(&b, ' ');
		cu_stmts(&b, s->body, s->n_body);
	}
	char *r = lp_strdup(lp_buf_str(&b));
	lp_buf_fini(&b);
	return r;
}

/* Parses text that must be valid and renders it (caller frees); on errors
 * returns the diagnostics prefixed with "ERR:". */
static inline char *cu_parse_render(const char *text)
{
	lp_diag *d = lp_diag_create();
	lp_ast_config *c = cu_parse(text, d);
	char *r;
	if (lp_diag_count(d)) {
		char *e = cu_diag_text(d);
		r = lp_asprintf("ERR:%s", e);
		free(e);
	} else {
		r = cu_render(c);
	}
	lp_ast_config_destroy(c);
	lp_diag_destroy(d);
	return r;
}

/* A condition as an S-expression, or "ERR:<diagnostics>". */
static inline char *cu_cond(const char *text)
{
	lp_diag *d = lp_diag_create();
	lp_source_file *f = cu_file("c.conf", text);
	lp_ast_expr *e = lp_conf_parse_condition(f, d);
	char *r;
	if (!e || lp_diag_count(d)) {
		char *t = cu_diag_text(d);
		r = lp_asprintf("ERR:%s", t);
		free(t);
	} else {
		lp_buf b = LP_BUF_INIT;
		cu_expr(&b, e);
		r = lp_strdup(lp_buf_str(&b));
		lp_buf_fini(&b);
	}
	lp_ast_expr_destroy(e);
	cu_file_free(f);
	lp_diag_destroy(d);
	return r;
}

#define CHECK_OWNED_STR(expr, want)                                                    \
	do {                                                                           \
		char *cu_s = (expr);                                                   \
		CHECK_STR(cu_s, want);                                                 \
		free(cu_s);                                                            \
	} while (0)

#endif
