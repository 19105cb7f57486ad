/* Unit tests of the Lumberjack frame decoder and encoders. */
#include "inputs/beats/beats_frame.h"

#include "lp_test.h"
#include "pipeline/error.h"
#include "pipeline/mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* A decoded frame flattened to text, so streams can be compared. */
static void describe(lp_buf *out, const lp_beats_frame *f)
{
	switch (f->type) {
	case LP_BEATS_WINDOW:
		lp_buf_printf(out, "W%d:%u;", f->version, f->window);
		break;
	case LP_BEATS_ACK:
		lp_buf_printf(out, "A%d:%u;", f->version, f->seq);
		break;
	case LP_BEATS_JSON:
		lp_buf_printf(out, "J%s%u:", f->compressed ? "z" : "", f->seq);
		lp_buf_add(out, f->payload, f->len);
		lp_buf_addc(out, ';');
		break;
	case LP_BEATS_DATA:
		lp_buf_printf(out, "D%s%u:", f->compressed ? "z" : "", f->seq);
		for (size_t i = 0; i < f->n_pairs; i++) {
			lp_buf_add(out, f->pairs[i].key, f->pairs[i].key_len);
			lp_buf_addc(out, '=');
			lp_buf_add(out, f->pairs[i].val, f->pairs[i].val_len);
			lp_buf_addc(out, ',');
		}
		lp_buf_addc(out, ';');
		break;
	}
}

/* Feeds stream in pieces of at most chunk bytes (0 = all at once), splitting
 * additionally at byte split; collects the frames. Returns the last decoder
 * result (0 when the stream ended cleanly waiting for more, negative on
 * error). */
static int decode_all(const char *data, size_t len, size_t chunk, size_t split, lp_buf *desc,
		      const lp_beats_limits *lim, char *err, size_t errcap)
{
	lp_beats_decoder d;
	lp_beats_decoder_init(&d, lim);
	size_t off = 0;
	int rc = 0;
	while (off < len) {
		size_t n = chunk ? chunk : len - off;
		if (off < split && off + n > split)
			n = split - off;
		if (n > len - off)
			n = len - off;
		rc = lp_beats_decoder_feed(&d, data + off, n);
		off += n;
		if (rc < 0)
			break;
		lp_beats_frame f;
		while ((rc = lp_beats_decoder_next(&d, &f)) == 1)
			describe(desc, &f);
		if (rc < 0)
			break;
	}
	if (rc == 0 && !lp_beats_decoder_idle(&d))
		rc = 1; /* bytes left over: a truncated stream */
	if (err)
		snprintf(err, errcap, "%s", lp_beats_decoder_error(&d));
	lp_beats_decoder_fini(&d);
	return rc;
}

static void build_mixed(lp_buf *s, lp_buf *expect)
{
	lp_beats_encode_window(s, 2, 3);
	lp_beats_encode_json(s, 1, "{\"a\":1}", 7);
	lp_beats_encode_json(s, 2, "{}", 2);
	lp_beats_kv kv[2] = { { "line", 4, "hello", 5 }, { "file", 4, "", 0 } };
	lp_beats_encode_data(s, 3, kv, 2);
	lp_beats_encode_ack(s, 2, 3);
	lp_beats_encode_window(s, 1, 1);
	lp_buf_adds(expect, "W2:3;J1:{\"a\":1};J2:{};D3:line=hello,file=,;A2:3;W1:1;");
}

static void test_every_frame_type(void)
{
	lp_buf s = LP_BUF_INIT, expect = LP_BUF_INIT, got = LP_BUF_INIT;
	build_mixed(&s, &expect);
	CHECK_INT(decode_all(s.data, s.len, 0, 0, &got, NULL, NULL, 0), 0);
	CHECK_STR(lp_buf_str(&got), lp_buf_str(&expect));
	lp_buf_fini(&s);
	lp_buf_fini(&expect);
	lp_buf_fini(&got);
}

static void test_ack_bytes(void)
{
	lp_buf s = LP_BUF_INIT;
	lp_beats_encode_ack(&s, 2, 0x01020304);
	CHECK_INT(s.len, 6);
	CHECK(memcmp(s.data, "2A\x01\x02\x03\x04", 6) == 0);
	lp_buf_fini(&s);
}

