/*
 * tasks.h -- the VTODOs calsteward writes for a meeting (spec section 4):
 * the organizer's preparation tasks and the action items of the minutes.
 */
#ifndef CST_TASKS_H
#define CST_TASKS_H

#include <time.h>

#include "cst.h"
#include "messages.h"
#include "policy.h"
#include "util.h"

typedef enum cst_task_kind {
    CST_TASK_AGENDA = 0,
    CST_TASK_MATERIALS,
    CST_TASK_MINUTES,
    CST_TASK_ACTION_ITEM,
    CST_TASK_DIGEST /* the sweep's follow-up digest (core/digest.h) */
} cst_task_kind;

/* One task: a VCALENDAR holding one VTODO. */
typedef struct cst_task {
    cst_task_kind kind;
    char uid[40];           /* name-based UUID (RFC 4122 version 5) */
    char *ics;              /* the VCALENDAR text, CRLF */
    size_t len;
    char *owner_addr;       /* the ATTENDEE's address (no mailto:), or NULL */
} cst_task;

typedef struct cst_task_list {
    cst_task *v;
    size_t n, cap;
} cst_task_list;

typedef struct cst_tasks_in {
    const cst_policy *policy;
    time_t now;
    cst_translate_fn tr;    /* the policy's language; NULL: English */
    void *tr_ctx;
    /* when not NULL, only meetings this user organizes (as in
     * cst_process_in) */
    const char *organizer_user;
} cst_tasks_in;

/* Returns "agenda", "materials", "minutes", "action-item" or "digest". */
const char *cst_task_kind_name(cst_task_kind k);

/*
 * Builds the tasks of every meeting in one iCalendar object:
 *  - when policy prep_tasks is on: `agenda` and `materials` for the next
 *    occurrence, `minutes` for the next occurrence and for the last one
 *    that ended (so that it is completed once the minutes are there);
 *  - one `action-item` task per action item of the minutes, for the last
 *    occurrence that ended (for an event that has not ended yet: its own
 *    start).
 * The UID is a version-5 UUID of (meeting UID, occurrence, kind, key),
 * where key is the task's text with case and spacing folded: saving the
 * meeting again gives the same UIDs.
 *
 * Returns CST_OK (the list may be empty); CST_ERR_PARSE / TOO_LARGE for
 * bad input (err says why); CST_ERR_NOMEM.
 * @par Ownership: release the list with cst_task_list_fini().
 */
cst_status cst_tasks_build(const char *data, size_t len, const cst_tasks_in *in,
                           cst_task_list *out, cst_error *err);
void cst_task_list_fini(cst_task_list *l);

/*
 * Writes all tasks of a list as one VCALENDAR (for `calsteward tasks`).
 * Returns a heap string (length in *out_len) or NULL when out of memory.
 */
char *cst_task_list_calendar(const cst_task_list *l, size_t *out_len);

/*
 * Merges a task freshly built with the copy the server holds (existing,
 * as stored; may have been edited by its owner and rewritten by the
 * server).  The result is the existing text with calsteward's own
 * properties brought up to date -- everything else stays byte for byte
 * -- and for action items the owner's STATUS, PERCENT-COMPLETE and
 * COMPLETED are kept.  DTSTAMP and LAST-MODIFIED change only along with
 * another change.
 *
 * Returns CST_OK with *out NULL when the existing copy is already up to
 * date, or a heap buffer (length *out_len); CST_ERR_PARSE when existing
 * holds no VTODO of that UID (err says why); CST_ERR_NOMEM.
 *
 * A digest (CST_TASK_DIGEST) owns less: its SUMMARY, DUE, ORGANIZER and
 * X-CALSTEWARD-* lines, and in DESCRIPTION only the generated block (what
 * the organizer wrote around it stays, above the new block).  Its STATUS,
 * PERCENT-COMPLETE and COMPLETED are the fresh copy's only when
 * X-CALSTEWARD-OVERDUE went from zero to more or back (or the stored copy
 * has none): the organizer's own completion, or a reopening, stays until
 * what is overdue changes.
 */
cst_status cst_task_merge(const char *existing, size_t existing_len,
                          const cst_task *fresh, time_t now, char **out,
                          size_t *out_len, cst_error *err);

/* Writers of core/digest.c, as the tasks use them: one content line,
 * folded, CRLF; NAME + escaped TEXT; NAME;CN=...:mailto:ADDR. */
void cst_task_put_line(cst_sbuf *b, const char *line);
void cst_task_put_text(cst_sbuf *b, const char *head, const char *text);
void cst_task_put_address(cst_sbuf *b, const char *name, const char *addr,
                          const char *cn);

#endif /* CST_TASKS_H */
