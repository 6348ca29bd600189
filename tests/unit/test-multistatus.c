/*
 * test-multistatus.c -- caldav/multistatus.c: 207 bodies as real servers
 * write them (Radicale, Apple CalendarServer, Nextcloud/SabreDAV, Cyrus),
 * hostile input (entity bombs, external entities, depth, size), and href
 * resolution against a base URL.
 *
 * Each case's result is dumped into a small canonical text (one line per
 * response, property and child element) and compared with the table.
 */
#include "tests/unit/tap.h"
#include "caldav/caldav.h"
#include "caldav/multistatus.h"

#include <stdlib.h>
#include <time.h>

#define N_ELEMS(x) (sizeof(x) / sizeof((x)[0]))

/* --- dump -------------------------------------------------------------- */

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static void put(buf *b, const char *s)
{
    size_t l = strlen(s);

    if (b->len + l + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 256;

        while (nc < b->len + l + 1)
            nc *= 2;
        b->p = realloc(b->p, nc);
        if (b->p == NULL)
            abort();
        b->cap = nc;
    }
    memcpy(b->p + b->len, s, l + 1);
    b->len += l;
}

static const char *short_ns(const char *ns)
{
    if (strcmp(ns, CST_DAV_NS_DAV) == 0)
        return "D";
    if (strcmp(ns, CST_DAV_NS_CALDAV) == 0)
        return "C";
    if (strcmp(ns, CST_DAV_NS_CS) == 0)
        return "CS";
    return ns[0] ? ns : "-";
}

/* Text with CR and LF shown as \r \n. */
static void put_text(buf *b, const char *s)
{
    char c[2] = {0, 0};

    put(b, "\"");
    for (; *s; s++) {
        if (*s == '\r')
            put(b, "\\r");
        else if (*s == '\n')
            put(b, "\\n");
        else {
            c[0] = *s;
            put(b, c);
        }
    }
    put(b, "\"");
}

/*
 * R <href> <status>
 *  P <ns>:<name> <status> "<text>"
 *   E <ns>:<name>[ name=<attr>] "<text>"
 * T <sync-token>
 */
static char *dump(const cst_dav_multistatus *ms)
{
    buf b = {NULL, 0, 0};
    char num[32];
    size_t i, j, k;

    put(&b, "");
    for (i = 0; i < ms->nresp; i++) {
        const cst_dav_msresponse *r = &ms->resp[i];

        put(&b, "R ");
        put(&b, r->href);
        snprintf(num, sizeof(num), " %d\n", r->status);
        put(&b, num);
        for (j = 0; j < r->nprop; j++) {
            const cst_dav_prop *p = &r->prop[j];

            put(&b, " P ");
            put(&b, short_ns(p->ns));
            put(&b, ":");
            put(&b, p->name);
            snprintf(num, sizeof(num), " %d ", p->status);
            put(&b, num);
            put_text(&b, p->text);
            put(&b, "\n");
            for (k = 0; k < p->nchild; k++) {
                const cst_dav_elem *e = &p->child[k];

                put(&b, "  E ");
                put(&b, short_ns(e->ns));
                put(&b, ":");
                put(&b, e->name);
                if (e->name_attr) {
                    put(&b, " name=");
                    put(&b, e->name_attr);
                }
                put(&b, " ");
                put_text(&b, e->text);
                put(&b, "\n");
            }
        }
    }
    if (ms->sync_token) {
        put(&b, "T ");
        put(&b, ms->sync_token);
        put(&b, "\n");
    }
    return b.p;
}

/* --- the cases --------------------------------------------------------- */

