/* es_sink: a fast local Elasticsearch _bulk sink for benchmarks. It answers
 * like Elasticsearch 8 — GET / with a version, template requests with
 * {"acknowledged":true}, POST [/<index>]/_bulk with {"errors":false,"items":
 * [{"<action>":{"status":201}}, ...]} (the shape filter_path=errors,
 * items.*.error,items.*.status gives) — and counts documents and bytes. gzip
 * request bodies are inflated. One thread per connection, keep-alive.
 *
 *   es_sink [PORT] [--dump FILE]
 *                      binds 127.0.0.1 (PORT 0 or none: any free port) and
 *                      prints the port on stdout once it accepts connections;
 *                      with --dump, every bulk body (inflated) is appended to
 *                      FILE whole, for a verifier to read after the run
 *   GET /_sink/stats   {"docs":N,"bulk_requests":N,"body_bytes":N,"wire_bytes":N}
 *
 * Build: cc -O2 -o es_sink es_sink.c -lz -pthread */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

static atomic_ullong docs, bulk_requests, body_bytes, wire_bytes;
static FILE *dump;
static pthread_mutex_t dump_lock = PTHREAD_MUTEX_INITIALIZER;

typedef struct buf {
	char *p;
	size_t len, cap;
} buf;

static void buf_reserve(buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t n = b->cap ? b->cap : 65536;
	while (n < b->len + extra + 1)
		n *= 2;
	b->p = realloc(b->p, n);
	if (!b->p)
		abort();
	b->cap = n;
}

static void buf_add(buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = 0;
}

static void buf_adds(buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int reply(int fd, int status, const char *reason, const char *body, size_t len, int head)
{
	char hdr[256];
	int n = snprintf(hdr, sizeof(hdr),
			 "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nX-elastic-product: Elasticsearch\r\n"
			 "Content-Length: %zu\r\n\r\n", status, reason, len);
	if (write_all(fd, hdr, (size_t)n) < 0)
		return -1;
	return head ? 0 : write_all(fd, body, len);
}

static int inflate_gzip(const char *in, size_t n, buf *out)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return -1;
	z.next_in = (unsigned char *)in;
	z.avail_in = (unsigned)n;
	out->len = 0;
	int rc;
	do {
		buf_reserve(out, n * 4 + 65536);
		z.next_out = (unsigned char *)out->p + out->len;
		z.avail_out = (unsigned)(out->cap - out->len - 1);
		rc = inflate(&z, Z_NO_FLUSH);
		out->len = out->cap - 1 - z.avail_out;
	} while (rc == Z_OK);
	inflateEnd(&z);
	return rc == Z_STREAM_END ? 0 : -1;
}

/* Builds the bulk answer for an NDJSON body. */
static void bulk_answer(const char *p, size_t n, buf *out)
{
	out->len = 0;
	buf_adds(out, "{\"errors\":false,\"items\":[");
	size_t items = 0;
	const char *end = p + n;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (nl > p) {
			/* An action line: {"<action>":{...}} */
			const char *q = p;
			while (q < nl && *q != '"')
				q++;
			const char *a = q + 1, *ae = a;
			while (ae < nl && *ae != '"')
				ae++;
			if (items++)
				buf_add(out, ",", 1);
			buf_add(out, "{\"", 2);
			buf_add(out, a, (size_t)(ae - a));
			buf_adds(out, "\":{\"status\":201}}");
			int is_delete = (size_t)(ae - a) == 6 && memcmp(a, "delete", 6) == 0;
			p = nl + 1;
			if (!is_delete && p < end) {
				/* skip the document line */
				const char *nl2 = memchr(p, '\n', (size_t)(end - p));
				p = nl2 ? nl2 + 1 : end;
			}
		} else {
			p = nl + 1;
		}
	}
	buf_adds(out, "]}");
	atomic_fetch_add(&docs, items);
}

