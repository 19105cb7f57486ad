/* Fuzz target: the Lumberjack frame decoder (inputs/beats/beats_frame.h).
 * The bytes are a client's stream. They are decoded three ways: fed at once,
 * fed in chunks whose sizes are derived from the data (from 1 byte up), and
 * the frames found re-encoded with the encoders and decoded again.
 * Invariants: chunking never changes the frames nor the final state (error
 * code and message, or idle); the decoder never holds more unconsumed input
 * than it was given; a returned frame is well formed (known type, version 1
 * or 2, payload inside its size limit); after an error, the error is sticky;
 * re-encoded frames decode to the same frames. */
#include "fuzz.h"

#include "inputs/beats/beats_frame.h"
#include "pipeline/buf.h"
#include "pipeline/error.h"

#include <string.h>

static const lp_beats_limits limits = { 1u << 16, 1u << 20, 1u << 16 };

/* A decoded stream: every frame written out as text, and the end state. */
typedef struct result {
	lp_buf frames;
	size_t n;
	int rc;          /* 0, or the sticky error */
	bool idle;
	char errmsg[160];
	lp_buf reencoded; /* the frames through the encoders */
} result;

static void record(result *r, const lp_beats_frame *f)
{
	FUZZ_CHECK(f->version == 1 || f->version == 2);
	lp_buf_printf(&r->frames, "%c", (char)f->type);
	switch (f->type) {
	case LP_BEATS_WINDOW:
		FUZZ_CHECK(f->window <= limits.max_window);
		lp_buf_printf(&r->frames, " v%d w%u\n", f->version, (unsigned)f->window);
		lp_beats_encode_window(&r->reencoded, f->version, f->window);
		break;
	case LP_BEATS_ACK:
		lp_buf_printf(&r->frames, " v%d s%u\n", f->version, (unsigned)f->seq);
		lp_beats_encode_ack(&r->reencoded, f->version, f->seq);
		break;
	case LP_BEATS_JSON:
		FUZZ_CHECK(f->len <= limits.max_frame);
		lp_buf_printf(&r->frames, " s%u l%zu ", (unsigned)f->seq, f->len);
		lp_buf_add(&r->frames, f->payload, f->len);
		lp_buf_addc(&r->frames, '\n');
		lp_beats_encode_json(&r->reencoded, f->seq, f->payload, f->len);
		break;
	case LP_BEATS_DATA:
		FUZZ_CHECK(f->n_pairs <= limits.max_frame);
		lp_buf_printf(&r->frames, " s%u n%zu", (unsigned)f->seq, f->n_pairs);
		for (size_t i = 0; i < f->n_pairs; i++) {
			FUZZ_CHECK(f->pairs[i].key_len <= limits.max_frame);
			FUZZ_CHECK(f->pairs[i].val_len <= limits.max_frame);
			lp_buf_printf(&r->frames, " %zu:", f->pairs[i].key_len);
			lp_buf_add(&r->frames, f->pairs[i].key, f->pairs[i].key_len);
			lp_buf_printf(&r->frames, "=%zu:", f->pairs[i].val_len);
			lp_buf_add(&r->frames, f->pairs[i].val, f->pairs[i].val_len);
		}
		lp_buf_addc(&r->frames, '\n');
		lp_beats_encode_data(&r->reencoded, f->seq, f->pairs, f->n_pairs);
		break;
	default:
		FUZZ_CHECK(!"a frame of an unknown type was returned");
	}
	r->n++;
}

static void check_bounds(const lp_beats_decoder *d, size_t fed)
{
	FUZZ_CHECK(d->pos <= d->in.len);
	FUZZ_CHECK(d->in.len - d->pos <= fed);
	FUZZ_CHECK(d->ipos <= d->inflated.len || !d->in_compressed);
	FUZZ_CHECK(d->inflated.len <= limits.max_inflated + 1);
}

/* Takes every complete frame; returns false once the decoder failed. */
static bool drain(lp_beats_decoder *d, result *r, size_t fed)
{
	lp_beats_frame f;
	for (;;) {
		int rc = lp_beats_decoder_next(d, &f);
		check_bounds(d, fed);
		if (rc == 0)
			return true;
		if (rc < 0) {
			FUZZ_CHECK(rc == LP_EPARSE || rc == LP_ETOOBIG);
			FUZZ_CHECK(lp_beats_decoder_error(d)[0] != '\0');
			FUZZ_CHECK(!lp_beats_decoder_idle(d));
			/* sticky */
			FUZZ_CHECK(lp_beats_decoder_next(d, &f) == rc);
			FUZZ_CHECK(lp_beats_decoder_feed(d, "2A", 2) == rc);
			r->rc = rc;
			snprintf(r->errmsg, sizeof(r->errmsg), "%s", lp_beats_decoder_error(d));
			return false;
		}
		FUZZ_CHECK(rc == 1);
		record(r, &f);
	}
}

/* Decodes data fed in chunks: chunk sizes come from a generator seeded with
 * seed (0: all at once). */
static void decode(const uint8_t *data, size_t size, uint32_t seed, result *r)
{
	memset(r, 0, sizeof(*r));
	lp_beats_decoder d;
	lp_beats_decoder_init(&d, &limits);
	size_t off = 0;
	bool ok = true;
	while (ok && off < size) {
		size_t chunk = size - off;
		if (seed) {
			seed = seed * 1103515245u + 12345u;
			size_t want = 1 + (seed >> 16) % 17;
			if ((seed >> 8) % 5 == 0)
				want = 1 + (seed >> 12) % 300;
			if (want < chunk)
				chunk = want;
		}
		FUZZ_CHECK(lp_beats_decoder_feed(&d, data + off, chunk) == 0);
		off += chunk;
		ok = drain(&d, r, off);
	}
	if (ok)
		r->idle = lp_beats_decoder_idle(&d);
	lp_beats_decoder_fini(&d);
}

static void result_fini(result *r)
{
	lp_buf_fini(&r->frames);
	lp_buf_fini(&r->reencoded);
}

static void check_same(const result *a, const result *b)
{
	FUZZ_CHECK(a->n == b->n);
	FUZZ_CHECK(a->frames.len == b->frames.len);
	FUZZ_CHECK(a->frames.len == 0 || memcmp(a->frames.data, b->frames.data, a->frames.len) == 0);
	FUZZ_CHECK(a->rc == b->rc);
	FUZZ_CHECK(a->idle == b->idle);
	FUZZ_CHECK(strcmp(a->errmsg, b->errmsg) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_init();
	if (size > (1u << 18))
		return 0;
	uint32_t seed = 2166136261u;
	for (size_t i = 0; i < size; i++)
		seed = (seed ^ data[i]) * 16777619u;
	seed |= 1;

	result whole, chunked, again;
	decode(data, size, 0, &whole);
	decode(data, size, seed, &chunked);
	check_same(&whole, &chunked);

	/* the frames through the encoders: the same frames, none compressed
	 * (JSON frames are written as v2 and data frames as v1, as sent) */
	decode((const uint8_t *)whole.reencoded.data, whole.reencoded.len, 0, &again);
	FUZZ_CHECK(again.rc == 0 && again.idle);
	FUZZ_CHECK(again.n == whole.n);
	FUZZ_CHECK(again.frames.len == whole.frames.len);
	FUZZ_CHECK(whole.frames.len == 0 ||
		   memcmp(again.frames.data, whole.frames.data, whole.frames.len) == 0);
	result_fini(&again);

	result_fini(&whole);
	result_fini(&chunked);
	return 0;
}
