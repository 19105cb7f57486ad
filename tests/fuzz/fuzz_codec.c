/* Fuzz target: the decoding codecs (pipeline/codec.h): line, json_lines,
 * json and plain, each with its default options. The bytes are a stream.
 * Invariants: line and json_lines give the same events whether the stream
 * comes at once or in chunks of sizes derived from the data; line gives one
 * event per delimiter (plus one for a trailing unterminated line) and, for
 * printable ASCII, messages that are exactly the lines; an event decoded by
 * json_lines or json, encoded by the same codec and decoded again, is the
 * same event; every event serialises to a JSON object. */
#include "fuzz.h"

#include "pipeline/buf.h"
#include "pipeline/codec.h"
#include "pipeline/event.h"
#include "pipeline/mem.h"
#include "pipeline/plugin.h"

#include <string.h>

static lp_codec *c_line, *c_jl, *c_json, *c_plain;

static void init_codecs(void)
{
	if (c_line)
		return;
	c_line = lp_codec_create("line");
	c_jl = lp_codec_create("json_lines");
	c_json = lp_codec_create("json");
	c_plain = lp_codec_create("plain");
	FUZZ_CHECK(c_line && c_jl && c_json && c_plain);
}

/* Decodes data in chunks (seed 0: at once) and flushes. */
static void decode(const lp_codec *c, const uint8_t *data, size_t size, uint32_t seed,
		   lp_event_vec *out)
{
	lp_decoder *d = lp_decoder_create(c);
	size_t off = 0;
	while (off < size) {
		size_t chunk = size - off;
		if (seed) {
			seed = seed * 1103515245u + 12345u;
			size_t want = 1 + (seed >> 16) % 23;
			if (want < chunk)
				chunk = want;
		}
		lp_decoder_decode(d, (const char *)data + off, chunk, out);
		off += chunk;
	}
	lp_decoder_flush(d, out);
	lp_decoder_destroy(d);
}

/* All events as JSON lines, @metadata included. */
static void dump(lp_event_vec *v, lp_buf *out, bool with_meta)
{
	for (size_t i = 0; i < v->n; i++) {
		size_t start = out->len;
		lp_event_write_json(v->v[i], out, with_meta);
		lpj_t *o = lpj_loadb(out->data + start, out->len - start, LPJ_ALLOW_NUL, NULL);
		FUZZ_CHECK(lpj_is_object(o));
		lpj_decref(o);
		lp_buf_addc(out, '\n');
	}
}

static void check_same_dump(lp_event_vec *a, lp_event_vec *b, bool with_meta)
{
	lp_buf da = LP_BUF_INIT, db = LP_BUF_INIT;
	dump(a, &da, with_meta);
	dump(b, &db, with_meta);
	if (da.len != db.len || (da.len && memcmp(da.data, db.data, da.len) != 0))
		fprintf(stderr, "first:\n%s\nsecond:\n%s\n", lp_buf_str(&da), lp_buf_str(&db));
	FUZZ_CHECK(a->n == b->n);
	FUZZ_CHECK(da.len == db.len);
	FUZZ_CHECK(da.len == 0 || memcmp(da.data, db.data, da.len) == 0);
	lp_buf_fini(&da);
	lp_buf_fini(&db);
}

/* Encodes every event with c, decodes the result with c again. */
static void check_reencode(const lp_codec *c, lp_event_vec *v, bool one_per_decode)
{
	lp_event_vec again = { 0 };
	lp_buf enc = LP_BUF_INIT;
	for (size_t i = 0; i < v->n; i++) {
		if (one_per_decode)
			lp_buf_reset(&enc);
		lp_codec_encode(c, v->v[i], &enc);
		if (one_per_decode)
			decode(c, (const uint8_t *)enc.data, enc.len, 0, &again);
	}
	if (!one_per_decode)
		decode(c, (const uint8_t *)enc.data, enc.len, 0, &again);
	check_same_dump(v, &again, false);
	lp_event_vec_fini(&again);
	lp_buf_fini(&enc);
}

static bool printable_ascii(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < size; i++)
		if (data[i] != '\n' && data[i] != '\t' && (data[i] < 0x20 || data[i] > 0x7e))
			return false;
	return true;
}

static void check_line(const uint8_t *data, size_t size, uint32_t seed)
{
	lp_event_vec whole = { 0 }, chunked = { 0 };
	decode(c_line, data, size, 0, &whole);
	decode(c_line, data, size, seed, &chunked);
	check_same_dump(&whole, &chunked, true);

	size_t lines = 0;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (size > 0 && data[size - 1] != '\n')
		lines++;
	FUZZ_CHECK(whole.n == lines);
	if (printable_ascii(data, size)) {
		lp_fieldref *msg = lp_fieldref_top("message");
		lp_buf joined = LP_BUF_INIT;
		for (size_t i = 0; i < whole.n; i++) {
			const char *m = lp_event_get_str(whole.v[i], msg);
			FUZZ_CHECK(m != NULL);
			if (m)
				lp_buf_adds(&joined, m);
			lp_buf_addc(&joined, '\n');
		}
		if (size > 0 && data[size - 1] != '\n')
			joined.len--; /* the last line had no delimiter */
		FUZZ_CHECK(joined.len == size);
		FUZZ_CHECK(size == 0 || memcmp(joined.data, data, size) == 0);
		lp_buf_fini(&joined);
		lp_fieldref_destroy(msg);
	}
	lp_event_vec_fini(&whole);
	lp_event_vec_fini(&chunked);
}

static void check_json_lines(const uint8_t *data, size_t size, uint32_t seed)
{
	lp_event_vec whole = { 0 }, chunked = { 0 };
	decode(c_jl, data, size, 0, &whole);
	decode(c_jl, data, size, seed, &chunked);
	check_same_dump(&whole, &chunked, true);
	check_reencode(c_jl, &whole, false);
	lp_event_vec_fini(&whole);
	lp_event_vec_fini(&chunked);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_init();
	init_codecs();
	if (size > (1u << 16))
		return 0;
	uint32_t seed = 2166136261u;
	for (size_t i = 0; i < size; i++)
		seed = (seed ^ data[i]) * 16777619u;
	seed |= 1;

	check_line(data, size, seed);
	check_json_lines(data, size, seed);

	lp_event_vec v = { 0 };
	decode(c_json, data, size, 0, &v);
	check_reencode(c_json, &v, true);
	lp_event_vec_fini(&v);

	decode(c_plain, data, size, 0, &v);
	lp_buf out = LP_BUF_INIT;
	dump(&v, &out, true);
	lp_buf_fini(&out);
	lp_event_vec_fini(&v);
	return 0;
}
