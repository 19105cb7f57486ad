#include "pipeline/net.h"

#include "pipeline/buf.h"
#include "pipeline/error.h"
#include "pipeline/mem.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

const char *const lp_net_tls_protocol_choices[] = { "TLSv1.1", "TLSv1.2", "TLSv1.3", NULL };
const char *const lp_net_tls_client_auth_choices[] = { "none", "optional", "required", NULL };

/* ---- sockets ---- */

int lp_net_listen(const char *host, int port, int backlog)
{
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	char portstr[16];
	snprintf(portstr, sizeof(portstr), "%d", port);
	if (host && !*host)
		host = NULL;
	int g = getaddrinfo(host, portstr, &hints, &res);
	if (g != 0)
		return g == EAI_SYSTEM ? -errno : LP_ENOTFOUND;
	int err = -EADDRNOTAVAIL;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
				ai->ai_protocol);
		if (fd < 0) {
			err = -errno;
			continue;
		}
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, backlog > 0 ? backlog : SOMAXCONN) == 0) {
			freeaddrinfo(res);
			return fd;
		}
		err = -errno;
		close(fd);
	}
	freeaddrinfo(res);
	return err;
}

int lp_net_local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
		return -errno;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -EAFNOSUPPORT;
}

int lp_net_peer(int fd, char *ip, size_t cap, int *port)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	if (cap)
		ip[0] = '\0';
	if (port)
		*port = 0;
	if (getpeername(fd, (struct sockaddr *)&ss, &sl) != 0)
		return -errno;
	char serv[16];
	int g = getnameinfo((struct sockaddr *)&ss, sl, ip, (socklen_t)cap, serv, sizeof(serv),
			    NI_NUMERICHOST | NI_NUMERICSERV);
	if (g != 0)
		return LP_EINVAL;
	/* IPv4 clients of a dual-stack socket: show the plain IPv4 address */
	if (strncmp(ip, "::ffff:", 7) == 0 && strchr(ip + 7, '.'))
		memmove(ip, ip + 7, strlen(ip + 7) + 1);
	if (port)
		*port = atoi(serv);
	return 0;
}

int64_t lp_net_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool lp_net_burst_ok(lp_net_burst *b, int per_sec, long long *suppressed)
{
	int64_t now = lp_net_now_ms();
	*suppressed = 0;
	if (now - b->window_start >= 1000) {
		b->window_start = now;
		b->used = 0;
	}
	if (b->used >= per_sec) {
		b->suppressed++;
		return false;
	}
	b->used++;
	*suppressed = b->suppressed;
	b->suppressed = 0;
	return true;
}

/* ---- loop ---- */

#define LOOP_BATCH 256

struct lp_loop {
	int epfd;
	int wakefd;
	atomic_bool woken;
	struct epoll_event evs[LOOP_BATCH];
	int n_evs, cur;  /* the batch being dispatched */
};

lp_loop *lp_loop_create(void)
{
	lp_loop *l = lp_calloc(1, sizeof(*l));
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	l->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (l->epfd < 0 || l->wakefd < 0) {
		int e = errno;
		if (l->epfd >= 0)
			close(l->epfd);
		if (l->wakefd >= 0)
			close(l->wakefd);
		lp_free(l);
		errno = e;
		return NULL;
	}
	atomic_init(&l->woken, false);
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
	epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->wakefd, &ev);
	return l;
}

void lp_loop_destroy(lp_loop *l)
{
	if (!l)
		return;
	close(l->epfd);
	close(l->wakefd);
	lp_free(l);
}

int lp_loop_add(lp_loop *l, lp_loop_watch *w, int fd, uint32_t events, lp_loop_fn fn, void *ctx)
{
	w->fd = fd;
	w->events = events;
	w->fn = fn;
	w->ctx = ctx;
	struct epoll_event ev = { .events = events, .data.ptr = w };
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
		return -errno;
	return 0;
}

int lp_loop_mod(lp_loop *l, lp_loop_watch *w, uint32_t events)
{
	if (w->events == events)
		return 0;
	struct epoll_event ev = { .events = events, .data.ptr = w };
	if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, w->fd, &ev) != 0)
		return -errno;
	w->events = events;
	return 0;
}

void lp_loop_del(lp_loop *l, lp_loop_watch *w)
{
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	/* forget events of this watch still waiting in the current batch */
	for (int i = l->cur; i < l->n_evs; i++)
		if (l->evs[i].data.ptr == w)
			l->evs[i].data.ptr = NULL, l->evs[i].events = 0;
}

