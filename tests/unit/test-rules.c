/*
 * test-rules.c -- core/rules.c over core/meeting.c: every rule of spec
 * section 3 (but action-item-overdue, which is about tasks) firing and not
 * firing, in English and in Chinese meeting text, at its boundaries; what
 * counts as a meeting and who counts as a participant (spec section 1);
 * rule modes and numbers from a policy text (spec section 6); recurring
 * meetings, overrides and time zones.
 *
 * Each case builds one invite from a template (CRLF lines, folded at 75
 * octets, DESCRIPTION escaped as RFC 5545 wants), parses it with
 * cst_object_parse(), runs cst_check() at the case's `now` and compares
 * the findings, rendered as one line, with the line the case wants:
 *
 *     rule[#item][@due][/recurrence-id][!severity][(n1,n2)]['text']
 *
 * separated by one space, in the order cst_check() reports them (per
 * event, then per rule).  The item number is always shown; the rest when
 * the case's `show` flags ask for it.  When the object holds several
 * VEVENTs, each finding is prefixed with its event's index ("1:").
 */
#include "tests/unit/tap.h"
#include "core/meeting.h"
#include "core/policy.h"
#include "core/rules.h"
#include "core/util.h"

#include <stdlib.h>

#define N_ELEMS(x) (sizeof(x) / sizeof((x)[0]))

/* ---- what the findings are rendered with ------------------------------ */

#define SHOW_DUE  0x01u
#define SHOW_RID  0x02u
#define SHOW_MODE 0x04u  /* severity of each, and " =>worst" at the end */
#define SHOW_N    0x08u
#define SHOW_TEXT 0x10u

/* ---- the invite template ------------------------------------------------ */

/* People of the default invite: the organizer and four attendees, one
 * of them with an address unlike his name, and a room (5 participants). */
#define DEF_ORG "ORGANIZER;CN=Zhang San:mailto:zhangsan@example.com\r\n"
#define DEF_ATT                                                           \
    "ATTENDEE;CN=Li Si;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=TRUE:"  \
    "mailto:lisi@example.com\r\n"                                          \
    "ATTENDEE;CN=王五;PARTSTAT=NEEDS-ACTION:mailto:wangwu@example.com\r\n" \
    "ATTENDEE;CN=Sun Qi:mailto:qi.sun@example.com\r\n"                     \
    "ATTENDEE;CN=赵六;ROLE=OPT-PARTICIPANT:mailto:zhaoliu@example.com\r\n" \
    "ATTENDEE;CUTYPE=ROOM;CN=Room 301:mailto:room301@example.com\r\n"
#define ATT(n) "ATTENDEE;CN=Guest " #n ":mailto:guest" #n "@example.com\r\n"

/* First-sent stamps well before the deadlines of the default meeting. */
#define DEF_STAMPS                                      \
    "X-CALSTEWARD-AGENDA-SENT:20230619T000000Z\r\n"     \
    "X-CALSTEWARD-MATERIALS-SENT:20230619T000000Z\r\n"

/* The default meeting: Monday 2023-06-26 02:00-03:00 UTC (10:00-11:00 in
 * Shanghai).  Deadlines: agenda 2023-06-23T02:00Z, materials
 * 2023-06-24T02:00Z, minutes 2023-06-27T03:00Z. */
#define DEF_START "20230626T020000Z"
#define DEF_END   "20230626T030000Z"

/* Meeting text, in blocks.  Together, GOAL + AGENDA + MATERIALS give no
 * finding before the meeting, MINUTES none after it. */
#define GOAL_EN "Goal: decide the Q3 budget split\n"
#define AGENDA_EN                                                \
    "Agenda:\n"                                                  \
    "1. Review of last action items (10 min, Li Si)\n"           \
    "2. Q3 budget split, options A and B (30 min, Sun Qi)\n"
#define MATERIALS_EN "Materials: budget-q3.xlsx; see the team drive\n"
#define PRE_EN GOAL_EN AGENDA_EN MATERIALS_EN
#define GOAL_ZH "会议目标：确定Q3预算分配方案\n"
#define AGENDA_ZH                                \
    "议程：\n"                                    \
    "1、上次行动项回顾（10分钟，王五）\n"          \
    "2、Q3预算分配方案讨论（30分钟，赵六）\n"
#define MATERIALS_ZH "会议材料：Q3预算表（共享盘）\n"
#define PRE_ZH GOAL_ZH AGENDA_ZH MATERIALS_ZH

#define MINUTES_EN                                                        \
    "Minutes:\nWe compared options A and B.\n"                            \
    "Decisions: option B, a 60/40 split.\n"                               \
    "Action items:\n"                                                     \
    "1. Send the final table — Li Si — 2023-06-30 — table on the drive\n"
#define NEXT_EN "Next meeting: 2023-07-07\n"
#define MINUTES_ZH                                                       \
    "会议纪要：\n比较了方案A和方案B。\n"                                  \
    "决议：采用方案B，按60/40分配。\n"                                    \
    "行动项：\n"                                                         \
    "1、任务：整理最终预算表；负责人：王五；截止：6月30日；"               \
    "交付标准：共享盘上的预算表\n"
#define NEXT_ZH "下次会议：7月7日\n"

/* Time zones the invites may use. */
enum { TZ_UTC = 0, TZ_SHANGHAI, TZ_WINDOWS, TZ_WINDOWS_BARE, TZ_BERLIN };

static const struct tz_def {
    const char *tzid;   /* NULL: times in UTC */
    const char *vtimezone;
} tz_defs[] = {
    {NULL, ""},
    {"Asia/Shanghai",
     "BEGIN:VTIMEZONE\r\n"
     "TZID:Asia/Shanghai\r\n"
     "BEGIN:STANDARD\r\n"
     "TZOFFSETFROM:+0800\r\n"
     "TZOFFSETTO:+0800\r\n"
     "TZNAME:CST\r\n"
     "DTSTART:19700101T000000\r\n"
     "END:STANDARD\r\n"
     "END:VTIMEZONE\r\n"},
    /* as Outlook writes it: a Windows name, STANDARD and DAYLIGHT alike */
    {"China Standard Time",
     "BEGIN:VTIMEZONE\r\n"
     "TZID:China Standard Time\r\n"
     "BEGIN:STANDARD\r\n"
     "DTSTART:16010101T000000\r\n"
     "TZOFFSETFROM:+0800\r\n"
     "TZOFFSETTO:+0800\r\n"
     "END:STANDARD\r\n"
     "BEGIN:DAYLIGHT\r\n"
     "DTSTART:16010101T000000\r\n"
     "TZOFFSETFROM:+0800\r\n"
     "TZOFFSETTO:+0800\r\n"
     "END:DAYLIGHT\r\n"
     "END:VTIMEZONE\r\n"},
    /* the Windows name and no VTIMEZONE at all */
    {"China Standard Time", ""},
    {"Europe/Berlin",
     "BEGIN:VTIMEZONE\r\n"
     "TZID:Europe/Berlin\r\n"
     "BEGIN:DAYLIGHT\r\n"
     "TZOFFSETFROM:+0100\r\n"
     "TZOFFSETTO:+0200\r\n"
     "TZNAME:CEST\r\n"
     "DTSTART:19700329T020000\r\n"
     "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
     "END:DAYLIGHT\r\n"
     "BEGIN:STANDARD\r\n"
     "TZOFFSETFROM:+0200\r\n"
     "TZOFFSETTO:+0100\r\n"
     "TZNAME:CET\r\n"
     "DTSTART:19701025T030000\r\n"
     "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
     "END:STANDARD\r\n"
     "END:VTIMEZONE\r\n"},
};

/* One VEVENT.  NULL fields take the defaults above; "" means none. */
typedef struct ev_spec {
    const char *start, *end;  /* local times when the case has a zone */
    const char *org;          /* property lines, CRLF each */
    const char *att;
    const char *stamps;
    const char *extra;        /* more property lines (RRULE, CATEGORIES..) */
    const char *desc;         /* plain text with '\n'; NULL: no DESCRIPTION */
    const char *rid;          /* RECURRENCE-ID value, for an override */
} ev_spec;

typedef struct rule_case {
    const char *name;
    const char *now;          /* "2023-06-20T00:00:00Z" */
    const char *policy;       /* policy file text, or NULL for defaults */
    int tz;                   /* TZ_* */
    ev_spec ev;
    ev_spec ov;               /* an override when ov.rid is set */
    const char *want;         /* the findings, rendered */
    unsigned show;
    int meeting;              /* 0: don't check; 1 / -1: event 0 is / isn't */
    int counted;              /* 0: don't check; else event 0's n_counted */
    const char *todo;         /* a known bug elsewhere: TAP TODO reason */
} rule_case;