static void test_split_every_boundary(void)
{
	lp_buf s = LP_BUF_INIT, expect = LP_BUF_INIT;
	build_mixed(&s, &expect);
	int bad = 0;
	for (size_t split = 1; split < s.len; split++) {
		lp_buf got = LP_BUF_INIT;
		int rc = decode_all(s.data, s.len, 0, split, &got, NULL, NULL, 0);
		if (rc != 0 || strcmp(lp_buf_str(&got), lp_buf_str(&expect)) != 0)
			bad++;
		lp_buf_fini(&got);
	}
	CHECK_INT(bad, 0);
	/* one byte at a time */
	lp_buf got = LP_BUF_INIT;
	CHECK_INT(decode_all(s.data, s.len, 1, 0, &got, NULL, NULL, 0), 0);
	CHECK_STR(lp_buf_str(&got), lp_buf_str(&expect));
	lp_buf_fini(&got);
	lp_buf_fini(&s);
	lp_buf_fini(&expect);
}

static void test_compressed_window(void)
{
	lp_buf inner = LP_BUF_INIT, s = LP_BUF_INIT;
	lp_beats_encode_json(&inner, 1, "{\"m\":\"x\"}", 9);
	lp_beats_encode_json(&inner, 2, "{\"m\":\"y\"}", 9);
	lp_beats_kv kv = { "line", 4, "z", 1 };
	lp_beats_encode_data(&inner, 3, &kv, 1);
	lp_beats_encode_window(&s, 2, 3);
	lp_beats_encode_compressed(&s, 2, inner.data, inner.len, 6);
	/* a second window, pipelined, uncompressed */
	lp_beats_encode_window(&s, 2, 1);
	lp_beats_encode_json(&s, 1, "{}", 2);
	const char *expect = "W2:3;Jz1:{\"m\":\"x\"};Jz2:{\"m\":\"y\"};Dz3:line=z,;W2:1;J1:{};";
	lp_buf got = LP_BUF_INIT;
	CHECK_INT(decode_all(s.data, s.len, 0, 0, &got, NULL, NULL, 0), 0);
	CHECK_STR(lp_buf_str(&got), expect);
	int bad = 0;
	for (size_t split = 1; split < s.len; split++) {
		lp_buf g = LP_BUF_INIT;
		if (decode_all(s.data, s.len, 0, split, &g, NULL, NULL, 0) != 0 ||
		    strcmp(lp_buf_str(&g), expect) != 0)
			bad++;
		lp_buf_fini(&g);
	}
	CHECK_INT(bad, 0);
	lp_buf_reset(&got);
	CHECK_INT(decode_all(s.data, s.len, 1, 0, &got, NULL, NULL, 0), 0);
	CHECK_STR(lp_buf_str(&got), expect);
	/* an empty compressed frame is valid and yields nothing */
	lp_buf e = LP_BUF_INIT;
	lp_beats_encode_compressed(&e, 2, "", 0, 1);
	lp_buf_reset(&got);
	CHECK_INT(decode_all(e.data, e.len, 0, 0, &got, NULL, NULL, 0), 0);
	CHECK_STR(lp_buf_str(&got), "");
	lp_buf_fini(&e);
	lp_buf_fini(&got);
	lp_buf_fini(&inner);
	lp_buf_fini(&s);
}

static void test_large_payload_split(void)
{
	size_t n = 300000;
	char *big = lp_malloc(n + 10);
	big[0] = '"';
	for (size_t i = 1; i < n - 1; i++)
		big[i] = (char)('a' + i % 26);
	big[n - 1] = '"';
	lp_buf s = LP_BUF_INIT;
	lp_beats_encode_window(&s, 2, 2);
	lp_buf j = LP_BUF_INIT;
	lp_beats_encode_json(&j, 7, big, n);
	lp_buf_add(&s, j.data, j.len);
	lp_beats_encode_compressed(&s, 2, j.data, j.len, 1);
	lp_buf_fini(&j);
	lp_buf got = LP_BUF_INIT;
	CHECK_INT(decode_all(s.data, s.len, 4096, 0, &got, NULL, NULL, 0), 0);
	/* W, J, then the same J again from inside the compressed frame */
	CHECK_INT(got.len, 5 + (3 + n + 1) + (4 + n + 1));
	CHECK(memcmp(got.data + 5 + 3, big, n) == 0);
	lp_buf_fini(&got);
	lp_buf_fini(&s);
	lp_free(big);
}

static int expect_error(const char *data, size_t len, const lp_beats_limits *lim,
			const char *needle)
{
	lp_buf got = LP_BUF_INIT;
	char err[200] = "";
	int rc = decode_all(data, len, 0, 0, &got, lim, err, sizeof(err));
	lp_buf_fini(&got);
	if (needle && !strstr(err, needle)) {
		fprintf(stderr, "error text \"%s\" lacks \"%s\"\n", err, needle);
		return 99;
	}
	return rc;
}

