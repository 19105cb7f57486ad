/* tz: time zones from TZif files and fixed offsets (see tz.h).
 *
 * A zone is a table of UTC transition instants, each selecting a local time
 * type (offset, DST flag, abbreviation), plus the POSIX TZ rule from the
 * TZif v2+ footer, which governs instants after the last transition. */
#include "pipeline/tz.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeline/mem.h"
#include "pipeline/timestamp.h"

#define MAX_TZIF_BYTES (1 << 20)
#define MAX_NEGATIVE 1024

typedef struct ttype {
	int32_t off;
	bool dst;
	char abbr[16];
} ttype;

/* One end of a POSIX DST rule: Jn, n or Mm.w.d, at time seconds local. */
typedef struct rule_date {
	char kind; /* 'J', 'D' or 'M' */
	int n, m, w, d;
	int32_t time;
} rule_date;

typedef struct posix_rule {
	bool present;
	bool has_dst;
	int32_t std_off, dst_off; /* east of UTC, seconds */
	char std_abbr[16], dst_abbr[16];
	rule_date start, end;
} posix_rule;

struct lp_tz {
	char *name;
	bool fixed;
	int32_t fixed_off;
	int64_t *trans;
	uint8_t *idx;
	size_t ntrans;
	ttype *types;
	size_t ntypes;
	posix_rule rule;
};

typedef struct entry {
	char *key;
	lp_tz *zone; /* NULL: known not to exist */
	struct entry *next;
} entry;

#define NBUCKETS 256

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static entry *cache[NBUCKETS];
static size_t negatives;

static size_t bucket(const char *name)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h % NBUCKETS;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* ---- fixed offsets ---- */

static int two_digits(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Parses "+hh", "+hhmm", "+hh:mm" (and '-'); returns false when s is not one. */
static bool parse_fixed(const char *s, int32_t *off)
{
	if (s[0] != '+' && s[0] != '-')
		return false;
	int sign = s[0] == '-' ? -1 : 1;
	size_t n = strlen(s);
	int h, m = 0;
	if (n < 3 || (h = two_digits(s + 1)) < 0 || h > 23)
		return false;
	if (n == 3) {
	} else if (n == 5) {
		if ((m = two_digits(s + 3)) < 0)
			return false;
	} else if (n == 6 && s[3] == ':') {
		if ((m = two_digits(s + 4)) < 0)
			return false;
	} else {
		return false;
	}
	if (m > 59)
		return false;
	*off = sign * (h * 3600 + m * 60);
	return true;
}

static lp_tz *fixed_zone(int32_t off)
{
	lp_tz *z = lp_calloc(1, sizeof *z);
	z->fixed = true;
	z->fixed_off = off;
	if (off == 0) {
		z->name = lp_strdup("UTC");
	} else {
		int32_t a = off < 0 ? -off : off;
		z->name = lp_asprintf("%c%02d:%02d", off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
	}
	return z;
}

/* ---- POSIX TZ rule (TZif footer) ---- */

static const char *parse_abbr(const char *p, char *out)
{
	size_t n = 0;
	if (*p == '<') {
		p++;
		while (*p && *p != '>') {
			if (n < 15)
				out[n++] = *p;
			p++;
		}
		if (*p != '>')
			return NULL;
		p++;
	} else {
		while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) {
			if (n < 15)
				out[n++] = *p;
			p++;
		}
	}
	out[n] = 0;
	return n > 0 ? p : NULL;
}

/* [+-]h[h][:mm[:ss]] into seconds (sign as written). */
static const char *parse_hms(const char *p, int32_t *out)
{
	int sign = 1;
	if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		p++;
	}
	int32_t parts[3] = { 0, 0, 0 };
	for (int i = 0; i < 3; i++) {
		if (*p < '0' || *p > '9')
			return i == 0 ? NULL : p;
		int v = 0, nd = 0;
		while (*p >= '0' && *p <= '9' && nd < 3) {
			v = v * 10 + (*p - '0');
			p++;
			nd++;
		}
		parts[i] = v;
		if (*p != ':' || i == 2)
			break;
		p++;
	}
	*out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
	return p;
}

