/* Tests for conf/env and ${VAR} in configs: defined, default, empty,
 * undefined (error at the "${" position), malformed references left alone,
 * and substitution only inside strings. */
#include "lp_test.h"

#include "conf/env.h"
#include "conf_util.h"

#include <stdlib.h>

typedef struct undef_log {
	lp_buf b;
} undef_log;

static void on_undef(void *ud, size_t off, const char *name, size_t len)
{
	undef_log *u = ud;
	lp_buf_printf(&u->b, "%zu:%.*s;", off, (int)len, name);
}

static char *expand(const char *s, char **undef)
{
	lp_buf out = LP_BUF_INIT;
	undef_log u = { LP_BUF_INIT };
	lp_env_expand(s, strlen(s), &out, on_undef, &u);
	*undef = lp_strdup(lp_buf_str(&u.b));
	char *r = lp_strdup(lp_buf_str(&out));
	lp_buf_fini(&out);
	lp_buf_fini(&u.b);
	return r;
}

static void test_expand(void)
{
	setenv("LP_T_HOST", "es1:9200", 1);
	setenv("LP_T_EMPTY", "", 1);
	unsetenv("LP_T_NONE");
	char *undef;
	CHECK_OWNED_STR(expand("http://${LP_T_HOST}/x", &undef), "http://es1:9200/x");
	CHECK_OWNED_STR(undef, "");
	CHECK_OWNED_STR(expand("${LP_T_NONE:localhost:9200}", &undef), "localhost:9200");
	CHECK_OWNED_STR(undef, "");
	CHECK_OWNED_STR(expand("[${LP_T_NONE:}]", &undef), "[]");
	CHECK_OWNED_STR(undef, "");
	/* defined but empty wins over the default */
	CHECK_OWNED_STR(expand("[${LP_T_EMPTY:dflt}]", &undef), "[]");
	CHECK_OWNED_STR(undef, "");
	CHECK_OWNED_STR(expand("${LP_T_HOST}${LP_T_HOST}", &undef), "es1:9200es1:9200");
	CHECK_OWNED_STR(undef, "");
	CHECK_OWNED_STR(expand("a ${LP_T_NONE} b ${LP_T_NONE2}", &undef), "a ${LP_T_NONE} b ${LP_T_NONE2}");
	CHECK_OWNED_STR(undef, "2:LP_T_NONE;17:LP_T_NONE2;");
	/* not references: left as written */
	CHECK_OWNED_STR(expand("$LP_T_HOST ${} ${1x} ${a b} ${open %{field}", &undef),
			"$LP_T_HOST ${} ${1x} ${a b} ${open %{field}");
	CHECK_OWNED_STR(undef, "");
	CHECK(lp_env_has_ref("x ${A.b_c}", 10));
	CHECK(!lp_env_has_ref("x ${ A}", 7));
}

static void test_in_config(void)
{
	setenv("LP_T_HOST", "es1:9200", 1);
	unsetenv("ES_URL");
	CHECK_OWNED_STR(cu_parse_render("output { es { hosts => [\"${LP_T_HOST}\"] x => '${LP_T_NONE:5}' } }"),
			"output: es{hosts=>[\"es1:9200\"] x=>\"5\"}");
	/* inside conditions too */
	CHECK_OWNED_STR(cu_parse_render("filter { if [h] == \"${LP_T_HOST}\" { d {} } }"),
			"filter: if (== [h] \"es1:9200\") <d{}>");
	/* comments are not substituted */
	CHECK_OWNED_STR(cu_parse_render("# ${ES_URL}\nfilter { }"), "filter:");
	CHECK_OWNED_STR(cu_parse_errors("output {\n  elasticsearch {\n    hosts => [\"${ES_URL}\"]\n  }\n}\n"),
			"t.conf:3:16: error: environment variable 'ES_URL' is not defined and has no default\n"
			"    hosts => [\"${ES_URL}\"]\n"
			"               ^~~~~~~~~\n");
	/* in a multi-line string, at its own line and column; all are reported */
	CHECK_OWNED_STR(cu_parse_errors("filter { m { a => \"x\n  y ${ES_URL} ${LP_T_NONE}\" } }"),
			"t.conf:2:5: error: environment variable 'ES_URL' is not defined and has no default\n"
			"  y ${ES_URL} ${LP_T_NONE}\" } }\n"
			"    ^~~~~~~~~\n"
			"t.conf:2:15: error: environment variable 'LP_T_NONE' is not defined and has no default\n"
			"  y ${ES_URL} ${LP_T_NONE}\" } }\n"
			"              ^~~~~~~~~~~~\n");
}

int main(void)
{
	LP_RUN(test_expand);
	LP_RUN(test_in_config);
	return lp_test_report();
}
