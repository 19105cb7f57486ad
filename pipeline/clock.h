/* clock: deadlines for timed waits (pthread_cond_timedwait and friends).
 * Pure; thread-safe. */
#ifndef LP_PIPELINE_CLOCK_H
#define LP_PIPELINE_CLOCK_H

#include <time.h>

/* Sets *ts to ms milliseconds from now on the given clock (CLOCK_MONOTONIC
 * for condition variables created with that clock, CLOCK_REALTIME for the
 * default ones). */
void lp_deadline_in(struct timespec *ts, clockid_t clock, long ms);

#endif
