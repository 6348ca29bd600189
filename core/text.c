/*
 * text.c -- small text helpers shared by the meeting-text parsers.
 */
#include "text.h"

#include <stdlib.h>
#include <string.h>

void cst_lines_init(cst_lines *it, const char *s, size_t len)
{
    it->p = s;
    it->end = s + len;
    it->lineno = 0;
}

int cst_lines_next(cst_lines *it, const char **line, size_t *len)
{
    const char *q;

    if (it->p == NULL || it->p >= it->end)
        return 0;
    q = it->p;
    while (q < it->end && *q != '\n' && *q != '\r')
        q++;
    *line = it->p;
    *len = (size_t)(q - it->p);
    if (q < it->end && *q == '\r')
        q++;
    if (q < it->end && *q == '\n' && (q == it->p || q[-1] != '\n'))
        q++;
    it->p = q;
    it->lineno++;
    return 1;
}

size_t cst_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t c;
    size_t n, i;

    if (len == 0)
        return 0;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    if (u[0] >= 0xC2 && u[0] <= 0xDF) {
        n = 2;
        c = u[0] & 0x1F;
    } else if (u[0] >= 0xE0 && u[0] <= 0xEF) {
        n = 3;
        c = u[0] & 0x0F;
    } else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
        n = 4;
        c = u[0] & 0x07;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (u[i] & 0x3F);
    }
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF))
        || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

int cst_utf8_valid(const char *s, size_t len)
{
    size_t i = 0, n;
    uint32_t cp;
    uint64_t w;

    while (i < len) {
        /* ASCII runs, a word at a time: most of an iCalendar object */
        while (i + 8 <= len) {
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        while (i < len && (unsigned char)s[i] < 0x80)
            i++;
        if (i >= len)
            break;
        n = cst_utf8_decode(s + i, len - i, &cp);
        if (n == 0)
            return 0;
        i += n;
    }
    return 1;
}

size_t cst_text_fold(const char *in, size_t len, char *out)
{
    size_t i = 0, o = 0, n;
    uint32_t cp;

    while (i < len) {
        n = cst_utf8_decode(in + i, len - i, &cp);
        if (n == 0) {
            out[o++] = '?';
            i++;
            continue;
        }
        if (cp >= 0xFF01 && cp <= 0xFF5E) {
            out[o++] = (char)(cp - 0xFF01 + 0x21);
        } else if (cp == 0x3000 || cp == 0xA0) {
            out[o++] = ' ';
        } else {
            memcpy(out + o, in + i, n);
            o += n;
        }
        i += n;
    }
    out[o] = '\0';
    return o;
}

/* Returns the byte length of a white-space character at s, or 0. */
static size_t space_at(const char *s, size_t len)
{
    uint32_t cp;
    size_t n;

    if (len == 0)
        return 0;
    if (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n'
        || s[0] == '\v' || s[0] == '\f')
        return 1;
    n = cst_utf8_decode(s, len, &cp);
    if (n > 0 && (cp == 0x3000 || cp == 0xA0 || cp == 0x200B || cp == 0xFEFF))
        return n;
    return 0;
}

/* Returns the byte length of a white-space character ending at s + len. */
static size_t space_before(const char *s, size_t len)
{
    size_t k;

    if (len == 0)
        return 0;
    if (strchr(" \t\r\n\v\f", s[len - 1]) != NULL && s[len - 1] != '\0')
        return 1;
    for (k = 2; k <= 3 && k <= len; k++) {
        if (space_at(s + len - k, k) == k)
            return k;
    }
    return 0;
}

const char *cst_trim(const char *s, size_t len, size_t *out_len)
{
    size_t n;

    while ((n = space_at(s, len)) > 0) {
        s += n;
        len -= n;
    }
    while ((n = space_before(s, len)) > 0)
        len -= n;
    *out_len = len;
    return s;
}

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

int cst_eq_ci(const char *s, size_t len, const char *word)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (word[i] == '\0' || lower((unsigned char)s[i]) != lower((unsigned char)word[i]))
            return 0;
    }
    return word[len] == '\0';
}

