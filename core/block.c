/*
 * block.c -- the block calsteward appends to a description, and the
 * organizer's lines around and inside it.
 *
 * The block is recognised by its markers and by the shape of the lines
 * calsteward writes into it; the shapes are those of both catalogs (en,
 * zh_CN), whatever the policy's language is now, since the language may
 * have changed since the block was written.
 */
#include "block.h"
#include "sections.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

/* Skips spaces at s + i; returns the new index. */
static size_t spaces(const char *s, size_t len, size_t i)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

/* Matches the words of `words` (NULL-terminated) at s + i in order, with
 * spaces and one ':' or '：' allowed between them; returns 1 when all
 * matched. */
static int words_at(const char *s, size_t len, size_t i,
                    const char *const *words)
{
    size_t k, n;

    for (k = 0; words[k] != NULL; k++) {
        i = spaces(s, len, i);
        if (k > 0 && i < len && s[i] == ':') {
            i = spaces(s, len, i + 1);
        } else if (k > 0 && i + 3 <= len
                   && memcmp(s + i, "\xEF\xBC\x9A", 3) == 0) {
            i = spaces(s, len, i + 3);
        }
        n = cst_prefix_ci(s + i, len - i, words[k]);
        if (n == 0)
            return 0;
        i += n;
    }
    return 1;
}

int cst_block_marker(const char *s, size_t len)
{
    static const char *const begin[] = {"calsteward", "generated", NULL};
    static const char *const end[] = {"end", "of", "calsteward", NULL};
    size_t i;

    if (len == 0 || len > 200)
        return 0;
    for (i = 0; i < len; i++) {
        if (s[i] != 'c' && s[i] != 'C' && s[i] != 'e' && s[i] != 'E')
            continue;
        if (words_at(s, len, i, begin))
            return 1;
        if (words_at(s, len, i, end))
            return 2;
    }
    return 0;
}

enum kind {
    K_FOREIGN = 0,
    K_BLANK,
    K_MARK,
    K_OURS,      /* the timetable's heading or one of its lines */
    K_OPEN_HEAD, /* "Open points:" */
    K_ITEM       /* "- ...": an open point when under that heading */
};

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static enum kind kind_of(const char *s, size_t len)
{
    static const char *const tt[] = {"Timetable", "时间表", NULL};
    static const char *const op[] = {"Open points", "待改进", NULL};
    size_t tl, k, n;
    const char *t = cst_trim(s, len, &tl);

    if (tl == 0)
        return K_BLANK;
    if (cst_block_marker(t, tl))
        return K_MARK;
    for (k = 0; tt[k] != NULL; k++) {
        if (cst_prefix_ci(t, tl, tt[k]) > 0)
            return K_OURS;
    }
    for (k = 0; op[k] != NULL; k++) {
        n = cst_prefix_ci(t, tl, op[k]);
        if (n > 0) {
            n = spaces(t, tl, n);
            if (n == tl || t[n] == ':' || cst_prefix_ci(t + n, tl - n,
                                                         "\xEF\xBC\x9A"))
                return K_OPEN_HEAD;
        }
    }
    /* "10:00–10:10  Topic" (en dash, or any dash a client put there) */
    if (tl >= 6 && is_digit(t[0]) && is_digit(t[1]) && t[2] == ':'
        && is_digit(t[3]) && is_digit(t[4])
        && (t[5] == '-' || (tl >= 8 && (unsigned char)t[5] == 0xE2
                            && (unsigned char)t[6] == 0x80)))
        return K_OURS;
    if (t[0] == '-' && (tl == 1 || t[1] == ' '))
        return K_ITEM;
    return K_FOREIGN;
}

/* The marker kind of line l. */
static int marker_of(const cst_tline *l)
{
    size_t tl;
    const char *t = cst_trim(l->text, l->len, &tl);

    return cst_block_marker(t, tl);
}

/* A short line ending in ':' or '：' -- a heading in a catalog we may not
 * know (the policy's language is another). */
static int heading_like(const cst_tline *l)
{
    size_t tl;
    const char *t = cst_trim(l->text, l->len, &tl);

    if (tl == 0 || tl > 80 || cst_sections_is_heading(t, tl))
        return 0; /* the organizer's "Minutes:" is no heading of ours */
    return t[tl - 1] == ':'
           || (tl >= 3 && memcmp(t + tl - 3, "\xEF\xBC\x9A", 3) == 0);
}

/* The kind of line k of a block, where prev is the kind of the line
 * before it: a heading of calsteward's own in any language is a short
 * "...:" line right after the marker or the timetable, followed by a
 * timetable line or an open point. */
static enum kind kind_in_block(const cst_tline *lines, size_t n, size_t k,
                               enum kind prev)
{
    enum kind kd = kind_of(lines[k].text, lines[k].len), next;

    if (kd != K_FOREIGN || !(prev == K_MARK || prev == K_OURS)
        || !heading_like(&lines[k]) || k + 1 >= n)
        return kd;
    next = kind_of(lines[k + 1].text, lines[k + 1].len);
    if (next == K_ITEM)
        return K_OPEN_HEAD;
    if (next == K_OURS)
        return K_OURS;
    return kd;
}

