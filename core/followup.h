/*
 * followup.h -- what `calsteward sweep` does with time alone: the
 * `action-item-overdue` flag on stored tasks (spec section 3), and when a
 * meeting object next needs a look.  Pure functions: no I/O, no clock.
 */
#ifndef CST_FOLLOWUP_H
#define CST_FOLLOWUP_H

#include <time.h>

#include "cst.h"
#include "policy.h"

/* The CATEGORIES value of the flag, per policy language; both are
 * recognised (and removed) whatever the language. */
#define CST_OVERDUE_CATEGORY_EN "Overdue"
#define CST_OVERDUE_CATEGORY_ZH "\xE9\x80\xBE\xE6\x9C\x9F" /* 逾期 */

/* What the sweep needs to know about one stored task. */
typedef struct cst_task_state {
    int ours;          /* a VTODO with X-CALSTEWARD-KIND */
    time_t due;        /* DUE as a UTC time (a DATE: the end of that day,
                          i.e. 00:00 of the next day in local_tz), 0 when
                          none */
    int done;          /* STATUS COMPLETED or CANCELLED */
    int overdue;       /* after the call: flagged overdue */
    time_t next_check; /* when the flag must next be looked at: due + 1 --
                          the first second with now > due -- when not done,
                          not yet overdue and the rule is on; else 0 (only
                          a change of the task itself can change it) */
} cst_task_state;

/*
 * Applies `action-item-overdue` to one stored task object (a VCALENDAR
 * with a VTODO, as the server holds it).  A VTODO is calsteward's when it
 * has X-CALSTEWARD-KIND (any kind but `digest`, which is left alone: an
 * overdue `minutes` task is how minutes-overdue reaches the organizer's
 * list).  It is overdue when
 * now > DUE, its STATUS is neither COMPLETED nor CANCELLED (any case) and
 * the policy mode of CST_RULE_ACTION_ITEM_OVERDUE is not off.
 *
 * Overdue: the VTODO gets a CATEGORIES line of its own holding the
 * category of the policy language (CST_OVERDUE_CATEGORY_EN / _ZH) unless
 * a CATEGORIES line already holds it, and X-CALSTEWARD-STATE:overdue; the
 * other language's category is removed.  Not overdue: both categories
 * (exact values; blanks around a value ignored) are removed from every
 * CATEGORIES line of the VTODO -- a line holding nothing else goes, from a
 * line a server merged ours into ("Work,Overdue") only the value and its
 * comma go, the rest of the line keeps its bytes -- and so does every
 * X-CALSTEWARD-STATE line.  Any change also sets DTSTAMP (added when
 * missing) and LAST-MODIFIED (when present) to now, as cst_task_merge()
 * does; SEQUENCE is left alone.  Everything else stays byte for byte.
 *
 * DUE: a UTC DATE-TIME as it is; a TZID through the object's VTIMEZONE,
 * else the system's zone of that name (core/tz.h), an unknown TZID as
 * UTC; a floating DATE-TIME in local_tz; a DATE (VALUE=DATE, or eight
 * digits) passes at the end of that day in local_tz.  local_tz is an
 * Olson name, NULL for UTC.  Every VTODO of calsteward's in the object
 * is treated; *state describes the first, except that overdue is set
 * when any is flagged and next_check is the earliest of theirs.
 *
 * Returns CST_OK with *out NULL when nothing changes (also for an object
 * that is not calsteward's: then state->ours is 0), or a heap buffer
 * (NUL-terminated, length *out_len) that the caller frees;
 * CST_ERR_PARSE for text that is no iCalendar, a NUL byte, unbalanced
 * BEGIN/END or a DUE that is no date (err says why, with the line);
 * CST_ERR_TOO_LARGE past CST_MAX_OBJECT_BYTES; CST_ERR_INVALID when
 * local_tz names no known zone; CST_ERR_NOMEM.  On error *out is NULL
 * and *state is zeroed.  state and err may be NULL.
 */
cst_status cst_task_followup(const char *ics, size_t len, const cst_policy *p,
                             time_t now, const char *local_tz, char **out,
                             size_t *out_len, cst_task_state *state,
                             cst_error *err);

