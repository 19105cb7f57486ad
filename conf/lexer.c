/* lexer: on-demand scanning of the config language (see lexer.h). */
#include "conf/lexer.h"

#include <string.h>

void lp_lexer_init(lp_lexer *lx, const lp_source_file *f)
{
	memset(lx, 0, sizeof(*lx));
	lx->file = f;
	lx->line = lx->col = 1;
	lx->end_line = lx->end_col = 1;
}

static int at(const lp_lexer *lx, size_t ahead)
{
	size_t i = lx->pos + ahead;
	return i < lx->file->len ? (unsigned char)lx->file->text[i] : -1;
}

static void advance(lp_lexer *lx)
{
	if (lx->pos >= lx->file->len)
		return;
	if (lx->file->text[lx->pos] == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->pos++;
}

/* Skips whitespace and comments; returns whether anything was skipped. */
static bool skip_space(lp_lexer *lx)
{
	bool any = false;
	for (;;) {
		int c = at(lx, 0);
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
			advance(lx);
		} else if (c == '#') {
			while (at(lx, 0) != -1 && at(lx, 0) != '\n')
				advance(lx);
		} else {
			return any;
		}
		any = true;
	}
}

static bool word_start(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

static bool word_char(int c)
{
	return word_start(c) || c == '.';
}

/* Length of a selector at the current position, or 0. */
static size_t selector_len(const lp_lexer *lx)
{
	size_t n = 0;
	while (at(lx, n) == '[') {
		size_t k = n + 1;
		for (;;) {
			int c = at(lx, k);
			if (c == -1 || c == '[' || c == ',')
				return n;
			if (c == ']')
				break;
			k++;
		}
		if (k == n + 1)
			return n; /* "[]" */
		n = k + 1;
	}
	return n;
}

/* Length of a regex at the current position ('/' ... '/' on one line), or 0. */
static size_t regex_len(const lp_lexer *lx)
{
	for (size_t k = 1;; k++) {
		int c = at(lx, k);
		if (c == -1 || c == '\n')
			return 0;
		if (c == '\\' && at(lx, k + 1) == '/') {
			k++;
			continue;
		}
		if (c == '/')
			return k + 1;
	}
}

lp_token lp_lexer_next(lp_lexer *lx, unsigned flags)
{
	lp_token t;
	memset(&t, 0, sizeof(t));
	t.space_before = skip_space(lx);
	t.span.file = lx->file;
	t.span.line = lx->line;
	t.span.col = lx->col;
	t.off = lx->pos;
	t.text = lx->file->text + lx->pos;
	size_t start = lx->pos;
	int c = at(lx, 0), c1 = at(lx, 1);
	size_t n = 1;

	if (c == -1) {
		t.kind = LP_TOK_EOF;
		n = 0;
	} else if (c == '"' || c == '\'') {
		t.kind = LP_TOK_STRING;
		size_t k = 1;
		for (;;) {
			int d = at(lx, k);
			if (d == -1) {
				t.unterminated = true;
				t.kind = LP_TOK_BAD;
				break;
			}
			if (d == '\\' && at(lx, k + 1) == c) {
				k += 2;
				continue;
			}
			k++;
			if (d == c)
				break;
		}
		n = k;
	} else if (word_start(c)) {
		t.kind = LP_TOK_WORD;
		while (word_char(at(lx, n)))
			n++;
	} else if (c == '[' && (flags & LP_LEX_SELECTOR) && selector_len(lx) > 0) {
		t.kind = LP_TOK_SELECTOR;
		n = selector_len(lx);
	} else if (c == '/' && (flags & LP_LEX_REGEX) && regex_len(lx) > 0) {
		t.kind = LP_TOK_REGEX;
		n = regex_len(lx);
	} else if (c == '=' && c1 == '>') {
		t.kind = LP_TOK_ARROW, n = 2;
	} else if (c == '=' && c1 == '=') {
		t.kind = LP_TOK_EQ, n = 2;
	} else if (c == '=' && c1 == '~') {
		t.kind = LP_TOK_MATCH, n = 2;
	} else if (c == '!' && c1 == '=') {
		t.kind = LP_TOK_NE, n = 2;
	} else if (c == '!' && c1 == '~') {
		t.kind = LP_TOK_NOMATCH, n = 2;
	} else if (c == '<' && c1 == '=') {
		t.kind = LP_TOK_LE, n = 2;
	} else if (c == '>' && c1 == '=') {
		t.kind = LP_TOK_GE, n = 2;
	} else {
		switch (c) {
		case '{': t.kind = LP_TOK_LBRACE; break;
		case '}': t.kind = LP_TOK_RBRACE; break;
		case '[': t.kind = LP_TOK_LBRACKET; break;
		case ']': t.kind = LP_TOK_RBRACKET; break;
		case '(': t.kind = LP_TOK_LPAREN; break;
		case ')': t.kind = LP_TOK_RPAREN; break;
		case ',': t.kind = LP_TOK_COMMA; break;
		case '<': t.kind = LP_TOK_LT; break;
		case '>': t.kind = LP_TOK_GT; break;
		case '!': t.kind = LP_TOK_BANG; break;
		default:
			t.kind = LP_TOK_BAD;
			/* one whole UTF-8 character */
			while ((at(lx, n) & 0xC0) == 0x80)
				n++;
			break;
		}
	}
	for (size_t i = 0; i < n; i++)
		advance(lx);
	t.len = lx->pos - start;
	t.span.len = t.len ? (unsigned)t.len : 1;
	if (t.kind == LP_TOK_BAD && t.unterminated)
		t.span.len = 1;
	if (t.kind != LP_TOK_EOF) {
		lx->end_line = lx->line;
		lx->end_col = lx->col;
	}
	return t;
}

lp_token lp_lexer_peek(const lp_lexer *lx, unsigned flags)
{
	lp_lexer copy = *lx;
	return lp_lexer_next(&copy, flags);
}

lp_span lp_lexer_end_span(const lp_lexer *lx)
{
	lp_span s = { lx->file, lx->end_line, lx->end_col, 1 };
	return s;
}

lp_span lp_lexer_span_at(const lp_source_file *f, size_t off, unsigned len)
{
	lp_span s = { f, 1, 1, len ? len : 1 };
	for (size_t i = 0; i < off && i < f->len; i++) {
		if (f->text[i] == '\n') {
			s.line++;
			s.col = 1;
		} else {
			s.col++;
		}
	}
	return s;
}

bool lp_word_is_number(const char *s, size_t n)
{
	size_t i = 0;
	if (i < n && s[i] == '-')
		i++;
	size_t d = i;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == d)
		return false;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	return i == n;
}

