/* fieldref: compiled Logstash field references. "[a][b]", "a", "@metadata",
 * "[@metadata][x]", "@timestamp", "[arr][0]" (negative indexes count from the
 * end). Parsed once at config load; no string parsing at run time. Strict
 * syntax as Logstash 8: "a[b]", "[a" or "[]" are errors. Compiled references
 * are immutable and shared between threads. */
#ifndef LP_PIPELINE_FIELDREF_H
#define LP_PIPELINE_FIELDREF_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
	LP_FIELD_DATA,      /* the event's fields */
	LP_FIELD_META,      /* [@metadata]... */
	LP_FIELD_TIMESTAMP, /* exactly [@timestamp] */
} lp_field_root;

typedef struct lp_fieldref {
	lp_field_root root;
	size_t n;          /* segments below the root (0 for the whole root) */
	char **seg;        /* segment names */
	size_t *seglen;    /* their lengths */
	char *text;        /* the text as written, for messages */
} lp_fieldref;

/* Compiles text. Returns NULL on a syntax error, storing a static message in
 * *err (when err is non-NULL) and the 0-based column in *err_col. */
lp_fieldref *lp_fieldref_compile(const char *text, const char **err, size_t *err_col);
/* Compiles a reference to a single top-level key named exactly name (no
 * bracket parsing), as used for keys of hashes like add_field. */
lp_fieldref *lp_fieldref_top(const char *name);
void lp_fieldref_destroy(lp_fieldref *r);

#endif
