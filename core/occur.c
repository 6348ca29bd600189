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

#include "core/meeting.h"
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
    int truncated;      /* a budget ended the walk before it was done */
    int has_next, has_last;
    cst_occurrence next, last;
    /* cst_occur_range(): the jumps aim at jump_ref (else at now), and
     * every occurrence starting in [list_from, now) goes into list */
    time_t jump_ref;
    cst_occurrence *list;
    size_t n_list, max_list;
    int list_full;
    time_t list_from;
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
                          ymd(cst_tz_from_utc(start, 0, z)));
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
    if (w->list != NULL && start >= w->list_from && start < w->now) {
        if (w->n_list < w->max_list) {
            w->list[w->n_list].start = start;
            w->list[w->n_list++].end = end;
        } else {
            w->list_full = 1;
        }
    }
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
    } else if (r->freq == ICAL_DAILY_RECURRENCE) {
        /* "every weekday" as Thunderbird writes it: the days the rule
         * names repeat every 7 * INTERVAL days */
        period = 7LL * interval;
        for (i = 0; i < ICAL_BY_DAY_SIZE && !NO_BY(r->by_day + i); i++) {
            if (icalrecurrencetype_day_position(r->by_day[i]) != 0)
                return 0;
        }
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

/* The length of one step of libical's iterator for freq, in seconds (a
 * month and a year at their longest). */
static time_t unit_secs(icalrecurrencetype_frequency freq)
{
    switch (freq) {
    case ICAL_SECONDLY_RECURRENCE:
        return 1;
    case ICAL_MINUTELY_RECURRENCE:
        return 60;
    case ICAL_HOURLY_RECURRENCE:
        return 3600;
    case ICAL_DAILY_RECURRENCE:
        return 86400;
    case ICAL_WEEKLY_RECURRENCE:
        return 7 * 86400;
    case ICAL_MONTHLY_RECURRENCE:
        return 31 * 86400;
    default:
        return 366 * 86400;
    }
}

/*
 * The same as jump_days() for HOURLY, MINUTELY and SECONDLY rules
 * without COUNT whose BY parts only filter (none at the rule's own unit
 * or finer, no BYSETPOS): their instances are DTSTART + k * INTERVAL
 * units that pass the filters, so DTSTART may move forward by whole
 * periods.  Returns the seconds to move, a multiple of the period, that
 * start the walk two days and two periods before now - length, or 0 (also
 * for a DTSTART in a zone: see below).
 */
static long long jump_secs(const struct icalrecurrencetype *r, time_t start0,
                           time_t now, time_t dur, icaltimezone *zone)
{
    long long period, secs;

    /* only on UTC's (or a floating) clock: across a DST change libical's
     * sub-daily steps and a jump on the wall clock disagree by an hour */
    if (zone != NULL || r->count > 0 || r->rscale != NULL ||
        !NO_BY(r->by_set_pos) || !NO_BY(r->by_second))
        return 0;
    switch (r->freq) {
    case ICAL_HOURLY_RECURRENCE:
        if (!NO_BY(r->by_hour))
            return 0;
        /* fall through */
    case ICAL_MINUTELY_RECURRENCE:
        if (!NO_BY(r->by_minute))
            return 0;
        /* fall through */
    case ICAL_SECONDLY_RECURRENCE:
        break;
    default:
        return 0;
    }
    if (!icaltime_is_null_time(r->until) && to_utc(r->until, zone) < now)
        return 0;
    if (now - dur <= start0)
        return 0;
    period =
        (long long)(r->interval < 1 ? 1 : r->interval) * unit_secs(r->freq);
    secs = (long long)(now - dur - start0) - 2 * 86400 - 2 * period;
    if (secs < period)
        return 0;
    return secs - secs % period;
}

/*
 * libical's iterator compares every instance with UNTIL by
 * icaltime_compare(), which converts a zoned instance and a UTC UNTIL to
 * UTC through icaltimezone_convert_time() -- and so expands an object's
 * VTIMEZONE from its first DTSTART (milliseconds per object through ICU).
 * For that case only, the iterator gets an UNTIL two days later on
 * DTSTART's own clock and zone (compared field by field, no conversion;
 * no offset is a day, so it never stops the walk early) and
 * past_until() makes libical's comparison itself, through core/tz.h
 * (libical's answers without the expansion).  DATE and floating UNTILs
 * are compared by libical without conversion and stay with it; so does
 * the ICU calendar of the iterator, which keeps DTSTART's zone.
 * Returns 1 and sets *until to the rule's UNTIL when it applies.
 */
static int zoned_until(struct icalrecurrencetype *rule, struct icaltimetype t0,
                       struct icaltimetype *until)
{
    icaltimezone *utc = icaltimezone_get_utc_timezone();
    struct icaltimetype loose;

    if (t0.zone == NULL || t0.zone == utc || t0.is_date
        || icaltime_is_null_time(rule->until) || rule->until.is_date
        || rule->until.zone != utc)
        return 0;
    *until = rule->until;
    loose = rule->until;
    icaltime_adjust(&loose, 2, 0, 0, 0);
    loose.zone = t0.zone;
    rule->until = loose;
    return 1;
}

/* Returns 1 when libical's icaltime_compare(inst, until) > 0 for an
 * instance on the clock of zone and a UTC until (see zoned_until()). */
static int past_until(struct icaltimetype inst, icaltimezone *zone,
                      struct icaltimetype until)
{
    struct icaltimetype a =
        icaltime_from_timet_with_zone(to_utc(inst, zone), 0, until.zone);

    return icaltime_compare(a, until) > 0;
}

/*
 * Walks the RRULE from t0 (DTSTART's wall-clock time in its zone), or
 * from `jump` days later, up to the first instance, not excluded, that
 * starts at or after now.  Returns 1 when an instance ended by now.
 */
static int walk_from(walk *w, struct icalrecurrencetype rule,
                     struct icaltimetype t0, int jump, long long skip_secs,
                     time_t start0, time_t dur)
{
    icalrecur_iterator *it;
    struct icaltimetype inst;
    struct icaltimetype until;
    int found_last = 0, clamped = 0, reached_now = 0, n_inst = 0, own_until;
    time_t s, from, clamp, horizon;

    if (jump > 0)
        icaltime_adjust(&t0, jump, 0, 0, 0);
    if (skip_secs > 0)
        icaltime_adjust(&t0, (int)(skip_secs / 86400), 0, 0,
                        (int)(skip_secs % 86400));
    /* libical steps one FREQ unit at a time until an instance passes the
     * rule's filters, and checks UNTIL at every step: an UNTIL at most
     * CST_MAX_RECUR_STEPS units after the start bounds every call, also
     * for a rule that never matches (FREQ=SECONDLY;BYMONTHDAY=30;
     * BYMONTH=2) */
    from = to_utc(t0, w->zone);
    clamp = from + (time_t)CST_MAX_RECUR_STEPS * unit_secs(rule.freq);
    /* nor further than CST_RECUR_HORIZON_DAYS after now: an instance
     * past that is no next meeting, and the walk up to there has seen
     * everything before now (so it is no truncation) */
    horizon = w->now + (time_t)CST_RECUR_HORIZON_DAYS * 86400;
    if (icaltime_is_null_time(rule.until) ||
        to_utc(rule.until, w->zone) > clamp
        || to_utc(rule.until, w->zone) > horizon) {
        clamped = clamp < horizon;
        rule.until = icaltime_from_timet_with_zone(
            clamped ? clamp : horizon, 0, icaltimezone_get_utc_timezone());
    }
    own_until = zoned_until(&rule, t0, &until);
    it = icalrecur_iterator_new(rule, t0);
    if (it == NULL)
        return 0;
    for (;;) {
        if (w->n_seen >= CST_MAX_OCCURRENCES) {
            w->truncated = 1;
            break;
        }
        inst = icalrecur_iterator_next(it);
        if (!icaltime_is_null_time(inst) && own_until
            && past_until(inst, w->zone, until))
            inst = icaltime_null_time(); /* where libical would stop */
        if (icaltime_is_null_time(inst)) {
            /* the end of the rule, or of the budget */
            if (clamped && (rule.count == 0 || n_inst < rule.count))
                w->truncated = 1;
            break;
        }
        n_inst++;
        w->n_seen++;
        s = to_utc(inst, w->zone);
        if (s == start0)
            continue; /* DTSTART counts once */
        if (!consider(w, s, s + dur))
            continue;
        if (s + dur <= w->now)
            found_last = 1;
        if (s >= w->now) {
            reached_now = 1;
            break;
        }
    }
    if (reached_now)
        w->truncated = 0;
    icalrecur_iterator_free(it);
    return found_last;
}

static void walk_rrule(icalcomponent *vevent, walk *w, struct icaltimetype t0,
                       time_t start0, time_t dur)
{
    icalproperty *p =
        icalcomponent_get_first_property(vevent, ICAL_RRULE_PROPERTY);
    struct icalrecurrencetype rule;
    long long secs;
    int jump;

    if (p == NULL)
        return;
    rule = icalproperty_get_rrule(p);
    if (rule.freq == ICAL_NO_RECURRENCE)
        return;
    jump = jump_days(&rule, t0, start0, w->jump_ref, dur, w->zone);
    secs = jump > 0 ? 0 : jump_secs(&rule, start0, w->jump_ref, dur, w->zone);
    /* when everything after the jump is excluded, the last occurrence
     * lies before it: walk again from DTSTART (next/last only improve) */
    if (!walk_from(w, rule, t0, jump, secs, start0, dur) &&
        (jump > 0 || secs > 0))
        walk_from(w, rule, t0, 0, 0, start0, dur);
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

/* Walks the occurrences of vevent with w set up by the caller (now,
 * jump_ref, list); frees what the walk allocated. */
static cst_status run_walk(walk *wp, icalcomponent *vcal, icalcomponent *vevent,
                           const time_t *skip, size_t n_skip)
{
    icaltimezone *utc = icaltimezone_get_utc_timezone();
    struct icaltimetype t0;
    icalproperty *p;
    icalvalue *v;
    time_t start0, dur;
    cst_status st;
    walk w = *wp;

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

    if (w.truncated) {
        /* what lies past the budget is unknown: no answer rather than a
         * wrong one */
        st = CST_ERR_TOO_LARGE;
        goto done;
    }
done:
    free(w.ex.v);
    free(w.ex_dates.v);
    free(w.skip.v);
    w.ex.v = w.ex_dates.v = w.skip.v = NULL;
    *wp = w;
    return st;
}

cst_status cst_occur_find(icalcomponent *vcal, icalcomponent *vevent,
                          time_t now, const time_t *skip, size_t n_skip,
                          int *has_next, cst_occurrence *next, int *has_last,
                          cst_occurrence *last)
{
    cst_status st;
    walk w;

    memset(&w, 0, sizeof(w));
    w.now = now;
    w.jump_ref = now;
    *has_next = 0;
    *has_last = 0;
    st = run_walk(&w, vcal, vevent, skip, n_skip);
    if (st != CST_OK)
        return st;
    *has_next = w.has_next;
    *has_last = w.has_last;
    if (w.has_next && next != NULL)
        *next = w.next;
    if (w.has_last && last != NULL)
        *last = w.last;
    return CST_OK;
}

static int cmp_occ(const void *a, const void *b)
{
    const cst_occurrence *x = a, *y = b;

    return x->start < y->start ? -1 : x->start > y->start;
}

cst_status cst_occur_range(icalcomponent *vcal, icalcomponent *vevent,
                           time_t from, time_t to, const time_t *skip,
                           size_t n_skip, cst_occurrence *out, size_t max,
                           size_t *n, int *full)
{
    cst_status st;
    size_t i, k;
    walk w;

    *n = 0;
    *full = 0;
    memset(&w, 0, sizeof(w));
    w.now = to;        /* the walk stops at the first start >= to */
    w.jump_ref = from; /* and starts shortly before from */
    w.list = out;
    w.max_list = max;
    w.list_from = from;
    st = run_walk(&w, vcal, vevent, skip, n_skip);
    if (st != CST_OK)
        return st;
    /* in time order, once each (a second walk from DTSTART may repeat
     * what the first one saw) */
    if (w.n_list > 1)
        qsort(out, w.n_list, sizeof(*out), cmp_occ);
    for (i = 0, k = 0; i < w.n_list; i++) {
        if (k > 0 && out[k - 1].start == out[i].start)
            continue;
        out[k++] = out[i];
    }
    *n = k;
    *full = w.list_full;
    return CST_OK;
}

/* Overrides collected on the stack; more go to the heap. */
#define SKIP_ON_STACK 64

cst_status cst_occur_event(const cst_object *o, const cst_event *ev,
                           time_t now, int *has_next, cst_occurrence *next,
                           int *has_last, cst_occurrence *last)
{
    time_t stack[SKIP_ON_STACK], *skip = stack;
    size_t n = cst_object_n_events(o), n_skip = 0, n_over = 0, i;
    cst_occ_memo scratch, *memo = cst_object_occ_memo(o, ev);

    if (memo == NULL)
        memo = &scratch;
    else if (memo->valid && memo->now == now)
        goto answer;
    memset(memo, 0, sizeof(*memo));
    if (ev->is_recurring) {
        for (i = 0; i < n; i++) {
            const cst_event *x = cst_object_event(o, i);

            n_over += x->is_override && strcmp(x->uid, ev->uid) == 0;
        }
    }
    if (n_over > SKIP_ON_STACK) {
        skip = malloc(n_over * sizeof(*skip));
        if (skip == NULL) {
            *has_next = 0;
            *has_last = 0;
            return CST_ERR_NOMEM;
        }
    }
    for (i = 0; i < n && n_skip < n_over; i++) {
        const cst_event *x = cst_object_event(o, i);

        if (x->is_override && strcmp(x->uid, ev->uid) == 0)
            skip[n_skip++] = x->rid_utc;
    }
    memo->st = cst_occur_find(ev->vcal, ev->comp, now, skip, n_skip,
                              &memo->has_next, &memo->next, &memo->has_last,
                              &memo->last);
    if (skip != stack)
        free(skip);
    if (memo->st == CST_ERR_NOMEM) {
        *has_next = 0;
        *has_last = 0;
        return CST_ERR_NOMEM; /* not remembered: may work next time */
    }
    memo->valid = 1;
    memo->now = now;
answer:
    *has_next = memo->has_next;
    *has_last = memo->has_last;
    if (memo->has_next && next != NULL)
        *next = memo->next;
    if (memo->has_last && last != NULL)
        *last = memo->last;
    return memo->st;
}

int cst_recur_by_count(const short *a, int size)
{
    int n = 0;

    while (n < size && a[n] != ICAL_RECURRENCE_ARRAY_MAX)
        n++;
    return n;
}

/*
 * How many instants a day a rule can name at most: per unit finer than a
 * day, the number of its BY values, else the whole range for units
 * coarser than FREQ, the range over INTERVAL for FREQ's own unit, and 1
 * for finer units (DTSTART's).
 */
static double per_day(const struct icalrecurrencetype *r)
{
    static const struct {
        icalrecurrencetype_frequency freq;
        int range;
    } units[] = {{ICAL_HOURLY_RECURRENCE, 24},
                 {ICAL_MINUTELY_RECURRENCE, 60},
                 {ICAL_SECONDLY_RECURRENCE, 60}};
    const short *by[3];
    int sizes[3] = {ICAL_BY_HOUR_SIZE, ICAL_BY_MINUTE_SIZE,
                    ICAL_BY_SECOND_SIZE};
    int interval = r->interval < 1 ? 1 : r->interval;
    double n = 1;
    size_t i;

    by[0] = r->by_hour;
    by[1] = r->by_minute;
    by[2] = r->by_second;
    for (i = 0; i < 3; i++) {
        int c = cst_recur_by_count(by[i], sizes[i]);

        if (c > 0)
            n *= c;
        else if (r->freq == units[i].freq)
            n *= (double)units[i].range / interval;
        else if (r->freq > units[i].freq) /* libical: SECONDLY is 0 */
            ;
        else
            n *= units[i].range;
    }
    return n;
}

cst_status cst_occur_check_rule(icalcomponent *vevent, cst_error *err)
{
    icalproperty *p =
        icalcomponent_get_first_property(vevent, ICAL_RRULE_PROPERTY);
    struct icalrecurrencetype r;
    const char *uid;
    double n;

    if (p == NULL)
        return CST_OK;
    r = icalproperty_get_rrule(p);
    if (r.freq == ICAL_NO_RECURRENCE)
        return CST_OK; /* not understood: ignored by the walk too */
    n = per_day(&r);
    if (n <= CST_MAX_RECUR_PER_DAY + 1e-9)
        return CST_OK;
    uid = icalcomponent_get_uid(vevent);
    cst_error_set(err, 0,
                  "event %.120s: its RRULE repeats up to %.0f times a day, "
                  "more than %u; not expanded",
                  uid ? uid : "", n, CST_MAX_RECUR_PER_DAY);
    return CST_ERR_TOO_LARGE;
}
