/* jsonw: a JSON writer into lp_buf: compact, RFC 8259 escaping, invalid UTF-8
 * replaced by U+FFFD, integers exact, reals shortest round-trip. Pure and
 * thread-safe. */
#ifndef LP_PIPELINE_JSONW_H
#define LP_PIPELINE_JSONW_H

#include "pipeline/buf.h"

#include "pipeline/json.h"
#include <stddef.h>

#include <stdbool.h>

/* Writes v (NULL writes null). Objects keep their insertion order. */
void lp_jsonw_value(lp_buf *out, const lpj_t *v);
/* Writes the members of object obj as "k":v pairs without the braces, each
 * preceded by ',' unless it is the first and comma is false. Returns true when
 * a following member needs a ',' (comma was true or something was written). */
bool lp_jsonw_members(lp_buf *out, const lpj_t *obj, bool comma);
/* Writes s (len bytes) as a quoted JSON string. */
void lp_jsonw_string(lp_buf *out, const char *s, size_t len);
/* Writes an integer in decimal. */
void lp_jsonw_int(lp_buf *out, lpj_int_t v);
/* Writes a real as JSON (always with a '.' or exponent, like Logstash's 1.0). */
void lp_jsonw_real(lp_buf *out, double d);

/* Replaces invalid UTF-8 sequences with U+FFFD; appends the result to out. */
void lp_utf8_sanitize(lp_buf *out, const char *s, size_t len);
/* True when s (len bytes) is valid UTF-8. */
int lp_utf8_valid(const char *s, size_t len);

#endif
