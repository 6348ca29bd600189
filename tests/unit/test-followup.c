/*
 * test-followup.c -- core/followup.h: the overdue flag on stored tasks
 * and when a meeting object next needs the sweep.
 *
 *  - cst_task_followup(): the flag fires (past DUE, any open STATUS; a
 *    DATE at the end of the day in the zone given, a TZID through the
 *    object's VTIMEZONE or the system's zone, a floating DUE) and does
 *    not (COMPLETED, CANCELLED, a future DUE, not ours, the rule off, no
 *    DUE); it goes when the task is done, also from a CATEGORIES line a
 *    server merged ours into; English and Chinese; a second call changes
 *    nothing; every other byte stays (whole expected texts are compared);
 *    bad input;
 *  - cst_meeting_schedule_get(): the checkpoints of one meeting, the
 *    window, and the property the sweep relies on: walking example
 *    meetings through time (hourly over 40 days, and from checkpoint to
 *    checkpoint), cst_process() and cst_tasks_build() never change their
 *    output before the next_check computed at the step before.
 *
 * iCalendar fixtures are C strings with explicit CRLF; cases are tables
 * with the case index in every message.
 */
#include "tests/unit/tap.h"
#include "core/followup.h"
#include "core/policy.h"
#include "core/process.h"
#include "core/tasks.h"

#include <stdarg.h>
#include <stdlib.h>
#include <libical/ical.h>

#define N_ELEMS(x) (sizeof(x) / sizeof((x)[0]))

/* ---- helpers ----------------------------------------------------------- */

static time_t utc(const char *s)
{
    return icaltime_as_timet_with_zone(icaltime_from_string(s),
                                       icaltimezone_get_utc_timezone());
}

static const char *utc_str(time_t t, char *buf, size_t n)
{
    struct icaltimetype u =
        icaltime_from_timet_with_zone(t, 0, icaltimezone_get_utc_timezone());

    if (t == 0)
        snprintf(buf, n, "0");
    else
        snprintf(buf, n, "%04d%02d%02dT%02d%02d%02dZ", u.year, u.month, u.day,
                 u.hour, u.minute, u.second);
    return buf;
}

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

/* Replaces the first `from` in s by `to` (heap); aborts when absent, so
 * that a fixture typo cannot pass unnoticed. */
static char *replace(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    size_t pre, fl = strlen(from), tl = strlen(to), sl = strlen(s);
    char *r;

    if (at == NULL) {
        printf("# fixture: \"%s\" not found\n", from);
        abort();
    }
    pre = (size_t)(at - s);
    r = malloc(sl - fl + tl + 1);
    if (r == NULL)
        abort();
    memcpy(r, s, pre);
    memcpy(r + pre, to, tl);
    memcpy(r + pre + tl, at + fl, sl - pre - fl + 1);
    return r;
}

/* replace() that frees s. */
static char *edit(char *s, const char *from, const char *to)
{
    char *r = replace(s, from, to);

    free(s);
    return r;
}

/* Every "\r\n" of s as "\n" (heap). */
static char *to_lf(const char *s)
{
    char *r = malloc(strlen(s) + 1), *p = r;

    if (r == NULL)
        abort();
    for (; *s; s++) {
        if (!(s[0] == '\r' && s[1] == '\n'))
            *p++ = *s;
    }
    *p = '\0';
    return r;
}

static char *read_file(const char *rel)
{
    const char *top = getenv("top_srcdir");
    char path[4096];
    FILE *f;
    char *r;
    long n;

    snprintf(path, sizeof(path), "%s/%s",
             top != NULL && *top != '\0' ? top : ".", rel);
    f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    r = malloc((size_t)n + 1);
    if (r == NULL || fread(r, 1, (size_t)n, f) != (size_t)n)
        abort();
    r[n] = '\0';
    fclose(f);
    return r;
}

/* ---- task fixtures ------------------------------------------------------ */

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

/* A zone only this object knows: the system has no zone of that name */
#define VTZ_CUSTOM                                                             \
    "BEGIN:VTIMEZONE\r\n"                                                      \
    "TZID:Plant Zone\r\n"                                                      \
    "BEGIN:STANDARD\r\n"                                                       \
    "TZOFFSETFROM:+0300\r\n"                                                   \
    "TZOFFSETTO:+0300\r\n"                                                     \
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

#define T_HEAD                                                                 \
    "BEGIN:VCALENDAR\r\n"                                                      \
    "VERSION:2.0\r\n"                                                          \
    "PRODID:-//calsteward//calsteward 0.1//EN\r\n"
#define T_TODO                                                                 \
    "BEGIN:VTODO\r\n"                                                          \
    "UID:3c9f0e57-8f0b-5c43-a2b7-0d1c2b3a4f50\r\n"                             \
    "DTSTAMP:20230601T000000Z\r\n"                                             \
    "LAST-MODIFIED:20230601T000000Z\r\n"                                       \
    "SEQUENCE:3\r\n"                                                           \
    "SUMMARY:Send the plan\r\n"
#define T_TAIL                                                                 \
    "ORGANIZER;CN=Zhang San:mailto:zhangsan@example.com\r\n"                   \
    "ATTENDEE;CN=Li Si;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:mailto:lis"  \
    "i@example.com\r\n"                                                        \
    "RELATED-TO:m-1@example.com\r\n"                                           \
    "END:VTODO\r\n"                                                            \
    "END:VCALENDAR\r\n"

#define KIND "X-CALSTEWARD-KIND:action-item\r\n"
#define FLAG_EN "CATEGORIES:Overdue\r\nX-CALSTEWARD-STATE:overdue\r\n"
#define FLAG_ZH "CATEGORIES:逾期\r\nX-CALSTEWARD-STATE:overdue\r\n"

/* A task object: the VTODO's DUE, STATUS and further lines in order. */
static char *task(const char *vtz, const char *due, const char *status,
                  const char *extra, const char *kind)
{
    return cat(T_HEAD, vtz ? vtz : "", T_TODO, due ? due : "",
               status ? status : "", extra ? extra : "", kind ? kind : "",
               T_TAIL, NULL);
}

/* What a change makes of DTSTAMP and LAST-MODIFIED: now. */
static char *touched(char *s, time_t now)
{
    char b[32], l1[64], l2[64];

    utc_str(now, b, sizeof(b));
    snprintf(l1, sizeof(l1), "DTSTAMP:%s\r\n", b);
    snprintf(l2, sizeof(l2), "LAST-MODIFIED:%s\r\n", b);
    s = edit(s, "DTSTAMP:20230601T000000Z\r\n", l1);
    return edit(s, "LAST-MODIFIED:20230601T000000Z\r\n", l2);
}

static cst_policy pol_en, pol_zh, pol_off;

typedef struct fu_result {
    cst_status st;
    char *out;
    size_t len;
    cst_task_state s;
    cst_error err;
} fu_result;

