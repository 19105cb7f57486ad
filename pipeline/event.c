#include "pipeline/event.h"

#include "pipeline/error.h"
#include "pipeline/jsonw.h"
#include "pipeline/mem.h"

#include <string.h>

/* A rough per-event byte estimate for events whose source size is unknown;
 * inputs that know the line length overwrite ev->size. */
#define BASE_SIZE 64
#define PER_FIELD_SIZE 48

/* A new event with its own fresh arena, entered: the caller leaves. */
/* The event record lives in its arena too. */
static lp_event *event_in(lp_arena *a)
{
	lp_event *ev = lp_arena_alloc(a, sizeof(*ev));
	memset(ev, 0, sizeof(*ev));
	ev->arena = a;
	return ev;
}

static lp_event *alloc_event(lp_arena **prev)
{
	lp_arena *a = lp_arena_create();
	lp_arena_adopt(a);
	lp_event *ev = event_in(a);
	*prev = lpj_arena_enter(a);
	return ev;
}

lp_arena *lp_event_enter(lp_event *ev)
{
	return lpj_arena_enter(ev->arena);
}

void lp_event_leave(lp_arena *prev)
{
	lpj_arena_leave(prev);
}

/* v itself when it lives in ev's arena, else a copy made there (v released). */
static lpj_t *own(lp_event *ev, lpj_t *v)
{
	if (!v || lpj_arena_of(v) == ev->arena)
		return v;
	lp_arena *prev = lpj_arena_enter(ev->arena);
	lpj_t *c = lpj_deep_copy(v);
	lpj_arena_leave(prev);
	lpj_decref(v);
	return c;
}

lp_event *lp_event_create(void)
{
	lp_arena *prev;
	lp_event *ev = alloc_event(&prev);
	ev->data = lpj_object();
	lpj_object_set_new(ev->data, "@version", lpj_string("1"));
	lpj_arena_leave(prev);
	ev->ts = lp_time_now();
	ev->size = BASE_SIZE;
	return ev;
}

lp_event *lp_event_new(lpj_t *obj)
{
	if (!lpj_is_object(obj)) {
		lpj_decref(obj);
		obj = NULL;
	}
	lp_arena *a = lpj_arena_of(obj);
	if (a && lp_arena_adopt(a)) {
		lp_arena_ref(a);
	} else {
		a = lp_arena_create();
		lp_arena_adopt(a);
	}
	lp_event *ev = event_in(a);
	lp_arena *prev = lpj_arena_enter(ev->arena);
	obj = obj ? own(ev, obj) : lpj_object();
	ev->data = obj;
	lpj_t *v = lpj_object_get(obj, "@timestamp");
	bool have_ts = false;
	if (v) {
		if (lpj_is_string(v) &&
		    lp_time_parse_iso8601(lpj_string_value(v), lpj_string_length(v), &ev->ts) == 0) {
			have_ts = true;
		} else {
			lpj_object_set(obj, "_@timestamp", v);
			lp_event_tag(ev, "_timestampparsefailure");
		}
		lpj_object_del(obj, "@timestamp");
	}
	if (!have_ts)
		ev->ts = lp_time_now();
	if (!lpj_object_get(obj, "@version"))
		lpj_object_set_new(obj, "@version", lpj_string("1"));
	v = lpj_object_get(obj, "@metadata");
	if (v) {
		if (lpj_is_object(v) && lpj_object_size(v) > 0)
			ev->meta = lpj_incref(v);
		lpj_object_del(obj, "@metadata");
	}
	lpj_arena_leave(prev);
	ev->size = BASE_SIZE + PER_FIELD_SIZE * lpj_object_size(obj);
	return ev;
}

void lp_event_destroy(lp_event *ev)
{
	if (!ev)
		return;
	/* Arena values ignore these; the roots may be heap values set whole. */
	lpj_decref(ev->data);
	lpj_decref(ev->meta);
	lpj_decref(ev->ts_cache);
	lp_ack_release(ev->ack);
	lp_arena_unref(ev->arena); /* the record goes with it */
}

