/* The Kafka input's consumer loop: one librdkafka high-level consumer per
 * consumer thread. See kafka_input.h for the delivery contract. */
#include "inputs/kafka/kafka_input.h"
#include "inputs/kafka/kafka_offsets.h"

#include "pipeline/clock.h"
#include "pipeline/error.h"
#include "pipeline/jsonw.h"
#include "pipeline/mem.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

typedef struct consumer {
	lp_kafka_input *in;
	int index;
	rd_kafka_t *rk;
	lp_source *src;
	lp_decoder *dec;
	atomic_long refs;          /* the running loop + one per batch in flight */
	pthread_mutex_t mu;        /* guards offsets */
	pthread_cond_t cv;         /* signalled when a batch is acknowledged */
	lp_kafka_offsets *offsets;
	lp_ratelimit rl_error, rl_msg, rl_log;
} consumer;

/* One poll batch of one partition: the context of its acknowledgement group. */
typedef struct batch {
	consumer *c;
	lp_kafka_offsets_part *part;
	rd_kafka_topic_t *rkt;     /* for grouping only, valid during the poll */
	int32_t partition;
	int64_t epoch, first, last;
	lp_ack *ack;
	bool cancelled;            /* the events never reached the engine */
} batch;

static void consumer_unref(consumer *c)
{
	if (atomic_fetch_sub(&c->refs, 1) != 1)
		return;
	lp_kafka_offsets_destroy(c->offsets);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	lp_free(c);
}

/* Acknowledgement of one batch: any thread (usually a worker). */
static void on_batch_ack(void *ctx)
{
	batch *b = ctx;
	consumer *c = b->c;
	if (!b->cancelled) {
		pthread_mutex_lock(&c->mu);
		lp_kafka_offsets_done(b->part, b->epoch, b->first);
		pthread_cond_broadcast(&c->cv);
		pthread_mutex_unlock(&c->mu);
	}
	lp_free(b);
	consumer_unref(c);
}

/* Stores the offsets that became safe since the last call. Consumer thread.
 * Returns the number of partitions stored. */
static int store_safe(consumer *c)
{
	rd_kafka_topic_partition_list_t *list = NULL;
	pthread_mutex_lock(&c->mu);
	size_t n = lp_kafka_offsets_count(c->offsets);
	for (size_t i = 0; i < n; i++) {
		lp_kafka_offsets_part *p = lp_kafka_offsets_at(c->offsets, i);
		int64_t next;
		if (!lp_kafka_offsets_take(p, &next))
			continue;
		if (!list)
			list = rd_kafka_topic_partition_list_new(4);
		rd_kafka_topic_partition_list_add(list, lp_kafka_offsets_topic(p),
						  lp_kafka_offsets_partition(p))->offset = next;
	}
	pthread_mutex_unlock(&c->mu);
	if (!list)
		return 0;
	int stored = 0;
	rd_kafka_offsets_store(c->rk, list);
	for (int i = 0; i < list->cnt; i++) {
		const rd_kafka_topic_partition_t *tp = &list->elems[i];
		if (tp->err)
			lp_debug(c->in->id, "Offset %lld of '%s' partition %d was not stored: %s.",
				 (long long)tp->offset, tp->topic, (int)tp->partition,
				 rd_kafka_err2str(tp->err));
		else
			stored++;
	}
	rd_kafka_topic_partition_list_destroy(list);
	return stored;
}

static bool in_list(const rd_kafka_topic_partition_list_t *parts, lp_kafka_offsets_part *p)
{
	if (!parts)
		return true;
	for (int i = 0; i < parts->cnt; i++)
		if (parts->elems[i].partition == lp_kafka_offsets_partition(p) &&
		    strcmp(parts->elems[i].topic, lp_kafka_offsets_topic(p)) == 0)
			return true;
	return false;
}

static size_t pending_locked(consumer *c, const rd_kafka_topic_partition_list_t *parts)
{
	size_t total = 0, n = lp_kafka_offsets_count(c->offsets);
	for (size_t i = 0; i < n; i++) {
		lp_kafka_offsets_part *p = lp_kafka_offsets_at(c->offsets, i);
		if (in_list(parts, p))
			total += lp_kafka_offsets_pending(p);
	}
	return total;
}

/* Waits until no batch of the partitions (all when parts is NULL) is in
 * flight, at most inflight_wait_ms. Returns the batches still pending. */
