/* Tests of pipeline/event: construction, field access, tags, time, clone,
 * serialisation. */
#include "lp_test.h"

#include "pipeline/ack.h"
#include "pipeline/buf.h"
#include "pipeline/error.h"
#include "pipeline/event.h"
#include "pipeline/jsonload.h"
#include "pipeline/mem.h"

#include <stdlib.h>

/* Compiled references, freed at the end. */
static lp_fieldref *keep[256];
static size_t n_keep;

static lp_fieldref *R(const char *text)
{
	lp_fieldref *r = lp_fieldref_compile(text, NULL, NULL);
	if (!r) {
		fprintf(stderr, "bad test reference '%s'\n", text);
		abort();
	}
	if (n_keep < 256)
		keep[n_keep++] = r;
	return r;
}

static lp_event *ev_from(const char *json)
{
	lpj_error_t e;
	lpj_t *o = lpj_loads(json, 0, &e);
	if (!o) {
		fprintf(stderr, "bad test JSON: %s\n", e.text);
		abort();
	}
	return lp_event_new(o);
}

/* The event serialised, as a parsed object (for semantic comparison). */
static lpj_t *as_json(lp_event *ev, bool meta)
{
	lp_buf b = LP_BUF_INIT;
	lp_event_write_json(ev, &b, meta);
	lpj_t *o = lpj_loadb(b.data, b.len, 0, NULL);
	lp_buf_fini(&b);
	return o;
}

static bool json_is(const lpj_t *v, const char *want)
{
	lpj_t *w = lpj_loads(want, LPJ_DECODE_ANY, NULL);
	bool eq = w && v && lpj_equal(v, w);
	if (!eq) {
		char *got = v ? lpj_dumps(v, LPJ_ENCODE_ANY | LPJ_COMPACT) : NULL;
		fprintf(stderr, "  want %s\n  got  %s\n", want, got ? got : "(missing)");
		free(got);
	}
	lpj_decref(w);
	return eq;
}

static void test_new_timestamp(void)
{
	lp_event *ev = ev_from("{\"@timestamp\":\"2024-03-01T12:00:00.123Z\",\"message\":\"hi\"}");
	CHECK_INT(ev->ts.sec, 1709294400);
	CHECK_INT(ev->ts.nsec, 123000000);
	CHECK(lpj_object_get(ev->data, "@timestamp") == NULL);
	CHECK_STR(lp_event_get_str(ev, R("@version")), "1");
	CHECK_STR(lp_event_get_str(ev, R("@timestamp")), "2024-03-01T12:00:00.123Z");
	CHECK(!lp_event_has_tag(ev, "_timestampparsefailure"));
	CHECK(ev->meta == NULL);
	CHECK(ev->size > 0);
	lp_event_destroy(ev);

	/* An existing @version is kept. */
	ev = ev_from("{\"@version\":\"7\"}");
	CHECK_STR(lp_event_get_str(ev, R("@version")), "7");
	lp_event_destroy(ev);
}

static void test_new_bad_timestamp(void)
{
	setenv("LOGPIPE_FAKE_NOW", "2030-01-02T03:04:05.000Z", 1);
	lp_event *ev = ev_from("{\"@timestamp\":\"yesterday\",\"a\":1}");
	CHECK(lpj_object_get(ev->data, "@timestamp") == NULL);
	CHECK_STR(lp_event_get_str(ev, R("_@timestamp")), "yesterday");
	CHECK(lp_event_has_tag(ev, "_timestampparsefailure"));
	CHECK_STR(lp_event_get_str(ev, R("@timestamp")), "2030-01-02T03:04:05.000Z");
	lp_event_destroy(ev);

	ev = ev_from("{\"@timestamp\":12345}");
	CHECK(json_is(lp_event_get(ev, R("_@timestamp")), "12345"));
	CHECK(lp_event_has_tag(ev, "_timestampparsefailure"));
	lp_event_destroy(ev);

	/* No @timestamp at all: now, no tag. */
	ev = ev_from("{\"a\":1}");
	CHECK_INT(ev->ts.sec, 1893553445);
	CHECK(!lp_event_has_tag(ev, "_timestampparsefailure"));
	lp_event_destroy(ev);

	ev = lp_event_create();
	CHECK_INT(ev->ts.sec, 1893553445);
	CHECK(json_is(ev->data, "{\"@version\":\"1\"}"));
	lp_event_destroy(ev);
	unsetenv("LOGPIPE_FAKE_NOW");
}

