/* Fuzz target: the mutate filter's value operations
 * (filters/mutate/mutate_ops.h). Byte 0 picks a separator and a pattern;
 * the rest is the text. Invariants: gsub with "\0" or "\&" as replacement
 * gives the text back, for fixed patterns and for the text's own first line
 * as a pattern; case changes keep the length of ASCII text and agree with
 * the C locale there, and lowercase . uppercase = lowercase; strip returns a
 * range without surrounding whitespace and is idempotent; joining a split
 * gives the text up to trailing separators; converting to string never
 * fails and every conversion result serialises. */
#include "fuzz.h"

#include "filters/mutate/mutate_ops.h"
#include "pipeline/buf.h"
#include "pipeline/jsonw.h"
#include "pipeline/mem.h"
#include "pipeline/regex.h"

#include <ctype.h>
#include <string.h>

static const char *const patterns[] = {
	"a", "(.{3}).*(.{3})", "^", "$", "\\b", "(?<n>x+)y?", "", "\\h+", "[^a-z]+", "(a)|(b)", "\\s*",
	"^\\s+|\\s+$", ".",
};
#define N_PATTERNS (sizeof(patterns) / sizeof(patterns[0]))
static const char *const seps[] = { ",", " ", "", "ab", ",,", "\n", "::", "é" };
#define N_SEPS (sizeof(seps) / sizeof(seps[0]))
static lp_regex *compiled[N_PATTERNS];

static void init_patterns(void)
{
	if (compiled[0])
		return;
	for (size_t i = 0; i < N_PATTERNS; i++) {
		char err[128];
		compiled[i] = lp_regex_compile(patterns[i], err, sizeof(err), NULL);
		if (!compiled[i]) {
			fprintf(stderr, "pattern '%s': %s\n", patterns[i], err);
			abort();
		}
	}
}

static void check_gsub_identity(const lp_regex *re, const char *s, size_t len)
{
	static const char *const repls[] = { "\\0", "\\&" };
	for (size_t i = 0; i < 2; i++) {
		lp_buf out = LP_BUF_INIT;
		mut_repl *r = mut_repl_compile(repls[i]);
		FUZZ_CHECK(mut_gsub(re, s, len, r, NULL, &out));
		FUZZ_CHECK(out.len == len && (len == 0 || memcmp(out.data, s, len) == 0));
		lp_buf_reset(&out);
		FUZZ_CHECK(mut_gsub(re, s, len, NULL, repls[i], &out));
		FUZZ_CHECK(out.len == len && (len == 0 || memcmp(out.data, s, len) == 0));
		mut_repl_destroy(r);
		lp_buf_fini(&out);
	}
}

static bool is_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

static void check_case(const char *s, size_t len)
{
	lp_buf up = LP_BUF_INIT, low = LP_BUF_INIT, lowup = LP_BUF_INIT, cap = LP_BUF_INIT;
	mut_change_case(s, len, MUT_UPPER, &up);
	mut_change_case(s, len, MUT_LOWER, &low);
	mut_change_case(s, len, MUT_CAPITALIZE, &cap);
	mut_change_case(up.data ? up.data : "", up.len, MUT_LOWER, &lowup);
	if (is_ascii(s, len)) {
		FUZZ_CHECK(up.len == len && low.len == len && cap.len == len);
		for (size_t i = 0; i < len; i++) {
			FUZZ_CHECK(up.data[i] == (char)toupper((unsigned char)s[i]));
			FUZZ_CHECK(low.data[i] == (char)tolower((unsigned char)s[i]));
			FUZZ_CHECK(cap.data[i] == (char)(i ? tolower((unsigned char)s[i])
						       : toupper((unsigned char)s[i])));
		}
		FUZZ_CHECK(lowup.len == low.len && (len == 0 || memcmp(lowup.data, low.data, len) == 0));
	}
	lp_buf_fini(&up);
	lp_buf_fini(&low);
	lp_buf_fini(&lowup);
	lp_buf_fini(&cap);
}

