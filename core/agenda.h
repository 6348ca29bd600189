/*
 * agenda.h -- agenda items from the agenda section (spec section 2):
 * list lines "TOPIC (DURATION, OWNER) — goal: TEXT" and pipe/tab tables.
 */
#ifndef CST_AGENDA_H
#define CST_AGENDA_H

#include "cst.h"

typedef struct cst_agenda_item {
    char *topic;    /* never NULL for a parsed item */
    int minutes;    /* -1 when no duration was given */
    char *owner;    /* the owner as written, or NULL */
    char *goal;     /* the item's goal, or NULL */
    int line;       /* 1-based line within the section text */
} cst_agenda_item;

typedef struct cst_agenda {
    cst_agenda_item *items;
    size_t n;
} cst_agenda;

/*
 * Parses the agenda section's text into items, in order.  Lines that are
 * neither list items nor table rows are ignored (free prose); a table
 * needs a header row that names at least a Topic/议题 column.  Separator
 * rows of a table (|---|---|) are skipped.
 *
 * Returns CST_OK, CST_ERR_NOMEM, or CST_ERR_TOO_LARGE past
 * CST_MAX_AGENDA_ITEMS items or CST_MAX_TEXT_BYTES.
 * @par Ownership: out owns its items; release with cst_agenda_fini().
 */
cst_status cst_agenda_parse(const char *text, size_t len, cst_agenda *out);
/* Frees what out holds and zeroes it; safe on a zeroed struct. */
void cst_agenda_fini(cst_agenda *a);

#endif /* CST_AGENDA_H */
