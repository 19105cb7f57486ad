/* compile: from the syntax tree to the runnable graph. Every plugin block is
 * checked against its option table and instantiated; the filter and output
 * sections become flat programs in which conditionals are jumps:
 *
 *   if A { f1 } else if B { f2 } else { f3 }; f4
 *   0: IF A else->2 (chain end 6)   1: PLUGIN f1, JUMP 6 (folded into 2's start)
 *   ...
 *
 * so that an event (or an event emitted by a filter, which starts right after
 * that filter) is run by walking a program counter. All errors go to diag
 * before anything starts. */
#ifndef LP_PIPELINE_COMPILE_H
#define LP_PIPELINE_COMPILE_H

#include "conf/ast.h"
#include "conf/diag.h"
#include "pipeline/cond.h"
#include "pipeline/fieldref.h"
#include "pipeline/plugin.h"
#include "pipeline/template.h"

#include <stdbool.h>

/* One sprintf'd name with its compiled field reference when constant. */
typedef struct lp_named_tpl {
	lp_template *name;
	lp_fieldref *ref;      /* when name is constant, else NULL */
	lp_template **values;  /* add_field: one or more values */
	size_t n_values;
} lp_named_tpl;

/* A plugin instance in the graph. */
typedef struct lp_node {
	const lp_plugin_def *def;
	void *inst;
	lp_args *args;
	const char *id;            /* borrowed from args */
	lp_span span;
	/* filters: the common options applied on success; inputs: add_field */
	lp_named_tpl *add_field;
	size_t n_add_field;
	lp_named_tpl *remove_field;
	size_t n_remove_field;
	lp_template **add_tag;
	size_t n_add_tag;
	lp_template **remove_tag;
	size_t n_remove_tag;
	/* inputs */
	const char *type;
	const lpj_t *tags;        /* array of strings, borrowed from args, or NULL */
} lp_node;

typedef enum { LP_OP_PLUGIN, LP_OP_IF, LP_OP_JUMP } lp_opcode;

typedef struct lp_insn {
	lp_opcode op;
	size_t node;      /* PLUGIN: index into the section's nodes */
	lp_cond *cond;    /* IF: evaluated; false jumps to target */
	size_t target;    /* IF (when false), JUMP */
	size_t chain_end; /* IF: where an evaluation failure continues */
	lp_span span;     /* IF: the condition, for warnings */
} lp_insn;

typedef struct lp_program {
	lp_insn *code;
	size_t n;
} lp_program;

typedef struct lp_graph {
	lp_node *inputs;
	size_t n_inputs;
	lp_node *filters;
	size_t n_filters;
	lp_node *outputs;
	size_t n_outputs;
	lp_program filter_prog;
	lp_program output_prog;
} lp_graph;

enum {
	/* add a stdin input when there is no input section and a stdout
	 * (rubydebug) output when there is no output section (the -e behaviour) */
	LP_COMPILE_DEFAULT_IO = 1u << 0,
	/* build only the filter section (config unit tests) */
	LP_COMPILE_FILTERS_ONLY = 1u << 1,
};

/* Builds the graph (flags: LP_COMPILE_*). Returns NULL when diag received
 * errors. */
lp_graph *lp_compile(const lp_ast_config *cfg, unsigned flags, lp_diag *diag);
/* Destroys plugin instances and programs. Accepts NULL. */
void lp_graph_destroy(lp_graph *g);

/* Applies a filter's common options to ev (after LP_FILTER_OK). */
void lp_node_apply_filter_common(const lp_node *n, lp_event *ev);
/* Applies an input's type, tags and add_field to ev. */
void lp_node_apply_input_common(const lp_node *n, lp_event *ev);

#endif
