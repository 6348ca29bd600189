/*
 * url.c -- member URLs, parents, and the {user} / {addr} template
 * expander (see url.h).  Moved here from cli/sweep.c (owner_url and its
 * helpers) and plugin/taskwriter.c (expand_template, parent_path), so
 * that the module and the sweep escape and check the same way.
 */
#include "config.h"

#include "steward/url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"

char *cst_stw_escape_segment(const char *v, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    char *o = malloc(n * 3 + 1), *p = o;
    size_t i;

    if (o == NULL)
        return NULL;
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)v[i];

        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
            (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' ||
            ch == '~') {
            *p++ = (char)ch;
        } else {
            *p++ = '%';
            *p++ = hex[ch >> 4];
            *p++ = hex[ch & 15];
        }
    }
    *p = '\0';
    return o;
}

char *cst_stw_member_url(const char *col_url, const char *name,
                         const char *suffix)
{
    size_t n = strlen(col_url), len;
    const char *slash = n > 0 && col_url[n - 1] == '/' ? "" : "/";
    char *esc = cst_stw_escape_segment(name, strlen(name)), *u = NULL;

    if (esc == NULL)
        return NULL;
    len = n + strlen(slash) + strlen(esc) + strlen(suffix) + 1;
    u = malloc(len);
    if (u != NULL)
        snprintf(u, len, "%s%s%s%s", col_url, slash, esc, suffix);
    free(esc);
    return u;
}

char *cst_stw_parent_url(const char *url)
{
    const char *slash = strrchr(url, '/');

    if (slash == NULL)
        return cst_strndup("/", 1);
    return cst_strndup(url, (size_t)(slash - url) + 1);
}

/* A value for {user} / {addr} must stay one path segment: not empty,
 * not "." or "..", no "/" (nor "\", which some servers take for one). */
static int segment_ok(const char *v, size_t n)
{
    if (n == 0 || (n == 1 && v[0] == '.') ||
        (n == 2 && v[0] == '.' && v[1] == '.'))
        return 0;
    return memchr(v, '/', n) == NULL && memchr(v, '\\', n) == NULL;
}

/* 1 when segment p..e is "." or ".." (also as %2E, as RFC 3986 6.2.2.2
 * decodes it). */
static int dot_segment(const char *p, const char *e, int *dots)
{
    int n = 0;

    while (p < e) {
        if (*p == '.') {
            p++;
        } else if (e - p >= 3 && p[0] == '%' && p[1] == '2' &&
                   (p[2] == 'e' || p[2] == 'E')) {
            p += 3;
        } else {
            return 0;
        }
        n++;
    }
    *dots = n;
    return n == 1 || n == 2;
}

char *cst_stw_normalize_url(const char *url)
{
    const char *p = strstr(url, "://"), *path, *tail, *seg, *end;
    char *out;
    size_t o, root;
    int dots;

    p = p != NULL ? p + 3 : url;
    path = p + strcspn(p, "/?#");
    tail = path + strcspn(path, "?#");
    out = malloc(strlen(url) + 2);
    if (out == NULL)
        return NULL;
    o = root = (size_t)(path - url);
    memcpy(out, url, o);
    for (seg = path; seg < tail && *seg == '/'; seg = end) {
        seg++;
        end = seg + strcspn(seg, "/?#");
        if (end > tail)
            end = tail;
        if (dot_segment(seg, end, &dots)) {
            if (dots == 2) {
                while (o > root && out[o - 1] != '/')
                    o--; /* the segment, then its "/" */
                if (o > root)
                    o--;
            }
            if (end == tail)
                out[o++] = '/'; /* "a/.." is "a/"'s parent folder */
            continue;
        }
        out[o++] = '/';
        memcpy(out + o, seg, (size_t)(end - seg));
        o += (size_t)(end - seg);
    }
    memcpy(out + o, tail, strlen(tail) + 1);
    return out;
}

/* 1 when url, normalised, is under the part of tpl before its first
 * placeholder (normalised the same way up to its last "/"); -1 when out
 * of memory. */
static int under_prefix(const char *tpl, const char *url)
{
    const char *u = strstr(tpl, "{user}"), *a = strstr(tpl, "{addr}");
    const char *ph = u == NULL || (a != NULL && a < u) ? a : u;
    size_t plen = ph != NULL ? (size_t)(ph - tpl) : strlen(tpl), dlen;
    char *dir = NULL, *ndir = NULL, *nurl = NULL;
    int ok = -1;

    for (dlen = plen; dlen > 0 && tpl[dlen - 1] != '/'; dlen--)
        ;
    dir = cst_strndup(tpl, dlen);
    if (dir == NULL)
        goto done;
    ndir = cst_stw_normalize_url(dir);
    nurl = cst_stw_normalize_url(url);
    if (ndir == NULL || nurl == NULL)
        goto done;
    ok = strncmp(nurl, ndir, strlen(ndir)) == 0 &&
         strncmp(nurl + strlen(ndir), tpl + dlen, plen - dlen) == 0;
done:
    free(dir);
    free(ndir);
    free(nurl);
    return ok;
}

cst_status cst_stw_template_expand(const char *tpl, const char *user,
                                   const char *addr, char **out,
                                   cst_stw_tpl_why *why)
{
    const char *at = addr != NULL ? strchr(addr, '@') : NULL;
    const char *uv = user != NULL ? user : addr;
    size_t ulen = user != NULL  ? strlen(user)
                  : at != NULL  ? (size_t)(at - addr)
                  : addr != NULL ? strlen(addr)
                                 : 0;
    int has_user = strstr(tpl, "{user}") != NULL;
    int has_addr = strstr(tpl, "{addr}") != NULL;
    char *uesc = NULL, *aesc = NULL, *url = NULL;
    const char *p;
    size_t n = 0, pass;
    cst_status st = CST_ERR_NOMEM;
    int under;

    *out = NULL;
    *why = CST_STW_TPL_OK;
    if ((has_addr && addr == NULL) || (has_user && uv == NULL)) {
        *why = CST_STW_TPL_NO_ADDR;
        return CST_ERR_INVALID;
    }
    if ((has_user && !segment_ok(uv, ulen)) ||
        (has_addr && !segment_ok(addr, strlen(addr)))) {
        *why = CST_STW_TPL_NOT_SEGMENT;
        return CST_ERR_INVALID;
    }
    if (has_user && (uesc = cst_stw_escape_segment(uv, ulen)) == NULL)
        goto done;
    if (has_addr &&
        (aesc = cst_stw_escape_segment(addr, strlen(addr))) == NULL)
        goto done;
    /* pass 0 counts, pass 1 copies */
    for (pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            url = malloc(n + 1);
            if (url == NULL)
                goto done;
            n = 0;
        }
        for (p = tpl; *p != '\0';) {
            const char *v = p;
            size_t vlen = 1;

            if (strncmp(p, "{user}", 6) == 0) {
                v = uesc;
                vlen = strlen(uesc);
                p += 6;
            } else if (strncmp(p, "{addr}", 6) == 0) {
                v = aesc;
                vlen = strlen(aesc);
                p += 6;
            } else {
                p++;
            }
            if (pass == 1)
                memcpy(url + n, v, vlen);
            n += vlen;
        }
    }
    url[n] = '\0';
    under = under_prefix(tpl, url);
    if (under < 0)
        goto done;
    *out = url; /* CST_STW_TPL_OUTSIDE: only for the message */
    url = NULL;
    st = under ? CST_OK : CST_ERR_INVALID;
    if (!under)
        *why = CST_STW_TPL_OUTSIDE;
done:
    free(url);
    free(uesc);
    free(aesc);
    return st;
}
