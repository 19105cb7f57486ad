/* Tests for conf/parser: the Logstash grammar (every construct), the
 * no-escape rule for strings, comments in odd places, Logstash's boolean
 * precedence, and every syntax error with its exact message. */
#include "lp_test.h"

#include "conf_util.h"

static void test_sections_and_plugins(void)
{
	CHECK_OWNED_STR(cu_parse_render("input { stdin { } } filter { } output { stdout {} } filter { drop {} }"),
			"input: stdin{} | filter: | output: stdout{} | filter: drop{}");
	CHECK_OWNED_STR(cu_parse_render(""), "");
	CHECK_OWNED_STR(cu_parse_render("  # only a comment"), "");
	/* names may hold '-' and digits, or be strings */
	CHECK_OWNED_STR(cu_parse_render("filter { my-plugin2 { \"quoted option\" => 1 } \"str\" { } }"),
			"filter: my-plugin2{quoted option=>n:1} str{}");
}

static void test_values(void)
{
	CHECK_OWNED_STR(
		cu_parse_render("filter { x { s => \"a b\" q => 'c d' w => bare_Word2 n => -12 f => 1.5 g => 3. "
				"arr => [1, \"two\", three, [4]] e => [] h => { \"k\" => \"v\" k2 => [1] 3 => x4 } "
				"codec => json_lines { charset => \"UTF-8\" } } }"),
		"filter: x{s=>\"a b\" q=>\"c d\" w=>b:bare_Word2 n=>n:-12 f=>n:1.5 g=>n:3. "
		"arr=>[n:1,\"two\",b:three,[n:4]] e=>[] h=>{\"k\"=>\"v\" b:k2=>[n:1] n:3=>b:x4} "
		"codec=>p:json_lines{charset=>\"UTF-8\"}}");
	/* a plugin name may be a string; an empty hash */
	CHECK_OWNED_STR(cu_parse_render("output { x { codec => \"plain\" { } h => {} } }"),
			"output: x{codec=>p:plain{} h=>{}}");
	lp_diag *d = lp_diag_create();
	lp_ast_config *c = cu_parse("filter { x { n => -12 f => 2.25 } }", d);
	CHECK_INT(lp_diag_count(d), 0);
	const lp_ast_plugin *p = c->sections[0]->body[0]->plugin;
	CHECK(p->attrs[0]->value->num == -12);
	CHECK(p->attrs[1]->value->num == 2.25);
	/* spans: the name, and the value including its quotes */
	CHECK_INT(p->span.line, 1);
	CHECK_INT(p->span.col, 10);
	CHECK_INT(p->attrs[1]->span.col, 23);
	CHECK_INT(p->attrs[1]->value->span.col, 28);
	CHECK_INT(p->attrs[1]->value->span.len, 4);
	lp_ast_config_destroy(c);
	lp_diag_destroy(d);
}

static void test_no_escapes(void)
{
	/* backslashes reach the value byte for byte */
	CHECK_OWNED_STR(cu_parse_render("filter { m { gsub => [\"message\", \"(\\d+)-(\\d+)\", \"\\1***\\2\"] } }"),
			"filter: m{gsub=>[\"message\",\"(\\d+)-(\\d+)\",\"\\1***\\2\"]}");
	/* \" does not end a double-quoted string and keeps its backslash */
	CHECK_OWNED_STR(cu_parse_render("filter { m { a => \"say \\\"hi\\\"\" b => 'it\\'s' c => \"\\n\\t\" } }"),
			"filter: m{a=>\"say \\\"hi\\\"\" b=>\"it\\'s\" c=>\"\\n\\t\"}");
	/* the other quote needs no escape; strings span lines */
	CHECK_OWNED_STR(cu_parse_render("filter { m { a => \"it's\" b => '\"x\"' c => \"l1\nl2\" } }"),
			"filter: m{a=>\"it's\" b=>\"\"x\"\" c=>\"l1\nl2\"}");
}

static void test_comments(void)
{
	const char *text =
		"# head\n"
		"input # after section name\n"
		"{ # after brace\n"
		"  stdin # after plugin name\n"
		"  { # x\n"
		"    tags # before arrow\n"
		"    => # after arrow\n"
		"    [ # in array\n"
		"      \"a\", # after item\n"
		"      \"b\" # before ]\n"
		"    ]\n"
		"    add_field => { # in hash\n"
		"      \"k\" => \"v\" # between entries\n"
		"      \"k2\" => \"#not a comment\"\n"
		"    }\n"
		"  }\n"
		"}\n"
		"filter { if # in condition\n"
		"  [a] # after operand\n"
		"  == # after operator\n"
		"  1 # before brace\n"
		"  { drop {} } # after if\n"
		"  else # after else\n"
		"  { } }\n"
		"# tail without newline";
	CHECK_OWNED_STR(cu_parse_render(text),
			"input: stdin{tags=>[\"a\",\"b\"] add_field=>{\"k\"=>\"v\" \"k2\"=>\"#not a comment\"}} | "
			"filter: if (== [a] 1) <drop{}> else <>");
}

