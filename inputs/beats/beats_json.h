/* beats_json: a fast loader from JSON text to jansson values, for the JSON
 * payloads of Beats events (jansson's own json_loadb dominates the input's
 * CPU time). It accepts exactly what json_loadb(JSON_ALLOW_NUL) accepts
 * (RFC 8259 text, any top-level value, "\u0000" inside strings but not in
 * object keys, duplicate keys with the last one winning, integers that fit
 * json_int_t, up to 2048 nested values) and builds the same values, so it can
 * replace it; a differential unit test holds it to that. One deliberate
 * difference: json_loadb skips a NUL byte right after a number or literal;
 * here that is an error, as RFC 8259 says. Pure and thread-safe. */
#ifndef LP_INPUTS_BEATS_BEATS_JSON_H
#define LP_INPUTS_BEATS_BEATS_JSON_H

#include <jansson.h>
#include <stddef.h>

/* Parses len bytes. Returns a new reference, or NULL with a sentence in err
 * (cap bytes) and the byte offset of the problem in *pos (pos may be NULL). */
json_t *lp_beats_json_parse(const char *s, size_t len, char *err, size_t cap, size_t *pos);

#endif
