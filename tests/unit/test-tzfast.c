/*
 * test-tzfast.c -- core/tzfast.c against libical's own answers.
 *
 * Every VTIMEZONE of the corpus ($CORPUS) and every zone of libical's
 * built-in table (tzdata, as the VTIMEZONE libical makes of it) is put
 * into a VCALENDAR of its own; libical's offset (icaltimezone_get_utc_offset
 * for local times, _of_utc_time for instants) is compared with ours at
 * every change of offset from 1900 to 2100 (the instant and ±1 s; the
 * local times on both sides of the gap or overlap and ±1 s) and at noon on
 * the 1st of every month.  One line per zone; a zone that our code leaves
 * to libical is counted, not compared.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libical/ical.h>

#include "core/cst.h"
#include "core/tz.h"
#include "core/tzfast.h"
#include "tests/unit/tap.h"

#define FIRST_YEAR 1900
#define LAST_YEAR 2100
#define STEP (3 * 86400) /* sampling step when looking for changes */

static int n_fast, n_fallback, n_points;

static struct icaltimetype utc_fields(time_t t)
{
    return icaltime_from_timet_with_zone(t, 0, icaltimezone_get_utc_timezone());
}

static struct icaltimetype local_fields(time_t t)
{
    /* t as fields, no zone */
    struct icaltimetype tt = utc_fields(t);

    tt.zone = NULL;
    return tt;
}

/* Compares one local time; returns 0 and prints it on a mismatch, -1
 * when tzfast declines. */
static int cmp_local(icaltimezone *z, icalcomponent *c, struct icaltimetype tt)
{
    int want, got;

    n_points++;
    if (!cst_tzfast_local_offset(c, tt, &got))
        return -1;
    want = icaltimezone_get_utc_offset(z, &tt, NULL);
    if (want != got) {
        printf("#   local %s: libical %d, tzfast %d\n",
               icaltime_as_ical_string(tt), want, got);
        return 0;
    }
    /* and the public local -> UTC conversion */
    if (icaltime_as_timet_with_zone(tt, z) != cst_tz_local_to_utc(tt, z)) {
        printf("#   local %s: icaltime_as_timet_with_zone %ld, "
               "cst_tz_local_to_utc %ld\n",
               icaltime_as_ical_string(tt),
               (long)icaltime_as_timet_with_zone(tt, z),
               (long)cst_tz_local_to_utc(tt, z));
        return 0;
    }
    return 1;
}

static int cmp_utc(icaltimezone *z, icalcomponent *c, time_t t)
{
    struct icaltimetype tt = utc_fields(t), a, b;
    int want, got, want_dst, got_dst;

    n_points++;
    if (!cst_tzfast_utc_offset(c, tt, &got, &got_dst))
        return -1;
    want = icaltimezone_get_utc_offset_of_utc_time(z, &tt, &want_dst);
    if (want != got || want_dst != got_dst) {
        printf("#   utc %s: libical %d (daylight %d), tzfast %d (%d)\n",
               icaltime_as_ical_string(tt), want, want_dst, got, got_dst);
        return 0;
    }
    /* and the public UTC -> local conversion, field for field */
    a = icaltime_from_timet_with_zone(t, 0, z);
    b = cst_tz_from_utc(t, 0, z);
    if (memcmp(&a, &b, sizeof(a)) != 0) {
        printf("#   from utc %ld: libical %s, cst_tz_from_utc %s\n", (long)t,
               icaltime_as_ical_string(a), icaltime_as_ical_string(b));
        return 0;
    }
    return 1;
}

static int utc_off(icaltimezone *z, time_t t)
{
    struct icaltimetype tt = utc_fields(t);

    return icaltimezone_get_utc_offset_of_utc_time(z, &tt, NULL);
}

/* Compares the zone c (a VTIMEZONE inside a VCALENDAR) at every point;
 * returns 1 when all agree, 0 on a mismatch, -1 when tzfast declined. */
