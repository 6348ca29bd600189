/*
 * test-process.c -- core/process.c: the event as calsteward stores it
 * (spec section 4).
 *
 *  - the first-sent stamps: added once with `now`, never moved, carried
 *    over from the previous copy when a client dropped them, not added
 *    without content;
 *  - STRUCTURED-DATA (schema urn:calsteward:agenda:1): added, replaced in
 *    place, left byte-for-byte (folding too) when unchanged, removed with
 *    the agenda; another schema's untouched; the XML valid against
 *    doc/agenda.rng (found through $top_srcdir);
 *  - agenda-property = x-property: the same XML in X-CALSTEWARD-AGENDA
 *    (',' as a character reference, ';' bare), our STRUCTURED-DATA removed,
 *    and back; the default never writes it;
 *  - the DESCRIPTION block: after the organizer's text, whose bytes and
 *    folding stay; replaced, removed, added; the timetable in the
 *    meeting's zone; translated through the translate callback;
 *  - idempotence, non-meetings, unknown components and odd folding, LF
 *    line ends, a recurring meeting with an override.
 *
 * Every check that concerns bytes calsteward does not own compares raw
 * bytes (folded form): see same_unowned().
 */
#include "tests/unit/tap.h"
#include "core/doc.h"
#include "core/policy.h"
#include "core/process.h"
#include "core/sections.h"

#include <stdlib.h>
#include <strings.h>
#include <libical/ical.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>

#define N_ELEMS(x) (sizeof(x) / sizeof((x)[0]))

/* ---- fixtures ---------------------------------------------------------- */

#define VTZ_SHANGHAI                    \
    "BEGIN:VTIMEZONE\r\n"               \
    "TZID:Asia/Shanghai\r\n"            \
    "BEGIN:STANDARD\r\n"                \
    "TZOFFSETFROM:+0800\r\n"            \
    "TZOFFSETTO:+0800\r\n"              \
    "TZNAME:CST\r\n"                    \
    "DTSTART:19700101T000000\r\n"       \
    "END:STANDARD\r\n"                  \
    "END:VTIMEZONE\r\n"

#define VTZ_BERLIN                                  \
    "BEGIN:VTIMEZONE\r\n"                           \
    "TZID:Europe/Berlin\r\n"                        \
    "BEGIN:DAYLIGHT\r\n"                            \
    "TZOFFSETFROM:+0100\r\n"                        \
    "TZOFFSETTO:+0200\r\n"                          \
    "TZNAME:CEST\r\n"                               \
    "DTSTART:19700329T020000\r\n"                   \
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"    \
    "END:DAYLIGHT\r\n"                              \
    "BEGIN:STANDARD\r\n"                            \
    "TZOFFSETFROM:+0200\r\n"                        \
    "TZOFFSETTO:+0100\r\n"                          \
    "TZNAME:CET\r\n"                                \
    "DTSTART:19701025T030000\r\n"                   \
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"   \
    "END:STANDARD\r\n"                              \
    "END:VTIMEZONE\r\n"

#define CAL_HEAD                                    \
    "BEGIN:VCALENDAR\r\n"                           \
    "VERSION:2.0\r\n"                               \
    "PRODID:-//calsteward//test-process//EN\r\n"    \
    VTZ_SHANGHAI
#define CAL_TAIL "END:VCALENDAR\r\n"

#define PEOPLE                                                  \
    "ORGANIZER;CN=Zhang San:mailto:zhangsan@example.com\r\n"    \
    "ATTENDEE;CN=Li Si;PARTSTAT=ACCEPTED:mailto:lisi@example.com\r\n" \
    "ATTENDEE;CN=王五:mailto:wangwu@example.com\r\n"

/* The meeting: Monday 2023-06-26 10:00-11:00 in Shanghai (02:00Z). */
#define EV_HEAD                                             \
    "BEGIN:VEVENT\r\n"                                      \
    "UID:proc-1@example.com\r\n"                            \
    "DTSTAMP:20230612T080000Z\r\n"                          \
    "DTSTART;TZID=Asia/Shanghai:20230626T100000\r\n"        \
    "DTEND;TZID=Asia/Shanghai:20230626T110000\r\n"          \
    "SUMMARY:Q3 budget\r\n"                                 \
    PEOPLE
#define EV_TAIL "SEQUENCE:0\r\nEND:VEVENT\r\n"

/* Six days before: no lead time is short yet. */
#define NOW "20230620T020000Z"
#define NOW_LATER "20230620T030000Z"
#define NOW_STAMP "20230620T020000Z"

/* The organizer's text, unescaped and as DESCRIPTION lines: a goal, an
 * agenda (40 min + 10 min buffer in 60) and materials -- no finding. */
#define ORG_GOAL "Goal: decide the Q3 budget split"
#define ORG_AGENDA                                      \
    "Agenda:\n"                                         \
    "1. Review of last action items (10 min, Li Si)\n"  \
    "2、Q3预算分配（30分钟，王五）"
#define ORG_MATERIALS "Materials: budget-q3.xlsx"
#define ORG ORG_GOAL "\n\n" ORG_AGENDA "\n\n" ORG_MATERIALS
#define DESC_ORG                                                           \
    "DESCRIPTION:Goal: decide the Q3 budget split\\n\\nAgenda:\\n1. Review \r\n" \
    " of last action items (10 min\\, Li Si)\\n2、Q3预算分配（30分钟，王五）\\n\r\n" \
    " \\nMaterials: budget-q3.xlsx\r\n"
#define DESC_NO_GOAL                                                       \
    "DESCRIPTION:Agenda:\\n1. Review of last action items (10 min\\, Li Si)\\n2\r\n" \
    " 、Q3预算分配（30分钟，王五）\\n\\nMaterials: budget-q3.xlsx\r\n"
#define ORG_NO_GOAL ORG_AGENDA "\n\n" ORG_MATERIALS

/* The block for that agenda. */
#define BLK_BEGIN CST_BLOCK_BEGIN "\n"
#define BLK_END CST_BLOCK_END
#define TIMETABLE                                           \
    "Timetable (Asia/Shanghai):\n"                          \
    "10:00–10:10  Review of last action items — Li Si\n"    \
    "10:10–10:40  Q3预算分配 — 王五\n"                      \
    "10:40–10:50  Buffer\n"
#define MSG_NO_GOAL "- No goal: state the outcome the meeting should reach.\n"

#define GOOD CAL_HEAD EV_HEAD DESC_ORG EV_TAIL CAL_TAIL

/* Our STRUCTURED-DATA's head, and another application's. */
#define SD_HEAD                                         \
    "STRUCTURED-DATA;VALUE=TEXT;FMTTYPE=application/xml;" \
    "SCHEMA=\"urn:calsteward:agenda:1\":"
#define SD_OTHER                                                          \
    "STRUCTURED-DATA;FMTTYPE=application/ld+json;SCHEMA=\"https://schema\r\n" \
    " .org/Event\";VALUE=TEXT:{\"@type\": \"Event\"\\, \"name\": \"Q3\"}\r\n"

/* ---- helpers ----------------------------------------------------------- */

static time_t utc(const char *s)
{
    return icaltime_as_timet_with_zone(icaltime_from_string(s),
                                       icaltimezone_get_utc_timezone());
}

/* A test translation into Chinese, for the strings the block shows. */
static const char *const zh[][2] = {
    {"Timetable", "时间表"},
    {"Buffer", "缓冲"},
    {"Open points", "待解决"},
    {"No goal: state the outcome the meeting should reach.",
     "没有会议目标：请写明会议要达成的结果。"},
    {"Agenda item {item} \"{text}\" lacks {missing}.",
     "议程第{item}项“{text}”缺少{missing}。"},
    {"a duration", "时长"},
    {"an owner", "负责人"},
    {", ", "、"},
};

static const char *tr_zh(const char *msgid, void *ctx)
{
    size_t i;

    (*(int *)ctx)++;
    for (i = 0; i < N_ELEMS(zh); i++) {
        if (strcmp(zh[i][0], msgid) == 0)
            return zh[i][1];
    }
    return msgid;
}

static int tr_calls;

typedef struct run_opts {
    const char *now;        /* default NOW */
    const char *previous;   /* or NULL */
    int quiet;              /* every rule off, no timetable */
    int no_timetable;
    int zh;                 /* translate with tr_zh */
} run_opts;

/* agenda-property = x-property for run() (test_xprop sets it) */
static int run_xprop;

/* Runs cst_process(); returns its output (NULL: unchanged). */
static char *run(const char *in, const run_opts *o, cst_status *st)
{
    cst_policy p;
    cst_process_in pin;
    cst_error err = {0, ""};
    char *out = NULL;
    size_t out_len = 0, i;

    cst_policy_init(&p);
    if (o != NULL && o->quiet) {
        for (i = 0; i < CST_RULE__COUNT; i++)
            p.mode[i] = CST_MODE_OFF;
        p.timetable = 0;
    }
    if (o != NULL && o->no_timetable)
        p.timetable = 0;
    if (run_xprop)
        p.agenda_property = CST_AGENDA_X_PROPERTY;
    memset(&pin, 0, sizeof(pin));
    pin.policy = &p;
    pin.now = utc(o != NULL && o->now != NULL ? o->now : NOW);
    if (o != NULL && o->previous != NULL) {
        pin.previous = o->previous;
        pin.previous_len = strlen(o->previous);
    }
    if (o != NULL && o->zh) {
        pin.tr = tr_zh;
        pin.tr_ctx = &tr_calls;
    }
    *st = cst_process(in, strlen(in), &pin, &out, &out_len, &err);
    if (*st != CST_OK)
        printf("# cst_process: %s (line %d: %s)\n", cst_status_str(*st),
               err.line, err.msg);
    if (out != NULL && strlen(out) != out_len) {
        printf("# out_len %zu but strlen %zu\n", out_len, strlen(out));
        *st = CST_ERR_INVALID;
    }
    return out;
}

/* What the server stores: the output, or the input when unchanged. */
static char *stored(const char *in, const run_opts *o, cst_status *st)
{
    char *out = run(in, o, st);

    return out != NULL ? out : strdup(in);
}

static char *dup_n(const char *s, size_t n)
{
    char *r = malloc(n + 1);

    if (r == NULL)
        abort();
    memcpy(r, s, n);
    r[n] = '\0';
    return r;
}

