/*
 * icaltext.c -- a byte-preserving view of iCalendar text and edits on it.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "icaltext.h"
#include "text.h"

#define MAX_DEPTH 16

/* Returns the length of the line end at p (CRLF, LF or CR), 0 if none. */
static size_t eol_at(const char *p, const char *end)
{
    if (p >= end)
        return 0;
    if (*p == '\r')
        return (p + 1 < end && p[1] == '\n') ? 2 : 1;
    return *p == '\n' ? 1 : 0;
}

/* Returns the offset just past the physical line starting at i. */
static size_t line_after(const char *b, size_t len, size_t i, size_t *eol_len)
{
    while (i < len && b[i] != '\r' && b[i] != '\n')
        i++;
    *eol_len = eol_at(b + i, b + len);
    return i + *eol_len;
}

/*
 * A reader over one content line that skips folds: it yields the bytes of
 * the unfolded line from [pos, vend), where vend is where the content
 * line's own final line end begins.
 */
typedef struct unfold {
    const char *b;
    size_t pos, vend;
} unfold;

/* Returns the next unfolded byte's offset, or vend at the end. */
static size_t uf_next(unfold *u)
{
    size_t n;

    while (u->pos < u->vend) {
        n = eol_at(u->b + u->pos, u->b + u->vend);
        if (n > 0 && u->pos + n < u->vend
            && (u->b[u->pos + n] == ' ' || u->b[u->pos + n] == '\t')) {
            u->pos += n + 1;
            continue;
        }
        return u->pos++;
    }
    return u->vend;
}

/* Where the final line end of a content line [start, end) begins. */
static size_t value_end(const char *b, size_t start, size_t end)
{
    if (end > start && b[end - 1] == '\n')
        end--;
    if (end > start && b[end - 1] == '\r')
        end--;
    return end;
}

static int name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
           || (c >= '0' && c <= '9') || c == '-';
}

/*
 * Reads the name of the content line [start, end) into name (upper-cased)
 * and finds the ':' before the value.  Returns 1 for a content line.
 */
static int parse_head(const char *b, size_t start, size_t end, char *name,
                      size_t *colon)
{
    unfold u = {b, start, value_end(b, start, end)};
    size_t n = 0, i;
    int quoted = 0;

    for (;;) {
        i = uf_next(&u);
        if (i >= u.vend)
            return 0;
        if (!name_char(b[i]))
            break;
        if (n + 1 >= CST_ICAL_NAME_MAX)
            return 0;
        name[n++] = (char)((b[i] >= 'a' && b[i] <= 'z') ? b[i] - 32 : b[i]);
    }
    name[n] = '\0';
    if (n == 0 || (b[i] != ':' && b[i] != ';'))
        return 0;
    for (;;) {
        if (b[i] == '"')
            quoted = !quoted;
        else if (b[i] == ':' && !quoted)
            break;
        i = uf_next(&u);
        if (i >= u.vend)
            return 0;
    }
    *colon = i;
    return 1;
}

/* Copies the unfolded bytes of [from, vend) into a heap string. */
static char *unfold_copy(const char *b, size_t from, size_t vend)
{
    unfold u = {b, from, vend};
    char *r = malloc(vend - from + 1);
    size_t n = 0, i;

    if (r == NULL)
        return NULL;
    while ((i = uf_next(&u)) < vend)
        r[n++] = b[i];
    r[n] = '\0';
    return r;
}

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
    size_t nc;
    void *nv;

    if (need <= *cap)
        return 1;
    nc = *cap ? *cap * 2 : 64;
    while (nc < need)
        nc *= 2;
    nv = realloc(*v, nc * size);
    if (nv == NULL)
        return 0;
    *v = nv;
    *cap = nc;
    return 1;
}

void cst_icaltext_fini(cst_icaltext *t)
{
    if (t == NULL)
        return;
    free(t->comps);
    free(t->props);
    memset(t, 0, sizeof(*t));
}

