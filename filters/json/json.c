/* json filter: parses the JSON text in `source` and puts the result at
 * `target`, or merges a parsed object into the event's top level (Logstash's
 * json filter). A parsed "@timestamp" becomes the event time; one that does
 * not parse goes to "_@timestamp" with the tag "_timestampparsefailure".
 * A missing source field is a no-op; invalid JSON (or a non-object without a
 * target) tags the event with tag_on_failure unless skip_on_invalid_json. */
#include "conf/schema.h"
#include "pipeline/jsonload.h"
#include "pipeline/log.h"
#include "pipeline/mem.h"
#include "pipeline/plugin.h"

#include <string.h>

typedef struct filter_json {
	lp_fieldref *source;
	lp_fieldref *target;   /* NULL: merge into the top level */
	bool skip_invalid;
	const lpj_t *tags;    /* tag_on_failure, borrowed from args */
	const char *id;
} filter_json;

static const lp_option_def options[] = {
	{ "source", LP_OPT_FIELDREF, NULL, LP_OPT_REQUIRED, NULL, 0, 0, "The field holding the JSON text." },
	{ "target", LP_OPT_FIELDREF, NULL, 0, NULL, 0, 0, "Where to put the parsed value (default: merge into the event's top level)." },
	{ "skip_on_invalid_json", LP_OPT_BOOL, "false", 0, NULL, 0, 0, "Leave invalid JSON alone: no tag, no warning." },
	{ "tag_on_failure", LP_OPT_ARRAY, "[\"_jsonparsefailure\"]", 0, NULL, 0, 0, "Tags added when the source is not valid JSON." },
	LP_OPT_END,
};

static lp_ratelimit warn_rl;

static void *json_create(lp_args *a)
{
	filter_json *f = lp_calloc(1, sizeof(*f));
	f->source = lp_args_fieldref(a, "source");
	f->target = lp_args_isset(a, "target") ? lp_args_fieldref(a, "target") : NULL;
	f->skip_invalid = lp_args_bool(a, "skip_on_invalid_json", false);
	f->tags = lp_args_get(a, "tag_on_failure");
	f->id = lp_args_id(a);
	if (!f->source || (lp_args_isset(a, "target") && !f->target)) {
		lp_fieldref_destroy(f->source);
		lp_fieldref_destroy(f->target);
		lp_free(f);
		return NULL;
	}
	return f;
}

static void json_destroy(void *inst)
{
	filter_json *f = inst;
	if (!f)
		return;
	lp_fieldref_destroy(f->source);
	lp_fieldref_destroy(f->target);
	lp_free(f);
}

/* Tags the event. skip_on_invalid_json silences only parse errors (invalid
 * text); later failures (a non-object without target, a bad key) always tag. */
static lp_filter_rc fail(const filter_json *f, lp_event *ev, bool parse_error, const char *why, const char *text,
			 size_t len)
{
	if (parse_error && f->skip_invalid)
		return LP_FILTER_FAILED;
	for (size_t i = 0; i < lpj_array_size(f->tags); i++) {
		const char *t = lpj_string_value(lpj_array_get(f->tags, i));
		if (t)
			lp_event_tag(ev, t);
	}
	long long suppressed = 0;
	if (lp_ratelimit_ok(&warn_rl, 10000, &suppressed))
		lp_warn("filter.json", "Filter '%s': %s in field '%s' (%.*s%s); the event was tagged and kept "
			"(%lld similar warnings suppressed).", f->id, why, f->source->text, (int)(len > 80 ? 80 : len),
			text, len > 80 ? "..." : "", suppressed);
	return LP_FILTER_FAILED;
}

