/*
 * test-actions.c -- action items from the minutes (core/actions.h).
 *
 * Cases are tables; every failure message names the case and the item
 * index (as Dovecot's test-http-date.c).  The meeting date is Tuesday
 * 2023-06-20 throughout.
 */
#include "core/actions.h"
#include "tests/unit/tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WANT 6

struct want_item {
    const char *task;
    const char *owner;
    const char *due_text;
    const char *due; /* "YYYY-MM-DD[ HH:MM]" or NULL: has_due == 0 */
    const char *deliverable;
    int priority;
    int line;
};

static const struct act_case {
    const char *text;
    size_t n;
    struct want_item items[MAX_WANT];
} cases[] = {
    /* 0: pipe table, English, all columns */
    {"| Task | Owner | Due | Deliverable | Priority |\n"
     "|---|---|---|---|---|\n"
     "| Send the minutes | Li Si | 2023-06-23 | minutes in wiki | high |\n"
     "| Book the room | @wangwu | Friday | | P3 |\n",
     2,
     {{"Send the minutes", "Li Si", "2023-06-23", "2023-06-23",
       "minutes in wiki", 1, 3},
      {"Book the room", "@wangwu", "Friday", "2023-06-23", NULL, 9, 4}}},
    /* 1: pipe table, Chinese, other order, extra columns, no priority */
    {"| 序号 | 负责人 | 任务描述 | 截止日期 | 交付标准 | 备注 |\n"
     "| --- | :---: | --- | --- | --- | --- |\n"
     "| 1 | 王五 | 整理预算方案 | 6月30日 | 提交给财务部 | 无 |\n"
     "| 2 | 李四 | 更新排期 | 下周五 | 甘特图 | |\n",
     2,
     {{"整理预算方案", "王五", "6月30日", "2023-06-30", "提交给财务部", 0, 3},
      {"更新排期", "李四", "下周五", "2023-06-30", "甘特图", 0, 4}}},
    /* 2: full-width pipes, 任务 / 截止时间 / 优先级 */
    {"｜任务｜截止时间｜优先级｜\n"
     "｜发送纪要｜明天 18:00｜紧急｜\n",
     1,
     {{"发送纪要", NULL, "明天 18:00", "2023-06-21 18:00", NULL, 1, 2}}},
    /* 3: tab-separated, rows without a task are skipped, empty trailing
     * cells keep their places */
    {"Owner\tTask\tDue\tDeliverable\n"
     "张三\t发送纪要\t明天\t邮件\n"
     "Li\t\t6/30\t\n"
     "Sun Qi\tCall the vendor\t\t\n"
     "not a row\n",
     2,
     {{"发送纪要", "张三", "明天", "2023-06-21", "邮件", 0, 2},
      {"Call the vendor", "Sun Qi", NULL, NULL, NULL, 0, 4}}},
    /* 4: vertical table (Chinese), a dash is an empty cell, a blank line
     * ends it */
    {"任务\n负责人\n截止日期\n交付标准\n"
     "整理预算方案\n王五\n6月30日\n预算表\n"
     "更新排期\n李四\n周五\n-\n"
     "\n"
     "下一段文字\n",
     2,
     {{"整理预算方案", "王五", "6月30日", "2023-06-30", "预算表", 0, 5},
      {"更新排期", "李四", "周五", "2023-06-23", NULL, 0, 9}}},
    /* 5: vertical table (English), last row cut short */
    {"Task\nOwner\nDue\n"
     "Send notes\nLi Si\nFriday\n"
     "Book room\nWang Wu\n",
     2,
     {{"Send notes", "Li Si", "Friday", "2023-06-23", NULL, 0, 4},
      {"Book room", "Wang Wu", NULL, NULL, NULL, 0, 7}}},
    /* 6: vertical table ended by a list item, with an ignored column */
    {"#\nTask\nOwner\n"
     "1\nSend notes\nLi Si\n"
     "- Call vendor — Sun Qi — — notes shared\n",
     2,
     {{"Send notes", "Li Si", NULL, NULL, NULL, 0, 4},
      {"Call vendor", "Sun Qi", NULL, NULL, "notes shared", 0, 7}}},
    /* 7: separated list lines */
    {"- Call the vendor — Sun Qi — — notes shared\n"
     "- Draft the plan — Li Si — June 30 — plan in wiki — urgent\n"
     "1. Update budget | 王五 | 6/30 | Excel | P2\n"
     "* Fix the bug; Zhang San; tomorrow\n"
     "- 整理会议纪要；张三；明天；发到群里；高\n"
     "2) 准备材料——李四——7月1日\n",
     6,
     {{"Call the vendor", "Sun Qi", NULL, NULL, "notes shared", 0, 1},
      {"Draft the plan", "Li Si", "June 30", "2023-06-30", "plan in wiki", 1,
       2},
      {"Update budget", "王五", "6/30", "2023-06-30", "Excel", 5, 3},
      {"Fix the bug", "Zhang San", "tomorrow", "2023-06-21", NULL, 0, 4},
      {"整理会议纪要", "张三", "明天", "2023-06-21", "发到群里", 1, 5},
      {"准备材料", "李四", "7月1日", "2023-07-01", NULL, 0, 6}}},
    /* 8: labelled fields on one line */
    {"- task: Send minutes; owner: Li Si; due: Friday; "
     "deliverable: wiki page; priority: low\n"
     "- 任务：整理预算，负责人：王五，截止：6月30日，交付标准：预算表，"
     "优先级：中\n"
     "- Prepare slides, owner: @zhao, due: next Friday\n"
     "- Owner: Sun Qi; Task: Call the vendor; Due Date: 7/7\n",
     4,
     {{"Send minutes", "Li Si", "Friday", "2023-06-23", "wiki page", 9, 1},
      {"整理预算", "王五", "6月30日", "2023-06-30", "预算表", 5, 2},
      {"Prepare slides", "@zhao", "next Friday", "2023-06-30", NULL, 0, 3},
      {"Call the vendor", "Sun Qi", "7/7", "2023-07-07", NULL, 0, 4}}},
    /* 9: labelled fields over several lines; a repeated label starts a new
     * item, so does a blank line */
    {"任务：整理预算方案\n"
     "负责人：王五\n"
     "截止日期：2023年6月30日\n"
     "交付标准：提交给财务部\n"
     "\n"
     "任务：更新排期\n"
     "负责人：李四\n"
     "任务：第三个\n"
     "\n"
     "- task: Fourth\n"
     "  owner: Zhao\n",
     4,
     {{"整理预算方案", "王五", "2023年6月30日", "2023-06-30", "提交给财务部", 0,
       1},
      {"更新排期", "李四", NULL, NULL, NULL, 0, 6},
      {"第三个", NULL, NULL, NULL, NULL, 0, 8},
      {"Fourth", "Zhao", NULL, NULL, NULL, 0, 10}}},
    /* 10: ACTION: OWNER to TASK [by DATE] */
    {"ACTION: Li Si to send the minutes to everyone by Friday\n"
     "action item: @wangwu to book the room\n"
     "Action: Zhao Liu to draft the plan (due 6/30)\n"
     "ACTION: send the report to finance\n"
     "- ACTION: Sun Qi to call the vendor by June 30 5pm.\n",
     5,
     {{"send the minutes to everyone", "Li Si", "Friday", "2023-06-23", NULL, 0,
       1},
      {"book the room", "@wangwu", NULL, NULL, NULL, 0, 2},
      {"draft the plan", "Zhao Liu", "6/30", "2023-06-30", NULL, 0, 3},
      {"send the report to finance", NULL, NULL, NULL, NULL, 0, 4},
      {"call the vendor", "Sun Qi", "June 30 5pm", "2023-06-30 17:00", NULL, 0,
       5}}},
    /* 11: MeetBot */
    {"#action alice send the agenda\n"
     "#action bob to update the wiki by tomorrow\n"
     "#action Li Si to call the vendor\n"
     "#ACTION carol: review the draft\n"
     "#actions are not this\n",
     4,
     {{"send the agenda", "alice", NULL, NULL, NULL, 0, 1},
      {"update the wiki", "bob", "tomorrow", "2023-06-21", NULL, 0, 2},
      {"call the vendor", "Li Si", NULL, NULL, NULL, 0, 3},
      {"review the draft", "carol", NULL, NULL, NULL, 0, 4}}},
    /* 12: the Chinese sentence form */
    {"1. 王五负责整理预算方案，6月30日前提交给财务部\n"
     "2、由李四负责更新项目排期，下周五前完成\n"
     "3. 张三负责在明天之前发送会议纪要\n"
     "4. 赵六负责调研供应商，输出对比表，7月5日前完成。\n"
     "5. Li Si负责联系客户，本周五\n"
     "6. 孙七负责：准备培训材料，截止：6月28日，优先级：高\n",
     6,
     {{"整理预算方案", "王五", "6月30日前", "2023-06-30", "提交给财务部", 0, 1},
      {"更新项目排期", "李四", "下周五前", "2023-06-30", NULL, 0, 2},
      {"发送会议纪要", "张三", "明天之前", "2023-06-21", NULL, 0, 3},
      {"调研供应商", "赵六", "7月5日前", "2023-07-05", "输出对比表", 0, 4},
      {"联系客户", "Li Si", "本周五", "2023-06-23", NULL, 0, 5},
      {"准备培训材料", "孙七", "6月28日", "2023-06-28", NULL, 1, 6}}},
    /* 13: everything mixed in one section */
    {"会议决定如下行动项：\r\n"
     "| Task | Owner | Due |\r\n"
     "|---|---|---|\r\n"
     "| Send minutes | Li Si | Fri |\r\n"
     "\r\n"
     "- Call the vendor — Sun Qi — — notes shared\r\n"
     "ACTION: Wang Wu to book the room by 6/30\r\n"
     "王五负责整理预算方案，6月30日前提交给财务部\r\n"
     "任务：更新排期；负责人：李四\r\n"
     "#action zhao check the budget\r\n",
     6,
     {{"Send minutes", "Li Si", "Fri", "2023-06-23", NULL, 0, 4},
      {"Call the vendor", "Sun Qi", NULL, NULL, "notes shared", 0, 6},
      {"book the room", "Wang Wu", "6/30", "2023-06-30", NULL, 0, 7},
      {"整理预算方案", "王五", "6月30日前", "2023-06-30", "提交给财务部", 0, 8},
      {"更新排期", "李四", NULL, NULL, NULL, 0, 9},
      {"check the budget", "zhao", NULL, NULL, NULL, 0, 10}}},
    /* 14: lines that hold no item */
    {"# Actions\n"
     "Nothing else to report.\n"
     "- 无\n"
     "- None\n"
     "Review Q3 - Q4 plan\n"
     "负责人：王五\n"
     "-\n"
     "\n",
     0,
     {{NULL, NULL, NULL, NULL, NULL, 0, 0}}},
    /* 15: a due date as written that does not parse; bare list items */
    {"- Write docs — Li — end of month — docs\n"
     "- Send the notes by Friday\n"
     "- Review the budget\n"
     "- Fix login - Li Si - 6/30\n",
     4,
     {{"Write docs", "Li", "end of month", NULL, "docs", 0, 1},
      {"Send the notes", NULL, "Friday", "2023-06-23", NULL, 0, 2},
      {"Review the budget", NULL, NULL, NULL, NULL, 0, 3},
      {"Fix login", "Li Si", "6/30", "2023-06-30", NULL, 0, 4}}},
    /* 16: boundaries of due dates in items */
    {"- Renew cert — Ops — 2/29 — new cert\n"
     "- Close the year — Finance — 12/31\n"
     "- Plan — PM — Tuesday\n"
     "- Bad — PM — 2/30\n",
     4,
     {{"Renew cert", "Ops", "2/29", "2024-02-29", "new cert", 0, 1},
      {"Close the year", "Finance", "12/31", "2023-12-31", NULL, 0, 2},
      {"Plan", "PM", "Tuesday", "2023-06-27", NULL, 0, 3},
      {"Bad", "PM", "2/30", NULL, NULL, 0, 4}}},
    /* 17: empty text */
    {"", 0, {{NULL, NULL, NULL, NULL, NULL, 0, 0}}},
    /* 18: "OWNER: TASK", check boxes, @mentions at either end */
    {"1、王五：整理预算方案，6月30日前提交给财务部\n"
     "- Li Si: send notes by Friday\n"
     "- [ ] Book the room @wangwu\n"
     "- [x] @zhao fix the build\n"
     "- Note: budget is tight\n"
     "- See http://example.org\n"
     "Summary: a good meeting\n",
     6,
     {{"整理预算方案", "王五", "6月30日前", "2023-06-30", "提交给财务部", 0, 1},
      {"send notes", "Li Si", "Friday", "2023-06-23", NULL, 0, 2},
      {"Book the room", "@wangwu", NULL, NULL, NULL, 0, 3},
      {"fix the build", "@zhao", NULL, NULL, NULL, 0, 4},
      {"Note: budget is tight", NULL, NULL, NULL, NULL, 0, 5},
      {"See http://example.org", NULL, NULL, NULL, NULL, 0, 6}}},
};

