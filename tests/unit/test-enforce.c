/*
 * test-enforce.c -- what cst_process reports to the Apache module: whose
 * meetings it touches, stamps it set, and when an enforced rule rejects
 * (only a new meeting, or one whose start moved).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/process.h"
#include "tests/unit/tap.h"

/* A meeting at 2023-06-26 02:00Z without a goal, organized by alice. */
#define EV(start)                                                          \
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"               \
    "BEGIN:VEVENT\r\nUID:e-1@example.com\r\nDTSTAMP:20230601T000000Z\r\n" \
    "ORGANIZER:mailto:alice@example.com\r\n"                              \
    "ATTENDEE:mailto:bob@example.com\r\n"                                 \
    "DTSTART:" start "\r\nDTEND:20230626T030000Z\r\n"                    \
    "DESCRIPTION:Agenda:\\n1. Numbers (20 min\\, bob)\r\n"                \
    "END:VEVENT\r\nEND:VCALENDAR\r\n"

static const char *const ev = EV("20230626T020000Z");
static const char *const moved = EV("20230626T021500Z");

/* 2023-06-20T00:00:00Z */
#define NOW ((time_t)1687219200)

static const struct {
    const char *name;
    const char *user;       /* organizer_user */
    const char *previous;   /* stored copy */
    int known;              /* previous_known */
    const char *data;
    int enforce;            /* goal-missing = enforce */
    size_t meetings, stamps, enforced;
    int reject, changed;
} cases[] = {
    {"no user: every meeting", NULL, NULL, 0, NULL, 0, 1, 1, 0, 0, 1},
    {"the organizer by local part", "alice", NULL, 0, NULL, 0, 1, 1, 0, 0, 1},
    {"the organizer by address", "Alice@Example.com", NULL, 0, NULL, 0, 1, 1,
     0, 0, 1},
    {"an attendee's copy is left alone", "bob", NULL, 0, NULL, 0, 0, 0, 0, 0,
     0},
    {"enforced, server copy unknown: no rejection", "alice", NULL, 0, NULL, 1,
     1, 1, 1, 0, 1},
    {"enforced, new meeting: rejected", "alice", NULL, 1, NULL, 1, 1, 1, 1, 1,
     1},
    {"enforced, same start as stored: kept", "alice", EV("20230626T020000Z"),
     1, NULL, 1, 1, 1, 1, 0, 1},
    {"enforced, start moved: rejected", "alice", EV("20230626T020000Z"), 1,
     EV("20230626T021500Z"), 1, 1, 1, 1, 1, 1},
    {"enforced for an attendee: not counted", "bob", NULL, 1, NULL, 1, 0, 0,
     0, 0, 0},
    {"not enforced, new meeting: kept", "alice", NULL, 1, NULL, 0, 1, 1, 0, 0,
     1},
};

/*
 * Stamps a client writes: kept while the server's copy is unknown (the
 * command line, a local file); with it known, the stored stamp wins and
 * a new meeting has none of its own -- a backdated agenda stamp must not
 * pass agenda-lead-time.
 */
#define SEV(extra)                                                         \
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"               \
    "BEGIN:VEVENT\r\nUID:e-1@example.com\r\nDTSTAMP:20230601T000000Z\r\n" \
    "ORGANIZER:mailto:alice@example.com\r\n"                              \
    "ATTENDEE:mailto:bob@example.com\r\n"                                 \
    "DTSTART:20230626T020000Z\r\nDTEND:20230626T030000Z\r\n" extra       \
    "DESCRIPTION:Goal: decide the budget\\n\\nAgenda:\\n1. Numbers (20 min\\, "\
    "bob)\r\n"                                                            \
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
#define BACKDATED "X-CALSTEWARD-AGENDA-SENT:20230601T000000Z\r\n"

