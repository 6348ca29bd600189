/*
 * caldav.c -- the CalDAV client on one reused curl easy handle.
 *
 * Every request starts from curl_easy_reset() (which keeps the live
 * connection) and sets every option it needs, so nothing leaks from one
 * request into the next.  Redirects are followed here, not by curl, so
 * that the rules in caldav.h are ours to enforce and to test.
 */
#include "config.h"

#include "caldav/caldav.h"
#include "base/xml.h"

#include <curl/curl.h>
#include <libxml/parser.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct cst_dav {
    CURL *curl;
    long connect_timeout_ms;
    long timeout_ms;
    int insecure;
    char *ca_file;
    size_t max_body;
    char *user_agent;
    char *auth_header; /* "Authorization: ..." or NULL */
    /* The origin the handle is bound to (scheme, lower-case host, port
     * defaulted from the scheme), NULL until bound; origin_str is
     * "scheme://host:port" for messages. */
    char *o_scheme, *o_host, *o_port, *origin_str;
    long last_status;
    char errbuf[CURL_ERROR_SIZE];
};

/* What a request sends. */
typedef struct req {
    const char *method;
    const char *body; /* NULL = no body */
    size_t len;
    const char *content_type;
    const char *if_match;
    const char *if_none_match;
    const char *depth; /* "0", "1", "infinity" or NULL */
    int follow;        /* redirects allowed */
} req;

/* Where the callbacks write. */
typedef struct sink {
    cst_dav_response *resp;
    size_t cap;
    size_t max;
    int toobig;
    int nomem;
} sink;

static char *dups(const char *s)
{
    size_t n;
    char *p;

    if (s == NULL)
        return NULL;
    n = strlen(s);
    p = malloc(n + 1);
    if (p != NULL)
        memcpy(p, s, n + 1);
    return p;
}

static int has_crlf(const char *s)
{
    return s != NULL && strpbrk(s, "\r\n") != NULL;
}

static cst_status bind_origin(cst_dav *d, const char *url, cst_error *err);

/* --- global ------------------------------------------------------------ */

cst_status cst_dav_global_init(cst_error *err)
{
    CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);

    if (rc != CURLE_OK) {
        cst_error_set(err, 0, "curl_global_init: %s",
                      curl_easy_strerror(rc));
        return CST_ERR_IO;
    }
    xmlInitParser();
    return CST_OK;
}

void cst_dav_global_cleanup(void)
{
    xmlCleanupParser();
    curl_global_cleanup();
}

/* --- responses --------------------------------------------------------- */

void cst_dav_response_init(cst_dav_response *r)
{
    memset(r, 0, sizeof(*r));
}

void cst_dav_response_fini(cst_dav_response *r)
{
    if (r == NULL)
        return;
    free(r->body);
    free(r->etag);
    free(r->location);
    free(r->content_type);
    free(r->url);
    memset(r, 0, sizeof(*r));
}

/* Forgets the headers and body of one exchange (1xx, redirect) but keeps
 * the URL. */
static void response_reset(cst_dav_response *r)
{
    char *url = r->url;

    r->url = NULL;
    cst_dav_response_fini(r);
    r->url = url;
}

/* --- the handle -------------------------------------------------------- */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Returns "Authorization: Basic base64(user:password)" (heap) or NULL. */
static char *basic_header(const char *user, const char *password)
{
    static const char pre[] = "Authorization: Basic ";
    size_t ul = strlen(user), pl = strlen(password), n = ul + 1 + pl;
    unsigned char *in = malloc(n);
    char *out = NULL, *o;
    size_t i;

    if (in == NULL)
        return NULL;
    memcpy(in, user, ul);
    in[ul] = ':';
    memcpy(in + ul + 1, password, pl);
    out = malloc(sizeof(pre) + (n + 2) / 3 * 4);
    if (out == NULL)
        goto done;
    memcpy(out, pre, sizeof(pre) - 1);
    o = out + sizeof(pre) - 1;
    for (i = 0; i + 2 < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];

        *o++ = b64[v >> 18 & 63];
        *o++ = b64[v >> 12 & 63];
        *o++ = b64[v >> 6 & 63];
        *o++ = b64[v & 63];
    }
    if (n - i == 1) {
        unsigned v = (unsigned)in[i] << 16;

        *o++ = b64[v >> 18 & 63];
        *o++ = b64[v >> 12 & 63];
        *o++ = '=';
        *o++ = '=';
    } else if (n - i == 2) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;

        *o++ = b64[v >> 18 & 63];
        *o++ = b64[v >> 12 & 63];
        *o++ = b64[v >> 6 & 63];
        *o++ = '=';
    }
    *o = '\0';
done:
    /* the password was in it */
    memset(in, 0, n);
    free(in);
    return out;
}

static char *concat(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *p = malloc(la + lb + 1);

    if (p == NULL)
        return NULL;
    memcpy(p, a, la);
    memcpy(p + la, b, lb + 1);
    return p;
}

