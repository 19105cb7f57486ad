/* The kafka input: Logstash's kafka input options turned into a librdkafka
 * consumer configuration, and the plugin definition. The consumer loop is in
 * kafka_consumer.c, the offset tracker in kafka_offsets.c. */
#include "inputs/kafka/kafka_input.h"

#include "conf/schema.h"
#include "pipeline/error.h"
#include "pipeline/mem.h"
#include "pipeline/plugin.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const offset_resets[] = { "earliest", "latest", "none", NULL };
static const char *const decorations[] = { "none", "basic", "extended", "false", "true", NULL };
static const char *const isolation_levels[] = { "read_uncommitted", "read_committed", NULL };
static const char *const protocols[] = { "PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL", NULL };
static const char *const dns_lookups[] = { "default", "use_all_dns_ips",
					   "resolve_canonical_bootstrap_servers_only", NULL };
static const char *const strategies[] = { "range", "round_robin", "sticky", "cooperative_sticky",
					  NULL };

#define STRING_DESERIALIZER "org.apache.kafka.common.serialization.StringDeserializer"

static const lp_option_def options[] = {
	{ "bootstrap_servers", LP_OPT_STRING, "\"localhost:9092\"", 0, NULL, 0, 0,
	  "Kafka brokers for the first connection, as host1:port1,host2:port2." },
	{ "topics", LP_OPT_ARRAY, "[\"logstash\"]", 0, NULL, 0, 0, "Topics to subscribe to." },
	{ "topics_pattern", LP_OPT_STRING, NULL, 0, NULL, 0, 0,
	  "A regular expression (POSIX extended) matched against whole topic names; replaces topics." },
	{ "group_id", LP_OPT_STRING, "\"logstash\"", 0, NULL, 0, 0,
	  "Consumer group: processes with the same group_id share the partitions." },
	{ "group_instance_id", LP_OPT_STRING, NULL, 0, NULL, 0, 0,
	  "Static group membership id (suffixed with -N per consumer thread when consumer_threads > 1)." },
	{ "client_id", LP_OPT_STRING, "\"logstash\"", 0, NULL, 0, 0,
	  "Client id sent to the brokers (suffixed with -N per consumer thread when consumer_threads > 1)." },
	{ "consumer_threads", LP_OPT_NUMBER, "1", 0, NULL, 1, 1024,
	  "Consumers (each a group member with its own connections and thread)." },
	{ "auto_offset_reset", LP_OPT_STRING, NULL, 0, offset_resets, 0, 0,
	  "Where to start without a committed offset: earliest, latest (Kafka's default) or none (error)." },
	{ "enable_auto_commit", LP_OPT_BOOL, "true", 0, NULL, 0, 0,
	  "true: commit stored offsets every auto_commit_interval_ms; false: commit after each store. Offsets are stored only once delivered either way." },
	{ "auto_commit_interval_ms", LP_OPT_NUMBER, "5000", 0, NULL, 1, 86400000,
	  "Interval of offset commits." },
	{ "codec", LP_OPT_CODEC, "\"plain\"", 0, NULL, 0, 0,
	  "Codec decoding each message's value (plain or json)." },
	{ "decorate_events", LP_OPT_STRING, "\"none\"", 0, decorations, 0, 0,
	  "basic: add [@metadata][kafka][topic|consumer_group|partition|offset|key|timestamp]; extended: also [@metadata][kafka][headers]." },
	{ "session_timeout_ms", LP_OPT_NUMBER, "10000", 0, NULL, 1, 3600000,
	  "A consumer silent this long is considered dead and its partitions move." },
	{ "heartbeat_interval_ms", LP_OPT_NUMBER, "3000", 0, NULL, 1, 3600000,
	  "Interval of group heartbeats (below a third of session_timeout_ms)." },
	{ "max_poll_interval_ms", LP_OPT_NUMBER, "300000", 0, NULL, 1, 86400000,
	  "Maximum time between polls before the consumer leaves the group." },
	{ "max_poll_records", LP_OPT_NUMBER, "500", 0, NULL, 1, 1000000,
	  "Maximum messages taken per poll (one acknowledgement group per partition per poll)." },
	{ "poll_timeout_ms", LP_OPT_NUMBER, "100", 0, NULL, 1, 60000,
	  "How long a poll waits for messages." },
	{ "fetch_max_bytes", LP_OPT_NUMBER, "52428800", 0, NULL, 1, 2147483647,
	  "Maximum bytes per fetch response." },
	{ "fetch_max_wait_ms", LP_OPT_NUMBER, "500", 0, NULL, 0, 300000,
	  "How long the broker may wait to fill fetch_min_bytes." },
	{ "fetch_min_bytes", LP_OPT_NUMBER, NULL, 0, NULL, 1, 100000000,
	  "Minimum bytes the broker collects before answering a fetch." },
	{ "max_partition_fetch_bytes", LP_OPT_NUMBER, "1048576", 0, NULL, 1, 2147483647,
	  "Maximum bytes per partition per fetch." },
	{ "isolation_level", LP_OPT_STRING, "\"read_uncommitted\"", 0, isolation_levels, 0, 0,
	  "read_committed hides messages of aborted transactions." },
	{ "partition_assignment_strategy", LP_OPT_STRING, NULL, 0, strategies, 0, 0,
	  "range, round_robin or cooperative_sticky (sticky is not available with librdkafka)." },
	{ "auto_create_topics", LP_OPT_BOOL, "true", 0, NULL, 0, 0,
	  "Let subscribing create a missing topic (when the brokers allow it)." },
	{ "check_crcs", LP_OPT_BOOL, "true", 0, NULL, 0, 0, "Verify the CRC32 of consumed records." },
	{ "client_dns_lookup", LP_OPT_STRING, "\"use_all_dns_ips\"", 0, dns_lookups, 0, 0,
	  "How broker host names are resolved." },
	{ "client_rack", LP_OPT_STRING, NULL, 0, NULL, 0, 0, "Rack id for rack-aware fetching." },
	{ "connections_max_idle_ms", LP_OPT_NUMBER, "540000", 0, NULL, 0, 2147483647,
	  "Close connections idle this long." },
	{ "metadata_max_age_ms", LP_OPT_NUMBER, "300000", 0, NULL, 1, 86400000,
	  "Refresh cluster metadata at least this often." },
	{ "receive_buffer_bytes", LP_OPT_NUMBER, "32768", 0, NULL, -1, 100000000,
	  "Socket receive buffer (-1: the system's default)." },
	{ "send_buffer_bytes", LP_OPT_NUMBER, "131072", 0, NULL, -1, 100000000,
	  "Socket send buffer (-1: the system's default)." },
	{ "reconnect_backoff_ms", LP_OPT_NUMBER, "50", 0, NULL, 0, 3600000,
	  "Initial wait before reconnecting to a broker." },
	{ "request_timeout_ms", LP_OPT_NUMBER, "40000", 0, NULL, 10, 300000,
	  "Timeout of network requests." },
	{ "retry_backoff_ms", LP_OPT_NUMBER, "100", 0, NULL, 0, 300000,
	  "Wait before retrying a failed fetch of a partition." },
	{ "exclude_internal_topics", LP_OPT_STRING, NULL, 0, NULL, 0, 0,
	  "Accepted for compatibility: internal topics are never matched by topics_pattern." },
	{ "key_deserializer_class", LP_OPT_STRING, "\"" STRING_DESERIALIZER "\"", 0, NULL, 0, 0,
	  "Only the string deserializer is supported (keys are text)." },
	{ "value_deserializer_class", LP_OPT_STRING, "\"" STRING_DESERIALIZER "\"", 0, NULL, 0, 0,
	  "Only the string deserializer is supported (values go to the codec)." },
	{ "security_protocol", LP_OPT_STRING, "\"PLAINTEXT\"", 0, protocols, 0, 0,
	  "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL." },
	{ "sasl_mechanism", LP_OPT_STRING, "\"GSSAPI\"", 0, NULL, 0, 0,
	  "SASL mechanism: GSSAPI, PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER." },
	{ "sasl_kerberos_service_name", LP_OPT_STRING, NULL, 0, NULL, 0, 0,
	  "Kerberos principal name the brokers run as." },
	{ "sasl_jaas_config", LP_OPT_PASSWORD, NULL, LP_OPT_SECRET, NULL, 0, 0,
	  "JAAS line of a PlainLoginModule or ScramLoginModule: its username and password are used." },
	{ "ssl_truststore_location", LP_OPT_PATH, NULL, 0, NULL, 0, 0,
	  "CA certificates (PEM) that verify the brokers." },
	{ "ssl_truststore_type", LP_OPT_STRING, NULL, 0, NULL, 0, 0, "PEM (JKS stores must be converted)." },
	{ "ssl_truststore_password", LP_OPT_PASSWORD, NULL, LP_OPT_SECRET, NULL, 0, 0,
	  "Accepted for compatibility (PEM trust stores have no password)." },
	{ "ssl_keystore_location", LP_OPT_PATH, NULL, 0, NULL, 0, 0,
	  "Client certificate and key: PKCS12, or PEM with ssl_keystore_type => PEM." },
	{ "ssl_keystore_type", LP_OPT_STRING, NULL, 0, NULL, 0, 0, "PKCS12 (default) or PEM." },
	{ "ssl_keystore_password", LP_OPT_PASSWORD, NULL, LP_OPT_SECRET, NULL, 0, 0,
	  "Password of the PKCS12 key store." },
	{ "ssl_key_password", LP_OPT_PASSWORD, NULL, LP_OPT_SECRET, NULL, 0, 0,
	  "Password of the private key." },
	{ "ssl_endpoint_identification_algorithm", LP_OPT_STRING, "\"https\"", 0, NULL, 0, 0,
	  "https verifies the broker's host name; an empty string disables the check." },
	{ "kafka_properties", LP_OPT_HASH, "{}", 0, NULL, 0, 0,
	  "logpipe: any other librdkafka consumer property, e.g. { \"fetch.queue.backoff.ms\" => \"10\" }; applied last." },
	{ "inflight_wait_ms", LP_OPT_NUMBER, "30000", 0, NULL, 0, 3600000,
	  "logpipe: on partition revocation and shutdown, how long to wait for in-flight events before committing." },
	LP_OPT_END,
};

