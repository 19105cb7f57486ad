/* parser: the Logstash config grammar (logstash-core's lscl grammar) by
 * recursive descent, with error recovery at the next plugin or section so
 * that every error of a file is reported in one run. */
#include "conf/parser.h"

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

typedef struct open_brace {
	lp_span span;
	char *label;    /* "filter 'mutate'", "section 'filter'", ... or NULL */
	size_t indent;  /* leading blanks of the line of the '{' */
} open_brace;

typedef struct parser {
	lp_lexer lx;
	const lp_source_file *file;
	lp_diag *diag;
	open_brace *open;
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
} parser;

#define TF_COND (LP_LEX_SELECTOR | LP_LEX_REGEX)

static bool is_word(const lp_token *t, const char *w);

static void err(parser *p, lp_span span, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void err(parser *p, lp_span span, const char *fmt, ...)
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
static const char *tok_show(const lp_token *t, char *buf, size_t cap)
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

static lp_token peek(parser *p, unsigned flags)
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

static void pop_open(parser *p)
{
	if (p->n_open == 0)
		return;
	p->n_open--;
	lp_free(p->open[p->n_open].label);
}

/* Consumes a token, keeping the stack of open braces. An unterminated
 * string is reported here and ends the parse. */
static lp_token take(parser *p, unsigned flags)
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
			const open_brace *o = &p->open[p->n_open - 1];
			p->suspect = true;
			p->suspect_open = o->span;
			p->suspect_label = lp_strdup(o->label ? o->label : "this block");
			p->suspect_close_line = t.span.line;
		}
		pop_open(p);
	} else if (t.kind == LP_TOK_BAD && t.unterminated) {
		err(p, t.span, "unterminated string: the file ends before the closing %c", t.text[0]);
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

static void label_top(parser *p, char *label)
{
	if (p->n_open) {
		lp_free(p->open[p->n_open - 1].label);
		p->open[p->n_open - 1].label = label;
	} else {
		lp_free(label);
	}
}

static void note_suspect(parser *p)
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
static void note_unclosed(parser *p)
{
	for (size_t i = 0; i < p->n_open; i++) {
		const open_brace *o = &p->open[i];
		lp_diag_note(p->diag, o->span, "the '{' of %s opened here is never closed",
			     o->label ? o->label : "this block");
	}
	note_suspect(p);
}

/* Reports the end of the file inside open blocks. */
static void report_eof(parser *p)
{
	if (p->dead || p->unwind)
		return;
	lp_span at = lp_lexer_end_span(&p->lx);
	if (p->n_open == 0)
		err(p, at, "unexpected end of file");
	else if (p->n_open == 1)
		err(p, at, "unexpected end of file: missing '}'");
	else
		err(p, at, "unexpected end of file: missing %zu '}'", p->n_open);
	note_unclosed(p);
	p->dead = true;
}

/* True when t is "input", "filter" or "output" followed by '{': a section
 * starting where a plugin or option was expected means a '}' is missing.
 * Reports it and makes every level return to the top, which goes on with
 * that section. */
static bool section_inside(parser *p, const lp_token *t)
{
	static const char *const kw[] = { "input", "filter", "output", NULL };
	bool is_kw = false;
	for (size_t i = 0; kw[i]; i++)
		if (is_word(t, kw[i]))
			is_kw = true;
	if (!is_kw || p->n_open == 0)
		return false;
	lp_lexer copy = p->lx;
	lp_lexer_next(&copy, 0);
	if (lp_lexer_peek(&copy, 0).kind != LP_TOK_LBRACE)
		return false;
	if (p->n_open == 1)
		err(p, t->span, "missing '}' before section '%.*s'", (int)t->len, t->text);
	else
		err(p, t->span, "missing %zu '}' before section '%.*s'", p->n_open, (int)t->len, t->text);
	if (!p->dead)
		note_unclosed(p);
	p->unwind = true;
	return true;
}

/* Error recovery: skips tokens until the block that was open at depth
 * closes (consuming its '}'), stopping before a '}' that would close an
 * enclosing block, or at the end of the file. */
static void recover(parser *p, size_t depth)
{
	for (;;) {
		lp_token t = peek(p, LP_LEX_REGEX);
		if (t.kind == LP_TOK_EOF || p->dead || p->unwind || section_inside(p, &t))
			return;
		if (t.kind == LP_TOK_RBRACE && p->n_open <= depth)
			return;
		take(p, LP_LEX_REGEX);
		if (t.kind == LP_TOK_RBRACE && p->n_open == depth)
			return;
	}
}

static bool is_word(const lp_token *t, const char *w)
{
	return t->kind == LP_TOK_WORD && t->len == strlen(w) && memcmp(t->text, w, t->len) == 0;
}

static lp_span span_between(const lp_token *first, size_t end_off)
{
	lp_span s = first->span;
	size_t n = end_off > first->off ? end_off - first->off : 1;
	s.len = (unsigned)n;
	return s;
}

/* ---- strings and ${VAR} ---- */

typedef struct undef_ctx {
	parser *p;
	size_t base; /* file offset of the string content */
} undef_ctx;

static void on_undefined(void *ud, size_t off, const char *name, size_t name_len)
{
	undef_ctx *u = ud;
	lp_span s = lp_lexer_span_at(u->p->file, u->base + off, (unsigned)name_len + 3);
	err(u->p, s, "environment variable '%.*s' is not defined and has no default", (int)name_len,
	    name);
}

/* The content of a string token without quotes, with ${VAR} substituted. */
static char *string_value(parser *p, const lp_token *t)
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

static lp_ast_plugin *parse_plugin_body(parser *p, const lp_token *name_tok, char *name,
					const char *kind);
static lp_ast_value *parse_value(parser *p, const char *what);

static char *name_text(parser *p, const lp_token *t)
{
	if (t->kind == LP_TOK_STRING)
		return string_value(p, t);
	return lp_strndup(t->text, t->len);
}

static void bad_bareword(parser *p, const lp_token *t)
{
	err(p, t->span, "invalid bareword '%.*s': write it as a string, \"%.*s\"", (int)t->len,
	    t->text, (int)t->len, t->text);
}

static lp_ast_value *parse_array(parser *p)
{
	lp_token open = take(p, 0);
	lp_ast_value *v = new_value(LP_AST_ARRAY, &open);
	size_t cap = 0;
	char buf[64];
	lp_token t = peek(p, 0);
	if (t.kind == LP_TOK_RBRACKET) {
		take(p, 0);
		v->span = span_between(&open, p->lx.pos);
		return v;
	}
	for (;;) {
		lp_ast_value *item = parse_value(p, "array");
		if (!item)
			goto fail;
		LP_GROW(v->items, cap, v->n_items + 1);
		v->items[v->n_items++] = item;
		t = peek(p, 0);
		if (t.kind == LP_TOK_RBRACKET) {
			take(p, 0);
			break;
		}
		if (t.kind != LP_TOK_COMMA) {
			if (t.kind == LP_TOK_EOF)
				report_eof(p);
			else
				err(p, t.span, "expected ',' or ']' in array, got %s",
				    tok_show(&t, buf, sizeof(buf)));
			goto fail;
		}
		take(p, 0);
		lp_token after = peek(p, 0);
		if (after.kind == LP_TOK_RBRACKET) {
			err(p, t.span, "trailing ',' in array");
			take(p, 0);
			break;
		}
	}
	v->span = span_between(&open, p->lx.pos);
	return v;
fail:
	lp_ast_value_destroy(v);
	return NULL;
}

/* Reports text glued to the string before it: usually a quote inside a
 * string that ended it early. */
static void glued_to_string(parser *p, const lp_token *t, const lp_ast_value *prev)
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
	err(p, t->span, "unexpected text right after a string: a %c inside %c...%c ends the string (quote it with %c...%c instead)",
	    q, q, q, q == '"' ? '\'' : '"', q == '"' ? '\'' : '"');
}