/* Replaces every occurrence of from in s by to (heap result). */
static char *replace_all(const char *s, const char *from, const char *to)
{
    size_t fl = strlen(from), tl = strlen(to), n = 0, o = 0;
    const char *p;
    char *r;

    for (p = strstr(s, from); p != NULL; p = strstr(p + fl, from))
        n++;
    r = malloc(strlen(s) + n * tl + 1);
    if (r == NULL)
        abort();
    for (p = s; *p != '\0';) {
        if (strncmp(p, from, fl) == 0) {
            memcpy(r + o, to, tl);
            o += tl;
            p += fl;
        } else {
            r[o++] = *p++;
        }
    }
    r[o] = '\0';
    return r;
}

/* The length of the line end at p (CRLF, LF, CR), 0 if none. */
static size_t eol_len(const char *p)
{
    if (p[0] == '\r')
        return p[1] == '\n' ? 2 : 1;
    return p[0] == '\n';
}

/* One content line of a text: raw bytes [start, end) with its folds and
 * line end; vend is where the final line end begins. */
typedef struct cline {
    size_t start, vend, end;
} cline;

/* Splits s into content lines; returns how many (at most max). */
static size_t content_lines(const char *s, cline *v, size_t max)
{
    size_t n = 0, i = 0, e;

    while (s[i] != '\0' && n < max) {
        v[n].start = i;
        for (;;) {
            while (s[i] != '\0' && s[i] != '\r' && s[i] != '\n')
                i++;
            e = eol_len(s + i);
            if (e > 0 && (s[i + e] == ' ' || s[i + e] == '\t')) {
                i += e + 1;
                continue;
            }
            v[n].vend = i;
            i += e;
            v[n].end = i;
            break;
        }
        n++;
    }
    return n;
}

/* The unfolded form of s[start, end) (heap). */
static char *unfold_range(const char *s, size_t start, size_t end)
{
    char *r = malloc(end - start + 1);
    size_t o = 0, i = start, e;

    if (r == NULL)
        abort();
    while (i < end) {
        e = (s[i] == '\r' || s[i] == '\n') ? eol_len(s + i) : 0;
        if (e > 0 && i + e < end && (s[i + e] == ' ' || s[i + e] == '\t')) {
            i += e + 1;
            continue;
        }
        r[o++] = s[i++];
    }
    r[o] = '\0';
    return r;
}

/* 1 when the unfolded line is named name (followed by ':' or ';'). */
static int named(const char *line, const char *name)
{
    size_t n = strlen(name);

    return strncasecmp(line, name, n) == 0
           && (line[n] == ':' || line[n] == ';');
}

/* The value of an unfolded content line: after the first ':' outside
 * quotes. */
static const char *value_of(const char *line)
{
    int q = 0;

    for (; *line != '\0'; line++) {
        if (*line == '"')
            q = !q;
        else if (*line == ':' && !q)
            return line + 1;
    }
    return line;
}

#define MAX_LINES 400

/*
 * Finds the k-th property named name directly in the v-th VEVENT (0-based;
 * -1: in any component).  Returns its unfolded line (heap) or NULL, and
 * its raw extent in *where when where is not NULL.
 */
static char *find_prop(const char *s, int v, const char *name, int k,
                       cline *where)
{
    static cline cl[MAX_LINES];
    size_t n = content_lines(s, cl, MAX_LINES), i;
    int ev = -1, depth = 0, ev_depth = -1;

    for (i = 0; i < n; i++) {
        char *l = unfold_range(s, cl[i].start, cl[i].vend);

        if (named(l, "BEGIN")) {
            depth++;
            if (strcasecmp(value_of(l), "VEVENT") == 0) {
                ev++;
                ev_depth = depth;
            }
        } else if (named(l, "END")) {
            depth--;
        } else if (named(l, name)
                   && (v < 0 || (ev == v && depth == ev_depth))
                   && k-- == 0) {
            if (where != NULL)
                *where = cl[i];
            return l;
        }
        free(l);
    }
    return NULL;
}

/* Counts the properties named name directly in VEVENT v (-1: any). */
static int count_prop(const char *s, int v, const char *name)
{
    int k = 0;
    char *l;

    while ((l = find_prop(s, v, name, k, NULL)) != NULL) {
        free(l);
        k++;
    }
    return k;
}

/* Our STRUCTURED-DATA in VEVENT v: the k-th STRUCTURED-DATA with our
 * schema; NULL when none. */
static char *find_sd(const char *s, int v, cline *where)
{
    char *l;
    int k;

    for (k = 0; (l = find_prop(s, v, "STRUCTURED-DATA", k, where)) != NULL;
         k++) {
        char *colon = (char *)value_of(l);
        char *head = dup_n(l, (size_t)(colon - l));
        int ours = strstr(head, "SCHEMA=\"urn:calsteward:agenda:1\"") != NULL;

        free(head);
        if (ours)
            return l;
        free(l);
    }
    return NULL;
}

static int owned(const char *l);

static int count_sd(const char *s, int v)
{
    static cline cl[MAX_LINES];
    size_t n = content_lines(s, cl, MAX_LINES), i;
    int c = 0, ev = -1, depth = 0, ev_depth = -1;

    for (i = 0; i < n; i++) {
        char *l = unfold_range(s, cl[i].start, cl[i].vend);

        if (named(l, "BEGIN")) {
            depth++;
            if (strcasecmp(value_of(l), "VEVENT") == 0) {
                ev++;
                ev_depth = depth;
            }
        } else if (named(l, "END")) {
            depth--;
        } else if (named(l, "STRUCTURED-DATA") && ev == v
                   && depth == ev_depth && owned(l)) {
            c++;
        }
        free(l);
    }
    return c;
}

/* Unescapes an iCalendar TEXT value (heap). */
static char *unescape(const char *v)
{
    char *r = malloc(strlen(v) + 1);
    size_t o = 0;

    if (r == NULL)
        abort();
    for (; *v != '\0'; v++) {
        if (*v == '\\' && v[1] != '\0') {
            v++;
            r[o++] = (*v == 'n' || *v == 'N') ? '\n' : *v;
        } else {
            r[o++] = *v;
        }
    }
    r[o] = '\0';
    return r;
}

/* The unescaped DESCRIPTION of VEVENT v, or NULL. */
static char *description(const char *s, int v)
{
    char *l = find_prop(s, v, "DESCRIPTION", 0, NULL), *r;

    if (l == NULL)
        return NULL;
    r = unescape(value_of(l));
    free(l);
    return r;
}

/* 1 when the unfolded line is one calsteward owns. */
static int owned(const char *l)
{
    if (named(l, "X-CALSTEWARD-AGENDA-SENT")
        || named(l, "X-CALSTEWARD-MATERIALS-SENT")
        || named(l, "X-CALSTEWARD-MINUTES-SENT") || named(l, "DESCRIPTION")
        || named(l, "X-CALSTEWARD-AGENDA") || named(l, "X-ALT-DESC"))
        return 1;
    if (named(l, "STRUCTURED-DATA")) {
        const char *v = value_of(l);
        const char *m = strstr(l, "SCHEMA=\"urn:calsteward:agenda:1\"");

        return m != NULL && m < v;
    }
    return 0;
}

/*
 * Compares a and b without the lines calsteward owns: every other content
 * line must be there with the same raw bytes (folding, line ends), in the
 * same order.  Returns 1 when they are the same; prints the first
 * difference.
 */
static int same_unowned(const char *a, const char *b)
{
    static cline ca[MAX_LINES], cb[MAX_LINES];
    size_t na = content_lines(a, ca, MAX_LINES);
    size_t nb = content_lines(b, cb, MAX_LINES);
    size_t i = 0, j = 0;

    for (;;) {
        char *la = NULL, *lb = NULL;

        while (i < na && (la = unfold_range(a, ca[i].start, ca[i].vend))
               && owned(la)) {
            free(la);
            la = NULL;
            i++;
        }
        while (j < nb && (lb = unfold_range(b, cb[j].start, cb[j].vend))
               && owned(lb)) {
            free(lb);
            lb = NULL;
            j++;
        }
        free(la);
        free(lb);
        if (i >= na || j >= nb)
            break;
        if (ca[i].end - ca[i].start != cb[j].end - cb[j].start
            || memcmp(a + ca[i].start, b + cb[j].start,
                      ca[i].end - ca[i].start) != 0) {
            printf("#   differs: '%.*s' vs '%.*s'\n",
                   (int)(ca[i].end - ca[i].start), a + ca[i].start,
                   (int)(cb[j].end - cb[j].start), b + cb[j].start);
            return 0;
        }
        i++;
        j++;
    }
    if (i < na || j < nb) {
        printf("#   one text has more lines (%zu/%zu, %zu/%zu)\n", i, na, j,
               nb);
        return 0;
    }
    return 1;
}

/*
 * The raw length of a's organizer part of the first DESCRIPTION: the raw
 * offset where "\n\n" + begin marker starts in the escaped value, else
 * where the value ends.  0 when there is no DESCRIPTION.
 */
static size_t organizer_raw_end(const char *a)
{
    cline w;
    char *l = find_prop(a, -1, "DESCRIPTION", 0, &w);
    const char *v, *m;
    size_t k, i;

    if (l == NULL)
        return 0;
    v = value_of(l);
    m = strstr(v, "\\n\\n" CST_BLOCK_BEGIN);
    if (m == NULL && strncmp(v, CST_BLOCK_BEGIN, strlen(CST_BLOCK_BEGIN)) == 0)
        m = v;
    if (m == NULL) {
        free(l);
        return w.vend;
    }
    /* walk the raw bytes to unfolded index (m - l) */
    k = (size_t)(m - l);
    for (i = w.start; i < w.vend && k > 0;) {
        size_t e = (a[i] == '\r' || a[i] == '\n') ? eol_len(a + i) : 0;

        if (e > 0) {
            i += e + 1;
            continue;
        }
        i++;
        k--;
    }
    free(l);
    return i;
}

/* ---- the agenda XML against doc/agenda.rng ----------------------------- */

static xmlRelaxNGPtr rng;
static char xml_err[2048];

static void xml_error(void *ctx, const char *fmt, ...)
{
    size_t o = strlen(xml_err);
    va_list ap;

    (void)ctx;
    if (o + 1 >= sizeof(xml_err))
        return;
    va_start(ap, fmt);
    vsnprintf(xml_err + o, sizeof(xml_err) - o, fmt, ap);
    va_end(ap);
}

static int load_rng(void)
{
    const char *top = getenv("top_srcdir");
    char path[4096];
    xmlRelaxNGParserCtxtPtr pc;

    snprintf(path, sizeof(path), "%s/doc/agenda.rng",
             top != NULL && *top != '\0' ? top : ".");
    xmlSetGenericErrorFunc(NULL, xml_error);
    pc = xmlRelaxNGNewParserCtxt(path);
    if (pc == NULL)
        return 0;
    xmlRelaxNGSetParserErrors(pc, xml_error, xml_error, NULL);
    rng = xmlRelaxNGParse(pc);
    xmlRelaxNGFreeParserCtxt(pc);
    if (!tap_ok(rng != NULL, "doc/agenda.rng (%s) loads", path))
        printf("#   %s\n", xml_err);
    return rng != NULL;
}

