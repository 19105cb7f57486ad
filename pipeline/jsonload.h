/* jsonload: the fast loader from JSON text to values (json.h) under
 * lpj_loads/lpj_loadb (pipeline/jsonio.c) and the JSON of events (Beats
 * payloads, JSON lines, the json filter). It accepts exactly what jansson's
 * json_loadb(JSON_DECODE_ANY | JSON_ALLOW_NUL) accepts (RFC 8259 text, any
 * top-level value, "\u0000" inside strings but not in object keys, duplicate
 * keys with the last one winning, integers that fit lpj_int_t, up to 2048
 * nested values) and builds the same values; a differential unit test holds
 * it to that. One deliberate difference: json_loadb skips a NUL byte right
 * after a number or literal; here that is an error, as RFC 8259 says. Values
 * are made where new values are made now (json.h). Pure and thread-safe. */
#ifndef LP_PIPELINE_JSONLOAD_H
#define LP_PIPELINE_JSONLOAD_H

#include "pipeline/json.h"
#include <stddef.h>

/* Parses len bytes. Returns a new reference, or NULL with a sentence in err
 * (cap bytes; err may be NULL) and the byte offset of the problem in *pos
 * (pos may be NULL). */
lpj_t *lp_json_load(const char *s, size_t len, char *err, size_t cap, size_t *pos);

/* Options of lp_json_load_ex: LP_JSON_LOAD_PREFIX parses the value at the
 * start and ignores what follows it; LP_JSON_LOAD_NO_NUL rejects "\u0000" in
 * strings; LP_JSON_LOAD_EAGER parses every object into members (see below);
 * LP_JSON_LOAD_IN_ARENA tells that the text lives in the current arena (as
 * long), so that raw objects can keep pointing into it; LP_JSON_LOAD_LEARN
 * parses right away the objects under member names whose raw objects were
 * looked into often before (a table shared by every load with this option:
 * for documents of a steady shape, such as events).
 *
 * Loading into an arena (json.h), nested objects whose text is canonical
 * compact JSON are made raw objects (lpj_object_raw) unless EAGER is given:
 * their text is checked as strictly as a parse (anything else is parsed the
 * usual way, so errors are the same) and their members are parsed only when
 * something looks inside. Values read either way are equal. */
#define LP_JSON_LOAD_PREFIX 0x1u
#define LP_JSON_LOAD_NO_NUL 0x2u
#define LP_JSON_LOAD_EAGER 0x4u
#define LP_JSON_LOAD_IN_ARENA 0x8u
#define LP_JSON_LOAD_LEARN 0x10u

/* Where lp_json_load_ex stopped. */
typedef struct lp_json_load_at {
	size_t used;  /* success: the offset just past the value with PREFIX,
		       * else len */
	size_t pos;   /* failure: offset of the problem */
	size_t token; /* failure: offset of the token the problem is in (a
		       * string's opening quote when it is inside one, else pos) */
} lp_json_load_at;

/* lp_json_load with options (see above), for lpj_loadb. Returns a new
 * reference, or NULL with a sentence in err (cap bytes; err may be NULL when
 * cap is 0); at is filled either way. */
lpj_t *lp_json_load_ex(const char *s, size_t len, unsigned opts, char *err, size_t cap,
		       lp_json_load_at *at);

#endif
