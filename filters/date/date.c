/* date filter: parses a date from a field with the first matching format
 * (ISO8601, UNIX, UNIX_MS, TAI64N or a Joda pattern) and stores it in the
 * event time (or another target field as an ISO8601 string), as Logstash's
 * date filter does. A missing or null source field is left alone; an
 * unparsable value tags the event (tag_on_failure). */
#include <stdio.h>
#include <string.h>

#include "conf/schema.h"
#include "filters/date/date_parse.h"
#include "pipeline/error.h"
#include "pipeline/joda.h"
#include "pipeline/log.h"
#include "pipeline/mem.h"
#include "pipeline/plugin.h"
#include "pipeline/template.h"

typedef enum { FMT_ISO8601, FMT_UNIX, FMT_UNIX_MS, FMT_TAI64N, FMT_JODA } fmt_kind;

typedef struct fmt {
	fmt_kind kind;
	lp_joda *joda; /* FMT_JODA */
} fmt;

typedef struct date {
	lp_fieldref *source;
	lp_fieldref *target; /* NULL: the event time */
	fmt *fmts;
	size_t nfmts;
	const lp_tz *zone;     /* the configured zone, else the system's */
	lp_template *zone_tpl; /* a zone rendered per event, or NULL */
	char **tags;
	size_t ntags;
	lp_ratelimit warn_rl;
} date;

typedef struct date_ws {
	lp_buf buf;
	lp_buf last_name;        /* the per-event zone name looked up last */
	const lp_tz *last_zone;  /* its zone, or NULL when unknown */
	bool have_last;
} date_ws;

static const lp_option_def options[] = {
	{ "match", LP_OPT_ARRAY, "[]", 0, NULL, 0, 0,
	  "The source field, then the formats tried in order (ISO8601, UNIX, UNIX_MS, TAI64N or a Joda pattern)." },
	{ "target", LP_OPT_STRING, "\"@timestamp\"", 0, NULL, 0, 0,
	  "Where the parsed time goes (@timestamp, or a field that receives an ISO8601 string)." },
	{ "timezone", LP_OPT_STRING, NULL, 0, NULL, 0, 0,
	  "Zone of times without an offset: an IANA id, a fixed offset, or a %{field} reference (default: the system zone)." },
	{ "locale", LP_OPT_STRING, NULL, 0, NULL, 0, 0,
	  "Language of month and day names (en, de, fr, es; BCP47 or POSIX form)." },
	{ "tag_on_failure", LP_OPT_ARRAY, "[\"_dateparsefailure\"]", 0, NULL, 0, 0,
	  "Tags added when no format matches." },
	LP_OPT_END,
};

static void date_destroy(void *inst)
{
	date *d = inst;
	if (!d)
		return;
	lp_fieldref_destroy(d->source);
	lp_fieldref_destroy(d->target);
	for (size_t i = 0; i < d->nfmts; i++)
		lp_joda_destroy(d->fmts[i].joda);
	lp_free(d->fmts);
	lp_template_destroy(d->zone_tpl);
	for (size_t i = 0; i < d->ntags; i++)
		lp_free(d->tags[i]);
	lp_free(d->tags);
	lp_free(d);
}

static bool setup_zone(date *d, lp_args *a)
{
	const char *tz = lp_args_str(a, "timezone");
	if (!tz) {
		d->zone = lp_tz_local(); /* Logstash uses the platform default */
		return true;
	}
	if (strstr(tz, "%{")) {
		d->zone_tpl = lp_args_template(a, "timezone");
		return d->zone_tpl != NULL;
	}
	d->zone = lp_tz_get(tz);
	if (!d->zone) {
		lp_args_error(a, "timezone", "unknown time zone '%s' (use an IANA id like 'Europe/Berlin' or an "
			      "offset like '+01:00')", tz);
		return false;
	}
	return true;
}