static int compare_zone(icalcomponent *vcal, icalcomponent *c,
                        const char *tzid)
{
    icaltimezone *z = icalcomponent_get_timezone(vcal, tzid);
    time_t t, end, lo, hi;
    int y, m, bad = 0, r, prev;

    if (z == NULL)
        return -1;
    r = cmp_local(z, c, icaltime_from_string("20230601T120000"));
    if (r < 0)
        return -1;
    for (y = FIRST_YEAR; y <= LAST_YEAR && bad < 3; y++)
        for (m = 1; m <= 12; m++) {
            struct icaltimetype tt = icaltime_null_time();

            tt.year = y;
            tt.month = m;
            tt.day = 1;
            tt.hour = 12;
            if (cmp_local(z, c, tt) == 0)
                bad++;
        }
    t = icaltime_as_timet(icaltime_from_string("19000101T000000Z"));
    end = icaltime_as_timet(icaltime_from_string("21001231T000000Z"));
    prev = utc_off(z, t);
    for (; t < end && bad < 3; t += STEP) {
        int o = utc_off(z, t + STEP);
        int before, after, d;

        if (o == prev)
            continue;
        /* the change is in (t, t + STEP]: find its second */
        lo = t;
        hi = t + STEP;
        while (hi - lo > 1) {
            time_t mid = lo + (hi - lo) / 2;

            if (utc_off(z, mid) == prev)
                lo = mid;
            else
                hi = mid;
        }
        before = prev;
        after = utc_off(z, hi);
        for (d = -1; d <= 1; d++) {
            if (cmp_utc(z, c, hi + d) == 0)
                bad++;
            /* local times at the edges of the gap or overlap */
            if (cmp_local(z, c, local_fields(hi + before + d)) == 0)
                bad++;
            if (cmp_local(z, c, local_fields(hi + after + d)) == 0)
                bad++;
        }
        /* and in the middle of it */
        if (cmp_local(z, c, local_fields(hi + (before + after) / 2)) == 0)
            bad++;
        prev = o;
    }
    return bad == 0;
}

/* Puts a copy of the VTIMEZONE tz into a VCALENDAR of its own and
 * compares it. */
static void check_vtimezone(icalcomponent *tz, const char *where)
{
    icalcomponent *vcal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
    icalcomponent *copy = icalcomponent_new_clone(tz);
    icalproperty *id = icalcomponent_get_first_property(copy,
                                                        ICAL_TZID_PROPERTY);
    const char *tzid = id != NULL ? icalproperty_get_tzid(id) : NULL;
    cst_error err;
    int r;

    icalcomponent_add_component(vcal, copy);
    if (tzid == NULL || cst_tz_check_zones(vcal, &err) != CST_OK) {
        icalcomponent_free(vcal);
        return;
    }
    r = compare_zone(vcal, copy, tzid);
    if (r < 0) {
        n_fallback++;
        if (getenv("TZFAST_VERBOSE") != NULL)
            printf("# %s: %s left to libical\n", where, tzid);
    } else {
        n_fast++;
        tap_ok(r == 1, "%s: %s agrees with libical", where, tzid);
    }
    icalcomponent_free(vcal);
}

static void walk_components(icalcomponent *c, const char *where)
{
    icalcomponent *s;

    if (icalcomponent_isa(c) == ICAL_VTIMEZONE_COMPONENT) {
        check_vtimezone(c, where);
        return;
    }
    for (s = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT);
         s != NULL; s = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
        walk_components(s, where);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    long n;
    char *buf;

    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = malloc((size_t)n + 1);
    if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf != NULL)
        buf[n] = '\0';
    fclose(f);
    return buf;
}

static void walk_dir(const char *dir, const char *root)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        char path[4096];
        struct stat st;
        size_t len = strlen(e->d_name);

        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            walk_dir(path, root);
        } else if (len > 4 && strcmp(e->d_name + len - 4, ".ics") == 0) {
            char *text = slurp(path);
            icalcomponent *c;

            if (text == NULL)
                continue;
            c = icalparser_parse_string(text);
            if (c != NULL) {
                walk_components(c, path + strlen(root) + 1);
                icalcomponent_free(c);
            }
            free(text);
        }
    }
    closedir(d);
}

