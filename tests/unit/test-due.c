/*
 * test-due.c -- due dates as people write them (core/due.h).
 *
 * Cases are tables; every failure message names the table and the case
 * index (as Dovecot's test-http-date.c).
 */
#include "core/due.h"
#include "tests/unit/tap.h"

#include <stdio.h>
#include <string.h>

/* "YYYY-MM-DD" or "YYYY-MM-DD HH:MM" */
static cst_date mkdate(const char *s)
{
    cst_date d;

    memset(&d, 0, sizeof(d));
    if (strlen(s) >= 10) {
        d.year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
                 (s[3] - '0');
        d.month = (s[5] - '0') * 10 + (s[6] - '0');
        d.day = (s[8] - '0') * 10 + (s[9] - '0');
    }
    if (strlen(s) >= 16) {
        d.has_time = 1;
        d.hour = (s[11] - '0') * 10 + (s[12] - '0');
        d.minute = (s[14] - '0') * 10 + (s[15] - '0');
    }
    return d;
}

static void fmt(const cst_date *d, char *buf, size_t size)
{
    if (d->has_time)
        snprintf(buf, size, "%04d-%02d-%02d %02d:%02d", d->year, d->month,
                 d->day, d->hour, d->minute);
    else
        snprintf(buf, size, "%04d-%02d-%02d", d->year, d->month, d->day);
}

/* The default meeting date: Tuesday 2023-06-20. */
#define REF "2023-06-20"

