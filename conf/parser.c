/* parser: the Logstash config grammar (logstash-core's lscl grammar) by
 * recursive descent, with error recovery at the next plugin or section so
 * that every error of a file is reported in one run. */
#include "conf/parser.h"
#include "conf/parser_int.h"

#include "conf/env.h"
#include "conf/lexer.h"
#include "conf/load.h"
#include "pipeline/buf.h"
#include "pipeline/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void lp_parser_error(lp_parser *p, lp_span span, const char *fmt, ...)
{
	if (p->dead)
		return;
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	lp_diag_error(p->diag, span, "%s", buf);
	p->errors++;
}

/* A short quoted rendering of a token for messages. */
const char *lp_parser_tok_show(const lp_token *t, char *buf, size_t cap)
{
	switch (t->kind) {
	case LP_TOK_EOF:
		return "the end of the file";
	case LP_TOK_STRING:
	case LP_TOK_WORD:
	case LP_TOK_SELECTOR:
	case LP_TOK_REGEX:
	case LP_TOK_BAD: {
		size_t n = t->len;
		const char *nl = memchr(t->text, '\n', n);
		if (nl)
			n = (size_t)(nl - t->text);
		bool cut = n > 40;
		if (cut)
			n = 40;
		if (t->kind == LP_TOK_STRING)
			snprintf(buf, cap, "%.*s%s", (int)n, t->text, cut ? "..." : "");
		else
			snprintf(buf, cap, "'%.*s%s'", (int)n, t->text, cut ? "..." : "");
		return buf;
	}
	default:
		return lp_tok_describe(t->kind);
	}
}

lp_token lp_parser_peek(lp_parser *p, unsigned flags)
{
	return lp_lexer_peek(&p->lx, flags);
}

/* Leading blanks of the line holding byte off, and whether off is the first
 * non-blank byte of that line. */
static size_t line_indent(const lp_source_file *f, size_t off, bool *first)
{
	size_t start = off;
	while (start > 0 && f->text[start - 1] != '\n')
		start--;
	size_t i = start;
	while (i < f->len && (f->text[i] == ' ' || f->text[i] == '\t'))
		i++;
	if (first)
		*first = i == off;
	return i - start;
}

static void pop_open(lp_parser *p)
{
	if (p->n_open == 0)
		return;
	p->n_open--;
	lp_free(p->open[p->n_open].label);
}

/* Consumes a token, keeping the stack of open braces. An unterminated
 * string is reported here and ends the parse. */
lp_token lp_parser_take(lp_parser *p, unsigned flags)
{
	lp_token t = lp_lexer_next(&p->lx, flags);
	if (t.kind == LP_TOK_LBRACE) {
		LP_GROW(p->open, p->cap_open, p->n_open + 1);
		p->open[p->n_open].span = t.span;
		p->open[p->n_open].label = NULL;
		p->open[p->n_open].indent = line_indent(p->file, t.off, NULL);
		p->n_open++;
	} else if (t.kind == LP_TOK_RBRACE) {
		bool first;
		size_t ind = line_indent(p->file, t.off, &first);
		if (p->n_open && first && !p->suspect && ind != p->open[p->n_open - 1].indent) {
			const lp_open_brace *o = &p->open[p->n_open - 1];
			p->suspect = true;
			p->suspect_open = o->span;
			p->suspect_label = lp_strdup(o->label ? o->label : "this block");
			p->suspect_close_line = t.span.line;
		}
		pop_open(p);
	} else if (t.kind == LP_TOK_BAD && t.unterminated) {
		lp_parser_error(p, t.span, "unterminated string: the file ends before the closing %c", t.text[0]);
		for (size_t i = 1; i + 1 < t.len; i++) {
			if (t.text[i] == '\\' && t.text[i + 1] == t.text[0]) {
				lp_diag_note(p->diag, lp_lexer_span_at(p->file, t.off + i, 2),
					     "a backslash before %c keeps the %c inside the string",
					     t.text[0], t.text[0]);
				break;
			}
		}
		p->dead = true;
	}
	return t;
}

static void label_top(lp_parser *p, char *label)
{
	if (p->n_open) {
		lp_free(p->open[p->n_open - 1].label);
		p->open[p->n_open - 1].label = label;
	} else {
		lp_free(label);
	}
}

static void note_suspect(lp_parser *p)
{
	if (p->suspect && !p->suspect_noted && !p->dead) {
		p->suspect_noted = true;
		lp_diag_note(p->diag, p->suspect_open,
			     "the '{' of %s opened here is probably the one missing its '}': the '}' on line %u that closes it is indented differently",
			     p->suspect_label, p->suspect_close_line);
	}
}

/* Notes at each '{' that is not closed (outermost first), and the
 * indentation hint. */