static void test_conditions(void)
{
	CHECK_OWNED_STR(cu_cond("[a] == 1"), "(== [a] 1)");
	CHECK_OWNED_STR(cu_cond("[a][b] != \"x\""), "(!= [a][b] \"x\")");
	CHECK_OWNED_STR(cu_cond("[n] < 1.5"), "(< [n] 1.5)");
	CHECK_OWNED_STR(cu_cond("[n] > -2"), "(> [n] -2)");
	CHECK_OWNED_STR(cu_cond("[n]<=3"), "(<= [n] 3)");
	CHECK_OWNED_STR(cu_cond("[n] >= [m]"), "(>= [n] [m])");
	CHECK_OWNED_STR(cu_cond("[msg] =~ /^a\\/b [0-9]+$/"), "(=~ [msg] /^a\\/b [0-9]+$/)");
	CHECK_OWNED_STR(cu_cond("[msg] !~ \"err\""), "(!~ [msg] \"err\")");
	CHECK_OWNED_STR(cu_cond("\"debug\" in [tags]"), "(in \"debug\" [tags])");
	CHECK_OWNED_STR(cu_cond("[level] not in [\"a\", 'b', 3]"), "(not in [level] (\"a\" \"b\" 3))");
	CHECK_OWNED_STR(cu_cond("[level] in [\"a\"]"), "(in [level] [\"a\"])"); /* Logstash: a selector */
	CHECK_OWNED_STR(cu_cond("[@metadata][x]"), "[@metadata][x]");
	CHECK_OWNED_STR(cu_cond("\"str\""), "\"str\"");
	CHECK_OWNED_STR(cu_cond("![a]"), "(! [a])");
	CHECK_OWNED_STR(cu_cond("!([a] == 1)"), "(! (== [a] 1))");
	CHECK_OWNED_STR(cu_cond("! ( [a] or [b] )"), "(! (or [a] [b]))");
	CHECK_OWNED_STR(cu_cond("([a])"), "[a]");
	CHECK_OWNED_STR(cu_cond("[a b][c-d]"), "[a b][c-d]");
	CHECK_OWNED_STR(cu_cond("[a] xor [b]"), "(xor [a] [b])");
	CHECK_OWNED_STR(cu_cond("[a] nand [b]"), "(nand [a] [b])");
	CHECK_OWNED_STR(cu_cond("[a] =~ /x/ and [b]"), "(and (=~ [a] /x/) [b])");
}

static void test_precedence(void)
{
	/* 'and' binds tighter than 'or' */
	CHECK_OWNED_STR(cu_cond("[a] and [b] or [c]"), "(or (and [a] [b]) [c])");
	CHECK_OWNED_STR(cu_cond("[a] or [b] and [c]"), "(or [a] (and [b] [c]))");
	CHECK_OWNED_STR(cu_cond("[a] and [b] or [c] and [d]"), "(or (and [a] [b]) (and [c] [d]))");
	/* chains group to the right, as Logstash's shunting yard does */
	CHECK_OWNED_STR(cu_cond("[a] or [b] or [c]"), "(or [a] (or [b] [c]))");
	CHECK_OWNED_STR(cu_cond("[a] and [b] and [c]"), "(and [a] (and [b] [c]))");
	/* Logstash pops at most one operator: this is what it computes */
	CHECK_OWNED_STR(cu_cond("[a] and [b] and [c] or [d]"), "(and [a] (or (and [b] [c]) [d]))");
	CHECK_OWNED_STR(cu_cond("[a] or [b] and [c] and [d] or [e]"),
			"(or [a] (and [b] (or (and [c] [d]) [e])))");
	/* parentheses group explicitly */
	CHECK_OWNED_STR(cu_cond("([a] or [b]) and [c]"), "(and (or [a] [b]) [c])");
	CHECK_OWNED_STR(cu_cond("([a] and [b] and [c]) or [d]"), "(or (and [a] (and [b] [c])) [d])");
	CHECK_OWNED_STR(cu_cond("([a] xor [b]) and ([c] nand [d])"), "(and (xor [a] [b]) (nand [c] [d]))");
	/* xor/nand have no precedence in Logstash: alone per level only */
	CHECK_OWNED_STR(cu_cond("[a] and [b] xor [c]"),
			"ERR:c.conf:1:13: error: 'xor' cannot be combined with other boolean operators without parentheses\n"
			"[a] and [b] xor [c]\n"
			"            ^~~\n");
	CHECK_OWNED_STR(cu_cond("[a] nand [b] or [c]"),
			"ERR:c.conf:1:5: error: 'nand' cannot be combined with other boolean operators without parentheses\n"
			"[a] nand [b] or [c]\n"
			"    ^~~~\n");
}