/* Returns 1 when xml is well-formed and valid; xml_err says why not. */
static int rng_valid(const char *xml)
{
    xmlDocPtr doc;
    xmlRelaxNGValidCtxtPtr vc;
    int rc;

    xml_err[0] = '\0';
    if (rng == NULL) {
        snprintf(xml_err, sizeof(xml_err), "no schema");
        return 0;
    }
    doc = xmlReadMemory(xml, (int)strlen(xml), "agenda.xml", NULL,
                        XML_PARSE_NONET);
    if (doc == NULL)
        return 0;
    vc = xmlRelaxNGNewValidCtxt(rng);
    xmlRelaxNGSetValidErrors(vc, xml_error, xml_error, NULL);
    rc = xmlRelaxNGValidateDoc(vc, doc);
    xmlRelaxNGFreeValidCtxt(vc);
    xmlFreeDoc(doc);
    return rc == 0;
}

/* The XML of our STRUCTURED-DATA in VEVENT v, unescaped (heap) or NULL. */
static char *agenda_xml(const char *s, int v)
{
    char *l = find_sd(s, v, NULL), *x;

    if (l == NULL)
        return NULL;
    x = unescape(value_of(l));
    free(l);
    return x;
}

/* ---- 1. the first-sent stamps ------------------------------------------ */

#define DESC_MINUTES                                                       \
    "DESCRIPTION:" "Goal: decide the Q3 budget split\\n\\nAgenda:\\n1. Revi\r\n" \
    " ew (10 min\\, Li Si)\\n\\nMinutes:\\nWe chose option A.\r\n"
#define ATTACH "ATTACH:https://drive.example.com/q3.xlsx\r\n"

typedef struct stamp_case {
    const char *name;
    const char *in;
    const char *previous;
    const char *agenda, *materials, *minutes; /* wanted value, NULL: none */
} stamp_case;

static const stamp_case stamp_cases[] = {
    {"agenda and materials appear: stamped with now",
     GOOD, NULL, NOW_STAMP, NOW_STAMP, NULL},
    {"no content: no stamp",
     CAL_HEAD EV_HEAD "DESCRIPTION:Let's meet.\r\n" EV_TAIL CAL_TAIL, NULL,
     NULL, NULL, NULL},
    {"no DESCRIPTION at all: no stamp",
     CAL_HEAD EV_HEAD EV_TAIL CAL_TAIL, NULL, NULL, NULL, NULL},
    {"materials only through ATTACH",
     CAL_HEAD EV_HEAD ATTACH EV_TAIL CAL_TAIL, NULL, NULL, NOW_STAMP, NULL},
    {"minutes: stamped",
     CAL_HEAD EV_HEAD DESC_MINUTES EV_TAIL CAL_TAIL, NULL, NOW_STAMP, NULL,
     NOW_STAMP},
    {"present stamps are never moved",
     CAL_HEAD EV_HEAD DESC_ORG
     "X-CALSTEWARD-AGENDA-SENT:20230601T000000Z\r\n"
     "X-CALSTEWARD-MATERIALS-SENT:20230602T000000Z\r\n" EV_TAIL CAL_TAIL,
     NULL, "20230601T000000Z", "20230602T000000Z", NULL},
    {"a present stamp in lower case and folded is not doubled",
     CAL_HEAD EV_HEAD DESC_ORG
     "x-calsteward-agenda-sent:2023060\r\n 1T000000Z\r\n" EV_TAIL CAL_TAIL,
     NULL, "20230601T000000Z", NOW_STAMP, NULL},
    {"a stamp with a bad value is left alone, not doubled",
     CAL_HEAD EV_HEAD DESC_ORG "X-CALSTEWARD-AGENDA-SENT:yesterday\r\n"
     EV_TAIL CAL_TAIL,
     NULL, "yesterday", NOW_STAMP, NULL},
    {"a present stamp is kept even without content",
     CAL_HEAD EV_HEAD "X-CALSTEWARD-AGENDA-SENT:20230601T000000Z\r\n"
     EV_TAIL CAL_TAIL, NULL, "20230601T000000Z", NULL, NULL},
    {"dropped stamps are carried over from the previous copy",
     GOOD,
     CAL_HEAD EV_HEAD DESC_ORG
     "X-CALSTEWARD-AGENDA-SENT:20230601T000000Z\r\n"
     "X-CALSTEWARD-MATERIALS-SENT:20230602T000000Z\r\n" EV_TAIL CAL_TAIL,
     "20230601T000000Z", "20230602T000000Z", NULL},
    {"the client's stamp wins over the previous copy's",
     CAL_HEAD EV_HEAD DESC_ORG
     "X-CALSTEWARD-AGENDA-SENT:20230610T000000Z\r\n" EV_TAIL CAL_TAIL,
     CAL_HEAD EV_HEAD DESC_ORG
     "X-CALSTEWARD-AGENDA-SENT:20230601T000000Z\r\n" EV_TAIL CAL_TAIL,
     "20230610T000000Z", NOW_STAMP, NULL},
    {"a previous copy without stamps: now",
     GOOD, GOOD, NOW_STAMP, NOW_STAMP, NULL},
    {"a previous copy of another UID gives nothing",
     GOOD,
     CAL_HEAD "BEGIN:VEVENT\r\nUID:other@example.com\r\n"
     "DTSTART:20230626T020000Z\r\n" PEOPLE
     "X-CALSTEWARD-AGENDA-SENT:20230601T000000Z\r\n" EV_TAIL CAL_TAIL,
     NOW_STAMP, NOW_STAMP, NULL},
    {"a previous copy that is no iCalendar only loses the carry-over",
     GOOD, "garbage\r\n", NOW_STAMP, NOW_STAMP, NULL},
};

static void check_stamp(size_t ci, const char *what, const char *out,
                        const char *name, const char *want)
{
    char *l = find_prop(out, 0, name, 0, NULL);

    tap_str(l ? value_of(l) : NULL, want, "stamps %zu (%s): %s", ci, what,
            name);
    tap_int(count_prop(out, 0, name), want != NULL, "stamps %zu (%s): one %s",
            ci, what, name);
    free(l);
}

static void test_stamps(void)
{
    size_t i;

    for (i = 0; i < N_ELEMS(stamp_cases); i++) {
        const stamp_case *c = &stamp_cases[i];
        run_opts o = {NOW, c->previous, 0, 0, 0};
        cst_status st;
        char *out = stored(c->in, &o, &st);

        tap_int(st, CST_OK, "stamps %zu (%s): status", i, c->name);
        check_stamp(i, c->name, out, "X-CALSTEWARD-AGENDA-SENT", c->agenda);
        check_stamp(i, c->name, out, "X-CALSTEWARD-MATERIALS-SENT",
                    c->materials);
        check_stamp(i, c->name, out, "X-CALSTEWARD-MINUTES-SENT", c->minutes);
        tap_ok(same_unowned(c->in, out), "stamps %zu (%s): the rest as it was",
               i, c->name);
        free(out);
    }
}

/* A stamp added once is not moved by a later run, nor by a client that
 * drops it and sends its own, later: the previous copy's stamp comes
 * back. */
static void test_stamp_history(void)
{
    run_opts o1 = {NOW, NULL, 0, 0, 0};
    run_opts o2 = {"20230622T000000Z", NULL, 0, 0, 0};
    cst_status st;
    char *first = stored(GOOD, &o1, &st), *second, *third, *l;

    o2.previous = first;
    second = stored(first, &o2, &st);
    tap_str(second, first, "stamp history: a later run changes nothing");
    /* the client drops the stamps: the previous copy's come back */
    o2.previous = first;
    third = stored(GOOD, &o2, &st);
    l = find_prop(third, 0, "X-CALSTEWARD-AGENDA-SENT", 0, NULL);
    tap_str(l ? value_of(l) : NULL, NOW_STAMP,
            "stamp history: the dropped stamp keeps its first value");
    free(l);
    tap_str(third, first, "stamp history: the same bytes as the first time");
    free(first);
    free(second);
    free(third);
}

/* ---- 2. STRUCTURED-DATA ------------------------------------------------ */

/* An old agenda's STRUCTURED-DATA, folded by some client. */
#define SD_OLD                                                             \
    SD_HEAD "<agenda xmlns=\"urn:calsteward:agenda:1\" start=\"2023-06-26T1\r\n" \
    " 0:00:00+08:00\" end=\"2023-06-26T11:00:00+08:00\"><item n=\"1\" start=\"\r\n" \
    " 2023-06-26T10:00:00+08:00\"><topic>Old</topic></item><buffer start=\"20\r\n" \
    " 23-06-26T10:00:00+08:00\" minutes=\"10\"/></agenda>\r\n"

#define AGENDA_ODD                                                          \
    "DESCRIPTION:Goal: decide A & B <now>\\nAgenda:\\n1. Q&A <live> \"x\" (1\r\n" \
    " 0 min\\, @lisi) — goal: agree on 5 < 6\\n2. Budget\\; the split (PT20M\\, \r\n" \
    " 主持人)\\n3. Wrap-up (5 min\\, Nobody Known)\\n4. Open end\\n\r\n"

typedef struct sd_case {
    const char *name;
    const char *in;
    const char *now;
    int want_sd;                /* our STRUCTURED-DATA after the run */
    const char *xml_has[4];     /* substrings of the XML */
    const char *raw_has;        /* raw bytes that must stay */
    const char *followed_by;    /* raw line right after ours, or NULL */
} sd_case;

