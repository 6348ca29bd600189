/*
 * test-digest.c -- core/digest.h and cst_task_facts_read(): the weekly
 * follow-up digest (spec section 10).
 *
 *  - facts: what is read of a stored task (DATE and TZID dues, the
 *    owner and organizer, the meeting named in English or Chinese), and
 *    what is not ours;
 *  - periods: ISO weeks across year ends, days in a zone near midnight;
 *  - the digest fires (overdue items, listed by owner, overdue first;
 *    due-this-week items) and does not (completed, cancelled, another
 *    organizer's, due later, preparation tasks, no DUE); the summary in
 *    English and Chinese; completed when nothing is overdue; the UID
 *    stable within a period and new the next;
 *  - merging over the stored copy: the organizer's notes, priority and
 *    completion stay; the block is replaced; the status follows only a
 *    change between "something overdue" and "nothing overdue".
 */
#include "tests/unit/tap.h"
#include "core/digest.h"
#include "core/followup.h"
#include "core/tasks.h"

#include <stdlib.h>
#include <libical/ical.h>

#define N_ELEMS(x) (sizeof(x) / sizeof((x)[0]))

static time_t utc(const char *s)
{
    return icaltime_as_timet_with_zone(icaltime_from_string(s),
                                       icaltimezone_get_utc_timezone());
}

/* An action item as core/tasks.c writes it, with the fields varied
 * (owner NULL: no ATTENDEE; cn NULL: no CN). */
static char *task(const char *uid, const char *organizer, const char *owner,
                  const char *cn, const char *due_line, const char *status,
                  const char *summary, const char *kind)
{
    char *s = malloc(2048), att[256] = "";

    if (owner != NULL)
        snprintf(att, sizeof(att), "ATTENDEE%s%s:mailto:%s\r\n",
                 cn ? ";CN=" : "", cn ? cn : "", owner);
    snprintf(s, 2048,
             "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
             "BEGIN:VTODO\r\nUID:%s\r\nDTSTAMP:20261101T000000Z\r\n"
             "SUMMARY:%s\r\n%s\r\nSTATUS:%s\r\n"
             "DESCRIPTION:Deliverable: a table\\nFrom the meeting: Q3 budget "
             "review (2026-11-20)\r\n"
             "ORGANIZER;CN=Alice:mailto:%s\r\n%s"
             "RELATED-TO:meeting-1@example.com\r\n"
             "X-CALSTEWARD-KIND:%s\r\nEND:VTODO\r\nEND:VCALENDAR\r\n",
             uid, summary, due_line, status, organizer, att, kind);
    return s;
}

/* ---- facts ------------------------------------------------------------ */