static void test_branches(void)
{
	CHECK_OWNED_STR(cu_parse_render("filter { if [a] { x {} } else if [b] == 2 { y {} } else if [c] { } else { z {} w {} } }"),
			"filter: if [a] <x{}> elif (== [b] 2) <y{}> elif [c] <> else <z{} w{}>");
	CHECK_OWNED_STR(cu_parse_render("output { if[a]{x{}}else{if [b] { if [c] { y {} } } } z {} }"),
			"output: if [a] <x{}> else <if [b] <if [c] <y{}>>> z{}");
	/* a branch span is its keyword */
	lp_diag *d = lp_diag_create();
	lp_ast_config *c = cu_parse("filter {\n  if [a] { }\n  else if [b] { }\n  else { }\n}", d);
	CHECK_INT(lp_diag_count(d), 0);
	const lp_ast_stmt *s = c->sections[0]->body[0];
	CHECK_INT(s->n_branches, 3);
	CHECK_INT(s->branches[0]->span.line, 2);
	CHECK_INT(s->branches[1]->span.line, 3);
	CHECK_INT(s->branches[1]->span.col, 3);
	CHECK(s->branches[2]->cond == NULL);
	CHECK_INT(s->branches[0]->cond->span.col, 6);
	lp_ast_config_destroy(c);
	lp_diag_destroy(d);
}

static void test_condition_spans(void)
{
	lp_diag *d = lp_diag_create();
	lp_source_file *f = cu_file("c.conf", "[a] == 1 and [bb] =~ /x/");
	lp_ast_expr *e = lp_conf_parse_condition(f, d);
	CHECK(e != NULL);
	if (e) {
		CHECK_INT(e->kind, LP_EX_AND);
		CHECK_INT(e->span.col, 1);
		CHECK_INT(e->span.len, 24);
		CHECK_INT(e->l->span.len, 8);
		CHECK_INT(e->r->span.col, 14);
		CHECK_INT(e->r->span.len, 11);
		CHECK_INT(e->r->r->span.col, 22);
		CHECK(e->l->r->num == 1);
	}
	lp_ast_expr_destroy(e);
	cu_file_free(f);
	lp_diag_destroy(d);
}

static void test_errors_values(void)
{
	CHECK_OWNED_STR(cu_parse_errors("filter { m { a => x } }"),
			"t.conf:1:19: error: invalid bareword 'x': write it as a string, \"x\"\n"
			"filter { m { a => x } }\n"
			"                  ^\n");
	CHECK_OWNED_STR(cu_parse_errors("filter { m { a => foo-bar } }"),
			"t.conf:1:19: error: invalid bareword 'foo-bar': write it as a string, \"foo-bar\"\n"
			"filter { m { a => foo-bar } }\n"
			"                  ^~~~~~~\n");
	CHECK_OWNED_STR(cu_parse_errors("filter { m { a => [1, 2,] } }"),
			"t.conf:1:24: error: trailing ',' in array\n"
			"filter { m { a => [1, 2,] } }\n"
			"                       ^\n");
	CHECK_OWNED_STR(cu_parse_errors("filter { m { a => [1 2] } }"),
			"t.conf:1:22: error: expected ',' or ']' in array, got '2'\n"
			"filter { m { a => [1 2] } }\n"
			"                     ^\n");
	CHECK_OWNED_STR(cu_parse_errors("filter { m { a => { \"x\" => 1, \"y\" => 2 } } }"),
			"t.conf:1:29: error: hash entries are separated by whitespace, not ','\n"
			"filter { m { a => { \"x\" => 1, \"y\" => 2 } } }\n"
			"                            ^\n");
	CHECK_OWNED_STR(cu_parse_errors("filter { m { a => { \"xx\" => 1 xx => 2 } } }"),
			"t.conf:1:31: error: duplicate key 'xx' in hash\n"
			"filter { m { a => { \"xx\" => 1 xx => 2 } } }\n"
			"                              ^~\n");
	CHECK_OWNED_STR(cu_parse_errors("filter { m { a => { \"x\" 1 } } }"),
			"t.conf:1:25: error: expected '=>' after hash key 'x', got '1'\n"
			"filter { m { a => { \"x\" 1 } } }\n"
			"                        ^\n");
	CHECK_OWNED_STR(cu_parse_errors("filter { m { a = 1 } }"),
			"t.conf:1:16: error: expected '=>' after option 'a', got '='\n"
			"filter { m { a = 1 } }\n"
			"               ^\n");
	CHECK_OWNED_STR(cu_parse_errors("filter { m { a => } }"),
			"t.conf:1:19: error: expected a value for option 'a', got '}'\n"
			"filter { m { a => } }\n"
			"                  ^\n");
	CHECK_OWNED_STR(cu_parse_errors("filter { m { a => \"x\"b => 1 } }"),
			"t.conf:1:22: error: missing whitespace before option 'b'\n"
			"filter { m { a => \"x\"b => 1 } }\n"
			"                     ^\n");
	CHECK_OWNED_STR(cu_parse_errors("filter { m { a => { \"k\" => \"v\"\"k2\" => 1 } } }"),
			"t.conf:1:31: error: missing whitespace before hash key 'k2'\n"
			"filter { m { a => { \"k\" => \"v\"\"k2\" => 1 } } }\n"
			"                              ^~~~\n");
	/* a quote inside a string ends it: say so */
	CHECK_OWNED_STR(cu_parse_errors("filter { m { h => { \"message\" => \"a \"quoted\" b\" } x => 'it's' } }"),
			"t.conf:1:38: error: unexpected text right after a string: a \" inside \"...\" ends the string (quote it with '...' instead)\n"
			"filter { m { h => { \"message\" => \"a \"quoted\" b\" } x => 'it's' } }\n"
			"                                     ^~~~~~\n"
			"t.conf:1:60: error: unexpected text right after a string: a ' inside '...' ends the string (quote it with \"...\" instead)\n"
			"filter { m { h => { \"message\" => \"a \"quoted\" b\" } x => 'it's' } }\n"
			"                                                           ^\n"
			"t.conf:1:61: error: unterminated string: the file ends before the closing '\n"
			"filter { m { h => { \"message\" => \"a \"quoted\" b\" } x => 'it's' } }\n"
			"                                                            ^\n");
	CHECK_OWNED_STR(cu_parse_errors("filter { m { a.b => 1 } }"),
			"t.conf:1:14: error: invalid option name 'a.b' in filter 'm'\n"
			"filter { m { a.b => 1 } }\n"
			"             ^~~\n");
	CHECK_OWNED_STR(cu_parse_errors("filter { m { x { } } }"),
			"t.conf:1:14: error: expected '=>' after option 'x', got '{' (a plugin cannot be nested in filter 'm')\n"
			"filter { m { x { } } }\n"
			"             ^\n");
}

