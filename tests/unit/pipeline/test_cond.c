/* Unit tests for pipeline/cond: Logstash condition semantics (DESIGN.md §1). */
#include "conf/load.h"
#include "lp_test.h"
#include "pipeline/cond.h"
#include "pipeline/mem.h"

#include <string.h>

/* Evaluates the condition text on the event given as JSON. */
static lp_cond_result eval(const char *cond, const char *event_json)
{
	lp_source_file *f = lp_calloc(1, sizeof(*f));
	f->name = lp_strdup("test.conf");
	f->text = lp_asprintf("filter { if %s { } }", cond);
	f->len = strlen(f->text);
	lp_ast_config *cfg = lp_calloc(1, sizeof(*cfg));
	lp_diag *d = lp_diag_create();
	lp_conf_parse_into(cfg, f, d);
	lp_cond_result r = LP_COND_ERROR;
	if (lp_diag_count(d) || cfg->n_sections != 1) {
		lp_diag_print(d, stderr);
		r = (lp_cond_result)99;
	} else {
		lp_cond *c = lp_cond_compile(cfg->sections[0]->body[0]->branches[0]->cond, d);
		if (!c) {
			lp_diag_print(d, stderr);
			r = (lp_cond_result)98;
		} else {
			lp_event *ev = lp_event_new(lpj_loads(event_json, 0, NULL));
			r = lp_cond_eval(c, ev, NULL);
			lp_event_destroy(ev);
			lp_cond_destroy(c);
		}
	}
	lp_diag_destroy(d);
	lp_ast_config_destroy(cfg);
	return r;
}

#define T LP_COND_TRUE
#define F LP_COND_FALSE
#define E LP_COND_ERROR

static void test_truthiness(void)
{
	CHECK_INT(eval("[a]", "{\"a\":1}"), T);
	CHECK_INT(eval("[a]", "{}"), F);
	CHECK_INT(eval("[a]", "{\"a\":null}"), F);
	CHECK_INT(eval("[a]", "{\"a\":false}"), F);
	CHECK_INT(eval("[a]", "{\"a\":\"\"}"), F);   /* Logstash 8 valueIsTruthy: "" is false */
	CHECK_INT(eval("[a]", "{\"a\":\"false\"}"), F);
	CHECK_INT(eval("[a]", "{\"a\":[]}"), T);
	CHECK_INT(eval("[a]", "{\"a\":0}"), T);
	CHECK_INT(eval("![a]", "{}"), T);
	CHECK_INT(eval("[a][b]", "{\"a\":{\"b\":2}}"), T);
}

static void test_equality_never_fails(void)
{
	CHECK_INT(eval("[missing] == 5", "{}"), F);
	CHECK_INT(eval("[missing] != 5", "{}"), T);
	CHECK_INT(eval("[a] == 5", "{\"a\":5}"), T);
	CHECK_INT(eval("[a] == 5", "{\"a\":5.0}"), T);
	CHECK_INT(eval("[a] == \"5\"", "{\"a\":5}"), F);
	CHECK_INT(eval("[a] == \"x\"", "{\"a\":\"x\"}"), T);
	CHECK_INT(eval("[a] == [b]", "{\"a\":[1,2],\"b\":[1,2]}"), T);
}

static void test_ordering(void)
{
	CHECK_INT(eval("[d] > 1000", "{\"d\":1500}"), T);
	CHECK_INT(eval("[d] > 1000", "{\"d\":1000}"), F);
	CHECK_INT(eval("[d] >= 1000", "{\"d\":1000}"), T);
	CHECK_INT(eval("[d] < 1.5", "{\"d\":1}"), T);
	CHECK_INT(eval("[s] < \"b\"", "{\"s\":\"a\"}"), T);
	/* cannot be evaluated */
	CHECK_INT(eval("[d] > 1000", "{}"), E);
	CHECK_INT(eval("[d] > 1000", "{\"d\":\"1500\"}"), E);
	CHECK_INT(eval("[d] > 1000", "{\"d\":[1]}"), E);
	CHECK_INT(eval("[d] > 1000", "{\"d\":null}"), E);
}