static const struct ms_case {
    const char *name;
    const char *xml;
    cst_status st;
    const char *want; /* dump on CST_OK; a substring of err.msg otherwise */
    size_t max_bytes, max_responses; /* 0 = defaults */
} ms_cases[] = {
    /* Radicale 3.1: default namespace DAV:, C: prefix, self-closing tags
     * with a space, PROPFIND Depth 1 of a calendar home. */
    {"radicale home",
     "<?xml version='1.0' encoding='utf-8'?>\n"
     "<multistatus xmlns=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
     "<response><href>/alice/</href><propstat><prop><resourcetype>"
     "<principal /><collection /></resourcetype></prop>"
     "<status>HTTP/1.1 200 OK</status></propstat><propstat><prop>"
     "<displayname /><C:supported-calendar-component-set />"
     "</prop><status>HTTP/1.1 404 Not Found</status></propstat></response>"
     "<response><href>/alice/work/</href><propstat><prop><resourcetype>"
     "<C:calendar /><collection /></resourcetype><displayname>Work"
     "</displayname><C:supported-calendar-component-set><C:comp "
     "name=\"VEVENT\" /></C:supported-calendar-component-set></prop>"
     "<status>HTTP/1.1 200 OK</status></propstat></response>"
     "</multistatus>",
     CST_OK,
     "R /alice/ 0\n"
     " P D:resourcetype 200 \"\"\n"
     "  E D:principal \"\"\n"
     "  E D:collection \"\"\n"
     " P D:displayname 404 \"\"\n"
     " P C:supported-calendar-component-set 404 \"\"\n"
     "R /alice/work/ 0\n"
     " P D:resourcetype 200 \"\"\n"
     "  E C:calendar \"\"\n"
     "  E D:collection \"\"\n"
     " P D:displayname 200 \"Work\"\n"
     " P C:supported-calendar-component-set 200 \"\"\n"
     "  E C:comp name=VEVENT \"\"\n",
     0, 0},
    /* Apple CalendarServer: namespaces declared on the elements that use
     * them, white space between elements, quoted ETag as entity refs,
     * CS:getctag. */
    {"calendarserver",
     "<?xml version='1.0' encoding='UTF-8'?>\n"
     "<multistatus xmlns='DAV:'>\n"
     "  <response>\n"
     "    <href>/calendars/__uids__/10000000-0000-0000-0000-000000000001/"
     "calendar/</href>\n"
     "    <propstat>\n"
     "      <prop>\n"
     "        <getctag xmlns='http://calendarserver.org/ns/'>&quot;"
     "d41d8&quot;</getctag>\n"
     "        <supported-calendar-component-set xmlns='urn:ietf:params:"
     "xml:ns:caldav'>\n"
     "          <comp name='VEVENT'/>\n"
     "          <comp name='VTODO'/>\n"
     "        </supported-calendar-component-set>\n"
     "      </prop>\n"
     "      <status>HTTP/1.1 200 OK</status>\n"
     "    </propstat>\n"
     "  </response>\n"
     "</multistatus>\n",
     CST_OK,
     "R /calendars/__uids__/10000000-0000-0000-0000-000000000001/"
     "calendar/ 0\n"
     " P CS:getctag 200 \"\"d41d8\"\"\n"
     " P C:supported-calendar-component-set 200 \"\"\n"
     "  E C:comp name=VEVENT \"\"\n"
     "  E C:comp name=VTODO \"\"\n",
     0, 0},
    /* Nextcloud / SabreDAV: lower-case prefixes, many namespaces, a 404
     * propstat for the missing etag of a collection. */
    {"sabredav",
     "<?xml version=\"1.0\"?>\n"
     "<d:multistatus xmlns:d=\"DAV:\" xmlns:s=\"http://sabredav.org/ns\" "
     "xmlns:cal=\"urn:ietf:params:xml:ns:caldav\" xmlns:cs=\"http://"
     "calendarserver.org/ns/\" xmlns:oc=\"http://owncloud.org/ns\" "
     "xmlns:nc=\"http://nextcloud.org/ns\"><d:response><d:href>/remote.php/"
     "dav/calendars/alice/personal/</d:href><d:propstat><d:prop>"
     "<d:displayname>Personal</d:displayname><cal:supported-calendar-"
     "component-set><cal:comp name=\"VEVENT\"/><cal:comp name=\"VTODO\"/>"
     "</cal:supported-calendar-component-set><oc:owner-principal>"
     "principals/users/alice</oc:owner-principal></d:prop><d:status>"
     "HTTP/1.1 200 OK</d:status></d:propstat><d:propstat><d:prop>"
     "<d:getetag/></d:prop><d:status>HTTP/1.1 404 Not Found</d:status>"
     "</d:propstat></d:response></d:multistatus>\n",
     CST_OK,
     "R /remote.php/dav/calendars/alice/personal/ 0\n"
     " P D:displayname 200 \"Personal\"\n"
     " P C:supported-calendar-component-set 200 \"\"\n"
     "  E C:comp name=VEVENT \"\"\n"
     "  E C:comp name=VTODO \"\"\n"
     " P http://owncloud.org/ns:owner-principal 200 "
     "\"principals/users/alice\"\n"
     " P D:getetag 404 \"\"\n",
     0, 0},
    /* Cyrus imapd: upper-case prefixes, current-user-principal and
     * calendar-home-set with an href child, a calendar-data REPORT with
     * CRLF kept byte for byte. */
    {"cyrus principal",
     "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
     "<D:multistatus xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:"
     "caldav\" xmlns:CS=\"http://calendarserver.org/ns/\" xmlns:A=\"http:"
     "//apple.com/ns/ical/\"><D:response><D:href>/dav/principals/user/"
     "alice/</D:href><D:propstat><D:prop><D:current-user-principal>"
     "<D:href>/dav/principals/user/alice/</D:href></D:current-user-"
     "principal><C:calendar-home-set><D:href>/dav/calendars/user/alice/"
     "</D:href></C:calendar-home-set><C:calendar-user-address-set><D:href>"
     "mailto:alice@example.com</D:href><D:href>/dav/principals/user/alice/"
     "</D:href></C:calendar-user-address-set></D:prop><D:status>HTTP/1.1 "
     "200 OK</D:status></D:propstat></D:response></D:multistatus>",
     CST_OK,
     "R /dav/principals/user/alice/ 0\n"
     " P D:current-user-principal 200 \"/dav/principals/user/alice/\"\n"
     "  E D:href \"/dav/principals/user/alice/\"\n"
     " P C:calendar-home-set 200 \"/dav/calendars/user/alice/\"\n"
     "  E D:href \"/dav/calendars/user/alice/\"\n"
     " P C:calendar-user-address-set 200 "
     "\"mailto:alice@example.com/dav/principals/user/alice/\"\n"
     "  E D:href \"mailto:alice@example.com\"\n"
     "  E D:href \"/dav/principals/user/alice/\"\n",
     0, 0},
    {"calendar-data kept byte for byte",
     "<D:multistatus xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:"
     "caldav\"><D:response><D:href>/c/a.ics</D:href><D:propstat><D:prop>"
     "<D:getetag>\"1-a\"</D:getetag><C:calendar-data>BEGIN:VCALENDAR\r\n"
     "SUMMARY:a &amp; b &lt;c&gt;\r\nEND:VCALENDAR\r\n</C:calendar-data>"
     "</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>"
     "</D:response></D:multistatus>",
     CST_OK,
     "R /c/a.ics 0\n"
     " P D:getetag 200 \"\"1-a\"\"\n"
     " P C:calendar-data 200 \"BEGIN:VCALENDAR\\n"
     "SUMMARY:a & b <c>\\nEND:VCALENDAR\\n\"\n",
     0, 0},
    /* libxml2 normalises CRLF to LF as XML requires; CDATA keeps "\r" only
     * as a character reference. */
    {"calendar-data in CDATA with &#13;",
     "<multistatus xmlns=\"DAV:\"><response><href>/c/b.ics</href><propstat>"
     "<prop><calendar-data xmlns=\"urn:ietf:params:xml:ns:caldav\">"
     "<![CDATA[BEGIN:VCALENDAR]]>&#13;\n<![CDATA[END:VCALENDAR<x>]]>&#13;\n"
     "</calendar-data></prop><status>HTTP/1.1 200 OK</status></propstat>"
     "</response></multistatus>",
     CST_OK,
     "R /c/b.ics 0\n"
     " P C:calendar-data 200 \"BEGIN:VCALENDAR\\r\\nEND:VCALENDAR<x>\\r\\n\"\n",
     0, 0},
    /* sync-collection: deleted members in the status form, two hrefs
     * sharing one status, a sync-token, a missing etag. */
    {"sync-collection",
     "<multistatus xmlns=\"DAV:\"><response><href>/c/gone1.ics</href>"
     "<href>/c/gone2.ics</href><status>HTTP/1.1 404 Not Found</status>"
     "</response><response><href>/c/new.ics</href><propstat><prop>"
     "<getetag/></prop><status>HTTP/1.1 404 Not Found</status></propstat>"
     "</response><sync-token>http://radicale.org/ns/sync/abc</sync-token>"
     "</multistatus>",
     CST_OK,
     "R /c/gone1.ics 404\n"
     "R /c/gone2.ics 404\n"
     "R /c/new.ics 0\n"
     " P D:getetag 404 \"\"\n"
     "T http://radicale.org/ns/sync/abc\n",
     0, 0},
    {"any prefix, unknown elements skipped, hrefs trimmed",
     "<x:multistatus xmlns:x=\"DAV:\"><x:response><x:href>\n  /a%20b/\n"
     "</x:href><y:junk xmlns:y=\"urn:y\"/><x:propstat><x:prop><z:color "
     "xmlns:z=\"http://apple.com/ns/ical/\">#FF0000</z:color><plain>p"
     "</plain></x:prop><x:status>HTTP/1.1 200 OK</x:status></x:propstat>"
     "</x:response><x:responsedescription>x</x:responsedescription>"
     "</x:multistatus>",
     CST_OK,
     "R /a%20b/ 0\n"
     " P http://apple.com/ns/ical/:color 200 \"#FF0000\"\n"
     " P -:plain 200 \"p\"\n",
     0, 0},
    {"response without href skipped",
     "<multistatus xmlns=\"DAV:\"><response><status>HTTP/1.1 200 OK"
     "</status></response></multistatus>",
     CST_OK, "", 0, 0},
    {"empty multistatus", "<multistatus xmlns=\"DAV:\"/>", CST_OK, "", 0, 0},

    /* --- refused ---------------------------------------------------- */
    {"no namespace", "<multistatus><response/></multistatus>",
     CST_ERR_PARSE, "not {DAV:}multistatus", 0, 0},
    {"wrong namespace", "<D:multistatus xmlns:D=\"urn:x\"/>", CST_ERR_PARSE,
     "root element is {urn:x}multistatus", 0, 0},
    {"HTML error page",
     "<html><body><h1>502 Bad Gateway</h1></body></html>", CST_ERR_PARSE,
     "root element is {}html", 0, 0},
    {"malformed: unclosed",
     "<multistatus xmlns=\"DAV:\">\n<response>\n<href>/a</href>\n",
     CST_ERR_PARSE, "multistatus: line ", 0, 0},
    {"malformed: mismatched tag",
     "<multistatus xmlns=\"DAV:\"><response></href></multistatus>",
     CST_ERR_PARSE, "line 1:", 0, 0},
    {"malformed: undefined entity",
     "<multistatus xmlns=\"DAV:\"><response><href>&bomb;</href></response>"
     "</multistatus>",
     CST_ERR_PARSE, "line 1:", 0, 0},
    {"malformed: unbound prefix", "<D:multistatus/>", CST_ERR_PARSE,
     "multistatus:", 0, 0},
    {"empty body", "", CST_ERR_PARSE, "empty body", 0, 0},
    {"not XML", "HTTP/1.1 500 oops", CST_ERR_PARSE, "line 1:", 0, 0},
    {"billion laughs",
     "<?xml version=\"1.0\"?>\n"
     "<!DOCTYPE lolz [\n"
     " <!ENTITY lol \"lol\">\n"
     " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
     " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"
     "&lol1;&lol1;\">\n"
     " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"
     "&lol2;&lol2;\">\n"
     " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"
     "&lol3;&lol3;\">\n"
     " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"
     "&lol4;&lol4;\">\n"
     " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"
     "&lol5;&lol5;\">\n"
     " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"
     "&lol6;&lol6;\">\n"
     " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"
     "&lol7;&lol7;\">\n"
     " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;"
     "&lol8;&lol8;\">\n"
     "]>\n"
     "<multistatus xmlns=\"DAV:\"><response><href>&lol9;</href></response>"
     "</multistatus>",
     CST_ERR_PARSE, "DOCTYPE not allowed", 0, 0},
    {"quadratic blowup (one big entity, many refs)",
     "<!DOCTYPE m [<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">"
     "]><multistatus xmlns=\"DAV:\"><response><href>&a;&a;&a;&a;&a;&a;&a;"
     "</href></response></multistatus>",
     CST_ERR_PARSE, "DOCTYPE not allowed", 0, 0},
    {"external entity (file)",
     "<?xml version=\"1.0\"?>\n<!DOCTYPE m [<!ENTITY xxe SYSTEM "
     "\"file:///etc/passwd\">]>\n<multistatus xmlns=\"DAV:\"><response>"
     "<href>&xxe;</href></response></multistatus>",
     CST_ERR_PARSE, "DOCTYPE not allowed", 0, 0},
    {"external entity (network) and external DTD",
     "<!DOCTYPE m SYSTEM \"http://192.0.2.1/evil.dtd\"><multistatus "
     "xmlns=\"DAV:\"/>",
     CST_ERR_PARSE, "DOCTYPE not allowed", 0, 0},
    {"parameter entity",
     "<!DOCTYPE m [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>"
     "<multistatus xmlns=\"DAV:\"/>",
     CST_ERR_PARSE, "DOCTYPE not allowed", 0, 0},
    {"body over max_bytes",
     "<multistatus xmlns=\"DAV:\"><response><href>/0123456789/</href>"
     "</response></multistatus>",
     CST_ERR_TOO_LARGE, "exceeds 40", 40, 0},
    {"responses over max_responses",
     "<multistatus xmlns=\"DAV:\"><response><href>/1</href></response>"
     "<response><href>/2</href></response><response><href>/3</href>"
     "</response></multistatus>",
     CST_ERR_TOO_LARGE, "more than 2 responses", 0, 2},
    {"hrefs over max_responses in the status form",
     "<multistatus xmlns=\"DAV:\"><response><href>/1</href><href>/2</href>"
     "<href>/3</href><status>HTTP/1.1 404 Not Found</status></response>"
     "</multistatus>",
     CST_ERR_TOO_LARGE, "more than 2 responses", 0, 2},
};

