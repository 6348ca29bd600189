/*
 * test-duration.c -- core/duration.c: every form of spec section 2, the
 * extras of duration.h, rejects, caps and cst_duration_find().
 */
#include "tests/unit/tap.h"
#include "core/duration.h"

#define N_ELEMS(x) (sizeof(x) / sizeof((x)[0]))

static const struct parse_case {
    const char *in;
    int ok;
    int minutes;
} parse_cases[] = {
    /* spec section 2 */
    {"10 min", 1, 10},
    {"10min", 1, 10},
    {"10 minutes", 1, 10},
    {"10m", 1, 10},
    {"1h", 1, 60},
    {"1.5 h", 1, 90},
    {"1h30m", 1, 90},
    {"90 mins", 1, 90},
    {"10分钟", 1, 10},
    {"10分", 1, 10},
    {"1小时", 1, 60},
    {"1个小时", 1, 60},
    {"半小时", 1, 30},
    {"1小时30分钟", 1, 90},
    {"PT10M", 1, 10},
    /* duration.h extras */
    {"1 minute", 1, 1},
    {"10 mins", 1, 10},
    {"1 hr", 1, 60},
    {"2 hrs", 1, 120},
    {"1 hour", 1, 60},
    {"2 hours", 1, 120},
    {"1h 30min", 1, 90},
    {"1 hour 30 minutes", 1, 90},
    {"1 hour and 30 minutes", 1, 90},
    {"1个半小时", 1, 90},
    {"PT1H30M", 1, 90},
    {"PT1H", 1, 60},
    {"pt90m", 1, 90},
    {"PT90S", 1, 2}, /* 1.5 min rounds half up */
    {"PT0.5H", 1, 30},
    /* case, spaces, full-width */
    {"10 MIN", 1, 10},
    {"1H30M", 1, 90},
    {"  10 min  ", 1, 10},
    {"１０分钟", 1, 10},
    {"１.５小时", 1, 90},
    {"１．５小时", 1, 90},
    {"10\xE3\x80\x80分钟", 1, 10}, /* U+3000 between */
    {"１０ｍｉｎ", 1, 10},         /* full-width letters folded too */
    {"10 分钟", 1, 10},
    {"1小时30分", 1, 90},
    {"1小時", 1, 60},
    {"10分鐘", 1, 10},
    {"半个小时", 1, 30},
    {"两小时", 1, 120},
    {"十分钟", 1, 10},
    {"十五分钟", 1, 15},
    {"二十分钟", 1, 20},
    {"四十五分钟", 1, 45},
    {"一个半小时", 1, 90},
    {"一小时三十分钟", 1, 90},
    {"2个钟头", 1, 120},
    {"1h30", 1, 90},
    {"10 min.", 1, 10},
    {"0 min", 1, 0},
    {"2.5 min", 1, 3},
    {"0.25h", 1, 15},
    /* caps: at most a week */
    {"10080 min", 1, 10080},
    {"10081 min", 1, 10080},
    {"200 h", 1, 10080},
    {"99999999999999999999999 h", 1, 10080},
    {"PT99999999999999999999H", 1, 10080},
    /* rejects */
    {"10", 0, 0},
    {"abc", 0, 0},
    {"10 minutesX", 0, 0},
    {"10 minx", 0, 0},
    {"10 months", 0, 0},
    {"10mm", 0, 0},
    {"min", 0, 0},
    {"h", 0, 0},
    {"", 0, 0},
    {"   ", 0, 0},
    {"10 min Li", 0, 0},
    {"about 10 min", 0, 0},
    {"-10 min", 0, 0},
    {"1.5", 0, 0},
    {".5 h", 0, 0},
    {"PT", 0, 0},
    {"PT10", 0, 0},
    {"PT10X", 0, 0},
    {"PT30M1H", 0, 0}, /* out of order */
    {"P1D", 0, 0},
    {"十分", 0, 0}, /* "十分" is the adverb "very" */
    {"分钟", 0, 0},
    {"小时", 0, 0},
    {"10:00", 0, 0},
    {"1h30x", 0, 0},
    {"1h 30", 0, 0},
    {"10 min, Li", 0, 0},
};

static void test_parse(void)
{
    size_t i;
    int m, ok;

    for (i = 0; i < N_ELEMS(parse_cases); i++) {
        const struct parse_case *tc = &parse_cases[i];

        m = -12345;
        ok = cst_duration_parse(tc->in, strlen(tc->in), &m);
        tap_int(ok, tc->ok, "parse[%zu]: '%s' %s", i, tc->in,
                tc->ok ? "accepted" : "rejected");
        if (tc->ok)
            tap_int(m, tc->minutes, "parse[%zu]: '%s' minutes", i, tc->in);
        else
            tap_int(m, -12345, "parse[%zu]: minutes untouched", i);
    }
}

static const struct find_case {
    const char *in;
    int found;
    size_t off;
    size_t len;
    int minutes;
} find_cases[] = {
    {"Review (10 min, Li Si)", 1, 8, 6, 10},
    {"预算讨论（30分钟，王五）", 1, 15, 8, 30},
    {"Intro — 1h30m — Li", 1, 10, 5, 90},
    {"intro 1.5 h", 1, 6, 5, 90},
    {"10 minutesXYZ", 0, 0, 0, 0},
    {"version 2.5 hosts", 0, 0, 0, 0},
    {"v2min", 0, 0, 0, 0},
    {"SPT10M", 0, 0, 0, 0},
    {"十分重要的事", 0, 0, 0, 0},
    {"预算3分配", 0, 0, 0, 0},
    {"用二十分钟讨论", 1, 3, 12, 20},
    {"统一10分钟", 1, 6, 8, 10},
    {"room 12, 2 hours", 1, 9, 7, 120},
    {"nothing here", 0, 0, 0, 0},
    {"", 0, 0, 0, 0},
    {"１０分钟", 1, 0, 12, 10}, /* offsets into unfolded text */
    {"x PT15M y", 1, 2, 5, 15},
};

static void test_find(void)
{
    size_t i, off, dl;
    int m, ok;

    for (i = 0; i < N_ELEMS(find_cases); i++) {
        const struct find_case *tc = &find_cases[i];

        off = dl = 999;
        m = -1;
        ok = cst_duration_find(tc->in, strlen(tc->in), &off, &dl, &m);
        tap_int(ok, tc->found, "find[%zu]: '%s' found", i, tc->in);
        if (!tc->found || !ok)
            continue;
        tap_int(off, tc->off, "find[%zu]: offset", i);
        tap_int(dl, tc->len, "find[%zu]: length", i);
        tap_int(m, tc->minutes, "find[%zu]: minutes", i);
    }
}

static void test_limits(void)
{
    char buf[600];
    int m = -1;

    /* only the first len bytes are read */
    tap_int(cst_duration_parse("10 minutes", 6, &m), 1, "len bounds input");
    tap_int(m, 10, "len bounds input: minutes");
    tap_int(cst_duration_parse(NULL, 0, &m), 0, "NULL rejected");
    /* a long input is no duration, and is not read past its end */
    memset(buf, ' ', sizeof(buf));
    memcpy(buf + sizeof(buf) - 6, "10 min", 6);
    tap_int(cst_duration_parse(buf, sizeof(buf), &m), 0,
            "over-long input rejected");
}

int main(void)
{
    test_parse();
    test_find();
    test_limits();
    return tap_done();
}