static const struct parse_case {
    const char *ref;
    const char *in;
    const char *want; /* NULL: must be rejected */
} parse_cases[] = {
    /* numeric forms */
    {REF, "2023-06-30", "2023-06-30"},
    {REF, "2023/6/30", "2023-06-30"},
    {REF, "2023.6.30", "2023-06-30"},
    {REF, "6/30", "2023-06-30"},
    {REF, "06-30", "2023-06-30"},
    {REF, "30/6", "2023-06-30"},
    {REF, "6/30/2024", "2024-06-30"},
    {REF, "2024-06-30", "2024-06-30"},
    {REF, "2022-06-30", "2022-06-30"},
    /* Chinese forms */
    {REF, "6月30日", "2023-06-30"},
    {REF, "6月30号", "2023-06-30"},
    {REF, "6月30日前", "2023-06-30"},
    {REF, "6月30日之前", "2023-06-30"},
    {REF, "2023年6月30日", "2023-06-30"},
    {REF, "2024年1月5日前", "2024-01-05"},
    {REF, "6月底", "2023-06-30"},
    {REF, "2月底", "2024-02-29"},
    {REF, "6月30日（周五）", "2023-06-30"},
    {REF, "6月30日周五", "2023-06-30"},
    {REF, "截止6月30日", "2023-06-30"},
    {REF, "在6月30日前", "2023-06-30"},
    {REF, "６月30日", NULL}, /* full-width digits are not folded here */
    /* month names */
    {REF, "June 30", "2023-06-30"},
    {REF, "june 30", "2023-06-30"},
    {REF, "Jun 30", "2023-06-30"},
    {REF, "Jun. 30", "2023-06-30"},
    {REF, "JUNE 30TH", "2023-06-30"},
    {REF, "30 June", "2023-06-30"},
    {REF, "30 Jun", "2023-06-30"},
    {REF, "30th of June", "2023-06-30"},
    {REF, "Jul 7", "2023-07-07"},
    {REF, "7 Jul", "2023-07-07"},
    {REF, "June 30, 2024", "2024-06-30"},
    {REF, "June 30 2024", "2024-06-30"},
    {REF, "30 June 2024", "2024-06-30"},
    {REF, "Sept 1", "2023-09-01"},
    {REF, "June 30 (Fri)", "2023-06-30"},
    /* a date without a year: the first on or after the meeting */
    {REF, "6/20", "2023-06-20"},
    {REF, "6/19", "2024-06-19"},
    {REF, "June 19", "2024-06-19"},
    {REF, "1月2日", "2024-01-02"},
    {"2023-12-31", "Dec 31", "2023-12-31"},
    {"2023-12-31", "12/30", "2024-12-30"},
    {"2023-12-31", "1/2", "2024-01-02"},
    {"2023-12-31", "1月1日", "2024-01-01"},
    /* Feb 29 */
    {REF, "2/29", "2024-02-29"},
    {"2024-01-10", "2/29", "2024-02-29"},
    {"2024-03-01", "2/29", "2028-02-29"},
    {"2096-03-01", "2月29日", "2104-02-29"},
    {REF, "2024-02-29", "2024-02-29"},
    {REF, "2000-02-29", "2000-02-29"},
    {REF, "2023-02-29", NULL},
    {REF, "2100-02-29", NULL},
    {REF, "Feb 29, 2023", NULL},
    /* day ranges */
    {REF, "2/30", NULL},
    {REF, "4/31", NULL},
    {REF, "6月31日", NULL},
    {REF, "June 31", NULL},
    {REF, "32 June", NULL},
    {REF, "2023-13-01", NULL},
    {REF, "2023-00-10", NULL},
    {REF, "6/0", NULL},
    {REF, "13/13", NULL},
    {REF, "2023-04-31", NULL},
    {REF, "2023-01-31", "2023-01-31"},
    /* weekdays: the first such day after the meeting (Tuesday) */
    {REF, "Friday", "2023-06-23"},
    {REF, "friday", "2023-06-23"},
    {REF, "Fri", "2023-06-23"},
    {REF, "Wednesday", "2023-06-21"},
    {REF, "Tuesday", "2023-06-27"},
    {REF, "Tue", "2023-06-27"},
    {REF, "Monday", "2023-06-26"},
    {REF, "Sunday", "2023-06-25"},
    {REF, "Thurs", "2023-06-22"},
    {REF, "周五", "2023-06-23"},
    {REF, "星期五", "2023-06-23"},
    {REF, "礼拜五", "2023-06-23"},
    {REF, "周二", "2023-06-27"},
    {REF, "周一", "2023-06-26"},
    {REF, "周日", "2023-06-25"},
    {REF, "周天", "2023-06-25"},
    {REF, "星期日", "2023-06-25"},
    {REF, "星期天", "2023-06-25"},
    {REF, "礼拜天", "2023-06-25"},
    {REF, "周5", "2023-06-23"},
    {REF, "周五前", "2023-06-23"},
    {REF, "by Friday", "2023-06-23"},
    {REF, "before Fri", "2023-06-23"},
    {REF, "this Friday", "2023-06-23"},
    {REF, "本周五", "2023-06-23"},
    {REF, "本周一", "2023-06-26"},
    {REF, "this Tuesday", "2023-06-20"},
    /* next week: weeks start on Monday */
    {REF, "next Friday", "2023-06-30"},
    {REF, "Next Monday", "2023-06-26"},
    {REF, "next Tuesday", "2023-06-27"},
    {REF, "next Sunday", "2023-07-02"},
    {REF, "下周五", "2023-06-30"},
    {REF, "下周一", "2023-06-26"},
    {REF, "下周日", "2023-07-02"},
    {REF, "下星期五", "2023-06-30"},
    {REF, "下个礼拜三", "2023-06-28"},
    {"2023-06-25", "next Monday", "2023-06-26"}, /* meeting on a Sunday */
    {"2023-06-25", "下周日", "2023-07-02"},
    {"2023-06-25", "Monday", "2023-06-26"},
    {"2023-06-26", "next Monday", "2023-07-03"},
    {"2023-12-29", "下周五", "2024-01-05"},
    /* relative days */
    {REF, "today", "2023-06-20"},
    {REF, "tomorrow", "2023-06-21"},
    {REF, "Tomorrow", "2023-06-21"},
    {REF, "the day after tomorrow", "2023-06-22"},
    {REF, "今天", "2023-06-20"},
    {REF, "明天", "2023-06-21"},
    {REF, "后天", "2023-06-22"},
    {REF, "大后天", "2023-06-23"},
    {"2023-12-31", "明天", "2024-01-01"},
    {"2024-02-28", "tomorrow", "2024-02-29"},
    {"2023-02-28", "tomorrow", "2023-03-01"},
    /* time of day */
    {REF, "2023-06-30 18:00", "2023-06-30 18:00"},
    {REF, "2023-06-30T18:00", "2023-06-30 18:00"},
    {REF, "6/30 9:05", "2023-06-30 09:05"},
    {REF, "June 30, 6pm", "2023-06-30 18:00"},
    {REF, "Friday 6pm", "2023-06-23 18:00"},
    {REF, "Fri 6 PM", "2023-06-23 18:00"},
    {REF, "Friday at 6:30 p.m.", "2023-06-23 18:30"},
    {REF, "tomorrow 12am", "2023-06-21 00:00"},
    {REF, "tomorrow 12pm", "2023-06-21 12:00"},
    {REF, "6pm Friday", "2023-06-23 18:00"},
    {REF, "18:00 tomorrow", "2023-06-21 18:00"},
    {REF, "6月30日18点", "2023-06-30 18:00"},
    {REF, "6月30日 18:00前", "2023-06-30 18:00"},
    {REF, "6月30日18：00", "2023-06-30 18:00"},
    {REF, "6月30日下午6点", "2023-06-30 18:00"},
    {REF, "明天上午10点半", "2023-06-21 10:30"},
    {REF, "周五晚上8点", "2023-06-23 20:00"},
    {REF, "周五中午12点", "2023-06-23 12:00"},
    {REF, "下周五下午3点30分之前", "2023-06-30 15:30"},
    {REF, "6/30 24:00", NULL},
    {REF, "6/30 18:60", NULL},
    {REF, "Friday 13pm", NULL},
    /* rejects */
    {REF, "", NULL},
    {REF, "   ", NULL},
    {REF, "soon", NULL},
    {REF, "ASAP", NULL},
    {REF, "next week", NULL},
    {REF, "下周", NULL},
    {REF, "18:00", NULL},
    {REF, "6pm", NULL},
    {REF, "Fridays", NULL},
    {REF, "6/30x", NULL},
    {REF, "6/300", NULL},
    {REF, "2023-6", NULL},
    {REF, "June", NULL},
    {REF, "Sun Qi", NULL},
    {REF, "上周五", NULL},
    {REF, "next", NULL},
    {REF, "30", NULL},
    {REF, "12023-06-30", NULL},
    {REF, "1850-06-30", NULL},
    {REF, "Friday 6", NULL},
    {REF, "6月", NULL},
    {REF, "2023年", NULL},
};

