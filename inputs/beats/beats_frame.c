#include "inputs/beats/beats_frame.h"

#include "pipeline/error.h"
#include "pipeline/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void put32(lp_buf *out, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 8), (unsigned char)v };
	lp_buf_add(out, b, 4);
}

static int fail(lp_beats_decoder *d, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(lp_beats_decoder *d, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->errmsg, sizeof(d->errmsg), fmt, ap);
	va_end(ap);
	d->err = err;
	return err;
}

void lp_beats_decoder_init(lp_beats_decoder *d, const lp_beats_limits *lim)
{
	static const lp_beats_limits defaults = LP_BEATS_LIMITS_DEFAULT;
	memset(d, 0, sizeof(*d));
	d->lim = lim ? *lim : defaults;
	lp_buf_init(&d->in);
	lp_buf_init(&d->inflated);
}

void lp_beats_decoder_fini(lp_beats_decoder *d)
{
	if (!d)
		return;
	lp_buf_fini(&d->in);
	lp_buf_fini(&d->inflated);
	lp_free(d->kv);
	d->kv = NULL;
	d->kv_cap = 0;
}

int lp_beats_decoder_feed(lp_beats_decoder *d, const void *data, size_t len)
{
	if (d->err)
		return d->err;
	if (d->pos > 0 && (d->pos == d->in.len || d->pos >= d->in.len / 2)) {
		lp_buf_consume(&d->in, d->pos);
		d->pos = 0;
	}
	lp_buf_add(&d->in, data, len);
	return 0;
}

const char *lp_beats_decoder_error(const lp_beats_decoder *d)
{
	return d->errmsg;
}

size_t lp_beats_decoder_pending(const lp_beats_decoder *d)
{
	return d->in.len - d->pos + (d->in_compressed ? d->inflated.len - d->ipos : 0);
}

bool lp_beats_decoder_idle(const lp_beats_decoder *d)
{
	return !d->err && d->pos == d->in.len && !d->in_compressed;
}

/* Inflates a zlib stream of len bytes into d->inflated, never past the
 * limit. */
static int inflate_block(lp_beats_decoder *d, const unsigned char *src, size_t len)
{
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit(&zs) != Z_OK)
		return fail(d, LP_EIO, "zlib could not be initialised");
	lp_buf_reset(&d->inflated);
	zs.next_in = (Bytef *)src;
	zs.avail_in = (uInt)len;
	int rc = LP_EPARSE;
	for (;;) {
		size_t room = d->lim.max_inflated + 1 - d->inflated.len;
		if (room > 65536)
			room = 65536;
		lp_buf_reserve(&d->inflated, room);
		zs.next_out = (Bytef *)d->inflated.data + d->inflated.len;
		zs.avail_out = (uInt)room;
		int z = inflate(&zs, Z_NO_FLUSH);
		d->inflated.len += room - zs.avail_out;
		d->inflated.data[d->inflated.len] = '\0';
		if (d->inflated.len > d->lim.max_inflated) {
			rc = fail(d, LP_ETOOBIG,
				  "a compressed frame inflates to more than %zu bytes",
				  d->lim.max_inflated);
			goto done;
		}
		if (z == Z_STREAM_END) {
			if (zs.avail_in != 0) {
				rc = fail(d, LP_EPARSE,
					  "a compressed frame has %u bytes after the end of its zlib stream",
					  zs.avail_in);
				goto done;
			}
			rc = 0;
			goto done;
		}
		if (z == Z_OK)
			continue;
		if (z == Z_BUF_ERROR && zs.avail_in == 0) {
			rc = fail(d, LP_EPARSE, "a compressed frame ends before its zlib stream does");
			goto done;
		}
		if (z == Z_BUF_ERROR)
			continue;
		rc = fail(d, LP_EPARSE, "a compressed frame holds corrupt zlib data (%s)",
			  zs.msg ? zs.msg : "unknown error");
		goto done;
	}
done:
	inflateEnd(&zs);
	return rc;
}

/* Parses one frame from p (avail bytes). Returns 1 and *used when a frame is
 * complete, 0 when more bytes are needed, or a negative error. A 'C' frame is
 * returned as type 'C' with payload/len set to its zlib bytes. */
