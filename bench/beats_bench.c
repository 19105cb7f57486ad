/* beats_bench: load generator for the beats and tcp inputs.
 *
 *   beats_bench beats PORT CONNS EVENTS [WINDOW [LEVEL]]
 *       CONNS connections each send their share of EVENTS Filebeat-shaped
 *       JSON events in windows of WINDOW (default 2048) compressed at zlib
 *       LEVEL (default 3, Filebeat's; 0 = uncompressed), two windows in
 *       flight per connection (Filebeat's pipelining), and wait for every
 *       ACK.
 *   beats_bench tcp PORT CONNS EVENTS API_PORT
 *       CONNS connections each send their share as JSON lines, then the
 *       program polls logpipe's /_node/stats on API_PORT until every event
 *       went out.
 *   beats_bench idle PORT CONNS
 *       opens CONNS beats connections, sends one small window on each and
 *       waits for its ACK, prints "ready" and keeps them open until stdin
 *       closes.
 *
 * Prints one line: mode, connections, events, wall seconds, events/s. The
 * runner (bench/beats.sh) adds the CPU seconds and RSS of the logpipe
 * process. */
#include "inputs/beats/beats_frame.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port, conns, window = 2048, level = 3;
static long long events;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int dial(int p)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)p) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		perror("connect");
		exit(1);
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			perror("write");
			exit(1);
		}
		p += w;
		n -= (size_t)w;
	}
}

/* One Filebeat-shaped event (about 850 bytes). */
static int make_event(char *out, size_t cap, long long i)
{
	return snprintf(out, cap,
		"{\"@timestamp\":\"2026-03-01T12:00:%02lld.%03lldZ\","
		"\"@metadata\":{\"beat\":\"filebeat\",\"type\":\"_doc\",\"version\":\"8.15.0\"},"
		"\"log\":{\"offset\":%lld,\"file\":{\"path\":\"/var/log/payments/gateway.log\"}},"
		"\"message\":\"{\\\"ts\\\":\\\"2026-03-01T12:00:00.123+01:00\\\",\\\"level\\\":\\\"INFO\\\","
		"\\\"service\\\":\\\"payment-gateway\\\",\\\"event\\\":\\\"payment.authorized\\\","
		"\\\"payment_id\\\":\\\"pay_%010lld\\\",\\\"amount\\\":%lld.%02lld,\\\"currency\\\":\\\"EUR\\\","
		"\\\"card\\\":\\\"4111********1111\\\",\\\"merchant\\\":\\\"m_%05lld\\\",\\\"latency_ms\\\":%lld,"
		"\\\"trace_id\\\":\\\"%016llx%016llx\\\",\\\"note\\\":\\\"customer 1234567 paid via web checkout\\\"}\","
		"\"input\":{\"type\":\"filestream\"},\"ecs\":{\"version\":\"8.0.0\"},"
		"\"host\":{\"name\":\"pay-gw-01\",\"hostname\":\"pay-gw-01\",\"architecture\":\"x86_64\","
		"\"os\":{\"family\":\"debian\",\"name\":\"Debian GNU/Linux\",\"version\":\"12 (bookworm)\"}},"
		"\"agent\":{\"type\":\"filebeat\",\"version\":\"8.15.0\",\"name\":\"pay-gw-01\","
		"\"id\":\"4c6b7e1a-0d2f-4f55-9a0e-3f1c2b7d9e10\",\"ephemeral_id\":\"b2f1c1c4-7a77-4c1b-8f7e-1e2d3c4b5a69\"},"
		"\"fields\":{\"env\":\"prod\",\"team\":\"payments\"}}",
		i % 60, i % 1000, i * 850, i, i % 5000, i % 100, i % 20000, i % 900,
		(unsigned long long)i * 2654435761ull, (unsigned long long)i);
}

/* Reads 6-byte ACK frames until one carries seq; returns false on EOF. */
static int read_ack(int fd, uint32_t want)
{
	unsigned char b[6];
	for (;;) {
		size_t got = 0;
		while (got < 6) {
			ssize_t r = read(fd, b + got, 6 - got);
			if (r <= 0) {
				if (r < 0 && errno == EINTR)
					continue;
				return 0;
			}
			got += (size_t)r;
		}
		if (b[0] != '2' || b[1] != 'A') {
			fprintf(stderr, "unexpected frame from the server\n");
			exit(1);
		}
		uint32_t seq = (uint32_t)b[2] << 24 | (uint32_t)b[3] << 16 | (uint32_t)b[4] << 8 | b[5];
		if (seq == want)
			return 1;
	}
}

typedef struct job {
	long long n;   /* events for this connection */
	long long base;
} job;

