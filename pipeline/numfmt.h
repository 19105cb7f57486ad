/* numfmt: floating-point numbers rendered the way the languages Logstash is
 * built on print them, so that text made from numbers matches Logstash:
 * Ruby's Float#to_s (rubydebug, mutate convert => string) and Java's
 * Double.toString (sprintf). Both use the shortest digits that read back as
 * the same double. Pure and thread-safe. */
#ifndef LP_PIPELINE_NUMFMT_H
#define LP_PIPELINE_NUMFMT_H

#include "pipeline/buf.h"

/* Appends d as Ruby's Float#to_s: "1.5", "100.0", "1.0e+20", "1.0e-05",
 * "NaN", "Infinity". */
void lp_numfmt_ruby(lp_buf *out, double d);
/* Appends d as Java's Double.toString: "1.5", "100.0", "1.0E7", "1.0E-4",
 * "NaN", "Infinity". */
void lp_numfmt_java(lp_buf *out, double d);

#endif
