/* rubydebug codec (encode only): renders an event the way Logstash's
 * rubydebug codec prints it (Ruby's amazing_print): keys sorted, right-aligned
 * `"key" => value`, nested hashes and arrays indented by four, array items
 * as `[i] value`, @timestamp unquoted, nil for null, Ruby string escapes and
 * Ruby float formatting. `metadata => true` adds a non-empty @metadata. */
#include "conf/schema.h"
#include "pipeline/numfmt.h"
#include "pipeline/event.h"
#include "pipeline/mem.h"
#include "pipeline/plugin.h"
#include "pipeline/timestamp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rubydebug {
	bool metadata;
} rubydebug;

static const lp_option_def options[] = {
	{ "metadata", LP_OPT_BOOL, "false", 0, NULL, 0, 0, "Include the event's @metadata." },
	LP_OPT_END,
};

/* A Ruby String#inspect rendering of s (UTF-8). */
static void inspect_str(lp_buf *out, const char *s, size_t len)
{
	lp_buf_addc(out, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': lp_buf_adds(out, "\\\""); continue;
		case '\\': lp_buf_adds(out, "\\\\"); continue;
		case '\n': lp_buf_adds(out, "\\n"); continue;
		case '\t': lp_buf_adds(out, "\\t"); continue;
		case '\r': lp_buf_adds(out, "\\r"); continue;
		case '\f': lp_buf_adds(out, "\\f"); continue;
		case '\v': lp_buf_adds(out, "\\v"); continue;
		case '\b': lp_buf_adds(out, "\\b"); continue;
		case '\a': lp_buf_adds(out, "\\a"); continue;
		case 0x1b: lp_buf_adds(out, "\\e"); continue;
		case '#':
			if (i + 1 < len && (s[i + 1] == '{' || s[i + 1] == '$' || s[i + 1] == '@'))
				lp_buf_addc(out, '\\');
			lp_buf_addc(out, '#');
			continue;
		default:
			break;
		}
		if (c < 0x20 || c == 0x7f) {
			lp_buf_printf(out, "\\u%04X", c);
		} else if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
			   (unsigned char)s[i + 1] <= 0x9f) {
			lp_buf_printf(out, "\\u%04X", (unsigned char)s[i + 1]); /* C1 controls */
			i++;
		} else {
			lp_buf_addc(out, (char)c);
		}
	}
	lp_buf_addc(out, '"');
}


static void pad(lp_buf *out, size_t n)
{
	lp_buf_reserve(out, n);
	memset(out->data + out->len, ' ', n);
	out->len += n;
	out->data[out->len] = '\0';
}

/* Characters (code points) in s, as Ruby's String#size counts them. */
static size_t chars(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

static void render(lp_buf *out, const lpj_t *v, size_t indent);

/* One hash entry: the inspected key and its value (the value is either a
 * lpj_t or, for @timestamp, a preformatted bare text). */
typedef struct entry {
	const char *key;
	const lpj_t *val;
	const char *bare;
	size_t kw; /* width of the inspected key in characters */
	size_t ks, ke; /* the inspected key in the key buffer */
} entry;

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const entry *)a)->key, ((const entry *)b)->key);
}

static void render_hash(lp_buf *out, entry *e, size_t n, size_t indent)
{
	if (n == 0) {
		lp_buf_adds(out, "{}");
		return;
	}
	qsort(e, n, sizeof(*e), entry_cmp);
	lp_buf keys = LP_BUF_INIT;
	size_t width = 0;
	for (size_t i = 0; i < n; i++) {
		e[i].ks = keys.len;
		inspect_str(&keys, e[i].key, strlen(e[i].key));
		e[i].ke = keys.len;
		e[i].kw = chars(keys.data + e[i].ks, e[i].ke - e[i].ks);
		if (e[i].kw > width)
			width = e[i].kw;
	}
	lp_buf_adds(out, "{\n");
	for (size_t i = 0; i < n; i++) {
		pad(out, indent + 4 + width - e[i].kw);
		lp_buf_add(out, keys.data + e[i].ks, e[i].ke - e[i].ks);
		lp_buf_adds(out, " => ");
		if (e[i].bare)
			lp_buf_adds(out, e[i].bare);
		else
			render(out, e[i].val, indent + 4);
		lp_buf_adds(out, i + 1 < n ? ",\n" : "\n");
	}
	pad(out, indent);
	lp_buf_addc(out, '}');
	lp_buf_fini(&keys);
}