cst_dav *cst_dav_new(const cst_dav_opts *o, cst_error *err)
{
    static const cst_dav_opts none;
    cst_dav *d = NULL;
    int kinds;

    if (o == NULL)
        o = &none;
    kinds = (o->user != NULL || o->password != NULL) + (o->bearer != NULL) +
            (o->authorization != NULL);
    if (kinds > 1) {
        cst_error_set(err, 0, "caldav: more than one kind of credentials");
        return NULL;
    }
    if ((o->user == NULL) != (o->password == NULL)) {
        cst_error_set(err, 0, "caldav: a user needs a password");
        return NULL;
    }
    if (has_crlf(o->user) || has_crlf(o->password) || has_crlf(o->bearer) ||
        has_crlf(o->authorization) || has_crlf(o->user_agent) ||
        has_crlf(o->base_url) ||
        (o->user != NULL && strchr(o->user, ':') != NULL)) {
        cst_error_set(err, 0, "caldav: line break in a credential or "
                      "header value, or ':' in the user name");
        return NULL;
    }
    if (o->connect_timeout_ms < 0 || o->timeout_ms < 0) {
        cst_error_set(err, 0, "caldav: negative timeout");
        return NULL;
    }
    d = calloc(1, sizeof(*d));
    if (d == NULL)
        goto nomem;
    d->connect_timeout_ms = o->connect_timeout_ms ? o->connect_timeout_ms
                                                  : CST_DAV_CONNECT_TIMEOUT_MS;
    d->timeout_ms = o->timeout_ms ? o->timeout_ms : CST_DAV_TIMEOUT_MS;
    d->insecure = o->insecure_skip_tls_verify != 0;
    d->max_body = o->max_body ? o->max_body : CST_DAV_MAX_BODY_DEFAULT;
    d->user_agent = dups(o->user_agent ? o->user_agent
                                       : "calsteward/" PACKAGE_VERSION);
    if (d->user_agent == NULL)
        goto nomem;
    if (o->ca_file != NULL) {
        d->ca_file = dups(o->ca_file);
        if (d->ca_file == NULL)
            goto nomem;
    }
    if (o->user != NULL)
        d->auth_header = basic_header(o->user, o->password);
    else if (o->bearer != NULL)
        d->auth_header = concat("Authorization: Bearer ", o->bearer);
    else if (o->authorization != NULL)
        d->auth_header = concat("Authorization: ", o->authorization);
    if ((o->user || o->bearer || o->authorization) && d->auth_header == NULL)
        goto nomem;
    if (o->base_url != NULL) {
        cst_status st = bind_origin(d, o->base_url, err);

        if (st != CST_OK) {
            cst_dav_free(&d);
            return NULL;
        }
    }
    d->curl = curl_easy_init();
    if (d->curl == NULL) {
        cst_error_set(err, 0, "caldav: curl_easy_init failed");
        cst_dav_free(&d);
        return NULL;
    }
    return d;

nomem:
    cst_error_set(err, 0, "caldav: out of memory");
    cst_dav_free(&d);
    return NULL;
}

void cst_dav_free(cst_dav **dp)
{
    cst_dav *d;

    if (dp == NULL || *dp == NULL)
        return;
    d = *dp;
    if (d->curl != NULL)
        curl_easy_cleanup(d->curl);
    if (d->auth_header != NULL) {
        memset(d->auth_header, 0, strlen(d->auth_header));
        free(d->auth_header);
    }
    curl_free(d->o_scheme);
    curl_free(d->o_host);
    curl_free(d->o_port);
    free(d->origin_str);
    free(d->ca_file);
    free(d->user_agent);
    free(d);
    *dp = NULL;
}

int cst_dav_insecure(const cst_dav *d)
{
    return d != NULL && d->insecure;
}

long cst_dav_last_status(const cst_dav *d)
{
    return d ? d->last_status : 0;
}

/* --- URLs -------------------------------------------------------------- */

cst_status cst_dav_url_resolve(const char *base, const char *href,
                               char **out, cst_error *err)
{
    CURLU *u = curl_url();
    CURLUcode uc;
    char *s = NULL;
    cst_status st = CST_OK;

    *out = NULL;
    if (u == NULL) {
        cst_error_set(err, 0, "caldav: out of memory");
        return CST_ERR_NOMEM;
    }
    uc = curl_url_set(u, CURLUPART_URL, base, 0);
    if (uc != CURLUE_OK) {
        cst_error_set(err, 0, "caldav: bad base URL: %s",
                      curl_url_strerror(uc));
        st = CST_ERR_INVALID;
        goto done;
    }
    /* Setting a relative URL on a handle holding one resolves it. */
    uc = curl_url_set(u, CURLUPART_URL, href, 0);
    if (uc == CURLUE_OK)
        uc = curl_url_get(u, CURLUPART_URL, &s, 0);
    if (uc != CURLUE_OK) {
        cst_error_set(err, 0, "caldav: cannot resolve '%.80s': %s", href,
                      curl_url_strerror(uc));
        st = uc == CURLUE_OUT_OF_MEMORY ? CST_ERR_NOMEM : CST_ERR_INVALID;
        goto done;
    }
    *out = dups(s);
    if (*out == NULL) {
        cst_error_set(err, 0, "caldav: out of memory");
        st = CST_ERR_NOMEM;
    }
done:
    curl_free(s);
    curl_url_cleanup(u);
    return st;
}

/* Fills scheme, host (lower case) and port of url; returns 0 on failure. */
static int origin(const char *url, char **scheme, char **host, char **port)
{
    CURLU *u = curl_url();
    int ok = 0;
    char *p;

    *scheme = *host = *port = NULL;
    if (u == NULL)
        return 0;
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, host, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_PORT, port, CURLU_DEFAULT_PORT) !=
            CURLUE_OK)
        goto done;
    for (p = *host; *p != '\0'; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    ok = 1;
done:
    if (!ok) {
        curl_free(*scheme);
        curl_free(*host);
        curl_free(*port);
        *scheme = *host = *port = NULL;
    }
    curl_url_cleanup(u);
    return ok;
}