static void test_errors_structure(void)
{
	CHECK_OWNED_STR(cu_parse_errors("filters { }"),
			"t.conf:1:1: error: unknown section 'filters' (did you mean 'filter'?)\n"
			"filters { }\n"
			"^~~~~~~\n");
	CHECK_OWNED_STR(cu_parse_errors("pipeline { }"),
			"t.conf:1:1: error: unknown section 'pipeline': expected 'input', 'filter' or 'output'\n"
			"pipeline { }\n"
			"^~~~~~~~\n");
	CHECK_OWNED_STR(cu_parse_errors("filter mutate { }"),
			"t.conf:1:8: error: expected '{' after 'filter', got 'mutate'\n"
			"filter mutate { }\n"
			"       ^~~~~~\n");
	CHECK_OWNED_STR(cu_parse_errors("filter { } }"),
			"t.conf:1:12: error: unexpected '}' with no open block\n"
			"filter { } }\n"
			"           ^\n");
	CHECK_OWNED_STR(cu_parse_errors("filter { m { } else { } }"),
			"t.conf:1:16: error: 'else' without a preceding 'if'\n"
			"filter { m { } else { } }\n"
			"               ^~~~\n");
	CHECK_OWNED_STR(cu_parse_errors("filter { if [a] { } elsif [b] { } m { } }"),
			"t.conf:1:21: error: 'elsif' is not a keyword: write 'else if'\n"
			"filter { if [a] { } elsif [b] { } m { } }\n"
			"                    ^~~~~\n");
	CHECK_OWNED_STR(cu_parse_errors("filter { unless [a] { } }"),
			"t.conf:1:10: error: 'unless' is not a keyword: write if !(...)\n"
			"filter { unless [a] { } }\n"
			"         ^~~~~~\n");
	CHECK_OWNED_STR(cu_parse_errors("input {\n  if [type] == \"x\" { stdin { } }\n}\n"),
			"t.conf:2:3: error: conditionals are not allowed in the input section\n"
			"  if [type] == \"x\" { stdin { } }\n"
			"  ^~\n");
	CHECK_OWNED_STR(cu_parse_errors("filter { [x] }"),
			"t.conf:1:10: error: expected a plugin name or 'if', got '['\n"
			"filter { [x] }\n"
			"         ^\n");
	CHECK_OWNED_STR(cu_parse_errors("filter { m }"),
			"t.conf:1:12: error: expected '{' after plugin name 'm', got '}'\n"
			"filter { m }\n"
			"           ^\n");
}

