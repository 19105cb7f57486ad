/* schema: plugin option tables and their application to a plugin's config
 * block. Every plugin declares its options as a static table; lp_schema_apply
 * checks a block against it (unknown option with "did you mean", wrong type,
 * missing required, choices, bounds, deprecation warnings) and fills defaults.
 * The plugin's create() then reads typed values through lp_args_* and compiles
 * field references and templates through lp_args_fieldref/lp_args_template,
 * so every error points at the exact spot in the config. Main thread only. */
#ifndef LP_CONF_SCHEMA_H
#define LP_CONF_SCHEMA_H

#include "conf/ast.h"
#include "conf/diag.h"

#include "pipeline/json.h"
#include <stdbool.h>

typedef enum {
	LP_OPT_STRING,   /* a string (a bareword or number is accepted as its text) */
	LP_OPT_NUMBER,   /* integer or float */
	LP_OPT_BOOL,     /* true/false (bareword or string) */
	LP_OPT_ARRAY,    /* array; a single value becomes a one-element array */
	LP_OPT_HASH,     /* hash; an array of pairs [k, v, k, v] is accepted too */
	LP_OPT_FIELDREF, /* a string that must be a valid field reference */
	LP_OPT_TEMPLATE, /* a string that must be a valid sprintf template */
	LP_OPT_CODEC,    /* a codec name or codec block */
	LP_OPT_PASSWORD, /* a string that is never logged or printed */
	LP_OPT_PATH,     /* a filesystem path */
	LP_OPT_URI,      /* a URI (its password part is never logged) */
	LP_OPT_ANY,      /* any value */
} lp_opt_type;

enum {
	LP_OPT_REQUIRED = 1u << 0,
	LP_OPT_DEPRECATED = 1u << 1,
	LP_OPT_SECRET = 1u << 2,
};

typedef struct lp_option_def {
	const char *name;
	lp_opt_type type;
	const char *def;             /* default as JSON text ("125", "\"line\"", "[]"), or NULL */
	unsigned flags;
	const char *const *choices;  /* NULL-terminated allowed strings, or NULL */
	double min, max;             /* bounds for numbers, checked when min < max */
	const char *doc;             /* one line */
} lp_option_def;

/* Terminates an option table. */
#define LP_OPT_END { NULL, LP_OPT_ANY, NULL, 0, NULL, 0, 0, NULL }

/* The applied options of one plugin block. */
typedef struct lp_args lp_args;

/* Checks block (a plugin's attributes) against the tables (the plugin's own,
 * then the common ones for its kind, each NULL-terminated, n_tables of them).
 * Errors go to diag. Returns the args even on error (so that more errors can
 * be found); callers check lp_diag_count. kind_name: "input", "filter",
 * "output" or "codec", used in messages. */
lp_args *lp_schema_apply(const lp_ast_plugin *block, const char *kind_name,
			 const lp_option_def *const *tables, size_t n_tables, lp_diag *diag);
void lp_args_destroy(lp_args *a);

/* Typed getters: the configured value, else the table's default, else
 * the fallback / NULL. Borrowed results live as long as the args. */
const lpj_t *lp_args_get(const lp_args *a, const char *name);
bool lp_args_isset(const lp_args *a, const char *name);
const char *lp_args_str(const lp_args *a, const char *name);
long long lp_args_int(const lp_args *a, const char *name, long long fallback);
double lp_args_num(const lp_args *a, const char *name, double fallback);
bool lp_args_bool(const lp_args *a, const char *name, bool fallback);
/* Arrays of strings: element i as text (numbers converted), n via lpj_array_size. */
const char *lp_args_item_str(const lp_args *a, const char *name, size_t i);
/* The plugin's name and id (the "id" option, or a generated "<name>_<n>"). */
const char *lp_args_plugin_name(const lp_args *a);
const char *lp_args_id(const lp_args *a);
/* The AST of the block, and of one option's value (NULL when not set). */
const lp_ast_plugin *lp_args_block(const lp_args *a);
const lp_ast_value *lp_args_value(const lp_args *a, const char *name);

/* Reports an error at the option's value (at the plugin name when unset). */
void lp_args_error(lp_args *a, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Reports an error at element i of an array or hash option (the value for
 * a hash), falling back to the option itself. */
void lp_args_error_item(lp_args *a, const char *name, size_t i, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
bool lp_args_failed(const lp_args *a);
/* The diagnostics sink the args report to. */
lp_diag *lp_args_diag(lp_args *a);

/* Compiles an option (or element i of an array option, or a given string
 * that came from that option) as a field reference / template, reporting a
 * syntax error at its position. Return NULL when unset or on error.
 * Ownership: the caller owns the result. */
struct lp_fieldref *lp_args_fieldref(lp_args *a, const char *name);
struct lp_fieldref *lp_args_fieldref_text(lp_args *a, const char *name, size_t i,
					  const char *text);
struct lp_template *lp_args_template(lp_args *a, const char *name);
struct lp_template *lp_args_template_text(lp_args *a, const char *name, size_t i,
					  const char *text);

/* Generated ids ("<name>_<n>") count per plugin name from 1 in the order
 * blocks are applied; this restarts the counts (e.g. before a reload). */
void lp_schema_reset_ids(void);

/* Prints the option table as the "describe" command and the docs show it. */
void lp_schema_describe(const lp_option_def *const *tables, size_t n_tables, FILE *out,
			bool markdown);

#endif
