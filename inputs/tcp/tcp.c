/* tcp input (server mode): accepts TCP or TLS connections and decodes each
 * stream with its codec (line by default; json_lines for one JSON document
 * per line; the codec's max_line_size bounds a line). One epoll thread (the
 * input's own) serves every connection. Events carry the peer under
 * [@metadata][input][tcp][source][name|ip|port] (Logstash 8 ECS layout; the
 * name is the address, no reverse lookup) and, over TLS with a client
 * certificate, its subject under [@metadata][input][tcp][tls][client][subject].
 *
 * TCP has no acknowledgements: once bytes are read they are the input's
 * responsibility, and a crash loses events read but not yet delivered. When
 * the queue is full the input stops reading (TCP flow control slows the
 * senders down).
 *
 *   accept --TLS--> HANDSHAKE --> OPEN <--> PAUSED (queue full, EPOLLIN off)
 *   OPEN --EOF--> flush the codec, push what is left --> CLOSED
 *   any --error, stop--> CLOSED */
#include "conf/schema.h"
#include "pipeline/dlist.h"
#include "pipeline/codec.h"
#include "pipeline/error.h"
#include "pipeline/event.h"
#include "pipeline/fieldref.h"
#include "pipeline/log.h"
#include "pipeline/mem.h"
#include "pipeline/net.h"
#include "pipeline/plugin.h"
#include "pipeline/source.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define READ_CHUNK (64 * 1024)
#define TICK_MS 250
#define READS_PER_WAKE 8
/* closing logs: at most 20 a second, so a flood of bad clients cannot flood the log */
#define CLOSE_LOGS_PER_SEC 20

typedef struct tcp_conn tcp_conn;

typedef struct tcp_server {
	char *id;
	char *host;
	int port;
	bool keepalive;
	lp_codec *codec;
	lp_tls_opts tls;
	SSL_CTX *ssl;
	lp_fieldref *ref_name, *ref_ip, *ref_port, *ref_subject;
	lp_fieldref *ref_input; /* their common [@metadata][input] */

	lp_loop *loop;
	int lfd;
	lp_loop_watch lwatch;
	lp_accept_pause pause;    /* of accepting, when out of descriptors */
	lp_source *src;
	atomic_bool stopping;
	tcp_conn *conns, *conns_tail;
	size_t n_conns, n_paused;
	char *rbuf;
	lp_net_burst close_log;   /* connection closing lines */
} tcp_server;

typedef enum { TCP_HANDSHAKE, TCP_OPEN, TCP_CLOSED } tcp_state;

struct tcp_conn {
	tcp_server *srv;
	tcp_conn *prev, *next;
	tcp_state state;
	bool paused, eof;
	lp_stream s;
	lp_loop_watch watch;
	lp_decoder *dec;
	lp_event_vec pending;
	int64_t accepted_ms;
	char subject[512];
};

static const char *const mode_choices[] = { "server", "client", NULL };

static const lp_option_def options[] = {
	{ "port", LP_OPT_NUMBER, NULL, LP_OPT_REQUIRED, NULL, 0, 65535, "The port to listen on." },
	{ "host", LP_OPT_STRING, "\"0.0.0.0\"", 0, NULL, 0, 0, "The address to listen on." },
	{ "mode", LP_OPT_STRING, "\"server\"", 0, mode_choices, 0, 0,
	  "Only server is supported: logpipe listens." },
	{ "codec", LP_OPT_CODEC, "\"line\"", 0, NULL, 0, 0,
	  "How the byte stream becomes events (line, json_lines...); its max_line_size bounds a line." },
	{ "tcp_keep_alive", LP_OPT_BOOL, "false", 0, NULL, 0, 0,
	  "Enable TCP keep-alive probes on accepted sockets." },
	{ "dns_reverse_lookup_enabled", LP_OPT_BOOL, "true", 0, NULL, 0, 0,
	  "Accepted for compatibility; the source name is always the address." },
	{ "proxy_protocol", LP_OPT_BOOL, "false", 0, NULL, 0, 0, "Not supported (must be false)." },
	LP_NET_TLS_OPTIONS("\"required\""),
	{ "ssl_enable", LP_OPT_BOOL, NULL, LP_OPT_DEPRECATED, NULL, 0, 0, "Deprecated: use ssl_enabled." },
	{ "ssl_cert", LP_OPT_PATH, NULL, LP_OPT_DEPRECATED, NULL, 0, 0,
	  "Deprecated: use ssl_certificate." },
	{ "ssl_verify", LP_OPT_BOOL, NULL, LP_OPT_DEPRECATED, NULL, 0, 0,
	  "Deprecated: use ssl_client_authentication." },
	LP_OPT_END,
};

