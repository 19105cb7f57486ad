/* Tests for pipeline/http.c against a small HTTP/1.1 server running in a
 * thread of this process on 127.0.0.1. */
#include "lp_test.h"

#include "pipeline/error.h"
#include "pipeline/http.h"
#include "pipeline/mem.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

enum { MODE_ANSWER, MODE_HANG };

typedef struct req {
	char method[16];
	char path[256];
	char *headers; /* raw header block */
	char *body;
	size_t body_len;
} req;

typedef struct srv {
	int lfd;
	int port;
	pthread_t th;
	pthread_mutex_t mu;
	int accepts;
	int n_reqs;
	req reqs[16];
	/* what to answer */
	int mode;
	int status;
	const char *resp_body;
	size_t resp_len;
	bool chunked;
} srv;

static bool read_full(int fd, char *p, size_t n)
{
	while (n) {
		ssize_t r = read(fd, p, n);
		if (r <= 0)
			return false;
		p += r;
		n -= (size_t)r;
	}
	return true;
}

static bool write_full(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t r = write(fd, p, n);
		if (r <= 0)
			return false;
		p += r;
		n -= (size_t)r;
	}
	return true;
}

/* Serves one connection until the client closes it. */
static void serve_conn(srv *s, int fd)
{
	char *buf = malloc(65536);
	size_t len = 0;
	for (;;) {
		char *end;
		while (!(buf[len] = '\0', end = strstr(buf, "\r\n\r\n"))) {
			if (len >= 65535)
				goto done;
			ssize_t r = read(fd, buf + len, 65535 - len);
			if (r <= 0)
				goto done;
			len += (size_t)r;
		}
		size_t hlen = (size_t)(end + 4 - buf);
		req q;
		memset(&q, 0, sizeof(q));
		sscanf(buf, "%15s %255s", q.method, q.path);
		q.headers = strndup(buf, hlen);
		size_t clen = 0;
		const char *cl = strcasestr(q.headers, "\r\nContent-Length:");
		if (cl)
			clen = strtoul(cl + 17, NULL, 10);
		q.body = malloc(clen + 1);
		size_t have = len - hlen < clen ? len - hlen : clen;
		memcpy(q.body, buf + hlen, have);
		if (!read_full(fd, q.body + have, clen - have)) {
			free(q.body);
			free(q.headers);
			goto done;
		}
		q.body[clen] = '\0';
		q.body_len = clen;
		memmove(buf, buf + hlen + have, len - hlen - have);
		len -= hlen + have;

		pthread_mutex_lock(&s->mu);
		int mode = s->mode;
		if (s->n_reqs < 16)
			s->reqs[s->n_reqs++] = q;
		pthread_mutex_unlock(&s->mu);

		if (mode == MODE_HANG) {
			/* Never answer; wait for the client to give up. */
			char c;
			while (read(fd, &c, 1) > 0)
				;
			goto done;
		}
		char head[256];
		if (strcmp(q.path, "/old") == 0) {
			const char *r = "HTTP/1.1 302 Found\r\nLocation: /new\r\nContent-Length: 0\r\n\r\n";
			write_full(fd, r, strlen(r));
			continue;
		}
		bool head_only = strcmp(q.method, "HEAD") == 0;
		if (s->chunked) {
			snprintf(head, sizeof(head),
				 "HTTP/1.1 %d X\r\nTransfer-Encoding: chunked\r\n\r\n", s->status);
			write_full(fd, head, strlen(head));
			size_t off = 0;
			while (off < s->resp_len) {
				size_t n = s->resp_len - off < 7000 ? s->resp_len - off : 7000;
				char sz[32];
				snprintf(sz, sizeof(sz), "%zx\r\n", n);
				write_full(fd, sz, strlen(sz));
				write_full(fd, s->resp_body + off, n);
				write_full(fd, "\r\n", 2);
				off += n;
			}
			write_full(fd, "0\r\n\r\n", 5);
		} else {
			snprintf(head, sizeof(head), "HTTP/1.1 %d X\r\nContent-Length: %zu\r\n\r\n",
				 s->status, s->resp_len);
			write_full(fd, head, strlen(head));
			if (!head_only)
				write_full(fd, s->resp_body, s->resp_len);
		}
	}
done:
	free(buf);
	close(fd);
}

