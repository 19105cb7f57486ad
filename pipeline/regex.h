/* regex: regular expressions with Ruby semantics (what Logstash's conditions
 * and gsub use) on PCRE2 with JIT. Ruby differences handled: ^ and $ match at
 * line boundaries, \h / \H are (non-)hex digits, (?m) means "dot matches
 * newline". Compiled once at config load; matching is thread-safe and uses a
 * per-thread match data block (no allocation per match). */
#ifndef LP_PIPELINE_REGEX_H
#define LP_PIPELINE_REGEX_H

#include <stdbool.h>
#include <stddef.h>

typedef struct lp_regex lp_regex;

/* Compiles pattern. On error returns NULL and writes a message into err
 * (errlen bytes) and the 0-based offset of the error into *err_col. */
lp_regex *lp_regex_compile(const char *pattern, char *err, size_t errlen, size_t *err_col);
void lp_regex_destroy(lp_regex *re);

/* True when re matches anywhere in s (len bytes). */
bool lp_regex_match(const lp_regex *re, const char *s, size_t len);

/* Searches s from offset start. On a match returns true and fills ov with
 * 2 * (captures + 1) offsets (start, end pairs; unset groups are
 * (size_t)-1), at most max_pairs pairs. */
bool lp_regex_search(const lp_regex *re, const char *s, size_t len, size_t start, size_t *ov,
		     size_t max_pairs);
/* Number of capture groups. */
size_t lp_regex_captures(const lp_regex *re);
/* Group number of a named group, or -1. */
int lp_regex_group_number(const lp_regex *re, const char *name);

#endif
