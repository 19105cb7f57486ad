/* kafka_input: the Kafka input's folder-private contract between its option
 * handling (kafka.c: Logstash options -> librdkafka configuration, plugin
 * definition) and its consumer loop (kafka_consumer.c: one librdkafka
 * consumer per consumer thread, delivery-driven offset storing, rebalances).
 *
 * Delivery: enable.auto.offset.store is always false. Each poll batch becomes
 * one acknowledgement group per partition; when the engine releases a group
 * (every event delivered by every output, or dropped on purpose) the offset
 * tracker (kafka_offsets.h) marks the batch safe, and the consumer thread
 * stores "next safe offset" with rd_kafka_offsets_store. Stored offsets are
 * committed by librdkafka's auto commit (enable_auto_commit => true) or by the
 * consumer after each store (false), synchronously on partition revocation and
 * at shutdown after in-flight events settle (bounded by inflight_wait_ms).
 * One group per poll and partition rather than per message: with one group
 * per message the same short messages cost about 4x the CPU per event and
 * ran 1.5-2x slower (librdkafka mock, 300,000 messages, codec plain, null
 * output). */
#ifndef LP_INPUTS_KAFKA_KAFKA_INPUT_H
#define LP_INPUTS_KAFKA_KAFKA_INPUT_H

#include "pipeline/codec.h"
#include "pipeline/fieldref.h"
#include "pipeline/log.h"
#include "pipeline/source.h"

#include <librdkafka/rdkafka.h>
#include <stdatomic.h>
#include <stdbool.h>

typedef enum {
	LP_KAFKA_DECORATE_NONE,
	LP_KAFKA_DECORATE_BASIC,    /* [@metadata][kafka][topic|consumer_group|partition|offset|key|timestamp] */
	LP_KAFKA_DECORATE_EXTENDED, /* basic + [@metadata][kafka][headers][name] */
} lp_kafka_decorate;

/* One configured kafka input. Read-only once created, except stopping. */
typedef struct lp_kafka_input {
	char *id;                /* the input's id, for log messages */
	char *bootstrap;         /* bootstrap_servers, for log messages */
	rd_kafka_conf_t *conf;   /* template; each consumer gets a duplicate */
	char **topics;           /* subscription: topic names, or one "^regex" */
	size_t n_topics;
	char *group_id;
	char *client_id;
	char *group_instance_id; /* NULL when unset */
	int threads;
	int max_poll_records;
	int poll_timeout_ms;
	long inflight_wait_ms;
	bool auto_commit;        /* librdkafka commits stored offsets on its interval */
	lp_kafka_decorate decorate;
	lp_codec *codec;
	lp_fieldref *meta_ref;   /* [@metadata][kafka] */
	atomic_bool stop;
} lp_kafka_input;

/* Runs consumer number index (0-based) until in->stop is set: creates its
 * librdkafka handle, subscribes, pushes events through src, stores and
 * commits offsets, and on stop waits (bounded) for in-flight events, commits
 * and closes. Returns 0, or a negative code when the consumer could not be
 * created (logged). Called on the input's threads, one per consumer. */
int lp_kafka_consumer_run(lp_kafka_input *in, int index, lp_source *src);

#endif
