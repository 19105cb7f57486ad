#include "pipeline/cfgtest.h"

#include "conf/load.h"
#include "pipeline/buf.h"
#include "pipeline/compile.h"
#include "pipeline/fieldref.h"
#include "pipeline/jsonw.h"
#include "pipeline/mem.h"
#include "pipeline/worker.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct run {
	int passed, failed;
	bool verbose;
} run;

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

/* Reads a JSON-lines file; blank lines skipped. Returns an array, or NULL
 * with a message on stderr. */
static lpj_t *read_jsonl(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s: cannot open\n", path);
		return NULL;
	}
	lpj_t *arr = lpj_array();
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0;
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		size_t k = 0;
		while (line[k] == ' ' || line[k] == '\t')
			k++;
		if (!line[k])
			continue;
		lpj_error_t e;
		lpj_t *v = lpj_loadb(line, (size_t)n, 0, &e);
		if (!v) {
			fprintf(stderr, "%s:%d:%d: invalid JSON: %s\n", path, lineno, e.column, e.text);
			lpj_decref(arr);
			arr = NULL;
			break;
		}
		lpj_array_append_new(arr, v);
	}
	free(line);
	fclose(f);
	return arr;
}

static void describe_value(lp_buf *b, const lpj_t *v)
{
	if (!v) {
		lp_buf_adds(b, "(missing)");
		return;
	}
	lp_jsonw_value(b, v);
}

/* Compares expected (a subset) with actual; appends differences to diff. */
static void compare(const lpj_t *exp, const lpj_t *act, const char *path, lp_buf *diff)
{
	if (lpj_is_object(exp) && lpj_is_object(act)) {
		const char *k;
		lpj_t *ev;
		lpj_object_foreach((lpj_t *)exp, k, ev) {
			if (strcmp(k, "__absent__") == 0 && !*path)
				continue;
			char *sub = lp_asprintf("%s[%s]", path, k);
			compare(ev, lpj_object_get(act, k), sub, diff);
			lp_free(sub);
		}
		return;
	}
	if (act && lpj_equal((lpj_t *)exp, (lpj_t *)act))
		return;
	lp_buf_printf(diff, "      %s: expected ", path);
	describe_value(diff, exp);
	lp_buf_adds(diff, ", got ");
	describe_value(diff, act);
	lp_buf_addc(diff, '\n');
}

static void check_absent(const lpj_t *exp, lp_event *ev, lp_buf *diff)
{
	const lpj_t *abs = lpj_object_get(exp, "__absent__");
	if (!abs)
		return;
	for (size_t i = 0; i < lpj_array_size(abs); i++) {
		const char *name = lpj_string_value(lpj_array_get(abs, i));
		if (!name)
			continue;
		lp_fieldref *r = lp_fieldref_compile(name, NULL, NULL);
		lpj_t *v = r ? lp_event_get(ev, r) : NULL;
		if (v) {
			lp_buf_printf(diff, "      %s: expected to be absent, got ", name);
			describe_value(diff, v);
			lp_buf_addc(diff, '\n');
		}
		lp_fieldref_destroy(r);
	}
}

static void run_case(run *r, const char *dir)
{
	char *conf = lp_asprintf("%s/pipeline.conf", dir);
	char *in_path = lp_asprintf("%s/in.jsonl", dir);
	char *exp_path = lp_asprintf("%s/expected.jsonl", dir);
	lp_buf diff = LP_BUF_INIT;
	lpj_t *in = NULL, *exp = NULL;
	lp_ast_config *cfg = NULL;
	lp_graph *g = NULL;
	lp_worker *w = NULL;
	lp_event_vec out = { 0 };
	lp_diag *diag = lp_diag_create();
	const char *paths[1] = { conf };
	cfg = lp_conf_load(paths, 1, NULL, diag);
	if (cfg)
		g = lp_compile(cfg, LP_COMPILE_FILTERS_ONLY, diag);
	if (!g || lp_diag_count(diag)) {
		printf("FAIL %s: the configuration has errors:\n", dir);
		fflush(stdout);
		lp_diag_print(diag, stdout);
		r->failed++;
		goto done;
	}
	in = read_jsonl(in_path);
	exp = read_jsonl(exp_path);
	if (!in || !exp) {
		printf("FAIL %s: could not read in.jsonl / expected.jsonl\n", dir);
		r->failed++;
		goto done;
	}
	lp_worker_env env = { .graph = g, .batch_size = 1 };
	w = lp_worker_create(&env, 0);
	for (size_t i = 0; i < lpj_array_size(in); i++) {
		lpj_t *v = lpj_array_get(in, i);
		if (!lpj_is_object(v)) {
			printf("FAIL %s: in.jsonl line %zu is not a JSON object\n", dir, i + 1);
			r->failed++;
			goto done;
		}
		lp_worker_filter_one(w, lp_event_new(lpj_deep_copy(v)), &out);
	}
	if (out.n != lpj_array_size(exp))
		lp_buf_printf(&diff, "    expected %zu events, got %zu\n", lpj_array_size(exp), out.n);
	for (size_t i = 0; i < out.n && i < lpj_array_size(exp); i++) {
		lp_buf one = LP_BUF_INIT;
		lpj_t *e = lpj_array_get(exp, i);
		lpj_t *act = lp_event_to_json(out.v[i], true);
		compare(e, act, "", &one);
		check_absent(e, out.v[i], &one);
		if (one.len) {
			lp_buf_printf(&diff, "    event %zu:\n%s      actual event: ", i, lp_buf_str(&one));
			lp_jsonw_value(&diff, act);
			lp_buf_addc(&diff, '\n');
		}
		lpj_decref(act);
		lp_buf_fini(&one);
	}
	if (diff.len) {
		printf("FAIL %s\n%s", dir, lp_buf_str(&diff));
		r->failed++;
	} else {
		if (r->verbose)
			printf("PASS %s\n", dir);
		r->passed++;
	}
done:
	lp_event_vec_fini(&out);
	lp_worker_destroy(w);
	lp_graph_destroy(g);
	lp_ast_config_destroy(cfg);
	lp_diag_destroy(diag);
	lpj_decref(in);
	lpj_decref(exp);
	lp_buf_fini(&diff);
	lp_free(conf);
	lp_free(in_path);
	lp_free(exp_path);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_path(run *r, const char *dir, int depth)
{
	char *conf = lp_asprintf("%s/pipeline.conf", dir);
	bool is_case = exists(conf);
	lp_free(conf);
	if (is_case) {
		run_case(r, dir);
		return;
	}
	if (depth > 3)
		return;
	DIR *d = opendir(dir);
	if (!d) {
		printf("FAIL %s: not a directory with test cases\n", dir);
		r->failed++;
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *sub = lp_asprintf("%s/%s", dir, de->d_name);
		if (is_dir(sub)) {
			LP_GROW(names, cap, n + 1);
			names[n++] = sub;
		} else {
			lp_free(sub);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		run_path(r, names[i], depth + 1);
		lp_free(names[i]);
	}
	lp_free(names);
}

int lp_cfgtest_main(int argc, char **argv)
{
	run r = { 0 };
	int first = 0;
	if (argc > 0 && strcmp(argv[0], "-v") == 0) {
		r.verbose = true;
		first = 1;
	}
	if (argc - first <= 0) {
		fprintf(stderr, "logpipe: usage: logpipe test [-v] CASE_DIR...\n");
		return 1;
	}
	for (int i = first; i < argc; i++)
		run_path(&r, argv[i], 0);
	printf("%d passed, %d failed\n", r.passed, r.failed);
	return r.failed || r.passed == 0 ? 1 : 0;
}