#define YES 1
#define NO (-1)

typedef struct buf {
    char *p;
    size_t n, cap;
} buf;

static void put(buf *b, const char *s, size_t len)
{
    if (b->n + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;

        while (b->n + len + 1 > cap)
            cap *= 2;
        b->p = realloc(b->p, cap);
        if (b->p == NULL) {
            printf("Bail out! out of memory\n");
            exit(1);
        }
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, len);
    b->n += len;
    b->p[b->n] = '\0';
}

static void put_str(buf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* Writes one content line (without its CRLF), folded at 75 octets on a
 * UTF-8 character boundary, and the CRLF. */
static void put_line(buf *b, const char *s, size_t len)
{
    size_t room = 75;

    while (len > room) {
        size_t cut = room;

        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--;
        put(b, s, cut);
        put(b, "\r\n ", 3);
        s += cut;
        len -= cut;
        room = 74; /* the leading space takes one */
    }
    put(b, s, len);
    put(b, "\r\n", 2);
}

/* Writes property lines given with explicit CRLF ends, folding each. */
static int put_lines(buf *b, const char *s)
{
    while (*s != '\0') {
        const char *e = strstr(s, "\r\n");

        if (e == NULL)
            return -1; /* a fixture line without its CRLF */
        put_line(b, s, (size_t)(e - s));
        s = e + 2;
    }
    return 0;
}

/* Writes DESCRIPTION with the text escaped as RFC 5545 TEXT. */
static void put_description(buf *b, const char *text)
{
    buf v = {NULL, 0, 0};

    put_str(&v, "DESCRIPTION:");
    for (; *text != '\0'; text++) {
        switch (*text) {
        case '\n': put_str(&v, "\\n"); break;
        case '\\': put_str(&v, "\\\\"); break;
        case ';':  put_str(&v, "\\;"); break;
        case ',':  put_str(&v, "\\,"); break;
        default:   put(&v, text, 1);
        }
    }
    put_line(b, v.p, v.n);
    free(v.p);
}

/* Writes a DTSTART / DTEND in the case's zone; "" writes nothing. */
static int put_time(buf *b, const char *name, const char *value, int tz)
{
    char line[160];

    if (value[0] == '\0')
        return 0;
    if (tz_defs[tz].tzid != NULL)
        snprintf(line, sizeof(line), "%s;TZID=%s:%s\r\n", name,
                 tz_defs[tz].tzid, value);
    else
        snprintf(line, sizeof(line), "%s:%s\r\n", name, value);
    return put_lines(b, line);
}

static int put_event(buf *b, const ev_spec *e, int tz, int index)
{
    char line[160];
    int r = 0;

    put_str(b, "BEGIN:VEVENT\r\n");
    put_str(b, "UID:test-rules-1@calsteward.example\r\n");
    put_str(b, "DTSTAMP:20230601T000000Z\r\n");
    if (e->rid != NULL) {
        snprintf(line, sizeof(line), "RECURRENCE-ID%s\r\n", e->rid);
        r |= put_lines(b, line);
    }
    r |= put_time(b, "DTSTART", e->start ? e->start : DEF_START, tz);
    r |= put_time(b, "DTEND", e->end ? e->end : DEF_END, tz);
    snprintf(line, sizeof(line), "SUMMARY:Q3 budget (event %d)\r\n", index);
    r |= put_lines(b, line);
    r |= put_lines(b, e->org ? e->org : DEF_ORG);
    r |= put_lines(b, e->att ? e->att : DEF_ATT);
    r |= put_lines(b, e->stamps ? e->stamps : DEF_STAMPS);
    if (e->extra != NULL)
        r |= put_lines(b, e->extra);
    if (e->desc != NULL)
        put_description(b, e->desc);
    put_str(b, "END:VEVENT\r\n");
    return r;
}

/* Builds the invite of a case into b.  Returns 0, or -1 when a fixture
 * line lacks its CRLF. */
static int build_invite(buf *b, const rule_case *c)
{
    int r = 0;

    b->n = 0;
    put_str(b, "BEGIN:VCALENDAR\r\n");
    put_str(b, "VERSION:2.0\r\n");
    put_str(b, "PRODID:-//calsteward//test-rules//EN\r\n");
    put_str(b, "METHOD:REQUEST\r\n");
    put_str(b, tz_defs[c->tz].vtimezone);
    r |= put_event(b, &c->ev, c->tz, 0);
    if (c->ov.rid != NULL)
        r |= put_event(b, &c->ov, c->tz, 1);
    put_str(b, "END:VCALENDAR\r\n");
    return r;
}

/* 1 when every LF of s follows a CR and every CR precedes an LF. */
static int all_crlf(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
            return 0;
        if (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n'))
            return 0;
    }
    return 1;
}

/* ---- UTC instants ------------------------------------------------------- */

/* "2023-06-20T02:00:00Z" -> time_t; -1 when malformed. */
static time_t parse_utc(const char *s)
{
    int y, mo, d, h, mi, se;
    char z;

    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &se,
               &z) != 7 || z != 'Z')
        return (time_t)-1;
    return (time_t)(cst_days_from_civil(y, mo, d) * 86400L + h * 3600L
                    + mi * 60L + se);
}

static void format_utc(time_t t, char *out, size_t n)
{
    long days = (long)(t / 86400), secs = (long)(t % 86400);
    int y, m, d;

    if (secs < 0) {
        secs += 86400;
        days--;
    }
    cst_civil_from_days(days, &y, &m, &d);
    snprintf(out, n, "%04d-%02d-%02dT%02ld:%02ld:%02ldZ", y, m, d,
             secs / 3600, secs / 60 % 60, secs % 60);
}

/* ---- running a case ----------------------------------------------------- */

static void render(const cst_object *o, const cst_findings *fs,
                   unsigned show, buf *out)
{
    char tmp[256];
    size_t i, k;

    out->n = 0;
    put_str(out, "");
    for (i = 0; i < fs->n; i++) {
        const cst_finding *f = &fs->v[i];

        if (i > 0)
            put_str(out, " ");
        if (cst_object_n_events(o) > 1) {
            for (k = 0; k < cst_object_n_events(o); k++) {
                if (cst_object_event(o, k) == f->event)
                    break;
            }
            snprintf(tmp, sizeof(tmp), "%zu:", k);
            put_str(out, tmp);
        }
        put_str(out, cst_rule_name(f->rule));
        if (f->item != 0) {
            snprintf(tmp, sizeof(tmp), "#%d", f->item);
            put_str(out, tmp);
        }
        if ((show & SHOW_DUE) && f->due != 0) {
            format_utc(f->due, tmp + 1, sizeof(tmp) - 1);
            tmp[0] = '@';
            put_str(out, tmp);
        }
        if ((show & SHOW_RID) && f->recurrence_id[0] != '\0') {
            snprintf(tmp, sizeof(tmp), "/%s", f->recurrence_id);
            put_str(out, tmp);
        }
        if (show & SHOW_MODE) {
            snprintf(tmp, sizeof(tmp), "!%s", cst_mode_severity(f->mode));
            put_str(out, tmp);
        }
        if (show & SHOW_N) {
            snprintf(tmp, sizeof(tmp), "(%ld,%ld)", f->n1, f->n2);
            put_str(out, tmp);
        }
        if (show & SHOW_TEXT) {
            snprintf(tmp, sizeof(tmp), "'%s'", f->text);
            put_str(out, tmp);
        }
    }
    if (show & SHOW_MODE) {
        snprintf(tmp, sizeof(tmp), " =>%s",
                 cst_mode_severity(cst_findings_worst(fs)));
        put_str(out, tmp);
    }
}

/* Like tap_str, with a TODO directive for a known bug outside rules.c:
 * a failing TODO check does not fail the program. */
static void check_str(const char *todo, const char *got, const char *want,
                      const char *group, size_t idx, const char *name,
                      const char *what)
{
    int eq = strcmp(got, want) == 0;

    tap_n++;
    printf("%sok %d - %s[%zu] %s: %s", eq ? "" : "not ", tap_n, group, idx,
           name, what);
    if (todo != NULL)
        printf(" # TODO %s", todo);
    printf("\n");
    if (!eq) {
        printf("#   got:  '%s'\n#   want: '%s'\n", got, want);
        if (todo == NULL)
            tap_failed++;
    }
}

