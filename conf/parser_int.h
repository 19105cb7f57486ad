/* parser_int: the state and shared helpers of the parser, split over
 * conf/parser.c (values, plugins, statements, sections, error recovery) and
 * conf/parser_cond.c (conditions). Private to those two files. */
#ifndef LP_CONF_PARSER_INT_H
#define LP_CONF_PARSER_INT_H

#include "conf/ast.h"
#include "conf/diag.h"
#include "conf/lexer.h"

#include <stdbool.h>
#include <stddef.h>

/* Conditions scan field selectors and regexes. */
#define LP_TF_COND (LP_LEX_SELECTOR | LP_LEX_REGEX)

typedef struct lp_open_brace {
	lp_span span;
	char *label;    /* "filter 'mutate'", "section 'filter'", ... or NULL */
	size_t indent;  /* leading blanks of the line of the '{' */
} lp_open_brace;

typedef struct lp_parser {
	lp_lexer lx;
	const lp_source_file *file;
	lp_diag *diag;
	lp_open_brace *open;
	size_t n_open, cap_open;
	bool dead;  /* an error that ends the file was reported: stay silent */
	bool cond_only; /* lp_conf_parse_condition: the end of the text ends a condition */
	bool unwind;    /* a section keyword appeared inside a block: return to the top */
	/* the first '}' that started its line at another indentation than the
	 * line of the '{' it closed: a hint for a missing '}' */
	bool suspect;
	lp_span suspect_open;
	char *suspect_label;
	unsigned suspect_close_line;
	bool suspect_noted;
	size_t errors;
} lp_parser;


/* Records an error unless an earlier one ended the file (dead). */
void lp_parser_error(lp_parser *p, lp_span span, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The next token without consuming it / consuming it (keeping the stack of
 * open braces; an unterminated string is reported and ends the parse). */
lp_token lp_parser_peek(lp_parser *p, unsigned flags);
lp_token lp_parser_take(lp_parser *p, unsigned flags);
/* Reports the end of the file inside open blocks (once). */
void lp_parser_eof(lp_parser *p);
/* A short rendering of a token for messages, in buf or static. */
const char *lp_parser_tok_show(const lp_token *t, char *buf, size_t cap);
bool lp_parser_is_word(const lp_token *t, const char *w);
/* From first's start to byte end_off (exclusive). */
lp_span lp_parser_span_between(const lp_token *first, size_t end_off);
/* A string token's content without quotes, ${VAR} substituted (errors at
 * their position). Ownership: the caller frees. */
char *lp_parser_string(lp_parser *p, const lp_token *t);
/* "[" values "]" (the '[' is the next token); NULL after an error. */
lp_ast_value *lp_parser_array(lp_parser *p);
/* expression (boolean_operator expression)*, ending before '{' (or before
 * ')' when in_parens, which the caller consumes); NULL after an error. */
lp_ast_expr *lp_parser_condition(lp_parser *p, bool in_parens);

#endif