static void note_unclosed(lp_parser *p)
{
	for (size_t i = 0; i < p->n_open; i++) {
		const lp_open_brace *o = &p->open[i];
		lp_diag_note(p->diag, o->span, "the '{' of %s opened here is never closed",
			     o->label ? o->label : "this block");
	}
	note_suspect(p);
}

/* Reports the end of the file inside open blocks. */
void lp_parser_eof(lp_parser *p)
{
	if (p->dead || p->unwind)
		return;
	lp_span at = lp_lexer_end_span(&p->lx);
	if (p->n_open == 0)
		lp_parser_error(p, at, "unexpected end of file");
	else if (p->n_open == 1)
		lp_parser_error(p, at, "unexpected end of file: missing '}'");
	else
		lp_parser_error(p, at, "unexpected end of file: missing %zu '}'", p->n_open);
	note_unclosed(p);
	p->dead = true;
}

/* True when t is "input", "filter" or "output" followed by '{': a section
 * starting where a plugin or option was expected means a '}' is missing.
 * Reports it and makes every level return to the top, which goes on with
 * that section. */
static bool section_inside(lp_parser *p, const lp_token *t)
{
	static const char *const kw[] = { "input", "filter", "output", NULL };
	bool is_kw = false;
	for (size_t i = 0; kw[i]; i++)
		if (lp_parser_is_word(t, kw[i]))
			is_kw = true;
	if (!is_kw || p->n_open == 0)
		return false;
	lp_lexer copy = p->lx;
	lp_lexer_next(&copy, 0);
	if (lp_lexer_peek(&copy, 0).kind != LP_TOK_LBRACE)
		return false;
	if (p->n_open == 1)
		lp_parser_error(p, t->span, "missing '}' before section '%.*s'", (int)t->len, t->text);
	else
		lp_parser_error(p, t->span, "missing %zu '}' before section '%.*s'", p->n_open, (int)t->len, t->text);
	if (!p->dead)
		note_unclosed(p);
	p->unwind = true;
	return true;
}

/* Error recovery: skips tokens until the block that was open at depth
 * closes (consuming its '}'), stopping before a '}' that would close an
 * enclosing block, or at the end of the file. */
static void recover(lp_parser *p, size_t depth)
{
	for (;;) {
		lp_token t = lp_parser_peek(p, LP_LEX_REGEX);
		if (t.kind == LP_TOK_EOF || p->dead || p->unwind || section_inside(p, &t))
			return;
		if (t.kind == LP_TOK_RBRACE && p->n_open <= depth)
			return;
		lp_parser_take(p, LP_LEX_REGEX);
		if (t.kind == LP_TOK_RBRACE && p->n_open == depth)
			return;
	}
}

bool lp_parser_is_word(const lp_token *t, const char *w)
{
	return t->kind == LP_TOK_WORD && t->len == strlen(w) && memcmp(t->text, w, t->len) == 0;
}

lp_span lp_parser_span_between(const lp_token *first, size_t end_off)
{
	lp_span s = first->span;
	size_t n = end_off > first->off ? end_off - first->off : 1;
	s.len = (unsigned)n;
	return s;
}

/* ---- strings and ${VAR} ---- */

typedef struct undef_ctx {
	lp_parser *p;
	size_t base; /* file offset of the string content */
} undef_ctx;

static void on_undefined(void *ud, size_t off, const char *name, size_t name_len)
{
	undef_ctx *u = ud;
	lp_span s = lp_lexer_span_at(u->p->file, u->base + off, (unsigned)name_len + 3);
	lp_parser_error(u->p, s, "environment variable '%.*s' is not defined and has no default", (int)name_len,
	    name);
}

/* The content of a string token without quotes, with ${VAR} substituted. */
char *lp_parser_string(lp_parser *p, const lp_token *t)
{
	const char *s = t->text + 1;
	size_t n = t->len >= 2 ? t->len - 2 : 0;
	if (!lp_env_has_ref(s, n))
		return lp_strndup(s, n);
	lp_buf b = LP_BUF_INIT;
	undef_ctx u = { p, t->off + 1 };
	lp_env_expand(s, n, &b, on_undefined, &u);
	char *r = lp_strdup(lp_buf_str(&b));
	lp_buf_fini(&b);
	return r;
}

/* ---- values ---- */

static lp_ast_value *new_value(lp_ast_value_kind k, const lp_token *t)
{
	lp_ast_value *v = lp_calloc(1, sizeof(*v));
	v->kind = k;
	v->span = t->span;
	return v;
}

static lp_ast_plugin *parse_plugin_body(lp_parser *p, const lp_token *name_tok, char *name,
					const char *kind);
static lp_ast_value *parse_value(lp_parser *p, const char *what);

