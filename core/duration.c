/*
 * duration.c -- meeting-text durations (spec section 2).
 *
 * Values are computed in thousandths of a minute with saturating
 * arithmetic, so no input can overflow; the result is rounded half up
 * and capped at MAX_MINUTES.
 *
 * The scanner reads the original bytes (full-width digits and '．' are
 * understood as they stand) so that cst_duration_find() can report
 * offsets into the caller's text.
 */
#include "duration.h"
#include "text.h"

#include <string.h>

#define MAX_MINUTES (24 * 60 * 7)
/* Any number beyond this is saturated; far past MAX_MINUTES in hours. */
#define MAX_MILLI (1000000LL * 1000LL)
/* cst_duration_parse() looks at no more than this many bytes. */
#define MAX_DURATION_TEXT 256

enum unit_kind { U_HOUR, U_MIN, U_HALF_HOUR_MORE };

typedef struct unit {
    const char *word;
    enum unit_kind kind;
    int ascii;  /* ASCII word: must not run into a letter or digit */
    int cn_num; /* may follow a Chinese numeral ("十分钟") */
} unit;

/* Longest first. */
static const unit units[] = {
    {"minutes", U_MIN, 1, 0},
    {"minute", U_MIN, 1, 0},
    {"mins", U_MIN, 1, 0},
    {"min", U_MIN, 1, 0},
    {"m", U_MIN, 1, 0},
    {"hours", U_HOUR, 1, 0},
    {"hour", U_HOUR, 1, 0},
    {"hrs", U_HOUR, 1, 0},
    {"hr", U_HOUR, 1, 0},
    {"h", U_HOUR, 1, 0},
    {"个半小时", U_HALF_HOUR_MORE, 0, 1},
    {"個半小時", U_HALF_HOUR_MORE, 0, 1},
    {"个半钟头", U_HALF_HOUR_MORE, 0, 1},
    {"个小时", U_HOUR, 0, 1},
    {"個小時", U_HOUR, 0, 1},
    {"个钟头", U_HOUR, 0, 1},
    {"小时", U_HOUR, 0, 1},
    {"小時", U_HOUR, 0, 1},
    {"钟头", U_HOUR, 0, 1},
    {"分钟", U_MIN, 0, 1},
    {"分鐘", U_MIN, 0, 1},
    {"分", U_MIN, 0, 0},
};

#define N_UNITS (sizeof(units) / sizeof(units[0]))

static const char *const cn_nums[] = {
    "零", "一", "二", "三", "四", "五", "六", "七", "八", "九",
};

static int is_alnum(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

static long long sat_add(long long a, long long b)
{
    return (a > MAX_MILLI - b) ? MAX_MILLI : a + b;
}

static long long sat_mul(long long a, long long b)
{
    if (b != 0 && a > MAX_MILLI / b)
        return MAX_MILLI;
    return a * b;
}

/* Returns the value 0..9 of a digit (ASCII or full-width) at s and its
 * byte length in *n, or -1. */
static int digit_at(const char *s, size_t len, size_t *n)
{
    const unsigned char *u = (const unsigned char *)s;

    if (len >= 1 && u[0] >= '0' && u[0] <= '9') {
        *n = 1;
        return u[0] - '0';
    }
    /* U+FF10..U+FF19 = EF BC 90..99 */
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x90 &&
        u[2] <= 0x99) {
        *n = 3;
        return u[2] - 0x90;
    }
    return -1;
}

/* Returns the byte length of a decimal point ('.' or U+FF0E) at s, or 0. */
static size_t point_at(const char *s, size_t len)
{
    if (len >= 1 && s[0] == '.')
        return 1;
    if (len >= 3 && memcmp(s, "\xEF\xBC\x8E", 3) == 0)
        return 3;
    return 0;
}

