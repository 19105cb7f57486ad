/* Tests for pipeline/linesplit: chunk boundaries, CRLF, over-long lines,
 * invalid UTF-8. */
#include "lp_test.h"

#include "pipeline/buf.h"
#include "pipeline/jsonw.h"
#include "pipeline/linesplit.h"

#include <stdbool.h>
#include <string.h>

/* Collects lines as "text|T" (T when truncated) joined with "\n". */
typedef struct {
	lp_buf out;
	size_t n;
	size_t last_orig;
} collect;

static void on_line(void *ctx, const char *line, size_t len, bool truncated, size_t orig_len)
{
	collect *c = ctx;
	if (c->n)
		lp_buf_addc(&c->out, '\n');
	lp_buf_add(&c->out, line, len);
	if (truncated)
		lp_buf_adds(&c->out, "|T");
	c->n++;
	c->last_orig = orig_len;
}

/* Feeds input split into pieces at every pair of cut points and checks the
 * collected result each time. */
static void check_all_splits(size_t max, const char *input, const char *expect, size_t expect_n)
{
	size_t len = strlen(input);
	for (size_t a = 0; a <= len; a++) {
		for (size_t b = a; b <= len; b++) {
			lp_linesplit ls;
			collect c = { LP_BUF_INIT, 0, 0 };
			lp_linesplit_init(&ls, max);
			lp_linesplit_feed(&ls, input, a, on_line, &c);
			lp_linesplit_feed(&ls, input + a, b - a, on_line, &c);
			lp_linesplit_feed(&ls, input + b, len - b, on_line, &c);
			lp_linesplit_flush(&ls, on_line, &c);
			CHECK_STR(lp_buf_str(&c.out), expect);
			CHECK_INT(c.n, expect_n);
			lp_linesplit_fini(&ls);
			lp_buf_fini(&c.out);
		}
	}
	/* byte by byte */
	lp_linesplit ls;
	collect c = { LP_BUF_INIT, 0, 0 };
	lp_linesplit_init(&ls, max);
	for (size_t i = 0; i < len; i++)
		lp_linesplit_feed(&ls, input + i, 1, on_line, &c);
	lp_linesplit_flush(&ls, on_line, &c);
	CHECK_STR(lp_buf_str(&c.out), expect);
	lp_linesplit_fini(&ls);
	lp_buf_fini(&c.out);
}

static void test_basic_lines(void)
{
	check_all_splits(0, "one\ntwo\nthree\n", "one\ntwo\nthree", 3);
}

static void test_blank_lines_are_returned(void)
{
	check_all_splits(0, "a\n\n\nb\n", "a\n\n\nb", 4);
}

static void test_unterminated_last_line_on_flush(void)
{
	check_all_splits(0, "a\nlast", "a\nlast", 2);
}

static void test_crlf(void)
{
	check_all_splits(0, "one\r\ntwo\r\n\r\nx\ry\r\n", "one\ntwo\n\nx\ry", 4);
}

static void test_long_line_truncated(void)
{
	/* max 5: "abcdefgh" is cut to "abcde"; the rest is discarded */
	check_all_splits(5, "abc\nabcdefgh\nxy\n", "abc\nabcde|T\nxy", 3);
}

static void test_exact_limit_with_crlf_not_truncated(void)
{
	check_all_splits(5, "abcde\r\nabcdef\r\n", "abcde\nabcde|T", 2);
}

static void test_long_line_at_eof(void)
{
	check_all_splits(4, "ok\n0123456789", "ok\n0123|T", 2);
}

static void test_orig_len_reported(void)
{
	lp_linesplit ls;
	collect c = { LP_BUF_INIT, 0, 0 };
	lp_linesplit_init(&ls, 4);
	lp_linesplit_feed(&ls, "0123", 4, on_line, &c);
	lp_linesplit_feed(&ls, "456789", 6, on_line, &c);
	lp_linesplit_feed(&ls, "abc\n", 4, on_line, &c);
	CHECK_STR(lp_buf_str(&c.out), "0123|T");
	CHECK_INT(c.last_orig, 13);
	/* memory stays bounded: never more than max + 1 bytes kept */
	CHECK(ls.cur.cap <= 256);
	lp_linesplit_fini(&ls);
	lp_buf_fini(&c.out);
}

static void test_bounded_memory_on_huge_line(void)
{
	lp_linesplit ls;
	collect c = { LP_BUF_INIT, 0, 0 };
	char chunk[4096];
	memset(chunk, 'x', sizeof(chunk));
	lp_linesplit_init(&ls, 1000);
	for (int i = 0; i < 1000; i++) /* 4 MB without a newline */
		lp_linesplit_feed(&ls, chunk, sizeof(chunk), on_line, &c);
	CHECK(ls.cur.len <= 1001);
	CHECK(lp_linesplit_pending(&ls));
	lp_linesplit_feed(&ls, "\nnext\n", 6, on_line, &c);
	CHECK_INT(c.n, 2);
	CHECK_INT(c.last_orig, 4);
	CHECK(!lp_linesplit_pending(&ls));
	lp_linesplit_fini(&ls);
	lp_buf_fini(&c.out);
}

static void test_truncation_keeps_utf8_whole(void)
{
	/* "é" is 2 bytes; a cut at 4 would split the second one */
	check_all_splits(4, "a\xc3\xa9\xc3\xa9z\n", "a\xc3\xa9|T", 1);
}

static void test_invalid_utf8_replaced(void)
{
	check_all_splits(0, "a\xff" "b\nok\n\xc3\n", "a\xef\xbf\xbd" "b\nok\n\xef\xbf\xbd", 3);
}