static char *name_text(lp_parser *p, const lp_token *t)
{
	if (t->kind == LP_TOK_STRING)
		return lp_parser_string(p, t);
	return lp_strndup(t->text, t->len);
}

static void bad_bareword(lp_parser *p, const lp_token *t)
{
	lp_parser_error(p, t->span, "invalid bareword '%.*s': write it as a string, \"%.*s\"", (int)t->len,
	    t->text, (int)t->len, t->text);
}

lp_ast_value *lp_parser_array(lp_parser *p)
{
	lp_token open = lp_parser_take(p, 0);
	lp_ast_value *v = new_value(LP_AST_ARRAY, &open);
	size_t cap = 0;
	char buf[64];
	lp_token t = lp_parser_peek(p, 0);
	if (t.kind == LP_TOK_RBRACKET) {
		lp_parser_take(p, 0);
		v->span = lp_parser_span_between(&open, p->lx.pos);
		return v;
	}
	for (;;) {
		lp_ast_value *item = parse_value(p, "array");
		if (!item)
			goto fail;
		LP_GROW(v->items, cap, v->n_items + 1);
		v->items[v->n_items++] = item;
		t = lp_parser_peek(p, 0);
		if (t.kind == LP_TOK_RBRACKET) {
			lp_parser_take(p, 0);
			break;
		}
		if (t.kind != LP_TOK_COMMA) {
			if (t.kind == LP_TOK_EOF)
				lp_parser_eof(p);
			else
				lp_parser_error(p, t.span, "expected ',' or ']' in array, got %s",
				    lp_parser_tok_show(&t, buf, sizeof(buf)));
			goto fail;
		}
		lp_parser_take(p, 0);
		lp_token after = lp_parser_peek(p, 0);
		if (after.kind == LP_TOK_RBRACKET) {
			lp_parser_error(p, t.span, "trailing ',' in array");
			lp_parser_take(p, 0);
			break;
		}
	}
	v->span = lp_parser_span_between(&open, p->lx.pos);
	return v;
fail:
	lp_ast_value_destroy(v);
	return NULL;
}

/* Reports text glued to the string before it: usually a quote inside a
 * string that ended it early. */
static void glued_to_string(lp_parser *p, const lp_token *t, const lp_ast_value *prev)
{
	char q = '"';
	if (prev->span.file && prev->span.file->text) {
		/* the quote character the previous string used */
		const lp_source_file *f = prev->span.file;
		lp_span s = prev->span;
		size_t off = 0;
		for (unsigned line = 1; line < s.line && off < f->len; off++)
			if (f->text[off] == '\n')
				line++;
		off += s.col - 1;
		if (off < f->len)
			q = f->text[off];
	}
	lp_parser_error(p, t->span, "unexpected text right after a string: a %c inside %c...%c ends the string (quote it with %c...%c instead)",
	    q, q, q, q == '"' ? '\'' : '"', q == '"' ? '\'' : '"');
}

static bool same_key(const lp_ast_value *a, const lp_ast_value *b)
{
	return strcmp(a->str, b->str) == 0;
}

