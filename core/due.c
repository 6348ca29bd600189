/*
 * due.c -- due dates as people write them in minutes (spec section 2).
 *
 * One prefix matcher, match_due(), reads a date (and an optional time of
 * day) at the start of a string and returns how many bytes it used.
 * cst_due_parse() wants it to use the whole (trimmed) field;
 * cst_due_find() tries it at every word start of a longer text.
 *
 * Full-width digits are not read, but the full-width punctuation that
 * Chinese input methods produce (：，／－（）) is, so that callers need not
 * fold first.
 */
#include "due.h"
#include "text.h"
#include "util.h"

#include <string.h>

/* Years we accept at all, and how far ahead a date without a year may be
 * looked for (Feb 29 needs up to 8 years across a century). */
#define MIN_YEAR 1900
#define MAX_YEAR 2999
#define MAX_YEARS_AHEAD 8

/* Bytes of one due date we look at in a parse; longer fields are no date. */
#define MAX_DUE_BYTES 256u

/* resolve()'s day for "the end of the month" (6月底) */
#define LAST_DAY (-1)

enum { WHEN_PLAIN, WHEN_NEXT, WHEN_THIS };

/* ---- calendar arithmetic (proleptic Gregorian, days since 1970) ---- */

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (m < 1 || m > 12)
        return 0;
    if (m == 2 && is_leap(y))
        return 29;
    return dim[m - 1];
}

int cst_date_weekday(int year, int month, int day)
{
    long z = cst_days_from_civil(year, month, day);

    /* 1970-01-01 was a Thursday */
    return (int)(((z % 7) + 7 + 4) % 7);
}

void cst_date_add_days(cst_date *d, int days)
{
    long z = cst_days_from_civil(d->year, d->month, d->day) + days;

    cst_civil_from_days(z, &d->year, &d->month, &d->day);
}

static int date_cmp(int y1, int m1, int d1, const cst_date *b)
{
    if (y1 != b->year)
        return y1 < b->year ? -1 : 1;
    if (m1 != b->month)
        return m1 < b->month ? -1 : 1;
    if (d1 != b->day)
        return d1 < b->day ? -1 : 1;
    return 0;
}

static int ref_ok(const cst_date *ref)
{
    return ref != NULL && ref->year >= MIN_YEAR && ref->year <= MAX_YEAR &&
           ref->day >= 1 && ref->day <= days_in_month(ref->year, ref->month);
}

/*
 * Sets *out to month m, day d of year y; y == 0 means the first such date
 * on or after ref.  d == LAST_DAY means the month's last day.  Returns 1,
 * or 0 when there is no such date.
 */
static int resolve(const cst_date *ref, int y, int m, int d, cst_date *out)
{
    int k, dd;

    if (m < 1 || m > 12 || d == 0 || d < LAST_DAY || d > 31)
        return 0;
    if (y != 0) {
        if (y < MIN_YEAR || y > MAX_YEAR)
            return 0;
        dd = d == LAST_DAY ? days_in_month(y, m) : d;
        if (dd > days_in_month(y, m))
            return 0;
        out->year = y;
        out->month = m;
        out->day = dd;
        return 1;
    }
    if (!ref_ok(ref))
        return 0;
    for (k = 0; k <= MAX_YEARS_AHEAD; k++) {
        y = ref->year + k;
        dd = d == LAST_DAY ? days_in_month(y, m) : d;
        if (dd > days_in_month(y, m) || date_cmp(y, m, dd, ref) < 0)
            continue;
        out->year = y;
        out->month = m;
        out->day = dd;
        return 1;
    }
    return 0;
}

/* ---- small matchers: each returns the bytes matched, or 0 ---- */

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_alnum(int c)
{
    return is_digit(c) || is_alpha(c);
}

/* An exact byte prefix (for CJK words). */
static size_t lit(const char *s, size_t len, const char *w)
{
    size_t n = strlen(w);

    return (len >= n && memcmp(s, w, n) == 0) ? n : 0;
}

/* An ASCII word, case-insensitively, not followed by a letter. */
static size_t word(const char *s, size_t len, const char *w)
{
    size_t n = cst_prefix_ci(s, len, w);

    if (n == 0 || (n < len && is_alpha((unsigned char)s[n])))
        return 0;
    return n;
}