static void test_errors_eof(void)
{
	CHECK_OWNED_STR(cu_parse_errors("filter {\n  mutate {\n    add_field => { \"a\" => \"b\" }\n\n}\n"),
			"t.conf:5:2: error: unexpected end of file: missing '}'\n"
			"}\n"
			" ^\n"
			"t.conf:1:8: note: the '{' of section 'filter' opened here is never closed\n"
			"filter {\n"
			"       ^\n"
			"t.conf:2:10: note: the '{' of filter 'mutate' opened here is probably the one missing its '}': the '}' on line 5 that closes it is indented differently\n"
			"  mutate {\n"
			"         ^\n");
	CHECK_OWNED_STR(cu_parse_errors("output {\n  stdin { codec => json {\n"),
			"t.conf:2:26: error: unexpected end of file: missing 3 '}'\n"
			"  stdin { codec => json {\n"
			"                         ^\n"
			"t.conf:1:8: note: the '{' of section 'output' opened here is never closed\n"
			"output {\n"
			"       ^\n"
			"t.conf:2:9: note: the '{' of output 'stdin' opened here is never closed\n"
			"  stdin { codec => json {\n"
			"        ^\n"
			"t.conf:2:25: note: the '{' of codec 'json' opened here is never closed\n"
			"  stdin { codec => json {\n"
			"                        ^\n");
	CHECK_OWNED_STR(cu_parse_errors("filter {\n  m { a => \"open\n  }\n}\n"),
			"t.conf:2:12: error: unterminated string: the file ends before the closing \"\n"
			"  m { a => \"open\n"
			"           ^\n");
	CHECK_OWNED_STR(cu_parse_errors("output {\n  file { path => \"C:\\logs\\\" }\n}\n"),
			"t.conf:2:18: error: unterminated string: the file ends before the closing \"\n"
			"  file { path => \"C:\\logs\\\" }\n"
			"                 ^\n"
			"t.conf:2:26: note: a backslash before \" keeps the \" inside the string\n"
			"  file { path => \"C:\\logs\\\" }\n"
			"                         ^~\n");
	CHECK_OWNED_STR(cu_parse_errors("filter { if [a] { x { } }"),
			"t.conf:1:26: error: unexpected end of file: missing '}'\n"
			"filter { if [a] { x { } }\n"
			"                         ^\n"
			"t.conf:1:8: note: the '{' of section 'filter' opened here is never closed\n"
			"filter { if [a] { x { } }\n"
			"       ^\n");
}

static void test_errors_conditions(void)
{
	CHECK_OWNED_STR(cu_cond("[a] AND [b]"),
			"ERR:c.conf:1:5: error: unknown operator 'AND': operators are lower-case, use 'and'\n"
			"[a] AND [b]\n"
			"    ^~~\n");
	CHECK_OWNED_STR(cu_cond("[a] Or [b]"),
			"ERR:c.conf:1:5: error: unknown operator 'Or': operators are lower-case, use 'or'\n"
			"[a] Or [b]\n"
			"    ^~\n");
	CHECK_OWNED_STR(cu_cond("[a] && [b]"),
			"ERR:c.conf:1:5: error: unknown operator '&&': use 'and'\n"
			"[a] && [b]\n"
			"    ^\n");
	CHECK_OWNED_STR(cu_cond("[a] || [b]"),
			"ERR:c.conf:1:5: error: unknown operator '||': use 'or'\n"
			"[a] || [b]\n"
			"    ^\n");
	CHECK_OWNED_STR(cu_cond("[a] = 1"),
			"ERR:c.conf:1:5: error: unknown operator '=': use '==' to compare\n"
			"[a] = 1\n"
			"    ^\n");
	CHECK_OWNED_STR(cu_cond("[a] IN [b]"),
			"ERR:c.conf:1:5: error: unknown operator 'IN': operators are lower-case, use 'in'\n"
			"[a] IN [b]\n"
			"    ^~\n");
	CHECK_OWNED_STR(cu_cond("status == 200"),
			"ERR:c.conf:1:1: error: unexpected 'status' in condition: write a field reference as [status] or a string as \"status\"\n"
			"status == 200\n"
			"^~~~~~\n");
	CHECK_OWNED_STR(cu_cond("[a] == 1 and exists([b])"),
			"ERR:c.conf:1:14: error: method calls are not supported in conditions\n"
			"[a] == 1 and exists([b])\n"
			"             ^~~~~~\n");
	CHECK_OWNED_STR(cu_cond("!\"x\""),
			"ERR:c.conf:1:2: error: '!' must be followed by a field reference or a parenthesised condition, got \"x\"\n"
			"!\"x\"\n"
			" ^~~\n");
	CHECK_OWNED_STR(cu_cond("[a] =~ [b]"),
			"ERR:c.conf:1:8: error: expected a string or a regex after '=~', got '[b]'\n"
			"[a] =~ [b]\n"
			"       ^~~\n");
	CHECK_OWNED_STR(cu_cond("[a] not [b]"),
			"ERR:c.conf:1:9: error: expected 'in' after 'not', got '[b]'\n"
			"[a] not [b]\n"
			"        ^~~\n");
	CHECK_OWNED_STR(cu_cond("[a] == "),
			"ERR:c.conf:1:7: error: unexpected end of file\n"
			"[a] == \n"
			"      ^\n");
	CHECK_OWNED_STR(cu_cond("[a] [b]"),
			"ERR:c.conf:1:5: error: expected a boolean operator (and, or, xor, nand) or '{', got '[b]'\n"
			"[a] [b]\n"
			"    ^~~\n");
	CHECK_OWNED_STR(cu_cond("([a] or [b]"),
			"ERR:c.conf:1:12: error: unexpected end of file\n"
			"([a] or [b]\n"
			"           ^\n");
	CHECK_OWNED_STR(cu_cond("![a] == 1"),
			"ERR:c.conf:1:6: error: '!' applies to [a] alone: write !([a] == ...) to negate the comparison\n"
			"![a] == 1\n"
			"     ^~\n");
	CHECK_OWNED_STR(cu_parse_errors("filter { if { } }"),
			"t.conf:1:13: error: expected a condition after 'if', got '{'\n"
			"filter { if { } }\n"
			"            ^\n");
	CHECK_OWNED_STR(cu_parse_errors("filter { if [a] == 1 { } else if { } }"),
			"t.conf:1:34: error: expected a condition after 'else if', got '{'\n"
			"filter { if [a] == 1 { } else if { } }\n"
			"                                 ^\n");
}