size_t cst_prefix_ci(const char *s, size_t len, const char *prefix)
{
    size_t i;

    for (i = 0; prefix[i] != '\0'; i++) {
        if (i >= len || lower((unsigned char)s[i]) != lower((unsigned char)prefix[i]))
            return 0;
    }
    return i;
}

size_t cst_find_ci(const char *s, size_t len, const char *needle)
{
    size_t i, nl = strlen(needle);

    if (nl == 0)
        return 0;
    for (i = 0; i + nl <= len; i++) {
        if (cst_prefix_ci(s + i, len - i, needle) == nl)
            return i;
    }
    return (size_t)-1;
}

static size_t spaces_after(const char *s, size_t len, size_t at, int need)
{
    size_t n, k = at;

    while ((n = space_at(s + k, len - k)) > 0)
        k += n;
    if (need && k == at && at < len)
        return 0;
    return k;
}

size_t cst_list_marker(const char *s, size_t len)
{
    size_t i = 0, n;
    uint32_t cp;

    if (len == 0)
        return 0;
    /* bullets */
    n = cst_utf8_decode(s, len, &cp);
    if (n > 0 && (cp == '-' || cp == '*' || cp == '+' || cp == 0x2022
                  || cp == 0x00B7 || cp == 0x25CF || cp == 0x25E6
                  || cp == 0x2013 || cp == 0x2023)) {
        /* "-" must be followed by white space ("-5" is no marker, nor
         * "**bold**"); the typographic bullets need none ("•议题") */
        return spaces_after(s, len, n,
                            cp == '-' || cp == '*' || cp == '+'
                                || cp == 0x2013);
    }
    /* circled numbers U+2460..U+2473 */
    if (n > 0 && cp >= 0x2460 && cp <= 0x2473)
        return spaces_after(s, len, n, 0);
    /* (1) or full-width （1） */
    if (s[0] == '(' || (n == 3 && cp == 0xFF08)) {
        i = (s[0] == '(') ? 1 : 3;
        if (i >= len || s[i] < '0' || s[i] > '9')
            return 0;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i < len && s[i] == ')')
            return spaces_after(s, len, i + 1, 0);
        n = cst_utf8_decode(s + i, len - i, &cp);
        if (n == 3 && cp == 0xFF09)
            return spaces_after(s, len, i + 3, 0);
        return 0;
    }
    /* 1. 1) 1、 a. a) */
    if (s[0] >= '0' && s[0] <= '9') {
        while (i < len && i < 4 && s[i] >= '0' && s[i] <= '9')
            i++;
    } else if ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')) {
        i = 1;
    } else {
        return 0;
    }
    if (i >= len)
        return 0;
    if (s[i] == '.' || s[i] == ')') {
        /* "1.5 h" is a duration, not a marker */
        if (i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '9')
            return 0;
        /* a lone letter needs white space after it: "a.m." is no marker */
        return spaces_after(s, len, i + 1, s[0] > '9');
    }
    n = cst_utf8_decode(s + i, len - i, &cp);
    if (n > 0 && (cp == 0x3001 || cp == 0xFF0E || cp == 0xFF09 || cp == 0xFF0C))
        return spaces_after(s, len, i + n, 0);
    return 0;
}

char *cst_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);

    if (p == NULL)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *cst_addr_norm(const char *a)
{
    size_t len, i;
    const char *s;
    char *r;

    if (a == NULL)
        return NULL;
    s = cst_trim(a, strlen(a), &len);
    if (cst_prefix_ci(s, len, "mailto:") > 0) {
        s += 7;
        len -= 7;
    }
    r = cst_strndup(s, len);
    for (i = 0; r != NULL && i < len; i++) {
        if (r[i] >= 'A' && r[i] <= 'Z')
            r[i] = (char)(r[i] + ('a' - 'A'));
    }
    return r;
}