/* ASCII punctuation c or its full-width form (U+FF01..U+FF5E). */
static size_t punct(const char *s, size_t len, char c)
{
    unsigned int fw = 0xFF00u + (unsigned int)(c - 0x20);

    if (len >= 1 && s[0] == c)
        return 1;
    if (len >= 3 && (unsigned char)s[0] == 0xEF &&
        (unsigned char)s[1] == (0x80 | ((fw >> 6) & 0x3F)) &&
        (unsigned char)s[2] == (0x80 | (fw & 0x3F)))
        return 3;
    return 0;
}

/* White space: ASCII blanks, U+3000, U+00A0. */
static size_t spaces(const char *s, size_t len)
{
    size_t i = 0;

    for (;;) {
        if (i < len && (s[i] == ' ' || s[i] == '\t'))
            i++;
        else if (lit(s + i, len - i, "\xe3\x80\x80"))
            i += 3;
        else if (lit(s + i, len - i, "\xc2\xa0"))
            i += 2;
        else
            return i;
    }
}

/* 1..maxd digits, not followed by another digit. */
static size_t digits(const char *s, size_t len, size_t maxd, int *val)
{
    size_t i = 0;
    int v = 0;

    while (i < len && is_digit((unsigned char)s[i])) {
        if (i == maxd)
            return 0;
        v = v * 10 + (s[i] - '0');
        i++;
    }
    if (i > 0)
        *val = v;
    return i;
}

/* "st" "nd" "rd" "th" after a day number. */
static size_t ordinal(const char *s, size_t len)
{
    static const char *const suf[] = {"st", "nd", "rd", "th"};
    size_t k, n;

    for (k = 0; k < sizeof(suf) / sizeof(suf[0]); k++) {
        n = word(s, len, suf[k]);
        if (n > 0)
            return n;
    }
    return 0;
}

static size_t month_name(const char *s, size_t len, int *month)
{
    /* longest spellings first */
    static const struct {
        const char *name;
        int month;
    } names[] = {
        {"january", 1},   {"february", 2}, {"march", 3},     {"april", 4},
        {"may", 5},       {"june", 6},     {"july", 7},      {"august", 8},
        {"september", 9}, {"october", 10}, {"november", 11}, {"december", 12},
        {"sept", 9},      {"jan", 1},      {"feb", 2},       {"mar", 3},
        {"apr", 4},       {"jun", 6},      {"jul", 7},       {"aug", 8},
        {"sep", 9},       {"oct", 10},     {"nov", 11},      {"dec", 12},
    };
    size_t k, n;

    for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        n = word(s, len, names[k].name);
        if (n > 0) {
            *month = names[k].month;
            if (n < len && s[n] == '.' && n <= 4)
                n++;
            return n;
        }
    }
    return 0;
}

/* An English weekday name; *abbrev is set for the short forms. */
static size_t weekday_en(const char *s, size_t len, int *wd, int *abbrev)
{
    static const struct {
        const char *name;
        int wd;
    } names[] = {
        {"sunday", 0},   {"monday", 1}, {"tuesday", 2},  {"wednesday", 3},
        {"thursday", 4}, {"friday", 5}, {"saturday", 6}, {"tues", 2},
        {"thurs", 4},    {"thur", 4},   {"sun", 0},      {"mon", 1},
        {"tue", 2},      {"wed", 3},    {"thu", 4},      {"fri", 5},
        {"sat", 6},
    };
    size_t k, n;

    for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        n = word(s, len, names[k].name);
        if (n > 0) {
            *wd = names[k].wd;
            *abbrev = k >= 7;
            if (*abbrev && n < len && s[n] == '.')
                n++;
            return n;
        }
    }
    return 0;
}