static void followup(const char *ics, size_t len, const cst_policy *p,
                     time_t now, const char *tz, fu_result *r)
{
    memset(r, 0, sizeof(*r));
    memset(&r->s, 0x5a, sizeof(r->s)); /* must be set by the call */
    r->st = cst_task_followup(ics, len, p, now, tz, &r->out, &r->len, &r->s,
                              &r->err);
    if (r->out != NULL && strlen(r->out) != r->len) {
        printf("#   out_len %zu but strlen %zu\n", r->len, strlen(r->out));
        r->st = CST_ERR_INVALID;
    }
}

/* ---- cst_task_followup: when the flag fires ---------------------------- */

static const struct fire_case {
    const char *vtz;
    const char *due;
    const char *status;
    const char *kind;    /* NULL: KIND */
    const cst_policy *p; /* NULL: English */
    const char *now;
    const char *tz;
    int ours, overdue, done;
    const char *due_utc; /* NULL: 0 */
    const char *next;    /* NULL: 0 */
} fire_cases[] = {
    /* 0: past DUE, NEEDS-ACTION */
    {NULL, "DUE:20230630T090000Z\r\n", "STATUS:NEEDS-ACTION\r\n", NULL, NULL,
     "20230630T090001Z", NULL, 1, 1, 0, "20230630T090000Z", NULL},
    /* 1: DUE is now: not passed yet; next_check the second after */
    {NULL, "DUE:20230630T090000Z\r\n", "STATUS:NEEDS-ACTION\r\n", NULL, NULL,
     "20230630T090000Z", NULL, 1, 0, 0, "20230630T090000Z", "20230630T090001Z"},
    /* 2: no STATUS at all counts as open */
    {NULL, "DUE:20230630T090000Z\r\n", NULL, NULL, NULL, "20230701T000000Z",
     NULL, 1, 1, 0, "20230630T090000Z", NULL},
    /* 3: IN-PROCESS is open */
    {NULL, "DUE:20230630T090000Z\r\n", "STATUS:IN-PROCESS\r\n", NULL, NULL,
     "20230701T000000Z", NULL, 1, 1, 0, "20230630T090000Z", NULL},
    /* 4: COMPLETED */
    {NULL, "DUE:20230630T090000Z\r\n", "STATUS:COMPLETED\r\n", NULL, NULL,
     "20230701T000000Z", NULL, 1, 0, 1, "20230630T090000Z", NULL},
    /* 5: CANCELLED */
    {NULL, "DUE:20230630T090000Z\r\n", "STATUS:CANCELLED\r\n", NULL, NULL,
     "20230701T000000Z", NULL, 1, 0, 1, "20230630T090000Z", NULL},
    /* 6: status in lower case, as some clients write it */
    {NULL, "DUE:20230630T090000Z\r\n", "STATUS:completed\r\n", NULL, NULL,
     "20230701T000000Z", NULL, 1, 0, 1, "20230630T090000Z", NULL},
    /* 7: DUE in the future */
    {NULL, "DUE:20230705T090000Z\r\n", "STATUS:NEEDS-ACTION\r\n", NULL, NULL,
     "20230701T000000Z", NULL, 1, 0, 0, "20230705T090000Z", "20230705T090001Z"},
    /* 8: not ours: no X-CALSTEWARD-KIND */
    {NULL, "DUE:20230630T090000Z\r\n", "STATUS:NEEDS-ACTION\r\n", "", NULL,
     "20230701T000000Z", NULL, 0, 0, 0, NULL, NULL},
    /* 9: the rule is off */
    {NULL, "DUE:20230630T090000Z\r\n", "STATUS:NEEDS-ACTION\r\n", NULL,
     &pol_off, "20230701T000000Z", NULL, 1, 0, 0, "20230630T090000Z", NULL},
    /* 10: no DUE: never overdue */
    {NULL, NULL, "STATUS:NEEDS-ACTION\r\n", NULL, NULL, "20230701T000000Z",
     NULL, 1, 0, 0, NULL, NULL},
    /* 11: a DATE passes at the end of the day in Asia/Shanghai
     * (2023-06-30 16:00Z) ... */
    {NULL, "DUE;VALUE=DATE:20230630\r\n", "STATUS:NEEDS-ACTION\r\n", NULL, NULL,
     "20230630T160001Z", "Asia/Shanghai", 1, 1, 0, "20230630T160000Z", NULL},
    /* 12: ... not at its last second */
    {NULL, "DUE;VALUE=DATE:20230630\r\n", "STATUS:NEEDS-ACTION\r\n", NULL, NULL,
     "20230630T160000Z", "Asia/Shanghai", 1, 0, 0, "20230630T160000Z",
     "20230630T160001Z"},
    /* 13: the same moment in UTC: the day is not over */
    {NULL, "DUE;VALUE=DATE:20230630\r\n", "STATUS:NEEDS-ACTION\r\n", NULL, NULL,
     "20230630T200000Z", NULL, 1, 0, 0, "20230701T000000Z", "20230701T000001Z"},
    /* 14: ... and over at midnight UTC */
    {NULL, "DUE;VALUE=DATE:20230630\r\n", "STATUS:NEEDS-ACTION\r\n", NULL, NULL,
     "20230701T000001Z", NULL, 1, 1, 0, "20230701T000000Z", NULL},
    /* 15: "UTC" by name is UTC */
    {NULL, "DUE;VALUE=DATE:20230630\r\n", "STATUS:NEEDS-ACTION\r\n", NULL, NULL,
     "20230630T200000Z", "UTC", 1, 0, 0, "20230701T000000Z",
     "20230701T000001Z"},
    /* 16: eight digits without VALUE=DATE are a DATE too */
    {NULL, "DUE:20230630\r\n", "STATUS:NEEDS-ACTION\r\n", NULL, NULL,
     "20230630T160001Z", "Asia/Shanghai", 1, 1, 0, "20230630T160000Z", NULL},
    /* 17: TZID with the object's VTIMEZONE */
    {VTZ_SHANGHAI, "DUE;TZID=Asia/Shanghai:20230630T170000\r\n",
     "STATUS:NEEDS-ACTION\r\n", NULL, NULL, "20230630T090001Z", NULL, 1, 1, 0,
     "20230630T090000Z", NULL},
    /* 18: a TZID only the object defines */
    {VTZ_CUSTOM, "DUE;TZID=Plant Zone:20230630T120000\r\n",
     "STATUS:NEEDS-ACTION\r\n", NULL, NULL, "20230630T085959Z", NULL, 1, 0, 0,
     "20230630T090000Z", "20230630T090001Z"},
    /* 19: a TZID without VTIMEZONE: the system's zone (EDT) */
    {NULL, "DUE;TZID=America/New_York:20230630T170000\r\n",
     "STATUS:NEEDS-ACTION\r\n", NULL, NULL, "20230630T210001Z", NULL, 1, 1, 0,
     "20230630T210000Z", NULL},
    /* 20: a floating DUE is read in the zone given */
    {NULL, "DUE:20230630T170000\r\n", "STATUS:NEEDS-ACTION\r\n", NULL, NULL,
     "20230630T090001Z", "Asia/Shanghai", 1, 1, 0, "20230630T090000Z", NULL},
    /* 21: ... and in UTC without one */
    {NULL, "DUE:20230630T170000\r\n", "STATUS:NEEDS-ACTION\r\n", NULL, NULL,
     "20230630T090001Z", NULL, 1, 0, 0, "20230630T170000Z", "20230630T170001Z"},
    /* 22: Chinese */
    {NULL, "DUE:20230630T090000Z\r\n", "STATUS:NEEDS-ACTION\r\n", NULL, &pol_zh,
     "20230701T000000Z", NULL, 1, 1, 0, "20230630T090000Z", NULL},
    /* 23: a prep task: an overdue `minutes` task is how minutes-overdue
     * reaches the organizer's list */
    {NULL, "DUE:20230630T090000Z\r\n", "STATUS:NEEDS-ACTION\r\n",
     "X-CALSTEWARD-KIND:minutes\r\n", NULL, "20230701T000000Z", NULL, 1, 1, 0,
     "20230630T090000Z", NULL},
    /* 24: an unknown TZID counts as UTC, as everywhere in calsteward */
    {NULL, "DUE;TZID=Nowhere Standard Time:20230630T090000\r\n",
     "STATUS:NEEDS-ACTION\r\n", NULL, NULL, "20230630T090001Z", NULL, 1, 1, 0,
     "20230630T090000Z", NULL},
};

