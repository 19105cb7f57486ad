/* micro_event: nanoseconds per event for the event model's hot path on one
 * core, on a Filebeat-shaped payment event (~850 bytes of JSON). Event values
 * live in one arena per event (pipeline/arena.h, json.h); the measures follow
 * that path, as the inputs take it:
 *   copy     lpj_deep_copy of the parsed object into a fresh arena, and the
 *            arena's release (how an event's values are made and freed)
 *   heapcopy lpj_deep_copy of the same object on the heap and lpj_decref of
 *            the copy (per-value allocation and free, for comparison)
 *   new      lp_event_new alone, adopting an arena that holds the object
 *            (copies made and events destroyed untimed)
 *   write    lp_event_write_json of one event into a reused buffer
 *   dumps    lpj_dumps of the same object, for comparison
 *   full     lp_json_load into a fresh arena + lp_event_new + lp_event_write_json
 *            + lp_event_destroy (what the json_lines codec and an output do)
 *   template lp_template_render of "logs-%{[fields][env]}-%{+YYYY.MM.dd}"
 * Not a test and not built by meson. Build (from the source root):
 *   cc -O2 -D_GNU_SOURCE -I. bench/micro_event.c pipeline/{mem,error,log,buf,ack,timestamp,tz,joda,numfmt,fieldref,arena,json,jsonio,jsonload,jsonw,event,template}.c -lm -pthread -o /tmp/micro_event
 * Usage: micro_event [iterations [only-this-measure]] */
#include "pipeline/buf.h"
#include "pipeline/event.h"
#include "pipeline/jsonload.h"
#include "pipeline/mem.h"
#include "pipeline/template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char payload[] =
	"{\"@timestamp\":\"2024-03-05T07:08:09.123Z\",\"@version\":\"1\","
	"\"message\":\"{\\\"ts\\\":\\\"2024-03-05T07:08:09.120+01:00\\\",\\\"level\\\":\\\"INFO\\\","
	"\\\"event\\\":\\\"payment.settled\\\",\\\"payment_id\\\":\\\"pay_8f3a9c2e71b4\\\","
	"\\\"amount\\\":1249.95,\\\"currency\\\":\\\"EUR\\\",\\\"merchant\\\":\\\"m-20931\\\","
	"\\\"card\\\":\\\"4111********1111\\\",\\\"latency_ms\\\":87}\","
	"\"log\":{\"file\":{\"path\":\"/var/log/payments/settlement-2024-03-05.log\"},\"offset\":88231042},"
	"\"input\":{\"type\":\"filestream\"},"
	"\"host\":{\"name\":\"pay-node-07\",\"hostname\":\"pay-node-07\",\"architecture\":\"x86_64\","
	"\"os\":{\"family\":\"debian\",\"name\":\"Debian GNU/Linux\",\"version\":\"12 (bookworm)\",\"kernel\":\"6.1.0-18-amd64\"},"
	"\"ip\":[\"10.20.3.17\"]},"
	"\"agent\":{\"type\":\"filebeat\",\"version\":\"8.12.2\",\"name\":\"pay-node-07\","
	"\"id\":\"3c5e2b7a-41f0-4f4e-9a5d-2e8b1f0c6d11\"},"
	"\"ecs\":{\"version\":\"8.0.0\"},"
	"\"fields\":{\"env\":\"prod\",\"service\":\"payments\",\"region\":\"eu-west-1\"},"
	"\"tags\":[\"beats_input_codec_plain_applied\"]}";

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* A deep copy of v made in a fresh arena; *arena gets the creator's
 * reference to it. */