static lp_ast_value *parse_hash(lp_parser *p)
{
	lp_token open = lp_parser_take(p, 0);
	label_top(p, lp_strdup("this hash"));
	size_t depth = p->n_open;
	lp_ast_value *v = new_value(LP_AST_HASH, &open);
	size_t cap = 0;
	char buf[64];
	for (;;) {
		lp_token t = lp_parser_peek(p, 0);
		if (t.kind == LP_TOK_RBRACE) {
			lp_parser_take(p, 0);
			break;
		}
		if (t.kind == LP_TOK_EOF) {
			lp_parser_eof(p);
			goto fail;
		}
		if (t.kind == LP_TOK_COMMA && v->n_items > 0) {
			lp_parser_error(p, t.span, "hash entries are separated by whitespace, not ','");
			lp_parser_take(p, 0);
			continue;
		}
		lp_ast_value *key = NULL;
		if (t.kind == LP_TOK_STRING) {
			key = new_value(LP_AST_STRING, &t);
			key->str = lp_parser_string(p, &t);
		} else if (t.kind == LP_TOK_WORD && lp_word_is_number(t.text, t.len)) {
			key = new_value(LP_AST_NUMBER, &t);
			key->str = lp_strndup(t.text, t.len);
			key->num = strtod(key->str, NULL);
		} else if (t.kind == LP_TOK_WORD && lp_word_is_bareword(t.text, t.len)) {
			key = new_value(LP_AST_BAREWORD, &t);
			key->str = lp_strndup(t.text, t.len);
		} else if (t.kind == LP_TOK_WORD) {
			lp_parser_take(p, 0);
			bad_bareword(p, &t);
			goto fail;
		} else {
			lp_parser_error(p, t.span, "expected a hash key (a string, bareword or number) or '}', got %s",
			    lp_parser_tok_show(&t, buf, sizeof(buf)));
			goto fail;
		}
		lp_parser_take(p, 0);
		lp_token arrow = lp_parser_peek(p, 0);
		if (v->n_items && !t.space_before) {
			if (arrow.kind == LP_TOK_ARROW) {
				lp_parser_error(p, t.span, "missing whitespace before hash key '%s'", key->str);
			} else if (v->items[v->n_items - 1]->kind == LP_AST_STRING) {
				glued_to_string(p, &t, v->items[v->n_items - 1]);
				lp_ast_value_destroy(key);
				goto fail;
			}
		}
		if (arrow.kind != LP_TOK_ARROW) {
			if (arrow.kind == LP_TOK_EOF)
				lp_parser_eof(p);
			else
				lp_parser_error(p, arrow.span, "expected '=>' after hash key '%s', got %s", key->str,
				    lp_parser_tok_show(&arrow, buf, sizeof(buf)));
			lp_ast_value_destroy(key);
			goto fail;
		}
		lp_parser_take(p, 0);
		for (size_t i = 0; i < v->n_items; i++) {
			if (same_key(v->keys[i], key)) {
				lp_parser_error(p, key->span, "duplicate key '%s' in hash", key->str);
				break;
			}
		}
		lp_ast_value *val = parse_value(p, "hash");
		if (!val) {
			lp_ast_value_destroy(key);
			goto fail;
		}
		size_t cap2 = cap;
		LP_GROW(v->items, cap, v->n_items + 1);
		LP_GROW(v->keys, cap2, v->n_items + 1);
		v->keys[v->n_items] = key;
		v->items[v->n_items++] = val;
	}
	v->span = lp_parser_span_between(&open, p->lx.pos);
	return v;
fail:
	/* leave the hash so that the enclosing plugin can go on */
	recover(p, depth - 1);
	lp_ast_value_destroy(v);
	return NULL;
}

/* value: plugin / bareword / string / number / array / hash. what names the
 * context for messages ("option 'x'", "array", "hash"). Returns NULL after
 * reporting an error. */
static lp_ast_value *parse_value(lp_parser *p, const char *what)
{
	char buf[64];
	lp_token t = lp_parser_peek(p, 0);
	if (t.kind == LP_TOK_LBRACKET)
		return lp_parser_array(p);
	if (t.kind == LP_TOK_LBRACE)
		return parse_hash(p);
	if (t.kind == LP_TOK_STRING || t.kind == LP_TOK_WORD) {
		lp_parser_take(p, 0);
		lp_token next = lp_parser_peek(p, 0);
		bool name_ok = t.kind == LP_TOK_STRING || lp_word_is_name(t.text, t.len);
		if (next.kind == LP_TOK_LBRACE && name_ok) {
			lp_ast_value *v = new_value(LP_AST_PLUGIN, &t);
			v->plugin = parse_plugin_body(p, &t, name_text(p, &t), "codec");
			if (!v->plugin) {
				lp_ast_value_destroy(v);
				return NULL;
			}
			v->str = lp_strdup(v->plugin->name);
			return v;
		}
		if (t.kind == LP_TOK_STRING) {
			lp_ast_value *v = new_value(LP_AST_STRING, &t);
			v->str = lp_parser_string(p, &t);
			return v;
		}
		if (lp_word_is_number(t.text, t.len)) {
			lp_ast_value *v = new_value(LP_AST_NUMBER, &t);
			v->str = lp_strndup(t.text, t.len);
			v->num = strtod(v->str, NULL);
			return v;
		}
		if (lp_word_is_bareword(t.text, t.len)) {
			lp_ast_value *v = new_value(LP_AST_BAREWORD, &t);
			v->str = lp_strndup(t.text, t.len);
			return v;
		}
		bad_bareword(p, &t);
		return NULL;
	}
	if (t.kind == LP_TOK_EOF) {
		lp_parser_eof(p);
		return NULL;
	}
	if (t.kind == LP_TOK_BAD && t.unterminated) {
		lp_parser_take(p, 0);
		return NULL;
	}
	if (strcmp(what, "array") == 0)
		lp_parser_error(p, t.span, "expected a value in array, got %s", lp_parser_tok_show(&t, buf, sizeof(buf)));
	else if (strcmp(what, "hash") == 0)
		lp_parser_error(p, t.span, "expected a value in hash, got %s", lp_parser_tok_show(&t, buf, sizeof(buf)));
	else
		lp_parser_error(p, t.span, "expected a value for %s, got %s", what, lp_parser_tok_show(&t, buf, sizeof(buf)));
	return NULL;
}

/* ---- plugins ---- */

/* After an error inside a plugin's braces (inside: the number of open
 * blocks there), skips to the next "name =>" or to the plugin's closing '}',
 * so that the options after a bad one are still checked. Returns false when
 * the plugin cannot go on (end of file, a new section). */