static void test_fire(void)
{
    size_t i;
    char b1[32], b2[32];

    for (i = 0; i < N_ELEMS(fire_cases); i++) {
        const struct fire_case *c = &fire_cases[i];
        const cst_policy *p = c->p ? c->p : &pol_en;
        time_t now = utc(c->now);
        char *in =
            task(c->vtz, c->due, c->status, NULL, c->kind ? c->kind : KIND);
        fu_result r, r2;

        followup(in, strlen(in), p, now, c->tz, &r);
        tap_int(r.st, CST_OK, "fire[%zu] status (%s)", i, r.err.msg);
        tap_int(r.s.ours, c->ours, "fire[%zu] ours", i);
        tap_int(r.s.overdue, c->overdue, "fire[%zu] overdue", i);
        tap_int(r.s.done, c->done, "fire[%zu] done", i);
        tap_str(utc_str(r.s.due, b1, sizeof(b1)), c->due_utc ? c->due_utc : "0",
                "fire[%zu] due", i);
        tap_str(utc_str(r.s.next_check, b2, sizeof(b2)),
                c->next ? c->next : "0", "fire[%zu] next_check", i);
        if (c->overdue) {
            char *want = touched(strdup(in), now);

            want =
                edit(want, "END:VTODO",
                     p == &pol_zh ? FLAG_ZH "END:VTODO" : FLAG_EN "END:VTODO");
            tap_str(r.out, want, "fire[%zu] the flag, nothing else", i);
            free(want);
            /* a second sweep: nothing to do */
            if (r.out != NULL) {
                followup(r.out, r.len, p, now + 3600, c->tz, &r2);
                tap_int(r2.st, CST_OK, "fire[%zu] again: status", i);
                tap_ok(r2.out == NULL, "fire[%zu] again: no change", i);
                tap_int(r2.s.overdue, 1, "fire[%zu] again: overdue", i);
                free(r2.out);
            }
        } else {
            tap_ok(r.out == NULL, "fire[%zu] no change", i);
        }
        free(r.out);
        free(in);
    }
}

/* ---- cst_task_followup: removal ----------------------------------------- */

static const struct remove_case {
    const char *cats_in; /* CATEGORIES lines, before X-CALSTEWARD-STATE */
    const char *cats_out;
    const char *due;
    const char *status;
    const cst_policy *p; /* NULL: English */
} remove_cases[] = {
    /* 0: our own line */
    {"CATEGORIES:Overdue\r\n", "", NULL, NULL, NULL},
    /* 1: a server merged ours into the owner's line */
    {"CATEGORIES:Work,Overdue\r\n", "CATEGORIES:Work\r\n", NULL, NULL, NULL},
    /* 2: ... in front */
    {"CATEGORIES:Overdue,Work\r\n", "CATEGORIES:Work\r\n", NULL, NULL, NULL},
    /* 3: both languages among others */
    {"CATEGORIES:Work,Overdue,Home,逾期\r\n", "CATEGORIES:Work,Home\r\n", NULL,
     NULL, NULL},
    /* 4: only the exact value: a line of the owner's stays */
    {"CATEGORIES:Work\r\nCATEGORIES:逾期\r\n", "CATEGORIES:Work\r\n", NULL,
     NULL, NULL},
    /* 5: parameters and a blank after the comma */
    {"CATEGORIES;LANGUAGE=en:Work, Overdue\r\n",
     "CATEGORIES;LANGUAGE=en:Work\r\n", NULL, NULL, NULL},
    /* 6: folded inside our value */
    {"CATEGORIES:Work,Ov\r\n erdue\r\n", "CATEGORIES:Work\r\n", NULL, NULL,
     NULL},
    /* 7: an escaped comma is no separator */
    {"CATEGORIES:A\\,Overdue,Overdue\r\n", "CATEGORIES:A\\,Overdue\r\n", NULL,
     NULL, NULL},
    /* 8: other case is not ours: it stays (the state line goes) */
    {"CATEGORIES:overdue,Work\r\n", "CATEGORIES:overdue,Work\r\n", NULL, NULL,
     NULL},
    /* 9: a fold inside the removed part stays when the lines it joins
     * would be longer than 75 octets */
    {"CATEGORIES:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
     ",O\r\n "
     "verdue,BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
     "\r\n",
     "CATEGORIES:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
     "\r\n ,BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB\r\n",
     NULL, NULL, NULL},
    /* 10: DUE moved into the future */
    {"CATEGORIES:Work,Overdue\r\n", "CATEGORIES:Work\r\n",
     "DUE:20230705T090000Z\r\n", "STATUS:NEEDS-ACTION\r\n", NULL},
    /* 11: the rule turned off */
    {"CATEGORIES:Overdue\r\n", "", "DUE:20230630T090000Z\r\n",
     "STATUS:NEEDS-ACTION\r\n", &pol_off},
    /* 12: cancelled, Chinese policy */
    {"CATEGORIES:逾期\r\n", "", NULL, "STATUS:CANCELLED\r\n", &pol_zh},
};