static void run_case(const char *group, size_t idx, const rule_case *c)
{
    cst_policy policy;
    cst_error err;
    cst_object *o = NULL;
    cst_findings fs = {NULL, 0, 0};
    buf ics = {NULL, 0, 0}, got = {NULL, 0, 0};
    time_t now = parse_utc(c->now);
    cst_status st;
    char tmp[320];

    memset(&err, 0, sizeof(err));
    cst_policy_init(&policy);
    put_str(&got, "");
    if (now == (time_t)-1) {
        snprintf(tmp, sizeof(tmp), "BAD NOW '%s'", c->now);
        put_str(&got, tmp);
        goto report;
    }
    if (c->policy != NULL) {
        st = cst_policy_parse(&policy, c->policy, strlen(c->policy), &err);
        if (st != CST_OK) {
            snprintf(tmp, sizeof(tmp), "POLICY %s: line %d: %s",
                     cst_status_str(st), err.line, err.msg);
            put_str(&got, tmp);
            goto report;
        }
    }
    if (build_invite(&ics, c) != 0 || !all_crlf(ics.p, ics.n)) {
        put_str(&got, "FIXTURE LINE WITHOUT CRLF");
        goto report;
    }
    st = cst_object_parse(ics.p, ics.n, &policy, &o, &err);
    if (st != CST_OK) {
        snprintf(tmp, sizeof(tmp), "PARSE %s: line %d: %s",
                 cst_status_str(st), err.line, err.msg);
        put_str(&got, tmp);
        goto report;
    }
    if (c->meeting != 0 || c->counted != 0) {
        const cst_event *ev = cst_object_event(o, 0);

        if (c->meeting != 0)
            tap_int(ev != NULL && ev->is_meeting, c->meeting > 0,
                    "%s[%zu] %s: is_meeting", group, idx, c->name);
        if (c->counted != 0)
            tap_int(ev ? (long)ev->n_counted : -1, c->counted,
                    "%s[%zu] %s: participants", group, idx, c->name);
    }
    st = cst_check(o, &policy, now, &fs);
    if (st != CST_OK) {
        snprintf(tmp, sizeof(tmp), "CHECK %s", cst_status_str(st));
        put_str(&got, tmp);
        goto report;
    }
    render(o, &fs, c->show, &got);
report:
    check_str(c->todo, got.p, c->want, group, idx, c->name, "findings");
    cst_findings_fini(&fs);
    cst_object_free(&o);
    free(ics.p);
    free(got.p);
}

static void run_table(const char *group, const rule_case *cases, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        run_case(group, i, &cases[i]);
}

#define RUN(t) run_table(#t, t, N_ELEMS(t))

/* ---- spec section 1: what counts as a meeting -------------------------- */

#define PRE_NOW "2023-06-20T00:00:00Z"
#define EMPTY_FINDINGS "agenda-missing materials-missing goal-missing"

static const rule_case meeting_cases[] = {
    /* 0: control: the same invites below, as a meeting */
    {.name = "organizer and one attendee", .now = PRE_NOW,
     .ev = {.att = "ATTENDEE:mailto:lisi@example.com\r\n", .desc = ""},
     .want = EMPTY_FINDINGS, .meeting = YES, .counted = 2},
    {.name = "no ORGANIZER", .now = PRE_NOW,
     .ev = {.org = "", .desc = ""}, .want = "", .meeting = NO},
    {.name = "only the organizer as attendee", .now = PRE_NOW,
     .ev = {.att = "ATTENDEE;CN=Zhang San;ROLE=CHAIR:mailto:zhangsan@"
                   "example.com\r\n", .desc = ""},
     .want = "", .meeting = NO},
    {.name = "no attendee at all", .now = PRE_NOW,
     .ev = {.att = "", .desc = ""}, .want = "", .meeting = NO},
    {.name = "organizer as attendee, other case and MAILTO", .now = PRE_NOW,
     .ev = {.org = "ORGANIZER:MAILTO:Org@X.example\r\n",
            .att = "ATTENDEE;PARTSTAT=ACCEPTED:mailto:org@x.example\r\n",
            .desc = ""},
     .want = "", .meeting = NO},
    /* 5 */
    {.name = "organizer other case, plus a guest", .now = PRE_NOW,
     .ev = {.org = "ORGANIZER:MAILTO:Org@X.example\r\n",
            .att = "ATTENDEE:mailto:org@x.example\r\n"
                   "ATTENDEE:mailto:guest@x.example\r\n",
            .desc = ""},
     .want = EMPTY_FINDINGS, .meeting = YES, .counted = 2},
    {.name = "all-day DTSTART;VALUE=DATE", .now = PRE_NOW,
     .ev = {.start = "", .end = "", .desc = "",
            .extra = "DTSTART;VALUE=DATE:20230626\r\n"
                     "DTEND;VALUE=DATE:20230627\r\n"},
     .want = "", .meeting = NO},
    {.name = "STATUS:CANCELLED", .now = PRE_NOW,
     .ev = {.extra = "STATUS:CANCELLED\r\n", .desc = ""},
     .want = "", .meeting = NO},
    {.name = "STATUS:CONFIRMED is a meeting", .now = PRE_NOW,
     .ev = {.extra = "STATUS:CONFIRMED\r\n", .desc = ""},
     .want = EMPTY_FINDINGS, .meeting = YES, .counted = 5},
    {.name = "only a room besides the organizer is still a meeting",
     .now = PRE_NOW,
     .ev = {.att = "ATTENDEE;CUTYPE=ROOM:mailto:room301@example.com\r\n",
            .desc = ""},
     .want = EMPTY_FINDINGS, .meeting = YES, .counted = 1},
};

/* ---- participants ------------------------------------------------------- */

#define ATT_7 ATT(1) ATT(2) ATT(3)                /* + default 5 = 8 */
#define ATT_8 ATT(1) ATT(2) ATT(3) ATT(4)         /* + default 5 = 9 */

static const rule_case participant_cases[] = {
    {.name = "8 participants, limit 8", .now = PRE_NOW,
     .ev = {.att = DEF_ATT ATT_7, .desc = PRE_EN},
     .want = "", .counted = 8},
    {.name = "9 participants, limit 8", .now = PRE_NOW,
     .ev = {.att = DEF_ATT ATT_8, .desc = PRE_EN},
     .want = "participant-limit(9,8)", .show = SHOW_N, .counted = 9},
    {.name = "9 lines, the organizer once more as attendee", .now = PRE_NOW,
     .ev = {.att = DEF_ATT ATT_7
                "ATTENDEE;CN=Zhang San;ROLE=CHAIR:MAILTO:ZhangSan@Example.COM"
                "\r\n",
            .desc = PRE_ZH},
     .want = "", .counted = 8},
    {.name = "rooms, resources and non-participants left out",
     .now = PRE_NOW,
     .ev = {.att = DEF_ATT ATT_7
                "ATTENDEE;CUTYPE=RESOURCE;CN=Projector:mailto:beamer@"
                "example.com\r\n"
                "ATTENDEE;CUTYPE=ROOM:mailto:room302@example.com\r\n"
                "ATTENDEE;ROLE=NON-PARTICIPANT;CN=FYI:mailto:fyi@example.com"
                "\r\n",
            .desc = PRE_EN},
     .want = "", .counted = 8},
    {.name = "a duplicate attendee counts once", .now = PRE_NOW,
     .ev = {.att = DEF_ATT ATT_7
                "ATTENDEE;CN=Li Si:MAILTO:LiSi@Example.com\r\n"
                "ATTENDEE:mailto:guest1@example.com\r\n",
            .desc = PRE_EN},
     .want = "", .counted = 8},
    /* 5 */
    {.name = "CUTYPE=INDIVIDUAL and GROUP count", .now = PRE_NOW,
     .ev = {.att = DEF_ATT ATT_7
                "ATTENDEE;CUTYPE=GROUP:mailto:team@example.com\r\n",
            .desc = PRE_ZH},
     .want = "participant-limit(9,8)", .show = SHOW_N, .counted = 9},
    {.name = "max-participants = 4 from the policy", .now = PRE_NOW,
     .policy = "[meeting]\nmax-participants = 4\n",
     .ev = {.desc = PRE_EN},
     .want = "participant-limit!warning(5,4) =>warning",
     .show = SHOW_N | SHOW_MODE, .counted = 5},
    {.name = "max-participants = 5 from the policy", .now = PRE_NOW,
     .policy = "[meeting]\nmax-participants = 5\n",
     .ev = {.desc = PRE_EN}, .want = "", .counted = 5},
    {.name = "max-participants = 12, 9 participants", .now = PRE_NOW,
     .policy = "[meeting]\nmax-participants = 12\n",
     .ev = {.att = DEF_ATT ATT_8, .desc = PRE_EN}, .want = "",
     .counted = 9},
};