static void test_wrong_version(void)
{
	CHECK_INT(expect_error("3W\0\0\0\1", 6, NULL, "version"), LP_EPARSE);
	CHECK_INT(expect_error("GET / HTTP/1.1\r\n", 16, NULL, "version"), LP_EPARSE);
	/* TLS ClientHello sent to a plain listener */
	CHECK_INT(expect_error("\x16\x03\x01\x02\x00\x01", 6, NULL, "version"), LP_EPARSE);
}

static void test_unknown_type(void)
{
	CHECK_INT(expect_error("2X\0\0\0\1", 6, NULL, "unknown frame type 'X'"), LP_EPARSE);
	CHECK_INT(expect_error("2\x01\0\0\0\1", 6, NULL, "0x01"), LP_EPARSE);
}

static void test_sticky_error(void)
{
	lp_beats_decoder d;
	lp_beats_decoder_init(&d, NULL);
	lp_beats_frame f;
	CHECK_INT(lp_beats_decoder_feed(&d, "2Q", 2), 0);
	CHECK_INT(lp_beats_decoder_next(&d, &f), LP_EPARSE);
	CHECK_INT(lp_beats_decoder_feed(&d, "2W\0\0\0\1", 6), LP_EPARSE);
	CHECK_INT(lp_beats_decoder_next(&d, &f), LP_EPARSE);
	lp_beats_decoder_fini(&d);
}

static void test_lengths_that_lie(void)
{
	lp_beats_limits lim = { 1024, 4096, 100 };
	/* JSON length over the limit is refused from its header alone */
	CHECK_INT(expect_error("2J\0\0\0\1\0\0\x10\0", 10, &lim, "over the limit"), LP_ETOOBIG);
	CHECK_INT(expect_error("2J\0\0\0\1\xff\xff\xff\xff", 10, NULL, "over the limit"), LP_ETOOBIG);
	/* compressed length over the limit */
	CHECK_INT(expect_error("2C\0\0\x10\0", 6, &lim, "over the limit"), LP_ETOOBIG);
	/* a window over the limit */
	CHECK_INT(expect_error("2W\0\0\0\x65", 6, &lim, "window size 101"), LP_ETOOBIG);
	/* data frame announcing too many pairs, and a key longer than the limit */
	CHECK_INT(expect_error("1D\0\0\0\1\0\0\x10\0", 10, &lim, "pairs"), LP_ETOOBIG);
	CHECK_INT(expect_error("1D\0\0\0\1\0\0\0\1\0\0\x10\0", 14, &lim, "over the limit"),
		  LP_ETOOBIG);
	/* a JSON length longer than the stream: waits for more, never returns */
	lp_buf got = LP_BUF_INIT;
	CHECK_INT(decode_all("2J\0\0\0\1\0\0\0\x20{}", 12, 0, 0, &got, NULL, NULL, 0), 1);
	CHECK_STR(lp_buf_str(&got), "");
	lp_buf_fini(&got);
	/* a compressed frame whose content has a JSON length that runs past it */
	lp_buf inner = LP_BUF_INIT, s = LP_BUF_INIT;
	lp_buf_add(&inner, "2J\0\0\0\1\0\0\0\x50{}", 12);
	lp_beats_encode_compressed(&s, 2, inner.data, inner.len, 6);
	CHECK_INT(expect_error(s.data, s.len, NULL, "ends inside a frame"), LP_EPARSE);
	/* a compressed length shorter than the zlib stream */
	lp_buf_reset(&s);
	lp_beats_encode_json(&inner, 2, "{\"x\":1}", 7);
	lp_beats_encode_compressed(&s, 2, inner.data, inner.len, 6);
	size_t zlen = s.len - 6 - 3;
	s.data[2] = (char)(zlen >> 24);
	s.data[3] = (char)(zlen >> 16);
	s.data[4] = (char)(zlen >> 8);
	s.data[5] = (char)zlen;
	CHECK_INT(expect_error(s.data, s.len - 3, NULL, "ends before its zlib stream"), LP_EPARSE);
	/* a compressed length longer than the zlib stream (trailing bytes) */
	lp_buf_reset(&s);
	lp_beats_encode_compressed(&s, 2, inner.data, inner.len, 6);
	lp_buf_add(&s, "junk", 4);
	zlen = s.len - 6;
	s.data[2] = (char)(zlen >> 24);
	s.data[3] = (char)(zlen >> 16);
	s.data[4] = (char)(zlen >> 8);
	s.data[5] = (char)zlen;
	CHECK_INT(expect_error(s.data, s.len, NULL, "after the end"), LP_EPARSE);
	lp_buf_fini(&inner);
	lp_buf_fini(&s);
}