static const char *parse_rule_date(const char *p, rule_date *rd)
{
	memset(rd, 0, sizeof *rd);
	rd->time = 7200;
	if (*p == 'J') {
		rd->kind = 'J';
		p++;
		rd->n = (int)strtol(p, (char **)&p, 10);
	} else if (*p == 'M') {
		rd->kind = 'M';
		p++;
		rd->m = (int)strtol(p, (char **)&p, 10);
		if (*p++ != '.')
			return NULL;
		rd->w = (int)strtol(p, (char **)&p, 10);
		if (*p++ != '.')
			return NULL;
		rd->d = (int)strtol(p, (char **)&p, 10);
		if (rd->m < 1 || rd->m > 12 || rd->w < 1 || rd->w > 5 || rd->d < 0 || rd->d > 6)
			return NULL;
	} else if (*p >= '0' && *p <= '9') {
		rd->kind = 'D';
		rd->n = (int)strtol(p, (char **)&p, 10);
	} else {
		return NULL;
	}
	if (*p == '/') {
		p = parse_hms(p + 1, &rd->time);
		if (!p)
			return NULL;
	}
	return p;
}

static bool parse_posix(const char *s, posix_rule *r)
{
	memset(r, 0, sizeof *r);
	const char *p = parse_abbr(s, r->std_abbr);
	int32_t v;
	if (!p || !(p = parse_hms(p, &v)))
		return false;
	r->std_off = -v;
	r->present = true;
	if (!*p)
		return true;
	p = parse_abbr(p, r->dst_abbr);
	if (!p)
		return false;
	r->has_dst = true;
	r->dst_off = r->std_off + 3600;
	if (*p && *p != ',') {
		if (!(p = parse_hms(p, &v)))
			return false;
		r->dst_off = -v;
	}
	if (!*p) {
		/* No rule given: the US rule is POSIX's customary default. */
		parse_rule_date("M3.2.0", &r->start);
		parse_rule_date("M11.1.0", &r->end);
		return true;
	}
	if (*p++ != ',' || !(p = parse_rule_date(p, &r->start)))
		return false;
	if (*p++ != ',' || !(p = parse_rule_date(p, &r->end)))
		return false;
	return *p == 0;
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since the epoch of the rule date in year y. */
static int64_t rule_day(const rule_date *rd, int64_t y)
{
	int64_t jan1 = lp_days_from_civil(y, 1, 1);
	if (rd->kind == 'J')
		return jan1 + rd->n - 1 + (is_leap(y) && rd->n >= 60 ? 1 : 0);
	if (rd->kind == 'D')
		return jan1 + rd->n;
	int64_t first = lp_days_from_civil(y, (unsigned)rd->m, 1);
	int wd = (int)(((first + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
	int64_t day = first + (rd->d - wd + 7) % 7 + (int64_t)(rd->w - 1) * 7;
	int64_t next = rd->m == 12 ? lp_days_from_civil(y + 1, 1, 1) : lp_days_from_civil(y, (unsigned)rd->m + 1, 1);
	while (day >= next)
		day -= 7;
	return day;
}

static bool rule_is_dst(const posix_rule *r, int64_t utc)
{
	if (!r->has_dst)
		return false;
	int64_t y;
	unsigned m, d;
	lp_civil_from_days(floor_div(utc + r->std_off, 86400), &y, &m, &d);
	int64_t s = rule_day(&r->start, y) * 86400 + r->start.time - r->std_off;
	int64_t e = rule_day(&r->end, y) * 86400 + r->end.time - r->dst_off;
	if (s < e)
		return utc >= s && utc < e;
	return !(utc >= e && utc < s);
}

/* ---- TZif ---- */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* Parses a TZif image into z; returns false when it is malformed. */
static bool parse_tzif(const unsigned char *b, size_t n, lp_tz *z)
{
	if (n < 44 || memcmp(b, "TZif", 4) != 0)
		return false;
	int version = b[4] ? b[4] - '0' : 1;
	size_t off = 0;
	int tsize = 4;
	for (int pass = 0; pass < 2; pass++) {
		if (off + 44 > n || memcmp(b + off, "TZif", 4) != 0)
			return false;
		const unsigned char *h = b + off + 20;
		size_t isut = be32(h), isstd = be32(h + 4), leap = be32(h + 8);
		size_t timecnt = be32(h + 12), typecnt = be32(h + 16), charcnt = be32(h + 20);
		size_t body = timecnt * (size_t)tsize + timecnt + typecnt * 6 + charcnt +
			      leap * (size_t)(tsize + 4) + isstd + isut;
		if (typecnt == 0 || typecnt > 256 || off + 44 + body > n)
			return false;
		if (pass == 0 && version >= 2) {
			off += 44 + body;
			tsize = 8;
			continue;
		}
		const unsigned char *p = b + off + 44;
		z->ntrans = timecnt;
		z->trans = lp_malloc((timecnt ? timecnt : 1) * sizeof *z->trans);
		z->idx = lp_malloc(timecnt ? timecnt : 1);
		for (size_t i = 0; i < timecnt; i++)
			z->trans[i] = tsize == 8 ? be64(p + i * 8) : (int32_t)be32(p + i * 4);
		p += timecnt * (size_t)tsize;
		for (size_t i = 0; i < timecnt; i++) {
			if (p[i] >= typecnt)
				return false;
			z->idx[i] = p[i];
		}
		p += timecnt;
		const unsigned char *chars = p + typecnt * 6;
		z->ntypes = typecnt;
		z->types = lp_calloc(typecnt, sizeof *z->types);
		for (size_t i = 0; i < typecnt; i++) {
			z->types[i].off = (int32_t)be32(p + i * 6);
			z->types[i].dst = p[i * 6 + 4] != 0;
			size_t ai = p[i * 6 + 5];
			if (ai < charcnt) {
				size_t k = 0;
				while (ai + k < charcnt && chars[ai + k] && k < 15) {
					z->types[i].abbr[k] = (char)chars[ai + k];
					k++;
				}
			}
		}
		off += 44 + body;
		break;
	}
	if (version >= 2 && off < n && b[off] == '\n') {
		const unsigned char *s = b + off + 1;
		const unsigned char *e = memchr(s, '\n', n - off - 1);
		if (e && e > s) {
			char footer[128];
			size_t fl = (size_t)(e - s) < sizeof footer - 1 ? (size_t)(e - s) : sizeof footer - 1;
			memcpy(footer, s, fl);
			footer[fl] = 0;
			if (!parse_posix(footer, &z->rule))
				memset(&z->rule, 0, sizeof z->rule);
		}
	}
	return true;
}

static bool valid_name(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 255 || name[0] == '/' || strstr(name, ".."))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
		      c == '_' || c == '-' || c == '+' || c == '.'))
			return false;
	}
	return true;
}

