/*
 * store.c -- the task store (see store.h).  Replaces the sweep's
 * resolve() lookup of the task collection and the module's
 * task_collection() and prefetch().
 */
#include "config.h"

#include "steward/store.h"

#include <stdlib.h>
#include <string.h>

#include "steward/url.h"

/* task UIDs are 36-character UUIDs; longer ones are not looked for */
#define CST_STW_UID_MAX 255

void cst_stw_home_fini(cst_stw_home *h)
{
    if (h == NULL)
        return;
    free(h->principal);
    free(h->home);
    cst_dav_calendars_free(&h->cals, h->n);
    memset(h, 0, sizeof(*h));
}

cst_status cst_stw_home_read(cst_dav *dav, const char *start_url,
                             cst_stw_home *h, cst_error *err)
{
    cst_status st;

    memset(h, 0, sizeof(*h));
    st = cst_dav_discover(dav, start_url, &h->principal, &h->home, err);
    if (st != CST_OK)
        return st;
    if (h->home == NULL || h->home[0] == '\0') {
        cst_error_set(err, 0, "the server names no calendar home");
        return CST_ERR_IO;
    }
    return cst_dav_list_calendars(dav, h->home, &h->cals, &h->n, err);
}

cst_status cst_stw_tasks_choose(const cst_stw_home *h, char **url, int *make,
                                cst_error *err)
{
    size_t i;

    *url = NULL;
    *make = 0;
    for (i = 0; i < h->n; i++) {
        if (h->cals[i].components & CST_DAV_VTODO) {
            *url = strdup(h->cals[i].href);
            goto done;
        }
    }
    if (h->home == NULL || h->home[0] == '\0') {
        cst_error_set(err, 0, "the server names no calendar home");
        return CST_ERR_INVALID;
    }
    /* calendars made by some clients take VEVENT only: one is made */
    *make = 1;
    *url = cst_stw_member_url(h->home, "", CST_STW_TASKS_NAME);
done:
    if (*url == NULL) {
        cst_error_set(err, 0, "%s", cst_status_str(CST_ERR_NOMEM));
        return CST_ERR_NOMEM;
    }
    return CST_OK;
}

cst_status cst_stw_tasks_make(cst_dav *dav, const char *url,
                              const char *displayname, cst_error *err)
{
    cst_dav_response resp;
    cst_status st;

    cst_dav_response_init(&resp);
    st = cst_dav_mkcalendar(dav, url, displayname, CST_DAV_VTODO, &resp, err);
    if (st == CST_OK && (resp.status < 200 || resp.status >= 300)) {
        cst_error_set(err, 0, "MKCALENDAR %.160s: HTTP %ld", url,
                      resp.status);
        st = CST_ERR_IO;
    }
    cst_dav_response_fini(&resp);
    return st;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* 1 when the last segment of url, %-decoded, is uid + ".ics". */
static int names_task(const char *url, const char *uid)
{
    const char *p = strrchr(url, '/');
    size_t ulen = strlen(uid), n = 0;
    char seg[CST_STW_UID_MAX + 8];
    int hi, lo, ch;

    if (p == NULL || ulen > CST_STW_UID_MAX)
        return 0;
    for (p++; *p != '\0' && *p != '?' && *p != '#'; p++) {
        ch = (unsigned char)*p;
        if (ch == '%') {
            hi = hexval((unsigned char)p[1]);
            lo = hi < 0 ? -1 : hexval((unsigned char)p[2]);
            if (lo < 0)
                return 0;
            ch = hi * 16 + lo;
            p += 2;
        }
        if (n == ulen + 4)
            return 0; /* longer */
        seg[n++] = (char)ch;
    }
    return n == ulen + 4 && memcmp(seg, uid, ulen) == 0 &&
           memcmp(seg + ulen, ".ics", 4) == 0;
}

void cst_stw_tasks_prefetch(cst_dav *dav, const char *collection,
                            const char *const *uids, size_t n,
                            const cst_dav_item **pre, cst_dav_items *items)
{
    char *hrefs[CST_STW_PREFETCH_MAX];
    cst_error err = {0, ""};
    size_t i, k, made = 0;

    memset(items, 0, sizeof(*items));
    for (i = 0; i < n; i++)
        pre[i] = NULL;
    if (n < 2 || n > CST_STW_PREFETCH_MAX)
        return;
    for (made = 0; made < n; made++) {
        hrefs[made] = cst_stw_member_url(collection, uids[made], ".ics");
        if (hrefs[made] == NULL)
            goto done;
    }
    if (cst_dav_multiget(dav, collection, (const char *const *)hrefs, n,
                         items, &err) != CST_OK) {
        cst_dav_items_fini(items);
        goto done;
    }
    for (i = 0; i < n; i++) {
        for (k = 0; k < items->n; k++) {
            if (items->v[k].url != NULL &&
                names_task(items->v[k].url, uids[i])) {
                pre[i] = &items->v[k];
                break;
            }
        }
    }
done:
    for (i = 0; i < made; i++)
        free(hrefs[i]);
}

int cst_stw_item_known(const cst_dav_item *it, char **body, size_t *len,
                       const char **etag, int *absent)
{
    *body = NULL;
    *len = 0;
    *etag = NULL;
    *absent = 0;
    if (it == NULL)
        return 0;
    if (it->status == 404) {
        *absent = 1;
        return 1;
    }
    if (it->status != 200 || it->data == NULL || it->etag == NULL ||
        it->etag[0] == '\0')
        return 0;
    *body = cst_dav_restore_crlf(it->data, it->len, len);
    if (*body == NULL)
        return 0;
    *etag = it->etag;
    return 1;
}