/* Moves "@timestamp" and "@metadata" out of obj into the event. */
static void take_specials(lp_event *ev, lpj_t *obj)
{
	lpj_t *ts = lpj_object_get(obj, "@timestamp");
	if (ts && !lpj_is_null(ts)) {
		lp_time t;
		if (lpj_is_string(ts) &&
		    lp_time_parse_iso8601(lpj_string_value(ts), lpj_string_length(ts), &t) == 0) {
			lp_event_set_time(ev, t);
		} else {
			/* Logstash: time becomes now, the original's to_s is kept */
			lpj_t *orig = lpj_is_string(ts) ? lpj_incref(ts) : NULL;
			if (!orig) {
				char *s = lpj_dumps(ts, LPJ_ENCODE_ANY | LPJ_COMPACT);
				orig = lpj_string(s ? s : "");
				lp_free(s);
			}
			lpj_object_set_new(ev->data, "_@timestamp", orig);
			lp_event_set_time(ev, lp_time_now());
			lp_event_tag(ev, "_timestampparsefailure");
		}
	}
	if (ts)
		lpj_object_del(obj, "@timestamp");
	lpj_t *meta = lpj_object_get(obj, "@metadata");
	if (meta) {
		if (lpj_is_object(meta)) {
			if (!ev->meta)
				ev->meta = lpj_object();
			lpj_object_update(ev->meta, meta);
		}
		lpj_object_del(obj, "@metadata");
	}
}

static lp_filter_rc json_filter(void *inst, void *ws, lp_event *ev, lp_event_vec *emitted)
{
	filter_json *f = inst;
	lpj_t *src = lp_event_get(ev, f->source);
	if (!src || lpj_is_null(src) || lpj_is_false(src)) /* Logstash: return unless source */
		return LP_FILTER_SKIP;
	if (!lpj_is_string(src))
		return fail(f, ev, true, "the value is not a string", "", 0);
	const char *text = lpj_string_value(src);
	size_t len = lpj_string_length(src);
	lp_json_load_at at;
	lpj_t *parsed = lp_json_load_ex(text, len, LP_JSON_LOAD_LEARN, NULL, 0, &at);
	if (!parsed)
		return fail(f, ev, true, "invalid JSON", text, len);
	if (f->target) {
		if (f->target->root == LP_FIELD_TIMESTAMP) {
			lp_time t;
			bool ok = lpj_is_string(parsed) &&
				  lp_time_parse_iso8601(lpj_string_value(parsed), lpj_string_length(parsed), &t) == 0;
			lpj_decref(parsed);
			if (!ok)
				return fail(f, ev, false, "the value is not a valid timestamp", text, len);
			lp_event_set_time(ev, t);
			return LP_FILTER_OK;
		}
		if (lp_event_set(ev, f->target, parsed) < 0)
			return fail(f, ev, false, "the target's parent is not an object", text, len);
		return LP_FILTER_OK;
	}
	if (!lpj_is_object(parsed)) {
		lpj_decref(parsed);
		return fail(f, ev, false, "parsed JSON is not an object and no target is set", text, len);
	}
	take_specials(ev, parsed);
	/* the source string may be replaced below: do not use text after this */
	bool refs = false;
	const char *key;
	lpj_t *val;
	lpj_object_foreach(parsed, key, val) {
		if (strchr(key, '[')) {
			refs = true;
			break;
		}
	}
	if (!refs) {
		lpj_object_update(ev->data, parsed);
		lpj_decref(parsed);
		return LP_FILTER_OK;
	}
	/* Logstash sets each key with event.set(key, value): a key such as
	 * "[a][b]" is a field reference, and an invalid one ("a[b]") raises,
	 * which tags the event (keys set before it stay). */
	lpj_object_foreach(parsed, key, val) {
		lp_fieldref *r = strchr(key, '[') ? lp_fieldref_compile(key, NULL, NULL) : NULL;
		if (strchr(key, '[') && !r) {
			lp_filter_rc rc = fail(f, ev, false, "a key is not a valid field reference", key, strlen(key));
			lpj_decref(parsed);
			return rc;
		}
		if (r) {
			lp_event_set(ev, r, lpj_incref(val));
			lp_fieldref_destroy(r);
		} else {
			lpj_object_set(ev->data, key, val);
		}
	}
	lpj_decref(parsed);
	return LP_FILTER_OK;
}

const lp_plugin_def lp_plugin_filter_json = {
	.name = "json",
	.kind = LP_PLUGIN_FILTER,
	.doc = "Parses JSON text in a field into the event or into a target field.",
	.options = options,
	.create = json_create,
	.destroy = json_destroy,
	.filter = json_filter,
};
