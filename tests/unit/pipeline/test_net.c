/* Unit tests of pipeline/net: listening, the loop and its cross-thread
 * wakeup, plain streams, the log budget, and TLS context errors. */
#include "pipeline/net.h"

#include "lp_test.h"
#include "pipeline/error.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static int dial(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

typedef struct seen {
	int calls;
	uint32_t events;
} seen;

static void on_ready(void *ctx, uint32_t events)
{
	seen *s = ctx;
	s->calls++;
	s->events |= events;
}

/* Runs the loop until pred holds or 5 s pass. */
static bool run_until(lp_loop *l, int *counter, int want)
{
	int64_t end = lp_net_now_ms() + 5000;
	while (*counter < want && lp_net_now_ms() < end)
		lp_loop_run_once(l, 50);
	return *counter >= want;
}

static void test_listen_accept_read_write(void)
{
	int lfd = lp_net_listen("127.0.0.1", 0, 16);
	CHECK(lfd >= 0);
	int port = lp_net_local_port(lfd);
	CHECK(port > 0);
	lp_loop *l = lp_loop_create();
	CHECK(l != NULL);
	lp_loop_watch lw;
	seen ls = { 0, 0 };
	CHECK_INT(lp_loop_add(l, &lw, lfd, EPOLLIN, on_ready, &ls), 0);
	int cfd = dial(port);
	CHECK(cfd >= 0);
	CHECK(run_until(l, &ls.calls, 1));
	lp_stream s;
	CHECK_INT(lp_stream_accept(&s, lfd, NULL), 0);
	CHECK_STR(s.peer_ip, "127.0.0.1");
	CHECK(s.peer_port > 0);
	CHECK(s.handshaken);
	/* nothing waiting: -EAGAIN */
	lp_stream s2;
	CHECK_INT(lp_stream_accept(&s2, lfd, NULL), -EAGAIN);
	char buf[16];
	CHECK_INT(lp_stream_read(&s, buf, sizeof(buf)), -EAGAIN);
	CHECK_INT(write(cfd, "hello", 5), 5);
	lp_loop_watch sw;
	seen ss = { 0, 0 };
	CHECK_INT(lp_loop_add(l, &sw, s.fd, EPOLLIN, on_ready, &ss), 0);
	CHECK(run_until(l, &ss.calls, 1));
	CHECK_INT(lp_stream_read(&s, buf, sizeof(buf)), 5);
	CHECK(memcmp(buf, "hello", 5) == 0);
	CHECK_INT(lp_stream_write(&s, "ok", 2), 2);
	CHECK_INT(read(cfd, buf, 2), 2);
	CHECK(memcmp(buf, "ok", 2) == 0);
	/* peer closes: end of stream */
	close(cfd);
	int before = ss.calls;
	CHECK(run_until(l, &ss.calls, before + 1));
	CHECK_INT(lp_stream_read(&s, buf, sizeof(buf)), 0);
	CHECK(!lp_stream_pending(&s));
	lp_loop_del(l, &sw);
	lp_stream_close(&s);
	lp_stream_close(&s); /* accepts a closed stream */
	lp_loop_del(l, &lw);
	close(lfd);
	lp_loop_destroy(l);
}

static void test_listen_errors(void)
{
	int a = lp_net_listen("127.0.0.1", 0, 4);
	CHECK(a >= 0);
	int b = lp_net_listen("127.0.0.1", lp_net_local_port(a), 4);
	CHECK_INT(b, -EADDRINUSE);
	CHECK(lp_net_listen("no-such-host.invalid", 0, 4) < 0);
	close(a);
}

static void *waker(void *arg)
{
	lp_loop_wake(arg);
	return NULL;
}

static void test_wake_from_another_thread(void)
{
	lp_loop *l = lp_loop_create();
	CHECK(!lp_loop_woken(l));
	pthread_t t;
	pthread_create(&t, NULL, waker, l);
	int64_t t0 = lp_net_now_ms();
	/* blocks until the wakeup (the deadline is only a guard) */
	while (!lp_loop_woken(l) && lp_net_now_ms() - t0 < 5000)
		lp_loop_run_once(l, 5000);
	CHECK(lp_net_now_ms() - t0 < 4000);
	pthread_join(t, NULL);
	CHECK(!lp_loop_woken(l)); /* reported once */
	lp_loop_destroy(l);
}

