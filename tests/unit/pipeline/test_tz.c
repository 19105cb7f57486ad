/* Unit tests for pipeline/tz.c: TZif zones, the POSIX footer rule beyond the
 * table, DST gaps and overlaps, fixed offsets, the cache. Needs tzdata. */
#include <stdlib.h>

#include "lp_test.h"
#include "pipeline/timestamp.h"
#include "pipeline/tz.h"

static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
	return lp_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s;
}

static const lp_tz *zone(const char *name)
{
	const lp_tz *z = lp_tz_get(name);
	if (!z)
		fprintf(stderr, "zone \"%s\" not found: is tzdata installed?\n", name);
	return z;
}

static void test_fixed(void)
{
	const lp_tz *z = lp_tz_get("+09:00");
	CHECK(z != NULL);
	if (z) {
		CHECK_INT(lp_tz_offset_at_utc(z, 0), 32400);
		CHECK_STR(lp_tz_name(z), "+09:00");
		CHECK_INT(lp_tz_local_to_utc(z, 32400), 0);
	}
	z = lp_tz_get("-0530");
	CHECK(z != NULL);
	if (z) {
		CHECK_INT(lp_tz_offset_at_utc(z, 123456), -19800);
		CHECK_STR(lp_tz_name(z), "-05:30");
	}
	z = lp_tz_get("-03");
	CHECK(z && lp_tz_offset_at_utc(z, 0) == -10800);
	z = lp_tz_get("UTC");
	CHECK(z && lp_tz_offset_at_utc(z, 0) == 0);
	CHECK_STR(lp_tz_name(z), "UTC");
	CHECK(lp_tz_get("Z") != NULL);
	CHECK(lp_tz_get("+24:00") == NULL);
	CHECK(lp_tz_get("+09:60") == NULL);
	CHECK(lp_tz_get("+9") == NULL);
}

static void test_unknown(void)
{
	CHECK(lp_tz_get("Mars/Olympus_Mons") == NULL);
	CHECK(lp_tz_get("Mars/Olympus_Mons") == NULL); /* negative cache */
	CHECK(lp_tz_get("../../etc/passwd") == NULL);
	CHECK(lp_tz_get("/etc/localtime") == NULL);
	CHECK(lp_tz_get("") == NULL);
	CHECK(lp_tz_get(NULL) == NULL);
}

static void test_cache(void)
{
	const lp_tz *a = zone("Europe/Berlin");
	const lp_tz *b = zone("Europe/Berlin");
	CHECK(a != NULL);
	CHECK(a == b);
	CHECK_STR(lp_tz_name(a), "Europe/Berlin");
}

static void test_berlin(void)
{
	const lp_tz *z = zone("Europe/Berlin");
	if (!z) {
		CHECK(z != NULL);
		return;
	}
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2024, 1, 15, 0, 0, 0)), 3600);
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2024, 3, 31, 0, 59, 59)), 3600);
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2024, 3, 31, 1, 0, 0)), 7200);
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2024, 10, 27, 0, 59, 59)), 7200);
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2024, 10, 27, 1, 0, 0)), 3600);
	CHECK_STR(lp_tz_abbr_at_utc(z, utc(2024, 7, 1, 0, 0, 0)), "CEST");
	CHECK_STR(lp_tz_abbr_at_utc(z, utc(2024, 1, 1, 0, 0, 0)), "CET");
	/* Gap: 02:30 does not exist on 2024-03-31; Joda moves it to 03:30 CEST. */
	CHECK_INT(lp_tz_local_to_utc(z, utc(2024, 3, 31, 2, 30, 0)), utc(2024, 3, 31, 1, 30, 0));
	/* Overlap: 02:30 happens twice on 2024-10-27; the earlier one (CEST). */
	CHECK_INT(lp_tz_local_to_utc(z, utc(2024, 10, 27, 2, 30, 0)), utc(2024, 10, 27, 0, 30, 0));
	CHECK_INT(lp_tz_local_to_utc(z, utc(2024, 10, 27, 3, 0, 0)), utc(2024, 10, 27, 2, 0, 0));
	CHECK_INT(lp_tz_local_to_utc(z, utc(2024, 7, 1, 12, 0, 0)), utc(2024, 7, 1, 10, 0, 0));
	/* Beyond the table: the footer rule CET-1CEST,M3.5.0,M10.5.0/3. */
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2100, 1, 1, 0, 0, 0)), 3600);
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2100, 3, 28, 0, 59, 59)), 3600);
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2100, 3, 28, 1, 0, 0)), 7200);
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2100, 10, 31, 0, 59, 59)), 7200);
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2100, 10, 31, 1, 0, 0)), 3600);
	CHECK_STR(lp_tz_abbr_at_utc(z, utc(2100, 7, 1, 0, 0, 0)), "CEST");
	/* 1893: before the first transition, local mean time (+00:53:28). */
	CHECK_INT(lp_tz_offset_at_utc(z, utc(1880, 1, 1, 0, 0, 0)), 3208);
}

