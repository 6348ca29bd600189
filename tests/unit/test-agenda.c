/*
 * test-agenda.c -- core/agenda.c: list items (English and Chinese), pipe
 * and tab tables, missing durations or owners, goals, prose, caps.
 */
#include "tests/unit/tap.h"
#include "core/agenda.h"

#include <stdlib.h>

#define N_ELEMS(x) (sizeof(x) / sizeof((x)[0]))
#define MAX_WANT 6

typedef struct want_item {
    const char *topic;
    int minutes;
    const char *owner;
    const char *goal;
    int line;
} want_item;

static const struct agenda_case {
    const char *in;
    size_t n;
    want_item items[MAX_WANT];
} agenda_cases[] = {
    /* 0: spec examples */
    {"1. Review of last action items (10 min, Li Si)\n"
     "2、Q3市场推广预算分配方案讨论（30分钟，王五）目标：确定各部门额度\n",
     2,
     {{"Review of last action items", 10, "Li Si", NULL, 1},
      {"Q3市场推广预算分配方案讨论", 30, "王五", "确定各部门额度", 2}}},
    /* 1: every list marker */
    {"1) A (5 min, Li)\n"
     "(2) B (5 min, Li)\n"
     "- C (5 min, Li)\n"
     "* D (5 min, Li)\n"
     "• E (5 min, Li)\n"
     "① F (5 min, Li)\n",
     6,
     {{"A", 5, "Li", NULL, 1},
      {"B", 5, "Li", NULL, 2},
      {"C", 5, "Li", NULL, 3},
      {"D", 5, "Li", NULL, 4},
      {"E", 5, "Li", NULL, 5},
      {"F", 5, "Li", NULL, 6}}},
    /* 2: either order, only one of the two */
    {"1. Intro (Li Si, 10 min)\n"
     "2. Budget (30 min)\n"
     "3. Hiring (Wang Wu)\n"
     "4. AOB\n",
     4,
     {{"Intro", 10, "Li Si", NULL, 1},
      {"Budget", 30, NULL, NULL, 2},
      {"Hiring", -1, "Wang Wu", NULL, 3},
      {"AOB", -1, NULL, NULL, 4}}},
    /* 3: goal forms */
    {"1. Budget (30 min, Wang) — goal: agree on the split\n"
     "2. Hiring (20 min, Li) - goal: pick one\n"
     "3. Ops (10 min, Sun) -- Goal: review\n"
     "4. 预算（30分钟，王五）— 目标：确定额度\n"
     "5. Roadmap (15 min, Zhao) goal: publish\n",
     5,
     {{"Budget", 30, "Wang", "agree on the split", 1},
      {"Hiring", 20, "Li", "pick one", 2},
      {"Ops", 10, "Sun", "review", 3},
      {"预算", 30, "王五", "确定额度", 4},
      {"Roadmap", 15, "Zhao", "publish", 5}}},
    /* 4: Chinese list, full-width punctuation and digits */
    {"1、开场（５分钟，主持人）\n"
     "2、Q3复盘（1小时，李四）\n"
     "3、预算（半小时；王五）\n"
     "4、招聘（张三、20分钟）\n",
     4,
     {{"开场", 5, "主持人", NULL, 1},
      {"Q3复盘", 60, "李四", NULL, 2},
      {"预算", 30, "王五", NULL, 3},
      {"招聘", 20, "张三", NULL, 4}}},
    /* 5: prose is ignored; line numbers count every line */
    {"We will cover the following.\n"
     "\n"
     "1. Intro (5 min, Li)\n"
     "Please read the doc (it is short) first.\n"
     "2. Budget (1h, Wang)\n"
     "Thanks!\n",
     2,
     {{"Intro", 5, "Li", NULL, 3}, {"Budget", 60, "Wang", NULL, 5}}},
    /* 6: pipe table with leading and trailing pipes, '#' ignored */
    {"| # | Topic | Duration | Owner | Goal |\n"
     "|---|-------|:--------:|-------|------|\n"
     "| 1 | Intro | 10 min | Li Si | |\n"
     "| 2 | Budget | 30min | Wang Wu | decide split |\n"
     "| 3 | AOB | | | |\n",
     3,
     {{"Intro", 10, "Li Si", NULL, 3},
      {"Budget", 30, "Wang Wu", "decide split", 4},
      {"AOB", -1, NULL, NULL, 5}}},
    /* 7: pipe table without outer pipes, Chinese header, other order */
    {"负责人 | 议题 | 时长 | 备注\n"
     "--- | --- | --- | ---\n"
     "王五 | 预算 | 30分钟 | 无\n"
     "李四 | 复盘 | 1小时 | \n",
     2,
     {{"预算", 30, "王五", NULL, 3}, {"复盘", 60, "李四", NULL, 4}}},
    /* 8: tab table; a bare number in a duration column is minutes */
    {"Topic\tDuration (min)\tOwner\tNotes\n"
     "Intro\t10\tLi Si\tshort\n"
     "Budget\t1.5 h\tWang Wu\t\n",
     2,
     {{"Intro", 10, "Li Si", NULL, 2}, {"Budget", 90, "Wang Wu", NULL, 3}}},
    /* 9: Chinese tab table with goal, full-width header colon-free */
    {"议题\t时长\t负责人\t目标\n"
     "预算分配\t30分钟\t王五\t确定额度\n",
     1,
     {{"预算分配", 30, "王五", "确定额度", 2}}},
    /* 10: a table ends at a line that is no row; a list follows */
    {"| Topic | Owner |\n"
     "|---|---|\n"
     "| A | Li |\n"
     "Some prose.\n"
     "| stray | row |\n"
     "- B (5 min, Wang)\n",
     2,
     {{"A", -1, "Li", NULL, 3}, {"B", 5, "Wang", NULL, 6}}},
    /* 11: a pipe line without a Topic header is no table */
    {"| Name | Role |\n|---|---|\n| Li | host |\n",
     0,
     {{NULL, 0, NULL, NULL, 0}}},
    /* 12: dash form and trailing duration */
    {"- Intro — 10 min — Li Si\n"
     "- Budget - Wang Wu - 30 min\n"
     "- Break 10 min\n"
     "- Q3 - Q4 planning\n",
     4,
     {{"Intro", 10, "Li Si", NULL, 1},
      {"Budget", 30, "Wang Wu", NULL, 2},
      {"Break", 10, NULL, NULL, 3},
      {"Q3 - Q4 planning", -1, NULL, NULL, 4}}},
    /* 13: parentheses inside the topic; the last group is the meta */
    {"1. Review (Q3) numbers (10 min, Li)\n"
     "2. Wrap-up (5 min, Zhao).\n",
     2,
     {{"Review (Q3) numbers", 10, "Li", NULL, 1},
      {"Wrap-up", 5, "Zhao", NULL, 2}}},
    /* 14: sub-points are no items; field lines complete the item */
    {"1. Budget (30 min)\n"
     "   - Q3 numbers\n"
     "   - owner: Wang Wu\n"
     "   Goal: agree on the split\n"
     "2. Hiring (10 min, Li)\n",
     2,
     {{"Budget", 30, "Wang Wu", "agree on the split", 1},
      {"Hiring", 10, "Li", NULL, 5}}},
    /* 15: labels and fillers inside the parenthesis */
    {"1. Intro (about 10 min, owner: Li Si)\n"
     "2. Demo (10 min Wang Wu)\n"
     "3. 总结（约5分钟，负责人：赵六）\n"
     "4. 复盘（10分钟李四）\n"
     "5. Q&A (10 min / Li Si)\n"
     "6. 培训（张三 1小时）\n",
     6,
     {{"Intro", 10, "Li Si", NULL, 1},
      {"Demo", 10, "Wang Wu", NULL, 2},
      {"总结", 5, "赵六", NULL, 3},
      {"复盘", 10, "李四", NULL, 4},
      {"Q&A", 10, "Li Si", NULL, 5},
      {"培训", 60, "张三", NULL, 6}}},
    /* 16: empty items and markers alone are skipped; CRLF */
    {"1.\r\n- \r\n- (10 min, Li)\r\n2. Real (5 min, Li)\r\n",
     1,
     {{"Real", 5, "Li", NULL, 4}}},
    /* 17: checkboxes */
    {"- [ ] Intro (5 min, Li)\n- [x] Budget (10 min, Wang)\n",
     2,
     {{"Intro", 5, "Li", NULL, 1}, {"Budget", 10, "Wang", NULL, 2}}},
    /* 18: time ranges in a table's time column */
    {"| Time | Topic | Owner |\n|---|---|---|\n"
     "| 10:00-10:10 | Intro | Li |\n| 10:10 – 10:40 | Budget | Wang |\n",
     2,
     {{"Intro", 10, "Li", NULL, 3}, {"Budget", 30, "Wang", NULL, 4}}},
    /* 19: nothing */
    {"", 0, {{NULL, 0, NULL, NULL, 0}}},
};

