/* Tests for outputs/alertmanager/am_batch.c: alerts from events, merging,
 * the v2 JSON array, durations and label names. */
#include "lp_test.h"

#include "outputs/alertmanager/am_batch.h"
#include "pipeline/error.h"
#include "pipeline/mem.h"

#include "pipeline/json.h"

static lp_event *event_of(const char *json)
{
	lpj_t *o = lpj_loads(json, 0, NULL);
	CHECK(o != NULL);
	return lp_event_new(o);
}

static lp_template *tpl(const char *s)
{
	lp_template *t = lp_template_compile(s, NULL, NULL);
	CHECK(t != NULL);
	return t;
}

typedef struct fixture {
	char *lnames[3], *anames[2];
	lp_template *lvals[3], *avals[2];
	lp_am_spec spec;
} fixture;

static void fixture_init(fixture *f)
{
	f->lnames[0] = "alertname";
	f->lvals[0] = tpl("SystemError");
	f->lnames[1] = "service";
	f->lvals[1] = tpl("%{service}");
	f->lnames[2] = "severity";
	f->lvals[2] = tpl("critical");
	f->anames[0] = "summary";
	f->avals[0] = tpl("System error in %{service}");
	f->anames[1] = "description";
	f->avals[1] = tpl("%{message}");
	f->spec = (lp_am_spec){ 3, f->lnames, f->lvals, 2, f->anames, f->avals, NULL, 300000 };
}

static void fixture_fini(fixture *f)
{
	for (int i = 0; i < 3; i++)
		lp_template_destroy(f->lvals[i]);
	for (int i = 0; i < 2; i++)
		lp_template_destroy(f->avals[i]);
	lp_template_destroy(f->spec.generator_url);
}

static void test_build_merge_encode(void)
{
	fixture f;
	fixture_init(&f);
	lp_event *evs[4] = {
		event_of("{\"@timestamp\":\"2024-05-01T10:00:05.000Z\",\"service\":\"payment-api\",\"message\":\"db down\"}"),
		event_of("{\"@timestamp\":\"2024-05-01T10:00:01.000Z\",\"service\":\"ledger\",\"message\":\"disk full\"}"),
		event_of("{\"@timestamp\":\"2024-05-01T10:00:02.000Z\",\"service\":\"payment-api\",\"message\":\"db still down\"}"),
		event_of("{\"@timestamp\":\"2024-05-01T10:00:09.000Z\",\"service\":\"ledger\",\"message\":\"disk \\\"full\\\"\"}"),
	};
	lp_am_batch b;
	lp_am_batch_init(&b);
	lp_buf scratch = LP_BUF_INIT, out = LP_BUF_INIT;
	lp_am_batch_build(&b, &f.spec, evs, 4, &scratch);
	CHECK_INT(b.n, 2);
	CHECK_INT(b.of_event[0], 0);
	CHECK_INT(b.of_event[1], 1);
	CHECK_INT(b.of_event[2], 0);
	CHECK_INT(b.of_event[3], 1);

	lp_time now = { 1714557660, 0, 3 }; /* 2024-05-01T10:01:00Z */
	lp_am_batch_encode(&b, &f.spec, NULL, 0, now, &out);
	CHECK_STR(lp_buf_str(&out),
		  "[{\"labels\":{\"alertname\":\"SystemError\",\"service\":\"payment-api\",\"severity\":\"critical\"},"
		  "\"annotations\":{\"summary\":\"System error in payment-api\",\"description\":\"db still down\"},"
		  "\"startsAt\":\"2024-05-01T10:00:02.000Z\",\"endsAt\":\"2024-05-01T10:06:00.000Z\"},"
		  "{\"labels\":{\"alertname\":\"SystemError\",\"service\":\"ledger\",\"severity\":\"critical\"},"
		  "\"annotations\":{\"summary\":\"System error in ledger\",\"description\":\"disk \\\"full\\\"\"},"
		  "\"startsAt\":\"2024-05-01T10:00:01.000Z\",\"endsAt\":\"2024-05-01T10:06:00.000Z\"}]");

	/* One alert alone; startsAt never later than now; generatorURL. */
	f.spec.generator_url = tpl("http://kibana/app/discover#/?q=%{service}");
	lp_am_batch_build(&b, &f.spec, evs, 4, &scratch);
	lp_time early = { 1714557602, 500000000, 3 }; /* 10:00:02.5, before event 4 */
	size_t which = 1;
	lp_buf_reset(&out);
	lp_am_batch_encode(&b, &f.spec, &which, 1, early, &out);
	CHECK_STR(lp_buf_str(&out),
		  "[{\"labels\":{\"alertname\":\"SystemError\",\"service\":\"ledger\",\"severity\":\"critical\"},"
		  "\"annotations\":{\"summary\":\"System error in ledger\",\"description\":\"disk \\\"full\\\"\"},"
		  "\"startsAt\":\"2024-05-01T10:00:01.000Z\",\"endsAt\":\"2024-05-01T10:05:02.500Z\","
		  "\"generatorURL\":\"http://kibana/app/discover#/?q=ledger\"}]");
	lpj_t *parsed = lpj_loads(lp_buf_str(&out), 0, NULL);
	CHECK(lpj_is_array(parsed));
	lpj_decref(parsed);

	/* A rebuild with fewer events reuses the storage. */
	lp_am_batch_build(&b, &f.spec, evs + 1, 1, &scratch);
	CHECK_INT(b.n, 1);
	CHECK_INT(b.n_events, 1);

	for (int i = 0; i < 4; i++)
		lp_event_destroy(evs[i]);
	lp_am_batch_fini(&b);
	lp_buf_fini(&scratch);
	lp_buf_fini(&out);
	fixture_fini(&f);
}

