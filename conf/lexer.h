/* lexer: the tokens of the Logstash config language, scanned on demand.
 * The grammar is context dependent ("[a][b]" is a field selector inside a
 * condition but an array elsewhere; "/.../" is a regex only in conditions),
 * so the parser asks for the next token with flags saying what may start
 * here. Positions are exact: 1-based lines, columns counted in bytes.
 * Rules (as Logstash's grammar):
 *   comment   '#' to the end of the line, allowed wherever whitespace is
 *   string    "..." or '...'; no escape processing, but a backslash before
 *             the quote character does not end the string (both are kept)
 *   word      a run of [A-Za-z0-9_.-] starting with [A-Za-z0-9_-]; the
 *             parser classifies it (name, bareword, number) with lp_word_*
 *   selector  one or more "[" [^][,]+ "]" (LP_LEX_SELECTOR)
 *   regex     "/" ... "/" with "\/" not ending it, on one line (LP_LEX_REGEX)
 *   punctuation { } [ ] ( ) , => == != <= >= < > =~ !~ !
 * Pure; no allocation. */
#ifndef LP_CONF_LEXER_H
#define LP_CONF_LEXER_H

#include "conf/diag.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum {
	LP_TOK_EOF,
	LP_TOK_STRING,
	LP_TOK_WORD,
	LP_TOK_SELECTOR,
	LP_TOK_REGEX,
	LP_TOK_LBRACE, LP_TOK_RBRACE, LP_TOK_LBRACKET, LP_TOK_RBRACKET,
	LP_TOK_LPAREN, LP_TOK_RPAREN, LP_TOK_COMMA, LP_TOK_ARROW,
	LP_TOK_EQ, LP_TOK_NE, LP_TOK_LE, LP_TOK_GE, LP_TOK_LT, LP_TOK_GT,
	LP_TOK_MATCH, LP_TOK_NOMATCH, LP_TOK_BANG,
	LP_TOK_BAD,  /* a character that starts no token, or an unterminated string */
} lp_tok_kind;

enum {
	LP_LEX_SELECTOR = 1u << 0, /* "[" may start a field selector */
	LP_LEX_REGEX = 1u << 1,    /* "/" starts a regex literal */
};

typedef struct lp_token {
	lp_tok_kind kind;
	lp_span span;        /* first byte; len = bytes of the whole token */
	const char *text;    /* into the file text; len bytes */
	size_t len;
	size_t off;          /* byte offset of text in the file */
	bool space_before;   /* whitespace or a comment precedes the token */
	bool unterminated;   /* STRING reaching the end of the file */
} lp_token;

typedef struct lp_lexer {
	const lp_source_file *file;
	size_t pos;
	unsigned line, col;
	unsigned end_line, end_col; /* just after the last token consumed */
} lp_lexer;

void lp_lexer_init(lp_lexer *lx, const lp_source_file *f);
/* Skips whitespace and comments and scans the next token, consuming it. */
lp_token lp_lexer_next(lp_lexer *lx, unsigned flags);
/* The token lp_lexer_next would return, without consuming it. */
lp_token lp_lexer_peek(const lp_lexer *lx, unsigned flags);
/* The position just after the last token consumed (where a missing closing
 * token belongs), len 1. */
lp_span lp_lexer_end_span(const lp_lexer *lx);
/* The position of byte offset off of the file (off <= len). */
lp_span lp_lexer_span_at(const lp_source_file *f, size_t off, unsigned len);

/* Classification of words. */
bool lp_word_is_number(const char *s, size_t n);   /* -?[0-9]+(\.[0-9]*)? */
bool lp_word_is_bareword(const char *s, size_t n); /* [A-Za-z_][A-Za-z0-9_]+ */
bool lp_word_is_name(const char *s, size_t n);     /* [A-Za-z0-9_-]+ */
/* A printable name of a token kind for messages ("'{'", "a string", ...). */
const char *lp_tok_describe(lp_tok_kind k);

#endif