/* What the digest and the report read of one of calsteward's stored
 * VTODOs.  Strings are heap copies, NULL when absent. */
typedef struct cst_task_facts {
    char *uid;
    char *kind;       /* X-CALSTEWARD-KIND: "action-item", "digest"... */
    char *summary;
    char *organizer;  /* ORGANIZER's address, lower case, no mailto: */
    char *organizer_cn;
    char *owner;      /* the first ATTENDEE's address, likewise */
    char *owner_cn;   /* its CN */
    char *related;    /* RELATED-TO: the meeting's UID */
    char *meeting;    /* the meeting as the task's DESCRIPTION names it
                         ("Q3 budget review (2026-06-20)"), in either
                         language's words; NULL when not found */
    int has_due;
    time_t due;       /* as cst_task_state.due */
    int due_is_date;  /* DUE is a DATE: due_date is that day */
    int due_y, due_m, due_d; /* DUE's calendar date as written */
    int done;         /* STATUS COMPLETED or CANCELLED */
    int cancelled;    /* STATUS CANCELLED */
} cst_task_facts;

/*
 * Reads the first VTODO with X-CALSTEWARD-KIND of one stored task object
 * (DUE read as cst_task_followup() reads it, in local_tz).  Returns CST_OK
 * with out->uid NULL when the object holds none; the errors of
 * cst_task_followup().  Release with cst_task_facts_fini() (also after
 * an error).
 */
cst_status cst_task_facts_read(const char *ics, size_t len,
                               const char *local_tz, cst_task_facts *out,
                               cst_error *err);
void cst_task_facts_fini(cst_task_facts *f);

/* When a meeting object next needs the sweep. */
typedef struct cst_meeting_schedule {
    int meetings;      /* meetings (as cst_process counts them, without
                          an organizer filter) in the object */
    int in_window;     /* one of them has an occurrence overlapping
                          [win_start, win_end) */
    time_t next_check; /* the earliest moment > now at which calsteward's
                          output for this object can change with time
                          alone, 0 = never (without an edit) */
    int unstamped;     /* a meeting holds an agenda, materials or minutes
                          without its X-CALSTEWARD-*-SENT stamp:
                          cst_process() writes `now` there, so its output
                          differs at every moment until it is stored */
} cst_meeting_schedule;

/*
 * Finds when the output of cst_process() and cst_tasks_build() for an
 * object (with its stamps as stored; see `unstamped`) can next change
 * with time alone.  For every meeting, master and overrides, with the
 * occurrences of core/occur.h (RRULE, RDATE, EXDATE, less the overrides'
 * instances), the candidates are:
 *  - for the next occurrence that starts at or after now: its start
 *    (it stops being "before the meeting") and start + 1 (the one after
 *    it becomes the next); start - agenda-min-days + 1 and start -
 *    materials-min-days + 1 (in calendar days of the meeting's zone, as
 *    core/rules.c counts them; + 1 because the lead-time rules fire when
 *    the moment is *later* than the deadline);
 *  - the earliest end > now of any occurrence (it becomes the last one
 *    that ended), and for the last one that ended by now: end +
 *    minutes-max-hours + 1 (minutes-overdue / minutes-late);
 * next_check is the smallest candidate > now.  The moments are the exact
 * seconds at which the comparisons of core/rules.c, core/process.c and
 * core/tasks.c flip, so that for any now1 < now2 < next_check (computed
 * at now1) the output at now1 and at now2 is the same.  start -
 * agenda-max-days is no candidate: it is the agenda task's DTSTART, a
 * value written into the task; nothing calsteward writes changes then.
 * Without a stamp (`unstamped`) the output holds `now` itself and
 * changes at every moment until the processed copy is stored.
 *
 * Returns CST_OK; CST_ERR_PARSE / CST_ERR_TOO_LARGE / CST_ERR_NOMEM like
 * cst_tasks_build() (err says why).  On error *out is zeroed.
 */
cst_status cst_meeting_schedule_get(const char *ics, size_t len,
                                    const cst_policy *p, time_t now,
                                    time_t win_start, time_t win_end,
                                    cst_meeting_schedule *out, cst_error *err);

#endif /* CST_FOLLOWUP_H */