static bool resync_attr(lp_parser *p, size_t inside)
{
	for (;;) {
		if (p->dead || p->unwind || p->n_open < inside)
			return false;
		lp_token t = lp_parser_peek(p, LP_LEX_REGEX);
		if (t.kind == LP_TOK_EOF)
			return false;
		if (p->n_open == inside) {
			if (t.kind == LP_TOK_RBRACE)
				return true;
			if (section_inside(p, &t))
				return false;
			if (t.kind == LP_TOK_STRING || (t.kind == LP_TOK_WORD && lp_word_is_name(t.text, t.len))) {
				/* "name =>", or a name first on its line (not a plugin) */
				lp_lexer copy = p->lx;
				lp_lexer_next(&copy, 0);
				lp_tok_kind next = lp_lexer_peek(&copy, 0).kind;
				bool first;
				line_indent(p->file, t.off, &first);
				if (next == LP_TOK_ARROW || (first && next != LP_TOK_LBRACE))
					return true;
			}
		}
		lp_parser_take(p, LP_LEX_REGEX);
	}
}

/* After the plugin name: "{" attributes "}". kind labels messages ("filter",
 * "codec"). Takes ownership of name. On error, recovers past the block and
 * returns NULL. */
static lp_ast_plugin *parse_plugin_body(lp_parser *p, const lp_token *name_tok, char *name,
					const char *kind)
{
	char buf[64];
	size_t depth = p->n_open;
	lp_ast_plugin *pl = lp_calloc(1, sizeof(*pl));
	pl->name = name;
	pl->span = name_tok->span;
	size_t cap = 0;
	lp_token t = lp_parser_peek(p, 0);
	if (t.kind != LP_TOK_LBRACE) {
		if (t.kind == LP_TOK_EOF)
			lp_parser_eof(p);
		else
			lp_parser_error(p, t.span, "expected '{' after plugin name '%s', got %s", name,
			    lp_parser_tok_show(&t, buf, sizeof(buf)));
		goto fail;
	}
	lp_parser_take(p, 0);
	label_top(p, lp_asprintf("%s '%s'", kind, name));
	size_t inside = p->n_open;
	bool after_value = false;
	for (;;) {
		t = lp_parser_peek(p, 0);
		if (t.kind == LP_TOK_RBRACE) {
			lp_parser_take(p, 0);
			return pl;
		}
		if (t.kind == LP_TOK_EOF) {
			lp_parser_eof(p);
			goto fail;
		}
		if (section_inside(p, &t))
			goto fail;
		if (t.kind == LP_TOK_COMMA && after_value) {
			lp_parser_error(p, t.span, "options are separated by whitespace, not ','");
			lp_parser_take(p, 0);
			after_value = false;
			continue;
		}
		bool valid_name = t.kind == LP_TOK_STRING ||
				  (t.kind == LP_TOK_WORD && lp_word_is_name(t.text, t.len));
		if (!valid_name) {
			if (t.kind == LP_TOK_WORD)
				lp_parser_error(p, t.span, "invalid option name '%.*s' in %s '%s'", (int)t.len, t.text,
				    kind, name);
			else if (!(t.kind == LP_TOK_BAD && t.unterminated))
				lp_parser_error(p, t.span, "expected an option name or '}' in %s '%s', got %s", kind,
				    name, lp_parser_tok_show(&t, buf, sizeof(buf)));
			lp_parser_take(p, LP_LEX_REGEX);
			if (!resync_attr(p, inside))
				goto fail;
			after_value = false;
			continue;
		}
		lp_parser_take(p, 0);
		char *aname = name_text(p, &t);
		if (after_value && !t.space_before) {
			const lp_ast_value *prev = pl->attrs[pl->n_attrs - 1]->value;
			if (prev->kind == LP_AST_STRING && lp_parser_peek(p, 0).kind != LP_TOK_ARROW) {
				glued_to_string(p, &t, prev);
				lp_free(aname);
				if (!resync_attr(p, inside))
					goto fail;
				after_value = false;
				continue;
			}
			lp_parser_error(p, t.span, "missing whitespace before option '%s'", aname);
		}
		lp_token arrow = lp_parser_peek(p, 0);
		if (arrow.kind != LP_TOK_ARROW) {
			if (arrow.kind == LP_TOK_EOF)
				lp_parser_eof(p);
			else if (arrow.kind == LP_TOK_LBRACE) {
				lp_parser_error(p, t.span, "expected '=>' after option '%s', got '{' (a plugin cannot be nested in %s '%s')",
				    aname, kind, name);
				note_suspect(p);
			} else if (lp_parser_is_word(&t, "if")) {
				lp_parser_error(p, t.span, "'if' is not allowed inside %s '%s': is a '}' missing before it?",
				    kind, name);
				note_suspect(p);
			} else {
				lp_parser_error(p, arrow.span, "expected '=>' after option '%s', got %s", aname,
				    lp_parser_tok_show(&arrow, buf, sizeof(buf)));
				lp_free(aname);
				if (!resync_attr(p, inside))
					goto fail;
				after_value = false;
				continue;
			}
			lp_free(aname);
			goto fail;
		}
		lp_parser_take(p, 0);
		char *what = lp_asprintf("option '%s'", aname);
		lp_ast_value *v = parse_value(p, what);
		lp_free(what);
		if (!v) {
			lp_free(aname);
			if (!resync_attr(p, inside))
				goto fail;
			after_value = false;
			continue;
		}
		lp_ast_attr *a = lp_calloc(1, sizeof(*a));
		a->name = aname;
		a->span = t.span;
		a->value = v;
		LP_GROW(pl->attrs, cap, pl->n_attrs + 1);
		pl->attrs[pl->n_attrs++] = a;
		after_value = true;
	}
fail:
	recover(p, depth);
	lp_ast_plugin_destroy(pl);
	return NULL;
}

