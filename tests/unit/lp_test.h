/* lp_test: the unit tests' assertions. Each test file defines test functions,
 * lists them in main with LP_RUN, and returns lp_test_report(). A failed check
 * prints file:line and the expression and marks the test failed. */
#ifndef LP_TESTS_UNIT_LP_TEST_H
#define LP_TESTS_UNIT_LP_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int lp_t_failed_checks;
static int lp_t_passed, lp_t_failed;
static int lp_t_cur_failed;

#define CHECK(cond)                                                                    \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			lp_t_failed_checks++;                                          \
			lp_t_cur_failed = 1;                                           \
		}                                                                      \
	} while (0)

#define CHECK_STR(a, b)                                                                \
	do {                                                                           \
		const char *lp_t_a = (a), *lp_t_b = (b);                               \
		if (!lp_t_a || !lp_t_b || strcmp(lp_t_a, lp_t_b) != 0) {               \
			fprintf(stderr, "%s:%d: expected \"%s\", got \"%s\" (%s)\n", __FILE__, \
				__LINE__, lp_t_b ? lp_t_b : "(null)", lp_t_a ? lp_t_a : "(null)", #a); \
			lp_t_failed_checks++;                                          \
			lp_t_cur_failed = 1;                                           \
		}                                                                      \
	} while (0)

#define CHECK_INT(a, b)                                                                \
	do {                                                                           \
		long long lp_t_a = (long long)(a), lp_t_b = (long long)(b);            \
		if (lp_t_a != lp_t_b) {                                                \
			fprintf(stderr, "%s:%d: expected %lld, got %lld (%s)\n", __FILE__, \
				__LINE__, lp_t_b, lp_t_a, #a);                          \
			lp_t_failed_checks++;                                          \
			lp_t_cur_failed = 1;                                           \
		}                                                                      \
	} while (0)

#define LP_RUN(fn)                                                                     \
	do {                                                                           \
		lp_t_cur_failed = 0;                                                   \
		fn();                                                                  \
		if (lp_t_cur_failed) {                                                 \
			lp_t_failed++;                                                 \
			fprintf(stderr, "FAIL %s\n", #fn);                             \
		} else {                                                               \
			lp_t_passed++;                                                 \
		}                                                                      \
	} while (0)

/* The next number of a xorshift64 stream (*state nonzero): reproducible
 * random input for tests. */
static inline uint64_t lp_test_xorshift(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

static inline int lp_test_report(void)
{
	printf("%d passed, %d failed\n", lp_t_passed, lp_t_failed);
	return lp_t_failed ? 1 : 0;
}

#endif
