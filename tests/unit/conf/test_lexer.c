/* Tests for conf/lexer: token kinds and positions, strings without escape
 * processing, comments, selectors and regexes by context, word classes. */
#include "lp_test.h"

#include "conf/lexer.h"
#include "conf_util.h"

/* All tokens of text with flags, rendered as KIND:text separated by spaces. */
static char *tokens(const char *text, unsigned flags)
{
	static const char *const names[] = {
		"EOF", "STR", "WORD", "SEL", "RE", "{", "}", "[", "]", "(", ")", ",", "=>",
		"==", "!=", "<=", ">=", "<", ">", "=~", "!~", "!", "BAD",
	};
	lp_source_file *f = cu_file("l.conf", text);
	lp_lexer lx;
	lp_lexer_init(&lx, f);
	lp_buf b = LP_BUF_INIT;
	for (;;) {
		lp_token t = lp_lexer_next(&lx, flags);
		if (t.kind == LP_TOK_EOF)
			break;
		if (b.len)
			lp_buf_addc(&b, ' ');
		lp_buf_adds(&b, names[t.kind]);
		if (t.kind == LP_TOK_STRING || t.kind == LP_TOK_WORD || t.kind == LP_TOK_SELECTOR ||
		    t.kind == LP_TOK_REGEX || t.kind == LP_TOK_BAD) {
			lp_buf_addc(&b, ':');
			lp_buf_add(&b, t.text, t.len);
		}
	}
	char *r = lp_strdup(lp_buf_str(&b));
	lp_buf_fini(&b);
	cu_file_free(f);
	return r;
}

static void test_punctuation(void)
{
	CHECK_OWNED_STR(tokens("{ } [ ] ( ) , => == != <= >= < > =~ !~ !", 0),
			"{ } [ ] ( ) , => == != <= >= < > =~ !~ !");
	CHECK_OWNED_STR(tokens("a=>b", 0), "WORD:a => WORD:b");
	CHECK_OWNED_STR(tokens("@ = & é", 0), "BAD:@ BAD:= BAD:& BAD:é");
}

static void test_words(void)
{
	CHECK_OWNED_STR(tokens("abc a_b-c 12 -5 1.5 3. x.y _u", 0),
			"WORD:abc WORD:a_b-c WORD:12 WORD:-5 WORD:1.5 WORD:3. WORD:x.y WORD:_u");
	CHECK(lp_word_is_number("-12", 3));
	CHECK(lp_word_is_number("1.", 2));
	CHECK(lp_word_is_number("0.25", 4));
	CHECK(!lp_word_is_number("-", 1));
	CHECK(!lp_word_is_number("1.2.3", 5));
	CHECK(!lp_word_is_number("5xx", 3));
	CHECK(lp_word_is_bareword("ab", 2));
	CHECK(lp_word_is_bareword("_x9", 3));
	CHECK(!lp_word_is_bareword("a", 1));
	CHECK(!lp_word_is_bareword("9a", 2));
	CHECK(!lp_word_is_bareword("a-b", 3));
	CHECK(lp_word_is_name("a-b", 3));
	CHECK(lp_word_is_name("9", 1));
	CHECK(!lp_word_is_name("a.b", 3));
}

static void test_strings(void)
{
	CHECK_OWNED_STR(tokens("\"a b\" 'c d'", 0), "STR:\"a b\" STR:'c d'");
	/* no escapes: \" does not close, and stays in the text */
	CHECK_OWNED_STR(tokens("\"x\\\"y\" z", 0), "STR:\"x\\\"y\" WORD:z");
	CHECK_OWNED_STR(tokens("'x\\'y' z", 0), "STR:'x\\'y' WORD:z");
	CHECK_OWNED_STR(tokens("\"\\1***\\2\"", 0), "STR:\"\\1***\\2\"");
	/* a backslash before another character is plain */
	CHECK_OWNED_STR(tokens("\"C:\\dir\" x", 0), "STR:\"C:\\dir\" WORD:x");
	/* "\\" followed by a quote: the pair \" does not close (as Logstash) */
	CHECK_OWNED_STR(tokens("\"a\\\\\" b\"", 0), "STR:\"a\\\\\" b\"");
	CHECK_OWNED_STR(tokens("\"# not a comment\"", 0), "STR:\"# not a comment\"");
	/* unterminated: the rest of the file, flagged */
	lp_source_file *f = cu_file("l.conf", "a => \"open\n more");
	lp_lexer lx;
	lp_lexer_init(&lx, f);
	lp_lexer_next(&lx, 0);
	lp_lexer_next(&lx, 0);
	lp_token t = lp_lexer_next(&lx, 0);
	CHECK_INT(t.kind, LP_TOK_BAD);
	CHECK(t.unterminated);
	CHECK_INT(t.span.col, 6);
	CHECK_INT(lp_lexer_next(&lx, 0).kind, LP_TOK_EOF);
	cu_file_free(f);
}

