/* cond: compiled conditionals (the expressions of if / else if). Field
 * references and regexes are compiled at load; evaluation reads the event and
 * never modifies it. Semantics (DESIGN.md §1): `if [f]` is false for missing,
 * null, false, "" and "false" (Logstash 8's string-form test); equality never
 * fails (`[missing] == 5` is false); an ordering
 * comparison with a missing field, a string against a number, or an array
 * cannot be evaluated and yields LP_COND_ERROR; `in` is substring for a string
 * right side and membership for an array. Immutable; thread-safe. */
#ifndef LP_PIPELINE_COND_H
#define LP_PIPELINE_COND_H

#include "conf/ast.h"
#include "conf/diag.h"
#include "pipeline/event.h"

typedef struct lp_cond lp_cond;

typedef enum { LP_COND_FALSE = 0, LP_COND_TRUE = 1, LP_COND_ERROR = -1 } lp_cond_result;

/* Compiles expr; errors (bad field reference, bad regex) go to diag and the
 * result is NULL. */
lp_cond *lp_cond_compile(const lp_ast_expr *expr, lp_diag *diag);
void lp_cond_destroy(lp_cond *c);

/* Evaluates c on ev. On LP_COND_ERROR, *why (when non-NULL) receives a static
 * description of the first failure. */
lp_cond_result lp_cond_eval(const lp_cond *c, lp_event *ev, const char **why);

#endif
