/*
 * caldav-driver.c -- runs one cst_dav_* call and prints what came back, for
 * the data-driven cases (test-caldav-cases.sh) and the Radicale test.
 *
 *   caldav-driver BASE key=value...
 *
 * BASE is the server's base URL ("http://127.0.0.1:5232"); path=/a/b/ is
 * appended to it (url=... gives a whole URL instead).  Keys:
 *   op=get|put|delete|propfind|mkcalendar|components|principal|home|
 *      addresses|calendars
 *   user= password= bearer= authz=        credentials (cst_dav_opts)
 *   timeout-ms= connect-timeout-ms= max-body=
 *   if-match= if-none-match= content-type= body-file= depth=0|1|infinity
 *   displayname= mask=ETJ (VEVENT, VTODO, VJOURNAL)
 *   op=query comp=VEVENT|VTODO start= end= (yyyymmddThhmmssZ) data=0|1
 *   op=multiget href=... (repeated; hrefs=N adds N made-up ones)
 *   op=sync token=...     op=colinfo     op=etags     op=discover
 *   repeat=N                              the call N times, one handle
 *   max-elapsed-ms=N                      prints "elapsed: ok" if faster
 *   max-rss-kb=N                          prints "rss: ok" if the peak
 *                                         resident size stayed below
 *                                         (3 N under AddressSanitizer)
 *   origin=URL                            cst_dav_opts.base_url
 *   then-url=URL                          afterwards a GET of URL on the
 *                                         same handle: "then: RESULT",
 *                                         "then-message: ..."
 *
 * Output, one "key: value" per line: result (OK, IO, PARSE, TOO_LARGE,
 * INVALID, NOMEM), message, http, etag, location, url, body-bytes, body
 * lines as "| ...", mask, href, calendar, elapsed; for the item calls
 * "items: N", one "item: STATUS HREF ETAG|-" per item (its data after it
 * as "data-bytes: N" and "| ..." lines), "sync-token:", "truncated: 1",
 * "sync: OK|INVALID_TOKEN|UNSUPPORTED"; colinfo prints "sync-token:",
 * "ctag:", "displayname:", "mask:", "calendar: 0|1"; discover
 * "principal:" and "home:".
 */
#define _DEFAULT_SOURCE /* timegm */
#include "config.h"

#include "caldav/caldav.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* AddressSanitizer's redzones, shadow and quarantine roughly double a
 * heap's resident size: max-rss-kb= is scaled by this under it. */
#if defined(__SANITIZE_ADDRESS__)
#define RSS_SCALE 3
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RSS_SCALE 3
#endif
#endif
#ifndef RSS_SCALE
#define RSS_SCALE 1
#endif

static const char *status_name(cst_status st)
{
    switch (st) {
    case CST_OK: return "OK";
    case CST_ERR_NOMEM: return "NOMEM";
    case CST_ERR_PARSE: return "PARSE";
    case CST_ERR_TOO_LARGE: return "TOO_LARGE";
    case CST_ERR_INVALID: return "INVALID";
    case CST_ERR_IO: return "IO";
    }
    return "?";
}

static const char *arg(int argc, char **argv, const char *key)
{
    size_t kl = strlen(key);
    int i;

    for (i = 2; i < argc; i++)
        if (strncmp(argv[i], key, kl) == 0 && argv[i][kl] == '=')
            return argv[i] + kl + 1;
    return NULL;
}

static long num(const char *s, long dflt)
{
    char *end;
    long v;

    if (s == NULL)
        return dflt;
    v = strtol(s, &end, 10);
    if (*end != '\0' || end == s) {
        fprintf(stderr, "caldav-driver: bad number '%s'\n", s);
        exit(2);
    }
    return v;
}

static unsigned mask_of(const char *s)
{
    unsigned m = 0;

    for (; s && *s; s++)
        m |= *s == 'E' ? CST_DAV_VEVENT : *s == 'T' ? CST_DAV_VTODO
           : *s == 'J' ? CST_DAV_VJOURNAL : 0;
    return m;
}