static void test_cases(void)
{
    size_t i;

    for (i = 0; i < N_ELEMS(ms_cases); i++) {
        const struct ms_case *tc = &ms_cases[i];
        cst_dav_ms_limits lim;
        cst_dav_multistatus ms;
        cst_error err;
        cst_status st;

        memset(&lim, 0, sizeof(lim));
        lim.max_bytes = tc->max_bytes;
        lim.max_responses = tc->max_responses;
        memset(&err, 0, sizeof(err));
        st = cst_dav_multistatus_parse(tc->xml, strlen(tc->xml), &lim, &ms,
                                       &err);
        tap_str(cst_status_str(st), cst_status_str(tc->st),
                "ms[%zu] %s: status (%s)", i, tc->name, err.msg);
        if (st == CST_OK) {
            char *got = dump(&ms);

            tap_str(got, tc->want, "ms[%zu] %s: parsed", i, tc->name);
            free(got);
        } else {
            if (!tap_ok(strstr(err.msg, tc->want) != NULL,
                        "ms[%zu] %s: message has '%s'", i, tc->name,
                        tc->want))
                printf("#   got: '%s'\n", err.msg);
            tap_ok(strchr(err.msg, '\n') == NULL,
                   "ms[%zu] %s: message on one line", i, tc->name);
            tap_ok(ms.resp == NULL && ms.nresp == 0 && ms.sync_token == NULL,
                   "ms[%zu] %s: nothing left built", i, tc->name);
        }
        cst_dav_multistatus_fini(&ms);
    }
}

