/*
 * test-icaltext.c -- core/icaltext.c: the byte-preserving scanner of
 * iCalendar text (components, content lines, folding, quoted parameters,
 * line ends), value and parameter access, folding and TEXT escapes, and
 * edits that leave every byte they do not own as it was.
 */
#include "tests/unit/tap.h"
#include "core/icaltext.h"
#include "core/text.h"

#include <stdlib.h>

#define N_ELEMS(x) (sizeof(x) / sizeof((x)[0]))

/* ---- helpers ---------------------------------------------------------- */

/* A small growing string for descriptions and generated inputs. */
typedef struct sbuf {
    char *s;
    size_t n, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 256;
        char *ns;

        while (nc < b->n + n + 1)
            nc *= 2;
        ns = realloc(b->s, nc);
        if (ns == NULL)
            abort();
        b->s = ns;
        b->cap = nc;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static void sb_fmt(sbuf *b, const char *fmt, long v)
{
    char tmp[32];

    snprintf(tmp, sizeof(tmp), fmt, v);
    sb_str(b, tmp);
}

/*
 * Describes a scan: "VCALENDAR^-1 VEVENT^0 | VERSION@0 UID@1".  Components
 * with their parent index, properties with their component index.
 */
static char *describe(const cst_icaltext *t)
{
    sbuf b = {NULL, 0, 0};
    size_t i;

    sb_str(&b, "");
    for (i = 0; i < t->n_comps; i++) {
        if (i > 0)
            sb_str(&b, " ");
        sb_str(&b, t->comps[i].name);
        sb_fmt(&b, "^%ld", t->comps[i].parent);
    }
    sb_str(&b, " |");
    for (i = 0; i < t->n_props; i++) {
        sb_str(&b, " ");
        sb_str(&b, t->props[i].name);
        sb_fmt(&b, "@%ld", t->props[i].comp);
    }
    return b.s;
}

/* Checks the offsets of a scan against the text: every component's BEGIN
 * and END lines where they say, every property's ':' a ':', properties
 * inside their component, first_child between body and end. */
static int offsets_consistent(const cst_icaltext *t)
{
    size_t i;

    for (i = 0; i < t->n_comps; i++) {
        const cst_ical_comp *c = &t->comps[i];

        if (!(c->begin < c->body && c->body <= c->first_child &&
              c->first_child <= c->end && c->end < c->after &&
              c->after <= t->len))
            return 0;
        if ((t->buf[c->begin] | 0x20) != 'b' || (t->buf[c->end] | 0x20) != 'e')
            return 0;
        if (c->parent >= 0 && !(t->comps[c->parent].body <= c->begin &&
                                c->after <= t->comps[c->parent].end))
            return 0;
    }
    for (i = 0; i < t->n_props; i++) {
        const cst_ical_prop *p = &t->props[i];
        const cst_ical_comp *c = &t->comps[p->comp];

        if (t->buf[p->colon] != ':' || !(p->start < p->colon) ||
            !(p->colon < p->end) || p->start < c->body || p->end > c->end)
            return 0;
    }
    return 1;
}

/* ---- scanning --------------------------------------------------------- */

static const struct scan_case {
    const char *in;
    const char *want; /* describe() */
    const char *eol;
} scan_cases[] = {
    /* 0: CRLF, nesting, parents */
    {"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n"
     "BEGIN:VEVENT\r\nUID:1\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\n"
     "END:VALARM\r\nSUMMARY:s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
     "VCALENDAR^-1 VEVENT^0 VALARM^1 | VERSION@0 PRODID@0 UID@1 ACTION@2 "
     "SUMMARY@1",
     "\r\n"},
    /* 1: LF only */
    {"BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VTODO\nUID:1\nEND:VTODO\n"
     "END:VCALENDAR\n",
     "VCALENDAR^-1 VTODO^0 | VERSION@0 UID@1", "\n"},
    /* 2: more LF than CRLF */
    {"BEGIN:VCALENDAR\r\nVERSION:2.0\nUID:1\nEND:VCALENDAR\n",
     "VCALENDAR^-1 | VERSION@0 UID@0", "\n"},
    /* 3: as many LF as CRLF: CRLF */
    {"BEGIN:VCALENDAR\r\nVERSION:2.0\nUID:1\r\nEND:VCALENDAR\n",
     "VCALENDAR^-1 | VERSION@0 UID@0", "\r\n"},
    /* 4: lone CR line ends only: added lines end in CR too */
    {"BEGIN:VCALENDAR\rVERSION:2.0\rUID:1\rEND:VCALENDAR\r",
     "VCALENDAR^-1 | VERSION@0 UID@0", "\r"},
    /* 5: lone CRs and one LF: LF */
    {"BEGIN:VCALENDAR\rVERSION:2.0\rUID:1\rEND:VCALENDAR\n",
     "VCALENDAR^-1 | VERSION@0 UID@0", "\n"},
    /* 6: a byte order mark */
    {"\xEF\xBB\xBF"
     "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
     "VCALENDAR^-1 | VERSION@0", "\r\n"},
    /* 7: last line without a line end */
    {"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR",
     "VCALENDAR^-1 | VERSION@0", "\r\n"},
    /* 8: names are upper-cased, component names too */
    {"begin:vcalendar\r\nVersion:2.0\r\nx-wr-calname:c\r\nBegin:vEvent\r\n"
     "uid:1\r\nend:VEVENT\r\nEND:vcalendar\r\n",
     "VCALENDAR^-1 VEVENT^0 | VERSION@0 X-WR-CALNAME@0 UID@1", "\r\n"},
    /* 9: a name folded across lines, BEGIN and END folded */
    {"BEG\r\n IN:VCALENDAR\r\nVERSION\r\n :2.0\r\nVER\r\n\tSION:x\r\n"
     "END:VCAL\r\n ENDAR\r\n",
     "VCALENDAR^-1 | VERSION@0 VERSION@0", "\r\n"},
    /* 10: the ':' outside quoted parameter values */
    {"BEGIN:VEVENT\r\nATTENDEE;CN=\"A:B;C\";ROLE=CHAIR:mailto:a@x\r\n"
     "ORGANIZER;CN=\"x:\r\n y\":mailto:o@x\r\nEND:VEVENT\r\n",
     "VEVENT^-1 | ATTENDEE@0 ORGANIZER@0", "\r\n"},
    /* 11: RFC 9073 components and X- properties are indexed as others */
    {"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nBEGIN:PARTICIPANT\r\n"
     "UID:p\r\nPARTICIPANT-TYPE:SPEAKER\r\nEND:PARTICIPANT\r\n"
     "BEGIN:VLOCATION\r\nUID:l\r\nNAME:Room\r\nEND:VLOCATION\r\n"
     "X-FOO;X-P=1:bar\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
     "VCALENDAR^-1 VEVENT^0 PARTICIPANT^1 VLOCATION^1 | UID@1 UID@2 "
     "PARTICIPANT-TYPE@2 UID@3 NAME@3 X-FOO@1",
     "\r\n"},
    /* 12: lines that are no content line are kept but not indexed */
    {"X-OUTSIDE:1\r\nBEGIN:VCALENDAR\r\n\r\nno colon here\r\nX_Y:1\r\n"
     ":novalue\r\nA;B\r\nVERSION:2.0\r\nEND:VCALENDAR\r\ntrailing\r\n",
     "VCALENDAR^-1 | VERSION@0", "\r\n"},
    /* 13: several top components */
    {"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\nBEGIN:VCALENDAR\r\nUID:2\r\n"
     "END:VCALENDAR\r\n",
     "VCALENDAR^-1 VCALENDAR^-1 | UID@1", "\r\n"},
    /* 14: empty text */
    {"", " |", "\r\n"},
    /* 15: LF folds, a space and a tab */
    {"BEGIN:VEVENT\nDESCRIPTION:a\n b\n\tc\nEND:VEVENT\n",
     "VEVENT^-1 | DESCRIPTION@0", "\n"},
    /* 16: a parameter name and a value with multi-byte UTF-8 */
    {"BEGIN:VEVENT\r\nSUMMARY;LANGUAGE=zh:\xE4\xBC\x9A\xE8\xAE\xAE\r\n"
     "LOCATION:\xF0\x9F\x8F\xA2\r\nEND:VEVENT\r\n",
     "VEVENT^-1 | SUMMARY@0 LOCATION@0", "\r\n"},
    /* 17: BEGIN with a parameter; END with a fold in its value */
    {"BEGIN;X=1:VEVENT\r\nUID:1\r\nEND:VEV\r\n ENT\r\n", "VEVENT^-1 | UID@0",
     "\r\n"},
    /* 18: a name of 63 octets is kept; one of 64 is no content line */
    {"BEGIN:VEVENT\r\n"
     "X-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA:1\r\n"
     "X-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA:1\r\n"
     "END:VEVENT\r\n",
     "VEVENT^-1 | "
     "X-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA@0",
     "\r\n"},
};

static void test_scan(void)
{
    size_t i;

    for (i = 0; i < N_ELEMS(scan_cases); i++) {
        const struct scan_case *tc = &scan_cases[i];
        cst_icaltext t;
        cst_error err = {0, ""};
        cst_status st;
        char *d;

        st = cst_icaltext_scan(tc->in, strlen(tc->in), &t, &err);
        if (!tap_ok(st == CST_OK, "scan[%zu]: scans (%s)", i, err.msg))
            continue;
        d = describe(&t);
        tap_str(d, tc->want, "scan[%zu]: components and properties", i);
        tap_str(t.eol, tc->eol, "scan[%zu]: line end", i);
        tap_ok(t.buf == tc->in && t.len == strlen(tc->in),
               "scan[%zu]: points into the text", i);
        tap_ok(offsets_consistent(&t), "scan[%zu]: offsets consistent", i);
        free(d);
        cst_icaltext_fini(&t);
        tap_ok(t.comps == NULL && t.props == NULL && t.n_props == 0,
               "scan[%zu]: fini clears", i);
    }
}

/* Offsets of one fixture, byte by byte. */
static void test_scan_offsets(void)
{
    static const char in[] =
        "\xEF\xBB\xBF"
        "BEGIN:VCALENDAR\r\n"                  /* 3 .. 20 */
        "VERSION\r\n :2.0\r\n"                 /* 20 .. 36 */
        "BEGIN:VEVENT\r\n"                     /* 36 .. 50 */
        "ATTENDEE;CN=\"A:B;C\":mailto:a@x\r\n" /* 50 .. 82 */
        "BEGIN:VALARM\r\n"                     /* 82 .. 96 */
        "END:VALARM\r\n"                       /* 96 .. 108 */
        "END:VEVENT\r\n"                       /* 108 .. 120 */
        "END:VCALENDAR";                       /* 120 .. 133 */
    cst_icaltext t;
    cst_status st = cst_icaltext_scan(in, sizeof(in) - 1, &t, NULL);
    const cst_ical_comp *c;

    tap_int(st, CST_OK, "offsets: scans");
    if (st != CST_OK)
        return;
    tap_int(t.n_comps, 3, "offsets: 3 components");
    tap_int(t.n_props, 2, "offsets: 2 properties");
    c = &t.comps[0];
    tap_int(c->begin, 3, "offsets: VCALENDAR begin after the BOM");
    tap_int(c->body, 20, "offsets: VCALENDAR body");
    tap_int(c->first_child, 36, "offsets: VCALENDAR first_child");
    tap_int(c->end, 120, "offsets: VCALENDAR end");
    tap_int(c->after, 133, "offsets: VCALENDAR after (no line end)");
    c = &t.comps[1];
    tap_int(c->begin, 36, "offsets: VEVENT begin");
    tap_int(c->body, 50, "offsets: VEVENT body");
    tap_int(c->first_child, 82, "offsets: VEVENT first_child = VALARM");
    tap_int(c->end, 108, "offsets: VEVENT end");
    tap_int(c->after, 120, "offsets: VEVENT after");
    c = &t.comps[2];
    tap_int(c->parent, 1, "offsets: VALARM parent");
    tap_int(c->first_child, 96, "offsets: VALARM without child: end");
    tap_int(t.props[0].start, 20, "offsets: VERSION start");
    tap_int(t.props[0].end, 36, "offsets: VERSION end after the fold");
    tap_int(t.props[0].colon, 30, "offsets: VERSION colon after the fold");
    tap_int(t.props[1].start, 50, "offsets: ATTENDEE start");
    tap_int(t.props[1].colon, 69, "offsets: ATTENDEE colon after quotes");
    tap_int(t.props[1].end, 82, "offsets: ATTENDEE end");
    tap_int(cst_icaltext_value_end(&t, 1), 80, "offsets: ATTENDEE value_end");
    tap_int(cst_icaltext_nth_comp(&t, "VEVENT", 0), 1, "nth_comp VEVENT 0");
    tap_int(cst_icaltext_nth_comp(&t, "VEVENT", 1), -1, "nth_comp VEVENT 1");
    tap_int(cst_icaltext_nth_comp(&t, "VTODO", 0), -1, "nth_comp VTODO");
    tap_int(cst_icaltext_find_prop(&t, 1, "ATTENDEE", 0), 1,
            "find_prop ATTENDEE");
    tap_int(cst_icaltext_find_prop(&t, 1, "ATTENDEE", 2), -1,
            "find_prop ATTENDEE from 2");
    tap_int(cst_icaltext_find_prop(&t, 0, "ATTENDEE", 0), -1,
            "find_prop ATTENDEE in VCALENDAR: none");
    tap_int(cst_icaltext_find_prop(&t, 0, "VERSION", 0), 0,
            "find_prop VERSION");
    cst_icaltext_fini(&t);
    cst_icaltext_fini(&t); /* twice is harmless */
    cst_icaltext_fini(NULL);
}

/* Depth: n nested components named X<depth>. */
static char *nested(int n)
{
    sbuf b = {NULL, 0, 0};
    int k;

    for (k = 0; k < n; k++)
        sb_fmt(&b, "BEGIN:X%ld\r\n", k);
    for (k = n - 1; k >= 0; k--)
        sb_fmt(&b, "END:X%ld\r\n", k);
    return b.s;
}

static const struct err_case {
    const char *in;
    cst_status want;
    int line;
} err_cases[] = {
    /* 0: END does not match */
    {"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n", CST_ERR_PARSE, 3},
    /* 1: END without BEGIN */
    {"END:VEVENT\r\n", CST_ERR_PARSE, 1},
    /* 2: END missing: truncated */
    {"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nEND:VEVENT\r\n",
     CST_ERR_PARSE, 4},
    /* 3: truncated inside a line */
    {"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nSUMM", CST_ERR_PARSE, 4},
    /* 4: LF, END mismatch on a folded line; the line is the first one */
    {"BEGIN:VCALENDAR\nBEGIN:VTODO\nEND:\n VEVENT\nEND:VCALENDAR\n",
     CST_ERR_PARSE, 3},
    /* 5: END with an empty value */
    {"BEGIN:VEVENT\r\nEND:\r\n", CST_ERR_PARSE, 2},
    /* 6: a component name of 64 octets */
    {"BEGIN:X-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
     "\r\nEND:X-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
     "\r\n",
     CST_ERR_TOO_LARGE, 1},
    /* 7: lone CR line ends, mismatched */
    {"BEGIN:A\rBEGIN:B\rEND:A\rEND:B\r", CST_ERR_PARSE, 3},
};

static void test_scan_errors(void)
{
    size_t i;
    char *s;
    cst_icaltext t;
    cst_error err;
    cst_status st;

    for (i = 0; i < N_ELEMS(err_cases); i++) {
        const struct err_case *tc = &err_cases[i];

        memset(&err, 0, sizeof(err));
        st = cst_icaltext_scan(tc->in, strlen(tc->in), &t, &err);
        tap_int(st, tc->want, "scan_err[%zu]: status", i);
        tap_int(err.line, tc->line, "scan_err[%zu]: line (%s)", i, err.msg);
        tap_ok(err.msg[0] != '\0', "scan_err[%zu]: message", i);
        tap_ok(t.comps == NULL && t.props == NULL && t.n_comps == 0,
               "scan_err[%zu]: nothing kept", i);
        cst_icaltext_scan(tc->in, strlen(tc->in), &t, NULL); /* no err */
    }

    /* depth 16 is fine, 17 is too deep */
    s = nested(16);
    st = cst_icaltext_scan(s, strlen(s), &t, NULL);
    tap_int(st, CST_OK, "nesting 16: ok");
    tap_int(t.n_comps, 16, "nesting 16: 16 components");
    if (st == CST_OK)
        tap_int(t.comps[15].parent, 14, "nesting 16: parent of the last");
    cst_icaltext_fini(&t);
    free(s);
    s = nested(17);
    memset(&err, 0, sizeof(err));
    st = cst_icaltext_scan(s, strlen(s), &t, &err);
    tap_int(st, CST_ERR_TOO_LARGE, "nesting 17: too large");
    tap_int(err.line, 17, "nesting 17: line of the 17th BEGIN");
    free(s);

    /* the line cap: content lines (a line and its folds count once) */
    {
        size_t n = CST_ICAL_MAX_LINES, k;
        char *b = malloc(n * 2 + 64);
        size_t o = 0;

        if (b == NULL)
            abort();
        o += (size_t)snprintf(b, 64, "BEGIN:X\r\n");
        for (k = 0; k < n - 2; k++)
            b[o++] = '\n';
        memcpy(b + o, "END:X\r\n", 7); /* line n */
        o += 7;
        st = cst_icaltext_scan(b, o, &t, NULL);
        tap_int(st, CST_OK, "line cap: %zu lines ok", n);
        cst_icaltext_fini(&t);
        memmove(b + o - 7 + 1, b + o - 7, 7); /* one empty line more */
        b[o - 7] = '\n';
        memset(&err, 0, sizeof(err));
        st = cst_icaltext_scan(b, o + 1, &t, &err);
        tap_int(st, CST_ERR_TOO_LARGE, "line cap: %zu lines too many", n + 1);
        tap_int(err.line, (long)n + 1, "line cap: line of the error");
        /* folds do not count as lines of their own */
        o = (size_t)snprintf(b, 64, "BEGIN:X\r\nA:");
        for (k = 0; k < n; k++) {
            b[o++] = '\n';
            b[o++] = ' ';
        }
        memcpy(b + o, "\nEND:X\n", 7);
        o += 7;
        st = cst_icaltext_scan(b, o, &t, NULL);
        tap_int(st, CST_OK, "line cap: folds count with their line");
        tap_int(t.n_props, 1, "line cap: one property of %zu folds", n);
        cst_icaltext_fini(&t);
        free(b);
    }

    /* the object size cap */
    {
        size_t n = CST_MAX_OBJECT_BYTES + 1;
        char *b = malloc(n);

        if (b == NULL)
            abort();
        memset(b, 'a', n); /* one line: only the size counts */
        st = cst_icaltext_scan(b, n, &t, NULL);
        tap_int(st, CST_ERR_TOO_LARGE, "object cap: %zu bytes", n);
        st = cst_icaltext_scan(b, n - 1, &t, NULL);
        tap_int(st, CST_OK, "object cap: %zu bytes ok", n - 1);
        cst_icaltext_fini(&t);
        free(b);
    }
}

/* ---- values, lines, parameters, raw offsets --------------------------- */

/* Scans "BEGIN:VEVENT<eol>" + line + "END:VEVENT<eol>" and returns the
 * index of its one property (or -1). */
static int scan_one(const char *line, const char *eol, char **text,
                    cst_icaltext *t)
{
    sbuf b = {NULL, 0, 0};

    sb_str(&b, "BEGIN:VEVENT");
    sb_str(&b, eol);
    sb_str(&b, line);
    sb_str(&b, "END:VEVENT");
    sb_str(&b, eol);
    *text = b.s;
    if (cst_icaltext_scan(b.s, b.n, t, NULL) != CST_OK)
        return -1;
    return t->n_props == 1 ? 0 : -1;
}

static const struct value_case {
    const char *line; /* with its line end */
    const char *eol;
    const char *value;
    const char *unfolded; /* the whole line, NULL = skip */
} value_cases[] = {
    /* 0 */ {"SUMMARY:plain\r\n", "\r\n", "plain", "SUMMARY:plain"},
    /* 1: one fold removes exactly one space */
    {"DESCRIPTION:a\r\n  b\r\n", "\r\n", "a b", "DESCRIPTION:a b"},
    /* 2: a tab fold */
    {"DESCRIPTION:a\r\n\t\tb\r\n", "\r\n", "a\tb", NULL},
    /* 3: several folds, LF */
    {"DESCRIPTION:ab\n cd\n ef\n\t g\n", "\n", "abcdef g", NULL},
    /* 4: a 3-byte character split across a fold */
    {"SUMMARY:\xE4\xBC\r\n \x9A\xE8\xAE\xAE\r\n", "\r\n",
     "\xE4\xBC\x9A\xE8\xAE\xAE", NULL},
    /* 5: a 4-byte character split twice */
    {"SUMMARY:\xF0\r\n \x9F\x8F\r\n \xA2!\r\n", "\r\n", "\xF0\x9F\x8F\xA2!",
     NULL},
    /* 6: a 2-byte character split, lone CR folds */
    {"SUMMARY:caf\xC3\r \xA9\r", "\r", "caf\xC3\xA9", "SUMMARY:caf\xC3\xA9"},
    /* 7: colons and quotes in the value stay */
    {"ATTENDEE;CN=\"A:B;C\":mailto:a@x\r\n", "\r\n", "mailto:a@x",
     "ATTENDEE;CN=\"A:B;C\":mailto:a@x"},
    /* 8: empty value */
    {"X-EMPTY:\r\n", "\r\n", "", "X-EMPTY:"},
    /* 9: spaces at the end of the value and TEXT escapes stay */
    {"SUMMARY:a\\,b\\n  \r\n", "\r\n", "a\\,b\\n  ", NULL},
    /* 10: a fold before the colon */
    {"VERSION\r\n :2.0\r\n", "\r\n", "2.0", "VERSION:2.0"},
    /* 11: a fold as the very first value byte, and an empty fold */
    {"X:\r\n \r\n a\r\n", "\r\n", "a", "X:a"},
    /* 12: a value with a quote does not toggle anything */
    {"X:\"a:b\r\n", "\r\n", "\"a:b", NULL},
};

static void test_value(void)
{
    size_t i, k;

    for (i = 0; i < N_ELEMS(value_cases); i++) {
        const struct value_case *tc = &value_cases[i];
        cst_icaltext t;
        char *text = NULL, *v, *l;
        int p = scan_one(tc->line, tc->eol, &text, &t);

        if (!tap_ok(p == 0, "value[%zu]: one property", i)) {
            free(text);
            continue;
        }
        v = cst_icaltext_value(&t, 0);
        tap_str(v, tc->value, "value[%zu]: value", i);
        if (tc->unfolded != NULL) {
            l = cst_icaltext_line(&t, 0);
            tap_str(l, tc->unfolded, "value[%zu]: line", i);
            free(l);
        }
        /* raw_offset: byte k of the value is at raw_offset(k) */
        if (v != NULL) {
            size_t vl = strlen(v), prev = t.props[0].colon;
            int good = 1;

            for (k = 0; k < vl; k++) {
                size_t r = cst_icaltext_raw_offset(&t, 0, k);

                if (r <= prev || r >= cst_icaltext_value_end(&t, 0) ||
                    t.buf[r] != v[k])
                    good = 0;
                prev = r;
            }
            tap_ok(good, "value[%zu]: raw_offset of every byte", i);
            tap_int(cst_icaltext_raw_offset(&t, 0, vl),
                    cst_icaltext_value_end(&t, 0),
                    "value[%zu]: raw_offset at the end", i);
            tap_int(cst_icaltext_raw_offset(&t, 0, vl + 100),
                    cst_icaltext_value_end(&t, 0),
                    "value[%zu]: raw_offset past the end", i);
        }
        free(v);
        cst_icaltext_fini(&t);
        free(text);
    }
}

/* raw_offset of a folded value, by hand. */
static void test_raw_offset(void)
{
    static const char in[] = "BEGIN:VEVENT\r\n"   /* 0 .. 14 */
                             "DESCRIPTION:ab\r\n" /* ':' at 25 */
                             " cd\r\n"
                             "END:VEVENT\r\n";
    cst_icaltext t;

    if (!tap_ok(cst_icaltext_scan(in, sizeof(in) - 1, &t, NULL) == CST_OK,
                "raw_offset: scans"))
        return;
    tap_int(cst_icaltext_raw_offset(&t, 0, 0), 26, "raw_offset: a");
    tap_int(cst_icaltext_raw_offset(&t, 0, 1), 27, "raw_offset: b");
    tap_int(cst_icaltext_raw_offset(&t, 0, 2), 31, "raw_offset: c skips fold");
    tap_int(cst_icaltext_raw_offset(&t, 0, 3), 32, "raw_offset: d");
    tap_int(cst_icaltext_raw_offset(&t, 0, 4), 33, "raw_offset: end");
    cst_icaltext_fini(&t);
}

static const struct param_case {
    const char *line;
    const char *param;
    const char *want; /* NULL: none */
} param_cases[] = {
    /* 0 */ {"ATTENDEE;CN=\"A:B;C\";ROLE=CHAIR:mailto:a@x\r\n", "CN", "A:B;C"},
    /* 1 */
    {"ATTENDEE;CN=\"A:B;C\";ROLE=CHAIR:mailto:a@x\r\n", "ROLE", "CHAIR"},
    /* 2: the name in the text in any case */
    {"ATTENDEE;rOlE=chair;cn=Li:mailto:a@x\r\n", "ROLE", "chair"},
    /* 3 */ {"ATTENDEE;rOlE=chair;cn=Li:mailto:a@x\r\n", "CN", "Li"},
    /* 4: missing */
    {"ATTENDEE;ROLE=CHAIR:mailto:a@x\r\n", "CN", NULL},
    /* 5: no parameters at all */
    {"ATTENDEE:mailto:a@x\r\n", "CN", NULL},
    /* 6: a longer name with the same start is another parameter */
    {"X;CNX=1;CN=2:v\r\n", "CN", "2"},
    /* 7: a parameter-like text inside a quoted value is no parameter */
    {"X;X-P=\"CN=evil;CN=bad\";CN=good:v\r\n", "CN", "good"},
    /* 8: ";" inside a later quoted value of a list */
    {"X;MEMBER=\"mailto:a@x\",\"mailto:b;c@x\";CN=Z:v\r\n", "CN", "Z"},
    /* 9: the first value of a quoted list */
    {"X;MEMBER=\"mailto:a@x\",\"mailto:b@x\":v\r\n", "MEMBER", "mailto:a@x"},
    /* 10: an unquoted list */
    {"X;MEMBER=a,b;CN=Z:v\r\n", "MEMBER", "a,b"},
    /* 11: folded inside the parameter name and value */
    {"ATTENDEE;C\r\n N=\"Li\r\n  Si\":mailto:a@x\r\n", "CN", "Li Si"},
    /* 12: an empty value */
    {"X;CN=;ROLE=R:v\r\n", "CN", ""},
    /* 13: an empty quoted value */
    {"X;CN=\"\":v\r\n", "CN", ""},
    /* 14: text after the ':' is value, not parameters */
    {"X:foo;CN=bar\r\n", "CN", NULL},
    /* 15: the last parameter, multi-byte */
    {"SUMMARY;LANGUAGE=zh-\xE4\xB8\xAD:x\r\n", "LANGUAGE", "zh-\xE4\xB8\xAD"},
    /* 16: STRUCTURED-DATA as calsteward writes it */
    {"STRUCTURED-DATA;VALUE=TEXT;FMTTYPE=application/xml;SCHEMA=\"urn:"
     "calsteward:agenda:1\":<a/>\r\n",
     "SCHEMA", "urn:calsteward:agenda:1"},
    /* 17 */ {"X;X-A=1:v\r\n", "X", NULL},
};

static void test_param(void)
{
    size_t i;

    for (i = 0; i < N_ELEMS(param_cases); i++) {
        const struct param_case *tc = &param_cases[i];
        cst_icaltext t;
        char *text = NULL, *v;

        if (!tap_ok(scan_one(tc->line, "\r\n", &text, &t) == 0,
                    "param[%zu]: one property", i)) {
            free(text);
            continue;
        }
        v = cst_icaltext_param(&t, 0, tc->param);
        tap_str(v, tc->want, "param[%zu]: %s", i, tc->param);
        free(v);
        cst_icaltext_fini(&t);
        free(text);
    }
}

/* ---- folding ---------------------------------------------------------- */

static int is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/*
 * Checks one fold result: physical lines of at most 75 octets (the first
 * holding `first` already), continuation lines starting with one space,
 * no UTF-8 sequence split when the input is UTF-8, the whole ending with
 * eol, and unfolding gives back the input.  Returns NULL or a reason.
 */
static const char *fold_check(const char *in, size_t len, size_t first,
                              const char *eol, const char *out, size_t out_len,
                              int utf8)
{
    size_t el = strlen(eol), i = 0, o = 0, ln = 0, col;
    char *back = malloc(len + 1);
    const char *why = NULL;

    if (back == NULL)
        abort();
    if (out_len < el || memcmp(out + out_len - el, eol, el) != 0) {
        why = "no line end at the end";
        goto done;
    }
    while (i < out_len) {
        size_t e = i;

        /* find this physical line's end */
        while (e < out_len && memcmp(out + e, eol, el) != 0) {
            if (out[e] == '\r' || out[e] == '\n') {
                why = "a stray line end";
                goto done;
            }
            e++;
        }
        col = e - i + (ln == 0 ? first : 0);
        if (col > 75 && !(ln == 0 && e == i)) {
            why = "a line over 75 octets";
            goto done;
        }
        if (ln == 0 && e == i && len > 0 && first == 0) {
            why = "an empty first line";
            goto done;
        }
        if (ln > 0) {
            if (e == i || out[i] != ' ') {
                why = "a continuation line without its space";
                goto done;
            }
            i++;
            if (i == e) {
                why = "an empty continuation line";
                goto done;
            }
            if (utf8 && is_cont((unsigned char)out[i])) {
                why = "a UTF-8 character split";
                goto done;
            }
        }
        memcpy(back + o, out + i, e - i);
        o += e - i;
        i = e + el;
        ln++;
    }
    if (o != len || memcmp(back, in, len) != 0)
        why = "unfolding does not give back the input";
done:
    free(back);
    return why;
}

static void test_fold_sweep(void)
{
    static const char *const chars[] = {"a", "\xC3\xA9", "\xE4\xBC\x9A",
                                        "\xF0\x9F\x8F\xA2"};
    static const size_t firsts[] = {0, 1, 12, 70, 72, 73, 74, 75, 76, 200};
    static const char *const eols[] = {"\r\n", "\n"};
    size_t w, f, e, pad, n, bad = 0, runs = 0;
    char line[1200];
    const char *why = NULL, *first_why = NULL;
    char where[160] = "";

    for (w = 0; w < N_ELEMS(chars); w++)
        for (f = 0; f < N_ELEMS(firsts); f++)
            for (e = 0; e < N_ELEMS(eols); e++)
                for (pad = 0; pad < 4; pad++)
                    for (n = 0; n <= 250; n++) {
                        size_t len = 0, k, ol = 0;
                        char *out;

                        for (k = 0; k < pad; k++)
                            line[len++] = 'x';
                        for (k = 0; k < n; k++) {
                            memcpy(line + len, chars[w], w + 1);
                            len += w + 1;
                        }
                        out = cst_ical_fold(line, len, firsts[f], eols[e], &ol);
                        runs++;
                        why = out ? fold_check(line, len, firsts[f], eols[e],
                                               out, ol, 1)
                                  : "NULL";
                        if (why != NULL && bad++ == 0) {
                            first_why = why;
                            snprintf(where, sizeof(where),
                                     "width %zu first %zu eol %zu pad %zu "
                                     "n %zu",
                                     w + 1, firsts[f], e, pad, n);
                        }
                        free(out);
                    }
    if (!tap_ok(bad == 0,
                "fold sweep: %zu foldings of 1- to 4-byte "
                "characters at every offset",
                runs))
        printf("#   %zu bad, first: %s (%s)\n", bad, first_why, where);
}

static const struct fold_case {
    const char *in;
    size_t first;
    const char *eol;
    const char *want;
} fold_cases[] = {
    /* 0 */ {"", 0, "\r\n", "\r\n"},
    /* 1 */ {"SUMMARY:x", 0, "\n", "SUMMARY:x\n"},
    /* 2: exactly 75 octets: no fold */
    {"X:34567890123456789012345678901234567890123456789012345678901234567"
     "89012345",
     0, "\r\n",
     "X:34567890123456789012345678901234567890123456789012345678901234567"
     "89012345\r\n"},
    /* 3: 76 octets: one fold after 75 */
    {"X:34567890123456789012345678901234567890123456789012345678901234567"
     "890123456",
     0, "\r\n",
     "X:34567890123456789012345678901234567890123456789012345678901234567"
     "89012345\r\n 6\r\n"},
    /* 4: first = 73: two octets fit */
    {"abc", 73, "\n", "ab\n c\n"},
    /* 5: first = 74 and a 2-byte character: fold before it */
    {"\xC3\xA9", 74, "\r\n", "\r\n \xC3\xA9\r\n"},
    /* 6: first = 75: the line is full */
    {"a", 75, "\r\n", "\r\n a\r\n"},
    /* 7: first = 72 and a 4-byte character: fold before it */
    {"\xF0\x9F\x8F\xA2", 72, "\r\n", "\r\n \xF0\x9F\x8F\xA2\r\n"},
    /* 8: first = 71 and a 4-byte character: fits */
    {"\xF0\x9F\x8F\xA2"
     "a",
     71, "\r\n", "\xF0\x9F\x8F\xA2\r\n a\r\n"},
};

static void test_fold(void)
{
    size_t i, ol;
    char *out;
    char bad[300];

    for (i = 0; i < N_ELEMS(fold_cases); i++) {
        const struct fold_case *tc = &fold_cases[i];

        ol = 12345;
        out = cst_ical_fold(tc->in, strlen(tc->in), tc->first, tc->eol, &ol);
        tap_str(out, tc->want, "fold[%zu]", i);
        tap_int(ol, out ? strlen(out) : 0, "fold[%zu]: length", i);
        free(out);
    }
    test_fold_sweep();

    /* not UTF-8: a run of continuation octets is cut, lines stay short */
    memset(bad, 0x80, sizeof(bad));
    bad[0] = (char)0xE4;
    out = cst_ical_fold(bad, sizeof(bad), 0, "\r\n", &ol);
    tap_ok(out != NULL &&
               fold_check(bad, sizeof(bad), 0, "\r\n", out, ol, 0) == NULL,
           "fold: no UTF-8, lines still at most 75 octets");
    free(out);
    /* a NUL is an ordinary octet */
    out = cst_ical_fold("a\0b", 3, 0, "\n", &ol);
    tap_ok(out != NULL && ol == 4 && memcmp(out, "a\0b\n", 4) == 0,
           "fold: NUL kept");
    free(out);
}

/* ---- TEXT escapes ----------------------------------------------------- */

static const struct esc_case {
    const char *in;
    size_t len; /* 0 = strlen */
    const char *want;
} esc_cases[] = {
    /* 0 */ {"", 0, ""},
    /* 1 */ {"plain text", 0, "plain text"},
    /* 2 */ {"a,b;c\\d", 0, "a\\,b\\;c\\\\d"},
    /* 3 */ {"l1\nl2", 0, "l1\\nl2"},
    /* 4: CRLF is one line break */
    {"l1\r\nl2\r\n", 0, "l1\\nl2\\n"},
    /* 5: a lone CR is one */
    {"l1\rl2", 0, "l1\\nl2"},
    /* 6: CR CR LF: two */
    {"a\r\r\nb", 0, "a\\n\\nb"},
    /* 7: ':' and '"' are no TEXT specials */
    {"10:00 \"x\"", 0, "10:00 \"x\""},
    /* 8: UTF-8 untouched */
    {"\xE4\xBC\x9A\xE8\xAE\xAE\xEF\xBC\x8C", 0,
     "\xE4\xBC\x9A\xE8\xAE\xAE\xEF\xBC\x8C"},
    /* 9: only len octets */
    {"a;b;c", 3, "a\\;b"},
    /* 10: already escaped text is escaped again */
    {"\\n", 0, "\\\\n"},
};

static void test_escape(void)
{
    size_t i;

    for (i = 0; i < N_ELEMS(esc_cases); i++) {
        const struct esc_case *tc = &esc_cases[i];
        size_t len = tc->len ? tc->len : strlen(tc->in), ol = 999;
        char *out = cst_ical_escape_text(tc->in, len, &ol);

        tap_str(out, tc->want, "escape[%zu]", i);
        tap_int(ol, strlen(tc->want), "escape[%zu]: length", i);
        free(out);
    }
}

/* ---- edits ------------------------------------------------------------ */

/* A calendar with components calsteward does not know, X- properties,
 * folding, quoted parameters and a VALARM (CRLF). */
static const char obj_crlf[] =
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//Example//Client 1.0//EN\r\n"
    "X-WR-CALNAME;X-ODD=\"a:b\":Team\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:meeting-1@example.com\r\n"
    "DTSTART;TZID=Asia/Shanghai:20230620T100000\r\n"
    "SUMMARY;LANGUAGE=zh:\xE5\x91\xA8\xE4\xBC\x9A\r\n"
    "DESCRIPTION:Goal: decide the budget.\\n1. Review \xE2\x80\x94 Li Si 1\r\n"
    " 0 min\\n2. Budget\r\n"
    "ATTENDEE;CN=\"Li, Si\";ROLE=REQ-PARTICIPANT;X-NOTE=\"a;b:c\":mailto:l\r\n"
    "\t@x.example\r\n"
    "x-vendor-thing;x-p=1:keep me\r\n"
    "BEGIN:PARTICIPANT\r\n"
    "UID:p1\r\n"
    "PARTICIPANT-TYPE:SPEAKER\r\n"
    "CALENDAR-ADDRESS:mailto:s@x.example\r\n"
    "END:PARTICIPANT\r\n"
    "BEGIN:VLOCATION\r\n"
    "UID:l1\r\n"
    "NAME:Room 5\r\n"
    "STRUCTURED-DATA;VALUE=URI:https://x.example/room5\r\n"
    "END:VLOCATION\r\n"
    "BEGIN:VALARM\r\n"
    "ACTION:DISPLAY\r\n"
    "TRIGGER:-PT15M\r\n"
    "END:VALARM\r\n"
    "X-AFTER-CHILDREN:1\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VTODO\r\n"
    "UID:t1\r\n"
    "END:VTODO\r\n"
    "END:VCALENDAR\r\n";

/* The same, LF. */
static const char obj_lf[] = "BEGIN:VCALENDAR\n"
                             "VERSION:2.0\n"
                             "BEGIN:VEVENT\n"
                             "UID:m\n"
                             "SUMMARY:s\n"
                             "DESCRIPTION:long\n"
                             " er\n"
                             "BEGIN:VALARM\n"
                             "ACTION:DISPLAY\n"
                             "END:VALARM\n"
                             "END:VEVENT\n"
                             "END:VCALENDAR\n";

/* One expected piece of output: bytes of the input [from, to), or text. */
typedef struct piece {
    size_t from, to;
    const char *text; /* non-NULL: this text */
} piece;

/* Builds the expected output from pieces. */
static char *expect(const char *in, const piece *p, size_t n, size_t *len)
{
    sbuf b = {NULL, 0, 0};
    size_t i;

    sb_str(&b, "");
    for (i = 0; i < n; i++) {
        if (p[i].text != NULL)
            sb_str(&b, p[i].text);
        else
            sb_add(&b, in + p[i].from, p[i].to - p[i].from);
    }
    *len = b.n;
    return b.s;
}

/* Compares out with want; on a difference shows the first differing
 * offset. */
static void tap_bytes(const char *out, size_t ol, const char *want, size_t wl,
                      const char *what, size_t idx)
{
    size_t k = 0;

    while (k < ol && k < wl && out[k] == want[k])
        k++;
    if (!tap_ok(out != NULL && ol == wl && k == wl, "%s[%zu]: bytes", what,
                idx))
        printf("#   first difference at %zu (lengths %zu, %zu):\n"
               "#   got:  '%.40s'\n#   want: '%.40s'\n",
               k, ol, wl, out ? out + k : "(null)", want + k);
}

/* Applies e to t and rescans the output; returns the output. */
static char *apply_rescan(const cst_edits *e, const cst_icaltext *t, size_t *ol,
                          cst_icaltext *t2, const char *what, size_t idx)
{
    char *out = NULL;
    cst_status st = cst_edits_apply(e, t, &out, ol);

    tap_int(st, CST_OK, "%s[%zu]: applies", what, idx);
    if (out == NULL) {
        memset(t2, 0, sizeof(*t2));
        return NULL;
    }
    tap_ok(out[*ol] == '\0', "%s[%zu]: NUL-terminated", what, idx);
    st = cst_icaltext_scan(out, *ol, t2, NULL);
    tap_int(st, CST_OK, "%s[%zu]: the output scans", what, idx);
    return out;
}

/*
 * Single edits on obj_crlf, each checked three ways: the exact expected
 * output (prefix of the input, new bytes, suffix of the input), a rescan
 * with the property count, and the value found at the edited place.
 */
enum op { OP_ADD, OP_REPLACE, OP_REMOVE };

static const struct edit_case {
    const char *obj;
    enum op op;
    const char *comp;    /* component name (first of its kind) */
    const char *prop;    /* property to replace / remove */
    const char *content; /* unfolded line added / replacing */
    const char *ins;     /* the folded bytes expected */
    int dprops;          /* change of the property count */
} edit_cases[] = {
    /* 0: add to VEVENT: before its first child (PARTICIPANT) */
    {obj_crlf, OP_ADD, "VEVENT", NULL, "X-CALSTEWARD-AGENDA-SENT:20230615",
     "X-CALSTEWARD-AGENDA-SENT:20230615\r\n", 1},
    /* 1: add to a component without children: before its END */
    {obj_crlf, OP_ADD, "VTODO", NULL, "STATUS:NEEDS-ACTION",
     "STATUS:NEEDS-ACTION\r\n", 1},
    /* 2: add to VCALENDAR: before its first child */
    {obj_crlf, OP_ADD, "VCALENDAR", NULL, "X-A:1", "X-A:1\r\n", 1},
    /* 3: add to an unknown component */
    {obj_crlf, OP_ADD, "PARTICIPANT", NULL, "NOTE:x", "NOTE:x\r\n", 1},
    /* 4: replace a folded property: its continuation goes with it */
    {obj_crlf, OP_REPLACE, "VEVENT", "DESCRIPTION", "DESCRIPTION:new",
     "DESCRIPTION:new\r\n", 0},
    /* 5: replace with a long line: folded */
    {obj_crlf, OP_REPLACE, "VEVENT", "SUMMARY",
     "SUMMARY:\xE5\x91\xA8\xE4\xBC\x9A \xE2\x80\x94 "
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     "SUMMARY:\xE5\x91\xA8\xE4\xBC\x9A \xE2\x80\x94 "
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
     " aaaaaaa\r\n",
     0},
    /* 6: remove a property with a tab fold and quoted ':' and ';' */
    {obj_crlf, OP_REMOVE, "VEVENT", "ATTENDEE", NULL, "", -1},
    /* 7: remove an X- property */
    {obj_crlf, OP_REMOVE, "VEVENT", "X-VENDOR-THING", NULL, "", -1},
    /* 8: remove a property after the children */
    {obj_crlf, OP_REMOVE, "VEVENT", "X-AFTER-CHILDREN", NULL, "", -1},
    /* 9: LF text: added lines end in LF */
    {obj_lf, OP_ADD, "VEVENT", NULL,
     "X-LONG:0123456789012345678901234567890123456789012345678901234567890"
     "123456789",
     "X-LONG:0123456789012345678901234567890123456789012345678901234567890"
     "1234567\n 89\n",
     1},
    /* 10: LF, replace a folded one */
    {obj_lf, OP_REPLACE, "VEVENT", "DESCRIPTION", "DESCRIPTION:x",
     "DESCRIPTION:x\n", 0},
    /* 11: LF, remove */
    {obj_lf, OP_REMOVE, "VALARM", "ACTION", NULL, "", -1},
};

static void test_edit_cases(void)
{
    size_t i;

    for (i = 0; i < N_ELEMS(edit_cases); i++) {
        const struct edit_case *tc = &edit_cases[i];
        size_t len = strlen(tc->obj), at, del = 0, ol = 0, wl = 0;
        cst_icaltext t, t2;
        cst_edits e = {NULL, 0, 0};
        cst_status st;
        char *out = NULL, *want = NULL;
        int comp, pi = -1;
        piece pc[3];

        st = cst_icaltext_scan(tc->obj, len, &t, NULL);
        if (!tap_ok(st == CST_OK, "edit[%zu]: scans", i))
            continue;
        comp = cst_icaltext_nth_comp(&t, tc->comp, 0);
        if (tc->prop != NULL)
            pi = cst_icaltext_find_prop(&t, comp, tc->prop, 0);
        if (!tap_ok(comp >= 0 && (tc->prop == NULL || pi >= 0),
                    "edit[%zu]: component and property found", i)) {
            cst_icaltext_fini(&t);
            continue;
        }
        switch (tc->op) {
        case OP_ADD:
            at = t.comps[comp].first_child;
            st = cst_edits_add(&e, &t, comp, tc->content, strlen(tc->content));
            break;
        case OP_REPLACE:
            at = t.props[pi].start;
            del = t.props[pi].end - at;
            st = cst_edits_replace(&e, &t, (size_t)pi, tc->content,
                                   strlen(tc->content));
            break;
        default:
            at = t.props[pi].start;
            del = t.props[pi].end - at;
            st = cst_edits_remove(&e, &t, (size_t)pi);
            break;
        }
        tap_int(st, CST_OK, "edit[%zu]: edit added", i);
        pc[0].from = 0;
        pc[0].to = at;
        pc[0].text = NULL;
        pc[1].text = tc->ins;
        pc[2].from = at + del;
        pc[2].to = len;
        pc[2].text = NULL;
        want = expect(tc->obj, pc, 3, &wl);
        out = apply_rescan(&e, &t, &ol, &t2, "edit", i);
        tap_bytes(out, ol, want, wl, "edit", i);
        /* the bytes outside the edit, directly */
        tap_ok(out != NULL && ol >= at && memcmp(out, tc->obj, at) == 0 &&
                   ol - (len - at - del) >= at &&
                   memcmp(out + ol - (len - at - del), tc->obj + at + del,
                          len - at - del) == 0,
               "edit[%zu]: prefix and suffix as they were", i);
        tap_int(t2.n_props, (long)t.n_props + tc->dprops,
                "edit[%zu]: property count", i);
        tap_int(t2.n_comps, t.n_comps, "edit[%zu]: component count", i);
        if (tc->op != OP_REMOVE && out != NULL) {
            /* the new line is where it was put, with its value */
            int k = -1;
            size_t j;
            char *line = NULL;

            for (j = 0; j < t2.n_props; j++) {
                if (t2.props[j].start == at)
                    k = (int)j;
            }
            if (k >= 0)
                line = cst_icaltext_line(&t2, (size_t)k);
            tap_str(line, tc->content, "edit[%zu]: the new line unfolded", i);
            tap_ok(k >= 0 && t2.props[k].comp == comp,
                   "edit[%zu]: in its component", i);
            free(line);
        }
        cst_icaltext_fini(&t2);
        free(out);
        free(want);
        cst_edits_fini(&e);
        cst_edits_fini(&e);
        cst_icaltext_fini(&t);
    }
}

/* Several edits at once, given in every order of 4. */
static void test_edit_orders(void)
{
    static const int perms[24][4] = {
        {0, 1, 2, 3}, {0, 1, 3, 2}, {0, 2, 1, 3}, {0, 2, 3, 1}, {0, 3, 1, 2},
        {0, 3, 2, 1}, {1, 0, 2, 3}, {1, 0, 3, 2}, {1, 2, 0, 3}, {1, 2, 3, 0},
        {1, 3, 0, 2}, {1, 3, 2, 0}, {2, 0, 1, 3}, {2, 0, 3, 1}, {2, 1, 0, 3},
        {2, 1, 3, 0}, {2, 3, 0, 1}, {2, 3, 1, 0}, {3, 0, 1, 2}, {3, 0, 2, 1},
        {3, 1, 0, 2}, {3, 1, 2, 0}, {3, 2, 0, 1}, {3, 2, 1, 0}};
    const char *in = obj_crlf;
    size_t len = strlen(in), i, wl, ol;
    cst_icaltext t, t2;
    int ev, desc, summ, xv, uid;
    char *want, *out;
    piece pc[9];

    if (!tap_ok(cst_icaltext_scan(in, len, &t, NULL) == CST_OK,
                "orders: scans"))
        return;
    ev = cst_icaltext_nth_comp(&t, "VEVENT", 0);
    uid = cst_icaltext_find_prop(&t, ev, "UID", 0);
    summ = cst_icaltext_find_prop(&t, ev, "SUMMARY", 0);
    desc = cst_icaltext_find_prop(&t, ev, "DESCRIPTION", 0);
    xv = cst_icaltext_find_prop(&t, ev, "X-VENDOR-THING", 0);
    /* 0: replace SUMMARY, 1: remove DESCRIPTION, 2: add to VEVENT,
     * 3: remove UID */
    pc[0] = (piece){0, t.props[uid].start, NULL};
    pc[1] = (piece){t.props[uid].end, t.props[summ].start, NULL};
    pc[2] = (piece){0, 0, "SUMMARY:new\r\n"};
    pc[3] = (piece){t.props[summ].end, t.props[desc].start, NULL};
    pc[4] = (piece){t.props[desc].end, t.comps[ev].first_child, NULL};
    pc[5] = (piece){0, 0, "X-NEW:1\r\n"};
    pc[6] = (piece){t.comps[ev].first_child, len, NULL};
    want = expect(in, pc, 7, &wl);
    for (i = 0; i < N_ELEMS(perms); i++) {
        cst_edits e = {NULL, 0, 0};
        int k;

        for (k = 0; k < 4; k++) {
            switch (perms[i][k]) {
            case 0:
                cst_edits_replace(&e, &t, (size_t)summ, "SUMMARY:new", 11);
                break;
            case 1:
                cst_edits_remove(&e, &t, (size_t)desc);
                break;
            case 2:
                cst_edits_add(&e, &t, ev, "X-NEW:1", 7);
                break;
            default:
                cst_edits_remove(&e, &t, (size_t)uid);
                break;
            }
        }
        tap_int(e.n, 4, "orders[%zu]: 4 edits", i);
        out = apply_rescan(&e, &t, &ol, &t2, "orders", i);
        tap_bytes(out, ol, want, wl, "orders", i);
        tap_int(t2.n_props, (long)t.n_props - 1, "orders[%zu]: properties", i);
        tap_int(cst_icaltext_find_prop(&t2, ev, "X-VENDOR-THING", 0) >= 0, 1,
                "orders[%zu]: X- property kept", i);
        cst_icaltext_fini(&t2);
        free(out);
        cst_edits_fini(&e);
    }
    free(want);
    (void)xv;
    cst_icaltext_fini(&t);
}

/* Inserts at one offset, conflicts, raw edits. */
static void test_edit_special(void)
{
    const char *in = obj_lf;
    size_t len = strlen(in), ol, wl;
    cst_icaltext t, t2;
    cst_edits e = {NULL, 0, 0};
    cst_status st;
    char *out = NULL, *want;
    int ev, summ, uid, desc;
    size_t fc;
    piece pc[8];

    if (!tap_ok(cst_icaltext_scan(in, len, &t, NULL) == CST_OK,
                "special: scans"))
        return;
    ev = cst_icaltext_nth_comp(&t, "VEVENT", 0);
    uid = cst_icaltext_find_prop(&t, ev, "UID", 0);
    summ = cst_icaltext_find_prop(&t, ev, "SUMMARY", 0);
    desc = cst_icaltext_find_prop(&t, ev, "DESCRIPTION", 0);
    fc = t.comps[ev].first_child;

    /* no edits: the input itself */
    st = cst_edits_apply(&e, &t, &out, &ol);
    tap_ok(st == CST_OK && ol == len && memcmp(out, in, len) == 0,
           "special: no edits, same bytes");
    free(out);

    /* three inserts at one offset keep the order they were added in,
     * raw ones and added ones alike */
    cst_edits_add(&e, &t, ev, "X-A:1", 5);
    cst_edits_raw(&e, fc, 0, "X-B:2\n", 6);
    cst_edits_add(&e, &t, ev, "X-C:3", 5);
    pc[0] = (piece){0, fc, NULL};
    pc[1] = (piece){0, 0, "X-A:1\nX-B:2\nX-C:3\n"};
    pc[2] = (piece){fc, len, NULL};
    want = expect(in, pc, 3, &wl);
    out = apply_rescan(&e, &t, &ol, &t2, "special", 0);
    tap_bytes(out, ol, want, wl, "special", 0);
    tap_int(t2.n_props, (long)t.n_props + 3, "special[0]: properties");
    free(out);
    free(want);
    cst_icaltext_fini(&t2);
    cst_edits_fini(&e);

    /* an insert and a replacement at one offset: the insert first, also
     * when added after it */
    cst_edits_replace(&e, &t, (size_t)summ, "SUMMARY:r", 9);
    cst_edits_raw(&e, t.props[summ].start, 0, "X-I:1\n", 6);
    pc[0] = (piece){0, t.props[summ].start, NULL};
    pc[1] = (piece){0, 0, "X-I:1\nSUMMARY:r\n"};
    pc[2] = (piece){t.props[summ].end, len, NULL};
    want = expect(in, pc, 3, &wl);
    out = apply_rescan(&e, &t, &ol, &t2, "special", 1);
    tap_bytes(out, ol, want, wl, "special", 1);
    free(out);
    free(want);
    cst_icaltext_fini(&t2);
    cst_edits_fini(&e);

    /* adjacent removals (UID then SUMMARY) are no overlap */
    cst_edits_remove(&e, &t, (size_t)summ);
    cst_edits_remove(&e, &t, (size_t)uid);
    pc[0] = (piece){0, t.props[uid].start, NULL};
    pc[1] = (piece){t.props[summ].end, len, NULL};
    want = expect(in, pc, 2, &wl);
    out = apply_rescan(&e, &t, &ol, &t2, "special", 2);
    tap_bytes(out, ol, want, wl, "special", 2);
    tap_int(t2.n_props, (long)t.n_props - 2, "special[2]: properties");
    free(out);
    free(want);
    cst_icaltext_fini(&t2);
    cst_edits_fini(&e);

    /* a raw edit inside a value: replace "long" of DESCRIPTION, keep the
     * fold */
    cst_edits_raw(&e, t.props[desc].colon + 1, 4, "short", 5);
    out = apply_rescan(&e, &t, &ol, &t2, "special", 3);
    if (out != NULL) {
        char *v = cst_icaltext_value(&t2, (size_t)desc);

        tap_str(v, "shorter", "special[3]: value with its fold");
        free(v);
    }
    free(out);
    cst_icaltext_fini(&t2);
    cst_edits_fini(&e);

    /* overlapping edits: CST_ERR_INVALID and no output */
    {
        static const char *const what[] = {
            "replace twice",          "replace and remove",
            "raw inside a removal",   "raw past the end",
            "raw with a huge length", "raw at a huge offset"};
        size_t k;

        for (k = 0; k < N_ELEMS(what); k++) {
            out = (char *)"x";
            switch (k) {
            case 0:
                cst_edits_replace(&e, &t, (size_t)summ, "SUMMARY:a", 9);
                cst_edits_replace(&e, &t, (size_t)summ, "SUMMARY:b", 9);
                break;
            case 1:
                cst_edits_remove(&e, &t, (size_t)summ);
                cst_edits_replace(&e, &t, (size_t)summ, "SUMMARY:b", 9);
                break;
            case 2:
                cst_edits_remove(&e, &t, (size_t)desc);
                cst_edits_raw(&e, t.props[desc].start + 3, 0, "z", 1);
                break;
            case 3:
                cst_edits_raw(&e, len - 2, 3, "z", 1);
                break;
            case 4:
                cst_edits_raw(&e, 5, (size_t)-1, "z", 1);
                break;
            default:
                cst_edits_raw(&e, (size_t)-2, 1, "z", 1);
                break;
            }
            st = cst_edits_apply(&e, &t, &out, &ol);
            tap_int(st, CST_ERR_INVALID, "overlap[%zu]: %s", k, what[k]);
            tap_ok(out == NULL, "overlap[%zu]: no output", k);
            cst_edits_fini(&e);
        }
    }

    /* a raw edit at the very end: appending */
    cst_edits_raw(&e, len, 0, "X:1\n", 4);
    st = cst_edits_apply(&e, &t, &out, &ol);
    tap_ok(st == CST_OK && ol == len + 4 && memcmp(out, in, len) == 0 &&
               memcmp(out + len, "X:1\n", 4) == 0,
           "special: raw insert at the end");
    free(out);
    cst_edits_fini(&e);
    cst_edits_fini(NULL);
    cst_icaltext_fini(&t);
}

/*
 * Removals next to lone CR line ends: a lone CR before the removed lines
 * and an LF after them must not become one CRLF (that would make a blank
 * LF line and its continuation " Z:3" a continuation of X).  An LF is
 * added after the CR; every other byte stays.
 */
static const struct seam_case {
    const char *in;
    const char *remove; /* names of the properties removed, ' '-separated */
    const char *want;
    const char *values; /* NAME=value of the output's properties */
} seam_cases[] = {
    /* 0: the removed line ends in LF */
    {"BEGIN:A\rX:1\rY:2\n\n Z:3\nEND:A\n", "Y",
     "BEGIN:A\rX:1\r\n\n Z:3\nEND:A\n", "X=1 Z=3"},
    /* 1: the removed line ends in CRLF */
    {"BEGIN:A\rX:1\rY:2\r\n\n Z:3\nEND:A\n", "Y",
     "BEGIN:A\rX:1\r\n\n Z:3\nEND:A\n", "X=1 Z=3"},
    /* 2: two adjacent removals make the seam together */
    {"BEGIN:A\rX:1\rY:2\nW:4\n\n Z:3\nEND:A\n", "Y W",
     "BEGIN:A\rX:1\r\n\n Z:3\nEND:A\n", "X=1 Z=3"},
    /* 3: no seam: the line before ends in CRLF */
    {"BEGIN:A\r\nX:1\r\nY:2\n\n Z:3\nEND:A\n", "Y",
     "BEGIN:A\r\nX:1\r\n\n Z:3\nEND:A\n", "X=1 Z=3"},
    /* 4: no seam: lone CRs only */
    {"BEGIN:A\rX:1\rY:2\rZ:3\rEND:A\r", "Y", "BEGIN:A\rX:1\rZ:3\rEND:A\r",
     "X=1 Z=3"},
};

static void test_seams(void)
{
    size_t i, j, ol;

    for (i = 0; i < N_ELEMS(seam_cases); i++) {
        const struct seam_case *tc = &seam_cases[i];
        cst_icaltext t, t2;
        cst_edits e = {NULL, 0, 0};
        sbuf vals = {NULL, 0, 0};
        char *out, names[32], *tok, *save = NULL;

        if (!tap_ok(cst_icaltext_scan(tc->in, strlen(tc->in), &t, NULL) ==
                        CST_OK,
                    "seam[%zu]: scans", i))
            continue;
        snprintf(names, sizeof(names), "%s", tc->remove);
        for (tok = strtok_r(names, " ", &save); tok != NULL;
             tok = strtok_r(NULL, " ", &save))
            cst_edits_remove(&e, &t,
                             (size_t)cst_icaltext_find_prop(&t, 0, tok, 0));
        out = apply_rescan(&e, &t, &ol, &t2, "seam", i);
        tap_bytes(out, ol, tc->want, strlen(tc->want), "seam", i);
        sb_str(&vals, "");
        for (j = 0; out != NULL && j < t2.n_props; j++) {
            char *v = cst_icaltext_value(&t2, j);

            if (j > 0)
                sb_str(&vals, " ");
            sb_str(&vals, t2.props[j].name);
            sb_str(&vals, "=");
            sb_str(&vals, v ? v : "(null)");
            free(v);
        }
        tap_str(vals.s, tc->values, "seam[%zu]: the other properties", i);
        free(vals.s);
        free(out);
        cst_icaltext_fini(&t2);
        cst_edits_fini(&e);
        cst_icaltext_fini(&t);
    }
}

/*
 * An object full of things calsteward does not own: after an add, a
 * replace and a remove in its VEVENT every other byte is where it was --
 * the unknown components, the X- properties, the folds, the parameter
 * order, the line ends (mixed here: one LF line among CRLF ones).
 */
static void test_untouched(void)
{
    static const char in[] =
        "BEGIN:VCALENDAR\r\n"
        "VERSION:2.0\r\n"
        "X-APPLE-CALENDAR-COLOR:#FF2968\r\n"
        "BEGIN:VTIMEZONE\r\n"
        "TZID:Asia/Shanghai\r\n"
        "BEGIN:STANDARD\r\n"
        "DTSTART:19700101T000000\r\n"
        "TZOFFSETFROM:+0800\r\n"
        "TZOFFSETTO:+0800\r\n"
        "END:STANDARD\r\n"
        "END:VTIMEZONE\r\n"
        "BEGIN:VEVENT\r\n"
        "UID:u1\r\n"
        "SUMMARY:old\r\n"
        "X-MICROSOFT-CDO-BUSYSTATUS:BUSY\n"
        "ATTENDEE;X-NUM-GUESTS=0;CN=\"Zh\xC4\x81ng, "
        "S\xC4\x81n\";RSVP=TRUE;P\r\n"
        " ARTSTAT=ACCEPTED:mailto:z@x.example\r\n"
        "CONFERENCE;VALUE=URI;FEATURE=VIDEO:https://x.example/j/1\r\n"
        "BEGIN:PARTICIPANT\r\n"
        "UID:p1\r\n"
        "PARTICIPANT-TYPE:SPEAKER\r\n"
        "X-UNKNOWN-IANA;FOO=\"bar;baz\":qux\r\n"
        "BEGIN:VLOCATION\r\n"
        "UID:l1\r\n"
        "NAME:Room\r\n"
        "END:VLOCATION\r\n"
        "END:PARTICIPANT\r\n"
        "BEGIN:X-VENDOR-COMP\r\n"
        "X-FOO:bar\r\n"
        "END:X-VENDOR-COMP\r\n"
        "X-OLD-STAMP:1\r\n"
        "END:VEVENT\r\n"
        "END:VCALENDAR\r\n";
    size_t len = sizeof(in) - 1, ol, k;
    cst_icaltext t, t2;
    cst_edits e = {NULL, 0, 0};
    char *out;
    int ev, summ, old, part;
    size_t a0, a1, b0, b1, fc;

    if (!tap_ok(cst_icaltext_scan(in, len, &t, NULL) == CST_OK,
                "untouched: scans"))
        return;
    tap_str(t.eol, "\r\n", "untouched: CRLF for new lines");
    ev = cst_icaltext_nth_comp(&t, "VEVENT", 0);
    part = cst_icaltext_nth_comp(&t, "PARTICIPANT", 0);
    tap_int(t.comps[part].parent, ev, "untouched: PARTICIPANT in VEVENT");
    tap_int(t.comps[cst_icaltext_nth_comp(&t, "VLOCATION", 0)].parent, part,
            "untouched: VLOCATION in PARTICIPANT");
    summ = cst_icaltext_find_prop(&t, ev, "SUMMARY", 0);
    old = cst_icaltext_find_prop(&t, ev, "X-OLD-STAMP", 0);
    fc = t.comps[ev].first_child;
    tap_int(fc, t.comps[part].begin, "untouched: first child PARTICIPANT");
    cst_edits_remove(&e, &t, (size_t)old);
    cst_edits_add(&e, &t, ev, "X-CALSTEWARD-AGENDA-SENT:20230615T020000Z", 41);
    cst_edits_replace(&e, &t, (size_t)summ, "SUMMARY:new", 11);
    out = apply_rescan(&e, &t, &ol, &t2, "untouched", 0);
    if (out == NULL) {
        cst_edits_fini(&e);
        cst_icaltext_fini(&t);
        return;
    }
    /* the three untouched ranges, byte for byte */
    a0 = t.props[summ].start;
    a1 = t.props[summ].end;
    b0 = t.props[old].start;
    b1 = t.props[old].end;
    tap_ok(memcmp(out, in, a0) == 0, "untouched: before SUMMARY");
    tap_ok(memcmp(out + a0, "SUMMARY:new\r\n", 13) == 0,
           "untouched: SUMMARY replaced");
    tap_ok(memcmp(out + a0 + 13, in + a1, fc - a1) == 0,
           "untouched: SUMMARY to the first child");
    k = a0 + 13 + (fc - a1);
    tap_ok(memcmp(out + k, "X-CALSTEWARD-AGENDA-SENT:20230615T020000Z\r\n",
                  43) == 0,
           "untouched: added before PARTICIPANT");
    k += 43;
    tap_ok(memcmp(out + k, in + fc, b0 - fc) == 0,
           "untouched: PARTICIPANT, VLOCATION, X-VENDOR-COMP as they were");
    k += b0 - fc;
    tap_ok(memcmp(out + k, in + b1, len - b1) == 0 && k + len - b1 == ol,
           "untouched: the rest as it was");
    tap_int(t2.n_props, t.n_props, "untouched: one added, one removed");
    tap_int(t2.n_comps, t.n_comps, "untouched: components");
    for (k = 0; k < t.n_comps; k++)
        tap_str(t2.comps[k].name, t.comps[k].name, "untouched: comp %zu", k);
    /* nothing libical-ish slipped in */
    tap_ok(cst_find_ci(out, ol, "X-LIC-ERROR") == (size_t)-1,
           "untouched: no X-LIC-ERROR");
    cst_icaltext_fini(&t2);
    free(out);
    cst_edits_fini(&e);
    cst_icaltext_fini(&t);
}

int main(void)
{
    test_scan();
    test_scan_offsets();
    test_scan_errors();
    test_value();
    test_raw_offset();
    test_param();
    test_fold();
    test_escape();
    test_edit_cases();
    test_edit_orders();
    test_edit_special();
    test_untouched();
    test_seams();
    return tap_done();
}
