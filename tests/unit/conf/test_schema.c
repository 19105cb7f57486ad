/* Tests for conf/schema: conversion of every option type (Logstash's
 * validate_value rules), merging of repeated options, defaults, ids, every
 * error kind with its exact message and position, field reference and
 * template errors at their column, and describe. */
#include "lp_test.h"

#include "conf/schema.h"
#include "conf_util.h"
#include "pipeline/fieldref.h"
#include "pipeline/template.h"

static const char *const methods[] = { "put", "post", "get", NULL };

static const lp_option_def opts[] = {
	{ "source", LP_OPT_STRING, "\"message\"", 0, NULL, 0, 0, "Field to parse." },
	{ "target", LP_OPT_FIELDREF, NULL, 0, NULL, 0, 0, "Where to put it." },
	{ "index", LP_OPT_TEMPLATE, "\"logs-%{+YYYY.MM.dd}\"", 0, NULL, 0, 0, "Index name." },
	{ "workers", LP_OPT_NUMBER, "1", 0, NULL, 1, 64, "Threads." },
	{ "ratio", LP_OPT_NUMBER, "0.5", 0, NULL, 0, 0, "A ratio." },
	{ "enabled", LP_OPT_BOOL, "true", 0, NULL, 0, 0, "On or off." },
	{ "tags", LP_OPT_ARRAY, "[]", 0, NULL, 0, 0, "Tags." },
	{ "fields", LP_OPT_HASH, "{}", 0, NULL, 0, 0, "Fields." },
	{ "codec", LP_OPT_CODEC, "\"plain\"", 0, NULL, 0, 0, "Codec." },
	{ "password", LP_OPT_PASSWORD, NULL, LP_OPT_SECRET, NULL, 0, 0, "Secret | with pipe." },
	{ "url", LP_OPT_URI, NULL, LP_OPT_REQUIRED, NULL, 0, 0, "Endpoint." },
	{ "method", LP_OPT_STRING, "\"post\"", 0, methods, 0, 0, "HTTP method." },
	{ "old", LP_OPT_STRING, NULL, LP_OPT_DEPRECATED, NULL, 0, 0, "Use 'source'." },
	{ "anything", LP_OPT_ANY, NULL, 0, NULL, 0, 0, "Any value." },
	LP_OPT_END,
};

static const lp_option_def common[] = {
	{ "id", LP_OPT_STRING, NULL, 0, NULL, 0, 0, "Id." },
	{ "source", LP_OPT_NUMBER, NULL, 0, NULL, 0, 0, "Shadowed by the plugin's own." },
	{ "add_tag", LP_OPT_ARRAY, "[]", 0, NULL, 0, 0, "Tags on success." },
	LP_OPT_END,
};

typedef struct fixture {
	lp_diag *d;
	lp_ast_config *c;
	lp_args *a;
} fixture;

/* Parses "filter { <block> }" and applies the tables to its first plugin. */
static void setup(fixture *f, const char *block)
{
	char *text = lp_asprintf("filter {\n%s\n}\n", block);
	f->d = lp_diag_create();
	f->c = cu_parse(text, f->d);
	lp_free(text);
	CHECK_INT(lp_diag_count(f->d), 0);
	const lp_option_def *const tables[] = { opts, common };
	f->a = f->c->n_sections && f->c->sections[0]->n_body
		       ? lp_schema_apply(f->c->sections[0]->body[0]->plugin, "filter", tables, 2, f->d)
		       : NULL;
}

static void teardown(fixture *f)
{
	lp_args_destroy(f->a);
	lp_ast_config_destroy(f->c);
	lp_diag_destroy(f->d);
}

static char *dump(const lpj_t *v)
{
	char *s = v ? lpj_dumps(v, LPJ_ENCODE_ANY | LPJ_COMPACT) : NULL;
	return s ? s : lp_strdup("(null)");
}

/* The diagnostics of applying the tables to block (caller frees). */
static char *apply_errors(const char *block)
{
	fixture f;
	setup(&f, block);
	char *s = cu_diag_text(f.d);
	CHECK(f.a != NULL && lp_args_failed(f.a) == (lp_diag_count(f.d) > 0));
	teardown(&f);
	return s;
}

