/*
 * text.h -- small text helpers shared by the meeting-text parsers:
 * line iteration, full-width punctuation folding, trimming, UTF-8.
 *
 * All functions are pure and thread-safe.  Byte strings are UTF-8 and are
 * passed as (pointer, length); none needs a terminating NUL unless noted.
 */
#ifndef CST_TEXT_H
#define CST_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Iterates over the lines of a text ending in LF, CRLF or CR. */
typedef struct cst_lines {
    const char *p;
    const char *end;
    int lineno;     /* 1-based number of the line last returned */
} cst_lines;

void cst_lines_init(cst_lines *it, const char *s, size_t len);
/* Returns 1 and sets *line / *len (without the line end), 0 at the end. */
int cst_lines_next(cst_lines *it, const char **line, size_t *len);

/*
 * Decodes one UTF-8 sequence at s.  Returns the number of bytes used and
 * sets *cp; returns 0 for an invalid or truncated sequence (overlongs and
 * surrogates are invalid).
 */
size_t cst_utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Returns 1 when s holds only valid UTF-8. */
int cst_utf8_valid(const char *s, size_t len);

/*
 * Copies in to out, folding full-width forms (U+FF01..U+FF5E) to ASCII,
 * U+3000 and U+00A0 to a space, and invalid UTF-8 bytes to '?'.  out must
 * have room for len + 1 bytes (folding never grows the text); the result
 * is NUL-terminated.  Returns its length.
 */
size_t cst_text_fold(const char *in, size_t len, char *out);

/* Returns s without leading and trailing white space (ASCII, U+3000,
 * U+00A0) and sets *out_len. */
const char *cst_trim(const char *s, size_t len, size_t *out_len);

/* Returns 1 when s[0..len) equals word, ASCII case-insensitively. */
int cst_eq_ci(const char *s, size_t len, const char *word);
/* Returns strlen(prefix) when s starts with prefix (ASCII
 * case-insensitively), else 0. */
size_t cst_prefix_ci(const char *s, size_t len, const char *prefix);
/* Finds needle in s[0..len), ASCII case-insensitively; returns its offset
 * or (size_t)-1. */
size_t cst_find_ci(const char *s, size_t len, const char *needle);

/*
 * Returns the length of a list marker at the start of s, including the
 * white space after it, or 0: "1." "1)" "1、" "(1)" "（1）" "-" "*" "•"
 * "·" "①".."⑳" "a." "a)".  "1." needs white space or the end after it so
 * that "1.5 h" is no marker.
 */
size_t cst_list_marker(const char *s, size_t len);

/* Returns a NUL-terminated heap copy of s[0..n), or NULL when out of
 * memory.  The caller frees it. */
char *cst_strndup(const char *s, size_t n);

/* A calendar address as calsteward compares it (spec section 1): a heap
 * copy of a, trimmed, without a "mailto:" prefix (any case), ASCII lower
 * case.  NULL for a NULL a or when out of memory. */
char *cst_addr_norm(const char *a);

#endif /* CST_TEXT_H */