/* Options that map one to one onto a librdkafka property. */
static const struct {
	const char *option, *property;
} direct[] = {
	{ "bootstrap_servers", "bootstrap.servers" },
	{ "group_id", "group.id" },
	{ "auto_commit_interval_ms", "auto.commit.interval.ms" },
	{ "session_timeout_ms", "session.timeout.ms" },
	{ "heartbeat_interval_ms", "heartbeat.interval.ms" },
	{ "max_poll_interval_ms", "max.poll.interval.ms" },
	{ "fetch_max_bytes", "fetch.max.bytes" },
	{ "fetch_max_wait_ms", "fetch.wait.max.ms" },
	{ "fetch_min_bytes", "fetch.min.bytes" },
	{ "max_partition_fetch_bytes", "max.partition.fetch.bytes" },
	{ "isolation_level", "isolation.level" },
	{ "auto_create_topics", "allow.auto.create.topics" },
	{ "check_crcs", "check.crcs" },
	{ "client_rack", "client.rack" },
	{ "connections_max_idle_ms", "connections.max.idle.ms" },
	{ "metadata_max_age_ms", "metadata.max.age.ms" },
	{ "reconnect_backoff_ms", "reconnect.backoff.ms" },
	{ "request_timeout_ms", "socket.timeout.ms" },
	{ "retry_backoff_ms", "fetch.error.backoff.ms" },
	{ "sasl_kerberos_service_name", "sasl.kerberos.service.name" },
	{ "ssl_keystore_password", "ssl.keystore.password" },
	{ "ssl_key_password", "ssl.key.password" },
};