static void test_metadata(void)
{
	lp_event *ev = ev_from("{\"@metadata\":{\"index\":\"x\",\"n\":{\"k\":2}},\"m\":1}");
	CHECK(lpj_object_get(ev->data, "@metadata") == NULL);
	CHECK_STR(lp_event_get_str(ev, R("[@metadata][index]")), "x");
	CHECK(json_is(lp_event_get(ev, R("[@metadata][n][k]")), "2"));
	CHECK(json_is(lp_event_get(ev, R("@metadata")), "{\"index\":\"x\",\"n\":{\"k\":2}}"));
	CHECK(lp_event_remove(ev, R("[@metadata][index]")));
	CHECK(lp_event_get(ev, R("[@metadata][index]")) == NULL);
	CHECK(lp_event_remove(ev, R("@metadata")));
	CHECK(ev->meta == NULL);
	CHECK(lp_event_get(ev, R("[@metadata][n]")) == NULL);
	/* Setting below @metadata creates it. */
	CHECK_INT(lp_event_set(ev, R("[@metadata][a][b]"), lpj_string("v")), 0);
	CHECK(json_is(ev->meta, "{\"a\":{\"b\":\"v\"}}"));
	CHECK(lpj_object_get(ev->data, "a") == NULL);
	lp_event_destroy(ev);
}

static void test_get_paths(void)
{
	lp_event *ev = ev_from("{\"a\":{\"b\":{\"c\":\"deep\"}},\"arr\":[10,20,{\"x\":\"y\"}],"
		"\"obj\":{\"0\":\"zero\",\"-1\":\"neg\"},\"s\":\"str\",\"n\":null}");
	CHECK_STR(lp_event_get_str(ev, R("[a][b][c]")), "deep");
	CHECK(lp_event_get_str(ev, R("[a][b]")) == NULL); /* not a string */
	CHECK(lpj_is_object(lp_event_get(ev, R("[a][b]"))));
	CHECK(lp_event_get(ev, R("[a][zz][c]")) == NULL);
	CHECK(json_is(lp_event_get(ev, R("[arr][0]")), "10"));
	CHECK(json_is(lp_event_get(ev, R("[arr][1]")), "20"));
	CHECK(json_is(lp_event_get(ev, R("[arr][-1]")), "{\"x\":\"y\"}"));
	CHECK(json_is(lp_event_get(ev, R("[arr][-3]")), "10"));
	CHECK_STR(lp_event_get_str(ev, R("[arr][2][x]")), "y");
	CHECK(lp_event_get(ev, R("[arr][3]")) == NULL);
	CHECK(lp_event_get(ev, R("[arr][-4]")) == NULL);
	CHECK(lp_event_get(ev, R("[arr][x]")) == NULL);
	/* Numeric segments are plain keys below an object. */
	CHECK_STR(lp_event_get_str(ev, R("[obj][0]")), "zero");
	CHECK_STR(lp_event_get_str(ev, R("[obj][-1]")), "neg");
	CHECK(lp_event_get(ev, R("[s][0]")) == NULL);
	CHECK(lpj_is_null(lp_event_get(ev, R("n"))));
	CHECK(lp_event_get(ev, R("missing")) == NULL);
	lp_event_destroy(ev);
}