static void tcp_destroy(void *inst);

static void *tcp_create(lp_args *a)
{
	tcp_server *srv = lp_calloc(1, sizeof(*srv));
	srv->lfd = -1;
	srv->id = lp_strdup(lp_args_id(a));
	const char *host = lp_args_str(a, "host");
	srv->host = lp_strdup(host ? host : "0.0.0.0");
	srv->port = (int)lp_args_int(a, "port", 0);
	srv->keepalive = lp_args_bool(a, "tcp_keep_alive", false);
	atomic_init(&srv->stopping, false);
	bool ok = true;
	const char *mode = lp_args_str(a, "mode");
	if (mode && strcmp(mode, "server") != 0) {
		lp_args_error(a, "mode", "mode '%s' is not supported: the tcp input only listens (mode => server)",
			      mode);
		ok = false;
	}
	if (lp_args_bool(a, "proxy_protocol", false)) {
		lp_args_error(a, "proxy_protocol", "the PROXY protocol is not supported");
		ok = false;
	}
	srv->codec = lp_codec_from_args(a, "codec");
	if (!srv->codec)
		ok = false;
	if (lp_net_tls_opts_from_args(a, &srv->tls) != 0)
		ok = false;
	if (lp_args_isset(a, "ssl_enable") && !lp_args_isset(a, "ssl_enabled"))
		srv->tls.enabled = lp_args_bool(a, "ssl_enable", false);
	if (lp_args_isset(a, "ssl_cert") && !srv->tls.certificate)
		srv->tls.certificate = lp_args_str(a, "ssl_cert");
	if (lp_args_isset(a, "ssl_verify") && !lp_args_isset(a, "ssl_client_authentication"))
		srv->tls.client_auth = lp_args_bool(a, "ssl_verify", true) ? LP_TLS_CLIENT_REQUIRED :
									       LP_TLS_CLIENT_NONE;
	if (ok && srv->tls.enabled) {
		char err[400];
		srv->ssl = lp_net_tls_server(&srv->tls, err, sizeof(err));
		if (!srv->ssl) {
			lp_args_error(a, "ssl_certificate", "%s", err);
			ok = false;
		}
	}
	srv->ref_name = lp_fieldref_compile("[@metadata][input][tcp][source][name]", NULL, NULL);
	srv->ref_ip = lp_fieldref_compile("[@metadata][input][tcp][source][ip]", NULL, NULL);
	srv->ref_port = lp_fieldref_compile("[@metadata][input][tcp][source][port]", NULL, NULL);
	srv->ref_subject = lp_fieldref_compile("[@metadata][input][tcp][tls][client][subject]", NULL, NULL);
	srv->ref_input = lp_fieldref_compile("[@metadata][input]", NULL, NULL);
	srv->loop = lp_loop_create();
	if (!srv->loop) {
		lp_args_error(a, "port", "the event loop could not be created: %s", strerror(errno));
		ok = false;
	}
	if (!ok) {
		tcp_destroy(srv);
		return NULL;
	}
	return srv;
}

static void conn_close(tcp_conn *c, const char *reason);

static void tcp_destroy(void *inst)
{
	tcp_server *srv = inst;
	if (!srv)
		return;
	while (srv->conns)
		conn_close(srv->conns, NULL);
	if (srv->lfd >= 0)
		close(srv->lfd);
	lp_loop_destroy(srv->loop);
	lp_net_tls_free(srv->ssl);
	lp_net_tls_opts_fini(&srv->tls);
	lp_codec_destroy(srv->codec);
	lp_fieldref_destroy(srv->ref_name);
	lp_fieldref_destroy(srv->ref_ip);
	lp_fieldref_destroy(srv->ref_port);
	lp_fieldref_destroy(srv->ref_subject);
	lp_fieldref_destroy(srv->ref_input);
	lp_free(srv->rbuf);
	lp_free(srv->host);
	lp_free(srv->id);
	lp_free(srv);
}

