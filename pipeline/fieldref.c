#include "pipeline/fieldref.h"

#include "pipeline/mem.h"

#include <string.h>

static void set_err(const char **err, size_t *err_col, const char *msg, size_t col)
{
	if (err)
		*err = msg;
	if (err_col)
		*err_col = col;
}

static void push_seg(lp_fieldref *r, size_t *cap, const char *s, size_t len)
{
	LP_GROW(r->seg, *cap, r->n + 1);
	r->seg[r->n++] = lp_strndup(s, len);
}

/* Drops the first segment (the root name) after it was recognised. */
static void drop_first(lp_fieldref *r)
{
	lp_free(r->seg[0]);
	memmove(r->seg, r->seg + 1, (r->n - 1) * sizeof(*r->seg));
	r->n--;
}

/* Turns a leading "@metadata" segment into the META root and a lone
 * "@timestamp" into the TIMESTAMP root. */
static void classify_root(lp_fieldref *r)
{
	r->root = LP_FIELD_DATA;
	if (r->n >= 1 && strcmp(r->seg[0], "@metadata") == 0) {
		r->root = LP_FIELD_META;
		drop_first(r);
	} else if (r->n == 1 && strcmp(r->seg[0], "@timestamp") == 0) {
		r->root = LP_FIELD_TIMESTAMP;
		drop_first(r);
	}
	r->seglen = lp_calloc(r->n ? r->n : 1, sizeof(*r->seglen));
	for (size_t i = 0; i < r->n; i++)
		r->seglen[i] = strlen(r->seg[i]);
}

lp_fieldref *lp_fieldref_compile(const char *text, const char **err, size_t *err_col)
{
	size_t len = strlen(text), cap = 0;
	lp_fieldref *r = lp_calloc(1, sizeof(*r));
	r->text = lp_strdup(text);

	if (len == 0) {
		set_err(err, err_col, "empty field reference", 0);
		goto fail;
	}
	if (text[0] != '[') {
		/* A bare word: the whole text is one top-level key. */
		for (size_t i = 0; i < len; i++) {
			if (text[i] == '[' || text[i] == ']') {
				set_err(err, err_col, text[i] == '['
					? "a bracket after a bare field name (write [a][b], not a[b])"
					: "unexpected ']' in field reference", i);
				goto fail;
			}
		}
		push_seg(r, &cap, text, len);
		classify_root(r);
		return r;
	}
	size_t i = 0;
	while (i < len) {
		if (text[i] != '[') {
			set_err(err, err_col, "expected '[' after ']' in field reference", i);
			goto fail;
		}
		size_t start = i + 1, j = start;
		while (j < len && text[j] != ']' && text[j] != '[')
			j++;
		if (j == len) {
			set_err(err, err_col, "unclosed '[' in field reference", i);
			goto fail;
		}
		if (text[j] == '[') {
			set_err(err, err_col, "nested '[' in field reference", j);
			goto fail;
		}
		if (j == start) {
			set_err(err, err_col, "empty segment '[]' in field reference", i);
			goto fail;
		}
		push_seg(r, &cap, text + start, j - start);
		i = j + 1;
	}
	classify_root(r);
	return r;
fail:
	lp_fieldref_destroy(r);
	return NULL;
}

lp_fieldref *lp_fieldref_top(const char *name)
{
	size_t cap = 0;
	lp_fieldref *r = lp_calloc(1, sizeof(*r));
	r->text = lp_strdup(name);
	push_seg(r, &cap, name, strlen(name));
	classify_root(r);
	return r;
}

void lp_fieldref_destroy(lp_fieldref *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		lp_free(r->seg[i]);
	lp_free(r->seg);
	lp_free(r->seglen);
	lp_free(r->text);
	lp_free(r);
}