int cst_dav_same_origin(const char *a, const char *b)
{
    char *s1, *h1, *p1, *s2, *h2, *p2;
    int same = 0;

    if (!origin(a, &s1, &h1, &p1))
        return 0;
    if (origin(b, &s2, &h2, &p2)) {
        same = strcasecmp(s1, s2) == 0 && strcmp(h1, h2) == 0 &&
               strcmp(p1, p2) == 0;
        curl_free(s2);
        curl_free(h2);
        curl_free(p2);
    }
    curl_free(s1);
    curl_free(h1);
    curl_free(p1);
    return same;
}

/* Binds d to the origin of url (http or https).  Returns CST_OK,
 * CST_ERR_INVALID when url does not parse or is not http(s), CST_ERR_NOMEM. */
static cst_status bind_origin(cst_dav *d, const char *url, cst_error *err)
{
    char *scheme, *host, *port, *str;
    size_t n;

    if (!origin(url, &scheme, &host, &port)) {
        cst_error_set(err, 0, "caldav: bad URL '%.120s'", url);
        return CST_ERR_INVALID;
    }
    for (str = scheme; *str != '\0'; str++)
        if (*str >= 'A' && *str <= 'Z')
            *str = (char)(*str - 'A' + 'a');
    if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
        cst_error_set(err, 0, "caldav: '%.120s' is not an http(s) URL", url);
        goto fail;
    }
    n = strlen(scheme) + strlen(host) + strlen(port) + 5;
    str = malloc(n);
    if (str == NULL) {
        cst_error_set(err, 0, "caldav: out of memory");
        curl_free(scheme);
        curl_free(host);
        curl_free(port);
        return CST_ERR_NOMEM;
    }
    snprintf(str, n, "%s://%s:%s", scheme, host, port);
    d->o_scheme = scheme;
    d->o_host = host;
    d->o_port = port;
    d->origin_str = str;
    return CST_OK;
fail:
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    return CST_ERR_INVALID;
}

/* Returns 1 when url is on the origin d is bound to (0 when it is not,
 * does not parse, or d is not bound). */
static int on_origin(const cst_dav *d, const char *url)
{
    char *scheme, *host, *port;
    int same;

    if (d->origin_str == NULL || !origin(url, &scheme, &host, &port))
        return 0;
    same = strcasecmp(scheme, d->o_scheme) == 0 &&
           strcmp(host, d->o_host) == 0 && strcmp(port, d->o_port) == 0;
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    return same;
}

const char *cst_dav_origin(const cst_dav *d)
{
    return d != NULL ? d->origin_str : NULL;
}

cst_status cst_dav_check_origin(const cst_dav *d, const char *where,
                                const char *url, cst_error *err)
{
    if (d == NULL || url == NULL) {
        cst_error_set(err, 0, "caldav: NULL argument");
        return CST_ERR_INVALID;
    }
    if (d->origin_str == NULL || on_origin(d, url))
        return CST_OK;
    if (where != NULL)
        cst_error_set(err, 0,
                      "%.80s: href %.80s refused: not on %.60s, the "
                      "origin this client is bound to",
                      where, url, d->origin_str);
    else
        cst_error_set(err, 0,
                      "caldav: %.120s refused: not on %.80s, the "
                      "origin this client is bound to; nothing sent",
                      url, d->origin_str);
    return CST_ERR_INVALID;
}

/* Checks that url is http(s) and returns it normalised without user
 * information (curl would send user:password@ as credentials). */
static cst_status clean_url(const char *url, char **out, char **scheme,
                            cst_error *err)
{
    CURLU *u = curl_url();
    CURLUcode uc;
    char *s = NULL;
    cst_status st = CST_ERR_INVALID;

    *out = NULL;
    *scheme = NULL;
    if (u == NULL)
        return CST_ERR_NOMEM;
    uc = curl_url_set(u, CURLUPART_URL, url, 0);
    if (uc == CURLUE_OK)
        uc = curl_url_get(u, CURLUPART_SCHEME, scheme, 0);
    if (uc != CURLUE_OK) {
        cst_error_set(err, 0, "caldav: bad URL '%.120s': %s", url,
                      curl_url_strerror(uc));
        goto done;
    }
    if (strcasecmp(*scheme, "http") != 0 && strcasecmp(*scheme, "https") != 0) {
        cst_error_set(err, 0, "caldav: '%.120s' is not an http(s) URL", url);
        goto done;
    }
    curl_url_set(u, CURLUPART_USER, NULL, 0);
    curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
    uc = curl_url_get(u, CURLUPART_URL, &s, 0);
    if (uc != CURLUE_OK) {
        cst_error_set(err, 0, "caldav: bad URL '%.120s': %s", url,
                      curl_url_strerror(uc));
        goto done;
    }
    *out = dups(s);
    st = *out ? CST_OK : CST_ERR_NOMEM;
    if (st == CST_ERR_NOMEM)
        cst_error_set(err, 0, "caldav: out of memory");
done:
    if (st != CST_OK) {
        curl_free(*scheme);
        *scheme = NULL;
    }
    curl_free(s);
    curl_url_cleanup(u);
    return st;
}

