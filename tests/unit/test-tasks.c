/*
 * test-tasks.c -- the VTODOs calsteward writes (core/tasks.h, spec
 * sections 2 and 4): action items in every form of the minutes, English
 * and Chinese; preparation tasks; stable UIDs; merging with the copy a
 * server holds.
 *
 * Cases are tables with the case index in every failure message (as
 * Dovecot's test-http-date.c); iCalendar fixtures are C strings with
 * explicit CRLF.  Every task built is parsed with libical and must pass
 * icalrestriction_check() without a single X-LIC-ERROR.
 *
 * The meeting is Tuesday 2023-06-20 10:00-11:00 Asia/Shanghai
 * (02:00-03:00Z) unless a case says otherwise.
 */
#include "core/policy.h"
#include "core/tasks.h"
#include "tests/unit/tap.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#define MAX_WANT 6
#define MAX_TASKS 64

/* 2023-06-22T02:00:00Z: the meeting has ended, the minutes are in */
#define AFTER ((time_t)1687399200)
/* 2023-06-10T00:00:00Z: the meeting is ahead */
#define BEFORE ((time_t)1686355200)
/* 2023-07-10T00:00:00Z: long after the meeting */
#define LATER ((time_t)1688947200)

#define VTZ_SHANGHAI                                                           \
    "BEGIN:VTIMEZONE\r\n"                                                      \
    "TZID:Asia/Shanghai\r\n"                                                   \
    "BEGIN:STANDARD\r\n"                                                       \
    "TZOFFSETFROM:+0800\r\n"                                                   \
    "TZOFFSETTO:+0800\r\n"                                                     \
    "TZNAME:CST\r\n"                                                           \
    "DTSTART:19700101T000000\r\n"                                              \
    "END:STANDARD\r\n"                                                         \
    "END:VTIMEZONE\r\n"

#define VTZ_NEW_YORK                                                           \
    "BEGIN:VTIMEZONE\r\n"                                                      \
    "TZID:America/New_York\r\n"                                                \
    "BEGIN:DAYLIGHT\r\n"                                                       \
    "TZOFFSETFROM:-0500\r\n"                                                   \
    "TZOFFSETTO:-0400\r\n"                                                     \
    "TZNAME:EDT\r\n"                                                           \
    "DTSTART:20070311T020000\r\n"                                              \
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\n"                                \
    "END:DAYLIGHT\r\n"                                                         \
    "BEGIN:STANDARD\r\n"                                                       \
    "TZOFFSETFROM:-0400\r\n"                                                   \
    "TZOFFSETTO:-0500\r\n"                                                     \
    "TZNAME:EST\r\n"                                                           \
    "DTSTART:20071104T020000\r\n"                                              \
    "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\n"                               \
    "END:STANDARD\r\n"                                                         \
    "END:VTIMEZONE\r\n"

#define PEOPLE                                                                 \
    "ORGANIZER;CN=Zhang San:mailto:zhangsan@example.com\r\n"                   \
    "ATTENDEE;CN=Li Si;PARTSTAT=ACCEPTED:mailto:lisi@example.com\r\n"          \
    "ATTENDEE;CN=王五;PARTSTAT=NEEDS-ACTION:mailto:wangwu@example.com\r\n"   \
    "ATTENDEE;CN=Sun Qi:mailto:sunqi@example.com\r\n"                          \
    "ATTENDEE;CN=\"Zhao, Liu\":MAILTO:ZhaoLiu@Example.com\r\n"

#define SH_START "DTSTART;TZID=Asia/Shanghai:20230620T100000\r\n"
#define SH_END "DTEND;TZID=Asia/Shanghai:20230620T110000\r\n"

#define FROM_MEETING "From the meeting: Q3 budget review (2023-06-20)"

/* ---- helpers ---------------------------------------------------------- */

/* Concatenates the strings up to a NULL into a heap string. */
static char *cat(const char *first, ...)
{
    va_list ap;
    const char *s;
    size_t n = 0;
    char *r, *p;

    va_start(ap, first);
    for (s = first; s != NULL; s = va_arg(ap, const char *))
        n += strlen(s);
    va_end(ap);
    r = malloc(n + 1);
    if (r == NULL)
        abort();
    p = r;
    va_start(ap, first);
    for (s = first; s != NULL; s = va_arg(ap, const char *)) {
        memcpy(p, s, strlen(s));
        p += strlen(s);
    }
    va_end(ap);
    *p = '\0';
    return r;
}

/* Replaces the first `from` in s with `to`; NULL when from is absent. */
static char *replace(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    size_t pre, fl = strlen(from), tl = strlen(to), sl = strlen(s);
    char *r;

    if (at == NULL)
        return NULL;
    pre = (size_t)(at - s);
    r = malloc(sl - fl + tl + 1);
    if (r == NULL)
        abort();
    memcpy(r, s, pre);
    memcpy(r + pre, to, tl);
    memcpy(r + pre + tl, at + fl, sl - pre - fl + 1);
    return r;
}

/* Escapes meeting text as a TEXT value; written here, not taken from the
 * core, so that the fixture does not depend on the code under test. */
static char *escape(const char *s)
{
    char *r = malloc(strlen(s) * 2 + 1), *p = r;

    if (r == NULL)
        abort();
    for (; *s; s++) {
        if (*s == '\n') {
            *p++ = '\\';
            *p++ = 'n';
        } else if (*s == '\\' || *s == ';' || *s == ',') {
            *p++ = '\\';
            *p++ = *s;
        } else if (*s != '\r') {
            *p++ = *s;
        }
    }
    *p = '\0';
    return r;
}

/* A meeting object.  NULL arguments take the defaults: Asia/Shanghai,
 * 2023-06-20 10:00-11:00, the five people above. */
static char *meeting(const char *uid, const char *vtz, const char *start,
                     const char *end, const char *desc, const char *extra)
{
    char *d = desc ? escape(desc) : NULL, *r;

    r = cat("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n",
            vtz ? vtz : VTZ_SHANGHAI,
            "BEGIN:VEVENT\r\nUID:", uid ? uid : "m-1@example.com",
            "\r\nDTSTAMP:20230601T000000Z\r\n"
            "SUMMARY:Q3 budget review\r\n",
            PEOPLE, start ? start : SH_START, end ? end : SH_END,
            d ? "DESCRIPTION:" : "", d ? d : "", d ? "\r\n" : "",
            extra ? extra : "", "END:VEVENT\r\nEND:VCALENDAR\r\n", NULL);
    free(d);
    return r;
}

/* Returns the unfolded content line of the first property `name` of the
 * text (any component), as a heap string, or NULL. */
static char *get_line(const char *ics, const char *name)
{
    size_t n = strlen(ics), nl = strlen(name), i, o = 0;
    char *u = malloc(n + 1), *line, *r = NULL;

    if (u == NULL)
        abort();
    for (i = 0; i < n; i++) {
        if (ics[i] == '\r' && ics[i + 1] == '\n' &&
            (ics[i + 2] == ' ' || ics[i + 2] == '\t')) {
            i += 2;
            continue;
        }
        if (ics[i] == '\n' && (ics[i + 1] == ' ' || ics[i + 1] == '\t')) {
            i += 1;
            continue;
        }
        u[o++] = ics[i] == '\r' ? '\n' : ics[i];
    }
    u[o] = '\0';
    for (line = u; *line; line = strchr(line, '\n') + 1) {
        char *eol = strchr(line, '\n');

        if (eol == NULL)
            eol = line + strlen(line);
        if ((size_t)(eol - line) > nl && strncmp(line, name, nl) == 0 &&
            (line[nl] == ':' || line[nl] == ';')) {
            r = malloc((size_t)(eol - line) + 1);
            if (r == NULL)
                abort();
            memcpy(r, line, (size_t)(eol - line));
            r[eol - line] = '\0';
            break;
        }
        if (*eol == '\0')
            break;
    }
    free(u);
    return r;
}

/* Checks that a line of `name` is `want` (NULL: no such line). */
static void check_line(const char *ics, const char *name, const char *want,
                       const char *what, size_t ci, size_t ti)
{
    char *l = get_line(ics, name);

    tap_str(l, want, "%s[%zu] task[%zu] %s", what, ci, ti, name);
    free(l);
}

/* Counts the X-LIC-ERROR properties in c and every component below it,
 * printing each. */
static int lic_errors(icalcomponent *c)
{
    icalproperty *p;
    icalcomponent *k;
    int n = 0;

    for (p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY);
         p != NULL;
         p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) {
        printf("#   X-LIC-ERROR in %s: %s\n",
               icalcomponent_kind_to_string(icalcomponent_isa(c)),
               icalproperty_get_xlicerror(p));
        n++;
    }
    for (k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT);
         k != NULL; k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
        n += lic_errors(k);
    return n;
}

/* Parses ics with libical, runs the restriction check and asserts that
 * nothing was flagged.  Returns the number of VTODOs. */
static int check_valid(const char *ics, const char *what, size_t ci, size_t ti)
{
    icalcomponent *c = icalparser_parse_string(ics), *k;
    int n = 0;

    if (!tap_ok(c != NULL, "%s[%zu] task[%zu] libical parses", what, ci, ti))
        return 0;
    icalrestriction_check(c);
    tap_int(lic_errors(c), 0, "%s[%zu] task[%zu] no X-LIC-ERROR", what, ci, ti);
    for (k = icalcomponent_get_first_component(c, ICAL_VTODO_COMPONENT);
         k != NULL;
         k = icalcomponent_get_next_component(c, ICAL_VTODO_COMPONENT))
        n++;
    icalcomponent_free(c);
    return n;
}

static cst_policy policy;

static cst_status build(const char *ics, time_t now, const cst_policy *p,
                        cst_task_list *l)
{
    cst_tasks_in in;
    cst_error err = {0, ""};
    cst_status st;

    memset(&in, 0, sizeof(in));
    in.policy = p ? p : &policy;
    in.now = now;
    st = cst_tasks_build(ics, strlen(ics), &in, l, &err);
    if (st != CST_OK)
        printf("#   build: %s (line %d)\n", err.msg, err.line);
    return st;
}

/* The action-item tasks of a list, in order. */
static size_t action_items(const cst_task_list *l, const cst_task **out)
{
    size_t i, n = 0;

    for (i = 0; i < l->n && n < MAX_TASKS; i++) {
        if (l->v[i].kind == CST_TASK_ACTION_ITEM)
            out[n++] = &l->v[i];
    }
    return n;
}

static const cst_task *find_kind(const cst_task_list *l, cst_task_kind k)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
        if (l->v[i].kind == k)
            return &l->v[i];
    }
    return NULL;
}

static size_t count_kind(const cst_task_list *l, cst_task_kind k)
{
    size_t i, n = 0;

    for (i = 0; i < l->n; i++)
        n += l->v[i].kind == k;
    return n;
}

/* Checks what every task has: one VTODO, valid, UID as in the struct,
 * DTSTAMP = now, ORGANIZER, RELATED-TO, X-CALSTEWARD-KIND. */
