/* Unit tests for the dead-letter queue writer. */
#include "lp_test.h"

#include "pipeline/dlq.h"
#include "pipeline/error.h"
#include "pipeline/mem.h"

#include <dirent.h>
#include <pthread.h>
#include <errno.h>
#include "pipeline/json.h"
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[256];

static void make_tmp(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/lp-test-dlq-XXXXXX");
	CHECK(mkdtemp(tmp) != NULL);
}

static void rm_rf(const char *path)
{
	char *cmd = lp_asprintf("rm -rf '%s'", path);
	CHECK(system(cmd) == 0);
	lp_free(cmd);
}

static lp_event *event_n(int n, size_t pad)
{
	lpj_t *o = lpj_object();
	lpj_object_set_new(o, "n", lpj_integer(n));
	lpj_object_set_new(o, "@timestamp", lpj_string("2024-03-01T12:00:00.000Z"));
	char *p = lp_malloc(pad + 1);
	memset(p, 'x', pad);
	p[pad] = 0;
	lpj_object_set_new(o, "pad", lpj_string(p));
	lp_free(p);
	lpj_t *m = lpj_object();
	lpj_object_set_new(m, "k", lpj_string("v"));
	lpj_object_set_new(o, "@metadata", m);
	return lp_event_new(o);
}

/* Reads every entry of every segment, oldest first. */
static lpj_t *read_all(const char *qdir, size_t *n_segments)
{
	lpj_t *all = lpj_array();
	struct dirent **names;
	int n = scandir(qdir, &names, NULL, alphasort);
	*n_segments = 0;
	for (int i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		size_t l = strlen(nm);
		if (l == 14 && strcmp(nm + 10, ".log") == 0) {
			(*n_segments)++;
			char *path = lp_asprintf("%s/%s", qdir, nm);
			FILE *f = fopen(path, "r");
			char *line = NULL;
			size_t cap = 0;
			while (f && getline(&line, &cap, f) > 0) {
				lpj_t *e = lpj_loads(line, 0, NULL);
				CHECK(e != NULL);
				if (e)
					lpj_array_append_new(all, e);
			}
			free(line);
			if (f)
				fclose(f);
			lp_free(path);
		}
		free(names[i]);
	}
	free(names);
	return all;
}

static void test_entry_format(void)
{
	make_tmp();
	int err = 0;
	lp_dlq *q = lp_dlq_open(tmp, "main", 1 << 20, LP_DLQ_DROP_NEWER, &err);
	CHECK(q != NULL);
	if (!q)
		return;
	lp_event *ev = event_n(1, 3);
	CHECK_INT(lp_dlq_append(q, ev, "elasticsearch", "es_out", "status 400: \"bad\"\n doc"), 0);
	CHECK_INT(lp_dlq_sync(q), 0);
	lp_event_destroy(ev);
	char *qdir = lp_asprintf("%s/dead_letter_queue/main", tmp);
	size_t segs;
	lpj_t *all = read_all(qdir, &segs);
	CHECK_INT(segs, 1);
	CHECK_INT(lpj_array_size(all), 1);
	lpj_t *e = lpj_array_get(all, 0);
	CHECK_STR(lpj_string_value(lpj_object_get(e, "plugin_type")), "elasticsearch");
	CHECK_STR(lpj_string_value(lpj_object_get(e, "plugin_id")), "es_out");
	CHECK_STR(lpj_string_value(lpj_object_get(e, "reason")), "status 400: \"bad\"\n doc");
	const char *t = lpj_string_value(lpj_object_get(e, "time"));
	CHECK(t && strlen(t) >= 20 && t[4] == '-' && t[10] == 'T');
	lpj_t *evj = lpj_object_get(e, "event");
	CHECK_INT(lpj_integer_value(lpj_object_get(evj, "n")), 1);
	CHECK_STR(lpj_string_value(lpj_object_get(evj, "@timestamp")), "2024-03-01T12:00:00.000Z");
	CHECK_STR(lpj_string_value(lpj_object_get(lpj_object_get(evj, "@metadata"), "k")), "v");
	lpj_decref(all);
	lp_dlq_close(q);

	/* A second open appends to a new segment and never to the old one. */
	q = lp_dlq_open(tmp, "main", 1 << 20, LP_DLQ_DROP_NEWER, &err);
	CHECK(q != NULL);
	ev = event_n(2, 3);
	CHECK_INT(lp_dlq_append(q, ev, "filter", "f", "r"), 0);
	lp_event_destroy(ev);
	/* The directory is locked while open. */
	int err2 = 0;
	lp_dlq *q2 = lp_dlq_open(tmp, "main", 1 << 20, LP_DLQ_DROP_NEWER, &err2);
	CHECK(q2 == NULL);
	CHECK_INT(err2, -EWOULDBLOCK);
	lp_dlq_close(q);
	all = read_all(qdir, &segs);
	CHECK_INT(segs, 2);
	CHECK_INT(lpj_array_size(all), 2);
	CHECK_INT(lpj_integer_value(lpj_object_get(lpj_object_get(lpj_array_get(all, 1), "event"), "n")), 2);
	lpj_decref(all);
	lp_free(qdir);
	rm_rf(tmp);
}