/* Properties logpipe manages itself. */
static const char *const reserved[] = { "enable.auto.offset.store", "enable.partition.eof", NULL };

/* Sets one property; reports a failure at option. Returns false on error. */
static bool conf_set(lp_args *a, rd_kafka_conf_t *conf, const char *option, size_t item,
		     const char *prop, const char *value)
{
	char err[512];
	if (rd_kafka_conf_set(conf, prop, value, err, sizeof(err)) == RD_KAFKA_CONF_OK)
		return true;
	if (item == (size_t)-1)
		lp_args_error(a, option, "librdkafka rejected '%s' for option '%s': %s", prop, option,
			      err);
	else
		lp_args_error_item(a, option, item, "librdkafka rejected property '%s': %s", prop,
				   err);
	return false;
}

/* A JSON scalar as property text (numbers without a fraction as integers). */
static bool value_text(const lpj_t *v, char *buf, size_t cap, const char **out)
{
	if (lpj_is_string(v)) {
		*out = lpj_string_value(v);
		return true;
	}
	if (lpj_is_integer(v))
		snprintf(buf, cap, "%lld", (long long)lpj_integer_value(v));
	else if (lpj_is_real(v))
		snprintf(buf, cap, "%.17g", lpj_real_value(v));
	else if (lpj_is_boolean(v))
		snprintf(buf, cap, "%s", lpj_is_true(v) ? "true" : "false");
	else
		return false;
	*out = buf;
	return true;
}

