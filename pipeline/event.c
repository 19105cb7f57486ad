#include "pipeline/event.h"

#include "pipeline/error.h"
#include "pipeline/jsonw.h"
#include "pipeline/mem.h"

#include <string.h>

/* A rough per-event byte estimate for events whose source size is unknown;
 * inputs that know the line length overwrite ev->size. */
#define BASE_SIZE 64
#define PER_FIELD_SIZE 48

static lp_event *alloc_event(json_t *data)
{
	lp_event *ev = lp_calloc(1, sizeof(*ev));
	ev->data = data;
	return ev;
}

lp_event *lp_event_create(void)
{
	lp_event *ev = alloc_event(json_object());
	json_object_set_new(ev->data, "@version", json_string("1"));
	ev->ts = lp_time_now();
	ev->size = BASE_SIZE;
	return ev;
}

lp_event *lp_event_new(json_t *obj)
{
	if (!json_is_object(obj)) {
		json_decref(obj);
		obj = json_object();
	}
	lp_event *ev = alloc_event(obj);
	json_t *v = json_object_get(obj, "@timestamp");
	bool have_ts = false;
	if (v) {
		if (json_is_string(v) &&
		    lp_time_parse_iso8601(json_string_value(v), json_string_length(v), &ev->ts) == 0) {
			have_ts = true;
		} else {
			json_object_set(obj, "_@timestamp", v);
			lp_event_tag(ev, "_timestampparsefailure");
		}
		json_object_del(obj, "@timestamp");
	}
	if (!have_ts)
		ev->ts = lp_time_now();
	if (!json_object_get(obj, "@version"))
		json_object_set_new(obj, "@version", json_string("1"));
	v = json_object_get(obj, "@metadata");
	if (v) {
		if (json_is_object(v) && json_object_size(v) > 0)
			ev->meta = json_incref(v);
		json_object_del(obj, "@metadata");
	}
	ev->size = BASE_SIZE + PER_FIELD_SIZE * json_object_size(obj);
	return ev;
}

void lp_event_destroy(lp_event *ev)
{
	if (!ev)
		return;
	json_decref(ev->data);
	json_decref(ev->meta);
	json_decref(ev->ts_cache);
	lp_ack_release(ev->ack);
	lp_free(ev);
}

lp_event *lp_event_clone(const lp_event *ev)
{
	lp_event *c = alloc_event(json_deep_copy(ev->data));
	c->meta = ev->meta ? json_deep_copy(ev->meta) : NULL;
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
static json_t *child(json_t *parent, const char *seg)
{
	if (json_is_object(parent))
		return json_object_get(parent, seg);
	if (json_is_array(parent)) {
		size_t n = json_array_size(parent);
		long long i;
		if (parse_index(seg, n, &i) && i >= 0 && (size_t)i < n)
			return json_array_get(parent, (size_t)i);
	}
	return NULL;
}

/* Stores val (stolen) at seg of parent (an object or array). */
static int put(json_t *parent, const char *seg, json_t *val)
{
	if (json_is_object(parent))
		return json_object_set_new(parent, seg, val) == 0 ? 0 : LP_EINVAL;
	if (json_is_array(parent)) {
		size_t n = json_array_size(parent);
		long long i;
		if (!parse_index(seg, n, &i) || i < 0 || (size_t)i > n + LP_EVENT_MAX_PAD) {
			json_decref(val);
			return LP_EINVAL;
		}
		if ((size_t)i < n)
			return json_array_set_new(parent, (size_t)i, val) == 0 ? 0 : LP_EINVAL;
		while (json_array_size(parent) < (size_t)i)
			json_array_append_new(parent, json_null());
		return json_array_append_new(parent, val) == 0 ? 0 : LP_EINVAL;
	}
	json_decref(val);
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
		ev->ts_cache = json_stringn_nocheck(tmp, n);
	}
	return json_string_value(ev->ts_cache);
}

json_t *lp_event_get(lp_event *ev, const lp_fieldref *ref)
{
	json_t *cur;
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
		cur = child(cur, ref->seg[i]);
	return cur;
}

