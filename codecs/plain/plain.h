/* plain codec: a whole chunk is one event with "message"; encoding writes the
 * `format` template, else the message. Also exports the text rendering shared
 * with the line codec (codecs/line). */
#ifndef LP_CODECS_PLAIN_PLAIN_H
#define LP_CODECS_PLAIN_PLAIN_H

#include "pipeline/buf.h"
#include "pipeline/event.h"
#include "pipeline/template.h"

/* Appends the text form of ev to out: format rendered when format is
 * non-NULL, else the "message" field (a string as is, a missing or null
 * message as nothing, any other value as compact JSON). Thread-safe. */
void lp_plain_write_text(const lp_template *format, lp_event *ev, lp_buf *out);

/* A new event (time now) whose "message" is s (len bytes, valid UTF-8). */
lp_event *lp_plain_message_event(const char *s, size_t len);

#endif
