/* diag: configuration diagnostics. Every error found while loading a config is
 * collected here with its position, then all are printed before anything
 * starts, as
 *     FILE:LINE:COL: error: MESSAGE
 *       <the source line>
 *           ^
 * Not thread-safe: used on the main thread during load. */
#ifndef LP_CONF_DIAG_H
#define LP_CONF_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* One loaded config text. Files given with -f are concatenated in
 * alphabetical order, but each keeps its own name and line numbers. */
typedef struct lp_source_file {
	char *name;  /* path as given, or "config string" for -e */
	char *text;  /* NUL-terminated content as written (${VAR} is substituted
		      * per string token by the parser, so positions stay exact) */
	size_t len;
} lp_source_file;

/* A position in a source file: 1-based line and column (columns count
 * bytes), and the byte length of the construct (>= 1). */
typedef struct lp_span {
	const lp_source_file *file;
	unsigned line, col;
	unsigned len;
} lp_span;

typedef struct lp_diag lp_diag;

lp_diag *lp_diag_create(void);
void lp_diag_destroy(lp_diag *d);

/* Records an error at span (span.file may be NULL for errors with no
 * position). */
void lp_diag_error(lp_diag *d, lp_span span, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Records a note that belongs to the previous error. */
void lp_diag_note(lp_diag *d, lp_span span, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Number of errors recorded (notes not counted). */
size_t lp_diag_count(const lp_diag *d);
/* Declares f as the next file in load order: records are printed by file in
 * that order, then by line and column. Files never declared sort by first use.
 * Records copy what they print, so files may be freed before printing. */
void lp_diag_add_file(lp_diag *d, const lp_source_file *f);
/* Prints every record in order of position, each with its source line and a
 * caret, to out. */
void lp_diag_print(const lp_diag *d, FILE *out);

/* The closest of candidates (NULL-terminated) to word by edit distance, when
 * close enough to suggest ("did you mean ..."), else NULL. */
const char *lp_diag_suggest(const char *word, const char *const *candidates);

#endif