static void test_types(void)
{
	fixture f;
	setup(&f, "x { url => \"http://h\" source => 12.50 target => \"[a][b]\" workers => \"8\" ratio => 2 "
		  "enabled => \"false\" tags => solo fields => [\"k\", \"v\", \"k2\", 3, \"k\", \"w\"] "
		  "codec => json_lines { charset => \"UTF-8\" } password => secret anything => { aa => [1] } "
		  "method => [\"get\"] }");
	CHECK_INT(lp_diag_count(f.d), 0);
	CHECK(!lp_args_failed(f.a));
	CHECK_STR(lp_args_str(f.a, "source"), "12.50"); /* a number as its text */
	CHECK_STR(lp_args_str(f.a, "target"), "[a][b]");
	CHECK_INT(lp_args_int(f.a, "workers", 0), 8);
	CHECK(lpj_is_integer(lp_args_get(f.a, "workers")));
	CHECK(lpj_is_integer(lp_args_get(f.a, "ratio")));
	CHECK(lp_args_num(f.a, "ratio", 0) == 2.0);
	CHECK(lp_args_bool(f.a, "enabled", true) == false);
	CHECK_OWNED_STR(dump(lp_args_get(f.a, "tags")), "[\"solo\"]");
	CHECK_OWNED_STR(dump(lp_args_get(f.a, "fields")), "{\"k\":[\"v\",\"w\"],\"k2\":3}");
	CHECK_STR(lp_args_str(f.a, "codec"), "json_lines");
	const lp_ast_value *cv = lp_args_value(f.a, "codec");
	CHECK(cv && cv->kind == LP_AST_PLUGIN && cv->plugin->n_attrs == 1);
	CHECK_STR(lp_args_str(f.a, "password"), "secret");
	CHECK_OWNED_STR(dump(lp_args_get(f.a, "anything")), "{\"aa\":[1]}");
	CHECK_STR(lp_args_str(f.a, "method"), "get"); /* a one-element array for a string */
	CHECK(lp_args_isset(f.a, "source"));
	CHECK(!lp_args_isset(f.a, "index"));
	teardown(&f);

	setup(&f, "x { url => \"u\" ratio => 0.25 enabled => true tags => [1, \"two\", 3.5] }");
	CHECK(lpj_is_real(lp_args_get(f.a, "ratio")));
	CHECK(lp_args_num(f.a, "ratio", 0) == 0.25);
	CHECK(lp_args_bool(f.a, "enabled", false));
	CHECK_STR(lp_args_item_str(f.a, "tags", 0), "1");
	CHECK_STR(lp_args_item_str(f.a, "tags", 1), "two");
	CHECK_STR(lp_args_item_str(f.a, "tags", 2), "3.5");
	CHECK(lp_args_item_str(f.a, "tags", 3) == NULL);
	teardown(&f);
}

static void test_defaults_and_getters(void)
{
	fixture f;
	setup(&f, "x { url => \"u\" }");
	CHECK_STR(lp_args_str(f.a, "source"), "message");
	CHECK_STR(lp_args_str(f.a, "index"), "logs-%{+YYYY.MM.dd}");
	CHECK_INT(lp_args_int(f.a, "workers", 7), 1);
	CHECK(lp_args_num(f.a, "ratio", 9) == 0.5);
	CHECK(lp_args_bool(f.a, "enabled", false));
	CHECK_OWNED_STR(dump(lp_args_get(f.a, "fields")), "{}");
	CHECK(lp_args_get(f.a, "target") == NULL);
	CHECK(lp_args_str(f.a, "target") == NULL);
	CHECK_INT(lp_args_int(f.a, "target", 42), 42);
	CHECK(lp_args_get(f.a, "no_such_option") == NULL);
	CHECK(lp_args_value(f.a, "source") == NULL);
	CHECK_STR(lp_args_plugin_name(f.a), "x");
	CHECK(lp_args_block(f.a) == f.c->sections[0]->body[0]->plugin);
	CHECK(lp_args_diag(f.a) == f.d);
	/* the plugin's own table wins a shared name */
	CHECK_STR(lp_args_str(f.a, "source"), "message");
	CHECK_OWNED_STR(dump(lp_args_get(f.a, "add_tag")), "[]");
	teardown(&f);
}