static void check_common(const cst_task *t, time_t now, const char *rel,
                         const char *what, size_t ci, size_t ti)
{
    char want[128], stamp[32];
    struct icaltimetype u =
        icaltime_from_timet_with_zone(now, 0, icaltimezone_get_utc_timezone());

    tap_int(check_valid(t->ics, what, ci, ti), 1, "%s[%zu] task[%zu] one VTODO",
            what, ci, ti);
    tap_int(t->len, strlen(t->ics), "%s[%zu] task[%zu] len", what, ci, ti);
    snprintf(want, sizeof(want), "UID:%s", t->uid);
    check_line(t->ics, "UID", want, what, ci, ti);
    snprintf(stamp, sizeof(stamp), "DTSTAMP:%04d%02d%02dT%02d%02d%02dZ", u.year,
             u.month, u.day, u.hour, u.minute, u.second);
    check_line(t->ics, "DTSTAMP", stamp, what, ci, ti);
    check_line(t->ics, "ORGANIZER",
               "ORGANIZER;CN=Zhang San:mailto:zhangsan@example.com", what, ci,
               ti);
    snprintf(want, sizeof(want), "RELATED-TO:%s", rel);
    check_line(t->ics, "RELATED-TO", want, what, ci, ti);
    snprintf(want, sizeof(want), "X-CALSTEWARD-KIND:%s",
             cst_task_kind_name(t->kind));
    check_line(t->ics, "X-CALSTEWARD-KIND", want, what, ci, ti);
    tap_ok(strstr(t->ics, "\r\n\r\n") == NULL && t->ics[t->len - 2] == '\r' &&
               t->ics[t->len - 1] == '\n',
           "%s[%zu] task[%zu] CRLF throughout", what, ci, ti);
}

/* ---- action items in every form --------------------------------------- */

struct want_task {
    const char *summary;
    const char *due;      /* the DUE content line, unfolded */
    int priority;         /* 0: no PRIORITY line */
    const char *owner;    /* the ATTENDEE's address, NULL: no ATTENDEE */
    const char *cn;       /* its CN */
    const char *desc_has; /* a part of DESCRIPTION (unescaped), or NULL */
};

static const struct act_case {
    const char *desc;  /* the event's DESCRIPTION, unescaped */
    const char *vtz;   /* NULL: Asia/Shanghai */
    const char *start; /* DTSTART line, NULL: 2023-06-20 10:00 Shanghai */
    const char *end;
    time_t now;       /* 0: AFTER */
    const char *from; /* NULL: FROM_MEETING */
    size_t n;
    struct want_task t[MAX_WANT];
} act_cases[] = {
    /* 0: pipe table, English, every column; a time of day gives a UTC
     * DATE-TIME; no due date and no next meeting: meeting + 7 days */
    {"Minutes:\n"
     "We went through the numbers.\n"
     "Action items:\n"
     "| Task | Owner | Due | Deliverable | Priority |\n"
     "|---|---|---|---|---|\n"
     "| Send the minutes | Li Si | 2023-06-23 | minutes in wiki | high |\n"
     "| Book the room | @wangwu | Friday 18:00 | | P3 |\n"
     "| Call the vendor | Sun Qi | | | medium |\n",
     NULL,
     NULL,
     NULL,
     0,
     NULL,
     3,
     {{"Send the minutes", "DUE;VALUE=DATE:20230623", 1, "lisi@example.com",
       "Li Si", "Deliverable: minutes in wiki"},
      {"Book the room", "DUE:20230623T100000Z", 9, "wangwu@example.com", "王五",
       NULL},
      {"Call the vendor", "DUE;VALUE=DATE:20230627", 5, "sunqi@example.com",
       "Sun Qi", NULL}}},
    /* 1: pipe table, Chinese headers and cells, extra column; an owner
     * who is no participant stays in DESCRIPTION; 主持人 = organizer */
    {"会议纪要：\n"
     "行动项：\n"
     "| 序号 | 任务 | 负责人 | 截止日期 | 交付标准 | 优先级 |\n"
     "| --- | --- | --- | --- | --- | --- |\n"
     "| 1 | 整理预算方案 | 王五 | 6月30日 | 提交给财务部 | 高 |\n"
     "| 2 | 更新排期 | 李四 | 下周五 18:00 | 甘特图 | 低 |\n"
     "| 3 | 发送纪要 | 主持人 | 明天 | | 中 |\n",
     NULL,
     NULL,
     NULL,
     0,
     NULL,
     3,
     {{"整理预算方案", "DUE;VALUE=DATE:20230630", 1, "wangwu@example.com",
       "王五", "Deliverable: 提交给财务部"},
      {"更新排期", "DUE:20230630T100000Z", 9, NULL, NULL, "Owner: 李四"},
      {"发送纪要", "DUE;VALUE=DATE:20230621", 5, "zhangsan@example.com",
       "Zhang San", NULL}}},
    /* 2: tab table (pasted from a spreadsheet), English */
    {"Minutes:\n"
     "Action items:\n"
     "Task\tOwner\tDue\tDeliverable\tPriority\n"
     "Send the minutes\tlisi@example.com\ttomorrow\tmail to all\tP1\n"
     "Draft the plan\tSun Qi\t\tplan in wiki\t\n",
     NULL,
     NULL,
     NULL,
     0,
     NULL,
     2,
     {{"Send the minutes", "DUE;VALUE=DATE:20230621", 1, "lisi@example.com",
       "Li Si", "Deliverable: mail to all"},
      {"Draft the plan", "DUE;VALUE=DATE:20230627", 0, "sunqi@example.com",
       "Sun Qi", "Deliverable: plan in wiki"}}},
    /* 3: tab table, Chinese, other column order */
    {"纪要：\n"
     "待办：\n"
     "负责人\t任务描述\t截止时间\t交付标准\n"
     "王五\t整理预算方案\t2023/6/30 17:30\t预算表\n"
     "@lisi\t更新排期\t周五\t\n",
     NULL,
     NULL,
     NULL,
     0,
     NULL,
     2,
     {{"整理预算方案", "DUE:20230630T093000Z", 0, "wangwu@example.com", "王五",
       "Deliverable: 预算表"},
      {"更新排期", "DUE;VALUE=DATE:20230623", 0, "lisi@example.com", "Li Si",
       NULL}}},
    /* 4: vertical table (text extracted from a document), English */
    {"Minutes:\n"
     "Action items:\n"
     "Task\nOwner\nDue\nDeliverable\n"
     "Send notes\nLi Si\nJun 30\nnotes in wiki\n"
     "Book room\n@wangwu\nFriday\n-\n",
     NULL,
     NULL,
     NULL,
     0,
     NULL,
     2,
     {{"Send notes", "DUE;VALUE=DATE:20230630", 0, "lisi@example.com", "Li Si",
       "Deliverable: notes in wiki"},
      {"Book room", "DUE;VALUE=DATE:20230623", 0, "wangwu@example.com", "王五",
       NULL}}},
    /* 5: vertical table, Chinese */
    {"会议纪要：\n"
     "行动项清单：\n"
     "任务\n负责人\n截止日期\n优先级\n"
     "整理预算方案\n王五\n6月30日\n紧急\n"
     "更新排期\nSun Qi\n下周五\n低\n",
     NULL,
     NULL,
     NULL,
     0,
     NULL,
     2,
     {{"整理预算方案", "DUE;VALUE=DATE:20230630", 1, "wangwu@example.com",
       "王五", NULL},
      {"更新排期", "DUE;VALUE=DATE:20230630", 9, "sunqi@example.com", "Sun Qi",
       NULL}}},
    /* 6: list lines, English, " — " " | " ";" separators; an empty
     * middle field keeps its place (no due date) */
    {"Minutes:\n"
     "Actions:\n"
     "- Call the vendor — Sun Qi — — notes shared\n"
     "- Draft the plan — Li Si — June 30 — plan in wiki — urgent\n"
     "1. Update budget | @wangwu | 6/30 17:00 | Excel | P2\n"
     "* Fix the bug; Zhang San; tomorrow\n",
     NULL,
     NULL,
     NULL,
     0,
     NULL,
     4,
     {{"Call the vendor", "DUE;VALUE=DATE:20230627", 0, "sunqi@example.com",
       "Sun Qi", "Deliverable: notes shared"},
      {"Draft the plan", "DUE;VALUE=DATE:20230630", 1, "lisi@example.com",
       "Li Si", "Deliverable: plan in wiki"},
      {"Update budget", "DUE:20230630T090000Z", 5, "wangwu@example.com", "王五",
       "Deliverable: Excel"},
      {"Fix the bug", "DUE;VALUE=DATE:20230621", 0, "zhangsan@example.com",
       "Zhang San", NULL}}},
    /* 7: list lines, Chinese, "；" and " | "; an empty middle field */
    {"会议纪要：\n"
     "行动项：\n"
     "- 整理会议纪要；张三；明天；发到群里；高\n"
     "- 准备材料；王五；；打印三份\n"
     "2) 联系供应商 | Sun Qi | 7月1日\n",
     NULL,
     NULL,
     NULL,
     0,
     NULL,
     3,
     {{"整理会议纪要", "DUE;VALUE=DATE:20230621", 1, NULL, NULL,
       "Deliverable: 发到群里"},
      {"准备材料", "DUE;VALUE=DATE:20230627", 0, "wangwu@example.com", "王五",
       "Deliverable: 打印三份"},
      {"联系供应商", "DUE;VALUE=DATE:20230701", 0, "sunqi@example.com",
       "Sun Qi", NULL}}},
    /* 8: labelled fields, English: on one line, and over several lines */
    {"Minutes:\n"
     "Action items:\n"
     "- task: Send minutes; owner: Li Si; due: Friday; "
     "deliverable: wiki page; priority: low\n"
     "\n"
     "Task: Call the vendor\n"
     "Owner: @sunqi\n"
     "Due: 7/7 09:00\n"
     "Deliverable: price list\n",
     NULL,
     NULL,
     NULL,
     0,
     NULL,
     2,
     {{"Send minutes", "DUE;VALUE=DATE:20230623", 9, "lisi@example.com",
       "Li Si", "Deliverable: wiki page"},
      {"Call the vendor", "DUE:20230707T010000Z", 0, "sunqi@example.com",
       "Sun Qi", "Deliverable: price list"}}},
    /* 9: labelled fields, Chinese */
    {"会议纪要：\n"
     "行动项：\n"
     "- 任务：整理预算，负责人：王五，截止：6月30日，交付标准：预算表，"
     "优先级：中\n"
     "\n"
     "任务：更新排期\n"
     "负责人：Li Si\n"
     "截止日期：2023年7月3日\n"
     "交付标准：甘特图\n",
     NULL,
     NULL,
     NULL,
     0,
     NULL,
     2,
     {{"整理预算", "DUE;VALUE=DATE:20230630", 5, "wangwu@example.com", "王五",
       "Deliverable: 预算表"},
      {"更新排期", "DUE;VALUE=DATE:20230703", 0, "lisi@example.com", "Li Si",
       "Deliverable: 甘特图"}}},
    /* 10: ACTION: OWNER to TASK [by DATE]; without a date the next
     * meeting's date */
    {"Minutes:\n"
     "Action items:\n"
     "ACTION: Li Si to send the minutes to everyone by Friday\n"
     "ACTION: @wangwu to book the room\n"
     "Next meeting: 2023-06-29\n",
     NULL,
     NULL,
     NULL,
     0,
     NULL,
     2,
     {{"send the minutes to everyone", "DUE;VALUE=DATE:20230623", 0,
       "lisi@example.com", "Li Si", NULL},
      {"book the room", "DUE;VALUE=DATE:20230629", 0, "wangwu@example.com",
       "王五", NULL}}},
    /* 11: MeetBot; the next meeting's time of day is not the task's */
    {"Minutes:\n"
     "Action items:\n"
     "#action lisi send the agenda\n"
     "#action Sun Qi to call the vendor by tomorrow 9:30\n"
     "Next meeting: June 28 10:00\n",
     NULL,
     NULL,
     NULL,
     0,
     NULL,
     2,
     {{"send the agenda", "DUE;VALUE=DATE:20230628", 0, "lisi@example.com",
       "Li Si", NULL},
      {"call the vendor", "DUE:20230621T013000Z", 0, "sunqi@example.com",
       "Sun Qi", NULL}}},
    /* 12: the Chinese sentence form; 下次会议 gives the missing date */
    {"会议纪要：\n"
     "行动项：\n"
     "王五负责整理预算方案，6月30日前提交给财务部\n"
     "Li Si负责联系客户\n"
     "下次会议：7月4日\n",
     NULL,
     NULL,
     NULL,
     0,
     NULL,
     2,
     {{"整理预算方案", "DUE;VALUE=DATE:20230630", 0, "wangwu@example.com",
       "王五", "Deliverable: 提交给财务部"},
      {"联系客户", "DUE;VALUE=DATE:20230704", 0, "lisi@example.com", "Li Si",
       NULL}}},
    /* 13: TEXT that needs escaping, a long Chinese task that must be
     * folded between characters, a CN that needs quoting */
    {"Minutes:\n"
     "Action items:\n"
     "| Task | Owner | Due |\n"
     "|---|---|---|\n"
     "| Review budget, costs; and headcount\\plan | Li Si | 6/30 |\n"
     "| 整理第三季度市场推广预算分配方案并与各部门负责人逐一确认额度和时间"
     "表 | @zhaoliu | 7/1 |\n",
     NULL,
     NULL,
     NULL,
     0,
     NULL,
     2,
     {{"Review budget, costs; and headcount\\plan", "DUE;VALUE=DATE:20230630",
       0, "lisi@example.com", "Li Si", NULL},
      {"整理第三季度市场推广预算分配方案并与各部门负责人逐一确认额度和时间表",
       "DUE;VALUE=DATE:20230701", 0, "zhaoliu@example.com", "Zhao, Liu",
       NULL}}},
    /* 14: relative dates count from the meeting's date in its zone (Tue
     * 2023-06-20 07:00 Shanghai = Mon 06-19 23:00Z), not from now */
    {"Minutes:\n"
     "Action items:\n"
     "- Send notes — Li Si — tomorrow\n"
     "- Book room — Li Si — Friday\n"
     "- Plan — Li Si — next Friday\n"
     "- Call — Li Si\n",
     NULL,
     "DTSTART;TZID=Asia/Shanghai:20230620T070000\r\n",
     "DTEND;TZID=Asia/Shanghai:20230620T080000\r\n",
     LATER,
     NULL,
     4,
     {{"Send notes", "DUE;VALUE=DATE:20230621", 0, "lisi@example.com", "Li Si",
       NULL},
      {"Book room", "DUE;VALUE=DATE:20230623", 0, "lisi@example.com", "Li Si",
       NULL},
      {"Plan", "DUE;VALUE=DATE:20230630", 0, "lisi@example.com", "Li Si", NULL},
      {"Call", "DUE;VALUE=DATE:20230627", 0, "lisi@example.com", "Li Si",
       NULL}}},
    /* 15: a time of day is converted from the meeting's zone, with its
     * daylight saving time (EDT in June, EST in December) */
    {"Minutes:\n"
     "Action items:\n"
     "- Send notes — Li Si — 6/30 17:00\n"
     "- Close the year — Li Si — 12/1 17:00\n"
     "- Renew — Li Si — 2023-07-01\n",
     VTZ_NEW_YORK,
     "DTSTART;TZID=America/New_York:20230620T100000\r\n",
     "DTEND;TZID=America/New_York:20230620T110000\r\n",
     0,
     NULL,
     3,
     {{"Send notes", "DUE:20230630T210000Z", 0, "lisi@example.com", "Li Si",
       NULL},
      {"Close the year", "DUE:20231201T220000Z", 0, "lisi@example.com", "Li Si",
       NULL},
      {"Renew", "DUE;VALUE=DATE:20230701", 0, "lisi@example.com", "Li Si",
       NULL}}},
    /* 16: every form mixed in one section */
    {"Meeting minutes:\n"
     "Decisions: go with plan B\n"
     "Action items:\n"
     "| Task | Owner | Due |\n"
     "|---|---|---|\n"
     "| Send minutes | Li Si | Fri |\n"
     "\n"
     "- Call the vendor — Sun Qi — — notes shared\n"
     "ACTION: 王五 to book the room by 6/30\n"
     "王五负责整理预算方案，6月30日前提交给财务部\n"
     "任务：更新排期；负责人：Li Si\n"
     "#action sunqi check the budget\n",
     NULL,
     NULL,
     NULL,
     0,
     NULL,
     6,
     {{"Send minutes", "DUE;VALUE=DATE:20230623", 0, "lisi@example.com",
       "Li Si", NULL},
      {"Call the vendor", "DUE;VALUE=DATE:20230627", 0, "sunqi@example.com",
       "Sun Qi", "Deliverable: notes shared"},
      {"book the room", "DUE;VALUE=DATE:20230630", 0, "wangwu@example.com",
       "王五", NULL},
      {"整理预算方案", "DUE;VALUE=DATE:20230630", 0, "wangwu@example.com",
       "王五", "Deliverable: 提交给财务部"},
      {"更新排期", "DUE;VALUE=DATE:20230627", 0, "lisi@example.com", "Li Si",
       NULL},
      {"check the budget", "DUE;VALUE=DATE:20230627", 0, "sunqi@example.com",
       "Sun Qi", NULL}}},
    /* 17: minutes without action items give none; nor does an empty
     * action-items section */
    {"Minutes:\nNothing to do.\nAction items:\n- 无\n",
     NULL,
     NULL,
     NULL,
     0,
     NULL,
     0,
     {{NULL, NULL, 0, NULL, NULL, NULL}}},
    /* 18: action items of a meeting that has not happened yet (minutes
     * written ahead) count from its own start */
    {"Minutes:\nAction items:\n- Send notes — Li Si — tomorrow\n",
     NULL,
     NULL,
     NULL,
     BEFORE,
     NULL,
     1,
     {{"Send notes", "DUE;VALUE=DATE:20230621", 0, "lisi@example.com", "Li Si",
       NULL}}},
};