static lp_tz *load_path(const char *path, const char *name)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	unsigned char *b = lp_malloc(MAX_TZIF_BYTES);
	size_t n = fread(b, 1, MAX_TZIF_BYTES, f);
	fclose(f);
	lp_tz *z = lp_calloc(1, sizeof *z);
	if (!parse_tzif(b, n, z)) {
		lp_free(b);
		lp_free(z->trans);
		lp_free(z->idx);
		lp_free(z->types);
		lp_free(z);
		return NULL;
	}
	lp_free(b);
	z->name = lp_strdup(name);
	return z;
}

static lp_tz *load_file(const char *name)
{
	if (!valid_name(name))
		return NULL;
	const char *dir = getenv("TZDIR");
	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";
	char *path = lp_asprintf("%s/%s", dir, name);
	lp_tz *z = load_path(path, name);
	lp_free(path);
	return z;
}

static lp_tz *make_zone(const char *name)
{
	int32_t off;
	if (strcmp(name, "UTC") == 0 || strcmp(name, "Z") == 0 || strcmp(name, "GMT") == 0 ||
	    strcmp(name, "Etc/UTC") == 0)
		return fixed_zone(0);
	if (parse_fixed(name, &off))
		return fixed_zone(off);
	return load_file(name);
}

const lp_tz *lp_tz_get(const char *name)
{
	if (!name)
		return NULL;
	size_t b = bucket(name);
	pthread_mutex_lock(&cache_lock);
	for (entry *e = cache[b]; e; e = e->next) {
		if (strcmp(e->key, name) == 0) {
			lp_tz *z = e->zone;
			pthread_mutex_unlock(&cache_lock);
			return z;
		}
	}
	lp_tz *z = make_zone(name);
	if (z || negatives < MAX_NEGATIVE) {
		entry *e = lp_malloc(sizeof *e);
		e->key = lp_strdup(name);
		e->zone = z;
		e->next = cache[b];
		cache[b] = e;
		if (!z)
			negatives++;
	}
	pthread_mutex_unlock(&cache_lock);
	return z;
}

