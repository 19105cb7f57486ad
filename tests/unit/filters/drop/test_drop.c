/* Tests for filters/drop: all events, none, and a random share. */
#include "lp_test.h"

#include "codecs/codec_helper.h"

static int count_drops(const char *percentage, int n)
{
	test_codec holder;
	memset(&holder, 0, sizeof(holder));
	const char *opts[] = { "percentage", percentage, NULL };
	void *inst = test_plugin_create(&holder, LP_PLUGIN_FILTER, "drop", percentage ? opts : NULL);
	const lp_plugin_def *def = holder.c.def;
	if (!inst) {
		test_holder_fini(&holder);
		return -1;
	}
	void *ws = def->worker_create ? def->worker_create(inst) : NULL;
	lp_event *ev = test_event("{\"message\":\"x\"}");
	int drops = 0;
	for (int i = 0; i < n; i++) {
		lp_filter_rc rc = def->filter(inst, ws, ev, NULL);
		CHECK(rc == LP_FILTER_DROP || rc == LP_FILTER_SKIP);
		drops += rc == LP_FILTER_DROP;
	}
	CHECK_STR(test_str(ev, "message"), "x"); /* a kept event is untouched */
	lp_event_destroy(ev);
	if (def->worker_destroy)
		def->worker_destroy(inst, ws);
	def->destroy(inst);
	test_holder_fini(&holder);
	return drops;
}

static void test_default_drops_all(void)
{
	CHECK_INT(count_drops(NULL, 100), 100);
	CHECK_INT(count_drops("#100", 100), 100);
}

static void test_zero_drops_none(void)
{
	CHECK_INT(count_drops("#0", 1000), 0);
}

static void test_percentage_is_a_random_share(void)
{
	int d = count_drops("#30", 20000);
	/* 30% of 20000 = 6000, standard deviation ~65 */
	CHECK(d > 5500 && d < 6500);
}

static void test_out_of_range_rejected(void)
{
	CHECK_INT(count_drops("#150", 1), -1);
}

int main(void)
{
	LP_RUN(test_default_drops_all);
	LP_RUN(test_zero_drops_none);
	LP_RUN(test_percentage_is_a_random_share);
	LP_RUN(test_out_of_range_rejected);
	return lp_test_report();
}