static bool same_key(const lp_ast_value *a, const lp_ast_value *b)
{
	return strcmp(a->str, b->str) == 0;
}

static lp_ast_value *parse_hash(parser *p)
{
	lp_token open = take(p, 0);
	label_top(p, lp_strdup("this hash"));
	size_t depth = p->n_open;
	lp_ast_value *v = new_value(LP_AST_HASH, &open);
	size_t cap = 0;
	char buf[64];
	for (;;) {
		lp_token t = peek(p, 0);
		if (t.kind == LP_TOK_RBRACE) {
			take(p, 0);
			break;
		}
		if (t.kind == LP_TOK_EOF) {
			report_eof(p);
			goto fail;
		}
		if (t.kind == LP_TOK_COMMA && v->n_items > 0) {
			err(p, t.span, "hash entries are separated by whitespace, not ','");
			take(p, 0);
			continue;
		}
		lp_ast_value *key = NULL;
		if (t.kind == LP_TOK_STRING) {
			key = new_value(LP_AST_STRING, &t);
			key->str = string_value(p, &t);
		} else if (t.kind == LP_TOK_WORD && lp_word_is_number(t.text, t.len)) {
			key = new_value(LP_AST_NUMBER, &t);
			key->str = lp_strndup(t.text, t.len);
			key->num = strtod(key->str, NULL);
		} else if (t.kind == LP_TOK_WORD && lp_word_is_bareword(t.text, t.len)) {
			key = new_value(LP_AST_BAREWORD, &t);
			key->str = lp_strndup(t.text, t.len);
		} else if (t.kind == LP_TOK_WORD) {
			take(p, 0);
			bad_bareword(p, &t);
			goto fail;
		} else {
			err(p, t.span, "expected a hash key (a string, bareword or number) or '}', got %s",
			    tok_show(&t, buf, sizeof(buf)));
			goto fail;
		}
		take(p, 0);
		lp_token arrow = peek(p, 0);
		if (v->n_items && !t.space_before) {
			if (arrow.kind == LP_TOK_ARROW) {
				err(p, t.span, "missing whitespace before hash key '%s'", key->str);
			} else if (v->items[v->n_items - 1]->kind == LP_AST_STRING) {
				glued_to_string(p, &t, v->items[v->n_items - 1]);
				lp_ast_value_destroy(key);
				goto fail;
			}
		}
		if (arrow.kind != LP_TOK_ARROW) {
			if (arrow.kind == LP_TOK_EOF)
				report_eof(p);
			else
				err(p, arrow.span, "expected '=>' after hash key '%s', got %s", key->str,
				    tok_show(&arrow, buf, sizeof(buf)));
			lp_ast_value_destroy(key);
			goto fail;
		}
		take(p, 0);
		for (size_t i = 0; i < v->n_items; i++) {
			if (same_key(v->keys[i], key)) {
				err(p, key->span, "duplicate key '%s' in hash", key->str);
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
	v->span = span_between(&open, p->lx.pos);
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
static lp_ast_value *parse_value(parser *p, const char *what)
{
	char buf[64];
	lp_token t = peek(p, 0);
	if (t.kind == LP_TOK_LBRACKET)
		return parse_array(p);
	if (t.kind == LP_TOK_LBRACE)
		return parse_hash(p);
	if (t.kind == LP_TOK_STRING || t.kind == LP_TOK_WORD) {
		take(p, 0);
		lp_token next = peek(p, 0);
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
			v->str = string_value(p, &t);
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
		report_eof(p);
		return NULL;
	}
	if (t.kind == LP_TOK_BAD && t.unterminated) {
		take(p, 0);
		return NULL;
	}
	if (strcmp(what, "array") == 0)
		err(p, t.span, "expected a value in array, got %s", tok_show(&t, buf, sizeof(buf)));
	else if (strcmp(what, "hash") == 0)
		err(p, t.span, "expected a value in hash, got %s", tok_show(&t, buf, sizeof(buf)));
	else
		err(p, t.span, "expected a value for %s, got %s", what, tok_show(&t, buf, sizeof(buf)));
	return NULL;
}

/* ---- plugins ---- */

/* After an error inside a plugin's braces (inside: the number of open
 * blocks there), skips to the next "name =>" or to the plugin's closing '}',
 * so that the options after a bad one are still checked. Returns false when
 * the plugin cannot go on (end of file, a new section). */
static bool resync_attr(parser *p, size_t inside)
{
	for (;;) {
		if (p->dead || p->unwind || p->n_open < inside)
			return false;
		lp_token t = peek(p, LP_LEX_REGEX);
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
		take(p, LP_LEX_REGEX);
	}
}

/* After the plugin name: "{" attributes "}". kind labels messages ("filter",
 * "codec"). Takes ownership of name. On error, recovers past the block and
 * returns NULL. */
static lp_ast_plugin *parse_plugin_body(parser *p, const lp_token *name_tok, char *name,
					const char *kind)
{
	char buf[64];
	size_t depth = p->n_open;
	lp_ast_plugin *pl = lp_calloc(1, sizeof(*pl));
	pl->name = name;
	pl->span = name_tok->span;
	size_t cap = 0;
	lp_token t = peek(p, 0);
	if (t.kind != LP_TOK_LBRACE) {
		if (t.kind == LP_TOK_EOF)
			report_eof(p);
		else
			err(p, t.span, "expected '{' after plugin name '%s', got %s", name,
			    tok_show(&t, buf, sizeof(buf)));
		goto fail;
	}
	take(p, 0);
	label_top(p, lp_asprintf("%s '%s'", kind, name));
	size_t inside = p->n_open;
	bool after_value = false;
	for (;;) {
		t = peek(p, 0);
		if (t.kind == LP_TOK_RBRACE) {
			take(p, 0);
			return pl;
		}
		if (t.kind == LP_TOK_EOF) {
			report_eof(p);
			goto fail;
		}
		if (section_inside(p, &t))
			goto fail;
		if (t.kind == LP_TOK_COMMA && after_value) {
			err(p, t.span, "options are separated by whitespace, not ','");
			take(p, 0);
			after_value = false;
			continue;
		}
		bool valid_name = t.kind == LP_TOK_STRING ||
				  (t.kind == LP_TOK_WORD && lp_word_is_name(t.text, t.len));
		if (!valid_name) {
			if (t.kind == LP_TOK_WORD)
				err(p, t.span, "invalid option name '%.*s' in %s '%s'", (int)t.len, t.text,
				    kind, name);
			else if (!(t.kind == LP_TOK_BAD && t.unterminated))
				err(p, t.span, "expected an option name or '}' in %s '%s', got %s", kind,
				    name, tok_show(&t, buf, sizeof(buf)));
			take(p, LP_LEX_REGEX);
			if (!resync_attr(p, inside))
				goto fail;
			after_value = false;
			continue;
		}
		take(p, 0);
		char *aname = name_text(p, &t);
		if (after_value && !t.space_before) {
			const lp_ast_value *prev = pl->attrs[pl->n_attrs - 1]->value;
			if (prev->kind == LP_AST_STRING && peek(p, 0).kind != LP_TOK_ARROW) {
				glued_to_string(p, &t, prev);
				lp_free(aname);
				if (!resync_attr(p, inside))
					goto fail;
				after_value = false;
				continue;
			}
			err(p, t.span, "missing whitespace before option '%s'", aname);
		}
		lp_token arrow = peek(p, 0);
		if (arrow.kind != LP_TOK_ARROW) {
			if (arrow.kind == LP_TOK_EOF)
				report_eof(p);
			else if (arrow.kind == LP_TOK_LBRACE) {
				err(p, t.span, "expected '=>' after option '%s', got '{' (a plugin cannot be nested in %s '%s')",
				    aname, kind, name);
				note_suspect(p);
			} else if (is_word(&t, "if")) {
				err(p, t.span, "'if' is not allowed inside %s '%s': is a '}' missing before it?",
				    kind, name);
				note_suspect(p);
			} else {
				err(p, arrow.span, "expected '=>' after option '%s', got %s", aname,
				    tok_show(&arrow, buf, sizeof(buf)));
				lp_free(aname);
				if (!resync_attr(p, inside))
					goto fail;
				after_value = false;
				continue;
			}
			lp_free(aname);
			goto fail;
		}
		take(p, 0);
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

/* ---- conditions ---- */

static lp_ast_expr *new_expr(lp_ast_expr_kind k, lp_span span)
{
	lp_ast_expr *e = lp_calloc(1, sizeof(*e));
	e->kind = k;
	e->span = span;
	return e;
}

static lp_ast_expr *parse_condition(parser *p, bool in_parens);

static lp_ast_expr *value_to_expr(const lp_ast_value *v, parser *p)
{
	switch (v->kind) {
	case LP_AST_STRING:
	case LP_AST_BAREWORD: {
		lp_ast_expr *e = new_expr(LP_EX_STRING, v->span);
		e->str = lp_strdup(v->str);
		return e;
	}
	case LP_AST_NUMBER: {
		lp_ast_expr *e = new_expr(LP_EX_NUMBER, v->span);
		e->str = lp_strdup(v->str);
		e->num = v->num;
		return e;
	}
	case LP_AST_ARRAY: {
		lp_ast_expr *e = new_expr(LP_EX_ARRAY, v->span);
		e->items = lp_calloc(v->n_items ? v->n_items : 1, sizeof(*e->items));
		for (size_t i = 0; i < v->n_items; i++) {
			e->items[i] = value_to_expr(v->items[i], p);
			if (!e->items[i]) {
				lp_ast_expr_destroy(e);
				return NULL;
			}
			e->n_items++;
		}
		return e;
	}
	default:
		err(p, v->span, "a %s cannot be used as a value in a condition",
		    v->kind == LP_AST_HASH ? "hash" : "plugin");
		return NULL;
	}
}

static void bad_rvalue(parser *p, const lp_token *t)
{
	char buf[64];
	if (t->kind == LP_TOK_EOF) {
		report_eof(p);
		return;
	}
	if (t->kind == LP_TOK_BAD && t->unterminated) {
		take(p, 0);
		return;
	}
	if (t->kind == LP_TOK_WORD && !lp_word_is_number(t->text, t->len)) {
		lp_token save = *t;
		lp_lexer copy = p->lx;
		lp_lexer_next(&copy, 0);
		if (lp_lexer_peek(&copy, 0).kind == LP_TOK_LPAREN) {
			err(p, save.span, "method calls are not supported in conditions");
			return;
		}
		err(p, t->span,
		    "unexpected '%.*s' in condition: write a field reference as [%.*s] or a string as \"%.*s\"",
		    (int)t->len, t->text, (int)t->len, t->text, (int)t->len, t->text);
		return;
	}
	err(p, t->span,
	    "expected a value in condition (a field reference like [field], a string, a number, an array or a regex), got %s",
	    tok_show(t, buf, sizeof(buf)));
}

/* rvalue: string / number / selector / array / regex. */
static lp_ast_expr *parse_rvalue(parser *p)
{
	lp_token t = peek(p, TF_COND);
	switch (t.kind) {
	case LP_TOK_STRING: {
		take(p, TF_COND);
		lp_ast_expr *e = new_expr(LP_EX_STRING, t.span);
		e->str = string_value(p, &t);
		return e;
	}
	case LP_TOK_SELECTOR: {
		take(p, TF_COND);
		lp_ast_expr *e = new_expr(LP_EX_FIELD, t.span);
		e->str = lp_strndup(t.text, t.len);
		return e;
	}
	case LP_TOK_REGEX: {
		take(p, TF_COND);
		lp_ast_expr *e = new_expr(LP_EX_REGEX, t.span);
		e->str = lp_strndup(t.text + 1, t.len - 2);
		return e;
	}
	case LP_TOK_LBRACKET: {
		lp_ast_value *v = parse_array(p);
		if (!v)
			return NULL;
		lp_ast_expr *e = value_to_expr(v, p);
		lp_ast_value_destroy(v);
		return e;
	}
	case LP_TOK_WORD:
		if (lp_word_is_number(t.text, t.len)) {
			take(p, TF_COND);
			lp_ast_expr *e = new_expr(LP_EX_NUMBER, t.span);
			e->str = lp_strndup(t.text, t.len);
			e->num = strtod(e->str, NULL);
			return e;
		}
		/* fall through */
	default:
		bad_rvalue(p, &t);
		return NULL;
	}
}

static bool tok_is_cmp(lp_tok_kind k, lp_ast_expr_kind *out)
{
	switch (k) {
	case LP_TOK_EQ: *out = LP_EX_EQ; return true;
	case LP_TOK_NE: *out = LP_EX_NE; return true;
	case LP_TOK_LT: *out = LP_EX_LT; return true;
	case LP_TOK_GT: *out = LP_EX_GT; return true;
	case LP_TOK_LE: *out = LP_EX_LE; return true;
	case LP_TOK_GE: *out = LP_EX_GE; return true;
	case LP_TOK_MATCH: *out = LP_EX_MATCH; return true;
	case LP_TOK_NOMATCH: *out = LP_EX_NOMATCH; return true;
	default: return false;
	}
}

/* expression: "(" condition ")" / "!" ( "(" condition ")" / selector ) /
 * rvalue [ (compare | regex | in | not in) rvalue ]. */
static lp_ast_expr *parse_expression(parser *p)
{
	char buf[64];
	lp_token t = peek(p, TF_COND);
	if (t.kind == LP_TOK_LPAREN) {
		take(p, TF_COND);
		lp_ast_expr *e = parse_condition(p, true);
		if (!e)
			return NULL;
		lp_token close = peek(p, TF_COND);
		if (close.kind != LP_TOK_RPAREN) {
			/* parse_condition reported what it found */
			lp_ast_expr_destroy(e);
			return NULL;
		}
		take(p, TF_COND);
		return e;
	}
	if (t.kind == LP_TOK_BANG) {
		take(p, TF_COND);
		lp_token n = peek(p, TF_COND);
		lp_ast_expr *inner = NULL;
		if (n.kind == LP_TOK_LPAREN) {
			inner = parse_expression(p);
		} else if (n.kind == LP_TOK_SELECTOR) {
			inner = parse_rvalue(p);
		} else {
			err(p, n.span,
			    "'!' must be followed by a field reference or a parenthesised condition, got %s",
			    tok_show(&n, buf, sizeof(buf)));
			return NULL;
		}
		if (!inner)
			return NULL;
		lp_ast_expr *e = new_expr(LP_EX_NOT, span_between(&t, p->lx.pos));
		e->l = inner;
		return e;
	}
	lp_ast_expr *l = parse_rvalue(p);
	if (!l)
		return NULL;
	lp_token op = peek(p, TF_COND);
	lp_ast_expr_kind k;
	if (tok_is_cmp(op.kind, &k)) {
		take(p, TF_COND);
		lp_ast_expr *r;
		if (k == LP_EX_MATCH || k == LP_EX_NOMATCH) {
			lp_token rt = peek(p, TF_COND);
			if (rt.kind != LP_TOK_STRING && rt.kind != LP_TOK_REGEX) {
				if (rt.kind == LP_TOK_EOF)
					report_eof(p);
				else
					err(p, rt.span, "expected a string or a regex after %s, got %s",
					    lp_tok_describe(op.kind), tok_show(&rt, buf, sizeof(buf)));
				lp_ast_expr_destroy(l);
				return NULL;
			}
			r = parse_rvalue(p);
		} else {
			r = parse_rvalue(p);
		}
		if (!r) {
			lp_ast_expr_destroy(l);
			return NULL;
		}
		lp_token first = t;
		lp_ast_expr *e = new_expr(k, span_between(&first, p->lx.pos));
		e->l = l;
		e->r = r;
		return e;
	}
	if (is_word(&op, "in") || is_word(&op, "not")) {
		bool neg = is_word(&op, "not");
		take(p, TF_COND);
		if (neg) {
			lp_token in = peek(p, TF_COND);
			if (!is_word(&in, "in") || !in.space_before) {
				err(p, in.span, "expected 'in' after 'not', got %s",
				    tok_show(&in, buf, sizeof(buf)));
				lp_ast_expr_destroy(l);
				return NULL;
			}
			take(p, TF_COND);
		}
		lp_ast_expr *r = parse_rvalue(p);
		if (!r) {
			lp_ast_expr_destroy(l);
			return NULL;
		}
		lp_ast_expr *e = new_expr(neg ? LP_EX_NOT_IN : LP_EX_IN, span_between(&t, p->lx.pos));
		e->l = l;
		e->r = r;
		return e;
	}
	return l; /* a bare rvalue: a truthiness test */
}

static int bool_op(const lp_token *t, lp_ast_expr_kind *k)
{
	if (is_word(t, "and"))
		*k = LP_EX_AND;
	else if (is_word(t, "or"))
		*k = LP_EX_OR;
	else if (is_word(t, "xor"))
		*k = LP_EX_XOR;
	else if (is_word(t, "nand"))
		*k = LP_EX_NAND;
	else
		return 0;
	return 1;
}

/* Reports what follows a complete expression when it is not a boolean
 * operator or the expected closer. */
static void bad_after_expr(parser *p, const lp_token *t, bool in_parens, const lp_ast_expr *prev)
{
	char buf[64];
	const char *closer = in_parens ? "')'" : "'{'";
	lp_ast_expr_kind cmp;
	if (t->kind == LP_TOK_EOF) {
		report_eof(p);
		return;
	}
	if (prev && prev->kind == LP_EX_NOT && prev->l->kind == LP_EX_FIELD && tok_is_cmp(t->kind, &cmp)) {
		err(p, t->span, "'!' applies to %s alone: write !(%s %s ...) to negate the comparison",
		    prev->l->str, prev->l->str, lp_expr_kind_name(cmp));
		return;
	}
	if (t->kind == LP_TOK_WORD) {
		static const char *const ops[] = { "and", "or", "xor", "nand", "in", "not", NULL };
		for (size_t i = 0; ops[i]; i++) {
			if (t->len == strlen(ops[i]) && strncasecmp(t->text, ops[i], t->len) == 0) {
				err(p, t->span, "unknown operator '%.*s': operators are lower-case, use '%s'",
				    (int)t->len, t->text, ops[i]);
				return;
			}
		}
	}
	if (t->kind == LP_TOK_BAD && t->len == 1 && (t->text[0] == '&' || t->text[0] == '|')) {
		const char *rest = t->text + 1;
		bool twice = (size_t)(rest - p->file->text) < p->file->len && *rest == t->text[0];
		err(p, t->span, "unknown operator '%s': use '%s'",
		    t->text[0] == '&' ? (twice ? "&&" : "&") : (twice ? "||" : "|"),
		    t->text[0] == '&' ? "and" : "or");
		return;
	}
	if (t->kind == LP_TOK_BAD && t->len == 1 && t->text[0] == '=') {
		err(p, t->span, "unknown operator '=': use '==' to compare");
		return;
	}
	err(p, t->span, "expected a boolean operator (and, or, xor, nand) or %s, got %s", closer,
	    tok_show(t, buf, sizeof(buf)));
}

/* Precedence, as Logstash 8 does it (logstash-core lscl.rb,
 * Condition#join_conditions): the expressions and operators of one level
 * (outside parentheses) go through a shunting yard where 'and' (2) binds
 * tighter than 'or' (1). Its quirks are kept so that a condition means what
 * it means in Logstash:
 *   - an operator pops at most ONE operator of strictly higher precedence
 *     before being pushed, and equal precedence does not pop, so chains
 *     group to the right: "a or b or c" is a or (b or c), and
 *     "a and b and c or d" is a and ((b and c) or d) — not the usual
 *     ((a and b) and c) or d. Parenthesise to be explicit.
 *   - 'xor' and 'nand' have no precedence: Logstash rejects them when a level
 *     has more than one operator, so they must be the only operator of their
 *     level (use parentheses to combine them).
 * The result is a tree of binary LP_EX_AND/OR/XOR/NAND nodes. */
static lp_ast_expr *join_conditions(parser *p, lp_ast_expr **exprs, size_t n_exprs,
				    lp_ast_expr_kind *ops, lp_token *op_toks, size_t n_ops)
{
	if (n_ops >= 2) {
		for (size_t i = 0; i < n_ops; i++) {
			if (ops[i] == LP_EX_XOR || ops[i] == LP_EX_NAND) {
				err(p, op_toks[i].span,
				    "'%s' cannot be combined with other boolean operators without parentheses",
				    ops[i] == LP_EX_XOR ? "xor" : "nand");
				for (size_t j = 0; j < n_exprs; j++)
					lp_ast_expr_destroy(exprs[j]);
				return NULL;
			}
		}
	}
	/* out: reverse Polish; an operator is encoded as -(index+1) */
	long *out = lp_malloc((n_exprs + n_ops) * sizeof(long));
	long *stack = lp_malloc((n_ops + 1) * sizeof(long));
	size_t n_out = 0, n_stack = 0;
	out[n_out++] = 0;
	for (size_t i = 0; i < n_ops; i++) {
		int prec = ops[i] == LP_EX_AND ? 2 : 1;
		if (n_stack) {
			int top = ops[stack[n_stack - 1]] == LP_EX_AND ? 2 : 1;
			if (top > prec)
				out[n_out++] = -(stack[--n_stack] + 1);
		}
		stack[n_stack++] = (long)i;
		out[n_out++] = (long)(i + 1);
	}
	while (n_stack)
		out[n_out++] = -(stack[--n_stack] + 1);
	lp_ast_expr **vals = lp_malloc(n_exprs * sizeof(*vals));
	size_t n_vals = 0;
	for (size_t i = 0; i < n_out; i++) {
		if (out[i] >= 0) {
			vals[n_vals++] = exprs[out[i]];
		} else {
			size_t oi = (size_t)(-out[i] - 1);
			lp_ast_expr *r = vals[--n_vals], *l = vals[--n_vals];
			lp_span sp = l->span;
			if (r->span.line == l->span.line && r->span.col + r->span.len > l->span.col)
				sp.len = r->span.col + r->span.len - l->span.col;
			lp_ast_expr *e = new_expr(ops[oi], sp);
			e->l = l;
			e->r = r;
			vals[n_vals++] = e;
		}
	}
	lp_ast_expr *res = vals[0];
	lp_free(vals);
	lp_free(out);
	lp_free(stack);
	return res;
}

/* condition: expression (boolean_operator expression)*, ending before '{'
 * (or ')' when in_parens, which the caller consumes). */
static lp_ast_expr *parse_condition(parser *p, bool in_parens)
{
	lp_ast_expr **exprs = NULL;
	lp_ast_expr_kind *ops = NULL;
	lp_token *op_toks = NULL;
	size_t n_exprs = 0, n_ops = 0, cap_e = 0, cap_o = 0, cap_t = 0;
	for (;;) {
		lp_ast_expr *e = parse_expression(p);
		if (!e)
			goto fail;
		LP_GROW(exprs, cap_e, n_exprs + 1);
		exprs[n_exprs++] = e;
		lp_token t = peek(p, TF_COND);
		lp_ast_expr_kind k;
		if (bool_op(&t, &k)) {
			take(p, TF_COND);
			LP_GROW(ops, cap_o, n_ops + 1);
			LP_GROW(op_toks, cap_t, n_ops + 1);
			ops[n_ops] = k;
			op_toks[n_ops++] = t;
			continue;
		}
		if ((in_parens && t.kind == LP_TOK_RPAREN) || (!in_parens && t.kind == LP_TOK_LBRACE))
			break;
		if (!in_parens && p->cond_only && t.kind == LP_TOK_EOF)
			break;
		bad_after_expr(p, &t, in_parens, e);
		goto fail;
	}
	lp_ast_expr *res = join_conditions(p, exprs, n_exprs, ops, op_toks, n_ops);
	lp_free(exprs);
	lp_free(ops);
	lp_free(op_toks);
	return res;
fail:
	for (size_t i = 0; i < n_exprs; i++)
		lp_ast_expr_destroy(exprs[i]);
	lp_free(exprs);
	lp_free(ops);
	lp_free(op_toks);
	return NULL;
}

/* ---- statements and sections ---- */

typedef struct stmt_list {
	lp_ast_stmt **v;
	size_t n, cap;
} stmt_list;

static void parse_stmts(parser *p, lp_section_kind kind, stmt_list *out);

/* "{" statements "}" of a branch. */
static bool parse_block(parser *p, lp_section_kind kind, lp_ast_branch *b, const char *label)
{
	char buf[64];
	lp_token t = peek(p, 0);
	if (t.kind != LP_TOK_LBRACE) {
		if (t.kind == LP_TOK_EOF)
			report_eof(p);
		else
			err(p, t.span, "expected '{' after 'else', got %s", tok_show(&t, buf, sizeof(buf)));
		return false;
	}
	take(p, 0);
	label_top(p, lp_strdup(label));
	stmt_list l = { NULL, 0, 0 };
	parse_stmts(p, kind, &l);
	b->body = l.v;
	b->n_body = l.n;
	t = peek(p, 0);
	if (t.kind != LP_TOK_RBRACE) {
		report_eof(p); /* silent when unwinding */
		return false;
	}
	take(p, 0);
	return true;
}

/* After a bad condition: skips to the '{' of the branch at this level.
 * Returns false when there is none (end of file, a '}' or a new section). */
static bool skip_to_block(parser *p)
{
	size_t depth = p->n_open;
	for (;;) {
		if (p->dead || p->unwind)
			return false;
		lp_token t = peek(p, TF_COND);
		if (t.kind == LP_TOK_EOF)
			return false;
		if (p->n_open == depth) {
			if (t.kind == LP_TOK_LBRACE)
				return true;
			if (t.kind == LP_TOK_RBRACE || section_inside(p, &t))
				return false;
		}
		take(p, TF_COND);
	}
}

/* One branch: [condition] "{" statements "}". Returns NULL on error; then
 * *consumed tells whether its block was still parsed (so that errors in the
 * body are reported and the chain can go on). */
static lp_ast_branch *parse_branch(parser *p, lp_section_kind kind, const lp_token *kw, bool has_cond,
				   const char *label, bool *consumed)
{
	*consumed = false;
	lp_ast_branch *b = lp_calloc(1, sizeof(*b));
	b->span = kw->span;
	bool cond_ok = true;
	if (has_cond) {
		lp_token t = peek(p, TF_COND);
		if (t.kind == LP_TOK_LBRACE) {
			err(p, t.span, "expected a condition after '%s', got '{'", label);
			cond_ok = false;
		} else {
			b->cond = parse_condition(p, false);
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
static lp_ast_stmt *parse_if(parser *p, lp_section_kind kind)
{
	size_t depth = p->n_open;
	lp_token kw = take(p, 0);
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
		lp_token t = peek(p, 0);
		if (!is_word(&t, "else"))
			break;
		take(p, 0);
		lp_token n = peek(p, TF_COND);
		bool elif = is_word(&n, "if");
		if (elif)
			take(p, 0);
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
		lp_token t = peek(p, 0);
		if (!is_word(&t, "else") || p->dead || p->unwind)
			break;
		take(p, 0);
		recover(p, depth);
	}
	return NULL;
}

static lp_ast_stmt *parse_plugin_stmt(parser *p, lp_section_kind kind)
{
	lp_token t = take(p, 0);
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
static void parse_stmts(parser *p, lp_section_kind kind, stmt_list *out)
{
	char buf[64];
	for (;;) {
		lp_token t = peek(p, 0);
		if (t.kind == LP_TOK_RBRACE || t.kind == LP_TOK_EOF || p->dead || p->unwind ||
		    section_inside(p, &t))
			return;
		lp_ast_stmt *s = NULL;
		size_t depth = p->n_open;
		if (is_word(&t, "if")) {
			if (kind == LP_SECTION_INPUT) {
				err(p, t.span, "conditionals are not allowed in the input section");
				lp_ast_stmt_destroy(parse_if(p, kind));
				continue;
			}
			s = parse_if(p, kind);
		} else if (is_word(&t, "else")) {
			err(p, t.span, "'else' without a preceding 'if'");
			take(p, 0);
			recover(p, depth);
			continue;
		} else if (t.kind == LP_TOK_STRING || (t.kind == LP_TOK_WORD && lp_word_is_name(t.text, t.len))) {
			s = parse_plugin_stmt(p, kind);
		} else {
			if (t.kind == LP_TOK_BAD && t.unterminated)
				take(p, 0);
			else if (kind == LP_SECTION_INPUT)
				err(p, t.span, "expected a plugin name, got %s", tok_show(&t, buf, sizeof(buf)));
			else
				err(p, t.span, "expected a plugin name or 'if', got %s",
				    tok_show(&t, buf, sizeof(buf)));
			take(p, 0);
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

static void parse_file(parser *p, lp_ast_config *cfg)
{
	char buf[64];
	size_t cap = cfg->n_sections;
	for (;;) {
		lp_token t = peek(p, 0);
		if (t.kind == LP_TOK_EOF || p->dead)
			return;
		int kind = -1;
		for (int i = 0; section_names[i]; i++)
			if (is_word(&t, section_names[i]))
				kind = i;
		if (kind < 0) {
			if (t.kind == LP_TOK_WORD) {
				char *w = lp_strndup(t.text, t.len);
				const char *s = lp_diag_suggest(w, section_names);
				if (s)
					err(p, t.span, "unknown section '%s' (did you mean '%s'?)", w, s);
				else
					err(p, t.span, "unknown section '%s': expected 'input', 'filter' or 'output'",
					    w);
				lp_free(w);
			} else if (t.kind == LP_TOK_RBRACE) {
				err(p, t.span, "unexpected '}' with no open block");
			} else if (!(t.kind == LP_TOK_BAD && t.unterminated)) {
				err(p, t.span, "expected 'input', 'filter' or 'output', got %s",
				    tok_show(&t, buf, sizeof(buf)));
			}
			take(p, 0);
			if (t.kind != LP_TOK_RBRACE)
				recover(p, 0);
			continue;
		}
		take(p, 0);
		lp_token open = peek(p, 0);
		if (open.kind != LP_TOK_LBRACE) {
			err(p, open.span, "expected '{' after '%s', got %s", section_names[kind],
			    tok_show(&open, buf, sizeof(buf)));
			recover(p, 0);
			continue;
		}
		take(p, 0);
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
		lp_token close = peek(p, 0);
		if (close.kind != LP_TOK_RBRACE) {
			report_eof(p);
			return;
		}
		take(p, 0);
	}
}

static void parser_fini(parser *p)
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
	parser p;
	memset(&p, 0, sizeof(p));
	lp_lexer_init(&p.lx, file);
	p.file = file;
	p.diag = diag;
	parse_file(&p, cfg);
	parser_fini(&p);
}

lp_ast_expr *lp_conf_parse_condition(const lp_source_file *file, lp_diag *diag)
{
	parser p;
	memset(&p, 0, sizeof(p));
	lp_lexer_init(&p.lx, file);
	p.file = file;
	p.diag = diag;
	p.cond_only = true;
	lp_diag_add_file(diag, file);
	lp_ast_expr *e = NULL;
	lp_token t = peek(&p, TF_COND);
	if (t.kind == LP_TOK_EOF) {
		err(&p, t.span, "expected a condition, got the end of the file");
		goto done;
	}
	e = parse_condition(&p, false);
	if (e && peek(&p, TF_COND).kind != LP_TOK_EOF) {
		char buf[64];
		lp_token rest = peek(&p, TF_COND);
		err(&p, rest.span, "unexpected %s after the condition", tok_show(&rest, buf, sizeof(buf)));
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

const char *lp_expr_kind_name(lp_ast_expr_kind k)
{
	static const char *const names[] = {
		"and", "or", "xor", "nand", "!", "==", "!=", "<", ">", "<=", ">=", "=~", "!~", "in",
		"not in", "field", "string", "number", "regex", "array",
	};
	return (size_t)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}