/* --- callbacks --------------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    sink *k = userp;
    cst_dav_response *r = k->resp;
    size_t n = size * nmemb;

    if (n > k->max - r->body_len) {
        k->toobig = 1;
        return 0;
    }
    if (r->body_len + n + 1 > k->cap) {
        size_t nc = k->cap ? k->cap : 4096;
        char *p;

        while (nc < r->body_len + n + 1)
            nc *= 2;
        if (nc > k->max + 1)
            nc = k->max + 1;
        p = realloc(r->body, nc);
        if (p == NULL) {
            k->nomem = 1;
            return 0;
        }
        r->body = p;
        k->cap = nc;
    }
    memcpy(r->body + r->body_len, data, n);
    r->body_len += n;
    r->body[r->body_len] = '\0';
    return n;
}

/* Copies the value of "Name: value\r\n" (trimmed) into *dst. */
static int take_header(const char *line, size_t len, size_t namelen,
                       char **dst)
{
    const char *v = line + namelen, *e = line + len;
    char *p;

    while (v < e && (*v == ' ' || *v == '\t'))
        v++;
    while (e > v && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' ' ||
                     e[-1] == '\t'))
        e--;
    if ((size_t)(e - v) > CST_DAV_MAX_HEADER_VALUE)
        return 1; /* ignored: no ETag or Location is that long */
    p = malloc((size_t)(e - v) + 1);
    if (p == NULL)
        return 0;
    memcpy(p, v, (size_t)(e - v));
    p[e - v] = '\0';
    free(*dst);
    *dst = p;
    return 1;
}

static int header_is(const char *line, size_t len, const char *name)
{
    size_t n = strlen(name);

    return len > n && strncasecmp(line, name, n) == 0;
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *userp)
{
    sink *k = userp;
    cst_dav_response *r = k->resp;
    size_t n = size * nmemb;
    int ok = 1;

    if (header_is(line, n, "HTTP/")) {
        /* a new status line (after a 1xx): forget what came before */
        response_reset(r);
        k->cap = 0;
    } else if (header_is(line, n, "ETag:")) {
        ok = take_header(line, n, 5, &r->etag);
    } else if (header_is(line, n, "Location:")) {
        ok = take_header(line, n, 9, &r->location);
    } else if (header_is(line, n, "Content-Type:")) {
        ok = take_header(line, n, 13, &r->content_type);
    } else if (header_is(line, n, "Content-Length:")) {
        /* refuse a too large body before it arrives */
        unsigned long long cl = 0;
        size_t i = 15;

        while (i < n && (line[i] == ' ' || line[i] == '\t'))
            i++;
        for (; i < n && line[i] >= '0' && line[i] <= '9'; i++) {
            cl = cl * 10 + (unsigned long long)(line[i] - '0');
            if (cl > (unsigned long long)k->max) {
                k->toobig = 1;
                return 0;
            }
        }
    }
    if (!ok) {
        k->nomem = 1;
        return 0;
    }
    return n;
}

/* --- one request ------------------------------------------------------- */

static struct curl_slist *raw(struct curl_slist *l, const char *line,
                              int *nomem)
{
    struct curl_slist *n;

    if (*nomem)
        return l;
    n = curl_slist_append(l, line);
    if (n == NULL)
        *nomem = 1;
    return n ? n : l;
}

static struct curl_slist *add(struct curl_slist *l, const char *name,
                              const char *value, int *nomem)
{
    struct curl_slist *n;
    char buf[CST_DAV_MAX_HEADER_VALUE + 64];

    if (*nomem)
        return l;
    snprintf(buf, sizeof(buf), "%s: %s", name, value);
    n = curl_slist_append(l, buf);
    if (n == NULL)
        *nomem = 1;
    return n ? n : l;
}

/* Performs one exchange of q at url (no redirects).  send_auth says
 * whether the credentials go along. */
static cst_status exchange(cst_dav *d, const req *q, const char *url,
                           int send_auth, cst_dav_response *resp,
                           cst_error *err)
{
    CURL *c = d->curl;
    struct curl_slist *h = NULL;
    sink k;
    CURLcode rc;
    int nomem = 0;
    cst_status st = CST_OK;

    memset(&k, 0, sizeof(k));
    k.resp = resp;
    k.max = d->max_body;
    response_reset(resp);
    d->last_status = 0;
    d->errbuf[0] = '\0';

    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, d->errbuf);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, d->connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, d->timeout_ms);
    /* redirects are ours (perform); should curl ever follow one, it must
     * not take the credentials along, and only over http(s) */
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_UNRESTRICTED_AUTH, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85 */
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#endif
    curl_easy_setopt(c, CURLOPT_USERAGENT, d->user_agent);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)d->max_body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &k);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &k);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, d->insecure ? 0L : 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, d->insecure ? 0L : 2L);
    if (d->ca_file != NULL)
        curl_easy_setopt(c, CURLOPT_CAINFO, d->ca_file);

    if (q->body != NULL) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, q->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)q->len);
        if (strcmp(q->method, "POST") != 0)
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, q->method);
    } else if (strcmp(q->method, "GET") == 0) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, q->method);
    }

    if (send_auth && d->auth_header != NULL)
        h = raw(h, d->auth_header, &nomem);
    if (q->depth != NULL)
        h = add(h, "Depth", q->depth, &nomem);
    if (q->if_match != NULL)
        h = add(h, "If-Match", q->if_match, &nomem);
    if (q->if_none_match != NULL)
        h = add(h, "If-None-Match", q->if_none_match, &nomem);
    if (q->content_type != NULL)
        h = add(h, "Content-Type", q->content_type, &nomem);
    /* "Name:" removes a header curl would add: no form Content-Type, no
     * "Expect: 100-continue" round trip. */
    if (q->content_type == NULL && q->body != NULL)
        h = raw(h, "Content-Type:", &nomem);
    h = raw(h, "Expect:", &nomem);
    if (nomem) {
        cst_error_set(err, 0, "caldav: out of memory");
        st = CST_ERR_NOMEM;
        goto done;
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);

    rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &d->last_status);
    resp->status = d->last_status;
    if (k.nomem) {
        cst_error_set(err, 0, "%s %.120s: out of memory", q->method, url);
        st = CST_ERR_NOMEM;
    } else if (k.toobig || rc == CURLE_FILESIZE_EXCEEDED) {
        cst_error_set(err, 0, "%s %.120s: response body exceeds %zu bytes",
                      q->method, url, d->max_body);
        st = CST_ERR_TOO_LARGE;
    } else if (rc != CURLE_OK) {
        cst_error_set(err, 0, "%s %.120s: %s%s%s%s", q->method, url,
                      curl_easy_strerror(rc), d->errbuf[0] ? " (" : "",
                      d->errbuf, d->errbuf[0] ? ")" : "");
        st = CST_ERR_IO;
    } else if (resp->body == NULL) {
        resp->body = dups("");
        if (resp->body == NULL) {
            cst_error_set(err, 0, "caldav: out of memory");
            st = CST_ERR_NOMEM;
        }
    }
