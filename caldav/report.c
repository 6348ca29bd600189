/*
 * report.c -- what the sweep asks of a CalDAV server: collection state
 * (sync-token, ctag), calendar-query, calendar-multiget, sync-collection
 * (RFC 6578), member ETags, and discovery (RFC 6764, RFC 4791).
 *
 * Built on the public requests of caldav.h (cst_dav_report,
 * cst_dav_propfind, cst_dav_parse_207): nothing here touches curl.
 */
#include "config.h"

#include "caldav/caldav.h"
#include "base/xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define XML_HEAD "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
#define NS_DC "xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\""
#define MAX_HREF 4096u /* bytes of one href sent in a multiget */

/* --- small helpers ----------------------------------------------------- */

static char *dups(const char *s)
{
    size_t n = strlen(s);
    char *p = malloc(n + 1);

    if (p != NULL)
        memcpy(p, s, n + 1);
    return p;
}

static cst_status nomem(cst_error *err)
{
    cst_error_set(err, 0, "caldav: out of memory");
    return CST_ERR_NOMEM;
}

/* A growing request body. */
typedef struct sbuf {
    char *p;
    size_t len, cap;
    int nomem;
} sbuf;

static void sb_addn(sbuf *b, const char *s, size_t n)
{
    if (b->nomem)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 1024;
        char *p;

        while (nc < b->len + n + 1)
            nc *= 2;
        p = realloc(b->p, nc);
        if (p == NULL) {
            b->nomem = 1;
            return;
        }
        b->p = p;
        b->cap = nc;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_add(sbuf *b, const char *s)
{
    sb_addn(b, s, strlen(s));
}

/* Appends s with XML escapes (base/xml.h); returns 0 when s holds a
 * control character (LF and CR too) XML 1.0 cannot carry. */
static int sb_add_escaped(sbuf *b, const char *s)
{
    char *e = cst_xml_escape(s, strlen(s), CST_XML_NO_EOL);

    if (e == NULL)
        return 0;
    sb_add(b, e);
    free(e);
    return 1;
}

/* Returns 1 when the absolute URLs a and b name the same resource, a
 * trailing "/" aside (servers write collection hrefs with and without). */
static int same_resource(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);

    if (la > 0 && a[la - 1] == '/')
        la--;
    if (lb > 0 && b[lb - 1] == '/')
        lb--;
    return la == lb && strncmp(a, b, la) == 0;
}

/* The entry of ms for url itself (Depth 0), else the only one, else
 * NULL. */
static const cst_dav_msresponse *self_entry(const cst_dav_multistatus *ms,
                                            const char *url)
{
    size_t i;

    for (i = 0; i < ms->nresp; i++) {
        char *abs = NULL;
        int same;

        if (cst_dav_url_resolve(url, ms->resp[i].href, &abs, NULL) != CST_OK)
            continue;
        same = same_resource(abs, url);
        free(abs);
        if (same)
            return &ms->resp[i];
    }
    return ms->nresp == 1 ? &ms->resp[0] : NULL;
}

/* cst_dav_check_origin() for url, from method's answer at answered. */
static cst_status href_on_origin(const cst_dav *d, const char *method,
                                 const char *answered, const char *url,
                                 cst_error *err)
{
    char where[160];

    snprintf(where, sizeof(where), "%.10s %.140s", method, answered);
    return cst_dav_check_origin(d, where, url, err);
}

/* A copy of p's text when p is 2xx and not empty; *out NULL otherwise.
 * Returns 0 when out of memory. */
static int take_text(const cst_dav_prop *p, char **out)
{
    *out = NULL;
    if (!cst_dav_prop_ok(p) || p->text[0] == '\0')
        return 1;
    *out = dups(p->text);
    return *out != NULL;
}

/* --- items ------------------------------------------------------------- */

void cst_dav_items_fini(cst_dav_items *it)
{
    size_t i;

    if (it == NULL)
        return;
    for (i = 0; i < it->n; i++) {
        free(it->v[i].href);
        free(it->v[i].url);
        free(it->v[i].etag);
        free(it->v[i].data);
    }
    free(it->v);
    free(it->sync_token);
    memset(it, 0, sizeof(*it));
}

