#include "codecs/json/json_events.h"

#include "codecs/plain/plain.h"
#include "pipeline/jsonload.h"
#include "pipeline/jsonw.h"
#include "pipeline/event.h"

#include <stdbool.h>

static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

static void fail(lp_json_events *je, const char *s, size_t len, const char *why, lp_event_vec *out)
{
	lp_event *ev = lp_plain_message_event(s, len);
	lp_event_tag(ev, LP_JSON_TAG_PARSEFAILURE);
	lp_event_vec_push(out, ev);
	long long suppressed = 0;
	if (!lp_ratelimit_ok(&je->rl, 10000, &suppressed))
		return;
	if (suppressed)
		lp_warn("codec", "Codec '%s' could not parse JSON (%s); the original text is in "
			"'message', tagged '%s' (%lld more such failures since the last warning).",
			je->codec, why, LP_JSON_TAG_PARSEFAILURE, suppressed);
	else
		lp_warn("codec", "Codec '%s' could not parse JSON (%s); the original text is in "
			"'message', tagged '%s'.", je->codec, why, LP_JSON_TAG_PARSEFAILURE);
}

/* obj is stolen. */
static lp_event *make_event(lp_json_events *je, lpj_t *obj, size_t size)
{
	lp_event *ev;
	if (je->target) {
		ev = lp_event_create();
		lp_event_set(ev, je->target, obj);
	} else {
		ev = lp_event_new(obj);
	}
	ev->size += size;
	return ev;
}

static void decode_value(lp_json_events *je, const char *s, size_t len, lpj_t *v, const char *err,
			 lp_event_vec *out);

void lp_json_events_decode(lp_json_events *je, const char *s, size_t len, lp_event_vec *out)
{
	if (blank(s, len))
		return;
	char err[160];
	/* Parsed straight into an arena that the (first) event adopts. */
	lp_arena *a = lp_arena_create();
	lp_arena *prev = lpj_arena_enter(a);
	/* events have a steady shape: learn which objects are looked into */
	lp_json_load_at at;
	lpj_t *v = lp_json_load_ex(s, len, LP_JSON_LOAD_LEARN, err, sizeof(err), &at);
	lp_buf fixed = LP_BUF_INIT;
	if (!v && !lp_utf8_valid(s, len)) {
		lp_utf8_sanitize(&fixed, s, len);
		s = fixed.data;
		len = fixed.len;
		v = lp_json_load_ex(s, len, LP_JSON_LOAD_LEARN, err, sizeof(err), &at);
	}
	lpj_arena_leave(prev);
	decode_value(je, s, len, v, err, out);
	lp_arena_unref(a);
	lp_buf_fini(&fixed);
}

static void decode_value(lp_json_events *je, const char *s, size_t len, lpj_t *v, const char *err,
			 lp_event_vec *out)
{
	if (!v) {
		fail(je, s, len, err, out);
		return;
	}
	if (lpj_is_object(v)) {
		lp_event_vec_push(out, make_event(je, v, len));
		return;
	}
	if (!lpj_is_array(v)) {
		lpj_decref(v);
		fail(je, s, len, "the document is neither an object nor an array", out);
		return;
	}
	size_t n = lpj_array_size(v);
	for (size_t i = 0; i < n; i++) {
		if (!lpj_is_object(lpj_array_get(v, i))) {
			lpj_decref(v);
			fail(je, s, len, "an array element is not an object", out);
			return;
		}
	}
	for (size_t i = 0; i < n; i++)
		lp_event_vec_push(out, make_event(je, lpj_incref(lpj_array_get(v, i)), len / n));
	lpj_decref(v);
}