static void test_stamps(void)
{
    static const char enforce[] = "[rules]\nagenda-lead-time = enforce\n";
    static const struct {
        const char *name;
        const char *previous;
        int known;
        const char *data;
        int reject;
        const char *stamp; /* the agenda stamp stored, or NULL: none */
        const char *gone;  /* a line that must not be stored, or NULL */
    } sc[] = {
        {"unknown server copy: the client's stamp stays", NULL, 0,
         SEV(BACKDATED), 0, "20230601T000000Z", NULL},
        {"new meeting: a backdated stamp is replaced by now", NULL, 1,
         SEV(BACKDATED), 1, "20230625T000000Z", NULL},
        {"new meeting without a stamp: rejected the same", NULL, 1, SEV(""),
         1, "20230625T000000Z", NULL},
        {"update: the stored stamp replaces the client's", SEV(
         "X-CALSTEWARD-AGENDA-SENT:20230610T000000Z\r\n"), 1, SEV(BACKDATED),
         0, "20230610T000000Z", NULL},
        {"update: the stored stamp is kept as it is", SEV(
         "X-CALSTEWARD-AGENDA-SENT:20230610T000000Z\r\n"), 1, SEV(
         "X-CALSTEWARD-AGENDA-SENT:20230610T000000Z\r\n"), 0,
         "20230610T000000Z", NULL},
        {"update, nothing stored: now, not the client's", SEV(""), 1,
         SEV(BACKDATED), 0, "20230625T000000Z", NULL},
        {"new meeting: a stamp without content is removed", NULL, 1,
         SEV("X-CALSTEWARD-MATERIALS-SENT:20230601T000000Z\r\n"), 1, NULL,
         "X-CALSTEWARD-MATERIALS-SENT"},
    };
    size_t i;

    for (i = 0; i < sizeof(sc) / sizeof(sc[0]); i++) {
        cst_process_result res;
        cst_process_in in;
        cst_policy pol;
        cst_error err = {0, ""};
        char *out = NULL, *at;
        size_t out_len = 0;
        cst_status st;

        cst_policy_init(&pol);
        cst_policy_parse(&pol, enforce, sizeof(enforce) - 1, &err);
        memset(&in, 0, sizeof(in));
        in.policy = &pol;
        in.now = 1687651200; /* 2023-06-25T00:00:00Z, a day before */
        in.organizer_user = "alice";
        in.previous = sc[i].previous;
        in.previous_len = sc[i].previous ? strlen(sc[i].previous) : 0;
        in.previous_known = sc[i].known;
        in.result = &res;
        st = cst_process(sc[i].data, strlen(sc[i].data), &in, &out, &out_len,
                         &err);
        tap_int(st, CST_OK, "stamps %zu %s: status", i, sc[i].name);
        tap_int(res.reject, sc[i].reject, "stamps %zu %s: reject", i,
                sc[i].name);
        if (sc[i].reject)
            tap_int(res.rule, CST_RULE_AGENDA_LEAD_TIME,
                    "stamps %zu: the rule is agenda-lead-time", i);
        if (sc[i].stamp != NULL) {
            const char *text = out ? out : sc[i].data;

            at = strstr(text, "X-CALSTEWARD-AGENDA-SENT:");
            tap_ok(at != NULL && strncmp(at + 25, sc[i].stamp, 16) == 0
                       && strstr(at + 1, "X-CALSTEWARD-AGENDA-SENT:") == NULL,
                   "stamps %zu %s: one agenda stamp, %s", i, sc[i].name,
                   sc[i].stamp);
        }
        if (sc[i].gone != NULL)
            tap_ok(out != NULL && strstr(out, sc[i].gone) == NULL,
                   "stamps %zu %s: %s removed", i, sc[i].name, sc[i].gone);
        free(out);
    }
}

int main(void)
{
    static const char enforce[] = "[rules]\ngoal-missing = enforce\n";
    size_t i;

    (void)moved;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *data = cases[i].data ? cases[i].data : ev;
        cst_process_result res;
        cst_process_in in;
        cst_policy pol;
        cst_error err = {0, ""};
        char *out = NULL;
        size_t out_len = 0;
        cst_status st;

        cst_policy_init(&pol);
        if (cases[i].enforce)
            cst_policy_parse(&pol, enforce, sizeof(enforce) - 1, &err);
        memset(&in, 0, sizeof(in));
        memset(&res, 0xA5, sizeof(res)); /* must be reset by the call */
        in.policy = &pol;
        in.now = NOW;
        in.organizer_user = cases[i].user;
        in.previous = cases[i].previous;
        in.previous_len = cases[i].previous ? strlen(cases[i].previous) : 0;
        in.previous_known = cases[i].known;
        in.result = &res;
        st = cst_process(data, strlen(data), &in, &out, &out_len, &err);
        tap_int(st, CST_OK, "case %zu %s: status", i, cases[i].name);
        tap_int(res.n_meetings, cases[i].meetings, "case %zu %s: meetings",
                i, cases[i].name);
        tap_int(res.stamps_added, cases[i].stamps,
                "case %zu %s: stamps set now", i, cases[i].name);
        tap_int(res.n_enforced, cases[i].enforced, "case %zu %s: enforced",
                i, cases[i].name);
        tap_int(res.reject, cases[i].reject, "case %zu %s: reject", i,
                cases[i].name);
        tap_int(out != NULL, cases[i].changed, "case %zu %s: changed", i,
                cases[i].name);
        if (cases[i].reject) {
            tap_int(res.rule, CST_RULE_GOAL_MISSING, "case %zu: rule", i);
            tap_str(res.uid, "e-1@example.com", "case %zu: uid", i);
            tap_ok(strstr(res.message, "goal") != NULL
                       || strstr(res.message, "Goal") != NULL,
                   "case %zu: message names the goal: %s", i, res.message);
        }
        free(out);
    }
    test_stamps();
    return tap_done();
}
