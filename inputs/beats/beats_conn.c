/* beats_conn: one Beats connection on the server's loop thread: reading and
 * decoding frames, windows and their ack groups, pushing with backpressure,
 * writing ACKs in order, keep-alives and timeouts. See beats.h for the state
 * machine and the lifetime rules. */
#include "inputs/beats/beats.h"

#include "pipeline/dlist.h"
#include "pipeline/jsonload.h"
#include "pipeline/error.h"
#include "pipeline/event.h"
#include "pipeline/jsonw.h"
#include "pipeline/mem.h"
#include "pipeline/source.h"

#include <assert.h>
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>

#define READS_PER_WAKE 8
/* closing logs: at most 20 a second, so a flood of bad clients cannot flood the log */
#define CLOSE_LOGS_PER_SEC 20
#define MAX_UNSENT (1u << 20) /* ACK bytes a client may leave unread */

static void conn_read(beats_conn *c);

/* ---- the server's list of live connections ---- */

static void list_unlink(beats_server *srv, beats_conn *c)
{
	LP_DLIST_UNLINK(srv->conns, srv->conns_tail, c);
}

static void list_append(beats_server *srv, beats_conn *c)
{
	LP_DLIST_APPEND(srv->conns, srv->conns_tail, c);
}

/* ---- references ---- */

static void conn_retain(beats_conn *c)
{
	c->refs++;
}

static void conn_release(beats_conn *c)
{
	assert(c->refs > 0);
	if (--c->refs > 0)
		return;
	assert(c->state == CONN_CLOSED && !c->head);
	lp_free(c);
}

__attribute__((unused)) static bool conn_check_invariants(const beats_conn *c)
{
	if (c->refs < 1)
		return false;
	if (c->cur && c->cur != c->tail)
		return false;
	if ((c->head == NULL) != (c->tail == NULL))
		return false;
	for (const beats_window *w = c->head; w; w = w->next) {
		if (w->popped || w->conn != c)
			return false;
		if (w != c->cur && w->ack)
			return false;
	}
	return true;
}

/* Frees a window that left its FIFO and whose callback was processed. */
static void window_maybe_free(beats_window *w)
{
	if (!w->popped || !w->done)
		return;
	beats_conn *c = w->conn;
	lp_free(w);
	conn_release(c);
}

void beats_window_acked(void *ctx)
{
	beats_window *w = ctx;
	beats_server *srv = w->conn->srv;
	w->next_done = NULL;
	pthread_mutex_lock(&srv->done_mu);
	if (srv->done_tail)
		srv->done_tail->next_done = w;
	else
		srv->done_head = w;
	srv->done_tail = w;
	pthread_mutex_unlock(&srv->done_mu);
	lp_loop_wake(srv->loop);
}

/* ---- output ---- */

static void conn_update_events(beats_conn *c)
{
	if (c->state == CONN_CLOSED)
		return;
	uint32_t ev = 0;
	if (c->state == CONN_HANDSHAKE) {
		ev = c->s.want_write ? EPOLLOUT : EPOLLIN;
	} else {
		bool reading = !c->paused && !c->draining;
		if (reading && !c->s.want_write)
			ev |= EPOLLIN;
		if (c->out.len > c->out_off || c->s.want_write)
			ev |= EPOLLOUT;
	}
	lp_loop_mod(c->srv->loop, &c->watch, ev);
}

/* Writes what it can of the ACK buffer. Returns false when the connection
 * was closed. */
static bool conn_flush(beats_conn *c)
{
	while (c->out_off < c->out.len) {
		ssize_t n = lp_stream_write(&c->s, c->out.data + c->out_off, c->out.len - c->out_off);
		if (n == -EAGAIN)
			break;
		if (n < 0) {
			beats_conn_close(c, c->s.err[0] ? c->s.err : "writing an acknowledgement failed");
			return false;
		}
		c->out_off += (size_t)n;
		c->last_write_ms = lp_net_now_ms();
	}
	if (c->out_off == c->out.len) {
		lp_buf_reset(&c->out);
		c->out_off = 0;
	} else if (c->out.len - c->out_off > MAX_UNSENT) {
		beats_conn_close(c, "the client does not read its acknowledgements");
		return false;
	}
	conn_update_events(c);
	return true;
}

static bool conn_send_ack(beats_conn *c, int version, uint32_t seq)
{
	lp_beats_encode_ack(&c->out, version, seq);
	c->last_write_ms = lp_net_now_ms(); /* counts as activity even if buffered */
	return conn_flush(c);
}

/* Closes a connection once it ended reading and has nothing left to
 * acknowledge. */