static void apply_direct(lp_args *a, rd_kafka_conf_t *conf)
{
	for (size_t i = 0; i < sizeof(direct) / sizeof(direct[0]); i++) {
		const lpj_t *v = lp_args_get(a, direct[i].option);
		char buf[64];
		const char *text;
		if (!v || lpj_is_null(v) || !value_text(v, buf, sizeof(buf), &text))
			continue;
		conf_set(a, conf, direct[i].option, (size_t)-1, direct[i].property, text);
	}
	for (int k = 0; k < 2; k++) {
		const char *opt = k ? "send_buffer_bytes" : "receive_buffer_bytes";
		long long n = lp_args_int(a, opt, 0);
		char buf[32];
		snprintf(buf, sizeof(buf), "%lld", n < 0 ? 0 : n); /* 0: system default */
		conf_set(a, conf, opt, (size_t)-1,
			 k ? "socket.send.buffer.bytes" : "socket.receive.buffer.bytes", buf);
	}
}

/* Extracts key="value" (or key='value') from a JAAS line. Ownership: caller
 * frees the result; NULL when absent. */
static char *jaas_value(const char *jaas, const char *key)
{
	size_t klen = strlen(key);
	for (const char *p = jaas; (p = strstr(p, key)); p += klen) {
		if (p > jaas && (p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z') ||
				 (p[-1] >= 'A' && p[-1] <= 'Z')))
			continue;
		const char *q = p + klen;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '=')
			continue;
		q++;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '"' && *q != '\'')
			continue;
		char quote = *q++;
		const char *end = strchr(q, quote);
		if (!end)
			return NULL;
		return lp_strndup(q, (size_t)(end - q));
	}
	return NULL;
}

