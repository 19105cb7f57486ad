#include "pipeline/log.h"

#include "pipeline/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static int g_level = LP_LOG_INFO;

void lp_log_set_level(lp_log_level level)
{
	__atomic_store_n(&g_level, (int)level, __ATOMIC_RELAXED);
}

lp_log_level lp_log_get_level(void)
{
	return (lp_log_level)__atomic_load_n(&g_level, __ATOMIC_RELAXED);
}

bool lp_log_enabled(lp_log_level level)
{
	return (int)level <= __atomic_load_n(&g_level, __ATOMIC_RELAXED);
}

int lp_log_parse_level(const char *s, lp_log_level *out)
{
	static const struct { const char *name; lp_log_level level; } names[] = {
		{ "error", LP_LOG_ERROR }, { "fatal", LP_LOG_ERROR }, { "warn", LP_LOG_WARN },
		{ "warning", LP_LOG_WARN }, { "info", LP_LOG_INFO }, { "debug", LP_LOG_DEBUG },
		{ "trace", LP_LOG_DEBUG },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(s, names[i].name) == 0) {
			*out = names[i].level;
			return 0;
		}
	}
	return LP_EINVAL;
}

void lp_log(lp_log_level level, const char *component, const char *fmt, ...)
{
	static const char *const tags[] = { "ERROR", "WARN ", "INFO ", "DEBUG" };
	if (!lp_log_enabled(level))
		return;
	char line[4096];
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	int n = snprintf(line, sizeof(line), "[%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ][%s][%s] ",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			 tm.tm_sec, ts.tv_nsec / 1000000, tags[level], component ? component : "logpipe");
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2;
	line[len++] = '\n';
	ssize_t w = write(STDERR_FILENO, line, len);
	(void)w;
}

bool lp_ratelimit_ok(lp_ratelimit *rl, long interval_ms, long long *suppressed)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	long long now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	long long last = __atomic_load_n(&rl->last_ms, __ATOMIC_RELAXED);
	if (last != 0 && now - last < interval_ms) {
		__atomic_add_fetch(&rl->suppressed, 1, __ATOMIC_RELAXED);
		return false;
	}
	if (!__atomic_compare_exchange_n(&rl->last_ms, &last, now ? now : 1, false,
					 __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
		__atomic_add_fetch(&rl->suppressed, 1, __ATOMIC_RELAXED);
		return false;
	}
	*suppressed = __atomic_exchange_n(&rl->suppressed, 0, __ATOMIC_RELAXED);
	return true;
}
