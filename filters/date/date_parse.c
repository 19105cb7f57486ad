/* date_parse: the date filter's fixed formats (see date_parse.h). */
#include "filters/date/date_parse.h"

#include <math.h>
#include <pthread.h>
#include <stdbool.h>

#include "pipeline/error.h"
#include "pipeline/joda.h"

#define MAX_EPOCH_SECONDS 2147483647LL

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

static void from_ms(int64_t ms, lp_time *out)
{
	int64_t sec = ms / 1000, rem = ms % 1000;
	if (rem < 0) {
		rem += 1000;
		sec--;
	}
	out->sec = sec;
	out->nsec = (int32_t)(rem * 1000000);
	out->digits = 3;
}

/* Reads an optionally signed decimal integer filling [p, len) entirely. */
static bool parse_long(const char *s, size_t len, int64_t *v)
{
	size_t p = 0;
	bool neg = false;
	if (p < len && (s[p] == '-' || s[p] == '+')) {
		neg = s[p] == '-';
		p++;
	}
	if (p == len || len - p > 18)
		return false;
	int64_t x = 0;
	for (; p < len; p++) {
		if (!digit(s[p]))
			return false;
		x = x * 10 + (s[p] - '0');
	}
	*v = neg ? -x : x;
	return true;
}

/* ---- UNIX / UNIX_MS ---- */

int lp_date_parse_unix_int(int64_t sec, lp_time *out)
{
	if (sec > MAX_EPOCH_SECONDS || sec < -MAX_EPOCH_SECONDS * 1000)
		return LP_EPARSE;
	out->sec = sec;
	out->nsec = 0;
	out->digits = 3;
	return 0;
}

int lp_date_parse_unix_real(double sec, lp_time *out)
{
	if (!isfinite(sec) || sec > (double)MAX_EPOCH_SECONDS + 1 || sec < -1e15)
		return LP_EPARSE;
	if ((int64_t)sec > MAX_EPOCH_SECONDS)
		return LP_EPARSE;
	from_ms((int64_t)(sec * 1000), out);
	return 0;
}

int lp_date_parse_unix_str(const char *s, size_t len, lp_time *out)
{
	size_t dot = 0;
	while (dot < len && s[dot] != '.')
		dot++;
	int64_t sec;
	if (!parse_long(s, dot, &sec) || lp_date_parse_unix_int(sec, out) != 0)
		return LP_EPARSE;
	if (dot == len)
		return 0;
	size_t nfrac = len - dot - 1;
	if (nfrac == 0)
		return LP_EPARSE;
	int64_t sub = 0;
	for (size_t i = 0; i < nfrac; i++) {
		if (!digit(s[dot + 1 + i]))
			return LP_EPARSE;
		if (i < 3)
			sub = sub * 10 + (s[dot + 1 + i] - '0');
	}
	for (size_t i = nfrac; i < 3; i++)
		sub *= 10;
	/* Logstash adds the fraction to the (possibly negative) seconds. */
	from_ms(sec * 1000 + sub, out);
	return 0;
}

int lp_date_parse_unix_ms_int(int64_t ms, lp_time *out)
{
	from_ms(ms, out);
	return 0;
}

int lp_date_parse_unix_ms_real(double ms, lp_time *out)
{
	if (!isfinite(ms) || ms > 9.2e18 || ms < -9.2e18)
		return LP_EPARSE;
	from_ms((int64_t)ms, out);
	return 0;
}

int lp_date_parse_unix_ms_str(const char *s, size_t len, lp_time *out)
{
	int64_t ms;
	if (!parse_long(s, len, &ms))
		return LP_EPARSE;
	from_ms(ms, out);
	return 0;
}

/* ---- TAI64N ---- */

static bool hex(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int d;
		if (digit(c))
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		x = x << 4 | (uint64_t)d;
	}
	*v = x;
	return true;
}

int lp_date_parse_tai64n(const char *s, size_t len, lp_time *out)
{
	size_t p = len > 0 && s[0] == '@' ? 1 : 0;
	uint64_t sec, ns;
	if (len < p + 24 || !hex(s + p, 16, &sec) || !hex(s + p + 16, 8, &ns))
		return LP_EPARSE;
	if (sec >> 63)
		return LP_EPARSE; /* not a signed 64-bit value */
	sec &= (1ULL << 62) - 1;
	int64_t ms;
	if (__builtin_mul_overflow((int64_t)sec - 10, (int64_t)1000, &ms))
		return LP_EPARSE; /* milliseconds past 64 bits */
	from_ms(ms + (int64_t)(ns / 1000000), out);
	return 0;
}