static void conn_maybe_finish(beats_conn *c)
{
	if (c->state != CONN_CLOSED && c->draining && !c->head && c->out_off == c->out.len)
		beats_conn_close(c, NULL);
}

/* Acknowledges the done windows at the head of the FIFO, in order. */
static void conn_ack_ready(beats_conn *c)
{
	while (c->state != CONN_CLOSED && c->head && c->head->done) {
		beats_window *w = c->head;
		c->head = w->next;
		if (!c->head)
			c->tail = NULL;
		if (c->cur == w)
			c->cur = NULL;
		w->popped = true;
		bool failed = w->failed;
		int version = w->version;
		uint32_t seq = w->last_seq;
		window_maybe_free(w);
		if (failed) {
			beats_conn_close(c, NULL);
			return;
		}
		c->acks++;
		if (!conn_send_ack(c, version, seq))
			return;
	}
	assert(c->state == CONN_CLOSED || conn_check_invariants(c));
	conn_maybe_finish(c);
}

void beats_conn_process_done(beats_server *srv)
{
	pthread_mutex_lock(&srv->done_mu);
	beats_window *list = srv->done_head;
	srv->done_head = srv->done_tail = NULL;
	pthread_mutex_unlock(&srv->done_mu);
	while (list) {
		beats_window *w = list;
		list = w->next_done;
		beats_conn *c = w->conn;
		w->done = true;
		if (w->popped) {
			window_maybe_free(w);
			continue;
		}
		conn_retain(c);
		conn_ack_ready(c);
		conn_release(c);
	}
}

void beats_conn_drain_done(beats_server *srv)
{
	beats_conn_process_done(srv);
}

/* ---- closing ---- */

/* Marks every window that is not done as failed: some of their events will
 * never be delivered, so they must never be acknowledged. */
static void conn_fail_windows(beats_conn *c)
{
	for (beats_window *w = c->head; w; w = w->next)
		if (!w->done)
			w->failed = true;
}

/* Drops the events not yet taken by the engine (their windows fail). */
static void conn_drop_pending(beats_conn *c)
{
	if (c->pending.n)
		conn_fail_windows(c);
	lp_event_vec_fini(&c->pending);
	memset(&c->pending, 0, sizeof(c->pending));
}

/* Releases the input's reference of the incomplete window: it can never
 * complete, so it fails. */
static void conn_abandon_current(beats_conn *c)
{
	beats_window *w = c->cur;
	if (!w)
		return;
	c->cur = NULL;
	w->failed = true;
	lp_ack *a = w->ack;
	w->ack = NULL;
	lp_ack_release(a);
}

static void set_paused(beats_conn *c, bool paused)
{
	if (c->paused == paused)
		return;
	c->paused = paused;
	if (paused)
		c->srv->n_paused++;
	else
		c->srv->n_paused--;
}

void beats_conn_close(beats_conn *c, const char *reason)
{
	if (c->state == CONN_CLOSED)
		return;
	beats_server *srv = c->srv;
	if (reason) {
		long long supp = 0;
		if (lp_net_burst_ok(&srv->close_log, CLOSE_LOGS_PER_SEC, &supp)) {
			if (supp)
				lp_warn("beats", "Input '%s' closed %lld more connections for errors without logging each.",
					srv->id, supp);
			lp_warn("beats",
				"Input '%s' closed the connection from %s:%d: %s (%llu events received, %llu windows acknowledged).",
				srv->id, c->s.peer_ip, c->s.peer_port, reason,
				(unsigned long long)c->events, (unsigned long long)c->acks);
		}
		lp_source_count_error(srv->src, 1);
	} else {
		lp_debug("beats", "Input '%s': the connection from %s:%d ended.", srv->id, c->s.peer_ip,
			 c->s.peer_port);
	}
	set_paused(c, false);
	lp_loop_del(srv->loop, &c->watch);
	lp_stream_close(&c->s);
	c->state = CONN_CLOSED;
	list_unlink(srv, c);
	srv->n_conns--;

	conn_drop_pending(c);
	beats_window *cur = c->cur;
	beats_window *w = c->head;
	c->head = c->tail = NULL;
	conn_retain(c);
	if (cur) {
		c->cur = cur;
		conn_abandon_current(c);
	}
	while (w) {
		beats_window *next = w->next;
		w->popped = true;
		window_maybe_free(w);
		w = next;
	}
	lp_beats_decoder_fini(&c->dec);
	lp_buf_fini(&c->out);
	c->out_off = 0;
	conn_release(c); /* the one taken above */
	conn_release(c); /* the open connection's own */
}