cst_status cst_icaltext_scan(const char *buf, size_t len, cst_icaltext *t,
                             cst_error *err)
{
    size_t cap_c = 0, cap_p = 0, i = 0, next, el, colon, lines = 0;
    size_t n_crlf = 0, n_lf = 0;
    int stack[MAX_DEPTH], depth = 0, lineno = 0, l0;
    char name[CST_ICAL_NAME_MAX];
    cst_status st = CST_OK;

    memset(t, 0, sizeof(*t));
    t->buf = buf;
    t->len = len;
    t->eol = "\r\n";
    if (len > CST_MAX_OBJECT_BYTES) {
        cst_error_set(err, 0, "object of %zu bytes is over the limit", len);
        return CST_ERR_TOO_LARGE;
    }
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len) {
        size_t start = i;

        /* one content line: a physical line and its continuations */
        next = line_after(buf, len, i, &el);
        l0 = ++lineno;
        n_crlf += (el == 2);
        n_lf += (el == 1 && buf[next - 1] == '\n');
        while (next < len && (buf[next] == ' ' || buf[next] == '\t')
               && el > 0) {
            next = line_after(buf, len, next, &el);
            lineno++;
            n_crlf += (el == 2);
            n_lf += (el == 1 && buf[next - 1] == '\n');
        }
        i = next;
        if (++lines > CST_ICAL_MAX_LINES) {
            cst_error_set(err, lineno, "more than %u lines",
                          CST_ICAL_MAX_LINES);
            st = CST_ERR_TOO_LARGE;
            goto done;
        }
        if (!parse_head(buf, start, next, name, &colon))
            continue;
        if (strcmp(name, "BEGIN") == 0 || strcmp(name, "END") == 0) {
            char *v = unfold_copy(buf, colon + 1, value_end(buf, start, next));
            size_t k;

            if (v == NULL) {
                st = CST_ERR_NOMEM;
                goto done;
            }
            for (k = 0; v[k] != '\0'; k++) {
                if (v[k] >= 'a' && v[k] <= 'z')
                    v[k] = (char)(v[k] - 32);
            }
            if (name[0] == 'B') {
                cst_ical_comp *c;

                if (depth == MAX_DEPTH || k >= CST_ICAL_NAME_MAX) {
                    free(v);
                    cst_error_set(err, l0, "components nested too deep");
                    st = CST_ERR_TOO_LARGE;
                    goto done;
                }
                if (!grow((void **)&t->comps, &cap_c, t->n_comps + 1,
                          sizeof(*t->comps))) {
                    free(v);
                    st = CST_ERR_NOMEM;
                    goto done;
                }
                c = &t->comps[t->n_comps];
                memcpy(c->name, v, k + 1);
                c->parent = depth ? stack[depth - 1] : -1;
                c->begin = start;
                c->body = next;
                c->end = c->after = 0;
                c->first_child = SIZE_MAX;
                if (depth > 0 && t->comps[stack[depth - 1]].first_child
                                     == SIZE_MAX)
                    t->comps[stack[depth - 1]].first_child = start;
                stack[depth++] = (int)t->n_comps++;
            } else {
                cst_ical_comp *c;

                if (depth == 0
                    || strcmp(t->comps[stack[depth - 1]].name, v) != 0) {
                    cst_error_set(err, l0, "END:%s does not close %s", v,
                                  depth ? t->comps[stack[depth - 1]].name
                                        : "any component");
                    free(v);
                    st = CST_ERR_PARSE;
                    goto done;
                }
                c = &t->comps[stack[--depth]];
                c->end = start;
                c->after = next;
                if (c->first_child == SIZE_MAX)
                    c->first_child = start;
            }
            free(v);
            continue;
        }
        if (depth == 0)
            continue;   /* a property outside every component: kept */
        if (!grow((void **)&t->props, &cap_p, t->n_props + 1,
                  sizeof(*t->props))) {
            st = CST_ERR_NOMEM;
            goto done;
        }
        memcpy(t->props[t->n_props].name, name, sizeof(name));
        t->props[t->n_props].comp = stack[depth - 1];
        t->props[t->n_props].start = start;
        t->props[t->n_props].end = next;
        t->props[t->n_props].colon = colon;
        t->n_props++;
    }
    if (depth > 0) {
        cst_error_set(err, lineno, "truncated: END:%s missing",
                      t->comps[stack[depth - 1]].name);
        st = CST_ERR_PARSE;
        goto done;
    }
    t->eol = (n_lf > n_crlf) ? "\n" : "\r\n";
    /* old Mac / Lotus Notes text: lone CRs only */
    if (n_crlf == 0 && n_lf == 0 && memchr(buf, '\r', len) != NULL)
        t->eol = "\r";
