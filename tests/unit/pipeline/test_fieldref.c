/* Tests of pipeline/fieldref: strict Logstash 8 syntax, roots, errors. */
#include "lp_test.h"

#include "pipeline/fieldref.h"

#include <regex.h>
#include <stdlib.h>

static void check_ok(const char *text, lp_field_root root, size_t n, const char *s0, const char *s1)
{
	const char *err = NULL;
	size_t col = 99;
	lp_fieldref *r = lp_fieldref_compile(text, &err, &col);
	CHECK(r != NULL);
	if (!r) {
		fprintf(stderr, "  while compiling '%s': %s at %zu\n", text, err, col);
		return;
	}
	CHECK_INT(r->root, root);
	CHECK_INT(r->n, n);
	if (n >= 1 && r->n >= 1)
		CHECK_STR(r->seg[0], s0);
	if (n >= 2 && r->n >= 2)
		CHECK_STR(r->seg[1], s1);
	CHECK_STR(r->text, text);
	lp_fieldref_destroy(r);
}

static void check_err(const char *text, size_t want_col)
{
	const char *err = NULL;
	size_t col = 999;
	lp_fieldref *r = lp_fieldref_compile(text, &err, &col);
	CHECK(r == NULL);
	CHECK(err != NULL && err[0] != '\0');
	if (col != want_col)
		fprintf(stderr, "  for '%s'\n", text);
	CHECK_INT(col, want_col);
	lp_fieldref_destroy(r);
}

static void test_bare_and_brackets(void)
{
	check_ok("message", LP_FIELD_DATA, 1, "message", NULL);
	check_ok("[message]", LP_FIELD_DATA, 1, "message", NULL);
	check_ok("[a][b]", LP_FIELD_DATA, 2, "a", "b");
	check_ok("[a b][c.d]", LP_FIELD_DATA, 2, "a b", "c.d");
	check_ok("a.b", LP_FIELD_DATA, 1, "a.b", NULL);
	check_ok("with space", LP_FIELD_DATA, 1, "with space", NULL);
	check_ok("[arr][0]", LP_FIELD_DATA, 2, "arr", "0");
	check_ok("[arr][-1]", LP_FIELD_DATA, 2, "arr", "-1");
}

static void test_roots(void)
{
	check_ok("@metadata", LP_FIELD_META, 0, NULL, NULL);
	check_ok("[@metadata]", LP_FIELD_META, 0, NULL, NULL);
	check_ok("[@metadata][x]", LP_FIELD_META, 1, "x", NULL);
	check_ok("[@metadata][x][y]", LP_FIELD_META, 2, "x", "y");
	check_ok("@timestamp", LP_FIELD_TIMESTAMP, 0, NULL, NULL);
	check_ok("[@timestamp]", LP_FIELD_TIMESTAMP, 0, NULL, NULL);
	/* Only the whole reference is the time; below it is an ordinary path. */
	check_ok("[@timestamp][x]", LP_FIELD_DATA, 2, "@timestamp", "x");
	check_ok("[x][@metadata]", LP_FIELD_DATA, 2, "x", "@metadata");
	check_ok("@version", LP_FIELD_DATA, 1, "@version", NULL);
}

static void test_errors(void)
{
	check_err("", 0);
	check_err("a[b]", 1);
	check_err("[a", 0);
	check_err("[a][b", 3);
	check_err("[]", 0);
	check_err("[a][]", 3);
	check_err("[a]b", 3);
	check_err("[a] [b]", 3);
	check_err("[[a]]", 1);
	check_err("a]", 1);
	/* err and err_col are optional. */
	CHECK(lp_fieldref_compile("[x", NULL, NULL) == NULL);
}

static void test_top(void)
{
	lp_fieldref *r = lp_fieldref_top("[not parsed]");
	CHECK_INT(r->root, LP_FIELD_DATA);
	CHECK_INT(r->n, 1);
	CHECK_STR(r->seg[0], "[not parsed]");
	lp_fieldref_destroy(r);
	r = lp_fieldref_top("@metadata");
	CHECK_INT(r->root, LP_FIELD_META);
	CHECK_INT(r->n, 0);
	lp_fieldref_destroy(r);
	lp_fieldref_destroy(NULL);
}

/* Random texts over a small alphabet, against a regular-expression model of
 * the grammar: a bare name without brackets, or one or more "[name]". */
static void test_random_against_model(void)
{
	regex_t bare, brackets;
	CHECK(regcomp(&bare, "^[^][]+$", REG_EXTENDED | REG_NOSUB) == 0);
	CHECK(regcomp(&brackets, "^(\\[[^][]+\\])+$", REG_EXTENDED | REG_NOSUB) == 0);
	static const char pool[] = "[]ab @-0";
	char s[12];
	int ok_seen = 0;
	srand(3);
	for (int iter = 0; iter < 100000; iter++) {
		size_t n = (size_t)(rand() % (int)(sizeof(s) - 1));
		for (size_t i = 0; i < n; i++)
			s[i] = pool[rand() % (int)(sizeof(pool) - 1)];
		s[n] = '\0';
		bool want = regexec(&bare, s, 0, NULL, 0) == 0 || regexec(&brackets, s, 0, NULL, 0) == 0;
		const char *err = NULL;
		size_t col = 999;
		lp_fieldref *r = lp_fieldref_compile(s, &err, &col);
		CHECK(want == (r != NULL));
		if (r) {
			ok_seen++;
			size_t total = 0;
			for (size_t i = 0; i < r->n; i++) {
				CHECK(r->seg[i][0] != '\0');
				CHECK(strpbrk(r->seg[i], "[]") == NULL);
				total += strlen(r->seg[i]);
			}
			CHECK(total <= n);
		} else {
			CHECK(err != NULL);
			CHECK(col < n || (n == 0 && col == 0));
		}
		if (lp_t_cur_failed) {
			fprintf(stderr, "  failing input '%s'\n", s);
			lp_fieldref_destroy(r);
			break;
		}
		lp_fieldref_destroy(r);
	}
	CHECK(ok_seen > 1000);
	regfree(&bare);
	regfree(&brackets);
}

int main(void)
{
	LP_RUN(test_bare_and_brackets);
	LP_RUN(test_roots);
	LP_RUN(test_errors);
	LP_RUN(test_top);
	LP_RUN(test_random_against_model);
	return lp_test_report();
}
