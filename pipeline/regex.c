#include "pipeline/regex.h"

#include "pipeline/buf.h"
#include "pipeline/mem.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

struct lp_regex {
	pcre2_code *code;
	size_t captures;
};

/* The largest number of capture pairs any thread's match data holds. */
#define MATCH_PAIRS 64

static _Thread_local pcre2_match_data *tl_md;

/* The key only frees a thread's match data when the thread exits. */
static pthread_key_t md_key;
static pthread_once_t md_key_once = PTHREAD_ONCE_INIT;

static void free_match_data(void *md)
{
	pcre2_match_data_free(md);
}

static void make_md_key(void)
{
	if (pthread_key_create(&md_key, free_match_data) != 0)
		abort();
}

static pcre2_match_data *match_data(void)
{
	if (!tl_md) {
		tl_md = pcre2_match_data_create(MATCH_PAIRS, NULL);
		pthread_once(&md_key_once, make_md_key);
		pthread_setspecific(md_key, tl_md);
	}
	return tl_md;
}

/* Rewrites the Ruby-only constructs into PCRE2 syntax. */
static void translate(const char *p, lp_buf *out)
{
	bool in_class = false;
	for (size_t i = 0; p[i]; i++) {
		char c = p[i];
		if (c == '\\' && p[i + 1]) {
			char n = p[i + 1];
			if (n == 'h')
				lp_buf_adds(out, in_class ? "0-9a-fA-F" : "[0-9a-fA-F]");
			else if (n == 'H' && !in_class)
				lp_buf_adds(out, "[^0-9a-fA-F]");
			else
				lp_buf_add(out, p + i, 2);
			i++;
			continue;
		}
		if (in_class) {
			if (c == ']')
				in_class = false;
			lp_buf_addc(out, c);
			continue;
		}
		if (c == '[') {
			in_class = true;
			lp_buf_addc(out, c);
			if (p[i + 1] == '^')
				lp_buf_addc(out, p[++i]);
			if (p[i + 1] == ']')
				lp_buf_addc(out, p[++i]);
			continue;
		}
		if (c == '(' && p[i + 1] == '?') {
			/* inline options: Ruby's m is PCRE's s */
			size_t j = i + 2;
			bool opts = true;
			while (p[j] && p[j] != ')' && p[j] != ':') {
				if (!strchr("mix-", p[j]))
					opts = false;
				j++;
			}
			if (opts && (p[j] == ')' || p[j] == ':') && j > i + 2) {
				lp_buf_adds(out, "(?");
				for (size_t k = i + 2; k < j; k++)
					lp_buf_addc(out, p[k] == 'm' ? 's' : p[k]);
				i = j - 1;
				continue;
			}
		}
		lp_buf_addc(out, c);
	}
}

lp_regex *lp_regex_compile(const char *pattern, char *err, size_t errlen, size_t *err_col)
{
	lp_buf src = LP_BUF_INIT;
	translate(pattern, &src);
	int ec = 0;
	PCRE2_SIZE off = 0;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)lp_buf_str(&src), src.len,
					 PCRE2_MULTILINE | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
					 &ec, &off, NULL);
	lp_buf_fini(&src);
	if (!code) {
		if (err) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(ec, msg, sizeof(msg));
			snprintf(err, errlen, "%s", (const char *)msg);
		}
		if (err_col)
			*err_col = off > strlen(pattern) ? strlen(pattern) : off;
		return NULL;
	}
	pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	lp_regex *re = lp_malloc(sizeof(*re));
	re->code = code;
	uint32_t n = 0;
	pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &n);
	re->captures = n;
	return re;
}

void lp_regex_destroy(lp_regex *re)
{
	if (!re)
		return;
	pcre2_code_free(re->code);
	lp_free(re);
}

bool lp_regex_match(const lp_regex *re, const char *s, size_t len)
{
	return pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, 0, match_data(), NULL) >= 0;
}

bool lp_regex_search(const lp_regex *re, const char *s, size_t len, size_t start, size_t *ov,
		     size_t max_pairs)
{
	pcre2_match_data *md = match_data();
	int rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, start, 0, md, NULL);
	if (rc < 0)
		return false;
	PCRE2_SIZE *v = pcre2_get_ovector_pointer(md);
	size_t pairs = re->captures + 1;
	if (pairs > max_pairs)
		pairs = max_pairs;
	if (pairs > MATCH_PAIRS)
		pairs = MATCH_PAIRS;
	for (size_t i = 0; i < pairs; i++) {
		bool set = (int)i < rc && v[2 * i] != PCRE2_UNSET;
		ov[2 * i] = set ? v[2 * i] : (size_t)-1;
		ov[2 * i + 1] = set ? v[2 * i + 1] : (size_t)-1;
	}
	return true;
}

size_t lp_regex_captures(const lp_regex *re)
{
	return re->captures;
}

int lp_regex_group_number(const lp_regex *re, const char *name)
{
	int n = pcre2_substring_number_from_name(re->code, (PCRE2_SPTR)name);
	return n < 0 ? -1 : n;
}