static void test_set(void)
{
	lp_event *ev = ev_from("{\"s\":\"str\",\"arr\":[1,2]}");
	CHECK_INT(lp_event_set(ev, R("top"), lpj_integer(1)), 0);
	CHECK_INT(lp_event_set(ev, R("[x][y][z]"), lpj_string("v")), 0);
	CHECK(json_is(lp_event_get(ev, R("x")), "{\"y\":{\"z\":\"v\"}}"));
	/* Replaces an existing value. */
	CHECK_INT(lp_event_set(ev, R("[x][y]"), lpj_true()), 0);
	CHECK(json_is(lp_event_get(ev, R("x")), "{\"y\":true}"));
	/* A scalar parent cannot hold children. */
	CHECK_INT(lp_event_set(ev, R("[s][k]"), lpj_string("v")), LP_EINVAL);
	CHECK_INT(lp_event_set(ev, R("[x][y][z]"), lpj_string("v")), LP_EINVAL);
	CHECK_STR(lp_event_get_str(ev, R("s")), "str");
	/* Arrays: index, negative index, append, pad with nulls. */
	CHECK_INT(lp_event_set(ev, R("[arr][0]"), lpj_integer(5)), 0);
	CHECK_INT(lp_event_set(ev, R("[arr][-1]"), lpj_integer(6)), 0);
	CHECK(json_is(lp_event_get(ev, R("arr")), "[5,6]"));
	CHECK_INT(lp_event_set(ev, R("[arr][2]"), lpj_integer(7)), 0);
	CHECK_INT(lp_event_set(ev, R("[arr][4]"), lpj_integer(9)), 0);
	CHECK(json_is(lp_event_get(ev, R("arr")), "[5,6,7,null,9]"));
	CHECK_INT(lp_event_set(ev, R("[arr][-9]"), lpj_integer(1)), LP_EINVAL);
	CHECK_INT(lp_event_set(ev, R("[arr][1000000000]"), lpj_integer(1)), LP_EINVAL);
	CHECK_INT(lp_event_set(ev, R("[arr][99999999999999999999]"), lpj_integer(1)), LP_EINVAL);
	CHECK(json_is(lp_event_get(ev, R("[arr][-0]")), "5"));
	CHECK_INT(lp_event_set(ev, R("[arr][name]"), lpj_integer(1)), LP_EINVAL);
	/* An intermediate object replaces a null array slot. */
	CHECK_INT(lp_event_set(ev, R("[arr][3][k]"), lpj_string("in")), 0);
	CHECK(json_is(lp_event_get(ev, R("arr")), "[5,6,7,{\"k\":\"in\"},9]"));
	/* A NULL value is refused. */
	CHECK_INT(lp_event_set(ev, R("q"), NULL), LP_EINVAL);
	lp_event_destroy(ev);
}

static void test_timestamp_field(void)
{
	lp_event *ev = ev_from("{\"@timestamp\":\"2024-03-01T12:00:00Z\"}");
	lpj_t *t1 = lp_event_get(ev, R("@timestamp"));
	CHECK(json_is(t1, "\"2024-03-01T12:00:00.000Z\""));
	/* Cached while the time does not change. */
	CHECK(lp_event_get(ev, R("@timestamp")) == t1);
	CHECK_INT(lp_event_set(ev, R("@timestamp"), lpj_string("2024-03-02T00:00:00.5+01:00")), 0);
	CHECK_STR(lp_event_get_str(ev, R("@timestamp")), "2024-03-01T23:00:00.500Z");
	CHECK_INT(lp_event_set(ev, R("@timestamp"), lpj_string("garbage")), LP_EINVAL);
	CHECK_INT(lp_event_set(ev, R("@timestamp"), lpj_integer(5)), LP_EINVAL);
	CHECK_STR(lp_event_get_str(ev, R("@timestamp")), "2024-03-01T23:00:00.500Z");
	lp_time t = { 0, 0, 3 };
	lp_event_set_time(ev, t);
	CHECK_STR(lp_event_get_str(ev, R("@timestamp")), "1970-01-01T00:00:00.000Z");
	CHECK(!lp_event_remove(ev, R("@timestamp")));
	/* Nothing goes below the time: no second "@timestamp" in the output. */
	CHECK_INT(lp_event_set(ev, R("[@timestamp][x]"), lpj_integer(1)), LP_EINVAL);
	CHECK(lpj_object_get(ev->data, "@timestamp") == NULL);
	lp_event_destroy(ev);
}

static void test_remove(void)
{
	lp_event *ev = ev_from("{\"a\":{\"b\":1,\"c\":2},\"arr\":[1,2,3]}");
	CHECK(lp_event_remove(ev, R("[a][b]")));
	CHECK(!lp_event_remove(ev, R("[a][b]")));
	CHECK(!lp_event_remove(ev, R("[nope][b]")));
	CHECK(lp_event_remove(ev, R("[arr][-1]")));
	CHECK(lp_event_remove(ev, R("[arr][0]")));
	CHECK(!lp_event_remove(ev, R("[arr][5]")));
	CHECK(json_is(ev->data, "{\"a\":{\"c\":2},\"arr\":[2],\"@version\":\"1\"}"));
	CHECK(lp_event_remove(ev, R("a")));
	CHECK(lp_event_get(ev, R("a")) == NULL);
	lp_event_destroy(ev);
}

