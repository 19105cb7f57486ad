/* date_parse: the date filter's fixed formats, as pure functions: ISO8601
 * (the shapes Logstash's "ISO8601" accepts), UNIX and UNIX_MS (from text or
 * JSON numbers) and TAI64N. Results keep millisecond precision (digits = 3),
 * as Logstash's date filter does. Thread-safe. Private to filters/date. */
#ifndef LP_FILTERS_DATE_DATE_PARSE_H
#define LP_FILTERS_DATE_DATE_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "pipeline/timestamp.h"
#include "pipeline/tz.h"

/* ISO8601 as Joda's ISODateTimeFormat.dateTimeParser() reads it (calendar,
 * ordinal or week date; optional 'T' time with hour, minute, second and a
 * '.'/',' fraction of the last unit; an offset only after a 'T'), then the
 * fallbacks "yyyy-MM-dd HH:mm:ss.SSS" with '.' or ',' and an optional offset.
 * A value without an offset is local time in zone (NULL: UTC). Returns 0 or
 * LP_EPARSE. */
int lp_date_parse_iso8601(const char *s, size_t len, const lp_tz *zone, lp_time *out);

/* UNIX seconds from text: digits with an optional sign, optionally a '.' and
 * at least one digit (only the first three count). Values above 2^31-1
 * seconds are refused, as Logstash does. Returns 0 or LP_EPARSE. */
int lp_date_parse_unix_str(const char *s, size_t len, lp_time *out);
int lp_date_parse_unix_int(int64_t sec, lp_time *out);
/* A fractional number of seconds; milliseconds truncated as Logstash does. */
int lp_date_parse_unix_real(double sec, lp_time *out);

/* UNIX milliseconds from text (an integer with an optional sign), an integer,
 * or a real (truncated). Returns 0 or LP_EPARSE. */
int lp_date_parse_unix_ms_str(const char *s, size_t len, lp_time *out);
int lp_date_parse_unix_ms_int(int64_t ms, lp_time *out);
int lp_date_parse_unix_ms_real(double ms, lp_time *out);

/* TAI64N: an optional '@', 16 hex digits of TAI64 seconds and 8 of
 * nanoseconds (further text is ignored, as Logstash does); TAI is taken as
 * UTC + 10 s. Returns 0 or LP_EPARSE. */
int lp_date_parse_tai64n(const char *s, size_t len, lp_time *out);

#endif