/* Nesting past max_depth inside a property; past libxml2's own limit. */
static void test_depth(void)
{
    static const char head[] = "<multistatus xmlns=\"DAV:\"><response><href>"
                               "/a</href><propstat><prop><x>";
    static const char tail[] = "</x></prop></propstat></response>"
                               "</multistatus>";
    static const size_t depths[] = {50, 100, 300, 5000};
    size_t t;

    for (t = 0; t < N_ELEMS(depths); t++) {
        size_t n = depths[t], i, len = 0;
        char *xml = malloc(sizeof(head) + sizeof(tail) + n * 8);
        cst_dav_multistatus ms;
        cst_error err;
        cst_status st, want;

        memcpy(xml, head, sizeof(head) - 1);
        len = sizeof(head) - 1;
        for (i = 0; i < n; i++) {
            memcpy(xml + len, "<y>", 3);
            len += 3;
        }
        for (i = 0; i < n; i++) {
            memcpy(xml + len, "</y>", 4);
            len += 4;
        }
        memcpy(xml + len, tail, sizeof(tail));
        len += sizeof(tail) - 1;
        memset(&err, 0, sizeof(err));
        st = cst_dav_multistatus_parse(xml, len, NULL, &ms, &err);
        /* 50 fits in 64; 100 is past ours; 300 and more past libxml2's 256 */
        want = n == 50 ? CST_OK : n == 100 ? CST_ERR_TOO_LARGE : CST_ERR_PARSE;
        tap_str(cst_status_str(st), cst_status_str(want),
                "depth[%zu] %zu nested elements (%s)", t, n, err.msg);
        cst_dav_multistatus_fini(&ms);
        free(xml);
    }
}