/* ---- agenda-missing, agenda-lead-time ----------------------------------- */

#define AGENDA_DUE "2023-06-23T02:00:00Z"
#define STAMP_AGENDA(t) "X-CALSTEWARD-AGENDA-SENT:" t "\r\n" \
    "X-CALSTEWARD-MATERIALS-SENT:20230619T000000Z\r\n"

static const rule_case agenda_cases[] = {
    {.name = "no agenda, before its deadline", .now = PRE_NOW,
     .ev = {.desc = GOAL_EN MATERIALS_EN},
     .want = "agenda-missing@" AGENDA_DUE "!info =>info",
     .show = SHOW_DUE | SHOW_MODE},
    {.name = "无议程, 截止前", .now = PRE_NOW,
     .ev = {.desc = GOAL_ZH MATERIALS_ZH},
     .want = "agenda-missing@" AGENDA_DUE, .show = SHOW_DUE},
    {.name = "no agenda, now exactly at the deadline", .now = AGENDA_DUE,
     .ev = {.desc = GOAL_EN MATERIALS_EN},
     .want = "agenda-missing@" AGENDA_DUE, .show = SHOW_DUE},
    {.name = "no agenda, now one second past the deadline",
     .now = "2023-06-23T02:00:01Z", .ev = {.desc = GOAL_EN MATERIALS_EN},
     .want = "agenda-missing@" AGENDA_DUE "!info agenda-lead-time@"
             AGENDA_DUE "!warning =>warning",
     .show = SHOW_DUE | SHOW_MODE},
    {.name = "议程标题下没有议程项, 已过截止", .now = "2023-06-24T00:00:00Z",
     .ev = {.desc = GOAL_ZH "议程：待定\n" MATERIALS_ZH},
     .want = "agenda-missing@" AGENDA_DUE " agenda-lead-time@" AGENDA_DUE,
     .show = SHOW_DUE},
    /* 5 */
    {.name = "agenda stamped exactly 3 days before", .now = PRE_NOW,
     .ev = {.stamps = STAMP_AGENDA("20230623T020000Z"), .desc = PRE_EN},
     .want = ""},
    {.name = "agenda stamped one second later", .now = PRE_NOW,
     .ev = {.stamps = STAMP_AGENDA("20230623T020001Z"), .desc = PRE_EN},
     .want = "agenda-lead-time@" AGENDA_DUE, .show = SHOW_DUE},
    {.name = "议程恰在3天前发出", .now = "2023-06-25T00:00:00Z",
     .ev = {.stamps = STAMP_AGENDA("20230623T020000Z"), .desc = PRE_ZH},
     .want = ""},
    {.name = "议程晚一秒发出", .now = "2023-06-25T00:00:00Z",
     .ev = {.stamps = STAMP_AGENDA("20230623T020001Z"), .desc = PRE_ZH},
     .want = "agenda-lead-time@" AGENDA_DUE, .show = SHOW_DUE},
    {.name = "no stamp: now at the deadline is on time", .now = AGENDA_DUE,
     .ev = {.stamps = "X-CALSTEWARD-MATERIALS-SENT:20230619T000000Z\r\n",
            .desc = PRE_EN},
     .want = ""},
    /* 10 */
    {.name = "no stamp: now one second late",
     .now = "2023-06-23T02:00:01Z",
     .ev = {.stamps = "X-CALSTEWARD-MATERIALS-SENT:20230619T000000Z\r\n",
            .desc = PRE_EN},
     .want = "agenda-lead-time@" AGENDA_DUE, .show = SHOW_DUE},
    {.name = "a stamp without agenda items: now counts",
     .now = "2023-06-23T02:00:01Z",
     .ev = {.stamps = STAMP_AGENDA("20230619T000000Z"),
            .desc = GOAL_EN MATERIALS_EN},
     .want = "agenda-missing agenda-lead-time"},
    {.name = "urgent among several CATEGORIES values",
     .now = "2023-06-25T00:00:00Z",
     .ev = {.stamps = STAMP_AGENDA("20230624T000000Z"),
            .extra = "CATEGORIES:Planning,URGENT,Finance\r\n",
            .desc = PRE_EN},
     .want = ""},
    {.name = "紧急 in a second CATEGORIES property",
     .now = "2023-06-25T00:00:00Z",
     .ev = {.stamps = STAMP_AGENDA("20230624T000000Z"),
            .extra = "CATEGORIES:项目\r\nCATEGORIES:紧急\r\n",
            .desc = PRE_ZH},
     .want = ""},
    {.name = "urgent skips the lead time, not agenda-missing",
     .now = "2023-06-25T00:00:00Z",
     .ev = {.extra = "CATEGORIES:Urgent\r\n", .desc = GOAL_EN MATERIALS_EN},
     .want = "agenda-missing@" AGENDA_DUE, .show = SHOW_DUE},
    /* 15 */
    {.name = "紧急会议仍报无议程", .now = "2023-06-25T00:00:00Z",
     .ev = {.extra = "CATEGORIES:紧急\r\n", .desc = GOAL_ZH MATERIALS_ZH},
     .want = "agenda-missing"},
    {.name = "a category only containing the word is not urgent",
     .now = "2023-06-25T00:00:00Z",
     .ev = {.stamps = STAMP_AGENDA("20230624T000000Z"),
            .extra = "CATEGORIES:not urgent,urgently\r\n", .desc = PRE_EN},
     .want = "agenda-lead-time"},
    {.name = "urgent-categories from the policy replace the defaults",
     .now = "2023-06-25T00:00:00Z",
     .policy = "[meeting]\nurgent-categories = hot, 火急\n",
     .ev = {.stamps = STAMP_AGENDA("20230624T000000Z"),
            .extra = "CATEGORIES:urgent\r\n", .desc = PRE_EN},
     .want = "agenda-lead-time"},
    {.name = "火急 from the policy is urgent", .now = "2023-06-25T00:00:00Z",
     .policy = "[meeting]\nurgent-categories = hot, 火急\n",
     .ev = {.stamps = STAMP_AGENDA("20230624T000000Z"),
            .extra = "CATEGORIES:会议,火急\r\n", .desc = PRE_ZH},
     .want = ""},
    {.name = "agenda-min-days = 5 moves the deadline", .now = PRE_NOW,
     .policy = "[lead-times]\nagenda-min-days = 5\n",
     .ev = {.desc = GOAL_EN MATERIALS_EN},
     .want = "agenda-missing@2023-06-21T02:00:00Z(5,0)",
     .show = SHOW_DUE | SHOW_N},
    /* 20 */
    {.name = "agenda-min-days = 7: the stamp of the 19th is late",
     .now = PRE_NOW,
     .policy = "[lead-times]\nagenda-max-days = 10\nagenda-min-days = 7\n",
     .ev = {.stamps = STAMP_AGENDA("20230619T020001Z"), .desc = PRE_EN},
     .want = "agenda-lead-time@2023-06-19T02:00:00Z", .show = SHOW_DUE},
};

/* ---- materials ---------------------------------------------------------- */

#define MAT_DUE "2023-06-24T02:00:00Z"
#define STAMP_MAT(t) "X-CALSTEWARD-AGENDA-SENT:20230619T000000Z\r\n" \
    "X-CALSTEWARD-MATERIALS-SENT:" t "\r\n"
#define ATTACH_LINE "ATTACH:https://drive.example.com/budget-q3.xlsx\r\n"