done:
    if (st != CST_OK)
        cst_icaltext_fini(t);
    return st;
}

int cst_icaltext_nth_comp(const cst_icaltext *t, const char *name, size_t n)
{
    size_t i;

    for (i = 0; i < t->n_comps; i++) {
        if (strcmp(t->comps[i].name, name) == 0 && n-- == 0)
            return (int)i;
    }
    return -1;
}

int cst_icaltext_find_prop(const cst_icaltext *t, int comp, const char *name,
                           size_t from)
{
    size_t i;

    for (i = from; i < t->n_props; i++) {
        if (t->props[i].comp == comp && strcmp(t->props[i].name, name) == 0)
            return (int)i;
    }
    return -1;
}

char *cst_icaltext_value(const cst_icaltext *t, size_t i)
{
    const cst_ical_prop *p = &t->props[i];

    return unfold_copy(t->buf, p->colon + 1,
                       value_end(t->buf, p->start, p->end));
}

char *cst_icaltext_line(const cst_icaltext *t, size_t i)
{
    const cst_ical_prop *p = &t->props[i];

    return unfold_copy(t->buf, p->start, value_end(t->buf, p->start, p->end));
}

size_t cst_icaltext_value_end(const cst_icaltext *t, size_t i)
{
    return value_end(t->buf, t->props[i].start, t->props[i].end);
}

size_t cst_icaltext_raw_offset(const cst_icaltext *t, size_t i, size_t k)
{
    const cst_ical_prop *p = &t->props[i];
    unfold u = {t->buf, p->colon + 1, value_end(t->buf, p->start, p->end)};
    size_t off;

    for (;;) {
        off = uf_next(&u);
        if (off >= u.vend || k-- == 0)
            return off;
    }
}

/* Returns the first ';' of s outside double quotes, or NULL. */
static char *next_param(char *s)
{
    int quoted = 0;

    for (; *s != '\0'; s++) {
        if (*s == '"')
            quoted = !quoted;
        else if (*s == ';' && !quoted)
            return s;
    }
    return NULL;
}

char *cst_icaltext_param(const cst_icaltext *t, size_t i, const char *param)
{
    const cst_ical_prop *p = &t->props[i];
    char *head = unfold_copy(t->buf, p->start, p->colon);
    char *s, *v, *e, *r = NULL;
    size_t plen = strlen(param);

    if (head == NULL)
        return NULL;
    /* ";" separates parameters, and may appear inside a quoted value --
     * also in a later value of a list: MEMBER="a","b;c";CN=x */
    for (s = next_param(head); s != NULL; s = next_param(s)) {
        s++;
        if (cst_prefix_ci(s, strlen(s), param) != plen || s[plen] != '=')
            continue;
        v = s + plen + 1;
        if (*v == '"') {
            e = strchr(v + 1, '"');
            if (e != NULL)
                r = cst_strndup(v + 1, (size_t)(e - v - 1));
        } else {
            e = next_param(v);
            r = cst_strndup(v, e ? (size_t)(e - v) : strlen(v));
        }
        break;
    }
    free(head);
    return r;
}