static void test_remove(void)
{
    time_t now = utc("20230701T000000Z");
    size_t i;

    for (i = 0; i < N_ELEMS(remove_cases); i++) {
        const struct remove_case *c = &remove_cases[i];
        const cst_policy *p = c->p ? c->p : &pol_en;
        char *extra = cat(c->cats_in, "X-CALSTEWARD-STATE:overdue\r\n", NULL);
        char *in =
            task(NULL, c->due ? c->due : "DUE:20230630T090000Z\r\n",
                 c->status ? c->status : "STATUS:COMPLETED\r\n", extra, KIND);
        char *want = touched(replace(in, extra, c->cats_out), now);
        fu_result r, r2;

        followup(in, strlen(in), p, now, NULL, &r);
        tap_int(r.st, CST_OK, "remove[%zu] status (%s)", i, r.err.msg);
        tap_int(r.s.overdue, 0, "remove[%zu] not overdue", i);
        tap_str(r.out, want, "remove[%zu] the flag goes, nothing else", i);
        if (r.out != NULL) {
            followup(r.out, r.len, p, now + 60, NULL, &r2);
            tap_ok(r2.st == CST_OK && r2.out == NULL,
                   "remove[%zu] again: no change", i);
            free(r2.out);
        }
        free(r.out);
        free(want);
        free(in);
        free(extra);
    }
}

/* The policy's language changed: the other category gives way to its. */
static void test_language_switch(void)
{
    time_t now = utc("20230701T000000Z");
    char *in =
        task(NULL, "DUE:20230630T090000Z\r\n", "STATUS:NEEDS-ACTION\r\n",
             "CATEGORIES:Work,Overdue\r\nX-CALSTEWARD-STATE:overdue\r\n", KIND);
    char *want = touched(
        replace(in, "CATEGORIES:Work,Overdue\r\n", "CATEGORIES:Work\r\n"), now);
    fu_result r, r2;

    want = edit(want, "END:VTODO", "CATEGORIES:逾期\r\nEND:VTODO");
    followup(in, strlen(in), &pol_zh, now, NULL, &r);
    tap_int(r.st, CST_OK, "switch status");
    tap_int(r.s.overdue, 1, "switch overdue");
    tap_str(r.out, want, "switch: Overdue gives way to 逾期");
    if (r.out != NULL) {
        followup(r.out, r.len, &pol_zh, now, NULL, &r2);
        tap_ok(r2.st == CST_OK && r2.out == NULL, "switch again: no change");
        free(r2.out);
        /* and back */
        followup(r.out, r.len, &pol_en, now, NULL, &r2);
        tap_ok(r2.out != NULL && strstr(r2.out, "逾期") == NULL &&
                   strstr(r2.out, "CATEGORIES:Overdue\r\n") != NULL,
               "switch back to English");
        free(r2.out);
    }
    free(r.out);
    /* the state line with another value is set right; a second goes */
    free(in);
    in = task(NULL, "DUE:20230630T090000Z\r\n", NULL,
              "CATEGORIES:Overdue\r\nX-CALSTEWARD-STATE:open\r\n"
              "X-CALSTEWARD-STATE:overdue\r\n",
              KIND);
    free(want);
    want = touched(replace(in,
                           "X-CALSTEWARD-STATE:open\r\n"
                           "X-CALSTEWARD-STATE:overdue\r\n",
                           "X-CALSTEWARD-STATE:overdue\r\n"),
                   now);
    followup(in, strlen(in), &pol_en, now, NULL, &r);
    tap_str(r.out, want, "state: one line, overdue");
    free(r.out);
    free(want);
    free(in);
}

/* ---- cst_task_followup: every other byte stays --------------------------- */

#define RICH                                                                   \
    "BEGIN:VCALENDAR\r\n"                                                      \
    "PRODID:-//Example Corp.//Tasks 7.1//EN\r\n"                               \
    "VERSION:2.0\r\n"                                                          \
    "X-WR-CALNAME:Work\r\n" VTZ_SHANGHAI "BEGIN:VTODO\r\n"                     \
    "UID:rich-1\r\n"                                                           \
    "SUMMARY;LANGUAGE=zh-CN:整理预算方案\r\n"                            \
    "DTSTAMP:20230601T000000Z\r\n"                                             \
    "DESCRIPTION:Deliverable: the budget table for all departments\\, as "     \
    "ag\r\n"                                                                   \
    "\treed in the meeting (2023-06-20)\r\n"                                   \
    "DUE;TZID=Asia/Shanghai:20230630T180000\r\n"                               \
    "CATEGORIES:Work,Home\r\n"                                                 \
    "ATTENDEE;PARTSTAT=NEEDS-ACTION;CN=\"Li, Si\";ROLE=REQ-PARTICIPANT:mailto" \
    ":lisi@example.com\r\n"                                                    \
    "X-UNKNOWN;X-PARAM=\"a;b:c\":value\\;with stuff\r\n"                       \
    "FOO:bar\r\n"                                                              \
    "x-lower-case:kept\r\n"                                                    \
    "X-CALSTEWARD-KIND:action-item\r\n"                                        \
    "SEQUENCE:0\r\n"                                                           \
    "BEGIN:VALARM\r\n"                                                         \
    "ACTION:DISPLAY\r\n"                                                       \
    "TRIGGER:-PT15M\r\n"                                                       \
    "DESCRIPTION:Overdue\r\n"                                                  \
    "CATEGORIES:Overdue\r\n"                                                   \
    "END:VALARM\r\n"                                                           \
    "END:VTODO\r\n"                                                            \
    "BEGIN:X-UNKNOWN-COMP\r\n"                                                 \
    "A;B=c:d\r\n"                                                              \
    "END:X-UNKNOWN-COMP\r\n"                                                   \
    "END:VCALENDAR\r\n"

static void test_bytes(void)
{
    time_t now = utc("20230701T000000Z"), later = utc("20230702T000000Z");
    char *want, *done, *want2, *lf, *lf_want;
    fu_result r, r2;

    /* flagged: two lines before the VALARM, DTSTAMP; nothing else (the
     * VALARM's CATEGORIES is not the task's) */
    want =
        replace(RICH, "DTSTAMP:20230601T000000Z", "DTSTAMP:20230701T000000Z");
    want = edit(want, "BEGIN:VALARM", FLAG_EN "BEGIN:VALARM");
    followup(RICH, strlen(RICH), &pol_en, now, NULL, &r);
    tap_int(r.st, CST_OK, "bytes: status (%s)", r.err.msg);
    tap_str(r.out, want, "bytes: flagged, every other byte as it was");
    /* done later: the flag goes and the rest is the original again */
    if (r.out != NULL) {
        done = replace(r.out, "SEQUENCE:0\r\n",
                       "SEQUENCE:0\r\nSTATUS:COMPLETED\r\n");
        want2 = replace(RICH, "DTSTAMP:20230601T000000Z",
                        "DTSTAMP:20230702T000000Z");
        want2 =
            edit(want2, "SEQUENCE:0\r\n", "SEQUENCE:0\r\nSTATUS:COMPLETED\r\n");
        followup(done, strlen(done), &pol_en, later, NULL, &r2);
        tap_str(r2.out, want2, "bytes: done, back to the original bytes");
        free(r2.out);
        free(done);
        free(want2);
    }
    free(r.out);
    /* LF line ends: the lines added end in LF too */
    lf = to_lf(RICH);
    lf_want = to_lf(want);
    followup(lf, strlen(lf), &pol_en, now, NULL, &r);
    tap_str(r.out, lf_want, "bytes: LF text, LF lines added");
    free(r.out);
    free(lf);
    free(lf_want);
    free(want);
    /* no DTSTAMP: one is added */
    {
        char *in = replace(RICH, "DTSTAMP:20230601T000000Z\r\n", "");

        want = edit(strdup(in), "BEGIN:VALARM",
                    FLAG_EN "DTSTAMP:20230701T000000Z\r\nBEGIN:VALARM");
        followup(in, strlen(in), &pol_en, now, NULL, &r);
        tap_str(r.out, want, "bytes: DTSTAMP added when missing");
        free(r.out);
        free(want);
        free(in);
    }
}

