#include "pipeline/linesplit.h"

#include "pipeline/jsonw.h"
#include "pipeline/mem.h"

#include <string.h>

#define DEFAULT_MAX_LINE ((size_t)1 << 20)

void lp_linesplit_init(lp_linesplit *ls, size_t max_line)
{
	lp_buf_init(&ls->cur);
	lp_buf_init(&ls->fix);
	ls->max_line = max_line ? max_line : DEFAULT_MAX_LINE;
	ls->cur_total = 0;
	ls->delim = NULL;
	ls->dlen = 0;
	ls->fail = NULL;
	ls->dmatch = 0;
	ls->keep_bytes = false;
}

void lp_linesplit_set_delimiter(lp_linesplit *ls, const char *delim, size_t len)
{
	lp_free(ls->delim);
	lp_free(ls->fail);
	ls->delim = NULL;
	ls->fail = NULL;
	ls->dlen = 0;
	ls->dmatch = 0;
	if (len == 0 || (len == 1 && delim[0] == '\n'))
		return;
	ls->delim = lp_malloc(len);
	memcpy(ls->delim, delim, len);
	ls->dlen = len;
	/* fail[i]: length of the longest proper prefix of delim[0..i] that is
	 * also a suffix of it */
	ls->fail = lp_calloc(len, sizeof(*ls->fail));
	for (size_t i = 1, k = 0; i < len; i++) {
		while (k > 0 && delim[i] != delim[k])
			k = ls->fail[k - 1];
		if (delim[i] == delim[k])
			k++;
		ls->fail[i] = k;
	}
}

void lp_linesplit_keep_bytes(lp_linesplit *ls)
{
	ls->keep_bytes = true;
}

void lp_linesplit_fini(lp_linesplit *ls)
{
	if (!ls)
		return;
	lp_buf_fini(&ls->cur);
	lp_buf_fini(&ls->fix);
	lp_free(ls->delim);
	lp_free(ls->fail);
	ls->delim = NULL;
	ls->fail = NULL;
	ls->dlen = 0;
	ls->cur_total = 0;
}

bool lp_linesplit_pending(const lp_linesplit *ls)
{
	return ls->cur_total > 0 || ls->dmatch > 0;
}

/* Keeps at most max_line + 1 bytes of the pending line: the extra byte tells
 * a line of exactly max_line bytes followed by "\r" from a longer one. */
static void append_capped(lp_linesplit *ls, const char *p, size_t n)
{
	size_t cap = ls->max_line + 1;
	size_t room = ls->cur.len < cap ? cap - ls->cur.len : 0;
	size_t take = n < room ? n : room;
	if (take)
		lp_buf_add(&ls->cur, p, take);
	ls->cur_total += n;
}

/* s[0..n) are the kept bytes of a line whose full length was total. */
static void emit(lp_linesplit *ls, const char *s, size_t n, size_t total, lp_line_fn fn, void *ctx)
{
	bool truncated = false;
	if (!ls->delim && n == total && n > 0 && s[n - 1] == '\r') {
		n--;
		total--;
	}
	if (n > ls->max_line || n < total) {
		truncated = true;
		n = ls->max_line;
		/* s[n] exists here: never cut inside a UTF-8 sequence. */
		for (int k = 0; k < 3 && n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80; k++)
			n--;
	}
	if (!ls->keep_bytes && !lp_utf8_valid(s, n)) {
		lp_buf_reset(&ls->fix);
		lp_utf8_sanitize(&ls->fix, s, n);
		fn(ctx, ls->fix.data, ls->fix.len, truncated, total);
		return;
	}
	fn(ctx, s, n, truncated, total);
}

/* The pending line is complete: hands it out and starts the next one. */
static void finish_pending(lp_linesplit *ls, lp_line_fn fn, void *ctx)
{
	emit(ls, ls->cur.data ? ls->cur.data : "", ls->cur.len, ls->cur_total, fn, ctx);
	lp_buf_reset(&ls->cur);
	ls->cur_total = 0;
}

/* A delimiter of several bytes, matched byte by byte (Knuth-Morris-Pratt) so
 * that it may straddle chunks; bytes of a partial match are kept out of the
 * line until the match fails. */
static void feed_multi(lp_linesplit *ls, const char *data, size_t len, lp_line_fn fn, void *ctx)
{
	const char *d = ls->delim;
	size_t k = ls->dmatch;
	for (size_t i = 0; i < len; i++) {
		char c = data[i];
		while (k > 0 && c != d[k]) {
			size_t k2 = ls->fail[k - 1];
			append_capped(ls, d, k - k2); /* those bytes were line content */
			k = k2;
		}
		if (c == d[k]) {
			if (++k == ls->dlen) {
				finish_pending(ls, fn, ctx);
				k = 0;
			}
		} else {
			append_capped(ls, &c, 1);
		}
	}
	ls->dmatch = k;
}

void lp_linesplit_feed(lp_linesplit *ls, const char *data, size_t len, lp_line_fn fn, void *ctx)
{
	if (ls->dlen > 1) {
		feed_multi(ls, data, len, fn, ctx);
		return;
	}
	const char sep = ls->delim ? ls->delim[0] : '\n';
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *nl = memchr(p, sep, (size_t)(end - p));
		if (!nl) {
			append_capped(ls, p, (size_t)(end - p));
			break;
		}
		size_t seg = (size_t)(nl - p);
		if (ls->cur_total == 0) {
			size_t keep = seg <= ls->max_line ? seg : ls->max_line + 1;
			emit(ls, p, keep, seg, fn, ctx);
		} else {
			append_capped(ls, p, seg);
			finish_pending(ls, fn, ctx);
		}
		p = nl + 1;
	}
}

void lp_linesplit_flush(lp_linesplit *ls, lp_line_fn fn, void *ctx)
{
	if (ls->dmatch) { /* a partial delimiter at the end is line content */
		append_capped(ls, ls->delim, ls->dmatch);
		ls->dmatch = 0;
	}
	if (ls->cur_total == 0)
		return;
	finish_pending(ls, fn, ctx);
}

void lp_linesplit_warn_truncated(lp_ratelimit *rl, const char *codec, size_t orig_len,
				 size_t max_line)
{
	long long suppressed = 0;
	if (!lp_ratelimit_ok(rl, 10000, &suppressed))
		return;
	if (suppressed)
		lp_warn("codec", "Codec '%s' cut a line of %zu bytes to its max_line_size of %zu bytes "
			"and tagged the event '%s' (%lld more such lines since the last warning).",
			codec, orig_len, max_line, LP_LINESPLIT_TAG_TOOLONG, suppressed);
	else
		lp_warn("codec", "Codec '%s' cut a line of %zu bytes to its max_line_size of %zu bytes "
			"and tagged the event '%s'.", codec, orig_len, max_line, LP_LINESPLIT_TAG_TOOLONG);
}
