/*
 * tzfast.h -- the UTC offset of an object's VTIMEZONE without libical's
 * expansion, for the shapes real zones have.
 *
 * libical 3.0 expands a VTIMEZONE from its first DTSTART, year by year
 * through ICU, on its first conversion: ~10 ms for Outlook's 1601 rules.
 * Here the onsets near the time are computed arithmetically and libical's
 * own lookup (icaltimezone_get_utc_offset, _of_utc_time, 3.0.16) is run
 * over them, so the answers are libical's.  Supported observances
 * (STANDARD/DAYLIGHT): no RRULE (DTSTART and RDATEs of DATE or DATE-TIME)
 * or RRULE:FREQ=YEARLY;BYMONTH=m[,..] with BYDAY=±nDD or BYMONTHDAY=list
 * [;BYDAY=DD,..], INTERVAL=1, with or without UNTIL, no COUNT.  Anything
 * else: the functions return 0 and the caller asks libical.
 */
#ifndef CST_TZFAST_H
#define CST_TZFAST_H

#include <libical/ical.h>

/* Sets *off to the offset (seconds east of UTC) of the VTIMEZONE vtz for
 * the local time t (its fields; t.is_daylight as libical reads it), as
 * icaltimezone_get_utc_offset() gives it.  Returns 1, or 0 when vtz or t
 * has a shape this code does not handle. */
int cst_tzfast_local_offset(icalcomponent *vtz, struct icaltimetype t,
                            int *off);

/* The same for t as UTC fields (icaltimezone_get_utc_offset_of_utc_time),
 * with *is_daylight (may be NULL) as libical sets it. */
int cst_tzfast_utc_offset(icalcomponent *vtz, struct icaltimetype t,
                          int *off, int *is_daylight);

#endif /* CST_TZFAST_H */
