/* Unit tests for pipeline/joda.c: Joda-Time pattern compile, format and
 * parse as Logstash's date filter and sprintf use them. Needs tzdata. */
#include <stdlib.h>

#include "lp_test.h"
#include "pipeline/error.h"
#include "pipeline/joda.h"

#define T0 1709294400 /* 2024-03-01T12:00:00Z, a Friday */

static const char *fmt_in(const char *pattern, lp_time t, const char *zone, const char *locale)
{
	static lp_buf out = LP_BUF_INIT;
	lp_buf_reset(&out);
	lp_joda *j = lp_joda_compile_locale(pattern, locale, NULL, NULL);
	if (!j)
		return "(compile failed)";
	lp_joda_format(j, t, zone ? lp_tz_get(zone) : NULL, &out);
	lp_joda_destroy(j);
	return lp_buf_str(&out);
}

static const char *fmt(const char *pattern, int64_t sec, int32_t nsec)
{
	lp_time t = { sec, nsec, 3 };
	return fmt_in(pattern, t, NULL, NULL);
}

/* Parses s with pattern in zone; returns 0 or an error; *sec and *ms out. */
static int parse_in(const char *pattern, const char *s, const char *zone, const char *locale, int64_t *sec,
		    int *ms)
{
	const char *err = NULL;
	size_t col = 0;
	lp_joda *j = lp_joda_compile_locale(pattern, locale, &err, &col);
	if (!j) {
		fprintf(stderr, "compile \"%s\": %s at %zu\n", pattern, err, col);
		return -1;
	}
	lp_time t = { 0, 0, 0 };
	int rc = lp_joda_parse(j, s, strlen(s), zone ? lp_tz_get(zone) : NULL, &t);
	lp_joda_destroy(j);
	*sec = t.sec;
	if (ms)
		*ms = t.nsec / 1000000;
	if (rc == 0 && t.digits != 3)
		return -2;
	return rc;
}

static int64_t P(const char *pattern, const char *s)
{
	int64_t sec = 0;
	if (parse_in(pattern, s, NULL, NULL, &sec, NULL) != 0)
		return -1;
	return sec;
}

static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
	return lp_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s;
}

static void test_format_basic(void)
{
	CHECK_STR(fmt("yyyy-MM-dd'T'HH:mm:ss.SSSZ", T0, 123456789), "2024-03-01T12:00:00.123+0000");
	CHECK_STR(fmt("YYYY.MM.dd", T0, 0), "2024.03.01");
	CHECK_STR(fmt("yy/M/d", T0, 0), "24/3/1");
	CHECK_STR(fmt("MMM MMMM", T0, 0), "Mar March");
	CHECK_STR(fmt("EEE EEEE e", T0, 0), "Fri Friday 5");
	CHECK_STR(fmt("h:mm a", T0, 0), "12:00 PM");
	CHECK_STR(fmt("h:mm a K k H", T0 - 12 * 3600 + 1800, 0), "12:30 AM 0 24 0");
	CHECK_STR(fmt("D w", T0, 0), "61 9");
	CHECK_STR(fmt("xxxx-'W'ww-e", T0, 0), "2024-W09-5");
	CHECK_STR(fmt("ss.SSSSSS", T0, 123456789), "00.123000");
	CHECK_STR(fmt("S", T0, 987000000), "9");
	CHECK_STR(fmt("'o''clock' '' G", T0, 0), "o'clock ' AD");
	CHECK_STR(fmt("ZZ ZZZ z", T0, 0), "+00:00 UTC UTC");
	CHECK_STR(fmt("xxxx-ww", utc(2021, 1, 1, 0, 0, 0), 0), "2020-53");
	CHECK_STR(fmt("yyyy-MM-dd", utc(1969, 12, 31, 23, 0, 0), 0), "1969-12-31");
}

