/* load: from -f paths or an -e string to a syntax tree. Expands -f (file,
 * directory or glob; files in alphabetical order, concatenated into one
 * pipeline), substitutes ${VAR} / ${VAR:default} from the environment (an
 * undefined variable without a default is an error at its position), lexes
 * and parses with the Logstash grammar. Errors go to diag; nothing is printed. */
#ifndef LP_CONF_LOAD_H
#define LP_CONF_LOAD_H

#include "conf/ast.h"
#include "conf/diag.h"

/* Returns the tree, or NULL when diag received errors. paths: n_paths -f
 * arguments (n_paths may be 0 when text is given). text: the -e string or NULL. */
lp_ast_config *lp_conf_load(const char *const *paths, size_t n_paths, const char *text,
			    lp_diag *diag);

/* Parses one source (takes ownership of file; ${VAR} in its strings is
 * substituted as they are parsed, so positions stay those of the text) and
 * appends its sections to cfg. Used by lp_conf_load and by tests. */
void lp_conf_parse_into(lp_ast_config *cfg, lp_source_file *file, lp_diag *diag);

#endif
