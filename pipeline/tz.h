/* tz: time zones from the system tz database (TZif files under
 * /usr/share/zoneinfo, or $TZDIR), loaded once and cached; lookups are
 * thread-safe and never touch the process's TZ. Fixed offsets ("+09:00",
 * "-0500", "UTC", "Z") are zones too. */
#ifndef LP_PIPELINE_TZ_H
#define LP_PIPELINE_TZ_H

#include <stdint.h>

typedef struct lp_tz lp_tz;

/* Returns the zone named name (IANA id like "Asia/Seoul", or a fixed offset),
 * or NULL when unknown. The returned zone is owned by the cache and lives until
 * process exit; callers never free it. Thread-safe. */
const lp_tz *lp_tz_get(const char *name);

/* The system's default zone, as the JVM picks it for Logstash: $TZ (an IANA
 * id, a fixed offset or a TZif path; a POSIX rule string is not a zone and
 * gives UTC), else the zone /etc/localtime links to (or that file itself),
 * else UTC. Resolved once; never NULL. Thread-safe. */
const lp_tz *lp_tz_local(void);

/* UTC offset in seconds at the UTC instant utc_sec. */
int32_t lp_tz_offset_at_utc(const lp_tz *z, int64_t utc_sec);

/* Converts a local wall-clock time (seconds as if it were UTC) to a UTC
 * instant. For a time in a DST gap it moves forward by the gap (Joda); for an
 * ambiguous time it takes the earlier offset. */
int64_t lp_tz_local_to_utc(const lp_tz *z, int64_t local_sec);

/* The zone's abbreviation at the UTC instant utc_sec ("CET", "KST"); fixed
 * offsets return their name. Borrowed from the zone. */
const char *lp_tz_abbr_at_utc(const lp_tz *z, int64_t utc_sec);

/* The zone's canonical name ("Asia/Seoul", "+09:00", "UTC"). */
const char *lp_tz_name(const lp_tz *z);

#endif