static void test_corrupt_zlib(void)
{
	lp_buf inner = LP_BUF_INIT, s = LP_BUF_INIT;
	lp_beats_encode_json(&inner, 1, "{\"hello\":\"world\"}", 17);
	lp_beats_encode_compressed(&s, 2, inner.data, inner.len, 6);
	s.data[8] ^= 0x55;
	s.data[9] ^= 0xff;
	s.data[10] ^= 0x0f;
	CHECK_INT(expect_error(s.data, s.len, NULL, "compressed frame"), LP_EPARSE);
	/* not zlib at all */
	CHECK_INT(expect_error("2C\0\0\0\4abcd", 10, NULL, "corrupt zlib"), LP_EPARSE);
	lp_buf_fini(&inner);
	lp_buf_fini(&s);
}

static void test_zip_bomb(void)
{
	size_t n = 8u << 20;
	char *zeros = lp_calloc(1, n);
	lp_buf s = LP_BUF_INIT;
	lp_beats_encode_compressed(&s, 2, zeros, n, 9);
	CHECK(s.len < 64 * 1024); /* the bomb is small on the wire */
	lp_beats_limits lim = { 1u << 20, 1u << 20, 1000 };
	CHECK_INT(expect_error(s.data, s.len, &lim, "inflates to more than 1048576"), LP_ETOOBIG);
	lp_buf_fini(&s);
	lp_free(zeros);
}

static void test_nested_compression(void)
{
	lp_buf a = LP_BUF_INIT, b = LP_BUF_INIT, s = LP_BUF_INIT;
	lp_beats_encode_json(&a, 1, "{}", 2);
	lp_beats_encode_compressed(&b, 2, a.data, a.len, 6);
	lp_beats_encode_compressed(&s, 2, b.data, b.len, 6);
	CHECK_INT(expect_error(s.data, s.len, NULL, "another compressed frame"), LP_EPARSE);
	lp_buf_fini(&a);
	lp_buf_fini(&b);
	lp_buf_fini(&s);
}

static void test_truncated(void)
{
	lp_buf s = LP_BUF_INIT, expect = LP_BUF_INIT;
	build_mixed(&s, &expect);
	/* every proper prefix that ends inside a frame is reported as not idle */
	int bad = 0;
	for (size_t cut = 1; cut < s.len; cut++) {
		lp_buf got = LP_BUF_INIT;
		int rc = decode_all(s.data, cut, 0, 0, &got, NULL, NULL, 0);
		/* a clean cut yields a prefix of the expected frames */
		if (rc < 0 || strncmp(lp_buf_str(&expect), lp_buf_str(&got), got.len) != 0)
			bad++;
		lp_buf_fini(&got);
	}
	CHECK_INT(bad, 0);
	/* and a cut in the middle of the JSON frame leaves it pending */
	lp_buf got = LP_BUF_INIT;
	CHECK_INT(decode_all(s.data, 12, 0, 0, &got, NULL, NULL, 0), 1);
	CHECK_STR(lp_buf_str(&got), "W2:3;");
	lp_buf_fini(&got);
	lp_buf_fini(&s);
	lp_buf_fini(&expect);
}

static void test_pending_bounded(void)
{
	lp_beats_decoder d;
	lp_beats_decoder_init(&d, NULL);
	lp_buf s = LP_BUF_INIT;
	for (uint32_t i = 1; i <= 1000; i++)
		lp_beats_encode_json(&s, i, "{\"k\":\"v\"}", 9);
	lp_beats_frame f;
	size_t frames = 0, max_pending = 0;
	for (size_t off = 0; off < s.len; off += 100) {
		size_t n = s.len - off < 100 ? s.len - off : 100;
		CHECK_INT(lp_beats_decoder_feed(&d, s.data + off, n), 0);
		while (lp_beats_decoder_next(&d, &f) == 1)
			frames++;
		if (lp_beats_decoder_pending(&d) > max_pending)
			max_pending = lp_beats_decoder_pending(&d);
		if (d.in.cap > 4096)
			max_pending = (size_t)-1;
	}
	CHECK_INT(frames, 1000);
	CHECK(max_pending < 100);
	CHECK(lp_beats_decoder_idle(&d));
	lp_beats_decoder_fini(&d);
	lp_buf_fini(&s);
}

