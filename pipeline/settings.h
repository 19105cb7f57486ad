/* settings: logpipe's settings, one dotted name each (pipeline.workers,
 * path.data, queue.max_events, ...), usable as a command-line flag
 * (--pipeline.workers 2 or --pipeline.workers=2) and as a key in logpipe.yml
 * under --path.settings (flat "a.b: v" keys or nested maps, like
 * logstash.yml). Precedence: defaults < logpipe.yml < flags. Main thread
 * only; read-only once the pipeline starts. */
#ifndef LP_PIPELINE_SETTINGS_H
#define LP_PIPELINE_SETTINGS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef enum { LP_SET_STRING, LP_SET_INT, LP_SET_BOOL, LP_SET_BYTES, LP_SET_LIST } lp_setting_type;

typedef struct lp_setting_def {
	const char *name;
	lp_setting_type type;
	const char *def;     /* default text, or NULL */
	const char *flag;    /* short flag ("-w") or NULL */
	const char *doc;
} lp_setting_def;

typedef struct lp_settings lp_settings;

lp_settings *lp_settings_create(void);
void lp_settings_destroy(lp_settings *s);

/* Sets name to value (text) after checking the name and the value's type.
 * LP_SET_LIST settings (path.config) accumulate. Returns 0, or LP_ENOTFOUND /
 * LP_EINVAL with a message in err (errlen bytes). */
int lp_settings_set(lp_settings *s, const char *name, const char *value, char *err, size_t errlen);
/* Loads DIR/logpipe.yml when it exists (missing file: 0). Errors name the
 * file and line. */
int lp_settings_load_yml(lp_settings *s, const char *dir, char *err, size_t errlen);

const char *lp_settings_str(const lp_settings *s, const char *name);
long long lp_settings_int(const lp_settings *s, const char *name);
bool lp_settings_bool(const lp_settings *s, const char *name);
uint64_t lp_settings_bytes(const lp_settings *s, const char *name);
/* LP_SET_LIST values; *n receives the count. */
const char *const *lp_settings_list(const lp_settings *s, const char *name, size_t *n);
bool lp_settings_isset(const lp_settings *s, const char *name);

/* The table of every setting (terminated by a NULL name) and the matching def
 * for a short flag or a long name. */
const lp_setting_def *lp_settings_table(void);
const lp_setting_def *lp_settings_find(const char *name_or_flag);
/* Parses "64mb", "1gb", "512kb", "100" into bytes; returns 0 or LP_EINVAL. */
int lp_parse_bytes(const char *text, uint64_t *out);

#endif