done:
    /* curl keeps pointers to h and to the body until the next reset */
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(h);
    if (st != CST_OK) {
        free(resp->body);
        resp->body = NULL;
        resp->body_len = 0;
    }
    return st;
}

static int is_redirect(long s)
{
    return s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
}

/* Performs q at url, following redirects as caldav.h describes: binds d
 * to url's origin when it is not bound yet, and sends nothing to any other
 * origin, neither for url nor for a redirect. */
static cst_status perform(cst_dav *d, const req *q, const char *url,
                          cst_dav_response *resp, cst_error *err)
{
    char *cur = NULL, *cur_scheme = NULL;
    int hops;
    cst_status st;

    cst_dav_response_fini(resp);
    st = clean_url(url, &cur, &cur_scheme, err);
    if (st != CST_OK)
        goto done;
    if (d->origin_str == NULL) {
        st = bind_origin(d, cur, err);
        if (st != CST_OK)
            goto done;
    } else if (!on_origin(d, cur)) {
        cst_error_set(err, 0,
                      "%s %.120s refused: not on %.80s, the origin "
                      "this client is bound to; nothing sent",
                      q->method, cur, d->origin_str);
        st = CST_ERR_INVALID;
        goto done;
    }
    for (hops = 0;; hops++) {
        char *next = NULL, *next_scheme = NULL, *raw = NULL;

        /* cur is on the origin here: checked above and for every hop */
        st = exchange(d, q, cur, 1, resp, err);
        if (st != CST_OK)
            goto done;
        if (!q->follow || !is_redirect(resp->status) ||
            resp->location == NULL || hops >= CST_DAV_MAX_REDIRECTS)
            break;
        if (cst_dav_url_resolve(cur, resp->location, &raw, NULL) != CST_OK)
            break; /* the caller gets the 3xx */
        st = clean_url(raw, &next, &next_scheme, NULL);
        free(raw);
        if (st != CST_OK) {
            st = CST_OK; /* not http(s): the caller gets the 3xx */
            break;
        }
        curl_free(next_scheme);
        if (!on_origin(d, next)) {
            /* another host or port, or https -> http */
            cst_error_set(err, 0,
                          "%s %.80s: redirect to %.80s refused: "
                          "not on %.60s, the origin this client is bound "
                          "to",
                          q->method, cur, next, d->origin_str);
            free(next);
            st = CST_ERR_INVALID;
            goto done;
        }
        free(cur);
        cur = next;
    }
done:
    if (st == CST_ERR_NOMEM && err != NULL && err->msg[0] == '\0')
        cst_error_set(err, 0, "caldav: out of memory");
    if (st == CST_OK) {
        resp->url = cur;
        cur = NULL;
    }
    free(cur);
    curl_free(cur_scheme);
    return st;
}

static cst_status check_args(cst_dav *d, const char *url,
                             cst_dav_response *resp, const char **hv,
                             size_t nhv, cst_error *err)
{
    size_t i;

    if (d == NULL || url == NULL || resp == NULL) {
        cst_error_set(err, 0, "caldav: NULL argument");
        return CST_ERR_INVALID;
    }
    for (i = 0; i < nhv; i++) {
        if (has_crlf(hv[i]) ||
            (hv[i] != NULL && strlen(hv[i]) > CST_DAV_MAX_HEADER_VALUE)) {
            cst_error_set(err, 0, "caldav: bad header value for %.120s",
                          url);
            return CST_ERR_INVALID;
        }
    }
    return CST_OK;
}

cst_status cst_dav_get(cst_dav *d, const char *url, cst_dav_response *resp,
                       cst_error *err)
{
    req q = {"GET", NULL, 0, NULL, NULL, NULL, NULL, 1};
    cst_status st = check_args(d, url, resp, NULL, 0, err);

    return st != CST_OK ? st : perform(d, &q, url, resp, err);
}

cst_status cst_dav_put(cst_dav *d, const char *url, const char *body,
                       size_t len, const char *content_type,
                       const char *if_match, const char *if_none_match,
                       cst_dav_response *resp, cst_error *err)
{
    const char *hv[3] = {content_type, if_match, if_none_match};
    req q = {"PUT", body ? body : "", body ? len : 0,
             content_type ? content_type : "text/calendar; charset=utf-8",
             if_match, if_none_match, NULL, 0};
    cst_status st = check_args(d, url, resp, hv, 3, err);

    return st != CST_OK ? st : perform(d, &q, url, resp, err);
}