const char *lp_event_get_str(lp_event *ev, const lp_fieldref *ref)
{
	json_t *v = lp_event_get(ev, ref);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int lp_event_set(lp_event *ev, const lp_fieldref *ref, json_t *val)
{
	json_t *cur;
	int rc = LP_EINVAL;
	if (!val)
		return LP_EINVAL;
	switch (ref->root) {
	case LP_FIELD_TIMESTAMP: {
		lp_time t;
		if (json_is_string(val) &&
		    lp_time_parse_iso8601(json_string_value(val), json_string_length(val), &t) == 0) {
			lp_event_set_time(ev, t);
			rc = 0;
		}
		json_decref(val);
		return rc;
	}
	case LP_FIELD_META:
		if (ref->n == 0) {
			if (!json_is_object(val))
				goto fail;
			json_decref(ev->meta);
			ev->meta = val;
			return 0;
		}
		if (!ev->meta)
			ev->meta = json_object();
		cur = ev->meta;
		break;
	case LP_FIELD_DATA:
	default:
		if (ref->n == 0) {
			if (!json_is_object(val))
				goto fail;
			json_object_del(val, "@timestamp");
			json_object_del(val, "@metadata");
			json_decref(ev->data);
			ev->data = val;
			return 0;
		}
		/* The time is not a container, and data never holds it. */
		if (strcmp(ref->seg[0], "@timestamp") == 0)
			goto fail;
		cur = ev->data;
		break;
	}
	for (size_t i = 0; i + 1 < ref->n; i++) {
		json_t *next = child(cur, ref->seg[i]);
		if (!next || json_is_null(next)) {
			next = json_object();
			if (put(cur, ref->seg[i], json_incref(next)) != 0) {
				json_decref(next);
				goto fail;
			}
			json_decref(next);
		} else if (!json_is_object(next) && !json_is_array(next)) {
			goto fail;
		}
		cur = next;
	}
	return put(cur, ref->seg[ref->n - 1], val);
fail:
	json_decref(val);
	return LP_EINVAL;
}

bool lp_event_remove(lp_event *ev, const lp_fieldref *ref)
{
	json_t *cur;
	switch (ref->root) {
	case LP_FIELD_TIMESTAMP:
		return false;
	case LP_FIELD_META:
		if (ref->n == 0) {
			bool had = ev->meta != NULL;
			json_decref(ev->meta);
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
		cur = child(cur, ref->seg[i]);
	if (!cur)
		return false;
	const char *last = ref->seg[ref->n - 1];
	if (json_is_object(cur))
		return json_object_del(cur, last) == 0;
	if (json_is_array(cur)) {
		size_t n = json_array_size(cur);
		long long i;
		if (parse_index(last, n, &i) && i >= 0 && (size_t)i < n)
			return json_array_remove(cur, (size_t)i) == 0;
	}
	return false;
}

static bool tag_equals(const json_t *v, const char *tag)
{
	return json_is_string(v) && strcmp(json_string_value(v), tag) == 0;
}

void lp_event_tag(lp_event *ev, const char *tag)
{
	json_t *tags = json_object_get(ev->data, "tags");
	if (json_is_array(tags)) {
		size_t n = json_array_size(tags);
		for (size_t i = 0; i < n; i++)
			if (tag_equals(json_array_get(tags, i), tag))
				return;
		json_array_append_new(tags, json_string(tag));
		return;
	}
	json_t *arr = json_array();
	if (json_is_object(tags)) {
		/* A hash cannot hold tags: keep it aside, as Logstash does. */
		json_object_set(ev->data, "_tags", tags);
		json_array_append_new(arr, json_string("_tagsparsefailure"));
	} else if (tags && !json_is_null(tags)) {
		json_array_append(arr, tags);
	}
	if (!(json_array_size(arr) == 1 && tag_equals(json_array_get(arr, 0), tag)))
		json_array_append_new(arr, json_string(tag));
	json_object_set_new(ev->data, "tags", arr);
}

bool lp_event_has_tag(const lp_event *ev, const char *tag)
{
	json_t *tags = json_object_get(ev->data, "tags");
	if (json_is_array(tags)) {
		size_t n = json_array_size(tags);
		for (size_t i = 0; i < n; i++)
			if (tag_equals(json_array_get(tags, i), tag))
				return true;
		return false;
	}
	return tag_equals(tags, tag);
}

void lp_event_untag(lp_event *ev, const char *tag)
{
	json_t *tags = json_object_get(ev->data, "tags");
	if (json_is_array(tags)) {
		for (size_t i = json_array_size(tags); i-- > 0;)
			if (tag_equals(json_array_get(tags, i), tag))
				json_array_remove(tags, i);
	} else if (tag_equals(tags, tag)) {
		json_object_set_new(ev->data, "tags", json_array());
	}
}

void lp_event_set_time(lp_event *ev, lp_time t)
{
	ev->ts = t;
	json_decref(ev->ts_cache);
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
	if (with_meta && ev->meta && json_object_size(ev->meta) > 0) {
		lp_buf_add(out, ",\"@metadata\":", 13);
		lp_jsonw_value(out, ev->meta);
	}
	lp_buf_addc(out, '}');
}

json_t *lp_event_to_json(lp_event *ev, bool with_meta)
{
	json_t *o = json_object();
	json_object_set_new(o, "@timestamp", json_string(ts_string(ev)));
	json_t *copy = json_deep_copy(ev->data);
	json_object_update(o, copy);
	json_decref(copy);
	if (with_meta && ev->meta && json_object_size(ev->meta) > 0)
		json_object_set_new(o, "@metadata", json_deep_copy(ev->meta));
	return o;
}