static void test_format_zone(void)
{
	lp_time t = { T0, 0, 3 };
	CHECK_STR(fmt_in("yyyy-MM-dd HH:mm Z ZZ ZZZ z", t, "Europe/Berlin", NULL),
		  "2024-03-01 13:00 +0100 +01:00 Europe/Berlin CET");
	t.sec = utc(2024, 7, 1, 12, 0, 0);
	CHECK_STR(fmt_in("HH:mm ZZ z", t, "Europe/Berlin", NULL), "14:00 +02:00 CEST");
	CHECK_STR(fmt_in("HH:mm ZZ", t, "Australia/Lord_Howe", NULL), "22:30 +10:30");
	CHECK_STR(fmt_in("HH:mm Z", t, "-03:30", NULL), "08:30 -0330");
	t.sec = T0;
	CHECK_STR(fmt_in("dd. MMMM yyyy, EEEE", t, NULL, "de-DE"), "01. M\xc3\xa4rz 2024, Freitag");
	CHECK_STR(fmt_in("d MMM yyyy", t, NULL, "fr_FR"), "1 mars 2024");
}

static void test_parse_basic(void)
{
	CHECK_INT(P("yyyy-MM-dd HH:mm:ss", "2024-03-01 12:00:00"), T0);
	CHECK_INT(P("yyyy-MM-dd'T'HH:mm:ss.SSSZ", "2024-03-01T12:00:00.000+0000"), T0);
	CHECK_INT(P("yyyy-MM-dd'T'HH:mm:ss.SSSZZ", "2024-03-01T13:00:00.000+01:00"), T0);
	CHECK_INT(P("yyyy-MM-dd'T'HH:mm:ssZ", "2024-03-01T12:00:00Z"), T0);
	CHECK_INT(P("yyyy-MM-dd'T'HH:mm:ssZ", "2024-03-01T17:30:00+05:30"), T0);
	CHECK_INT(P("dd/MMM/yyyy:HH:mm:ss Z", "01/Mar/2024:13:00:00 +0100"), T0);
	CHECK_INT(P("yyyyMMddHHmmss", "20240301120000"), T0);
	CHECK_INT(P("yyyy-M-d H:m:s", "2024-3-1 12:0:0"), T0);
	CHECK_INT(P("EEE MMM dd HH:mm:ss yyyy", "Fri Mar 01 12:00:00 2024"), T0);
	CHECK_INT(P("EEEE, dd MMMM yyyy HH:mm", "Friday, 01 March 2024 12:00"), T0);
	CHECK_INT(P("dd MMM yyyy HH:mm", "01 MARCH 2024 12:00"), T0); /* full name for MMM too */
	CHECK_INT(P("dd MMMM yyyy HH:mm", "01 mar 2024 12:00"), T0);
	CHECK_INT(P("yyyy-MM-dd't'HH", "2024-03-01T12"), T0); /* literals ignore case */
	CHECK_INT(P("dd MMM yyyy HH:mm", "01 mar 2024 12:00"), T0);
	CHECK_INT(P("dd MMM yyyy HH:mm", "01 mAR 2024 12:00"), -1); /* Joda: as written, lower or upper */
	CHECK_INT(P("G yyyy-MM-dd HH", "CE 2024-03-01 12"), T0);
	CHECK_INT(P("G yyyy-MM-dd", "BCE 0001-01-01"), utc(0, 1, 1, 0, 0, 0));
	CHECK_INT(P("yyyy-MM-dd HH:mm:ssZ", "2024-03-01 12:00:00z"), T0);
	CHECK_INT(P("yyyy-DDD HH", "2024-061 12"), T0);
	CHECK_INT(P("xxxx-'W'ww-e HH", "2024-W09-5 12"), T0);
	CHECK_INT(P("yyyy-MM-dd", "2024-03-01"), utc(2024, 3, 1, 0, 0, 0));
	CHECK_INT(P("G yyyy-MM-dd HH", "AD 2024-03-01 12"), T0);
}

