/* joda: Joda-Time style date patterns (the dialect Logstash uses for the date
 * filter and for %{+pattern} in sprintf). A pattern is compiled once at config
 * load; formatting and parsing are then thread-safe on the compiled value.
 *
 * Supported letters: G, C, y Y x u (year), M (M, MM, MMM, MMMM), d, D, H, k,
 * h, K, m, s, S (fraction), a (AM/PM), E (EEE, EEEE), e, w, Z (Z: +0000,
 * ZZ: +00:00, ZZZ: zone id), z (abbreviation; parses Joda's default names UTC,
 * GMT, EST/EDT, CST/CDT, MST/MDT, PST/PDT), quoted literals ('T', '' for a
 * quote) and any other non-letter as a literal; another letter is an error.
 * Parsing follows Joda: numeric fields take as many digits as present
 * (bounded; a year or yy followed by another number takes a fixed width),
 * yy pivots to [now-80, now+19], names match as written, in lower or in upper
 * case, literals ignore case, fraction digits beyond milliseconds are
 * truncated, and a day name is read but not checked against the date. */
#ifndef LP_PIPELINE_JODA_H
#define LP_PIPELINE_JODA_H

#include "pipeline/buf.h"
#include "pipeline/timestamp.h"
#include "pipeline/tz.h"

typedef struct lp_joda lp_joda;

/* Compiles pattern. On error returns NULL and, when err is non-NULL, stores a
 * static message and *err_col the 0-based offset of the offending character. */
lp_joda *lp_joda_compile(const char *pattern, const char **err, size_t *err_col);
/* As lp_joda_compile, with month/day names in locale (IETF "de-DE" or POSIX
 * "de_DE"; NULL or "" means English). Supported languages: en, de, fr, es;
 * another locale is an error. */
lp_joda *lp_joda_compile_locale(const char *pattern, const char *locale, const char **err, size_t *err_col);
/* True when locale (as for lp_joda_compile_locale) names a supported language. */
bool lp_joda_locale_supported(const char *locale);
void lp_joda_destroy(lp_joda *j);

/* Appends t rendered in zone (NULL means UTC) to out. */
void lp_joda_format(const lp_joda *j, lp_time t, const lp_tz *zone, lp_buf *out);

/* Parses s (whole string must match) as a local time in zone (NULL: UTC) unless
 * the text carries its own offset/zone. Fields missing from the pattern default
 * as Joda does (year: the current year, as Logstash does for patterns without
 * a year; month/day: 1; time: 0). Returns 0 or LP_EPARSE. The result keeps
 * millisecond precision (digits = 3). */
int lp_joda_parse(const lp_joda *j, const char *s, size_t len, const lp_tz *zone, lp_time *out);

#endif