static void check_case(size_t i, const struct agenda_case *tc)
{
    cst_agenda a;
    cst_status st;
    size_t k;

    st = cst_agenda_parse(tc->in, strlen(tc->in), &a);
    tap_int(st, CST_OK, "agenda[%zu]: status", i);
    tap_int(a.n, tc->n, "agenda[%zu]: item count", i);
    for (k = 0; k < a.n && k < tc->n; k++) {
        const want_item *w = &tc->items[k];
        const cst_agenda_item *it = &a.items[k];

        tap_str(it->topic, w->topic, "agenda[%zu] item %zu: topic", i, k);
        tap_int(it->minutes, w->minutes, "agenda[%zu] item %zu: minutes", i, k);
        tap_str(it->owner, w->owner, "agenda[%zu] item %zu: owner", i, k);
        tap_str(it->goal, w->goal, "agenda[%zu] item %zu: goal", i, k);
        tap_int(it->line, w->line, "agenda[%zu] item %zu: line", i, k);
    }
    cst_agenda_fini(&a);
    tap_ok(a.items == NULL && a.n == 0, "agenda[%zu]: fini zeroes", i);
}

static void test_cases(void)
{
    size_t i;

    for (i = 0; i < N_ELEMS(agenda_cases); i++)
        check_case(i, &agenda_cases[i]);
}

