/*
 * occur.c -- the occurrences of a (recurring) VEVENT around `now`.
 *
 * The recurrence set is DTSTART, the RRULE's instances and the RDATEs,
 * less the EXDATEs and the skipped instants (RFC 5545, 3.8.5).  Nothing is
 * stored per instance: the RRULE is walked once, in DTSTART's own zone so
 * that wall-clock times survive DST changes, and stops at the first
 * instance that starts at or after `now`; every candidate only updates
 * the running "next" and "last".  Exclusions are sorted once and looked
 * up by binary search.  Simple DAILY and WEEKLY rules start the walk
 * shortly before `now` (jump_days()), so a daily meeting since 1990
 * costs a few instances, not 12,000.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/occur.h"
#include "core/tz.h"

/* A growable array of instants (or of yyyymmdd dates). */
typedef struct tarray {
    time_t *v;
    size_t n, cap;
} tarray;

typedef struct walk {
    time_t now;
    icaltimezone *zone; /* DTSTART's zone, NULL for UTC/floating */
    tarray ex;          /* EXDATE DATE-TIMEs, UTC, sorted */
    tarray ex_dates;    /* EXDATE DATEs as yyyymmdd, sorted */
    tarray skip;        /* RECURRENCE-IDs of overrides, sorted */
    size_t n_seen;      /* instants looked at, for the limit */
    int has_next, has_last;
    cst_occurrence next, last;
} walk;

static cst_status tarray_push(tarray *a, time_t t)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 16;
        time_t *v;

        if (cap > CST_MAX_OCCURRENCES)
            cap = CST_MAX_OCCURRENCES;
        if (a->n >= cap)
            return CST_ERR_TOO_LARGE;
        v = realloc(a->v, cap * sizeof(*v));
        if (v == NULL)
            return CST_ERR_NOMEM;
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = t;
    return CST_OK;
}

static int cmp_time(const void *a, const void *b)
{
    time_t x = *(const time_t *)a, y = *(const time_t *)b;

    return x < y ? -1 : x > y;
}

static void tarray_sort(tarray *a)
{
    if (a->n > 1)
        qsort(a->v, a->n, sizeof(a->v[0]), cmp_time);
}

static int tarray_has(const tarray *a, time_t t)
{
    return a->n > 0 &&
           bsearch(&t, a->v, a->n, sizeof(a->v[0]), cmp_time) != NULL;
}

static time_t ymd(struct icaltimetype t)
{
    return (time_t)t.year * 10000 + t.month * 100 + t.day;
}

static int excluded(const walk *w, time_t start)
{
    if (tarray_has(&w->ex, start) || tarray_has(&w->skip, start))
        return 1;
    if (w->ex_dates.n > 0) {
        icaltimezone *z = w->zone ? w->zone : icaltimezone_get_utc_timezone();

        return tarray_has(&w->ex_dates,
                          ymd(icaltime_from_timet_with_zone(start, 0, z)));
    }
    return 0;
}

/* Looks at one occurrence; returns 0 when it is excluded, else 1. */
static int consider(walk *w, time_t start, time_t end)
{
    if (excluded(w, start))
        return 0;
    if (end < start)
        end = start;
    if (start >= w->now && (!w->has_next || start < w->next.start)) {
        w->has_next = 1;
        w->next.start = start;
        w->next.end = end;
    }
    if (end <= w->now && (!w->has_last || end > w->last.end ||
                          (end == w->last.end && start > w->last.start))) {
        w->has_last = 1;
        w->last.start = start;
        w->last.end = end;
    }
    return 1;
}

/* Converts a time of a property with TZID zone z (NULL: UTC) to UTC. */
static time_t to_utc(struct icaltimetype t, icaltimezone *z)
{
    if (t.zone != icaltimezone_get_utc_timezone())
        t.zone = NULL;
    return cst_tz_to_utc(t, z);
}

/* The zone a property's TZID names, NULL for none, unknown or UTC. */
static icaltimezone *prop_zone(icalcomponent *vcal, icalproperty *p)
{
    icalparameter *tz =
        icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
    icaltimezone *z;

    if (tz == NULL)
        return NULL;
    z = cst_tz_resolve(vcal, icalparameter_get_tzid(tz));
    return z == icaltimezone_get_utc_timezone() ? NULL : z;
}

