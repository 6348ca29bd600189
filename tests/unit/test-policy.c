/*
 * test-policy.c -- rule names, defaults and the policy file.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/policy.h"
#include "tests/unit/tap.h"

#define FIELD(f) offsetof(cst_policy, f)

static int field(const cst_policy *p, size_t off)
{
    return *(const int *)(const void *)((const char *)p + off);
}

static void test_names(void)
{
    static const char *const names[CST_RULE__COUNT] = {
        "agenda-missing",
        "agenda-lead-time",
        "materials-missing",
        "materials-lead-time",
        "participant-limit",
        "goal-missing",
        "goal-vague",
        "agenda-item-incomplete",
        "agenda-owner-unknown",
        "agenda-overrun",
        "minutes-overdue",
        "minutes-late",
        "action-item-incomplete",
        "action-owner-unknown",
        "next-meeting-missing",
        "action-item-overdue",
    };
    unsigned i;

    for (i = 0; i < CST_RULE__COUNT; i++) {
        tap_str(cst_rule_name((cst_rule)i), names[i], "rule name %u", i);
        tap_int(cst_rule_from_name(names[i], strlen(names[i])), i,
                "rule from name %u", i);
    }
    tap_int(cst_rule_from_name("agenda-missingX", 14), CST_RULE_AGENDA_MISSING,
            "from_name uses the length");
    tap_int(cst_rule_from_name("agenda", 6), CST_RULE__COUNT,
            "no prefix match");
    tap_int(cst_rule_from_name(NULL, 0), CST_RULE__COUNT, "NULL name");
    tap_str(cst_rule_name(CST_RULE__COUNT), "unknown", "name of no rule");
    tap_str(cst_mode_severity(CST_MODE_OFF), "off", "severity off");
    tap_str(cst_mode_severity(CST_MODE_INFO), "info", "severity info");
    tap_str(cst_mode_severity(CST_MODE_WARNING), "warning", "severity warning");
    tap_str(cst_mode_severity(CST_MODE_ENFORCE), "error", "enforce is error");
    tap_str(cst_lang_name(CST_LANG_EN), "en", "lang en");
    tap_str(cst_lang_name(CST_LANG_ZH_CN), "zh_CN", "lang zh_CN");
}

static void test_defaults(void)
{
    static const cst_mode want[CST_RULE__COUNT] = {
        CST_MODE_INFO,    CST_MODE_WARNING, CST_MODE_INFO,    CST_MODE_WARNING,
        CST_MODE_WARNING, CST_MODE_WARNING, CST_MODE_INFO,    CST_MODE_WARNING,
        CST_MODE_INFO,    CST_MODE_WARNING, CST_MODE_WARNING, CST_MODE_WARNING,
        CST_MODE_WARNING, CST_MODE_WARNING, CST_MODE_INFO,    CST_MODE_WARNING,
    };
    cst_policy p;
    cst_error err = {0, ""};
    unsigned i;

    memset(&p, 0x55, sizeof(p));
    cst_policy_init(&p);
    tap_int(p.agenda_min_days, 3, "default agenda-min-days");
    tap_int(p.agenda_max_days, 5, "default agenda-max-days");
    tap_int(p.materials_min_days, 2, "default materials-min-days");
    tap_int(p.minutes_max_hours, 24, "default minutes-max-hours");
    tap_int(p.default_due_days, 7, "default default-due-days");
    tap_int(p.max_participants, 8, "default max-participants");
    tap_int(p.buffer_minutes, 10, "default buffer-minutes");
    tap_int(p.n_urgent, 2, "default urgent count");
    tap_str(p.urgent[0], "urgent", "default urgent 0");
    tap_str(p.urgent[1], "\xe7\xb4\xa7\xe6\x80\xa5", "default urgent 1");
    tap_int(p.language, CST_LANG_EN, "default language");
    tap_int(p.language_set, 0, "default language is not set by a file");
    tap_int(p.timetable, 1, "default timetable");
    tap_int(p.prep_tasks, 1, "default prep-tasks");
    tap_int(p.agenda_property, CST_AGENDA_STRUCTURED_DATA,
            "default agenda-property: structured-data");
    for (i = 0; i < CST_RULE__COUNT; i++)
        tap_int(p.mode[i], want[i], "default mode of %s",
                cst_rule_name((cst_rule)i));

    tap_int(cst_policy_parse(&p, "", 0, &err), CST_OK, "empty text");
    tap_int(cst_policy_parse(&p, NULL, 0, &err), CST_OK, "NULL text");
    tap_int(p.max_participants, 8, "empty text changes nothing");
}

/* The example of spec section 6, with CRLF and a BOM. */
static void test_example(void)
{
    static const char text[] =
        "\xef\xbb\xbf"
        "[lead-times]\r\n"
        "agenda-min-days = 3\r\n"
        "agenda-max-days = 5\r\n"
        "materials-min-days = 2\r\n"
        "minutes-max-hours = 24\r\n"
        "default-due-days = 7\r\n"
        "[meeting]\r\n"
        "max-participants = 8\r\n"
        "buffer-minutes = 10\r\n"
        "urgent-categories = urgent, \xe7\xb4\xa7\xe6\x80\xa5\r\n"
        "[rules]\r\n"
        "agenda-lead-time = warning      ; off | info | warning | enforce\r\n"
        "[output]\r\n"
        "language = en                   ; en | zh_CN\r\n"
        "timetable = yes\r\n"
        "prep-tasks = yes\r\n";
    cst_policy p;
    cst_error err = {0, ""};
    cst_status st;

    cst_policy_init(&p);
    st = cst_policy_parse(&p, text, sizeof(text) - 1, &err);
    tap_int(st, CST_OK, "spec example parses");
    if (st != CST_OK)
        printf("#   line %d: %s\n", err.line, err.msg);
    tap_int(p.n_urgent, 2, "spec example: two urgent categories");
    tap_str(p.urgent[1], "\xe7\xb4\xa7\xe6\x80\xa5", "spec example: 紧急");
    tap_int(p.mode[CST_RULE_AGENDA_LEAD_TIME], CST_MODE_WARNING,
            "spec example: agenda-lead-time");
}

