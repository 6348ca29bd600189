/*
 * test-tz.c -- time zone resolution, property times and formatting.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

#include "core/tz.h"
#include "tests/unit/tap.h"

#define CRLF "\r\n"

/* Every Windows name of the table (CLDR windowsZones, territory 001, plus
 * a few old ones): each must map to a zone libical can load, which also
 * proves that the table's binary search finds every row. */
static const char *const all_windows[] = {
    "Dateline Standard Time",
    "UTC-11",
    "Aleutian Standard Time",
    "Hawaiian Standard Time",
    "Marquesas Standard Time",
    "Alaskan Standard Time",
    "UTC-09",
    "Pacific Standard Time (Mexico)",
    "UTC-08",
    "Pacific Standard Time",
    "US Mountain Standard Time",
    "Mountain Standard Time (Mexico)",
    "Mountain Standard Time",
    "Yukon Standard Time",
    "Central America Standard Time",
    "Central Standard Time",
    "Easter Island Standard Time",
    "Central Standard Time (Mexico)",
    "Canada Central Standard Time",
    "SA Pacific Standard Time",
    "Eastern Standard Time (Mexico)",
    "Eastern Standard Time",
    "Haiti Standard Time",
    "Cuba Standard Time",
    "US Eastern Standard Time",
    "Turks And Caicos Standard Time",
    "Paraguay Standard Time",
    "Atlantic Standard Time",
    "Venezuela Standard Time",
    "Central Brazilian Standard Time",
    "SA Western Standard Time",
    "Pacific SA Standard Time",
    "Newfoundland Standard Time",
    "Tocantins Standard Time",
    "E. South America Standard Time",
    "SA Eastern Standard Time",
    "Argentina Standard Time",
    "Greenland Standard Time",
    "Montevideo Standard Time",
    "Magallanes Standard Time",
    "Saint Pierre Standard Time",
    "Bahia Standard Time",
    "UTC-02",
    "Azores Standard Time",
    "Cape Verde Standard Time",
    "UTC",
    "GMT Standard Time",
    "Greenwich Standard Time",
    "Sao Tome Standard Time",
    "Morocco Standard Time",
    "W. Europe Standard Time",
    "Central Europe Standard Time",
    "Romance Standard Time",
    "Central European Standard Time",
    "W. Central Africa Standard Time",
    "Jordan Standard Time",
    "GTB Standard Time",
    "Middle East Standard Time",
    "Egypt Standard Time",
    "E. Europe Standard Time",
    "Syria Standard Time",
    "West Bank Standard Time",
    "South Africa Standard Time",
    "FLE Standard Time",
    "Israel Standard Time",
    "South Sudan Standard Time",
    "Kaliningrad Standard Time",
    "Sudan Standard Time",
    "Libya Standard Time",
    "Namibia Standard Time",
    "Arabic Standard Time",
    "Turkey Standard Time",
    "Arab Standard Time",
    "Belarus Standard Time",
    "Russian Standard Time",
    "E. Africa Standard Time",
    "Volgograd Standard Time",
    "Iran Standard Time",
    "Arabian Standard Time",
    "Astrakhan Standard Time",
    "Azerbaijan Standard Time",
    "Russia Time Zone 3",
    "Mauritius Standard Time",
    "Saratov Standard Time",
    "Georgian Standard Time",
    "Caucasus Standard Time",
    "Afghanistan Standard Time",
    "West Asia Standard Time",
    "Ekaterinburg Standard Time",
    "Pakistan Standard Time",
    "Qyzylorda Standard Time",
    "India Standard Time",
    "Sri Lanka Standard Time",
    "Nepal Standard Time",
    "Central Asia Standard Time",
    "Bangladesh Standard Time",
    "Omsk Standard Time",
    "Myanmar Standard Time",
    "SE Asia Standard Time",
    "Altai Standard Time",
    "W. Mongolia Standard Time",
    "North Asia Standard Time",
    "N. Central Asia Standard Time",
    "Tomsk Standard Time",
    "China Standard Time",
    "North Asia East Standard Time",
    "Singapore Standard Time",
    "W. Australia Standard Time",
    "Taipei Standard Time",
    "Ulaanbaatar Standard Time",
    "Aus Central W. Standard Time",
    "Transbaikal Standard Time",
    "Tokyo Standard Time",
    "North Korea Standard Time",
    "Korea Standard Time",
    "Yakutsk Standard Time",
    "Cen. Australia Standard Time",
    "AUS Central Standard Time",
    "E. Australia Standard Time",
    "AUS Eastern Standard Time",
    "West Pacific Standard Time",
    "Tasmania Standard Time",
    "Vladivostok Standard Time",
    "Lord Howe Standard Time",
    "Bougainville Standard Time",
    "Russia Time Zone 10",
    "Magadan Standard Time",
    "Norfolk Standard Time",
    "Sakhalin Standard Time",
    "Central Pacific Standard Time",
    "Russia Time Zone 11",
    "New Zealand Standard Time",
    "UTC+12",
    "Fiji Standard Time",
    "Chatham Islands Standard Time",
    "UTC+13",
    "Tonga Standard Time",
    "Samoa Standard Time",
    "Line Islands Standard Time",
    "Mexico Standard Time",
    "Mexico Standard Time 2",
    "Armenian Standard Time",
    "Kamchatka Standard Time",
    "Mid-Atlantic Standard Time",
};

