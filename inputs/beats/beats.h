/* beats: the Beats input's private header: the server (one epoll thread that
 * serves every connection) and the connection state machine.
 *
 * A connection:
 *
 *   accept --TLS--> HANDSHAKE --done--> OPEN <--queue has room-- PAUSED
 *      \---plain-------------------------^  \--queue full (EPOLLIN off)--^
 *   HANDSHAKE/OPEN/PAUSED --EOF, bad frame, timeout, stop--> CLOSED
 *   CLOSED --last window's ack processed--> freed
 *
 * Windows: a 'W' frame opens a window of count events; each event gets the
 * window's ack group. When the last event arrived, the input releases its
 * own reference; when every event is safe, the group's callback (on a worker
 * thread) queues the window on the server's done list and wakes the loop.
 * The loop thread then writes ACKs in window order: a window's ACK (its
 * highest sequence number) goes out only once it and every window before it
 * on that connection are done. While any window waits, a keep-alive "ACK 0"
 * goes out every few seconds. Only the loop thread touches a connection; the
 * done list is the one shared structure (under done_mu).
 *
 * Lifetime: a connection holds one reference while open plus one per window
 * not yet freed; a window is freed once it left its connection's FIFO
 * (acknowledged or abandoned) and its callback was processed. So a callback
 * that arrives after the connection closed finds it still allocated and does
 * nothing but free. */
#ifndef LP_INPUTS_BEATS_BEATS_H
#define LP_INPUTS_BEATS_BEATS_H

#include "inputs/beats/beats_frame.h"
#include "pipeline/ack.h"
#include "pipeline/fieldref.h"
#include "pipeline/log.h"
#include "pipeline/net.h"
#include "pipeline/plugin.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define BEATS_READ_CHUNK (64 * 1024)

typedef struct beats_conn beats_conn;
typedef struct beats_server beats_server;

typedef struct beats_window {
	struct beats_window *next;      /* the connection's FIFO */
	struct beats_window *next_done; /* the server's done list */
	beats_conn *conn;
	lp_ack *ack;        /* the input's own reference until the window is complete */
	uint32_t count;     /* announced size */
	uint32_t received;
	uint32_t last_seq;  /* sequence number of the last event received */
	int version;
	bool done;          /* its callback was processed: every event is safe */
	bool failed;        /* the engine refused some events: never acknowledge */
	bool popped;        /* left the FIFO (acknowledged or abandoned) */
} beats_window;

typedef enum { CONN_HANDSHAKE, CONN_OPEN, CONN_CLOSED } beats_conn_state;

struct beats_conn {
	beats_server *srv;
	beats_conn *prev, *next; /* the server's list of live connections */
	int refs;                /* loop thread only */
	beats_conn_state state;
	bool paused;             /* queue full: not reading */
	bool draining;           /* no more reading (end of stream, shutdown): ACKs still go out */
	lp_stream s;
	lp_loop_watch watch;
	lp_beats_decoder dec;
	beats_window *head, *tail; /* windows not yet acknowledged, oldest first */
	beats_window *cur;       /* the window receiving events (tail), or NULL */
	lp_event_vec pending;    /* decoded, not yet taken by the engine */
	lp_buf out;              /* ACK bytes not yet written */
	size_t out_off;
	int64_t accepted_ms, last_read_ms, last_write_ms;
	uint64_t events, acks;
	bool tls_meta_ready;
	lp_stream_tls_info tls;
};

struct beats_server {
	/* configuration (read-only after create) */
	char *host;
	int port;
	int64_t inactivity_ms;
	int keepalive_ms;
	lp_tls_opts tls;
	SSL_CTX *ssl;
	bool enrich_source, enrich_ssl, codec_tag;
	char *tag_applied;             /* "beats_input_codec_<codec>_applied" */
	lp_beats_limits lim;
	lp_fieldref *ref_host_name, *ref_host_ip, *ref_tls_proto, *ref_tls_cipher,
		*ref_tls_subject, *ref_tls_status, *ref_message;
	char *id;

	/* run time (loop thread) */
	lp_loop *loop;
	int lfd;
	lp_loop_watch lwatch;
	lp_accept_pause pause;         /* of accepting, when out of descriptors */
	lp_source *src;
	atomic_bool stopping;
	beats_conn *conns, *conns_tail; /* live connections */
	size_t n_conns, n_paused;
	lp_net_burst close_log;        /* connection closing lines */
	char *rbuf;                    /* BEATS_READ_CHUNK bytes for reads */

	/* shared with worker threads */
	pthread_mutex_t done_mu;
	beats_window *done_head, *done_tail;
};

/* Connections (beats_conn.c); loop thread only. */

/* Accepts every waiting connection on the listener. */
void beats_conn_accept_all(beats_server *srv);
/* Processes the done list: marks windows done, writes ACKs in order, frees
 * what can be freed. */
void beats_conn_process_done(beats_server *srv);
/* Periodic work: keep-alives, inactivity and handshake timeouts, retrying
 * paused pushes (all connections). */
void beats_conn_tick(beats_server *srv, int64_t now);
/* Retries the pushes of paused connections; resumes those that got room. */
void beats_conn_retry_paused(beats_server *srv);
/* Shutdown: stops reading every connection and abandons incomplete windows. */
void beats_conn_stop_reading_all(beats_server *srv);
/* Windows of all connections that still wait for their ACK (complete and not
 * failed). */
size_t beats_conn_waiting_windows(beats_server *srv);
/* Closes a connection (reason NULL for a normal end). */
void beats_conn_close(beats_conn *c, const char *reason);
/* Frees the windows left on the done list after the loop ended (destroy). */
void beats_conn_drain_done(beats_server *srv);

/* The ack callback (any thread): ctx is the window. */
void beats_window_acked(void *ctx);

#endif
