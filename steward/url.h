/*
 * url.h -- the URLs the follow-up engine writes to: a member of a
 * collection, the collection a resource is in, and the one expander of
 * the {user} / {addr} templates (CalStewardTasks, owner-tasks) with one
 * escaping rule and one dot-segment / prefix check, for the module and
 * the sweep alike.
 *
 * Pure string work: no I/O, no globals; every result is the caller's to
 * free().
 */
#ifndef CST_STEWARD_URL_H
#define CST_STEWARD_URL_H

#include <stddef.h>

#include "core/cst.h"

/* n bytes of v with everything but RFC 3986's unreserved characters
 * (ALPHA DIGIT - . _ ~) %-escaped, upper-case hex.  NULL: no memory. */
char *cst_stw_escape_segment(const char *v, size_t n);

/* col_url joined with name (escaped with cst_stw_escape_segment) and
 * suffix, one "/" between: ("/a/b", "x", ".ics") -> "/a/b/x.ics".
 * NULL: no memory. */
char *cst_stw_member_url(const char *col_url, const char *name,
                         const char *suffix);

/* The collection a resource is in, with its "/": "/a/b/c.ics" -> "/a/b/"
 * (and "/" when url has no "/").  NULL: no memory. */
char *cst_stw_parent_url(const char *url);

/* url with the dot segments of its path removed (RFC 3986 5.2.4, "%2E"
 * counted as "."); the query and fragment as they are.  url may be a
 * whole URL or only a path.  NULL: no memory. */
char *cst_stw_normalize_url(const char *url);

/* Why cst_stw_template_expand() refused. */
typedef enum cst_stw_tpl_why {
    CST_STW_TPL_OK = 0,
    CST_STW_TPL_NOT_SEGMENT, /* a value is empty, ".", "..", or holds a "/"
                                or "\": it would not stay one segment */
    CST_STW_TPL_OUTSIDE,     /* the result, normalised, leaves the part of
                                the template before its first placeholder */
    CST_STW_TPL_NO_ADDR      /* {addr} in the template, no address given */
} cst_stw_tpl_why;

/*
 * tpl (a URL or a path) with "{user}" replaced by user and "{addr}" by
 * addr, each escaped as one path segment (cst_stw_escape_segment).  user
 * NULL: the part of addr before its "@" (all of it without one).
 * Returns CST_OK with *out set (the caller frees it); CST_ERR_INVALID
 * with *why set when a value is no segment (*out NULL) or the result is
 * not under the template's prefix (then *out is that result, for the
 * message only -- never to be requested); CST_ERR_NOMEM.
 */
cst_status cst_stw_template_expand(const char *tpl, const char *user,
                                   const char *addr, char **out,
                                   cst_stw_tpl_why *why);

#endif /* CST_STEWARD_URL_H */
