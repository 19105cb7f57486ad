#include "pipeline/linesplit.h"

#include "pipeline/jsonw.h"

#include <string.h>

#define DEFAULT_MAX_LINE ((size_t)1 << 20)

void lp_linesplit_init(lp_linesplit *ls, size_t max_line)
{
	lp_buf_init(&ls->cur);
	lp_buf_init(&ls->fix);
	ls->max_line = max_line ? max_line : DEFAULT_MAX_LINE;
	ls->cur_total = 0;
}

void lp_linesplit_fini(lp_linesplit *ls)
{
	if (!ls)
		return;
	lp_buf_fini(&ls->cur);
	lp_buf_fini(&ls->fix);
	ls->cur_total = 0;
}

bool lp_linesplit_pending(const lp_linesplit *ls)
{
	return ls->cur_total > 0;
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
	if (n == total && n > 0 && s[n - 1] == '\r') {
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
	if (!lp_utf8_valid(s, n)) {
		lp_buf_reset(&ls->fix);
		lp_utf8_sanitize(&ls->fix, s, n);
		fn(ctx, ls->fix.data, ls->fix.len, truncated, total);
		return;
	}
	fn(ctx, s, n, truncated, total);
}

void lp_linesplit_feed(lp_linesplit *ls, const char *data, size_t len, lp_line_fn fn, void *ctx)
{
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
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
			emit(ls, ls->cur.data, ls->cur.len, ls->cur_total, fn, ctx);
			lp_buf_reset(&ls->cur);
			ls->cur_total = 0;
		}
		p = nl + 1;
	}
}

void lp_linesplit_flush(lp_linesplit *ls, lp_line_fn fn, void *ctx)
{
	if (ls->cur_total == 0)
		return;
	emit(ls, ls->cur.data, ls->cur.len, ls->cur_total, fn, ctx);
	lp_buf_reset(&ls->cur);
	ls->cur_total = 0;
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
