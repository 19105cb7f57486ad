/* logpipe: the command line. argv and logpipe.yml into settings, signals,
 * exit codes; the pipeline itself lives in pipeline/.
 *
 * Exit codes: 0 clean drain (or config OK with -t), 1 configuration error,
 * 2 fatal runtime error or forced exit. */
#include "conf/load.h"
#include "pipeline/api.h"
#include "pipeline/cfgtest.h"
#include "pipeline/compile.h"
#include "pipeline/log.h"
#include "pipeline/mem.h"
#include "pipeline/pipeline.h"
#include "pipeline/settings.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef LOGPIPE_VERSION
#define LOGPIPE_VERSION "0.1.0"
#endif

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: logpipe [-f PATH | -e CONFIG] [options]\n"
		"       logpipe test CASE_DIR...      run config unit tests (pipeline.conf, in.jsonl, expected.jsonl)\n"
		"       logpipe describe KIND NAME    print a plugin's options (KIND: input, filter, output, codec)\n"
		"       logpipe describe list         list every plugin\n"
		"\nEvery setting can be given as --NAME VALUE (or --NAME=VALUE) or in logpipe.yml:\n\n");
	for (const lp_setting_def *d = lp_settings_table(); d->name; d++) {
		char name[64];
		snprintf(name, sizeof(name), "%s%s--%s", d->flag ? d->flag : "", d->flag ? ", " : "", d->name);
		fprintf(out, "  %-34s %s%s%s%s\n", name, d->doc, d->def ? " (default: " : "", d->def ? d->def : "",
			d->def ? ")" : "");
	}
}

static int describe(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[2], "list") == 0) {
		for (int k = 0; k < 4; k++)
			for (const char *const *n = lp_plugin_names((lp_plugin_kind)k); *n; n++)
				printf("%s %s\n", lp_plugin_kind_name((lp_plugin_kind)k), *n);
		return 0;
	}
	if (argc != 4) {
		fprintf(stderr, "logpipe: usage: logpipe describe input|filter|output|codec NAME [--markdown]\n");
		return 1;
	}
	static const char *const kinds[] = { "input", "filter", "output", "codec" };
	int kind = -1;
	for (int i = 0; i < 4; i++)
		if (strcmp(argv[2], kinds[i]) == 0)
			kind = i;
	const lp_plugin_def *d = kind < 0 ? NULL : lp_plugin_find((lp_plugin_kind)kind, argv[3]);
	if (!d) {
		fprintf(stderr, "logpipe: no %s plugin named '%s'\n", kind < 0 ? "such" : argv[2], argv[3]);
		return 1;
	}
	const lp_option_def *tables[2] = { d->options, lp_plugin_common_options(d->kind) };
	bool md = getenv("LOGPIPE_DESCRIBE_MARKDOWN") != NULL;
	if (!md)
		printf("%s plugin '%s': %s\n\n", argv[2], d->name, d->doc ? d->doc : "");
	lp_schema_describe(tables, 2, stdout, md);
	return 0;
}

/* Applies argv to s (skipping argv[0]); returns 0 or 1 after printing. */
static int parse_args(lp_settings *s, int argc, char **argv, bool settings_only)
{
	char err[512];
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		char name[128];
		const char *value = NULL;
		const lp_setting_def *d;
		if (a[0] == '-' && a[1] == '-') {
			const char *eq = strchr(a, '=');
			size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			if (len >= sizeof(name))
				len = sizeof(name) - 1;
			memcpy(name, a + 2, len);
			name[len] = '\0';
			d = lp_settings_find(name);
			if (!d)
				d = lp_settings_find(a);
			if (eq)
				value = eq + 1;
		} else if (a[0] == '-' && a[1] && a[1] != '-') {
			/* short flags take their value attached (-w2) or as the next argument */
			char flag[3] = { '-', a[1], '\0' };
			d = lp_settings_find(flag);
			if (a[2])
				value = a + 2;
		} else {
			fprintf(stderr, "logpipe: unexpected argument '%s' (see logpipe -h)\n", a);
			return 1;
		}
		if (!d) {
			fprintf(stderr, "logpipe: unknown option '%s' (see logpipe -h)\n", a);
			return 1;
		}
		if (!value) {
			if (d->type == LP_SET_BOOL) {
				value = "true";
				if (i + 1 < argc && (strcmp(argv[i + 1], "true") == 0 || strcmp(argv[i + 1], "false") == 0))
					value = argv[++i];
			} else if (i + 1 < argc) {
				value = argv[++i];
			} else {
				fprintf(stderr, "logpipe: option '%s' needs a value\n", a);
				return 1;
			}
		}
		bool is_settings_path = strcmp(d->name, "path.settings") == 0;
		if (settings_only != is_settings_path)
			continue;
		if (lp_settings_set(s, d->name, value, err, sizeof(err)) < 0) {
			fprintf(stderr, "logpipe: %s\n", err);
			return 1;
		}
	}
	return 0;
}