/* The day character after 周 / 星期 / 礼拜: 一..六, 日, 天, 1..7. */
static size_t weekday_zh_day(const char *s, size_t len, int *wd)
{
    static const char *const days[] = {"日", "一", "二", "三",
                                       "四", "五", "六", "天"};
    size_t k, n;

    for (k = 0; k < sizeof(days) / sizeof(days[0]); k++) {
        n = lit(s, len, days[k]);
        if (n > 0) {
            *wd = (int)(k % 7);
            return n;
        }
    }
    if (len >= 1 && s[0] >= '1' && s[0] <= '7' &&
        (len == 1 || !is_digit((unsigned char)s[1]))) {
        *wd = (s[0] - '0') % 7;
        return 1;
    }
    return 0;
}

/* A Chinese weekday with its optional 下/本/这 prefix. */
static size_t weekday_zh(const char *s, size_t len, int *wd, int *when)
{
    static const struct {
        const char *prefix;
        int when;
    } pre[] = {
        {"下个星期", WHEN_NEXT}, {"下个礼拜", WHEN_NEXT},
        {"下星期", WHEN_NEXT},   {"下礼拜", WHEN_NEXT},
        {"下周", WHEN_NEXT},     {"这个星期", WHEN_THIS},
        {"这个礼拜", WHEN_THIS}, {"本星期", WHEN_THIS},
        {"这星期", WHEN_THIS},   {"本周", WHEN_THIS},
        {"这周", WHEN_THIS},     {"星期", WHEN_PLAIN},
        {"礼拜", WHEN_PLAIN},    {"周", WHEN_PLAIN},
    };
    size_t k, n, m;

    for (k = 0; k < sizeof(pre) / sizeof(pre[0]); k++) {
        n = lit(s, len, pre[k].prefix);
        if (n == 0)
            continue;
        m = weekday_zh_day(s + n, len - n, wd);
        if (m == 0)
            return 0;
        /* "每周一次", "一周一次" are frequencies, not dates */
        if (lit(s + n + m, len - n - m, "次"))
            return 0;
        *when = pre[k].when;
        return n + m;
    }
    return 0;
}

/* Sets *out to weekday wd counted from ref as `when` says. */
static int weekday_date(const cst_date *ref, int wd, int when, cst_date *out)
{
    int r, delta;

    if (!ref_ok(ref))
        return 0;
    r = cst_date_weekday(ref->year, ref->month, ref->day);
    if (when == WHEN_NEXT) {
        /* Monday-first weeks: Monday of ref's week + 7 + index of wd */
        delta = -((r + 6) % 7) + 7 + (wd + 6) % 7;
    } else {
        delta = -((r + 6) % 7) + (wd + 6) % 7;
        if (when != WHEN_THIS || delta < 0) {
            delta = (wd - r + 7) % 7;
            if (delta == 0)
                delta = 7;
        }
    }
    out->year = ref->year;
    out->month = ref->month;
    out->day = ref->day;
    cst_date_add_days(out, delta);
    return 1;
}

/* An optional weekday in brackets after a date: "6月30日（周五）",
 * "June 30 (Fri)"; it is read and ignored. */
static size_t weekday_note(const char *s, size_t len)
{
    size_t i, n, open;
    int wd, when, abbrev;

    i = spaces(s, len);
    open = punct(s + i, len - i, '(');
    i += open;
    n = weekday_zh(s + i, len - i, &wd, &when);
    if (n > 0 && when != WHEN_PLAIN)
        return 0;
    if (n == 0 && open > 0)
        n = weekday_en(s + i, len - i, &wd, &abbrev);
    if (n == 0)
        return 0;
    i += n;
    if (open > 0) {
        n = punct(s + i, len - i, ')');
        if (n == 0)
            return 0;
        i += n;
    }
    return i;
}

/* ", 2023" or " 2023" after "June 30"; not "June 30 18:00". */
static size_t year_after(const char *s, size_t len, int *year)
{
    size_t i = 0, n;

    i += punct(s, len, ',');
    i += spaces(s + i, len - i);
    if (i == 0)
        return 0;
    n = digits(s + i, len - i, 4, year);
    if (n != 4)
        return 0;
    if (punct(s + i + n, len - i - n, ':') > 0)
        return 0;
    return i + n;
}

