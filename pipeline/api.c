#include "pipeline/api.h"

#include "pipeline/buf.h"
#include "pipeline/jsonw.h"
#include "pipeline/log.h"
#include "pipeline/mem.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct lp_api {
	int fd;
	int port;
	int wake[2];
	pthread_t thread;
	lp_pipeline *p;
	struct timespec started;
};

static long rss_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, rss = 0;
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return rss * sysconf(_SC_PAGESIZE);
}

static double uptime_s(const lp_api *a)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - a->started.tv_sec) + (now.tv_nsec - a->started.tv_nsec) / 1e9;
}

static void metrics_text(lp_api *a, lp_buf *b)
{
	lp_pipeline_stats st;
	lp_pipeline_get_stats(a->p, &st);
	const char *id = lp_pipeline_id(a->p);
	static const struct { const char *name, *help; size_t off; } counters[] = {
		{ "logpipe_events_in_total", "Events taken from inputs.", offsetof(lp_pipeline_stats, in) },
		{ "logpipe_events_filtered_total", "Events that left the filter stage.", offsetof(lp_pipeline_stats, filtered) },
		{ "logpipe_events_out_total", "Event deliveries confirmed by outputs.", offsetof(lp_pipeline_stats, out) },
		{ "logpipe_events_dropped_by_filters_total", "Events dropped on purpose by filters.", offsetof(lp_pipeline_stats, dropped_filter) },
		{ "logpipe_events_rejected_total", "Events rejected permanently by outputs.", offsetof(lp_pipeline_stats, rejected) },
		{ "logpipe_events_dropped_by_outputs_total", "Events outputs dropped with a reason (e.g. 409).", offsetof(lp_pipeline_stats, dropped_output) },
		{ "logpipe_dead_letter_queue_events_total", "Events written to the dead-letter queue.", offsetof(lp_pipeline_stats, dlq_written) },
		{ "logpipe_conditional_eval_failures_total", "Conditions that could not be evaluated.", offsetof(lp_pipeline_stats, cond_failures) },
		{ "logpipe_output_retries_total", "Events re-sent after a transient output failure.", offsetof(lp_pipeline_stats, retries) },
	};
	for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		uint64_t v = *(const uint64_t *)((const char *)&st + counters[i].off);
		lp_buf_printf(b, "# HELP %s %s\n# TYPE %s counter\n%s{pipeline=\"%s\"} %llu\n", counters[i].name,
			      counters[i].help, counters[i].name, counters[i].name, id, (unsigned long long)v);
	}
	lp_buf_printf(b, "# HELP logpipe_events_in_flight Events taken from inputs and not yet finished.\n"
		      "# TYPE logpipe_events_in_flight gauge\nlogpipe_events_in_flight{pipeline=\"%s\"} %llu\n",
		      id, (unsigned long long)lp_pipeline_inflight(a->p));
	lp_buf_printf(b, "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
		      "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes %ld\n", rss_bytes());
	lp_buf_printf(b, "# HELP logpipe_uptime_seconds Seconds since start.\n"
		      "# TYPE logpipe_uptime_seconds gauge\nlogpipe_uptime_seconds %.3f\n", uptime_s(a));
}

static void node_stats(lp_api *a, lp_buf *b)
{
	lp_pipeline_stats st;
	lp_pipeline_get_stats(a->p, &st);
	lpj_t *events = lpj_pack("{s:I,s:I,s:I,s:I}", "in", (lpj_int_t)st.in, "filtered", (lpj_int_t)st.filtered,
				   "out", (lpj_int_t)st.out, "in_flight", (lpj_int_t)lp_pipeline_inflight(a->p));
	lpj_t *dropped = lpj_pack("{s:I,s:I,s:I}", "filters", (lpj_int_t)st.dropped_filter, "outputs_rejected",
				    (lpj_int_t)st.rejected, "outputs_dropped", (lpj_int_t)st.dropped_output);
	lpj_t *pipe = lpj_pack("{s:o,s:o,s:{s:I},s:I}", "events", events, "dropped", dropped, "dead_letter_queue",
				 "events", (lpj_int_t)st.dlq_written, "conditional_eval_failures",
				 (lpj_int_t)st.cond_failures);
	lpj_t *root = lpj_pack("{s:s,s:{s:o},s:{s:I,s:f}}", "status", "green", "pipelines", lp_pipeline_id(a->p),
				 pipe, "process", "resident_memory_bytes", (lpj_int_t)rss_bytes(), "uptime_seconds",
				 uptime_s(a));
	lp_jsonw_value(b, root);
	lpj_decref(root);
}