/* Two VTODOs of ours in one object: both treated, the state of both. */
static void test_two(void)
{
    char *in =
        cat(T_HEAD, T_TODO, "DUE:20230630T090000Z\r\n", KIND, "END:VTODO\r\n",
            "BEGIN:VTODO\r\nUID:b\r\nDUE:20230705T000000Z\r\n", KIND,
            "END:VTODO\r\nEND:VCALENDAR\r\n", NULL);
    fu_result r;
    char b[32];

    followup(in, strlen(in), &pol_en, utc("20230701T000000Z"), NULL, &r);
    tap_int(r.st, CST_OK, "two: status");
    tap_int(r.s.overdue, 1, "two: one overdue");
    tap_str(utc_str(r.s.next_check, b, sizeof(b)), "20230705T000001Z",
            "two: next_check of the other");
    tap_ok(r.out != NULL &&
               strstr(r.out, FLAG_EN "END:VTODO\r\nBEGIN:VTODO") != NULL,
           "two: the first flagged");
    tap_ok(r.out != NULL &&
               strstr(r.out, "UID:b\r\nDUE:20230705T000000Z\r\n" KIND
                             "END:VTODO") != NULL,
           "two: the second as it was");
    free(r.out);
    free(in);
}

/* ---- cst_task_followup: bad input ---------------------------------------- */

static void test_errors(void)
{
    static const struct {
        const char *text;
        size_t len; /* 0: strlen */
        const char *tz;
        cst_status st;
        int line; /* -1: any */
    } cases[] = {
        /* 0 */ {"BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nEND:VCALENDAR\r\n", 0, NULL,
                 CST_ERR_PARSE, 3},
        /* 1 */
        {"BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\n", 0, NULL, CST_ERR_PARSE, -1},
        /* 2 */ {"hello, world\r\n", 0, NULL, CST_ERR_PARSE, 1},
        /* 3 */ {"", 0, NULL, CST_ERR_PARSE, 1},
        /* 4 */
        {"BEGIN:VCALENDAR\r\nX-A:a\0b\r\nEND:VCALENDAR\r\n", 40, NULL,
         CST_ERR_PARSE, 2},
        /* 5 */ {NULL, 0, "Mars/Olympus_Mons", CST_ERR_INVALID, -1},
        /* 6 */ {NULL, 0, "../../etc/passwd", CST_ERR_INVALID, -1},
    };
    static const char *const bad_due[] = {
        "DUE:2023-06-30\r\n",       "DUE;VALUE=DATE:20230630T100000\r\n",
        "DUE:20231330T000000Z\r\n", "DUE:20230631\r\n",
        "DUE:20230630T250000Z\r\n", "DUE:\r\n",
        "DUE:20230630T1000\r\n",
    };
    fu_result r;
    size_t i;
    char *in, *big;

    for (i = 0; i < N_ELEMS(cases); i++) {
        const char *text = cases[i].text;

        in = text ? NULL
                  : task(NULL, "DUE:20230630T090000Z\r\n", NULL, NULL, KIND);
        if (in != NULL)
            text = in;
        followup(text, cases[i].len ? cases[i].len : strlen(text), &pol_en,
                 utc("20230701T000000Z"), cases[i].tz, &r);
        tap_int(r.st, cases[i].st, "error[%zu] status", i);
        tap_ok(r.out == NULL && r.s.ours == 0 && r.s.next_check == 0,
               "error[%zu] no output, state zeroed", i);
        tap_ok(r.err.msg[0] != '\0', "error[%zu] says why: %s", i, r.err.msg);
        if (cases[i].line >= 0)
            tap_int(r.err.line, cases[i].line, "error[%zu] line", i);
        free(in);
    }
    /* a DUE that is no date, on line 10 of the task */
    for (i = 0; i < N_ELEMS(bad_due); i++) {
        in = task(NULL, bad_due[i], NULL, NULL, KIND);
        followup(in, strlen(in), &pol_en, utc("20230701T000000Z"), NULL, &r);
        tap_int(r.st, CST_ERR_PARSE, "bad-due[%zu] status", i);
        tap_int(r.err.line, 10, "bad-due[%zu] line (%s)", i, r.err.msg);
        tap_ok(r.out == NULL, "bad-due[%zu] no output", i);
        free(in);
        /* the user's own task with that DUE is none of our business */
        in = task(NULL, bad_due[i], NULL, NULL, "");
        followup(in, strlen(in), &pol_en, utc("20230701T000000Z"), NULL, &r);
        tap_ok(r.st == CST_OK && r.out == NULL && r.s.ours == 0,
               "bad-due[%zu] not ours: left alone", i);
        free(in);
    }
    /* too large */
    big = malloc(CST_MAX_OBJECT_BYTES + 2);
    if (big == NULL)
        abort();
    memset(big, 'A', CST_MAX_OBJECT_BYTES + 1);
    big[CST_MAX_OBJECT_BYTES + 1] = '\0';
    followup(big, CST_MAX_OBJECT_BYTES + 1, &pol_en, 0, NULL, &r);
    tap_int(r.st, CST_ERR_TOO_LARGE, "error: too large");
    tap_ok(r.out == NULL, "error: too large, no output");
    free(big);
    /* state and err may be NULL */
    in = task(NULL, "DUE:20230630T090000Z\r\n", NULL, NULL, KIND);
    {
        char *out = NULL;
        size_t len = 0;

        tap_int(cst_task_followup(in, strlen(in), &pol_en,
                                  utc("20230701T000000Z"), NULL, &out, &len,
                                  NULL, NULL),
                CST_OK, "NULL state and err");
        tap_ok(out != NULL, "NULL state and err: output");
        free(out);
        tap_int(
            cst_task_followup("x", 1, &pol_en, 0, NULL, &out, &len, NULL, NULL),
            CST_ERR_PARSE, "NULL state and err: error");
    }
    free(in);
}

/* ---- cst_meeting_schedule_get: one meeting --------------------------------
 */