/* Dates that start with a digit. */
static size_t numeric_date(const char *s, size_t len, const cst_date *ref,
                           cst_date *out)
{
    size_t i, n, sep, sep2;
    int a, b, c, y = 0, m, d;

    i = digits(s, len, 4, &a);
    if (i == 0 || i == 3)
        return 0;
    if (i == 4) {
        /* 2023-06-30, 2023/6/30, 2023.6.30, 2023年6月30日 */
        y = a;
        if ((n = lit(s + i, len - i, "年")) > 0) {
            i += n;
            n = digits(s + i, len - i, 2, &m);
            if (n == 0 || !lit(s + i + n, len - i - n, "月"))
                return 0;
            i += n + strlen("月");
            goto zh_day;
        }
        sep = punct(s + i, len - i, '-');
        if (sep == 0)
            sep = punct(s + i, len - i, '/');
        if (sep == 0 && i < len && s[i] == '.')
            sep = 1;
        if (sep == 0)
            return 0;
        n = digits(s + i + sep, len - i - sep, 2, &m);
        if (n == 0)
            return 0;
        i += sep + n;
        if (i + sep > len || memcmp(s + i, s + i - n - sep, sep) != 0)
            return 0;
        n = digits(s + i + sep, len - i - sep, 2, &d);
        if (n == 0)
            return 0;
        i += sep + n;
        return resolve(ref, y, m, d, out) ? i : 0;
    }
    /* 6月30日, 6月30号, 6月底 */
    if ((n = lit(s + i, len - i, "月")) > 0) {
        m = a;
        i += n;
        goto zh_day;
    }
    /* 6/30, 06-30, 6/30/2023; 30/6 when the first number is no month */
    sep = punct(s + i, len - i, '/');
    if (sep == 0)
        sep = punct(s + i, len - i, '-');
    if (sep > 0) {
        n = digits(s + i + sep, len - i - sep, 2, &b);
        if (n == 0)
            return 0;
        i += sep + n;
        sep2 = 0;
        if (i + sep <= len && memcmp(s + i, s + i - n - sep, sep) == 0) {
            sep2 = sep;
            n = digits(s + i + sep2, len - i - sep2, 4, &c);
            if (n != 4)
                return 0;
            y = c;
            i += sep2 + n;
        }
        if (a >= 1 && a <= 12)
            return resolve(ref, y, a, b, out) ? i : 0;
        if (b >= 1 && b <= 12)
            return resolve(ref, y, b, a, out) ? i : 0;
        return 0;
    }
    /* 30 June, 30th June, 30th of June [2023] */
    d = a;
    i += ordinal(s + i, len - i);
    n = spaces(s + i, len - i);
    i += n;
    if ((n = word(s + i, len - i, "of")) > 0) {
        i += n;
        n = spaces(s + i, len - i);
        if (n == 0)
            return 0;
        i += n;
    }
    n = month_name(s + i, len - i, &m);
    if (n == 0 || d == 0)
        return 0;
    i += n;
    n = year_after(s + i, len - i, &y);
    i += n;
    if (n == 0)
        y = 0;
    return resolve(ref, y, m, d, out) ? i : 0;

zh_day:
    if ((n = lit(s + i, len - i, "底")) > 0) {
        i += n;
        return resolve(ref, y, m, LAST_DAY, out) ? i : 0;
    }
    n = digits(s + i, len - i, 2, &d);
    if (n == 0 || d == 0)
        return 0;
    i += n;
    if ((n = lit(s + i, len - i, "日")) > 0 ||
        (n = lit(s + i, len - i, "号")) > 0)
        i += n;
    return resolve(ref, y, m, d, out) ? i : 0;
}

/* June 30, Jun 30th, June 30, 2023. */
static size_t month_first_date(const char *s, size_t len, const cst_date *ref,
                               cst_date *out)
{
    size_t i, n;
    int m, d, y = 0;

    i = month_name(s, len, &m);
    if (i == 0)
        return 0;
    i += spaces(s + i, len - i);
    n = digits(s + i, len - i, 2, &d);
    if (n == 0 || d == 0)
        return 0;
    i += n;
    i += ordinal(s + i, len - i);
    n = year_after(s + i, len - i, &y);
    i += n;
    if (n == 0)
        y = 0;
    return resolve(ref, y, m, d, out) ? i : 0;
}

