/* net: what network server inputs share (beats, tcp): listening sockets, a
 * single-threaded epoll loop with a cross-thread wakeup, non-blocking streams
 * that are plain TCP or TLS, and OpenSSL server contexts built from the
 * Logstash ssl_* options (PEM certificates, PKCS#8 or traditional PEM keys
 * with an optional passphrase, CA files, client authentication, protocol
 * versions, cipher suites).
 *
 * Threads: a loop and the streams it serves belong to one thread (the input's
 * own); only lp_loop_wake may be called from other threads. A TLS context is
 * read-only once built and may be shared. */
#ifndef LP_PIPELINE_NET_H
#define LP_PIPELINE_NET_H

#include "conf/schema.h"
#include "pipeline/log.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

/* ---- listening sockets ---- */

/* Binds and listens on host:port (host: an address or name; "0.0.0.0" and
 * "::" mean every address). The socket is non-blocking and close-on-exec with
 * SO_REUSEADDR. Returns the fd, or -errno (LP_ENOTFOUND when the host does
 * not resolve). port 0 picks a free port (see lp_net_local_port). */
int lp_net_listen(const char *host, int port, int backlog);
/* The local port of a bound socket, or -errno. */
int lp_net_local_port(int fd);
/* Numeric address and port of fd's peer into ip (cap >= 64). Returns 0 or
 * -errno. */
int lp_net_peer(int fd, char *ip, size_t cap, int *port);
/* Monotonic milliseconds. */
int64_t lp_net_now_ms(void);

/* A budget for per-connection log lines: at most `per_sec` a second, so that
 * a flood of bad clients cannot flood the log. Zero-initialise; one thread. */
typedef struct lp_net_burst {
	int64_t window_start;
	int used;
	long long suppressed;
} lp_net_burst;
/* True when a line may be logged now; *suppressed receives how many lines
 * were dropped in earlier windows (reported once). */
bool lp_net_burst_ok(lp_net_burst *b, int per_sec, long long *suppressed);

/* ---- event loop ---- */

typedef struct lp_loop lp_loop;

/* Called with the epoll events of a registered fd. */
typedef void (*lp_loop_fn)(void *ctx, uint32_t events);

/* A registration: lives in the caller's memory (e.g. inside a connection)
 * for as long as the fd is registered. */
typedef struct lp_loop_watch {
	int fd;
	uint32_t events; /* EPOLLIN / EPOLLOUT as last set */
	lp_loop_fn fn;
	void *ctx;
} lp_loop_watch;

/* Returns NULL with errno set when epoll or the wakeup fd cannot be made. */
lp_loop *lp_loop_create(void);
/* Accepts NULL. Does not close the registered fds. */
void lp_loop_destroy(lp_loop *l);
/* Registers w->fd for events (EPOLLIN, EPOLLOUT; level-triggered). Returns 0
 * or -errno. */
int lp_loop_add(lp_loop *l, lp_loop_watch *w, int fd, uint32_t events, lp_loop_fn fn, void *ctx);
/* Changes the events of a registered watch (no-op when unchanged). */
int lp_loop_mod(lp_loop *l, lp_loop_watch *w, uint32_t events);
/* Unregisters (before the fd is closed). Events already fetched for this
 * watch in the current lp_loop_run_once are not delivered after this. */
void lp_loop_del(lp_loop *l, lp_loop_watch *w);
/* Waits up to timeout_ms (-1 forever) and dispatches ready watches. Returns
 * the number dispatched, or -errno (not -EINTR, which returns 0). */
int lp_loop_run_once(lp_loop *l, int timeout_ms);
/* Makes the current or next lp_loop_run_once return soon and sets the woken
 * flag. Any thread; async-signal-safe. */
void lp_loop_wake(lp_loop *l);
/* True (once) when lp_loop_wake was called since the last check. Loop thread. */
bool lp_loop_woken(lp_loop *l);

/* ---- TLS server contexts ---- */

typedef enum {
	LP_TLS_CLIENT_NONE,
	LP_TLS_CLIENT_OPTIONAL,
	LP_TLS_CLIENT_REQUIRED,
} lp_tls_client_auth;

typedef struct lp_tls_opts {
	bool enabled;
	const char *certificate;   /* PEM file (chain allowed) */
	const char *key;           /* PEM file: PKCS#8 or traditional, maybe encrypted */
	const char *key_passphrase; /* secret; NULL when none */
	const char *const *cas;    /* CA files for client certificates; none: the
				    * system's CAs when client_auth is not NONE */
	size_t n_cas;
	const char *const *extra_chain; /* more PEM certificates sent with ours */
	size_t n_extra_chain;
	lp_tls_client_auth client_auth;
	const char *const *protocols; /* "TLSv1.1" "TLSv1.2" "TLSv1.3"; NULL = 1.2 and 1.3 */
	size_t n_protocols;
	const char *const *ciphers;   /* OpenSSL or IANA names; NULL = defaults */
	size_t n_ciphers;
	int handshake_timeout_ms;
} lp_tls_opts;

/* The option table entries for the ssl_* options (Logstash names), for a
 * plugin's own table. default_auth is the JSON default of
 * ssl_client_authentication ("\"none\"" for beats, "\"required\"" for tcp). */