/* Texts that parse; one int field checked (off = -1: none). */
static const struct {
    const char *text;
    long off;
    int want;
} int_cases[] = {
    {"[lead-times]\nagenda-min-days = 0\n", FIELD(agenda_min_days), 0},
    {"[lead-times]\nagenda-max-days = 60\n", FIELD(agenda_max_days), 60},
    {"[lead-times]\nmaterials-min-days = 4\n", FIELD(materials_min_days), 4},
    {"[lead-times]\nminutes-max-hours = 720\n", FIELD(minutes_max_hours), 720},
    {"[lead-times]\nminutes-max-hours = 1\n", FIELD(minutes_max_hours), 1},
    {"[lead-times]\ndefault-due-days = 14\n", FIELD(default_due_days), 14},
    {"[meeting]\nmax-participants = 1000\n", FIELD(max_participants), 1000},
    {"[meeting]\nmax-participants = 1\n", FIELD(max_participants), 1},
    {"[meeting]\nbuffer-minutes = 0\n", FIELD(buffer_minutes), 0},
    {"[meeting]\nbuffer-minutes = 120\n", FIELD(buffer_minutes), 120},
    {"[meeting]\nmax-participants = 12 ; twelve\n", FIELD(max_participants),
     12},
    {"[meeting]\nmax-participants = 12   # twelve\n", FIELD(max_participants),
     12},
    {"[meeting]\nmax-participants: 12\n", FIELD(max_participants), 12},
    {"[meeting]\nmax-participants=+12\n", FIELD(max_participants), 12},
    {"[meeting]\nmax-participants = 4\nmax-participants = 6\n",
     FIELD(max_participants), 6},
    {"  [meeting]\nmax-participants = 4\n", FIELD(max_participants), 4},
    {"[Meeting]\nMax-Participants = 4\n", FIELD(max_participants), 4},
    {"[ meeting ]\nmax-participants = 4\n", FIELD(max_participants), 4},
    {"; comment\n# comment\n\n[meeting]\n  ; indented comment\n"
     "max-participants = 4\n",
     FIELD(max_participants), 4},
    {"[meeting]\r\nmax-participants = 4\r\n", FIELD(max_participants), 4},
    {"[meeting]\nmax-participants = 4", FIELD(max_participants), 4},
    {"[lead-times]\nagenda-max-days = 2\nagenda-min-days = 1\n",
     FIELD(agenda_min_days), 1},
    {"[lead-times]\nagenda-min-days = 5\n", FIELD(agenda_min_days), 5},
    {"[output]\ntimetable = no\n", FIELD(timetable), 0},
    {"[output]\ntimetable = false\n", FIELD(timetable), 0},
    {"[output]\ntimetable = OFF\n", FIELD(timetable), 0},
    {"[output]\ntimetable = 0\n", FIELD(timetable), 0},
    {"[output]\ntimetable = no\ntimetable = Yes\n", FIELD(timetable), 1},
    {"[output]\ntimetable = no\ntimetable = true\n", FIELD(timetable), 1},
    {"[output]\ntimetable = no\ntimetable = on\n", FIELD(timetable), 1},
    {"[output]\ntimetable = no\ntimetable = 1\n", FIELD(timetable), 1},
    {"[output]\nprep-tasks = no\n", FIELD(prep_tasks), 0},
    {"[output]\nlanguage = zh_CN\n", FIELD(language), CST_LANG_ZH_CN},
    {"[output]\nlanguage = zh-CN\n", FIELD(language), CST_LANG_ZH_CN},
    {"[output]\nlanguage = zh\n", FIELD(language), CST_LANG_ZH_CN},
    {"[output]\nlanguage = zh\nlanguage = EN\n", FIELD(language), CST_LANG_EN},
    {"[output]\nagenda-property = x-property\n", FIELD(agenda_property),
     CST_AGENDA_X_PROPERTY},
    {"[output]\nAgenda-Property = X-Property ; Cyrus\n",
     FIELD(agenda_property), CST_AGENDA_X_PROPERTY},
    {"[output]\nagenda-property = x-property\n"
     "agenda-property = structured-data\n",
     FIELD(agenda_property), CST_AGENDA_STRUCTURED_DATA},
};