static void test_parse_hours(void)
{
	CHECK_INT(P("yyyy-MM-dd hh:mm a", "2024-03-01 01:30 PM"), utc(2024, 3, 1, 13, 30, 0));
	CHECK_INT(P("yyyy-MM-dd hh:mm a", "2024-03-01 12:15 AM"), utc(2024, 3, 1, 0, 15, 0));
	CHECK_INT(P("yyyy-MM-dd hh:mm a", "2024-03-01 12:15 pm"), utc(2024, 3, 1, 12, 15, 0));
	CHECK_INT(P("yyyy-MM-dd K a", "2024-03-01 11 PM"), utc(2024, 3, 1, 23, 0, 0));
	CHECK_INT(P("yyyy-MM-dd kk", "2024-03-01 24"), utc(2024, 3, 1, 0, 0, 0));
	CHECK_INT(P("yyyy-MM-dd HH", "2024-03-01 24"), -1);
	CHECK_INT(P("yyyy-MM-dd hh", "2024-03-01 13"), -1);
	CHECK_INT(P("yyyy-MM-dd HH:mm", "2024-03-01 12:60"), -1);
	CHECK_INT(P("yyyy-MM-dd HH:mm:ss", "2024-03-01 12:00:60"), -1);
}

static void test_parse_fraction(void)
{
	int64_t sec;
	int ms;
	CHECK_INT(parse_in("HH:mm:ss.SSSSSS yyyy", "12:00:00.123456 2024", NULL, NULL, &sec, &ms), 0);
	CHECK_INT(ms, 123);
	CHECK_INT(parse_in("yyyy HH:mm:ss.SSS", "2024 12:00:00.5", NULL, NULL, &sec, &ms), 0);
	CHECK_INT(ms, 500);
	CHECK_INT(parse_in("yyyy HH:mm:ss.SSS", "2024 12:00:00.1234", NULL, NULL, &sec, &ms), LP_EPARSE);
	CHECK_INT(parse_in("yyyy HH:mm:ss,SSS", "2024 12:00:00,999", NULL, NULL, &sec, &ms), 0);
	CHECK_INT(ms, 999);
	CHECK_INT(parse_in("yyyy HH:mm:ss.SSSSSSSSS", "2024 12:00:00.987654321", NULL, NULL, &sec, &ms), 0);
	CHECK_INT(ms, 987);
}

static void test_two_digit_year(void)
{
	setenv("LOGPIPE_FAKE_NOW", "2026-11-26T12:00:00.000Z", 1);
	/* Pivot: now - 30 = 1996, window [1946, 2045]. */
	CHECK_INT(P("yy-MM-dd", "45-01-01"), utc(2045, 1, 1, 0, 0, 0));
	CHECK_INT(P("yy-MM-dd", "46-01-01"), utc(1946, 1, 1, 0, 0, 0));
	CHECK_INT(P("yy-MM-dd", "99-12-31"), utc(1999, 12, 31, 0, 0, 0));
	CHECK_INT(P("yy-MM-dd", "00-02-29"), utc(2000, 2, 29, 0, 0, 0));
	CHECK_INT(P("yy-MM-dd", "24-03-01"), utc(2024, 3, 1, 0, 0, 0));
	/* Lenient: a yy followed by a non-number takes a full year too. */
	CHECK_INT(P("yy-MM-dd", "2024-03-01"), utc(2024, 3, 1, 0, 0, 0));
	CHECK_INT(P("yy-MM-dd", "124-03-01"), utc(124, 3, 1, 0, 0, 0));
	/* yy followed by a number: exactly two digits. */
	CHECK_INT(P("yyMMdd", "240301"), utc(2024, 3, 1, 0, 0, 0));
	CHECK_INT(P("yyMMdd", "20240301"), -1);
	unsetenv("LOGPIPE_FAKE_NOW");
}

