/* http_body: the request bodies of the http output, pure and thread-safe.
 * A mapping (Logstash's `mapping` option: nested hashes and arrays whose
 * string leaves are sprintf templates) is compiled once; per event it renders
 * as JSON (formats json and json_batch) or as a form (format form). Without a
 * mapping the event itself is encoded. */
#ifndef LP_OUTPUTS_HTTP_HTTP_BODY_H
#define LP_OUTPUTS_HTTP_HTTP_BODY_H

#include "pipeline/buf.h"
#include "pipeline/event.h"

#include "pipeline/json.h"

typedef struct lp_http_map lp_http_map;

/* Compiles v: an object, an array or a scalar. Every string leaf is a
 * template; numbers and booleans become their text (Logstash renders every
 * leaf as a string). Returns NULL on a template error, with a message naming
 * the leaf in err. Ownership: the caller owns the result. */
lp_http_map *lp_http_map_compile(const lpj_t *v, char *err, size_t err_len);
void lp_http_map_destroy(lp_http_map *m);

/* Appends the mapping rendered for ev as JSON. scratch is a work buffer. */
void lp_http_map_write_json(const lp_http_map *m, lp_event *ev, lp_buf *out, lp_buf *scratch);
/* Appends the mapping rendered for ev as application/x-www-form-urlencoded:
 * one pair per top-level key; nested values are written as JSON text. A
 * mapping that is not a hash writes nothing. */
void lp_http_map_write_form(const lp_http_map *m, lp_event *ev, lp_buf *out, lp_buf *scratch);

/* Appends the event's fields (plus @timestamp) as a form: string values as
 * they are, anything else as JSON text. scratch is a work buffer. */
void lp_http_body_event_form(lp_event *ev, lp_buf *out, lp_buf *scratch);

/* Appends s percent-encoded as in a form: unreserved bytes (A-Z a-z 0-9
 * - . _ *) as is, space as '+', everything else %XX. */
void lp_http_body_form_escape(lp_buf *out, const char *s, size_t len);

#endif