/* ---- pushing ---- */

/* Hands the pending events to the engine. Returns false when the connection
 * was closed. */
static bool conn_push(beats_conn *c)
{
	if (c->pending.n == 0) {
		set_paused(c, false);
		return true;
	}
	int rc = lp_source_try_push(c->srv->src, c->pending.v, c->pending.n);
	if (rc == -EAGAIN) {
		if (!c->paused) {
			set_paused(c, true);
			conn_update_events(c);
		}
		return true;
	}
	c->pending.n = 0; /* taken, or destroyed by the engine on error */
	if (rc < 0) {
		conn_fail_windows(c);
		beats_conn_close(c, NULL);
		return false;
	}
	if (c->paused) {
		set_paused(c, false);
		conn_update_events(c);
	}
	return true;
}

void beats_conn_retry_paused(beats_server *srv)
{
	if (!srv->n_paused)
		return;
	/* a connection that got room moves to the end of the list, so that the
	 * others get the next room first */
	size_t n = srv->n_conns;
	beats_conn *c = srv->conns;
	for (size_t k = 0; k < n && c; k++) {
		beats_conn *next = c->next;
		if (c->paused) {
			conn_retain(c);
			if (conn_push(c) && !c->paused && c->state == CONN_OPEN) {
				list_unlink(srv, c);
				list_append(srv, c);
				if (lp_stream_pending(&c->s))
					conn_read(c);
			}
			conn_release(c);
		}
		c = next;
	}
}

/* ---- events ---- */

static void set_str(lp_event *ev, const lp_fieldref *ref, const char *s)
{
	lp_event_set(ev, ref, lpj_string(s));
}

static lpj_t *string_value(const char *s, size_t len)
{
	lpj_t *v = lpj_stringn(s, len);
	if (v)
		return v;
	lp_buf b = LP_BUF_INIT;
	lp_utf8_sanitize(&b, s, len);
	v = lpj_stringn(b.data ? b.data : "", b.len);
	lp_buf_fini(&b);
	return v;
}

/* Builds the event of a JSON or data frame; NULL with *why on bad content. */
static lp_event *make_event(beats_conn *c, const lp_beats_frame *f, char *why, size_t cap)
{
	beats_server *srv = c->srv;
	lpj_t *obj;
	lp_arena *arena = NULL; /* the JSON is parsed into one the event adopts */
	if (f->type == LP_BEATS_JSON) {
		char jerr[120];
		lp_json_load_at at;
		arena = lp_arena_create();
		lp_arena *prev = lpj_arena_enter(arena);
		/* events have a steady shape: learn which objects are looked into */
		obj = lp_json_load_ex(f->payload, f->len, LP_JSON_LOAD_LEARN, jerr, sizeof(jerr), &at);
		lpj_arena_leave(prev);
		if (!obj) {
			lp_arena_unref(arena);
			snprintf(why, cap, "the payload of event %u is not JSON (%.100s at byte %zu)", f->seq,
				 jerr, at.pos);
			return NULL;
		}
		if (!lpj_is_object(obj)) {
			lp_arena_unref(arena);
			snprintf(why, cap, "the payload of event %u is not a JSON object", f->seq);
			return NULL;
		}
	} else {
		obj = lpj_object();
		for (size_t i = 0; i < f->n_pairs; i++) {
			const lp_beats_kv *kv = &f->pairs[i];
			if (!kv->key_len || !lp_utf8_valid(kv->key, kv->key_len) ||
			    memchr(kv->key, '\0', kv->key_len))
				continue; /* not usable as a field name */
			char *key;
			if (kv->key_len == 4 && memcmp(kv->key, "line", 4) == 0)
				key = lp_strdup("message"); /* logstash-forwarder's line */
			else
				key = lp_strndup(kv->key, kv->key_len);
			lpj_object_set_new(obj, key, string_value(kv->val, kv->val_len));
			lp_free(key);
		}
	}
	lp_event *ev = lp_event_new(obj);
	lp_arena_unref(arena);
	lp_arena *prev = lp_event_enter(ev);
	if (srv->enrich_source) {
		set_str(ev, srv->ref_host_name, c->s.peer_ip);
		set_str(ev, srv->ref_host_ip, c->s.peer_ip);
	}
	if (srv->enrich_ssl && c->s.ssl) {
		if (!c->tls_meta_ready) {
			lp_stream_tls_info_get(&c->s, &c->tls);
			c->tls_meta_ready = true;
		}
		/* as Logstash: the status always, the details for a verified
		 * client certificate */
		lp_event_set(ev, srv->ref_tls_status, lpj_boolean(c->tls.verified));
		if (c->tls.verified) {
			set_str(ev, srv->ref_tls_proto, c->tls.protocol);
			set_str(ev, srv->ref_tls_cipher, c->tls.cipher);
			set_str(ev, srv->ref_tls_subject, c->tls.subject);
		}
	}
	if (srv->codec_tag)
		lp_event_tag(ev, lp_event_get_str(ev, srv->ref_message) ? srv->tag_applied :
									  "beats_input_raw_event");
	lp_event_leave(prev);
	return ev;
}