void cst_block_mark(const cst_tline *lines, size_t n, unsigned char *own)
{
    size_t i, j, k, items;
    int open;
    enum kind kd, prev;

    memset(own, 0, n);
    for (i = 0; i < n; i++) {
        int m = marker_of(&lines[i]);

        if (m == 1) {
            for (j = i + 1; j < n; j++) {
                if (marker_of(&lines[j]) == 2)
                    break;
            }
            own[i] = 1;
            open = 0;
            prev = K_MARK;
            for (k = i + 1; k < n && k <= j; k++) {
                kd = kind_in_block(lines, n, k, prev);
                prev = kd;
                if (kd == K_FOREIGN || (kd == K_ITEM && !open)) {
                    if (j == n)
                        break; /* no end marker: the block ends here */
                    open = 0;
                    prev = K_FOREIGN;
                    continue;
                }
                own[k] = 1;
                if (kd == K_OPEN_HEAD)
                    open = 1;
                else if (kd != K_ITEM && kd != K_BLANK)
                    open = 0;
            }
            /* trailing empty lines of a block without its end marker
             * are the organizer's spacing */
            if (j == n)
                while (k > i + 1 && kind_of(lines[k - 1].text,
                                            lines[k - 1].len) == K_BLANK) {
                    own[k - 1] = 0;
                    k--;
                }
            i = (j < n) ? j : k - 1;
        } else if (m == 2) {
            /* an end marker alone: calsteward's lines right above it */
            own[i] = 1;
            k = i;
            while (k > 0 && !own[k - 1]
                   && kind_of(lines[k - 1].text, lines[k - 1].len) == K_BLANK)
                k--;
            items = 0;
            while (k > items && !own[k - 1 - items]
                   && kind_of(lines[k - 1 - items].text,
                              lines[k - 1 - items].len) == K_ITEM)
                items++;
            if (items > 0) {
                if (k > items && !own[k - 1 - items]
                    && kind_of(lines[k - 1 - items].text,
                               lines[k - 1 - items].len) == K_OPEN_HEAD)
                    items++;
                else
                    items = 0; /* "- " lines not under our heading */
            }
            for (j = 0; j < items; j++)
                own[k - 1 - j] = 1;
            k -= items;
            while (k > 0 && !own[k - 1]) {
                kd = kind_of(lines[k - 1].text, lines[k - 1].len);
                if (kd != K_OURS && kd != K_BLANK)
                    break;
                own[k - 1] = 1;
                k--;
            }
        }
    }
}

cst_tline *cst_block_lines(const char *text, size_t len, int escaped,
                           size_t *n)
{
    size_t cap = 16, i = 0, start = 0;
    cst_tline *v = malloc(cap * sizeof(*v)), *nv;

    *n = 0;
    if (v == NULL)
        return NULL;
    if (len == 0)
        return v;
    for (;;) {
        size_t end = i, next;

        if (i >= len) {
            end = next = len;
        } else if (escaped && text[i] == '\\' && i + 1 < len
                   && (text[i + 1] == 'n' || text[i + 1] == 'N')) {
            next = i + 2;
        } else if (escaped && text[i] == '\\' && i + 1 < len) {
            i += 2; /* another escape: not a line end */
            continue;
        } else if (!escaped && text[i] == '\r') {
            next = (i + 1 < len && text[i + 1] == '\n') ? i + 2 : i + 1;
        } else if (!escaped && text[i] == '\n') {
            next = i + 1;
        } else {
            i++;
            continue;
        }
        if (*n == cap) {
            cap *= 2;
            nv = realloc(v, cap * sizeof(*v));
            if (nv == NULL) {
                free(v);
                return NULL;
            }
            v = nv;
        }
        v[*n].start = start;
        v[*n].end = end;
        v[*n].text = text + start;
        v[*n].len = end - start;
        (*n)++;
        if (next >= len)
            break;
        start = i = next;
    }
    return v;
}

char *cst_block_strip(const char *text, size_t len, size_t *out_len)
{
    size_t n = 0, i, o = 0;
    cst_tline *lines = cst_block_lines(text, len, 0, &n);
    unsigned char *own;
    char *out;

    *out_len = 0;
    if (lines == NULL)
        return NULL;
    own = malloc(n + 1);
    out = malloc(len + 1);
    if (own == NULL || out == NULL) {
        free(lines);
        free(own);
        free(out);
        return NULL;
    }
    cst_block_mark(lines, n, own);
    for (i = 0; i < n; i++) {
        if (own[i])
            continue;
        if (o > 0)
            out[o++] = '\n';
        memcpy(out + o, lines[i].text, lines[i].len);
        o += lines[i].len;
    }
    /* trailing empty lines go */
    while (o > 0 && (out[o - 1] == '\n' || out[o - 1] == ' '
                     || out[o - 1] == '\t'))
        o--;
    out[o] = '\0';
    *out_len = o;
    free(lines);
    free(own);
    return out;
}
