/* send: writes a file to a TCP port on 127.0.0.1 as fast as the peer reads
 * it (the whole file is mapped and written in large chunks, so the sender is
 * never the bottleneck), then closes the connection and exits 0.
 *
 *   send PORT FILE [CONNECTIONS]
 *
 * With CONNECTIONS > 1 the file is cut at line boundaries into that many
 * parts, each sent on its own connection from its own thread. The sender
 * retries connecting for up to 10 s (the system under test may still be
 * starting). Build: cc -O2 -o send send.c -pthread */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct part {
	int port;
	const char *p;
	size_t n;
	int rc;
} part;

static int connect_retry(int port)
{
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		close(fd);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 10)
			return -1;
		struct timespec d = { 0, 20 * 1000 * 1000 };
		nanosleep(&d, NULL);
	}
}

static void *send_part(void *arg)
{
	part *pt = arg;
	int fd = connect_retry(pt->port);
	if (fd < 0) {
		perror("send: connect");
		pt->rc = 1;
		return NULL;
	}
	const char *p = pt->p;
	size_t n = pt->n;
	while (n) {
		ssize_t w = write(fd, p, n > (1 << 20) ? (1 << 20) : n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			perror("send: write");
			pt->rc = 1;
			break;
		}
		p += w;
		n -= (size_t)w;
	}
	close(fd); /* the kernel still delivers what is buffered */
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: send PORT FILE [CONNECTIONS]\n");
		return 2;
	}
	int port = atoi(argv[1]);
	int conns = argc > 3 ? atoi(argv[3]) : 1;
	if (conns < 1 || conns > 64)
		conns = 1;
	int fd = open(argv[2], O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		perror("send: open");
		return 1;
	}
	size_t size = (size_t)st.st_size;
	const char *data = size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0) : "";
	if (data == MAP_FAILED) {
		perror("send: mmap");
		return 1;
	}
	part parts[64];
	pthread_t th[64];
	size_t off = 0;
	for (int i = 0; i < conns; i++) {
		size_t end = i == conns - 1 ? size : size / (size_t)conns * (size_t)(i + 1);
		if (end < off)
			end = off;
		while (end < size && end > 0 && data[end - 1] != '\n')
			end++;
		parts[i] = (part){ .port = port, .p = data + off, .n = end - off, .rc = 0 };
		off = end;
		pthread_create(&th[i], NULL, send_part, &parts[i]);
	}
	int rc = 0;
	for (int i = 0; i < conns; i++) {
		pthread_join(th[i], NULL);
		rc |= parts[i].rc;
	}
	return rc;
}