/* Two ready fds; whichever callback runs first unregisters the other: the
 * other's already fetched event must not be delivered. */
static lp_loop *del_loop;
static lp_loop_watch del_w[2];
static int del_calls[2];

static void on_del(void *ctx, uint32_t events)
{
	(void)events;
	int i = (int)(intptr_t)ctx;
	del_calls[i]++;
	lp_loop_del(del_loop, &del_w[1 - i]);
}

static void test_del_drops_fetched_events(void)
{
	int sv1[2], sv2[2];
	CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv1), 0);
	CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv2), 0);
	CHECK_INT(write(sv1[1], "x", 1), 1);
	CHECK_INT(write(sv2[1], "x", 1), 1);
	del_loop = lp_loop_create();
	CHECK_INT(lp_loop_add(del_loop, &del_w[0], sv1[0], EPOLLIN, on_del, (void *)(intptr_t)0), 0);
	CHECK_INT(lp_loop_add(del_loop, &del_w[1], sv2[0], EPOLLIN, on_del, (void *)(intptr_t)1), 0);
	CHECK_INT(lp_loop_run_once(del_loop, 1000), 1);
	CHECK_INT(del_calls[0] + del_calls[1], 1);
	lp_loop_destroy(del_loop);
	close(sv1[0]);
	close(sv1[1]);
	close(sv2[0]);
	close(sv2[1]);
}

static void test_burst_budget(void)
{
	lp_net_burst b = { 0, 0, 0 };
	long long supp = -1;
	int ok = 0;
	for (int i = 0; i < 30; i++)
		if (lp_net_burst_ok(&b, 20, &supp))
			ok++;
	CHECK_INT(ok, 20);
	CHECK_INT(b.suppressed, 10);
	/* a new window reports the suppressed count once */
	b.window_start -= 1000;
	CHECK(lp_net_burst_ok(&b, 20, &supp));
	CHECK_INT(supp, 10);
	CHECK(lp_net_burst_ok(&b, 20, &supp));
	CHECK_INT(supp, 0);
}

/* Accepting out of descriptors unwatches the listening socket for 100 ms;
 * other accept errors change nothing. */
static void test_accept_pause(void)
{
	lp_loop *l = lp_loop_create();
	int lfd = lp_net_listen("127.0.0.1", 0, 16);
	CHECK(lfd >= 0);
	lp_loop_watch lw;
	int ready = 0;
	CHECK_INT(lp_loop_add(l, &lw, lfd, EPOLLIN, on_ready, &ready), 0);
	lp_accept_pause p = { .loop = l, .lwatch = &lw };
	lp_net_accept_failed(&p, -ECONNABORTED, "test", "t", 0);
	CHECK(p.paused_until == 0);
	CHECK_INT((int)lw.events, EPOLLIN);
	int64_t before = lp_net_now_ms();
	lp_net_accept_failed(&p, -EMFILE, "test", "t", 3);
	CHECK(p.paused_until >= before + 100);
	CHECK_INT((int)lw.events, 0);
	lp_net_accept_resume(&p, p.paused_until - 1);
	CHECK_INT((int)lw.events, 0);
	lp_net_accept_resume(&p, p.paused_until);
	CHECK(p.paused_until == 0);
	CHECK_INT((int)lw.events, EPOLLIN);
	lp_loop_del(l, &lw);
	close(lfd);
	lp_loop_destroy(l);
}

static void test_tls_errors(void)
{
	char err[400];
	lp_tls_opts o;
	memset(&o, 0, sizeof(o));
	o.enabled = true;
	o.certificate = "/nonexistent/server.crt";
	o.key = "/nonexistent/server.key";
	CHECK(lp_net_tls_server(&o, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "/nonexistent/server.crt") != NULL);
	const char *protos[] = { "SSLv3" };
	o.protocols = protos;
	o.n_protocols = 1;
	CHECK(lp_net_tls_server(&o, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "SSLv3") != NULL);
	lp_net_tls_free(NULL);
}

int main(void)
{
	LP_RUN(test_listen_accept_read_write);
	LP_RUN(test_listen_errors);
	LP_RUN(test_wake_from_another_thread);
	LP_RUN(test_del_drops_fetched_events);
	LP_RUN(test_burst_budget);
	LP_RUN(test_tls_errors);
	LP_RUN(test_accept_pause);
	return lp_test_report();
}
