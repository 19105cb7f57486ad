#include "pipeline/settings.h"

#include "pipeline/error.h"
#include "pipeline/mem.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const lp_setting_def table[] = {
	{ "path.config", LP_SET_LIST, NULL, "-f", "Config file, directory or glob (repeatable; files are concatenated in alphabetical order)." },
	{ "config.string", LP_SET_STRING, NULL, "-e", "Config text given on the command line." },
	{ "config.test_and_exit", LP_SET_BOOL, "false", "-t", "Check the configuration, print 'Configuration OK' or every error, and exit." },
	{ "pipeline.id", LP_SET_STRING, "main", NULL, "Pipeline id (used in logs, metrics and the dead-letter queue path)." },
	{ "pipeline.workers", LP_SET_INT, NULL, "-w", "Worker threads running filters and outputs (default: number of cores)." },
	{ "pipeline.batch.size", LP_SET_INT, "125", "-b", "Maximum events a worker takes from the queue at once." },
	{ "pipeline.batch.delay", LP_SET_INT, "50", "-u", "Milliseconds a worker waits for a batch to fill." },
	{ "pipeline.ordered", LP_SET_STRING, "auto", NULL, "Accepted for compatibility; with one worker events keep their order." },
	{ "path.data", LP_SET_STRING, "data", NULL, "Directory for persistent data (dead-letter queue)." },
	{ "path.settings", LP_SET_STRING, NULL, NULL, "Directory holding logpipe.yml." },
	{ "log.level", LP_SET_STRING, "info", NULL, "error, warn, info or debug." },
	{ "queue.type", LP_SET_STRING, "memory", NULL, "Queue type: memory." },
	{ "queue.max_events", LP_SET_INT, "0", NULL, "Events the memory queue holds before inputs block (0: 4 x batch size x workers)." },
	{ "queue.max_bytes", LP_SET_BYTES, "64mb", NULL, "Bytes of events the memory queue holds before inputs block." },
	{ "dead_letter_queue.enable", LP_SET_BOOL, "false", NULL, "Write events rejected by outputs to the dead-letter queue." },
	{ "dead_letter_queue.max_bytes", LP_SET_BYTES, "1024mb", NULL, "Size bound of the dead-letter queue." },
	{ "dead_letter_queue.storage_policy", LP_SET_STRING, "drop_newer", NULL, "drop_newer or drop_older when the dead-letter queue is full." },
	{ "api.enabled", LP_SET_BOOL, "true", NULL, "Serve /metrics, /health and /_node/stats." },
	{ "api.http.host", LP_SET_STRING, "127.0.0.1", NULL, "Monitoring API address." },
	{ "api.http.port", LP_SET_STRING, "9600-9700", NULL, "Monitoring API port or range (the first free one is used)." },
	{ "version", LP_SET_BOOL, "false", "-V", "Print the version and exit." },
	{ "help", LP_SET_BOOL, "false", "-h", "Print this help and exit." },
	{ NULL, LP_SET_STRING, NULL, NULL, NULL },
};

#define N_SETTINGS (sizeof(table) / sizeof(table[0]) - 1)

struct lp_settings {
	char *value[N_SETTINGS];
	bool set[N_SETTINGS];
	char **list[N_SETTINGS];
	size_t n_list[N_SETTINGS];
};

const lp_setting_def *lp_settings_table(void)
{
	return table;
}

static int index_of(const char *name)
{
	for (size_t i = 0; i < N_SETTINGS; i++)
		if (strcmp(table[i].name, name) == 0 || (table[i].flag && strcmp(table[i].flag, name) == 0))
			return (int)i;
	/* Logstash accepts the short long-form aliases too */
	static const struct { const char *alias, *name; } aliases[] = {
		{ "--config.test_and_exit", "config.test_and_exit" }, { "--version", "version" },
		{ "--help", "help" }, { "--pipeline.workers", "pipeline.workers" },
	};
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(aliases[i].alias, name) == 0)
			return index_of(aliases[i].name);
	return -1;
}

const lp_setting_def *lp_settings_find(const char *name_or_flag)
{
	int i = index_of(name_or_flag);
	return i < 0 ? NULL : &table[i];
}

