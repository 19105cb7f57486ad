/* timestamp: the event time value (see timestamp.h). */
#include "pipeline/timestamp.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "pipeline/error.h"

/* Howard Hinnant's civil-calendar algorithms (public domain arithmetic). */
int64_t lp_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void lp_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned dd = doy - (153 * mp + 2) / 5 + 1;
	unsigned mm = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (mm <= 2);
	*m = mm;
	*d = dd;
}

lp_time lp_time_now(void)
{
	lp_time t = { 0, 0, 3 };
	const char *fake = getenv("LOGPIPE_FAKE_NOW");
	if (fake && *fake) {
		size_t n = 0;
		while (fake[n])
			n++;
		if (lp_time_parse_iso8601(fake, n, &t) == 0) {
			t.digits = 3;
			return t;
		}
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	t.sec = ts.tv_sec;
	t.nsec = (int32_t)ts.tv_nsec;
	t.digits = 3;
	return t;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

size_t lp_time_format(lp_time t, char *out, size_t cap)
{
	int64_t days = floor_div(t.sec, 86400);
	int64_t rem = t.sec - days * 86400;
	int64_t y;
	unsigned m, d;
	lp_civil_from_days(days, &y, &m, &d);
	int digits = t.digits <= 3 ? 3 : t.digits <= 6 ? 6 : 9;
	int32_t ns = t.nsec < 0 ? 0 : t.nsec > 999999999 ? 999999999 : t.nsec;
	long frac = digits == 3 ? ns / 1000000 : digits == 6 ? ns / 1000 : ns;
	char ybuf[24];
	if (y >= 0 && y <= 9999)
		snprintf(ybuf, sizeof ybuf, "%04d", (int)y);
	else
		snprintf(ybuf, sizeof ybuf, "%+05lld", (long long)y);
	int n = snprintf(out, cap, "%s-%02u-%02uT%02d:%02d:%02d.%0*ldZ", ybuf, m, d, (int)(rem / 3600),
			 (int)(rem / 60 % 60), (int)(rem % 60), digits, frac);
	if (n < 0)
		return 0;
	if ((size_t)n >= cap)
		return cap ? cap - 1 : 0;
	return (size_t)n;
}

/* Reads exactly n digits at *p; returns -1 when they are not all digits. */
static int digits_n(const char *s, size_t len, size_t *p, int n)
{
	int v = 0;
	if (*p + (size_t)n > len)
		return -1;
	for (int i = 0; i < n; i++) {
		char c = s[*p + (size_t)i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += (size_t)n;
	return v;
}

static int days_in_month(int64_t y, unsigned m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

int lp_time_parse_iso8601(const char *s, size_t len, lp_time *out)
{
	size_t p = 0;
	int y = digits_n(s, len, &p, 4);
	if (y < 0 || p >= len || s[p] != '-')
		return LP_EPARSE;
	p++;
	int mo = digits_n(s, len, &p, 2);
	if (mo < 1 || mo > 12 || p >= len || s[p] != '-')
		return LP_EPARSE;
	p++;
	int d = digits_n(s, len, &p, 2);
	if (d < 1 || d > days_in_month(y, (unsigned)mo))
		return LP_EPARSE;
	int h = 0, mi = 0, sec = 0;
	int32_t nsec = 0;
	int ndig = 0;
	int32_t off = 0;
	if (p < len && (s[p] == 'T' || s[p] == 't' || s[p] == ' ')) {
		p++;
		h = digits_n(s, len, &p, 2);
		if (h < 0 || h > 23)
			return LP_EPARSE;
		bool colon = p < len && s[p] == ':';
		if (colon)
			p++;
		mi = digits_n(s, len, &p, 2);
		if (mi < 0 || mi > 59)
			return LP_EPARSE;
		if (p < len && (colon ? s[p] == ':' : (s[p] >= '0' && s[p] <= '9'))) {
			if (colon)
				p++;
			sec = digits_n(s, len, &p, 2);
			if (sec < 0 || sec > 59)
				return LP_EPARSE;
			if (p < len && (s[p] == '.' || s[p] == ',')) {
				p++;
				int32_t scale = 100000000;
				while (p < len && s[p] >= '0' && s[p] <= '9') {
					nsec += (s[p] - '0') * scale;
					scale /= 10;
					ndig++;
					p++;
				}
				if (ndig == 0)
					return LP_EPARSE;
			}
		}
		if (p < len) {
			if (s[p] == 'Z' || s[p] == 'z') {
				p++;
			} else if (s[p] == '+' || s[p] == '-') {
				int sign = s[p] == '-' ? -1 : 1;
				p++;
				int oh = digits_n(s, len, &p, 2), om = 0;
				if (oh < 0 || oh > 23)
					return LP_EPARSE;
				if (p < len && s[p] == ':')
					p++;
				if (p < len) {
					om = digits_n(s, len, &p, 2);
					if (om < 0 || om > 59)
						return LP_EPARSE;
				}
				off = sign * (oh * 3600 + om * 60);
			}
		}
	}
	if (p != len)
		return LP_EPARSE;
	out->sec = lp_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec - off;
	out->nsec = nsec;
	out->digits = (int8_t)(ndig <= 3 ? 3 : ndig <= 6 ? 6 : 9);
	return 0;
}
