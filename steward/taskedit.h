/*
 * taskedit.h -- the edits the follow-up engine makes through
 * cst_stw_update(): a task of a meeting written into the task store
 * (created, or merged into the stored copy so that the owner's progress
 * stays) and, for the sweep, flagged or unflagged as overdue on the way.
 */
#ifndef CST_STEWARD_TASKEDIT_H
#define CST_STEWARD_TASKEDIT_H

#include <time.h>

#include "core/followup.h"
#include "core/policy.h"
#include "core/tasks.h"

typedef struct cst_stw_task_edit {
    const cst_task *task; /* the task as the meeting gives it */
    time_t now;
    /* non-NULL: the result also goes through cst_task_followup() with
     * local_tz (the sweep); NULL: merged only (the module) */
    const cst_policy *policy;
    const char *local_tz;
    cst_task_state state; /* out: the follow-up state of the last edit */
} cst_stw_task_edit;

/* A cst_stw_edit_fn with a cst_stw_task_edit as ctx: the task's text
 * for a create; else the merge, NULL when up to date (and, with a
 * policy, not to be flagged or unflagged either). */
cst_status cst_stw_task_edit_fn(void *ctx, const char *cur, size_t len,
                                const char *prev, size_t prev_len,
                                char **out, size_t *out_len, cst_error *err);

#endif /* CST_STEWARD_TASKEDIT_H */