static int parse_frame(lp_beats_decoder *d, const unsigned char *p, size_t avail, size_t *used,
		       lp_beats_frame *f)
{
	if (avail < 2)
		return 0;
	if (p[0] != '1' && p[0] != '2')
		return fail(d, LP_EPARSE, "wrong protocol version byte 0x%02x (expected '1' or '2')",
			    p[0]);
	memset(f, 0, sizeof(*f));
	f->version = p[0] - '0';
	f->type = (lp_beats_type)p[1];
	switch (p[1]) {
	case 'W':
		if (avail < 6)
			return 0;
		f->window = get32(p + 2);
		if (f->window > d->lim.max_window)
			return fail(d, LP_ETOOBIG, "window size %u is over the limit of %u",
				    f->window, d->lim.max_window);
		*used = 6;
		return 1;
	case 'A':
		if (avail < 6)
			return 0;
		f->seq = get32(p + 2);
		*used = 6;
		return 1;
	case 'J': {
		if (avail < 10)
			return 0;
		f->seq = get32(p + 2);
		uint32_t len = get32(p + 6);
		if (len > d->lim.max_frame)
			return fail(d, LP_ETOOBIG,
				    "a JSON frame of %u bytes is over the limit of %zu bytes", len,
				    d->lim.max_frame);
		if (avail - 10 < len)
			return 0;
		f->payload = (const char *)p + 10;
		f->len = len;
		*used = 10 + (size_t)len;
		return 1;
	}
	case 'C': {
		if (avail < 6)
			return 0;
		uint32_t len = get32(p + 2);
		if (len > d->lim.max_frame)
			return fail(d, LP_ETOOBIG,
				    "a compressed frame of %u bytes is over the limit of %zu bytes",
				    len, d->lim.max_frame);
		if (avail - 6 < len)
			return 0;
		f->type = (lp_beats_type)'C';
		f->payload = (const char *)p + 6;
		f->len = len;
		*used = 6 + (size_t)len;
		return 1;
	}
	case 'D': {
		if (avail < 10)
			return 0;
		f->seq = get32(p + 2);
		uint32_t n = get32(p + 6);
		if (n > d->lim.max_frame / 8)
			return fail(d, LP_ETOOBIG,
				    "a data frame announces %u pairs, over the frame size limit", n);
		size_t off = 10;
		if (n > d->kv_cap) {
			d->kv_cap = n;
			d->kv = lp_realloc(d->kv, n * sizeof(*d->kv));
		}
		for (uint32_t i = 0; i < n; i++) {
			for (int half = 0; half < 2; half++) {
				if (avail - off < 4)
					goto more;
				uint32_t l = get32(p + off);
				off += 4;
				if (l > d->lim.max_frame || off - 10 + (size_t)l > d->lim.max_frame)
					return fail(d, LP_ETOOBIG,
						    "a data frame is over the limit of %zu bytes",
						    d->lim.max_frame);
				if (avail - off < l)
					goto more;
				if (half == 0) {
					d->kv[i].key = (const char *)p + off;
					d->kv[i].key_len = l;
				} else {
					d->kv[i].val = (const char *)p + off;
					d->kv[i].val_len = l;
				}
				off += l;
			}
		}
		f->pairs = d->kv;
		f->n_pairs = n;
		*used = off;
		return 1;
	more:
		return 0;
	}
	default:
		if (p[1] >= 0x20 && p[1] < 0x7f)
			return fail(d, LP_EPARSE, "unknown frame type '%c'", p[1]);
		return fail(d, LP_EPARSE, "unknown frame type 0x%02x", p[1]);
	}
}

int lp_beats_decoder_next(lp_beats_decoder *d, lp_beats_frame *f)
{
	if (d->err)
		return d->err;
	for (;;) {
		if (d->in_compressed) {
			if (d->ipos < d->inflated.len) {
				size_t used = 0;
				const unsigned char *p = (const unsigned char *)d->inflated.data + d->ipos;
				int rc = parse_frame(d, p, d->inflated.len - d->ipos, &used, f);
				if (rc < 0)
					return rc;
				if (rc == 0)
					return fail(d, LP_EPARSE,
						    "a compressed frame ends inside a frame (%zu bytes left over)",
						    d->inflated.len - d->ipos);
				if (f->type == (lp_beats_type)'C')
					return fail(d, LP_EPARSE,
						    "a compressed frame contains another compressed frame");
				d->ipos += used;
				f->compressed = true;
				d->frames++;
				return 1;
			}
			d->in_compressed = false;
			lp_buf_reset(&d->inflated);
			d->ipos = 0;
		}
		if (d->pos == d->in.len && d->pos > 0) {
			lp_buf_reset(&d->in);
			d->pos = 0;
		}
		size_t used = 0;
		const unsigned char *p = (const unsigned char *)d->in.data + d->pos;
		int rc = parse_frame(d, p, d->in.len - d->pos, &used, f);
		if (rc <= 0)
			return rc;
		if (f->type != (lp_beats_type)'C') {
			d->pos += used;
			d->frames++;
			return 1;
		}
		rc = inflate_block(d, (const unsigned char *)f->payload, f->len);
		if (rc < 0)
			return rc;
		d->pos += used;
		d->in_compressed = true;
		d->ipos = 0;
	}
}

void lp_beats_encode_ack(lp_buf *out, int version, uint32_t seq)
{
	lp_buf_addc(out, (char)('0' + version));
	lp_buf_addc(out, 'A');
	put32(out, seq);
}

void lp_beats_encode_window(lp_buf *out, int version, uint32_t count)
{
	lp_buf_addc(out, (char)('0' + version));
	lp_buf_addc(out, 'W');
	put32(out, count);
}

void lp_beats_encode_json(lp_buf *out, uint32_t seq, const char *json, size_t len)
{
	lp_buf_add(out, "2J", 2);
	put32(out, seq);
	put32(out, (uint32_t)len);
	lp_buf_add(out, json, len);
}

void lp_beats_encode_data(lp_buf *out, uint32_t seq, const lp_beats_kv *pairs, size_t n)
{
	lp_buf_add(out, "1D", 2);
	put32(out, seq);
	put32(out, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		put32(out, (uint32_t)pairs[i].key_len);
		lp_buf_add(out, pairs[i].key, pairs[i].key_len);
		put32(out, (uint32_t)pairs[i].val_len);
		lp_buf_add(out, pairs[i].val, pairs[i].val_len);
	}
}

void lp_beats_encode_compressed(lp_buf *out, int version, const void *content, size_t len,
				int level)
{
	uLong bound = compressBound((uLong)len);
	lp_buf_addc(out, (char)('0' + version));
	lp_buf_addc(out, 'C');
	size_t len_at = out->len;
	put32(out, 0);
	lp_buf_reserve(out, bound);
	uLongf dlen = bound;
	compress2((Bytef *)out->data + out->len, &dlen, (const Bytef *)content, (uLong)len, level);
	out->len += dlen;
	out->data[out->len] = '\0';
	unsigned char *lp = (unsigned char *)out->data + len_at;
	lp[0] = (unsigned char)(dlen >> 24);
	lp[1] = (unsigned char)(dlen >> 16);
	lp[2] = (unsigned char)(dlen >> 8);
	lp[3] = (unsigned char)dlen;
}
