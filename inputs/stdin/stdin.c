/* stdin input: reads standard input in chunks, decodes them with its codec
 * (default line) and pushes each read's events as one ack group (nothing to
 * acknowledge upstream). Like Logstash 8 in its default ECS mode, each event
 * gets [host][hostname] when the codec did not set one; [event][original] is
 * not added. End of input flushes the decoder (a last unterminated line
 * becomes an event) and ends the input. stop() wakes a blocked read through
 * a self-pipe. */
#include "conf/schema.h"
#include "pipeline/ack.h"
#include "pipeline/codec.h"
#include "pipeline/error.h"
#include "pipeline/event.h"
#include "pipeline/fieldref.h"
#include "pipeline/log.h"
#include "pipeline/mem.h"
#include "pipeline/plugin.h"
#include "pipeline/source.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#define READ_SIZE (64 * 1024)

typedef struct in_stdin {
	lp_codec *codec;
	lp_fieldref *host_ref;
	char *hostname;
	int fd;
	int wake[2]; /* self-pipe: stop() writes a byte to wake[1] */
	atomic_bool stopping;
} in_stdin;

static const lp_option_def options[] = {
	{ "codec", LP_OPT_CODEC, "\"line\"", 0, NULL, 0, 0, "How the input bytes become events." },
	LP_OPT_END,
};

static void *stdin_create(lp_args *a)
{
	lp_codec *c = lp_codec_from_args(a, "codec");
	if (!c)
		return NULL;
	in_stdin *s = lp_calloc(1, sizeof(*s));
	s->codec = c;
	s->fd = STDIN_FILENO;
	s->host_ref = lp_fieldref_compile("[host][hostname]", NULL, NULL);
	char host[256] = "localhost";
	if (gethostname(host, sizeof(host)) != 0)
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = '\0';
	s->hostname = lp_strdup(host);
	s->wake[0] = s->wake[1] = -1;
	if (pipe2(s->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
		lp_args_error(a, "codec", "cannot create the stdin input's wake-up pipe: %s",
			      strerror(errno));
		lp_codec_destroy(c);
		lp_fieldref_destroy(s->host_ref);
		lp_free(s->hostname);
		lp_free(s);
		return NULL;
	}
	atomic_init(&s->stopping, false);
	return s;
}

static void stdin_destroy(void *inst)
{
	in_stdin *s = inst;
	if (!s)
		return;
	lp_codec_destroy(s->codec);
	lp_fieldref_destroy(s->host_ref);
	lp_free(s->hostname);
	if (s->wake[0] >= 0)
		close(s->wake[0]);
	if (s->wake[1] >= 0)
		close(s->wake[1]);
	lp_free(s);
}

/* Adds the host name, attaches one ack group and pushes; empties vec.
 * Returns lp_source_push's result. */
static int push(in_stdin *s, lp_source *src, lp_event_vec *vec)
{
	if (vec->n == 0)
		return 0;
	lp_ack *ack = lp_ack_create(NULL, NULL);
	for (size_t i = 0; i < vec->n; i++) {
		lp_event *ev = vec->v[i];
		if (!lp_event_get(ev, s->host_ref))
			lp_event_set(ev, s->host_ref, lpj_string(s->hostname));
		lp_event_set_ack(ev, ack);
	}
	lp_ack_release(ack);
	int rc = lp_source_push(src, vec->v, vec->n);
	vec->n = 0; /* the events moved to the engine */
	return rc;
}

static int stdin_run(void *inst, lp_source *src)
{
	in_stdin *s = inst;
	lp_decoder *dec = lp_decoder_create(s->codec);
	lp_event_vec vec = { 0 };
	char *buf = lp_malloc(READ_SIZE);
	int rc = 0;
	for (;;) {
		if (atomic_load(&s->stopping) || lp_source_stopping(src))
			break;
		struct pollfd pfd[2] = { { .fd = s->fd, .events = POLLIN }, { .fd = s->wake[0], .events = POLLIN } };
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			lp_error("input", "Input '%s' cannot wait on standard input: %s.", lp_source_id(src),
				 strerror(errno));
			break;
		}
		if (pfd[1].revents)
			break;
		if (!pfd[0].revents)
			continue;
		ssize_t n = read(s->fd, buf, READ_SIZE);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
				continue;
			rc = -errno;
			lp_error("input", "Input '%s' cannot read standard input: %s.", lp_source_id(src),
				 strerror(errno));
			break;
		}
		if (n == 0)
			break;
		lp_decoder_decode(dec, buf, (size_t)n, &vec);
		if (push(s, src, &vec) == LP_ECLOSED)
			goto done;
	}
	lp_decoder_flush(dec, &vec);
	push(s, src, &vec);
done:
	lp_event_vec_fini(&vec);
	lp_free(buf);
	lp_decoder_destroy(dec);
	return rc;
}

static void stdin_stop(void *inst)
{
	in_stdin *s = inst;
	atomic_store(&s->stopping, true);
	ssize_t w;
	do
		w = write(s->wake[1], "x", 1);
	while (w < 0 && errno == EINTR);
}

const lp_plugin_def lp_plugin_input_stdin = {
	.name = "stdin",
	.kind = LP_PLUGIN_INPUT,
	.doc = "Reads events from standard input (one per line by default).",
	.options = options,
	.create = stdin_create,
	.destroy = stdin_destroy,
	.run = stdin_run,
	.stop = stdin_stop,
};