cst_status cst_dav_delete(cst_dav *d, const char *url, const char *if_match,
                          cst_dav_response *resp, cst_error *err)
{
    const char *hv[1] = {if_match};
    req q = {"DELETE", NULL, 0, NULL, if_match, NULL, NULL, 0};
    cst_status st = check_args(d, url, resp, hv, 1, err);

    return st != CST_OK ? st : perform(d, &q, url, resp, err);
}

static const char XML_CT[] = "application/xml; charset=utf-8";

cst_status cst_dav_propfind(cst_dav *d, const char *url, int depth,
                            const char *xml_body, cst_dav_response *resp,
                            cst_error *err)
{
    req q = {"PROPFIND", xml_body ? xml_body : "",
             xml_body ? strlen(xml_body) : 0, xml_body ? XML_CT : NULL,
             NULL, NULL, NULL, 1};
    cst_status st = check_args(d, url, resp, NULL, 0, err);

    if (st != CST_OK)
        return st;
    if (depth == 0)
        q.depth = "0";
    else if (depth == 1)
        q.depth = "1";
    else if (depth == CST_DAV_DEPTH_INFINITY)
        q.depth = "infinity";
    else {
        cst_error_set(err, 0, "caldav: PROPFIND depth %d", depth);
        return CST_ERR_INVALID;
    }
    return perform(d, &q, url, resp, err);
}

cst_status cst_dav_report(cst_dav *d, const char *url, int depth,
                          const char *xml_body, cst_dav_response *resp,
                          cst_error *err)
{
    req q = {"REPORT", xml_body, 0, XML_CT, NULL, NULL, NULL, 0};
    cst_status st = check_args(d, url, resp, NULL, 0, err);

    if (st != CST_OK)
        return st;
    if (xml_body == NULL) {
        cst_error_set(err, 0, "caldav: REPORT without a body");
        return CST_ERR_INVALID;
    }
    q.len = strlen(xml_body);
    if (depth == 0)
        q.depth = "0";
    else if (depth == 1)
        q.depth = "1";
    else if (depth == CST_DAV_DEPTH_INFINITY)
        q.depth = "infinity";
    else if (depth != CST_DAV_DEPTH_NONE) {
        cst_error_set(err, 0, "caldav: REPORT depth %d", depth);
        return CST_ERR_INVALID;
    }
    return perform(d, &q, url, resp, err);
}

cst_status cst_dav_parse_207(const cst_dav *d, const char *method,
                             const cst_dav_response *resp,
                             cst_dav_multistatus *ms, cst_error *err)
{
    const char *url = resp->url ? resp->url : "(no URL)";
    cst_dav_ms_limits lim;
    cst_status st;

    memset(ms, 0, sizeof(*ms));
    if (resp->status != 207) {
        cst_error_set(err, 0, "%s %.120s: HTTP %ld%s", method, url,
                      resp->status,
                      resp->status == 401 ? " (wrong user or password?)"
                                          : "");
        return CST_ERR_IO;
    }
    memset(&lim, 0, sizeof(lim));
    lim.max_bytes = d->max_body;
    st = cst_dav_multistatus_parse(resp->body, resp->body_len, &lim, ms, err);
    if (st != CST_OK && err != NULL) {
        /* name the method and URL in front of the parser's message */
        char m[sizeof(err->msg)];

        snprintf(m, sizeof(m), "%.10s %.100s: %.120s", method, url,
                 err->msg);
        memcpy(err->msg, m, sizeof(m));
    }
    return st;
}

/* Appends s to buf (of size cap, at *len) with XML escapes (base/xml.h);
 * returns 0 when it does not fit or s holds a character XML 1.0
 * forbids. */
static int xml_escape(char *buf, size_t cap, size_t *len, const char *s)
{
    char *e = cst_xml_escape(s, strlen(s), 0);
    size_t l;
    int ok = 0;

    if (e == NULL)
        return 0;
    l = strlen(e);
    if (*len + l + 1 <= cap) {
        memcpy(buf + *len, e, l + 1);
        *len += l;
        ok = 1;
    }
    free(e);
    return ok;
}

static int append(char *buf, size_t cap, size_t *len, const char *s)
{
    size_t l = strlen(s);

    if (*len + l + 1 > cap)
        return 0;
    memcpy(buf + *len, s, l + 1);
    *len += l;
    return 1;
}

cst_status cst_dav_mkcalendar(cst_dav *d, const char *url,
                              const char *displayname,
                              unsigned components_mask,
                              cst_dav_response *resp, cst_error *err)
{
    static const struct {
        unsigned bit;
        const char *xml;
    } comps[] = {
        {CST_DAV_VEVENT, "<C:comp name=\"VEVENT\"/>"},
        {CST_DAV_VTODO, "<C:comp name=\"VTODO\"/>"},
        {CST_DAV_VJOURNAL, "<C:comp name=\"VJOURNAL\"/>"},
    };
    char body[2048];
    size_t len = 0, i;
    int ok = 1;
    req q = {"MKCALENDAR", "", 0, NULL, NULL, NULL, NULL, 0};
    cst_status st = check_args(d, url, resp, NULL, 0, err);

    if (st != CST_OK)
        return st;
    if (components_mask & ~CST_DAV_ALL_COMPONENTS) {
        cst_error_set(err, 0, "caldav: unknown component bits 0x%x",
                      components_mask);
        return CST_ERR_INVALID;
    }
    if (displayname != NULL || components_mask != 0) {
        ok = append(body, sizeof(body), &len,
                    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                    "<C:mkcalendar xmlns:D=\"DAV:\" "
                    "xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
                    "<D:set><D:prop>");
        if (ok && displayname != NULL)
            ok = append(body, sizeof(body), &len, "<D:displayname>") &&
                 xml_escape(body, sizeof(body), &len, displayname) &&
                 append(body, sizeof(body), &len, "</D:displayname>");
        if (ok && components_mask != 0) {
            ok = append(body, sizeof(body), &len,
                        "<C:supported-calendar-component-set>");
            for (i = 0; ok && i < sizeof(comps) / sizeof(comps[0]); i++)
                if (components_mask & comps[i].bit)
                    ok = append(body, sizeof(body), &len, comps[i].xml);
            ok = ok && append(body, sizeof(body), &len,
                              "</C:supported-calendar-component-set>");
        }
        ok = ok && append(body, sizeof(body), &len,
                          "</D:prop></D:set></C:mkcalendar>\n");
        if (!ok) {
            cst_error_set(err, 0, "caldav: display name too long or not "
                          "valid in XML");
            return CST_ERR_INVALID;
        }
        q.body = body;
        q.len = len;
        q.content_type = XML_CT;
    }
    return perform(d, &q, url, resp, err);
}

