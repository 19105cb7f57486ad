/* Unit tests for filters/mutate/mutate_ops: the value operations of the
 * mutate filter with Ruby's (Logstash's) semantics. */
#include "lp_test.h"
#include "filters/mutate/mutate_ops.h"
#include "pipeline/mem.h"

#include <math.h>
#include <string.h>

/* The JSON text of a conversion result ("ERROR" when it raised, the value
 * followed by " (kept)" when a boolean conversion kept it). */
static char *conv_json(const char *in_json, mut_conv type)
{
	lpj_error_t err;
	lpj_t *in = lpj_loads(in_json, LPJ_DECODE_ANY, &err);
	if (!in)
		return lp_strdup("BAD INPUT");
	bool unchanged = true;
	lpj_t *out = mut_convert(in, type, &unchanged);
	lpj_decref(in);
	if (!out)
		return lp_strdup("ERROR");
	char *s = lpj_dumps(out, LPJ_ENCODE_ANY | LPJ_COMPACT | LPJ_REAL_PRECISION(17));
	lpj_decref(out);
	if (!unchanged)
		return s;
	char *r = lp_asprintf("%s (kept)", s);
	lp_free(s);
	return r;
}

#define CONV(in, type, expected)                                                  \
	do {                                                                      \
		char *lp_c = conv_json(in, type);                                 \
		CHECK_STR(lp_c, expected);                                        \
		lp_free(lp_c);                                                    \
	} while (0)

static void test_integer(void)
{
	CONV("\"42\"", MUT_CONV_INTEGER, "42");
	CONV("\" -7 \"", MUT_CONV_INTEGER, "-7");
	CONV("\"3.99\"", MUT_CONV_INTEGER, "3");          /* String#to_i */
	CONV("\"1,234,567\"", MUT_CONV_INTEGER, "1234567"); /* commas deleted */
	CONV("\"abc\"", MUT_CONV_INTEGER, "0");           /* "abc".to_i */
	CONV("\"12abc\"", MUT_CONV_INTEGER, "12");
	CONV("\"\"", MUT_CONV_INTEGER, "0");
	CONV("\"1_000\"", MUT_CONV_INTEGER, "1000");
	CONV("\"1e3\"", MUT_CONV_INTEGER, "1000");        /* BigDecimal("1e3").to_i */
	CONV("\"1.5e3\"", MUT_CONV_INTEGER, "1500");
	CONV("\"abcde\"", MUT_CONV_INTEGER, "ERROR");     /* BigDecimal raises */
	CONV("\"2.5E3\"", MUT_CONV_INTEGER, "2");         /* only a lower-case e */
	CONV("\"0x1A\"", MUT_CONV_INTEGER, "26");
	CONV("\"-0x1A\"", MUT_CONV_INTEGER, "-26");
	CONV("\"0xZZ\"", MUT_CONV_INTEGER, "ERROR");
	CONV("3.7", MUT_CONV_INTEGER, "3");
	CONV("-3.7", MUT_CONV_INTEGER, "-3");
	CONV("true", MUT_CONV_INTEGER, "1");
	CONV("false", MUT_CONV_INTEGER, "0");
	CONV("17", MUT_CONV_INTEGER, "17");
	CONV("\"1.234,56\"", MUT_CONV_INTEGER_EU, "1234");
	CONV("\"1.234.567\"", MUT_CONV_INTEGER_EU, "1234567");
	/* beyond 64 bits Ruby makes a Bignum: logpipe fails the conversion */
	CONV("\"9223372036854775807\"", MUT_CONV_INTEGER, "9223372036854775807");
	CONV("\"-9223372036854775808\"", MUT_CONV_INTEGER, "-9223372036854775808");
	CONV("\"9223372036854775808\"", MUT_CONV_INTEGER, "ERROR");
	CONV("1e20", MUT_CONV_INTEGER, "ERROR");
	CONV("\"1e30\"", MUT_CONV_INTEGER, "ERROR");
}

