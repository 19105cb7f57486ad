#include "inputs/kafka/kafka_offsets.h"

#include "pipeline/error.h"
#include "pipeline/mem.h"

#include <assert.h>
#include <string.h>

typedef enum { PENDING, DONE, CANCELLED } range_state;

typedef struct range {
	int64_t first, last;
	range_state state;
} range;

struct lp_kafka_offsets_part {
	char *topic;
	int32_t partition;
	int64_t epoch;
	int64_t next;      /* next offset to commit, -1 when none yet */
	int64_t last_out;  /* highest offset handed out in this epoch, -1 when none */
	bool dirty;        /* next advanced since the last take */
	/* Ranges in flight, a ring in offset order: r[(head + i) % cap]. */
	range *r;
	size_t head, n, cap;
	size_t pending;
};

struct lp_kafka_offsets {
	lp_kafka_offsets_part **parts;
	size_t n, cap;
};

static range *at(const lp_kafka_offsets_part *p, size_t i)
{
	return &p->r[(p->head + i) % p->cap];
}

__attribute__((unused)) static bool part_check_invariants(const lp_kafka_offsets_part *p)
{
	size_t pending = 0;
	for (size_t i = 0; i < p->n; i++) {
		const range *x = at(p, i);
		if (x->first > x->last)
			return false;
		if (i > 0 && at(p, i - 1)->last >= x->first)
			return false;
		if (x->state == PENDING)
			pending++;
	}
	/* The front range is never done: done fronts are popped at once. */
	if (p->n > 0 && at(p, 0)->state == DONE)
		return false;
	if (p->next >= 0 && p->n > 0 && at(p, 0)->first < p->next)
		return false;
	return pending == p->pending;
}

lp_kafka_offsets *lp_kafka_offsets_create(void)
{
	return lp_calloc(1, sizeof(lp_kafka_offsets));
}

void lp_kafka_offsets_destroy(lp_kafka_offsets *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		lp_free(t->parts[i]->topic);
		lp_free(t->parts[i]->r);
		lp_free(t->parts[i]);
	}
	lp_free(t->parts);
	lp_free(t);
}

lp_kafka_offsets_part *lp_kafka_offsets_part_find(const lp_kafka_offsets *t, const char *topic,
						  int32_t partition)
{
	for (size_t i = 0; i < t->n; i++) {
		lp_kafka_offsets_part *p = t->parts[i];
		if (p->partition == partition && strcmp(p->topic, topic) == 0)
			return p;
	}
	return NULL;
}

lp_kafka_offsets_part *lp_kafka_offsets_part_get(lp_kafka_offsets *t, const char *topic,
						 int32_t partition)
{
	lp_kafka_offsets_part *p = lp_kafka_offsets_part_find(t, topic, partition);
	if (p)
		return p;
	p = lp_calloc(1, sizeof(*p));
	p->topic = lp_strdup(topic);
	p->partition = partition;
	p->next = -1;
	p->last_out = -1;
	LP_GROW(t->parts, t->cap, t->n + 1);
	t->parts[t->n++] = p;
	return p;
}

size_t lp_kafka_offsets_count(const lp_kafka_offsets *t)
{
	return t->n;
}

lp_kafka_offsets_part *lp_kafka_offsets_at(const lp_kafka_offsets *t, size_t i)
{
	return i < t->n ? t->parts[i] : NULL;
}

const char *lp_kafka_offsets_topic(const lp_kafka_offsets_part *p)
{
	return p->topic;
}

int32_t lp_kafka_offsets_partition(const lp_kafka_offsets_part *p)
{
	return p->partition;
}

static void ring_grow(lp_kafka_offsets_part *p)
{
	size_t ncap = p->cap ? p->cap * 2 : 16;
	range *nr = lp_malloc(ncap * sizeof(*nr));
	for (size_t i = 0; i < p->n; i++)
		nr[i] = *at(p, i);
	lp_free(p->r);
	p->r = nr;
	p->cap = ncap;
	p->head = 0;
}

int64_t lp_kafka_offsets_out(lp_kafka_offsets_part *p, int64_t first, int64_t last)
{
	if (first < 0 || first > last || first <= p->last_out)
		return LP_EINVAL;
	if (p->n == p->cap)
		ring_grow(p);
	range *x = &p->r[(p->head + p->n) % p->cap];
	x->first = first;
	x->last = last;
	x->state = PENDING;
	p->n++;
	p->pending++;
	p->last_out = last;
	assert(part_check_invariants(p));
	return p->epoch;
}

/* Index of the range starting at first, or p->n when there is none. */
static size_t find_range(const lp_kafka_offsets_part *p, int64_t first)
{
	size_t lo = 0, hi = p->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int64_t f = at(p, mid)->first;
		if (f == first)
			return mid;
		if (f < first)
			lo = mid + 1;
		else
			hi = mid;
	}
	return p->n;
}

bool lp_kafka_offsets_done(lp_kafka_offsets_part *p, int64_t epoch, int64_t first)
{
	if (epoch != p->epoch)
		return false;
	size_t i = find_range(p, first);
	if (i == p->n || at(p, i)->state != PENDING)
		return false;
	at(p, i)->state = DONE;
	p->pending--;
	bool advanced = false;
	while (p->n > 0 && at(p, 0)->state == DONE) {
		p->next = at(p, 0)->last + 1;
		p->head = (p->head + 1) % p->cap;
		p->n--;
		advanced = true;
	}
	if (advanced)
		p->dirty = true;
	assert(part_check_invariants(p));
	return advanced;
}

bool lp_kafka_offsets_cancel(lp_kafka_offsets_part *p, int64_t epoch, int64_t first)
{
	if (epoch != p->epoch)
		return false;
	size_t i = find_range(p, first);
	if (i == p->n || at(p, i)->state != PENDING)
		return false;
	at(p, i)->state = CANCELLED;
	p->pending--;
	assert(part_check_invariants(p));
	return true;
}

int64_t lp_kafka_offsets_next(const lp_kafka_offsets_part *p)
{
	return p->next;
}

bool lp_kafka_offsets_take(lp_kafka_offsets_part *p, int64_t *next)
{
	if (!p->dirty)
		return false;
	p->dirty = false;
	*next = p->next;
	return true;
}

size_t lp_kafka_offsets_pending(const lp_kafka_offsets_part *p)
{
	return p->pending;
}

size_t lp_kafka_offsets_pending_total(const lp_kafka_offsets *t)
{
	size_t n = 0;
	for (size_t i = 0; i < t->n; i++)
		n += t->parts[i]->pending;
	return n;
}

void lp_kafka_offsets_reset(lp_kafka_offsets_part *p)
{
	p->epoch++;
	p->n = 0;
	p->head = 0;
	p->pending = 0;
	p->next = -1;
	p->last_out = -1;
	p->dirty = false;
}