static void test_merge_repeated(void)
{
	fixture f;
	/* hashes merge, arrays concatenate, equal scalars are fine */
	setup(&f, "x { url => \"u\" fields => { aa => 1 } tags => [t1] fields => { bb => 2 aa => 3 } tags => t2 "
		  "add_tag => [xx, yy] add_tag => [zz] source => ss source => ss }");
	CHECK_INT(lp_diag_count(f.d), 0);
	CHECK_OWNED_STR(dump(lp_args_get(f.a, "fields")), "{\"aa\":[1,3],\"bb\":2}");
	CHECK_OWNED_STR(dump(lp_args_get(f.a, "tags")), "[\"t1\",\"t2\"]");
	CHECK_OWNED_STR(dump(lp_args_get(f.a, "add_tag")), "[\"xx\",\"yy\",\"zz\"]");
	CHECK_STR(lp_args_str(f.a, "source"), "ss");
	teardown(&f);
	setup(&f, "x { url => \"u\" tags => one tags => [two, three] }");
	CHECK_OWNED_STR(dump(lp_args_get(f.a, "tags")), "[\"one\",\"two\",\"three\"]");
	teardown(&f);
	CHECK_OWNED_STR(apply_errors("x { url => \"u\" fields => { kk => 1 }\n fields => [kk, 2] }"),
			"t.conf:3:2: error: option 'fields' of filter 'x' is set more than once, as a hash and as something else\n"
			" fields => [kk, 2] }\n"
			" ^~~~~~\n");
	CHECK_OWNED_STR(apply_errors("x { url => \"u\" source => aa\n source => bb }"),
			"t.conf:3:2: error: option 'source' of filter 'x' is set more than once\n"
			" source => bb }\n"
			" ^~~~~~\n");
}

static void test_errors(void)
{
	CHECK_OWNED_STR(apply_errors("x { url => \"u\" tag_on_faliure => [] }"),
			"t.conf:2:16: error: unknown option 'tag_on_faliure' for filter 'x'\n"
			"x { url => \"u\" tag_on_faliure => [] }\n"
			"               ^~~~~~~~~~~~~~\n");
	CHECK_OWNED_STR(apply_errors("x { url => \"u\" sourse => aa qqqqq => 1 }"),
			"t.conf:2:16: error: unknown option 'sourse' for filter 'x' (did you mean 'source'?)\n"
			"x { url => \"u\" sourse => aa qqqqq => 1 }\n"
			"               ^~~~~~\n"
			"t.conf:2:29: error: unknown option 'qqqqq' for filter 'x'\n"
			"x { url => \"u\" sourse => aa qqqqq => 1 }\n"
			"                            ^~~~~\n");
	CHECK_OWNED_STR(apply_errors("x { url => \"u\" source => { aa => bb } }"),
			"t.conf:2:26: error: option 'source' of filter 'x' expects a string, got a hash\n"
			"x { url => \"u\" source => { aa => bb } }\n"
			"                         ^~~~~~~~~~~~\n");
	CHECK_OWNED_STR(apply_errors("x { url => \"u\" source => [aa, bb] }"),
			"t.conf:2:26: error: option 'source' of filter 'x' expects a string, got an array\n"
			"x { url => \"u\" source => [aa, bb] }\n"
			"                         ^~~~~~~~\n");
	CHECK_OWNED_STR(apply_errors("x { url => \"u\" workers => \"many\" }"),
			"t.conf:2:27: error: option 'workers' of filter 'x' expects a number, got \"many\"\n"
			"x { url => \"u\" workers => \"many\" }\n"
			"                          ^~~~~~\n");
	CHECK_OWNED_STR(apply_errors("x { url => \"u\" workers => 0 }"),
			"t.conf:2:27: error: value 0 for option 'workers' of filter 'x' is out of range: expected 1 to 64\n"
			"x { url => \"u\" workers => 0 }\n"
			"                          ^\n");
	CHECK_OWNED_STR(apply_errors("x { url => \"u\" enabled => yes }"),
			"t.conf:2:27: error: option 'enabled' of filter 'x' expects true or false, got yes\n"
			"x { url => \"u\" enabled => yes }\n"
			"                          ^~~\n");
	CHECK_OWNED_STR(apply_errors("x { url => \"u\" fields => [aa, bb, cc] }"),
			"t.conf:2:26: error: option 'fields' of filter 'x' expects a hash; an array given for it must hold key/value pairs, got 3 items\n"
			"x { url => \"u\" fields => [aa, bb, cc] }\n"
			"                         ^~~~~~~~~~~~\n");
	CHECK_OWNED_STR(apply_errors("x { url => \"u\" fields => \"k\" }"),
			"t.conf:2:26: error: option 'fields' of filter 'x' expects a hash, got \"k\"\n"
			"x { url => \"u\" fields => \"k\" }\n"
			"                         ^~~\n");
	CHECK_OWNED_STR(apply_errors("x { url => \"u\" tags => { aa => bb } }"),
			"t.conf:2:24: error: option 'tags' of filter 'x' expects an array, got a hash\n"
			"x { url => \"u\" tags => { aa => bb } }\n"
			"                       ^~~~~~~~~~~~\n");
	CHECK_OWNED_STR(apply_errors("x { url => \"u\" codec => [1, 2] }"),
			"t.conf:2:25: error: option 'codec' of filter 'x' expects a codec name or a codec block, got an array\n"
			"x { url => \"u\" codec => [1, 2] }\n"
			"                        ^~~~~~\n");
	CHECK_OWNED_STR(apply_errors("x { url => \"u\" source => json { } }"),
			"t.conf:2:26: error: option 'source' of filter 'x' does not take a plugin block\n"
			"x { url => \"u\" source => json { } }\n"
			"                         ^~~~\n");
	CHECK_OWNED_STR(apply_errors("x { url => \"u\" method => pust }"),
			"t.conf:2:26: error: invalid value 'pust' for option 'method' of filter 'x': expected one of 'put', 'post', 'get'\n"
			"x { url => \"u\" method => pust }\n"
			"                         ^~~~\n");
	CHECK_OWNED_STR(apply_errors("  x { source => aa }"),
			"t.conf:2:3: error: missing required option 'url' for filter 'x'\n"
			"  x { source => aa }\n"
			"  ^\n");
	/* a deprecated option is a warning (logged), not an error */
	CHECK_OWNED_STR(apply_errors("x { url => \"u\" old => aa }"), "");
}