static const sd_case sd_cases[] = {
    {"added",
     GOOD, NOW, 1,
     {"<agenda xmlns=\"urn:calsteward:agenda:1\" "
      "start=\"2023-06-26T10:00:00+08:00\" end=\"2023-06-26T11:00:00+08:00\" "
      "tzid=\"Asia/Shanghai\"><goal>decide the Q3 budget split</goal>",
      "<item n=\"1\" start=\"2023-06-26T10:00:00+08:00\" minutes=\"10\">"
      "<topic>Review of last action items</topic><owner cn=\"Li Si\" "
      "address=\"mailto:lisi@example.com\">Li Si</owner></item>",
      "<item n=\"2\" start=\"2023-06-26T10:10:00+08:00\" minutes=\"30\">"
      "<topic>Q3预算分配</topic><owner cn=\"王五\" "
      "address=\"mailto:wangwu@example.com\">王五</owner></item>",
      "<buffer start=\"2023-06-26T10:40:00+08:00\" minutes=\"10\"/>"
      "</agenda>"},
     NULL, NULL},
    {"replaced in place when the agenda changed",
     CAL_HEAD EV_HEAD DESC_ORG SD_OLD "X-AFTER:mark\r\n" EV_TAIL CAL_TAIL,
     NOW, 1, {"<topic>Review of last action items</topic>", NULL, NULL, NULL},
     NULL, "X-AFTER:mark\r\n"},
    {"a second one of ours is removed",
     CAL_HEAD EV_HEAD DESC_ORG SD_OLD "X-AFTER:mark\r\n" SD_OLD EV_TAIL
     CAL_TAIL,
     NOW, 1, {"<topic>Q3预算分配</topic>", NULL, NULL, NULL},
     NULL, "X-AFTER:mark\r\n"},
    {"removed when the agenda is gone",
     CAL_HEAD EV_HEAD "DESCRIPTION:Goal: decide\r\n" SD_OLD EV_TAIL CAL_TAIL,
     NOW, 0, {NULL, NULL, NULL, NULL}, NULL, NULL},
    {"another schema stays, with ours added",
     CAL_HEAD EV_HEAD DESC_ORG SD_OTHER EV_TAIL CAL_TAIL,
     NOW, 1, {"<topic>Review of last action items</topic>", NULL, NULL, NULL},
     SD_OTHER, NULL},
    {"another schema stays when ours is removed",
     CAL_HEAD EV_HEAD SD_OTHER SD_OLD EV_TAIL CAL_TAIL,
     NOW, 0, {NULL, NULL, NULL, NULL}, SD_OTHER, NULL},
    {"ours inside a sub-component is not the event's",
     CAL_HEAD EV_HEAD DESC_ORG
     "BEGIN:PARTICIPANT\r\nUID:p1\r\nPARTICIPANT-TYPE:SPEAKER\r\n" SD_OLD
     "END:PARTICIPANT\r\n" EV_TAIL CAL_TAIL,
     NOW, 1, {"<topic>Q3预算分配</topic>", NULL, NULL, NULL},
     "PARTICIPANT-TYPE:SPEAKER\r\n" SD_OLD "END:PARTICIPANT\r\n", NULL},
    {"escaping: & < > \" ; , and owners: @name, host, unknown, none",
     CAL_HEAD EV_HEAD AGENDA_ODD EV_TAIL CAL_TAIL,
     NOW, 1,
     {"<goal>decide A &amp; B &lt;now&gt;</goal>",
      "<topic>Q&amp;A &lt;live&gt; \"x\"</topic><owner cn=\"Li Si\" "
      "address=\"mailto:lisi@example.com\">@lisi</owner>",
      "<topic>Budget; the split</topic><owner cn=\"Zhang San\" "
      "address=\"mailto:zhangsan@example.com\">主持人</owner>",
      "<item n=\"4\" start=\"2023-06-26T10:35:00+08:00\"><topic>Open end"
      "</topic></item>"},
     NULL, NULL},
    {"a meeting in UTC has no tzid",
     CAL_HEAD "BEGIN:VEVENT\r\nUID:utc@example.com\r\n"
     "DTSTART:20230626T020000Z\r\nDTEND:20230626T030000Z\r\n" PEOPLE
     DESC_ORG EV_TAIL CAL_TAIL,
     NOW, 1,
     {"<agenda xmlns=\"urn:calsteward:agenda:1\" "
      "start=\"2023-06-26T02:00:00Z\" end=\"2023-06-26T03:00:00Z\">",
      NULL, NULL, NULL},
     NULL, NULL},
    {"an address of another scheme keeps it",
     CAL_HEAD "BEGIN:VEVENT\r\nUID:urn@example.com\r\n"
     "DTSTART:20230626T020000Z\r\nDTEND:20230626T030000Z\r\n"
     "ORGANIZER;CN=Zhang San:mailto:zhangsan@example.com\r\n"
     "ATTENDEE;CN=Li Si:urn:uuid:0f3a2b5c-1111-2222-3333-444455556666\r\n"
     "DESCRIPTION:Agenda:\\n1. Review (10 min\\, Li Si)\r\n"
     EV_TAIL CAL_TAIL,
     NOW, 1,
     {"address=\"urn:uuid:0f3a2b5c-1111-2222-3333-444455556666\"", NULL,
      NULL, NULL},
     NULL, NULL},
    {"Europe/Berlin in summer",
     "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n" VTZ_BERLIN
     "BEGIN:VEVENT\r\nUID:berlin@example.com\r\n"
     "DTSTART;TZID=Europe/Berlin:20230626T100000\r\n"
     "DTEND;TZID=Europe/Berlin:20230626T110000\r\n" PEOPLE DESC_ORG
     EV_TAIL CAL_TAIL,
     NOW, 1,
     {"start=\"2023-06-26T10:00:00+02:00\" end=\"2023-06-26T11:00:00+02:00\" "
      "tzid=\"Europe/Berlin\"",
      NULL, NULL, NULL},
     NULL, NULL},
};

static void test_structured(void)
{
    size_t i, k;

    for (i = 0; i < N_ELEMS(sd_cases); i++) {
        const sd_case *c = &sd_cases[i];
        run_opts o = {c->now, NULL, 0, 0, 0};
        cst_status st;
        char *out = stored(c->in, &o, &st), *xml;
        cline w;
        char *l;

        tap_int(st, CST_OK, "structured %zu (%s): status", i, c->name);
        tap_int(count_sd(out, 0), c->want_sd, "structured %zu (%s): ours",
                i, c->name);
        xml = agenda_xml(out, 0);
        if (xml != NULL) {
            if (!tap_ok(rng_valid(xml),
                        "structured %zu (%s): valid against agenda.rng", i,
                        c->name))
                printf("#   %s\n#   %s\n", xml_err, xml);
        }
        for (k = 0; k < N_ELEMS(c->xml_has) && c->xml_has[k] != NULL; k++) {
            if (!tap_ok(xml != NULL && strstr(xml, c->xml_has[k]) != NULL,
                        "structured %zu (%s): XML holds %zu", i, c->name, k))
                printf("#   want: %s\n#   got:  %s\n", c->xml_has[k],
                       xml ? xml : "(none)");
        }
        if (c->raw_has != NULL)
            tap_ok(strstr(out, c->raw_has) != NULL,
                   "structured %zu (%s): raw bytes kept", i, c->name);
        if (c->followed_by != NULL) {
            l = find_sd(out, 0, &w);
            tap_ok(l != NULL
                       && strncmp(out + w.end, c->followed_by,
                                  strlen(c->followed_by)) == 0,
                   "structured %zu (%s): in place", i, c->name);
            free(l);
        }
        tap_ok(same_unowned(c->in, out),
               "structured %zu (%s): the rest as it was", i, c->name);
        free(xml);
        free(out);
    }
}

/*
 * An unchanged agenda leaves our line as it is, even folded differently
 * by a client: the value is compared, not the bytes.
 */
static void test_structured_unchanged(void)
{
    cst_status st;
    char *first = stored(GOOD, NULL, &st), *refolded, *again;
    cline w;
    char *l = find_sd(first, 0, &w);
    size_t n, i, o = 0, col = 0;

    if (!tap_ok(l != NULL, "structured unchanged: present")) {
        free(first);
        return;
    }
    /* fold the line at 40 octets (ASCII only here: no character split) */
    n = strlen(l);
    refolded = malloc(strlen(first) + n / 39 * 3 + 8);
    memcpy(refolded, first, w.start);
    o = w.start;
    for (i = 0; i < n; i++) {
        if (col == 40) {
            memcpy(refolded + o, "\r\n ", 3);
            o += 3;
            col = 1;
        }
        refolded[o++] = l[i];
        col++;
    }
    strcpy(refolded + o, first + w.vend);
    again = run(refolded, NULL, &st);
    tap_int(st, CST_OK, "structured unchanged: status");
    tap_ok(again == NULL, "structured unchanged: a refolded line is kept");
    free(again);
    free(refolded);
    free(l);
    free(first);
}

/* A goal longer than the XML keeps is cut on a character, so that the
 * object stays UTF-8 (else the next save would refuse it). */
static void test_structured_long_goal(void)
{
    static char in[16384];
    size_t o, i;
    cst_status st;
    char *out, *xml, *again;

    o = (size_t)snprintf(in, sizeof(in), "%s%sDESCRIPTION:目标：a",
                         CAL_HEAD, EV_HEAD);
    for (i = 0; i < 1500; i++) {
        /* lines of 100 characters, folded every 24 */
        if (i % 100 == 99) {
            memcpy(in + o, "\\n", 2);
            o += 2;
        }
        memcpy(in + o, (i % 24 == 23) ? "\r\n 中" : "中",
               (i % 24 == 23) ? 6 : 3);
        o += (i % 24 == 23) ? 6 : 3;
    }
    o += (size_t)snprintf(in + o, sizeof(in) - o,
                          "\\n议程：\\n1、回顾（10分钟，王五）\r\n%s%s",
                          EV_TAIL, CAL_TAIL);
    out = stored(in, NULL, &st);
    tap_int(st, CST_OK, "long goal: status");
    xml = agenda_xml(out, 0);
    if (!tap_ok(xml != NULL && rng_valid(xml), "long goal: valid XML"))
        printf("#   %s\n", xml_err);
    again = run(out, NULL, &st);
    tap_int(st, CST_OK, "long goal: the output reads again");
    tap_ok(again == NULL, "long goal: and stays");
    free(again);
    free(xml);
    free(out);
}

/* ---- 2b. agenda-property = x-property ----------------------------------- */

/* An old X-CALSTEWARD-AGENDA, as a server stored it. */
#define X_OLD                                                              \
    "X-CALSTEWARD-AGENDA;VALUE=TEXT;FMTTYPE=application/xml:<agenda xmlns=\r\n" \
    " \"urn:calsteward:agenda:1\"><topic>Old</topic></agenda>\r\n"

typedef struct xprop_case {
    const char *name;
    const char *in;
    int xprop;                  /* the policy's agenda-property */
    int want_x, want_sd;        /* X-CALSTEWARD-AGENDA, our STRUCTURED-DATA */
    const char *xml_has[3];     /* substrings of the X- property's XML */
    const char *raw_has;        /* raw bytes that must stay */
} xprop_case;