static void test_action_items(void)
{
    size_t i, k;

    for (i = 0; i < sizeof(act_cases) / sizeof(act_cases[0]); i++) {
        const struct act_case *c = &act_cases[i];
        char *ics = meeting(NULL, c->vtz, c->start, c->end, c->desc, NULL);
        time_t now = c->now ? c->now : AFTER;
        const cst_task *items[MAX_TASKS];
        cst_task_list l;
        size_t n;

        tap_int(build(ics, now, NULL, &l), CST_OK, "act[%zu] status", i);
        n = action_items(&l, items);
        if (!tap_ok(n == c->n, "act[%zu] %zu action items (got %zu)", i, c->n,
                    n)) {
            for (k = 0; k < n; k++) {
                char *s = get_line(items[k]->ics, "SUMMARY");

                printf("#   [%zu] %s\n", k, s ? s : "(null)");
                free(s);
            }
        }
        for (k = 0; k < l.n; k++)
            check_common(&l.v[k], now, "m-1@example.com", "act", i, k);
        for (k = 0; k < n && k < c->n; k++) {
            const struct want_task *w = &c->t[k];
            const cst_task *t = items[k];
            icalcomponent *cal = icalparser_parse_string(t->ics), *todo;
            icalproperty *p;
            char want[64];
            const char *desc;

            todo = cal ? icalcomponent_get_first_component(cal,
                                                           ICAL_VTODO_COMPONENT)
                       : NULL;
            if (!tap_ok(todo != NULL, "act[%zu] item[%zu] VTODO", i, k)) {
                icalcomponent_free(cal);
                continue;
            }
            tap_str(icalcomponent_get_summary(todo), w->summary,
                    "act[%zu] item[%zu] SUMMARY", i, k);
            check_line(t->ics, "DUE", w->due, "act", i, k);
            if (w->priority) {
                snprintf(want, sizeof(want), "PRIORITY:%d", w->priority);
                check_line(t->ics, "PRIORITY", want, "act", i, k);
            } else {
                check_line(t->ics, "PRIORITY", NULL, "act", i, k);
            }
            check_line(t->ics, "STATUS", "STATUS:NEEDS-ACTION", "act", i, k);
            check_line(t->ics, "PERCENT-COMPLETE", NULL, "act", i, k);
            check_line(t->ics, "COMPLETED", NULL, "act", i, k);
            check_line(t->ics, "DTSTART", NULL, "act", i, k);
            desc = icalcomponent_get_description(todo);
            tap_ok(desc != NULL &&
                       strstr(desc, c->from ? c->from : FROM_MEETING),
                   "act[%zu] item[%zu] DESCRIPTION names the meeting", i, k);
            if (w->desc_has != NULL)
                tap_ok(desc != NULL && strstr(desc, w->desc_has) != NULL,
                       "act[%zu] item[%zu] DESCRIPTION has '%s' (got '%s')", i,
                       k, w->desc_has, desc ? desc : "(null)");
            p = icalcomponent_get_first_property(todo, ICAL_ATTENDEE_PROPERTY);
            if (w->owner == NULL) {
                tap_ok(p == NULL, "act[%zu] item[%zu] no ATTENDEE", i, k);
                tap_str(t->owner_addr, NULL, "act[%zu] item[%zu] owner_addr", i,
                        k);
            } else if (tap_ok(p != NULL, "act[%zu] item[%zu] ATTENDEE", i, k)) {
                icalparameter *cn =
                    icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);
                char addr[128];

                snprintf(addr, sizeof(addr), "mailto:%s", w->owner);
                tap_str(icalproperty_get_attendee(p), addr,
                        "act[%zu] item[%zu] ATTENDEE address", i, k);
                tap_str(cn ? icalparameter_get_cn(cn) : NULL, w->cn,
                        "act[%zu] item[%zu] ATTENDEE CN", i, k);
                tap_str(t->owner_addr, w->owner,
                        "act[%zu] item[%zu] owner_addr", i, k);
                tap_ok(icalcomponent_get_next_property(
                           todo, ICAL_ATTENDEE_PROPERTY) == NULL,
                       "act[%zu] item[%zu] one ATTENDEE", i, k);
            }
            icalcomponent_free(cal);
        }
        cst_task_list_fini(&l);
        tap_ok(l.v == NULL && l.n == 0, "act[%zu] fini empties", i);
        free(ics);
    }
}

