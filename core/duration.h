/*
 * duration.h -- meeting-text durations: "10 min", "1h30m", "半小时",
 * "PT10M" (spec section 2).
 */
#ifndef CST_DURATION_H
#define CST_DURATION_H

#include <stddef.h>

/*
 * Parses the whole of s[0..len) (after trimming white space) as one
 * duration.  Returns 1 and sets *minutes (rounded to whole minutes, at
 * most 24 * 60 * 7) on success, 0 when s is no duration.
 *
 * Forms: 10 min, 10min, 10 minutes, 10 mins, 10m, 1h, 1 hr, 1 hour(s),
 * 1.5 h, 1h30m, 1h 30min, 90 mins, 10分钟, 10分, 1小时, 1个小时, 半小时,
 * 1小时30分钟, 1个半小时, PT10M, PT1H30M; full-width digits are folded.
 */
int cst_duration_parse(const char *s, size_t len, int *minutes);

/*
 * Finds the first duration inside s[0..len).  Returns 1 and sets *off,
 * *dlen to where it stands and *minutes, else 0.  A duration must not be
 * glued to letters around it ("10 minutes" in "10 minutesXYZ" is none).
 */
int cst_duration_find(const char *s, size_t len, size_t *off, size_t *dlen,
                      int *minutes);

#endif /* CST_DURATION_H */