/* How the entries of a 207 become items. */
enum {
    SKIP_SELF = 1,        /* leave out the entry for the request URL */
    SKIP_COLLECTIONS = 2, /* leave out entries whose resourcetype says so */
    SEE_507 = 4           /* a 507 for the request URL sets truncated */
};

/* The status of an entry: its own (status form), else 200 when any of its
 * properties is 2xx (or it has none), else its first property's. */
static int entry_status(const cst_dav_msresponse *r)
{
    size_t i;

    if (r->status != 0)
        return r->status;
    for (i = 0; i < r->nprop; i++)
        if (cst_dav_prop_ok(&r->prop[i]))
            return 200;
    return r->nprop > 0 && r->prop[0].status != 0 ? r->prop[0].status : 200;
}

/* Fills out (emptied first) from the entries of ms; base is the URL that
 * answered method.  An entry whose href is on another origin than d's is
 * refused (CST_ERR_INVALID): the caller would request it next. */
static cst_status items_from(const cst_dav *d, const char *method,
                             const cst_dav_multistatus *ms, const char *base,
                             int flags, cst_dav_items *out, cst_error *err)
{
    cst_status st = CST_OK;
    size_t i;

    if (ms->nresp > 0) {
        out->v = calloc(ms->nresp, sizeof(*out->v));
        if (out->v == NULL)
            return nomem(err);
    }
    for (i = 0; i < ms->nresp; i++) {
        const cst_dav_msresponse *r = &ms->resp[i];
        const cst_dav_prop *rt =
            cst_dav_ms_prop(r, CST_DAV_NS_DAV, "resourcetype");
        const cst_dav_prop *cd;
        cst_dav_item *it = &out->v[out->n];
        char *url = NULL;
        int status = entry_status(r);

        st = cst_dav_url_resolve(base, r->href, &url, err);
        if (st == CST_OK)
            st = href_on_origin(d, method, base, url, err);
        if (st != CST_OK) {
            free(url);
            return st;
        }
        if ((flags & (SKIP_SELF | SEE_507)) && same_resource(url, base)) {
            if ((flags & SEE_507) && status == 507)
                out->truncated = 1;
            free(url);
            continue;
        }
        if ((flags & SKIP_COLLECTIONS) && cst_dav_prop_ok(rt) &&
            cst_dav_prop_child(rt, CST_DAV_NS_DAV, "collection") != NULL) {
            free(url);
            continue;
        }
        it->url = url;
        it->href = dups(r->href);
        it->status = status;
        out->n++;
        if (it->href == NULL ||
            !take_text(cst_dav_ms_prop(r, CST_DAV_NS_DAV, "getetag"),
                       &it->etag))
            return nomem(err);
        cd = cst_dav_ms_prop(r, CST_DAV_NS_CALDAV, "calendar-data");
        if (cst_dav_prop_ok(cd)) {
            /* kept byte for byte by the parser, so no take_text() */
            it->len = strlen(cd->text);
            it->data = dups(cd->text);
            if (it->data == NULL)
                return nomem(err);
        }
    }
    if (ms->sync_token != NULL) {
        out->sync_token = dups(ms->sync_token);
        if (out->sync_token == NULL)
            return nomem(err);
    }
    return CST_OK;
}

/* Sends method (PROPFIND or REPORT) with body, parses the 207 into
 * items. */
static cst_status items_request(cst_dav *d, const char *method,
                                const char *url, int depth, const char *body,
                                int flags, cst_dav_items *out, cst_error *err)
{
    cst_dav_response resp;
    cst_dav_multistatus ms;
    cst_status st;

    cst_dav_response_init(&resp);
    memset(&ms, 0, sizeof(ms));
    if (strcmp(method, "REPORT") == 0)
        st = cst_dav_report(d, url, depth, body, &resp, err);
    else
        st = cst_dav_propfind(d, url, depth, body, &resp, err);
    if (st == CST_OK)
        st = cst_dav_parse_207(d, method, &resp, &ms, err);
    if (st == CST_OK)
        st = items_from(d, method, &ms, resp.url, flags, out, err);
    if (st != CST_OK)
        cst_dav_items_fini(out);
    cst_dav_multistatus_fini(&ms);
    cst_dav_response_fini(&resp);
    return st;
}