/* Mutated streams (flipped bytes, cut, duplicated ranges) with random read
 * splits: the decoder never reads out of bounds (run under ASan in CI), never
 * returns frames longer than the limits, and fails only with its own codes. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	return lp_test_xorshift(&rng_state);
}

static void test_mutated_streams(void)
{
	lp_buf base = LP_BUF_INIT, inner = LP_BUF_INIT;
	lp_beats_encode_window(&base, 2, 4);
	lp_beats_encode_json(&inner, 1, "{\"a\":\"xyz\"}", 11);
	lp_beats_encode_json(&inner, 2, "{}", 2);
	lp_beats_encode_compressed(&base, 2, inner.data, inner.len, 6);
	lp_beats_kv kv = { "line", 4, "text", 4 };
	lp_beats_encode_data(&base, 3, &kv, 1);
	lp_beats_encode_json(&base, 4, "[1]", 3);
	lp_beats_limits lim = { 4096, 8192, 100 };
	int odd = 0, errors = 0, oks = 0;
	lp_buf m = LP_BUF_INIT;
	for (int iter = 0; iter < 3000; iter++) {
		lp_buf_reset(&m);
		lp_buf_add(&m, base.data, base.len);
		int muts = 1 + (int)(rnd() % 4);
		for (int k = 0; k < muts; k++) {
			size_t at = rnd() % m.len;
			switch (rnd() % 4) {
			case 0:
				m.data[at] ^= (char)(1u << (rnd() % 8));
				break;
			case 1:
				m.data[at] = (char)rnd();
				break;
			case 2:
				m.len = at + 1; /* truncate */
				break;
			default: {
				size_t n = 1 + rnd() % 8;
				if (at + n <= m.len)
					lp_buf_add(&m, m.data + at, n);
			}
			}
		}
		lp_beats_decoder d;
		lp_beats_decoder_init(&d, &lim);
		size_t off = 0;
		int rc = 0;
		while (off < m.len && rc >= 0) {
			size_t n = 1 + rnd() % 16;
			if (n > m.len - off)
				n = m.len - off;
			lp_beats_decoder_feed(&d, m.data + off, n);
			off += n;
			lp_beats_frame f;
			while ((rc = lp_beats_decoder_next(&d, &f)) == 1) {
				if (f.type == LP_BEATS_JSON && f.len > lim.max_frame)
					odd++;
				if (f.type == LP_BEATS_WINDOW && f.window > lim.max_window)
					odd++;
				/* touch every byte handed out */
				volatile char sink = 0;
				for (size_t i = 0; i < f.len; i++)
					sink ^= f.payload[i];
				for (size_t i = 0; i < f.n_pairs; i++) {
					for (size_t j = 0; j < f.pairs[i].key_len; j++)
						sink ^= f.pairs[i].key[j];
					for (size_t j = 0; j < f.pairs[i].val_len; j++)
						sink ^= f.pairs[i].val[j];
				}
				(void)sink;
			}
		}
		if (rc < 0) {
			errors++;
			if (rc != LP_EPARSE && rc != LP_ETOOBIG)
				odd++;
			if (!lp_beats_decoder_error(&d)[0])
				odd++;
		} else {
			oks++;
		}
		lp_beats_decoder_fini(&d);
	}
	CHECK_INT(odd, 0);
	CHECK(errors > 100); /* the mutations do hit the error paths */
	CHECK(oks > 100);    /* and some streams stay decodable */
	lp_buf_fini(&m);
	lp_buf_fini(&base);
	lp_buf_fini(&inner);
}

int main(void)
{
	LP_RUN(test_every_frame_type);
	LP_RUN(test_ack_bytes);
	LP_RUN(test_split_every_boundary);
	LP_RUN(test_compressed_window);
	LP_RUN(test_large_payload_split);
	LP_RUN(test_wrong_version);
	LP_RUN(test_unknown_type);
	LP_RUN(test_sticky_error);
	LP_RUN(test_lengths_that_lie);
	LP_RUN(test_corrupt_zlib);
	LP_RUN(test_zip_bomb);
	LP_RUN(test_nested_compression);
	LP_RUN(test_truncated);
	LP_RUN(test_pending_bounded);
	LP_RUN(test_mutated_streams);
	return lp_test_report();
}