static const rule_case materials_cases[] = {
    {.name = "no materials", .now = PRE_NOW,
     .ev = {.desc = GOAL_EN AGENDA_EN},
     .want = "materials-missing@" MAT_DUE "!info(2,0) =>info",
     .show = SHOW_DUE | SHOW_MODE | SHOW_N},
    {.name = "无材料", .now = PRE_NOW, .ev = {.desc = GOAL_ZH AGENDA_ZH},
     .want = "materials-missing@" MAT_DUE, .show = SHOW_DUE},
    {.name = "no materials, past the deadline: missing only",
     .now = "2023-06-25T00:00:00Z", .ev = {.desc = GOAL_EN AGENDA_EN},
     .want = "materials-missing@" MAT_DUE, .show = SHOW_DUE},
    {.name = "an ATTACH counts as materials", .now = PRE_NOW,
     .ev = {.extra = ATTACH_LINE, .desc = GOAL_EN AGENDA_EN},
     .want = ""},
    {.name = "Pre-read heading", .now = PRE_NOW,
     .ev = {.desc = GOAL_EN AGENDA_EN "Pre-read:\nthe Q3 forecast\n"},
     .want = ""},
    /* 5 */
    {.name = "背景资料 heading", .now = PRE_NOW,
     .ev = {.desc = GOAL_ZH AGENDA_ZH "背景资料：\n三季度预测\n"},
     .want = ""},
    {.name = "materials stamped exactly 2 days before",
     .now = "2023-06-25T00:00:00Z",
     .ev = {.stamps = STAMP_MAT("20230624T020000Z"), .desc = PRE_EN},
     .want = ""},
    {.name = "materials stamped one second later",
     .now = "2023-06-25T00:00:00Z",
     .ev = {.stamps = STAMP_MAT("20230624T020001Z"), .desc = PRE_EN},
     .want = "materials-lead-time@" MAT_DUE "!warning(2,0) =>warning",
     .show = SHOW_DUE | SHOW_MODE | SHOW_N},
    {.name = "材料晚一秒发出", .now = "2023-06-25T00:00:00Z",
     .ev = {.stamps = STAMP_MAT("20230624T020001Z"), .desc = PRE_ZH},
     .want = "materials-lead-time@" MAT_DUE, .show = SHOW_DUE},
    {.name = "ATTACH stamped one second late",
     .now = "2023-06-25T00:00:00Z",
     .ev = {.stamps = STAMP_MAT("20230624T020001Z"), .extra = ATTACH_LINE,
            .desc = GOAL_EN AGENDA_EN},
     .want = "materials-lead-time@" MAT_DUE, .show = SHOW_DUE},
    /* 10 */
    {.name = "no stamp, now at the deadline", .now = MAT_DUE,
     .ev = {.stamps = "X-CALSTEWARD-AGENDA-SENT:20230619T000000Z\r\n",
            .desc = PRE_EN},
     .want = ""},
    {.name = "no stamp, now one second late", .now = "2023-06-24T02:00:01Z",
     .ev = {.stamps = "X-CALSTEWARD-AGENDA-SENT:20230619T000000Z\r\n",
            .desc = PRE_ZH},
     .want = "materials-lead-time@" MAT_DUE, .show = SHOW_DUE},
    {.name = "urgent skips materials-lead-time",
     .now = "2023-06-25T00:00:00Z",
     .ev = {.stamps = STAMP_MAT("20230624T020001Z"),
            .extra = "CATEGORIES:Finance,urgent\r\n", .desc = PRE_EN},
     .want = ""},
    {.name = "紧急: 不报材料延迟, 仍报无材料",
     .now = "2023-06-25T00:00:00Z",
     .ev = {.extra = "CATEGORIES:紧急\r\n", .desc = GOAL_ZH AGENDA_ZH},
     .want = "materials-missing"},
    {.name = "materials-min-days = 1", .now = "2023-06-25T00:00:00Z",
     .policy = "[lead-times]\nmaterials-min-days = 1\n",
     .ev = {.stamps = STAMP_MAT("20230624T020001Z"), .desc = PRE_EN},
     .want = ""},
    /* 15 */
    {.name = "an empty Materials heading is no materials", .now = PRE_NOW,
     .ev = {.desc = GOAL_EN AGENDA_EN "Materials:\n"},
     .want = "materials-missing"},
};

/* ---- goal --------------------------------------------------------------- */

static const rule_case goal_cases[] = {
    {.name = "no goal", .now = PRE_NOW, .ev = {.desc = AGENDA_EN MATERIALS_EN},
     .want = "goal-missing!warning =>warning", .show = SHOW_MODE},
    {.name = "没有目标", .now = PRE_NOW,
     .ev = {.desc = AGENDA_ZH MATERIALS_ZH}, .want = "goal-missing"},
    {.name = "an empty goal heading", .now = PRE_NOW,
     .ev = {.desc = "Goal:\n" AGENDA_EN MATERIALS_EN},
     .want = "goal-missing"},
    {.name = "discuss budget", .now = PRE_NOW,
     .ev = {.desc = "Goal: discuss budget\n" AGENDA_EN MATERIALS_EN},
     .want = "goal-vague!info'discuss budget' =>info",
     .show = SHOW_MODE | SHOW_TEXT},
    {.name = "讨论预算", .now = PRE_NOW,
     .ev = {.desc = "目标：讨论预算\n" AGENDA_ZH MATERIALS_ZH},
     .want = "goal-vague'讨论预算'", .show = SHOW_TEXT},
    /* 5 */
    {.name = "decide the Q3 budget split", .now = PRE_NOW,
     .ev = {.desc = "Goal: decide the Q3 budget split\n" AGENDA_EN
                    MATERIALS_EN},
     .want = ""},
    {.name = "确定Q3预算分配方案", .now = PRE_NOW,
     .ev = {.desc = "目标：确定Q3预算分配方案\n" AGENDA_ZH MATERIALS_ZH},
     .want = ""},
    {.name = "Review and approve the plan", .now = PRE_NOW,
     .ev = {.desc = "Objective: Review and approve the plan\n" AGENDA_EN
                    MATERIALS_EN},
     .want = ""},
    {.name = "Purpose: sync on hiring (next line)", .now = PRE_NOW,
     .ev = {.desc = "Purpose:\nSync on hiring\n" AGENDA_EN MATERIALS_EN},
     .want = "goal-vague"},
    {.name = "会议目标：沟通项目进度", .now = PRE_NOW,
     .ev = {.desc = "会议目标：沟通项目进度\n" AGENDA_ZH MATERIALS_ZH},
     .want = "goal-vague"},
    /* 10 */
    {.name = "Discuss and agree on the Q3 split", .now = PRE_NOW,
     .ev = {.desc = "Goal: Discuss and agree on the Q3 split\n" AGENDA_EN
                    MATERIALS_EN},
     .want = ""},
    {.name = "讨论并确定预算分配", .now = PRE_NOW,
     .ev = {.desc = "目标：讨论并确定预算分配\n" AGENDA_ZH MATERIALS_ZH},
     .want = ""},
    {.name = "汇报并确认上线计划", .now = PRE_NOW,
     .ev = {.desc = "会议目标：汇报并确认上线计划\n" AGENDA_ZH MATERIALS_ZH},
     .want = ""},
    {.name = "an activity verb not at the start", .now = PRE_NOW,
     .ev = {.desc = "Goal: Q3 budget, to discuss\n" AGENDA_EN MATERIALS_EN},
     .want = ""},
    {.name = "Reviewer onboarding is no activity verb", .now = PRE_NOW,
     .ev = {.desc = "Goal: Reviewer onboarding plan\n" AGENDA_EN
                    MATERIALS_EN},
     .want = ""},
    {.name = "markdown heading **Goal**", .now = PRE_NOW,
     .ev = {.desc = "**Goal**\nbrainstorm names\n" AGENDA_EN MATERIALS_EN},
     .want = "goal-vague"},
};

/* ---- agenda items ------------------------------------------------------- */

