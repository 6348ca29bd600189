/*
 * test-sections.c -- core/sections.c: headings in English and Chinese,
 * inline text, the minutes-only headings, the generated block.
 */
#include "tests/unit/tap.h"
#include "core/sections.h"

#include <stdlib.h>

#define N_ELEMS(x) (sizeof(x) / sizeof((x)[0]))

/* Copies a span's text into a static buffer for tap_str ("(absent)" when
 * the heading was not seen). */
static const char *span_str(const cst_span *sp)
{
    static char buf[4][512];
    static int k;
    char *b = buf[k++ % 4];
    size_t n;

    if (!sp->present)
        return "(absent)";
    n = sp->len < 511 ? sp->len : 511;
    memcpy(b, sp->text, n);
    b[n] = '\0';
    return b;
}

/* --- single heading lines ------------------------------------------------
 * Each input is "<line>\nBODY"; the case says which section (or -1 for
 * none) the line opens and what its text is. */
static const struct heading_case {
    const char *line;
    int kind;         /* -1: not a heading */
    const char *text; /* the section's text */
} heading_cases[] = {
    {"Goal", CST_SEC_GOAL, "BODY"},
    {"goal:", CST_SEC_GOAL, "BODY"},
    {"GOAL：", CST_SEC_GOAL, "BODY"},
    {"Goal: decide X", CST_SEC_GOAL, "decide X\nBODY"},
    {"Objective: ship it", CST_SEC_GOAL, "ship it\nBODY"},
    {"Purpose", CST_SEC_GOAL, "BODY"},
    {"## Goal", CST_SEC_GOAL, "BODY"},
    {"**Goal**", CST_SEC_GOAL, "BODY"},
    {"**Goal:** agree", CST_SEC_GOAL, "agree\nBODY"},
    {"**Goal**: ship it", CST_SEC_GOAL, "ship it\nBODY"},
    {"Goals:", CST_SEC_GOAL, "BODY"},
    {"Meeting agenda", CST_SEC_AGENDA, "BODY"},
    {"**目标**：确定预算", CST_SEC_GOAL, "确定预算\nBODY"},
    {"目标", CST_SEC_GOAL, "BODY"},
    {"会议目标：确定Q3预算", CST_SEC_GOAL, "确定Q3预算\nBODY"},
    {"## 会议目标 ##", CST_SEC_GOAL, "BODY"},
    {"【会议目标】", CST_SEC_GOAL, "BODY"},
    {"一、会议目标", CST_SEC_GOAL, "BODY"},
    {"## Agenda", CST_SEC_AGENDA, "BODY"},
    {"Agenda:", CST_SEC_AGENDA, "BODY"},
    {"# AGENDA #", CST_SEC_AGENDA, "BODY"},
    {"议程", CST_SEC_AGENDA, "BODY"},
    {"会议议程：", CST_SEC_AGENDA, "BODY"},
    {"Agenda: 1. Intro (5 min, Li)", CST_SEC_AGENDA,
     "1. Intro (5 min, Li)\nBODY"},
    {"Materials", CST_SEC_MATERIALS, "BODY"},
    {"Pre-read: doc.pdf", CST_SEC_MATERIALS, "doc.pdf\nBODY"},
    {"Pre-reads", CST_SEC_MATERIALS, "BODY"},
    {"材料", CST_SEC_MATERIALS, "BODY"},
    {"会议材料：见附件", CST_SEC_MATERIALS, "见附件\nBODY"},
    {"资料", CST_SEC_MATERIALS, "BODY"},
    {"背景资料", CST_SEC_MATERIALS, "BODY"},
    {"Minutes", CST_SEC_MINUTES, "BODY"},
    {"Meeting minutes:", CST_SEC_MINUTES, "BODY"},
    {"纪要", CST_SEC_MINUTES, "BODY"},
    {"## 会议纪要", CST_SEC_MINUTES, "BODY"},
    /* outside the minutes the goal-reached headings are text; their
     * words must not open a goal section either */
    {"Goal reached: yes", -1, NULL},
    {"目标达成：是", -1, NULL},
    {"Outcome: done", -1, NULL},
    /* not headings */
    {"Agenda items are below", -1, NULL},
    {"Goalkeeper: Li", -1, NULL},
    {"Goals and non-goals", -1, NULL},
    {"The goal: decide", -1, NULL},
    {"目标客户分析", -1, NULL},
    {"  Goal: indented", -1, NULL},
    {"\tAgenda", -1, NULL},
    {"- Goal: a list item", -1, NULL},
    {"Decisions", -1, NULL}, /* only inside minutes */
    {"Action items:", -1, NULL},
    {"Next meeting: 6/30", -1, NULL},
    {"行动项", -1, NULL},
    {"", -1, NULL},
};

