/*
 * test-retro.c -- core/retro.c's departments file and the occurrence
 * range walk it uses (core/occur.c cst_occur_range), checked against
 * cst_occur_find() stepped by hand.  The figures themselves are tested
 * end to end by tests/cli/test-report.sh against an independent model.
 */
#include "tests/unit/tap.h"
#include "core/occur.h"
#include "core/retro.h"

#include <stdlib.h>

#define N_ELEMS(x) (sizeof(x) / sizeof((x)[0]))

/* --- departments ---------------------------------------------------------- */

static const struct dept_case {
    const char *in;
    cst_status want;
    int line; /* of the error, 0 = any */
} dept_cases[] = {
    {"[departments]\na@x.com = Finance\n", CST_OK, 0},
    {"; c\n[Departments]\nmailto:B@X.com = Sales\n", CST_OK, 0},
    {"", CST_OK, 0},
    {"a@x.com = Finance\n", CST_ERR_PARSE, 1}, /* no section */
    {"[people]\na@x.com = F\n", CST_ERR_PARSE, 2},
    {"[departments]\nnot a line\n", CST_ERR_PARSE, 2},
    {"[departments]\nbob = Sales\n", CST_ERR_INVALID, 2}, /* no address */
    {"[departments]\na@x.com =\n", CST_ERR_INVALID, 2},
    {"[departments]\na@x.com = F\nA@X.COM = G\n", CST_ERR_INVALID, 0},
    {"[departments]\nmailto:a@x.com\n", CST_ERR_PARSE, 2},
};

static void test_depts(void)
{
    cst_depts d;
    cst_error err;
    cst_status st;
    size_t i;
    char *big;

    for (i = 0; i < N_ELEMS(dept_cases); i++) {
        const struct dept_case *tc = &dept_cases[i];

        memset(&err, 0, sizeof(err));
        st = cst_depts_parse(tc->in, strlen(tc->in), &d, &err);
        tap_int(st, tc->want, "depts[%zu]: status", i);
        if (tc->line > 0)
            tap_int(err.line, tc->line, "depts[%zu]: line", i);
        cst_depts_fini(&d);
    }
    {
        static const char in[] = "[departments]\nB@x.com = Sales\n"
                                 "mailto:a@X.com = Finance\n";

        st = cst_depts_parse(in, sizeof(in) - 1, &d, &err);
    }
    tap_int(st, CST_OK, "lookup: parsed");
    tap_str(cst_depts_find(&d, "MAILTO:A@x.com")
                ? cst_depts_find(&d, "MAILTO:A@x.com")
                : "(none)",
            "Finance", "lookup: case, mailto");
    tap_str(cst_depts_find(&d, "b@x.com") ? cst_depts_find(&d, "b@x.com")
                                          : "(none)",
            "Sales", "lookup: b");
    tap_ok(cst_depts_find(&d, "c@x.com") == NULL, "lookup: unknown");
    tap_ok(cst_depts_find(&d, "a@x.co") == NULL, "lookup: prefix is no match");
    cst_depts_fini(&d);
    cst_depts_fini(&d); /* twice: fine */

    /* caps */
    big = malloc(CST_DEPTS_MAX_BYTES + 2);
    if (big != NULL) {
        memset(big, ';', CST_DEPTS_MAX_BYTES + 1);
        st = cst_depts_parse(big, CST_DEPTS_MAX_BYTES + 1, &d, &err);
        tap_int(st, CST_ERR_TOO_LARGE, "caps: file over the limit");
        cst_depts_fini(&d);
        {
            size_t n = 0, k;

            n += (size_t)snprintf(big, 64, "[departments]\n");
            for (k = 0; k <= CST_DEPTS_MAX_ENTRIES; k++)
                n += (size_t)snprintf(big + n, 64, "u%zu@x.com = D\n", k);
            st = cst_depts_parse(big, n, &d, &err);
            tap_int(st, CST_ERR_TOO_LARGE, "caps: too many addresses");
            cst_depts_fini(&d);
        }
        free(big);
    }
    st = cst_depts_parse("[departments]\nnul@x.com = a\0b\n", 30, &d, &err);
    tap_int(st, CST_ERR_PARSE, "a NUL byte");
    cst_depts_fini(&d);
}