static const struct {
    const char *in;
    const char *want; /* NULL: no mapping */
} win_cases[] = {
    {"W. Europe Standard Time", "Europe/Berlin"},
    {"China Standard Time", "Asia/Shanghai"},
    {"Pacific Standard Time", "America/Los_Angeles"},
    {"Tokyo Standard Time", "Asia/Tokyo"},
    {"India Standard Time", "Asia/Kolkata"},
    {"Pacific Standard Time (Mexico)", "America/Tijuana"},
    {"\"China Standard Time\"", "Asia/Shanghai"},
    {"  Eastern Standard Time ", "America/New_York"},
    {"china standard time", "Asia/Shanghai"},
    {"UTC", "UTC"},
    {"UTC+12", "Etc/GMT-12"},
    {"Mexico Standard Time", "America/Mexico_City"},
    {"China Standard", NULL},
    {"Mars Standard Time", NULL},
    {"", NULL},
    {"\"\"", NULL},
    /* Outlook display names */
    {"(UTC+08:00) Beijing, Chongqing, Hong Kong, Urumqi", "Asia/Shanghai"},
    {"\"(UTC+08:00) Beijing, Chongqing, Hong Kong, Urumqi\"", "Asia/Shanghai"},
    {"(GMT+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna",
     "Europe/Berlin"},
    {"(UTC-05:00) Eastern Time (US & Canada)", "America/New_York"},
    {"(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi", "Asia/Kolkata"},
    {"(UTC) Coordinated Universal Time", "UTC"},
    {"(UTC+00:00) Dublin, Edinburgh, Lisbon, London", "Europe/London"},
    {"(UTC+03:00) Somewhere New", "Etc/GMT-3"},
    {"(UTC-07:00) Somewhere New", "Etc/GMT+7"},
    {"(UTC-03:30) Somewhere New", NULL},
    {"(UTC+15:00) Somewhere New", NULL},
    {"(UTC+08:00 Beijing", NULL},
    {"(CET+01:00) Berlin", NULL},
};

static const struct {
    const char *tzid;
    const char *want; /* location of the built-in zone, NULL: none */
} resolve_cases[] = {
    {"Europe/Berlin", "Europe/Berlin"},
    {"America/Indiana/Indianapolis", "America/Indiana/Indianapolis"},
    {"W. Europe Standard Time", "Europe/Berlin"},
    {"\"W. Europe Standard Time\"", "Europe/Berlin"},
    {"(UTC+08:00) Beijing, Chongqing, Hong Kong, Urumqi", "Asia/Shanghai"},
    {"/mozilla.org/20050126_1/Europe/Berlin", "Europe/Berlin"},
    {"/mozilla.org/20070129_1/America/Argentina/Buenos_Aires",
     "America/Argentina/Buenos_Aires"},
    {"/softwarestudio.org/Olson_20011030_5/America/New_York",
     "America/New_York"},
    {"/freeassociation.sourceforge.net/Tzfile/Europe/Berlin", "Europe/Berlin"},
    {"/citadel.org/20190914_1/Europe/Berlin", "Europe/Berlin"},
    {"Nowhere/Atlantis", NULL},
    {"/example.com/1/Nowhere/Atlantis", NULL},
    {"../../../../etc/passwd", NULL},
    /* only the tail is looked up, so this is just Europe/Berlin */
    {"Europe/../Europe/Berlin", "Europe/Berlin"},
    {"/etc/localtime", NULL},
    {"localtime", NULL},
    {"posixrules", NULL},
    {"/mozilla.org/20050126_1/UTC", NULL},
    {"Europe//Berlin", NULL},
    {"Europe/Berlin/", NULL},
    {"Europe Berlin", NULL},
    {"", NULL},
};

