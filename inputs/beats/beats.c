/* beats input: receives events from Filebeat and the other Beats (and from
 * logstash-forwarder) over the Lumberjack protocol, plain or TLS, with the
 * options of Logstash's beats input. One epoll thread (the input's own)
 * serves every connection. A window's ACK goes out only when every event of
 * the window is safe (delivered by its outputs or dropped on purpose); while
 * it waits, keep-alive "ACK 0" frames keep the client from timing out. When
 * the queue is full the input stops reading (TCP flow control slows the
 * clients down) while keep-alives continue. See beats.h for the connection
 * state machine. */
#include "inputs/beats/beats.h"

#include "conf/schema.h"
#include "pipeline/codec.h"
#include "pipeline/error.h"
#include "pipeline/log.h"
#include "pipeline/mem.h"
#include "pipeline/source.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#define TICK_MS 250
#define KEEPALIVE_MS 3000
#define SHUTDOWN_ACK_WAIT_MS 10000

static const char *const verify_mode_choices[] = { "none", "peer", "force_peer", NULL };

static const lp_option_def options[] = {
	{ "port", LP_OPT_NUMBER, NULL, LP_OPT_REQUIRED, NULL, 0, 65535, "The port to listen on." },
	{ "host", LP_OPT_STRING, "\"0.0.0.0\"", 0, NULL, 0, 0, "The address to listen on." },
	{ "client_inactivity_timeout", LP_OPT_NUMBER, "60", 0, NULL, 0, 1e9,
	  "Seconds after which an idle client (nothing sent, nothing to acknowledge) is disconnected." },
	LP_NET_TLS_OPTIONS("\"none\""),
	{ "enrich", LP_OPT_ARRAY, "[\"codec_metadata\", \"source_metadata\"]", 0, NULL, 0, 0,
	  "What to add to events: none, all, source_metadata, codec_metadata, ssl_peer_metadata." },
	{ "include_codec_tag", LP_OPT_BOOL, "true", LP_OPT_DEPRECATED, NULL, 0, 0,
	  "Deprecated: use enrich (codec_metadata). False removes the codec tag." },
	{ "codec", LP_OPT_CODEC, "\"plain\"", 0, NULL, 0, 0,
	  "The codec named in the codec tag (messages pass through unchanged)." },
	{ "ssl", LP_OPT_BOOL, NULL, LP_OPT_DEPRECATED, NULL, 0, 0, "Deprecated: use ssl_enabled." },
	{ "ssl_verify_mode", LP_OPT_STRING, NULL, LP_OPT_DEPRECATED, verify_mode_choices, 0, 0,
	  "Deprecated: use ssl_client_authentication." },
	{ "ssl_peer_metadata", LP_OPT_BOOL, NULL, LP_OPT_DEPRECATED, NULL, 0, 0,
	  "Deprecated: use enrich => ssl_peer_metadata." },
	{ "cipher_suites", LP_OPT_ARRAY, NULL, LP_OPT_DEPRECATED, NULL, 0, 0,
	  "Deprecated: use ssl_cipher_suites." },
	{ "tls_min_version", LP_OPT_NUMBER, NULL, LP_OPT_DEPRECATED, NULL, 1, 1.3,
	  "Deprecated: use ssl_supported_protocols." },
	{ "tls_max_version", LP_OPT_NUMBER, NULL, LP_OPT_DEPRECATED, NULL, 1, 1.3,
	  "Deprecated: use ssl_supported_protocols." },
	{ "add_hostname", LP_OPT_BOOL, "false", LP_OPT_DEPRECATED, NULL, 0, 0,
	  "Deprecated and ignored (Beats set [host] themselves)." },
	{ "executor_threads", LP_OPT_NUMBER, NULL, 0, NULL, 0, 0,
	  "Accepted for compatibility; one event-loop thread serves every connection." },
	{ "event_loop_threads", LP_OPT_NUMBER, NULL, 0, NULL, 0, 0,
	  "Accepted for compatibility; one event-loop thread serves every connection." },
	LP_OPT_END,
};

static void beats_destroy(void *inst);

static lp_fieldref *ref(const char *text)
{
	return lp_fieldref_compile(text, NULL, NULL);
}

/* Reads enrich; returns false after reporting an error. */
static bool read_enrich(beats_server *srv, lp_args *a)
{
	srv->enrich_source = srv->enrich_ssl = false;
	bool codec = false;
	const lpj_t *v = lp_args_get(a, "enrich");
	size_t n = lpj_is_array(v) ? lpj_array_size(v) : 0;
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		const char *s = lp_args_item_str(a, "enrich", i);
		if (!s) {
			lp_args_error_item(a, "enrich", i, "'enrich' takes names");
			ok = false;
		} else if (strcmp(s, "all") == 0) {
			srv->enrich_source = srv->enrich_ssl = codec = true;
		} else if (strcmp(s, "none") == 0) {
			if (n > 1) {
				lp_args_error_item(a, "enrich", i,
						   "'none' cannot be combined with other 'enrich' values");
				ok = false;
			}
		} else if (strcmp(s, "source_metadata") == 0) {
			srv->enrich_source = true;
		} else if (strcmp(s, "codec_metadata") == 0) {
			codec = true;
		} else if (strcmp(s, "ssl_peer_metadata") == 0) {
			srv->enrich_ssl = true;
		} else {
			lp_args_error_item(a, "enrich", i,
					   "unknown 'enrich' value '%s' (expected none, all, source_metadata, codec_metadata or ssl_peer_metadata)",
					   s);
			ok = false;
		}
	}
	if (lp_args_isset(a, "ssl_peer_metadata") && lp_args_bool(a, "ssl_peer_metadata", false))
		srv->enrich_ssl = true;
	srv->codec_tag = codec && lp_args_bool(a, "include_codec_tag", true);
	return ok;
}