/* --- the range walk, against cst_occur_find stepped ------------------------
 */

static icalcomponent *parse_event(const char *ics, icalcomponent **vcal)
{
    *vcal = icalparser_parse_string(ics);
    return *vcal
               ? icalcomponent_get_first_component(*vcal, ICAL_VEVENT_COMPONENT)
               : NULL;
}

/* The occurrences in [from, to) by asking cst_occur_find for the next
 * one again and again. */
static size_t stepped(icalcomponent *vcal, icalcomponent *ev, time_t from,
                      time_t to, cst_occurrence *out, size_t max)
{
    size_t n = 0;
    time_t t = from;

    while (n < max) {
        int hn = 0, hl = 0;
        cst_occurrence next, last;

        if (cst_occur_find(vcal, ev, t, NULL, 0, &hn, &next, &hl, &last) !=
                CST_OK ||
            !hn || next.start >= to)
            break;
        out[n++] = next;
        t = next.start + 1;
    }
    return n;
}

static const char *const rules[] = {
    "DTSTART:20200106T090000Z\r\nDTEND:20200106T100000Z\r\n"
    "RRULE:FREQ=WEEKLY\r\n",
    "DTSTART;TZID=Europe/Berlin:20200106T090000\r\n"
    "DTEND;TZID=Europe/Berlin:20200106T093000\r\n"
    "RRULE:FREQ=WEEKLY;BYDAY=MO,WE\r\nEXDATE:20230405T070000Z\r\n",
    "DTSTART;TZID=Europe/Berlin:20000103T090000\r\n"
    "DTEND;TZID=Europe/Berlin:20000103T100000\r\n"
    "RRULE:FREQ=DAILY;BYHOUR=9\r\n",
    "DTSTART:20230101T100000Z\r\nDTEND:20230101T110000Z\r\n"
    "RRULE:FREQ=MONTHLY;BYDAY=2TU\r\nRDATE:20230601T100000Z\r\n",
    "DTSTART:20230410T100000Z\r\nDTEND:20230410T110000Z\r\n",
    "DTSTART:20230401T000000Z\r\nDTEND:20230401T003000Z\r\n"
    "RRULE:FREQ=HOURLY;INTERVAL=5;COUNT=300\r\n",
};

static void test_range(void)
{
    time_t from = 1680307200, to = 1688169600; /* 2023-04-01 .. 07-01 */
    static cst_occurrence a[3000], b[3000];
    size_t i, k, na, nb;
    int full, same;
    char ics[1024];

    for (i = 0; i < N_ELEMS(rules); i++) {
        icalcomponent *vcal, *ev;
        cst_status st;

        snprintf(ics, sizeof(ics),
                 "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\n"
                 "BEGIN:VEVENT\r\nUID:r%zu\r\n%sEND:VEVENT\r\n"
                 "END:VCALENDAR\r\n",
                 i, rules[i]);
        ev = parse_event(ics, &vcal);
        st = cst_occur_range(vcal, ev, from, to, NULL, 0, a, N_ELEMS(a), &na,
                             &full);
        tap_int(st, CST_OK, "range[%zu]: status", i);
        nb = stepped(vcal, ev, from, to, b, N_ELEMS(b));
        tap_ok(na == nb && na > 0, "range[%zu]: %zu occurrences, stepped %zu",
               i, na, nb);
        same = na == nb;
        for (k = 0; k < na && same; k++)
            same = a[k].start == b[k].start && a[k].end == b[k].end;
        tap_ok(same, "range[%zu]: the same occurrences", i);
        tap_int(full, 0, "range[%zu]: not full", i);
        st = cst_occur_range(vcal, ev, from, to, NULL, 0, a, 1, &na, &full);
        tap_ok(st == CST_OK && na == 1 && full == (nb > 1),
               "range[%zu]: max 1 keeps the first, full when more", i);
        icalcomponent_free(vcal);
    }
}

int main(void)
{
    icalerror_set_errors_are_fatal(0);
    test_depts();
    test_range();
    return tap_done();
}