static void test_new_york(void)
{
	const lp_tz *z = zone("America/New_York");
	if (!z) {
		CHECK(z != NULL);
		return;
	}
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2024, 1, 1, 0, 0, 0)), -18000);
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2024, 7, 1, 0, 0, 0)), -14400);
	/* Spring forward 2024-03-10 02:00 -> 03:00: 02:30 becomes 03:30 EDT. */
	CHECK_INT(lp_tz_local_to_utc(z, utc(2024, 3, 10, 2, 30, 0)), utc(2024, 3, 10, 7, 30, 0));
	CHECK_INT(lp_tz_local_to_utc(z, utc(2024, 3, 10, 1, 59, 59)), utc(2024, 3, 10, 6, 59, 59));
	CHECK_INT(lp_tz_local_to_utc(z, utc(2024, 3, 10, 3, 0, 0)), utc(2024, 3, 10, 7, 0, 0));
	/* Fall back 2024-11-03 02:00 -> 01:00: 01:30 is ambiguous; EDT wins. */
	CHECK_INT(lp_tz_local_to_utc(z, utc(2024, 11, 3, 1, 30, 0)), utc(2024, 11, 3, 5, 30, 0));
	CHECK_INT(lp_tz_local_to_utc(z, utc(2024, 11, 3, 2, 0, 0)), utc(2024, 11, 3, 7, 0, 0));
	/* Footer rule EST5EDT,M3.2.0,M11.1.0 in 2200. */
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2200, 3, 9, 6, 59, 59)), -18000);
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2200, 3, 9, 7, 0, 0)), -14400);
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2200, 11, 2, 5, 59, 59)), -14400);
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2200, 11, 2, 6, 0, 0)), -18000);
	CHECK_INT(lp_tz_local_to_utc(z, utc(2200, 3, 9, 2, 30, 0)), utc(2200, 3, 9, 7, 30, 0));
}

static void test_seoul(void)
{
	const lp_tz *z = zone("Asia/Seoul");
	if (!z) {
		CHECK(z != NULL);
		return;
	}
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2024, 7, 1, 0, 0, 0)), 32400);
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2024, 1, 1, 0, 0, 0)), 32400);
	CHECK_INT(lp_tz_offset_at_utc(z, utc(1988, 7, 1, 0, 0, 0)), 36000); /* 1988 Olympics DST */
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2300, 7, 1, 0, 0, 0)), 32400);
	CHECK_INT(lp_tz_local_to_utc(z, utc(2024, 5, 5, 9, 0, 0)), utc(2024, 5, 5, 0, 0, 0));
	CHECK_STR(lp_tz_abbr_at_utc(z, utc(2024, 5, 5, 9, 0, 0)), "KST");
}

static void test_lord_howe(void)
{
	const lp_tz *z = zone("Australia/Lord_Howe");
	if (!z) {
		CHECK(z != NULL);
		return;
	}
	/* +10:30 standard, +11:00 in (southern) summer: a half-hour DST. */
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2024, 1, 15, 0, 0, 0)), 39600);
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2024, 7, 1, 0, 0, 0)), 37800);
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2024, 10, 5, 15, 29, 59)), 37800);
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2024, 10, 5, 15, 30, 0)), 39600);
	/* Gap 02:00-02:30 on 2024-10-06: 02:15 moves to 02:45 (+11:00). */
	CHECK_INT(lp_tz_local_to_utc(z, utc(2024, 10, 6, 2, 15, 0)), utc(2024, 10, 5, 15, 45, 0));
	/* Overlap 01:30-02:00 on 2025-04-06: 01:45 takes the earlier (+11:00). */
	CHECK_INT(lp_tz_local_to_utc(z, utc(2025, 4, 6, 1, 45, 0)), utc(2025, 4, 5, 14, 45, 0));
	/* Footer rule, southern hemisphere: DST spans the new year. */
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2100, 1, 1, 0, 0, 0)), 39600);
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2100, 4, 3, 14, 59, 59)), 39600);
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2100, 4, 3, 15, 0, 0)), 37800);
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2100, 10, 2, 15, 29, 59)), 37800);
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2100, 10, 2, 15, 30, 0)), 39600);
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2100, 12, 31, 23, 0, 0)), 39600);
}

static void test_tzdir(void)
{
	/* $TZDIR is honoured for zones not yet cached. */
	setenv("TZDIR", "/nonexistent-tzdir", 1);
	CHECK(lp_tz_get("Asia/Tokyo") == NULL);
	unsetenv("TZDIR");
	CHECK(lp_tz_get("Europe/Paris") != NULL);
}

static void test_local(void)
{
	/* The first call resolves the system zone from $TZ. */
	setenv("TZ", ":Asia/Seoul", 1);
	const lp_tz *z = lp_tz_local();
	CHECK(z != NULL);
	CHECK_STR(lp_tz_name(z), "Asia/Seoul");
	CHECK_INT(lp_tz_offset_at_utc(z, utc(2024, 7, 1, 0, 0, 0)), 32400);
	setenv("TZ", "Europe/Berlin", 1);
	CHECK(lp_tz_local() == z); /* resolved once */
	unsetenv("TZ");
}

int main(void)
{
	LP_RUN(test_local);
	LP_RUN(test_fixed);
	LP_RUN(test_unknown);
	LP_RUN(test_cache);
	LP_RUN(test_berlin);
	LP_RUN(test_new_york);
	LP_RUN(test_seoul);
	LP_RUN(test_lord_howe);
	LP_RUN(test_tzdir);
	return lp_test_report();
}