int lp_loop_run_once(lp_loop *l, int timeout_ms)
{
	int n = epoll_wait(l->epfd, l->evs, LOOP_BATCH, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	l->n_evs = n;
	int done = 0;
	for (l->cur = 0; l->cur < l->n_evs; l->cur++) {
		struct epoll_event *e = &l->evs[l->cur];
		if (!e->data.ptr) {
			if (e->events) { /* the wakeup fd */
				uint64_t v;
				while (read(l->wakefd, &v, sizeof(v)) > 0)
					;
			}
			continue;
		}
		lp_loop_watch *w = e->data.ptr;
		uint32_t evs = e->events;
		w->fn(w->ctx, evs);
		done++;
	}
	l->n_evs = 0;
	l->cur = 0;
	return done;
}

void lp_loop_wake(lp_loop *l)
{
	atomic_store(&l->woken, true);
	uint64_t one = 1;
	ssize_t r = write(l->wakefd, &one, sizeof(one));
	(void)r;
}

bool lp_loop_woken(lp_loop *l)
{
	return atomic_exchange(&l->woken, false);
}

/* ---- TLS ---- */

static void ssl_errors(char *err, size_t cap, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256] = "";
	if (e)
		ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	snprintf(err, cap, "%s%s%s", what, *buf ? ": " : "", buf);
}

static int passphrase_cb(char *buf, int size, int rwflag, void *u)
{
	(void)rwflag;
	const char *p = u;
	if (!p)
		return 0;
	int n = (int)strlen(p);
	if (n > size)
		n = size;
	memcpy(buf, p, (size_t)n);
	return n;
}

static int proto_version(const char *name)
{
	if (strcmp(name, "TLSv1.1") == 0)
		return TLS1_1_VERSION;
	if (strcmp(name, "TLSv1.2") == 0)
		return TLS1_2_VERSION;
	if (strcmp(name, "TLSv1.3") == 0)
		return TLS1_3_VERSION;
	return 0;
}