/* Many responses parse, and in reasonable time. */
static void test_many(void)
{
    size_t n = 20000, i, len = 0, cap = 64 + n * 128;
    char *xml = malloc(cap);
    cst_dav_multistatus ms;
    cst_dav_ms_limits lim;
    cst_error err;
    cst_status st;
    clock_t t0 = clock();

    len += (size_t)snprintf(xml + len, cap - len,
                            "<multistatus xmlns=\"DAV:\">");
    for (i = 0; i < n; i++)
        len += (size_t)snprintf(xml + len, cap - len,
                                "<response><href>/c/%zu.ics</href><status>"
                                "HTTP/1.1 200 OK</status></response>",
                                i);
    len += (size_t)snprintf(xml + len, cap - len, "</multistatus>");
    memset(&lim, 0, sizeof(lim));
    lim.max_bytes = len;
    st = cst_dav_multistatus_parse(xml, len, &lim, &ms, &err);
    tap_int(st, CST_OK, "many: %zu responses parse", n);
    tap_int(ms.nresp, n, "many: all counted");
    tap_str(ms.nresp ? ms.resp[n - 1].href : NULL, "/c/19999.ics",
            "many: last href");
    tap_ok((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0,
           "many: under 5 s of CPU");
    cst_dav_multistatus_fini(&ms);
    free(xml);
}

/* A sweep-sized REPORT: 12 000 items with calendar-data, about 20 MB --
 * past libxml2's 10 MB guards for one text node added up -- parses under
 * the sweep's 64 MiB limit, and is refused under the 4 MiB default. */
static void test_big_report(void)
{
    static const char ev[] =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n"
        "UID:%zu@big\r\nSUMMARY:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    size_t n = 12000, i, len = 0, cap = 64 + n * 1900;
    char *xml = malloc(cap), pad[1501], want[1700];
    cst_dav_multistatus ms;
    cst_dav_ms_limits lim;
    cst_error err;
    cst_status st;
    const cst_dav_prop *cd;

    memset(pad, 'x', sizeof(pad) - 1);
    pad[sizeof(pad) - 1] = '\0';
    len += (size_t)snprintf(xml + len, cap - len,
                            "<d:multistatus xmlns:d=\"DAV:\" xmlns:c=\""
                            CST_DAV_NS_CALDAV "\">");
    for (i = 0; i < n; i++) {
        len += (size_t)snprintf(xml + len, cap - len,
                                "<d:response><d:href>/c/%zu.ics</d:href>"
                                "<d:propstat><d:prop><d:getetag>\"%zu\""
                                "</d:getetag><c:calendar-data>",
                                i, i);
        len += (size_t)snprintf(xml + len, cap - len, ev, i, pad);
        len += (size_t)snprintf(xml + len, cap - len,
                                "</c:calendar-data></d:prop><d:status>"
                                "HTTP/1.1 200 OK</d:status></d:propstat>"
                                "</d:response>");
    }
    len += (size_t)snprintf(xml + len, cap - len, "</d:multistatus>");
    tap_ok(len > 16u * 1024 * 1024, "big: body of %zu bytes", len);
    memset(&lim, 0, sizeof(lim));
    lim.max_bytes = 64u * 1024 * 1024;
    st = cst_dav_multistatus_parse(xml, len, &lim, &ms, &err);
    tap_int(st, CST_OK, "big: parses under 64 MiB (%s)",
            st == CST_OK ? "" : err.msg);
    tap_int(ms.nresp, n, "big: all %zu responses", n);
    cd = ms.nresp == n ? cst_dav_ms_prop(&ms.resp[n - 1], CST_DAV_NS_CALDAV,
                                         "calendar-data")
                       : NULL;
    /* XML turns the literal CRLFs into LF */
    snprintf(want, sizeof(want), ev, n - 1, pad);
    {
        char *r = want, *w = want;

        for (; *r != '\0'; r++)
            if (*r != '\r')
                *w++ = *r;
        *w = '\0';
    }
    tap_str(cd ? cd->text : NULL, want, "big: last calendar-data intact");
    cst_dav_multistatus_fini(&ms);
    st = cst_dav_multistatus_parse(xml, len, NULL, &ms, &err);
    tap_int(st, CST_ERR_TOO_LARGE, "big: refused under the default limit");
    free(xml);
}

static const struct status_case {
    const char *in;
    int want;
} status_cases[] = {
    {"HTTP/1.1 200 OK", 200},
    {"HTTP/1.1 404 Not Found", 404},
    {"  HTTP/1.0 207 Multi-Status ", 207},
    {"HTTP/2 424", 424},
    {"HTTP/1.1 20 OK", 0},
    {"HTTP/1.1 2000 OK", 0},
    {"200 OK", 0},
    {"", 0},
};

static void test_status(void)
{
    size_t i;

    for (i = 0; i < N_ELEMS(status_cases); i++)
        tap_int(cst_dav_parse_status_line(status_cases[i].in),
                status_cases[i].want, "status[%zu] '%s'", i,
                status_cases[i].in);
}

static const struct href_case {
    const char *base, *href, *want;
} href_cases[] = {
    {"http://h:5232/alice/", "/alice/work/", "http://h:5232/alice/work/"},
    {"http://h/dav/cal/", "a.ics", "http://h/dav/cal/a.ics"},
    {"http://h/dav/cal/x.ics", "y.ics", "http://h/dav/cal/y.ics"},
    {"http://h/dav/cal/", "../other/", "http://h/dav/other/"},
    {"https://h/a/", "https://other.example/b/", "https://other.example/b/"},
    {"https://h/a/", "//cdn.example/c/", "https://cdn.example/c/"},
    {"http://h/a/", "/a%20b/", "http://h/a%20b/"},
    {"http://h/a/", "/a/?q=1", "http://h/a/?q=1"},
    {"not a url", "/a/", NULL},
};

static void test_href(void)
{
    size_t i;

    for (i = 0; i < N_ELEMS(href_cases); i++) {
        char *out = NULL;
        cst_error err;
        cst_status st = cst_dav_url_resolve(href_cases[i].base,
                                            href_cases[i].href, &out, &err);

        tap_str(st == CST_OK ? out : NULL, href_cases[i].want,
                "href[%zu] '%s' on '%s'", i, href_cases[i].href,
                href_cases[i].base);
        free(out);
    }
    tap_ok(cst_dav_same_origin("http://H:80/a", "http://h/b"),
           "origin: default port and host case");
    tap_ok(!cst_dav_same_origin("http://h/a", "https://h/a"),
           "origin: scheme differs");
    tap_ok(!cst_dav_same_origin("http://h:8080/a", "http://h:8081/a"),
           "origin: port differs");
    tap_ok(!cst_dav_same_origin("http://127.0.0.1/a", "http://localhost/a"),
           "origin: host differs");
}

int main(void)
{
    cst_error err;

    if (cst_dav_global_init(&err) != CST_OK) {
        printf("Bail out! %s\n", err.msg);
        return 1;
    }
    test_cases();
    test_depth();
    test_many();
    test_big_report();
    test_status();
    test_href();
    cst_dav_global_cleanup();
    return tap_done();
}