static bool setup_formats(date *d, lp_args *a, size_t n)
{
	const char *locale = lp_args_str(a, "locale");
	if (locale && !lp_joda_locale_supported(locale)) {
		lp_warn("date", "Locale '%s' is not supported by filter '%s' (supported: en, de, fr, es); month and "
			"day names are read in English.", locale, lp_args_id(a));
		locale = NULL;
	}
	bool ok = true;
	d->fmts = lp_calloc(n, sizeof *d->fmts);
	for (size_t i = 1; i <= n; i++) {
		const char *f = lp_args_item_str(a, "match", i);
		fmt *x = &d->fmts[d->nfmts];
		if (!f) {
			lp_args_error_item(a, "match", i, "a date format must be a string");
			ok = false;
			continue;
		}
		if (strcmp(f, "ISO8601") == 0) {
			x->kind = FMT_ISO8601;
		} else if (strcmp(f, "UNIX") == 0) {
			x->kind = FMT_UNIX;
		} else if (strcmp(f, "UNIX_MS") == 0) {
			x->kind = FMT_UNIX_MS;
		} else if (strcmp(f, "TAI64N") == 0) {
			x->kind = FMT_TAI64N;
		} else {
			const char *err = NULL;
			size_t col = 0;
			x->kind = FMT_JODA;
			x->joda = lp_joda_compile_locale(f, locale, &err, &col);
			if (!x->joda) {
				lp_args_error_item(a, "match", i, "invalid date pattern '%s': %s at character %zu", f,
						   err ? err : "syntax error", col + 1);
				ok = false;
				continue;
			}
		}
		d->nfmts++;
	}
	return ok;
}

static void *date_create(lp_args *a)
{
	date *d = lp_calloc(1, sizeof *d);
	bool ok = true;
	const lpj_t *match = lp_args_get(a, "match");
	size_t n = lpj_is_array(match) ? lpj_array_size(match) : 0;
	if (n < 2) {
		lp_args_error(a, "match", "'match' needs the source field first and at least one date format, "
			      "e.g. [\"timestamp\", \"ISO8601\"]");
		ok = false;
	} else {
		const char *src = lp_args_item_str(a, "match", 0);
		d->source = src ? lp_args_fieldref_text(a, "match", 0, src) : NULL;
		if (!d->source)
			ok = false;
		if (!setup_formats(d, a, n - 1))
			ok = false;
	}
	if (lp_args_isset(a, "target")) {
		const char *t = lp_args_str(a, "target");
		d->target = t ? lp_args_fieldref_text(a, "target", 0, t) : NULL;
		if (!d->target)
			ok = false;
		else if (d->target->root == LP_FIELD_TIMESTAMP) {
			lp_fieldref_destroy(d->target);
			d->target = NULL;
		}
	}
	if (!setup_zone(d, a))
		ok = false;
	const lpj_t *tags = lp_args_get(a, "tag_on_failure");
	size_t nt = lpj_is_array(tags) ? lpj_array_size(tags) : 0;
	d->tags = lp_calloc(nt ? nt : 1, sizeof *d->tags);
	for (size_t i = 0; i < nt; i++) {
		const char *t = lp_args_item_str(a, "tag_on_failure", i);
		if (t)
			d->tags[d->ntags++] = lp_strdup(t);
	}
	if (!ok) {
		date_destroy(d);
		return NULL;
	}
	return d;
}

static void *date_worker_create(void *inst)
{
	date_ws *ws = lp_calloc(1, sizeof *ws);
	lp_buf_init(&ws->buf);
	lp_buf_init(&ws->last_name);
	return ws;
}

static void date_worker_destroy(void *inst, void *wsp)
{
	date_ws *ws = wsp;
	if (!ws)
		return;
	lp_buf_fini(&ws->buf);
	lp_buf_fini(&ws->last_name);
	lp_free(ws);
}

/* Tries one format on v; zone_ok is false when a per-event zone did not
 * resolve (text formats then fail, as in Logstash). */