/* The local time type in effect at utc; NULL when the footer rule decides. */
static const ttype *type_at(const lp_tz *z, int64_t utc)
{
	if (z->ntrans == 0 || utc < z->trans[0]) {
		if (z->ntrans == 0 && z->rule.present)
			return NULL;
		return &z->types[0];
	}
	if (utc >= z->trans[z->ntrans - 1] && z->rule.present)
		return NULL;
	size_t lo = 0, hi = z->ntrans; /* trans[lo] <= utc < trans[hi] */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->trans[mid] <= utc)
			lo = mid;
		else
			hi = mid;
	}
	return &z->types[z->idx[lo]];
}

int32_t lp_tz_offset_at_utc(const lp_tz *z, int64_t utc_sec)
{
	if (!z || z->fixed)
		return z ? z->fixed_off : 0;
	const ttype *t = type_at(z, utc_sec);
	if (t)
		return t->off;
	return rule_is_dst(&z->rule, utc_sec) ? z->rule.dst_off : z->rule.std_off;
}

const char *lp_tz_abbr_at_utc(const lp_tz *z, int64_t utc_sec)
{
	if (!z || z->fixed)
		return z ? z->name : "UTC";
	const ttype *t = type_at(z, utc_sec);
	if (t)
		return t->abbr;
	return rule_is_dst(&z->rule, utc_sec) ? z->rule.dst_abbr : z->rule.std_abbr;
}

int64_t lp_tz_local_to_utc(const lp_tz *z, int64_t local_sec)
{
	if (!z || z->fixed)
		return local_sec - (z ? z->fixed_off : 0);
	/* Offsets in effect a little before and after: transitions are at
	 * least a day apart in practice, and offsets within +-18h. */
	int32_t before = lp_tz_offset_at_utc(z, local_sec - 86400);
	int32_t after = lp_tz_offset_at_utc(z, local_sec + 86400);
	bool ok_before = lp_tz_offset_at_utc(z, local_sec - before) == before;
	bool ok_after = lp_tz_offset_at_utc(z, local_sec - after) == after;
	if (ok_before && ok_after)
		return local_sec - (before > after ? before : after); /* overlap: earlier instant */
	if (ok_before)
		return local_sec - before;
	if (ok_after)
		return local_sec - after;
	/* Gap: the wall time does not exist; move forward by the gap. */
	return local_sec - before;
}

static pthread_once_t local_once = PTHREAD_ONCE_INIT;
static const lp_tz *local_zone;

/* The zone id in a path like /usr/share/zoneinfo/Europe/Berlin, or NULL. */
static const char *id_from_path(const char *path)
{
	const char *p = strstr(path, "zoneinfo/");
	return p ? p + strlen("zoneinfo/") : NULL;
}

static void find_local(void)
{
	const char *tz = getenv("TZ");
	if (tz && *tz) {
		if (*tz == ':')
			tz++;
		if (*tz == '/') {
			const char *id = id_from_path(tz);
			local_zone = id ? lp_tz_get(id) : NULL;
			if (!local_zone) {
				pthread_mutex_lock(&cache_lock);
				local_zone = load_path(tz, id ? id : "localtime");
				pthread_mutex_unlock(&cache_lock);
			}
		} else {
			local_zone = lp_tz_get(tz);
		}
	} else {
		char link[512];
		ssize_t n = readlink("/etc/localtime", link, sizeof link - 1);
		if (n > 0) {
			link[n] = 0;
			const char *id = id_from_path(link);
			if (id)
				local_zone = lp_tz_get(id);
		}
		if (!local_zone) {
			pthread_mutex_lock(&cache_lock);
			local_zone = load_path("/etc/localtime", "localtime");
			pthread_mutex_unlock(&cache_lock);
		}
	}
	if (!local_zone)
		local_zone = lp_tz_get("UTC");
}

const lp_tz *lp_tz_local(void)
{
	pthread_once(&local_once, find_local);
	return local_zone;
}

const char *lp_tz_name(const lp_tz *z)
{
	return z ? z->name : "UTC";
}