/* ---- ISO8601 ---- */

typedef struct iso {
	const char *s;
	size_t len, p;
} iso;

/* 1..max digits. */
static bool num(iso *c, int max, int64_t *v)
{
	int64_t x = 0;
	int n = 0;
	while (c->p < c->len && n < max && digit(c->s[c->p])) {
		x = x * 10 + (c->s[c->p] - '0');
		c->p++;
		n++;
	}
	*v = x;
	return n > 0;
}

static bool lit(iso *c, char ch)
{
	char l = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
	if (c->p < c->len && (c->s[c->p] == ch || c->s[c->p] == l)) {
		c->p++;
		return true;
	}
	return false;
}

static int days_in_month(int64_t y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

static int iso_dow(int64_t days)
{
	return (int)(((days + 3) % 7 + 7) % 7) + 1;
}

/* The calendar form "yyyy[-MM[-dd]]"; end position in *end, days in *days. */
static bool std_date(iso c, int64_t y, size_t *end, int64_t *days)
{
	int64_t m = 1, d = 1;
	if (lit(&c, '-')) {
		if (!num(&c, 2, &m))
			return false;
		if (lit(&c, '-') && !num(&c, 2, &d))
			return false;
	}
	if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, (int)m))
		return false;
	*end = c.p;
	*days = lp_days_from_civil(y, (unsigned)m, (unsigned)d);
	return true;
}

/* The ordinal form "yyyy-DDD". */
static bool ord_date(iso c, int64_t y, size_t *end, int64_t *days)
{
	int64_t doy;
	if (!lit(&c, '-') || !num(&c, 3, &doy))
		return false;
	if (doy < 1 || doy > 365 + (days_in_month(y, 2) == 29))
		return false;
	*end = c.p;
	*days = lp_days_from_civil(y, 1, 1) + doy - 1;
	return true;
}

/* The week form "xxxx-Www[-e]". */
static bool week_date(iso c, int64_t y, size_t *end, int64_t *days)
{
	int64_t w, e = 1;
	if (!lit(&c, '-') || !lit(&c, 'W') || !num(&c, 2, &w))
		return false;
	size_t save = c.p;
	if (lit(&c, '-') && !num(&c, 1, &e))
		c.p = save;
	if (w < 1 || w > 53 || e < 1 || e > 7)
		return false;
	int64_t jan4 = lp_days_from_civil(y, 1, 4);
	*end = c.p;
	*days = jan4 - (iso_dow(jan4) - 1) + (w - 1) * 7 + (e - 1);
	return true;
}

/* A '.' or ',' fraction: returns the fraction in nanounits (9 digits). */
static bool fraction(iso *c, int64_t *nanos)
{
	if (c->p >= c->len || (c->s[c->p] != '.' && c->s[c->p] != ','))
		return false;
	size_t q = c->p + 1;
	int64_t x = 0, scale = 100000000;
	int n = 0;
	while (q < c->len && digit(c->s[q])) {
		if (n < 9) {
			x += (c->s[q] - '0') * scale;
			scale /= 10;
		}
		n++;
		q++;
	}
	if (n == 0)
		return false;
	c->p = q;
	*nanos = x;
	return true;
}

/* HH[:mm[:ss]] with a fraction of the last unit; *ms: milliseconds of day. */
static bool time_element(iso *c, int64_t *ms)
{
	int64_t h, m = 0, s = 0, frac = 0;
	int64_t unit = 3600000;
	if (!num(c, 2, &h) || h > 23)
		return false;
	if (lit(c, ':')) {
		if (!num(c, 2, &m) || m > 59)
			return false;
		unit = 60000;
		if (lit(c, ':')) {
			if (!num(c, 2, &s) || s > 59)
				return false;
			unit = 1000;
		}
	}
	fraction(c, &frac);
	*ms = h * 3600000 + m * 60000 + s * 1000 + frac * unit / 1000000000;
	return true;
}

