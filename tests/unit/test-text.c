/*
 * test-text.c -- core/text.c: line iteration, UTF-8, folding, trimming,
 * case-insensitive matching, list markers.
 */
#include "tests/unit/tap.h"
#include "core/text.h"

#include <stdlib.h>

#define N_ELEMS(x) (sizeof(x) / sizeof((x)[0]))

/* --- cst_lines ----------------------------------------------------------
 * want holds the expected lines joined by '/'. */
static const struct lines_case {
    const char *in;
    size_t len; /* 0 = strlen(in) */
    const char *want;
    size_t wlen; /* 0 = strlen(want) */
    int n;
} lines_cases[] = {
    {"", 0, "", 0, 0},
    {"a", 0, "a", 0, 1},
    {"a\n", 0, "a", 0, 1},
    {"a\nb", 0, "a/b", 0, 2},
    {"a\r\nb\r\n", 0, "a/b", 0, 2},
    {"a\rb\r", 0, "a/b", 0, 2},
    {"a\n\nb", 0, "a//b", 0, 3},
    {"a\r\n\r\nb", 0, "a//b", 0, 3},
    {"\n", 0, "", 0, 1},
    {"\n\n", 0, "/", 0, 2},
    {"a\n\rb", 0, "a//b", 0, 3},    /* LF then CR: two line ends */
    {"a\r\r\nb", 0, "a//b", 0, 3},  /* CR, then CRLF */
    {"x\0y\nz", 5, "x\0y/z", 5, 2}, /* a NUL is an ordinary byte */
};

static void test_lines(void)
{
    size_t i;

    for (i = 0; i < N_ELEMS(lines_cases); i++) {
        const struct lines_case *tc = &lines_cases[i];
        size_t len = tc->len ? tc->len : strlen(tc->in);
        char got[64];
        size_t gl = 0, ll, wl;
        const char *line;
        cst_lines it;
        int n = 0, lastno = 0;

        cst_lines_init(&it, tc->in, len);
        while (cst_lines_next(&it, &line, &ll) && n < 10) {
            if (n > 0)
                got[gl++] = '/';
            memcpy(got + gl, line, ll);
            gl += ll;
            n++;
            lastno = it.lineno;
        }
        tap_int(n, tc->n, "lines[%zu]: count", i);
        tap_int(lastno, tc->n, "lines[%zu]: lineno", i);
        wl = tc->wlen ? tc->wlen : strlen(tc->want);
        tap_ok(gl == wl && memcmp(got, tc->want, gl) == 0,
               "lines[%zu]: content", i);
        tap_int(cst_lines_next(&it, &line, &ll), 0, "lines[%zu]: stays at end",
                i);
    }
}

/* --- cst_utf8_decode / cst_utf8_valid ---------------------------------- */
static const struct utf8_case {
    const char *in;
    size_t len;
    size_t used; /* 0 = invalid */
    uint32_t cp;
} utf8_cases[] = {
    {"A", 1, 1, 0x41},
    {"\x7F", 1, 1, 0x7F},
    {"\xC2\xA0", 2, 2, 0xA0},
    {"\xDF\xBF", 2, 2, 0x7FF},
    {"\xE4\xB8\xAD", 3, 3, 0x4E2D}, /* 中 */
    {"\xEF\xBC\x9A", 3, 3, 0xFF1A}, /* ： */
    {"\xF0\x9F\x98\x80", 4, 4, 0x1F600},
    {"\xF4\x8F\xBF\xBF", 4, 4, 0x10FFFF},
    {"\xE4\xB8\xADxyz", 6, 3, 0x4E2D}, /* only the first */
    {"\xC0\x80", 2, 0, 0},             /* overlong NUL */
    {"\xC1\xBF", 2, 0, 0},             /* overlong */
    {"\xE0\x80\xAF", 3, 0, 0},         /* overlong '/' */
    {"\xE0\x9F\xBF", 3, 0, 0},         /* overlong U+7FF */
    {"\xF0\x8F\xBF\xBF", 4, 0, 0},     /* overlong U+FFFF */
    {"\xED\xA0\x80", 3, 0, 0},         /* surrogate D800 */
    {"\xED\xBF\xBF", 3, 0, 0},         /* surrogate DFFF */
    {"\xF4\x90\x80\x80", 4, 0, 0},     /* > U+10FFFF */
    {"\xF5\x80\x80\x80", 4, 0, 0},
    {"\xFF", 1, 0, 0},
    {"\x80", 1, 0, 0},         /* lone continuation */
    {"\xE4\xB8", 2, 0, 0},     /* truncated */
    {"\xE4\xB8\xAD", 2, 0, 0}, /* truncated by len */
    {"\xF0\x9F\x98", 3, 0, 0},
    {"\xC2", 1, 0, 0},
    {"\xE4\x41\xAD", 3, 0, 0}, /* bad continuation */
    {"", 0, 0, 0},
};