static bool alpha_(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool lp_word_is_bareword(const char *s, size_t n)
{
	if (n < 2 || !alpha_(s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!alpha_(s[i]) && !(s[i] >= '0' && s[i] <= '9'))
			return false;
	return true;
}

bool lp_word_is_name(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!word_start((unsigned char)s[i]))
			return false;
	return true;
}

const char *lp_tok_describe(lp_tok_kind k)
{
	switch (k) {
	case LP_TOK_EOF: return "the end of the file";
	case LP_TOK_STRING: return "a string";
	case LP_TOK_WORD: return "a word";
	case LP_TOK_SELECTOR: return "a field reference";
	case LP_TOK_REGEX: return "a regex";
	case LP_TOK_LBRACE: return "'{'";
	case LP_TOK_RBRACE: return "'}'";
	case LP_TOK_LBRACKET: return "'['";
	case LP_TOK_RBRACKET: return "']'";
	case LP_TOK_LPAREN: return "'('";
	case LP_TOK_RPAREN: return "')'";
	case LP_TOK_COMMA: return "','";
	case LP_TOK_ARROW: return "'=>'";
	case LP_TOK_EQ: return "'=='";
	case LP_TOK_NE: return "'!='";
	case LP_TOK_LE: return "'<='";
	case LP_TOK_GE: return "'>='";
	case LP_TOK_LT: return "'<'";
	case LP_TOK_GT: return "'>'";
	case LP_TOK_MATCH: return "'=~'";
	case LP_TOK_NOMATCH: return "'!~'";
	case LP_TOK_BANG: return "'!'";
	case LP_TOK_BAD: return "an unexpected character";
	}
	return "a token";
}
