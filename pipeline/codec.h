/* codec: a configured codec instance as inputs and outputs use it. Created
 * from a plugin's "codec" option (a name or a block with its own options). */
#ifndef LP_PIPELINE_CODEC_H
#define LP_PIPELINE_CODEC_H

#include "pipeline/plugin.h"

typedef struct lp_codec {
	const lp_plugin_def *def;
	void *inst;
	char *name;
	lp_args *args; /* owned; the instance may borrow strings from it */
} lp_codec;

typedef struct lp_decoder {
	const lp_codec *codec;
	void *state;
} lp_decoder;

/* Creates the codec named by option (default from the plugin's table),
 * reporting errors through a. Returns NULL on error. */
lp_codec *lp_codec_from_args(lp_args *a, const char *option);
/* Creates a codec by name with default options (for built-in defaults). */
lp_codec *lp_codec_create(const char *name);
void lp_codec_destroy(lp_codec *c);

/* Decoders: one per stream; not thread-safe. */
lp_decoder *lp_decoder_create(const lp_codec *c);
void lp_decoder_destroy(lp_decoder *d);
void lp_decoder_decode(lp_decoder *d, const char *data, size_t len, lp_event_vec *out);
void lp_decoder_flush(lp_decoder *d, lp_event_vec *out);

/* Appends one encoded event to out. Thread-safe. */
void lp_codec_encode(const lp_codec *c, lp_event *ev, lp_buf *out);

#endif
