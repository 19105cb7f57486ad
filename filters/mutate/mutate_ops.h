/* mutate_ops: the pure value operations of the mutate filter, on JSON values
 * (pipeline/json.h) and strings, with Logstash's (Ruby's) semantics: type
 * conversion (integer, integer_eu, float, float_eu, string, boolean), gsub
 * with Ruby replacement strings (\1..\9, \0 and \&, \k<name>, \\, \` and
 * \'), case changes (Unicode-aware), strip, split (Ruby String#split with a
 * string separator) and join. Folder-private to filters/mutate. Thread-safe. */
#ifndef LP_FILTERS_MUTATE_MUTATE_OPS_H
#define LP_FILTERS_MUTATE_MUTATE_OPS_H

#include "pipeline/buf.h"
#include "pipeline/regex.h"

#include "pipeline/json.h"
#include <stdbool.h>

typedef enum {
	MUT_CONV_INTEGER, MUT_CONV_INTEGER_EU, MUT_CONV_FLOAT, MUT_CONV_FLOAT_EU,
	MUT_CONV_STRING, MUT_CONV_BOOLEAN,
} mut_conv;

/* Parses a convert type name; returns false when unknown. */
bool mut_conv_parse(const char *name, mut_conv *out);

/* Converts one scalar. Returns a new value, or NULL when the conversion
 * raises in Logstash (e.g. float of "abc"): the caller tags the event.
 * *unchanged is set when a boolean conversion could not be done and the
 * value passes through (Logstash logs a warning and keeps it). */
lpj_t *mut_convert(const lpj_t *v, mut_conv type, bool *unchanged);

/* Ruby (Onigmo) does not capture plain (...) groups in a pattern that has
 * named groups. Returns a new pattern where, if pattern has a named group,
 * every plain capturing group is made non-capturing; otherwise a copy.
 * Free with lp_free. */
char *mut_ruby_groups(const char *pattern);

/* A compiled gsub replacement (when it has no %{...}). */
typedef struct mut_repl mut_repl;
mut_repl *mut_repl_compile(const char *text);
void mut_repl_destroy(mut_repl *r);

/* Appends s (len bytes) with every match of re replaced to out; the
 * replacement is either compiled (r) or raw text parsed on the fly (text).
 * Returns false when a match used \k<name> for a group re does not have
 * (Ruby raises IndexError; the caller fails the filter). */
bool mut_gsub(const lp_regex *re, const char *s, size_t len, const mut_repl *r, const char *text,
	      lp_buf *out);

typedef enum { MUT_UPPER, MUT_LOWER, MUT_CAPITALIZE } mut_case;
/* Appends s with its case changed (UTF-8 aware, like Ruby's upcase). */
void mut_change_case(const char *s, size_t len, mut_case how, lp_buf *out);

/* Ruby String#strip: leading and trailing whitespace (and trailing NULs). */
void mut_strip(const char *s, size_t len, size_t *start, size_t *end);

/* Ruby String#split(sep) for a string separator: " " splits on runs of
 * whitespace ignoring leading whitespace; trailing empty fields are removed;
 * "" splits into characters. Returns a new array. */
lpj_t *mut_split(const char *s, size_t len, const char *sep);

/* Ruby Array#join: elements rendered as strings (nested arrays joined
 * recursively, objects as JSON). Appends to out. */
void mut_join(const lpj_t *arr, const char *sep, lp_buf *out);

/* Ruby to_s of a scalar value (integers, floats like 1.0 and 1.0e+20,
 * true/false, strings as is); appends to out. */
void mut_to_s(const lpj_t *v, lp_buf *out);

#endif