/* --- collection state -------------------------------------------------- */

void cst_dav_colinfo_fini(cst_dav_colinfo *c)
{
    if (c == NULL)
        return;
    free(c->sync_token);
    free(c->ctag);
    free(c->displayname);
    memset(c, 0, sizeof(*c));
}

cst_status cst_dav_collection_info(cst_dav *d, const char *url,
                                   cst_dav_colinfo *out, cst_error *err)
{
    static const char body[] =
        XML_HEAD "<D:propfind " NS_DC
        " xmlns:CS=\"http://calendarserver.org/ns/\"><D:prop>"
        "<D:resourcetype/><D:displayname/><D:sync-token/><CS:getctag/>"
        "<C:supported-calendar-component-set/></D:prop></D:propfind>\n";
    cst_dav_response resp;
    cst_dav_multistatus ms;
    const cst_dav_msresponse *r;
    const cst_dav_prop *rt;
    cst_status st;

    cst_dav_response_init(&resp);
    memset(&ms, 0, sizeof(ms));
    if (out == NULL) {
        cst_error_set(err, 0, "caldav: NULL argument");
        return CST_ERR_INVALID;
    }
    memset(out, 0, sizeof(*out));
    st = cst_dav_propfind(d, url, 0, body, &resp, err);
    if (st == CST_OK)
        st = cst_dav_parse_207(d, "PROPFIND", &resp, &ms, err);
    if (st != CST_OK)
        goto done;
    r = self_entry(&ms, resp.url);
    if (r == NULL) {
        cst_error_set(err, 0, "PROPFIND %.120s: HTTP 207 without an entry "
                      "for the collection", resp.url);
        st = CST_ERR_IO;
        goto done;
    }
    if (r->status != 0 && (r->status < 200 || r->status > 299)) {
        /* Xandikos answers a PROPFIND of a missing collection this way */
        cst_error_set(err, 0, "PROPFIND %.120s: HTTP %d (in the 207)",
                      resp.url, r->status);
        st = CST_ERR_IO;
        goto done;
    }
    rt = cst_dav_ms_prop(r, CST_DAV_NS_DAV, "resourcetype");
    out->is_calendar =
        cst_dav_prop_ok(rt) &&
        cst_dav_prop_child(rt, CST_DAV_NS_CALDAV, "calendar") != NULL;
    out->components = cst_dav_components_of(cst_dav_ms_prop(
        r, CST_DAV_NS_CALDAV, "supported-calendar-component-set"));
    if (!take_text(cst_dav_ms_prop(r, CST_DAV_NS_DAV, "sync-token"),
                   &out->sync_token) ||
        !take_text(cst_dav_ms_prop(r, CST_DAV_NS_CS, "getctag"),
                   &out->ctag) ||
        !take_text(cst_dav_ms_prop(r, CST_DAV_NS_DAV, "displayname"),
                   &out->displayname))
        st = nomem(err);
done:
    if (st != CST_OK)
        cst_dav_colinfo_fini(out);
    cst_dav_multistatus_fini(&ms);
    cst_dav_response_fini(&resp);
    return st;
}

cst_status cst_dav_list_etags(cst_dav *d, const char *collection_url,
                              cst_dav_items *out, cst_error *err)
{
    static const char body[] =
        XML_HEAD "<D:propfind xmlns:D=\"DAV:\"><D:prop>"
        "<D:resourcetype/><D:getetag/></D:prop></D:propfind>\n";

    if (out == NULL) {
        cst_error_set(err, 0, "caldav: NULL argument");
        return CST_ERR_INVALID;
    }
    memset(out, 0, sizeof(*out));
    return items_request(d, "PROPFIND", collection_url, 1, body,
                         SKIP_SELF | SKIP_COLLECTIONS, out, err);
}

/* --- REPORTs ----------------------------------------------------------- */