static void apply_security(lp_args *a, rd_kafka_conf_t *conf)
{
	const char *proto = lp_args_str(a, "security_protocol");
	char lower[32];
	size_t i;
	for (i = 0; proto[i] && i + 1 < sizeof(lower); i++)
		lower[i] = (char)(proto[i] >= 'A' && proto[i] <= 'Z' ? proto[i] + 32 : proto[i]);
	lower[i] = '\0';
	conf_set(a, conf, "security_protocol", (size_t)-1, "security.protocol", lower);
	if (strncmp(lower, "sasl_", 5) == 0 || lp_args_isset(a, "sasl_mechanism"))
		conf_set(a, conf, "sasl_mechanism", (size_t)-1, "sasl.mechanisms",
			 lp_args_str(a, "sasl_mechanism"));

	const char *jaas = lp_args_str(a, "sasl_jaas_config");
	if (jaas) {
		char *user = jaas_value(jaas, "username"), *pass = jaas_value(jaas, "password");
		if (!user || !pass)
			lp_args_error(a, "sasl_jaas_config",
				      "sasl_jaas_config needs username=\"...\" and password=\"...\" "
				      "(a PlainLoginModule or ScramLoginModule line)");
		else if (conf_set(a, conf, "sasl_jaas_config", (size_t)-1, "sasl.username", user))
			conf_set(a, conf, "sasl_jaas_config", (size_t)-1, "sasl.password", pass);
		lp_free(user);
		lp_free(pass);
	}

	const char *ts_type = lp_args_str(a, "ssl_truststore_type");
	if (ts_type && strcasecmp(ts_type, "PEM") != 0)
		lp_args_error(a, "ssl_truststore_type",
			      "trust store type '%s' is not supported: convert it to PEM "
			      "(keytool -exportcert -rfc) and set ssl_truststore_type => \"PEM\"",
			      ts_type);
	const char *ts = lp_args_str(a, "ssl_truststore_location");
	if (ts)
		conf_set(a, conf, "ssl_truststore_location", (size_t)-1, "ssl.ca.location", ts);

	const char *ks_type = lp_args_str(a, "ssl_keystore_type");
	const char *ks = lp_args_str(a, "ssl_keystore_location");
	if (ks_type && strcasecmp(ks_type, "PEM") == 0) {
		if (ks && conf_set(a, conf, "ssl_keystore_location", (size_t)-1,
				   "ssl.certificate.location", ks))
			conf_set(a, conf, "ssl_keystore_location", (size_t)-1, "ssl.key.location", ks);
	} else if (ks_type && strcasecmp(ks_type, "PKCS12") != 0) {
		lp_args_error(a, "ssl_keystore_type",
			      "key store type '%s' is not supported: use PKCS12 or PEM", ks_type);
	} else if (ks) {
		conf_set(a, conf, "ssl_keystore_location", (size_t)-1, "ssl.keystore.location", ks);
	}

	const char *algo = lp_args_str(a, "ssl_endpoint_identification_algorithm");
	conf_set(a, conf, "ssl_endpoint_identification_algorithm", (size_t)-1,
		 "ssl.endpoint.identification.algorithm", algo && *algo ? algo : "none");
}

static void apply_properties(lp_args *a, rd_kafka_conf_t *conf)
{
	const lpj_t *props = lp_args_get(a, "kafka_properties");
	if (!lpj_is_object(props))
		return;
	const char *key;
	const lpj_t *v;
	size_t i = 0;
	lpj_object_foreach((lpj_t *)props, key, v) {
		char buf[64];
		const char *text;
		bool ok = true;
		for (size_t r = 0; reserved[r]; r++)
			if (strcmp(key, reserved[r]) == 0) {
				lp_args_error_item(a, "kafka_properties", i,
						   "property '%s' is managed by logpipe (offsets are "
						   "stored only once events are delivered)", key);
				ok = false;
			}
		if (ok && !value_text(v, buf, sizeof(buf), &text)) {
			lp_args_error_item(a, "kafka_properties", i,
					   "property '%s' needs a string, number or boolean value", key);
			ok = false;
		}
		if (ok)
			conf_set(a, conf, "kafka_properties", i, key, text);
		i++;
	}
}

static void kafka_destroy(void *inst)
{
	lp_kafka_input *in = inst;
	if (!in)
		return;
	if (in->conf)
		rd_kafka_conf_destroy(in->conf);
	for (size_t i = 0; i < in->n_topics; i++)
		lp_free(in->topics[i]);
	lp_free(in->topics);
	lp_free(in->id);
	lp_free(in->bootstrap);
	lp_free(in->group_id);
	lp_free(in->client_id);
	lp_free(in->group_instance_id);
	lp_codec_destroy(in->codec);
	lp_fieldref_destroy(in->meta_ref);
	lp_free(in);
}

