/* template: compiled sprintf templates (Logstash's event.sprintf):
 * "%{field}", "%{[a][b]}", "%{+YYYY.MM.dd}" (Joda pattern over @timestamp in
 * UTC), "%{+%s}" (epoch seconds), "%{{yyyy-MM-dd}}" (date pattern, read with
 * the Joda letters) and "%{{TIME_NOW}}" (the current time). A missing or null
 * field stays literally "%{field}"; a "%{" with no "}" after it is literal.
 * Strings render as is, numbers as JSON numbers, booleans as true/false,
 * arrays joined with "," (null elements empty, nested arrays flattened),
 * objects as JSON, @timestamp as ISO8601. Compiled once; immutable and shared
 * between threads. */
#ifndef LP_PIPELINE_TEMPLATE_H
#define LP_PIPELINE_TEMPLATE_H

#include "pipeline/buf.h"
#include "pipeline/event.h"

#include <stdbool.h>

typedef struct lp_template lp_template;

/* Returns NULL on error (an invalid field reference or date pattern inside
 * "%{...}") with a static message in *err and the 0-based column in *err_col
 * (both optional). */
lp_template *lp_template_compile(const char *text, const char **err, size_t *err_col);
void lp_template_destroy(lp_template *t);
/* True when the template has no %{...} references. */
bool lp_template_is_constant(const lp_template *t);
const char *lp_template_text(const lp_template *t);
/* Appends the rendering to out. */
void lp_template_render(const lp_template *t, lp_event *ev, lp_buf *out);
/* Renders into a fresh allocation (caller frees with lp_free). */
char *lp_template_render_str(const lp_template *t, lp_event *ev);

#endif