static beats_window *window_open(beats_conn *c, uint32_t count, int version)
{
	beats_window *w = lp_calloc(1, sizeof(*w));
	w->conn = c;
	w->count = count;
	w->version = version;
	w->ack = lp_ack_create(beats_window_acked, w);
	conn_retain(c);
	if (c->tail)
		c->tail->next = w;
	else
		c->head = w;
	c->tail = w;
	c->cur = w;
	return w;
}

/* Handles one decoded frame; returns false after closing the connection. */
static bool conn_frame(beats_conn *c, const lp_beats_frame *f)
{
	char why[200];
	switch (f->type) {
	case LP_BEATS_WINDOW:
		if (c->cur) {
			snprintf(why, sizeof(why),
				 "a new window began after %u of the %u events of the previous one",
				 c->cur->received, c->cur->count);
			beats_conn_close(c, why);
			return false;
		}
		if (f->window > 0)
			window_open(c, f->window, f->version);
		return true;
	case LP_BEATS_JSON:
	case LP_BEATS_DATA: {
		beats_window *w = c->cur;
		if (!w) {
			snprintf(why, sizeof(why), "event %u arrived outside a window", f->seq);
			beats_conn_close(c, why);
			return false;
		}
		lp_event *ev = make_event(c, f, why, sizeof(why));
		if (!ev) {
			beats_conn_close(c, why);
			return false;
		}
		lp_event_set_ack(ev, w->ack);
		lp_event_vec_push(&c->pending, ev);
		c->events++;
		w->received++;
		w->last_seq = f->seq;
		if (w->received == w->count) {
			lp_ack *a = w->ack;
			w->ack = NULL;
			c->cur = NULL;
			lp_ack_release(a);
		}
		return true;
	}
	case LP_BEATS_ACK:
	default:
		beats_conn_close(c, "the client sent an acknowledgement frame");
		return false;
	}
}

/* Reads, decodes and pushes until the socket has nothing more, the queue is
 * full or the connection closed. */
static void conn_read(beats_conn *c)
{
	char *buf = c->srv->rbuf;
	for (int i = 0; i < READS_PER_WAKE || lp_stream_pending(&c->s); i++) {
		if (c->state != CONN_OPEN || c->paused || c->draining)
			return;
		ssize_t n = lp_stream_read(&c->s, buf, BEATS_READ_CHUNK);
		if (n == -EAGAIN) {
			conn_update_events(c);
			return;
		}
		if (n < 0) {
			beats_conn_close(c, c->s.err[0] ? c->s.err : "reading failed");
			return;
		}
		if (n == 0) {
			/* end of stream: acknowledge what is complete, then close */
			if (!lp_beats_decoder_idle(&c->dec) || c->cur)
				lp_debug("beats", "Input '%s': %s:%d ended its stream inside a window.",
					 c->srv->id, c->s.peer_ip, c->s.peer_port);
			c->draining = true;
			conn_abandon_current(c);
			conn_update_events(c);
			conn_push(c);
			conn_maybe_finish(c);
			return;
		}
		c->last_read_ms = lp_net_now_ms();
		lp_beats_decoder_feed(&c->dec, buf, (size_t)n);
		lp_beats_frame f;
		int rc;
		while ((rc = lp_beats_decoder_next(&c->dec, &f)) == 1)
			if (!conn_frame(c, &f))
				return;
		if (rc < 0) {
			beats_conn_close(c, lp_beats_decoder_error(&c->dec));
			return;
		}
		/* an idle connection keeps no large buffers */
		if (lp_beats_decoder_idle(&c->dec) && c->dec.in.cap > 2 * BEATS_READ_CHUNK)
			lp_buf_fini(&c->dec.in);
		if (c->dec.inflated.cap > 4u << 20 && !c->dec.in_compressed)
			lp_buf_fini(&c->dec.inflated);
		if (!conn_push(c))
			return;
	}
}

