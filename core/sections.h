/*
 * sections.h -- finds the organizer's sections (goal, agenda, materials,
 * minutes and the parts of the minutes) in a DESCRIPTION (spec section 2).
 */
#ifndef CST_SECTIONS_H
#define CST_SECTIONS_H

#include "cst.h"

typedef enum cst_section_kind {
    CST_SEC_GOAL = 0,
    CST_SEC_AGENDA,
    CST_SEC_MATERIALS,
    CST_SEC_MINUTES,
    CST_SEC_DECISIONS,  /* inside minutes */
    CST_SEC_ACTIONS,    /* inside minutes */
    CST_SEC_NEXT,       /* inside minutes: next meeting */
    CST_SEC_GOAL_REACHED, /* inside minutes: goal reached (outcome.h) */
    CST_SEC__COUNT
} cst_section_kind;

/* One section: the text after its heading, up to the next heading. */
typedef struct cst_span {
    int present;        /* 1 when the heading was seen */
    const char *text;   /* points into the parsed text; not owned */
    size_t len;         /* trimmed of surrounding blank lines */
    int line;           /* 1-based line of the heading */
} cst_span;

typedef struct cst_sections {
    cst_span sec[CST_SEC__COUNT];
} cst_sections;

/*
 * Marker lines around the block calsteward appends to DESCRIPTION.  The
 * parser skips everything from a begin marker to the next end marker (or
 * the end of the text), so calsteward never reads its own output back as
 * the organizer's words.
 */
#define CST_BLOCK_BEGIN "-- calsteward: generated - edits here are replaced --"
#define CST_BLOCK_END "-- end of calsteward --"
/* The markers hold no character that iCalendar TEXT escapes (, ; \), so
 * they read the same in the escaped property value. */

/*
 * Splits text (the unescaped DESCRIPTION) into sections.  A heading is a
 * line holding one of the headings of spec section 2 (case-insensitive;
 * wrapped in '#' or '**'; ending in ':' or '：'); text may follow on the
 * same line after the colon.  The decisions, action-item, next-meeting
 * and goal-reached headings count only after a minutes heading.  When a heading occurs
 * twice, the first one wins.  Text before the first heading belongs to no
 * section.
 *
 * Returns CST_OK, or CST_ERR_TOO_LARGE when len > CST_MAX_TEXT_BYTES.
 * @par Ownership: out's spans point into text, which must outlive them.
 */
cst_status cst_sections_parse(const char *text, size_t len, cst_sections *out);

/* Returns 1 when the line is a section heading of spec section 2. */
int cst_sections_is_heading(const char *s, size_t len);

/* Returns 1 when the span holds anything but white space. */
int cst_span_has_text(const cst_span *sp);

#endif /* CST_SECTIONS_H */
