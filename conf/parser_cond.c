/* parser_cond: conditions of if / else if, with Logstash 8's operator
 * precedence (see join_conditions). */
#include "conf/parser.h"
#include "conf/parser_int.h"

#include "pipeline/buf.h"
#include "pipeline/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static lp_ast_expr *new_expr(lp_ast_expr_kind k, lp_span span)
{
	lp_ast_expr *e = lp_calloc(1, sizeof(*e));
	e->kind = k;
	e->span = span;
	return e;
}

static lp_ast_expr *value_to_expr(const lp_ast_value *v, lp_parser *p)
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
		lp_parser_error(p, v->span, "a %s cannot be used as a value in a condition",
		    v->kind == LP_AST_HASH ? "hash" : "plugin");
		return NULL;
	}
}

static void bad_rvalue(lp_parser *p, const lp_token *t)
{
	char buf[64];
	if (t->kind == LP_TOK_EOF) {
		lp_parser_eof(p);
		return;
	}
	if (t->kind == LP_TOK_BAD && t->unterminated) {
		lp_parser_take(p, 0);
		return;
	}
	if (t->kind == LP_TOK_WORD && !lp_word_is_number(t->text, t->len)) {
		lp_token save = *t;
		lp_lexer copy = p->lx;
		lp_lexer_next(&copy, 0);
		if (lp_lexer_peek(&copy, 0).kind == LP_TOK_LPAREN) {
			lp_parser_error(p, save.span, "method calls are not supported in conditions");
			return;
		}
		lp_parser_error(p, t->span,
		    "unexpected '%.*s' in condition: write a field reference as [%.*s] or a string as \"%.*s\"",
		    (int)t->len, t->text, (int)t->len, t->text, (int)t->len, t->text);
		return;
	}
	lp_parser_error(p, t->span,
	    "expected a value in condition (a field reference like [field], a string, a number, an array or a regex), got %s",
	    lp_parser_tok_show(t, buf, sizeof(buf)));
}

