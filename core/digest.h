/*
 * digest.h -- the weekly (or daily) follow-up digest (spec section 10):
 * one VTODO per organizer and period listing the overdue action items of
 * the organizer's meetings, and those due before the period ends, by
 * owner.  Pure: the sweep reads the tasks and writes the digest.
 */
#ifndef CST_DIGEST_H
#define CST_DIGEST_H

#include <time.h>

#include "cst.h"
#include "followup.h"
#include "messages.h"
#include "tasks.h"

typedef enum cst_digest_period {
    CST_DIGEST_OFF = 0,
    CST_DIGEST_DAILY,
    CST_DIGEST_WEEKLY /* the default */
} cst_digest_period;

/* Items one digest lists at most; past it the description says how many
 * more there are. */
#define CST_DIGEST_MAX_LISTED 200u

typedef struct cst_digest_in {
    cst_digest_period period;
    time_t now;
    const char *local_tz; /* Olson name of the periods' days; NULL: UTC */
    cst_translate_fn tr;  /* NULL: English */
    void *tr_ctx;
    const char *organizer;    /* the address, as cst_task_facts has it */
    const char *organizer_cn; /* or NULL */
} cst_digest_in;

typedef struct cst_digest {
    cst_task task;          /* kind CST_TASK_DIGEST; write it with
                               cst_task_merge() over a stored copy */
    unsigned overdue;       /* open action items past their DUE */
    unsigned due_soon;      /* open, due before the period ends */
    char period[16];        /* "2026-W49" (ISO week) or "2026-12-02" */
    time_t period_start, period_end; /* [start, end), local midnights */
} cst_digest;

/*
 * The period holding now: the ISO week (Monday to Sunday) or the day, in
 * local_tz.  Returns CST_OK, CST_ERR_INVALID for an unknown zone or
 * CST_DIGEST_OFF (err says why).
 */
cst_status cst_digest_period_of(cst_digest_period period, time_t now,
                                const char *local_tz, char key[16],
                                time_t *start, time_t *end, cst_error *err);

/*
 * Builds the digest of in->organizer from the facts of stored tasks:
 * every open `action-item` task whose ORGANIZER is in->organizer and
 * that has a DUE counts -- overdue when now > DUE, due soon when DUE is
 * before the period's end.  The VTODO:
 *   UID          a version-5 UUID of (organizer, period): stable over
 *                the period's runs, a new task the next period;
 *   SUMMARY      "Follow up N overdue action items", or "... no overdue
 *                action items" when N is 0 (in the language of tr);
 *   DUE          VALUE=DATE, the period's first working day (Monday; a
 *                daily period on a weekend: that day);
 *   STATUS       NEEDS-ACTION, or COMPLETED (PERCENT-COMPLETE 100,
 *                COMPLETED now) when nothing is overdue;
 *   DESCRIPTION  a block between calsteward's markers: the counts, then
 *                per owner (by name) the items, overdue first, each with
 *                its due date and meeting;
 *   ORGANIZER, X-CALSTEWARD-KIND:digest, X-CALSTEWARD-PERIOD,
 *   X-CALSTEWARD-OVERDUE:N.
 * Returns CST_OK; CST_ERR_INVALID as cst_digest_period_of();
 * CST_ERR_NOMEM.  Release with cst_digest_fini() (also after an error).
 */
cst_status cst_digest_build(const cst_digest_in *in,
                            const cst_task_facts *facts, size_t n,
                            cst_digest *out, cst_error *err);
void cst_digest_fini(cst_digest *d);

/*
 * Closes a stored digest of an earlier period when the organizer's digest
 * of the current one takes over: STATUS:COMPLETED, PERCENT-COMPLETE:100
 * and COMPLETED now, DTSTAMP (and LAST-MODIFIED when present) now;
 * everything else byte for byte.  Returns CST_OK with *out NULL when it
 * is completed or cancelled already (nothing to write), or a heap buffer;
 * CST_ERR_PARSE when existing holds no digest; CST_ERR_NOMEM.
 */
cst_status cst_digest_close(const char *existing, size_t len, time_t now,
                            char **out, size_t *out_len, cst_error *err);

#endif /* CST_DIGEST_H */