static void test_parse(void)
{
    size_t i;
    char got[32];
    cst_date ref, out, want;
    int ok;

    for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        const struct parse_case *c = &parse_cases[i];

        ref = mkdate(c->ref);
        memset(&out, 0, sizeof(out));
        ok = cst_due_parse(c->in, strlen(c->in), &ref, &out);
        if (c->want == NULL) {
            fmt(&out, got, sizeof(got));
            if (!tap_ok(!ok, "parse[%zu] '%s' rejected", i, c->in))
                printf("#   got: %s\n", got);
            continue;
        }
        want = mkdate(c->want);
        fmt(&out, got, sizeof(got));
        tap_str(ok ? got : "(rejected)", c->want, "parse[%zu] '%s'", i, c->in);
        (void)want;
    }
}

static void test_parse_misc(void)
{
    cst_date ref = mkdate(REF), out;
    const char *s = "6/30 and more";

    /* only the given length is read */
    tap_int(cst_due_parse(s, 4, &ref, &out), 1, "misc[0] length respected");
    tap_int(out.day, 30, "misc[1] day");
    /* without a meeting date only full dates parse */
    tap_int(cst_due_parse("2023-06-30", 10, NULL, &out), 1,
            "misc[2] full date without ref");
    tap_int(cst_due_parse("6/30", 4, NULL, &out), 0, "misc[3] no year, no ref");
    tap_int(cst_due_parse("Friday", 6, NULL, &out), 0,
            "misc[4] weekday, no ref");
    /* ref's has_time is ignored, the result has none */
    ref.has_time = 1;
    ref.hour = 10;
    tap_int(cst_due_parse("Friday", 6, &ref, &out), 1, "misc[5] parse");
    tap_int(out.has_time, 0, "misc[6] no time");
}

