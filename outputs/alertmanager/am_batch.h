/* am_batch: turns a worker batch of events into Alertmanager alerts (API v2),
 * pure and thread-safe. Every event renders the configured labels and
 * annotations; events whose rendered labels are identical become one alert
 * (the earliest event time is its startsAt, the latest event's annotations
 * win, as Alertmanager itself keeps the newest). The alerts encode as the
 * JSON array `POST /api/v2/alerts` takes. */
#ifndef LP_OUTPUTS_ALERTMANAGER_AM_BATCH_H
#define LP_OUTPUTS_ALERTMANAGER_AM_BATCH_H

#include "pipeline/buf.h"
#include "pipeline/event.h"
#include "pipeline/template.h"
#include "pipeline/timestamp.h"

#include <stddef.h>
#include <stdint.h>

/* What each alert is made of (compiled once, read-only). */
typedef struct lp_am_spec {
	size_t n_labels;
	char **label_names;
	lp_template **label_values;
	size_t n_annotations;
	char **annotation_names;
	lp_template **annotation_values;
	lp_template *generator_url; /* or NULL */
	int64_t ends_in_ms;         /* endsAt = send time + ends_in_ms */
} lp_am_spec;

typedef struct lp_am_alert {
	lp_buf labels;      /* rendered JSON object; the identity of the alert */
	lp_buf annotations; /* rendered JSON object */
	lp_buf generator_url;
	lp_time starts_at;
} lp_am_alert;

typedef struct lp_am_batch {
	lp_am_alert *alerts;
	size_t n, cap;
	size_t *of_event;   /* of_event[i]: the alert event i became */
	size_t n_events, events_cap;
} lp_am_batch;

void lp_am_batch_init(lp_am_batch *b);
void lp_am_batch_fini(lp_am_batch *b);

/* Replaces b's content with the alerts of evs[0..n). scratch is a work
 * buffer. */
void lp_am_batch_build(lp_am_batch *b, const lp_am_spec *spec, lp_event *const *evs, size_t n,
		       lp_buf *scratch);

/* Appends the JSON array of alerts: all of them when which is NULL, else
 * alerts which[0..n_which). endsAt is now + spec->ends_in_ms; startsAt is
 * the alert's time, but never later than now. */
void lp_am_batch_encode(const lp_am_batch *b, const lp_am_spec *spec, const size_t *which,
			size_t n_which, lp_time now, lp_buf *out);

/* Parses a duration: a number of seconds ("300", "1.5") or a number with one
 * unit ("500ms", "30s", "5m", "2h", "1d"). Returns 0 or LP_EINVAL. */
int lp_am_batch_parse_duration(const char *s, int64_t *ms);

/* True when s is a valid Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*). */
bool lp_am_batch_label_name_ok(const char *s);

#endif