/* keep_bytes: lines come out as they went in, invalid UTF-8 and all */
static void test_keep_bytes(void)
{
	lp_linesplit ls;
	collect c = { LP_BUF_INIT, 0, 0 };
	lp_linesplit_init(&ls, 0);
	lp_linesplit_keep_bytes(&ls);
	const char *in = "a\xff" "b\nok\n\xc3\n";
	lp_linesplit_feed(&ls, in, strlen(in), on_line, &c);
	lp_linesplit_flush(&ls, on_line, &c);
	CHECK_STR(lp_buf_str(&c.out), "a\xff" "b\nok\n\xc3");
	CHECK_INT(c.n, 3);
	lp_linesplit_fini(&ls);
	lp_buf_fini(&c.out);
}

/* A deliberately naive model of the splitter: the whole input at once,
 * delimiters found left to right with memcmp; delim NULL means "\n" with CR
 * stripping. */
static void model_split(size_t max, const char *delim, const char *in, size_t len, collect *c)
{
	const char *d = delim ? delim : "\n";
	size_t dl = strlen(d);
	size_t start = 0, i = 0;
	for (;;) {
		bool at_end = i + dl > len;
		if (!at_end && memcmp(in + i, d, dl) != 0) {
			i++;
			continue;
		}
		size_t stop = at_end ? len : i;
		if (at_end && start == len)
			break; /* nothing after the last delimiter */
		size_t n = stop - start, total = n;
		const char *l = in + start;
		if (!delim && n > 0 && l[n - 1] == '\r') {
			n--;
			total--;
		}
		bool trunc = n > max;
		if (trunc) {
			n = max;
			for (int k = 0; k < 3 && n > 0 && ((unsigned char)l[n] & 0xC0) == 0x80; k++)
				n--;
		}
		lp_buf fixed = LP_BUF_INIT;
		lp_utf8_sanitize(&fixed, l, n);
		on_line(c, fixed.data ? fixed.data : "", fixed.len, trunc, total);
		lp_buf_fini(&fixed);
		if (at_end)
			break;
		i += dl;
		start = i;
	}
}

static void random_against_model(const char *delim, const char *alphabet, size_t n_alpha)
{
	unsigned seed = 12345;
	for (int round = 0; round < 2000; round++) {
		char in[200];
		seed = seed * 1103515245u + 12345u;
		size_t len = (seed >> 16) % sizeof(in);
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = alphabet[(seed >> 16) % n_alpha];
		}
		seed = seed * 1103515245u + 12345u;
		size_t max = 1 + (seed >> 16) % 12;
		collect want = { LP_BUF_INIT, 0, 0 }, got = { LP_BUF_INIT, 0, 0 };
		model_split(max, delim, in, len, &want);
		lp_linesplit ls;
		lp_linesplit_init(&ls, max);
		if (delim)
			lp_linesplit_set_delimiter(&ls, delim, strlen(delim));
		for (size_t off = 0; off < len;) {
			seed = seed * 1103515245u + 12345u;
			size_t n = 1 + (seed >> 16) % 9;
			if (n > len - off)
				n = len - off;
			lp_linesplit_feed(&ls, in + off, n, on_line, &got);
			off += n;
		}
		lp_linesplit_flush(&ls, on_line, &got);
		CHECK_STR(lp_buf_str(&got.out), lp_buf_str(&want.out));
		CHECK_INT(got.n, want.n);
		lp_linesplit_fini(&ls);
		lp_buf_fini(&want.out);
		lp_buf_fini(&got.out);
	}
}

static void test_random_against_model(void)
{
	static const char alphabet[] = { 'a', 'b', '\n', '\r', (char)0xc3, (char)0xa9, (char)0xff, ' ' };
	random_against_model(NULL, alphabet, sizeof(alphabet));
}

static void test_random_other_delimiters(void)
{
	static const char alphabet[] = { 'a', 'b', '\n', '\r', (char)0xc3, (char)0xa9, '|' };
	random_against_model("|", alphabet, sizeof(alphabet));
	random_against_model("ab", alphabet, sizeof(alphabet));
	random_against_model("aab", alphabet, sizeof(alphabet)); /* self-overlapping */
	random_against_model("\r\n", alphabet, sizeof(alphabet));
}

static void test_multibyte_delimiter_across_chunks(void)
{
	lp_linesplit ls;
	collect c = { LP_BUF_INIT, 0, 0 };
	lp_linesplit_init(&ls, 0);
	lp_linesplit_set_delimiter(&ls, "<>", 2);
	lp_linesplit_feed(&ls, "one<", 4, on_line, &c);
	lp_linesplit_feed(&ls, ">two\r\n<", 7, on_line, &c);
	lp_linesplit_feed(&ls, "<>x<", 4, on_line, &c);
	lp_linesplit_flush(&ls, on_line, &c);
	CHECK_STR(lp_buf_str(&c.out), "one\ntwo\r\n<\nx<");
	CHECK_INT(c.n, 3);
	lp_linesplit_fini(&ls);
	lp_buf_fini(&c.out);
}

int main(void)
{
	LP_RUN(test_basic_lines);
	LP_RUN(test_blank_lines_are_returned);
	LP_RUN(test_unterminated_last_line_on_flush);
	LP_RUN(test_crlf);
	LP_RUN(test_long_line_truncated);
	LP_RUN(test_exact_limit_with_crlf_not_truncated);
	LP_RUN(test_long_line_at_eof);
	LP_RUN(test_orig_len_reported);
	LP_RUN(test_bounded_memory_on_huge_line);
	LP_RUN(test_truncation_keeps_utf8_whole);
	LP_RUN(test_invalid_utf8_replaced);
	LP_RUN(test_keep_bytes);
	LP_RUN(test_random_against_model);
	LP_RUN(test_random_other_delimiters);
	LP_RUN(test_multibyte_delimiter_across_chunks);
	return lp_test_report();
}
