/* Tests for codecs/dots. */
#include "lp_test.h"

#include "codec_helper.h"

static void test_one_dot_per_event(void)
{
	test_codec *t = test_codec_create("dots", NULL);
	if (!t) {
		CHECK(0);
		return;
	}
	lp_event *ev = test_event("{\"message\":\"x\"}");
	lp_buf b = LP_BUF_INIT;
	for (int i = 0; i < 3; i++)
		lp_codec_encode(&t->c, ev, &b);
	CHECK_STR(lp_buf_str(&b), "...");
	lp_buf_fini(&b);
	lp_event_destroy(ev);
	test_codec_destroy(t);
}

int main(void)
{
	LP_RUN(test_one_dot_per_event);
	return lp_test_report();
}
