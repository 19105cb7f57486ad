/* Fuzz target: the streaming line splitter under the line and json_lines
 * codecs (pipeline/linesplit.h), with "\n" or a multi-byte delimiter and a
 * small line limit. Byte 0 picks the delimiter length (0: "\n") and whether
 * the stream is mapped onto a two-letter alphabet (so that overlapping
 * delimiters like "aab" meet many partial matches); byte 1 the line limit;
 * then the delimiter, then the stream. Invariants: chunking never changes
 * the lines; every line is valid UTF-8 and within the limit (input bytes,
 * so at most three times it after U+FFFD repair); a truncated
 * line says a longer original; for an ASCII stream the lines are exactly
 * what a plain left-to-right split gives (CR stripped before "\n", an empty
 * trailing piece not returned, long lines cut at the limit). */
#include "fuzz.h"

#include "pipeline/buf.h"
#include "pipeline/linesplit.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct lines {
	lp_buf text; /* every line as "<len> <t|-> <orig>:<bytes>\n" */
	size_t n;
	size_t max_line;
} lines;

static bool utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		size_t n;
		unsigned cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			n = 1, cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2, cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3, cp = c & 0x07;
		} else {
			return false;
		}
		if (i + n >= len)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += n + 1;
	}
	return true;
}

static void on_line(void *ctx, const char *s, size_t len, bool truncated, size_t orig_len)
{
	lines *l = ctx;
	/* the limit counts input bytes: each invalid byte kept may become a
	 * 3-byte U+FFFD */
	FUZZ_CHECK(len <= 3 * l->max_line);
	FUZZ_CHECK(utf8_valid((const unsigned char *)s, len));
	if (truncated)
		FUZZ_CHECK(orig_len > l->max_line);
	lp_buf_printf(&l->text, "%zu %c %zu:", len, truncated ? 't' : '-', truncated ? orig_len : 0);
	lp_buf_add(&l->text, s, len);
	lp_buf_addc(&l->text, '\n');
	l->n++;
}

static void split(const char *delim, size_t dlen, size_t max_line, const char *data, size_t size,
		  uint32_t seed, lines *out)
{
	memset(out, 0, sizeof(*out));
	out->max_line = max_line;
	lp_linesplit ls;
	lp_linesplit_init(&ls, max_line);
	if (dlen)
		lp_linesplit_set_delimiter(&ls, delim, dlen);
	size_t off = 0;
	while (off < size) {
		size_t chunk = size - off;
		if (seed) {
			seed = seed * 1103515245u + 12345u;
			size_t want = (seed >> 16) % 9; /* empty chunks too */
			if (want < chunk)
				chunk = want;
		}
		lp_linesplit_feed(&ls, data + off, chunk, on_line, out);
		off += chunk;
	}
	lp_linesplit_flush(&ls, on_line, out);
	FUZZ_CHECK(!lp_linesplit_pending(&ls));
	lp_linesplit_fini(&ls);
}

/* What the split must be for an ASCII stream. */
static void model(const char *delim, size_t dlen, size_t max_line, const char *data, size_t size,
		  lines *out)
{
	memset(out, 0, sizeof(*out));
	out->max_line = max_line;
	if (dlen == 1 && delim[0] == '\n')
		dlen = 0; /* a "\n" delimiter is the default one */
	const char *d = dlen ? delim : "\n";
	size_t dl = dlen ? dlen : 1;
	size_t start = 0, i = 0;
	while (true) {
		bool at_end = i + dl > size;
		if (!at_end && memcmp(data + i, d, dl) != 0) {
			i++;
			continue;
		}
		size_t end = at_end ? size : i;
		size_t len = end - start;
		if (at_end && len == 0)
			break;
		/* a CR before "\n" goes, also at the end of an unterminated line */
		if (!dlen && len > 0 && data[end - 1] == '\r')
			len--;
		bool trunc = len > max_line;
		if (trunc)
			len = max_line;
		lp_buf_printf(&out->text, "%zu %c ", len, trunc ? 't' : '-');
		/* orig_len is compared loosely: the model does not know whether a
		 * CR was counted */
		lp_buf_add(&out->text, data + start, len);
		lp_buf_addc(&out->text, '\n');
		out->n++;
		if (at_end)
			break;
		i += dl;
		start = i;
	}
}

/* The split's text without the orig_len numbers, to compare with the model. */
static void strip_orig(const lines *l, lp_buf *out)
{
	if (!l->text.data)
		return;
	const char *p = l->text.data, *end = p + l->text.len;
	while (p < end) {
		size_t len = strtoul(p, NULL, 10);
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		const char *colon = memchr(p, ':', (size_t)(end - p));
		FUZZ_CHECK(sp && colon);
		lp_buf_add(out, p, (size_t)(sp - p) + 3); /* "<len> t " */
		lp_buf_add(out, colon + 1, len + 1);
		p = colon + 1 + len + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_init();
	if (size < 2 || size > (1u << 16))
		return 0;
	size_t dlen = data[0] % 5;
	bool alphabet = (data[0] & 0x80) != 0;
	size_t max_line = data[1] % 64 ? (size_t)(data[1] % 64) : 4096;
	if (size < 2 + dlen)
		return 0;
	char delim[4];
	for (size_t i = 0; i < dlen; i++)
		delim[i] = alphabet ? "ab"[data[2 + i] & 1] : (char)data[2 + i];
	size_t n = size - 2 - dlen;
	char *s = malloc(n ? n : 1);
	FUZZ_CHECK(s != NULL);
	for (size_t i = 0; i < n; i++) {
		char c = (char)data[2 + dlen + i];
		s[i] = alphabet ? (dlen ? "ab"[c & 1] : "ab\n"[(unsigned char)c % 3]) : c;
	}
	uint32_t seed = 2166136261u;
	for (size_t i = 0; i < size; i++)
		seed = (seed ^ data[i]) * 16777619u;
	seed |= 1;

	lines whole, chunked;
	split(delim, dlen, max_line, s, n, 0, &whole);
	split(delim, dlen, max_line, s, n, seed, &chunked);
	FUZZ_CHECK(whole.n == chunked.n);
	FUZZ_CHECK(whole.text.len == chunked.text.len);
	FUZZ_CHECK(whole.text.len == 0 || memcmp(whole.text.data, chunked.text.data, whole.text.len) == 0);

	bool ascii = true;
	for (size_t i = 0; i < n; i++)
		ascii = ascii && (unsigned char)s[i] < 0x80;
	for (size_t i = 0; i < dlen; i++)
		ascii = ascii && (unsigned char)delim[i] < 0x80;
	if (ascii) {
		lines want;
		lp_buf got = LP_BUF_INIT;
		model(delim, dlen, max_line, s, n, &want);
		strip_orig(&whole, &got);
		if (got.len != want.text.len || (got.len && memcmp(got.data, want.text.data, got.len) != 0))
			fprintf(stderr, "split:\n%s\nmodel:\n%s\n", lp_buf_str(&got), lp_buf_str(&want.text));
		FUZZ_CHECK(whole.n == want.n);
		FUZZ_CHECK(got.len == want.text.len);
		FUZZ_CHECK(got.len == 0 || memcmp(got.data, want.text.data, got.len) == 0);
		lp_buf_fini(&got);
		lp_buf_fini(&want.text);
	}
	lp_buf_fini(&whole.text);
	lp_buf_fini(&chunked.text);
	free(s);
	return 0;
}