static bool ruby_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static void check_strip(const char *s, size_t len)
{
	size_t a = (size_t)-1, b = (size_t)-1;
	mut_strip(s, len, &a, &b);
	FUZZ_CHECK(a <= b && b <= len);
	if (a < b) {
		FUZZ_CHECK(!ruby_space(s[a]));
		FUZZ_CHECK(!ruby_space(s[b - 1]) && s[b - 1] != '\0');
	}
	size_t a2, b2;
	mut_strip(s + a, b - a, &a2, &b2);
	FUZZ_CHECK(a2 == 0 && b2 == b - a);
}

static void check_split(const char *s, size_t len, const char *sep)
{
	lpj_t *arr = mut_split(s, len, sep);
	FUZZ_CHECK(lpj_is_array(arr));
	size_t n = lpj_array_size(arr);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(lpj_is_string(lpj_array_get(arr, i)));
	/* no trailing empty field */
	if (n > 0)
		FUZZ_CHECK(lpj_string_length(lpj_array_get(arr, n - 1)) > 0);
	size_t sl = strlen(sep);
	if (sl > 0 && strcmp(sep, " ") != 0) {
		lp_buf j = LP_BUF_INIT;
		mut_join(arr, sep, &j);
		FUZZ_CHECK(j.len <= len);
		FUZZ_CHECK(j.len == 0 || memcmp(j.data, s, j.len) == 0);
		/* what is left is separators (the empty fields removed) */
		size_t p = j.len;
		if (n > 0 && p < len) {
			FUZZ_CHECK(len - p >= sl && memcmp(s + p, sep, sl) == 0);
		}
		while (n > 0 && p + sl <= len && memcmp(s + p, sep, sl) == 0)
			p += sl;
		if (n > 0)
			FUZZ_CHECK(p == len);
		lp_buf_fini(&j);
	}
	lpj_decref(arr);
}

static void check_convert(const char *s, size_t len)
{
	lpj_t *vals[4] = { lpj_stringn(s, len), NULL, NULL, NULL };
	if (!vals[0])
		return; /* not valid UTF-8: lpj_stringn refuses it as a string */
	vals[1] = lpj_loadb(s, len, LPJ_DECODE_ANY, NULL);
	vals[2] = lpj_integer((lpj_int_t)len * 7 - 100);
	vals[3] = lpj_real((double)len / 3.0 - 5);
	for (size_t i = 0; i < 4; i++) {
		if (!vals[i] || lpj_is_object(vals[i]) || lpj_is_array(vals[i]))
			continue;
		for (int t = MUT_CONV_INTEGER; t <= MUT_CONV_BOOLEAN; t++) {
			bool unchanged = false;
			lpj_t *r = mut_convert(vals[i], (mut_conv)t, &unchanged);
			if (t == MUT_CONV_STRING)
				FUZZ_CHECK(r != NULL && lpj_is_string(r));
			if (r) {
				lp_buf out = LP_BUF_INIT;
				lp_jsonw_value(&out, r);
				lpj_t *back = lpj_loadb(out.data, out.len, LPJ_DECODE_ANY | LPJ_ALLOW_NUL, NULL);
				FUZZ_CHECK(back != NULL);
				lpj_decref(back);
				lp_buf_reset(&out);
				mut_to_s(r, &out);
				lp_buf_fini(&out);
			}
			lpj_decref(r);
		}
	}
	for (size_t i = 0; i < 4; i++)
		lpj_decref(vals[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_init();
	init_patterns();
	if (size < 1 || size > 4096)
		return 0;
	const char *s = (const char *)data + 1;
	size_t len = size - 1;

	check_gsub_identity(compiled[data[0] % N_PATTERNS], s, len);
	check_case(s, len);
	check_strip(s, len);
	check_split(s, len, seps[data[0] % N_SEPS]);
	check_split(s, len, seps[(data[0] >> 4) % N_SEPS]);
	check_convert(s, len);

	/* the first line of the text as a pattern, in Ruby's group rules */
	const char *nl = memchr(s, '\n', len);
	char *pat = lp_strndup(s, nl ? (size_t)(nl - s) : len);
	char *rp = mut_ruby_groups(pat);
	char err[128];
	lp_regex *re = lp_regex_compile(rp, err, sizeof(err), NULL);
	if (re) {
		check_gsub_identity(re, s, len);
		lp_regex_destroy(re);
	}
	lp_free(rp);
	lp_free(pat);
	return 0;
}