/* ---- statements and sections ---- */

typedef struct stmt_list {
	lp_ast_stmt **v;
	size_t n, cap;
} stmt_list;

static void parse_stmts(lp_parser *p, lp_section_kind kind, stmt_list *out);

/* "{" statements "}" of a branch. */
static bool parse_block(lp_parser *p, lp_section_kind kind, lp_ast_branch *b, const char *label)
{
	char buf[64];
	lp_token t = lp_parser_peek(p, 0);
	if (t.kind != LP_TOK_LBRACE) {
		if (t.kind == LP_TOK_EOF)
			lp_parser_eof(p);
		else
			lp_parser_error(p, t.span, "expected '{' after 'else', got %s", lp_parser_tok_show(&t, buf, sizeof(buf)));
		return false;
	}
	lp_parser_take(p, 0);
	label_top(p, lp_strdup(label));
	stmt_list l = { NULL, 0, 0 };
	parse_stmts(p, kind, &l);
	b->body = l.v;
	b->n_body = l.n;
	t = lp_parser_peek(p, 0);
	if (t.kind != LP_TOK_RBRACE) {
		lp_parser_eof(p); /* silent when unwinding */
		return false;
	}
	lp_parser_take(p, 0);
	return true;
}

/* After a bad condition: skips to the '{' of the branch at this level.
 * Returns false when there is none (end of file, a '}' or a new section). */
static bool skip_to_block(lp_parser *p)
{
	size_t depth = p->n_open;
	for (;;) {
		if (p->dead || p->unwind)
			return false;
		lp_token t = lp_parser_peek(p, LP_TF_COND);
		if (t.kind == LP_TOK_EOF)
			return false;
		if (p->n_open == depth) {
			if (t.kind == LP_TOK_LBRACE)
				return true;
			if (t.kind == LP_TOK_RBRACE || section_inside(p, &t))
				return false;
		}
		lp_parser_take(p, LP_TF_COND);
	}
}

/* One branch: [condition] "{" statements "}". Returns NULL on error; then
 * *consumed tells whether its block was still parsed (so that errors in the
 * body are reported and the chain can go on). */
static lp_ast_branch *parse_branch(lp_parser *p, lp_section_kind kind, const lp_token *kw, bool has_cond,
				   const char *label, bool *consumed)
{
	*consumed = false;
	lp_ast_branch *b = lp_calloc(1, sizeof(*b));
	b->span = kw->span;
	bool cond_ok = true;
	if (has_cond) {
		lp_token t = lp_parser_peek(p, LP_TF_COND);
		if (t.kind == LP_TOK_LBRACE) {
			lp_parser_error(p, t.span, "expected a condition after '%s', got '{'", label);
			cond_ok = false;
		} else {
			b->cond = lp_parser_condition(p, false);
			cond_ok = b->cond != NULL;
			if (!cond_ok && !skip_to_block(p))
				goto fail;
		}
	}
	if (!parse_block(p, kind, b, label))
		goto fail;
	if (!cond_ok) {
		*consumed = true;
		goto fail;
	}
	return b;
fail:
	lp_ast_expr_destroy(b->cond);
	for (size_t i = 0; i < b->n_body; i++)
		lp_ast_stmt_destroy(b->body[i]);
	lp_free(b->body);
	lp_free(b);
	return NULL;
}

/* if ... (else if ...)* (else ...)? ; the "if" is the next token. A branch
 * with a bad condition is still parsed for the errors in its body, and the
 * whole statement is dropped. */