/* --- helpers on PROPFIND ------------------------------------------------ */

/* PROPFIND url with the given prop elements and parses the 207. */
static cst_status propfind_ms(cst_dav *d, const char *url, int depth,
                              const char *props, cst_dav_response *resp,
                              cst_dav_multistatus *ms, cst_error *err)
{
    char body[1024];
    cst_status st;

    memset(ms, 0, sizeof(*ms));
    snprintf(body, sizeof(body),
             "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
             "<D:propfind xmlns:D=\"DAV:\" "
             "xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:prop>%s"
             "</D:prop></D:propfind>\n",
             props);
    st = cst_dav_propfind(d, url, depth, body, resp, err);
    if (st != CST_OK)
        return st;
    return cst_dav_parse_207(d, "PROPFIND", resp, ms, err);
}

/* The response entry for url itself in a Depth 0 answer: the one whose
 * href resolves to it, else the only one. */
static const cst_dav_msresponse *self_entry(const cst_dav_multistatus *ms,
                                            const char *url)
{
    size_t i;

    for (i = 0; i < ms->nresp; i++) {
        char *abs = NULL;
        int same;

        if (cst_dav_url_resolve(url, ms->resp[i].href, &abs, NULL) != CST_OK)
            continue;
        same = strcmp(abs, url) == 0;
        free(abs);
        if (same)
            return &ms->resp[i];
    }
    return ms->nresp >= 1 ? &ms->resp[0] : NULL;
}

unsigned cst_dav_components_of(const cst_dav_prop *p)
{
    unsigned mask = 0;
    size_t i;

    if (!cst_dav_prop_ok(p))
        return CST_DAV_ALL_COMPONENTS;
    for (i = 0; i < p->nchild; i++) {
        const cst_dav_elem *e = &p->child[i];

        if (strcmp(e->ns, CST_DAV_NS_CALDAV) != 0 ||
            strcmp(e->name, "comp") != 0 || e->name_attr == NULL)
            continue;
        if (strcasecmp(e->name_attr, "VEVENT") == 0)
            mask |= CST_DAV_VEVENT;
        else if (strcasecmp(e->name_attr, "VTODO") == 0)
            mask |= CST_DAV_VTODO;
        else if (strcasecmp(e->name_attr, "VJOURNAL") == 0)
            mask |= CST_DAV_VJOURNAL;
    }
    /* an empty set (or only VFREEBUSY etc.) takes none of ours */
    return mask;
}

cst_status cst_dav_supported_components(cst_dav *d, const char *collection_url,
                                        unsigned *mask, cst_error *err)
{
    cst_dav_response resp;
    cst_dav_multistatus ms;
    cst_status st;

    cst_dav_response_init(&resp);
    *mask = 0;
    st = propfind_ms(d, collection_url, 0,
                     "<C:supported-calendar-component-set/>", &resp, &ms,
                     err);
    if (st == CST_OK) {
        const cst_dav_msresponse *r = self_entry(&ms, resp.url);

        *mask = cst_dav_components_of(cst_dav_ms_prop(
            r, CST_DAV_NS_CALDAV, "supported-calendar-component-set"));
    }
    cst_dav_multistatus_fini(&ms);
    cst_dav_response_fini(&resp);
    return st;
}

/* cst_dav_check_origin() for href (resolved) from method's answer at
 * answered. */
static cst_status href_on_origin(const cst_dav *d, const char *method,
                                 const char *answered, const char *href,
                                 cst_error *err)
{
    char where[160];

    snprintf(where, sizeof(where), "%.10s %.140s", method, answered);
    return cst_dav_check_origin(d, where, href, err);
}

/* The hrefs inside property {ns}name of url's entry, resolved; with check,
 * each must be on d's origin (principal, home: URLs requested next). */
