/* dlq: see pipeline/dlq.h and docs/dead_letter_queue.md.
 *
 * Layout: <dir>/.lock (flock'd while open), segments <dir>/NNNNNNNNNN.log
 * numbered from 1, one NDJSON entry per line. A run never appends to a
 * segment it did not create (the previous run's last line may be torn): it
 * starts a new one, lazily, at the first entry. */
#include "pipeline/dlq.h"

#include "pipeline/error.h"
#include "pipeline/jsonw.h"
#include "pipeline/log.h"
#include "pipeline/mem.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define SEGMENT_MAX ((uint64_t)10 * 1024 * 1024)
#define SEGMENT_MIN ((uint64_t)4096)

typedef struct segment {
	uint32_t seq;
	uint64_t bytes;
} segment;

struct lp_dlq {
	pthread_mutex_t mu;
	char *dir;
	int dir_fd, lock_fd;
	uint64_t max_bytes, seg_max;
	lp_dlq_policy policy;
	segment *segs;  /* oldest first; the last one is the open segment when fd >= 0 */
	size_t n_segs, cap_segs;
	uint64_t total;  /* bytes over all segments */
	int fd;          /* open segment, or -1 */
	uint32_t next_seq;
	bool dirty, dir_dirty;
	uint64_t dropped;  /* atomic access */
	lp_ratelimit warn_rl;
	lp_buf line;
};

static int mkdir_p(const char *path)
{
	char *p = lp_strdup(path);
	int rc = 0;
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0750) < 0 && errno != EEXIST) {
			rc = -errno;
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	lp_free(p);
	return rc;
}

static bool segment_name(const char *name, uint32_t *seq)
{
	size_t len = strlen(name);
	if (len != 14 || strcmp(name + 10, ".log") != 0)
		return false;
	uint32_t v = 0;
	for (int i = 0; i < 10; i++) {
		if (name[i] < '0' || name[i] > '9')
			return false;
		v = v * 10 + (uint32_t)(name[i] - '0');
	}
	*seq = v;
	return true;
}

static int seg_cmp(const void *a, const void *b)
{
	uint32_t x = ((const segment *)a)->seq, y = ((const segment *)b)->seq;
	return x < y ? -1 : x > y;
}

static void push_segment(lp_dlq *q, uint32_t seq, uint64_t bytes)
{
	LP_GROW(q->segs, q->cap_segs, q->n_segs + 1);
	q->segs[q->n_segs++] = (segment){seq, bytes};
	q->total += bytes;
}

static int scan(lp_dlq *q)
{
	int fd = dup(q->dir_fd);
	if (fd < 0)
		return -errno;
	DIR *d = fdopendir(fd);
	if (!d) {
		int rc = -errno;
		close(fd);
		return rc;
	}
	struct dirent *de;
	while ((de = readdir(d))) {
		uint32_t seq;
		struct stat st;
		if (!segment_name(de->d_name, &seq) || fstatat(q->dir_fd, de->d_name, &st, 0) < 0)
			continue;
		push_segment(q, seq, (uint64_t)st.st_size);
	}
	closedir(d);
	if (q->n_segs > 1)
		qsort(q->segs, q->n_segs, sizeof(*q->segs), seg_cmp);
	q->next_seq = q->n_segs ? q->segs[q->n_segs - 1].seq + 1 : 1;
	return 0;
}