/* Builds n list lines "- Item K (5 min, Li)". */
static char *many_items(size_t n, size_t *len)
{
    size_t cap = n * 32 + 1, o = 0, k;
    char *buf = malloc(cap);

    if (buf == NULL)
        return NULL;
    for (k = 0; k < n; k++)
        o += (size_t)snprintf(buf + o, cap - o, "- Item %zu (5 min, Li)\n", k);
    *len = o;
    return buf;
}

static void test_limits(void)
{
    cst_agenda a;
    cst_status st;
    size_t len, big;
    char *buf;

    /* exactly CST_MAX_AGENDA_ITEMS items: fine */
    buf = many_items(CST_MAX_AGENDA_ITEMS, &len);
    if (buf == NULL)
        return;
    st = cst_agenda_parse(buf, len, &a);
    tap_int(st, CST_OK, "limits: %u items ok", CST_MAX_AGENDA_ITEMS);
    tap_int(a.n, CST_MAX_AGENDA_ITEMS, "limits: all items kept");
    if (a.n == CST_MAX_AGENDA_ITEMS)
        tap_str(a.items[CST_MAX_AGENDA_ITEMS - 1].topic, "Item 199",
                "limits: last item");
    cst_agenda_fini(&a);
    free(buf);

    /* one more: too large, nothing kept */
    buf = many_items(CST_MAX_AGENDA_ITEMS + 1, &len);
    if (buf == NULL)
        return;
    st = cst_agenda_parse(buf, len, &a);
    tap_int(st, CST_ERR_TOO_LARGE, "limits: %u items too many",
            CST_MAX_AGENDA_ITEMS + 1);
    tap_ok(a.n == 0 && a.items == NULL, "limits: freed on TOO_LARGE");
    cst_agenda_fini(&a);
    free(buf);

    /* an over-long line is ignored, the next one is read */
    big = CST_MAX_LINE_BYTES + 100;
    buf = malloc(big + 64);
    if (buf == NULL)
        return;
    memcpy(buf, "- ", 2);
    memset(buf + 2, 'x', big - 2);
    memcpy(buf + big - 14, " (5 min, Li)\n", 13);
    len = big - 1;
    memcpy(buf + len, "- B (5 min, Li)\n", 16);
    len += 16;
    st = cst_agenda_parse(buf, len, &a);
    tap_int(st, CST_OK, "limits: long line status");
    tap_int(a.n, 1, "limits: long line ignored");
    if (a.n == 1) {
        tap_str(a.items[0].topic, "B", "limits: next line read");
        tap_int(a.items[0].line, 2, "limits: next line number");
    }
    cst_agenda_fini(&a);

    /* a line just at the limit is read */
    memset(buf, 'y', CST_MAX_LINE_BYTES);
    memcpy(buf, "- ", 2);
    st = cst_agenda_parse(buf, CST_MAX_LINE_BYTES, &a);
    tap_int(a.n, 1, "limits: line of %u bytes read", CST_MAX_LINE_BYTES);
    if (a.n == 1)
        tap_int(strlen(a.items[0].topic), CST_MAX_LINE_BYTES - 2,
                "limits: topic kept whole");
    cst_agenda_fini(&a);
    free(buf);

    /* text over CST_MAX_TEXT_BYTES */
    big = CST_MAX_TEXT_BYTES + 1;
    buf = malloc(big);
    if (buf == NULL)
        return;
    memset(buf, '\n', big);
    st = cst_agenda_parse(buf, big, &a);
    tap_int(st, CST_ERR_TOO_LARGE, "limits: text too large");
    tap_int(a.n, 0, "limits: text too large, no items");
    free(buf);

    /* more table columns than CST_MAX_TABLE_COLUMNS: the rest ignored */
    {
        char t[1024];
        size_t o = 0, k;

        o += (size_t)snprintf(t + o, sizeof(t) - o, "Topic");
        for (k = 0; k < CST_MAX_TABLE_COLUMNS + 5; k++)
            o += (size_t)snprintf(t + o, sizeof(t) - o, "\tc%zu", k);
        o += (size_t)snprintf(t + o, sizeof(t) - o, "\tOwner\nA");
        for (k = 0; k < CST_MAX_TABLE_COLUMNS + 5; k++)
            o += (size_t)snprintf(t + o, sizeof(t) - o, "\tv");
        o += (size_t)snprintf(t + o, sizeof(t) - o, "\tLi\n");
        st = cst_agenda_parse(t, o, &a);
        tap_int(st, CST_OK, "limits: wide table status");
        tap_int(a.n, 1, "limits: wide table row");
        if (a.n == 1)
            tap_str(a.items[0].owner, NULL,
                    "limits: column past the cap ignored");
        cst_agenda_fini(&a);
    }

    /* fini on a zeroed struct and twice */
    memset(&a, 0, sizeof(a));
    cst_agenda_fini(&a);
    cst_agenda_fini(&a);
    cst_agenda_fini(NULL);
    tap_ok(1, "limits: fini is safe on zeroed structs and NULL");
}

int main(void)
{
    test_cases();
    test_limits();
    return tap_done();
}