static void test_float(void)
{
	CONV("\"3.25\"", MUT_CONV_FLOAT, "3.25");
	CONV("\"1,000.5\"", MUT_CONV_FLOAT, "1000.5");
	CONV("\" 2.5 \"", MUT_CONV_FLOAT, "2.5");
	CONV("5", MUT_CONV_FLOAT, "5.0");
	CONV("\"abc\"", MUT_CONV_FLOAT, "ERROR");  /* Float() is strict */
	CONV("\"\"", MUT_CONV_FLOAT, "ERROR");
	CONV("\"1.5x\"", MUT_CONV_FLOAT, "ERROR");
	CONV("\"1.\"", MUT_CONV_FLOAT, "ERROR");
	CONV("\"1__0\"", MUT_CONV_FLOAT, "ERROR");
	CONV("\"1_000.5\"", MUT_CONV_FLOAT, "1000.5");
	CONV("\"1e3\"", MUT_CONV_FLOAT, "1000.0");
	CONV("\"0x10\"", MUT_CONV_FLOAT, "16.0");
	CONV("\"nan\"", MUT_CONV_FLOAT, "ERROR");
	CONV("\"inf\"", MUT_CONV_FLOAT, "ERROR");
	CONV("true", MUT_CONV_FLOAT, "1.0");
	CONV("false", MUT_CONV_FLOAT, "0.0");
	CONV("\"3,14\"", MUT_CONV_FLOAT_EU, "3.1400000000000001");
	CONV("\"1.234,5\"", MUT_CONV_FLOAT_EU, "1234.5");
}

static void test_boolean(void)
{
	CONV("\"true\"", MUT_CONV_BOOLEAN, "true");
	CONV("\"TRUE\"", MUT_CONV_BOOLEAN, "true");
	CONV("\"y\"", MUT_CONV_BOOLEAN, "true");
	CONV("\"1.0\"", MUT_CONV_BOOLEAN, "true");
	CONV("\"1x0\"", MUT_CONV_BOOLEAN, "true");        /* TRUE_REGEX's unescaped dot */
	CONV("\"maybe\\nyes\"", MUT_CONV_BOOLEAN, "true"); /* Ruby line anchors */
	CONV("\"No\"", MUT_CONV_BOOLEAN, "false");
	CONV("\"0.0\"", MUT_CONV_BOOLEAN, "false");
	CONV("\"\"", MUT_CONV_BOOLEAN, "false");
	CONV("1", MUT_CONV_BOOLEAN, "true");
	CONV("0", MUT_CONV_BOOLEAN, "false");
	CONV("1.0", MUT_CONV_BOOLEAN, "true");
	CONV("\"maybe\"", MUT_CONV_BOOLEAN, "\"maybe\" (kept)");
	CONV("2", MUT_CONV_BOOLEAN, "2 (kept)");
	CONV("\"yess\"", MUT_CONV_BOOLEAN, "\"yess\" (kept)");
}

static void test_string_and_float_to_s(void)
{
	CONV("42", MUT_CONV_STRING, "\"42\"");
	CONV("1.0", MUT_CONV_STRING, "\"1.0\"");
	CONV("2.5", MUT_CONV_STRING, "\"2.5\"");
	CONV("0.1", MUT_CONV_STRING, "\"0.1\"");
	CONV("1e20", MUT_CONV_STRING, "\"1.0e+20\"");
	CONV("1e16", MUT_CONV_STRING, "\"1.0e+16\"");
	CONV("1e15", MUT_CONV_STRING, "\"1000000000000000.0\"");
	CONV("0.0001", MUT_CONV_STRING, "\"0.0001\"");
	CONV("0.00001", MUT_CONV_STRING, "\"1.0e-05\"");
	CONV("-1.5e-7", MUT_CONV_STRING, "\"-1.5e-07\"");
	CONV("123456789.123", MUT_CONV_STRING, "\"123456789.123\"");
	CONV("0.0", MUT_CONV_STRING, "\"0.0\"");
	CONV("true", MUT_CONV_STRING, "\"true\"");
	CONV("\"x\"", MUT_CONV_STRING, "\"x\"");
}

static void test_conv_names(void)
{
	mut_conv c;
	CHECK(mut_conv_parse("integer_eu", &c) && c == MUT_CONV_INTEGER_EU);
	CHECK(mut_conv_parse("boolean", &c) && c == MUT_CONV_BOOLEAN);
	CHECK(!mut_conv_parse("int", &c));
	CHECK(!mut_conv_parse("Integer", &c));
}

/* gsub of s with pattern and Ruby replacement text. */
static char *gsub(const char *pattern, const char *s, const char *repl)
{
	lp_regex *re = lp_regex_compile(pattern, NULL, 0, NULL);
	if (!re)
		return lp_strdup("BAD PATTERN");
	lp_buf out = LP_BUF_INIT;
	mut_repl *r = mut_repl_compile(repl);
	bool ok = mut_gsub(re, s, strlen(s), r, NULL, &out);
	/* the uncompiled path must agree with the compiled one */
	lp_buf out2 = LP_BUF_INIT;
	bool ok2 = mut_gsub(re, s, strlen(s), NULL, repl, &out2);
	char *res = lp_strdup(ok != ok2 || strcmp(lp_buf_str(&out), lp_buf_str(&out2)) != 0 ? "MISMATCH"
			      : ok ? lp_buf_str(&out) : "ERROR");
	lp_buf_fini(&out);
	lp_buf_fini(&out2);
	mut_repl_destroy(r);
	lp_regex_destroy(re);
	return res;
}