/* ---- UIDs ------------------------------------------------------------- */

#define DESC_SEND(task, due)                                                   \
    "Minutes:\nAction items:\n- " task " — Li Si — " due " — minutes in "    \
                                                         "wiki\n"

static const struct uid_case {
    const char *a_uid, *a_desc; /* meeting UID and DESCRIPTION of a */
    const char *b_uid, *b_desc; /* of b */
    int same;                   /* 1: the action item keeps its UID */
} uid_cases[] = {
    /* 0: the same text */
    {"m-1@example.com", DESC_SEND("Send the minutes", "2023-06-23"),
     "m-1@example.com", DESC_SEND("Send the minutes", "2023-06-23"), 1},
    /* 1: case and runs of spaces do not make another task */
    {"m-1@example.com", DESC_SEND("Send the minutes", "2023-06-23"),
     "m-1@example.com", DESC_SEND("SEND  the \t Minutes", "2023-06-23"), 1},
    /* 2: nor does another due date, deliverable or form */
    {"m-1@example.com", DESC_SEND("Send the minutes", "2023-06-23"),
     "m-1@example.com",
     "Minutes:\nAction items:\nACTION: Sun Qi to send the minutes by 7/1\n", 1},
    /* 3: another task is another task */
    {"m-1@example.com", DESC_SEND("Send the minutes", "2023-06-23"),
     "m-1@example.com", DESC_SEND("Send the notes", "2023-06-23"), 0},
    /* 4: so is the same task of another meeting */
    {"m-1@example.com", DESC_SEND("Send the minutes", "2023-06-23"),
     "m-2@example.com", DESC_SEND("Send the minutes", "2023-06-23"), 0},
    /* 5: Chinese text, with and without spaces around it */
    {"m-1@example.com",
     "会议纪要：\n行动项：\n王五负责整理预算方案，6月30日前\n",
     "m-1@example.com", "会议纪要：\n行动项：\n- 整理预算方案；王五；6月30日\n",
     1},
};

static void test_uids(void)
{
    /* version-5 UUIDs in calsteward's namespace, computed independently
     * (Python's uuid.uuid5): they must never change */
    static const struct {
        cst_task_kind kind;
        const char *uid;
    } golden[] = {
        {CST_TASK_AGENDA, "a76f8c90-f38f-530d-9623-0ddab82f1f0d"},
        {CST_TASK_ACTION_ITEM, "145f4b6e-34b3-5859-8518-33829ca41092"},
    };
    size_t i, j, k;
    char *ics;
    cst_task_list a, b;

    /* golden UIDs: agenda of a future meeting, an action item */
    ics = meeting(NULL, NULL, NULL, NULL,
                  DESC_SEND("Send the minutes", "2023-06-23"), NULL);
    for (i = 0; i < sizeof(golden) / sizeof(golden[0]); i++) {
        const cst_task *t;

        build(ics, golden[i].kind == CST_TASK_AGENDA ? BEFORE : AFTER, NULL,
              &a);
        t = find_kind(&a, golden[i].kind);
        tap_str(t ? t->uid : NULL, golden[i].uid, "uid golden[%zu]", i);
        cst_task_list_fini(&a);
    }

    /* building twice, and at another moment, gives the same UIDs; all
     * distinct within a build */
    free(ics);
    ics = meeting(NULL, NULL, NULL, NULL, act_cases[16].desc, NULL);
    build(ics, AFTER, NULL, &a);
    build(ics, AFTER + 3 * 86400, NULL, &b);
    tap_int(b.n, a.n, "uid rebuild same number of tasks");
    tap_int(a.n, 7, "uid rebuild 6 action items and the minutes task");
    for (i = 0; i < a.n && i < b.n; i++) {
        tap_str(b.v[i].uid, a.v[i].uid, "uid rebuild[%zu] same UID", i);
        tap_ok(strlen(a.v[i].uid) == 36 && a.v[i].uid[14] == '5',
               "uid rebuild[%zu] version-5 UUID '%s'", i, a.v[i].uid);
        for (j = i + 1; j < a.n; j++)
            tap_ok(strcmp(a.v[i].uid, a.v[j].uid) != 0,
                   "uid distinct[%zu][%zu]", i, j);
    }
    cst_task_list_fini(&a);
    cst_task_list_fini(&b);
    free(ics);

    for (i = 0; i < sizeof(uid_cases) / sizeof(uid_cases[0]); i++) {
        const struct uid_case *c = &uid_cases[i];
        char *x = meeting(c->a_uid, NULL, NULL, NULL, c->a_desc, NULL);
        char *y = meeting(c->b_uid, NULL, NULL, NULL, c->b_desc, NULL);
        const cst_task *ta, *tb;

        build(x, AFTER, NULL, &a);
        build(y, AFTER, NULL, &b);
        ta = find_kind(&a, CST_TASK_ACTION_ITEM);
        tb = find_kind(&b, CST_TASK_ACTION_ITEM);
        if (tap_ok(ta != NULL && tb != NULL, "uid[%zu] both have an item", i)) {
            if (c->same)
                tap_str(tb->uid, ta->uid, "uid[%zu] same UID", i);
            else
                tap_ok(strcmp(ta->uid, tb->uid) != 0, "uid[%zu] other UID", i);
        }
        cst_task_list_fini(&a);
        cst_task_list_fini(&b);
        free(x);
        free(y);
    }

    /* the same task text more than once (two owners): each gets its
     * own UID, the first one the UID it would have alone */
    ics = meeting(NULL, NULL, NULL, NULL,
                  "Minutes:\nAction items:\n"
                  "- Send the minutes — Li Si — 6/23\n"
                  "- Send the minutes — Sun Qi — 6/24\n"
                  "- send  THE minutes — @wangwu — 6/25\n"
                  "- Book the room — Li Si\n",
                  NULL);
    build(ics, AFTER, NULL, &a);
    build(ics, AFTER + 86400, NULL, &b);
    {
        const cst_task *it[MAX_TASKS], *jt[MAX_TASKS];
        size_t n = action_items(&a, it), m = action_items(&b, jt);

        tap_int(n, 4, "uid-dup items");
        if (n == 4) {
            tap_str(it[0]->uid, golden[1].uid, "uid-dup first keeps its UID");
            for (i = 0; i < n; i++) {
                for (j = i + 1; j < n; j++)
                    tap_ok(strcmp(it[i]->uid, it[j]->uid) != 0,
                           "uid-dup distinct[%zu][%zu]", i, j);
            }
        }
        for (i = 0; i < n && i < m; i++)
            tap_str(jt[i]->uid, it[i]->uid, "uid-dup rebuild[%zu] same UID", i);
        for (k = 0; k < a.n; k++)
            check_common(&a.v[k], AFTER, "m-1@example.com", "uid-dup", 0, k);
    }
    cst_task_list_fini(&a);
    cst_task_list_fini(&b);
    free(ics);

    /* two masters of one UID (an iTIP stream of two versions): only the
     * first gives tasks, no UID twice */
    {
        char *v1 = meeting("twice@example.com", NULL, NULL, NULL,
                           DESC_SEND("Send the minutes", "6/23"), NULL);
        char *v2 = meeting("twice@example.com", NULL, NULL, NULL,
                           DESC_SEND("Send the minutes", "6/24"), NULL);
        const cst_task *it[MAX_TASKS];
        size_t n;
        char *d;

        ics = cat(v1, v2, NULL);
        tap_int(build(ics, AFTER, NULL, &a), CST_OK, "uid-twice status");
        n = action_items(&a, it);
        tap_int(n, 1, "uid-twice one action item");
        tap_int(count_kind(&a, CST_TASK_MINUTES), 1, "uid-twice one minutes");
        d = n ? get_line(it[0]->ics, "DUE") : NULL;
        tap_str(d, "DUE;VALUE=DATE:20230623", "uid-twice the first wins");
        free(d);
        cst_task_list_fini(&a);
        free(ics);
        free(v1);
        free(v2);
    }

    /* a weekly meeting: each occurrence has its own tasks, and the
     * minutes task of an occurrence keeps its UID when the occurrence
     * moves from "next" to "last" */
    ics = meeting("weekly@example.com", NULL,
                  "DTSTART;TZID=Asia/Shanghai:20230613T100000\r\n",
                  "DTEND;TZID=Asia/Shanghai:20230613T110000\r\n",
                  DESC_SEND("Send the minutes", "tomorrow"),
                  "RRULE:FREQ=WEEKLY;COUNT=4\r\n");
    build(ics, AFTER, NULL, &a);             /* last 06-20, next 06-27 */
    build(ics, AFTER + 7 * 86400, NULL, &b); /* last 06-27, next 07-04 */
    tap_int(count_kind(&a, CST_TASK_MINUTES), 2, "weekly minutes tasks");
    tap_int(count_kind(&a, CST_TASK_AGENDA), 1, "weekly agenda task");
    for (k = 0; k < a.n; k++)
        check_common(&a.v[k], AFTER, "weekly@example.com", "weekly", 0, k);
    {
        const cst_task *m[2] = {NULL, NULL}, *act, *m2 = NULL;
        char *occ[2] = {NULL, NULL}, *d;

        for (k = 0, j = 0; k < a.n; k++) {
            if (a.v[k].kind == CST_TASK_MINUTES && j < 2)
                m[j++] = &a.v[k];
        }
        for (k = 0; k < 2; k++)
            occ[k] =
                m[k] ? get_line(m[k]->ics, "X-CALSTEWARD-OCCURRENCE") : NULL;
        tap_str(occ[0], "X-CALSTEWARD-OCCURRENCE:20230627T020000Z",
                "weekly next occurrence");
        tap_str(occ[1], "X-CALSTEWARD-OCCURRENCE:20230620T020000Z",
                "weekly last occurrence");
        tap_ok(m[0] && m[1] && strcmp(m[0]->uid, m[1]->uid) != 0,
               "weekly minutes UIDs differ per occurrence");
        free(occ[0]);
        free(occ[1]);
        act = find_kind(&a, CST_TASK_ACTION_ITEM);
        d = act ? get_line(act->ics, "DUE") : NULL;
        tap_str(d, "DUE;VALUE=DATE:20230621",
                "weekly action item due from the last occurrence");
        free(d);
        d = act ? get_line(act->ics, "X-CALSTEWARD-OCCURRENCE") : NULL;
        tap_str(d, "X-CALSTEWARD-OCCURRENCE:20230620T020000Z",
                "weekly action item of the last occurrence");
        free(d);
        for (k = 0; k < b.n; k++) {
            char *o = get_line(b.v[k].ics, "X-CALSTEWARD-OCCURRENCE");

            if (b.v[k].kind == CST_TASK_MINUTES && o != NULL &&
                strcmp(o, "X-CALSTEWARD-OCCURRENCE:20230627T020000Z") == 0)
                m2 = &b.v[k];
            free(o);
        }
        tap_ok(m[0] && m2 && strcmp(m[0]->uid, m2->uid) == 0,
               "weekly minutes task of 06-27 keeps its UID");
    }
    cst_task_list_fini(&a);
    cst_task_list_fini(&b);
    free(ics);

    /* minutes kept in the master of a series belong to the occurrence
     * they came after (X-CALSTEWARD-MINUTES-SENT): the action items do
     * not come back for every later occurrence */
    ics = meeting("weekly@example.com", NULL,
                  "DTSTART;TZID=Asia/Shanghai:20230613T100000\r\n",
                  "DTEND;TZID=Asia/Shanghai:20230613T110000\r\n",
                  DESC_SEND("Send the minutes", "tomorrow"),
                  "RRULE:FREQ=WEEKLY;COUNT=4\r\n"
                  "X-CALSTEWARD-MINUTES-SENT:20230621T000000Z\r\n");
    build(ics, AFTER, NULL, &a);              /* last 06-20 */
    build(ics, AFTER + 14 * 86400, NULL, &b); /* last 07-04 */
    {
        const cst_task *x = find_kind(&a, CST_TASK_ACTION_ITEM);
        const cst_task *y = find_kind(&b, CST_TASK_ACTION_ITEM);
        char *o = y ? get_line(y->ics, "X-CALSTEWARD-OCCURRENCE") : NULL;

        tap_ok(x && y && strcmp(x->uid, y->uid) == 0,
               "series minutes: same action item UID two weeks later");
        tap_str(o, "X-CALSTEWARD-OCCURRENCE:20230620T020000Z",
                "series minutes stay with the 06-20 occurrence");
        free(o);
    }
    cst_task_list_fini(&a);
    cst_task_list_fini(&b);
    free(ics);
    /* without the stamp (a file never processed) the last one counts */
    ics = meeting("weekly@example.com", NULL,
                  "DTSTART;TZID=Asia/Shanghai:20230613T100000\r\n",
                  "DTEND;TZID=Asia/Shanghai:20230613T110000\r\n",
                  DESC_SEND("Send the minutes", "tomorrow"),
                  "RRULE:FREQ=WEEKLY;COUNT=4\r\n");
    build(ics, AFTER + 14 * 86400, NULL, &b);
    {
        const cst_task *y = find_kind(&b, CST_TASK_ACTION_ITEM);
        char *o = y ? get_line(y->ics, "X-CALSTEWARD-OCCURRENCE") : NULL;

        tap_str(o, "X-CALSTEWARD-OCCURRENCE:20230704T020000Z",
                "series minutes without a stamp: the last occurrence");
        free(o);
    }
    cst_task_list_fini(&b);
    free(ics);

    /* an override holds the minutes of its occurrence */
    ics = cat("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n",
              VTZ_SHANGHAI,
              "BEGIN:VEVENT\r\nUID:series@example.com\r\n"
              "DTSTAMP:20230601T000000Z\r\nSUMMARY:Q3 budget review\r\n",
              PEOPLE,
              "DTSTART;TZID=Asia/Shanghai:20230613T100000\r\n"
              "DTEND;TZID=Asia/Shanghai:20230613T110000\r\n"
              "RRULE:FREQ=WEEKLY;COUNT=4\r\n"
              "END:VEVENT\r\n"
              "BEGIN:VEVENT\r\nUID:series@example.com\r\n"
              "DTSTAMP:20230601T000000Z\r\nSUMMARY:Q3 budget review\r\n",
              PEOPLE,
              "RECURRENCE-ID;TZID=Asia/Shanghai:20230620T100000\r\n"
              "DTSTART;TZID=Asia/Shanghai:20230620T100000\r\n"
              "DTEND;TZID=Asia/Shanghai:20230620T110000\r\n"
              "DESCRIPTION:Minutes:\\nAction items:\\n- Send notes — Li Si — "
              "tomorrow\r\n"
              "END:VEVENT\r\nEND:VCALENDAR\r\n",
              NULL);
    build(ics, AFTER, NULL, &a);
    {
        const cst_task *act = find_kind(&a, CST_TASK_ACTION_ITEM);
        char *o = act ? get_line(act->ics, "X-CALSTEWARD-OCCURRENCE") : NULL;
        char *d = act ? get_line(act->ics, "DUE") : NULL;

        tap_int(count_kind(&a, CST_TASK_ACTION_ITEM), 1, "override one item");
        tap_str(o, "X-CALSTEWARD-OCCURRENCE:20230620T020000Z",
                "override occurrence");
        tap_str(d, "DUE;VALUE=DATE:20230621", "override due");
        free(o);
        free(d);
    }
    for (k = 0; k < a.n; k++)
        check_common(&a.v[k], AFTER, "series@example.com", "override", 0, k);
    cst_task_list_fini(&a);
    free(ics);
}