/* today, tomorrow, the day after tomorrow, 今天, 明天, 后天, 大后天. */
static size_t relative_date(const char *s, size_t len, const cst_date *ref,
                            cst_date *out)
{
    static const struct {
        const char *w;
        int ascii;
        int days;
    } rel[] = {
        {"the day after tomorrow", 1, 2},
        {"day after tomorrow", 1, 2},
        {"tomorrow", 1, 1},
        {"today", 1, 0},
        {"大后天", 0, 3},
        {"后天", 0, 2},
        {"明天", 0, 1},
        {"明日", 0, 1},
        {"次日", 0, 1},
        {"今天", 0, 0},
        {"今日", 0, 0},
        {"当天", 0, 0},
    };
    size_t k, n;

    for (k = 0; k < sizeof(rel) / sizeof(rel[0]); k++) {
        n = rel[k].ascii ? word(s, len, rel[k].w) : lit(s, len, rel[k].w);
        if (n == 0)
            continue;
        if (!ref_ok(ref))
            return 0;
        out->year = ref->year;
        out->month = ref->month;
        out->day = ref->day;
        cst_date_add_days(out, rel[k].days);
        return n;
    }
    return 0;
}

/* Friday, Fri, next Friday, this Friday, 周五, 下周五, 本周五. */
static size_t weekday_word(const char *s, size_t len, const cst_date *ref,
                           int strict, cst_date *out)
{
    size_t i = 0, n;
    int wd, when = WHEN_PLAIN, abbrev = 0;

    n = weekday_zh(s, len, &wd, &when);
    if (n == 0) {
        if ((i = word(s, len, "next")) > 0)
            when = WHEN_NEXT;
        else if ((i = word(s, len, "this")) > 0)
            when = WHEN_THIS;
        if (i > 0) {
            n = spaces(s + i, len - i);
            if (n == 0)
                return 0;
            i += n;
        }
        n = weekday_en(s + i, len - i, &wd, &abbrev);
        if (n == 0)
            return 0;
        /* in running text "Sun Qi", "Sat down" are no dates */
        if (strict && abbrev && when == WHEN_PLAIN)
            return 0;
    }
    return weekday_date(ref, wd, when, out) ? i + n : 0;
}

static size_t match_date(const char *s, size_t len, const cst_date *ref,
                         int strict, cst_date *out)
{
    size_t n;

    if (len == 0)
        return 0;
    if (is_digit((unsigned char)s[0])) {
        n = numeric_date(s, len, ref, out);
        return n > 0 ? n + weekday_note(s + n, len - n) : 0;
    }
    n = month_first_date(s, len, ref, out);
    if (n > 0)
        return n + weekday_note(s + n, len - n);
    n = relative_date(s, len, ref, out);
    if (n > 0)
        return n;
    return weekday_word(s, len, ref, strict, out);
}

/* am / pm / a.m. / p.m.: returns bytes and sets *pm (0 am, 1 pm). */
static size_t ampm(const char *s, size_t len, int *pm)
{
    size_t n;

    if ((n = word(s, len, "am")) > 0 || (n = word(s, len, "a.m.")) > 0) {
        *pm = 0;
        return n;
    }
    if ((n = word(s, len, "pm")) > 0 || (n = word(s, len, "p.m.")) > 0) {
        *pm = 1;
        return n;
    }
    return 0;
}

