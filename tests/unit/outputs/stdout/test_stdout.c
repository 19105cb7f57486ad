/* Tests for outputs/stdout: delivery statuses, whole batches never
 * interleave between workers, a full non-blocking stdout is waited on, and a
 * closed stdout rejects instead of killing the process. fd 1 is redirected
 * to pipes for the duration of each test. */
#include "lp_test.h"

#include "codecs/codec_helper.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

typedef struct reader {
	int fd;
	lp_buf got;
	pthread_t tid;
} reader;

static void *read_all(void *arg)
{
	reader *r = arg;
	static _Thread_local char buf[65536];
	for (;;) {
		ssize_t n = read(r->fd, buf, sizeof(buf));
		if (n > 0)
			lp_buf_add(&r->got, buf, (size_t)n);
		else if (n == 0 || errno != EINTR)
			break;
	}
	return NULL;
}

static int saved_stdout = -1;

/* Points fd 1 at a new pipe whose read end a thread drains into r->got. */
static void redirect(reader *r)
{
	int p[2];
	if (pipe(p) != 0)
		abort();
	fflush(stdout);
	saved_stdout = dup(1);
	dup2(p[1], 1);
	close(p[1]);
	r->fd = p[0];
	lp_buf_init(&r->got);
	pthread_create(&r->tid, NULL, read_all, r);
}

/* Restores fd 1 (closing the pipe's write end) and waits for the reader. */
static void restore(reader *r)
{
	dup2(saved_stdout, 1);
	close(saved_stdout);
	pthread_join(r->tid, NULL);
	close(r->fd);
}

typedef struct out {
	test_codec holder;
	const lp_plugin_def *def;
	void *inst;
} out;

static bool out_create(out *o, const char *codec_name)
{
	memset(o, 0, sizeof(*o));
	const char *opts[] = { "codec", codec_name, NULL };
	o->inst = test_plugin_create(&o->holder, LP_PLUGIN_OUTPUT, "stdout", opts);
	o->def = o->holder.c.def;
	return o->inst != NULL;
}

static void out_destroy(out *o)
{
	if (o->def && o->def->destroy)
		o->def->destroy(o->inst);
	test_holder_fini(&o->holder);
}

static void test_batch_delivered(void)
{
	out o;
	if (!out_create(&o, "json_lines")) {
		CHECK(0);
		return;
	}
	void *ws = o.def->worker_create ? o.def->worker_create(o.inst) : NULL;
	lp_event *evs[3] = { test_event("{\"n\":1}"), test_event("{\"n\":2}"), test_event("{\"n\":3}") };
	lp_out_result res[3];
	reader r;
	redirect(&r);
	o.def->send(o.inst, ws, evs, 3, res);
	restore(&r);
	for (int i = 0; i < 3; i++) {
		CHECK_INT(res[i].status, LP_OUT_DELIVERED);
		CHECK(res[i].reason == NULL);
		lp_event_destroy(evs[i]);
	}
	const char *s = lp_buf_str(&r.got);
	CHECK(strstr(s, "\"n\":1") && strstr(s, "\"n\":2") && strstr(s, "\"n\":3"));
	CHECK(strstr(s, "\"n\":1") < strstr(s, "\"n\":2") && strstr(s, "\"n\":2") < strstr(s, "\"n\":3"));
	size_t lines = 0;
	for (const char *p = s; *p; p++)
		lines += *p == '\n';
	CHECK_INT(lines, 3);
	lp_buf_fini(&r.got);
	if (o.def->worker_destroy)
		o.def->worker_destroy(o.inst, ws);
	out_destroy(&o);
}

#define THREADS 4
#define BATCHES 50
#define PER_BATCH 40

typedef struct sender {
	out *o;
	int id;
} sender;