/* An object whose VTIMEZONEs say "Custom" is +05:30 and "Europe/Berlin"
 * is +03:00 all year (the object's own zone wins over the system's). */
static const char vcal_text[] =
    "BEGIN:VCALENDAR" CRLF "VERSION:2.0" CRLF "PRODID:-//test//EN" CRLF
    "BEGIN:VTIMEZONE" CRLF "TZID:Custom" CRLF "BEGIN:STANDARD" CRLF
    "DTSTART:19700101T000000" CRLF "TZOFFSETFROM:+0530" CRLF
    "TZOFFSETTO:+0530" CRLF "TZNAME:CST" CRLF "END:STANDARD" CRLF
    "END:VTIMEZONE" CRLF "BEGIN:VTIMEZONE" CRLF "TZID:Europe/Berlin" CRLF
    "BEGIN:STANDARD" CRLF "DTSTART:19700101T000000" CRLF
    "TZOFFSETFROM:+0300" CRLF "TZOFFSETTO:+0300" CRLF "END:STANDARD" CRLF
    "END:VTIMEZONE" CRLF "BEGIN:VEVENT" CRLF "UID:a" CRLF
    "DTSTAMP:20230601T000000Z" CRLF
    "DTSTART;TZID=Custom:20230623T100000" CRLF                  /* 0 */
    "DTSTART:20230623T100000Z" CRLF                             /* 1 */
    "DTSTART:20230623T100000" CRLF                              /* 2 */
    "DTSTART;TZID=Nowhere/Atlantis:20230623T100000" CRLF        /* 3 */
    "DTSTART;TZID=W. Europe Standard Time:20230623T100000" CRLF /* 4 */
    "DTSTART;TZID=W. Europe Standard Time:20230123T100000" CRLF /* 5 */
    "DTSTART;TZID=\"(UTC+08:00) Beijing, Chongqing, Hong Kong, Urumqi\""
    ":20230623T100000" CRLF /* 6 */
    "DTSTART;TZID=/mozilla.org/20050126_1/America/New_York"
    ":20230623T100000" CRLF                           /* 7 */
    "DTSTART;TZID=Europe/Berlin:20230623T100000" CRLF /* 8 */
    "DTSTART;VALUE=DATE:20230623" CRLF                /* 9 */
    "DTSTART;TZID=UTC:20230623T100000" CRLF           /* 10 */
    "END:VEVENT" CRLF "END:VCALENDAR" CRLF;

static const struct {
    cst_status st;
    const char *utc; /* expected instant, ISO with Z */
    int has_zone;
} prop_cases[] = {
    {CST_OK, "2023-06-23T04:30:00Z", 1}, {CST_OK, "2023-06-23T10:00:00Z", 0},
    {CST_OK, "2023-06-23T10:00:00Z", 0}, {CST_OK, "2023-06-23T10:00:00Z", 0},
    {CST_OK, "2023-06-23T08:00:00Z", 1}, {CST_OK, "2023-01-23T09:00:00Z", 1},
    {CST_OK, "2023-06-23T02:00:00Z", 1}, {CST_OK, "2023-06-23T14:00:00Z", 1},
    {CST_OK, "2023-06-23T07:00:00Z", 1}, {CST_ERR_PARSE, NULL, 0},
    {CST_OK, "2023-06-23T10:00:00Z", 0},
};

static time_t utc(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return timegm(&tm);
}

static icaltimezone *zone(const char *name)
{
    icaltimezone *z = icaltimezone_get_builtin_timezone(name);

    if (z == NULL)
        tap_ok(0, "libical knows zone %s", name);
    return z;
}