extern const char *const lp_net_tls_protocol_choices[];
extern const char *const lp_net_tls_client_auth_choices[];
#define LP_NET_TLS_OPTIONS(default_auth)                                                       \
	{ "ssl_enabled", LP_OPT_BOOL, "false", 0, NULL, 0, 0, "Serve TLS." },                  \
	{ "ssl_certificate", LP_OPT_PATH, NULL, 0, NULL, 0, 0,                                 \
	  "Server certificate (PEM)." },                                                       \
	{ "ssl_key", LP_OPT_PATH, NULL, 0, NULL, 0, 0,                                         \
	  "Server private key (PEM, PKCS#8 or traditional)." },                                \
	{ "ssl_key_passphrase", LP_OPT_PASSWORD, NULL, LP_OPT_SECRET, NULL, 0, 0,              \
	  "Passphrase of an encrypted ssl_key." },                                             \
	{ "ssl_certificate_authorities", LP_OPT_ARRAY, "[]", 0, NULL, 0, 0,                    \
	  "CA files that client certificates are checked against." },                         \
	{ "ssl_client_authentication", LP_OPT_STRING, default_auth, 0,                         \
	  lp_net_tls_client_auth_choices, 0, 0,                                                \
	  "Client certificates: none, optional or required." },                                \
	{ "ssl_supported_protocols", LP_OPT_ARRAY, "[]", 0, NULL, 0, 0,                        \
	  "Allowed TLS versions (TLSv1.1, TLSv1.2, TLSv1.3)." },                               \
	{ "ssl_cipher_suites", LP_OPT_ARRAY, "[]", 0, NULL, 0, 0, "Allowed cipher suites." },   \
	{ "ssl_extra_chain_certs", LP_OPT_ARRAY, "[]", 0, NULL, 0, 0,                          \
	  "More PEM certificates sent with ssl_certificate (intermediates)." },                 \
	{ "ssl_handshake_timeout", LP_OPT_NUMBER, "10000", 0, NULL, 1, 1e9,                    \
	  "Milliseconds a TLS handshake may take." }

/* Reads the options declared by LP_NET_TLS_OPTIONS into o (borrowing the
 * args' strings: o lives no longer than a) and checks their combination
 * (certificate and key required when enabled, CAs required when
 * ssl_client_authentication is set to optional or required). Errors go
 * through lp_args_error. Returns 0 or LP_ECONFIG. Main thread. */
int lp_net_tls_opts_from_args(lp_args *a, lp_tls_opts *o);
/* Frees the lists lp_net_tls_opts_from_args allocated (not the strings).
 * Accepts NULL. */
void lp_net_tls_opts_fini(lp_tls_opts *o);

/* Builds a server context. On failure returns NULL and writes a sentence
 * (naming the file, never the passphrase) into err. Ownership: the caller
 * frees the context with lp_net_tls_free. */
SSL_CTX *lp_net_tls_server(const lp_tls_opts *o, char *err, size_t errcap);
void lp_net_tls_free(SSL_CTX *ctx);

/* ---- streams ---- */

/* One accepted connection, plain or TLS. Lives in the caller's memory. */
typedef struct lp_stream {
	int fd;
	SSL *ssl;          /* NULL for plain TCP */
	bool handshaken;   /* TLS handshake completed (always true for plain) */
	bool want_write;   /* the last TLS call waits for the socket to be writable */
	char peer_ip[64];
	int peer_port;
	char err[200];     /* the last error as a sentence */
} lp_stream;

/* Accepts one connection from listen_fd (non-blocking, close-on-exec,
 * TCP_NODELAY). ctx NULL means plain TCP. Returns 0, -EAGAIN when none is
 * waiting, or another -errno. */
int lp_stream_accept(lp_stream *s, int listen_fd, SSL_CTX *ctx);
/* Accepting when the process is out of descriptors or memory: the listening
 * socket is unwatched for a moment (so the loop does not spin on it), and
 * watched again by lp_net_accept_resume once *paused_until has passed. */
typedef struct lp_accept_pause {
	lp_loop *loop;
	lp_loop_watch *lwatch; /* the listening socket's watch */
	int64_t paused_until;  /* 0 when watching */
	lp_ratelimit rl;       /* of the warning */
} lp_accept_pause;
/* After lp_stream_accept returned rc (not 0, not -EAGAIN): pauses accepting
 * for 100 ms when rc says descriptors or memory ran out, with a rate-limited
 * warning naming the input (comp, id) and its n_open connections. Other
 * errors concern one connection only and change nothing. */
void lp_net_accept_failed(lp_accept_pause *p, int rc, const char *comp, const char *id, size_t n_open);
/* Watches the listening socket again when the pause is over (call on ticks). */
void lp_net_accept_resume(lp_accept_pause *p, int64_t now);

/* Advances the TLS handshake: 0 when done, -EAGAIN while in progress (wait
 * for readable, or writable when want_write), -ECONNRESET when the peer
 * closed the connection (e.g. a port probe), LP_EIO on failure (s->err says
 * why). */
int lp_stream_handshake(lp_stream *s);
/* Reads up to n bytes: >0 bytes, 0 at end of stream, -EAGAIN when nothing is
 * available (check want_write for TLS), or a negative error (s->err). */
ssize_t lp_stream_read(lp_stream *s, void *buf, size_t n);
/* Writes up to n bytes: >0 written, -EAGAIN when the socket is full, or a
 * negative error (s->err). */
ssize_t lp_stream_write(lp_stream *s, const void *buf, size_t n);
/* True when TLS holds decrypted bytes not yet read (they raise no epoll
 * event). */
bool lp_stream_pending(const lp_stream *s);
/* Closes the socket and frees the TLS state; accepts a closed stream. */
void lp_stream_close(lp_stream *s);

/* TLS facts about an established stream, for event metadata. Strings are
 * written into the caller's buffers ("" when unknown). Returns false for a
 * plain stream. */
typedef struct lp_stream_tls_info {
	char protocol[32];    /* "TLSv1.3" */
	char cipher[128];
	char subject[512];    /* client certificate subject (RFC 2253), "" without one */
	char issuer[512];
	bool verified;        /* the client presented a certificate that verified */
} lp_stream_tls_info;
bool lp_stream_tls_info_get(const lp_stream *s, lp_stream_tls_info *out);

#endif