static void test_facts(void)
{
    cst_task_facts f;
    cst_error err = {0, ""};
    char *t;
    static const char zh[] =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTIMEZONE\r\n"
        "TZID:Asia/Shanghai\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
        "TZOFFSETFROM:+0800\r\nTZOFFSETTO:+0800\r\nEND:STANDARD\r\n"
        "END:VTIMEZONE\r\nBEGIN:VTODO\r\nUID:zh-1\r\n"
        "SUMMARY:整理预算分配表\r\nDUE;TZID=Asia/Shanghai:20261130T180000\r\n"
        "STATUS:IN-PROCESS\r\n"
        "DESCRIPTION:交付标准: 表格\\n来自会议: Q3 预算评审 (2026-11-20)\r\n"
        "ORGANIZER:MAILTO:Alice@Example.com\r\n"
        "ATTENDEE;CN=赵六:mailto:ZhaoLiu@example.com\r\n"
        "X-CALSTEWARD-KIND:action-item\r\nEND:VTODO\r\nEND:VCALENDAR\r\n";
    static const char mine[] =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTODO\r\nUID:own\r\n"
        "SUMMARY:my own\r\nDUE:20261101T000000Z\r\nEND:VTODO\r\n"
        "END:VCALENDAR\r\n";

    t = task("a-1", "alice@example.com", "bob@example.com", "Bob",
             "DUE;VALUE=DATE:20261130", "NEEDS-ACTION", "Send the budget",
             "action-item");
    tap_int(cst_task_facts_read(t, strlen(t), "Asia/Shanghai", &f, &err),
            CST_OK, "facts: read");
    tap_str(f.uid, "a-1", "facts: uid");
    tap_str(f.kind, "action-item", "facts: kind");
    tap_str(f.summary, "Send the budget", "facts: summary");
    tap_str(f.organizer, "alice@example.com", "facts: organizer");
    tap_str(f.organizer_cn, "Alice", "facts: organizer's CN");
    tap_str(f.owner, "bob@example.com", "facts: owner");
    tap_str(f.owner_cn, "Bob", "facts: owner's CN");
    tap_str(f.related, "meeting-1@example.com", "facts: the meeting's UID");
    tap_str(f.meeting, "Q3 budget review (2026-11-20)",
            "facts: the meeting named in English");
    tap_int(f.has_due && f.due_is_date && f.due_y == 2026 && f.due_m == 11 &&
                f.due_d == 30,
            1, "facts: a DATE due");
    /* a DATE passes at the end of the day, in the zone given */
    tap_int((long)f.due, (long)utc("20261130T160000Z"),
            "facts: a DATE ends at midnight in Shanghai");
    tap_int(f.done, 0, "facts: NEEDS-ACTION is open");
    cst_task_facts_fini(&f);
    free(t);

    tap_int(cst_task_facts_read(zh, strlen(zh), NULL, &f, &err), CST_OK,
            "facts zh: read");
    tap_str(f.organizer, "alice@example.com",
            "facts zh: MAILTO: and case folded");
    tap_str(f.owner, "zhaoliu@example.com", "facts zh: owner folded");
    tap_str(f.owner_cn, "赵六", "facts zh: owner's CN");
    tap_str(f.meeting, "Q3 预算评审 (2026-11-20)",
            "facts zh: the meeting named in Chinese");
    tap_int((long)f.due, (long)utc("20261130T100000Z"),
            "facts zh: a TZID due through the object's VTIMEZONE");
    tap_int(f.due_is_date, 0, "facts zh: a DATE-TIME due");
    tap_int(f.done, 0, "facts zh: IN-PROCESS is open");
    cst_task_facts_fini(&f);

    t = task("a-2", "alice@example.com", NULL, NULL,
             "DUE:20261130T100000Z", "CANCELLED", "x", "action-item");
    tap_int(cst_task_facts_read(t, strlen(t), NULL, &f, &err), CST_OK,
            "facts cancelled: read");
    tap_int(f.done && f.cancelled && f.owner == NULL, 1,
            "facts cancelled: done, cancelled, no owner");
    cst_task_facts_fini(&f);
    free(t);

    tap_int(cst_task_facts_read(mine, strlen(mine), NULL, &f, &err), CST_OK,
            "facts: the user's own task reads");
    tap_ok(f.uid == NULL, "facts: the user's own task is not ours");
    cst_task_facts_fini(&f);

    tap_int(cst_task_facts_read("hello", 5, NULL, &f, &err), CST_ERR_PARSE,
            "facts: no iCalendar is an error");
    tap_int(cst_task_facts_read(mine, strlen(mine), "Mars/Olympus", &f, &err),
            CST_ERR_INVALID, "facts: an unknown zone is an error");
}

/* ---- periods ---------------------------------------------------------- */