static void test_windows(void)
{
    size_t i;

    for (i = 0; i < sizeof(all_windows) / sizeof(all_windows[0]); i++) {
        const char *o = cst_tz_windows_to_olson(all_windows[i]);

        if (o == NULL || icaltimezone_get_builtin_timezone(o) == NULL) {
            tap_ok(0, "windows table row %zu (%s) -> %s loads", i,
                   all_windows[i], o ? o : "(null)");
            return;
        }
    }
    tap_ok(1, "all %zu Windows names map to loadable zones", i);
    tap_ok(i >= 139, "table has all CLDR 001 rows (%zu)", i);

    for (i = 0; i < sizeof(win_cases) / sizeof(win_cases[0]); i++)
        tap_str(cst_tz_windows_to_olson(win_cases[i].in), win_cases[i].want,
                "windows case %zu: %s", i, win_cases[i].in);
    tap_str(cst_tz_windows_to_olson(NULL), NULL, "windows NULL");
}

static void test_resolve(void)
{
    icalcomponent *vcal = icalparser_parse_string(vcal_text);
    icaltimezone *z;
    size_t i;

    for (i = 0; i < sizeof(resolve_cases) / sizeof(resolve_cases[0]); i++) {
        z = cst_tz_resolve(NULL, resolve_cases[i].tzid);
        tap_str(z ? icaltimezone_get_location(z) : NULL, resolve_cases[i].want,
                "resolve case %zu: %s", i, resolve_cases[i].tzid);
    }
    tap_ok(cst_tz_resolve(NULL, NULL) == NULL, "resolve NULL");

    tap_ok(vcal != NULL, "fixture parses");
    if (vcal == NULL)
        return;
    z = cst_tz_resolve(vcal, "Custom");
    tap_ok(z != NULL, "VTIMEZONE Custom resolves");
    tap_int(cst_tz_offset_at(z, utc(2023, 6, 23, 0, 0, 0)), 19800,
            "Custom is +05:30");
    z = cst_tz_resolve(vcal, "\"Custom\"");
    tap_int(cst_tz_offset_at(z, utc(2023, 6, 23, 0, 0, 0)), 19800,
            "quoted Custom is +05:30");
    z = cst_tz_resolve(vcal, "Europe/Berlin");
    tap_ok(z != NULL && z != icaltimezone_get_builtin_timezone("Europe/Berlin"),
           "the object's Europe/Berlin wins over the system's");
    tap_int(cst_tz_offset_at(z, utc(2023, 1, 23, 0, 0, 0)), 10800,
            "the object's Europe/Berlin is +03:00");
    z = cst_tz_resolve(vcal, "Europe/Paris");
    tap_str(z ? icaltimezone_get_location(z) : NULL, "Europe/Paris",
            "other names still come from the system");
    z = cst_tz_resolve(vcal, "Custom2");
    tap_ok(z == NULL, "unknown name in an object");
    icalcomponent_free(vcal);
}

static void test_prop_time(void)
{
    icalcomponent *vcal = icalparser_parse_string(vcal_text), *ev;
    icalproperty *p;
    icaltimezone *z;
    char got[40];
    time_t t;
    size_t i = 0;
    cst_status st;

    tap_ok(vcal != NULL, "fixture parses");
    if (vcal == NULL)
        return;
    ev = icalcomponent_get_first_component(vcal, ICAL_VEVENT_COMPONENT);
    for (p = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
         p != NULL;
         p = icalcomponent_get_next_property(ev, ICAL_DTSTART_PROPERTY), i++) {
        if (i >= sizeof(prop_cases) / sizeof(prop_cases[0]))
            break;
        t = 0;
        z = (icaltimezone *)1;
        st = cst_tz_prop_time(vcal, p, &t, &z);
        tap_int(st, prop_cases[i].st, "prop case %zu: status", i);
        if (st != CST_OK) {
            tap_ok(z == NULL, "prop case %zu: zone NULL on error", i);
            continue;
        }
        cst_tz_format_iso(t, NULL, got, sizeof(got));
        tap_str(got, prop_cases[i].utc, "prop case %zu: instant", i);
        tap_int(z != NULL, prop_cases[i].has_zone, "prop case %zu: zone", i);
    }
    tap_int(i, sizeof(prop_cases) / sizeof(prop_cases[0]),
            "all DTSTART lines seen");

    /* without the VCALENDAR: found through the property's parents */
    p = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
    st = cst_tz_prop_time(NULL, p, &t, NULL);
    tap_ok(st == CST_OK && t == utc(2023, 6, 23, 4, 30, 0),
           "vcal NULL: the VTIMEZONE is found through the parents");
    tap_int(cst_tz_prop_time(vcal, NULL, &t, NULL), CST_ERR_PARSE,
            "NULL property");
    icalcomponent_free(vcal);
}