static void test_headings(void)
{
    size_t i;
    int k;
    char in[256];
    cst_sections s;
    cst_status st;

    for (i = 0; i < N_ELEMS(heading_cases); i++) {
        const struct heading_case *tc = &heading_cases[i];
        int any = 0;

        snprintf(in, sizeof(in), "%s\nBODY", tc->line);
        st = cst_sections_parse(in, strlen(in), &s);
        tap_int(st, CST_OK, "heading[%zu]: status", i);
        for (k = 0; k < CST_SEC__COUNT; k++)
            any += s.sec[k].present;
        if (tc->kind < 0) {
            tap_int(any, 0, "heading[%zu]: '%s' is no heading", i, tc->line);
            continue;
        }
        tap_int(any, 1, "heading[%zu]: one section", i);
        tap_int(s.sec[tc->kind].present, 1, "heading[%zu]: '%s' kind %d", i,
                tc->line, tc->kind);
        tap_str(span_str(&s.sec[tc->kind]), tc->text, "heading[%zu]: text", i);
        tap_int(s.sec[tc->kind].line, 1, "heading[%zu]: line", i);
    }
}

/* --- whole descriptions ---------------------------------------------------
 * want[k] is the text of section k, or "(absent)". */
static const struct doc_case {
    const char *in;
    const char *want[CST_SEC__COUNT];
} doc_cases[] = {
    /* 0: English, every section */
    {"Hello all,\n"
     "\n"
     "Goal: decide the Q3 budget split\n"
     "\n"
     "Agenda\n"
     "1. Review (10 min, Li Si)\n"
     "2. Budget (30 min, Wang Wu)\n"
     "\n"
     "Materials: https://x/doc\n"
     "Minutes\n"
     "We met.\n"
     "Decisions:\n"
     "- A\n"
     "Action items\n"
     "- Li Si to call\n"
     "Next meeting: 2023-06-30\n",
     {"decide the Q3 budget split",
      "1. Review (10 min, Li Si)\n2. Budget (30 min, Wang Wu)", "https://x/doc",
      "We met.", "- A", "- Li Si to call", "2023-06-30"}},
    /* 1: Chinese, CRLF */
    {"**会议目标**：确定Q3预算\r\n"
     "## 会议议程\r\n"
     "1、预算（30分钟，王五）\r\n"
     "\r\n"
     "背景资料：见附件\r\n"
     "## 会议纪要\r\n"
     "结论：通过\r\n"
     "行动项清单：\r\n"
     "1. 王五负责整理\r\n"
     "下次会议：7月7日\r\n",
     {"确定Q3预算", "1、预算（30分钟，王五）", "见附件", "", "通过",
      "1. 王五负责整理", "7月7日"}},
    /* 2: the first heading wins; the second one's text is nobody's */
    {"Agenda\nfirst\nGoal: g\nAgenda\nsecond\n",
     {"g", "first", "(absent)", "(absent)", "(absent)", "(absent)",
      "(absent)"}},
    /* 3: minutes-only headings before the minutes are text */
    {"Agenda\n- a\nAction items: none\nMinutes\nm\nActions\n- x\n",
     {"(absent)", "- a\nAction items: none", "(absent)", "m", "(absent)", "- x",
      "(absent)"}},
    /* 4: the generated block is skipped and ends the section */
    {"Agenda\n- a (5 min, Li)\n\n" CST_BLOCK_BEGIN "\n"
     "Goal: generated\n"
     "Minutes\n"
     "10:00-10:05  a — Li\n" CST_BLOCK_END "\n"
     "after\n",
     {"(absent)", "- a (5 min, Li)", "(absent)", "(absent)", "(absent)",
      "(absent)", "(absent)"}},
    /* 5: an unterminated block runs to the end */
    {"Goal: g\n" CST_BLOCK_BEGIN "\nAgenda\n- x\n",
     {"g", "(absent)", "(absent)", "(absent)", "(absent)", "(absent)",
      "(absent)"}},
    /* 6: a heading after the block counts again */
    {CST_BLOCK_BEGIN "\nx\n" CST_BLOCK_END "\nMinutes: done\n",
     {"(absent)", "(absent)", "(absent)", "done", "(absent)", "(absent)",
      "(absent)"}},
    /* 7: leading blank lines dropped, indentation of the first line kept */
    {"Agenda\n\n  \n   - a\n  - b  \n\n\n",
     {"(absent)", "   - a\n  - b", "(absent)", "(absent)", "(absent)",
      "(absent)", "(absent)"}},
    /* 8: an agenda item's own indented goal line stays in the agenda */
    {"Agenda:\n1. Budget (30 min, Wang)\n   Goal: agree\nMaterials\nm\n",
     {"(absent)", "1. Budget (30 min, Wang)\n   Goal: agree", "m", "(absent)",
      "(absent)", "(absent)", "(absent)"}},
    /* 9: no headings at all */
    {"Let's meet about the budget.\nThanks",
     {"(absent)", "(absent)", "(absent)", "(absent)", "(absent)", "(absent)",
      "(absent)"}},
    /* 10: empty sections */
    {"Goal:\nAgenda:\n",
     {"", "", "(absent)", "(absent)", "(absent)", "(absent)", "(absent)"}},
    /* 11: Pre-reads, Actions, 待办, 决议事项, 下次会议 */
    {"Pre-reads\nr\n纪要\n决议事项\nd\n待办\nt\n下次会议\nn",
     {"(absent)", "(absent)", "r", "", "d", "t", "n"}},
    /* 12: goal reached inside the minutes ends the action items */
    {"Goal: decide\nMinutes\nm\nAction items\n- Li to call\n"
     "Goal reached: partly\nNext meeting: 7/7\n",
     {"decide", "(absent)", "(absent)", "m", "(absent)", "- Li to call",
      "7/7", "partly"}},
    /* 13: Chinese, the value on the next line, 目标达成情况 */
    {"会议目标：确定预算\n纪要\n行动项：\n1. 王五负责整理\n"
     "**目标达成情况**：\n部分\n",
     {"确定预算", "(absent)", "(absent)", "", "(absent)", "1. 王五负责整理",
      "(absent)", "部分"}},
    /* 14: Outcome, 目标达成 */
    {"Minutes:\nOutcome: yes\n",
     {"(absent)", "(absent)", "(absent)", "", "(absent)", "(absent)",
      "(absent)", "yes"}},
    {"纪要：好\n目标达成：否\n行动项\n- x\n",
     {"(absent)", "(absent)", "(absent)", "好", "(absent)", "- x",
      "(absent)", "否"}},
    /* 16: before the minutes it is no heading and ends nothing */
    {"Goal: g\nGoal reached: yes\nMinutes\nm\n",
     {"g\nGoal reached: yes", "(absent)", "(absent)", "m", "(absent)",
      "(absent)", "(absent)", "(absent)"}},
};

