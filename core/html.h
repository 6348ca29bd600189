/*
 * html.h -- the meeting text as HTML clients store it (spec section 2,
 * "Rich text"): HTML turned into text lines with libxml2's HTML parser,
 * the HTML-in-DESCRIPTION test, and the escapes the writers need.
 */
#ifndef CST_HTML_H
#define CST_HTML_H

#include "cst.h"

/*
 * Turns HTML into text: block elements and <br> end a line, <ol> items
 * read as "1. ", "2. " (the start attribute counted), <ul> items as
 * "- ", nested lists indented by four spaces a level, table cells joined
 * by " | ", entities decoded, U+00A0 a space, white space collapsed
 * outside <pre>; script, style, head and comments give nothing.  With
 * markers 0 list items get no number or bullet (what Thunderbird's plain
 * copy holds).  No network, no entities loaded; html over
 * CST_MAX_TEXT_BYTES is CST_ERR_TOO_LARGE.
 * @par Ownership *out (NUL-terminated, *out_len bytes) is the caller's.
 */
cst_status cst_html_to_text(const char *html, size_t len, int markers,
                            char **out, size_t *out_len);

/* Returns 1 when a TEXT value (unescaped) is HTML, as Google writes it:
 * it holds one of the tags <br>, <b>, <i>, <u>, <p>, <div>, <span>,
 * <ol>, <ul>, <li>, <a href=, <html, <body, <strong>, <em>, <font. */
int cst_html_looks_like(const char *s, size_t len);

/* Appends s escaped for HTML text (&, <, >) to b. */
struct cst_sbuf;
void cst_html_escape(struct cst_sbuf *b, const char *s, size_t len);

/* Returns 1 when the two texts hold the same letters and digits in the
 * same order (ASCII case folded; white space, punctuation and bullets
 * left out, every non-ASCII character compared as it is): how a plain
 * form is told to be the client's lossy copy of the HTML. */
int cst_text_same_words(const char *a, size_t alen, const char *b,
                        size_t blen);

/* The HTML of a "data:text/html[;charset=...]," URL, percent-decoded,
 * as a heap string (length in *out_len); NULL when the URL is no such
 * thing (base64 is not what any client writes) or out of memory. */
char *cst_data_url_html(const char *url, size_t *out_len);

/*
 * The HTML with calsteward's block in it: the segments of the old block
 * (cst_block_mark over the source split at line-breaking tags) removed
 * with the tags that wrapped only them, the organizer's HTML otherwise
 * byte for byte, and block (plain text lines; none when block_len is 0)
 * appended as <div class="calsteward">line<br>line...</div> before
 * </body>, or at the end.
 * @par Ownership *out (NUL-terminated) is the caller's.
 */
cst_status cst_html_with_block(const char *html, size_t len,
                               const char *block, size_t block_len,
                               char **out, size_t *out_len);

/* prefix (e.g. "data:text/html,") followed by html percent-encoded as
 * encodeURIComponent does.  A heap string or NULL. */
char *cst_data_url_encode(const char *prefix, size_t plen, const char *html,
                          size_t len, size_t *out_len);

#endif /* CST_HTML_H */
