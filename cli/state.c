/*
 * state.c -- the sweep's per-collection state (see state.h).
 */
#include "config.h"

#include "cli/state.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "calsteward-state 1"

static cst_status fail(cst_error *err, cst_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static cst_status fail(cst_error *err, cst_status st, const char *fmt, ...)
{
    va_list ap;

    err->line = 0;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return st;
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 14695981039346656037ULL;

    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static void item_free(cst_state_item *it)
{
    if (it == NULL)
        return;
    free(it->href);
    free(it->etag);
    free(it);
}

int cst_state_set_str(char **field, const char *v)
{
    char *c = strdup(v != NULL ? v : "");

    if (c == NULL)
        return 0;
    free(*field);
    *field = c;
    return 1;
}

/* ---- the table: linear probing, backward-shift deletion --------------- */

static size_t find_slot(const cst_state *s, const char *href)
{
    size_t mask = s->nslot - 1, i = (size_t)fnv1a(href) & mask;

    while (s->slot[i] != NULL && strcmp(s->slot[i]->href, href) != 0)
        i = (i + 1) & mask;
    return i;
}

static int grow(cst_state *s)
{
    size_t old = s->nslot, i, n = old ? old * 2 : 64;
    cst_state_item **ov = s->slot, **nv = calloc(n, sizeof(*nv));

    if (nv == NULL)
        return 0;
    s->slot = nv;
    s->nslot = n;
    for (i = 0; i < old; i++) {
        if (ov[i] != NULL)
            s->slot[find_slot(s, ov[i]->href)] = ov[i];
    }
    free(ov);
    return 1;
}

cst_state_item *cst_state_get(const cst_state *s, const char *href)
{
    if (s->nslot == 0)
        return NULL;
    return s->slot[find_slot(s, href)];
}

cst_state_item *cst_state_put(cst_state *s, const char *href)
{
    cst_state_item *it = cst_state_get(s, href);
    size_t i;

    if (it != NULL)
        return it; /* never grows (and rehashes) for a key it has */
    if ((s->n + 1) * 2 > s->nslot && !grow(s))
        return NULL;
    i = find_slot(s, href);
    if (s->slot[i] != NULL)
        return s->slot[i];
    it = calloc(1, sizeof(*it));
    if (it == NULL)
        return NULL;
    it->href = strdup(href);
    it->etag = strdup("");
    if (it->href == NULL || it->etag == NULL) {
        item_free(it);
        return NULL;
    }
    it->kind = CST_ITEM_OTHER;
    s->slot[i] = it;
    s->n++;
    return it;
}

void cst_state_del(cst_state *s, const char *href)
{
    size_t mask, i, j, k;

    if (s->nslot == 0)
        return;
    mask = s->nslot - 1;
    i = find_slot(s, href);
    if (s->slot[i] == NULL)
        return;
    item_free(s->slot[i]);
    s->slot[i] = NULL;
    s->n--;
    /* shift back the entries of the cluster that follows */
    for (j = (i + 1) & mask; s->slot[j] != NULL; j = (j + 1) & mask) {
        k = (size_t)fnv1a(s->slot[j]->href) & mask;
        /* move j to i when its home k is not cyclically in (i, j] */
        if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
            s->slot[i] = s->slot[j];
            s->slot[j] = NULL;
            i = j;
        }
    }
}

void cst_state_each(const cst_state *s,
                    void (*fn)(cst_state_item *it, void *ctx), void *ctx)
{
    size_t i;

    for (i = 0; i < s->nslot; i++) {
        if (s->slot[i] != NULL)
            fn(s->slot[i], ctx);
    }
}

void cst_state_reset(cst_state *s)
{
    size_t i;

    for (i = 0; i < s->nslot; i++)
        item_free(s->slot[i]);
    free(s->slot);
    s->slot = NULL;
    s->nslot = s->n = 0;
    free(s->token);
    s->token = NULL;
    free(s->ctag);
    s->ctag = NULL;
    s->window_end = 0;
    s->fresh = 1;
}

void cst_state_fini(cst_state *s)
{
    if (s == NULL)
        return;
    cst_state_reset(s);
    free(s->path);
    free(s->url);
    memset(s, 0, sizeof(*s));
}

/* ---- the file --------------------------------------------------------- */

/* Splits line at tabs into at most max fields; returns the count. */
static size_t split(char *line, char **f, size_t max)
{
    size_t n = 0;

    while (n < max) {
        char *tab = strchr(line, '\t');

        f[n++] = line;
        if (tab == NULL)
            break;
        *tab = '\0';
        line = tab + 1;
    }
    return n;
}

/* A value may not hold a tab or a line end (the format's separators). */
static int storable(const char *v)
{
    return v == NULL || strpbrk(v, "\t\r\n") == NULL;
}

static int parse_file(cst_state *s, FILE *f)
{
    char *line = NULL, *fld[5];
    size_t cap = 0;
    ssize_t got;
    int lineno = 0, ok = 1;

    while ((got = getline(&line, &cap, f)) > 0) {
        size_t n;

        lineno++;
        if (line[got - 1] == '\n')
            line[--got] = '\0';
        if (lineno == 1) {
            if (strcmp(line, MAGIC) != 0) {
                ok = 0;
                break;
            }
            continue;
        }
        n = split(line, fld, 5);
        if (n == 2 && strcmp(fld[0], "url") == 0) {
            if (strcmp(fld[1], s->url) != 0) {
                ok = 0; /* a hash collision or a copied file */
                break;
            }
        } else if (n == 2 && strcmp(fld[0], "mode") == 0) {
            s->ctag_mode = strcmp(fld[1], "ctag") == 0;
        } else if (n == 2 && strcmp(fld[0], "token") == 0) {
            if (!cst_state_set_str(&s->token, fld[1]))
                ok = -1;
        } else if (n == 2 && strcmp(fld[0], "ctag") == 0) {
            if (!cst_state_set_str(&s->ctag, fld[1]))
                ok = -1;
        } else if (n == 2 && strcmp(fld[0], "window-end") == 0) {
            s->window_end = (time_t)strtoll(fld[1], NULL, 10);
        } else if (n == 5 && strcmp(fld[0], "item") == 0) {
            cst_state_item *it = cst_state_put(s, fld[4]);

            if (it == NULL || !cst_state_set_str(&it->etag, fld[3])) {
                ok = -1;
                break;
            }
            it->kind = fld[1][0];
            it->next = (time_t)strtoll(fld[2], NULL, 10);
        } else {
            ok = 0;
            break;
        }
        if (ok < 0)
            break;
    }
    free(line);
    if (lineno == 0)
        ok = 0;
    return ok;
}

cst_status cst_state_load(const char *dir, const char *url, cst_state *s,
                          cst_error *err)
{
    char path[4096];
    FILE *f;
    int ok;

    memset(s, 0, sizeof(*s));
    err->msg[0] = '\0';
    snprintf(path, sizeof(path), "%s/%016" PRIx64 ".state", dir, fnv1a(url));
    s->path = strdup(path);
    s->url = strdup(url);
    if (s->path == NULL || s->url == NULL)
        return fail(err, CST_ERR_NOMEM, "out of memory");
    s->fresh = 1;
    f = fopen(path, "re");
    if (f == NULL) {
        if (errno == ENOENT)
            return CST_OK;
        return fail(err, CST_ERR_IO, "%s: %s", path, strerror(errno));
    }
    ok = parse_file(s, f);
    fclose(f);
    if (ok < 0)
        return fail(err, CST_ERR_NOMEM, "out of memory");
    if (ok == 0) {
        cst_state_reset(s);
        s->ctag_mode = 0;
        (void)fail(err, CST_OK, "%s: unusable state file; starting over", path);
        return CST_OK;
    }
    s->fresh = 0;
    return CST_OK;
}

/* fsync()s the folder of path (best effort). */
static void sync_dir(const char *path)
{
    char dir[4096];
    char *slash;
    int fd;

    snprintf(dir, sizeof(dir), "%s", path);
    slash = strrchr(dir, '/');
    if (slash == NULL)
        return;
    *slash = '\0';
    fd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

typedef struct save_ctx {
    FILE *f;
    int bad;
} save_ctx;

static void save_item(cst_state_item *it, void *ctx)
{
    save_ctx *c = ctx;

    if (!storable(it->href) || !storable(it->etag)) {
        c->bad = 1; /* never: hrefs and ETags have no control characters */
        return;
    }
    fprintf(c->f, "item\t%c\t%lld\t%s\t%s\n", it->kind, (long long)it->next,
            it->etag, it->href);
}

cst_status cst_state_save(const cst_state *s, cst_error *err)
{
    char tmp[4200];
    save_ctx c;
    int fd, e = 0;

    if (!storable(s->url) || !storable(s->token) || !storable(s->ctag))
        return fail(err, CST_ERR_INVALID,
                    "%s: a control character in the sync token", s->path);
    snprintf(tmp, sizeof(tmp), "%s.tmp", s->path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return fail(err, CST_ERR_IO, "%s: %s", tmp, strerror(errno));
    c.f = fdopen(fd, "w");
    c.bad = 0;
    if (c.f == NULL) {
        e = errno;
        close(fd);
        unlink(tmp);
        return fail(err, CST_ERR_IO, "%s: %s", tmp, strerror(e));
    }
    fprintf(c.f, "%s\nurl\t%s\nmode\t%s\n", MAGIC, s->url,
            s->ctag_mode ? "ctag" : "sync");
    if (s->token != NULL)
        fprintf(c.f, "token\t%s\n", s->token);
    if (s->ctag != NULL)
        fprintf(c.f, "ctag\t%s\n", s->ctag);
    fprintf(c.f, "window-end\t%lld\n", (long long)s->window_end);
    cst_state_each(s, save_item, &c);
    if (fflush(c.f) != 0 || ferror(c.f) || fsync(fileno(c.f)) != 0)
        e = errno ? errno : EIO;
    if (fclose(c.f) != 0 && e == 0)
        e = errno;
    if (e == 0 && c.bad)
        e = EINVAL; /* an href or ETag with a control character */
    if (e == 0 && rename(tmp, s->path) != 0)
        e = errno;
    if (e != 0) {
        unlink(tmp);
        return fail(err, CST_ERR_IO, "%s: %s", s->path, strerror(e));
    }
    /* the rename itself survives a power loss only once the folder is
     * on disk; without it the old state comes back, which is safe */
    sync_dir(s->path);
    return CST_OK;
}