static void *kafka_create(lp_args *a)
{
	lp_kafka_input *in = lp_calloc(1, sizeof(*in));
	atomic_init(&in->stop, false);
	in->id = lp_strdup(lp_args_id(a));
	in->bootstrap = lp_strdup(lp_args_str(a, "bootstrap_servers"));
	in->group_id = lp_strdup(lp_args_str(a, "group_id"));
	in->client_id = lp_strdup(lp_args_str(a, "client_id"));
	if (lp_args_str(a, "group_instance_id"))
		in->group_instance_id = lp_strdup(lp_args_str(a, "group_instance_id"));
	in->threads = (int)lp_args_int(a, "consumer_threads", 1);
	in->max_poll_records = (int)lp_args_int(a, "max_poll_records", 500);
	in->poll_timeout_ms = (int)lp_args_int(a, "poll_timeout_ms", 100);
	in->inflight_wait_ms = (long)lp_args_int(a, "inflight_wait_ms", 30000);
	in->auto_commit = lp_args_bool(a, "enable_auto_commit", true);

	const char *deco = lp_args_str(a, "decorate_events");
	if (!deco || !strcmp(deco, "none") || !strcmp(deco, "false"))
		in->decorate = LP_KAFKA_DECORATE_NONE;
	else if (!strcmp(deco, "extended"))
		in->decorate = LP_KAFKA_DECORATE_EXTENDED;
	else
		in->decorate = LP_KAFKA_DECORATE_BASIC;
	in->meta_ref = lp_fieldref_compile("[@metadata][kafka]", NULL, NULL);

	const char *pattern = lp_args_str(a, "topics_pattern");
	if (pattern) {
		in->topics = lp_malloc(sizeof(char *));
		in->topics[0] = lp_asprintf("^(%s)$", pattern);
		in->n_topics = 1;
	} else {
		const lpj_t *t = lp_args_get(a, "topics");
		size_t n = lpj_array_size(t);
		if (n == 0)
			lp_args_error(a, "topics", "at least one topic (or topics_pattern) is needed");
		in->topics = lp_calloc(n ? n : 1, sizeof(char *));
		for (size_t i = 0; i < n; i++) {
			const char *name = lp_args_item_str(a, "topics", i);
			if (!name || !*name || name[0] == '^') {
				lp_args_error_item(a, "topics", i,
						   "a topic name must be non-empty and not start with '^' "
						   "(use topics_pattern for regular expressions)");
				continue;
			}
			in->topics[in->n_topics++] = lp_strdup(name);
		}
	}
	if (!*in->group_id)
		lp_args_error(a, "group_id", "group_id must not be empty");
	for (int k = 0; k < 2; k++) {
		const char *opt = k ? "value_deserializer_class" : "key_deserializer_class";
		const char *cls = lp_args_str(a, opt);
		if (cls && strcmp(cls, STRING_DESERIALIZER) != 0)
			lp_args_error(a, opt, "only '%s' is supported", STRING_DESERIALIZER);
	}

	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	in->conf = conf;
	apply_direct(a, conf);
	const char *reset = lp_args_str(a, "auto_offset_reset");
	if (reset)
		conf_set(a, conf, "auto_offset_reset", (size_t)-1, "auto.offset.reset",
			 strcmp(reset, "none") == 0 ? "error" : reset);
	const char *strategy = lp_args_str(a, "partition_assignment_strategy");
	if (strategy) {
		if (!strcmp(strategy, "sticky"))
			lp_args_error(a, "partition_assignment_strategy",
				      "the eager 'sticky' strategy is not available: use "
				      "'cooperative_sticky'");
		else
			conf_set(a, conf, "partition_assignment_strategy", (size_t)-1,
				 "partition.assignment.strategy",
				 !strcmp(strategy, "round_robin")	 ? "roundrobin"
				 : !strcmp(strategy, "cooperative_sticky") ? "cooperative-sticky"
									   : strategy);
	}
	const char *dns = lp_args_str(a, "client_dns_lookup");
	char err[256];
	if (dns && strcmp(dns, "default") != 0 &&
	    rd_kafka_conf_set(conf, "client.dns.lookup", dns, err, sizeof(err)) == RD_KAFKA_CONF_UNKNOWN &&
	    strcmp(dns, "use_all_dns_ips") != 0)
		lp_args_error(a, "client_dns_lookup", "'%s' is not supported by this librdkafka", dns);
	apply_security(a, conf);
	conf_set(a, conf, "enable_auto_commit", (size_t)-1, "enable.auto.commit",
		 in->auto_commit ? "true" : "false");
	conf_set(a, conf, "kafka_properties", (size_t)-1, "log.connection.close", "false");
	/* librdkafka's own messages: warnings and worse, all of them at debug. */
	conf_set(a, conf, "kafka_properties", (size_t)-1, "log_level",
		 lp_log_enabled(LP_LOG_DEBUG) ? "7" : "4");
	/* librdkafka prefetches up to 64 MiB per consumer by default; 16 MiB
	 * keeps the pipe full at a quarter of the memory. */
	conf_set(a, conf, "kafka_properties", (size_t)-1, "queued.max.messages.kbytes", "16384");
	apply_properties(a, conf);
	/* Delivery: offsets are stored by the input once events are safe. */
	conf_set(a, conf, "kafka_properties", (size_t)-1, "enable.auto.offset.store", "false");
	conf_set(a, conf, "kafka_properties", (size_t)-1, "enable.partition.eof", "false");

	in->codec = lp_codec_from_args(a, "codec");
	if (lp_args_failed(a) || !in->codec) {
		kafka_destroy(in);
		return NULL;
	}
	return in;
}