static const xprop_case xprop_cases[] = {
    {"x-property: the agenda in X-CALSTEWARD-AGENDA", GOOD, 1, 1, 0,
     {"<agenda xmlns=\"urn:calsteward:agenda:1\" "
      "start=\"2023-06-26T10:00:00+08:00\"",
      "<topic>Review of last action items</topic><owner cn=\"Li Si\" "
      "address=\"mailto:lisi@example.com\">Li Si</owner>",
      "<topic>Q3预算分配</topic>"},
     NULL},
    {"x-property: ',' as a character reference, ';' bare",
     CAL_HEAD EV_HEAD AGENDA_ODD EV_TAIL CAL_TAIL, 1, 1, 0,
     {"<topic>Budget; the split</topic>",
      "<goal>decide A &amp; B &lt;now&gt;</goal>", NULL},
     NULL},
    {"x-property: our STRUCTURED-DATA goes, another schema's stays",
     CAL_HEAD EV_HEAD DESC_ORG SD_OTHER SD_OLD EV_TAIL CAL_TAIL, 1, 1, 0,
     {"<topic>Q3预算分配</topic>", NULL, NULL}, SD_OTHER},
    {"x-property: an old one replaced in place",
     CAL_HEAD EV_HEAD DESC_ORG X_OLD "X-AFTER:mark\r\n" EV_TAIL CAL_TAIL, 1,
     1, 0, {"<topic>Review of last action items</topic>", NULL, NULL},
     "X-AFTER:mark\r\n"},
    {"x-property: removed when the agenda is gone",
     CAL_HEAD EV_HEAD "DESCRIPTION:Goal: decide\r\n" X_OLD EV_TAIL CAL_TAIL,
     1, 0, 0, {NULL, NULL, NULL}, NULL},
    {"default: no X-CALSTEWARD-AGENDA written", GOOD, 0, 0, 1,
     {NULL, NULL, NULL}, NULL},
    {"default: a left-over X-CALSTEWARD-AGENDA goes",
     CAL_HEAD EV_HEAD DESC_ORG X_OLD EV_TAIL CAL_TAIL, 0, 0, 1,
     {NULL, NULL, NULL}, NULL},
    {"x-property: a meeting without an agenda gets none",
     CAL_HEAD EV_HEAD "DESCRIPTION:Goal: decide\r\n" EV_TAIL CAL_TAIL, 1, 0,
     0, {NULL, NULL, NULL}, NULL},
};

/* The XML of X-CALSTEWARD-AGENDA in VEVENT v, the TEXT escapes undone;
 * *raw gets the value as written (heap), when raw is not NULL. */
static char *xprop_xml(const char *s, int v, char **raw)
{
    char *l = find_prop(s, v, "X-CALSTEWARD-AGENDA", 0, NULL), *x;

    if (raw != NULL)
        *raw = NULL;
    if (l == NULL)
        return NULL;
    x = unescape(value_of(l));
    if (raw != NULL)
        *raw = strdup(value_of(l));
    free(l);
    return x;
}

static void test_xprop(void)
{
    size_t i, k;

    for (i = 0; i < N_ELEMS(xprop_cases); i++) {
        const xprop_case *c = &xprop_cases[i];
        run_opts o = {NOW, NULL, 0, 0, 0};
        cst_status st;
        char *out, *raw = NULL, *again, *xml;

        run_xprop = c->xprop;
        out = stored(c->in, &o, &st);
        xml = xprop_xml(out, 0, &raw);

        tap_int(st, CST_OK, "xprop %zu (%s): status", i, c->name);
        tap_int(count_prop(out, 0, "X-CALSTEWARD-AGENDA"), c->want_x,
                "xprop %zu (%s): X-CALSTEWARD-AGENDA", i, c->name);
        tap_int(count_sd(out, 0), c->want_sd,
                "xprop %zu (%s): our STRUCTURED-DATA", i, c->name);
        if (c->want_x) {
            const char *l = strstr(out, "X-CALSTEWARD-AGENDA;");

            tap_ok(l != NULL
                       && strncmp(l, "X-CALSTEWARD-AGENDA;VALUE=TEXT;"
                                  "FMTTYPE=application/xml:<agenda ", 56)
                              == 0,
                   "xprop %zu (%s): VALUE=TEXT, FMTTYPE, the XML", i,
                   c->name);
            /* what libical 3.0 keeps through a re-serialisation (Cyrus):
             * it splits at ',' and drops the '\' of "\;" */
            tap_ok(raw != NULL && strchr(raw, ',') == NULL
                       && strstr(raw, "\\;") == NULL,
                   "xprop %zu (%s): no ',' and no \"\\;\" in the value", i,
                   c->name);
            if (!tap_ok(xml != NULL && rng_valid(xml),
                        "xprop %zu (%s): valid against agenda.rng", i,
                        c->name))
                printf("#   %s\n#   %s\n", xml_err, xml ? xml : "(none)");
        }
        for (k = 0; k < N_ELEMS(c->xml_has) && c->xml_has[k] != NULL; k++) {
            xmlDocPtr doc = xml ? xmlReadMemory(xml, (int)strlen(xml), "x",
                                                NULL, XML_PARSE_NONET)
                                : NULL;
            xmlChar *txt = NULL;
            int sz = 0;

            /* compare the XML as a parser reads it back */
            if (doc != NULL)
                xmlDocDumpMemoryEnc(doc, &txt, &sz, "UTF-8");
            if (!tap_ok(txt != NULL
                            && strstr((char *)txt, c->xml_has[k]) != NULL,
                        "xprop %zu (%s): XML holds %zu", i, c->name, k))
                printf("#   want: %s\n#   got:  %s\n", c->xml_has[k],
                       txt ? (char *)txt : "(none)");
            xmlFree(txt);
            xmlFreeDoc(doc);
        }
        if (c->raw_has != NULL)
            tap_ok(strstr(out, c->raw_has) != NULL,
                   "xprop %zu (%s): raw bytes kept", i, c->name);
        tap_ok(same_unowned(c->in, out),
               "xprop %zu (%s): the rest as it was", i, c->name);
        again = run(out, &o, &st);
        tap_ok(st == CST_OK && again == NULL,
               "xprop %zu (%s): a second run changes nothing", i, c->name);
        free(again);
        free(raw);
        free(xml);
        free(out);
    }
    run_xprop = 0;
}

/*
 * A client that re-serialises X-CALSTEWARD-AGENDA escapes its bare ';'
 * ("&lt\;"); the text is the same, so the line stays as that client wrote
 * it (no changed body, the server's ETag kept).  A changed agenda is
 * still written.
 */
static void test_xprop_escaped(void)
{
    run_opts o = {NOW, NULL, 0, 0, 0};
    cst_status st;
    char *first, *esc, *again;

    run_xprop = 1;
    first = stored(CAL_HEAD EV_HEAD AGENDA_ODD EV_TAIL CAL_TAIL, &o, &st);
    esc = replace_all(first, "&lt;", "&lt\\;");
    tap_ok(strcmp(esc, first) != 0, "xprop escaped: the copy has \"\\;\"");
    again = run(esc, &o, &st);
    tap_ok(st == CST_OK && again == NULL,
           "xprop escaped: the same text, left as it is");
    free(again);
    free(esc);
    esc = replace_all(first, "Open end", "Open END");
    again = run(esc, &o, &st);
    tap_ok(st == CST_OK && again != NULL
               && strstr(again, "<topic>Open END</topic>") != NULL,
           "xprop escaped: a changed agenda is rewritten");
    free(again);
    free(esc);
    free(first);
    run_xprop = 0;
}

/* ---- 3. the DESCRIPTION block ------------------------------------------ */

typedef struct desc_case {
    const char *name;
    const char *in;
    run_opts o;
    const char *want;   /* the unescaped DESCRIPTION, NULL: none */
} desc_case;

#define EV_NO_DESC CAL_HEAD EV_HEAD EV_TAIL CAL_TAIL
#define STALE_BLOCK                                                   \
    "\\n\\n" CST_BLOCK_BEGIN "\\nOpen points:\\n- stale\\n" CST_BLOCK_END

