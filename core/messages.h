/*
 * messages.h -- the human text of a finding.
 *
 * The core holds the English texts, marked for xgettext with N_(); the
 * caller passes a translate function (the command line uses gettext, the
 * module a catalog of its own) so that the core keeps no global state.
 */
#ifndef CST_MESSAGES_H
#define CST_MESSAGES_H

#include <stddef.h>

#include "rules.h"

#ifndef N_
#define N_(s) (s)
#endif

/* Returns msgid translated, or msgid itself. */
typedef const char *(*cst_translate_fn)(const char *msgid, void *ctx);

/*
 * Writes the message of f into buf (NUL-terminated, cut at n - 1 bytes):
 * one line, without the due time (callers print it in the zone they
 * want).  tr may be NULL for English.  Returns the length written.
 */
size_t cst_finding_message(const cst_finding *f, cst_translate_fn tr,
                           void *ctx, char *buf, size_t n);

#endif /* CST_MESSAGES_H */