static size_t settle(consumer *c, const rd_kafka_topic_partition_list_t *parts)
{
	struct timespec deadline;
	lp_deadline_in(&deadline, CLOCK_REALTIME, (long)c->in->inflight_wait_ms);
	pthread_mutex_lock(&c->mu);
	size_t pending;
	while ((pending = pending_locked(c, parts)) > 0) {
		if (pthread_cond_timedwait(&c->cv, &c->mu, &deadline) == ETIMEDOUT) {
			pending = pending_locked(c, parts);
			break;
		}
	}
	pthread_mutex_unlock(&c->mu);
	return pending;
}

/* Waits for in-flight events of parts, stores what is safe and commits it
 * synchronously. Consumer thread. */
static void settle_and_commit(consumer *c, const rd_kafka_topic_partition_list_t *parts,
			      const char *why)
{
	size_t left = settle(c, parts);
	if (left)
		lp_warn(c->in->id,
			"%zu batch(es) of Kafka messages were still in flight after %ld ms (%s); "
			"they will be consumed again after the last committed offset.",
			left, c->in->inflight_wait_ms, why);
	store_safe(c);
	rd_kafka_resp_err_t err = rd_kafka_commit(c->rk, NULL, 0);
	if (err == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS)
		lp_info(c->in->id,
			"The group was rebalancing, so offsets could not be committed at %s; the "
			"partitions' next owner resumes from the previous commit (some events may be "
			"delivered twice).", why);
	else if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
		lp_warn(c->in->id, "Committing Kafka offsets failed (%s): %s.", why,
			rd_kafka_err2str(err));
}

static void describe_parts(const rd_kafka_topic_partition_list_t *parts, lp_buf *out)
{
	for (int i = 0; i < parts->cnt; i++)
		lp_buf_printf(out, "%s'%s'[%d]", i ? ", " : "", parts->elems[i].topic,
			      (int)parts->elems[i].partition);
	if (parts->cnt == 0)
		lp_buf_adds(out, "none");
}

static void reset_parts(consumer *c, const rd_kafka_topic_partition_list_t *parts)
{
	pthread_mutex_lock(&c->mu);
	for (int i = 0; i < parts->cnt; i++)
		lp_kafka_offsets_reset(lp_kafka_offsets_part_get(c->offsets, parts->elems[i].topic,
								  parts->elems[i].partition));
	pthread_mutex_unlock(&c->mu);
}

/* librdkafka's rebalance callback, on the consumer thread inside a poll. */
static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
			 rd_kafka_topic_partition_list_t *parts, void *opaque)
{
	consumer *c = opaque;
	bool coop = strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
	lp_buf names = LP_BUF_INIT;
	describe_parts(parts, &names);
	if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
		if (parts->cnt > 0)
			lp_info(c->in->id, "Consumer %d of group '%s' was assigned partitions %s.",
				c->index, c->in->group_id, lp_buf_str(&names));
		reset_parts(c, parts);
		if (coop) {
			rd_kafka_error_t *e = rd_kafka_incremental_assign(rk, parts);
			if (e) {
				lp_error(c->in->id, "Taking Kafka partitions failed: %s.",
					 rd_kafka_error_string(e));
				rd_kafka_error_destroy(e);
			}
		} else {
			rd_kafka_assign(rk, parts);
		}
	} else if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
		if (parts->cnt == 0) {
			/* nothing to hand over */
		} else if (rd_kafka_assignment_lost(rk)) {
			lp_warn(c->in->id,
				"Consumer %d lost partitions %s (its group session expired); events in "
				"flight will be consumed again by their new owner.",
				c->index, lp_buf_str(&names));
		} else {
			lp_info(c->in->id,
				"Partitions %s are being revoked from consumer %d: committing what was "
				"delivered.", lp_buf_str(&names), c->index);
			settle_and_commit(c, parts, "partition revocation");
		}
		reset_parts(c, parts);
		if (coop) {
			rd_kafka_error_t *e = rd_kafka_incremental_unassign(rk, parts);
			if (e)
				rd_kafka_error_destroy(e);
		} else {
			rd_kafka_assign(rk, NULL);
		}
	} else {
		lp_error(c->in->id, "Kafka rebalance failed: %s.", rd_kafka_err2str(err));
		rd_kafka_assign(rk, NULL);
	}
	lp_buf_fini(&names);
}

/* librdkafka's error callback: connection trouble is retried by librdkafka;
 * we only say so, rate-limited. */
