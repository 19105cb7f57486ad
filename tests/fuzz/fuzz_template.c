/* Fuzz target: sprintf templates (pipeline/template.h). The bytes are the
 * template text, rendered against a fixed event with values of every JSON
 * type. Invariants: a text with no "%{" compiles, is constant and renders to
 * itself; the stored text is the input; rendering is deterministic (clock
 * pinned) and render_str agrees with render; a rejected template reports a
 * column inside the text; a valid field reference wrapped as "%{ref}"
 * compiles. */
#include "fuzz.h"

#include "pipeline/event.h"
#include "pipeline/fieldref.h"
#include "pipeline/mem.h"
#include "pipeline/template.h"

#include <string.h>

static lp_event *fixed_event(void)
{
	lpj_t *obj = lpj_loads(
		"{\"@timestamp\":\"2024-02-29T23:59:58.123456Z\",\"s\":\"str\",\"i\":-42,"
		"\"r\":1.5e300,\"t\":true,\"f\":false,\"n\":null,\"u\":\"\\u00e9\\u4e2d\\ud83d\\ude00\","
		"\"arr\":[1,null,[2,[3]],\"x\",{\"k\":\"v\"}],\"o\":{\"a\":{\"b\":\"deep\"},\"e\":{}},"
		"\"tags\":[\"t1\",\"t2\"],\"@metadata\":{\"index\":\"logs\",\"n\":7}}",
		0, NULL);
	FUZZ_CHECK(obj != NULL);
	return lp_event_new(obj);
}

static void check_render(const lp_template *t, lp_event *ev)
{
	lp_buf a = LP_BUF_INIT, b = LP_BUF_INIT;
	lp_template_render(t, ev, &a);
	lp_buf_adds(&b, "prefix");
	lp_template_render(t, ev, &b);
	FUZZ_CHECK(b.len == a.len + 6);
	FUZZ_CHECK(memcmp(b.data + 6, lp_buf_str(&a), a.len) == 0);
	char *s = lp_template_render_str(t, ev);
	FUZZ_CHECK(strlen(s) <= a.len); /* a field value may hold a NUL byte */
	FUZZ_CHECK(memcmp(s, lp_buf_str(&a), strlen(s)) == 0);
	lp_free(s);
	lp_buf_fini(&a);
	lp_buf_fini(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_init();
	if (size > 4096)
		return 0;
	char *text = lp_strndup((const char *)data, size);
	size_t len = strlen(text);
	lp_event *ev = fixed_event();

	const char *err = NULL;
	size_t col = (size_t)-1;
	lp_template *t = lp_template_compile(text, &err, &col);
	if (!strstr(text, "%{"))
		FUZZ_CHECK(t != NULL);
	if (t) {
		FUZZ_CHECK(strcmp(lp_template_text(t), text) == 0);
		check_render(t, ev);
		if (!strstr(text, "%{")) {
			FUZZ_CHECK(lp_template_is_constant(t));
			char *s = lp_template_render_str(t, ev);
			FUZZ_CHECK(strcmp(s, text) == 0);
			lp_free(s);
		}
		lp_template_destroy(t);
	} else {
		FUZZ_CHECK(err != NULL && err[0] != '\0');
		FUZZ_CHECK(col <= len);
	}

	/* the same bytes as a field reference inside "%{...}" */
	if (len > 0 && text[0] != '+' && text[0] != '{' && !strchr(text, '}')) {
		lp_fieldref *r = lp_fieldref_compile(text, NULL, NULL);
		if (r) {
			char *wrapped = lp_asprintf("<%%{%s}>", text);
			lp_template *w = lp_template_compile(wrapped, NULL, NULL);
			FUZZ_CHECK(w != NULL);
			if (w) {
				FUZZ_CHECK(!lp_template_is_constant(w));
				check_render(w, ev);
				/* a missing field stays literal */
				if (!lp_event_get(ev, r)) {
					char *s = lp_template_render_str(w, ev);
					FUZZ_CHECK(strcmp(s, wrapped) == 0);
					lp_free(s);
				}
			}
			lp_template_destroy(w);
			lp_free(wrapped);
			lp_fieldref_destroy(r);
		}
	}
	lp_event_destroy(ev);
	lp_free(text);
	return 0;
}