static void test_values(void)
{
    size_t i;

    for (i = 0; i < sizeof(int_cases) / sizeof(int_cases[0]); i++) {
        cst_policy p;
        cst_error err = {0, ""};
        cst_status st;

        cst_policy_init(&p);
        st = cst_policy_parse(&p, int_cases[i].text, strlen(int_cases[i].text),
                              &err);
        tap_int(st, CST_OK, "value case %zu: status", i);
        if (st != CST_OK)
            printf("#   line %d: %s\n", err.line, err.msg);
        tap_int(field(&p, (size_t)int_cases[i].off), int_cases[i].want,
                "value case %zu: value", i);
    }
}

static void test_rules(void)
{
    static const struct {
        const char *word;
        cst_mode mode;
    } modes[] = {
        {"off", CST_MODE_OFF},
        {"info", CST_MODE_INFO},
        {"WARNING", CST_MODE_WARNING},
        {"enforce", CST_MODE_ENFORCE},
    };
    char text[128];
    unsigned i, m;

    for (i = 0; i < CST_RULE__COUNT; i++) {
        for (m = 0; m < 4; m++) {
            cst_policy p;
            cst_error err = {0, ""};
            unsigned j;
            int others = 1;

            cst_policy_init(&p);
            snprintf(text, sizeof(text), "[rules]\n%s = %s\n",
                     cst_rule_name((cst_rule)i), modes[m].word);
            tap_int(cst_policy_parse(&p, text, strlen(text), &err), CST_OK,
                    "rule %u mode %u: status", i, m);
            tap_int(p.mode[i], modes[m].mode, "rule %u mode %u: mode", i, m);
            for (j = 0; j < CST_RULE__COUNT; j++) {
                cst_policy d;

                cst_policy_init(&d);
                if (j != i && p.mode[j] != d.mode[j])
                    others = 0;
            }
            tap_ok(others, "rule %u mode %u: other rules unchanged", i, m);
        }
    }
}