#define GSUB(pat, s, repl, expected)                                              \
	do {                                                                      \
		char *lp_g = gsub(pat, s, repl);                                  \
		CHECK_STR(lp_g, expected);                                        \
		lp_free(lp_g);                                                    \
	} while (0)

static void test_gsub(void)
{
	GSUB("-", "a-b-c", "_", "a_b_c");
	GSUB("x*", "abc", "-", "-a-b-c-");          /* Ruby: "abc".gsub(%r{x*}, "-") */
	GSUB(".*", "abc", "x", "xx");               /* the match, then the empty end */
	GSUB("", "ab", "-", "-a-b-");
	GSUB("x*", "", "-", "-");
	GSUB("(.{3}).*(.{3})", "user12345678", "\\1***\\2", "use***678");
	GSUB("(?<y>\\d{4})-(?<m>\\d{2})", "2024-03", "\\k<m>/\\k<y>", "03/2024");
	GSUB("b", "abc", "<\\0|\\&>", "a<b|b>c");
	GSUB("b", "abc", "[\\`|\\']", "a[a|c]c");
	GSUB("(b)", "abc", "[\\2]", "a[]c");       /* no such group: empty */
	GSUB("(x)?b", "abc", "[\\1]", "a[]c");     /* unset group: empty */
	GSUB("/", "a/b", "\\\\", "a\\b");          /* \\ is one backslash */
	GSUB("q", "q", "\\\"x", "\\\"x");          /* unknown escape kept */
	GSUB("b", "abc", "\\k<nope>", "ERROR");    /* unknown name: Ruby raises */
	GSUB("x", "abc", "\\k<nope>", "abc");      /* ... only when something matched */
	GSUB("^", "a\nb", ">", ">a\n>b");          /* Ruby line anchors */
	GSUB("$", "a\nb", "<", "a<\nb<");
	GSUB("x*", "é", "-", "-é-");               /* empty matches step by character */
	GSUB("é", "héllo", "e", "hello");
}

#define GROUPS(pat, expected)                                                     \
	do {                                                                      \
		char *lp_g = mut_ruby_groups(pat);                                \
		CHECK_STR(lp_g, expected);                                        \
		lp_free(lp_g);                                                    \
	} while (0)

static void test_ruby_groups(void)
{
	/* without named groups nothing changes */
	GROUPS("(a)(b)", "(a)(b)");
	GROUPS("(?<=a)(b)", "(?<=a)(b)");
	GROUPS("(?<!a)(b)", "(?<!a)(b)");
	/* with named groups plain groups stop capturing (Onigmo) */
	GROUPS("(?<y>\\d{4})-(\\d{2})", "(?<y>\\d{4})-(?:\\d{2})");
	GROUPS("(?'n'a)(b)", "(?'n'a)(?:b)");
	GROUPS("(?P<n>a)(b)", "(?P<n>a)(?:b)");
	/* escaped parentheses and classes are left alone */
	GROUPS("(?<n>a)\\(b\\)[(]x", "(?<n>a)\\(b\\)[(]x");
	GROUPS("(?<n>a)[]()](c)", "(?<n>a)[]()](?:c)");
	GROUPS("(?<n>a)[^]()](c)", "(?<n>a)[^]()](?:c)");
	GROUPS("(?<n>a)(?:b)(?i)(c)", "(?<n>a)(?:b)(?i)(?:c)");
	/* end to end: \2 refers to nothing, as in Ruby */
	char *p = mut_ruby_groups("(?<y>\\d{4})-(\\d{2})");
	lp_regex *re = lp_regex_compile(p, NULL, 0, NULL);
	lp_free(p);
	CHECK(re != NULL);
	if (re) {
		lp_buf out = LP_BUF_INIT;
		CHECK(mut_gsub(re, "2024-03", 7, NULL, "[\\1|\\2|\\k<y>]", &out));
		CHECK_STR(lp_buf_str(&out), "[2024||2024]");
		lp_buf_fini(&out);
		lp_regex_destroy(re);
	}
}

static char *cased(const char *s, mut_case how)
{
	lp_buf b = LP_BUF_INIT;
	mut_change_case(s, strlen(s), how, &b);
	char *r = lp_strdup(lp_buf_str(&b));
	lp_buf_fini(&b);
	return r;
}

