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
    return tap_done();
}