static void *srv_main(void *arg)
{
	srv *s = arg;
	for (;;) {
		int fd = accept(s->lfd, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR)
				continue;
			break; /* shut down */
		}
		pthread_mutex_lock(&s->mu);
		s->accepts++;
		pthread_mutex_unlock(&s->mu);
		serve_conn(s, fd);
	}
	return NULL;
}

static int listen_any(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 16) < 0) {
		close(fd);
		return -1;
	}
	socklen_t sl = sizeof(a);
	getsockname(fd, (struct sockaddr *)&a, &sl);
	*port = ntohs(a.sin_port);
	return fd;
}

static void srv_start(srv *s)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->mu, NULL);
	s->lfd = listen_any(&s->port);
	s->status = 200;
	s->resp_body = "ok";
	s->resp_len = 2;
	pthread_create(&s->th, NULL, srv_main, s);
}

static void srv_stop(srv *s)
{
	shutdown(s->lfd, SHUT_RDWR);
	pthread_join(s->th, NULL);
	close(s->lfd);
	for (int i = 0; i < s->n_reqs; i++) {
		free(s->reqs[i].headers);
		free(s->reqs[i].body);
	}
	pthread_mutex_destroy(&s->mu);
}

static char *url_of(srv *s, const char *path)
{
	return lp_asprintf("http://127.0.0.1:%d%s", s->port, path);
}

static void test_post_and_headers(void)
{
	srv s;
	srv_start(&s);
	s.status = 201;
	s.resp_body = "{\"created\":true}";
	s.resp_len = strlen(s.resp_body);

	lp_http_opts o;
	lp_http_opts_defaults(&o);
	o.user = "alice";
	o.password = "s3cret";
	lp_http *h = lp_http_create(&o);
	char *url = url_of(&s, "/api/v2/alerts?x=1");
	lp_http_header hd[] = { { "Content-Type", "application/json" }, { "X-Trace", "abc 1" } };
	const char *body = "[{\"labels\":{\"alertname\":\"A\"}}]";
	lp_http_request rq = { "POST", url, hd, 2, body, strlen(body), 0 };
	lp_http_response rs;
	lp_http_response_init(&rs);
	int rc = lp_http_do(h, &rq, &rs);
	CHECK_INT(rc, 0);
	CHECK_INT(rs.status, 201);
	CHECK_STR(lp_buf_str(&rs.body), "{\"created\":true}");
	CHECK_INT(s.n_reqs, 1);
	if (s.n_reqs == 1) {
		req *q = &s.reqs[0];
		CHECK_STR(q->method, "POST");
		CHECK_STR(q->path, "/api/v2/alerts?x=1");
		CHECK_STR(q->body, body);
		CHECK(strcasestr(q->headers, "\r\nContent-Type: application/json\r\n") != NULL);
		CHECK(strcasestr(q->headers, "\r\nX-Trace: abc 1\r\n") != NULL);
		/* base64("alice:s3cret") */
		CHECK(strstr(q->headers, "\r\nAuthorization: Basic YWxpY2U6czNjcmV0\r\n") != NULL);
		CHECK(strcasestr(q->headers, "Expect:") == NULL);
		CHECK(strcasestr(q->headers, "Content-Encoding") == NULL);
	}
	lp_http_response_fini(&rs);
	lp_http_destroy(h);
	lp_free(url);
	srv_stop(&s);
}