static void on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	consumer *c = opaque;
	long long suppressed = 0;
	if (err == RD_KAFKA_RESP_ERR__FATAL) {
		char buf[512];
		rd_kafka_resp_err_t orig = rd_kafka_fatal_error(rk, buf, sizeof(buf));
		lp_error(c->in->id, "Fatal Kafka client error: %s (%s).", buf, rd_kafka_err2name(orig));
		return;
	}
	if (!lp_ratelimit_ok(&c->rl_error, 10000, &suppressed))
		return;
	if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || err == RD_KAFKA_RESP_ERR__TRANSPORT ||
	    err == RD_KAFKA_RESP_ERR__RESOLVE)
		lp_warn(c->in->id,
			"Cannot reach Kafka broker(s) '%s': %s; retrying (%lld similar messages "
			"suppressed).", c->in->bootstrap, reason, suppressed);
	else
		lp_warn(c->in->id, "Kafka client error: %s (%lld similar messages suppressed).",
			reason, suppressed);
}

static void on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	consumer *c = rd_kafka_opaque(rk);
	/* Connection failures also reach on_error, which words them for users. */
	if (level <= 4 && strcmp(fac, "FAIL") != 0) {
		long long suppressed = 0;
		if (lp_ratelimit_ok(&c->rl_log, 10000, &suppressed))
			lp_warn(c->in->id, "librdkafka %s: %s (%lld similar messages suppressed).", fac,
				buf, suppressed);
	} else {
		lp_debug(c->in->id, "librdkafka %s: %s", fac, buf);
	}
}

static void on_commit(rd_kafka_t *rk, rd_kafka_resp_err_t err,
		      rd_kafka_topic_partition_list_t *offsets, void *opaque)
{
	consumer *c = opaque;
	if (err == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS)
		lp_debug(c->in->id, "Offsets not committed while the group rebalances.");
	else if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
		lp_warn(c->in->id, "Committing Kafka offsets failed: %s; the next commit retries.",
			rd_kafka_err2str(err));
	else if (!err && lp_log_enabled(LP_LOG_DEBUG))
		for (int i = 0; offsets && i < offsets->cnt; i++)
			lp_debug(c->in->id, "Committed offset %lld of '%s'[%d].",
				 (long long)offsets->elems[i].offset, offsets->elems[i].topic,
				 (int)offsets->elems[i].partition);
}

/* A message that carries an error instead of data. */
static void message_error(consumer *c, const rd_kafka_message_t *m)
{
	if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
		return;
	long long suppressed = 0;
	if (!lp_ratelimit_ok(&c->rl_msg, 30000, &suppressed))
		return;
	const char *topic = m->rkt ? rd_kafka_topic_name(m->rkt) : NULL;
	if (m->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
	    m->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC || m->err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION)
		lp_error(c->in->id,
			 "Kafka topic %s%s%sdoes not exist (%s); waiting for it to be created.",
			 topic ? "'" : "", topic ? topic : "", topic ? "' " : "",
			 rd_kafka_message_errstr(m));
	else if (m->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
		 m->err == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED)
		lp_error(c->in->id, "Kafka refused access: %s.", rd_kafka_message_errstr(m));
	else
		lp_warn(c->in->id, "Kafka consumer error: %s (%lld similar messages suppressed).",
			rd_kafka_message_errstr(m), suppressed);
}

/* Builds [@metadata][kafka] for a message. Ownership: caller owns it. */
static lpj_t *kafka_meta(consumer *c, const rd_kafka_message_t *m)
{
	lpj_t *k = lpj_object();
	lpj_object_set_new(k, "topic", lpj_string(rd_kafka_topic_name(m->rkt)));
	lpj_object_set_new(k, "consumer_group", lpj_string(c->in->group_id));
	lpj_object_set_new(k, "partition", lpj_integer(m->partition));
	lpj_object_set_new(k, "offset", lpj_integer(m->offset));
	if (m->key && lp_utf8_valid(m->key, m->key_len))
		lpj_object_set_new(k, "key", lpj_stringn(m->key, m->key_len));
	else
		lpj_object_set_new(k, "key", lpj_null());
	rd_kafka_timestamp_type_t tstype;
	int64_t ts = rd_kafka_message_timestamp(m, &tstype);
	lpj_object_set_new(k, "timestamp", ts >= 0 ? lpj_integer(ts) : lpj_null());
	rd_kafka_headers_t *hdrs;
	if (c->in->decorate == LP_KAFKA_DECORATE_EXTENDED &&
	    rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
		lpj_t *h = lpj_object();
		const char *name;
		const void *val;
		size_t size;
		for (size_t i = 0; !rd_kafka_header_get_all(hdrs, i, &name, &val, &size); i++)
			if (name && val && lp_utf8_valid(val, size))
				lpj_object_set_new(h, name, lpj_stringn(val, size));
		lpj_object_set_new(k, "headers", h);
	}
	return k;
}

