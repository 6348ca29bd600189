/*
 * actions.h -- action items from the minutes (spec section 2): tables
 * (pipe, tab, vertical), list lines with separators or labelled fields,
 * "ACTION: X to T by D", "#action X T", "X负责T，M月D日前".
 */
#ifndef CST_ACTIONS_H
#define CST_ACTIONS_H

#include "cst.h"
#include "due.h"

typedef struct cst_action_item {
    char *task;         /* never NULL for a parsed item */
    char *owner;        /* as written, or NULL */
    char *deliverable;  /* or NULL */
    char *due_text;     /* the due date as written, or NULL */
    int has_due;        /* 1 when due_text parsed into due */
    cst_date due;
    int priority;       /* 0 = none given, else 1 (high), 5, 9 (low) */
    int line;           /* 1-based line within the section text */
} cst_action_item;

typedef struct cst_actions {
    cst_action_item *items;
    size_t n;
} cst_actions;

/*
 * Parses the action-items section's text.  ref is the meeting's date,
 * which relative due dates count from.  Lines that hold no recognisable
 * action item are ignored.
 *
 * Returns CST_OK, CST_ERR_NOMEM, or CST_ERR_TOO_LARGE past
 * CST_MAX_ACTION_ITEMS items or CST_MAX_TEXT_BYTES.
 * @par Ownership: out owns its items; release with cst_actions_fini().
 */
cst_status cst_actions_parse(const char *text, size_t len,
                             const cst_date *ref, cst_actions *out);
void cst_actions_fini(cst_actions *a);

/* Maps a priority word (high/urgent/P1/高/紧急 -> 1, medium/normal/P2/中
 * -> 5, low/P3/低 -> 9) to its PRIORITY value; 0 when unknown. */
int cst_priority_parse(const char *s, size_t len);

#endif /* CST_ACTIONS_H */