lp_event *lp_event_clone(const lp_event *ev)
{
	lp_arena *prev;
	lp_event *c = alloc_event(&prev);
	c->data = lpj_deep_copy(ev->data);
	c->meta = ev->meta ? lpj_deep_copy(ev->meta) : NULL;
	lpj_arena_leave(prev);
	c->ts = ev->ts;
	c->size = ev->size;
	if (ev->ack) {
		lp_ack_retain(ev->ack);
		c->ack = ev->ack;
	}
	return c;
}

void lp_event_set_ack(lp_event *ev, lp_ack *a)
{
	if (a)
		lp_ack_retain(a);
	lp_ack_release(ev->ack);
	ev->ack = a;
}

/* Parses seg as an array index for an array of size n (negative counts from
 * the end). Returns false when seg is not an integer; *idx may then be out of
 * range in either direction (the caller checks). */
static bool parse_index(const char *seg, size_t n, long long *idx)
{
	const char *p = seg;
	bool neg = false;
	if (*p == '-') {
		neg = true;
		p++;
	}
	if (*p < '0' || *p > '9')
		return false;
	long long v = 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		if (v > (1LL << 40))
			return false;
		v = v * 10 + (*p - '0');
	}
	*idx = neg && v > 0 ? (long long)n - v : v;
	return true;
}

/* Borrowed child of parent at seg, or NULL. */
static lpj_t *child(lpj_t *parent, const char *seg, size_t len)
{
	if (lpj_is_object(parent))
		return lpj_object_getn(parent, seg, len);
	if (lpj_is_array(parent)) {
		size_t n = lpj_array_size(parent);
		long long i;
		if (parse_index(seg, n, &i) && i >= 0 && (size_t)i < n)
			return lpj_array_get(parent, (size_t)i);
	}
	return NULL;
}

/* Stores val (stolen) at seg of parent (an object or array). */
static int put(lpj_t *parent, const char *seg, lpj_t *val)
{
	if (lpj_is_object(parent))
		return lpj_object_set_new(parent, seg, val) == 0 ? 0 : LP_EINVAL;
	if (lpj_is_array(parent)) {
		size_t n = lpj_array_size(parent);
		long long i;
		if (!parse_index(seg, n, &i) || i < 0 || (size_t)i > n + LP_EVENT_MAX_PAD) {
			lpj_decref(val);
			return LP_EINVAL;
		}
		if ((size_t)i < n)
			return lpj_array_set_new(parent, (size_t)i, val) == 0 ? 0 : LP_EINVAL;
		while (lpj_array_size(parent) < (size_t)i)
			lpj_array_append_new(parent, lpj_null());
		return lpj_array_append_new(parent, val) == 0 ? 0 : LP_EINVAL;
	}
	lpj_decref(val);
	return LP_EINVAL;
}

/* Renders t like lp_time_format into out (48 bytes), reusing the rendering
 * of the last whole second seen by this thread: only the fraction changes
 * between events of the same second. Returns the length. */
static size_t format_time(lp_time t, char *out)
{
	static _Thread_local struct {
		bool valid;
		int64_t sec;
		int8_t digits;
		size_t len, dot; /* dot: index of '.', or 0 when there is none */
		char s[48];
	} c;
	if (!c.valid || c.sec != t.sec || c.digits != t.digits) {
		lp_time whole = t;
		whole.nsec = 0;
		c.len = lp_time_format(whole, c.s, sizeof(c.s));
		c.sec = t.sec;
		c.digits = t.digits;
		c.dot = 0;
		for (size_t i = c.len; i-- > 0;) {
			if (c.s[i] == '.') {
				c.dot = i;
				break;
			}
		}
		c.valid = true;
	}
	memcpy(out, c.s, c.len + 1);
	if (c.dot && c.len >= c.dot + 2 && t.nsec > 0) {
		/* The fraction digits sit between '.' and the final 'Z'. */
		size_t width = c.len - 1 - (c.dot + 1);
		long frac = t.nsec < 1000000000 ? t.nsec : 999999999;
		for (size_t k = width; k < 9; k++)
			frac /= 10;
		for (size_t k = 0; k < width; k++) {
			out[c.dot + width - k] = (char)('0' + frac % 10);
			frac /= 10;
		}
	}
	return c.len;
}