static void test_utf8(void)
{
    size_t i, n;
    uint32_t cp;

    for (i = 0; i < N_ELEMS(utf8_cases); i++) {
        const struct utf8_case *tc = &utf8_cases[i];

        cp = 0xDEAD;
        n = cst_utf8_decode(tc->in, tc->len, &cp);
        tap_int(n, tc->used, "utf8[%zu]: length", i);
        if (tc->used > 0)
            tap_int(cp, tc->cp, "utf8[%zu]: code point", i);
        if (tc->used == tc->len && tc->len > 0)
            tap_int(cst_utf8_valid(tc->in, tc->len), 1, "utf8[%zu]: valid", i);
        else if (tc->used == 0 && tc->len > 0)
            tap_int(cst_utf8_valid(tc->in, tc->len), 0, "utf8[%zu]: invalid",
                    i);
    }
    tap_int(cst_utf8_valid("", 0), 1, "utf8: empty is valid");
    tap_int(cst_utf8_valid("ab\xE4\xB8\xAD"
                           "cd",
                           7),
            1, "utf8: mixed valid");
    tap_int(cst_utf8_valid("ab\xE4\xB8\xAD"
                           "c\xC0",
                           7),
            0, "utf8: invalid at the end");
}

/* --- cst_text_fold ------------------------------------------------------ */
static const struct fold_case {
    const char *in;
    const char *want;
} fold_cases[] = {
    {"abc", "abc"},
    {"（30分钟，王五）", "(30分钟,王五)"},
    {"目标：确定", "目标:确定"},
    {"；！？", ";!?"},
    {"１２３", "123"},
    {"ＡＢＣｘｙｚ", "ABCxyz"},
    {"～", "~"},                      /* U+FF5E, last folded */
    {"\xEF\xBD\x9F", "\xEF\xBD\x9F"}, /* U+FF5F stays */
    {"a\xE3\x80\x80"
     "b",
     "a b"}, /* U+3000 */
    {"a\xC2\xA0"
     "b",
     "a b"},          /* U+00A0 */
    {"、。", "、。"}, /* not full-width forms */
    {"a\xFF"
     "b",
     "a?b"},            /* invalid byte */
    {"\xE4\xB8", "??"}, /* truncated */
    {"", ""},
};

static void test_fold(void)
{
    size_t i, n;
    char out[64];

    for (i = 0; i < N_ELEMS(fold_cases); i++) {
        const struct fold_case *tc = &fold_cases[i];

        memset(out, 'Z', sizeof(out));
        n = cst_text_fold(tc->in, strlen(tc->in), out);
        tap_str(out, tc->want, "fold[%zu]", i);
        tap_int(n, strlen(tc->want), "fold[%zu]: length", i);
        tap_ok(n <= strlen(tc->in), "fold[%zu]: never grows", i);
    }
}

/* --- cst_trim ------------------------------------------------------------ */
static const struct trim_case {
    const char *in;
    const char *want;
} trim_cases[] = {
    {"  abc  ", "abc"},
    {"\t\r\nabc\n", "abc"},
    {"\xE3\x80\x80"
     "中文\xE3\x80\x80",
     "中文"},
    {"\xC2\xA0x\xC2\xA0", "x"},
    {"\xE2\x80\x8B"
     "x\xEF\xBB\xBF",
     "x"}, /* ZWSP, BOM */
    {"a b", "a b"},
    {"   ", ""},
    {"", ""},
    {"\xE4\xB8\xAD", "\xE4\xB8\xAD"}, /* ends in 0xAD, no space */
    {"x\xE3\x80", "x\xE3\x80"},       /* a broken U+3000 stays */
};