/* Skips spaces, tabs, U+3000 and U+00A0. */
static size_t skip_ws(const char *s, size_t len, size_t i)
{
    for (;;) {
        if (i < len && (s[i] == ' ' || s[i] == '\t')) {
            i++;
        } else if (i + 3 <= len && memcmp(s + i, "\xE3\x80\x80", 3) == 0) {
            i += 3;
        } else if (i + 2 <= len && memcmp(s + i, "\xC2\xA0", 2) == 0) {
            i += 2;
        } else {
            return i;
        }
    }
}

/*
 * Reads an Arabic number (digits, optional fraction) at s.  Returns its
 * byte length and sets *milli to the value times 1000 (saturated), or 0.
 * *is_int is set when there was no fraction.
 */
static size_t read_number(const char *s, size_t len, long long *milli,
                          int *is_int)
{
    size_t i = 0, n, p;
    long long v = 0, f = 0, scale = 100;
    int d, any = 0;

    for (;;) {
        d = digit_at(s + i, len - i, &n);
        if (d < 0)
            break;
        v = sat_add(sat_mul(v, 10), d);
        i += n;
        any = 1;
    }
    if (!any)
        return 0;
    *is_int = 1;
    p = point_at(s + i, len - i);
    if (p > 0 && digit_at(s + i + p, len - i - p, &n) >= 0) {
        i += p;
        *is_int = 0;
        for (;;) {
            d = digit_at(s + i, len - i, &n);
            if (d < 0)
                break;
            f += d * scale;
            scale /= 10;
            i += n;
        }
    }
    *milli = sat_add(sat_mul(v, 1000), f);
    return i;
}

/* Returns the value of a Chinese digit at s (零..九, 两) and its length. */
static int cn_digit_at(const char *s, size_t len, size_t *n)
{
    size_t k, l;

    for (k = 0; k < sizeof(cn_nums) / sizeof(cn_nums[0]); k++) {
        l = strlen(cn_nums[k]);
        if (l <= len && memcmp(s, cn_nums[k], l) == 0) {
            *n = l;
            return (int)k;
        }
    }
    l = strlen("两");
    if (l <= len && memcmp(s, "两", l) == 0) {
        *n = l;
        return 2;
    }
    return -1;
}

/*
 * Reads a Chinese number below 100 ("五", "十", "十五", "二十", "四十五",
 * "两") at s.  Returns its length and sets *milli, or 0.
 */
static size_t read_cn_number(const char *s, size_t len, long long *milli)
{
    size_t i = 0, n, tl = strlen("十");
    int d, v;

    d = cn_digit_at(s, len, &n);
    if (d >= 0)
        i += n;
    if (i + tl <= len && memcmp(s + i, "十", tl) == 0) {
        v = (d > 0 ? d : (d == 0 ? -1 : 1)) * 10;
        if (v < 0)
            return 0;
        i += tl;
        d = cn_digit_at(s + i, len - i, &n);
        if (d > 0) {
            v += d;
            i += n;
        }
    } else if (d > 0) {
        v = d;
    } else {
        return 0;
    }
    *milli = (long long)v * 1000;
    return i;
}

/* Returns 1 when a CJK ideograph (U+4E00..U+9FFF) starts at s. */
static int cjk_at(const char *s, size_t len)
{
    uint32_t cp;
    size_t n = cst_utf8_decode(s, len, &cp);

    return n > 0 && cp >= 0x4E00 && cp <= 0x9FFF;
}

/*
 * Matches a unit at s + i.  Returns its length and sets *u, or 0.  An
 * ASCII unit must not run into a letter or digit unless allow_digit (the
 * "1h30m" case); a bare "分" must not run into an ideograph ("预算3分配").
 */