static void corpus(void)
{
    const char *dir = getenv("CORPUS");

    if (dir == NULL || access(dir, R_OK) != 0) {
        printf("# CORPUS not set or unreadable: corpus zones skipped\n");
        return;
    }
    walk_dir(dir, dir);
    printf("# corpus: %d zones compared, %d left to libical\n", n_fast,
           n_fallback);
}

static void tzdata(void)
{
    icalarray *all = icaltimezone_get_builtin_timezones();
    size_t i;
    int fast0 = n_fast, fb0 = n_fallback;

    for (i = 0; all != NULL && i < all->num_elements; i++) {
        icaltimezone *z = icalarray_element_at(all, i);
        icalcomponent *c = icaltimezone_get_component(z);

        if (c != NULL)
            check_vtimezone(c, "tzdata");
    }
    printf("# tzdata: %d zones compared, %d left to libical\n",
           n_fast - fast0, n_fallback - fb0);
}

#define CRLF "\r\n"

/* Outlook's W. Europe zone under a custom name, rules from 1601. */
static const char outlook[] =
    "BEGIN:VCALENDAR" CRLF "VERSION:2.0" CRLF
    "BEGIN:VTIMEZONE" CRLF "TZID:Customized Time Zone" CRLF
    "BEGIN:STANDARD" CRLF "DTSTART:16010101T030000" CRLF
    "TZOFFSETFROM:+0200" CRLF "TZOFFSETTO:+0100" CRLF
    "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10" CRLF
    "END:STANDARD" CRLF
    "BEGIN:DAYLIGHT" CRLF "DTSTART:16010101T020000" CRLF
    "TZOFFSETFROM:+0100" CRLF "TZOFFSETTO:+0200" CRLF
    "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3" CRLF
    "END:DAYLIGHT" CRLF "END:VTIMEZONE" CRLF
    "BEGIN:VEVENT" CRLF "UID:a" CRLF
    "DTSTART;TZID=Customized Time Zone:20230326T023000" CRLF
    "DTEND;TZID=Customized Time Zone:20231029T023000" CRLF
    "RECURRENCE-ID;TZID=Customized Time Zone:20230620T100000" CRLF
    "END:VEVENT" CRLF "END:VCALENDAR" CRLF;

/* Apple's way: BYMONTHDAY=8..14 with BYDAY=SU, and an UNTIL. */
static const char apple[] =
    "BEGIN:VCALENDAR" CRLF "VERSION:2.0" CRLF
    "BEGIN:VTIMEZONE" CRLF "TZID:America/New_York-apple" CRLF
    "BEGIN:DAYLIGHT" CRLF "DTSTART:19870405T020000" CRLF
    "TZOFFSETFROM:-0500" CRLF "TZOFFSETTO:-0400" CRLF
    "RRULE:FREQ=YEARLY;UNTIL=20060402T070000Z;BYMONTH=4;BYDAY=1SU" CRLF
    "END:DAYLIGHT" CRLF
    "BEGIN:DAYLIGHT" CRLF "DTSTART:20070311T020000" CRLF
    "TZOFFSETFROM:-0500" CRLF "TZOFFSETTO:-0400" CRLF
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=8,9,10,11,12,13,14;BYDAY=SU" CRLF
    "END:DAYLIGHT" CRLF
    "BEGIN:STANDARD" CRLF "DTSTART:20071104T020000" CRLF
    "TZOFFSETFROM:-0400" CRLF "TZOFFSETTO:-0500" CRLF
    "RRULE:FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=1,2,3,4,5,6,7;BYDAY=SU" CRLF
    "END:STANDARD" CRLF
    "BEGIN:STANDARD" CRLF "DTSTART:19671029T020000" CRLF
    "TZOFFSETFROM:-0400" CRLF "TZOFFSETTO:-0500" CRLF
    "RRULE:FREQ=YEARLY;UNTIL=20061029T060000Z;BYMONTH=10;BYDAY=-1SU" CRLF
    "END:STANDARD" CRLF
    "BEGIN:STANDARD" CRLF "DTSTART:18831118T120358" CRLF
    "TZOFFSETFROM:-045602" CRLF "TZOFFSETTO:-0500" CRLF
    "RDATE:18831118T120358" CRLF
    "END:STANDARD" CRLF
    "END:VTIMEZONE" CRLF "END:VCALENDAR" CRLF;

