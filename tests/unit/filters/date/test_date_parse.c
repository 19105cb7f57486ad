/* Unit tests for filters/date/date_parse.c: Logstash's ISO8601 shapes, UNIX,
 * UNIX_MS and TAI64N. Needs tzdata for the zone cases. */
#include "filters/date/date_parse.h"
#include "lp_test.h"
#include "pipeline/error.h"

#define T0 1709294400LL /* 2024-03-01T12:00:00Z */

static int64_t ms_of(lp_time t)
{
	return t.sec * 1000 + t.nsec / 1000000;
}

/* Milliseconds since the epoch, or -1 on a parse error (no case uses -1 ms). */
static int64_t iso(const char *s, const char *zone)
{
	lp_time t = { 0, 0, 0 };
	if (lp_date_parse_iso8601(s, strlen(s), zone ? lp_tz_get(zone) : NULL, &t) != 0)
		return -1;
	if (t.digits != 3 || t.nsec % 1000000 != 0)
		return -2;
	return ms_of(t);
}

static void test_iso_shapes(void)
{
	CHECK_INT(iso("2024-03-01T12:00:00Z", NULL), T0 * 1000);
	CHECK_INT(iso("2024-03-01T12:00:00.123Z", NULL), T0 * 1000 + 123);
	CHECK_INT(iso("2024-03-01T12:00:00,123Z", NULL), T0 * 1000 + 123);
	CHECK_INT(iso("2024-03-01T12:00:00.123456789Z", NULL), T0 * 1000 + 123);
	CHECK_INT(iso("2024-03-01T12:00:00.1Z", NULL), T0 * 1000 + 100);
	CHECK_INT(iso("2024-03-01T13:00:00+01:00", NULL), T0 * 1000);
	CHECK_INT(iso("2024-03-01T13:00:00+0100", NULL), T0 * 1000);
	CHECK_INT(iso("2024-03-01T13:00:00+01", NULL), T0 * 1000);
	CHECK_INT(iso("2024-03-01T06:30:00-05:30", NULL), T0 * 1000);
	CHECK_INT(iso("2024-03-01T12:00:00z", NULL), T0 * 1000);
	CHECK_INT(iso("2024-03-01t12:00:00Z", NULL), T0 * 1000);
	CHECK_INT(iso("2024-03-01T12:00", NULL), T0 * 1000);
	CHECK_INT(iso("2024-03-01T12", NULL), T0 * 1000);
	CHECK_INT(iso("2024-03-01T12.5", NULL), T0 * 1000 + 1800000); /* fraction of an hour */
	CHECK_INT(iso("2024-03-01T12:00.5", NULL), T0 * 1000 + 30000);
	CHECK_INT(iso("2024-03-01", NULL), (T0 - 12 * 3600) * 1000);
	CHECK_INT(iso("2024-03", NULL), (T0 - 12 * 3600) * 1000);
	CHECK_INT(iso("2024", NULL), 1704067200000LL);
	CHECK_INT(iso("2024-061T12:00:00Z", NULL), T0 * 1000);  /* ordinal */
	CHECK_INT(iso("2024-W09-5T12:00:00Z", NULL), T0 * 1000); /* week date */
	CHECK_INT(iso("2024-W09", NULL), (T0 - 4 * 86400 - 12 * 3600) * 1000);
	CHECK_INT(iso("2024-3-1T12:0:0Z", NULL), T0 * 1000);     /* Joda reads 1-digit fields */
	CHECK_INT(iso("T12:00:00Z", NULL), 12 * 3600 * 1000);
	CHECK_INT(iso("2024-03-01TZ", NULL), (T0 - 12 * 3600) * 1000);
}

static void test_iso_fallbacks(void)
{
	CHECK_INT(iso("2024-03-01 12:00:00.123", NULL), T0 * 1000 + 123);
	CHECK_INT(iso("2024-03-01 12:00:00,123", NULL), T0 * 1000 + 123);
	CHECK_INT(iso("2024-03-01 13:00:00.123+0100", NULL), T0 * 1000 + 123);
	CHECK_INT(iso("2024-03-01 13:00:00,5+01:00", NULL), T0 * 1000 + 500);
	CHECK_INT(iso("2024-03-01 12:00:00.000Z", NULL), T0 * 1000);
	/* Not accepted by Logstash's ISO8601: a space without a fraction, more
	 * than three fraction digits after a space. */
	CHECK_INT(iso("2024-03-01 12:00:00", NULL), -1);
	CHECK_INT(iso("2024-03-01 12:00:00.123456", NULL), -1);
}

static void test_iso_zones(void)
{
	CHECK_INT(iso("2024-03-01T13:00:00", "Europe/Berlin"), T0 * 1000);
	CHECK_INT(iso("2024-03-01T12:00:00Z", "Europe/Berlin"), T0 * 1000); /* own offset wins */
	CHECK_INT(iso("2024-03-01 21:00:00.000", "Asia/Seoul"), T0 * 1000);
	CHECK_INT(iso("2024-03-10T02:30:00", "America/New_York"), 1710055800000LL); /* gap */
	CHECK_INT(iso("2024-11-03T01:30:00", "America/New_York"), 1730611800000LL); /* overlap */
	CHECK_INT(iso("2024-03-01T12:00:00", "+09:00"), (T0 - 9 * 3600) * 1000);
}