static cst_status read_exdates(icalcomponent *vcal, icalcomponent *vevent,
                               walk *w)
{
    icalproperty *p;
    cst_status st = CST_OK;
    time_t t;

    for (p = icalcomponent_get_first_property(vevent, ICAL_EXDATE_PROPERTY);
         p != NULL && st == CST_OK;
         p = icalcomponent_get_next_property(vevent, ICAL_EXDATE_PROPERTY)) {
        icalvalue *v = icalproperty_get_value(p);

        if (v != NULL && icalvalue_isa(v) == ICAL_DATE_VALUE) {
            struct icaltimetype d = icalvalue_get_date(v);

            if (!icaltime_is_null_time(d))
                st = tarray_push(&w->ex_dates, ymd(d));
        } else if (cst_tz_prop_time(vcal, p, &t, NULL) == CST_OK) {
            st = tarray_push(&w->ex, t);
        }
    }
    /* past the limit the remaining EXDATEs are ignored */
    if (st == CST_ERR_TOO_LARGE)
        st = CST_OK;
    tarray_sort(&w->ex);
    tarray_sort(&w->ex_dates);
    return st;
}

static void walk_rdates(icalcomponent *vcal, icalcomponent *vevent, walk *w,
                        time_t dur)
{
    icalproperty *p;

    for (p = icalcomponent_get_first_property(vevent, ICAL_RDATE_PROPERTY);
         p != NULL && w->n_seen < CST_MAX_OCCURRENCES;
         p = icalcomponent_get_next_property(vevent, ICAL_RDATE_PROPERTY)) {
        struct icaldatetimeperiodtype dp = icalproperty_get_rdate(p);
        icaltimezone *z = prop_zone(vcal, p);
        time_t s, e;

        w->n_seen++;
        if (!icaltime_is_null_time(dp.time)) {
            if (dp.time.is_date || !icaltime_is_valid_time(dp.time))
                continue; /* a DATE: no time of day to meet at */
            s = to_utc(dp.time, z);
            consider(w, s, s + dur);
            continue;
        }
        if (icaltime_is_null_time(dp.period.start) || dp.period.start.is_date)
            continue;
        s = to_utc(dp.period.start, z);
        if (!icaltime_is_null_time(dp.period.end))
            e = to_utc(dp.period.end, z);
        else
            e = s + icaldurationtype_as_int(dp.period.duration);
        consider(w, s, e);
    }
}

#define NO_BY(a) ((a)[0] == ICAL_RECURRENCE_ARRAY_MAX)

/*
 * For the simple rules most meetings use -- DAILY without BY parts,
 * WEEKLY with at most BYDAY, no COUNT -- the instances from DTSTART +
 * k periods on are those of the same rule started there, provided DTSTART
 * matches the rule.  Returns how many days (a whole number of periods)
 * DTSTART may move forward on its wall clock so that the walk begins
 * a little (two periods and two days) before now - length, or 0.
 * (libical's icalrecur_iterator_set_start() is not used: in 3.0 it
 * misplaces HOURLY rules and can loop on some BYMONTHDAY rules.)
 */
static int jump_days(const struct icalrecurrencetype *r, struct icaltimetype t0,
                     time_t start0, time_t now, time_t dur, icaltimezone *zone)
{
    int interval = r->interval < 1 ? 1 : r->interval;
    long long period, days;
    size_t i;

    if (r->count > 0 || r->rscale != NULL || !NO_BY(r->by_second) ||
        !NO_BY(r->by_minute) || !NO_BY(r->by_hour) || !NO_BY(r->by_month_day) ||
        !NO_BY(r->by_year_day) || !NO_BY(r->by_week_no) ||
        !NO_BY(r->by_month) || !NO_BY(r->by_set_pos))
        return 0;
    if (r->freq == ICAL_DAILY_RECURRENCE && NO_BY(r->by_day)) {
        period = interval;
    } else if (r->freq == ICAL_WEEKLY_RECURRENCE) {
        period = 7LL * interval;
        if (!NO_BY(r->by_day)) {
            int dow = icaltime_day_of_week(t0), match = 0;

            for (i = 0; i < ICAL_BY_DAY_SIZE && !NO_BY(r->by_day + i); i++) {
                short d = r->by_day[i];

                if (icalrecurrencetype_day_position(d) != 0)
                    return 0;
                if ((int)icalrecurrencetype_day_day_of_week(d) == dow)
                    match = 1;
            }
            if (!match)
                return 0;
        }
    } else {
        return 0;
    }
    if (!icaltime_is_null_time(r->until) && to_utc(r->until, zone) < now)
        return 0;
    if (now - dur <= start0)
        return 0;
    days = (long long)((now - dur - start0) / 86400) - 2 - 2 * period;
    if (days < period || days > 3650000)
        return 0;
    return (int)(days - days % period);
}

/*
 * Walks the RRULE from t0 (DTSTART's wall-clock time in its zone), or
 * from `jump` days later, up to the first instance, not excluded, that
 * starts at or after now.  Returns 1 when an instance ended by now.
 */
