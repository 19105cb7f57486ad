/* load: -f paths and -e text to one syntax tree. */
#include "conf/load.h"

#include "conf/parser.h"
#include "pipeline/buf.h"
#include "pipeline/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct path_list {
	char **v;
	size_t n, cap;
} path_list;

static void push_path(path_list *l, char *s)
{
	LP_GROW(l->v, l->cap, l->n + 1);
	l->v[l->n++] = s;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_regular(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool has_glob_chars(const char *s)
{
	return strpbrk(s, "*?[{") != NULL;
}

/* Expands one -f argument into files (alphabetical), reporting problems. */
static void expand_path(const char *path, path_list *out, lp_diag *diag)
{
	lp_span none = { 0 };
	struct stat st;
	if (stat(path, &st) == 0) {
		if (S_ISREG(st.st_mode)) {
			push_path(out, lp_strdup(path));
			return;
		}
		if (S_ISDIR(st.st_mode)) {
			size_t len = strlen(path);
			bool slash = len > 0 && path[len - 1] == '/';
			char *pattern = lp_asprintf("%s%s*", path, slash ? "" : "/");
			glob_t g;
			size_t before = out->n;
			if (glob(pattern, 0, NULL, &g) == 0) {
				for (size_t i = 0; i < g.gl_pathc; i++)
					if (is_regular(g.gl_pathv[i]))
						push_path(out, lp_strdup(g.gl_pathv[i]));
				globfree(&g);
			}
			lp_free(pattern);
			if (out->n == before)
				lp_diag_error(diag, none, "no config files in directory '%s'", path);
			else
				qsort(out->v + before, out->n - before, sizeof(char *), cmp_str);
			return;
		}
		lp_diag_error(diag, none, "config path '%s' is not a file or a directory", path);
		return;
	}
	if (has_glob_chars(path)) {
		glob_t g;
		size_t before = out->n;
		int rc = glob(path, GLOB_BRACE, NULL, &g);
		if (rc == 0) {
			for (size_t i = 0; i < g.gl_pathc; i++)
				if (is_regular(g.gl_pathv[i]))
					push_path(out, lp_strdup(g.gl_pathv[i]));
			globfree(&g);
		}
		if (out->n == before)
			lp_diag_error(diag, none, "no config files match '%s'", path);
		else
			qsort(out->v + before, out->n - before, sizeof(char *), cmp_str);
		return;
	}
	lp_diag_error(diag, none, "config path '%s' does not exist", path);
}

/* Reads a whole file; returns NULL and sets errno on failure. */
static char *read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	lp_buf b = LP_BUF_INIT;
	char chunk[65536];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			lp_buf_fini(&b);
			errno = e;
			return NULL;
		}
		if (n == 0)
			break;
		lp_buf_add(&b, chunk, (size_t)n);
	}
	close(fd);
	*len = b.len;
	if (!b.data)
		return lp_strdup("");
	return b.data;
}

static lp_source_file *new_file(const char *name, char *text, size_t len)
{
	lp_source_file *f = lp_calloc(1, sizeof(*f));
	f->name = lp_strdup(name);
	f->text = text;
	f->len = len;
	return f;
}

lp_ast_config *lp_conf_load(const char *const *paths, size_t n_paths, const char *text,
			    lp_diag *diag)
{
	size_t errors_before = lp_diag_count(diag);
	lp_ast_config *cfg = lp_calloc(1, sizeof(*cfg));
	path_list files = { NULL, 0, 0 };
	for (size_t i = 0; i < n_paths; i++)
		expand_path(paths[i], &files, diag);
	for (size_t i = 0; i < files.n; i++) {
		size_t len = 0;
		char *content = read_file(files.v[i], &len);
		if (!content) {
			lp_span none = { 0 };
			lp_diag_error(diag, none, "cannot read config file '%s': %s", files.v[i],
				      strerror(errno));
			continue;
		}
		if (len >= 3 && memcmp(content, "\xEF\xBB\xBF", 3) == 0) {
			/* a UTF-8 byte order mark is not part of the config */
			memmove(content, content + 3, len - 3 + 1);
			len -= 3;
		}
		lp_conf_parse_into(cfg, new_file(files.v[i], content, len), diag);
	}
	for (size_t i = 0; i < files.n; i++)
		lp_free(files.v[i]);
	lp_free(files.v);
	if (text)
		lp_conf_parse_into(cfg, new_file("config string", lp_strdup(text), strlen(text)), diag);
	if (lp_diag_count(diag) > errors_before) {
		lp_ast_config_destroy(cfg);
		return NULL;
	}
	return cfg;
}