static int try_format(const fmt *f, const lpj_t *v, const lp_tz *zone, bool zone_ok, lp_time *t)
{
	const char *s = lpj_is_string(v) ? lpj_string_value(v) : NULL;
	size_t len = s ? lpj_string_length(v) : 0;
	switch (f->kind) {
	case FMT_UNIX:
		if (s)
			return lp_date_parse_unix_str(s, len, t);
		if (lpj_is_integer(v))
			return lp_date_parse_unix_int(lpj_integer_value(v), t);
		if (lpj_is_real(v))
			return lp_date_parse_unix_real(lpj_real_value(v), t);
		return LP_EPARSE;
	case FMT_UNIX_MS:
		if (s)
			return lp_date_parse_unix_ms_str(s, len, t);
		if (lpj_is_integer(v))
			return lp_date_parse_unix_ms_int(lpj_integer_value(v), t);
		if (lpj_is_real(v))
			return lp_date_parse_unix_ms_real(lpj_real_value(v), t);
		return LP_EPARSE;
	case FMT_TAI64N:
		return s ? lp_date_parse_tai64n(s, len, t) : LP_EPARSE;
	case FMT_ISO8601:
		return s && zone_ok ? lp_date_parse_iso8601(s, len, zone, t) : LP_EPARSE;
	case FMT_JODA:
		return s && zone_ok ? lp_joda_parse(f->joda, s, len, zone, t) : LP_EPARSE;
	}
	return LP_EPARSE;
}

static lp_filter_rc date_filter(void *inst, void *wsp, lp_event *ev, lp_event_vec *emitted)
{
	date *d = inst;
	date_ws *ws = wsp;
	lpj_t *v = lp_event_get(ev, d->source);
	if (!v || lpj_is_null(v))
		return LP_FILTER_SKIP;
	const lp_tz *zone = d->zone;
	bool zone_ok = true;
	if (d->zone_tpl) {
		lp_buf_reset(&ws->buf);
		lp_template_render(d->zone_tpl, ev, &ws->buf);
		/* Events of one source usually share a zone: skip the cache lock. */
		if (!ws->have_last || ws->last_name.len != ws->buf.len ||
		    memcmp(lp_buf_str(&ws->last_name), lp_buf_str(&ws->buf), ws->buf.len) != 0) {
			ws->last_zone = lp_tz_get(lp_buf_str(&ws->buf));
			lp_buf_reset(&ws->last_name);
			lp_buf_add(&ws->last_name, lp_buf_str(&ws->buf), ws->buf.len);
			ws->have_last = true;
		}
		zone = ws->last_zone;
		zone_ok = zone != NULL;
	}
	lp_time t;
	for (size_t i = 0; i < d->nfmts; i++) {
		if (try_format(&d->fmts[i], v, zone, zone_ok, &t) != 0)
			continue;
		if (!d->target) {
			lp_event_set_time(ev, t);
			return LP_FILTER_OK;
		}
		char iso[48];
		size_t n = lp_time_format(t, iso, sizeof iso);
		if (lp_event_set(ev, d->target, lpj_stringn(iso, n)) == 0)
			return LP_FILTER_OK;
		break;
	}
	long long suppressed;
	if (lp_ratelimit_ok(&d->warn_rl, 10000, &suppressed)) {
		char more[64] = "";
		if (suppressed > 0)
			snprintf(more, sizeof more, " (%lld similar messages suppressed)", suppressed);
		if (lpj_is_string(v))
			lp_warn("date", "Failed parsing date from field '%s' value '%.64s'%s%s.", d->source->text,
				lpj_string_value(v), zone_ok ? "" : " because its time zone is unknown", more);
		else
			lp_warn("date", "Failed parsing date from field '%s': %s value cannot be parsed%s.",
				d->source->text,
				lpj_is_array(v) ? "an array" : lpj_is_object(v) ? "an object" :
				lpj_is_boolean(v) ? "a boolean" : "a number", more);
	}
	for (size_t i = 0; i < d->ntags; i++)
		lp_event_tag(ev, d->tags[i]);
	return LP_FILTER_FAILED;
}

const lp_plugin_def lp_plugin_filter_date = {
	.name = "date",
	.kind = LP_PLUGIN_FILTER,
	.doc = "Parses a date from a field into @timestamp (or another field).",
	.options = options,
	.create = date_create,
	.destroy = date_destroy,
	.worker_create = date_worker_create,
	.worker_destroy = date_worker_destroy,
	.filter = date_filter,
};