static void fmt(const cst_date *d, char *buf, size_t size)
{
    if (d->has_time)
        snprintf(buf, size, "%04d-%02d-%02d %02d:%02d", d->year, d->month,
                 d->day, d->hour, d->minute);
    else
        snprintf(buf, size, "%04d-%02d-%02d", d->year, d->month, d->day);
}

static const cst_date meeting = {2023, 6, 20, 0, 0, 0};

static void test_cases(void)
{
    size_t i, k;
    cst_actions a;
    cst_status st;
    char due[32];

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct act_case *c = &cases[i];

        st = cst_actions_parse(c->text, strlen(c->text), &meeting, &a);
        tap_int(st, CST_OK, "case[%zu] status", i);
        if (!tap_ok(a.n == c->n, "case[%zu] %zu items", i, c->n)) {
            printf("#   got %zu:\n", a.n);
            for (k = 0; k < a.n; k++)
                printf("#   [%zu] task '%s' owner '%s' due '%s'\n", k,
                       a.items[k].task,
                       a.items[k].owner ? a.items[k].owner : "(null)",
                       a.items[k].due_text ? a.items[k].due_text : "(null)");
        }
        for (k = 0; k < a.n && k < c->n && k < MAX_WANT; k++) {
            const struct want_item *w = &c->items[k];
            const cst_action_item *g = &a.items[k];

            tap_str(g->task, w->task, "case[%zu] item[%zu] task", i, k);
            tap_str(g->owner, w->owner, "case[%zu] item[%zu] owner", i, k);
            tap_str(g->due_text, w->due_text, "case[%zu] item[%zu] due_text", i,
                    k);
            fmt(&g->due, due, sizeof(due));
            tap_str(g->has_due ? due : NULL, w->due, "case[%zu] item[%zu] due",
                    i, k);
            tap_str(g->deliverable, w->deliverable,
                    "case[%zu] item[%zu] deliverable", i, k);
            tap_int(g->priority, w->priority, "case[%zu] item[%zu] priority", i,
                    k);
            tap_int(g->line, w->line, "case[%zu] item[%zu] line", i, k);
        }
        cst_actions_fini(&a);
        tap_ok(a.items == NULL && a.n == 0, "case[%zu] fini empties", i);
    }
}

