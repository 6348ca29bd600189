/*
 * multistatus.c -- 207 Multi-Status bodies parsed with libxml2.
 *
 * The document is parsed into a libxml2 tree (bounded by max_bytes) and
 * walked once; only the shapes RFC 4918 defines are read, anything else is
 * skipped.  Text is gathered from text and CDATA nodes only, so an entity
 * reference could never be expanded by the walk even if one got through.
 */
#include "config.h"

#include "caldav/multistatus.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

typedef struct walk {
    cst_dav_ms_limits lim;
    cst_dav_multistatus *ms;
    size_t cap; /* of ms->resp */
    cst_error *err;
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

static int is_el(const xmlNode *n, const char *ns, const char *name)
{
    const char *nns;

    if (n == NULL || n->type != XML_ELEMENT_NODE)
        return 0;
    nns = (n->ns != NULL && n->ns->href != NULL) ? (const char *)n->ns->href
                                                 : "";
    return strcmp(nns, ns) == 0 && strcmp((const char *)n->name, name) == 0;
}

static const char *el_ns(const xmlNode *n)
{
    return (n->ns != NULL && n->ns->href != NULL) ? (const char *)n->ns->href
                                                  : "";
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

/*
 * Appends the text of n's descendants (text and CDATA nodes only) to the
 * growing buffer *buf.  Returns CST_OK, CST_ERR_TOO_LARGE past the depth
 * or byte limit, or CST_ERR_NOMEM.
 */
static cst_status gather(const xmlNode *n, unsigned depth, walk *w,
                         char **buf, size_t *len, size_t *cap)
{
    const xmlNode *c;

    if (depth > w->lim.max_depth) {
        cst_error_set(w->err, n->line, "multistatus: elements nested deeper "
                      "than %u", w->lim.max_depth);
        return CST_ERR_TOO_LARGE;
    }
    for (c = n->children; c != NULL; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            size_t l = c->content ? strlen((const char *)c->content) : 0;

            if (l > w->lim.max_bytes - *len) {
                cst_error_set(w->err, c->line, "multistatus: text larger "
                              "than %zu bytes", w->lim.max_bytes);
                return CST_ERR_TOO_LARGE;
            }
            if (*len + l + 1 > *cap) {
                size_t nc = *cap ? *cap : 64;
                char *p;

                while (nc < *len + l + 1)
                    nc *= 2;
                p = realloc(*buf, nc);
                if (p == NULL)
                    return CST_ERR_NOMEM;
                *buf = p;
                *cap = nc;
            }
            memcpy(*buf + *len, c->content, l);
            *len += l;
            (*buf)[*len] = '\0';
        } else if (c->type == XML_ELEMENT_NODE) {
            cst_status st = gather(c, depth + 1, w, buf, len, cap);

            if (st != CST_OK)
                return st;
        }
        /* entity references, comments, PIs: skipped */
    }
    return CST_OK;
}

/* Sets *out to the text of n (a new string, never NULL on CST_OK). */
static cst_status text_of(const xmlNode *n, unsigned depth, int keep,
                          walk *w, char **out)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    cst_status st = gather(n, depth, w, &buf, &len, &cap);

    if (st != CST_OK) {
        free(buf);
        return st;
    }
    if (buf == NULL) {
        buf = dups("");
        if (buf == NULL)
            return CST_ERR_NOMEM;
    }
    if (!keep)
        trim(buf);
    *out = buf;
    return CST_OK;
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

/* --- the walk ---------------------------------------------------------- */

/* Fills *p from the property element n (depth = its nesting depth). */
static cst_status read_prop(const xmlNode *n, unsigned depth, int status,
                            walk *w, cst_dav_prop *p)
{
    const xmlNode *c;
    size_t cap = 0;
    cst_status st;
    int keep = is_el(n, CST_DAV_NS_CALDAV, "calendar-data");

    memset(p, 0, sizeof(*p));
    p->status = status;
    p->ns = dups(el_ns(n));
    p->name = dups((const char *)n->name);
    if (p->ns == NULL || p->name == NULL)
        return CST_ERR_NOMEM;
    st = text_of(n, depth, keep, w, &p->text);
    if (st != CST_OK)
        return st;
    for (c = n->children; c != NULL; c = c->next) {
        cst_dav_elem *e;
        xmlChar *attr;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (p->nchild >= w->lim.max_children) {
            cst_error_set(w->err, c->line, "multistatus: more than %zu "
                          "elements in property %s", w->lim.max_children,
                          p->name);
            return CST_ERR_TOO_LARGE;
        }
        if (p->nchild == cap) {
            size_t nc = cap ? cap * 2 : 4;
            cst_dav_elem *v = realloc(p->child, nc * sizeof(*v));

            if (v == NULL)
                return CST_ERR_NOMEM;
            p->child = v;
            cap = nc;
        }
        e = &p->child[p->nchild++];
        memset(e, 0, sizeof(*e));
        e->ns = dups(el_ns(c));
        e->name = dups((const char *)c->name);
        if (e->ns == NULL || e->name == NULL)
            return CST_ERR_NOMEM;
        attr = xmlGetNoNsProp(c, (const xmlChar *)"name");
        if (attr != NULL) {
            e->name_attr = dups((const char *)attr);
            xmlFree(attr);
            if (e->name_attr == NULL)
                return CST_ERR_NOMEM;
            trim(e->name_attr);
        }
        st = text_of(c, depth + 1, 0, w, &e->text);
        if (st != CST_OK)
            return st;
    }
    return CST_OK;
}

static cst_status new_entry(walk *w, int line, cst_dav_msresponse **out)
{
    cst_dav_multistatus *ms = w->ms;

    if (ms->nresp >= w->lim.max_responses) {
        cst_error_set(w->err, line, "multistatus: more than %zu responses",
                      w->lim.max_responses);
        return CST_ERR_TOO_LARGE;
    }
    if (ms->nresp == w->cap) {
        size_t nc = w->cap ? w->cap * 2 : 8;
        cst_dav_msresponse *v = realloc(ms->resp, nc * sizeof(*v));

        if (v == NULL)
            return CST_ERR_NOMEM;
        ms->resp = v;
        w->cap = nc;
    }
    *out = &ms->resp[ms->nresp++];
    memset(*out, 0, sizeof(**out));
    return CST_OK;
}

/* Adds the properties of one <propstat> to r. */
static cst_status read_propstat(const xmlNode *ps, walk *w,
                                cst_dav_msresponse *r, size_t *cap)
{
    const xmlNode *c, *prop = NULL;
    int status = 0;
    cst_status st;

    for (c = ps->children; c != NULL; c = c->next) {
        if (is_el(c, CST_DAV_NS_DAV, "prop") && prop == NULL) {
            prop = c;
        } else if (is_el(c, CST_DAV_NS_DAV, "status")) {
            char *s = NULL;

            st = text_of(c, 4, 0, w, &s);
            if (st != CST_OK)
                return st;
            status = cst_dav_parse_status_line(s);
            free(s);
        }
    }
    if (prop == NULL)
        return CST_OK;
    for (c = prop->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (r->nprop >= w->lim.max_props) {
            cst_error_set(w->err, c->line, "multistatus: more than %zu "
                          "properties in one response", w->lim.max_props);
            return CST_ERR_TOO_LARGE;
        }
        if (r->nprop == *cap) {
            size_t nc = *cap ? *cap * 2 : 8;
            cst_dav_prop *v = realloc(r->prop, nc * sizeof(*v));

            if (v == NULL)
                return CST_ERR_NOMEM;
            r->prop = v;
            *cap = nc;
        }
        r->nprop++;
        st = read_prop(c, 5, status, w, &r->prop[r->nprop - 1]);
        if (st != CST_OK)
            return st;
    }
    return CST_OK;
}

static cst_status read_response(const xmlNode *rn, walk *w)
{
    const xmlNode *c;
    cst_dav_msresponse *r = NULL;
    size_t pcap = 0, nhref = 0;
    int status = 0;
    cst_status st;

    /* The status first: every href of the status form shares it. */
    for (c = rn->children; c != NULL; c = c->next) {
        if (is_el(c, CST_DAV_NS_DAV, "status")) {
            char *s = NULL;

            st = text_of(c, 3, 0, w, &s);
            if (st != CST_OK)
                return st;
            status = cst_dav_parse_status_line(s);
            free(s);
        }
    }
    for (c = rn->children; c != NULL; c = c->next) {
        char *href = NULL;

        if (!is_el(c, CST_DAV_NS_DAV, "href"))
            continue;
        st = text_of(c, 3, 0, w, &href);
        if (st != CST_OK)
            return st;
        st = new_entry(w, c->line, &r);
        if (st != CST_OK) {
            free(href);
            return st;
        }
        r->href = href;
        r->status = status;
        if (nhref++ > 0)
            continue;
        /* The first entry carries the propstats. */
        {
            const xmlNode *p;

            for (p = rn->children; p != NULL; p = p->next) {
                if (!is_el(p, CST_DAV_NS_DAV, "propstat"))
                    continue;
                st = read_propstat(p, w, r, &pcap);
                if (st != CST_OK)
                    return st;
            }
        }
        /* Adding entries may move the array; r is not used again. */
        r = NULL;
    }
    /* A response without href is invalid (RFC 4918 14.24): skipped. */
    return CST_OK;
}

/* Stops the parse at a DOCTYPE, before its internal subset is read. */
static void refuse_doctype(void *ctx, const xmlChar *name,
                           const xmlChar *ext_id, const xmlChar *sys_id)
{
    xmlParserCtxtPtr ctxt = ctx;

    *(int *)ctxt->_private = 1;
    xmlStopParser(ctxt);
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

cst_status cst_dav_multistatus_parse(const char *xml, size_t len,
                                     const cst_dav_ms_limits *lim,
                                     cst_dav_multistatus *ms,
                                     cst_error *err)
{
    xmlParserCtxtPtr ctxt = NULL;
    xmlDocPtr doc = NULL;
    const xmlNode *root, *c;
    walk w;
    int doctype = 0;
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
    w.ms = ms;
    w.err = err;

    if (xml == NULL || len == 0) {
        cst_error_set(err, 0, "multistatus: empty body");
        return CST_ERR_PARSE;
    }
    if (len > w.lim.max_bytes || len > INT_MAX) {
        cst_error_set(err, 0, "multistatus: body of %zu bytes exceeds %zu",
                      len, w.lim.max_bytes);
        return CST_ERR_TOO_LARGE;
    }
    ctxt = xmlCreateMemoryParserCtxt(xml, (int)len);
    if (ctxt == NULL) {
        st = CST_ERR_NOMEM;
        goto done;
    }
    /* No NOENT (entities stay references), no DTDLOAD/DTDATTR/DTDVALID,
     * no HUGE (libxml2 keeps its own depth and size guards), no network,
     * errors kept in the context instead of printed. */
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    ctxt->_private = &doctype;
    ctxt->sax->internalSubset = refuse_doctype;
    ctxt->sax->externalSubset = NULL;
    ctxt->sax->entityDecl = NULL;
    xmlParseDocument(ctxt);
    doc = ctxt->myDoc;
    ctxt->myDoc = NULL;
    if (doctype) {
        cst_error_set(err, ctxt->input ? ctxt->input->line : 0,
                      "multistatus: DOCTYPE not allowed");
        st = CST_ERR_PARSE;
        goto done;
    }
    if (!ctxt->wellFormed || doc == NULL) {
        xml_error(ctxt, err);
        st = CST_ERR_PARSE;
        goto done;
    }
    root = xmlDocGetRootElement(doc);
    if (!is_el(root, CST_DAV_NS_DAV, "multistatus")) {
        cst_error_set(err, root ? root->line : 0,
                      "multistatus: root element is {%s}%s, not "
                      "{DAV:}multistatus", root ? el_ns(root) : "",
                      root ? (const char *)root->name : "");
        st = CST_ERR_PARSE;
        goto done;
    }
    for (c = root->children; c != NULL; c = c->next) {
        if (is_el(c, CST_DAV_NS_DAV, "response")) {
            st = read_response(c, &w);
        } else if (is_el(c, CST_DAV_NS_DAV, "sync-token") &&
                   ms->sync_token == NULL) {
            st = text_of(c, 2, 0, &w, &ms->sync_token);
        }
        if (st != CST_OK)
            goto done;
    }

done:
    if (st == CST_ERR_NOMEM)
        cst_error_set(err, 0, "multistatus: out of memory");
    if (st != CST_OK)
        cst_dav_multistatus_fini(ms);
    if (doc != NULL)
        xmlFreeDoc(doc);
    if (ctxt != NULL)
        xmlFreeParserCtxt(ctxt);
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