static void test_recovery(void)
{
	/* one error per plugin, all reported, in order; the rest parses */
	const char *text =
		"input { stdin { codec => } }\n"
		"filter {\n"
		"  mutate { add_field => { \"a\" => \"b\", \"c\" => \"d\" } }\n"
		"  if [x] AND [y] { drop { } } else { drop { } }\n"
		"  json { source => x }\n"
		"}\n"
		"output { stdout { } }\n";
	CHECK_OWNED_STR(cu_parse_errors(text),
			"t.conf:1:26: error: expected a value for option 'codec', got '}'\n"
			"input { stdin { codec => } }\n"
			"                         ^\n"
			"t.conf:3:37: error: hash entries are separated by whitespace, not ','\n"
			"  mutate { add_field => { \"a\" => \"b\", \"c\" => \"d\" } }\n"
			"                                    ^\n"
			"t.conf:4:10: error: unknown operator 'AND': operators are lower-case, use 'and'\n"
			"  if [x] AND [y] { drop { } } else { drop { } }\n"
			"         ^~~\n"
			"t.conf:5:20: error: invalid bareword 'x': write it as a string, \"x\"\n"
			"  json { source => x }\n"
			"                   ^\n");
	/* the tree without the failed parts is still built when errors are
	 * ignored; the comma in a hash is reported but the entry is kept */
	lp_diag *d = lp_diag_create();
	lp_ast_config *c = cu_parse(text, d);
	char *r = cu_render(c);
	CHECK_STR(r, "input: stdin{} | filter: mutate{add_field=>{\"a\"=>\"b\" \"c\"=>\"d\"}} json{} | output: stdout{}");
	free(r);
	lp_ast_config_destroy(c);
	lp_diag_destroy(d);
}

static void test_recovery_inside_plugin(void)
{
	/* every bad option of one plugin is reported; the good ones are kept */
	const char *text =
		"filter {\n"
		"  m {\n"
		"    a => x\n"
		"    b = \"ok\"\n"
		"    c => [1, 2\n"
		"    d => { \"k\" 1 }\n"
		"    e => \"kept\", f => \"also\"\n"
		"    g.h => 1\n"
		"    i => \"last\"\n"
		"  }\n"
		"}\n";
	CHECK_OWNED_STR(cu_parse_errors(text),
			"t.conf:3:10: error: invalid bareword 'x': write it as a string, \"x\"\n"
			"    a => x\n"
			"         ^\n"
			"t.conf:4:7: error: expected '=>' after option 'b', got '='\n"
			"    b = \"ok\"\n"
			"      ^\n"
			"t.conf:6:5: error: expected ',' or ']' in array, got 'd'\n"
			"    d => { \"k\" 1 }\n"
			"    ^\n"
			"t.conf:6:16: error: expected '=>' after hash key 'k', got '1'\n"
			"    d => { \"k\" 1 }\n"
			"               ^\n"
			"t.conf:7:16: error: options are separated by whitespace, not ','\n"
			"    e => \"kept\", f => \"also\"\n"
			"               ^\n"
			"t.conf:8:5: error: invalid option name 'g.h' in filter 'm'\n"
			"    g.h => 1\n"
			"    ^~~\n");
	lp_diag *d = lp_diag_create();
	lp_ast_config *c = cu_parse(text, d);
	char *r = cu_render(c);
	CHECK_STR(r, "filter: m{e=>\"kept\" f=>\"also\" i=>\"last\"}");
	free(r);
	lp_ast_config_destroy(c);
	lp_diag_destroy(d);
}