static void test_docs(void)
{
    size_t i;
    int k;
    cst_sections s;

    for (i = 0; i < N_ELEMS(doc_cases); i++) {
        const struct doc_case *tc = &doc_cases[i];

        tap_int(cst_sections_parse(tc->in, strlen(tc->in), &s), CST_OK,
                "doc[%zu]: status", i);
        for (k = 0; k < CST_SEC__COUNT; k++)
            tap_str(span_str(&s.sec[k]),
                    tc->want[k] ? tc->want[k] : "(absent)",
                    "doc[%zu]: section %d", i, k);
    }
}

static void test_lines_and_text(void)
{
    const char *in = "intro\nGoal: g\n\nAgenda\n- a\n";
    cst_sections s;

    cst_sections_parse(in, strlen(in), &s);
    tap_int(s.sec[CST_SEC_GOAL].line, 2, "line: goal heading on line 2");
    tap_int(s.sec[CST_SEC_AGENDA].line, 4, "line: agenda heading on line 4");
    tap_ok(s.sec[CST_SEC_AGENDA].text == in + 22, "span points into the text");
    tap_int(cst_span_has_text(&s.sec[CST_SEC_GOAL]), 1, "has_text: goal");
    tap_int(cst_span_has_text(&s.sec[CST_SEC_MINUTES]), 0, "has_text: absent");

    in = "Minutes:   \n \n";
    cst_sections_parse(in, strlen(in), &s);
    tap_int(s.sec[CST_SEC_MINUTES].present, 1, "empty minutes present");
    tap_int(cst_span_has_text(&s.sec[CST_SEC_MINUTES]), 0,
            "has_text: blank minutes");
}

static void test_limits(void)
{
    cst_sections s;
    size_t big = CST_MAX_TEXT_BYTES + 1, i;
    char *buf = malloc(big + 1);
    cst_status st;

    tap_int(cst_sections_parse(NULL, 0, &s), CST_OK, "NULL text");
    tap_int(s.sec[CST_SEC_GOAL].present, 0, "NULL text: nothing");
    if (buf == NULL)
        return;
    memset(buf, 'x', big);
    st = cst_sections_parse(buf, big, &s);
    tap_int(st, CST_ERR_TOO_LARGE, "text over the limit");
    /* exactly at the limit: fine, and one very long line is no heading */
    memcpy(buf, "Goal: ", 6);
    st = cst_sections_parse(buf, CST_MAX_TEXT_BYTES, &s);
    tap_int(st, CST_OK, "text at the limit");
    tap_int(s.sec[CST_SEC_GOAL].present, 0, "over-long line is no heading");
    /* many lines, each a heading */
    for (i = 0; i + 8 <= CST_MAX_TEXT_BYTES; i += 8)
        memcpy(buf + i, "Agenda\n\n", 8);
    st = cst_sections_parse(buf, i, &s);
    tap_int(st, CST_OK, "many headings");
    tap_int(s.sec[CST_SEC_AGENDA].line, 1, "many headings: first wins");
    free(buf);
}

int main(void)
{
    test_headings();
    test_docs();
    test_lines_and_text();
    test_limits();
    return tap_done();
}