static void test_trim(void)
{
    size_t i, n;
    const char *t;
    char got[64];

    for (i = 0; i < N_ELEMS(trim_cases); i++) {
        const struct trim_case *tc = &trim_cases[i];

        t = cst_trim(tc->in, strlen(tc->in), &n);
        memcpy(got, t, n);
        got[n] = '\0';
        tap_str(got, tc->want, "trim[%zu]", i);
    }
}

/* --- cst_eq_ci / cst_prefix_ci / cst_find_ci ---------------------------- */
static void test_ci(void)
{
    tap_int(cst_eq_ci("Agenda", 6, "agenda"), 1, "eq_ci: case");
    tap_int(cst_eq_ci("Agend", 5, "agenda"), 0, "eq_ci: shorter");
    tap_int(cst_eq_ci("Agendas", 7, "agenda"), 0, "eq_ci: longer");
    tap_int(cst_eq_ci("", 0, ""), 1, "eq_ci: empty");
    tap_int(cst_eq_ci("议程", strlen("议程"), "议程"), 1, "eq_ci: UTF-8");
    tap_int(cst_prefix_ci("GOAL: x", 7, "goal"), 4, "prefix_ci: match");
    tap_int(cst_prefix_ci("GO", 2, "goal"), 0, "prefix_ci: too short");
    tap_int(cst_prefix_ci("gaol", 4, "goal"), 0, "prefix_ci: differs");
    tap_int(cst_find_ci("the Next Meeting is", 19, "next meeting"), 4,
            "find_ci: found");
    tap_int(cst_find_ci("abc", 3, "abcd"), (size_t)-1, "find_ci: absent");
    tap_int(cst_find_ci("abc", 3, ""), 0, "find_ci: empty needle");
    tap_int(cst_find_ci("aXbc", 2, "bc"), (size_t)-1, "find_ci: within len");
}

/* --- cst_list_marker ----------------------------------------------------- */
static const struct marker_case {
    const char *in;
    size_t want; /* marker length incl. white space after it */
} marker_cases[] = {
    {"1. Intro", 3},
    {"12. Intro", 4},
    {"1) Intro", 3},
    {"1、议题", 4},
    {"1、 议题", 5},
    {"(1) Intro", 4},
    {"(12)Intro", 4},
    {"（1）议题", 7},
    {"- Intro", 2},
    {"-   Intro", 4},
    {"* Intro", 2},
    {"+ Intro", 2},
    {"• Intro", 4},
    {"•Intro", 3},
    {"· Intro", 3},
    {"● Intro", 4},
    {"– Intro", 4},
    {"① Intro", 4},
    {"⑳议题", 3},
    {"a. Intro", 3},
    {"b) Intro", 3},
    {"A. Intro", 3},
    {"1.\tIntro", 3},
    {"1．议题", 4}, /* full-width full stop */
    {"1）议题", 4},
    {"1，议题", 4},
    {"1.\xE3\x80\x80"
     "议题",
     5}, /* U+3000 after */
    {"1.", 2},
    {"-", 1},
    {"1.5 h", 0}, /* a duration, not a marker */
    {"1.5h review", 0},
    {"3.14", 0},
    {"-5 degrees", 0},
    {"--- ", 0},
    {"**Goal**", 0},
    {"*bold*", 0},
    {"a.m. meeting", 0},
    {"e.g. this", 0},
    {"Intro", 0},
    {"10:00 Intro", 0},
    {"10 min", 0},
    {"2023-06-30", 0},
    {"12345. x", 0}, /* more than four digits */
    {"(a) x", 0},
    {"(1 x", 0},
    {"12", 0},
    {"", 0},
};

static void test_marker(void)
{
    size_t i;

    for (i = 0; i < N_ELEMS(marker_cases); i++) {
        const struct marker_case *tc = &marker_cases[i];

        tap_int(cst_list_marker(tc->in, strlen(tc->in)), tc->want,
                "marker[%zu]: '%s'", i, tc->in);
    }
}

static void test_strndup(void)
{
    char *p = cst_strndup("abcdef", 3);

    tap_str(p, "abc", "strndup: copies n bytes");
    free(p);
    p = cst_strndup("", 0);
    tap_str(p, "", "strndup: empty");
    free(p);
}

int main(void)
{
    test_lines();
    test_utf8();
    test_fold();
    test_trim();
    test_ci();
    test_marker();
    test_strndup();
    return tap_done();
}