SSL_CTX *lp_net_tls_server(const lp_tls_opts *o, char *err, size_t errcap)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx) {
		ssl_errors(err, errcap, "the TLS context could not be created");
		return NULL;
	}
	int minv = TLS1_2_VERSION, maxv = TLS1_3_VERSION;
	if (o->n_protocols) {
		minv = 0;
		maxv = 0;
		for (size_t i = 0; i < o->n_protocols; i++) {
			int v = proto_version(o->protocols[i]);
			if (!v) {
				snprintf(err, errcap, "unsupported TLS protocol '%s'", o->protocols[i]);
				goto fail;
			}
			if (!minv || v < minv)
				minv = v;
			if (v > maxv)
				maxv = v;
		}
	}
	if (minv < TLS1_2_VERSION)
		SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_min_proto_version(ctx, minv);
	SSL_CTX_set_max_proto_version(ctx, maxv);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
				      SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
	if (o->n_ciphers) {
		lp_buf l12 = LP_BUF_INIT, l13 = LP_BUF_INIT;
		for (size_t i = 0; i < o->n_ciphers; i++) {
			lp_buf *b = strncmp(o->ciphers[i], "TLS_AES", 7) == 0 ||
					    strncmp(o->ciphers[i], "TLS_CHACHA20", 12) == 0 ?
					    &l13 : &l12;
			if (b->len)
				lp_buf_addc(b, ':');
			lp_buf_adds(b, o->ciphers[i]);
		}
		int ok = 1;
		if (l12.len)
			ok &= SSL_CTX_set_cipher_list(ctx, l12.data);
		if (l13.len)
			ok &= SSL_CTX_set_ciphersuites(ctx, l13.data);
		lp_buf_fini(&l12);
		lp_buf_fini(&l13);
		if (!ok) {
			ssl_errors(err, errcap, "ssl_cipher_suites names no usable cipher");
			goto fail;
		}
	}
	if (!o->certificate || SSL_CTX_use_certificate_chain_file(ctx, o->certificate) != 1) {
		char what[300];
		snprintf(what, sizeof(what), "the certificate '%s' could not be loaded",
			 o->certificate ? o->certificate : "");
		ssl_errors(err, errcap, what);
		goto fail;
	}
	/* PEM_read_PrivateKey reads PKCS#8 (plain or encrypted) and traditional
	 * RSA/EC keys alike. */
	FILE *kf = o->key ? fopen(o->key, "r") : NULL;
	if (!kf) {
		snprintf(err, errcap, "the key '%s' could not be opened: %s", o->key ? o->key : "",
			 strerror(errno));
		goto fail;
	}
	EVP_PKEY *pk = PEM_read_PrivateKey(kf, NULL, passphrase_cb, (void *)o->key_passphrase);
	fclose(kf);
	if (!pk) {
		char what[300];
		snprintf(what, sizeof(what),
			 "the key '%s' could not be read (wrong passphrase, or not a PEM key)", o->key);
		ssl_errors(err, errcap, what);
		goto fail;
	}
	int ok = SSL_CTX_use_PrivateKey(ctx, pk);
	EVP_PKEY_free(pk);
	if (ok != 1 || SSL_CTX_check_private_key(ctx) != 1) {
		char what[300];
		snprintf(what, sizeof(what), "the key '%s' does not match the certificate '%s'",
			 o->key, o->certificate);
		ssl_errors(err, errcap, what);
		goto fail;
	}
	for (size_t i = 0; i < o->n_extra_chain; i++) {
		FILE *f = fopen(o->extra_chain[i], "r");
		X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
		if (f)
			fclose(f);
		if (!x || SSL_CTX_add_extra_chain_cert(ctx, x) != 1) {
			char what[300];
			snprintf(what, sizeof(what), "the chain certificate '%s' could not be loaded",
				 o->extra_chain[i]);
			ssl_errors(err, errcap, what);
			X509_free(x);
			goto fail;
		}
	}
	if (!o->n_cas && o->client_auth != LP_TLS_CLIENT_NONE)
		SSL_CTX_set_default_verify_paths(ctx);
	if (o->n_cas) {
		X509_STORE *store = SSL_CTX_get_cert_store(ctx);
		STACK_OF(X509_NAME) *names = sk_X509_NAME_new_null();
		for (size_t i = 0; i < o->n_cas; i++) {
			if (X509_STORE_load_file(store, o->cas[i]) != 1) {
				char what[300];
				snprintf(what, sizeof(what),
					 "the certificate authority '%s' could not be loaded", o->cas[i]);
				ssl_errors(err, errcap, what);
				sk_X509_NAME_pop_free(names, X509_NAME_free);
				goto fail;
			}
			SSL_add_file_cert_subjects_to_stack(names, o->cas[i]);
		}
		SSL_CTX_set_client_CA_list(ctx, names);
	}
	switch (o->client_auth) {
	case LP_TLS_CLIENT_NONE:
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
		break;
	case LP_TLS_CLIENT_OPTIONAL:
		/* a certificate is asked for; one that does not verify is refused */
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
		break;
	case LP_TLS_CLIENT_REQUIRED:
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
		break;
	}
	/* no session cache: every connection does a full handshake (and its
	 * client verification) */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_num_tickets(ctx, 0);
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

void lp_net_tls_free(SSL_CTX *ctx)
{
	SSL_CTX_free(ctx);
}