/* ---- preparation tasks ------------------------------------------------ */

struct want_prep {
    const char *dtstart;   /* DTSTART line, NULL: none */
    const char *due;       /* DUE line; NULL: no such task */
    const char *completed; /* COMPLETED line, NULL: NEEDS-ACTION */
};

static const struct prep_case {
    const char *desc, *extra, *policy;
    const char *vtz, *start, *end;
    time_t now;
    struct want_prep w[3]; /* agenda, materials, minutes */
    size_t n_actions;
} prep_cases[] = {
    /* 0: a future meeting without agenda or materials */
    {NULL,
     NULL,
     NULL,
     NULL,
     NULL,
     NULL,
     BEFORE,
     {{"DTSTART:20230615T020000Z", "DUE:20230617T020000Z", NULL},
      {NULL, "DUE:20230618T020000Z", NULL},
      {"DTSTART:20230620T030000Z", "DUE:20230621T030000Z", NULL}},
     0},
    /* 1: agenda and materials there, with their first-sent stamps */
    {"Goal: decide the split\nAgenda:\n1. Numbers (20 min, Li Si)\n"
     "Materials:\n- draft.xlsx\n",
     "X-CALSTEWARD-AGENDA-SENT:20230612T000000Z\r\n"
     "X-CALSTEWARD-MATERIALS-SENT:20230613T000000Z\r\n",
     NULL,
     NULL,
     NULL,
     NULL,
     BEFORE,
     {{"DTSTART:20230615T020000Z", "DUE:20230617T020000Z",
       "COMPLETED:20230612T000000Z"},
      {NULL, "DUE:20230618T020000Z", "COMPLETED:20230613T000000Z"},
      {"DTSTART:20230620T030000Z", "DUE:20230621T030000Z", NULL}},
     0},
    /* 2: materials as an ATTACH only, no stamp yet: completed now */
    {"Agenda:\n",
     "ATTACH:https://example.com/draft.xlsx\r\n",
     NULL,
     NULL,
     NULL,
     NULL,
     BEFORE,
     {{"DTSTART:20230615T020000Z", "DUE:20230617T020000Z", NULL},
      {NULL, "DUE:20230618T020000Z", "COMPLETED:20230610T000000Z"},
      {"DTSTART:20230620T030000Z", "DUE:20230621T030000Z", NULL}},
     0},
    /* 3: the meeting is over, no minutes: only the minutes task */
    {"Agenda:\n1. Numbers (20 min, Li Si)\n",
     NULL,
     NULL,
     NULL,
     NULL,
     NULL,
     AFTER,
     {{NULL, NULL, NULL},
      {NULL, NULL, NULL},
      {"DTSTART:20230620T030000Z", "DUE:20230621T030000Z", NULL}},
     0},
    /* 4: minutes there, with their stamp */
    {"Minutes:\nWe agreed.\n",
     "X-CALSTEWARD-MINUTES-SENT:20230621T000000Z\r\n",
     NULL,
     NULL,
     NULL,
     NULL,
     AFTER,
     {{NULL, NULL, NULL},
      {NULL, NULL, NULL},
      {"DTSTART:20230620T030000Z", "DUE:20230621T030000Z",
       "COMPLETED:20230621T000000Z"}},
     0},
    /* 5: minutes in Chinese (only action items), no stamp */
    {"会议纪要：\n行动项：\n王五负责整理预算方案，6月30日前提交给财务部\n",
     NULL,
     NULL,
     NULL,
     NULL,
     NULL,
     AFTER,
     {{NULL, NULL, NULL},
      {NULL, NULL, NULL},
      {"DTSTART:20230620T030000Z", "DUE:20230621T030000Z",
       "COMPLETED:20230622T020000Z"}},
     1},
    /* 6: [output] prep-tasks = no: no preparation tasks before ... */
    {NULL,
     NULL,
     "[output]\nprep-tasks = no\n",
     NULL,
     NULL,
     NULL,
     BEFORE,
     {{NULL, NULL, NULL}, {NULL, NULL, NULL}, {NULL, NULL, NULL}},
     0},
    /* 7: ... nor after; the action items are still there */
    {"Minutes:\nAction items:\n- Send notes — Li Si — tomorrow\n",
     NULL,
     "[output]\nprep-tasks = no\n",
     NULL,
     NULL,
     NULL,
     AFTER,
     {{NULL, NULL, NULL}, {NULL, NULL, NULL}, {NULL, NULL, NULL}},
     1},
    /* 8: the lead times of the policy */
    {NULL,
     NULL,
     "[lead-times]\nagenda-min-days = 1\nagenda-max-days = 10\n"
     "materials-min-days = 4\nminutes-max-hours = 48\n",
     NULL,
     NULL,
     NULL,
     BEFORE,
     {{"DTSTART:20230610T020000Z", "DUE:20230619T020000Z", NULL},
      {NULL, "DUE:20230616T020000Z", NULL},
      {"DTSTART:20230620T030000Z", "DUE:20230622T030000Z", NULL}},
     0},
    /* 9: days are counted on the meeting's wall clock across the start
     * of daylight saving time (New York, 2023-03-12) */
    {NULL,
     NULL,
     NULL,
     VTZ_NEW_YORK,
     "DTSTART;TZID=America/New_York:20230314T100000\r\n",
     "DTEND;TZID=America/New_York:20230314T110000\r\n",
     (time_t)1677628800,
     {{"DTSTART:20230309T150000Z", "DUE:20230311T150000Z", NULL},
      {NULL, "DUE:20230312T140000Z", NULL},
      {"DTSTART:20230314T150000Z", "DUE:20230315T150000Z", NULL}},
     0},
};

