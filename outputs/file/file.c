/* file output: appends encoded events (json_lines by default) to files whose
 * path is a sprintf template, e.g. daily files "logs-%{+YYYY.MM.dd}.ndjson".
 * Directories are created. Open files are kept in a small table and closed
 * after stale_cleanup_interval seconds without writes. A path whose template
 * cannot be rendered (a field is missing) or that escapes the configured
 * directory goes to filename_failure in the path's static directory, as
 * Logstash does. An event is DELIVERED once its bytes were written to the
 * file (write(2) at the end of each batch; with gzip the batch is a
 * sync-flushed gzip member). One mutex per output instance: batch-level
 * locking. */
#include "conf/schema.h"
#include "pipeline/codec.h"
#include "pipeline/log.h"
#include "pipeline/mem.h"
#include "pipeline/plugin.h"
#include "pipeline/template.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

typedef struct open_file {
	char *path;
	int fd;
	time_t last_write;
	lp_buf pending;           /* bytes of this batch */
	size_t first, count;      /* the batch's events routed here: indexes in order[] */
} open_file;

typedef struct out_file {
	lp_template *path;
	lp_codec *codec;
	bool gzip;
	long stale_s;
	mode_t dir_mode, file_mode;
	bool overwrite;
	char *static_dir;          /* the part of path before the first %{ */
	char *failure_name;
	const char *id;
	pthread_mutex_t lock;
	open_file *files;
	size_t n_files, cap_files;
	size_t *owner;             /* per event of the batch: index into files */
	size_t cap_owner;
	lp_buf scratch;
} out_file;

static const char *const behaviors[] = { "append", "overwrite", NULL };

static const lp_option_def options[] = {
	{ "path", LP_OPT_TEMPLATE, NULL, LP_OPT_REQUIRED, NULL, 0, 0, "File path; sprintf fields and %{+YYYY.MM.dd} dates allowed." },
	{ "codec", LP_OPT_CODEC, "\"json_lines\"", 0, NULL, 0, 0, "How events are written." },
	{ "gzip", LP_OPT_BOOL, "false", 0, NULL, 0, 0, "Write gzip-compressed files (one gzip member per batch)." },
	{ "flush_interval", LP_OPT_NUMBER, "2", 0, NULL, 0, 3600, "Accepted for compatibility: logpipe writes every batch before confirming it." },
	{ "create_if_deleted", LP_OPT_BOOL, "true", 0, NULL, 0, 0, "Re-create a file deleted while open." },
	{ "dir_mode", LP_OPT_NUMBER, "-1", 0, NULL, 0, 0, "Mode of created directories (octal as decimal digits, -1: 0750 with the umask)." },
	{ "file_mode", LP_OPT_NUMBER, "-1", 0, NULL, 0, 0, "Mode of created files (-1: 0640 with the umask)." },
	{ "filename_failure", LP_OPT_STRING, "\"_filepath_failures\"", 0, NULL, 0, 0, "File (in the path's static directory) for events whose path cannot be rendered." },
	{ "write_behavior", LP_OPT_STRING, "\"append\"", 0, behaviors, 0, 0, "append, or overwrite the file on each batch." },
	{ "stale_cleanup_interval", LP_OPT_NUMBER, "10", 0, NULL, 1, 86400, "Seconds without writes after which a file is closed." },
	LP_OPT_END,
};

/* Octal digits written as a decimal number (Logstash: 0750 -> 750). */
static mode_t mode_from(long long v, mode_t def)
{
	if (v < 0)
		return def;
	mode_t m = 0;
	long long mul = 1;
	while (v > 0) {
		m += (mode_t)((v % 10) * mul);
		v /= 10;
		mul *= 8;
	}
	return m;
}

static void *file_create(lp_args *a)
{
	lp_template *t = lp_args_template(a, "path");
	lp_codec *c = lp_codec_from_args(a, "codec");
	if (!t || !c) {
		lp_template_destroy(t);
		lp_codec_destroy(c);
		return NULL;
	}
	out_file *o = lp_calloc(1, sizeof(*o));
	o->path = t;
	o->codec = c;
	o->gzip = lp_args_bool(a, "gzip", false);
	o->stale_s = (long)lp_args_num(a, "stale_cleanup_interval", 10);
	o->dir_mode = mode_from(lp_args_int(a, "dir_mode", -1), 0750);
	o->file_mode = mode_from(lp_args_int(a, "file_mode", -1), 0640);
	o->overwrite = strcmp(lp_args_str(a, "write_behavior"), "overwrite") == 0;
	o->failure_name = lp_strdup(lp_args_str(a, "filename_failure"));
	o->id = lp_args_id(a);
	const char *text = lp_template_text(t);
	const char *dyn = strstr(text, "%{");
	size_t upto = dyn ? (size_t)(dyn - text) : strlen(text);
	while (upto > 0 && text[upto - 1] != '/')
		upto--;
	o->static_dir = upto ? lp_strndup(text, upto) : lp_strdup("./");
	pthread_mutex_init(&o->lock, NULL);
	return o;
}

static void close_file(open_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	lp_free(f->path);
	lp_buf_fini(&f->pending);
}

static void file_destroy(void *inst)
{
	out_file *o = inst;
	if (!o)
		return;
	for (size_t i = 0; i < o->n_files; i++)
		close_file(&o->files[i]);
	lp_free(o->files);
	lp_free(o->owner);
	lp_template_destroy(o->path);
	lp_codec_destroy(o->codec);
	lp_free(o->static_dir);
	lp_free(o->failure_name);
	lp_buf_fini(&o->scratch);
	pthread_mutex_destroy(&o->lock);
	lp_free(o);
}