static lp_ast_stmt *parse_if(lp_parser *p, lp_section_kind kind)
{
	size_t depth = p->n_open;
	lp_token kw = lp_parser_take(p, 0);
	lp_ast_stmt *s = lp_calloc(1, sizeof(*s));
	s->kind = LP_STMT_IF;
	s->span = kw.span;
	size_t cap = 0;
	bool ok = true, consumed;
	lp_ast_branch *b = parse_branch(p, kind, &kw, true, "if", &consumed);
	if (!b && !consumed)
		goto fail;
	if (b) {
		LP_GROW(s->branches, cap, 1);
		s->branches[s->n_branches++] = b;
	} else {
		ok = false;
	}
	for (;;) {
		lp_token t = lp_parser_peek(p, 0);
		if (!lp_parser_is_word(&t, "else"))
			break;
		lp_parser_take(p, 0);
		lp_token n = lp_parser_peek(p, LP_TF_COND);
		bool elif = lp_parser_is_word(&n, "if");
		if (elif)
			lp_parser_take(p, 0);
		b = parse_branch(p, kind, &t, elif, elif ? "else if" : "else", &consumed);
		if (!b && !consumed)
			goto fail;
		if (b) {
			LP_GROW(s->branches, cap, s->n_branches + 1);
			s->branches[s->n_branches++] = b;
		} else {
			ok = false;
		}
		if (!elif)
			break;
	}
	if (!ok) {
		lp_ast_stmt_destroy(s);
		return NULL;
	}
	return s;
fail:
	lp_ast_stmt_destroy(s);
	recover(p, depth);
	/* the rest of the chain belongs to the failed statement */
	for (;;) {
		lp_token t = lp_parser_peek(p, 0);
		if (!lp_parser_is_word(&t, "else") || p->dead || p->unwind)
			break;
		lp_parser_take(p, 0);
		recover(p, depth);
	}
	return NULL;
}

static lp_ast_stmt *parse_plugin_stmt(lp_parser *p, lp_section_kind kind)
{
	lp_token t = lp_parser_take(p, 0);
	lp_ast_plugin *pl = parse_plugin_body(p, &t, name_text(p, &t), lp_section_name(kind));
	if (!pl)
		return NULL;
	lp_ast_stmt *s = lp_calloc(1, sizeof(*s));
	s->kind = LP_STMT_PLUGIN;
	s->span = t.span;
	s->plugin = pl;
	return s;
}

/* Statements until '}' or the end of the file (not consumed). */
static void parse_stmts(lp_parser *p, lp_section_kind kind, stmt_list *out)
{
	char buf[64];
	for (;;) {
		lp_token t = lp_parser_peek(p, 0);
		if (t.kind == LP_TOK_RBRACE || t.kind == LP_TOK_EOF || p->dead || p->unwind ||
		    section_inside(p, &t))
			return;
		lp_ast_stmt *s = NULL;
		size_t depth = p->n_open;
		if (lp_parser_is_word(&t, "if")) {
			if (kind == LP_SECTION_INPUT) {
				lp_parser_error(p, t.span, "conditionals are not allowed in the input section");
				lp_ast_stmt_destroy(parse_if(p, kind));
				continue;
			}
			s = parse_if(p, kind);
		} else if (lp_parser_is_word(&t, "else")) {
			lp_parser_error(p, t.span, "'else' without a preceding 'if'");
			lp_parser_take(p, 0);
			recover(p, depth);
			continue;
		} else if (lp_parser_is_word(&t, "elsif") || lp_parser_is_word(&t, "elseif") ||
			   lp_parser_is_word(&t, "elif") || lp_parser_is_word(&t, "unless")) {
			if (lp_parser_is_word(&t, "unless"))
				lp_parser_error(p, t.span, "'unless' is not a keyword: write if !(...)");
			else
				lp_parser_error(p, t.span, "'%.*s' is not a keyword: write 'else if'",
						(int)t.len, t.text);
			lp_parser_take(p, 0);
			recover(p, depth);
			continue;
		} else if (t.kind == LP_TOK_STRING || (t.kind == LP_TOK_WORD && lp_word_is_name(t.text, t.len))) {
			s = parse_plugin_stmt(p, kind);
		} else {
			if (t.kind == LP_TOK_BAD && t.unterminated)
				lp_parser_take(p, 0);
			else if (kind == LP_SECTION_INPUT)
				lp_parser_error(p, t.span, "expected a plugin name, got %s", lp_parser_tok_show(&t, buf, sizeof(buf)));
			else
				lp_parser_error(p, t.span, "expected a plugin name or 'if', got %s",
				    lp_parser_tok_show(&t, buf, sizeof(buf)));
			lp_parser_take(p, 0);
			recover(p, depth);
			continue;
		}
		if (s) {
			LP_GROW(out->v, out->cap, out->n + 1);
			out->v[out->n++] = s;
		}
	}
}