static cst_status href_prop(cst_dav *d, const char *url, const char *ns,
                            const char *name, const char *props, char ***out,
                            size_t *n, size_t max, int check, cst_error *err)
{
    cst_dav_response resp;
    cst_dav_multistatus ms;
    const cst_dav_prop *p;
    cst_status st;
    size_t i;

    cst_dav_response_init(&resp);
    *out = NULL;
    *n = 0;
    st = propfind_ms(d, url, 0, props, &resp, &ms, err);
    if (st != CST_OK)
        goto done;
    p = cst_dav_ms_prop(self_entry(&ms, resp.url), ns, name);
    if (!cst_dav_prop_ok(p))
        goto done;
    for (i = 0; i < p->nchild && *n < max; i++) {
        const cst_dav_elem *e = &p->child[i];
        char **v;

        if (strcmp(e->ns, CST_DAV_NS_DAV) != 0 ||
            strcmp(e->name, "href") != 0 || e->text[0] == '\0')
            continue;
        v = realloc(*out, (*n + 1) * sizeof(*v));
        if (v == NULL) {
            st = CST_ERR_NOMEM;
            break;
        }
        *out = v;
        st = cst_dav_url_resolve(resp.url, e->text, &v[*n], err);
        if (st != CST_OK)
            break;
        (*n)++;
        /* a URL to be requested next: on our origin or refused */
        if (check) {
            st = href_on_origin(d, "PROPFIND", resp.url, v[*n - 1], err);
            if (st != CST_OK)
                break;
        }
    }
done:
    if (st == CST_ERR_NOMEM)
        cst_error_set(err, 0, "caldav: out of memory");
    if (st != CST_OK)
        cst_dav_strings_free(out, *n);
    if (st != CST_OK)
        *n = 0;
    cst_dav_multistatus_fini(&ms);
    cst_dav_response_fini(&resp);
    return st;
}

void cst_dav_strings_free(char ***v, size_t n)
{
    size_t i;

    if (v == NULL || *v == NULL)
        return;
    for (i = 0; i < n; i++)
        free((*v)[i]);
    free(*v);
    *v = NULL;
}

static cst_status one_href(cst_dav *d, const char *url, const char *ns,
                           const char *name, const char *props, char **href,
                           cst_error *err)
{
    char **v = NULL;
    size_t n = 0;
    cst_status st = href_prop(d, url, ns, name, props, &v, &n, 1, 1, err);

    *href = NULL;
    if (st == CST_OK && n == 1) {
        *href = v[0];
        v[0] = NULL;
    }
    cst_dav_strings_free(&v, n);
    return st;
}

cst_status cst_dav_current_user_principal(cst_dav *d, const char *url,
                                          char **href, cst_error *err)
{
    return one_href(d, url, CST_DAV_NS_DAV, "current-user-principal",
                    "<D:current-user-principal/>", href, err);
}

cst_status cst_dav_calendar_home(cst_dav *d, const char *principal_url,
                                 char **href, cst_error *err)
{
    return one_href(d, principal_url, CST_DAV_NS_CALDAV, "calendar-home-set",
                    "<C:calendar-home-set/>", href, err);
}

cst_status cst_dav_user_addresses(cst_dav *d, const char *principal_url,
                                  char ***out, size_t *n, cst_error *err)
{
    return href_prop(d, principal_url, CST_DAV_NS_CALDAV,
                     "calendar-user-address-set",
                     "<C:calendar-user-address-set/>", out, n, 256, 0, err);
}

void cst_dav_calendars_free(cst_dav_calendar **v, size_t n)
{
    size_t i;

    if (v == NULL || *v == NULL)
        return;
    for (i = 0; i < n; i++) {
        free((*v)[i].href);
        free((*v)[i].displayname);
    }
    free(*v);
    *v = NULL;
}

cst_status cst_dav_list_calendars(cst_dav *d, const char *home_url,
                                  cst_dav_calendar **v, size_t *n,
                                  cst_error *err)
{
    cst_dav_response resp;
    cst_dav_multistatus ms;
    cst_status st;
    size_t i;

    cst_dav_response_init(&resp);
    *v = NULL;
    *n = 0;
    st = propfind_ms(d, home_url, 1,
                     "<D:resourcetype/><D:displayname/>"
                     "<C:supported-calendar-component-set/>",
                     &resp, &ms, err);
    if (st != CST_OK)
        goto done;
    if (ms.nresp > 0) {
        *v = calloc(ms.nresp, sizeof(**v));
        if (*v == NULL) {
            st = CST_ERR_NOMEM;
            goto done;
        }
    }
    for (i = 0; i < ms.nresp; i++) {
        const cst_dav_msresponse *r = &ms.resp[i];
        const cst_dav_prop *rt =
            cst_dav_ms_prop(r, CST_DAV_NS_DAV, "resourcetype");
        const cst_dav_prop *dn =
            cst_dav_ms_prop(r, CST_DAV_NS_DAV, "displayname");
        cst_dav_calendar *c = &(*v)[*n];

        if (!cst_dav_prop_ok(rt) ||
            cst_dav_prop_child(rt, CST_DAV_NS_CALDAV, "calendar") == NULL)
            continue;
        st = cst_dav_url_resolve(resp.url, r->href, &c->href, err);
        if (st != CST_OK)
            goto done;
        (*n)++;
        st = href_on_origin(d, "PROPFIND", resp.url, c->href, err);
        if (st != CST_OK)
            goto done;
        if (cst_dav_prop_ok(dn) && dn->text[0] != '\0') {
            c->displayname = dups(dn->text);
            if (c->displayname == NULL) {
                st = CST_ERR_NOMEM;
                goto done;
            }
        }
        c->components = cst_dav_components_of(cst_dav_ms_prop(
            r, CST_DAV_NS_CALDAV, "supported-calendar-component-set"));
    }
done:
    if (st == CST_ERR_NOMEM)
        cst_error_set(err, 0, "caldav: out of memory");
    if (st != CST_OK) {
        cst_dav_calendars_free(v, *n);
        *n = 0;
    }
    cst_dav_multistatus_fini(&ms);
    cst_dav_response_fini(&resp);
    return st;
}