static bool offset(iso *c, int32_t *off)
{
	if (lit(c, 'Z')) {
		*off = 0;
		return true;
	}
	if (c->p >= c->len || (c->s[c->p] != '+' && c->s[c->p] != '-'))
		return false;
	int sign = c->s[c->p] == '-' ? -1 : 1;
	c->p++;
	int64_t h, m = 0, s = 0;
	size_t start = c->p;
	if (!num(c, 2, &h) || c->p - start != 2 || h > 23)
		return false;
	size_t save = c->p;
	lit(c, ':');
	start = c->p;
	if (num(c, 2, &m) && c->p - start == 2) {
		save = c->p;
		if (lit(c, ':')) {
			start = c->p;
			if (num(c, 2, &s) && c->p - start == 2)
				save = c->p;
			else
				s = 0;
		}
	} else {
		m = 0;
	}
	c->p = save;
	if (m > 59 || s > 59)
		return false;
	*off = (int32_t)(sign * (h * 3600 + m * 60 + s));
	return true;
}

static int joda_iso(const char *s, size_t len, const lp_tz *zone, lp_time *out)
{
	iso c = { s, len, 0 };
	int64_t days = 0, ms = 0;
	bool has_off = false;
	int32_t off = 0;
	if (lit(&c, 'T')) {
		if (!time_element(&c, &ms))
			return LP_EPARSE;
		has_off = offset(&c, &off);
	} else {
		int64_t y;
		bool neg = false;
		if (c.p < len && (s[c.p] == '-' || s[c.p] == '+')) {
			neg = s[c.p] == '-';
			c.p++;
		}
		if (!num(&c, 9, &y))
			return LP_EPARSE;
		if (neg)
			y = -y;
		/* Joda tries the three date forms and keeps the longest match. */
		size_t best = 0, e;
		int64_t d;
		bool any = false;
		if (std_date(c, y, &e, &d) && (!any || e > best)) {
			best = e, days = d, any = true;
		}
		if (ord_date(c, y, &e, &d) && (!any || e > best)) {
			best = e, days = d, any = true;
		}
		if (week_date(c, y, &e, &d) && (!any || e > best)) {
			best = e, days = d, any = true;
		}
		if (!any)
			return LP_EPARSE;
		c.p = best;
		if (lit(&c, 'T')) {
			size_t save = c.p;
			if (!time_element(&c, &ms))
				c.p = save;
			has_off = offset(&c, &off);
		}
	}
	if (c.p != len)
		return LP_EPARSE;
	/* Joda refuses years whose instants do not fit in 64-bit milliseconds */
	int64_t local_ms;
	if (__builtin_mul_overflow(days, (int64_t)86400000, &local_ms) ||
	    __builtin_add_overflow(local_ms, ms, &local_ms))
		return LP_EPARSE;
	int64_t local_sec = local_ms / 1000 - (local_ms % 1000 < 0 ? 1 : 0);
	int64_t sub = local_ms - local_sec * 1000;
	if (has_off)
		out->sec = local_sec - off;
	else
		out->sec = zone ? lp_tz_local_to_utc(zone, local_sec) : local_sec;
	out->nsec = (int32_t)(sub * 1000000);
	out->digits = 3;
	return 0;
}

static pthread_once_t fallback_once = PTHREAD_ONCE_INIT;
static lp_joda *fallback[4];

static void compile_fallbacks(void)
{
	static const char *const pats[4] = {
		"yyyy-MM-dd HH:mm:ss.SSSZ",
		"yyyy-MM-dd HH:mm:ss.SSS",
		"yyyy-MM-dd HH:mm:ss,SSSZ",
		"yyyy-MM-dd HH:mm:ss,SSS",
	};
	for (int i = 0; i < 4; i++)
		fallback[i] = lp_joda_compile(pats[i], NULL, NULL);
}

int lp_date_parse_iso8601(const char *s, size_t len, const lp_tz *zone, lp_time *out)
{
	if (joda_iso(s, len, zone, out) == 0)
		return 0;
	pthread_once(&fallback_once, compile_fallbacks);
	for (int i = 0; i < 4; i++)
		if (fallback[i] && lp_joda_parse(fallback[i], s, len, zone, out) == 0)
			return 0;
	return LP_EPARSE;
}