/* The deprecated cipher_suites and tls_min_version/tls_max_version, when
 * their replacements are not set. Returns false after reporting an error. */
static bool read_deprecated_tls(beats_server *srv, lp_args *a)
{
	static const char *const versions[] = { "TLSv1.1", "TLSv1.2", "TLSv1.3" };
	if (lp_args_isset(a, "cipher_suites") && !srv->tls.n_ciphers) {
		const lpj_t *v = lp_args_get(a, "cipher_suites");
		size_t n = lpj_is_array(v) ? lpj_array_size(v) : 0;
		const char **list = lp_calloc(n ? n : 1, sizeof(char *));
		for (size_t i = 0; i < n; i++)
			list[i] = lp_args_item_str(a, "cipher_suites", i);
		lp_free((void *)srv->tls.ciphers);
		srv->tls.ciphers = list;
		srv->tls.n_ciphers = n;
	}
	if ((lp_args_isset(a, "tls_min_version") || lp_args_isset(a, "tls_max_version")) &&
	    !srv->tls.n_protocols) {
		double lo = lp_args_num(a, "tls_min_version", 1.2);
		double hi = lp_args_num(a, "tls_max_version", 1.3);
		const char **list = lp_calloc(3, sizeof(char *));
		size_t n = 0;
		for (int i = 0; i < 3; i++) {
			double v = 1.1 + 0.1 * i;
			if (v >= lo - 0.01 && v <= hi + 0.01)
				list[n++] = versions[i];
		}
		if (!n) {
			lp_args_error(a, "tls_min_version",
				      "tls_min_version is above tls_max_version: no TLS version is left");
			lp_free(list);
			return false;
		}
		lp_free((void *)srv->tls.protocols);
		srv->tls.protocols = list;
		srv->tls.n_protocols = n;
	}
	return true;
}

static void *beats_create(lp_args *a)
{
	beats_server *srv = lp_calloc(1, sizeof(*srv));
	srv->lfd = -1;
	srv->id = lp_strdup(lp_args_id(a));
	const char *host = lp_args_str(a, "host");
	srv->host = lp_strdup(host ? host : "0.0.0.0");
	srv->port = (int)lp_args_int(a, "port", 5044);
	srv->inactivity_ms = lp_args_int(a, "client_inactivity_timeout", 60) * 1000;
	srv->keepalive_ms = KEEPALIVE_MS;
	lp_beats_limits lim = LP_BEATS_LIMITS_DEFAULT;
	srv->lim = lim;
	pthread_mutex_init(&srv->done_mu, NULL);
	atomic_init(&srv->stopping, false);

	bool ok = read_enrich(srv, a);
	if (lp_net_tls_opts_from_args(a, &srv->tls) != 0)
		ok = false;
	/* deprecated spellings */
	if (lp_args_isset(a, "ssl") && !lp_args_isset(a, "ssl_enabled"))
		srv->tls.enabled = lp_args_bool(a, "ssl", false);
	const char *vm = lp_args_str(a, "ssl_verify_mode");
	if (vm && !lp_args_isset(a, "ssl_client_authentication"))
		srv->tls.client_auth = strcmp(vm, "force_peer") == 0 ? LP_TLS_CLIENT_REQUIRED :
				       strcmp(vm, "peer") == 0       ? LP_TLS_CLIENT_OPTIONAL :
								       LP_TLS_CLIENT_NONE;
	if (!read_deprecated_tls(srv, a))
		ok = false;
	if (ok && srv->tls.enabled) {
		char err[400];
		srv->ssl = lp_net_tls_server(&srv->tls, err, sizeof(err));
		if (!srv->ssl) {
			lp_args_error(a, "ssl_certificate", "%s", err);
			ok = false;
		}
	}
	lp_codec *codec = lp_codec_from_args(a, "codec");
	if (!codec)
		ok = false;
	srv->tag_applied = lp_asprintf("beats_input_codec_%s_applied", codec ? codec->name : "plain");
	if (codec && strcmp(codec->name, "plain") != 0)
		lp_warn("beats",
			"Input '%s': codec '%s' is not applied to Beats messages; they pass through unchanged (decode them with a filter, e.g. json { source => \"message\" }).",
			srv->id, codec->name);
	lp_codec_destroy(codec);

	srv->ref_host_name = ref("[@metadata][input][beats][host][name]");
	srv->ref_host_ip = ref("[@metadata][input][beats][host][ip]");
	srv->ref_tls_status = ref("[@metadata][tls_peer][status]");
	srv->ref_tls_proto = ref("[@metadata][input][beats][tls][version_protocol]");
	srv->ref_tls_cipher = ref("[@metadata][input][beats][tls][cipher]");
	srv->ref_tls_subject = ref("[@metadata][input][beats][tls][client][subject]");
	srv->ref_message = ref("[message]");

	srv->loop = lp_loop_create();
	if (!srv->loop) {
		lp_args_error(a, "port", "the event loop could not be created: %s", strerror(errno));
		ok = false;
	}
	if (!ok) {
		beats_destroy(srv);
		return NULL;
	}
	return srv;
}