static const char *ts_string(lp_event *ev)
{
	if (!ev->ts_cache) {
		char tmp[48];
		size_t n = format_time(ev->ts, tmp);
		lp_arena *prev = lpj_arena_enter(ev->arena);
		ev->ts_cache = lpj_stringn_nocheck(tmp, n);
		lpj_arena_leave(prev);
	}
	return lpj_string_value(ev->ts_cache);
}

lpj_t *lp_event_get(lp_event *ev, const lp_fieldref *ref)
{
	lpj_t *cur;
	switch (ref->root) {
	case LP_FIELD_TIMESTAMP:
		ts_string(ev);
		return ev->ts_cache;
	case LP_FIELD_META:
		cur = ev->meta;
		break;
	case LP_FIELD_DATA:
	default:
		cur = ev->data;
		break;
	}
	for (size_t i = 0; cur && i < ref->n; i++)
		cur = child(cur, ref->seg[i], ref->seglen[i]);
	return cur;
}

const char *lp_event_get_str(lp_event *ev, const lp_fieldref *ref)
{
	lpj_t *v = lp_event_get(ev, ref);
	return lpj_is_string(v) ? lpj_string_value(v) : NULL;
}

static int set_entered(lp_event *ev, const lp_fieldref *ref, lpj_t *val)
{
	lpj_t *cur;
	int rc = LP_EINVAL;
	if (!val)
		return LP_EINVAL;
	switch (ref->root) {
	case LP_FIELD_TIMESTAMP: {
		lp_time t;
		if (lpj_is_string(val) &&
		    lp_time_parse_iso8601(lpj_string_value(val), lpj_string_length(val), &t) == 0) {
			lp_event_set_time(ev, t);
			rc = 0;
		}
		lpj_decref(val);
		return rc;
	}
	case LP_FIELD_META:
		if (ref->n == 0) {
			if (!lpj_is_object(val))
				goto fail;
			lpj_decref(ev->meta);
			ev->meta = own(ev, val);
			return 0;
		}
		if (!ev->meta) {
			lp_arena *prev = lpj_arena_enter(ev->arena);
			ev->meta = lpj_object();
			lpj_arena_leave(prev);
		}
		cur = ev->meta;
		break;
	case LP_FIELD_DATA:
	default:
		if (ref->n == 0) {
			if (!lpj_is_object(val))
				goto fail;
			lpj_object_del(val, "@timestamp");
			lpj_object_del(val, "@metadata");
			lpj_decref(ev->data);
			ev->data = own(ev, val);
			return 0;
		}
		/* The time is not a container, and data never holds it. */
		if (strcmp(ref->seg[0], "@timestamp") == 0)
			goto fail;
		cur = ev->data;
		break;
	}
	for (size_t i = 0; i + 1 < ref->n; i++) {
		lpj_t *next = child(cur, ref->seg[i], ref->seglen[i]);
		if (!next || lpj_is_null(next)) {
			next = lpj_object();
			if (put(cur, ref->seg[i], lpj_incref(next)) != 0) {
				lpj_decref(next);
				goto fail;
			}
			lpj_decref(next);
		} else if (!lpj_is_object(next) && !lpj_is_array(next)) {
			goto fail;
		}
		cur = next;
	}
	return put(cur, ref->seg[ref->n - 1], val);
fail:
	lpj_decref(val);
	return LP_EINVAL;
}

int lp_event_set(lp_event *ev, const lp_fieldref *ref, lpj_t *val)
{
	lp_arena *prev = lpj_arena_enter(ev->arena);
	int rc = set_entered(ev, ref, val);
	lpj_arena_leave(prev);
	return rc;
}

bool lp_event_remove(lp_event *ev, const lp_fieldref *ref)
{
	lpj_t *cur;
	switch (ref->root) {
	case LP_FIELD_TIMESTAMP:
		return false;
	case LP_FIELD_META:
		if (ref->n == 0) {
			bool had = ev->meta != NULL;
			lpj_decref(ev->meta);
			ev->meta = NULL;
			return had;
		}
		cur = ev->meta;
		break;
	case LP_FIELD_DATA:
	default:
		if (ref->n == 0)
			return false;
		cur = ev->data;
		break;
	}
	for (size_t i = 0; cur && i + 1 < ref->n; i++)
		cur = child(cur, ref->seg[i], ref->seglen[i]);
	if (!cur)
		return false;
	const char *last = ref->seg[ref->n - 1];
	if (lpj_is_object(cur))
		return lpj_object_del(cur, last) == 0;
	if (lpj_is_array(cur)) {
		size_t n = lpj_array_size(cur);
		long long i;
		if (parse_index(last, n, &i) && i >= 0 && (size_t)i < n)
			return lpj_array_remove(cur, (size_t)i) == 0;
	}
	return false;
}

