/* Tests for outputs/http/http_body.c: mapping rendering and form encoding. */
#include "lp_test.h"

#include "outputs/http/http_body.h"
#include "pipeline/mem.h"

#include "pipeline/json.h"

static lp_event *event_of(const char *json)
{
	lpj_error_t e;
	lpj_t *o = lpj_loads(json, 0, &e);
	CHECK(o != NULL);
	return lp_event_new(o);
}

static void test_mapping_json(void)
{
	lpj_t *m = lpj_loads("{\"labels\":{\"alertname\":\"SystemError\",\"service\":\"%{service}\"},"
			       "\"list\":[\"a\",\"%{[ctx][n]}\",{\"x\":\"%{missing}\"}],\"num\":5,"
			       "\"quote\":\"%{message}\"}",
			       LPJ_PRESERVE_ORDER, NULL);
	char err[256];
	lp_http_map *map = lp_http_map_compile(m, err, sizeof(err));
	CHECK(map != NULL);
	lp_event *ev = event_of("{\"service\":\"payment-api\",\"ctx\":{\"n\":42},"
				"\"message\":\"said \\\"no\\\"\\n\"}");
	lp_buf out = LP_BUF_INIT, scratch = LP_BUF_INIT;
	lp_http_map_write_json(map, ev, &out, &scratch);
	CHECK_STR(lp_buf_str(&out),
		  "{\"labels\":{\"alertname\":\"SystemError\",\"service\":\"payment-api\"},"
		  "\"list\":[\"a\",\"42\",{\"x\":\"%{missing}\"}],\"num\":\"5\","
		  "\"quote\":\"said \\\"no\\\"\\n\"}");
	/* The rendering is valid JSON. */
	lpj_t *back = lpj_loads(lp_buf_str(&out), 0, NULL);
	CHECK(back != NULL);
	lpj_decref(back);

	lp_buf_reset(&out);
	lp_http_map_write_form(map, ev, &out, &scratch);
	CHECK_STR(lp_buf_str(&out),
		  "labels=%7B%22alertname%22%3A%22SystemError%22%2C%22service%22%3A%22payment-api%22%7D"
		  "&list=%5B%22a%22%2C%2242%22%2C%7B%22x%22%3A%22%25%7Bmissing%7D%22%7D%5D&num=5"
		  "&quote=said+%22no%22%0A");
	lp_buf_fini(&out);
	lp_buf_fini(&scratch);
	lp_event_destroy(ev);
	lp_http_map_destroy(map);
	lpj_decref(m);
}

static void test_mapping_error(void)
{
	lpj_t *m = lpj_loads("{\"a\":{\"b\":[\"ok\",\"%{a[b]}\"]}}", 0, NULL);
	char err[256];
	lp_http_map *map = lp_http_map_compile(m, err, sizeof(err));
	CHECK(map == NULL);
	CHECK(strstr(err, "[a][b][1]") != NULL);
	lpj_decref(m);
}

static void test_form_escape(void)
{
	lp_buf out = LP_BUF_INIT;
	const char s[] = "a b&c=d/é*-._~";
	lp_http_body_form_escape(&out, s, sizeof(s) - 1);
	CHECK_STR(lp_buf_str(&out), "a+b%26c%3Dd%2F%C3%A9*-._%7E");
	lp_buf_fini(&out);
}

static void test_event_form(void)
{
	lp_event *ev = event_of("{\"@timestamp\":\"2024-05-01T10:00:00.000Z\",\"message\":\"x y\","
				"\"n\":3,\"o\":{\"k\":true}}");
	lp_buf out = LP_BUF_INIT, scratch = LP_BUF_INIT;
	lp_http_body_event_form(ev, &out, &scratch);
	const char *s = lp_buf_str(&out);
	CHECK(strstr(s, "message=x+y") != NULL);
	CHECK(strstr(s, "n=3") != NULL);
	CHECK(strstr(s, "o=%7B%22k%22%3Atrue%7D") != NULL);
	CHECK(strstr(s, "%40timestamp=2024-05-01T10%3A00%3A00.000Z") != NULL);
	CHECK(strstr(s, "%40version=1") != NULL);
	CHECK(s[0] != '&' && strstr(s, "&&") == NULL);
	lp_buf_fini(&out);
	lp_buf_fini(&scratch);
	lp_event_destroy(ev);
}

int main(void)
{
	LP_RUN(test_mapping_json);
	LP_RUN(test_mapping_error);
	LP_RUN(test_form_escape);
	LP_RUN(test_event_form);
	return lp_test_report();
}