static void test_methods(void)
{
	srv s;
	srv_start(&s);
	lp_http *h = lp_http_create(NULL);
	char *url = url_of(&s, "/m");
	lp_http_response rs;
	lp_http_response_init(&rs);
	const char *methods[] = { "GET", "PUT", "DELETE", "HEAD", "PATCH", "POST" };
	for (size_t i = 0; i < 6; i++) {
		lp_http_request rq = { methods[i], url, NULL, 0, NULL, 0, 0 };
		CHECK_INT(lp_http_do(h, &rq, &rs), 0);
		CHECK_INT(rs.status, 200);
		CHECK_STR(lp_buf_str(&rs.body), strcmp(methods[i], "HEAD") == 0 ? "" : "ok");
	}
	/* A body on a PUT, then a GET after it carries no body. */
	lp_http_header hd[] = { { "Content-Type", "text/plain" } };
	lp_http_request put = { "PUT", url, hd, 1, "abc", 3, 0 };
	CHECK_INT(lp_http_do(h, &put, &rs), 0);
	lp_http_request get = { "GET", url, NULL, 0, NULL, 0, 0 };
	CHECK_INT(lp_http_do(h, &get, &rs), 0);
	/* A body without a Content-Type of the caller's is not called a form. */
	lp_http_request bare = { "POST", url, NULL, 0, "k=v", 3, 0 };
	CHECK_INT(lp_http_do(h, &bare, &rs), 0);
	CHECK_INT(s.n_reqs, 9);
	if (s.n_reqs == 9) {
		CHECK_STR(s.reqs[8].body, "k=v");
		CHECK(strcasestr(s.reqs[8].headers, "Content-Type") == NULL);
	}
	for (int i = 0; i < s.n_reqs && i < 6; i++) {
		CHECK_STR(s.reqs[i].method, methods[i]);
		CHECK_INT(s.reqs[i].body_len, 0);
	}
	if (s.n_reqs == 8) {
		CHECK_STR(s.reqs[6].method, "PUT");
		CHECK_STR(s.reqs[6].body, "abc");
		CHECK_STR(s.reqs[7].method, "GET");
		CHECK_INT(s.reqs[7].body_len, 0);
		CHECK(strcasestr(s.reqs[7].headers, "Content-Length") == NULL);
	}
	/* Keep-alive: everything went over one connection. */
	CHECK_INT(s.accepts, 1);
	lp_http_response_fini(&rs);
	lp_http_destroy(h);
	lp_free(url);
	srv_stop(&s);
}

static void test_no_keepalive(void)
{
	srv s;
	srv_start(&s);
	lp_http_opts o;
	lp_http_opts_defaults(&o);
	o.keepalive = false;
	lp_http *h = lp_http_create(&o);
	char *url = url_of(&s, "/");
	lp_http_response rs;
	lp_http_response_init(&rs);
	lp_http_request rq = { "GET", url, NULL, 0, NULL, 0, 0 };
	for (int i = 0; i < 3; i++)
		CHECK_INT(lp_http_do(h, &rq, &rs), 0);
	/* The server counts a connection when it accepts it; the third request
	 * has been answered, so all three were accepted. */
	pthread_mutex_lock(&s.mu);
	CHECK_INT(s.accepts, 3);
	pthread_mutex_unlock(&s.mu);
	lp_http_response_fini(&rs);
	lp_http_destroy(h);
	lp_free(url);
	srv_stop(&s);
}