static void test_tags(void)
{
	lp_event *ev = ev_from("{}");
	CHECK(!lp_event_has_tag(ev, "x"));
	lp_event_untag(ev, "x"); /* no tags: nothing happens */
	CHECK(lpj_object_get(ev->data, "tags") == NULL);
	lp_event_tag(ev, "x");
	lp_event_tag(ev, "y");
	lp_event_tag(ev, "x");
	CHECK(json_is(lp_event_get(ev, R("tags")), "[\"x\",\"y\"]"));
	CHECK(lp_event_has_tag(ev, "y"));
	lp_event_untag(ev, "x");
	CHECK(json_is(lp_event_get(ev, R("tags")), "[\"y\"]"));
	CHECK(!lp_event_has_tag(ev, "x"));
	lp_event_destroy(ev);

	/* A single string becomes an array when a tag is added. */
	ev = ev_from("{\"tags\":\"one\"}");
	CHECK(lp_event_has_tag(ev, "one"));
	lp_event_tag(ev, "two");
	CHECK(json_is(lp_event_get(ev, R("tags")), "[\"one\",\"two\"]"));
	lp_event_destroy(ev);
	ev = ev_from("{\"tags\":\"one\"}");
	lp_event_tag(ev, "one");
	CHECK(json_is(lp_event_get(ev, R("tags")), "[\"one\"]"));
	lp_event_untag(ev, "one");
	CHECK(json_is(lp_event_get(ev, R("tags")), "[]"));
	lp_event_destroy(ev);

	/* A hash in "tags" is kept aside under "_tags". */
	ev = ev_from("{\"tags\":{\"k\":1}}");
	lp_event_tag(ev, "t");
	CHECK(json_is(lp_event_get(ev, R("tags")), "[\"_tagsparsefailure\",\"t\"]"));
	CHECK(json_is(lp_event_get(ev, R("_tags")), "{\"k\":1}"));
	lp_event_destroy(ev);
}

static int acked;
static void on_ack(void *ctx)
{
	(void)ctx;
	acked++;
}

static void test_clone_and_ack(void)
{
	lp_ack *a = lp_ack_create(on_ack, NULL);
	lp_event *ev = ev_from("{\"@timestamp\":\"2024-03-01T12:00:00Z\",\"n\":{\"k\":[1,2]},"
		"\"@metadata\":{\"m\":1}}");
	lp_event_set_ack(ev, a);
	lp_ack_release(a); /* the input's own reference */
	lp_event *c = lp_event_clone(ev);
	CHECK(c->ack == ev->ack);
	CHECK(c->data != ev->data);
	CHECK(lpj_equal(c->data, ev->data));
	CHECK(lpj_equal(c->meta, ev->meta));
	CHECK_INT(c->ts.sec, ev->ts.sec);
	/* Deep: changing the copy leaves the original alone. */
	lp_event_set(c, R("[n][k][0]"), lpj_integer(99));
	lp_event_set(c, R("[@metadata][m]"), lpj_integer(2));
	CHECK(json_is(lp_event_get(ev, R("[n][k]")), "[1,2]"));
	CHECK(json_is(lp_event_get(ev, R("[@metadata][m]")), "1"));
	lp_event_destroy(ev);
	CHECK_INT(acked, 0);
	lp_event_destroy(c);
	CHECK_INT(acked, 1);
	lp_event_destroy(NULL);
}

static void test_write_json(void)
{
	lp_event *ev = ev_from("{\"@timestamp\":\"2024-03-01T12:00:00.123456Z\",\"message\":\"a \\\"q\\\"\","
		"\"n\":1.5,\"i\":-3,\"@metadata\":{\"x\":\"y\"}}");
	lp_buf b = LP_BUF_INIT;
	lp_event_write_json(ev, &b, false);
	CHECK_STR(lp_buf_str(&b), "{\"@timestamp\":\"2024-03-01T12:00:00.123456Z\",\"message\":\"a \\\"q\\\"\","
		"\"n\":1.5,\"i\":-3,\"@version\":\"1\"}");
	lpj_t *o = as_json(ev, true);
	CHECK(json_is(o, "{\"@timestamp\":\"2024-03-01T12:00:00.123456Z\",\"message\":\"a \\\"q\\\"\","
		"\"n\":1.5,\"i\":-3,\"@version\":\"1\",\"@metadata\":{\"x\":\"y\"}}"));
	lpj_decref(o);
	/* Appends: two events in one buffer. */
	size_t one = b.len;
	lp_event_write_json(ev, &b, false);
	CHECK_INT(b.len, 2 * one);
	CHECK(memcmp(b.data, b.data + one, one) == 0);

	lpj_t *t = lp_event_to_json(ev, false);
	CHECK(json_is(t, "{\"@timestamp\":\"2024-03-01T12:00:00.123456Z\",\"message\":\"a \\\"q\\\"\","
		"\"n\":1.5,\"i\":-3,\"@version\":\"1\"}"));
	/* The result shares nothing with the event. */
	lpj_object_set_new(t, "message", lpj_string("changed"));
	CHECK_STR(lp_event_get_str(ev, R("message")), "a \"q\"");
	lpj_decref(t);
	t = lp_event_to_json(ev, true);
	CHECK(json_is(lpj_object_get(t, "@metadata"), "{\"x\":\"y\"}"));
	lpj_decref(t);
	lp_buf_fini(&b);
	lp_event_destroy(ev);

	/* An empty event still serialises. */
	ev = lp_event_new(lpj_object());
	lp_event_remove(ev, R("@version"));
	lp_buf_init(&b);
	lp_event_write_json(ev, &b, true);
	CHECK(strncmp(lp_buf_str(&b), "{\"@timestamp\":\"", 15) == 0);
	CHECK(b.data[b.len - 1] == '}' && b.data[b.len - 2] == '"');
	lp_buf_fini(&b);
	lp_event_destroy(ev);
}

