/*
 * multistatus.c -- 207 Multi-Status bodies parsed with libxml2's SAX2
 * push parser, in one pass, without a document tree.
 *
 * The body is fed to the parser in chunks; the callbacks keep only what
 * the result needs (the shapes RFC 4918 defines: response, href, status,
 * propstat, prop, the properties and their child elements) and check every
 * limit as each element or piece of text arrives, so memory is the input
 * plus what the limits allow, however the input is shaped.  Anything else
 * is skipped as it streams by.  Past a limit the parser is stopped at once
 * (nesting past max_depth: when the deep element ends, unless libxml2's
 * own depth guard stops the parse first); what was built is freed.
 *
 * No DOCTYPE (the internalSubset callback stops the parse before the
 * subset is read), no network, no entity substitution: only the five
 * predefined entities and character references ever reach the text.
 */
#include "config.h"

#include "caldav/multistatus.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 65536 /* bytes handed to the push parser at once */
/* libxml2's own nesting guard (xmlParserMaxDepth without XML_PARSE_HUGE),
 * which its push parser does not apply: a document nested deeper is not
 * one we parse at all (CST_ERR_PARSE, as the pull parser said). */
#define XML_DEPTH_GUARD 256u

/* A growing text buffer. */
typedef struct tbuf {
    char *p;
    size_t len, cap;
} tbuf;

/* What the outer text buffer is gathering. */
enum { T_NONE, T_HREF, T_RSTATUS, T_PSSTATUS, T_SYNC, T_PROP };

typedef struct walk {
    cst_dav_ms_limits lim;
    cst_dav_multistatus *ms;
    size_t cap; /* of ms->resp */
    cst_error *err;
    xmlParserCtxtPtr ctxt;
    cst_status st; /* the first failure of a callback (parser stopped) */
    int doctype;
    unsigned depth;    /* of the element being read; the root is 1 */
    unsigned too_deep; /* depth past max_depth first reached, 0 = none */
    int deep_line;
    size_t kept; /* properties and child elements kept */
    int sync_seen;
    /* the <response> being read (depth 2) */
    int in_resp;
    cst_dav_msresponse cur; /* its properties (href set when emitted) */
    size_t pcap;
    char **hrefs;
    size_t nhref, hcap;
    int resp_status;
    /* its <propstat> (3), that propstat's first <prop> (4) */
    int in_propstat, in_prop, seen_prop, ps_status;
    size_t ps_first; /* index in cur.prop of the propstat's first one */
    /* the property being read (5) and its child element (6) */
    int in_property, keep, in_child;
    size_t ccap;
    /* text: outer for href, status, sync-token, a property; inner for a
     * property's child */
    int what;
    tbuf outer, inner;
} walk;

/* --- small helpers ----------------------------------------------------- */