#define CASED(s, how, expected)                                                   \
	do {                                                                      \
		char *lp_s = cased(s, how);                                       \
		CHECK_STR(lp_s, expected);                                        \
		lp_free(lp_s);                                                    \
	} while (0)

static void test_case(void)
{
	CASED("hello World", MUT_UPPER, "HELLO WORLD");
	CASED("HeLLo", MUT_LOWER, "hello");
	CASED("hELLO wORLD", MUT_CAPITALIZE, "Hello world");
	CASED("éa", MUT_UPPER, "ÉA");
	CASED("ÀÉ", MUT_LOWER, "àé");
	CASED("ωμέγα", MUT_CAPITALIZE, "Ωμέγα");
	CASED("", MUT_UPPER, "");
	CASED("123 abc", MUT_CAPITALIZE, "123 abc");
	CASED("a\xff" "b", MUT_UPPER, "A\xff" "B"); /* invalid bytes pass through */
}

static void test_strip(void)
{
	size_t a, b;
	const char *s = " \t a b \n\r";
	mut_strip(s, strlen(s), &a, &b);
	CHECK_INT(a, 3);
	CHECK_INT(b, 6);
	mut_strip("   ", 3, &a, &b);
	CHECK_INT(b - a, 0);
	const char nul[] = "x \0\0";
	mut_strip(nul, 4, &a, &b); /* Ruby strips trailing NULs too */
	CHECK_INT(a, 0);
	CHECK_INT(b, 1);
	mut_strip("\0x", 2, &a, &b); /* but not leading ones */
	CHECK_INT(a, 0);
	CHECK_INT(b, 2);
}

static char *split(const char *s, const char *sep)
{
	lpj_t *a = mut_split(s, strlen(s), sep);
	char *r = lpj_dumps(a, LPJ_COMPACT);
	lpj_decref(a);
	return r;
}

#define SPLIT(s, sep, expected)                                                   \
	do {                                                                      \
		char *lp_s = split(s, sep);                                       \
		CHECK_STR(lp_s, expected);                                        \
		lp_free(lp_s);                                                    \
	} while (0)

static void test_split(void)
{
	SPLIT("a,b,c", ",", "[\"a\",\"b\",\"c\"]");
	SPLIT("a,b,,", ",", "[\"a\",\"b\"]");      /* trailing empties removed */
	SPLIT(",a", ",", "[\"\",\"a\"]");          /* leading empty kept */
	SPLIT("a,,b", ",", "[\"a\",\"\",\"b\"]");
	SPLIT(",,,", ",", "[]");
	SPLIT("", ",", "[]");
	SPLIT("  a  b\tc ", " ", "[\"a\",\"b\",\"c\"]"); /* awk-style */
	SPLIT("a  b", "  ", "[\"a\",\"b\"]");     /* only " " itself is awk-style */
	SPLIT("a::b::c", "::", "[\"a\",\"b\",\"c\"]");
	SPLIT("aaa", "aa", "[\"\",\"a\"]");
	SPLIT("hé", "", "[\"h\",\"é\"]");          /* "" splits into characters */
}

static char *join(const char *arr_json, const char *sep)
{
	lpj_error_t err;
	lpj_t *a = lpj_loads(arr_json, 0, &err);
	lp_buf b = LP_BUF_INIT;
	mut_join(a, sep, &b);
	char *r = lp_strdup(lp_buf_str(&b));
	lp_buf_fini(&b);
	lpj_decref(a);
	return r;
}

#define JOIN(arr, sep, expected)                                                  \
	do {                                                                      \
		char *lp_s = join(arr, sep);                                      \
		CHECK_STR(lp_s, expected);                                        \
		lp_free(lp_s);                                                    \
	} while (0)

static void test_join(void)
{
	JOIN("[\"a\",\"b\"]", ",", "a,b");
	JOIN("[1,2.5,true,1.0]", "-", "1-2.5-true-1.0");
	JOIN("[[\"a\",[\"b\"]],\"c\"]", ",", "a,b,c"); /* nested arrays flattened */
	JOIN("[\"a\",null,\"b\"]", ",", "a,,b");
	JOIN("[]", ",", "");
	JOIN("[\"a\",\"b\"]", "", "ab");
}

int main(void)
{
	LP_RUN(test_integer);
	LP_RUN(test_float);
	LP_RUN(test_boolean);
	LP_RUN(test_string_and_float_to_s);
	LP_RUN(test_conv_names);
	LP_RUN(test_gsub);
	LP_RUN(test_ruby_groups);
	LP_RUN(test_case);
	LP_RUN(test_strip);
	LP_RUN(test_split);
	LP_RUN(test_join);
	return lp_test_report();
}
