/*
 * icaltext.h -- a byte-preserving view of iCalendar text (RFC 5545 3.1).
 *
 * libical stays the semantic parser; it is never the writer of a client's
 * object (libical 3.0 drops unknown components and turns unknown
 * properties into X-LIC-ERROR when it serialises).  This scanner indexes
 * the components and content lines of the original bytes, and applies
 * edits -- add, replace or remove one content line -- so that every other
 * byte stays as it was: folding, parameter order, line ends, unknown
 * components and properties.
 */
#ifndef CST_ICALTEXT_H
#define CST_ICALTEXT_H

#include "cst.h"

#define CST_ICAL_NAME_MAX 64   /* property / component names kept */
#define CST_ICAL_MAX_LINES 200000u

/* One component: BEGIN line to END line. */
typedef struct cst_ical_comp {
    char name[CST_ICAL_NAME_MAX];   /* upper-cased: "VEVENT" */
    int parent;                     /* index, -1 for a top component */
    size_t begin;                   /* offset of its BEGIN line */
    size_t body;                    /* offset just after its BEGIN line */
    size_t end;                     /* offset of its END line */
    size_t after;                   /* offset just after its END line */
    size_t first_child;             /* offset of its first child's BEGIN
                                       line, or end when it has none */
} cst_ical_comp;

/* One content line (a property), with its folded continuation lines. */
typedef struct cst_ical_prop {
    char name[CST_ICAL_NAME_MAX];   /* upper-cased: "X-CALSTEWARD-AGENDA-SENT" */
    int comp;                       /* index of the component holding it */
    size_t start;                   /* offset of its first byte */
    size_t end;                     /* offset just after its line end */
    size_t colon;                   /* offset of the ':' before the value */
} cst_ical_prop;

typedef struct cst_icaltext {
    const char *buf;            /* the text; not owned */
    size_t len;
    cst_ical_comp *comps;
    size_t n_comps;
    cst_ical_prop *props;
    size_t n_props;
    const char *eol;            /* "\r\n" or "\n": what the text mostly
                                   uses, for lines that are added ("\r"
                                   when it has lone CRs only) */
} cst_icaltext;

/*
 * Indexes buf[0..len).  Lines end in CRLF, LF or a lone CR; a line that
 * starts with a space or a tab continues the previous one.  BEGIN and END
 * must match and nest (depth <= 16).  Lines that are no content line
 * (no ':' outside quotes, or a bad name) are kept as they are but not
 * indexed.
 *
 * Returns CST_OK; CST_ERR_PARSE for mismatched or missing END (err names
 * the line); CST_ERR_TOO_LARGE past CST_MAX_OBJECT_BYTES or
 * CST_ICAL_MAX_LINES; CST_ERR_NOMEM.
 * @par Ownership: t points into buf, which must outlive it; release t
 * with cst_icaltext_fini().
 */
cst_status cst_icaltext_scan(const char *buf, size_t len, cst_icaltext *t,
                             cst_error *err);
void cst_icaltext_fini(cst_icaltext *t);

/* Returns the index of the n-th (0-based) component named name (upper
 * case) in document order, or -1. */
int cst_icaltext_nth_comp(const cst_icaltext *t, const char *name, size_t n);

/* Returns the index of the first property named name (upper case) whose
 * component is comp, starting at property index from; -1 when none. */
int cst_icaltext_find_prop(const cst_icaltext *t, int comp, const char *name,
                           size_t from);

/*
 * Returns the unfolded value of property i (the bytes after the ':', line
 * end and folds removed) as a heap string, or NULL when out of memory.
 * The caller frees it.  TEXT escapes are left as they are.
 */
char *cst_icaltext_value(const cst_icaltext *t, size_t i);

/* Returns the whole unfolded content line of property i (name,
 * parameters and value, no line end) as a heap string, or NULL. */
char *cst_icaltext_line(const cst_icaltext *t, size_t i);

/*
 * Returns the parameter value (quotes removed) of param (upper case) of
 * property i as a heap string, NULL when the property has no such
 * parameter or out of memory.
 */
char *cst_icaltext_param(const cst_icaltext *t, size_t i, const char *param);

/*
 * Returns the offset in the text of the byte at index k of property i's
 * unfolded value (the k-th byte after the ':', folds skipped); for k at or
 * past the value's end, the offset where its final line end begins.
 */
size_t cst_icaltext_raw_offset(const cst_icaltext *t, size_t i, size_t k);

/* Returns the offset where the final line end of property i begins. */
size_t cst_icaltext_value_end(const cst_icaltext *t, size_t i);

/* An edit: replace buf[at .. at + del) with text[0..text_len). */
typedef struct cst_edit {
    size_t at;
    size_t del;
    char *text;         /* owned by the edit list */
    size_t text_len;
} cst_edit;

typedef struct cst_edits {
    cst_edit *v;
    size_t n, cap;
} cst_edits;

void cst_edits_fini(cst_edits *e);

/*
 * Folds one unfolded content line (no line end) into lines of at most 75
 * octets without splitting a UTF-8 character, each ended with eol.  first
 * is how many octets the first physical line already holds (0 for a line
 * of its own).  Returns a heap string (length in *out_len) or NULL.
 */
char *cst_ical_fold(const char *line, size_t len, size_t first,
                    const char *eol, size_t *out_len);

/* Adds an edit that replaces property i with content (an unfolded line,
 * folded here).  Returns CST_OK or CST_ERR_NOMEM. */
cst_status cst_edits_replace(cst_edits *e, const cst_icaltext *t, size_t i,
                             const char *content, size_t len);
/* Adds an edit that removes property i with its folds. */
cst_status cst_edits_remove(cst_edits *e, const cst_icaltext *t, size_t i);
/* Adds an edit that appends content (unfolded, folded here) as a new
 * property of component comp: after its last property, before its first
 * child component. */
cst_status cst_edits_add(cst_edits *e, const cst_icaltext *t, int comp,
                         const char *content, size_t len);
/* Adds a raw edit (bytes taken as they are; text is copied). */
cst_status cst_edits_raw(cst_edits *e, size_t at, size_t del,
                         const char *text, size_t text_len);

/*
 * Applies the edits to t's text.  Edits may come in any order but must
 * not overlap (two inserts at one offset keep their order).  Returns
 * CST_OK and a heap buffer (NUL-terminated; length in *out_len), which
 * the caller frees; CST_ERR_INVALID for overlapping edits; CST_ERR_NOMEM.
 */
cst_status cst_edits_apply(const cst_edits *e, const cst_icaltext *t,
                           char **out, size_t *out_len);

/* Escapes text as an iCalendar TEXT value (\\ \; \, \n).  Returns a heap
 * string (length in *out_len) or NULL. */
char *cst_ical_escape_text(const char *s, size_t len, size_t *out_len);
/* The reverse: "\\n" and "\\N" to LF, "\\x" to x.  A heap string or NULL. */
char *cst_ical_unescape_text(const char *s, size_t len, size_t *out_len);

#endif /* CST_ICALTEXT_H */
