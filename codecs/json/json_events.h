/* json_events: one JSON text to events, shared by the json and json_lines
 * codecs (codecs/json_lines includes this header). Follows Logstash's
 * Event.from_json: an object is one event, an array of objects one event per
 * element, blank text no event; anything else (invalid JSON, a scalar, an
 * array holding a non-object) is one event with the raw text in "message"
 * tagged _jsonparsefailure, and a rate-limited warning. */
#ifndef LP_CODECS_JSON_JSON_EVENTS_H
#define LP_CODECS_JSON_JSON_EVENTS_H

#include "pipeline/fieldref.h"
#include "pipeline/log.h"
#include "pipeline/plugin.h"

#include <stddef.h>

#define LP_JSON_TAG_PARSEFAILURE "_jsonparsefailure"

typedef struct lp_json_events {
	const char *codec;    /* codec name for log messages */
	lp_fieldref *target;  /* owned; NULL: the parsed object is the event */
	lp_ratelimit rl;
} lp_json_events;

/* Appends the events made from s (len bytes) to out. Invalid UTF-8 is
 * replaced with U+FFFD (in the parsed values and in the text of a failure
 * event); only text that does not parse is checked for it, as text that
 * parses is valid UTF-8. Thread-safe on a shared je. */
void lp_json_events_decode(lp_json_events *je, const char *s, size_t len, lp_event_vec *out);

/* The `target` option of both codecs (compiled into je->target). */
#define LP_JSON_EVENTS_TARGET_OPTION                                                      \
	{ "target", LP_OPT_FIELDREF, NULL, 0, NULL, 0, 0,                                 \
	  "Decode: put the parsed object under this field instead of the event's root." }

#endif