static void test_x_props(void)
{
    static const struct {
        const char *line;
        cst_status st;
        time_t want;
    } cases[] = {
        {"X-CALSTEWARD-AGENDA-SENT:20230620T020000Z", CST_OK, 1687226400},
        {"X-CALSTEWARD-AGENDA-SENT:20230620T020000", CST_OK, 1687226400},
        {"X-CALSTEWARD-AGENDA-SENT:20230620", CST_ERR_PARSE, 0},
        {"X-CALSTEWARD-AGENDA-SENT:yesterday", CST_ERR_PARSE, 0},
        {"X-CALSTEWARD-AGENDA-SENT:20231320T020000Z", CST_ERR_PARSE, 0},
        {"X-CALSTEWARD-AGENDA-SENT:20230231T020000Z", CST_ERR_PARSE, 0},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        icalproperty *p = icalproperty_new_from_string(cases[i].line);
        time_t t = 0;
        cst_status st;

        if (p == NULL) {
            tap_ok(0, "x case %zu: parses", i);
            continue;
        }
        st = cst_tz_prop_time(NULL, p, &t, NULL);
        tap_int(st, cases[i].st, "x case %zu: status", i);
        if (st == CST_OK)
            tap_int(t, cases[i].want, "x case %zu: instant", i);
        icalproperty_free(p);
    }
}

static void test_format(void)
{
    static const struct {
        const char *zone; /* NULL: UTC */
        int y, mo, d, h, mi;
        const char *want;
    } cases[] = {
        {"Asia/Shanghai", 2023, 6, 23, 2, 0, "2023-06-23T10:00:00+08:00"},
        {NULL, 2023, 6, 23, 2, 0, "2023-06-23T02:00:00Z"},
        {"UTC", 2023, 6, 23, 2, 0, "2023-06-23T02:00:00Z"},
        {"Asia/Kolkata", 2023, 6, 23, 2, 0, "2023-06-23T07:30:00+05:30"},
        {"America/New_York", 2023, 6, 23, 2, 0, "2023-06-22T22:00:00-04:00"},
        {"America/New_York", 2023, 1, 23, 2, 0, "2023-01-22T21:00:00-05:00"},
        {"Europe/London", 2023, 1, 23, 2, 0, "2023-01-23T02:00:00+00:00"},
        {"America/St_Johns", 2023, 1, 23, 2, 0, "2023-01-22T22:30:00-03:30"},
        {"Europe/Berlin", 2023, 3, 26, 0, 59, "2023-03-26T01:59:00+01:00"},
        {"Europe/Berlin", 2023, 3, 26, 1, 0, "2023-03-26T03:00:00+02:00"},
    };
    char buf[32];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        icaltimezone *z = cases[i].zone ? zone(cases[i].zone) : NULL;

        cst_tz_format_iso(utc(cases[i].y, cases[i].mo, cases[i].d, cases[i].h,
                              cases[i].mi, 0),
                          z, buf, sizeof(buf));
        tap_str(buf, cases[i].want, "format case %zu", i);
    }
    cst_tz_format_iso(0, zone("Asia/Shanghai"), buf, 11);
    tap_str(buf, "1970-01-01", "format truncates to the buffer");
}