static const struct find_case {
    const char *in;
    const char *want_text; /* NULL: nothing found */
    const char *want;
} find_cases[] = {
    {"王五负责整理预算方案，6月30日前提交给财务部", "6月30日前", "2023-06-30"},
    {"Sun Qi will call the vendor by Friday", "Friday", "2023-06-23"},
    {"每周一次同步，周五前完成", "周五前", "2023-06-23"},
    {"上周五讨论的方案，下周五定稿", "下周五", "2023-06-30"},
    {"send the report 2023/6/30 18:00.", "2023/6/30 18:00", "2023-06-30 18:00"},
    {"send it tomorrow please", "tomorrow", "2023-06-21"},
    {"finish by next Friday 6pm!", "next Friday 6pm", "2023-06-30 18:00"},
    {"draft due June 30th, review after", "June 30th", "2023-06-30"},
    {"李四明天上午10点前发出", "明天上午10点前", "2023-06-21 10:00"},
    {"30 min review of Q3 numbers", NULL, NULL},
    {"Fridays are busy", NULL, NULL},
    {"Sat down with the vendor", NULL, NULL},
    {"last Friday we agreed", NULL, NULL},
    {"version 2.0 of the API", NULL, NULL},
    {"", NULL, NULL},
    {"Mon 6/26 deadline", "6/26", "2023-06-26"},
};

static void test_find(void)
{
    size_t i, off = 0, dlen = 0;
    char got[32], text[128];
    cst_date ref = mkdate(REF), out;
    int ok;

    for (i = 0; i < sizeof(find_cases) / sizeof(find_cases[0]); i++) {
        const struct find_case *c = &find_cases[i];

        memset(&out, 0, sizeof(out));
        ok = cst_due_find(c->in, strlen(c->in), &ref, &off, &dlen, &out);
        if (c->want_text == NULL) {
            tap_ok(!ok, "find[%zu] '%s' finds nothing", i, c->in);
            continue;
        }
        if (!tap_ok(ok, "find[%zu] '%s' finds a date", i, c->in))
            continue;
        snprintf(text, sizeof(text), "%.*s", (int)dlen, c->in + off);
        tap_str(text, c->want_text, "find[%zu] text", i);
        fmt(&out, got, sizeof(got));
        tap_str(got, c->want, "find[%zu] date", i);
    }
}

static const struct wd_case {
    int y, m, d, wd;
} wd_cases[] = {
    {2023, 6, 20, 2}, {1970, 1, 1, 4},   {2000, 1, 1, 6}, {2024, 2, 29, 4},
    {1900, 3, 1, 4},  {2099, 12, 31, 4}, {2023, 1, 1, 0}, {2023, 6, 24, 6},
};

static const struct add_case {
    const char *from;
    int days;
    const char *want;
} add_cases[] = {
    {"2023-12-31", 1, "2024-01-01"},
    {"2024-02-28", 1, "2024-02-29"},
    {"2023-02-28", 1, "2023-03-01"},
    {"2024-03-01", -1, "2024-02-29"},
    {"2023-03-01", -1, "2023-02-28"},
    {"2023-01-01", 365, "2024-01-01"},
    {"2024-01-01", 366, "2025-01-01"},
    {"2023-06-20", 0, "2023-06-20"},
    {"2023-06-20", -20, "2023-05-31"},
    {"2100-02-28", 1, "2100-03-01"},
    {"2023-06-20 18:30", 10, "2023-06-30 18:30"},
};

static void test_calendar(void)
{
    size_t i;
    cst_date d;
    char got[32];

    for (i = 0; i < sizeof(wd_cases) / sizeof(wd_cases[0]); i++)
        tap_int(cst_date_weekday(wd_cases[i].y, wd_cases[i].m, wd_cases[i].d),
                wd_cases[i].wd, "weekday[%zu] %04d-%02d-%02d", i, wd_cases[i].y,
                wd_cases[i].m, wd_cases[i].d);
    for (i = 0; i < sizeof(add_cases) / sizeof(add_cases[0]); i++) {
        d = mkdate(add_cases[i].from);
        cst_date_add_days(&d, add_cases[i].days);
        fmt(&d, got, sizeof(got));
        tap_str(got, add_cases[i].want, "add_days[%zu] %s %+d", i,
                add_cases[i].from, add_cases[i].days);
    }
}

int main(void)
{
    test_parse();
    test_parse_misc();
    test_find();
    test_calendar();
    return tap_done();
}