static const char *const section_names[] = { "input", "filter", "output", NULL };

static void parse_file(lp_parser *p, lp_ast_config *cfg)
{
	char buf[64];
	size_t cap = cfg->n_sections;
	for (;;) {
		lp_token t = lp_parser_peek(p, 0);
		if (t.kind == LP_TOK_EOF || p->dead)
			return;
		int kind = -1;
		for (int i = 0; section_names[i]; i++)
			if (lp_parser_is_word(&t, section_names[i]))
				kind = i;
		if (kind < 0) {
			if (t.kind == LP_TOK_WORD) {
				char *w = lp_strndup(t.text, t.len);
				const char *s = lp_diag_suggest(w, section_names);
				if (s)
					lp_parser_error(p, t.span, "unknown section '%s' (did you mean '%s'?)", w, s);
				else
					lp_parser_error(p, t.span, "unknown section '%s': expected 'input', 'filter' or 'output'",
					    w);
				lp_free(w);
			} else if (t.kind == LP_TOK_RBRACE) {
				lp_parser_error(p, t.span, "unexpected '}' with no open block");
			} else if (!(t.kind == LP_TOK_BAD && t.unterminated)) {
				lp_parser_error(p, t.span, "expected 'input', 'filter' or 'output', got %s",
				    lp_parser_tok_show(&t, buf, sizeof(buf)));
			}
			lp_parser_take(p, 0);
			if (t.kind != LP_TOK_RBRACE)
				recover(p, 0);
			continue;
		}
		lp_parser_take(p, 0);
		lp_token open = lp_parser_peek(p, 0);
		if (open.kind != LP_TOK_LBRACE) {
			lp_parser_error(p, open.span, "expected '{' after '%s', got %s", section_names[kind],
			    lp_parser_tok_show(&open, buf, sizeof(buf)));
			recover(p, 0);
			continue;
		}
		lp_parser_take(p, 0);
		label_top(p, lp_asprintf("section '%s'", section_names[kind]));
		lp_ast_section *sec = lp_calloc(1, sizeof(*sec));
		sec->kind = (lp_section_kind)kind;
		sec->span = t.span;
		stmt_list l = { NULL, 0, 0 };
		parse_stmts(p, sec->kind, &l);
		sec->body = l.v;
		sec->n_body = l.n;
		LP_GROW(cfg->sections, cap, cfg->n_sections + 1);
		cfg->sections[cfg->n_sections++] = sec;
		if (p->unwind) {
			while (p->n_open)
				pop_open(p);
			p->unwind = false;
			continue;
		}
		lp_token close = lp_parser_peek(p, 0);
		if (close.kind != LP_TOK_RBRACE) {
			lp_parser_eof(p);
			return;
		}
		lp_parser_take(p, 0);
	}
}

static void parser_fini(lp_parser *p)
{
	while (p->n_open)
		pop_open(p);
	lp_free(p->open);
	lp_free(p->suspect_label);
}

void lp_conf_parse_into(lp_ast_config *cfg, lp_source_file *file, lp_diag *diag)
{
	size_t cap = cfg->n_files;
	LP_GROW(cfg->files, cap, cfg->n_files + 1);
	cfg->files[cfg->n_files++] = file;
	lp_diag_add_file(diag, file);
	lp_parser p;
	memset(&p, 0, sizeof(p));
	lp_lexer_init(&p.lx, file);
	p.file = file;
	p.diag = diag;
	parse_file(&p, cfg);
	parser_fini(&p);
}

lp_ast_expr *lp_conf_parse_condition(const lp_source_file *file, lp_diag *diag)
{
	lp_parser p;
	memset(&p, 0, sizeof(p));
	lp_lexer_init(&p.lx, file);
	p.file = file;
	p.diag = diag;
	p.cond_only = true;
	lp_diag_add_file(diag, file);
	lp_ast_expr *e = NULL;
	lp_token t = lp_parser_peek(&p, LP_TF_COND);
	if (t.kind == LP_TOK_EOF) {
		lp_parser_error(&p, t.span, "expected a condition, got the end of the file");
		goto done;
	}
	e = lp_parser_condition(&p, false);
	if (e && lp_parser_peek(&p, LP_TF_COND).kind != LP_TOK_EOF) {
		char buf[64];
		lp_token rest = lp_parser_peek(&p, LP_TF_COND);
		lp_parser_error(&p, rest.span, "unexpected %s after the condition", lp_parser_tok_show(&rest, buf, sizeof(buf)));
		lp_ast_expr_destroy(e);
		e = NULL;
	}
done:
	parser_fini(&p);
	return e;
}

const char *lp_section_name(lp_section_kind k)
{
	return k <= LP_SECTION_OUTPUT ? section_names[k] : "section";
}