static void test_prep(void)
{
    static const char *const titles[3] = {
        "Send the agenda: Q3 budget review",
        "Send the materials: Q3 budget review",
        "Send the minutes: Q3 budget review"};
    size_t i, k;

    for (i = 0; i < sizeof(prep_cases) / sizeof(prep_cases[0]); i++) {
        const struct prep_case *c = &prep_cases[i];
        char *ics = meeting(NULL, c->vtz, c->start, c->end, c->desc, c->extra);
        cst_policy pol;
        cst_error err = {0, ""};
        cst_task_list l;
        size_t n_want = 0;

        cst_policy_init(&pol);
        if (c->policy != NULL)
            tap_int(cst_policy_parse(&pol, c->policy, strlen(c->policy), &err),
                    CST_OK, "prep[%zu] policy", i);
        tap_int(build(ics, c->now, &pol, &l), CST_OK, "prep[%zu] status", i);
        for (k = 0; k < 3; k++) {
            const cst_task *t = find_kind(&l, (cst_task_kind)k);
            icalcomponent *cal, *todo;

            if (c->w[k].due == NULL) {
                tap_ok(t == NULL, "prep[%zu] no %s task", i,
                       cst_task_kind_name((cst_task_kind)k));
                continue;
            }
            n_want++;
            if (!tap_ok(t != NULL, "prep[%zu] %s task", i,
                        cst_task_kind_name((cst_task_kind)k)))
                continue;
            tap_int(count_kind(&l, (cst_task_kind)k), 1,
                    "prep[%zu] one %s task", i,
                    cst_task_kind_name((cst_task_kind)k));
            check_line(t->ics, "DTSTART", c->w[k].dtstart, "prep", i, k);
            check_line(t->ics, "DUE", c->w[k].due, "prep", i, k);
            check_line(t->ics, "STATUS",
                       c->w[k].completed ? "STATUS:COMPLETED"
                                         : "STATUS:NEEDS-ACTION",
                       "prep", i, k);
            check_line(t->ics, "PERCENT-COMPLETE",
                       c->w[k].completed ? "PERCENT-COMPLETE:100" : NULL,
                       "prep", i, k);
            check_line(t->ics, "COMPLETED", c->w[k].completed, "prep", i, k);
            check_line(t->ics, "ATTENDEE",
                       "ATTENDEE;CN=Zhang San;ROLE=REQ-PARTICIPANT;"
                       "PARTSTAT=NEEDS-ACTION:mailto:zhangsan@example.com",
                       "prep", i, k);
            tap_str(t->owner_addr, "zhangsan@example.com",
                    "prep[%zu] task[%zu] owner_addr", i, k);
            cal = icalparser_parse_string(t->ics);
            todo = cal ? icalcomponent_get_first_component(cal,
                                                           ICAL_VTODO_COMPONENT)
                       : NULL;
            tap_str(todo ? icalcomponent_get_summary(todo) : NULL, titles[k],
                    "prep[%zu] task[%zu] SUMMARY", i, k);
            icalcomponent_free(cal);
        }
        tap_int(count_kind(&l, CST_TASK_ACTION_ITEM), c->n_actions,
                "prep[%zu] action items", i);
        tap_int(l.n, n_want + c->n_actions, "prep[%zu] number of tasks", i);
        for (k = 0; k < l.n; k++)
            check_common(&l.v[k], c->now, "m-1@example.com", "prep", i, k);
        cst_task_list_fini(&l);
        free(ics);
    }
}

/* A translation into Chinese of the words the tasks use. */
static const char *zh(const char *msgid, void *ctx)
{
    static const char *const map[][2] = {
        {"Send the agenda", "发送议程"},
        {"Send the materials", "发送材料"},
        {"Send the minutes", "发送会议纪要"},
        {"Deliverable", "交付标准"},
        {"Owner", "负责人"},
        {"From the meeting", "来自会议"},
    };
    size_t i;

    (void)ctx;
    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(msgid, map[i][0]) == 0)
            return map[i][1];
    }
    return NULL; /* untranslated: the English text */
}

static void test_language(void)
{
    char *ics = meeting(NULL, NULL, NULL, NULL,
                        "会议纪要：\n行动项：\n"
                        "- 整理预算方案；李四；6月30日；预算表\n",
                        NULL);
    cst_tasks_in in;
    cst_task_list l;
    cst_error err = {0, ""};
    const cst_task *t;
    icalcomponent *cal = NULL, *todo = NULL;

    memset(&in, 0, sizeof(in));
    in.policy = &policy;
    in.now = AFTER;
    in.tr = zh;
    tap_int(cst_tasks_build(ics, strlen(ics), &in, &l, &err), CST_OK,
            "zh status");
    t = find_kind(&l, CST_TASK_MINUTES);
    if (t != NULL)
        cal = icalparser_parse_string(t->ics);
    todo = cal ? icalcomponent_get_first_component(cal, ICAL_VTODO_COMPONENT)
               : NULL;
    tap_str(todo ? icalcomponent_get_summary(todo) : NULL,
            "发送会议纪要: Q3 budget review", "zh minutes title");
    icalcomponent_free(cal);
    cal = NULL;
    todo = NULL;
    t = find_kind(&l, CST_TASK_ACTION_ITEM);
    if (t != NULL)
        cal = icalparser_parse_string(t->ics);
    todo = cal ? icalcomponent_get_first_component(cal, ICAL_VTODO_COMPONENT)
               : NULL;
    tap_str(todo ? icalcomponent_get_description(todo) : NULL,
            "交付标准: 预算表\n负责人: 李四\n来自会议: Q3 budget review "
            "(2023-06-20)",
            "zh action item description");
    icalcomponent_free(cal);
    if (t != NULL)
        check_common(t, AFTER, "m-1@example.com", "zh", 0, 0);
    cst_task_list_fini(&l);
    free(ics);
}

/* ---- what gives no tasks, and bad input ------------------------------- */

static const struct none_case {
    const char *ics;
    cst_status st;
} none_cases[] = {
    /* 0: no attendee other than the organizer */
    {"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
     "BEGIN:VEVENT\r\nUID:solo@example.com\r\nDTSTAMP:20230601T000000Z\r\n"
     "ORGANIZER:mailto:a@example.com\r\nATTENDEE:MAILTO:A@example.com\r\n"
     "DTSTART:20230620T020000Z\r\nDTEND:20230620T030000Z\r\n"
     "DESCRIPTION:Minutes:\\nAction items:\\n- Send — a — tomorrow\r\n"
     "END:VEVENT\r\nEND:VCALENDAR\r\n",
     CST_OK},
    /* 1: all day */
    {"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
     "BEGIN:VEVENT\r\nUID:day@example.com\r\nDTSTAMP:20230601T000000Z\r\n"
     "ORGANIZER:mailto:a@example.com\r\nATTENDEE:mailto:b@example.com\r\n"
     "DTSTART;VALUE=DATE:20230620\r\n"
     "DESCRIPTION:Minutes:\\nAction items:\\n- Send — b — tomorrow\r\n"
     "END:VEVENT\r\nEND:VCALENDAR\r\n",
     CST_OK},
    /* 2: cancelled */
    {"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
     "BEGIN:VEVENT\r\nUID:off@example.com\r\nDTSTAMP:20230601T000000Z\r\n"
     "ORGANIZER:mailto:a@example.com\r\nATTENDEE:mailto:b@example.com\r\n"
     "DTSTART:20230620T020000Z\r\nDTEND:20230620T030000Z\r\n"
     "STATUS:CANCELLED\r\n"
     "DESCRIPTION:Minutes:\\nAction items:\\n- Send — b — tomorrow\r\n"
     "END:VEVENT\r\nEND:VCALENDAR\r\n",
     CST_OK},
    /* 3: a calendar of tasks only */
    {"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
     "BEGIN:VTODO\r\nUID:t@example.com\r\nDTSTAMP:20230601T000000Z\r\n"
     "SUMMARY:x\r\nEND:VTODO\r\nEND:VCALENDAR\r\n",
     CST_OK},
    /* 4: no iCalendar at all */
    {"this is not a calendar\r\n", CST_ERR_PARSE},
    /* 5: an empty object */
    {"", CST_ERR_PARSE},
};

static void test_none(void)
{
    size_t i;

    for (i = 0; i < sizeof(none_cases) / sizeof(none_cases[0]); i++) {
        cst_tasks_in in;
        cst_error err = {0, ""};
        cst_task_list l;
        cst_status st;

        memset(&in, 0, sizeof(in));
        in.policy = &policy;
        in.now = AFTER;
        st = cst_tasks_build(none_cases[i].ics, strlen(none_cases[i].ics), &in,
                             &l, &err);
        tap_int(st, none_cases[i].st, "none[%zu] status", i);
        tap_int(l.n, 0, "none[%zu] no tasks", i);
        if (st != CST_OK)
            tap_ok(err.msg[0] != '\0', "none[%zu] says why", i);
        cst_task_list_fini(&l);
    }
}

/* ---- all tasks as one VCALENDAR ----------------------------------------- */

static void test_calendar(void)
{
    size_t i, len = 0;
    cst_task_list l;
    char *cal, *ics;

    for (i = 0; i < sizeof(act_cases) / sizeof(act_cases[0]); i++) {
        const struct act_case *c = &act_cases[i];

        ics = meeting(NULL, c->vtz, c->start, c->end, c->desc, NULL);
        build(ics, c->now ? c->now : AFTER, NULL, &l);
        cal = cst_task_list_calendar(&l, &len);
        if (tap_ok(cal != NULL, "calendar[%zu] built", i)) {
            tap_int(len, strlen(cal), "calendar[%zu] length", i);
            tap_int(check_valid(cal, "calendar", i, 0), (long)l.n,
                    "calendar[%zu] every task once", i);
            tap_ok(strncmp(cal, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 30) == 0,
                   "calendar[%zu] starts with the VCALENDAR", i);
        }
        free(cal);
        cst_task_list_fini(&l);
        free(ics);
    }
    memset(&l, 0, sizeof(l));
    cal = cst_task_list_calendar(&l, &len);
    tap_ok(cal != NULL && check_valid(cal, "calendar-empty", 0, 0) == 0,
           "calendar of no tasks is a valid VCALENDAR");
    free(cal);
}

/* ---- merging with the server's copy ------------------------------------ */

/* What an owner's client adds to a task. */
#define OWNER_PROPS                                                            \
    "CATEGORIES:work,budget\r\n"                                               \
    "X-APPLE-SORT-ORDER:12345\r\n"                                             \
    "X-OWNER-NOTE;X-P=1:a long note that the owner's client folded at an \r\n" \
    "  odd place\\, with escapes\r\n"
#define OWNER_ALARM                                                            \
    "BEGIN:VALARM\r\n"                                                         \
    "ACTION:DISPLAY\r\n"                                                       \
    "DESCRIPTION:Reminder\r\n"                                                 \
    "TRIGGER:-PT15M\r\n"                                                       \
    "END:VALARM\r\n"
#define OWNER_ADDS OWNER_PROPS OWNER_ALARM

/* Adds the owner's properties and alarm to a task. */
static char *owner_copy(const char *ics, const char *status)
{
    char *a = replace(ics, "END:VTODO\r\n", OWNER_ADDS "END:VTODO\r\n");
    char *b = a ? replace(a, "STATUS:NEEDS-ACTION\r\n", status) : NULL;

    free(a);
    return b;
}

/* Rewrites a task as a server might store it: LF line ends, folded at 40
 * octets with a tab, parameters in another order, MAILTO: in upper case,
 * CREATED / LAST-MODIFIED / SEQUENCE added, another DTSTAMP. */
