/* es_bulk: the Elasticsearch _bulk body encoder. Pure: it turns events and
 * their per-event metadata (action, index, id, routing, pipeline) into an
 * NDJSON body (an action line, then the document line unless the action is
 * delete), remembers where each item starts so a body can be sent in chunks
 * that stay under a size limit (20 MiB by default), and tags each item with
 * the caller's event index so responses map back to events. Every JSON text
 * is written through pipeline/jsonw.h (never printf'd). Not thread-safe: one
 * lp_es_bulk per worker. */
#ifndef LP_OUTPUTS_ELASTICSEARCH_ES_BULK_H
#define LP_OUTPUTS_ELASTICSEARCH_ES_BULK_H

#include "pipeline/buf.h"
#include "pipeline/event.h"

#include <stdbool.h>
#include <stddef.h>

/* Logstash's target_bulk_bytes: a body is split before it grows past this. */
#define LP_ES_BULK_MAX_BYTES ((size_t)20 * 1024 * 1024)

typedef enum {
	LP_ES_ACTION_INDEX,
	LP_ES_ACTION_CREATE,
	LP_ES_ACTION_UPDATE,
	LP_ES_ACTION_DELETE,
} lp_es_action;

/* Parses "index", "create", "update" or "delete". Returns false otherwise. */
bool lp_es_action_parse(const char *s, lp_es_action *out);
/* The action's name as the bulk API spells it (static storage). */
const char *lp_es_action_name(lp_es_action a);

/* One item's metadata. Strings are borrowed; NULL (or "") leaves the key out. */
typedef struct lp_es_item_meta {
	lp_es_action action;
	const char *index;
	const char *id;
	const char *routing;
	const char *pipeline;
	const char *type;          /* mapping type, only for clusters before 7 */
	int retry_on_conflict;     /* update only; <= 0: left out */
	bool doc_as_upsert;        /* update only */
} lp_es_item_meta;

typedef struct lp_es_bulk {
	lp_buf body;
	size_t *off;   /* off[i]: byte offset where item i starts */
	size_t *tag;   /* tag[i]: the caller's tag for item i (its event index) */
	size_t n, cap;
} lp_es_bulk;

void lp_es_bulk_init(lp_es_bulk *b);
/* Frees the storage; accepts a finished bulk. */
void lp_es_bulk_fini(lp_es_bulk *b);
/* Empties the bulk, keeping its storage. */
void lp_es_bulk_reset(lp_es_bulk *b);

/* Appends m's action line (with its newline) to out. */
void lp_es_bulk_action_line(lp_buf *out, const lp_es_item_meta *m);
/* Appends one item: the action line and, except for delete, the document:
 * the event's fields and "@timestamp" (never "@metadata"); for update the
 * document is wrapped as {"doc":...} plus "doc_as_upsert":true when asked.
 * ev is only read. */
void lp_es_bulk_add(lp_es_bulk *b, const lp_es_item_meta *m, lp_event *ev, size_t tag);

/* Item i's bytes (action and document lines) and their length. */
const char *lp_es_bulk_item(const lp_es_bulk *b, size_t i, size_t *len);
/* Bytes of items [first, first + count). */
size_t lp_es_bulk_span(const lp_es_bulk *b, size_t first, size_t count);
/* How many items starting at first fit in max_bytes together: at least 1
 * when first < n (an item larger than the limit travels alone), 0 when
 * first >= n. */
size_t lp_es_bulk_chunk(const lp_es_bulk *b, size_t first, size_t max_bytes);

#endif