static size_t read_unit(const char *s, size_t len, size_t i, int cn_num,
                        int allow_digit, const unit **u)
{
    size_t k, n, e;

    for (k = 0; k < N_UNITS; k++) {
        if (cn_num && !units[k].cn_num)
            continue;
        if (units[k].ascii)
            n = cst_prefix_ci(s + i, len - i, units[k].word);
        else
            n = (strlen(units[k].word) <= len - i &&
                 memcmp(s + i, units[k].word, strlen(units[k].word)) == 0)
                    ? strlen(units[k].word)
                    : 0;
        if (n == 0)
            continue;
        e = i + n;
        if (units[k].ascii && e < len && is_alnum((unsigned char)s[e])) {
            if (!(allow_digit && s[e] >= '0' && s[e] <= '9'))
                continue;
        }
        if (strcmp(units[k].word, "分") == 0 && cjk_at(s + e, len - e))
            continue;
        *u = &units[k];
        return n;
    }
    return 0;
}

/* Returns 1 when position e is a proper end for an ASCII token. */
static int ends_clean(const char *s, size_t len, size_t e)
{
    return e >= len || !is_alnum((unsigned char)s[e]);
}

/* Returns i past a '.' closing an abbreviated ASCII unit ("10 min."). */
static size_t abbrev_dot(const char *s, size_t len, size_t i, const unit *u)
{
    if (u->ascii && strlen(u->word) <= 3 && i < len && s[i] == '.' &&
        ends_clean(s, len, i + 1))
        return i + 1;
    return i;
}

/* "PT1H30M", "PT10M", "PT90S": returns the length and sets *milli. */
static size_t read_iso(const char *s, size_t len, long long *milli)
{
    size_t i, n;
    long long v, total = 0;
    int is_int, any = 0, stage = 0;

    if (cst_prefix_ci(s, len, "pt") != 2)
        return 0;
    i = 2;
    for (;;) {
        n = read_number(s + i, len - i, &v, &is_int);
        if (n == 0 || i + n >= len)
            break;
        switch (s[i + n]) {
        case 'H':
        case 'h':
            if (stage >= 1)
                return 0;
            stage = 1;
            total = sat_add(total, sat_mul(v, 60));
            break;
        case 'M':
        case 'm':
            if (stage >= 2)
                return 0;
            stage = 2;
            total = sat_add(total, v);
            break;
        case 'S':
        case 's':
            if (stage >= 3)
                return 0;
            stage = 3;
            total = sat_add(total, v / 60);
            break;
        default:
            return 0;
        }
        i += n + 1;
        any = 1;
    }
    if (!any || !ends_clean(s, len, i))
        return 0;
    *milli = total;
    return i;
}

/* "半小时", "半个小时", "半個小時", "半个钟头": 30 minutes. */
static size_t read_half_hour(const char *s, size_t len)
{
    static const char *const forms[] = {
        "半个小时", "半個小時", "半个钟头", "半小时", "半小時",
    };
    size_t k, l;

    for (k = 0; k < sizeof(forms) / sizeof(forms[0]); k++) {
        l = strlen(forms[k]);
        if (l <= len && memcmp(s, forms[k], l) == 0)
            return l;
    }
    return 0;
}

/*
 * Scans one duration at the start of s.  Returns its byte length and sets
 * *milli (thousandths of a minute), or 0.
 */
