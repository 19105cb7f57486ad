/* diag: collection, ordering and printing of configuration diagnostics. */
#include "conf/diag.h"

#include "pipeline/buf.h"
#include "pipeline/mem.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct record {
	bool note;
	size_t parent;   /* notes: index of the error they belong to */
	size_t seq;      /* insertion order */
	bool has_pos;
	size_t order;    /* file order */
	char *fname;
	unsigned line, col, len;
	char *srcline;   /* the source line without its newline, or NULL */
	char *msg;
} record;

struct lp_diag {
	record *recs;
	size_t n, cap;
	size_t n_errors;
	const lp_source_file **files;
	size_t n_files, cap_files;
};

lp_diag *lp_diag_create(void)
{
	return lp_calloc(1, sizeof(lp_diag));
}

void lp_diag_destroy(lp_diag *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		lp_free(d->recs[i].fname);
		lp_free(d->recs[i].srcline);
		lp_free(d->recs[i].msg);
	}
	lp_free(d->recs);
	lp_free(d->files);
	lp_free(d);
}

static size_t file_order(lp_diag *d, const lp_source_file *f)
{
	for (size_t i = 0; i < d->n_files; i++)
		if (d->files[i] == f)
			return i;
	LP_GROW(d->files, d->cap_files, d->n_files + 1);
	d->files[d->n_files] = f;
	return d->n_files++;
}

void lp_diag_add_file(lp_diag *d, const lp_source_file *f)
{
	(void)file_order(d, f);
}

/* The text of line `line` (1-based) of f, without its line terminator. */
static char *source_line(const lp_source_file *f, unsigned line)
{
	if (!f->text)
		return NULL;
	const char *p = f->text, *end = f->text + f->len;
	for (unsigned l = 1; l < line; l++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return NULL;
		p = nl + 1;
	}
	const char *e = p;
	while (e < end && *e != '\n')
		e++;
	if (e > p && e[-1] == '\r')
		e--;
	return lp_strndup(p, (size_t)(e - p));
}

