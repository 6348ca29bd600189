/*
 * util.h -- small helpers several core modules share: a growing string,
 * UTC time stamps in iCalendar form, civil-date arithmetic, calendar-day
 * arithmetic in a zone.
 */
#ifndef CST_UTIL_H
#define CST_UTIL_H

#include <stddef.h>
#include <time.h>
#include <libical/ical.h>

/* A growing, NUL-terminated string; an allocation failure sets oom and
 * makes later appends no-ops, so that callers check once at the end. */
typedef struct cst_sbuf {
    char *s;            /* heap; the caller frees it */
    size_t n, cap;
    int oom;
} cst_sbuf;

void cst_sbuf_put(cst_sbuf *b, const char *s, size_t len);
void cst_sbuf_str(cst_sbuf *b, const char *s);

/* Writes t as an iCalendar UTC DATE-TIME ("20230620T020000Z"); buf needs
 * 17 bytes. */
void cst_utc_string(time_t t, char *buf, size_t n);

/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d (m 1-12;
 * H. Hinnant's days_from_civil): the one copy the core, the command and
 * the tests use. */
long cst_days_from_civil(long y, long m, long d);

/* The date of day z since 1970-01-01 (the inverse). */
void cst_civil_from_days(long z, int *y, int *m, int *d);

/* The ISO 8601 week of y-m-d ("2026-W49": the week runs Monday to
 * Sunday and belongs to the year of its Thursday) into buf (16 bytes
 * suffice); *monday, when not NULL, is the day number of its Monday. */
void cst_iso_week(long y, long m, long d, char *buf, size_t n, long *monday);

/* t moved by days calendar days in zone (UTC when NULL), so that "3 days
 * before 10:00" is 10:00 local time also across a DST change. */
time_t cst_add_local_days(time_t t, icaltimezone *zone, int days);

#endif /* CST_UTIL_H */