static void test_recovery_in_branches(void)
{
	/* a bad condition does not hide the errors in its body or in the chain */
	const char *text =
		"filter {\n"
		"  if [a] AND [b] { m { x => y } }\n"
		"  else if (([c]) { n { } }\n"
		"  else { o { p => q } }\n"
		"  if { } else { r { s => t } }\n"
		"  ok { }\n"
		"}\n";
	CHECK_OWNED_STR(cu_parse_errors(text),
			"t.conf:2:10: error: unknown operator 'AND': operators are lower-case, use 'and'\n"
			"  if [a] AND [b] { m { x => y } }\n"
			"         ^~~\n"
			"t.conf:2:29: error: invalid bareword 'y': write it as a string, \"y\"\n"
			"  if [a] AND [b] { m { x => y } }\n"
			"                            ^\n"
			"t.conf:3:18: error: expected a boolean operator (and, or, xor, nand) or ')', got '{'\n"
			"  else if (([c]) { n { } }\n"
			"                 ^\n"
			"t.conf:4:19: error: invalid bareword 'q': write it as a string, \"q\"\n"
			"  else { o { p => q } }\n"
			"                  ^\n"
			"t.conf:5:6: error: expected a condition after 'if', got '{'\n"
			"  if { } else { r { s => t } }\n"
			"     ^\n"
			"t.conf:5:26: error: invalid bareword 't': write it as a string, \"t\"\n"
			"  if { } else { r { s => t } }\n"
			"                         ^\n");
	lp_diag *d = lp_diag_create();
	lp_ast_config *c = cu_parse(text, d);
	char *r = cu_render(c);
	CHECK_STR(r, "filter: ok{}");
	free(r);
	lp_ast_config_destroy(c);
	lp_diag_destroy(d);
}

static void test_tabs_and_utf8_carets(void)
{
	CHECK_OWNED_STR(cu_parse_errors("filter {\n\tm { \"é\" => x }\n}"),
			"t.conf:2:14: error: invalid bareword 'x': write it as a string, \"x\"\n"
			"\tm { \"é\" => x }\n"
			"\t           ^\n");
}

static void test_missing_brace_recovery(void)
{
	/* a section keyword inside a block: the missing '}' is reported there
	 * and parsing goes on with that section */
	const char *text = "filter {\n  m {\n    a => \"b\"\n\n}\noutput { stdout { x => 1 } }\n";
	CHECK_OWNED_STR(cu_parse_errors(text),
			"t.conf:6:1: error: missing '}' before section 'output'\n"
			"output { stdout { x => 1 } }\n"
			"^~~~~~\n"
			"t.conf:1:8: note: the '{' of section 'filter' opened here is never closed\n"
			"filter {\n"
			"       ^\n"
			"t.conf:2:5: note: the '{' of filter 'm' opened here is probably the one missing its '}': the '}' on line 5 that closes it is indented differently\n"
			"  m {\n"
			"    ^\n");
	lp_diag *d = lp_diag_create();
	lp_ast_config *c = cu_parse(text, d);
	char *r = cu_render(c);
	CHECK_STR(r, "filter: m{a=>\"b\"} | output: stdout{x=>n:1}");
	free(r);
	lp_ast_config_destroy(c);
	lp_diag_destroy(d);
	/* from inside an if, two levels deep */
	CHECK_OWNED_STR(cu_parse_errors("filter {\n  if [a] {\n    m { }\n\ninput { s { } }"),
			"t.conf:5:1: error: missing 2 '}' before section 'input'\n"
			"input { s { } }\n"
			"^~~~~\n"
			"t.conf:1:8: note: the '{' of section 'filter' opened here is never closed\n"
			"filter {\n"
			"       ^\n"
			"t.conf:2:10: note: the '{' of if opened here is never closed\n"
			"  if [a] {\n"
			"         ^\n");
	/* an 'if' where an option is expected */
	CHECK_OWNED_STR(cu_parse_errors("filter {\n  m { a => 1\n  if [x] { d { } }\n}\n"),
			"t.conf:3:3: error: 'if' is not allowed inside filter 'm': is a '}' missing before it?\n"
			"  if [x] { d { } }\n"
			"  ^~\n"
			"t.conf:4:2: error: unexpected end of file: missing '}'\n"
			"}\n"
			" ^\n"
			"t.conf:1:8: note: the '{' of section 'filter' opened here is never closed\n"
			"filter {\n"
			"       ^\n"
			"t.conf:2:5: note: the '{' of filter 'm' opened here is probably the one missing its '}': the '}' on line 4 that closes it is indented differently\n"
			"  m { a => 1\n"
			"    ^\n");
	/* a plugin where an option is expected, after a hash that took the '}' */
	CHECK_OWNED_STR(cu_parse_errors("filter {\n  m {\n    h => { \"k\" => \"v\"\n  }\n  n { }\n}\n"),
			"t.conf:5:3: error: expected '=>' after option 'n', got '{' (a plugin cannot be nested in filter 'm')\n"
			"  n { }\n"
			"  ^\n"
			"t.conf:3:10: note: the '{' of this hash opened here is probably the one missing its '}': the '}' on line 4 that closes it is indented differently\n"
			"    h => { \"k\" => \"v\"\n"
			"         ^\n"
			"t.conf:6:2: error: unexpected end of file: missing '}'\n"
			"}\n"
			" ^\n"
			"t.conf:1:8: note: the '{' of section 'filter' opened here is never closed\n"
			"filter {\n"
			"       ^\n");
}

