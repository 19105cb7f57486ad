/* replay: runs a fuzz target's LLVMFuzzerTestOneInput over every file of
 * the corpus directories given as arguments (sorted by name, so runs are
 * reproducible), so the corpora are regression tests in the 'unit' suite.
 * A failed invariant aborts the process; the name of the input is printed
 * before each run so the log says which one. Exit 0 when every input ran,
 * 1 when a directory is missing or empty or a file cannot be read. */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static bool read_all(const char *path, uint8_t **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);
	for (;;) {
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
		if (!buf)
			abort();
		size_t n = fread(buf + len, 1, cap - len, f);
		if (n == 0)
			break;
		len += n;
	}
	bool ok = !ferror(f);
	fclose(f);
	if (!ok) {
		free(buf);
		return false;
	}
	/* An exact-size copy, so that reads past the end are caught by ASan. */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact)
		abort();
	memcpy(exact, buf, len);
	free(buf);
	*data = exact;
	*size = len;
	return true;
}

static int replay_dir(const char *dir, size_t *runs)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, by_name);
	if (n < 0) {
		fprintf(stderr, "replay: cannot read corpus directory '%s': %s\n", dir, strerror(errno));
		return 1;
	}
	int rc = 0;
	for (int i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		struct stat st;
		if (names[i]->d_name[0] == '.' || stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
			free(names[i]);
			continue;
		}
		uint8_t *data = NULL;
		size_t size = 0;
		if (!read_all(path, &data, &size)) {
			fprintf(stderr, "replay: cannot read '%s': %s\n", path, strerror(errno));
			rc = 1;
		} else {
			fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
			LLVMFuzzerTestOneInput(data, size);
			free(data);
			(*runs)++;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR...\n", argv[0]);
		return 1;
	}
	int rc = 0;
	size_t runs = 0;
	for (int i = 1; i < argc; i++)
		rc |= replay_dir(argv[i], &runs);
	if (runs == 0) {
		fprintf(stderr, "replay: no inputs found\n");
		return 1;
	}
	printf("%zu inputs replayed without a failed invariant\n", runs);
	return rc;
}