/* Formats t as yyyymmddThhmmssZ; returns 0 when gmtime cannot. */
static int utc_stamp(time_t t, char buf[17])
{
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL)
        return 0;
    return strftime(buf, 17, "%Y%m%dT%H%M%SZ", &tm) == 16;
}

cst_status cst_dav_calendar_query(cst_dav *d, const char *collection_url,
                                  const char *comp, time_t start, time_t end,
                                  int with_data, cst_dav_items *out,
                                  cst_error *err)
{
    char body[1024], range[160] = "", s[17], e[17];

    if (out == NULL || comp == NULL) {
        cst_error_set(err, 0, "caldav: NULL argument");
        return CST_ERR_INVALID;
    }
    memset(out, 0, sizeof(*out));
    if (strcmp(comp, "VEVENT") != 0 && strcmp(comp, "VTODO") != 0 &&
        strcmp(comp, "VJOURNAL") != 0) {
        cst_error_set(err, 0, "caldav: calendar-query for component "
                      "'%.40s'", comp);
        return CST_ERR_INVALID;
    }
    if (start < end) {
        if (!utc_stamp(start, s) || !utc_stamp(end, e)) {
            cst_error_set(err, 0, "caldav: time range out of range");
            return CST_ERR_INVALID;
        }
        snprintf(range, sizeof(range),
                 "><C:time-range start=\"%s\" end=\"%s\"/></C:comp-filter",
                 s, e);
    }
    snprintf(body, sizeof(body),
             XML_HEAD "<C:calendar-query " NS_DC "><D:prop><D:getetag/>%s"
             "</D:prop><C:filter><C:comp-filter name=\"VCALENDAR\">"
             "<C:comp-filter name=\"%s\"%s></C:comp-filter></C:filter>"
             "</C:calendar-query>\n",
             with_data ? "<C:calendar-data/>" : "", comp,
             range[0] ? range : "/");
    return items_request(d, "REPORT", collection_url, 1, body, SKIP_SELF,
                         out, err);
}

/* Appends <D:href> for href to b: as it is when it is an absolute path,
 * else the path (and query) of its resolution against base. */
static cst_status add_href(sbuf *b, const char *base, const char *href,
                           cst_error *err)
{
    char *abs = NULL;
    const char *p = href;
    cst_status st = CST_OK;

    if (href == NULL || href[0] == '\0' || strlen(href) > MAX_HREF) {
        cst_error_set(err, 0, "caldav: multiget: empty or too long href");
        return CST_ERR_INVALID;
    }
    if (href[0] != '/' || href[1] == '/') {
        const char *sep;

        st = cst_dav_url_resolve(base, href, &abs, err);
        if (st != CST_OK)
            return st;
        /* scheme://authority/path...: the part from the first "/" after
         * the authority */
        sep = strstr(abs, "://");
        p = sep ? strchr(sep + 3, '/') : NULL;
        if (p == NULL)
            p = "/";
    }
    sb_add(b, "<D:href>");
    if (!sb_add_escaped(b, p)) {
        cst_error_set(err, 0, "caldav: multiget: control character in an "
                      "href");
        st = CST_ERR_INVALID;
    }
    sb_add(b, "</D:href>");
    free(abs);
    return st;
}

cst_status cst_dav_multiget(cst_dav *d, const char *collection_url,
                            const char *const *hrefs, size_t n,
                            cst_dav_items *out, cst_error *err)
{
    sbuf b;
    size_t i;
    cst_status st = CST_OK;

    memset(&b, 0, sizeof(b));
    if (out == NULL || collection_url == NULL || (hrefs == NULL && n > 0)) {
        cst_error_set(err, 0, "caldav: NULL argument");
        return CST_ERR_INVALID;
    }
    memset(out, 0, sizeof(*out));
    if (n > CST_DAV_MULTIGET_MAX) {
        cst_error_set(err, 0, "caldav: multiget of %zu hrefs (at most %d "
                      "at once)", n, CST_DAV_MULTIGET_MAX);
        return CST_ERR_INVALID;
    }
    if (n == 0)
        return CST_OK;
    sb_add(&b, XML_HEAD "<C:calendar-multiget " NS_DC "><D:prop>"
               "<D:getetag/><C:calendar-data/></D:prop>");
    for (i = 0; i < n && st == CST_OK; i++)
        st = add_href(&b, collection_url, hrefs[i], err);
    sb_add(&b, "</C:calendar-multiget>\n");
    if (st == CST_OK && b.nomem)
        st = nomem(err);
    if (st == CST_OK)
        st = items_request(d, "REPORT", collection_url, CST_DAV_DEPTH_NONE,
                           b.p, 0, out, err);
    free(b.p);
    return st;
}