static void test_urgent(void)
{
    static const struct {
        const char *text;
        size_t n;
        const char *first, *last;
    } cases[] = {
        {"[meeting]\nurgent-categories = hot\n", 1, "hot", "hot"},
        {"[meeting]\nurgent-categories = urgent, \xe7\xb4\xa7\xe6\x80\xa5"
         "\xef\xbc\x8c"
         "Critical ,  ,\n",
         3, "urgent", "Critical"},
        {"[meeting]\nurgent-categories = \xe7\xb4\xa7\xe6\x80\xa5"
         "\xef\xbc\x8c\xe9\x87\x8d\xe8\xa6\x81\n",
         2, "\xe7\xb4\xa7\xe6\x80\xa5", "\xe9\x87\x8d\xe8\xa6\x81"},
        {"[meeting]\nurgent-categories =\n", 0, NULL, NULL},
        {"[meeting]\nurgent-categories = ; none\n", 0, NULL, NULL},
        {"[meeting]\nurgent-categories = a,b # c\n", 2, "a", "b"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cst_policy p;
        cst_error err = {0, ""};

        cst_policy_init(&p);
        tap_int(
            cst_policy_parse(&p, cases[i].text, strlen(cases[i].text), &err),
            CST_OK, "urgent case %zu: status", i);
        tap_int(p.n_urgent, cases[i].n, "urgent case %zu: count", i);
        if (cases[i].n > 0 && p.n_urgent == cases[i].n) {
            tap_str(p.urgent[0], cases[i].first, "urgent case %zu: first", i);
            tap_str(p.urgent[p.n_urgent - 1], cases[i].last,
                    "urgent case %zu: last", i);
        }
    }
}

#define LONG60 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define A48 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define ZH4 "\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad\xe4\xb8\xad"
#define MANY                                                                   \
    "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z,"                     \
    "A,B,C,D,E,F,G"

static const struct {
    const char *text;
    cst_status st;
    int line;
    const char *msg;
} bad_cases[] = {
    {"[meeting]\nmax-participants = abc\n", CST_ERR_INVALID, 2,
     "[meeting] max-participants: \"abc\" is not a whole number"},
    {"[meeting]\nmax-participants = 0\n", CST_ERR_INVALID, 2,
     "[meeting] max-participants: 0 is out of range 1..1000"},
    {"[meeting]\nmax-participants = 1001\n", CST_ERR_INVALID, 2,
     "[meeting] max-participants: 1001 is out of range 1..1000"},
    {"[meeting]\nmax-participants =\n", CST_ERR_INVALID, 2,
     "[meeting] max-participants: \"\" is not a whole number"},
    {"[meeting]\nmax-participants = 8.5\n", CST_ERR_INVALID, 2,
     "[meeting] max-participants: \"8.5\" is not a whole number"},
    {"[meeting]\nmax-participants = 99999999999\n", CST_ERR_INVALID, 2,
     "[meeting] max-participants: \"99999999999\" is not a whole number"},
    {"[meeting]\nbuffer-minutes = 121\n", CST_ERR_INVALID, 2,
     "[meeting] buffer-minutes: 121 is out of range 0..120"},
    {"[lead-times]\nagenda-min-days = -1\n", CST_ERR_INVALID, 2,
     "[lead-times] agenda-min-days: -1 is out of range 0..60"},
    {"[lead-times]\nmaterials-min-days = 61\n", CST_ERR_INVALID, 2,
     "[lead-times] materials-min-days: 61 is out of range 0..60"},
    {"[lead-times]\nminutes-max-hours = 0\n", CST_ERR_INVALID, 2,
     "[lead-times] minutes-max-hours: 0 is out of range 1..720"},
    {"[lead-times]\ndefault-due-days = 0\n", CST_ERR_INVALID, 2,
     "[lead-times] default-due-days: 0 is out of range 1..60"},
    {"[rules]\nagenda-lead-time = loud\n", CST_ERR_INVALID, 2,
     "[rules] agenda-lead-time: \"loud\" is not off, info, warning or "
     "enforce"},
    {"[rules]\nagenda-lead-time = error\n", CST_ERR_INVALID, 2,
     "[rules] agenda-lead-time: \"error\" is not off, info, warning or "
     "enforce"},
    {"[output]\nlanguage = fr\n", CST_ERR_INVALID, 2,
     "[output] language: \"fr\" is not en or zh_CN"},
    {"[output]\ntimetable = maybe\n", CST_ERR_INVALID, 2,
     "[output] timetable: \"maybe\" is not yes or no"},
    {"[output]\nagenda-property = x-calsteward-agenda\n", CST_ERR_INVALID, 2,
     "[output] agenda-property: \"x-calsteward-agenda\" is not "
     "structured-data or x-property"},
    {"[output]\nagenda-property =\n", CST_ERR_INVALID, 2,
     "[output] agenda-property: \"\" is not structured-data or x-property"},
    {"max-participants = 3\n", CST_ERR_INVALID, 1,
     "[] max-participants: key outside a section"},
    {"[meeting\n", CST_ERR_PARSE, 1, "expected [section] or key = value"},
    {"[meeting]\njust words\n", CST_ERR_PARSE, 2,
     "expected [section] or key = value"},
    {"[meeting]\nmax-participants = 3\n  buffer-minutes = 5\n", CST_ERR_PARSE,
     3,
     "indented line: values cannot continue on another line (remove the "
     "leading blanks)"},
    /* the first error wins, whichever kind it is */
    {"[meeting]\nfoo = 1\nmax-participants = x\n", CST_ERR_INVALID, 3,
     "[meeting] max-participants: \"x\" is not a whole number"},
    {"[bogus]\nx = 1\n[meeting]\nmax-participants = x\n", CST_ERR_INVALID, 4,
     "[meeting] max-participants: \"x\" is not a whole number"},
    {"[bogus]\njust words\n", CST_ERR_PARSE, 2,
     "expected [section] or key = value"},
    {"[meeting]\nmax-participants = x\nnonsense\n", CST_ERR_INVALID, 2,
     "[meeting] max-participants: \"x\" is not a whole number"},
    {"[meeting]\nnonsense\nmax-participants = x\n", CST_ERR_PARSE, 2,
     "expected [section] or key = value"},
    {"[meeting]\nmax-participants = x\nbuffer-minutes = y\n", CST_ERR_INVALID,
     2, "[meeting] max-participants: \"x\" is not a whole number"},
    {"[meeting]\r\nmax-participants = x\r\n", CST_ERR_INVALID, 2,
     "[meeting] max-participants: \"x\" is not a whole number"},
    {"[lead-times]\nagenda-min-days = 6\n", CST_ERR_INVALID, 2,
     "[lead-times] agenda-min-days (6) is more than agenda-max-days (5)"},
    {"[lead-times]\nagenda-min-days = 4\n\nagenda-max-days = 2\n",
     CST_ERR_INVALID, 4,
     "[lead-times] agenda-min-days (4) is more than agenda-max-days (2)"},
    {"[meeting]\nurgent-categories = \xff\n", CST_ERR_PARSE, 2,
     "not valid UTF-8"},
    {"[meeting]\nurgent-categories = " MANY "\n", CST_ERR_INVALID, 2,
     "[meeting] urgent-categories: more than 32 categories"},
    {"[meeting]\nurgent-categories = x, " LONG60 "bcde\n", CST_ERR_INVALID, 2,
     "[meeting] urgent-categories: \"" A48 "...\" is longer than 63 "
     "bytes"},
    {"[meeting]\nbuffer-minutes = " LONG60 LONG60 "\n", CST_ERR_INVALID, 2,
     "[meeting] buffer-minutes: \"" A48 "...\" is not a whole number"},
    /* values shown in messages are cut between characters */
    {"[output]\nlanguage = " ZH4 ZH4 ZH4 ZH4 "\xe4\xb8\xad\n", CST_ERR_INVALID,
     2, "[output] language: \"" ZH4 ZH4 ZH4 ZH4 "...\" is not en or zh_CN"},
};

static void test_bad(void)
{
    size_t i;

    for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        cst_policy p;
        cst_error err = {-1, ""};

        cst_policy_init(&p);
        tap_int(cst_policy_parse(&p, bad_cases[i].text,
                                 strlen(bad_cases[i].text), &err),
                bad_cases[i].st, "bad case %zu: status", i);
        tap_int(err.line, bad_cases[i].line, "bad case %zu: line", i);
        tap_str(err.msg, bad_cases[i].msg, "bad case %zu: message", i);
    }
}