static void test_gzip(void)
{
	srv s;
	srv_start(&s);
	lp_http *h = lp_http_create(NULL);
	char *url = url_of(&s, "/_bulk");
	lp_buf body = LP_BUF_INIT;
	for (int i = 0; i < 5000; i++)
		lp_buf_printf(&body, "{\"index\":{}}\n{\"n\":%d,\"msg\":\"hello world\"}\n", i);
	lp_http_header hd[] = { { "Content-Type", "application/x-ndjson" } };
	lp_http_request rq = { "POST", url, hd, 1, body.data, body.len, 1 };
	lp_http_response rs;
	lp_http_response_init(&rs);
	CHECK_INT(lp_http_do(h, &rq, &rs), 0);
	CHECK_INT(s.n_reqs, 1);
	if (s.n_reqs == 1) {
		req *q = &s.reqs[0];
		CHECK(strcasestr(q->headers, "\r\nContent-Encoding: gzip\r\n") != NULL);
		CHECK(q->body_len < body.len / 4);
		/* Inflate what the server got and compare. */
		char *out = malloc(body.len + 16);
		z_stream zs;
		memset(&zs, 0, sizeof(zs));
		CHECK_INT(inflateInit2(&zs, 15 + 16), Z_OK);
		zs.next_in = (Bytef *)q->body;
		zs.avail_in = (uInt)q->body_len;
		zs.next_out = (Bytef *)out;
		zs.avail_out = (uInt)body.len + 16;
		CHECK_INT(inflate(&zs, Z_FINISH), Z_STREAM_END);
		CHECK_INT(zs.total_out, body.len);
		CHECK(memcmp(out, body.data, body.len) == 0);
		inflateEnd(&zs);
		free(out);
	}
	lp_buf_fini(&body);
	lp_http_response_fini(&rs);
	lp_http_destroy(h);
	lp_free(url);
	srv_stop(&s);
}

static void test_error_status_and_large_body(void)
{
	srv s;
	srv_start(&s);
	size_t n = 1 << 20;
	char *big = malloc(n);
	for (size_t i = 0; i < n; i++)
		big[i] = (char)('a' + i % 26);
	lp_http *h = lp_http_create(NULL);
	char *url = url_of(&s, "/");
	lp_http_response rs;
	lp_http_response_init(&rs);
	lp_http_request rq = { "GET", url, NULL, 0, NULL, 0, 0 };

	s.status = 503;
	s.resp_body = "unavailable";
	s.resp_len = 11;
	CHECK_INT(lp_http_do(h, &rq, &rs), 0);
	CHECK_INT(rs.status, 503);
	CHECK_STR(lp_buf_str(&rs.body), "unavailable");

	s.status = 200;
	s.resp_body = big;
	s.resp_len = n;
	s.chunked = true;
	CHECK_INT(lp_http_do(h, &rq, &rs), 0);
	CHECK_INT(rs.status, 200);
	CHECK_INT(rs.body.len, n);
	CHECK(rs.body.len == n && memcmp(rs.body.data, big, n) == 0);

	lp_http_response_fini(&rs);
	lp_http_destroy(h);
	lp_free(url);
	srv_stop(&s);
	free(big);
}

static void test_connection_refused(void)
{
	int port;
	int fd = listen_any(&port);
	close(fd); /* nothing listens there now */
	lp_http *h = lp_http_create(NULL);
	char *url = lp_asprintf("http://127.0.0.1:%d/", port);
	lp_http_response rs;
	lp_http_response_init(&rs);
	lp_http_request rq = { "POST", url, NULL, 0, "x", 1, 0 };
	int rc = lp_http_do(h, &rq, &rs);
	CHECK_INT(rc, -ECONNREFUSED);
	CHECK_INT(rs.status, 0);
	CHECK(rs.error[0] != '\0');
	lp_http_response_fini(&rs);
	lp_http_destroy(h);
	lp_free(url);
}

static void test_timeout(void)
{
	srv s;
	srv_start(&s);
	s.mode = MODE_HANG;
	lp_http_opts o;
	lp_http_opts_defaults(&o);
	o.timeout_ms = 300;
	lp_http *h = lp_http_create(&o);
	char *url = url_of(&s, "/");
	lp_http_response rs;
	lp_http_response_init(&rs);
	lp_http_request rq = { "GET", url, NULL, 0, NULL, 0, 0 };
	int rc = lp_http_do(h, &rq, &rs);
	CHECK_INT(rc, -ETIMEDOUT);
	CHECK_INT(rs.status, 0);
	CHECK(strstr(rs.error, "imed out") != NULL);
	/* The handle stays usable after a failure. */
	s.mode = MODE_ANSWER;
	lp_http_destroy(h); /* closes the hung connection so the server moves on */
	h = lp_http_create(NULL);
	CHECK_INT(lp_http_do(h, &rq, &rs), 0);
	CHECK_INT(rs.status, 200);
	lp_http_response_fini(&rs);
	lp_http_destroy(h);
	lp_free(url);
	srv_stop(&s);
}