/* The batch of m's partition in this poll, created on first use. */
static batch *batch_for(consumer *c, batch ***bsp, size_t *nb, size_t *cap,
			const rd_kafka_message_t *m)
{
	batch **bs = *bsp;
	for (size_t i = *nb; i > 0; i--)
		if (bs[i - 1]->rkt == m->rkt && bs[i - 1]->partition == m->partition)
			return bs[i - 1];
	batch *b = lp_calloc(1, sizeof(*b));
	b->c = c;
	b->rkt = m->rkt;
	b->partition = m->partition;
	b->first = m->offset;
	b->ack = lp_ack_create(on_batch_ack, b);
	atomic_fetch_add(&c->refs, 1);
	LP_GROW(bs, *cap, *nb + 1);
	bs[(*nb)++] = b;
	*bsp = bs;
	return b;
}

/* Turns one poll's messages into events, one acknowledgement group per
 * partition, and pushes them. Returns 0 or LP_ECLOSED. */
static int handle_batch(consumer *c, rd_kafka_message_t **msgs, size_t n, batch ***bsp,
			size_t *bcap, lp_event_vec *vec)
{
	size_t nb = 0;
	vec->n = 0;
	for (size_t i = 0; i < n; i++) {
		rd_kafka_message_t *m = msgs[i];
		if (m->err) {
			message_error(c, m);
			continue;
		}
		batch *b = batch_for(c, bsp, &nb, bcap, m);
		b->last = m->offset;
		size_t before = vec->n;
		const char *payload = m->payload ? m->payload : "";
		lp_decoder_decode(c->dec, payload, m->len, vec);
		lp_decoder_flush(c->dec, vec);
		lpj_t *meta = NULL;
		if (c->in->decorate != LP_KAFKA_DECORATE_NONE && vec->n > before)
			meta = kafka_meta(c, m);
		for (size_t j = before; j < vec->n; j++) {
			lp_event *ev = vec->v[j];
			lp_event_set_ack(ev, b->ack);
			if (meta)
				lp_event_set(ev, c->in->meta_ref,
					     j + 1 == vec->n ? meta : lpj_deep_copy(meta));
		}
	}
	batch **bs = *bsp;

	/* Register the ranges before any acknowledgement can fire. */
	pthread_mutex_lock(&c->mu);
	for (size_t i = 0; i < nb; i++) {
		batch *b = bs[i];
		b->part = lp_kafka_offsets_part_get(c->offsets, rd_kafka_topic_name(b->rkt),
						    b->partition);
		int64_t e = lp_kafka_offsets_out(b->part, b->first, b->last);
		if (e < 0) {
			/* The partition went back (offset reset): start over. */
			lp_warn(c->in->id, "Kafka partition '%s'[%d] went back to offset %lld.",
				rd_kafka_topic_name(b->rkt), (int)b->partition, (long long)b->first);
			lp_kafka_offsets_reset(b->part);
			e = lp_kafka_offsets_out(b->part, b->first, b->last);
		}
		b->epoch = e;
	}
	pthread_mutex_unlock(&c->mu);

	int rc = 0;
	if (vec->n > 0) {
		rc = lp_source_push(c->src, vec->v, vec->n);
		vec->n = 0; /* the events moved to the engine, also on error */
	}
	if (rc < 0) {
		pthread_mutex_lock(&c->mu);
		for (size_t i = 0; i < nb; i++) {
			bs[i]->cancelled = true;
			lp_kafka_offsets_cancel(bs[i]->part, bs[i]->epoch, bs[i]->first);
		}
		pthread_mutex_unlock(&c->mu);
	}
	for (size_t i = 0; i < nb; i++)
		lp_ack_release(bs[i]->ack); /* may fire on_batch_ack right here */
	return rc;
}