/* 18:00, 6pm, 6:30 pm, 18点, 18点半, 6点30分, 下午6点, 晚上8:00. */
static size_t match_time(const char *s, size_t len, int *hour, int *minute)
{
    static const struct {
        const char *w;
        int period; /* 1 am, 2 pm, 3 noon */
    } periods[] = {
        {"上午", 1}, {"早上", 1}, {"早晨", 1}, {"凌晨", 1},
        {"中午", 3}, {"下午", 2}, {"傍晚", 2}, {"晚上", 2},
    };
    size_t i = 0, k, n;
    int h, m = 0, period = 0, pm, zh = 0;

    for (k = 0; k < sizeof(periods) / sizeof(periods[0]); k++) {
        n = lit(s, len, periods[k].w);
        if (n > 0) {
            period = periods[k].period;
            i = n;
            break;
        }
    }
    n = digits(s + i, len - i, 2, &h);
    if (n == 0)
        return 0;
    i += n;
    if ((n = punct(s + i, len - i, ':')) > 0) {
        i += n;
        n = digits(s + i, len - i, 2, &m);
        if (n != 2)
            return 0;
        i += n;
    } else if ((n = lit(s + i, len - i, "点")) > 0 ||
               (n = lit(s + i, len - i, "时")) > 0) {
        i += n;
        zh = 1;
        if ((n = lit(s + i, len - i, "半")) > 0) {
            m = 30;
            i += n;
        } else if ((n = digits(s + i, len - i, 2, &m)) > 0) {
            i += n;
            if ((n = lit(s + i, len - i, "分")) > 0)
                i += n;
        } else if ((n = lit(s + i, len - i, "整")) > 0) {
            i += n;
        }
    } else if (period == 0) {
        n = spaces(s + i, len - i);
        k = ampm(s + i + n, len - i - n, &pm);
        if (k == 0)
            return 0;
        i += n + k;
        if (h < 1 || h > 12)
            return 0;
        h = pm ? (h % 12) + 12 : h % 12;
        goto check;
    } else {
        return 0;
    }
    if (period == 0 && !zh) {
        n = spaces(s + i, len - i);
        k = ampm(s + i + n, len - i - n, &pm);
        if (k > 0) {
            if (h < 1 || h > 12)
                return 0;
            h = pm ? (h % 12) + 12 : h % 12;
            i += n + k;
        }
    }
    if (period == 2 && h < 12)
        h += 12;
    else if (period == 3 && h >= 1 && h <= 3)
        h += 12;
    else if (period == 1 && h == 12)
        h = 0;
check:
    if (h < 0 || h > 23 || m < 0 || m > 59)
        return 0;
    *hour = h;
    *minute = m;
    return i;
}

/* Between a date and its time: blanks, a comma, "T", "at". */
static size_t time_sep(const char *s, size_t len)
{
    size_t i = 0, n;

    if (len > 0 && s[0] == 'T')
        return 1;
    i += punct(s, len, ',');
    i += spaces(s + i, len - i);
    if ((n = word(s + i, len - i, "at")) > 0) {
        i += n;
        i += spaces(s + i, len - i);
    }
    return i;
}

/* Reads a date with an optional time at the start of s; 0 for none. */
static size_t match_due(const char *s, size_t len, const cst_date *ref,
                        int strict, cst_date *out)
{
    cst_date d;
    size_t n, k, t;
    int h, m;

    memset(&d, 0, sizeof(d));
    n = match_date(s, len, ref, strict, &d);
    if (n > 0) {
        k = n + time_sep(s + n, len - n);
        t = match_time(s + k, len - k, &h, &m);
        if (t > 0) {
            n = k + t;
            d.has_time = 1;
            d.hour = h;
            d.minute = m;
        }
    } else {
        /* "18:00 Friday", "6pm tomorrow" */
        t = match_time(s, len, &h, &m);
        if (t == 0)
            return 0;
        k = t + spaces(s + t, len - t);
        if (k == t && k < len && is_alnum((unsigned char)s[k]))
            return 0;
        if ((n = word(s + k, len - k, "on")) > 0)
            k += n + spaces(s + k + n, len - k - n);
        n = match_date(s + k, len - k, ref, strict, &d);
        if (n == 0)
            return 0;
        n += k;
        d.has_time = 1;
        d.hour = h;
        d.minute = m;
    }
    if (n < len && is_alnum((unsigned char)s[n]))
        return 0;
    *out = d;
    return n;
}

/* Words around a due date that we allow and ignore. */
static const char *const lead_words[] = {
    "no later than", "before", "until", "till", "due", "by", "on",
};
static const char *const lead_zh[] = {
    "截止到", "截止至", "截止", "截至", "最晚", "最迟", "在", "于",
};
static const char *const trail_zh[] = {
    "之前", "以前", "为止", "前", "截止",
};
static const char *const trail_en[] = {"before", "by"};

