/* timestamp: the event time value. Seconds and nanoseconds since the Unix epoch
 * in UTC, plus how many fractional digits the source carried, so that the
 * rendering keeps milliseconds by default and more digits when the source had
 * them (Logstash 8 behaviour). Pure functions; thread-safe. */
#ifndef LP_PIPELINE_TIMESTAMP_H
#define LP_PIPELINE_TIMESTAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct lp_time {
	int64_t sec;   /* seconds since 1970-01-01T00:00:00Z */
	int32_t nsec;  /* 0..999999999 */
	int8_t digits; /* fractional digits to render: 3 (default), 6 or 9 */
} lp_time;

/* The current wall-clock time, or the pinned clock when LOGPIPE_FAKE_NOW
 * (an ISO8601 instant) is set in the environment (used by tests). */
lp_time lp_time_now(void);

/* Renders ISO8601 UTC: 2024-03-01T12:00:00.000Z (digits as t.digits, min 3).
 * Writes at most cap bytes including the NUL; returns the length. cap >= 40 is
 * always enough. */
size_t lp_time_format(lp_time t, char *out, size_t cap);

/* Parses an ISO8601 instant: date, 'T' or ' ', time with optional fraction
 * (any number of digits; nanoseconds kept) and a zone (Z, +hh:mm, +hhmm, +hh).
 * A value without a zone is UTC. Returns 0 or LP_EPARSE. */
int lp_time_parse_iso8601(const char *s, size_t len, lp_time *out);

/* Days from civil date (proleptic Gregorian), and back. */
int64_t lp_days_from_civil(int64_t y, unsigned m, unsigned d);
void lp_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

#endif