static const rule_case item_cases[] = {
    {.name = "items lacking owner or duration", .now = PRE_NOW,
     .ev = {.desc = GOAL_EN MATERIALS_EN
                    "Agenda:\n"
                    "1. Intro (10 min, Li Si)\n"
                    "2. Budget (30 min)\n"
                    "3. Hiring (Sun Qi)\n"
                    "4. AOB\n"},
     .want = "agenda-item-incomplete#2!warning(2,0)'Budget' "
             "agenda-item-incomplete#3!warning(1,0)'Hiring' "
             "agenda-item-incomplete#4!warning(3,0)'AOB' =>warning",
     .show = SHOW_MODE | SHOW_N | SHOW_TEXT},
    {.name = "议程项缺时长或负责人", .now = PRE_NOW,
     .ev = {.desc = GOAL_ZH MATERIALS_ZH
                    "议程：\n"
                    "1、回顾（10分钟）\n"
                    "2、预算（30分钟，王五）\n"
                    "3、招聘（赵六）\n"},
     .want = "agenda-item-incomplete#1(2,0) agenda-item-incomplete#3(1,0)",
     .show = SHOW_N},
    {.name = "owners resolved every way", .now = PRE_NOW,
     .ev = {.desc = GOAL_EN MATERIALS_EN
                    "Agenda:\n"
                    "1. Welcome (5 min, host)\n"
                    "2. Numbers (5 min, li si)\n"
                    "3. Risks (5 min, LiSi)\n"
                    "4. Hiring (5 min, LISI@EXAMPLE.COM)\n"
                    "5. Office (5 min, qi.sun)\n"
                    "6. Vendors (5 min, @qi.sun)\n"
                    "7. Travel (5 min, SUNQI)\n"
                    "8. Wrap-up (5 min, Chair)\n"},
     .want = ""},
    {.name = "负责人解析：主持人、中文名、@地址", .now = PRE_NOW,
     .ev = {.desc = GOAL_ZH MATERIALS_ZH
                    "议程：\n"
                    "1、开场（5分钟，主持人）\n"
                    "2、预算（20分钟，王五）\n"
                    "3、招聘（10分钟，@zhaoliu）\n"
                    "4、总结（5分钟，zhangsan）\n"},
     .want = ""},
    {.name = "an owner who is no participant", .now = PRE_NOW,
     .ev = {.desc = GOAL_EN MATERIALS_EN
                    "Agenda:\n"
                    "1. Intro (10 min, Li Si)\n"
                    "2. Budget (20 min, Zhou Ba)\n"
                    "3. Hiring (10 min, @zhouba)\n"},
     .want = "agenda-owner-unknown#2!info'Zhou Ba' "
             "agenda-owner-unknown#3!info'@zhouba' =>info",
     .show = SHOW_MODE | SHOW_TEXT},
    /* 5 */
    {.name = "负责人不是参会者", .now = PRE_NOW,
     .ev = {.desc = GOAL_ZH MATERIALS_ZH
                    "议程：\n"
                    "1、回顾（10分钟，王五）\n"
                    "2、预算（20分钟，周八）\n"},
     .want = "agenda-owner-unknown#2'周八'", .show = SHOW_TEXT},
    {.name = "a room owns no agenda item", .now = PRE_NOW,
     .ev = {.desc = GOAL_EN MATERIALS_EN
                    "Agenda:\n"
                    "1. Intro (10 min, Li Si)\n"
                    "2. Tour (10 min, Room 301)\n"},
     .want = "agenda-owner-unknown#2'Room 301'", .show = SHOW_TEXT},
    {.name = "a non-participant owns no agenda item", .now = PRE_NOW,
     .ev = {.att = DEF_ATT "ATTENDEE;ROLE=NON-PARTICIPANT;CN=Zhou Ba:"
                           "mailto:zhouba@example.com\r\n",
            .desc = GOAL_ZH MATERIALS_ZH
                    "议程：\n"
                    "1、回顾（10分钟，王五）\n"
                    "2、预算（20分钟，zhouba@example.com）\n"},
     .want = "agenda-owner-unknown#2'zhouba@example.com'",
     .show = SHOW_TEXT},
    {.name = "sum + buffer one minute over", .now = PRE_NOW,
     .ev = {.desc = GOAL_EN MATERIALS_EN
                    "Agenda:\n"
                    "1. Intro (10 min, Li Si)\n"
                    "2. Budget (41 min, Sun Qi)\n"},
     .want = "agenda-overrun!warning(61,60) =>warning",
     .show = SHOW_MODE | SHOW_N},
    {.name = "sum + buffer exactly the length", .now = PRE_NOW,
     .ev = {.desc = GOAL_EN MATERIALS_EN
                    "Agenda:\n"
                    "1. Intro (10 min, Li Si)\n"
                    "2. Budget (40 min, Sun Qi)\n"},
     .want = ""},
    {.name = "议程超时：1小时 + 10分钟缓冲", .now = PRE_NOW,
     .ev = {.desc = GOAL_ZH MATERIALS_ZH
                    "议程：\n"
                    "1、预算（1小时，王五）\n"},
     .want = "agenda-overrun(70,60)", .show = SHOW_N},
    /* 10 */
    {.name = "议程正好：半小时 + 20分钟", .now = PRE_NOW,
     .ev = {.desc = GOAL_ZH MATERIALS_ZH
                    "议程：\n"
                    "1、预算（半小时，王五）\n"
                    "2、招聘（20分钟，赵六）\n"},
     .want = ""},
    {.name = "buffer-minutes = 11 from the policy", .now = PRE_NOW,
     .policy = "[meeting]\nbuffer-minutes = 11\n",
     .ev = {.desc = GOAL_EN MATERIALS_EN
                    "Agenda:\n"
                    "1. Intro (10 min, Li Si)\n"
                    "2. Budget (40 min, Sun Qi)\n"},
     .want = "agenda-overrun(61,60)", .show = SHOW_N},
    {.name = "buffer-minutes = 0 from the policy", .now = PRE_NOW,
     .policy = "[meeting]\nbuffer-minutes = 0\n",
     .ev = {.desc = GOAL_EN MATERIALS_EN
                    "Agenda:\n"
                    "1. Intro (10 min, Li Si)\n"
                    "2. Budget (50 min, Sun Qi)\n"},
     .want = ""},
    {.name = "a 45-minute meeting by DURATION", .now = PRE_NOW,
     .ev = {.end = "", .extra = "DURATION:PT45M\r\n", .desc = PRE_EN},
     .want = "agenda-overrun(50,45)", .show = SHOW_N},
    {.name = "items without duration count nothing", .now = PRE_NOW,
     .ev = {.desc = GOAL_EN MATERIALS_EN
                    "Agenda:\n"
                    "1. Intro (50 min, Li Si)\n"
                    "2. Budget (Sun Qi)\n"},
     .want = "agenda-item-incomplete#2"},
};

/* ---- after the meeting -------------------------------------------------- */

#define MIN_DUE "2023-06-27T03:00:00Z"
#define POST_NOW "2023-06-27T00:00:00Z"
#define STAMP_MIN(t) DEF_STAMPS "X-CALSTEWARD-MINUTES-SENT:" t "\r\n"

