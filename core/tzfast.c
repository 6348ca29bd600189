/*
 * tzfast.c -- offsets of an object's VTIMEZONE without libical's
 * expansion (see tzfast.h).
 *
 * libical 3.0.16 turns every STANDARD/DAYLIGHT part into "changes" (an
 * instant in UTC, the offsets before and after, daylight or not), sorts
 * them and looks a time up among its neighbours.  We build only the
 * changes that can matter for a time in year Y: every change of each part
 * between 1 January Y-2 and 1 January Y+2, the part's last change before
 * that window (what applies when nothing changes inside it) and its first
 * change (what libical falls back to before any change), then run
 * libical's lookup over them.  Nothing is kept between calls: no state,
 * safe in any thread on different objects.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h> /* qsort */

#include "core/tzfast.h"
#include "core/util.h"

#define MAX_CHANGES 256   /* more near one time: libical answers */
#define MODERN 1753       /* libical's first Gregorian year */
/* Each conversion reads the whole VTIMEZONE again, while libical expands
 * it once per object: larger zones (tzdata's largest has 55 parts and 178
 * RDATEs) go to libical, so that a walk over many instances stays
 * linear in the zone's size at worst once. */
#define MAX_PARTS 64
#define MAX_RDATES 256

typedef int64_t secs_t;   /* seconds of a proleptic Gregorian calendar */

struct change {
    secs_t at;            /* the instant, UTC */
    int off, prev;        /* TZOFFSETTO, TZOFFSETFROM */
    int dst;              /* from a DAYLIGHT part */
};

struct changes {
    struct change v[MAX_CHANGES];
    int n;
    int full;             /* set when v overflowed */
};

/* Days since 1970-01-01 of a Gregorian date (core/util.h), as secs_t so
 * that "* 86400" cannot overflow where long has 32 bits. */
static secs_t days_from_civil(int y, int m, int d)
{
    return (secs_t)cst_days_from_civil(y, m, d);
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int m, int y)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* 0 = Sunday ... 6 = Saturday */
static int weekday(int y, int m, int d)
{
    secs_t w = (days_from_civil(y, m, d) + 4) % 7;

    return (int)(w < 0 ? w + 7 : w);
}

/* Returns 1 when the fields of t make a date and time (no leap second).
 * Before 1753 libical's leap years are Julian (1700 has a 29 February):
 * such a time may be a DTSTART, far before any time we convert, where
 * only the order of changes matters. */
static int fields_ok(const struct icaltimetype *t)
{
    int dim;

    if (t->year < 1 || t->year > 9999 || t->month < 1 || t->month > 12)
        return 0;
    dim = days_in_month(t->month, t->year);
    if (t->year < MODERN && t->month == 2 && t->year % 4 == 0)
        dim = 29;
    if (t->day < 1 || t->day > dim)
        return 0;
    return t->hour >= 0 && t->hour < 24 && t->minute >= 0 &&
           t->minute < 60 && t->second >= 0 && t->second < 60;
}

static secs_t secs_of(const struct icaltimetype *t)
{
    return days_from_civil(t->year, t->month, t->day) * 86400 +
           t->hour * 3600 + t->minute * 60 + t->second;
}

static void add(struct changes *cs, secs_t at, const struct change *proto)
{
    if (cs->n == MAX_CHANGES) {
        cs->full = 1;
        return;
    }
    cs->v[cs->n] = *proto;
    cs->v[cs->n].at = at;
    cs->n++;
}

/* ---- the rules ------------------------------------------------------- */

#define HAS(a) ((a)[0] != ICAL_RECURRENCE_ARRAY_MAX)

struct rule {
    int months[12], n_months;
    int days[31], n_days;     /* BYMONTHDAY, 1..31 or -31..-1 */
    int wdays;                /* bit w (0 = Sunday) for BYDAY without n */
    int nth, nth_wday;        /* BYDAY=±nDD; nth 0 when absent */
    int has_until;
    secs_t until;             /* local, as libical compares it */
};

/* Returns 1 when a BYHOUR/BYMINUTE/BYSECOND list is absent or names only
 * DTSTART's own value v (Outlook writes BYHOUR=2;BYMINUTE=0). */
static int by_is(const short *a, int v)
{
    return !HAS(a) || (a[0] == v && a[1] == ICAL_RECURRENCE_ARRAY_MAX);
}