static void test_periods(void)
{
    static const struct {
        cst_digest_period p;
        const char *now, *tz, *key, *start, *end;
    } c[] = {
        /* 0: a Wednesday */
        {CST_DIGEST_WEEKLY, "20261202T120000Z", NULL, "2026-W49",
         "20261130T000000Z", "20261207T000000Z"},
        /* 1: Sunday 23:00 UTC is Monday 07:00 in Shanghai: next week */
        {CST_DIGEST_WEEKLY, "20261206T230000Z", "Asia/Shanghai", "2026-W50",
         "20261206T160000Z", "20261213T160000Z"},
        {CST_DIGEST_WEEKLY, "20261206T230000Z", NULL, "2026-W49",
         "20261130T000000Z", "20261207T000000Z"},
        /* 3: 2027-01-01 is a Friday: week 53 of 2026 */
        {CST_DIGEST_WEEKLY, "20270101T120000Z", NULL, "2026-W53",
         "20261228T000000Z", "20270104T000000Z"},
        /* 4: 2024-12-30 is a Monday: week 1 of 2025 */
        {CST_DIGEST_WEEKLY, "20241230T120000Z", NULL, "2025-W01",
         "20241230T000000Z", "20250106T000000Z"},
        /* 5 */
        {CST_DIGEST_DAILY, "20261202T170000Z", "Asia/Shanghai", "2026-12-03",
         "20261202T160000Z", "20261203T160000Z"},
        /* 6: a week across the change to summer time in Berlin */
        {CST_DIGEST_WEEKLY, "20270326T120000Z", "Europe/Berlin", "2027-W12",
         "20270321T230000Z", "20270328T220000Z"},
    };
    size_t i;

    for (i = 0; i < N_ELEMS(c); i++) {
        char key[16];
        time_t s, e;
        cst_error err = {0, ""};
        cst_status st = cst_digest_period_of(c[i].p, utc(c[i].now), c[i].tz,
                                             key, &s, &e, &err);

        tap_int(st, CST_OK, "period %zu: status", i);
        tap_str(key, c[i].key, "period %zu: key", i);
        tap_int((long)s, (long)utc(c[i].start), "period %zu: start", i);
        tap_int((long)e, (long)utc(c[i].end), "period %zu: end", i);
    }
    {
        char key[16];
        time_t s, e;
        cst_error err = {0, ""};

        tap_int(cst_digest_period_of(CST_DIGEST_OFF, 0, NULL, key, &s, &e,
                                     &err),
                CST_ERR_INVALID, "period: off has none");
    }
}

/* ---- building --------------------------------------------------------- */

static const char *zh_tr(const char *msgid, void *ctx)
{
    static const char *const map[][2] = {
        {"Follow up %u overdue action items", "跟进 %u 项逾期行动项"},
        {"Follow up 1 overdue action item", "跟进 1 项逾期行动项"},
        {"Follow up: no overdue action items", "跟进：没有逾期行动项"},
        {"Overdue: %u", "逾期：%u"},
        {"Due this week: %u", "本周到期：%u"},
        {"No owner", "无负责人"},
        {"overdue, due %s", "已逾期，截止 %s"},
        {"due %s", "截止 %s"},
    };
    size_t i;

    (void)ctx;
    for (i = 0; i < N_ELEMS(map); i++) {
        if (strcmp(msgid, map[i][0]) == 0)
            return map[i][1];
    }
    return msgid;
}

/* The facts of a list of task texts. */
static cst_task_facts *read_all(char **texts, size_t n)
{
    cst_task_facts *f = calloc(n, sizeof(*f));
    cst_error err = {0, ""};
    size_t i;

    for (i = 0; i < n; i++) {
        if (cst_task_facts_read(texts[i], strlen(texts[i]), NULL, &f[i],
                                &err) != CST_OK)
            tap_ok(0, "fixture %zu reads: %s", i, err.msg);
    }
    return f;
}

static void free_all(cst_task_facts *f, char **texts, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        cst_task_facts_fini(&f[i]);
        free(texts[i]);
    }
    free(f);
}

/* The unescaped DESCRIPTION of a digest. */
static char *description(const char *ics)
{
    icalcomponent *c = icalparser_parse_string(ics);
    icalcomponent *t = icalcomponent_get_first_component(c, ICAL_VTODO_COMPONENT);
    const char *d = t ? icalcomponent_get_description(t) : NULL;
    char *r = strdup(d ? d : "");

    icalcomponent_free(c);
    return r;
}