/* mkdir -p of path's directory. Returns 0 or -errno. */
static int make_parents(const char *path, mode_t mode)
{
	char *p = lp_strdup(path);
	int rc = 0;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			rc = -errno;
			*s = '/';
			break;
		}
		*s = '/';
	}
	lp_free(p);
	return rc;
}

/* The rendered path for ev, or the failure file when the template left a
 * reference unresolved or the result leaves the static directory. */
static const char *path_for(out_file *o, lp_event *ev)
{
	lp_buf_reset(&o->scratch);
	lp_template_render(o->path, ev, &o->scratch);
	const char *p = lp_buf_str(&o->scratch);
	if (!lp_template_is_constant(o->path) && (strstr(p, "%{") || strstr(p, "/../") ||
						  strncmp(p, o->static_dir, strlen(o->static_dir)) != 0)) {
		lp_buf_reset(&o->scratch);
		lp_buf_adds(&o->scratch, o->static_dir);
		lp_buf_adds(&o->scratch, o->failure_name);
		p = lp_buf_str(&o->scratch);
	}
	return p;
}

static size_t file_index(out_file *o, const char *path)
{
	for (size_t i = 0; i < o->n_files; i++)
		if (strcmp(o->files[i].path, path) == 0)
			return i;
	LP_GROW(o->files, o->cap_files, o->n_files + 1);
	open_file *f = &o->files[o->n_files];
	memset(f, 0, sizeof(*f));
	f->path = lp_strdup(path);
	f->fd = -1;
	return o->n_files++;
}

static int open_if_needed(out_file *o, open_file *f)
{
	struct stat st;
	if (f->fd >= 0 && (fstat(f->fd, &st) < 0 || st.st_nlink == 0)) {
		close(f->fd); /* deleted while open: create it again */
		f->fd = -1;
	}
	if (f->fd >= 0 && !o->overwrite)
		return 0;
	if (f->fd >= 0) {
		close(f->fd);
		f->fd = -1;
	}
	int rc = make_parents(f->path, o->dir_mode);
	if (rc < 0)
		return rc;
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (o->overwrite ? O_TRUNC : O_APPEND);
	f->fd = open(f->path, flags, o->file_mode);
	return f->fd < 0 ? -errno : 0;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Compresses buf as one gzip member into out. */
static void gzip_member(const lp_buf *in, lp_buf *out)
{
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
	lp_buf_reserve(out, deflateBound(&zs, in->len) + 32);
	zs.next_in = (Bytef *)in->data;
	zs.avail_in = (uInt)in->len;
	zs.next_out = (Bytef *)out->data + out->len;
	zs.avail_out = (uInt)(out->cap - out->len - 1);
	deflate(&zs, Z_FINISH);
	out->len += zs.total_out;
	deflateEnd(&zs);
}

static void close_stale(out_file *o, time_t now)
{
	for (size_t i = 0; i < o->n_files;) {
		open_file *f = &o->files[i];
		if (now - f->last_write >= o->stale_s) {
			close_file(f);
			o->files[i] = o->files[--o->n_files];
		} else {
			i++;
		}
	}
}

static void file_send(void *inst, void *ws, lp_event *const *evs, size_t n, lp_out_result *res)
{
	out_file *o = inst;
	pthread_mutex_lock(&o->lock);
	LP_GROW(o->owner, o->cap_owner, n ? n : 1);
	for (size_t i = 0; i < o->n_files; i++) {
		lp_buf_reset(&o->files[i].pending);
		o->files[i].count = 0;
	}
	for (size_t i = 0; i < n; i++) {
		size_t k = file_index(o, path_for(o, evs[i]));
		o->owner[i] = k;
		lp_codec_encode(o->codec, evs[i], &o->files[k].pending);
		o->files[k].count++;
	}
	time_t now = time(NULL);
	lp_buf gz = LP_BUF_INIT;
	int *err = lp_calloc(o->n_files ? o->n_files : 1, sizeof(int));
	for (size_t k = 0; k < o->n_files; k++) {
		open_file *f = &o->files[k];
		if (!f->count)
			continue;
		int rc = open_if_needed(o, f);
		if (rc == 0 && o->gzip) {
			lp_buf_reset(&gz);
			gzip_member(&f->pending, &gz);
			rc = write_all(f->fd, gz.data, gz.len);
		} else if (rc == 0) {
			rc = write_all(f->fd, f->pending.data, f->pending.len);
		}
		if (rc < 0) {
			lp_error("output.file", "Output '%s' could not write %zu events to '%s': %s; they will be retried.",
				 o->id, f->count, f->path, strerror(-rc));
			if (f->fd >= 0)
				close(f->fd);
			f->fd = -1;
		}
		err[k] = rc;
		f->last_write = now;
	}
	for (size_t i = 0; i < n; i++)
		res[i].status = err[o->owner[i]] < 0 ? LP_OUT_RETRY : LP_OUT_DELIVERED;
	lp_free(err);
	lp_buf_fini(&gz);
	close_stale(o, now);
	pthread_mutex_unlock(&o->lock);
}

static void file_close(void *inst)
{
	out_file *o = inst;
	pthread_mutex_lock(&o->lock);
	for (size_t i = 0; i < o->n_files; i++) {
		if (o->files[i].fd >= 0)
			fsync(o->files[i].fd);
	}
	pthread_mutex_unlock(&o->lock);
}

const lp_plugin_def lp_plugin_output_file = {
	.name = "file",
	.kind = LP_PLUGIN_OUTPUT,
	.doc = "Writes events to files whose path may depend on the event (daily files).",
	.options = options,
	.create = file_create,
	.destroy = file_destroy,
	.send = file_send,
	.close = file_close,
};