static void test_iso_failures(void)
{
	CHECK_INT(iso("", NULL), -1);
	CHECK_INT(iso("hello", NULL), -1);
	CHECK_INT(iso("2024-02-30T00:00:00Z", NULL), -1);
	CHECK_INT(iso("2024-13-01T00:00:00Z", NULL), -1);
	CHECK_INT(iso("2024-03-01T24:00:00Z", NULL), -1);
	CHECK_INT(iso("2024-03-01T12:60:00Z", NULL), -1);
	CHECK_INT(iso("2024-03-01T12:00:00Zjunk", NULL), -1);
	CHECK_INT(iso("2024-03-01Z", NULL), -1);
	CHECK_INT(iso("2024-03-01T12:00:00+2400", NULL), -1);
	CHECK_INT(iso("2024/03/01", NULL), -1);
	CHECK_INT(iso("1709294400", NULL), -1); /* years take at most nine digits */
	CHECK_INT(iso("17092944000", NULL), -1);
}

static int64_t ux(const char *s)
{
	lp_time t;
	return lp_date_parse_unix_str(s, strlen(s), &t) == 0 ? ms_of(t) : -999;
}

static void test_unix(void)
{
	lp_time t;
	CHECK_INT(ux("1709294400"), T0 * 1000);
	CHECK_INT(ux("1709294400.5"), T0 * 1000 + 500);
	CHECK_INT(ux("1709294400.12"), T0 * 1000 + 120);
	CHECK_INT(ux("1709294400.123456"), T0 * 1000 + 123);
	CHECK_INT(ux("0"), 0);
	CHECK_INT(ux("2147483647"), 2147483647000LL);
	CHECK_INT(ux("2147483648"), -999);
	CHECK_INT(ux("1709294400."), -999);
	CHECK_INT(ux("1709294400.x"), -999);
	CHECK_INT(ux("abc"), -999);
	CHECK_INT(ux(""), -999);
	CHECK_INT(ux("-1"), -1000);
	CHECK_INT(ux(" 1"), -999);
	CHECK_INT(lp_date_parse_unix_int(T0, &t), 0);
	CHECK_INT(ms_of(t), T0 * 1000);
	CHECK_INT(lp_date_parse_unix_int(4102444800LL, &t), LP_EPARSE);
	CHECK_INT(lp_date_parse_unix_real(1709294400.25, &t), 0);
	CHECK_INT(ms_of(t), T0 * 1000 + 250);
	CHECK_INT(t.digits, 3);
	CHECK_INT(lp_date_parse_unix_real(3e9, &t), LP_EPARSE);
	CHECK_INT(lp_date_parse_unix_real(-1.5, &t), 0);
	CHECK_INT(ms_of(t), -1500);
	CHECK_INT(t.nsec, 500000000);
}

static void test_unix_ms(void)
{
	lp_time t;
	CHECK_INT(lp_date_parse_unix_ms_str("1709294400123", 13, &t), 0);
	CHECK_INT(t.sec, T0);
	CHECK_INT(t.nsec, 123000000);
	CHECK_INT(lp_date_parse_unix_ms_str("1709294400123.5", 15, &t), LP_EPARSE);
	CHECK_INT(lp_date_parse_unix_ms_str("", 0, &t), LP_EPARSE);
	CHECK_INT(lp_date_parse_unix_ms_str("-1", 2, &t), 0);
	CHECK_INT(t.sec, -1);
	CHECK_INT(t.nsec, 999000000);
	CHECK_INT(lp_date_parse_unix_ms_int(1709294400999LL, &t), 0);
	CHECK_INT(ms_of(t), 1709294400999LL);
	CHECK_INT(lp_date_parse_unix_ms_real(1709294400123.9, &t), 0);
	CHECK_INT(ms_of(t), 1709294400123LL);
}

static void test_tai64n(void)
{
	lp_time t;
	/* 2^62 + 10 + T0 seconds, 123456789 ns. */
	char buf[64];
	snprintf(buf, sizeof buf, "@%016llx%08x", (unsigned long long)((1ULL << 62) + 10 + T0), 123456789u);
	CHECK_INT(lp_date_parse_tai64n(buf, strlen(buf), &t), 0);
	CHECK_INT(t.sec, T0);
	CHECK_INT(t.nsec, 123000000);
	CHECK_INT(lp_date_parse_tai64n(buf + 1, strlen(buf) - 1, &t), 0); /* without '@' */
	CHECK_INT(t.sec, T0);
	CHECK_INT(lp_date_parse_tai64n("@4000000065e1c7aa", 17, &t), LP_EPARSE);
	CHECK_INT(lp_date_parse_tai64n("@4000000065e1c7aa0000zz00", 25, &t), LP_EPARSE);
	CHECK_INT(lp_date_parse_tai64n("", 0, &t), LP_EPARSE);
	CHECK_INT(lp_date_parse_tai64n("@400000004b40f34f2d5a7e08", 25, &t), 0);
	CHECK_INT(t.sec, 0x4b40f34f - 10);
	CHECK_INT(t.nsec, (0x2d5a7e08 / 1000000) * 1000000);
}

int main(void)
{
	LP_RUN(test_iso_shapes);
	LP_RUN(test_iso_fallbacks);
	LP_RUN(test_iso_zones);
	LP_RUN(test_iso_failures);
	LP_RUN(test_unix);
	LP_RUN(test_unix_ms);
	LP_RUN(test_tai64n);
	return lp_test_report();
}