/* 1 when body looks like a DAV:error naming DAV:valid-sync-token. */
static int names_valid_sync_token(const cst_dav_response *resp)
{
    return resp->body != NULL &&
           strstr(resp->body, "valid-sync-token") != NULL;
}

cst_status cst_dav_sync_collection(cst_dav *d, const char *collection_url,
                                   const char *token, cst_dav_items *out,
                                   cst_dav_sync_result *sync, cst_error *err)
{
    cst_dav_response resp;
    cst_dav_multistatus ms;
    sbuf b;
    cst_status st = CST_OK;
    int has_token = token != NULL && token[0] != '\0';
    long code;

    cst_dav_response_init(&resp);
    memset(&ms, 0, sizeof(ms));
    memset(&b, 0, sizeof(b));
    if (out == NULL || sync == NULL) {
        cst_error_set(err, 0, "caldav: NULL argument");
        return CST_ERR_INVALID;
    }
    memset(out, 0, sizeof(*out));
    *sync = CST_DAV_SYNC_OK;
    sb_add(&b, XML_HEAD "<D:sync-collection xmlns:D=\"DAV:\">");
    if (has_token) {
        sb_add(&b, "<D:sync-token>");
        if (!sb_add_escaped(&b, token)) {
            cst_error_set(err, 0, "caldav: control character in the sync "
                          "token");
            st = CST_ERR_INVALID;
            goto done;
        }
        sb_add(&b, "</D:sync-token>");
    } else {
        sb_add(&b, "<D:sync-token/>");
    }
    sb_add(&b, "<D:sync-level>1</D:sync-level><D:prop><D:getetag/>"
               "</D:prop></D:sync-collection>\n");
    if (b.nomem) {
        st = nomem(err);
        goto done;
    }
    st = cst_dav_report(d, collection_url, CST_DAV_DEPTH_NONE, b.p, &resp,
                        err);
    if (st != CST_OK)
        goto done;
    code = resp.status;
    if ((code == 403 || code == 409) && names_valid_sync_token(&resp)) {
        *sync = CST_DAV_SYNC_INVALID_TOKEN;
        goto done;
    }
    if (has_token && (code == 400 || code == 403 || code == 409)) {
        *sync = CST_DAV_SYNC_INVALID_TOKEN;
        goto done;
    }
    if (code == 400 || code == 403 || code == 405 || code == 415 ||
        code == 501) {
        *sync = CST_DAV_SYNC_UNSUPPORTED;
        goto done;
    }
    st = cst_dav_parse_207(d, "REPORT", &resp, &ms, err);
    if (st != CST_OK)
        goto done;
    if (ms.sync_token == NULL || ms.sync_token[0] == '\0') {
        *sync = CST_DAV_SYNC_UNSUPPORTED;
        goto done;
    }
    st = items_from(d, "REPORT", &ms, resp.url, SKIP_SELF | SEE_507, out, err);
done:
    if (st != CST_OK || *sync != CST_DAV_SYNC_OK)
        cst_dav_items_fini(out);
    cst_dav_multistatus_fini(&ms);
    cst_dav_response_fini(&resp);
    free(b.p);
    return st;
}

/* --- discovery --------------------------------------------------------- */

/* PROPFIND Depth 0 of url for the {ns}name property holding one href:
 * *href the absolute URL or NULL when the 207 names none. */