static void test_comments(void)
{
	CHECK_OWNED_STR(tokens("a # comment { \"\n b#c\n#last", 0), "WORD:a WORD:b");
	lp_source_file *f = cu_file("l.conf", "a #x\nb c");
	lp_lexer lx;
	lp_lexer_init(&lx, f);
	lp_token t = lp_lexer_next(&lx, 0);
	CHECK(!t.space_before);
	t = lp_lexer_next(&lx, 0);
	CHECK(t.space_before);
	CHECK_INT(t.span.line, 2);
	CHECK_INT(t.span.col, 1);
	t = lp_lexer_next(&lx, 0);
	CHECK_INT(t.span.col, 3);
	cu_file_free(f);
}

static void test_context(void)
{
	/* '[' is a selector only when asked and when it is one */
	CHECK_OWNED_STR(tokens("[a][b] [c]", 0), "[ WORD:a ] [ WORD:b ] [ WORD:c ]");
	CHECK_OWNED_STR(tokens("[a][b] [c d]", LP_LEX_SELECTOR), "SEL:[a][b] SEL:[c d]");
	CHECK_OWNED_STR(tokens("[\"a\", \"b\"]", LP_LEX_SELECTOR), "[ STR:\"a\" , STR:\"b\" ]");
	CHECK_OWNED_STR(tokens("[]", LP_LEX_SELECTOR), "[ ]");
	CHECK_OWNED_STR(tokens("[a][]", LP_LEX_SELECTOR), "SEL:[a] [ ]");
	/* regexes only when asked; \/ does not end one; one line only */
	CHECK_OWNED_STR(tokens("/a\\/b/ x", LP_LEX_REGEX), "RE:/a\\/b/ WORD:x");
	CHECK_OWNED_STR(tokens("/a\\/b/", 0), "BAD:/ WORD:a BAD:\\ BAD:/ WORD:b BAD:/");
	CHECK_OWNED_STR(tokens("/open\n/", LP_LEX_REGEX), "BAD:/ WORD:open BAD:/");
}

static void test_positions(void)
{
	lp_source_file *f = cu_file("l.conf", "ab\n  \"x\ny\" cd");
	lp_lexer lx;
	lp_lexer_init(&lx, f);
	lp_token t = lp_lexer_next(&lx, 0);
	CHECK_INT(t.span.line, 1);
	CHECK_INT(t.span.col, 1);
	CHECK_INT(t.span.len, 2);
	t = lp_lexer_next(&lx, 0);
	CHECK_INT(t.span.line, 2);
	CHECK_INT(t.span.col, 3);
	CHECK_INT(t.len, 5);
	CHECK_INT(t.off, 5);
	t = lp_lexer_next(&lx, 0);
	CHECK_INT(t.span.line, 3);
	CHECK_INT(t.span.col, 4);
	lp_span end = lp_lexer_end_span(&lx);
	CHECK_INT(end.line, 3);
	CHECK_INT(end.col, 6);
	lp_span at = lp_lexer_span_at(f, 8, 2);
	CHECK_INT(at.line, 3);
	CHECK_INT(at.col, 1);
	CHECK_INT(at.len, 2);
	/* peek does not consume */
	lp_lexer_init(&lx, f);
	CHECK_INT(lp_lexer_peek(&lx, 0).span.col, 1);
	CHECK_INT(lp_lexer_peek(&lx, 0).span.col, 1);
	CHECK_INT(lp_lexer_next(&lx, 0).len, 2);
	cu_file_free(f);
}

int main(void)
{
	LP_RUN(test_punctuation);
	LP_RUN(test_words);
	LP_RUN(test_strings);
	LP_RUN(test_comments);
	LP_RUN(test_context);
	LP_RUN(test_positions);
	return lp_test_report();
}