static void add(lp_diag *d, bool note, lp_span span, const char *fmt, va_list ap)
{
	if (note && d->n == 0)
		note = false; /* a note with nothing to belong to stands alone */
	LP_GROW(d->recs, d->cap, d->n + 1);
	record *r = &d->recs[d->n];
	memset(r, 0, sizeof(*r));
	r->note = note;
	r->seq = d->n;
	if (note) {
		size_t p = d->n - 1;
		r->parent = d->recs[p].note ? d->recs[p].parent : p;
	}
	if (span.file) {
		r->has_pos = true;
		r->order = file_order(d, span.file);
		r->fname = lp_strdup(span.file->name ? span.file->name : "config");
		r->line = span.line ? span.line : 1;
		r->col = span.col ? span.col : 1;
		r->len = span.len;
		r->srcline = source_line(span.file, r->line);
	}
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	r->msg = lp_malloc((size_t)(n < 0 ? 0 : n) + 1);
	vsnprintf(r->msg, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
	d->n++;
	if (!note)
		d->n_errors++;
}

void lp_diag_error(lp_diag *d, lp_span span, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(d, false, span, fmt, ap);
	va_end(ap);
}

void lp_diag_note(lp_diag *d, lp_span span, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(d, true, span, fmt, ap);
	va_end(ap);
}

size_t lp_diag_count(const lp_diag *d)
{
	return d ? d->n_errors : 0;
}

/* Errors without a position first, then by file order, line, column, and
 * insertion order. */
static int cmp_errors(const void *a, const void *b)
{
	const record *x = *(const record *const *)a, *y = *(const record *const *)b;
	if (x->has_pos != y->has_pos)
		return x->has_pos ? 1 : -1;
	if (x->has_pos) {
		if (x->order != y->order)
			return x->order < y->order ? -1 : 1;
		if (x->line != y->line)
			return x->line < y->line ? -1 : 1;
		if (x->col != y->col)
			return x->col < y->col ? -1 : 1;
	}
	return x->seq < y->seq ? -1 : (x->seq > y->seq ? 1 : 0);
}

/* The source line, then a caret under the column (tabs repeated so that it
 * lines up; one space per UTF-8 character) and '~' over the rest of the span
 * on that line. */
static void print_excerpt(const record *r, lp_buf *out)
{
	if (!r->srcline)
		return;
	lp_buf_adds(out, r->srcline);
	lp_buf_addc(out, '\n');
	size_t linelen = strlen(r->srcline);
	size_t start = r->col - 1;
	if (start > linelen)
		start = linelen;
	for (size_t i = 0; i < start; i++) {
		unsigned char c = (unsigned char)r->srcline[i];
		if (c == '\t')
			lp_buf_addc(out, '\t');
		else if ((c & 0xC0) != 0x80)
			lp_buf_addc(out, ' ');
	}
	lp_buf_addc(out, '^');
	size_t end = start + (r->len > 1 ? r->len : 1);
	if (end > linelen)
		end = linelen;
	for (size_t i = start + 1; i < end; i++) {
		unsigned char c = (unsigned char)r->srcline[i];
		if ((c & 0xC0) != 0x80)
			lp_buf_addc(out, '~');
	}
	lp_buf_addc(out, '\n');
}

static void print_record(const record *r, lp_buf *out)
{
	const char *what = r->note ? "note" : "error";
	if (r->has_pos)
		lp_buf_printf(out, "%s:%u:%u: %s: %s\n", r->fname, r->line, r->col, what, r->msg);
	else
		lp_buf_printf(out, "%s: %s\n", what, r->msg);
	print_excerpt(r, out);
}

void lp_diag_print(const lp_diag *d, FILE *out)
{
	if (!d || d->n == 0)
		return;
	const record **errs = lp_malloc(d->n * sizeof(*errs));
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++)
		if (!d->recs[i].note)
			errs[n++] = &d->recs[i];
	qsort(errs, n, sizeof(*errs), cmp_errors);
	lp_buf b = LP_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		print_record(errs[i], &b);
		size_t idx = (size_t)(errs[i] - d->recs);
		for (size_t j = idx + 1; j < d->n; j++)
			if (d->recs[j].note && d->recs[j].parent == idx)
				print_record(&d->recs[j], &b);
	}
	fwrite(b.data ? b.data : "", 1, b.len, out);
	fflush(out);
	lp_buf_fini(&b);
	lp_free(errs);
}

/* Optimal string alignment distance (Levenshtein plus adjacent
 * transpositions), capped: returns limit + 1 once it is exceeded. */
static size_t osa_distance(const char *a, const char *b, size_t limit)
{
	size_t la = strlen(a), lb = strlen(b);
	if ((la > lb ? la - lb : lb - la) > limit)
		return limit + 1;
	size_t w = lb + 1;
	size_t *m = lp_malloc((la + 1) * w * sizeof(size_t));
	for (size_t i = 0; i <= la; i++)
		m[i * w] = i;
	for (size_t j = 0; j <= lb; j++)
		m[j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t v = m[(i - 1) * w + j] + 1;
			if (m[i * w + j - 1] + 1 < v)
				v = m[i * w + j - 1] + 1;
			if (m[(i - 1) * w + j - 1] + cost < v)
				v = m[(i - 1) * w + j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    m[(i - 2) * w + j - 2] + 1 < v)
				v = m[(i - 2) * w + j - 2] + 1;
			m[i * w + j] = v;
		}
	}
	size_t dist = m[la * w + lb];
	lp_free(m);
	return dist;
}

const char *lp_diag_suggest(const char *word, const char *const *candidates)
{
	if (!word || !candidates)
		return NULL;
	size_t len = strlen(word);
	size_t limit = len / 3;
	if (limit < 1)
		limit = 1;
	if (limit > 3)
		limit = 3;
	const char *best = NULL;
	size_t best_d = limit + 1;
	for (size_t i = 0; candidates[i]; i++) {
		if (strcmp(candidates[i], word) == 0)
			continue;
		if (strcasecmp(candidates[i], word) == 0)
			return candidates[i];
		size_t dist = osa_distance(word, candidates[i], limit);
		if (dist < best_d) {
			best_d = dist;
			best = candidates[i];
		}
	}
	return best;
}