static void beats_destroy(void *inst)
{
	beats_server *srv = inst;
	if (!srv)
		return;
	/* windows whose callbacks came after the loop ended */
	beats_conn_drain_done(srv);
	while (srv->conns)
		beats_conn_close(srv->conns, NULL);
	beats_conn_drain_done(srv);
	if (srv->lfd >= 0)
		close(srv->lfd);
	lp_loop_destroy(srv->loop);
	lp_net_tls_free(srv->ssl);
	lp_net_tls_opts_fini(&srv->tls);
	lp_fieldref *refs[] = { srv->ref_host_name, srv->ref_host_ip, srv->ref_tls_status,
				srv->ref_tls_proto, srv->ref_tls_cipher, srv->ref_tls_subject,
				srv->ref_message };
	for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
		lp_fieldref_destroy(refs[i]);
	pthread_mutex_destroy(&srv->done_mu);
	lp_free(srv->tag_applied);
	lp_free(srv->host);
	lp_free(srv->id);
	lp_free(srv->rbuf);
	lp_free(srv);
}

static void on_listen(void *ctx, uint32_t events)
{
	(void)events;
	beats_conn_accept_all(ctx);
}

/* Lets the process hold as many sockets as its hard limit allows. */
static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void serve_once(beats_server *srv, int timeout_ms, int64_t *next_tick)
{
	lp_loop_run_once(srv->loop, timeout_ms);
	lp_loop_woken(srv->loop);
	beats_conn_process_done(srv);
	beats_conn_retry_paused(srv);
	int64_t now = lp_net_now_ms();
	if (now >= *next_tick) {
		beats_conn_tick(srv, now);
		*next_tick = now + TICK_MS;
	}
}

static int beats_run(void *inst, lp_source *src)
{
	beats_server *srv = inst;
	srv->src = src;
	if (!srv->rbuf)
		srv->rbuf = lp_malloc(BEATS_READ_CHUNK);
	raise_fd_limit();
	int fd = lp_net_listen(srv->host, srv->port, 1024);
	if (fd < 0) {
		lp_error("beats", "Input '%s' cannot listen on %s:%d: %s.", srv->id, srv->host,
			 srv->port, lp_strerror(fd));
		return fd;
	}
	srv->lfd = fd;
	lp_loop_add(srv->loop, &srv->lwatch, fd, EPOLLIN, on_listen, srv);
	srv->pause.loop = srv->loop;
	srv->pause.lwatch = &srv->lwatch;
	lp_info("beats", "Input '%s' listens for Beats connections on %s:%d%s.", srv->id, srv->host,
		srv->port, srv->ssl ? " (TLS)" : "");

	int64_t next_tick = lp_net_now_ms() + TICK_MS;
	while (!atomic_load(&srv->stopping) && !lp_source_stopping(src)) {
		int64_t now = lp_net_now_ms();
		int timeout = srv->n_paused ? 10 : (int)(next_tick > now ? next_tick - now : 0);
		serve_once(srv, timeout, &next_tick);
	}

	/* shutdown: no new connections, no more reading; what was taken still
	 * gets its ACK when it is delivered in time */
	lp_loop_del(srv->loop, &srv->lwatch);
	close(srv->lfd);
	srv->lfd = -1;
	beats_conn_stop_reading_all(srv);
	int64_t deadline = lp_net_now_ms() + SHUTDOWN_ACK_WAIT_MS;
	size_t waiting;
	while ((waiting = beats_conn_waiting_windows(srv)) > 0 && lp_net_now_ms() < deadline)
		serve_once(srv, 50, &next_tick);
	if (waiting)
		lp_warn("beats",
			"Input '%s' stops with %zu windows not yet acknowledged; their clients will send them again.",
			srv->id, waiting);
	while (srv->conns)
		beats_conn_close(srv->conns, NULL);
	beats_conn_process_done(srv);
	return 0;
}

static void beats_stop(void *inst)
{
	beats_server *srv = inst;
	atomic_store(&srv->stopping, true);
	lp_loop_wake(srv->loop);
}

const lp_plugin_def lp_plugin_input_beats = {
	.name = "beats",
	.kind = LP_PLUGIN_INPUT,
	.doc = "Receives events from Filebeat and other Beats (Lumberjack protocol), acknowledging them once they are safe.",
	.options = options,
	.create = beats_create,
	.destroy = beats_destroy,
	.run = beats_run,
	.stop = beats_stop,
};
