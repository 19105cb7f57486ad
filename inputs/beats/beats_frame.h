/* beats_frame: the Lumberjack (Beats) wire format, pure: no sockets, no JSON
 * library. A decoder is fed bytes as they arrive and hands back complete
 * frames; encoders append frames to an lp_buf (the server writes ACKs, the
 * tests and the benchmark write windows).
 *
 * Frames (all integers are unsigned 32-bit big-endian):
 *   '2' 'W' count                      window: the next count events form a batch
 *   '2' 'J' seq len payload[len]       one event as JSON
 *   '1' 'D' seq npairs {klen k vlen v}  one event as key/value pairs (v1)
 *   '2' 'C' len zlib[len]              frames compressed with zlib
 *   '2' 'A' seq                        acknowledgement (server to client)
 * The version byte is '1' or '2' for every type.
 *
 * The decoder's memory is bounded: a frame whose length is over max_frame, a
 * compressed frame that inflates past max_inflated, or a window over
 * max_window is an error. After an error the decoder stays failed. */
#ifndef LP_INPUTS_BEATS_BEATS_FRAME_H
#define LP_INPUTS_BEATS_BEATS_FRAME_H

#include "pipeline/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
	LP_BEATS_WINDOW = 'W',
	LP_BEATS_JSON = 'J',
	LP_BEATS_DATA = 'D',
	LP_BEATS_ACK = 'A',
} lp_beats_type;

/* One key/value pair of a v1 data frame; the bytes are not NUL-terminated. */
typedef struct lp_beats_kv {
	const char *key;
	size_t key_len;
	const char *val;
	size_t val_len;
} lp_beats_kv;

/* A decoded frame. The pointers borrow the decoder's buffers: valid until the
 * next call to lp_beats_decoder_next or lp_beats_decoder_feed. */
typedef struct lp_beats_frame {
	lp_beats_type type;
	int version;             /* 1 or 2 */
	bool compressed;         /* came out of a 'C' frame */
	uint32_t seq;            /* JSON, DATA, ACK */
	uint32_t window;         /* WINDOW: the announced count */
	const char *payload;     /* JSON: the payload bytes */
	size_t len;              /* JSON: payload length */
	const lp_beats_kv *pairs; /* DATA */
	size_t n_pairs;
} lp_beats_frame;

typedef struct lp_beats_limits {
	size_t max_frame;    /* largest JSON, data or compressed frame, in bytes */
	size_t max_inflated; /* largest decompressed content of one 'C' frame */
	uint32_t max_window; /* largest window size */
} lp_beats_limits;

/* Defaults: 16 MiB frames, 64 MiB inflated, windows up to 65536 events. */
#define LP_BEATS_LIMITS_DEFAULT { 16u << 20, 64u << 20, 65536u }

typedef struct lp_beats_decoder {
	lp_beats_limits lim;
	lp_buf in;         /* bytes fed and not consumed */
	size_t pos;        /* start of the next frame in in */
	lp_buf inflated;   /* content of the current 'C' frame */
	size_t ipos;       /* next frame inside inflated */
	bool in_compressed; /* frames are being taken from inflated */
	lp_beats_kv *kv;   /* pairs of the last data frame */
	size_t kv_cap;
	int err;           /* 0 or the sticky error */
	char errmsg[160];
	uint64_t frames;   /* frames returned so far, for diagnostics */
} lp_beats_decoder;

/* Ownership: init/fini work on caller memory; lim NULL means the defaults.
 * One decoder per stream; not thread-safe. */
void lp_beats_decoder_init(lp_beats_decoder *d, const lp_beats_limits *lim);
void lp_beats_decoder_fini(lp_beats_decoder *d);

/* Appends len bytes to the decoder's input. Returns 0, or the sticky error. */
int lp_beats_decoder_feed(lp_beats_decoder *d, const void *data, size_t len);

/* Decodes the next complete frame into *f. Returns 1 when a frame was
 * produced, 0 when more bytes are needed, or a negative code on bad input:
 * LP_EPARSE (wrong version, unknown type, corrupt zlib, truncated or lying
 * compressed content, nested compression) or LP_ETOOBIG (a limit exceeded);
 * lp_beats_decoder_error then describes it. */
int lp_beats_decoder_next(lp_beats_decoder *d, lp_beats_frame *f);

/* A sentence describing the last error ("" when none). Borrowed. */
const char *lp_beats_decoder_error(const lp_beats_decoder *d);

/* Bytes waiting in the decoder (fed, not yet returned as frames): the caller
 * uses it to bound reads. */
size_t lp_beats_decoder_pending(const lp_beats_decoder *d);

/* True when the stream sits exactly between frames (nothing partial). */
bool lp_beats_decoder_idle(const lp_beats_decoder *d);

/* Encoders: append one frame to out. version is 1 or 2. */
void lp_beats_encode_ack(lp_buf *out, int version, uint32_t seq);
void lp_beats_encode_window(lp_buf *out, int version, uint32_t count);
void lp_beats_encode_json(lp_buf *out, uint32_t seq, const char *json, size_t len);
void lp_beats_encode_data(lp_buf *out, uint32_t seq, const lp_beats_kv *pairs, size_t n);
/* Compresses the frames in content (len bytes) at zlib level (0-9) and
 * appends one 'C' frame. */
void lp_beats_encode_compressed(lp_buf *out, int version, const void *content, size_t len,
				int level);

#endif