static void render_object(lp_buf *out, const lpj_t *obj, size_t indent)
{
	size_t n = lpj_object_size(obj), i = 0;
	entry *e = lp_calloc(n ? n : 1, sizeof(*e));
	const char *k;
	lpj_t *val;
	lpj_object_foreach((lpj_t *)obj, k, val) {
		e[i].key = k;
		e[i].val = val;
		i++;
	}
	render_hash(out, e, n, indent);
	lp_free(e);
}

static void render_array(lp_buf *out, const lpj_t *arr, size_t indent)
{
	size_t n = lpj_array_size(arr);
	if (n == 0) {
		lp_buf_adds(out, "[]");
		return;
	}
	int w = snprintf(NULL, 0, "%zu", n - 1);
	lp_buf_adds(out, "[\n");
	for (size_t i = 0; i < n; i++) {
		pad(out, indent + 4);
		lp_buf_printf(out, "[%*zu] ", w, i);
		render(out, lpj_array_get(arr, i), indent + 4);
		lp_buf_adds(out, i + 1 < n ? ",\n" : "\n");
	}
	pad(out, indent);
	lp_buf_addc(out, ']');
}

static void render(lp_buf *out, const lpj_t *v, size_t indent)
{
	switch (lpj_typeof(v)) {
	case LPJ_OBJECT: render_object(out, v, indent); break;
	case LPJ_ARRAY: render_array(out, v, indent); break;
	case LPJ_STRING: inspect_str(out, lpj_string_value(v), lpj_string_length(v)); break;
	case LPJ_INTEGER: lp_buf_printf(out, "%" LPJ_INTEGER_FORMAT, lpj_integer_value(v)); break;
	case LPJ_REAL: lp_numfmt_ruby(out, lpj_real_value(v)); break;
	case LPJ_TRUE: lp_buf_adds(out, "true"); break;
	case LPJ_FALSE: lp_buf_adds(out, "false"); break;
	case LPJ_NULL: lp_buf_adds(out, "nil"); break;
	}
}

static void *rd_create(lp_args *a)
{
	rubydebug *r = lp_calloc(1, sizeof(*r));
	r->metadata = lp_args_bool(a, "metadata", false);
	return r;
}

static void rd_destroy(void *inst)
{
	lp_free(inst);
}

static void rd_encode(void *inst, lp_event *ev, lp_buf *out)
{
	const rubydebug *r = inst;
	bool meta = r->metadata && ev->meta && lpj_object_size(ev->meta) > 0;
	size_t n = lpj_object_size(ev->data) + 1 + meta, i = 0;
	entry *e = lp_calloc(n, sizeof(*e));
	char ts[48];
	lp_time_format(ev->ts, ts, sizeof(ts));
	const char *k;
	lpj_t *val;
	lpj_object_foreach(ev->data, k, val) {
		if (strcmp(k, "@timestamp") == 0)
			continue;
		e[i].key = k;
		e[i].val = val;
		i++;
	}
	e[i].key = "@timestamp";
	e[i].bare = ts;
	i++;
	if (meta) {
		e[i].key = "@metadata";
		e[i].val = ev->meta;
		i++;
	}
	render_hash(out, e, i, 0);
	lp_buf_addc(out, '\n');
	lp_free(e);
}

const lp_plugin_def lp_plugin_codec_rubydebug = {
	.name = "rubydebug",
	.kind = LP_PLUGIN_CODEC,
	.doc = "Human-readable event dump as Logstash's rubydebug prints it (encode only).",
	.options = options,
	.create = rd_create,
	.destroy = rd_destroy,
	.encode = rd_encode,
};