static const desc_case desc_cases[] = {
    {"appended after the organizer's text",
     GOOD, {NOW, NULL, 0, 0, 0},
     ORG "\n\n" BLK_BEGIN TIMETABLE BLK_END},
    {"a finding: the open points follow the timetable",
     CAL_HEAD EV_HEAD DESC_NO_GOAL EV_TAIL CAL_TAIL, {NOW, NULL, 0, 0, 0},
     ORG_NO_GOAL "\n\n" BLK_BEGIN TIMETABLE "Open points:\n" MSG_NO_GOAL
     BLK_END},
    {"timetable = no: only the open points",
     CAL_HEAD EV_HEAD DESC_NO_GOAL EV_TAIL CAL_TAIL, {NOW, NULL, 0, 1, 0},
     ORG_NO_GOAL "\n\n" BLK_BEGIN "Open points:\n" MSG_NO_GOAL BLK_END},
    {"nothing to say: no block",
     GOOD, {NOW, NULL, 0, 1, 0}, ORG},
    {"a stale block is replaced",
     CAL_HEAD EV_HEAD "DESCRIPTION:Goal: decide the Q3 budget split\\n\\nAg"
     "enda:\\n1. Review of last action items (10 min\\, Li Si)\\n2、Q3预算分配（"
     "30分钟，王五）\\n\\nMaterials: budget-q3.xlsx" STALE_BLOCK "\r\n"
     EV_TAIL CAL_TAIL,
     {NOW, NULL, 0, 0, 0}, ORG "\n\n" BLK_BEGIN TIMETABLE BLK_END},
    {"a stale block is removed when there is nothing to say",
     CAL_HEAD EV_HEAD "DESCRIPTION:Goal: decide the Q3 budget split\\n\\nAg"
     "enda:\\n1. Review of last action items (10 min\\, Li Si)\\n2、Q3预算分配（"
     "30分钟，王五）\\n\\nMaterials: budget-q3.xlsx" STALE_BLOCK "\r\n"
     EV_TAIL CAL_TAIL,
     {NOW, NULL, 0, 1, 0}, ORG},
    {"a DESCRIPTION that was only the block is removed",
     CAL_HEAD EV_HEAD "DESCRIPTION:" CST_BLOCK_BEGIN "\\nOpen points:\\n- x\\n"
     CST_BLOCK_END "\r\n" EV_TAIL CAL_TAIL,
     {NOW, NULL, 1, 0, 0}, NULL},
    {"added when the event had none and there are findings",
     EV_NO_DESC, {NOW, NULL, 0, 0, 0},
     BLK_BEGIN "Open points:\n"
     "- No agenda yet; it is due 3 days before the meeting.\n"
     "- No materials yet; they are due 2 days before the meeting.\n"
     MSG_NO_GOAL BLK_END},
    {"none added when there is nothing to say",
     EV_NO_DESC, {NOW, NULL, 1, 0, 0}, NULL},
    {"text the organizer wrote after the block is kept, before the new one",
     CAL_HEAD EV_HEAD "DESCRIPTION:Goal: decide the Q3 budget split\\n\\nAg"
     "enda:\\n1. Review of last action items (10 min\\, Li Si)\\n2、Q3预算分配（"
     "30分钟，王五）\\n\\nMaterials: budget-q3.xlsx" STALE_BLOCK
     "\\nMinutes:\\nWe chose A.\r\n" EV_TAIL CAL_TAIL,
     {"20230627T020000Z", NULL, 0, 0, 0},
     ORG "\nMinutes:\nWe chose A.\n\n" BLK_BEGIN TIMETABLE "Open points:\n"
     "- The minutes name no date for the next meeting.\n" BLK_END},
    {"only blank lines after the block are dropped",
     CAL_HEAD EV_HEAD "DESCRIPTION:Goal: decide the Q3 budget split\\n\\nAg"
     "enda:\\n1. Review of last action items (10 min\\, Li Si)\\n2、Q3预算分配（"
     "30分钟，王五）\\n\\nMaterials: budget-q3.xlsx" STALE_BLOCK
     "\\n \\n\r\n" EV_TAIL CAL_TAIL,
     {NOW, NULL, 0, 0, 0}, ORG "\n\n" BLK_BEGIN TIMETABLE BLK_END},
    {"the timetable in UTC for a meeting in UTC",
     CAL_HEAD "BEGIN:VEVENT\r\nUID:utc@example.com\r\n"
     "DTSTART:20230626T020000Z\r\nDTEND:20230626T030000Z\r\n" PEOPLE
     DESC_ORG EV_TAIL CAL_TAIL,
     {NOW, NULL, 0, 0, 0},
     ORG "\n\n" BLK_BEGIN "Timetable:\n"
     "02:00–02:10  Review of last action items — Li Si\n"
     "02:10–02:40  Q3预算分配 — 王五\n"
     "02:40–02:50  Buffer\n" BLK_END},
    {"the timetable in Europe/Berlin, items without a duration or owner",
     "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n" VTZ_BERLIN
     "BEGIN:VEVENT\r\nUID:berlin@example.com\r\n"
     "DTSTART;TZID=Europe/Berlin:20230626T160000\r\n"
     "DTEND;TZID=Europe/Berlin:20230626T170000\r\n" PEOPLE
     "DESCRIPTION:Goal: decide\\nAgenda:\\n1. Intro (Li Si)\\n2. Plan (25 m"
     "in)\\nMaterials: plan.pdf\r\n" EV_TAIL CAL_TAIL,
     {NOW, NULL, 0, 0, 0},
     "Goal: decide\nAgenda:\n1. Intro (Li Si)\n2. Plan (25 min)\n"
     "Materials: plan.pdf\n\n" BLK_BEGIN "Timetable (Europe/Berlin):\n"
     "16:00–?      Intro — Li Si\n"
     "16:00–16:25  Plan\n"
     "16:25–16:35  Buffer\n"
     "Open points:\n"
     "- Agenda item 1 \"Intro\" lacks a duration.\n"
     "- Agenda item 2 \"Plan\" lacks an owner.\n" BLK_END},
    {"zh_CN through the translate callback",
     "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n" VTZ_BERLIN
     "BEGIN:VEVENT\r\nUID:berlin@example.com\r\n"
     "DTSTART;TZID=Europe/Berlin:20230626T160000\r\n"
     "DTEND;TZID=Europe/Berlin:20230626T170000\r\n" PEOPLE
     "DESCRIPTION:议程：\\n1、开场（王五）\\n2、计划（25分钟）\\n材料：plan.pdf\r\n"
     EV_TAIL CAL_TAIL,
     {NOW, NULL, 0, 0, 1},
     "议程：\n1、开场（王五）\n2、计划（25分钟）\n材料：plan.pdf\n\n" BLK_BEGIN
     "时间表 (Europe/Berlin):\n"
     "16:00–?      开场 — 王五\n"
     "16:00–16:25  计划\n"
     "16:25–16:35  缓冲\n"
     "待解决:\n"
     "- 没有会议目标：请写明会议要达成的结果。\n"
     "- 议程第1项“开场”缺少时长。\n"
     "- 议程第2项“计划”缺少负责人。\n" BLK_END},
};

static void test_description(void)
{
    size_t i;

    for (i = 0; i < N_ELEMS(desc_cases); i++) {
        const desc_case *c = &desc_cases[i];
        cst_status st;
        char *out, *d, *again;
        size_t keep = organizer_raw_end(c->in);

        tr_calls = 0;
        out = stored(c->in, &c->o, &st);
        tap_int(st, CST_OK, "description %zu (%s): status", i, c->name);
        d = description(out, 0);
        tap_str(d, c->want, "description %zu (%s): the text", i, c->name);
        tap_int(count_prop(out, 0, "DESCRIPTION"), c->want != NULL,
                "description %zu (%s): one DESCRIPTION", i, c->name);
        if (c->o.zh)
            tap_ok(tr_calls > 0, "description %zu (%s): translated", i,
                   c->name);
        /* the organizer's bytes and folds: the raw prefix is the input's */
        if (c->want != NULL && keep > 0)
            tap_ok(strlen(out) >= keep && memcmp(out, c->in, keep) == 0,
                   "description %zu (%s): organizer's raw bytes kept", i,
                   c->name);
        tap_ok(same_unowned(c->in, out),
               "description %zu (%s): the rest as it was", i, c->name);
        /* the next save, a bit later, changes nothing */
        {
            run_opts later = c->o;

            later.now = strcmp(c->o.now, NOW) == 0 ? NOW_LATER : c->o.now;
            later.previous = out;
            again = run(out, &later, &st);
            tap_ok(st == CST_OK && again == NULL,
                   "description %zu (%s): idempotent", i, c->name);
            if (again != NULL)
                printf("#   second run:\n%s", again);
        }
        free(again);
        free(d);
        free(out);
    }
}

/*
 * The block comes and goes while the organizer's DESCRIPTION line keeps
 * its exact bytes and folds: write it with the block, then take it away.
 */
static const char *const fold_inputs[] = {
    GOOD,
    /* one long line */
    CAL_HEAD EV_HEAD "DESCRIPTION:Goal: decide the Q3 budget split\\n\\nAgenda:"
    "\\n1. Review of last action items (10 min\\, Li Si)\\n2、Q3预算分配（30分钟，"
    "王五）\\n\\nMaterials: budget-q3.xlsx\r\n" EV_TAIL CAL_TAIL,
    /* folded with tabs, short lines, a parameter, ending on a fold */
    CAL_HEAD EV_HEAD "DESCRIPTION;LANGUAGE=en:Goal: decide the Q3 b\r\n"
    "\tudget split\\n\\nAgenda:\\n1. Review of last action items (10 \r\n"
    " min\\, Li Si)\\n2、Q3预算分配（30分钟，王五）\\n\\nMaterials: budget-q3.x\r\n"
    " lsx\r\n" EV_TAIL CAL_TAIL,
    /* a last physical line that is exactly 75 octets */
    CAL_HEAD EV_HEAD "DESCRIPTION:Goal: decide the Q3 budget split\\n\\nAgenda:"
    "\\n1. Review of l\r\n"
    " ast action items (10 min\\, Li Si)\\n2. Budget (30 min\\, Li Si)\\n\\nMat\r\n"
    " erials: budget-q3.xlsx and more xlsx files to read before we meet, please!\r\n"
    EV_TAIL CAL_TAIL,
};

static void test_fold_roundtrip(void)
{
    size_t i;

    for (i = 0; i < N_ELEMS(fold_inputs); i++) {
        run_opts with = {NOW, NULL, 0, 0, 0}, without = {NOW, NULL, 0, 1, 0};
        cst_status st;
        char *a = stored(fold_inputs[i], &with, &st), *b;
        cline wi, wb;
        char *li = find_prop(fold_inputs[i], 0, "DESCRIPTION", 0, &wi);
        char *lb;
        size_t keep = organizer_raw_end(fold_inputs[i]);

        tap_ok(strlen(a) > keep && memcmp(a, fold_inputs[i], keep) == 0,
               "fold %zu: the organizer's bytes come first", i);
        /* no physical line longer than 75 octets was made */
        {
            size_t p = keep, ls, longest = 0;

            while (p > 0 && a[p - 1] != '\n' && a[p - 1] != '\r')
                p--;
            while (a[p] != '\0') {
                ls = p;
                while (a[p] != '\0' && a[p] != '\r' && a[p] != '\n')
                    p++;
                /* the organizer's own line may be longer, when it ends
                 * where the organizer's text does */
                if (p - ls > 75 && !(ls < keep && p == keep)
                    && p - ls > longest)
                    longest = p - ls;
                p += eol_len(a + p);
            }
            tap_ok(longest == 0, "fold %zu: added lines <= 75 octets (%zu)", i,
                   longest);
        }
        b = stored(a, &without, &st);
        lb = find_prop(b, 0, "DESCRIPTION", 0, &wb);
        tap_ok(li != NULL && lb != NULL
                   && wi.end - wi.start == wb.end - wb.start
                   && memcmp(fold_inputs[i] + wi.start, b + wb.start,
                             wi.end - wi.start) == 0,
               "fold %zu: without the block, the line's bytes are the input's",
               i);
        free(li);
        free(lb);
        free(a);
        free(b);
    }
}

/* ---- 4. idempotence ---------------------------------------------------- */

#define REC_MASTER                                                          \
    "BEGIN:VEVENT\r\n"                                                      \
    "UID:weekly@example.com\r\n"                                            \
    "DTSTAMP:20230612T080000Z\r\n"                                          \
    "DTSTART;TZID=Asia/Shanghai:20230626T100000\r\n"                        \
    "DTEND;TZID=Asia/Shanghai:20230626T110000\r\n"                          \
    "RRULE:FREQ=WEEKLY;COUNT=4\r\n"                                         \
    "SUMMARY:Weekly\r\n" PEOPLE                                             \
    "DESCRIPTION:Goal: decide the plan\\nAgenda:\\n1. Review (10 min\\, Li Si\r\n" \
    " )\\nMaterials: plan.pdf\r\n"                                          \
    "END:VEVENT\r\n"