/* ---- connections ---- */

static void list_unlink(tcp_server *srv, tcp_conn *c)
{
	LP_DLIST_UNLINK(srv->conns, srv->conns_tail, c);
}

static void list_append(tcp_server *srv, tcp_conn *c)
{
	LP_DLIST_APPEND(srv->conns, srv->conns_tail, c);
}

static void set_paused(tcp_conn *c, bool paused)
{
	if (c->paused == paused)
		return;
	c->paused = paused;
	if (paused)
		c->srv->n_paused++;
	else
		c->srv->n_paused--;
}

static void conn_update_events(tcp_conn *c)
{
	if (c->state == TCP_CLOSED)
		return;
	uint32_t ev;
	if (c->state == TCP_HANDSHAKE || c->s.want_write)
		ev = c->s.want_write ? EPOLLOUT : EPOLLIN;
	else
		ev = c->paused || c->eof ? 0 : EPOLLIN;
	lp_loop_mod(c->srv->loop, &c->watch, ev);
}

static void conn_close(tcp_conn *c, const char *reason)
{
	if (c->state == TCP_CLOSED)
		return;
	tcp_server *srv = c->srv;
	if (reason) {
		long long supp = 0;
		if (lp_net_burst_ok(&srv->close_log, CLOSE_LOGS_PER_SEC, &supp)) {
			if (supp)
				lp_warn("tcp", "Input '%s' closed %lld more connections for errors without logging each.",
					srv->id, supp);
			lp_warn("tcp", "Input '%s' closed the connection from %s:%d: %s.", srv->id,
				c->s.peer_ip, c->s.peer_port, reason);
		}
		lp_source_count_error(srv->src, 1);
	}
	if (c->pending.n)
		lp_warn("tcp", "Input '%s' drops %zu events read from %s:%d that the queue did not take before the input stopped.",
			srv->id, c->pending.n, c->s.peer_ip, c->s.peer_port);
	set_paused(c, false);
	lp_loop_del(srv->loop, &c->watch);
	lp_stream_close(&c->s);
	c->state = TCP_CLOSED;
	list_unlink(srv, c);
	srv->n_conns--;
	lp_event_vec_fini(&c->pending);
	lp_decoder_destroy(c->dec);
	lp_free(c);
}

/* Adds the source metadata to the events decoded since index from. */
static void enrich(tcp_conn *c, size_t from)
{
	tcp_server *srv = c->srv;
	for (size_t i = from; i < c->pending.n; i++) {
		lp_event *ev = c->pending.v[i];
		lp_arena *prev = lp_event_enter(ev);
		if (!lp_event_get(ev, srv->ref_input)) {
			/* the usual case: nothing there yet, built in one go */
			lpj_t *source = lpj_object();
			lpj_object_set_new_nocheck(source, "name", lpj_string(c->s.peer_ip));
			lpj_object_set_new_nocheck(source, "ip", lpj_string(c->s.peer_ip));
			lpj_object_set_new_nocheck(source, "port", lpj_integer(c->s.peer_port));
			lpj_t *tcp = lpj_object();
			lpj_object_set_new_nocheck(tcp, "source", source);
			if (c->subject[0])
				lpj_object_set_new_nocheck(
					tcp, "tls",
					lpj_pack("{s:{s:s}}", "client", "subject", c->subject));
			lpj_t *input = lpj_object();
			lpj_object_set_new_nocheck(input, "tcp", tcp);
			lp_event_set(ev, srv->ref_input, input);
			lp_event_leave(prev);
			continue;
		}
		/* as Logstash: what the codec already set stays */
		if (!lp_event_get(ev, srv->ref_name))
			lp_event_set(ev, srv->ref_name, lpj_string(c->s.peer_ip));
		if (!lp_event_get(ev, srv->ref_ip))
			lp_event_set(ev, srv->ref_ip, lpj_string(c->s.peer_ip));
		if (!lp_event_get(ev, srv->ref_port))
			lp_event_set(ev, srv->ref_port, lpj_integer(c->s.peer_port));
		if (c->subject[0] && !lp_event_get(ev, srv->ref_subject))
			lp_event_set(ev, srv->ref_subject, lpj_string(c->subject));
		lp_event_leave(prev);
	}
}

