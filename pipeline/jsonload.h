/* jsonload: a fast loader from JSON text to jansson values, for the JSON
 * of events (Beats payloads, JSON lines, the json filter: jansson's own
 * json_loadb dominated their CPU time). It accepts exactly what
 * json_loadb(JSON_DECODE_ANY | JSON_ALLOW_NUL) accepts (RFC 8259 text, any top-level value, "\u0000" inside strings but not in
 * object keys, duplicate keys with the last one winning, integers that fit
 * json_int_t, up to 2048 nested values) and builds the same values, so it can
 * replace it; a differential unit test holds it to that. One deliberate
 * difference: json_loadb skips a NUL byte right after a number or literal;
 * here that is an error, as RFC 8259 says. Pure and thread-safe. */
#ifndef LP_PIPELINE_JSONLOAD_H
#define LP_PIPELINE_JSONLOAD_H

#include <jansson.h>
#include <stddef.h>

/* Parses len bytes. Returns a new reference, or NULL with a sentence in err
 * (cap bytes; err may be NULL) and the byte offset of the problem in *pos
 * (pos may be NULL). */
json_t *lp_json_load(const char *s, size_t len, char *err, size_t cap, size_t *pos);

#endif
