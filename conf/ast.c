/* ast: freeing the syntax tree. */
#include "conf/ast.h"

#include "conf/parser.h"
#include "pipeline/mem.h"

void lp_ast_value_destroy(lp_ast_value *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n_items; i++) {
		lp_ast_value_destroy(v->items[i]);
		if (v->keys)
			lp_ast_value_destroy(v->keys[i]);
	}
	lp_free(v->items);
	lp_free(v->keys);
	lp_ast_plugin_destroy(v->plugin);
	lp_free(v->str);
	lp_free(v);
}

void lp_ast_plugin_destroy(lp_ast_plugin *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_attrs; i++) {
		lp_free(p->attrs[i]->name);
		lp_ast_value_destroy(p->attrs[i]->value);
		lp_free(p->attrs[i]);
	}
	lp_free(p->attrs);
	lp_free(p->name);
	lp_free(p);
}

void lp_ast_expr_destroy(lp_ast_expr *e)
{
	if (!e)
		return;
	lp_ast_expr_destroy(e->l);
	lp_ast_expr_destroy(e->r);
	for (size_t i = 0; i < e->n_items; i++)
		lp_ast_expr_destroy(e->items[i]);
	lp_free(e->items);
	lp_free(e->str);
	lp_free(e);
}

void lp_ast_stmt_destroy(lp_ast_stmt *s)
{
	if (!s)
		return;
	lp_ast_plugin_destroy(s->plugin);
	for (size_t i = 0; i < s->n_branches; i++) {
		lp_ast_branch *b = s->branches[i];
		lp_ast_expr_destroy(b->cond);
		for (size_t j = 0; j < b->n_body; j++)
			lp_ast_stmt_destroy(b->body[j]);
		lp_free(b->body);
		lp_free(b);
	}
	lp_free(s->branches);
	lp_free(s);
}

void lp_ast_config_destroy(lp_ast_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_sections; i++) {
		lp_ast_section *s = c->sections[i];
		for (size_t j = 0; j < s->n_body; j++)
			lp_ast_stmt_destroy(s->body[j]);
		lp_free(s->body);
		lp_free(s);
	}
	lp_free(c->sections);
	for (size_t i = 0; i < c->n_files; i++) {
		if (!c->files[i])
			continue;
		lp_free(c->files[i]->name);
		lp_free(c->files[i]->text);
		lp_free(c->files[i]);
	}
	lp_free(c->files);
	lp_free(c);
}