static time_t utc(const char *s)
{
    return icaltime_as_timet_with_zone(icaltime_from_string(s),
                                       icaltimezone_get_utc_timezone());
}

/* The local time s in the object's zone, through the public API. */
static time_t local(icalcomponent *vcal, const char *tzid, const char *s)
{
    return cst_tz_to_utc(icaltime_from_string(s), cst_tz_resolve(vcal, tzid));
}

static void edges(void)
{
    icalcomponent *vcal = icalparser_parse_string(outlook), *ev, *tz;
    icaltimezone *z;
    time_t t;
    char iso[32];

    tz = icalcomponent_get_first_component(vcal, ICAL_VTIMEZONE_COMPONENT);
    z = cst_tz_resolve(vcal, "Customized Time Zone");
    tap_ok(z != NULL && icaltimezone_get_component(z) == tz,
           "a custom name resolves to the object's own VTIMEZONE");
    {
        int off;

        tap_ok(cst_tzfast_local_offset(tz, icaltime_from_string(
                                               "20230620T100000"), &off) &&
                   off == 7200,
               "Outlook's 1601 zone takes the fast path");
    }
    /* RFC 5545 3.3.5 reads a skipped time with the offset before the gap
     * (02:30 -> 01:30Z) and a twice-lived time as the first (02:30 CEST,
     * 00:30Z).  libical 3.0 reads the skipped 02:30 with the offset after
     * the gap (00:30Z) and the twice-lived one as standard time (01:30Z);
     * so does calsteward, in both paths, so that a zone gives the same
     * instant whichever path converts it. */
    tap_int(local(vcal, "Customized Time Zone", "20230326T023000"),
            utc("20230326T003000Z"), "skipped 02:30: libical's reading");
    tap_int(local(vcal, "Customized Time Zone", "20231029T023000"),
            utc("20231029T013000Z"), "twice-lived 02:30: libical's reading");
    tap_int(local(vcal, "Customized Time Zone", "20231029T015959"),
            utc("20231028T235959Z"), "01:59:59 before the overlap: CEST");
    tap_int(local(vcal, "Customized Time Zone", "20231029T030000"),
            utc("20231029T020000Z"), "03:00 after the overlap: CET");
    tap_int(local(vcal, "Customized Time Zone", "20230326T020000"),
            utc("20230326T000000Z"), "02:00, start of the gap");
    tap_int(local(vcal, "Customized Time Zone", "20230326T015959"),
            utc("20230326T005959Z"), "01:59:59 before the gap: CET");
    ev = icalcomponent_get_first_component(vcal, ICAL_VEVENT_COMPONENT);
    tap_ok(cst_tz_prop_time(vcal,
                            icalcomponent_get_first_property(
                                ev, ICAL_RECURRENCEID_PROPERTY),
                            &t, &z) == CST_OK &&
               t == utc("20230620T080000Z"),
           "cst_tz_prop_time in the custom zone");
    cst_tz_format_iso(utc("20231029T005959Z"), z, iso, sizeof(iso));
    tap_str(iso, "2023-10-29T02:59:59+02:00", "format: last second of CEST");
    cst_tz_format_iso(utc("20231029T010000Z"), z, iso, sizeof(iso));
    tap_str(iso, "2023-10-29T02:00:00+01:00", "format: first second of CET");
    tap_int(cst_tz_offset_at(z, utc("20230326T005959Z")), 3600,
            "offset a second before the change");
    tap_int(cst_tz_offset_at(z, utc("20230326T010000Z")), 7200,
            "offset at the change");
    check_vtimezone(tz, "outlook");
    icalcomponent_free(vcal);

    vcal = icalparser_parse_string(apple);
    tz = icalcomponent_get_first_component(vcal, ICAL_VTIMEZONE_COMPONENT);
    tap_int(local(vcal, "America/New_York-apple", "20230312T030000"),
            utc("20230312T070000Z"), "BYMONTHDAY=8..14;BYDAY=SU onset");
    tap_int(local(vcal, "America/New_York-apple", "20050403T030000"),
            utc("20050403T070000Z"), "the rule before its UNTIL");
    tap_int(local(vcal, "America/New_York-apple", "20070401T120000"),
            utc("20070401T160000Z"), "after the UNTIL, the new rule");
    check_vtimezone(tz, "apple");
    icalcomponent_free(vcal);
}