static void *send_batches(void *arg)
{
	sender *s = arg;
	void *ws = s->o->def->worker_create(s->o->inst);
	lp_event *evs[PER_BATCH];
	lp_out_result res[PER_BATCH];
	/* batches of ~60 KiB: larger than PIPE_BUF, so one write(2) is not atomic */
	char pad[1500];
	memset(pad, 'p', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	for (int b = 0; b < BATCHES; b++) {
		for (int i = 0; i < PER_BATCH; i++) {
			char doc[1600];
			snprintf(doc, sizeof(doc), "{\"message\":\"t%d b%d i%d %s\"}", s->id, b, i, pad);
			evs[i] = test_event(doc);
		}
		s->o->def->send(s->o->inst, ws, evs, PER_BATCH, res);
		for (int i = 0; i < PER_BATCH; i++)
			lp_event_destroy(evs[i]);
	}
	s->o->def->worker_destroy(s->o->inst, ws);
	return NULL;
}

static void test_batches_never_interleave(void)
{
	out o;
	if (!out_create(&o, "line")) {
		CHECK(0);
		return;
	}
	reader r;
	redirect(&r);
	pthread_t tids[THREADS];
	sender ss[THREADS];
	for (int t = 0; t < THREADS; t++) {
		ss[t].o = &o;
		ss[t].id = t;
		pthread_create(&tids[t], NULL, send_batches, &ss[t]);
	}
	for (int t = 0; t < THREADS; t++)
		pthread_join(tids[t], NULL);
	restore(&r);
	/* every batch's PER_BATCH lines are consecutive and in order */
	const char *p = lp_buf_str(&r.got);
	int lines = 0, bad = 0, prev_t = -1, prev_b = -1, prev_i = -1;
	while (*p) {
		int t, b, i;
		if (sscanf(p, "t%d b%d i%d", &t, &b, &i) != 3) {
			bad++;
			break;
		}
		if (i == 0) {
			if (prev_i != -1 && prev_i != PER_BATCH - 1)
				bad++;
		} else if (t != prev_t || b != prev_b || i != prev_i + 1) {
			bad++;
		}
		prev_t = t;
		prev_b = b;
		prev_i = i;
		lines++;
		const char *nl = strchr(p, '\n');
		if (!nl)
			break;
		p = nl + 1;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(lines, THREADS * BATCHES * PER_BATCH);
	lp_buf_fini(&r.got);
	out_destroy(&o);
}

static void test_full_nonblocking_stdout_is_waited_on(void)
{
	out o;
	if (!out_create(&o, "line")) {
		CHECK(0);
		return;
	}
	void *ws = o.def->worker_create(o.inst);
	enum { N = 2000 };
	lp_event **evs = lp_calloc(N, sizeof(*evs));
	lp_out_result *res = lp_calloc(N, sizeof(*res));
	char big[600];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (int i = 0; i < N; i++) {
		lp_buf doc = LP_BUF_INIT;
		lp_buf_printf(&doc, "{\"message\":\"%d %s\"}", i, big);
		evs[i] = test_event(lp_buf_str(&doc));
		lp_buf_fini(&doc);
	}
	reader r;
	redirect(&r);
	fcntl(1, F_SETPIPE_SZ, 4096);
	fcntl(1, F_SETFL, fcntl(1, F_GETFL) | O_NONBLOCK);
	o.def->send(o.inst, ws, evs, N, res);
	restore(&r);
	int delivered = 0;
	for (int i = 0; i < N; i++) {
		delivered += res[i].status == LP_OUT_DELIVERED;
		lp_event_destroy(evs[i]);
	}
	CHECK_INT(delivered, N);
	size_t want = 0; /* each line: the number, a space, 599 x's, a newline */
	for (int i = 0; i < N; i++)
		want += (size_t)snprintf(NULL, 0, "%d", i) + 1 + 599 + 1;
	CHECK_INT(r.got.len, want);
	lp_buf_fini(&r.got);
	lp_free(evs);
	lp_free(res);
	o.def->worker_destroy(o.inst, ws);
	out_destroy(&o);
}

static void test_closed_stdout_rejects_without_sigpipe(void)
{
	out o;
	if (!out_create(&o, "json_lines")) {
		CHECK(0);
		return;
	}
	void *ws = o.def->worker_create(o.inst);
	int p[2];
	if (pipe(p) != 0)
		abort();
	fflush(stdout);
	int saved = dup(1);
	dup2(p[1], 1);
	close(p[1]);
	close(p[0]); /* nobody reads: writes fail with EPIPE */
	lp_event *evs[2] = { test_event("{\"n\":1}"), test_event("{\"n\":2}") };
	lp_out_result res[2];
	o.def->send(o.inst, ws, evs, 2, res); /* SIGPIPE's default action would end the test here */
	for (int i = 0; i < 2; i++) {
		CHECK_INT(res[i].status, LP_OUT_REJECTED);
		lp_free(res[i].reason);
	}
	o.def->send(o.inst, ws, evs, 2, res); /* and again: still rejected, still alive */
	dup2(saved, 1);
	close(saved);
	for (int i = 0; i < 2; i++) {
		CHECK_INT(res[i].status, LP_OUT_REJECTED);
		CHECK(res[i].reason && strstr(res[i].reason, "closed"));
		lp_free(res[i].reason);
		lp_event_destroy(evs[i]);
	}
	sigset_t pending;
	sigpending(&pending);
	CHECK(!sigismember(&pending, SIGPIPE));
	o.def->worker_destroy(o.inst, ws);
	out_destroy(&o);
}

int main(void)
{
	LP_RUN(test_batch_delivered);
	LP_RUN(test_batches_never_interleave);
	LP_RUN(test_full_nonblocking_stdout_is_waited_on);
	LP_RUN(test_closed_stdout_rejects_without_sigpipe);
	return lp_test_report();
}
