/* generator input: produces events for tests and throughput measurements.
 * Each round decodes every line of `lines` (or `message` when no lines are
 * given) with the codec (default plain) and sets [event][sequence] to the
 * round number and [host][name] (Logstash's ECS field names); `count` rounds,
 * 0 = until stopped. `threads` runs that many generators in parallel, each
 * with its own sequence. Events are pushed in batches of 125, one ack group
 * per batch. */
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

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#define BATCH 125

typedef struct in_generator {
	lp_codec *codec;
	char **lines;
	size_t *lens;
	size_t n_lines;
	long long count;
	long threads;
	lp_fieldref *host_ref, *seq_ref;
	char *hostname;
	atomic_bool stopping;
} in_generator;

static const lp_option_def options[] = {
	{ "count", LP_OPT_NUMBER, "0", 0, NULL, 0, 0,
	  "How many rounds to generate (each round emits every line); 0 means until stopped." },
	{ "message", LP_OPT_STRING, "\"Hello world!\"", 0, NULL, 0, 0,
	  "The text to generate when `lines` is not set." },
	{ "lines", LP_OPT_ARRAY, NULL, 0, NULL, 0, 0,
	  "Texts emitted in order in every round (instead of `message`)." },
	{ "threads", LP_OPT_NUMBER, "1", 0, NULL, 1, 256,
	  "Number of generator threads, each producing `count` rounds." },
	{ "codec", LP_OPT_CODEC, "\"plain\"", 0, NULL, 0, 0, "How each line becomes events." },
	LP_OPT_END,
};

static void generator_destroy(void *inst);

static void *generator_create(lp_args *a)
{
	lp_codec *c = lp_codec_from_args(a, "codec");
	if (!c)
		return NULL;
	in_generator *g = lp_calloc(1, sizeof(*g));
	g->codec = c;
	g->count = lp_args_int(a, "count", 0);
	if (g->count < 0) {
		lp_args_error(a, "count", "count must be 0 (forever) or a positive number");
		generator_destroy(g);
		return NULL;
	}
	g->threads = (long)lp_args_int(a, "threads", 1);
	const lpj_t *lines = lp_args_get(a, "lines");
	size_t n = lines && lpj_is_array(lines) ? lpj_array_size(lines) : 0;
	if (n) {
		g->lines = lp_calloc(n, sizeof(*g->lines));
		g->lens = lp_calloc(n, sizeof(*g->lens));
		for (size_t i = 0; i < n; i++) {
			const char *s = lp_args_item_str(a, "lines", i);
			g->lines[i] = lp_strdup(s ? s : "");
			g->lens[i] = strlen(g->lines[i]);
		}
		g->n_lines = n;
	} else {
		const char *m = lp_args_str(a, "message");
		g->lines = lp_calloc(1, sizeof(*g->lines));
		g->lens = lp_calloc(1, sizeof(*g->lens));
		g->lines[0] = lp_strdup(m ? m : "Hello world!");
		g->lens[0] = strlen(g->lines[0]);
		g->n_lines = 1;
	}
	g->host_ref = lp_fieldref_compile("[host][name]", NULL, NULL);
	g->seq_ref = lp_fieldref_compile("[event][sequence]", NULL, NULL);
	char host[256] = "localhost";
	if (gethostname(host, sizeof(host)) != 0)
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = '\0';
	g->hostname = lp_strdup(host);
	atomic_init(&g->stopping, false);
	return g;
}

static void generator_destroy(void *inst)
{
	in_generator *g = inst;
	if (!g)
		return;
	lp_codec_destroy(g->codec);
	for (size_t i = 0; i < g->n_lines; i++)
		lp_free(g->lines[i]);
	lp_free(g->lines);
	lp_free(g->lens);
	lp_fieldref_destroy(g->host_ref);
	lp_fieldref_destroy(g->seq_ref);
	lp_free(g->hostname);
	lp_free(g);
}

typedef struct gen_thread {
	in_generator *g;
	lp_source *src;
	pthread_t tid;
} gen_thread;

/* Pushes vec as one ack group; empties vec. Returns the push result. */
static int push(lp_source *src, lp_event_vec *vec)
{
	if (vec->n == 0)
		return 0;
	lp_ack *ack = lp_ack_create(NULL, NULL);
	for (size_t i = 0; i < vec->n; i++)
		lp_event_set_ack(vec->v[i], ack);
	lp_ack_release(ack);
	int rc = lp_source_push(src, vec->v, vec->n);
	vec->n = 0;
	return rc;
}

static void decorate(in_generator *g, lp_event *ev, long long seq)
{
	lp_event_set(ev, g->host_ref, lpj_string_nocheck(g->hostname));
	lp_event_set(ev, g->seq_ref, lpj_integer(seq));
}

static int generate(in_generator *g, lp_source *src)
{
	lp_decoder *dec = lp_decoder_create(g->codec);
	lp_event_vec vec = { 0 };
	LP_GROW(vec.v, vec.cap, BATCH + 16);
	int rc = 0;
	for (long long seq = 0; g->count == 0 || seq < g->count; seq++) {
		if (atomic_load_explicit(&g->stopping, memory_order_relaxed))
			break;
		for (size_t i = 0; i < g->n_lines; i++) {
			size_t before = vec.n;
			lp_decoder_decode(dec, g->lines[i], g->lens[i], &vec);
			for (size_t k = before; k < vec.n; k++)
				decorate(g, vec.v[k], seq);
		}
		if (vec.n >= BATCH) {
			if (push(src, &vec) == LP_ECLOSED || lp_source_stopping(src))
				goto done;
		}
	}
	{
		size_t before = vec.n;
		lp_decoder_flush(dec, &vec);
		for (size_t k = before; k < vec.n; k++)
			decorate(g, vec.v[k], g->count);
	}
	push(src, &vec);
done:
	lp_event_vec_fini(&vec);
	lp_decoder_destroy(dec);
	return rc;
}

static void *gen_thread_main(void *arg)
{
	gen_thread *t = arg;
	generate(t->g, t->src);
	return NULL;
}

static int generator_run(void *inst, lp_source *src)
{
	in_generator *g = inst;
	size_t extra = g->threads > 1 ? (size_t)g->threads - 1 : 0;
	gen_thread *ts = extra ? lp_calloc(extra, sizeof(*ts)) : NULL;
	size_t started = 0;
	for (size_t i = 0; i < extra; i++) {
		ts[i].g = g;
		ts[i].src = src;
		if (pthread_create(&ts[i].tid, NULL, gen_thread_main, &ts[i]) != 0) {
			lp_warn("input", "Input '%s' could start only %zu of %ld generator threads.",
				lp_source_id(src), started + 1, g->threads);
			break;
		}
		started++;
	}
	int rc = generate(g, src);
	for (size_t i = 0; i < started; i++)
		pthread_join(ts[i].tid, NULL);
	lp_free(ts);
	return rc;
}

static void generator_stop(void *inst)
{
	in_generator *g = inst;
	atomic_store(&g->stopping, true);
}

const lp_plugin_def lp_plugin_input_generator = {
	.name = "generator",
	.kind = LP_PLUGIN_INPUT,
	.doc = "Generates events (for tests and benchmarks).",
	.options = options,
	.create = generator_create,
	.destroy = generator_destroy,
	.run = generator_run,
	.stop = generator_stop,
};