/* Serialised time of ev, from the written JSON. */
static void check_written_time(lp_event *ev, const char *want)
{
	lpj_t *o = as_json(ev, false);
	CHECK_STR(lpj_string_value(lpj_object_get(o, "@timestamp")), want);
	lpj_decref(o);
	CHECK_STR(lp_event_get_str(ev, R("@timestamp")), want);
}

static void test_time_rendering(void)
{
	/* Consecutive events in one second differ only in the fraction. */
	lp_event *ev = lp_event_create();
	lp_event_set_time(ev, (lp_time){ 1709294400, 5000000, 3 });
	check_written_time(ev, "2024-03-01T12:00:00.005Z");
	lp_event_set_time(ev, (lp_time){ 1709294400, 999999999, 3 });
	check_written_time(ev, "2024-03-01T12:00:00.999Z");
	lp_event_set_time(ev, (lp_time){ 1709294400, 0, 3 });
	check_written_time(ev, "2024-03-01T12:00:00.000Z");
	lp_event_set_time(ev, (lp_time){ 1709294400, 123456789, 6 });
	check_written_time(ev, "2024-03-01T12:00:00.123456Z");
	lp_event_set_time(ev, (lp_time){ 1709294400, 123456789, 9 });
	check_written_time(ev, "2024-03-01T12:00:00.123456789Z");
	lp_event_set_time(ev, (lp_time){ 1709294401, 7, 9 });
	check_written_time(ev, "2024-03-01T12:00:01.000000007Z");
	lp_event_set_time(ev, (lp_time){ -1, 500000000, 3 });
	check_written_time(ev, "1969-12-31T23:59:59.500Z");
	lp_event_set_time(ev, (lp_time){ 253402300799, 1000000, 3 });
	check_written_time(ev, "9999-12-31T23:59:59.001Z");
	lp_event_destroy(ev);
	/* Parsed precision is kept. */
	ev = ev_from("{\"@timestamp\":\"2024-03-01T12:00:00.1Z\"}");
	check_written_time(ev, "2024-03-01T12:00:00.100Z");
	lp_event_destroy(ev);
	ev = ev_from("{\"@timestamp\":\"2024-03-01T12:00:00.000000001Z\"}");
	check_written_time(ev, "2024-03-01T12:00:00.000000001Z");
	lp_event_destroy(ev);
}

static void test_null_intermediate(void)
{
	lp_event *ev = ev_from("{\"a\":null}");
	CHECK_INT(lp_event_set(ev, R("[a][b]"), lpj_integer(1)), 0);
	CHECK(json_is(lp_event_get(ev, R("a")), "{\"b\":1}"));
	lp_event_destroy(ev);
}

static void test_non_object(void)
{
	lp_event *ev = lp_event_new(lpj_string("not an object"));
	CHECK(lpj_is_object(ev->data));
	CHECK_STR(lp_event_get_str(ev, R("@version")), "1");
	lp_event_destroy(ev);
}

