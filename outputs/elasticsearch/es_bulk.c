#include "outputs/elasticsearch/es_bulk.h"

#include "pipeline/jsonw.h"
#include "pipeline/mem.h"

#include <string.h>

static const char *const action_names[] = {"index", "create", "update", "delete"};

bool lp_es_action_parse(const char *s, lp_es_action *out)
{
	if (!s)
		return false;
	for (size_t i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++) {
		if (strcmp(s, action_names[i]) == 0) {
			*out = (lp_es_action)i;
			return true;
		}
	}
	return false;
}

const char *lp_es_action_name(lp_es_action a)
{
	if ((unsigned)a >= sizeof(action_names) / sizeof(action_names[0]))
		return "index";
	return action_names[a];
}

void lp_es_bulk_init(lp_es_bulk *b)
{
	memset(b, 0, sizeof(*b));
	lp_buf_init(&b->body);
}

void lp_es_bulk_fini(lp_es_bulk *b)
{
	if (!b)
		return;
	lp_buf_fini(&b->body);
	lp_free(b->off);
	lp_free(b->tag);
	lp_es_bulk_init(b);
}

void lp_es_bulk_reset(lp_es_bulk *b)
{
	lp_buf_reset(&b->body);
	b->n = 0;
}

/* Writes ,"key":"value" (or without the comma for the first key). */
static void add_key(lp_buf *out, bool *first, const char *key, const char *val)
{
	if (!val || !*val)
		return;
	if (!*first)
		lp_buf_addc(out, ',');
	*first = false;
	lp_jsonw_string(out, key, strlen(key));
	lp_buf_addc(out, ':');
	lp_jsonw_string(out, val, strlen(val));
}

void lp_es_bulk_action_line(lp_buf *out, const lp_es_item_meta *m)
{
	bool first = true;
	lp_buf_adds(out, "{\"");
	lp_buf_adds(out, lp_es_action_name(m->action));
	lp_buf_adds(out, "\":{");
	add_key(out, &first, "_index", m->index);
	add_key(out, &first, "_id", m->id);
	add_key(out, &first, "_type", m->type);
	add_key(out, &first, "routing", m->routing);
	if (m->action != LP_ES_ACTION_DELETE)
		add_key(out, &first, "pipeline", m->pipeline);
	if (m->action == LP_ES_ACTION_UPDATE && m->retry_on_conflict > 0) {
		if (!first)
			lp_buf_addc(out, ',');
		first = false;
		lp_buf_printf(out, "\"retry_on_conflict\":%d", m->retry_on_conflict);
	}
	lp_buf_adds(out, "}}\n");
}

void lp_es_bulk_add(lp_es_bulk *b, const lp_es_item_meta *m, lp_event *ev, size_t tag)
{
	if (b->n + 1 > b->cap) {
		size_t cap = b->cap;
		LP_GROW(b->off, cap, b->n + 1);
		cap = b->cap;
		LP_GROW(b->tag, cap, b->n + 1);
		b->cap = cap;
	}
	b->off[b->n] = b->body.len;
	b->tag[b->n] = tag;
	b->n++;
	lp_es_bulk_action_line(&b->body, m);
	switch (m->action) {
	case LP_ES_ACTION_DELETE:
		return;
	case LP_ES_ACTION_UPDATE:
		lp_buf_adds(&b->body, "{\"doc\":");
		lp_event_write_json(ev, &b->body, false);
		if (m->doc_as_upsert)
			lp_buf_adds(&b->body, ",\"doc_as_upsert\":true");
		lp_buf_addc(&b->body, '}');
		break;
	default:
		lp_event_write_json(ev, &b->body, false);
		break;
	}
	lp_buf_addc(&b->body, '\n');
}

static size_t item_end(const lp_es_bulk *b, size_t i)
{
	return i + 1 < b->n ? b->off[i + 1] : b->body.len;
}

const char *lp_es_bulk_item(const lp_es_bulk *b, size_t i, size_t *len)
{
	*len = item_end(b, i) - b->off[i];
	return b->body.data + b->off[i];
}

size_t lp_es_bulk_span(const lp_es_bulk *b, size_t first, size_t count)
{
	if (count == 0 || first >= b->n)
		return 0;
	return item_end(b, first + count - 1) - b->off[first];
}

size_t lp_es_bulk_chunk(const lp_es_bulk *b, size_t first, size_t max_bytes)
{
	if (first >= b->n)
		return 0;
	size_t start = b->off[first], i = first + 1;
	while (i < b->n && item_end(b, i) - start <= max_bytes)
		i++;
	return i - first;
}
