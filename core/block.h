/*
 * block.h -- the block calsteward writes at the end of a description,
 * told apart from the organizer's words: one matcher for reading and
 * for writing, in every form (plain text, TEXT-escaped, HTML).
 */
#ifndef CST_BLOCK_H
#define CST_BLOCK_H

#include "cst.h"

/* Returns 1 for a begin marker line, 2 for an end marker line, else 0:
 * "calsteward: generated" / "end of calsteward" in any case, with any
 * dashes, spaces or other decoration around them (a client may turn
 * "--" into a dash), in a line of at most 200 bytes. */
int cst_block_marker(const char *s, size_t len);

/* One line of a text: where it is in its buffer and what it reads as. */
typedef struct cst_tline {
    size_t start, end; /* [start, end) in the buffer the caller split */
    const char *text;  /* what the line reads as (for HTML: its text) */
    size_t len;
} cst_tline;

/*
 * Sets own[i] to 1 for each line that calsteward wrote: the markers and,
 * between a begin and its end marker, the empty lines, the timetable's
 * heading and lines ("10:00–10:10  ..."), the open points' heading and
 * its "- " lines.  Any other line inside a block is the organizer's
 * (own[i] 0): it is read as the organizer's text, and moved above the
 * new block when writing.  A begin marker without an end marker ends
 * where calsteward's lines end; an end marker without a begin marker
 * takes calsteward's lines right above it.
 */
void cst_block_mark(const cst_tline *lines, size_t n, unsigned char *own);

/*
 * Splits text at '\n' (a "\r\n" counts as one, a lone '\r' too) or, with
 * escaped 1, at the TEXT escapes "\n" and "\N".  Returns a heap array of
 * *n lines (text = the line itself), NULL when out of memory (or *n 0
 * for an empty text: then a non-NULL empty array).
 */
cst_tline *cst_block_lines(const char *text, size_t len, int escaped,
                           size_t *n);

/*
 * The organizer's text: text without calsteward's lines, in order, lines
 * joined by '\n', trailing empty lines dropped.  Returns a heap string
 * (length in *out_len) or NULL when out of memory.
 */
char *cst_block_strip(const char *text, size_t len, size_t *out_len);

#endif /* CST_BLOCK_H */
