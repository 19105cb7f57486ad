/* env: ${VAR} and ${VAR:default} substitution from the environment, as
 * Logstash does in config values. A reference is "${" NAME [":" DEFAULT] "}"
 * where NAME is [A-Za-z_.][A-Za-z0-9_.]* and DEFAULT is any text without '}'.
 * Anything else (e.g. "${not a name}") is left as written. Pure apart from
 * reading the environment; main thread. */
#ifndef LP_CONF_ENV_H
#define LP_CONF_ENV_H

#include "pipeline/buf.h"

#include <stdbool.h>
#include <stddef.h>

/* Called for a variable that is not defined and has no default: off is the
 * byte offset of its "${" in the text, name is not NUL-terminated. */
typedef void (*lp_env_undefined_fn)(void *ud, size_t off, const char *name, size_t name_len);

/* Appends text (len bytes) to out with every reference replaced by the
 * variable's value (an empty value counts as defined), or its default when
 * unset. An undefined reference without a default is reported through
 * undefined (may be NULL) and kept as written. Returns how many were
 * undefined. */
size_t lp_env_expand(const char *text, size_t len, lp_buf *out, lp_env_undefined_fn undefined,
		     void *ud);

/* True when text contains at least one well-formed reference. */
bool lp_env_has_ref(const char *text, size_t len);

#endif
