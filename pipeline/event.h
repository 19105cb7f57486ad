/* event: one log event. A thin layer over the JSON values of pipeline/json.h
 * (DESIGN.md §6): data holds the fields (never "@timestamp"), meta holds
 * [@metadata] (never serialised by outputs), ts is the event time. All of an
 * event's values (and the event itself) live in its arena, released at once
 * by lp_event_destroy. Access follows json.h's rule: get returns a borrowed
 * reference, set steals. No lpj_t subtree is shared between two events. An
 * event belongs to one thread at a time. */
#ifndef LP_PIPELINE_EVENT_H
#define LP_PIPELINE_EVENT_H

#include "pipeline/ack.h"
#include "pipeline/buf.h"
#include "pipeline/fieldref.h"
#include "pipeline/timestamp.h"

#include "pipeline/json.h"
#include <stdbool.h>

typedef struct lp_event {
	lpj_t *data;     /* object */
	lpj_t *meta;     /* object or NULL when empty */
	lpj_t *ts_cache; /* string rendering of ts, made on demand */
	lp_arena *arena;  /* where the event's values live */
	lp_time ts;
	lp_ack *ack;      /* may be NULL */
	size_t size;      /* approximate bytes, for queue accounting: a rough
	                   * estimate from the field count; inputs that know
	                   * the source length store it here */
} lp_event;

/* A new event with no fields but "@version": "1", time now. */
lp_event *lp_event_create(void);
/* Ownership: steals obj (an object). When obj lives in an arena that no
 * event has adopted yet, the event adopts that arena (holding its own
 * reference; the creator keeps its reference and must make no more values
 * there); otherwise obj is copied into a new arena. Takes "@timestamp" out of it: a valid
 * ISO8601 string becomes ts; anything else moves to "_@timestamp" and the
 * event is tagged "_timestampparsefailure" (ts = now). Adds "@version": "1"
 * when absent. "@metadata" moves to meta. */
lp_event *lp_event_new(lpj_t *obj);
/* Accepts NULL. Releases the event's ack reference. */
void lp_event_destroy(lp_event *ev);
/* Deep copy; the copy holds its own reference to the same ack group. */
lp_event *lp_event_clone(const lp_event *ev);
/* Makes ev's arena the thread's current one (json.h) and returns the
 * previous one, for lp_event_leave. */
lp_arena *lp_event_enter(lp_event *ev);
void lp_event_leave(lp_arena *prev);
/* Attaches ev to ack group a (retains it); ev must not have one yet. */
void lp_event_set_ack(lp_event *ev, lp_ack *a);

/* Borrowed value at ref, or NULL when missing. For @timestamp returns a string
 * owned by the event, valid until the event's time changes. */
lpj_t *lp_event_get(lp_event *ev, const lp_fieldref *ref);
/* String value at ref, or NULL when missing or not a string. Borrowed. */
const char *lp_event_get_str(lp_event *ev, const lp_fieldref *ref);
/* How far past the end of an array lp_event_set pads with nulls. */
#define LP_EVENT_MAX_PAD 10000

/* Sets ref to val (stolen, also on failure), creating intermediate objects
 * (a null intermediate is replaced by an object, as Logstash does). Below an
 * array a segment is an index: negative counts from the end, an index past
 * the end pads with nulls (at most LP_EVENT_MAX_PAD). Setting [@metadata][x]
 * creates meta. Setting @timestamp takes an ISO8601 string. Returns 0, or
 * LP_EINVAL when a parent exists and is not an object/array, an array index
 * is not an integer or out of those bounds, the path is below [@timestamp],
 * or @timestamp is not a valid time. */
int lp_event_set(lp_event *ev, const lp_fieldref *ref, lpj_t *val);
/* Removes ref; returns true when something was removed. */
bool lp_event_remove(lp_event *ev, const lp_fieldref *ref);

/* Tags ("tags" array of strings). add is a no-op when present; a single
 * string in "tags" becomes an array on add; a hash in "tags" moves to "_tags"
 * and the event gets "_tagsparsefailure" (Logstash's behaviour). untag removes
 * every occurrence. */
void lp_event_tag(lp_event *ev, const char *tag);
bool lp_event_has_tag(const lp_event *ev, const char *tag);
void lp_event_untag(lp_event *ev, const char *tag);

/* Sets the event time and drops the cached rendering. */
void lp_event_set_time(lp_event *ev, lp_time t);

/* Appends the event as compact JSON to out: "@timestamp" first, then the
 * fields in insertion order, then "@metadata" only when with_meta and not
 * empty. No allocation besides the growth of out. */
void lp_event_write_json(lp_event *ev, lp_buf *out, bool with_meta);
/* A new object with the fields plus "@timestamp" (and "@metadata" when
 * with_meta). Ownership: caller owns the result. */
lpj_t *lp_event_to_json(lp_event *ev, bool with_meta);

#endif
