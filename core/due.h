/*
 * due.h -- due dates as people write them in minutes (spec section 2).
 */
#ifndef CST_DUE_H
#define CST_DUE_H

#include <stddef.h>

/* A calendar date with an optional time of day, in the meeting's zone. */
typedef struct cst_date {
    int year, month, day;   /* month 1..12, day 1..31 */
    int has_time;           /* 1 when hour/minute were given */
    int hour, minute;
} cst_date;

/*
 * Parses the whole of s[0..len) (trimmed; a trailing 前/之前/before/by
 * allowed) as a due date relative to the meeting's date `ref` (its
 * has_time is ignored).  Returns 1 and sets *out, else 0.
 *
 * Forms: 2023-06-30, 2023/6/30, 6/30, 06-30, 6月30日, 6月30日前,
 * 2023年6月30日, June 30, Jun 30, 30 June, 30 Jun, June 30 2023,
 * Friday, Fri, 周五, 星期五, 礼拜五 (the first such day after ref),
 * next Friday, 下周五 (the day in the week after ref's week, Monday first),
 * tomorrow, 明天, today, 今天, 后天, each with an optional time (18:00,
 * 6pm, 18点).  A date without a year is the first such date on or after
 * ref.
 */
int cst_due_parse(const char *s, size_t len, const cst_date *ref,
                  cst_date *out);

/*
 * Finds the first due date inside s[0..len), as cst_due_parse() would
 * read it.  Returns 1 and sets *off / *dlen / *out, else 0.
 */
int cst_due_find(const char *s, size_t len, const cst_date *ref,
                 size_t *off, size_t *dlen, cst_date *out);

/* Day of week of a date: 0 = Sunday .. 6 = Saturday. */
int cst_date_weekday(int year, int month, int day);
/* Adds days (may be negative) to a date, keeping has_time/hour/minute. */
void cst_date_add_days(cst_date *d, int days);

#endif /* CST_DUE_H */
