/* joda: Joda-Time style date patterns (see joda.h). */
#include "pipeline/joda.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "pipeline/error.h"
#include "pipeline/mem.h"

/* Names for one language. Short names are stored without a trailing dot;
 * parsing accepts an optional '.' after a short name. */
typedef struct names {
	const char *lang;
	const char *months[12], *months_short[12];
	const char *days[7], *days_short[7]; /* Monday first (ISO) */
	const char *am, *pm;
} names;

static const names LANGS[] = {
	{ "en",
	  { "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
	    "November", "December" },
	  { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" },
	  { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" },
	  { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" },
	  "AM", "PM" },
	{ "de",
	  { "Januar", "Februar", "M\xc3\xa4rz", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
	    "November", "Dezember" },
	  { "Jan", "Feb", "M\xc3\xa4r", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez" },
	  { "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag" },
	  { "Mo", "Di", "Mi", "Do", "Fr", "Sa", "So" },
	  "AM", "PM" },
	{ "fr",
	  { "janvier", "f\xc3\xa9vrier", "mars", "avril", "mai", "juin", "juillet", "ao\xc3\xbbt", "septembre",
	    "octobre", "novembre", "d\xc3\xa9\x63\x65mbre" },
	  { "janv", "f\xc3\xa9vr", "mars", "avr", "mai", "juin", "juil", "ao\xc3\xbbt", "sept", "oct", "nov",
	    "d\xc3\xa9\x63" },
	  { "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche" },
	  { "lun", "mar", "mer", "jeu", "ven", "sam", "dim" },
	  "AM", "PM" },
	{ "es",
	  { "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
	    "noviembre", "diciembre" },
	  { "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic" },
	  { "lunes", "martes", "mi\xc3\xa9rcoles", "jueves", "viernes", "s\xc3\xa1\x62\x61\x64o", "domingo" },
	  { "lun", "mar", "mi\xc3\xa9", "jue", "vie", "s\xc3\xa1\x62", "dom" },
	  "AM", "PM" },
};

typedef struct tok {
	char letter; /* 0: literal */
	int count;
	int maxdig;   /* numeric parse width bound */
	bool lenient; /* yy: a value of other than two digits is a full year */
	char *lit;
	size_t litlen;
} tok;

struct lp_joda {
	tok *toks;
	size_t n, cap;
	bool has_year; /* the pattern text mentions y or Y (Logstash's test) */
	int pivot;     /* two-digit years fall in [pivot-50, pivot+49] */
	const names *loc;
	bool day_only;     /* every field is a date field: the text changes once a day */
	unsigned long id;  /* identifies the pattern in the per-thread format memo */
};

static atomic_ulong next_id = 1;

/* The last text each thread formatted with a day_only pattern. */
static _Thread_local struct {
	unsigned long id;
	const lp_tz *zone;
	int64_t days;
	size_t len;
	char text[64];
} memo;

static bool is_letter(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool known_letter(char c)
{
	return c && strchr("GCyYxuMdDHkhKmsSaEewZz", c) != NULL;
}

static bool numeric_tok(const tok *t)
{
	if (!t || !t->letter)
		return false;
	if (t->letter == 'M')
		return t->count <= 2;
	return strchr("CxyYudhHmsSeDwkK", t->letter) != NULL;
}

static tok *push(lp_joda *j)
{
	LP_GROW(j->toks, j->cap, j->n + 1);
	tok *t = &j->toks[j->n++];
	memset(t, 0, sizeof *t);
	return t;
}

static void add_lit(lp_joda *j, const char *s, size_t n)
{
	tok *t = j->n ? &j->toks[j->n - 1] : NULL;
	if (!t || t->letter) {
		t = push(j);
		t->lit = lp_malloc(1);
		t->litlen = 0;
	}
	t->lit = lp_realloc(t->lit, t->litlen + n + 1);
	memcpy(t->lit + t->litlen, s, n);
	t->litlen += n;
	t->lit[t->litlen] = 0;
}

static int year_now(int *month)
{
	lp_time now = lp_time_now();
	int64_t y;
	unsigned m, d;
	int64_t days = now.sec / 86400 - (now.sec % 86400 < 0 ? 1 : 0);
	lp_civil_from_days(days, &y, &m, &d);
	if (month)
		*month = (int)m;
	return (int)y;
}

static const names *find_locale(const char *locale)
{
	if (!locale || !*locale)
		return &LANGS[0];
	for (size_t i = 0; i < sizeof LANGS / sizeof LANGS[0]; i++) {
		size_t l = strlen(LANGS[i].lang);
		if (strncasecmp(locale, LANGS[i].lang, l) == 0 &&
		    (locale[l] == 0 || locale[l] == '-' || locale[l] == '_' || locale[l] == '.'))
			return &LANGS[i];
	}
	return NULL;
}

bool lp_joda_locale_supported(const char *locale)
{
	return find_locale(locale) != NULL;
}

/* Letters whose text depends on the (local) day alone. */
static bool t_is_day_field(char letter)
{
	return strchr("GCyuYxMdDEew", letter) != NULL || letter == 0;
}

lp_joda *lp_joda_compile_locale(const char *pattern, const char *locale, const char **err, size_t *err_col)
{
	const names *loc = find_locale(locale);
	if (!loc) {
		if (err)
			*err = "unsupported locale (supported: en, de, fr, es)";
		if (err_col)
			*err_col = 0;
		return NULL;
	}
	lp_joda *j = lp_calloc(1, sizeof *j);
	j->loc = loc;
	j->pivot = year_now(NULL) - 30;
	j->has_year = strchr(pattern, 'y') || strchr(pattern, 'Y');
	size_t n = strlen(pattern);
	for (size_t i = 0; i < n;) {
		char c = pattern[i];
		if (is_letter(c)) {
			if (!known_letter(c)) {
				if (err)
					*err = "illegal pattern letter (quote literal text with '')";
				if (err_col)
					*err_col = i;
				lp_joda_destroy(j);
				return NULL;
			}
			size_t k = i;
			while (k < n && pattern[k] == c)
				k++;
			tok *t = push(j);
			t->letter = c;
			t->count = (int)(k - i);
			i = k;
		} else if (c == '\'') {
			if (i + 1 < n && pattern[i + 1] == '\'') {
				add_lit(j, "'", 1);
				i += 2;
				continue;
			}
			i++;
			while (i < n) {
				if (pattern[i] == '\'') {
					if (i + 1 < n && pattern[i + 1] == '\'') {
						add_lit(j, "'", 1);
						i += 2;
						continue;
					}
					i++;
					break;
				}
				add_lit(j, pattern + i, 1);
				i++;
			}
		} else {
			add_lit(j, pattern + i, 1);
			i++;
		}
	}
	for (size_t i = 0; i < j->n; i++) {
		tok *t = &j->toks[i];
		bool next_num = numeric_tok(i + 1 < j->n ? &j->toks[i + 1] : NULL);
		int def = 2;
		switch (t->letter) {
		case 'y': case 'Y': case 'x': case 'u':
			if (t->count == 2) {
				t->lenient = !next_num;
				def = 2;
			} else {
				def = next_num ? t->count : 9;
			}
			break;
		case 'D': def = 3; break;
		case 'e': def = 1; break;
		case 'S': case 'C': def = t->count; break;
		default: def = 2; break;
		}
		t->maxdig = def < t->count ? t->count : def;
	}
	j->day_only = true;
	for (size_t i = 0; i < j->n; i++)
		if (!t_is_day_field(j->toks[i].letter))
			j->day_only = false;
	j->id = atomic_fetch_add(&next_id, 1);
	return j;
}

lp_joda *lp_joda_compile(const char *pattern, const char **err, size_t *err_col)
{
	return lp_joda_compile_locale(pattern, NULL, err, err_col);
}

void lp_joda_destroy(lp_joda *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->n; i++)
		lp_free(j->toks[i].lit);
	lp_free(j->toks);
	lp_free(j);
}

/* ---- formatting ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* ISO day of week, 1 = Monday. */
static int iso_dow(int64_t days)
{
	return (int)(((days + 3) % 7 + 7) % 7) + 1;
}

static void iso_week(int64_t days, int64_t *wyear, int *week)
{
	int64_t thu = days - iso_dow(days) + 4;
	int64_t y;
	unsigned m, d;
	lp_civil_from_days(thu, &y, &m, &d);
	*wyear = y;
	*week = (int)((thu - lp_days_from_civil(y, 1, 1)) / 7 + 1);
}

static void put_num(lp_buf *out, int64_t v, int width)
{
	if (width > 20)
		width = 20;
	lp_buf_printf(out, v < 0 ? "-%0*lld" : "%0*lld", width, (long long)(v < 0 ? -v : v));
}

static void put_offset(lp_buf *out, int32_t off, bool colon)
{
	int32_t a = off < 0 ? -off : off;
	lp_buf_printf(out, colon ? "%c%02d:%02d" : "%c%02d%02d", off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

static void format_fields(const lp_joda *j, lp_time t, const lp_tz *zone, int32_t off, int64_t days, lp_buf *out);

void lp_joda_format(const lp_joda *j, lp_time t, const lp_tz *zone, lp_buf *out)
{
	int32_t off = zone ? lp_tz_offset_at_utc(zone, t.sec) : 0;
	int64_t local = t.sec + off;
	int64_t days = floor_div(local, 86400);
	size_t start = out->len;
	if (j->day_only && memo.id == j->id && memo.zone == zone && memo.days == days) {
		lp_buf_add(out, memo.text, memo.len);
		return;
	}
	format_fields(j, t, zone, off, days, out);
	if (j->day_only && out->len - start < sizeof(memo.text)) {
		memo.id = j->id;
		memo.zone = zone;
		memo.days = days;
		memo.len = out->len - start;
		if (memo.len > 0) /* an empty pattern leaves out->data NULL */
			memcpy(memo.text, out->data + start, memo.len);
	}
}

static void format_fields(const lp_joda *j, lp_time t, const lp_tz *zone, int32_t off, int64_t days, lp_buf *out)
{
	int64_t local = t.sec + off;
	int64_t sod = local - days * 86400;
	int64_t y;
	unsigned mo, d;
	lp_civil_from_days(days, &y, &mo, &d);
	int hour = (int)(sod / 3600), min = (int)(sod / 60 % 60), sec = (int)(sod % 60);
	const names *L = j->loc;
	for (size_t i = 0; i < j->n; i++) {
		const tok *k = &j->toks[i];
		int c = k->count;
		switch (k->letter) {
		case 0: lp_buf_add(out, k->lit, k->litlen); break;
		case 'G': lp_buf_adds(out, y > 0 ? "AD" : "BC"); break;
		case 'C': put_num(out, (y > 0 ? y : 1 - y) / 100, c); break;
		case 'y': case 'u': case 'Y': case 'x': {
			int64_t v = y;
			if (k->letter == 'Y' && y <= 0)
				v = 1 - y;
			if (k->letter == 'x') {
				int w;
				iso_week(days, &v, &w);
			}
			if (c == 2)
				put_num(out, ((v % 100) + 100) % 100, 2);
			else
				put_num(out, v, c);
			break;
		}
		case 'M':
			if (c >= 4)
				lp_buf_adds(out, L->months[mo - 1]);
			else if (c == 3)
				lp_buf_adds(out, L->months_short[mo - 1]);
			else
				put_num(out, mo, c);
			break;
		case 'd': put_num(out, d, c); break;
		case 'D': put_num(out, days - lp_days_from_civil(y, 1, 1) + 1, c); break;
		case 'H': put_num(out, hour, c); break;
		case 'k': put_num(out, hour ? hour : 24, c); break;
		case 'K': put_num(out, hour % 12, c); break;
		case 'h': put_num(out, hour % 12 ? hour % 12 : 12, c); break;
		case 'm': put_num(out, min, c); break;
		case 's': put_num(out, sec, c); break;
		case 'S': {
			/* Millisecond precision, as Joda: further digits are zeros. */
			char frac[16];
			snprintf(frac, sizeof frac, "%03d000000", (int)(t.nsec / 1000000) % 1000);
			for (int q = 0; q < c; q++)
				lp_buf_addc(out, q < 9 ? frac[q] : '0');
			break;
		}
		case 'a': lp_buf_adds(out, hour < 12 ? L->am : L->pm); break;
		case 'E': lp_buf_adds(out, c >= 4 ? L->days[iso_dow(days) - 1] : L->days_short[iso_dow(days) - 1]); break;
		case 'e': put_num(out, iso_dow(days), c); break;
		case 'w': {
			int64_t wy;
			int w;
			iso_week(days, &wy, &w);
			put_num(out, w, c);
			break;
		}
		case 'z':
			lp_buf_adds(out, c >= 4 ? lp_tz_name(zone) : lp_tz_abbr_at_utc(zone, t.sec));
			break;
		case 'Z':
			if (c >= 3)
				lp_buf_adds(out, lp_tz_name(zone));
			else
				put_offset(out, off, c == 2);
			break;
		default: break;
		}
	}
}

/* ---- parsing ---- */

typedef struct fields {
	int64_t year;
	bool has_year, yoe, bc;
	int month, day, doy;
	int hour, hour12, halfday; /* halfday: -1 unset, 0 AM, 1 PM */
	bool has_hour, has_hour12;
	int min, sec, ms;
	bool has_off;
	int32_t off;
	const lp_tz *zone;
	int64_t wyear;
	int week, dow;
	bool has_week;
} fields;

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads 1..maxdig digits (with a sign when sign_ok); returns false when none. */
static bool read_num(const char *s, size_t len, size_t *p, int maxdig, bool sign_ok, int64_t *v)
{
	size_t q = *p;
	int sign = 1;
	if (sign_ok && q < len && (s[q] == '-' || s[q] == '+')) {
		sign = s[q] == '-' ? -1 : 1;
		q++;
	}
	int64_t x = 0;
	int nd = 0;
	while (q < len && nd < maxdig && digit(s[q])) {
		x = x * 10 + (s[q] - '0');
		q++;
		nd++;
	}
	if (nd == 0)
		return false;
	*v = sign * x;
	*p = q;
	return true;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool prefix_ci(const char *s, size_t len, size_t p, const char *w, size_t wl)
{
	if (p + wl > len)
		return false;
	for (size_t i = 0; i < wl; i++)
		if (lower(s[p + i]) != lower(w[i]))
			return false;
	return true;
}

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* Joda matches text fields in three spellings: as written, all lower case
 * and all upper case ("Mar", "mar", "MAR"; not "mAR"). */
static bool prefix_text(const char *s, size_t len, size_t p, const char *w, size_t wl)
{
	if (p + wl > len)
		return false;
	if (memcmp(s + p, w, wl) == 0)
		return true;
	bool lo = true, up = true;
	for (size_t i = 0; i < wl && (lo || up); i++) {
		lo = lo && s[p + i] == lower(w[i]);
		up = up && s[p + i] == upper(w[i]);
	}
	return lo || up;
}

/* Matches the longest name among full[] and short_[] (n entries); returns the
 * index or -1. A short name may be followed by a '.', which is consumed when
 * dot_ok (the pattern does not continue with a '.' itself). */
static int match_name(const char *s, size_t len, size_t *p, const char *const *full, const char *const *short_,
		      int n, bool dot_ok)
{
	int best = -1;
	size_t best_len = 0;
	for (int i = 0; i < n; i++) {
		for (int pass = 0; pass < 2; pass++) {
			const char *w = pass ? short_[i] : full[i];
			size_t wl = strlen(w);
			if (!prefix_text(s, len, *p, w, wl))
				continue;
			if (pass && dot_ok && *p + wl < len && s[*p + wl] == '.')
				wl++;
			if (wl > best_len) {
				best_len = wl;
				best = i;
			}
		}
	}
	if (best >= 0)
		*p += best_len;
	return best;
}

static bool parse_offset(const char *s, size_t len, size_t *p, int32_t *off)
{
	size_t q = *p;
	if (q < len && (s[q] == 'Z' || s[q] == 'z')) {
		*off = 0;
		*p = q + 1;
		return true;
	}
	if (q >= len || (s[q] != '+' && s[q] != '-'))
		return false;
	int sign = s[q] == '-' ? -1 : 1;
	q++;
	if (q + 2 > len || !digit(s[q]) || !digit(s[q + 1]))
		return false;
	int h = (s[q] - '0') * 10 + (s[q + 1] - '0');
	q += 2;
	int m = 0;
	size_t r = q;
	if (r < len && s[r] == ':')
		r++;
	if (r + 2 <= len && digit(s[r]) && digit(s[r + 1])) {
		m = (s[r] - '0') * 10 + (s[r + 1] - '0');
		q = r + 2;
	}
	if (h > 23 || m > 59)
		return false;
	*off = sign * (h * 3600 + m * 60);
	*p = q;
	return true;
}

static bool parse_zone_id(const char *s, size_t len, size_t *p, const lp_tz **zone)
{
	size_t e = *p;
	while (e < len && e - *p < 64 &&
	       (is_letter(s[e]) || digit(s[e]) || s[e] == '/' || s[e] == '_' || s[e] == '-' || s[e] == '+'))
		e++;
	for (size_t l = e - *p; l > 0; l--) {
		char name[65];
		memcpy(name, s + *p, l);
		name[l] = 0;
		const lp_tz *z = lp_tz_get(name);
		if (z) {
			*zone = z;
			*p += l;
			return true;
		}
	}
	return false;
}

/* Joda's default parse table for zone abbreviations. */
static bool parse_zone_abbr(const char *s, size_t len, size_t *p, const lp_tz **zone)
{
	static const char *const abbr[][2] = {
		{ "UTC", "UTC" }, { "UT", "UTC" }, { "GMT", "UTC" },
		{ "EST", "America/New_York" }, { "EDT", "America/New_York" },
		{ "CST", "America/Chicago" }, { "CDT", "America/Chicago" },
		{ "MST", "America/Denver" }, { "MDT", "America/Denver" },
		{ "PST", "America/Los_Angeles" }, { "PDT", "America/Los_Angeles" },
	};
	for (size_t i = 0; i < sizeof abbr / sizeof abbr[0]; i++) {
		size_t l = strlen(abbr[i][0]);
		if (*p + l <= len && memcmp(s + *p, abbr[i][0], l) == 0) {
			const lp_tz *z = lp_tz_get(abbr[i][1]);
			if (!z)
				return false;
			*zone = z;
			*p += l;
			return true;
		}
	}
	return false;
}

static bool parse_year(const lp_joda *j, const tok *k, const char *s, size_t len, size_t *p, int64_t *v)
{
	if (k->count != 2)
		return read_num(s, len, p, k->maxdig, true, v);
	size_t q = *p;
	if (k->lenient) {
		bool sign = q < len && (s[q] == '-' || s[q] == '+');
		size_t r = q + (sign ? 1 : 0);
		size_t nd = 0;
		while (r + nd < len && digit(s[r + nd]))
			nd++;
		if (sign || nd != 2)
			return read_num(s, len, p, 9, true, v);
	}
	if (q + 2 > len || !digit(s[q]) || !digit(s[q + 1]))
		return false;
	int yy = (s[q] - '0') * 10 + (s[q + 1] - '0');
	int low = j->pivot - 50;
	int t = low >= 0 ? low % 100 : 99 + ((low + 1) % 100);
	*v = yy + low + (yy < t ? 100 : 0) - t;
	*p = q + 2;
	return true;
}

static int days_in_month(int64_t y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

static bool parse_tok(const lp_joda *j, const tok *k, const char *s, size_t len, size_t *p, fields *f)
{
	const tok *next = k + 1 < j->toks + j->n ? k + 1 : NULL;
	bool dot_ok = !(next && !next->letter && next->lit[0] == '.');
	const names *L = j->loc;
	int64_t v;
	switch (k->letter) {
	case 0:
		if (!prefix_ci(s, len, *p, k->lit, k->litlen))
			return false;
		*p += k->litlen;
		return true;
	case 'G': {
		/* English also accepts CE/BCE, as Joda does. */
		static const char *const eras[] = { "BCE", "CE", "AD", "BC" };
		for (int e = 0; e < 4; e++) {
			size_t el = strlen(eras[e]);
			if (prefix_text(s, len, *p, eras[e], el)) {
				*p += el;
				f->bc = e == 0 || e == 3;
				return true;
			}
		}
		return false;
	}
	case 'C':
		return read_num(s, len, p, k->maxdig, false, &v); /* century alone says nothing */
	case 'y': case 'u': case 'Y':
		if (!parse_year(j, k, s, len, p, &v))
			return false;
		f->year = v;
		f->has_year = true;
		f->yoe = k->letter == 'Y';
		return true;
	case 'x':
		if (!parse_year(j, k, s, len, p, &v))
			return false;
		f->wyear = v;
		f->has_week = true;
		return true;
	case 'w':
		if (!read_num(s, len, p, k->maxdig, false, &v))
			return false;
		f->week = (int)v;
		f->has_week = true;
		return true;
	case 'e':
		if (!read_num(s, len, p, k->maxdig, false, &v) || v < 1 || v > 7)
			return false;
		f->dow = (int)v;
		return true;
	case 'M':
		if (k->count >= 3) {
			int m = match_name(s, len, p, L->months, L->months_short, 12, dot_ok);
			if (m < 0)
				return false;
			f->month = m + 1;
			return true;
		}
		if (!read_num(s, len, p, k->maxdig, false, &v))
			return false;
		f->month = (int)v;
		return true;
	case 'E':
		return match_name(s, len, p, L->days, L->days_short, 7, dot_ok) >= 0; /* ignored */
	case 'a':
		if (prefix_text(s, len, *p, L->am, strlen(L->am))) {
			*p += strlen(L->am);
			f->halfday = 0;
		} else if (prefix_text(s, len, *p, L->pm, strlen(L->pm))) {
			*p += strlen(L->pm);
			f->halfday = 1;
		} else {
			return false;
		}
		return true;
	case 'z':
		return parse_zone_abbr(s, len, p, &f->zone);
	case 'Z':
		if (k->count >= 3)
			return parse_zone_id(s, len, p, &f->zone);
		if (!parse_offset(s, len, p, &f->off))
			return false;
		f->has_off = true;
		return true;
	case 'S': {
		size_t q = *p;
		int nd = 0, ms = 0;
		while (q < len && nd < k->maxdig && digit(s[q])) {
			if (nd < 3)
				ms = ms * 10 + (s[q] - '0');
			nd++;
			q++;
		}
		if (nd == 0)
			return false;
		for (int z = nd; z < 3; z++)
			ms *= 10;
		f->ms = ms;
		*p = q;
		return true;
	}
	default:
		break;
	}
	if (!read_num(s, len, p, k->maxdig, false, &v))
		return false;
	switch (k->letter) {
	case 'd': f->day = (int)v; break;
	case 'D': f->doy = (int)v; break;
	case 'H':
		if (v > 23)
			return false;
		f->hour = (int)v;
		f->has_hour = true;
		break;
	case 'k':
		if (v < 1 || v > 24)
			return false;
		f->hour = (int)v % 24;
		f->has_hour = true;
		break;
	case 'K':
		if (v > 11)
			return false;
		f->hour12 = (int)v;
		f->has_hour12 = true;
		break;
	case 'h':
		if (v < 1 || v > 12)
			return false;
		f->hour12 = (int)v % 12;
		f->has_hour12 = true;
		break;
	case 'm':
		if (v > 59)
			return false;
		f->min = (int)v;
		break;
	case 's':
		if (v > 59)
			return false;
		f->sec = (int)v;
		break;
	default: return false;
	}
	return true;
}

int lp_joda_parse(const lp_joda *j, const char *s, size_t len, const lp_tz *zone, lp_time *out)
{
	fields f;
	memset(&f, 0, sizeof f);
	f.halfday = -1;
	f.month = 1;
	f.day = 1;
	size_t p = 0;
	for (size_t i = 0; i < j->n; i++)
		if (!parse_tok(j, &j->toks[i], s, len, &p, &f))
			return LP_EPARSE;
	if (p != len)
		return LP_EPARSE;
	int64_t y = 1970;
	if (f.has_year) {
		y = f.year;
		if (f.yoe && (y < 1))
			return LP_EPARSE;
		if (f.bc)
			y = 1 - y;
	} else if (!j->has_year) {
		/* Logstash guesses the year: the current one, except a December
		 * event seen in January (last year) or the reverse (next year). */
		int now_month;
		y = year_now(&now_month);
		if (f.month == 12 && now_month == 1)
			y--;
		else if (f.month == 1 && now_month == 12)
			y++;
	}
	int64_t days;
	if (f.has_week) {
		int64_t wy = f.wyear ? f.wyear : y;
		int week = f.week ? f.week : 1, dow = f.dow ? f.dow : 1;
		int64_t jan4 = lp_days_from_civil(wy, 1, 4);
		days = jan4 - (iso_dow(jan4) - 1) + (int64_t)(week - 1) * 7 + (dow - 1);
		if (week < 1 || week > 53)
			return LP_EPARSE;
	} else if (f.doy) {
		if (f.doy < 1 || f.doy > 365 + (days_in_month(y, 2) == 29))
			return LP_EPARSE;
		days = lp_days_from_civil(y, 1, 1) + f.doy - 1;
	} else {
		if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > days_in_month(y, f.month))
			return LP_EPARSE;
		days = lp_days_from_civil(y, (unsigned)f.month, (unsigned)f.day);
	}
	int hour = f.hour;
	if (!f.has_hour && f.has_hour12)
		hour = f.hour12 + (f.halfday == 1 ? 12 : 0);
	else if (!f.has_hour && f.halfday == 1)
		hour = 12;
	int64_t local = days * 86400 + hour * 3600 + f.min * 60 + f.sec;
	if (f.has_off)
		out->sec = local - f.off;
	else if (f.zone)
		out->sec = lp_tz_local_to_utc(f.zone, local);
	else
		out->sec = zone ? lp_tz_local_to_utc(zone, local) : local;
	out->nsec = f.ms * 1000000;
	out->digits = 3;
	return 0;
}