static size_t scan(const char *s, size_t len, long long *milli)
{
    size_t i, n, j, un;
    long long v, v2, total;
    int is_int, is_int2 = 0, cn = 0;
    const unit *u, *u2;

    n = read_iso(s, len, milli);
    if (n > 0)
        return n;
    n = read_half_hour(s, len);
    if (n > 0) {
        *milli = 30 * 1000;
        return n;
    }
    n = read_number(s, len, &v, &is_int);
    if (n == 0) {
        n = read_cn_number(s, len, &v);
        if (n == 0)
            return 0;
        cn = 1;
        is_int = 1;
    }
    i = skip_ws(s, len, n);
    un = read_unit(s, len, i, cn, 1, &u);
    if (un == 0)
        return 0;
    i += un;
    if (u->kind == U_MIN) {
        if (u->ascii && !ends_clean(s, len, i))
            return 0;
        *milli = v;
        return abbrev_dot(s, len, i, u);
    }
    total = sat_mul(v, 60);
    if (u->kind == U_HALF_HOUR_MORE) {
        *milli = sat_add(total, 30 * 1000);
        return i;
    }
    /* hours; minutes may follow: "1h30m", "1h 30 min", "1小时30分钟" */
    j = skip_ws(s, len, i);
    if (cst_prefix_ci(s + j, len - j, "and ") == 4)
        j = skip_ws(s, len, j + 4);
    n = (cn ? read_cn_number(s + j, len - j, &v2)
            : read_number(s + j, len - j, &v2, &is_int2));
    if (n > 0) {
        size_t k = skip_ws(s, len, j + n);

        un = read_unit(s, len, k, cn, 0, &u2);
        if (un > 0 && u2->kind == U_MIN &&
            (!u2->ascii || ends_clean(s, len, k + un))) {
            *milli = sat_add(total, v2);
            return k + un;
        }
        /* "1h30": bare minutes glued to an ASCII hour unit */
        if (!cn && u->ascii && j == i && is_int2 && v2 < 60 * 1000 &&
            ends_clean(s, len, j + n)) {
            *milli = sat_add(total, v2);
            return j + n;
        }
    }
    if (u->ascii && !ends_clean(s, len, i))
        return 0;
    *milli = total;
    return abbrev_dot(s, len, i, u);
}

static int to_minutes(long long milli)
{
    long long m = (milli + 500) / 1000;

    return m > MAX_MINUTES ? MAX_MINUTES : (int)m;
}

int cst_duration_parse(const char *s, size_t len, int *minutes)
{
    char buf[MAX_DURATION_TEXT + 1];
    const char *t;
    size_t fl, tl, n;
    long long milli;

    if (s == NULL || len == 0 || len > MAX_DURATION_TEXT)
        return 0;
    fl = cst_text_fold(s, len, buf);
    t = cst_trim(buf, fl, &tl);
    if (tl == 0)
        return 0;
    n = scan(t, tl, &milli);
    if (n == 0 || n != tl)
        return 0;
    *minutes = to_minutes(milli);
    return 1;
}

/* Returns 1 when a duration may start at s[i]: not inside a word or a
 * number. */
static int may_start(const char *s, size_t len, size_t i)
{
    unsigned char c;
    size_t n;

    if (i == 0)
        return 1;
    c = (unsigned char)s[i - 1];
    if (is_alnum(c) || c == '.' || c == '_')
        return 0;
    if (i < 3)
        return 1;
    /* not in the middle of a full-width number */
    if (digit_at(s + i, len - i, &n) >= 0 && digit_at(s + i - 3, 3, &n) >= 0 &&
        n == 3)
        return 0;
    /* nor in the middle of a Chinese numeral ("二十分钟" from "十") */
    if ((cn_digit_at(s + i, len - i, &n) >= 0 ||
         (len - i >= 3 && memcmp(s + i, "十", 3) == 0)) &&
        (cn_digit_at(s + i - 3, 3, &n) >= 0 || memcmp(s + i - 3, "十", 3) == 0))
        return 0;
    return 1;
}

int cst_duration_find(const char *s, size_t len, size_t *off, size_t *dlen,
                      int *minutes)
{
    size_t i, n;
    long long milli;
    unsigned char c;

    if (s == NULL)
        return 0;
    for (i = 0; i < len; i++) {
        c = (unsigned char)s[i];
        if ((c & 0xC0) == 0x80)
            continue; /* not the start of a character */
        if (!may_start(s, len, i))
            continue;
        n = scan(s + i, len - i, &milli);
        if (n == 0)
            continue;
        *off = i;
        *dlen = n;
        *minutes = to_minutes(milli);
        return 1;
    }
    return 0;
}
