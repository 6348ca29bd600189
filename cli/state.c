/*
 * state.c -- the sweep's per-collection state (see state.h).
 */
#include "config.h"

#include "cli/state.h"
#include "cli/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "calsteward-state 2"
#define MAGIC_V1 "calsteward-state 1" /* 0.x: no end line, read once */
#define LIST_MAGIC "calsteward-list 2"
#define TRAILER "end\t"

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

#define FNV_BASIS 14695981039346656037ULL

static uint64_t fnv1a_add(uint64_t h, const char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static uint64_t fnv1a(const char *s)
{
    return fnv1a_add(FNV_BASIS, s, strlen(s));
}

static void item_free(cli_state_item *it)
{
    if (it == NULL)
        return;
    free(it->href);
    free(it->etag);
    free(it);
}

int cli_state_set_str(char **field, const char *v)
{
    char *c = strdup(v != NULL ? v : "");

    if (c == NULL)
        return 0;
    free(*field);
    *field = c;
    return 1;
}

/* ---- the table: linear probing, backward-shift deletion --------------- */

static size_t find_slot(const cli_state *s, const char *href)
{
    size_t mask = s->nslot - 1, i = (size_t)fnv1a(href) & mask;

    while (s->slot[i] != NULL && strcmp(s->slot[i]->href, href) != 0)
        i = (i + 1) & mask;
    return i;
}

static int grow(cli_state *s)
{
    size_t old = s->nslot, i, n = old ? old * 2 : 64;
    cli_state_item **ov = s->slot, **nv = calloc(n, sizeof(*nv));

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

cli_state_item *cli_state_get(const cli_state *s, const char *href)
{
    if (s->nslot == 0)
        return NULL;
    return s->slot[find_slot(s, href)];
}

cli_state_item *cli_state_put(cli_state *s, const char *href)
{
    cli_state_item *it = cli_state_get(s, href);
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
    it->kind = CLI_ITEM_OTHER;
    s->slot[i] = it;
    s->n++;
    return it;
}

void cli_state_del(cli_state *s, const char *href)
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

void cli_state_each(const cli_state *s,
                    void (*fn)(cli_state_item *it, void *ctx), void *ctx)
{
    size_t i;

    for (i = 0; i < s->nslot; i++) {
        if (s->slot[i] != NULL)
            fn(s->slot[i], ctx);
    }
}

void cli_state_reset(cli_state *s)
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

void cli_state_fini(cli_state *s)
{
    if (s == NULL)
        return;
    cli_state_reset(s);
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

/* Parses the lines of buf[0..len) (each ending in '\n', the magic and,
 * for version 2, the end line already checked and cut off).  Returns 1,
 * 0 for a line that is not the format's, -1 when out of memory. */
static int parse_lines(cli_state *s, char *buf, size_t len)
{
    char *line = buf, *end = buf + len, *nl, *fld[5];
    int ok = 1;

    while (ok > 0 && line < end) {
        size_t n;

        nl = memchr(line, '\n', (size_t)(end - line));
        if (nl == NULL)
            return 0; /* a last line without its end */
        *nl = '\0';
        if (memchr(line, '\0', (size_t)(nl - line)) != NULL)
            return 0;
        n = split(line, fld, 5);
        if (n == 2 && strcmp(fld[0], "url") == 0) {
            if (strcmp(fld[1], s->url) != 0)
                ok = 0; /* a hash collision or a copied file */
        } else if (n == 2 && strcmp(fld[0], "mode") == 0) {
            s->ctag_mode = strcmp(fld[1], "ctag") == 0;
        } else if (n == 2 && strcmp(fld[0], "token") == 0) {
            if (!cli_state_set_str(&s->token, fld[1]))
                ok = -1;
        } else if (n == 2 && strcmp(fld[0], "ctag") == 0) {
            if (!cli_state_set_str(&s->ctag, fld[1]))
                ok = -1;
        } else if (n == 2 && strcmp(fld[0], "window-end") == 0) {
            s->window_end = (time_t)strtoll(fld[1], NULL, 10);
        } else if (n == 5 && strcmp(fld[0], "item") == 0) {
            cli_state_item *it = cli_state_put(s, fld[4]);

            if (it == NULL || !cli_state_set_str(&it->etag, fld[3])) {
                ok = -1;
            } else {
                it->kind = fld[1][0];
                it->next = (time_t)strtoll(fld[2], NULL, 10);
            }
        } else {
            ok = 0;
        }
        line = nl + 1;
    }
    return ok;
}

/* Checks the end line of a version 2 file: it is the last line, names
 * the number of lines before it and the FNV-1a hash of their bytes.
 * Returns the length of what it covers, or 0 when it does not hold. */
static size_t check_trailer(const char *buf, size_t len)
{
    const char *last, *p;
    char want[64];
    size_t body, lines = 0, i;

    if (len < 2 || buf[len - 1] != '\n')
        return 0;
    for (last = buf + len - 1; last > buf && last[-1] != '\n'; last--)
        ;
    body = (size_t)(last - buf);
    if (body == 0)
        return 0;
    for (i = 0; i < body; i++)
        lines += buf[i] == '\n';
    snprintf(want, sizeof(want), TRAILER "%zu\t%016" PRIx64 "\n", lines,
             fnv1a_add(FNV_BASIS, buf, body));
    p = last;
    if ((size_t)(buf + len - p) != strlen(want) ||
        memcmp(p, want, strlen(want)) != 0)
        return 0;
    return body;
}

/* Reads the whole file of fd into *buf (NUL-terminated), at most
 * CLI_STATE_MAX_BYTES.  Returns 0 or an errno value: EFBIG past the cap,
 * EINVAL for what is not a regular file. */
static int read_file(int fd, char **buf, size_t *len)
{
    struct stat sb;
    char *b, *nb;
    size_t n = 0, cap;
    ssize_t got;
    int e;

    *buf = NULL;
    *len = 0;
    if (fstat(fd, &sb) != 0)
        return errno;
    if (!S_ISREG(sb.st_mode))
        return EINVAL;
    if (sb.st_size > (off_t)CLI_STATE_MAX_BYTES)
        return EFBIG;
    cap = (size_t)sb.st_size + 64; /* it may grow meanwhile */
    b = malloc(cap);
    if (b == NULL)
        return ENOMEM;
    for (;;) {
        if (n + 1 == cap) {
            if (n > CLI_STATE_MAX_BYTES) {
                free(b);
                return EFBIG;
            }
            nb = realloc(b, cap * 2);
            if (nb == NULL) {
                free(b);
                return ENOMEM;
            }
            b = nb;
            cap *= 2;
        }
        got = read(fd, b + n, cap - n - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            e = errno;
            free(b);
            return e;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    if (n > CLI_STATE_MAX_BYTES) {
        free(b);
        return EFBIG;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return 0;
}

/* Reads the state file path whole (a regular file, not a link, at most
 * CLI_STATE_MAX_BYTES).  CST_OK with *buf NULL when there is none. */
static cst_status slurp(const char *path, char **buf, size_t *len,
                        cst_error *err)
{
    int fd, e;

    *buf = NULL;
    *len = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT)
            return CST_OK;
        return fail(err, CST_ERR_IO, "%s: %s", path, strerror(errno));
    }
    e = read_file(fd, buf, len);
    close(fd);
    if (e != 0) {
        free(*buf);
        *buf = NULL;
    }
    if (e == ENOMEM)
        return fail(err, CST_ERR_NOMEM, "out of memory");
    if (e == EINVAL)
        return fail(err, CST_ERR_INVALID, _("%s: not a regular file"), path);
    if (e == EFBIG)
        return fail(err, CST_ERR_TOO_LARGE, _("%s: larger than %u bytes"), path,
                    CLI_STATE_MAX_BYTES);
    if (e != 0)
        return fail(err, CST_ERR_IO, "%s: %s", path, strerror(e));
    return CST_OK;
}

cst_status cli_state_load(const char *dir, const char *url, cli_state *s,
                          cst_error *err)
{
    char path[4096], *buf = NULL;
    size_t len = 0, body = 0, magic;
    int ok = 0;
    cst_status st;

    memset(s, 0, sizeof(*s));
    err->msg[0] = '\0';
    snprintf(path, sizeof(path), "%s/%016" PRIx64 ".state", dir, fnv1a(url));
    s->path = strdup(path);
    s->url = strdup(url);
    if (s->path == NULL || s->url == NULL)
        return fail(err, CST_ERR_NOMEM, "out of memory");
    s->fresh = 1;
    st = slurp(path, &buf, &len, err);
    if (st != CST_OK || buf == NULL)
        return st; /* buf NULL: no such file */
    magic = strlen(MAGIC) + 1;
    if (len >= magic && memcmp(buf, MAGIC "\n", magic) == 0) {
        body = check_trailer(buf, len);
        if (body > 0)
            ok = parse_lines(s, buf + magic, body - magic);
    } else if (len >= magic && memcmp(buf, MAGIC_V1 "\n", magic) == 0) {
        /* the previous release's format, without its end line: read as
         * it always was, once -- the next save writes version 2 */
        ok = parse_lines(s, buf + magic, len - magic);
    }
    free(buf);
    if (ok < 0)
        return fail(err, CST_ERR_NOMEM, "out of memory");
    if (ok == 0) {
        /* never start over on our own: a full re-read would write again
         * what owners deleted since; the collection is left alone and
         * the file kept until the administrator removes it */
        cli_state_reset(s);
        s->ctag_mode = 0;
        return fail(err, CST_ERR_INVALID,
                    _("%s: damaged state file (no valid end line): the "
                      "collection is left alone until the file is removed, "
                      "then read again from the server"),
                    path);
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

static void save_item(cli_state_item *it, void *ctx)
{
    save_ctx *c = ctx;

    if (!storable(it->href) || !storable(it->etag)) {
        c->bad = 1; /* never: hrefs and ETags have no control characters */
        return;
    }
    fprintf(c->f, "item\t%c\t%lld\t%s\t%s\n", it->kind, (long long)it->next,
            it->etag, it->href);
}

static cst_status write_atomic(const char *path, const char *buf, size_t len,
                               cst_error *err);

/* Appends the end line to the len bytes of buf (which has room). */
static size_t seal(char *buf, size_t len, size_t room)
{
    size_t lines = 0, i;
    int n;

    for (i = 0; i < len; i++)
        lines += buf[i] == '\n';
    n = snprintf(buf + len, room, TRAILER "%zu\t%016" PRIx64 "\n", lines,
                 fnv1a_add(FNV_BASIS, buf, len));
    return n > 0 && (size_t)n < room ? len + (size_t)n : 0;
}

cst_status cli_state_list_save(const char *path, char *const *lines, size_t n,
                               cst_error *err)
{
    char *buf = NULL;
    size_t len = 0, cap = 0, i;
    FILE *m;
    cst_status st;

    m = open_memstream(&buf, &cap);
    if (m == NULL)
        return fail(err, CST_ERR_NOMEM, "out of memory");
    fprintf(m, "%s\n", LIST_MAGIC);
    for (i = 0; i < n; i++) {
        if (storable(lines[i]))
            fprintf(m, "%s\n", lines[i]);
    }
    fprintf(m, "%64s", ""); /* room for the end line */
    if (fclose(m) != 0 || buf == NULL) {
        free(buf);
        return fail(err, CST_ERR_NOMEM, "out of memory");
    }
    len = cap - 64;
    len = seal(buf, len, 64 + 1);
    st = len > 0 ? write_atomic(path, buf, len, err)
                 : fail(err, CST_ERR_NOMEM, "out of memory");
    free(buf);
    return st;
}

cst_status cli_state_list_load(const char *path, char ***lines, size_t *n,
                               cst_error *err)
{
    char *buf = NULL, *line, *nl, **v = NULL, **nv;
    size_t len = 0, body, magic = strlen(LIST_MAGIC) + 1, cnt = 0;
    cst_status st;

    *lines = NULL;
    *n = 0;
    err->msg[0] = '\0';
    st = slurp(path, &buf, &len, err);
    if (st != CST_OK || buf == NULL)
        return st; /* buf NULL: no such file */
    if (len >= magic && memcmp(buf, LIST_MAGIC "\n", magic) == 0) {
        body = check_trailer(buf, len);
        if (body == 0)
            goto damaged;
        buf[body] = '\0';
        line = buf + magic;
    } else if (len == 0 || ((strncmp(buf, "http://", 7) == 0 ||
                             strncmp(buf, "https://", 8) == 0) &&
                            buf[len - 1] == '\n')) {
        /* the previous release's file: bare URLs, read once */
        line = buf;
    } else {
        goto damaged;
    }
    for (; *line != '\0'; line = nl + 1) {
        nl = strchr(line, '\n');
        if (nl == NULL)
            break;
        *nl = '\0';
        nv = realloc(v, (cnt + 1) * sizeof(*v));
        if (nv == NULL)
            goto nomem;
        v = nv;
        v[cnt] = strdup(line);
        if (v[cnt] == NULL)
            goto nomem;
        cnt++;
    }
    free(buf);
    *lines = v;
    *n = cnt;
    return CST_OK;
nomem:
    while (cnt > 0)
        free(v[--cnt]);
    free(v);
    free(buf);
    return fail(err, CST_ERR_NOMEM, "out of memory");
damaged:
    free(buf);
    return fail(err, CST_ERR_INVALID,
                _("%s: damaged state file (no valid end line): it is kept "
                  "as it is until it is removed"),
                path);
}

/* Writes len bytes of buf to path through a temporary file, fsync()ed
 * and renamed over it.  CST_ERR_IO with "FILE: reason". */
static cst_status write_atomic(const char *path, const char *buf, size_t len,
                               cst_error *err)
{
    char tmp[4200];
    size_t done = 0;
    ssize_t got;
    int fd, e = 0;

    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return fail(err, CST_ERR_IO, "%s: %s", tmp, strerror(errno));
    while (done < len) {
        got = write(fd, buf + done, len - done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            e = errno;
            break;
        }
        done += (size_t)got;
    }
    if (e == 0 && fsync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && e == 0)
        e = errno;
    if (e == 0 && rename(tmp, path) != 0)
        e = errno;
    if (e != 0) {
        unlink(tmp);
        return fail(err, CST_ERR_IO, "%s: %s", path, strerror(e));
    }
    /* the rename itself survives a power loss only once the folder is
     * on disk; without it the old state comes back, which is safe */
    sync_dir(path);
    return CST_OK;
}

cst_status cli_state_save(const cli_state *s, cst_error *err)
{
    char *buf = NULL;
    size_t len, cap = 0;
    save_ctx c;
    cst_status st;

    if (!storable(s->url) || !storable(s->token) || !storable(s->ctag))
        return fail(err, CST_ERR_INVALID,
                    "%s: a control character in the sync token", s->path);
    c.f = open_memstream(&buf, &cap);
    c.bad = 0;
    if (c.f == NULL)
        return fail(err, CST_ERR_NOMEM, "out of memory");
    fprintf(c.f, "%s\nurl\t%s\nmode\t%s\n", MAGIC, s->url,
            s->ctag_mode ? "ctag" : "sync");
    if (s->token != NULL)
        fprintf(c.f, "token\t%s\n", s->token);
    if (s->ctag != NULL)
        fprintf(c.f, "ctag\t%s\n", s->ctag);
    fprintf(c.f, "window-end\t%lld\n", (long long)s->window_end);
    cli_state_each(s, save_item, &c);
    fprintf(c.f, "%64s", ""); /* room for the end line */
    if (fclose(c.f) != 0 || buf == NULL || cap < 64) {
        free(buf);
        return fail(err, CST_ERR_NOMEM, "out of memory");
    }
    if (c.bad) {
        free(buf); /* never: hrefs and ETags have no control characters */
        return fail(err, CST_ERR_IO, "%s: %s", s->path, strerror(EINVAL));
    }
    len = seal(buf, cap - 64, 64 + 1);
    st = len > 0 ? write_atomic(s->path, buf, len, err)
                 : fail(err, CST_ERR_NOMEM, "out of memory");
    free(buf);
    return st;
}