/* Reads an RRULE of the supported shape into *ru; returns 0 for others. */
static int rule_read(const struct icalrecurrencetype *r, int prev,
                     const struct icaltimetype *ds, struct rule *ru)
{
    int i;

    if (r->freq != ICAL_YEARLY_RECURRENCE || r->count != 0 ||
        r->interval != 1 || (r->rscale != NULL && r->rscale[0] != '\0'))
        return 0;
    if (!by_is(r->by_second, ds->second) || !by_is(r->by_minute, ds->minute) ||
        !by_is(r->by_hour, ds->hour) || HAS(r->by_year_day) || HAS(r->by_week_no) || HAS(r->by_set_pos) ||
        !HAS(r->by_month))
        return 0;
    ru->n_months = 0;
    for (i = 0; i < ICAL_BY_MONTH_SIZE && r->by_month[i] !=
                ICAL_RECURRENCE_ARRAY_MAX; i++) {
        int m = r->by_month[i];

        if (m < 1 || m > 12 || ru->n_months == 12)
            return 0; /* also RFC 7529 leap months */
        if (ru->n_months > 0 && m <= ru->months[ru->n_months - 1])
            return 0; /* unsorted or repeated: libical's order unknown */
        ru->months[ru->n_months++] = m;
    }
    ru->n_days = 0;
    for (i = 0; i < ICAL_BY_MONTHDAY_SIZE && r->by_month_day[i] !=
                ICAL_RECURRENCE_ARRAY_MAX; i++) {
        int d = r->by_month_day[i];

        if (d == 0 || d > 31 || d < -31 || ru->n_days == 31)
            return 0;
        ru->days[ru->n_days++] = d;
    }
    ru->wdays = 0;
    ru->nth = 0;
    for (i = 0; i < ICAL_BY_DAY_SIZE && r->by_day[i] !=
                ICAL_RECURRENCE_ARRAY_MAX; i++) {
        int w = (int)icalrecurrencetype_day_day_of_week(r->by_day[i]);
        int pos = icalrecurrencetype_day_position(r->by_day[i]);

        if (w < 1 || w > 7)
            return 0;
        if (pos == 0) {
            ru->wdays |= 1 << (w - 1);
        } else {
            /* one ±nDD alone, as every zone writes it */
            if (i > 0 || pos > 5 || pos < -5)
                return 0;
            ru->nth = pos;
            ru->nth_wday = w - 1;
        }
    }
    if (ru->nth != 0 && (ru->wdays != 0 || ru->n_days > 0))
        return 0;
    if (ru->nth == 0 && ru->n_days == 0) {
        if (ru->wdays != 0)
            return 0; /* every such weekday of the month */
        ru->days[ru->n_days++] = ds->day; /* BYMONTH alone: DTSTART's day */
    }
    if (ru->nth != 0 && r->by_day[1] != ICAL_RECURRENCE_ARRAY_MAX)
        return 0;
    ru->has_until = !icaltime_is_null_time(r->until);
    if (ru->has_until) {
        struct icaltimetype u = r->until;

        if (u.is_date)
            u.hour = u.minute = u.second = 0;
        if (!fields_ok(&u))
            return 0;
        ru->until = secs_of(&u);
        /* libical reads a UTC UNTIL with TZOFFSETFROM */
        if (icaltime_is_utc(r->until) && !r->until.is_date)
            ru->until += prev;
    }
    return 1;
}

/* The days of month m of year y that the rule names, ascending, into
 * out[]; returns how many. */
static int rule_days(const struct rule *ru, int y, int m, int out[31])
{
    int dim = days_in_month(m, y), n = 0, d;

    if (ru->nth > 0) {
        d = 1 + (ru->nth_wday - weekday(y, m, 1) + 7) % 7 + (ru->nth - 1) * 7;
        if (d <= dim)
            out[n++] = d;
        return n;
    }
    if (ru->nth < 0) {
        d = dim - (weekday(y, m, dim) - ru->nth_wday + 7) % 7 +
            (ru->nth + 1) * 7;
        if (d >= 1)
            out[n++] = d;
        return n;
    }
    {
        uint32_t mask = 0;
        int i;

        for (i = 0; i < ru->n_days; i++) {
            d = ru->days[i] > 0 ? ru->days[i] : dim + ru->days[i] + 1;
            if (d >= 1 && d <= dim &&
                (ru->wdays == 0 || (ru->wdays >> weekday(y, m, d)) & 1))
                mask |= (uint32_t)1 << d;
        }
        for (d = 1; d <= dim; d++)
            if ((mask >> d) & 1)
                out[n++] = d;
    }
    return n;
}

/*
 * Adds the changes of one RRULE in [lo, hi) and its last one before lo.
 * libical adds DTSTART itself (the caller does) and then every occurrence
 * after DTSTART up to UNTIL.  Returns 0 when that last one lies before
 * 1753, where libical's calendar (Julian leap years, ICU's Julian dates
 * before 1582) is not ours.
 */