/* rvalue: string / number / selector / array / regex. */
static lp_ast_expr *parse_rvalue(lp_parser *p)
{
	lp_token t = lp_parser_peek(p, LP_TF_COND);
	switch (t.kind) {
	case LP_TOK_STRING: {
		lp_parser_take(p, LP_TF_COND);
		lp_ast_expr *e = new_expr(LP_EX_STRING, t.span);
		e->str = lp_parser_string(p, &t);
		return e;
	}
	case LP_TOK_SELECTOR: {
		lp_parser_take(p, LP_TF_COND);
		lp_ast_expr *e = new_expr(LP_EX_FIELD, t.span);
		e->str = lp_strndup(t.text, t.len);
		return e;
	}
	case LP_TOK_REGEX: {
		lp_parser_take(p, LP_TF_COND);
		lp_ast_expr *e = new_expr(LP_EX_REGEX, t.span);
		e->str = lp_strndup(t.text + 1, t.len - 2);
		return e;
	}
	case LP_TOK_LBRACKET: {
		lp_ast_value *v = lp_parser_array(p);
		if (!v)
			return NULL;
		lp_ast_expr *e = value_to_expr(v, p);
		lp_ast_value_destroy(v);
		return e;
	}
	case LP_TOK_WORD:
		if (lp_word_is_number(t.text, t.len)) {
			lp_parser_take(p, LP_TF_COND);
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
static lp_ast_expr *parse_expression(lp_parser *p)
{
	char buf[64];
	lp_token t = lp_parser_peek(p, LP_TF_COND);
	if (t.kind == LP_TOK_LPAREN) {
		lp_parser_take(p, LP_TF_COND);
		lp_ast_expr *e = lp_parser_condition(p, true);
		if (!e)
			return NULL;
		lp_token close = lp_parser_peek(p, LP_TF_COND);
		if (close.kind != LP_TOK_RPAREN) {
			/* parse_condition reported what it found */
			lp_ast_expr_destroy(e);
			return NULL;
		}
		lp_parser_take(p, LP_TF_COND);
		return e;
	}
	if (t.kind == LP_TOK_BANG) {
		lp_parser_take(p, LP_TF_COND);
		lp_token n = lp_parser_peek(p, LP_TF_COND);
		lp_ast_expr *inner = NULL;
		if (n.kind == LP_TOK_LPAREN) {
			inner = parse_expression(p);
		} else if (n.kind == LP_TOK_SELECTOR) {
			inner = parse_rvalue(p);
		} else {
			lp_parser_error(p, n.span,
			    "'!' must be followed by a field reference or a parenthesised condition, got %s",
			    lp_parser_tok_show(&n, buf, sizeof(buf)));
			return NULL;
		}
		if (!inner)
			return NULL;
		lp_ast_expr *e = new_expr(LP_EX_NOT, lp_parser_span_between(&t, p->lx.pos));
		e->l = inner;
		return e;
	}
	lp_ast_expr *l = parse_rvalue(p);
	if (!l)
		return NULL;
	lp_token op = lp_parser_peek(p, LP_TF_COND);
	lp_ast_expr_kind k;
	if (tok_is_cmp(op.kind, &k)) {
		lp_parser_take(p, LP_TF_COND);
		lp_ast_expr *r;
		if (k == LP_EX_MATCH || k == LP_EX_NOMATCH) {
			lp_token rt = lp_parser_peek(p, LP_TF_COND);
			if (rt.kind != LP_TOK_STRING && rt.kind != LP_TOK_REGEX) {
				if (rt.kind == LP_TOK_EOF)
					lp_parser_eof(p);
				else
					lp_parser_error(p, rt.span, "expected a string or a regex after %s, got %s",
					    lp_tok_describe(op.kind), lp_parser_tok_show(&rt, buf, sizeof(buf)));
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
		lp_ast_expr *e = new_expr(k, lp_parser_span_between(&first, p->lx.pos));
		e->l = l;
		e->r = r;
		return e;
	}
	if (lp_parser_is_word(&op, "in") || lp_parser_is_word(&op, "not")) {
		bool neg = lp_parser_is_word(&op, "not");
		lp_parser_take(p, LP_TF_COND);
		if (neg) {
			lp_token in = lp_parser_peek(p, LP_TF_COND);
			if (!lp_parser_is_word(&in, "in") || !in.space_before) {
				lp_parser_error(p, in.span, "expected 'in' after 'not', got %s",
				    lp_parser_tok_show(&in, buf, sizeof(buf)));
				lp_ast_expr_destroy(l);
				return NULL;
			}
			lp_parser_take(p, LP_TF_COND);
		}
		lp_ast_expr *r = parse_rvalue(p);
		if (!r) {
			lp_ast_expr_destroy(l);
			return NULL;
		}
		lp_ast_expr *e = new_expr(neg ? LP_EX_NOT_IN : LP_EX_IN, lp_parser_span_between(&t, p->lx.pos));
		e->l = l;
		e->r = r;
		return e;
	}
	return l; /* a bare rvalue: a truthiness test */
}

static int bool_op(const lp_token *t, lp_ast_expr_kind *k)
{
	if (lp_parser_is_word(t, "and"))
		*k = LP_EX_AND;
	else if (lp_parser_is_word(t, "or"))
		*k = LP_EX_OR;
	else if (lp_parser_is_word(t, "xor"))
		*k = LP_EX_XOR;
	else if (lp_parser_is_word(t, "nand"))
		*k = LP_EX_NAND;
	else
		return 0;
	return 1;
}

/* Reports what follows a complete expression when it is not a boolean
 * operator or the expected closer. */
static void bad_after_expr(lp_parser *p, const lp_token *t, bool in_parens, const lp_ast_expr *prev)
{
	char buf[64];
	const char *closer = in_parens ? "')'" : "'{'";
	lp_ast_expr_kind cmp;
	if (t->kind == LP_TOK_EOF) {
		lp_parser_eof(p);
		return;
	}
	if (prev && prev->kind == LP_EX_NOT && prev->l->kind == LP_EX_FIELD && tok_is_cmp(t->kind, &cmp)) {
		lp_parser_error(p, t->span, "'!' applies to %s alone: write !(%s %s ...) to negate the comparison",
		    prev->l->str, prev->l->str, lp_expr_kind_name(cmp));
		return;
	}
	if (t->kind == LP_TOK_WORD) {
		static const char *const ops[] = { "and", "or", "xor", "nand", "in", "not", NULL };
		for (size_t i = 0; ops[i]; i++) {
			if (t->len == strlen(ops[i]) && strncasecmp(t->text, ops[i], t->len) == 0) {
				lp_parser_error(p, t->span, "unknown operator '%.*s': operators are lower-case, use '%s'",
				    (int)t->len, t->text, ops[i]);
				return;
			}
		}
	}
	if (t->kind == LP_TOK_BAD && t->len == 1 && (t->text[0] == '&' || t->text[0] == '|')) {
		const char *rest = t->text + 1;
		bool twice = (size_t)(rest - p->file->text) < p->file->len && *rest == t->text[0];
		lp_parser_error(p, t->span, "unknown operator '%s': use '%s'",
		    t->text[0] == '&' ? (twice ? "&&" : "&") : (twice ? "||" : "|"),
		    t->text[0] == '&' ? "and" : "or");
		return;
	}
	if (t->kind == LP_TOK_BAD && t->len == 1 && t->text[0] == '=') {
		lp_parser_error(p, t->span, "unknown operator '=': use '==' to compare");
		return;
	}
	lp_parser_error(p, t->span, "expected a boolean operator (and, or, xor, nand) or %s, got %s", closer,
	    lp_parser_tok_show(t, buf, sizeof(buf)));
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
static lp_ast_expr *join_conditions(lp_parser *p, lp_ast_expr **exprs, size_t n_exprs,
				    lp_ast_expr_kind *ops, lp_token *op_toks, size_t n_ops)
{
	if (n_ops >= 2) {
		for (size_t i = 0; i < n_ops; i++) {
			if (ops[i] == LP_EX_XOR || ops[i] == LP_EX_NAND) {
				lp_parser_error(p, op_toks[i].span,
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
lp_ast_expr *lp_parser_condition(lp_parser *p, bool in_parens)
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
		lp_token t = lp_parser_peek(p, LP_TF_COND);
		lp_ast_expr_kind k;
		if (bool_op(&t, &k)) {
			lp_parser_take(p, LP_TF_COND);
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


const char *lp_expr_kind_name(lp_ast_expr_kind k)
{
	static const char *const names[] = {
		"and", "or", "xor", "nand", "!", "==", "!=", "<", ">", "<=", ">=", "=~", "!~", "in",
		"not in", "field", "string", "number", "regex", "array",
	};
	return (size_t)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}
