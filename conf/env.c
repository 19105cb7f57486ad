/* env: ${VAR} / ${VAR:default} substitution. */
#include "conf/env.h"

#include "pipeline/mem.h"

#include <stdlib.h>
#include <string.h>

static bool name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '.';
}

static bool name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

/* Recognises a reference at text[i] ("${"). On success fills the name and
 * default ranges (def_len is SIZE_MAX when there is no default) and returns
 * the offset just after the closing '}'; returns 0 when there is none. */
static size_t match_ref(const char *text, size_t len, size_t i, size_t *name_off, size_t *name_len,
			size_t *def_off, size_t *def_len)
{
	if (i + 2 >= len || text[i] != '$' || text[i + 1] != '{' || !name_start(text[i + 2]))
		return 0;
	size_t j = i + 3;
	while (j < len && name_char(text[j]))
		j++;
	*name_off = i + 2;
	*name_len = j - (i + 2);
	*def_len = (size_t)-1;
	if (j < len && text[j] == '}')
		return j + 1;
	if (j < len && text[j] == ':') {
		size_t k = j + 1;
		while (k < len && text[k] != '}')
			k++;
		if (k >= len)
			return 0;
		*def_off = j + 1;
		*def_len = k - (j + 1);
		return k + 1;
	}
	return 0;
}

size_t lp_env_expand(const char *text, size_t len, lp_buf *out, lp_env_undefined_fn undefined,
		     void *ud)
{
	size_t n_undef = 0, i = 0, lit = 0;
	while (i < len) {
		size_t no, nl, doff = 0, dl;
		size_t end = text[i] == '$' ? match_ref(text, len, i, &no, &nl, &doff, &dl) : 0;
		if (!end) {
			i++;
			continue;
		}
		lp_buf_add(out, text + lit, i - lit);
		char *name = lp_strndup(text + no, nl);
		const char *val = getenv(name);
		lp_free(name);
		if (val) {
			lp_buf_adds(out, val);
		} else if (dl != (size_t)-1) {
			lp_buf_add(out, text + doff, dl);
		} else {
			n_undef++;
			if (undefined)
				undefined(ud, i, text + no, nl);
			lp_buf_add(out, text + i, end - i);
		}
		i = lit = end;
	}
	lp_buf_add(out, text + lit, len - lit);
	return n_undef;
}

bool lp_env_has_ref(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		size_t no, nl, doff, dl;
		if (text[i] == '$' && match_ref(text, len, i, &no, &nl, &doff, &dl))
			return true;
	}
	return false;
}