static const struct prio_case {
    const char *in;
    int want;
} prio_cases[] = {
    {"high", 1},   {"HIGH", 1}, {"Urgent", 1}, {"P1", 1},       {"p1", 1},
    {"高", 1},     {"紧急", 1}, {" high ", 1}, {"高优先级", 1}, {"medium", 5},
    {"Normal", 5}, {"P2", 5},   {"中", 5},     {"low", 9},      {"P3", 9},
    {"低", 9},     {"LOW", 9},  {"", 0},       {"soon", 0},     {"highish", 0},
    {"P", 0},      {"高高", 0},
};

static void test_priority(void)
{
    size_t i;

    for (i = 0; i < sizeof(prio_cases) / sizeof(prio_cases[0]); i++)
        tap_int(cst_priority_parse(prio_cases[i].in, strlen(prio_cases[i].in)),
                prio_cases[i].want, "priority[%zu] '%s'", i, prio_cases[i].in);
    tap_int(cst_priority_parse(NULL, 0), 0, "priority NULL");
}

/* Appends s to buf at *off (the caller sized buf). */
static void put(char *buf, size_t *off, const char *s)
{
    size_t n = strlen(s);

    memcpy(buf + *off, s, n);
    *off += n;
    buf[*off] = '\0';
}

static void test_limits(void)
{
    const char *noref = "- Call — Li — Friday\n- Mail — Li — 2023-07-01\n";
    cst_actions a;
    cst_status st;
    char *buf;
    size_t off = 0, i, size;

    /* a line over CST_MAX_LINE_BYTES is ignored, the next one is read */
    size = CST_MAX_LINE_BYTES + 200;
    buf = malloc(size);
    if (!tap_ok(buf != NULL, "limits malloc"))
        return;
    put(buf, &off, "- ");
    for (i = 0; i < CST_MAX_LINE_BYTES; i++)
        buf[off++] = 'x';
    buf[off] = '\0';
    put(buf, &off, " — Li\n- Short one — Li\n");
    st = cst_actions_parse(buf, off, &meeting, &a);
    tap_int(st, CST_OK, "limits[0] long line status");
    tap_int(a.n, 1, "limits[0] long line skipped");
    if (a.n == 1) {
        tap_str(a.items[0].task, "Short one", "limits[0] task");
        tap_int(a.items[0].line, 2, "limits[0] line");
    }
    cst_actions_fini(&a);
    free(buf);

    /* exactly CST_MAX_ACTION_ITEMS items, then one more */
    size = (CST_MAX_ACTION_ITEMS + 1) * 16 + 1;
    buf = malloc(size);
    if (!tap_ok(buf != NULL, "limits malloc"))
        return;
    off = 0;
    for (i = 0; i < CST_MAX_ACTION_ITEMS; i++)
        put(buf, &off, "- Task — Li\n");
    st = cst_actions_parse(buf, off, &meeting, &a);
    tap_int(st, CST_OK, "limits[1] max items status");
    tap_int(a.n, CST_MAX_ACTION_ITEMS, "limits[1] max items");
    cst_actions_fini(&a);
    put(buf, &off, "- Task — Li\n");
    st = cst_actions_parse(buf, off, &meeting, &a);
    tap_int(st, CST_ERR_TOO_LARGE, "limits[2] too many items");
    tap_ok(a.n == 0 && a.items == NULL, "limits[2] nothing kept");
    free(buf);

    /* text over CST_MAX_TEXT_BYTES */
    size = CST_MAX_TEXT_BYTES + 2;
    buf = calloc(1, size);
    if (!tap_ok(buf != NULL, "limits calloc"))
        return;
    memset(buf, '\n', size - 1);
    st = cst_actions_parse(buf, size - 1, &meeting, &a);
    tap_int(st, CST_ERR_TOO_LARGE, "limits[3] text too large");
    tap_ok(a.n == 0 && a.items == NULL, "limits[3] nothing kept");
    st = cst_actions_parse(buf, CST_MAX_TEXT_BYTES, &meeting, &a);
    tap_int(st, CST_OK, "limits[4] text at the limit");
    cst_actions_fini(&a);
    free(buf);

    /* more table columns than CST_MAX_TABLE_COLUMNS, invalid UTF-8, NUL */
    buf = malloc(4096);
    if (!tap_ok(buf != NULL, "limits malloc"))
        return;
    off = 0;
    put(buf, &off, "| Task | Owner |");
    for (i = 0; i < CST_MAX_TABLE_COLUMNS + 5; i++)
        put(buf, &off, " x |");
    put(buf, &off, "\n| A \xff\xfe | Li |");
    for (i = 0; i < CST_MAX_TABLE_COLUMNS + 5; i++)
        put(buf, &off, " y |");
    put(buf, &off, "\n");
    st = cst_actions_parse(buf, off, &meeting, &a);
    tap_int(st, CST_OK, "limits[5] wide table status");
    tap_int(a.n, 1, "limits[5] wide table row");
    if (a.n == 1)
        tap_str(a.items[0].task, "A ??", "limits[5] invalid UTF-8 folded");
    cst_actions_fini(&a);
    free(buf);

    /* without a meeting date, relative dates do not parse */
    st = cst_actions_parse(noref, strlen(noref), NULL, &a);
    tap_int(st, CST_OK, "limits[6] no ref status");
    tap_int(a.n, 2, "limits[6] items");
    if (a.n == 2) {
        tap_int(a.items[0].has_due, 0, "limits[6] weekday without ref");
        tap_int(a.items[1].has_due, 1, "limits[6] full date without ref");
    }
    cst_actions_fini(&a);
    cst_actions_fini(NULL);
}

int main(void)
{
    test_cases();
    test_priority();
    test_limits();
    return tap_done();
}
