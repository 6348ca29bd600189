/*
 * tz.c -- time zones of an iCalendar object and conversions to UTC.
 *
 * Zones come from the object's own VTIMEZONEs (they belong to the object)
 * or from libical's built-in table, which Debian's libical fills from
 * /usr/share/zoneinfo and keeps for the life of the process.  We keep no
 * state of our own.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/occur.h"
#include "core/tz.h"
#include "core/tzfast.h"

#define TZID_MAX_BYTES 256 /* longer TZIDs are not looked up */
#define OLSON_MAX_BYTES 64 /* longest name passed to libical's table */
#define PREFIX_PARTS 3     /* Olson names have at most 3 components */

/*
 * Returns 1 when name may be handed to libical's built-in lookup.  For a
 * name that is not in zone.tab libical opens the file of that name under
 * the zoneinfo directory, so only plain Olson-shaped names pass: ASCII
 * letters, digits, '_', '-', '+', components separated by single '/',
 * none of them "." or "..", at most OLSON_MAX_BYTES; not "localtime" or
 * "posixrules", which would give the server's own zone.
 */
static int olson_name_ok(const char *name, size_t len)
{
    size_t i, comp = 0;

    if (len == 0 || len > OLSON_MAX_BYTES)
        return 0;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];

        if (c == '/') {
            if (comp == 0)
                return 0;
            comp = 0;
            continue;
        }
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '+'))
            return 0;
        comp++;
    }
    if (comp == 0)
        return 0;
    /* files in zoneinfo that name the server's own zone, not a place */
    if ((len == 9 && memcmp(name, "localtime", 9) == 0) ||
        (len == 10 && memcmp(name, "posixrules", 10) == 0))
        return 0;
    return 1;
}

static icaltimezone *builtin(const char *name, size_t len)
{
    char buf[OLSON_MAX_BYTES + 1];

    if (!olson_name_ok(name, len))
        return NULL;
    memcpy(buf, name, len);
    buf[len] = '\0';
    return icaltimezone_get_builtin_timezone(buf);
}

/* Finds the VCALENDAR a component belongs to, or NULL. */
static icalcomponent *root_of(icalcomponent *c)
{
    icalcomponent *p;

    while (c != NULL && (p = icalcomponent_get_parent(c)) != NULL)
        c = p;
    return c;
}

/*
 * Tries the last PREFIX_PARTS..2 '/'-separated components of a prefixed
 * TZID ("/mozilla.org/20050126_1/Europe/Berlin", "/softwarestudio.org/
 * Olson_20011030_5/America/New_York", "/citadel.org/20190914_1/Europe/
 * Berlin") as Olson names, longest first.  Only names with a slash reach
 * here, so a TZID never maps to a bare file name such as "localtime".
 */
static icaltimezone *strip_prefix(const char *name, size_t len)
{
    const char *start[PREFIX_PARTS];
    size_t n = 0, i;
    icaltimezone *z;

    /* start[k] = where the last k+1 components begin */
    for (i = len; i > 0 && n < PREFIX_PARTS; i--) {
        if (name[i - 1] == '/' && i < len)
            start[n++] = name + i;
    }
    /* start[0] is a single component: no Olson name worth guessing
     * ("UTC" falls back to UTC anyway) */
    for (i = n; i > 1; i--) {
        const char *s = start[i - 1];

        z = builtin(s, len - (size_t)(s - name));
        if (z != NULL)
            return z;
    }
    return NULL;
}

/* Returns 1 when a VTIMEZONE's rules start before 1900.  libical
 * expands a zone from its first rule on, step by step: Outlook's 1601
 * rules cost about 10 ms per conversion. */
static int ancient(icaltimezone *z)
{
    icalcomponent *c = icaltimezone_get_component(z), *o;
    int year = 9999;

    if (c == NULL)
        return 0;
    for (o = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT);
         o != NULL;
         o = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
        struct icaltimetype t = icalcomponent_get_dtstart(o);

        if (!icaltime_is_null_time(t) && t.year < year)
            year = t.year;
    }
    return year < 1900;
}

/* A zone of the system's database by Olson or Windows name, or NULL. */
static icaltimezone *system_zone(const char *name, size_t len)
{
    icaltimezone *z = builtin(name, len);
    const char *olson;

    if (z != NULL)
        return z;
    olson = cst_tz_windows_to_olson(name);
    return olson != NULL ? builtin(olson, strlen(olson)) : NULL;
}

/* The object's own zone, unless its rules reach back before 1900 and the
 * system knows a zone of that (Olson or Windows) name: then the system's,
 * which gives the same offsets for any date a meeting has, far cheaper. */
