#include "outputs/alertmanager/am_batch.h"

#include "pipeline/error.h"
#include "pipeline/jsonw.h"
#include "pipeline/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void lp_am_batch_init(lp_am_batch *b)
{
	memset(b, 0, sizeof(*b));
}

void lp_am_batch_fini(lp_am_batch *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->cap; i++) {
		lp_buf_fini(&b->alerts[i].labels);
		lp_buf_fini(&b->alerts[i].annotations);
		lp_buf_fini(&b->alerts[i].generator_url);
	}
	lp_free(b->alerts);
	lp_free(b->of_event);
	lp_am_batch_init(b);
}

/* Writes {"name":"rendered",...} for the names and templates. */
static void render_object(lp_buf *out, size_t n, char *const *names, lp_template *const *values,
			  lp_event *ev, lp_buf *scratch)
{
	lp_buf_addc(out, '{');
	for (size_t i = 0; i < n; i++) {
		if (i)
			lp_buf_addc(out, ',');
		lp_jsonw_string(out, names[i], strlen(names[i]));
		lp_buf_addc(out, ':');
		lp_buf_reset(scratch);
		lp_template_render(values[i], ev, scratch);
		lp_jsonw_string(out, lp_buf_str(scratch), scratch->len);
	}
	lp_buf_addc(out, '}');
}

static bool time_before(lp_time a, lp_time b)
{
	return a.sec < b.sec || (a.sec == b.sec && a.nsec < b.nsec);
}

/* The next free alert slot, its buffers emptied. */
static lp_am_alert *next_alert(lp_am_batch *b)
{
	if (b->n == b->cap) {
		size_t old = b->cap;
		LP_GROW(b->alerts, b->cap, b->n + 1);
		memset(b->alerts + old, 0, (b->cap - old) * sizeof(*b->alerts));
	}
	lp_am_alert *a = &b->alerts[b->n];
	lp_buf_reset(&a->labels);
	lp_buf_reset(&a->annotations);
	lp_buf_reset(&a->generator_url);
	return a;
}

void lp_am_batch_build(lp_am_batch *b, const lp_am_spec *spec, lp_event *const *evs, size_t n,
		       lp_buf *scratch)
{
	b->n = 0;
	b->n_events = n;
	LP_GROW(b->of_event, b->events_cap, n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		lp_event *ev = evs[i];
		lp_am_alert *a = next_alert(b);
		render_object(&a->labels, spec->n_labels, spec->label_names, spec->label_values, ev,
			      scratch);
		size_t same = b->n;
		for (size_t j = 0; j < b->n; j++) {
			lp_am_alert *o = &b->alerts[j];
			if (o->labels.len == a->labels.len &&
			    memcmp(o->labels.data, a->labels.data, a->labels.len) == 0) {
				same = j;
				break;
			}
		}
		lp_am_alert *dst = same < b->n ? &b->alerts[same] : a;
		lp_buf_reset(&dst->annotations);
		render_object(&dst->annotations, spec->n_annotations, spec->annotation_names,
			      spec->annotation_values, ev, scratch);
		lp_buf_reset(&dst->generator_url);
		if (spec->generator_url)
			lp_template_render(spec->generator_url, ev, &dst->generator_url);
		if (same == b->n) {
			a->starts_at = ev->ts;
			b->n++;
		} else if (time_before(ev->ts, dst->starts_at)) {
			dst->starts_at = ev->ts;
		}
		b->of_event[i] = same;
	}
}

static void write_time(lp_buf *out, lp_time t)
{
	char s[48];
	t.digits = 3;
	size_t len = lp_time_format(t, s, sizeof(s));
	lp_jsonw_string(out, s, len);
}

static void encode_one(const lp_am_alert *a, lp_time now, lp_time ends, lp_buf *out)
{
	lp_buf_adds(out, "{\"labels\":");
	lp_buf_add(out, a->labels.data, a->labels.len);
	lp_buf_adds(out, ",\"annotations\":");
	lp_buf_add(out, a->annotations.data, a->annotations.len);
	lp_buf_adds(out, ",\"startsAt\":");
	write_time(out, time_before(now, a->starts_at) ? now : a->starts_at);
	lp_buf_adds(out, ",\"endsAt\":");
	write_time(out, ends);
	if (a->generator_url.len) {
		lp_buf_adds(out, ",\"generatorURL\":");
		lp_jsonw_string(out, a->generator_url.data, a->generator_url.len);
	}
	lp_buf_addc(out, '}');
}

void lp_am_batch_encode(const lp_am_batch *b, const lp_am_spec *spec, const size_t *which,
			size_t n_which, lp_time now, lp_buf *out)
{
	lp_time ends = now;
	int64_t ns = (int64_t)now.nsec + (spec->ends_in_ms % 1000) * 1000000;
	ends.sec = now.sec + spec->ends_in_ms / 1000 + ns / 1000000000;
	ends.nsec = (int32_t)(ns % 1000000000);
	size_t n = which ? n_which : b->n;
	lp_buf_addc(out, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			lp_buf_addc(out, ',');
		encode_one(&b->alerts[which ? which[i] : i], now, ends, out);
	}
	lp_buf_addc(out, ']');
}

int lp_am_batch_parse_duration(const char *s, int64_t *ms)
{
	if (!s || !*s)
		return LP_EINVAL;
	char *end = NULL;
	double v = strtod(s, &end);
	if (end == s || !isfinite(v) || v < 0)
		return LP_EINVAL;
	double mult;
	if (!*end || strcmp(end, "s") == 0)
		mult = 1000;
	else if (strcmp(end, "ms") == 0)
		mult = 1;
	else if (strcmp(end, "m") == 0)
		mult = 60e3;
	else if (strcmp(end, "h") == 0)
		mult = 3600e3;
	else if (strcmp(end, "d") == 0)
		mult = 86400e3;
	else
		return LP_EINVAL;
	double r = v * mult;
	if (r > 1e15)
		return LP_EINVAL;
	*ms = (int64_t)llround(r);
	return 0;
}

bool lp_am_batch_label_name_ok(const char *s)
{
	if (!s || !*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return false;
	return true;
}