static int rule_changes(const struct rule *ru, const struct icaltimetype *ds,
                         int year, secs_t lo, secs_t hi,
                         const struct change *proto, struct changes *cs)
{
    secs_t start = secs_of(ds), tod = start % 86400;
    int y, y_end = year + 2, i, k, found = 0;
    secs_t best = 0;

    if (tod < 0)
        tod += 86400;
    if (ru->has_until) {
        /* the year of the until time, floor division */
        secs_t ud = ru->until >= 0 ? ru->until / 86400
                                   : -((-ru->until + 86399) / 86400);
        int uy = 1970 + (int)(ud / 366) - 2;

        while (days_from_civil(uy + 1, 1, 1) <= ud)
            uy++;
        if (uy < y_end)
            y_end = uy;
    }
    for (y = y_end; y >= ds->year; y--) {
        if (y < MODERN)
            return 0;
        for (i = 0; i < ru->n_months; i++) {
            int days[31], n = rule_days(ru, y, ru->months[i], days);

            for (k = 0; k < n; k++) {
                secs_t local = days_from_civil(y, ru->months[i], days[k]) *
                                   86400 + tod;
                secs_t at = local - proto->prev;

                if (local <= start || (ru->has_until && local > ru->until))
                    continue;
                if (at >= hi)
                    continue;
                if (at >= lo) {
                    add(cs, at, proto);
                } else if (!found || at > best) {
                    best = at;
                    found = 1;
                }
            }
        }
        if (found && y < year - 2)
            break;
    }
    if (found)
        add(cs, best, proto);
    return 1;
}

/*
 * Collects the changes of the VTIMEZONE vtz that matter for year `year`.
 * Returns 0 when a part has a shape we leave to libical.
 */
static int collect(icalcomponent *vtz, int year, struct changes *cs)
{
    secs_t lo = days_from_civil(year - 2, 1, 1) * 86400;
    secs_t hi = days_from_civil(year + 2, 1, 1) * 86400;
    icalcomponent *o;
    int n_parts = 0, n_rdates = 0;

    cs->n = 0;
    cs->full = 0;
    for (o = icalcomponent_get_first_component(vtz, ICAL_ANY_COMPONENT);
         o != NULL;
         o = icalcomponent_get_next_component(vtz, ICAL_ANY_COMPONENT)) {
        icalcomponent_kind k = icalcomponent_isa(o);
        struct icaltimetype ds = icaltime_null_time();
        struct change proto;
        int has_ds = 0, has_to = 0, has_from = 0, has_rrule = 0;
        int rd_found_before = 0, rd_found_after = 0;
        secs_t rd_before = 0, rd_after = 0, start;
        icalproperty *p;

        if (k == ICAL_XSTANDARD_COMPONENT)
            proto.dst = 0;
        else if (k == ICAL_XDAYLIGHT_COMPONENT)
            proto.dst = 1;
        else
            continue;
        if (++n_parts > MAX_PARTS)
            return 0;
        proto.off = proto.prev = 0;
        /* the last DTSTART, TZOFFSETTO and TZOFFSETFROM win, as in
         * libical's icaltimezone_expand_vtimezone() */
        for (p = icalcomponent_get_first_property(o, ICAL_ANY_PROPERTY);
             p != NULL;
             p = icalcomponent_get_next_property(o, ICAL_ANY_PROPERTY)) {
            switch (icalproperty_isa(p)) {
            case ICAL_DTSTART_PROPERTY:
                ds = icalproperty_get_dtstart(p);
                has_ds = 1;
                break;
            case ICAL_TZOFFSETTO_PROPERTY:
                proto.off = icalproperty_get_tzoffsetto(p);
                has_to = 1;
                break;
            case ICAL_TZOFFSETFROM_PROPERTY:
                proto.prev = icalproperty_get_tzoffsetfrom(p);
                has_from = 1;
                break;
            case ICAL_RRULE_PROPERTY:
                has_rrule = 1;
                break;
            default:
                break;
            }
        }
        if (has_to && !has_from)
            proto.prev = proto.off;
        if (!has_ds || !has_to)
            continue; /* libical ignores the part */
        if (!fields_ok(&ds))
            return 0;
        start = secs_of(&ds);
        if (!has_rrule)
            add(cs, start - proto.prev, &proto);
        for (p = icalcomponent_get_first_property(o, ICAL_ANY_PROPERTY);
             p != NULL;
             p = icalcomponent_get_next_property(o, ICAL_ANY_PROPERTY)) {
            icalproperty_kind pk = icalproperty_isa(p);

            if (pk == ICAL_RDATE_PROPERTY) {
                struct icaldatetimeperiodtype rd = icalproperty_get_rdate(p);
                struct icaltimetype t = rd.time;
                secs_t at;

                if (++n_rdates > MAX_RDATES)
                    return 0;
                if (icaltime_is_null_time(t) ||
                    !icaltime_is_null_time(rd.period.start))
                    return 0; /* a PERIOD: libical reads zeros */
                if (t.is_date) {
                    t.hour = ds.hour;
                    t.minute = ds.minute;
                    t.second = ds.second;
                }
                if (!fields_ok(&t))
                    return 0;
                at = secs_of(&t);
                if (!rd.time.is_date && !icaltime_is_utc(rd.time))
                    at -= proto.prev;
                if (at >= lo && at < hi) {
                    add(cs, at, &proto);
                } else if (at < lo) {
                    if (!rd_found_before || at > rd_before)
                        rd_before = at;
                    rd_found_before = 1;
                } else {
                    if (!rd_found_after || at < rd_after)
                        rd_after = at;
                    rd_found_after = 1;
                }
            } else if (pk == ICAL_RRULE_PROPERTY) {
                struct icalrecurrencetype r = icalproperty_get_rrule(p);
                struct rule ru = {{0}, 0, {0}, 0, 0, 0, 0, 0, 0};

                if (!rule_read(&r, proto.prev, &ds, &ru))
                    return 0;
                add(cs, start - proto.prev, &proto);
                if (!rule_changes(&ru, &ds, year, lo, hi, &proto, cs))
                    return 0;
            }
        }
        if (rd_found_before)
            add(cs, rd_before, &proto);
        if (rd_found_after)
            add(cs, rd_after, &proto);
        if (cs->full)
            return 0;
    }
    return !cs->full;
}