static char *server_copy(const char *ics)
{
    size_t n = strlen(ics), i, o = 0, cap = n * 3 + 512;
    char *u = malloc(n + 1), *r = malloc(cap), *line, *next;

    if (u == NULL || r == NULL)
        abort();
    for (i = 0; i < n; i++) { /* unfold, LF */
        if (ics[i] == '\r' && ics[i + 1] == '\n' && ics[i + 2] == ' ') {
            i += 2;
            continue;
        }
        if (ics[i] != '\r')
            u[o++] = ics[i];
    }
    u[o] = '\0';
    o = 0;
    for (line = u; *line; line = next) {
        char out[1024], *nl = strchr(line, '\n'), *m;
        size_t len, k, col;

        *nl = '\0';
        next = nl + 1;
        if (strncmp(line, "DTSTAMP:", 8) == 0) {
            snprintf(out, sizeof(out), "DTSTAMP:20230622T030000Z");
        } else if (strncmp(line, "ATTENDEE;", 9) == 0 ||
                   strncmp(line, "ORGANIZER;", 10) == 0) {
            /* NAME;P1;P2;P3:mailto:x -> NAME;P3;P2;P1:MAILTO:X */
            char *colon = strstr(line, ":mailto:"), *semi = strchr(line, ';');
            char *parts[8];
            size_t np = 0, p;

            *colon = '\0';
            *semi = '\0';
            for (m = strtok(semi + 1, ";"); m != NULL && np < 8;
                 m = strtok(NULL, ";"))
                parts[np++] = m;
            snprintf(out, sizeof(out), "%s", line);
            for (p = np; p > 0; p--) {
                size_t l = strlen(out);

                snprintf(out + l, sizeof(out) - l, ";%s", parts[p - 1]);
            }
            len = strlen(out);
            snprintf(out + len, sizeof(out) - len, ":MAILTO:");
            len = strlen(out);
            for (m = colon + 8; *m; m++)
                out[len++] = (*m >= 'a' && *m <= 'z') ? (char)(*m - 32) : *m;
            out[len] = '\0';
        } else {
            snprintf(out, sizeof(out), "%s", line);
        }
        len = strlen(out);
        for (k = 0, col = 0; k < len; k++, col++) {
            if (col == 40) {
                memcpy(r + o, "\n\t", 2);
                o += 2;
                col = 1;
            }
            r[o++] = out[k];
        }
        r[o++] = '\n';
        if (strncmp(out, "UID:", 4) == 0) {
            const char *add = "CREATED:20230622T030000Z\n"
                              "LAST-MODIFIED:20230622T030000Z\nSEQUENCE:0\n";

            memcpy(r + o, add, strlen(add));
            o += strlen(add);
        }
    }
    r[o] = '\0';
    free(u);
    return r;
}

static cst_status merge(const char *existing, const cst_task *fresh, time_t now,
                        char **out, size_t *out_len)
{
    cst_error err = {0, ""};
    cst_status st = cst_task_merge(existing, strlen(existing), fresh, now, out,
                                   out_len, &err);

    if (st != CST_OK)
        printf("#   merge: %s\n", err.msg);
    return st;
}

/* Builds the first task of a kind for a description; *l owns it. */
static const cst_task *one(const char *desc, const char *extra, time_t now,
                           cst_task_kind kind, cst_task_list *l)
{
    char *ics = meeting(NULL, NULL, NULL, NULL, desc, extra);
    const cst_task *t;

    build(ics, now, NULL, l);
    free(ics);
    t = find_kind(l, kind);
    tap_ok(t != NULL, "merge fixture: a %s task", cst_task_kind_name(kind));
    return t;
}

#define LATE_STAMP "DTSTAMP:20230623T020000Z" /* AFTER + 1 day */

static void test_merge_unchanged(void)
{
    static const char *const progress[] = {
        "STATUS:NEEDS-ACTION\r\n",
        "STATUS:IN-PROCESS\r\nPERCENT-COMPLETE:50\r\n",
        "STATUS:COMPLETED\r\nPERCENT-COMPLETE:100\r\n"
        "COMPLETED:20230622T080000Z\r\n",
        "STATUS:CANCELLED\r\n",
    };
    cst_task_list a, b;
    const cst_task *t, *t2;
    char *out = NULL, *ex, *l;
    size_t len = 0, i;

    t = one(DESC_SEND("Send the minutes", "2023-06-23"), NULL, AFTER,
            CST_TASK_ACTION_ITEM, &a);
    t2 = one(DESC_SEND("Send the minutes", "2023-06-23"), NULL, AFTER + 86400,
             CST_TASK_ACTION_ITEM, &b);
    if (t == NULL || t2 == NULL)
        goto done;

    /* 0: a task merged with itself */
    tap_int(merge(t->ics, t, AFTER, &out, &len), CST_OK, "same[0] status");
    tap_ok(out == NULL && len == 0, "same[0] itself: no change");
    free(out);
    out = NULL;

    /* 1: rebuilt a day later (another DTSTAMP) */
    tap_int(merge(t->ics, t2, AFTER + 86400, &out, &len), CST_OK,
            "same[1] status");
    tap_ok(out == NULL, "same[1] rebuilt later: no change");
    free(out);
    out = NULL;

    /* 2: the server's rewrite: LF, other folding, parameter order,
     * MAILTO: case, added properties */
    ex = server_copy(t->ics);
    l = get_line(ex, "ATTENDEE");
    tap_ok(strchr(ex, '\r') == NULL && strstr(ex, "\n\t") != NULL && l &&
               strstr(l, ";CN=Li Si:MAILTO:LISI@EXAMPLE.COM") != NULL,
           "same[2] the rewrite is one");
    free(l);
    tap_int(merge(ex, t2, AFTER + 86400, &out, &len), CST_OK, "same[2] status");
    tap_ok(out == NULL, "same[2] server's rewrite: no change");
    if (out != NULL)
        printf("# %s", out);
    free(out);
    out = NULL;
    free(ex);

    /* 3..: the owner's progress and additions stay without a change */
    for (i = 0; i < sizeof(progress) / sizeof(progress[0]); i++) {
        char *own = owner_copy(t->ics, progress[i]);
        char *srv = own ? server_copy(own) : NULL;

        tap_ok(own != NULL, "same[%zu] owner's copy", i + 3);
        if (own == NULL)
            continue;
        tap_int(merge(own, t2, AFTER + 86400, &out, &len), CST_OK,
                "same[%zu] status", i + 3);
        tap_ok(out == NULL, "same[%zu] owner's progress: no change", i + 3);
        free(out);
        out = NULL;
        tap_int(merge(srv, t2, AFTER + 86400, &out, &len), CST_OK,
                "same[%zu] rewritten status", i + 3);
        tap_ok(out == NULL, "same[%zu] owner's progress rewritten: no change",
               i + 3);
        free(out);
        out = NULL;
        free(srv);
        free(own);
    }
done:
    cst_task_list_fini(&a);
    cst_task_list_fini(&b);
}

/* Folds one content line at 75 octets, not inside a UTF-8 character,
 * CRLF (RFC 5545 3.1); "" stays "".  Written here, not taken from the
 * core. */
static char *fold75(const char *line)
{
    size_t n = strlen(line), i, o = 0, col = 0;
    char *r = malloc(n * 2 + 4);

    if (r == NULL)
        abort();
    for (i = 0; i < n; i++) {
        size_t cl = 1;
        unsigned char c = (unsigned char)line[i];

        if (c >= 0xF0)
            cl = 4;
        else if (c >= 0xE0)
            cl = 3;
        else if (c >= 0xC0)
            cl = 2;
        if (col + cl > 75) {
            memcpy(r + o, "\r\n ", 3);
            o += 3;
            col = 1;
        }
        memcpy(r + o, line + i, cl);
        o += cl;
        col += cl;
        i += cl - 1;
    }
    if (n > 0) {
        memcpy(r + o, "\r\n", 2);
        o += 2;
    }
    r[o] = '\0';
    return r;
}

/* One update of an action item: the existing copy is the task built from
 * old_desc with the owner's progress `status` and additions; the fresh
 * one is built from new_desc a day later.  The result must be the
 * existing copy with exactly the content lines from[] replaced by to[]
 * (unfolded here, folded by fold75(); "" removes the line) and DTSTAMP
 * set to the moment of the merge. */
static const struct upd_case {
    const char *old_desc, *new_desc, *status;
    const char *from[3], *to[3];
} upd_cases[] = {
    /* 0: a new due date; the owner's COMPLETED stays */
    {DESC_SEND("Send the minutes", "2023-06-23"),
     DESC_SEND("Send the minutes", "2023-06-24"),
     "STATUS:COMPLETED\r\nPERCENT-COMPLETE:100\r\n"
     "COMPLETED:20230622T080000Z\r\n",
     {"DUE;VALUE=DATE:20230623"},
     {"DUE;VALUE=DATE:20230624"}},
    /* 1: a time of day given: DUE becomes a DATE-TIME; 50 % stays */
    {DESC_SEND("Send the minutes", "2023-06-23"),
     DESC_SEND("Send the minutes", "2023-06-23 18:00"),
     "STATUS:IN-PROCESS\r\nPERCENT-COMPLETE:50\r\n",
     {"DUE;VALUE=DATE:20230623"},
     {"DUE:20230623T100000Z"}},
    /* 2: another deliverable: DESCRIPTION */
    {DESC_SEND("Send the minutes", "2023-06-23"),
     "Minutes:\nAction items:\n- Send the minutes — Li Si — 2023-06-23 — "
     "mail\n",
     "STATUS:NEEDS-ACTION\r\n",
     {"DESCRIPTION:Deliverable: minutes in wiki\\nFrom the meeting: Q3 "
      "budget review (2023-06-20)"},
     {"DESCRIPTION:Deliverable: mail\\nFrom the meeting: Q3 budget review "
      "(2023-06-20)"}},
    /* 3: another owner: ATTENDEE; the owner's COMPLETED stays */
    {DESC_SEND("Send the minutes", "2023-06-23"),
     "Minutes:\nAction items:\n- Send the minutes — Sun Qi — 2023-06-23 — "
     "minutes in wiki\n",
     "STATUS:COMPLETED\r\nPERCENT-COMPLETE:100\r\n"
     "COMPLETED:20230622T080000Z\r\n",
     {"ATTENDEE;CN=Li Si;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:"
      "mailto:lisi@example.com"},
     {"ATTENDEE;CN=Sun Qi;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:"
      "mailto:sunqi@example.com"}},
    /* 4: a priority given: PRIORITY is added (before the VALARM) */
    {DESC_SEND("Send the minutes", "2023-06-23"),
     "Minutes:\nAction items:\n- Send the minutes — Li Si — 2023-06-23 — "
     "minutes in wiki — high\n",
     "STATUS:NEEDS-ACTION\r\n",
     {"BEGIN:VALARM"},
     {"PRIORITY:1\r\nBEGIN:VALARM"}},
    /* 5: ... and removed again */
    {"Minutes:\nAction items:\n- Send the minutes — Li Si — 2023-06-23 — "
     "minutes in wiki — high\n",
     DESC_SEND("Send the minutes", "2023-06-23"),
     "STATUS:NEEDS-ACTION\r\n",
     {"PRIORITY:1"},
     {""}},
    /* 6: the owner is no participant now: no ATTENDEE, the name goes to
     * DESCRIPTION */
    {DESC_SEND("Send the minutes", "2023-06-23"),
     "Minutes:\nAction items:\n- Send the minutes — 李四 — 2023-06-23 — "
     "minutes in wiki\n",
     "STATUS:NEEDS-ACTION\r\n",
     {"DESCRIPTION:Deliverable: minutes in wiki\\nFrom the meeting: Q3 "
      "budget review (2023-06-20)",
      "ATTENDEE;CN=Li Si;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:"
      "mailto:lisi@example.com"},
     {"DESCRIPTION:Deliverable: minutes in wiki\\nOwner: 李四\\nFrom the "
      "meeting: Q3 budget review (2023-06-20)",
      ""}},
    /* 7: the task's text written in other case and spacing: same UID,
     * SUMMARY follows the minutes */
    {DESC_SEND("Send the minutes", "2023-06-23"),
     DESC_SEND("send  THE minutes", "2023-06-23"),
     "STATUS:IN-PROCESS\r\n",
     {"SUMMARY:Send the minutes"},
     {"SUMMARY:send  THE minutes"}},
};