static char *dupn(const char *s, size_t n)
{
    char *p = malloc(n + 1);

    if (p == NULL)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static char *dups(const char *s)
{
    return dupn(s, strlen(s));
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trims ASCII white space off both ends of s, in place. */
static void trim(char *s)
{
    size_t n = strlen(s), i = 0;

    while (n > 0 && is_ws(s[n - 1]))
        n--;
    while (i < n && is_ws(s[i]))
        i++;
    memmove(s, s + i, n - i);
    s[n - i] = '\0';
}

int cst_dav_parse_status_line(const char *s)
{
    int v = 0, i;

    if (s == NULL)
        return 0;
    while (is_ws(*s))
        s++;
    if (strncmp(s, "HTTP/", 5) != 0)
        return 0;
    while (*s != '\0' && *s != ' ')
        s++;
    while (*s == ' ')
        s++;
    for (i = 0; i < 3; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    if (s[3] != '\0' && !is_ws(s[3]))
        return 0;
    return v;
}

static void elem_fini(cst_dav_elem *e)
{
    free(e->ns);
    free(e->name);
    free(e->name_attr);
    free(e->text);
}

static void prop_fini(cst_dav_prop *p)
{
    size_t i;

    for (i = 0; i < p->nchild; i++)
        elem_fini(&p->child[i]);
    free(p->child);
    free(p->ns);
    free(p->name);
    free(p->text);
}

static void resp_fini(cst_dav_msresponse *r)
{
    size_t i;

    for (i = 0; i < r->nprop; i++)
        prop_fini(&r->prop[i]);
    free(r->prop);
    free(r->href);
}

void cst_dav_multistatus_fini(cst_dav_multistatus *ms)
{
    size_t i;

    if (ms == NULL)
        return;
    for (i = 0; i < ms->nresp; i++)
        resp_fini(&ms->resp[i]);
    free(ms->resp);
    free(ms->sync_token);
    memset(ms, 0, sizeof(*ms));
}

/* --- the callbacks ----------------------------------------------------- */

static int line_of(const walk *w)
{
    return w->ctxt != NULL && w->ctxt->input != NULL ? w->ctxt->input->line : 0;
}

/* Records the first failure and stops the parser; err is set by the
 * caller (or here for memory). */
static void fail(walk *w, cst_status st)
{
    if (w->st == CST_OK) {
        w->st = st;
        if (st == CST_ERR_NOMEM)
            cst_error_set(w->err, 0, "multistatus: out of memory");
    }
    xmlStopParser(w->ctxt);
}

static int is_name(const xmlChar *uri, const xmlChar *local, const char *ns,
                   const char *name)
{
    const char *u = uri != NULL ? (const char *)uri : "";

    return strcmp(u, ns) == 0 && strcmp((const char *)local, name) == 0;
}

static int is_dav(const xmlChar *uri, const xmlChar *local, const char *name)
{
    return is_name(uri, local, CST_DAV_NS_DAV, name);
}

/* Appends n bytes to b, at most max in all.  Returns CST_OK,
 * CST_ERR_TOO_LARGE (err set) or CST_ERR_NOMEM. */
static cst_status tb_add(walk *w, tbuf *b, const char *s, size_t n)
{
    if (n > w->lim.max_text - b->len) {
        cst_error_set(w->err, line_of(w),
                      "multistatus: text larger than "
                      "%zu bytes",
                      w->lim.max_text);
        return CST_ERR_TOO_LARGE;
    }
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 64;
        char *p;

        while (nc < b->len + n + 1)
            nc *= 2;
        p = realloc(b->p, nc);
        if (p == NULL)
            return CST_ERR_NOMEM;
        b->p = p;
        b->cap = nc;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return CST_OK;
}

/* Hands the text of b over as a string (never NULL on CST_OK), trimmed
 * unless keep; b is empty afterwards. */
static cst_status tb_take(tbuf *b, int keep, char **out)
{
    char *p = b->p;

    memset(b, 0, sizeof(*b));
    if (p == NULL) {
        p = dups("");
        if (p == NULL)
            return CST_ERR_NOMEM;
    }
    if (!keep)
        trim(p);
    *out = p;
    return CST_OK;
}

/* The value of an unqualified attribute "name" among n SAX2 attributes
 * (localname, prefix, URI, value, end), or NULL; *len its length. */
static const xmlChar *name_attr(int n, const xmlChar **attrs, size_t *len)
{
    int i;

    for (i = 0; i < n; i++) {
        const xmlChar **a = attrs + 5 * i;

        if (a[2] == NULL && strcmp((const char *)a[0], "name") == 0) {
            *len = (size_t)(a[4] - a[3]);
            return a[3];
        }
    }
    return NULL;
}

/* A copy of an attribute value: libxml2 (not replacing entities) hands
 * "&" over as "&#38;"; every other reference arrives decoded. */
static char *attr_dup(const xmlChar *v, size_t n)
{
    char *p = dupn((const char *)v, n), *r, *o;

    if (p == NULL)
        return NULL;
    for (r = o = p; *r != '\0';) {
        if (strncmp(r, "&#38;", 5) == 0) {
            *o++ = '&';
            r += 5;
        } else {
            *o++ = *r++;
        }
    }
    *o = '\0';
    trim(p);
    return p;
}

/* Counts one more kept property or child against max_elements. */
static int count_kept(walk *w)
{
    if (w->kept >= w->lim.max_elements) {
        cst_error_set(w->err, line_of(w),
                      "multistatus: more than %zu "
                      "properties and elements in all",
                      w->lim.max_elements);
        return 0;
    }
    w->kept++;
    return 1;
}

static cst_status new_prop(walk *w, const xmlChar *uri, const xmlChar *local)
{
    cst_dav_msresponse *r = &w->cur;
    cst_dav_prop *p;

    if (r->nprop >= w->lim.max_props) {
        cst_error_set(w->err, line_of(w),
                      "multistatus: more than %zu "
                      "properties in one response",
                      w->lim.max_props);
        return CST_ERR_TOO_LARGE;
    }
    if (!count_kept(w))
        return CST_ERR_TOO_LARGE;
    if (r->nprop == w->pcap) {
        size_t nc = w->pcap ? w->pcap * 2 : 8;
        cst_dav_prop *v = realloc(r->prop, nc * sizeof(*v));

        if (v == NULL)
            return CST_ERR_NOMEM;
        r->prop = v;
        w->pcap = nc;
    }
    p = &r->prop[r->nprop++];
    memset(p, 0, sizeof(*p));
    p->ns = dups(uri != NULL ? (const char *)uri : "");
    p->name = dups((const char *)local);
    if (p->ns == NULL || p->name == NULL)
        return CST_ERR_NOMEM;
    w->keep = is_name(uri, local, CST_DAV_NS_CALDAV, "calendar-data");
    w->ccap = 0;
    return CST_OK;
}

static cst_status new_child(walk *w, const xmlChar *uri, const xmlChar *local,
                            int nattr, const xmlChar **attrs)
{
    cst_dav_prop *p = &w->cur.prop[w->cur.nprop - 1];
    cst_dav_elem *e;
    const xmlChar *v;
    size_t vlen = 0;

    if (p->nchild >= w->lim.max_children) {
        cst_error_set(w->err, line_of(w),
                      "multistatus: more than %zu "
                      "elements in property %s",
                      w->lim.max_children, p->name);
        return CST_ERR_TOO_LARGE;
    }
    if (!count_kept(w))
        return CST_ERR_TOO_LARGE;
    if (p->nchild == w->ccap) {
        size_t nc = w->ccap ? w->ccap * 2 : 4;
        cst_dav_elem *nv = realloc(p->child, nc * sizeof(*nv));

        if (nv == NULL)
            return CST_ERR_NOMEM;
        p->child = nv;
        w->ccap = nc;
    }
    e = &p->child[p->nchild++];
    memset(e, 0, sizeof(*e));
    e->ns = dups(uri != NULL ? (const char *)uri : "");
    e->name = dups((const char *)local);
    if (e->ns == NULL || e->name == NULL)
        return CST_ERR_NOMEM;
    v = name_attr(nattr, attrs, &vlen);
    if (v != NULL) {
        e->name_attr = attr_dup(v, vlen);
        if (e->name_attr == NULL)
            return CST_ERR_NOMEM;
    }
    return CST_OK;
}

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
                     const xmlChar *uri, int nns, const xmlChar **nss,
                     int nattr, int ndef, const xmlChar **attrs)
{
    walk *w = ctx;
    unsigned d = ++w->depth;
    cst_status st = CST_OK;

    (void)prefix;
    (void)nns;
    (void)nss;
    (void)ndef;
    if (w->st != CST_OK)
        return;
    if (d > XML_DEPTH_GUARD) {
        cst_error_set(w->err, line_of(w),
                      "multistatus: line %d: elements "
                      "nested deeper than %u",
                      line_of(w), XML_DEPTH_GUARD);
        fail(w, CST_ERR_PARSE);
        return;
    }
    if (w->too_deep != 0)
        return; /* inside the element that went too deep: skipped */
    if (d > w->lim.max_depth) {
        w->too_deep = d;
        w->deep_line = line_of(w);
        return;
    }
    if (d == 1) {
        if (!is_dav(uri, local, "multistatus")) {
            cst_error_set(w->err, line_of(w),
                          "multistatus: root element "
                          "is {%.60s}%.60s, not {DAV:}multistatus",
                          uri ? (const char *)uri : "", (const char *)local);
            fail(w, CST_ERR_PARSE);
        }
        return;
    }
    if (d == 2) {
        if (is_dav(uri, local, "response"))
            w->in_resp = 1;
        else if (is_dav(uri, local, "sync-token") && !w->sync_seen)
            w->what = T_SYNC;
    } else if (d == 3 && w->in_resp) {
        if (is_dav(uri, local, "href")) {
            w->what = T_HREF;
        } else if (is_dav(uri, local, "status")) {
            w->what = T_RSTATUS;
        } else if (is_dav(uri, local, "propstat")) {
            w->in_propstat = 1;
            w->seen_prop = 0;
            w->ps_status = 0;
            w->ps_first = w->cur.nprop;
        }
    } else if (d == 4 && w->in_propstat) {
        if (is_dav(uri, local, "prop") && !w->seen_prop)
            w->in_prop = w->seen_prop = 1;
        else if (is_dav(uri, local, "status"))
            w->what = T_PSSTATUS;
    } else if (d == 5 && w->in_prop) {
        st = new_prop(w, uri, local);
        w->in_property = 1;
        w->what = T_PROP;
    } else if (d == 6 && w->in_property) {
        st = new_child(w, uri, local, nattr, attrs);
        w->in_child = 1;
    }
    if (st != CST_OK)
        fail(w, st);
}

/* The <response> just ended: one entry per href, the first with the
 * properties.  A response without href is invalid (RFC 4918 14.24) and
 * skipped. */
static cst_status emit_response(walk *w)
{
    cst_dav_multistatus *ms = w->ms;
    size_t i;

    if (w->nhref == 0) {
        w->cur.href = NULL;
        resp_fini(&w->cur);
        return CST_OK;
    }
    if (w->cap < ms->nresp + w->nhref) {
        size_t nc = w->cap ? w->cap : 8;
        cst_dav_msresponse *v;

        while (nc < ms->nresp + w->nhref)
            nc *= 2;
        v = realloc(ms->resp, nc * sizeof(*v));
        if (v == NULL)
            return CST_ERR_NOMEM;
        ms->resp = v;
        w->cap = nc;
    }
    for (i = 0; i < w->nhref; i++) {
        cst_dav_msresponse *r = &ms->resp[ms->nresp++];

        memset(r, 0, sizeof(*r));
        if (i == 0) {
            *r = w->cur;
            memset(&w->cur, 0, sizeof(w->cur));
        }
        r->href = w->hrefs[i];
        r->status = w->resp_status;
        w->hrefs[i] = NULL;
    }
    w->nhref = 0;
    return CST_OK;
}

/* An <href> of the current response ended. */
static cst_status add_href(walk *w)
{
    char *h = NULL;
    cst_status st;

    if (w->ms->nresp + w->nhref >= w->lim.max_responses) {
        cst_error_set(w->err, line_of(w),
                      "multistatus: more than %zu "
                      "responses",
                      w->lim.max_responses);
        return CST_ERR_TOO_LARGE;
    }
    if (w->nhref == w->hcap) {
        size_t nc = w->hcap ? w->hcap * 2 : 2;
        char **v = realloc(w->hrefs, nc * sizeof(*v));

        if (v == NULL)
            return CST_ERR_NOMEM;
        w->hrefs = v;
        w->hcap = nc;
    }
    st = tb_take(&w->outer, 0, &h);
    if (st == CST_OK)
        w->hrefs[w->nhref++] = h;
    return st;
}

/* The status line gathered in outer: its code (0 when none). */
static cst_status take_status(walk *w, int *code)
{
    char *s = NULL;
    cst_status st = tb_take(&w->outer, 0, &s);

    if (st == CST_OK)
        *code = cst_dav_parse_status_line(s);
    free(s);
    return st;
}

static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix,
                   const xmlChar *uri)
{
    walk *w = ctx;
    unsigned d = w->depth--;
    cst_status st = CST_OK;
    size_t i;

    (void)local;
    (void)prefix;
    (void)uri;
    if (w->st != CST_OK)
        return;
    if (w->too_deep != 0) {
        if (d == w->too_deep) {
            cst_error_set(w->err, w->deep_line,
                          "multistatus: elements "
                          "nested deeper than %u",
                          w->lim.max_depth);
            fail(w, CST_ERR_TOO_LARGE);
        }
        return;
    }
    if (d == 6 && w->in_child) {
        cst_dav_prop *p = &w->cur.prop[w->cur.nprop - 1];

        st = tb_take(&w->inner, 0, &p->child[p->nchild - 1].text);
        w->in_child = 0;
    } else if (d == 5 && w->in_property) {
        st = tb_take(&w->outer, w->keep, &w->cur.prop[w->cur.nprop - 1].text);
        w->in_property = 0;
        w->what = T_NONE;
    } else if (d == 4 && w->what == T_PSSTATUS) {
        st = take_status(w, &w->ps_status);
        w->what = T_NONE;
    } else if (d == 4 && w->in_prop) {
        w->in_prop = 0;
    } else if (d == 3 && w->what == T_HREF) {
        st = add_href(w);
        w->what = T_NONE;
    } else if (d == 3 && w->what == T_RSTATUS) {
        st = take_status(w, &w->resp_status);
        w->what = T_NONE;
    } else if (d == 3 && w->in_propstat) {
        /* the propstat's status (often after its prop) is its props' */
        for (i = w->ps_first; i < w->cur.nprop; i++)
            w->cur.prop[i].status = w->ps_status;
        w->in_propstat = 0;
    } else if (d == 2 && w->what == T_SYNC) {
        st = tb_take(&w->outer, 0, &w->ms->sync_token);
        w->sync_seen = 1;
        w->what = T_NONE;
    } else if (d == 2 && w->in_resp) {
        st = emit_response(w);
        w->in_resp = 0;
        w->resp_status = 0;
        w->pcap = 0;
    }
    if (st != CST_OK)
        fail(w, st);
}

static void on_text(void *ctx, const xmlChar *s, int n)
{
    walk *w = ctx;
    cst_status st = CST_OK;

    if (w->st != CST_OK || w->too_deep != 0 || n <= 0)
        return;
    if (w->what != T_NONE)
        st = tb_add(w, &w->outer, (const char *)s, (size_t)n);
    if (st == CST_OK && w->in_child)
        st = tb_add(w, &w->inner, (const char *)s, (size_t)n);
    if (st != CST_OK)
        fail(w, st);
}

/* Stops the parse at a DOCTYPE, before its internal subset is read. */
static void refuse_doctype(void *ctx, const xmlChar *name,
                           const xmlChar *ext_id, const xmlChar *sys_id)
{
    walk *w = ctx;

    (void)name;
    (void)ext_id;
    (void)sys_id;
    w->doctype = 1;
    xmlStopParser(w->ctxt);
}

/* Copies libxml2's last error into err, on one line. */
static void xml_error(xmlParserCtxtPtr ctxt, cst_error *err)
{
    const xmlError *e = xmlCtxtGetLastError(ctxt);
    char msg[160];
    size_t i;

    if (e == NULL || e->message == NULL) {
        cst_error_set(err, 0, "multistatus: not well-formed XML");
        return;
    }
    snprintf(msg, sizeof(msg), "%s", e->message);
    for (i = 0; msg[i] != '\0'; i++)
        if (msg[i] == '\n' || msg[i] == '\r')
            msg[i] = ' ';
    trim(msg);
    cst_error_set(err, e->line, "multistatus: line %d: %s", e->line, msg);
}

/* Frees what the walk holds outside ms. */
static void walk_fini(walk *w)
{
    size_t i;

    for (i = 0; i < w->nhref; i++)
        free(w->hrefs[i]);
    free(w->hrefs);
    w->cur.href = NULL;
    resp_fini(&w->cur);
    free(w->outer.p);
    free(w->inner.p);
}

cst_status cst_dav_multistatus_parse(const char *xml, size_t len,
                                     const cst_dav_ms_limits *lim,
                                     cst_dav_multistatus *ms,
                                     cst_error *err)
{
    xmlSAXHandler sax;
    walk w;
    size_t off;
    int first;
    cst_status st = CST_OK;

    memset(ms, 0, sizeof(*ms));
    memset(&w, 0, sizeof(w));
    if (lim != NULL)
        w.lim = *lim;
    if (w.lim.max_bytes == 0)
        w.lim.max_bytes = CST_DAV_MAX_BODY_DEFAULT;
    if (w.lim.max_responses == 0)
        w.lim.max_responses = CST_DAV_MAX_RESPONSES;
    if (w.lim.max_props == 0)
        w.lim.max_props = CST_DAV_MAX_PROPS;
    if (w.lim.max_children == 0)
        w.lim.max_children = CST_DAV_MAX_CHILDREN;
    if (w.lim.max_depth == 0)
        w.lim.max_depth = CST_DAV_MAX_DEPTH;
    if (w.lim.max_text == 0 || w.lim.max_text > w.lim.max_bytes)
        w.lim.max_text = w.lim.max_bytes;
    if (w.lim.max_elements == 0)
        w.lim.max_elements = CST_DAV_MAX_ELEMENTS;
    w.ms = ms;
    w.err = err;

    if (xml == NULL || len == 0) {
        cst_error_set(err, 0, "multistatus: empty body");
        return CST_ERR_PARSE;
    }
    if (len > w.lim.max_bytes) {
        cst_error_set(err, 0, "multistatus: body of %zu bytes exceeds %zu",
                      len, w.lim.max_bytes);
        return CST_ERR_TOO_LARGE;
    }
    memset(&sax, 0, sizeof(sax));
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_text;
    sax.cdataBlock = on_text;
    sax.ignorableWhitespace = on_text;
    sax.internalSubset = refuse_doctype;
    /* no entityDecl, externalSubset, reference, resolveEntity: nothing is
     * declared, loaded or substituted; no error/warning printers */
    first = len < 4 ? (int)len : 4; /* for the encoding detection */
    w.ctxt = xmlCreatePushParserCtxt(&sax, &w, xml, first, NULL);
    if (w.ctxt == NULL) {
        st = CST_ERR_NOMEM;
        goto done;
    }
    /* No NOENT (entities stay references), no DTDLOAD/DTDATTR/DTDVALID,
     * no HUGE (libxml2 keeps its own depth and size guards), no network,
     * errors kept in the context instead of printed. */
    xmlCtxtUseOptions(w.ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                  XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    for (off = (size_t)first;
         off < len && w.st == CST_OK && !w.doctype && w.ctxt->wellFormed;
         off += CHUNK) {
        size_t n = len - off < CHUNK ? len - off : CHUNK;

        xmlParseChunk(w.ctxt, xml + off, (int)n, 0);
    }
    if (w.st == CST_OK && !w.doctype && w.ctxt->wellFormed)
        xmlParseChunk(w.ctxt, NULL, 0, 1);
    if (w.doctype) {
        cst_error_set(err, line_of(&w), "multistatus: DOCTYPE not allowed");
        st = CST_ERR_PARSE;
    } else if (w.st != CST_OK) {
        st = w.st;
    } else if (!w.ctxt->wellFormed) {
        xml_error(w.ctxt, err);
        st = CST_ERR_PARSE;
    }

done:
    if (st == CST_ERR_NOMEM && w.st == CST_OK)
        cst_error_set(err, 0, "multistatus: out of memory");
    walk_fini(&w);
    if (st != CST_OK)
        cst_dav_multistatus_fini(ms);
    if (w.ctxt != NULL)
        xmlFreeParserCtxt(w.ctxt);
    return st;
}

const cst_dav_prop *cst_dav_ms_prop(const cst_dav_msresponse *r,
                                    const char *ns, const char *name)
{
    const cst_dav_prop *any = NULL;
    size_t i;

    if (r == NULL)
        return NULL;
    for (i = 0; i < r->nprop; i++) {
        const cst_dav_prop *p = &r->prop[i];

        if (strcmp(p->ns, ns) != 0 || strcmp(p->name, name) != 0)
            continue;
        if (cst_dav_prop_ok(p))
            return p;
        if (any == NULL)
            any = p;
    }
    return any;
}

int cst_dav_prop_ok(const cst_dav_prop *p)
{
    return p != NULL && p->status >= 200 && p->status <= 299;
}

const cst_dav_elem *cst_dav_prop_child(const cst_dav_prop *p, const char *ns,
                                       const char *name)
{
    size_t i;

    if (p == NULL)
        return NULL;
    for (i = 0; i < p->nchild; i++)
        if (strcmp(p->child[i].ns, ns) == 0 &&
            strcmp(p->child[i].name, name) == 0)
            return &p->child[i];
    return NULL;
}