static const rule_case after_cases[] = {
    {.name = "no minutes, 24 h after the end exactly", .now = MIN_DUE,
     .ev = {.desc = PRE_EN}, .want = ""},
    {.name = "no minutes, one second later", .now = "2023-06-27T03:00:01Z",
     .ev = {.desc = PRE_EN},
     .want = "minutes-overdue@" MIN_DUE "!warning(24,0) =>warning",
     .show = SHOW_DUE | SHOW_MODE | SHOW_N},
    {.name = "无纪要, 晚一秒", .now = "2023-06-27T03:00:01Z",
     .ev = {.desc = PRE_ZH}, .want = "minutes-overdue@" MIN_DUE,
     .show = SHOW_DUE},
    {.name = "minutes-max-hours = 48", .now = "2023-06-27T03:00:01Z",
     .policy = "[lead-times]\nminutes-max-hours = 48\n",
     .ev = {.desc = PRE_EN}, .want = ""},
    {.name = "minutes-max-hours = 48, one second past",
     .now = "2023-06-28T03:00:01Z",
     .policy = "[lead-times]\nminutes-max-hours = 48\n",
     .ev = {.desc = PRE_EN},
     .want = "minutes-overdue@2023-06-28T03:00:00Z", .show = SHOW_DUE},
    /* 5 */
    {.name = "minutes stamped exactly 24 h after",
     .now = "2023-06-29T00:00:00Z",
     .ev = {.stamps = STAMP_MIN("20230627T030000Z"),
            .desc = PRE_EN MINUTES_EN NEXT_EN},
     .want = ""},
    {.name = "minutes stamped one second later",
     .now = "2023-06-29T00:00:00Z",
     .ev = {.stamps = STAMP_MIN("20230627T030001Z"),
            .desc = PRE_EN MINUTES_EN NEXT_EN},
     .want = "minutes-late@" MIN_DUE "!warning(24,0) =>warning",
     .show = SHOW_DUE | SHOW_MODE | SHOW_N},
    {.name = "纪要恰在24小时发出", .now = "2023-06-29T00:00:00Z",
     .ev = {.stamps = STAMP_MIN("20230627T030000Z"),
            .desc = PRE_ZH MINUTES_ZH NEXT_ZH},
     .want = ""},
    {.name = "纪要晚一秒发出", .now = "2023-06-29T00:00:00Z",
     .ev = {.stamps = STAMP_MIN("20230627T030001Z"),
            .desc = PRE_ZH MINUTES_ZH NEXT_ZH},
     .want = "minutes-late@" MIN_DUE, .show = SHOW_DUE},
    {.name = "minutes without stamp, now at the deadline", .now = MIN_DUE,
     .ev = {.desc = PRE_EN MINUTES_EN NEXT_EN}, .want = ""},
    /* 10 */
    {.name = "minutes without stamp, now one second late",
     .now = "2023-06-27T03:00:01Z",
     .ev = {.desc = PRE_EN MINUTES_EN NEXT_EN},
     .want = "minutes-late@" MIN_DUE, .show = SHOW_DUE},
    {.name = "minutes holding only the next meeting are minutes",
     .now = "2023-06-27T03:00:01Z",
     .ev = {.desc = PRE_EN "Meeting minutes:\nNext meeting: 2023-07-07\n"},
     .want = "minutes-late"},
    {.name = "action items lacking owner, due or deliverable",
     .now = POST_NOW,
     .ev = {.desc = PRE_EN
                    "Minutes:\nWe compared options A and B.\n"
                    "Action items:\n"
                    "1. Send the final table — Li Si — 2023-06-30 — "
                    "table on the drive\n"
                    "2. Call the vendor — Sun Qi — — notes shared\n"
                    "3. Book the room — Li Si — 2023-07-03\n"
                    "4. Update the roadmap — — 2023-07-03 — roadmap page\n"
                    NEXT_EN},
     .want = "action-item-incomplete#2!warning(2,0)'Call the vendor' "
             "action-item-incomplete#3!warning(4,0)'Book the room' "
             "action-item-incomplete#4!warning(1,0)'Update the roadmap' "
             "=>warning",
     .show = SHOW_MODE | SHOW_N | SHOW_TEXT},
    {.name = "行动项缺负责人、截止或交付标准（表格）", .now = POST_NOW,
     .ev = {.desc = PRE_ZH
                    "会议纪要：\n讨论了预算。\n"
                    "行动项：\n"
                    "| 任务 | 负责人 | 截止日期 | 交付标准 |\n"
                    "|---|---|---|---|\n"
                    "| 整理预算表 | 王五 | 6月30日 | 共享盘上的预算表 |\n"
                    "| 联系供应商 | 赵六 | 7月3日 | |\n"
                    "| 更新路线图 | | 7月5日 | 新版路线图 |\n"
                    "| 预订会议室 | 王五 | | 会议室确认邮件 |\n"
                    NEXT_ZH},
     .want = "action-item-incomplete#2(4,0) action-item-incomplete#3(1,0) "
             "action-item-incomplete#4(2,0)",
     .show = SHOW_N},
    {.name = "行动项（标签字段）缺截止", .now = POST_NOW,
     .ev = {.desc = PRE_ZH MINUTES_ZH
                    "2、任务：联系供应商；负责人：赵六；交付标准：询价单\n"
                    NEXT_ZH},
     .want = "action-item-incomplete#2(2,0)", .show = SHOW_N},
    {.name = "action owner no participant", .now = POST_NOW,
     .ev = {.desc = PRE_EN MINUTES_EN
                    "2. Draft the memo — Zhou Ba — 2023-07-03 — memo draft\n"
                    "3. Check the numbers — li si — 2023-07-03 — "
                    "checked sheet\n"
                    NEXT_EN},
     .want = "action-owner-unknown#2!warning'Zhou Ba' =>warning",
     .show = SHOW_MODE | SHOW_TEXT},
    /* 15 */
    {.name = "行动项负责人不是参会者", .now = POST_NOW,
     .ev = {.desc = PRE_ZH MINUTES_ZH
                    "2、任务：起草备忘录；负责人：周八；截止：7月3日；"
                    "交付标准：备忘录草稿\n"
                    NEXT_ZH},
     .want = "action-owner-unknown#2'周八'", .show = SHOW_TEXT},
    {.name = "minutes without next meeting", .now = POST_NOW,
     .ev = {.desc = PRE_EN MINUTES_EN},
     .want = "next-meeting-missing!info =>info", .show = SHOW_MODE},
    {.name = "纪要没有下次会议", .now = POST_NOW,
     .ev = {.desc = PRE_ZH MINUTES_ZH}, .want = "next-meeting-missing"},
    {.name = "Next meeting: TBD has no date", .now = POST_NOW,
     .ev = {.desc = PRE_EN MINUTES_EN "Next meeting: TBD\n"},
     .want = "next-meeting-missing"},
    {.name = "下次会议：待定", .now = POST_NOW,
     .ev = {.desc = PRE_ZH MINUTES_ZH "下次会议：待定\n"},
     .want = "next-meeting-missing"},
    /* 20 */
    {.name = "Next meeting: 2023-07-07", .now = POST_NOW,
     .ev = {.desc = PRE_EN MINUTES_EN "Next meeting: 2023-07-07\n"},
     .want = ""},
    {.name = "下次会议：7月7日", .now = POST_NOW,
     .ev = {.desc = PRE_ZH MINUTES_ZH "下次会议：7月7日\n"}, .want = ""},
    {.name = "pre-meeting rules do not fire after the meeting",
     .now = "2023-06-27T03:00:01Z", .ev = {.desc = ""},
     .want = "minutes-overdue"},
    {.name = "post-meeting rules do not fire before it", .now = PRE_NOW,
     .ev = {.desc = PRE_EN
                    "Minutes:\nAction items:\n"
                    "1. Call the vendor — Zhou Ba\n"},
     .want = ""},
    {.name = "nothing while the meeting runs", .now = "2023-06-26T02:30:00Z",
     .ev = {.desc = "Minutes:\nAction items:\n1. Call the vendor — Zhou Ba\n"},
     .want = ""},
    /* 25 */
    {.name = "nothing at DTSTART", .now = "2023-06-26T02:00:00Z",
     .ev = {.desc = "Minutes:\nAction items:\n1. Call the vendor — Zhou Ba\n"},
     .want = ""},
    {.name = "one second before DTSTART: pre-meeting rules",
     .now = "2023-06-26T01:59:59Z",
     .ev = {.desc = "Minutes:\nAction items:\n1. Call the vendor — Zhou Ba\n"},
     .want = "agenda-missing agenda-lead-time materials-missing "
             "goal-missing"},
    {.name = "one second before DTEND: nothing",
     .now = "2023-06-26T02:59:59Z",
     .ev = {.desc = "Minutes:\nAction items:\n1. Call the vendor — Zhou Ba\n"},
     .want = ""},
    {.name = "at DTEND: post-meeting rules", .now = "2023-06-26T03:00:00Z",
     .ev = {.desc = "Minutes:\nAction items:\n1. Call the vendor — Zhou Ba\n"},
     .want = "action-item-incomplete#1(6,0) action-owner-unknown#1(0,0) "
             "next-meeting-missing(0,0)",
     .show = SHOW_N},
};

/* ---- rule modes from the policy ----------------------------------------- */

static const rule_case mode_cases[] = {
    {.name = "goal-missing = off", .now = PRE_NOW,
     .policy = "[rules]\ngoal-missing = off\n",
     .ev = {.desc = AGENDA_EN MATERIALS_EN}, .want = " =>off",
     .show = SHOW_MODE},
    {.name = "goal-missing = enforce", .now = PRE_NOW,
     .policy = "; team policy\n[rules]\ngoal-missing = enforce\n",
     .ev = {.desc = AGENDA_EN MATERIALS_EN},
     .want = "goal-missing!error =>error", .show = SHOW_MODE},
    {.name = "enforce one, others keep their defaults",
     .now = "2023-06-24T00:00:00Z",
     .policy = "[rules]\nagenda-lead-time = enforce\n"
               "agenda-missing = warning\n",
     .ev = {.desc = GOAL_ZH MATERIALS_ZH},
     .want = "agenda-missing!warning agenda-lead-time!error =>error",
     .show = SHOW_MODE},
    {.name = "lead-time rules off, missing kept",
     .now = "2023-06-25T00:00:00Z",
     .policy = "[rules]\nagenda-lead-time = off\n"
               "materials-lead-time = off\n",
     .ev = {.stamps = "", .desc = GOAL_EN "Materials: deck\n"},
     .want = "agenda-missing!info =>info", .show = SHOW_MODE},
    {.name = "next-meeting-missing = warning, minutes-late = off",
     .now = "2023-06-28T00:00:00Z",
     .policy = "[rules]\nnext-meeting-missing = warning\n"
               "minutes-late = off\n",
     .ev = {.desc = PRE_ZH MINUTES_ZH},
     .want = "next-meeting-missing!warning =>warning", .show = SHOW_MODE},
    /* 5 */
    {.name = "action rules enforced", .now = POST_NOW,
     .policy = "[rules]\naction-item-incomplete = enforce\n"
               "action-owner-unknown = info\n",
     .ev = {.desc = PRE_EN MINUTES_EN
                    "2. Draft the memo — Zhou Ba — 2023-07-03\n" NEXT_EN},
     .want = "action-item-incomplete#2!error "
             "action-owner-unknown#2!info =>error",
     .show = SHOW_MODE},
};

/* ---- recurrence and time zones ------------------------------------------ */

#define WEEKLY_START "20230605T020000Z"
#define WEEKLY_END "20230605T030000Z"
#define WEEKLY "RRULE:FREQ=WEEKLY;COUNT=8\r\n"
#define REC_NOW "2023-06-21T00:00:00Z"
/* 2023-06-21: the next occurrence is 06-26 (agenda due 06-23), the last
 * one ended 06-19 03:00 (minutes due 06-20 03:00). */