/* Pushes pending events; returns false when the connection was closed. */
static bool conn_push(tcp_conn *c)
{
	if (c->pending.n) {
		int rc = lp_source_try_push(c->srv->src, c->pending.v, c->pending.n);
		if (rc == -EAGAIN) {
			if (!c->paused) {
				set_paused(c, true);
				conn_update_events(c);
			}
			return true;
		}
		c->pending.n = 0;
		if (rc < 0) {
			conn_close(c, NULL);
			return false;
		}
	}
	if (c->paused) {
		set_paused(c, false);
		conn_update_events(c);
	}
	if (c->eof) {
		conn_close(c, NULL);
		return false;
	}
	return true;
}

static void conn_read(tcp_conn *c)
{
	tcp_server *srv = c->srv;
	for (int i = 0; i < READS_PER_WAKE || lp_stream_pending(&c->s); i++) {
		if (c->state != TCP_OPEN || c->paused || c->eof)
			return;
		ssize_t n = lp_stream_read(&c->s, srv->rbuf, READ_CHUNK);
		if (n == -EAGAIN) {
			conn_update_events(c);
			return;
		}
		if (n < 0) {
			conn_close(c, c->s.err[0] ? c->s.err : "reading failed");
			return;
		}
		size_t from = c->pending.n;
		if (n == 0) {
			c->eof = true;
			lp_decoder_flush(c->dec, &c->pending);
			enrich(c, from);
			conn_update_events(c);
			conn_push(c);
			return;
		}
		lp_decoder_decode(c->dec, srv->rbuf, (size_t)n, &c->pending);
		enrich(c, from);
		if (!conn_push(c))
			return;
	}
}

static void conn_on_io(void *ctx, uint32_t events)
{
	tcp_conn *c = ctx;
	if (c->state == TCP_HANDSHAKE) {
		if (events & (EPOLLERR | EPOLLHUP)) {
			conn_close(c, "the peer closed the connection during the TLS handshake");
			return;
		}
		int rc = lp_stream_handshake(&c->s);
		if (rc == -EAGAIN) {
			conn_update_events(c);
			return;
		}
		if (rc < 0) {
			conn_close(c, rc == -ECONNRESET ? NULL : c->s.err);
			return;
		}
		c->state = TCP_OPEN;
		lp_stream_tls_info info;
		if (lp_stream_tls_info_get(&c->s, &info))
			snprintf(c->subject, sizeof(c->subject), "%s", info.subject);
		conn_update_events(c);
		conn_read(c);
		return;
	}
	if (events & EPOLLERR) {
		conn_close(c, "the socket reported an error");
		return;
	}
	if (c->s.want_write && (events & EPOLLOUT))
		c->s.want_write = false;
	if (!c->paused && !c->eof)
		conn_read(c);
	else if ((events & EPOLLHUP) && c->state == TCP_OPEN)
		conn_close(c, NULL);
}