static rd_kafka_t *consumer_create(consumer *c)
{
	lp_kafka_input *in = c->in;
	char err[512];
	rd_kafka_conf_t *conf = rd_kafka_conf_dup(in->conf);
	char *client_id = in->threads > 1 ? lp_asprintf("%s-%d", in->client_id, c->index)
					  : lp_strdup(in->client_id);
	rd_kafka_conf_set(conf, "client.id", client_id, err, sizeof(err));
	lp_free(client_id);
	if (in->group_instance_id) {
		char *gi = in->threads > 1 ? lp_asprintf("%s-%d", in->group_instance_id, c->index)
					   : lp_strdup(in->group_instance_id);
		rd_kafka_conf_set(conf, "group.instance.id", gi, err, sizeof(err));
		lp_free(gi);
	}
	rd_kafka_conf_set_opaque(conf, c);
	rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
	rd_kafka_conf_set_error_cb(conf, on_error);
	rd_kafka_conf_set_log_cb(conf, on_log);
	rd_kafka_conf_set_offset_commit_cb(conf, on_commit);
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
	if (!rk) {
		rd_kafka_conf_destroy(conf);
		lp_error(in->id, "Cannot create the Kafka consumer: %s.", err);
		return NULL;
	}
	rd_kafka_poll_set_consumer(rk);
	return rk;
}

static int subscribe(consumer *c)
{
	rd_kafka_topic_partition_list_t *topics =
		rd_kafka_topic_partition_list_new((int)c->in->n_topics);
	for (size_t i = 0; i < c->in->n_topics; i++)
		rd_kafka_topic_partition_list_add(topics, c->in->topics[i], RD_KAFKA_PARTITION_UA);
	rd_kafka_resp_err_t err = rd_kafka_subscribe(c->rk, topics);
	rd_kafka_topic_partition_list_destroy(topics);
	if (err) {
		lp_error(c->in->id, "Subscribing to the Kafka topics failed: %s.",
			 rd_kafka_err2str(err));
		return LP_EINVAL;
	}
	return 0;
}

int lp_kafka_consumer_run(lp_kafka_input *in, int index, lp_source *src)
{
	consumer *c = lp_calloc(1, sizeof(*c));
	c->in = in;
	c->index = index;
	c->src = src;
	atomic_init(&c->refs, 1);
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	c->offsets = lp_kafka_offsets_create();
	int rc = 0;
	c->rk = consumer_create(c);
	if (!c->rk) {
		rc = LP_ECONFIG;
		goto fail;
	}
	rc = subscribe(c);
	if (rc < 0) {
		rd_kafka_destroy(c->rk);
		goto fail;
	}
	c->dec = lp_decoder_create(in->codec);

	rd_kafka_queue_t *q = rd_kafka_queue_get_consumer(c->rk);
	rd_kafka_message_t **msgs = lp_malloc(sizeof(*msgs) * (size_t)in->max_poll_records);
	batch **bs = NULL;
	size_t bcap = 0;
	lp_event_vec vec = { 0 };
	while (!atomic_load(&in->stop)) {
		ssize_t n = rd_kafka_consume_batch_queue(q, in->poll_timeout_ms, msgs,
							 (size_t)in->max_poll_records);
		if (n < 0) {
			lp_warn(in->id, "Polling Kafka failed: %s.", rd_kafka_err2str(rd_kafka_last_error()));
			continue;
		}
		int prc = 0;
		if (n > 0)
			prc = handle_batch(c, msgs, (size_t)n, &bs, &bcap, &vec);
		for (ssize_t i = 0; i < n; i++)
			rd_kafka_message_destroy(msgs[i]);
		if (prc < 0)
			break; /* the pipeline stopped accepting events */
		if (store_safe(c) > 0 && !in->auto_commit)
			rd_kafka_commit(c->rk, NULL, 1);
	}
	lp_info(in->id, "Kafka consumer %d is stopping: committing what was delivered.", index);
	settle_and_commit(c, NULL, "shutdown");
	rd_kafka_resp_err_t err = rd_kafka_consumer_close(c->rk);
	if (err)
		lp_warn(in->id, "Closing the Kafka consumer failed: %s.", rd_kafka_err2str(err));
	rd_kafka_queue_destroy(q);
	rd_kafka_destroy(c->rk);
	c->rk = NULL;
	lp_decoder_destroy(c->dec);
	lp_free(msgs);
	lp_free(bs);
	lp_event_vec_fini(&vec);
fail:
	consumer_unref(c);
	return rc;
}
