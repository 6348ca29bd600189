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
 * end; PERIOD RDATEs may differ in length).  Gives up after
 * CST_MAX_OCCURRENCES instants (then *has_next may be 0 although more
 * would follow).
 *
 * The RRULE is expanded on the wall clock of DTSTART's zone (10:00 Europe/
 * Berlin stays 10:00 across DST); a floating DTSTART or an unknown TZID
 * counts as UTC.  DTSTART is always an occurrence (RFC 5545), whether the
 * RRULE matches it or not.  EXDATEs and `skip` compare as UTC instants;
 * an EXDATE;VALUE=DATE removes every occurrence on that day (in DTSTART's
 * zone).  RDATE;VALUE=DATE is ignored (no time of day).  An RRULE libical
 * cannot parse is ignored.  DTEND before DTSTART counts as no length.
 *
 * Returns CST_OK, CST_ERR_PARSE when DTSTART is missing or no DATE-TIME,
 * CST_ERR_NOMEM when out of memory.  On error *has_next and *has_last
 * are 0.
 */
cst_status cst_occur_find(icalcomponent *vcal, icalcomponent *vevent,
                          time_t now, const time_t *skip, size_t n_skip,
                          int *has_next, cst_occurrence *next,
                          int *has_last, cst_occurrence *last);

#endif /* CST_OCCUR_H */