lp_dlq *lp_dlq_open(const char *data_dir, const char *pipeline_id, uint64_t max_bytes,
		    lp_dlq_policy policy, int *err)
{
	lp_dlq *q = lp_calloc(1, sizeof(*q));
	int rc;
	pthread_mutex_init(&q->mu, NULL);
	q->dir_fd = q->lock_fd = q->fd = -1;
	q->max_bytes = max_bytes;
	q->policy = policy;
	q->seg_max = max_bytes / 8;
	if (q->seg_max > SEGMENT_MAX)
		q->seg_max = SEGMENT_MAX;
	if (q->seg_max < SEGMENT_MIN)
		q->seg_max = SEGMENT_MIN;
	lp_buf_init(&q->line);
	q->dir = lp_asprintf("%s/dead_letter_queue/%s", data_dir, pipeline_id);
	if ((rc = mkdir_p(q->dir)) < 0)
		goto fail;
	q->dir_fd = open(q->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (q->dir_fd < 0) {
		rc = -errno;
		goto fail;
	}
	q->lock_fd = openat(q->dir_fd, ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (q->lock_fd < 0) {
		rc = -errno;
		goto fail;
	}
	if (flock(q->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		rc = -errno;
		lp_error("dlq", "The dead-letter queue \"%s\" is in use by another process.", q->dir);
		goto fail;
	}
	if ((rc = scan(q)) < 0)
		goto fail;
	return q;
fail:
	*err = rc;
	lp_dlq_close(q);
	return NULL;
}

/* Counts the entries (lines) of a segment about to be deleted. */
static uint64_t count_lines(lp_dlq *q, const char *name)
{
	int fd = openat(q->dir_fd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	char buf[65536];
	uint64_t n = 0;
	ssize_t r;
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < r; i++)
			n += buf[i] == '\n';
	close(fd);
	return n;
}

/* Deletes the oldest closed segment. Returns false when there is none. */
static bool drop_oldest(lp_dlq *q)
{
	size_t closed = q->n_segs - (q->fd >= 0 ? 1 : 0);
	if (closed == 0)
		return false;
	char name[32];
	snprintf(name, sizeof(name), "%010u.log", q->segs[0].seq);
	uint64_t lines = count_lines(q, name);
	if (unlinkat(q->dir_fd, name, 0) < 0 && errno != ENOENT) {
		lp_warn("dlq", "Could not delete dead-letter segment \"%s/%s\": %s.", q->dir, name,
			strerror(errno));
		return false;
	}
	q->total -= q->segs[0].bytes;
	memmove(q->segs, q->segs + 1, (q->n_segs - 1) * sizeof(*q->segs));
	q->n_segs--;
	q->dir_dirty = true;
	__atomic_add_fetch(&q->dropped, lines, __ATOMIC_RELAXED);
	long long suppressed;
	if (lp_ratelimit_ok(&q->warn_rl, 10000, &suppressed))
		lp_warn("dlq", "The dead-letter queue \"%s\" is full: deleted its oldest segment \"%s\" "
			"(%llu entries; %lld more segments deleted since the last message).",
			q->dir, name, (unsigned long long)lines, suppressed);
	return true;
}

static int close_segment(lp_dlq *q)
{
	int rc = 0;
	if (q->fd < 0)
		return 0;
	if (q->dirty && fsync(q->fd) < 0)
		rc = -errno;
	close(q->fd);
	q->fd = -1;
	q->dirty = false;
	return rc;
}

static int open_segment(lp_dlq *q)
{
	char name[32];
	snprintf(name, sizeof(name), "%010u.log", q->next_seq);
	int fd = openat(q->dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	q->fd = fd;
	push_segment(q, q->next_seq, 0);
	q->next_seq++;
	q->dir_dirty = true;
	return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void encode_entry(lp_buf *out, lp_event *ev, const char *plugin_type, const char *plugin_id,
			 const char *reason)
{
	char ts[48];
	size_t tl = lp_time_format(lp_time_now(), ts, sizeof(ts));
	lp_buf_adds(out, "{\"time\":");
	lp_jsonw_string(out, ts, tl);
	lp_buf_adds(out, ",\"plugin_type\":");
	lp_jsonw_string(out, plugin_type ? plugin_type : "", plugin_type ? strlen(plugin_type) : 0);
	lp_buf_adds(out, ",\"plugin_id\":");
	lp_jsonw_string(out, plugin_id ? plugin_id : "", plugin_id ? strlen(plugin_id) : 0);
	lp_buf_adds(out, ",\"reason\":");
	lp_jsonw_string(out, reason ? reason : "", reason ? strlen(reason) : 0);
	lp_buf_adds(out, ",\"event\":");
	lp_event_write_json(ev, out, true);
	lp_buf_adds(out, "}\n");
}

static int refuse(lp_dlq *q)
{
	uint64_t n = __atomic_add_fetch(&q->dropped, 1, __ATOMIC_RELAXED);
	/* Powers of two keep this warning rare on a full queue. */
	if ((n & (n - 1)) == 0)
		lp_warn("dlq", "The dead-letter queue \"%s\" is full (dead_letter_queue.max_bytes %llu): "
			"%llu entries dropped so far.", q->dir, (unsigned long long)q->max_bytes,
			(unsigned long long)n);
	return LP_ETOOBIG;
}

int lp_dlq_append(lp_dlq *q, lp_event *ev, const char *plugin_type, const char *plugin_id,
		  const char *reason)
{
	int rc = 0;
	pthread_mutex_lock(&q->mu);
	lp_buf_reset(&q->line);
	encode_entry(&q->line, ev, plugin_type, plugin_id, reason);
	uint64_t len = q->line.len;
	if (len > q->max_bytes) {
		rc = refuse(q);
		goto out;
	}
	if (q->total + len > q->max_bytes) {
		if (q->policy == LP_DLQ_DROP_NEWER) {
			rc = refuse(q);
			goto out;
		}
		while (q->total + len > q->max_bytes && drop_oldest(q))
			;
		if (q->total + len > q->max_bytes) {
			/* Only the open segment is left: seal it so it can go too. */
			if ((rc = close_segment(q)) < 0)
				goto out;
			while (q->total + len > q->max_bytes && drop_oldest(q))
				;
			if (q->total + len > q->max_bytes) {
				rc = refuse(q);
				goto out;
			}
		}
	}
	if (q->fd >= 0 && q->segs[q->n_segs - 1].bytes > 0 &&
	    q->segs[q->n_segs - 1].bytes + len > q->seg_max) {
		if ((rc = close_segment(q)) < 0)
			goto out;
	}
	if (q->fd < 0 && (rc = open_segment(q)) < 0)
		goto out;
	segment *cur = &q->segs[q->n_segs - 1];
	if ((rc = write_all(q->fd, q->line.data, len)) < 0) {
		/* Take back a partial line so the segment stays line-aligned. */
		if (ftruncate(q->fd, (off_t)cur->bytes) < 0)
			lp_warn("dlq", "Could not truncate dead-letter segment in \"%s\" after a failed write.",
				q->dir);
		goto out;
	}
	cur->bytes += len;
	q->total += len;
	q->dirty = true;
out:
	pthread_mutex_unlock(&q->mu);
	return rc;
}

int lp_dlq_sync(lp_dlq *q)
{
	int rc = 0;
	pthread_mutex_lock(&q->mu);
	if (q->fd >= 0 && q->dirty) {
		if (fsync(q->fd) < 0)
			rc = -errno;
		else
			q->dirty = false;
	}
	if (rc == 0 && q->dir_dirty) {
		if (fsync(q->dir_fd) < 0)
			rc = -errno;
		else
			q->dir_dirty = false;
	}
	pthread_mutex_unlock(&q->mu);
	return rc;
}

uint64_t lp_dlq_dropped(const lp_dlq *q)
{
	return __atomic_load_n(&q->dropped, __ATOMIC_RELAXED);
}

void lp_dlq_close(lp_dlq *q)
{
	if (!q)
		return;
	if (q->dir_fd >= 0) {
		if (lp_dlq_sync(q) < 0)
			lp_warn("dlq", "Could not sync the dead-letter queue \"%s\" on close.", q->dir);
	}
	close_segment(q);
	if (q->lock_fd >= 0)
		close(q->lock_fd);
	if (q->dir_fd >= 0)
		close(q->dir_fd);
	pthread_mutex_destroy(&q->mu);
	lp_buf_fini(&q->line);
	lp_free(q->segs);
	lp_free(q->dir);
	lp_free(q);
}