static int by_at(const void *a, const void *b)
{
    const struct change *x = a, *y = b;

    return x->at < y->at ? -1 : x->at > y->at;
}

/* libical's icaltimezone_find_nearby_change() */
static size_t nearby(const struct changes *cs, secs_t t)
{
    size_t lower = 0, middle = 0, upper = (size_t)cs->n;

    while (lower < upper) {
        middle = (lower + upper) / 2;
        if (t == cs->v[middle].at)
            break;
        if (t < cs->v[middle].at)
            upper = middle;
        else
            lower = middle + 1;
    }
    return middle;
}

/*
 * libical's lookup (icaltimezone_get_utc_offset when local is set, else
 * icaltimezone_get_utc_offset_of_utc_time) over the sorted changes.
 */
static int lookup(const struct changes *cs, secs_t t, int local, int want_dst,
                  int *dst)
{
    size_t i, use = 0;
    int step = 1, found = 0;
    const struct change *c;

    *dst = 0;
    if (cs->n == 0)
        return 0;
    i = nearby(cs, t);
    for (;;) {
        secs_t at = cs->v[i].at;

        if (local)
            at += cs->v[i].off < cs->v[i].prev ? cs->v[i].off : cs->v[i].prev;
        if (t >= at) {
            found = 1;
            use = i;
        } else {
            step = -1;
        }
        if (step == -1 && found)
            break;
        if (i == 0 && step < 0) {
            *dst = !cs->v[0].dst;
            return cs->v[0].prev;
        }
        i += (size_t)step;
        if (i >= (size_t)cs->n)
            break;
    }
    c = &cs->v[use];
    if (local && c->off < c->prev && use > 0 && t < c->at + c->prev) {
        /* twice-lived hour: libical takes the part whose daylight flag
         * matches the time's (0 from a parse), i.e. standard time */
        const struct change *pc = &cs->v[use - 1];

        if (c->dst != want_dst && pc->dst == want_dst)
            c = pc;
    }
    *dst = c->dst;
    return c->off;
}

static int offset(icalcomponent *vtz, struct icaltimetype t, int local,
                  int *off, int *dst)
{
    struct changes cs;

    /* libical expands no further than 2582 (ICALTIMEZONE_MAX_YEAR) */
    if (vtz == NULL || t.is_date || !fields_ok(&t) || t.year < MODERN + 4 ||
        t.year > 2500)
        return 0;
    if (!collect(vtz, t.year, &cs))
        return 0;
    qsort(cs.v, (size_t)cs.n, sizeof(cs.v[0]), by_at);
    *off = lookup(&cs, secs_of(&t), local, t.is_daylight == 1, dst);
    return 1;
}

int cst_tzfast_local_offset(icalcomponent *vtz, struct icaltimetype t,
                            int *off)
{
    int dst;

    return offset(vtz, t, 1, off, &dst);
}

int cst_tzfast_utc_offset(icalcomponent *vtz, struct icaltimetype t, int *off,
                          int *is_daylight)
{
    int dst;

    if (!offset(vtz, t, 0, off, &dst))
        return 0;
    if (is_daylight != NULL)
        *is_daylight = dst;
    return 1;
}
