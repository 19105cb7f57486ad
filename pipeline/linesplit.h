/* linesplit: a streaming line splitter over byte chunks, used by the line and
 * json_lines codecs. Lines end at "\n" (a trailing "\r", CRLF, is stripped)
 * or at another delimiter of any length set with lp_linesplit_set_delimiter
 * (then nothing is stripped).
 * Blank lines are returned like any other (the caller decides what they
 * mean). A line longer than max_line bytes is cut at the limit (on a UTF-8
 * character boundary) and reported as truncated; the rest of that line is
 * discarded as it streams in, so memory stays bounded by max_line whatever
 * the input. Invalid UTF-8 in a line is replaced with U+FFFD before the line
 * is handed out, unless the consumer takes that on (lp_linesplit_keep_bytes).
 * One splitter per stream; not thread-safe. */
#ifndef LP_PIPELINE_LINESPLIT_H
#define LP_PIPELINE_LINESPLIT_H

#include "pipeline/buf.h"
#include "pipeline/log.h"

#include <stdbool.h>
#include <stddef.h>

/* Receives one line (without its "\n" or "\r\n"), valid only during the call.
 * truncated: the line was longer than max_line and was cut; orig_len is then
 * the length of the whole line as it arrived (else orig_len == len before
 * UTF-8 repair). */
typedef void (*lp_line_fn)(void *ctx, const char *line, size_t len, bool truncated,
			   size_t orig_len);

typedef struct lp_linesplit {
	lp_buf cur;      /* the pending incomplete line, at most max_line + 1 bytes */
	lp_buf fix;      /* scratch for UTF-8 repair */
	size_t max_line;
	size_t cur_total; /* bytes of the pending line seen so far, kept or not */
	char *delim;     /* NULL: "\n" */
	size_t dlen;
	size_t *fail;    /* KMP failure table of a multi-byte delimiter */
	size_t dmatch;   /* delimiter bytes matched at the end of the input so far */
	bool keep_bytes; /* hand lines out without the UTF-8 repair */
} lp_linesplit;

/* Prepares ls; max_line 0 means 1 MiB. */
void lp_linesplit_init(lp_linesplit *ls, size_t max_line);
/* Splits on delim (len >= 1 bytes, copied) instead of "\n"; no "\r" is
 * stripped then. Call before the first feed. */
void lp_linesplit_set_delimiter(lp_linesplit *ls, const char *delim, size_t len);
/* Lines are handed out as they came, invalid UTF-8 included: for a consumer
 * that repairs them itself when it needs to (the JSON codecs: text that
 * parses as JSON is valid UTF-8 already). */
void lp_linesplit_keep_bytes(lp_linesplit *ls);
/* Frees the buffers; accepts a finished splitter. */
void lp_linesplit_fini(lp_linesplit *ls);
/* Feeds a chunk; calls fn for each line completed by it, in order. */
void lp_linesplit_feed(lp_linesplit *ls, const char *data, size_t len, lp_line_fn fn, void *ctx);
/* Ends the stream: a pending unterminated line (non-empty) goes to fn. The
 * splitter is empty afterwards and may be fed again. */
void lp_linesplit_flush(lp_linesplit *ls, lp_line_fn fn, void *ctx);
/* True when a partial line is pending. */
bool lp_linesplit_pending(const lp_linesplit *ls);

/* The tag codecs put on an event made from a truncated line. */
#define LP_LINESPLIT_TAG_TOOLONG "_linetoolong"

/* Logs (rate-limited through rl, one warning per 10 s at most) that codec
 * `codec` cut a line of orig_len bytes to max_line bytes. Any thread. */
void lp_linesplit_warn_truncated(lp_ratelimit *rl, const char *codec, size_t orig_len,
				 size_t max_line);

#endif