/* The running pipeline, read by the signal thread under g_mu. */
static lp_pipeline *g_pipeline;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;

static void *signal_main(void *arg)
{
	sigset_t *set = arg;
	int count = 0;
	for (;;) {
		int sig = 0;
		if (sigwait(set, &sig) != 0)
			continue;
		pthread_mutex_lock(&g_mu);
		if (!g_pipeline) {
			pthread_mutex_unlock(&g_mu);
			continue;
		}
		if (++count == 1) {
			lp_info("logpipe", "Received %s; stopping inputs and draining %llu events in flight "
				"(send it again to force exit).", sig == SIGINT ? "SIGINT" : "SIGTERM",
				(unsigned long long)lp_pipeline_inflight(g_pipeline));
			lp_pipeline_shutdown(g_pipeline);
			pthread_mutex_unlock(&g_mu);
		} else {
			lp_error("logpipe", "Forced exit on a second signal: %llu events were still in flight "
				 "and are not acknowledged upstream.", (unsigned long long)lp_pipeline_inflight(g_pipeline));
			_exit(2);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 2 && strcmp(argv[1], "describe") == 0)
		return describe(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "test") == 0)
		return lp_cfgtest_main(argc - 2, argv + 2);

	lp_settings *s = lp_settings_create();
	int rc = parse_args(s, argc, argv, true);
	if (rc)
		goto out;
	char err[512];
	if (lp_settings_isset(s, "path.settings") &&
	    lp_settings_load_yml(s, lp_settings_str(s, "path.settings"), err, sizeof(err)) < 0) {
		fprintf(stderr, "logpipe: %s\n", err);
		rc = 1;
		goto out;
	}
	if ((rc = parse_args(s, argc, argv, false)))
		goto out;
	if (lp_settings_bool(s, "help")) {
		usage(stdout);
		goto out;
	}
	if (lp_settings_bool(s, "version")) {
		printf("logpipe %s\n", LOGPIPE_VERSION);
		goto out;
	}
	lp_log_level level;
	if (lp_log_parse_level(lp_settings_str(s, "log.level"), &level) == 0)
		lp_log_set_level(level);

	size_t n_paths = 0;
	const char *const *paths = lp_settings_list(s, "path.config", &n_paths);
	const char *text = lp_settings_str(s, "config.string");
	if (!n_paths && !text) {
		fprintf(stderr, "logpipe: no configuration given: use -f PATH or -e CONFIG (see logpipe -h)\n");
		rc = 1;
		goto out;
	}
	lp_diag *diag = lp_diag_create();
	lp_ast_config *cfg = lp_conf_load(paths, n_paths, text, diag);
	lp_graph *g = cfg ? lp_compile(cfg, text ? LP_COMPILE_DEFAULT_IO : 0, diag) : NULL;
	if (lp_diag_count(diag) || !g) {
		lp_diag_print(diag, stderr);
		lp_graph_destroy(g);
		lp_ast_config_destroy(cfg);
		lp_diag_destroy(diag);
		rc = 1;
		goto out;
	}
	lp_diag_destroy(diag);
	if (lp_settings_bool(s, "config.test_and_exit")) {
		printf("Configuration OK\n");
		lp_graph_destroy(g);
		lp_ast_config_destroy(cfg);
		goto out;
	}

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	g_pipeline = lp_pipeline_create(g, s);
	if (!g_pipeline) {
		lp_ast_config_destroy(cfg);
		rc = 2;
		goto out;
	}
	pthread_t sig_thread;
	pthread_create(&sig_thread, NULL, signal_main, &set);
	pthread_detach(sig_thread);
	lp_api *api = lp_settings_bool(s, "api.enabled") ? lp_api_start(s, g_pipeline) : NULL;
	int run_rc = lp_pipeline_run(g_pipeline);
	lp_api_stop(api);
	rc = run_rc < 0 ? 2 : 0;
	if (rc)
		lp_error("logpipe", "Exiting with an error; see the messages above.");
	pthread_mutex_lock(&g_mu);
	lp_pipeline_destroy(g_pipeline);
	g_pipeline = NULL;
	pthread_mutex_unlock(&g_mu);
	lp_ast_config_destroy(cfg);
out:
	lp_settings_destroy(s);
	fflush(stdout);
	return rc;
}