static icaltimezone *object_zone(icalcomponent *vcal, const char *tzid)
{
    icaltimezone *z = icalcomponent_get_timezone(vcal, tzid), *sys;

    if (z == NULL || !ancient(z))
        return z;
    sys = system_zone(tzid, strlen(tzid));
    return sys != NULL ? sys : z;
}

icaltimezone *cst_tz_resolve(icalcomponent *vcal, const char *tzid)
{
    char name[TZID_MAX_BYTES];
    const char *s, *e;
    icaltimezone *z = NULL;
    size_t len;

    if (tzid == NULL || tzid[0] == '\0')
        return NULL;
    if (vcal != NULL) {
        z = object_zone(vcal, tzid);
        if (z != NULL)
            return z;
    }
    /* the same without surrounding blanks and quotes */
    s = tzid;
    e = tzid + strlen(tzid);
    while (s < e && (*s == ' ' || *s == '\t' || *s == '"'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '"'))
        e--;
    len = (size_t)(e - s);
    if (len == 0 || len >= sizeof(name))
        return NULL;
    memcpy(name, s, len);
    name[len] = '\0';
    if (vcal != NULL && strcmp(name, tzid) != 0) {
        z = object_zone(vcal, name);
        if (z != NULL)
            return z;
    }
    z = system_zone(name, len);
    if (z != NULL)
        return z;
    return strip_prefix(name, len);
}

/*
 * The VTIMEZONE that core/tzfast.c may read for zone, or NULL: only an
 * object's own zone (its component has a parent).  libical's built-in
 * zones are expanded once per process and cached, so libical answers
 * those at no cost worth saving.
 */
static icalcomponent *fast_zone(icaltimezone *zone)
{
    icalcomponent *c;

    if (zone == NULL || zone == icaltimezone_get_utc_timezone())
        return NULL;
    c = icaltimezone_get_component(zone);
    return c != NULL && icalcomponent_get_parent(c) != NULL ? c : NULL;
}

/* icaltime_as_timet_with_zone(t, zone), through core/tzfast.c when it
 * knows the zone's shape. */
time_t cst_tz_local_to_utc(struct icaltimetype t, icaltimezone *zone)
{
    icalcomponent *c = fast_zone(zone);
    struct icaltimetype local = t;
    int off;

    if (c != NULL && !icaltime_is_null_time(t)) {
        local.is_date = 0;
        if (cst_tzfast_local_offset(c, local, &off)) {
            return icaltime_as_timet_with_zone(
                       local, icaltimezone_get_utc_timezone()) - off;
        }
    }
    return icaltime_as_timet_with_zone(t, zone);
}

/* Returns 1 when the fields of t make a real date and time. */
static int fields_ok(struct icaltimetype t)
{
    if (t.year < 1 || t.year > 9999 || t.month < 1 || t.month > 12)
        return 0;
    if (t.day < 1 || t.day > icaltime_days_in_month(t.month, t.year))
        return 0;
    if (t.is_date)
        return 1;
    return t.hour >= 0 && t.hour < 24 && t.minute >= 0 && t.minute < 60 &&
           t.second >= 0 && t.second <= 60;
}

cst_status cst_tz_prop_time(icalcomponent *vcal, icalproperty *prop,
                            time_t *out, icaltimezone **zone)
{
    struct icaltimetype t = icaltime_null_time();
    icaltimezone *z = NULL, *utc = icaltimezone_get_utc_timezone();
    icalparameter *param;
    icalvalue *v;
    const char *s;

    if (zone != NULL)
        *zone = NULL;
    if (prop == NULL || (v = icalproperty_get_value(prop)) == NULL)
        return CST_ERR_PARSE;
    switch (icalvalue_isa(v)) {
    case ICAL_DATETIME_VALUE:
        t = icalvalue_get_datetime(v);
        break;
    case ICAL_DATETIMEPERIOD_VALUE: {
        struct icaldatetimeperiodtype dp = icalvalue_get_datetimeperiod(v);

        t = icaltime_is_null_time(dp.time) ? dp.period.start : dp.time;
        break;
    }
    case ICAL_PERIOD_VALUE:
        t = icalvalue_get_period(v).start;
        break;
    case ICAL_X_VALUE:
    case ICAL_TEXT_VALUE:
        /* X-CALSTEWARD-*-SENT and other X- properties: parse the text */
        s = icalvalue_isa(v) == ICAL_X_VALUE ? icalvalue_get_x(v)
                                             : icalvalue_get_text(v);
        if (s == NULL || strlen(s) < 15 || strlen(s) > 16)
            return CST_ERR_PARSE;
        t = icaltime_from_string(s);
        break;
    default:
        return CST_ERR_PARSE; /* DATE and everything else */
    }
    if (icaltime_is_null_time(t) || t.is_date || !fields_ok(t))
        return CST_ERR_PARSE;
    if (t.zone == utc) {
        *out = icaltime_as_timet_with_zone(t, utc);
        return CST_OK;
    }
    t.zone = NULL;
    param = icalproperty_get_first_parameter(prop, ICAL_TZID_PARAMETER);
    if (param != NULL) {
        if (vcal == NULL)
            vcal = root_of(icalproperty_get_parent(prop));
        z = cst_tz_resolve(vcal, icalparameter_get_tzid(param));
        if (z == utc)
            z = NULL;
    }
    *out = cst_tz_local_to_utc(t, z != NULL ? z : utc);
    if (zone != NULL)
        *zone = z;
    return CST_OK;
}