static void test_redirects(void)
{
	srv s;
	srv_start(&s);
	char *url = url_of(&s, "/old");
	lp_http_response rs;
	lp_http_response_init(&rs);
	lp_http_request rq = { "GET", url, NULL, 0, NULL, 0, 0 };
	/* Not followed by default: the 302 is the answer. */
	lp_http *h = lp_http_create(NULL);
	CHECK_INT(lp_http_do(h, &rq, &rs), 0);
	CHECK_INT(rs.status, 302);
	lp_http_destroy(h);
	lp_http_opts o;
	lp_http_opts_defaults(&o);
	o.follow_redirects = true;
	h = lp_http_create(&o);
	CHECK_INT(lp_http_do(h, &rq, &rs), 0);
	CHECK_INT(rs.status, 200);
	CHECK_STR(lp_buf_str(&rs.body), "ok");
	CHECK_INT(s.n_reqs, 3);
	if (s.n_reqs == 3)
		CHECK_STR(s.reqs[2].path, "/new");
	lp_http_response_fini(&rs);
	lp_http_destroy(h);
	lp_free(url);
	srv_stop(&s);
}

static void test_idle_timeout(void)
{
	srv s;
	srv_start(&s);
	s.mode = MODE_HANG;
	lp_http_opts o;
	lp_http_opts_defaults(&o);
	o.idle_timeout_ms = 1000; /* the whole-request limit stays at 60 s */
	lp_http *h = lp_http_create(&o);
	char *url = url_of(&s, "/");
	lp_http_response rs;
	lp_http_response_init(&rs);
	lp_http_request rq = { "GET", url, NULL, 0, NULL, 0, 0 };
	CHECK_INT(lp_http_do(h, &rq, &rs), -ETIMEDOUT);
	CHECK_INT(rs.status, 0);
	lp_http_response_fini(&rs);
	lp_http_destroy(h);
	lp_free(url);
	srv_stop(&s);
}

static void test_bad_url(void)
{
	lp_http *h = lp_http_create(NULL);
	lp_http_response rs;
	lp_http_response_init(&rs);
	lp_http_request rq = { "GET", "gopher://127.0.0.1:1/", NULL, 0, NULL, 0, 0 };
	CHECK(lp_http_do(h, &rq, &rs) < 0);
	CHECK(rs.error[0] != '\0');
	lp_http_response_fini(&rs);
	lp_http_destroy(h);
}

static void check_redact(const char *in, const char *want)
{
	char *got = lp_http_redact_url(in);
	CHECK_STR(got, want);
	lp_free(got);
}

static void test_redact(void)
{
	check_redact("http://u:p@h:9200/x", "http://u:xxxxxx@h:9200/x");
	check_redact("https://elastic:changeme@es.example.com", "https://elastic:xxxxxx@es.example.com");
	check_redact("http://h:9200/a@b", "http://h:9200/a@b");
	check_redact("http://user@h/", "http://user@h/");
	check_redact("http://h/", "http://h/");
	check_redact("http://u:p:q@x@h/", "http://u:xxxxxx@h/");
}

int main(void)
{
	LP_RUN(test_post_and_headers);
	LP_RUN(test_methods);
	LP_RUN(test_no_keepalive);
	LP_RUN(test_gzip);
	LP_RUN(test_error_status_and_large_body);
	LP_RUN(test_connection_refused);
	LP_RUN(test_timeout);
	LP_RUN(test_redirects);
	LP_RUN(test_idle_timeout);
	LP_RUN(test_bad_url);
	LP_RUN(test_redact);
	return lp_test_report();
}
