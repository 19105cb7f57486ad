/* ast: the syntax tree of a Logstash-syntax config, with a span on every node.
 * Built by the parser; read by the schema (options) and by pipeline/compile
 * (sections, conditionals). The whole tree is owned by lp_ast_config. */
#ifndef LP_CONF_AST_H
#define LP_CONF_AST_H

#include "conf/diag.h"

#include <stddef.h>

typedef struct lp_ast_plugin lp_ast_plugin;

typedef enum {
	LP_AST_STRING,   /* "..." or '...' ; str holds the text without quotes */
	LP_AST_BAREWORD, /* str */
	LP_AST_NUMBER,   /* str holds the text, num the value */
	LP_AST_ARRAY,    /* items */
	LP_AST_HASH,     /* keys[i] => items[i]; keys are STRING/BAREWORD/NUMBER */
	LP_AST_PLUGIN,   /* a plugin as a value: codec => json { ... } */
} lp_ast_value_kind;

typedef struct lp_ast_value {
	lp_ast_value_kind kind;
	lp_span span;
	char *str;
	double num;
	struct lp_ast_value **items;
	struct lp_ast_value **keys;
	size_t n_items;
	lp_ast_plugin *plugin;
} lp_ast_value;

typedef struct lp_ast_attr {
	char *name;
	lp_span span;        /* the name */
	lp_ast_value *value;
} lp_ast_attr;

struct lp_ast_plugin {
	char *name;
	lp_span span;        /* the name */
	lp_ast_attr **attrs;
	size_t n_attrs;
};

typedef enum {
	/* boolean operators: l, r */
	LP_EX_AND, LP_EX_OR, LP_EX_XOR, LP_EX_NAND,
	LP_EX_NOT,           /* l */
	/* comparisons: l, r */
	LP_EX_EQ, LP_EX_NE, LP_EX_LT, LP_EX_GT, LP_EX_LE, LP_EX_GE,
	LP_EX_MATCH, LP_EX_NOMATCH, LP_EX_IN, LP_EX_NOT_IN,
	/* rvalues */
	LP_EX_FIELD,         /* str: the selector text, e.g. "[a][b]" */
	LP_EX_STRING,        /* str: text without quotes */
	LP_EX_NUMBER,        /* str, num */
	LP_EX_REGEX,         /* str: pattern without the slashes */
	LP_EX_ARRAY,         /* items: literal values (STRING/NUMBER/FIELD...) */
} lp_ast_expr_kind;

typedef struct lp_ast_expr {
	lp_ast_expr_kind kind;
	lp_span span;
	struct lp_ast_expr *l, *r;
	char *str;
	double num;
	struct lp_ast_expr **items;
	size_t n_items;
} lp_ast_expr;

typedef struct lp_ast_stmt lp_ast_stmt;

typedef struct lp_ast_branch {
	lp_ast_expr *cond;   /* NULL for the final else */
	lp_span span;        /* the "if" / "else if" / "else" keyword */
	lp_ast_stmt **body;
	size_t n_body;
} lp_ast_branch;

typedef enum { LP_STMT_PLUGIN, LP_STMT_IF } lp_ast_stmt_kind;

struct lp_ast_stmt {
	lp_ast_stmt_kind kind;
	lp_span span;
	lp_ast_plugin *plugin;     /* PLUGIN */
	lp_ast_branch **branches;  /* IF: if, else if..., optional else */
	size_t n_branches;
};

typedef enum { LP_SECTION_INPUT, LP_SECTION_FILTER, LP_SECTION_OUTPUT } lp_section_kind;

typedef struct lp_ast_section {
	lp_section_kind kind;
	lp_span span;
	lp_ast_stmt **body;
	size_t n_body;
} lp_ast_section;

typedef struct lp_ast_config {
	lp_source_file **files;   /* owned */
	size_t n_files;
	lp_ast_section **sections; /* in source order, repeated sections allowed */
	size_t n_sections;
} lp_ast_config;

/* Frees the whole tree, including the source files. Accepts NULL. */
void lp_ast_config_destroy(lp_ast_config *c);

#endif
