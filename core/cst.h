/*
 * cst.h -- common definitions of calsteward's core: status codes, the
 * error struct and the limits every parser honours.
 *
 * The core is pure: no I/O, no mutable globals, no threads of its own.
 * Every function is safe to call from several threads at once on
 * different objects.
 */
#ifndef CST_CST_H
#define CST_CST_H

#include <stddef.h>

typedef enum cst_status {
    CST_OK = 0,
    CST_ERR_NOMEM,      /* an allocation failed */
    CST_ERR_PARSE,      /* the input is not what it should be */
    CST_ERR_TOO_LARGE,  /* the input exceeds one of the CST_MAX_* limits */
    CST_ERR_INVALID,    /* a value is out of range or unknown */
    CST_ERR_IO          /* reserved for callers outside the core */
} cst_status;

/* Returns a static English string naming the status; never NULL. */
const char *cst_status_str(cst_status st);

/*
 * Details of a failure: a one-line message and, where it applies, the
 * line (1-based, 0 = unknown) of the input it was found on.  Fixed size so
 * that it needs no allocation and no cleanup.
 */
typedef struct cst_error {
    int line;
    char msg[240];
} cst_error;

/* Sets err (which may be NULL) to line and a printf-formatted message. */
void cst_error_set(cst_error *err, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Limits.  Past any of them a parser returns CST_ERR_TOO_LARGE. */
#define CST_MAX_OBJECT_BYTES   (16u * 1024u * 1024u) /* one iCalendar object */
#define CST_MAX_TEXT_BYTES     (1u * 1024u * 1024u)  /* one DESCRIPTION parsed */
#define CST_MAX_LINE_BYTES     4096u   /* one line of meeting text */
#define CST_MAX_CONTENT_LINE   (2u * 1024u * 1024u) /* one unfolded
                                   iCalendar content line */
#define CST_MAX_COMPONENTS     2000u   /* VEVENTs in one object */
#define CST_MAX_PARTICIPANTS   20000u  /* ATTENDEEs counted in one VEVENT */
#define CST_MAX_AGENDA_ITEMS   200u
#define CST_MAX_ACTION_ITEMS   500u
#define CST_MAX_TABLE_COLUMNS  32u
#define CST_MAX_OCCURRENCES    200000u /* RRULE instances walked */
#define CST_MAX_RECUR_STEPS    50000u  /* iterator steps of one RRULE walk */
#define CST_RECUR_HORIZON_DAYS 36525u  /* a walk stops 100 years after now */
#define CST_MAX_RECUR_PER_DAY  24u     /* instants an RRULE names a day */
#define CST_MAX_TZ_OBSERVANCES 1000u   /* STANDARD/DAYLIGHT in a VTIMEZONE */
#define CST_MAX_TZ_PER_YEAR    24u     /* instants a zone's RRULE names a year */
#define CST_MAX_TZ_CHANGES     100000u /* offset changes of a VTIMEZONE */
#define CST_TZ_LAST_YEAR       2582    /* libical expands zones up to it */
#define CST_MAX_POLICY_BYTES   (64u * 1024u)
#define CST_MAX_CATEGORIES     32u     /* urgent-categories in a policy */

#endif /* CST_CST_H */
