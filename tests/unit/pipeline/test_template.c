/* Tests of pipeline/template: Logstash sprintf semantics. */
#include "lp_test.h"

#include "pipeline/event.h"
#include "pipeline/mem.h"
#include "pipeline/template.h"

#include <stdlib.h>

static lp_event *ev_from(const char *json)
{
	lpj_t *o = lpj_loads(json, 0, NULL);
	if (!o) {
		fprintf(stderr, "bad test JSON\n");
		abort();
	}
	return lp_event_new(o);
}

static lp_event *sample(void)
{
	return ev_from("{\"@timestamp\":\"2024-03-05T07:08:09.123Z\",\"message\":\"hello\","
		"\"host\":{\"name\":\"web-1\"},\"n\":42,\"neg\":-7,\"r\":1.5,\"whole\":2.0,\"t\":true,\"f\":false,"
		"\"z\":null,\"arr\":[\"a\",1,null,[\"x\",\"y\"],{\"k\":\"v\"},true],\"obj\":{\"a\":1,\"b\":[1,2]},"
		"\"empty\":\"\",\"@metadata\":{\"index\":\"logs\"}}");
}

/* Renders text over ev and compares with want. */
static void check_render(lp_event *ev, const char *text, const char *want)
{
	const char *err = NULL;
	size_t col = 0;
	lp_template *t = lp_template_compile(text, &err, &col);
	CHECK(t != NULL);
	if (!t) {
		fprintf(stderr, "  compiling '%s': %s at %zu\n", text, err, col);
		return;
	}
	CHECK_STR(lp_template_text(t), text);
	char *got = lp_template_render_str(t, ev);
	if (strcmp(got, want) != 0)
		fprintf(stderr, "  template '%s'\n", text);
	CHECK_STR(got, want);
	/* Appending to a buffer gives the same. */
	lp_buf b = LP_BUF_INIT;
	lp_buf_adds(&b, ">");
	lp_template_render(t, ev, &b);
	CHECK(b.len == strlen(want) + 1 && strcmp(b.data + 1, want) == 0);
	lp_buf_fini(&b);
	lp_free(got);
	lp_template_destroy(t);
}

static void test_fields(void)
{
	lp_event *ev = sample();
	check_render(ev, "%{message}", "hello");
	check_render(ev, "[%{message}] from %{[host][name]}!", "[hello] from web-1!");
	check_render(ev, "%{[@metadata][index]}-x", "logs-x");
	check_render(ev, "%{n}/%{neg}/%{r}/%{whole}", "42/-7/1.5/2.0");
	check_render(ev, "%{t} %{f}", "true false");
	check_render(ev, "%{arr}", "a,1,,x,y,{\"k\":\"v\"},true");
	check_render(ev, "%{obj}", "{\"a\":1,\"b\":[1,2]}");
	check_render(ev, "%{[obj][b]}", "1,2");
	check_render(ev, "%{[arr][0]}%{[arr][-1]}", "atrue");
	check_render(ev, "<%{empty}>", "<>");
	check_render(ev, "%{@timestamp}", "2024-03-05T07:08:09.123Z");
	check_render(ev, "%{message}%{message}", "hellohello");
	lp_event_destroy(ev);
}

static void test_missing(void)
{
	lp_event *ev = sample();
	/* Missing and null fields stay literally. */
	check_render(ev, "%{nope}", "%{nope}");
	check_render(ev, "a %{[host][nope]} b", "a %{[host][nope]} b");
	check_render(ev, "%{z}", "%{z}");
	check_render(ev, "%{[@metadata][nope]}", "%{[@metadata][nope]}");
	lp_event_destroy(ev);
}

static void test_literal_edges(void)
{
	lp_event *ev = sample();
	check_render(ev, "", "");
	check_render(ev, "no refs", "no refs");
	check_render(ev, "100%", "100%");
	check_render(ev, "%{message", "%{message");
	check_render(ev, "%{message} %{unclosed", "hello %{unclosed");
	check_render(ev, "%{message}}", "hello}");
	check_render(ev, "{%{n}}", "{42}");
	check_render(ev, "%%{n}", "%42");
	check_render(ev, "% {n}", "% {n}");
	lp_event_destroy(ev);
}

static void test_dates(void)
{
	lp_event *ev = sample();
	check_render(ev, "logs-%{+YYYY.MM.dd}", "logs-2024.03.05");
	check_render(ev, "%{+HH:mm:ss.SSS}", "07:08:09.123");
	check_render(ev, "%{+%s}", "1709622489");
	check_render(ev, "%{+yyyy}-%{[host][name]}-%{+%s}", "2024-web-1-1709622489");
	/* Logstash treats a prefix of "+%s" (also "%{}") as epoch seconds. */
	check_render(ev, "%{}", "1709622489");
	check_render(ev, "%{{yyyy-MM-dd}}", "2024-03-05");
	lp_event_destroy(ev);
	/* Before 1970. */
	ev = ev_from("{\"@timestamp\":\"1969-12-31T23:59:59Z\"}");
	check_render(ev, "%{+%s}", "-1");
	lp_event_destroy(ev);
}

static void test_time_now(void)
{
	setenv("LOGPIPE_FAKE_NOW", "2031-05-06T01:02:03.000Z", 1);
	lp_event *ev = sample();
	check_render(ev, "%{{TIME_NOW}}", "2031-05-06T01:02:03.000000Z");
	lp_event_destroy(ev);
	unsetenv("LOGPIPE_FAKE_NOW");
}

static void test_constant(void)
{
	lp_template *t = lp_template_compile("plain text 100%", NULL, NULL);
	CHECK(t && lp_template_is_constant(t));
	lp_template_destroy(t);
	t = lp_template_compile("%{unclosed", NULL, NULL);
	CHECK(t && lp_template_is_constant(t));
	lp_template_destroy(t);
	t = lp_template_compile("", NULL, NULL);
	CHECK(t && lp_template_is_constant(t));
	lp_template_destroy(t);
	t = lp_template_compile("a %{b}", NULL, NULL);
	CHECK(t && !lp_template_is_constant(t));
	lp_template_destroy(t);
	t = lp_template_compile("%{+YYYY}", NULL, NULL);
	CHECK(t && !lp_template_is_constant(t));
	lp_template_destroy(t);
	lp_template_destroy(NULL);
}

static void test_errors(void)
{
	const char *err = NULL;
	size_t col = 0;
	CHECK(lp_template_compile("ab %{x[y]}", &err, &col) == NULL);
	CHECK(err != NULL);
	CHECK_INT(col, 6); /* the '[' after the bare name */
	err = NULL;
	CHECK(lp_template_compile("%{[a][]}", &err, &col) == NULL);
	CHECK(err != NULL);
	CHECK_INT(col, 5);
	CHECK(lp_template_compile("%{[a]}%{[]}", NULL, NULL) == NULL);
	/* Date pattern errors point into the pattern. */
	err = NULL;
	CHECK(lp_template_compile("x-%{+YYYY.bb}", &err, &col) == NULL);
	CHECK(err != NULL);
	CHECK_INT(col, 10);
	CHECK(lp_template_compile("%{{yyyy-bb}}", NULL, NULL) == NULL);
}

int main(void)
{
	LP_RUN(test_fields);
	LP_RUN(test_missing);
	LP_RUN(test_literal_edges);
	LP_RUN(test_dates);
	LP_RUN(test_time_now);
	LP_RUN(test_constant);
	LP_RUN(test_errors);
	return lp_test_report();
}
