/* ack: acknowledgement groups. An input creates one group per input batch
 * (a Beats window, a Kafka poll per partition, a stdin read) and attaches it to
 * every event of the batch; the group's callback fires exactly once, on the
 * thread that releases the last reference, after every event of the batch was
 * delivered by every output it was routed to or dropped on purpose.
 *
 *   created (refs = 1, the input's own) --retain per event--> refs = 1 + n
 *   each lp_event_destroy --> release;  input's lp_ack_release after pushing
 *   refs == 0 --> callback(ctx) --> freed
 *
 * Thread-safe: retain/release are atomic. */
#ifndef LP_PIPELINE_ACK_H
#define LP_PIPELINE_ACK_H

typedef void (*lp_ack_fn)(void *ctx);

typedef struct lp_ack lp_ack;

/* Ownership: the caller holds the first reference. fn may be NULL. */
lp_ack *lp_ack_create(lp_ack_fn fn, void *ctx);
void lp_ack_retain(lp_ack *a);
/* Accepts NULL. Fires the callback and frees the group at zero. */
void lp_ack_release(lp_ack *a);

#endif