static void test_missing_year(void)
{
	setenv("LOGPIPE_FAKE_NOW", "2026-11-26T12:00:00.000Z", 1);
	CHECK_INT(P("MMM dd HH:mm:ss", "Mar 01 12:00:00"), utc(2026, 3, 1, 12, 0, 0));
	CHECK_INT(P("MMM  d HH:mm:ss", "Mar  1 12:00:00"), utc(2026, 3, 1, 12, 0, 0));
	CHECK_INT(P("MMM dd HH:mm:ss", "Dec 31 23:59:59"), utc(2026, 12, 31, 23, 59, 59));
	CHECK_INT(P("MMM dd HH:mm:ss", "Feb 29 00:00:00"), -1); /* 2026 is not a leap year */
	setenv("LOGPIPE_FAKE_NOW", "2027-01-02T00:00:00Z", 1);
	CHECK_INT(P("MMM dd HH:mm:ss", "Dec 31 23:59:59"), utc(2026, 12, 31, 23, 59, 59));
	CHECK_INT(P("MMM dd HH:mm:ss", "Jan 01 00:00:00"), utc(2027, 1, 1, 0, 0, 0));
	setenv("LOGPIPE_FAKE_NOW", "2026-12-31T23:00:00Z", 1);
	CHECK_INT(P("MMM dd HH:mm:ss", "Jan 01 00:00:00"), utc(2027, 1, 1, 0, 0, 0));
	CHECK_INT(P("HH:mm", "12:34"), utc(2026, 1, 1, 12, 34, 0) + 365 * 86400); /* month 1 in December */
	unsetenv("LOGPIPE_FAKE_NOW");
}

static void test_parse_zones(void)
{
	int64_t sec;
	CHECK_INT(parse_in("yyyy-MM-dd HH:mm:ss", "2024-03-01 13:00:00", "Europe/Berlin", NULL, &sec, NULL), 0);
	CHECK_INT(sec, T0);
	/* The text's own offset wins over the configured zone. */
	CHECK_INT(parse_in("yyyy-MM-dd HH:mm:ss Z", "2024-03-01 12:00:00 +0000", "Asia/Seoul", NULL, &sec, NULL), 0);
	CHECK_INT(sec, T0);
	CHECK_INT(parse_in("yyyy-MM-dd HH:mm:ss ZZZ", "2024-03-01 21:00:00 Asia/Seoul", NULL, NULL, &sec, NULL), 0);
	CHECK_INT(sec, T0);
	CHECK_INT(parse_in("yyyy-MM-dd HH:mm:ss ZZZ", "2024-03-01 12:00:00 Mars/Base", NULL, NULL, &sec, NULL),
		  LP_EPARSE);
	CHECK_INT(parse_in("yyyy-MM-dd HH:mm:ss z", "2024-03-01 07:00:00 EST", "Asia/Seoul", NULL, &sec, NULL), 0);
	CHECK_INT(sec, T0);
	CHECK_INT(parse_in("yyyy-MM-dd HH:mm:ss z", "2024-07-01 08:00:00 EDT", NULL, NULL, &sec, NULL), 0);
	CHECK_INT(sec, utc(2024, 7, 1, 12, 0, 0));
	/* DST gap (moves forward) and overlap (earlier instant). */
	CHECK_INT(parse_in("yyyy-MM-dd HH:mm:ss", "2024-03-31 02:30:00", "Europe/Berlin", NULL, &sec, NULL), 0);
	CHECK_INT(sec, utc(2024, 3, 31, 1, 30, 0));
	CHECK_INT(parse_in("yyyy-MM-dd HH:mm:ss", "2024-11-03 01:30:00", "America/New_York", NULL, &sec, NULL), 0);
	CHECK_INT(sec, utc(2024, 11, 3, 5, 30, 0));
	CHECK_INT(parse_in("yyyy-MM-dd HH:mm:ss", "2024-03-01 12:00:00", "+09:00", NULL, &sec, NULL), 0);
	CHECK_INT(sec, T0 - 9 * 3600);
}

static void test_parse_locale(void)
{
	int64_t sec;
	CHECK_INT(parse_in("dd. MMMM yyyy HH", "01. M\xc3\xa4rz 2024 12", NULL, "de", &sec, NULL), 0);
	CHECK_INT(sec, T0);
	CHECK_INT(parse_in("EEE, dd MMM yyyy HH", "Fr., 01 M\xc3\xa4r. 2024 12", NULL, "de_DE", &sec, NULL), 0);
	CHECK_INT(sec, T0);
	CHECK_INT(parse_in("dd.MMM.yyyy HH", "01.M\xc3\xa4r.2024 12", NULL, "de", &sec, NULL), 0);
	CHECK_INT(sec, T0);
	CHECK_INT(parse_in("d MMMM yyyy HH", "1 mars 2024 12", NULL, "fr", &sec, NULL), 0);
	CHECK_INT(sec, T0);
	CHECK_INT(parse_in("dd MMM yyyy HH", "01 feb 2024 12", NULL, "es-ES", &sec, NULL), 0);
	CHECK_INT(sec, T0 - 29 * 86400);
	CHECK_INT(parse_in("dd MMM yyyy HH", "01 Mar 2024 12", NULL, "de", &sec, NULL), LP_EPARSE);
	const char *err = NULL;
	CHECK(lp_joda_compile_locale("yyyy", "xx-YY", &err, NULL) == NULL);
	CHECK(err != NULL);
}