/* Names this release does not know are ignored with a warning each, on
 * their line, in the order of the lines (issue 14: upgrade safety). */
#define MAX_WARNINGS 4
static const struct ignored_case {
    const char *text;
    int max_participants; /* what the known keys still set */
    size_t n;
    int line[MAX_WARNINGS];
    const char *msg[MAX_WARNINGS];
} ignored_cases[] = {
    {"[meeting]\nfoo = 1\n", 8, 1, {2}, {"[meeting] foo: unknown key, ignored"}},
    {"[lead-times]\nmax-participants = 3\n", 8, 1, {2},
     {"[lead-times] max-participants: unknown key, ignored"}},
    {"\n\n[bogus]\nx = 1\n", 8, 1, {3},
     {"[bogus]: unknown section (lead-times, meeting, rules, output), "
      "ignored"}},
    {"[meeting]\nmax-participants = 4\n[bogus]\n", 4, 1, {3},
     {"[bogus]: unknown section (lead-times, meeting, rules, output), "
      "ignored"}},
    /* the keys of an unknown section are not reported one by one, and
     * not applied even when a known section has them */
    {"[ Bogus ]\nmax-participants = 3\nfoo = x\n[meeting]\nmax-participants"
     " = 5\n", 5, 1, {1},
     {"[Bogus]: unknown section (lead-times, meeting, rules, output), "
      "ignored"}},
    {"[rules]\nno-such-rule = info\ngoal-missing = off\n", 8, 1, {2},
     {"[rules] no-such-rule: unknown rule, ignored"}},
    {"[meeting]\nagenda-property = x-property\n", 8, 1, {2},
     {"[meeting] agenda-property: unknown key, ignored"}},
    {"[meeting]\nfoo = 1\n[bogus]\nmax-participants = 2\n[meeting]\n"
     "bar = 2\nmax-participants = 6\n[later]\n", 6, 4, {2, 3, 6, 8},
     {"[meeting] foo: unknown key, ignored",
      "[bogus]: unknown section (lead-times, meeting, rules, output), "
      "ignored",
      "[meeting] bar: unknown key, ignored",
      "[later]: unknown section (lead-times, meeting, rules, output), "
      "ignored"}},
    {"; c\n# c\n\n[meeting]\n; x\nfoo = 1\n", 8, 1, {6},
     {"[meeting] foo: unknown key, ignored"}},
    {"\xef\xbb\xbf[meeting]\nfoo = 1\n", 8, 1, {2},
     {"[meeting] foo: unknown key, ignored"}},
    {"[meeting]\r\nfoo = 1\r\n", 8, 1, {2},
     {"[meeting] foo: unknown key, ignored"}},
    {"[meeting]\n\xe5\x8f\x82\xe4\xbc\x9a\xe4\xba\xba\xe6\x95\xb0 = 8\n", 8, 1,
     {2},
     {"[meeting] \xe5\x8f\x82\xe4\xbc\x9a\xe4\xba\xba\xe6\x95\xb0: unknown "
      "key, ignored"}},
};

