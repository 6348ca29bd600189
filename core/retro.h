/*
 * retro.h -- the figures of the retrospective report (spec section 9):
 * over the meetings held in a window and the action items calsteward
 * wrote for them, in total and per group.
 *
 * Pure: no I/O.  The caller reads the objects (a folder, CalDAV) and
 * hands each parsed one over; retro joins meetings and tasks when asked
 * for the figures.  doc/report.md gives every decision on edge cases.
 */
#ifndef CST_RETRO_H
#define CST_RETRO_H

#include <stddef.h>
#include <time.h>

#include "cst.h"
#include "meeting.h"
#include "policy.h"

/* Limits (past them: CST_ERR_TOO_LARGE, or the rest is left out with a
 * warning, as documented per function). */
#define CST_RETRO_MAX_OBJECTS    100000u /* objects with held meetings */
#define CST_RETRO_MAX_TASKS      500000u /* action-item VTODOs */
#define CST_RETRO_MAX_PER_SERIES 5000u   /* occurrences of one VEVENT */
#define CST_RETRO_MAX_GROUPS     20000u
#define CST_DEPTS_MAX_BYTES      (1u * 1024u * 1024u)
#define CST_DEPTS_MAX_ENTRIES    20000u
#define CST_DEPTS_MAX_NAME       200u    /* bytes of a department name */

/* The groupings of --by. */
typedef enum cst_retro_by {
    CST_BY_WEEK = 0,
    CST_BY_MONTH,
    CST_BY_ORGANIZER,
    CST_BY_OWNER,
    CST_BY_DEPARTMENT,
    CST_BY_SERIES,
    CST_BY__COUNT
} cst_retro_by;

/* Returns "week", "month", ... ; parses one, returning -1 when unknown. */
const char *cst_retro_by_name(cst_retro_by by);
int cst_retro_by_parse(const char *s);

/* Lead-time buckets of agenda, materials and minutes. */
enum { CST_LEAD_ON_TIME = 0, CST_LEAD_LATE, CST_LEAD_MISSING,
       CST_LEAD_UNTRACKED, CST_LEAD__COUNT };
/* Goal buckets. */
enum { CST_GOAL_STATED = 0, CST_GOAL_VAGUE, CST_GOAL_MISSING,
       CST_GOAL__COUNT };

typedef struct cst_retro_fig {
    /* over the meetings held */
    size_t meetings, urgent, over_participant_limit;
    unsigned long participants_sum;
    size_t agenda[CST_LEAD__COUNT];    /* urgent meetings left out */
    size_t materials[CST_LEAD__COUNT]; /* urgent meetings left out */
    size_t minutes[CST_LEAD__COUNT];
    size_t goal[CST_GOAL__COUNT];
    size_t agenda_overrun;
    size_t goal_reached[4];            /* indexed by cst_outcome - 1, and
                                          [3] = unknown */
    /* over their action items */
    size_t items, completed, completed_on_time, overdue, open, cancelled,
        cross_department;
    double *close_days;                /* meeting end -> COMPLETED, days */
    size_t n_close, cap_close;
} cst_retro_fig;

/* The derived figures: each returns 1 and sets *v, or 0 for JSON null
 * (a denominator of 0).  Rounded to 3 places, half away from zero. */
int cst_retro_participants_mean(const cst_retro_fig *f, double *v);
int cst_retro_completion_rate(const cst_retro_fig *f, double *v);
int cst_retro_on_time_rate(const cst_retro_fig *f, double *v);
int cst_retro_median_days(const cst_retro_fig *f, double *v);
/* x rounded to 3 places, half away from zero. */
double cst_retro_round3(double x);

typedef struct cst_retro_group {
    cst_retro_by by;
    char *key;   /* "2023-W25", "2023-06", "mailto:a@b", a department, a
                    UID; "" for "none" (no owner, unknown department) */
    char *name;  /* display name: CN, SUMMARY; never NULL */
    cst_retro_fig fig;
    size_t last_meeting; /* internal: the meeting last added, + 1 */
} cst_retro_group;

/* The departments file: address = department in [departments]. */
typedef struct cst_depts {
    char **addr; /* lower case, no "mailto:", sorted */
    char **dept;
    size_t n;
} cst_depts;

/*
 * Parses a departments file (INI, spec section 9): one [departments]
 * section of `address = department` lines; "mailto:" and case of the
 * address do not matter.
 *
 * Returns CST_OK; CST_ERR_PARSE for a line that is no INI or a key outside
 * [departments]; CST_ERR_INVALID for an empty department, an address
 * without '@' or one given twice; CST_ERR_TOO_LARGE past
 * CST_DEPTS_MAX_BYTES, CST_DEPTS_MAX_ENTRIES or CST_DEPTS_MAX_NAME.  err
 * names the line.  @par Ownership: d is the caller's; cst_depts_fini()
 * frees it, also after a failure.
 */
cst_status cst_depts_parse(const char *text, size_t len, cst_depts *d,
                           cst_error *err);
void cst_depts_fini(cst_depts *d);
/* Returns the department of addr (with or without mailto:), or NULL. */
const char *cst_depts_find(const cst_depts *d, const char *addr);

typedef void (*cst_retro_warn_fn)(void *ctx, const char *msg);

typedef struct cst_retro_in {
    const cst_policy *policy;
    time_t from, to;            /* the window: start in [from, to) */
    time_t now;                 /* held = ended at or before now */
    const cst_depts *depts;     /* may be NULL */
    unsigned by_mask;           /* 1u << cst_retro_by of the groups wanted */
    cst_retro_warn_fn warn;     /* what is left out, and why; may be NULL */
    void *warn_ctx;
} cst_retro_in;

typedef struct cst_retro cst_retro;

/*
 * Creates an empty report.  Returns CST_OK or CST_ERR_NOMEM.
 * @par Ownership: *out is the caller's, cst_retro_free() releases it;
 * in (and what it points to) must outlive it.
 */
cst_status cst_retro_new(const cst_retro_in *in, cst_retro **out);
void cst_retro_free(cst_retro **r);

/*
 * Adds one parsed object: the occurrences of its meetings held in the
 * window, and the calsteward action-item VTODOs it holds.  A series past
 * the occurrence walk's budget is left out with a warning.
 *
 * Returns CST_OK; CST_ERR_TOO_LARGE past CST_RETRO_MAX_OBJECTS or
 * CST_RETRO_MAX_TASKS (err says which; the object was not added);
 * CST_ERR_NOMEM.
 * @par Ownership: takes *o (sets it to NULL) when it holds a held
 * meeting, for the meeting's text and zone are read when the figures are
 * made; else leaves it to the caller.
 */
cst_status cst_retro_add(cst_retro *r, cst_object **o, cst_error *err);

/*
 * Joins the action items to their meetings and makes the figures.  Call
 * once, after the last cst_retro_add().
 * Returns CST_OK, CST_ERR_TOO_LARGE past CST_RETRO_MAX_GROUPS, or
 * CST_ERR_NOMEM.  The results below are valid until cst_retro_free().
 */
cst_status cst_retro_finish(cst_retro *r, cst_error *err);

const cst_retro_fig *cst_retro_total(const cst_retro *r);
/* The groups, ordered by grouping (cst_retro_by), then by key (weeks and
 * months in time order). */
size_t cst_retro_n_groups(const cst_retro *r);
const cst_retro_group *cst_retro_group_at(const cst_retro *r, size_t i);

#endif /* CST_RETRO_H */
