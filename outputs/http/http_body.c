#include "outputs/http/http_body.h"

#include "pipeline/jsonw.h"
#include "pipeline/mem.h"
#include "pipeline/template.h"

#include <stdio.h>
#include <string.h>

typedef enum { MAP_OBJECT, MAP_ARRAY, MAP_LEAF } map_kind;

struct lp_http_map {
	map_kind kind;
	size_t n;
	char **keys;            /* MAP_OBJECT */
	struct lp_http_map **kids; /* MAP_OBJECT, MAP_ARRAY */
	lp_template *t;         /* MAP_LEAF */
};

void lp_http_map_destroy(lp_http_map *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		if (m->keys)
			lp_free(m->keys[i]);
		lp_http_map_destroy(m->kids[i]);
	}
	lp_free(m->keys);
	lp_free(m->kids);
	lp_template_destroy(m->t);
	lp_free(m);
}

static lp_http_map *compile(const lpj_t *v, const char *path, char *err, size_t err_len)
{
	lp_http_map *m = lp_calloc(1, sizeof(*m));
	if (lpj_is_object(v)) {
		m->kind = MAP_OBJECT;
		m->n = lpj_object_size(v);
		m->keys = lp_calloc(m->n ? m->n : 1, sizeof(*m->keys));
		m->kids = lp_calloc(m->n ? m->n : 1, sizeof(*m->kids));
		size_t i = 0;
		const char *k;
		lpj_t *kv;
		lpj_object_foreach((lpj_t *)v, k, kv) {
			char *sub = lp_asprintf("%s[%s]", path, k);
			m->keys[i] = lp_strdup(k);
			m->kids[i] = compile(kv, sub, err, err_len);
			lp_free(sub);
			if (!m->kids[i++])
				goto fail;
		}
		return m;
	}
	if (lpj_is_array(v)) {
		m->kind = MAP_ARRAY;
		m->n = lpj_array_size(v);
		m->kids = lp_calloc(m->n ? m->n : 1, sizeof(*m->kids));
		for (size_t i = 0; i < m->n; i++) {
			char *sub = lp_asprintf("%s[%zu]", path, i);
			m->kids[i] = compile(lpj_array_get(v, i), sub, err, err_len);
			lp_free(sub);
			if (!m->kids[i])
				goto fail;
		}
		return m;
	}
	m->kind = MAP_LEAF;
	char *text;
	if (lpj_is_string(v))
		text = lp_strdup(lpj_string_value(v));
	else if (lpj_is_integer(v))
		text = lp_asprintf("%lld", (long long)lpj_integer_value(v));
	else if (lpj_is_real(v))
		text = lp_asprintf("%.17g", lpj_real_value(v));
	else if (lpj_is_true(v))
		text = lp_strdup("true");
	else if (lpj_is_false(v))
		text = lp_strdup("false");
	else
		text = lp_strdup("");
	const char *terr = NULL;
	size_t col = 0;
	m->t = lp_template_compile(text, &terr, &col);
	if (!m->t)
		snprintf(err, err_len, "invalid template \"%s\" at %s (column %zu): %s", text,
			 *path ? path : "the top level", col + 1, terr ? terr : "syntax error");
	lp_free(text);
	if (!m->t)
		goto fail;
	return m;
fail:
	lp_http_map_destroy(m);
	return NULL;
}

lp_http_map *lp_http_map_compile(const lpj_t *v, char *err, size_t err_len)
{
	if (err_len)
		err[0] = '\0';
	return compile(v, "", err, err_len);
}

void lp_http_map_write_json(const lp_http_map *m, lp_event *ev, lp_buf *out, lp_buf *scratch)
{
	switch (m->kind) {
	case MAP_OBJECT:
		lp_buf_addc(out, '{');
		for (size_t i = 0; i < m->n; i++) {
			if (i)
				lp_buf_addc(out, ',');
			lp_jsonw_string(out, m->keys[i], strlen(m->keys[i]));
			lp_buf_addc(out, ':');
			lp_http_map_write_json(m->kids[i], ev, out, scratch);
		}
		lp_buf_addc(out, '}');
		break;
	case MAP_ARRAY:
		lp_buf_addc(out, '[');
		for (size_t i = 0; i < m->n; i++) {
			if (i)
				lp_buf_addc(out, ',');
			lp_http_map_write_json(m->kids[i], ev, out, scratch);
		}
		lp_buf_addc(out, ']');
		break;
	case MAP_LEAF:
		lp_buf_reset(scratch);
		lp_template_render(m->t, ev, scratch);
		lp_jsonw_string(out, scratch->data ? scratch->data : "", scratch->len);
		break;
	}
}

void lp_http_body_form_escape(lp_buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '*') {
			lp_buf_addc(out, (char)c);
		} else if (c == ' ') {
			lp_buf_addc(out, '+');
		} else {
			lp_buf_addc(out, '%');
			lp_buf_addc(out, hex[c >> 4]);
			lp_buf_addc(out, hex[c & 15]);
		}
	}
}

/* Appends "k=v", preceded by '&' unless it is the first pair after start. */
static void form_pair(lp_buf *out, size_t start, const char *k, const char *v, size_t vlen)
{
	if (out->len > start)
		lp_buf_addc(out, '&');
	lp_http_body_form_escape(out, k, strlen(k));
	lp_buf_addc(out, '=');
	lp_http_body_form_escape(out, v, vlen);
}

void lp_http_map_write_form(const lp_http_map *m, lp_event *ev, lp_buf *out, lp_buf *scratch)
{
	if (m->kind != MAP_OBJECT)
		return;
	lp_buf val = LP_BUF_INIT;
	size_t start = out->len;
	for (size_t i = 0; i < m->n; i++) {
		lp_buf_reset(&val);
		const lp_http_map *kid = m->kids[i];
		if (kid->kind == MAP_LEAF)
			lp_template_render(kid->t, ev, &val);
		else
			lp_http_map_write_json(kid, ev, &val, scratch);
		form_pair(out, start, m->keys[i], val.data ? val.data : "", val.len);
	}
	lp_buf_fini(&val);
}

void lp_http_body_event_form(lp_event *ev, lp_buf *out, lp_buf *scratch)
{
	lpj_t *obj = lp_event_to_json(ev, false);
	const char *k;
	lpj_t *v;
	size_t start = out->len;
	lpj_object_foreach(obj, k, v) {
		lp_buf_reset(scratch);
		if (lpj_is_string(v))
			lp_buf_add(scratch, lpj_string_value(v), lpj_string_length(v));
		else
			lp_jsonw_value(scratch, v);
		form_pair(out, start, k, scratch->data ? scratch->data : "", scratch->len);
	}
	lpj_decref(obj);
}
