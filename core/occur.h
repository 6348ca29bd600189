/*
 * occur.h -- which occurrence of a recurring meeting the rules look at
 * (spec section 1): the next one that starts at or after `now` for the
 * pre-meeting rules, the last one that ended at or before `now` for the
 * post-meeting rules.
 */
#ifndef CST_OCCUR_H
#define CST_OCCUR_H

#include <time.h>
#include <libical/ical.h>

#include "cst.h"

/* What CST_ERR_TOO_LARGE from cst_occur_find() means, for messages. */
#define CST_RECUR_BUDGET_MSG                                                   \
    "its recurrence rule does not reach the time of the check within the "    \
    "budget of the walk; not expanded"

typedef struct cst_occurrence {
    time_t start;   /* UTC */
    time_t end;     /* UTC; start when the event has no length */
} cst_occurrence;

/*
 * Walks the occurrences of a VEVENT of vcal: DTSTART, the RRULE (one; any
 * further RRULE is ignored), RDATEs (DATE-TIME or PERIOD), less EXDATEs
 * and less the instants in `skip` (the RECURRENCE-IDs of the overrides,
 * as UTC instants).  For a non-recurring VEVENT the only occurrence is
 * DTSTART..DTEND.  Each occurrence lasts DTEND - DTSTART (or DURATION).
 *
 * Sets *has_next / *next to the first occurrence with start >= now, and
 * *has_last / *last to the last occurrence with end <= now (the latest
 * end; PERIOD RDATEs may differ in length).
 *
 * The RRULE is expanded on the wall clock of DTSTART's zone (10:00 Europe/
 * Berlin stays 10:00 across DST); a floating DTSTART or an unknown TZID
 * counts as UTC.  DTSTART is always an occurrence (RFC 5545), whether the
 * RRULE matches it or not.  EXDATEs and `skip` compare as UTC instants;
 * an EXDATE;VALUE=DATE removes every occurrence on that day (in DTSTART's
 * zone).  RDATE;VALUE=DATE is ignored (no time of day).  An RRULE libical
 * cannot parse is ignored.  DTEND before DTSTART counts as no length.
 *
 * Every walk is bounded: it starts near now where the rule allows it
 * (DAILY, WEEKLY with at most BYDAY; HOURLY, MINUTELY, SECONDLY with
 * filters only; no COUNT), and libical's iterator takes at most
 * CST_MAX_RECUR_STEPS steps of the rule's unit from where it starts.
 * When that budget, or CST_MAX_OCCURRENCES, ends the walk before it
 * found an occurrence at or after now, the answer is unknown.
 *
 * Returns CST_OK, CST_ERR_PARSE when DTSTART is missing or no DATE-TIME,
 * CST_ERR_TOO_LARGE when a budget ended the walk (then nothing is set),
 * CST_ERR_NOMEM when out of memory.  On error *has_next and *has_last
 * are 0.
 */
cst_status cst_occur_find(icalcomponent *vcal, icalcomponent *vevent,
                          time_t now, const time_t *skip, size_t n_skip,
                          int *has_next, cst_occurrence *next,
                          int *has_last, cst_occurrence *last);

struct cst_object;
struct cst_event;

/*
 * The next and last occurrence of one meeting of an object, as every
 * part of calsteward sees it (check, process, tasks, the schedule):
 * cst_occur_find() over ev at now, with the RECURRENCE-IDs of all the
 * object's overrides of ev (same UID) skipped when ev is recurring.  No
 * other cap than the object's own (CST_MAX_COMPONENTS events), so that
 * `check` and `process` agree however many overrides there are.
 *
 * The answer is remembered in o for ev and this now (cst_occ_memo in
 * core/meeting.h), so that the next caller at the same now -- process's
 * timetable after its check, tasks after process on one document handle
 * -- does not walk again; only CST_ERR_NOMEM is not remembered.
 *
 * Returns what cst_occur_find() returns.  o must hold ev.
 */
cst_status cst_occur_event(const struct cst_object *o,
                           const struct cst_event *ev, time_t now,
                           int *has_next, cst_occurrence *next, int *has_last,
                           cst_occurrence *last);

/*
 * The occurrences of a VEVENT that start in [from, to), in time order,
 * each once: the same recurrence set, exclusions and budgets as
 * cst_occur_find() (whose walk it is, started shortly before from where
 * the rule allows it, and stopped at the first start >= to).  At most max
 * go into out; *full is set when there were more.
 *
 * Returns CST_OK with *n set; the errors of cst_occur_find() (then *n is
 * 0).
 */
cst_status cst_occur_range(icalcomponent *vcal, icalcomponent *vevent,
                           time_t from, time_t to, const time_t *skip,
                           size_t n_skip, cst_occurrence *out, size_t max,
                           size_t *n, int *full);

/*
 * Checks the RRULE of vevent before anything walks it: a rule that names
 * more than CST_MAX_RECUR_PER_DAY instants a day (FREQ=SECONDLY or
 * MINUTELY, BYMINUTE and BYSECOND lists) is no meeting and would cost
 * far more than it tells.  Returns CST_OK (also for no RRULE or one
 * libical cannot read), or CST_ERR_TOO_LARGE with err naming the UID.
 */
cst_status cst_occur_check_rule(icalcomponent *vevent, cst_error *err);

/* The number of values of a BY part of a rule (r.by_hour, size
 * ICAL_BY_HOUR_SIZE), 0 when it has none. */
int cst_recur_by_count(const short *a, int size);

#endif /* CST_OCCUR_H */