static void test_drop_newer(void)
{
	make_tmp();
	int err = 0;
	/* ~300-byte entries in a 4 KiB queue. */
	lp_dlq *q = lp_dlq_open(tmp, "p", 4096, LP_DLQ_DROP_NEWER, &err);
	CHECK(q != NULL);
	if (!q)
		return;
	int ok = 0, full = 0;
	for (int i = 0; i < 40; i++) {
		lp_event *ev = event_n(i, 200);
		int rc = lp_dlq_append(q, ev, "output", "o", "reason");
		lp_event_destroy(ev);
		if (rc == 0)
			ok++;
		else if (rc == LP_ETOOBIG)
			full++;
	}
	CHECK_INT(ok + full, 40);
	CHECK(ok >= 10 && ok < 40);
	CHECK_INT(lp_dlq_dropped(q), full);
	/* An entry bigger than the whole queue is refused too. */
	lp_event *big = event_n(99, 5000);
	CHECK_INT(lp_dlq_append(q, big, "output", "o", "reason"), LP_ETOOBIG);
	lp_event_destroy(big);
	CHECK_INT(lp_dlq_dropped(q), full + 1);
	CHECK_INT(lp_dlq_sync(q), 0);
	lp_dlq_close(q);
	char *qdir = lp_asprintf("%s/dead_letter_queue/p", tmp);
	size_t segs;
	lpj_t *all = read_all(qdir, &segs);
	/* drop_newer keeps the first entries. */
	CHECK_INT(lpj_array_size(all), ok);
	for (int i = 0; i < ok; i++)
		CHECK_INT(lpj_integer_value(lpj_object_get(lpj_object_get(lpj_array_get(all, (size_t)i), "event"), "n")), i);
	lpj_decref(all);
	lp_free(qdir);
	rm_rf(tmp);
}

static void test_drop_older(void)
{
	make_tmp();
	int err = 0;
	lp_dlq *q = lp_dlq_open(tmp, "p", 16384, LP_DLQ_DROP_OLDER, &err);
	CHECK(q != NULL);
	if (!q)
		return;
	for (int i = 0; i < 200; i++) {
		lp_event *ev = event_n(i, 200);
		CHECK_INT(lp_dlq_append(q, ev, "output", "o", "reason"), 0);
		lp_event_destroy(ev);
	}
	CHECK_INT(lp_dlq_sync(q), 0);
	uint64_t dropped = lp_dlq_dropped(q);
	lp_dlq_close(q);
	char *qdir = lp_asprintf("%s/dead_letter_queue/p", tmp);
	size_t segs;
	lpj_t *all = read_all(qdir, &segs);
	size_t kept = lpj_array_size(all);
	CHECK(segs >= 2);
	CHECK(kept > 20 && kept < 200);
	CHECK_INT(kept + dropped, 200);
	/* The newest entries are kept, in order, ending with the last one. */
	for (size_t i = 0; i < kept; i++)
		CHECK_INT(lpj_integer_value(lpj_object_get(lpj_object_get(lpj_array_get(all, i), "event"), "n")),
			  200 - kept + i);
	/* The bound holds on disk. */
	uint64_t total = 0;
	DIR *d = opendir(qdir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (strstr(de->d_name, ".log")) {
			char *path = lp_asprintf("%s/%s", qdir, de->d_name);
			struct stat st;
			if (stat(path, &st) == 0)
				total += (uint64_t)st.st_size;
			lp_free(path);
		}
	}
	if (d)
		closedir(d);
	CHECK(total <= 16384);
	lpj_decref(all);
	lp_free(qdir);
	rm_rf(tmp);
}

typedef struct writer_arg {
	lp_dlq *q;
	int thread;
	int errors;
} writer_arg;

static void *writer_main(void *p)
{
	writer_arg *w = p;
	for (int i = 0; i < 500; i++) {
		lp_event *ev = event_n(w->thread * 1000 + i, 50);
		if (lp_dlq_append(w->q, ev, "output", "o", "concurrent") != 0)
			w->errors++;
		lp_event_destroy(ev);
		if (i % 50 == 0 && lp_dlq_sync(w->q) != 0)
			w->errors++;
	}
	return NULL;
}

/* Workers append and sync concurrently: every entry lands once, whole. */
static void test_concurrent(void)
{
	make_tmp();
	int err = 0;
	lp_dlq *q = lp_dlq_open(tmp, "p", 64 << 20, LP_DLQ_DROP_NEWER, &err);
	CHECK(q != NULL);
	if (!q)
		return;
	pthread_t t[4];
	writer_arg args[4];
	for (int i = 0; i < 4; i++) {
		args[i] = (writer_arg){ q, i, 0 };
		pthread_create(&t[i], NULL, writer_main, &args[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CHECK_INT(args[i].errors, 0);
	}
	CHECK_INT(lp_dlq_dropped(q), 0);
	lp_dlq_close(q);
	char *qdir = lp_asprintf("%s/dead_letter_queue/p", tmp);
	size_t segs;
	lpj_t *all = read_all(qdir, &segs);
	CHECK_INT(lpj_array_size(all), 2000);
	static unsigned char seen[4000];
	memset(seen, 0, sizeof(seen));
	for (size_t i = 0; i < lpj_array_size(all); i++) {
		lpj_int_t n = lpj_integer_value(lpj_object_get(lpj_object_get(lpj_array_get(all, i), "event"), "n"));
		CHECK(n >= 0 && n < 4000);
		if (n >= 0 && n < 4000)
			seen[n]++;
	}
	for (int th = 0; th < 4; th++)
		for (int i = 0; i < 500; i++)
			CHECK_INT(seen[th * 1000 + i], 1);
	lpj_decref(all);
	lp_free(qdir);
	rm_rf(tmp);
}

static void test_open_error(void)
{
	int err = 0;
	lp_dlq *q = lp_dlq_open("/proc/nonexistent-dir", "p", 1024, LP_DLQ_DROP_NEWER, &err);
	CHECK(q == NULL);
	CHECK(err < 0);
	lp_dlq_close(NULL);
}

int main(void)
{
	LP_RUN(test_entry_format);
	LP_RUN(test_drop_newer);
	LP_RUN(test_drop_older);
	LP_RUN(test_concurrent);
	LP_RUN(test_open_error);
	return lp_test_report();
}
