/*
 * rules.h -- the checks of spec section 3 over a parsed object.
 */
#ifndef CST_RULES_H
#define CST_RULES_H

#include <time.h>

#include "cst.h"
#include "policy.h"
#include "meeting.h"

typedef struct cst_finding {
    cst_rule rule;
    cst_mode mode;          /* severity: cst_mode_severity(mode) */
    const cst_event *event; /* the VEVENT it is about (owned by the object) */
    time_t occ_start;       /* start of the occurrence checked (UTC) */
    char recurrence_id[32]; /* "" for a single event, else the
                               occurrence's RECURRENCE-ID (UTC, ical form) */
    time_t due;             /* 0 when the rule has no due moment */
    int item;               /* 1-based item number, 0 when none */
    long n1, n2;            /* rule-specific numbers (see messages.c) */
    char text[160];         /* rule-specific text (owner, topic), or "" */
} cst_finding;

typedef struct cst_findings {
    cst_finding *v;
    size_t n, cap;
} cst_findings;

/*
 * Runs every rule that is not off in policy over every meeting of the
 * object at instant now, appending findings to out (which may already
 * hold some).  Findings come per event in the object's order, then per
 * rule in the order of cst_rule.
 *
 * Returns CST_OK, CST_ERR_TOO_LARGE when a meeting's recurrence is past
 * the budget of cst_occur_find() (CST_RECUR_BUDGET_MSG), or
 * CST_ERR_NOMEM.
 * @par Ownership: out owns its array (cst_findings_fini()); findings
 * point into o, which must outlive them.
 */
cst_status cst_check(const cst_object *o, const cst_policy *policy,
                     time_t now, cst_findings *out);
void cst_findings_fini(cst_findings *f);

/* Returns 1 when the goal text starts with an activity verb and names no
 * outcome (spec section 3, goal-vague). */
int cst_goal_is_vague(const char *text, size_t len);

/* Returns 1 when the agenda of ev, with the policy's buffer, needs more
 * than the occurrence start..end (spec section 3, agenda-overrun); sets
 * *need (item minutes + buffer) and *length (the slot, minutes). */
int cst_agenda_overruns(const cst_event *ev, const cst_policy *p,
                        time_t start, time_t end, long *need, long *length);

/* Returns the worst mode among the findings (CST_MODE_OFF when none). */
cst_mode cst_findings_worst(const cst_findings *f);

#endif /* CST_RULES_H */