static void *conn_main(void *arg)
{
	int fd = (int)(intptr_t)arg;
	buf in = { 0 }, body = { 0 }, plain = { 0 }, out = { 0 };
	for (;;) {
		/* Read the head. */
		char *eoh;
		while (!(in.len && (eoh = strstr(in.p, "\r\n\r\n")))) {
			buf_reserve(&in, 65536);
			ssize_t r = read(fd, in.p + in.len, in.cap - in.len - 1);
			if (r <= 0)
				goto out;
			in.len += (size_t)r;
			in.p[in.len] = 0;
			atomic_fetch_add(&wire_bytes, (unsigned long long)r);
		}
		size_t head_len = (size_t)(eoh - in.p) + 4;
		char method[16] = "", path[2048] = "";
		sscanf(in.p, "%15s %2047s", method, path);
		size_t clen = 0;
		int gz = 0;
		for (char *l = strstr(in.p, "\r\n"); l && l < eoh; l = strstr(l + 2, "\r\n")) {
			char *h = l + 2;
			if (strncasecmp(h, "Content-Length:", 15) == 0)
				clen = strtoull(h + 15, NULL, 10);
			else if (strncasecmp(h, "Content-Encoding:", 17) == 0) {
				char *g = strstr(h, "gzip"), *e = strstr(h, "\r\n");
				gz = g && e && g < e;
			}
		}
		/* Read the body. */
		while (in.len < head_len + clen) {
			buf_reserve(&in, head_len + clen - in.len);
			ssize_t r = read(fd, in.p + in.len, in.cap - in.len - 1);
			if (r <= 0)
				goto out;
			in.len += (size_t)r;
			atomic_fetch_add(&wire_bytes, (unsigned long long)r);
		}
		body.len = 0;
		buf_add(&body, in.p + head_len, clen);
		memmove(in.p, in.p + head_len + clen, in.len - head_len - clen);
		in.len -= head_len + clen;
		in.p[in.len] = 0;

		int head = strcmp(method, "HEAD") == 0, rc;
		char *q = strchr(path, '?');
		if (q)
			*q = 0;
		size_t pl = strlen(path);
		if (strcmp(method, "POST") == 0 && pl >= 5 && strcmp(path + pl - 5, "_bulk") == 0) {
			const char *p = body.p;
			size_t n = body.len;
			if (gz) {
				if (inflate_gzip(body.p, body.len, &plain) < 0) {
					const char *e = "{\"error\":{\"type\":\"parse_exception\",\"reason\":\"bad gzip\"},\"status\":400}";
					rc = reply(fd, 400, "Bad Request", e, strlen(e), 0);
					if (rc < 0)
						goto out;
					continue;
				}
				p = plain.p;
				n = plain.len;
			}
			atomic_fetch_add(&bulk_requests, 1);
			atomic_fetch_add(&body_bytes, n);
			if (dump) {
				pthread_mutex_lock(&dump_lock);
				fwrite(p, 1, n, dump);
				if (n && p[n - 1] != '\n')
					fputc('\n', dump);
				fflush(dump);
				pthread_mutex_unlock(&dump_lock);
			}
			bulk_answer(p, n, &out);
			rc = reply(fd, 200, "OK", out.p, out.len, 0);
		} else if (strcmp(path, "/_sink/stats") == 0) {
			char s[256];
			int n = snprintf(s, sizeof(s), "{\"docs\":%llu,\"bulk_requests\":%llu,\"body_bytes\":%llu,\"wire_bytes\":%llu}",
					 (unsigned long long)atomic_load(&docs), (unsigned long long)atomic_load(&bulk_requests),
					 (unsigned long long)atomic_load(&body_bytes), (unsigned long long)atomic_load(&wire_bytes));
			rc = reply(fd, 200, "OK", s, (size_t)n, head);
		} else if (strcmp(path, "/") == 0) {
			const char *s = "{\"name\":\"es-sink\",\"cluster_name\":\"bench\",\"version\":{\"number\":\"8.13.4\","
					"\"build_flavor\":\"default\"},\"tagline\":\"You Know, for Search\"}";
			rc = reply(fd, 200, "OK", s, strlen(s), head);
		} else if (strstr(path, "_template/") && head) {
			rc = reply(fd, 404, "Not Found", "", 0, 1);
		} else {
			const char *s = "{\"acknowledged\":true}";
			rc = reply(fd, 200, "OK", s, strlen(s), head);
		}
		if (rc < 0)
			goto out;
	}
out:
	close(fd);
	free(in.p);
	free(body.p);
	free(plain.p);
	free(out.p);
	return NULL;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	int port = argc > 1 ? atoi(argv[1]) : 0;
	if (argc > 3 && strcmp(argv[2], "--dump") == 0) {
		dump = fopen(argv[3], "w");
		if (!dump) {
			perror("es_sink: dump file");
			return 1;
		}
	}
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 128) < 0) {
		perror("es_sink: bind");
		return 1;
	}
	socklen_t sl = sizeof(sa);
	getsockname(ls, (struct sockaddr *)&sa, &sl);
	printf("%d\n", ntohs(sa.sin_port));
	fflush(stdout);
	for (;;) {
		int fd = accept(ls, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR)
				continue;
			perror("es_sink: accept");
			return 1;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		pthread_t t;
		pthread_attr_t at;
		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		if (pthread_create(&t, &at, conn_main, (void *)(intptr_t)fd) != 0)
			close(fd);
		pthread_attr_destroy(&at);
	}
}