static bool tag_equals(const lpj_t *v, const char *tag)
{
	return lpj_is_string(v) && strcmp(lpj_string_value(v), tag) == 0;
}

static void tag_entered(lp_event *ev, const char *tag)
{
	lpj_t *tags = lpj_object_get(ev->data, "tags");
	if (lpj_is_array(tags)) {
		size_t n = lpj_array_size(tags);
		for (size_t i = 0; i < n; i++)
			if (tag_equals(lpj_array_get(tags, i), tag))
				return;
		lpj_array_append_new(tags, lpj_string(tag));
		return;
	}
	lpj_t *arr = lpj_array();
	if (lpj_is_object(tags)) {
		/* A hash cannot hold tags: keep it aside, as Logstash does. */
		lpj_object_set(ev->data, "_tags", tags);
		lpj_array_append_new(arr, lpj_string("_tagsparsefailure"));
	} else if (tags && !lpj_is_null(tags)) {
		lpj_array_append(arr, tags);
	}
	if (!(lpj_array_size(arr) == 1 && tag_equals(lpj_array_get(arr, 0), tag)))
		lpj_array_append_new(arr, lpj_string(tag));
	lpj_object_set_new(ev->data, "tags", arr);
}

void lp_event_tag(lp_event *ev, const char *tag)
{
	lp_arena *prev = lpj_arena_enter(ev->arena);
	tag_entered(ev, tag);
	lpj_arena_leave(prev);
}

bool lp_event_has_tag(const lp_event *ev, const char *tag)
{
	lpj_t *tags = lpj_object_get(ev->data, "tags");
	if (lpj_is_array(tags)) {
		size_t n = lpj_array_size(tags);
		for (size_t i = 0; i < n; i++)
			if (tag_equals(lpj_array_get(tags, i), tag))
				return true;
		return false;
	}
	return tag_equals(tags, tag);
}

void lp_event_untag(lp_event *ev, const char *tag)
{
	lpj_t *tags = lpj_object_get(ev->data, "tags");
	if (lpj_is_array(tags)) {
		for (size_t i = lpj_array_size(tags); i-- > 0;)
			if (tag_equals(lpj_array_get(tags, i), tag))
				lpj_array_remove(tags, i);
	} else if (tag_equals(tags, tag)) {
		lpj_object_set_new(ev->data, "tags", lpj_array());
	}
}

void lp_event_set_time(lp_event *ev, lp_time t)
{
	ev->ts = t;
	lpj_decref(ev->ts_cache);
	ev->ts_cache = NULL;
}

void lp_event_write_json(lp_event *ev, lp_buf *out, bool with_meta)
{
	char tmp[48];
	size_t n = format_time(ev->ts, tmp);
	lp_buf_reserve(out, n + 20);
	lp_buf_add(out, "{\"@timestamp\":\"", 15);
	lp_buf_add(out, tmp, n);
	lp_buf_addc(out, '"');
	lp_jsonw_members(out, ev->data, true);
	if (with_meta && ev->meta && lpj_object_size(ev->meta) > 0) {
		lp_buf_add(out, ",\"@metadata\":", 13);
		lp_jsonw_value(out, ev->meta);
	}
	lp_buf_addc(out, '}');
}

lpj_t *lp_event_to_json(lp_event *ev, bool with_meta)
{
	lpj_t *o = lpj_object();
	lpj_object_set_new(o, "@timestamp", lpj_string(ts_string(ev)));
	lpj_t *copy = lpj_deep_copy(ev->data);
	lpj_object_update(o, copy);
	lpj_decref(copy);
	if (with_meta && ev->meta && lpj_object_size(ev->meta) > 0)
		lpj_object_set_new(o, "@metadata", lpj_deep_copy(ev->meta));
	return o;
}