static const rule_case recur_cases[] = {
    {.name = "weekly: next and last occurrence", .now = REC_NOW,
     .ev = {.start = WEEKLY_START, .end = WEEKLY_END, .stamps = "",
            .extra = WEEKLY, .desc = GOAL_EN MATERIALS_EN},
     .want = "agenda-missing@2023-06-23T02:00:00Z/20230626T020000Z "
             "minutes-overdue@2023-06-20T03:00:00Z/20230619T020000Z",
     .show = SHOW_DUE | SHOW_RID},
    {.name = "weekly: the next occurrence EXDATE'd", .now = REC_NOW,
     .ev = {.start = WEEKLY_START, .end = WEEKLY_END, .stamps = "",
            .extra = WEEKLY "EXDATE:20230626T020000Z\r\n",
            .desc = GOAL_EN MATERIALS_EN},
     .want = "agenda-missing@2023-06-30T02:00:00Z/20230703T020000Z "
             "minutes-overdue@2023-06-20T03:00:00Z/20230619T020000Z",
     .show = SHOW_DUE | SHOW_RID},
    {.name = "weekly: the last occurrence EXDATE'd", .now = REC_NOW,
     .ev = {.start = WEEKLY_START, .end = WEEKLY_END, .stamps = "",
            .extra = WEEKLY "EXDATE:20230619T020000Z\r\n",
            .desc = GOAL_EN MATERIALS_EN},
     .want = "agenda-missing@2023-06-23T02:00:00Z/20230626T020000Z "
             "minutes-overdue@2023-06-13T03:00:00Z/20230612T020000Z",
     .show = SHOW_DUE | SHOW_RID},
    {.name = "weekly, ended: post-meeting only", .now = REC_NOW,
     .ev = {.start = WEEKLY_START, .end = WEEKLY_END, .stamps = "",
            .extra = "RRULE:FREQ=WEEKLY;UNTIL=20230619T020000Z\r\n",
            .desc = GOAL_EN MATERIALS_EN},
     .want = "minutes-overdue@2023-06-20T03:00:00Z/20230619T020000Z",
     .show = SHOW_DUE | SHOW_RID},
    {.name = "weekly: lead time against the next occurrence",
     .now = "2023-06-23T02:00:01Z",
     .ev = {.start = WEEKLY_START, .end = WEEKLY_END, .stamps = "",
            .extra = WEEKLY, .desc = PRE_EN MINUTES_EN NEXT_EN},
     .want = "agenda-lead-time@2023-06-23T02:00:00Z/20230626T020000Z "
             "minutes-late@2023-06-20T03:00:00Z/20230619T020000Z",
     .show = SHOW_DUE | SHOW_RID},
    /* 5 */
    {.name = "an override checked as its own occurrence", .now = REC_NOW,
     .ev = {.start = WEEKLY_START, .end = WEEKLY_END, .stamps = "",
            .extra = WEEKLY, .desc = GOAL_EN MATERIALS_EN},
     .ov = {.rid = ":20230626T020000Z", .start = "20230627T060000Z",
            .end = "20230627T070000Z", .stamps = "",
            .desc = "目标：讨论预算\n" MATERIALS_ZH},
     .want = "0:agenda-missing@2023-06-30T02:00:00Z/20230703T020000Z "
             "0:minutes-overdue@2023-06-20T03:00:00Z/20230619T020000Z "
             "1:agenda-missing@2023-06-24T06:00:00Z/20230626T020000Z "
             "1:goal-vague/20230626T020000Z",
     .show = SHOW_DUE | SHOW_RID},
    {.name = "a cancelled override: nothing for it, master skips it",
     .now = REC_NOW,
     .ev = {.start = WEEKLY_START, .end = WEEKLY_END,
            .stamps = "X-CALSTEWARD-MINUTES-SENT:20230619T080000Z\r\n",
            .extra = WEEKLY,
            .desc = GOAL_EN MATERIALS_EN MINUTES_EN NEXT_EN},
     .ov = {.rid = ":20230626T020000Z", .extra = "STATUS:CANCELLED\r\n",
            .desc = ""},
     .want = "0:agenda-missing@2023-06-30T02:00:00Z/20230703T020000Z",
     .show = SHOW_DUE | SHOW_RID},
    {.name = "an override of the last one gets the post-meeting checks",
     .now = REC_NOW,
     .ev = {.start = WEEKLY_START, .end = WEEKLY_END, .stamps = "",
            .extra = WEEKLY, .desc = PRE_EN},
     .ov = {.rid = ":20230619T020000Z", .start = "20230619T060000Z",
            .end = "20230619T070000Z",
            .stamps = "X-CALSTEWARD-MINUTES-SENT:20230619T100000Z\r\n",
            .desc = PRE_ZH MINUTES_ZH},
     .want = "0:minutes-overdue@2023-06-13T03:00:00Z/20230612T020000Z "
             "1:next-meeting-missing/20230619T020000Z",
     .show = SHOW_DUE | SHOW_RID},
    {.name = "Asia/Shanghai: weekly at 10:00 local", .now = REC_NOW,
     .tz = TZ_SHANGHAI,
     .ev = {.start = "20230605T100000", .end = "20230605T110000",
            .stamps = "", .extra = WEEKLY, .desc = GOAL_ZH MATERIALS_ZH},
     .want = "agenda-missing@2023-06-23T02:00:00Z/20230626T020000Z "
             "minutes-overdue@2023-06-20T03:00:00Z/20230619T020000Z",
     .show = SHOW_DUE | SHOW_RID},
    {.name = "Asia/Shanghai: EXDATE and override in local time",
     .now = REC_NOW, .tz = TZ_SHANGHAI,
     .ev = {.start = "20230605T100000", .end = "20230605T110000",
            .stamps = "X-CALSTEWARD-MINUTES-SENT:20230619T080000Z\r\n",
            .extra = WEEKLY "EXDATE;TZID=Asia/Shanghai:20230703T100000\r\n",
            .desc = GOAL_ZH MATERIALS_ZH MINUTES_ZH NEXT_ZH},
     .ov = {.rid = ";TZID=Asia/Shanghai:20230626T100000",
            .start = "20230626T140000", .end = "20230626T150000",
            .stamps = "", .desc = PRE_ZH},
     .want = "0:agenda-missing@2023-07-07T02:00:00Z/20230710T020000Z",
     .show = SHOW_DUE | SHOW_RID},
    /* 10 */
    {.name = "China Standard Time with Outlook's VTIMEZONE", .now = REC_NOW,
     .tz = TZ_WINDOWS,
     .ev = {.start = "20230605T100000", .end = "20230605T110000",
            .stamps = "", .extra = WEEKLY, .desc = GOAL_EN MATERIALS_EN},
     .want = "agenda-missing@2023-06-23T02:00:00Z/20230626T020000Z "
             "minutes-overdue@2023-06-20T03:00:00Z/20230619T020000Z",
     .show = SHOW_DUE | SHOW_RID},
    {.name = "China Standard Time without VTIMEZONE", .now = PRE_NOW,
     .tz = TZ_WINDOWS_BARE,
     .ev = {.start = "20230626T100000", .end = "20230626T110000",
            .desc = GOAL_EN AGENDA_EN},
     .want = "materials-missing@2023-06-24T02:00:00Z", .show = SHOW_DUE},
    {.name = "Shanghai single meeting: minutes due in UTC",
     .now = "2023-06-27T03:00:01Z", .tz = TZ_SHANGHAI,
     .ev = {.start = "20230626T100000", .end = "20230626T110000",
            .desc = PRE_ZH},
     .want = "minutes-overdue@2023-06-27T03:00:00Z", .show = SHOW_DUE},
    {.name = "Europe/Berlin: 3 days before, across the DST change",
     .now = "2023-03-20T00:00:00Z", .tz = TZ_BERLIN,
     .ev = {.start = "20230328T100000", .end = "20230328T110000",
            .stamps = "", .desc = GOAL_EN},
     .want = "agenda-missing@2023-03-25T09:00:00Z "
             "materials-missing@2023-03-26T08:00:00Z",
     .show = SHOW_DUE},
};

int main(void)
{
    icalerror_set_errors_are_fatal(0);

    RUN(meeting_cases);
    RUN(participant_cases);
    RUN(agenda_cases);
    RUN(materials_cases);
    RUN(goal_cases);
    RUN(item_cases);
    RUN(after_cases);
    RUN(mode_cases);
    RUN(recur_cases);
    return tap_done();
}