lp_settings *lp_settings_create(void)
{
	return lp_calloc(1, sizeof(lp_settings));
}

void lp_settings_destroy(lp_settings *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < N_SETTINGS; i++) {
		lp_free(s->value[i]);
		for (size_t j = 0; j < s->n_list[i]; j++)
			lp_free(s->list[i][j]);
		lp_free(s->list[i]);
	}
	lp_free(s);
}

int lp_parse_bytes(const char *text, uint64_t *out)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (end == text || errno || v < 0)
		return LP_EINVAL;
	while (*end == ' ')
		end++;
	static const struct { const char *suffix; double mul; } units[] = {
		{ "", 1 }, { "b", 1 }, { "kb", 1024.0 }, { "mb", 1048576.0 }, { "gb", 1073741824.0 },
		{ "tb", 1099511627776.0 }, { "k", 1024.0 }, { "m", 1048576.0 }, { "g", 1073741824.0 },
		{ "kib", 1024.0 }, { "mib", 1048576.0 }, { "gib", 1073741824.0 },
	};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcasecmp(end, units[i].suffix) == 0) {
			*out = (uint64_t)(v * units[i].mul);
			return 0;
		}
	}
	return LP_EINVAL;
}

static int parse_bool(const char *v, bool *out)
{
	if (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcasecmp(v, "yes") == 0) {
		*out = true;
		return 0;
	}
	if (strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0 || strcasecmp(v, "no") == 0) {
		*out = false;
		return 0;
	}
	return LP_EINVAL;
}

int lp_settings_set(lp_settings *s, const char *name, const char *value, char *err, size_t errlen)
{
	int i = index_of(name);
	if (i < 0) {
		snprintf(err, errlen, "unknown setting '%s'", name);
		return LP_ENOTFOUND;
	}
	const lp_setting_def *d = &table[i];
	switch (d->type) {
	case LP_SET_INT: {
		char *end;
		errno = 0;
		long long v = strtoll(value, &end, 10);
		if (end == value || *end || errno || v < 0) {
			snprintf(err, errlen, "setting '%s' expects a non-negative integer, got '%s'", d->name, value);
			return LP_EINVAL;
		}
		break;
	}
	case LP_SET_BOOL: {
		bool b;
		if (parse_bool(value, &b) < 0) {
			snprintf(err, errlen, "setting '%s' expects true or false, got '%s'", d->name, value);
			return LP_EINVAL;
		}
		break;
	}
	case LP_SET_BYTES: {
		uint64_t b;
		if (lp_parse_bytes(value, &b) < 0) {
			snprintf(err, errlen, "setting '%s' expects a byte size like '64mb', got '%s'", d->name, value);
			return LP_EINVAL;
		}
		break;
	}
	case LP_SET_LIST:
		s->list[i] = lp_realloc(s->list[i], (s->n_list[i] + 2) * sizeof(char *));
		s->list[i][s->n_list[i]++] = lp_strdup(value);
		s->list[i][s->n_list[i]] = NULL;
		s->set[i] = true;
		return 0;
	case LP_SET_STRING:
		break;
	}
	if (strcmp(d->name, "log.level") == 0 && !strstr("error|warn|warning|info|debug|trace|fatal", value)) {
		snprintf(err, errlen, "setting 'log.level' expects error, warn, info or debug, got '%s'", value);
		return LP_EINVAL;
	}
	if (strcmp(d->name, "dead_letter_queue.storage_policy") == 0 && strcmp(value, "drop_newer") &&
	    strcmp(value, "drop_older")) {
		snprintf(err, errlen, "setting 'dead_letter_queue.storage_policy' expects drop_newer or drop_older, got '%s'", value);
		return LP_EINVAL;
	}
	if (strcmp(d->name, "queue.type") == 0 && strcmp(value, "memory")) {
		snprintf(err, errlen, "setting 'queue.type' supports only 'memory', got '%s'", value);
		return LP_EINVAL;
	}
	lp_free(s->value[i]);
	s->value[i] = lp_strdup(value);
	s->set[i] = true;
	return 0;
}