static void test_startsat_clamped(void)
{
	fixture f;
	fixture_init(&f);
	lp_event *ev = event_of("{\"@timestamp\":\"2030-01-01T00:00:00.000Z\",\"service\":\"s\",\"message\":\"m\"}");
	lp_am_batch b;
	lp_am_batch_init(&b);
	lp_buf scratch = LP_BUF_INIT, out = LP_BUF_INIT;
	lp_am_batch_build(&b, &f.spec, &ev, 1, &scratch);
	lp_time now = { 1714557660, 0, 3 };
	lp_am_batch_encode(&b, &f.spec, NULL, 0, now, &out);
	CHECK(strstr(lp_buf_str(&out), "\"startsAt\":\"2024-05-01T10:01:00.000Z\"") != NULL);
	lp_event_destroy(ev);
	lp_am_batch_fini(&b);
	lp_buf_fini(&scratch);
	lp_buf_fini(&out);
	fixture_fini(&f);
}

static void test_duration(void)
{
	int64_t ms = -1;
	CHECK_INT(lp_am_batch_parse_duration("300", &ms), 0);
	CHECK_INT(ms, 300000);
	CHECK_INT(lp_am_batch_parse_duration("5m", &ms), 0);
	CHECK_INT(ms, 300000);
	CHECK_INT(lp_am_batch_parse_duration("1.5h", &ms), 0);
	CHECK_INT(ms, 5400000);
	CHECK_INT(lp_am_batch_parse_duration("250ms", &ms), 0);
	CHECK_INT(ms, 250);
	CHECK_INT(lp_am_batch_parse_duration("2d", &ms), 0);
	CHECK_INT(ms, 172800000);
	CHECK_INT(lp_am_batch_parse_duration("30s", &ms), 0);
	CHECK_INT(ms, 30000);
	CHECK_INT(lp_am_batch_parse_duration("5 m", &ms), LP_EINVAL);
	CHECK_INT(lp_am_batch_parse_duration("m", &ms), LP_EINVAL);
	CHECK_INT(lp_am_batch_parse_duration("-1", &ms), LP_EINVAL);
	CHECK_INT(lp_am_batch_parse_duration("", &ms), LP_EINVAL);
	CHECK_INT(lp_am_batch_parse_duration("5w", &ms), LP_EINVAL);
}

static void test_label_names(void)
{
	CHECK(lp_am_batch_label_name_ok("alertname"));
	CHECK(lp_am_batch_label_name_ok("_x9"));
	CHECK(!lp_am_batch_label_name_ok("9x"));
	CHECK(!lp_am_batch_label_name_ok("bad-name"));
	CHECK(!lp_am_batch_label_name_ok(""));
	CHECK(!lp_am_batch_label_name_ok("a.b"));
}

int main(void)
{
	LP_RUN(test_build_merge_encode);
	LP_RUN(test_startsat_clamped);
	LP_RUN(test_duration);
	LP_RUN(test_label_names);
	return lp_test_report();
}