/* ---- edits ------------------------------------------------------------ */

void cst_edits_fini(cst_edits *e)
{
    size_t i;

    if (e == NULL)
        return;
    for (i = 0; i < e->n; i++)
        free(e->v[i].text);
    free(e->v);
    memset(e, 0, sizeof(*e));
}

static int utf8_cont(char c)
{
    return ((unsigned char)c & 0xC0) == 0x80;
}

char *cst_ical_fold(const char *line, size_t len, size_t first,
                    const char *eol, size_t *out_len)
{
    size_t el = strlen(eol), room, o = 0, i = 0, take, j;
    char *r;

    /* folds: at most one before any content (first >= 72) and then one per
     * >= 71 octets (74 less a UTF-8 character cut back) */
    r = malloc(len + (len / 60 + 2) * (el + 1) + 1);
    if (r == NULL)
        return NULL;
    room = first < 75 ? 75 - first : 0;
    while (i < len) {
        take = len - i < room ? len - i : room;
        /* never split a UTF-8 sequence: back off over at most 3
         * continuation octets; more than that is no UTF-8, cut anywhere */
        if (i + take < len) {
            j = take;
            while (j > 0 && take - j < 3 && utf8_cont(line[i + j]))
                j--;
            if (!utf8_cont(line[i + j]))
                take = j;
        }
        /* take is 0 only on the first line, when the octets it already
         * holds leave no room for the next character: fold at once */
        memcpy(r + o, line + i, take);
        o += take;
        i += take;
        if (i < len) {
            memcpy(r + o, eol, el);
            o += el;
            r[o++] = ' ';
            room = 74;
        }
    }
    memcpy(r + o, eol, el);
    o += el;
    r[o] = '\0';
    *out_len = o;
    return r;
}

static cst_status push(cst_edits *e, size_t at, size_t del, char *text,
                       size_t text_len)
{
    if (!grow((void **)&e->v, &e->cap, e->n + 1, sizeof(*e->v))) {
        free(text);
        return CST_ERR_NOMEM;
    }
    e->v[e->n].at = at;
    e->v[e->n].del = del;
    e->v[e->n].text = text;
    e->v[e->n].text_len = text_len;
    e->n++;
    return CST_OK;
}

cst_status cst_edits_raw(cst_edits *e, size_t at, size_t del,
                         const char *text, size_t text_len)
{
    char *copy = cst_strndup(text ? text : "", text_len);

    if (copy == NULL)
        return CST_ERR_NOMEM;
    return push(e, at, del, copy, text_len);
}

cst_status cst_edits_replace(cst_edits *e, const cst_icaltext *t, size_t i,
                             const char *content, size_t len)
{
    size_t fl;
    char *f = cst_ical_fold(content, len, 0, t->eol, &fl);

    if (f == NULL)
        return CST_ERR_NOMEM;
    return push(e, t->props[i].start, t->props[i].end - t->props[i].start, f,
                fl);
}

cst_status cst_edits_remove(cst_edits *e, const cst_icaltext *t, size_t i)
{
    return cst_edits_raw(e, t->props[i].start,
                         t->props[i].end - t->props[i].start, "", 0);
}

cst_status cst_edits_add(cst_edits *e, const cst_icaltext *t, int comp,
                         const char *content, size_t len)
{
    size_t fl, at = t->comps[comp].first_child;
    char *f;

    /* a last property line without a line end (END follows it, so this
     * cannot happen in a scanned text) needs none here */
    f = cst_ical_fold(content, len, 0, t->eol, &fl);
    if (f == NULL)
        return CST_ERR_NOMEM;
    return push(e, at, 0, f, fl);
}

