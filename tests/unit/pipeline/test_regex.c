/* Unit tests for pipeline/regex: Ruby semantics on PCRE2. */
#include "lp_test.h"
#include "pipeline/regex.h"

#include <string.h>

static bool m(const char *pat, const char *s)
{
	lp_regex *re = lp_regex_compile(pat, NULL, 0, NULL);
	if (!re)
		return false;
	bool r = lp_regex_match(re, s, strlen(s));
	lp_regex_destroy(re);
	return r;
}

static void test_line_anchors(void)
{
	/* Ruby: ^ and $ match at line boundaries */
	CHECK(m("^b$", "a\nb\nc"));
	CHECK(!m("\\Ab\\z", "a\nb"));
	CHECK(m("\\Aa", "a\nb"));
}

static void test_hex_class(void)
{
	CHECK(m("^\\h+$", "deadBEEF09"));
	CHECK(!m("^\\h+$", "xyz"));
	CHECK(m("^[\\h-]+$", "dead-beef"));
	CHECK(m("^\\H$", "g"));
}

static void test_dotall_option(void)
{
	/* Ruby's (?m) makes . match newlines */
	CHECK(!m("a.b", "a\nb"));
	CHECK(m("(?m)a.b", "a\nb"));
}

static void test_search_groups(void)
{
	lp_regex *re = lp_regex_compile("(?<user>\\w+)@(\\w+)", NULL, 0, NULL);
	CHECK(re != NULL);
	size_t ov[6];
	const char *s = "mail bob@example now";
	CHECK(lp_regex_search(re, s, strlen(s), 0, ov, 3));
	CHECK_INT(ov[0], 5);
	CHECK_INT(ov[2], 5);
	CHECK_INT(ov[3], 8);
	CHECK_INT(lp_regex_group_number(re, "user"), 1);
	CHECK_INT(lp_regex_group_number(re, "nope"), -1);
	CHECK_INT(lp_regex_captures(re), 2);
	lp_regex_destroy(re);
}

static void test_compile_error_position(void)
{
	char msg[128] = "";
	size_t col = 0;
	lp_regex *re = lp_regex_compile("ab(c", msg, sizeof(msg), &col);
	CHECK(re == NULL);
	CHECK(strlen(msg) > 0);
	CHECK_INT(col, 4);
}

static void test_invalid_utf8_subject(void)
{
	lp_regex *re = lp_regex_compile("b", NULL, 0, NULL);
	CHECK(lp_regex_match(re, "a\xff" "b", 3));
	lp_regex_destroy(re);
}

int main(void)
{
	LP_RUN(test_line_anchors);
	LP_RUN(test_hex_class);
	LP_RUN(test_dotall_option);
	LP_RUN(test_search_groups);
	LP_RUN(test_compile_error_position);
	LP_RUN(test_invalid_utf8_subject);
	return lp_test_report();
}