typedef struct seen {
    size_t n;
    int line[MAX_WARNINGS + 1];
    char msg[MAX_WARNINGS + 1][256];
} seen;

static void record(void *ctx, int line, const char *msg)
{
    seen *w = ctx;

    if (w->n > MAX_WARNINGS)
        return;
    w->line[w->n] = line;
    snprintf(w->msg[w->n], sizeof(w->msg[0]), "%s", msg);
    w->n++;
}

static void test_ignored(void)
{
    size_t i, j;

    for (i = 0; i < sizeof(ignored_cases) / sizeof(ignored_cases[0]); i++) {
        const struct ignored_case *c = &ignored_cases[i];
        cst_policy p;
        cst_error err = {-1, ""};
        seen w = {0};

        cst_policy_init(&p);
        tap_int(cst_policy_parse_warn(&p, c->text, strlen(c->text), &err,
                                      record, &w),
                CST_OK, "ignored case %zu: status", i);
        tap_int(p.max_participants, c->max_participants,
                "ignored case %zu: known keys applied", i);
        tap_int((int)w.n, (int)c->n, "ignored case %zu: warnings", i);
        for (j = 0; j < c->n && j < w.n; j++) {
            tap_int(w.line[j], c->line[j], "ignored case %zu.%zu: line", i, j);
            tap_str(w.msg[j], c->msg[j], "ignored case %zu.%zu: message", i,
                    j);
        }
        /* without a callback: the same result, silently */
        cst_policy_init(&p);
        tap_int(cst_policy_parse(&p, c->text, strlen(c->text), NULL), CST_OK,
                "ignored case %zu: status without warnings", i);
        tap_int(p.max_participants, c->max_participants,
                "ignored case %zu: same policy without warnings", i);
    }
}

