/*
 * process.h -- the event as calsteward stores it (spec section 4): the
 * first-sent stamps, the agenda as STRUCTURED-DATA, and the generated
 * block at the end of DESCRIPTION.  Every byte calsteward does not own
 * stays as the client sent it.
 */
#ifndef CST_PROCESS_H
#define CST_PROCESS_H

#include <time.h>

#include "cst.h"
#include "messages.h"
#include "policy.h"

/* What a run found that the caller may act on (the Apache module). */
typedef struct cst_process_result {
    size_t n_meetings;      /* meetings processed */
    size_t stamps_added;    /* stamps set to `now` (none carried over) */
    size_t n_enforced;      /* enforced findings before a meeting */
    int reject;             /* one of them is on a new meeting or one whose
                               start moved (see previous_known) */
    cst_rule rule;          /* the first such rule */
    char uid[256];          /* its meeting's UID */
    char message[512];      /* its message, translated */
} cst_process_result;

typedef struct cst_process_in {
    const cst_policy *policy;
    time_t now;
    /* the copy the server holds now, or NULL: stamps a client dropped are
     * carried over from it */
    const char *previous;
    size_t previous_len;
    /* translation into the policy's language (NULL: English) */
    cst_translate_fn tr;
    void *tr_ctx;
    /* when not NULL, only meetings whose ORGANIZER is this user (the
     * address, or its local part, compared without case) are processed */
    const char *organizer_user;
    /* 1 when `previous` tells what the server holds (NULL: nothing);
     * only then can a meeting be new or moved, and be rejected */
    int previous_known;
    /* where to put what the run found, or NULL */
    cst_process_result *result;
} cst_process_in;

/*
 * Processes one iCalendar object.  For every meeting (master and
 * overrides):
 *  - X-CALSTEWARD-AGENDA-SENT / -MATERIALS-SENT / -MINUTES-SENT are added
 *    once, with `now`, when the agenda / materials / minutes first appear
 *    (or with the previous copy's value when the client dropped them);
 *    while the server's copy is unknown a stamp present is never moved;
 *    with previous_known the stamps are the stored ones (none on a new
 *    meeting), and a client's own value is replaced (or removed, when
 *    the content is gone) before the rules see it;
 *  - STRUCTURED-DATA with schema urn:calsteward:agenda:1 is replaced (in
 *    place), added, or removed when there are no agenda items; other
 *    STRUCTURED-DATA stays; with the policy's agenda-property =
 *    x-property the same XML goes into X-CALSTEWARD-AGENDA instead (','
 *    as "&#44;", ';' bare: what libical 3.0 keeps), and our
 *    STRUCTURED-DATA is removed (and X-CALSTEWARD-AGENDA in the default
 *    mode); a line whose TEXT value is unchanged is left as it is;
 *  - the block between CST_BLOCK_BEGIN and CST_BLOCK_END at the end of
 *    DESCRIPTION is replaced: the timetable (policy timetable = yes) and
 *    the open findings; without either it is removed, and a DESCRIPTION
 *    left empty is removed.  The organizer's text keeps its bytes and
 *    folding.
 * Everything else, and every object without a meeting, is left alone.
 *
 * Returns CST_OK with *out NULL when nothing changes, or a heap buffer
 * (NUL-terminated, length *out_len) that the caller frees; CST_ERR_PARSE
 * or CST_ERR_TOO_LARGE (err says why) when the input is bad -- the
 * caller then keeps the input as it is; CST_ERR_NOMEM.
 */
cst_status cst_process(const char *data, size_t len, const cst_process_in *in,
                       char **out, size_t *out_len, cst_error *err);

#endif /* CST_PROCESS_H */
