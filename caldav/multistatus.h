/*
 * multistatus.h -- WebDAV 207 Multi-Status bodies (RFC 4918 section 13)
 * parsed with libxml2 into plain C structs.
 *
 * Streaming: the body is read in one pass by libxml2's SAX2 push parser;
 * no document tree is built, and every limit below is checked while it
 * reads, so memory stays near the input's size plus what the limits let
 * the result hold, whatever the shape of the input.
 *
 * Safe by construction: the network is never touched (XML_PARSE_NONET),
 * entities are never substituted (XML_PARSE_NOENT is not set), no DTD is
 * loaded, and a document with a DOCTYPE is refused outright (no WebDAV
 * server sends one; refusing it stops "billion laughs" and external
 * entities before their declarations are even read).  Every count has a
 * cap (cst_dav_ms_limits); past one the parse stops there and returns
 * CST_ERR_TOO_LARGE and frees what it built (nesting past max_depth: when
 * the deep element ends; past libxml2's own 256 levels it is
 * CST_ERR_PARSE).
 *
 * Names are matched by namespace URI and local name, never by prefix:
 * <D:href>, <href xmlns="DAV:"> and <x:href xmlns:x="DAV:"> are the same.
 *
 * No globals; safe from several threads at once on different inputs once
 * the program has called xmlInitParser() (see cst_dav_global_init()).
 */
#ifndef CST_DAV_MULTISTATUS_H
#define CST_DAV_MULTISTATUS_H

#include "core/cst.h"

#include <stddef.h>

#define CST_DAV_NS_DAV    "DAV:"
#define CST_DAV_NS_CALDAV "urn:ietf:params:xml:ns:caldav"
#define CST_DAV_NS_CS     "http://calendarserver.org/ns/"

/* Default limits (used for every field left 0). */
#define CST_DAV_MAX_BODY_DEFAULT  (4u * 1024u * 1024u)
#define CST_DAV_MAX_RESPONSES     100000u
#define CST_DAV_MAX_PROPS         1000u   /* properties in one response */
#define CST_DAV_MAX_CHILDREN      10000u  /* child elements of one property */
#define CST_DAV_MAX_DEPTH         64u     /* element nesting */
#define CST_DAV_MAX_ELEMENTS      500000u /* properties + children, all */

typedef struct cst_dav_ms_limits {
    size_t max_bytes;     /* input size; 0 = CST_DAV_MAX_BODY_DEFAULT */
    size_t max_responses; /* <response> elements; 0 = CST_DAV_MAX_RESPONSES */
    size_t max_props;     /* 0 = CST_DAV_MAX_PROPS */
    size_t max_children;  /* 0 = CST_DAV_MAX_CHILDREN */
    unsigned max_depth;   /* 0 = CST_DAV_MAX_DEPTH */
    size_t max_text;      /* bytes of one text (href, a property...);
                             0 = max_bytes */
    size_t max_elements;  /* properties and their child elements in the
                             whole body; 0 = CST_DAV_MAX_ELEMENTS */
} cst_dav_ms_limits;

/* A child element of a property: <D:href>/a/</D:href> inside
 * <D:current-user-principal>, <C:comp name="VTODO"/> inside
 * <C:supported-calendar-component-set>, <C:calendar/> inside
 * <D:resourcetype>. */
typedef struct cst_dav_elem {
    char *ns;        /* namespace URI, "" when none; never NULL */
    char *name;      /* local name; never NULL */
    char *name_attr; /* value of an unqualified "name" attribute, or NULL */
    char *text;      /* its text, trimmed; never NULL */
} cst_dav_elem;

/* One property of one <propstat>. */
typedef struct cst_dav_prop {
    char *ns;   /* namespace URI, "" when none; never NULL */
    char *name; /* local name; never NULL */
    int status; /* HTTP status of its propstat (200, 404...); 0 = absent */
    /* All its text (descendant text nodes joined), trimmed of ASCII white
     * space -- except C:calendar-data, which is kept byte for byte. */
    char *text;
    cst_dav_elem *child; /* its child elements, in document order */
    size_t nchild;
} cst_dav_prop;

/* One <response>.  A response that names several hrefs with one status
 * becomes one entry per href. */
typedef struct cst_dav_msresponse {
    char *href;  /* as the server wrote it (trimmed, still %-encoded) */
    int status;  /* <response><status>, 0 when the propstat form is used */
    cst_dav_prop *prop; /* every property of every propstat */
    size_t nprop;
} cst_dav_msresponse;

typedef struct cst_dav_multistatus {
    cst_dav_msresponse *resp;
    size_t nresp;
    char *sync_token; /* <D:sync-token> (RFC 6578) or NULL */
} cst_dav_multistatus;

/*
 * Parses len bytes of xml (need not be NUL-terminated) into *ms, which is
 * overwritten (it need not be initialised).  lim may be NULL (defaults).
 *
 * Returns CST_OK; CST_ERR_PARSE (not well-formed, a DOCTYPE, or a root
 * other than DAV:multistatus) with a one-line err->msg and err->line;
 * CST_ERR_TOO_LARGE past a limit; CST_ERR_NOMEM.  On any failure *ms is
 * left empty.
 *
 * @par Ownership  *ms owns every string and array in it; release with
 * cst_dav_multistatus_fini().
 */
cst_status cst_dav_multistatus_parse(const char *xml, size_t len,
                                     const cst_dav_ms_limits *lim,
                                     cst_dav_multistatus *ms,
                                     cst_error *err);

/* Frees what *ms owns and empties it; accepts an emptied or zeroed ms. */
void cst_dav_multistatus_fini(cst_dav_multistatus *ms);

/*
 * Returns the property {ns}name of r, preferring one with a 2xx status,
 * else any (so the caller can see a 404); NULL when absent.  Borrowed:
 * valid as long as the multistatus it points into.
 */
const cst_dav_prop *cst_dav_ms_prop(const cst_dav_msresponse *r,
                                    const char *ns, const char *name);

/* Returns 1 when p is non-NULL and its status is 2xx, else 0. */
int cst_dav_prop_ok(const cst_dav_prop *p);

/* Returns the first child {ns}name of p, or NULL (borrowed). */
const cst_dav_elem *cst_dav_prop_child(const cst_dav_prop *p, const char *ns,
                                       const char *name);

/* Parses the status of "HTTP/1.1 404 Not Found": returns 404, or 0 when
 * s is not a status line. */
int cst_dav_parse_status_line(const char *s);

#endif /* CST_DAV_MULTISTATUS_H */
