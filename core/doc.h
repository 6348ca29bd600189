/*
 * doc.h -- one iCalendar object parsed once, for every question the
 * callers ask about it: check, process, tasks, the schedule, and whether
 * processing it needs the copy the server holds.
 *
 * cst_process(), cst_tasks_build() and cst_meeting_schedule_get() take
 * text and parse it each time; they are thin wrappers over the functions
 * here.  A caller that asks more than one question (the Apache module,
 * the sweep) parses once with cst_doc_parse() and asks the handle.  The
 * handle also remembers each meeting's occurrences at the last `now` it
 * was asked about, so that check, process (whose check and timetable
 * both need them) and tasks walk a recurrence once.
 *
 * A handle is used by one thread at a time (libical's property iterator
 * lives in the component); different handles in different threads are
 * independent.
 */
#ifndef CST_DOC_H
#define CST_DOC_H

#include <time.h>

#include "cst.h"
#include "followup.h"
#include "meeting.h"
#include "policy.h"
#include "process.h"
#include "rules.h"
#include "tasks.h"

typedef struct cst_doc cst_doc;

/*
 * Parses data (one iCalendar object) with the policy's urgent categories
 * (cst_object_parse()).  Returns CST_OK, or what cst_object_parse()
 * returns (err says why).
 * @par Ownership: *out is the caller's (cst_doc_free()).  data is not
 * copied: it must stay unchanged until the handle is freed (process edits
 * the original bytes).  policy must outlive the handle too.
 */
cst_status cst_doc_parse(const char *data, size_t len,
                         const cst_policy *policy, cst_doc **out,
                         cst_error *err);
/* Frees a handle (NULL is fine) and sets *d to NULL. */
void cst_doc_free(cst_doc **d);

/* The model (owned by the handle), the bytes it was parsed from, the
 * policy it was parsed with. */
const cst_object *cst_doc_object(const cst_doc *d);
const char *cst_doc_data(const cst_doc *d, size_t *len);
const cst_policy *cst_doc_policy(const cst_doc *d);

/*
 * cst_check() over the handle's object with its policy.  Returns as
 * cst_check() does; findings point into the handle, which must outlive
 * them.
 */
cst_status cst_doc_check(cst_doc *d, time_t now, cst_findings *out);

/*
 * cst_process() on the handle: in->previous / previous_len are ignored;
 * the server's copy is `previous` (a handle of its own, or NULL), and
 * in->previous_known says whether it tells what the server holds, as in
 * cst_process_in.  in->policy must be the handle's.  The handle is left
 * as it was (the stored stamps process uses are undone afterwards), so it
 * can be asked again.  Returns as cst_process() does.
 */
cst_status cst_doc_process(cst_doc *d, const cst_doc *previous,
                           const cst_process_in *in, char **out,
                           size_t *out_len, cst_error *err);

/* cst_tasks_build() on the handle (in->policy must be the handle's).
 * Returns as cst_tasks_build() does. */
cst_status cst_doc_tasks(cst_doc *d, const cst_tasks_in *in,
                         cst_task_list *out, cst_error *err);

/* cst_meeting_schedule_get() on the handle.  Returns as it does. */
cst_status cst_doc_schedule(cst_doc *d, time_t now, time_t win_start,
                            time_t win_end, cst_meeting_schedule *out,
                            cst_error *err);

/*
 * Returns 1 when cst_doc_process() with this organizer_user (NULL: any)
 * would process a meeting -- only then can the copy the server holds
 * change its output -- and 0 when it leaves the object alone whatever the
 * server holds (no meeting, or only other organizers' meetings).  The
 * Apache module asks before it reads the stored copy.
 */
int cst_doc_needs_previous(const cst_doc *d, const char *organizer_user);

#endif /* CST_DOC_H */