/* Mutations of a valid config (deleted, duplicated and replaced bytes,
 * truncations) never crash the parser, always end, and every error has a
 * position inside the text (lines 1..n+1). */
static void test_mutations(void)
{
	static const char *const base =
		"input { beats { port => 5044 codec => json { charset => \"UTF-8\" } } }\n"
		"filter {\n"
		"  if [a][b] == \"x\" and ([n] > 1.5 or \"t\" in [tags]) { mutate { add_tag => [\"a\", 'b'] } }\n"
		"  else if [m] =~ /^a\\/b$/ { drop { } } else { json { source => \"${HOME}\" } }\n"
		"  # comment { \"\n"
		"  mutate { add_field => { \"k\" => \"%{v}\" k2 => 3 } gsub => [\"f\", \"\\d\", \"\\1\"] }\n"
		"}\n"
		"output { if ![x] { stdout { } } }\n";
	static const char alphabet[] = "{}[]()\"'#/\\=>,!<~ \nabx1-.$";
	size_t blen = strlen(base);
	unsigned seed = 12345;
	size_t bad_pos = 0, runs = 0;
	for (int iter = 0; iter < 3000; iter++) {
		char *t = lp_malloc(blen * 2 + 2);
		size_t n = 0;
		int edits = 1 + iter % 4;
		memcpy(t, base, blen);
		n = blen;
		for (int e = 0; e < edits; e++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % (n ? n : 1);
			int op = (seed >> 4) % 4;
			if (op == 0 && n) { /* delete */
				memmove(t + at, t + at + 1, n - at - 1);
				n--;
			} else if (op == 1 && n < blen * 2) { /* insert */
				memmove(t + at + 1, t + at, n - at);
				t[at] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
				n++;
			} else if (op == 2 && n) { /* replace */
				t[at] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
			} else { /* truncate */
				n = at;
			}
		}
		t[n] = '\0';
		size_t lines = 1;
		for (size_t i = 0; i < n; i++)
			lines += t[i] == '\n';
		lp_diag *d = lp_diag_create();
		lp_ast_config *c = cu_parse(t, d);
		char *out = cu_diag_text(d);
		for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
			unsigned line, col;
			if (sscanf(l, "t.conf:%u:%u:", &line, &col) == 2 && (line < 1 || line > lines + 1 || col < 1))
				bad_pos++;
		}
		free(out);
		lp_ast_config_destroy(c);
		lp_diag_destroy(d);
		lp_free(t);
		runs++;
	}
	CHECK_INT(bad_pos, 0);
	CHECK_INT(runs, 3000);
}

int main(void)
{
	LP_RUN(test_sections_and_plugins);
	LP_RUN(test_values);
	LP_RUN(test_no_escapes);
	LP_RUN(test_comments);
	LP_RUN(test_conditions);
	LP_RUN(test_precedence);
	LP_RUN(test_branches);
	LP_RUN(test_condition_spans);
	LP_RUN(test_errors_values);
	LP_RUN(test_errors_structure);
	LP_RUN(test_errors_eof);
	LP_RUN(test_errors_conditions);
	LP_RUN(test_recovery);
	LP_RUN(test_recovery_inside_plugin);
	LP_RUN(test_recovery_in_branches);
	LP_RUN(test_tabs_and_utf8_carets);
	LP_RUN(test_missing_brace_recovery);
	LP_RUN(test_mutations);
	return lp_test_report();
}
