/* Fuzz target: date parsing. The bytes are a date string, read by every
 * parser: lp_time_parse_iso8601 (pipeline/timestamp.h), the date filter's
 * fixed formats (filters/date/date_parse.h: ISO8601, UNIX, UNIX_MS, TAI64N)
 * and a fixed set of Joda patterns (pipeline/joda.h) in UTC and in a zone
 * with daylight saving time. Invariants: a parsed time has nanoseconds in
 * 0..999999999 and its digits 3, 6 or 9 (3 for the date filter); a parsed
 * instant within years 1..9999 formats back to text that parses to the same
 * instant (ISO8601) or to the same text (Joda: format . parse is idempotent);
 * UNIX seconds stay within 2^31-1. */
#include "fuzz.h"

#include "filters/date/date_parse.h"
#include "pipeline/buf.h"
#include "pipeline/joda.h"
#include "pipeline/mem.h"
#include "pipeline/timestamp.h"
#include "pipeline/tz.h"

#include <string.h>

#define MIN_SEC (-62135596800LL) /* 0001-01-01T00:00:00Z */
#define MAX_SEC 253402300799LL   /* 9999-12-31T23:59:59Z */

static const char *const patterns[] = {
	"yyyy-MM-dd HH:mm:ss.SSS",
	"yyyy-MM-dd'T'HH:mm:ss.SSSZZ",
	"yyyy-MM-dd'T'HH:mm:ss.SSSSSSZ",
	"dd/MMM/yyyy:HH:mm:ss Z",
	"MMM dd HH:mm:ss",
	"MMM  d HH:mm:ss",
	"EEE MMM dd HH:mm:ss yyyy",
	"EEEE, dd MMMM yyyy hh:mm:ss a zzz",
	"dd.MM.yy HH:mm",
	"yyyyMMddHHmmssSSS",
	"yyMMdd",
	"D yyyy k:m:s",
	"xxxx-'W'ww-e",
	"G yyyy CC ZZZ", /* one C reads one digit, as in Joda */
	"h:mm a",
	"KK:mm:ss.S a",
	"yyyy-MM-dd HH:mm:ss,SSS ZZZ",
	"'Date:' yyyy/M/d",
};
#define N_PATTERNS (sizeof(patterns) / sizeof(patterns[0]))

static lp_joda *compiled[N_PATTERNS];
static lp_joda *compiled_de[2];
static const lp_tz *berlin;

static void init_patterns(void)
{
	if (compiled[0])
		return;
	for (size_t i = 0; i < N_PATTERNS; i++) {
		const char *err = NULL;
		size_t col = 0;
		compiled[i] = lp_joda_compile(patterns[i], &err, &col);
		if (!compiled[i]) {
			fprintf(stderr, "pattern '%s' rejected at %zu: %s\n", patterns[i], col, err);
			abort();
		}
	}
	compiled_de[0] = lp_joda_compile_locale("dd. MMMM yyyy HH:mm", "de-DE", NULL, NULL);
	compiled_de[1] = lp_joda_compile_locale("EEE, d MMM yyyy", "fr_FR", NULL, NULL);
	FUZZ_CHECK(compiled_de[0] && compiled_de[1]);
	berlin = lp_tz_get("Europe/Berlin");
}

static void check_time(lp_time t, bool ms)
{
	FUZZ_CHECK(t.nsec >= 0 && t.nsec <= 999999999);
	FUZZ_CHECK(t.digits == 3 || t.digits == 6 || t.digits == 9);
	if (ms) {
		FUZZ_CHECK(t.digits == 3);
		FUZZ_CHECK(t.nsec % 1000000 == 0);
	}
}

static bool in_years(lp_time t)
{
	return t.sec >= MIN_SEC && t.sec <= MAX_SEC;
}