time_t cst_tz_to_utc(struct icaltimetype t, icaltimezone *zone)
{
    const icaltimezone *z = t.zone;

    if (z == NULL)
        z = zone;
    if (z == NULL)
        z = icaltimezone_get_utc_timezone();
    return cst_tz_local_to_utc(t, (icaltimezone *)z);
}

struct icaltimetype cst_tz_from_utc(time_t t, int is_date, icaltimezone *zone)
{
    icaltimezone *utc = icaltimezone_get_utc_timezone();
    icalcomponent *c = fast_zone(zone);
    struct icaltimetype tt;
    int off, dst;

    if (c == NULL)
        return icaltime_from_timet_with_zone(t, is_date, zone);
    tt = icaltime_from_timet_with_zone(t, 0, utc);
    if (icaltime_is_null_time(tt) ||
        !cst_tzfast_utc_offset(c, tt, &off, &dst))
        return icaltime_from_timet_with_zone(t, is_date, zone);
    /* as icaltimezone_convert_time(): the fields move, the zone stays UTC */
    icaltime_adjust(&tt, 0, 0, 0, off);
    tt.is_daylight = dst;
    tt.is_date = is_date;
    if (is_date)
        tt.hour = tt.minute = tt.second = 0;
    return tt;
}

int cst_tz_offset_at(icaltimezone *zone, time_t t)
{
    icaltimezone *utc = icaltimezone_get_utc_timezone();
    icalcomponent *c = fast_zone(zone);
    struct icaltimetype tt;
    int off;

    if (zone == NULL || zone == utc)
        return 0;
    tt = icaltime_from_timet_with_zone(t, 0, utc);
    if (c != NULL && cst_tzfast_utc_offset(c, tt, &off, NULL))
        return off;
    return icaltimezone_get_utc_offset_of_utc_time(zone, &tt, NULL);
}

void cst_tz_format_iso(time_t t, icaltimezone *zone, char *buf, size_t n)
{
    /* RFC 3339 offsets have no seconds: drop those of old LMT offsets */
    int off = cst_tz_offset_at(zone, t) / 60 * 60;
    int aoff = off < 0 ? -off : off;
    time_t local = t + off;
    struct tm tm;

    if (buf == NULL || n == 0)
        return;
    if (gmtime_r(&local, &tm) == NULL) {
        buf[0] = '\0';
        return;
    }
    if (zone == NULL || zone == icaltimezone_get_utc_timezone()) {
        snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        return;
    }
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+', aoff / 3600,
             (aoff % 3600) / 60);
}

/* ---- hostile zones ---------------------------------------------------- */

#define NO_BY(a) ((a)[0] == ICAL_RECURRENCE_ARRAY_MAX)

/* The number of values of a BY part, 1 when it has none. */
static long by_len(const short *a, int size)
{
    int n = cst_recur_by_count(a, size);

    return n > 0 ? n : 1;
}

/*
 * Checks one observance (STANDARD or DAYLIGHT) of the VTIMEZONE tzid and
 * adds what libical would expand of it to *changes.  Real zones change
 * their offset at most a few times a year: a rule must be YEARLY and
 * name at most CST_MAX_TZ_PER_YEAR instants a year.
 */