static int has_line(const char *ics, const char *line)
{
    char want[512];

    snprintf(want, sizeof(want), "\r\n%s\r\n", line);
    return strstr(ics, want) != NULL;
}

#define ORG "alice@example.com"

static void test_build(void)
{
    char *texts[] = {
        /* 0: overdue, Bob */
        task("t-0", ORG, "bob@example.com", "Bob", "DUE:20261125T100000Z",
             "NEEDS-ACTION", "Send the budget", "action-item"),
        /* 1: overdue, no owner; a DATE due */
        task("t-1", ORG, NULL, NULL, "DUE;VALUE=DATE:20261128",
             "IN-PROCESS", "Call the vendor", "action-item"),
        /* 2: due this week, Bob */
        task("t-2", ORG, "bob@example.com", "Bob", "DUE:20261204T090000Z",
             "NEEDS-ACTION", "Book the venue", "action-item"),
        /* 3: overdue, Carol, earlier than Bob's: Bob is listed first */
        task("t-3", ORG, "carol@example.com", "Carol",
             "DUE:20261101T090000Z", "NEEDS-ACTION", "Draft the plan",
             "action-item"),
        /* not listed: 4 due next week, 5 completed, 6 cancelled,
         * 7 another organizer's, 8 a preparation task, 9 no DUE */
        task("t-4", ORG, "bob@example.com", "Bob", "DUE:20261209T090000Z",
             "NEEDS-ACTION", "Later", "action-item"),
        task("t-5", ORG, "bob@example.com", "Bob", "DUE:20261120T090000Z",
             "COMPLETED", "Done", "action-item"),
        task("t-6", ORG, "bob@example.com", "Bob", "DUE:20261120T090000Z",
             "CANCELLED", "Dropped", "action-item"),
        task("t-7", "dave@example.com", "bob@example.com", "Bob",
             "DUE:20261120T090000Z", "NEEDS-ACTION", "Dave's", "action-item"),
        task("t-8", ORG, NULL, NULL, "DUE:20261120T090000Z", "NEEDS-ACTION",
             "Write the minutes", "minutes"),
        task("t-9", ORG, "bob@example.com", "Bob", "X-NO-DUE:1",
             "NEEDS-ACTION", "No due", "action-item"),
    };
    size_t n = N_ELEMS(texts);
    cst_task_facts *f = read_all(texts, n);
    cst_digest_in in;
    cst_digest d, d2;
    cst_error err = {0, ""};
    char *desc;
    const char *want_desc =
        "-- calsteward: generated - edits here are replaced --\n"
        "Overdue: 3\n"
        "Due this week: 1\n"
        "\n"
        "Bob <bob@example.com>\n"
        "- Send the budget \xE2\x80\x94 overdue, due 2026-11-25 10:00 "
        "\xE2\x80\x94 Q3 budget review (2026-11-20)\n"
        "- Book the venue \xE2\x80\x94 due 2026-12-04 09:00 \xE2\x80\x94 Q3 "
        "budget review (2026-11-20)\n"
        "\n"
        "Carol <carol@example.com>\n"
        "- Draft the plan \xE2\x80\x94 overdue, due 2026-11-01 09:00 "
        "\xE2\x80\x94 Q3 budget review (2026-11-20)\n"
        "\n"
        "No owner\n"
        "- Call the vendor \xE2\x80\x94 overdue, due 2026-11-28 "
        "\xE2\x80\x94 Q3 budget review (2026-11-20)\n"
        "-- end of calsteward --";

    memset(&in, 0, sizeof(in));
    in.period = CST_DIGEST_WEEKLY;
    in.now = utc("20261202T120000Z");
    in.organizer = ORG;
    in.organizer_cn = "Alice";
    tap_int(cst_digest_build(&in, f, n, &d, &err), CST_OK, "build: status");
    tap_int(d.overdue, 3, "build: three overdue (past DUE, open, ours)");
    tap_int(d.due_soon, 1, "build: one due this week");
    tap_str(d.period, "2026-W49", "build: the period");
    tap_int(d.task.kind, CST_TASK_DIGEST, "build: kind");
    tap_ok(has_line(d.task.ics, "SUMMARY:Follow up 3 overdue action items"),
           "build: SUMMARY counts the overdue items");
    tap_ok(has_line(d.task.ics, "DUE;VALUE=DATE:20261130"),
           "build: DUE is the week's Monday");
    tap_ok(has_line(d.task.ics, "STATUS:NEEDS-ACTION"),
           "build: open while something is overdue");
    tap_ok(has_line(d.task.ics, "ORGANIZER;CN=Alice:mailto:alice@example.com"),
           "build: ORGANIZER");
    tap_ok(has_line(d.task.ics, "X-CALSTEWARD-KIND:digest") &&
               has_line(d.task.ics, "X-CALSTEWARD-PERIOD:2026-W49") &&
               has_line(d.task.ics, "X-CALSTEWARD-OVERDUE:3"),
           "build: calsteward's own properties");
    desc = description(d.task.ics);
    tap_str(desc, want_desc,
            "build: by owner (name order, no owner last), overdue first");
    free(desc);

    /* the same period later: the same UID; the next week: another */
    in.now = utc("20261206T220000Z");
    tap_int(cst_digest_build(&in, f, n, &d2, &err), CST_OK, "build 2: status");
    tap_str(d2.task.uid, d.task.uid, "build: the same UID within the week");
    cst_digest_fini(&d2);
    in.now = utc("20261207T000000Z");
    tap_int(cst_digest_build(&in, f, n, &d2, &err), CST_OK, "build 3: status");
    tap_ok(strcmp(d2.task.uid, d.task.uid) != 0,
           "build: a new UID the next week");
    tap_int(d2.overdue, 4, "build: Book the venue is overdue by then");
    cst_digest_fini(&d2);

    /* Chinese */
    in.now = utc("20261202T120000Z");
    in.tr = zh_tr;
    tap_int(cst_digest_build(&in, f, n, &d2, &err), CST_OK, "build zh: status");
    tap_ok(has_line(d2.task.ics, "SUMMARY:跟进 3 项逾期行动项"),
           "build zh: SUMMARY in Chinese");
    desc = description(d2.task.ics);
    tap_ok(strstr(desc, "\n逾期：3\n本周到期：1\n") != NULL &&
               strstr(desc, "\n无负责人\n") != NULL &&
               strstr(desc, "已逾期，截止 2026-11-25 10:00") != NULL,
           "build zh: the description in Chinese");
    free(desc);
    cst_digest_fini(&d2);
    in.tr = NULL;

    /* another organizer: only his */
    in.organizer = "dave@example.com";
    tap_int(cst_digest_build(&in, f, n, &d2, &err), CST_OK,
            "build dave: status");
    tap_ok(d2.overdue == 1 && has_line(d2.task.ics,
                                       "SUMMARY:Follow up 1 overdue action item"),
           "build dave: one, in the singular");
    cst_digest_fini(&d2);
    in.organizer = ORG;

    /* nothing overdue (only the completed and later ones): completed */
    tap_int(cst_digest_build(&in, f + 4, 6, &d2, &err), CST_OK,
            "build none: status");
    tap_ok(d2.overdue == 0 && d2.due_soon == 0 &&
               has_line(d2.task.ics,
                        "SUMMARY:Follow up: no overdue action items") &&
               has_line(d2.task.ics, "STATUS:COMPLETED") &&
               has_line(d2.task.ics, "COMPLETED:20261202T120000Z"),
           "build none: no overdue, COMPLETED");
    cst_digest_fini(&d2);

    /* daily, on a Saturday: due that day */
    in.period = CST_DIGEST_DAILY;
    in.now = utc("20261205T120000Z");
    tap_int(cst_digest_build(&in, f, n, &d2, &err), CST_OK,
            "build daily: status");
    tap_ok(has_line(d2.task.ics, "DUE;VALUE=DATE:20261205") &&
               strcmp(d2.period, "2026-12-05") == 0 && d2.due_soon == 0,
           "build daily: the day is the period");
    cst_digest_fini(&d2);
    cst_digest_fini(&d);
    free_all(f, texts, n);
}