static void test_schedule_cases(void)
{
    /* budget-review: 2023-06-26 10:00-11:00 Asia/Shanghai (02:00-03:00Z);
     * agenda due 06-23 02:00Z, materials due 06-24 02:00Z, minutes due
     * 06-27 03:00Z */
    static const struct {
        const char *now, *next;
    } steps[] = {
        {"20230601T000000Z", "20230623T020001Z"},
        {"20230623T020000Z", "20230623T020001Z"},
        {"20230623T020001Z", "20230624T020001Z"},
        {"20230624T020001Z", "20230626T020000Z"},
        {"20230626T020000Z", "20230626T020001Z"},
        {"20230626T020001Z", "20230626T030000Z"},
        {"20230626T030000Z", "20230627T030001Z"},
        {"20230627T030000Z", "20230627T030001Z"},
        {"20230627T030001Z", "0"},
        {"20240101T000000Z", "0"},
    };
    static const struct {
        const char *ws, *we;
        int in;
    } windows[] = {
        {"20230626T000000Z", "20230627T000000Z", 1},
        {"20230626T023000Z", "20230626T024500Z", 1}, /* inside it */
        {"20230626T030000Z", "20230627T000000Z", 0}, /* from its end */
        {"20230625T000000Z", "20230626T020000Z", 0}, /* up to its start */
        {"20230625T000000Z", "20230626T020001Z", 1},
        {"20230627T000000Z", "20230626T000000Z", 0}, /* empty */
    };
    char *ics = read_file("examples/budget-review.ics");
    cst_meeting_schedule s;
    cst_error err;
    char b[32];
    size_t i;

    if (!tap_ok(ics != NULL, "examples/budget-review.ics (top_srcdir)"))
        return;
    for (i = 0; i < N_ELEMS(steps); i++) {
        tap_int(cst_meeting_schedule_get(ics, strlen(ics), &pol_en,
                                         utc(steps[i].now), 0, 0, &s, &err),
                CST_OK, "schedule[%zu] status", i);
        tap_int(s.meetings, 1, "schedule[%zu] meetings", i);
        tap_str(utc_str(s.next_check, b, sizeof(b)), steps[i].next,
                "schedule[%zu] next_check at %s", i, steps[i].now);
    }
    /* the example has materials but no materials stamp yet */
    tap_int(s.unstamped, 1, "schedule: unstamped materials");
    for (i = 0; i < N_ELEMS(windows); i++) {
        tap_int(cst_meeting_schedule_get(
                    ics, strlen(ics), &pol_en, utc("20230601T000000Z"),
                    utc(windows[i].ws), utc(windows[i].we), &s, &err),
                CST_OK, "window[%zu] status", i);
        tap_int(s.in_window, windows[i].in, "window[%zu] [%s, %s)", i,
                windows[i].ws, windows[i].we);
    }
    free(ics);
    /* no meeting: no attendee */
    ics = cat("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\n"
              "BEGIN:VEVENT\r\nUID:x\r\nDTSTAMP:20230601T000000Z\r\n"
              "DTSTART:20230626T020000Z\r\nSUMMARY:Dentist\r\n"
              "END:VEVENT\r\nEND:VCALENDAR\r\n",
              NULL);
    tap_int(cst_meeting_schedule_get(
                ics, strlen(ics), &pol_en, utc("20230601T000000Z"),
                utc("20230601T000000Z"), utc("20230701T000000Z"), &s, &err),
            CST_OK, "no meeting: status");
    tap_ok(s.meetings == 0 && s.in_window == 0 && s.next_check == 0,
           "no meeting: nothing to look at");
    free(ics);
    /* bad input */
    memset(&s, 0x5a, sizeof(s));
    tap_int(cst_meeting_schedule_get("BEGIN:VCALENDAR\r\nEND:VEVENT\r\n", 30,
                                     &pol_en, 0, 0, 0, &s, &err),
            CST_ERR_PARSE, "schedule: bad input");
    tap_ok(s.meetings == 0 && s.next_check == 0 && err.line == 2,
           "schedule: bad input, zeroed, line %d", err.line);
}

/* ---- the property the sweep relies on --------------------------------------
 */

/* A weekly meeting in New York across the end of DST (2023-11-05), one
 * week excluded, one moved to the next day; minutes with action items. */
#define WEEKLY_NY                                                              \
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" VTZ_NEW_YORK    \
    "BEGIN:VEVENT\r\n"                                                         \
    "UID:weekly-ny@example.com\r\n"                                            \
    "DTSTAMP:20230901T000000Z\r\n"                                             \
    "SUMMARY:Weekly planning\r\n"                                              \
    "ORGANIZER;CN=Zhang San:mailto:zhangsan@example.com\r\n"                   \
    "ATTENDEE;CN=Li Si:mailto:lisi@example.com\r\n"                            \
    "ATTENDEE;CN=Sun Qi:mailto:sunqi@example.com\r\n"                          \
    "DTSTART;TZID=America/New_York:20231003T100000\r\n"                        \
    "DTEND;TZID=America/New_York:20231003T110000\r\n"                          \
    "RRULE:FREQ=WEEKLY;BYDAY=TU\r\n"                                           \
    "EXDATE;TZID=America/New_York:20231017T100000\r\n"                         \
    "DESCRIPTION:Goal: decide the Q4 plan\\n\\nAgenda:\\n1. Status (10 "       \
    "min\\, "                                                                  \
    "Li Si)\\n2. Plan (30 min\\, Sun Qi)\\n\\nMinutes:\\nAction items:\\n- Se" \
    "nd the plan — Li Si — Friday — plan in wiki\\n\r\n"                 \
    "END:VEVENT\r\n"                                                           \
    "BEGIN:VEVENT\r\n"                                                         \
    "UID:weekly-ny@example.com\r\n"                                            \
    "RECURRENCE-ID;TZID=America/New_York:20231031T100000\r\n"                  \
    "DTSTAMP:20230901T000000Z\r\n"                                             \
    "SUMMARY:Weekly planning (moved)\r\n"                                      \
    "ORGANIZER;CN=Zhang San:mailto:zhangsan@example.com\r\n"                   \
    "ATTENDEE;CN=Li Si:mailto:lisi@example.com\r\n"                            \
    "DTSTART;TZID=America/New_York:20231101T140000\r\n"                        \
    "DTEND;TZID=America/New_York:20231101T150000\r\n"                          \
    "END:VEVENT\r\n"                                                           \
    "END:VCALENDAR\r\n"

/* A daily stand-up of 15 minutes that ends after ten days: no text, so
 * minutes-overdue every day. */
#define STANDUP                                                                \
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"                 \
    "BEGIN:VEVENT\r\n"                                                         \
    "UID:standup@example.com\r\n"                                              \
    "DTSTAMP:20230501T000000Z\r\n"                                             \
    "SUMMARY:Stand-up\r\n"                                                     \
    "ORGANIZER:mailto:zhangsan@example.com\r\n"                                \
    "ATTENDEE:mailto:lisi@example.com\r\n"                                     \
    "DTSTART:20230601T013000Z\r\n"                                             \
    "DURATION:PT15M\r\n"                                                       \
    "RRULE:FREQ=DAILY;COUNT=10\r\n"                                            \
    "END:VEVENT\r\n"                                                           \
    "END:VCALENDAR\r\n"

/* A meeting without length (no DTEND) in the system's Asia/Shanghai,
 * Chinese text, materials as an attachment. */