static void test_merge_update(void)
{
    size_t i, k, len = 0;

    for (i = 0; i < sizeof(upd_cases) / sizeof(upd_cases[0]); i++) {
        const struct upd_case *c = &upd_cases[i];
        cst_task_list a, b;
        const cst_task *t =
            one(c->old_desc, NULL, AFTER, CST_TASK_ACTION_ITEM, &a);
        const cst_task *f =
            one(c->new_desc, NULL, AFTER + 86400, CST_TASK_ACTION_ITEM, &b);
        char *own = NULL, *want = NULL, *out = NULL, *again = NULL, *x;
        char *srv, *srv_out = NULL;

        if (t == NULL || f == NULL)
            goto next;
        tap_str(f->uid, t->uid, "upd[%zu] same UID", i);
        own = owner_copy(t->ics, c->status);
        if (!tap_ok(own != NULL, "upd[%zu] owner's copy", i))
            goto next;
        want = replace(own, "DTSTAMP:20230622T020000Z", LATE_STAMP);
        for (k = 0; k < 3 && c->from[k] != NULL && want != NULL; k++) {
            char *ff = fold75(c->from[k]), *ft = fold75(c->to[k]);

            x = replace(want, ff, ft);
            free(ff);
            free(ft);
            tap_ok(x != NULL, "upd[%zu] fixture line %zu is there", i, k);
            free(want);
            want = x;
        }
        tap_int(merge(own, f, AFTER + 86400, &out, &len), CST_OK,
                "upd[%zu] status", i);
        tap_str(out, want, "upd[%zu] only the owned lines change", i);
        tap_int(len, out ? strlen(out) : 0, "upd[%zu] length", i);
        /* the same update on the server's rewrite (LF, other folding):
         * its line ends stay LF, the new DUE etc. are there */
        free(srv_out);
        srv_out = NULL;
        srv = server_copy(own);
        tap_int(merge(srv, f, AFTER + 86400, &srv_out, &len), CST_OK,
                "upd[%zu] rewritten status", i);
        tap_ok(srv_out != NULL && strchr(srv_out, '\r') == NULL,
               "upd[%zu] rewritten: changed, LF kept", i);
        for (k = 0; srv_out != NULL && k < 3 && c->from[k] != NULL; k++) {
            char *name = cat(c->to[k], NULL), *colon = strpbrk(name, ";:");
            char *want_l, *got_l, *crlf;

            if (colon == NULL) { /* a removal: the old line is gone */
                free(name);
                name = cat(c->from[k], NULL);
                colon = strpbrk(name, ";:");
                *colon = '\0';
                got_l = get_line(srv_out, name);
                tap_str(got_l, NULL, "upd[%zu] rewritten: %s gone", i, name);
                free(got_l);
                free(name);
                continue;
            }
            crlf = strstr(name, "\r\n"); /* "PRIORITY:1\r\nBEGIN:..." */
            if (crlf != NULL)
                *crlf = '\0';
            want_l = cat(name, NULL);
            colon = strpbrk(name, ";:");
            *colon = '\0';
            got_l = get_line(srv_out, name);
            tap_str(got_l, want_l, "upd[%zu] rewritten: %s", i, name);
            free(got_l);
            free(want_l);
            free(name);
        }
        free(srv);
        if (out != NULL) {
            check_valid(out, "upd", i, 0);
            tap_int(merge(out, f, AFTER + 86400, &again, &len), CST_OK,
                    "upd[%zu] again status", i);
            tap_ok(again == NULL, "upd[%zu] merging again: no change", i);
        }
    next:
        free(srv_out);
        free(again);
        free(out);
        free(want);
        free(own);
        cst_task_list_fini(&a);
        cst_task_list_fini(&b);
    }
}

static void test_merge_prep(void)
{
    cst_task_list a, b;
    const cst_task *t, *f;
    char *out = NULL, *own, *srv, *l;
    size_t len = 0;

    /* 0: the agenda arrives: the task follows, STATUS COMPLETED */
    t = one(NULL, NULL, BEFORE, CST_TASK_AGENDA, &a);
    f = one("Agenda:\n1. Numbers (20 min, Li Si)\n",
            "X-CALSTEWARD-AGENDA-SENT:20230612T000000Z\r\n", BEFORE + 86400,
            CST_TASK_AGENDA, &b);
    if (t != NULL && f != NULL) {
        own = owner_copy(t->ics, "STATUS:NEEDS-ACTION\r\n");
        tap_int(merge(own, f, BEFORE + 86400, &out, &len), CST_OK,
                "prep-merge[0] status");
        tap_ok(out != NULL && strstr(out, OWNER_PROPS) != NULL &&
                   strstr(out, OWNER_ALARM) != NULL,
               "prep-merge[0] the owner's additions stay");
        if (out != NULL) {
            check_line(out, "STATUS", "STATUS:COMPLETED", "prep-merge", 0, 0);
            check_line(out, "PERCENT-COMPLETE", "PERCENT-COMPLETE:100",
                       "prep-merge", 0, 0);
            check_line(out, "COMPLETED", "COMPLETED:20230612T000000Z",
                       "prep-merge", 0, 0);
            check_line(out, "DTSTAMP", "DTSTAMP:20230611T000000Z", "prep-merge",
                       0, 0);
            check_valid(out, "prep-merge", 0, 0);
        }
        free(out);
        out = NULL;
        free(own);

        /* 1: the organizer ticked it off, but there is no agenda: the
         * task goes back to NEEDS-ACTION */
        own = owner_copy(t->ics, "STATUS:COMPLETED\r\nPERCENT-COMPLETE:100\r\n"
                                 "COMPLETED:20230611T000000Z\r\n");
        tap_int(merge(own, t, BEFORE + 86400, &out, &len), CST_OK,
                "prep-merge[1] status");
        if (tap_ok(out != NULL, "prep-merge[1] changed")) {
            check_line(out, "STATUS", "STATUS:NEEDS-ACTION", "prep-merge", 1,
                       0);
            check_line(out, "PERCENT-COMPLETE", NULL, "prep-merge", 1, 0);
            check_line(out, "COMPLETED", NULL, "prep-merge", 1, 0);
            tap_ok(strstr(out, OWNER_ADDS) != NULL,
                   "prep-merge[1] the owner's additions stay");
            check_valid(out, "prep-merge", 1, 0);
        }
        free(out);
        out = NULL;
        free(own);

        /* 2: completed, rewritten by the server: no change */
        srv = server_copy(f->ics);
        tap_int(merge(srv, f, BEFORE + 2 * 86400, &out, &len), CST_OK,
                "prep-merge[2] status");
        tap_ok(out == NULL, "prep-merge[2] rewritten: no change");
        free(out);
        out = NULL;
        free(srv);
    }
    cst_task_list_fini(&a);
    cst_task_list_fini(&b);

    /* 3: materials as an ATTACH without a first-sent stamp: the moment it
     * was completed is when calsteward first saw it; seeing it again a
     * day later changes nothing */
    t = one(NULL, "ATTACH:https://example.com/draft.xlsx\r\n", BEFORE,
            CST_TASK_MATERIALS, &a);
    f = one(NULL, "ATTACH:https://example.com/draft.xlsx\r\n", BEFORE + 86400,
            CST_TASK_MATERIALS, &b);
    if (t != NULL && f != NULL) {
        l = get_line(t->ics, "COMPLETED");
        tap_str(l, "COMPLETED:20230610T000000Z", "prep-merge[3] completed");
        free(l);
        tap_int(merge(t->ics, f, BEFORE + 86400, &out, &len), CST_OK,
                "prep-merge[3] status");
        tap_ok(out == NULL, "prep-merge[3] completed again later: no change");
        free(out);
        out = NULL;
    }
    cst_task_list_fini(&a);
    cst_task_list_fini(&b);
}

static void test_merge_errors(void)
{
    cst_task_list a;
    const cst_task *t = one(DESC_SEND("Send the minutes", "2023-06-23"), NULL,
                            AFTER, CST_TASK_ACTION_ITEM, &a);
    static const char *const bad[] = {
        /* 0: another UID */
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
        "BEGIN:VTODO\r\nUID:other@example.com\r\nDTSTAMP:20230601T000000Z\r\n"
        "END:VTODO\r\nEND:VCALENDAR\r\n",
        /* 1: no END */
        "BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nUID:x\r\n",
        /* 2: nothing */
        "",
    };
    size_t i, len = 7;
    char *out;

    for (i = 0; t != NULL && i < sizeof(bad) / sizeof(bad[0]); i++) {
        cst_error err = {0, ""};
        cst_status st;

        out = (char *)"sentinel";
        st = cst_task_merge(bad[i], strlen(bad[i]), t, AFTER, &out, &len, &err);
        tap_int(st, CST_ERR_PARSE, "merge-bad[%zu] status", i);
        tap_ok(out == NULL, "merge-bad[%zu] *out NULL", i);
        tap_ok(err.msg[0] != '\0', "merge-bad[%zu] says why", i);
    }
    cst_task_list_fini(&a);
}

/* Only the organizer's own meetings give tasks when a user is named (the
 * Apache module writes tasks with the requesting user's credentials). */
static void test_organizer_user(void)
{
    static const struct {
        const char *user;
        int tasks;
    } cases[] = {
        {"zhangsan", 1},
        {"ZhangSan@Example.com", 1},
        {"mailto:zhangsan@example.com", 1},
        {"lisi", 0},
        {"zhang", 0},
        {"", 0},
    };
    char *ics = meeting(NULL, NULL, NULL, NULL,
                        "Minutes:\nAction items:\n"
                        "- Send the report \u2014 Li Si \u2014 2023-06-30 "
                        "\u2014 report in the wiki\n",
                        NULL);
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cst_tasks_in in;
        cst_task_list l = {NULL, 0, 0};
        cst_error err = {0, ""};

        memset(&in, 0, sizeof(in));
        in.policy = &policy;
        in.now = AFTER;
        in.organizer_user = cases[i].user;
        tap_int(cst_tasks_build(ics, strlen(ics), &in, &l, &err), CST_OK,
                "organizer_user[%zu] status", i);
        tap_int(l.n > 0, cases[i].tasks, "organizer_user[%zu] '%s': %s", i,
                cases[i].user, cases[i].tasks ? "tasks" : "no tasks");
        cst_task_list_fini(&l);
    }
    free(ics);
}

int main(void)
{
    icalerror_set_errors_are_fatal(0);
    test_organizer_user();
    cst_policy_init(&policy);
    test_action_items();
    test_uids();
    test_prep();
    test_language();
    test_none();
    test_calendar();
    test_merge_unchanged();
    test_merge_update();
    test_merge_prep();
    test_merge_errors();
    return tap_done();
}