/* ---- merging ---------------------------------------------------------- */

/* Replaces the first occurrence of a by b in s (heap). */
static char *subst(const char *s, const char *a, const char *b)
{
    const char *p = strstr(s, a);
    char *r;

    if (p == NULL)
        return strdup(s);
    r = malloc(strlen(s) - strlen(a) + strlen(b) + 1);
    memcpy(r, s, (size_t)(p - s));
    strcpy(r + (p - s), b);
    strcat(r, p + strlen(a));
    return r;
}

static void test_merge(void)
{
    char *texts[] = {
        task("m-0", ORG, "bob@example.com", "Bob", "DUE:20261125T100000Z",
             "NEEDS-ACTION", "Send the budget", "action-item"),
        task("m-1", ORG, "bob@example.com", "Bob", "DUE:20261128T100000Z",
             "NEEDS-ACTION", "Book the venue", "action-item"),
    };
    cst_task_facts *f = read_all(texts, 2);
    cst_digest_in in;
    cst_digest d1, d2, d3;
    cst_error err = {0, ""};
    char *stored, *edited, *out = NULL, *desc;
    size_t len;

    memset(&in, 0, sizeof(in));
    in.period = CST_DIGEST_WEEKLY;
    in.now = utc("20261201T080000Z");
    in.organizer = ORG;
    cst_digest_build(&in, f, 2, &d1, &err);

    /* unchanged: nothing to write */
    tap_int(cst_task_merge(d1.task.ics, d1.task.len, &d1.task, in.now, &out,
                           &len, &err),
            CST_OK, "merge same: status");
    tap_ok(out == NULL, "merge same: nothing to write");

    /* the organizer completes it, sets a priority and writes a note
     * above the block, as a client stores it */
    stored = subst(d1.task.ics, "STATUS:NEEDS-ACTION\r\n",
                   "STATUS:COMPLETED\r\nPRIORITY:1\r\n");
    edited = subst(stored, "DESCRIPTION:", "DESCRIPTION:Called Bob on Monday\\n\\n");
    free(stored);
    /* a day later Bob completed one: one overdue, still "something" */
    cst_task_facts_fini(&f[1]);
    free(texts[1]);
    texts[1] = task("m-1", ORG, "bob@example.com", "Bob",
                    "DUE:20261128T100000Z", "COMPLETED", "Book the venue",
                    "action-item");
    cst_task_facts_read(texts[1], strlen(texts[1]), NULL, &f[1], &err);
    in.now = utc("20261202T080000Z");
    cst_digest_build(&in, f, 2, &d2, &err);
    tap_int(cst_task_merge(edited, strlen(edited), &d2.task, in.now, &out,
                           &len, &err),
            CST_OK, "merge edited: status");
    tap_ok(out != NULL, "merge edited: written");
    if (out != NULL) {
        tap_ok(strstr(out, "\r\nSTATUS:COMPLETED\r\n") != NULL &&
                   strstr(out, "\r\nPRIORITY:1\r\n") != NULL,
               "merge edited: the organizer's completion and priority stay");
        tap_ok(strstr(out, "SUMMARY:Follow up 1 overdue action item\r\n") !=
                       NULL &&
                   strstr(out, "X-CALSTEWARD-OVERDUE:1\r\n") != NULL,
               "merge edited: the count is brought up to date");
        desc = description(out);
        tap_ok(strncmp(desc, "Called Bob on Monday\n\n-- calsteward:", 36) ==
                       0 &&
                   strstr(desc, "Book the venue") == NULL &&
                   strstr(desc, "Send the budget") != NULL,
               "merge edited: the note stays above a new block");
        free(desc);
    }
    /* everything done: the status flips to COMPLETED (and from the
     * organizer's reopened copy too) */
    {
        char *reopened = out ? subst(out, "STATUS:COMPLETED", "STATUS:NEEDS-ACTION")
                             : strdup("");
        char *out2 = NULL;

        cst_task_facts_fini(&f[0]);
        free(texts[0]);
        texts[0] = task("m-0", ORG, "bob@example.com", "Bob",
                        "DUE:20261125T100000Z", "COMPLETED", "Send the budget",
                        "action-item");
        cst_task_facts_read(texts[0], strlen(texts[0]), NULL, &f[0], &err);
        in.now = utc("20261203T080000Z");
        cst_digest_build(&in, f, 2, &d3, &err);
        tap_int(cst_task_merge(reopened, strlen(reopened), &d3.task, in.now,
                               &out2, &len, &err),
                CST_OK, "merge done: status");
        tap_ok(out2 != NULL &&
                   strstr(out2, "\r\nSTATUS:COMPLETED\r\n") != NULL &&
                   strstr(out2, "\r\nPERCENT-COMPLETE:100\r\n") != NULL &&
                   strstr(out2, "\r\nPRIORITY:1\r\n") != NULL,
               "merge done: nothing overdue completes it, priority stays");
        /* and a reopening by the organizer while nothing is overdue stays */
        if (out2 != NULL) {
            char *again = subst(out2, "STATUS:COMPLETED", "STATUS:NEEDS-ACTION");
            char *out3 = NULL;

            tap_int(cst_task_merge(again, strlen(again), &d3.task, in.now,
                                   &out3, &len, &err),
                    CST_OK, "merge reopened: status");
            tap_ok(out3 == NULL, "merge reopened: the organizer's reopening "
                                 "stays while nothing changes");
            free(out3);
            free(again);
        }
        free(out2);
        free(reopened);
        cst_digest_fini(&d3);
    }
    free(out);
    free(edited);
    cst_digest_fini(&d1);
    cst_digest_fini(&d2);
    free_all(f, texts, 2);
}