static cst_status check_observance(icalcomponent *o, const char *tzid,
                                   unsigned long *changes, cst_error *err)
{
    struct icaltimetype start = icalcomponent_get_dtstart(o);
    icalproperty *p;
    long first = icaltime_is_null_time(start) ? 1 : start.year;

    for (p = icalcomponent_get_first_property(o, ICAL_RDATE_PROPERTY);
         p != NULL; p = icalcomponent_get_next_property(o, ICAL_RDATE_PROPERTY))
        (*changes)++;
    for (p = icalcomponent_get_first_property(o, ICAL_RRULE_PROPERTY);
         p != NULL;
         p = icalcomponent_get_next_property(o, ICAL_RRULE_PROPERTY)) {
        struct icalrecurrencetype r = icalproperty_get_rrule(p);
        long per_year, years, last = CST_TZ_LAST_YEAR;

        if (r.freq != ICAL_YEARLY_RECURRENCE) {
            cst_error_set(err, 0,
                          "time zone \"%.64s\": a rule that repeats %s, not "
                          "yearly; not expanded",
                          tzid,
                          icalrecur_freq_to_string(r.freq)
                              ? icalrecur_freq_to_string(r.freq)
                              : "?");
            return CST_ERR_TOO_LARGE;
        }
        per_year = by_len(r.by_month, ICAL_BY_MONTH_SIZE) *
                   by_len(r.by_hour, ICAL_BY_HOUR_SIZE) *
                   by_len(r.by_minute, ICAL_BY_MINUTE_SIZE) *
                   by_len(r.by_second, ICAL_BY_SECOND_SIZE);
        /* of BYYEARDAY, BYMONTHDAY and BYDAY the narrowest one decides at
         * most how many days a year the rule names (days of a week in
         * a week number at most 7) */
        {
            long days = 366;

            if (!NO_BY(r.by_year_day))
                days = by_len(r.by_year_day, ICAL_BY_YEARDAY_SIZE);
            if (!NO_BY(r.by_month_day)) {
                long d = by_len(r.by_month_day, ICAL_BY_MONTHDAY_SIZE);

                if (d < days)
                    days = d;
            }
            if (!NO_BY(r.by_day)) {
                long d = by_len(r.by_day, ICAL_BY_DAY_SIZE);

                if (d < days)
                    days = d;
            }
            if (NO_BY(r.by_year_day) && NO_BY(r.by_month_day) &&
                NO_BY(r.by_day))
                days = 1; /* DTSTART's day */
            per_year *= days;
        }
        if (per_year > CST_MAX_TZ_PER_YEAR) {
            cst_error_set(err, 0,
                          "time zone \"%.64s\": a rule names up to %ld "
                          "instants a year, more than %u; not expanded",
                          tzid, per_year, CST_MAX_TZ_PER_YEAR);
            return CST_ERR_TOO_LARGE;
        }
        if (!icaltime_is_null_time(r.until) && r.until.year < last)
            last = r.until.year;
        years = last - first + 1;
        if (years < 1)
            years = 1;
        if (r.count > 0 && r.count < years * per_year)
            *changes += (unsigned long)r.count;
        else
            *changes += (unsigned long)(years * per_year);
    }
    return CST_OK;
}

static cst_status check_zone(icalcomponent *tz, cst_error *err)
{
    icalproperty *id = icalcomponent_get_first_property(tz, ICAL_TZID_PROPERTY);
    const char *tzid = id != NULL ? icalproperty_get_tzid(id) : NULL;
    unsigned long changes = 0, n_obs = 0;
    icalcomponent *o;
    cst_status st;

    if (tzid == NULL)
        tzid = "";
    for (o = icalcomponent_get_first_component(tz, ICAL_ANY_COMPONENT);
         o != NULL;
         o = icalcomponent_get_next_component(tz, ICAL_ANY_COMPONENT)) {
        icalcomponent_kind k = icalcomponent_isa(o);

        if (k != ICAL_XSTANDARD_COMPONENT && k != ICAL_XDAYLIGHT_COMPONENT)
            continue;
        if (++n_obs > CST_MAX_TZ_OBSERVANCES) {
            cst_error_set(err, 0,
                          "time zone \"%.64s\": more than %u STANDARD and "
                          "DAYLIGHT parts",
                          tzid, CST_MAX_TZ_OBSERVANCES);
            return CST_ERR_TOO_LARGE;
        }
        st = check_observance(o, tzid, &changes, err);
        if (st != CST_OK)
            return st;
        if (changes > CST_MAX_TZ_CHANGES) {
            cst_error_set(err, 0,
                          "time zone \"%.64s\": its rules expand to more than "
                          "%u offset changes",
                          tzid, CST_MAX_TZ_CHANGES);
            return CST_ERR_TOO_LARGE;
        }
    }
    return CST_OK;
}

cst_status cst_tz_check_zones(icalcomponent *root, cst_error *err)
{
    icalcomponent *c;
    cst_status st;

    if (root == NULL)
        return CST_OK;
    if (icalcomponent_isa(root) == ICAL_VTIMEZONE_COMPONENT)
        return check_zone(root, err);
    if (icalcomponent_isa(root) != ICAL_XROOT_COMPONENT &&
        icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT)
        return CST_OK;
    for (c = icalcomponent_get_first_component(root, ICAL_ANY_COMPONENT);
         c != NULL;
         c = icalcomponent_get_next_component(root, ICAL_ANY_COMPONENT)) {
        icalcomponent_kind k = icalcomponent_isa(c);

        if (k == ICAL_VTIMEZONE_COMPONENT || k == ICAL_VCALENDAR_COMPONENT) {
            st = cst_tz_check_zones(c, err);
            if (st != CST_OK)
                return st;
        }
    }
    return CST_OK;
}