static cst_status find_href(cst_dav *d, const char *url, const char *ns,
                            const char *name, const char *prop,
                            char **href, cst_error *err)
{
    char body[512];
    cst_dav_response resp;
    cst_dav_multistatus ms;
    const cst_dav_prop *p;
    const cst_dav_elem *e;
    cst_status st;

    *href = NULL;
    cst_dav_response_init(&resp);
    memset(&ms, 0, sizeof(ms));
    snprintf(body, sizeof(body),
             XML_HEAD "<D:propfind " NS_DC "><D:prop>%s</D:prop>"
             "</D:propfind>\n", prop);
    st = cst_dav_propfind(d, url, 0, body, &resp, err);
    if (st == CST_OK)
        st = cst_dav_parse_207(d, "PROPFIND", &resp, &ms, err);
    if (st != CST_OK)
        goto done;
    p = cst_dav_ms_prop(self_entry(&ms, resp.url), ns, name);
    e = cst_dav_prop_ok(p) ? cst_dav_prop_child(p, CST_DAV_NS_DAV, "href")
                           : NULL;
    if (e != NULL && e->text[0] != '\0') {
        st = cst_dav_url_resolve(resp.url, e->text, href, err);
        if (st == CST_OK)
            st = href_on_origin(d, "PROPFIND", resp.url, *href, err);
        if (st != CST_OK) {
            free(*href);
            *href = NULL;
        }
    } else
        cst_error_set(err, 0, "PROPFIND %.120s: HTTP 207 without %s",
                      resp.url, name);
done:
    cst_dav_multistatus_fini(&ms);
    cst_dav_response_fini(&resp);
    return st;
}

/* Sets *out to scheme://authority/.well-known/caldav of url. */
static cst_status well_known(const char *url, char **out, cst_error *err)
{
    return cst_dav_url_resolve(url, "/.well-known/caldav", out, err);
}

cst_status cst_dav_discover(cst_dav *d, const char *start_url,
                            char **principal, char **home, cst_error *err)
{
    char *wk = NULL;
    cst_status st;

    if (principal == NULL || home == NULL || start_url == NULL) {
        cst_error_set(err, 0, "caldav: NULL argument");
        return CST_ERR_INVALID;
    }
    *principal = *home = NULL;
    st = find_href(d, start_url, CST_DAV_NS_DAV, "current-user-principal",
                   "<D:current-user-principal/>", principal, err);
    /* Only an HTTP answer other than 401 (or a 207 naming none) sends us
     * on to .well-known; no answer, a 401, a bad body or no memory stop
     * here. */
    if ((st == CST_OK && *principal == NULL) ||
        (st == CST_ERR_IO && cst_dav_last_status(d) != 0 &&
         cst_dav_last_status(d) != 401)) {
        st = well_known(start_url, &wk, err);
        if (st != CST_OK)
            goto done;
        st = find_href(d, wk, CST_DAV_NS_DAV, "current-user-principal",
                       "<D:current-user-principal/>", principal, err);
    }
    if (st != CST_OK)
        goto done;
    if (*principal == NULL) {
        st = CST_ERR_IO; /* err says "HTTP 207 without ..." */
        goto done;
    }
    st = find_href(d, *principal, CST_DAV_NS_CALDAV, "calendar-home-set",
                   "<C:calendar-home-set/>", home, err);
    if (st == CST_OK && *home == NULL)
        st = CST_ERR_IO;
done:
    if (st != CST_OK) {
        free(*principal);
        free(*home);
        *principal = *home = NULL;
    }
    free(wk);
    return st;
}

/*
 * C:calendar-data travels inside XML, whose parsers turn every CRLF into
 * LF: a server's stored CRLF arrives as LF unless it wrote &#13;.  The
 * object as stored has CRLF (RFC 5545 3.1), so bare LFs become CRLF
 * again before anything is processed or written back (see caldav.h).
 */
char *cst_dav_restore_crlf(const char *data, size_t len, size_t *out_len)
{
    size_t i, extra = 0, k = 0;
    char *o;

    for (i = 0; i < len; i++) {
        if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
            extra++;
    }
    o = malloc(len + extra + 1);
    if (o == NULL)
        return NULL;
    for (i = 0; i < len; i++) {
        if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
            o[k++] = '\r';
        o[k++] = data[i];
    }
    o[k] = '\0';
    *out_len = k;
    return o;
}