#define POINT_SH                                                                                    \
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"                                      \
    "BEGIN:VEVENT\r\n"                                                                              \
    "UID:point@example.com\r\n"                                                                     \
    "DTSTAMP:20230501T000000Z\r\n"                                                                  \
    "SUMMARY:预算评审\r\n"                                                                      \
    "ORGANIZER;CN=张三:mailto:zhangsan@example.com\r\n"                                           \
    "ATTENDEE;CN=王五:mailto:wangwu@example.com\r\n"                                              \
    "DTSTART;TZID=Asia/Shanghai:20230615T150000\r\n"                                                \
    "ATTACH:https://example.com/budget.xlsx\r\n"                                                    \
    "DESCRIPTION:目标：确定预算方案\\n议程：\\n1. 预算（20分钟，王五）\\n\r\n" \
    "END:VEVENT\r\n"                                                                                \
    "END:VCALENDAR\r\n"

/* The same with stamps a client garbled: present, so never replaced,
 * but unreadable, so the lead-time rules compare `now` (core/rules.c). */
#define POINT_SH_BAD_STAMPS                                                                         \
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"                                      \
    "BEGIN:VEVENT\r\n"                                                                              \
    "UID:point@example.com\r\n"                                                                     \
    "DTSTAMP:20230501T000000Z\r\n"                                                                  \
    "SUMMARY:预算评审\r\n"                                                                      \
    "ORGANIZER;CN=张三:mailto:zhangsan@example.com\r\n"                                           \
    "ATTENDEE;CN=王五:mailto:wangwu@example.com\r\n"                                              \
    "DTSTART;TZID=Asia/Shanghai:20230615T150000\r\n"                                                \
    "ATTACH:https://example.com/budget.xlsx\r\n"                                                    \
    "X-CALSTEWARD-AGENDA-SENT:yesterday\r\n"                                                        \
    "X-CALSTEWARD-MATERIALS-SENT:20231399T000000Z\r\n"                                              \
    "DESCRIPTION:目标：确定预算方案\\n议程：\\n1. 预算（20分钟，王五）\\n\r\n" \
    "END:VEVENT\r\n"                                                                                \
    "END:VCALENDAR\r\n"

typedef struct walk_case {
    const char *name;
    const char *file; /* under top_srcdir, or NULL */
    const char *ics;  /* or NULL: many_overrides() */
    const char *from;
    const cst_policy *p;
    int days;
} walk_case;

/*
 * A daily meeting (01:00Z, 30 min) from 2023-06-01 whose instances of
 * 06-02 .. 08-06 are moved to 03:00Z: 66 overrides, more than the 64
 * that core/tasks.c and core/process.c collect -- for them the master's
 * 08-05 and 08-06 at 01:00Z are occurrences, for core/rules.c not.
 */
static char *many_overrides(void)
{
    char *r = strdup("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
                     "BEGIN:VEVENT\r\nUID:many@example.com\r\n"
                     "DTSTAMP:20230501T000000Z\r\nSUMMARY:Daily\r\n"
                     "ORGANIZER:mailto:zhangsan@example.com\r\n"
                     "ATTENDEE:mailto:lisi@example.com\r\n"
                     "DTSTART:20230601T010000Z\r\nDURATION:PT30M\r\n"
                     "RRULE:FREQ=DAILY;COUNT=80\r\nEND:VEVENT\r\n");
    time_t day = utc("20230602T010000Z");
    char rid[32], start[32], *ev, *n;
    int k;

    for (k = 0; k < 66; k++, day += 86400) {
        utc_str(day, rid, sizeof(rid));
        utc_str(day + 7200, start, sizeof(start));
        ev = cat("BEGIN:VEVENT\r\nUID:many@example.com\r\nRECURRENCE-ID:", rid,
                 "\r\nDTSTAMP:20230501T000000Z\r\nSUMMARY:Daily (moved)\r\n"
                 "ORGANIZER:mailto:zhangsan@example.com\r\n"
                 "ATTENDEE:mailto:lisi@example.com\r\nDTSTART:",
                 start, "\r\nDURATION:PT30M\r\nEND:VEVENT\r\n", NULL);
        n = cat(r, ev, NULL);
        free(r);
        free(ev);
        r = n;
    }
    n = cat(r, "END:VCALENDAR\r\n", NULL);
    free(r);
    return n;
}

static cst_policy pol_short;

static const walk_case walks[] = {
    {"budget-review", "examples/budget-review.ics", NULL, "20230610T000000Z",
     &pol_en, 40},
    {"weekly New York", NULL, WEEKLY_NY, "20231001T000000Z", &pol_en, 40},
    {"weekly New York, short leads", NULL, WEEKLY_NY, "20231001T000000Z",
     &pol_short, 40},
    {"daily stand-up", NULL, STANDUP, "20230528T000000Z", &pol_en, 40},
    {"no length, zh_CN", NULL, POINT_SH, "20230605T000000Z", &pol_zh, 40},
    {"garbled stamps", NULL, POINT_SH_BAD_STAMPS, "20230605T000000Z", &pol_en,
     40},
    {"66 overrides", NULL, NULL, "20230803T000000Z", &pol_en, 6},
};

/* cst_process() at now: its output, or x when unchanged (heap). */
static char *processed(const char *x, const cst_policy *p, time_t now)
{
    cst_process_in in;
    cst_error err;
    char *out = NULL;
    size_t len = 0;

    memset(&in, 0, sizeof(in));
    in.policy = p;
    in.now = now;
    if (cst_process(x, strlen(x), &in, &out, &len, &err) != CST_OK) {
        printf("#   cst_process: %s\n", err.msg);
        return strdup("(error)");
    }
    return out != NULL ? out : strdup(x);
}

/* cst_tasks_build() at now, as text, without what cst_task_merge()
 * ignores: DTSTAMP (`now` by design) and COMPLETED (`now` for a prep
 * task whose first-sent stamp cannot be read; merged, a completed task
 * keeps the moment it was first completed) (heap). */
static char *tasks_text(const char *x, const cst_policy *p, time_t now)
{
    cst_tasks_in in;
    cst_task_list l;
    cst_error err;
    size_t i, n = 0;
    char *r, *o;

    memset(&in, 0, sizeof(in));
    in.policy = p;
    in.now = now;
    if (cst_tasks_build(x, strlen(x), &in, &l, &err) != CST_OK) {
        printf("#   cst_tasks_build: %s\n", err.msg);
        return strdup("(error)");
    }
    for (i = 0; i < l.n; i++)
        n += strlen(l.v[i].uid) + l.v[i].len + 2;
    r = malloc(n + 1);
    if (r == NULL)
        abort();
    o = r;
    for (i = 0; i < l.n; i++) {
        const char *s = l.v[i].ics, *e;

        memcpy(o, l.v[i].uid, strlen(l.v[i].uid));
        o += strlen(l.v[i].uid);
        *o++ = '\n';
        for (; *s; s = e) {
            e = strchr(s, '\n');
            e = e ? e + 1 : s + strlen(s);
            if (strncmp(s, "DTSTAMP:", 8) != 0 &&
                strncmp(s, "COMPLETED:", 10) != 0) {
                memcpy(o, s, (size_t)(e - s));
                o += e - s;
            }
        }
    }
    *o = '\0';
    cst_task_list_fini(&l);
    return r;
}