static void accept_all(tcp_server *srv)
{
	for (int i = 0; i < 64; i++) {
		tcp_conn *c = lp_calloc(1, sizeof(*c));
		int rc = lp_stream_accept(&c->s, srv->lfd, srv->ssl);
		if (rc < 0) {
			lp_free(c);
			if (rc != -EAGAIN)
				lp_net_accept_failed(&srv->pause, rc, "tcp", srv->id, srv->n_conns);
			return;
		}
		if (srv->keepalive) {
			int one = 1;
			setsockopt(c->s.fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
		}
		c->srv = srv;
		c->state = c->s.handshaken ? TCP_OPEN : TCP_HANDSHAKE;
		c->dec = lp_decoder_create(srv->codec);
		c->accepted_ms = lp_net_now_ms();
		if (lp_loop_add(srv->loop, &c->watch, c->s.fd, EPOLLIN, conn_on_io, c) != 0) {
			lp_stream_close(&c->s);
			lp_decoder_destroy(c->dec);
			lp_free(c);
			continue;
		}
		list_append(srv, c);
		srv->n_conns++;
	}
}

static void on_listen(void *ctx, uint32_t events)
{
	(void)events;
	accept_all(ctx);
}

static void tick(tcp_server *srv, int64_t now)
{
	lp_net_accept_resume(&srv->pause, now);
	for (tcp_conn *c = srv->conns, *next; c; c = next) {
		next = c->next;
		if (c->state == TCP_HANDSHAKE && now - c->accepted_ms > srv->tls.handshake_timeout_ms)
			conn_close(c, "the TLS handshake timed out");
	}
}

static void retry_paused(tcp_server *srv)
{
	if (!srv->n_paused)
		return;
	/* a connection that got room moves to the end of the list, so that the
	 * others get the next room first */
	size_t n = srv->n_conns;
	tcp_conn *c = srv->conns;
	for (size_t k = 0; k < n && c; k++) {
		tcp_conn *next = c->next;
		if (c->paused && conn_push(c) && !c->paused) {
			list_unlink(srv, c);
			list_append(srv, c);
			if (lp_stream_pending(&c->s))
				conn_read(c);
		}
		c = next;
	}
}

static int tcp_run(void *inst, lp_source *src)
{
	tcp_server *srv = inst;
	srv->src = src;
	if (!srv->rbuf)
		srv->rbuf = lp_malloc(READ_CHUNK);
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	int fd = lp_net_listen(srv->host, srv->port, 1024);
	if (fd < 0) {
		lp_error("tcp", "Input '%s' cannot listen on %s:%d: %s.", srv->id, srv->host, srv->port,
			 lp_strerror(fd));
		return fd;
	}
	srv->lfd = fd;
	lp_loop_add(srv->loop, &srv->lwatch, fd, EPOLLIN, on_listen, srv);
	srv->pause.loop = srv->loop;
	srv->pause.lwatch = &srv->lwatch;
	lp_info("tcp", "Input '%s' listens on %s:%d%s.", srv->id, srv->host, srv->port,
		srv->ssl ? " (TLS)" : "");
	int64_t next_tick = lp_net_now_ms() + TICK_MS;
	while (!atomic_load(&srv->stopping) && !lp_source_stopping(src)) {
		int64_t now = lp_net_now_ms();
		int timeout = srv->n_paused ? 10 : (int)(next_tick > now ? next_tick - now : 0);
		lp_loop_run_once(srv->loop, timeout);
		lp_loop_woken(srv->loop);
		retry_paused(srv);
		now = lp_net_now_ms();
		if (now >= next_tick) {
			tick(srv, now);
			next_tick = now + TICK_MS;
		}
	}
	lp_loop_del(srv->loop, &srv->lwatch);
	close(srv->lfd);
	srv->lfd = -1;
	/* what was read and decoded still goes in; partial lines end the stream */
	for (tcp_conn *c = srv->conns; c; c = c->next) {
		if (c->state != TCP_OPEN)
			continue;
		size_t from = c->pending.n;
		lp_decoder_flush(c->dec, &c->pending);
		enrich(c, from);
		if (c->pending.n) {
			if (lp_source_push(src, c->pending.v, c->pending.n) == 0)
				c->pending.n = 0;
			else
				c->pending.n = 0; /* destroyed by the engine */
		}
	}
	while (srv->conns)
		conn_close(srv->conns, NULL);
	return 0;
}

static void tcp_stop(void *inst)
{
	tcp_server *srv = inst;
	atomic_store(&srv->stopping, true);
	lp_loop_wake(srv->loop);
}

const lp_plugin_def lp_plugin_input_tcp = {
	.name = "tcp",
	.kind = LP_PLUGIN_INPUT,
	.doc = "Listens for TCP or TLS connections and decodes each stream with its codec (no acknowledgements).",
	.options = options,
	.create = tcp_create,
	.destroy = tcp_destroy,
	.run = tcp_run,
	.stop = tcp_stop,
};