/* format . parse must be idempotent: parse(format(t)) formats the same. */
static void check_joda(const lp_joda *j, const char *s, size_t len, const lp_tz *zone)
{
	lp_time t;
	if (lp_joda_parse(j, s, len, zone, &t) != 0)
		return;
	check_time(t, true);
	if (!in_years(t))
		return;
	/* local mean time offsets have seconds, which Z cannot print */
	if (zone && t.sec < -2208988800LL)
		return;
	lp_buf a = LP_BUF_INIT, b = LP_BUF_INIT;
	lp_joda_format(j, t, zone, &a);
	lp_time t2;
	int rc = lp_joda_parse(j, lp_buf_str(&a), a.len, zone, &t2);
	if (rc != 0)
		fprintf(stderr, "formatted '%s' does not parse back\n", lp_buf_str(&a));
	FUZZ_CHECK(rc == 0);
	if (rc == 0 && in_years(t2)) {
		lp_joda_format(j, t2, zone, &b);
		if (strcmp(lp_buf_str(&a), lp_buf_str(&b)) != 0)
			fprintf(stderr, "'%s' then '%s'\n", lp_buf_str(&a), lp_buf_str(&b));
		FUZZ_CHECK(strcmp(lp_buf_str(&a), lp_buf_str(&b)) == 0);
	}
	lp_buf_fini(&a);
	lp_buf_fini(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_init();
	init_patterns();
	if (size > 512)
		return 0;
	const char *s = (const char *)data;
	lp_time t, t2;
	char text[64];

	if (lp_time_parse_iso8601(s, size, &t) == 0) {
		check_time(t, false);
		if (in_years(t)) {
			size_t n = lp_time_format(t, text, sizeof(text));
			FUZZ_CHECK(n > 0 && n < sizeof(text));
			FUZZ_CHECK(lp_time_parse_iso8601(text, n, &t2) == 0);
			FUZZ_CHECK(t2.sec == t.sec && t2.nsec == t.nsec && t2.digits == t.digits);
		}
	}
	const lp_tz *zones[] = { NULL, berlin };
	for (size_t z = 0; z < 2; z++) {
		if (lp_date_parse_iso8601(s, size, zones[z], &t) != 0)
			continue;
		check_time(t, true);
		if (in_years(t)) {
			size_t n = lp_time_format(t, text, sizeof(text));
			FUZZ_CHECK(lp_date_parse_iso8601(text, n, NULL, &t2) == 0);
			FUZZ_CHECK(t2.sec == t.sec && t2.nsec == t.nsec);
		}
	}
	if (lp_date_parse_unix_str(s, size, &t) == 0) {
		check_time(t, true);
		FUZZ_CHECK(t.sec <= 2147483647LL);
	}
	if (lp_date_parse_unix_ms_str(s, size, &t) == 0)
		check_time(t, true);
	if (lp_date_parse_tai64n(s, size, &t) == 0)
		check_time(t, false);
	if (size >= 8) {
		int64_t v;
		double d;
		memcpy(&v, s, 8);
		memcpy(&d, s, 8);
		if (lp_date_parse_unix_int(v, &t) == 0)
			check_time(t, true);
		if (lp_date_parse_unix_ms_int(v, &t) == 0)
			check_time(t, true);
		if (lp_date_parse_unix_real(d, &t) == 0)
			check_time(t, true);
		if (lp_date_parse_unix_ms_real(d, &t) == 0)
			check_time(t, true);
	}

	for (size_t i = 0; i < N_PATTERNS; i++) {
		check_joda(compiled[i], s, size, NULL);
		/* Joda parses only its default zone names: no CET/CEST for 'z' */
		if (!strchr(patterns[i], 'z'))
			check_joda(compiled[i], s, size, berlin);
	}
	check_joda(compiled_de[0], s, size, NULL);
	check_joda(compiled_de[1], s, size, NULL);

	/* the bytes as a pattern: compile, and format a fixed instant */
	char *pat = lp_strndup(s, size);
	const char *err = NULL;
	size_t col = (size_t)-1;
	lp_joda *j = lp_joda_compile(pat, &err, &col);
	if (j) {
		lp_buf out = LP_BUF_INIT;
		lp_time fixed = { 1709294400, 123456789, 9 };
		lp_joda_format(j, fixed, berlin, &out);
		lp_joda_destroy(j);
		lp_buf_fini(&out);
	} else {
		FUZZ_CHECK(err != NULL);
		FUZZ_CHECK(col <= strlen(pat));
	}
	lp_free(pat);
	return 0;
}
