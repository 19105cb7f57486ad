/* Fuzz target: field references (pipeline/fieldref.h) and their use on an
 * event. Invariants: a compiled reference re-rendered as "[a][b]" compiles
 * to the same root and segments; a rejected one reports a column inside the
 * text; no segment contains a bracket; lp_fieldref_top keeps the name as one
 * key; a value set at a reference is read back from it, and is gone after
 * remove. */
#include "fuzz.h"

#include "pipeline/buf.h"
#include "pipeline/event.h"
#include "pipeline/fieldref.h"
#include "pipeline/mem.h"

#include <string.h>

static const char *const root_name[] = { "", "[@metadata]", "[@timestamp]" };

static void check_same(const lp_fieldref *a, const lp_fieldref *b)
{
	FUZZ_CHECK(a->root == b->root);
	FUZZ_CHECK(a->n == b->n);
	for (size_t i = 0; i < a->n && i < b->n; i++)
		FUZZ_CHECK(strcmp(a->seg[i], b->seg[i]) == 0);
}

static void check_roundtrip(const lp_fieldref *r)
{
	lp_buf b = LP_BUF_INIT;
	lp_buf_adds(&b, root_name[r->root]);
	for (size_t i = 0; i < r->n; i++) {
		FUZZ_CHECK(r->seg[i][0] != '\0');
		FUZZ_CHECK(strpbrk(r->seg[i], "[]") == NULL);
		lp_buf_printf(&b, "[%s]", r->seg[i]);
	}
	if (b.len == 0)
		return; /* bare "@metadata" as a whole root renders as "[@metadata]" above */
	lp_fieldref *again = lp_fieldref_compile(lp_buf_str(&b), NULL, NULL);
	FUZZ_CHECK(again != NULL);
	if (again)
		check_same(r, again);
	lp_fieldref_destroy(again);
	lp_buf_fini(&b);
}

static lp_event *fixed_event(void)
{
	lpj_t *obj = lpj_loads("{\"a\":{\"b\":[1,2,{\"c\":3}]},\"arr\":[1,\"x\",null],"
				 "\"s\":\"str\",\"n\":null,\"@metadata\":{\"m\":{\"k\":1}},"
				 "\"tags\":[\"t\"]}", 0, NULL);
	FUZZ_CHECK(obj != NULL);
	return lp_event_new(obj);
}

static void check_event(const lp_fieldref *r)
{
	lp_event *ev = fixed_event();
	/* get on the untouched event must not crash, whatever the path */
	(void)lp_event_get(ev, r);
	(void)lp_event_get_str(ev, r);
	if (r->root != LP_FIELD_TIMESTAMP) {
		lpj_t *v = lpj_string("fuzz-value");
		if (lp_event_set(ev, r, v) == 0) {
			lpj_t *got = lp_event_get(ev, r);
			FUZZ_CHECK(got != NULL);
			if (r->n > 0 && got)
				FUZZ_CHECK(lpj_is_string(got) &&
					   strcmp(lpj_string_value(got), "fuzz-value") == 0);
			if (r->n > 0) {
				FUZZ_CHECK(lp_event_remove(ev, r));
				lpj_t *after = lp_event_get(ev, r);
				/* below an array, removing an element shifts the next one in */
				FUZZ_CHECK(after == NULL || !lpj_is_string(after) ||
					   strcmp(lpj_string_value(after), "fuzz-value") != 0 ||
					   r->n > 1);
			}
		}
		lp_buf out = LP_BUF_INIT;
		lp_event_write_json(ev, &out, true);
		lpj_t *parsed = lpj_loadb(out.data, out.len, 0, NULL);
		FUZZ_CHECK(lpj_is_object(parsed)); /* the event always serialises to an object */
		lpj_decref(parsed);
		lp_buf_fini(&out);
	}
	lp_event_destroy(ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_init();
	if (size > 4096)
		return 0;
	char *text = lp_strndup((const char *)data, size);
	size_t len = strlen(text);

	const char *err = NULL;
	size_t col = (size_t)-1;
	lp_fieldref *r = lp_fieldref_compile(text, &err, &col);
	if (r) {
		FUZZ_CHECK(strcmp(r->text, text) == 0);
		FUZZ_CHECK(r->root != LP_FIELD_TIMESTAMP || r->n == 0);
		check_roundtrip(r);
		check_event(r);
	} else {
		FUZZ_CHECK(err != NULL && err[0] != '\0');
		FUZZ_CHECK(col <= len);
	}
	lp_fieldref_destroy(r);

	lp_fieldref *top = lp_fieldref_top(text);
	FUZZ_CHECK(top != NULL);
	if (top->root == LP_FIELD_DATA) {
		FUZZ_CHECK(top->n == 1 && strcmp(top->seg[0], text) == 0);
		check_event(top);
	}
	lp_fieldref_destroy(top);
	lp_free(text);
	return 0;
}