int lp_net_tls_opts_from_args(lp_args *a, lp_tls_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->enabled = lp_args_bool(a, "ssl_enabled", false);
	o->certificate = lp_args_str(a, "ssl_certificate");
	o->key = lp_args_str(a, "ssl_key");
	o->key_passphrase = lp_args_str(a, "ssl_key_passphrase");
	o->handshake_timeout_ms = (int)lp_args_int(a, "ssl_handshake_timeout", 10000);
	const char *auth = lp_args_str(a, "ssl_client_authentication");
	o->client_auth = !auth || strcmp(auth, "none") == 0 ? LP_TLS_CLIENT_NONE :
			 strcmp(auth, "optional") == 0     ? LP_TLS_CLIENT_OPTIONAL :
							     LP_TLS_CLIENT_REQUIRED;
	static const char *const keys[4] = { "ssl_certificate_authorities",
					     "ssl_supported_protocols", "ssl_cipher_suites",
					     "ssl_extra_chain_certs" };
	const char **lists[4] = { NULL, NULL, NULL, NULL };
	size_t counts[4] = { 0, 0, 0, 0 };
	for (int k = 0; k < 4; k++) {
		const lpj_t *v = lp_args_get(a, keys[k]);
		size_t n = lpj_is_array(v) ? lpj_array_size(v) : 0;
		counts[k] = n;
		if (n) {
			lists[k] = lp_calloc(n, sizeof(char *));
			for (size_t i = 0; i < n; i++)
				lists[k][i] = lp_args_item_str(a, keys[k], i);
		}
	}
	o->cas = lists[0];
	o->n_cas = counts[0];
	o->protocols = lists[1];
	o->n_protocols = counts[1];
	o->ciphers = lists[2];
	o->n_ciphers = counts[2];
	o->extra_chain = lists[3];
	o->n_extra_chain = counts[3];
	int rc = 0;
	for (size_t i = 0; i < o->n_protocols; i++) {
		if (!o->protocols[i] || !proto_version(o->protocols[i])) {
			lp_args_error_item(a, "ssl_supported_protocols", i,
					   "unsupported TLS protocol '%s' (use TLSv1.1, TLSv1.2 or TLSv1.3)",
					   o->protocols[i] ? o->protocols[i] : "");
			rc = LP_ECONFIG;
		}
	}
	if (!o->enabled)
		return rc;
	if (!o->certificate) {
		lp_args_error(a, "ssl_certificate", "'ssl_certificate' is required when 'ssl_enabled' is true");
		rc = LP_ECONFIG;
	}
	if (!o->key) {
		lp_args_error(a, "ssl_key", "'ssl_key' is required when 'ssl_enabled' is true");
		rc = LP_ECONFIG;
	}
	/* as Logstash: an explicit client authentication needs CAs; the tcp
	 * input's default (required) falls back to the system's CAs */
	if (o->client_auth != LP_TLS_CLIENT_NONE && !o->n_cas &&
	    lp_args_isset(a, "ssl_client_authentication")) {
		lp_args_error(a, "ssl_certificate_authorities",
			      "'ssl_certificate_authorities' is required when 'ssl_client_authentication' is '%s'",
			      auth);
		rc = LP_ECONFIG;
	}
	return rc;
}


void lp_net_tls_opts_fini(lp_tls_opts *o)
{
	if (!o)
		return;
	lp_free((void *)o->cas);
	lp_free((void *)o->protocols);
	lp_free((void *)o->ciphers);
	lp_free((void *)o->extra_chain);
	o->cas = o->protocols = o->ciphers = o->extra_chain = NULL;
	o->n_cas = o->n_protocols = o->n_ciphers = o->n_extra_chain = 0;
}

/* ---- streams ---- */

int lp_stream_accept(lp_stream *s, int listen_fd, SSL_CTX *ctx)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	s->fd = fd;
	lp_net_peer(fd, s->peer_ip, sizeof(s->peer_ip), &s->peer_port);
	s->handshaken = true;
	if (ctx) {
		s->ssl = SSL_new(ctx);
		if (!s->ssl || SSL_set_fd(s->ssl, fd) != 1) {
			ssl_errors(s->err, sizeof(s->err), "TLS state could not be created");
			lp_stream_close(s);
			return LP_EIO;
		}
		SSL_set_accept_state(s->ssl);
		s->handshaken = false;
	}
	return 0;
}

/* Maps an SSL_* result to our convention. */
static int ssl_result(lp_stream *s, int r, const char *what)
{
	int e = SSL_get_error(s->ssl, r);
	s->want_write = false;
	switch (e) {
	case SSL_ERROR_WANT_READ:
		return -EAGAIN;
	case SSL_ERROR_WANT_WRITE:
		s->want_write = true;
		return -EAGAIN;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	case SSL_ERROR_SSL:
		if (ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
			/* the peer closed without close_notify: an end of stream */
			ERR_clear_error();
			snprintf(s->err, sizeof(s->err), "the peer closed the connection during %s", what);
			return -ECONNRESET;
		}
		goto other;
	case SSL_ERROR_SYSCALL:
		if (errno == 0 || r == 0) {
			ERR_clear_error();
			snprintf(s->err, sizeof(s->err), "the peer closed the connection during %s", what);
			return -ECONNRESET;
		}
		snprintf(s->err, sizeof(s->err), "%s failed: %s", what, strerror(errno));
		ERR_clear_error();
		return -errno;
	default:
	other: {
		char w[64];
		snprintf(w, sizeof(w), "%s failed", what);
		ssl_errors(s->err, sizeof(s->err), w);
		return LP_EIO;
	}
	}
}