static void test_offset_and_to_utc(void)
{
    icaltimezone *berlin = zone("Europe/Berlin");
    icaltimezone *tokyo = zone("Asia/Tokyo");
    struct icaltimetype t = icaltime_from_string("20230623T100000");

    tap_int(cst_tz_offset_at(berlin, utc(2023, 1, 15, 12, 0, 0)), 3600,
            "Berlin winter offset");
    tap_int(cst_tz_offset_at(berlin, utc(2023, 7, 15, 12, 0, 0)), 7200,
            "Berlin summer offset");
    tap_int(cst_tz_offset_at(NULL, utc(2023, 7, 15, 12, 0, 0)), 0,
            "NULL zone offset");

    tap_int(cst_tz_to_utc(t, NULL), utc(2023, 6, 23, 10, 0, 0),
            "floating without zone is UTC");
    tap_int(cst_tz_to_utc(t, berlin), utc(2023, 6, 23, 8, 0, 0),
            "floating in Berlin");
    t.zone = tokyo;
    tap_int(cst_tz_to_utc(t, berlin), utc(2023, 6, 23, 1, 0, 0),
            "the time's own zone wins over the argument");
    t = icaltime_from_string("20230623T100000Z");
    tap_int(cst_tz_to_utc(t, berlin), utc(2023, 6, 23, 10, 0, 0),
            "a UTC time stays UTC");
}

/* cst_tz_check_zones(): real zones pass, hostile ones are refused. */
static char *zone_object(const char *observances)
{
    const char *head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
                       "BEGIN:VTIMEZONE\r\nTZID:Test/Zone\r\n";
    const char *tail = "END:VTIMEZONE\r\nEND:VCALENDAR\r\n";
    size_t n = strlen(head) + strlen(observances) + strlen(tail) + 1;
    char *s = malloc(n);

    if (s != NULL)
        snprintf(s, n, "%s%s%s", head, observances, tail);
    return s;
}

static char *observances(const char *rule, int n)
{
    size_t cap = (strlen(rule) + 200) * (size_t)n + 1, o = 0;
    char *s = malloc(cap);
    int i;

    if (s == NULL)
        return NULL;
    s[0] = '\0';
    for (i = 0; i < n; i++)
        o += (size_t)snprintf(s + o, cap - o,
                              "BEGIN:%s\r\nDTSTART:%04d0101T000000\r\n"
                              "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\n%s"
                              "END:%s\r\n",
                              i % 2 ? "DAYLIGHT" : "STANDARD", 1 + i % 2000,
                              rule, i % 2 ? "DAYLIGHT" : "STANDARD");
    return s;
}

static void test_check_zones(void)
{
    static const struct {
        const char *rule; /* one content line with CRLF, or "" */
        int n;            /* observances */
        cst_status want;
    } cases[] = {
        /* as Thunderbird, Apple and Outlook write them */
        {"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n", 2, CST_OK},
        {"RRULE:FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=8,9,10,11,12,13,14;"
         "BYDAY=SU\r\n", 2, CST_OK},
        {"RDATE:19900325T020000\r\n", 1000, CST_OK},
        {"RRULE:FREQ=MINUTELY\r\n", 2, CST_ERR_TOO_LARGE},
        {"RRULE:FREQ=MONTHLY\r\n", 2, CST_ERR_TOO_LARGE},
        /* 12 months x 3 days a year */
        {"RRULE:FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;"
         "BYMONTHDAY=1,2,3\r\n", 2, CST_ERR_TOO_LARGE},
        /* 24 a year is allowed, but from year 1 to 2582 twice it expands
         * to more than 100 000 changes */
        {"RRULE:FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;"
         "BYMONTHDAY=1,15\r\n", 1, CST_OK},
        {"RRULE:FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;"
         "BYMONTHDAY=1,15\r\n", 3, CST_ERR_TOO_LARGE},
        {"", 1001, CST_ERR_TOO_LARGE},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *obs = observances(cases[i].rule, cases[i].n);
        char *text = obs ? zone_object(obs) : NULL;
        icalcomponent *root = text ? icalparser_parse_string(text) : NULL;
        cst_error err = {0, ""};
        cst_status st;

        st = cst_tz_check_zones(root, &err);
        tap_int(st, cases[i].want, "check_zones case %zu: status (%s)", i,
                err.msg);
        if (cases[i].want != CST_OK)
            tap_ok(strstr(err.msg, "Test/Zone") != NULL,
                   "check_zones case %zu: the message names the zone", i);
        if (root != NULL)
            icalcomponent_free(root);
        free(text);
        free(obs);
    }
}

int main(void)
{
    icalerror_set_errors_are_fatal(0);
    test_windows();
    test_resolve();
    test_prop_time();
    test_x_props();
    test_format();
    test_offset_and_to_utc();
    test_check_zones();
    return tap_done();
}