static void test_close(void)
{
    char *texts[] = {task("c-0", ORG, "bob@example.com", "Bob",
                          "DUE:20261125T100000Z", "NEEDS-ACTION", "Send",
                          "action-item")};
    cst_task_facts *f = read_all(texts, 1);
    cst_digest_in in;
    cst_digest d;
    cst_error err = {0, ""};
    char *out = NULL, *out2 = NULL;
    size_t len = 0, len2 = 0;

    memset(&in, 0, sizeof(in));
    in.period = CST_DIGEST_WEEKLY;
    in.now = utc("20261201T080000Z");
    in.organizer = ORG;
    cst_digest_build(&in, f, 1, &d, &err);
    tap_int(cst_digest_close(d.task.ics, d.task.len, utc("20261208T090000Z"),
                             &out, &len, &err),
            CST_OK, "close: status");
    tap_ok(out != NULL && has_line(out, "STATUS:COMPLETED") &&
               has_line(out, "PERCENT-COMPLETE:100") &&
               has_line(out, "COMPLETED:20261208T090000Z") &&
               has_line(out, "DTSTAMP:20261208T090000Z") &&
               has_line(out, "SUMMARY:Follow up 1 overdue action item"),
           "close: an open digest is completed, its text kept");
    if (out != NULL) {
        tap_int(cst_digest_close(out, len, utc("20261209T090000Z"), &out2,
                                 &len2, &err),
                CST_OK, "close again: status");
        tap_ok(out2 == NULL, "close again: completed already, nothing");
    }
    tap_int(cst_digest_close(texts[0], strlen(texts[0]), in.now, &out2, &len2,
                             &err),
            CST_ERR_PARSE, "close: an action item is no digest");
    free(out);
    free(out2);
    cst_digest_fini(&d);
    free_all(f, texts, 1);
}

int main(void)
{
    test_facts();
    test_periods();
    test_build();
    test_merge();
    test_close();
    return tap_done();
}