static void test_fieldref_template_errors(void)
{
	/* at the exact column inside the string: span + 1 for the quote + err_col */
	CHECK_OWNED_STR(apply_errors("x { url => \"u\" target => \"[a][b\" }"),
			"t.conf:2:30: error: option 'target' of filter 'x': unclosed '[' in field reference\n"
			"x { url => \"u\" target => \"[a][b\" }\n"
			"                             ^\n");
	CHECK_OWNED_STR(apply_errors("x { url => \"u\" index => \"logs-%{[a}\" }"),
			"t.conf:2:33: error: option 'index' of filter 'x': unclosed '[' in field reference\n"
			"x { url => \"u\" index => \"logs-%{[a}\" }\n"
			"                                ^\n");
	fixture f;
	setup(&f, "x { url => \"u\" target => \"[ok]\" index => \"a-%{b}\" tags => [\"[x]\", \"y[z]\"] "
		  "fields => { \"[k]\" => \"%{[v]}\" \"bad]\" => \"v\" } }");
	CHECK_INT(lp_diag_count(f.d), 0);
	lp_fieldref *r = lp_args_fieldref(f.a, "target");
	CHECK(r && r->n == 1 && strcmp(r->seg[0], "ok") == 0);
	lp_fieldref_destroy(r);
	lp_template *t = lp_args_template(f.a, "index");
	CHECK(t && !lp_template_is_constant(t));
	lp_template_destroy(t);
	/* an unset option compiles to NULL without an error */
	CHECK(lp_args_fieldref(f.a, "password") == NULL);
	CHECK(lp_args_template(f.a, "old") == NULL);
	r = lp_args_fieldref_text(f.a, "tags", 0, lp_args_item_str(f.a, "tags", 0));
	CHECK(r != NULL);
	lp_fieldref_destroy(r);
	CHECK(lp_args_fieldref_text(f.a, "tags", 1, lp_args_item_str(f.a, "tags", 1)) == NULL);
	/* hash keys and values by entry index */
	r = lp_args_fieldref_text(f.a, "fields", 0, "[k]");
	CHECK(r != NULL);
	lp_fieldref_destroy(r);
	CHECK(lp_args_fieldref_text(f.a, "fields", 1, "bad]") == NULL);
	/* any string option compiles on request */
	t = lp_args_template(f.a, "target");
	CHECK(t && lp_template_is_constant(t));
	lp_template_destroy(t);
	char *text = cu_diag_text(f.d);
	CHECK_STR(text,
		  "t.conf:2:69: error: option 'tags' of filter 'x': a bracket after a bare field name (write [a][b], not a[b])\n"
		  "x { url => \"u\" target => \"[ok]\" index => \"a-%{b}\" tags => [\"[x]\", \"y[z]\"] fields => { \"[k]\" => \"%{[v]}\" \"bad]\" => \"v\" } }\n"
		  "                                                                    ^\n"
		  "t.conf:2:109: error: option 'fields' of filter 'x': unexpected ']' in field reference\n"
		  "x { url => \"u\" target => \"[ok]\" index => \"a-%{b}\" tags => [\"[x]\", \"y[z]\"] fields => { \"[k]\" => \"%{[v]}\" \"bad]\" => \"v\" } }\n"
		  "                                                                                                            ^\n");
	free(text);
	CHECK(lp_args_failed(f.a));
	teardown(&f);
}