static void print_mask(const char *key, unsigned m)
{
    printf("%s: %s%s%s%s\n", key, m & CST_DAV_VEVENT ? "E" : "",
           m & CST_DAV_VTODO ? "T" : "", m & CST_DAV_VJOURNAL ? "J" : "",
           m ? "" : "-");
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    size_t cap = 0, n;

    *len = 0;
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    for (;;) {
        if (*len + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            p = realloc(p, cap);
            if (p == NULL)
                exit(2);
        }
        n = fread(p + *len, 1, 4096, f);
        *len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    p[*len] = '\0';
    return p;
}

static void print_lines(const char *s)
{
    const char *e;

    while (*s != '\0') {
        e = strchr(s, '\n');
        if (e == NULL)
            e = s + strlen(s);
        /* CRLF shown as a line end; body-bytes keeps the exact size */
        printf("| %.*s\n",
               (int)(e - s - (e > s && *e == '\n' && e[-1] == '\r')), s);
        s = *e ? e + 1 : e;
    }
}

static void print_body(const cst_dav_response *r)
{
    if (r->body == NULL)
        return;
    printf("body-bytes: %zu\n", r->body_len);
    print_lines(r->body);
}

static void print_items(const cst_dav_items *it)
{
    size_t i;

    printf("items: %zu\n", it->n);
    for (i = 0; i < it->n; i++) {
        const cst_dav_item *x = &it->v[i];

        printf("item: %d %s %s\n", x->status, x->href,
               x->etag ? x->etag : "-");
        printf("item-url: %s\n", x->url);
        if (x->data != NULL) {
            printf("data-bytes: %zu\n", x->len);
            print_lines(x->data);
        }
    }
    if (it->sync_token)
        printf("sync-token: %s\n", it->sync_token);
    if (it->truncated)
        printf("truncated: 1\n");
}

/* yyyymmddThhmmssZ as a time_t (0 when s is NULL). */
static time_t utc_of(const char *s)
{
    struct tm tm;

    if (s == NULL)
        return 0;
    memset(&tm, 0, sizeof(tm));
    if (sscanf(s, "%4d%2d%2dT%2d%2d%2dZ", &tm.tm_year, &tm.tm_mon,
               &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
        fprintf(stderr, "caldav-driver: bad time '%s'\n", s);
        exit(2);
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm);
}

static const char *sync_name(cst_dav_sync_result r)
{
    switch (r) {
    case CST_DAV_SYNC_OK: return "OK";
    case CST_DAV_SYNC_INVALID_TOKEN: return "INVALID_TOKEN";
    case CST_DAV_SYNC_UNSUPPORTED: return "UNSUPPORTED";
    }
    return "?";
}

int main(int argc, char **argv)
{
    cst_dav_opts o;
    cst_dav *d = NULL;
    cst_dav_response resp;
    cst_error err;
    cst_status st = CST_OK;
    const char *op, *path, *s, *depth_s;
    char url[2048];
    char *body = NULL;
    size_t blen = 0;
    long repeat, i, max_ms, max_rss;
    struct timespec t0, t1;

    if (argc < 2) {
        fprintf(stderr, "usage: caldav-driver BASE key=value...\n");
        return 2;
    }
    memset(&o, 0, sizeof(o));
    memset(&err, 0, sizeof(err));
    o.user = arg(argc, argv, "user");
    o.password = arg(argc, argv, "password");
    o.bearer = arg(argc, argv, "bearer");
    o.authorization = arg(argc, argv, "authz");
    o.timeout_ms = num(arg(argc, argv, "timeout-ms"), 0);
    o.connect_timeout_ms = num(arg(argc, argv, "connect-timeout-ms"), 0);
    o.max_body = (size_t)num(arg(argc, argv, "max-body"), 0);
    o.base_url = arg(argc, argv, "origin");
    op = arg(argc, argv, "op");
    if (op == NULL)
        op = "get";
    repeat = num(arg(argc, argv, "repeat"), 1);
    max_ms = num(arg(argc, argv, "max-elapsed-ms"), 0);
    max_rss = num(arg(argc, argv, "max-rss-kb"), 0);
    if ((s = arg(argc, argv, "url")) != NULL)
        snprintf(url, sizeof(url), "%s", s);
    else {
        path = arg(argc, argv, "path");
        snprintf(url, sizeof(url), "%s%s", argv[1], path ? path : "/");
    }
    if ((s = arg(argc, argv, "body-file")) != NULL)
        body = slurp(s, &blen);

    if (cst_dav_global_init(&err) != CST_OK) {
        printf("result: IO\nmessage: %s\n", err.msg);
        return 1;
    }
    d = cst_dav_new(&o, &err);
    if (d == NULL) {
        printf("result: INVALID\nmessage: %s\n", err.msg);
        free(body);
        cst_dav_global_cleanup();
        return 0;
    }
    cst_dav_response_init(&resp);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (i = 0; i < repeat; i++) {
        memset(&err, 0, sizeof(err));
        if (strcmp(op, "get") == 0) {
            st = cst_dav_get(d, url, &resp, &err);
        } else if (strcmp(op, "put") == 0) {
            st = cst_dav_put(d, url, body, blen,
                             arg(argc, argv, "content-type"),
                             arg(argc, argv, "if-match"),
                             arg(argc, argv, "if-none-match"), &resp, &err);
        } else if (strcmp(op, "delete") == 0) {
            st = cst_dav_delete(d, url, arg(argc, argv, "if-match"), &resp,
                                &err);
        } else if (strcmp(op, "propfind") == 0) {
            int depth = 0;

            depth_s = arg(argc, argv, "depth");
            if (depth_s != NULL && strcmp(depth_s, "infinity") == 0)
                depth = CST_DAV_DEPTH_INFINITY;
            else
                depth = (int)num(depth_s, 0);
            st = cst_dav_propfind(d, url, depth, body, &resp, &err);
        } else if (strcmp(op, "mkcalendar") == 0) {
            st = cst_dav_mkcalendar(d, url, arg(argc, argv, "displayname"),
                                    mask_of(arg(argc, argv, "mask")), &resp,
                                    &err);
        } else if (strcmp(op, "components") == 0) {
            unsigned m = 0;

            st = cst_dav_supported_components(d, url, &m, &err);
            if (st == CST_OK)
                print_mask("mask", m);
        } else if (strcmp(op, "principal") == 0 ||
                   strcmp(op, "home") == 0) {
            char *href = NULL;

            st = op[0] == 'p'
                     ? cst_dav_current_user_principal(d, url, &href, &err)
                     : cst_dav_calendar_home(d, url, &href, &err);
            if (st == CST_OK)
                printf("href: %s\n", href ? href : "(none)");
            free(href);
        } else if (strcmp(op, "addresses") == 0) {
            char **v = NULL;
            size_t n = 0, k;

            st = cst_dav_user_addresses(d, url, &v, &n, &err);
            for (k = 0; st == CST_OK && k < n; k++)
                printf("address: %s\n", v[k]);
            cst_dav_strings_free(&v, n);
        } else if (strcmp(op, "calendars") == 0) {
            cst_dav_calendar *v = NULL;
            size_t n = 0, k;

            st = cst_dav_list_calendars(d, url, &v, &n, &err);
            for (k = 0; st == CST_OK && k < n; k++) {
                unsigned m = v[k].components;

                printf("calendar: %s %s%s%s%s %s\n", v[k].href,
                       m & CST_DAV_VEVENT ? "E" : "",
                       m & CST_DAV_VTODO ? "T" : "",
                       m & CST_DAV_VJOURNAL ? "J" : "", m ? "" : "-",
                       v[k].displayname ? v[k].displayname : "(none)");
            }
            cst_dav_calendars_free(&v, n);
        } else if (strcmp(op, "query") == 0) {
            cst_dav_items it;

            s = arg(argc, argv, "comp");
            st = cst_dav_calendar_query(d, url, s ? s : "VEVENT",
                                        utc_of(arg(argc, argv, "start")),
                                        utc_of(arg(argc, argv, "end")),
                                        (int)num(arg(argc, argv, "data"), 0),
                                        &it, &err);
            if (st == CST_OK)
                print_items(&it);
            cst_dav_items_fini(&it);
        } else if (strcmp(op, "multiget") == 0) {
            const char *hv[CST_DAV_MULTIGET_MAX + 10];
            char made[CST_DAV_MULTIGET_MAX + 10][32];
            size_t nh = 0;
            long extra = num(arg(argc, argv, "hrefs"), 0), k;
            int a;
            cst_dav_items it;

            for (a = 2; a < argc && nh < CST_DAV_MULTIGET_MAX + 10; a++)
                if (strncmp(argv[a], "href=", 5) == 0)
                    hv[nh++] = argv[a] + 5;
            for (k = 0; k < extra && nh < CST_DAV_MULTIGET_MAX + 10; k++) {
                snprintf(made[nh], sizeof(made[nh]), "/m/%ld.ics", k);
                hv[nh] = made[nh];
                nh++;
            }
            st = cst_dav_multiget(d, url, hv, nh, &it, &err);
            if (st == CST_OK)
                print_items(&it);
            cst_dav_items_fini(&it);
        } else if (strcmp(op, "sync") == 0) {
            cst_dav_items it;
            cst_dav_sync_result r = CST_DAV_SYNC_OK;

            st = cst_dav_sync_collection(d, url, arg(argc, argv, "token"),
                                         &it, &r, &err);
            if (st == CST_OK) {
                printf("sync: %s\n", sync_name(r));
                print_items(&it);
            }
            cst_dav_items_fini(&it);
        } else if (strcmp(op, "etags") == 0) {
            cst_dav_items it;

            st = cst_dav_list_etags(d, url, &it, &err);
            if (st == CST_OK)
                print_items(&it);
            cst_dav_items_fini(&it);
        } else if (strcmp(op, "colinfo") == 0) {
            cst_dav_colinfo ci;

            st = cst_dav_collection_info(d, url, &ci, &err);
            if (st == CST_OK) {
                printf("sync-token: %s\n",
                       ci.sync_token ? ci.sync_token : "(none)");
                printf("ctag: %s\n", ci.ctag ? ci.ctag : "(none)");
                printf("displayname: %s\n",
                       ci.displayname ? ci.displayname : "(none)");
                print_mask("mask", ci.components);
                printf("calendar: %d\n", ci.is_calendar);
            }
            cst_dav_colinfo_fini(&ci);
        } else if (strcmp(op, "discover") == 0) {
            char *pr = NULL, *home = NULL;

            st = cst_dav_discover(d, url, &pr, &home, &err);
            if (st == CST_OK)
                printf("principal: %s\nhome: %s\n", pr, home);
            free(pr);
            free(home);
        } else {
            fprintf(stderr, "caldav-driver: unknown op '%s'\n", op);
            st = CST_ERR_INVALID;
            break;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);

    printf("result: %s\n", status_name(st));
    if (st != CST_OK)
        printf("message: %s\n", err.msg);
    if (cst_dav_last_status(d) != 0)
        printf("http: %ld\n", cst_dav_last_status(d));
    if (resp.etag)
        printf("etag: %s\n", resp.etag);
    if (resp.location)
        printf("location: %s\n", resp.location);
    if (resp.url)
        printf("url: %s\n", resp.url);
    print_body(&resp);
    if ((s = arg(argc, argv, "then-url")) != NULL) {
        cst_dav_response r2;
        cst_status st2;

        cst_dav_response_init(&r2);
        memset(&err, 0, sizeof(err));
        st2 = cst_dav_get(d, s, &r2, &err);
        printf("then: %s\n", status_name(st2));
        if (st2 != CST_OK)
            printf("then-message: %s\n", err.msg);
        cst_dav_response_fini(&r2);
    }
    if (max_rss > 0) {
        struct rusage ru;

        getrusage(RUSAGE_SELF, &ru);
        if (ru.ru_maxrss <= max_rss * RSS_SCALE)
            printf("rss: ok\n");
        else
            printf("rss: high %ld kB\n", (long)ru.ru_maxrss);
    }
    if (max_ms > 0) {
        long ms = (long)(t1.tv_sec - t0.tv_sec) * 1000 +
                  (t1.tv_nsec - t0.tv_nsec) / 1000000;

        if (ms <= max_ms)
            printf("elapsed: ok\n");
        else
            printf("elapsed: slow %ld ms\n", ms);
    }
    cst_dav_response_fini(&resp);
    cst_dav_free(&d);
    free(body);
    cst_dav_global_cleanup();
    return 0;
}