#define REC_OVERRIDE                                                        \
    "BEGIN:VEVENT\r\n"                                                      \
    "UID:weekly@example.com\r\n"                                            \
    "DTSTAMP:20230612T080000Z\r\n"                                          \
    "RECURRENCE-ID;TZID=Asia/Shanghai:20230703T100000\r\n"                  \
    "DTSTART;TZID=Asia/Shanghai:20230703T140000\r\n"                        \
    "DTEND;TZID=Asia/Shanghai:20230703T150000\r\n"                          \
    "SUMMARY:Weekly (moved)\r\n" PEOPLE                                     \
    "DESCRIPTION:Goal: decide the budget\\nAgenda:\\n1. Budget (20 min\\, 王五)\r\n" \
    " \\nMaterials: budget.pdf\r\n"                                         \
    "END:VEVENT\r\n"
#define RECURRING CAL_HEAD REC_MASTER REC_OVERRIDE CAL_TAIL

#define ODD                                                                 \
    CAL_HEAD                                                                \
    "X-WR-CALNAME;X-ODD=\"a:b;c\":Team\r\n"                                 \
    "BEGIN:VEVENT\r\n"                                                      \
    "UID:odd@example.com\r\n"                                               \
    "DTSTAMP:20230612T080000Z\r\n"                                          \
    "DTSTART;TZID=Asia/Shanghai:20230626T100000\r\n"                        \
    "DTEND;TZID=Asia/Shanghai:20230626T110000\r\n"                          \
    "ORGANIZER;CN=Zhang San:mailto:zhangsan@example.com\r\n"                \
    "ATTEN\r\n DEE;PARTSTAT=ACCEPTED;CN=\"Li Si\";X-Z=\"a:b\":MAILTO:LiSi@Example.COM\r\n" \
    "ATTENDEE;CN=王五:mailto:wangwu@example.com\r\n"                        \
    "X-ALT-DESC;FMTTYPE=text/html:<p>Agenda</p>\r\n"                        \
    "x-lower-case;b=2;a=1:kept\r\n"                                         \
    "COLOR:teal\r\n"                                                        \
    "CONFERENCE;VALUE=URI;FEATURE=AUDIO,VIDEO;LABEL=Join:https://meet.examp\r\n" \
    "\tle.com/q3\r\n"                                                       \
    "DESCRIPTION:Goal: decide the Q3 budget split\\nAgenda:\\n1. Review (10 m\r\n" \
    " in\\, Li Si)\\nMaterials: budget.xlsx\r\n"                            \
    "X-MICROSOFT-CDO-BUSYSTATUS:BUSY\r\n"                                   \
    "BEGIN:PARTICIPANT\r\n"                                                 \
    "UID:p-1@example.com\r\n"                                               \
    "PARTICIPANT-TYPE:SPEAKER\r\n"                                          \
    "CALENDAR-ADDRESS:mailto:lisi@example.com\r\n"                          \
    "DESCRIPTION:Speaks about the budget\r\n"                               \
    "END:PARTICIPANT\r\n"                                                   \
    "BEGIN:VLOCATION\r\n"                                                   \
    "UID:loc-1@example.com\r\n"                                             \
    "NAME:Room 5F\r\n"                                                      \
    "LOCATION-TYPE:meeting-room\r\n"                                        \
    "END:VLOCATION\r\n"                                                     \
    "BEGIN:VALARM\r\n"                                                      \
    "ACTION:DISPLAY\r\n"                                                    \
    "TRIGGER:-PT15M\r\n"                                                    \
    "DESCRIPTION:Reminder\r\n"                                              \
    "END:VALARM\r\n"                                                        \
    "END:VEVENT\r\n"                                                        \
    "BEGIN:X-UNKNOWN-THING\r\n"                                             \
    "X-FOO:bar\r\n"                                                         \
    "END:X-UNKNOWN-THING\r\n" CAL_TAIL

typedef struct idem_case {
    const char *name;
    const char *in;
    const char *now1, *now2;
} idem_case;

static const idem_case idem_cases[] = {
    {"a complete meeting", GOOD, NOW, NOW_LATER},
    {"a meeting with findings",
     CAL_HEAD EV_HEAD DESC_NO_GOAL EV_TAIL CAL_TAIL, NOW, NOW_LATER},
    {"no DESCRIPTION", EV_NO_DESC, NOW, NOW_LATER},
    {"odd text", CAL_HEAD EV_HEAD AGENDA_ODD EV_TAIL CAL_TAIL, NOW, NOW_LATER},
    {"after the meeting, with minutes",
     CAL_HEAD EV_HEAD DESC_MINUTES EV_TAIL CAL_TAIL, "20230626T040000Z",
     "20230626T050000Z"},
    {"a recurring meeting with an override", RECURRING, NOW, NOW_LATER},
    {"unknown components and odd folding", ODD, NOW, NOW_LATER},
};

static void test_idempotence(void)
{
    size_t i;

    for (i = 0; i < N_ELEMS(idem_cases); i++) {
        const idem_case *c = &idem_cases[i];
        run_opts o1 = {c->now1, NULL, 0, 0, 0}, o2 = {c->now2, NULL, 0, 0, 0};
        cst_status st;
        char *first = stored(c->in, &o1, &st), *second, *third;

        tap_int(st, CST_OK, "idempotence %zu (%s): status", i, c->name);
        second = run(first, &o1, &st);
        tap_ok(st == CST_OK && second == NULL,
               "idempotence %zu (%s): same now, unchanged", i, c->name);
        o2.previous = first;
        third = run(first, &o2, &st);
        tap_ok(st == CST_OK && third == NULL,
               "idempotence %zu (%s): later now, unchanged", i, c->name);
        if (third != NULL)
            printf("#   first:\n%s#   third:\n%s", first, third);
        free(first);
        free(second);
        free(third);
    }
}

/* ---- 5. what is left alone --------------------------------------------- */

#define AGENDA_DESC                                                         \
    "DESCRIPTION:Agenda:\\n1. Review (10 min\\, Li Si)\r\n"

typedef struct alone_case {
    const char *name;
    const char *in;
    cst_status st;
} alone_case;

static const alone_case alone_cases[] = {
    {"no ORGANIZER",
     CAL_HEAD "BEGIN:VEVENT\r\nUID:a@example.com\r\n"
     "DTSTART:20230626T020000Z\r\n"
     "ATTENDEE:mailto:lisi@example.com\r\n" AGENDA_DESC SD_OLD EV_TAIL
     CAL_TAIL, CST_OK},
    {"the organizer alone (also as attendee, other case)",
     CAL_HEAD "BEGIN:VEVENT\r\nUID:a@example.com\r\n"
     "DTSTART:20230626T020000Z\r\n"
     "ORGANIZER:mailto:zhangsan@example.com\r\n"
     "ATTENDEE:MAILTO:ZhangSan@Example.com\r\n" AGENDA_DESC EV_TAIL CAL_TAIL,
     CST_OK},
    {"all-day",
     CAL_HEAD "BEGIN:VEVENT\r\nUID:a@example.com\r\n"
     "DTSTART;VALUE=DATE:20230626\r\n" PEOPLE AGENDA_DESC EV_TAIL CAL_TAIL,
     CST_OK},
    {"cancelled",
     CAL_HEAD "BEGIN:VEVENT\r\nUID:a@example.com\r\nSTATUS:CANCELLED\r\n"
     "DTSTART:20230626T020000Z\r\n" PEOPLE
     "DESCRIPTION:Agenda:\\n1. Review (10 min\\, Li Si)" STALE_BLOCK "\r\n"
     EV_TAIL CAL_TAIL, CST_OK},
    {"a VTODO",
     CAL_HEAD "BEGIN:VTODO\r\nUID:t@example.com\r\n"
     "DTSTART:20230626T020000Z\r\nDUE:20230627T020000Z\r\n" PEOPLE
     AGENDA_DESC "END:VTODO\r\n" CAL_TAIL, CST_OK},
    {"a VJOURNAL",
     CAL_HEAD "BEGIN:VJOURNAL\r\nUID:j@example.com\r\n"
     "DTSTART:20230626T020000Z\r\n" PEOPLE AGENDA_DESC "END:VJOURNAL\r\n"
     CAL_TAIL, CST_OK},
    {"only a VTIMEZONE", CAL_HEAD CAL_TAIL, CST_OK},
    {"not iCalendar", "hello\r\n", CST_ERR_PARSE},
    {"truncated", CAL_HEAD EV_HEAD DESC_ORG, CST_ERR_PARSE},
};

static void test_left_alone(void)
{
    size_t i;

    for (i = 0; i < N_ELEMS(alone_cases); i++) {
        const alone_case *c = &alone_cases[i];
        cst_status st;
        char *out = run(c->in, NULL, &st);

        tap_int(st, c->st, "left alone %zu (%s): status", i, c->name);
        tap_ok(out == NULL, "left alone %zu (%s): *out == NULL", i, c->name);
        free(out);
    }
}

/* Unknown components, X- properties, odd folding: byte for byte. */
static void test_unknown(void)
{
    cst_status st;
    char *out = stored(ODD, NULL, &st), *l;
    size_t keep = organizer_raw_end(ODD);
    const char *subs = strstr(ODD, "BEGIN:PARTICIPANT");
    const char *sub = strstr(out, "BEGIN:PARTICIPANT");
    const char *stamp = strstr(out, "X-CALSTEWARD-AGENDA-SENT");

    tap_int(st, CST_OK, "unknown: status");
    (void)keep; /* X-ALT-DESC comes first and carries the block too */
    keep = (size_t)(strstr(ODD, "X-ALT-DESC") - ODD)
           + strlen("X-ALT-DESC;FMTTYPE=text/html:<p>Agenda</p>");
    tap_ok(memcmp(out, ODD, keep) == 0, "unknown: the bytes up to the "
           "organizer's HTML end are the input's");
    tap_ok(strstr(out, "X-ALT-DESC;FMTTYPE=text/html:<p>Agenda</p><div class="
                       "\"calsteward\">") != NULL,
           "unknown: X-ALT-DESC carries the block after its own HTML");
    tap_ok(strstr(out, "\r\nX-MICROSOFT-CDO-BUSYSTATUS:BUSY\r\n") != NULL
               && strlen(out) > strlen(subs)
               && strcmp(out + strlen(out) - strlen(subs), subs) == 0,
           "unknown: sub-components and what follows are the input's");
    tap_ok(same_unowned(ODD, out), "unknown: the rest as it was");
    tap_ok(stamp != NULL && sub != NULL && stamp < sub,
           "unknown: new lines go after the last property, before the "
           "first sub-component");
    tap_int(count_sd(out, 0), 1, "unknown: our STRUCTURED-DATA");
    l = description(out, 0);
    tap_ok(l != NULL && strstr(l, "10:00–10:10  Review — Li Si\n") != NULL,
           "unknown: the owner resolved through the odd ATTENDEE");
    free(l);
    l = find_prop(out, -1, "DESCRIPTION", 1, NULL);
    tap_str(l, "DESCRIPTION:Speaks about the budget",
            "unknown: PARTICIPANT's DESCRIPTION untouched");
    free(l);
    free(out);
}