static void *beats_worker(void *arg)
{
	job *j = arg;
	int fd = dial(port);
	/* one window's bytes, made once and sent again and again */
	lp_buf frames = LP_BUF_INIT, win = LP_BUF_INIT;
	char ev[2048];
	for (int i = 0; i < window; i++) {
		int n = make_event(ev, sizeof(ev), j->base + i);
		lp_beats_encode_json(&frames, (uint32_t)i + 1, ev, (size_t)n);
	}
	lp_beats_encode_window(&win, 2, (uint32_t)window);
	if (level > 0)
		lp_beats_encode_compressed(&win, 2, frames.data, frames.len, level);
	else
		lp_buf_add(&win, frames.data, frames.len);
	long long windows = (j->n + window - 1) / window;
	long long sent = 0, acked = 0;
	while (acked < windows) {
		while (sent < windows && sent - acked < 2) {
			write_all(fd, win.data, win.len);
			sent++;
		}
		if (!read_ack(fd, (uint32_t)window)) {
			fprintf(stderr, "connection closed before all ACKs (%lld of %lld)\n", acked, windows);
			exit(1);
		}
		acked++;
	}
	close(fd);
	lp_buf_fini(&frames);
	lp_buf_fini(&win);
	return NULL;
}

static void *tcp_worker(void *arg)
{
	job *j = arg;
	int fd = dial(port);
	lp_buf b = LP_BUF_INIT;
	char ev[2048];
	/* 1,000 distinct lines, repeated */
	for (int i = 0; i < 1000; i++) {
		int n = make_event(ev, sizeof(ev), j->base + i);
		lp_buf_add(&b, ev, (size_t)n);
		lp_buf_addc(&b, '\n');
	}
	long long left = j->n;
	while (left > 0) {
		if (left >= 1000) {
			write_all(fd, b.data, b.len);
			left -= 1000;
		} else {
			size_t off = 0;
			for (long long k = 0; k < left; k++)
				off = (size_t)(strchr(b.data + off, '\n') - b.data) + 1;
			write_all(fd, b.data, off);
			left = 0;
		}
	}
	close(fd);
	lp_buf_fini(&b);
	return NULL;
}

/* events.out of logpipe's /_node/stats, or -1. */
static long long api_out(int api_port)
{
	int fd = dial(api_port);
	const char *req = "GET /_node/stats HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
	write_all(fd, req, strlen(req));
	char buf[8192];
	size_t got = 0;
	ssize_t r;
	while (got < sizeof(buf) - 1 && (r = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)r;
	buf[got] = '\0';
	close(fd);
	const char *p = strstr(buf, "\"out\":");
	return p ? atoll(p + 6) : -1;
}

static void run_jobs(void *(*fn)(void *))
{
	pthread_t *t = calloc((size_t)conns, sizeof(*t));
	job *jobs = calloc((size_t)conns, sizeof(*jobs));
	for (int i = 0; i < conns; i++) {
		jobs[i].n = events / conns + (i < events % conns ? 1 : 0);
		jobs[i].base = (long long)i * 1000003;
		pthread_create(&t[i], NULL, fn, &jobs[i]);
	}
	for (int i = 0; i < conns; i++)
		pthread_join(t[i], NULL);
	free(t);
	free(jobs);
}

static int idle(void)
{
	int *fds = calloc((size_t)conns, sizeof(int));
	lp_buf w = LP_BUF_INIT;
	char ev[2048];
	int n = make_event(ev, sizeof(ev), 1);
	lp_beats_encode_window(&w, 2, 1);
	lp_beats_encode_json(&w, 1, ev, (size_t)n);
	for (int i = 0; i < conns; i++) {
		fds[i] = dial(port);
		write_all(fds[i], w.data, w.len);
	}
	for (int i = 0; i < conns; i++)
		if (!read_ack(fds[i], 1)) {
			fprintf(stderr, "connection %d closed\n", i);
			return 1;
		}
	printf("ready\n");
	fflush(stdout);
	char c;
	while (read(0, &c, 1) > 0)
		;
	for (int i = 0; i < conns; i++)
		close(fds[i]);
	lp_buf_fini(&w);
	free(fds);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: beats_bench beats|tcp|idle PORT CONNS [EVENTS [WINDOW [LEVEL]] | EVENTS API_PORT]\n");
		return 2;
	}
	const char *mode = argv[1];
	port = atoi(argv[2]);
	conns = atoi(argv[3]);
	if (strcmp(mode, "idle") == 0)
		return idle();
	if (argc < 5)
		return 2;
	events = atoll(argv[4]);
	double t0 = now_s();
	if (strcmp(mode, "beats") == 0) {
		if (argc > 5)
			window = atoi(argv[5]);
		if (argc > 6)
			level = atoi(argv[6]);
		run_jobs(beats_worker);
	} else if (strcmp(mode, "tcp") == 0) {
		if (argc < 6)
			return 2;
		int api = atoi(argv[5]);
		long long before = api_out(api);
		run_jobs(tcp_worker);
		double deadline = now_s() + 600;
		while (api_out(api) < before + events) {
			if (now_s() > deadline) {
				fprintf(stderr, "timed out waiting for logpipe to deliver\n");
				return 1;
			}
			usleep(2000);
		}
	} else {
		return 2;
	}
	double wall = now_s() - t0;
	printf("%s conns=%d events=%lld wall_s=%.3f events_per_s=%.0f\n", mode, conns, events, wall,
	       events / wall);
	return 0;
}