static void test_regex(void)
{
	CHECK_INT(eval("[m] =~ /^ERR/", "{\"m\":\"ERROR x\"}"), T);
	CHECK_INT(eval("[m] =~ /^ERR/", "{\"m\":\"ok\"}"), F);
	CHECK_INT(eval("[m] !~ /^ERR/", "{\"m\":\"ok\"}"), T);
	CHECK_INT(eval("[m] =~ /x/", "{}"), F);
	CHECK_INT(eval("[m] !~ /x/", "{}"), T);
	CHECK_INT(eval("[m] =~ /1/", "{\"m\":1}"), F);
}

static void test_in(void)
{
	CHECK_INT(eval("\"b\" in [tags]", "{\"tags\":[\"a\",\"b\"]}"), T);
	CHECK_INT(eval("\"c\" in [tags]", "{\"tags\":[\"a\",\"b\"]}"), F);
	CHECK_INT(eval("\"c\" not in [tags]", "{\"tags\":[\"a\",\"b\"]}"), T);
	CHECK_INT(eval("\"ell\" in [m]", "{\"m\":\"hello\"}"), T);
	CHECK_INT(eval("[lvl] in [\"ERROR\", \"WARN\"]", "{\"lvl\":\"WARN\"}"), T);
	CHECK_INT(eval("[lvl] in [\"ERROR\", \"WARN\"]", "{\"lvl\":\"INFO\"}"), F);
	CHECK_INT(eval("\"x\" in [missing]", "{}"), F);
	CHECK_INT(eval("[missing] not in [\"a\"]", "{}"), T);
	CHECK_INT(eval("5 in [n]", "{\"n\":[5,6]}"), T);
}

static void test_boolean_operators(void)
{
	CHECK_INT(eval("[a] and [b]", "{\"a\":1,\"b\":1}"), T);
	CHECK_INT(eval("[a] and [b]", "{\"a\":1}"), F);
	CHECK_INT(eval("[a] or [b]", "{\"b\":1}"), T);
	CHECK_INT(eval("[a] xor [b]", "{\"a\":1,\"b\":1}"), F);
	CHECK_INT(eval("[a] xor [b]", "{\"a\":1}"), T);
	CHECK_INT(eval("[a] nand [b]", "{\"a\":1,\"b\":1}"), F);
	CHECK_INT(eval("!([a] and [b])", "{\"a\":1}"), T);
	/* short circuit: the failing comparison is not evaluated */
	CHECK_INT(eval("[a] and [d] > 1", "{}"), F);
	CHECK_INT(eval("[a] or [d] > 1", "{\"a\":1}"), T);
	/* an evaluation failure propagates */
	CHECK_INT(eval("[a] and [d] > 1", "{\"a\":1}"), E);
	CHECK_INT(eval("!([d] > 1)", "{}"), E);
}

static void test_payment_conditions(void)
{
	const char *err = "{\"level\":\"ERROR\",\"context\":{\"error_code\":\"CARD_DECLINED\",\"duration_ms\":1200}}";
	CHECK_INT(eval("[level] == \"ERROR\"", err), T);
	CHECK_INT(eval("[context][error_code]", err), T);
	CHECK_INT(eval("[context][duration_ms] > 1000", err), T);
	CHECK_INT(eval("[fields][service] == \"payment\"", "{\"fields\":{\"service\":\"payment\"}}"), T);
}

int main(void)
{
	LP_RUN(test_truthiness);
	LP_RUN(test_equality_never_fails);
	LP_RUN(test_ordering);
	LP_RUN(test_regex);
	LP_RUN(test_in);
	LP_RUN(test_boolean_operators);
	LP_RUN(test_payment_conditions);
	return lp_test_report();
}