/* LF-only input keeps LF, and the lines added use LF. */
static void test_lf(void)
{
    const char *inputs[] = {GOOD, ODD, RECURRING, EV_NO_DESC};
    size_t i;

    for (i = 0; i < N_ELEMS(inputs); i++) {
        char *lf = replace_all(inputs[i], "\r\n", "\n");
        char *crlf_out, *lf_out, *back;
        cst_status st;

        crlf_out = stored(inputs[i], NULL, &st);
        lf_out = stored(lf, NULL, &st);
        tap_int(st, CST_OK, "LF %zu: status", i);
        tap_ok(strchr(lf_out, '\r') == NULL, "LF %zu: no CR in the output", i);
        back = replace_all(crlf_out, "\r\n", "\n");
        tap_str(lf_out, back, "LF %zu: the same as the CRLF output, in LF", i);
        free(back);
        free(lf);
        free(crlf_out);
        free(lf_out);
    }
}

/* ---- 6. a recurring meeting with an override --------------------------- */

static void test_recurring(void)
{
    run_opts o = {NOW, NULL, 0, 0, 0};
    cst_status st;
    char *out = stored(RECURRING, &o, &st), *d0, *d1, *x0, *x1, *l;
    char *prev_in, *again;

    tap_int(st, CST_OK, "recurring: status");
    d0 = description(out, 0);
    d1 = description(out, 1);
    tap_str(d0,
            "Goal: decide the plan\nAgenda:\n1. Review (10 min, Li Si)\n"
            "Materials: plan.pdf\n\n" BLK_BEGIN "Timetable (Asia/Shanghai):\n"
            "10:00–10:10  Review — Li Si\n10:10–10:20  Buffer\n" BLK_END,
            "recurring: the master's block");
    tap_str(d1,
            "Goal: decide the budget\nAgenda:\n1. Budget (20 min, 王五)\n"
            "Materials: budget.pdf\n\n" BLK_BEGIN
            "Timetable (Asia/Shanghai):\n"
            "14:00–14:20  Budget — 王五\n14:20–14:30  Buffer\n" BLK_END,
            "recurring: the override's own block");
    x0 = agenda_xml(out, 0);
    x1 = agenda_xml(out, 1);
    tap_ok(x0 != NULL && strstr(x0, "start=\"2023-06-26T10:00:00+08:00\""),
           "recurring: the master's XML is for the next occurrence");
    tap_ok(x1 != NULL && strstr(x1, "start=\"2023-07-03T14:00:00+08:00\"")
               && strstr(x1, "<topic>Budget</topic>"),
           "recurring: the override's XML is its own");
    tap_ok(x0 && x1 && rng_valid(x0) && rng_valid(x1),
           "recurring: both valid against agenda.rng");
    tap_int(count_prop(out, 0, "X-CALSTEWARD-AGENDA-SENT"), 1,
            "recurring: the master's stamp");
    tap_int(count_prop(out, 1, "X-CALSTEWARD-AGENDA-SENT"), 1,
            "recurring: the override's stamp");
    tap_ok(same_unowned(RECURRING, out), "recurring: the rest as it was");
    free(x0);
    free(x1);
    free(d0);
    free(d1);

    /* after the first occurrence: the master's next is 07-10 (07-03 is
     * the override's) */
    o.now = "20230627T020000Z";
    o.previous = out;
    again = stored(out, &o, &st);
    x0 = agenda_xml(again, 0);
    tap_ok(x0 != NULL && strstr(x0, "start=\"2023-07-10T10:00:00+08:00\""),
           "recurring: the master's XML moves to the next occurrence");
    free(x0);
    free(again);

    /* the client drops the stamps: each comes back from the previous
     * copy's VEVENT with the same RECURRENCE-ID */
    {
        run_opts o3 = {NOW_LATER, NULL, 0, 0, 0};
        char *tmp = replace_all(RECURRING, "SUMMARY:Weekly\r\n",
                                "SUMMARY:Weekly\r\n"
                                "X-CALSTEWARD-AGENDA-SENT:20230605T000000Z\r\n");
        char *client;

        prev_in = replace_all(tmp, "SUMMARY:Weekly (moved)\r\n",
                              "SUMMARY:Weekly (moved)\r\n"
                              "X-CALSTEWARD-AGENDA-SENT:20230601T000000Z\r\n");
        free(tmp);
        o3.previous = prev_in;
        client = stored(RECURRING, &o3, &st);
        l = find_prop(client, 1, "X-CALSTEWARD-AGENDA-SENT", 0, NULL);
        tap_str(l ? value_of(l) : NULL, "20230601T000000Z",
                "recurring: the override's stamp from the previous override");
        free(l);
        l = find_prop(client, 0, "X-CALSTEWARD-AGENDA-SENT", 0, NULL);
        tap_str(l ? value_of(l) : NULL, "20230605T000000Z",
                "recurring: the master's stamp from the previous master");
        free(l);
        free(client);
    }
    free(prev_in);
    free(out);
}

/* Findings as "rule@occurrence" lines (heap). */
static char *findings_text(const cst_findings *f)
{
    size_t i, n = 0;
    char *r = malloc(f->n * 64 + 1);

    if (r == NULL)
        return NULL;
    r[0] = '\0';
    for (i = 0; i < f->n; i++)
        n += (size_t)snprintf(r + n, 64, "%d@%lld\n", (int)f->v[i].rule,
                              (long long)f->v[i].occ_start);
    return r;
}

/*
 * The document handle: one parse answers check, process (twice, with the
 * stored copy as a handle of its own) and tasks as the text functions do,
 * and process leaves the handle as it found it (the stored stamps it
 * applies are undone).
 */
static void test_doc(void)
{
    static const char x[] = CAL_HEAD EV_HEAD DESC_ORG
        "X-CALSTEWARD-AGENDA-SENT:20230624T000000Z\r\n" EV_TAIL CAL_TAIL;
    static const char prevx[] = CAL_HEAD EV_HEAD DESC_ORG
        "X-CALSTEWARD-AGENDA-SENT:20230601T000000Z\r\n" EV_TAIL CAL_TAIL;
    cst_policy pol;
    cst_doc *d = NULL, *pd = NULL;
    cst_process_in in;
    cst_tasks_in tin;
    cst_task_list l1, l2;
    cst_findings f1 = {NULL, 0, 0}, f2 = {NULL, 0, 0};
    cst_error err;
    char *ref = NULL, *o1 = NULL, *o2 = NULL, *t1, *t2, *c1 = NULL, *c2 = NULL;
    size_t rl = 0, l1n = 0, l2n = 0, n1, n2;
    time_t now = utc(NOW);

    cst_policy_init(&pol);
    memset(&in, 0, sizeof(in));
    in.policy = &pol;
    in.now = now;
    in.previous = prevx;
    in.previous_len = strlen(prevx);
    in.previous_known = 1;
    tap_ok(cst_process(x, strlen(x), &in, &ref, &rl, &err) == CST_OK
               && ref != NULL,
           "doc: cst_process with the stored copy");
    tap_ok(cst_doc_parse(x, strlen(x), &pol, &d, &err) == CST_OK
               && cst_doc_parse(prevx, strlen(prevx), &pol, &pd, &err)
                      == CST_OK,
           "doc: parse");
    if (d == NULL || pd == NULL || ref == NULL)
        goto done;
    tap_ok(cst_doc_needs_previous(d, "zhangsan") == 1
               && cst_doc_needs_previous(d, NULL) == 1
               && cst_doc_needs_previous(d, "lisi") == 0,
           "doc: the stored copy matters only for the organizer's meetings");
    tap_ok(cst_doc_check(d, now, &f1) == CST_OK, "doc: check");
    tap_ok(cst_doc_process(d, pd, &in, &o1, &n1, &err) == CST_OK && o1 != NULL
               && n1 == rl && memcmp(o1, ref, rl) == 0,
           "doc: process gives what cst_process gives");
    tap_ok(cst_doc_process(d, pd, &in, &o2, &n2, &err) == CST_OK && o2 != NULL
               && n2 == rl && memcmp(o2, ref, rl) == 0,
           "doc: and again on the same handle");
    tap_ok(cst_doc_check(d, now, &f2) == CST_OK, "doc: check after process");
    t1 = findings_text(&f1);
    t2 = findings_text(&f2);
    tap_ok(t1 != NULL && t2 != NULL && f1.n > 0 && strcmp(t1, t2) == 0,
           "doc: process left the client's stamps (%zu findings)", f1.n);
    free(t1);
    free(t2);
    memset(&tin, 0, sizeof(tin));
    tin.policy = &pol;
    tin.now = now;
    if (cst_doc_tasks(d, &tin, &l1, &err) == CST_OK) {
        c1 = cst_task_list_calendar(&l1, &l1n);
        cst_task_list_fini(&l1);
    }
    if (cst_tasks_build(x, strlen(x), &tin, &l2, &err) == CST_OK) {
        c2 = cst_task_list_calendar(&l2, &l2n);
        cst_task_list_fini(&l2);
    }
    tap_ok(c1 != NULL && c2 != NULL && l1n == l2n && memcmp(c1, c2, l1n) == 0,
           "doc: tasks give what cst_tasks_build gives");
done:
    free(c1);
    free(c2);
    cst_findings_fini(&f1);
    cst_findings_fini(&f2);
    free(ref);
    free(o1);
    free(o2);
    cst_doc_free(&d);
    cst_doc_free(&pd);
    tap_ok(d == NULL && pd == NULL, "doc: free clears the pointers");
}

int main(void)
{
    icalerror_set_errors_are_fatal(0);
    xmlInitParser();
    load_rng();

    test_stamps();
    test_stamp_history();
    test_structured();
    test_structured_unchanged();
    test_structured_long_goal();
    test_xprop();
    test_xprop_escaped();
    test_description();
    test_fold_roundtrip();
    test_idempotence();
    test_left_alone();
    test_unknown();
    test_lf();
    test_recurring();
    test_doc();

    if (rng != NULL)
        xmlRelaxNGFree(rng);
    xmlCleanupParser();
    return tap_done();
}
