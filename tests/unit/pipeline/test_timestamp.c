/* Unit tests for pipeline/timestamp.c: civil dates, ISO8601 parse and
 * format, the pinned clock. */
#include <stdlib.h>

#include "lp_test.h"
#include "pipeline/error.h"
#include "pipeline/timestamp.h"

static void test_civil(void)
{
	CHECK_INT(lp_days_from_civil(1970, 1, 1), 0);
	CHECK_INT(lp_days_from_civil(2000, 3, 1), 11017);
	CHECK_INT(lp_days_from_civil(1969, 12, 31), -1);
	CHECK_INT(lp_days_from_civil(2024, 2, 29), 19782);
	for (int64_t z = -800000; z < 800000; z += 97) {
		int64_t y;
		unsigned m, d;
		lp_civil_from_days(z, &y, &m, &d);
		if (lp_days_from_civil(y, m, d) != z) {
			CHECK_INT(lp_days_from_civil(y, m, d), z);
			break;
		}
	}
	int64_t y;
	unsigned m, d;
	lp_civil_from_days(19782, &y, &m, &d);
	CHECK_INT(y, 2024);
	CHECK_INT(m, 2);
	CHECK_INT(d, 29);
}

static const char *fmt(lp_time t)
{
	static char buf[64];
	lp_time_format(t, buf, sizeof buf);
	return buf;
}

static void test_format(void)
{
	lp_time t = { 1709294400, 0, 3 };
	CHECK_STR(fmt(t), "2024-03-01T12:00:00.000Z");
	t.nsec = 123456789;
	CHECK_STR(fmt(t), "2024-03-01T12:00:00.123Z");
	t.digits = 6;
	CHECK_STR(fmt(t), "2024-03-01T12:00:00.123456Z");
	t.digits = 9;
	CHECK_STR(fmt(t), "2024-03-01T12:00:00.123456789Z");
	t.digits = 0;
	CHECK_STR(fmt(t), "2024-03-01T12:00:00.123Z");
	lp_time neg = { -1, 500000000, 3 };
	CHECK_STR(fmt(neg), "1969-12-31T23:59:59.500Z");
	char small[8];
	size_t n = lp_time_format(t, small, sizeof small);
	CHECK_INT(n, 7);
	CHECK_STR(small, "2024-03");
}

static int parse(const char *s, lp_time *t)
{
	return lp_time_parse_iso8601(s, strlen(s), t);
}

static void test_parse(void)
{
	lp_time t;
	CHECK_INT(parse("2024-03-01T12:00:00Z", &t), 0);
	CHECK_INT(t.sec, 1709294400);
	CHECK_INT(t.nsec, 0);
	CHECK_INT(t.digits, 3);
	CHECK_INT(parse("2024-03-01T12:00:00.5Z", &t), 0);
	CHECK_INT(t.nsec, 500000000);
	CHECK_INT(parse("2024-03-01 12:00:00,123456+01:00", &t), 0);
	CHECK_INT(t.sec, 1709294400 - 3600);
	CHECK_INT(t.nsec, 123456000);
	CHECK_INT(t.digits, 6);
	CHECK_INT(parse("2024-03-01T12:00:00.123456789-0530", &t), 0);
	CHECK_INT(t.sec, 1709294400 + 5 * 3600 + 1800);
	CHECK_INT(t.digits, 9);
	CHECK_INT(parse("2024-03-01T12:00:00+09", &t), 0);
	CHECK_INT(t.sec, 1709294400 - 9 * 3600);
	CHECK_INT(parse("2024-03-01T12:00", &t), 0); /* no seconds, no zone: UTC */
	CHECK_INT(t.sec, 1709294400);
	CHECK_INT(parse("2024-03-01", &t), 0);
	CHECK_INT(t.sec, 1709251200);
	CHECK_INT(parse("20240301", &t), LP_EPARSE);
	CHECK_INT(parse("2024-02-30T00:00:00Z", &t), LP_EPARSE);
	CHECK_INT(parse("2024-03-01T24:00:00Z", &t), LP_EPARSE);
	CHECK_INT(parse("2024-03-01T12:00:00Zjunk", &t), LP_EPARSE);
	CHECK_INT(parse("2024-03-01T12:00:00.Z", &t), LP_EPARSE);
	CHECK_INT(parse("", &t), LP_EPARSE);
	CHECK_INT(parse("not a date", &t), LP_EPARSE);
	/* Round trip. */
	CHECK_INT(parse("1999-12-31T23:59:59.999Z", &t), 0);
	CHECK_STR(fmt(t), "1999-12-31T23:59:59.999Z");
}

static void test_now(void)
{
	setenv("LOGPIPE_FAKE_NOW", "2026-11-26T12:00:00.000Z", 1);
	lp_time t = lp_time_now();
	CHECK_STR(fmt(t), "2026-11-26T12:00:00.000Z");
	unsetenv("LOGPIPE_FAKE_NOW");
	t = lp_time_now();
	CHECK(t.sec > 1700000000);
	CHECK(t.nsec >= 0 && t.nsec < 1000000000);
}

int main(void)
{
	LP_RUN(test_civil);
	LP_RUN(test_format);
	LP_RUN(test_parse);
	LP_RUN(test_now);
	return lp_test_report();
}