static char *trim(char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	size_t n = strlen(p);
	while (n && isspace((unsigned char)p[n - 1]))
		p[--n] = '\0';
	return p;
}

static void unquote(char *v)
{
	size_t n = strlen(v);
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		memmove(v, v + 1, n - 2);
		v[n - 2] = '\0';
	}
}

int lp_settings_load_yml(lp_settings *s, const char *dir, char *err, size_t errlen)
{
	char *path = lp_asprintf("%s/logpipe.yml", dir);
	FILE *f = fopen(path, "r");
	if (!f) {
		int e = errno;
		if (e == ENOENT) {
			lp_free(path);
			return 0;
		}
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		lp_free(path);
		return -e;
	}
	/* a stack of (indent, key prefix) for nested maps */
	int indents[16];
	char *prefixes[16];
	int depth = 0;
	char line[4096];
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		char *hash = NULL;
		bool in_q = false;
		char q = 0;
		for (char *p = line; *p; p++) {
			if (in_q) {
				if (*p == q)
					in_q = false;
			} else if (*p == '"' || *p == '\'') {
				in_q = true;
				q = *p;
			} else if (*p == '#' && (p == line || isspace((unsigned char)p[-1]))) {
				hash = p;
				break;
			}
		}
		if (hash)
			*hash = '\0';
		int indent = 0;
		while (line[indent] == ' ')
			indent++;
		char *body = trim(line);
		if (!*body || strcmp(body, "---") == 0)
			continue;
		char *colon = strstr(body, ": ");
		if (!colon && body[strlen(body) - 1] == ':')
			colon = body + strlen(body) - 1;
		if (!colon) {
			snprintf(err, errlen, "%s:%d: expected 'key: value'", path, lineno);
			rc = LP_EINVAL;
			break;
		}
		*colon = '\0';
		char *key = trim(body);
		char *value = trim(colon + 1);
		while (depth > 0 && indents[depth - 1] >= indent)
			lp_free(prefixes[--depth]);
		char *full = depth ? lp_asprintf("%s.%s", prefixes[depth - 1], key) : lp_strdup(key);
		if (!*value) {
			if (depth < 16) {
				indents[depth] = indent;
				prefixes[depth++] = full;
			} else {
				lp_free(full);
			}
			continue;
		}
		unquote(value);
		char msg[512];
		if (lp_settings_set(s, full, value, msg, sizeof(msg)) < 0) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
			lp_free(full);
			rc = LP_EINVAL;
			break;
		}
		lp_free(full);
	}
	while (depth > 0)
		lp_free(prefixes[--depth]);
	fclose(f);
	lp_free(path);
	return rc;
}

static int must_index(const char *name)
{
	int i = index_of(name);
	if (i < 0) {
		fprintf(stderr, "logpipe: internal error: unknown setting '%s'\n", name);
		abort();
	}
	return i;
}

const char *lp_settings_str(const lp_settings *s, const char *name)
{
	int i = must_index(name);
	return s->set[i] ? s->value[i] : table[i].def;
}

long long lp_settings_int(const lp_settings *s, const char *name)
{
	const char *v = lp_settings_str(s, name);
	if (!v) {
		if (strcmp(name, "pipeline.workers") == 0) {
			long n = sysconf(_SC_NPROCESSORS_ONLN);
			return n > 0 ? n : 1;
		}
		return 0;
	}
	return strtoll(v, NULL, 10);
}

bool lp_settings_bool(const lp_settings *s, const char *name)
{
	const char *v = lp_settings_str(s, name);
	bool b = false;
	if (v)
		parse_bool(v, &b);
	return b;
}

uint64_t lp_settings_bytes(const lp_settings *s, const char *name)
{
	const char *v = lp_settings_str(s, name);
	uint64_t b = 0;
	if (v)
		lp_parse_bytes(v, &b);
	return b;
}

const char *const *lp_settings_list(const lp_settings *s, const char *name, size_t *n)
{
	int i = must_index(name);
	*n = s->n_list[i];
	return (const char *const *)s->list[i];
}

bool lp_settings_isset(const lp_settings *s, const char *name)
{
	return s->set[must_index(name)];
}