typedef struct thread_arg {
	lp_kafka_input *in;
	int index;
	lp_source *src;
	pthread_t tid;
	int rc;
} thread_arg;

static void *consumer_thread(void *p)
{
	thread_arg *t = p;
	t->rc = lp_kafka_consumer_run(t->in, t->index, t->src);
	return NULL;
}

static int kafka_run(void *inst, lp_source *src)
{
	lp_kafka_input *in = inst;
	lp_info(in->id, "Consuming Kafka topics from '%s' as group '%s' with %d consumer(s).",
		in->bootstrap, in->group_id, in->threads);
	thread_arg *ts = lp_calloc((size_t)in->threads, sizeof(*ts));
	int started = 1;
	for (int i = 1; i < in->threads; i++) {
		ts[i] = (thread_arg){ .in = in, .index = i, .src = src };
		int e = pthread_create(&ts[i].tid, NULL, consumer_thread, &ts[i]);
		if (e) {
			lp_error(in->id, "Cannot start Kafka consumer thread %d: %s.", i, strerror(e));
			break;
		}
		started++;
	}
	int rc = lp_kafka_consumer_run(in, 0, src);
	if (rc < 0)
		atomic_store(&in->stop, true); /* a broken configuration stops the others */
	for (int i = 1; i < started; i++) {
		pthread_join(ts[i].tid, NULL);
		if (ts[i].rc < 0 && rc == 0)
			rc = ts[i].rc;
	}
	lp_free(ts);
	return rc;
}

static void kafka_stop(void *inst)
{
	lp_kafka_input *in = inst;
	atomic_store(&in->stop, true);
}

const lp_plugin_def lp_plugin_input_kafka = {
	.name = "kafka",
	.kind = LP_PLUGIN_INPUT,
	.doc = "Consumes Kafka topics in a consumer group; offsets are committed only once events are delivered.",
	.options = options,
	.create = kafka_create,
	.destroy = kafka_destroy,
	.run = kafka_run,
	.stop = kafka_stop,
};