static void test_limits(void)
{
    size_t n = CST_MAX_POLICY_BYTES + 1, i;
    char *big = malloc(n + 1), line[300];
    cst_policy p;
    cst_error err = {0, ""};
    static const char nul[] = "[meeting]\nmax-participants = 4\0\n";

    if (big == NULL)
        return;
    /* a valid file of comment lines, one byte too large */
    for (i = 0; i < n; i++)
        big[i] = (i % 64 == 63) ? '\n' : (i % 64 == 0 ? ';' : 'x');
    big[n] = '\0';
    cst_policy_init(&p);
    tap_int(cst_policy_parse(&p, big, n, &err), CST_ERR_TOO_LARGE,
            "larger than CST_MAX_POLICY_BYTES");
    tap_int(cst_policy_parse(&p, big, n - 1, &err), CST_OK,
            "exactly CST_MAX_POLICY_BYTES");
    free(big);

    tap_int(cst_policy_parse(&p, nul, sizeof(nul) - 1, &err), CST_ERR_PARSE,
            "NUL byte");
    tap_int(err.line, 2, "NUL byte: line");

    memset(line, 'x', sizeof(line));
    memcpy(line, "[meeting]\n;", 11);
    line[sizeof(line) - 1] = '\0';
    tap_int(cst_policy_parse(&p, line, strlen(line), &err), CST_ERR_PARSE,
            "over-long line");
    tap_int(err.line, 2, "over-long line: line");
    tap_str(err.msg, "line longer than 198 bytes", "over-long line: msg");
    line[11 + 187] = '\0'; /* 198 bytes of comment */
    tap_int(cst_policy_parse(&p, line, strlen(line), &err), CST_OK,
            "198-byte line");
    tap_int(cst_policy_parse(&p, "[meeting]\n", 10, NULL), CST_OK,
            "err may be NULL");
    tap_int(cst_policy_parse(&p, "[x]\nx = \n", 7, NULL), CST_OK,
            "err may be NULL (unknown section)");
    tap_int(cst_policy_parse(&p, "[meeting]\nbuffer-minutes = x\n", 29, NULL),
            CST_ERR_INVALID, "err may be NULL on error");
}

/* A file that names the language says so; one that does not, does not
 * (the command line then follows the environment). */
static void test_language_set(void)
{
    cst_policy p;
    cst_error err = {0, ""};
    static const char with[] = "[output]\nlanguage = en\n";
    static const char without[] = "[meeting]\nbuffer-minutes = 5\n";

    cst_policy_init(&p);
    tap_int(cst_policy_parse(&p, with, sizeof(with) - 1, &err), CST_OK,
            "language_set: parses");
    tap_int(p.language_set, 1, "language_set: set by [output] language");
    cst_policy_init(&p);
    tap_int(cst_policy_parse(&p, without, sizeof(without) - 1, &err), CST_OK,
            "language_set: other file parses");
    tap_int(p.language_set, 0, "language_set: not set without the key");
}

int main(void)
{
    test_names();
    test_defaults();
    test_example();
    test_values();
    test_rules();
    test_urgent();
    test_bad();
    test_ignored();
    test_limits();
    test_language_set();
    return tap_done();
}