static void respond(int fd, int status, const char *ctype, lp_buf *body)
{
	lp_buf out = LP_BUF_INIT;
	lp_buf_printf(&out, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
		      status, status == 200 ? "OK" : status == 404 ? "Not Found" : "Bad Request", ctype, body->len);
	lp_buf_add(&out, body->data ? body->data : "", body->len);
	size_t off = 0;
	while (off < out.len) {
		ssize_t w = send(fd, out.data + off, out.len - off, MSG_NOSIGNAL);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	lp_buf_fini(&out);
}

static void serve(lp_api *a, int fd)
{
	char req[2048];
	size_t len = 0;
	struct pollfd pfd = { fd, POLLIN, 0 };
	while (len < sizeof(req) - 1 && !memmem(req, len, "\r\n\r\n", 4)) {
		if (poll(&pfd, 1, 2000) <= 0)
			return;
		ssize_t r = recv(fd, req + len, sizeof(req) - 1 - len, 0);
		if (r <= 0)
			return;
		len += (size_t)r;
	}
	req[len] = '\0';
	char method[8] = "", path[256] = "";
	if (sscanf(req, "%7s %255s", method, path) != 2)
		return;
	char *q = strchr(path, '?');
	if (q)
		*q = '\0';
	lp_buf body = LP_BUF_INIT;
	if (strcmp(method, "GET") != 0) {
		lp_buf_adds(&body, "only GET is supported\n");
		respond(fd, 400, "text/plain", &body);
	} else if (strcmp(path, "/metrics") == 0) {
		metrics_text(a, &body);
		respond(fd, 200, "text/plain; version=0.0.4", &body);
	} else if (strcmp(path, "/health") == 0) {
		lp_buf_adds(&body, "{\"status\":\"green\"}");
		respond(fd, 200, "application/json", &body);
	} else if (strcmp(path, "/_node/stats") == 0 || strcmp(path, "/") == 0) {
		node_stats(a, &body);
		respond(fd, 200, "application/json", &body);
	} else {
		lp_buf_adds(&body, "not found: try /metrics, /health or /_node/stats\n");
		respond(fd, 404, "text/plain", &body);
	}
	lp_buf_fini(&body);
}

static void *api_main(void *arg)
{
	lp_api *a = arg;
	struct pollfd pfd[2] = { { a->fd, POLLIN, 0 }, { a->wake[0], POLLIN, 0 } };
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents)
			break;
		if (pfd[0].revents & POLLIN) {
			int c = accept(a->fd, NULL, NULL);
			if (c >= 0) {
				serve(a, c);
				close(c);
			}
		}
	}
	return NULL;
}

static int parse_range(const char *spec, int *lo, int *hi)
{
	if (sscanf(spec, "%d-%d", lo, hi) == 2)
		return 0;
	if (sscanf(spec, "%d", lo) == 1) {
		*hi = *lo;
		return 0;
	}
	return -1;
}

lp_api *lp_api_start(const lp_settings *s, lp_pipeline *p)
{
	const char *host = lp_settings_str(s, "api.http.host");
	int lo, hi;
	if (parse_range(lp_settings_str(s, "api.http.port"), &lo, &hi) < 0 || lo <= 0 || hi < lo || hi > 65535) {
		lp_error("api", "Setting 'api.http.port' must be a port or a range like 9600-9700.");
		return NULL;
	}
	struct sockaddr_in sa = { .sin_family = AF_INET };
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		lp_error("api", "Setting 'api.http.host' must be an IPv4 address, got '%s'.", host);
		return NULL;
	}
	int fd = -1, port = 0;
	for (int pt = lo; pt <= hi; pt++) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			break;
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		sa.sin_port = htons((uint16_t)pt);
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(fd, 16) == 0) {
			port = pt;
			break;
		}
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		lp_warn("api", "No free port for the monitoring API on %s:%d-%d; running without it.", host, lo, hi);
		return NULL;
	}
	lp_api *a = lp_calloc(1, sizeof(*a));
	a->fd = fd;
	a->port = port;
	a->p = p;
	clock_gettime(CLOCK_MONOTONIC, &a->started);
	if (pipe(a->wake) < 0 || pthread_create(&a->thread, NULL, api_main, a) != 0) {
		lp_error("api", "Could not start the monitoring API thread.");
		close(fd);
		lp_free(a);
		return NULL;
	}
	lp_info("api", "Monitoring API on http://%s:%d (/metrics, /health, /_node/stats).", host, port);
	return a;
}

void lp_api_stop(lp_api *a)
{
	if (!a)
		return;
	ssize_t w = write(a->wake[1], "x", 1);
	(void)w;
	pthread_join(a->thread, NULL);
	close(a->fd);
	close(a->wake[0]);
	close(a->wake[1]);
	lp_free(a);
}

int lp_api_port(const lp_api *a)
{
	return a->port;
}