static int walk_from(walk *w, struct icalrecurrencetype rule,
                     struct icaltimetype t0, int jump, time_t start0,
                     time_t dur)
{
    icalrecur_iterator *it;
    struct icaltimetype inst;
    int found_last = 0;
    time_t s;

    if (jump > 0)
        icaltime_adjust(&t0, jump, 0, 0, 0);
    it = icalrecur_iterator_new(rule, t0);
    if (it == NULL)
        return 0;
    while (w->n_seen < CST_MAX_OCCURRENCES) {
        inst = icalrecur_iterator_next(it);
        if (icaltime_is_null_time(inst))
            break;
        w->n_seen++;
        s = to_utc(inst, w->zone);
        if (s == start0)
            continue; /* DTSTART counts once */
        if (!consider(w, s, s + dur))
            continue;
        if (s + dur <= w->now)
            found_last = 1;
        if (s >= w->now)
            break;
    }
    icalrecur_iterator_free(it);
    return found_last;
}

static void walk_rrule(icalcomponent *vevent, walk *w, struct icaltimetype t0,
                       time_t start0, time_t dur)
{
    icalproperty *p =
        icalcomponent_get_first_property(vevent, ICAL_RRULE_PROPERTY);
    struct icalrecurrencetype rule;
    int jump;

    if (p == NULL)
        return;
    rule = icalproperty_get_rrule(p);
    if (rule.freq == ICAL_NO_RECURRENCE)
        return;
    jump = jump_days(&rule, t0, start0, w->now, dur, w->zone);
    /* when everything after the jump is excluded, the last occurrence
     * lies before it: walk again from DTSTART (next/last only improve) */
    if (!walk_from(w, rule, t0, jump, start0, dur) && jump > 0)
        walk_from(w, rule, t0, 0, start0, dur);
}

/* The length of the event: DTEND - DTSTART, else DURATION, else 0. */
static time_t event_length(icalcomponent *vcal, icalcomponent *vevent,
                           time_t start0)
{
    icalproperty *p;
    time_t end;
    int secs;

    p = icalcomponent_get_first_property(vevent, ICAL_DTEND_PROPERTY);
    if (p != NULL) {
        if (cst_tz_prop_time(vcal, p, &end, NULL) == CST_OK && end > start0)
            return end - start0;
        return 0;
    }
    p = icalcomponent_get_first_property(vevent, ICAL_DURATION_PROPERTY);
    if (p != NULL) {
        secs = icaldurationtype_as_int(icalproperty_get_duration(p));
        if (secs > 0)
            return secs;
    }
    return 0;
}

cst_status cst_occur_find(icalcomponent *vcal, icalcomponent *vevent,
                          time_t now, const time_t *skip, size_t n_skip,
                          int *has_next, cst_occurrence *next, int *has_last,
                          cst_occurrence *last)
{
    icaltimezone *utc = icaltimezone_get_utc_timezone();
    struct icaltimetype t0;
    icalproperty *p;
    icalvalue *v;
    time_t start0, dur;
    cst_status st;
    walk w;

    memset(&w, 0, sizeof(w));
    w.now = now;
    *has_next = 0;
    *has_last = 0;
    if (vevent == NULL) {
        st = CST_ERR_PARSE;
        goto done;
    }
    p = icalcomponent_get_first_property(vevent, ICAL_DTSTART_PROPERTY);
    st = cst_tz_prop_time(vcal, p, &start0, &w.zone);
    if (st != CST_OK)
        goto done;
    v = icalproperty_get_value(p);
    if (icalvalue_isa(v) != ICAL_DATETIME_VALUE) {
        st = CST_ERR_PARSE;
        goto done;
    }
    /* the iterator works on the wall clock of DTSTART's zone */
    t0 = icalvalue_get_datetime(v);
    if (t0.zone != utc)
        t0.zone = w.zone;
    dur = event_length(vcal, vevent, start0);

    st = read_exdates(vcal, vevent, &w);
    if (st != CST_OK)
        goto done;
    if (n_skip > 0 && skip != NULL) {
        if (n_skip > CST_MAX_OCCURRENCES)
            n_skip = CST_MAX_OCCURRENCES;
        w.skip.v = malloc(n_skip * sizeof(*skip));
        if (w.skip.v == NULL) {
            st = CST_ERR_NOMEM;
            goto done;
        }
        memcpy(w.skip.v, skip, n_skip * sizeof(*skip));
        w.skip.n = w.skip.cap = n_skip;
        tarray_sort(&w.skip);
    }

    w.n_seen = 1;
    consider(&w, start0, start0 + dur);
    walk_rdates(vcal, vevent, &w, dur);
    walk_rrule(vevent, &w, t0, start0, dur);

    *has_next = w.has_next;
    *has_last = w.has_last;
    if (w.has_next && next != NULL)
        *next = w.next;
    if (w.has_last && last != NULL)
        *last = w.last;
done:
    free(w.ex.v);
    free(w.ex_dates.v);
    free(w.skip.v);
    return st;
}