/* The length of a trailing 前 / 之前 / 以前 / 为止 at s, or 0. */
static size_t trailing_zh(const char *s, size_t len)
{
    size_t k, n;

    for (k = 0; k < sizeof(trail_zh) / sizeof(trail_zh[0]); k++) {
        n = lit(s, len, trail_zh[k]);
        if (n > 0)
            return n;
    }
    return 0;
}

int cst_due_parse(const char *s, size_t len, const cst_date *ref, cst_date *out)
{
    size_t k, n, w, again;
    cst_date d;

    if (s == NULL || out == NULL)
        return 0;
    s = cst_trim(s, len, &len);
    if (len == 0 || len > MAX_DUE_BYTES)
        return 0;
    do {
        again = 0;
        for (k = 0; k < sizeof(lead_words) / sizeof(lead_words[0]); k++) {
            n = word(s, len, lead_words[k]);
            if (n > 0 && n < len && (w = spaces(s + n, len - n)) > 0) {
                s += n + w;
                len -= n + w;
                again = 1;
            } else if (n > 0 && n < len && s[n] == ':') {
                s = cst_trim(s + n + 1, len - n - 1, &len);
                again = 1;
            }
        }
        for (k = 0; k < sizeof(lead_zh) / sizeof(lead_zh[0]); k++) {
            n = lit(s, len, lead_zh[k]);
            if (n > 0 && n < len) {
                s = cst_trim(s + n, len - n, &len);
                n = punct(s, len, ':');
                if (n > 0)
                    s = cst_trim(s + n, len - n, &len);
                again = 1;
                break;
            }
        }
    } while (again && len > 0);
    for (k = 0; k < sizeof(trail_zh) / sizeof(trail_zh[0]); k++) {
        n = strlen(trail_zh[k]);
        if (len > n && memcmp(s + len - n, trail_zh[k], n) == 0) {
            s = cst_trim(s, len - n, &len);
            break;
        }
    }
    for (k = 0; k < sizeof(trail_en) / sizeof(trail_en[0]); k++) {
        n = strlen(trail_en[k]);
        if (len > n + 1 && cst_eq_ci(s + len - n, n, trail_en[k]) &&
            (s[len - n - 1] == ' ' || s[len - n - 1] == '\t')) {
            s = cst_trim(s, len - n, &len);
            break;
        }
    }
    if (len == 0)
        return 0;
    n = match_due(s, len, ref, 0, &d);
    if (n == 0 || n != len)
        return 0;
    *out = d;
    return 1;
}

/* Returns 1 when s[0..i) ends in a word that makes a weekday at s + i no
 * due date: 上周五 (last week), 每周五 (every week), "last Friday". */
static int bad_before(const char *s, size_t i)
{
    static const char *const zh[] = {"上", "每", "个"};
    static const char *const en[] = {"last ", "every ", "each "};
    size_t k, n;

    for (k = 0; k < sizeof(zh) / sizeof(zh[0]); k++) {
        n = strlen(zh[k]);
        if (i >= n && memcmp(s + i - n, zh[k], n) == 0)
            return 1;
    }
    for (k = 0; k < sizeof(en) / sizeof(en[0]); k++) {
        n = strlen(en[k]);
        if (i >= n && cst_eq_ci(s + i - n, n, en[k]))
            return 1;
    }
    return 0;
}

int cst_due_find(const char *s, size_t len, const cst_date *ref, size_t *off,
                 size_t *dlen, cst_date *out)
{
    size_t i, n;
    cst_date d;
    unsigned char c;

    if (s == NULL)
        return 0;
    for (i = 0; i < len; i++) {
        c = (unsigned char)s[i];
        if ((c & 0xC0) == 0x80)
            continue;
        if (i > 0 && is_alnum(c) && is_alnum((unsigned char)s[i - 1]))
            continue;
        if (!is_alnum(c) && c < 0x80)
            continue;
        n = match_due(s + i, len - i, ref, 1, &d);
        if (n == 0)
            continue;
        if (!is_digit(c) && bad_before(s, i))
            continue;
        n += trailing_zh(s + i + n, len - i - n);
        if (off != NULL)
            *off = i;
        if (dlen != NULL)
            *dlen = n;
        if (out != NULL)
            *out = d;
        return 1;
    }
    return 0;
}