/* A shape left to libical: the same answer, through libical. */
static void fallback(void)
{
    static const char odd[] =
        "BEGIN:VCALENDAR" CRLF "BEGIN:VTIMEZONE" CRLF "TZID:Odd" CRLF
        "BEGIN:DAYLIGHT" CRLF "DTSTART:19700329T020000" CRLF
        "TZOFFSETFROM:+0100" CRLF "TZOFFSETTO:+0200" CRLF
        "RRULE:FREQ=YEARLY;COUNT=60;BYDAY=-1SU;BYMONTH=3" CRLF
        "END:DAYLIGHT" CRLF
        "BEGIN:STANDARD" CRLF "DTSTART:19701025T030000" CRLF
        "TZOFFSETFROM:+0200" CRLF "TZOFFSETTO:+0100" CRLF
        "RRULE:FREQ=YEARLY;COUNT=60;BYDAY=-1SU;BYMONTH=10" CRLF
        "END:STANDARD" CRLF "END:VTIMEZONE" CRLF "END:VCALENDAR" CRLF;
    icalcomponent *vcal = icalparser_parse_string(odd), *tz;
    int off;

    tz = icalcomponent_get_first_component(vcal, ICAL_VTIMEZONE_COMPONENT);
    tap_ok(!cst_tzfast_local_offset(tz, icaltime_from_string(
                                            "20230620T100000"), &off),
           "COUNT is left to libical");
    tap_int(local(vcal, "Odd", "20230620T100000"), utc("20230620T080000Z"),
            "and libical answers");
    icalcomponent_free(vcal);

    /* a zone larger than tzdata's largest is read once, by libical */
    {
        char *big = malloc(300 * 40 + 512), *q = big;
        int i;

        q += sprintf(q, "BEGIN:VCALENDAR" CRLF "BEGIN:VTIMEZONE" CRLF
                        "TZID:Big" CRLF "BEGIN:STANDARD" CRLF
                        "DTSTART:19000101T000000" CRLF "TZOFFSETFROM:+0100" CRLF
                        "TZOFFSETTO:+0100" CRLF);
        for (i = 0; i < 300; i++)
            q += sprintf(q, "RDATE:%04d0101T000000" CRLF, 1901 + i);
        sprintf(q, "END:STANDARD" CRLF "END:VTIMEZONE" CRLF
                   "END:VCALENDAR" CRLF);
        vcal = icalparser_parse_string(big);
        tz = icalcomponent_get_first_component(vcal,
                                               ICAL_VTIMEZONE_COMPONENT);
        tap_ok(!cst_tzfast_local_offset(tz, icaltime_from_string(
                                                "20230620T100000"), &off),
               "300 RDATEs are left to libical");
        tap_int(local(vcal, "Big", "20230620T100000"),
                utc("20230620T090000Z"), "and libical answers");
        icalcomponent_free(vcal);
        free(big);
    }
}

int main(void)
{
    edges();
    fallback();
    corpus();
    tzdata();
    printf("# %d points compared\n", n_points);
    return tap_done();
}
