/* mock_cluster: hosts librdkafka's mock Kafka cluster (the real Kafka protocol
 * on loopback TCP ports) for the Kafka input's integration tests.
 *
 *   mock_cluster [-b BROKERS] [-m METADATA_VERSION] TOPIC:PARTITIONS...
 *
 * Creates the cluster (3 brokers by default) and the topics, prints the
 * bootstrap servers as one line on stdout, then runs until stdin reaches end
 * of file or SIGTERM/SIGINT arrives. Lines read on stdin are commands:
 * "down N" / "up N" take broker N down or up again.
 *
 * The cluster advertises Metadata requests up to version 4 (-m to change):
 * from v4 on a client can ask the brokers not to create missing topics
 * (allow.auto.create.topics=false), as a real cluster with
 * auto.create.topics.enable=false behaves; below it the mock creates every
 * topic a client asks about. */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: mock_cluster [-b BROKERS] [-m METADATA_VERSION] TOPIC:PARTITIONS...\n");
	exit(2);
}

/* Runs one stdin command against the cluster. */
static void command(rd_kafka_mock_cluster_t *mc, const char *line)
{
	int id;
	if (sscanf(line, "down %d", &id) == 1)
		rd_kafka_mock_broker_set_down(mc, id);
	else if (sscanf(line, "up %d", &id) == 1)
		rd_kafka_mock_broker_set_up(mc, id);
	else
		fprintf(stderr, "mock_cluster: unknown command '%s'\n", line);
}

int main(int argc, char **argv)
{
	int brokers = 3, metadata_version = 4, opt;
	while ((opt = getopt(argc, argv, "b:m:")) != -1) {
		if (opt == 'b')
			brokers = atoi(optarg);
		else if (opt == 'm')
			metadata_version = atoi(optarg);
		else
			usage();
	}
	if (optind >= argc || brokers < 1)
		usage();

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	char err[512];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_conf_set(conf, "log_level", "3", err, sizeof(err));
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
	if (!rk) {
		fprintf(stderr, "mock_cluster: cannot create a client: %s\n", err);
		return 1;
	}
	rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers);
	if (!mc) {
		fprintf(stderr, "mock_cluster: cannot create the mock cluster\n");
		rd_kafka_destroy(rk);
		return 1;
	}
	for (int i = optind; i < argc; i++) {
		char *spec = strdup(argv[i]);
		char *colon = strrchr(spec, ':');
		int parts = colon ? atoi(colon + 1) : 1;
		if (colon)
			*colon = '\0';
		if (parts < 1 || !*spec)
			usage();
		rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(mc, spec, parts, brokers < 3 ? brokers : 3);
		if (e) {
			fprintf(stderr, "mock_cluster: cannot create topic '%s': %s\n", spec,
				rd_kafka_err2str(e));
			return 1;
		}
		free(spec);
	}
	rd_kafka_mock_set_apiversion(mc, 3 /* Metadata */, 0, (int16_t)metadata_version);
	printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
	fflush(stdout);

	char line[256];
	size_t len = 0;
	while (!stop_flag) {
		struct pollfd pfd = { .fd = 0, .events = POLLIN };
		int r = poll(&pfd, 1, 200);
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		ssize_t n = read(0, line + len, sizeof(line) - 1 - len);
		if (n <= 0)
			break; /* end of stdin: the test is done with us */
		len += (size_t)n;
		line[len] = '\0';
		char *nl;
		while ((nl = strchr(line, '\n'))) {
			*nl = '\0';
			if (*line)
				command(mc, line);
			len -= (size_t)(nl + 1 - line);
			memmove(line, nl + 1, len + 1);
		}
		if (len == sizeof(line) - 1)
			len = 0;
	}
	rd_kafka_mock_cluster_destroy(mc);
	rd_kafka_destroy(rk);
	return 0;
}