static void test_parse_failures(void)
{
	CHECK_INT(P("yyyy-MM-dd", "2024-02-30"), -1);
	CHECK_INT(P("yyyy-MM-dd", "2024-13-01"), -1);
	CHECK_INT(P("yyyy-MM-dd", "2024-03-01 trailing"), -1);
	CHECK_INT(P("yyyy-MM-dd", "2024-03"), -1);
	CHECK_INT(P("yyyy-MM-dd", ""), -1);
	CHECK_INT(P("dd MMM yyyy", "01 Foo 2024"), -1);
	CHECK_INT(P("yyyy-MM-dd HH:mm:ss Z", "2024-03-01 12:00:00 +2500"), -1);
	CHECK_INT(P("yyyy-MM-dd HH:mm:ss Z", "2024-03-01 12:00:00 CET"), -1);
}

static void test_compile_errors(void)
{
	const char *err = NULL;
	size_t col = 99;
	CHECK(lp_joda_compile("yyyy-MM-ddTHH:mm", &err, &col) == NULL);
	CHECK(err != NULL);
	CHECK_INT(col, 10);
	lp_joda *j = lp_joda_compile("yyyy-MM-dd'T'HH:mm", &err, &col);
	CHECK(j != NULL);
	lp_joda_destroy(j);
	j = lp_joda_compile("", &err, &col);
	CHECK(j != NULL);
	lp_time t;
	CHECK_INT(lp_joda_parse(j, "", 0, NULL, &t), 0);
	lp_joda_destroy(j);
	lp_joda_destroy(NULL);
	CHECK(lp_joda_compile("qqq", NULL, NULL) == NULL);
}

static void test_roundtrip(void)
{
	const char *pats[] = { "yyyy-MM-dd'T'HH:mm:ss.SSSZZ", "dd/MMM/yyyy:HH:mm:ss.SSS Z", "EEE MMM d HH:mm:ss.SSS yyyy ZZZ" };
	const char *zones[] = { "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Seoul" };
	for (size_t p = 0; p < 3; p++) {
		lp_joda *j = lp_joda_compile(pats[p], NULL, NULL);
		CHECK(j != NULL);
		if (!j)
			continue;
		for (size_t z = 0; z < 4; z++) {
			const lp_tz *tz = lp_tz_get(zones[z]);
			for (int64_t s = utc(2023, 1, 1, 0, 0, 0); s < utc(2025, 1, 1, 0, 0, 0); s += 86400 * 3 + 3607) {
				lp_buf b = LP_BUF_INIT;
				lp_time in = { s, 250000000, 3 }, out;
				lp_joda_format(j, in, tz, &b);
				int rc = lp_joda_parse(j, b.data, b.len, NULL, &out);
				if (rc != 0 || out.sec != s || out.nsec != 250000000) {
					fprintf(stderr, "round trip \"%s\" failed: %s\n", pats[p], lp_buf_str(&b));
					CHECK(0);
					lp_buf_fini(&b);
					break;
				}
				lp_buf_fini(&b);
			}
		}
		lp_joda_destroy(j);
	}
}

int main(void)
{
	LP_RUN(test_format_basic);
	LP_RUN(test_format_zone);
	LP_RUN(test_parse_basic);
	LP_RUN(test_parse_hours);
	LP_RUN(test_parse_fraction);
	LP_RUN(test_two_digit_year);
	LP_RUN(test_missing_year);
	LP_RUN(test_parse_zones);
	LP_RUN(test_parse_locale);
	LP_RUN(test_parse_failures);
	LP_RUN(test_compile_errors);
	LP_RUN(test_roundtrip);
	return lp_test_report();
}