/* Every value of an event lives in the event's arena, however it got there. */
static bool all_in(const lpj_t *v, lp_arena *a)
{
	if (lpj_is_true(v) || lpj_is_false(v) || lpj_is_null(v))
		return true; /* shared singletons */
	if (lpj_arena_of(v) != a)
		return false;
	if (lpj_is_object(v)) {
		size_t n;
		const lpj_member *m = lpj_object_members(v, &n);
		for (size_t i = 0; i < n; i++)
			if (!all_in(m[i].value, a))
				return false;
	}
	for (size_t i = 0; i < lpj_array_size(v); i++)
		if (!all_in(lpj_array_get(v, i), a))
			return false;
	return true;
}

static void test_arenas(void)
{
	/* A document parsed into an arena: the first event adopts that arena,
	 * a second event from the same arena gets a copy in its own. */
	const char *text = "[{\"a\":{\"b\":[1,\"x\"]},\"@metadata\":{\"m\":true}},{\"c\":2}]";
	lp_arena *a = lp_arena_create();
	lp_arena *prev = lpj_arena_enter(a);
	lpj_t *arr = lp_json_load(text, strlen(text), NULL, 0, NULL);
	lpj_arena_leave(prev);
	CHECK(arr && lpj_arena_of(arr) == a);
	lp_event *e1 = lp_event_new(lpj_incref(lpj_array_get(arr, 0)));
	lp_event *e2 = lp_event_new(lpj_incref(lpj_array_get(arr, 1)));
	CHECK(e1->arena == a);
	CHECK(e2->arena != a);
	CHECK(all_in(e1->data, e1->arena) && all_in(e1->meta, e1->arena));
	CHECK(all_in(e2->data, e2->arena));
	CHECK(json_is(lp_event_get(e2, R("c")), "2"));
	lp_arena_unref(a); /* the creator's reference: e1 keeps the arena */
	CHECK(json_is(lp_event_get(e1, R("[a][b]")), "[1,\"x\"]"));

	/* Values made on the heap (a config constant) are copied in; the
	 * constant is untouched and still owned by its holder. */
	lpj_t *constant = lpj_pack("{s:[s,i]}", "k", "v", 7);
	CHECK(lpj_arena_of(constant) == NULL);
	CHECK_INT(lp_event_set(e1, R("[x][y]"), lpj_incref(constant)), 0);
	lp_event_tag(e1, "t1");
	lp_event_set(e1, R("[@metadata][n]"), lpj_string("heap"));
	CHECK(all_in(e1->data, e1->arena) && all_in(e1->meta, e1->arena));
	CHECK(lp_event_get(e1, R("[x][y]")) != constant);
	CHECK(lpj_equal(lp_event_get(e1, R("[x][y]")), constant));

	/* A field taken out of an event into a heap tree is copied to the heap,
	 * so it outlives the event. */
	lpj_t *heap = lpj_object();
	lpj_object_set(heap, "from_event", lp_event_get(e1, R("[a]")));
	CHECK(lpj_arena_of(lpj_object_get(heap, "from_event")) == NULL);
	/* A whole root set from the heap is copied in as well. */
	lp_event_set(e2, R("[@metadata]"), lpj_pack("{s:s}", "z", "w"));
	CHECK(all_in(e2->meta, e2->arena));

	/* The clone has its own arena. */
	lp_event *c = lp_event_clone(e1);
	CHECK(c->arena != e1->arena);
	CHECK(all_in(c->data, c->arena) && all_in(c->meta, c->arena));
	lp_event_destroy(e1);
	lp_event_destroy(e2);
	CHECK(json_is(lpj_object_get(heap, "from_event"), "{\"b\":[1,\"x\"]}"));
	CHECK(json_is(lp_event_get(c, R("[x][y][k]")), "[\"v\",7]"));
	CHECK(lp_event_has_tag(c, "t1"));
	lp_event_destroy(c);
	lpj_decref(heap);
	lpj_decref(constant);
}

int main(void)
{
	LP_RUN(test_new_timestamp);
	LP_RUN(test_new_bad_timestamp);
	LP_RUN(test_metadata);
	LP_RUN(test_get_paths);
	LP_RUN(test_set);
	LP_RUN(test_timestamp_field);
	LP_RUN(test_remove);
	LP_RUN(test_tags);
	LP_RUN(test_clone_and_ack);
	LP_RUN(test_write_json);
	LP_RUN(test_non_object);
	LP_RUN(test_time_rendering);
	LP_RUN(test_null_intermediate);
	LP_RUN(test_arenas);
	for (size_t i = 0; i < n_keep; i++)
		lp_fieldref_destroy(keep[i]);
	return lp_test_report();
}