static void conn_handshake(beats_conn *c)
{
	int rc = lp_stream_handshake(&c->s);
	if (rc == -EAGAIN) {
		conn_update_events(c);
		return;
	}
	if (rc < 0) {
		beats_conn_close(c, rc == -ECONNRESET ? NULL : c->s.err);
		return;
	}
	c->state = CONN_OPEN;
	c->last_read_ms = lp_net_now_ms();
	conn_update_events(c);
	conn_read(c);
}

static void conn_on_io(void *ctx, uint32_t events)
{
	beats_conn *c = ctx;
	conn_retain(c);
	if (c->state == CONN_HANDSHAKE) {
		if (events & (EPOLLERR | EPOLLHUP))
			beats_conn_close(c, "the peer closed the connection during the TLS handshake");
		else
			conn_handshake(c);
		goto out;
	}
	if (events & EPOLLERR) {
		beats_conn_close(c, "the socket reported an error");
		goto out;
	}
	if (events & EPOLLOUT) {
		if (c->s.want_write && c->s.ssl) {
			c->s.want_write = false;
			conn_read(c);
		}
		if (c->state == CONN_OPEN && !conn_flush(c))
			goto out;
		conn_maybe_finish(c);
	}
	if (c->state == CONN_OPEN && (events & (EPOLLIN | EPOLLHUP)) && !c->paused && !c->draining)
		conn_read(c);
	if (c->state == CONN_OPEN && (events & EPOLLHUP) && (c->paused || c->draining))
		beats_conn_close(c, c->head ? "the peer closed the connection before its acknowledgement" :
					      NULL);
out:
	conn_release(c);
}

/* ---- accepting ---- */

void beats_conn_accept_all(beats_server *srv)
{
	for (int i = 0; i < 64; i++) {
		beats_conn *c = lp_calloc(1, sizeof(*c));
		int rc = lp_stream_accept(&c->s, srv->lfd, srv->ssl);
		if (rc == -EAGAIN) {
			lp_free(c);
			return;
		}
		if (rc < 0) {
			lp_free(c);
			lp_net_accept_failed(&srv->pause, rc, "beats", srv->id, srv->n_conns);
			return;
		}
		c->srv = srv;
		c->refs = 1;
		c->state = c->s.handshaken ? CONN_OPEN : CONN_HANDSHAKE;
		lp_beats_decoder_init(&c->dec, &srv->lim);
		c->accepted_ms = c->last_read_ms = c->last_write_ms = lp_net_now_ms();
		if (lp_loop_add(srv->loop, &c->watch, c->s.fd, EPOLLIN, conn_on_io, c) != 0) {
			lp_stream_close(&c->s);
			lp_beats_decoder_fini(&c->dec);
			lp_free(c);
			continue;
		}
		list_append(srv, c);
		srv->n_conns++;
		lp_debug("beats", "Input '%s' accepted a connection from %s:%d.", srv->id, c->s.peer_ip,
			 c->s.peer_port);
	}
}

/* ---- periodic work ---- */

void beats_conn_tick(beats_server *srv, int64_t now)
{
	if (!atomic_load(&srv->stopping))
		lp_net_accept_resume(&srv->pause, now);
	beats_conn *c = srv->conns;
	while (c) {
		beats_conn *next = c->next;
		conn_retain(c);
		if (c->state == CONN_HANDSHAKE) {
			if (now - c->accepted_ms > srv->tls.handshake_timeout_ms)
				beats_conn_close(c, "the TLS handshake timed out");
		} else if (c->head) {
			/* a window waits: keep the client from timing out */
			if (c->head->version >= 2 && now - c->last_write_ms >= srv->keepalive_ms)
				conn_send_ack(c, 2, 0);
		} else if (!c->cur && !c->draining && srv->inactivity_ms > 0 &&
			   now - c->last_read_ms >= srv->inactivity_ms) {
			char why[120];
			snprintf(why, sizeof(why), "no data for %lld s (client_inactivity_timeout)",
				 (long long)(srv->inactivity_ms / 1000));
			beats_conn_close(c, why);
		}
		conn_release(c);
		c = next;
	}
}

void beats_conn_stop_reading_all(beats_server *srv)
{
	for (beats_conn *c = srv->conns; c; c = c->next) {
		if (c->state != CONN_OPEN)
			continue;
		c->draining = true;
		set_paused(c, false);
		conn_drop_pending(c);
		conn_abandon_current(c);
		conn_update_events(c);
	}
}

size_t beats_conn_waiting_windows(beats_server *srv)
{
	size_t n = 0;
	for (beats_conn *c = srv->conns; c; c = c->next)
		for (beats_window *w = c->head; w; w = w->next)
			if (!w->failed && !w->done)
				n++;
	return n;
}