static void test_error_helpers(void)
{
	fixture f;
	setup(&f, "x { url => \"u\" tags => [aa, bb] tags => cc fields => { kk => vv k2 => v2 } }");
	lp_args_error(f.a, "url", "bad url %d", 1);
	lp_args_error(f.a, "index", "unset option points at the plugin");
	lp_args_error_item(f.a, "tags", 2, "third tag");
	lp_args_error_item(f.a, "fields", 1, "second value");
	lp_args_error_item(f.a, "tags", 9, "no such item: the option");
	CHECK(lp_args_failed(f.a));
	CHECK_OWNED_STR(cu_diag_text(f.d),
			"t.conf:2:1: error: unset option points at the plugin\n"
			"x { url => \"u\" tags => [aa, bb] tags => cc fields => { kk => vv k2 => v2 } }\n"
			"^\n"
			"t.conf:2:12: error: bad url 1\n"
			"x { url => \"u\" tags => [aa, bb] tags => cc fields => { kk => vv k2 => v2 } }\n"
			"           ^~~\n"
			"t.conf:2:24: error: no such item: the option\n"
			"x { url => \"u\" tags => [aa, bb] tags => cc fields => { kk => vv k2 => v2 } }\n"
			"                       ^~~~~~~~\n"
			"t.conf:2:41: error: third tag\n"
			"x { url => \"u\" tags => [aa, bb] tags => cc fields => { kk => vv k2 => v2 } }\n"
			"                                        ^~\n"
			"t.conf:2:71: error: second value\n"
			"x { url => \"u\" tags => [aa, bb] tags => cc fields => { kk => vv k2 => v2 } }\n"
			"                                                                      ^~\n");
	teardown(&f);
}

static void test_error_item_pairs(void)
{
	/* a hash given as key/value pairs: entry i is the value at 2i+1, its key at 2i */
	fixture f;
	setup(&f, "x { url => \"u\" fields => [\"k1]\", \"v1\", \"k2\", \"v2\"] }");
	CHECK_OWNED_STR(dump(lp_args_get(f.a, "fields")), "{\"k1]\":\"v1\",\"k2\":\"v2\"}");
	lp_args_error_item(f.a, "fields", 1, "second entry");
	lp_fieldref *r = lp_args_fieldref_text(f.a, "fields", 0, "k1]");
	CHECK(r == NULL);
	CHECK_OWNED_STR(cu_diag_text(f.d),
			"t.conf:2:30: error: option 'fields' of filter 'x': unexpected ']' in field reference\n"
			"x { url => \"u\" fields => [\"k1]\", \"v1\", \"k2\", \"v2\"] }\n"
			"                             ^\n"
			"t.conf:2:46: error: second entry\n"
			"x { url => \"u\" fields => [\"k1]\", \"v1\", \"k2\", \"v2\"] }\n"
			"                                             ^~~~\n");
	teardown(&f);

	/* merged hashes: entries by key, at their first appearance */
	setup(&f, "x { url => \"u\" fields => { \"aa\" => 1 \"bb\" => 2 }\n fields => { \"aa\" => 3 \"c]\" => 4 } }");
	CHECK_OWNED_STR(dump(lp_args_get(f.a, "fields")), "{\"aa\":[1,3],\"bb\":2,\"c]\":4}");
	lp_args_error_item(f.a, "fields", 1, "entry bb");
	CHECK(lp_args_fieldref_text(f.a, "fields", 2, "c]") == NULL);
	CHECK_OWNED_STR(cu_diag_text(f.d),
			"t.conf:2:46: error: entry bb\n"
			"x { url => \"u\" fields => { \"aa\" => 1 \"bb\" => 2 }\n"
			"                                             ^\n"
			"t.conf:3:26: error: option 'fields' of filter 'x': unexpected ']' in field reference\n"
			" fields => { \"aa\" => 3 \"c]\" => 4 } }\n"
			"                         ^\n");
	teardown(&f);
}

