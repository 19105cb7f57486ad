/* stdout output: encodes each batch with its codec (default rubydebug) into a
 * per-worker buffer and writes it to fd 1 under a mutex, so batches from
 * different workers never interleave. An event is DELIVERED once all of its
 * bytes were written. A full non-blocking stdout is waited on (poll). A closed
 * stdout (EPIPE) or one not open for writing (EBADF, EINVAL) cannot recover:
 * the unwritten events are REJECTED with that reason, logged once. Other
 * write errors (ENOSPC, EIO...) make the unwritten events RETRY. SIGPIPE is
 * blocked around the write. */
#include "conf/schema.h"
#include "pipeline/codec.h"
#include "pipeline/log.h"
#include "pipeline/mem.h"
#include "pipeline/plugin.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A worker's encoding buffer larger than this is freed after its batch. */
#define KEEP_BUF_MAX (4u << 20)

typedef struct out_stdout {
	lp_codec *codec;
	char *id;
	int fd;
	pthread_mutex_t lock;
	atomic_bool fatal_logged;
	lp_ratelimit err_rl;
} out_stdout;

typedef struct stdout_ws {
	lp_buf buf;
	size_t *ends; /* ends[i]: offset in buf just past event i */
	size_t cap;
} stdout_ws;

static const lp_option_def options[] = {
	{ "codec", LP_OPT_CODEC, "\"rubydebug\"", 0, NULL, 0, 0, "How events are written." },
	LP_OPT_END,
};

static void *stdout_create(lp_args *a)
{
	lp_codec *c = lp_codec_from_args(a, "codec");
	if (!c)
		return NULL;
	out_stdout *o = lp_calloc(1, sizeof(*o));
	o->codec = c;
	o->id = lp_strdup(lp_args_id(a));
	o->fd = STDOUT_FILENO;
	pthread_mutex_init(&o->lock, NULL);
	atomic_init(&o->fatal_logged, false);
	return o;
}

static void stdout_destroy(void *inst)
{
	out_stdout *o = inst;
	if (!o)
		return;
	lp_codec_destroy(o->codec);
	lp_free(o->id);
	pthread_mutex_destroy(&o->lock);
	lp_free(o);
}

static void *stdout_worker_create(void *inst)
{
	stdout_ws *ws = lp_calloc(1, sizeof(*ws));
	lp_buf_init(&ws->buf);
	return ws;
}

static void stdout_worker_destroy(void *inst, void *wsp)
{
	stdout_ws *ws = wsp;
	if (!ws)
		return;
	lp_buf_fini(&ws->buf);
	lp_free(ws->ends);
	lp_free(ws);
}

/* Writes buf fully unless an error other than EINTR/EAGAIN occurs; returns
 * the bytes written and stores the error (0 or -errno) in *err. */
static size_t write_all(int fd, const char *p, size_t len, int *err)
{
	size_t done = 0;
	*err = 0;
	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };
			if (poll(&pfd, 1, 1000) < 0 && errno != EINTR) {
				*err = -errno;
				break;
			}
			continue;
		}
		*err = n < 0 ? -errno : -EIO;
		break;
	}
	return done;
}

static void stdout_send(void *inst, void *wsp, lp_event *const *evs, size_t n, lp_out_result *res)
{
	out_stdout *o = inst;
	stdout_ws *ws = wsp;
	lp_buf_reset(&ws->buf);
	LP_GROW(ws->ends, ws->cap, n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		lp_codec_encode(o->codec, evs[i], &ws->buf);
		ws->ends[i] = ws->buf.len;
	}

	sigset_t pipe_set, old;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	int err;
	pthread_mutex_lock(&o->lock);
	size_t done = write_all(o->fd, ws->buf.data, ws->buf.len, &err);
	pthread_mutex_unlock(&o->lock);
	if (err == -EPIPE) {
		/* consume the SIGPIPE this thread raised before unblocking */
		struct timespec zero = { 0, 0 };
		while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
			;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	/* a closed or unwritable stdout cannot recover: reject rather than retry forever */
	bool fatal = err == -EPIPE || err == -EBADF || err == -EINVAL;
	char reason[128] = "";
	if (err == -EPIPE)
		snprintf(reason, sizeof(reason), "standard output is closed (broken pipe)");
	else if (fatal)
		snprintf(reason, sizeof(reason), "standard output is not writable (%s)", strerror(-err));
	for (size_t i = 0; i < n; i++) {
		res[i].reason = NULL;
		if (ws->ends[i] <= done) {
			res[i].status = LP_OUT_DELIVERED;
		} else if (fatal) {
			res[i].status = LP_OUT_REJECTED;
			res[i].reason = lp_strdup(reason);
		} else {
			res[i].status = LP_OUT_RETRY;
		}
	}
	long long suppressed = 0;
	if (fatal) {
		if (!atomic_exchange(&o->fatal_logged, true))
			lp_error("output", "Output '%s' cannot write: %s; events sent to it are rejected "
				 "from now on.", o->id, reason);
	} else if (err && lp_ratelimit_ok(&o->err_rl, 10000, &suppressed)) {
		lp_warn("output", "Output '%s' could not write %zu bytes to standard output: %s; "
			"the events will be retried (%lld similar warnings suppressed).", o->id,
			ws->buf.len - done, strerror(-err), suppressed);
	}
	if (ws->buf.cap > KEEP_BUF_MAX) /* do not keep a rare huge batch's memory */
		lp_buf_fini(&ws->buf);
}

const lp_plugin_def lp_plugin_output_stdout = {
	.name = "stdout",
	.kind = LP_PLUGIN_OUTPUT,
	.doc = "Writes events to standard output with a codec (rubydebug by default).",
	.options = options,
	.create = stdout_create,
	.destroy = stdout_destroy,
	.worker_create = stdout_worker_create,
	.worker_destroy = stdout_worker_destroy,
	.send = stdout_send,
};
