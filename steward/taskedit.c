/*
 * taskedit.c -- the task edit of the module and the sweep (see
 * taskedit.h); it was written twice, in write_one (plugin/taskwriter.c)
 * and write_task_in (cli/sweep.c).
 */
#include "config.h"

#include "steward/taskedit.h"

#include <stdlib.h>
#include <string.h>

cst_status cst_stw_task_edit_fn(void *ctx, const char *cur, size_t len,
                                const char *prev, size_t prev_len,
                                char **out, size_t *out_len, cst_error *err)
{
    cst_stw_task_edit *e = ctx;
    char *merged = NULL, *flagged = NULL;
    size_t mlen = 0, flen = 0;
    const char *text;
    size_t tlen;
    cst_status st;

    (void)prev;
    (void)prev_len;
    *out = NULL;
    *out_len = 0;
    memset(&e->state, 0, sizeof(e->state));
    if (cur == NULL) {
        text = e->task->ics;
        tlen = e->task->len;
    } else {
        st = cst_task_merge(cur, len, e->task, e->now, &merged, &mlen, err);
        if (st != CST_OK)
            return st;
        text = merged != NULL ? merged : cur;
        tlen = merged != NULL ? mlen : len;
    }
    if (e->policy != NULL) {
        st = cst_task_followup(text, tlen, e->policy, e->now, e->local_tz,
                               &flagged, &flen, &e->state, err);
        if (st != CST_OK) {
            free(merged);
            return st;
        }
    }
    if (flagged != NULL) {
        free(merged);
        *out = flagged;
        *out_len = flen;
    } else if (merged != NULL) {
        *out = merged;
        *out_len = mlen;
    } else if (cur == NULL) {
        *out = malloc(tlen + 1);
        if (*out == NULL) {
            cst_error_set(err, 0, "%s", cst_status_str(CST_ERR_NOMEM));
            return CST_ERR_NOMEM;
        }
        memcpy(*out, text, tlen);
        (*out)[tlen] = '\0';
        *out_len = tlen;
    }
    return CST_OK;
}