/* The output of both at now, one string (heap). */
static char *output_at(const char *x, const cst_policy *p, time_t now)
{
    char *a = processed(x, p, now), *b = tasks_text(x, p, now);
    char *r = cat(a, "\n----\n", b, NULL);

    free(a);
    free(b);
    return r;
}

static int schedule(const char *x, const cst_policy *p, time_t now,
                    cst_meeting_schedule *s)
{
    cst_error err;

    if (cst_meeting_schedule_get(x, strlen(x), p, now, now, now + 86400, s,
                                 &err) != CST_OK) {
        printf("#   schedule: %s\n", err.msg);
        return 0;
    }
    return 1;
}

/*
 * Hourly over w->days days, each step fed the object stored at the step
 * before (so that the stamps stay as the server holds them): whenever
 * the output at two consecutive steps differs, the next_check computed
 * at the earlier one is at or before the later one.
 */
static void walk_hourly(size_t wi, const walk_case *w, const char *ics)
{
    time_t t0 = utc(w->from), t;
    char *x = processed(ics, w->p, t0), *a, *b, *pb, *tb, b1[32], b2[32];
    size_t changes = 0, missed = 0, unstamped = 0, errors = 0;
    cst_meeting_schedule s;

    a = output_at(x, w->p, t0);
    for (t = t0; t < t0 + w->days * 86400; t += 3600) {
        if (!schedule(x, w->p, t, &s)) {
            errors++;
            break;
        }
        unstamped += (size_t)s.unstamped;
        /* the output at t + 1h for the same stored object */
        pb = processed(x, w->p, t + 3600);
        tb = tasks_text(x, w->p, t + 3600);
        b = cat(pb, "\n----\n", tb, NULL);
        free(tb);
        if (strcmp(a, b) != 0) {
            changes++;
            if ((s.next_check == 0 || s.next_check > t + 3600) && missed++ < 5)
                printf("#   %s: changed between %s and +1h, next_check "
                       "%s\n",
                       w->name, utc_str(t, b1, sizeof(b1)),
                       utc_str(s.next_check, b2, sizeof(b2)));
        }
        free(a);
        /* what the server stores at t + 1h is that output */
        if (strcmp(pb, x) == 0) {
            a = b;
        } else {
            free(b);
            a = output_at(pb, w->p, t + 3600);
        }
        free(x);
        x = pb;
    }
    tap_int(errors, 0, "walk[%zu] %s: hourly, no error", wi, w->name);
    tap_int(unstamped, 0, "walk[%zu] %s: stamps stay as stored", wi, w->name);
    tap_ok(changes > 0, "walk[%zu] %s: %zu hourly changes seen", wi, w->name,
           changes);
    tap_int(missed, 0, "walk[%zu] %s: no change before its next_check", wi,
            w->name);
    free(a);
    free(x);
}

/*
 * From checkpoint to checkpoint: the output at t, halfway to next_check
 * and at next_check - 1 is the same -- so a comparison that flips one
 * second off the candidate shows -- and after the last one (next_check
 * 0) nothing changes for a year.
 */
static void walk_checkpoints(size_t wi, const walk_case *w, const char *ics)
{
    time_t t0 = utc(w->from), t = t0, nc;
    char *x = processed(ics, w->p, t0), *a, *b, *c, *nx, b1[32], b2[32];
    size_t n = 0, bad = 0, flips = 0;
    cst_meeting_schedule s;

    while (t < t0 + w->days * 86400 && n < 5000) {
        if (!schedule(x, w->p, t, &s)) {
            bad++;
            break;
        }
        nc = s.next_check;
        a = output_at(x, w->p, t);
        if (nc == 0) {
            b = output_at(x, w->p, t + 366 * 86400);
            if (strcmp(a, b) != 0) {
                bad++;
                printf("#   %s: next_check 0 at %s, but a change later\n",
                       w->name, utc_str(t, b1, sizeof(b1)));
            }
            free(a);
            free(b);
            break;
        }
        if (nc <= t) {
            bad++;
            printf("#   %s: next_check %s not after %s\n", w->name,
                   utc_str(nc, b1, sizeof(b1)), utc_str(t, b2, sizeof(b2)));
            free(a);
            break;
        }
        b = output_at(x, w->p, t + (nc - t) / 2);
        c = output_at(x, w->p, nc - 1);
        if ((strcmp(a, b) != 0 || strcmp(a, c) != 0) && bad++ < 5)
            printf("#   %s: changed between %s and next_check %s\n", w->name,
                   utc_str(t, b1, sizeof(b1)), utc_str(nc, b2, sizeof(b2)));
        free(b);
        b = output_at(x, w->p, nc);
        flips += strcmp(c, b) != 0;
        free(a);
        free(b);
        free(c);
        n++;
        nx = processed(x, w->p, nc);
        free(x);
        x = nx;
        t = nc;
    }
    free(x);
    printf("#   %s: %zu checkpoints, the output changed at %zu of them\n",
           w->name, n, flips);
    tap_int(bad, 0, "walk[%zu] %s: nothing changes between checkpoints", wi,
            w->name);
    tap_ok(flips > 0, "walk[%zu] %s: and at checkpoints it does", wi, w->name);
}

static void test_walks(void)
{
    size_t i;

    for (i = 0; i < N_ELEMS(walks); i++) {
        char *ics = walks[i].file  ? read_file(walks[i].file)
                    : walks[i].ics ? strdup(walks[i].ics)
                                   : many_overrides();

        if (!tap_ok(ics != NULL, "walk[%zu] %s: fixture", i, walks[i].name))
            continue;
        walk_hourly(i, &walks[i], ics);
        walk_checkpoints(i, &walks[i], ics);
        free(ics);
    }
}

int main(void)
{
    size_t i;

    icalerror_set_errors_are_fatal(0);
    cst_policy_init(&pol_en);
    cst_policy_init(&pol_zh);
    pol_zh.language = CST_LANG_ZH_CN;
    cst_policy_init(&pol_off);
    pol_off.mode[CST_RULE_ACTION_ITEM_OVERDUE] = CST_MODE_OFF;
    cst_policy_init(&pol_short);
    pol_short.agenda_min_days = 1;
    pol_short.agenda_max_days = 2;
    pol_short.materials_min_days = 0;
    pol_short.minutes_max_hours = 1;
    for (i = 0; i < CST_RULE__COUNT; i++) {
        if (pol_short.mode[i] == CST_MODE_WARNING)
            pol_short.mode[i] = CST_MODE_ENFORCE;
    }
    test_fire();
    test_remove();
    test_language_switch();
    test_bytes();
    test_two();
    test_errors();
    test_schedule_cases();
    test_walks();
    return tap_done();
}
