/* log: logpipe's own diagnostics, always to stderr (never into stdout output).
 * Thread-safe; each message is one line written with a single write(2).
 * Messages are sentences with quoted identifiers; never log secrets. */
#ifndef LP_PIPELINE_LOG_H
#define LP_PIPELINE_LOG_H

#include <stdbool.h>

typedef enum { LP_LOG_ERROR = 0, LP_LOG_WARN, LP_LOG_INFO, LP_LOG_DEBUG } lp_log_level;

void lp_log_set_level(lp_log_level level);
lp_log_level lp_log_get_level(void);
/* Parses "error|warn|info|debug" (also "warning", "trace"); returns 0 or LP_EINVAL. */
int lp_log_parse_level(const char *s, lp_log_level *out);
bool lp_log_enabled(lp_log_level level);

void lp_log(lp_log_level level, const char *component, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define lp_error(comp, ...) lp_log(LP_LOG_ERROR, comp, __VA_ARGS__)
#define lp_warn(comp, ...) lp_log(LP_LOG_WARN, comp, __VA_ARGS__)
#define lp_info(comp, ...) lp_log(LP_LOG_INFO, comp, __VA_ARGS__)
#define lp_debug(comp, ...) \
	do { if (lp_log_enabled(LP_LOG_DEBUG)) lp_log(LP_LOG_DEBUG, comp, __VA_ARGS__); } while (0)

/* A rate limiter for warnings on per-event paths: at most one message per
 * interval; suppressed messages are counted and reported with the next one.
 * Zero-initialise; safe to share between threads. */
typedef struct lp_ratelimit {
	long long last_ms;  /* atomic access via __atomic builtins */
	long long suppressed;
} lp_ratelimit;

/* Returns true when a message may be logged now; *suppressed receives the
 * number of messages dropped since the last one that was logged. */
bool lp_ratelimit_ok(lp_ratelimit *rl, long interval_ms, long long *suppressed);

#endif