static lpj_t *copy_in_arena(const lpj_t *v, lp_arena **arena)
{
	*arena = lp_arena_create();
	lp_arena *prev = lpj_arena_enter(*arena);
	lpj_t *c = lpj_deep_copy(v);
	lpj_arena_leave(prev);
	return c;
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 200000;
	const char *only = argc > 2 ? argv[2] : NULL;
#define RUN(name) if (!only || strcmp(only, name) == 0)
	/* on the heap: no arena is current here */
	lpj_t *parsed = lp_json_load(payload, strlen(payload), NULL, 0, NULL);
	if (!lpj_is_object(parsed)) {
		fprintf(stderr, "payload does not parse\n");
		return 1;
	}
	lp_buf out = LP_BUF_INIT;
	size_t sink = 0;
	lp_arena *a;

	double t0 = now_ns();
	RUN("copy")
	for (long i = 0; i < iters; i++) {
		lpj_t *c = copy_in_arena(parsed, &a);
		sink += lpj_object_size(c);
		lp_arena_unref(a);
	}
	double copy = (now_ns() - t0) / (double)iters;

	t0 = now_ns();
	RUN("heapcopy")
	for (long i = 0; i < iters; i++) {
		lpj_t *c = lpj_deep_copy(parsed);
		sink += lpj_object_size(c);
		lpj_decref(c);
	}
	double heapcopy = (now_ns() - t0) / (double)iters;

	/* lp_event_new alone: the copies are made (each in an arena of its own,
	 * which the event adopts) and the events destroyed outside the timed
	 * part, a batch at a time. */
	enum { BATCH = 1000 };
	static lpj_t *objs[BATCH];
	static lp_arena *arenas[BATCH];
	static lp_event *evs[BATCH];
	double new_total = 0;
	RUN("new")
	for (long done = 0; done < iters; done += BATCH) {
		for (int k = 0; k < BATCH; k++)
			objs[k] = copy_in_arena(parsed, &arenas[k]);
		t0 = now_ns();
		for (int k = 0; k < BATCH; k++)
			evs[k] = lp_event_new(objs[k]);
		new_total += now_ns() - t0;
		for (int k = 0; k < BATCH; k++) {
			if (evs[k]->arena != arenas[k]) {
				fprintf(stderr, "lp_event_new copied instead of adopting the arena\n");
				return 1;
			}
			sink += evs[k]->size;
			lp_arena_unref(arenas[k]);
			lp_event_destroy(evs[k]);
		}
	}
	double newd = new_total / (double)((iters + BATCH - 1) / BATCH * BATCH);

	lpj_t *obj = copy_in_arena(parsed, &a);
	lp_event *ev = lp_event_new(obj);
	lp_arena_unref(a);
	t0 = now_ns();
	RUN("write")
	for (long i = 0; i < iters; i++) {
		lp_buf_reset(&out);
		lp_event_write_json(ev, &out, false);
		sink += out.len;
	}
	double write = (now_ns() - t0) / (double)iters;
	size_t out_len = out.len;

	t0 = now_ns();
	RUN("dumps")
	for (long i = 0; i < iters; i++) {
		char *s = lpj_dumps(parsed, LPJ_COMPACT);
		sink += strlen(s);
		lp_free(s);
	}
	double dumps = (now_ns() - t0) / (double)iters;

	t0 = now_ns();
	RUN("full")
	for (long i = 0; i < iters; i++) {
		a = lp_arena_create();
		lp_arena *prev = lpj_arena_enter(a);
		lpj_t *v = lp_json_load(payload, sizeof(payload) - 1, NULL, 0, NULL);
		lpj_arena_leave(prev);
		lp_event *e = lp_event_new(v);
		lp_arena_unref(a);
		lp_buf_reset(&out);
		lp_event_write_json(e, &out, false);
		sink += out.len;
		lp_event_destroy(e);
	}
	double full = (now_ns() - t0) / (double)iters;

	lp_template *t = lp_template_compile("logs-%{[fields][env]}-%{+YYYY.MM.dd}", NULL, NULL);
	t0 = now_ns();
	RUN("template")
	for (long i = 0; i < iters; i++) {
		lp_buf_reset(&out);
		lp_template_render(t, ev, &out);
		sink += out.len;
	}
	double tmpl = (now_ns() - t0) / (double)iters;

	printf("payload %zu bytes, output %zu bytes, %ld iterations\n", strlen(payload), out_len, iters);
#define SHOW(name, v, note) if (!only || strcmp(only, name) == 0) printf("%-9s %8.0f ns/event%s\n", name, v, note)
	SHOW("copy", copy, " (into a fresh arena, released at once)");
	SHOW("heapcopy", heapcopy, " (on the heap, lpj_decref)");
	SHOW("new", newd, " (lp_event_new alone, adopting the arena)");
	SHOW("write", write, "");
	SHOW("dumps", dumps, "");
	SHOW("full", full, " (lp_json_load into an arena + new + write + destroy)");
	SHOW("template", tmpl, "");
	printf("(sink %zu)\n", sink);
	lp_template_destroy(t);
	lp_event_destroy(ev);
	lp_buf_fini(&out);
	lpj_decref(parsed);
	return 0;
}