static void test_ids(void)
{
	lp_schema_reset_ids();
	lp_diag *d = lp_diag_create();
	lp_ast_config *c = cu_parse("filter { x { url => \"u\" } y { url => \"u\" } x { url => \"u\" id => \"mine\" } x { url => \"u\" } }", d);
	const lp_option_def *const tables[] = { opts, common };
	const char *want[] = { "x_1", "y_1", "mine", "x_2" };
	for (size_t i = 0; i < 4; i++) {
		lp_args *a = lp_schema_apply(c->sections[0]->body[i]->plugin, "filter", tables, 2, d);
		CHECK_STR(lp_args_id(a), want[i]);
		lp_args_destroy(a);
	}
	lp_schema_reset_ids();
	lp_args *a = lp_schema_apply(c->sections[0]->body[0]->plugin, "filter", tables, 2, d);
	CHECK_STR(lp_args_id(a), "x_1");
	lp_args_destroy(a);
	CHECK_INT(lp_diag_count(d), 0);
	lp_ast_config_destroy(c);
	lp_diag_destroy(d);
}

static char *describe(bool md)
{
	static const lp_option_def small[] = {
		{ "hosts", LP_OPT_ARRAY, "[\"127.0.0.1:9200\"]", LP_OPT_REQUIRED, NULL, 0, 0, "Where to send." },
		{ "password", LP_OPT_PASSWORD, NULL, 0, NULL, 0, 0, "Basic auth | password." },
		{ "level", LP_OPT_STRING, "\"info\"", LP_OPT_DEPRECATED, methods, 0, 0, "Old." },
		{ "n", LP_OPT_NUMBER, "2", 0, NULL, 1, 8, "Count." },
		LP_OPT_END,
	};
	static const lp_option_def com[] = {
		{ "id", LP_OPT_STRING, NULL, 0, NULL, 0, 0, "Id." },
		{ "n", LP_OPT_STRING, NULL, 0, NULL, 0, 0, "Shadowed." },
		LP_OPT_END,
	};
	const lp_option_def *const tables[] = { small, com };
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	lp_schema_describe(tables, 2, m, md);
	fclose(m);
	return buf;
}

static void test_describe(void)
{
	CHECK_OWNED_STR(describe(false),
			"Setting   Type                 Required  Default             Description\n"
			"hosts     array                yes       [\"127.0.0.1:9200\"]  Where to send.\n"
			"password  password (secret)    no                            Basic auth | password.\n"
			"level     string (deprecated)  no        \"info\"              Old. One of: put, post, get.\n"
			"n         number               no        2                   Count. Range: 1 to 8.\n"
			"id        string               no                            Id.\n");
	CHECK_OWNED_STR(describe(true),
			"| Setting | Type | Required | Default | Description |\n"
			"|---|---|---|---|---|\n"
			"| `hosts` | array | yes | `[\"127.0.0.1:9200\"]` | Where to send. |\n"
			"| `password` | password (secret) | no |  | Basic auth \\| password. |\n"
			"| `level` | string (deprecated) | no | `\"info\"` | Old. One of: put, post, get. |\n"
			"| `n` | number | no | `2` | Count. Range: 1 to 8. |\n"
			"| `id` | string | no |  | Id. |\n");
}

int main(void)
{
	LP_RUN(test_types);
	LP_RUN(test_defaults_and_getters);
	LP_RUN(test_merge_repeated);
	LP_RUN(test_errors);
	LP_RUN(test_fieldref_template_errors);
	LP_RUN(test_error_helpers);
	LP_RUN(test_error_item_pairs);
	LP_RUN(test_ids);
	LP_RUN(test_describe);
	return lp_test_report();
}
