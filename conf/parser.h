/* parser: recursive descent over the Logstash grammar, producing the AST of
 * conf/ast.h (lp_conf_parse_into in conf/load.h is its entry point). Also the
 * constructors/destructors of AST nodes shared by the conf modules. */
#ifndef LP_CONF_PARSER_H
#define LP_CONF_PARSER_H

#include "conf/ast.h"
#include "conf/diag.h"

/* Free one node and everything below it. Accept NULL. */
void lp_ast_value_destroy(lp_ast_value *v);
void lp_ast_plugin_destroy(lp_ast_plugin *p);
void lp_ast_expr_destroy(lp_ast_expr *e);
void lp_ast_stmt_destroy(lp_ast_stmt *s);

/* Parses one condition (the text between "if" and "{") from a source of its
 * own, for tests and tools. Returns NULL after reporting errors to diag.
 * Ownership: the caller owns the result; file must outlive it. */
lp_ast_expr *lp_conf_parse_condition(const lp_source_file *file, lp_diag *diag);

/* Names of a section kind and an expression kind ("filter", "and", "==", ...). */
const char *lp_section_name(lp_section_kind k);
const char *lp_expr_kind_name(lp_ast_expr_kind k);

#endif