static int cmp_edit(const void *a, const void *b)
{
    const cst_edit *x = *(const cst_edit *const *)a;
    const cst_edit *y = *(const cst_edit *const *)b;

    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    /* inserts before a replacement at the same place; else keep order */
    if ((x->del == 0) != (y->del == 0))
        return x->del == 0 ? -1 : 1;
    return x < y ? -1 : (x > y);
}

/*
 * Appends n bytes to r at *o.  from is their offset in the text, or
 * SIZE_MAX for an edit's bytes; *seam is the offset just after the bytes
 * appended last when they came from the text.  Where an edit would make a
 * lone CR before it and an LF after it one CRLF line end (which would turn
 * a blank LF line and its continuation into a continuation of the line
 * before), an LF is added first so that the lines stay apart.
 */
static void put(char *r, size_t *o, const char *p, size_t n, size_t from,
                size_t *seam)
{
    if (n == 0)
        return;
    if (*o > 0 && r[*o - 1] == '\r' && p[0] == '\n'
        && (from == SIZE_MAX || from != *seam))
        r[(*o)++] = '\n';
    memcpy(r + *o, p, n);
    *o += n;
    *seam = from == SIZE_MAX ? SIZE_MAX : from + n;
}

cst_status cst_edits_apply(const cst_edits *e, const cst_icaltext *t,
                           char **out, size_t *out_len)
{
    const cst_edit **order = NULL;
    size_t i, total = t->len, o = 0, pos = 0, seam = SIZE_MAX;
    cst_status st = CST_OK;
    char *r = NULL;

    *out = NULL;
    if (e->n > 0) {
        order = malloc(e->n * sizeof(*order));
        if (order == NULL)
            return CST_ERR_NOMEM;
    }
    for (i = 0; i < e->n; i++) {
        order[i] = &e->v[i];
        total += e->v[i].text_len + 2;  /* + an LF at each seam */
    }
    if (e->n > 1)
        qsort(order, e->n, sizeof(*order), cmp_edit);
    r = malloc(total + 1);
    if (r == NULL) {
        st = CST_ERR_NOMEM;
        goto done;
    }
    for (i = 0; i < e->n; i++) {
        const cst_edit *x = order[i];

        if (x->at < pos || x->at > t->len || x->del > t->len - x->at) {
            st = CST_ERR_INVALID;
            goto done;
        }
        put(r, &o, t->buf + pos, x->at - pos, pos, &seam);
        put(r, &o, x->text, x->text_len, SIZE_MAX, &seam);
        pos = x->at + x->del;
    }
    put(r, &o, t->buf + pos, t->len - pos, pos, &seam);
    r[o] = '\0';
    *out = r;
    *out_len = o;
    r = NULL;
done:
    free(r);
    free(order);
    return st;
}

char *cst_ical_escape_text(const char *s, size_t len, size_t *out_len)
{
    char *r = malloc(len * 2 + 1);
    size_t i, o = 0;

    if (r == NULL)
        return NULL;
    for (i = 0; i < len; i++) {
        switch (s[i]) {
        case '\\':
        case ';':
        case ',':
            r[o++] = '\\';
            r[o++] = s[i];
            break;
        case '\r':
            if (i + 1 < len && s[i + 1] == '\n')
                break;
            /* fall through */
        case '\n':
            r[o++] = '\\';
            r[o++] = 'n';
            break;
        default:
            r[o++] = s[i];
        }
    }
    r[o] = '\0';
    *out_len = o;
    return r;
}

char *cst_ical_unescape_text(const char *s, size_t len, size_t *out_len)
{
    size_t i, o = 0;
    char *r = malloc(len + 1);

    if (r == NULL)
        return NULL;
    for (i = 0; i < len; i++) {
        if (s[i] == '\\' && i + 1 < len) {
            i++;
            r[o++] = (s[i] == 'n' || s[i] == 'N') ? '\n' : s[i];
        } else {
            r[o++] = s[i];
        }
    }
    r[o] = '\0';
    *out_len = o;
    return r;
}