int lp_stream_handshake(lp_stream *s)
{
	if (s->handshaken)
		return 0;
	ERR_clear_error();
	errno = 0;
	int r = SSL_do_handshake(s->ssl);
	if (r == 1) {
		s->handshaken = true;
		s->want_write = false;
		return 0;
	}
	int rc = ssl_result(s, r, "the TLS handshake");
	if (rc == 0 || rc == -ECONNRESET) {
		snprintf(s->err, sizeof(s->err), "the peer closed the connection during the TLS handshake");
		return -ECONNRESET;
	}
	return rc == -EAGAIN ? -EAGAIN : LP_EIO;
}

ssize_t lp_stream_read(lp_stream *s, void *buf, size_t n)
{
	if (!s->ssl) {
		ssize_t r = read(s->fd, buf, n);
		if (r >= 0)
			return r;
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return -EAGAIN;
		snprintf(s->err, sizeof(s->err), "reading failed: %s", strerror(errno));
		return -errno;
	}
	ERR_clear_error();
	errno = 0;
	int r = SSL_read(s->ssl, buf, n > INT32_MAX ? INT32_MAX : (int)n);
	if (r > 0) {
		s->want_write = false;
		return r;
	}
	int rc = ssl_result(s, r, "reading");
	if (rc == -ECONNRESET)
		return 0; /* EOF without close_notify: an end of stream like any other */
	return rc;
}

ssize_t lp_stream_write(lp_stream *s, const void *buf, size_t n)
{
	if (!s->ssl) {
		ssize_t r = send(s->fd, buf, n, MSG_NOSIGNAL);
		if (r >= 0)
			return r;
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return -EAGAIN;
		snprintf(s->err, sizeof(s->err), "writing failed: %s", strerror(errno));
		return -errno;
	}
	ERR_clear_error();
	errno = 0;
	int r = SSL_write(s->ssl, buf, n > INT32_MAX ? INT32_MAX : (int)n);
	if (r > 0)
		return r;
	int rc = ssl_result(s, r, "writing");
	return rc == 0 ? -EPIPE : rc;
}

bool lp_stream_pending(const lp_stream *s)
{
	return s->ssl && SSL_pending(s->ssl) > 0;
}

void lp_stream_close(lp_stream *s)
{
	if (s->ssl) {
		if (s->handshaken)
			SSL_shutdown(s->ssl);
		SSL_free(s->ssl);
		s->ssl = NULL;
	}
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

bool lp_stream_tls_info_get(const lp_stream *s, lp_stream_tls_info *out)
{
	memset(out, 0, sizeof(*out));
	if (!s->ssl)
		return false;
	snprintf(out->protocol, sizeof(out->protocol), "%s", SSL_get_version(s->ssl));
	const char *c = SSL_get_cipher_name(s->ssl);
	snprintf(out->cipher, sizeof(out->cipher), "%s", c ? c : "");
	X509 *peer = SSL_get1_peer_certificate(s->ssl);
	if (peer) {
		BIO *b = BIO_new(BIO_s_mem());
		X509_NAME_print_ex(b, X509_get_subject_name(peer), 0, XN_FLAG_RFC2253);
		int n = BIO_read(b, out->subject, (int)sizeof(out->subject) - 1);
		out->subject[n > 0 ? n : 0] = '\0';
		(void)BIO_reset(b);
		X509_NAME_print_ex(b, X509_get_issuer_name(peer), 0, XN_FLAG_RFC2253);
		n = BIO_read(b, out->issuer, (int)sizeof(out->issuer) - 1);
		out->issuer[n > 0 ? n : 0] = '\0';
		BIO_free(b);
		out->verified = SSL_get_verify_result(s->ssl) == X509_V_OK;
		X509_free(peer);
	}
	return true;
}

void lp_net_accept_failed(lp_accept_pause *p, int rc, const char *comp, const char *id, size_t n_open)
{
	if (rc != -EMFILE && rc != -ENFILE && rc != -ENOBUFS && rc != -ENOMEM)
		return;
	long long suppressed = 0;
	if (lp_ratelimit_ok(&p->rl, 1000, &suppressed))
		lp_warn(comp, "Input '%s' cannot accept more connections now (%s, %zu open); it retries shortly.", id,
			strerror(-rc), n_open);
	p->paused_until = lp_net_now_ms() + 100;
	lp_loop_mod(p->loop, p->lwatch, 0);
}

void lp_net_accept_resume(lp_accept_pause *p, int64_t now)
{
	if (p->paused_until && now >= p->paused_until) {
		p->paused_until = 0;
		lp_loop_mod(p->loop, p->lwatch, EPOLLIN);
	}
}
